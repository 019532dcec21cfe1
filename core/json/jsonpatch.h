/* core/json/jsonpatch.h - RFC 6902 JSON Patch on cJSON documents (pointers per RFC 6901). */
#ifndef HF_JSONPATCH_H
#define HF_JSONPATCH_H

#include <stddef.h>

#include "core/error.h"

struct cJSON;

/* What one patch may add to a document, counted before each value is copied in (removals are
 * not credited): a 1.7 KB patch of 40 'copy' operations would otherwise double the document 40
 * times. The defaults allow 2^20 values (about 80 MB of cJSON nodes) and 64 MiB of keys and
 * strings, far above any published signal patch; HFSCOPE_PATCH_MAX_NODES and
 * HFSCOPE_PATCH_MAX_BYTES in the environment replace them. Every patched document also stays
 * within HF_JSON_MAX_DEPTH (core/json/jsontext.h). */
#define HF_JSONPATCH_MAX_NODES ((size_t)1 << 20)
#define HF_JSONPATCH_MAX_BYTES ((size_t)1 << 26)
typedef struct hf_jsonpatch_limits {
    size_t max_nodes, max_bytes;
} hf_jsonpatch_limits;
void hf_jsonpatch_limits_default(hf_jsonpatch_limits *lim);

/* Apply the RFC 6902 operations `ops` (a JSON array) to doc in order. `where` is the JSON pointer
 * of ops in its own file and `label` names the patch in messages (both may be NULL). On failure
 * returns -1 with err naming the operation index; doc may then be partly modified: discard it. */
int hf_jsonpatch_apply(struct cJSON *doc, const struct cJSON *ops, const char *where,
                       const char *label, hf_error *err);
/* Check the shape of each operation of the array ops (an object with a known 'op', a valid
 * 'path', and 'value' or 'from' where the op needs one) without applying anything. -1 with err
 * set (as hf_jsonpatch_apply reports) at the first bad one. */
int hf_jsonpatch_check(const struct cJSON *ops, const char *where, const char *label,
                       hf_error *err);

#endif
