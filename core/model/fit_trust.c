/* core/model/fit_trust.c - the fit's fallback stages:
 *
 * - a trust-region Newton method with the exact Hessian. The step solves
 *   min g's + s'Hs/2 subject to |s| <= Delta in variables scaled by the Hessian's diagonal,
 *   through the eigen-decomposition H = Q diag(lam) Q': s(l) = -Q (lam + l)^-1 Q'g with l >= 0,
 *   l > -lam_min, found by bisection on |s(l)| = Delta, and the "hard case" (gradient orthogonal to
 *   the lowest eigenvector) completed along that eigenvector, so a saddle with zero gradient is
 *   left along its negative curvature (More & Sorensen, SIAM J. Sci. Stat. Comput. 4 (1983) 553;
 *   Nocedal & Wright, Numerical Optimization, 2nd ed., ch. 4.3). The radius follows the ratio of
 *   actual to predicted decrease (Nocedal & Wright algorithm 4.1). Bounds: the step is clipped,
 *   and the prediction is made for the clipped step;
 * - seeded random starts within the bounds (splitmix64, Steele, Lea & Flood, OOPSLA 2014).
 * Flat directions at the minimum are in fit_flat.c. */
#include "core/model/fit_impl.h"

#include <gsl/gsl_eigen.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/linalg.h"

int
hf_fit_eigen(size_t k, double *a, double *lam, double *q)
{
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(k);
    if (w == NULL)
        return -1;
    gsl_matrix_view A = gsl_matrix_view_array(a, k, k);
    gsl_vector_view L = gsl_vector_view_array(lam, k);
    gsl_matrix_view Q = gsl_matrix_view_array(q, k, k);
    int st = gsl_eigen_symmv(&A.matrix, &L.vector, &Q.matrix, w);
    gsl_eigen_symmv_free(w);
    if (st != 0)
        return -1;
    gsl_eigen_symmv_sort(&L.vector, &Q.matrix, GSL_EIGEN_SORT_VAL_ASC);
    return 0;
}

/* |s(l)|^2 = sum_i gq_i^2 / (lam_i + l)^2 */
static double
step_norm2(size_t k, const double *lam, const double *gq, double l)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) {
        double t = gq[i] / (lam[i] + l);
        s += t * t;
    }
    return s;
}

/* The trust-region step's coefficients cf in the eigenbasis (see the top of the file). */
static void
tr_coefficients(size_t k, const double *lam, const double *gq, double delta, double *cf)
{
    double lmax = fabs(lam[k - 1]) > fabs(lam[0]) ? fabs(lam[k - 1]) : fabs(lam[0]);
    double d2 = delta * delta, l;
    if (lam[0] > 1e-12 * lmax && step_norm2(k, lam, gq, 0.0) <= d2) {
        l = 0.0; /* the Newton step lies inside */
    } else {
        double lo = (lam[0] > 0 ? 0.0 : -lam[0]) + 1e-12 * lmax + 1e-300;
        if (step_norm2(k, lam, gq, lo) <= d2) { /* hard case */
            for (size_t i = 0; i < k; i++)
                cf[i] = -gq[i] / (lam[i] + lo);
            double r = d2 - step_norm2(k, lam, gq, lo);
            cf[0] += (gq[0] > 0 ? -1.0 : 1.0) * sqrt(r > 0 ? r : 0.0);
            return;
        }
        /* lam_i + hi >= |g| / Delta for every i, so |s(hi)| <= Delta */
        double gn = 0;
        for (size_t i = 0; i < k; i++)
            gn += gq[i] * gq[i];
        double hi = lo + sqrt(gn) / delta + 1.0;
        for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
            double mid = 0.5 * (lo + hi);
            if (step_norm2(k, lam, gq, mid) > d2)
                lo = mid;
            else
                hi = mid;
        }
        l = hi;
    }
    for (size_t i = 0; i < k; i++)
        cf[i] = -gq[i] / (lam[i] + l);
}

typedef struct trwork {
    size_t k;
    size_t *idx; /* free-parameter positions of the k not held */
    double *D;   /* nf scales */
    double *lam, *q, *gq, *cf, *s;
    double *big; /* large models: the Cauchy point (in q's memory) */
} trwork;

