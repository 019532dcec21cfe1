/* tests/check_density.c - the density lab against closed forms and numerical integration:
 * truths (CDF vs integrated pdf, sampling), KDE (bin integrals vs quadrature, binned vs exact,
 * sampler vs bin integrals, bandwidth rules), the experiment (histogram MSE = sum p(1-p)/n,
 * KDE bias = truth convolved with the kernel, generated MSE -> KDE MSE, amplification),
 * determinism across threads and batches. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core/density/density.h"
#include "core/model/model.h"
#include "core/model/workspace.h"
#include "tests/test_util.h"

Suite *density_suite(void);

static double
gsl_fn_pdf(double x, void *arg)
{
    return hf_density_truth_pdf(arg, x);
}

/* Integral of f over [a, b] by GSL QAGS (breaking at the given interior points is left to the
 * caller: each call is one smooth piece). */
static double
integrate(double (*f)(double, void *), void *arg, double a, double b)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    gsl_function F = {f, arg};
    double r = 0, e = 0;
    ck_assert_ptr_nonnull(w);
    gsl_integration_qags(&F, a, b, 1e-13, 1e-10, 1000, w, &r, &e);
    gsl_integration_workspace_free(w);
    return r;
}

static hf_density_truth *
builtin(const char *name)
{
    hf_error err = {0};
    hf_density_truth *t = hf_density_truth_builtin(name, &err);
    ck_assert_msg(t != NULL, "%s", err.msg ? err.msg : "?");
    return t;
}

START_TEST(test_truth_cdf_matches_integrated_pdf)
{
    for (int k = 0; hf_density_truth_names[k] != NULL; k++) {
        hf_density_truth *t = builtin(hf_density_truth_names[k]);
        double lo = hf_density_truth_lo(t), hi = hf_density_truth_hi(t);
        double p[10], sum = 0;
        hf_density_truth_probs(t, 10, p);
        for (int b = 0; b < 10; b++) {
            double a = lo + (hi - lo) * b / 10.0, c = lo + (hi - lo) * (b + 1) / 10.0;
            /* the edge truth's density jumps at 1: integrate the two pieces separately */
            double num = 0;
            if (strcmp(hf_density_truth_names[k], "edge") == 0 && a < 1.0 && c > 1.0)
                num = integrate(gsl_fn_pdf, t, a, 1.0) + integrate(gsl_fn_pdf, t, 1.0, c);
            else
                num = integrate(gsl_fn_pdf, t, a, c);
            ck_assert_double_eq_tol(p[b], num, 1e-9);
            sum += p[b];
        }
        ck_assert_double_eq_tol(sum, 1.0, 1e-12);
        hf_density_truth_free(t);
    }
}
END_TEST

/* Pearson chi^2 of counts against probabilities (bins with expectation >= 5). */
static double
chi2(const double *cnt, const double *p, size_t nb, double n, size_t *ndf)
{
    double c = 0;
    *ndf = 0;
    for (size_t b = 0; b < nb; b++) {
        double e = n * p[b];
        if (e < 5)
            continue;
        c += (cnt[b] - e) * (cnt[b] - e) / e;
        (*ndf)++;
    }
    (*ndf)--;
    return c;
}

START_TEST(test_truth_sampling_matches_probs)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    for (int k = 0; hf_density_truth_names[k] != NULL; k++) {
        hf_density_truth *t = builtin(hf_density_truth_names[k]);
        double lo = hf_density_truth_lo(t), hi = hf_density_truth_hi(t);
        double p[15], cnt[15] = {0}, n = 200000;
        hf_density_truth_probs(t, 15, p);
        for (int i = 0; i < (int)n; i++) {
            double x = hf_density_truth_sample_one(t, rng);
            ck_assert(x >= lo && x <= hi);
            int b = (int)((x - lo) / (hi - lo) * 15);
            cnt[b < 15 ? b : 14] += 1;
        }
        size_t ndf;
        double c = chi2(cnt, p, 15, n, &ndf);
        /* p-value > 1e-4 */
        ck_assert_msg(gsl_cdf_chisq_Q(c, (double)ndf) > 1e-4, "%s: chi2 %g / %zu",
                      hf_density_truth_names[k], c, ndf);
        hf_density_truth_free(t);
    }
    gsl_rng_free(rng);
}
END_TEST

