/* core/model/model.c - compile a workspace into the flat model of core/model/model.h, following
 * pyhf 0.7's rules: parameter sets sorted by name, channels and samples sorted by name, staterror
 * combined per channel (sigma_b = sqrt(sum_s delta_sb^2) / sum_s nu0_sb, zero sigma => fixed),
 * shapesys Poisson constraints with tau_b = (nu0_b / delta_b)^2 (bins with nu0 or delta 0 fixed,
 * tau 1). */
#include "core/model/model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/jsonptr.h"
#include "core/json/nameset.h"

/* A reference to one modifier of one (channel, sample), for grouping by name. */
typedef struct modref {
    const char *name;
    const hf_ws_modifier *mod;
    size_t cs;
} modref;

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
cmp_chan(const void *a, const void *b)
{
    const hf_ws_channel *x = *(const hf_ws_channel *const *)a,
                        *y = *(const hf_ws_channel *const *)b;
    return strcmp(x->name, y->name);
}

/* Group refs[0..n) by name, keeping their order within a group (what a stable sort by name
 * gives, with the groups in the order of the names' ids; the sets are ordered afterwards anyway):
 * a counting sort on the ids the loader gave the names (hf_ws_modifier.name_id, < nid). -1 when
 * memory runs out. */
static int
group_refs(modref *refs, size_t n, size_t nid)
{
    size_t *start = nid < SIZE_MAX - 1 ? calloc(nid + 1, sizeof(*start)) : NULL;
    modref *out = malloc((n ? n : 1) * sizeof(*out));
    int rc = start != NULL && out != NULL ? 0 : -1;
    if (rc == 0) {
        for (size_t i = 0; i < n; i++)
            start[refs[i].mod->name_id + 1]++;
        for (size_t g = 0; g < nid; g++)
            start[g + 1] += start[g];
        for (size_t i = 0; i < n; i++)
            out[start[refs[i].mod->name_id]++] = refs[i];
        memcpy(refs, out, n * sizeof(*refs));
    }
    free(start);
    free(out);
    return rc;
}

typedef struct setorder {
    size_t ref0, nref;
    int rank;
    size_t first_cs;
    const char *name;
} setorder;

static int
cmp_setorder(const void *a, const void *b)
{
    const setorder *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->first_cs != y->first_cs)
        return x->first_cs < y->first_cs ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int
cmp_sample(const void *a, const void *b)
{
    const hf_ws_sample *x = *(const hf_ws_sample *const *)a, *y = *(const hf_ws_sample *const *)b;
    return strcmp(x->name, y->name);
}

void
hf_model_free(hf_model *m)
{
    if (m == NULL)
        return;
    free(m->chan);
    free(m->chan_off);
    free(m->chan_nbins);
    free(m->samp_name);
    free(m->cs);
    free(m->term);
    if (m->par != NULL)
        for (size_t i = 0; i < m->npar; i++)
            if (m->par[i].component >= 0)
                free((char *)m->par[i].name);
    free(m->par);
    free(m->set);
    free(m->obs);
    free(m->aux);
    free(m->init);
    free(m->fixed);
    free(m->warning);
    free(m);
}

/* Pointer to the measurement's parameter config entry `k` key `key` (for errors). */
static char *
config_pointer(const hf_ws_measurement *meas, const hf_ws_parconfig *pc, const char *key)
{
    hf_jsonptr jp;
    hf_jsonptr_init(&jp);
    hf_jsonptr_push_key(&jp, "measurements");
    hf_jsonptr_push_index(&jp, meas->jindex);
    hf_jsonptr_push_key(&jp, "config");
    hf_jsonptr_push_key(&jp, "parameters");
    hf_jsonptr_push_index(&jp, pc->jindex);
    if (key != NULL)
        hf_jsonptr_push_key(&jp, key);
    if (jp.oom) {
        hf_jsonptr_release(&jp);
        return NULL;
    }
    return jp.buf;
}

