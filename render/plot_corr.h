/* render/plot_corr.h - the correlation matrix of the fitted parameters as a colour map with a
 * colour bar, pruned to the parameters that matter. */
#ifndef HF_PLOT_CORR_H
#define HF_PLOT_CORR_H

#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "render/scene.h"

typedef struct hf_corr_options {
    double threshold;  /* keep parameters with some |rho_ij| >= threshold (i != j); 0: 0.2 */
    size_t max_params; /* keep at most this many (largest max |rho| first); 0: 40 */
    bool show_values;  /* print rho in the cells when they are large enough (default on) */
    double width_in;   /* 0: 7.0 */
    double label_frac; /* most of the figure's width (or height) the names take; 0: 0.34 */
} hf_corr_options;

void hf_corr_options_init(hf_corr_options *o);

/* Parameter indices kept by the pruning (model order), *n of them, always with the POI (unless
 * it is fixed or nothing else is kept; it takes the weakest one's place at max_params); caller
 * frees. NULL on
 * ENOMEM or when the fit has no covariance. corr is npar x npar. */
size_t *hf_corr_select(const hf_model *m, const double *corr, const bool *fixed,
                       const hf_corr_options *opt, size_t *n);

/* The figure; NULL with err on ENOMEM or without covariance (HF_EUSAGE). When no pair passes
 * the threshold the figure says so in words. */
hf_scene *hf_plot_corr(const hf_model *m, const hf_fit_result *fit, const hf_corr_options *opt,
                       hf_error *err);

#endif
