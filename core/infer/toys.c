/* core/infer/toys.c - toy-based CLs (pyhf v0.7 infer.calculators.ToyCalculator): toys from the
 * model at the suggested init with POI = mu and POI = 0, main counts Poisson, auxiliary data from
 * the constraint pdfs (Gaussian around theta with width sigma; Poisson with mean tau * gamma);
 * empirical p-values P(q >= q_obs); expected band from the CLs of the b-only toys at the
 * normal percentiles (numpy.percentile, linear). Threads pull toy indices from one counter;
 * every toy seeds its own GSL generator, so any -j gives identical numbers. */
#include "core/infer/toys.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/fit.h"

typedef struct tctx {
    const hf_model *m;
    double mu;
    hf_teststat ts;
    size_t ntoys;
    unsigned long seed;
    const double *gen_sb, *gen_b; /* generating parameters */
    double *nu_sb, *nu_b, *aux_sb, *aux_b;
    double *q; /* 2 * ntoys: s+b toys, then b toys */
    atomic_size_t next;
    atomic_int *cancel;
    pthread_mutex_t lock;
    size_t done;
    const hf_toys_options *opt;
    int failed;
    hf_error err; /* first hard error (memory, cancellation) */
} tctx;

/* SplitMix64 (Steele, Lea, Flood 2014): decorrelated seeds from (run seed, toy index). */
static uint64_t
splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static void
draw(const hf_model *m, gsl_rng *r, const double *nu, const double *auxmean, double *main,
     double *aux)
{
    for (size_t b = 0; b < m->nbins; b++)
        main[b] = nu[b] > 0.0 ? (double)gsl_ran_poisson(r, nu[b]) : 0.0;
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        if (p->con == HF_CON_GAUSS)
            aux[j] = auxmean[j] + gsl_ran_gaussian(r, p->sigma);
        else if (p->con == HF_CON_POISSON)
            aux[j] = (double)gsl_ran_poisson(r, auxmean[j]);
        else
            aux[j] = m->aux[j];
    }
}

static void *
worker(void *arg)
{
    tctx *c = arg;
    const hf_model *m = c->m;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *main = malloc((m->nbins ? m->nbins : 1) * sizeof(double));
    double *aux = malloc(m->npar * sizeof(double));
    if (r == NULL || main == NULL || aux == NULL) {
        pthread_mutex_lock(&c->lock);
        hf_error_nomem(&c->err);
        c->failed = 1;
        pthread_mutex_unlock(&c->lock);
        goto out;
    }
    for (;;) {
        size_t k = atomic_fetch_add(&c->next, 1);
        if (k >= 2 * c->ntoys || c->failed)
            break;
        bool sb = k < c->ntoys;
        gsl_rng_set(r, (unsigned long)splitmix64((uint64_t)c->seed * 0x100000001B3ull + k));
        draw(m, r, sb ? c->nu_sb : c->nu_b, sb ? c->aux_sb : c->aux_b, main, aux);
        hf_data d = {main, aux};
        hf_error e = {0};
        double q, muhat;
        if (hf_infer_qmu(m, &d, c->mu, c->ts, sb ? c->gen_sb : c->gen_b, c->cancel, &q, &muhat,
                         NULL, &e) < 0) {
            q = NAN;
            if (e.code == HF_ECANCELED || e.code == HF_ENOMEM) {
                pthread_mutex_lock(&c->lock);
                if (!c->failed)
                    hf_error_set(&c->err, e.code, "", "%s", hf_error_msg(&e));
                c->failed = 1;
                pthread_mutex_unlock(&c->lock);
            }
        }
        hf_error_release(&e);
        c->q[k] = q;
        pthread_mutex_lock(&c->lock);
        c->done++;
        if (c->opt->progress != NULL)
            c->opt->progress(c->opt->progress_ctx, c->done, 2 * c->ntoys);
        pthread_mutex_unlock(&c->lock);
    }
out:
    gsl_rng_free(r);
    free(main);
    free(aux);
    return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fraction of the values of sorted s (n, NANs removed) that are >= q: binary search. */
static double
tail(const double *s, size_t n, double q)
{
    if (n == 0)
        return NAN;
    size_t lo = 0, hi = n; /* first index with s[i] >= q */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid] < q)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (double)(n - lo) / (double)n;
}

