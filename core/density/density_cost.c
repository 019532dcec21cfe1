/* core/density/density_cost.c - the density lab's comparison at equal compute: closed forms for the
 * simulation and generative strategies, their crossings and the generative strategy's gain
 * (derivations in core/density/density.h, next to hf_density_cost). */
#include <math.h>

#include "core/density/density.h"

double
hf_density_cost_sim_mse(const hf_density_cost *c, double sum_pq, double t)
{
    return t > 0 ? sum_pq * c->c_sim / t : INFINITY;
}

double
hf_density_cost_gen_mse(const hf_density_cost *c, double t)
{
    if (!(t > c->t_start))
        return NAN;
    return c->floor + c->sampling_coef * c->c_gen / (t - c->t_start);
}

/* Compute the generative strategy needs to reach MSE eps (simulation needs K / eps). */
static double
t_gen_at(const hf_density_cost *c, double S, double eps)
{
    return eps > c->floor ? c->t_start + S / (eps - c->floor) : INFINITY;
}

/* Crossings, peak saving and peak ratio (see the header). */
void
hf_density_cost_solve(hf_density_cost *c, double sum_pq)
{
    double A = c->floor, t0 = c->t_start;
    double K = sum_pq * c->c_sim, S = c->sampling_coef * c->c_gen;
    c->cross_lo = c->cross_hi = NAN;
    c->max_saving = c->saving_mse = NAN;
    c->best_ratio = c->ratio_mse = NAN;
    if (!(K > 0) || !(S >= 0) || !isfinite(A))
        return;
    if (A <= 0) {
        /* no floor measured (bias and variance below the noise): the generative strategy would
         * win from its one crossing on; the quadratic degenerates to (K - S) t = K t0 */
        if (K > S)
            c->cross_lo = K * t0 / (K - S), c->cross_hi = INFINITY;
        return;
    }
    /* gen ahead where f(t) = A t^2 - b t + K t0 < 0; f(t0) = S t0 >= 0, so both roots lie past
     * t0 exactly when the vertex b / 2A does. Solved in units of u = t / t0 (costs of any
     * magnitude): A u^2 - (A + k - s) u + k = 0 with k = K / t0, s = S / t0. */
    if (t0 > 0) {
        double k = K / t0, s = S / t0, b = A + k - s, disc = b * b - 4.0 * A * k;
        if (disc > 0 && b / (2.0 * A) > 1.0) {
            /* the stable pair: q = (b + sqrt disc) / 2, roots q / A and k / q */
            double qq = 0.5 * (b + sqrt(disc));
            c->cross_hi = t0 * qq / A;
            c->cross_lo = t0 * k / qq;
        }
    }
    /* t_sim - t_gen = K/eps - t0 - S/(eps - A) peaks where (eps - A)/eps = sqrt(S/K) */
    double rho = sqrt(S / K);
    if (rho < 1) {
        double eps = A / (1.0 - rho);
        c->saving_mse = eps;
        c->max_saving = (sqrt(K) - sqrt(S)) * (sqrt(K) - sqrt(S)) / A - t0;
    }
    /* t_sim / t_gen has no such simple peak: scan eps on a log grid over (A, A + 1e6 K / t0) */
    double lo = log(A * (1 + 1e-9)), hi = log(A + 1e6 * (K / fmax(t0, 1e-300) + S + A));
    double best = -1, at = NAN;
    for (int i = 0; i <= 4000; i++) {
        double eps = exp(lo + (hi - lo) * i / 4000.0);
        double ratio = K / eps / t_gen_at(c, S, eps);
        if (ratio > best)
            best = ratio, at = eps;
    }
    c->best_ratio = best;
    c->ratio_mse = at;
}
