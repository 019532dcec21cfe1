/* core/json/patch.h - RFC 6902 JSON Patch on cJSON documents, pyhf patchsets (metadata plus named
 * patches, each with its signal-point values and a list of JSON Patch operations) and pyhf's
 * workspace digest. */
#ifndef HF_PATCH_H
#define HF_PATCH_H

#include <stddef.h>

#include "core/error.h"

struct cJSON;

/* One patch of a patchset; pointers borrow from the patchset's document. */
typedef struct hf_patch {
    const char *name;
    const struct cJSON *values; /* array of numbers or strings (the signal point), never NULL */
    const struct cJSON *ops;    /* array of RFC 6902 operations, validated at load */
    size_t jindex;              /* position in /patches */
} hf_patch;

/* A loaded patchset; read-only after load, so threads may apply its patches concurrently. */
typedef struct hf_patchset {
    struct cJSON *doc;
    char *path;
    const char *description;    /* "" if absent */
    const char *digest_sha256;  /* metadata.digests.sha256, NULL if absent */
    const char *version;        /* "" if absent */
    const struct cJSON *labels; /* metadata.labels (array of strings), NULL if absent */
    size_t npatch;
    hf_patch *patch;
} hf_patchset;

/* Apply the RFC 6902 operations `ops` (a JSON array) to doc in order. `where` is the JSON pointer
 * of ops in its own file and `label` names the patch in messages (both may be NULL). On failure
 * returns -1 with err naming the operation index; doc may then be partly modified: discard it. */
int hf_patch_apply_ops(struct cJSON *doc, const struct cJSON *ops, const char *where,
                       const char *label, hf_error *err);

/* Load and validate a pyhf patchset file. NULL with err (JSON pointer into the file) on failure. */
hf_patchset *hf_patchset_load(const char *path, hf_error *err);
/* Validate an already-parsed patchset; takes ownership of doc (also on failure). */
hf_patchset *hf_patchset_from_json(struct cJSON *doc, const char *path, hf_error *err);
void hf_patchset_free(hf_patchset *ps);
/* Index of the patch called name, -1 if none. */
int hf_patchset_find(const hf_patchset *ps, const char *name);
/* Apply patch i to doc (see hf_patch_apply_ops). */
int hf_patchset_apply(const hf_patchset *ps, size_t i, struct cJSON *doc, hf_error *err);
/* Load the patchset at patchset_path and apply its patch `name` (NULL: the patchset must hold
 * exactly one patch) to doc. A file holding a bare RFC 6902 patch (a JSON array) is applied as
 * it is (name must then be NULL). Errors name the patch and the operation index, with the JSON pointer
 * of the failing operation in the patchset file. */
int hf_patchset_apply_named(struct cJSON *doc, const char *patchset_path, const char *name,
                            hf_error *err);

/* The pyhf digest (pyhf.utils.digest: sha256 of json.dumps(sort_keys=True, ensure_ascii=False))
 * of a JSON file, as 64 hex digits in hex. -1 with err set when the file cannot be read or parsed.
 */
int hf_json_digest_sha256(const char *path, char hex[65], hf_error *err);

#endif
