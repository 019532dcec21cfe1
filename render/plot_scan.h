/* render/plot_scan.h - profile-likelihood scans with the 68%/95% levels, and Brazil bands:
 * expected +-1/+-2 sigma and observed CLs against the POI, or upper limits across signal points.
 * Inputs are plain arrays so any producer (scan, cls, limit, patchset commands) can feed them. */
#ifndef HF_PLOT_SCAN_H
#define HF_PLOT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "render/scene.h"

typedef struct hf_scan_data {
    const char *parameter; /* x-axis label */
    size_t n;
    const double *x;     /* n parameter values, ascending */
    const double *dnll2; /* n values of -2 Delta ln L (twice_nll - min) */
    double best;         /* best-fit value (NAN: none drawn) */
    double lo68, hi68;   /* interval ends (NAN: not found) */
    double lo95, hi95;
    double width_in; /* 0: single column */
} hf_scan_data;

hf_scene *hf_plot_scan(const hf_scan_data *d, hf_error *err);

/* The 68.27% and 95% levels of -2 Delta ln L for one parameter (chi2 quantiles, 1 dof). */
double hf_scan_level(double cl);
/* Intervals come from core/infer/scan.h (hf_scan_interval). */

typedef struct hf_brazil_data {
    size_t n;
    const double *x;           /* n: POI values, or 0..n-1 for signal points */
    const char *const *labels; /* n category labels for signal points; NULL: numeric x */
    const double *obs;         /* n observed values (NAN: missing), or NULL */
    const double *exp;         /* n x 5: expected at -2,-1,0,+1,+2 sigma (ascending) */
    const char *xlabel, *ylabel;
    double level;            /* horizontal reference line (0.05 for CLs at 95%); <= 0: none */
    const char *level_label; /* its legend entry; NULL: "<level> level" */
    bool logy;
    const char *title; /* a label inside the plot (e.g. "CLs, q~mu"); NULL: none */
    double width_in;   /* 0: single column (double when there are many labels) */
} hf_brazil_data;

hf_scene *hf_plot_brazil(const hf_brazil_data *d, hf_error *err);

#endif
