/* app/cmd_decorrelate.c - `hfscope decorrelate`: split a parameter per channel, sample or group,
 * write the new workspace and its RFC 6902 patch, refit, and show the split parameters beside
 * the original. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/diag/decorrelate.h"
#include "core/diag/gof.h"
#include "core/model/fit.h"
#include "core/model/workspace.h"
#include "core/stats.h"

int cmd_decorrelate(int argc, char **argv);

/* "<stem>_<np>_decorrelated.json" in the current directory, from the input's file name. */
static char *
default_output(const char *in, const char *np)
{
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".json") == 0)
        len -= 5;
    size_t n = len + strlen(np) + 32;
    char *s = malloc(n);
    if (s != NULL)
        (void)snprintf(s, n, "%.*s_%s_decorrelated.json", (int)len, base, np);
    return s;
}

/* Value, error and pull of parameter `name` in a fit; false when the model lacks it. */
static bool
lookup(const hf_model *m, const hf_fit_result *f, const char *name, double *v, double *e,
       double *pull, double *ratio)
{
    int j = hf_model_find_par(m, name);
    if (j < 0)
        return false;
    const hf_param *p = &m->par[j];
    *v = f->x[j];
    *e = f->err != NULL ? f->err[j] : NAN;
    double sig = p->con == HF_CON_NONE ? NAN : p->sigma;
    double centre = p->con == HF_CON_POISSON ? 1.0 : m->aux[j];
    *pull = (*v - centre) / sig;
    *ratio = *e / sig;
    return true;
}

/* One table row; a free (unconstrained) parameter has no pull and no prior width: "free". */
static void
print_row(const char *name, const char *group, double v, double e, double pull, double ratio)
{
    if (isfinite(pull))
        printf("%-40s %-20s %10.4f %9.4f %+8.3f %9.3f\n", name, group, v, e, pull, ratio);
    else
        printf("%-40s %-20s %10.4f %9.4f %8s %9s\n", name, group, v, e, "free", "free");
}

/* pull and postfit_over_prefit, or "free": true for an unconstrained parameter */
static void
add_pull(cJSON *o, double pull, double ratio)
{
    if (isfinite(pull)) {
        cJSON_AddNumberToObject(o, "pull", pull);
        cJSON_AddNumberToObject(o, "postfit_over_prefit", ratio);
    } else {
        cJSON_AddBoolToObject(o, "free", true);
    }
}

