/* core/model/nll.c - expected yields, -log L with every constant, its analytic gradient and
 * Hessian, and the Jacobian d nu / d theta, for a compiled hf_model.
 *
 *   nu_cb = sum_s ( prod_k kappa_k ) * ( prod_m gamma_m,b ) * ( nu0_sb + sum_h delta_h,sb )
 *   -log L = sum_b [ nu_b - n_b ln nu_b + lgamma(n_b + 1) ] + sum_j -log c_j(a_j | theta_j)
 *
 * Derivatives use the chain rule through d(-log L)/d nu_b = w_b = 1 - n_b / nu_b and
 * d2(-log L)/d nu_b^2 = u_b = n_b / nu_b^2:
 *   H = sum_b u_b (grad nu_b)(grad nu_b)' + sum_b w_b hess(nu_b) + hess(constraints).
 * hess(nu_b) is assembled term pair by term pair of each (channel, sample); products of factors
 * are formed "all but one (two)", so a factor at zero is handled exactly. Masked bins
 * (m->mask) have no Poisson term: w_b = u_b = 0 there, so they drop out of every derivative. */
#include "core/model/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/vec2.h"

struct hf_eval {
    const hf_model *m;
    double *nu;    /* nbins */
    double *w;     /* nbins: d(-log L)/d nu */
    double *fb;    /* nys: product of per-bin factors */
    double *sumb;  /* nys: nominal + additive deltas */
    double *scal;  /* ncs: product of scalar factors */
    double *tval;  /* nterm: scalar factor values */
    double *tder;  /* nterm: scalar factor first derivatives */
    double *tder2; /* nterm: scalar factor second derivatives */
    double *hder;  /* per histosys term and bin: d delta / d alpha (offsets in hoff) */
    double *hder2; /* the same, second derivatives */
    size_t *hoff;  /* nterm */
    /* nterm: each term's parameter and type, packed (an hf_term is 88 bytes: reading its par
     * in the hot loops would pull a cache line per term) */
    size_t *tpar;
    unsigned char *ttype;
    double *hS, *hA;   /* code4p per histosys term and bin: (d+ + d-)/2 and (d+ - d-)/16 */
    double *hg;        /* npar x 3: code4p g(a), g'(a), g''(a) of each histosys parameter */
    double *pre, *suf; /* prefix/suffix products, max terms per sample + 1 */
    double *jac;       /* nbins x npar, allocated on the first Hessian */
    size_t *nz;        /* npar: nonzero columns of one Jacobian row */
    /* code-4 normsys terms grouped by parameter, coefficients as structure of arrays, so one
     * parameter's terms are evaluated in one contiguous, vectorisable loop */
    size_t nns;       /* normsys terms */
    size_t *ns_first; /* npar + 1: terms of parameter j are [ns_first[j], ns_first[j+1]) */
    size_t *ns_term;  /* global term index of each */
    double *ns_c;     /* 6 x nns: coefficient i of term t at ns_c[i * nns + t] */
    double *ns_l;     /* 2 x nns: log lo, log hi */
    double *lg_data;  /* copy of the main data whose Stirling parts are cached */
    double *lg_val;   /* S(n_b) = lgamma(n_b + 1) - n_b ln n_b + n_b for lg_data */
    int lg_valid;
    double *la_data; /* copy of the auxiliary data whose Stirling parts are cached */
    double *la_val;  /* S(a_j) for la_data (Poisson-constrained parameters; 0 elsewhere) */
    int la_valid;
};

/* Build the by-parameter view of the normsys terms (counting sort on the parameter). */
static int
group_normsys(hf_eval *ev)
{
    const hf_model *m = ev->m;
    size_t nns = 0;
    for (size_t t = 0; t < m->nterm; t++)
        nns += m->term[t].type == HF_MOD_NORMSYS;
    ev->nns = nns;
    ev->ns_first = calloc(m->npar + 2, sizeof(size_t));
    ev->ns_term = malloc((nns + 1) * sizeof(size_t));
    ev->ns_c = malloc((6 * nns + 1) * sizeof(double));
    ev->ns_l = malloc((2 * nns + 1) * sizeof(double));
    if (!ev->ns_first || !ev->ns_term || !ev->ns_c || !ev->ns_l)
        return -1;
    for (size_t t = 0; t < m->nterm; t++)
        if (m->term[t].type == HF_MOD_NORMSYS)
            ev->ns_first[m->term[t].par + 1]++;
    for (size_t j = 0; j < m->npar; j++)
        ev->ns_first[j + 1] += ev->ns_first[j];
    size_t *fill = calloc(m->npar + 1, sizeof(size_t));
    if (fill == NULL)
        return -1;
    for (size_t t = 0; t < m->nterm; t++) {
        const hf_term *T = &m->term[t];
        if (T->type != HF_MOD_NORMSYS)
            continue;
        size_t q = ev->ns_first[T->par] + fill[T->par]++;
        ev->ns_term[q] = t;
        for (int i = 0; i < 6; i++)
            ev->ns_c[(size_t)i * nns + q] = T->coef[i];
        ev->ns_l[q] = T->lnlo;
        ev->ns_l[nns + q] = T->lnhi;
    }
    free(fill);
    return 0;
}

