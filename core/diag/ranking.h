/* core/diag/ranking.h - impacts of nuisance parameters (and free normalisation factors) on the
 * POI: refits with one parameter fixed at theta_hat +- its pre-fit and post-fit sigma, in threads;
 * the covariance method where the POI sits on a bound; grouped impacts (freeze a group, refit,
 * quadrature difference of the POI error) with the stat-only and total breakdown. */
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
    const bool *select; /* npar mask of parameters to rank; NULL: every free parameter but the
                           POI (constrained ones and normalisation factors) */
    atomic_int *cancel; /* nonzero stops the refits (HF_ECANCELED) */
} hf_ranking_options;

typedef struct hf_ranking_entry {
    size_t par;
    double value, pull; /* best fit and (value - aux) / prefit_sigma (0 if unconstrained) */
    double prefit_sigma, postfit_sigma;
    double impact_prefit[2];  /* POI shift with theta = value + prefit_sigma, - prefit_sigma */
    double impact_postfit[2]; /* the same with the post-fit sigma */
    double impact_cov[2];     /* covariance method: +-C_(poi,j) / sigma_j, the linear response of
                                 the POI to theta_j moved by +-its post-fit sigma */
    bool converged;           /* all refits of this parameter converged */
    double key;               /* the sort key: hf_ranking_key */
} hf_ranking_entry;

typedef enum hf_ranking_method {
    HF_RANKING_REFIT = 0, /* sorted by the refit (post-fit) impacts */
    HF_RANKING_COVARIANCE /* the POI's best fit is on a bound, so every refit impact is 0 (or
                             one-sided): sorted by the covariance impacts instead */
} hf_ranking_method;

typedef struct hf_ranking {
    int poi;
    double poi_value, poi_error;
    size_t n;
    hf_ranking_entry *e; /* sorted by the key of `method` */
    size_t nfits, nfailed;
    bool poi_at_bound; /* the POI's best fit is within 1e-6 of a bound (relative to its range) */
    hf_ranking_method method;
} hf_ranking;

/* Rank the nuisance parameters of m on data d around the unconditional best fit `best` (errors
 * needed). m must have a POI. Returns 0, or -1 with err set. Release with hf_ranking_release. */
int hf_ranking_compute(const hf_model *m, const hf_data *d, const hf_fit_result *best,
                       const hf_ranking_options *opt, hf_ranking *out, hf_error *err);
void hf_ranking_release(hf_ranking *r);
/* The sort key of an entry: the largest |post-fit impact|, or with the covariance method the
 * largest |covariance impact|. */
double hf_ranking_key(const hf_ranking_entry *e);

/* Grouped impacts: parameters by group (npar entries, -1: in no group), ngroups groups. */
typedef struct hf_ranking_group_result {
    double poi_error; /* the POI's HESSE error with the group frozen at the best fit */
    double impact;    /* sqrt(total^2 - poi_error^2): the group's quadrature share (NAN when
                         freezing it did not shrink the error or the refit failed) */
    size_t npar;      /* parameters in the group */
    bool converged;
} hf_ranking_group_result;

typedef struct hf_ranking_groups {
    double total; /* the POI error of the best fit */
    double stat;  /* with every constrained parameter frozen (free factors float) */
    double syst;  /* sqrt(total^2 - stat^2) */
    size_t ngroups;
    hf_ranking_group_result *g;
} hf_ranking_groups;

/* Freeze each group in turn (and then every constrained parameter) at the best fit, refit with
 * errors, and record the POI error. 0, or -1 with err set. */
int hf_ranking_groups_compute(const hf_model *m, const hf_data *d, const hf_fit_result *best,
                              const int *group, size_t ngroups, hf_ranking_groups *out,
                              hf_error *err);
void hf_ranking_groups_release(hf_ranking_groups *g);

#endif
