/* core/json/patchset.h - pyhf patchsets: metadata plus named patches, each with its signal-point
 * values and a list of RFC 6902 operations. */
#ifndef HF_PATCHSET_H
#define HF_PATCHSET_H

#include <stddef.h>

#include "core/error.h"

struct cJSON;
struct hf_nameset;

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
    struct hf_nameset *names; /* private: patch names, for hf_patchset_find */
} hf_patchset;

/* Load and validate a pyhf patchset file. NULL with err (JSON pointer into the file) on failure. */
hf_patchset *hf_patchset_load(const char *path, hf_error *err);
/* Validate an already-parsed patchset; takes ownership of doc (also on failure). */
hf_patchset *hf_patchset_from_json(struct cJSON *doc, const char *path, hf_error *err);
void hf_patchset_free(hf_patchset *ps);
/* Index of the patch called name, -1 if none. */
int hf_patchset_find(const hf_patchset *ps, const char *name);
/* Apply patch i to doc (see hf_jsonpatch_apply). */
int hf_patchset_apply(const hf_patchset *ps, size_t i, struct cJSON *doc, hf_error *err);
/* Load the patchset at patchset_path and apply its patch `name` (NULL: the patchset must hold
 * exactly one patch) to doc. A file holding a bare RFC 6902 patch (a JSON array) is applied as
 * it is (name must then be NULL). Errors name the patch and the operation index, with the JSON
 * pointer of the failing operation in the patchset file. */
int hf_patchset_apply_named(struct cJSON *doc, const char *patchset_path, const char *name,
                            hf_error *err);

#endif
