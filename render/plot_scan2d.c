/* render/plot_scan2d.c - the two-parameter scan figure: 68.27% and 95% contours from marching
 * squares over the scan grid, and the best fit. */
#include "render/plot_scan2d.h"

#include <math.h>
#include <stdlib.h>

double
hf_scan2d_level(double cl)
{
    return -2 * log(1 - cl); /* chi2(2): P(X > q) = exp(-q / 2) */
}

/* The point where the edge from (xa, ya, va) to (xb, yb, vb) crosses level. */
static void
cross(double xa, double ya, double va, double xb, double yb, double vb, double level, double *px,
      double *py)
{
    double t = va == vb ? 0.5 : (level - va) / (vb - va);

    *px = xa + t * (xb - xa);
    *py = ya + t * (yb - ya);
}

static size_t
segment(double *x, double *y, size_t k, const double p[4])
{
    x[k] = p[0];
    y[k] = p[1];
    x[k + 1] = p[2];
    y[k + 1] = p[3];
    x[k + 2] = y[k + 2] = NAN;
    return k + 3;
}

/* The segments of one cell with corners v[0] (x0,y0), v[1] (x1,y0), v[2] (x1,y1), v[3] (x0,y1). */
static size_t
cell(const double cx[2], const double cy[2], const double v[4], double level, double *x, double *y,
     size_t k)
{
    static const int ex[4][4] = {{0, 0, 1, 0}, {1, 0, 1, 1}, {1, 1, 0, 1}, {0, 1, 0, 0}};
    static const int ea[4] = {0, 1, 2, 3}, eb[4] = {1, 2, 3, 0};
    double pt[4][2], p[4];
    int inside = 0, e, n = 0, hit[4];

    for (e = 0; e < 4; e++)
        inside |= (v[e] < level) << e;
    if (inside == 0 || inside == 15)
        return k;
    for (e = 0; e < 4; e++) { /* edge e from corner ea[e] to eb[e] */
        hit[e] = ((inside >> ea[e]) & 1) != ((inside >> eb[e]) & 1);
        if (hit[e]) {
            cross(cx[ex[e][0]], cy[ex[e][1]], v[ea[e]], cx[ex[e][2]], cy[ex[e][3]], v[eb[e]], level,
                  &pt[e][0], &pt[e][1]);
            n++;
        }
    }
    if (n == 2) {
        int a = -1, b = -1;
        for (e = 0; e < 4; e++)
            if (hit[e] && a < 0)
                a = e;
            else if (hit[e])
                b = e;
        p[0] = pt[a][0];
        p[1] = pt[a][1];
        p[2] = pt[b][0];
        p[3] = pt[b][1];
        return segment(x, y, k, p);
    }
    /* a saddle (two opposite corners inside): the mean decides which pairs of edges join */
    if ((((v[0] + v[1] + v[2] + v[3]) / 4 < level) != 0) == ((inside & 1) != 0)) {
        int pairs[2][2] = {{0, 1}, {2, 3}};
        for (e = 0; e < 2; e++) {
            p[0] = pt[pairs[e][0]][0], p[1] = pt[pairs[e][0]][1];
            p[2] = pt[pairs[e][1]][0], p[3] = pt[pairs[e][1]][1];
            k = segment(x, y, k, p);
        }
    } else {
        int pairs[2][2] = {{0, 3}, {1, 2}};
        for (e = 0; e < 2; e++) {
            p[0] = pt[pairs[e][0]][0], p[1] = pt[pairs[e][0]][1];
            p[2] = pt[pairs[e][1]][0], p[3] = pt[pairs[e][1]][1];
            k = segment(x, y, k, p);
        }
    }
    return k;
}

