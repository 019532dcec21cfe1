/* core/arena.h - a bump allocator: many small allocations, freed at once (the workspace's strings).
 */
#ifndef HF_ARENA_H
#define HF_ARENA_H

#include <stddef.h>

typedef struct hf_arena_block hf_arena_block;
typedef struct hf_arena {
    hf_arena_block *head;
    /* where blocks come from and go back to (16-aligned memory): malloc and free when NULL */
    void *(*block_alloc)(void *ctx, size_t size);
    void (*block_free)(void *ctx, void *block);
    void *ctx;
} hf_arena;

void *hf_arena_alloc(hf_arena *a, size_t size);           /* zeroed, 16-aligned; NULL on ENOMEM */
void *hf_arena_array(hf_arena *a, size_t n, size_t size); /* checks n*size for overflow */
char *hf_arena_strdup(hf_arena *a, const char *s);
void *hf_arena_memdup(hf_arena *a, const void *src, size_t size); /* a copy, not zeroed first */
void hf_arena_release(hf_arena *a);

#endif
