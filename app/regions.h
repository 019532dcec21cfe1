/* app/regions.h - `--groups` of `plot --what summary` and `report`: the region groups of the
 * summary figures from GROUPS.json ({"GROUP": ["PATTERN", ...], ...}) or an inline
 * 'NAME=PAT,PAT;NAME2=PAT' (the format of `ranking --groups`, here on channel names). */
#ifndef HF_REGIONS_H
#define HF_REGIONS_H

#include "core/model/model.h"
#include "render/plot_summary.h"

/* The groups of spec (NULL: the default CR, VR, SR by name) into g, in the order given; a group
 * that matches no channel gets a warning. 0, or the exit code after one error line (a malformed
 * file: file and JSON pointer, exit 2). Release g with hf_summary_groups_release either way. */
int hf_regions_load(const char *spec, const hf_model *m, hf_summary_groups *g);

#endif
