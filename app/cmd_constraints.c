/* app/cmd_constraints.c - `hfscope constraints`: pulls, post-fit/pre-fit widths and where each
 * constraint comes from: the observed information (the Hessian diagonal) split into prior, first
 * order and template curvature per channel (and bin), the flags naming the causes, the partners
 * sharing the information; the expected Fisher shares beside them. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/cli.h"
#include "core/diag/constraints.h"
#include "core/model/fit.h"
#include "render/cairo.h"
#include "render/plot_syst.h"
#include "render/utf8.h"

int cmd_constraints(int argc, char **argv);

/* A parameter counts as constrained by the data, so that channels are named as its sources,
 * only when its post-fit/pre-fit width is below this: the information is diagonal and says
 * nothing about a width that correlations with free parameters leave at the prior. */
#define CONSTRAINED_RATIO 0.9

/* Constraining channels of parameter i (see CONSTRAINED_RATIO): 0 when it is not constrained. */
static size_t
sources(const hf_constraints *c, size_t i, double source, size_t *idx)
{
    if (!(c->p[i].ratio < CONSTRAINED_RATIO))
        return 0;
    return hf_constraints_info_sources(c, i, source, idx);
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

/* A number, or null where it is not finite (JSON has no NaN). */
static void
add_num(cJSON *o, const char *key, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* Per-bin values of row j of a npar x nbins table, by channel. */
static void
add_bins(cJSON *o, const char *key, const hf_model *m, const double *tab, size_t j)
{
    cJSON *bins = cJSON_AddObjectToObject(o, key);
    for (size_t ch = 0; ch < m->nchan; ch++)
        cJSON_AddItemToObject(
            bins, m->chan[ch]->name,
            cJSON_CreateDoubleArray(&tab[j * m->nbins + m->chan_off[ch]], (int)m->chan_nbins[ch]));
}

/* The observed-information block, conditional width, flags, partners and explanation of entry i. */
static void
json_observed(cJSON *o, const hf_model *m, const hf_constraints *c, size_t i)
{
    const hf_constraints_par *p = &c->p[i];
    const hf_obsinfo *in = &c->info;
    size_t j = p->par;
    add_num(o, "conditional_error", p->conditional_sigma);
    cJSON *fl = cJSON_AddArrayToObject(o, "flags");
    for (unsigned k = 0; k < HF_CFLAG_COUNT; k++)
        if (p->flags & (1u << k))
            cJSON_AddItemToArray(fl, cJSON_CreateString(hf_constraints_flag_name(k)));
    cJSON *inf = cJSON_AddObjectToObject(o, "information");
    cJSON_AddNumberToObject(inf, "total", p->info);
    cJSON_AddNumberToObject(inf, "prior", p->info_prior);
    cJSON_AddNumberToObject(inf, "first_order", p->info_first);
    cJSON_AddNumberToObject(inf, "curvature", p->info_curv);
    cJSON *chs = cJSON_AddObjectToObject(inf, "channels");
    for (size_t ch = 0; ch < m->nchan; ch++) {
        double f = in->chan_first[j * m->nchan + ch], cv = in->chan_curv[j * m->nchan + ch];
        if (f == 0 && cv == 0)
            continue;
        cJSON *co = cJSON_AddObjectToObject(chs, m->chan[ch]->name);
        cJSON_AddNumberToObject(co, "first_order", f);
        cJSON_AddNumberToObject(co, "curvature", cv);
    }
    cJSON *smp = cJSON_AddArrayToObject(inf, "curvature_samples");
    for (size_t k = 0; k < m->ncs; k++) {
        double v = in->cs_curv[j * m->ncs + k];
        if (v == 0)
            continue;
        cJSON *so = cJSON_CreateObject();
        cJSON_AddStringToObject(so, "channel", m->chan[m->cs[k].chan]->name);
        cJSON_AddStringToObject(so, "sample", m->samp_name[m->cs[k].samp]);
        cJSON_AddNumberToObject(so, "curvature", v);
        cJSON_AddItemToArray(smp, so);
    }
    if (in->bin_first != NULL) {
        add_bins(inf, "bins_first_order", m, in->bin_first, j);
        add_bins(inf, "bins_curvature", m, in->bin_curv, j);
    }
    cJSON *pa = cJSON_AddArrayToObject(o, "partners");
    for (size_t k = 0; k < p->npartners; k++) {
        cJSON *po = cJSON_CreateObject();
        cJSON_AddStringToObject(po, "name", m->par[p->partner[k]].name);
        cJSON_AddNumberToObject(po, "correlation", p->partner_rho[k]);
        add_num(po, "error_if_fixed", p->partner_sigma[k]);
        cJSON_AddItemToArray(pa, po);
    }
    add_num(o, "error_if_partners_fixed", p->sigma_without_partners);
    cJSON *rs = cJSON_AddArrayToObject(o, "restores_width");
    for (size_t k = 0; k < p->nrestore; k++) {
        cJSON *ro = cJSON_CreateObject();
        cJSON_AddStringToObject(ro, "name", m->par[p->restore[k]].name);
        cJSON_AddNumberToObject(ro, "error_after", p->restore_sigma[k]);
        cJSON_AddItemToArray(rs, ro);
    }
    char *why = p->flags ? hf_constraints_explain(m, c, i) : NULL;
    if (why != NULL)
        cJSON_AddStringToObject(o, "explanation", why);
    free(why);
}

static int
emit_json(hf_cli *cli, const hf_model *m, const hf_fit_result *fit, const hf_constraints *c,
          double source, size_t *idx, const timing *tm, bool expected)
{
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc != NULL)
        hf_cli_json_masks(doc, cli);
    if (doc == NULL)
        return hf_cli_report(cli->ws_path, &(hf_error){.code = HF_ENOMEM});
    if (cli->verbose) {
        cJSON *t = cJSON_AddObjectToObject(doc, "seconds");
        cJSON_AddNumberToObject(t, "fit", tm->fit);
        cJSON_AddNumberToObject(t, "analysis", tm->analysis);
    }
    cJSON_AddStringToObject(doc, "data", expected ? "asimov" : "observed");
    cJSON *f = cJSON_AddObjectToObject(doc, "fit");
    cJSON_AddBoolToObject(f, "converged", fit->converged);
    cJSON_AddNumberToObject(f, "status", fit->status);
    cJSON_AddNumberToObject(f, "twice_nll", fit->twice_nll);
    hf_cli_json_flat(f, m, fit);
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
        if (c->bin_share != NULL)
            add_bins(o, "fisher_bins", m, c->bin_share, i);
        json_observed(o, m, c, i);
        if (p->over_constrained)
            cJSON_AddItemToArray(over, cJSON_CreateString(m->par[p->par].name));
    }
    return hf_cli_json_emit(doc, cli->output);
}

