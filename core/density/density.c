/* core/density/density.c - the density-lab experiment: repeated training sets, histogram vs KDE vs
 * histograms of generated events, reduced to MSE, its decomposition and amplification. */
#include "core/density/density.h"

#include "core/density/binest.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define DRAWS_MAX 4e9 /* multinomial counts are unsigned int */
#define BOOT_MAX  100000
/* Coverage counts the bins where the n training events expect at least this many entries: a
 * +-1 sigma interval means something there, while no band built from n events can know of a
 * bin that they never reach (sparse bins need Poisson intervals). */
#define COVER_MIN_EVENTS 5.0
#define SIM_EVENTS_MAX   1e7 /* the simulation strategy's largest N per rep (cost axis) */
#define NOMINAL_1SIGMA   0.6826894921370859 /* erf(1 / sqrt 2) */
/* random streams per rep: training + generation, example generation, bootstrap, simulation */
enum { STREAM_TRAIN = 0, STREAM_EXAMPLE = 1, STREAM_BOOT = 2, STREAM_SIM = 3 };
/* L'Ecuyer's maximally equidistributed combined Tausworthe generator (Math. Comp. 65 (1996)
 * 203): period 2^88, and 2.5 times faster than MT19937 here, which matters at 2e8 events. */
#define RNG_TYPE gsl_rng_taus2

struct hf_density_exp {
    const hf_density_truth *truth;
    hf_density_config cfg; /* draws, scales, binnings point to the copies below */
    double *draws, *scales;
    size_t *binnings;
    double lo, hi;
    double *p;            /* true probabilities at cfg.bins */
    double **pbin;        /* true probabilities per binning of the scan */
    unsigned char *cover; /* bins where coverage is counted: n p_b >= COVER_MIN_EVENTS */
    size_t npos;          /* how many */
    bool exact;           /* KDE bin integrals exact (else binned) */
    /* per-rep results, rep r at index r; `done` reps complete, room for `cap` */
    size_t done, cap;
    double *hist_mse;
    unsigned *hist_cov;
    double *h, *hr; /* bandwidth used; Scott, Silverman, ISJ (3 per rep) */
    unsigned char *isj_fb;
    double *q;                  /* bins per rep */
    double *gen_mse, *gen_sv;   /* ndraws per rep */
    unsigned *gen_cov;          /* ndraws per rep */
    double *scan_q;             /* nscales * bins per rep */
    double *bin_hist, *bin_kde; /* nbinnings per rep */
    double *sumqq;              /* sum_b q_b (1 - q_b) per rep */
    double *boot_var;           /* per rep: bins plain, then bins debiased (cfg.boot > 0) */
    double *boot_bias;          /* per rep: bins of beta, the estimated smoothing bias */
    unsigned *boot_cov;         /* per rep: covered bins (plain, debiased) at M -> inf */
    unsigned *gen_bcov;         /* per rep and M: covered bins (plain, debiased) */
    size_t nsim;                /* cost axis: the simulation strategy's N grid */
    double *sim_events;
    double *sim_mse; /* nsim per rep */
};

void
hf_density_config_init(hf_density_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->n = 100;
    cfg->bins = 20;
    cfg->rule = HF_KDE_SILVERMAN;
    cfg->bw_value = 1.0;
    cfg->reflect = true;
    cfg->isj_markers = true;
    cfg->sampling = HF_DENSITY_EVENTS;
    cfg->kde = HF_DENSITY_KDE_AUTO;
    cfg->seed = 1;
}

/* splitmix64 (Steele, Lea, Flood 2014): decorrelates the per-rep seeds. */
static uint64_t
splitmix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The seed of one stream of one rep. Streams 0 and 1 keep their original formula (published
 * numbers stay reproducible); later streams start from their own family. */
static unsigned long
rep_seed(unsigned long seed, size_t rep, unsigned stream)
{
    uint64_t base = splitmix64((uint64_t)seed);
    if (stream > 1)
        base = splitmix64(base ^ (0xd1b54a32d192ed03ULL * stream));
    uint64_t s = splitmix64(base ^ splitmix64(2 * (uint64_t)rep + (stream & 1)));
    return (unsigned long)(s ^ (s >> 32));
}

