/* app/cmd_plot.c - `hfscope plot WS --what stack|pulls|corr|scan|brazil|templates|interp -o DIR`:
 * figures through the Cairo backend, one file per figure (PDF, PNG or SVG). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/figstyle.h"
#include "app/plot_grid.h"
#include "app/regions.h"
#include "core/diag/systematics.h"
#include "core/infer/infer.h"
#include "core/infer/minos.h"
#include "core/infer/scan.h"
#include "core/model/fit.h"
#include "render/cairo.h"
#include "render/cells.h"
#include "render/plot_corr.h"
#include "render/plot_pulls.h"
#include "render/plot_scan.h"
#include "render/plot_scan2d.h"
#include "render/plot_stack.h"
#include "render/plot_syst.h"

int cmd_plot(int argc, char **argv);

/* A figure rendered to a staging file in DIR, renamed to its final name only when every figure
 * of the run is complete (all-or-nothing). */
typedef struct staged {
    char *stage, *path;
} staged;

/* The command line of one run (options of every figure kind). */
typedef struct plotargs {
    const char *what, *channel, *format, *size, *par, *par2, *sort, *limits, *np, *cells, *minos;
    const char *results, *patchset; /* exclusion, limits: a signal grid's results */
    const char *groups;             /* summary: --groups FILE.json or 'NAME=PAT;...' */
    bool all, prefit, postfit, logy;
    int dpi, points;
    double threshold, width;
} plotargs;

typedef struct plotctx {
    hf_cli *cli;
    plotargs a;
    hf_figstyle fig; /* labels, signal, colours, binning (app/figstyle.h) */
    const char *dir;
    char *file; /* -o FILE.pdf|png|svg: the one figure's path (dir is then its directory) */
    char *file_dir;
    hf_cairo_options copt;
    int nwritten;
    cJSON *files; /* --json: the paths written */
    staged *st;   /* figures waiting for the final rename */
    size_t nst, cst;
    char **stems; /* stems used in this run (unique file names) */
    size_t nstems;
    int cells_w, cells_h; /* --cells WxH: draw to the terminal backend on stdout, write no file */
} plotctx;

/* Longest file-name part taken from a name: three of them (templates_<np>_<channel>_<sample>)
 * stay below NAME_MAX = 255. */
#define SAFE_MAX 64

/* FNV-1a, 32 bit (Fowler, Noll, Vo): a short tag that keeps altered names distinct. */
static unsigned long
fnv1a(const char *s)
{
    unsigned long h = 2166136261UL;

    for (; *s; s++)
        h = ((h ^ (unsigned char)*s) * 16777619UL) & 0xffffffffUL;
    return h;
}

/* File-name-safe copy of a channel or parameter name (caller frees): anything outside
 * [A-Za-z0-9._-] becomes '_'; a name that had to change or is longer than SAFE_MAX is cut to
 * SAFE_MAX - 9 bytes and gets '_' and 8 hex digits of a hash of the original name, so that
 * `CR_ä` and `CR_ö` stay distinct and a 400-byte name still makes a valid file name. */
static char *
safe_name(const char *s)
{
    size_t n = strlen(s), i, keep;
    char *o = malloc((n < SAFE_MAX ? n : SAFE_MAX) + 16);
    bool changed = false;

    if (!o)
        return NULL;
    for (i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';
        if (!ok) {
            changed = true;
            ch = '_';
        }
        if (i < SAFE_MAX)
            o[i] = ch;
    }
    if (n == 0) /* (names always follow a prefix such as stack_, so "." and ".." are fine) */
        changed = true;
    if (!changed && n <= SAFE_MAX) {
        o[n] = '\0';
        return o;
    }
    keep = n < SAFE_MAX - 9 ? n : SAFE_MAX - 9;
    snprintf(o + keep, 16, "_%08lx", fnv1a(s));
    return o;
}

/* Make stem unique within this run: a repeat gets _2, _3, ... Returns a malloc'ed stem. */
static char *
unique_stem(plotctx *pc, const char *stem)
{
    size_t n = strlen(stem) + 24, i, k;
    char *u = malloc(n), **ns;

    if (!u)
        return NULL;
    snprintf(u, n, "%s", stem);
    for (k = 2;; k++) {
        for (i = 0; i < pc->nstems && strcmp(pc->stems[i], u) != 0; i++)
            ;
        if (i == pc->nstems)
            break;
        snprintf(u, n, "%s_%zu", stem, k);
    }
    ns = realloc(pc->stems, (pc->nstems + 1) * sizeof *ns);
    if (!ns || !(ns[pc->nstems] = strdup(u))) {
        if (ns)
            pc->stems = ns;
        free(u);
        return NULL;
    }
    pc->stems = ns;
    pc->nstems++;
    return u;
}

/* Write scenes (several only for PDF: one page each) to a staging file for DIR/stem.ext; prints
 * the error and returns its exit code on failure. The file gets its name in commit_staged. */
/* --cells: each page drawn by the terminal backend into a WxH grid, printed as plain UTF-8 text
 * after a header line naming the figure (golden tests, quick looks over ssh); --ascii picks the
 * 7-bit glyphs and NO_COLOR the monochrome fill patterns, as in the explorer. */
static int
print_cells(const plotctx *pc, hf_scene *const *pages, size_t npages, const char *stem)
{
    const char *nc = getenv("NO_COLOR");
    size_t i;

    for (i = 0; i < npages; i++) {
        char *txt =
            hf_cells_scene_text(pages[i], pc->cells_w, pc->cells_h,
                                pc->cli->ascii ? HF_GLYPHS_ASCII : HF_GLYPHS_BRAILLE, nc && *nc);
        if (!txt)
            return hf_cli_nomem();
        printf("== %s %zu/%zu\n%s", stem, i + 1, npages, txt);
        free(txt);
    }
    return 0;
}

