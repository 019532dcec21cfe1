/* core/diag/constraints.c - where each constrained parameter's width comes from: the observed
 * information (Hessian diagonal) split into prior, first-order and template-curvature terms per
 * channel, bin and sample; flags and one-line explanations; the partners sharing the information;
 * the expected first-order Fisher shares beside them; pulls and sigma ratios. */
#include "core/diag/constraints.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- observed information */

void
hf_obsinfo_release(hf_obsinfo *info)
{
    if (info == NULL)
        return;
    double **arr[] = {&info->total,     &info->prior,      &info->first,
                      &info->curv,      &info->chan_first, &info->chan_curv,
                      &info->bin_first, &info->bin_curv,   &info->cs_curv};
    for (size_t k = 0; k < sizeof(arr) / sizeof(arr[0]); k++) {
        free(*arr[k]);
        *arr[k] = NULL;
    }
    info->npar = info->nchan = info->nbins = info->ncs = 0;
}

static int
obsinfo_alloc(hf_obsinfo *o, const hf_model *m, bool bins)
{
    size_t np = m->npar + 1;
    memset(o, 0, sizeof(*o));
    o->npar = m->npar;
    o->nchan = m->nchan;
    o->nbins = m->nbins;
    o->ncs = m->ncs;
    o->total = calloc(np, sizeof(double));
    o->prior = calloc(np, sizeof(double));
    o->first = calloc(np, sizeof(double));
    o->curv = calloc(np, sizeof(double));
    o->chan_first = calloc(np * (m->nchan + 1), sizeof(double));
    o->chan_curv = calloc(np * (m->nchan + 1), sizeof(double));
    o->cs_curv = calloc(np * (m->ncs + 1), sizeof(double));
    if (bins) {
        o->bin_first = calloc(np * (m->nbins + 1), sizeof(double));
        o->bin_curv = calloc(np * (m->nbins + 1), sizeof(double));
    }
    if (!o->total || !o->prior || !o->first || !o->curv || !o->chan_first || !o->chan_curv ||
        !o->cs_curv || (bins && (!o->bin_first || !o->bin_curv)))
        return -1;
    return 0;
}

/* The prior's part of H_jj: the second derivative of -log c_j(a_j | theta_j) (the constraint
 * terms of core/model/nll.c: 1/sigma^2, and a/theta^2 for Pois(a | theta tau)). */
static double
prior_info(const hf_param *p, double x, double a)
{
    if (p->con == HF_CON_GAUSS)
        return 1.0 / (p->sigma * p->sigma);
    if (p->con == HF_CON_POISSON && a > 0)
        return a / (x * x);
    return 0.0;
}

/* Accumulate the data terms bin by bin: first order u_b J_bj^2 from the Jacobian, curvature
 * w_b d2nu_sb from the per-sample second derivatives, u = n/nu^2 and w = 1 - n/nu as the
 * Hessian of core/model/nll.c weights them (0 and 1 where nu = 0). */
static void
obsinfo_fill(hf_obsinfo *o, const hf_model *m, const hf_data *d, const double *x, const double *nu,
             const double *jac, const double *d2)
{
    size_t np = m->npar;
    for (size_t c = 0; c < m->nchan; c++)
        for (size_t b = m->chan_off[c]; b < m->chan_off[c] + m->chan_nbins[c]; b++) {
            if (m->mask != NULL && m->mask[b])
                continue; /* out of the fit (core/model/model.h): no data term */
            double u = nu[b] > 0 ? d->main[b] / (nu[b] * nu[b]) : 0.0;
            const double *row = jac + b * np;
            for (size_t j = 0; j < np; j++) {
                double t = u * row[j] * row[j];
                o->chan_first[j * m->nchan + c] += t;
                if (o->bin_first != NULL)
                    o->bin_first[j * m->nbins + b] += t;
            }
        }
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        for (size_t b = 0; b < e->nbins; b++) {
            size_t gb = e->off + b;
            if (m->mask != NULL && m->mask[gb])
                continue;
            double w = nu[gb] > 0 ? 1.0 - d->main[gb] / nu[gb] : nu[gb] == 0 && d->main[gb] == 0;
            const double *row = d2 + (e->ys + b) * np;
            for (size_t j = 0; j < np; j++) {
                if (row[j] == 0.0)
                    continue;
                double t = w * row[j];
                o->cs_curv[j * m->ncs + i] += t;
                o->chan_curv[j * m->nchan + e->chan] += t;
                if (o->bin_curv != NULL)
                    o->bin_curv[j * m->nbins + gb] += t;
            }
        }
    }
    for (size_t j = 0; j < np; j++) {
        for (size_t c = 0; c < m->nchan; c++) {
            o->first[j] += o->chan_first[j * m->nchan + c];
            o->curv[j] += o->chan_curv[j * m->nchan + c];
        }
        o->prior[j] = prior_info(&m->par[j], x[j], d->aux[j]);
        o->total[j] = o->prior[j] + o->first[j] + o->curv[j];
    }
}

