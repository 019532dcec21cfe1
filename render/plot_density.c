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
#define SIGMA_LC       "\xcf\x83"
#define BETA           "\xce\xb2"
#define SQRT           "\xe2\x88\x9a"
#define GEQ            "\xe2\x89\xa5"

const char *
hf_plot_density_name(hf_density_figure f)
{
    static const char *const names[] = {"mse",  "decomposition", "bandwidth", "example",
                                        "cost", "coverage",      "bootstrap"};
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

/* The caption: a frameless panel along the bottom with two lines of text, each whole
 * sentences, so that a line never ends mid-sentence. Line 2 goes in first: a text backend that
 * wraps line 1 onto the rows below it (cells.c) then stops at line 2 and marks the cut with an
 * ellipsis instead of covering line 2. */
static int
add_caption(hf_scene *s, const char *line1, const char *line2)
{
    hf_panel *p = hf_scene_add_panel(s, 0, PANEL_BOTTOM, 1, 1);
    if (p == NULL || line1 == NULL || line2 == NULL)
        return -1;
    p->frame = false;
    p->x.hidden = true;
    p->y.hidden = true;
    return hf_panel_add_text(s, p, HF_COORD_AXES, 0.0, 0.25, line2, HF_HALIGN_LEFT,
                             HF_VALIGN_MIDDLE, HF_TEXT_SMALL) &&
                   hf_panel_add_text(s, p, HF_COORD_AXES, 0.0, 0.75, line1, HF_HALIGN_LEFT,
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

/* Equal bins on [lo, hi]: the bins + 1 edges, NULL on ENOMEM. */
static double *
bin_edges(hf_scene *s, double lo, double hi, size_t bins)
{
    double *e = hf_arena_array(&s->arena, bins + 1, sizeof(double));
    if (e != NULL)
        for (size_t b = 0; b <= bins; b++)
            e[b] = lo + (hi - lo) * (double)b / (double)bins;
    return e;
}

/* n > 1 points from a to b (both > 0), evenly spaced in log: abscissae of a smooth curve. */
static double *
log_grid(hf_scene *s, size_t n, double a, double b)
{
    double *x = hf_arena_array(&s->arena, n, sizeof(double));
    if (x != NULL)
        for (size_t i = 0; i < n; i++)
            x[i] = a * pow(b / a, (double)i / (double)(n - 1));
    return x;
}

/* What to run for the missing part of a figure, centred across the plot area at height y. */
static int
hint(hf_scene *s, hf_panel *p, double y, const char *str)
{
    return hf_panel_add_text(s, p, HF_COORD_AXES, 0.5, y, str, HF_HALIGN_CENTER, HF_VALIGN_MIDDLE,
                             HF_TEXT_NORMAL)
               ? 0
               : -1;
}

/* Left: MSE against M, log-log. Right: amplification against M. */
/* Right panel of fig_mse: the amplification n_equiv / n against the generated events M, with
 * no gain (1) and the KDE's limit (M -> inf) as reference lines. */
static int
mse_amplification(hf_scene *s, const hf_density_result *r, const double *x, const double *f,
                  const double *ef)
{
    size_t nd = r->ndraws;
    hf_ink ref = hf_ink_of(HF_ROLE_REF, 0), kde = hf_ink_of(HF_ROLE_SERIES, 1);
    hf_ink gen = hf_ink_of(HF_ROLE_SERIES, 0);
    hf_item *it;

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
    return 0;
}

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
    hf_ink kde = hf_ink_of(HF_ROLE_SERIES, 1);
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

    if (mse_amplification(s, r, x, f, ef) < 0)
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
    double *edges = bin_edges(s, r->lo, r->hi, B);
    double *d = hf_arena_array(&s->arena, B, sizeof(double));
    double *lo = hf_arena_array(&s->arena, B, sizeof(double));
    double *hi = hf_arena_array(&s->arena, B, sizeof(double));
    double *hl = hf_arena_array(&s->arena, B, sizeof(double));
    double *hh = hf_arena_array(&s->arena, B, sizeof(double));
    if (edges == NULL || d == NULL || lo == NULL || hi == NULL || hl == NULL || hh == NULL)
        return -1;
    double amax = 0;
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
                       "Above 1 the KDE beats a histogram of its n training events. Too wide a "
                       "kernel adds bias; too narrow, noise.",
                       "Vertical lines: the mean bandwidth of each rule. Right: the same KDE with "
                       "other binnings.");
}

/* One repetition's layers as densities on a common grid: the truth, the training histogram,
 * the KDE and the generated histogram, with the largest value over all of them. */
typedef struct example_data {
    size_t B, NP;
    double *edges, *tr, *gen, *ty; /* per bin */
    double *cx, *ct, *ck;          /* truth and KDE curves at NP points */
    double ymax;
} example_data;

static int
example_data_fill(hf_scene *s, const hf_density_truth *t, const hf_density_example *ex,
                  example_data *d)
{
    size_t B = ex->bins, NP = 400;
    double w = (ex->hi - ex->lo) / (double)B;
    d->B = B;
    d->NP = NP;
    d->edges = bin_edges(s, ex->lo, ex->hi, B);
    d->tr = hf_arena_array(&s->arena, B, sizeof(double));
    d->gen = hf_arena_array(&s->arena, B, sizeof(double));
    d->ty = hf_arena_array(&s->arena, B, sizeof(double));
    d->cx = hf_arena_array(&s->arena, NP, sizeof(double));
    d->ct = hf_arena_array(&s->arena, NP, sizeof(double));
    d->ck = hf_arena_array(&s->arena, NP, sizeof(double));
    if (d->edges == NULL || d->tr == NULL || d->gen == NULL || d->ty == NULL || d->cx == NULL ||
        d->ct == NULL || d->ck == NULL)
        return -1;
    d->ymax = 0;
    for (size_t b = 0; b < B; b++) {
        d->tr[b] = ex->train[b] / w;
        d->gen[b] = ex->generated[b] / w;
        d->ty[b] = ex->truth[b] / w;
        d->ymax = fmax(d->ymax, fmax(d->tr[b], fmax(d->gen[b], d->ty[b])));
    }
    for (size_t i = 0; i < NP; i++) {
        /* sample points just inside the range so step edges of a binned truth show */
        d->cx[i] = ex->lo + (ex->hi - ex->lo) * ((double)i + 0.5) / (double)NP;
        d->ct[i] = hf_density_truth_pdf(t, d->cx[i]);
        d->ck[i] = hf_kde_pdf(&ex->kde_fn, d->cx[i]);
        d->ymax = fmax(d->ymax, fmax(d->ct[i], d->ck[i]));
    }
    if (!(d->ymax > 0))
        d->ymax = 1;
    return 0;
}

/* Layer l of the example in panel p (x0..x1, y0..y1 of the figure): the layer's own curve or
 * steps, with the truth as a dotted reference when `ref` (one layer alone; in the small panels
 * two curves in one cell would garble both at terminal resolution). The y range is the data's
 * (all layers share it, so panels compare by eye); no legend: the title names the curves. */
static int
example_panel(hf_scene *s, const hf_density_example *ex, const example_data *d, hf_density_layer l,
              const double box[4], bool xlabel, bool ylabel, bool with_truth)
{
    hf_panel *p = hf_scene_add_panel(s, box[0], box[1], box[2], box[3]);
    with_truth = with_truth && l != HF_DENSITY_LAYER_TRUTH;
    const char *ref = with_truth ? ", truth dotted" : "";
    const char *title =
        l == HF_DENSITY_LAYER_TRUTH ? "truth"
        : l == HF_DENSITY_LAYER_TRAINING
            ? hf_scene_printf(s, "histogram of the n = %zu training events%s", ex->n, ref)
        : l == HF_DENSITY_LAYER_KDE
            ? hf_scene_printf(s, "KDE trained on them, h = %.3g%s", ex->h, ref)
            : hf_scene_printf(s, "histogram of M = %.0f events from the KDE%s", ex->draws, ref);
    if (p == NULL || title == NULL ||
        hf_panel_set_axis(s, &p->x, ex->lo, ex->hi, false, xlabel ? "x" : "") < 0 ||
        hf_panel_set_axis(s, &p->y, 0, d->ymax * 1.08, false, ylabel ? "probability density" : "") <
            0 ||
        hf_panel_set_title(s, p, title) < 0)
        return -1;
    hf_ink truth = hf_ink_of(HF_ROLE_FG, 0), trn = hf_ink_of(HF_ROLE_SERIES, 2);
    hf_ink kde = hf_ink_of(HF_ROLE_SERIES, 1), g = hf_ink_of(HF_ROLE_SERIES, 0);
    hf_item *it = NULL;
    switch (l) {
    case HF_DENSITY_LAYER_TRAINING:
        it = hf_panel_add_hist(s, p, d->B, d->edges, d->tr, trn);
        break;
    case HF_DENSITY_LAYER_KDE:
        it = hf_panel_add_line(s, p, d->NP, d->cx, d->ck, kde, HF_DASH_SOLID);
        break;
    case HF_DENSITY_LAYER_GENERATED:
        it = hf_panel_add_hist(s, p, d->B, d->edges, d->gen, g);
        break;
    default:
        it = hf_panel_add_line(s, p, d->NP, d->cx, d->ct, truth, HF_DASH_SOLID);
        break;
    }
    if (it == NULL)
        return -1;
    it->width = HF_WIDTH_THICK;
    if (with_truth && hf_panel_add_line(s, p, d->NP, d->cx, d->ct, truth, HF_DASH_DOTTED) == NULL)
        return -1;
    return 0;
}

/* Truth, training histogram, KDE and a generated histogram of one repetition, as densities:
 * four small panels on one y range (layer 0) or one of them large. Four curves on top of each
 * other cannot be told apart at terminal resolution. */
static int
fig_example(hf_scene *s, const hf_density_truth *t, const hf_density_result *r,
            const hf_density_example *ex, hf_density_layer layer)
{
    example_data d;
    if (ex == NULL || example_data_fill(s, t, ex, &d) < 0)
        return -1;
    if (hf_scene_set_title(s, hf_scene_printf(s, "One training set and what is made from it: %s",
                                              hf_density_truth_name(t))) < 0)
        return -1;
    if (layer > HF_DENSITY_LAYER_ALL && layer < HF_DENSITY_LAYER_COUNT) {
        const double box[4] = {0, 0, 1, PANEL_BOTTOM};
        if (example_panel(s, ex, &d, layer, box, true, true, true) < 0)
            return -1;
    } else {
        double h = PANEL_BOTTOM / 2;
        for (int k = 0; k < 4; k++) {
            int col = k % 2, row = k / 2;
            const double box[4] = {0.5 * col, h * row, 0.5 * (col + 1), h * (row + 1)};
            if (example_panel(s, ex, &d, (hf_density_layer)(HF_DENSITY_LAYER_TRUTH + k), box,
                              row == 1, false, false) < 0)
                return -1;
        }
    }
    const char *label = hf_density_truth_label(t);
    return add_caption(s,
                       "The generated histogram follows the KDE, not the truth: more samples "
                       "cannot undo the smoothing.",
                       hf_scene_printf(s,
                                       "Nor its dependence on the training set, here repetition "
                                       "1 of %zu. Truth: %s.",
                                       r->reps,
                                       strlen(label) <= 50 ? label : hf_density_truth_name(t)));
}

/* The figure when the experiment has no data for it: the title, a hint where the plot would be,
 * and a caption saying what the figure would show. */
static int
no_data(hf_scene *s, const char *title, const char *str, const char *line1, const char *line2)
{
    hf_panel *p = hf_scene_add_panel(s, 0, 0, 1, PANEL_BOTTOM);
    if (p == NULL || hf_scene_set_title(s, title) < 0)
        return -1;
    p->frame = false;
    p->x.hidden = true;
    p->y.hidden = true;
    return hint(s, p, 0.5, str) < 0 ? -1 : add_caption(s, line1, line2);
}

/* The extent of one strategy's measured points, merged into [*x0, *x1] x [*y0, *y1]. */
static void
cost_extent(const hf_density_cost_point *pt, size_t n, double *x0, double *x1, double *y0,
            double *y1)
{
    for (size_t i = 0; i < n; i++) {
        *x0 = fmin(*x0, pt[i].t);
        *x1 = fmax(*x1, pt[i].t);
        if (pt[i].mse > 0) {
            *y0 = fmin(*y0, pt[i].mse);
            *y1 = fmax(*y1, pt[i].mse);
        }
    }
}

/* One strategy's measured MSE: markers with their standard errors. */
static int
cost_points(hf_scene *s, hf_panel *p, const hf_density_cost_point *pt, size_t n, hf_marker m,
            hf_ink ink)
{
    double *x = hf_arena_array(&s->arena, n + 1, sizeof(double));
    double *y = hf_arena_array(&s->arena, n + 1, sizeof(double));
    double *e = hf_arena_array(&s->arena, n + 1, sizeof(double));
    if (x == NULL || y == NULL || e == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        x[i] = pt[i].t;
        y[i] = pt[i].mse;
        e[i] = pt[i].mse_err;
    }
    return hf_panel_add_points(s, p, n, x, y, NULL, NULL, e, e, m, ink) ? 0 : -1;
}

/* A vertical marker at x from the bottom of the plot up to y (below the legend), named in the
 * legend; nothing when x is off the axis (a crossing that does not exist is NaN). */
static int
vmark(hf_scene *s, hf_panel *p, double x, double y, hf_ink ink, hf_dash dash, const char *label)
{
    if (!(x > p->x.min && x < p->x.max))
        return 0;
    double lx[2] = {x, x}, ly[2] = {p->y.min, y};
    return hf_panel_add_line(s, p, 2, lx, ly, ink, dash) != NULL &&
                   legend(s, p, label, ink, HF_LEGEND_LINE, dash, HF_MARKER_NONE) != NULL
               ? 0
               : -1;
}

/* The caption on the cost axis: where the generative strategy is ahead, and what it gains there
 * at most. */
static int
cost_caption(hf_scene *s, const hf_density_cost *c)
{
    const char *lead = "Lower is better at equal compute t. The generative strategy is";
    if (!isfinite(c->cross_lo))
        return add_caption(s,
                           hf_scene_printf(s, "%s never ahead: it starts late, at t_start.", lead),
                           "It then levels off at its floor, the KDE's error, which simulation "
                           "reaches first.");
    const char *line1 = isfinite(c->cross_hi)
                            ? hf_scene_printf(s, "%s ahead for %.3g s < t < %.3g s only.", lead,
                                              c->cross_lo, c->cross_hi)
                            : hf_scene_printf(s, "%s ahead from t = %.3g s on.", lead, c->cross_lo);
    if (!isfinite(c->max_saving))
        return add_caption(s, line1, "No floor was measured above the noise, so it stays ahead.");
    return add_caption(s, line1,
                       hf_scene_printf(s,
                                       "There it saves at most %.3g s of compute, once (at MSE "
                                       "%.2g); the best speed-up is %.2f" TIMES ".",
                                       c->max_saving, c->saving_mse, c->best_ratio));
}

/* MSE against the compute spent, for simulating true events and for training a KDE on n of them
 * and generating from it. */
static int
fig_cost(hf_scene *s, const hf_density_truth *t, const hf_density_result *r, bool tui)
{
    const char *title =
        hf_scene_printf(s, "Simulate or generate? Equal compute: %s", hf_density_truth_name(t));
    const hf_density_cost *c = r->cost;
    if (c == NULL && tui)
        return no_data(s, title, "press c for the cost axis",
                       "MSE against compute: simulating every event, or simulating n, training "
                       "a KDE and generating from it.",
                       "The cost setting (left/right) says how much cheaper a generated event "
                       "is than a simulated one.");
    if (c == NULL)
        return no_data(
            s, title, "run with --cost-sim and --cost-gen for the cost axis",
            "MSE against compute: simulating every event, or simulating n, training a "
            "KDE and generating from it.",
            "Set with --cost-sim, --cost-gen (seconds per simulated, generated event) and "
            "--cost-train.");
    double xmin = c->t_start, xmax = c->t_start, ymin = c->floor, ymax = c->floor;
    cost_extent(c->sim, c->nsim, &xmin, &xmax, &ymin, &ymax);
    cost_extent(c->gen, c->ngen, &xmin, &xmax, &ymin, &ymax);
    if (isfinite(c->cross_hi))
        xmax = fmax(xmax, c->cross_hi);
    double x0, x1, y0, y1;
    log_range(xmin, xmax, &x0, &x1);
    log_range(ymin, ymax, &y0, &y1);
    y1 = headroom(y0, ymax, 0.55); /* the data in the lower 55%, the legend above */
    if (hf_scene_set_title(s, title) < 0)
        return -1;
    hf_panel *p = hf_scene_add_panel(s, 0, 0, 1, PANEL_BOTTOM);
    if (p == NULL || hf_panel_set_axis(s, &p->x, x0, x1, true, "total compute t (s)") < 0 ||
        hf_panel_set_axis(s, &p->y, y0, y1, true,
                          "integrated MSE  " SIGMA " (estimate " MINUS " p)" SQUARED) < 0 ||
        hf_panel_set_title(s, p,
                           hf_scene_printf(s,
                                           "per event: %.3g s simulated, %.3g s generated; "
                                           "training %.3g s; n = %zu, %zu repetitions",
                                           c->c_sim, c->c_gen, c->c_train, r->n, r->reps)) < 0)
        return -1;
    p->grid = true;
    p->legend_pos = HF_LEGPOS_TOP_RIGHT;
    p->legend_columns = 2;
    hf_ink sim = hf_ink_of(HF_ROLE_SERIES, 2), gen = hf_ink_of(HF_ROLE_SERIES, 0);
    hf_ink kde = hf_ink_of(HF_ROLE_SERIES, 1), ref = hf_ink_of(HF_ROLE_REF, 0);
    /* both closed forms from where they enter the data's range: the legend's corner stays free */
    size_t NP = 200;
    double K = r->sum_pq * c->c_sim, S = c->sampling_coef * c->c_gen, top = ymax * 1.5;
    double *sx = log_grid(s, NP, fmax(x0, K / top), x1);
    double *sy = hf_arena_array(&s->arena, NP, sizeof(double));
    /* the generative curve is smooth in t - t_start, which its first points crowd against */
    double span = x1 - c->t_start;
    double *gx =
        log_grid(s, NP, fmax(top > c->floor ? S / (top - c->floor) : 0, span * 1e-9), span);
    double *gy = hf_arena_array(&s->arena, NP, sizeof(double));
    if (sx == NULL || sy == NULL || gx == NULL || gy == NULL)
        return -1;
    for (size_t i = 0; i < NP; i++) {
        sy[i] = hf_density_cost_sim_mse(c, r->sum_pq, sx[i]);
        gx[i] += c->t_start;
        gy[i] = hf_density_cost_gen_mse(c, gx[i]);
    }
    if (!legend(s, p, "simulation: N = t / c_sim true events", sim, HF_LEGEND_MARKER, HF_DASH_SOLID,
                HF_MARKER_SQUARE) ||
        !legend(s, p, "exact: " SIGMA " p(1" MINUS "p) c_sim / t", sim, HF_LEGEND_LINE,
                HF_DASH_DASHED, HF_MARKER_NONE) ||
        !legend(s, p, "generative: M = (t " MINUS " t_start) / c_gen", gen, HF_LEGEND_MARKER,
                HF_DASH_SOLID, HF_MARKER_CIRCLE) ||
        !legend(s, p, "floor + " SIGMA " q(1" MINUS "q) c_gen / (t " MINUS " t_start)", gen,
                HF_LEGEND_LINE, HF_DASH_SOLID, HF_MARKER_NONE))
        return -1;
    double mark = headroom(y0, ymax, 0.95); /* vertical markers stop below the legend */
    if ((c->floor > 0 && (!hf_panel_add_rule(s, p, false, c->floor, kde, HF_DASH_DASHED) ||
                          !hf_panel_add_text(s, p, HF_COORD_DATA, x1 / 1.3, c->floor * 1.3,
                                             hf_scene_printf(s, "floor: KDE error %.2g", c->floor),
                                             HF_HALIGN_RIGHT, HF_VALIGN_BOTTOM, HF_TEXT_SMALL))) ||
        vmark(s, p, c->t_start, mark, ref, HF_DASH_DOTTED,
              hf_scene_printf(s, "t_start = %.3g s: n simulated, then training", c->t_start)) < 0 ||
        vmark(s, p, c->cross_lo, mark, hf_ink_of(HF_ROLE_SERIES, 4), HF_DASH_DASHED,
              hf_scene_printf(s, "crossover: t = %.3g s", c->cross_lo)) < 0 ||
        vmark(s, p, c->cross_hi, mark, hf_ink_of(HF_ROLE_SERIES, 5), HF_DASH_SOLID,
              hf_scene_printf(s, "simulation wins for good: t = %.3g s", c->cross_hi)) < 0)
        return -1;
    if (!hf_panel_add_line(s, p, NP, sx, sy, sim, HF_DASH_DASHED) ||
        !hf_panel_add_line(s, p, NP, gx, gy, gen, HF_DASH_SOLID) ||
        cost_points(s, p, c->sim, c->nsim, HF_MARKER_SQUARE, sim) < 0 ||
        cost_points(s, p, c->gen, c->ngen, HF_MARKER_CIRCLE, gen) < 0)
        return -1;
    return cost_caption(s, c);
}

/* Bar k of nk in every group g (centred on x = g) up to v[g], as one step band whose gaps are
 * NaN bins; NaN values leave their bar out. */
static int
bars(hf_scene *s, hf_panel *p, size_t ng, const double *v, size_t k, size_t nk, hf_ink ink)
{
    if (ng == 0)
        return 0;
    double w = 0.8 / (double)nk;
    double *e = hf_arena_array(&s->arena, 2 * ng, sizeof(double));
    double *lo = hf_arena_array(&s->arena, 2 * ng, sizeof(double));
    double *hi = hf_arena_array(&s->arena, 2 * ng, sizeof(double));
    if (e == NULL || lo == NULL || hi == NULL)
        return -1;
    for (size_t g = 0; g < ng; g++) {
        e[2 * g] = (double)g - 0.4 + w * (double)k;
        e[2 * g + 1] = e[2 * g] + w;
        lo[2 * g] = 0;
        hi[2 * g] = v[g];
        lo[2 * g + 1] = hi[2 * g + 1] = NAN;
    }
    return hf_panel_add_band(s, p, 2 * ng - 1, true, e, lo, hi, HF_FILL_SOLID, ink) ? 0 : -1;
}

/* k when v is 10^k for a whole k >= 1, else 0. */
static int
decade_of(double v)
{
    double k = round(log10(v));
    return k >= 1 && k < 100 && v == pow(10, k) ? (int)k : 0;
}

/* Ticks at the groups g = 0, 1, ...: the M grid, powers of ten as 10^k (the backends draw a
 * superscript), then M -> inf. */
static int
draws_ticks(hf_scene *s, hf_axis *ax, const hf_density_result *r, size_t ng)
{
    double *x = hf_arena_array(&s->arena, ng + 1, sizeof(double));
    const char **lab = hf_arena_array(&s->arena, ng + 1, sizeof(char *));
    if (x == NULL || lab == NULL)
        return -1;
    for (size_t g = 0; g < ng; g++) {
        int k = g < r->ndraws ? decade_of(r->draw[g].draws) : 0;
        x[g] = (double)g;
        lab[g] = g >= r->ndraws ? INF
                 : k > 0        ? hf_scene_printf(s, "10^%d", k)
                                : hf_scene_printf(s, "%g", r->draw[g].draws);
        if (lab[g] == NULL)
            return -1;
    }
    if (hf_panel_axis_ticks(s, ax, ng, x, lab) < 0)
        return -1;
    for (size_t g = 0; g < r->ndraws; g++) {
        ax->ticks[g].pow10 = decade_of(r->draw[g].draws);
        ax->ticks[g].is_pow10 = ax->ticks[g].pow10 > 0;
    }
    return 0;
}

/* Per M, the share of bins whose +-1 sigma interval covers the truth: naive sqrt(g), the plain
 * bootstrap band, the debiased band; M -> inf for the two bands at the right. */
static int
fig_coverage(hf_scene *s, const hf_density_truth *t, const hf_density_result *r, bool tui)
{
    bool boot = r->boot > 0;
    size_t nd = r->ndraws, ng = nd + (boot ? 1 : 0);
    double *naive = hf_arena_array(&s->arena, ng + 1, sizeof(double));
    double *plain = hf_arena_array(&s->arena, ng + 1, sizeof(double));
    double *deb = hf_arena_array(&s->arena, ng + 1, sizeof(double));
    if (naive == NULL || plain == NULL || deb == NULL)
        return -1;
    for (size_t m = 0; m < nd; m++) {
        naive[m] = r->draw[m].coverage;
        plain[m] = r->draw[m].boot_coverage;
        deb[m] = r->draw[m].debiased_coverage;
    }
    if (boot) {
        naive[nd] = NAN; /* the KDE's bin integrals have no counts to take sqrt of */
        plain[nd] = r->boot_coverage;
        deb[nd] = r->debiased_coverage;
    }
    if (hf_scene_set_title(s, hf_scene_printf(s, "Do the error bars cover the truth? %s",
                                              hf_density_truth_name(t))) < 0)
        return -1;
    hf_panel *p = hf_scene_add_panel(s, 0, 0, 1, PANEL_BOTTOM);
    static const double pct[] = {0, 0.2, 0.4, 0.6, 0.8, 1.0};
    static const char *const pct_label[] = {"0%", "20%", "40%", "60%", "80%", "100%"};
    if (p == NULL ||
        hf_panel_set_axis(s, &p->x, -0.6, (double)ng - 0.4, false,
                          boot ? "generated events M   (" INF ": the KDE's bin integrals)"
                               : "generated events M") < 0 ||
        draws_ticks(s, &p->x, r, ng) < 0 ||
        hf_panel_set_axis(s, &p->y, 0, 1.55, false,
                          "bins covered by " PLUSMINUS_TEXT "1 " SIGMA_LC) < 0 ||
        hf_panel_axis_ticks(s, &p->y, 6, pct, pct_label) < 0 ||
        hf_panel_set_title(
            s, p,
            boot ? hf_scene_printf(s, "n = %zu, %zu bins, %zu repetitions, %zu bootstrap members",
                                   r->n, r->bins, r->reps, r->boot)
                 : hf_scene_printf(s, "n = %zu, %zu bins, %zu repetitions", r->n, r->bins,
                                   r->reps)) < 0)
        return -1;
    p->grid = true;
    p->legend_pos = HF_LEGPOS_TOP_RIGHT;
    hf_ink nv = hf_ink_of(HF_ROLE_SERIES, 3), pl = hf_ink_of(HF_ROLE_SERIES, 0);
    hf_ink db = hf_ink_of(HF_ROLE_SERIES, 4), ref = hf_ink_of(HF_ROLE_REF, 0);
    size_t nk = boot ? 3 : 1;
    if (bars(s, p, ng, naive, 0, nk, nv) < 0 ||
        (boot && (bars(s, p, ng, plain, 1, nk, pl) < 0 || bars(s, p, ng, deb, 2, nk, db) < 0)) ||
        !hf_panel_add_rule(s, p, false, r->nominal_coverage, ref, HF_DASH_DASHED) ||
        (boot && !hf_panel_add_rule(s, p, true, (double)nd - 0.5, ref, HF_DASH_DOTTED)))
        return -1;
    if (!legend(s, p, "naive: g " PLUSMINUS_TEXT " " SQRT "g", nv, HF_LEGEND_FILL, HF_DASH_SOLID,
                HF_MARKER_NONE) ||
        (boot && (!legend(s, p, "bootstrap band (training spread + sampling noise)", pl,
                          HF_LEGEND_FILL, HF_DASH_SOLID, HF_MARKER_NONE) ||
                  !legend(s, p, "debiased band (estimated bias removed)", db, HF_LEGEND_FILL,
                          HF_DASH_SOLID, HF_MARKER_NONE))) ||
        !legend(s, p, hf_scene_printf(s, "nominal %.1f%%", 100 * r->nominal_coverage), ref,
                HF_LEGEND_LINE, HF_DASH_DASHED, HF_MARKER_NONE))
        return -1;
    if (!boot && hint(s, p, 0.72,
                      tui ? "press b for the bootstrap bands"
                          : "run with --bootstrap B for the bootstrap bands") < 0)
        return -1;
    return add_caption(s,
                       "Share of (repetition, bin) pairs whose interval contains the true "
                       "content; bins with n p " GEQ " 5 only.",
                       "Naive " SQRT "g ignores the KDE's own error, so it fails as M grows; the "
                       "bootstrap bands add it.");
}

/* One estimate per bin with its band: a translucent step band +-sd and the estimate's steps. */
static int
banded_hist(hf_scene *s, hf_panel *p, const double *edges, size_t B, const double *v,
            const double *sd, hf_ink ink)
{
    double *lo = hf_arena_array(&s->arena, B, sizeof(double));
    double *hi = hf_arena_array(&s->arena, B, sizeof(double));
    if (lo == NULL || hi == NULL)
        return -1;
    for (size_t b = 0; b < B; b++) {
        lo[b] = v[b] - sd[b];
        hi[b] = v[b] + sd[b];
    }
    if (!hf_panel_add_band(s, p, B, true, edges, lo, hi, HF_FILL_SHADE, ink))
        return -1;
    hf_item *it = hf_panel_add_hist(s, p, B, edges, v, ink);
    if (it == NULL)
        return -1;
    it->width = HF_WIDTH_THICK;
    return 0;
}

/* Pulls (v - truth) / sd at the bin centres shifted by `shift` bin widths, named in the legend
 * with how many lie within +-1; *amax grows to the largest |pull|. Only bins with n p >= 5, as
 * for the coverage: in the empty tails both bands shrink to nothing and pulls mean nothing. */
static int
pull_points(hf_scene *s, hf_panel *p, const hf_density_example *ex, const double *v,
            const double *sd, double shift, const char *name, hf_marker m, hf_ink ink, double *amax)
{
    size_t B = ex->bins, inside = 0, total = 0;
    double w = (ex->hi - ex->lo) / (double)B;
    double *x = hf_arena_array(&s->arena, B, sizeof(double));
    double *y = hf_arena_array(&s->arena, B, sizeof(double));
    if (x == NULL || y == NULL)
        return -1;
    for (size_t b = 0; b < B; b++) {
        x[b] = ex->lo + w * ((double)b + 0.5 + shift);
        bool enough = (double)ex->n * ex->truth[b] >= 5 && sd[b] > 0;
        y[b] = enough ? (v[b] - ex->truth[b]) / sd[b] : NAN;
        if (isfinite(y[b])) {
            *amax = fmax(*amax, fabs(y[b]));
            inside += fabs(y[b]) <= 1;
            total++;
        }
    }
    const char *label =
        hf_scene_printf(s, "%s: %zu of %zu within " PLUSMINUS_TEXT "1", name, inside, total);
    return hf_panel_add_points(s, p, B, x, y, NULL, NULL, NULL, NULL, m, ink) != NULL &&
                   legend(s, p, label, ink, HF_LEGEND_MARKER, HF_DASH_SOLID, m) != NULL
               ? 0
               : -1;
}

/* Right of the bootstrap figure: both bands' pulls per bin against the +-1 lines. */
static int
bootstrap_pulls(hf_scene *s, const hf_density_example *ex, hf_ink pl, hf_ink db)
{
    hf_panel *q = hf_scene_add_panel(s, 0.6, 0, 1, PANEL_BOTTOM);
    if (q == NULL)
        return -1;
    double amax = 2.0;
    hf_ink ref = hf_ink_of(HF_ROLE_REF, 0);
    if (!hf_panel_add_rule(s, q, false, 0.0, ref, HF_DASH_SOLID) ||
        !hf_panel_add_rule(s, q, false, -1.0, ref, HF_DASH_DASHED) ||
        !hf_panel_add_rule(s, q, false, 1.0, ref, HF_DASH_DASHED) ||
        pull_points(s, q, ex, ex->generated, ex->boot_sd, -0.15, "plain", HF_MARKER_CIRCLE, pl,
                    &amax) < 0 ||
        pull_points(s, q, ex, ex->debiased, ex->debiased_sd, 0.15, "debiased", HF_MARKER_SQUARE, db,
                    &amax) < 0)
        return -1;
    amax *= 1.1;
    if (hf_panel_set_axis(s, &q->x, ex->lo, ex->hi, false, "x") < 0 ||
        hf_panel_set_axis(s, &q->y, -amax, amax * 2.0, false,
                          "pull  (estimate " MINUS " truth) / band") < 0 ||
        hf_panel_set_title(s, q, "pull per bin (n p " GEQ " 5)") < 0)
        return -1;
    q->grid = true;
    q->legend_pos = HF_LEGPOS_TOP_RIGHT;
    return 0;
}

/* One generated histogram with its plain and debiased bootstrap bands against the truth, and
 * the bands' pulls per bin. */
static int
fig_bootstrap(hf_scene *s, const hf_density_truth *t, const hf_density_result *r,
              const hf_density_example *ex, bool tui)
{
    if (ex == NULL)
        return -1;
    bool boot = ex->boot_sd != NULL;
    size_t B = ex->bins;
    double *edges = bin_edges(s, ex->lo, ex->hi, B);
    if (edges == NULL)
        return -1;
    double ymax = 0;
    for (size_t b = 0; b < B; b++) {
        ymax = fmax(ymax, fmax(ex->truth[b], ex->generated[b]));
        if (boot)
            ymax = fmax(ymax, fmax(ex->generated[b] + ex->boot_sd[b],
                                   ex->debiased[b] + ex->debiased_sd[b]));
    }
    if (!(ymax > 0))
        ymax = 1;
    if (hf_scene_set_title(s, hf_scene_printf(s, "Bootstrap bands of one generated histogram: %s",
                                              hf_density_truth_name(t))) < 0)
        return -1;
    hf_panel *p = hf_scene_add_panel(s, 0, 0, boot ? 0.6 : 1, PANEL_BOTTOM);
    if (p == NULL || hf_panel_set_axis(s, &p->x, ex->lo, ex->hi, false, "x") < 0 ||
        hf_panel_set_axis(s, &p->y, 0, ymax * 1.7, false, "probability per bin") < 0 ||
        hf_panel_set_title(s, p,
                           boot ? hf_scene_printf(s,
                                                  "repetition 1 of %zu: n = %zu, M = %.0f, B = %zu",
                                                  r->reps, ex->n, ex->draws, r->boot)
                                : hf_scene_printf(s, "repetition 1 of %zu: n = %zu, M = %.0f",
                                                  r->reps, ex->n, ex->draws)) < 0)
        return -1;
    p->legend_pos = HF_LEGPOS_TOP_RIGHT;
    hf_ink truth = hf_ink_of(HF_ROLE_FG, 0), pl = hf_ink_of(HF_ROLE_SERIES, 0);
    hf_ink db = hf_ink_of(HF_ROLE_SERIES, 4);
    hf_item *it;
    if (boot) {
        if (banded_hist(s, p, edges, B, ex->generated, ex->boot_sd, pl) < 0 ||
            banded_hist(s, p, edges, B, ex->debiased, ex->debiased_sd, db) < 0)
            return -1;
    } else {
        it = hf_panel_add_hist(s, p, B, edges, ex->generated, pl);
        if (it == NULL ||
            hint(s, p, 0.72,
                 tui ? "press b for the bands" : "run with --bootstrap B for the bands") < 0)
            return -1;
        it->width = HF_WIDTH_THICK;
    }
    it = hf_panel_add_hist(s, p, B, edges, ex->truth, truth);
    if (it == NULL)
        return -1;
    it->dash = HF_DASH_DOTTED;
    it->width = HF_WIDTH_THICK;
    if (!legend(s, p, "truth", truth, HF_LEGEND_LINE, HF_DASH_DOTTED, HF_MARKER_NONE) ||
        !legend(s, p,
                hf_scene_printf(s, "generated (M = %.0f)%s", ex->draws,
                                boot ? " " PLUSMINUS_TEXT " bootstrap band" : ""),
                pl, boot ? HF_LEGEND_SHADE : HF_LEGEND_LINE, HF_DASH_SOLID, HF_MARKER_NONE) ||
        (boot && !legend(s, p, "debiased " PLUSMINUS_TEXT " its band", db, HF_LEGEND_SHADE,
                         HF_DASH_SOLID, HF_MARKER_NONE)))
        return -1;
    if (!boot)
        return add_caption(
            s, "Without a bootstrap the generated histogram's only error is its own " SQRT "(g)/M.",
            "That misses the KDE's dependence on its training set: see the coverage "
            "figure.");
    if (bootstrap_pulls(s, ex, pl, db) < 0)
        return -1;
    return add_caption(s,
                       "Band: the spread over bootstrap resamples of the training set plus the "
                       "histogram's own sampling noise.",
                       "Debiased: the estimated smoothing bias " BETA " subtracted. Right: ideally "
                       "68% of the pulls lie within " PLUSMINUS_TEXT "1.");
}

const char *
hf_plot_density_layer_name(hf_density_layer l)
{
    static const char *const names[] = {"all", "truth", "training", "KDE", "generated"};
    return (unsigned)l < HF_DENSITY_LAYER_COUNT ? names[l] : "?";
}

/* A new scene for figure f as the CLI shows it (see the header). Returns NULL on ENOMEM;
 * caller frees. */
hf_scene *
hf_plot_density(hf_density_figure f, const hf_density_truth *t, const hf_density_result *r,
                const hf_density_example *ex)
{
    return hf_plot_density_opt(f, t, r, ex, NULL);
}

/* A new scene for figure f for o's reader (o NULL: the CLI, every layer). Returns NULL on
 * ENOMEM; caller frees. */
hf_scene *
hf_plot_density_opt(hf_density_figure f, const hf_density_truth *t, const hf_density_result *r,
                    const hf_density_example *ex, const hf_plot_density_opts *o)
{
    bool tui = o != NULL && o->reader == HF_DENSITY_FOR_TUI;
    hf_density_layer layer = o != NULL ? o->layer : HF_DENSITY_LAYER_ALL;
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
        rc = fig_example(s, t, r, ex, layer);
        break;
    case HF_DENSITY_FIG_COST:
        rc = fig_cost(s, t, r, tui);
        break;
    case HF_DENSITY_FIG_COVERAGE:
        rc = fig_coverage(s, t, r, tui);
        break;
    case HF_DENSITY_FIG_BOOTSTRAP:
        rc = fig_bootstrap(s, t, r, ex, tui);
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
