/* app/cmd_report.c - `hfscope report WS -o report.pdf`: the review report (summary, every
 * channel pre/post-fit, pulls, correlations, ranking, goodness of fit, upper limit, yields) as one
 * PDF with an outline; and/or the yield table as Markdown, CSV or LaTeX (--table
 * FILE.md|.csv|.tex). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/figstyle.h"
#include "app/regions.h"
#include "core/diag/ranking.h"
#include "core/infer/infer.h"
#include "core/infer/limit.h"
#include "core/model/fit.h"
#include "core/model/yields.h"
#include "render/cairo.h"
#include "render/cells.h"
#include "render/palette.h"
#include "render/report.h"
#include "render/tables.h"

int cmd_report(int argc, char **argv);

typedef struct style_ctx {
    hf_figstyle *st;
    const hf_model *m;
} style_ctx;

/* hf_report_options.stack_style: the shared figure options (app/figstyle.h) for channel c. */
static void
stack_style(void *ctx, size_t c, hf_stack_options *o)
{
    const style_ctx *sc = ctx;

    hf_figstyle_stack(sc->st, sc->m, c, o);
}

/* hf_report_options.stack_note: channel c's title note ("not in fit" when masked). */
static const char *
stack_note(void *ctx, size_t c, bool postfit)
{
    const style_ctx *sc = ctx;

    return hf_figstyle_note_channel(sc->st, sc->m, c, postfit);
}

/* Table format from a file name's extension; -1 if it has none we know. */
static int
table_format_of(const char *path, hf_table_format *f)
{
    const char *dot = strrchr(path, '.');

    return dot ? hf_table_format_parse(dot + 1, f) : -1;
}

static int
write_table(const char *path, const hf_model *m, const hf_fit_result *fit, const bool *blinded,
            hf_table_format f)
{
    hf_error err = {0};
    hf_yields *pre = hf_yields_compute(m, m->init, NULL, &err), *post = NULL;
    char *txt = NULL;
    int rc = 0;

    if (pre && fit && fit->cov)
        post = hf_yields_compute(m, fit->x, fit->cov, &err);
    if (pre && (!fit || !fit->cov || post))
        txt = hf_yield_table(pre, post, blinded, f, &err);
    if (!txt || hf_write_file_atomic(path, txt, strlen(txt), &err) < 0)
        rc = hf_cli_report(NULL, &err);
    free(txt);
    hf_yields_free(pre);
    hf_yields_free(post);
    hf_error_release(&err);
    return rc;
}

/* The report's pages (render/report.h) through the Cairo document API into one PDF at path (a
 * temporary file renamed when complete); or with cells_w > 0 drawn by the terminal backend to
 * stdout. Returns 0 or -1 with err. */
static int
write_report(const char *path, const hf_model *m, const hf_fit_result *fit,
             const hf_report_options *ro, const hf_palette *pal, const int cells[2], bool ascii,
             hf_error *err)
{
    hf_cairo_options co = {0};
    hf_cairo_doc *doc = NULL;
    size_t n = 0, i;
    hf_scene **pages = hf_report_pages(m, fit, ro, &n, err);
    const char *nc = getenv("NO_COLOR");
    int rc = pages ? 0 : -1;

    co.format = HF_FORMAT_PDF;
    co.pal = pal;
    co.title = "hfscope report";
    if (rc == 0 && cells[0] == 0 && !(doc = hf_cairo_doc_open(path, &co, err)))
        rc = -1;
    for (i = 0; rc == 0 && i < n; i++) {
        if (doc) {
            rc = hf_cairo_doc_add(doc, pages[i], err);
            continue;
        }
        char *txt = hf_cells_scene_text(pages[i], cells[0], cells[1],
                                        ascii ? HF_GLYPHS_ASCII : HF_GLYPHS_BRAILLE, nc && *nc);
        if (!txt)
            rc = hf_error_nomem(err);
        else
            printf("== report %zu/%zu\n%s", i + 1, n, txt);
        free(txt);
    }
    if (doc && rc == 0)
        rc = hf_cairo_doc_close(doc, err);
    else if (doc)
        hf_cairo_doc_abort(doc);
    hf_report_pages_free(pages, n);
    return rc;
}