int
hf_obsinfo_compute(const hf_model *m, const hf_data *d, const double *x, bool bins, hf_obsinfo *out,
                   hf_error *err)
{
    double *nu = malloc((m->nbins + 1) * sizeof(double));
    double *jac = malloc((m->nbins * m->npar + 1) * sizeof(double));
    double *d2 = malloc((m->nys * m->npar + 1) * sizeof(double));
    int rc = obsinfo_alloc(out, m, bins);
    if (rc == 0 && nu != NULL && jac != NULL && d2 != NULL) {
        if (hf_model_expected(m, x, nu, NULL) < 0 || hf_model_jacobian(m, x, jac) < 0 ||
            hf_model_curvature_by_sample(m, x, d2) < 0)
            rc = -1;
        else
            obsinfo_fill(out, m, d, x, nu, jac, d2);
    } else {
        rc = -1;
    }
    free(nu);
    free(jac);
    free(d2);
    if (rc < 0) {
        hf_obsinfo_release(out);
        return hf_error_nomem(err);
    }
    return 0;
}

/* Diagonal expected Fisher information of entry e (Cowan et al., EPJC 71 (2011) 1554, eq. 18 with
 * the Poisson main measurement): I_jj = sum_b (dnu_b/dtheta_j)^2 / nu_b + I_aux,j, where
 * I_aux = 1/sigma^2 for a Gaussian constraint and tau/gamma for Pois(a | gamma tau). Shares of
 * each channel (and bin) into cs (bs). */
static void
fisher_entry(const hf_model *m, const double *x, const double *nu, const double *jac, size_t j,
             hf_constraints_par *e, double *cs, double *bs)
{
    const hf_param *pj = &m->par[j];
    if (pj->con == HF_CON_GAUSS) {
        e->prefit_sigma = pj->sigma;
        e->fisher_aux = 1.0 / (pj->sigma * pj->sigma);
        e->pull = (x[j] - m->aux[j]) / pj->sigma;
    } else {
        /* Pois(tau | gamma tau): aux datum tau at gamma = 1, prior width 1/sqrt(tau) */
        e->prefit_sigma = pj->sigma > 0 ? pj->sigma : 1.0 / sqrt(pj->tau);
        e->fisher_aux = x[j] > 0 ? pj->tau / x[j] : pj->tau;
        e->pull = (x[j] - 1.0) / e->prefit_sigma;
    }
    double total = e->fisher_aux;
    for (size_t c = 0; c < m->nchan; c++) {
        double sc = 0;
        for (size_t b = m->chan_off[c]; b < m->chan_off[c] + m->chan_nbins[c]; b++) {
            double d = jac[b * m->npar + j];
            double ib = nu[b] > 0 ? d * d / nu[b] : 0.0;
            if (bs != NULL)
                bs[b] = ib;
            sc += ib;
        }
        cs[c] = sc;
        total += sc;
    }
    e->fisher = total;
    if (total > 0) {
        e->aux_share = e->fisher_aux / total;
        for (size_t c = 0; c < m->nchan; c++)
            cs[c] /= total;
        if (bs != NULL)
            for (size_t b = 0; b < m->nbins; b++)
                bs[b] /= total;
    }
}

/* Fisher shares of every entry (the expected first-order information at the best fit). */
static int
fisher_all(const hf_model *m, const hf_fit_result *fit, hf_constraints *out)
{
    double *nu = malloc((m->nbins ? m->nbins : 1) * sizeof(*nu));
    double *jac = malloc((m->nbins * m->npar + 1) * sizeof(*jac));
    hf_eval *ev = hf_eval_new(m);
    if (nu == NULL || jac == NULL || ev == NULL) {
        free(nu);
        free(jac);
        hf_eval_free(ev);
        return -1;
    }
    hf_eval_jacobians(ev, fit->x, nu, NULL, jac, NULL);
    hf_eval_free(ev);
    for (size_t k = 0; k < out->n; k++)
        fisher_entry(m, fit->x, nu, jac, out->p[k].par, &out->p[k], &out->chan_share[k * m->nchan],
                     out->bin_share != NULL ? &out->bin_share[k * m->nbins] : NULL);
    free(nu);
    free(jac);
    return 0;
}