void
hf_density_exp_free(hf_density_exp *e)
{
    if (e == NULL)
        return;
    free(e->draws);
    free(e->scales);
    free(e->binnings);
    free(e->p);
    if (e->pbin != NULL)
        for (size_t i = 0; i < e->cfg.nbinnings; i++)
            free(e->pbin[i]);
    free(e->pbin);
    free(e->hist_mse);
    free(e->hist_cov);
    free(e->h);
    free(e->hr);
    free(e->isj_fb);
    free(e->q);
    free(e->gen_mse);
    free(e->gen_sv);
    free(e->gen_cov);
    free(e->scan_q);
    free(e->bin_hist);
    free(e->bin_kde);
    free(e->sumqq);
    free(e->boot_var);
    free(e->boot_bias);
    free(e->cover);
    free(e->boot_cov);
    free(e->gen_bcov);
    free(e->sim_events);
    free(e->sim_mse);
    free(e);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The simulation strategy's N grid (cost axis): 4 points per decade from n/10 to past both
 * ends of the generative strategy's compute range and 100 n, at most SIM_EVENTS_MAX. */
static int
sim_grid(hf_density_exp *e)
{
    const hf_density_config *c = &e->cfg;
    double n = (double)c->n, t0 = c->cost_train + n * c->cost_sim;
    double tmax = t0 + c->cost_gen * (c->ndraws ? e->draws[c->ndraws - 1] : 1.0);
    double lo = fmax(2.0, floor(n / 10.0)), hi = fmax(100.0 * n, 10.0 * tmax / c->cost_sim);
    hi = fmin(hi, SIM_EVENTS_MAX);
    lo = fmin(lo, hi / 10.0); /* a huge n: the grid still spans a decade below the cap */
    size_t cap = (size_t)(4.0 * log10(hi / lo)) + 3;
    if ((e->sim_events = malloc(cap * sizeof(double))) == NULL)
        return -1;
    size_t k = 0;
    for (size_t i = 0; k + 1 < cap; i++) {
        double v = floor(lo * pow(10.0, (double)i / 4.0) + 0.5);
        if (v > hi)
            break;
        if (k == 0 || v > e->sim_events[k - 1])
            e->sim_events[k++] = v;
    }
    e->nsim = k;
    return 0;
}

/* A new experiment (see the header). Returns NULL with err; caller frees. */
hf_density_exp *
hf_density_exp_new(const hf_density_truth *truth, const hf_density_config *cfg, hf_error *err)
{
    if (cfg->n < 2)
        return hf_error_set(err, HF_EUSAGE, "", "--n must be at least 2"), NULL;
    if (cfg->bins < 2 || cfg->bins > 100000)
        return hf_error_set(err, HF_EUSAGE, "", "--bins must be between 2 and 100000"), NULL;
    if (!(cfg->bw_value > 0) || !isfinite(cfg->bw_value))
        return hf_error_set(err, HF_EUSAGE, "", "the bandwidth must be a positive number"), NULL;
    if (cfg->boot == 1 || cfg->boot > BOOT_MAX)
        return hf_error_set(err, HF_EUSAGE, "", "--bootstrap must be between 2 and %d members",
                            BOOT_MAX),
               NULL;
    if (!(cfg->cost_sim >= 0 && cfg->cost_gen >= 0 && cfg->cost_train >= 0) ||
        !isfinite(cfg->cost_sim + cfg->cost_gen + cfg->cost_train) ||
        ((cfg->cost_sim > 0) != (cfg->cost_gen > 0)))
        return hf_error_set(err, HF_EUSAGE, "",
                            "costs must be finite and >= 0, and --cost-sim and --cost-gen "
                            "come together"),
               NULL;
    hf_density_exp *e = calloc(1, sizeof(*e));
    if (e == NULL)
        return hf_error_nomem(err), NULL;
    e->truth = truth;
    e->cfg = *cfg;
    e->lo = hf_density_truth_lo(truth);
    e->hi = hf_density_truth_hi(truth);
    static const double def_draws[] = {10, 100, 1e3, 1e4, 1e5, 1e6};
    const double *dr = cfg->draws != NULL ? cfg->draws : def_draws;
    size_t nd = cfg->draws != NULL ? cfg->ndraws : sizeof(def_draws) / sizeof(def_draws[0]);
    double def_scales[9];
    for (int i = 0; i < 9; i++)
        def_scales[i] = pow(2.0, (i - 4) / 2.0); /* 0.25 ... 4 in steps of sqrt 2; [4] = 1 */
    const double *sc = cfg->scales != NULL ? cfg->scales : def_scales;
    size_t ns = cfg->scales != NULL ? cfg->nscales : 9;
    size_t def_bin[5] = {cfg->bins / 4, cfg->bins / 2, cfg->bins, 2 * cfg->bins, 4 * cfg->bins};
    const size_t *bn = cfg->binnings != NULL ? cfg->binnings : def_bin;
    size_t nb = cfg->binnings != NULL ? cfg->nbinnings : 5;

    e->draws = malloc((nd ? nd : 1) * sizeof(double));
    e->scales = malloc((ns ? ns : 1) * sizeof(double));
    e->binnings = malloc((nb ? nb : 1) * sizeof(size_t));
    e->p = malloc(cfg->bins * sizeof(double));
    e->pbin = calloc(nb ? nb : 1, sizeof(double *));
    if (e->draws == NULL || e->scales == NULL || e->binnings == NULL || e->p == NULL ||
        e->pbin == NULL)
        goto nomem;
    for (size_t i = 0; i < nd; i++) {
        if (!(dr[i] >= 1 && dr[i] <= DRAWS_MAX) || (i > 0 && !(dr[i] > dr[i - 1]))) {
            hf_error_set(err, HF_EUSAGE, "", "draws must ascend within [1, 4e9]");
            goto fail;
        }
        e->draws[i] = floor(dr[i] + 0.5);
    }
    e->cfg.draws = e->draws;
    e->cfg.ndraws = nd;
    for (size_t i = 0; i < ns; i++) {
        if (!(sc[i] > 0) || !isfinite(sc[i])) {
            hf_error_set(err, HF_EUSAGE, "", "bandwidth scales must be positive");
            goto fail;
        }
        e->scales[i] = sc[i];
    }
    qsort(e->scales, ns, sizeof(double), cmp_double);
    e->cfg.scales = e->scales;
    e->cfg.nscales = ns;
    size_t kept = 0;
    for (size_t i = 0; i < nb; i++) {
        int dup = 0;
        for (size_t j = 0; j < kept; j++)
            dup |= e->binnings[j] == bn[i];
        if (bn[i] >= 2 && bn[i] <= 100000 && !dup)
            e->binnings[kept++] = bn[i];
    }
    e->cfg.binnings = e->binnings;
    e->cfg.nbinnings = kept;
    for (size_t i = 0; i < kept; i++)
        if ((e->pbin[i] = malloc(e->binnings[i] * sizeof(double))) == NULL)
            goto nomem;
        else
            hf_density_truth_probs(truth, e->binnings[i], e->pbin[i]);
    hf_density_truth_probs(truth, cfg->bins, e->p);
    if ((e->cover = malloc(cfg->bins)) == NULL)
        goto nomem;
    for (size_t b = 0; b < cfg->bins; b++) {
        e->cover[b] = (double)cfg->n * e->p[b] >= COVER_MIN_EVENTS;
        e->npos += e->cover[b];
    }
    e->exact = cfg->kde == HF_DENSITY_KDE_EXACT ||
               (cfg->kde == HF_DENSITY_KDE_AUTO && cfg->n <= HF_KDE_EXACT_MAX);
    if (cfg->cost_sim > 0 && sim_grid(e) != 0)
        goto nomem;
    return e;
nomem:
    hf_error_nomem(err);
fail:
    hf_density_exp_free(e);
    return NULL;
}

size_t
hf_density_exp_done(const hf_density_exp *e)
{
    return e->done;
}

static int
grow(void **p, size_t count, size_t size)
{
    void *q = realloc(*p, count * size);
    if (q == NULL)
        return -1;
    *p = q;
    return 0;
}

/* Room for `want` reps in every per-rep array. */
static int
reserve(hf_density_exp *e, size_t want)
{
    if (want <= e->cap)
        return 0;
    size_t cap = e->cap ? e->cap : 64;
    while (cap < want)
        cap *= 2;
    const hf_density_config *c = &e->cfg;
    size_t nd = c->ndraws ? c->ndraws : 1, ns = c->nscales ? c->nscales : 1;
    size_t nb = c->nbinnings ? c->nbinnings : 1;
    if (grow((void **)&e->hist_mse, cap, sizeof(double)) || //
        grow((void **)&e->hist_cov, cap, sizeof(unsigned)) ||
        grow((void **)&e->h, cap, sizeof(double)) ||
        grow((void **)&e->hr, cap * 3, sizeof(double)) || grow((void **)&e->isj_fb, cap, 1) ||
        grow((void **)&e->q, cap * c->bins, sizeof(double)) ||
        grow((void **)&e->gen_mse, cap * nd, sizeof(double)) ||
        grow((void **)&e->gen_sv, cap * nd, sizeof(double)) ||
        grow((void **)&e->gen_cov, cap * nd, sizeof(unsigned)) ||
        grow((void **)&e->scan_q, cap * ns * c->bins, sizeof(double)) ||
        grow((void **)&e->bin_hist, cap * nb, sizeof(double)) ||
        grow((void **)&e->bin_kde, cap * nb, sizeof(double)) ||
        grow((void **)&e->sumqq, cap, sizeof(double)))
        return -1;
    if (c->boot > 0 && (grow((void **)&e->boot_var, cap * 2 * c->bins, sizeof(double)) ||
                        grow((void **)&e->boot_bias, cap * c->bins, sizeof(double)) ||
                        grow((void **)&e->boot_cov, cap * 2, sizeof(unsigned)) ||
                        grow((void **)&e->gen_bcov, cap * 2 * nd, sizeof(unsigned))))
        return -1;
    if (e->nsim > 0 && grow((void **)&e->sim_mse, cap * e->nsim, sizeof(double)))
        return -1;
    e->cap = cap;
    return 0;
}

/* Per-thread scratch. */
typedef struct worker {
    hf_density_exp *e;
    atomic_size_t *next;
    size_t end;
    const atomic_int *cancel;
    gsl_rng *rng, *aux; /* aux: the bootstrap and simulation streams */
    double *x, *cnt, *tmp, *gen;
    unsigned *mn;
    int failed;
    hf_error err;
} worker;

static size_t
max_bins(const hf_density_exp *e)
{
    size_t m = e->cfg.bins;
    for (size_t i = 0; i < e->cfg.nbinnings; i++)
        m = e->binnings[i] > m ? e->binnings[i] : m;
    return m;
}

/* Count y into cnt, nb equal bins of width 1/inv on [lo, hi]; a y outside is dropped and hi
 * falls in the last bin. */
static void
bin_add(double *cnt, size_t nb, double lo, double hi, double inv, double y)
{
    if (!(y >= lo && y <= hi))
        return;
    size_t b = (size_t)((y - lo) * inv);
    cnt[b < nb ? b : nb - 1] += 1.0;
}

/* Histogram of x[0..n) in nb equal bins on [lo, hi] into cnt (points outside are dropped). */
static void
histogram(const double *x, size_t n, double lo, double hi, size_t nb, double *cnt)
{
    double inv = (double)nb / (hi - lo);
    memset(cnt, 0, nb * sizeof(double));
    for (size_t i = 0; i < n; i++)
        bin_add(cnt, nb, lo, hi, inv, x[i]);
}

static int
kde_probs(const hf_density_exp *e, const hf_kde *k, size_t nb, double *q, hf_error *err)
{
    return hf_kde_probs_mode(k, nb, e->exact, q, err);
}

/* Draw the training set of rep r (the first use of its stream) and its bandwidths. */
static double
train(const hf_density_exp *e, gsl_rng *rng, size_t r, double *x, double hr[3], unsigned char *fb,
      hf_error *err)
{
    const hf_density_config *c = &e->cfg;
    gsl_rng_set(rng, rep_seed(c->seed, r, 0));
    for (size_t i = 0; i < c->n; i++)
        x[i] = hf_density_truth_sample_one(e->truth, rng);
    bool fallback = false;
    bool want_isj = c->rule == HF_KDE_ISJ || c->isj_markers;
    if (hf_kde_bandwidths(x, c->n, e->lo, e->hi, want_isj, hr, &fallback) != 0)
        return hf_error_nomem(err), NAN;
    if (fb != NULL)
        *fb = fallback;
    double rule_h = c->rule == HF_KDE_FIXED ? NAN : hr[c->rule];
    return hf_kde_scaled_bandwidth(c->rule, c->bw_value, rule_h, e->lo, e->hi);
}

/* The variance of a generated histogram's bin fraction f = g/M, as estimated from itself: the
 * counts are multinomial (M is fixed), so f(1 - f)/M. */
static double
sampling_var(double f, double M)
{
    return f * (1.0 - f) / M;
}

/* The bootstrap bands of rep r, whose training set is x and KDE bin integrals q: var and dvar
 * (bins each) the plain and the debiased estimator's spread over the same resamples, beta the
 * estimated smoothing bias q(sqrt 2 h) - q(h). Returns 0 or -1. */
static int
boot_bands(const hf_density_exp *e, size_t r, const double *x, const double *q, gsl_rng *rng,
           double *var, double *dvar, double *beta, hf_error *err)
{
    const hf_density_config *c = &e->cfg;
    hf_binest est = {.kind = HF_BINEST_KDE,
                     .bins = c->bins,
                     .lo = e->lo,
                     .hi = e->hi,
                     .rule = c->rule,
                     .bw_value = c->bw_value,
                     .reflect = c->reflect,
                     .exact = e->exact};
    est.debias = true;
    gsl_rng_set(rng, rep_seed(c->seed, r, STREAM_BOOT));
    if (hf_binest_bootstrap_pair(&est, x, c->n, c->boot, rng, dvar, var, err) != 0)
        return -1;
    if (hf_binest_eval(&est, x, c->n, beta, NULL, err) != 0) /* the debiased q - beta */
        return -1;
    for (size_t b = 0; b < c->bins; b++)
        beta[b] = q[b] - beta[b];
    return 0;
}

/* The bootstrap bands of one rep (NULL when there are none): the plain and the debiased
 * estimator's variance, and the debiased one's bias estimate beta. */
typedef struct rep_bands {
    const double *var, *dvar, *beta;
} rep_bands;

/* Rep r's histogram of its n true events: its MSE and coverage. */
static void
rep_true_hist(worker *w, size_t r)
{
    hf_density_exp *e = w->e;
    size_t n = e->cfg.n, B = e->cfg.bins;
    const double *p = e->p;
    histogram(w->x, n, e->lo, e->hi, B, w->cnt);
    double mse = 0;
    unsigned cov = 0;
    for (size_t b = 0; b < B; b++) {
        double d = w->cnt[b] / (double)n - p[b];
        mse += d * d;
        if (e->cover[b] && fabs(w->cnt[b] - (double)n * p[b]) <= sqrt(w->cnt[b]))
            cov++;
    }
    e->hist_mse[r] = mse;
    e->hist_cov[r] = cov;
}

/* The bootstrap bands of rep r's KDE (bin integrals q): the spread over resamples of the
 * training set of the KDE itself (plain) and of its bias-corrected form (debiased, centred on
 * q - beta), with their coverage. Fills *bands. Returns 0 or -1. */
static int
rep_boot(worker *w, size_t r, const double *q, rep_bands *bands)
{
    hf_density_exp *e = w->e;
    size_t B = e->cfg.bins;
    const double *p = e->p;
    double *var = e->boot_var + 2 * r * B, *dvar = var + B, *bias = e->boot_bias + r * B;
    if (boot_bands(e, r, w->x, q, w->aux, var, dvar, bias, &w->err) != 0)
        return -1;
    unsigned bc = 0, dc = 0;
    for (size_t b = 0; b < B; b++) {
        bc += e->cover[b] && fabs(q[b] - p[b]) <= sqrt(var[b]);
        dc += e->cover[b] && fabs(q[b] - bias[b] - p[b]) <= sqrt(dvar[b]);
    }
    e->boot_cov[2 * r] = bc;
    e->boot_cov[2 * r + 1] = dc;
    *bands = (rep_bands){.var = var, .dvar = dvar, .beta = bias};
    return 0;
}

/* Rep r's generated histogram after M events: its MSE against the truth, its spread around the
 * KDE, and its coverage (Poisson, and the bootstrap bands with its own noise added). */
static void
rep_gen_score(worker *w, size_t r, size_t m, const double *q, const rep_bands *bands)
{
    hf_density_exp *e = w->e;
    const hf_density_config *c = &e->cfg;
    size_t B = c->bins;
    const double *p = e->p, *g = w->gen;
    double M = e->draws[m];
    double ms = 0, sv = 0;
    unsigned gc = 0, bc = 0, dc = 0;
    for (size_t b = 0; b < B; b++) {
        double est = g[b] / M, d = est - p[b], s = est - q[b], noise = sampling_var(est, M);
        ms += d * d;
        sv += s * s;
        if (!e->cover[b])
            continue;
        gc += fabs(g[b] - M * p[b]) <= sqrt(g[b]);
        /* the bootstrap bands with the generated histogram's own (Poisson) noise added */
        if (bands != NULL) {
            bc += fabs(d) <= sqrt(bands->var[b] + noise);
            dc += fabs(d - bands->beta[b]) <= sqrt(bands->dvar[b] + noise);
        }
    }
    e->gen_mse[r * c->ndraws + m] = ms;
    e->gen_sv[r * c->ndraws + m] = sv;
    e->gen_cov[r * c->ndraws + m] = gc;
    if (bands != NULL) {
        e->gen_bcov[2 * (r * c->ndraws + m)] = bc;
        e->gen_bcov[2 * (r * c->ndraws + m) + 1] = dc;
    }
}

/* Histograms of M events generated from rep r's KDE k (bin integrals q), nested: each M adds
 * events to the previous one. */
static void
rep_generated(worker *w, size_t r, const hf_kde *k, const double *q, const rep_bands *bands)
{
    hf_density_exp *e = w->e;
    const hf_density_config *c = &e->cfg;
    size_t B = c->bins;
    double *g = w->gen;
    memset(g, 0, B * sizeof(double));
    double done = 0, inv = (double)B / (e->hi - e->lo), lo = e->lo, hi = e->hi;
    double qout = 1.0;
    for (size_t b = 0; b < B; b++)
        qout -= q[b];
    for (size_t m = 0; m < c->ndraws; m++) {
        double M = e->draws[m];
        size_t add = (size_t)(M - done);
        if (c->sampling == HF_DENSITY_EVENTS) {
            for (size_t i = 0; i < add; i++)
                bin_add(g, B, lo, hi, inv, hf_kde_sample(k, w->rng));
        } else {
            /* the same distribution in O(bins): Multinomial(add, q, outside) */
            w->tmp[B] = qout > 0 ? qout : 0.0;
            memcpy(w->tmp, q, B * sizeof(double));
            gsl_ran_multinomial(w->rng, B + 1, (unsigned)add, w->tmp, w->mn);
            for (size_t b = 0; b < B; b++)
                g[b] += w->mn[b];
        }
        done = M;
        rep_gen_score(w, r, m, q, bands);
    }
}

/* The cost axis: histograms of N simulated (true) events, nested like the generated ones. */
static void
rep_simulated(worker *w, size_t r)
{
    hf_density_exp *e = w->e;
    const hf_density_config *c = &e->cfg;
    size_t B = c->bins;
    const double *p = e->p;
    double *g = w->gen;
    double done = 0, inv = (double)B / (e->hi - e->lo), lo = e->lo, hi = e->hi;
    gsl_rng_set(w->aux, rep_seed(c->seed, r, STREAM_SIM));
    memset(g, 0, B * sizeof(double));
    for (size_t m = 0; m < e->nsim; m++) {
        double N = e->sim_events[m];
        size_t add = (size_t)(N - done);
        if (c->sampling == HF_DENSITY_EVENTS) {
            for (size_t i = 0; i < add; i++)
                bin_add(g, B, lo, hi, inv, hf_density_truth_sample_one(e->truth, w->aux));
        } else {
            memcpy(w->tmp, p, B * sizeof(double));
            gsl_ran_multinomial(w->aux, B, (unsigned)add, w->tmp, w->mn);
            for (size_t b = 0; b < B; b++)
                g[b] += w->mn[b];
        }
        done = N;
        double ms = 0;
        for (size_t b = 0; b < B; b++)
            ms += (g[b] / N - p[b]) * (g[b] / N - p[b]);
        e->sim_mse[r * e->nsim + m] = ms;
    }
}

/* The bandwidth scan: rep r's KDE k (bin integrals q) with its bandwidth times each scale.
 * Returns 0 or -1. */
static int
rep_bandwidth_scan(worker *w, size_t r, hf_kde k, const double *q)
{
    hf_density_exp *e = w->e;
    const hf_density_config *c = &e->cfg;
    size_t B = c->bins;
    double h = k.h;
    for (size_t s = 0; s < c->nscales; s++) {
        double *qs = e->scan_q + (r * c->nscales + s) * B;
        if (e->scales[s] == 1.0) {
            memcpy(qs, q, B * sizeof(double));
            continue;
        }
        k.h = h * e->scales[s];
        if (kde_probs(e, &k, B, qs, &w->err) != 0)
            return -1;
    }
    return 0;
}

/* The binning scan: rep r's histogram and KDE k (bin integrals q on the main binning) against
 * the truth in each other binning. Returns 0 or -1. */
static int
rep_binning_scan(worker *w, size_t r, const hf_kde *k, const double *q)
{
    hf_density_exp *e = w->e;
    const hf_density_config *c = &e->cfg;
    size_t n = c->n;
    for (size_t i = 0; i < c->nbinnings; i++) {
        size_t nb = e->binnings[i];
        const double *pb = e->pbin[i];
        histogram(w->x, n, e->lo, e->hi, nb, w->cnt);
        const double *qb = q;
        if (nb != c->bins) {
            if (kde_probs(e, k, nb, w->tmp, &w->err) != 0)
                return -1;
            qb = w->tmp;
        }
        double mh = 0, mk = 0;
        for (size_t b = 0; b < nb; b++) {
            double d1 = w->cnt[b] / (double)n - pb[b], d2 = qb[b] - pb[b];
            mh += d1 * d1;
            mk += d2 * d2;
        }
        e->bin_hist[r * c->nbinnings + i] = mh;
        e->bin_kde[r * c->nbinnings + i] = mk;
    }
    return 0;
}

/* One repetition: fills slot r of every per-rep array. */
static int
run_rep(worker *w, size_t r)
{
    hf_density_exp *e = w->e;
    const hf_density_config *c = &e->cfg;
    size_t B = c->bins;
    double h = train(e, w->rng, r, w->x, e->hr + 3 * r, e->isj_fb + r, &w->err);
    if (isnan(h))
        return -1;
    e->h[r] = h;
    rep_true_hist(w, r);

    /* the KDE's bin integrals: the M -> inf limit of generated histograms */
    hf_kde k = {.x = w->x, .n = c->n, .h = h, .lo = e->lo, .hi = e->hi, .reflect = c->reflect};
    double *q = e->q + r * B;
    if (kde_probs(e, &k, B, q, &w->err) != 0)
        return -1;
    double sqq = 0;
    for (size_t b = 0; b < B; b++)
        sqq += q[b] * (1.0 - q[b]);
    e->sumqq[r] = sqq;

    rep_bands bands;
    if (c->boot > 0 && rep_boot(w, r, q, &bands) != 0)
        return -1;
    rep_generated(w, r, &k, q, c->boot > 0 ? &bands : NULL);
    if (e->nsim > 0)
        rep_simulated(w, r);
    if (rep_bandwidth_scan(w, r, k, q) != 0 || rep_binning_scan(w, r, &k, q) != 0)
        return -1;
    return 0;
}

static void *
worker_main(void *arg)
{
    worker *w = arg;
    for (;;) {
        if (w->cancel != NULL && atomic_load(w->cancel))
            break;
        size_t r = atomic_fetch_add(w->next, 1);
        if (r >= w->end)
            break;
        if (run_rep(w, r) != 0) {
            w->failed = 1;
            break;
        }
    }
    return NULL;
}

static void
worker_release(worker *w)
{
    gsl_rng_free(w->rng);
    gsl_rng_free(w->aux);
    free(w->x);
    free(w->cnt);
    free(w->tmp);
    free(w->gen);
    free(w->mn);
    hf_error_release(&w->err);
}

static int
worker_init(worker *w, hf_density_exp *e)
{
    size_t mb = max_bins(e) + 1;
    memset(w, 0, sizeof(*w));
    w->e = e;
    w->rng = gsl_rng_alloc(RNG_TYPE);
    w->aux = gsl_rng_alloc(RNG_TYPE);
    w->x = malloc(e->cfg.n * sizeof(double));
    w->cnt = malloc(mb * sizeof(double));
    w->tmp = malloc(mb * sizeof(double));
    w->gen = malloc(e->cfg.bins * sizeof(double));
    w->mn = malloc((e->cfg.bins + 1) * sizeof(unsigned));
    if (w->rng == NULL || w->aux == NULL || w->x == NULL || w->cnt == NULL || w->tmp == NULL ||
        w->gen == NULL || w->mn == NULL) {
        worker_release(w);
        return -1;
    }
    return 0;
}

/* Run the next nreps reps (see the header). Returns the reps completed, or -1 with err. */
long
hf_density_exp_run(hf_density_exp *e, size_t nreps, int jobs, const atomic_int *cancel,
                   hf_error *err)
{
    if (nreps == 0)
        return 0;
    if (reserve(e, e->done + nreps) != 0)
        return hf_error_nomem(err);
    if (jobs <= 0) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = ncpu > 0 ? (int)ncpu : 1;
    }
    if ((size_t)jobs > nreps)
        jobs = (int)nreps;
    worker *w = calloc((size_t)jobs, sizeof(worker));
    pthread_t *tid = calloc((size_t)jobs, sizeof(pthread_t));
    if (w == NULL || tid == NULL) {
        free(w);
        free(tid);
        return hf_error_nomem(err);
    }
    atomic_size_t next;
    atomic_init(&next, e->done);
    int started = 0, rc = 0;
    for (int j = 0; j < jobs; j++) {
        if (worker_init(&w[j], e) != 0) {
            rc = hf_error_nomem(err);
            break;
        }
        w[j].next = &next;
        w[j].end = e->done + nreps;
        w[j].cancel = cancel;
        started++;
    }
    int threads = 0;
    if (rc == 0) {
        /* worker 0 runs on this thread */
        for (int j = 1; j < started; j++) {
            if (pthread_create(&tid[j], NULL, worker_main, &w[j]) != 0)
                break;
            threads = j;
        }
        worker_main(&w[0]);
        for (int j = 1; j <= threads; j++)
            pthread_join(tid[j], NULL);
    }
    for (int j = 0; j < started; j++) {
        if (w[j].failed && rc == 0) {
            if (err != NULL && err->code == HF_OK) {
                *err = w[j].err;
                memset(&w[j].err, 0, sizeof(w[j].err));
            }
            rc = -1;
        }
        worker_release(&w[j]);
    }
    free(w);
    free(tid);
    if (rc != 0)
        return -1;
    /* every rep taken was finished, and they were taken in order */
    size_t end = e->done + nreps, taken = atomic_load(&next);
    size_t newdone = taken < end ? taken : end;
    long ran = (long)(newdone - e->done);
    e->done = newdone;
    return ran;
}

