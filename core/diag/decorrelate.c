/* core/diag/decorrelate.c - splitting a parameter per channel/sample/group in the JSON document,
 * and the RFC 6902 diff that records the change as a patch (core/json/jsonpatch.h applies it). */
#include "core/diag/decorrelate.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
json_str(const cJSON *obj, const char *key)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(s) ? s->valuestring : NULL;
}

/* ---------------------------------------------------------------- RFC 6902 diff */

/* A growing JSON pointer: parts are appended with RFC 6901 escaping (~ -> ~0, / -> ~1). */
typedef struct ptr {
    char *s;
    size_t len, cap;
} ptr;

static int
ptr_push(ptr *p, const char *tok, size_t *saved)
{
    *saved = p->len;
    size_t need = p->len + 2 * strlen(tok) + 2;
    if (need > p->cap) {
        size_t ncap = need * 2;
        char *ns = realloc(p->s, ncap);
        if (ns == NULL)
            return -1;
        p->s = ns;
        p->cap = ncap;
    }
    p->s[p->len++] = '/';
    for (const char *c = tok; *c; c++) {
        if (*c == '~' || *c == '/') {
            p->s[p->len++] = '~';
            p->s[p->len++] = *c == '~' ? '0' : '1';
        } else {
            p->s[p->len++] = *c;
        }
    }
    p->s[p->len] = '\0';
    return 0;
}

static int
ptr_push_index(ptr *p, int i, size_t *saved)
{
    char buf[24];
    (void)snprintf(buf, sizeof(buf), "%d", i);
    return ptr_push(p, buf, saved);
}

static void
ptr_pop(ptr *p, size_t saved)
{
    p->len = saved;
    p->s[saved] = '\0';
}

static int
emit(cJSON *ops, const char *op, const char *path, const cJSON *value)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || cJSON_AddStringToObject(o, "op", op) == NULL ||
        cJSON_AddStringToObject(o, "path", path) == NULL) {
        cJSON_Delete(o);
        return -1;
    }
    if (value != NULL) {
        cJSON *v = cJSON_Duplicate(value, 1);
        if (v == NULL) {
            cJSON_Delete(o);
            return -1;
        }
        cJSON_AddItemToObject(o, "value", v);
    }
    cJSON_AddItemToArray(ops, o);
    return 0;
}

static int diff_value(cJSON *ops, ptr *p, const cJSON *a, const cJSON *b);

static int
diff_object(cJSON *ops, ptr *p, const cJSON *a, const cJSON *b)
{
    const cJSON *it;
    size_t saved;
    cJSON_ArrayForEach(it, a)
    {
        const cJSON *bi = cJSON_GetObjectItemCaseSensitive(b, it->string);
        if (ptr_push(p, it->string, &saved) < 0)
            return -1;
        int r = bi == NULL ? emit(ops, "remove", p->s, NULL) : diff_value(ops, p, it, bi);
        ptr_pop(p, saved);
        if (r < 0)
            return -1;
    }
    cJSON_ArrayForEach(it, b)
    {
        if (cJSON_GetObjectItemCaseSensitive(a, it->string) != NULL)
            continue;
        if (ptr_push(p, it->string, &saved) < 0)
            return -1;
        int r = emit(ops, "add", p->s, it);
        ptr_pop(p, saved);
        if (r < 0)
            return -1;
    }
    return 0;
}

/* Common prefix and suffix stay; the middle is diffed pairwise, then the surplus of `a` removed
 * (always at the same index, as each removal shifts the rest) or the surplus of `b` added. */