static void
trwork_free(trwork *w)
{
    free(w->idx);
    free(w->D);
    free(w->lam);
    free(w->q);
    free(w->gq);
    free(w->cf);
    free(w->s);
}

/* Scaled, reduced Hessian into c->Hfull (k x k) and gq = D^-1 g. */
static void
tr_model(fitctx *c, trwork *w, int rescale)
{
    size_t nf = c->nf, k = 0;
    for (size_t a = 0; a < nf; a++) {
        if (c->inact[a])
            continue;
        double h = sqrt(fabs(c->H[a * nf + a]));
        w->D[a] = rescale || h > w->D[a] ? h : w->D[a];
        if (!(w->D[a] > 1e-150))
            w->D[a] = 1.0; /* a parameter that changes nothing */
        w->idx[k++] = a;
    }
    w->k = k;
    double *A = c->Hfull;
    for (size_t r = 0; r < k; r++) {
        size_t a = w->idx[r];
        for (size_t t = 0; t < k; t++) {
            size_t b = w->idx[t];
            A[r * k + t] = c->H[a * nf + b] / (w->D[a] * w->D[b]);
        }
    }
    for (size_t r = 0; r < k; r++)
        w->gq[r] = c->gf[w->idx[r]] / w->D[w->idx[r]];
}

/* The eigen-decomposition of the scaled Hessian (destroys c->Hfull); gq becomes Q' D^-1 g. */
static int
tr_eigen(fitctx *c, trwork *w)
{
    size_t k = w->k;
    if (hf_fit_eigen(k, c->Hfull, w->lam, w->q) < 0)
        return -1;
    memcpy(w->cf, w->gq, k * sizeof(double));
    for (size_t i = 0; i < k; i++) {
        double s = 0;
        for (size_t r = 0; r < k; r++)
            s += w->q[r * k + i] * w->cf[r];
        w->gq[i] = s;
    }
    return 0;
}

/* EDM over the non-null eigenvalues; *flatg: gradient along the null ones; *neg: a clearly
 * negative eigenvalue. */
static double
tr_edm(const trwork *w, double *flatg, int *neg)
{
    size_t k = w->k;
    double lmax = fabs(w->lam[k - 1]) > fabs(w->lam[0]) ? fabs(w->lam[k - 1]) : fabs(w->lam[0]);
    double edm = 0, fg = 0;
    for (size_t i = 0; i < k; i++) {
        if (w->lam[i] > 1e-12 * lmax)
            edm += 0.5 * w->gq[i] * w->gq[i] / w->lam[i];
        else
            fg += w->gq[i] * w->gq[i];
    }
    *flatg = sqrt(fg);
    *neg = w->lam[0] < -1e-9 * lmax;
    return edm;
}

/* Trial point from the step; returns the predicted decrease for the clipped step. */
static double
tr_trial(fitctx *c, trwork *w)
{
    size_t k = w->k;
    memcpy(c->xt, c->x, c->n * sizeof(double));
    for (size_t r = 0; r < k; r++) {
        double p = 0;
        for (size_t i = 0; i < k; i++)
            p += w->q[r * k + i] * w->cf[i];
        size_t a = w->idx[r], j = c->free_idx[a];
        c->xt[j] = hf_fit_clamp(c->x[j] + p / w->D[a], c->lo[j], c->hi[j]);
        if (c->kinked[j] && c->x[j] * c->xt[j] < 0)
            c->xt[j] = 0.0; /* stop on the kink, like on a bound */
        w->s[r] = (c->xt[j] - c->x[j]) * w->D[a];
    }
    double pred = 0;
    for (size_t i = 0; i < k; i++) { /* in the eigenbasis: g's + s'Hs/2 */
        double ci = 0;
        for (size_t r = 0; r < k; r++)
            ci += w->q[r * k + i] * w->s[r];
        pred -= w->gq[i] * ci + 0.5 * w->lam[i] * ci * ci;
    }
    return pred;
}

