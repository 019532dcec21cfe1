/* render/report.c - the multi-page review report: summary, channels (pre | post side by side),
 * pulls, correlations and yields, streamed page by page into one PDF with an outline. */
#include "render/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/cairo.h"
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

static hf_scene *
summary_page(const hf_model *m, const hf_fit_result *fit, const hf_yields *pre,
             const hf_yields *post, const hf_report_options *opt)
{
    hf_scene *s = hf_scene_new(HF_SCENE_DOUBLE_COLUMN, 9.5);
    const char *kv[2 * 14];
    hf_halign a2[2] = {HF_HALIGN_LEFT, HF_HALIGN_LEFT};
    hf_halign a5[5] = {HF_HALIGN_LEFT, HF_HALIGN_RIGHT, HF_HALIGN_RIGHT, HF_HALIGN_RIGHT,
                       HF_HALIGN_RIGHT};
    size_t k = 0, c, nw, i;
    worst *w = NULL;
    const char **cells = NULL;

    if (!s)
        return NULL;
    if (hf_scene_set_title(s, "hfscope review report") < 0 ||
        hf_scene_set_outline(s, "Summary", 0) < 0)
        goto fail;
#define KV(key, val)                                                                               \
    do {                                                                                           \
        kv[2 * k] = (key);                                                                         \
        kv[2 * k + 1] = (val);                                                                     \
        if (!kv[2 * k + 1])                                                                        \
            goto fail;                                                                             \
        k++;                                                                                       \
    } while (0)
    KV("Workspace", hf_scene_strdup(s, opt->source ? opt->source : "(unnamed)"));
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
        if (m->poi >= 0)
            KV("POI best fit", hf_scene_printf(s, "%s = %.4g \xc2\xb1 %.2g", m->par[m->poi].name,
                                               fit->x[m->poi], fit->err[m->poi]));
    } else {
        KV("Fit", hf_scene_strdup(s, "not run: pre-fit figures only"));
    }
    if (text_table(s, 0.0, 0.03 + 0.022 * (double)k, "Summary", k, 2, kv, a2, false) < 0)
        goto fail;

    /* worst channels by post-fit deviance per bin (pre-fit when there is no fit) */
    w = malloc((m->nchan ? m->nchan : 1) * sizeof *w);
    nw = m->nchan < 25 ? m->nchan : 25;
    cells = malloc((nw + 1) * 5 * sizeof *cells);
    if (!w || !cells)
        goto fail;
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
        const hf_yields *y = post ? post : pre;
        for (b = m->chan_off[ch]; b < m->chan_off[ch] + m->chan_nbins[ch]; b++) {
            dsum += m->obs[b];
            msum += y->nu[b];
        }
        cells[(i + 1) * 5 + 0] = m->chan[ch]->name;
        cells[(i + 1) * 5 + 1] = hf_scene_printf(s, "%zu", m->chan_nbins[ch]);
        cells[(i + 1) * 5 + 2] = post ? hf_scene_printf(s, "%.2f", w[i].post) : "-";
        cells[(i + 1) * 5 + 3] = hf_scene_printf(s, "%.2f", w[i].pre);
        cells[(i + 1) * 5 + 4] = msum > 0 ? hf_scene_printf(s, "%.3f", dsum / msum) : "-";
        if (!cells[(i + 1) * 5 + 1] || !cells[(i + 1) * 5 + 2] || !cells[(i + 1) * 5 + 3] ||
            !cells[(i + 1) * 5 + 4])
            goto fail;
    }
    {
        char *t = hf_scene_printf(s, "Worst channels by %s Poisson deviance per bin%s",
                                  post ? "post-fit" : "pre-fit", m->nchan > nw ? " (top 25)" : "");
        double y0 = 0.07 + 0.022 * (double)k;
        if (!t || text_table(s, y0, y0 + 0.03 + 0.022 * (double)(nw + 1), t, nw + 1, 5, cells, a5,
                             true) < 0)
            goto fail;
    }
#undef KV
    free(w);
    free(cells);
    return s;
fail:
    free(w);
    free(cells);
    hf_scene_free(s);
    return NULL;
}

