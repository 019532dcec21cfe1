/* core/model/interp.c - HistFactory interpolation codes as pyhf defines them (pyhf.interpolators):
 * code0 piecewise linear, code1 piecewise exponential, code2 quadratic with linear extrapolation,
 * code4 polynomial + exponential (multiplicative), code4p polynomial + linear (additive).
 * References: ROOT PiecewiseInterpolation / FlexibleInterpVar, and pyhf's _slow_codeN. */
#include "core/model/interp.h"

#include <math.h>
#include <string.h>

/* code4: 1 + sum_{i=1..6} a_i alpha^i for |alpha| < 1, with the six coefficients fixed by matching
 * value, first and second derivative of hi^alpha at +1 and lo^-alpha at -1. Splitting into even
 * and odd parts gives two 3x3 systems whose solution is closed form (equal to pyhf's A^-1 b). */
void
hf_interp_code4_coef(double lo, double hi, double coef[6])
{
    double lnh = log(hi), lnl = log(lo);
    double S0 = 0.5 * (hi + lo) - 1.0, D0 = 0.5 * (hi - lo);
    double S1 = 0.5 * (hi * lnh + lo * lnl), D1 = 0.5 * (hi * lnh - lo * lnl);
    double S2 = 0.5 * (hi * lnh * lnh + lo * lnl * lnl),
           D2 = 0.5 * (hi * lnh * lnh - lo * lnl * lnl);
    double a6 = (8.0 * S0 - 5.0 * S1 + S2) / 8.0;
    double a4 = (S1 - 2.0 * S0 - 4.0 * a6) / 2.0;
    double a2 = S0 - a4 - a6;
    double a5 = (3.0 * D0 - 3.0 * D1 + D2) / 8.0;
    double a3 = (D1 - D0 - 4.0 * a5) / 2.0;
    double a1 = D0 - a3 - a5;
    coef[0] = a1;
    coef[1] = a2;
    coef[2] = a3;
    coef[3] = a4;
    coef[4] = a5;
    coef[5] = a6;
}

/* Additive deltas on a histogram bin: value = nom + delta(alpha). */
static double
code0(double nom, double down, double up, double a, double *d, double *d2)
{
    double slope = a >= 0.0 ? up - nom : nom - down;
    *d = slope;
    *d2 = 0.0;
    return nom + a * slope;
}

static double
code2(double nom, double down, double up, double a, double *d, double *d2)
{
    double qa = 0.5 * (up + down) - nom, qb = 0.5 * (up - down);
    double delta, slope;
    if (a > 1.0) {
        slope = qb + 2.0 * qa;
        delta = slope * (a - 1.0) + up - nom;
    } else if (a < -1.0) {
        slope = qb - 2.0 * qa;
        delta = slope * (a + 1.0) + down - nom;
    } else {
        slope = 2.0 * qa * a + qb;
        delta = (qa * a + qb) * a;
    }
    *d = slope;
    *d2 = a > 1.0 || a < -1.0 ? 0.0 : 2.0 * qa;
    return nom + delta;
}

/* code4p (ROOT PiecewiseInterpolation code 4): inside |a|<=1
 * delta = a (S + a A (15 + a^2 (3 a^2 - 10))), S = (d+ + d-)/2, A = (d+ - d-)/16; linear outside
 * (hf_code4p_delta in interp.h). */
double
hf_interp2(hf_interp_code code, double nom, double down, double up, double alpha, double *d1,
           double *d2)
{
    double t1, t2;
    if (d1 == NULL)
        d1 = &t1;
    if (d2 == NULL)
        d2 = &t2;
    switch (code) {
    case HF_INTERP_CODE0:
        return code0(nom, down, up, alpha, d1, d2);
    case HF_INTERP_CODE2:
        return code2(nom, down, up, alpha, d1, d2);
    case HF_INTERP_CODE4P:
        return nom + hf_code4p_delta(up - nom, nom - down, alpha, d1, d2);
    case HF_INTERP_CODE1:
    case HF_INTERP_CODE4:
        break;
    }
    if (nom == 0.0) {
        *d1 = *d2 = 0.0;
        return 0.0;
    }
    double lo = down / nom, hi = up / nom, f;
    if (code == HF_INTERP_CODE1) {
        double l = alpha >= 0.0 ? log(hi) : -log(lo);
        f = exp(alpha * l);
        *d1 = f * l;
        *d2 = f * l * l;
    } else {
        double c[6];
        hf_interp_code4_coef(lo, hi, c);
        f = hf_code4_eval(c, log(lo), log(hi), alpha, d1, d2);
    }
    *d1 *= nom;
    *d2 *= nom;
    return nom * f;
}

double
hf_interp(hf_interp_code code, double nom, double down, double up, double alpha, double *dval)
{
    return hf_interp2(code, nom, down, up, alpha, dval, NULL);
}

static const char *const names[] = {"code0", "code1", "code2", "code4", "code4p"};

int
hf_interp_parse(const char *name, hf_interp_code *code)
{
    for (int i = 0; i < 5; i++) {
        if (strcmp(name, names[i]) == 0 ||
            (strlen(name) == 1 && name[0] == names[i][4] && i != 4)) {
            *code = (hf_interp_code)i;
            return 0;
        }
    }
    if (strcmp(name, "4p") == 0) {
        *code = HF_INTERP_CODE4P;
        return 0;
    }
    return -1;
}

const char *
hf_interp_name(hf_interp_code code)
{
    return (unsigned)code < 5 ? names[code] : "?";
}
