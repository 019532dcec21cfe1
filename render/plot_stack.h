/* render/plot_stack.h - per-channel stacked histograms (pre- or post-fit) with data, the model's
 * uncertainty band and a data/model ratio panel; and the yields with uncertainties behind them. */
#ifndef HF_PLOT_STACK_H
#define HF_PLOT_STACK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/model.h"
#include "render/scene.h"

/* Expected yields at one parameter point with uncertainties from linear propagation
 * sigma^2 = J C J^T through the model's Jacobian J (per bin, per sample and bin, per channel). */
typedef struct hf_yields {
    const hf_model *m;           /* borrowed */
    double *pars;                /* npar: the point */
    double *nu, *nu_err;         /* nbins: total expected yield per main bin and its uncertainty */
    double *ys, *ys_err;         /* m->nys: per sample and bin (m->cs[k].ys + bin) */
    double *cs_tot, *cs_err;     /* m->ncs: per sample summed over the channel's bins */
    double *chan_tot, *chan_err; /* m->nchan: per channel summed over samples and bins */
} hf_yields;

/* Yields at pars with covariance cov (npar x npar, row-major), or with cov == NULL the prior
 * covariance: diag(sigma^2) of the constrained, non-fixed parameters (free parameters and fixed
 * ones contribute nothing). Returns NULL with err on ENOMEM. Free with hf_yields_free. */
hf_yields *hf_yields_compute(const hf_model *m, const double *pars, const double *cov,
                             hf_error *err);
void hf_yields_free(hf_yields *y);

/* Prior covariance used when cov == NULL, as a vector of variances (npar); caller frees. */
double *hf_prior_variances(const hf_model *m);

/* Garwood (1936) central Poisson interval for n observed counts at confidence cl (0.6827 for
 * 1 sigma): lo = chi2_q((1-cl)/2, 2n)/2 (0 for n = 0), hi = chi2_q((1+cl)/2, 2n+2)/2. */
void hf_garwood(double n, double cl, double *lo, double *hi);

typedef struct hf_stack_options {
    bool postfit; /* labels only: the yields say which point is drawn */
    bool logy;
    bool show_data;             /* default true via hf_stack_options_init */
    const char *lumi_label;     /* e.g. "13 TeV, 139 fb⁻¹"; NULL: none */
    const char *extra_label;    /* another line under the channel name; NULL: none */
    double width_in, height_in; /* 0: single column 3.4 x 3.4 */
    double ratio_half;          /* ratio range 1 +- this; 0: from this figure's data */
} hf_stack_options;

void hf_stack_options_init(hf_stack_options *o);

/* Stable stacking order of channel c's samples: indices into m->cs, smallest nominal (pre-fit)
 * total at the bottom, ties by name; signal samples (hf_stack_is_signal) above all the others.
 * Writes *n entries into order (size >= m->ncs). */
void hf_stack_order(const hf_model *m, size_t c, size_t *order, size_t *n);
/* Whether m->cs[k] is a signal sample: its name contains "sig" (any case) or it carries the
 * POI's normfactor. */
bool hf_stack_is_signal(const hf_model *m, size_t k);
/* The ratio half-range hf_plot_stack picks for channel c of y (0.25, 0.5, 1 or 1.5); the largest
 * of the pre- and post-fit values gives both figures of a channel the same ratio axis. */
double hf_stack_ratio_half(const hf_yields *y, size_t c, bool show_data);

/* The stacked-histogram figure of channel c: main panel (stack, hatched band, data with Garwood
 * intervals, legend, channel and luminosity labels) over a ratio panel data/model with the
 * relative band. Samples take HF_ROLE_SAMPLE with their global sample index. NULL on ENOMEM. */
hf_scene *hf_plot_stack(const hf_yields *y, size_t c, const hf_stack_options *opt, hf_error *err);
/* The same two panels inside [x0, x1] x [y0, y1] (fractions) of an existing scene, e.g. pre- and
 * post-fit side by side on one report page. Returns 0, or -1 with err on ENOMEM. */
int hf_plot_stack_into(hf_scene *s, double x0, double y0, double x1, double y1, const hf_yields *y,
                       size_t c, const hf_stack_options *opt, hf_error *err);

#endif