/* got == SIZE_MAX: the key is not used by this (unconstrained) parameter. */
static int
config_error(hf_error *err, const hf_ws_measurement *meas, const hf_ws_parconfig *pc,
             const char *key, size_t got, size_t want)
{
    char *where = config_pointer(meas, pc, key);
    if (where == NULL)
        return hf_error_nomem(err);
    if (got == SIZE_MAX)
        hf_error_set(err, HF_EMODEL, where, "unconstrained parameter '%s' takes no '%s'", pc->name,
                     key);
    else
        hf_error_set(err, HF_EMODEL, where, "%zu values in '%s', parameter '%s' has %zu", got, key,
                     pc->name, want);
    free(where);
    return -1;
}

/* Lay out channels, samples and (channel, sample) entries. */
static int
compile_layout(hf_model *m, hf_error *err)
{
    const hf_workspace *ws = m->ws;
    m->nchan = ws->nchan;
    m->chan = malloc(m->nchan * sizeof(const hf_ws_channel *));
    m->chan_off = malloc(m->nchan * sizeof(size_t));
    m->chan_nbins = malloc(m->nchan * sizeof(size_t));
    size_t maxs = 0;
    for (size_t c = 0; c < ws->nchan; c++)
        maxs += ws->chan[c].nsamples;
    m->samp_name = malloc(maxs * sizeof(char *));
    m->cs = calloc(maxs, sizeof(*m->cs));
    if (!m->chan || !m->chan_off || !m->chan_nbins || !m->samp_name || !m->cs)
        return hf_error_nomem(err);
    for (size_t c = 0; c < ws->nchan; c++)
        m->chan[c] = &ws->chan[c];
    qsort(m->chan, m->nchan, sizeof(const hf_ws_channel *), cmp_chan);
    size_t ns = 0;
    for (size_t c = 0; c < ws->nchan; c++)
        for (size_t s = 0; s < ws->chan[c].nsamples; s++)
            m->samp_name[ns++] = ws->chan[c].sample[s].name;
    qsort(m->samp_name, ns, sizeof(char *), cmp_str);
    m->nsamp = 0;
    for (size_t i = 0; i < ns; i++)
        if (m->nsamp == 0 || strcmp(m->samp_name[m->nsamp - 1], m->samp_name[i]) != 0)
            m->samp_name[m->nsamp++] = m->samp_name[i];

    const hf_ws_sample **sorted = malloc(maxs * sizeof(const hf_ws_sample *));
    if (sorted == NULL)
        return hf_error_nomem(err);
    size_t off = 0;
    m->ncs = 0;
    m->nys = 0;
    for (size_t c = 0; c < m->nchan; c++) {
        const hf_ws_channel *ch = m->chan[c];
        m->chan_off[c] = off;
        m->chan_nbins[c] = ch->nbins;
        for (size_t s = 0; s < ch->nsamples; s++)
            sorted[s] = &ch->sample[s];
        qsort(sorted, ch->nsamples, sizeof(const hf_ws_sample *), cmp_sample);
        for (size_t s = 0; s < ch->nsamples; s++) {
            hf_cs *e = &m->cs[m->ncs++];
            e->chan = c;
            e->src = sorted[s];
            const char **found =
                bsearch(&sorted[s]->name, m->samp_name, m->nsamp, sizeof(char *), cmp_str);
            e->samp = (size_t)(found - m->samp_name);
            e->off = off;
            e->nbins = ch->nbins;
            e->ys = m->nys;
            e->nom = sorted[s]->data;
            m->nys += ch->nbins;
        }
        off += ch->nbins;
    }
    free(sorted);
    m->nbins = off;
    m->obs = malloc(m->nbins * sizeof(double));
    if (m->obs == NULL)
        return hf_error_nomem(err);
    for (size_t c = 0; c < m->nchan; c++)
        memcpy(m->obs + m->chan_off[c], m->chan[c]->obs, m->chan_nbins[c] * sizeof(double));
    return 0;
}

/* The measurement's configuration of a parameter set (configs: its names, indexed), or NULL. */
static const hf_ws_parconfig *
find_config(const hf_ws_measurement *meas, const hf_nameset *configs, const char *name)
{
    size_t i;
    return hf_nameset_find(configs, name, &i) ? &meas->par[i] : NULL;
}

