/* core/json/jsonalloc.c - cJSON's allocator: pools for parses, malloc for the rest.
 *
 * Every allocation carries one word in front: the pool it was cut from, or NULL for malloc. A
 * parse of 0.9 MB makes about 100,000 nodes and key strings; cut from a pool they cost a pointer
 * bump instead of a malloc each (cJSON's parse takes about a quarter less time), and freeing the
 * tree costs a decrement each. A large pool's chunks sit on huge pages (core/bigmem.h). Under
 * AddressSanitizer there are no pools: every node is its own malloc, so ASan sees each one. */
#include "core/json/jsonalloc.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/asan.h"
#include "core/bigmem.h"

typedef struct chunk {
    struct chunk *prev;
    size_t size; /* for hf_bigmem_free */
} chunk;

struct hf_json_pool {
    chunk *chunks; /* newest first */
    char *p, *end; /* the free part of the newest chunk */
    size_t next;   /* size of the next chunk */
    size_t live;   /* allocations not yet freed */
    bool open;     /* still the thread's current pool */
};

#define WORD sizeof(void *)

static _Thread_local hf_json_pool *current;

static void
pool_release(hf_json_pool *P)
{
    for (chunk *c = P->chunks, *prev; c != NULL; c = prev) {
        prev = c->prev;
        hf_bigmem_free(c, c->size);
    }
    free(P);
}

/* A new chunk for at least need bytes; -1 when malloc fails. */
static int
pool_grow(hf_json_pool *P, size_t need)
{
    size_t size = P->next > need + sizeof(chunk) ? P->next : need + sizeof(chunk);
    chunk *c = hf_bigmem_alloc(&size);
    if (c == NULL)
        return -1;
    c->size = size;
    c->prev = P->chunks;
    P->chunks = c;
    P->p = (char *)(c + 1);
    P->end = (char *)c + size;
    P->next = size < SIZE_MAX / 2 ? 2 * size : size;
    return 0;
}

static void *
json_malloc(size_t n)
{
    hf_json_pool *P = current;
    if (n > SIZE_MAX - 2 * WORD)
        return NULL;
    size_t need = (n + WORD + WORD - 1) / WORD * WORD; /* the tag word, the size rounded up */
    void **h;
    if (P != NULL) {
        if ((size_t)(P->end - P->p) < need && pool_grow(P, need) < 0)
            return NULL;
        h = (void **)(void *)P->p;
        P->p += need;
        P->live++;
    } else {
        h = malloc(n + WORD);
        if (h == NULL)
            return NULL;
    }
    *h = P;
    return h + 1;
}

static void
json_free(void *ptr)
{
    if (ptr == NULL)
        return;
    void **h = (void **)ptr - 1;
    hf_json_pool *P = *h;
    if (P == NULL) {
        free(h);
        return;
    }
    if (--P->live == 0 && !P->open)
        pool_release(P);
}

/* Before main: no cJSON allocation may predate the hooks (its free would read a tag that is not
 * there). */
__attribute__((constructor)) static void
install_hooks(void)
{
    cJSON_Hooks hooks = {json_malloc, json_free};
    cJSON_InitHooks(&hooks);
}

hf_json_pool *
hf_json_pool_open(size_t text_len)
{
#if HF_ASAN
    (void)text_len;
    return NULL;
#else
    hf_json_pool *P = calloc(1, sizeof(*P));
    if (P == NULL)
        return NULL;
    /* cJSON makes about four bytes of nodes and strings per byte of workspace text */
    P->next = text_len < SIZE_MAX / 8 ? 4 * text_len + 4096 : SIZE_MAX / 2;
    P->open = true;
    current = P;
    return P;
#endif
}

hf_json_pool *
hf_json_pool_of(const cJSON *doc)
{
    return doc != NULL ? *((hf_json_pool *const *)(const void *)doc - 1) : NULL;
}

void *
hf_json_pool_alloc(hf_json_pool *P, size_t n)
{
    if (n > SIZE_MAX / 2)
        return NULL;
    size_t need = (n + WORD - 1) / WORD * WORD;
    for (int round = 0; round < 2; round++) {
        /* padding before the tag, so that what follows it starts on 16 bytes */
        size_t pad = (16 - ((uintptr_t)P->p + WORD) % 16) % 16;
        if ((size_t)(P->end - P->p) >= pad + WORD + need) {
            void **h = (void **)(void *)(P->p + pad);
            P->p += pad + WORD + need;
            P->live++;
            *h = P;
            return h + 1;
        }
        if (round == 0 && pool_grow(P, need + 2 * WORD + 16) < 0)
            return NULL;
    }
    return NULL;
}

char *
hf_json_pool_text(hf_json_pool *P, size_t n)
{
    if (P == NULL || P->chunks != NULL || n > SIZE_MAX / 4 || P->next > SIZE_MAX / 2)
        return NULL;
    size_t need = (n + WORD - 1) / WORD * WORD;
    P->next += need; /* the first chunk: the tree's estimate and the text */
    if (pool_grow(P, need) < 0)
        return NULL;
    P->end -= need;
    return P->end;
}

void
hf_json_pool_close(hf_json_pool *P)
{
    if (P == NULL)
        return;
    current = NULL;
    P->open = false;
    if (P->live == 0)
        pool_release(P);
}