static int
add_pages(hf_cairo_doc *doc, hf_scene **pages, size_t n, hf_error *err)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < n; i++) {
        if (rc == 0 && hf_cairo_doc_add(doc, pages[i], err) < 0)
            rc = -1;
        hf_scene_free(pages[i]);
    }
    free(pages);
    return rc;
}

int
hf_report_write(const char *path, const hf_model *m, const hf_fit_result *fit,
                const hf_report_options *opt, hf_error *err)
{
    hf_report_options dflt = {0};
    hf_cairo_options co = {0};
    hf_cairo_doc *doc = NULL;
    hf_yields *pre = NULL, *post = NULL;
    hf_scene *s = NULL;
    size_t c, n;
    hf_scene **pages;

    if (!opt)
        opt = &dflt;
    if (fit && !fit->cov)
        fit = NULL;
    co.format = HF_FORMAT_PDF;
    co.pal = opt->pal;
    co.title = "hfscope report";
    pre = hf_yields_compute(m, m->init, NULL, err);
    if (!pre)
        goto fail;
    if (fit && !(post = hf_yields_compute(m, fit->x, fit->cov, err)))
        goto fail;
    doc = hf_cairo_doc_open(path, &co, err);
    if (!doc)
        goto fail;

    s = summary_page(m, fit, pre, post, opt);
    if (!s) {
        hf_error_nomem(err);
        goto fail;
    }
    if (hf_cairo_doc_add(doc, s, err) < 0)
        goto fail;
    hf_scene_free(s);
    s = NULL;

    /* one page per channel: pre-fit left, post-fit right */
    for (c = 0; c < m->nchan; c++) {
        hf_stack_options so;
        hf_stack_options_init(&so);
        so.logy = opt->logy;
        so.show_data = !opt->blind;
        so.lumi_label = opt->lumi_label;
        s = hf_scene_new(HF_SCENE_DOUBLE_COLUMN, 3.9);
        if (!s) {
            hf_error_nomem(err);
            goto fail;
        }
        if (hf_scene_set_outline(s, m->chan[c]->name, 0) < 0) {
            hf_error_nomem(err);
            goto fail;
        }
        so.ratio_half = hf_stack_ratio_half(pre, c, so.show_data);
        if (post)
            so.ratio_half = fmax(so.ratio_half, hf_stack_ratio_half(post, c, so.show_data));
        so.postfit = false;
        if (hf_plot_stack_into(s, 0, 0, post ? 0.5 : 1, 1, pre, c, &so, err) < 0)
            goto fail;
        so.postfit = true;
        if (post && hf_plot_stack_into(s, 0.5, 0, 1, 1, post, c, &so, err) < 0)
            goto fail;
        if (hf_cairo_doc_add(doc, s, err) < 0)
            goto fail;
        hf_scene_free(s);
        s = NULL;
    }

    if (fit) {
        hf_pulls_options po = {0};
        hf_corr_options cop;
        po.group = true;
        pages = hf_plot_pulls(m, fit, &po, &n, err);
        if (pages && add_pages(doc, pages, n, err) < 0)
            goto fail;
        if (!pages && err->code == HF_ENOMEM)
            goto fail;
        hf_error_release(err);
        hf_corr_options_init(&cop);
        if (opt->corr_threshold > 0)
            cop.threshold = opt->corr_threshold;
        cop.label_frac = 0.27; /* names shortened a little more: the cells get the room */
        s = hf_plot_corr(m, fit, &cop, err);
        if (s)
            s->height_in = fmax(s->height_in, 9.5); /* the whole page: the square matrix on top,
                                                      room below for the vertical names */
        if (!s || hf_cairo_doc_add(doc, s, err) < 0)
            goto fail;
        hf_scene_free(s);
        s = NULL;
    }
    pages = hf_yield_table_pages(pre, post, 0, &n, err);
    if (!pages || add_pages(doc, pages, n, err) < 0)
        goto fail;
    hf_yields_free(pre);
    hf_yields_free(post);
    return hf_cairo_doc_close(doc, err);
fail:
    hf_scene_free(s);
    hf_cairo_doc_abort(doc);
    hf_yields_free(pre);
    hf_yields_free(post);
    return -1;
}
