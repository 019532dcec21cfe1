/* core/diag/lint.c - the lint checks. Each walks the loaded workspace and adds findings whose
 * pointers are rebuilt from the jindex positions the loader keeps. Thresholds are documented in
 * docs/json.md (lint) and in hf_lint_options. */
#include "core/diag/lint.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lintctx {
    const hf_workspace *ws;
    const hf_ws_measurement *meas;
    hf_lint_options opt;
    hf_lint *out;
    bool oom;
} lintctx;

static char *HF_PRINTF(2, 3) afmt(lintctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = hf_vformat(fmt, ap);
    va_end(ap);
    char *a = s != NULL ? hf_arena_strdup(&c->out->arena, s) : NULL;
    free(s);
    if (a == NULL)
        c->oom = true;
    return a;
}

/* Whether a finding of this code and key (a modifier name) exists: then it counts one more
 * place and nothing new is added, so a systematic that is one-sided on 300 samples is one
 * finding, not 300. */
static bool
merged(lintctx *c, hf_lint_severity sev, const char *code, const char *key)
{
    hf_lint *l = c->out;
    for (size_t i = 0; i < l->n; i++)
        if (l->f[i].key != NULL && l->f[i].code == code && strcmp(l->f[i].key, key) == 0) {
            l->f[i].count++;
            if (sev > l->f[i].severity)
                l->f[i].severity = sev;
            return true;
        }
    return false;
}

/* A finding; one with the key (a modifier name) of an earlier one of the same code only counts
 * there, so a systematic that is one-sided on 300 samples is one finding, not 300. */
static void
add_keyed(lintctx *c, hf_lint_severity sev, const char *code, const char *key, char *pointer,
          char *message)
{
    hf_lint *l = c->out;
    if (c->oom || pointer == NULL || message == NULL) {
        c->oom = true;
        return;
    }

    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        hf_lint_finding *f = realloc(l->f, cap * sizeof(*f));
        if (f == NULL) {
            c->oom = true;
            return;
        }
        l->f = f;
        l->cap = cap;
    }
    l->f[l->n++] = (hf_lint_finding){sev, code, pointer, message, 1, key};
}

static void
add(lintctx *c, hf_lint_severity sev, const char *code, char *pointer, char *message)
{
    add_keyed(c, sev, code, NULL, pointer, message);
}

/* "/channels/C/samples/S" (+ "/modifiers/M" when m != NULL) */
static char *
mod_ptr(lintctx *c, const hf_ws_channel *ch, const hf_ws_sample *s, const hf_ws_modifier *m,
        const char *tail)
{
    if (m == NULL)
        return afmt(c, "/channels/%zu/samples/%zu%s", ch->jindex, s->jindex, tail);
    return afmt(c, "/channels/%zu/samples/%zu/modifiers/%zu%s", ch->jindex, s->jindex, m->jindex,
                tail);
}

/* Keyed on the modifier name: the first place is reported, the others counted. */
#define ADD_MOD(sev, code, ptr, ...)                                                               \
    do {                                                                                           \
        if (!merged(c, sev, code, m->name))                                                        \
            add_keyed(c, sev, code, m->name, ptr, afmt(c, __VA_ARGS__));                           \
    } while (0)

/* normsys: factors on the same side of 1 (both at least `tiny` away), effects beyond the
 * plausible size (factors <= 0 the loader already rejects). */
static void
check_normsys(lintctx *c, const hf_ws_channel *ch, const hf_ws_sample *s, const hf_ws_modifier *m)
{
    double big = c->opt.large, tiny = c->opt.tiny;
    if ((m->hi - 1.0) * (m->lo - 1.0) > 0 && fabs(m->hi - 1.0) >= tiny && fabs(m->lo - 1.0) >= tiny)
        ADD_MOD(HF_LINT_WARNING, "normsys_same_side", mod_ptr(c, ch, s, m, "/data"),
                "normsys '%s' on '%s' in '%s' moves the yield the same way up (%g) and down (%g)",
                m->name, s->name, ch->name, m->hi, m->lo);
    if (fabs(m->hi - 1.0) > big || fabs(m->lo - 1.0) > big)
        ADD_MOD(HF_LINT_WARNING, "implausible_effect", mod_ptr(c, ch, s, m, "/data"),
                "normsys '%s' on '%s' in '%s' changes the yield by more than %g%% (hi %g, lo %g)",
                m->name, s->name, ch->name, 100 * big, m->hi, m->lo);
}