/* {"hfscope_version", "command", "workspace", "output", "table", "fit_converged"} */
static int
emit_json(hf_cli *cli, const char *table, const hf_fit_result *fit)
{
    cJSON *doc = hf_cli_json_doc(cli);
    if (!doc)
        return 0;
    if (cli->output)
        cJSON_AddStringToObject(doc, "output", cli->output);
    else
        cJSON_AddNullToObject(doc, "output");
    if (table)
        cJSON_AddStringToObject(doc, "table", table);
    else
        cJSON_AddNullToObject(doc, "table");
    if (fit)
        cJSON_AddBoolToObject(doc, "fit_converged", fit->converged);
    else
        cJSON_AddNullToObject(doc, "fit_converged");
    return hf_cli_json_emit(doc, NULL);
}

/* The pages computed for the report beyond the fit: the ranking and the upper limit, or why
 * each is left out (one line on the summary page), and the region groups. */
typedef struct extras {
    bool no_ranking, no_limit; /* --no-ranking, --no-limit */
    const char *groups;        /* --groups */
    hf_summary_groups g;
    hf_ranking rank;
    hf_limit_result lim;
    bool have_rank, have_lim;
    char *rank_note, *lim_note;
    hf_limit_point *curve; /* the limit page's figure: hypothesis tests on a regular grid */
    size_t ncurve;
} extras;

static void
extras_release(extras *x)
{
    hf_summary_groups_release(&x->g);
    hf_ranking_release(&x->rank);
    hf_limit_result_release(&x->lim);
    free(x->curve);
    free(x->rank_note);
    free(x->lim_note);
}

/* Refits of the ranking page: the parameters with the largest covariance impact |C(POI, j)| /
 * sigma_j (the linear response of the POI), at most RANK_CANDIDATES of them, 4 fits each; the
 * page shows the top 20 by their refit impacts. `hfscope ranking` refits every parameter. */
#define RANK_CANDIDATES 30

/* The ranking page's note: what was ranked and how, short enough for one line of the page (numbers
 * only: a fixed buffer is enough). */
static char *
rank_note(size_t n, size_t nall, bool cov, bool blind)
{
    const char *how = blind ? (cov ? "expected covariance impacts (Asimov data; POI blinded)"
                                   : "expected refit impacts (Asimov data; POI blinded)")
                      : cov ? "covariance impacts (the POI is on its bound)"
                            : "refit impacts";
    char buf[200];

    if (n < nall)
        (void)snprintf(buf, sizeof buf,
                       "%s of the %zu of %zu parameters largest in covariance impact", how, n,
                       nall);
    else
        (void)snprintf(buf, sizeof buf, "%s of all %zu parameters", how, n);
    return strdup(buf);
}

/* The select mask of the ranking's candidates (npar); returns how many of how many (*nall). */
static size_t
rank_select(const hf_model *m, const hf_fit_result *fit, bool *sel, size_t *nall)
{
    size_t np = m->npar, j, k, p = (size_t)m->poi, n = 0;
    double *imp = malloc((np + 1) * sizeof *imp);

    *nall = 0;
    for (j = 0; j < np; j++) {
        double v = fit->cov[j * np + j];
        sel[j] = false;
        if (imp)
            imp[j] =
                j == p || fit->fixed[j] || !(v > 0) ? -1 : fabs(fit->cov[p * np + j]) / sqrt(v);
        *nall += j != p && !fit->fixed[j];
    }
    for (k = 0; imp && k < RANK_CANDIDATES; k++) { /* the largest, one at a time */
        size_t best = np;
        for (j = 0; j < np; j++)
            if (!sel[j] && imp[j] >= 0 && (best == np || imp[j] > imp[best]))
                best = j;
        if (best == np)
            break;
        sel[best] = true;
        n++;
    }
    free(imp);
    return n;
}

/* The ranking page's impacts around an unconditional fit of the data (fit when it is one, else
 * a new fit), or the note why it is left out. Blinded: the expected impacts around a free fit of
 * the Asimov data, as `hfscope ranking --blind` gives them. 0, or an exit code (out of memory). */
