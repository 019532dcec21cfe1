/* core/density.h - the density-estimation lab: is a histogram of M events generated from a KDE
 * (trained on n true events) better than the histogram of the n true events themselves?
 *
 * One experiment repeats, R times with independent seeded training sets: draw n events from the
 * truth, histogram them, fit a Gaussian KDE, histogram M events sampled from the KDE for every M
 * of a log grid, and compare each estimate with the true bin probabilities p_b:
 *
 *   MSE = E sum_b (estimate_b - p_b)^2         (integrated over the bins, averaged over reps)
 *   histogram of n true events:  MSE = sum_b p_b (1 - p_b) / n            (exact, multinomial)
 *   KDE bin integrals q_b:       MSE = bias^2 + training variance         (the M -> inf limit)
 *   histogram of M generated:    MSE = bias^2 + training variance + sampling variance(M)
 *   amplification(M) = n_equiv / n with sum p(1-p) / n_equiv = MSE(M): how many true events
 *   the generated histogram is worth, per training event (Butter et al., SciPost Phys. 10, 139).
 *
 * Live use (the TUI): make an experiment, then call hf_density_exp_run with a small batch of
 * reps again and again from one worker thread; after each batch take hf_density_exp_result (a
 * snapshot the caller owns and may hand to the UI thread) and redraw. Each repetition r draws
 * from its own RNG seeded from (seed, r), so results do not depend on jobs or batch sizes.
 *
 *   hf_density_config cfg;
 *   hf_density_config_init(&cfg);          then set n, bins, rule, ... as wanted
 *   hf_density_exp *e = hf_density_exp_new(truth, &cfg, &err);
 *   while (hf_density_exp_done(e) < 200 && !cancel)
 *       if (hf_density_exp_run(e, 10, jobs, &cancel, &err) < 0) break;
 *       else { hf_density_result *r = hf_density_exp_result(e, &err); ... hand r over ... }
 *   hf_density_exp_free(e);
 */
#ifndef HF_DENSITY_H
#define HF_DENSITY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/density_truth.h"
#include "core/error.h"
#include "core/kde.h"

/* How a histogram of M generated events is drawn. EVENTS samples every event from the KDE
 * (O(1) each, hf_kde_sample); MULTINOMIAL draws the bin counts directly from Multinomial(M, q)
 * with q the KDE's (folded) bin integrals, which has the same distribution in O(bins) (for live
 * screens with huge M). */
typedef enum hf_density_sampling {
    HF_DENSITY_EVENTS = 0,
    HF_DENSITY_MULTINOMIAL
} hf_density_sampling;

/* KDE bin integrals: exact Gaussian CDF sums, binned (linear binning + FFT), or exact for
 * n <= 2000 and binned above (AUTO). */
typedef enum hf_density_kdemode {
    HF_DENSITY_KDE_AUTO = 0,
    HF_DENSITY_KDE_EXACT,
    HF_DENSITY_KDE_BINNED
} hf_density_kdemode;

typedef struct hf_density_config {
    size_t n;            /* training events per repetition (default 100) */
    size_t bins;         /* equal bins on the truth's range (default 20) */
    hf_kde_rule rule;    /* default HF_KDE_SILVERMAN */
    double bw_value;     /* HF_KDE_FIXED: the bandwidth; otherwise a multiple of the rule (1) */
    bool reflect;        /* fold the KDE at the range edges (default true) */
    bool isj_markers;    /* also compute ISJ in every rep to mark it in the scan (default true) */
    const double *draws; /* M grid, ascending (copied); NULL: 10, 100, ..., 1e6 */
    size_t ndraws;
    const double *scales; /* bandwidth scan, multiples of the bandwidth (copied); NULL: default */
    size_t nscales;
    const size_t *binnings; /* binning scan (copied); NULL: bins/4, bins/2, bins, 2 bins, 4 bins */
    size_t nbinnings;
    hf_density_sampling sampling; /* default HF_DENSITY_EVENTS */
    hf_density_kdemode kde;       /* default HF_DENSITY_KDE_AUTO */
    unsigned long seed;           /* default 1 */
} hf_density_config;

void hf_density_config_init(hf_density_config *cfg);

/* One M of the grid. */
typedef struct hf_density_draw {
    double draws;              /* M */
    double mse, mse_err;       /* E sum_b (g_b/M - p_b)^2 and its standard error over reps */
    double sampling_variance;  /* E sum_b (g_b/M - q_b)^2: the part more draws remove */
    double coverage;           /* fraction of bins (p_b > 0) where g_b +- sqrt(g_b) covers M p_b */
    double factor, factor_err; /* amplification n_equiv / n (error from mse_err) */
} hf_density_draw;

