/* core/diag/systematics.c - effects of two-point systematics (normsys + histosys) per parameter,
 * channel and sample, their flags, and symmetrisation / pruning of the JSON document. */
#include "core/diag/systematics.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWO_POINT ((1u << HF_MOD_NORMSYS) | (1u << HF_MOD_HISTOSYS))

/* Combined templates: nominal plus every histosys delta, times every normsys factor, at +-1. */
unsigned
hf_systematics_templates(const hf_model *m, size_t par, size_t cs, double *nom, double *up,
                         double *down)
{
    const hf_cs *c = &m->cs[cs];
    unsigned types = 0;
    double fup = 1.0, fdn = 1.0;
    for (size_t b = 0; b < c->nbins; b++) {
        nom[b] = c->nom[b];
        up[b] = c->nom[b];
        down[b] = c->nom[b];
    }
    for (size_t t = c->term0; t < c->term0 + c->nterm; t++) {
        const hf_term *tm = &m->term[t];
        if (tm->par != par || !((1u << tm->type) & TWO_POINT))
            continue;
        types |= 1u << tm->type;
        if (tm->type == HF_MOD_NORMSYS) {
            fup *= tm->src->hi;
            fdn *= tm->src->lo;
        } else {
            for (size_t b = 0; b < c->nbins; b++) {
                up[b] += tm->src->hi_data[b] - c->nom[b];
                down[b] += tm->src->lo_data[b] - c->nom[b];
            }
        }
    }
    for (size_t b = 0; b < c->nbins; b++) {
        up[b] *= fup;
        down[b] *= fdn;
    }
    return types;
}

double
hf_systematics_yield_at(const hf_model *m, size_t par, size_t cs, size_t bin, hf_interp_code code,
                        double alpha)
{
    const hf_cs *c = &m->cs[cs];
    double nom = c->nom[bin], y = nom, f = 1.0;
    for (size_t t = c->term0; t < c->term0 + c->nterm; t++) {
        const hf_term *tm = &m->term[t];
        if (tm->par != par)
            continue;
        if (tm->type == HF_MOD_NORMSYS)
            f *= hf_interp(code, 1.0, tm->src->lo, tm->src->hi, alpha, NULL);
        else if (tm->type == HF_MOD_HISTOSYS)
            y += hf_interp(code, nom, tm->src->lo_data[bin], tm->src->hi_data[bin], alpha, NULL) -
                 nom;
    }
    return y * f;
}

const char *
hf_systematics_flag_names(unsigned flags, char *buf, size_t size)
{
    static const char *const names[] = {"one-sided", "tiny", "large", "single-bin"};
    size_t len = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!(flags & (1u << i)))
            continue;
        int n = snprintf(buf + len, size - len, "%s%s", len > 0 ? "," : "", names[i]);
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
    }
    return buf;
}

/* Fill one entry from the combined templates. */
static void
measure(hf_systematics_entry *e, size_t nbins, const double *nom, const double *up,
        const double *down, const hf_systematics_options *o)
{
    double snom = 0, sup = 0, sdn = 0, wsum = 0, wsame = 0, wmax = -1;
    for (size_t b = 0; b < nbins; b++) {
        snom += nom[b];
        sup += up[b];
        sdn += down[b];
        double du = up[b] - nom[b], dd = down[b] - nom[b];
        double w = fabs(du) + fabs(dd);
        wsum += w;
        if (du * dd >= 0) /* same side, or only one variation */
            wsame += w;
        if (w > wmax) {
            wmax = w;
            e->max_bin = b;
        }
    }
    e->nominal = snom;
    e->norm_up = snom != 0 ? sup / snom - 1.0 : 0.0;
    e->norm_down = snom != 0 ? sdn / snom - 1.0 : 0.0;
    e->shape_up = e->shape_down = 0;
    for (size_t b = 0; b < nbins; b++) {
        if (nom[b] == 0)
            continue;
        if (1.0 + e->norm_up != 0)
            e->shape_up = fmax(e->shape_up, fabs(up[b] / nom[b] / (1.0 + e->norm_up) - 1.0));
        if (1.0 + e->norm_down != 0)
            e->shape_down =
                fmax(e->shape_down, fabs(down[b] / nom[b] / (1.0 + e->norm_down) - 1.0));
    }
    double an = fabs(e->norm_up) + fabs(e->norm_down);
    e->asymmetry = an > 0 ? (e->norm_up + e->norm_down) / an : 0.0;
    e->same_side = wsum > 0 ? wsame / wsum : 0.0;
    e->max_bin_share = wsum > 0 ? wmax / wsum : 0.0;

    double nmax = fmax(fabs(e->norm_up), fabs(e->norm_down));
    double smax = fmax(e->shape_up, e->shape_down);
    e->flags = 0;
    if (wsum > 0 && e->same_side > 0.5)
        e->flags |= HF_SYST_ONE_SIDED;
    if (nmax < o->tiny && smax < o->tiny)
        e->flags |= HF_SYST_TINY;
    if (nmax > o->large || smax > o->large)
        e->flags |= HF_SYST_LARGE;
    if (nbins >= 3 && wsum > 0 && e->max_bin_share > o->single_bin && !(e->flags & HF_SYST_TINY))
        e->flags |= HF_SYST_SINGLE_BIN;
}

