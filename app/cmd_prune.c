/* app/cmd_prune.c - `hfscope prune WS --channel NAME ...`: pyhf's Workspace.prune. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/wstools.h"
#include "core/model/workspace.h"

int cmd_prune(int argc, char **argv);

static hf_wsedit_names
names_of(const hf_optlist *l)
{
    return (hf_wsedit_names){l->n, l->v, NULL};
}

/* pyhf's click.Choice of modifier types: an unknown type is a usage error. */
static int
check_types(const hf_optlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        int t;
        for (t = 0; t < HF_MOD_COUNT; t++)
            if (strcmp(l->v[i], hf_modtype_name((hf_modtype)t)) == 0)
                break;
        if (t == HF_MOD_COUNT)
            return hf_cli_error("--modifier-type: '%s' is not one of histosys, lumi, "
                                "normfactor, normsys, shapefactor, shapesys, staterror",
                                l->v[i]);
    }
    return 0;
}

int
cmd_prune(int argc, char **argv)
{
    const char *outfile = NULL;
    hf_optlist ch = {0}, sa = {0}, mo = {0}, ty = {0}, me = {0};
    const hf_opt opts[] = {
        {"channel", 'c', HF_OPT_LIST, &ch, "remove channel NAME (and its observation)"},
        {"sample", 's', HF_OPT_LIST, &sa, "remove sample NAME from every channel"},
        {"modifier", 'm', HF_OPT_LIST, &mo,
         "remove modifier NAME (and its measurement parameter configs)"},
        {"modifier-type", 't', HF_OPT_LIST, &ty, "remove every modifier of TYPE"},
        {"measurement", 0, HF_OPT_LIST, &me, "remove measurement NAME"},
        {"output-file", 0, HF_OPT_STRING, &outfile, "same as -o (pyhf's name)"},
        {NULL, 0, HF_OPT_FLAG, NULL, NULL}};
    hf_cli cli;
    cJSON *doc = NULL;
    int rc = hf_cli_parse_only(&cli, argc, argv, opts,
                               "prune [--channel NAME] [--sample NAME] [--modifier NAME] "
                               "[--modifier-type TYPE] [--measurement NAME] [-o OUT.json] WS.json",
                               hf_wstool_common);
    if (rc == 0 && cli.npos != 1)
        rc = hf_cli_error("prune: expected one workspace (see hfscope prune --help)");
    if (rc == 0)
        rc = check_types(&ty);
    if (rc == 0)
        doc = hf_wstool_load(cli.ws_path, &rc);
    if (doc != NULL) {
        hf_wsedit_ops ops = {.prune_channels = names_of(&ch),
                             .prune_samples = names_of(&sa),
                             .prune_modifiers = names_of(&mo),
                             .prune_types = names_of(&ty),
                             .prune_measurements = names_of(&me)};
        hf_error err = {0};
        cJSON *res = hf_wsedit_prune_rename(doc, &ops, &err);
        rc = res == NULL ? hf_cli_report(cli.ws_path, &err)
                         : hf_wstool_emit(res, outfile != NULL ? outfile : cli.output, "prune");
        hf_error_release(&err);
        cJSON_Delete(res);
        cJSON_Delete(doc);
    }
    free((void *)ch.v);
    free((void *)sa.v);
    free((void *)mo.v);
    free((void *)ty.v);
    free((void *)me.v);
    hf_cli_done(&cli);
    return rc < 0 ? 0 : rc;
}