/* Code-4 value 1 + sum c_i a^(i+1) and derivative of terms q and q + 1 (the scalar tail of
 * normsys_code4 writes the same expressions). */
static inline v2d
code4_val2(const double *const c[6], size_t q, double a, double a2, double a3, double a4, double a5,
           double a6)
{
    return 1.0 + (load2(c[0] + q) * a + load2(c[1] + q) * a2) +
           (load2(c[2] + q) * a3 + load2(c[3] + q) * a4) +
           (load2(c[4] + q) * a5 + load2(c[5] + q) * a6);
}

static inline v2d
code4_der2(const double *const c[6], size_t q, double a, double a2, double a3, double a4, double a5)
{
    return (load2(c[0] + q) + 2.0 * load2(c[1] + q) * a) +
           (3.0 * load2(c[2] + q) * a2 + 4.0 * load2(c[3] + q) * a3) +
           (5.0 * load2(c[4] + q) * a4 + 6.0 * load2(c[5] + q) * a5);
}

/* Code-4 factors of every normsys term, by parameter, into tval, and with derivs >= 1 (2) their
 * first (second) derivatives into tder (tder2). */
static void
normsys_code4(hf_eval *ev, const double *pars, int derivs)
{
    const hf_model *m = ev->m;
    size_t nns = ev->nns;
    const double *c0 = ev->ns_c, *c1 = c0 + nns, *c2 = c1 + nns, *c3 = c2 + nns, *c4 = c3 + nns,
                 *c5 = c4 + nns;
    const double *const c[6] = {c0, c1, c2, c3, c4, c5};
    const size_t *term = ev->ns_term;
    double *tv = ev->tval, *td = ev->tder, *td2 = ev->tder2;
    for (size_t j = 0; j < m->npar; j++) {
        size_t t0 = ev->ns_first[j], t1 = ev->ns_first[j + 1];
        if (t0 == t1)
            continue;
        double a = pars[j];
        if (a < 1.0 && a > -1.0) {
            /* 1 + sum c_i a^(i+1), its derivative and second derivative. Two terms per step in
             * two-wide vectors for the likelihood and the gradient (the same expressions as the
             * scalar tail, so both give the same bits); the Hessian's case stays scalar. */
            double a2 = a * a, a3 = a2 * a, a4 = a3 * a, a5 = a4 * a, a6 = a5 * a;
            size_t q = t0;
            if (derivs == 0)
                for (; q + 2 <= t1; q += 2) {
                    v2d val = code4_val2(c, q, a, a2, a3, a4, a5, a6);
                    tv[term[q]] = val[0];
                    tv[term[q + 1]] = val[1];
                }
            else if (derivs == 1)
                for (; q + 2 <= t1; q += 2) {
                    v2d val = code4_val2(c, q, a, a2, a3, a4, a5, a6);
                    v2d der = code4_der2(c, q, a, a2, a3, a4, a5);
                    tv[term[q]] = val[0];
                    tv[term[q + 1]] = val[1];
                    td[term[q]] = der[0];
                    td[term[q + 1]] = der[1];
                }
            for (; q < t1; q++) {
                size_t t = term[q];
                tv[t] = 1.0 + (c0[q] * a + c1[q] * a2) + (c2[q] * a3 + c3[q] * a4) +
                        (c4[q] * a5 + c5[q] * a6);
                if (derivs == 0)
                    continue;
                td[t] = (c0[q] + 2.0 * c1[q] * a) + (3.0 * c2[q] * a2 + 4.0 * c3[q] * a3) +
                        (5.0 * c4[q] * a4 + 6.0 * c5[q] * a5);
                if (derivs >= 2)
                    td2[t] = (2.0 * c1[q] + 6.0 * c2[q] * a) +
                             (12.0 * c3[q] * a2 + 20.0 * c4[q] * a3) + 30.0 * c5[q] * a4;
            }
        } else {
            /* hi^a above +1, lo^-a below -1 */
            const double *l = a >= 1.0 ? ev->ns_l + nns : ev->ns_l;
            double sgn = a >= 1.0 ? 1.0 : -1.0;
            for (size_t q = t0; q < t1; q++) {
                size_t t = term[q];
                double k = sgn * l[q], f = exp(a * k);
                tv[t] = f;
                td[t] = f * k;
                td2[t] = f * k * k;
            }
        }
    }
}

