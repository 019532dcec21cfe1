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

/* value, error and pull of parameter `name` in a fit, when the model has it */
static void
add_fit_par(cJSON *o, const hf_model *m, const hf_fit_result *f, const char *name)
{
    double v, e, pull, ratio;
    if (!lookup(m, f, name, &v, &e, &pull, &ratio))
        return;
    cJSON_AddNumberToObject(o, "value", v);
    cJSON_AddNumberToObject(o, "error", e);
    add_pull(o, pull, ratio);
}

/* One decorrelation: the options, the split, the files written, and the two fits. */
typedef struct decor {
    const char *np, *by_arg, *patch_out;
    bool no_fit;
    cJSON *groups;           /* --by GROUPS.json, or NULL */
    const char *groups_path; /* its path, or NULL */
    hf_decorrelate_by by;
    hf_decorrelation dec;
    char *out, *ppath;     /* the new workspace and its patch */
    hf_docfit orig, split; /* the fits before and after */
    double lr, lr_p;       /* the tension of the split against the original */
    size_t lr_dof;
    bool ok; /* every fit converged */
} decor;

/* --by: channel, sample, or a groups file (loaded into d->groups). Returns the exit code. */
static int
parse_by(decor *d)
{
    if (strcmp(d->by_arg, "channel") == 0) {
        d->by = HF_DECOR_CHANNEL;
    } else if (strcmp(d->by_arg, "sample") == 0) {
        d->by = HF_DECOR_SAMPLE;
    } else {
        hf_error err = {0};
        d->by = HF_DECOR_GROUPS;
        d->groups_path = d->by_arg;
        if ((d->groups = hf_json_load_file(d->by_arg, &err)) == NULL) {
            int rc = hf_cli_report(d->by_arg, &err);
            hf_error_release(&err);
            return rc;
        }
    }
    return 0;
}

/* The split workspace and its patch, written to d->out and d->ppath. Returns the exit code. */
static int
split_and_write(const hf_cli *cli, decor *d, hf_error *err)
{
    if (hf_decorrelate_apply(cli->ws->doc, d->np, d->by, d->groups, &d->dec, err) < 0)
        return hf_cli_report(
            d->groups_path && err->code == HF_ESCHEMA ? d->groups_path : cli->ws_path, err);
    d->out = cli->output ? strdup(cli->output) : default_output(cli->ws_path, d->np);
    d->ppath = d->patch_out ? strdup(d->patch_out) : (d->out ? hf_cli_patch_path(d->out) : NULL);
    if (d->out == NULL || d->ppath == NULL) {
        hf_error_nomem(err);
        return hf_cli_report(cli->ws_path, err);
    }
    if (hf_cli_write_json_pair(d->out, d->dec.workspace, d->ppath, d->dec.patch, err) < 0)
        return hf_cli_report(d->out, err);
    return 0;
}

/* Fit the original and the split model, and the likelihood ratio of the split against the
 * original; each model's constraint constants are taken out first, as the split model has more
 * auxiliary measurements. Returns the exit code. */
static int
fit_both(hf_cli *cli, decor *d, hf_error *err)
{
    hf_data data = hf_model_data(cli->model);
    if (hf_fit(cli->model, &data, NULL, &d->orig.fit, err) < 0)
        return hf_cli_report(cli->ws_path, err);
    d->orig.have_fit = true;
    hf_model_options mo = cli->mopt;
    if (d->dec.poi != NULL && (mo.poi == NULL || strcmp(mo.poi, d->np) == 0))
        mo.poi = d->dec.poi;
    int frc = hf_cli_fit_doc(cli, d->dec.workspace, d->out, &mo, &d->split, err);
    if (frc != 0)
        return frc < 0 ? hf_cli_report(d->out, err) : frc;
    d->ok = d->orig.fit.converged && d->split.fit.converged;

    hf_data d1 = hf_model_data(cli->model), d2 = hf_model_data(d->split.m);
    d->lr = hf_stats_lr_tension(d->orig.fit.twice_nll, hf_gof_constraint_offset(cli->model, &d1),
                                d->split.fit.twice_nll, hf_gof_constraint_offset(d->split.m, &d2));
    d->lr_p = hf_stats_chi2_pvalue(d->lr, d->lr_dof);
    return 0;
}