static int
diff_array(cJSON *ops, ptr *p, const cJSON *a, const cJSON *b)
{
    int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
    int pre = 0, suf = 0;
    while (pre < na && pre < nb &&
           cJSON_Compare(cJSON_GetArrayItem(a, pre), cJSON_GetArrayItem(b, pre), 1))
        pre++;
    while (
        suf < na - pre && suf < nb - pre &&
        cJSON_Compare(cJSON_GetArrayItem(a, na - 1 - suf), cJSON_GetArrayItem(b, nb - 1 - suf), 1))
        suf++;
    int ma = na - pre - suf, mb = nb - pre - suf, common = ma < mb ? ma : mb;
    size_t saved;
    for (int i = 0; i < common; i++) {
        if (ptr_push_index(p, pre + i, &saved) < 0)
            return -1;
        int r = diff_value(ops, p, cJSON_GetArrayItem(a, pre + i), cJSON_GetArrayItem(b, pre + i));
        ptr_pop(p, saved);
        if (r < 0)
            return -1;
    }
    for (int i = common; i < ma; i++) {
        if (ptr_push_index(p, pre + common, &saved) < 0)
            return -1;
        int r = emit(ops, "remove", p->s, NULL);
        ptr_pop(p, saved);
        if (r < 0)
            return -1;
    }
    for (int i = common; i < mb; i++) {
        if (ptr_push_index(p, pre + i, &saved) < 0)
            return -1;
        int r = emit(ops, "add", p->s, cJSON_GetArrayItem(b, pre + i));
        ptr_pop(p, saved);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int
diff_value(cJSON *ops, ptr *p, const cJSON *a, const cJSON *b)
{
    if (cJSON_Compare(a, b, 1))
        return 0;
    if (cJSON_IsObject(a) && cJSON_IsObject(b))
        return diff_object(ops, p, a, b);
    if (cJSON_IsArray(a) && cJSON_IsArray(b))
        return diff_array(ops, p, a, b);
    return emit(ops, "replace", p->len > 0 ? p->s : "", b);
}

cJSON *
hf_decorrelate_diff(const cJSON *from, const cJSON *to)
{
    cJSON *ops = cJSON_CreateArray();
    ptr p = {0};
    p.s = malloc(64);
    if (ops == NULL || p.s == NULL) {
        cJSON_Delete(ops);
        free(p.s);
        return NULL;
    }
    p.cap = 64;
    p.s[0] = '\0';
    if (diff_value(ops, &p, from, to) < 0) {
        cJSON_Delete(ops);
        ops = NULL;
    }
    free(p.s);
    return ops;
}

/* ---------------------------------------------------------------- decorrelation */

/* The group of one modifier occurrence; NULL when no group claims it. */
static const char *
group_of(hf_decorrelate_by by, const cJSON *groups, const char *chan, const char *samp)
{
    if (by == HF_DECOR_CHANNEL)
        return chan;
    if (by == HF_DECOR_SAMPLE)
        return samp;
    const cJSON *g;
    cJSON_ArrayForEach(g, groups)
    {
        const cJSON *mb;
        cJSON_ArrayForEach(mb, g)
        {
            const char *s = mb->valuestring;
            size_t lc = strlen(chan);
            if (strcmp(s, chan) == 0 || strcmp(s, samp) == 0 ||
                (strncmp(s, chan, lc) == 0 && s[lc] == '/' && strcmp(s + lc + 1, samp) == 0))
                return g->string;
        }
    }
    return NULL;
}

static bool
name_used(const cJSON *doc, const hf_decorrelation *d, const char *name)
{
    for (size_t i = 0; i < d->nsplit; i++)
        if (strcmp(d->split[i].name, name) == 0)
            return true;
    const cJSON *ch, *s, *md;
    cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(doc, "channels"))
    {
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(ch, "samples"))
        {
            cJSON_ArrayForEach(md, cJSON_GetObjectItemCaseSensitive(s, "modifiers"))
            {
                const char *n = json_str(md, "name");
                if (n != NULL && strcmp(n, name) == 0)
                    return true;
            }
        }
    }
    return false;
}

/* Index of the split for group g (adding it, with a unique new name, if new); -1 on ENOMEM. */
static long
split_for(const cJSON *doc, hf_decorrelation *d, const char *np, const char *g)
{
    for (size_t i = 0; i < d->nsplit; i++)
        if (strcmp(d->split[i].group, g) == 0)
            return (long)i;
    hf_decorrelate_split *ns = realloc(d->split, (d->nsplit + 1) * sizeof(*ns));
    if (ns == NULL)
        return -1;
    d->split = ns;
    size_t len = strlen(np) + strlen(g) + 32;
    char *name = malloc(len);
    char *group = strdup(g);
    if (name == NULL || group == NULL) {
        free(name);
        free(group);
        return -1;
    }
    if (g[0] == '\0') {
        (void)snprintf(name, len, "%s", np); /* the ungrouped rest keeps the original parameter */
    } else {
        (void)snprintf(name, len, "%s_%s", np, g);
        for (int k = 2; name_used(doc, d, name); k++)
            (void)snprintf(name, len, "%s_%s_%d", np, g, k);
    }
    d->split[d->nsplit].name = name;
    d->split[d->nsplit].group = group;
    return (long)d->nsplit++;
}

static int
check_groups(const cJSON *groups, hf_error *err)
{
    if (!cJSON_IsObject(groups))
        return hf_error_set(err, HF_ESCHEMA, "", "groups must be an object of name: [members]");
    const cJSON *g, *m;
    cJSON_ArrayForEach(g, groups)
    {
        if (g->string[0] == '\0')
            return hf_error_set(err, HF_ESCHEMA, "/", "group names must not be empty");
        if (!cJSON_IsArray(g))
            return hf_error_set(err, HF_ESCHEMA, "", "group \"%s\" must be an array of names",
                                g->string);
        cJSON_ArrayForEach(m, g)
        {
            if (!cJSON_IsString(m))
                return hf_error_set(err, HF_ESCHEMA, "",
                                    "group \"%s\" must hold channel or sample names", g->string);
        }
    }
    return 0;
}

/* Put a copy of np's configuration, renamed, after it for every split parameter (the original
 * goes unless the ungrouped rest keeps it). The array is rebuilt by moving items: the Debian 12
 * cJSON_InsertItemInArray fails for inner positions (see core/json/patch.c). */