/* Large models: the trust-region step without an eigen-decomposition (GSL's takes seconds at 600
 * parameters). The scaled Hessian A (c->Hfull) is factored: positive definite, the step is
 * Powell's dogleg between the Cauchy point and the Newton step (Nocedal & Wright sec. 4.1);
 * not, the failed pivot gives a direction v of negative curvature (v'Av = s < 0 with
 * v = (-B^-1 b, 1), see core/model/linalg.c), and the step is the better, for the quadratic
 * model, of the Cauchy step along -g and the step of length Delta along +-v (downhill). The
 * latter leaves a saddle with zero gradient, as the "hard case" of More-Sorensen does. A Rayleigh
 * quotient of v above -1e-9 (the scaled Hessian has a unit diagonal) counts as a flat direction,
 * not a negative one: a ridge that makes A positive definite is added instead. */

/* y = A x over k (row-major) */
static void
matvec(size_t k, const double *A, const double *x, double *y)
{
    for (size_t r = 0; r < k; r++) {
        const double *ar = A + r * k;
        double t = 0;
        for (size_t q = 0; q < k; q++)
            t += ar[q] * x[q];
        y[r] = t;
    }
}

static double
dotk(size_t k, const double *x, const double *y)
{
    double s = 0;
    for (size_t i = 0; i < k; i++)
        s += x[i] * y[i];
    return s;
}

/* m(s) = g's + s'As/2, with As into tmp */
static double
model_value(size_t k, const double *A, const double *g, const double *s, double *tmp)
{
    matvec(k, A, s, tmp);
    return dotk(k, g, s) + 0.5 * dotk(k, s, tmp);
}

/* The Cauchy point: along -g to the model's minimum on that line within the radius. */
static void
cauchy(size_t k, const double *A, const double *g, double delta, double *s, double *tmp)
{
    double gg = dotk(k, g, g), gn = sqrt(gg);
    matvec(k, A, g, tmp);
    double gag = dotk(k, g, tmp), t = delta / (gn > 0 ? gn : 1.0);
    if (gag > 0 && gg / gag < t)
        t = gg / gag;
    for (size_t i = 0; i < k; i++)
        s[i] = -t * g[i];
}

/* Dogleg from the Cauchy point sc towards the Newton step sn, cut at |s| = delta. */
static void
dogleg(size_t k, const double *sc, const double *sn, double delta, double *s)
{
    double a = 0, b = 0, cc = 0;
    for (size_t i = 0; i < k; i++) {
        double d = sn[i] - sc[i];
        a += d * d;
        b += 2.0 * sc[i] * d;
        cc += sc[i] * sc[i];
    }
    cc -= delta * delta;
    double disc = b * b - 4.0 * a * cc,
           tau = a > 0 ? (-b + sqrt(disc > 0 ? disc : 0)) / (2 * a) : 0;
    tau = tau < 0 ? 0 : tau > 1 ? 1 : tau;
    for (size_t i = 0; i < k; i++)
        s[i] = sc[i] + tau * (sn[i] - sc[i]);
}

/* The step into w->s; c->edm (with the ridge when one was needed), *neg. -1: A not finite. */
static int
tr_large_step(fitctx *c, trwork *w, double delta, int *neg)
{
    size_t k = w->k;
    const double *A = c->Hfull, *g = w->gq;
    double *L = c->L, *sn = w->cf, *tmp = w->lam, *s = w->s, curv = 0, ridge;
    c->lok = 0; /* c->L is scratch here */
    memcpy(L, A, k * k * sizeof(double));
    *neg = 0;
    if (hf_chol_decomp_dir(k, L, sn, &curv) != 0) {
        if (!(curv > -INFINITY))
            return -1;
        if (curv < -1e-9) {
            *neg = 1;
            c->edm = INFINITY;
            cauchy(k, A, g, delta, s, tmp);
            double vn = sqrt(dotk(k, sn, sn)), sg = dotk(k, sn, g) > 0 ? -1.0 : 1.0;
            for (size_t i = 0; i < k; i++)
                sn[i] *= sg * delta / vn;
            if (model_value(k, A, g, sn, tmp) < model_value(k, A, g, s, tmp))
                memcpy(s, sn, k * sizeof(double));
            return 0;
        }
        int ok = 0;
        ridge = 2.0 * -curv + 1e-12;
        for (int t = 0; t < 30 && !ok; t++, ridge *= 10.0) {
            memcpy(L, A, k * k * sizeof(double));
            for (size_t i = 0; i < k; i++)
                L[i * k + i] += ridge;
            ok = hf_chol_decomp(k, L) == 0;
        }
        if (!ok)
            return -1;
    }
    for (size_t i = 0; i < k; i++)
        sn[i] = -g[i];
    hf_chol_solve(k, L, sn);
    c->edm = -0.5 * dotk(k, g, sn);
    if (sqrt(dotk(k, sn, sn)) <= delta) {
        memcpy(s, sn, k * sizeof(double));
        return 0;
    }
    double *sc = w->big;
    cauchy(k, A, g, delta, sc, tmp);
    if (sqrt(dotk(k, sc, sc)) >= delta * (1 - 1e-12))
        memcpy(s, sc, k * sizeof(double));
    else
        dogleg(k, sc, sn, delta, s);
    return 0;
}

