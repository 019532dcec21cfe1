/* app/cmd_ranking.c - `hfscope ranking`: pre-fit and post-fit impacts of every nuisance parameter
 * and free normalisation factor on the POI (refits with theta fixed at theta_hat +- sigma, -j
 * threads), sorted, with pulls; the covariance method when the POI sits on a bound; grouped
 * impacts (--groups) with the stat-only and total breakdown. */
#include <cjson/cJSON.h>
#include <fnmatch.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/groupspec.h"
#include "core/diag/ranking.h"
#include "core/model/fit.h"
#include "render/cairo.h"
#include "render/plot_syst.h"

int cmd_ranking(int argc, char **argv);

/* --groups: group names and, per model parameter, its group (-1 none; the first group whose
 * pattern matches wins). */
typedef struct groups {
    size_t n;
    char **name;
    int *of; /* npar */
} groups;

static void
groups_release(groups *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->name[i]);
    free(g->name);
    free(g->of);
    memset(g, 0, sizeof(*g));
}

/* Add group `name` with one pattern: assigns every unassigned parameter whose name matches
 * (fnmatch glob). Returns how many it assigned, or -1 (ENOMEM). */
static long
group_add(groups *g, const hf_model *m, const char *name, const char *pat)
{
    size_t k = 0;
    while (k < g->n && strcmp(g->name[k], name) != 0)
        k++;
    if (k == g->n) {
        char **nn = realloc(g->name, (g->n + 1) * sizeof(*nn));
        if (nn == NULL)
            return -1;
        g->name = nn;
        if ((g->name[g->n] = strdup(name)) == NULL)
            return -1;
        g->n++;
    }
    long n = 0;
    for (size_t j = 0; j < m->npar; j++)
        if (g->of[j] < 0 && (int)j != m->poi && fnmatch(pat, m->par[j].name, 0) == 0) {
            g->of[j] = (int)k;
            n++;
        }
    return n;
}

/* hf_groupspec_add into g: parameter-name pattern pat joins group name. */
typedef struct groups_ctx {
    groups *g;
    const hf_model *m;
} groups_ctx;

static long
add_group(void *ctx, const char *name, const char *pat)
{
    const groups_ctx *gc = ctx;
    return group_add(gc->g, gc->m, name, pat);
}

/* "NAME=PAT,PAT;NAME2=PAT" or FILE.json into g. 0, or the exit code after the error line. */
static int
groups_parse(groups *g, const hf_model *m, const char *spec)
{
    g->of = malloc((m->npar + 1) * sizeof(int));
    if (g->of == NULL)
        return hf_cli_nomem();
    for (size_t j = 0; j < m->npar; j++)
        g->of[j] = -1;
    groups_ctx ctx = {g, m};
    return hf_groupspec_parse(spec, "parameter", add_group, &ctx);
}

static cJSON *
pair(const double v[2])
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, isfinite(v[0]) ? cJSON_CreateNumber(v[0]) : cJSON_CreateNull());
    cJSON_AddItemToArray(a, isfinite(v[1]) ? cJSON_CreateNumber(v[1]) : cJSON_CreateNull());
    return a;
}

/* What the ranking is sorted by, for the output. */
static const char *
method_name(const hf_ranking *r)
{
    return r->method == HF_RANKING_COVARIANCE ? "covariance" : "refit";
}

static void
groups_json(cJSON *doc, const groups *g, const hf_ranking_groups *gr)
{
    cJSON *o = cJSON_AddObjectToObject(doc, "groups");
    cJSON_AddNumberToObject(o, "total", gr->total);
    cJSON_AddNumberToObject(o, "stat", gr->stat);
    if (isfinite(gr->syst))
        cJSON_AddNumberToObject(o, "syst", gr->syst);
    else
        cJSON_AddNullToObject(o, "syst");
    cJSON *a = cJSON_AddArrayToObject(o, "breakdown");
    for (size_t k = 0; k < gr->ngroups; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToArray(a, e);
        cJSON_AddStringToObject(e, "name", g->name[k]);
        cJSON_AddNumberToObject(e, "parameters", (double)gr->g[k].npar);
        cJSON_AddNumberToObject(e, "poi_error_frozen", gr->g[k].poi_error);
        if (isfinite(gr->g[k].impact))
            cJSON_AddNumberToObject(e, "impact", gr->g[k].impact);
        else
            cJSON_AddNullToObject(e, "impact");
        cJSON_AddBoolToObject(e, "converged", gr->g[k].converged);
    }
}

