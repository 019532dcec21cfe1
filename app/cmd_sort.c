/* app/cmd_sort.c - `hfscope sort WS`: pyhf's Workspace.sorted (pyhf sort). */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "app/cli.h"
#include "app/wstools.h"

int cmd_sort(int argc, char **argv);

int
cmd_sort(int argc, char **argv)
{
    const char *outfile = NULL;
    const hf_opt opts[] = {{"output-file", 0, HF_OPT_STRING, &outfile, "same as -o (pyhf's name)"},
                           {NULL, 0, HF_OPT_FLAG, NULL, NULL}};
    hf_cli cli;
    int rc =
        hf_cli_parse_only(&cli, argc, argv, opts, "sort [-o OUT.json] WS.json", hf_wstool_common);
    if (rc == 0 && cli.npos != 1)
        rc = hf_cli_error("sort: expected one workspace (see hfscope sort --help)");
    cJSON *doc = rc == 0 ? hf_wstool_load(cli.ws_path, &rc) : NULL;
    if (doc != NULL) {
        hf_error err = {0};
        if (hf_wsedit_sort(doc, &err) < 0)
            rc = hf_cli_report(cli.ws_path, &err);
        else
            rc = hf_wstool_emit(doc, outfile != NULL ? outfile : cli.output, "sort");
        hf_error_release(&err);
        cJSON_Delete(doc);
    }
    hf_cli_done(&cli);
    return rc < 0 ? 0 : rc;
}