START_TEST(test_truth_binned_and_sample)
{
    hf_error err = {0};
    double w[4] = {1, 3, 0, 4};
    hf_density_truth *t = hf_density_truth_binned("w", w, 4, 0, 4, &err);
    ck_assert_ptr_nonnull(t);
    double p[8];
    hf_density_truth_probs(t, 8, p); /* half bins: each holds half its parent */
    ck_assert_double_eq_tol(p[0], 1.0 / 16, 1e-15);
    ck_assert_double_eq_tol(p[3], 3.0 / 16, 1e-15);
    ck_assert_double_eq_tol(p[4], 0.0, 1e-15);
    ck_assert_double_eq_tol(p[7], 4.0 / 16, 1e-15);
    hf_density_truth_free(t);

    double bad[2] = {1, NAN};
    ck_assert_ptr_null(hf_density_truth_binned("bad", bad, 2, 0, 1, &err));
    ck_assert_int_eq(err.code, HF_EUSAGE);
    hf_error_release(&err);

    double x[6] = {0.5, 1.5, 1.6, 2.5, 3.5, 9.0};
    t = hf_density_truth_sample("s", x, 6, 0, 4, &err); /* 9 is out of range: dropped */
    ck_assert_ptr_nonnull(t);
    hf_density_truth_probs(t, 4, p);
    ck_assert_double_eq_tol(p[0], 0.2, 1e-15);
    ck_assert_double_eq_tol(p[1], 0.4, 1e-15);
    ck_assert_double_eq_tol(p[3], 0.2, 1e-15);
    hf_density_truth_free(t);
}
END_TEST

START_TEST(test_truth_template_from_workspace)
{
    char *ws_path = tu_refpath("atlas_tutorial_fullexample", "workspace.json");
    char *ref_path = tu_refpath("atlas_tutorial_fullexample", "reference.json");
    hf_error err = {0};
    hf_workspace *ws = hf_workspace_load(ws_path, &err);
    ck_assert_msg(ws != NULL, "%s", err.msg ? err.msg : "?");
    hf_model *m = hf_model_compile(ws, NULL, &err);
    ck_assert_ptr_nonnull(m);
    cJSON *ref = tu_load_json(ref_path);
    cJSON *chan = tu_get(ref, "init/expected_by_sample/SR_meff");
    ck_assert_ptr_nonnull(chan);
    cJSON *s;
    int checked = 0;
    cJSON_ArrayForEach(s, chan)
    {
        size_t nb;
        double *nu = tu_numbers(s, &nb);
        double sum = 0;
        for (size_t b = 0; b < nb; b++)
            sum += nu[b] > 0 ? nu[b] : 0;
        if (sum <= 0) {
            free(nu);
            continue;
        }
        hf_density_truth *t = hf_density_truth_template(m, "SR_meff", s->string, &err);
        ck_assert_msg(t != NULL, "%s", err.msg ? err.msg : "?");
        ck_assert_uint_eq(hf_density_truth_natural_bins(t), nb);
        double *p = malloc(nb * sizeof(double));
        hf_density_truth_probs(t, nb, p);
        for (size_t b = 0; b < nb; b++)
            ck_assert_double_eq_tol(p[b], (nu[b] > 0 ? nu[b] : 0) / sum, 1e-6);
        free(p);
        free(nu);
        hf_density_truth_free(t);
        checked++;
    }
    ck_assert_int_gt(checked, 0);
    ck_assert_ptr_null(hf_density_truth_template(m, "nope", NULL, &err));
    ck_assert_int_eq(err.code, HF_EUSAGE);
    hf_error_release(&err);
    cJSON_Delete(ref);
    hf_model_free(m);
    hf_workspace_free(ws);
    free(ws_path);
    free(ref_path);
}
END_TEST

