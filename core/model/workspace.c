/* core/model/workspace.c - read, parse (cJSON) and validate a pyhf workspace. Every problem is
 * reported once, with the JSON pointer of the offending value; the first error wins. */
#include "core/model/workspace.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/json/jsonalloc.h"
#include "core/json/jsonptr.h"
#include "core/json/nameset.h"

static const char *const modnames[HF_MOD_COUNT] = {
    "normfactor", "shapefactor", "normsys", "histosys", "lumi", "staterror", "shapesys",
};

const char *
hf_modtype_name(hf_modtype t)
{
    return (unsigned)t < HF_MOD_COUNT ? modnames[t] : "?";
}

/* ---- validation helpers: each returns -1 with err set, or 0 ---- */

/* The path to the value being read is a stack of segments; its text is built only for an error
 * or a warning (WHERE), so the success path formats no pointer. Uniqueness checks and the
 * observation look-up go through name sets: linear in the input. */
/* Where a modifier is: its name and type, channel, sample and modifier indices (JSON order). */
typedef struct modpos {
    const char *name;
    hf_modtype type;
    size_t c, s, k;
} modpos;

typedef struct loader {
    hf_workspace *ws;
    hf_jsonpath jp;
    hf_error *err;
    hf_nameset chan_names; /* channel name -> index into ws->chan */
    hf_nameset meas_names; /* measurement names */
    hf_nameset names;      /* scratch: samples of a channel, configs of a measurement */
    /* modifier names, each hashed once: name -> id (hf_ws_modifier.name_id), the first use of
     * each id, and per id and type the serial of the last sample that used it (0: none) */
    hf_nameset mod_ids;
    modpos *first;
    size_t *used;
    size_t nid, idcap, serial, c; /* c: the channel being read */
    double *num;                  /* scratch: the numbers of one array */
    size_t numcap;
} loader;

#define WHERE(L) hf_jsonpath_str(&(L)->jp)

static void
loader_release(loader *L)
{
    hf_jsonpath_release(&L->jp);
    free(L->num);
    hf_nameset_release(&L->chan_names);
    hf_nameset_release(&L->meas_names);
    hf_nameset_release(&L->names);
    hf_nameset_release(&L->mod_ids);
    free(L->first);
    free(L->used);
}

/* An error at the current pointer (the path may have failed to grow). */
#define fail(L, code, ...)                                                                         \
    ((L)->jp.oom ? hf_error_nomem((L)->err) : hf_error_set((L)->err, code, WHERE(L), __VA_ARGS__))

/* 0 when name is new in set (now added with value), 1 when it is already there, -1 with the
 * error set when memory runs out. */
static int
seen_name(loader *L, hf_nameset *set, const char *name, size_t value)
{
    int r = hf_nameset_add(set, name, value, NULL);
    return r > 0 ? 0 : r == 0 ? 1 : hf_error_nomem(L->err);
}

static const char *
json_type(const cJSON *v)
{
    if (v == NULL)
        return "nothing";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsArray(v))
        return "an array";
    return "an object";
}

/* cJSON_GetObjectItemCaseSensitive, with the first characters compared before strcmp is called:
 * most keys a lookup passes differ there (a modifier's "name", "type", "data"). */
static const cJSON *
find_key(const cJSON *obj, const char *key)
{
    if (obj == NULL)
        return NULL;
    for (const cJSON *it = obj->child; it != NULL; it = it->next)
        if (it->string != NULL && it->string[0] == key[0] && strcmp(it->string, key) == 0)
            return it;
    return NULL;
}

/* Look up key in obj (pushing it on the pointer); required: error when missing. */
static const cJSON *
member(loader *L, const cJSON *obj, const char *key, int required)
{
    const cJSON *v = find_key(obj, key);
    if (v == NULL && required)
        hf_error_set(L->err, HF_ESCHEMA, WHERE(L), "missing required key '%s'", key);
    return v;
}

static int
expect(loader *L, const cJSON *v, int ok, const char *what)
{
    if (ok)
        return 0;
    return hf_error_set(L->err, HF_ESCHEMA, WHERE(L), "expected %s, found %s", what, json_type(v));
}

static const char *
get_string(loader *L, const cJSON *obj, const char *key, int required)
{
    const cJSON *v = member(L, obj, key, required);
    if (v == NULL)
        return NULL;
    size_t mark = hf_jsonpath_push_key(&L->jp, key);
    const char *s = NULL;
    /* borrowed, not copied: ws->doc lives as long as the workspace and is never edited */
    if (expect(L, v, cJSON_IsString(v), "a string") == 0) {
        if (v->valuestring[0] == '\0')
            hf_error_set(L->err, HF_ESCHEMA, WHERE(L), "'%s' must not be empty", key);
        else
            s = v->valuestring;
    }
    hf_jsonpath_pop(&L->jp, mark);
    return s;
}

