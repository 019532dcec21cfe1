/* render/plot_density.c - the density lab's figures (see plot_density.h). Every figure has a
 * title, labelled axes, a legend and a one-line caption that says how to read it. */
#include "render/plot_density.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/axis.h"

#define W_IN         7.0
#define H_IN         4.1
#define PANEL_BOTTOM 0.875 /* panels above, the caption below */

/* UTF-8 pieces used in labels */
#define SIGMA          "\xce\xa3"
#define MINUS          "\xe2\x88\x92"
#define INF            "\xe2\x88\x9e"
#define ARROW          "\xe2\x86\x92"
#define SQUARED        "\xc2\xb2"
#define TIMES          "\xc3\x97"
#define APPROX         "\xe2\x89\x88"
#define PLUSMINUS_TEXT "\xc2\xb1"

const char *
hf_plot_density_name(hf_density_figure f)
{
    static const char *const names[] = {"mse", "decomposition", "bandwidth", "example"};
    return (unsigned)f < HF_DENSITY_FIG_COUNT ? names[f] : "?";
}

static const char *
rule_text(hf_scene *s, const hf_density_result *r)
{
    if (r->rule == HF_KDE_FIXED)
        return hf_scene_printf(s, "h = %g", r->bw_value);
    if (r->bw_value != 1.0)
        return hf_scene_printf(s, "%s " TIMES " %g", hf_kde_rule_name(r->rule), r->bw_value);
    return hf_kde_rule_name(r->rule);
}

/* The caption: a frameless panel along the bottom with two lines of text. */
static int
add_caption(hf_scene *s, const char *line1, const char *line2)
{
    hf_panel *p = hf_scene_add_panel(s, 0, PANEL_BOTTOM, 1, 1);
    if (p == NULL || line1 == NULL || line2 == NULL)
        return -1;
    p->frame = false;
    p->x.hidden = true;
    p->y.hidden = true;
    return hf_panel_add_text(s, p, HF_COORD_AXES, 0.0, 0.75, line1, HF_HALIGN_LEFT,
                             HF_VALIGN_MIDDLE, HF_TEXT_SMALL) &&
                   hf_panel_add_text(s, p, HF_COORD_AXES, 0.0, 0.25, line2, HF_HALIGN_LEFT,
                                     HF_VALIGN_MIDDLE, HF_TEXT_SMALL)
               ? 0
               : -1;
}

/* Top of a log axis from y0 such that ymax sits at `frac` of the height. */
static double
headroom(double y0, double ymax, double frac)
{
    return y0 * pow(ymax / y0, 1.0 / frac);
}

/* Log range covering [lo, hi] (positive values), widened to whole decades. */
static void
log_range(double lo, double hi, double *a, double *b)
{
    if (!(lo > 0))
        lo = hi > 0 ? hi * 1e-3 : 1e-6;
    if (!(hi > lo))
        hi = lo * 10;
    *a = lo / 1.5;
    *b = hi * 1.5;
    hf_axis_nice_range(a, b, true, 5);
}

static hf_legend_entry *
legend(hf_scene *s, hf_panel *p, const char *label, hf_ink ink, hf_legend_kind kind, hf_dash dash,
       hf_marker marker)
{
    hf_legend_entry *e = hf_panel_add_legend(s, p, label, ink, kind);
    if (e != NULL) {
        e->dash = dash;
        e->marker = marker;
    }
    return e;
}

