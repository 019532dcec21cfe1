/* core/model/blind.c - blinded bins and fit masks: the signal-over-background rule, channel
 * lists, and the parameters a mask leaves without a say. */
#include "core/model/blind.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

bool
hf_blind_is_signal(const hf_model *m, size_t k)
{
    const hf_cs *cs = &m->cs[k];
    const char *nm = m->samp_name[cs->samp];

    if (m->poi >= 0) {
        for (size_t t = cs->term0; t < cs->term0 + cs->nterm; t++)
            if (m->term[t].type == HF_MOD_NORMFACTOR && m->term[t].par == (size_t)m->poi)
                return true;
        return false;
    }
    for (; *nm; nm++)
        if ((nm[0] == 's' || nm[0] == 'S') && (nm[1] == 'i' || nm[1] == 'I') &&
            (nm[2] == 'g' || nm[2] == 'G'))
            return true;
    return false;
}

bool
hf_blind_is_control(const char *name)
{
    return (name[0] == 'C' || name[0] == 'c') && (name[1] == 'R' || name[1] == 'r');
}

int
hf_blind_channels(const hf_model *m, const char *list, bool *flags, hf_error *err)
{
    if (list == NULL)
        return 0;
    char *copy = strdup(list), *save = NULL;
    if (copy == NULL)
        return hf_error_nomem(err);
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL && rc == 0;
         tok = strtok_r(NULL, ",", &save)) {
        size_t hit = 0;
        for (size_t c = 0; c < m->nchan; c++)
            if (fnmatch(tok, m->chan[c]->name, 0) == 0) {
                hit++;
                for (size_t b = 0; b < m->chan_nbins[c]; b++)
                    flags[m->chan_off[c] + b] = true;
            }
        if (hit == 0)
            rc = hf_error_set(err, HF_EUSAGE, tok, "no channel matches '%s'", tok);
    }
    free(copy);
    return rc;
}

double
hf_blind_poi_bonly(const hf_model *m)
{
    if (m->poi < 0)
        return 0;
    double lo = m->par[m->poi].lo;
    return lo > 0 ? lo : 0;
}

/* blinded[b] for every bin outside the control regions whose signal (at the suggested init)
 * is above thr of the background at the background-only point. 0 or -1 (ENOMEM). */
static int
blind_by_signal(const hf_model *m, double thr, bool *blinded)
{
    size_t nb = m->nbins + 1;
    double *sig = calloc(nb, sizeof *sig), *nu = malloc(nb * sizeof *nu);
    double *ys = malloc((m->nys + 1) * sizeof *ys), *pars = malloc((m->npar + 1) * sizeof *pars);
    hf_eval *ev = hf_eval_new(m);
    int rc = -1;

    if (sig == NULL || nu == NULL || ys == NULL || pars == NULL || ev == NULL)
        goto out;
    hf_eval_expected(ev, m->init, nu, ys);
    for (size_t k = 0; k < m->ncs; k++)
        if (hf_blind_is_signal(m, k))
            for (size_t b = 0; b < m->cs[k].nbins; b++)
                sig[m->cs[k].off + b] += ys[m->cs[k].ys + b];
    /* the background: everything at the background-only point (signal then vanishes when the
     * POI's lower bound is 0) minus what signal remains there */
    memcpy(pars, m->init, m->npar * sizeof *pars);
    if (m->poi >= 0)
        pars[m->poi] = hf_blind_poi_bonly(m);
    hf_eval_expected(ev, pars, nu, ys);
    for (size_t k = 0; k < m->ncs; k++)
        if (hf_blind_is_signal(m, k))
            for (size_t b = 0; b < m->cs[k].nbins; b++)
                nu[m->cs[k].off + b] -= ys[m->cs[k].ys + b];
    for (size_t c = 0; c < m->nchan; c++) {
        if (hf_blind_is_control(m->chan[c]->name))
            continue; /* control regions stay open */
        for (size_t b = m->chan_off[c]; b < m->chan_off[c] + m->chan_nbins[c]; b++)
            if (sig[b] > 0 && (nu[b] <= 0 || sig[b] > thr * nu[b]))
                blinded[b] = true;
    }
    rc = 0;
out:
    hf_eval_free(ev);
    free(sig);
    free(nu);
    free(ys);
    free(pars);
    return rc;
}

long
hf_blind_bins(const hf_model *m, const hf_blind_options *o, bool *blinded, hf_error *err)
{
    double thr = o->threshold > 0 ? o->threshold : HF_BLIND_THRESHOLD;
    long n = 0;

    if (o->by_signal && blind_by_signal(m, thr, blinded) < 0)
        return hf_error_nomem(err);
    if (hf_blind_channels(m, o->channels, blinded, err) < 0)
        return -1;
    for (size_t b = 0; b < m->nbins; b++)
        n += blinded[b];
    return n;
}

long
hf_blind_idle_params(const hf_model *m, bool *idle)
{
    bool *seen = calloc(m->npar + 1, sizeof *seen), *used = calloc(m->npar + 1, sizeof *used);
    long n = 0;

    if (seen == NULL || used == NULL) {
        free(seen);
        free(used);
        return -1;
    }
    for (size_t k = 0; k < m->ncs; k++) {
        const hf_cs *e = &m->cs[k];
        const bool *mk = m->mask != NULL ? m->mask + e->off : NULL;
        for (size_t i = 0; i < e->nterm; i++) {
            const hf_term *T = &m->term[e->term0 + i];
            bool perbin = i >= e->nscal && i < e->nscal + e->nbinf;
            for (size_t b = 0; b < e->nbins; b++) {
                size_t j = perbin ? T->par + b : T->par;
                used[j] = true;
                seen[j] = seen[j] || mk == NULL || !mk[b];
            }
        }
    }
    for (size_t j = 0; j < m->npar; j++) {
        idle[j] = used[j] && !seen[j] && m->par[j].con == HF_CON_NONE;
        n += idle[j];
    }
    free(seen);
    free(used);
    return n;
}
