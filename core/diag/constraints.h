/* core/diag/constraints.h - where the constraint on each nuisance parameter comes from: the
 * observed information at the best fit (the Hessian diagonal) split into the prior, the first-order
 * data term and the template-curvature term, per channel, bin and sample; flags naming the causes;
 * and, kept for comparison, the expected first-order Fisher shares. */
#ifndef HF_CONSTRAINTS_H
#define HF_CONSTRAINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"

typedef struct hf_constraints_options {
    double over_threshold; /* post-fit / pre-fit sigma below this: over-constrained (0: 0.5) */
    double pull_threshold; /* |pull| above this: pulled (0: 1) */
    bool bins;             /* also keep the per-bin shares and information */
    const hf_data *data;   /* the data the fit was made on (NULL: the observed data) */
} hf_constraints_options;

/* The observed information of every model parameter j at a point x (Cowan et al., EPJC 71
 * (2011) 1554, with the Poisson main measurement): the diagonal of the Hessian of -log L,
 *   H_jj = prior_j + sum_b (n_b / nu_b^2)(d nu_b / d theta_j)^2 + sum_b (1 - n_b / nu_b) d2 nu_b /
 * d theta_j^2, the prior term 1/sigma^2 (Gaussian) or a/theta^2 (Poisson, a the auxiliary datum).
 * The second sum, the curvature of the interpolated templates weighted by the data's deficit, is
 * what an expected (first-order) Fisher information leaves out. The parts add up to H_jj exactly.
 */
typedef struct hf_obsinfo {
    size_t npar, nchan, nbins, ncs;
    double *total, *prior, *first, *curv; /* npar each */
    double *chan_first, *chan_curv;       /* npar x nchan */
    double *bin_first, *bin_curv;         /* npar x nbins; NULL unless asked for */
    double *cs_curv;                      /* npar x ncs: curvature per (channel, sample) m->cs */
} hf_obsinfo;

/* Decompose the information at x for data d (bins: also per bin). 0, or -1 with err set. */
int hf_obsinfo_compute(const hf_model *m, const hf_data *d, const double *x, bool bins,
                       hf_obsinfo *out, hf_error *err);
void hf_obsinfo_release(hf_obsinfo *info);

/* Flags of a parameter (hf_constraints_par.flags). */
enum {
    HF_CFLAG_OVER = 1u << 0,      /* post-fit / pre-fit width below the threshold */
    HF_CFLAG_PULLED = 1u << 1,    /* |pull| above the pull threshold */
    HF_CFLAG_CURVATURE = 1u << 2, /* curvature above half of the data's part of H_jj (and at
                                     least 10% of H_jj, so a negligible data part is not flagged) */
    HF_CFLAG_ONE_SIDED = 1u << 3, /* up and down templates on one side in a source channel */
    HF_CFLAG_AT_BOUND = 1u << 4,  /* within 1e-6 of a bound, relative to the range */
    HF_CFLAG_HESSE = 1u << 5,     /* the Hessian is not positive definite at the best fit */
    HF_CFLAG_COUNT = 6
};
/* JSON name of flag bit number k (0 .. HF_CFLAG_COUNT-1): "over_constrained", "pulled", ... */
const char *hf_constraints_flag_name(unsigned k);

#define HF_CONSTRAINTS_PARTNERS 3
#define HF_CONSTRAINTS_RESTORE  6

typedef struct hf_constraints_par {
    size_t par;   /* model parameter index */
    double value; /* best-fit value */
    double pull;  /* (value - aux) / prefit_sigma (shapesys: aux 1, sigma 1/sqrt(tau)) */
    double prefit_sigma;
    double postfit_sigma; /* from the fit covariance */
    double ratio;         /* postfit_sigma / prefit_sigma */
    double fisher;        /* diagonal Fisher information I_jj: aux + sum over bins */
    double fisher_aux;    /* the auxiliary (constraint) term */
    double aux_share;     /* fisher_aux / fisher */
    bool over_constrained;
    /* observed information (copies of the hf_obsinfo entries of this parameter) */
    double info, info_prior, info_first, info_curv;
    double conditional_sigma; /* 1 / sqrt(info): the width with every other parameter fixed */
    unsigned flags;           /* HF_CFLAG_* */
    /* the parameters sharing the information: largest |correlation| first, each with this
     * parameter's marginal width when that partner alone is fixed (C_jj (1 - rho^2))^(1/2);
     * sigma_without_partners fixes all of them together (Schur complement of the covariance) */
    size_t npartners;
    size_t partner[HF_CONSTRAINTS_PARTNERS];
    double partner_rho[HF_CONSTRAINTS_PARTNERS];
    double partner_sigma[HF_CONSTRAINTS_PARTNERS];
    double sigma_without_partners;
    /* the parameters whose removal (fixing at the best fit) restores the conditional width,
     * chosen greedily: each the one that narrows this parameter most given those before it,
     * until the width is within 10% of conditional_sigma (at most HF_CONSTRAINTS_RESTORE);
     * restore_sigma[k] is the width with restore[0..k] fixed */
    size_t nrestore;
    size_t restore[HF_CONSTRAINTS_RESTORE];
    double restore_sigma[HF_CONSTRAINTS_RESTORE];
} hf_constraints_par;

typedef struct hf_constraints {
    size_t n; /* constrained free parameters, in pyhf order */
    hf_constraints_par *p;
    size_t nchan, nbins; /* copies of the model's */
    double *chan_share;  /* n x nchan: share of I_jj from each channel */
    double *bin_share;   /* n x nbins (NULL unless options.bins) */
    hf_obsinfo info;     /* observed information of every model parameter (index = par) */
} hf_constraints;

/* Analyse every constrained, free parameter of m at the best fit `fit` (which needs err filled).
 * Returns 0, or -1 with err set. Release with hf_constraints_release. */
int hf_constraints_compute(const hf_model *m, const hf_fit_result *fit,
                           const hf_constraints_options *opt, hf_constraints *out, hf_error *err);
void hf_constraints_release(hf_constraints *c);
/* The channels (model indices, by decreasing share) whose share of entry i reaches the source
 * share; returns how many were written to idx (at most nchan). */
size_t hf_constraints_sources(const hf_constraints *c, size_t i, double min_share, size_t *idx);
/* The same from the observed information: channels (by decreasing |first order + curvature|)
 * whose part of entry i's H_jj is at least min_share of it. */
size_t hf_constraints_info_sources(const hf_constraints *c, size_t i, double min_share,
                                   size_t *idx);
/* One line (UTF-8) explaining entry i's width and flags ("σ/σ₀ 0.59: 65% template curvature in
 * SR (sample ttbar), 30% prior"); malloc'ed, caller frees; NULL when out of memory. */
char *hf_constraints_explain(const hf_model *m, const hf_constraints *c, size_t i);

#endif
