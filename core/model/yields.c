/* core/model/yields.c - expected yields at a parameter point with linearly propagated
 * uncertainties (J C J^T), the prior variances behind pre-fit bands, the slider's rescale and
 * the per-channel deviance. */
#include "core/model/yields.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"

void
hf_yields_free(hf_yields *y)
{
    if (!y)
        return;
    free(y->pars);
    free(y->nu);
    free(y->nu_err);
    free(y->ys);
    free(y->ys_err);
    free(y->cs_tot);
    free(y->cs_err);
    free(y->chan_tot);
    free(y->chan_err);
    free(y);
}

/* Variances of the prior: sigma^2 for constrained, non-fixed parameters, else 0. Caller frees;
 * NULL on ENOMEM. */
double *
hf_yields_prior_variances(const hf_model *m)
{
    double *v = calloc(m->npar ? m->npar : 1, sizeof *v);
    size_t j;

    if (!v)
        return NULL;
    for (j = 0; j < m->npar; j++) {
        double centre, width;
        bool fixed = m->fixed ? m->fixed[j] : m->par[j].fixed;
        if (hf_param_prior(&m->par[j], &centre, &width) && !fixed && isfinite(width))
            v[j] = width * width;
    }
    return v;
}

/* r C r^T for one Jacobian row r, using only its non-zero entries (rows are sparse: a bin
 * depends on the few parameters that modify its samples). idx is scratch of npar entries. */
static double
quad(const double *r, size_t npar, const double *cov, const double *var, size_t *idx)
{
    size_t j, k, l, nz = 0;
    double s = 0;

    for (j = 0; j < npar; j++)
        if (r[j] != 0)
            idx[nz++] = j;
    if (!cov) {
        for (k = 0; k < nz; k++)
            s += r[idx[k]] * r[idx[k]] * var[idx[k]];
        return s;
    }
    for (k = 0; k < nz; k++) {
        const double *row = cov + idx[k] * npar;
        double t = 0;
        for (l = 0; l < nz; l++)
            t += row[idx[l]] * r[idx[l]];
        s += r[idx[k]] * t;
    }
    return s;
}

static double
sqrt0(double v)
{
    return v > 0 ? sqrt(v) : 0;
}

/* Returns the yields at pars with uncertainties from cov (NULL: prior), NULL with err on ENOMEM.
 * Linear error propagation: Var(f) = J C J^T with J = d f / d theta (analytic, from the model). */
hf_yields *
hf_yields_compute(const hf_model *m, const double *pars, const double *cov, hf_error *err)
{
    hf_yields *y = calloc(1, sizeof *y);
    size_t np = m->npar ? m->npar : 1, nb = m->nbins ? m->nbins : 1, ny = m->nys ? m->nys : 1;
    double *jac = NULL, *jys = NULL, *var = NULL, *row = NULL;
    size_t *idx = NULL;
    hf_eval *ev = NULL;
    size_t b, k, c, j;

    if (!y)
        goto nomem;
    y->m = m;
    y->pars = malloc(np * sizeof *y->pars);
    y->nu = calloc(nb, sizeof *y->nu);
    y->nu_err = calloc(nb, sizeof *y->nu_err);
    y->ys = calloc(ny, sizeof *y->ys);
    y->ys_err = calloc(ny, sizeof *y->ys_err);
    y->cs_tot = calloc(m->ncs ? m->ncs : 1, sizeof *y->cs_tot);
    y->cs_err = calloc(m->ncs ? m->ncs : 1, sizeof *y->cs_err);
    y->chan_tot = calloc(m->nchan ? m->nchan : 1, sizeof *y->chan_tot);
    y->chan_err = calloc(m->nchan ? m->nchan : 1, sizeof *y->chan_err);
    jac = malloc(nb * np * sizeof *jac);
    jys = malloc(ny * np * sizeof *jys);
    row = malloc(np * sizeof *row);
    idx = malloc(np * sizeof *idx);
    var = cov ? NULL : hf_yields_prior_variances(m);
    ev = hf_eval_new(m);
    if (!y->pars || !y->nu || !y->nu_err || !y->ys || !y->ys_err || !y->cs_tot || !y->cs_err ||
        !y->chan_tot || !y->chan_err || !jac || !jys || !row || !idx || (!cov && !var) || !ev)
        goto nomem;
    if (m->npar)
        memcpy(y->pars, pars, m->npar * sizeof *pars);
    hf_eval_jacobians(ev, pars, y->nu, y->ys, jac, jys);
    hf_eval_free(ev);
    ev = NULL;

    for (b = 0; b < m->nbins; b++)
        y->nu_err[b] = sqrt0(quad(jac + b * m->npar, m->npar, cov, var, idx));
    for (k = 0; k < m->nys; k++)
        y->ys_err[k] = sqrt0(quad(jys + k * m->npar, m->npar, cov, var, idx));
    /* sums over bins: the Jacobian of a sum is the sum of the rows (bins are correlated) */
    for (k = 0; k < m->ncs; k++) {
        const hf_cs *cs = &m->cs[k];
        memset(row, 0, m->npar * sizeof *row);
        for (b = 0; b < cs->nbins; b++) {
            y->cs_tot[k] += y->ys[cs->ys + b];
            for (j = 0; j < m->npar; j++)
                row[j] += jys[(cs->ys + b) * m->npar + j];
        }
        y->cs_err[k] = sqrt0(quad(row, m->npar, cov, var, idx));
    }
    for (c = 0; c < m->nchan; c++) {
        memset(row, 0, m->npar * sizeof *row);
        for (b = m->chan_off[c]; b < m->chan_off[c] + m->chan_nbins[c]; b++) {
            y->chan_tot[c] += y->nu[b];
            for (j = 0; j < m->npar; j++)
                row[j] += jac[b * m->npar + j];
        }
        y->chan_err[c] = sqrt0(quad(row, m->npar, cov, var, idx));
    }
    free(jac);
    free(jys);
    free(var);
    free(row);
    free(idx);
    return y;
nomem:
    hf_eval_free(ev);
    free(jac);
    free(jys);
    free(var);
    free(row);
    free(idx);
    hf_yields_free(y);
    hf_error_nomem(err);
    return NULL;
}

