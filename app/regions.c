/* app/regions.c - `--groups` for the summary figures (app/regions.h): a GROUPS.json file or an
 * inline list, parsed into render/plot_summary.h's region groups. */
#include "app/regions.h"

#include "app/cli.h"
#include "app/groupspec.h"

/* hf_groupspec_add into region groups: channel-name pattern pat joins group name. */
typedef struct regions_ctx {
    hf_summary_groups *g;
    const hf_model *m;
} regions_ctx;

static long
add_region(void *ctx, const char *name, const char *pat)
{
    const regions_ctx *rc = ctx;
    return hf_summary_groups_add(rc->g, rc->m, name, pat);
}

int
hf_regions_load(const char *spec, const hf_model *m, hf_summary_groups *g)
{
    if (!spec)
        return hf_summary_groups_default(g, m) < 0 ? hf_cli_nomem() : 0;
    if (hf_summary_groups_init(g, m) < 0)
        return hf_cli_nomem();
    regions_ctx ctx = {g, m};
    return hf_groupspec_parse(spec, "channel", add_region, &ctx);
}
