/* core/model/yields.h - expected yields at one parameter point with their uncertainties from
 * linear propagation (J C J^T, or the prior), per bin, per sample and bin, per sample and per
 * channel: what stack figures, yield tables and the explorer draw. */
#ifndef HF_YIELDS_H
#define HF_YIELDS_H

#include <stddef.h>

#include "core/error.h"
#include "core/model/model.h"

/* Expected yields at one parameter point with uncertainties from linear propagation
 * sigma^2 = J C J^T through the model's Jacobian J (per bin, per sample and bin, per channel). */
typedef struct hf_yields {
    const hf_model *m;           /* borrowed */
    double *pars;                /* npar: the point */
    double *nu, *nu_err;         /* nbins: total expected yield per main bin and its uncertainty */
    double *ys, *ys_err;         /* m->nys: per sample and bin (m->cs[k].ys + bin) */
    double *cs_tot, *cs_err;     /* m->ncs: per sample summed over the channel's bins */
    double *chan_tot, *chan_err; /* m->nchan: per channel summed over samples and bins */
} hf_yields;

/* Yields at pars with covariance cov (npar x npar, row-major), or with cov == NULL the prior
 * covariance: diag(sigma^2) of the constrained, non-fixed parameters (free parameters and fixed
 * ones contribute nothing). Returns NULL with err on ENOMEM. Free with hf_yields_free. */
hf_yields *hf_yields_compute(const hf_model *m, const double *pars, const double *cov,
                             hf_error *err);
void hf_yields_free(hf_yields *y);

/* Prior covariance used when cov == NULL, as a vector of variances (npar); caller frees. */
double *hf_yields_prior_variances(const hf_model *m);

/* Zero yields for m, for hf_yields_rescale; NULL with err on ENOMEM. */
hf_yields *hf_yields_new(const hf_model *m, hf_error *err);

/* y <- values nu (nbins), ys (m->nys) at pars (npar), with base's uncertainties scaled by
 * |value / base value| (the live slider: no J C J^T per step). Allocates nothing. */
void hf_yields_rescale(hf_yields *y, const hf_yields *base, const double *pars, const double *nu,
                       const double *ys);

/* Poisson deviance of channel c's observed counts against y->nu, bins with nu <= 0 left out
 * (core/stats.h hf_stats_deviance_sum); about chi2 with the channel's bin count as ndof. */
double hf_yields_deviance(const hf_yields *y, size_t c);

#endif
