/* core/nll.c - expected yields, -log L with every constant, its analytic gradient, and the
 * Jacobian d nu / d theta, for a compiled hf_model.
 *
 *   nu_cb = sum_s ( prod_k kappa_k ) * ( prod_m gamma_m,b ) * ( nu0_sb + sum_h delta_h,sb )
 *   -log L = sum_b [ nu_b - n_b ln nu_b + lgamma(n_b + 1) ] + sum_j -log c_j(a_j | theta_j)
 *
 * Derivatives use the chain rule through d(-log L)/d nu_b = 1 - n_b / nu_b; products of factors
 * are formed "all but one" with prefix/suffix products, so a factor at zero is handled exactly. */
#include "core/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


struct hf_eval {
    const hf_model *m;
    double *nu;    /* nbins */
    double *w;     /* nbins: d(-log L)/d nu */
    double *fb;    /* nys: product of per-bin factors */
    double *sumb;  /* nys: nominal + additive deltas */
    double *scal;  /* ncs: product of scalar factors */
    double *tval;  /* nterm: scalar factor values */
    double *tder;  /* nterm: scalar factor derivatives */
    double *hder;  /* nys * (max histosys per sample) is too big; per term per bin instead */
    size_t *hoff;  /* nterm: offset of a histosys term's per-bin derivatives in hder */
    double *pre, *suf; /* prefix/suffix products, max terms per sample + 1 */
    double *lg_data;   /* copy of the main data whose lgamma(n+1) values are cached */
    double *lg_val;    /* lgamma(n_b + 1) for lg_data */
    int lg_valid;
};

/* lgamma(n_b + 1) for the main data, recomputed only when the data change (fits evaluate the
 * same data thousands of times; comparing nbins doubles is far cheaper than lgamma). */
static const double *
lgamma_main(hf_eval *ev, const double *n)
{
    size_t nb = ev->m->nbins;
    if (!ev->lg_valid || memcmp(ev->lg_data, n, nb * sizeof(double)) != 0) {
        memcpy(ev->lg_data, n, nb * sizeof(double));
        for (size_t b = 0; b < nb; b++)
            ev->lg_val[b] = lgamma(n[b] + 1.0);
        ev->lg_valid = 1;
    }
    return ev->lg_val;
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
        for (size_t k = 0; k < e->nterm; k++)
            if (m->term[e->term0 + k].type == HF_MOD_HISTOSYS)
                nh += e->nbins;
    }
    ev->nu = malloc((m->nbins + 1) * sizeof(double));
    ev->w = malloc((m->nbins + 1) * sizeof(double));
    ev->fb = malloc((m->nys + 1) * sizeof(double));
    ev->sumb = malloc((m->nys + 1) * sizeof(double));
    ev->scal = malloc((m->ncs + 1) * sizeof(double));
    ev->tval = malloc((m->nterm + 1) * sizeof(double));
    ev->tder = malloc((m->nterm + 1) * sizeof(double));
    ev->hder = malloc((nh + 1) * sizeof(double));
    ev->hoff = malloc((m->nterm + 1) * sizeof(size_t));
    ev->pre = malloc((maxt + 1) * sizeof(double));
    ev->suf = malloc((maxt + 1) * sizeof(double));
    ev->lg_data = malloc((m->nbins + 1) * sizeof(double));
    ev->lg_val = malloc((m->nbins + 1) * sizeof(double));
    if (!ev->lg_data || !ev->lg_val || !ev->nu || !ev->w || !ev->fb || !ev->sumb || !ev->scal || !ev->tval || !ev->tder ||
        !ev->hder || !ev->hoff || !ev->pre || !ev->suf) {
        hf_eval_free(ev);
        return NULL;
    }
    nh = 0;
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        for (size_t k = 0; k < e->nterm; k++) {
            ev->hoff[e->term0 + k] = nh;
            if (m->term[e->term0 + k].type == HF_MOD_HISTOSYS)
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
    free(ev->hder);
    free(ev->hoff);
    free(ev->pre);
    free(ev->suf);
    free(ev->lg_data);
    free(ev->lg_val);
    free(ev);
}

/* Scalar factor of a term and its derivative. */
static double
scalar_factor(const hf_model *m, const hf_term *t, const double *pars, double *d)
{
    double a = pars[t->par];
    if (t->type == HF_MOD_NORMSYS) {
        const hf_ws_modifier *s = t->src;
        if (m->normsys_code == HF_INTERP_CODE4)
            return hf_interp_code4_factor(t->coef, s->lo, s->hi, a, d);
        return hf_interp(m->normsys_code, 1.0, s->lo, s->hi, a, d);
    }
    *d = 1.0; /* normfactor, lumi */
    return a;
}

/* Forward pass: fills nu (nbins) and, when ev != NULL, the scratch needed for derivatives;
 * ys (m->nys) receives per-sample yields when non-NULL. */