static int
emit_pages(plotctx *pc, hf_scene *const *pages, size_t npages, const char *stem)
{
    hf_error err = {0};
    const char *ext = hf_format_ext(pc->copt.format);
    char *u, *path = NULL, *stage = NULL;
    size_t n, i;
    hf_cairo_doc *d;
    int rc = 0;

    if (pc->cells_w > 0)
        return print_cells(pc, pages, npages, stem);
    if (pc->nst == pc->cst) {
        staged *ns = realloc(pc->st, (2 * pc->cst + 8) * sizeof *ns);
        if (!ns)
            return hf_cli_nomem();
        pc->st = ns;
        pc->cst = 2 * pc->cst + 8;
    }
    if (!(u = unique_stem(pc, stem)))
        return hf_cli_nomem();
    n = strlen(pc->dir) + strlen(u) + 64;
    path = malloc(n);
    stage = malloc(n);
    if (!path || !stage) {
        free(u);
        free(path);
        free(stage);
        return hf_cli_nomem();
    }
    snprintf(path, n, "%s/%s.%s", pc->dir, u, ext);
    snprintf(stage, n, "%s/.hfscope-stage-%ld-%zu.%s", pc->dir, (long)getpid(), pc->nst, ext);
    free(u);
    d = hf_cairo_doc_open(stage, &pc->copt, &err);
    for (i = 0; d && i < npages; i++)
        if (hf_cairo_doc_add(d, pages[i], &err) < 0) {
            hf_cairo_doc_abort(d);
            d = NULL;
        }
    if (!d || hf_cairo_doc_close(d, &err) < 0) {
        /* name the figure, not the staging file */
        char *at = err.msg ? strstr(err.msg, stage) : NULL;
        if (at) {
            size_t ls = strlen(stage), lm = strlen(err.msg) - ls + strlen(path) + 1;
            char *m2 = malloc(lm);
            if (m2) {
                snprintf(m2, lm, "%.*s%s%s", (int)(at - err.msg), err.msg, path, at + ls);
                free(err.msg);
                err.msg = m2;
            }
        }
        rc = hf_cli_report(NULL, &err);
        hf_error_release(&err);
        free(path);
        free(stage);
    } else {
        pc->st[pc->nst].stage = stage;
        pc->st[pc->nst].path = path;
        pc->nst++;
    }
    return rc;
}

/* Rename every staged figure to its name; on failure remove what was renamed and what is still
 * staged, so a run leaves all its figures or none. Prints the paths (or collects them for
 * --json). */
static int
commit_staged(plotctx *pc)
{
    size_t i, j;

    for (i = 0; i < pc->nst; i++)
        if (rename(pc->st[i].stage, pc->st[i].path) != 0) {
            int e = errno;
            for (j = 0; j < i; j++)
                unlink(pc->st[j].path);
            return hf_cli_error("cannot write \"%s\": %s", pc->st[i].path, strerror(e));
        }
    for (i = 0; i < pc->nst; i++) {
        pc->nwritten++;
        if (pc->files)
            cJSON_AddItemToArray(pc->files, cJSON_CreateString(pc->st[i].path));
        else if (!pc->cli->quiet)
            printf("%s\n", pc->st[i].path);
    }
    return 0;
}

/* Remove staging files that are left (after a failure) and free the bookkeeping. */
static void
release_staged(plotctx *pc)
{
    size_t i;

    for (i = 0; i < pc->nst; i++) {
        unlink(pc->st[i].stage); /* ENOENT after a successful rename */
        free(pc->st[i].stage);
        free(pc->st[i].path);
    }
    free(pc->st);
    for (i = 0; i < pc->nstems; i++)
        free(pc->stems[i]);
    free(pc->stems);
}

static int
emit(plotctx *pc, hf_scene *s, const char *stem)
{
    return emit_pages(pc, &s, 1, stem);
}

/* The fit behind post-fit figures (background-only and without the blinded data when
 * blinding: app/figstyle.h); 0 or the exit code. */
static int
do_fit(plotctx *pc, hf_fit_result *r)
{
    hf_cli *cli = pc->cli;
    hf_error err = {0};
    int rc;

    if (hf_figstyle_fit(&pc->fig, cli->model, r, &err) < 0) {
        rc = hf_cli_report(cli->ws_path, &err);
        hf_error_release(&err);
        return rc;
    }
    if (!r->converged)
        hf_cli_warn("the fit did not converge (%s); post-fit figures show where it stopped",
                    r->message ? r->message : "unknown reason");
    return 0;
}

/* The title note of a figure (blinding, a fixed POI), NULL when there is none. */
static const char *
blind_label(plotctx *pc, bool postfit)
{
    return hf_figstyle_note(&pc->fig, pc->cli->model, postfit);
}

static int
plot_stacks(plotctx *pc)
{
    const char *channel = pc->a.channel;
    bool postfit = pc->a.postfit, logy = pc->a.logy;
    double width = pc->a.width;
    hf_model *m = pc->cli->model;
    hf_fit_result fr;
    hf_yields *y;
    hf_error err = {0};
    size_t c, c0 = 0, c1 = m->nchan;
    int rc = 0;

    if (channel) {
        int k = hf_model_find_channel(m, channel);
        if (k < 0)
            return hf_cli_unknown_channel(m, "--channel", channel);
        c0 = (size_t)k;
        c1 = c0 + 1;
    }
    memset(&fr, 0, sizeof fr);
    if (postfit && (rc = do_fit(pc, &fr)) != 0)
        return rc;
    y = postfit ? hf_yields_compute(m, fr.x, fr.cov, &err)
                : hf_yields_compute(m, m->init, NULL, &err);
    if (!y) {
        rc = hf_cli_report(NULL, &err);
        hf_error_release(&err);
        if (postfit)
            hf_fit_result_release(&fr);
        return rc;
    }
    for (c = c0; c < c1 && rc == 0; c++) {
        hf_stack_options o;
        hf_scene *s;
        char *nm = safe_name(m->chan[c]->name), *stem;
        hf_stack_options_init(&o);
        hf_figstyle_stack(&pc->fig, m, c, &o);
        o.postfit = postfit;
        o.logy = logy;
        o.extra_label = hf_figstyle_note_channel(&pc->fig, m, c, postfit);
        o.width_in = width;
        s = hf_plot_stack(y, c, &o, &err);
        stem = nm ? malloc(strlen(nm) + 32) : NULL;
        if (!s || !stem) {
            rc = s ? hf_cli_nomem() : hf_cli_report(NULL, &err);
        } else {
            snprintf(stem, strlen(nm) + 32, "stack_%s_%s%s", nm, postfit ? "postfit" : "prefit",
                     logy ? "_log" : "");
            rc = emit(pc, s, stem);
        }
        free(stem);
        free(nm);
        hf_scene_free(s);
    }
    hf_error_release(&err);
    hf_yields_free(y);
    if (postfit)
        hf_fit_result_release(&fr);
    return rc;
}