static int
report_ranking(hf_cli *cli, const hf_figstyle *fig, const hf_fit_result *fit, extras *x)
{
    const hf_model *m = cli->model;
    const bool *mask = m->mask; /* hf_cli_blind_asimov resets it: restored below */
    bool blind = hf_figstyle_blinding(fig);
    hf_data d = hf_model_data(m);
    hf_fit_result free_fit = {0};
    hf_error err = {0};
    bool *sel = NULL;
    double *asimov = NULL;
    size_t n = 0, nall = 0;
    const char *why = m->poi < 0      ? "left out: the model has no POI"
                      : x->no_ranking ? "left out (--no-ranking)"
                      : !fit          ? "left out: no fit (--no-fit)"
                                      : NULL;

    if (!why && blind) {
        int rc = hf_cli_blind_asimov(cli, &d, &asimov);
        if (rc != 0) {
            cli->model->mask = mask;
            return rc;
        }
        if (hf_fit(m, &d, NULL, &free_fit, &err) < 0)
            why = "left out: the fit of the Asimov data failed";
        fit = &free_fit;
    } else if (!why && fit->fixed[m->poi]) { /* --poi-value: the impacts need the free fit */
        if (hf_fit(m, &d, NULL, &free_fit, &err) < 0)
            why = "left out: the fit with a free POI failed";
        fit = &free_fit;
    }
    if (!why && (!fit->converged || !fit->cov))
        why = "left out: the fit did not converge";
    if (!why && !(sel = calloc(m->npar + 1, sizeof *sel)))
        goto nomem;
    if (!why && (n = rank_select(m, fit, sel, &nall)) == 0)
        why = "left out: no parameter to rank";
    if (!why) {
        hf_ranking_options ro = {.jobs = cli->jobs, .select = sel};
        if (hf_ranking_compute(m, &d, fit, &ro, &x->rank, &err) < 0) {
            hf_cli_warn("ranking left out: %s", hf_error_msg(&err));
            why = "left out: a refit failed";
        } else {
            x->have_rank = true;
        }
    }
    x->rank_note =
        why ? strdup(why) : rank_note(n, nall, x->rank.method == HF_RANKING_COVARIANCE, blind);
nomem:
    cli->model->mask = mask;
    free(asimov);
    free(sel);
    hf_fit_result_release(&free_fit);
    hf_error_release(&err);
    return x->rank_note ? 0 : hf_cli_nomem();
}

#define CURVE_POINTS 12 /* hypothesis tests of the limit page's figure */

/* The limit page's figure: CURVE_POINTS hypothesis tests from 0 to 1.3 times the largest limit
 * found (within the POI's bounds), the observed CLs left out when blinding. Its failure only
 * leaves the figure to the search's own tests. */
static void
limit_curve(hf_infer *inf, const hf_model *m, bool blind, extras *x)
{
    const hf_param *poi = &m->par[m->poi];
    double top = isfinite(x->lim.exp[4]) ? x->lim.exp[4] : x->lim.hi, lo = fmax(poi->lo, 0);
    hf_error err = {0};
    size_t i;

    if (!blind && isfinite(x->lim.obs))
        top = fmax(top, x->lim.obs);
    top = fmin(1.3 * top, poi->hi);
    if (!(top > lo) || !(x->curve = calloc(CURVE_POINTS, sizeof *x->curve)))
        return;
    for (i = 0; i < CURVE_POINTS; i++) {
        hf_hypotest h;
        double mu = lo + (top - lo) * (double)(i + 1) / CURVE_POINTS;
        if (hf_infer_hypotest(inf, mu, !blind, &h, &err) < 0)
            break;
        x->curve[i].mu = mu;
        x->curve[i].has_obs = h.has_obs;
        x->curve[i].cls_obs = h.has_obs ? h.cls : NAN;
        memcpy(x->curve[i].cls_exp, h.cls_exp, sizeof h.cls_exp);
    }
    x->ncurve = i == CURVE_POINTS ? i : 0;
    hf_error_release(&err);
}

/* The upper limit as `hfscope limit` finds it (95% CL, CLs, the default test statistic, Brent),
 * on the data `hfscope limit --blind` uses when blinding (hf_cli_blind_data: the page then shows
 * expected limits only), or the note why it is left out. 0, or an exit code. */
static int
report_limit(hf_cli *cli, const hf_figstyle *fig, bool nofit, extras *x)
{
    const hf_model *m = cli->model;
    hf_data d;
    double *owned = NULL;
    hf_infer_options io = {0};
    hf_limit_options lo = {0};
    hf_error err = {0};
    hf_infer *inf = NULL;
    int rc = 0;
    const char *why = m->poi < 0    ? "left out: the model has no POI"
                      : x->no_limit ? "left out (--no-limit)"
                      : nofit       ? "left out: no fit (--no-fit)"
                                    : NULL;

    if (!why && (rc = hf_cli_blind_data(cli, &d, &owned)) != 0)
        return rc;
    if (!why) {
        io.test_stat = hf_infer_default_teststat(m);
        io.data = &d;
        if (!(inf = hf_infer_new(m, &io, &err)) || hf_limit_compute(inf, &lo, &x->lim, &err) < 0) {
            hf_cli_warn("upper limit left out: %s", hf_error_msg(&err));
            why = "left out: a fit of the limit search failed";
        } else {
            x->have_lim = true;
            limit_curve(inf, m, hf_figstyle_blinding(fig), x);
        }
    }
    if (why && !(x->lim_note = strdup(why)))
        rc = hf_cli_nomem();
    hf_infer_free(inf);
    free(owned);
    hf_error_release(&err);
    return rc;
}

