/* core/density_boot.c - binned density estimators and their bootstrap ensembles. */
#include "core/density_boot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The estimate on x (see the header). Returns 0 or -1 with err. */
int
hf_binest_eval(const hf_binest *est, const double *x, size_t n, double *q, double *h, hf_error *err)
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

/* Bootstrap ensemble (see the header). Welford's running mean and variance per bin, so the
 * members need not be kept. Returns 0 or -1 with err. */
int
hf_binest_bootstrap(const hf_binest *est, const double *x, size_t n, size_t B, gsl_rng *rng,
                    double *mean, double *var, double *members, hf_error *err)
{
    if (B < 2)
        return hf_error_set(err, HF_EUSAGE, "", "a bootstrap needs at least 2 members");
    size_t nb = est->bins;
    double *xs = malloc(n * sizeof(double));
    double *q = malloc(nb * sizeof(double));
    if (xs == NULL || q == NULL) {
        free(xs);
        free(q);
        return hf_error_nomem(err);
    }
    memset(mean, 0, nb * sizeof(double));
    memset(var, 0, nb * sizeof(double)); /* sum of squared deviations until the end */
    int rc = 0;
    for (size_t m = 0; m < B && rc == 0; m++) {
        for (size_t i = 0; i < n; i++)
            xs[i] = x[gsl_rng_uniform_int(rng, (unsigned long)n)];
        if ((rc = hf_binest_eval(est, xs, n, q, NULL, err)) != 0)
            break;
        if (members != NULL)
            memcpy(members + m * nb, q, nb * sizeof(double));
        for (size_t b = 0; b < nb; b++) {
            double d = q[b] - mean[b];
            mean[b] += d / (double)(m + 1);
            var[b] += d * (q[b] - mean[b]);
        }
    }
    for (size_t b = 0; b < nb; b++)
        var[b] /= (double)(B - 1);
    free(xs);
    free(q);
    return rc;
}