/* Mean and standard error of v[i * stride] for i < R. */
static void
mean_err(const double *v, size_t R, size_t stride, double *mean, double *se)
{
    double s = 0, s2 = 0;
    for (size_t i = 0; i < R; i++)
        s += v[i * stride];
    double m = s / (double)R;
    for (size_t i = 0; i < R; i++) {
        double d = v[i * stride] - m;
        s2 += d * d;
    }
    *mean = m;
    *se = R > 1 ? sqrt(s2 / (double)(R - 1) / (double)R) : NAN;
}

/* bias^2 (unbiased: minus var/R per bin) and variance over reps of bin vectors q[r*stride + b];
 * also the per-rep mean of sum_b (q - p)^2 and its standard error. */
static void
decompose(const double *q, size_t R, size_t stride, const double *p, size_t B, double *qmean,
          double *qvar, double *bias2, double *var, double *mse, double *mse_err)
{
    double b2 = 0, v = 0, s = 0, s2 = 0;
    for (size_t b = 0; b < B; b++) {
        double m = 0, m2 = 0;
        for (size_t r = 0; r < R; r++)
            m += q[r * stride + b];
        m /= (double)R;
        for (size_t r = 0; r < R; r++) {
            double d = q[r * stride + b] - m;
            m2 += d * d;
        }
        double vb = m2 / (double)(R - 1);
        if (qmean != NULL)
            qmean[b] = m;
        if (qvar != NULL)
            qvar[b] = vb;
        b2 += (m - p[b]) * (m - p[b]) - vb / (double)R;
        v += vb;
    }
    for (size_t r = 0; r < R; r++) {
        double t = 0;
        for (size_t b = 0; b < B; b++) {
            double d = q[r * stride + b] - p[b];
            t += d * d;
        }
        s += t;
        s2 += t * t;
    }
    *bias2 = b2;
    *var = v;
    *mse = s / (double)R;
    double vr = (s2 - s * s / (double)R) / (double)(R - 1);
    *mse_err = sqrt(fmax(vr, 0) / (double)R);
}