/* Effects of every normsys/histosys parameter on every sample it touches. Entries are ordered by
 * parameter, then channel, then sample. Returns 0, or -1 with err set (out left empty). */
int
hf_systematics_analyze(const hf_model *m, const hf_systematics_options *opt, hf_systematics *out,
                       hf_error *err)
{
    hf_systematics_options o = {0};
    if (opt != NULL)
        o = *opt;
    if (o.tiny <= 0)
        o.tiny = 1e-3;
    if (o.large <= 0)
        o.large = 0.5;
    if (o.single_bin <= 0)
        o.single_bin = 0.8;
    out->n = 0;
    out->e = NULL;

    int want_par = -1, want_chan = -1;
    if (o.np != NULL && (want_par = hf_model_find_par(m, o.np)) < 0)
        return hf_error_set(err, HF_EUSAGE, "", "no parameter \"%s\"", o.np);
    if (o.channel != NULL && (want_chan = hf_model_find_channel(m, o.channel)) < 0)
        return hf_error_set(err, HF_EUSAGE, "", "no channel \"%s\"", o.channel);

    size_t maxbins = 1;
    for (size_t i = 0; i < m->nchan; i++)
        if (m->chan_nbins[i] > maxbins)
            maxbins = m->chan_nbins[i];
    double *buf = malloc(3 * maxbins * sizeof(*buf));
    size_t cap = 0;
    hf_systematics_entry *e = NULL;
    if (buf == NULL)
        return hf_error_nomem(err);

    for (size_t p = 0; p < m->npar; p++) {
        if (!(m->par[p].types & TWO_POINT) || (want_par >= 0 && (size_t)want_par != p))
            continue;
        for (size_t c = 0; c < m->ncs; c++) {
            const hf_cs *cs = &m->cs[c];
            if (want_chan >= 0 && cs->chan != (size_t)want_chan)
                continue;
            double *nom = buf, *up = buf + maxbins, *dn = buf + 2 * maxbins;
            unsigned types = hf_systematics_templates(m, p, c, nom, up, dn);
            if (types == 0)
                continue;
            if (out->n == cap) {
                size_t ncap = cap ? 2 * cap : 64;
                hf_systematics_entry *ne = realloc(e, ncap * sizeof(*ne));
                if (ne == NULL) {
                    free(e);
                    free(buf);
                    out->n = 0;
                    return hf_error_nomem(err);
                }
                e = ne;
                cap = ncap;
            }
            hf_systematics_entry *en = &e[out->n++];
            memset(en, 0, sizeof(*en));
            en->par = p;
            en->cs = c;
            en->types = types;
            measure(en, cs->nbins, nom, up, dn, &o);
        }
    }
    free(buf);
    out->e = e;
    return 0;
}

void
hf_systematics_release(hf_systematics *s)
{
    if (s == NULL)
        return;
    free(s->e);
    s->e = NULL;
    s->n = 0;
}

int
hf_systematics_parse_symmetrize(const char *s, hf_symmetrize *mode)
{
    if (strcmp(s, "one-sided") == 0)
        *mode = HF_SYMM_ONE_SIDED;
    else if (strcmp(s, "two-sided") == 0)
        *mode = HF_SYMM_TWO_SIDED;
    else if (strcmp(s, "max") == 0)
        *mode = HF_SYMM_MAX;
    else if (strcmp(s, "none") == 0)
        *mode = HF_SYMM_NONE;
    else
        return -1;
    return 0;
}

/* Symmetrise one up/down pair around nom (TRExFitter's ONESIDED / TWOSIDED / MAXIMUM). */
static void
symm_pair(hf_symmetrize mode, double nom, double *up, double *down)
{
    double du = *up - nom, dd = *down - nom, d;
    switch (mode) {
    case HF_SYMM_ONE_SIDED:
        d = du;
        break;
    case HF_SYMM_TWO_SIDED:
        d = (du - dd) / 2.0;
        break;
    case HF_SYMM_MAX:
        d = fmax(fabs(du), fabs(dd));
        if (du < 0 || (du == 0 && dd > 0))
            d = -d;
        break;
    default:
        return;
    }
    *up = nom + d;
    *down = nom - d;
}