/* Left: MSE against M, log-log. Right: amplification against M. */
static int
fig_mse(hf_scene *s, const hf_density_truth *t, const hf_density_result *r)
{
    size_t nd = r->ndraws;
    double n = (double)r->n;
    double *x = hf_arena_array(&s->arena, nd + 2, sizeof(double));
    double *y = hf_arena_array(&s->arena, nd + 2, sizeof(double));
    double *ey = hf_arena_array(&s->arena, nd + 2, sizeof(double));
    double *f = hf_arena_array(&s->arena, nd + 2, sizeof(double));
    double *ef = hf_arena_array(&s->arena, nd + 2, sizeof(double));
    if (x == NULL || y == NULL || ey == NULL || f == NULL || ef == NULL)
        return -1;
    double ymin = r->kde_mse, ymax = r->hist_mse;
    double xmin = fmin(n, nd ? r->draw[0].draws : n), xmax = fmax(n, r->plateau_draws);
    for (size_t m = 0; m < nd; m++) {
        x[m] = r->draw[m].draws;
        y[m] = r->draw[m].mse;
        ey[m] = r->draw[m].mse_err;
        f[m] = r->draw[m].factor;
        ef[m] = r->draw[m].factor_err;
        ymin = fmin(ymin, y[m]);
        ymax = fmax(ymax, y[m]);
        xmax = fmax(xmax, x[m]);
        xmin = fmin(xmin, x[m]);
    }
    double neq = r->kde_factor * n;
    xmax = fmax(xmax, neq);
    double x0, x1, y0, y1;
    log_range(xmin, xmax, &x0, &x1);
    log_range(ymin, ymax, &y0, &y1);
    y1 = headroom(y0, ymax, 0.6); /* the data in the lower 60%, the legend above */

    if (hf_scene_set_title(
            s, hf_scene_printf(s, "Generated vs. true events: %s", hf_density_truth_name(t))) < 0)
        return -1;
    hf_panel *p = hf_scene_add_panel(s, 0, 0, 0.6, PANEL_BOTTOM);
    if (p == NULL ||
        hf_panel_set_axis(s, &p->x, x0, x1, true, "number of events (true n, or generated M)") <
            0 ||
        hf_panel_set_axis(s, &p->y, y0, y1, true,
                          "integrated MSE  " SIGMA " (estimate " MINUS " p)" SQUARED) < 0 ||
        hf_panel_set_title(s, p,
                           hf_scene_printf(s, "n = %zu training events, %zu bins, %zu repetitions",
                                           r->n, r->bins, r->reps)) < 0)
        return -1;
    p->grid = true;
    hf_ink ref = hf_ink_of(HF_ROLE_REF, 0), kde = hf_ink_of(HF_ROLE_SERIES, 1);
    hf_ink gen = hf_ink_of(HF_ROLE_SERIES, 0), hist = hf_ink_of(HF_ROLE_SERIES, 2);
    /* the histogram of N true events: sum p(1-p)/N, a straight line */
    double lx[64], ly[64];
    double lstart = fmax(x0, r->sum_pq / (ymax * 1.5)); /* keep the legend's corner free */
    for (int i = 0; i < 64; i++) {
        lx[i] = lstart * pow(x1 / lstart, i / 63.0);
        ly[i] = r->sum_pq / lx[i];
    }
    hf_item *it = hf_panel_add_line(s, p, 64, lx, ly, hist, HF_DASH_DASHED);
    if (it == NULL)
        return -1;
    /* the KDE itself: the plateau, with its error band */
    if (hf_panel_add_span(s, p, false, r->kde_mse - r->kde_mse_err, r->kde_mse + r->kde_mse_err,
                          kde) == NULL)
        return -1;
    it = hf_panel_add_rule(s, p, false, r->kde_mse, kde, HF_DASH_SOLID);
    if (it == NULL)
        return -1;
    /* the plateau, labelled at the right end */
    if (!hf_panel_add_text(s, p, HF_COORD_DATA, x1 / 1.3, r->kde_mse * 1.3, "plateau: KDE error",
                           HF_HALIGN_RIGHT, HF_VALIGN_BOTTOM, HF_TEXT_SMALL))
        return -1;
    /* n_equiv: where the plateau meets the true-events line (= where the plateau starts) */
    if (neq > x0 && neq < x1) {
        double ex = neq, eyv = r->kde_mse;
        if (!hf_panel_add_points(s, p, 1, &ex, &eyv, NULL, NULL, NULL, NULL, HF_MARKER_DIAMOND,
                                 kde) ||
            !hf_panel_add_text(s, p, HF_COORD_DATA, neq * 1.2, r->kde_mse * 0.8,
                               hf_scene_printf(s, "worth %.0f true events", neq), HF_HALIGN_LEFT,
                               HF_VALIGN_TOP, HF_TEXT_SMALL))
            return -1;
    }
    /* the training histogram itself */
    double hx = n, hy = r->hist_mse, he = r->hist_mse_err;
    if (!hf_panel_add_points(s, p, 1, &hx, &hy, NULL, NULL, &he, &he, HF_MARKER_SQUARE, hist))
        return -1;
    it = hf_panel_add_line(s, p, nd, x, y, gen, HF_DASH_SOLID);
    if (it == NULL ||
        !hf_panel_add_points(s, p, nd, x, y, NULL, NULL, ey, ey, HF_MARKER_CIRCLE, gen))
        return -1;
    if (!legend(s, p, "histogram of M generated events", gen, HF_LEGEND_MARKER, HF_DASH_SOLID,
                HF_MARKER_CIRCLE) ||
        !legend(s, p, "KDE itself (M " ARROW " " INF ") " PLUSMINUS_TEXT " error", kde,
                HF_LEGEND_LINE, HF_DASH_SOLID, HF_MARKER_NONE) ||
        !legend(s, p, "histogram of N true events: " SIGMA " p(1" MINUS "p)/N", hist,
                HF_LEGEND_LINE, HF_DASH_DASHED, HF_MARKER_NONE) ||
        !legend(s, p, "the n training events (measured)", hist, HF_LEGEND_MARKER, HF_DASH_SOLID,
                HF_MARKER_SQUARE))
        return -1;
    p->legend_pos = HF_LEGPOS_TOP_RIGHT;

    /* right: amplification */
    double fmaxv = fmax(1.0, r->kde_factor + r->kde_factor_err);
    for (size_t m = 0; m < nd; m++)
        fmaxv = fmax(fmaxv, f[m] + ef[m]);
    hf_panel *q = hf_scene_add_panel(s, 0.6, 0, 1, PANEL_BOTTOM);
    double fx0, fx1;
    log_range(nd ? x[0] : 1, nd ? x[nd - 1] : 10, &fx0, &fx1);
    if (q == NULL || hf_panel_set_axis(s, &q->x, fx0, fx1, true, "generated events M") < 0 ||
        hf_panel_set_axis(s, &q->y, 0, fmaxv * 1.3, false, "amplification  n_equiv / n") < 0 ||
        hf_panel_set_title(s, q, "amplification vs. M") < 0)
        return -1;
    q->grid = true;
    /* labels 4% of the (log) axis in from its left end, clear of the axis and its ticks */
    double tx = fx0 * pow(fx1 / fx0, 0.04);
    it = hf_panel_add_rule(s, q, false, 1.0, ref, HF_DASH_DASHED);
    if (it == NULL ||
        !hf_panel_add_text(s, q, HF_COORD_DATA, tx, 1.0, "no gain (= n true events)",
                           HF_HALIGN_LEFT, HF_VALIGN_BOTTOM, HF_TEXT_SMALL) ||
        !hf_panel_add_rule(s, q, false, r->kde_factor, kde, HF_DASH_SOLID) ||
        !hf_panel_add_text(s, q, HF_COORD_DATA, tx, r->kde_factor,
                           hf_scene_printf(s, "M " ARROW " " INF ": %.2f", r->kde_factor),
                           HF_HALIGN_LEFT, HF_VALIGN_BOTTOM, HF_TEXT_SMALL))
        return -1;
    it = hf_panel_add_line(s, q, nd, x, f, gen, HF_DASH_SOLID);
    if (it == NULL ||
        !hf_panel_add_points(s, q, nd, x, f, NULL, NULL, ef, ef, HF_MARKER_CIRCLE, gen))
        return -1;
    return add_caption(s,
                       "More generated events M remove only sampling noise: the error levels off "
                       "at the KDE's own error.",
                       hf_scene_printf(s,
                                       "Amplification = (true events with the same error) / n. "
                                       "KDE bandwidth: %s.",
                                       rule_text(s, r)));
}

