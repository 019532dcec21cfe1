/* core/model/fit.h - maximum-likelihood fits with bounds and fixed parameters; errors from the Hessian. */
#ifndef HF_FIT_H
#define HF_FIT_H

#include <stdatomic.h>
#include <stdbool.h>

#include "core/model/model.h"

typedef struct hf_fit_options {
    const double *init;         /* start values (npar), NULL: the model's suggested init */
    const bool *fixed;          /* fixed mask (npar), NULL: the model's suggested fixed */
    int fix_index;              /* one more parameter to fix (e.g. the POI), -1: none */
    double fix_value;
    double tol;                 /* convergence: EDM below tol (default 1e-8 when 0) */
    int max_iter;               /* default 200 when 0 */
    bool no_errors;             /* skip the final Hessian (inference inner loops) */
    atomic_int *cancel;         /* nonzero: stop as soon as possible (HF_ECANCELED) */
    void (*progress)(void *ctx, int iter, double nll, double edm);
    void *progress_ctx;
} hf_fit_options;

typedef struct hf_fit_result {
    bool converged;
    int status;     /* 0 converged, 1 max iterations, 2 line search failed, 3 hessian not positive */
    const char *message;
    int iter, nfev;
    size_t npar;
    double nll;     /* -log L at the minimum (all constants) */
    double twice_nll;
    double edm;     /* estimated distance to minimum g^T H^-1 g / 2 */
    double gradnorm; /* max |g_i| over free parameters not at a bound */
    double *x;      /* best fit (npar) */
    double *err;    /* uncertainties (npar; 0 for fixed) */
    double *cov;    /* covariance npar x npar (rows/columns of fixed parameters are 0); NULL if no_errors */
    bool *fixed;    /* the fixed mask used */
    bool hesse_ok;  /* the Hessian at the minimum was positive definite (errors trustworthy) */
} hf_fit_result;

/* Fit m to d. Returns 0 when a result was produced (check res->converged), -1 with err set on
 * allocation failure or cancellation. res is filled by the call; free with hf_fit_result_release. */
int hf_fit(const hf_model *m, const hf_data *d, const hf_fit_options *opt, hf_fit_result *res,
           hf_error *err);
void hf_fit_result_release(hf_fit_result *res);
/* Correlation from the covariance: npar x npar, caller frees; NULL on ENOMEM or no covariance. */
double *hf_fit_correlation(const hf_fit_result *res);

#endif