/* The result as JSON on stdout. Returns the exit code. */
static int
emit_json(const hf_cli *cli, const decor *d, hf_error *err)
{
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL) {
        hf_error_nomem(err);
        return hf_cli_report(cli->ws_path, err);
    }
    cJSON_AddStringToObject(doc, "parameter", d->np);
    cJSON_AddStringToObject(doc, "by", d->by_arg);
    cJSON *o = cJSON_AddObjectToObject(doc, "original");
    if (!d->no_fit)
        add_fit_par(o, cli->model, &d->orig.fit, d->np);
    cJSON_AddNumberToObject(o, "twice_nll", d->no_fit ? NAN : d->orig.fit.twice_nll);
    cJSON *a = cJSON_AddArrayToObject(doc, "split");
    for (size_t i = 0; i < d->dec.nsplit; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddItemToArray(a, s);
        cJSON_AddStringToObject(s, "name", d->dec.split[i].name);
        cJSON_AddStringToObject(s, "group", d->dec.split[i].group);
        if (!d->no_fit)
            add_fit_par(s, d->split.m, &d->split.fit, d->dec.split[i].name);
    }
    cJSON_AddNumberToObject(doc, "twice_nll_split", d->no_fit ? NAN : d->split.fit.twice_nll);
    cJSON *t = cJSON_AddObjectToObject(doc, "tension");
    cJSON_AddNumberToObject(t, "twice_nll_diff", d->lr);
    cJSON_AddNumberToObject(t, "ndof", (double)d->lr_dof);
    cJSON_AddNumberToObject(t, "p_value", d->lr_p);
    cJSON_AddBoolToObject(doc, "converged", d->ok);
    cJSON_AddStringToObject(doc, "output", d->out);
    cJSON_AddStringToObject(doc, "patch", d->ppath);
    if (d->dec.poi != NULL)
        cJSON_AddStringToObject(doc, "new_poi", d->dec.poi);
    return hf_cli_json_emit(doc, NULL);
}

/* The result as text on stdout. */
static void
print_text(const hf_cli *cli, const decor *d)
{
    double v, e, pull, ratio;
    printf("split %s by %s into %zu parameters\n", d->np, d->by_arg, d->dec.nsplit);
    printf("wrote %s and %s (%d operations)\n", d->out, d->ppath, cJSON_GetArraySize(d->dec.patch));
    if (d->no_fit)
        return;
    printf("\n%-40s %-20s %10s %9s %8s %9s\n", "parameter", "group", "value", "error", "pull",
           "post/pre");
    if (lookup(cli->model, &d->orig.fit, d->np, &v, &e, &pull, &ratio))
        print_row(d->np, "(all, original)", v, e, pull, ratio);
    for (size_t i = 0; i < d->dec.nsplit; i++)
        if (lookup(d->split.m, &d->split.fit, d->dec.split[i].name, &v, &e, &pull, &ratio))
            print_row(d->dec.split[i].name,
                      d->dec.split[i].group[0] ? d->dec.split[i].group : "(ungrouped)", v, e, pull,
                      ratio);
    printf("\n2NLL original %.4f, split %.4f; tension (constraint constants removed): "
           "2 dNLL = %.4f for %zu more parameter%s, p-value %.4g\n",
           d->orig.fit.twice_nll, d->split.fit.twice_nll, d->lr, d->lr_dof,
           d->lr_dof == 1 ? "" : "s", d->lr_p);
    if (!d->ok)
        printf("warning: a fit did not converge\n");
}

/* Split, write, fit and show. Returns the exit code. */
static int
run_decorrelate(hf_cli *cli, decor *d)
{
    hf_error err = {0};
    int rc = split_and_write(cli, d, &err);
    d->ok = true;
    d->lr = NAN;
    d->lr_p = NAN;
    d->lr_dof = d->dec.nsplit > 0 ? d->dec.nsplit - 1 : 0;
    if (rc == 0 && !d->no_fit)
        rc = fit_both(cli, d, &err);
    if (rc == 0) {
        if (cli->json)
            rc = emit_json(cli, d, &err);
        else
            print_text(cli, d);
    }
    if (rc == 0 && !d->ok)
        rc = 1;
    hf_error_release(&err);
    return rc;
}

int
cmd_decorrelate(int argc, char **argv)
{
    hf_cli cli = {0};
    decor d = {.by_arg = "channel"};
    const hf_opt extra[] = {
        {"np", 0, HF_OPT_STRING, &d.np, "the parameter to split (required)"},
        {"by", 0, HF_OPT_STRING, &d.by_arg,
         "channel, sample, or a JSON file {\"group\": [channel or sample names]} (channel)"},
        {"patch-out", 0, HF_OPT_STRING, &d.patch_out,
         "where to write the RFC 6902 patch (default: OUTPUT with .patch.json)"},
        {"no-fit", 0, HF_OPT_FLAG, &d.no_fit, "only write the workspace and the patch"},
        {NULL, 0, 0, NULL, NULL}};
    int rc = hf_cli_parse(&cli, argc, argv, extra,
                          "decorrelate --np NAME [--by channel|sample|GROUPS.json] [OPTIONS] "
                          "WORKSPACE.json");
    if (rc != 0) {
        hf_cli_done(&cli);
        return rc < 0 ? 0 : rc;
    }
    if (d.np == NULL)
        rc = hf_cli_error("decorrelate needs --np NAME");
    else if ((rc = hf_cli_load(&cli)) == 0 && (rc = parse_by(&d)) == 0)
        rc = run_decorrelate(&cli, &d);
    hf_docfit_release(&d.split);
    if (d.orig.have_fit)
        hf_fit_result_release(&d.orig.fit);
    free(d.out);
    free(d.ppath);
    hf_decorrelate_release(&d.dec);
    cJSON_Delete(d.groups);
    hf_cli_done(&cli);
    return rc;
}
