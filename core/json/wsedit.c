/* core/json/wsedit.c - pyhf's workspace edits on JSON documents whose numbers keep their text.
 * The rules (which keys survive, what is an error, the join semantics) follow pyhf's
 * workspace.py: Workspace._prune_and_rename, Workspace.combine (_join_items, _join_channels,
 * _join_observations, _join_measurements, _join_parameter_configs) and Workspace.sorted. */
#include "core/json/wsedit.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/strbuf.h"

/* ---- parsing with number tokens kept ---- */

/* The next number token at or after *p outside strings; advances *p past it. NULL if none. */
static const char *
next_number(const char **p, const char *end, size_t *len)
{
    const char *s = *p;
    while (s < end) {
        if (*s == '"') {
            for (s++; s < end && *s != '"'; s++)
                if (*s == '\\')
                    s++;
            s++;
        } else if (strchr("-0123456789", *s) != NULL && *s != '\0') {
            const char *t = s;
            while (s < end && *s != '\0' && strchr("+-0123456789.eE", *s) != NULL)
                s++;
            *len = (size_t)(s - t);
            *p = s;
            return t;
        } else {
            s++;
        }
    }
    *p = end;
    return NULL;
}

/* Preorder walk: cJSON keeps children in document order, so the k-th number item is the k-th
 * number token of the text. */
static int
keep_numbers(cJSON *v, const char **p, const char *end)
{
    for (; v != NULL; v = v->next) {
        if (cJSON_IsNumber(v)) {
            size_t n = 0;
            const char *t = next_number(p, end, &n);
            if (t == NULL)
                return -1;
            char *raw = cJSON_malloc(n + 1); /* cJSON_Delete frees it */
            if (raw == NULL)
                return -1;
            memcpy(raw, t, n);
            raw[n] = '\0';
            v->type = cJSON_Raw;
            v->valuestring = raw;
        } else if (v->child != NULL && keep_numbers(v->child, p, end) < 0) {
            return -1;
        }
    }
    return 0;
}

/* 1-based line and column of offset off in text. */
static void
line_col(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Parse text with cJSON, then turn numbers into raw items holding their tokens. */
cJSON *
hf_wsedit_parse(const char *text, size_t len, hf_error *err)
{
    char *buf = malloc(len + 1);
    if (buf == NULL) {
        hf_error_nomem(err);
        return NULL;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    const char *stop = NULL;
    cJSON *doc =
        memchr(buf, '\0', len) != NULL ? NULL : cJSON_ParseWithLengthOpts(buf, len + 1, &stop, 1);
    if (doc == NULL) {
        int line, col;
        size_t off = stop != NULL && stop >= buf && stop <= buf + len ? (size_t)(stop - buf) : 0;
        if (memchr(buf, '\0', len) != NULL)
            off = (size_t)((const char *)memchr(buf, '\0', len) - buf);
        line_col(buf, off, &line, &col);
        hf_error_set(err, HF_EJSON, "", "invalid JSON at line %d column %d", line, col);
        if (err != NULL) {
            err->line = line;
            err->column = col;
        }
        free(buf);
        return NULL;
    }
    const char *p = buf;
    if (keep_numbers(doc, &p, buf + len) < 0) {
        cJSON_Delete(doc);
        free(buf);
        hf_error_nomem(err);
        return NULL;
    }
    free(buf);
    return doc;
}

/* ---- printing as Python's json.dumps(indent=4, sort_keys=True) ---- */

static void
sb_indent(hf_strbuf *b, int depth)
{
    for (int i = 0; i < depth; i++)
        hf_strbuf_put(b, "    ", 4);
}

/* Decode one UTF-8 sequence at s (n bytes left); returns its length (1 for a stray byte). */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t k = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
    if (k > n || k == 1) {
        *cp = s[0];
        return 1;
    }
    *cp = s[0] & (0x7fu >> k);
    for (size_t i = 1; i < k; i++)
        *cp = *cp << 6 | (s[i] & 0x3fu);
    return k;
}

/* A string as json.dumps(ensure_ascii=True) writes it: printable ASCII as is, the short escapes,
 * everything else as \uXXXX (UTF-16 surrogate pairs above U+FFFF). */
static void
put_string(hf_strbuf *b, const char *s)
{
    static const char *const shortesc[] = {
        ['\b'] = "\\b", ['\t'] = "\\t", ['\n'] = "\\n", ['\f'] = "\\f", ['\r'] = "\\r"};
    hf_strbuf_put(b, "\"", 1);
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        char tmp[16];
        if (u[i] == '"' || u[i] == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)u[i];
            hf_strbuf_put(b, tmp, 2);
            i++;
        } else if (u[i] >= 0x20 && u[i] < 0x7f) {
            hf_strbuf_put(b, (const char *)u + i, 1);
            i++;
        } else if (u[i] < sizeof(shortesc) / sizeof(shortesc[0]) && shortesc[u[i]] != NULL) {
            hf_strbuf_str(b, shortesc[u[i]]);
            i++;
        } else {
            uint32_t cp;
            i += utf8_decode(u + i, n - i, &cp);
            if (cp >= 0x10000) {
                cp -= 0x10000;
                (void)snprintf(tmp, sizeof(tmp), "\\u%04x\\u%04x", 0xd800u + (cp >> 10),
                               0xdc00u + (cp & 0x3ffu));
            } else {
                (void)snprintf(tmp, sizeof(tmp), "\\u%04x", (unsigned)cp);
            }
            hf_strbuf_str(b, tmp);
        }
    }
    hf_strbuf_put(b, "\"", 1);
}