/* The report's options from the command line (the goodness of fit into gof unless blinded),
 * then its pages to cli->output (or terminal cells). Returns the exit code. */
static int
report_pages(hf_cli *cli, hf_figstyle *fig, style_ctx *sctx, const hf_fit_result *fit, hf_gof *gof,
             hf_report_options *ro, const hf_palette *pal, const int cells[2], bool logy,
             double threshold, extras *x)
{
    hf_error err = {0};
    int rc = report_ranking(cli, fig, fit, x);

    if (rc == 0)
        rc = report_limit(cli, fig, !fit, x);
    if (rc != 0)
        return rc;
    ro->groups = &x->g;
    ro->ranking = x->have_rank ? &x->rank : NULL;
    ro->limit = x->have_lim ? &x->lim : NULL;
    ro->limit_curve = x->ncurve ? x->curve : NULL;
    ro->nlimit_curve = x->ncurve;
    ro->ranking_note = x->rank_note;
    ro->limit_note = x->lim_note;
    ro->test_stat =
        cli->model->poi >= 0 ? hf_teststat_name(hf_infer_default_teststat(cli->model)) : NULL;

    ro->source = cli->ws_path;
    ro->stack_style = stack_style;
    ro->stack_note = stack_note;
    ro->style_ctx = sctx;
    ro->logy = logy;
    if (fit && !hf_figstyle_blinding(fig)) { /* blinded: no statistic of the data */
        hf_data d = hf_model_data(cli->model);
        hf_error gerr = {0};
        if (hf_gof_saturated(cli->model, &d, fit, gof, &gerr) == 0)
            ro->gof = gof;
        else
            hf_cli_warn("goodness of fit left out: %s", hf_error_msg(&gerr));
        hf_error_release(&gerr);
    }
    ro->blinded = fig->blinded;
    ro->blind_poi = hf_figstyle_blinding(fig);
    ro->note_pre = hf_figstyle_note(fig, cli->model, false);
    ro->note_post = hf_figstyle_note(fig, cli->model, true);
    ro->corr_threshold = threshold;
    if (write_report(cli->output, cli->model, fit, ro, pal, cells, cli->ascii, &err) < 0)
        rc = hf_cli_report(NULL, &err);
    else if (!cli->quiet && !cli->json && cells[0] == 0)
        printf("%s\n", cli->output);
    hf_error_release(&err);
    return rc;
}

