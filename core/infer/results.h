/* core/infer/results.h - the JSON-lines results of `patchset run` (one line per signal point):
 * reading one or more files, checking that they come from one workspace, one set of options and
 * one hfscope version, and merging them (exact duplicates dropped, the newest of conflicting
 * lines kept). Read by `patchset merge`, the exclusion figures and the explorer. */
#ifndef HF_RESULTS_H
#define HF_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct hf_patchset;

/* One results line. Strings are owned by the hf_results that holds it. */
typedef struct hf_result {
    const char *patch;    /* patch name */
    const char *text;     /* the line as read, without its newline */
    const char *file;     /* the file it came from */
    size_t line;          /* 1-based line number in that file */
    size_t nvalues;       /* the signal point's "values" */
    const double *values; /* NAN for a value that is not a number */
    const char *error;    /* NULL unless the point failed */
    bool has_cls;         /* --what cls: cls_obs and cls_exp (-2..+2 sigma) */
    double cls_obs, cls_exp[5];
    bool has_limit; /* --what limit: obs and exp (-2..+2 sigma), NAN outside the range */
    double obs, exp[5];
    double range[2];        /* the POI range searched (NAN if not recorded) */
    signed char outside[6]; /* per NAN limit (obs, exp -2..+2): +1 CLs stays above 1 - cl up
                               to range[1] (not excluded there), -1 below it already at range[0] */
    double finished;        /* unix time the point finished, NAN if not recorded */
    const char *version;    /* hfscope version, NULL if not recorded */
    const char *ws_sha256;  /* digest of the background-only workspace, NULL if not recorded */
    const char *options;    /* the run's options, NULL if not recorded */
} hf_result;

typedef struct hf_results hf_results; /* opaque */

hf_results *hf_results_new(void);
void hf_results_free(hf_results *rs); /* NULL is fine */

/* Append every line of the file at path. A line that is not a results object fails with
 * HF_ESCHEMA, err->line its line number and err->where the JSON pointer inside the line (or "").
 * A line whose workspace digest, options or version differ from the first line read fails the
 * same way, the message naming the first line's file and line. Blank lines are skipped. */
int hf_results_read(hf_results *rs, const char *path, hf_error *err);

/* Keep one line per patch: exact duplicates (same text) are dropped, of conflicting lines the
 * newest (largest "finished", then the last read) is kept. Counts go to ndup and nconflict
 * (either may be NULL). The order becomes that of first appearance. */
void hf_results_merge(hf_results *rs, size_t *ndup, size_t *nconflict);

/* Check every line against the patchset: the patch must exist and carry the same values.
 * Otherwise HF_ESCHEMA with *bad the offending line (its file and line) and err->where the
 * pointer inside it. */
int hf_results_check_patchset(const hf_results *rs, const struct hf_patchset *ps,
                              const hf_result **bad, hf_error *err);

size_t hf_results_count(const hf_results *rs);
const hf_result *hf_results_get(const hf_results *rs, size_t i);
/* Index of the (last read) line for patch `name`, -1 if none. */
long hf_results_find(const hf_results *rs, const char *name);

#endif