static void
forward(const hf_model *m, hf_eval *ev, const double *pars, double *nu, double *ys, int derivs)
{
    memset(nu, 0, m->nbins * sizeof(double));
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        const hf_term *T = m->term + e->term0;
        size_t nb = e->nbins;
        double *fb = ev->fb + e->ys, *sumb = ev->sumb + e->ys;
        double scal = 1.0;
        for (size_t b = 0; b < nb; b++) {
            fb[b] = 1.0;
            sumb[b] = e->nom[b];
        }
        for (size_t k = 0; k < e->nterm; k++) {
            const hf_term *t = &T[k];
            switch (t->type) {
            case HF_MOD_NORMFACTOR:
            case HF_MOD_LUMI:
            case HF_MOD_NORMSYS: {
                double d;
                double f = scalar_factor(m, t, pars, &d);
                ev->tval[e->term0 + k] = f;
                ev->tder[e->term0 + k] = d;
                scal *= f;
                break;
            }
            case HF_MOD_SHAPEFACTOR:
            case HF_MOD_STATERROR:
            case HF_MOD_SHAPESYS:
                for (size_t b = 0; b < nb; b++)
                    fb[b] *= pars[t->par + b];
                break;
            case HF_MOD_HISTOSYS: {
                double a = pars[t->par];
                const double *lo = t->src->lo_data, *hi = t->src->hi_data;
                double *hd = ev->hder + ev->hoff[e->term0 + k];
                for (size_t b = 0; b < nb; b++) {
                    double d;
                    sumb[b] += hf_interp(m->histosys_code, e->nom[b], lo[b], hi[b], a,
                                         derivs ? &d : NULL) -
                               e->nom[b];
                    if (derivs)
                        hd[b] = d;
                }
                break;
            }
            case HF_MOD_COUNT:
                break;
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

/* Constraint part of -log L, with its gradient added into grad when non-NULL. */
static double
constraints(const hf_model *m, const double *pars, const double *aux, double *grad,
            double *per_con)
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
        } else if (p->con == HF_CON_POISSON) {
            /* Pois(a | theta tau) with continuous a (pyhf): -(a ln(lam) - lam - lgamma(a+1)) */
            double lam = pars[j] * p->tau, a = aux[j];
            t = lam - (a > 0 ? a * log(lam) : 0.0) + lgamma(a + 1.0);
            if (grad != NULL)
                grad[j] += p->tau - (a > 0 ? a / pars[j] : 0.0);
        } else {
            continue;
        }
        if (per_con != NULL)
            per_con[j] = t;
        s += t;
    }
    return s;
}

/* Poisson part: sum_b nu_b - n_b ln nu_b + lgamma(n_b + 1); +inf where nu_b is not positive
 * but n_b is, or nu_b < 0. w (when non-NULL) receives 1 - n_b/nu_b. */
