/* core/diag/gof.c - saturated-model goodness of fit and the channel-compatibility test. */
#include "core/diag/gof.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag/decorrelate.h"
#include "core/stats.h"

int
hf_gof_saturated(const hf_model *m, const hf_data *d, const hf_fit_result *fit, hf_gof *out,
                 hf_error *err)
{
    memset(out, 0, sizeof(*out));
    out->nchan = m->nchan;
    out->nbins = m->nbins;
    out->chan_diff = calloc(m->nchan + 1, sizeof(double));
    out->bin_diff = calloc(m->nbins + 1, sizeof(double));
    double *nu = malloc((m->nbins + 1) * sizeof(*nu));
    if (out->chan_diff == NULL || out->bin_diff == NULL || nu == NULL ||
        hf_model_expected(m, fit->x, nu, NULL) < 0) {
        free(nu);
        hf_gof_release(out);
        return hf_error_nomem(err);
    }
    double total = 0;
    long nfit = (long)m->nbins;
    for (size_t c = 0; c < m->nchan; c++) {
        for (size_t b = m->chan_off[c]; b < m->chan_off[c] + m->chan_nbins[c]; b++) {
            if (m->mask != NULL && m->mask[b]) { /* not in the fit: no term, no degree */
                nfit--;
                continue;
            }
            out->bin_diff[b] = hf_stats_poisson_deviance(d->main[b], nu[b]);
            out->chan_diff[c] += out->bin_diff[b];
        }
        total += out->chan_diff[c];
    }
    free(nu);

    /* constraint terms: the saturated model puts each auxiliary expectation on its datum */
    size_t nfree = 0, nfree_con = 0;
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        if (!fit->fixed[j]) {
            nfree++;
            nfree_con += p->con != HF_CON_NONE;
        }
        if (p->con == HF_CON_GAUSS) {
            double z = (d->aux[j] - fit->x[j]) / p->sigma;
            out->aux_diff += z * z;
        } else if (p->con == HF_CON_POISSON) {
            out->aux_diff += hf_stats_poisson_deviance(d->aux[j], fit->x[j] * p->tau);
        }
    }
    total += out->aux_diff;
    out->twice_nll_diff = total;
    long dof = nfit + (long)nfree_con - (long)nfree;
    out->ndof = dof > 0 ? (size_t)dof : 0;
    out->p_value = hf_stats_chi2_pvalue(total, out->ndof);
    return 0;
}

double
hf_gof_constraint_offset(const hf_model *m, const hf_data *d)
{
    double off = 0;
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        double a = d->aux[j];
        if (p->con == HF_CON_GAUSS)
            off += log(p->sigma) + 0.5 * log(2 * M_PI); /* -log N(a | a, sigma) */
        else if (p->con == HF_CON_POISSON)
            off += (a > 0 ? a - a * log(a) : 0) + lgamma(a + 1); /* -log Pois(a | a) */
    }
    return off;
}

void
hf_gof_release(hf_gof *g)
{
    if (g == NULL)
        return;
    free(g->chan_diff);
    free(g->bin_diff);
    memset(g, 0, sizeof(*g));
}

/* Likelihood-ratio test of one POI per channel against the common POI: under the hypothesis of
 * one common value, 2 (NLL_common - NLL_split) follows chi2 with (channels - 1) dof (Wilks). */
int
hf_gof_compatibility(const hf_workspace *ws, const hf_model_options *mopt, const hf_model *m,
                     const hf_fit_result *common, hf_gof_compat *out, hf_error *err)
{
    memset(out, 0, sizeof(*out));
    if (m->poi < 0)
        return hf_error_set(err, HF_EUSAGE, "", "the compatibility test needs a POI");
    const char *poi = m->par[m->poi].name;
    hf_decorrelation dec;
    if (hf_decorrelate_apply(ws->doc, poi, HF_DECOR_CHANNEL, NULL, &dec, err) < 0)
        return -1;
    int rc = -1;
    hf_workspace *ws2 = NULL;
    hf_model *m2 = NULL;
    hf_fit_result res = {0};
    bool have_res = false;
    out->poi = strdup(poi);
    out->ch = calloc(dec.nsplit + 1, sizeof(*out->ch));
    if (out->poi == NULL || out->ch == NULL) {
        hf_error_nomem(err);
        goto done;
    }
    cJSON *doc = dec.workspace;
    dec.workspace = NULL; /* hf_workspace_from_json takes ownership */
    ws2 = hf_workspace_from_json(doc, ws->path, err);
    if (ws2 == NULL)
        goto done;
    hf_model_options o2 = {0};
    if (mopt != NULL)
        o2 = *mopt;
    o2.poi = dec.split[0].name;
    m2 = hf_model_compile(ws2, &o2, err);
    if (m2 == NULL)
        goto done;
    hf_data d2 = hf_model_data(m2);
    if (hf_fit(m2, &d2, NULL, &res, err) < 0)
        goto done;
    have_res = true;
    out->converged = res.converged;
    for (size_t i = 0; i < dec.nsplit; i++) {
        hf_gof_channel *c = &out->ch[out->n];
        int j = hf_model_find_par(m2, dec.split[i].name);
        c->channel = strdup(dec.split[i].group);
        c->name = strdup(dec.split[i].name);
        out->n++;
        if (c->channel == NULL || c->name == NULL) {
            hf_error_nomem(err);
            goto done;
        }
        c->value = j >= 0 ? res.x[j] : NAN;
        c->error = j >= 0 && res.err != NULL ? res.err[j] : NAN;
    }
    out->twice_nll_common = common->twice_nll;
    out->twice_nll_split = res.twice_nll;
    hf_data d1 = hf_model_data(m);
    out->twice_nll_diff = (common->twice_nll - 2 * hf_gof_constraint_offset(m, &d1)) -
                          (res.twice_nll - 2 * hf_gof_constraint_offset(m2, &d2));
    out->ndof = dec.nsplit > 0 ? dec.nsplit - 1 : 0;
    out->p_value = hf_stats_chi2_pvalue(out->twice_nll_diff, out->ndof);
    rc = 0;
done:
    if (have_res)
        hf_fit_result_release(&res);
    hf_model_free(m2);
    hf_workspace_free(ws2);
    hf_decorrelate_release(&dec);
    if (rc < 0)
        hf_gof_compat_release(out);
    return rc;
}

void
hf_gof_compat_release(hf_gof_compat *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->ch[i].channel);
        free(c->ch[i].name);
    }
    free(c->ch);
    free(c->poi);
    memset(c, 0, sizeof(*c));
}
