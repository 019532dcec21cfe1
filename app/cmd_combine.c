/* app/cmd_combine.c - `hfscope combine A B [--join MODE]`: pyhf's Workspace.combine. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "app/cli.h"
#include "app/wstools.h"

int cmd_combine(int argc, char **argv);

int
cmd_combine(int argc, char **argv)
{
    const char *outfile = NULL, *joinarg = "none";
    bool merge = false, no_merge = false;
    const hf_opt opts[] = {
        {"join", 0, HF_OPT_STRING, &joinarg,
         "none (default), outer, 'left outer' or 'right outer' (pyhf's joins)"},
        {"merge-channels", 0, HF_OPT_FLAG, &merge,
         "channels of one name: merge their samples (outer joins only)"},
        {"no-merge-channels", 0, HF_OPT_FLAG, &no_merge, "do not merge channels (the default)"},
        {"output-file", 0, HF_OPT_STRING, &outfile, "same as -o (pyhf's name)"},
        {NULL, 0, HF_OPT_FLAG, NULL, NULL}};
    hf_cli cli;
    hf_wsedit_join join = HF_JOIN_NONE;
    cJSON *a = NULL, *b = NULL;
    int rc =
        hf_cli_parse_only(&cli, argc, argv, opts,
                          "combine [--join MODE] [-o OUT.json] A.json B.json", hf_wstool_common);
    if (rc == 0 && cli.npos != 2)
        rc = hf_cli_error("combine: expected two workspaces (see hfscope combine --help)");
    if (rc == 0 && hf_wsedit_join_parse(joinarg, &join) < 0)
        rc = hf_cli_error("--join: '%s' is not one of none, outer, 'left outer', "
                          "'right outer'",
                          joinarg);
    if (rc == 0)
        a = hf_wstool_load(cli.pos[0], &rc);
    if (a != NULL)
        b = hf_wstool_load(cli.pos[1], &rc);
    if (b != NULL) {
        hf_error err = {0};
        if ((join == HF_JOIN_LEFT_OUTER || join == HF_JOIN_RIGHT_OUTER) && !cli.quiet)
            hf_cli_warn("--join '%s' is unsafe: items of the other workspace with a name already "
                        "taken are dropped without a check",
                        hf_wsedit_join_name(join));
        cJSON *res = hf_wsedit_combine(a, b, join, merge && !no_merge, &err);
        if (res == NULL) {
            fprintf(stderr, "hfscope: error: combine %s %s: %s%s%s\n", cli.pos[0], cli.pos[1],
                    err.where != NULL ? err.where : "", err.where != NULL && *err.where ? ": " : "",
                    hf_error_msg(&err));
            rc = 2;
        } else {
            rc = hf_wstool_emit(res, outfile != NULL ? outfile : cli.output, "combine");
        }
        hf_error_release(&err);
        cJSON_Delete(res);
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
    hf_cli_done(&cli);
    return rc < 0 ? 0 : rc;
}
