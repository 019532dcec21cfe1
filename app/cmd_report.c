/* app/cmd_report.c - `hfscope report WS -o report.pdf`: the review report (summary, every
 * channel pre/post-fit, pulls, correlations, yields) as one PDF with an outline; and/or the yield
 * table as Markdown, CSV or LaTeX (--table FILE.md|.csv|.tex). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/figstyle.h"
#include "core/model/fit.h"
#include "core/model/yields.h"
#include "render/cairo.h"
#include "render/cells.h"
#include "render/palette.h"
#include "render/report.h"
#include "render/tables.h"

int cmd_report(int argc, char **argv);

typedef struct style_ctx {
    const hf_figstyle *st;
    const hf_model *m;
} style_ctx;

/* hf_report_options.stack_style: the shared figure options (app/figstyle.h) for channel c. */
static void
stack_style(void *ctx, size_t c, hf_stack_options *o)
{
    const style_ctx *sc = ctx;

    hf_figstyle_stack(sc->st, sc->m, c, o);
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

/* The report's options from the command line (the goodness of fit into gof unless blinded),
 * then its pages to cli->output (or terminal cells). Returns the exit code. */
static int
report_pages(hf_cli *cli, hf_figstyle *fig, style_ctx *sctx, const hf_fit_result *fit, hf_gof *gof,
             hf_report_options *ro, const hf_palette *pal, const int cells[2], bool logy,
             double threshold)
{
    hf_error err = {0};
    int rc = 0;

    ro->source = cli->ws_path;
    ro->stack_style = stack_style;
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
        hf_cli_release(&cli);
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
                          threshold);
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
    hf_figstyle_release(&fig);
    hf_palette_free(pal);
    hf_error_release(&err);
    hf_cli_release(&cli);
    return rc;
}