static int
is_perbin(hf_modtype t)
{
    return t == HF_MOD_SHAPEFACTOR || t == HF_MOD_STATERROR || t == HF_MOD_SHAPESYS;
}

/* The measurement's configuration pc of a set (first parameter `first`, `size` of them, type
 * t): list lengths must match the set's size (pyhf InvalidModel), then its values override the
 * defaults. */
static int
apply_config(hf_model *m, const hf_ws_parconfig *pc, size_t first, size_t size, hf_modtype t,
             hf_error *err)
{
    /* user configuration: lists must match the set's size (pyhf InvalidModel) */
    const struct {
        const char *key;
        size_t n;
    } lens[] = {{"inits", pc->ninits},
                {"bounds", pc->nbounds},
                {"auxdata", pc->naux},
                {"sigmas", pc->nsigmas},
                {"factors", pc->nfactors}};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
        if (lens[i].n != 0 && lens[i].n != size)
            return config_error(err, m->meas, pc, lens[i].key, lens[i].n, size);
    int constrained = m->par[first].con != HF_CON_NONE;
    if (!constrained && (pc->naux || pc->nsigmas))
        return config_error(err, m->meas, pc, pc->naux ? "auxdata" : "sigmas", SIZE_MAX, 0);
    for (size_t k = 0; k < size; k++) {
        hf_param *p = &m->par[first + k];
        if (pc->naux)
            p->aux = pc->auxdata[k];
        if (pc->nsigmas && p->con == HF_CON_GAUSS)
            p->sigma = pc->sigmas[k];
        if (pc->nfactors && p->con == HF_CON_POISSON) {
            p->tau = pc->factors[k];
            p->sigma = 1.0 / sqrt(p->tau);
        }
        if (t == HF_MOD_LUMI && pc->ninits == 0)
            p->init = p->aux;
        if (pc->ninits)
            p->init = pc->inits[k];
        if (pc->nbounds) {
            p->lo = pc->bounds[k][0];
            p->hi = pc->bounds[k][1];
        }
        if (pc->has_fixed)
            p->fixed = pc->fixed;
        if (p->init < p->lo || p->init > p->hi) {
            char *where = config_pointer(m->meas, pc, pc->nbounds ? "bounds" : "inits");
            if (where == NULL)
                return hf_error_nomem(err);
            hf_error_set(err, HF_EMODEL, where, "init %g of '%s' is outside its bounds [%g, %g]",
                         p->init, p->name, p->lo, p->hi);
            free(where);
            return -1;
        }
    }
    return 0;
}

/* Defaults for one parameter set from the modifiers that use it (refs[0..n)), then the
 * measurement's overrides. Fills m->par[first .. first+size). */