/* Before the eigen-decomposition (k^3 with a large constant: 28e6 instructions at 111
 * parameters): when the scaled Hessian is positive definite (a Cholesky factorisation, 50 times
 * cheaper) and the Newton step lies inside the radius, that step is the trust-region step (the
 * More-Sorensen multiplier is 0), and the EDM is the Newton one. 1 then (w->s, c->edm set), 0
 * when the eigen-decomposition is needed. */
static int
tr_newton_inside(fitctx *c, trwork *w, double delta)
{
    size_t k = w->k;
    double *L = c->L, *sn = w->s;
    c->lok = 0; /* c->L is scratch here */
    memcpy(L, c->Hfull, k * k * sizeof(double));
    if (hf_chol_decomp(k, L) != 0)
        return 0;
    for (size_t i = 0; i < k; i++)
        sn[i] = -w->gq[i];
    hf_chol_solve(k, L, sn);
    c->edm = -0.5 * dotk(k, w->gq, sn);
    return c->edm < c->tol || sqrt(dotk(k, sn, sn)) <= delta;
}

/* Trial point from the scaled step w->s; the predicted decrease of the clipped step. */
static double
tr_large_trial(fitctx *c, trwork *w)
{
    size_t k = w->k;
    memcpy(c->xt, c->x, c->n * sizeof(double));
    for (size_t r = 0; r < k; r++) {
        size_t a = w->idx[r], j = c->free_idx[a];
        c->xt[j] = hf_fit_clamp(c->x[j] + w->s[r] / w->D[a], c->lo[j], c->hi[j]);
        if (c->kinked[j] && c->x[j] * c->xt[j] < 0)
            c->xt[j] = 0.0;
        w->s[r] = (c->xt[j] - c->x[j]) * w->D[a];
    }
    return -model_value(k, c->Hfull, w->gq, w->s, w->lam);
}