static double
sum_pq(const double *p, size_t B)
{
    double s = 0;
    for (size_t b = 0; b < B; b++)
        s += p[b] * (1.0 - p[b]);
    return s;
}

void
hf_density_result_free(hf_density_result *r)
{
    if (r == NULL)
        return;
    free(r->p);
    free(r->q_mean);
    free(r->q_var);
    free(r->draw);
    free(r->scan);
    free(r->binning);
    free(r->boot_var_mean);
    free(r->debiased_var_mean);
    free(r->bias_est_mean);
    if (r->cost != NULL) {
        free(r->cost->sim);
        free(r->cost->gen);
        free(r->cost);
    }
    free(r);
}

/* The bootstrap part of the results. Returns 0, or -1 on ENOMEM. */
static int
boot_result(const hf_density_exp *e, hf_density_result *res)
{
    const hf_density_config *c = &e->cfg;
    size_t R = e->done, B = c->bins, nd = c->ndraws;
    double *tot = malloc(2 * R * sizeof(double));
    res->boot_var_mean = calloc(B, sizeof(double));
    res->debiased_var_mean = calloc(B, sizeof(double));
    res->bias_est_mean = calloc(B, sizeof(double));
    if (res->boot_var_mean == NULL || res->debiased_var_mean == NULL ||
        res->bias_est_mean == NULL || tot == NULL) {
        free(tot);
        return -1;
    }
    res->boot = c->boot;
    double cov[2] = {0, 0}, np = (double)R * (double)e->npos;
    for (size_t r = 0; r < R; r++) {
        const double *v = e->boot_var + 2 * r * B;
        tot[r] = tot[R + r] = 0;
        for (size_t b = 0; b < B; b++) {
            res->boot_var_mean[b] += v[b] / (double)R;
            res->debiased_var_mean[b] += v[B + b] / (double)R;
            res->bias_est_mean[b] += e->boot_bias[r * B + b] / (double)R;
            tot[r] += v[b];
            tot[R + r] += v[B + b];
        }
        cov[0] += e->boot_cov[2 * r];
        cov[1] += e->boot_cov[2 * r + 1];
    }
    mean_err(tot, R, 1, &res->boot_variance, &res->boot_variance_err);
    mean_err(tot + R, R, 1, &res->debiased_variance, &res->debiased_variance_err);
    free(tot);
    res->boot_coverage = e->npos ? cov[0] / np : NAN;
    res->debiased_coverage = e->npos ? cov[1] / np : NAN;
    for (size_t m = 0; m < nd; m++) {
        double gc[2] = {0, 0};
        for (size_t r = 0; r < R; r++) {
            gc[0] += e->gen_bcov[2 * (r * nd + m)];
            gc[1] += e->gen_bcov[2 * (r * nd + m) + 1];
        }
        res->draw[m].boot_coverage = e->npos ? gc[0] / np : NAN;
        res->draw[m].debiased_coverage = e->npos ? gc[1] / np : NAN;
    }
    return 0;
}

