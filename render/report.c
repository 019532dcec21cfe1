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
#include "render/tables.h"

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

/* Summary rows (key, value) written into kv (room for HF_SUMMARY_ROWS pairs); returns the
 * row count, or 0 on ENOMEM. */
#define HF_SUMMARY_ROWS 14
static size_t
summary_rows(hf_scene *s, const hf_model *m, const hf_fit_result *fit, const char *source,
             const char **kv)
{
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
        if (m->poi >= 0 && fit->converged)
            KV("POI best fit", hf_scene_printf(s, "%s = %.4g \xc2\xb1 %.2g", m->par[m->poi].name,
                                               fit->x[m->poi], fit->err[m->poi]));
        else if (m->poi >= 0) /* no minimum, no uncertainty */
            KV("POI best fit",
               hf_scene_printf(s, "%s = %.4g \xc2\xb1 n/a", m->par[m->poi].name, fit->x[m->poi]));
    } else {
        KV("Fit", hf_scene_strdup(s, "not run: pre-fit figures only"));
    }
#undef KV
    return k;
}

/* The table of the channels that fit worst (post-fit deviance per bin, pre-fit when there is no
 * fit), at most 25 rows, from y0 down. Returns 0 or -1 on ENOMEM. */
static int
worst_table(hf_scene *s, double y0, const hf_model *m, const hf_yields *pre, const hf_yields *post)
{
    static const hf_halign a5[5] = {HF_HALIGN_LEFT, HF_HALIGN_RIGHT, HF_HALIGN_RIGHT,
                                    HF_HALIGN_RIGHT, HF_HALIGN_RIGHT};
    size_t nw = m->nchan < 25 ? m->nchan : 25, c, i;
    worst *w = malloc((m->nchan ? m->nchan : 1) * sizeof *w);
    const char **cells = malloc((nw + 1) * 5 * sizeof *cells);
    const hf_yields *y = post ? post : pre;
    char *t;
    int rc = -1;

    if (!w || !cells)
        goto out;
    for (c = 0; c < m->nchan; c++) {
        double nb = (double)(m->chan_nbins[c] ? m->chan_nbins[c] : 1);
        w[c].c = c;
        w[c].pre = hf_yields_deviance(pre, c) / nb;
        w[c].post = post ? hf_yields_deviance(post, c) / nb : w[c].pre;
    }
    qsort(w, m->nchan, sizeof *w, cmp_worst);
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
                        post ? "post-fit" : "pre-fit", m->nchan > nw ? " (top 25)" : "");
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
        hf_scene_set_outline(s, "Summary", 0) < 0 ||
        (k = summary_rows(s, m, fit, opt->source, kv)) == 0)
        goto fail;
    bottom = 0.03 + 0.022 * (double)k;
    worst_y = 0.07 + 0.022 * (double)k;
    if (fit && !fit->converged) { /* the status lines in the gap, the table moves down */
        if (fit_failure_lines(s, fit, bottom, bottom + 0.06) < 0)
            goto fail;
        worst_y += 0.06;
    }
    if (text_table(s, 0.0, bottom, "Summary", k, 2, kv, a2, false) < 0 ||
        worst_table(s, worst_y, m, pre, post) < 0)
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
        hf_scene **nv = realloc(pl->v, nc * sizeof *nv);
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

/* Channel c: pre-fit left, post-fit right, one ratio range for both. NULL with err. */
static hf_scene *
channel_page(const hf_model *m, const hf_yields *pre, const hf_yields *post, size_t c,
             const hf_report_options *opt, bool failed, hf_error *err)
{
    hf_stack_options so;
    hf_scene *s = hf_scene_new(HF_SCENE_DOUBLE_COLUMN, 3.9);

    if (!s || hf_scene_set_outline(s, m->chan[c]->name, 0) < 0) {
        hf_scene_free(s);
        hf_error_nomem(err);
        return NULL;
    }
    hf_stack_options_init(&so);
    so.logy = opt->logy;
    so.show_data = !opt->blind;
    so.lumi_label = opt->lumi_label;
    so.ratio_half = hf_stack_ratio_half(pre, c, so.show_data);
    if (post)
        so.ratio_half = fmax(so.ratio_half, hf_stack_ratio_half(post, c, so.show_data));
    so.postfit = false;
    if (hf_plot_stack_into(s, 0, 0, post ? 0.5 : 1, 1, pre, c, &so, err) < 0)
        goto fail;
    so.postfit = true;
    if (post && hf_plot_stack_into(s, 0.5, 0, 1, 1, post, c, &so, err) < 0)
        goto fail;
    /* on the post-fit half's axis-label line, left of the label (the titles fill the top) */
    if (post && failed &&
        no_errors_note(s, 0.54, 0.86, 0.93, false,
                       "Fit not converged: no errors shown.") < 0) {
        hf_error_nomem(err);
        goto fail;
    }
    return s;
fail:
    hf_scene_free(s);
    return NULL;
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

static int
build_pages(pagelist *pl, const hf_model *m, const hf_fit_result *fit, const hf_yields *pre,
            const hf_yields *post, const hf_report_options *opt, hf_error *err)
{
    hf_scene **pages;
    size_t c, n;
    hf_scene *s = summary_page(m, fit, pre, post, opt);

    if (!s)
        return hf_error_nomem(err);
    if (push(pl, s, err) < 0)
        return -1;
    for (c = 0; c < m->nchan; c++)
        if (push(pl, channel_page(m, pre, post, c, opt, fit && !fit->converged, err), err) < 0)
            return -1;
    if (fit && fit_pages(pl, m, fit, opt, err) < 0)
        return -1;
    pages = hf_yield_table_pages(pre, post, 0, &n, err);
    return pages ? push_all(pl, pages, n, err) : -1;
}

hf_scene **
hf_report_pages(const hf_model *m, const hf_fit_result *fit, const hf_report_options *opt,
                size_t *npages, hf_error *err)
{
    hf_report_options dflt = {0};
    hf_yields *pre = NULL, *post = NULL;
    pagelist pl = {0};
    int rc = -1;

    *npages = 0;
    if (!opt)
        opt = &dflt;
    if (fit && !fit->cov)
        fit = NULL;
    /* a fit that did not converge has no uncertainties: its post-fit band is left empty */
    double *zero = fit && !fit->converged ? calloc(m->npar * m->npar + 1, sizeof(double)) : NULL;
    pre = hf_yields_compute(m, m->init, NULL, err);
    if (fit && !fit->converged && !zero)
        hf_error_nomem(err);
    else if (pre && (!fit || (post = hf_yields_compute(m, fit->x, zero ? zero : fit->cov, err))))
        rc = build_pages(&pl, m, fit, pre, post, opt, err);
    free(zero);
    hf_yields_free(pre);
    hf_yields_free(post);
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
