/* core/json/jsonptr.c - growing JSON pointer buffer; escaping per RFC 6901 section 3. */
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
