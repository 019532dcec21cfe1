/* core/json/jsonpatch.c - RFC 6902 JSON Patch (add, remove, replace, move, copy, test) with RFC
 * 6901 pointers on cJSON trees. */
#include "core/json/jsonpatch.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/jsontext.h"

/* ---- RFC 6901 pointers ---- */

/* Decode the reference token starting at p (just after a '/') up to the next '/' or the end;
 * ~1 -> '/', ~0 -> '~'. Returns a heap string (NULL on ENOMEM or a bad escape, *bad set). */
static char *
next_token(const char **p, bool *bad)
{
    const char *s = *p;
    size_t n = strcspn(s, "/");
    char *t = malloc(n + 1);
    if (t == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '~') {
            if (i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
                t[k++] = s[i + 1] == '0' ? '~' : '/';
                i++;
            } else {
                *bad = true;
                free(t);
                return NULL;
            }
        } else {
            t[k++] = s[i];
        }
    }
    t[k] = '\0';
    *p = s + n;
    return t;
}

/* Array index token: digits without a leading zero. Returns -1 if not an index. */
static long
array_index(const char *tok)
{
    size_t n = strlen(tok);
    if (n == 0 || n > 9 || (n > 1 && tok[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (tok[i] < '0' || tok[i] > '9')
            return -1;
    return strtol(tok, NULL, 10);
}

static cJSON *
child(cJSON *cur, const char *tok)
{
    if (cJSON_IsArray(cur)) {
        long i = array_index(tok);
        return i < 0 ? NULL : cJSON_GetArrayItem(cur, (int)i);
    }
    if (cJSON_IsObject(cur))
        return cJSON_GetObjectItemCaseSensitive(cur, tok);
    return NULL;
}

typedef struct loc {
    cJSON *parent; /* container holding the target; NULL for the root pointer "" */
    char *last;    /* last reference token (heap), NULL for the root */
    cJSON *target; /* the value at the pointer, NULL if absent */
} loc;

typedef enum { LOC_OK = 0, LOC_SYNTAX, LOC_MISSING_PARENT, LOC_NOMEM } loc_status;

/* Resolve ptr in root: everything but the last token must exist. */
static loc_status
locate(cJSON *root, const char *ptr, loc *out)
{
    memset(out, 0, sizeof(*out));
    if (ptr[0] == '\0') {
        out->target = root;
        return LOC_OK;
    }
    if (ptr[0] != '/')
        return LOC_SYNTAX;
    cJSON *cur = root;
    const char *p = ptr;
    while (*p == '/') {
        p++;
        bool bad = false;
        char *tok = next_token(&p, &bad);
        if (tok == NULL)
            return bad ? LOC_SYNTAX : LOC_NOMEM;
        if (*p == '\0') {
            out->parent = cur;
            out->last = tok;
            out->target = child(cur, tok);
            return LOC_OK;
        }
        cur = child(cur, tok);
        free(tok);
        if (cur == NULL)
            return LOC_MISSING_PARENT;
    }
    return LOC_SYNTAX;
}

/* ---- operations ---- */

typedef struct opctx {
    const char *where; /* pointer of the ops array in its file */
    const char *label; /* patch name */
    size_t index;      /* operation index */
    const char *op, *path;
    hf_error *err;
    size_t nodes, bytes;     /* added by the patch so far */
    hf_jsonpatch_limits lim; /* how much it may add */
} opctx;

static int HF_PRINTF(2, 3) op_fail(const opctx *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    size_t wn = strlen(c->where != NULL ? c->where : "") + 32;
    char *w = malloc(wn);
    if (w == NULL)
        return hf_error_nomem(c->err);
    (void)snprintf(w, wn, "%s/%zu", c->where != NULL ? c->where : "", c->index);
    if (c->label != NULL)
        hf_error_set(c->err, HF_ESCHEMA, w, "patch '%s': operation %zu (%s '%s'): %s", c->label,
                     c->index, c->op, c->path, msg);
    else
        hf_error_set(c->err, HF_ESCHEMA, w, "operation %zu (%s '%s'): %s", c->index, c->op, c->path,
                     msg);
    free(w);
    return -1;
}

/* Move value's contents into root (the root node itself stays, as callers hold it). */
static void
replace_root(cJSON *root, cJSON *value)
{
    cJSON tmp = *root;
    root->child = value->child;
    root->type = value->type;
    root->valuestring = value->valuestring;
    root->valueint = value->valueint;
    root->valuedouble = value->valuedouble;
    value->child = tmp.child;
    value->type = tmp.type & ~cJSON_StringIsConst;
    value->valuestring = tmp.valuestring;
    cJSON_Delete(value);
}

/* Replace target (a child of parent under token last) by value, keeping an object key. */
static int
replace_in(const opctx *c, cJSON *parent, const char *last, cJSON *target, cJSON *value)
{
    cJSON_bool ok = cJSON_IsObject(parent)
                        ? cJSON_ReplaceItemInObjectCaseSensitive(parent, last, value)
                        : cJSON_ReplaceItemViaPointer(parent, target, value);
    if (!ok) {
        cJSON_Delete(value);
        return hf_error_nomem(c->err);
    }
    return 0;
}

static int
loc_fail(const opctx *c, loc_status st, const char *ptr)
{
    if (st == LOC_NOMEM)
        return hf_error_nomem(c->err);
    if (st == LOC_SYNTAX)
        return op_fail(c, "'%s' is not a valid JSON pointer", ptr);
    return op_fail(c, "the parent of '%s' does not exist", ptr);
}

/* Insert item before index i < size. Done by hand: cJSON_InsertItemInArray of the Debian 12
 * libcjson (1.7.15) returns false for positions inside the array. */
static void
insert_at(cJSON *array, int i, cJSON *item)
{
    cJSON *tail = cJSON_CreateArray();
    cJSON *moved;
    /* Without memory for the holder, walk the links directly (same result). */
    if (tail == NULL) {
        cJSON *after = cJSON_GetArrayItem(array, i);
        item->next = after;
        item->prev = after->prev;
        if (after == array->child) {
            array->child = item;
        } else {
            item->prev->next = item;
        }
        after->prev = item;
        return;
    }
    while ((moved = cJSON_DetachItemFromArray(array, i)) != NULL)
        cJSON_AddItemToArray(tail, moved);
    cJSON_AddItemToArray(array, item);
    while ((moved = cJSON_DetachItemFromArray(tail, 0)) != NULL)
        cJSON_AddItemToArray(array, moved);
    cJSON_Delete(tail);
}

/* Insert value (owned) at ptr: into an array before the index (or at the end for "-"), or as an
 * object member (replacing an existing one). Consumes value on every path. */
static int
do_add(const opctx *c, cJSON *root, const char *ptr, cJSON *value)
{
    loc l;
    loc_status st = locate(root, ptr, &l);
    if (st != LOC_OK) {
        cJSON_Delete(value);
        return loc_fail(c, st, ptr);
    }
    int rc = 0;
    if (l.parent == NULL) {
        replace_root(root, value);
    } else if (cJSON_IsArray(l.parent)) {
        int size = cJSON_GetArraySize(l.parent);
        long i = strcmp(l.last, "-") == 0 ? size : array_index(l.last);
        if (i < 0 || i > size) {
            cJSON_Delete(value);
            rc = op_fail(c, "index '%s' is out of range for an array of %d", l.last, size);
        } else if (i == size) {
            if (!cJSON_AddItemToArray(l.parent, value)) {
                cJSON_Delete(value);
                rc = hf_error_nomem(c->err);
            }
        } else {
            insert_at(l.parent, (int)i, value);
        }
    } else if (cJSON_IsObject(l.parent)) {
        if (l.target != NULL) {
            rc = replace_in(c, l.parent, l.last, l.target, value);
        } else if (!cJSON_AddItemToObject(l.parent, l.last, value)) {
            cJSON_Delete(value);
            rc = hf_error_nomem(c->err);
        }
    } else {
        cJSON_Delete(value);
        rc = op_fail(c, "the parent of '%s' is not an object or array", ptr);
    }
    free(l.last);
    return rc;
}

/* Detach the value at ptr and return it (caller owns), NULL with err set if absent. */
static cJSON *
do_detach(const opctx *c, cJSON *root, const char *ptr)
{
    loc l;
    loc_status st = locate(root, ptr, &l);
    if (st != LOC_OK) {
        loc_fail(c, st, ptr);
        return NULL;
    }
    free(l.last);
    if (l.parent == NULL) {
        op_fail(c, "cannot remove the whole document");
        return NULL;
    }
    if (l.target == NULL) {
        op_fail(c, "path '%s' does not exist", ptr);
        return NULL;
    }
    return cJSON_DetachItemViaPointer(l.parent, l.target);
}

/* Find the existing value at ptr (NULL with err set if absent). */
static cJSON *
do_get(const opctx *c, cJSON *root, const char *ptr)
{
    loc l;
    loc_status st = locate(root, ptr, &l);
    if (st != LOC_OK) {
        loc_fail(c, st, ptr);
        return NULL;
    }
    free(l.last);
    if (l.target == NULL)
        op_fail(c, "path '%s' does not exist", ptr);
    return l.target;
}

static const char *
str_member(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The size of v: nodes, bytes of keys and strings, and nesting (a scalar 0, [] 1). Walked with
 * a stack of HF_JSON_MAX_DEPTH + 1 frames and no recursion: a deeper value stops the walk with
 * *depth past the limit. -1 when the stack cannot be allocated. */
static int
measure(const cJSON *v, size_t *nodes, size_t *bytes, size_t *depth)
{
    struct frame {
        const cJSON *v;
    } *stack = malloc((HF_JSON_MAX_DEPTH + 1) * sizeof(*stack));
    if (stack == NULL)
        return -1;
    size_t n = 0, b = 0, d = 0, top = 0;
    const cJSON *it = v;
    for (;;) {
        n++;
        b += it->string != NULL ? strlen(it->string) : 0;
        b += cJSON_IsString(it) && it->valuestring != NULL ? strlen(it->valuestring) : 0;
        if ((cJSON_IsArray(it) || cJSON_IsObject(it)) && top + 1 > d)
            d = top + 1;
        if ((cJSON_IsArray(it) || cJSON_IsObject(it)) && it->child != NULL) {
            if (top == HF_JSON_MAX_DEPTH) {
                d = HF_JSON_MAX_DEPTH + 1;
                break;
            }
            stack[top++].v = it;
            it = it->child;
            continue;
        }
        while (it != v && it->next == NULL && top > 0)
            it = stack[--top].v;
        if (it == v)
            break;
        it = it->next;
    }
    free(stack);
    *nodes = n;
    *bytes = b;
    *depth = d;
    return 0;
}

/* Nesting of the container that will hold a value added at ptr: the number of its tokens. */
static size_t
ptr_depth(const char *ptr)
{
    size_t d = 0;
    for (; *ptr != '\0'; ptr++)
        d += *ptr == '/';
    return d;
}

/* May v be placed at ptr? Within HF_JSON_MAX_DEPTH, and, when it is a new copy (grows), within
 * what the patch may still add. Checked before cJSON_Duplicate, which recurses. */
static int
budget(opctx *c, const cJSON *v, const char *ptr, int grows)
{
    size_t n, b, d;
    if (measure(v, &n, &b, &d) < 0)
        return hf_error_nomem(c->err);
    if (ptr_depth(ptr) + d > HF_JSON_MAX_DEPTH)
        return op_fail(c, "the result would nest deeper than %d arrays and objects",
                       HF_JSON_MAX_DEPTH);
    if (!grows)
        return 0;
    if (n > c->lim.max_nodes - c->nodes || b > c->lim.max_bytes - c->bytes)
        return op_fail(c,
                       "the patch adds more than %zu values or %zu bytes of text "
                       "(HFSCOPE_PATCH_MAX_NODES, HFSCOPE_PATCH_MAX_BYTES)",
                       c->lim.max_nodes, c->lim.max_bytes);
    c->nodes += n;
    c->bytes += b;
    return 0;
}

/* Check the shape of one operation; returns its kind (0..5) or -1 with err set. */
static int
check_op(const opctx *c0, const cJSON *op)
{
    static const char *const names[] = {"add", "remove", "replace", "move", "copy", "test"};
    opctx c = *c0;
    c.op = "?";
    c.path = "";
    if (!cJSON_IsObject(op))
        return op_fail(&c, "an operation must be an object");
    const char *name = str_member(op, "op");
    if (name == NULL)
        return op_fail(&c, "missing string member 'op'");
    int kind = -1;
    for (int k = 0; k < 6; k++)
        if (strcmp(name, names[k]) == 0)
            kind = k;
    c.op = name;
    if (kind < 0)
        return op_fail(&c, "unknown op '%s' (expected add, remove, replace, move, copy or test)",
                       name);
    const char *path = str_member(op, "path");
    if (path == NULL)
        return op_fail(&c, "missing string member 'path'");
    c.path = path;
    if (path[0] != '\0' && path[0] != '/')
        return op_fail(&c, "'%s' is not a valid JSON pointer", path);
    if ((kind == 0 || kind == 2 || kind == 5) &&
        cJSON_GetObjectItemCaseSensitive(op, "value") == NULL)
        return op_fail(&c, "missing member 'value'");
    if (kind == 3 || kind == 4) {
        const char *from = str_member(op, "from");
        if (from == NULL)
            return op_fail(&c, "missing string member 'from'");
        if (from[0] != '\0' && from[0] != '/')
            return op_fail(&c, "'%s' is not a valid JSON pointer", from);
    }
    return kind;
}

/* Apply one checked operation of kind `kind` (see check_op). */
static int
apply_kind(opctx *c, int kind, cJSON *doc, const cJSON *op)
{
    c->op = str_member(op, "op");
    c->path = str_member(op, "path");
    const char *from = str_member(op, "from");
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
    switch (kind) {
    case 0: { /* add */
        if (budget(c, value, c->path, 1) < 0)
            return -1;
        cJSON *v = cJSON_Duplicate(value, 1);
        if (v == NULL)
            return hf_error_nomem(c->err);
        return do_add(c, doc, c->path, v);
    }
    case 1: { /* remove */
        cJSON *v = do_detach(c, doc, c->path);
        if (v == NULL)
            return -1;
        cJSON_Delete(v);
        return 0;
    }
    case 2: { /* replace */
        loc l;
        loc_status st = locate(doc, c->path, &l);
        if (st != LOC_OK)
            return loc_fail(c, st, c->path);
        int rc = 0;
        cJSON *v = NULL;
        if (l.target == NULL)
            rc = op_fail(c, "path '%s' does not exist", c->path);
        else if (budget(c, value, c->path, 1) < 0)
            rc = -1;
        else if ((v = cJSON_Duplicate(value, 1)) == NULL)
            rc = hf_error_nomem(c->err);
        else if (l.parent == NULL)
            replace_root(doc, v);
        else
            rc = replace_in(c, l.parent, l.last, l.target, v);
        free(l.last);
        return rc;
    }
    case 3: { /* move */
        if (strcmp(from, c->path) == 0)
            return do_get(c, doc, from) == NULL ? -1 : 0;
        size_t fl = strlen(from);
        if (strncmp(c->path, from, fl) == 0 && c->path[fl] == '/')
            return op_fail(c, "cannot move '%s' into its own child", from);
        cJSON *t = do_get(c, doc, from);
        if (t == NULL || budget(c, t, c->path, 0) < 0)
            return -1;
        cJSON *v = do_detach(c, doc, from);
        if (v == NULL)
            return -1;
        return do_add(c, doc, c->path, v);
    }
    case 4: { /* copy */
        cJSON *t = do_get(c, doc, from);
        if (t == NULL || budget(c, t, c->path, 1) < 0)
            return -1;
        cJSON *v = cJSON_Duplicate(t, 1);
        if (v == NULL)
            return hf_error_nomem(c->err);
        return do_add(c, doc, c->path, v);
    }
    default: { /* test */
        cJSON *t = do_get(c, doc, c->path);
        if (t == NULL)
            return -1;
        if (!cJSON_Compare(t, value, 1))
            return op_fail(c, "test failed: the value differs");
        return 0;
    }
    }
}

static int
apply_one(opctx *c0, cJSON *doc, const cJSON *op)
{
    int kind = check_op(c0, op);
    if (kind < 0)
        return -1;
    opctx c = *c0;
    int rc = apply_kind(&c, kind, doc, op);
    c0->nodes = c.nodes;
    c0->bytes = c.bytes;
    return rc;
}
/* Apply the operations in order; see jsonpatch.h. */
int
hf_jsonpatch_apply(cJSON *doc, const cJSON *ops, const char *where, const char *label,
                   hf_error *err)
{
    opctx c = {where != NULL ? where : "", label, 0, "?", "", err, 0, 0, {0, 0}};
    hf_jsonpatch_limits_default(&c.lim);
    if (doc == NULL)
        return hf_error_set(err, HF_EUSAGE, "", "no document to patch");
    if (!cJSON_IsArray(ops)) {
        if (label != NULL)
            return hf_error_set(err, HF_ESCHEMA, c.where, "patch '%s': 'patch' must be an array",
                                label);
        return hf_error_set(err, HF_ESCHEMA, c.where, "a JSON patch must be an array");
    }
    const cJSON *op;
    cJSON_ArrayForEach(op, ops)
    {
        if (apply_one(&c, doc, op) < 0)
            return -1;
        c.index++;
    }
    return 0;
}

/* Check the shape of every operation; see jsonpatch.h. */
int
hf_jsonpatch_check(const cJSON *ops, const char *where, const char *label, hf_error *err)
{
    opctx c = {where != NULL ? where : "", label, 0, "?", "", err, 0, 0, {0, 0}};
    const cJSON *op;
    cJSON_ArrayForEach(op, ops)
    {
        if (check_op(&c, op) < 0)
            return -1;
        c.index++;
    }
    return 0;
}

/* The limits of one patch: the defaults of jsonpatch.h, or positive whole numbers from the
 * environment. */
void
hf_jsonpatch_limits_default(hf_jsonpatch_limits *lim)
{
    const char *names[2] = {"HFSCOPE_PATCH_MAX_NODES", "HFSCOPE_PATCH_MAX_BYTES"};
    size_t *out[2] = {&lim->max_nodes, &lim->max_bytes};
    lim->max_nodes = HF_JSONPATCH_MAX_NODES;
    lim->max_bytes = HF_JSONPATCH_MAX_BYTES;
    for (int i = 0; i < 2; i++) {
        const char *e = getenv(names[i]);
        char *end = NULL;
        unsigned long long v = e != NULL ? strtoull(e, &end, 10) : 0;
        if (e != NULL && end != e && *end == '\0' && v > 0 && v <= SIZE_MAX)
            *out[i] = (size_t)v;
    }
}
