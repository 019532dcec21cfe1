/* core/diag/decorrelate.h - split one parameter into one per channel, sample or group of them (each
 * with its own constraint): the new workspace document and the RFC 6902 patch that makes it. */
#ifndef HF_DECORRELATE_H
#define HF_DECORRELATE_H

#include <stddef.h>

#include "core/error.h"

struct cJSON;

typedef enum hf_decorrelate_by {
    HF_DECOR_CHANNEL = 0,
    HF_DECOR_SAMPLE,
    HF_DECOR_GROUPS /* groups: {"group": ["channel", "sample", "channel/sample", ...], ...} */
} hf_decorrelate_by;

typedef struct hf_decorrelate_split {
    char *name;  /* the new parameter name ("<np>_<group>"), or np itself for the ungrouped rest */
    char *group; /* channel, sample or group name; "" for modifiers no group claimed */
} hf_decorrelate_split;

typedef struct hf_decorrelation {
    struct cJSON *workspace; /* the new document (owned) */
    struct cJSON *patch;     /* RFC 6902 operations turning the input into workspace (owned) */
    size_t nsplit;
    hf_decorrelate_split *split;
    char *poi; /* the new POI name when np was a measurement's POI, else NULL */
} hf_decorrelation;

/* Split parameter np of the workspace document doc. groups is used with HF_DECOR_GROUPS (a JSON
 * object; NULL otherwise). Returns 0, or -1 with err set (unknown parameter, bad groups, ENOMEM).
 * Release with hf_decorrelate_release. */
int hf_decorrelate_apply(const struct cJSON *doc, const char *np, hf_decorrelate_by by,
                         const struct cJSON *groups, hf_decorrelation *out, hf_error *err);
void hf_decorrelate_release(hf_decorrelation *d);
/* RFC 6902 patch (array of add/remove/replace operations) that turns `from` into `to`:
 * objects key by key, arrays by common prefix/suffix then element by element. NULL on ENOMEM. */
struct cJSON *hf_decorrelate_diff(const struct cJSON *from, const struct cJSON *to);

#endif
