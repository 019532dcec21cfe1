/* core/json/jsonptr.c - growing JSON pointer buffer, and the segment stack that builds one only on
 * demand; escaping per RFC 6901 section 3. */
#include "core/json/jsonptr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
grow(hf_jsonptr *jp, size_t extra)
{
    if (jp->len + extra + 1 <= jp->cap)
        return 0;
    size_t cap = jp->cap ? jp->cap : 64;
    while (cap < jp->len + extra + 1)
        cap *= 2;
    char *b = realloc(jp->buf, cap);
    if (b == NULL) {
        jp->oom = 1;
        return -1;
    }
    jp->buf = b;
    jp->cap = cap;
    return 0;
}

void
hf_jsonptr_init(hf_jsonptr *jp)
{
    memset(jp, 0, sizeof(*jp));
    if (grow(jp, 0) == 0)
        jp->buf[0] = '\0';
}

void
hf_jsonptr_release(hf_jsonptr *jp)
{
    free(jp->buf);
    memset(jp, 0, sizeof(*jp));
}

static void
append(hf_jsonptr *jp, const char *s, size_t n)
{
    if (grow(jp, n) < 0)
        return;
    memcpy(jp->buf + jp->len, s, n);
    jp->len += n;
    jp->buf[jp->len] = '\0';
}

size_t
hf_jsonptr_push_key(hf_jsonptr *jp, const char *key)
{
    size_t old = jp->len;
    append(jp, "/", 1);
    for (const char *p = key; *p; p++) {
        if (*p == '~')
            append(jp, "~0", 2);
        else if (*p == '/')
            append(jp, "~1", 2);
        else
            append(jp, p, 1);
    }
    return old;
}

size_t
hf_jsonptr_push_index(hf_jsonptr *jp, size_t i)
{
    size_t old = jp->len;
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "/%zu", i);
    append(jp, tmp, (size_t)n);
    return old;
}

void
hf_jsonptr_pop(hf_jsonptr *jp, size_t len)
{
    if (jp->buf != NULL && len <= jp->len) {
        jp->len = len;
        jp->buf[len] = '\0';
    }
}

char *
hf_jsonptr_escape(const char *token)
{
    hf_jsonptr jp;
    hf_jsonptr_init(&jp);
    hf_jsonptr_push_key(&jp, token);
    if (jp.oom || jp.buf == NULL) {
        hf_jsonptr_release(&jp);
        return NULL;
    }
    char *s = strdup(jp.buf + 1);
    hf_jsonptr_release(&jp);
    return s;
}

void
hf_jsonpath_init(hf_jsonpath *p)
{
    memset(p, 0, sizeof(*p));
}

void
hf_jsonpath_release(hf_jsonpath *p)
{
    free(p->seg);
    free(p->text.buf);
    memset(p, 0, sizeof(*p));
}

static size_t
path_push(hf_jsonpath *p, const char *key, size_t index)
{
    size_t old = p->depth;
    if (p->depth == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        hf_jsonpath_seg *s = realloc(p->seg, cap * sizeof(*s));
        if (s == NULL) {
            p->oom = 1;
            return old;
        }
        p->seg = s;
        p->cap = cap;
    }
    p->seg[p->depth++] = (hf_jsonpath_seg){key, index};
    return old;
}

size_t
hf_jsonpath_push_key(hf_jsonpath *p, const char *key)
{
    return path_push(p, key, 0);
}

size_t
hf_jsonpath_push_index(hf_jsonpath *p, size_t i)
{
    return path_push(p, NULL, i);
}

void
hf_jsonpath_pop(hf_jsonpath *p, size_t depth)
{
    if (depth <= p->depth)
        p->depth = depth;
}

const char *
hf_jsonpath_str(hf_jsonpath *p)
{
    if (p->text.buf == NULL)
        hf_jsonptr_init(&p->text);
    hf_jsonptr_pop(&p->text, 0);
    for (size_t i = 0; i < p->depth; i++) {
        if (p->seg[i].key != NULL)
            hf_jsonptr_push_key(&p->text, p->seg[i].key);
        else
            hf_jsonptr_push_index(&p->text, p->seg[i].index);
    }
    if (p->text.oom || p->text.buf == NULL) {
        p->oom = 1;
        return "";
    }
    return p->text.buf;
}