/* Left: the MSE of generated histograms split into its parts. Right: per-bin bias and spread. */
static int
fig_decomposition(hf_scene *s, const hf_density_truth *t, const hf_density_result *r)
{
    size_t nd = r->ndraws;
    double *x = hf_arena_array(&s->arena, nd + 1, sizeof(double));
    double *y = hf_arena_array(&s->arena, nd + 1, sizeof(double));
    double *ey = hf_arena_array(&s->arena, nd + 1, sizeof(double));
    double *sv = hf_arena_array(&s->arena, nd + 1, sizeof(double));
    if (x == NULL || y == NULL || ey == NULL || sv == NULL)
        return -1;
    double ymin = fmax(r->bias2, 1e-12), ymax = r->kde_mse;
    ymin = fmin(ymin, r->train_variance);
    for (size_t m = 0; m < nd; m++) {
        x[m] = r->draw[m].draws;
        y[m] = r->draw[m].mse;
        ey[m] = r->draw[m].mse_err;
        sv[m] = r->draw[m].sampling_variance;
        ymax = fmax(ymax, y[m]);
        if (sv[m] > 0)
            ymin = fmin(ymin, sv[m]);
    }
    double x0, x1, y0, y1;
    log_range(nd ? x[0] : 1, nd ? x[nd - 1] : 10, &x0, &x1);
    log_range(ymin, ymax, &y0, &y1);
    y1 = headroom(y0, ymax, 0.6);
    if (hf_scene_set_title(s, hf_scene_printf(s, "Error budget of generated histograms: %s",
                                              hf_density_truth_name(t))) < 0)
        return -1;
    hf_panel *p = hf_scene_add_panel(s, 0, 0, 0.55, PANEL_BOTTOM);
    if (p == NULL || hf_panel_set_axis(s, &p->x, x0, x1, true, "generated events M") < 0 ||
        hf_panel_set_axis(s, &p->y, y0, y1, true, "contribution to the integrated MSE") < 0 ||
        hf_panel_set_title(s, p, "MSE(M) = bias" SQUARED " + training var. + sampling var.") < 0)
        return -1;
    p->grid = true;
    hf_ink tot = hf_ink_of(HF_ROLE_FG, 0), bias = hf_ink_of(HF_ROLE_SERIES, 5);
    hf_ink var = hf_ink_of(HF_ROLE_SERIES, 4), samp = hf_ink_of(HF_ROLE_SERIES, 0);
    hf_ink kde = hf_ink_of(HF_ROLE_SERIES, 1);
    hf_item *it;
    if (r->bias2 > 0 && !hf_panel_add_rule(s, p, false, r->bias2, bias, HF_DASH_DASHED))
        return -1;
    if (!hf_panel_add_rule(s, p, false, r->train_variance, var, HF_DASH_DOTTED) ||
        !hf_panel_add_rule(s, p, false, r->kde_mse, kde, HF_DASH_SOLID))
        return -1;
    it = hf_panel_add_line(s, p, nd, x, sv, samp, HF_DASH_SOLID);
    if (it == NULL ||
        !hf_panel_add_points(s, p, nd, x, sv, NULL, NULL, NULL, NULL, HF_MARKER_TRIANGLE, samp))
        return -1;
    it = hf_panel_add_line(s, p, nd, x, y, tot, HF_DASH_SOLID);
    if (it == NULL ||
        !hf_panel_add_points(s, p, nd, x, y, NULL, NULL, ey, ey, HF_MARKER_CIRCLE, tot))
        return -1;
    if (!legend(s, p, "total MSE", tot, HF_LEGEND_MARKER, HF_DASH_SOLID, HF_MARKER_CIRCLE) ||
        !legend(s, p, "sampling variance " APPROX " " SIGMA " q(1" MINUS "q)/M", samp,
                HF_LEGEND_MARKER, HF_DASH_SOLID, HF_MARKER_TRIANGLE) ||
        !legend(s, p, "KDE error = bias" SQUARED " + training var.", kde, HF_LEGEND_LINE,
                HF_DASH_SOLID, HF_MARKER_NONE) ||
        !legend(s, p,
                hf_scene_printf(s, "bias" SQUARED " of the KDE%s",
                                r->bias2 > 0 ? "" : " (" APPROX " 0, off scale)"),
                bias, HF_LEGEND_LINE, HF_DASH_DASHED, HF_MARKER_NONE) ||
        !legend(s, p, "training variance", var, HF_LEGEND_LINE, HF_DASH_DOTTED, HF_MARKER_NONE))
        return -1;
    p->legend_pos = HF_LEGPOS_TOP_RIGHT;

    /* right: per bin, mean KDE bin content minus truth, with the training spread */
    size_t B = r->bins;
    double *edges = hf_arena_array(&s->arena, B + 1, sizeof(double));
    double *d = hf_arena_array(&s->arena, B, sizeof(double));
    double *lo = hf_arena_array(&s->arena, B, sizeof(double));
    double *hi = hf_arena_array(&s->arena, B, sizeof(double));
    double *hl = hf_arena_array(&s->arena, B, sizeof(double));
    double *hh = hf_arena_array(&s->arena, B, sizeof(double));
    if (edges == NULL || d == NULL || lo == NULL || hi == NULL || hl == NULL || hh == NULL)
        return -1;
    double amax = 0;
    for (size_t b = 0; b <= B; b++)
        edges[b] = r->lo + (r->hi - r->lo) * (double)b / (double)B;
    for (size_t b = 0; b < B; b++) {
        double sd = sqrt(r->q_var[b]), sh = sqrt(r->p[b] * (1 - r->p[b]) / (double)r->n);
        d[b] = r->q_mean[b] - r->p[b];
        lo[b] = d[b] - sd;
        hi[b] = d[b] + sd;
        hl[b] = -sh;
        hh[b] = sh;
        amax = fmax(amax, fmax(fabs(lo[b]), fmax(fabs(hi[b]), sh)));
    }
    if (!(amax > 0))
        amax = 1e-3;
    hf_panel *q = hf_scene_add_panel(s, 0.55, 0, 1, PANEL_BOTTOM);
    if (q == NULL || hf_panel_set_axis(s, &q->x, r->lo, r->hi, false, "x") < 0 ||
        hf_panel_set_axis(s, &q->y, -amax * 1.15, amax * 2.6, false,
                          "bin probability " MINUS " truth") < 0 ||
        hf_panel_set_title(s, q, "per bin: bias and spread") < 0)
        return -1;
    q->grid = true;
    hf_ink hist = hf_ink_of(HF_ROLE_SERIES, 2);
    if (!hf_panel_add_band(s, q, B, true, edges, hl, hh, HF_FILL_HATCH, hist) ||
        !hf_panel_add_band(s, q, B, true, edges, lo, hi, HF_FILL_SHADE, var) ||
        !hf_panel_add_rule(s, q, false, 0.0, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DASHED))
        return -1;
    it = hf_panel_add_hist(s, q, B, edges, d, bias);
    if (it == NULL)
        return -1;
    it->width = HF_WIDTH_THICK;
    if (!legend(s, q, "KDE bias (mean)", bias, HF_LEGEND_LINE, HF_DASH_SOLID, HF_MARKER_NONE) ||
        !legend(s, q, "KDE " PLUSMINUS_TEXT " 1 sd (training sets)", var, HF_LEGEND_SHADE,
                HF_DASH_SOLID, HF_MARKER_NONE) ||
        !legend(s, q, "true-event histogram " PLUSMINUS_TEXT " 1 sd", hist, HF_LEGEND_HATCH,
                HF_DASH_SOLID, HF_MARKER_NONE))
        return -1;
    q->legend_pos = HF_LEGPOS_TOP_RIGHT;
    return add_caption(s,
                       "Sampling variance falls as 1/M; bias" SQUARED " and training variance "
                       "stay: they are fixed once the KDE is trained.",
                       hf_scene_printf(s,
                                       "Right: mean KDE bias per bin and its spread over "
                                       "training sets (n = %zu, KDE %s).",
                                       r->n, rule_text(s, r)));
}

