/* app/cmd_systematics.c - `hfscope systematics`: the two-point systematics overview (effects and
 * flags per parameter x channel x sample), and symmetrisation / pruning into a new workspace or
 * patch with an optional before/after fit comparison. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/diag/decorrelate.h"
#include "core/diag/systematics.h"
#include "core/model/fit.h"
#include "core/model/workspace.h"

int cmd_systematics(int argc, char **argv);

static cJSON *
flags_json(unsigned f)
{
    static const char *const names[] = {"one-sided", "tiny", "large", "single-bin"};
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (f & (1u << i))
            cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    return a;
}

static cJSON *
overview_json(const hf_model *m, const hf_systematics *s)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < s->n; i++) {
        const hf_systematics_entry *e = &s->e[i];
        const hf_cs *cs = &m->cs[e->cs];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(a, o);
        cJSON_AddStringToObject(o, "parameter", m->par[e->par].name);
        cJSON_AddStringToObject(o, "channel", m->chan[cs->chan]->name);
        cJSON_AddStringToObject(o, "sample", m->samp_name[cs->samp]);
        cJSON *t = cJSON_AddArrayToObject(o, "types");
        if (e->types & (1u << HF_MOD_NORMSYS))
            cJSON_AddItemToArray(t, cJSON_CreateString("normsys"));
        if (e->types & (1u << HF_MOD_HISTOSYS))
            cJSON_AddItemToArray(t, cJSON_CreateString("histosys"));
        cJSON_AddNumberToObject(o, "nominal", e->nominal);
        cJSON_AddNumberToObject(o, "norm_up", e->norm_up);
        cJSON_AddNumberToObject(o, "norm_down", e->norm_down);
        cJSON_AddNumberToObject(o, "shape_up", e->shape_up);
        cJSON_AddNumberToObject(o, "shape_down", e->shape_down);
        cJSON_AddNumberToObject(o, "asymmetry", e->asymmetry);
        cJSON_AddNumberToObject(o, "max_bin", (double)e->max_bin);
        cJSON_AddNumberToObject(o, "max_bin_share", e->max_bin_share);
        cJSON_AddItemToObject(o, "flags", flags_json(e->flags));
    }
    return a;
}

static void
overview_text(const hf_model *m, const hf_systematics *s)
{
    printf("%-30s %-18s %-12s %8s %8s %7s %7s %6s  %s\n", "parameter", "channel", "sample",
           "norm up", "norm dn", "shp up", "shp dn", "asym", "flags");
    size_t counts[4] = {0};
    for (size_t i = 0; i < s->n; i++) {
        const hf_systematics_entry *e = &s->e[i];
        const hf_cs *cs = &m->cs[e->cs];
        char fl[64];
        printf("%-30s %-18s %-12s %+7.2f%% %+7.2f%% %6.2f%% %6.2f%% %+6.2f  %s\n",
               m->par[e->par].name, m->chan[cs->chan]->name, m->samp_name[cs->samp],
               100 * e->norm_up, 100 * e->norm_down, 100 * e->shape_up, 100 * e->shape_down,
               e->asymmetry, hf_systematics_flag_names(e->flags, fl, sizeof(fl)));
        for (int k = 0; k < 4; k++)
            counts[k] += (e->flags >> k) & 1u;
    }
    printf("\n%zu entries: %zu one-sided, %zu tiny, %zu large, %zu single-bin\n", s->n, counts[0],
           counts[1], counts[2], counts[3]);
}

static cJSON *
compare_json(const hf_model *ma, const hf_fit_result *fa, const hf_model *mb,
             const hf_fit_result *fb)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *b = cJSON_AddObjectToObject(o, "before");
    cJSON_AddBoolToObject(b, "converged", fa->converged);
    cJSON_AddNumberToObject(b, "twice_nll", fa->twice_nll);
    cJSON *a = cJSON_AddObjectToObject(o, "after");
    cJSON_AddBoolToObject(a, "converged", fb->converged);
    cJSON_AddNumberToObject(a, "twice_nll", fb->twice_nll);
    cJSON *pars = cJSON_AddArrayToObject(o, "parameters");
    for (size_t j = 0; j < ma->npar; j++) {
        int k = hf_model_find_par(mb, ma->par[j].name);
        cJSON *p = cJSON_CreateObject();
        cJSON_AddItemToArray(pars, p);
        cJSON_AddStringToObject(p, "name", ma->par[j].name);
        cJSON *x = cJSON_AddObjectToObject(p, "before");
        cJSON_AddNumberToObject(x, "value", fa->x[j]);
        cJSON_AddNumberToObject(x, "error", fa->err ? fa->err[j] : NAN);
        if (k >= 0 && fb->x != NULL) {
            cJSON *y = cJSON_AddObjectToObject(p, "after");
            cJSON_AddNumberToObject(y, "value", fb->x[k]);
            cJSON_AddNumberToObject(y, "error", fb->err ? fb->err[k] : NAN);
        } else {
            cJSON_AddNullToObject(p, "after"); /* pruned away */
        }
    }
    return o;
}