typedef struct keyed {
    const cJSON *item;
    size_t pos;
} keyed;

/* Keys in code-point order (strcmp on UTF-8); duplicates keep document order. */
static int
cmp_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int r = strcmp(x->item->string, y->item->string);
    return r != 0 ? r : (x->pos > y->pos) - (x->pos < y->pos);
}

static void put_value(hf_strbuf *b, const cJSON *v, int depth);

static void
put_object(hf_strbuf *b, const cJSON *v, int depth)
{
    size_t n = (size_t)cJSON_GetArraySize(v);
    if (n == 0) {
        hf_strbuf_str(b, "{}");
        return;
    }
    keyed *kids = malloc(n * sizeof(*kids));
    if (kids == NULL) {
        b->oom = true;
        return;
    }
    size_t k = 0;
    for (const cJSON *c = v->child; c != NULL && k < n; c = c->next, k++)
        kids[k] = (keyed){c, k};
    qsort(kids, k, sizeof(*kids), cmp_key);
    hf_strbuf_str(b, "{\n");
    for (size_t i = 0; i < k; i++) {
        sb_indent(b, depth + 1);
        put_string(b, kids[i].item->string != NULL ? kids[i].item->string : "");
        hf_strbuf_str(b, ": ");
        put_value(b, kids[i].item, depth + 1);
        hf_strbuf_str(b, i + 1 < k ? ",\n" : "\n");
    }
    sb_indent(b, depth);
    hf_strbuf_str(b, "}");
    free(kids);
}

static void
put_value(hf_strbuf *b, const cJSON *v, int depth)
{
    if (cJSON_IsRaw(v)) {
        hf_strbuf_str(b, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        char tmp[40];
        (void)snprintf(tmp, sizeof(tmp), "%.17g", v->valuedouble);
        hf_strbuf_str(b, tmp);
    } else if (cJSON_IsString(v)) {
        put_string(b, v->valuestring);
    } else if (cJSON_IsBool(v)) {
        hf_strbuf_str(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        hf_strbuf_str(b, "null");
    } else if (cJSON_IsArray(v)) {
        if (v->child == NULL) {
            hf_strbuf_str(b, "[]");
            return;
        }
        hf_strbuf_str(b, "[\n");
        for (const cJSON *c = v->child; c != NULL; c = c->next) {
            sb_indent(b, depth + 1);
            put_value(b, c, depth + 1);
            hf_strbuf_str(b, c->next != NULL ? ",\n" : "\n");
        }
        sb_indent(b, depth);
        hf_strbuf_str(b, "]");
    } else if (cJSON_IsObject(v)) {
        put_object(b, v, depth);
    }
}

/* See wsedit.h. */
char *
hf_wsedit_print(const cJSON *doc)
{
    hf_strbuf b = {0};
    put_value(&b, doc, 0);
    hf_strbuf_str(&b, "\n");
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* ---- equality ---- */

static double
num_value(const cJSON *v)
{
    return cJSON_IsRaw(v) ? strtod(v->valuestring, NULL) : v->valuedouble;
}

static bool
is_num(const cJSON *v)
{
    return cJSON_IsRaw(v) || cJSON_IsNumber(v);
}

/* See wsedit.h. */
int
hf_wsedit_equal(const cJSON *a, const cJSON *b)
{
    if (is_num(a) && is_num(b))
        return num_value(a) == num_value(b);
    if ((a->type & 0xff) != (b->type & 0xff))
        return 0;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsArray(a)) {
        const cJSON *x = a->child, *y = b->child;
        for (; x != NULL && y != NULL; x = x->next, y = y->next)
            if (!hf_wsedit_equal(x, y))
                return 0;
        return x == NULL && y == NULL;
    }
    if (cJSON_IsObject(a)) {
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
            return 0;
        for (const cJSON *x = a->child; x != NULL; x = x->next) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            if (y == NULL || !hf_wsedit_equal(x, y))
                return 0;
        }
        return 1;
    }
    return 1; /* true, false, null of the same type */
}

/* ---- helpers on workspace documents ---- */

static const char *
name_of(const cJSON *item, const char *key)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(item, key);
    return cJSON_IsString(s) ? s->valuestring : "";
}

