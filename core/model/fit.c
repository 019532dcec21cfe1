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

#include "core/model/blind.h"
#include "core/model/fit_impl.h"
#include "core/model/linalg.h"

/* BFGS update of the Hessian approximation (Nocedal & Wright eq. 6.19) for step s and gradient
 * change y over the free parameters; skipped (returns 0) when the curvature condition y's > 0
 * fails. Hs receives H s; *ys and *shs the two denominators. */
static int
bfgs_update(size_t nf, double *H, const double *s, const double *y, double *Hs, double *ys_out,
            double *shs_out)
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
    *ys_out = ys;
    *shs_out = sHs;
    if (ys <= 1e-12 * sqrt(sHs * sHs + 1e-300) || sHs <= 0)
        return 0;
    for (size_t a = 0; a < nf; a++) { /* the divisions out of the inner loop */
        double ya = y[a] / ys, ha = Hs[a] / sHs;
        double *row = H + a * nf;
        for (size_t b = 0; b < nf; b++)
            row[b] += ya * y[b] - ha * Hs[b];
    }
    return 1;
}

/* The same BFGS update on the kept factor c->L (over the parameters in c->lmask): + y y'/y's,
 * then - Hs Hs'/s'Hs, restricted to those parameters; a failed downdate drops the factor. xt
 * and gt are free scratch here. */
