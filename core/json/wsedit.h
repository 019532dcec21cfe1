/* core/json/wsedit.h - pyhf's workspace edits (Workspace.sorted, prune, rename, combine) on JSON
 * documents whose numbers keep the text they were written with, so that a result has the digest
 * pyhf gives the same result (1 and 1.0 differ there). */
#ifndef HF_WSEDIT_H
#define HF_WSEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct cJSON;

/* A list of names; `to` is NULL for pruning and holds the new names for renaming. */
typedef struct hf_wsedit_names {
    size_t n;
    const char **from;
    const char **to;
} hf_wsedit_names;

/* What pyhf's Workspace._prune_and_rename takes: names to remove and names to change. */
typedef struct hf_wsedit_ops {
    hf_wsedit_names prune_channels, prune_samples, prune_modifiers, prune_types, prune_measurements;
    hf_wsedit_names rename_channels, rename_samples, rename_modifiers, rename_measurements;
} hf_wsedit_ops;

/* pyhf's Workspace.valid_joins, in its order. */
typedef enum hf_wsedit_join {
    HF_JOIN_NONE = 0,
    HF_JOIN_OUTER,
    HF_JOIN_LEFT_OUTER,
    HF_JOIN_RIGHT_OUTER
} hf_wsedit_join;

/* "none", "outer", "left outer", "right outer" (also with '_' or '-' for the space): 0, or -1. */
int hf_wsedit_join_parse(const char *s, hf_wsedit_join *out);
const char *hf_wsedit_join_name(hf_wsedit_join j);

/* Parse JSON text (len bytes) into a cJSON tree in which every number is a cJSON_Raw item holding
 * its token as written. NULL with err (line and column) on a syntax error. Caller cJSON_Deletes. */
struct cJSON *hf_wsedit_parse(const char *text, size_t len, hf_error *err);
/* The document as Python's json.dumps(doc, indent=4, sort_keys=True) writes it (pyhf's CLI
 * output), numbers as written, with a final newline. NULL on ENOMEM; caller frees. */
char *hf_wsedit_print(const struct cJSON *doc);

/* Workspace.sorted: channels, samples, observations, measurements and measurement parameters by
 * name, modifiers by (name, type); stable, code-point order. Edits doc in place. 0 or -1. */
int hf_wsedit_sort(struct cJSON *doc, hf_error *err);
/* Workspace.prune / rename: a new document (caller deletes) or NULL with err when a name is not in
 * the workspace (pyhf's InvalidWorkspaceOperation; err->where points at the array searched). */
struct cJSON *hf_wsedit_prune_rename(const struct cJSON *doc, const hf_wsedit_ops *ops,
                                     hf_error *err);
/* Workspace.combine(left, right, join, merge_channels): a new document or NULL with err saying
 * what conflicts. merge_channels (outer joins only) merges the samples of channels of one name
 * (the primary channel's samples, then the other's whose names it lacks). */
struct cJSON *hf_wsedit_combine(const struct cJSON *left, const struct cJSON *right,
                                hf_wsedit_join join, bool merge_channels, hf_error *err);
/* Python's == on two JSON values: objects regardless of key order, numbers by value. */
int hf_wsedit_equal(const struct cJSON *a, const struct cJSON *b);

#endif