/* The all-regions summary (render/plot_stack.h): one figure, pre- or post-fit, the regions
 * grouped by --groups (app/regions.h) or CR/VR/SR. */
static int
plot_summary(plotctx *pc)
{
    hf_model *m = pc->cli->model;
    bool postfit = pc->a.postfit;
    hf_fit_result fr;
    hf_stack_options o;
    hf_summary_groups g;
    hf_yields *y = NULL;
    hf_error err = {0};
    hf_scene *s = NULL;
    size_t *order = malloc((m->nchan ? m->nchan : 1) * sizeof *order), n;
    int rc = order ? hf_regions_load(pc->a.groups, m, &g) : hf_cli_nomem();

    memset(&fr, 0, sizeof fr);
    if (rc == 0 && postfit)
        rc = do_fit(pc, &fr);
    if (rc == 0) {
        y = postfit ? hf_yields_compute(m, fr.x, fr.cov, &err)
                    : hf_yields_compute(m, m->init, NULL, &err);
        n = hf_summary_groups_order(&g, order);
        hf_stack_options_init(&o);
        hf_figstyle_stack(&pc->fig, m, 0, &o);
        o.edges = NULL; /* slots are regions, not an observable */
        o.xlabel = NULL;
        o.postfit = postfit;
        o.logy = pc->a.logy;
        o.extra_label = blind_label(pc, postfit);
        o.width_in = pc->a.width;
        o.groups = &g;
        if (y)
            s = hf_plot_summary(y, order, n, NULL, &o, &err);
        if (!s)
            rc = hf_cli_report(NULL, &err);
        else
            rc = emit(pc, s, postfit ? "summary_postfit" : "summary_prefit");
    }
    hf_scene_free(s);
    hf_yields_free(y);
    hf_error_release(&err);
    if (postfit && fr.x)
        hf_fit_result_release(&fr);
    if (order)
        hf_summary_groups_release(&g);
    free(order);
    return rc;
}

/* --minos for the pulls figure: intervals of the named parameters (NAN elsewhere) into lo, hi
 * (npar). 0 or an exit code (error printed). */
static int
pulls_minos(const hf_cli *cli, const hf_fit_result *fr, const char *spec, double *lo, double *hi)
{
    const hf_model *m = cli->model;
    hf_data d = hf_model_data(m);
    hf_error err = {0};
    bool *sel = calloc(m->npar + 1, sizeof(bool));
    int rc = 0;
    for (size_t j = 0; j < m->npar; j++)
        lo[j] = hi[j] = NAN;
    if (sel == NULL)
        hf_error_nomem(&err);
    else if (hf_minos_select(m, spec, fr->fixed, sel, &err) == 0)
        for (size_t j = 0; j < m->npar && err.code == HF_OK; j++) {
            hf_minos_result r;
            if (sel[j] && hf_minos(m, &d, fr, j, NULL, &r, &err) == 0) {
                lo[j] = r.lower.valid ? r.lower.offset : NAN;
                hi[j] = r.upper.valid ? r.upper.offset : NAN;
            }
        }
    if (err.code == HF_EUSAGE)
        rc = hf_cli_error("--minos: %s", hf_error_msg(&err));
    else if (err.code != HF_OK)
        rc = hf_cli_report(cli->ws_path, &err);
    hf_error_release(&err);
    free(sel);
    return rc;
}

static int
plot_pulls(plotctx *pc)
{
    const char *sort = pc->a.sort;
    double width = pc->a.width;
    hf_fit_result fr;
    hf_pulls_options o = {0};
    hf_error err = {0};
    hf_scene **pages;
    size_t n = 0, i;
    int rc;

    if (sort) {
        if (strcmp(sort, "model") == 0)
            o.sort = HF_PULL_SORT_MODEL;
        else if (strcmp(sort, "name") == 0)
            o.sort = HF_PULL_SORT_NAME;
        else if (strcmp(sort, "pull") == 0)
            o.sort = HF_PULL_SORT_PULL;
        else if (strcmp(sort, "constraint") == 0)
            o.sort = HF_PULL_SORT_CONSTRAINT;
        else
            return hf_cli_error("--sort: unknown order '%s' (model, name, pull, constraint)", sort);
    }
    o.group = true;
    o.width_in = width;
    if ((rc = do_fit(pc, &fr)) != 0)
        return rc;
    const char *minos = pc->a.minos;
    size_t np = pc->cli->model->npar;
    double *mlo = minos ? malloc((np + 1) * sizeof(double)) : NULL;
    double *mhi = minos ? malloc((np + 1) * sizeof(double)) : NULL;
    if (minos && (mlo == NULL || mhi == NULL))
        rc = hf_cli_report(NULL, &(hf_error){.code = HF_ENOMEM});
    else if (minos)
        rc = pulls_minos(pc->cli, &fr, minos, mlo, mhi);
    o.minos_lo = mlo;
    o.minos_hi = mhi;
    pages = rc == 0 ? hf_plot_pulls(pc->cli->model, &fr, &o, &n, &err) : NULL;
    free(mlo);
    free(mhi);
    if (rc != 0) {
        hf_fit_result_release(&fr);
        return rc;
    }
    if (!pages)
        rc = hf_cli_report(NULL, &err);
    if (pages && pc->copt.format == HF_FORMAT_PDF)
        rc = emit_pages(pc, pages, n, "pulls"); /* one file, one page per part */
    for (i = 0; pages && pc->copt.format != HF_FORMAT_PDF && i < n && rc == 0; i++) {
        char stem[32];
        if (n == 1)
            snprintf(stem, sizeof stem, "pulls");
        else
            snprintf(stem, sizeof stem, "pulls_%zu", i + 1);
        rc = emit(pc, pages[i], stem);
    }
    for (i = 0; pages && i < n; i++)
        hf_scene_free(pages[i]);
    free(pages);
    hf_error_release(&err);
    hf_fit_result_release(&fr);
    return rc;
}

