/* core/json/jsonalloc.h - cJSON's allocator in hfscope. A parse fills a pool: its nodes and
 * strings are cut from a few large chunks instead of one malloc each, and the pool goes back to
 * the system when the last of them is freed. Everything else cJSON allocates (documents built
 * by hand, copies, printed text) comes from malloc. Installed before main (a constructor), so
 * every cJSON allocation of the process passes through it: memory that cJSON hands out
 * (cJSON_Print's text, valuestring) is freed with cJSON_free and allocated with cJSON_malloc,
 * never with free/malloc. A document and its nodes belong to one thread at a time, as cJSON
 * requires anyway. */
#ifndef HF_JSONALLOC_H
#define HF_JSONALLOC_H

#include <stddef.h>

struct cJSON;
typedef struct hf_json_pool hf_json_pool;

/* Send this thread's cJSON allocations to a new pool sized for about text_len bytes of JSON
 * text, until hf_json_pool_close. NULL (allocations then go to malloc) when memory is short. */
hf_json_pool *hf_json_pool_open(size_t text_len);
/* n bytes at the top of pool's first chunk, for the JSON text about to be parsed into it (before
 * any node is cut): the text and its tree then share one mapping, faulted in once, and the text
 * goes back with the tree. NULL when pool is NULL, already in use, or memory is short. */
char *hf_json_pool_text(hf_json_pool *pool, size_t n);
/* The pool doc was parsed into; NULL for a document built by hand, or under AddressSanitizer. */
hf_json_pool *hf_json_pool_of(const struct cJSON *doc);
/* n bytes from pool, 16-aligned, not zeroed (NULL when memory is short), to be freed with
 * cJSON_free: for what lives and dies with a parsed document (the workspace's arena), which then
 * fills the room the tree left in the pool's pages instead of faulting in pages of its own. */
void *hf_json_pool_alloc(hf_json_pool *pool, size_t n);
/* Stop filling pool (NULL is a no-op); it is released now if nothing of it is alive. */
void hf_json_pool_close(hf_json_pool *pool);

#endif