static const cJSON *
member(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* ---- Workspace.sorted ---- */

typedef struct sortkey {
    cJSON *item;
    const char *k1, *k2;
    size_t pos;
} sortkey;

static int
cmp_sortkey(const void *a, const void *b)
{
    const sortkey *x = a, *y = b;
    int r = strcmp(x->k1, y->k1);
    if (r == 0 && x->k2 != NULL)
        r = strcmp(x->k2, y->k2);
    return r != 0 ? r : (x->pos > y->pos) - (x->pos < y->pos); /* stable, as Python's sort */
}

/* Sort the array by its items' `key` (then `key2` when not NULL); relinks the children. */
static int
sort_array(cJSON *arr, const char *key, const char *key2)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n < 2)
        return 0;
    sortkey *s = malloc(n * sizeof(*s));
    if (s == NULL)
        return -1;
    size_t k = 0;
    for (cJSON *c = arr->child; c != NULL && k < n; c = c->next, k++)
        s[k] = (sortkey){c, name_of(c, key), key2 != NULL ? name_of(c, key2) : NULL, k};
    qsort(s, k, sizeof(*s), cmp_sortkey);
    arr->child = s[0].item;
    for (size_t i = 0; i < k; i++) {
        s[i].item->prev = i > 0 ? s[i - 1].item : s[k - 1].item; /* cJSON: head->prev = tail */
        s[i].item->next = i + 1 < k ? s[i + 1].item : NULL;
    }
    free(s);
    return 0;
}

/* See wsedit.h. */
int
hf_wsedit_sort(cJSON *doc, hf_error *err)
{
    int rc = sort_array(cJSON_GetObjectItemCaseSensitive(doc, "channels"), "name", NULL);
    cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "channels"))
    {
        cJSON *s;
        rc |= sort_array(cJSON_GetObjectItemCaseSensitive(c, "samples"), "name", NULL);
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(c, "samples"))
        {
            rc |= sort_array(cJSON_GetObjectItemCaseSensitive(s, "modifiers"), "name", "type");
        }
    }
    rc |= sort_array(cJSON_GetObjectItemCaseSensitive(doc, "measurements"), "name", NULL);
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "measurements"))
    {
        cJSON *cfg = cJSON_GetObjectItemCaseSensitive(c, "config");
        rc |= sort_array(cJSON_GetObjectItemCaseSensitive(cfg, "parameters"), "name", NULL);
    }
    rc |= sort_array(cJSON_GetObjectItemCaseSensitive(doc, "observations"), "name", NULL);
    return rc < 0 ? hf_error_nomem(err) : 0;
}

/* ---- Workspace._prune_and_rename ---- */

static bool
listed(const hf_wsedit_names *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->from[i], name) == 0)
            return true;
    return false;
}

/* dict(rename).get(name, name): the last pair wins, as a Python dict built from pairs. */
static const char *
renamed(const hf_wsedit_names *l, const char *name)
{
    for (size_t i = l->n; i-- > 0;)
        if (strcmp(l->from[i], name) == 0)
            return l->to[i];
    return name;
}

