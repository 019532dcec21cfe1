/* core/diag/constraints.c - Fisher information of each constrained parameter at the best fit, split
 * into the auxiliary term and the channels' and bins' contributions; pulls and sigma ratios. */
#include "core/diag/constraints.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Diagonal expected Fisher information at theta_hat (Cowan et al., EPJC 71 (2011) 1554, eq. 18
 * with the Poisson main measurement): I_jj = sum_b (dnu_b/dtheta_j)^2 / nu_b + I_aux,j, where
 * I_aux = 1/sigma^2 for a Gaussian constraint and tau/gamma for Pois(a | gamma tau).
 * Returns 0 or -1 with err set. */
int
hf_constraints_compute(const hf_model *m, const hf_fit_result *fit,
                       const hf_constraints_options *opt, hf_constraints *out, hf_error *err)
{
    hf_constraints_options o = {0};
    if (opt != NULL)
        o = *opt;
    if (o.over_threshold <= 0)
        o.over_threshold = 0.5;
    memset(out, 0, sizeof(*out));
    out->nchan = m->nchan;
    out->nbins = m->nbins;

    size_t n = 0;
    for (size_t j = 0; j < m->npar; j++)
        if (m->par[j].con != HF_CON_NONE && !fit->fixed[j])
            n++;
    double *nu = malloc((m->nbins ? m->nbins : 1) * sizeof(*nu));
    double *jac = malloc((m->nbins * m->npar + 1) * sizeof(*jac));
    out->p = calloc(n ? n : 1, sizeof(*out->p));
    out->chan_share = calloc(n * m->nchan + 1, sizeof(double));
    if (o.bins)
        out->bin_share = calloc(n * m->nbins + 1, sizeof(double));
    if (nu == NULL || jac == NULL || out->p == NULL || out->chan_share == NULL ||
        (o.bins && out->bin_share == NULL)) {
        free(nu);
        free(jac);
        hf_constraints_release(out);
        return hf_error_nomem(err);
    }
    hf_model_expected(m, fit->x, nu, NULL);
    hf_model_jacobian(m, fit->x, jac);

    size_t k = 0;
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *pj = &m->par[j];
        if (pj->con == HF_CON_NONE || fit->fixed[j])
            continue;
        hf_constraints_par *e = &out->p[k];
        double *cs = &out->chan_share[k * m->nchan];
        double *bs = o.bins ? &out->bin_share[k * m->nbins] : NULL;
        e->par = j;
        e->value = fit->x[j];
        if (pj->con == HF_CON_GAUSS) {
            e->prefit_sigma = pj->sigma;
            e->fisher_aux = 1.0 / (pj->sigma * pj->sigma);
            e->pull = (fit->x[j] - m->aux[j]) / pj->sigma;
        } else {
            /* Pois(tau | gamma tau): aux datum tau at gamma = 1, prior width 1/sqrt(tau) */
            e->prefit_sigma = pj->sigma > 0 ? pj->sigma : 1.0 / sqrt(pj->tau);
            e->fisher_aux = fit->x[j] > 0 ? pj->tau / fit->x[j] : pj->tau;
            e->pull = (fit->x[j] - 1.0) / e->prefit_sigma;
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
        e->postfit_sigma = fit->err != NULL ? fit->err[j] : NAN;
        e->ratio = e->prefit_sigma > 0 ? e->postfit_sigma / e->prefit_sigma : NAN;
        e->over_constrained = e->ratio < o.over_threshold;
        k++;
    }
    out->n = k;
    free(nu);
    free(jac);
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