/* One bandwidth of the scan (KDE bin integrals, M -> inf). */
typedef struct hf_density_scan {
    double scale; /* multiple of the experiment's bandwidth */
    double h;     /* mean bandwidth over reps */
    double mse, mse_err, bias2, train_variance;
    double factor, factor_err;
} hf_density_scan;

/* One binning of the scan (KDE with the experiment's bandwidth, M -> inf). */
typedef struct hf_density_binning {
    size_t bins;
    double hist_mse, hist_mse_err, hist_theory; /* histogram of the n training events */
    double kde_mse, kde_mse_err;
    double factor, factor_err;
} hf_density_binning;

/* A snapshot of an experiment's results over its completed reps; the caller owns it. */
typedef struct hf_density_result {
    size_t reps, n, bins;
    double lo, hi;
    hf_kde_rule rule;
    double bw_value;
    bool reflect;
    double h_mean, h_sd;    /* bandwidth actually used */
    double rule_h[3];       /* mean Scott, Silverman, ISJ bandwidths (NaN if not computed) */
    size_t isj_fallbacks;   /* reps where ISJ had no root (Silverman used instead) */
    double *p;              /* true bin probabilities (bins) */
    double *q_mean, *q_var; /* KDE bin integrals: mean and variance over reps (bins) */
    double sum_pq;          /* sum_b p_b (1 - p_b): MSE of one true event's histogram */
    double hist_mse, hist_mse_err, hist_theory, hist_coverage;
    double kde_mse, kde_mse_err, bias2, train_variance;
    double kde_factor, kde_factor_err; /* amplification of the KDE itself (M -> inf) */
    double plateau_draws; /* M where sampling variance sum q(1-q)/M equals bias2 + variance */
    size_t ndraws;
    hf_density_draw *draw;
    size_t nscales;
    hf_density_scan *scan;
    size_t nbinnings;
    hf_density_binning *binning;
} hf_density_result;

typedef struct hf_density_exp hf_density_exp; /* opaque */

/* A new experiment on truth (borrowed: must outlive it) with no reps done. Returns NULL with err
 * (HF_EUSAGE) for a bad configuration. */
hf_density_exp *hf_density_exp_new(const hf_density_truth *truth, const hf_density_config *cfg,
                                   hf_error *err);
void hf_density_exp_free(hf_density_exp *e); /* NULL is fine */
/* Run the next nreps repetitions on `jobs` threads (<= 0: one per CPU). Stops early, after the
 * reps under way, when *cancel becomes non-zero (cancel may be NULL). Returns the number of reps
 * completed by this call, or -1 with err. Not re-entrant: one caller at a time. */
long hf_density_exp_run(hf_density_exp *e, size_t nreps, int jobs, const atomic_int *cancel,
                        hf_error *err);
size_t hf_density_exp_done(const hf_density_exp *e);
const hf_density_config *hf_density_exp_config(const hf_density_exp *e); /* draws etc. copied */
/* Results over the reps done so far (needs >= 2). Call it from the thread that runs the
 * experiment (or between runs). Returns NULL with err; caller frees with _result_free. */
hf_density_result *hf_density_exp_result(const hf_density_exp *e, hf_error *err);
void hf_density_result_free(hf_density_result *r); /* NULL is fine */

/* One repetition in detail, for pictures: its training events, bandwidth, KDE and a histogram
 * of `draws` events sampled from the KDE (an independent stream of the same seed). */
typedef struct hf_density_example {
    size_t n, bins;
    double lo, hi, h;
    double *x;     /* training events (n) */
    double *train; /* training histogram, as probabilities per bin (bins) */
    double *kde;   /* KDE bin integrals (bins) */
    double draws;
    double *generated; /* generated histogram, as probabilities per bin (bins) */
    double *truth;     /* true bin probabilities (bins) */
    hf_kde kde_fn;     /* the KDE itself (x points into this struct) for curves */
} hf_density_example;

hf_density_example *hf_density_exp_example(const hf_density_exp *e, size_t rep, double draws,
                                           hf_error *err);
void hf_density_example_free(hf_density_example *ex); /* NULL is fine */

/* Parse an M grid "A:B" (log grid, 1 point per decade plus B itself unless it is on it),
 * "A:B:K" (K points per decade) or a comma list "10,100,1e3". Returns a malloc'ed ascending
 * array (*n set) or NULL with err (HF_EUSAGE). */
double *hf_density_parse_draws(const char *s, size_t *n, hf_error *err);

#endif