/* The numbers of a JSON array into dst (n entries); -1 if the array does not match. */
static int
json_numbers(const cJSON *arr, double *dst, size_t n)
{
    if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != n)
        return -1;
    size_t i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsNumber(it))
            return -1;
        dst[i++] = it->valuedouble;
    }
    return 0;
}

static void
json_set_numbers(cJSON *arr, const double *v)
{
    size_t i = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        cJSON_SetNumberValue(it, v[i]);
        i++;
    }
}

static const char *
json_str(const cJSON *obj, const char *key)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(s) ? s->valuestring : NULL;
}

/* Symmetrise (and decide pruning of) one modifier. Returns 1 when the modifier should be
 * pruned, 0 to keep, -1 on a malformed modifier (pointer in err). */
static int
transform_modifier(cJSON *mod, const double *nom, size_t nbins, hf_systematics_transform *tr,
                   double *work, const char *where, hf_error *err)
{
    const char *type = json_str(mod, "type");
    cJSON *data = cJSON_GetObjectItemCaseSensitive(mod, "data");
    if (type == NULL)
        return 0;
    if (strcmp(type, "normsys") == 0) {
        cJSON *hi = cJSON_GetObjectItemCaseSensitive(data, "hi");
        cJSON *lo = cJSON_GetObjectItemCaseSensitive(data, "lo");
        if (!cJSON_IsNumber(hi) || !cJSON_IsNumber(lo))
            return hf_error_set(err, HF_ESCHEMA, where, "normsys data needs numbers hi and lo");
        double h = hi->valuedouble, l = lo->valuedouble;
        bool one_sided = (h - 1.0) * (l - 1.0) >= 0 && (h != 1.0 || l != 1.0);
        if (tr->symmetrize != HF_SYMM_NONE && (!tr->only_one_sided || one_sided)) {
            symm_pair(tr->symmetrize, 1.0, &h, &l);
            /* a factor mirrored through zero is no valid normsys: use the mirror in log space */
            if (l <= 0 && h > 0)
                l = 1.0 / h;
            else if (h <= 0 && l > 0)
                h = 1.0 / l;
            if (h != hi->valuedouble || l != lo->valuedouble) {
                cJSON_SetNumberValue(hi, h);
                cJSON_SetNumberValue(lo, l);
                tr->nsymmetrized++;
            }
        }
        return tr->prune > 0 && fmax(fabs(h - 1.0), fabs(l - 1.0)) < tr->prune;
    }
    if (strcmp(type, "histosys") == 0) {
        cJSON *hi = cJSON_GetObjectItemCaseSensitive(data, "hi_data");
        cJSON *lo = cJSON_GetObjectItemCaseSensitive(data, "lo_data");
        double *up = work, *dn = work + nbins;
        if (json_numbers(hi, up, nbins) < 0 || json_numbers(lo, dn, nbins) < 0)
            return hf_error_set(err, HF_ESCHEMA, where,
                                "histosys hi_data and lo_data need %zu numbers", nbins);
        double wsame = 0, wsum = 0;
        for (size_t b = 0; b < nbins; b++) {
            double du = up[b] - nom[b], dd = dn[b] - nom[b], w = fabs(du) + fabs(dd);
            wsum += w;
            if (du * dd >= 0) /* same side, or only one variation */
                wsame += w;
        }
        bool one_sided = wsum > 0 && wsame > 0.5 * wsum;
        if (tr->symmetrize != HF_SYMM_NONE && (!tr->only_one_sided || one_sided)) {
            bool changed = false;
            for (size_t b = 0; b < nbins; b++) {
                double u = up[b], d = dn[b];
                symm_pair(tr->symmetrize, nom[b], &up[b], &dn[b]);
                changed |= u != up[b] || d != dn[b];
            }
            if (changed) {
                json_set_numbers(hi, up);
                json_set_numbers(lo, dn);
                tr->nsymmetrized++;
            }
        }
        if (tr->prune <= 0)
            return 0;
        for (size_t b = 0; b < nbins; b++) {
            double d = fmax(fabs(up[b] - nom[b]), fabs(dn[b] - nom[b]));
            /* relative to the nominal; an empty nominal bin with any variation is not tiny */
            if (nom[b] != 0 ? d / fabs(nom[b]) >= tr->prune : d > 0)
                return 0;
        }
        return 1;
    }
    return 0;
}