static double
kde_pdf_fn(double y, void *arg)
{
    return hf_kde_pdf(arg, y);
}

START_TEST(test_kde_probs_match_quadrature)
{
    double x[7] = {0.05, 0.3, 0.31, 1.2, 2.0, 2.9, 2.95};
    for (int reflect = 0; reflect <= 1; reflect++) {
        hf_kde k = {.x = x, .n = 7, .h = 0.4, .lo = 0, .hi = 3, .reflect = reflect};
        double q[6], qb[6], sum = 0;
        ck_assert_int_eq(hf_kde_probs(&k, 6, q, NULL), 0);
        ck_assert_int_eq(hf_kde_probs_binned(&k, 6, qb, NULL), 0);
        for (int b = 0; b < 6; b++) {
            double num = integrate(kde_pdf_fn, &k, 0.5 * b, 0.5 * (b + 1));
            ck_assert_double_eq_tol(q[b], num, 1e-10);
            ck_assert_double_eq_tol(qb[b], q[b], 2e-4); /* linear binning error */
            sum += q[b];
        }
        if (reflect) /* folded: nothing leaks */
            ck_assert_double_eq_tol(sum, 1.0, 1e-12);
        else
            ck_assert_double_lt(sum, 0.95);
    }
}
END_TEST

START_TEST(test_kde_wide_kernel_series_matches_images)
{
    /* h = L/4 is where the folded kernel switches from image sums to its cosine series: both
     * sides must agree, for bin integrals and for the density */
    double x[6] = {0.0, 0.3, 0.35, 1.1, 1.7, 2.0};
    hf_kde a = {.x = x, .n = 6, .h = 0.5 * (1 - 1e-12), .lo = 0, .hi = 2, .reflect = true};
    hf_kde b = a;
    b.h = 0.5 * (1 + 1e-12);
    double qa[8], qb[8];
    ck_assert_int_eq(hf_kde_probs(&a, 8, qa, NULL), 0);
    ck_assert_int_eq(hf_kde_probs(&b, 8, qb, NULL), 0);
    for (int i = 0; i < 8; i++)
        ck_assert_double_eq_tol(qa[i], qb[i], 1e-10);
    for (double y = 0; y <= 2; y += 0.125)
        ck_assert_double_eq_tol(hf_kde_pdf(&a, y), hf_kde_pdf(&b, y), 1e-10);
    /* a huge kernel is flat */
    b.h = 1e9;
    ck_assert_int_eq(hf_kde_probs(&b, 8, qb, NULL), 0);
    for (int i = 0; i < 8; i++)
        ck_assert_double_eq_tol(qb[i], 1.0 / 8, 1e-12);
    ck_assert_int_eq(hf_kde_probs_binned(&b, 8, qb, NULL), 0);
    ck_assert_double_eq_tol(qb[3], 1.0 / 8, 1e-12);
    b.reflect = false; /* without reflection almost everything leaks out */
    ck_assert_int_eq(hf_kde_probs_binned(&b, 8, qb, NULL), 0);
    ck_assert_double_lt(qb[3], 1e-8);
}
END_TEST

START_TEST(test_kde_binned_matches_exact_large_n)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 3);
    hf_density_truth *t = builtin("camelback");
    size_t n = 20000;
    double *x = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        x[i] = hf_density_truth_sample_one(t, rng);
    hf_kde k = {.x = x,
                .n = n,
                .h = hf_kde_bandwidth(HF_KDE_SILVERMAN, x, n, 0, 0, NULL),
                .lo = -5,
                .hi = 5,
                .reflect = true};
    double q[25], qb[25];
    ck_assert_int_eq(hf_kde_probs(&k, 25, q, NULL), 0);
    ck_assert_int_eq(hf_kde_probs_binned(&k, 25, qb, NULL), 0);
    for (int b = 0; b < 25; b++)
        ck_assert_double_eq_tol(qb[b], q[b], 1e-3 * fmax(q[b], 1e-3)); /* ~ (d/h)^2 */
    free(x);
    hf_density_truth_free(t);
    gsl_rng_free(rng);
}
END_TEST

