/* render/layout.c - panel geometry both backends use: page boxes, data-to-page maps, tick counts,
 * column alignment, legend coverage and placement (render/layout.h). */
#include "render/layout.h"

#include <math.h>

hf_rect
hf_layout_outer(const hf_panel *p, double w, double h, double top)
{
    hf_rect r;

    r.x = p->x0 * w;
    r.w = (p->x1 - p->x0) * w;
    r.y = top + p->y0 * (h - top);
    r.h = (p->y1 - p->y0) * (h - top);
    return r;
}

void
hf_layout_outer_cells(const hf_panel *p, int w, int h, int top, int *x0, int *y0, int *x1, int *y1)
{
    *x0 = (int)lround(p->x0 * w);
    *x1 = (int)lround(p->x1 * w);
    *y0 = top + (int)lround(p->y0 * (h - top));
    *y1 = top + (int)lround(p->y1 * (h - top));
}

/* Fractions far outside [0, 1] are clamped: a line towards a point far off the plot keeps its
 * direction, and no coordinate overflows the backend's fixed-point geometry. */
static double
clampf(double f)
{
    return f < -10 ? -10 : f > 11 ? 11 : f;
}

double
hf_layout_x(const hf_rect *area, const hf_axis *ax, double v)
{
    return area->x + clampf(hf_axis_frac(ax, v)) * area->w;
}

double
hf_layout_y(const hf_rect *area, const hf_axis *ax, double v)
{
    return area->y + area->h - clampf(hf_axis_frac(ax, v)) * area->h;
}

void
hf_layout_ticks(const hf_axis *ax, double length, double per_label, int extra, hf_tickset *ts)
{
    hf_axis_ticks(ax, (int)fmax(2, length / per_label + extra), ts);
}

bool
hf_layout_same_column(const hf_panel *a, const hf_panel *b)
{
    return fabs(a->x0 - b->x0) < 1e-6 && fabs(a->x1 - b->x1) < 1e-6;
}

void
hf_layout_align_columns(const hf_scene *s, const hf_rect *outer, hf_rect *area, double min_w)
{
    size_t i, j;

    for (i = 0; i < s->npanels; i++) {
        double l = area[i].x - outer[i].x;
        double r = outer[i].x + outer[i].w - (area[i].x + area[i].w);
        for (j = 0; j < s->npanels; j++)
            if (hf_layout_same_column(s->panels[i], s->panels[j])) {
                l = fmax(l, area[j].x - outer[j].x);
                r = fmax(r, outer[j].x + outer[j].w - (area[j].x + area[j].w));
            }
        area[i].x = outer[i].x + l;
        area[i].w = fmax(min_w, outer[i].w - l - r);
    }
}