/* histosys: every changed bin moved the same way by both templates (by at least `tiny` of the
 * nominal somewhere), a bin changed by more than the plausible size. */
static void
check_histosys(lintctx *c, const hf_ws_channel *ch, const hf_ws_sample *s, const hf_ws_modifier *m)
{
    bool same = true, changes = false, visible = false;
    size_t worst = 0;
    double worst_rel = 0;
    for (size_t b = 0; b < ch->nbins; b++) {
        double nom = s->data[b], du = m->hi_data[b] - nom, dd = m->lo_data[b] - nom;
        if (du != 0 || dd != 0) {
            changes = true;
            same &= du * dd > 0;
            visible |= nom > 0 && fmin(fabs(du), fabs(dd)) >= c->opt.tiny * nom;
        }
        double rel = nom > 0 ? fmax(fabs(du), fabs(dd)) / nom : 0;
        if (rel > worst_rel) {
            worst_rel = rel;
            worst = b;
        }
    }
    if (changes && same && visible)
        ADD_MOD(HF_LINT_WARNING, "histosys_same_side", mod_ptr(c, ch, s, m, "/data"),
                "histosys '%s' on '%s' in '%s' moves every changed bin the same way up and down",
                m->name, s->name, ch->name);
    if (worst_rel > c->opt.large)
        ADD_MOD(HF_LINT_WARNING, "implausible_effect",
                afmt(c, "/channels/%zu/samples/%zu/modifiers/%zu/data/hi_data/%zu", ch->jindex,
                     s->jindex, m->jindex, worst),
                "histosys '%s' on '%s' in '%s' changes bin %zu by %.0f%% of its nominal", m->name,
                s->name, ch->name, worst, 100 * worst_rel);
}

/* staterror / shapesys uncertainties that are zero or negative where the sample is not empty. */
static void
check_stat(lintctx *c, const hf_ws_channel *ch, const hf_ws_sample *s, const hf_ws_modifier *m)
{
    for (size_t b = 0; b < ch->nbins; b++) {
        double u = m->data[b];
        if (u > 0 || (u == 0 && s->data[b] <= 0))
            continue;
        bool err = u < 0;
        ADD_MOD(err ? HF_LINT_ERROR : HF_LINT_WARNING, "stat_nonpositive",
                afmt(c, "/channels/%zu/samples/%zu/modifiers/%zu/data/%zu", ch->jindex, s->jindex,
                     m->jindex, b),
                "%s '%s' on '%s' in '%s' has uncertainty %g in bin %zu where the yield is %g%s",
                hf_modtype_name(m->type), m->name, s->name, ch->name, u, b, s->data[b],
                u == 0 ? ": that bin gets no usable constraint" : ": a negative width");
    }
}

/* Whether a histosys changes any bin. */
static bool
histo_changes(const hf_ws_channel *ch, const hf_ws_sample *s, const hf_ws_modifier *m)
{
    for (size_t b = 0; b < ch->nbins; b++)
        if (m->hi_data[b] != s->data[b] || m->lo_data[b] != s->data[b])
            return true;
    return false;
}

/* Two histosys on one sample with different names and the same (non-trivial) templates. */
static void
check_dup_effect(lintctx *c, const hf_ws_channel *ch, const hf_ws_sample *s, size_t k)
{
    const hf_ws_modifier *m = &s->mod[k];
    if (m->type != HF_MOD_HISTOSYS || !histo_changes(ch, s, m))
        return;
    for (size_t j = 0; j < k; j++) {
        const hf_ws_modifier *o = &s->mod[j];
        if (o->type != m->type || strcmp(o->name, m->name) == 0)
            continue;
        bool eq = true;
        for (size_t b = 0; eq && b < ch->nbins; b++)
            eq = o->hi_data[b] == m->hi_data[b] && o->lo_data[b] == m->lo_data[b];
        if (eq) {
            ADD_MOD(HF_LINT_WARNING, "near_duplicate_modifier", mod_ptr(c, ch, s, m, ""),
                    "histosys '%s' on '%s' in '%s' has the same templates as '%s': one effect "
                    "counted twice?",
                    m->name, s->name, ch->name, o->name);
            return;
        }
    }
}

