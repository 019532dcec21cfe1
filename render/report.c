/* render/report.c - the pages of the review report: summary, channels (pre | post side by side),
 * pulls, correlations and yields, as scenes with outline entries; a backend's document API
 * (render/cairo.h hf_cairo_doc) writes them. */
#include "render/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/plot_corr.h"
#include "render/plot_pulls.h"
#include "render/plot_scan.h"
#include "render/plot_syst.h"
#include "render/tables.h"
#include "render/utf8.h"

#define MINUS_SIGN "\xe2\x88\x92" /* U+2212 */
#define SIGMA_SIGN "\xcf\x83"     /* U+03C3 */

/* Whether any bin of channel c is blinded. */
static bool
chan_blinded(const hf_model *m, size_t c, const bool *blinded)
{
    size_t b;

    for (b = 0; blinded && b < m->chan_nbins[c]; b++)
        if (blinded[m->chan_off[c] + b])
            return true;
    return false;
}

typedef struct worst {
    size_t c;
    double post, pre; /* deviance / ndof */
} worst;

static int
cmp_worst(const void *a, const void *b)
{
    const worst *x = a, *y = b;

    if (x->post != y->post)
        return x->post > y->post ? -1 : 1;
    return x->c < y->c ? -1 : x->c > y->c;
}

/* Add a key/value or multi-column table to a text panel. */
static int
text_table(hf_scene *s, double y0, double y1, const char *title, size_t nrows, size_t ncols,
           const char **cells, const hf_halign *align, bool header)
{
    hf_panel *p = hf_scene_add_panel(s, 0.02, y0, 0.98, y1);

    if (!p)
        return -1;
    p->frame = false;
    p->x.hidden = p->y.hidden = true;
    if (hf_panel_set_title(s, p, title) < 0)
        return -1;
    return hf_panel_add_table(s, p, nrows, ncols, cells, align, header) ? 0 : -1;
}

/* A limit for a table: "0.3910", or why it is missing. */
static const char *
limit_text(hf_scene *s, const hf_limit_result *l, double v, int why)
{
    if (!isnan(v))
        return hf_scene_printf(s, "%.5g", v);
    return hf_scene_printf(s,
                           why == 1 ? "below %g (excluded at the lower end of the search)"
                                    : "above %g (not excluded at the upper end of the search)",
                           why == 1 ? l->lo : l->hi);
}

/* The summary page's upper-limit line: observed and expected (expected only when blinded). */
static const char *
limit_line(hf_scene *s, const hf_model *m, const hf_limit_result *l, bool blind)
{
    const char *e = limit_text(s, l, l->exp[2], l->why[3]),
               *o = limit_text(s, l, l->obs, l->why[0]);

    if (!e || !o)
        return NULL;
    if (blind)
        return hf_scene_printf(s, "%s: expected %s (%g%% CL, CLs; observed blinded)",
                               m->par[m->poi].name, e, 100 * l->cl);
    return hf_scene_printf(s, "%s: observed %s, expected %s (%g%% CL, CLs)", m->par[m->poi].name, o,
                           e, 100 * l->cl);
}

/* Summary rows (key, value) written into kv (room for HF_SUMMARY_ROWS pairs); returns the
 * row count, or 0 on ENOMEM. */
#define HF_SUMMARY_ROWS 14
static size_t
summary_rows(hf_scene *s, const hf_model *m, const hf_fit_result *fit, const hf_report_options *opt,
             const char **kv)
{
    const char *source = opt->source;
    bool blind_poi = opt->blind_poi;
    size_t k = 0;

#define KV(key, val)                                                                               \
    do {                                                                                           \
        kv[2 * k] = (key);                                                                         \
        kv[2 * k + 1] = (val);                                                                     \
        if (!kv[2 * k + 1])                                                                        \
            return 0;                                                                              \
        k++;                                                                                       \
    } while (0)
    KV("Workspace", hf_scene_strdup(s, source ? source : "(unnamed)"));
    KV("Measurement", hf_scene_strdup(s, m->meas && m->meas->name ? m->meas->name : "-"));
    KV("Model", hf_scene_printf(s,
                                "%zu channels, %zu bins, %zu samples, %zu parameters "
                                "(%zu constrained)",
                                m->nchan, m->nbins, m->nsamp, m->npar, m->ncon));
    KV("Interpolation",
       hf_scene_printf(s, "normsys %s, histosys %s", hf_interp_name(m->normsys_code),
                       hf_interp_name(m->histosys_code)));
    KV("POI", hf_scene_strdup(s, m->poi >= 0 ? m->par[m->poi].name : "none"));
    if (fit) {
        /* the status once: the message already says "converged (...)" when it did */
        if (fit->converged)
            KV("Fit", hf_scene_printf(s, "%s, %d iterations, EDM %.2g",
                                      fit->message && *fit->message ? fit->message : "converged",
                                      fit->iter, fit->edm));
        else
            KV("Fit",
               hf_scene_printf(s, "NOT CONVERGED (status %d: %s), %d iterations, EDM %.2g",
                               fit->status, fit->message ? fit->message : "", fit->iter, fit->edm));
        KV("-2 ln L", hf_scene_printf(s, "%.6f", fit->twice_nll));
        if (m->poi >= 0 && blind_poi)
            KV("POI best fit", hf_scene_printf(s, "%s = blinded", m->par[m->poi].name));
        else if (m->poi >= 0 && fit->fixed && fit->fixed[m->poi]) /* --poi-value */
            KV("POI", hf_scene_printf(s, "%s = %g (fixed: a conditional fit)", m->par[m->poi].name,
                                      fit->x[m->poi]));
        else if (m->poi >= 0 && fit->converged)
            KV("POI best fit", hf_scene_printf(s, "%s = %.4g \xc2\xb1 %.2g", m->par[m->poi].name,
                                               fit->x[m->poi], fit->err[m->poi]));
        else if (m->poi >= 0) /* no minimum, no uncertainty */
            KV("POI best fit",
               hf_scene_printf(s, "%s = %.4g \xc2\xb1 n/a", m->par[m->poi].name, fit->x[m->poi]));
    } else {
        KV("Fit", hf_scene_strdup(s, "not run: pre-fit figures only"));
    }
    if (opt->ranking_note)
        KV("Ranking", opt->ranking_note);
    if (opt->limit)
        KV("Upper limit", limit_line(s, m, opt->limit, blind_poi));
    else if (opt->limit_note)
        KV("Upper limit", opt->limit_note);
#undef KV
    return k;
}