static int
plot_corr(plotctx *pc)
{
    double threshold = pc->a.threshold, width = pc->a.width;
    hf_fit_result fr;
    hf_corr_options o;
    hf_error err = {0};
    hf_scene *s;
    int rc;

    hf_corr_options_init(&o);
    if (threshold > 0)
        o.threshold = threshold;
    o.width_in = width > 0 ? width : 0;
    if ((rc = do_fit(pc, &fr)) != 0)
        return rc;
    s = hf_plot_corr(pc->cli->model, &fr, &o, &err);
    rc = s ? emit(pc, s, "corr") : hf_cli_report(NULL, &err);
    hf_scene_free(s);
    hf_error_release(&err);
    hf_fit_result_release(&fr);
    return rc;
}

/* Templates (interp 0) or interpolation curves (interp 1) of parameter np on every channel/sample
 * it acts on (render/plot_syst.h). PDF: one file, one page per channel/sample; PNG/SVG: one file
 * each, named after the channel and sample. The interpolation figure marks the best fit +- its
 * error, so it fits first. */
static int
plot_syst(plotctx *pc, bool interp)
{
    const char *np = pc->a.np, *channel = pc->a.channel;
    double width = pc->a.width;
    hf_model *m = pc->cli->model;
    const char *what = interp ? "interp" : "templates";
    hf_fit_result fr;
    hf_error err = {0};
    hf_scene **pages = NULL;
    size_t n = 0, i, c, maxb = 1, *cs = NULL;
    double *tmp = NULL, hat = NAN, sig = NAN;
    char *pn = NULL;
    int j, rc = 0;

    if (!np)
        return hf_cli_error("--what %s needs --np NAME", what);
    if ((j = hf_model_find_par(m, np)) < 0)
        return hf_cli_error("%s: unknown parameter '%s'", pc->cli->ws_path, np);
    for (c = 0; c < m->ncs; c++)
        maxb = m->cs[c].nbins > maxb ? m->cs[c].nbins : maxb;
    pages = calloc(m->ncs + 1, sizeof(hf_scene *));
    cs = calloc(m->ncs + 1, sizeof *cs);
    tmp = malloc(3 * maxb * sizeof *tmp);
    pn = safe_name(np);
    if (!pages || !cs || !tmp || !pn) {
        rc = hf_cli_nomem();
        goto out;
    }
    int only = channel ? hf_model_find_channel(m, channel) : -1; /* checked by cmd_plot */
    for (c = 0; c < m->ncs; c++)
        if ((only < 0 || m->cs[c].chan == (size_t)only) &&
            hf_systematics_templates(m, (size_t)j, c, tmp, tmp + maxb, tmp + 2 * maxb) != 0)
            cs[n++] = c;
    if (n == 0) {
        rc = hf_cli_error("%s: parameter '%s' has no normsys or histosys modifier%s%s",
                          pc->cli->ws_path, np, channel ? " in channel " : "",
                          channel ? channel : "");
        goto out;
    }
    if (interp && !m->fixed[j]) {
        if ((rc = do_fit(pc, &fr)) != 0)
            goto out;
        hat = fr.x[j];
        sig = fr.err[j];
        hf_fit_result_release(&fr);
    }
    for (i = 0; i < n; i++) {
        pages[i] = interp ? hf_plot_syst_interp(m, (size_t)j, cs[i], hat, sig, &err)
                          : hf_plot_syst_templates(m, (size_t)j, cs[i], &err);
        if (!pages[i]) {
            rc = hf_cli_report(NULL, &err);
            goto out;
        }
        if (width > 0) { /* --size: the builder's aspect ratio at the asked width */
            pages[i]->height_in *= width / pages[i]->width_in;
            pages[i]->width_in = width;
        }
    }
    if (pc->copt.format == HF_FORMAT_PDF) {
        size_t len = strlen(what) + strlen(pn) + 2;
        char *stem = malloc(len);
        if (!stem) {
            rc = hf_cli_nomem();
            goto out;
        }
        snprintf(stem, len, "%s_%s", what, pn);
        rc = emit_pages(pc, pages, n, stem);
        free(stem);
    }
    for (i = 0; pc->copt.format != HF_FORMAT_PDF && i < n && rc == 0; i++) {
        const hf_cs *k = &m->cs[cs[i]];
        char *ch = safe_name(m->chan[k->chan]->name), *sa = safe_name(m->samp_name[k->samp]);
        size_t len = strlen(what) + strlen(pn) + (ch ? strlen(ch) : 0) + (sa ? strlen(sa) : 0) + 4;
        char *stem = ch && sa ? malloc(len) : NULL;
        if (!stem) {
            rc = hf_cli_nomem();
        } else {
            snprintf(stem, len, "%s_%s_%s_%s", what, pn, ch, sa);
            rc = emit(pc, pages[i], stem);
        }
        free(stem);
        free(ch);
        free(sa);
    }
out:
    for (i = 0; pages && i < n; i++)
        hf_scene_free(pages[i]);
    free(pages);
    free(cs);
    free(tmp);
    free(pn);
    hf_error_release(&err);
    return rc;
}

/* The scan range of parameter j: +-k errors around the best fit, clipped to its bounds. */
static void
scan_range(const hf_model *m, const hf_fit_result *fr, int j, double k, double *lo, double *hi)
{
    double e = fr->err[j] > 0 && isfinite(fr->err[j]) ? fr->err[j] : 1;

    *lo = fmax(fr->x[j] - k * e, m->par[j].lo);
    *hi = fmin(fr->x[j] + k * e, m->par[j].hi);
}

/* The profile scan of parameter j (and j2 >= 0: the 2-D grid), n points per axis, over
 * scan_range of the best fit, into *sr. 0, or the exit code after the error line. */
static int
scan_around_fit(plotctx *pc, int j, int j2, size_t n, hf_scan_result *sr)
{
    hf_model *m = pc->cli->model;
    hf_data d = hf_model_data(m);
    hf_fit_result fr;
    hf_scan_options so;
    hf_error err = {0};
    int rc;

    if ((rc = do_fit(pc, &fr)) != 0)
        return rc;
    memset(&so, 0, sizeof so);
    so.par = j;
    so.par2 = j2;
    /* 1-D: +-3 errors hold the 95% interval (1.96 errors when parabolic). 2-D: the 95% contour
     * reaches 2.45 errors along an axis when parabolic (-2 ln L rises by 5.99), and further
     * where the likelihood is not: +-4 keep it closed on the published models */
    double k = j2 >= 0 ? 4 : 3;
    scan_range(m, &fr, j, k, &so.lo, &so.hi);
    if (j2 >= 0)
        scan_range(m, &fr, j2, k, &so.lo2, &so.hi2);
    so.n = n;
    so.n2 = j2 >= 0 ? n : 0;
    so.threads = pc->cli->jobs > 0 ? pc->cli->jobs : 1;
    hf_fit_result_release(&fr);
    if (hf_scan_compute(m, &d, &so, sr, &err) < 0)
        rc = hf_cli_report(pc->cli->ws_path, &err);
    hf_error_release(&err);
    return rc;
}

