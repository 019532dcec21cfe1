/* core/model/interp.h - HistFactory interpolation of two-point variations (pyhf codes 0, 1, 2, 4,
 * 4p). */
#ifndef HF_INTERP_H
#define HF_INTERP_H

typedef enum hf_interp_code {
    HF_INTERP_CODE0 = 0, /* piecewise linear (additive) */
    HF_INTERP_CODE1,     /* piecewise exponential (multiplicative) */
    HF_INTERP_CODE2,     /* quadratic inside |a|<=1, linear outside (additive) */
    HF_INTERP_CODE4,     /* 6th-order polynomial inside, exponential outside (multiplicative) */
    HF_INTERP_CODE4P     /* 6th-order polynomial inside, linear outside (additive) */
} hf_interp_code;

/* Interpolated value at alpha given the nominal, down (alpha=-1) and up (alpha=+1) values,
 * and its derivative d value / d alpha in *dval (may be NULL).
 * Additive codes give nom + delta(alpha); multiplicative codes give nom * factor(alpha)
 * with the ratios up/nom and down/nom (nom == 0 gives 0). normsys uses nom = 1. */
double hf_interp(hf_interp_code code, double nom, double down, double up, double alpha,
                 double *dval);

/* The same with first and second derivatives (either pointer may be NULL). */
double hf_interp2(hf_interp_code code, double nom, double down, double up, double alpha, double *d1,
                  double *d2);

/* The code4 polynomial coefficients (for hf_code4_eval) for factors lo and hi. */
void hf_interp_code4_coef(double lo, double hi, double coef[6]);

/* Hot-path forms (inline): code4 factor with precomputed coefficients and logs of the factors,
 * and the code4p additive delta from d+ = up - nom, d- = nom - down; first and second
 * derivatives in d1, d2 (d2 may be NULL). */
#include <math.h>
#include <stddef.h>

static inline double
hf_code4_eval(const double c[6], double lnlo, double lnhi, double a, double *d1, double *d2)
{
    if (a >= 1.0 || a <= -1.0) {
        double l = a >= 1.0 ? lnhi : -lnlo; /* hi^a = e^(a ln hi), lo^-a = e^(-a ln lo) */
        double f = exp(a * l);
        *d1 = f * l;
        if (d2 != NULL)
            *d2 = f * l * l;
        return f;
    }
    /* 1 + a p(a), p(a) = c0 + c1 a + ... + c5 a^5 */
    double p = c[5], dp = 6.0 * c[5], ddp = 30.0 * c[5];
    for (int i = 4; i >= 0; i--) {
        p = p * a + c[i];
        dp = dp * a + (double)(i + 1) * c[i];
        if (i >= 1)
            ddp = ddp * a + (double)((i + 1) * i) * c[i];
    }
    *d1 = dp;
    if (d2 != NULL)
        *d2 = ddp;
    return 1.0 + p * a;
}

static inline double
hf_code4p_delta(double dp, double dm, double a, double *d1, double *d2)
{
    if (a > 1.0 || a < -1.0) {
        double s = a > 1.0 ? dp : dm;
        *d1 = s;
        if (d2 != NULL)
            *d2 = 0.0;
        return a * s;
    }
    double S = 0.5 * (dp + dm), A = 0.0625 * (dp - dm), a2 = a * a;
    *d1 = S + A * a * (30.0 + a2 * (-40.0 + 18.0 * a2));
    if (d2 != NULL)
        *d2 = A * (30.0 + a2 * (-120.0 + 90.0 * a2));
    return a * (S + a * A * (15.0 + a2 * (3.0 * a2 - 10.0)));
}

int hf_interp_parse(const char *name, hf_interp_code *code); /* "code4p" -> 0, -1 if unknown */
const char *hf_interp_name(hf_interp_code code);

#endif
