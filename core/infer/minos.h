/* core/infer/minos.h - profile-likelihood (MINOS) intervals: for one parameter, the points where
 * 2 (NLL(theta_j, others refitted) - NLL_min) = 1 on each side of the best fit. */
#ifndef HF_MINOS_H
#define HF_MINOS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"

typedef struct hf_minos_options {
    double up;          /* the crossing level of 2 delta NLL (0: 1, a 68.3% interval) */
    double tol;         /* stop when the bracket is below tol * HESSE error (0: 1e-4) */
    int max_fits;       /* profiled fits per side (0: 40) */
    atomic_int *cancel; /* nonzero: stop (HF_ECANCELED) */
} hf_minos_options;

typedef struct hf_minos_side {
    double offset; /* signed offset of the crossing from the best fit; NAN when not found */
    bool valid;    /* the crossing was found (or the interval stops at the bound) */
    bool at_limit; /* the profile stays below the level up to the parameter's bound: the
                      interval stops there and offset is bound - best fit */
    int nfits;     /* profiled fits spent */
} hf_minos_side;

typedef struct hf_minos_result {
    size_t par;
    hf_minos_side lower, upper;
} hf_minos_result;

/* MINOS interval of parameter j of m on data d around the best fit `best` (unconditional, on
 * the same data and fixed mask). Each crossing is a root of 2 delta NLL - up along the
 * profile, found by stepping out on the Hessian parabola, then by regula falsi (Illinois) on
 * sqrt(2 delta NLL) - sqrt(up), which is nearly linear in theta_j. Returns 0, or -1 with err
 * set on allocation failure or cancellation. */
int hf_minos(const hf_model *m, const hf_data *d, const hf_fit_result *best, size_t j,
             const hf_minos_options *opt, hf_minos_result *out, hf_error *err);

/* The model parameter whose name is closest to name (edit distance, case-insensitive), for a
 * "did you mean" hint; NULL when the model has no parameters. */
const char *hf_minos_nearest(const hf_model *m, const char *name);

/* Parse "NAME[,NAME...]" or "all" into sel (npar): all selects every free parameter of fixed.
 * An unknown name fails with HF_EUSAGE naming the nearest parameter. Returns 0 or -1. */
int hf_minos_select(const hf_model *m, const char *spec, const bool *fixed, bool *sel,
                    hf_error *err);

#endif