/* A finite number at the current pointer. */
static int
get_number(loader *L, const cJSON *v, double *out)
{
    if (expect(L, v, cJSON_IsNumber(v), "a number") < 0)
        return -1;
    if (!isfinite(v->valuedouble))
        return hf_error_set(L->err, HF_ESCHEMA, WHERE(L), "not a finite number");
    *out = v->valuedouble;
    return 0;
}

enum { NUM_ANY = 0, NUM_NONNEG = 1 };

/* An array of finite numbers at obj[key] (or v itself when key is NULL), length want (0: any,
 * must be non-empty). Leaves the pointer where it was. One walk of the list: the values go to
 * L->num, then in one copy to the arena (a count first, then a fill, walked the nodes twice). */
static const double *
get_numbers(loader *L, const cJSON *v, size_t want, int sign, size_t *n_out, const char *what)
{
    if (expect(L, v, cJSON_IsArray(v), "an array of numbers") < 0)
        return NULL;
    size_t n = 0, ibad = 0;
    const cJSON *bad = NULL;
    for (const cJSON *it = v->child; it != NULL; it = it->next, n++) {
        if (n == L->numcap) {
            size_t cap = L->numcap ? 2 * L->numcap : 256;
            double *x =
                cap < SIZE_MAX / sizeof(double) ? realloc(L->num, cap * sizeof(double)) : NULL;
            if (x == NULL) {
                hf_error_nomem(L->err);
                return NULL;
            }
            L->num = x;
            L->numcap = cap;
        }
        double x = L->num[n] = it->valuedouble;
        if (bad == NULL &&
            !((it->type & 0xFF) == cJSON_Number && isfinite(x) && (sign != NUM_NONNEG || x >= 0))) {
            bad = it;
            ibad = n;
        }
    }
    if (n == 0) {
        hf_error_set(L->err, HF_ESCHEMA, WHERE(L), "%s is empty", what);
        return NULL;
    }
    if (want != 0 && n != want) {
        hf_error_set(L->err, HF_ESCHEMA, WHERE(L), "%s has %zu bins, expected %zu", what, n, want);
        return NULL;
    }
    if (bad != NULL) { /* the pointer is pushed only to report a bad element */
        double x = L->num[ibad];
        hf_jsonpath_push_index(&L->jp, ibad);
        if (get_number(L, bad, &x) == 0)
            hf_error_set(L->err, HF_ESCHEMA, WHERE(L), "%s must not be negative (%g)", what, x);
        return NULL;
    }
    double *x = hf_arena_memdup(&L->ws->arena, L->num, n * sizeof(double));
    if (x == NULL) {
        hf_error_nomem(L->err);
        return NULL;
    }
    if (n_out != NULL)
        *n_out = n;
    return x;
}

static int
add_warning(loader *L, const char *text)
{
    hf_workspace *ws = L->ws;
    char **w = realloc(ws->warn, (ws->nwarn + 1) * sizeof(*w));
    if (w == NULL)
        return hf_error_nomem(L->err);
    ws->warn = w;
    size_t n = strlen(WHERE(L)) + strlen(text) + 4;
    char *line = hf_arena_alloc(&ws->arena, n);
    if (line == NULL)
        return hf_error_nomem(L->err);
    snprintf(line, n, "%s: %s", WHERE(L), text);
    ws->warn[ws->nwarn++] = line;
    return 0;
}

static int
parse_modtype(const char *s, hf_modtype *t)
{
    for (int i = 0; i < HF_MOD_COUNT; i++) {
        if (s[0] == modnames[i][0] && strcmp(s, modnames[i]) == 0) {
            *t = (hf_modtype)i;
            return 0;
        }
    }
    return -1;
}