/* Partners of parameter j in the covariance C (npar x npar): the largest |rho|, each with
 * j's width when that partner alone is fixed, sqrt(C_jj (1 - rho^2)), and with all of them
 * fixed: C_jj - c' C_SS^-1 c (the Schur complement, by Gaussian elimination on at most
 * HF_CONSTRAINTS_PARTNERS rows). */
static void
partners(const hf_model *m, const hf_fit_result *fit, size_t j, hf_constraints_par *e)
{
    const double *C = fit->cov;
    size_t np = m->npar;
    e->npartners = 0;
    e->sigma_without_partners = NAN;
    if (C == NULL || !(C[j * np + j] > 0))
        return;
    double cjj = C[j * np + j];
    for (size_t k = 0; k < np; k++) {
        if (k == j || fit->fixed[k] || !(C[k * np + k] > 0))
            continue;
        double rho = C[j * np + k] / sqrt(cjj * C[k * np + k]);
        size_t pos = e->npartners;
        while (pos > 0 && fabs(e->partner_rho[pos - 1]) < fabs(rho)) {
            if (pos < HF_CONSTRAINTS_PARTNERS) {
                e->partner[pos] = e->partner[pos - 1];
                e->partner_rho[pos] = e->partner_rho[pos - 1];
            }
            pos--;
        }
        if (pos >= HF_CONSTRAINTS_PARTNERS)
            continue;
        e->partner[pos] = k;
        e->partner_rho[pos] = rho;
        if (e->npartners < HF_CONSTRAINTS_PARTNERS)
            e->npartners++;
    }
    enum { P = HF_CONSTRAINTS_PARTNERS };
    double a[P][P + 1];
    size_t n = e->npartners;
    for (size_t r = 0; r < n; r++) {
        e->partner_sigma[r] = sqrt(cjj * (1.0 - e->partner_rho[r] * e->partner_rho[r]));
        for (size_t c = 0; c < n; c++)
            a[r][c] = C[e->partner[r] * np + e->partner[c]];
        a[r][n] = C[e->partner[r] * np + j];
    }
    /* solve C_SS y = c, then C_jj - c'y */
    for (size_t r = 0; r < n; r++) {
        if (!(fabs(a[r][r]) > 0))
            return;
        for (size_t q = r + 1; q < n; q++) {
            double f = a[q][r] / a[r][r];
            for (size_t c = r; c <= n; c++)
                a[q][c] -= f * a[r][c];
        }
    }
    double y[P], v = cjj;
    for (size_t r = n; r-- > 0;) {
        double t = a[r][n];
        for (size_t c = r + 1; c < n; c++)
            t -= a[r][c] * y[c];
        y[r] = t / a[r][r];
        v -= C[e->partner[r] * np + j] * y[r];
    }
    e->sigma_without_partners = sqrt(v > 0 ? v : 0.0);
}

/* Greedy restoring set of parameter j (see the header): fixing s turns the covariance into
 * C - C_:s C_s: / C_ss (the Schur complement, one rank-one update per fixed parameter), so with
 * the update vectors u_t = C^(t-1)_:s_t kept, any entry of the reduced covariance is
 * C_ab - sum_t u_t[a] u_t[b] / u_t[s_t]. Each step picks the k maximising C'_jk^2 / C'_kk. */
