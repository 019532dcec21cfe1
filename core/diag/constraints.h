/* core/diag/constraints.h - where the constraint on each nuisance parameter comes from: the Fisher
 * information at the best fit split into the auxiliary term and each channel's and bin's part. */
#ifndef HF_CONSTRAINTS_H
#define HF_CONSTRAINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"

typedef struct hf_constraints_options {
    double over_threshold; /* post-fit / pre-fit sigma below this: over-constrained (0: 0.5) */
    bool bins;             /* also keep the per-bin shares */
} hf_constraints_options;

typedef struct hf_constraints_par {
    size_t par;   /* model parameter index */
    double value; /* best-fit value */
    double pull;  /* (value - aux) / prefit_sigma (shapesys: aux 1, sigma 1/sqrt(tau)) */
    double prefit_sigma;
    double postfit_sigma; /* from the fit covariance */
    double ratio;         /* postfit_sigma / prefit_sigma */
    double fisher;        /* diagonal Fisher information I_jj: aux + sum over bins */
    double fisher_aux;    /* the auxiliary (constraint) term */
    double aux_share;     /* fisher_aux / fisher */
    bool over_constrained;
} hf_constraints_par;

typedef struct hf_constraints {
    size_t n; /* constrained free parameters, in pyhf order */
    hf_constraints_par *p;
    size_t nchan, nbins; /* copies of the model's */
    double *chan_share;  /* n x nchan: share of I_jj from each channel */
    double *bin_share;   /* n x nbins (NULL unless options.bins) */
} hf_constraints;

/* Analyse every constrained, free parameter of m at the best fit `fit` (which needs err filled).
 * Returns 0, or -1 with err set. Release with hf_constraints_release. */
int hf_constraints_compute(const hf_model *m, const hf_fit_result *fit,
                           const hf_constraints_options *opt, hf_constraints *out, hf_error *err);
void hf_constraints_release(hf_constraints *c);
/* The channels (model indices, by decreasing share) whose share of entry i reaches the source
 * share; returns how many were written to idx (at most nchan). */
size_t hf_constraints_sources(const hf_constraints *c, size_t i, double min_share, size_t *idx);

#endif