static int
load_modifier(loader *L, const cJSON *jm, hf_ws_modifier *m, size_t nbins)
{
    if (expect(L, jm, cJSON_IsObject(jm), "a modifier object") < 0)
        return -1;
    m->name = get_string(L, jm, "name", 1);
    if (m->name == NULL)
        return -1;
    const char *type = get_string(L, jm, "type", 1);
    if (type == NULL)
        return -1;
    if (parse_modtype(type, &m->type) < 0) {
        size_t mark = hf_jsonpath_push_key(&L->jp, "type");
        fail(L, HF_ESCHEMA, "unknown modifier type '%s'", type);
        hf_jsonpath_pop(&L->jp, mark);
        return -1;
    }
    const cJSON *d = find_key(jm, "data");
    size_t mark = hf_jsonpath_push_key(&L->jp, "data");
    int rc = 0;
    switch (m->type) {
    case HF_MOD_NORMFACTOR:
    case HF_MOD_SHAPEFACTOR:
    case HF_MOD_LUMI:
        if (d != NULL && !cJSON_IsNull(d))
            rc = hf_error_set(L->err, HF_ESCHEMA, WHERE(L),
                              "'data' of a %s modifier must be null, found %s", type, json_type(d));
        break;
    case HF_MOD_NORMSYS: {
        hf_jsonpath_pop(&L->jp, mark);
        if (member(L, jm, "data", 1) == NULL)
            return -1;
        mark = hf_jsonpath_push_key(&L->jp, "data");
        if (expect(L, d, cJSON_IsObject(d), "an object with 'hi' and 'lo'") < 0)
            return -1;
        const cJSON *hi = member(L, d, "hi", 1), *lo = member(L, d, "lo", 1);
        if (hi == NULL || lo == NULL)
            return -1;
        size_t m2 = hf_jsonpath_push_key(&L->jp, "hi");
        if (get_number(L, hi, &m->hi) < 0)
            return -1;
        if (m->hi <= 0)
            return hf_error_set(L->err, HF_ESCHEMA, WHERE(L),
                                "normsys factor must be positive, found %g", m->hi);
        hf_jsonpath_pop(&L->jp, m2);
        m2 = hf_jsonpath_push_key(&L->jp, "lo");
        if (get_number(L, lo, &m->lo) < 0)
            return -1;
        if (m->lo <= 0)
            return hf_error_set(L->err, HF_ESCHEMA, WHERE(L),
                                "normsys factor must be positive, found %g", m->lo);
        hf_jsonpath_pop(&L->jp, m2);
        break;
    }
    case HF_MOD_HISTOSYS: {
        hf_jsonpath_pop(&L->jp, mark);
        if (member(L, jm, "data", 1) == NULL)
            return -1;
        mark = hf_jsonpath_push_key(&L->jp, "data");
        if (expect(L, d, cJSON_IsObject(d), "an object with 'hi_data' and 'lo_data'") < 0)
            return -1;
        const cJSON *hi = member(L, d, "hi_data", 1);
        if (hi == NULL)
            return -1;
        const cJSON *lo = member(L, d, "lo_data", 1);
        if (lo == NULL)
            return -1;
        size_t m2 = hf_jsonpath_push_key(&L->jp, "hi_data");
        /* templates are variations, not yields: negative bins are legal */
        m->hi_data = get_numbers(L, hi, nbins, NUM_ANY, NULL, "'hi_data'");
        hf_jsonpath_pop(&L->jp, m2);
        if (m->hi_data == NULL)
            return -1;
        m2 = hf_jsonpath_push_key(&L->jp, "lo_data");
        m->lo_data = get_numbers(L, lo, nbins, NUM_ANY, NULL, "'lo_data'");
        hf_jsonpath_pop(&L->jp, m2);
        if (m->lo_data == NULL)
            return -1;
        break;
    }
    case HF_MOD_STATERROR:
    case HF_MOD_SHAPESYS:
        hf_jsonpath_pop(&L->jp, mark);
        if (member(L, jm, "data", 1) == NULL)
            return -1;
        mark = hf_jsonpath_push_key(&L->jp, "data");
        m->data = get_numbers(L, d, nbins, NUM_NONNEG, NULL, "uncertainty 'data'");
        if (m->data == NULL)
            rc = -1;
        break;
    case HF_MOD_COUNT:
        break;
    }
    hf_jsonpath_pop(&L->jp, mark);
    return rc;
}

/* Give modifier m (number k of sample si of channel L->c) its name id and note its first use:
 * 1 when the sample (serial L->serial) already has a modifier of this name and type, 0 when
 * not, -1 when memory runs out. */
static int
name_modifier(loader *L, hf_ws_modifier *m, size_t si, size_t k)
{
    size_t id = L->nid;
    int r = hf_nameset_add(&L->mod_ids, m->name, id, &id);
    if (r < 0)
        return -1;
    if (r > 0) {
        if (L->nid == L->idcap) {
            size_t cap = L->idcap ? 2 * L->idcap : 64;
            if (cap > SIZE_MAX / HF_MOD_COUNT / sizeof(size_t))
                return -1;
            modpos *f = realloc(L->first, cap * sizeof(*f));
            if (f != NULL)
                L->first = f;
            size_t *u = f != NULL ? realloc(L->used, cap * HF_MOD_COUNT * sizeof(*u)) : NULL;
            if (u == NULL)
                return -1;
            memset(u + L->idcap * HF_MOD_COUNT, 0, (cap - L->idcap) * HF_MOD_COUNT * sizeof(*u));
            L->used = u;
            L->idcap = cap;
        }
        L->first[L->nid++] = (modpos){m->name, m->type, L->c, si, k};
    }
    m->name_id = id;
    size_t *u = &L->used[id * HF_MOD_COUNT + m->type];
    if (*u == L->serial)
        return 1;
    *u = L->serial;
    return 0;
}

