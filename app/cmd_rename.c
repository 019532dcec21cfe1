/* app/cmd_rename.c - `hfscope rename WS --channel OLD:NEW ...`: pyhf's Workspace.rename. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/cli.h"
#include "app/wstools.h"

int cmd_rename(int argc, char **argv);

int
cmd_rename(int argc, char **argv)
{
    const char *outfile = NULL;
    hf_optlist ch = {0}, sa = {0}, mo = {0}, me = {0};
    const hf_opt opts[] = {
        {"channel", 'c', HF_OPT_LIST, &ch, "rename channel OLD:NEW (and its observation)"},
        {"sample", 's', HF_OPT_LIST, &sa, "rename sample OLD:NEW in every channel"},
        {"modifier", 'm', HF_OPT_LIST, &mo,
         "rename modifier OLD:NEW (also measurement parameters and POI)"},
        {"measurement", 0, HF_OPT_LIST, &me, "rename measurement OLD:NEW"},
        {"output-file", 0, HF_OPT_STRING, &outfile, "same as -o (pyhf's name)"},
        {NULL, 0, HF_OPT_FLAG, NULL, NULL}};
    hf_cli cli;
    hf_wsedit_ops ops = {0};
    cJSON *doc = NULL;
    int rc = hf_cli_parse_only(&cli, argc, argv, opts,
                               "rename [--channel OLD:NEW] [--sample OLD:NEW] "
                               "[--modifier OLD:NEW] [--measurement OLD:NEW] [-o OUT.json] WS.json",
                               hf_wstool_common);
    if (rc == 0 && cli.npos != 1)
        rc = hf_cli_error("rename: expected one workspace (see hfscope rename --help)");
    if (rc == 0)
        rc = hf_wstool_pairs(&ch, "channel", &ops.rename_channels);
    if (rc == 0)
        rc = hf_wstool_pairs(&sa, "sample", &ops.rename_samples);
    if (rc == 0)
        rc = hf_wstool_pairs(&mo, "modifier", &ops.rename_modifiers);
    if (rc == 0)
        rc = hf_wstool_pairs(&me, "measurement", &ops.rename_measurements);
    if (rc == 0)
        doc = hf_wstool_load(cli.ws_path, &rc);
    if (doc != NULL) {
        hf_error err = {0};
        cJSON *res = hf_wsedit_prune_rename(doc, &ops, &err);
        rc = res == NULL ? hf_cli_report(cli.ws_path, &err)
                         : hf_wstool_emit(res, outfile != NULL ? outfile : cli.output, "rename");
        hf_error_release(&err);
        cJSON_Delete(res);
        cJSON_Delete(doc);
    }
    hf_wstool_names_release(&ops.rename_channels);
    hf_wstool_names_release(&ops.rename_samples);
    hf_wstool_names_release(&ops.rename_modifiers);
    hf_wstool_names_release(&ops.rename_measurements);
    free((void *)ch.v);
    free((void *)sa.v);
    free((void *)mo.v);
    free((void *)me.v);
    hf_cli_done(&cli);
    return rc < 0 ? 0 : rc;
}