static bool
sample_has_poi(const hf_ws_sample *s, const char *poi)
{
    for (size_t k = 0; poi != NULL && k < s->nmod; k++)
        if (strcmp(s->mod[k].name, poi) == 0 &&
            (s->mod[k].type == HF_MOD_NORMFACTOR || s->mod[k].type == HF_MOD_SHAPEFACTOR))
            return true;
    return false;
}

/* All-zero samples, signal bins without background, and the per-modifier checks. */
static void
check_samples(lintctx *c)
{
    const char *poi = c->meas != NULL ? c->meas->poi : NULL;
    for (size_t i = 0; i < c->ws->nchan; i++) {
        const hf_ws_channel *ch = &c->ws->chan[i];
        for (size_t j = 0; j < ch->nsamples; j++) {
            const hf_ws_sample *s = &ch->sample[j];
            bool zero = true;
            for (size_t b = 0; b < ch->nbins; b++)
                zero &= s->data[b] == 0;
            if (zero)
                add(c, HF_LINT_WARNING, "all_zero_sample", mod_ptr(c, ch, s, NULL, "/data"),
                    afmt(c, "sample '%s' in '%s' is zero in every bin", s->name, ch->name));
            for (size_t k = 0; k < s->nmod; k++) {
                const hf_ws_modifier *m = &s->mod[k];
                if (m->type == HF_MOD_NORMSYS)
                    check_normsys(c, ch, s, m);
                else if (m->type == HF_MOD_HISTOSYS)
                    check_histosys(c, ch, s, m);
                else if (m->type == HF_MOD_STATERROR || m->type == HF_MOD_SHAPESYS)
                    check_stat(c, ch, s, m);
                check_dup_effect(c, ch, s, k);
            }
        }
        for (size_t b = 0; b < ch->nbins; b++) {
            double sig = 0, bkg = 0;
            size_t sj = 0;
            for (size_t j = 0; j < ch->nsamples; j++) {
                if (sample_has_poi(&ch->sample[j], poi)) {
                    if (ch->sample[j].data[b] > sig)
                        sj = j;
                    sig += ch->sample[j].data[b];
                } else {
                    bkg += ch->sample[j].data[b];
                }
            }
            if (sig > 0 && bkg <= 0)
                add(c, HF_LINT_WARNING, "signal_without_background",
                    afmt(c, "/channels/%zu/samples/%zu/data/%zu", ch->jindex, ch->sample[sj].jindex,
                         b),
                    afmt(c,
                         "bin %zu of '%s' has signal (%g) and no background: the likelihood "
                         "there depends on the signal alone",
                         b, ch->name, sig));
        }
    }
}

/* Whether any modifier of the workspace is called name. */
static bool
ws_uses(const hf_workspace *ws, const char *name)
{
    for (size_t i = 0; i < ws->nchan; i++)
        for (size_t j = 0; j < ws->chan[i].nsamples; j++)
            for (size_t k = 0; k < ws->chan[i].sample[j].nmod; k++)
                if (strcmp(ws->chan[i].sample[j].mod[k].name, name) == 0)
                    return true;
    return false;
}

/* The measurement's POI and parameter configs name modifiers that exist. */
static void
check_measurement(lintctx *c)
{
    const hf_ws_measurement *me = c->meas;
    if (me == NULL)
        return;
    if (me->poi != NULL && !ws_uses(c->ws, me->poi))
        add(c, HF_LINT_WARNING, "poi_absent", afmt(c, "/measurements/%zu/config/poi", me->jindex),
            afmt(c,
                 "the POI '%s' of measurement '%s' is no modifier of the model (fine for a "
                 "background-only workspace a patch completes)",
                 me->poi, me->name));
    for (size_t p = 0; p < me->npar; p++)
        if (!ws_uses(c->ws, me->par[p].name))
            add(c, HF_LINT_WARNING, "unused_parameter",
                afmt(c, "/measurements/%zu/config/parameters/%zu", me->jindex, me->par[p].jindex),
                afmt(c, "measurement '%s' configures '%s', which no modifier uses", me->name,
                     me->par[p].name));
}

typedef struct named {
    const char *name;
    char *fold; /* lower case, letters and digits only */
    const hf_ws_channel *ch;
    const hf_ws_sample *s;
    const hf_ws_modifier *m;
} named;