hf_eval *
hf_eval_new(const hf_model *m)
{
    hf_eval *ev = calloc(1, sizeof(*ev));
    if (ev == NULL)
        return NULL;
    ev->m = m;
    size_t nh = 0, maxt = 1;
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        if (e->nterm + 1 > maxt)
            maxt = e->nterm + 1;
        nh += (e->nterm - e->nscal - e->nbinf) * e->nbins;
    }
    ev->nu = malloc((m->nbins + 1) * sizeof(double));
    ev->w = malloc((m->nbins + 1) * sizeof(double));
    ev->fb = malloc((m->nys + 1) * sizeof(double));
    ev->sumb = malloc((m->nys + 1) * sizeof(double));
    ev->scal = malloc((m->ncs + 1) * sizeof(double));
    ev->tval = malloc((m->nterm + 1) * sizeof(double));
    ev->tder = malloc((m->nterm + 1) * sizeof(double));
    ev->tder2 = malloc((m->nterm + 1) * sizeof(double));
    ev->hder = malloc((nh + 1) * sizeof(double));
    ev->hder2 = malloc((nh + 1) * sizeof(double));
    ev->hoff = malloc((m->nterm + 1) * sizeof(size_t));
    ev->tpar = malloc((m->nterm + 1) * sizeof(size_t));
    ev->ttype = malloc(m->nterm + 1);
    ev->pre = malloc((maxt + 1) * sizeof(double));
    ev->suf = malloc((maxt + 1) * sizeof(double));
    ev->lg_data = malloc((m->nbins + 1) * sizeof(double));
    ev->lg_val = malloc((m->nbins + 1) * sizeof(double));
    ev->la_data = malloc((m->npar + 1) * sizeof(double));
    ev->la_val = malloc((m->npar + 1) * sizeof(double));
    ev->hS = malloc((nh + 1) * sizeof(double));
    ev->hA = malloc((nh + 1) * sizeof(double));
    ev->hg = malloc((3 * m->npar + 1) * sizeof(double));
    if (!ev->hg || !ev->hS || !ev->hA || group_normsys(ev) < 0 || !ev->nu || !ev->w || !ev->fb ||
        !ev->sumb || !ev->scal || !ev->tval || !ev->tder || !ev->tder2 || !ev->hder || !ev->hder2 ||
        !ev->hoff || !ev->tpar || !ev->ttype || !ev->pre || !ev->suf || !ev->lg_data ||
        !ev->lg_val || !ev->la_data || !ev->la_val) {
        hf_eval_free(ev);
        return NULL;
    }
    for (size_t t = 0; t < m->nterm; t++) {
        ev->tpar[t] = m->term[t].par;
        ev->ttype[t] = (unsigned char)m->term[t].type;
    }
    nh = 0;
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        for (size_t k = 0; k < e->nterm; k++) {
            ev->hoff[e->term0 + k] = nh;
            if (k < e->nscal + e->nbinf)
                continue;
            const hf_ws_modifier *src = m->term[e->term0 + k].src;
            for (size_t b = 0; b < e->nbins; b++) {
                double dp = src->hi_data[b] - e->nom[b], dm = e->nom[b] - src->lo_data[b];
                ev->hS[nh + b] = 0.5 * (dp + dm);
                ev->hA[nh + b] = 0.0625 * (dp - dm);
            }
            nh += e->nbins;
        }
    }
    return ev;
}

void
hf_eval_free(hf_eval *ev)
{
    if (ev == NULL)
        return;
    free(ev->nu);
    free(ev->w);
    free(ev->fb);
    free(ev->sumb);
    free(ev->scal);
    free(ev->tval);
    free(ev->tder);
    free(ev->tder2);
    free(ev->hder);
    free(ev->hder2);
    free(ev->hoff);
    free(ev->tpar);
    free(ev->ttype);
    free(ev->pre);
    free(ev->suf);
    free(ev->jac);
    free(ev->nz);
    free(ev->lg_data);
    free(ev->lg_val);
    free(ev->la_data);
    free(ev->la_val);
    free(ev->hS);
    free(ev->hA);
    free(ev->hg);
    free(ev->ns_first);
    free(ev->ns_term);
    free(ev->ns_c);
    free(ev->ns_l);
    free(ev);
}

/* Poisson terms without cancellation. -log Pois(n | lam) = lam - n ln lam + lgamma(n + 1) is a
 * small difference of large numbers when n is large (a shapesys constraint with delta = 0.001 on
 * 435 events has n = tau = 1.9e11: the three terms are ~5e12 and the result ~14, so ~1e-3 of it
 * is rounding). Written as
 *   -log Pois(n | lam) = D(n, lam) + S(n),
 *   D(n, lam) = lam - n - n ln(lam / n) = n (u - log1p(u)), u = (lam - n) / n  (the deviance / 2),
 *   S(n) = lgamma(n + 1) - n ln n + n = ln(2 pi n) / 2 + 1/(12 n) - 1/(360 n^3) + ...  (Stirling),
 * each part is computed to full relative precision: u - log1p(u) by its series u^2/2 - u^3/3 + ...
 * for |u| < 0.01, the Stirling series for n >= 30 (truncation below 1e-17 there; Abramowitz &
 * Stegun 6.1.41), lgamma directly below. */
static double
stirling_part(double n)
{
    if (n <= 0)
        return 0.0;
    if (n < 30.0) {
        int sign;
        return lgamma_r(n + 1.0, &sign) - n * log(n) + n; /* lgamma_r: no global signgam */
    }
    double r = 1.0 / n, r2 = r * r;
    double series =
        r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
    return 0.5 * log(2.0 * M_PI * n) + series;
}

static double
deviance_part(double n, double lam)
{
    if (n <= 0)
        return lam;
    double u = (lam - n) / n, v;
    if (fabs(u) < 0.01) { /* u - log1p(u) = sum_k>=2 (-u)^k / k: alternating, |u|^12/12 < 1e-24 */
        /* Horner in u with the constants 1/k folded at compile time (no divisions per bin) */
        v = u * u *
            (1.0 / 2 -
             u * (1.0 / 3 -
                  u * (1.0 / 4 -
                       u * (1.0 / 5 -
                            u * (1.0 / 6 -
                                 u * (1.0 / 7 -
                                      u * (1.0 / 8 -
                                           u * (1.0 / 9 -
                                                u * (1.0 / 10 - u * (1.0 / 11 - u / 12))))))))));
    } else {
        v = u - log1p(u);
    }
    return n * v;
}