static double
norm(size_t k, const double *v)
{
    double s = 0;
    for (size_t i = 0; i < k; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

/* One trust-region iteration: 1 when done (out set), 0 to go on, -1 on ENOMEM. */
static int
tr_iterate(fitctx *c, trwork *w, int rescale, double *delta, stage_out *out)
{
    if (hf_fit_hessian_free(c, c->x, c->H) < 0) {
        *out = (stage_out){HF_FIT_NO_DECREASE, "-log L is not finite near the current point"};
        return 1;
    }
    c->have_cov_h = 1;
    hf_fit_active_set(c);
    tr_model(c, w, rescale);
    if (w->k == 0) {
        c->edm = 0;
        *out = (stage_out){HF_FIT_CONVERGED, "converged (every free parameter at a bound)"};
        return 1;
    }
    double flatg = 0, pred;
    int neg = 0, large = c->nf > HF_FIT_TRUST_MAX,
        newton = !large && tr_newton_inside(c, w, *delta);
    if (large) {
        if (tr_large_step(c, w, *delta, &neg) < 0) {
            *out = (stage_out){HF_FIT_NO_DECREASE, "-log L is not finite near the current point"};
            return 1;
        }
    } else if (!newton) {
        if (tr_eigen(c, w) < 0)
            return -1;
        c->edm = tr_edm(w, &flatg, &neg);
    }
    if (c->opt->progress != NULL)
        c->opt->progress(c->opt->progress_ctx, c->iter - 1, c->f, c->edm);
    if (!neg && c->edm < c->tol && flatg < sqrt(c->tol)) {
        *out = (stage_out){HF_FIT_CONVERGED, "converged (EDM below tolerance)"};
        return 1;
    }
    if (large || newton) {
        pred = tr_large_trial(c, w);
    } else {
        tr_coefficients(w->k, w->lam, w->gq, *delta, w->cf);
        pred = tr_trial(c, w);
    }
    double snorm = norm(w->k, w->s);
    if (!(pred > 1e-15 * (1.0 + fabs(c->f)))) {
        *out = c->edm < 1e3 * c->tol && !neg
                   ? (stage_out){HF_FIT_CONVERGED, "converged (no further decrease possible)"}
                   : (stage_out){HF_FIT_NO_DECREASE, "trust region: no decrease predicted"};
        return 1;
    }
    double ft = hf_fit_fgrad(c, c->xt, c->gt);
    double rho = isfinite(ft) ? (c->f - ft) / pred : -1.0;
    if (rho < 0.25)
        *delta = 0.25 * (snorm < *delta ? snorm : *delta);
    else if (rho > 0.75 && snorm > 0.99 * *delta && *delta < 1e8)
        *delta *= 2.0;
    if (rho > 1e-4 && ft < c->f) {
        c->have_cov_h = 0;
        memcpy(c->x, c->xt, c->n * sizeof(double));
        memcpy(c->g, c->gt, c->n * sizeof(double));
        c->f = ft;
    }
    if (*delta < 1e-12) {
        *out = c->edm < 1e3 * c->tol && !neg
                   ? (stage_out){HF_FIT_CONVERGED, "converged (no further decrease possible)"}
                   : (stage_out){HF_FIT_NO_DECREASE, "trust region collapsed"};
        return 1;
    }
    return 0;
}

int
hf_fit_trust(fitctx *c, int rescale, stage_out *out, hf_error *err)
{
    size_t nf = c->nf ? c->nf : 1;
    trwork w = {0};
    w.idx = malloc(nf * sizeof(size_t));
    w.D = calloc(nf, sizeof(double));
    w.lam = malloc(nf * sizeof(double));
    /* the eigenvectors below HF_FIT_TRUST_MAX, the Cauchy point above */
    w.q = malloc((c->nf > HF_FIT_TRUST_MAX ? nf : nf * nf) * sizeof(double));
    w.big = w.q;
    w.gq = malloc(nf * sizeof(double));
    w.cf = malloc(nf * sizeof(double));
    w.s = malloc(nf * sizeof(double));
    if (!w.idx || !w.D || !w.lam || !w.q || !w.gq || !w.cf || !w.s) {
        trwork_free(&w);
        return hf_error_nomem(err);
    }
    *out = (stage_out){HF_FIT_MAX_ITER, "maximum number of iterations reached"};
    double delta = 1.0; /* one prior width, roughly, in the scaled variables */
    int rc = 0;
    for (int it = 0; it < c->max_iter; it++) {
        if (c->opt->cancel != NULL && atomic_load(c->opt->cancel)) {
            rc = hf_error_set(err, HF_ECANCELED, "", "fit canceled");
            break;
        }
        c->iter++;
        int st = tr_iterate(c, &w, rescale, &delta, out);
        if (st < 0)
            rc = hf_error_nomem(err);
        if (st != 0)
            break;
    }
    trwork_free(&w);
    return rc;
}

/* splitmix64: one 64-bit step of the generator (Steele, Lea & Flood 2014). */
static uint64_t
splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double
uniform(uint64_t *s)
{
    return (double)(splitmix64(s) >> 11) * 0x1.0p-53;
}

void
hf_fit_random_start(fitctx *c, unsigned long seed)
{
    uint64_t s = (uint64_t)seed;
    for (size_t a = 0; a < c->nf; a++) {
        size_t j = c->free_idx[a];
        const hf_param *p = &c->m->par[j];
        double centre, width, u = uniform(&s), v;
        if (hf_param_prior(p, &centre, &width)) {
            v = centre + width * (2.0 * u - 1.0);
        } else {
            double init = c->m->init[j], span = fabs(init) > 1.0 ? fabs(init) : 1.0;
            double lo = init - span, hi = init + 2.0 * span;
            lo = lo < c->lo[j] ? c->lo[j] : lo;
            hi = hi > c->hi[j] ? c->hi[j] : hi;
            v = lo + u * (hi - lo);
        }
        c->x[j] = hf_fit_clamp(v, c->lo[j], c->hi[j]);
    }
}