/* Two-parameter scan of --par and --par2 (core/infer/scan.c, 2-D grid of --points per axis,
 * default 15): the 68.27% and 95% contours and the best fit (render/plot_scan2d.h). */
static int
plot_scan2(plotctx *pc, int j, int j2)
{
    hf_model *m = pc->cli->model;
    hf_scan_result sr;
    hf_scan2d_data sd;
    hf_error err = {0};
    hf_scene *s = NULL;
    char *a, *b, *stem;
    int rc = scan_around_fit(pc, j, j2, pc->a.points >= 3 ? (size_t)pc->a.points : 15, &sr);

    if (rc != 0)
        return rc;
    memset(&sd, 0, sizeof sd);
    sd.xpar = m->par[j].name;
    sd.ypar = m->par[j2].name;
    sd.nx = sr.n;
    sd.ny = sr.n2;
    sd.x = sr.x;
    sd.y = sr.y;
    sd.dnll2 = sr.dnll2;
    sd.bestx = sr.best[0];
    sd.besty = sr.best[1];
    sd.width_in = pc->a.width;
    s = hf_plot_scan2d(&sd, &err);
    a = safe_name(m->par[j].name);
    b = safe_name(m->par[j2].name);
    stem = a && b ? malloc(strlen(a) + strlen(b) + 16) : NULL;
    if (!s)
        rc = hf_cli_report(NULL, &err);
    else if (!stem)
        rc = hf_cli_nomem();
    else {
        snprintf(stem, strlen(a) + strlen(b) + 16, "scan_%s_%s", a, b);
        rc = emit(pc, s, stem);
    }
    free(a);
    free(b);
    free(stem);
    hf_scene_free(s);
    hf_scan_result_release(&sr);
    hf_error_release(&err);
    return rc;
}

/* Profile scan of parameter j (core/infer/scan.c): +-3 errors around the best fit, clipped to the
 * parameter's bounds; with --par2 the two-parameter scan. */
static int
plot_scan(plotctx *pc)
{
    const char *par = pc->a.par;
    int npts = pc->a.points;
    double width = pc->a.width;
    hf_model *m = pc->cli->model;
    hf_error err = {0};
    hf_scan_result sr;
    hf_scan_data sd;
    int j, rc;
    hf_scene *s = NULL;
    char *nm, stem[128];

    j = par ? hf_model_find_par(m, par) : m->poi;
    if (j < 0)
        return par ? hf_cli_error("%s: unknown parameter '%s'", pc->cli->ws_path, par)
                   : hf_cli_error("%s: the model has no POI: choose one with --par NAME",
                                  pc->cli->ws_path);
    if (m->fixed[j])
        return hf_cli_error("parameter '%s' is fixed", m->par[j].name);
    if (pc->a.par2) {
        int j2 = hf_model_find_par(m, pc->a.par2);
        if (j2 < 0)
            return hf_cli_error("%s: unknown parameter '%s'", pc->cli->ws_path, pc->a.par2);
        if (m->fixed[j2] || j2 == j)
            return hf_cli_error("--par2 '%s': a free parameter other than --par", m->par[j2].name);
        return plot_scan2(pc, j, j2);
    }
    if ((rc = scan_around_fit(pc, j, -1, npts >= 3 ? (size_t)npts : 21, &sr)) != 0)
        return rc;
    memset(&sd, 0, sizeof sd);
    sd.parameter = m->par[j].name;
    sd.n = sr.n;
    sd.x = sr.x;
    sd.dnll2 = sr.dnll2;
    sd.best = sr.best[0];
    sd.lo68 = sr.int68[0];
    sd.hi68 = sr.int68[1];
    sd.lo95 = sr.int95[0];
    sd.hi95 = sr.int95[1];
    sd.width_in = width;
    s = hf_plot_scan(&sd, &err);
    if (!s) {
        rc = hf_cli_report(NULL, &err);
    } else {
        nm = safe_name(m->par[j].name);
        snprintf(stem, sizeof stem, "scan_%s", nm ? nm : "par");
        free(nm);
        rc = emit(pc, s, stem);
    }
    hf_scene_free(s);
    hf_scan_result_release(&sr);
    hf_error_release(&err);
    return rc;
}

/* CLs against the POI: hypothesis tests on a grid from 0 to where the +2 sigma expected CLs
 * falls below 1% (found by doubling), observed and expected band. */
