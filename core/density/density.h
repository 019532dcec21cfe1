/* core/density/density.h - the density-estimation lab: is a histogram of M events generated from a
 * KDE (trained on n true events) better than the histogram of the n true events themselves?
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

#include "core/density/density_truth.h"
#include "core/density/kde.h"
#include "core/error.h"

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
    /* Bootstrap ensembles (core/density/binest.h): members per repetition, 0 for none (default).
     * Each rep's KDE gets a band from its own resamples; its coverage is measured. */
    size_t boot;
    /* Cost axis: seconds per simulated event, per generated event, and the one-time training
     * cost. The comparison at equal compute runs when cost_sim > 0 and cost_gen > 0 (default:
     * all 0, off). */
    double cost_sim, cost_gen, cost_train;
} hf_density_config;

void hf_density_config_init(hf_density_config *cfg);

/* One M of the grid. */
typedef struct hf_density_draw {
    double draws;             /* M */
    double mse, mse_err;      /* E sum_b (g_b/M - p_b)^2 and its standard error over reps */
    double sampling_variance; /* E sum_b (g_b/M - q_b)^2: the part more draws remove */
    double coverage; /* fraction of bins (n p_b >= 5) where g_b +- sqrt(g_b) covers M p_b */
    /* with bootstrap (else NaN), for f_b = g_b/M: f_b +- sqrt(s_b^2 + f_b(1-f_b)/M) with s_b the
     * bootstrap spread (plain), and (f_b - beta_b) +- sqrt(d_b^2 + f_b(1-f_b)/M) with beta_b the
     * estimated smoothing bias and d_b the debiased KDE's spread (debiased) */
    double boot_coverage, debiased_coverage;
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

/* One point of a strategy's MSE against total compute t (seconds). */
typedef struct hf_density_cost_point {
    double t;            /* compute spent */
    double events;       /* N simulated (simulation) or M generated (generative) */
    double mse, mse_err; /* measured over the reps */
    double model;        /* simulation: sum p(1-p)/N, exact; generative: floor + S_q / M */
} hf_density_cost_point;

/* The comparison at equal compute (cfg.cost_sim, cost_gen > 0). Simulation spends t on
 * N = t / c_sim events: MSE_sim(t) = sum p(1-p) c_sim / t, exactly. The generative strategy pays
 * t_start = c_train + n c_sim once (its training set), then c_gen per generated event:
 * MSE_gen(t) = floor + S_q c_gen / (t - t_start), floor = the KDE's MSE, S_q = E sum q(1-q).
 * The generative strategy is ahead on (cross_lo, cross_hi) only: the roots of
 *   floor t^2 - (floor t_start + K - S) t + K t_start = 0,   K = sum p(1-p) c_sim, S = S_q c_gen.
 * Past cross_hi simulation wins for good, since MSE_gen never goes below floor. The compute
 * saved at equal MSE, t_sim - t_gen, peaks at (sqrt K - sqrt S)^2 / floor - t_start: a one-time
 * gain, however much compute follows. */
typedef struct hf_density_cost {
    double c_sim, c_gen, c_train;
    double t_start;          /* c_train + n c_sim */
    double floor, floor_err; /* the generative strategy's MSE as t -> infinity */
    double sampling_coef;    /* S_q */
    size_t nsim, ngen;
    hf_density_cost_point *sim;    /* measured at N = t / c_sim */
    hf_density_cost_point *gen;    /* one per M of the draws grid */
    double cross_lo, cross_hi;     /* NaN when the generative strategy is never ahead */
    double max_saving, saving_mse; /* the peak of t_sim - t_gen (s) and the MSE where it is */
    double best_ratio, ratio_mse;  /* the peak of t_sim / t_gen and the MSE where it is */
} hf_density_cost;

/* Fill cross_lo .. ratio_mse of c from c_sim, c_gen, t_start, floor, sampling_coef and
 * sum_pq = sum p(1-p) (closed forms above; the ratio's peak by a log scan). */
void hf_density_cost_solve(hf_density_cost *c, double sum_pq);
/* The two strategies' MSE at compute t (closed forms above; NaN for generative before t_start). */
double hf_density_cost_sim_mse(const hf_density_cost *c, double sum_pq, double t);
double hf_density_cost_gen_mse(const hf_density_cost *c, double t);

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
    /* bootstrap (boot > 0; else the arrays NULL and the rest NaN). Coverage counts the bins
     * with n p_b >= 5 (see core/density/density.c), for every interval alike. */
    size_t boot;          /* members per rep */
    double boot_variance; /* mean over reps of sum_b s_b^2: estimates train_variance */
    double boot_variance_err;
    double debiased_variance; /* the same for the debiased KDE's spread d_b */
    double debiased_variance_err;
    double *boot_var_mean;     /* per bin: mean s_b^2 (bins), next to q_var */
    double *debiased_var_mean; /* per bin: mean d_b^2 */
    double *bias_est_mean;     /* per bin: mean beta_b, next to the true bias q_mean - p */
    double boot_coverage;      /* M -> inf: fraction of (rep, bin) with |q_b - p_b| <= s_b */
    double debiased_coverage;  /* M -> inf: with |q_b - beta_b - p_b| <= d_b */
    double nominal_coverage;   /* of a +-1 sigma interval, 0.6827 */
    hf_density_cost *cost;     /* NULL when the cost axis is off */
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
    /* with cfg.boot > 0 (else NULL): the bootstrap band of the generated histogram, plain
     * (centred on generated) and debiased (centred on debiased = generated - beta), each
     * sqrt(spread^2 + generated / draws), as probabilities per bin */
    double *boot_sd, *debiased, *debiased_sd;
} hf_density_example;

hf_density_example *hf_density_exp_example(const hf_density_exp *e, size_t rep, double draws,
                                           hf_error *err);
void hf_density_example_free(hf_density_example *ex); /* NULL is fine */

/* Parse an M grid "A:B" (log grid, 1 point per decade plus B itself unless it is on it),
 * "A:B:K" (K points per decade) or a comma list "10,100,1e3". Returns a malloc'ed ascending
 * array (*n set) or NULL with err (HF_EUSAGE). */
double *hf_density_parse_draws(const char *s, size_t *n, hf_error *err);

#endif