/* Whether some channel, sample or modifier of doc has `key` equal to name ("channels" level
 * 0, samples 1, modifiers 2); for level 2 `key` may be "type". */
static bool
ws_has(const cJSON *doc, int level, const char *key, const char *name)
{
    const cJSON *c, *s, *m;
    cJSON_ArrayForEach(c, member(doc, "channels"))
    {
        if (level == 0 && strcmp(name_of(c, key), name) == 0)
            return true;
        cJSON_ArrayForEach(s, member(c, "samples"))
        {
            if (level == 1 && strcmp(name_of(s, key), name) == 0)
                return true;
            cJSON_ArrayForEach(m, member(s, "modifiers"))
            {
                if (level == 2 && strcmp(name_of(m, key), name) == 0)
                    return true;
            }
        }
    }
    return false;
}

static bool
has_measurement(const cJSON *doc, const char *name)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, member(doc, "measurements"))
    {
        if (strcmp(name_of(m, "name"), name) == 0)
            return true;
    }
    return false;
}

/* pyhf's checks, in its order: every name to prune or rename must exist. */
static int
check_names(const cJSON *doc, const hf_wsedit_ops *o, hf_error *err)
{
    const struct {
        const hf_wsedit_names *l;
        int level;
        const char *key, *what, *where;
    } checks[] = {
        {&o->prune_types, 2, "type", "modifier types", "/channels"},
        {&o->prune_modifiers, 2, "name", "modifiers", "/channels"},
        {&o->rename_modifiers, 2, "name", "modifiers", "/channels"},
        {&o->prune_samples, 1, "name", "samples", "/channels"},
        {&o->rename_samples, 1, "name", "samples", "/channels"},
        {&o->prune_channels, 0, "name", "channels", "/channels"},
        {&o->rename_channels, 0, "name", "channels", "/channels"},
        {&o->prune_measurements, 3, "name", "measurements", "/measurements"},
        {&o->rename_measurements, 3, "name", "measurements", "/measurements"},
    };
    for (size_t k = 0; k < sizeof(checks) / sizeof(checks[0]); k++)
        for (size_t i = 0; i < checks[k].l->n; i++) {
            const char *name = checks[k].l->from[i];
            bool ok = checks[k].level == 3 ? has_measurement(doc, name)
                                           : ws_has(doc, checks[k].level, checks[k].key, name);
            if (!ok)
                return hf_error_set(err, HF_EUSAGE, checks[k].where,
                                    "'%s' is not one of the %s in this workspace", name,
                                    checks[k].what);
        }
    return 0;
}

/* A copy of the object item with its "name" changed to name (dict(item, name=...)). */
static cJSON *
dup_renamed(const cJSON *item, const char *key, const char *name)
{
    cJSON *d = cJSON_Duplicate(item, 1);
    if (d == NULL)
        return NULL;
    cJSON *s = cJSON_CreateString(name);
    if (s == NULL || !cJSON_ReplaceItemInObjectCaseSensitive(d, key, s)) {
        if (s != NULL && cJSON_AddItemToObject(d, key, s))
            return d;
        cJSON_Delete(s);
        cJSON_Delete(d);
        return NULL;
    }
    return d;
}