/* The cost-axis part of the results. Returns 0, or -1 on ENOMEM. */
static int
cost_result(const hf_density_exp *e, hf_density_result *res)
{
    const hf_density_config *c = &e->cfg;
    size_t R = e->done, nd = c->ndraws;
    hf_density_cost *k = calloc(1, sizeof(*k));
    if (k == NULL)
        return -1;
    res->cost = k;
    k->sim = calloc(e->nsim, sizeof(hf_density_cost_point));
    k->gen = calloc(nd ? nd : 1, sizeof(hf_density_cost_point));
    if (k->sim == NULL || k->gen == NULL)
        return -1;
    k->c_sim = c->cost_sim;
    k->c_gen = c->cost_gen;
    k->c_train = c->cost_train;
    k->t_start = c->cost_train + (double)c->n * c->cost_sim;
    k->floor = res->kde_mse;
    k->floor_err = res->kde_mse_err;
    double sqe;
    mean_err(e->sumqq, R, 1, &k->sampling_coef, &sqe);
    k->nsim = e->nsim;
    for (size_t i = 0; i < e->nsim; i++) {
        hf_density_cost_point *pt = &k->sim[i];
        pt->events = e->sim_events[i];
        pt->t = pt->events * c->cost_sim;
        mean_err(e->sim_mse + i, R, e->nsim, &pt->mse, &pt->mse_err);
        pt->model = res->sum_pq / pt->events;
    }
    k->ngen = nd;
    for (size_t m = 0; m < nd; m++) {
        hf_density_cost_point *pt = &k->gen[m];
        pt->events = res->draw[m].draws;
        pt->t = k->t_start + pt->events * c->cost_gen;
        pt->mse = res->draw[m].mse;
        pt->mse_err = res->draw[m].mse_err;
        pt->model = hf_density_cost_gen_mse(k, pt->t);
    }
    hf_density_cost_solve(k, res->sum_pq);
    return 0;
}

