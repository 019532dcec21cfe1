/* core/interp.h - HistFactory interpolation of two-point variations (pyhf codes 0, 1, 2, 4, 4p). */
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

/* The same with the code4 polynomial coefficients precomputed (hf_interp_code4_coef),
 * for the hot loop: lo and hi are the ratios down/nom and up/nom. */
void hf_interp_code4_coef(double lo, double hi, double coef[6]);
double hf_interp_code4_factor(const double coef[6], double lo, double hi, double alpha,
                              double *dfac);

int hf_interp_parse(const char *name, hf_interp_code *code); /* "code4p" -> 0, -1 if unknown */
const char *hf_interp_name(hf_interp_code code);
int hf_interp_is_multiplicative(hf_interp_code code);

#endif
