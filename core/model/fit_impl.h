/* core/model/fit_impl.h - private to the fit. fit.c: the driver, the Newton stage, the
 * covariance; fit_flat.c: flat directions; fit_trust.c: trust region, random starts and the
 * eigen-decomposition; fit_schur.c: elimination of per-bin parameters; fit_ctx.c: what they all
 * evaluate (-log L, gradient, Hessian, active set). Calls go down that list, never back. Not
 * for other modules. */
#ifndef HF_FIT_IMPL_H
#define HF_FIT_IMPL_H

#include <stddef.h>

#include "core/model/fit.h"

typedef struct fitctx {
    const hf_model *m;
    const hf_data *d;
    const hf_fit_options *opt;
    hf_eval *ev;
    size_t n;  /* all parameters */
    size_t nf; /* free parameters */
    size_t *free_idx;
    double *lo, *hi;
    double *x, *g, *xt, *gt, *p, *H, *Hfull, *gp, *gm;
    double *gf;            /* gradient over the free parameters (kinks: the side that applies) */
    unsigned char *inact;  /* free parameter held at a bound (or on a kink) this iteration */
    unsigned char *kinked; /* parameter with a kink at 0 (codes 0/1) */
    double *sv, *yv;       /* BFGS step and gradient change */
    double f, edm, tol;
    double damp_prev; /* the Levenberg damping that last made H + lambda I positive definite */
    /* the Cholesky factor of H over the parameters not held (lmask), kept up to date through
     * the BFGS updates (two rank-one updates instead of a factorisation); lok 0: none */
    double *L;
    unsigned char *lmask;
    int lok;
    int max_iter;
    int strategy;   /* 0, 1, 2 */
    int have_cov_h; /* H is the exact Hessian at x */
    int nfev;
    /* the run as a whole: iterations over all stages */
    int iter;
    /* Schur elimination (fit_schur.c): loc[a] marks a local free parameter; nloc 0: dense.
     * Groups (one per bin): members glist[gstart[g] .. gstart[g+1]), at most gmax. */
    size_t nloc, ngroup, gmax;
    unsigned char *loc;
    size_t *spos, *sidx, *gstart, *glist, *cols;
    size_t *smem; /* gmax: one group's members, the Newton step's scratch (made at setup) */
    double *schur, *srhs, *gA, *gW, *gz;
} fitctx;

/* One stage's outcome. */
typedef struct stage_out {
    hf_fit_status status;
    const char *message;
} stage_out;

double hf_fit_fgrad(fitctx *c, const double *x, double *g);
int hf_fit_hessian_free(fitctx *c, const double *x, double *H);
/* gf and inact at x (g must be the gradient at x). */
void hf_fit_active_set(fitctx *c);
double hf_fit_clamp(double v, double lo, double hi);
/* The trust region's eigen-decomposition per step is affordable up to this many free parameters;
 * above, its step is a dogleg, or a step along the negative curvature the failed pivot of a
 * Cholesky factorisation finds (fit_trust.c). */
#ifndef HF_FIT_TRUST_MAX
#define HF_FIT_TRUST_MAX 300
#endif

/* Trust-region iterations from c->x (exact Hessian, More-Sorensen step through the eigen-
 * decomposition, or the large models' step), in variables scaled by the Hessian's diagonal: its
 * running maximum (More's choice), or with rescale its value at each iterate. Returns 0 (out
 * filled) or -1 (err: memory, cancellation). */
int hf_fit_trust(fitctx *c, int rescale, stage_out *out, hf_error *err);
/* Eigen-decomposition of the k x k symmetric a (destroyed): ascending values into lam, vectors
 * as columns of q (row-major k x k). 0 or -1 (memory). */
int hf_fit_eigen(size_t k, double *a, double *lam, double *q);
/* A random start within the bounds: constrained parameters within one prior width of their
 * centre, unconstrained ones in [init - s, init + 2s] (s = max(|init|, 1)), clipped to the
 * bounds. */
void hf_fit_random_start(fitctx *c, unsigned long seed);
/* Find the local parameters (fit_schur.c); c->nloc stays 0 when elimination does not pay. */
int hf_fit_schur_setup(fitctx *c);
/* (H + lambda I) p = -g over the free parameters not held (inact), eliminating the local ones:
 * 0, or 1 when H + lambda I is not positive definite there. */
int hf_fit_schur_solve(fitctx *c, const double *H, const double *g, const unsigned char *inact,
                       double lambda, double *p, double *edm);
/* H^-1 into cov (npar x npar, free rows/columns): 0, 1 not positive definite, -1 ENOMEM. */
int hf_fit_schur_covariance(fitctx *c, const double *H, double *cov);
/* Flat directions at x from c->H (exact there), c->inact and res->cov. */
int hf_fit_flat_find(fitctx *c, hf_fit_result *res);

#endif