static void
restoring(const hf_model *m, const hf_fit_result *fit, size_t j, hf_constraints_par *e, double *u)
{
    const double *C = fit->cov;
    size_t np = m->npar, T = 0;
    e->nrestore = 0;
    if (C == NULL || !(C[j * np + j] > 0) || !(e->conditional_sigma > 0))
        return;
    double cjj = C[j * np + j];
    while (T < HF_CONSTRAINTS_RESTORE && sqrt(cjj) > 1.1 * e->conditional_sigma) {
        size_t best = np;
        double gain = 0;
        for (size_t k = 0; k < np; k++) {
            if (k == j || fit->fixed[k])
                continue;
            double cjk = C[j * np + k], ckk = C[k * np + k];
            for (size_t t = 0; t < T; t++) {
                const double *ut = u + t * np;
                double piv = ut[e->restore[t]];
                cjk -= ut[j] * ut[k] / piv;
                ckk -= ut[k] * ut[k] / piv;
            }
            if (ckk > 1e-14 * C[k * np + k] && cjk * cjk / ckk > gain) {
                gain = cjk * cjk / ckk;
                best = k;
            }
        }
        if (best == np || !(gain > 1e-12 * cjj))
            break;
        double *uT = u + T * np;
        for (size_t a = 0; a < np; a++) {
            uT[a] = C[a * np + best];
            for (size_t t = 0; t < T; t++)
                uT[a] -= u[t * np + a] * u[t * np + best] / u[t * np + e->restore[t]];
        }
        cjj -= gain;
        e->restore[T] = best;
        e->restore_sigma[T] = sqrt(cjj > 0 ? cjj : 0.0);
        T++;
    }
    e->nrestore = T;
}

/* Whether parameter j's templates put up and down on the same side of nominal in channel c:
 * a histosys whose same-side bins carry most of its variation, or a normsys with hi and lo on
 * one side of 1. */
static bool
one_sided_in(const hf_model *m, size_t j, size_t c)
{
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        if (e->chan != c)
            continue;
        for (size_t t = e->term0; t < e->term0 + e->nterm; t++) {
            const hf_term *T = &m->term[t];
            if (T->par != j)
                continue;
            if (T->type == HF_MOD_NORMSYS && (T->src->hi - 1.0) * (T->src->lo - 1.0) > 0)
                return true;
            if (T->type != HF_MOD_HISTOSYS)
                continue;
            double same = 0, all = 0;
            for (size_t b = 0; b < e->nbins; b++) {
                double up = T->src->hi_data[b] - e->nom[b], dn = T->src->lo_data[b] - e->nom[b];
                double v = fabs(up) + fabs(dn);
                all += v;
                if (up * dn > 0)
                    same += v;
            }
            if (all > 0 && same > 0.5 * all)
                return true;
        }
    }
    return false;
}

/* The observed-information fields and flags of entry e (model parameter j). */
static void
observed_entry(const hf_model *m, const hf_fit_result *fit, const hf_constraints_options *o,
               const hf_constraints *c, size_t k, double *u)
{
    hf_constraints_par *e = &c->p[k];
    const hf_obsinfo *in = &c->info;
    size_t j = e->par;
    e->info = in->total[j];
    e->info_prior = in->prior[j];
    e->info_first = in->first[j];
    e->info_curv = in->curv[j];
    e->conditional_sigma = e->info > 0 ? 1.0 / sqrt(e->info) : NAN;
    partners(m, fit, j, e);
    restoring(m, fit, j, e, u);
    unsigned f = 0;
    if (e->over_constrained)
        f |= HF_CFLAG_OVER;
    if (fabs(e->pull) > o->pull_threshold)
        f |= HF_CFLAG_PULLED;
    double data = e->info_first + e->info_curv;
    if (data > 0 && e->info_curv > 0.5 * data && e->info_curv >= 0.1 * e->info)
        f |= HF_CFLAG_CURVATURE;
    size_t *idx = malloc((m->nchan + 1) * sizeof(*idx));
    if (idx != NULL) {
        size_t ns = hf_constraints_info_sources(c, k, 0.1, idx);
        for (size_t s = 0; s < ns; s++)
            if (one_sided_in(m, j, idx[s])) {
                f |= HF_CFLAG_ONE_SIDED;
                break;
            }
        free(idx);
    }
    const hf_param *p = &m->par[j];
    double range = p->hi - p->lo, x = fit->x[j];
    if (range > 0 && (x - p->lo <= 1e-6 * range || p->hi - x <= 1e-6 * range))
        f |= HF_CFLAG_AT_BOUND;
    if (!fit->hesse_ok || !(e->info > 0) || !(e->postfit_sigma > 0))
        f |= HF_CFLAG_HESSE;
    e->flags = f;
}