/* The table of the channels that fit worst (post-fit deviance per bin, pre-fit when there is no
 * fit), at most 25 rows, from y0 down. Returns 0 or -1 on ENOMEM. */
static int
worst_table(hf_scene *s, double y0, const hf_model *m, const hf_yields *pre, const hf_yields *post,
            const bool *blinded)
{
    static const hf_halign a5[5] = {HF_HALIGN_LEFT, HF_HALIGN_RIGHT, HF_HALIGN_RIGHT,
                                    HF_HALIGN_RIGHT, HF_HALIGN_RIGHT};
    size_t nw = 0, nall, c, i;
    worst *w = malloc((m->nchan ? m->nchan : 1) * sizeof *w);
    const char **cells = malloc((m->nchan < 25 ? m->nchan + 1 : 26) * 5 * sizeof *cells);
    const hf_yields *y = post ? post : pre;
    char *t;
    int rc = -1;

    if (!w || !cells)
        goto out;
    for (c = 0, nw = 0; c < m->nchan; c++) {
        double nb = (double)(m->chan_nbins[c] ? m->chan_nbins[c] : 1);
        if (chan_blinded(m, c, blinded))
            continue; /* no deviance of blinded data */
        w[nw].c = c;
        w[nw].pre = hf_yields_deviance(pre, c) / nb;
        w[nw].post = post ? hf_yields_deviance(post, c) / nb : w[nw].pre;
        nw++;
    }
    qsort(w, nw, sizeof *w, cmp_worst);
    nall = nw;
    nw = nw < 25 ? nw : 25;
    cells[0] = "Channel";
    cells[1] = "Bins";
    cells[2] = "Deviance / bin post-fit";
    cells[3] = "Deviance / bin pre-fit";
    cells[4] = "Data / model (post)";
    for (i = 0; i < nw; i++) {
        size_t ch = w[i].c, b;
        double dsum = 0, msum = 0;
        const char **row = cells + (i + 1) * 5;
        for (b = m->chan_off[ch]; b < m->chan_off[ch] + m->chan_nbins[ch]; b++) {
            dsum += m->obs[b];
            msum += y->nu[b];
        }
        row[0] = m->chan[ch]->name;
        row[1] = hf_scene_printf(s, "%zu", m->chan_nbins[ch]);
        row[2] = post ? hf_scene_printf(s, "%.2f", w[i].post) : "-";
        row[3] = hf_scene_printf(s, "%.2f", w[i].pre);
        row[4] = msum > 0 ? hf_scene_printf(s, "%.3f", dsum / msum) : "-";
        if (!row[1] || !row[2] || !row[3] || !row[4])
            goto out;
    }
    t = hf_scene_printf(s, "Worst channels by %s Poisson deviance per bin%s",
                        post ? "post-fit" : "pre-fit",
                        nall > nw         ? " (top 25)"
                        : nall < m->nchan ? " (unblinded)"
                                          : "");
    if (t &&
        text_table(s, y0, y0 + 0.03 + 0.022 * (double)(nw + 1), t, nw + 1, 5, cells, a5, true) == 0)
        rc = 0;
out:
    free(w);
    free(cells);
    return rc;
}

/* A fit that did not converge: three lines in red (the palette's warning accent, vermillion)
 * under the summary table, with where it stopped; its uncertainties are not shown as numbers. */
static int
fit_failure_lines(hf_scene *s, const hf_fit_result *fit, double y0, double y1)
{
    hf_panel *p = hf_scene_add_panel(s, 0.02, y0, 0.98, y1);
    char *t1 = hf_scene_printf(s, "The fit did not converge: %s.",
                               fit->message ? fit->message : "unknown reason");
    char *t2 =
        hf_scene_printf(s, "Values are the best point reached (stage %s, max |gradient| %.2g).",
                        hf_fit_stage_name(fit->reached), fit->gradnorm);
    if (!p || !t1 || !t2)
        return -1;
    p->frame = false;
    p->x.hidden = p->y.hidden = true;
    const char *lines[3] = {t1, t2, "Uncertainties are not available."};
    for (int i = 0; i < 3; i++) {
        hf_item *it = hf_panel_add_text(s, p, HF_COORD_AXES, 0.0, 0.85 - 0.35 * i, lines[i],
                                        HF_HALIGN_LEFT, HF_VALIGN_MIDDLE, HF_TEXT_SMALL);
        if (!it)
            return -1;
        it->ink = hf_ink_of(HF_ROLE_ACCENT, 3);
    }
    return 0;
}

