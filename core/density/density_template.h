/* core/density/density_template.h - a sample's nominal template replaced by one generated from a
 * KDE, with the bootstrap band of core/density/binest.h as its per-bin statistical
 * uncertainty, written into a workspace document.
 *
 * The KDE is trained on n events drawn from the nominal template (the template as a density on
 * [0, bins], x = the bin index; n defaults to its effective MC events), M events are generated
 * from it and histogrammed. The band: the spread of B bootstrap KDEs (each trained on a resample
 * of the n events) with the generated histogram's sampling noise added. With `debias` the
 * template is the bias-corrected 2 q(h) - q(sqrt 2 h) estimate applied to the generated
 * histogram (g/M - beta) and the band is that estimator's bootstrap spread.
 *
 * In the workspace the band becomes a constrained per-bin modifier (docs/density.md says why):
 *   HF_DENSITY_STATERROR  the sample's staterror data (absolute) are replaced, or a staterror
 *                        joined to the channel's is added: the training uncertainty is MC
 *                        statistics and enters where HistFactory puts MC statistics;
 *   HF_DENSITY_SHAPESYS   a shapesys of its own ("gen_stat_<channel>_<sample>"), the sample's
 *                        staterror removed: one Poisson-constrained gamma per bin for this sample.
 */
#ifndef HF_DENSITY_TEMPLATE_H
#define HF_DENSITY_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/density/density_truth.h"
#include "core/density/kde.h"
#include "core/error.h"

struct cJSON;

typedef enum hf_density_modifier {
    HF_DENSITY_STATERROR = 0,
    HF_DENSITY_SHAPESYS
} hf_density_modifier;

typedef struct hf_density_template_config {
    size_t n;         /* training events (>= 2) */
    double draws;     /* M generated events (>= 1) */
    size_t boot;      /* bootstrap members (>= 2) */
    hf_kde_rule rule; /* bandwidth rule and factor (or fixed bandwidth) */
    double bw_value;
    bool reflect;
    bool debias;
    unsigned long seed;
} hf_density_template_config;

typedef struct hf_density_template {
    size_t bins, n, boot;
    double draws, h, yield; /* yield: the nominal's total (negative bins as 0) */
    double *nominal;        /* the original template (bins) */
    double *generated;      /* the new template, summing to yield */
    double *sd_train;       /* bootstrap spread, in yields */
    double *sd_sampling;    /* sqrt(f(1-f)/M), f = g/M (multinomial), in yields */
    double *sd;             /* the band: the two in quadrature */
    double *beta;           /* estimated smoothing bias, in yields (0 without debias) */
} hf_density_template;

/* Make the generated template for `truth` (from hf_density_truth_template: bins on [0, bins]);
 * nominal[bins] are the sample's yields. Returns NULL with err; free with _result_free. */
hf_density_template *hf_density_template_make(const hf_density_truth *truth, const double *nominal,
                                              size_t bins, const hf_density_template_config *cfg,
                                              hf_error *err);
void hf_density_template_free(hf_density_template *g); /* NULL is fine */

/* Put g into sample `sample` of channel `channel` of the workspace document doc (modified in
 * place): its data and the band as modifier kind mk. Returns 0, or -1 with err (an unknown
 * channel or sample, a bin count that differs, ENOMEM). */
int hf_density_template_apply(struct cJSON *doc, const char *channel, const char *sample,
                              const hf_density_template *g, hf_density_modifier mk, hf_error *err);

#endif
