/* core/arena.c - chunked bump allocator; every block is freed by hf_arena_release. */
#include "core/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct hf_arena_block {
    hf_arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

enum { BLOCK_MIN = 64 * 1024 };

/* size bytes, 16-aligned, not zeroed; NULL on ENOMEM. */
static void *
arena_take(hf_arena *a, size_t size)
{
    if (size > SIZE_MAX - 15)
        return NULL;
    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    hf_arena_block *b = a->head;
    if (b == NULL || b->cap - b->used < size) {
        size_t cap = size > BLOCK_MIN ? size : BLOCK_MIN;
        if (cap > SIZE_MAX - sizeof(*b))
            return NULL;
        b = a->block_alloc != NULL ? a->block_alloc(a->ctx, sizeof(*b) + cap)
                                   : malloc(sizeof(*b) + cap);
        if (b == NULL)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

void *
hf_arena_alloc(hf_arena *a, size_t size)
{
    void *p = arena_take(a, size);
    if (p != NULL)
        memset(p, 0, size);
    return p;
}

void *
hf_arena_memdup(hf_arena *a, const void *src, size_t size)
{
    void *p = arena_take(a, size);
    if (p != NULL && size > 0)
        memcpy(p, src, size);
    return p;
}

void *
hf_arena_array(hf_arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return hf_arena_alloc(a, n * size);
}

char *
hf_arena_strdup(hf_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = hf_arena_alloc(a, n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

void
hf_arena_release(hf_arena *a)
{
    hf_arena_block *b = a->head;
    while (b != NULL) {
        hf_arena_block *next = b->next;
        if (a->block_free != NULL)
            a->block_free(a->ctx, b);
        else
            free(b);
        b = next;
    }
    a->head = NULL;
}