/* The summary page: the key facts (workspace, model, fit status) on top, then the channels that
 * fit worst, 0.04 of the page lower. Rows are 0.022 of the page apart. A status line under the
 * summary table (e.g. a warning that the fit did not converge) belongs in that gap: add it
 * between the two tables below and move `worst_y` down by its height. NULL on ENOMEM. */
static hf_scene *
summary_page(const hf_model *m, const hf_fit_result *fit, const hf_yields *pre,
             const hf_yields *post, const hf_report_options *opt)
{
    static const hf_halign a2[2] = {HF_HALIGN_LEFT, HF_HALIGN_LEFT};
    hf_scene *s = hf_scene_new(HF_SCENE_DOUBLE_COLUMN, 9.5);
    const char *kv[2 * HF_SUMMARY_ROWS];
    double bottom, worst_y;
    size_t k;

    if (!s)
        return NULL;
    if (hf_scene_set_title(s, "hfscope review report") < 0 ||
        hf_scene_set_outline(s, "Summary", 0) < 0 || (k = summary_rows(s, m, fit, opt, kv)) == 0)
        goto fail;
    bottom = 0.03 + 0.022 * (double)k;
    worst_y = 0.07 + 0.022 * (double)k;
    if (fit && !fit->converged) { /* the status lines in the gap, the table moves down */
        if (fit_failure_lines(s, fit, bottom, bottom + 0.06) < 0)
            goto fail;
        worst_y += 0.06;
    }
    if (text_table(s, 0.0, bottom, "Summary", k, 2, kv, a2, false) < 0 ||
        worst_table(s, worst_y, m, pre, post, opt->blinded) < 0)
        goto fail;
    return s;
fail:
    hf_scene_free(s);
    return NULL;
}

/* A growing list of pages; on ENOMEM the pages are freed and the list stays empty. */
typedef struct pagelist {
    hf_scene **v;
    size_t n, cap;
} pagelist;

static int
push(pagelist *pl, hf_scene *s, hf_error *err)
{
    if (!s)
        return -1; /* err set by the builder */
    if (pl->n == pl->cap) {
        size_t nc = pl->cap ? 2 * pl->cap : 16;
        hf_scene **nv = realloc(pl->v, nc * sizeof(hf_scene *));
        if (!nv) {
            hf_scene_free(s);
            return hf_error_nomem(err);
        }
        pl->v = nv;
        pl->cap = nc;
    }
    pl->v[pl->n++] = s;
    return 0;
}

/* Moves every page of pages[0..n) to the list and frees the array. */
static int
push_all(pagelist *pl, hf_scene **pages, size_t n, hf_error *err)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < n; i++) {
        if (rc == 0)
            rc = push(pl, pages[i], err);
        else
            hf_scene_free(pages[i]);
    }
    free(pages);
    return rc;
}

#define PAGE_W        HF_SCENE_DOUBLE_COLUMN
#define PAGE_H        9.5
#define SUMMARY_SLOTS 40 /* region slots per summary figure */

/* The stack options of every figure of the report. */
static void
report_stack_options(const hf_report_options *opt, size_t c, hf_stack_options *so)
{
    hf_stack_options_init(so);
    if (opt->stack_style)
        opt->stack_style(opt->style_ctx, c, so);
    if (opt->logy)
        so->logy = true;
    so->show_data = !opt->blind;
    so->blinded = opt->blinded;
    if (opt->lumi_label)
        so->lumi_label = opt->lumi_label;
    so->groups = opt->groups;
}

/* A fit that did not converge: one red line in the strip [x0, x1] x [y0, y0 + 0.03] of a page,
 * at its right end or its left, saying that what the page shows has no uncertainties. */
static int
no_errors_note(hf_scene *s, double x0, double x1, double y0, bool right, const char *text)
{
    hf_panel *p = hf_scene_add_panel(s, x0, y0, x1, y0 + 0.03);
    if (!p)
        return -1;
    p->frame = false;
    p->x.hidden = p->y.hidden = true;
    hf_item *it = hf_panel_add_text(s, p, HF_COORD_AXES, right ? 1.0 : 0.0, 0.5, text,
                                    right ? HF_HALIGN_RIGHT : HF_HALIGN_LEFT, HF_VALIGN_MIDDLE,
                                    HF_TEXT_SMALL);
    if (!it)
        return -1;
    it->ink = hf_ink_of(HF_ROLE_ACCENT, 3);
    return 0;
}

/* The note of a post-fit figure in the strip [x0, x1] x [y0, y1] of a page when the fit did not
 * converge: on its axis-label line, left of the label (the titles fill the top). */