/* S(a_j) of the auxiliary data of the Poisson constraints, cached as lgamma_main does. */
static const double *
stirling_aux(hf_eval *ev, const double *aux)
{
    const hf_model *m = ev->m;
    if (!ev->la_valid || memcmp(ev->la_data, aux, m->npar * sizeof(double)) != 0) {
        memcpy(ev->la_data, aux, m->npar * sizeof(double));
        for (size_t j = 0; j < m->npar; j++)
            ev->la_val[j] = m->par[j].con == HF_CON_POISSON ? stirling_part(aux[j]) : 0.0;
        ev->la_valid = 1;
    }
    return ev->la_val;
}

/* S(n_b) for the main data, recomputed only when the data change (fits evaluate the same data
 * thousands of times; comparing nbins doubles is far cheaper than lgamma). */
static const double *
lgamma_main(hf_eval *ev, const double *n)
{
    size_t nb = ev->m->nbins;
    if (!ev->lg_valid || memcmp(ev->lg_data, n, nb * sizeof(double)) != 0) {
        memcpy(ev->lg_data, n, nb * sizeof(double));
        for (size_t b = 0; b < nb; b++)
            ev->lg_val[b] = stirling_part(n[b]);
        ev->lg_valid = 1;
    }
    return ev->lg_val;
}

enum { D_NONE = 0, D_FIRST = 1, D_SECOND = 2 };

/* Forward pass: nu (nbins), per-sample yields ys (m->nys) when non-NULL, and with derivs the
 * scratch of first (and second) derivatives that gradient, Jacobian and Hessian use. */
static void
forward(const hf_model *m, hf_eval *ev, const double *pars, double *nu, double *ys, int derivs)
{
    memset(nu, 0, m->nbins * sizeof(double));
    int c4 = m->normsys_code == HF_INTERP_CODE4, c4p = m->histosys_code == HF_INTERP_CODE4P;
    if (c4)
        normsys_code4(ev, pars, derivs);
    if (c4p) {
        /* code4p as delta = S a + A G(a) for every a, once per parameter: inside |a| <= 1
         * G = g(a) = a^2 (15 - 10 a^2 + 3 a^4); outside delta = a d+- = a (S +- 8 A), i.e.
         * G = +-8 a (S = (d+ + d-)/2, A = (d+ - d-)/16). */
        for (size_t j = 0; j < m->npar; j++) {
            if (!(m->par[j].types & (1u << HF_MOD_HISTOSYS)))
                continue;
            double a = pars[j], a2 = a * a, *g = ev->hg + 3 * j;
            if (a > 1.0 || a < -1.0) {
                double sg = a > 1.0 ? 8.0 : -8.0;
                g[0] = sg * a;
                g[1] = sg;
                g[2] = 0.0;
            } else {
                g[0] = a2 * (15.0 + a2 * (3.0 * a2 - 10.0));
                g[1] = a * (30.0 + a2 * (-40.0 + 18.0 * a2));
                g[2] = 30.0 + a2 * (-120.0 + 90.0 * a2);
            }
        }
    }
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        const hf_term *T = m->term + e->term0;
        size_t nb = e->nbins, k = 0;
        double *fb = ev->fb + e->ys, *sumb = ev->sumb + e->ys;
        double *tv = ev->tval + e->term0, *td = ev->tder + e->term0, *td2 = ev->tder2 + e->term0;
        const size_t *tp = ev->tpar + e->term0;
        const unsigned char *ty = ev->ttype + e->term0;
        double scal = 1.0;
        for (; k < e->nscal; k++) {
            double a = pars[tp[k]], f, d1 = 1.0, d2 = 0.0;
            if (ty[k] != HF_MOD_NORMSYS) {
                f = a; /* normfactor, lumi */
            } else if (c4) {
                scal *= tv[k]; /* computed by parameter in normsys_code4 */
                continue;
            } else {
                const hf_term *t = &T[k];
                f = hf_interp2(m->normsys_code, 1.0, t->src->lo, t->src->hi, a, &d1, &d2);
            }
            tv[k] = f;
            td[k] = d1;
            td2[k] = d2;
            scal *= f;
        }
        for (size_t b = 0; b < nb; b++) {
            fb[b] = 1.0;
            sumb[b] = e->nom[b];
        }
        for (; k < e->nscal + e->nbinf; k++) {
            const double *g = pars + tp[k];
            for (size_t b = 0; b < nb; b++)
                fb[b] *= g[b];
        }
        for (; k < e->nterm; k++) {
            double a = pars[tp[k]];
            size_t h = ev->hoff[e->term0 + k];
            double *hd = ev->hder + h, *hd2 = ev->hder2 + h;
            if (c4p) {
                const double *S = ev->hS + h, *A = ev->hA + h, *gp = ev->hg + 3 * tp[k];
                double G = gp[0], G1 = gp[1], G2 = gp[2];
                for (size_t b = 0; b < nb; b++)
                    sumb[b] += S[b] * a + A[b] * G;
                if (derivs)
                    for (size_t b = 0; b < nb; b++) {
                        hd[b] = S[b] + A[b] * G1;
                        hd2[b] = A[b] * G2;
                    }
                continue;
            }
            const hf_term *t = &T[k];
            const double *lo = t->src->lo_data, *hi = t->src->hi_data, *nom = e->nom;
            for (size_t b = 0; b < nb; b++) {
                double d1, d2 = 0.0;
                sumb[b] += hf_interp2(m->histosys_code, nom[b], lo[b], hi[b], a, &d1, &d2) - nom[b];
                if (derivs) {
                    hd[b] = d1;
                    hd2[b] = d2;
                }
            }
        }
        ev->scal[i] = scal;
        double *out = nu + e->off;
        for (size_t b = 0; b < nb; b++) {
            double y = scal * fb[b] * sumb[b];
            out[b] += y;
            if (ys != NULL)
                ys[e->ys + b] = y;
        }
    }
}

