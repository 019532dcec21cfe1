/* core/infer/contour.h - the level curve of a function known at scattered points of the plane
 * (a signal grid: CLs or the limit on mu at each mass point): Delaunay triangulation (qhull),
 * linear interpolation on each triangle, marching triangles, segments joined into polylines. */
#ifndef HF_CONTOUR_H
#define HF_CONTOUR_H

#include <stddef.h>

#include "core/error.h"

typedef struct hf_polyline {
    size_t n;
    double *x, *y;
    int closed; /* 1 when the last point joins the first */
} hf_polyline;

typedef struct hf_contour {
    size_t nline;
    hf_polyline *line;
    size_t ntri; /* triangles of the triangulation used */
} hf_contour;

/* The curve z = level over the n points (x[i], y[i]) with values z[i] (points with a NAN or
 * infinite z are left out). The points are triangulated after scaling each axis to [0, 1] (so
 * that axes of different units give well-shaped triangles; a regular grid of cocircular points
 * is triangulated with joggle-free 'Qt' triangulation). On each triangle z is linear; an edge is
 * crossed when one end has z < level and the other z >= level. Fewer than 3 usable points, or all
 * on one line, give an empty contour. 0, or -1 with err (ENOMEM, or qhull's failure). */
int hf_contour_find(const double *x, const double *y, const double *z, size_t n, double level,
                    hf_contour *out, hf_error *err);
void hf_contour_release(hf_contour *c);

#endif