static int
plot_brazil(plotctx *pc)
{
    int npts = pc->a.points;
    double width = pc->a.width;
    hf_model *m = pc->cli->model;
    hf_error err = {0};
    hf_infer *inf;
    hf_hypotest h;
    hf_brazil_data bd;
    double top, *x = NULL, *obs = NULL, *ex = NULL, hib;
    int i, rc = 0;
    hf_scene *s = NULL;

    if (m->poi < 0)
        return hf_cli_error("%s: --what brazil needs a POI (the model has none; use --poi "
                            "NAME)",
                            pc->cli->ws_path);
    inf = hf_infer_new(m, NULL, &err);
    if (!inf) {
        rc = hf_cli_report(pc->cli->ws_path, &err);
        hf_error_release(&err);
        return rc;
    }
    if (npts < 3)
        npts = 16;
    hib = m->par[m->poi].hi;
    for (top = fmin(1.0, hib);; top *= 2) {
        if (hf_infer_hypotest(inf, top, false, &h, &err) < 0) {
            rc = hf_cli_report(pc->cli->ws_path, &err);
            goto out;
        }
        if (h.cls_exp[4] < 0.02 || top >= hib)
            break;
    }
    x = malloc((size_t)npts * sizeof *x);
    obs = malloc((size_t)npts * sizeof *obs);
    ex = malloc((size_t)npts * 5 * sizeof *ex);
    if (!x || !obs || !ex) {
        rc = hf_cli_nomem();
        goto out;
    }
    for (i = 0; i < npts; i++) {
        int k;
        x[i] = fmax(m->par[m->poi].lo, 0) + (top - fmax(m->par[m->poi].lo, 0)) * (i + 1) / npts;
        if (hf_infer_hypotest(inf, x[i], true, &h, &err) < 0) {
            rc = hf_cli_report(pc->cli->ws_path, &err);
            goto out;
        }
        obs[i] = h.cls;
        for (k = 0; k < 5; k++)
            ex[i * 5 + k] = h.cls_exp[k];
    }
    memset(&bd, 0, sizeof bd);
    bd.n = (size_t)npts;
    bd.x = x;
    bd.obs = obs;
    bd.exp = ex;
    bd.xlabel = m->par[m->poi].name;
    bd.ylabel = "CLs";
    bd.level = 0.05;
    bd.level_label = "CLs = 0.05";
    bd.logy = true;
    bd.width_in = width;
    s = hf_plot_brazil(&bd, &err);
    rc = s ? emit(pc, s, "brazil") : hf_cli_report(NULL, &err);
out:
    hf_scene_free(s);
    free(x);
    free(obs);
    free(ex);
    hf_error_release(&err);
    hf_infer_free(inf);
    return rc;
}

/* Upper limits across signal points from a `patchset run --what limit` JSON-lines file: the
 * figure of `--what limits` (app/plot_grid.c) without a patchset, over the points' values (one
 * value: a real axis; more: one category per point, named by its values). */
static int
plot_limits(plotctx *pc, const char *path, double width)
{
    hf_grid_args g;
    hf_scene *s = NULL;
    char energy[32];
    int rc;

    memset(&g, 0, sizeof g);
    snprintf(energy, sizeof energy, "%g", pc->fig.energy);
    g.energy = pc->fig.energy > 0 ? energy : NULL;
    g.what = "limits";
    g.results = path;
    g.patchset = pc->a.patchset; /* optional: names the axis */
    g.label = pc->fig.label;
    g.lumi = pc->fig.lumi;
    g.width = width;
    rc = hf_grid_scene(&g, &s);
    if (rc == 0)
        rc = emit(pc, s, "limits");
    hf_scene_free(s);
    return rc;
}

/* Create DIR and missing parents (like mkdir -p); 0 or an exit code. *created gets the
 * outermost directory this call created (malloc'ed; NULL when DIR existed), so that a run that
 * writes nothing can remove what it made (remove_created). */
static int
ensure_dir(const char *dir, char **created)
{
    struct stat st;
    char *tmp, *p;
    int rc = 0;

    *created = NULL;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : hf_cli_error("-o %s: not a directory", dir);
    tmp = strdup(dir);
    if (!tmp)
        return hf_cli_nomem();
    for (p = tmp + 1; rc == 0; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        {
            char c = *p;
            bool made;
            *p = '\0';
            made = mkdir(tmp, 0777) == 0;
            if (!made && errno != EEXIST)
                rc = hf_cli_error("-o %s: cannot create directory: %s", dir, strerror(errno));
            else if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode))
                rc = hf_cli_error("-o %s: %s is not a directory", dir, tmp);
            else if (made && !*created && !(*created = strdup(tmp)))
                rc = hf_cli_nomem();
            *p = c;
            if (c == '\0')
                break;
        }
    }
    free(tmp);
    return rc;
}

/* Remove DIR and its parents up to and including `created` (each only when empty). */
static void
remove_created(const char *dir, const char *created)
{
    char *tmp = created ? strdup(dir) : NULL;
    size_t lc = created ? strlen(created) : 0;

    while (tmp && strlen(tmp) >= lc) {
        char *sl;
        if (rmdir(tmp) != 0)
            break;
        if (strlen(tmp) <= lc || !(sl = strrchr(tmp, '/')))
            break;
        while (sl > tmp && sl[-1] == '/')
            sl--;
        *sl = '\0';
    }
    free(tmp);
}

/* Parse --size: single, double, or a width in inches. */
static int
parse_size(const char *s, double *w)
{
    char *end;

    if (!s) {
        *w = 0;
        return 0;
    }
    if (strcmp(s, "single") == 0)
        *w = HF_SCENE_SINGLE_COLUMN;
    else if (strcmp(s, "double") == 0)
        *w = HF_SCENE_DOUBLE_COLUMN;
    else {
        *w = strtod(s, &end);
        if (*end || !(*w >= 1 && *w <= 40))
            return hf_cli_error("--size: expected single, double or inches in [1, 40], "
                                "got '%s'",
                                s);
    }
    return 0;
}

static int
plot_templates(plotctx *pc)
{
    return plot_syst(pc, false);
}

static int
plot_interp(plotctx *pc)
{
    return plot_syst(pc, true);
}

/* --what brazil with --limits: limits across signal points instead of CLs against the POI. */
static int
plot_brazil_or_limits(plotctx *pc)
{
    return pc->a.limits ? plot_limits(pc, pc->a.limits, pc->a.width) : plot_brazil(pc);
}

/* --what exclusion|limits: figures over a signal grid from results and a patchset, with no
 * workspace (app/plot_grid.c). */
static int
plot_grid(plotctx *pc)
{
    hf_grid_args g;
    char energy[32];
    memset(&g, 0, sizeof g);
    snprintf(energy, sizeof energy, "%g", pc->fig.energy);
    g.label = pc->fig.label;
    g.energy = pc->fig.energy > 0 ? energy : NULL;
    g.what = pc->a.what;
    g.results = pc->a.results ? pc->a.results : pc->a.limits;
    g.patchset = pc->a.patchset;
    g.output = pc->cli->output;
    g.format = pc->a.format;
    g.lumi = pc->fig.lumi;
    g.width = pc->a.width;
    return hf_grid_plot(&g);
}

/* Every figure kind of --what, in the order of the help text (git's command table). */
static const struct figure {
    const char *name;
    int (*run)(plotctx *pc);
    bool needs_np; /* --np NAME is required */
} figures[] = {
    {"stack", plot_stacks, false},       {"summary", plot_summary, false},
    {"pulls", plot_pulls, false},        {"corr", plot_corr, false},
    {"scan", plot_scan, false},          {"brazil", plot_brazil_or_limits, false},
    {"templates", plot_templates, true}, {"interp", plot_interp, true},
    {"exclusion", plot_grid, false},     {"limits", plot_grid, false},
};
#define NFIGURES (sizeof figures / sizeof figures[0])

