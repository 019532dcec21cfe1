/* core/json/strbuf.c - the growing byte buffer of core/json/strbuf.h (capacity doubles). */
#include "core/json/strbuf.h"

#include <stdlib.h>
#include <string.h>

void
hf_strbuf_put(hf_strbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (np == NULL) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void
hf_strbuf_str(hf_strbuf *b, const char *s)
{
    hf_strbuf_put(b, s, strlen(s));
}
