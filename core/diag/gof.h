/* core/diag/gof.h - goodness of fit: the saturated-model test statistic with per-channel and
 * per-bin parts, and the channel-compatibility test (one POI per channel against a common POI). */
#ifndef HF_GOF_H
#define HF_GOF_H

#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "core/model/workspace.h"

typedef struct hf_gof {
    double twice_nll_diff; /* 2 (NLL(best fit) - NLL(saturated)) */
    size_t ndof;           /* main bins + free constrained parameters - free parameters */
    double p_value;        /* chi2 survival probability of twice_nll_diff with ndof */
    double aux_diff;       /* the constraint terms' part */
    size_t nchan, nbins;
    double *chan_diff; /* nchan: each channel's part */
    double *bin_diff;  /* nbins: each main bin's part */
} hf_gof;

/* Saturated-model test (Baker and Cousins, NIM 221 (1984) 437) at the best fit `fit` of m to d.
 * Returns 0, or -1 with err set. Release with hf_gof_release. */
int hf_gof_saturated(const hf_model *m, const hf_data *d, const hf_fit_result *fit, hf_gof *out,
                     hf_error *err);
void hf_gof_release(hf_gof *g);

/* -log L of the constraint terms at their saturated point (each auxiliary expectation equal to
 * its datum): the part of -log L that only counts auxiliary measurements. Models that differ in
 * their number of constraints (a decorrelated parameter) are compared after subtracting it. */
double hf_gof_constraint_offset(const hf_model *m, const hf_data *d);

typedef struct hf_gof_channel {
    char *channel; /* channel name */
    char *name;    /* its own POI parameter */
    double value, error;
} hf_gof_channel;

typedef struct hf_gof_compat {
    char *poi; /* the common POI */
    double twice_nll_common, twice_nll_split;
    double twice_nll_diff; /* common - split, each less 2 hf_gof_constraint_offset */
    size_t ndof;           /* channels with the POI - 1 */
    double p_value;
    int converged; /* the split fit converged */
    size_t n;
    hf_gof_channel *ch;
} hf_gof_compat;

/* Channel compatibility: split m's POI into one parameter per channel (core/diag/decorrelate.h),
 * refit the observed data and compare with `common` (the fit of m, the model compiled from ws with
 * mopt). Returns 0, or -1 with err set. Release with hf_gof_compat_release. */
int hf_gof_compatibility(const hf_workspace *ws, const hf_model_options *mopt, const hf_model *m,
                         const hf_fit_result *common, hf_gof_compat *out, hf_error *err);
void hf_gof_compat_release(hf_gof_compat *c);

#endif
