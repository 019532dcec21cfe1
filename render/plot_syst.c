/* render/plot_syst.c - templates with ratio panel, interpolation curves per code, and the
 * ranking figure (impact bars on a top axis drawn with text items, pulls on the bottom axis). */
#include "render/plot_syst.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag/systematics.h"
#include "core/model/interp.h"
#include "render/axis.h"

#define THETA "\xce\xb8"     /* θ */
#define ALPHA "\xce\xb1"     /* α */
#define DELTA "\xce\x94"     /* Δ */
#define SIGMA "\xcf\x83"     /* σ */
#define PM    "\xc2\xb1"     /* ± */
#define MINUS "\xe2\x88\x92" /* − */
#define DOT   "\xc2\xb7"     /* · */

static hf_scene *
fail(hf_scene *s, hf_error *err)
{
    hf_scene_free(s);
    hf_error_nomem(err);
    return NULL;
}

hf_scene *
hf_plot_syst_templates(const hf_model *m, size_t par, size_t cs, hf_error *err)
{
    const hf_cs *c = &m->cs[cs];
    size_t nb = c->nbins;
    double *buf = malloc((6 * nb + 2) * sizeof(*buf));
    hf_scene *s = NULL;
    if (buf == NULL)
        return fail(NULL, err);
    double *nom = buf, *up = buf + nb, *dn = buf + 2 * nb, *ru = buf + 3 * nb, *rd = buf + 4 * nb,
           *edges = buf + 5 * nb;
    if (hf_systematics_templates(m, par, cs, nom, up, dn) == 0) {
        free(buf);
        hf_error_set(err, HF_EUSAGE, "", "\"%s\" has no normsys or histosys on %s/%s",
                     m->par[par].name, m->chan[c->chan]->name, m->samp_name[c->samp]);
        return NULL;
    }
    double ymax = 0, rdev = 0;
    for (size_t b = 0; b <= nb; b++)
        edges[b] = (double)b;
    for (size_t b = 0; b < nb; b++) {
        ymax = fmax(ymax, fmax(nom[b], fmax(up[b], dn[b])));
        ru[b] = nom[b] != 0 ? up[b] / nom[b] : 1.0;
        rd[b] = nom[b] != 0 ? dn[b] / nom[b] : 1.0;
        rdev = fmax(rdev, fmax(fabs(ru[b] - 1), fabs(rd[b] - 1)));
    }
    if (!(ymax > 0))
        ymax = 1;
    rdev = fmax(rdev * 1.25, 0.01);

    s = hf_scene_new(5.0, 4.2);
    if (s == NULL)
        goto nomem;
    const char *title = hf_scene_printf(s, "%s " DOT " %s " DOT " %s", m->par[par].name,
                                        m->chan[c->chan]->name, m->samp_name[c->samp]);
    if (title == NULL || hf_scene_set_title(s, title) < 0 || hf_scene_set_outline(s, title, 1) < 0)
        goto nomem;
    hf_panel *p = hf_scene_add_panel(s, 0, 0.06, 1, 0.72);
    if (p == NULL || hf_panel_set_axis(s, &p->x, 0, (double)nb, false, NULL) < 0 ||
        hf_panel_set_axis(s, &p->y, 0, ymax * 1.4, false, "Yield") < 0)
        goto nomem;
    p->x.integer = true;
    p->x.hide_labels = true;
    p->y.no_min_label = true;
    hf_item *it;
    if (!hf_panel_add_hist(s, p, nb, edges, nom, hf_ink_of(HF_ROLE_FG, 0)) ||
        !(it = hf_panel_add_hist(s, p, nb, edges, up, hf_ink_of(HF_ROLE_SERIES, 0))) ||
        !hf_panel_add_legend(s, p, "nominal", hf_ink_of(HF_ROLE_FG, 0), HF_LEGEND_LINE) ||
        !hf_panel_add_legend(s, p, "+1" SIGMA, hf_ink_of(HF_ROLE_SERIES, 0), HF_LEGEND_LINE))
        goto nomem;
    it->width = HF_WIDTH_THICK;
    if (!(it = hf_panel_add_hist(s, p, nb, edges, dn, hf_ink_of(HF_ROLE_SERIES, 1))))
        goto nomem;
    it->dash = HF_DASH_DASHED;
    it->width = HF_WIDTH_THICK;
    hf_legend_entry *le =
        hf_panel_add_legend(s, p, MINUS "1" SIGMA, hf_ink_of(HF_ROLE_SERIES, 1), HF_LEGEND_LINE);
    if (le == NULL)
        goto nomem;
    le->dash = HF_DASH_DASHED;

    hf_panel *r = hf_scene_add_panel(s, 0, 0.72, 1, 1.0);
    if (r == NULL || hf_panel_set_axis(s, &r->x, 0, (double)nb, false, "Bin") < 0 ||
        hf_panel_set_axis(s, &r->y, 1 - rdev, 1 + rdev, false, "Var. / nom.") < 0)
        goto nomem;
    r->x.integer = true;
    r->y.no_max_label = true;
    {
        /* explicit ratio ticks: the automatic ones leave a short panel with only "1.0" */
        double st = hf_axis_nice_step(rdev, 2), tv[5];
        char tl[5][32];
        const char *tp[5];
        size_t nt = 0;
        for (int k = -2; k <= 2; k++)
            if (fabs(k * st) < rdev * 0.999) {
                tv[nt] = 1 + k * st;
                hf_axis_format(tv[nt], st, tl[nt], sizeof(tl[nt]));
                tp[nt] = tl[nt];
                nt++;
            }
        if (hf_panel_axis_ticks(s, &r->y, nt, tv, tp) < 0)
            goto nomem;
    }
    /* a two-point systematic whose other side is the nominal: say so, since the dashed line
     * then hides under the nominal one */
    bool dn_nom = true, up_nom = true;
    for (size_t b = 0; b < nb; b++) {
        dn_nom = dn_nom && dn[b] == nom[b];
        up_nom = up_nom && up[b] == nom[b];
    }
    if ((dn_nom != up_nom) && !hf_panel_add_text(s, p, HF_COORD_AXES, 0.03, 0.95,
                                                 dn_nom ? "one-sided: " MINUS "1" SIGMA " = nominal"
                                                        : "one-sided: +1" SIGMA " = nominal",
                                                 HF_HALIGN_LEFT, HF_VALIGN_TOP, HF_TEXT_SMALL))
        goto nomem;
    if (!hf_panel_add_rule(s, r, false, 1.0, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DOTTED) ||
        !hf_panel_add_hist(s, r, nb, edges, ru, hf_ink_of(HF_ROLE_SERIES, 0)) ||
        !(it = hf_panel_add_hist(s, r, nb, edges, rd, hf_ink_of(HF_ROLE_SERIES, 1))))
        goto nomem;
    it->dash = HF_DASH_DASHED;
    free(buf);
    return s;
nomem:
    free(buf);
    return fail(s, err);
}

