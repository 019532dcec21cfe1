/* render/plot_nllshape.h - likelihood-shape figures: one parameter's conditional curve beside the
 * Hessian parabola (and the profiled curve when computed), or a grid of the most irregular
 * parameters' curves in units of their fit error. */
#ifndef HF_PLOT_NLLSHAPE_H
#define HF_PLOT_NLLSHAPE_H

#include <stddef.h>

#include "core/diag/nllshape.h"
#include "core/error.h"
#include "core/model/model.h"
#include "render/scene.h"

/* One parameter's curves. */
hf_scene *hf_plot_nllshape_curve(const hf_model *m, const hf_nllshape_curve *c, hf_error *err);
/* The nmax (0: 12) least regular curves as a grid (order of hf_nllshape_order); the title says
 * how many of how many are shown. */
hf_scene *hf_plot_nllshape_grid(const hf_model *m, const hf_nllshape *s, size_t nmax,
                                hf_error *err);
/* The order the grid uses: indices into s->c (s->ncurves entries; caller frees; NULL on
 * ENOMEM): kinks, double minima and flat directions first, then non-parabolic two-point
 * parameters, then non-parabolic per-bin statistical ones, each by their largest departure from
 * the parabola where it is below 4. */
size_t *hf_nllshape_order(const hf_model *m, const hf_nllshape *s);

#endif