START_TEST(test_kde_sampler_matches_probs)
{
    /* the sampler reflects again and again; the bin integrals sum images: they must agree, also
     * with a kernel as wide as the range (h = 1.5), where images of images matter */
    double x[5] = {0.1, 0.2, 1.0, 1.9, 1.95};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 11);
    for (int pass = 0; pass < 2; pass++) {
        hf_kde k = {.x = x, .n = 5, .h = pass ? 1.5 : 0.3, .lo = 0, .hi = 2, .reflect = true};
        double q[10], qb[10], cnt[10] = {0}, n = 200000, sum = 0;
        ck_assert_int_eq(hf_kde_probs(&k, 10, q, NULL), 0);
        ck_assert_int_eq(hf_kde_probs_binned(&k, 10, qb, NULL), 0);
        for (int b = 0; b < 10; b++) {
            ck_assert_double_eq_tol(qb[b], q[b], 1e-3 * q[b]);
            sum += q[b];
        }
        ck_assert_double_eq_tol(sum, 1.0, 1e-12);
        for (int i = 0; i < (int)n; i++) {
            double y = hf_kde_sample(&k, rng);
            ck_assert(y >= 0 && y <= 2);
            int b = (int)(y / 0.2);
            cnt[b < 10 ? b : 9] += 1;
        }
        size_t ndf;
        double c = chi2(cnt, q, 10, n, &ndf);
        ck_assert_msg(gsl_cdf_chisq_Q(c, (double)ndf) > 1e-4, "h %g: chi2 %g / %zu", k.h, c, ndf);
    }
    gsl_rng_free(rng);
}
END_TEST

START_TEST(test_kde_bandwidth_rules)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 5);
    size_t n = 20000;
    double *x = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++)
        x[i] = 2.0 * gsl_ran_gaussian(rng, 1.0);
    double h[3];
    bool fb;
    ck_assert_int_eq(hf_kde_bandwidths(x, n, 0, 0, true, h, &fb), 0);
    double nf = pow((double)n, -0.2);
    /* normal data, sd 2: Scott 1.059 * 2 n^-1/5, Silverman 0.9 * 2 n^-1/5 (IQR/1.34 ~ sd) */
    ck_assert_double_eq_tol(h[HF_KDE_SCOTT] / (2 * nf), pow(4.0 / 3.0, 0.2), 0.02);
    ck_assert_double_eq_tol(h[HF_KDE_SILVERMAN] / (2 * nf), 0.9, 0.03);
    /* ISJ on normal data approaches the AMISE-optimal (4/3)^(1/5) sd n^-1/5 */
    ck_assert(!fb);
    ck_assert_double_eq_tol(h[HF_KDE_ISJ] / h[HF_KDE_SCOTT], 1.0, 0.15);
    /* bimodal data: ISJ sees the two modes and picks a narrower kernel than Scott */
    for (size_t i = 0; i < n; i++)
        x[i] = (i % 2 ? -3.0 : 3.0) + gsl_ran_gaussian(rng, 0.5);
    ck_assert_int_eq(hf_kde_bandwidths(x, n, 0, 0, true, h, &fb), 0);
    ck_assert_double_lt(h[HF_KDE_ISJ], 0.5 * h[HF_KDE_SCOTT]);
    ck_assert(isnan(hf_kde_bandwidth(HF_KDE_SCOTT, (double[]){1, 1}, 2, 0, 0, NULL)));
    free(x);
    gsl_rng_free(rng);
}
END_TEST

/* A small, fast configuration: only the pieces a test needs. */
static hf_density_config
quick_config(size_t n, size_t bins)
{
    static const double one = 1.0;
    static const double draws[1] = {10};
    hf_density_config c;
    hf_density_config_init(&c);
    c.n = n;
    c.bins = bins;
    c.isj_markers = false;
    c.scales = &one;
    c.nscales = 1;
    c.nbinnings = 1; /* run() points binnings at its copy's bins */
    c.draws = draws;
    c.ndraws = 1;
    c.sampling = HF_DENSITY_MULTINOMIAL;
    return c;
}