/* Constraint part of -log L; gradient added into grad and the diagonal Hessian into hess
 * (npar x npar) when non-NULL. */
static double
constraints(const hf_model *m, const double *pars, const double *aux, const double *saux,
            double *grad, double *hess)
{
    double s = 0.0;
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        double t = 0.0;
        if (p->con == HF_CON_GAUSS) {
            double z = (aux[j] - pars[j]) / p->sigma;
            t = 0.5 * z * z + p->lognorm;
            if (grad != NULL)
                grad[j] -= z / p->sigma;
            if (hess != NULL)
                hess[j * m->npar + j] += 1.0 / (p->sigma * p->sigma);
        } else if (p->con == HF_CON_POISSON) {
            /* Pois(a | theta tau) with continuous a (pyhf), without cancellation (see above) */
            double lam = pars[j] * p->tau, a = aux[j];
            t = lam > 0 || a <= 0 ? deviance_part(a, lam) + saux[j] : INFINITY;
            if (grad != NULL)
                grad[j] += p->tau - (a > 0 ? a / pars[j] : 0.0);
            if (hess != NULL && a > 0)
                hess[j * m->npar + j] += a / (pars[j] * pars[j]);
        } else {
            continue;
        }
        s += t;
    }
    return s;
}

/* Poisson part: sum_b nu_b - n_b ln nu_b + lgamma(n_b + 1), as D + S (see above); +inf where
 * nu_b is not positive but n_b is, or nu_b < 0. w (when non-NULL) receives 1 - n_b/nu_b. */
static double
poisson(hf_eval *ev, const double *nu, const double *n, double *w)
{
    const hf_model *m = ev->m;
    const double *lg = lgamma_main(ev, n);
    const bool *mask = m->mask;
    double s = 0.0;
    for (size_t b = 0; b < m->nbins; b++) {
        double t;
        if (mask != NULL && mask[b]) { /* out of the fit: no term, no derivative */
            if (w != NULL)
                w[b] = 0.0;
            continue;
        }
        if (nu[b] > 0) {
            t = deviance_part(n[b], nu[b]) + lg[b];
            if (w != NULL)
                w[b] = 1.0 - n[b] / nu[b];
        } else if (nu[b] == 0 && n[b] == 0) {
            t = 0.0;
            if (w != NULL)
                w[b] = 1.0;
        } else {
            t = INFINITY;
            if (w != NULL)
                w[b] = 0.0;
        }
        s += t;
    }
    return s;
}

int
hf_model_expected(const hf_model *m, const double *pars, double *nu, double *ys)
{
    hf_eval *ev = hf_eval_new(m);
    if (ev == NULL)
        return -1;
    forward(m, ev, pars, nu, ys, D_NONE);
    hf_eval_free(ev);
    return 0;
}

/* hf_model_expected with the caller's evaluator: no allocation (the explorer's slider step). */
void
hf_eval_expected(hf_eval *ev, const double *pars, double *nu, double *ys)
{
    forward(ev->m, ev, pars, nu, ys, D_NONE);
}

void
hf_model_expected_aux(const hf_model *m, const double *pars, double *aux)
{
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        aux[j] = p->con == HF_CON_POISSON ? pars[j] * p->tau : p->con == HF_CON_GAUSS ? pars[j] : 0;
    }
}

double
hf_model_nll(hf_eval *ev, const double *pars, const hf_data *d)
{
    const hf_model *m = ev->m;
    forward(m, ev, pars, ev->nu, NULL, D_NONE);
    return poisson(ev, ev->nu, d->main, NULL) +
           constraints(m, pars, d->aux, stirling_aux(ev, d->aux), NULL, NULL);
}

/* "All but one" products of the scalar factors of sample e: pre[k] * suf[k+1]. */
static void
prefix_suffix(const hf_eval *ev, const hf_cs *e)
{
    const double *tv = ev->tval + e->term0;
    size_t n = e->nscal;
    double *pre = ev->pre, *suf = ev->suf, p = 1.0, q = 1.0;
    /* the two product chains are independent: one loop runs both, carried in registers, so
     * their multiply latencies overlap (the chains, not the arithmetic, bound this loop) */
    suf[n] = 1.0;
    for (size_t k = 0, r = n; k < n; k++) {
        r--;
        pre[k] = p;
        p *= tv[k];
        q *= tv[r];
        suf[r] = q;
    }
    pre[n] = p;
}