static int
split_configs(cJSON *pars, const char *np, const hf_decorrelation *out, bool rest)
{
    cJSON *items = cJSON_CreateArray();
    if (items == NULL)
        return -1;
    while (cJSON_GetArraySize(pars) > 0)
        cJSON_AddItemToArray(items, cJSON_DetachItemFromArray(pars, 0));
    int rc = 0;
    while (cJSON_GetArraySize(items) > 0) {
        cJSON *pc = cJSON_DetachItemFromArray(items, 0);
        const char *pn = json_str(pc, "name");
        if (pn == NULL || strcmp(pn, np) != 0 || rc < 0) {
            cJSON_AddItemToArray(pars, pc);
            continue;
        }
        for (size_t k = 0; k < out->nsplit && rc == 0; k++) {
            if (out->split[k].group[0] == '\0')
                continue;
            cJSON *copy = cJSON_Duplicate(pc, 1);
            cJSON *name = cJSON_CreateString(out->split[k].name);
            if (copy == NULL || name == NULL ||
                !cJSON_ReplaceItemInObjectCaseSensitive(copy, "name", name)) {
                cJSON_Delete(copy);
                cJSON_Delete(name);
                rc = -1;
                break;
            }
            cJSON_AddItemToArray(pars, copy);
        }
        if (rest || rc < 0)
            cJSON_AddItemToArray(pars, pc);
        else
            cJSON_Delete(pc);
    }
    cJSON_Delete(items);
    return rc;
}

/* Rename the modifiers, then copy the measurement configuration of np for every new name. */
int
hf_decorrelate_apply(const cJSON *doc, const char *np, hf_decorrelate_by by, const cJSON *groups,
                     hf_decorrelation *out, hf_error *err)
{
    memset(out, 0, sizeof(*out));
    if (by == HF_DECOR_GROUPS && check_groups(groups, err) < 0)
        return -1;
    cJSON *nd = cJSON_Duplicate(doc, 1);
    if (nd == NULL)
        return hf_error_nomem(err);
    out->workspace = nd;

    size_t found = 0;
    bool rest = false;
    cJSON *ch, *s, *md;
    cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(nd, "channels"))
    {
        const char *cname = json_str(ch, "name");
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(ch, "samples"))
        {
            const char *sname = json_str(s, "name");
            cJSON_ArrayForEach(md, cJSON_GetObjectItemCaseSensitive(s, "modifiers"))
            {
                const char *mname = json_str(md, "name");
                if (mname == NULL || strcmp(mname, np) != 0 || cname == NULL || sname == NULL)
                    continue;
                found++;
                const char *g = group_of(by, groups, cname, sname);
                if (g == NULL) {
                    rest = true;
                    g = "";
                }
                long k = split_for(doc, out, np, g);
                if (k < 0)
                    goto nomem;
                if (g[0] != '\0' && !cJSON_ReplaceItemInObjectCaseSensitive(
                                        md, "name", cJSON_CreateString(out->split[k].name)))
                    goto nomem;
            }
        }
    }
    if (found == 0) {
        hf_error_set(err, HF_EUSAGE, "", "no modifier named \"%s\"", np);
        hf_decorrelate_release(out);
        return -1;
    }

    cJSON *meas;
    cJSON_ArrayForEach(meas, cJSON_GetObjectItemCaseSensitive(nd, "measurements"))
    {
        cJSON *cfg = cJSON_GetObjectItemCaseSensitive(meas, "config");
        const char *poi = json_str(cfg, "poi");
        if (poi != NULL && strcmp(poi, np) == 0 && !rest) {
            for (size_t i = 0; i < out->nsplit && out->poi == NULL; i++)
                if (out->split[i].group[0] != '\0' &&
                    (out->poi = strdup(out->split[i].name)) == NULL)
                    goto nomem;
            if (!cJSON_ReplaceItemInObjectCaseSensitive(cfg, "poi", cJSON_CreateString(out->poi)))
                goto nomem;
        }
        cJSON *pars = cJSON_GetObjectItemCaseSensitive(cfg, "parameters");
        if (cJSON_IsArray(pars) && split_configs(pars, np, out, rest) < 0)
            goto nomem;
    }
    out->patch = hf_decorrelate_diff(doc, nd);
    if (out->patch == NULL)
        goto nomem;
    return 0;
nomem:
    hf_decorrelate_release(out);
    return hf_error_nomem(err);
}

void
hf_decorrelate_release(hf_decorrelation *d)
{
    if (d == NULL)
        return;
    cJSON_Delete(d->workspace);
    cJSON_Delete(d->patch);
    for (size_t i = 0; i < d->nsplit; i++) {
        free(d->split[i].name);
        free(d->split[i].group);
    }
    free(d->split);
    free(d->poi);
    memset(d, 0, sizeof(*d));
}