/* Results over the completed reps (see the header). Returns NULL with err; caller frees. */
hf_density_result *
hf_density_exp_result(const hf_density_exp *e, hf_error *err)
{
    const hf_density_config *c = &e->cfg;
    size_t R = e->done, B = c->bins, nd = c->ndraws, ns = c->nscales, nb = c->nbinnings;
    if (R < 2)
        return hf_error_set(err, HF_EUSAGE, "", "need at least 2 repetitions"), NULL;
    hf_density_result *res = calloc(1, sizeof(*res));
    if (res == NULL)
        return hf_error_nomem(err), NULL;
    res->p = malloc(B * sizeof(double));
    res->q_mean = malloc(B * sizeof(double));
    res->q_var = malloc(B * sizeof(double));
    res->draw = calloc(nd ? nd : 1, sizeof(hf_density_draw));
    res->scan = calloc(ns ? ns : 1, sizeof(hf_density_scan));
    res->binning = calloc(nb ? nb : 1, sizeof(hf_density_binning));
    if (res->p == NULL || res->q_mean == NULL || res->q_var == NULL || res->draw == NULL ||
        res->scan == NULL || res->binning == NULL) {
        hf_density_result_free(res);
        return hf_error_nomem(err), NULL;
    }
    res->reps = R;
    res->boot_variance = res->boot_variance_err = res->boot_coverage = NAN;
    res->debiased_variance = res->debiased_variance_err = res->debiased_coverage = NAN;
    res->n = c->n;
    res->bins = B;
    res->lo = e->lo;
    res->hi = e->hi;
    res->rule = c->rule;
    res->bw_value = c->bw_value;
    res->reflect = c->reflect;
    memcpy(res->p, e->p, B * sizeof(double));
    double spq = sum_pq(e->p, B), n = (double)c->n;
    res->sum_pq = spq;

    double hsd;
    mean_err(e->h, R, 1, &res->h_mean, &hsd);
    res->h_sd = hsd * sqrt((double)R);
    for (int i = 0; i < 3; i++) {
        double s = 0;
        size_t k = 0;
        for (size_t r = 0; r < R; r++)
            if (!isnan(e->hr[3 * r + i])) {
                s += e->hr[3 * r + i];
                k++;
            }
        res->rule_h[i] = k ? s / (double)k : NAN;
    }
    for (size_t r = 0; r < R; r++)
        res->isj_fallbacks += e->isj_fb[r];

    mean_err(e->hist_mse, R, 1, &res->hist_mse, &res->hist_mse_err);
    res->hist_theory = spq / n;
    double cov = 0;
    for (size_t r = 0; r < R; r++)
        cov += e->hist_cov[r];
    res->hist_coverage = e->npos ? cov / ((double)R * (double)e->npos) : NAN;

    decompose(e->q, R, B, e->p, B, res->q_mean, res->q_var, &res->bias2, &res->train_variance,
              &res->kde_mse, &res->kde_mse_err);
    res->kde_factor = spq / res->kde_mse / n;
    res->kde_factor_err = res->kde_factor * res->kde_mse_err / res->kde_mse;
    double sqq = sum_pq(res->q_mean, B), irreducible = res->bias2 + res->train_variance;
    res->plateau_draws = irreducible > 0 ? sqq / irreducible : INFINITY;

    res->ndraws = nd;
    for (size_t m = 0; m < nd; m++) {
        hf_density_draw *d = &res->draw[m];
        double sve;
        d->draws = e->draws[m];
        d->boot_coverage = d->debiased_coverage = NAN;
        mean_err(e->gen_mse + m, R, nd, &d->mse, &d->mse_err);
        mean_err(e->gen_sv + m, R, nd, &d->sampling_variance, &sve);
        double gc = 0;
        for (size_t r = 0; r < R; r++)
            gc += e->gen_cov[r * nd + m];
        d->coverage = e->npos ? gc / ((double)R * (double)e->npos) : NAN;
        d->factor = spq / d->mse / n;
        d->factor_err = d->factor * d->mse_err / d->mse;
    }

    res->nscales = ns;
    for (size_t s = 0; s < ns; s++) {
        hf_density_scan *sc = &res->scan[s];
        sc->scale = e->scales[s];
        sc->h = res->h_mean * e->scales[s];
        decompose(e->scan_q + s * B, R, ns * B, e->p, B, NULL, NULL, &sc->bias2,
                  &sc->train_variance, &sc->mse, &sc->mse_err);
        sc->factor = spq / sc->mse / n;
        sc->factor_err = sc->factor * sc->mse_err / sc->mse;
    }

    res->nbinnings = nb;
    for (size_t i = 0; i < nb; i++) {
        hf_density_binning *bi = &res->binning[i];
        bi->bins = e->binnings[i];
        mean_err(e->bin_hist + i, R, nb, &bi->hist_mse, &bi->hist_mse_err);
        mean_err(e->bin_kde + i, R, nb, &bi->kde_mse, &bi->kde_mse_err);
        double s = sum_pq(e->pbin[i], bi->bins);
        bi->hist_theory = s / n;
        bi->factor = s / bi->kde_mse / n;
        bi->factor_err = bi->factor * bi->kde_mse_err / bi->kde_mse;
    }
    res->nominal_coverage = NOMINAL_1SIGMA;
    if ((c->boot > 0 && boot_result(e, res) != 0) || (e->nsim > 0 && cost_result(e, res) != 0)) {
        hf_density_result_free(res);
        return hf_error_nomem(err), NULL;
    }
    return res;
}