/* Copy the finite values of v (n) into out, sorted; returns how many. */
static size_t
sorted_finite(const double *v, size_t n, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            out[k++] = v[i];
    qsort(out, k, sizeof(double), cmp_double);
    return k;
}

/* numpy.percentile (linear interpolation) of sorted s (n), p in percent. */
static double
percentile(const double *s, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double pos = p / 100.0 * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= n)
        return s[n - 1];
    double f = pos - (double)i;
    return s[i] + f * (s[i + 1] - s[i]);
}

/* Binomial standard errors of the tail fractions clsb (of nsb toys) and clb (of nb), and of
 * CLs = clsb / clb with the two (independent samples) added in quadrature relatively. The
 * error of CLs is NAN when clsb is 0 (no relative error exists; CLs is only bounded). */
static void
cls_error(double clsb, size_t nsb, double clb, size_t nb, double *e_sb, double *e_b, double *e_cls)
{
    *e_sb = nsb > 0 ? sqrt(clsb * (1.0 - clsb) / (double)nsb) : NAN;
    *e_b = nb > 0 ? sqrt(clb * (1.0 - clb) / (double)nb) : NAN;
    if (!(clsb > 0.0) || !(clb > 0.0)) {
        *e_cls = NAN;
        return;
    }
    double r_sb = *e_sb / clsb, r_b = *e_b / clb;
    *e_cls = clsb / clb * sqrt(r_sb * r_sb + r_b * r_b);
}

/* See toys.h. */
/* Run the toys on `threads` threads (tid has room for them), or on this one if none starts. */
static void
run_workers(tctx *c, pthread_t *tid, int threads)
{
    int started = 0;

    pthread_mutex_init(&c->lock, NULL);
    for (int t = 0; t < threads; t++) {
        if (pthread_create(&tid[t], NULL, worker, c) != 0)
            break;
        started++;
    }
    if (started == 0)
        worker(c);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&c->lock);
}

/* CLs+b, CLb, CLs and the expected band with their binomial errors from the test statistics
 * res->q_sb and res->q_b (ntoys each; NaN for a failed toy). Scratch: sorted_sb, sorted_b,
 * cls_b (ntoys each). */
static void
summarise(hf_toys_result *res, size_t ntoys, double *sorted_sb, double *sorted_b, double *cls_b)
{
    for (size_t i = 0; i < 2 * ntoys; i++)
        res->nfailed += isnan(i < ntoys ? res->q_sb[i] : res->q_b[i - ntoys]);
    size_t nsb = sorted_finite(res->q_sb, ntoys, sorted_sb);
    size_t nb = sorted_finite(res->q_b, ntoys, sorted_b);
    res->clsb = tail(sorted_sb, nsb, res->q_obs);
    res->clb = tail(sorted_b, nb, res->q_obs);
    res->cls = res->clb > 0.0 ? res->clsb / res->clb : NAN;
    /* expected: CLs if the observation were each b-only toy, then its percentiles */
    size_t nb_ok = 0;
    for (size_t i = 0; i < nb; i++) {
        double qb = sorted_b[i];
        double sb = tail(sorted_sb, nsb, qb), b = tail(sorted_b, nb, qb);
        cls_b[nb_ok++] = b > 0.0 ? sb / b : 1.0;
    }
    qsort(cls_b, nb_ok, sizeof(double), cmp_double);
    cls_error(res->clsb, nsb, res->clb, nb, &res->clsb_err, &res->clb_err, &res->cls_err);
    for (int k = 0; k < 5; k++) {
        double pk = 100.0 * gsl_cdf_ugaussian_P(HF_BAND_SIGMA[k]);
        res->cls_exp[k] = percentile(cls_b, nb_ok, pk);
        /* CLs of a b toy falls as its q grows: the pk-th CLs percentile is the CLs at the
         * (100 - pk)-th percentile of q_b, whose tails give the binomial error */
        double qk = percentile(sorted_b, nb, 100.0 - pk), e_sb, e_b;
        double sbk = tail(sorted_sb, nsb, qk), bk = tail(sorted_b, nb, qk);
        cls_error(sbk, nsb, bk, nb, &e_sb, &e_b, &res->cls_exp_err[k]);
        if (!(res->cls_exp[k] > 0.0) || !(sbk > 0.0) || !(bk > 0.0))
            res->cls_exp[k] = res->cls_exp_err[k] = NAN;
        else /* the relative error there, applied to the percentile itself */
            res->cls_exp_err[k] *= res->cls_exp[k] / (sbk / bk);
    }
}