/* Product of the per-bin factors of sample e at bin b, leaving out terms skip1 and skip2. */
static double
perbin_others(const hf_model *m, const hf_cs *e, const double *pars, size_t b, size_t skip1,
              size_t skip2)
{
    double f = 1.0;
    const hf_term *T = m->term + e->term0;
    for (size_t k = e->nscal; k < e->nscal + e->nbinf; k++)
        if (k != skip1 && k != skip2)
            f *= pars[T[k].par + b];
    return f;
}

double
hf_model_nll_grad(hf_eval *ev, const double *pars, const hf_data *d, double *grad)
{
    const hf_model *m = ev->m;
    forward(m, ev, pars, ev->nu, NULL, D_FIRST);
    double s = poisson(ev, ev->nu, d->main, ev->w);
    memset(grad, 0, m->npar * sizeof(double));
    s += constraints(m, pars, d->aux, stirling_aux(ev, d->aux), grad, NULL);
    if (!isfinite(s))
        return s;
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        const hf_term *T = m->term + e->term0;
        const double *w = ev->w + e->off, *fb = ev->fb + e->ys, *sumb = ev->sumb + e->ys;
        const double *td = ev->tder + e->term0;
        size_t nb = e->nbins;
        double scal = ev->scal[i];
        double tot = 0.0; /* sum_b w_b fb_b sumb_b = d(-log L)/d(scal) */
        for (size_t b = 0; b < nb; b++)
            tot += w[b] * fb[b] * sumb[b];
        const size_t *tp = ev->tpar + e->term0;
        if (e->nscal > 0) {
            prefix_suffix(ev, e);
            for (size_t k = 0; k < e->nscal; k++)
                grad[tp[k]] += ev->pre[k] * ev->suf[k + 1] * td[k] * tot;
        }
        size_t k = e->nscal;
        for (; k < e->nscal + e->nbinf; k++) {
            double *g = grad + T[k].par;
            if (e->nbinf == 1)
                for (size_t b = 0; b < nb; b++)
                    g[b] += w[b] * scal * sumb[b];
            else
                for (size_t b = 0; b < nb; b++)
                    g[b] += w[b] * scal * perbin_others(m, e, pars, b, k, k) * sumb[b];
        }
        for (; k < e->nterm; k++) {
            const double *hd = ev->hder + ev->hoff[e->term0 + k];
            double g = 0.0;
            for (size_t b = 0; b < nb; b++)
                g += w[b] * fb[b] * hd[b];
            grad[tp[k]] += scal * g;
        }
    }
    return s;
}

/* Jacobian rows (main bins, or by-sample entries) from a forward pass with derivatives. */
static void
jacobian_fill(hf_eval *ev, const double *pars, double *jac, int by_sample)
{
    const hf_model *m = ev->m;
    size_t rows = by_sample ? m->nys : m->nbins, np = m->npar;
    memset(jac, 0, rows * np * sizeof(double));
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        const hf_term *T = m->term + e->term0;
        const double *fb = ev->fb + e->ys, *sumb = ev->sumb + e->ys, *td = ev->tder + e->term0;
        size_t nb = e->nbins, row0 = by_sample ? e->ys : e->off;
        double scal = ev->scal[i];
        prefix_suffix(ev, e);
        for (size_t k = 0; k < e->nscal; k++) {
            double c = ev->pre[k] * ev->suf[k + 1] * td[k];
            for (size_t b = 0; b < nb; b++)
                jac[(row0 + b) * np + T[k].par] += c * fb[b] * sumb[b];
        }
        size_t k = e->nscal;
        for (; k < e->nscal + e->nbinf; k++)
            for (size_t b = 0; b < nb; b++)
                jac[(row0 + b) * np + T[k].par + b] +=
                    scal * perbin_others(m, e, pars, b, k, k) * sumb[b];
        for (; k < e->nterm; k++) {
            const double *hd = ev->hder + ev->hoff[e->term0 + k];
            for (size_t b = 0; b < nb; b++)
                jac[(row0 + b) * np + T[k].par] += scal * fb[b] * hd[b];
        }
    }
}

void
hf_eval_jacobians(hf_eval *ev, const double *pars, double *nu, double *ys, double *jac, double *jys)
{
    forward(ev->m, ev, pars, nu != NULL ? nu : ev->nu, ys, D_FIRST);
    if (jac != NULL)
        jacobian_fill(ev, pars, jac, 0);
    if (jys != NULL)
        jacobian_fill(ev, pars, jys, 1);
}

/* The one-shot forms: an evaluator for one call. */
static int
jacobian(const hf_model *m, const double *pars, double *jac, double *jys)
{
    hf_eval *ev = hf_eval_new(m);
    if (ev == NULL)
        return -1;
    hf_eval_jacobians(ev, pars, NULL, NULL, jac, jys);
    hf_eval_free(ev);
    return 0;
}

