/* core/diag/ranking.h - impacts of nuisance parameters on the POI: refits with one parameter fixed at
 * theta_hat +- its pre-fit and post-fit sigma, in threads. */
#ifndef HF_RANKING_H
#define HF_RANKING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"

typedef struct hf_ranking_options {
    int jobs;           /* threads (<= 1: run in the caller's thread) */
    bool no_prefit;     /* skip the pre-fit impacts (half the refits) */
    const bool *select; /* npar mask of parameters to rank; NULL: every constrained free one */
    atomic_int *cancel; /* nonzero stops the refits (HF_ECANCELED) */
} hf_ranking_options;

typedef struct hf_ranking_entry {
    size_t par;
    double value, pull; /* best fit and (value - aux) / prefit_sigma (0 if unconstrained) */
    double prefit_sigma, postfit_sigma;
    double impact_prefit[2];  /* POI shift with theta = value + prefit_sigma, - prefit_sigma */
    double impact_postfit[2]; /* the same with the post-fit sigma */
    bool converged;           /* all refits of this parameter converged */
} hf_ranking_entry;

typedef struct hf_ranking {
    int poi;
    double poi_value, poi_error;
    size_t n;
    hf_ranking_entry *e; /* sorted by largest |post-fit impact| */
    size_t nfits, nfailed;
} hf_ranking;

/* Rank the nuisance parameters of m on data d around the unconditional best fit `best` (errors
 * needed). m must have a POI. Returns 0, or -1 with err set. Release with hf_ranking_release. */
int hf_ranking_compute(const hf_model *m, const hf_data *d, const hf_fit_result *best,
                       const hf_ranking_options *opt, hf_ranking *out, hf_error *err);
void hf_ranking_release(hf_ranking *r);
/* Largest |post-fit impact| of an entry (the sort key). */
double hf_ranking_key(const hf_ranking_entry *e);

#endif
