/* core/model/fit_ctx.c - what every stage of the fit (Newton in fit.c, the trust region in
 * fit_trust.c) evaluates on its context: -log L with its gradient, the exact Hessian over the
 * free parameters, the clamp to the bounds and the active set (with the left derivative at the
 * kinks of interpolation codes 0 and 1). The stages call down to it, never to each other. */
#include "core/model/fit_impl.h"

#include <math.h>
#include <string.h>

double
hf_fit_clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

double
hf_fit_fgrad(fitctx *c, const double *x, double *g)
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
    hf_fit_fgrad(c, c->xt, c->gm);
    return c->gm[j];
}

/* The exact (analytic) Hessian of -log L restricted to the free parameters (nf x nf). */
int
hf_fit_hessian_free(fitctx *c, const double *x, double *H)
{
    size_t nf = c->nf, n = c->n;
    c->nfev++;
    c->lok = 0;
    double f = hf_model_hessian(c->ev, x, c->d, c->Hfull);
    if (!isfinite(f))
        return -1;
    for (size_t a = 0; a < nf; a++)
        for (size_t b = 0; b < nf; b++)
            H[a * nf + b] = c->Hfull[c->free_idx[a] * n + c->free_idx[b]];
    return 0;
}

void
hf_fit_active_set(fitctx *c)
{
    for (size_t a = 0; a < c->nf; a++) {
        size_t j = c->free_idx[a];
        c->gf[a] = c->g[j];
        /* active bound: the gradient pushes the parameter outwards */
        c->inact[a] =
            (c->x[j] <= c->lo[j] && c->gf[a] > 0) || (c->x[j] >= c->hi[j] && c->gf[a] < 0);
        if (c->kinked[j] && c->x[j] == 0.0) {
            /* on a kink (codes 0/1 at alpha = 0): g is the right derivative; take the left one
             * too. Both pointing inwards: the coordinate is optimal there, hold it. */
            double gl = left_derivative(c, j);
            if (c->gf[a] >= 0 && gl <= 0)
                c->inact[a] = 1;
            else if (c->gf[a] > 0 && gl > 0)
                c->gf[a] = gl; /* it will move left: the left branch's slope applies */
        }
    }
}
