/* render/plot_scan.c - profile-likelihood scan figure (-2 Delta ln L with the 68%/95% levels)
 * and Brazil-band figures (expected +-1/+-2 sigma bands with the median and the observed). */
#include "render/plot_scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "render/axis.h"

double
hf_scan_level(double cl)
{
    return hf_stats_chi2_quantile(cl, 1); /* Wilks: -2 Delta ln L ~ chi2(1) */
}

hf_scene *
hf_plot_scan(const hf_scan_data *d, hf_error *err)
{
    double W = d->width_in > 0 ? d->width_in : HF_SCENE_SINGLE_COLUMN, ymax = 0, x0, x1;
    double l1 = hf_scan_level(0.682689492137086), l2 = hf_scan_level(0.95);
    hf_scene *s = hf_scene_new(W, W * 0.8);
    hf_panel *p;
    hf_item *it;
    size_t i;

    if (!s)
        goto nomem;
    if (d->n < 2) {
        hf_scene_free(s);
        hf_error_set(err, HF_EUSAGE, "", "a scan needs at least two points");
        return NULL;
    }
    x0 = d->x[0];
    x1 = d->x[d->n - 1];
    for (i = 0; i < d->n; i++)
        if (isfinite(d->dnll2[i]))
            ymax = fmax(ymax, d->dnll2[i]);
    /* show both levels and leave room for their labels above the curve */
    ymax = fmax(ymax, l2 * 1.3);
    ymax = fmin(ymax * 1.12, fmax(ymax, 12));
    p = hf_scene_add_panel(s, 0, 0, 1, 1);
    if (!p ||
        hf_panel_set_axis(s, &p->x, x0, x1, false, d->parameter ? d->parameter : "parameter") < 0 ||
        hf_panel_set_axis(s, &p->y, 0, ymax, false,
                          "\xe2\x88\x92"
                          "2 \xce\x94 ln L") < 0 ||
        hf_scene_set_outline(s, d->parameter ? d->parameter : "scan", 0) < 0)
        goto nomem;
    if (!hf_panel_add_rule(s, p, false, l1, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DASHED) ||
        !hf_panel_add_rule(s, p, false, l2, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DOTTED))
        goto nomem;
    /* interval ends as vertical dotted segments from 0 to the level */
    {
        const double ends[4] = {d->lo68, d->hi68, d->lo95, d->hi95};
        const double lev[4] = {l1, l1, l2, l2};
        for (i = 0; i < 4; i++)
            if (isfinite(ends[i])) {
                double xs[2] = {ends[i], ends[i]}, ys[2] = {0, lev[i]};
                it = hf_panel_add_line(s, p, 2, xs, ys, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DOTTED);
                if (!it)
                    goto nomem;
                it->width = HF_WIDTH_THIN;
            }
    }
    it = hf_panel_add_line(s, p, d->n, d->x, d->dnll2, hf_ink_of(HF_ROLE_OBSERVED, 0),
                           HF_DASH_SOLID);
    if (!it)
        goto nomem;
    it->width = HF_WIDTH_THICK;
    if (!hf_panel_add_points(s, p, d->n, d->x, d->dnll2, NULL, NULL, NULL, NULL, HF_MARKER_CIRCLE,
                             hf_ink_of(HF_ROLE_OBSERVED, 0)))
        goto nomem;
    {
        /* level labels where the curve stays farthest from both levels over the label's width:
         * at the left end, over the minimum or at the right end */
        double span = x1 - x0, best = -1, xs[3], lx = x0, gap;
        const hf_halign has[3] = {HF_HALIGN_LEFT, HF_HALIGN_CENTER, HF_HALIGN_RIGHT};
        hf_halign ha = HF_HALIGN_LEFT;
        size_t imin = 0, k;
        for (i = 1; i < d->n; i++)
            if (d->dnll2[i] < d->dnll2[imin])
                imin = i;
        xs[0] = x0 + 0.03 * span;
        xs[1] = d->x[imin];
        xs[2] = x1 - 0.03 * span;
        for (k = 0; k < 3; k++) {
            double a = k == 0 ? xs[0] : k == 1 ? xs[1] - 0.09 * span : xs[2] - 0.18 * span;
            double b = a + 0.18 * span;
            if (k == 1 && (a < x0 || b > x1))
                continue;
            gap = INFINITY;
            for (i = 0; i < d->n; i++)
                if (d->x[i] >= a && d->x[i] <= b && isfinite(d->dnll2[i])) {
                    /* labels sit just above the level lines: the curve must not be there */
                    gap = fmin(gap, fabs(d->dnll2[i] - (l1 + 0.04 * ymax)));
                    gap = fmin(gap, fabs(d->dnll2[i] - (l2 + 0.04 * ymax)));
                }
            if (gap > best) {
                best = gap;
                lx = xs[k];
                ha = has[k];
            }
        }
        if (!hf_panel_add_text(s, p, HF_COORD_DATA, lx, l1 + ymax * 0.015, "68% CL", ha,
                               HF_VALIGN_BOTTOM, HF_TEXT_SMALL) ||
            !hf_panel_add_text(s, p, HF_COORD_DATA, lx, l2 + ymax * 0.015, "95% CL", ha,
                               HF_VALIGN_BOTTOM, HF_TEXT_SMALL))
            goto nomem;
    }
    if (isfinite(d->best)) {
        char *t;
        if (isfinite(d->lo68) && isfinite(d->hi68))
            t = hf_scene_printf(s, "%s = %.3g  +%.2g \xe2\x88\x92%.2g",
                                d->parameter ? d->parameter : "x", d->best, d->hi68 - d->best,
                                d->best - d->lo68);
        else
            t = hf_scene_printf(s, "%s = %.3g", d->parameter ? d->parameter : "x", d->best);
        if (!t || !hf_panel_add_text(s, p, HF_COORD_AXES, 0.5, 0.96, t, HF_HALIGN_CENTER,
                                     HF_VALIGN_TOP, HF_TEXT_NORMAL))
            goto nomem;
    }
    return s;
nomem:
    hf_scene_free(s);
    hf_error_nomem(err);
    return NULL;
}