static int
by_weight_desc(const void *a, const void *b)
{
    const double *x = a, *y = b; /* {weight, bin} pairs */
    if (x[0] != y[0])
        return x[0] > y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static int
by_bin(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

#define NALPHA 121

hf_scene *
hf_plot_syst_interp(const hf_model *m, size_t par, size_t cs, double theta_hat, double sigma,
                    hf_error *err)
{
    return hf_plot_syst_interp_n(m, par, cs, theta_hat, sigma, 6, err);
}

static const hf_interp_code interp_codes[] = {HF_INTERP_CODE0, HF_INTERP_CODE1, HF_INTERP_CODE2,
                                              HF_INTERP_CODE4, HF_INTERP_CODE4P};
static const hf_dash interp_dashes[] = {HF_DASH_DOTTED, HF_DASH_DASHED, HF_DASH_DOTTED,
                                        HF_DASH_SOLID, HF_DASH_DASHED};
#define NCODE (sizeof(interp_codes) / sizeof(interp_codes[0]))

/* What every panel of the interpolation figure shares. */
typedef struct interp_fig {
    const hf_model *m;
    size_t par, cs, nb, cols, rows;
    const double *nom, *up, *dn, *ax;
    double *ys; /* scratch: NCODE x NALPHA yields */
    unsigned types;
    bool total, strip; /* one panel of the summed yield; the legend in a strip of its own */
    const char *sub;   /* the summed panel's title */
    double top, theta_hat, sigma;
} interp_fig;

/* The yields of bin b (or of their sum) along alpha for every code into f->ys, the templates into
 * t3 (down, nominal, up), and the range of the curves into lo, hi. */
static void
interp_curves(const interp_fig *f, size_t b, double t3[3], double *lo, double *hi)
{
    t3[0] = f->dn[b];
    t3[1] = f->nom[b];
    t3[2] = f->up[b];
    if (f->total) {
        t3[0] = t3[1] = t3[2] = 0;
        for (size_t i = 0; i < f->nb; i++) {
            t3[0] += f->dn[i];
            t3[1] += f->nom[i];
            t3[2] += f->up[i];
        }
    }
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t q = 0; q < NCODE; q++)
        for (size_t i = 0; i < NALPHA; i++) {
            double y = 0;
            if (f->total)
                for (size_t bb = 0; bb < f->nb; bb++)
                    y +=
                        hf_systematics_yield_at(f->m, f->par, f->cs, bb, interp_codes[q], f->ax[i]);
            else
                y = hf_systematics_yield_at(f->m, f->par, f->cs, b, interp_codes[q], f->ax[i]);
            f->ys[q * NALPHA + i] = y;
            if (isfinite(y)) {
                *lo = fmin(*lo, y);
                *hi = fmax(*hi, y);
            }
        }
    if (!isfinite(*lo)) {
        *lo = 0;
        *hi = 1;
    }
}

/* The best fit and its +-1 sigma band on panel p (legend entry on the first panel). */
static int
interp_best_fit(hf_scene *s, hf_panel *p, const interp_fig *f, size_t k)
{
    hf_item *sp = NULL;
    if (isfinite(f->sigma) && f->sigma > 0 &&
        !(sp = hf_panel_add_span(s, p, true, f->theta_hat - f->sigma, f->theta_hat + f->sigma,
                                 hf_ink_of(HF_ROLE_BAND1, 0))))
        return -1;
    if (sp != NULL)
        sp->alpha = 0.35;
    /* the foreground ink: the accent is code1's orange in the series palette */
    if (!hf_panel_add_rule(s, p, true, f->theta_hat, hf_ink_of(HF_ROLE_FG, 0), HF_DASH_SOLID))
        return -1;
    /* "best fit", not a combining circumflex over theta: fonts drop it (seen in PNG) */
    if (k == 0 && (!hf_panel_add_legend(s, p, "best fit " PM " " SIGMA, hf_ink_of(HF_ROLE_BAND1, 0),
                                        HF_LEGEND_SHADE)))
        return -1;
    return 0;
}

/* The curves of every code on panel p, the model's own codes thick (legend on the first). */
static int
interp_lines(hf_scene *s, hf_panel *p, const interp_fig *f, size_t k)
{
    const hf_model *m = f->m;
    for (size_t q = 0; q < NCODE; q++) {
        hf_item *it = hf_panel_add_line(s, p, NALPHA, f->ax, &f->ys[q * NALPHA],
                                        hf_ink_of(HF_ROLE_SERIES, (int)q), interp_dashes[q]);
        if (it == NULL)
            return -1;
        /* the codes the model applies to this parameter's modifier types */
        bool used = ((f->types & (1u << HF_MOD_HISTOSYS)) && interp_codes[q] == m->histosys_code) ||
                    ((f->types & (1u << HF_MOD_NORMSYS)) && interp_codes[q] == m->normsys_code);
        if (used)
            it->width = HF_WIDTH_THICK;
        if (k == 0) {
            const char *ln = used
                                 ? hf_scene_printf(s, "%s (model)", hf_interp_name(interp_codes[q]))
                                 : hf_interp_name(interp_codes[q]);
            hf_legend_entry *le =
                ln ? hf_panel_add_legend(s, p, ln, hf_ink_of(HF_ROLE_SERIES, (int)q),
                                         HF_LEGEND_LINE)
                   : NULL;
            if (le == NULL)
                return -1;
            le->dash = interp_dashes[q];
        }
    }
    return 0;
}

/* Panel k of the figure: bin b (or the sum), its curves, templates and best fit. */
static int
interp_panel(hf_scene *s, const interp_fig *f, size_t k, size_t b)
{
    static const double atick[7] = {-3, -2, -1, 0, 1, 2, 3};
    static const char *const alab[7] = {MINUS "3", MINUS "2", MINUS "1", "0", "1", "2", "3"};
    size_t col = k % f->cols, row = k / f->cols;
    double h = (1.0 - f->top) / (double)f->rows, lo, hi, t3[3];
    hf_panel *p =
        hf_scene_add_panel(s, (double)col / (double)f->cols, f->top + (double)row * h,
                           (double)(col + 1) / (double)f->cols, f->top + (double)(row + 1) * h);
    if (p == NULL)
        return -1;
    interp_curves(f, b, t3, &lo, &hi);
    double pad = fmax((hi - lo) * 0.08, 1e-6 * fmax(1.0, fabs(hi)));
    lo -= pad;
    hi += pad + (k == 0 && !f->strip ? (hi - lo) * 0.45 : 0); /* legend room in the panel */
    const char *pt = f->total ? f->sub : hf_scene_printf(s, "bin %zu", b);
    if (pt == NULL || hf_panel_set_title(s, p, pt) < 0 ||
        hf_panel_set_axis(s, &p->x, -3, 3, false, row + 1 == f->rows ? ALPHA : NULL) < 0 ||
        hf_panel_set_axis(s, &p->y, lo, hi, false, col == 0 ? "Yield" : NULL) < 0 ||
        hf_panel_axis_ticks(s, &p->x, 7, atick, alab) < 0)
        return -1;
    /* the legend: the first panel's, above the grid with the strip */
    if (isfinite(f->theta_hat) && interp_best_fit(s, p, f, k) < 0)
        return -1;
    if (interp_lines(s, p, f, k) < 0)
        return -1;
    double px3[3] = {-1, 0, 1};
    if (!hf_panel_add_points(s, p, 3, px3, t3, NULL, NULL, NULL, NULL, HF_MARKER_CIRCLE,
                             hf_ink_of(HF_ROLE_DATA, 0)))
        return -1;
    if (k == 0) {
        if (!hf_panel_add_legend(s, p, "templates", hf_ink_of(HF_ROLE_DATA, 0), HF_LEGEND_MARKER))
            return -1;
        p->legend_pos = f->strip ? HF_LEGPOS_ABOVE : HF_LEGPOS_TOP_LEFT;
        p->legend_columns = f->strip ? 4 : 2;
    }
    return 0;
}

/* The figure's title (and outline entry) for nshow of its nb bins. */
static int
interp_titles(hf_scene *s, const interp_fig *f, size_t nshow)
{
    const hf_model *m = f->m;
    const hf_cs *c = &m->cs[f->cs];
    const char *title =
        hf_scene_printf(s, "Interpolation of %s " DOT " %s " DOT " %s", m->par[f->par].name,
                        m->chan[c->chan]->name, m->samp_name[c->samp]);
    if (title == NULL || hf_scene_set_outline(s, title, 1) < 0)
        return -1;
    if (!f->total && nshow < f->nb) /* short: the page title has one line */
        title = hf_scene_printf(s, "%s " DOT " %s " DOT " %s, %zu of %zu bins", m->par[f->par].name,
                                m->chan[c->chan]->name, m->samp_name[c->samp], nshow, f->nb);
    return title == NULL || hf_scene_set_title(s, title) < 0 ? -1 : 0;
}

/* As hf_plot_syst_interp with at most maxpanels bin panels; 1 draws the summed yield of all
 * bins (a terminal pane has room for one legible panel). */
hf_scene *
hf_plot_syst_interp_n(const hf_model *m, size_t par, size_t cs, double theta_hat, double sigma,
                      size_t maxpanels, hf_error *err)
{
    const hf_cs *c = &m->cs[cs];
    size_t nb = c->nbins;
    double *buf = malloc((3 * nb + 2 * nb + NALPHA * (NCODE + 1) + 8) * sizeof(*buf));
    hf_scene *s = NULL;
    if (buf == NULL)
        return fail(NULL, err);
    double *nom = buf, *up = buf + nb, *dn = buf + 2 * nb, *wb = buf + 3 * nb;
    double *ax = buf + 5 * nb;
    interp_fig f = {.m = m,
                    .par = par,
                    .cs = cs,
                    .nb = nb,
                    .nom = nom,
                    .up = up,
                    .dn = dn,
                    .ax = ax,
                    .ys = ax + NALPHA,
                    .theta_hat = theta_hat,
                    .sigma = sigma};
    f.types = hf_systematics_templates(m, par, cs, nom, up, dn);
    if (f.types == 0) {
        free(buf);
        hf_error_set(err, HF_EUSAGE, "", "\"%s\" has no normsys or histosys on %s/%s",
                     m->par[par].name, m->chan[c->chan]->name, m->samp_name[c->samp]);
        return NULL;
    }
    /* a normsys alone scales every bin by the same factor: one panel of the summed yield says
     * all there is, six panels of the same curve would not */
    bool normsys = f.types == (1u << HF_MOD_NORMSYS);
    f.total = (normsys || maxpanels <= 1) && nb > 1;
    size_t maxp = maxpanels < 1 ? 1 : maxpanels;
    for (size_t b = 0; b < nb; b++) {
        wb[2 * b] = fabs(up[b] - nom[b]) + fabs(dn[b] - nom[b]);
        wb[2 * b + 1] = (double)b;
    }
    qsort(wb, nb, 2 * sizeof(double), by_weight_desc);
    size_t nshow = f.total ? 1 : nb < maxp ? nb : maxp;
    qsort(wb, nshow, 2 * sizeof(double), by_bin);
    f.cols = nshow <= 1 ? 1 : nshow <= 4 ? 2 : 3;
    f.rows = (nshow + f.cols - 1) / f.cols;
    for (size_t i = 0; i < NALPHA; i++)
        ax[i] = -3.0 + 6.0 * (double)i / (NALPHA - 1);

    /* several panels: the legend gets a strip of its own across the figure, at the size of the
     * other text, instead of being squeezed into the first panel */
    f.strip = !f.total && nshow > 1;
    double H = 2.3 * (double)f.rows + (f.strip ? 0.15 + 0.55 : 0.5);
    f.top = (f.strip ? 0.15 + 0.55 : 0.5) / H; /* the strip: above the first panel */
    s = hf_scene_new(f.total ? 5.0 : HF_SCENE_DOUBLE_COLUMN, H);
    if (s == NULL)
        goto nomem;
    f.sub = f.total ? hf_scene_printf(s, "sum of %zu bins%s", nb,
                                      normsys ? " (normsys: one factor)" : "")
                    : NULL;
    if ((f.total && f.sub == NULL) || interp_titles(s, &f, nshow) < 0)
        goto nomem;
    for (size_t k = 0; k < nshow; k++)
        if (interp_panel(s, &f, k, (size_t)wb[2 * k + 1]) < 0)
            goto nomem;
    free(buf);
    return s;
nomem:
    free(buf);
    return fail(s, err);
}

hf_scene **
hf_plot_syst_pages(const hf_model *m, const char *name, int what, double theta_hat, double sigma,
                   size_t *npages, hf_error *err)
{
    *npages = 0;
    int par = hf_model_find_par(m, name);
    if (par < 0) {
        hf_error_set(err, HF_EUSAGE, "", "no parameter \"%s\"", name);
        return NULL;
    }
    hf_scene **pages = calloc(m->ncs + 1, sizeof(hf_scene *));
    double *tmp = NULL;
    size_t maxb = 1;
    for (size_t c = 0; c < m->ncs; c++)
        if (m->cs[c].nbins > maxb)
            maxb = m->cs[c].nbins;
    tmp = malloc(3 * maxb * sizeof(*tmp));
    if (pages == NULL || tmp == NULL) {
        free(pages);
        free(tmp);
        hf_error_nomem(err);
        return NULL;
    }
    size_t n = 0;
    for (size_t c = 0; c < m->ncs; c++) {
        if (hf_systematics_templates(m, (size_t)par, c, tmp, tmp + maxb, tmp + 2 * maxb) == 0)
            continue;
        hf_scene *s = what == 0 ? hf_plot_syst_templates(m, (size_t)par, c, err)
                                : hf_plot_syst_interp(m, (size_t)par, c, theta_hat, sigma, err);
        if (s == NULL) {
            for (size_t i = 0; i < n; i++)
                hf_scene_free(pages[i]);
            free(pages);
            free(tmp);
            return NULL;
        }
        pages[n++] = s;
    }
    free(tmp);
    if (n == 0) {
        free(pages);
        hf_error_set(err, HF_EUSAGE, "", "\"%s\" has no normsys or histosys modifier", name);
        return NULL;
    }
    *npages = n;
    return pages;
}

/* One horizontal bar from 0 to v at row y (a one-bin step band). */
static int
bar(hf_scene *s, hf_panel *p, double v, double y, double half, hf_fill fill, hf_ink ink,
    double alpha)
{
    if (!isfinite(v) || v == 0)
        return 0;
    double x[2] = {fmin(0, v), fmax(0, v)}, lo = y - half, hi = y + half;
    hf_item *it = hf_panel_add_band(s, p, 1, true, x, &lo, &hi, fill, ink);
    if (it == NULL)
        return -1;
    it->alpha = alpha;
    return 0;
}

/* The impact bars of the top n entries: covariance impacts (cov), else pre-fit hatched and
 * post-fit shaded, in pull-axis units (scale). 0 or -1 (ENOMEM). */
static int
ranking_bars(hf_scene *s, hf_panel *p, const hf_ranking *r, size_t n, const double *yv,
             double scale, bool cov)
{
    for (size_t i = 0; i < n && cov; i++) {
        const hf_ranking_entry *e = &r->e[i];
        if (bar(s, p, scale * e->impact_cov[0], yv[i], 0.30, HF_FILL_SHADE,
                hf_ink_of(HF_ROLE_SERIES, 0), 0.55) < 0 ||
            bar(s, p, scale * e->impact_cov[1], yv[i], 0.30, HF_FILL_SHADE,
                hf_ink_of(HF_ROLE_SERIES, 1), 0.55) < 0)
            return -1;
    }
    for (size_t i = 0; i < n && !cov; i++) {
        const hf_ranking_entry *e = &r->e[i];
        if (bar(s, p, scale * e->impact_prefit[0], yv[i], 0.36, HF_FILL_HATCH,
                hf_ink_of(HF_ROLE_SERIES, 0), 1) < 0 ||
            bar(s, p, scale * e->impact_prefit[1], yv[i], 0.36, HF_FILL_HATCH,
                hf_ink_of(HF_ROLE_SERIES, 1), 1) < 0 ||
            bar(s, p, scale * e->impact_postfit[0], yv[i], 0.30, HF_FILL_SHADE,
                hf_ink_of(HF_ROLE_SERIES, 0), 0.55) < 0 ||
            bar(s, p, scale * e->impact_postfit[1], yv[i], 0.30, HF_FILL_SHADE,
                hf_ink_of(HF_ROLE_SERIES, 1), 0.55) < 0)
            return -1;
    }
    return 0;
}

/* The ranking legend: covariance or refit impacts, and the pulls. 0 or -1 (ENOMEM). */
static int
ranking_legend(hf_scene *s, hf_panel *p, bool cov)
{
    if (cov && (!hf_panel_add_legend(s, p, "covariance +1" SIGMA, hf_ink_of(HF_ROLE_SERIES, 0),
                                     HF_LEGEND_SHADE) ||
                !hf_panel_add_legend(s, p, "covariance " MINUS "1" SIGMA,
                                     hf_ink_of(HF_ROLE_SERIES, 1), HF_LEGEND_SHADE) ||
                !hf_panel_add_legend(s, p, "pull", hf_ink_of(HF_ROLE_DATA, 0), HF_LEGEND_MARKER)))
        return -1;
    if (!cov && (!hf_panel_add_legend(s, p, "post-fit +1" SIGMA, hf_ink_of(HF_ROLE_SERIES, 0),
                                      HF_LEGEND_SHADE) ||
                 !hf_panel_add_legend(s, p, "post-fit " MINUS "1" SIGMA,
                                      hf_ink_of(HF_ROLE_SERIES, 1), HF_LEGEND_SHADE) ||
                 !hf_panel_add_legend(s, p, "pre-fit +1" SIGMA, hf_ink_of(HF_ROLE_SERIES, 0),
                                      HF_LEGEND_HATCH) ||
                 !hf_panel_add_legend(s, p, "pre-fit " MINUS "1" SIGMA,
                                      hf_ink_of(HF_ROLE_SERIES, 1), HF_LEGEND_HATCH) ||
                 !hf_panel_add_legend(s, p, "pull", hf_ink_of(HF_ROLE_DATA, 0), HF_LEGEND_MARKER)))
        return -1;
    return 0;
}

hf_scene *
hf_plot_syst_ranking(const hf_model *m, const hf_ranking *r, size_t top, hf_error *err)
{
    size_t n = top == 0 ? 20 : top;
    if (n > r->n)
        n = r->n;
    if (n == 0 || r->poi < 0) {
        hf_error_set(err, HF_EUSAGE, "", "nothing to rank");
        return NULL;
    }
    double *buf = malloc((5 * n + 1) * sizeof(*buf));
    const char **lab = malloc(n * sizeof(*lab));
    hf_scene *s = NULL;
    if (buf == NULL || lab == NULL) {
        free(buf);
        free(lab);
        return fail(NULL, err);
    }
    double *yv = buf, *xv = buf + n, *ex = buf + 2 * n;
    double imax = 0, xr = 2;
    bool cov = r->method == HF_RANKING_COVARIANCE;
    for (size_t i = 0; i < n; i++) {
        const hf_ranking_entry *e = &r->e[i];
        yv[i] = (double)(n - 1 - i);
        xv[i] = isfinite(e->pull) ? e->pull : NAN;
        ex[i] = e->postfit_sigma / e->prefit_sigma;
        if (!isfinite(ex[i]))
            ex[i] = 0;
        lab[i] = m->par[e->par].name;
        if (isfinite(xv[i]))
            xr = fmax(xr, fabs(xv[i]) + ex[i]);
        for (int k = 0; k < 2; k++) {
            if (isfinite(e->impact_postfit[k]))
                imax = fmax(imax, fabs(e->impact_postfit[k]));
            if (isfinite(e->impact_prefit[k]))
                imax = fmax(imax, fabs(e->impact_prefit[k]));
            if (cov && isfinite(e->impact_cov[k]))
                imax = fmax(imax, fabs(e->impact_cov[k]));
        }
    }
    xr = fmin(ceil(xr + 0.05), 4);
    if (!(imax > 0))
        imax = 1;
    double scale = 0.95 * xr / imax; /* impact -> pull-axis units */
    double height = 0.24 * (double)n + 1.5;

    s = hf_scene_new(6.5, height);
    if (s == NULL)
        goto nomem;
    const char *poi = m->par[r->poi].name;
    const char *title =
        cov ? hf_scene_printf(s, "Top %zu of %zu: covariance impact (%s at bound)", n, r->n, poi)
            : hf_scene_printf(s, "Top %zu of %zu: impact on %s, pulls", n, r->n, poi);
    if (title == NULL || hf_scene_set_title(s, title) < 0 ||
        hf_scene_set_outline(s, "Ranking", 0) < 0)
        goto nomem;
    hf_panel *p = hf_scene_add_panel(s, 0, 0.4 / height, 1, 1);
    if (p == NULL ||
        hf_panel_set_axis(s, &p->x, -xr, xr, false,
                          /* no combining hat: Cairo's toy text API draws it detached */
                          "pull (" THETA " " MINUS " " THETA "\xe2\x82\x80) / " DELTA THETA
                          " at the best fit") < 0 ||
        hf_panel_set_axis(s, &p->y, -0.7, (double)n - 0.3, false, NULL) < 0 ||
        hf_panel_axis_ticks(s, &p->y, n, yv, lab) < 0)
        goto nomem;
    p->y.categories = true;
    p->legend_pos = HF_LEGPOS_OUTSIDE_RIGHT;
    if (!hf_panel_add_rule(s, p, true, 0, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DASHED) ||
        !hf_panel_add_rule(s, p, true, -1, hf_ink_of(HF_ROLE_GRID, 0), HF_DASH_DOTTED) ||
        !hf_panel_add_rule(s, p, true, 1, hf_ink_of(HF_ROLE_GRID, 0), HF_DASH_DOTTED))
        goto nomem;
    if (ranking_bars(s, p, r, n, yv, scale, cov) < 0)
        goto nomem;
    if (!hf_panel_add_points(s, p, n, xv, yv, ex, ex, NULL, NULL, HF_MARKER_CIRCLE,
                             hf_ink_of(HF_ROLE_DATA, 0)))
        goto nomem;
    /* the top axis: delta POI ticks drawn as short lines and text above the plot area */
    double step = hf_axis_nice_step(2 * imax, 4);
    double ytop = (double)n - 0.3, tl = 0.2;
    for (long k = -(long)floor(xr / scale / step); (double)k * step * scale <= xr + 1e-12; k++) {
        double v = (double)k * step, xs = v * scale;
        double lx[2] = {xs, xs}, ly[2] = {ytop, ytop - tl};
        char lbl[32];
        hf_axis_format(v, step, lbl, sizeof(lbl));
        if (!hf_panel_add_line(s, p, 2, lx, ly, hf_ink_of(HF_ROLE_FG, 0), HF_DASH_SOLID) ||
            !hf_panel_add_text(s, p, HF_COORD_AXES, (xs + xr) / (2 * xr), 1.0, lbl,
                               HF_HALIGN_CENTER, HF_VALIGN_BOTTOM, HF_TEXT_SMALL))
            goto nomem;
    }
    /* the axis name right of the last tick label (centred on x = 1, up to five characters) */
    const char *dl = hf_scene_printf(s, DELTA "%s", poi);
    if (dl == NULL || !hf_panel_add_text(s, p, HF_COORD_AXES, 1.05, 1.0, dl, HF_HALIGN_LEFT,
                                         HF_VALIGN_BOTTOM, HF_TEXT_SMALL))
        goto nomem;
    if (ranking_legend(s, p, cov) < 0)
        goto nomem;
    free(buf);
    free(lab);
    return s;
nomem:
    free(buf);
    free(lab);
    return fail(s, err);
}

/* {ratio, index} pairs, smallest ratio first (NaN last), then by index */
static int
by_ratio(const void *a, const void *b)
{
    const double *x = a, *y = b;
    bool nx = isnan(x[0]), ny = isnan(y[0]);
    if (nx != ny)
        return nx ? 1 : -1;
    if (!nx && x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Channels with their own colour in the constraints figure: those carrying the most observed
 * information (|first order| + |curvature| shares summed over the rows shown), at most
 * CON_MAXCHAN; the rest share one "other channels" colour. col[ch] = colour slot or -1. */
#define CON_MAXCHAN 10

static size_t
con_channels(const hf_constraints *c, const size_t *order, size_t n, int *col)
{
    const hf_obsinfo *in = &c->info;
    double *w = calloc(c->nchan + 1, sizeof(double));
    size_t k = 0;
    for (size_t ch = 0; ch < c->nchan; ch++)
        col[ch] = -1;
    if (w == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const hf_constraints_par *e = &c->p[order[i]];
        for (size_t ch = 0; ch < c->nchan && e->info > 0; ch++)
            w[ch] += (fabs(in->chan_first[e->par * c->nchan + ch]) +
                      fabs(in->chan_curv[e->par * c->nchan + ch])) /
                     e->info;
    }
    for (; k < CON_MAXCHAN; k++) {
        size_t best = c->nchan;
        for (size_t ch = 0; ch < c->nchan; ch++)
            if (col[ch] < 0 && w[ch] >= 0.02 && (best == c->nchan || w[ch] > w[best]))
                best = ch;
        if (best == c->nchan)
            break;
        col[best] = (int)k;
    }
    free(w);
    return k;
}

/* One segment [x0, x1] of row y as a filled (or hatched) bar. */
static int
con_seg(hf_scene *s, hf_panel *p, double x0, double x1, double y, hf_fill fill, hf_ink ink)
{
    double x[2] = {fmin(x0, x1), fmax(x0, x1)}, y0 = y - 0.36, y1 = y + 0.36;
    if (!(x[1] > x[0]))
        return 0;
    hf_item *it = hf_panel_add_band(s, p, 1, true, x, &y0, &y1, fill, ink);
    if (it == NULL)
        return -1;
    it->alpha = 1;
    return 0;
}

/* The information bar of entry i: prior, then per coloured channel its first order (solid) and
 * curvature (hatched), then the other channels; negative curvature extends left of 0. Shares of
 * H_jj, so the positive and negative parts add up to 1. */
static int
con_row(hf_scene *s, hf_panel *p, const hf_constraints *c, size_t i, double y, const int *col,
        double *lo, double *hi)
{
    const hf_constraints_par *e = &c->p[i];
    const hf_obsinfo *in = &c->info;
    double pos = 0, neg = 0, of = 0, oc = 0;
    if (!(e->info > 0))
        return 0;
    if (con_seg(s, p, 0, e->info_prior / e->info, y, HF_FILL_SOLID, hf_ink_of(HF_ROLE_GRID, 0)) < 0)
        return -1;
    pos = e->info_prior / e->info;
    for (size_t ch = 0; ch < c->nchan; ch++) {
        double f = in->chan_first[e->par * c->nchan + ch] / e->info;
        double cv = in->chan_curv[e->par * c->nchan + ch] / e->info;
        if (col[ch] < 0) {
            of += f;
            oc += cv;
            continue;
        }
        hf_ink ink = hf_ink_of(HF_ROLE_CHANNEL, col[ch]);
        if (con_seg(s, p, pos, pos + f, y, HF_FILL_SOLID, ink) < 0)
            return -1;
        pos += f;
        double *end = cv < 0 ? &neg : &pos;
        if (con_seg(s, p, *end, *end + cv, y, HF_FILL_HATCH, ink) < 0)
            return -1;
        *end += cv;
    }
    hf_ink other = hf_ink_of(HF_ROLE_REF, 0);
    if (con_seg(s, p, pos, pos + of, y, HF_FILL_SOLID, other) < 0)
        return -1;
    pos += of;
    double *end = oc < 0 ? &neg : &pos;
    if (con_seg(s, p, *end, *end + oc, y, HF_FILL_HATCH, other) < 0)
        return -1;
    *end += oc;
    *lo = fmin(*lo, neg);
    *hi = fmax(*hi, pos);
    return 0;
}

/* Legend (above the panels, as wide as the figure): the parts and the coloured channels. */
static int
con_legend(hf_scene *s, hf_panel *p, const hf_model *m, const int *col, size_t ncol, bool other)
{
    hf_legend_entry *e;
    if (!hf_panel_add_legend(s, p, "prior", hf_ink_of(HF_ROLE_GRID, 0), HF_LEGEND_FILL) ||
        !hf_panel_add_legend(s, p,
                             "solid: first order (n/"
                             "\xce\xbd\xc2\xb2)(\xe2\x88\x82\xce\xbd)\xc2\xb2",
                             hf_ink_of(HF_ROLE_FG, 0), HF_LEGEND_FILL) ||
        !hf_panel_add_legend(
            s, p, "hatched: template curvature (1" MINUS "n/\xce\xbd)\xe2\x88\x82\xc2\xb2\xce\xbd",
            hf_ink_of(HF_ROLE_FG, 0), HF_LEGEND_HATCH) ||
        !hf_panel_add_legend(s, p, SIGMA " post-fit / " SIGMA "\xe2\x82\x80",
                             hf_ink_of(HF_ROLE_DATA, 0), HF_LEGEND_MARKER))
        return -1;
    if (!(e = hf_panel_add_legend(s, p,
                                  "1/\xe2\x88\x9aH\xe2\xb1\xbc\xe2\xb1\xbc / " SIGMA
                                  "\xe2\x82\x80 (others fixed)",
                                  hf_ink_of(HF_ROLE_ACCENT, 0), HF_LEGEND_MARKER)))
        return -1;
    e->marker = HF_MARKER_DIAMOND;
    for (size_t k = 0; k < ncol; k++)
        for (size_t ch = 0; ch < m->nchan; ch++)
            if (col[ch] == (int)k &&
                !hf_panel_add_legend(s, p, m->chan[ch]->name, hf_ink_of(HF_ROLE_CHANNEL, (int)k),
                                     HF_LEGEND_FILL))
                return -1;
    if (other &&
        !hf_panel_add_legend(s, p, "other channels", hf_ink_of(HF_ROLE_REF, 0), HF_LEGEND_FILL))
        return -1;
    p->legend_pos = HF_LEGPOS_ABOVE;
    p->legend_columns = 2;
    return 0;
}

/* The ratio panel: post-fit and conditional widths over the prior's, threshold and 1. */
static int
con_ratios(hf_scene *s, hf_panel *q, const hf_constraints *c, const size_t *order, size_t n,
           const double *yv, double threshold)
{
    double *rv = malloc((2 * n + 1) * sizeof(double)), *cv = rv ? rv + n : NULL, rmax = 1.05;
    if (rv == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const hf_constraints_par *e = &c->p[order[i]];
        rv[i] = e->ratio;
        cv[i] = e->conditional_sigma / e->prefit_sigma;
        if (isfinite(rv[i]))
            rmax = fmax(rmax, rv[i] * 1.05);
        if (isfinite(cv[i]))
            rmax = fmax(rmax, cv[i] * 1.05);
    }
    int rc = -1;
    if (hf_panel_set_axis(s, &q->x, 0, rmax, false, SIGMA " / " SIGMA "\xe2\x82\x80") < 0 ||
        hf_panel_set_axis(s, &q->y, -0.7, (double)n - 0.3, false, NULL) < 0 ||
        hf_panel_axis_ticks(s, &q->y, n, yv, NULL) < 0 ||
        !hf_panel_add_rule(s, q, true, 1, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DASHED) ||
        (threshold > 0 &&
         !hf_panel_add_rule(s, q, true, threshold, hf_ink_of(HF_ROLE_ACCENT, 0), HF_DASH_DOTTED)) ||
        !hf_panel_add_points(s, q, n, cv, yv, NULL, NULL, NULL, NULL, HF_MARKER_DIAMOND,
                             hf_ink_of(HF_ROLE_ACCENT, 0)) ||
        !hf_panel_add_points(s, q, n, rv, yv, NULL, NULL, NULL, NULL, HF_MARKER_CIRCLE,
                             hf_ink_of(HF_ROLE_DATA, 0)))
        goto out;
    q->y.categories = true;
    q->y.hide_labels = true;
    rc = 0;
out:
    free(rv);
    return rc;
}

hf_scene *
hf_plot_syst_constraints(const hf_model *m, const hf_constraints *c, size_t top, double threshold,
                         hf_error *err)
{
    size_t n = top == 0 ? 20 : top;
    if (n > c->n)
        n = c->n;
    if (n == 0) {
        hf_error_set(err, HF_EUSAGE, "", "no constrained parameter");
        return NULL;
    }
    double *key = calloc(2 * c->n, sizeof(*key));
    size_t *order = calloc(c->n, sizeof(*order));
    double *yv = malloc((n + 1) * sizeof(*yv));
    const char **lab = malloc(n * sizeof(*lab));
    int *col = malloc((m->nchan + 1) * sizeof(*col));
    hf_scene *s = NULL;
    if (key == NULL || order == NULL || yv == NULL || lab == NULL || col == NULL)
        goto nomem;
    for (size_t i = 0; i < c->n; i++) {
        key[2 * i] = c->p[i].ratio;
        key[2 * i + 1] = (double)i;
    }
    qsort(key, c->n, 2 * sizeof(double), by_ratio);
    for (size_t i = 0; i < c->n; i++)
        order[i] = (size_t)key[2 * i + 1];
    for (size_t i = 0; i < n; i++) {
        yv[i] = (double)(n - 1 - i);
        lab[i] = m->par[c->p[order[i]].par].name;
    }
    size_t ncol = con_channels(c, order, n, col);
    bool other = ncol < m->nchan;
    size_t nleg = 5 + ncol + other, legrows = (nleg + 1) / 2;
    double head = 0.55 + 0.17 * (double)legrows, height = 0.24 * (double)n + 0.6 + head;
    s = hf_scene_new(HF_SCENE_DOUBLE_COLUMN, height);
    char *title =
        s ? hf_scene_printf(s, "Constraints: observed information (top %zu of %zu)", n, c->n)
          : NULL;
    if (title == NULL || hf_scene_set_title(s, title) < 0 ||
        hf_scene_set_outline(s, "Constraints", 0) < 0)
        goto nomem;
    hf_panel *p = hf_scene_add_panel(s, 0, head / height, 0.74, 1);
    hf_panel *q = hf_scene_add_panel(s, 0.74, head / height, 1, 1);
    double lo = 0, hi = 1;
    if (p == NULL || q == NULL ||
        hf_panel_set_axis(s, &p->y, -0.7, (double)n - 0.3, false, NULL) < 0 ||
        hf_panel_axis_ticks(s, &p->y, n, yv, lab) < 0)
        goto nomem;
    p->y.categories = true;
    if (!hf_panel_add_rule(s, p, true, 0, hf_ink_of(HF_ROLE_FG, 0), HF_DASH_SOLID))
        goto nomem;
    for (size_t i = 0; i < n; i++)
        if (con_row(s, p, c, order[i], yv[i], col, &lo, &hi) < 0)
            goto nomem;
    if (hf_panel_set_axis(s, &p->x, lo < 0 ? lo - 0.02 : 0, hi > 1.0001 ? hi + 0.02 : 1, false,
                          "share of H\xe2\xb1\xbc\xe2\xb1\xbc (the Hessian diagonal)") < 0 ||
        con_legend(s, p, m, col, ncol, other) < 0 ||
        con_ratios(s, q, c, order, n, yv, threshold) < 0)
        goto nomem;
    free(key);
    free(order);
    free(yv);
    free(lab);
    free(col);
    return s;
nomem:
    free(key);
    free(order);
    free(yv);
    free(lab);
    free(col);
    return fail(s, err);
}
