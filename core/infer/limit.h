/* core/infer/limit.h - CLs upper limits on the POI: observed and expected (-2..+2 sigma) by root
 * finding on CLs(mu) - alpha (GSL Brent), or from a grid of hypothesis tests refined at each
 * crossing. */
#ifndef HF_LIMIT_H
#define HF_LIMIT_H

#include <stddef.h>

#include "core/error.h"
#include "core/infer/infer.h"

typedef struct hf_limit_options {
    double cl;     /* confidence level, default 0.95 when 0 */
    double lo, hi; /* search range; lo == hi: the POI bounds */
    double rtol;   /* relative tolerance on the limits, default 1e-5 when 0 */
    size_t grid;   /* > 1: test this many equidistant points over [lo, hi], then refine each
                      first crossing inside its grid interval (log-CLs interpolation, Brent) */
} hf_limit_options;

/* One hypothesis test the search ran. */
typedef struct hf_limit_point {
    double mu;
    bool has_obs;
    double cls_obs;    /* NAN when !has_obs */
    double cls_exp[5]; /* HF_BAND_SIGMA order */
    double qA;         /* test statistic on the background-only Asimov data */
} hf_limit_point;

typedef struct hf_limit_result {
    double cl;
    double obs;    /* NAN when CLs does not cross 1 - cl inside the range */
    double exp[5]; /* -2..+2 sigma (ascending) */
    double lo, hi; /* the range searched (default: the POI bounds, from max(lo, 0)) */
    int why[6];    /* per limit (observed, then expected -2..+2): 0 found; NAN because CLs is
                      below 1 - cl already at lo (1) or stays above it up to hi (2) */
    size_t npoints;
    hf_limit_point *points; /* every test run, sorted by mu */
} hf_limit_result;

/* Observed and expected upper limits. Returns 0 (limits outside the range are NAN) or -1 with
 * err set when a fit fails. res is released with hf_limit_result_release. */
int hf_limit_compute(hf_infer *inf, const hf_limit_options *opt, hf_limit_result *res,
                     hf_error *err);
void hf_limit_result_release(hf_limit_result *res);

#endif