static int
postfit_failed_note(hf_scene *s, double x0, double x1, double y0, double y1, hf_error *err)
{
    if (no_errors_note(s, x0 + 0.08 * (x1 - x0), x0 + 0.72 * (x1 - x0), y0 + 0.93 * (y1 - y0),
                       false, "Fit not converged: no errors shown.") < 0)
        return hf_error_nomem(err);
    return 0;
}

/* Channel c in [y0, y1] of page s: pre-fit left, post-fit right, one ratio range for both. */
static int
channel_into(hf_scene *s, double y0, double y1, const hf_model *m, const hf_yields *pre,
             const hf_yields *post, size_t c, const hf_report_options *opt, bool failed,
             hf_error *err)
{
    hf_stack_options so;

    report_stack_options(opt, c, &so);
    so.ratio_half = hf_stack_ratio_half(pre, c, so.show_data, so.blinded);
    if (post)
        so.ratio_half = fmax(so.ratio_half, hf_stack_ratio_half(post, c, so.show_data, so.blinded));
    so.postfit = false;
    so.extra_label = opt->stack_note ? opt->stack_note(opt->style_ctx, c, false) : opt->note_pre;
    if (hf_plot_stack_into(s, 0, y0, post ? 0.5 : 1, y1, pre, c, &so, err) < 0)
        return -1;
    so.postfit = true;
    so.extra_label = opt->stack_note ? opt->stack_note(opt->style_ctx, c, true) : opt->note_post;
    if (post && hf_plot_stack_into(s, 0.5, y0, 1, y1, post, c, &so, err) < 0)
        return -1;
    if (post && failed && postfit_failed_note(s, 0.5, 1, y0, y1, err) < 0)
        return -1;
    return hf_scene_add_outline(s, m->chan[c]->name, 2) < 0 ? hf_error_nomem(err) : 0;
}

/* A summary page: channels chans[0..n) pre-fit on top, post-fit under it. */
static hf_scene *
summary_fig_page(const hf_yields *pre, const hf_yields *post, const size_t *chans, size_t n,
                 const char *title, const hf_report_options *opt, bool failed, hf_error *err)
{
    hf_scene *s = hf_scene_new(PAGE_W, PAGE_H);
    hf_stack_options so;

    if (!s) {
        hf_error_nomem(err);
        return NULL;
    }
    report_stack_options(opt, chans[0], &so);
    so.edges = NULL;
    so.xlabel = NULL;
    for (size_t i = 0; i < n; i++) { /* pre- and post-fit share one ratio range */
        so.ratio_half =
            fmax(so.ratio_half, hf_stack_ratio_half(pre, chans[i], so.show_data, so.blinded));
        if (post)
            so.ratio_half =
                fmax(so.ratio_half, hf_stack_ratio_half(post, chans[i], so.show_data, so.blinded));
    }
    so.extra_label = opt->note_pre;
    if (hf_plot_summary_into(s, 0, 0, 1, post ? 0.5 : 0.6, pre, chans, n, title, &so, err) < 0)
        goto fail;
    so.postfit = true;
    so.extra_label = opt->note_post;
    if (post && hf_plot_summary_into(s, 0, 0.5, 1, 1, post, chans, n, title, &so, err) < 0)
        goto fail;
    if (post && failed && postfit_failed_note(s, 0, 1, 0.5, 1, err) < 0)
        goto fail;
    return s;
fail:
    hf_scene_free(s);
    return NULL;
}

/* How many of chans[0..n) fit one summary figure (at least one). */
static size_t
summary_chunk(const hf_model *m, const size_t *chans, size_t n)
{
    size_t k = 0, slots = 0;

    while (k < n && (k == 0 || slots + m->chan_nbins[chans[k]] <= SUMMARY_SLOTS))
        slots += m->chan_nbins[chans[k++]];
    return k;
}

/* The pulls (a builder failure other than ENOMEM leaves them out) and the correlation page. A
 * fit that did not converge gets its pulls without error bars (errors NaN) and the note. */
static int
fit_pages(pagelist *pl, const hf_model *m, const hf_fit_result *fit, const hf_report_options *opt,
          hf_error *err)
{
    hf_pulls_options po = {0};
    hf_corr_options cop;
    hf_scene **pages, *s;
    size_t n;

    hf_fit_result nf = *fit;
    po.group = true;
    if (!fit->converged) {
        nf.err = malloc((m->npar ? m->npar : 1) * sizeof(double));
        if (!nf.err)
            return hf_error_nomem(err);
        for (size_t j = 0; j < m->npar; j++)
            nf.err[j] = NAN;
    }
    pages = hf_plot_pulls(m, &nf, &po, &n, err);
    if (nf.err != fit->err)
        free(nf.err);
    for (size_t i = 0; pages && !fit->converged && i < n; i++)
        if (no_errors_note(pages[i], 0.0, 1.0, 0.0, true,
                           "The fit did not converge: errors are not available.") < 0) {
            hf_report_pages_free(pages, n);
            return hf_error_nomem(err);
        }
    if (pages && push_all(pl, pages, n, err) < 0)
        return -1;
    if (!pages && err->code == HF_ENOMEM)
        return -1;
    hf_error_release(err);
    hf_corr_options_init(&cop);
    if (opt->corr_threshold > 0)
        cop.threshold = opt->corr_threshold;
    cop.label_frac = 0.27; /* names shortened a little more: the cells get the room */
    s = hf_plot_corr(m, fit, &cop, err);
    if (s)
        s->height_in = fmax(s->height_in, 9.5); /* the whole page: the square matrix on top,
                                                  room below for the vertical names */
    return push(pl, s, err);
}