static int
compile_set(hf_model *m, const hf_nameset *configs, const modref *refs, size_t n, size_t first,
            size_t si, hf_error *err)
{
    unsigned types = 0;
    for (size_t i = 0; i < n; i++)
        types |= 1u << refs[i].mod->type;
    hf_modtype t = refs[0].mod->type;
    const hf_cs *cs0 = &m->cs[refs[0].cs];
    size_t size = is_perbin(t) ? cs0->nbins : 1;
    hf_parset *set = &m->set[si];
    set->name = refs[0].name;
    set->first = first;
    set->n = size;
    set->types = types;
    const hf_ws_parconfig *pc = find_config(m->meas, configs, set->name);

    for (size_t k = 0; k < size; k++) {
        hf_param *p = &m->par[first + k];
        p->set = set->name;
        p->set_index = si;
        p->types = types;
        p->component = is_perbin(t) ? (int)k : -1;
        if (p->component >= 0) {
            size_t len = strlen(set->name) + 24;
            char *nm = malloc(len);
            if (nm == NULL)
                return hf_error_nomem(err);
            snprintf(nm, len, "%s[%zu]", set->name, k);
            p->name = nm;
        } else {
            p->name = set->name;
        }
        p->sigma = 1.0;
        switch (t) {
        case HF_MOD_NORMFACTOR:
        case HF_MOD_SHAPEFACTOR:
            p->init = 1.0, p->lo = 0.0, p->hi = 10.0;
            p->con = HF_CON_NONE;
            break;
        case HF_MOD_NORMSYS:
        case HF_MOD_HISTOSYS:
            p->init = 0.0, p->lo = -5.0, p->hi = 5.0;
            p->con = HF_CON_GAUSS, p->aux = 0.0;
            break;
        case HF_MOD_LUMI:
            p->init = 1.0, p->lo = 0.0, p->hi = 10.0;
            p->con = HF_CON_GAUSS, p->aux = 1.0;
            break;
        case HF_MOD_STATERROR: {
            p->init = 1.0, p->lo = 1e-10, p->hi = 10.0;
            p->con = HF_CON_GAUSS, p->aux = 1.0;
            double nomsum = 0.0, var = 0.0;
            for (size_t i = 0; i < n; i++)
                nomsum += m->cs[refs[i].cs].nom[k];
            for (size_t i = 0; i < n; i++)
                if (nomsum > 0)
                    var += (refs[i].mod->data[k] / nomsum) * (refs[i].mod->data[k] / nomsum);
            p->sigma = sqrt(var);
            if (p->sigma == 0.0) {
                p->sigma = 1.0; /* pyhf: fixed, with a harmless unit-width constraint */
                p->fixed = true;
            }
            break;
        }
        case HF_MOD_SHAPESYS: {
            p->init = 1.0, p->lo = 1e-10, p->hi = 10.0;
            p->con = HF_CON_POISSON;
            double nom = cs0->nom[k], unc = refs[0].mod->data[k];
            if (nom > 0 && unc > 0) {
                p->tau = nom * nom / (unc * unc);
            } else {
                p->tau = 1.0;
                p->fixed = true;
            }
            p->aux = p->tau;
            p->sigma = 1.0 / sqrt(p->tau);
            break;
        }
        case HF_MOD_COUNT:
            break;
        }
    }
    if (t == HF_MOD_LUMI && (pc == NULL || pc->naux == 0 || pc->nsigmas == 0)) {
        /* point at the parameter's entry when it exists, else at the list */
        char *where = pc != NULL ? config_pointer(m->meas, pc, NULL) : NULL;
        char list[80];
        snprintf(list, sizeof(list), "/measurements/%zu/config/parameters", m->meas->jindex);
        hf_error_set(err, HF_EMODEL, where != NULL ? where : list,
                     "lumi parameter '%s' needs 'auxdata' and 'sigmas' in the measurement config",
                     set->name);
        free(where);
        return -1;
    }
    return pc == NULL ? 0 : apply_config(m, pc, first, size, t, err);
}

static int
term_order(hf_modtype t)
{
    switch (t) {
    case HF_MOD_NORMFACTOR:
    case HF_MOD_LUMI:
    case HF_MOD_NORMSYS:
        return 0; /* scalar multiplicative */
    case HF_MOD_SHAPEFACTOR:
    case HF_MOD_STATERROR:
    case HF_MOD_SHAPESYS:
        return 1; /* per-bin multiplicative */
    default:
        return 2; /* additive */
    }
}

/* Fill m->set and m->par in the given order; the measurement's configurations are looked up
 * by name through a name set. */
static int
compile_sets(hf_model *m, const modref *refs, const setorder *order, hf_error *err)
{
    hf_nameset configs;
    hf_nameset_init(&configs);
    for (size_t i = 0; i < m->meas->npar; i++)
        if (hf_nameset_add(&configs, m->meas->par[i].name, i, NULL) < 0) {
            hf_nameset_release(&configs);
            return hf_error_nomem(err);
        }
    size_t first = 0;
    int rc = 0;
    for (size_t si = 0; si < m->nset && rc == 0; si++) {
        rc = compile_set(m, &configs, refs + order[si].ref0, order[si].nref, first, si, err);
        first += m->set[si].n;
    }
    hf_nameset_release(&configs);
    return rc;
}