static int
cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int r = strcmp(x->fold, y->fold);
    return r != 0 ? r : strcmp(x->name, y->name);
}

/* Modifier names that differ only in case or separators ("JES_up" and "jesUp"): one per name. */
static void
check_near_names(lintctx *c)
{
    size_t n = 0, cap = 0;
    named *v = NULL;
    for (size_t i = 0; i < c->ws->nchan && !c->oom; i++)
        for (size_t j = 0; j < c->ws->chan[i].nsamples && !c->oom; j++)
            for (size_t k = 0; k < c->ws->chan[i].sample[j].nmod && !c->oom; k++) {
                const hf_ws_modifier *m = &c->ws->chan[i].sample[j].mod[k];
                bool seen = false;
                for (size_t q = 0; q < n && !seen; q++)
                    seen = strcmp(v[q].name, m->name) == 0;
                if (seen)
                    continue;
                if (n == cap) {
                    size_t nc = cap ? 2 * cap : 64;
                    named *nv = realloc(v, nc * sizeof(*nv));
                    if (nv == NULL) {
                        c->oom = true;
                        break;
                    }
                    v = nv;
                    cap = nc;
                }
                char *f = hf_arena_strdup(&c->out->arena, m->name);
                if (f == NULL) {
                    c->oom = true;
                    break;
                }
                size_t w = 0;
                for (const char *p = m->name; *p; p++)
                    if (isalnum((unsigned char)*p))
                        f[w++] = (char)tolower((unsigned char)*p);
                f[w] = '\0';
                v[n++] = (named){m->name, f, &c->ws->chan[i], &c->ws->chan[i].sample[j], m};
            }
    if (!c->oom && n > 1)
        qsort(v, n, sizeof(*v), cmp_named);
    for (size_t q = 1; q < n && !c->oom; q++)
        if (strcmp(v[q].fold, v[q - 1].fold) == 0 && *v[q].fold != '\0')
            add(c, HF_LINT_WARNING, "near_duplicate_modifier",
                mod_ptr(c, v[q].ch, v[q].s, v[q].m, "/name"),
                afmt(c,
                     "modifier '%s' differs from '%s' only in case or separators: two "
                     "parameters, or one spelt two ways?",
                     v[q].name, v[q - 1].name));
    free(v);
}

/* The absolute two-point effect of modifier m on sample s in bin b (larger side). */
static double
twopoint_delta(const hf_ws_sample *s, const hf_ws_modifier *m, size_t b)
{
    double nom = s->data[b];
    if (m->type == HF_MOD_NORMSYS)
        return nom * fmax(fabs(m->hi - 1.0), fabs(m->lo - 1.0));
    if (m->type == HF_MOD_HISTOSYS)
        return fmax(fabs(m->hi_data[b] - nom), fabs(m->lo_data[b] - nom));
    return 0;
}

/* Bins whose MC statistical uncertainty (pyhf's staterror: sqrt(sum delta^2) over the samples
 * that carry one) dwarfs the two-point systematics (added in quadrature, modifier by modifier,
 * an approximation that ignores correlations), where it is large enough to matter. */
static void
check_stat_dominates(lintctx *c)
{
    for (size_t i = 0; i < c->ws->nchan; i++) {
        const hf_ws_channel *ch = &c->ws->chan[i];
        for (size_t b = 0; b < ch->nbins; b++) {
            double tot = 0, stat2 = 0, syst2 = 0;
            for (size_t j = 0; j < ch->nsamples; j++) {
                const hf_ws_sample *s = &ch->sample[j];
                tot += s->data[b];
                for (size_t k = 0; k < s->nmod; k++) {
                    const hf_ws_modifier *m = &s->mod[k];
                    if (m->type == HF_MOD_STATERROR)
                        stat2 += m->data[b] * m->data[b];
                    double d = twopoint_delta(s, m, b);
                    syst2 += d * d;
                }
            }
            if (tot <= 0)
                continue;
            double stat = sqrt(stat2) / tot, syst = sqrt(syst2) / tot;
            if (stat > c->opt.stat_min && stat > c->opt.stat_ratio * syst)
                add(c, HF_LINT_INFO, "stat_dominates", afmt(c, "/channels/%zu", ch->jindex),
                    afmt(c,
                         "bin %zu of '%s': MC statistical uncertainty %.0f%% against %.0f%% "
                         "from the systematics; more simulated events would help",
                         b, ch->name, 100 * stat, 100 * syst));
        }
    }
}

