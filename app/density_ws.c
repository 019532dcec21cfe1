/* app/density_ws.c - `hfscope density --to-workspace` (see density_ws.h). */
#include "app/density_ws.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/density/density_truth.h"
#include "core/diag/decorrelate.h"

/* The POI's value and error in a fit (NaN without a POI). */
static void
poi_of(const hf_model *m, const hf_fit_result *f, double *v, double *e)
{
    *v = m->poi >= 0 ? f->x[m->poi] : NAN;
    *e = m->poi >= 0 && f->err != NULL ? f->err[m->poi] : NAN;
}

static cJSON *
fit_json(const hf_model *m, const hf_fit_result *f)
{
    double v, e;
    poi_of(m, f, &v, &e);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    if (m->poi >= 0)
        cJSON_AddStringToObject(o, "poi", m->par[m->poi].name);
    cJSON_AddItemToObject(o, "value", isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "error", isfinite(e) ? cJSON_CreateNumber(e) : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "twice_nll", f->twice_nll);
    cJSON_AddBoolToObject(o, "converged", f->converged);
    return o;
}

static cJSON *
template_json(const hf_density_template *g, const density_ws_opts *o, const char *modname)
{
    cJSON *t = cJSON_CreateObject();
    if (t == NULL)
        return NULL;
    cJSON_AddStringToObject(t, "channel", o->channel);
    cJSON_AddStringToObject(t, "sample", o->sample);
    cJSON_AddNumberToObject(t, "n", (double)g->n);
    cJSON_AddNumberToObject(t, "draws", g->draws);
    cJSON_AddNumberToObject(t, "bootstrap", (double)g->boot);
    cJSON_AddNumberToObject(t, "h", g->h);
    cJSON_AddStringToObject(t, "bandwidth", hf_kde_rule_name(o->rule));
    cJSON_AddStringToObject(t, "band", o->debias ? "debiased" : "plain");
    cJSON_AddStringToObject(t, "modifier", modname);
    cJSON_AddNumberToObject(t, "yield", g->yield);
    cJSON_AddItemToObject(t, "nominal", cJSON_CreateDoubleArray(g->nominal, (int)g->bins));
    cJSON_AddItemToObject(t, "generated", cJSON_CreateDoubleArray(g->generated, (int)g->bins));
    cJSON_AddItemToObject(t, "uncertainty", cJSON_CreateDoubleArray(g->sd, (int)g->bins));
    cJSON_AddItemToObject(t, "uncertainty_training",
                          cJSON_CreateDoubleArray(g->sd_train, (int)g->bins));
    cJSON_AddItemToObject(t, "uncertainty_sampling",
                          cJSON_CreateDoubleArray(g->sd_sampling, (int)g->bins));
    cJSON_AddItemToObject(t, "bias_correction", cJSON_CreateDoubleArray(g->beta, (int)g->bins));
    return t;
}

/* One row of the fit table: POI value +- error (a dash without a POI), 2NLL. */
static void
fit_row(const char *label, double v, double e, const hf_fit_result *f)
{
    if (isfinite(v))
        printf("  %-28s %10.4f +- %-10.4f %12.4f", label, v, e, f->twice_nll);
    else
        printf("  %-28s %10s    %-10s %12.4f", label, "-", "", f->twice_nll);
    printf("%s\n", f->converged ? "" : "  (not converged)");
}

static void
print_text(const hf_density_template *g, const density_ws_opts *o, const char *modname,
           const hf_docfit *before, const hf_docfit *after, bool fixed, const char *out,
           const char *ppath)
{
    printf("generated template for %s/%s: KDE (%s, h = %.4g bins) trained on n = %zu events "
           "drawn from the nominal,\n%.0f events generated; band: %s bootstrap of %zu members "
           "plus sampling noise, as %s\n\n",
           o->channel, o->sample, hf_kde_rule_name(o->rule), g->h, g->n, g->draws,
           o->debias ? "debiased" : "plain", g->boot, modname);
    printf("  %4s %12s %12s %12s %12s %12s\n", "bin", "nominal", "generated", "band", "training",
           "sampling");
    for (size_t b = 0; b < g->bins; b++)
        printf("  %4zu %12.5g %12.5g %12.5g %12.5g %12.5g\n", b, g->nominal[b], g->generated[b],
               g->sd[b], g->sd_train[b], g->sd_sampling[b]);
    if (before->have_fit && after->have_fit) {
        double v0, e0, v1, e1;
        poi_of(before->m, &before->fit, &v0, &e0);
        poi_of(after->m, &after->fit, &v1, &e1);
        const char *poi = before->m->poi >= 0 ? before->m->par[before->m->poi].name : "(no POI)";
        printf("\nfit (%s)%*s%-24s %12s\n", fixed ? "--fix as given" : "all parameters free",
               fixed ? 13 : 8, "", poi, "2NLL");
        fit_row("nominal template", v0, e0, &before->fit);
        fit_row("generated template + band", v1, e1, &after->fit);
        if (isfinite(v0) && isfinite(v1) && e0 > 0 && isfinite(e0) && isfinite(e1))
            printf("  shift %+.4f (%.2f sigma of the nominal fit); error x %.3f\n", v1 - v0,
                   (v1 - v0) / e0, e1 / e0);
    }
    printf("\nwrote %s and %s\n", out, ppath);
}

