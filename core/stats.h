/* core/stats.h - the statistics every layer shares: the Poisson deviance, Garwood intervals,
 * likelihood-ratio tensions with their chi2 p-values, and the p-value <-> significance map.
 * Plain functions of numbers (no model, no allocation), safe from any thread. Nothing outside
 * core/ calls a GSL distribution: render/ and app/ come here. */
#ifndef HF_STATS_H
#define HF_STATS_H

#include <stddef.h>

/* Poisson deviance of one count: 2 [nu - n + n ln(n / nu)], twice the negative log likelihood
 * above the saturated value nu = n (Baker and Cousins, NIM 221 (1984) 437, eq. 14). n <= 0
 * gives 2 nu; nu <= 0 with n > 0 gives +inf. */
double hf_stats_poisson_deviance(double n, double nu);

/* Sum of hf_stats_poisson_deviance over nb bins, leaving out bins with no prediction (nu <= 0,
 * e.g. an empty bin of a channel): about chi2 with nb degrees of freedom. */
double hf_stats_deviance_sum(const double *n, const double *nu, size_t nb);

/* Central Garwood (1936) interval for a Poisson mean given n observed, at confidence cl:
 * [chi2_{a/2}(2n) / 2, chi2_{1-a/2}(2n + 2) / 2] with a = 1 - cl; lo = 0 for n = 0. NaN for
 * n < 0 or NaN. */
void hf_stats_garwood(double n, double cl, double *lo, double *hi);

/* Likelihood-ratio tension between a model (null) and a more general one (alt), each given as
 * its fitted 2 NLL and its constraint constant (hf_gof_constraint_offset; taken out because the
 * two models carry different auxiliary measurements): (2 NLL_null - 2 off_null) - (2 NLL_alt -
 * 2 off_alt), about chi2 under the null (Wilks). */
double hf_stats_lr_tension(double twice_nll_null, double off_null, double twice_nll_alt,
                           double off_alt);

/* Upper-tail chi2 probability of a statistic q >= 0 (negative q, from a fit that stopped short,
 * counts as 0) with ndof degrees of freedom; NaN for ndof = 0. */
double hf_stats_chi2_pvalue(double q, size_t ndof);

/* The chi2 quantile with ndof degrees of freedom at probability p (e.g. Wilks levels of a scan:
 * hf_stats_chi2_quantile(0.95, 1) = 3.84). */
double hf_stats_chi2_quantile(double p, double ndof);

/* One-sided significance of a p-value: Z = Phi^-1(1 - p); +inf for p <= 0, -inf for p >= 1. */
double hf_stats_p_to_z(double p);
/* The one-sided p-value of a significance: 1 - Phi(z). */
double hf_stats_z_to_p(double z);

#endif