/* The new modifiers list of a sample: pruned by name and type, renamed. */
static cJSON *
edit_modifiers(const cJSON *mods, const hf_wsedit_ops *o)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *m;
    cJSON_ArrayForEach(m, mods)
    {
        const char *name = name_of(m, "name");
        if (out == NULL || listed(&o->prune_modifiers, name) ||
            listed(&o->prune_types, name_of(m, "type")))
            continue;
        cJSON *d = dup_renamed(m, "name", renamed(&o->rename_modifiers, name));
        if (d == NULL || !cJSON_AddItemToArray(out, d)) {
            cJSON_Delete(d);
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
}

/* {"name", "data", "modifiers"} of a kept sample: pyhf's new spec drops any other key. */
static cJSON *
edit_sample(const cJSON *s, const hf_wsedit_ops *o)
{
    cJSON *d = cJSON_CreateObject();
    cJSON *data = cJSON_Duplicate(member(s, "data"), 1);
    cJSON *mods = edit_modifiers(member(s, "modifiers"), o);
    if (d == NULL || data == NULL || mods == NULL ||
        cJSON_AddStringToObject(d, "name", renamed(&o->rename_samples, name_of(s, "name"))) ==
            NULL ||
        !cJSON_AddItemToObject(d, "data", data)) {
        cJSON_Delete(d);
        cJSON_Delete(data);
        cJSON_Delete(mods);
        return NULL;
    }
    if (!cJSON_AddItemToObject(d, "modifiers", mods)) {
        cJSON_Delete(mods);
        cJSON_Delete(d);
        return NULL;
    }
    return d;
}

static cJSON *
edit_channel(const cJSON *c, const hf_wsedit_ops *o)
{
    cJSON *d = cJSON_CreateObject();
    cJSON *samples = cJSON_AddArrayToObject(d, "samples");
    if (samples == NULL ||
        cJSON_AddStringToObject(d, "name", renamed(&o->rename_channels, name_of(c, "name"))) ==
            NULL) {
        cJSON_Delete(d);
        return NULL;
    }
    const cJSON *s;
    cJSON_ArrayForEach(s, member(c, "samples"))
    {
        if (listed(&o->prune_samples, name_of(s, "name")))
            continue;
        cJSON *e = edit_sample(s, o);
        if (e == NULL || !cJSON_AddItemToArray(samples, e)) {
            cJSON_Delete(e);
            cJSON_Delete(d);
            return NULL;
        }
    }
    return d;
}

/* {"name", "config": {"parameters", "poi"}}: parameters pruned and renamed as modifiers are. */
static cJSON *
edit_measurement(const cJSON *m, const hf_wsedit_ops *o)
{
    const cJSON *cfg = member(m, "config");
    cJSON *d = cJSON_CreateObject();
    cJSON *dc = cJSON_AddObjectToObject(d, "config");
    cJSON *pars = cJSON_AddArrayToObject(dc, "parameters");
    if (pars == NULL ||
        cJSON_AddStringToObject(d, "name", renamed(&o->rename_measurements, name_of(m, "name"))) ==
            NULL ||
        cJSON_AddStringToObject(dc, "poi", renamed(&o->rename_modifiers, name_of(cfg, "poi"))) ==
            NULL) {
        cJSON_Delete(d);
        return NULL;
    }
    const cJSON *p;
    cJSON_ArrayForEach(p, member(cfg, "parameters"))
    {
        const char *name = name_of(p, "name");
        if (listed(&o->prune_modifiers, name))
            continue;
        cJSON *e = dup_renamed(p, "name", renamed(&o->rename_modifiers, name));
        if (e == NULL || !cJSON_AddItemToArray(pars, e)) {
            cJSON_Delete(e);
            cJSON_Delete(d);
            return NULL;
        }
    }
    return d;
}

/* Append edit(item) for every item of src not pruned by its name; -1 on ENOMEM. */
static int
edit_list(cJSON *dst, const cJSON *src, const hf_wsedit_names *prune,
          cJSON *(*edit)(const cJSON *, const hf_wsedit_ops *), const hf_wsedit_ops *o)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, src)
    {
        if (listed(prune, name_of(it, "name")))
            continue;
        cJSON *e = edit(it, o);
        if (e == NULL || !cJSON_AddItemToArray(dst, e)) {
            cJSON_Delete(e);
            return -1;
        }
    }
    return 0;
}

static cJSON *
edit_observation(const cJSON *obs, const hf_wsedit_ops *o)
{
    return dup_renamed(obs, "name", renamed(&o->rename_channels, name_of(obs, "name")));
}