typedef struct gofrow {
    size_t c;
    double diff;
} gofrow;

static int
cmp_gofrow(const void *a, const void *b)
{
    const gofrow *x = a, *y = b;

    return x->diff != y->diff ? (x->diff > y->diff ? -1 : 1) : (x->c > y->c) - (x->c < y->c);
}

/* The goodness-of-fit page: the saturated-model statistic, its degrees of freedom and p-value,
 * then the channels by their part of it (at most 30, largest first). NULL on ENOMEM. */
static hf_scene *
gof_page(const hf_model *m, const hf_gof *g)
{
    static const hf_halign a2[2] = {HF_HALIGN_LEFT, HF_HALIGN_RIGHT};
    static const hf_halign a3[3] = {HF_HALIGN_LEFT, HF_HALIGN_RIGHT, HF_HALIGN_RIGHT};
    size_t n = g->nchan < 30 ? g->nchan : 30, i, b;
    hf_scene *s = hf_scene_new(PAGE_W, PAGE_H);
    gofrow *r = malloc((g->nchan + 1) * sizeof *r);
    const char **kv = malloc(8 * sizeof *kv), **cells = malloc(3 * (n + 1) * sizeof *cells);

    if (!s || !r || !kv || !cells || hf_scene_set_outline(s, "Goodness of fit", 0) < 0)
        goto fail;
    kv[0] = "Saturated-model statistic";
    kv[1] = hf_scene_printf(s, "%.3f", g->twice_nll_diff);
    kv[2] = "Degrees of freedom";
    kv[3] = hf_scene_printf(s, "%zu", g->ndof);
    kv[4] = "p-value (chi2)";
    kv[5] = hf_scene_printf(s, "%.3g", g->p_value);
    kv[6] = "Constraint terms' part";
    kv[7] = hf_scene_printf(s, "%.3f", g->aux_diff);
    for (i = 0; i < g->nchan; i++) {
        r[i].c = i;
        r[i].diff = g->chan_diff[i];
    }
    qsort(r, g->nchan, sizeof *r, cmp_gofrow);
    cells[0] = "Channel";
    cells[1] = "Bins";
    cells[2] = "Part of the statistic";
    for (i = 0; i < n; i++) {
        b = r[i].c;
        cells[3 * i + 3] = m->chan[b]->name;
        cells[3 * i + 4] = hf_scene_printf(s, "%zu", m->chan_nbins[b]);
        cells[3 * i + 5] = hf_scene_printf(s, "%.3f", r[i].diff);
    }
    if (!kv[1] || !kv[3] || !kv[5] || !kv[7] ||
        text_table(s, 0.0, 0.14, "Goodness of fit (saturated model, Baker and Cousins 1984)", 4, 2,
                   kv, a2, false) < 0 ||
        text_table(s, 0.17, 0.21 + 0.022 * (double)(n + 1),
                   g->nchan > n ? "Channels by their part (largest 30)" : "Channels by their part",
                   n + 1, 3, cells, a3, true) < 0)
        goto fail;
    free(r);
    free(kv);
    free(cells);
    return s;
fail:
    free(r);
    free(kv);
    free(cells);
    hf_scene_free(s);
    return NULL;
}

/* A section of the contents page: its name and first page (0-based, before the contents). */
typedef struct section {
    const char *name;
    size_t page;
    int level;
} section;

#define MAX_SECTIONS 32 /* the contents page holds this many rows */

typedef struct builder {
    pagelist pl;
    section sec[MAX_SECTIONS];
    size_t nsec;
    const hf_model *m;
    const hf_yields *pre, *post;
    const hf_report_options *opt;
    bool failed; /* the fit did not converge: post-fit figures without uncertainties */
} builder;

static void
mark(builder *b, const char *name, int level)
{
    if (b->nsec < MAX_SECTIONS)
        b->sec[b->nsec++] = (section){name, b->pl.n, level};
}

/* The all-regions summary figures (every channel, by group): the report's first figures. */
static int
all_regions(builder *b, hf_error *err)
{
    const hf_model *m = b->m;
    size_t *order = malloc((m->nchan ? m->nchan : 1) * sizeof *order), n, i, k;
    int rc = 0;

    if (!order)
        return hf_error_nomem(err);
    n = hf_summary_groups_order(b->opt->groups, order);
    mark(b, "All regions", 0);
    for (i = 0; i < n && rc == 0; i += k) {
        hf_scene *s;
        k = summary_chunk(m, order + i, n - i);
        s = summary_fig_page(b->pre, b->post, order + i, k, "All regions", b->opt, b->failed, err);
        if (s && i == 0 && hf_scene_set_outline(s, "All regions", 0) < 0) {
            hf_scene_free(s);
            s = NULL;
            hf_error_nomem(err);
        }
        rc = push(&b->pl, s, err);
    }
    free(order);
    return rc;
}