/* Left: amplification (M -> inf) against the bandwidth, rules marked. Right: against bins. */
static int
fig_bandwidth(hf_scene *s, const hf_density_truth *t, const hf_density_result *r)
{
    size_t ns = r->nscales, nb = r->nbinnings;
    double *x = hf_arena_array(&s->arena, ns + 1, sizeof(double));
    double *f = hf_arena_array(&s->arena, ns + 1, sizeof(double));
    double *ef = hf_arena_array(&s->arena, ns + 1, sizeof(double));
    double *bx = hf_arena_array(&s->arena, nb + 1, sizeof(double));
    double *bf = hf_arena_array(&s->arena, nb + 1, sizeof(double));
    double *bef = hf_arena_array(&s->arena, nb + 1, sizeof(double));
    if (x == NULL || f == NULL || ef == NULL || bx == NULL || bf == NULL || bef == NULL)
        return -1;
    double fmaxv = 1.0, xmin = INFINITY, xmax = -INFINITY;
    for (size_t i = 0; i < ns; i++) {
        x[i] = r->scan[i].h;
        f[i] = r->scan[i].factor;
        ef[i] = r->scan[i].factor_err;
        fmaxv = fmax(fmaxv, f[i] + ef[i]);
        xmin = fmin(xmin, x[i]);
        xmax = fmax(xmax, x[i]);
    }
    for (int k = 0; k < 3; k++)
        if (isfinite(r->rule_h[k])) {
            xmin = fmin(xmin, r->rule_h[k]);
            xmax = fmax(xmax, r->rule_h[k]);
        }
    if (!(xmax > xmin)) {
        xmin = r->h_mean / 2;
        xmax = r->h_mean * 2;
    }
    double x0 = xmin / 1.3, x1 = xmax * 1.3;
    if (hf_scene_set_title(s, hf_scene_printf(s, "Amplification vs. bandwidth and binning: %s",
                                              hf_density_truth_name(t))) < 0)
        return -1;
    hf_panel *p = hf_scene_add_panel(s, 0, 0, 0.6, PANEL_BOTTOM);
    if (p == NULL ||
        hf_panel_set_axis(s, &p->x, x0, x1, true, "KDE bandwidth h (mean over reps)") < 0 ||
        hf_panel_set_axis(s, &p->y, 0, fmaxv * 1.75, false, "amplification  n_equiv / n") < 0 ||
        hf_panel_set_title(
            s, p,
            hf_scene_printf(s, "n = %zu, %zu bins, KDE bin integrals (M " ARROW " " INF ")", r->n,
                            r->bins)) < 0)
        return -1;
    p->grid = true;
    hf_ink ref = hf_ink_of(HF_ROLE_REF, 0), main = hf_ink_of(HF_ROLE_SERIES, 0);
    if (!hf_panel_add_rule(s, p, false, 1.0, ref, HF_DASH_DASHED) ||
        !hf_panel_add_text(s, p, HF_COORD_DATA, x0 * pow(x1 / x0, 0.04), 1.0, "no gain",
                           HF_HALIGN_LEFT, HF_VALIGN_BOTTOM, HF_TEXT_SMALL))
        return -1;
    static const hf_dash dash[3] = {HF_DASH_DOTTED, HF_DASH_DASHED, HF_DASH_SOLID};
    for (int k = 0; k < 3; k++) {
        if (!isfinite(r->rule_h[k]))
            continue;
        static const int colour[3] = {8, 4, 5};
        hf_ink ink = hf_ink_of(HF_ROLE_SERIES, colour[k]);
        /* a marker line that stops below the legend */
        double lxs[2] = {r->rule_h[k], r->rule_h[k]}, lys[2] = {0, fmaxv * 1.08};
        hf_item *it = hf_panel_add_line(s, p, 2, lxs, lys, ink, dash[k]);
        if (it == NULL || !legend(s, p,
                                  hf_scene_printf(s, "%s rule: h = %.3g",
                                                  hf_kde_rule_name((hf_kde_rule)k), r->rule_h[k]),
                                  ink, HF_LEGEND_LINE, dash[k], HF_MARKER_NONE))
            return -1;
    }
    if (!hf_panel_add_line(s, p, ns, x, f, main, HF_DASH_SOLID) ||
        !hf_panel_add_points(s, p, ns, x, f, NULL, NULL, ef, ef, HF_MARKER_CIRCLE, main) ||
        !legend(s, p, hf_scene_printf(s, "KDE with h = (%s) " TIMES " scale", rule_text(s, r)),
                main, HF_LEGEND_MARKER, HF_DASH_SOLID, HF_MARKER_CIRCLE))
        return -1;
    p->legend_pos = HF_LEGPOS_TOP_RIGHT;

    double bmax = 1.0, bmin = INFINITY, bhi = 0;
    for (size_t i = 0; i < nb; i++) {
        bx[i] = (double)r->binning[i].bins;
        bf[i] = r->binning[i].factor;
        bef[i] = r->binning[i].factor_err;
        bmax = fmax(bmax, bf[i] + bef[i]);
        bmin = fmin(bmin, bx[i]);
        bhi = fmax(bhi, bx[i]);
    }
    if (!(bhi > bmin)) {
        bmin = (double)r->bins / 2;
        bhi = (double)r->bins * 2;
    }
    hf_panel *q = hf_scene_add_panel(s, 0.6, 0, 1, PANEL_BOTTOM);
    if (q == NULL ||
        hf_panel_set_axis(s, &q->x, bmin / 1.4, bhi * 1.4, true, "number of bins") < 0 ||
        hf_panel_set_axis(s, &q->y, 0, bmax * 1.25, false, "amplification  n_equiv / n") < 0 ||
        hf_panel_set_title(s, q, "same KDE, other binnings") < 0)
        return -1;
    q->grid = true;
    if (!hf_panel_add_rule(s, q, false, 1.0, ref, HF_DASH_DASHED) ||
        !hf_panel_add_line(s, q, nb, bx, bf, main, HF_DASH_SOLID) ||
        !hf_panel_add_points(s, q, nb, bx, bf, NULL, NULL, bef, bef, HF_MARKER_SQUARE, main))
        return -1;
    return add_caption(s,
                       "Above 1 the KDE beats a histogram of its own n training events. Too wide "
                       "a kernel adds bias,",
                       "too narrow keeps the noise. Vertical lines: mean bandwidth of each rule. "
                       "Right: other binnings.");
}