/* The y range with headroom. Signal points: room for the legend (5 rows) above the highest
 * curve. CLs against the POI falls from 1 to the right, so the legend sits in the empty top
 * right and the range reaches two decades under the reference level only. */
static void
brazil_headroom(const hf_brazil_data *d, double *ymin, double *ymax)
{
    if (d->logy) {
        double a = log10(*ymin > 0 ? *ymin : 1e-3), b = log10(*ymax);
        if (d->level > 0 && !d->labels)
            a = fmax(a, log10(d->level) - 2);
        if (d->level > 0)
            a = fmin(a, log10(d->level) - 0.3);
        a = floor(a);
        if (b - a < 1)
            b = a + 1;
        *ymin = pow(10, a);
        *ymax = d->labels ? pow(10, a + (b - a) / 0.62) : pow(10, ceil(b - 1e-9));
    } else {
        *ymin = fmin(0, *ymin);
        *ymax = d->labels ? *ymax / 0.62 : *ymax * 1.05;
    }
}

/* The legend entries after "Observed": expected, its bands and the reference level. */
static int
brazil_legend(hf_scene *s, hf_panel *p, const hf_brazil_data *d)
{
    hf_legend_entry *e =
        hf_panel_add_legend(s, p, "Expected", hf_ink_of(HF_ROLE_EXPECTED, 0), HF_LEGEND_LINE);

    if (!e)
        return -1;
    e->dash = HF_DASH_DASHED;
    if (!hf_panel_add_legend(s, p,
                             "Expected \xc2\xb1"
                             "1\xcf\x83",
                             hf_ink_of(HF_ROLE_BAND1, 0), HF_LEGEND_FILL) ||
        !hf_panel_add_legend(s, p,
                             "Expected \xc2\xb1"
                             "2\xcf\x83",
                             hf_ink_of(HF_ROLE_BAND2, 0), HF_LEGEND_FILL))
        return -1;
    if (d->level > 0) {
        char *t = d->level_label ? hf_scene_strdup(s, d->level_label)
                                 : hf_scene_printf(s, "%g level", d->level);
        if (!t || !hf_panel_add_legend(s, p, t, hf_ink_of(HF_ROLE_POSTFIT, 0), HF_LEGEND_LINE))
            return -1;
    }
    return 0;
}