static void
compare_text(const hf_model *ma, const hf_fit_result *fa, const hf_model *mb,
             const hf_fit_result *fb)
{
    printf("\n%-36s %21s   %21s\n", "parameter", "before", "after");
    for (size_t j = 0; j < ma->npar; j++) {
        int k = hf_model_find_par(mb, ma->par[j].name);
        printf("%-36s %10.4f +- %-7.4f", ma->par[j].name, fa->x[j], fa->err ? fa->err[j] : NAN);
        if (k >= 0 && fb->x != NULL)
            printf("   %10.4f +- %-7.4f\n", fb->x[k], fb->err ? fb->err[k] : NAN);
        else
            printf("   (pruned)\n");
    }
    printf("%-36s %21.4f   %21.4f\n", "2NLL", fa->twice_nll, fb->twice_nll);
}

int
cmd_systematics(int argc, char **argv)
{
    hf_cli cli = {0};
    const char *np = NULL, *channel = NULL, *symm = NULL, *patch_out = NULL;
    double tiny = 1e-3, large = 0.5, prune = 0;
    bool only_one_sided = false, compare = false;
    const hf_opt extra[] = {
        {"np", 0, HF_OPT_STRING, &np, "only this parameter"},
        {"channel", 0, HF_OPT_STRING, &channel, "only this channel"},
        {"tiny", 0, HF_OPT_DOUBLE, &tiny, "relative effect below which an entry is tiny (0.001)"},
        {"large", 0, HF_OPT_DOUBLE, &large, "relative effect above which an entry is large (0.5)"},
        {"symmetrize", 0, HF_OPT_STRING, &symm, "one-sided|two-sided|max: symmetrise variations"},
        {"only-one-sided", 0, HF_OPT_FLAG, &only_one_sided,
         "symmetrise only variations flagged one-sided"},
        {"prune", 0, HF_OPT_DOUBLE, &prune, "drop normsys/histosys with relative effect below X"},
        {"patch-out", 0, HF_OPT_STRING, &patch_out, "write the RFC 6902 patch of the change here"},
        {"compare", 0, HF_OPT_FLAG, &compare, "fit before and after the change, side by side"},
        {NULL, 0, 0, NULL, NULL}};
    int rc = hf_cli_parse(&cli, argc, argv, extra,
                          "systematics [--np NAME] [--channel NAME] [--symmetrize MODE] "
                          "[--prune X -o NEW.json] [OPTIONS] WORKSPACE.json");
    if (rc != 0) {
        hf_cli_release(&cli);
        return rc < 0 ? 0 : rc;
    }
    hf_symmetrize mode = HF_SYMM_NONE;
    if (symm != NULL && hf_systematics_parse_symmetrize(symm, &mode) < 0) {
        hf_cli_release(&cli);
        return hf_cli_usage_error("--symmetrize must be one-sided, two-sided or max, not \"%s\"",
                                  symm);
    }
    bool transform = mode != HF_SYMM_NONE || prune > 0;
    if (transform && cli.output == NULL && patch_out == NULL) {
        hf_cli_release(&cli);
        return hf_cli_usage_error(
            "--symmetrize/--prune need -o NEW.json or --patch-out PATCH.json");
    }
    if ((rc = hf_cli_load(&cli)) != 0) {
        hf_cli_release(&cli);
        return rc;
    }
    hf_error err = {0};
    hf_systematics s = {0};
    cJSON *newdoc = NULL, *patch = NULL;
    hf_fit_result fa = {0};
    hf_docfit after = {0};
    bool have_a = false;
    hf_systematics_options so = {.tiny = tiny, .large = large, .np = np, .channel = channel};
    hf_systematics_transform tr = {.symmetrize = mode,
                                   .prune = prune,
                                   .np = np,
                                   .channel = channel,
                                   .only_one_sided = only_one_sided};
    if (hf_systematics_analyze(cli.model, &so, &s, &err) < 0) {
        rc = hf_cli_report(cli.ws_path, &err);
        goto done;
    }
    if (transform) {
        if ((newdoc = hf_systematics_apply(cli.ws->doc, &tr, &err)) == NULL) {
            rc = hf_cli_report(cli.ws_path, &err);
            goto done;
        }
        if (patch_out != NULL && (patch = hf_decorrelate_diff(cli.ws->doc, newdoc)) == NULL) {
            hf_error_nomem(&err);
            rc = hf_cli_report(cli.ws_path, &err);
            goto done;
        }
        /* the workspace and the patch: both or neither */
        int wrc = cli.output != NULL && patch_out != NULL
                      ? hf_cli_write_json_pair(cli.output, newdoc, patch_out, patch, &err)
                  : cli.output != NULL ? hf_cli_write_json(cli.output, newdoc, &err)
                  : patch_out != NULL  ? hf_cli_write_json(patch_out, patch, &err)
                                       : 0;
        if (wrc < 0) {
            rc = hf_cli_report(cli.output != NULL ? cli.output : patch_out, &err);
            goto done;
        }
        if (compare) {
            hf_data d = hf_model_data(cli.model);
            if (hf_fit(cli.model, &d, NULL, &fa, &err) < 0) {
                rc = hf_cli_report(cli.ws_path, &err);
                goto done;
            }
            have_a = true;
            const char *p2 = cli.output ? cli.output : cli.ws_path;
            int frc = hf_cli_fit_doc(&cli, newdoc, p2, &cli.mopt, &after, &err);
            if (frc != 0) {
                rc = frc < 0 ? hf_cli_report(p2, &err) : frc;
                goto done;
            }
        }
    }
    if (cli.json) {
        cJSON *doc = hf_cli_json_doc(&cli);
        if (doc == NULL) {
            hf_error_nomem(&err);
            rc = hf_cli_report(cli.ws_path, &err);
            goto done;
        }
        cJSON_AddItemToObject(doc, "systematics", overview_json(cli.model, &s));
        if (transform) {
            cJSON *t = cJSON_AddObjectToObject(doc, "transform");
            cJSON_AddStringToObject(t, "symmetrize", symm ? symm : "none");
            cJSON_AddNumberToObject(t, "prune", prune);
            cJSON_AddNumberToObject(t, "symmetrized", (double)tr.nsymmetrized);
            cJSON_AddNumberToObject(t, "pruned", (double)tr.npruned);
            cJSON_AddNumberToObject(t, "parameters_removed", (double)tr.nparams_removed);
            if (cli.output)
                cJSON_AddStringToObject(t, "output", cli.output);
            if (patch_out)
                cJSON_AddStringToObject(t, "patch", patch_out);
            if (have_a && after.have_fit)
                cJSON_AddItemToObject(doc, "comparison",
                                      compare_json(cli.model, &fa, after.m, &after.fit));
        }
        rc = hf_cli_json_emit(doc, NULL);
    } else {
        overview_text(cli.model, &s);
        if (transform) {
            printf("\nsymmetrised %zu and pruned %zu modifiers (%zu parameters removed)\n",
                   tr.nsymmetrized, tr.npruned, tr.nparams_removed);
            if (cli.output)
                printf("wrote %s\n", cli.output);
            if (patch_out)
                printf("wrote %s (%d operations)\n", patch_out, cJSON_GetArraySize(patch));
            if (have_a && after.have_fit)
                compare_text(cli.model, &fa, after.m, &after.fit);
        }
    }
    if (rc == 0 && ((have_a && !fa.converged) || (after.have_fit && !after.fit.converged)))
        rc = 1;
done:
    if (have_a)
        hf_fit_result_release(&fa);
    hf_docfit_release(&after);
    cJSON_Delete(newdoc);
    cJSON_Delete(patch);
    hf_systematics_release(&s);
    hf_error_release(&err);
    hf_cli_release(&cli);
    return rc;
}
