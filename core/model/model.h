/* core/model/model.h - a workspace compiled for one measurement into flat arrays (structure of
 * arrays): expected yields, log-likelihood with every constant, analytic gradient and Jacobian.
 * Immutable after hf_model_compile, so threads share it; scratch space lives in hf_eval. */
#ifndef HF_MODEL_H
#define HF_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/interp.h"
#include "core/model/workspace.h"

typedef enum hf_constraint { HF_CON_NONE = 0, HF_CON_GAUSS, HF_CON_POISSON } hf_constraint;

/* One scalar parameter, in pyhf order (parameter sets sorted by name, components in bin order). */
typedef struct hf_param {
    const char *name; /* pyhf name: "mu", "staterror_SR[3]" */
    const char *set;  /* parameter-set name: "staterror_SR" */
    int component;    /* index within a per-bin set, -1 for a scalar set */
    size_t set_index; /* index into m->set */
    double init, lo, hi;
    bool fixed;
    hf_constraint con;
    double aux;     /* nominal auxiliary datum (gauss: mean; poisson: tau) */
    double sigma;   /* gauss width; poisson: 1/sqrt(tau) (the relative prior width) */
    double tau;     /* poisson scale factor */
    double lognorm; /* gauss: log(sigma) + log(sqrt(2 pi)), the constant of -log N */
    unsigned types; /* bit (1u << hf_modtype) for each modifier type that uses it */
} hf_param;

typedef struct hf_parset {
    const char *name;
    size_t first, n; /* parameters [first, first+n) */
    unsigned types;
} hf_parset;

/* One modifier applied to one sample in one channel. */
typedef struct hf_term {
    hf_modtype type;
    size_t par;                /* parameter index; per-bin types use par + bin */
    const hf_ws_modifier *src; /* hi/lo factors, hi_data/lo_data, data */
    double coef[6];            /* normsys code4 polynomial */
    double lnlo, lnhi;         /* normsys: log of the factors */
} hf_term;

/* One sample inside one channel. */
typedef struct hf_cs {
    size_t chan, samp; /* channel index (pyhf order), sample index (global pyhf order) */
    size_t off;        /* first main bin of the channel */
    size_t nbins;
    size_t ys;         /* offset of this entry in by-sample arrays (size m->nys) */
    const double *nom; /* nominal yields */
    const hf_ws_sample *src;
    size_t term0, nterm; /* terms m->term[term0 .. term0+nterm) */
    size_t nscal, nbinf; /* of which scalar factors first, then per-bin factors, then additive */
} hf_cs;

typedef struct hf_model_options {
    const char *measurement;      /* NULL: the first */
    const char *poi;              /* NULL: the measurement's */
    hf_interp_code normsys_code;  /* default HF_INTERP_CODE4 */
    hf_interp_code histosys_code; /* default HF_INTERP_CODE4P */
} hf_model_options;

typedef struct hf_model {
    const hf_workspace *ws; /* borrowed: must outlive the model */
    const hf_ws_measurement *meas;
    hf_interp_code normsys_code, histosys_code;

    size_t nchan;
    const hf_ws_channel **chan; /* pyhf order (sorted by name) */
    size_t *chan_off, *chan_nbins;
    size_t nbins; /* main bins, all channels */

    size_t nsamp;
    const char **samp_name; /* global sample list, sorted */

    size_t ncs;
    hf_cs *cs;  /* ordered by channel, then sample */
    size_t nys; /* length of by-sample arrays: sum of cs nbins */
    size_t nterm;
    hf_term *term;

    size_t npar;
    hf_param *par;
    size_t nset;
    hf_parset *set;
    int poi; /* parameter index, -1 when the model has no POI */

    double *obs;  /* observed main data (nbins) */
    double *aux;  /* nominal auxiliary data per parameter (npar; 0 where unconstrained) */
    size_t ncon;  /* number of constrained parameters (pyhf n_aux) */
    double *init; /* suggested init (npar) */
    bool *fixed;  /* suggested fixed (npar) */

    char *warning; /* one line when the measurement's POI is missing, else NULL */

    /* Fit settings asked for on the command line (--tolerance, --max-iter, --strategy, --seed),
     * like the suggested init: tolerance and iterations, when set, win over hf_fit_options;
     * strategy and seed apply where the options leave them 0; zero here means hf_fit's
     * defaults. fit_strategy is coded as hf_fit_options.strategy. */
    double fit_tol;
    int fit_max_iter;
    int fit_strategy;
    unsigned long fit_seed;
    /* -v: one line per fit stage (as hf_fit_options.log), used where the options give none */
    void (*fit_log)(void *ctx, const char *stage, int iter, double twice_nll, const char *message);
    void *fit_log_ctx;
    /* Main bins left out of the Poisson term of -log L (--mask, --fit-regions, blinded bins):
     * nbins flags, borrowed (the caller keeps them alive while the model is used), NULL: every
     * bin counts. Constraint terms stay; the fit holds the parameters this leaves without a say
     * (core/model/blind.h). Set before evaluating, as the fit settings above. */
    const bool *mask;
} hf_model;

