/* render/plot_scan2d.h - the two-parameter profile-likelihood scan: the 68.27% and 95% contours
 * of -2 Delta ln L (chi2 with 2 degrees of freedom) and the best fit. */
#ifndef HF_PLOT_SCAN2D_H
#define HF_PLOT_SCAN2D_H

#include <stddef.h>

#include "core/error.h"
#include "render/scene.h"

typedef struct hf_scan2d_data {
    const char *xpar, *ypar; /* axis labels */
    size_t nx, ny;
    const double *x, *y; /* grid values, ascending (nx, ny) */
    const double *dnll2; /* nx * ny values dnll2[i * ny + j] at (x[i], y[j]); NAN: failed */
    double bestx, besty; /* the best fit (NAN: not drawn) */
    double width_in;     /* 0: single column */
} hf_scan2d_data;

/* The level of -2 Delta ln L for confidence cl with 2 parameters: -2 ln(1 - cl) (the chi2(2)
 * quantile in closed form): 2.30 for 68.27%, 5.99 for 95%. */
double hf_scan2d_level(double cl);
/* Contour segments of level through the grid (marching squares, linear interpolation along the
 * cell edges, saddle cells resolved by the cell's mean), as a polyline with NAN breaks: 3 points
 * per segment into x, y (each with room for 6 * nx * ny). Returns the number of points. */
size_t hf_scan2d_contour(const hf_scan2d_data *d, double level, double *x, double *y);
/* The figure; NULL with err (fewer than 2 x 2 points, ENOMEM). */
hf_scene *hf_plot_scan2d(const hf_scan2d_data *d, hf_error *err);

#endif