static void
factor_update(fitctx *c, const double *Hs, double ys, double shs)
{
    size_t k = 0;
    double *u = c->xt, *w = c->gt, fy = 1.0 / sqrt(ys), fh = 1.0 / sqrt(shs);
    for (size_t a = 0; a < c->nf; a++)
        if (!c->lmask[a]) {
            u[k] = c->yv[a] * fy;
            w[k++] = Hs[a] * fh;
        }
    c->lok = hf_chol_rank1(k, c->L, u, 1) == 0 && hf_chol_rank1(k, c->L, w, -1) == 0;
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
newton_step(fitctx *c, const double *H, const double *g, const unsigned char *inact, double *p,
            double *edm)
{
    size_t nf = c->nf, k = 0;
    double *A = c->Hfull, *v = c->gp;
    for (size_t a = 0; a < nf; a++)
        k += !inact[a];
    memset(p, 0, nf * sizeof(double));
    *edm = 0;
    if (k == 0)
        return 0;
    if (c->lok && c->nloc == 0 && memcmp(inact, c->lmask, nf) == 0) {
        /* the factor kept through the BFGS updates: no factorisation */
        size_t r = 0;
        for (size_t a = 0; a < nf; a++)
            if (!inact[a])
                v[r++] = -g[a];
        hf_chol_solve(k, c->L, v);
        r = 0;
        for (size_t a = 0; a < nf; a++)
            if (!inact[a]) {
                p[a] = v[r++];
                *edm -= 0.5 * g[a] * p[a];
            }
        return 0;
    }
    double lambda = 0.0;
    for (int attempt = 0; attempt < 30; attempt++) {
        double shift = 0.0; /* lower bound on the further damping needed (0: unknown) */
        if (c->nloc > 0) {
            if (hf_fit_schur_solve(c, H, g, inact, lambda, p, edm) == 0)
                return lambda;
            goto damp;
        }
        size_t r = 0;
        for (size_t a = 0; a < nf; a++) {
            if (inact[a])
                continue;
            const double *ha = H + a * nf;
            double *ar = A + r * k;
            if (k == nf) { /* nothing held at a bound: the row as it is */
                memcpy(ar, ha, nf * sizeof(double));
            } else {
                size_t q = 0;
                for (size_t b = 0; b < nf; b++)
                    if (!inact[b])
                        ar[q++] = ha[b];
            }
            ar[r] += lambda;
            v[r++] = -g[a];
        }
        if (hf_chol_decomp_shift(k, A, &shift) == 0) {
            if (lambda == 0.0 && c->L != NULL && H == c->H) { /* keep the factor of H */
                memcpy(c->L, A, k * k * sizeof(double));
                memcpy(c->lmask, inact, nf);
                c->lok = 1;
            }
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
    damp:
        /* Levenberg damping: start at the largest of twice the most negative diagonal element
         * (so that an indefinite direction gets a curvature of its own size, not a near-zero
         * one), twice the lower bound from the pivot that failed, and a quarter of the damping
         * the last indefinite step needed (consecutive steps far from the minimum need similar
         * amounts); then grow by 4 or by twice the new bound. Starting from the diagonal alone
         * took up to 12 factorisations on compressed ewkinos; on 3L resonance (Schur path, no
         * pivot bound) the memory cut the fit's instructions by 15%. */
        if (!(shift < INFINITY))
            return -1;
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
            lambda = fmax(fmax(2.0 * neg + 1e-6 * med, 2.0 * shift), 0.25 * c->damp_prev);
        } else {
            lambda = fmax(4.0 * lambda, lambda + 2.0 * shift);
        }
        c->damp_prev = lambda;
    }
    return -1;
}

static void
errors_from_cov(fitctx *c, hf_fit_result *res)
{
    for (size_t a = 0; a < c->nf; a++) {
        size_t j = c->free_idx[a];
        double v = res->cov[j * c->n + j];
        res->err[j] = v > 0 ? sqrt(v) : 0.0;
    }
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
    if (c->nloc > 0) { /* by blocks; not positive definite: the dense way below, with its ridge */
        int st = hf_fit_schur_covariance(c, H, res->cov);
        if (st < 0)
            return -1;
        if (st == 0) {
            res->hesse_ok = true;
            errors_from_cov(c, res);
            return 0;
        }
        memset(res->cov, 0, n * n * sizeof(double));
    }
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
        if (res->status == HF_FIT_CONVERGED)
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
    errors_from_cov(c, res);
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
    free(c->gf);
    free(c->inact);
    free(c->kinked);
    free(c->sv);
    free(c->yv);
    free(c->loc);
    free(c->spos);
    free(c->sidx);
    free(c->schur);
    free(c->srhs);
    free(c->gstart);
    free(c->glist);
    free(c->cols);
    free(c->gA);
    free(c->gW);
    free(c->gz);
    free(c->smem);
    free(c->L);
    free(c->lmask);
}

static int
ctx_alloc(fitctx *c, size_t n)
{
    size_t nn = n ? n : 1;
    c->ev = hf_eval_new(c->m);
    c->free_idx = malloc(nn * sizeof(size_t));
    double **v[] = {&c->lo, &c->hi, &c->x,  &c->g,  &c->xt, &c->gt,
                    &c->p,  &c->gp, &c->gm, &c->gf, &c->sv, &c->yv};
    int ok = c->ev != NULL && hf_eval_reserve_hessian(c->ev) == 0 && c->free_idx != NULL;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        ok &= (*v[i] = malloc(nn * sizeof(double))) != NULL;
    c->H = malloc(nn * nn * sizeof(double));
    c->Hfull = malloc(nn * nn * sizeof(double));
    c->inact = calloc(nn, 1);
    c->kinked = calloc(nn, 1);
    c->L = malloc(nn * nn * sizeof(double));
    c->lmask = calloc(nn, 1);
    ok &= c->L != NULL && c->lmask != NULL;
    return ok && c->H && c->Hfull && c->inact && c->kinked ? 0 : -1;
}

/* Backtracking line search on the projected step c->p from x (Armijo); if the Newton direction
 * gives no decrease even with a fresh Hessian, a scaled steepest-descent direction is tried.
 * On success xt, gt, *ft hold the new point. */
static int
line_search(fitctx *c, double *ft)
{
    size_t nf = c->nf;
    for (int dir = 0; dir < 2; dir++) {
        if (dir == 1) {
            if (!c->have_cov_h)
                return 0;
            for (size_t a = 0; a < nf; a++) {
                double h = fabs(c->H[a * nf + a]);
                c->p[a] = c->inact[a] ? 0.0 : -c->gf[a] / (h > 1e-12 ? h : 1.0);
            }
        }
        double t = 1.0;
        for (int ls = 0; ls < 40; ls++) {
            double slope = 0;
            memcpy(c->xt, c->x, c->n * sizeof(double));
            for (size_t a = 0; a < nf; a++) {
                size_t j = c->free_idx[a];
                c->xt[j] = hf_fit_clamp(c->x[j] + t * c->p[a], c->lo[j], c->hi[j]);
                if (c->kinked[j] && c->x[j] * c->xt[j] < 0)
                    c->xt[j] = 0.0; /* stop on the kink, like on a bound */
                slope += c->gf[a] * (c->xt[j] - c->x[j]);
            }
            *ft = hf_fit_fgrad(c, c->xt, c->gt);
            if (isfinite(*ft) && *ft <= c->f + 1e-4 * slope && *ft <= c->f)
                return 1;
            t *= 0.5;
        }
    }
    return 0;
}

/* Accept xt: BFGS update of H, x and g move. Returns the decrease. */
static double
accept_step(fitctx *c, double ft)
{
    size_t nf = c->nf;
    for (size_t a = 0; a < nf; a++) {
        size_t j = c->free_idx[a];
        c->sv[a] = c->xt[j] - c->x[j];
        c->yv[a] = c->gt[j] - c->g[j];
    }
    double ys = 0, shs = 0;
    int upd = bfgs_update(nf, c->H, c->sv, c->yv, c->gp, &ys, &shs);
    c->have_cov_h = 0;
    memcpy(c->x, c->xt, c->n * sizeof(double));
    memcpy(c->g, c->gt, c->n * sizeof(double));
    if (upd && c->lok)
        factor_update(c, c->gp, ys, shs);
    double df = c->f - ft;
    c->f = ft;
    return df;
}

/* Newton converges quadratically near a minimum; linear creep (EDM less than halved over
 * STALL_WINDOW steps, after STALL_START of them, while far from the tolerance) means a curved or
 * nearly flat valley, where the trust region does better. Strategy 0 has no later stage: it
 * keeps going. hist keeps the last STALL_WINDOW EDMs. */
enum { STALL_WINDOW = 10, STALL_START = 30 };
/* an EDM above this fraction of the last one after a BFGS step: the next step is exact */
#define BFGS_RATIO 0.5

static int
stalled(fitctx *c, double *hist, int it)
{
    double old = hist[it % STALL_WINDOW];
    hist[it % STALL_WINDOW] = c->edm;
    if (c->strategy == 0 || it < STALL_START)
        return 0;
    return c->edm > 1e3 * c->tol && c->edm > 0.5 * old;
}

/* Quasi-Newton from c->x: the exact Hessian to start, BFGS updates after each step (a fresh one
 * whenever the model is indefinite or misleads the line search); when the EDM says converged, a
 * fresh exact Hessian checks it (and becomes the covariance), and iterations continue with it if
 * the check fails. */
static int
newton_stage(fitctx *c, stage_out *out, hf_error *err)
{
    const hf_fit_options *opt = c->opt;
    int need = 1;
    out->status = HF_FIT_MAX_ITER;
    out->message = "maximum number of iterations reached";
    c->have_cov_h = 0;
    c->damp_prev = 0.0;
    c->lok = 0;
    c->edm = INFINITY;
    double edm_hist[STALL_WINDOW], edm_last = INFINITY;
    for (int i = 0; i < STALL_WINDOW; i++)
        edm_hist[i] = INFINITY;
    for (int it = 0; it < c->max_iter; it++) {
        if (opt->cancel != NULL && atomic_load(opt->cancel))
            return hf_error_set(err, HF_ECANCELED, "", "fit canceled");
        c->iter++;
        if (need && hf_fit_hessian_free(c, c->x, c->H) < 0) {
            *out = (stage_out){HF_FIT_NO_DECREASE, "-log L is not finite near the current point"};
            return 0;
        }
        c->have_cov_h = need; /* H is fresh at x */
        need = 0;
        hf_fit_active_set(c);
        double lambda = newton_step(c, c->H, c->gf, c->inact, c->p, &c->edm);
        if (lambda < 0) {
            *out = (stage_out){HF_FIT_NOT_POSDEF, "Hessian could not be made positive definite"};
            return 0;
        }
        if (lambda > 0) /* indefinite (far from the minimum): take a fresh Hessian next time */
            need = 1;
        /* BFGS pays only while it converges superlinearly: an EDM not below half the last one
         * means the updates lag behind the curvature (on compressed ewkinos the conditional fit
         * at POI = 0 crept for 30 BFGS steps; now 19 steps in all, cls 15% fewer instructions;
         * a quarter or a tenth did less well), so the next step is exact */
        if (!c->have_cov_h && c->edm > BFGS_RATIO * edm_last)
            need = 1;
        edm_last = c->edm;
        if (opt->progress != NULL)
            opt->progress(opt->progress_ctx, c->iter - 1, c->f, c->edm);
        if (c->edm < c->tol) {
            if (!c->have_cov_h && !opt->no_errors) {
                need = 1; /* confirm with the exact Hessian */
                it--;
                c->iter--;
                continue;
            }
            *out = (stage_out){HF_FIT_CONVERGED, "converged (EDM below tolerance)"};
            return 0;
        }
        double ft = INFINITY;
        if (!line_search(c, &ft)) {
            if (!c->have_cov_h) {
                need = 1; /* the quasi-Newton model misled: retry with a fresh Hessian */
                continue;
            }
            /* no decrease along the Newton direction: at the numerical floor of -log L? */
            if (c->edm < 1e3 * c->tol)
                *out = (stage_out){HF_FIT_CONVERGED, "converged (no further decrease possible)"};
            else
                *out = (stage_out){HF_FIT_NO_DECREASE, "line search failed"};
            return 0;
        }
        double df = accept_step(c, ft);
        if (c->nloc > 0) /* BFGS fills the local block: the elimination needs the exact one */
            need = 1;
        if (df >= 0 && df < 1e-14 * (1.0 + fabs(c->f)) && c->edm < 1e3 * c->tol) {
            *out = (stage_out){HF_FIT_CONVERGED, "converged (-log L stationary)"};
            return 0;
        }
        if (stalled(c, edm_hist, it)) {
            *out = (stage_out){HF_FIT_MAX_ITER, "stalled (EDM falling too slowly)"};
            return 0;
        }
    }
    return 0;
}

/* The best point over the stages: converged beats not converged, then the lower -log L. */
typedef struct best {
    double *x, f, edm;
    stage_out out;
    hf_fit_stage stage;
    int set;
} best;

static void
consider(fitctx *c, best *b, const stage_out *o, hf_fit_stage stage)
{
    int conv = o->status == HF_FIT_CONVERGED, bconv = b->set && b->out.status == HF_FIT_CONVERGED;
    if (!isfinite(c->f) || (b->set && (bconv > conv || (bconv == conv && !(c->f < b->f)))))
        return;
    memcpy(b->x, c->x, c->n * sizeof(double));
    b->f = c->f;
    b->edm = c->edm;
    b->out = *o;
    b->stage = stage;
    b->set = 1;
}

/* Restart from b's point: x, f and g there (kept as they are when x is that point). */
static void
restore(fitctx *c, const best *b)
{
    if (memcmp(c->x, b->x, c->n * sizeof(double)) == 0 && c->f == b->f)
        return;
    memcpy(c->x, b->x, c->n * sizeof(double));
    c->f = hf_fit_fgrad(c, c->x, c->g);
    c->edm = b->edm;
    c->have_cov_h = 0;
}

static int
log_attempt(fitctx *c, hf_fit_result *res, hf_fit_stage stage, int iter, const stage_out *o,
            unsigned long seed)
{
    hf_fit_attempt *a = realloc(res->attempt, (res->nattempt + 1) * sizeof(*a));
    if (a == NULL)
        return -1;
    res->attempt = a;
    a[res->nattempt++] = (hf_fit_attempt){stage, iter, o->status, 2.0 * c->f, seed};
    res->reached = stage;
    void (*log)(void *, const char *, int, double, const char *) = c->opt->log;
    void *ctx = c->opt->log_ctx;
    if (log == NULL) {
        log = c->m->fit_log;
        ctx = c->m->fit_log_ctx;
    }
    if (log != NULL)
        log(ctx, hf_fit_stage_name(stage), iter, 2.0 * c->f, o->message);
    return 0;
}

/* A saddle or a hollow: the exact Hessian at x (kept in c->H) is not positive definite over the
 * free parameters not held at a bound. Returns 1, 0, or -1 (memory). */
static int
not_a_minimum(fitctx *c)
{
    if (!c->have_cov_h && hf_fit_hessian_free(c, c->x, c->H) < 0)
        return 1;
    c->have_cov_h = 1;
    hf_fit_active_set(c);
    double edm;
    return newton_step(c, c->H, c->gf, c->inact, c->p, &edm) != 0.0;
}

/* One stage from b's point (Newton, trust region); the result joins b. */
static int
run_stage(fitctx *c, best *b, hf_fit_result *res, hf_fit_stage stage, hf_error *err)
{
    stage_out o;
    int it0 = c->iter;
    if (b->set)
        restore(c, b);
    int rc = stage == HF_FIT_NEWTON ? newton_stage(c, &o, err)
                                    : hf_fit_trust(c, stage == HF_FIT_RESCALED, &o, err);
    if (rc < 0)
        return -1;
    consider(c, b, &o, stage);
    return log_attempt(c, res, stage, c->iter - it0, &o, 0) < 0 ? hf_error_nomem(err) : 0;
}

/* Random starts: Newton, then the trust region if that fails; each start's end joins b. */
static int
random_starts(fitctx *c, best *b, hf_fit_result *res, int count, hf_error *err)
{
    for (int r = 0; r < count; r++) {
        unsigned long seed = res->seed + (unsigned long)res->restarts + 1;
        res->restarts++;
        int it0 = c->iter;
        hf_fit_random_start(c, seed);
        c->f = hf_fit_fgrad(c, c->x, c->g);
        stage_out o = {2, "-log L is not finite at the random start"};
        if (isfinite(c->f)) {
            if (newton_stage(c, &o, err) < 0 ||
                (o.status != HF_FIT_CONVERGED && hf_fit_trust(c, 0, &o, err) < 0))
                return -1;
            consider(c, b, &o, HF_FIT_RANDOM);
        }
        if (log_attempt(c, res, HF_FIT_RANDOM, c->iter - it0, &o, seed) < 0)
            return hf_error_nomem(err);
    }
    return 0;
}

/* The stages in order (see HF_FIT_STRATEGY): each later one only when the best so far failed
 * or, with errors wanted, ended where the Hessian is not positive definite; with strategy 2 the
 * random starts always (a lower valley elsewhere). */
static int
run_stages(fitctx *c, best *b, hf_fit_result *res, hf_error *err)
{
    if (run_stage(c, b, res, HF_FIT_NEWTON, err) < 0)
        return -1;
    if (res->strategy == 0)
        return 0;
    static const hf_fit_stage later[] = {HF_FIT_TRUST, HF_FIT_RESCALED};
    int done = 0;
    for (size_t s = 0; s < 2 && !done; s++) {
        if (b->out.status == HF_FIT_CONVERGED) {
            restore(c, b);
            done = c->opt->no_errors ? 1 : !not_a_minimum(c);
        }
        if (!done && run_stage(c, b, res, later[s], err) < 0)
            return -1;
    }
    if ((b->out.status != HF_FIT_CONVERGED || res->strategy == 2) &&
        random_starts(c, b, res, res->strategy == 2 ? 8 : 4, err) < 0)
        return -1;
    return 0;
}

static void
gradient_norm(fitctx *c, hf_fit_result *res)
{
    res->gradnorm = 0;
    for (size_t a = 0; a < c->nf; a++) {
        size_t j = c->free_idx[a];
        int at_bound = (c->x[j] <= c->lo[j] && c->g[j] > 0) || (c->x[j] >= c->hi[j] && c->g[j] < 0);
        /* a parameter resting on a kink has one-sided derivatives that bracket zero; its
         * (right-sided) gradient is not a measure of convergence */
        if (c->kinked[j] && c->x[j] == 0.0)
            continue;
        if (!at_bound && fabs(c->g[j]) > res->gradnorm)
            res->gradnorm = fabs(c->g[j]);
    }
}

/* Errors, covariance and flat directions at the result's point. -1 only on ENOMEM. */
static int
errors_at_minimum(fitctx *c, hf_fit_result *res)
{
    if (!c->have_cov_h && hf_fit_hessian_free(c, c->x, c->H) < 0)
        return 0;
    c->have_cov_h = 1;
    hf_fit_active_set(c);
    if (covariance(c, c->H, res) < 0 || hf_fit_flat_find(c, res) < 0) {
        free(res->cov);
        res->cov = NULL;
        return -1;
    }
    return 0;
}

static void
settings(fitctx *c, const hf_fit_options *opt, hf_fit_result *res)
{
    const hf_model *m = c->m;
    /* what the command line asked for wins over a caller's own choice (infer caps warm starts) */
    c->tol = m->fit_tol > 0 ? m->fit_tol : opt->tol > 0 ? opt->tol : 1e-9;
    c->max_iter = m->fit_max_iter > 0 ? m->fit_max_iter : opt->max_iter > 0 ? opt->max_iter : 200;
    int s = opt->strategy != HF_FIT_STRATEGY_DEFAULT ? opt->strategy : m->fit_strategy;
    res->strategy = s >= HF_FIT_STRATEGY(0) && s <= HF_FIT_STRATEGY(2) ? s - 1 : 1;
    c->strategy = res->strategy;
    res->seed = opt->seed ? opt->seed : m->fit_seed ? m->fit_seed : 42;
}

/* Start values, fixed mask, free list and kinks. idle (NULL: none): parameters a masked fit
 * cannot see (hf_blind_idle_params), held at their start values as fixed ones. */
static void
setup(fitctx *c, const hf_fit_options *opt, const bool *idle, hf_fit_result *res)
{
    const hf_model *m = c->m;
    size_t n = c->n;
    for (size_t j = 0; j < n; j++) {
        c->lo[j] = m->par[j].lo;
        c->hi[j] = m->par[j].hi;
        res->fixed[j] = (opt->fixed != NULL ? opt->fixed[j] : m->fixed[j]) || (idle && idle[j]);
        c->x[j] = opt->init != NULL ? opt->init[j] : m->init[j];
    }
    if (opt->fix_index >= 0 && (size_t)opt->fix_index < n) {
        res->fixed[opt->fix_index] = true;
        c->x[opt->fix_index] = opt->fix_value;
    }
    int kink_n = m->normsys_code == HF_INTERP_CODE0 || m->normsys_code == HF_INTERP_CODE1;
    int kink_h = m->histosys_code == HF_INTERP_CODE0 || m->histosys_code == HF_INTERP_CODE1;
    for (size_t j = 0; j < n; j++) {
        if (!res->fixed[j]) {
            c->x[j] = hf_fit_clamp(c->x[j], c->lo[j], c->hi[j]);
            c->free_idx[c->nf++] = j;
        }
        c->kinked[j] = (kink_n && (m->par[j].types & (1u << HF_MOD_NORMSYS))) ||
                       (kink_h && (m->par[j].types & (1u << HF_MOD_HISTOSYS)));
    }
}

/* Fit m to d (see core/model/fit.h). The result arrays are allocated here. */
int
hf_fit(const hf_model *m, const hf_data *d, const hf_fit_options *opt, hf_fit_result *res,
       hf_error *err)
{
    hf_fit_options defaults = {.fix_index = -1};
    if (opt == NULL)
        opt = &defaults;
    size_t n = m->npar, nn = n ? n : 1;
    memset(res, 0, sizeof(*res));
    res->npar = n;
    fitctx c = {.m = m, .d = d, .n = n, .opt = opt};
    best b = {.x = malloc(nn * sizeof(double))};
    res->x = malloc(nn * sizeof(double));
    res->err = calloc(nn, sizeof(double));
    res->fixed = malloc(nn * sizeof(bool));
    if (ctx_alloc(&c, n) < 0 || b.x == NULL || !res->x || !res->err || !res->fixed) {
        ctx_release(&c);
        free(b.x);
        hf_fit_result_release(res);
        return hf_error_nomem(err);
    }
    settings(&c, opt, res);
    bool *idle = m->mask != NULL ? malloc(nn * sizeof(bool)) : NULL;
    if (m->mask != NULL && (idle == NULL || hf_blind_idle_params(m, idle) < 0)) {
        free(idle);
        ctx_release(&c);
        free(b.x);
        hf_fit_result_release(res);
        return hf_error_nomem(err);
    }
    setup(&c, opt, idle, res);
    free(idle);
    if (hf_fit_schur_setup(&c) < 0) {
        ctx_release(&c);
        free(b.x);
        hf_fit_result_release(res);
        return hf_error_nomem(err);
    }
    c.f = hf_fit_fgrad(&c, c.x, c.g);
    c.edm = INFINITY;
    int rc = 0;
    if (!isfinite(c.f)) {
        res->status = HF_FIT_NO_DECREASE;
        res->message = "-log L is not finite at the initial values";
    } else {
        rc = run_stages(&c, &b, res, err);
        if (rc == 0 && b.set) {
            restore(&c, &b);
            res->status = b.out.status;
            res->message = b.out.message;
            res->stage = b.stage;
        }
    }
    memcpy(res->x, c.x, n * sizeof(double));
    res->nll = c.f;
    res->twice_nll = 2.0 * c.f;
    res->edm = c.edm;
    res->iter = c.iter;
    res->converged = res->status == HF_FIT_CONVERGED;
    gradient_norm(&c, res);
    if (rc == 0 && !opt->no_errors && isfinite(c.f)) {
        rc = errors_at_minimum(&c, res) < 0 ? hf_error_nomem(err) : 0;
    }
    res->nfev = c.nfev;
    ctx_release(&c);
    free(b.x);
    if (rc < 0)
        hf_fit_result_release(res);
    return rc;
}

const char *
hf_fit_stage_name(hf_fit_stage s)
{
    static const char *const names[] = {"newton", "trust-region", "rescaled-restart",
                                        "random-restart"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
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
    free(res->attempt);
    res->attempt = NULL;
    res->nattempt = 0;
    for (size_t i = 0; i < res->nflat; i++) {
        free(res->flat[i].par);
        free(res->flat[i].weight);
    }
    free(res->flat);
    res->flat = NULL;
    res->nflat = 0;
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