/* Zero yields for model m, to be filled by hf_yields_rescale (the explorer's live slider).
 * NULL with err on ENOMEM; free with hf_yields_free. */
hf_yields *
hf_yields_new(const hf_model *m, hf_error *err)
{
    hf_yields *y = calloc(1, sizeof *y);

    if (!y) {
        hf_error_nomem(err);
        return NULL;
    }
    y->m = m;
    y->pars = calloc(m->npar ? m->npar : 1, sizeof *y->pars);
    y->nu = calloc(m->nbins ? m->nbins : 1, sizeof *y->nu);
    y->nu_err = calloc(m->nbins ? m->nbins : 1, sizeof *y->nu_err);
    y->ys = calloc(m->nys ? m->nys : 1, sizeof *y->ys);
    y->ys_err = calloc(m->nys ? m->nys : 1, sizeof *y->ys_err);
    y->cs_tot = calloc(m->ncs ? m->ncs : 1, sizeof *y->cs_tot);
    y->cs_err = calloc(m->ncs ? m->ncs : 1, sizeof *y->cs_err);
    y->chan_tot = calloc(m->nchan ? m->nchan : 1, sizeof *y->chan_tot);
    y->chan_err = calloc(m->nchan ? m->nchan : 1, sizeof *y->chan_err);
    if (!y->pars || !y->nu || !y->nu_err || !y->ys || !y->ys_err || !y->cs_tot || !y->cs_err ||
        !y->chan_tot || !y->chan_err) {
        hf_yields_free(y);
        hf_error_nomem(err);
        return NULL;
    }
    return y;
}

/* err_i = base_err_i |now_i / base_i| (unchanged where base_i = 0). */
static double
scaled(double base_err, double base, double now)
{
    return base != 0 ? base_err * fabs(now / base) : base_err;
}

/* Fills y (from hf_yields_new or _compute, same model as base) with the values nu, ys at pars
 * and base's uncertainties scaled to them: the relative band is kept, because recomputing
 * J C J^T costs npar^2 per bin and the relative band barely moves within a few sigma. Allocates
 * nothing, so it may run on every step of a slider. */
void
hf_yields_rescale(hf_yields *y, const hf_yields *base, const double *pars, const double *nu,
                  const double *ys)
{
    const hf_model *m = y->m;
    size_t i, k, c, b;

    memcpy(y->pars, pars, m->npar * sizeof *pars);
    memcpy(y->nu, nu, m->nbins * sizeof *nu);
    memcpy(y->ys, ys, m->nys * sizeof *ys);
    for (i = 0; i < m->nbins; i++)
        y->nu_err[i] = scaled(base->nu_err[i], base->nu[i], y->nu[i]);
    for (i = 0; i < m->nys; i++)
        y->ys_err[i] = scaled(base->ys_err[i], base->ys[i], y->ys[i]);
    for (k = 0; k < m->ncs; k++) {
        const hf_cs *cs = &m->cs[k];
        double s = 0;
        for (b = 0; b < cs->nbins; b++)
            s += y->ys[cs->ys + b];
        y->cs_tot[k] = s;
        y->cs_err[k] = scaled(base->cs_err[k], base->cs_tot[k], s);
    }
    for (c = 0; c < m->nchan; c++) {
        double s = 0;
        for (b = 0; b < m->chan_nbins[c]; b++)
            s += y->nu[m->chan_off[c] + b];
        y->chan_tot[c] = s;
        y->chan_err[c] = scaled(base->chan_err[c], base->chan_tot[c], s);
    }
}

/* Poisson deviance of channel c's observed counts against the yields (hf_stats_deviance_sum). */
double
hf_yields_deviance(const hf_yields *y, size_t c)
{
    const hf_model *m = y->m;
    size_t off = m->chan_off[c];

    return hf_stats_deviance_sum(m->obs + off, y->nu + off, m->chan_nbins[c]);
}