double
hf_layout_cover(const hf_panel *p, const hf_rect *area, const hf_rect *box)
{
    double score = 0, bx = box->x, by = box->y, bw = box->w, bh = box->h;
    size_t i, b;

    for (i = 0; i < p->nitems; i++) {
        const hf_item *it = &p->items[i];
        switch (it->kind) {
        case HF_ITEM_STACK: {
            const hf_stack *st = &it->u.stack;
            for (b = 0; b < st->nbins; b++) {
                double top = 0, x0 = hf_layout_x(area, &p->x, st->edges[b]),
                       x1 = hf_layout_x(area, &p->x, st->edges[b + 1]);
                size_t l;
                for (l = 0; l < st->nlayers; l++)
                    top += fmax(0, st->values[l * st->nbins + b]);
                if (x1 > bx && x0 < bx + bw && hf_layout_y(area, &p->y, top) < by + bh)
                    score += 1;
            }
            break;
        }
        case HF_ITEM_HIST:
            for (b = 0; b < it->u.hist.nbins; b++) {
                double x0 = hf_layout_x(area, &p->x, it->u.hist.edges[b]);
                double x1 = hf_layout_x(area, &p->x, it->u.hist.edges[b + 1]);
                double y = hf_layout_y(area, &p->y, it->u.hist.values[b]);
                if (x1 > bx && x0 < bx + bw && y > by && y < by + bh)
                    score += 1;
            }
            break;
        case HF_ITEM_POINTS:
            for (b = 0; b < it->u.points.n; b++) {
                const hf_points *pt = &it->u.points;
                double x = hf_layout_x(area, &p->x, pt->x[b]);
                double yt = hf_layout_y(area, &p->y, pt->y[b] + (pt->eyhi ? pt->eyhi[b] : 0));
                double yb = hf_layout_y(area, &p->y, pt->y[b] - (pt->eylo ? pt->eylo[b] : 0));
                if (x > bx && x < bx + bw && yt < by + bh && yb > by)
                    score += 2;
            }
            break;
        case HF_ITEM_BAND:
            if (it->u.band.step)
                for (b = 0; b < it->u.band.n; b++) {
                    double x0 = hf_layout_x(area, &p->x, it->u.band.x[b]);
                    double x1 = hf_layout_x(area, &p->x, it->u.band.x[b + 1]);
                    if (x1 > bx && x0 < bx + bw &&
                        hf_layout_y(area, &p->y, it->u.band.hi[b]) < by + bh &&
                        hf_layout_y(area, &p->y, it->u.band.lo[b]) > by)
                        score += 1;
                }
            else
                for (b = 0; b < it->u.band.n; b++) {
                    double x = hf_layout_x(area, &p->x, it->u.band.x[b]);
                    if (x > bx && x < bx + bw &&
                        hf_layout_y(area, &p->y, it->u.band.hi[b]) < by + bh &&
                        hf_layout_y(area, &p->y, it->u.band.lo[b]) > by)
                        score += 1;
                }
            break;
        case HF_ITEM_LINE:
            /* sample each segment: sparse points can cross the box between them */
            for (b = 0; b + 1 < it->u.line.n; b++) {
                double xa = hf_layout_x(area, &p->x, it->u.line.x[b]),
                       ya = hf_layout_y(area, &p->y, it->u.line.y[b]);
                double xb = hf_layout_x(area, &p->x, it->u.line.x[b + 1]);
                double yb = hf_layout_y(area, &p->y, it->u.line.y[b + 1]);
                int k;
                if (!isfinite(ya) || !isfinite(yb))
                    continue;
                for (k = 0; k <= 8; k++) {
                    double x = xa + (xb - xa) * k / 8, y = ya + (yb - ya) * k / 8;
                    if (x > bx && x < bx + bw && y > by && y < by + bh)
                        score += 0.5;
                }
            }
            break;
        case HF_ITEM_TEXT:
            if (it->u.text.coord == HF_COORD_AXES) {
                double x = area->x + it->u.text.x * area->w;
                double y = area->y + (1 - it->u.text.y) * area->h;
                if (x > bx - 20 && x < bx + bw + 20 && y > by - 4 && y < by + bh + 10)
                    score += 100;
            }
            break;
        default:
            break;
        }
    }
    return score;
}

void
hf_layout_corners(const hf_rect *area, double w, double h, const double inset[4],
                  hf_rect out[HF_NCORNERS])
{
    double right = area->x + area->w - w - inset[1], left = area->x + inset[0];
    double top = area->y + inset[2], bottom = area->y + area->h - h - inset[3];
    int k;

    for (k = 0; k < HF_NCORNERS; k++) {
        out[k].x = k == HF_CORNER_TR || k == HF_CORNER_BR ? right : left;
        out[k].y = k == HF_CORNER_TR || k == HF_CORNER_TL ? top : bottom;
        out[k].w = w;
        out[k].h = h;
    }
}

int
hf_layout_pick(const double *score, int n)
{
    double best = INFINITY;
    int k, pick = 0;

    for (k = 0; k < n; k++)
        if (score[k] < best - 1e-9) {
            best = score[k];
            pick = k;
        }
    return pick;
}

void
hf_layout_legend_slot(size_t n, int cols, size_t i, int *col, int *row)
{
    size_t rows = (n + (size_t)cols - 1) / (size_t)cols;

    *col = (int)(i / rows);
    *row = (int)(i % rows);
}