static const struct figure *
find_figure(const char *name)
{
    size_t i;

    for (i = 0; i < NFIGURES; i++)
        if (strcmp(figures[i].name, name) == 0)
            return &figures[i];
    return NULL;
}

/* -o PATH: a directory when it ends in '/', is a directory or has no extension; one file when
 * its extension is pdf, png or svg (the format then comes from it); else exit 2. */
static int
output_file_mode(plotctx *pc)
{
    const char *out = pc->cli->output;
    const char *slash = strrchr(out, '/');
    const char *base = slash ? slash + 1 : out;
    const char *dot = strrchr(base, '.');
    struct stat st;
    hf_format f;

    if (*base == '\0' || (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) || !dot || dot == base)
        return 0;
    if (hf_format_parse(dot + 1, &f) < 0)
        return hf_cli_error("-o %s: '%s' is no figure format (pdf, png, svg); for a "
                            "directory write '%s/'",
                            out, dot + 1, out);
    if (strcmp(pc->a.format, "pdf") != 0 && f != pc->copt.format)
        return hf_cli_error("-o %s and --format %s disagree", out, pc->a.format);
    pc->copt.format = f;
    pc->file = strdup(out);
    pc->file_dir = slash ? strndup(out, (size_t)(slash - out) + (slash == out)) : strdup(".");
    if (!pc->file || !pc->file_dir)
        return hf_cli_nomem();
    return 0;
}

/* Usage errors first, before any work or any file; 0 or the exit code. */
static int
check_args(plotctx *pc, const struct figure *fig)
{
    const plotargs *a = &pc->a;

    if (hf_format_parse(a->format, &pc->copt.format) < 0)
        return hf_cli_error("--format: unknown format '%s' (pdf, png, svg)", a->format);
    if (!fig) {
        char names[128] = "";
        size_t i;
        for (i = 0; i < NFIGURES; i++) /* the table's names: a short, fixed list */
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                     figures[i].name);
        return hf_cli_error("--what: unknown figure '%s' (%s)", a->what, names);
    }
    if (fig->needs_np && !a->np)
        return hf_cli_error("--what %s needs --np NAME", a->what);
    if (a->prefit && a->postfit)
        return hf_cli_error("--prefit and --postfit exclude each other");
    if (a->channel && a->all)
        return hf_cli_error("--channel and --all exclude each other");
    if (a->dpi < 10 || a->dpi > 1200)
        return hf_cli_error("--dpi: expected 10..1200, got %d (use pdf or svg for print)", a->dpi);
    if (a->cells && hf_cells_parse_size(a->cells, &pc->cells_w, &pc->cells_h) < 0)
        return hf_cli_error("--cells: expected WIDTHxHEIGHT in 10..1000, got '%s'", a->cells);
    if (!pc->cli->output && !a->cells)
        return hf_cli_error("plot: -o FILE.pdf|png|svg or -o DIR/ is required");
    if (pc->cli->output && !a->cells && output_file_mode(pc) != 0)
        return 2;
    return parse_size(a->size, &pc->a.width);
}

/* --json: {"hfscope_version", "command", "workspace", "what", "format", "files": [paths]} */
static int
emit_json(plotctx *pc)
{
    cJSON *doc = hf_cli_json_doc(pc->cli);

    if (!doc)
        return 0;
    cJSON_AddStringToObject(doc, "what", pc->a.limits ? "limits" : pc->a.what);
    cJSON_AddStringToObject(doc, "format", hf_format_ext(pc->copt.format));
    cJSON_AddItemToObject(doc, "files", pc->files);
    pc->files = NULL;
    return hf_cli_json_emit(doc, NULL);
}

/* Load the workspace, the palette and the output directory, then draw the figure and commit
 * its files (all or nothing); 0 or the exit code. */
static int
run(plotctx *pc, const struct figure *fig)
{
    hf_cli *cli = pc->cli;
    hf_error err = {0};
    hf_palette *pal = NULL;
    char *created = NULL;
    if (fig->run == plot_grid && (hf_cli_blinding(cli) || cli->mask.n || cli->fit_regions.n))
        return hf_cli_error("--what %s draws results already computed: blind or mask when "
                            "computing them (patchset run reads neither)",
                            fig->name);
    if (fig->run == plot_grid) /* no workspace: results and a patchset */
        return plot_grid(pc);
    int rc = hf_cli_load(cli);

    if (rc == 0 && pc->a.channel && hf_model_find_channel(cli->model, pc->a.channel) < 0)
        rc = hf_cli_unknown_channel(cli->model, "--channel", pc->a.channel);
    if (rc == 0 && !(pal = hf_palette_from_env(&err)))
        rc = hf_cli_report(NULL, &err);
    pc->copt.pal = pal;
    if (rc == 0)
        rc = hf_figstyle_load(&pc->fig, cli->model);
    if (rc == 0)
        rc = hf_figstyle_blind(&pc->fig, cli);
    if (rc == 0 && hf_figstyle_blinding(&pc->fig) &&
        (strcmp(fig->name, "brazil") == 0 ||
         (strcmp(fig->name, "scan") == 0 &&
          (!pc->a.par || hf_model_find_par(cli->model, pc->a.par) == cli->model->poi ||
           (pc->a.par2 && hf_model_find_par(cli->model, pc->a.par2) == cli->model->poi)))))
        rc = hf_cli_error("--what %s shows the fitted POI or the data's CLs: not with "
                          "blinding",
                          fig->name);
    if (rc == 0 && hf_figstyle_palette(&pc->fig, cli->model, pal) < 0)
        rc = hf_cli_nomem();
    if (rc == 0 && !pc->a.cells && !pc->file)
        rc = ensure_dir(cli->output, &created);
    pc->dir = pc->file ? pc->file_dir : cli->output;
    pc->copt.dpi = pc->a.dpi;
    if (rc == 0 && cli->json && !(pc->files = cJSON_CreateArray()))
        rc = hf_cli_nomem();
    if (rc == 0)
        rc = fig->run(pc);
    if (rc == 0 && pc->file && pc->nst != 1)
        rc = hf_cli_error("-o %s: this figure makes %zu files; give a directory (-o DIR/)",
                          pc->file, pc->nst);
    if (rc == 0 && pc->file) {
        free(pc->st[0].path);
        pc->st[0].path = pc->file;
        pc->file = NULL;
    }
    if (rc == 0)
        rc = commit_staged(pc);
    release_staged(pc);
    if (pc->nwritten == 0)
        remove_created(cli->output, created); /* nothing written: leave no empty directory */
    free(created);
    if (rc == 0 && pc->files)
        rc = emit_json(pc);
    cJSON_Delete(pc->files);
    hf_figstyle_release(&pc->fig);
    hf_palette_free(pal);
    hf_error_release(&err);
    return rc;
}