static int
emit_json(hf_cli *cli, const hf_model *m, const hf_fit_result *fit, const hf_ranking *r, int top,
          const groups *g, const hf_ranking_groups *gr)
{
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL)
        return hf_cli_report(cli->ws_path, &(hf_error){.code = HF_ENOMEM});
    cJSON_AddStringToObject(doc, "poi", m->par[r->poi].name);
    hf_cli_json_masks(doc, cli);
    if (hf_cli_blinding(cli)) {
        hf_cli_json_blinded(doc, "poi_value");
        cJSON_AddNullToObject(doc, "poi_error");
        cJSON_AddStringToObject(doc, "data", "asimov"); /* expected impacts */
    } else {
        cJSON_AddNumberToObject(doc, "poi_value", r->poi_value);
        cJSON_AddNumberToObject(doc, "poi_error", r->poi_error);
    }
    cJSON_AddNumberToObject(doc, "twice_nll", fit->twice_nll);
    cJSON_AddNumberToObject(doc, "refits", (double)r->nfits);
    cJSON_AddNumberToObject(doc, "refits_not_converged", (double)r->nfailed);
    cJSON_AddBoolToObject(doc, "poi_at_bound", r->poi_at_bound);
    cJSON_AddStringToObject(doc, "sorted_by", method_name(r));
    cJSON_AddNumberToObject(doc, "ranked", (double)r->n);
    if (g->n > 0)
        groups_json(doc, g, gr);
    cJSON *pars = cJSON_AddArrayToObject(doc, "parameters");
    for (size_t i = 0; i < r->n && (top <= 0 || i < (size_t)top); i++) {
        const hf_ranking_entry *e = &r->e[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(pars, o);
        cJSON_AddStringToObject(o, "name", m->par[e->par].name);
        cJSON_AddNumberToObject(o, "value", e->value);
        cJSON_AddBoolToObject(o, "constrained", m->par[e->par].con != HF_CON_NONE);
        cJSON_AddNumberToObject(o, "pull", e->pull); /* NaN (no prior) prints null */
        cJSON_AddNumberToObject(o, "prefit_error", e->prefit_sigma);
        cJSON_AddNumberToObject(o, "postfit_error", e->postfit_sigma);
        cJSON_AddItemToObject(o, "impact_prefit", pair(e->impact_prefit));
        cJSON_AddItemToObject(o, "impact_postfit", pair(e->impact_postfit));
        cJSON_AddItemToObject(o, "impact_covariance", pair(e->impact_cov));
        cJSON_AddBoolToObject(o, "converged", e->converged);
    }
    return hf_cli_json_emit(doc, cli->output);
}

static void
groups_text(const groups *g, const hf_ranking_groups *gr)
{
    printf("\nuncertainty breakdown (freeze a group at the best fit, refit, quadrature "
           "difference):\n");
    printf("  %-32s %10.4f\n", "total", gr->total);
    printf("  %-32s %10.4f\n", "stat only (constrained frozen)", gr->stat);
    printf("  %-32s %10.4f\n", "systematic (quadrature)", gr->syst);
    for (size_t k = 0; k < gr->ngroups; k++)
        printf("  %-32s %10.4f  (%zu parameters%s)\n", g->name[k], gr->g[k].impact, gr->g[k].npar,
               gr->g[k].converged ? "" : ", refit not converged");
}

static void
print_text(const hf_cli *cli, const hf_ranking *r, int top)
{
    const hf_model *m = cli->model;
    hf_cli_print_masks(stdout, cli);
    if (hf_cli_blinding(cli))
        printf("POI %s = blinded: expected impacts, on the Asimov data of the initial values; "
               "%zu refits (%zu parameters with a refit that did not converge)\n\n",
               m->par[r->poi].name, r->nfits, r->nfailed);
    else
        printf("POI %s = %.4f +- %.4f; %zu refits (%zu parameters with a refit that did not "
               "converge)\n\n",
               m->par[r->poi].name, r->poi_value, r->poi_error, r->nfits, r->nfailed);
    if (r->method == HF_RANKING_COVARIANCE)
        printf(
            "the POI's best fit is on its bound, so refit impacts are 0 or one-sided: sorted by\n"
            "the covariance impact C(POI, j) / sigma_j instead (linear response)\n\n");
    printf("%4s  %-36s %8s %8s  %19s  %19s  %9s\n", "rank", "parameter", "pull", "post/pre",
           "post-fit impact", "pre-fit impact", "cov");
    for (size_t i = 0; i < r->n && (top <= 0 || i < (size_t)top); i++) {
        const hf_ranking_entry *e = &r->e[i];
        bool con = m->par[e->par].con != HF_CON_NONE;
        printf("%4zu  %-36s ", i + 1, m->par[e->par].name);
        if (con)
            printf("%+8.3f %8.3f  ", e->pull, e->postfit_sigma / e->prefit_sigma);
        else
            printf("%8s %8s  ", "free", "-");
        printf("%+9.4f %+9.4f  %+9.4f %+9.4f  %+9.4f%s\n", e->impact_postfit[0],
               e->impact_postfit[1], e->impact_prefit[0], e->impact_prefit[1], e->impact_cov[0],
               e->converged ? "" : "  (refit not converged)");
    }
    if (top > 0 && (size_t)top < r->n)
        printf("(top %d of %zu)\n", top, r->n);
}

