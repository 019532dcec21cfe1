/* core/model/fit.h - maximum-likelihood fits with bounds and fixed parameters; errors from the
 * Hessian. */
#ifndef HF_FIT_H
#define HF_FIT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/model/model.h"

/* How a fit (or one of its stages) ended; the numbers are part of the JSON output. */
typedef enum hf_fit_status {
    HF_FIT_CONVERGED = 0,
    HF_FIT_MAX_ITER = 1,    /* iteration limit reached, or stalled (EDM falling too slowly) */
    HF_FIT_NO_DECREASE = 2, /* line search or trust region failed; -log L not finite */
    HF_FIT_NOT_POSDEF = 3,  /* the Hessian could not be made positive definite */
} hf_fit_status;

typedef struct hf_fit_options {
    const double *init; /* start values (npar), NULL: the model's suggested init */
    const bool *fixed;  /* fixed mask (npar), NULL: the model's suggested fixed */
    int fix_index;      /* one more parameter to fix (e.g. the POI), -1: none */
    double fix_value;
    double tol;         /* convergence: EDM below tol (m->fit_tol wins when set; default 1e-9) */
    int max_iter;       /* per stage (m->fit_max_iter wins when set; default 200) */
    bool no_errors;     /* skip the final Hessian (inference inner loops) */
    atomic_int *cancel; /* nonzero: stop as soon as possible (HF_ECANCELED) */
    void (*progress)(void *ctx, int iter, double nll, double edm);
    void *progress_ctx;
    /* Added later; 0 leaves each to the model's fit settings (m->fit_*), then to the defaults. */
    int strategy;       /* HF_FIT_STRATEGY_DEFAULT or HF_FIT_STRATEGY(s), s = 0, 1, 2 */
    unsigned long seed; /* random restarts (0: m->fit_seed, then 42) */
    /* one line per stage and restart (-v), NULL: silent */
    void (*log)(void *ctx, const char *stage, int iter, double twice_nll, const char *message);
    void *log_ctx;
} hf_fit_options;

/* Strategies, as MINUIT's: 0 fast (Newton with line search only), 1 (the default) falls back
 * to a trust region, a rescaled restart (each when the best so far failed or, errors wanted, is
 * a saddle) and 4 seeded random starts (when all failed), 2 careful: the same, then 8 random
 * starts in any case, the lowest minimum wins. */
#define HF_FIT_STRATEGY_DEFAULT 0
#define HF_FIT_STRATEGY(s)      ((s) + 1)

/* The stages of one fit, in the order they are tried. */
typedef enum hf_fit_stage {
    HF_FIT_NEWTON = 0, /* Newton/BFGS with an Armijo line search */
    HF_FIT_TRUST,      /* trust region, exact Hessian, More-Sorensen step */
    HF_FIT_RESCALED,   /* trust region again from the best point, freshly rescaled */
    HF_FIT_RANDOM      /* seeded random starts within the bounds */
} hf_fit_stage;
const char *hf_fit_stage_name(hf_fit_stage s);

/* One stage run (a random restart is one each). */
typedef struct hf_fit_attempt {
    hf_fit_stage stage;
    int iter;
    hf_fit_status status;
    double twice_nll;   /* where the stage ended */
    unsigned long seed; /* random starts: the seed of this start, else 0 */
} hf_fit_attempt;

/* A flat direction of the minimum: an eigenvector of the Hessian scaled to unit diagonal
 * (D^-1/2 H D^-1/2, a correlation-like matrix, eigenvalues 0..npar) with a near-zero eigenvalue.
 * The parameters named are those with the largest weights (squared eigenvector components,
 * summing to 1 over all), largest first: they are determined only in combination. */
typedef struct hf_fit_flat {
    double eigenvalue;
    size_t n;
    size_t *par;    /* parameter indices (n) */
    double *weight; /* their weights (n) */
} hf_fit_flat;

typedef struct hf_fit_result {
    bool converged;
    hf_fit_status status;
    const char *message;
    int iter, nfev;
    size_t npar;
    double nll; /* -log L at the minimum (all constants) */
    double twice_nll;
    double edm;      /* estimated distance to minimum g^T H^-1 g / 2 */
    double gradnorm; /* max |g_i| over free parameters not at a bound */
    double *x;       /* best fit (npar) */
    double *err;     /* uncertainties (npar; 0 for fixed) */
    double *cov;     /* covariance npar x npar (rows/columns of fixed parameters are 0); NULL if
                        no_errors */
    bool *fixed;     /* the fixed mask used */
    bool hesse_ok;   /* the Hessian at the minimum was positive definite (errors trustworthy) */
    /* added later: how the fit got there */
    int strategy;         /* 0, 1, 2 */
    hf_fit_stage stage;   /* the stage that produced the result */
    hf_fit_stage reached; /* the last stage tried */
    size_t nattempt;
    hf_fit_attempt *attempt; /* every stage run, in order */
    int restarts;            /* random starts made */
    unsigned long seed;      /* their base seed */
    size_t nflat;
    hf_fit_flat *flat; /* flat directions at the minimum (not computed with no_errors) */
} hf_fit_result;

/* Scaled eigenvalues below this are reported as flat directions. */
#define HF_FIT_FLAT_EIGENVALUE 1e-2

/* Fit m to d. Returns 0 when a result was produced (check res->converged), -1 with err set on
 * allocation failure or cancellation. res is filled by the call; free with hf_fit_result_release.
 */
int hf_fit(const hf_model *m, const hf_data *d, const hf_fit_options *opt, hf_fit_result *res,
           hf_error *err);
void hf_fit_result_release(hf_fit_result *res);
/* Correlation from the covariance: npar x npar, caller frees; NULL on ENOMEM or no covariance. */
double *hf_fit_correlation(const hf_fit_result *res);
/* "eff_A, mu_SR and eff_D are determined only in combination (eigenvalue 3e-09)" into buf
 * (truncated to size). */
void hf_fit_flat_describe(const hf_model *m, const hf_fit_flat *fl, char *buf, size_t size);

#endif