int
cmd_decorrelate(int argc, char **argv)
{
    hf_cli cli = {0};
    const char *np = NULL, *by_arg = "channel", *patch_out = NULL;
    bool no_fit = false;
    const hf_opt extra[] = {
        {"np", 0, HF_OPT_STRING, &np, "the parameter to split (required)"},
        {"by", 0, HF_OPT_STRING, &by_arg,
         "channel, sample, or a JSON file {\"group\": [channel or sample names]} (channel)"},
        {"patch-out", 0, HF_OPT_STRING, &patch_out,
         "where to write the RFC 6902 patch (default: OUTPUT with .patch.json)"},
        {"no-fit", 0, HF_OPT_FLAG, &no_fit, "only write the workspace and the patch"},
        {NULL, 0, 0, NULL, NULL}};
    int rc = hf_cli_parse(&cli, argc, argv, extra,
                          "decorrelate --np NAME [--by channel|sample|GROUPS.json] [OPTIONS] "
                          "WORKSPACE.json");
    if (rc != 0) {
        hf_cli_release(&cli);
        return rc < 0 ? 0 : rc;
    }
    if (np == NULL) {
        hf_cli_release(&cli);
        return hf_cli_usage_error("decorrelate needs --np NAME");
    }
    if ((rc = hf_cli_load(&cli)) != 0) {
        hf_cli_release(&cli);
        return rc;
    }
    hf_error err = {0};
    hf_decorrelate_by by = HF_DECOR_CHANNEL;
    cJSON *groups = NULL;
    const char *groups_path = NULL;
    if (strcmp(by_arg, "channel") == 0) {
        by = HF_DECOR_CHANNEL;
    } else if (strcmp(by_arg, "sample") == 0) {
        by = HF_DECOR_SAMPLE;
    } else {
        by = HF_DECOR_GROUPS;
        groups_path = by_arg;
        if ((groups = hf_json_load_file(by_arg, &err)) == NULL) {
            rc = hf_cli_report(by_arg, &err);
            hf_error_release(&err);
            hf_cli_release(&cli);
            return rc;
        }
    }
    hf_decorrelation dec = {0};
    char *out = NULL, *ppath = NULL;
    hf_docfit orig = {0}, split = {0};
    if (hf_decorrelate_apply(cli.ws->doc, np, by, groups, &dec, &err) < 0) {
        rc = hf_cli_report(groups_path && err.code == HF_ESCHEMA ? groups_path : cli.ws_path, &err);
        goto done;
    }
    out = cli.output ? strdup(cli.output) : default_output(cli.ws_path, np);
    ppath = patch_out ? strdup(patch_out) : (out ? hf_cli_patch_path(out) : NULL);
    if (out == NULL || ppath == NULL) {
        hf_error_nomem(&err);
        rc = hf_cli_report(cli.ws_path, &err);
        goto done;
    }
    if (hf_cli_write_json_pair(out, dec.workspace, ppath, dec.patch, &err) < 0) {
        rc = hf_cli_report(out, &err);
        goto done;
    }
    bool ok = true;
    if (!no_fit) {
        hf_data d = hf_model_data(cli.model);
        if (hf_fit(cli.model, &d, NULL, &orig.fit, &err) < 0) {
            rc = hf_cli_report(cli.ws_path, &err);
            goto done;
        }
        orig.have_fit = true;
        hf_model_options mo = cli.mopt;
        if (dec.poi != NULL && (mo.poi == NULL || strcmp(mo.poi, np) == 0))
            mo.poi = dec.poi;
        int frc = hf_cli_fit_doc(&cli, dec.workspace, out, &mo, &split, &err);
        if (frc != 0) {
            rc = frc < 0 ? hf_cli_report(out, &err) : frc;
            goto done;
        }
        ok = orig.fit.converged && split.fit.converged;
    }

    /* likelihood ratio of the split against the original model; each model's constraint
     * constants are taken out first, as the split model has more auxiliary measurements */
    double lr = NAN, lr_p = NAN;
    size_t lr_dof = dec.nsplit > 0 ? dec.nsplit - 1 : 0;
    if (!no_fit) {
        hf_data d1 = hf_model_data(cli.model), d2 = hf_model_data(split.m);
        lr = hf_stats_lr_tension(orig.fit.twice_nll, hf_gof_constraint_offset(cli.model, &d1),
                                 split.fit.twice_nll, hf_gof_constraint_offset(split.m, &d2));
        lr_p = hf_stats_chi2_pvalue(lr, lr_dof);
    }
    double v, e, pull, ratio;
    if (cli.json) {
        cJSON *doc = hf_cli_json_doc(&cli);
        if (doc == NULL) {
            hf_error_nomem(&err);
            rc = hf_cli_report(cli.ws_path, &err);
            goto done;
        }
        cJSON_AddStringToObject(doc, "parameter", np);
        cJSON_AddStringToObject(doc, "by", by_arg);
        cJSON *o = cJSON_AddObjectToObject(doc, "original");
        if (!no_fit && lookup(cli.model, &orig.fit, np, &v, &e, &pull, &ratio)) {
            cJSON_AddNumberToObject(o, "value", v);
            cJSON_AddNumberToObject(o, "error", e);
            add_pull(o, pull, ratio);
        }
        cJSON_AddNumberToObject(o, "twice_nll", no_fit ? NAN : orig.fit.twice_nll);
        cJSON *a = cJSON_AddArrayToObject(doc, "split");
        for (size_t i = 0; i < dec.nsplit; i++) {
            cJSON *s = cJSON_CreateObject();
            cJSON_AddItemToArray(a, s);
            cJSON_AddStringToObject(s, "name", dec.split[i].name);
            cJSON_AddStringToObject(s, "group", dec.split[i].group);
            if (!no_fit && lookup(split.m, &split.fit, dec.split[i].name, &v, &e, &pull, &ratio)) {
                cJSON_AddNumberToObject(s, "value", v);
                cJSON_AddNumberToObject(s, "error", e);
                add_pull(s, pull, ratio);
            }
        }
        cJSON_AddNumberToObject(doc, "twice_nll_split", no_fit ? NAN : split.fit.twice_nll);
        cJSON *t = cJSON_AddObjectToObject(doc, "tension");
        cJSON_AddNumberToObject(t, "twice_nll_diff", lr);
        cJSON_AddNumberToObject(t, "ndof", (double)lr_dof);
        cJSON_AddNumberToObject(t, "p_value", lr_p);
        cJSON_AddBoolToObject(doc, "converged", ok);
        cJSON_AddStringToObject(doc, "output", out);
        cJSON_AddStringToObject(doc, "patch", ppath);
        if (dec.poi != NULL)
            cJSON_AddStringToObject(doc, "new_poi", dec.poi);
        rc = hf_cli_json_emit(doc, NULL);
    } else {
        printf("split %s by %s into %zu parameters\n", np, by_arg, dec.nsplit);
        printf("wrote %s and %s (%d operations)\n", out, ppath, cJSON_GetArraySize(dec.patch));
        if (!no_fit) {
            printf("\n%-40s %-20s %10s %9s %8s %9s\n", "parameter", "group", "value", "error",
                   "pull", "post/pre");
            if (lookup(cli.model, &orig.fit, np, &v, &e, &pull, &ratio))
                print_row(np, "(all, original)", v, e, pull, ratio);
            for (size_t i = 0; i < dec.nsplit; i++)
                if (lookup(split.m, &split.fit, dec.split[i].name, &v, &e, &pull, &ratio))
                    print_row(dec.split[i].name,
                              dec.split[i].group[0] ? dec.split[i].group : "(ungrouped)", v, e,
                              pull, ratio);
            printf("\n2NLL original %.4f, split %.4f; tension (constraint constants removed): "
                   "2 dNLL = %.4f for %zu more parameter%s, p-value %.4g\n",
                   orig.fit.twice_nll, split.fit.twice_nll, lr, lr_dof, lr_dof == 1 ? "" : "s",
                   lr_p);
            if (!ok)
                printf("warning: a fit did not converge\n");
        }
    }
    if (rc == 0 && !ok)
        rc = 1;
done:
    hf_docfit_release(&split);
    if (orig.have_fit)
        hf_fit_result_release(&orig.fit);
    free(out);
    free(ppath);
    hf_decorrelate_release(&dec);
    cJSON_Delete(groups);
    hf_error_release(&err);
    hf_cli_release(&cli);
    return rc;
}