static hf_density_result *
run(const hf_density_truth *t, const hf_density_config *c, size_t reps, int jobs)
{
    hf_error err = {0};
    hf_density_config cc = *c;
    if (cc.binnings == NULL && cc.nbinnings == 1)
        cc.binnings = &cc.bins;
    hf_density_exp *e = hf_density_exp_new(t, &cc, &err);
    ck_assert_msg(e != NULL, "%s", err.msg ? err.msg : "?");
    ck_assert_int_eq(hf_density_exp_run(e, reps, jobs, NULL, &err), (long)reps);
    hf_density_result *r = hf_density_exp_result(e, &err);
    ck_assert_ptr_nonnull(r);
    hf_density_exp_free(e);
    return r;
}

START_TEST(test_histogram_mse_matches_theory)
{
    const char *names[] = {"gaussian", "camelback", "edge"};
    for (int i = 0; i < 3; i++) {
        hf_density_truth *t = builtin(names[i]);
        hf_density_config c = quick_config(50, 12);
        hf_density_result *r = run(t, &c, 2000, 2);
        /* sum p(1-p)/n is exact for a multinomial histogram */
        double z = (r->hist_mse - r->hist_theory) / r->hist_mse_err;
        ck_assert_msg(fabs(z) < 4, "%s: mse %g theory %g err %g", names[i], r->hist_mse,
                      r->hist_theory, r->hist_mse_err);
        ck_assert_double_lt(r->hist_mse_err, 0.05 * r->hist_theory); /* the test has power */
        hf_density_result_free(r);
        hf_density_truth_free(t);
    }
}
END_TEST

/* Expected KDE bin integral for one training point x with fixed h: the folded kernel's mass in
 * [a, b] (images 2 lo - x and 2 hi - x; h << range, so further images are negligible). */
typedef struct conv_arg {
    const hf_density_truth *t;
    double a, b, h, lo, hi;
    bool reflect;
} conv_arg;

static double
conv_integrand(double x, void *arg)
{
    const conv_arg *c = arg;
    double m = gsl_cdf_gaussian_P(c->b - x, c->h) - gsl_cdf_gaussian_P(c->a - x, c->h);
    if (c->reflect) {
        double z1 = 2 * c->lo - x, z2 = 2 * c->hi - x;
        m += gsl_cdf_gaussian_P(c->b - z1, c->h) - gsl_cdf_gaussian_P(c->a - z1, c->h);
        m += gsl_cdf_gaussian_P(c->b - z2, c->h) - gsl_cdf_gaussian_P(c->a - z2, c->h);
    }
    return hf_density_truth_pdf(c->t, x) * m;
}

START_TEST(test_kde_bias_is_truth_convolved_with_kernel)
{
    const char *names[] = {"camelback", "exponential"};
    for (int i = 0; i < 2; i++) {
        hf_density_truth *t = builtin(names[i]);
        hf_density_config c = quick_config(40, 10);
        c.rule = HF_KDE_FIXED;
        c.bw_value = 0.4;
        size_t R = 1500;
        hf_density_result *r = run(t, &c, R, 2);
        double lo = r->lo, hi = r->hi, maxz = 0, far = 0;
        for (size_t b = 0; b < r->bins; b++) {
            conv_arg a = {
                t, lo + (hi - lo) * b / 10.0, lo + (hi - lo) * (b + 1) / 10.0, 0.4, lo, hi, true};
            double expect = integrate(conv_integrand, &a, lo, hi);
            double se = sqrt(r->q_var[b] / (double)R);
            double z = (r->q_mean[b] - expect) / se;
            maxz = fmax(maxz, fabs(z));
            /* how far the KDE mean is from the truth itself: the bias the test resolves */
            far = fmax(far, fabs(r->p[b] - expect) / se);
        }
        ck_assert_msg(maxz < 4.5, "%s: max |z| %g", names[i], maxz);
        ck_assert_msg(far > 5, "%s: bias %g sigma is not resolved", names[i], far);
        hf_density_result_free(r);
        hf_density_truth_free(t);
    }
}
END_TEST