/* Add every modifier name of doc to a cJSON object used as a set. */
static int
collect_names(const cJSON *doc, cJSON *set)
{
    const cJSON *ch, *s, *md;
    cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(doc, "channels"))
    {
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(ch, "samples"))
        {
            cJSON_ArrayForEach(md, cJSON_GetObjectItemCaseSensitive(s, "modifiers"))
            {
                const char *n = json_str(md, "name");
                if (n != NULL && !cJSON_HasObjectItem(set, n) &&
                    cJSON_AddTrueToObject(set, n) == NULL)
                    return -1;
            }
        }
    }
    return 0;
}

/* Remove the measurement parameter configurations of parameters that `before` had and `doc`
 * lost (configurations of parameters that were never used stay as they were). */
static int
drop_unused_configs(const cJSON *before, cJSON *doc, size_t *nremoved)
{
    cJSON *set = cJSON_CreateObject(), *old = cJSON_CreateObject();
    if (set == NULL || old == NULL || collect_names(doc, set) < 0 ||
        collect_names(before, old) < 0) {
        cJSON_Delete(set);
        cJSON_Delete(old);
        return -1;
    }
    cJSON *meas;
    cJSON_ArrayForEach(meas, cJSON_GetObjectItemCaseSensitive(doc, "measurements"))
    {
        cJSON *cfg = cJSON_GetObjectItemCaseSensitive(meas, "config");
        cJSON *pars = cJSON_GetObjectItemCaseSensitive(cfg, "parameters");
        if (!cJSON_IsArray(pars))
            continue;
        for (int i = cJSON_GetArraySize(pars) - 1; i >= 0; i--) {
            const char *n = json_str(cJSON_GetArrayItem(pars, i), "name");
            if (n != NULL && cJSON_HasObjectItem(old, n) && !cJSON_HasObjectItem(set, n)) {
                cJSON_DeleteItemFromArray(pars, i);
                (*nremoved)++;
            }
        }
    }
    cJSON_Delete(set);
    cJSON_Delete(old);
    return 0;
}

/* Symmetrise then prune the normsys/histosys modifiers of a copy of doc (see the header). */
cJSON *
hf_systematics_apply(const cJSON *doc, hf_systematics_transform *tr, hf_error *err)
{
    tr->nsymmetrized = tr->npruned = tr->nparams_removed = 0;
    cJSON *out = cJSON_Duplicate(doc, 1);
    if (out == NULL) {
        hf_error_nomem(err);
        return NULL;
    }
    double *nom = NULL, *work = NULL;
    char where[96];
    int ci = 0;
    cJSON *ch;
    cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(out, "channels"))
    {
        const char *cname = json_str(ch, "name");
        bool chan_ok = tr->channel == NULL || (cname != NULL && strcmp(cname, tr->channel) == 0);
        int si = 0;
        cJSON *s;
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(ch, "samples"))
        {
            cJSON *sdata = cJSON_GetObjectItemCaseSensitive(s, "data");
            size_t nb = cJSON_IsArray(sdata) ? (size_t)cJSON_GetArraySize(sdata) : 0;
            (void)snprintf(where, sizeof(where), "/channels/%d/samples/%d/data", ci, si);
            free(nom);
            free(work);
            nom = malloc((nb ? nb : 1) * sizeof(*nom));
            work = malloc((nb ? 2 * nb : 1) * sizeof(*work));
            if (nom == NULL || work == NULL) {
                hf_error_nomem(err);
                goto fail;
            }
            if (json_numbers(sdata, nom, nb) < 0) {
                hf_error_set(err, HF_ESCHEMA, where, "sample data must be an array of numbers");
                goto fail;
            }
            cJSON *mods = cJSON_GetObjectItemCaseSensitive(s, "modifiers");
            for (int k = cJSON_IsArray(mods) ? cJSON_GetArraySize(mods) - 1 : -1; k >= 0; k--) {
                cJSON *md = cJSON_GetArrayItem(mods, k);
                const char *mname = json_str(md, "name");
                if (!chan_ok || (tr->np != NULL && (mname == NULL || strcmp(mname, tr->np) != 0)))
                    continue;
                (void)snprintf(where, sizeof(where), "/channels/%d/samples/%d/modifiers/%d", ci, si,
                               k);
                int r = transform_modifier(md, nom, nb, tr, work, where, err);
                if (r < 0)
                    goto fail;
                if (r == 1) {
                    cJSON_DeleteItemFromArray(mods, k);
                    tr->npruned++;
                }
            }
            si++;
        }
        ci++;
    }
    free(nom);
    free(work);
    if (tr->npruned > 0 && drop_unused_configs(doc, out, &tr->nparams_removed) < 0) {
        cJSON_Delete(out);
        hf_error_nomem(err);
        return NULL;
    }
    return out;
fail:
    free(nom);
    free(work);
    cJSON_Delete(out);
    return NULL;
}