int
hf_constraints_compute(const hf_model *m, const hf_fit_result *fit,
                       const hf_constraints_options *opt, hf_constraints *out, hf_error *err)
{
    hf_constraints_options o = {0};
    if (opt != NULL)
        o = *opt;
    if (o.over_threshold <= 0)
        o.over_threshold = 0.5;
    if (o.pull_threshold <= 0)
        o.pull_threshold = 1.0;
    hf_data obs = hf_model_data(m);
    const hf_data *d = o.data != NULL ? o.data : &obs;
    memset(out, 0, sizeof(*out));
    out->nchan = m->nchan;
    out->nbins = m->nbins;

    size_t n = 0;
    for (size_t j = 0; j < m->npar; j++)
        if (m->par[j].con != HF_CON_NONE && !fit->fixed[j])
            n++;
    out->p = calloc(n ? n : 1, sizeof(*out->p));
    out->chan_share = calloc(n * m->nchan + 1, sizeof(double));
    if (o.bins)
        out->bin_share = calloc(n * m->nbins + 1, sizeof(double));
    if (out->p == NULL || out->chan_share == NULL || (o.bins && out->bin_share == NULL)) {
        hf_constraints_release(out);
        return hf_error_nomem(err);
    }
    for (size_t j = 0; j < m->npar; j++)
        if (m->par[j].con != HF_CON_NONE && !fit->fixed[j])
            out->p[out->n++].par = j;
    if (fisher_all(m, fit, out) < 0) {
        hf_constraints_release(out);
        return hf_error_nomem(err);
    }
    if (hf_obsinfo_compute(m, d, fit->x, o.bins, &out->info, err) < 0) {
        hf_constraints_release(out);
        return -1;
    }
    double *u = malloc((HF_CONSTRAINTS_RESTORE * m->npar + 1) * sizeof(double));
    if (u == NULL) {
        hf_constraints_release(out);
        return hf_error_nomem(err);
    }
    for (size_t k = 0; k < out->n; k++) {
        hf_constraints_par *e = &out->p[k];
        e->value = fit->x[e->par];
        e->postfit_sigma = fit->err != NULL ? fit->err[e->par] : NAN;
        e->ratio = e->prefit_sigma > 0 ? e->postfit_sigma / e->prefit_sigma : NAN;
        e->over_constrained = e->ratio < o.over_threshold;
        observed_entry(m, fit, &o, out, k, u);
    }
    free(u);
    return 0;
}

void
hf_constraints_release(hf_constraints *c)
{
    if (c == NULL)
        return;
    free(c->p);
    free(c->chan_share);
    free(c->bin_share);
    hf_obsinfo_release(&c->info);
    memset(c, 0, sizeof(*c));
}

size_t
hf_constraints_sources(const hf_constraints *c, size_t i, double min_share, size_t *idx)
{
    const double *s = &c->chan_share[i * c->nchan];
    size_t n = 0;
    for (size_t ch = 0; ch < c->nchan; ch++) {
        if (!(s[ch] >= min_share))
            continue;
        /* insertion by decreasing share */
        size_t pos = n;
        while (pos > 0 && s[idx[pos - 1]] < s[ch]) {
            idx[pos] = idx[pos - 1];
            pos--;
        }
        idx[pos] = ch;
        n++;
    }
    return n;
}

static const char *const flag_names[HF_CFLAG_COUNT] = {
    "over_constrained", "pulled", "curvature", "one_sided", "at_bound", "hesse_not_positive"};

const char *
hf_constraints_flag_name(unsigned k)
{
    return k < HF_CFLAG_COUNT ? flag_names[k] : "";
}

/* Channel c's part of H_jj (first order + curvature) of model parameter j. */
static double
chan_info(const hf_obsinfo *in, size_t j, size_t c)
{
    return in->chan_first[j * in->nchan + c] + in->chan_curv[j * in->nchan + c];
}

size_t
hf_constraints_info_sources(const hf_constraints *c, size_t i, double min_share, size_t *idx)
{
    const hf_obsinfo *in = &c->info;
    size_t j = c->p[i].par, n = 0;
    double tot = in->total[j];
    if (!(tot > 0))
        return 0;
    for (size_t ch = 0; ch < c->nchan; ch++) {
        double v = fabs(chan_info(in, j, ch));
        if (!(v >= min_share * tot))
            continue;
        size_t pos = n;
        while (pos > 0 && fabs(chan_info(in, j, idx[pos - 1])) < v) {
            idx[pos] = idx[pos - 1];
            pos--;
        }
        idx[pos] = ch;
        n++;
    }
    return n;
}