int
cmd_report(int argc, char **argv)
{
    hf_cli cli;
    const char *table = NULL, *cells_arg = NULL;
    hf_figstyle fig = {.poi_value = NAN};
    hf_gof gof = {0};
    style_ctx sctx = {&fig, NULL};
    int cells[2] = {0, 0};
    bool logy = false, nofit = false;
    double threshold = 0;
    hf_table_format tf = HF_TABLE_MARKDOWN;
    extras x = {0};
    const hf_opt extra[] = {
        {"logy", 0, HF_OPT_FLAG, &logy, "stack plots on a logarithmic y axis"},
        {"poi-value", 0, HF_OPT_DOUBLE, &fig.poi_value,
         "post-fit from a fit with the POI fixed at this value"},
        {"lumi", 0, HF_OPT_STRING, &fig.lumi,
         "integrated luminosity in fb-1 (139 gives '139 fb⁻¹'), or a text"},
        {"energy", 0, HF_OPT_DOUBLE, &fig.energy, "centre-of-mass energy in TeV"},
        {"label", 0, HF_OPT_STRING, &fig.label, "experiment label, e.g. 'ATLAS Internal'"},
        {"signal", 0, HF_OPT_STRING, &fig.signal, "signal samples: stack (default) or overlay"},
        {"signal-scale", 0, HF_OPT_DOUBLE, &fig.signal_scale, "overlay the signal x this"},
        {"style", 0, HF_OPT_STRING, &fig.style_path,
         "JSON style: label, energy, lumi, signal, signal_scale, colors per sample"},
        {"binning", 0, HF_OPT_STRING, &fig.binning_path, "JSON bin edges per channel"},
        {"linear", 0, HF_OPT_FLAG, &fig.linear,
         "linear y even when the yields span more than three decades"},
        {"threshold", 0, HF_OPT_DOUBLE, &threshold, "correlations: prune below |rho| (0.2)"},
        {"table", 0, HF_OPT_STRING, &table, "also write the yield table (.md, .csv or .tex)"},
        {"no-fit", 0, HF_OPT_FLAG, &nofit, "pre-fit figures only (no fit)"},
        {"groups", 0, HF_OPT_STRING, &x.groups,
         "region groups of the summary figures: GROUPS.json ({\"CR\": [\"CR*\"], ...}) or "
         "'NAME=PAT,PAT;NAME2=PAT' (glob patterns on channel names, in order)"},
        {"no-ranking", 0, HF_OPT_FLAG, &x.no_ranking,
         "leave out the ranking page (refits of up to 30 parameters, 4 each)"},
        {"no-limit", 0, HF_OPT_FLAG, &x.no_limit,
         "leave out the upper-limit page (a CLs limit search)"},
        {"cells", 0, HF_OPT_STRING, &cells_arg,
         "WxH: draw the pages with the terminal backend to stdout instead of a PDF"},
        {NULL, 0, HF_OPT_FLAG, NULL, NULL},
    };
    hf_fit_result fr;
    bool have_fit = false;
    hf_error err = {0};
    hf_palette *pal = NULL;
    hf_report_options ro = {0};
    int rc = hf_cli_parse(&cli, argc, argv, extra, "report [OPTIONS] WORKSPACE.json -o REPORT.pdf");

    if (rc != 0) {
        hf_cli_done(&cli);
        return rc < 0 ? 0 : rc;
    }
    if (cells_arg && hf_cells_parse_size(cells_arg, &cells[0], &cells[1]) < 0)
        rc = hf_cli_error("--cells: expected WIDTHxHEIGHT in 10..1000, got '%s'", cells_arg);
    else if (!cli.output && !table && !cells_arg)
        rc = hf_cli_error("report: -o REPORT.pdf (or --table FILE) is required");
    else if (table && table_format_of(table, &tf) < 0)
        rc = hf_cli_error("--table %s: unknown extension (use .md, .csv or .tex)", table);
    if (rc == 0)
        rc = hf_cli_load(&cli);
    if (rc == 0 && !(pal = hf_palette_from_env(&err)))
        rc = hf_cli_report(NULL, &err);
    if (rc == 0)
        rc = hf_figstyle_load(&fig, cli.model);
    if (rc == 0 && hf_figstyle_palette(&fig, cli.model, pal) < 0)
        rc = hf_cli_nomem();
    if (rc == 0)
        rc = hf_figstyle_blind(&fig, &cli);
    if (rc == 0)
        rc = hf_regions_load(x.groups, cli.model, &x.g);
    sctx.m = cli.model;
    if (rc == 0 && !nofit) {
        if (hf_figstyle_fit(&fig, cli.model, &fr, &err) < 0) {
            rc = hf_cli_report(cli.ws_path, &err);
        } else {
            have_fit = true;
            if (!fr.converged)
                hf_cli_warn("the fit did not converge (%s); the report shows where it stopped",
                            fr.message ? fr.message : "unknown reason");
        }
    }
    /* all or nothing: the table first (small, in memory until written), then the PDF; a PDF
     * that fails takes the table with it */
    if (rc == 0 && table)
        rc = write_table(table, cli.model, have_fit ? &fr : NULL, fig.blinded, tf);
    if (rc == 0 && (cli.output || cells_arg)) {
        rc = report_pages(&cli, &fig, &sctx, have_fit ? &fr : NULL, &gof, &ro, pal, cells, logy,
                          threshold, &x);
        if (rc != 0 && table)
            unlink(table);
    }
    if (rc == 0 && cli.json)
        rc = emit_json(&cli, table, have_fit ? &fr : NULL);
    if (rc == 0 && have_fit && !fr.converged)
        rc = 1; /* the report is written, but the fit in it did not succeed */
    if (have_fit)
        hf_fit_result_release(&fr);
    if (ro.gof)
        hf_gof_release(&gof);
    extras_release(&x);
    hf_figstyle_release(&fig);
    hf_palette_free(pal);
    hf_error_release(&err);
    hf_cli_done(&cli);
    return rc;
}
