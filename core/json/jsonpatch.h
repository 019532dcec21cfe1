/* core/json/jsonpatch.h - RFC 6902 JSON Patch on cJSON documents (pointers per RFC 6901). */
#ifndef HF_JSONPATCH_H
#define HF_JSONPATCH_H

#include "core/error.h"

struct cJSON;

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