/* Terms: for each (channel, sample), its modifiers in evaluation order (scalar, per-bin,
 * additive), each pointing at its set's first parameter (set_of: the set of each name id). */
static int
compile_terms(hf_model *m, size_t nref, const size_t *set_of, hf_error *err)
{
    m->term = calloc(nref ? nref : 1, sizeof(*m->term));
    if (m->term == NULL)
        return hf_error_nomem(err);
    size_t nt = 0;
    for (size_t i = 0; i < m->ncs; i++) {
        hf_cs *e = &m->cs[i];
        e->term0 = nt;
        for (int pass = 0; pass < 3; pass++) {
            for (size_t k = 0; k < e->src->nmod; k++) {
                const hf_ws_modifier *mod = &e->src->mod[k];
                if (term_order(mod->type) != pass)
                    continue;
                hf_term *t = &m->term[nt++];
                t->type = mod->type;
                t->src = mod;
                t->par = m->set[set_of[mod->name_id]].first;
                if (mod->type == HF_MOD_NORMSYS) {
                    hf_interp_code4_coef(mod->lo, mod->hi, t->coef);
                    t->lnlo = log(mod->lo);
                    t->lnhi = log(mod->hi);
                }
                if (pass == 0)
                    e->nscal++;
                else if (pass == 1)
                    e->nbinf++;
            }
        }
        e->nterm = nt - e->term0;
    }
    m->nterm = nt;
    return 0;
}

/* The pointer of the first modifier called name in the workspace (indexes only, so a fixed
 * buffer holds it); only for an error, so a scan. */
static void
modifier_pointer(const hf_workspace *ws, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "/channels");
    for (size_t c = 0; c < ws->nchan; c++)
        for (size_t k = 0; k < ws->chan[c].nsamples; k++)
            for (size_t q = 0; q < ws->chan[c].sample[k].nmod; q++)
                if (strcmp(ws->chan[c].sample[k].mod[q].name, name) == 0) {
                    snprintf(buf, n, "/channels/%zu/samples/%zu/modifiers/%zu", ws->chan[c].jindex,
                             ws->chan[c].sample[k].jindex, ws->chan[c].sample[k].mod[q].jindex);
                    return;
                }
}

/* Parameter names must be unique, or --fix, --poi and the results are ambiguous: a per-bin set
 * "st" names its parameters "st[0]", "st[1]", ..., which a modifier called "st[1]" would repeat.
 * The error names both modifiers. */
static int
check_param_names(hf_model *m, hf_error *err)
{
    hf_nameset seen;
    hf_nameset_init(&seen);
    int rc = 0;
    for (size_t si = 0; si < m->nset && rc == 0; si++) {
        for (size_t k = 0; k < m->set[si].n && rc == 0; k++) {
            size_t prev = 0;
            int r = hf_nameset_add(&seen, m->par[m->set[si].first + k].name, si, &prev);
            if (r < 0) {
                rc = hf_error_nomem(err);
            } else if (r == 0) {
                char a[96], b[96];
                modifier_pointer(m->ws, m->set[prev].name, a, sizeof(a));
                modifier_pointer(m->ws, m->set[si].name, b, sizeof(b));
                rc = hf_error_set(err, HF_EMODEL, b,
                                  "parameter '%s' of modifier '%s' has the name of a parameter "
                                  "of modifier '%s' (%s)",
                                  m->par[m->set[si].first + k].name, m->set[si].name,
                                  m->set[prev].name, a);
            }
        }
    }
    hf_nameset_release(&seen);
    return rc;
}