static int
load_sample(loader *L, const cJSON *js, hf_ws_sample *s, size_t si, size_t *nbins)
{
    if (expect(L, js, cJSON_IsObject(js), "a sample object") < 0)
        return -1;
    s->name = get_string(L, js, "name", 1);
    if (s->name == NULL)
        return -1;
    const cJSON *d = member(L, js, "data", 1);
    if (d == NULL)
        return -1;
    size_t mark = hf_jsonpath_push_key(&L->jp, "data");
    size_t n = 0;
    s->data = get_numbers(L, d, *nbins, NUM_ANY, &n, "sample 'data'");
    if (s->data == NULL)
        return -1;
    if (*nbins == 0)
        *nbins = n;
    for (size_t b = 0; b < n; b++) {
        if (s->data[b] < 0) {
            /* negative-weight simulation: legal, but worth a look */
            size_t m2 = hf_jsonpath_push_index(&L->jp, b);
            if (add_warning(L, "negative nominal yield") < 0)
                return -1;
            hf_jsonpath_pop(&L->jp, m2);
        }
    }
    hf_jsonpath_pop(&L->jp, mark);
    const cJSON *mods = member(L, js, "modifiers", 1);
    if (mods == NULL)
        return -1;
    mark = hf_jsonpath_push_key(&L->jp, "modifiers");
    if (expect(L, mods, cJSON_IsArray(mods), "an array of modifiers") < 0)
        return -1;
    s->nmod = (size_t)cJSON_GetArraySize(mods);
    s->mod = hf_arena_array(&L->ws->arena, s->nmod ? s->nmod : 1, sizeof(*s->mod));
    if (s->mod == NULL)
        return hf_error_nomem(L->err);
    size_t i = 0;
    const cJSON *jm;
    L->serial++;
    cJSON_ArrayForEach(jm, mods)
    {
        size_t m2 = hf_jsonpath_push_index(&L->jp, i);
        s->mod[i].jindex = i;
        if (load_modifier(L, jm, &s->mod[i], *nbins) < 0)
            return -1;
        int r = name_modifier(L, &s->mod[i], si, i);
        if (r < 0)
            return hf_error_nomem(L->err);
        if (r > 0)
            return fail(L, HF_ESCHEMA, "duplicate %s modifier '%s' in one sample",
                        hf_modtype_name(s->mod[i].type), s->mod[i].name);
        hf_jsonpath_pop(&L->jp, m2);
        i++;
    }
    hf_jsonpath_pop(&L->jp, mark);
    return 0;
}

static int
load_channel(loader *L, const cJSON *jc, hf_ws_channel *c)
{
    if (expect(L, jc, cJSON_IsObject(jc), "a channel object") < 0)
        return -1;
    c->name = get_string(L, jc, "name", 1);
    if (c->name == NULL)
        return -1;
    const cJSON *samples = member(L, jc, "samples", 1);
    if (samples == NULL)
        return -1;
    size_t mark = hf_jsonpath_push_key(&L->jp, "samples");
    if (expect(L, samples, cJSON_IsArray(samples), "an array of samples") < 0)
        return -1;
    c->nsamples = (size_t)cJSON_GetArraySize(samples);
    if (c->nsamples == 0)
        return fail(L, HF_ESCHEMA, "channel '%s' has no samples", c->name);
    c->sample = hf_arena_array(&L->ws->arena, c->nsamples, sizeof(*c->sample));
    if (c->sample == NULL)
        return hf_error_nomem(L->err);
    size_t i = 0;
    const cJSON *js;
    hf_nameset_reset(&L->names);
    cJSON_ArrayForEach(js, samples)
    {
        size_t m2 = hf_jsonpath_push_index(&L->jp, i);
        c->sample[i].jindex = i;
        if (load_sample(L, js, &c->sample[i], i, &c->nbins) < 0)
            return -1;
        int r = seen_name(L, &L->names, c->sample[i].name, i);
        if (r != 0) {
            if (r > 0) {
                hf_jsonpath_push_key(&L->jp, "name");
                fail(L, HF_ESCHEMA, "duplicate sample name '%s' in channel '%s'", c->sample[i].name,
                     c->name);
            }
            return -1;
        }
        hf_jsonpath_pop(&L->jp, m2);
        i++;
    }
    hf_jsonpath_pop(&L->jp, mark);
    return 0;
}

/* The required top-level array `key` of root ("an array of <what>"), its name pushed on the
 * path (*mark: where to pop back to). NULL with L->err set. */
static const cJSON *
top_array(loader *L, const cJSON *root, const char *key, const char *what, size_t *mark)
{
    const cJSON *a = member(L, root, key, 1);
    if (a == NULL)
        return NULL;
    *mark = hf_jsonpath_push_key(&L->jp, key);
    char desc[48];
    (void)snprintf(desc, sizeof desc, "an array of %s", what);
    return expect(L, a, cJSON_IsArray(a), desc) < 0 ? NULL : a;
}

