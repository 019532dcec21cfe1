/* core/density/binest.h - binned density estimators and their bootstrap ensembles: the statistical
 * uncertainty an estimate (a histogram, or a template generated from a KDE) inherits from its n
 * training events.
 *
 * The estimator, bandwidth rule included, is re-run on B resamples of the n events drawn with
 * replacement (Efron, Ann. Statist. 7 (1979) 1); the per-bin spread of the B estimates is the
 * training uncertainty. Ensembles of generative networks trained on resampled data do the same
 * in HEP (Butter et al., SciPost Phys. Core 6 (2023) 062).
 *
 * What it cannot see is smoothing bias: resampling the empirical distribution leaves a KDE's
 * expectation at the KDE itself (the estimate is linear in the empirical measure), so the band is
 * centred on a biased estimate. The coverage study of core/density/density.h measures what that
 * costs.
 *
 *   hf_binest est = {.kind = HF_BINEST_KDE, .bins = 20, .lo = 0, .hi = 1,
 *                    .rule = HF_KDE_SILVERMAN, .bw_value = 1, .reflect = true, .exact = true};
 *   hf_binest_bootstrap(&est, x, n, 50, rng, mean, var, NULL, &err);
 */
#ifndef HF_BINEST_H
#define HF_BINEST_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "core/density/kde.h"
#include "core/error.h"

typedef enum hf_binest_kind {
    HF_BINEST_HISTOGRAM = 0, /* counts / n */
    HF_BINEST_KDE            /* Gaussian KDE bin integrals */
} hf_binest_kind;

/* A binned density estimator: the fraction of the density in each of `bins` equal bins on
 * [lo, hi]. */
typedef struct hf_binest {
    hf_binest_kind kind;
    size_t bins;
    double lo, hi;
    hf_kde_rule rule; /* KDE: bandwidth rule and its factor, or the fixed bandwidth */
    double bw_value;
    bool reflect; /* KDE: fold at lo and hi */
    bool exact;   /* KDE: exact bin integrals (else linear binning + FFT) */
    /* KDE: subtract the estimated smoothing bias, 2 q(h) - q(sqrt 2 h). A Gaussian kernel
     * convolved with itself is the kernel at sqrt 2 h, so q(sqrt 2 h) - q(h) estimates the bias
     * q(h) has against the truth to leading order, O(h^2) -> O(h^4) ("twicing": Stuetzle and
     * Mittal 1979; the smoothed-bootstrap bias estimate of Hall, The Bootstrap and Edgeworth
     * Expansion, 1992, sec. 4.5). Bins may come out slightly negative. */
    bool debias;
} hf_binest;

/* The estimate on x[0..n) (n >= 2) into q[bins]; *h gets the bandwidth used (KDE; h may be
 * NULL). Returns 0, or -1 with err (ENOMEM). Thread-safe. */
int hf_binest_eval(const hf_binest *est, const double *x, size_t n, double *q, double *h,
                   hf_error *err);

/* Bootstrap ensemble of B >= 2 members, each the estimate on a resample of x[0..n) drawn with
 * replacement from rng: mean[bins] and var[bins] (unbiased, over the members) of the members'
 * bin estimates; members (B * bins, row per member; may be NULL) receives them all. Returns 0,
 * or -1 with err (ENOMEM, or HF_EUSAGE for B < 2). Thread-safe with one rng per thread. */
int hf_binest_bootstrap(const hf_binest *est, const double *x, size_t n, size_t B, gsl_rng *rng,
                        double *mean, double *var, double *members, hf_error *err);

/* For a debiased KDE: the variances of the debiased estimator (var) and of the plain KDE
 * (plain_var) over one ensemble, each member's plain KDE computed once (what two calls of
 * hf_binest_bootstrap from the same rng state give, at two thirds of the cost). */
int hf_binest_bootstrap_pair(const hf_binest *est, const double *x, size_t n, size_t B,
                             gsl_rng *rng, double *var, double *plain_var, hf_error *err);

#endif