/* A growing string for one line of text (core prints nothing; the caller gets the line). */
typedef struct line {
    char *s;
    size_t len, cap;
    bool failed;
} line;

static void
line_add(line *l, const char *fmt, ...)
{
    if (l->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(l->s + l->len, l->cap - l->len, fmt, ap);
        va_end(ap);
        if (k < 0) {
            l->failed = true;
            return;
        }
        if ((size_t)k < l->cap - l->len) {
            l->len += (size_t)k;
            return;
        }
        size_t cap = 2 * l->cap + (size_t)k + 1;
        char *s = realloc(l->s, cap);
        if (s == NULL) {
            l->failed = true;
            return;
        }
        l->s = s;
        l->cap = cap;
    }
}

/* The (channel, sample) entry carrying most of parameter j's curvature in channel ch. */
static const char *
curv_sample(const hf_model *m, const hf_obsinfo *in, size_t j, size_t ch)
{
    const char *best = NULL;
    double bv = 0;
    for (size_t i = 0; i < m->ncs; i++) {
        double v = fabs(in->cs_curv[j * in->ncs + i]);
        if (m->cs[i].chan == ch && v > bv) {
            bv = v;
            best = m->samp_name[m->cs[i].samp];
        }
    }
    return best;
}

/* "65% template curvature in SR (sample ttbar, same-side templates), 30% first order in CR" */
static void
explain_info(line *l, const hf_model *m, const hf_constraints *c, size_t i)
{
    const hf_obsinfo *in = &c->info;
    const hf_constraints_par *e = &c->p[i];
    size_t j = e->par, bc = 0, bf = 0;
    double tot = e->info, cmax = 0, fmax = 0;
    for (size_t ch = 0; ch < in->nchan; ch++) {
        double cv = fabs(in->chan_curv[j * in->nchan + ch]),
               fv = in->chan_first[j * in->nchan + ch];
        if (cv > cmax) {
            cmax = cv;
            bc = ch;
        }
        if (fv > fmax) {
            fmax = fv;
            bf = ch;
        }
    }
    const char *sep = "";
    if (fabs(e->info_curv) >= 0.05 * tot) {
        const char *smp = curv_sample(m, in, j, bc);
        line_add(l, "%.0f%% template curvature (largest in %s", 100 * e->info_curv / tot,
                 m->chan[bc]->name);
        if (smp != NULL)
            line_add(l, ", sample %s", smp);
        line_add(l, "%s)", one_sided_in(m, j, bc) ? ", same-side templates" : "");
        sep = ", ";
    }
    if (e->info_first >= 0.05 * tot) {
        line_add(l, "%s%.0f%% first order (largest in %s)", sep, 100 * e->info_first / tot,
                 m->chan[bf]->name);
        sep = ", ";
    }
    line_add(l, "%s%.0f%% prior", sep, 100 * e->info_prior / tot);
}

char *
hf_constraints_explain(const hf_model *m, const hf_constraints *c, size_t i)
{
    const hf_constraints_par *e = &c->p[i];
    line l = {0};
    l.cap = 128;
    l.s = malloc(l.cap);
    if (l.s == NULL)
        return NULL;
    l.s[0] = '\0';
    line_add(&l, "\u03c3/\u03c3\u2080 %.2f", e->ratio);
    if (e->info > 0) {
        line_add(&l, ": ");
        explain_info(&l, m, c, i);
        if (e->postfit_sigma > 1.1 * e->conditional_sigma && e->npartners > 0)
            line_add(&l,
                     "; with the others fixed it would be %.2f: correlations widen it "
                     "(largest with %s, \u03c1 %+.2f)",
                     e->conditional_sigma / e->prefit_sigma, m->par[e->partner[0]].name,
                     e->partner_rho[0]);
    }
    if (e->flags & HF_CFLAG_PULLED)
        line_add(&l, "; pulled %+.2f\u03c3\u2080", e->pull);
    if (e->flags & HF_CFLAG_AT_BOUND)
        line_add(&l, "; at its %s bound %g",
                 e->value - m->par[e->par].lo < m->par[e->par].hi - e->value ? "lower" : "upper",
                 e->value);
    if (e->flags & HF_CFLAG_HESSE)
        line_add(&l, "; Hessian not positive definite: widths unreliable");
    if (l.failed) {
        free(l.s);
        return NULL;
    }
    return l.s;
}