void
hf_density_example_free(hf_density_example *ex)
{
    if (ex == NULL)
        return;
    free(ex->x);
    free(ex->train);
    free(ex->kde);
    free(ex->generated);
    free(ex->truth);
    free(ex->boot_sd);
    free(ex->debiased);
    free(ex->debiased_sd);
    free(ex);
}

/* The example's bootstrap bands, from the same resamples as the experiment's rep. */
static int
example_bands(const hf_density_exp *e, hf_density_example *ex, size_t rep, gsl_rng *rng,
              hf_error *err)
{
    size_t B = e->cfg.bins;
    ex->boot_sd = malloc(B * sizeof(double));
    ex->debiased = malloc(B * sizeof(double));
    ex->debiased_sd = malloc(B * sizeof(double));
    if (ex->boot_sd == NULL || ex->debiased == NULL || ex->debiased_sd == NULL)
        return hf_error_nomem(err);
    int rc =
        boot_bands(e, rep, ex->x, ex->kde, rng, ex->boot_sd, ex->debiased_sd, ex->debiased, err);
    for (size_t b = 0; rc == 0 && b < B; b++) {
        double noise = sampling_var(ex->generated[b], ex->draws);
        ex->debiased[b] = ex->generated[b] - ex->debiased[b];
        ex->boot_sd[b] = sqrt(ex->boot_sd[b] + noise);
        ex->debiased_sd[b] = sqrt(ex->debiased_sd[b] + noise);
    }
    return rc;
}