/* Arena room for the *n (> 0) elements of array a, of `size` bytes each; NULL with L->err set
 * ("the workspace has no <what>" when a is empty). */
static void *
top_array_alloc(loader *L, const cJSON *a, size_t size, const char *what, size_t *n)
{
    *n = (size_t)cJSON_GetArraySize(a);
    if (*n == 0) {
        hf_error_set(L->err, HF_ESCHEMA, WHERE(L), "the workspace has no %s", what);
        return NULL;
    }
    void *v = hf_arena_array(&L->ws->arena, *n, size);
    if (v == NULL)
        hf_error_nomem(L->err);
    return v;
}

static int
load_channels(loader *L, const cJSON *root)
{
    size_t mark;
    const cJSON *chans = top_array(L, root, "channels", "channels", &mark);
    if (chans == NULL)
        return -1;
    hf_workspace *ws = L->ws;
    ws->chan = top_array_alloc(L, chans, sizeof(*ws->chan), "channels", &ws->nchan);
    if (ws->chan == NULL)
        return -1;
    size_t i = 0;
    const cJSON *jc;
    cJSON_ArrayForEach(jc, chans)
    {
        size_t m2 = hf_jsonpath_push_index(&L->jp, i);
        ws->chan[i].jindex = i;
        L->c = i;
        if (load_channel(L, jc, &ws->chan[i]) < 0)
            return -1;
        int r = seen_name(L, &L->chan_names, ws->chan[i].name, i);
        if (r != 0) {
            if (r > 0) {
                hf_jsonpath_push_key(&L->jp, "name");
                fail(L, HF_ESCHEMA, "duplicate channel name '%s'", ws->chan[i].name);
            }
            return -1;
        }
        hf_jsonpath_pop(&L->jp, m2);
        i++;
    }
    hf_jsonpath_pop(&L->jp, mark);
    return 0;
}

static int
load_observations(loader *L, const cJSON *root)
{
    size_t mark;
    const cJSON *obs = top_array(L, root, "observations", "observations", &mark);
    if (obs == NULL)
        return -1;
    hf_workspace *ws = L->ws;
    size_t i = 0;
    const cJSON *jo;
    cJSON_ArrayForEach(jo, obs)
    {
        size_t m2 = hf_jsonpath_push_index(&L->jp, i);
        if (expect(L, jo, cJSON_IsObject(jo), "an observation object") < 0)
            return -1;
        const char *name = get_string(L, jo, "name", 1);
        if (name == NULL)
            return -1;
        size_t k = 0;
        int known = hf_nameset_find(&L->chan_names, name, &k);
        size_t m3 = hf_jsonpath_push_key(&L->jp, "name");
        if (!known) {
            /* pyhf ignores observations of channels the workspace does not define */
            size_t wl = strlen(name) + 80;
            char *w = malloc(wl);
            if (w == NULL)
                return hf_error_nomem(L->err);
            snprintf(w, wl,
                     "observation for channel '%s', which the workspace does not define: ignored",
                     name);
            int wrc = add_warning(L, w);
            free(w);
            if (wrc < 0)
                return -1;
            hf_jsonpath_pop(&L->jp, m2);
            i++;
            continue;
        }
        hf_ws_channel *c = &ws->chan[k];
        if (c->obs != NULL)
            return fail(L, HF_ESCHEMA, "duplicate observation for channel '%s'", name);
        hf_jsonpath_pop(&L->jp, m3);
        const cJSON *d = member(L, jo, "data", 1);
        if (d == NULL)
            return -1;
        m3 = hf_jsonpath_push_key(&L->jp, "data");
        c->obs = get_numbers(L, d, c->nbins, NUM_NONNEG, NULL, "observed 'data'");
        if (c->obs == NULL)
            return -1;
        c->obs_jindex = i;
        hf_jsonpath_pop(&L->jp, m3);
        hf_jsonpath_pop(&L->jp, m2);
        i++;
    }
    for (size_t k = 0; k < ws->nchan; k++)
        if (ws->chan[k].obs == NULL)
            return fail(L, HF_ESCHEMA, "no observation for channel '%s'", ws->chan[k].name);
    hf_jsonpath_pop(&L->jp, mark);
    return 0;
}

/* A config list (inits, auxdata, sigmas, factors) of finite numbers. */
static int
config_numbers(loader *L, const cJSON *jp, const char *key, const double **out, size_t *n)
{
    const cJSON *v = find_key(jp, key);
    if (v == NULL)
        return 0;
    size_t mark = hf_jsonpath_push_key(&L->jp, key);
    char what[32];
    snprintf(what, sizeof(what), "'%s'", key);
    *out = get_numbers(L, v, 0, NUM_ANY, n, what);
    hf_jsonpath_pop(&L->jp, mark);
    return *out == NULL ? -1 : 0;
}

