/* core/infer/limit.c - CLs upper limits: the root of CLs(mu) - alpha by Brent's method (GSL
 * gsl_root_fsolver_brent) inside a bracket grown from an Asimov estimate, with every hypothesis
 * test cached and reused across the six limits (pyhf infer.intervals.upper_limits.toms748_scan
 * does the same with TOMS748); or linear interpolation on a grid (pyhf linear_grid_scan). */
#include "core/infer/limit.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct lctx {
    hf_infer *inf;
    double alpha;
    hf_limit_result *res;
    size_t cap;
    int target; /* 0: observed, 1..5: expected band k-1 */
    hf_error *err;
    int failed;
} lctx;

/* The root-finding function: Phi^-1(1 - alpha) - Phi^-1(1 - CLs), positive while CLs > alpha. A
 * monotone transform of CLs - alpha (same root, same sign) that is nearly linear in mu, since
 * Phi^-1(1 - CLs) grows about like sqrt(qA) ~ mu / sigma (CCGV eq. 31): Brent then needs few
 * steps. CLs is clipped to (1e-300, 1 - 1e-15) so the value stays finite. */
static double
point_value(const hf_limit_point *p, int target, double alpha)
{
    double cls = target == 0 ? p->cls_obs : p->cls_exp[target - 1];
    if (isnan(cls))
        return NAN;
    cls = fmin(fmax(cls, 1e-300), 1.0 - 1e-15);
    return gsl_cdf_ugaussian_Qinv(alpha) - gsl_cdf_ugaussian_Qinv(cls);
}

/* The test at mu, from the cache or run now (with the observed part when need_obs). */
static const hf_limit_point *
eval(lctx *c, double mu, bool need_obs)
{
    hf_limit_result *r = c->res;
    size_t i = 0;
    while (i < r->npoints && r->points[i].mu < mu)
        i++;
    if (i < r->npoints && r->points[i].mu == mu && (r->points[i].has_obs || !need_obs))
        return &r->points[i];
    hf_hypotest h;
    if (hf_infer_hypotest(c->inf, mu, need_obs, &h, c->err) < 0) {
        c->failed = 1;
        return NULL;
    }
    if (!(i < r->npoints && r->points[i].mu == mu)) {
        if (r->npoints == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 32;
            hf_limit_point *np = realloc(r->points, cap * sizeof(*np));
            if (np == NULL) {
                hf_error_nomem(c->err);
                c->failed = 1;
                return NULL;
            }
            r->points = np;
            c->cap = cap;
        }
        memmove(&r->points[i + 1], &r->points[i], (r->npoints - i) * sizeof(*r->points));
        r->npoints++;
    }
    hf_limit_point *p = &r->points[i];
    p->mu = mu;
    p->has_obs = need_obs;
    p->cls_obs = need_obs ? h.cls : NAN;
    memcpy(p->cls_exp, h.cls_exp, sizeof(p->cls_exp));
    p->qA = h.qA;
    return p;
}

static double
gsl_f(double mu, void *arg)
{
    lctx *c = arg;
    const hf_limit_point *p = eval(c, mu, c->target == 0);
    return p == NULL ? NAN : point_value(p, c->target, c->alpha);
}

/* sqrt(qA) at which the expected CLs of band k equals alpha: Q(t + s) = alpha Q(t), t = -n. */
static double
band_sqrt_qA(int k, double alpha)
{
    double t = -HF_BAND_SIGMA[k];
    return gsl_cdf_ugaussian_Qinv(alpha * gsl_cdf_ugaussian_Q(t)) - t;
}

/* Brent's method on the bracket [a, b] (f(a) >= 0 > f(b)) of the current target. */
static int
refine(lctx *c, double a, double b, double rtol, double *root)
{
    gsl_function F = {gsl_f, c};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (s == NULL)
        return hf_error_nomem(c->err);
    int status = gsl_root_fsolver_set(s, &F, a, b);
    for (int it = 0; status == GSL_SUCCESS && it < 100; it++) {
        status = gsl_root_fsolver_iterate(s);
        if (status != GSL_SUCCESS || c->failed)
            break;
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                        1e-10, rtol);
        if (status == GSL_SUCCESS)
            break;
        if (status == GSL_CONTINUE)
            status = GSL_SUCCESS;
    }
    *root = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    if (c->failed)
        return -1;
    if (status != GSL_SUCCESS)
        return hf_error_set(c->err, HF_EFIT, "", "root finding for the %s limit failed: %s",
                            c->target == 0 ? "observed" : "expected", gsl_strerror(status));
    return 0;
}