START_TEST(test_generated_mse_approaches_kde)
{
    hf_density_truth *t = builtin("camelback");
    hf_density_config c = quick_config(100, 20);
    static const double draws[4] = {100, 1000, 10000, 100000};
    c.draws = draws;
    c.ndraws = 4;
    c.sampling = HF_DENSITY_EVENTS; /* the real sampler */
    hf_density_result *r = run(t, &c, 100, 2);
    /* E sum_b q_b (1 - q_b) over training sets = sum qbar (1 - qbar) - sum var(q) */
    double sqq = 0;
    for (size_t b = 0; b < r->bins; b++)
        sqq += r->q_mean[b] * (1 - r->q_mean[b]) - r->q_var[b];
    for (size_t m = 0; m < 4; m++) {
        const hf_density_draw *d = &r->draw[m];
        /* the sampling variance is multinomial, sum q(1-q)/M; each rep's value scatters by
         * about sqrt(2/19) (chi^2 with ~19 dof), so the mean of 100 by 3% */
        ck_assert_double_eq_tol(d->sampling_variance * d->draws / sqq, 1.0, 0.15);
        if (m > 0)
            ck_assert_double_lt(d->mse, r->draw[m - 1].mse);
        /* MSE(M) = KDE MSE + sampling variance, up to a cross term of mean zero */
        if (m > 0)
            ck_assert_double_eq_tol(d->mse, r->kde_mse + d->sampling_variance, 0.05 * r->kde_mse);
    }
    ck_assert_double_eq_tol(r->draw[3].mse / r->kde_mse, 1.0, 0.01);
    ck_assert_double_gt(r->draw[0].mse, 2 * r->kde_mse);
    /* more events make the naive sqrt(N) bars cover less: they ignore the KDE's own error */
    ck_assert_double_lt(r->draw[3].coverage, r->draw[0].coverage);
    hf_density_result_free(r);
    hf_density_truth_free(t);
}
END_TEST

START_TEST(test_events_and_multinomial_agree)
{
    hf_density_truth *t = builtin("gaussian");
    hf_density_config c = quick_config(50, 10);
    static const double draws[2] = {30, 300};
    c.draws = draws;
    c.ndraws = 2;
    hf_density_result *a = run(t, &c, 600, 2);
    c.sampling = HF_DENSITY_EVENTS;
    hf_density_result *b = run(t, &c, 600, 2);
    for (int m = 0; m < 2; m++) {
        double se = hypot(a->draw[m].mse_err, b->draw[m].mse_err);
        ck_assert_msg(fabs(a->draw[m].mse - b->draw[m].mse) < 4 * se, "M=%g: %g vs %g +- %g",
                      draws[m], a->draw[m].mse, b->draw[m].mse, se);
    }
    ck_assert_double_eq_tol(a->kde_mse, b->kde_mse, 1e-15); /* same training sets */
    hf_density_result_free(a);
    hf_density_result_free(b);
    hf_density_truth_free(t);
}
END_TEST

START_TEST(test_amplification)
{
    /* small n, a well-chosen bandwidth: the KDE is worth more than its n events */
    hf_density_truth *t = builtin("camelback");
    hf_density_config c = quick_config(100, 20);
    static const double scales[2] = {1.0, 4.0};
    static const double draws[2] = {100, 1e6};
    c.scales = scales;
    c.nscales = 2;
    c.draws = draws;
    c.ndraws = 2;
    hf_density_result *r = run(t, &c, 300, 2);
    ck_assert_msg(r->kde_factor - 3 * r->kde_factor_err > 1, "factor %g", r->kde_factor);
    ck_assert_double_gt(r->draw[1].factor - 3 * r->draw[1].factor_err, 1);
    /* few generated events are worth less than the training set */
    ck_assert_double_lt(r->draw[0].factor, 1);
    /* too wide a bandwidth: the bias kills it */
    ck_assert_msg(r->scan[1].factor + 3 * r->scan[1].factor_err < 1, "wide %g", r->scan[1].factor);
    hf_density_result_free(r);
    hf_density_truth_free(t);

    /* large n with a sharp edge: the KDE's O(h) bias at the edge dominates */
    const char *names[] = {"edge", "falling"};
    for (int i = 0; i < 2; i++) {
        t = builtin(names[i]);
        c = quick_config(20000, 20);
        r = run(t, &c, 100, 2);
        ck_assert_msg(r->kde_factor + 3 * r->kde_factor_err < 1, "%s: factor %g +- %g", names[i],
                      r->kde_factor, r->kde_factor_err);
        hf_density_result_free(r);
        hf_density_truth_free(t);
    }
}
END_TEST

