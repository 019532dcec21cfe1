/* core/diag/nllshape.h - the shape of the likelihood along each parameter (what CMS Combine's
 * FastScan gives): 2 delta NLL with every other parameter at the best fit (NLL evaluations
 * only), beside the parabola of the Hessian, with flags for kinks, flat directions and double
 * minima; and, for chosen parameters, the profiled curve (others refitted at each point). */
#ifndef HF_NLLSHAPE_H
#define HF_NLLSHAPE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"

typedef struct hf_nllshape_options {
    double range;        /* half-width in units of the fit's error (0: 3) */
    int points;          /* points per curve, odd so that the best fit is one (0: 41) */
    const bool *profile; /* npar: also the profiled curve of these (NULL: none) */
    atomic_int *cancel;
} hf_nllshape_options;

enum {
    HF_NLLSHAPE_KINK = 1u << 0,       /* the slope jumps at a knot (interpolation code 0 or 1) */
    HF_NLLSHAPE_FLAT = 1u << 1,       /* the curve stays below 0.1 over the whole range */
    HF_NLLSHAPE_DOUBLE_MIN = 1u << 2, /* a second local minimum inside the range */
    HF_NLLSHAPE_NONPARABOLIC =
        1u << 3, /* differs from the parabola by more than 0.5 within 1.5 sigma */
    HF_NLLSHAPE_NFLAGS = 4
};
/* JSON name of flag bit k: "kink", "flat", "double_minimum", "non_parabolic". */
const char *hf_nllshape_flag_name(unsigned k);

typedef struct hf_nllshape_curve {
    size_t par;
    double best, step; /* best-fit value and the unit of the range (the fit's error) */
    double hjj;        /* the Hessian diagonal: the conditional parabola is hjj (x - best)^2 */
    double cjj;        /* the covariance diagonal: the profiled parabola is (x - best)^2 / cjj */
    size_t n;
    double *x;      /* n points, ascending, inside the bounds */
    double *q;      /* 2 delta NLL, others at the best fit */
    double *parab;  /* hjj (x - best)^2 */
    double *qprof;  /* 2 delta NLL, others refitted; NULL unless asked for */
    unsigned flags; /* HF_NLLSHAPE_* */
    double kink_at; /* where the largest slope jump is (NAN: none) */
} hf_nllshape_curve;

typedef struct hf_nllshape {
    size_t ncurves; /* one per free parameter, in model order */
    hf_nllshape_curve *c;
} hf_nllshape;

/* Curves of every free parameter of fit (with errors) on data d. 0, or -1 with err set. */
int hf_nllshape_compute(const hf_model *m, const hf_data *d, const hf_fit_result *fit,
                        const hf_nllshape_options *opt, hf_nllshape *out, hf_error *err);
void hf_nllshape_release(hf_nllshape *s);
/* The curve of model parameter j, or NULL when it is fixed. */
const hf_nllshape_curve *hf_nllshape_find(const hf_nllshape *s, size_t j);

#endif
