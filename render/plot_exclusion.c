/* render/plot_exclusion.c - the mass-plane exclusion figure: contours from hf_contour_find on
 * log CLs (or log mu_up) at log(level), so that the exponential fall of CLs with the signal is
 * interpolated linearly (as in pyhf's and the LHC SUSY groups' contour scripts). */
#include "render/plot_exclusion.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/infer/contour.h"

#define CLAMP_MIN 1e-12 /* CLs of 0 (deep in the excluded region) before the log */

int
hf_exclusion_contour(const hf_exclusion_data *d, const double *v, size_t stride, hf_contour *out,
                     hf_error *err)
{
    double *z = malloc((d->n + 1) * sizeof(double));
    if (z == NULL)
        return hf_error_nomem(err);
    for (size_t i = 0; i < d->n; i++) {
        double t = v[i * stride];
        z[i] = isnan(t) ? NAN : log(fmax(t, CLAMP_MIN));
    }
    int rc = hf_contour_find(d->x, d->y, z, d->n, log(d->level), out, err);
    free(z);
    return rc;
}

/* Every polyline of the contour of v as one line item (ink, dash, width). */
static int
add_contour(hf_scene *s, hf_panel *p, const hf_exclusion_data *d, const double *v, size_t stride,
            hf_ink ink, hf_dash dash, hf_width width, hf_error *err)
{
    hf_contour c = {0};
    if (hf_exclusion_contour(d, v, stride, &c, err) < 0)
        return -1;
    int rc = 0;
    for (size_t l = 0; l < c.nline && rc == 0; l++) {
        hf_item *it = hf_panel_add_line(s, p, c.line[l].n, c.line[l].x, c.line[l].y, ink, dash);
        if (it == NULL)
            rc = hf_error_nomem(err);
        else
            it->width = width;
    }
    hf_contour_release(&c);
    return rc;
}

/* The grid points in two groups: excluded (observed, else expected median) or not. */
static int
add_markers(hf_scene *s, hf_panel *p, const hf_exclusion_data *d, hf_error *err)
{
    double *px = malloc((2 * d->n + 1) * sizeof(double));
    double *py = malloc((2 * d->n + 1) * sizeof(double));
    int rc = 0;
    if (px == NULL || py == NULL) {
        rc = hf_error_nomem(err);
        goto out;
    }
    size_t ne = 0, nn = 0;
    for (size_t i = 0; i < d->n; i++) {
        double v = d->obs != NULL ? d->obs[i] : d->exp[5 * i + 2];
        if (isnan(v))
            continue;
        if (v < d->level) {
            px[ne] = d->x[i];
            py[ne++] = d->y[i];
        } else {
            px[d->n + nn] = d->x[i];
            py[d->n + nn++] = d->y[i];
        }
    }
    const char *what = d->obs != NULL ? "observed" : "expected";
    if ((nn > 0 && (!hf_panel_add_points(s, p, nn, px + d->n, py + d->n, NULL, NULL, NULL, NULL,
                                         HF_MARKER_CIRCLE, hf_ink_of(HF_ROLE_GRID, 0)) ||
                    !hf_panel_add_legend(s, p, "not excluded", hf_ink_of(HF_ROLE_GRID, 0),
                                         HF_LEGEND_MARKER))) ||
        (ne > 0 && (!hf_panel_add_points(s, p, ne, px, py, NULL, NULL, NULL, NULL, HF_MARKER_CIRCLE,
                                         hf_ink_of(HF_ROLE_ACCENT, 0)) ||
                    !hf_panel_add_legend(s, p, hf_scene_printf(s, "excluded (%s)", what),
                                         hf_ink_of(HF_ROLE_ACCENT, 0), HF_LEGEND_MARKER))))
        rc = hf_error_nomem(err);
out:
    free(px);
    free(py);
    return rc;
}