/* Rep `rep` in detail (see the header). Returns NULL with err; caller frees. */
hf_density_example *
hf_density_exp_example(const hf_density_exp *e, size_t rep, double draws, hf_error *err)
{
    const hf_density_config *c = &e->cfg;
    size_t B = c->bins;
    if (!(draws >= 1 && draws <= DRAWS_MAX))
        return hf_error_set(err, HF_EUSAGE, "", "draws must be within [1, 4e9]"), NULL;
    hf_density_example *ex = calloc(1, sizeof(*ex));
    gsl_rng *rng = gsl_rng_alloc(RNG_TYPE);
    if (ex == NULL || rng == NULL)
        goto nomem;
    ex->n = c->n;
    ex->bins = B;
    ex->lo = e->lo;
    ex->hi = e->hi;
    ex->draws = floor(draws + 0.5);
    ex->x = malloc(c->n * sizeof(double));
    ex->train = malloc(B * sizeof(double));
    ex->kde = malloc(B * sizeof(double));
    ex->generated = calloc(B, sizeof(double));
    ex->truth = malloc(B * sizeof(double));
    if (ex->x == NULL || ex->train == NULL || ex->kde == NULL || ex->generated == NULL ||
        ex->truth == NULL)
        goto nomem;
    double hr[3];
    ex->h = train(e, rng, rep, ex->x, hr, NULL, err);
    if (isnan(ex->h))
        goto fail;
    histogram(ex->x, c->n, e->lo, e->hi, B, ex->train);
    for (size_t b = 0; b < B; b++)
        ex->train[b] /= (double)c->n;
    memcpy(ex->truth, e->p, B * sizeof(double));
    ex->kde_fn = (hf_kde){
        .x = ex->x, .n = c->n, .h = ex->h, .lo = e->lo, .hi = e->hi, .reflect = c->reflect};
    if (kde_probs(e, &ex->kde_fn, B, ex->kde, err) != 0)
        goto fail;
    gsl_rng_set(rng, rep_seed(c->seed, rep, 1));
    double inv = (double)B / (e->hi - e->lo);
    for (size_t i = 0, nd = (size_t)ex->draws; i < nd; i++) {
        double y = hf_kde_sample(&ex->kde_fn, rng);
        if (!(y >= e->lo && y <= e->hi))
            continue;
        size_t b = (size_t)((y - e->lo) * inv);
        ex->generated[b < B ? b : B - 1] += 1.0;
    }
    for (size_t b = 0; b < B; b++)
        ex->generated[b] /= ex->draws;
    if (c->boot > 0 && example_bands(e, ex, rep, rng, err) != 0)
        goto fail;
    gsl_rng_free(rng);
    return ex;
nomem:
    hf_error_nomem(err);
fail:
    gsl_rng_free(rng);
    hf_density_example_free(ex);
    return NULL;
}

/* Parse an M grid (see the header). Returns a malloc'ed ascending array or NULL with err. */
double *
hf_density_parse_draws(const char *s, size_t *n, hf_error *err)
{
    double a, b, per = 1;
    char *end;
    *n = 0;
    if (strchr(s, ':') != NULL) {
        errno = 0;
        a = strtod(s, &end);
        if (end == s || *end != ':')
            goto bad;
        const char *t = end + 1;
        b = strtod(t, &end);
        if (end == t)
            goto bad;
        if (*end == ':') {
            t = end + 1;
            per = strtod(t, &end);
            if (end == t || !(per >= 1 && per <= 100))
                goto bad;
        }
        if (*end != '\0' || !(a >= 1) || !(b >= a) || !(b <= DRAWS_MAX))
            goto bad;
        size_t cap = (size_t)(per * (log10(b) - log10(a))) + 3;
        double *v = malloc(cap * sizeof(double));
        if (v == NULL)
            return hf_error_nomem(err), NULL;
        size_t k = 0;
        for (size_t i = 0; k + 1 < cap; i++) {
            double m = floor(a * pow(10.0, (double)i / per) + 0.5);
            if (m > b * (1 + 1e-9))
                break;
            if (k == 0 || m > v[k - 1])
                v[k++] = m;
        }
        if (k == 0 || v[k - 1] < floor(b + 0.5))
            v[k++] = floor(b + 0.5);
        *n = k;
        return v;
    }
    size_t cap = 1;
    for (const char *t = s; *t; t++)
        cap += *t == ',';
    double *v = malloc(cap * sizeof(double));
    if (v == NULL)
        return hf_error_nomem(err), NULL;
    const char *t = s;
    for (size_t i = 0; i < cap; i++) {
        v[i] = strtod(t, &end);
        if (end == t || (*end != ',' && *end != '\0') || !(v[i] >= 1 && v[i] <= DRAWS_MAX)) {
            free(v);
            goto bad;
        }
        v[i] = floor(v[i] + 0.5);
        t = end + 1;
    }
    qsort(v, cap, sizeof(double), cmp_double);
    size_t k = 0;
    for (size_t i = 0; i < cap; i++)
        if (k == 0 || v[i] > v[k - 1])
            v[k++] = v[i];
    *n = k;
    return v;
bad:
    hf_error_set(err, HF_EUSAGE, "",
                 "bad draws \"%s\": want A:B, A:B:PER_DECADE or a list, values in [1, 4e9]", s);
    return NULL;
}