static int
load_parconfig(loader *L, const cJSON *jp, hf_ws_parconfig *p)
{
    if (expect(L, jp, cJSON_IsObject(jp), "a parameter configuration object") < 0)
        return -1;
    p->name = get_string(L, jp, "name", 1);
    if (p->name == NULL)
        return -1;
    if (config_numbers(L, jp, "inits", &p->inits, &p->ninits) < 0 ||
        config_numbers(L, jp, "auxdata", &p->auxdata, &p->naux) < 0 ||
        config_numbers(L, jp, "sigmas", &p->sigmas, &p->nsigmas) < 0 ||
        config_numbers(L, jp, "factors", &p->factors, &p->nfactors) < 0)
        return -1;
    /* widths of Gaussian constraints and Poisson factors tau (the shapesys constraint
     * Pois(tau | tau gamma) needs tau > 0) */
    const struct {
        const char *key, *what;
        const double *x;
        size_t n;
    } pos[] = {{"sigmas", "sigma", p->sigmas, p->nsigmas},
               {"factors", "factor", p->factors, p->nfactors}};
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < pos[k].n; i++) {
            if (pos[k].x[i] <= 0) {
                size_t m = hf_jsonpath_push_key(&L->jp, pos[k].key);
                hf_jsonpath_push_index(&L->jp, i);
                fail(L, HF_ESCHEMA, "%s must be positive, found %g", pos[k].what, pos[k].x[i]);
                hf_jsonpath_pop(&L->jp, m);
                return -1;
            }
        }
    }
    const cJSON *fx = find_key(jp, "fixed");
    if (fx != NULL) {
        size_t m = hf_jsonpath_push_key(&L->jp, "fixed");
        if (expect(L, fx, cJSON_IsBool(fx), "a boolean") < 0)
            return -1;
        p->fixed = cJSON_IsTrue(fx);
        p->has_fixed = true;
        hf_jsonpath_pop(&L->jp, m);
    }
    const cJSON *bd = find_key(jp, "bounds");
    if (bd != NULL) {
        size_t m = hf_jsonpath_push_key(&L->jp, "bounds");
        if (expect(L, bd, cJSON_IsArray(bd) && cJSON_GetArraySize(bd) > 0,
                   "a non-empty array of [low, high] pairs") < 0)
            return -1;
        p->nbounds = (size_t)cJSON_GetArraySize(bd);
        double(*b)[2] = hf_arena_array(&L->ws->arena, p->nbounds, sizeof(*b));
        if (b == NULL)
            return hf_error_nomem(L->err);
        size_t i = 0;
        const cJSON *pair;
        cJSON_ArrayForEach(pair, bd)
        {
            size_t m2 = hf_jsonpath_push_index(&L->jp, i);
            if (expect(L, pair, cJSON_IsArray(pair) && cJSON_GetArraySize(pair) == 2,
                       "a [low, high] pair") < 0)
                return -1;
            for (int k = 0; k < 2; k++) {
                size_t m3 = hf_jsonpath_push_index(&L->jp, (size_t)k);
                if (get_number(L, cJSON_GetArrayItem(pair, k), &b[i][k]) < 0)
                    return -1;
                hf_jsonpath_pop(&L->jp, m3);
            }
            if (b[i][0] > b[i][1])
                return hf_error_set(L->err, HF_ESCHEMA, WHERE(L),
                                    "lower bound %g is above upper bound %g", b[i][0], b[i][1]);
            hf_jsonpath_pop(&L->jp, m2);
            i++;
        }
        p->bounds = (const double(*)[2])b;
        if (p->ninits != 0 && p->ninits != p->nbounds)
            return hf_error_set(L->err, HF_ESCHEMA, WHERE(L), "%zu bounds for %zu inits",
                                p->nbounds, p->ninits);
        for (size_t k = 0; k < p->ninits; k++) {
            if (p->inits[k] < b[k][0] || p->inits[k] > b[k][1]) {
                hf_jsonpath_pop(&L->jp, m);
                hf_jsonpath_push_key(&L->jp, "inits");
                hf_jsonpath_push_index(&L->jp, k);
                return hf_error_set(L->err, HF_ESCHEMA, WHERE(L),
                                    "init %g is outside the bounds [%g, %g]", p->inits[k], b[k][0],
                                    b[k][1]);
            }
        }
        hf_jsonpath_pop(&L->jp, m);
    }
    return 0;
}

