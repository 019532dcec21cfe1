/* render/plot_exclusion.h - the exclusion contour in the mass plane of a signal grid: observed
 * and expected contours with the expected +-1 sigma contours, over the grid points marked
 * excluded or not. The contours come from core/infer/contour.h on log CLs (or log of the upper
 * limit on mu), so the figure shows what hf_contour_find computes and nothing else. */
#ifndef HF_PLOT_EXCLUSION_H
#define HF_PLOT_EXCLUSION_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "render/scene.h"

typedef struct hf_exclusion_data {
    size_t n;
    const double *x, *y; /* n points of the mass plane (the patchset's two labels) */
    const double *obs;   /* n observed values (NAN: missing), or NULL */
    const double *exp;   /* n x 5: expected at -2..+2 sigma (ascending) */
    double level;        /* excluded where value < level: 1 - cl for CLs, 1 for limits on mu */
    bool is_limit;       /* values are upper limits on mu (else CLs at mu = 1) */
    const char *xlabel, *ylabel;
    const char *label;  /* experiment label, e.g. "ATLAS Internal" (NULL: none) */
    const char *energy; /* e.g. "13 TeV" (NULL: none) */
    const char *lumi;   /* e.g. "139 fb-1" (NULL: none) */
    double cl;          /* confidence level for the caption, e.g. 0.95 */
    double width_in;    /* 0: single column */
} hf_exclusion_data;

/* The figure, or NULL with err (ENOMEM, or a triangulation failure). */
hf_scene *hf_plot_exclusion(const hf_exclusion_data *d, hf_error *err);

/* The contour of the values v (n, as obs) at the level, in log space, as hf_plot_exclusion draws
 * it; for tests and other front ends. Values <= 0 count as deeply excluded (clamped to 1e-12). */
struct hf_contour;
int hf_exclusion_contour(const hf_exclusion_data *d, const double *v, size_t stride,
                         struct hf_contour *out, hf_error *err);

#endif