/* Data the likelihood is evaluated on: main counts (nbins) and auxiliary data (npar, one per
 * parameter, ignored where unconstrained). hf_model_data gives the observed data. */
typedef struct hf_data {
    const double *main;
    const double *aux;
} hf_data;

hf_model *hf_model_compile(const hf_workspace *ws, const hf_model_options *opt, hf_error *err);
void hf_model_free(hf_model *m);
hf_data hf_model_data(const hf_model *m);
int hf_model_find_par(const hf_model *m, const char *name); /* -1 if absent */
int hf_model_find_channel(const hf_model *m, const char *name);
int hf_model_set_poi(hf_model *m, const char *name, hf_error *err);
/* The prior of a constrained parameter: centre (gauss: aux, poisson: aux/tau) and width
 * (sigma, or 1/sqrt(tau)). Returns false (and centre = init, width = 0) when unconstrained.
 * Pulls are (value - centre) / width. */
bool hf_param_prior(const hf_param *p, double *centre, double *width);

/* Scratch space for evaluations: one per thread. */
typedef struct hf_eval hf_eval;
hf_eval *hf_eval_new(const hf_model *m);
void hf_eval_free(hf_eval *ev);

/* Expected main data nu (nbins) and optionally per-sample yields ys (m->nys, NULL to skip).
 * Returns 0, or -1 when out of memory (its scratch evaluator), leaving nu and ys unset. */
int hf_model_expected(const hf_model *m, const double *pars, double *nu, double *ys);
/* The same with an evaluator of m made once (hf_eval_new): allocates nothing per call. */
void hf_eval_expected(hf_eval *ev, const double *pars, double *nu, double *ys);
/* Expected auxiliary data at pars (npar): the Asimov aux (gauss: theta, poisson: theta*tau). */
void hf_model_expected_aux(const hf_model *m, const double *pars, double *aux);
/* -log L including every constant (logpdf = -result). Returns +inf where nu <= 0 with n > 0.
 * Bins of m->mask are left out of this and every derivative below. */
double hf_model_nll(hf_eval *ev, const double *pars, const hf_data *d);
/* -log L and its gradient (npar entries; fixed parameters get their gradient too). */
double hf_model_nll_grad(hf_eval *ev, const double *pars, const hf_data *d, double *grad);
/* Exact Hessian of -log L (npar x npar, row-major), analytic (second derivatives of every
 * modifier and interpolation code); returns -log L, NaN when out of memory: its scratch is made
 * on the first call unless hf_eval_reserve_hessian made it (0, or -1 when out of memory). */
int hf_eval_reserve_hessian(hf_eval *ev);
double hf_model_hessian(hf_eval *ev, const double *pars, const hf_data *d, double *hess);
/* Jacobian d nu_b / d theta_j, row-major nbins x npar. Returns 0, or -1 when out of memory. */
int hf_model_jacobian(const hf_model *m, const double *pars, double *jac);
/* Same for per-sample yields: m->nys x npar (for per-sample uncertainty bands). 0 or -1. */
int hf_model_jacobian_by_sample(const hf_model *m, const double *pars, double *jac);
/* With an evaluator of m made once (allocates nothing per call), from one forward pass: the
 * expected yields nu and per-sample yields ys (as hf_eval_expected) and the Jacobians of either
 * (jac nbins x npar, jys m->nys x npar); each of the four may be NULL. */
void hf_eval_jacobians(hf_eval *ev, const double *pars, double *nu, double *ys, double *jac,
                       double *jys);
/* Diagonal second derivatives d2 nu / d theta_j^2 of the per-sample yields: m->nys x npar,
 * row-major (the curvature of the interpolated templates; with the Jacobian it rebuilds the
 * Hessian diagonal exactly). Returns 0, or -1 when out of memory. */
int hf_model_curvature_by_sample(const hf_model *m, const double *pars, double *d2);

#endif
