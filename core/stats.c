/* core/stats.c - Poisson deviance, Garwood intervals, likelihood-ratio p-values, p <-> Z
 * (GSL's chi2 and Gaussian distributions). */
#include "core/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

double
hf_stats_poisson_deviance(double n, double nu)
{
    if (n <= 0)
        return 2.0 * nu;
    if (nu <= 0)
        return INFINITY;
    return 2.0 * (nu - n + n * log(n / nu));
}

double
hf_stats_deviance_sum(const double *n, const double *nu, size_t nb)
{
    double d = 0;
    size_t b;

    for (b = 0; b < nb; b++)
        if (nu[b] > 0)
            d += hf_stats_poisson_deviance(n[b], nu[b]);
    return d;
}

void
hf_stats_garwood(double n, double cl, double *lo, double *hi)
{
    double a = 1 - cl;

    if (!(n >= 0)) {
        *lo = *hi = NAN;
        return;
    }
    *lo = n > 0 ? 0.5 * gsl_cdf_chisq_Pinv(a / 2, 2 * n) : 0;
    *hi = 0.5 * gsl_cdf_chisq_Pinv(1 - a / 2, 2 * (n + 1));
}

double
hf_stats_lr_tension(double twice_nll_null, double off_null, double twice_nll_alt, double off_alt)
{
    return (twice_nll_null - 2 * off_null) - (twice_nll_alt - 2 * off_alt);
}

double
hf_stats_chi2_pvalue(double q, size_t ndof)
{
    return ndof > 0 ? gsl_cdf_chisq_Q(fmax(q, 0.0), (double)ndof) : NAN;
}

double
hf_stats_chi2_quantile(double p, double ndof)
{
    return gsl_cdf_chisq_Pinv(p, ndof);
}

double
hf_stats_p_to_z(double p)
{
    if (p >= 1.0)
        return -INFINITY;
    if (p <= 0.0)
        return INFINITY;
    return gsl_cdf_ugaussian_Qinv(p);
}

double
hf_stats_z_to_p(double z)
{
    return gsl_cdf_ugaussian_Q(z);
}