/* See wsedit.h. */
cJSON *
hf_wsedit_prune_rename(const cJSON *doc, const hf_wsedit_ops *ops, hf_error *err)
{
    if (check_names(doc, ops, err) < 0)
        return NULL;
    cJSON *out = cJSON_CreateObject();
    cJSON *ch = cJSON_AddArrayToObject(out, "channels");
    cJSON *me = cJSON_AddArrayToObject(out, "measurements");
    cJSON *ob = cJSON_AddArrayToObject(out, "observations");
    cJSON *ver = cJSON_Duplicate(member(doc, "version"), 1);
    if (ob == NULL || ver == NULL || !cJSON_AddItemToObject(out, "version", ver) ||
        edit_list(ch, member(doc, "channels"), &ops->prune_channels, edit_channel, ops) < 0 ||
        edit_list(me, member(doc, "measurements"), &ops->prune_measurements, edit_measurement,
                  ops) < 0 ||
        edit_list(ob, member(doc, "observations"), &ops->prune_channels, edit_observation, ops) <
            0) {
        if (ver != NULL && cJSON_GetObjectItemCaseSensitive(out, "version") != ver)
            cJSON_Delete(ver);
        cJSON_Delete(out);
        hf_error_nomem(err);
        return NULL;
    }
    return out;
}

/* ---- Workspace.combine ---- */

static const char *const join_names[] = {"none", "outer", "left outer", "right outer"};

/* See wsedit.h. */
int
hf_wsedit_join_parse(const char *s, hf_wsedit_join *out)
{
    for (size_t i = 0; i < sizeof(join_names) / sizeof(join_names[0]); i++) {
        const char *a = join_names[i], *b = s;
        while (*a != '\0' && (*a == *b || (*a == ' ' && (*b == '_' || *b == '-')))) {
            a++;
            b++;
        }
        if (*a == '\0' && *b == '\0') {
            *out = (hf_wsedit_join)i;
            return 0;
        }
    }
    return -1;
}

const char *
hf_wsedit_join_name(hf_wsedit_join j)
{
    return join_names[j];
}

static bool
array_has_equal(const cJSON *arr, const cJSON *item)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
    {
        if (hf_wsedit_equal(x, item))
            return true;
    }
    return false;
}

static bool
array_has_name(const cJSON *arr, const char *name)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
    {
        if (strcmp(name_of(x, "name"), name) == 0)
            return true;
    }
    return false;
}

/* The first item of arr called name, NULL if none. */
static cJSON *
find_named(cJSON *arr, const char *name)
{
    cJSON *x;
    cJSON_ArrayForEach(x, arr)
    {
        if (strcmp(name_of(x, "name"), name) == 0)
            return x;
    }
    return NULL;
}

static cJSON *join_items(hf_wsedit_join join, const cJSON *left, const cJSON *right,
                         const char *deep);

/* Deep merge (merge_channels): the secondary item's `deep` list joined "left outer" into the
 * joined item of the same name. 0 or -1 (ENOMEM). */
static int
deep_merge(cJSON *into, const cJSON *from, const char *deep)
{
    cJSON *m = join_items(HF_JOIN_LEFT_OUTER, member(into, deep), member(from, deep), NULL);
    if (m == NULL)
        return -1;
    if (!cJSON_ReplaceItemInObjectCaseSensitive(into, deep, m)) {
        cJSON_Delete(m);
        return -1;
    }
    return 0;
}

/* _join_items: a copy of the primary list (right for "right outer"), then each secondary item:
 * merged into the primary item of its name when `deep` is set (merge_channels), else added for
 * join none, for outer unless an equal item is in the primary list, for left/right outer unless
 * the primary list has its name. Names are those of the primary list, as pyhf's `keys`. */