hf_scene *
hf_plot_brazil(const hf_brazil_data *d, hf_error *err)
{
    size_t n = d->n, i;
    double *lo2 = NULL, *hi2 = NULL, *lo1 = NULL, *hi1 = NULL, *med = NULL;
    double ymin = INFINITY, ymax = -INFINITY, W, x0, x1;
    hf_scene *s = NULL;
    hf_panel *p;
    hf_item *it;

    if (n == 0) {
        hf_error_set(err, HF_EUSAGE, "", "a Brazil band needs at least one point");
        return NULL;
    }
    lo2 = malloc(n * sizeof *lo2);
    hi2 = malloc(n * sizeof *hi2);
    lo1 = malloc(n * sizeof *lo1);
    hi1 = malloc(n * sizeof *hi1);
    med = malloc(n * sizeof *med);
    if (!lo2 || !hi2 || !lo1 || !hi1 || !med)
        goto nomem;
    for (i = 0; i < n; i++) {
        lo2[i] = d->exp[i * 5 + 0];
        lo1[i] = d->exp[i * 5 + 1];
        med[i] = d->exp[i * 5 + 2];
        hi1[i] = d->exp[i * 5 + 3];
        hi2[i] = d->exp[i * 5 + 4];
        if (isfinite(lo2[i]) && (!d->logy || lo2[i] > 0))
            ymin = fmin(ymin, lo2[i]);
        if (isfinite(hi2[i]))
            ymax = fmax(ymax, hi2[i]);
        if (d->obs && isfinite(d->obs[i])) {
            if (!d->logy || d->obs[i] > 0)
                ymin = fmin(ymin, d->obs[i]);
            ymax = fmax(ymax, d->obs[i]);
        }
    }
    if (!isfinite(ymin) || !isfinite(ymax)) {
        ymin = d->logy ? 1e-3 : 0;
        ymax = 1;
    }
    W = d->width_in > 0       ? d->width_in
        : d->labels && n > 12 ? HF_SCENE_DOUBLE_COLUMN
        : d->labels           ? HF_SCENE_SINGLE_COLUMN
                              : 4.6;
    s = hf_scene_new(W, d->labels ? W * 0.75 + 0.6 : 3.0);
    if (!s || hf_scene_set_outline(s, d->labels ? "Limits" : "CLs", 0) < 0)
        goto nomem;
    p = hf_scene_add_panel(s, 0, 0, 1, 1);
    if (!p)
        goto nomem;
    if (d->labels) {
        x0 = -0.5;
        x1 = (double)n - 0.5;
    } else {
        x0 = d->x[0];
        x1 = d->x[n - 1];
    }
    brazil_headroom(d, &ymin, &ymax);
    if (hf_panel_set_axis(s, &p->x, x0, x1, false, d->xlabel) < 0 ||
        hf_panel_set_axis(s, &p->y, ymin, ymax, d->logy, d->ylabel) < 0)
        goto nomem;
    if (d->labels) {
        if (hf_panel_axis_ticks(s, &p->x, n, d->x, d->labels) < 0)
            goto nomem;
        p->x.categories = true;
    }
    /* CLs curves and bands sweep every corner: the legend goes beside the plot */
    p->legend_pos = d->labels ? HF_LEGPOS_TOP_RIGHT : HF_LEGPOS_OUTSIDE_RIGHT;
    p->legend_columns = 1;
    if (!hf_panel_add_band(s, p, n, false, d->x, lo2, hi2, HF_FILL_SOLID,
                           hf_ink_of(HF_ROLE_BAND2, 0)) ||
        !hf_panel_add_band(s, p, n, false, d->x, lo1, hi1, HF_FILL_SOLID,
                           hf_ink_of(HF_ROLE_BAND1, 0)))
        goto nomem;
    it = hf_panel_add_line(s, p, n, d->x, med, hf_ink_of(HF_ROLE_EXPECTED, 0), HF_DASH_DASHED);
    if (!it)
        goto nomem;
    if (d->level > 0) {
        it = hf_panel_add_rule(s, p, false, d->level, hf_ink_of(HF_ROLE_POSTFIT, 0), HF_DASH_SOLID);
        if (!it)
            goto nomem;
    }
    if (d->obs) {
        it =
            hf_panel_add_line(s, p, n, d->x, d->obs, hf_ink_of(HF_ROLE_OBSERVED, 0), HF_DASH_SOLID);
        if (!it || !hf_panel_add_points(s, p, n, d->x, d->obs, NULL, NULL, NULL, NULL,
                                        HF_MARKER_CIRCLE, hf_ink_of(HF_ROLE_OBSERVED, 0)))
            goto nomem;
        it->width = HF_WIDTH_THICK;
        if (!hf_panel_add_legend(s, p, "Observed", hf_ink_of(HF_ROLE_OBSERVED, 0), HF_LEGEND_LINE))
            goto nomem;
    }
    if (brazil_legend(s, p, d) < 0)
        goto nomem;
    if (d->title && !hf_panel_add_text(s, p, HF_COORD_AXES, 0.04, 0.96, d->title, HF_HALIGN_LEFT,
                                       HF_VALIGN_TOP, HF_TEXT_NORMAL))
        goto nomem;
    free(lo2);
    free(hi2);
    free(lo1);
    free(hi1);
    free(med);
    return s;
nomem:
    free(lo2);
    free(hi2);
    free(lo1);
    free(hi1);
    free(med);
    hf_scene_free(s);
    hf_error_nomem(err);
    return NULL;
}