/* One limit: bracket [a, b] with f(a) >= 0 > f(b) from the cache, else grown from guess. */
static int
solve(lctx *c, double lo, double hi, double guess, double rtol, double *root)
{
    double a = NAN, b = NAN;
    bool need_obs = c->target == 0;
    hf_limit_result *r = c->res;
    for (size_t i = 0; i < r->npoints; i++) {
        const hf_limit_point *p = &r->points[i];
        if (need_obs && !p->has_obs)
            continue;
        double v = point_value(p, c->target, c->alpha);
        if (v >= 0.0)
            a = p->mu;
    }
    for (size_t i = 0; i < r->npoints; i++) {
        const hf_limit_point *p = &r->points[i];
        if ((need_obs && !p->has_obs) || !(p->mu > a || isnan(a)))
            continue;
        if (point_value(p, c->target, c->alpha) < 0.0) {
            b = p->mu;
            break;
        }
    }
    if (isnan(a)) {
        /* nothing above alpha yet: try below b (or the guess), down to lo */
        double x = isnan(b) ? fmin(fmax(guess, lo), hi) : b;
        for (int it = 0; it < 60; it++) {
            const hf_limit_point *p = eval(c, x, need_obs);
            if (p == NULL)
                return -1;
            double v = point_value(p, c->target, c->alpha);
            if (v >= 0.0) {
                a = x;
                break;
            }
            b = x;
            if (x <= lo) {
                *root = NAN; /* excluded at the lower end of the range */
                return 0;
            }
            x = lo + (x - lo) * 0.4;
            if (x - lo < 1e-9 * (hi - lo))
                x = lo;
        }
        if (isnan(a)) {
            *root = NAN;
            return 0;
        }
    }
    if (isnan(b)) {
        double x = guess > a ? fmin(guess, hi) : fmin(hi, a + fmax(a - lo, 1e-3 * (hi - lo)));
        for (int it = 0; it < 60; it++) {
            const hf_limit_point *p = eval(c, x, need_obs);
            if (p == NULL)
                return -1;
            if (point_value(p, c->target, c->alpha) < 0.0) {
                b = x;
                break;
            }
            a = x;
            if (x >= hi) {
                *root = NAN; /* CLs stays above alpha over the whole range */
                return 0;
            }
            x = fmin(hi, a + 1.5 * (a - lo) + 1e-6 * (hi - lo));
        }
        if (isnan(b)) {
            *root = NAN;
            return 0;
        }
    }
    return refine(c, a, b, rtol, root);
}

/* log CLs of the target at p, clipped so that CLs = 0 stays finite. */
static double
log_cls(const hf_limit_point *p, int target)
{
    double cls = target == 0 ? p->cls_obs : p->cls_exp[target - 1];
    return log(fmax(cls, 1e-300));
}

/* Grid mode: the first crossing of alpha from above along the grid, then refined inside that
 * interval. log CLs is close to linear (in fact close to quadratic, -qA/2, CCGV eq. 31 and the
 * normal tail) between grid points where CLs itself is strongly convex, so the log-linear
 * interpolation is tested first to shrink the bracket, and Brent's method finishes it to rtol.
 * Sets *root NAN and *why (1: CLs < alpha already at the lowest point, 2: never below alpha)
 * when the grid has no crossing. */
static int
grid_limit(lctx *c, int target, double rtol, double *root, int *why)
{
    const hf_limit_result *r = c->res;
    *root = NAN;
    *why = 0;
    size_t n = r->npoints;
    for (size_t i = 1; i < n; i++) {
        const hf_limit_point *p0 = &r->points[i - 1], *p1 = &r->points[i];
        if (target == 0 && (!p0->has_obs || !p1->has_obs))
            continue;
        double v0 = point_value(p0, target, c->alpha), v1 = point_value(p1, target, c->alpha);
        if (!(v0 >= 0.0 && v1 < 0.0))
            continue;
        double m0 = p0->mu, m1 = p1->mu;
        double l0 = log_cls(p0, target), l1 = log_cls(p1, target), la = log(c->alpha);
        double x = l0 > l1 ? m0 + (m1 - m0) * (l0 - la) / (l0 - l1) : 0.5 * (m0 + m1);
        if (!(x > m0 && x < m1))
            x = 0.5 * (m0 + m1);
        const hf_limit_point *px = eval(c, x, target == 0);
        if (px == NULL)
            return -1;
        if (point_value(px, target, c->alpha) >= 0.0)
            m0 = x;
        else
            m1 = x;
        c->target = target;
        return refine(c, m0, m1, rtol, root);
    }
    if (n > 0)
        *why = point_value(&r->points[0], target, c->alpha) < 0.0 ? 1 : 2;
    return 0;
}

