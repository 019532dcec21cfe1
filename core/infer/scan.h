/* core/infer/scan.h - profile likelihood scans of one or two parameters: twice the NLL difference
 * to the global minimum over a grid (every other free parameter profiled), and 1D intervals from
 * the crossings of 1 (68.3%) and 3.84 (95%). */
#ifndef HF_SCAN_H
#define HF_SCAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/model.h"

typedef struct hf_scan_options {
    int par, par2;   /* parameter indices; par2 = -1 for a 1D scan */
    double lo, hi;   /* range of par */
    double lo2, hi2; /* range of par2 */
    size_t n, n2;    /* points (n2 only for 2D) */
    int threads;     /* default 1 */
    atomic_int *cancel;
    bool single_start; /* only the warm start per point (faster; may follow a higher valley) */
} hf_scan_options;

typedef struct hf_scan_result {
    size_t n, n2;              /* n2 = 0 for a 1D scan */
    double *x, *y;             /* grid values of par (n) and par2 (n2, NULL in 1D) */
    double *dnll2;             /* twice delta NLL: n values, or n * n2 with dnll2[i * n2 + j] */
    bool *ok;                  /* the fit at the point converged */
    double twice_nll_min;      /* the global minimum (the lowest of the free fit and the grid) */
    double best[2];            /* par (and par2) at the global minimum */
    double int68[2], int95[2]; /* 1D intervals; an end is NAN where the scan does not cross */
} hf_scan_result;

/* Run the scan. Returns 0 (check ok[] per point) or -1 with err set (the free fit failed,
 * cancellation, memory). Release with hf_scan_result_release. */
int hf_scan_compute(const hf_model *m, const hf_data *d, const hf_scan_options *opt,
                    hf_scan_result *res, hf_error *err);
void hf_scan_result_release(hf_scan_result *res);
/* The interval where dnll2 < level around the minimum of a 1D grid, ends interpolated linearly
 * in sqrt(dnll2) (exact for a parabola); NAN where the grid does not cross. */
void hf_scan_crossings(const double *x, const double *dnll2, size_t n, double level, double out[2]);

#endif
