/* core/model/fit.c - maximum-likelihood fit: Newton iterations on -log L with an active set for the
 * bounds, the exact analytic Hessian (hf_model_hessian) between BFGS updates, Cholesky solves
 * with Levenberg damping when it is not positive definite, and an Armijo backtracking line
 * search (Nocedal & Wright, Numerical Optimization, ch. 3, 6 and 16.7). Why not GSL's multimin:
 * it has no bounds and no Hessian access; published models are small (<= a few hundred
 * parameters) and nearly quadratic, where Newton converges in a handful of iterations and the
 * final Hessian is the HESSE covariance at no extra cost. See docs/design.md. */
#include "core/model/fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/linalg.h"

typedef struct fitctx {
    const hf_model *m;
    const hf_data *d;
    hf_eval *ev;
    size_t n;      /* all parameters */
    size_t nf;     /* free parameters */
    size_t *free_idx;
    double *lo, *hi;
    double *x, *g, *xt, *gt, *p, *H, *Hfull, *gp, *gm;
    int nfev;
} fitctx;

static double
clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static double
fgrad(fitctx *c, const double *x, double *g)
{
    c->nfev++;
    return hf_model_nll_grad(c->ev, x, c->d, g);
}

/* d(-log L)/d theta_j from the left at theta_j = 0 (a kink of interpolation codes 0 and 1):
 * the gradient a hair below zero, where the alpha < 0 branch applies. */
static double
left_derivative(fitctx *c, size_t j)
{
    memcpy(c->xt, c->x, c->n * sizeof(double));
    c->xt[j] = -1e-12;
    fgrad(c, c->xt, c->gm);
    return c->gm[j];
}

/* The exact (analytic) Hessian of -log L restricted to the free parameters (nf x nf). */
static int
hessian_free(fitctx *c, const double *x, double *H)
{
    size_t nf = c->nf, n = c->n;
    c->nfev++;
    double f = hf_model_hessian(c->ev, x, c->d, c->Hfull);
    if (!isfinite(f))
        return -1;
    for (size_t a = 0; a < nf; a++)
        for (size_t b = 0; b < nf; b++)
            H[a * nf + b] = c->Hfull[c->free_idx[a] * n + c->free_idx[b]];
    return 0;
}

/* BFGS update of the Hessian approximation (Nocedal & Wright eq. 6.19) for step s and gradient
 * change y over the free parameters; skipped when the curvature condition y's > 0 fails. */