static cJSON *
join_items(hf_wsedit_join join, const cJSON *left, const cJSON *right, const char *deep)
{
    const cJSON *prim = join == HF_JOIN_RIGHT_OUTER ? right : left;
    const cJSON *sec = join == HF_JOIN_RIGHT_OUTER ? left : right;
    cJSON *out = cJSON_Duplicate(prim, 1);
    const cJSON *it;
    cJSON_ArrayForEach(it, sec)
    {
        if (out == NULL)
            break;
        bool named = array_has_name(prim, name_of(it, "name"));
        if (named && deep != NULL) {
            if (deep_merge(find_named(out, name_of(it, "name")), it, deep) < 0) {
                cJSON_Delete(out);
                return NULL;
            }
            continue;
        }
        if ((join == HF_JOIN_OUTER && array_has_equal(prim, it)) ||
            ((join == HF_JOIN_LEFT_OUTER || join == HF_JOIN_RIGHT_OUTER) && named))
            continue;
        cJSON *d = cJSON_Duplicate(it, 1);
        if (d == NULL || !cJSON_AddItemToArray(out, d)) {
            cJSON_Delete(d);
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
}

/* The names (comma-separated, in first-seen order) that occur in both a and b (common = true)
 * or more than once in a (common = false); NULL when none. Caller frees. */
static char *
name_clash(const cJSON *a, const cJSON *b, bool common)
{
    hf_strbuf s = {0};
    const cJSON *x, *y;
    cJSON_ArrayForEach(x, a)
    {
        const char *n = name_of(x, "name");
        bool hit = false, seen = false;
        for (y = a->child; y != x; y = y->next)
            seen |= strcmp(name_of(y, "name"), n) == 0;
        if (seen)
            continue;
        if (common)
            hit = array_has_name(b, n);
        else
            for (y = x->next; y != NULL; y = y->next)
                hit |= strcmp(name_of(y, "name"), n) == 0;
        if (hit) {
            if (s.n > 0)
                hf_strbuf_str(&s, ", ");
            hf_strbuf_str(&s, "'");
            hf_strbuf_str(&s, n);
            hf_strbuf_str(&s, "'");
        }
    }
    if (s.oom) {
        free(s.p);
        return strdup("(out of memory)");
    }
    return s.p;
}

/* _join_channels / _join_observations: the joined list, or NULL with err on a conflict. */
static cJSON *
join_named(hf_wsedit_join join, const cJSON *l, const cJSON *r, const char *what, const char *deep,
           hf_error *err)
{
    cJSON *out = join_items(join, l, r, deep);
    if (out == NULL) {
        hf_error_nomem(err);
        return NULL;
    }
    char *clash = join == HF_JOIN_NONE    ? name_clash(l, r, true)
                  : join == HF_JOIN_OUTER ? name_clash(out, NULL, false)
                                          : NULL;
    if (clash == NULL)
        return out;
    if (join == HF_JOIN_NONE)
        hf_error_set(err, HF_EUSAGE, "",
                     "workspaces cannot have any %s in common with the same "
                     "name: %s (try another --join: none, outer, left outer, right outer)",
                     what, clash);
    else
        hf_error_set(err, HF_EUSAGE, "",
                     "workspaces cannot have %s in common with incompatible "
                     "structure: %s (try another --join: none, outer, left outer, right outer)",
                     what, clash);
    free(clash);
    cJSON_Delete(out);
    return NULL;
}

/* Merge the measurements called name in joined (outer join): one POI, parameter configs joined
 * outer with no name twice. Returns the merged measurement or NULL with err. */
static cJSON *
merge_measurement(const cJSON *joined, const char *name, hf_error *err)
{
    const cJSON *m, *first = NULL;
    cJSON *pars = cJSON_CreateArray();
    cJSON_ArrayForEach(m, joined)
    {
        if (strcmp(name_of(m, "name"), name) != 0)
            continue;
        const cJSON *cfg = member(m, "config");
        if (first == NULL) {
            first = m;
        } else if (strcmp(name_of(member(first, "config"), "poi"), name_of(cfg, "poi")) != 0) {
            cJSON_Delete(pars);
            hf_error_set(err, HF_EUSAGE, "",
                         "workspaces cannot have the same measurements with "
                         "incompatible POI: '%s'",
                         name);
            return NULL;
        }
        cJSON *j = join_items(HF_JOIN_OUTER, pars, member(cfg, "parameters"), NULL);
        cJSON_Delete(pars);
        pars = j;
        if (pars == NULL)
            break;
    }
    char *clash = pars != NULL ? name_clash(pars, NULL, false) : NULL;
    if (pars == NULL || clash != NULL) {
        if (clash != NULL)
            hf_error_set(err, HF_EUSAGE, "",
                         "workspaces cannot have a measurement ('%s') with "
                         "incompatible parameter configs: %s (try another --join)",
                         name, clash);
        else
            hf_error_nomem(err);
        free(clash);
        cJSON_Delete(pars);
        return NULL;
    }
    cJSON *d = cJSON_CreateObject();
    cJSON *cfg = cJSON_AddObjectToObject(d, "config");
    if (cJSON_AddStringToObject(d, "name", name) == NULL ||
        cJSON_AddStringToObject(cfg, "poi", name_of(member(first, "config"), "poi")) == NULL ||
        !cJSON_AddItemToObject(cfg, "parameters", pars)) {
        cJSON_Delete(pars);
        cJSON_Delete(d);
        hf_error_nomem(err);
        return NULL;
    }
    return d;
}

/* _join_measurements for join = outer: measurements of one name merged, first-seen order. */
static cJSON *
join_measurements_outer(cJSON *joined, hf_error *err)
{
    const cJSON *m, *y;
    cJSON *out = cJSON_CreateArray();
    cJSON_ArrayForEach(m, joined)
    {
        const char *name = name_of(m, "name");
        bool seen = false, dup = false;
        for (y = joined->child; y != m; y = y->next)
            seen |= strcmp(name_of(y, "name"), name) == 0;
        for (y = m->next; y != NULL; y = y->next)
            dup |= strcmp(name_of(y, "name"), name) == 0;
        if (seen || out == NULL)
            continue;
        cJSON *d = dup ? merge_measurement(joined, name, err) : cJSON_Duplicate(m, 1);
        if (d == NULL || !cJSON_AddItemToArray(out, d)) {
            if (d == NULL && !dup)
                hf_error_nomem(err);
            cJSON_Delete(d);
            cJSON_Delete(out);
            out = NULL;
            break;
        }
    }
    cJSON_Delete(joined);
    if (out == NULL && err != NULL && err->code == HF_OK)
        hf_error_nomem(err);
    return out;
}

static cJSON *
join_measurements(hf_wsedit_join join, const cJSON *l, const cJSON *r, hf_error *err)
{
    if (join == HF_JOIN_NONE) {
        char *clash = name_clash(l, r, true);
        if (clash != NULL) {
            hf_error_set(err, HF_EUSAGE, "",
                         "workspaces cannot have any measurements in common "
                         "with the same name: %s (try another --join: none, outer, left outer, "
                         "right outer)",
                         clash);
            free(clash);
            return NULL;
        }
    }
    cJSON *joined = join_items(join, l, r, NULL);
    if (joined == NULL) {
        hf_error_nomem(err);
        return NULL;
    }
    return join == HF_JOIN_OUTER ? join_measurements_outer(joined, err) : joined;
}

/* See wsedit.h. */
cJSON *
hf_wsedit_combine(const cJSON *left, const cJSON *right, hf_wsedit_join join, bool merge_channels,
                  hf_error *err)
{
    if (merge_channels && join == HF_JOIN_NONE) {
        hf_error_set(err, HF_EUSAGE, "",
                     "channels can only be merged with the 'outer', 'left "
                     "outer' or 'right outer' join, not 'none'");
        return NULL;
    }
    const char *lv = name_of(left, "version"), *rv = name_of(right, "version");
    if (strcmp(lv, rv) != 0) {
        hf_error_set(err, HF_EUSAGE, "/version",
                     "workspaces of different versions cannot be "
                     "combined: '%s' != '%s'",
                     lv, rv);
        return NULL;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON *ch = join_named(join, member(left, "channels"), member(right, "channels"), "channels",
                           merge_channels ? "samples" : NULL, err);
    if (out == NULL || ch == NULL || !cJSON_AddItemToObject(out, "channels", ch))
        goto fail_ch;
    cJSON *ob = join_named(join, member(left, "observations"), member(right, "observations"),
                           "observations", NULL, err);
    if (ob == NULL || !cJSON_AddItemToObject(out, "observations", ob))
        goto fail_ob;
    cJSON *me =
        join_measurements(join, member(left, "measurements"), member(right, "measurements"), err);
    if (me == NULL || !cJSON_AddItemToObject(out, "measurements", me))
        goto fail_me;
    if (cJSON_AddStringToObject(out, "version", lv) == NULL) {
        hf_error_nomem(err);
        cJSON_Delete(out);
        return NULL;
    }
    return out;
fail_me:
    cJSON_Delete(me);
    cJSON_Delete(out);
    return NULL;
fail_ob:
    cJSON_Delete(ob);
    cJSON_Delete(out);
    return NULL;
fail_ch:
    if (ch != NULL && out != NULL && member(out, "channels") != ch)
        cJSON_Delete(ch);
    cJSON_Delete(out);
    if (err != NULL && err->code == HF_OK)
        hf_error_nomem(err);
    return NULL;
}
