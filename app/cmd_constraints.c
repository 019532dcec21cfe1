/* app/cmd_constraints.c - `hfscope constraints`: pulls, post-fit/pre-fit widths and where each
 * constraint comes from (Fisher information shares: auxiliary term, channels, bins). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/cli.h"
#include "core/diag/constraints.h"
#include "core/model/fit.h"
#include "render/cairo.h"
#include "render/plot_syst.h"

int cmd_constraints(int argc, char **argv);

/* A parameter counts as constrained by the data, so that channels are named as its sources,
 * only when its post-fit/pre-fit width is below this: the Fisher shares are diagonal and say
 * nothing about a width that correlations with free parameters leave at the prior. */
#define CONSTRAINED_RATIO 0.9

/* Constraining channels of parameter i (see CONSTRAINED_RATIO): 0 when it is not constrained. */
static size_t
sources(const hf_constraints *c, size_t i, double source, size_t *idx)
{
    if (!(c->p[i].ratio < CONSTRAINED_RATIO))
        return 0;
    return hf_constraints_sources(c, i, source, idx);
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds spent in the fit and in the analysis (reported with -v). */
typedef struct timing {
    double fit, analysis;
} timing;

static int
emit_json(hf_cli *cli, const hf_model *m, const hf_fit_result *fit, const hf_constraints *c,
          double source, size_t *idx, const timing *tm)
{
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL)
        return hf_cli_report(cli->ws_path, &(hf_error){.code = HF_ENOMEM});
    if (cli->verbose) {
        cJSON *t = cJSON_AddObjectToObject(doc, "seconds");
        cJSON_AddNumberToObject(t, "fit", tm->fit);
        cJSON_AddNumberToObject(t, "analysis", tm->analysis);
    }
    cJSON *f = cJSON_AddObjectToObject(doc, "fit");
    cJSON_AddBoolToObject(f, "converged", fit->converged);
    cJSON_AddNumberToObject(f, "status", fit->status);
    cJSON_AddNumberToObject(f, "twice_nll", fit->twice_nll);
    cJSON *pars = cJSON_AddArrayToObject(doc, "parameters");
    cJSON *over = cJSON_AddArrayToObject(doc, "over_constrained");
    for (size_t i = 0; i < c->n; i++) {
        const hf_constraints_par *p = &c->p[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(pars, o);
        cJSON_AddStringToObject(o, "name", m->par[p->par].name);
        cJSON_AddNumberToObject(o, "value", p->value);
        cJSON_AddNumberToObject(o, "pull", p->pull);
        cJSON_AddNumberToObject(o, "prefit_error", p->prefit_sigma);
        cJSON_AddNumberToObject(o, "postfit_error", p->postfit_sigma);
        cJSON_AddNumberToObject(o, "postfit_over_prefit", p->ratio);
        cJSON_AddBoolToObject(o, "over_constrained", p->over_constrained);
        cJSON_AddNumberToObject(o, "fisher", p->fisher);
        cJSON *sh = cJSON_AddObjectToObject(o, "fisher_shares");
        cJSON_AddNumberToObject(sh, "aux", p->aux_share);
        for (size_t ch = 0; ch < m->nchan; ch++)
            cJSON_AddNumberToObject(sh, m->chan[ch]->name, c->chan_share[i * m->nchan + ch]);
        cJSON *by = cJSON_AddArrayToObject(o, "constrained_by");
        size_t ns = sources(c, i, source, idx);
        for (size_t k = 0; k < ns; k++)
            cJSON_AddItemToArray(by, cJSON_CreateString(m->chan[idx[k]]->name));
        if (c->bin_share != NULL) {
            cJSON *bins = cJSON_AddObjectToObject(o, "fisher_bins");
            for (size_t ch = 0; ch < m->nchan; ch++)
                cJSON_AddItemToObject(
                    bins, m->chan[ch]->name,
                    cJSON_CreateDoubleArray(&c->bin_share[i * m->nbins + m->chan_off[ch]],
                                            (int)m->chan_nbins[ch]));
        }
        if (p->over_constrained)
            cJSON_AddItemToArray(over, cJSON_CreateString(m->par[p->par].name));
    }
    return hf_cli_json_emit(doc, cli->output);
}

static void
print_text(const hf_model *m, const hf_fit_result *fit, const hf_constraints *c, double source,
           size_t *idx, bool all)
{
    printf("fit: %s, 2NLL = %.4f\n\n", fit->converged ? "converged" : "NOT converged",
           fit->twice_nll);
    printf("%-36s %8s %9s %7s  %s\n", "parameter", "pull", "post/pre", "aux", "constrained by");
    size_t shown = 0;
    for (size_t i = 0; i < c->n; i++) {
        const hf_constraints_par *p = &c->p[i];
        if (!all && p->ratio > 0.9 && p->aux_share > 0.5)
            continue; /* barely informed by the data: only with --all */
        shown++;
        printf("%-36s %+8.3f %9.3f %6.1f%%  ", m->par[p->par].name, p->pull, p->ratio,
               100 * p->aux_share);
        size_t ns = sources(c, i, source, idx);
        for (size_t k = 0; k < ns; k++)
            printf("%s%s %.1f%%", k ? ", " : "", m->chan[idx[k]]->name,
                   100 * c->chan_share[i * m->nchan + idx[k]]);
        if (!(p->ratio < CONSTRAINED_RATIO))
            printf("-");
        printf("%s\n", p->over_constrained ? "  OVER-CONSTRAINED" : "");
    }
    printf("(constrained by: channels with at least %.0f%% of the Fisher information, named\n"
           " only where post/pre < %.1f, as the shares ignore correlations)\n",
           100 * source, CONSTRAINED_RATIO);
    if (shown < c->n)
        printf("(%zu parameters mostly constrained by their prior not shown; --all lists them)\n",
               c->n - shown);
    size_t nover = 0;
    for (size_t i = 0; i < c->n; i++)
        nover += c->p[i].over_constrained;
    printf("\n%zu over-constrained parameter%s\n", nover, nover == 1 ? "" : "s");
    for (size_t i = 0; i < c->n; i++) {
        const hf_constraints_par *p = &c->p[i];
        if (!p->over_constrained)
            continue;
        printf("  %s: post-fit/pre-fit %.3f, constrained by", m->par[p->par].name, p->ratio);
        size_t ns = sources(c, i, source, idx);
        for (size_t k = 0; k < ns; k++)
            printf("%s %s (%.1f%%)", k ? "," : "", m->chan[idx[k]]->name,
                   100 * c->chan_share[i * m->nchan + idx[k]]);
        if (ns == 0)
            printf(" no single channel (largest share below %.0f%%)", 100 * source);
        printf("\n");
    }
}

/* Draw the constraint-sources figure to path (format from its extension). */
static int
write_plot(const char *path, const hf_model *m, const hf_constraints *c, double threshold)
{
    hf_error err = {0};
    int rc = hf_cli_save_scene(path, hf_plot_syst_constraints(m, c, 0, threshold, &err), &err);
    hf_error_release(&err);
    return rc;
}

int
cmd_constraints(int argc, char **argv)
{
    hf_cli cli = {0};
    double threshold = 0.5, source = 0.1;
    bool bins = false, all = false;
    const char *plot = NULL;
    const hf_opt extra[] = {
        {"threshold", 0, HF_OPT_DOUBLE, &threshold,
         "post-fit/pre-fit width below which a parameter is over-constrained (0.5)"},
        {"source", 0, HF_OPT_DOUBLE, &source,
         "Fisher share from which a channel counts as a constraining source (0.1)"},
        {"bins", 0, HF_OPT_FLAG, &bins, "also give each bin's share"},
        {"all", 0, HF_OPT_FLAG, &all, "list every constrained parameter in the text output"},
        {"plot", 0, HF_OPT_STRING, &plot,
         "also draw the 20 most constrained parameters' sources (FILE.pdf/.png/.svg)"},
        {NULL, 0, 0, NULL, NULL}};
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "constraints [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    const hf_model *m = cli.model;
    hf_data d = hf_model_data(m);
    hf_fit_result fit = {0};
    hf_error err = {0};
    hf_constraints c = {0};
    timing tm = {0};
    size_t *idx = malloc((m->nchan + 1) * sizeof(*idx));
    if (idx == NULL) {
        hf_error_nomem(&err);
        rc = hf_cli_report(cli.ws_path, &err);
    } else if ((tm.fit = now_s()), hf_fit(m, &d, NULL, &fit, &err) < 0) {
        rc = hf_cli_report(cli.ws_path, &err);
    } else {
        hf_constraints_options co = {.over_threshold = threshold, .bins = bins};
        tm.analysis = now_s();
        tm.fit = tm.analysis - tm.fit;
        int crc = hf_constraints_compute(m, &fit, &co, &c, &err);
        tm.analysis = now_s() - tm.analysis;
        if (crc < 0) {
            rc = hf_cli_report(cli.ws_path, &err);
        } else {
            if (!fit.converged && !cli.quiet)
                hf_cli_warn("%s: the fit did not converge (%s)", cli.ws_path,
                            fit.message ? fit.message : "unknown reason");
            if (plot != NULL && c.n > 0)
                rc = write_plot(plot, m, &c, threshold);
            if (rc == 0 && cli.json)
                rc = emit_json(&cli, m, &fit, &c, source, idx, &tm);
            else if (rc == 0)
                print_text(m, &fit, &c, source, idx, all);
            if (cli.verbose && !cli.json)
                (void)fprintf(stderr, "hfscope: fit %.1f ms, constraint analysis %.3f ms\n",
                              1e3 * tm.fit, 1e3 * tm.analysis);
            if (rc == 0 && !fit.converged)
                rc = 1;
        }
        hf_fit_result_release(&fit);
    }
    hf_constraints_release(&c);
    free(idx);
    hf_error_release(&err);
    hf_cli_release(&cli);
    return rc;
}