int
hf_model_jacobian(const hf_model *m, const double *pars, double *jac)
{
    return jacobian(m, pars, jac, NULL);
}

int
hf_model_jacobian_by_sample(const hf_model *m, const double *pars, double *jac)
{
    return jacobian(m, pars, NULL, jac);
}

/* Add c to H[p][q] and H[q][p], kept in the upper triangle only (hf_model_hessian mirrors it at
 * the end): on the diagonal once when p == q and same_term, twice for two terms of one
 * parameter. */
static inline void
hadd(double *H, size_t np, size_t p, size_t q, double c, int same_term)
{
    if (p == q)
        H[p * np + p] += same_term ? c : 2.0 * c;
    else if (p < q)
        H[p * np + q] += c;
    else
        H[q * np + p] += c;
}

/* sum_b w_b hess(nu_b) for one (channel, sample), term pair by term pair. */
static void
sample_hessian(hf_eval *ev, size_t i, const double *pars, double *H)
{
    const hf_model *m = ev->m;
    const hf_cs *e = &m->cs[i];
    const hf_term *T = m->term + e->term0;
    const double *w = ev->w + e->off, *fb = ev->fb + e->ys, *sumb = ev->sumb + e->ys;
    const double *tv = ev->tval + e->term0, *td = ev->tder + e->term0, *td2 = ev->tder2 + e->term0;
    size_t nb = e->nbins, np = m->npar, ns = e->nscal, nf = e->nscal + e->nbinf;
    double scal = ev->scal[i];
    double tot = 0.0;
    for (size_t b = 0; b < nb; b++)
        tot += w[b] * fb[b] * sumb[b];
    prefix_suffix(ev, e);
    for (size_t k = 0; k < ns; k++) {
        double without_k = ev->pre[k] * ev->suf[k + 1];
        hadd(H, np, T[k].par, T[k].par, without_k * td2[k] * tot, 1);
        /* scalar x scalar: the product without k and l, built left to right */
        double mid = 1.0;
        for (size_t l = k + 1; l < ns; l++) {
            hadd(H, np, T[k].par, T[l].par, ev->pre[k] * mid * ev->suf[l + 1] * td[k] * td[l] * tot,
                 0);
            mid *= tv[l];
        }
        double sk = without_k * td[k];
        for (size_t l = ns; l < nf; l++) /* scalar x per-bin */
            for (size_t b = 0; b < nb; b++)
                hadd(H, np, T[k].par, T[l].par + b,
                     w[b] * sk * perbin_others(m, e, pars, b, l, l) * sumb[b], 0);
        for (size_t l = nf; l < e->nterm; l++) { /* scalar x additive */
            const double *hd = ev->hder + ev->hoff[e->term0 + l];
            double g = 0.0;
            for (size_t b = 0; b < nb; b++)
                g += w[b] * fb[b] * hd[b];
            hadd(H, np, T[k].par, T[l].par, sk * g, 0);
        }
    }
    for (size_t k = ns; k < nf; k++) {
        for (size_t l = k + 1; l < nf; l++) /* per-bin x per-bin (same bin) */
            for (size_t b = 0; b < nb; b++)
                hadd(H, np, T[k].par + b, T[l].par + b,
                     w[b] * scal * perbin_others(m, e, pars, b, k, l) * sumb[b], 0);
        for (size_t l = nf; l < e->nterm; l++) { /* per-bin x additive */
            const double *hd = ev->hder + ev->hoff[e->term0 + l];
            for (size_t b = 0; b < nb; b++)
                hadd(H, np, T[k].par + b, T[l].par,
                     w[b] * scal * perbin_others(m, e, pars, b, k, k) * hd[b], 0);
        }
    }
    for (size_t k = nf; k < e->nterm; k++) { /* additive: only its own second derivative */
        const double *hd2 = ev->hder2 + ev->hoff[e->term0 + k];
        double g = 0.0;
        for (size_t b = 0; b < nb; b++)
            g += w[b] * fb[b] * hd2[b];
        hadd(H, np, T[k].par, T[k].par, scal * g, 1);
    }
}

/* The Hessian's scratch (a Jacobian and a row's nonzeros) is made on first use, as only the fit
 * and the diagnostics need it; either may be left from a failed first try. */
int
hf_eval_reserve_hessian(hf_eval *ev)
{
    const hf_model *m = ev->m;
    size_t np = m->npar;
    if (ev->jac == NULL)
        ev->jac = malloc((m->nbins * np + np + 1) * sizeof(double));
    if (ev->nz == NULL)
        ev->nz = malloc((np + 1) * sizeof(size_t));
    return ev->jac == NULL || ev->nz == NULL ? -1 : 0;
}

