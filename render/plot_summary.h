/* render/plot_summary.h - the region groups of the all-regions summary figure and of the report:
 * named groups of channel-name patterns in the order given, the channels no pattern matches in
 * an "other" group after them; by default CR, VR and SR by the names' first two letters. */
#ifndef HF_PLOT_SUMMARY_H
#define HF_PLOT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model/model.h"

typedef struct hf_summary_groups {
    size_t n;      /* named groups, in order; index n is "other" */
    char **name;   /* n short names, drawn over the summary figure ("CR") */
    char **title;  /* n long names for the report's sections ("Control regions") */
    size_t nchan;  /* channels of the model */
    size_t *of;    /* per channel: its group, 0..n-1, or n (other) */
    bool by_names; /* the default grouping (CR, VR, SR by name) */
} hf_summary_groups;

/* No group yet: every channel of m in "other". 0, or -1 on ENOMEM. */
int hf_summary_groups_init(hf_summary_groups *g, const hf_model *m);
/* Add the glob pattern (fnmatch) to group name, made after the others on its first use: every
 * channel still in "other" that it matches joins the group (the first group to match wins).
 * Returns how many channels joined, or -1 on ENOMEM. */
long hf_summary_groups_add(hf_summary_groups *g, const hf_model *m, const char *name,
                           const char *pattern);
/* The default: CR, VR, SR (control, validation, signal regions, by the names' first two letters,
 * any case), then other.
 * 0, or -1 on ENOMEM. */
int hf_summary_groups_default(hf_summary_groups *g, const hf_model *m);
/* The long name of group k (k == n: "Other channels"). */
const char *hf_summary_groups_title(const hf_summary_groups *g, size_t k);
/* The short name of group k drawn over the figure (k == n: "other", or "" for the default
 * grouping). */
const char *hf_summary_groups_label(const hf_summary_groups *g, size_t k);
/* Every channel by group (the groups' order, then other), model order within a group, into
 * order (nchan entries); returns the count. */
size_t hf_summary_groups_order(const hf_summary_groups *g, size_t *order);
void hf_summary_groups_release(hf_summary_groups *g);

#endif