static int
compile_params(hf_model *m, hf_error *err)
{
    size_t nref = 0;
    for (size_t i = 0; i < m->ncs; i++)
        nref += m->cs[i].src->nmod;
    modref *refs = malloc((nref ? nref : 1) * sizeof(*refs));
    if (refs == NULL)
        return hf_error_nomem(err);
    size_t r = 0;
    for (size_t i = 0; i < m->ncs; i++)
        for (size_t k = 0; k < m->cs[i].src->nmod; k++)
            refs[r++] = (modref){m->cs[i].src->mod[k].name, &m->cs[i].src->mod[k], i};
    size_t nid = m->ws->nmodnames;
    if (group_refs(refs, nref, nid) < 0) {
        free(refs);
        return hf_error_nomem(err);
    }

    /* group by name into sets, then order the sets as pyhf 0.7 registers them: by builder
     * (histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror), within a builder
     * by first appearance walking channels, samples and modifiers in sorted order (staterror:
     * by name). A set shared by histosys and normsys sits with histosys. */
    static const int builder_rank[HF_MOD_COUNT] = {
        [HF_MOD_HISTOSYS] = 0,  [HF_MOD_LUMI] = 1,        [HF_MOD_NORMFACTOR] = 2,
        [HF_MOD_NORMSYS] = 3,   [HF_MOD_SHAPEFACTOR] = 4, [HF_MOD_SHAPESYS] = 5,
        [HF_MOD_STATERROR] = 6,
    };
    size_t nset = 0, npar = 0;
    for (size_t i = 0; i < nref; i++) {
        if (i > 0 && refs[i].mod->name_id == refs[i - 1].mod->name_id)
            continue;
        nset++;
        npar += is_perbin(refs[i].mod->type) ? m->cs[refs[i].cs].nbins : 1;
    }
    setorder *order = malloc((nset ? nset : 1) * sizeof(*order));
    size_t *set_of = malloc((nid ? nid : 1) * sizeof(*set_of));
    m->set = calloc(nset ? nset : 1, sizeof(*m->set));
    m->par = calloc(npar ? npar : 1, sizeof(*m->par));
    if (order == NULL || set_of == NULL || m->set == NULL || m->par == NULL) {
        free(order);
        free(set_of);
        free(refs);
        return hf_error_nomem(err);
    }
    size_t ns = 0;
    for (size_t i = 0; i < nref;) {
        size_t j = i + 1;
        int rank = builder_rank[refs[i].mod->type];
        while (j < nref && refs[j].mod->name_id == refs[i].mod->name_id) {
            if (builder_rank[refs[j].mod->type] < rank)
                rank = builder_rank[refs[j].mod->type];
            j++;
        }
        size_t first_cs = SIZE_MAX;
        for (size_t q = i; q < j; q++)
            if (builder_rank[refs[q].mod->type] == rank && refs[q].cs < first_cs)
                first_cs = refs[q].cs;
        order[ns++] = (setorder){
            i, j - i, rank, rank == builder_rank[HF_MOD_STATERROR] ? 0 : first_cs, refs[i].name};
        i = j;
    }
    qsort(order, nset, sizeof(*order), cmp_setorder);
    m->nset = nset;
    m->npar = npar;
    int rc = compile_sets(m, refs, order, err);
    if (rc == 0)
        rc = check_param_names(m, err);
    for (size_t si = 0; si < nset; si++)
        set_of[refs[order[si].ref0].mod->name_id] = si;
    free(order);
    if (rc == 0)
        rc = compile_terms(m, nref, set_of, err);
    free(set_of);
    free(refs);
    return rc;
}

int
hf_model_find_par(const hf_model *m, const char *name)
{
    for (size_t i = 0; i < m->npar; i++)
        if (strcmp(m->par[i].name, name) == 0)
            return (int)i;
    /* a per-bin set's name finds its first component */
    for (size_t s = 0; s < m->nset; s++)
        if (strcmp(m->set[s].name, name) == 0)
            return (int)m->set[s].first;
    return -1;
}

int
hf_model_find_channel(const hf_model *m, const char *name)
{
    for (size_t c = 0; c < m->nchan; c++)
        if (strcmp(m->chan[c]->name, name) == 0)
            return (int)c;
    return -1;
}

/* Make `name` the POI; NULL or a missing name leaves the model without one (-1 on a bad name
 * only when `strict`). */
