/* core/diag/systematics.h - two-point systematics: per parameter x channel x sample effects and
 * flags, and symmetrisation / pruning as transformations of the workspace's JSON document. */
#ifndef HF_SYSTEMATICS_H
#define HF_SYSTEMATICS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/model.h"

struct cJSON;

enum {
    HF_SYST_ONE_SIDED = 1u << 0, /* up and down on the same side, or only one of them varies */
    HF_SYST_TINY = 1u << 1,      /* every effect below the tiny threshold (prunable) */
    HF_SYST_LARGE = 1u << 2,     /* normalisation or shape effect above the large threshold */
    HF_SYST_SINGLE_BIN = 1u << 3 /* one bin carries most of the variation */
};

typedef struct hf_systematics_options {
    double tiny;       /* relative effect below which an entry is tiny (default 1e-3 when 0) */
    double large;      /* relative effect above which an entry is large (default 0.5 when 0) */
    double single_bin; /* share of sum_b |delta_b| in one bin that flags it (default 0.8 when 0) */
    const char *np;    /* only this parameter (NULL: all) */
    const char *channel; /* only this channel (NULL: all) */
} hf_systematics_options;

/* One two-point parameter acting on one sample of one channel. The up/down templates combine
 * every normsys and histosys of that name on the sample: (nom + dhisto) * normsys factor. */
typedef struct hf_systematics_entry {
    size_t par;       /* model parameter index */
    size_t cs;        /* index into m->cs (channel + sample) */
    unsigned types;   /* bits 1u << HF_MOD_NORMSYS / HF_MOD_HISTOSYS */
    double nominal;   /* sum of nominal yields */
    double norm_up;   /* sum(up) / sum(nom) - 1 */
    double norm_down; /* sum(down) / sum(nom) - 1 */
    double
        shape_up; /* max_b |(up_b / nom_b) / (1 + norm_up) - 1|: shape once the norm is removed */
    double shape_down;
    double asymmetry; /* (norm_up + norm_down) / (|norm_up| + |norm_down|): 0 symmetric, +-1
                         one-sided */
    double same_side; /* share of sum_b (|du_b| + |dd_b|) in bins where du_b * dd_b >= 0 */
    size_t max_bin;   /* bin with the largest |du_b| + |dd_b| */
    double max_bin_share;
    unsigned flags; /* HF_SYST_* */
} hf_systematics_entry;

typedef struct hf_systematics {
    size_t n;
    hf_systematics_entry *e; /* ordered by parameter, then channel, then sample */
} hf_systematics;

int hf_systematics_analyze(const hf_model *m, const hf_systematics_options *opt,
                           hf_systematics *out, hf_error *err);
void hf_systematics_release(hf_systematics *s);
/* Combined nominal, up (+1 sigma) and down (-1 sigma) templates of parameter par on m->cs[cs]
 * (each m->cs[cs].nbins long). Returns the bit set of modifier types found (0: none). */
unsigned hf_systematics_templates(const hf_model *m, size_t par, size_t cs, double *nom, double *up,
                                  double *down);
/* Yield of m->cs[cs] bin `bin` with parameter par at alpha and every other parameter nominal,
 * every normsys and histosys of par interpolated with `code` (interpolation curves). */
double hf_systematics_yield_at(const hf_model *m, size_t par, size_t cs, size_t bin,
                               hf_interp_code code, double alpha);
/* "one-sided,tiny" style text of flags into buf (always terminated); returns buf. */
const char *hf_systematics_flag_names(unsigned flags, char *buf, size_t size);

typedef enum hf_symmetrize {
    HF_SYMM_NONE = 0,
    HF_SYMM_ONE_SIDED, /* keep up, mirror it: down = 2 nom - up */
    HF_SYMM_TWO_SIDED, /* average: delta = (up - down) / 2, up/down = nom +- delta */
    HF_SYMM_MAX        /* larger of |up - nom|, |down - nom| with the sign of up, mirrored */
} hf_symmetrize;

int hf_systematics_parse_symmetrize(const char *s, hf_symmetrize *mode); /* -1 if unknown */

typedef struct hf_systematics_transform {
    hf_symmetrize symmetrize;
    double prune;        /* drop normsys/histosys whose relative effect is below this (0: keep) */
    const char *np;      /* only this parameter (NULL: all) */
    const char *channel; /* only this channel (NULL: all) */
    bool only_one_sided; /* symmetrise only variations whose up and down are on the same side */
    /* filled by the call */
    size_t nsymmetrized, npruned, nparams_removed;
} hf_systematics_transform;

/* Apply symmetrisation then pruning to a copy of the workspace document doc. Parameters left
 * with no modifier lose their measurement configuration too. Returns the new document (caller
 * frees with cJSON_Delete) or NULL with err set. */
struct cJSON *hf_systematics_apply(const struct cJSON *doc, hf_systematics_transform *tr,
                                   hf_error *err);

#endif