/* The caption lines at the top left: experiment label, energy and luminosity, what is shown. */
static int
add_caption(hf_scene *s, hf_panel *p, const hf_exclusion_data *d)
{
    const char *lines[3];
    int n = 0;
    if (d->label != NULL && *d->label)
        lines[n++] = d->label;
    if ((d->energy != NULL && *d->energy) || (d->lumi != NULL && *d->lumi)) {
        bool both = d->energy != NULL && *d->energy && d->lumi != NULL && *d->lumi;
        lines[n++] = hf_scene_printf(s, "%s%s%s%s",
                                     d->energy != NULL && *d->energy ? "\xe2\x88\x9a"
                                                                       "s = "
                                                                     : "",
                                     d->energy != NULL ? d->energy : "", both ? ", " : "",
                                     d->lumi != NULL ? d->lumi : "");
    }
    lines[n++] = hf_scene_printf(s, "%s at %g%% CL",
                                 d->is_limit ? "Upper limits on \xce\xbc" : "CLs at \xce\xbc = 1",
                                 100 * (d->cl > 0 ? d->cl : 0.95));
    for (int k = 0; k < n; k++) {
        hf_item *it = lines[k]
                          ? hf_panel_add_text(s, p, HF_COORD_AXES, 0.03, 0.97 - 0.075 * k, lines[k],
                                              HF_HALIGN_LEFT, HF_VALIGN_TOP,
                                              k == 0 && d->label ? HF_TEXT_NORMAL : HF_TEXT_SMALL)
                          : NULL;
        if (it == NULL)
            return -1;
        it->u.text.bold = k == 0 && d->label != NULL && *d->label;
    }
    return 0;
}

static int
set_axes(hf_scene *s, hf_panel *p, const hf_exclusion_data *d)
{
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < d->n; i++) {
        x0 = fmin(x0, d->x[i]), x1 = fmax(x1, d->x[i]);
        y0 = fmin(y0, d->y[i]), y1 = fmax(y1, d->y[i]);
    }
    double dx = x1 > x0 ? x1 - x0 : 1, dy = y1 > y0 ? y1 - y0 : 1;
    /* room above the grid for the caption and the legend */
    return hf_panel_set_axis(s, &p->x, x0 - 0.03 * dx, x1 + 0.03 * dx, false, d->xlabel) < 0 ||
                   hf_panel_set_axis(s, &p->y, y0 - 0.03 * dy, y1 + 0.45 * dy, false, d->ylabel) < 0
               ? -1
               : 0;
}

hf_scene *
hf_plot_exclusion(const hf_exclusion_data *d, hf_error *err)
{
    if (d->n < 3) {
        hf_error_set(err, HF_EUSAGE, "", "an exclusion contour needs at least 3 grid points");
        return NULL;
    }
    double W = d->width_in > 0 ? d->width_in : 4.6;
    hf_scene *s = hf_scene_new(W, W * 0.8);
    hf_panel *p = s != NULL ? hf_scene_add_panel(s, 0, 0, 1, 1) : NULL;
    if (p == NULL || hf_scene_set_outline(s, "Exclusion", 0) < 0 || set_axes(s, p, d) < 0)
        goto nomem;
    p->legend_pos = HF_LEGPOS_TOP_RIGHT;
    p->legend_columns = 1;
    hf_ink expi = hf_ink_of(HF_ROLE_EXPECTED, 0);
    if (add_contour(s, p, d, d->exp + 1, 5, expi, HF_DASH_DOTTED, HF_WIDTH_THIN, err) < 0 ||
        add_contour(s, p, d, d->exp + 3, 5, expi, HF_DASH_DOTTED, HF_WIDTH_THIN, err) < 0 ||
        add_contour(s, p, d, d->exp + 2, 5, expi, HF_DASH_DASHED, HF_WIDTH_NORMAL, err) < 0 ||
        (d->obs != NULL && add_contour(s, p, d, d->obs, 1, hf_ink_of(HF_ROLE_OBSERVED, 0),
                                       HF_DASH_SOLID, HF_WIDTH_THICK, err) < 0) ||
        add_markers(s, p, d, err) < 0)
        goto fail;
    hf_legend_entry *e;
    if ((d->obs != NULL &&
         !hf_panel_add_legend(s, p, "Observed", hf_ink_of(HF_ROLE_OBSERVED, 0), HF_LEGEND_LINE)) ||
        !(e = hf_panel_add_legend(s, p, "Expected", expi, HF_LEGEND_LINE)))
        goto nomem;
    e->dash = HF_DASH_DASHED;
    if (!(e = hf_panel_add_legend(s, p,
                                  "Expected \xc2\xb1"
                                  "1\xcf\x83",
                                  expi, HF_LEGEND_LINE)))
        goto nomem;
    e->dash = HF_DASH_DOTTED;
    if (add_caption(s, p, d) < 0)
        goto nomem;
    return s;
nomem:
    hf_error_nomem(err);
fail:
    hf_scene_free(s);
    return NULL;
}
