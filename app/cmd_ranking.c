/* app/cmd_ranking.c - `hfscope ranking`: pre-fit and post-fit impacts of every nuisance parameter
 * on the POI (refits with theta fixed at theta_hat +- sigma, -j threads), sorted, with pulls. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/model/fit.h"
#include "core/diag/ranking.h"
#include "render/cairo.h"
#include "render/plot_syst.h"

int cmd_ranking(int argc, char **argv);

static cJSON *
pair(const double v[2])
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, isfinite(v[0]) ? cJSON_CreateNumber(v[0]) : cJSON_CreateNull());
    cJSON_AddItemToArray(a, isfinite(v[1]) ? cJSON_CreateNumber(v[1]) : cJSON_CreateNull());
    return a;
}

static int
emit_json(hf_cli *cli, const hf_model *m, const hf_fit_result *fit, const hf_ranking *r, int top)
{
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL)
        return hf_cli_report(cli->ws_path, &(hf_error){.code = HF_ENOMEM});
    cJSON_AddStringToObject(doc, "poi", m->par[r->poi].name);
    cJSON_AddNumberToObject(doc, "poi_value", r->poi_value);
    cJSON_AddNumberToObject(doc, "poi_error", r->poi_error);
    cJSON_AddNumberToObject(doc, "twice_nll", fit->twice_nll);
    cJSON_AddNumberToObject(doc, "refits", (double)r->nfits);
    cJSON_AddNumberToObject(doc, "refits_not_converged", (double)r->nfailed);
    cJSON *pars = cJSON_AddArrayToObject(doc, "parameters");
    for (size_t i = 0; i < r->n && (top <= 0 || i < (size_t)top); i++) {
        const hf_ranking_entry *e = &r->e[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(pars, o);
        cJSON_AddStringToObject(o, "name", m->par[e->par].name);
        cJSON_AddNumberToObject(o, "value", e->value);
        cJSON_AddNumberToObject(o, "pull", e->pull);
        cJSON_AddNumberToObject(o, "prefit_error", e->prefit_sigma);
        cJSON_AddNumberToObject(o, "postfit_error", e->postfit_sigma);
        cJSON_AddItemToObject(o, "impact_prefit", pair(e->impact_prefit));
        cJSON_AddItemToObject(o, "impact_postfit", pair(e->impact_postfit));
        cJSON_AddBoolToObject(o, "converged", e->converged);
    }
    return hf_cli_json_emit(doc, cli->output);
}

static void
print_text(const hf_model *m, const hf_ranking *r, int top)
{
    printf("POI %s = %.4f +- %.4f; %zu refits (%zu parameters with a refit that did not "
           "converge)\n\n",
           m->par[r->poi].name, r->poi_value, r->poi_error, r->nfits, r->nfailed);
    printf("%4s  %-36s %8s %8s  %19s  %19s\n", "rank", "parameter", "pull", "post/pre",
           "post-fit impact", "pre-fit impact");
    for (size_t i = 0; i < r->n && (top <= 0 || i < (size_t)top); i++) {
        const hf_ranking_entry *e = &r->e[i];
        printf("%4zu  %-36s %+8.3f %8.3f  %+9.4f %+9.4f  %+9.4f %+9.4f%s\n", i + 1,
               m->par[e->par].name, e->pull, e->postfit_sigma / e->prefit_sigma,
               e->impact_postfit[0], e->impact_postfit[1], e->impact_prefit[0], e->impact_prefit[1],
               e->converged ? "" : "  (refit not converged)");
    }
}

/* Draw the ranking figure to path (format from its extension). */
static int
write_plot(const char *path, const hf_model *m, const hf_ranking *r, int top)
{
    hf_error err = {0};
    int rc = hf_cli_save_scene(path, hf_plot_syst_ranking(m, r, top > 0 ? (size_t)top : 0, &err), &err);
    hf_error_release(&err);
    return rc;
}

int
cmd_ranking(int argc, char **argv)
{
    hf_cli cli = {0};
    bool no_prefit = false;
    int top = 0;
    const char *plot = NULL;
    const hf_opt extra[] = {
        {"no-prefit", 0, HF_OPT_FLAG, &no_prefit, "skip the pre-fit impacts (half the refits)"},
        {"top", 0, HF_OPT_INT, &top, "show only the N highest-ranked parameters"},
        {"plot", 0, HF_OPT_STRING, &plot,
         "also draw the ranking figure (FILE.pdf/.png/.svg; --top N rows, default 20)"},
        {NULL, 0, 0, NULL, NULL}};
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "ranking [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    const hf_model *m = cli.model;
    if (m->poi < 0) {
        hf_error pe = {0};
        hf_error_set(&pe, HF_EUSAGE, "",
                     "ranking needs a POI: the model has none (use --poi NAME)");
        rc = hf_cli_report(cli.ws_path, &pe);
        hf_error_release(&pe);
        hf_cli_release(&cli);
        return rc;
    }
    hf_data d = hf_model_data(m);
    hf_fit_result fit = {0};
    hf_error err = {0};
    if (hf_fit(m, &d, NULL, &fit, &err) < 0) {
        rc = hf_cli_report(cli.ws_path, &err);
    } else {
        hf_ranking r = {0};
        hf_ranking_options ro = {.jobs = cli.jobs, .no_prefit = no_prefit};
        if (!fit.converged && !cli.quiet)
            hf_cli_warn("%s: the best fit did not converge (%s)", cli.ws_path,
                        fit.message ? fit.message : "unknown reason");
        if (hf_ranking_compute(m, &d, &fit, &ro, &r, &err) < 0) {
            rc = hf_cli_report(cli.ws_path, &err);
        } else {
            if (plot != NULL)
                rc = write_plot(plot, m, &r, top);
            if (rc == 0 && cli.json)
                rc = emit_json(&cli, m, &fit, &r, top);
            else if (rc == 0)
                print_text(m, &r, top);
            if (rc == 0 && !fit.converged)
                rc = 1;
        }
        hf_ranking_release(&r);
        hf_fit_result_release(&fit);
    }
    hf_error_release(&err);
    hf_cli_release(&cli);
    return rc;
}