/* One region group: its one-bin channels on summary figures, the others two to a page. */
static int
region_group(builder *b, size_t g, bool *first, hf_error *err)
{
    const hf_summary_groups *gr = b->opt->groups;
    const char *gname = hf_summary_groups_title(gr, g);
    const hf_model *m = b->m;
    size_t *one = malloc((m->nchan ? m->nchan : 1) * sizeof *one), *multi, n1 = 0, nm = 0, i, k;
    int rc = 0;
    bool head = true;

    multi = one ? malloc((m->nchan ? m->nchan : 1) * sizeof *multi) : NULL;
    if (!multi) {
        free(one);
        return hf_error_nomem(err);
    }
    for (i = 0; i < m->nchan; i++)
        if (gr->of[i] == g) {
            if (m->chan_nbins[i] == 1)
                one[n1++] = i;
            else
                multi[nm++] = i;
        }
    if (n1 + nm > 0)
        mark(b, gname, 1);
    for (i = 0; i < n1 + nm && rc == 0; i += k) {
        hf_scene *s;
        bool sum = i < n1;
        size_t j;
        k = sum ? summary_chunk(m, one + i, n1 - i) : (n1 + nm - i >= 2 ? 2 : 1);
        if (sum)
            s = summary_fig_page(b->pre, b->post, one + i, k, gname, b->opt, b->failed, err);
        else if (!(s = hf_scene_new(PAGE_W, PAGE_H)))
            hf_error_nomem(err);
        for (j = 0; s && !sum && j < k; j++)
            if (channel_into(s, 0.5 * (double)j, 0.5 * (double)j + 0.5 - 0.02, m, b->pre, b->post,
                             multi[i - n1 + j], b->opt, b->failed, err) < 0) {
                hf_scene_free(s);
                s = NULL;
            }
        /* the outline: Regions > group > channel, in page order */
        if (s && ((*first && hf_scene_add_outline(s, "Regions", 0) < 0) ||
                  (head && hf_scene_add_outline(s, gname, 1) < 0))) {
            hf_scene_free(s);
            s = NULL;
            hf_error_nomem(err);
        }
        for (j = 0; s && sum && j < k; j++)
            if (hf_scene_add_outline(s, m->chan[one[i + j]]->name, 2) < 0) {
                hf_scene_free(s);
                s = NULL;
                hf_error_nomem(err);
            }
        *first = head = false;
        rc = push(&b->pl, s, err);
    }
    free(one);
    free(multi);
    return rc;
}

/* The page outline puts the page's own entries first: channel pages add their channels before
 * the Regions/group entries, so those are moved to the front here. */
static void
outline_order(hf_scene *s)
{
    size_t i, j, n = s->nmore + 1;
    hf_outline *all = malloc(n * sizeof *all), tmp;

    if (!all || !s->outline) {
        free(all);
        return;
    }
    all[0] = (hf_outline){s->outline, s->outline_level};
    if (s->nmore == 0) { /* one entry: nothing to order */
        free(all);
        return;
    }
    memcpy(all + 1, s->more, s->nmore * sizeof *all);
    for (i = 1; i < n; i++) /* stable by level: 0, then 1, then 2 */
        for (j = i; j > 0 && all[j - 1].level > all[j].level; j--) {
            tmp = all[j];
            all[j] = all[j - 1];
            all[j - 1] = tmp;
        }
    s->outline = all[0].entry;
    s->outline_level = all[0].level;
    memcpy(s->more, all + 1, s->nmore * sizeof *all);
    free(all);
}

/* A scene of another size on the report's page: its panels keep their size in inches, placed at
 * the top, centred (shrunk only when larger than the page), its text sizes kept. */
static void
page_fit(hf_scene *s)
{
    double w = s->width_in, h = s->height_in, f, fx, fy, x0;
    size_t i;

    if (w == PAGE_W && h == PAGE_H)
        return;
    f = fmin(1, fmin(PAGE_W / w, PAGE_H / h));
    fx = w * f / PAGE_W;
    fy = h * f / PAGE_H;
    x0 = (1 - fx) / 2;
    for (i = 0; i < s->npanels; i++) {
        hf_panel *p = s->panels[i];
        p->x0 = x0 + p->x0 * fx;
        p->x1 = x0 + p->x1 * fx;
        p->y0 *= fy;
        p->y1 *= fy;
    }
    s->font_width_in = w;
    s->width_in = PAGE_W;
    s->height_in = PAGE_H;
}

/* Small text across the page, its last line ending at y (fractions of the page, from the top),
 * wrapped at NOTE_CHARS characters (what the small font fits in the width) onto up to
 * NOTE_LINES lines; text beyond them ends the last line in "…". */
#define NOTE_CHARS 90
#define NOTE_LINES 3
static int
page_note(hf_scene *s, double y, const char *text)
{
    size_t st[NOTE_LINES], len[NOTE_LINES];
    bool more = false;
    int n = hf_utf8_wrap(text, NOTE_CHARS, NOTE_LINES, st, len, &more);
    if (n == 0)
        return 0;
    hf_panel *p = hf_scene_add_panel(s, 0.04, y - 0.022 * n - 0.008, 0.96, y);
    if (!p)
        return -1;
    p->frame = false;
    p->x.hidden = p->y.hidden = true;
    for (int k = 0; k < n; k++) {
        char *line = hf_scene_printf(s, "%.*s%s", (int)len[k], text + st[k],
                                     more && k == n - 1 ? "\xe2\x80\xa6" : "");
        if (!line || !hf_panel_add_text(s, p, HF_COORD_AXES, 0.0, 1.0 - (k + 0.5) / n, line,
                                        HF_HALIGN_LEFT, HF_VALIGN_MIDDLE, HF_TEXT_SMALL))
            return -1;
    }
    return 0;
}