typedef struct inst {
    const char *name;
    size_t pos;
    bool changes;
    const hf_ws_channel *ch;
    const hf_ws_sample *s;
    const hf_ws_modifier *m;
} inst;

static int
cmp_inst(const void *a, const void *b)
{
    const inst *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    return r != 0 ? r : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Two-point parameters none of whose normsys and histosys change anything anywhere. */
static void
check_null_params(lintctx *c)
{
    size_t n = 0, cap = 0;
    inst *v = NULL;
    for (size_t i = 0; i < c->ws->nchan; i++)
        for (size_t j = 0; j < c->ws->chan[i].nsamples; j++)
            for (size_t k = 0; k < c->ws->chan[i].sample[j].nmod; k++) {
                const hf_ws_channel *ch = &c->ws->chan[i];
                const hf_ws_modifier *m = &ch->sample[j].mod[k];
                if (m->type != HF_MOD_NORMSYS && m->type != HF_MOD_HISTOSYS)
                    continue;
                if (n == cap) {
                    cap = cap ? 2 * cap : 256;
                    inst *nv = realloc(v, cap * sizeof(*nv));
                    if (nv == NULL) {
                        free(v);
                        c->oom = true;
                        return;
                    }
                    v = nv;
                }
                bool ch_ = m->type == HF_MOD_NORMSYS ? m->hi != 1.0 || m->lo != 1.0
                                                     : histo_changes(ch, &ch->sample[j], m);
                v[n] = (inst){m->name, n, ch_, ch, &ch->sample[j], m};
                n++;
            }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_inst);
    for (size_t a = 0, b; a < n; a = b) {
        bool any = false;
        const inst *first = &v[a];
        for (b = a; b < n && strcmp(v[b].name, v[a].name) == 0; b++) {
            any |= v[b].changes;
            if (v[b].pos < first->pos)
                first = &v[b];
        }
        if (!any)
            add(c, HF_LINT_WARNING, "variation_identical",
                mod_ptr(c, first->ch, first->s, first->m, "/data"),
                afmt(c,
                     "'%s' changes nothing: all its %zu normsys/histosys variations equal the "
                     "nominal",
                     first->name, b - a));
    }
    free(v);
}

/* See lint.h. */
int
hf_lint_run(const hf_workspace *ws, const hf_lint_options *opt, hf_lint *out, hf_error *err)
{
    memset(out, 0, sizeof(*out));
    lintctx c = {.ws = ws, .out = out};
    if (opt != NULL)
        c.opt = *opt;
    if (c.opt.large <= 0)
        c.opt.large = 1.0;
    if (c.opt.stat_ratio <= 0)
        c.opt.stat_ratio = 3.0;
    if (c.opt.stat_min <= 0)
        c.opt.stat_min = 0.2;
    if (c.opt.tiny <= 0)
        c.opt.tiny = 0.005;
    if (c.opt.measurement != NULL) {
        c.meas = hf_workspace_measurement(ws, c.opt.measurement);
        if (c.meas == NULL)
            return hf_error_set(err, HF_EUSAGE, "/measurements", "no measurement named '%s'",
                                c.opt.measurement);
    } else if (ws->nmeas > 0) {
        c.meas = &ws->meas[0];
    }
    check_samples(&c);
    check_near_names(&c);
    check_null_params(&c);
    check_measurement(&c);
    check_stat_dominates(&c);
    return c.oom ? hf_error_nomem(err) : 0;
}

void
hf_lint_release(hf_lint *l)
{
    if (l == NULL)
        return;
    free(l->f);
    hf_arena_release(&l->arena);
    memset(l, 0, sizeof(*l));
}

const char *
hf_lint_severity_name(hf_lint_severity s)
{
    return s == HF_LINT_ERROR ? "error" : s == HF_LINT_WARNING ? "warning" : "info";
}

int
hf_lint_worst(const hf_lint *l)
{
    int w = -1;
    for (size_t i = 0; i < l->n; i++)
        if ((int)l->f[i].severity > w)
            w = (int)l->f[i].severity;
    return w;
}