static void
bfgs_update(size_t nf, double *H, const double *s, const double *y, double *Hs)
{
    double ys = 0, sHs = 0;
    for (size_t a = 0; a < nf; a++) {
        double t = 0;
        for (size_t b = 0; b < nf; b++)
            t += H[a * nf + b] * s[b];
        Hs[a] = t;
        ys += y[a] * s[a];
        sHs += s[a] * t;
    }
    if (ys <= 1e-12 * sqrt(sHs * sHs + 1e-300) || sHs <= 0)
        return;
    for (size_t a = 0; a < nf; a++) { /* the divisions out of the inner loop */
        double ya = y[a] / ys, ha = Hs[a] / sHs;
        double *row = H + a * nf;
        for (size_t b = 0; b < nf; b++)
            row[b] += ya * y[b] - ha * Hs[b];
    }
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Solve (H + lambda I) p = -g on the active-free subset (inact[a] = 1: held at a bound).
 * A is scratch of nf*nf, v of nf. Returns the lambda used, or -1 when no damping made the
 * matrix positive definite. */
static double
newton_step(size_t nf, const double *H, const double *g, const unsigned char *inact, double *p,
            double *edm, double *A, double *v)
{
    size_t k = 0;
    for (size_t a = 0; a < nf; a++)
        k += !inact[a];
    memset(p, 0, nf * sizeof(double));
    *edm = 0;
    if (k == 0)
        return 0;
    double lambda = 0.0;
    for (int attempt = 0; attempt < 30; attempt++) {
        size_t r = 0;
        for (size_t a = 0; a < nf; a++) {
            if (inact[a])
                continue;
            const double *ha = H + a * nf;
            double *ar = A + r * k;
            if (k == nf) { /* nothing held at a bound: the row as it is */
                memcpy(ar, ha, nf * sizeof(double));
            } else {
                size_t c = 0;
                for (size_t b = 0; b < nf; b++)
                    if (!inact[b])
                        ar[c++] = ha[b];
            }
            ar[r] += lambda;
            v[r++] = -g[a];
        }
        if (hf_chol_decomp(k, A) == 0) {
            hf_chol_solve(k, A, v);
            double e = 0;
            r = 0;
            for (size_t a = 0; a < nf; a++) {
                if (inact[a])
                    continue;
                p[a] = v[r++];
                e -= 0.5 * g[a] * p[a];
            }
            *edm = e;
            return lambda;
        }
        /* Levenberg damping: start at twice the most negative diagonal element (so that an
         * indefinite direction gets a curvature of its own size, not a near-zero one) */
        if (lambda == 0.0) {
            /* the scale is the median diagonal magnitude: one stiff parameter (a staterror at
             * 1e-10 has curvature ~1e10) must not set the damping of all the others */
            double neg = 0;
            size_t q = 0;
            for (size_t a = 0; a < nf; a++) {
                if (inact[a])
                    continue;
                if (-H[a * nf + a] > neg)
                    neg = -H[a * nf + a];
                v[q++] = fabs(H[a * nf + a]);
            }
            qsort(v, q, sizeof(double), cmp_double);
            double med = v[q / 2] > 0 ? v[q / 2] : 1.0;
            lambda = 2.0 * neg + 1e-6 * med;
        } else {
            lambda *= 4.0;
        }
    }
    return -1;
}

/* Invert the free-parameter Hessian into res->cov (full npar x npar, zeros where fixed). */
static int
covariance(fitctx *c, const double *H, hf_fit_result *res)
{
    size_t nf = c->nf, n = c->n;
    res->cov = calloc(n > 0 ? n * n : 1, sizeof(double));
    if (res->cov == NULL)
        return -1;
    if (nf == 0)
        return 0;
    double *L = malloc(nf * nf * sizeof(double)), *inv = malloc(nf * nf * sizeof(double));
    if (L == NULL || inv == NULL) {
        free(L);
        free(inv);
        return -1;
    }
    memcpy(L, H, nf * nf * sizeof(double));
    int ok = hf_chol_decomp(nf, L) == 0;
    res->hesse_ok = ok;
    if (!ok) {
        /* not positive definite: a ridge keeps the numbers finite, the message says so */
        double tr = 0;
        for (size_t a = 0; a < nf; a++)
            tr += fabs(H[a * nf + a]);
        memcpy(L, H, nf * nf * sizeof(double));
        for (size_t a = 0; a < nf; a++)
            L[a * nf + a] += 1e-9 * tr / (double)nf;
        ok = hf_chol_decomp(nf, L) == 0;
        if (res->status == 0)
            res->message = "minimum found, but the Hessian there is not positive definite "
                           "(errors approximate)";
    }
    if (ok) {
        hf_chol_invert(nf, L, inv);
        for (size_t a = 0; a < nf; a++)
            for (size_t b = 0; b < nf; b++)
                res->cov[c->free_idx[a] * n + c->free_idx[b]] = inv[a * nf + b];
    }
    free(L);
    free(inv);
    for (size_t a = 0; a < nf; a++) {
        size_t j = c->free_idx[a];
        double v = res->cov[j * n + j];
        res->err[j] = v > 0 ? sqrt(v) : 0.0;
    }
    return 0;
}

static void
ctx_release(fitctx *c)
{
    hf_eval_free(c->ev);
    free(c->free_idx);
    free(c->lo);
    free(c->hi);
    free(c->x);
    free(c->g);
    free(c->xt);
    free(c->gt);
    free(c->p);
    free(c->H);
    free(c->Hfull);
    free(c->gp);
    free(c->gm);
}

/* Fit m to d (see core/model/fit.h). The result arrays are allocated here. */
int
hf_fit(const hf_model *m, const hf_data *d, const hf_fit_options *opt, hf_fit_result *res,
       hf_error *err)
{
    hf_fit_options defaults = {.fix_index = -1};
    if (opt == NULL)
        opt = &defaults;
    size_t n = m->npar;
    memset(res, 0, sizeof(*res));
    res->npar = n;
    fitctx c = {.m = m, .d = d, .n = n};
    c.ev = hf_eval_new(m);
    size_t nn = n ? n : 1;
    c.free_idx = malloc(nn * sizeof(size_t));
    c.lo = malloc(nn * sizeof(double));
    c.hi = malloc(nn * sizeof(double));
    c.x = malloc(nn * sizeof(double));
    c.g = malloc(nn * sizeof(double));
    c.xt = malloc(nn * sizeof(double));
    c.gt = malloc(nn * sizeof(double));
    c.p = malloc(nn * sizeof(double));
    c.gp = malloc(nn * sizeof(double));
    c.gm = malloc(nn * sizeof(double));
    c.H = malloc(nn * nn * sizeof(double));
    c.Hfull = malloc(nn * nn * sizeof(double));
    res->x = malloc(nn * sizeof(double));
    res->err = calloc(nn, sizeof(double));
    res->fixed = malloc(nn * sizeof(bool));
    unsigned char *inact = calloc(nn, 1);
    unsigned char *kinked = calloc(nn, 1);
    double *gf = malloc(nn * sizeof(double));
    if (!c.ev || !c.free_idx || !c.lo || !c.hi || !c.x || !c.g || !c.xt || !c.gt || !c.p ||
        !c.gp || !c.gm || !c.H || !c.Hfull || !res->x || !res->err || !res->fixed || !inact || !kinked || !gf) {
        ctx_release(&c);
        free(inact);
        free(kinked);
        free(gf);
        hf_fit_result_release(res);
        return hf_error_nomem(err);
    }
    for (size_t j = 0; j < n; j++) {
        c.lo[j] = m->par[j].lo;
        c.hi[j] = m->par[j].hi;
        res->fixed[j] = opt->fixed != NULL ? opt->fixed[j] : m->fixed[j];
        c.x[j] = opt->init != NULL ? opt->init[j] : m->init[j];
    }
    if (opt->fix_index >= 0 && (size_t)opt->fix_index < n) {
        res->fixed[opt->fix_index] = true;
        c.x[opt->fix_index] = opt->fix_value;
    }
    int kink_n = m->normsys_code == HF_INTERP_CODE0 || m->normsys_code == HF_INTERP_CODE1;
    int kink_h = m->histosys_code == HF_INTERP_CODE0 || m->histosys_code == HF_INTERP_CODE1;
    for (size_t j = 0; j < n; j++) {
        if (!res->fixed[j]) {
            c.x[j] = clampd(c.x[j], c.lo[j], c.hi[j]);
            c.free_idx[c.nf++] = j;
        }
        kinked[j] = (kink_n && (m->par[j].types & (1u << HF_MOD_NORMSYS))) ||
                    (kink_h && (m->par[j].types & (1u << HF_MOD_HISTOSYS)));
    }
    double tol = opt->tol > 0 ? opt->tol : 1e-9;
    int max_iter = opt->max_iter > 0 ? opt->max_iter : 200;
    size_t nf = c.nf;
    double f = fgrad(&c, c.x, c.g);
    res->status = 1;
    res->message = "maximum number of iterations reached";
    double edm = INFINITY;
    int rc = 0, need = 1, have_cov_h = 0;
    if (!isfinite(f)) {
        res->status = 2;
        res->message = "-log L is not finite at the initial values";
        res->iter = 0;
        goto finish;
    }
    /* Quasi-Newton: the exact Hessian to start, BFGS updates after each step (a fresh one
     * whenever the model is indefinite or misleads the line search); when the EDM says
     * converged, a fresh exact Hessian checks it (and becomes the covariance), and iterations
     * continue with it if the check fails. */
    double *sv = malloc(nn * sizeof(double)), *yv = malloc(nn * sizeof(double));
    if (sv == NULL || yv == NULL) {
        free(sv);
        free(yv);
        rc = hf_error_nomem(err);
        goto finish;
    }
    for (int it = 0; it < max_iter; it++) {
        if (opt->cancel != NULL && atomic_load(opt->cancel)) {
            rc = hf_error_set(err, HF_ECANCELED, "", "fit canceled");
            break;
        }
        res->iter = it + 1;
        if (need && hessian_free(&c, c.x, c.H) < 0) {
            res->status = 2;
            res->message = "-log L is not finite near the current point";
            break;
        }
        have_cov_h = need; /* H is fresh at x */
        need = 0;
        for (size_t a = 0; a < nf; a++) {
            size_t j = c.free_idx[a];
            gf[a] = c.g[j];
            /* active bound: the gradient pushes the parameter outwards */
            inact[a] = (c.x[j] <= c.lo[j] && gf[a] > 0) || (c.x[j] >= c.hi[j] && gf[a] < 0);
            if (kinked[j] && c.x[j] == 0.0) {
                /* on a kink (codes 0/1 at alpha = 0): g is the right derivative; take the left
                 * one too. Both pointing inwards: the coordinate is optimal there, hold it. */
                double gl = left_derivative(&c, j);
                if (gf[a] >= 0 && gl <= 0)
                    inact[a] = 1;
                else if (gf[a] > 0 && gl > 0)
                    gf[a] = gl; /* it will move left: the left branch's slope applies */
            }
        }
        double lambda = newton_step(nf, c.H, gf, inact, c.p, &edm, c.Hfull, c.gp);
        if (lambda < 0) {
            res->status = 3;
            res->message = "Hessian could not be made positive definite";
            break;
        }
        if (lambda > 0) /* indefinite (far from the minimum): take a fresh Hessian next time */
            need = 1;
        if (opt->progress != NULL)
            opt->progress(opt->progress_ctx, it, f, edm);
        if (edm < tol) {
            if (!have_cov_h && !opt->no_errors) {
                need = 1; /* confirm with the exact Hessian */
                it--;
                continue;
            }
            res->status = 0;
            res->message = "converged (EDM below tolerance)";
            break;
        }
        /* backtracking line search on the projected step; if the Newton direction gives no
         * decrease even with a fresh Hessian, a scaled steepest-descent direction is tried */
        double ft = INFINITY;
        int accepted = 0;
        for (int dir = 0; dir < 2 && !accepted; dir++) {
            if (dir == 1) {
                if (!have_cov_h)
                    break;
                for (size_t a = 0; a < nf; a++) {
                    double h = fabs(c.H[a * nf + a]);
                    c.p[a] = inact[a] ? 0.0 : -gf[a] / (h > 1e-12 ? h : 1.0);
                }
            }
            double t = 1.0;
            for (int ls = 0; ls < 40; ls++) {
                double slope = 0;
                memcpy(c.xt, c.x, n * sizeof(double));
                for (size_t a = 0; a < nf; a++) {
                    size_t j = c.free_idx[a];
                    c.xt[j] = clampd(c.x[j] + t * c.p[a], c.lo[j], c.hi[j]);
                    if (kinked[j] && c.x[j] * c.xt[j] < 0)
                        c.xt[j] = 0.0; /* stop on the kink, like on a bound */
                    slope += gf[a] * (c.xt[j] - c.x[j]);
                }
                ft = fgrad(&c, c.xt, c.gt);
                if (isfinite(ft) && ft <= f + 1e-4 * slope && ft <= f) {
                    accepted = 1;
                    break;
                }
                t *= 0.5;
            }
        }
        if (!accepted && !have_cov_h) {
            need = 1; /* the quasi-Newton model misled: retry with a fresh Hessian */
            continue;
        }
        if (!accepted) {
            /* no decrease along the Newton direction: at the numerical floor of -log L? */
            if (edm < 1e3 * tol) {
                res->status = 0;
                res->message = "converged (no further decrease possible)";
            } else {
                res->status = 2;
                res->message = "line search failed";
            }
            break;
        }
        double df = f - ft;
        for (size_t a = 0; a < nf; a++) {
            size_t j = c.free_idx[a];
            sv[a] = c.xt[j] - c.x[j];
            yv[a] = c.gt[j] - c.g[j];
        }
        bfgs_update(nf, c.H, sv, yv, c.gp);
        have_cov_h = 0;
        memcpy(c.x, c.xt, n * sizeof(double));
        memcpy(c.g, c.gt, n * sizeof(double));
        f = ft;
        if (df >= 0 && df < 1e-14 * (1.0 + fabs(f)) && edm < 1e3 * tol) {
            res->status = 0;
            res->message = "converged (-log L stationary)";
            break;
        }
    }
    free(sv);
    free(yv);
finish:
    memcpy(res->x, c.x, n * sizeof(double));
    res->nll = f;
    res->twice_nll = 2.0 * f;
    res->edm = edm;
    res->converged = res->status == 0;
    res->gradnorm = 0;
    for (size_t a = 0; a < nf; a++) {
        size_t j = c.free_idx[a];
        int at_bound = (c.x[j] <= c.lo[j] && c.g[j] > 0) || (c.x[j] >= c.hi[j] && c.g[j] < 0);
        /* a parameter resting on a kink has one-sided derivatives that bracket zero; its
         * (right-sided) gradient is not a measure of convergence */
        if (kinked[j] && c.x[j] == 0.0)
            continue;
        if (!at_bound && fabs(c.g[j]) > res->gradnorm)
            res->gradnorm = fabs(c.g[j]);
    }
    if (rc == 0 && !opt->no_errors && isfinite(f)) {
        if ((!have_cov_h && hessian_free(&c, c.x, c.H) < 0) || covariance(&c, c.H, res) < 0) {
            free(res->cov);
            res->cov = NULL;
        }
    }
    res->nfev = c.nfev;
    ctx_release(&c);
    free(inact);
    free(kinked);
    free(gf);
    if (rc < 0)
        hf_fit_result_release(res);
    return rc;
}

void
hf_fit_result_release(hf_fit_result *res)
{
    if (res == NULL)
        return;
    free(res->x);
    free(res->err);
    free(res->cov);
    free(res->fixed);
    res->x = res->err = res->cov = NULL;
    res->fixed = NULL;
}

double *
hf_fit_correlation(const hf_fit_result *res)
{
    if (res->cov == NULL)
        return NULL;
    size_t n = res->npar;
    double *r = calloc(n > 0 ? n * n : 1, sizeof(double));
    if (r == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = sqrt(res->cov[i * n + i] * res->cov[j * n + j]);
            r[i * n + j] = s > 0 ? res->cov[i * n + j] / s : (i == j ? 1.0 : 0.0);
        }
    return r;
}