/* Why a limit is missing after the search: CLs below alpha at the lower end, or above it up to
 * the upper end (from the tests run; 0 when the limit was found). */
static int
missing_why(const hf_limit_result *r, int target, double alpha, double root)
{
    if (!isnan(root))
        return 0;
    for (size_t i = 0; i < r->npoints; i++) {
        const hf_limit_point *p = &r->points[i];
        if (target == 0 && !p->has_obs)
            continue;
        return point_value(p, target, alpha) < 0.0 ? 1 : 2;
    }
    return 2;
}

/* See limit.h. */
int
hf_limit_compute(hf_infer *inf, const hf_limit_options *opt, hf_limit_result *res, hf_error *err)
{
    memset(res, 0, sizeof(*res));
    const hf_model *m = hf_infer_model(inf);
    const hf_param *poi = &m->par[m->poi];
    double cl = opt != NULL && opt->cl > 0.0 ? opt->cl : 0.95;
    /* By default the search starts at max(lo, 0): an upper limit on a signal strength lies
     * above 0, and below 0 the yields of a POI that scales a sample can turn negative (the model
     * is undefined there; e.g. a background normalisation bounded at [-5, 5]). */
    double lo = poi->lo < 0.0 && poi->hi > 0.0 ? 0.0 : poi->lo, hi = poi->hi;
    if (opt != NULL && opt->hi > opt->lo) {
        lo = opt->lo;
        hi = opt->hi;
    }
    double rtol = opt != NULL && opt->rtol > 0.0 ? opt->rtol : 1e-5;
    if (!(cl > 0.0 && cl < 1.0))
        return hf_error_set(err, HF_EUSAGE, "", "confidence level %g is not inside (0, 1)", cl);
    if (!(hi > lo))
        return hf_error_set(err, HF_EUSAGE, "", "empty search range [%g, %g]", lo, hi);
    res->cl = cl;
    res->lo = lo;
    res->hi = hi;
    res->obs = NAN;
    for (int k = 0; k < 5; k++)
        res->exp[k] = NAN;
    lctx c = {inf, 1.0 - cl, res, 0, 0, err, 0};

    if (opt != NULL && opt->grid > 1) {
        for (size_t i = 0; i < opt->grid; i++) {
            double mu = lo + (hi - lo) * (double)i / (double)(opt->grid - 1);
            if (eval(&c, mu, true) == NULL)
                return -1;
        }
        for (int t = 0; t < 6; t++) {
            double x = NAN;
            int why = 0;
            if (grid_limit(&c, t, rtol, &x, &why) < 0)
                return -1;
            res->why[t] = why;
            if (t == 0)
                res->obs = x;
            else
                res->exp[t - 1] = x;
        }
        return 0;
    }

    /* An Asimov probe sets the scale: sqrt(qA) grows about linearly in mu (CCGV eq. 31), so
     * sigma = mu / sqrt(qA) turns each band's target sqrt(qA) into a first guess. */
    double probe = fmin(fmax(1.0, lo), hi);
    if (probe <= 0.0)
        probe = lo + 0.1 * (hi - lo);
    const hf_limit_point *p = eval(&c, probe, true);
    if (p == NULL)
        return -1;
    double sigma = p->qA > 0.0 ? probe / sqrt(p->qA) : NAN;
    /* expected limits first (Asimov fits only), then the observed */
    for (int t = 1; t <= 6; t++) {
        int target = t % 6;
        int k = target == 0 ? 2 : target - 1;
        double guess = isfinite(sigma) ? fmin(fmax(sigma * band_sqrt_qA(k, c.alpha), lo), hi) : hi;
        c.target = target;
        double root = NAN;
        if (solve(&c, lo, hi, guess, rtol, &root) < 0)
            return -1;
        if (target == 0)
            res->obs = root;
        else
            res->exp[target - 1] = root;
        res->why[target] = missing_why(res, target, c.alpha, root);
    }
    return 0;
}

void
hf_limit_result_release(hf_limit_result *res)
{
    if (res == NULL)
        return;
    free(res->points);
    memset(res, 0, sizeof(*res));
}