static int
set_poi(hf_model *m, const char *name, int strict, hf_error *err)
{
    m->poi = -1;
    free(m->warning);
    m->warning = NULL;
    int i = -1;
    for (size_t s = 0; s < m->nset; s++) {
        if (strcmp(m->set[s].name, name) == 0) {
            if (m->set[s].n != 1)
                return hf_error_set(err, HF_EUSAGE, "",
                                    "'%s' has %zu components and cannot be the POI", name,
                                    m->set[s].n);
            i = (int)m->set[s].first;
        }
    }
    if (i < 0) {
        if (strict)
            return hf_error_set(err, HF_EUSAGE, "", "no parameter named '%s' for the POI", name);
#define POI_WARNING                                                                                \
    "measurement '%s' names POI '%s', which is not a parameter of the model: continuing "          \
    "without a POI (use --poi NAME)"
        int n = snprintf(NULL, 0, POI_WARNING, m->meas->name, name);
        m->warning = malloc((size_t)n + 1);
        if (m->warning == NULL)
            return hf_error_nomem(err);
        snprintf(m->warning, (size_t)n + 1, POI_WARNING, m->meas->name, name);
#undef POI_WARNING
        return 0;
    }
    m->poi = i;
    return 0;
}

int
hf_model_set_poi(hf_model *m, const char *name, hf_error *err)
{
    return set_poi(m, name, 1, err);
}

/* Compile ws for one measurement. The model borrows ws (keep it alive). NULL on error. */
hf_model *
hf_model_compile(const hf_workspace *ws, const hf_model_options *opt, hf_error *err)
{
    hf_model *m = calloc(1, sizeof(*m));
    if (m == NULL) {
        hf_error_nomem(err);
        return NULL;
    }
    m->ws = ws;
    m->poi = -1;
    m->normsys_code = opt != NULL ? opt->normsys_code : HF_INTERP_CODE4;
    m->histosys_code = opt != NULL ? opt->histosys_code : HF_INTERP_CODE4P;
    const char *mname = opt != NULL ? opt->measurement : NULL;
    m->meas = hf_workspace_measurement(ws, mname);
    if (m->meas == NULL) {
        hf_error_set(err, HF_EUSAGE, "/measurements", "no measurement named '%s'", mname);
        goto fail;
    }
    if (compile_layout(m, err) < 0 || compile_params(m, err) < 0)
        goto fail;
    m->aux = calloc(m->npar ? m->npar : 1, sizeof(double));
    m->init = calloc(m->npar ? m->npar : 1, sizeof(double));
    m->fixed = calloc(m->npar ? m->npar : 1, sizeof(bool));
    if (m->aux == NULL || m->init == NULL || m->fixed == NULL) {
        hf_error_nomem(err);
        goto fail;
    }
    m->ncon = 0;
    for (size_t i = 0; i < m->npar; i++) {
        m->aux[i] = m->par[i].aux;
        m->init[i] = m->par[i].init;
        m->fixed[i] = m->par[i].fixed;
        m->ncon += m->par[i].con != HF_CON_NONE;
        m->par[i].lognorm = log(m->par[i].sigma) + 0.91893853320467274178;
    }
    if (opt != NULL && opt->poi != NULL) {
        if (set_poi(m, opt->poi, 1, err) < 0)
            goto fail;
    } else if (set_poi(m, m->meas->poi, 0, err) < 0) {
        goto fail;
    }
    return m;
fail:
    hf_model_free(m);
    return NULL;
}

hf_data
hf_model_data(const hf_model *m)
{
    return (hf_data){m->obs, m->aux};
}

bool
hf_param_prior(const hf_param *p, double *centre, double *width)
{
    switch (p->con) {
    case HF_CON_GAUSS:
        *centre = p->aux;
        *width = p->sigma;
        return true;
    case HF_CON_POISSON:
        *centre = p->aux / p->tau;
        *width = 1.0 / sqrt(p->tau);
        return true;
    case HF_CON_NONE:
        break;
    }
    *centre = p->init;
    *width = 0.0;
    return false;
}