/* The ranking page: the ranking figure of the top 20 (render/plot_syst.h: impacts on the top
 * axis, pulls below; it prints no fitted POI value) on top of the page, what was ranked under
 * it. NULL with err. */
static hf_scene *
ranking_page(const hf_model *m, const hf_report_options *opt, hf_error *err)
{
    hf_scene *s = hf_plot_syst_ranking(m, opt->ranking, 20, err);

    if (!s)
        return NULL;
    page_fit(s);
    if (hf_scene_set_outline(s, "Ranking", 0) < 0 ||
        (opt->ranking_note && page_note(s, 0.97, opt->ranking_note) < 0)) {
        hf_scene_free(s);
        hf_error_nomem(err);
        return NULL;
    }
    return s;
}

/* The limit page's table: the limits (observed left out when blinded) and how they were found. */
static int
limit_table(hf_scene *s, double y0, const hf_model *m, const hf_limit_result *l,
            const hf_report_options *opt)
{
    static const hf_halign a2[2] = {HF_HALIGN_LEFT, HF_HALIGN_LEFT};
    static const char *const nm[5] = {"Expected " MINUS_SIGN "2" SIGMA_SIGN,
                                      "Expected " MINUS_SIGN "1" SIGMA_SIGN, "Expected (median)",
                                      "Expected +1" SIGMA_SIGN, "Expected +2" SIGMA_SIGN};
    const char *kv[2 * 9];
    size_t k = 0, i;

    kv[2 * k] = "Observed";
    kv[2 * k++ + 1] = opt->blind_poi ? "blinded" : limit_text(s, l, l->obs, l->why[0]);
    for (i = 0; i < 5; i++) {
        kv[2 * k] = nm[i];
        kv[2 * k++ + 1] = limit_text(s, l, l->exp[i], l->why[i + 1]);
    }
    kv[2 * k] = "Method";
    kv[2 * k++ + 1] = hf_scene_printf(s, "CLs, asymptotic, %s; %zu hypothesis tests over [%g, %g]",
                                      opt->test_stat ? opt->test_stat : "default test statistic",
                                      l->npoints, l->lo, l->hi);
    for (i = 0; i < k; i++)
        if (!kv[2 * i + 1])
            return -1;
    char *t = hf_scene_printf(s, "%g%% CL upper limits on %s", 100 * l->cl, m->par[m->poi].name);
    return t ? text_table(s, y0, y0 + 0.03 + 0.022 * (double)k, t, k, 2, kv, a2, false) : -1;
}

/* The upper-limit page: CLs against the POI over the hypothesis tests the search ran (observed,
 * expected and the +-1, +-2 sigma bands, the 1 - CL line; expected only when blinded), then the
 * table of the limits. NULL with err. */
static hf_scene *
limit_page(const hf_model *m, const hf_report_options *opt, hf_error *err)
{
    const hf_limit_result *l = opt->limit;
    const hf_limit_point *pt = opt->limit_curve ? opt->limit_curve : l->points;
    size_t n = opt->limit_curve ? opt->nlimit_curve : l->npoints, i;
    double *buf = malloc((7 * n + 1) * sizeof *buf);
    hf_brazil_data bd = {0};
    hf_scene *s = NULL;

    if (!buf) {
        hf_error_nomem(err);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        buf[i] = pt[i].mu;
        buf[n + i] = pt[i].has_obs ? pt[i].cls_obs : NAN;
        memcpy(buf + 2 * n + 5 * i, pt[i].cls_exp, 5 * sizeof(double));
    }
    bd.n = n;
    bd.x = buf;
    bd.obs = opt->blind_poi ? NULL : buf + n;
    bd.exp = buf + 2 * n;
    bd.xlabel = m->par[m->poi].name;
    bd.ylabel = "CLs";
    bd.level = 1 - l->cl;
    bd.level_label = "1 " MINUS_SIGN " CL";
    bd.logy = true;
    bd.width_in = 6.0;
    if (n >= 2 && (s = hf_plot_brazil(&bd, err)) != NULL) {
        page_fit(s);
        if (hf_scene_set_outline(s, "Upper limit", 0) < 0 ||
            hf_scene_set_title(s, "Upper limit: CLs against the POI") < 0 ||
            limit_table(s, s->panels[s->npanels - 1]->y1 + 0.05, m, l, opt) < 0) {
            hf_scene_free(s);
            s = NULL;
            hf_error_nomem(err);
        }
    } else if (n < 2) {
        hf_error_set(err, HF_EUSAGE, "", "too few hypothesis tests to draw");
    }
    free(buf);
    return s;
}

