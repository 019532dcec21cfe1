/* core/density/binest.c - binned density estimators and their bootstrap ensembles. */
#include "core/density/binest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The estimate on x into q; with est->debias and plain != NULL, the plain KDE q(h) into plain
 * as well (it is computed on the way). Returns 0 or -1 with err. */
static int
eval_into(const hf_binest *est, const double *x, size_t n, double *q, double *plain, double *h,
          hf_error *err)
{
    size_t B = est->bins;
    if (est->kind == HF_BINEST_HISTOGRAM) {
        double inv = (double)B / (est->hi - est->lo);
        memset(q, 0, B * sizeof(double));
        for (size_t i = 0; i < n; i++) {
            if (!(x[i] >= est->lo && x[i] <= est->hi))
                continue;
            size_t b = (size_t)((x[i] - est->lo) * inv);
            q[b < B ? b : B - 1] += 1.0;
        }
        for (size_t b = 0; b < B; b++)
            q[b] /= (double)n;
        if (h != NULL)
            *h = NAN;
        return 0;
    }
    double rule_h =
        est->rule == HF_KDE_FIXED ? NAN : hf_kde_bandwidth(est->rule, x, n, est->lo, est->hi, NULL);
    hf_kde k = {.x = x,
                .n = n,
                .h = hf_kde_scaled_bandwidth(est->rule, est->bw_value, rule_h, est->lo, est->hi),
                .lo = est->lo,
                .hi = est->hi,
                .reflect = est->reflect};
    if (h != NULL)
        *h = k.h;
    if (hf_kde_probs_mode(&k, B, est->exact, q, err) != 0)
        return -1;
    if (!est->debias)
        return 0;
    if (plain != NULL)
        memcpy(plain, q, B * sizeof(double));
    double *q2 = malloc(B * sizeof(double));
    if (q2 == NULL)
        return hf_error_nomem(err);
    k.h *= M_SQRT2;
    int rc = hf_kde_probs_mode(&k, B, est->exact, q2, err);
    for (size_t b = 0; rc == 0 && b < B; b++)
        q[b] = 2.0 * q[b] - q2[b];
    free(q2);
    return rc;
}

int
hf_binest_eval(const hf_binest *est, const double *x, size_t n, double *q, double *h, hf_error *err)
{
    return eval_into(est, x, n, q, NULL, h, err);
}

/* Welford's running mean and sum of squared deviations: member m (0-based) of the ensemble. */
static void
welford(double *mean, double *m2, const double *q, size_t nb, size_t m)
{
    for (size_t b = 0; b < nb; b++) {
        double d = q[b] - mean[b];
        mean[b] += d / (double)(m + 1);
        m2[b] += d * (q[b] - mean[b]);
    }
}

/* The ensemble behind both public bootstraps: mean and var of the estimator's members, and with
 * plain_var (est->debias only) the variance of the plain KDE over the same members. */
static int
bootstrap(const hf_binest *est, const double *x, size_t n, size_t B, gsl_rng *rng, double *mean,
          double *var, double *members, double *plain_var, hf_error *err)
{
    if (B < 2)
        return hf_error_set(err, HF_EUSAGE, "", "a bootstrap needs at least 2 members");
    size_t nb = est->bins;
    bool pair = plain_var != NULL && est->debias && est->kind == HF_BINEST_KDE;
    double *xs = malloc(n * sizeof(double));
    double *q = malloc(nb * sizeof(double));
    double *qp = pair ? malloc(2 * nb * sizeof(double)) : NULL, *pmean = qp ? qp + nb : NULL;
    if (xs == NULL || q == NULL || (pair && qp == NULL)) {
        free(xs);
        free(q);
        free(qp);
        return hf_error_nomem(err);
    }
    /* var and plain_var hold sums of squared deviations until the end */
    memset(mean, 0, nb * sizeof(double));
    memset(var, 0, nb * sizeof(double));
    if (pair) {
        memset(pmean, 0, nb * sizeof(double));
        memset(plain_var, 0, nb * sizeof(double));
    }
    int rc = 0;
    for (size_t m = 0; m < B && rc == 0; m++) {
        for (size_t i = 0; i < n; i++)
            xs[i] = x[gsl_rng_uniform_int(rng, (unsigned long)n)];
        if ((rc = eval_into(est, xs, n, q, qp, NULL, err)) != 0)
            break;
        if (members != NULL)
            memcpy(members + m * nb, q, nb * sizeof(double));
        welford(mean, var, q, nb, m);
        if (pair)
            welford(pmean, plain_var, qp, nb, m);
    }
    for (size_t b = 0; b < nb; b++) {
        var[b] /= (double)(B - 1);
        if (pair)
            plain_var[b] /= (double)(B - 1);
    }
    free(xs);
    free(q);
    free(qp);
    return rc;
}

int
hf_binest_bootstrap(const hf_binest *est, const double *x, size_t n, size_t B, gsl_rng *rng,
                    double *mean, double *var, double *members, hf_error *err)
{
    return bootstrap(est, x, n, B, rng, mean, var, members, NULL, err);
}

int
hf_binest_bootstrap_pair(const hf_binest *est, const double *x, size_t n, size_t B, gsl_rng *rng,
                         double *var, double *plain_var, hf_error *err)
{
    if (!est->debias || est->kind != HF_BINEST_KDE)
        return hf_error_set(err, HF_EUSAGE, "", "a bootstrap pair needs a debiased KDE");
    double *mean = malloc(est->bins * sizeof(double));
    if (mean == NULL)
        return hf_error_nomem(err);
    int rc = bootstrap(est, x, n, B, rng, mean, var, NULL, plain_var, err);
    free(mean);
    return rc;
}