/* Short flag letters for the table: O over-constrained, P pulled, C curvature, S one-sided
 * (same-side templates), B at a bound, H Hessian not positive. */
static void
flag_letters(unsigned flags, char out[HF_CFLAG_COUNT + 1])
{
    static const char letters[HF_CFLAG_COUNT] = {'O', 'P', 'C', 'S', 'B', 'H'};
    size_t n = 0;
    for (unsigned k = 0; k < HF_CFLAG_COUNT; k++)
        if (flags & (1u << k))
            out[n++] = letters[k];
    if (n == 0)
        out[n++] = '-';
    out[n] = '\0';
}

/* s, then spaces up to w display columns. */
static void
print_padded(const char *s, size_t w)
{
    size_t n = hf_utf8_width(s);
    fputs(s, stdout);
    for (; n < w; n++)
        putchar(' ');
}

static void
print_text(const hf_model *m, const hf_fit_result *fit, const hf_constraints *c, bool all,
           bool expected)
{
    printf("fit%s: %s, 2NLL = %.4f\n", expected ? " to the Asimov data (expected)" : "",
           fit->converged ? "converged" : "NOT converged", fit->twice_nll);
    hf_cli_print_flat(stdout, m, fit); /* widths along these are set by their combination */
    printf("\n");
    /* the name column as wide as the longest name shown, so the numbers stay in columns */
    size_t w = strlen("parameter");
    for (size_t i = 0; i < c->n; i++)
        if (all || c->p[i].flags != 0 || c->p[i].ratio <= 0.9)
            w = w > hf_utf8_width(m->par[c->p[i].par].name)
                    ? w
                    : hf_utf8_width(m->par[c->p[i].par].name);
    print_padded("parameter", w);
    printf(" %8s %8s %8s %6s %6s %6s  %s\n", "pull", "post/pre", "cond/pre", "prior", "1st", "curv",
           "flags");
    size_t shown = 0;
    for (size_t i = 0; i < c->n; i++) {
        const hf_constraints_par *p = &c->p[i];
        if (!all && p->flags == 0 && p->ratio > 0.9)
            continue; /* barely informed by the data: only with --all */
        shown++;
        print_padded(m->par[p->par].name, w);
        double t = p->info > 0 ? 100 / p->info : NAN;
        char fl[HF_CFLAG_COUNT + 1];
        flag_letters(p->flags, fl);
        printf(" %+8.3f %8.3f %8.3f %5.0f%% %5.0f%% %5.0f%%  %s\n", p->pull, p->ratio,
               p->conditional_sigma / p->prefit_sigma, t * p->info_prior, t * p->info_first,
               t * p->info_curv, fl);
    }
    printf("(post/pre: the fit's width over the prior's; cond/pre: 1/sqrt(H_jj), the width with\n"
           " every other parameter fixed; prior, 1st and curv: parts of the observed information\n"
           " H_jj, which add up to 100%%; flags O over-constrained, P pulled, C curvature,\n"
           " S same-side templates, B at a bound, H Hessian not positive)\n");
    if (shown < c->n)
        printf(
            "(%zu parameters near their prior width and unflagged not shown; --all lists them)\n",
            c->n - shown);
    size_t nflag = 0;
    for (size_t i = 0; i < c->n; i++)
        nflag += c->p[i].flags != 0;
    printf("\n%zu flagged parameter%s\n", nflag, nflag == 1 ? "" : "s");
    for (size_t i = 0; i < c->n; i++) {
        if (c->p[i].flags == 0)
            continue;
        char *why = hf_constraints_explain(m, c, i);
        printf("  %s: %s\n", m->par[c->p[i].par].name, why != NULL ? why : "(out of memory)");
        free(why);
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
    bool bins = false, all = false, expected = false;
    const char *plot = NULL;
    const hf_opt extra[] = {
        {"threshold", 0, HF_OPT_DOUBLE, &threshold,
         "post-fit/pre-fit width below which a parameter is over-constrained (0.5)"},
        {"source", 0, HF_OPT_DOUBLE, &source,
         "share of the observed information from which a channel counts as a source (0.1)"},
        {"bins", 0, HF_OPT_FLAG, &bins, "also give each bin's information and share"},
        {"expected", 0, HF_OPT_FLAG, &expected,
         "fit the Asimov data at the pre-fit values instead: what the design constrains"},
        {"all", 0, HF_OPT_FLAG, &all, "list every constrained parameter in the text output"},
        {"plot", 0, HF_OPT_STRING, &plot,
         "also draw the 20 most constrained parameters' sources (FILE.pdf/.png/.svg)"},
        {NULL, 0, 0, NULL, NULL}};
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "constraints [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    const hf_model *m = cli.model;
    hf_data d = hf_model_data(m);
    double *amain = NULL, *aaux = NULL;
    if (expected) {
        /* Asimov data at the suggested init: expected counts and auxiliary data */
        amain = malloc((m->nbins + 1) * sizeof(double));
        aaux = malloc((m->npar + 1) * sizeof(double));
        if (amain != NULL && aaux != NULL && hf_model_expected(m, m->init, amain, NULL) == 0) {
            hf_model_expected_aux(m, m->init, aaux);
            d = (hf_data){.main = amain, .aux = aaux};
        } else {
            free(amain);
            amain = NULL;
        }
    }
    hf_fit_result fit = {0};
    hf_error err = {0};
    hf_constraints c = {0};
    timing tm = {0};
    size_t *idx = malloc((m->nchan + 1) * sizeof(*idx));
    if (idx == NULL || (expected && (amain == NULL || aaux == NULL))) {
        hf_error_nomem(&err);
        rc = hf_cli_report(cli.ws_path, &err);
    } else if ((tm.fit = now_s()), hf_fit(m, &d, NULL, &fit, &err) < 0) {
        rc = hf_cli_report(cli.ws_path, &err);
    } else {
        hf_constraints_options co = {.over_threshold = threshold, .bins = bins, .data = &d};
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
                rc = emit_json(&cli, m, &fit, &c, source, idx, &tm, expected);
            else if (rc == 0) {
                hf_cli_print_masks(stdout, &cli);
                print_text(m, &fit, &c, all, expected);
            }
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
    free(amain);
    free(aaux);
    hf_error_release(&err);
    hf_cli_done(&cli);
    return rc;
}