/* The contents page: every section with its page number (the contents page is page 1). */
static hf_scene *
contents_page(const builder *b)
{
    static const hf_halign al[2] = {HF_HALIGN_LEFT, HF_HALIGN_RIGHT};
    hf_scene *s = hf_scene_new(PAGE_W, PAGE_H);
    const char **cells = malloc((b->nsec + 1) * 2 * sizeof *cells);
    size_t i;

    if (!s || !cells || hf_scene_set_title(s, "hfscope review report") < 0 ||
        hf_scene_set_outline(s, "Contents", 0) < 0)
        goto fail;
    cells[0] = "Section";
    cells[1] = "Page";
    for (i = 0; i < b->nsec; i++) {
        cells[2 * i + 2] =
            b->sec[i].level > 0 ? hf_scene_printf(s, "    %s", b->sec[i].name) : b->sec[i].name;
        cells[2 * i + 3] = hf_scene_printf(s, "%zu", b->sec[i].page + 2);
        if (!cells[2 * i + 2] || !cells[2 * i + 3])
            goto fail;
    }
    if (text_table(s, 0.05, 0.08 + 0.025 * (double)(b->nsec + 1), "Contents", b->nsec + 1, 2, cells,
                   al, true) < 0)
        goto fail;
    free(cells);
    return s;
fail:
    free(cells);
    hf_scene_free(s);
    return NULL;
}

static int
build_pages(pagelist *pl, const hf_model *m, const hf_fit_result *fit, const hf_yields *pre,
            const hf_yields *post, const hf_report_options *opt, hf_error *err)
{
    builder b = {{NULL, 0, 0}, {{0}}, 0, m, pre, post, opt, fit && !fit->converged};
    hf_scene **pages, *s = summary_page(m, fit, pre, post, opt);
    size_t n, i, g;
    bool first = true;
    int rc = -1;

    mark(&b, "Summary", 0);
    if (!s) {
        hf_error_nomem(err);
        goto out;
    }
    if (push(&b.pl, s, err) < 0 || all_regions(&b, err) < 0)
        goto out;
    mark(&b, "Regions", 0);
    for (g = 0; g <= opt->groups->n; g++)
        if (region_group(&b, g, &first, err) < 0)
            goto out;
    if (fit) {
        mark(&b, "Pulls and correlations", 0);
        if (fit_pages(&b.pl, m, fit, opt, err) < 0)
            goto out;
    }
    if (opt->ranking) {
        mark(&b, "Ranking", 0);
        if (push(&b.pl, ranking_page(m, opt, err), err) < 0)
            goto out;
    }
    if (opt->gof) {
        mark(&b, "Goodness of fit", 0);
        if (!(s = gof_page(m, opt->gof))) {
            hf_error_nomem(err);
            goto out;
        }
        if (push(&b.pl, s, err) < 0)
            goto out;
    }
    if (opt->limit && m->poi >= 0) {
        mark(&b, "Upper limit", 0);
        if (push(&b.pl, limit_page(m, opt, err), err) < 0)
            goto out;
    }
    mark(&b, "Yields", 0);
    pages = hf_yield_table_pages(pre, post, opt->blinded, 0, &n, err);
    if (!pages || push_all(&b.pl, pages, n, err) < 0)
        goto out;
    if (!(s = contents_page(&b)) || push(&b.pl, s, err) < 0) {
        if (!s)
            hf_error_nomem(err);
        goto out;
    }
    memmove(b.pl.v + 1, b.pl.v, (b.pl.n - 1) * sizeof(hf_scene *)); /* contents first */
    b.pl.v[0] = s;
    for (i = 0; i < b.pl.n; i++) {
        page_fit(b.pl.v[i]);
        outline_order(b.pl.v[i]);
    }
    rc = 0;
out:
    *pl = b.pl;
    return rc;
}

hf_scene **
hf_report_pages(const hf_model *m, const hf_fit_result *fit, const hf_report_options *opt,
                size_t *npages, hf_error *err)
{
    hf_report_options o = {0};
    hf_summary_groups dg = {0};
    hf_yields *pre = NULL, *post = NULL;
    pagelist pl = {0};
    int rc = -1;

    *npages = 0;
    if (opt)
        o = *opt;
    if (!o.groups && hf_summary_groups_default(&dg, m) < 0) {
        hf_error_nomem(err);
        return NULL;
    }
    if (!o.groups)
        o.groups = &dg;
    opt = &o;
    if (fit && !fit->cov)
        fit = NULL;
    pre = hf_yields_compute(m, m->init, NULL, err);
    /* a fit that did not converge has no uncertainties: its post-fit band is left empty */
    double *zero = fit && !fit->converged ? calloc(m->npar * m->npar + 1, sizeof(double)) : NULL;
    if (fit && !fit->converged && !zero)
        hf_error_nomem(err);
    else if (pre && (!fit || (post = hf_yields_compute(m, fit->x, zero ? zero : fit->cov, err))))
        rc = build_pages(&pl, m, fit, pre, post, opt, err);
    free(zero);
    hf_yields_free(pre);
    hf_yields_free(post);
    hf_summary_groups_release(&dg);
    if (rc < 0) {
        hf_report_pages_free(pl.v, pl.n);
        return NULL;
    }
    *npages = pl.n;
    return pl.v;
}

void
hf_report_pages_free(hf_scene **pages, size_t n)
{
    size_t i;

    for (i = 0; pages && i < n; i++)
        hf_scene_free(pages[i]);
    free(pages);
}