/* The sample's nominal yields in its channel, or NULL with err. */
static double *
nominal_of(const hf_model *m, const char *channel, const char *sample, size_t *nb, hf_error *err)
{
    int c = hf_model_find_channel(m, channel);
    if (c < 0)
        return hf_error_set(err, HF_EUSAGE, "", "no channel \"%s\" in the model", channel), NULL;
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *cs = &m->cs[i];
        if (cs->chan != (size_t)c || strcmp(m->samp_name[cs->samp], sample) != 0)
            continue;
        double *v = malloc(m->chan_nbins[c] * sizeof(double));
        if (v == NULL)
            return hf_error_nomem(err), NULL;
        memcpy(v, cs->nom, m->chan_nbins[c] * sizeof(double));
        *nb = m->chan_nbins[c];
        return v;
    }
    return hf_error_set(err, HF_EUSAGE, "", "no sample \"%s\" in channel \"%s\"", sample, channel),
           NULL;
}

int
density_to_workspace(hf_cli *cli, const density_ws_opts *o)
{
    if (o->channel == NULL || o->sample == NULL)
        return hf_cli_error("--to-workspace needs --channel C and --sample S");
    if (cli->output == NULL)
        return hf_cli_error("--to-workspace needs -o OUT.json");
    int rc = hf_cli_load(cli);
    if (rc != 0)
        return rc;
    hf_error err = {0};
    hf_density_truth *truth = NULL;
    hf_density_template *g = NULL;
    cJSON *doc = NULL, *patch = NULL;
    char *ppath = NULL;
    double *nominal = NULL;
    size_t nb = 0;
    hf_docfit before = {0}, after = {0};
    const char *modname = o->modifier == HF_DENSITY_SHAPESYS ? "shapesys" : "staterror";

    if ((nominal = nominal_of(cli->model, o->channel, o->sample, &nb, &err)) == NULL ||
        (truth = hf_density_truth_template(cli->model, o->channel, o->sample, &err)) == NULL) {
        rc = hf_cli_report(cli->ws_path, &err);
        goto out;
    }
    hf_density_template_config cfg = {.rule = o->rule,
                                      .bw_value = o->bw_value,
                                      .reflect = o->reflect,
                                      .debias = o->debias,
                                      .seed = cli->seed,
                                      .boot = o->boot > 0 ? (size_t)o->boot : 50};
    if (o->n > 0)
        cfg.n = (size_t)o->n;
    else if (hf_density_truth_neff(truth) >= 2)
        cfg.n = (size_t)floor(hf_density_truth_neff(truth) + 0.5);
    else {
        rc = hf_cli_error("%s/%s has no staterror to tell its MC events: give --n", o->channel,
                          o->sample);
        goto out;
    }
    cfg.draws = o->draws > 0 ? o->draws : 100.0 * (double)cfg.n;
    if ((g = hf_density_template_make(truth, nominal, nb, &cfg, &err)) == NULL) {
        rc = hf_cli_report(cli->ws_path, &err);
        goto out;
    }
    if ((doc = cJSON_Duplicate(cli->ws->doc, 1)) == NULL) {
        rc = hf_cli_nomem();
        goto out;
    }
    if (hf_density_template_apply(doc, o->channel, o->sample, g, o->modifier, &err) != 0) {
        rc = hf_cli_report(cli->ws_path, &err);
        goto out;
    }
    /* both workspaces must validate and fit before anything is written */
    hf_data d = hf_model_data(cli->model);
    if (hf_fit(cli->model, &d, NULL, &before.fit, &err) < 0) {
        rc = hf_cli_report(cli->ws_path, &err);
        goto out;
    }
    before.have_fit = true;
    before.m = cli->model; /* borrowed: not released below */
    int frc = hf_cli_fit_doc(cli, doc, cli->output, &cli->mopt, &after, &err);
    if (frc != 0) {
        rc = frc < 0 ? hf_cli_report(cli->output, &err) : frc;
        goto out;
    }
    ppath = o->patch_out ? strdup(o->patch_out) : hf_cli_patch_path(cli->output);
    if (ppath == NULL || (patch = hf_decorrelate_diff(cli->ws->doc, doc)) == NULL) {
        rc = hf_cli_nomem();
        goto out;
    }
    if (hf_cli_write_json_pair(cli->output, doc, ppath, patch, &err) < 0) {
        rc = hf_cli_report(cli->output, &err);
        goto out;
    }
    if (cli->json) {
        cJSON *j = hf_cli_json_doc(cli);
        if (j == NULL) {
            rc = hf_cli_nomem();
            goto out;
        }
        cJSON_AddItemToObject(j, "template", template_json(g, o, modname));
        cJSON *f = cJSON_AddObjectToObject(j, "fits");
        cJSON_AddItemToObject(f, "nominal", fit_json(before.m, &before.fit));
        cJSON_AddItemToObject(f, "generated", fit_json(after.m, &after.fit));
        cJSON_AddStringToObject(j, "output", cli->output);
        cJSON_AddStringToObject(j, "patch", ppath);
        rc = hf_cli_json_emit(j, NULL);
    } else {
        print_text(g, o, modname, &before, &after, cli->nfix > 0, cli->output, ppath);
    }
    if (rc == 0 && (!before.fit.converged || !after.fit.converged))
        rc = 1;
out:
    if (before.have_fit)
        hf_fit_result_release(&before.fit);
    hf_docfit_release(&after);
    hf_error_release(&err);
    hf_density_template_free(g);
    hf_density_truth_free(truth);
    cJSON_Delete(doc);
    cJSON_Delete(patch);
    free(ppath);
    free(nominal);
    return rc;
}