double
hf_model_hessian(hf_eval *ev, const double *pars, const hf_data *d, double *H)
{
    const hf_model *m = ev->m;
    size_t np = m->npar;
    if (hf_eval_reserve_hessian(ev) < 0)
        return NAN;
    forward(m, ev, pars, ev->nu, NULL, D_SECOND);
    double s = poisson(ev, ev->nu, d->main, ev->w);
    memset(H, 0, np * np * sizeof(double));
    s += constraints(m, pars, d->aux, stirling_aux(ev, d->aux), NULL, H);
    if (!isfinite(s))
        return s;
    /* Gauss-Newton part over the nonzero columns of each Jacobian row (ascending: the upper
     * triangle is y >= x), the row's nonzeros gathered first */
    jacobian_fill(ev, pars, ev->jac, 0);
    double *rv = ev->jac + m->nbins * np; /* scratch of np after the Jacobian */
    for (size_t b = 0; b < m->nbins; b++) {
        const double *row = ev->jac + b * np;
        double u = ev->nu[b] > 0 ? d->main[b] / (ev->nu[b] * ev->nu[b]) : 0.0;
        if (u == 0.0 || (m->mask != NULL && m->mask[b]))
            continue;
        size_t nnz = 0;
        for (size_t j = 0; j < np; j++)
            if (row[j] != 0.0) {
                rv[nnz] = row[j];
                ev->nz[nnz++] = j;
            }
        for (size_t x = 0; x < nnz; x++) {
            double ux = u * rv[x];
            double *Hrow = H + ev->nz[x] * np;
            for (size_t y = x; y < nnz; y++)
                Hrow[ev->nz[y]] += ux * rv[y];
        }
    }
    for (size_t i = 0; i < m->ncs; i++)
        sample_hessian(ev, i, pars, H);
    for (size_t p = 0; p < np; p++) /* the lower triangle from the upper */
        for (size_t q = p + 1; q < np; q++)
            H[q * np + p] = H[p * np + q];
    return s;
}

/* Diagonal second derivatives of one (channel, sample)'s yields, d2 nu_sb / d theta_j^2, into
 * rows e->ys .. of d2 (nys x npar). The same term pairs as sample_hessian, restricted to pairs
 * of one parameter: a term's own second derivative plus twice each cross product of two terms
 * driven by the same parameter (a normsys and a histosys of one name, for example). */
static void
sample_curvature(hf_eval *ev, size_t i, const double *pars, double *d2)
{
    const hf_model *m = ev->m;
    const hf_cs *e = &m->cs[i];
    const hf_term *T = m->term + e->term0;
    const double *fb = ev->fb + e->ys, *sumb = ev->sumb + e->ys;
    const double *tv = ev->tval + e->term0, *td = ev->tder + e->term0, *td2 = ev->tder2 + e->term0;
    size_t nb = e->nbins, np = m->npar, ns = e->nscal, nf = e->nscal + e->nbinf;
    double scal = ev->scal[i], *row0 = d2 + e->ys * np;
    prefix_suffix(ev, e);
    for (size_t k = 0; k < ns; k++) {
        size_t p = T[k].par;
        double without_k = ev->pre[k] * ev->suf[k + 1], sk = without_k * td[k], mid = 1.0;
        for (size_t b = 0; b < nb; b++)
            row0[b * np + p] += without_k * td2[k] * fb[b] * sumb[b];
        for (size_t l = k + 1; l < ns; l++) {
            if (T[l].par == p)
                for (size_t b = 0; b < nb; b++)
                    row0[b * np + p] +=
                        2.0 * ev->pre[k] * mid * ev->suf[l + 1] * td[k] * td[l] * fb[b] * sumb[b];
            mid *= tv[l];
        }
        for (size_t l = ns; l < nf; l++)
            for (size_t b = 0; b < nb; b++)
                if (T[l].par + b == p)
                    row0[b * np + p] += 2.0 * sk * perbin_others(m, e, pars, b, l, l) * sumb[b];
        for (size_t l = nf; l < e->nterm; l++) {
            if (T[l].par != p)
                continue;
            const double *hd = ev->hder + ev->hoff[e->term0 + l];
            for (size_t b = 0; b < nb; b++)
                row0[b * np + p] += 2.0 * sk * fb[b] * hd[b];
        }
    }
    for (size_t k = ns; k < nf; k++) {
        for (size_t l = k + 1; l < nf; l++)
            for (size_t b = 0; b < nb; b++)
                if (T[k].par == T[l].par)
                    row0[b * np + T[k].par + b] +=
                        2.0 * scal * perbin_others(m, e, pars, b, k, l) * sumb[b];
        for (size_t l = nf; l < e->nterm; l++) {
            const double *hd = ev->hder + ev->hoff[e->term0 + l];
            for (size_t b = 0; b < nb; b++)
                if (T[k].par + b == T[l].par)
                    row0[b * np + T[l].par] +=
                        2.0 * scal * perbin_others(m, e, pars, b, k, k) * hd[b];
        }
    }
    for (size_t k = nf; k < e->nterm; k++) {
        const double *hd2 = ev->hder2 + ev->hoff[e->term0 + k];
        for (size_t b = 0; b < nb; b++)
            row0[b * np + T[k].par] += scal * fb[b] * hd2[b];
    }
}

int
hf_model_curvature_by_sample(const hf_model *m, const double *pars, double *d2)
{
    hf_eval *ev = hf_eval_new(m);
    if (ev == NULL)
        return -1;
    forward(m, ev, pars, ev->nu, NULL, D_SECOND);
    memset(d2, 0, m->nys * m->npar * sizeof(double));
    for (size_t i = 0; i < m->ncs; i++)
        sample_curvature(ev, i, pars, d2);
    hf_eval_free(ev);
    return 0;
}