/* Draw the ranking figure to path (format from its extension). */
static int
write_plot(const char *path, const hf_model *m, const hf_ranking *r, int top)
{
    hf_error err = {0};
    int rc =
        hf_cli_save_scene(path, hf_plot_syst_ranking(m, r, top > 0 ? (size_t)top : 0, &err), &err);
    hf_error_release(&err);
    return rc;
}

int
cmd_ranking(int argc, char **argv)
{
    hf_cli cli = {0};
    bool no_prefit = false;
    int top = 0;
    const char *plot = NULL, *gspec = NULL;
    groups g = {0};
    hf_ranking_groups gr = {0};
    const hf_opt extra[] = {
        {"groups", 0, HF_OPT_STRING, &gspec,
         "grouped impacts: GROUPS.json ({\"GROUP\": [\"PATTERN\", ...]}) or "
         "'NAME=PAT,PAT;NAME2=PAT' (glob patterns on parameter names)"},
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
        hf_cli_done(&cli);
        return rc;
    }
    hf_data d = hf_model_data(m);
    hf_fit_result fit = {0};
    hf_error err = {0};
    double *asimov = NULL;
    if (hf_cli_blinding(&cli) && (rc = hf_cli_blind_asimov(&cli, &d, &asimov)) != 0) {
        hf_cli_done(&cli);
        return rc;
    }
    if (gspec != NULL && (rc = groups_parse(&g, m, gspec)) != 0) {
        free(asimov);
        groups_release(&g);
        hf_cli_done(&cli);
        return rc;
    }
    if (hf_fit(m, &d, NULL, &fit, &err) < 0) {
        rc = hf_cli_report(cli.ws_path, &err);
    } else {
        hf_ranking r = {0};
        hf_ranking_options ro = {.jobs = cli.jobs, .no_prefit = no_prefit};
        if (!fit.converged && !cli.quiet)
            hf_cli_warn("%s: the best fit did not converge (%s)", cli.ws_path,
                        fit.message ? fit.message : "unknown reason");
        if (hf_ranking_compute(m, &d, &fit, &ro, &r, &err) < 0 ||
            (g.n > 0 && hf_ranking_groups_compute(m, &d, &fit, g.of, g.n, &gr, &err) < 0)) {
            rc = hf_cli_report(cli.ws_path, &err);
        } else {
            if (r.method == HF_RANKING_COVARIANCE && !cli.quiet && hf_cli_blinding(&cli))
                hf_cli_warn("%s: the POI's best fit is on its bound: ranked by the covariance "
                            "impacts",
                            cli.ws_path);
            else if (r.method == HF_RANKING_COVARIANCE && !cli.quiet)
                hf_cli_warn("%s: the POI's best fit %g is on its bound: refit impacts are 0 or "
                            "one-sided; ranked by the covariance impacts instead",
                            cli.ws_path, r.poi_value);
            for (size_t k = 0; k < gr.ngroups && k < g.n && !cli.quiet; k++) {
                bool any = false; /* a group that matches nothing was warned about at parsing */
                for (size_t j = 0; j < m->npar && !any; j++)
                    any = g.of[j] == (int)k;
                if (gr.g[k].npar == 0 && any)
                    hf_cli_warn("--groups: group '%s' matches only fixed parameters", g.name[k]);
            }
            if (plot != NULL)
                rc = write_plot(plot, m, &r, top);
            if (rc == 0 && cli.json)
                rc = emit_json(&cli, m, &fit, &r, top, &g, &gr);
            else if (rc == 0) {
                print_text(&cli, &r, top);
                if (g.n > 0)
                    groups_text(&g, &gr);
            }
            if (rc == 0 && !fit.converged)
                rc = 1;
        }
        hf_ranking_release(&r);
        hf_ranking_groups_release(&gr);
        hf_fit_result_release(&fit);
    }
    free(asimov);
    groups_release(&g);
    hf_error_release(&err);
    hf_cli_done(&cli);
    return rc;
}