static void
same_result(const hf_density_result *a, const hf_density_result *b)
{
    ck_assert_uint_eq(a->reps, b->reps);
    ck_assert(a->hist_mse == b->hist_mse);
    ck_assert(a->kde_mse == b->kde_mse);
    ck_assert(a->h_mean == b->h_mean);
    ck_assert(memcmp(a->q_mean, b->q_mean, a->bins * sizeof(double)) == 0);
    for (size_t m = 0; m < a->ndraws; m++)
        ck_assert(a->draw[m].mse == b->draw[m].mse && a->draw[m].coverage == b->draw[m].coverage);
    for (size_t s = 0; s < a->nscales; s++)
        ck_assert(a->scan[s].mse == b->scan[s].mse);
    for (size_t i = 0; i < a->nbinnings; i++)
        ck_assert(a->binning[i].kde_mse == b->binning[i].kde_mse);
}

START_TEST(test_deterministic_across_jobs_and_batches)
{
    hf_density_truth *t = builtin("camelback");
    hf_density_config c;
    hf_density_config_init(&c);
    static const double draws[3] = {10, 1000, 5000};
    c.draws = draws;
    c.ndraws = 3;
    c.n = 60;
    hf_density_result *a = run(t, &c, 24, 1);
    hf_density_result *b = run(t, &c, 24, 3);
    same_result(a, b);
    /* in batches, as the TUI runs it */
    hf_error err = {0};
    hf_density_exp *e = hf_density_exp_new(t, &c, &err);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(hf_density_exp_run(e, 5, 2, NULL, &err), 5);
    ck_assert_int_eq(hf_density_exp_run(e, 19, 4, NULL, &err), 19);
    ck_assert_uint_eq(hf_density_exp_done(e), 24);
    hf_density_result *d = hf_density_exp_result(e, &err);
    same_result(a, d);
    /* a different seed gives different numbers */
    c.seed = 2;
    hf_density_result *f = run(t, &c, 24, 2);
    ck_assert(f->hist_mse != a->hist_mse);
    /* cancel stops early */
    atomic_int cancel;
    atomic_init(&cancel, 1);
    ck_assert_int_eq(hf_density_exp_run(e, 10, 2, &cancel, &err), 0);
    ck_assert_uint_eq(hf_density_exp_done(e), 24);
    hf_density_result_free(a);
    hf_density_result_free(b);
    hf_density_result_free(d);
    hf_density_result_free(f);
    hf_density_exp_free(e);
    hf_density_truth_free(t);
}
END_TEST

START_TEST(test_example_reproduces_rep)
{
    hf_density_truth *t = builtin("gaussian");
    hf_density_config c = quick_config(30, 10);
    hf_error err = {0};
    hf_density_exp *e = hf_density_exp_new(t, &c, &err);
    ck_assert_int_eq(hf_density_exp_run(e, 3, 1, NULL, &err), 3);
    hf_density_result *r = hf_density_exp_result(e, &err);
    hf_density_example *ex = hf_density_exp_example(e, 1, 5000, &err);
    ck_assert_ptr_nonnull(ex);
    double s = 0, sg = 0, sk = 0;
    for (size_t b = 0; b < 10; b++) {
        s += ex->train[b];
        sg += ex->generated[b];
        sk += ex->kde[b];
    }
    ck_assert_double_eq_tol(s, 1.0, 1e-12);
    ck_assert_double_eq_tol(sg, 1.0, 1e-12);
    ck_assert_double_eq_tol(sk, 1.0, 1e-12);
    ck_assert_double_eq_tol(ex->h, hf_kde_bandwidth(HF_KDE_SILVERMAN, ex->x, 30, 0, 0, NULL),
                            1e-15);
    hf_density_example_free(ex);
    hf_density_result_free(r);
    hf_density_exp_free(e);
    hf_density_truth_free(t);
}
END_TEST