static int
load_measurements(loader *L, const cJSON *root)
{
    size_t mark;
    const cJSON *ms = top_array(L, root, "measurements", "measurements", &mark);
    if (ms == NULL)
        return -1;
    hf_workspace *ws = L->ws;
    ws->meas = top_array_alloc(L, ms, sizeof(*ws->meas), "measurements", &ws->nmeas);
    if (ws->meas == NULL)
        return -1;
    size_t i = 0;
    const cJSON *jm;
    cJSON_ArrayForEach(jm, ms)
    {
        hf_ws_measurement *m = &ws->meas[i];
        m->jindex = i;
        size_t m2 = hf_jsonpath_push_index(&L->jp, i);
        if (expect(L, jm, cJSON_IsObject(jm), "a measurement object") < 0)
            return -1;
        m->name = get_string(L, jm, "name", 1);
        if (m->name == NULL)
            return -1;
        int r = seen_name(L, &L->meas_names, m->name, i);
        if (r != 0) {
            if (r > 0) {
                hf_jsonpath_push_key(&L->jp, "name");
                fail(L, HF_ESCHEMA, "duplicate measurement name '%s'", m->name);
            }
            return -1;
        }
        const cJSON *cfg = member(L, jm, "config", 1);
        if (cfg == NULL)
            return -1;
        size_t m3 = hf_jsonpath_push_key(&L->jp, "config");
        if (expect(L, cfg, cJSON_IsObject(cfg), "an object") < 0)
            return -1;
        m->poi = get_string(L, cfg, "poi", 1);
        if (m->poi == NULL)
            return -1;
        const cJSON *pars = member(L, cfg, "parameters", 1);
        if (pars == NULL)
            return -1;
        size_t m4 = hf_jsonpath_push_key(&L->jp, "parameters");
        if (expect(L, pars, cJSON_IsArray(pars), "an array") < 0)
            return -1;
        m->npar = (size_t)cJSON_GetArraySize(pars);
        m->par = hf_arena_array(&ws->arena, m->npar ? m->npar : 1, sizeof(*m->par));
        if (m->par == NULL)
            return hf_error_nomem(L->err);
        size_t k = 0;
        const cJSON *jp;
        hf_nameset_reset(&L->names);
        cJSON_ArrayForEach(jp, pars)
        {
            size_t m5 = hf_jsonpath_push_index(&L->jp, k);
            m->par[k].jindex = k;
            if (load_parconfig(L, jp, &m->par[k]) < 0)
                return -1;
            r = seen_name(L, &L->names, m->par[k].name, k);
            if (r != 0) {
                if (r > 0) {
                    hf_jsonpath_push_key(&L->jp, "name");
                    fail(L, HF_ESCHEMA, "duplicate configuration for parameter '%s'",
                         m->par[k].name);
                }
                return -1;
            }
            hf_jsonpath_pop(&L->jp, m5);
            k++;
        }
        hf_jsonpath_pop(&L->jp, m4);
        hf_jsonpath_pop(&L->jp, m3);
        hf_jsonpath_pop(&L->jp, m2);
        i++;
    }
    hf_jsonpath_pop(&L->jp, mark);
    return 0;
}

/* A modifier name used by several types must be used compatibly (pyhf InvalidNameReuse):
 * only normsys and histosys may share a parameter; per-bin modifiers shared across channels
 * must agree in size. Every use is compared with the name's first use (JSON order, noted while
 * loading): linear. Of several clashes, the one reported is the first use that
 * clashes under the alphabetically first name. */
/* Whether y clashes with x, the first use of its name: 1 incompatible types, 2 sizes, else 0. */
static int
modifier_clash(const hf_workspace *ws, const modpos *x, const modpos *y)
{
    int normal_pair = (x->type == HF_MOD_NORMSYS || x->type == HF_MOD_HISTOSYS) &&
                      (y->type == HF_MOD_NORMSYS || y->type == HF_MOD_HISTOSYS);
    int perbin =
        y->type == HF_MOD_SHAPEFACTOR || y->type == HF_MOD_STATERROR || y->type == HF_MOD_SHAPESYS;
    if (x->type != y->type && !normal_pair)
        return 1;
    return perbin && ws->chan[x->c].nbins != ws->chan[y->c].nbins ? 2 : 0;
}

static int
report_clash(loader *L, const modpos *x, const modpos *y, int clash)
{
    const hf_workspace *ws = L->ws;
    hf_jsonpath_pop(&L->jp, 0);
    hf_jsonpath_push_key(&L->jp, "channels");
    hf_jsonpath_push_index(&L->jp, y->c);
    hf_jsonpath_push_key(&L->jp, "samples");
    hf_jsonpath_push_index(&L->jp, y->s);
    hf_jsonpath_push_key(&L->jp, "modifiers");
    hf_jsonpath_push_index(&L->jp, y->k);
    if (clash == 1)
        return fail(L, HF_ESCHEMA,
                    "modifier name '%s' is used as %s and as %s (only normsys and "
                    "histosys may share a name)",
                    y->name, hf_modtype_name(x->type), hf_modtype_name(y->type));
    return fail(L, HF_ESCHEMA,
                "%s modifier '%s' is shared by channels '%s' and '%s' with "
                "different numbers of bins",
                hf_modtype_name(y->type), y->name, ws->chan[x->c].name, ws->chan[y->c].name);
}