size_t
hf_scan2d_contour(const hf_scan2d_data *d, double level, double *x, double *y)
{
    size_t i, j, k = 0, ny = d->ny;

    for (i = 0; i + 1 < d->nx; i++)
        for (j = 0; j + 1 < ny; j++) {
            double v[4] = {d->dnll2[i * ny + j], d->dnll2[(i + 1) * ny + j],
                           d->dnll2[(i + 1) * ny + j + 1], d->dnll2[i * ny + j + 1]};
            double cx[2] = {d->x[i], d->x[i + 1]}, cy[2] = {d->y[j], d->y[j + 1]};
            if (!isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2]) || !isfinite(v[3]))
                continue; /* a failed point: no contour through its cells */
            k = cell(cx, cy, v, level, x, y, k);
        }
    return k;
}

/* One contour as a line item with its legend entry. 0 or -1 (ENOMEM). */
static int
add_contour(hf_scene *s, hf_panel *p, const hf_scan2d_data *d, double cl, const char *label,
            hf_ink ink, double *x, double *y)
{
    size_t n = hf_scan2d_contour(d, hf_scan2d_level(cl), x, y);
    hf_item *it;

    if (n == 0)
        return 0;
    if (!(it = hf_panel_add_line(s, p, n, x, y, ink, HF_DASH_SOLID)) ||
        hf_panel_add_legend(s, p, label, ink, HF_LEGEND_LINE) == NULL)
        return -1;
    it->width = HF_WIDTH_THICK;
    return 0;
}

hf_scene *
hf_plot_scan2d(const hf_scan2d_data *d, hf_error *err)
{
    double W = d->width_in > 0 ? d->width_in : HF_SCENE_SINGLE_COLUMN;
    size_t cap = 6 * (d->nx + 1) * (d->ny + 1);
    double *x = NULL, *y = NULL, x0, x1, y0, y1, pad;
    hf_scene *s = NULL;
    hf_panel *p;

    if (d->nx < 2 || d->ny < 2) {
        hf_error_set(err, HF_EUSAGE, "", "a two-parameter scan needs at least 2 x 2 points");
        return NULL;
    }
    x = malloc(cap * sizeof *x);
    y = malloc(cap * sizeof *y);
    s = hf_scene_new(W, W * 0.95);
    if (!x || !y || !s || !(p = hf_scene_add_panel(s, 0, 0, 1, 1)))
        goto nomem;
    x0 = d->x[0];
    x1 = d->x[d->nx - 1];
    y0 = d->y[0];
    y1 = d->y[d->ny - 1];
    pad = (y1 - y0) * 0.25; /* room above the grid for the legend */
    if (hf_panel_set_axis(s, &p->x, x0, x1, false, d->xpar) < 0 ||
        hf_panel_set_axis(s, &p->y, y0, y1 + pad, false, d->ypar) < 0 ||
        hf_scene_set_outline(s, "2-D scan", 0) < 0 ||
        hf_panel_set_title(s, p, "Profile likelihood, 2 parameters") < 0)
        goto nomem;
    if (add_contour(s, p, d, 0.682689492137086, "68.27% CL", hf_ink_of(HF_ROLE_SERIES, 0), x, y) <
            0 ||
        add_contour(s, p, d, 0.95, "95% CL", hf_ink_of(HF_ROLE_SERIES, 1), x, y) < 0)
        goto nomem;
    if (isfinite(d->bestx) && isfinite(d->besty)) {
        double bx = d->bestx, by = d->besty;
        hf_legend_entry *e;
        if (!hf_panel_add_points(s, p, 1, &bx, &by, NULL, NULL, NULL, NULL, HF_MARKER_DIAMOND,
                                 hf_ink_of(HF_ROLE_DATA, 0)) ||
            !(e = hf_panel_add_legend(s, p, "Best fit", hf_ink_of(HF_ROLE_DATA, 0),
                                      HF_LEGEND_MARKER)))
            goto nomem;
        e->marker = HF_MARKER_DIAMOND;
    }
    p->legend_pos = HF_LEGPOS_TOP_RIGHT;
    free(x);
    free(y);
    return s;
nomem:
    free(x);
    free(y);
    hf_scene_free(s);
    hf_error_nomem(err);
    return NULL;
}