int
cmd_plot(int argc, char **argv)
{
    hf_cli cli;
    plotctx pc;
    plotargs *a = &pc.a;
    int rc;

    memset(&pc, 0, sizeof pc);
    a->what = "stack";
    a->format = "pdf";
    a->dpi = 150;
    pc.fig.poi_value = NAN;
    const hf_opt extra[] = {
        {"what", 0, HF_OPT_STRING, &a->what,
         "stack (default), summary, pulls, corr, scan, brazil, templates, interp, exclusion or "
         "limits"},
        {"channel", 0, HF_OPT_STRING, &a->channel, "stack, templates, interp: only this channel"},
        {"all", 0, HF_OPT_FLAG, &a->all, "stack: every channel (the default)"},
        {"prefit", 0, HF_OPT_FLAG, &a->prefit, "stack: pre-fit yields and prior band (default)"},
        {"postfit", 0, HF_OPT_FLAG, &a->postfit, "stack: post-fit yields and fit covariance band"},
        {"format", 0, HF_OPT_STRING, &a->format, "pdf (default), png or svg"},
        {"dpi", 0, HF_OPT_INT, &a->dpi, "PNG resolution (default 150)"},
        {"logy", 0, HF_OPT_FLAG, &a->logy, "stack: logarithmic y axis"},
        {"poi-value", 0, HF_OPT_DOUBLE, &pc.fig.poi_value,
         "post-fit figures from a fit with the POI fixed at this value"},
        {"size", 0, HF_OPT_STRING, &a->size,
         "figure width: single (3.4 in), double (7 in) or inches"},
        {"lumi", 0, HF_OPT_STRING, &pc.fig.lumi,
         "stack: integrated luminosity in fb-1 (139 gives '139 fb⁻¹'), or a text"},
        {"energy", 0, HF_OPT_DOUBLE, &pc.fig.energy, "stack: centre-of-mass energy in TeV"},
        {"label", 0, HF_OPT_STRING, &pc.fig.label,
         "stack: experiment label, e.g. 'ATLAS Internal' (first word bold)"},
        {"signal", 0, HF_OPT_STRING, &pc.fig.signal,
         "stack: signal samples stacked (stack, default) or as a dashed line (overlay)"},
        {"signal-scale", 0, HF_OPT_DOUBLE, &pc.fig.signal_scale,
         "stack: overlay the signal x this factor"},
        {"style", 0, HF_OPT_STRING, &pc.fig.style_path,
         "JSON style: label, energy, lumi, signal, signal_scale, colors per sample"},
        {"binning", 0, HF_OPT_STRING, &pc.fig.binning_path,
         "JSON bin edges per channel: {\"CH\": {\"edges\": [...], \"label\", \"unit\"}}"},
        {"linear", 0, HF_OPT_FLAG, &pc.fig.linear,
         "stack: linear y even when the yields span more than three decades"},
        {"groups", 0, HF_OPT_STRING, &a->groups,
         "summary: region groups, GROUPS.json ({\"CR\": [\"CR*\"], ...}) or "
         "'NAME=PAT,PAT;NAME2=PAT' (glob patterns on channel names, in order)"},
        {"par", 0, HF_OPT_STRING, &a->par, "scan: parameter (default: the POI)"},
        {"par2", 0, HF_OPT_STRING, &a->par2,
         "scan: a second parameter: the 2-D scan with 68% and 95% contours"},
        {"np", 0, HF_OPT_STRING, &a->np, "templates/interp: the two-point parameter"},
        {"points", 0, HF_OPT_INT, &a->points, "scan/brazil: number of points"},
        {"sort", 0, HF_OPT_STRING, &a->sort, "pulls: model, name, pull or constraint"},
        {"minos", 0, HF_OPT_STRING, &a->minos,
         "pulls: MINOS bars of NAME[,NAME...] or all (profile-likelihood intervals)"},
        {"threshold", 0, HF_OPT_DOUBLE, &a->threshold, "corr: prune below this |rho| (0.2)"},
        {"limits", 0, HF_OPT_STRING, &a->limits,
         "brazil: limits across signal points from `patchset run --what limit -o FILE`, over "
         "the points' values (as --what limits; --patchset names the axis)"},
        {"results", 0, HF_OPT_STRING, &a->results,
         "exclusion, limits: results of `patchset run` (merged or not)"},
        {"patchset", 0, HF_OPT_STRING, &a->patchset,
         "exclusion, limits (brazil --limits: optional): the patchset (its labels name the "
         "axes)"},
        {"cells", 0, HF_OPT_STRING, &a->cells,
         "WxH: draw with the terminal backend to stdout instead of writing files"},
        {NULL, 0, HF_OPT_FLAG, NULL, NULL},
    };

    rc = hf_cli_parse(
        &cli, argc, argv, extra,
        "plot [OPTIONS] WORKSPACE.json --what stack|summary|pulls|corr|scan|brazil|templates|"
        "interp [--np NAME] "
        "[--channel NAME|--all] [--prefit|--postfit] [--format pdf|png|svg] "
        "-o FILE.pdf|png|svg|DIR/");
    if (rc != 0) {
        hf_cli_done(&cli);
        return rc < 0 ? 0 : rc;
    }
    pc.cli = &cli;
    const struct figure *fig = find_figure(a->what);
    rc = check_args(&pc, fig);
    if (rc == 0)
        rc = run(&pc, fig);
    free(pc.file);
    free(pc.file_dir);
    hf_cli_done(&cli);
    return rc;
}