static double
poisson(hf_eval *ev, const double *nu, const double *n, double *w, double *per_bin)
{
    const hf_model *m = ev->m;
    const double *lg = lgamma_main(ev, n);
    double s = 0.0;
    for (size_t b = 0; b < m->nbins; b++) {
        double t;
        if (nu[b] > 0) {
            t = nu[b] - n[b] * log(nu[b]) + lg[b];
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
        if (per_bin != NULL)
            per_bin[b] = t;
        s += t;
    }
    return s;
}

void
hf_model_expected(const hf_model *m, const double *pars, double *nu, double *ys)
{
    hf_eval *ev = hf_eval_new(m);
    if (ev == NULL) {
        for (size_t b = 0; b < m->nbins; b++)
            nu[b] = NAN;
        return;
    }
    forward(m, ev, pars, nu, ys, 0);
    hf_eval_free(ev);
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
    forward(m, ev, pars, ev->nu, NULL, 0);
    return poisson(ev, ev->nu, d->main, NULL, NULL) + constraints(m, pars, d->aux, NULL, NULL);
}

double
hf_model_nll_terms(const hf_model *m, const double *pars, const hf_data *d, double *per_bin,
                   double *per_con)
{
    hf_eval *ev = hf_eval_new(m);
    if (ev == NULL)
        return NAN;
    if (per_con != NULL)
        memset(per_con, 0, m->npar * sizeof(double));
    forward(m, ev, pars, ev->nu, NULL, 0);
    double s = poisson(ev, ev->nu, d->main, NULL, per_bin) +
               constraints(m, pars, d->aux, NULL, per_con);
    hf_eval_free(ev);
    return s;
}

/* "All but one" products of the scalar factors of sample e: pre[k] * suf[k+1]. */
static void
prefix_suffix(const hf_eval *ev, const hf_cs *e, double *pre, double *suf, size_t *nscal)
{
    const hf_term *T = ev->m->term + e->term0;
    size_t n = 0;
    while (n < e->nterm && (T[n].type == HF_MOD_NORMFACTOR || T[n].type == HF_MOD_LUMI ||
                            T[n].type == HF_MOD_NORMSYS))
        n++;
    pre[0] = 1.0;
    for (size_t k = 0; k < n; k++)
        pre[k + 1] = pre[k] * ev->tval[e->term0 + k];
    suf[n] = 1.0;
    for (size_t k = n; k-- > 0;)
        suf[k] = suf[k + 1] * ev->tval[e->term0 + k];
    *nscal = n;
}

/* Product of the per-bin factors of sample e at bin b, leaving out term `skip`. */
static double
perbin_others(const hf_model *m, const hf_cs *e, const double *pars, size_t b, size_t skip)
{
    double f = 1.0;
    const hf_term *T = m->term + e->term0;
    for (size_t k = 0; k < e->nterm; k++) {
        if (k == skip)
            continue;
        hf_modtype t = T[k].type;
        if (t == HF_MOD_SHAPEFACTOR || t == HF_MOD_STATERROR || t == HF_MOD_SHAPESYS)
            f *= pars[T[k].par + b];
    }
    return f;
}

double
hf_model_nll_grad(hf_eval *ev, const double *pars, const hf_data *d, double *grad)
{
    const hf_model *m = ev->m;
    forward(m, ev, pars, ev->nu, NULL, 1);
    double s = poisson(ev, ev->nu, d->main, ev->w, NULL);
    memset(grad, 0, m->npar * sizeof(double));
    s += constraints(m, pars, d->aux, grad, NULL);
    if (!isfinite(s))
        return s;
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        const hf_term *T = m->term + e->term0;
        const double *w = ev->w + e->off, *fb = ev->fb + e->ys, *sumb = ev->sumb + e->ys;
        size_t nb = e->nbins, nscal;
        prefix_suffix(ev, e, ev->pre, ev->suf, &nscal);
        double scal = ev->scal[i];
        double tot = 0.0; /* sum_b w_b fb_b sumb_b = d(-log L)/d(scal) */
        for (size_t b = 0; b < nb; b++)
            tot += w[b] * fb[b] * sumb[b];
        for (size_t k = 0; k < nscal; k++)
            grad[T[k].par] += ev->pre[k] * ev->suf[k + 1] * ev->tder[e->term0 + k] * tot;
        for (size_t k = nscal; k < e->nterm; k++) {
            const hf_term *t = &T[k];
            if (t->type == HF_MOD_HISTOSYS) {
                const double *hd = ev->hder + ev->hoff[e->term0 + k];
                double g = 0.0;
                for (size_t b = 0; b < nb; b++)
                    g += w[b] * fb[b] * hd[b];
                grad[t->par] += scal * g;
            } else {
                for (size_t b = 0; b < nb; b++)
                    grad[t->par + b] += w[b] * scal * perbin_others(m, e, pars, b, k) * sumb[b];
            }
        }
    }
    return s;
}

/* Shared by both Jacobians: rows indexed by main bin (by_sample 0) or by-sample entry. */
static void
jacobian(const hf_model *m, const double *pars, double *jac, int by_sample)
{
    size_t rows = by_sample ? m->nys : m->nbins;
    memset(jac, 0, rows * m->npar * sizeof(double));
    hf_eval *ev = hf_eval_new(m);
    if (ev == NULL) {
        for (size_t i = 0; i < rows * m->npar; i++)
            jac[i] = NAN;
        return;
    }
    forward(m, ev, pars, ev->nu, NULL, 1);
    size_t np = m->npar;
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        const hf_term *T = m->term + e->term0;
        const double *fb = ev->fb + e->ys, *sumb = ev->sumb + e->ys;
        size_t nb = e->nbins, nscal, row0 = by_sample ? e->ys : e->off;
        prefix_suffix(ev, e, ev->pre, ev->suf, &nscal);
        double scal = ev->scal[i];
        for (size_t k = 0; k < nscal; k++) {
            double c = ev->pre[k] * ev->suf[k + 1] * ev->tder[e->term0 + k];
            for (size_t b = 0; b < nb; b++)
                jac[(row0 + b) * np + T[k].par] += c * fb[b] * sumb[b];
        }
        for (size_t k = nscal; k < e->nterm; k++) {
            const hf_term *t = &T[k];
            if (t->type == HF_MOD_HISTOSYS) {
                const double *hd = ev->hder + ev->hoff[e->term0 + k];
                for (size_t b = 0; b < nb; b++)
                    jac[(row0 + b) * np + t->par] += scal * fb[b] * hd[b];
            } else {
                for (size_t b = 0; b < nb; b++)
                    jac[(row0 + b) * np + t->par + b] +=
                        scal * perbin_others(m, e, pars, b, k) * sumb[b];
            }
        }
    }
    hf_eval_free(ev);
}

void
hf_model_jacobian(const hf_model *m, const double *pars, double *jac)
{
    jacobian(m, pars, jac, 0);
}

void
hf_model_jacobian_by_sample(const hf_model *m, const double *pars, double *jac)
{
    jacobian(m, pars, jac, 1);
}
