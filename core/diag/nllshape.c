/* core/diag/nllshape.c - conditional and profiled likelihood curves along each parameter, the
 * Hessian parabola beside them, and flags for their shape (FastScan, CMS Combine: the
 * likelihood along one parameter with the others frozen at the best fit). */
#include "core/diag/nllshape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const flag_names[HF_NLLSHAPE_NFLAGS] = {"kink", "flat", "double_minimum",
                                                           "non_parabolic"};

const char *
hf_nllshape_flag_name(unsigned k)
{
    return k < HF_NLLSHAPE_NFLAGS ? flag_names[k] : "";
}

void
hf_nllshape_release(hf_nllshape *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; s->c != NULL && i < s->ncurves; i++) {
        free(s->c[i].x);
        free(s->c[i].q);
        free(s->c[i].parab);
        free(s->c[i].qprof);
    }
    free(s->c);
    s->c = NULL;
    s->ncurves = 0;
}

const hf_nllshape_curve *
hf_nllshape_find(const hf_nllshape *s, size_t j)
{
    for (size_t i = 0; i < s->ncurves; i++)
        if (s->c[i].par == j)
            return &s->c[i];
    return NULL;
}

/* Shared state of one computation. */
typedef struct shape_ctx {
    const hf_model *m;
    const hf_data *d;
    const hf_fit_result *fit;
    hf_eval *ev;
    double *x;   /* npar scratch point */
    double nll0; /* -log L at the best fit */
} shape_ctx;

/* 2 delta NLL at theta_j = v, others at the best fit. */
static double
cond_q(shape_ctx *c, size_t j, double v)
{
    c->x[j] = v;
    double q = 2.0 * (hf_model_nll(c->ev, c->x, c->d) - c->nll0);
    c->x[j] = c->fit->x[j];
    return q;
}

/* The unit of the range: the fit's error, else the conditional width, else the prior's. */
static double
unit_step(const hf_model *m, const hf_fit_result *fit, size_t j, double hjj)
{
    double e = fit->err != NULL ? fit->err[j] : NAN, centre, width;
    if (e > 0 && isfinite(e))
        return e;
    if (hjj > 0)
        return 1.0 / sqrt(hjj);
    return hf_param_prior(&m->par[j], &centre, &width) && width > 0 ? width : 1.0;
}

/* Kinks of codes 0 and 1 sit at theta = 0: compare the one-sided slopes there (a smooth curve
 * changes slope by about q'' 2h over the two steps; a kink by a finite jump) and the one-sided
 * curvatures (at a minimum on the knot, where n = nu and the slope jump vanishes, the kink
 * shows as a jump of (dnu/dtheta)^2 n / nu^2 between the sides). */
static void
flag_kink(shape_ctx *c, hf_nllshape_curve *cv)
{
    const hf_model *m = c->m;
    const hf_param *p = &m->par[cv->par];
    bool code01 = ((p->types & (1u << HF_MOD_NORMSYS)) &&
                   (m->normsys_code == HF_INTERP_CODE0 || m->normsys_code == HF_INTERP_CODE1)) ||
                  ((p->types & (1u << HF_MOD_HISTOSYS)) &&
                   (m->histosys_code == HF_INTERP_CODE0 || m->histosys_code == HF_INTERP_CODE1));
    cv->kink_at = NAN;
    if (!code01 || !(cv->x[0] < 0 && cv->x[cv->n - 1] > 0))
        return;
    double h = 1e-3 * cv->step, q0 = cond_q(c, cv->par, 0.0);
    double qm = cond_q(c, cv->par, -h), qm2 = cond_q(c, cv->par, -2 * h);
    double qp = cond_q(c, cv->par, h), qp2 = cond_q(c, cv->par, 2 * h);
    double sl = (q0 - qm) / h, sr = (qp - q0) / h;
    double cl = (q0 - 2 * qm + qm2) / (h * h), cr = (qp2 - 2 * qp + q0) / (h * h);
    double s2 = cv->step * cv->step;
    bool slope = fabs(sr - sl) * cv->step > 0.02 && fabs(sr - sl) > 20.0 * fabs(cv->hjj) * h;
    bool curv = fabs(cr - cl) * s2 > 0.05 && fabs(cr - cl) > 0.2 * fmax(fabs(cl), fabs(cr));
    if (slope || curv) {
        cv->flags |= HF_NLLSHAPE_KINK;
        cv->kink_at = 0.0;
    }
}

/* Flat, double-minimum and non-parabolic flags from the sampled curve. */
static void
flag_shape(hf_nllshape_curve *cv)
{
    double qmax = 0, dev = 0;
    size_t nmin = 0;
    for (size_t i = 0; i < cv->n; i++) {
        double q = cv->q[i];
        qmax = fmax(qmax, q);
        bool below_left = i == 0 || cv->q[i - 1] - q > 1e-9;
        bool below_right = i + 1 == cv->n || cv->q[i + 1] - q > 1e-9;
        nmin += below_left && below_right;
        if (cv->parab[i] <= 4.0)
            dev = fmax(dev, fabs(q - cv->parab[i]));
    }
    if (qmax < 0.1)
        cv->flags |= HF_NLLSHAPE_FLAT;
    if (nmin >= 2)
        cv->flags |= HF_NLLSHAPE_DOUBLE_MIN;
    if (dev > 0.5)
        cv->flags |= HF_NLLSHAPE_NONPARABOLIC;
}

