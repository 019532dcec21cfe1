/* render/layout.h - panel geometry shared by the backends (render/cairo.c in points,
 * render/cells.c in character cells): where a panel's box goes on the page, how data map into
 * a plot area, how many ticks an axis gets for its room (render/axis.c picks them), how the
 * panels of one column line up, how much of the drawn content a legend box would hide, and which
 * candidate corner an automatic legend takes. Page units, y growing downwards. */
#ifndef HF_LAYOUT_H
#define HF_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "render/axis.h"
#include "render/scene.h"

typedef struct hf_rect {
    double x, y, w, h; /* page units, (x, y) the top-left corner */
} hf_rect;

/* The outer box of panel p on a page w x h units whose top `top` units hold the figure title. */
hf_rect hf_layout_outer(const hf_panel *p, double w, double h, double top);
/* The same box on a grid of whole cells: edges rounded to the nearest cell, ends exclusive. */
void hf_layout_outer_cells(const hf_panel *p, int w, int h, int top, int *x0, int *y0, int *x1,
                           int *y1);

/* Page position of data value v on the x (y) axis of a plot area; far-out values are clamped a
 * few areas beyond the edges, so that lines towards them keep their direction. */
double hf_layout_x(const hf_rect *area, const hf_axis *ax, double v);
double hf_layout_y(const hf_rect *area, const hf_axis *ax, double v);

/* Ticks (hf_axis_ticks) for an axis `length` units long that has room for a label every
 * `per_label` units: about length / per_label + extra labelled ticks, at least 2. */
void hf_layout_ticks(const hf_axis *ax, double length, double per_label, int extra, hf_tickset *ts);

/* Whether two panels span the same columns of the figure (a ratio panel under its main one). */
bool hf_layout_same_column(const hf_panel *a, const hf_panel *b);

/* Panels in one column share their left and right margins (the largest of the column), so that
 * their plot areas line up; area[i] is narrowed, never below min_w. */
void hf_layout_align_columns(const hf_scene *s, const hf_rect *outer, hf_rect *area, double min_w);

/* How much of panel p's drawn content (stacks, histograms, points, bands, lines and axes-anchored
 * text, mapped into area) a legend box would cover: a weighted count, text weighing most. */
double hf_layout_cover(const hf_panel *p, const hf_rect *area, const hf_rect *box);

/* Where a w x h legend may go inside a plot area, in order of preference: top right, top left,
 * bottom right, bottom left; inset = {left, right, top, bottom} distances from the area's edges
 * (the backend's padding). */
enum { HF_CORNER_TR = 0, HF_CORNER_TL, HF_CORNER_BR, HF_CORNER_BL, HF_NCORNERS };
void hf_layout_corners(const hf_rect *area, double w, double h, const double inset[4],
                       hf_rect out[HF_NCORNERS]);

/* The candidate with the smallest score, the earliest on ties: candidates come in order of
 * preference (a legend: top right, top left, bottom right, bottom left). */
int hf_layout_pick(const double *score, int n);

/* Column and row of legend entry i of n laid out column-major in `cols` columns (reading down
 * the first column keeps the stack order). */
void hf_layout_legend_slot(size_t n, int cols, size_t i, int *col, int *row);

#endif