/* Truth, training histogram, KDE and a generated histogram of one repetition, as densities. */
static int
fig_example(hf_scene *s, const hf_density_truth *t, const hf_density_result *r,
            const hf_density_example *ex)
{
    if (ex == NULL)
        return -1;
    size_t B = ex->bins, NP = 400;
    double w = (ex->hi - ex->lo) / (double)B;
    double *edges = hf_arena_array(&s->arena, B + 1, sizeof(double));
    double *tr = hf_arena_array(&s->arena, B, sizeof(double));
    double *gen = hf_arena_array(&s->arena, B, sizeof(double));
    double *cx = hf_arena_array(&s->arena, NP, sizeof(double));
    double *ct = hf_arena_array(&s->arena, NP, sizeof(double));
    double *ck = hf_arena_array(&s->arena, NP, sizeof(double));
    double *ty = hf_arena_array(&s->arena, B, sizeof(double));
    if (edges == NULL || tr == NULL || gen == NULL || cx == NULL || ct == NULL || ck == NULL ||
        ty == NULL)
        return -1;
    double ymax = 0;
    for (size_t b = 0; b <= B; b++)
        edges[b] = ex->lo + w * (double)b;
    for (size_t b = 0; b < B; b++) {
        tr[b] = ex->train[b] / w;
        gen[b] = ex->generated[b] / w;
        ty[b] = ex->truth[b] / w;
        ymax = fmax(ymax, fmax(tr[b], fmax(gen[b], ty[b])));
    }
    for (size_t i = 0; i < NP; i++) {
        /* sample points just inside the range so step edges of a binned truth show */
        cx[i] = ex->lo + (ex->hi - ex->lo) * ((double)i + 0.5) / (double)NP;
        ct[i] = hf_density_truth_pdf(t, cx[i]);
        ck[i] = hf_kde_pdf(&ex->kde_fn, cx[i]);
        ymax = fmax(ymax, fmax(ct[i], ck[i]));
    }
    if (hf_scene_set_title(s, hf_scene_printf(s, "One training set and what is made from it: %s",
                                              hf_density_truth_name(t))) < 0)
        return -1;
    hf_panel *p = hf_scene_add_panel(s, 0, 0, 1, PANEL_BOTTOM);
    if (p == NULL || hf_panel_set_axis(s, &p->x, ex->lo, ex->hi, false, "x") < 0 ||
        hf_panel_set_axis(s, &p->y, 0, ymax * 1.75, false, "probability density") < 0 ||
        hf_panel_set_title(s, p,
                           hf_scene_printf(s,
                                           "repetition 1 of %zu: n = %zu true events, KDE h = "
                                           "%.3g, M = %.0f generated events",
                                           r->reps, ex->n, ex->h, ex->draws)) < 0)
        return -1;
    hf_ink truth = hf_ink_of(HF_ROLE_FG, 0), trn = hf_ink_of(HF_ROLE_SERIES, 2);
    hf_ink kde = hf_ink_of(HF_ROLE_SERIES, 1), g = hf_ink_of(HF_ROLE_SERIES, 0);
    hf_item *it = hf_panel_add_hist(s, p, B, edges, tr, trn);
    if (it == NULL)
        return -1;
    it->width = HF_WIDTH_THICK;
    it = hf_panel_add_hist(s, p, B, edges, gen, g);
    if (it == NULL)
        return -1;
    it->dash = HF_DASH_DASHED;
    it->width = HF_WIDTH_THICK;
    it = hf_panel_add_line(s, p, NP, cx, ck, kde, HF_DASH_SOLID);
    if (it == NULL)
        return -1;
    it->width = HF_WIDTH_THICK;
    it = hf_panel_add_line(s, p, NP, cx, ct, truth, HF_DASH_DOTTED);
    if (it == NULL)
        return -1;
    it->width = HF_WIDTH_THICK;
    if (!legend(s, p, "truth", truth, HF_LEGEND_LINE, HF_DASH_DOTTED, HF_MARKER_NONE) ||
        !legend(s, p, hf_scene_printf(s, "histogram of the n = %zu training events", ex->n), trn,
                HF_LEGEND_LINE, HF_DASH_SOLID, HF_MARKER_NONE) ||
        !legend(s, p, "KDE trained on them", kde, HF_LEGEND_LINE, HF_DASH_SOLID, HF_MARKER_NONE) ||
        !legend(s, p,
                hf_scene_printf(s, "histogram of M = %.0f events sampled from the KDE", ex->draws),
                g, HF_LEGEND_LINE, HF_DASH_DASHED, HF_MARKER_NONE))
        return -1;
    p->legend_pos = HF_LEGPOS_TOP_RIGHT;
    return add_caption(s,
                       "The generated histogram follows the KDE, not the truth: more samples "
                       "cannot undo the smoothing",
                       hf_scene_printf(s, "or the KDE's dependence on its training set. Truth: %s.",
                                       strlen(hf_density_truth_label(t)) <= 50
                                           ? hf_density_truth_label(t)
                                           : hf_density_truth_name(t)));
}

/* A new scene for figure f (see the header). Returns NULL on ENOMEM; caller frees. */
hf_scene *
hf_plot_density(hf_density_figure f, const hf_density_truth *t, const hf_density_result *r,
                const hf_density_example *ex)
{
    hf_scene *s = hf_scene_new(W_IN, H_IN);
    if (s == NULL)
        return NULL;
    int rc = -1;
    switch (f) {
    case HF_DENSITY_FIG_MSE:
        rc = fig_mse(s, t, r);
        break;
    case HF_DENSITY_FIG_DECOMPOSITION:
        rc = fig_decomposition(s, t, r);
        break;
    case HF_DENSITY_FIG_BANDWIDTH:
        rc = fig_bandwidth(s, t, r);
        break;
    case HF_DENSITY_FIG_EXAMPLE:
        rc = fig_example(s, t, r, ex);
        break;
    case HF_DENSITY_FIG_COUNT:
        break;
    }
    if (rc == 0 && hf_scene_set_outline(s, hf_plot_density_name(f), 0) < 0)
        rc = -1;
    if (rc != 0) {
        hf_scene_free(s);
        return NULL;
    }
    return s;
}