/* The profiled curve: a fit with theta_j fixed at each point, warm-started outward from the
 * point nearest the best fit. 0, or -1 with err set. */
static int
profile_curve(shape_ctx *c, hf_nllshape_curve *cv, atomic_int *cancel, hf_error *err)
{
    const hf_model *m = c->m;
    size_t n = cv->n, mid = 0;
    double *start = malloc((m->npar + 1) * sizeof(double));
    cv->qprof = malloc((n + 1) * sizeof(double));
    if (start == NULL || cv->qprof == NULL) {
        free(start);
        return hf_error_nomem(err);
    }
    for (size_t i = 1; i < n; i++)
        if (fabs(cv->x[i] - cv->best) < fabs(cv->x[mid] - cv->best))
            mid = i;
    int rc = 0;
    for (int dir = -1; dir <= 1 && rc == 0; dir += 2) {
        memcpy(start, c->fit->x, m->npar * sizeof(double));
        for (long i = dir < 0 ? (long)mid : (long)mid + 1; i >= 0 && i < (long)n && rc == 0;
             i += dir) {
            hf_fit_options fo = {.init = start,
                                 .fixed = c->fit->fixed,
                                 .fix_index = (int)cv->par,
                                 .fix_value = cv->x[i],
                                 .no_errors = true,
                                 .cancel = cancel};
            hf_fit_result r;
            rc = hf_fit(m, c->d, &fo, &r, err);
            if (rc < 0)
                break;
            cv->qprof[i] = 2.0 * (r.nll - c->nll0);
            memcpy(start, r.x, m->npar * sizeof(double));
            hf_fit_result_release(&r);
        }
    }
    free(start);
    return rc;
}

/* Sample the conditional curve and the parabola of parameter j. 0, or -1 (ENOMEM). */
static int
one_curve(shape_ctx *c, size_t j, double hjj, double range, size_t n, hf_nllshape_curve *cv)
{
    const hf_model *m = c->m;
    const hf_param *p = &m->par[j];
    cv->par = j;
    cv->best = c->fit->x[j];
    cv->hjj = hjj;
    cv->cjj = c->fit->cov != NULL ? c->fit->cov[j * m->npar + j] : NAN;
    cv->step = unit_step(m, c->fit, j, hjj);
    cv->n = n;
    cv->x = malloc(n * sizeof(double));
    cv->q = malloc(n * sizeof(double));
    cv->parab = malloc(n * sizeof(double));
    if (cv->x == NULL || cv->q == NULL || cv->parab == NULL)
        return -1;
    double a = fmax(p->lo, cv->best - range * cv->step);
    double b = fmin(p->hi, cv->best + range * cv->step);
    for (size_t i = 0; i < n; i++) {
        double v = a + (b - a) * (double)i / (double)(n - 1);
        cv->x[i] = v;
        cv->q[i] = cond_q(c, j, v);
        cv->parab[i] = hjj * (v - cv->best) * (v - cv->best);
    }
    flag_kink(c, cv);
    flag_shape(cv);
    return 0;
}

int
hf_nllshape_compute(const hf_model *m, const hf_data *d, const hf_fit_result *fit,
                    const hf_nllshape_options *opt, hf_nllshape *out, hf_error *err)
{
    hf_nllshape_options o = {0};
    if (opt != NULL)
        o = *opt;
    double range = o.range > 0 ? o.range : 3.0;
    size_t n = o.points >= 3 ? (size_t)o.points | 1u : 41;
    memset(out, 0, sizeof(*out));
    size_t nfree = 0, np = m->npar;
    for (size_t j = 0; j < np; j++)
        nfree += !fit->fixed[j];
    shape_ctx c = {.m = m, .d = d, .fit = fit, .ev = hf_eval_new(m)};
    c.x = malloc((np + 1) * sizeof(double));
    double *H = malloc((np * np + 1) * sizeof(double));
    out->c = calloc(nfree + 1, sizeof(*out->c));
    int rc = 0;
    if (c.ev == NULL || c.x == NULL || H == NULL || out->c == NULL ||
        hf_eval_reserve_hessian(c.ev) < 0) {
        rc = hf_error_nomem(err);
        goto done;
    }
    memcpy(c.x, fit->x, np * sizeof(double));
    c.nll0 = hf_model_nll(c.ev, c.x, d);
    (void)hf_model_hessian(c.ev, c.x, d, H);
    for (size_t j = 0; j < np && rc == 0; j++) {
        if (fit->fixed[j])
            continue;
        if (o.cancel != NULL && atomic_load(o.cancel)) {
            rc = hf_error_set(err, HF_ECANCELED, "", "cancelled");
            break;
        }
        hf_nllshape_curve *cv = &out->c[out->ncurves++];
        if (one_curve(&c, j, H[j * np + j], range, n, cv) < 0)
            rc = hf_error_nomem(err);
        else if (o.profile != NULL && o.profile[j])
            rc = profile_curve(&c, cv, o.cancel, err);
    }
done:
    hf_eval_free(c.ev);
    free(c.x);
    free(H);
    if (rc < 0)
        hf_nllshape_release(out);
    return rc;
}