START_TEST(test_parse_draws)
{
    hf_error err = {0};
    size_t n;
    double *v = hf_density_parse_draws("10:1e6", &n, &err);
    ck_assert_uint_eq(n, 6);
    ck_assert_double_eq(v[0], 10);
    ck_assert_double_eq(v[5], 1e6);
    free(v);
    v = hf_density_parse_draws("10:500", &n, &err); /* the end point is added */
    ck_assert_uint_eq(n, 3);
    ck_assert_double_eq(v[2], 500);
    free(v);
    v = hf_density_parse_draws("1:100:2", &n, &err);
    ck_assert_uint_eq(n, 5);
    ck_assert_double_eq(v[1], 3);
    free(v);
    v = hf_density_parse_draws("300,20,20,1e3", &n, &err);
    ck_assert_uint_eq(n, 3);
    ck_assert_double_eq(v[0], 20);
    free(v);
    const char *bad[] = {"", "0:10", "10:1", "a:b", "10,,20", "1e12", "10:100:0"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_ptr_null(hf_density_parse_draws(bad[i], &n, &err));
        ck_assert_int_eq(err.code, HF_EUSAGE);
        hf_error_release(&err);
    }
}
END_TEST

START_TEST(test_bad_config)
{
    hf_density_truth *t = builtin("gaussian");
    hf_error err = {0};
    hf_density_config c;
    hf_density_config_init(&c);
    c.n = 1;
    ck_assert_ptr_null(hf_density_exp_new(t, &c, &err));
    ck_assert_int_eq(err.code, HF_EUSAGE);
    hf_error_release(&err);
    hf_density_config_init(&c);
    c.bw_value = -1;
    ck_assert_ptr_null(hf_density_exp_new(t, &c, &err));
    hf_error_release(&err);
    ck_assert_ptr_null(hf_density_truth_builtin("nope", &err));
    ck_assert_int_eq(err.code, HF_EUSAGE);
    hf_error_release(&err);
    hf_density_truth_free(t);
}
END_TEST

Suite *
density_suite(void)
{
    Suite *s = suite_create("density");
    TCase *tc = tcase_create("truth");
    tcase_add_test(tc, test_truth_cdf_matches_integrated_pdf);
    tcase_add_test(tc, test_truth_sampling_matches_probs);
    tcase_add_test(tc, test_truth_binned_and_sample);
    tcase_add_test(tc, test_truth_template_from_workspace);
    suite_add_tcase(s, tc);
    tc = tcase_create("kde");
    tcase_add_test(tc, test_kde_probs_match_quadrature);
    tcase_add_test(tc, test_kde_wide_kernel_series_matches_images);
    tcase_add_test(tc, test_kde_binned_matches_exact_large_n);
    tcase_add_test(tc, test_kde_sampler_matches_probs);
    tcase_add_test(tc, test_kde_bandwidth_rules);
    suite_add_tcase(s, tc);
    tc = tcase_create("experiment");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_histogram_mse_matches_theory);
    tcase_add_test(tc, test_kde_bias_is_truth_convolved_with_kernel);
    tcase_add_test(tc, test_generated_mse_approaches_kde);
    tcase_add_test(tc, test_events_and_multinomial_agree);
    tcase_add_test(tc, test_amplification);
    tcase_add_test(tc, test_deterministic_across_jobs_and_batches);
    tcase_add_test(tc, test_example_reproduces_rep);
    tcase_add_test(tc, test_parse_draws);
    tcase_add_test(tc, test_bad_config);
    suite_add_tcase(s, tc);
    return s;
}
