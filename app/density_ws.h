/* app/density_ws.h - `hfscope density --to-workspace`: replace one sample's nominal template by a
 * KDE-generated one with its bootstrap band as a per-bin modifier, write the workspace and its
 * RFC 6902 patch, and fit both workspaces to show what the choice of template does to the POI. */
#ifndef HF_APP_DENSITY_WS_H
#define HF_APP_DENSITY_WS_H

#include "app/cli.h"
#include "core/density/density_template.h"

typedef struct density_ws_opts {
    const char *channel, *sample; /* required */
    const char *patch_out;        /* NULL: OUTPUT with .patch.json */
    double n;                     /* training events; <= 0: the template's effective MC events */
    double draws;                 /* M; <= 0: 100 n */
    int boot;                     /* <= 0: 50 */
    hf_kde_rule rule;
    double bw_value;
    bool reflect, debias;
    hf_density_modifier modifier;
} density_ws_opts;

/* Run it on cli (ws_path set, not yet loaded; cli->output is the workspace to write). Returns the
 * exit code. */
int density_to_workspace(hf_cli *cli, const density_ws_opts *o);

#endif
