/* render/plot_syst.h - figures of two-point systematics: nominal/up/down templates with a ratio
 * panel, interpolation curves (codes 0, 1, 2, 4, 4p) with theta_hat +- sigma, and the ranking
 * (impacts on the top axis, pulls on the bottom axis). */
#ifndef HF_PLOT_SYST_H
#define HF_PLOT_SYST_H

#include <stddef.h>

#include "core/diag/constraints.h"
#include "core/diag/ranking.h"
#include "core/error.h"
#include "core/model/model.h"
#include "render/scene.h"

/* Templates of parameter par on sample/channel m->cs[cs]: nominal, +1 sigma and -1 sigma (every
 * normsys and histosys of that name combined), and up/nominal, down/nominal below. NULL with err
 * on ENOMEM or when par does not act on cs. Caller frees with hf_scene_free. */
hf_scene *hf_plot_syst_templates(const hf_model *m, size_t par, size_t cs, hf_error *err);

/* Interpolation curves: the yield of m->cs[cs] against alpha in [-3, 3] for codes 0, 1, 2, 4 and
 * 4p, one panel per bin for the (up to) six bins with the largest variation (a normsys alone: one
 * panel of the summed yield, since it scales every bin alike), the templates at alpha = -1, 0, 1
 * as markers, and theta_hat with a +-sigma strip (theta_hat NaN: none). */
hf_scene *hf_plot_syst_interp(const hf_model *m, size_t par, size_t cs, double theta_hat,
                              double sigma, hf_error *err);
/* The same with at most maxpanels bin panels; 1 (or a normsys alone, whatever maxpanels) gives
 * one panel of the yield summed over the bins. */
hf_scene *hf_plot_syst_interp_n(const hf_model *m, size_t par, size_t cs, double theta_hat,
                                double sigma, size_t maxpanels, hf_error *err);

/* Every (channel, sample) that parameter name acts on, one page each, for a multi-page PDF:
 * what = 0 templates, 1 interpolation (theta_hat/sigma as above). Returns *npages scenes (caller
 * frees each and the array); NULL with err when the parameter is unknown or has no two-point
 * modifier (HF_EUSAGE) or on ENOMEM. */
hf_scene **hf_plot_syst_pages(const hf_model *m, const char *name, int what, double theta_hat,
                              double sigma, size_t *npages, hf_error *err);

/* Ranking figure of the `top` highest-ranked parameters (0: 20): post-fit impacts as filled bars
 * and pre-fit impacts as hatched bars on the top axis (delta POI), pulls with their post-fit
 * constraint as points on the bottom axis. Caller frees with hf_scene_free; NULL on ENOMEM. */
hf_scene *hf_plot_syst_ranking(const hf_model *m, const hf_ranking *r, size_t top, hf_error *err);

/* Constraint sources of the `top` most constrained parameters (smallest post-fit/pre-fit width
 * first; 0: 20): left, each parameter's observed information H_jj as a bar of shares: the prior,
 * then per channel the first-order term (solid) and the template curvature (hatched; negative
 * curvature to the left of 0), the ten most informative channels in distinct colours and the
 * rest as "other channels"; right, the post-fit and conditional (1/sqrt(H_jj)) widths over the
 * prior's with the over-constraint threshold (threshold <= 0: no line); the legend above both.
 * Caller frees; NULL with err on ENOMEM or no parameter. */
hf_scene *hf_plot_syst_constraints(const hf_model *m, const hf_constraints *c, size_t top,
                                   double threshold, hf_error *err);

#endif