int
hf_toys_hypotest(const hf_model *m, const hf_data *d0, double mu, const hf_toys_options *opt,
                 hf_toys_result *res, hf_error *err)
{
    memset(res, 0, sizeof(*res));
    if (m->poi < 0)
        return hf_error_set(err, HF_EUSAGE, "",
                            "the model has no parameter of interest (pick one with --poi NAME)");
    hf_data d = d0 != NULL ? *d0 : hf_model_data(m);
    hf_toys_options o = opt != NULL ? *opt : (hf_toys_options){0};
    if (o.ntoys == 0)
        o.ntoys = 1000;
    if (o.threads < 1)
        o.threads = 1;
    tctx c;
    memset(&c, 0, sizeof(c));
    c.m = m;
    c.mu = mu;
    c.ts = o.test_stat == HF_TEST_Q ? HF_TEST_Q : HF_TEST_QTILDE;
    c.ntoys = o.ntoys;
    c.seed = o.seed;
    c.cancel = o.cancel;
    c.opt = &o;
    atomic_init(&c.next, 0);
    size_t np = m->npar, nbins = m->nbins ? m->nbins : 1;
    double *gen_sb = malloc(np * sizeof(double)), *gen_b = malloc(np * sizeof(double));
    c.nu_sb = malloc(nbins * sizeof(double));
    c.nu_b = malloc(nbins * sizeof(double));
    c.aux_sb = malloc(np * sizeof(double));
    c.aux_b = malloc(np * sizeof(double));
    c.q = malloc(2 * o.ntoys * sizeof(double));
    double *cls_b = malloc(o.ntoys * sizeof(double));
    double *sorted_sb = malloc(o.ntoys * sizeof(double));
    double *sorted_b = malloc(o.ntoys * sizeof(double));
    pthread_t *tid = calloc((size_t)o.threads, sizeof(*tid));
    int rc = -1;
    if (gen_sb == NULL || gen_b == NULL || c.nu_sb == NULL || c.nu_b == NULL || c.aux_sb == NULL ||
        c.aux_b == NULL || c.q == NULL || cls_b == NULL || tid == NULL || sorted_sb == NULL ||
        sorted_b == NULL) {
        hf_error_nomem(err);
        goto out;
    }
    double muhat;
    if (hf_infer_qmu(m, &d, mu, c.ts, NULL, o.cancel, &res->q_obs, &muhat, NULL, err) < 0)
        goto out;
    /* pyhf: signal and background toys at the suggested init with the POI set */
    memcpy(gen_sb, m->init, np * sizeof(double));
    memcpy(gen_b, m->init, np * sizeof(double));
    gen_sb[m->poi] = mu;
    gen_b[m->poi] = 0.0;
    c.gen_sb = gen_sb;
    c.gen_b = gen_b;
    if (hf_infer_asimov(m, gen_sb, c.nu_sb, c.aux_sb) < 0 ||
        hf_infer_asimov(m, gen_b, c.nu_b, c.aux_b) < 0) {
        hf_error_nomem(err);
        goto out;
    }
    run_workers(&c, tid, o.threads);
    if (c.failed) {
        hf_error_set(err, c.err.code, "", "%s", hf_error_msg(&c.err));
        hf_error_release(&c.err);
        goto out;
    }
    res->mu = mu;
    res->ntoys = o.ntoys;
    res->q_sb = c.q;
    c.q = NULL;
    res->q_b = malloc(o.ntoys * sizeof(double));
    if (res->q_b == NULL) {
        hf_error_nomem(err);
        goto out;
    }
    memcpy(res->q_b, res->q_sb + o.ntoys, o.ntoys * sizeof(double));
    summarise(res, o.ntoys, sorted_sb, sorted_b, cls_b);
    rc = 0;
out:
    if (rc < 0)
        hf_toys_result_release(res);
    free(gen_sb);
    free(gen_b);
    free(c.nu_sb);
    free(c.nu_b);
    free(c.aux_sb);
    free(c.aux_b);
    free(c.q);
    free(cls_b);
    free(sorted_sb);
    free(sorted_b);
    free(tid);
    return rc;
}

void
hf_toys_result_release(hf_toys_result *res)
{
    if (res == NULL)
        return;
    free(res->q_sb);
    free(res->q_b);
    res->q_sb = res->q_b = NULL;
}