static int
check_modifier_names(loader *L)
{
    hf_workspace *ws = L->ws;
    const modpos *bx = NULL; /* the clash to report: first use, clashing use */
    modpos by = {0};
    int bclash = 0;
    for (size_t c = 0; c < ws->nchan; c++)
        for (size_t s = 0; s < ws->chan[c].nsamples; s++)
            for (size_t k = 0; k < ws->chan[c].sample[s].nmod; k++) {
                const hf_ws_modifier *m = &ws->chan[c].sample[s].mod[k];
                const modpos *f = &L->first[m->name_id];
                modpos y = {m->name, m->type, c, s, k};
                int clash = modifier_clash(ws, f, &y);
                if (clash != 0 && (bx == NULL || strcmp(y.name, by.name) < 0)) {
                    bx = f;
                    by = y;
                    bclash = clash;
                }
            }
    ws->nmodnames = L->nid;
    return bx != NULL ? report_clash(L, bx, &by, bclash) : 0;
}

/* The arena's blocks from the document's parse pool: the workspace and its document live and die
 * together, and the numbers then fill the room the tree left in the pool's (huge) pages. */
static void *
pool_block(void *pool, size_t size)
{
    return hf_json_pool_alloc(pool, size);
}

static void
pool_block_free(void *pool, void *block)
{
    (void)pool;
    cJSON_free(block);
}

hf_workspace *
hf_workspace_from_json(cJSON *doc, const char *path, hf_error *err)
{
    hf_workspace *ws = calloc(1, sizeof(*ws));
    if (ws == NULL) {
        cJSON_Delete(doc);
        hf_error_nomem(err);
        return NULL;
    }
    ws->doc = doc;
    hf_json_pool *pool = hf_json_pool_of(doc);
    if (pool != NULL)
        ws->arena = (hf_arena){NULL, pool_block, pool_block_free, pool};
    loader L = {.ws = ws, .err = err}; /* zeroed: an empty path and empty name sets */
    int rc = -1;
    ws->path = hf_arena_strdup(&ws->arena, path != NULL ? path : "");
    if (ws->path == NULL) {
        hf_error_nomem(err);
        goto done;
    }
    if (!cJSON_IsObject(doc)) {
        hf_error_set(err, HF_ESCHEMA, "", "expected a workspace object at the top level, found %s",
                     json_type(doc));
        goto done;
    }
    if (hf_json_check_keys(doc, err) < 0)
        goto done;
    if (load_channels(&L, doc) < 0 || load_observations(&L, doc) < 0 ||
        load_measurements(&L, doc) < 0 || check_modifier_names(&L) < 0)
        goto done;
    const cJSON *ver = find_key(doc, "version");
    if (ver == NULL) {
        hf_error_set(err, HF_ESCHEMA, "", "missing required key 'version'");
        goto done;
    }
    if (!cJSON_IsString(ver)) {
        hf_error_set(err, HF_ESCHEMA, "/version", "expected a string, found %s", json_type(ver));
        goto done;
    }
    if (strcmp(ver->valuestring, "1.0.0") != 0) {
        hf_error_set(err, HF_ESCHEMA, "/version",
                     "unsupported workspace version '%s' (pyhf's schema is 1.0.0)",
                     ver->valuestring);
        goto done;
    }
    ws->version = ver->valuestring;
    rc = 0;
done:
    loader_release(&L);
    if (rc < 0) {
        hf_workspace_free(ws);
        return NULL;
    }
    return ws;
}

/* Load and validate a workspace file. The caller owns the result (hf_workspace_free). */
hf_workspace *
hf_workspace_load(const char *path, hf_error *err)
{
    cJSON *doc = hf_json_load_file(path, err);
    if (doc == NULL)
        return NULL;
    return hf_workspace_from_json(doc, path, err);
}

void
hf_workspace_free(hf_workspace *ws)
{
    if (ws == NULL)
        return;
    /* the arena's large blocks first: freeing one after cJSON's many small nodes would make
     * malloc consolidate all of them (as much work as the delete itself) */
    hf_arena_release(&ws->arena);
    free(ws->warn);
    cJSON_Delete(ws->doc);
    free(ws);
}

const hf_ws_measurement *
hf_workspace_measurement(const hf_workspace *ws, const char *name)
{
    if (name == NULL)
        return ws->nmeas > 0 ? &ws->meas[0] : NULL;
    for (size_t i = 0; i < ws->nmeas; i++)
        if (strcmp(ws->meas[i].name, name) == 0)
            return &ws->meas[i];
    return NULL;
}
