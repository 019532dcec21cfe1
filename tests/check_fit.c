/* tests/check_fit.c - the fit's fallback stages and diagnosis on synthetic models: an exactly
 * degenerate pair of normfactors (converges, the pair is named, the minimum is the one of the
 * model with their product as one parameter), two valleys (strategy 2 finds the lower one, the
 * one a start in its basin finds), a forced failure (the result says so, at its last point), and
 * the trust region leaving a saddle with zero gradient (also above 300 free parameters); exact
 * Poisson terms; the covariance by blocks against a dense inverse. */
#include <check.h>
#include <cjson/cJSON.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/fit.h"
#include "tests/test_util.h"

Suite *fit_suite(void);

typedef struct synth {
    hf_workspace *ws;
    hf_model *m;
} synth;

static void
synth_load(synth *s, const char *json)
{
    hf_error err = {0};
    cJSON *doc = cJSON_Parse(json);
    ck_assert_ptr_nonnull(doc);
    s->ws = hf_workspace_from_json(doc, "synthetic.json", &err);
    ck_assert_msg(s->ws != NULL, "%s", hf_error_msg(&err));
    s->m = hf_model_compile(s->ws, NULL, &err);
    ck_assert_msg(s->m != NULL, "%s", hf_error_msg(&err));
}

static void
synth_free(synth *s)
{
    hf_model_free(s->m);
    hf_workspace_free(s->ws);
}

/* fit with start value init0 for "alpha" (when the model has it and init0 is not NaN) */

/* Two bins, a sample scaled by NORMS (a JSON list of normfactor modifiers) over a fixed one. */
static void
pair_model(synth *s, const char *norms)
{
    char buf[2048];
    snprintf(buf, sizeof(buf),
             "{\"channels\":[{\"name\":\"SR\",\"samples\":["
             "{\"name\":\"bkg\",\"data\":[50,60],\"modifiers\":[%s]},"
             "{\"name\":\"other\",\"data\":[10,10],\"modifiers\":[]}]}],"
             "\"observations\":[{\"name\":\"SR\",\"data\":[70,95]}],"
             "\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"a\",\"parameters\":["
             "{\"name\":\"a\",\"bounds\":[[0,10]],\"inits\":[1]},"
             "{\"name\":\"b\",\"bounds\":[[0,10]],\"inits\":[1]}]}}],"
             "\"version\":\"1.0.0\"}",
             norms);
    synth_load(s, buf);
}

static int
fit(const hf_model *m, int strategy, double init0, hf_fit_result *r)
{
    hf_data d = hf_model_data(m);
    hf_error err = {0};
    double x[8];
    ck_assert_uint_le(m->npar, 8);
    memcpy(x, m->init, m->npar * sizeof(double));
    int ia = hf_model_find_par(m, "alpha");
    if (!isnan(init0) && ia >= 0)
        x[ia] = init0;
    hf_fit_options o = {.fix_index = -1, .init = x, .strategy = HF_FIT_STRATEGY(strategy)};
    return hf_fit(m, &d, &o, r, &err);
}

START_TEST(test_degenerate_pair)
{
    synth two, one;
    pair_model(&two, "{\"name\":\"a\",\"type\":\"normfactor\",\"data\":null},"
                     "{\"name\":\"b\",\"type\":\"normfactor\",\"data\":null}");
    pair_model(&one, "{\"name\":\"a\",\"type\":\"normfactor\",\"data\":null}");
    hf_fit_result r2, r1;
    ck_assert_int_eq(fit(two.m, 1, NAN, &r2), 0);
    ck_assert_int_eq(fit(one.m, 1, NAN, &r1), 0);
    ck_assert_msg(r2.converged, "%s", r2.message);
    ck_assert(r1.converged);
    /* the same minimum as the model with the product as one parameter */
    ck_assert_double_eq_tol(r2.twice_nll, r1.twice_nll, 1e-8);
    ck_assert_double_eq_tol(r2.x[0] * r2.x[1], r1.x[0], 1e-4);
    /* the pair is named, and nothing else is */
    ck_assert_uint_eq(r2.nflat, 1);
    ck_assert_uint_eq(r2.flat[0].n, 2);
    size_t p = r2.flat[0].par[0], q = r2.flat[0].par[1];
    ck_assert((p == 0 && q == 1) || (p == 1 && q == 0));
    ck_assert_double_lt(fabs(r2.flat[0].eigenvalue), HF_FIT_FLAT_EIGENVALUE);
    char line[256];
    hf_fit_flat_describe(two.m, &r2.flat[0], line, sizeof(line));
    ck_assert_msg(strstr(line, "determined only in combination") != NULL, "%s", line);
    ck_assert_uint_eq(r1.nflat, 0);
    hf_fit_result_release(&r2);
    hf_fit_result_release(&r1);
    synth_free(&two);
    synth_free(&one);
}
END_TEST

/* One bin, 100 expected, 160 seen; a normsys raising the yield on both sides (hi 1.5, lo 1.6):
 * the yield is lowest near alpha = 0, so -log L has a valley on each side, the one at alpha < 0
 * lower (lo reaches the data with a smaller pull). */
static void
valley_model(synth *s)
{
    synth_load(s, "{\"channels\":[{\"name\":\"SR\",\"samples\":["
                  "{\"name\":\"bkg\",\"data\":[100],\"modifiers\":["
                  "{\"name\":\"alpha\",\"type\":\"normsys\",\"data\":{\"hi\":1.5,\"lo\":1.6}},"
                  "{\"name\":\"mu\",\"type\":\"normfactor\",\"data\":null}]}]}],"
                  "\"observations\":[{\"name\":\"SR\",\"data\":[160]}],"
                  "\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"mu\",\"parameters\":["
                  "{\"name\":\"mu\",\"fixed\":true,\"inits\":[1]}]}}],"
                  "\"version\":\"1.0.0\"}");
}

START_TEST(test_two_valleys)
{
    synth s;
    valley_model(&s);
    int ia = hf_model_find_par(s.m, "alpha");
    ck_assert_int_ge(ia, 0);
    hf_fit_result up, low, careful;
    /* started in the upper valley, strategies 0 and 1 stay there (the test can fail) */
    ck_assert_int_eq(fit(s.m, 1, 1.0, &up), 0);
    ck_assert(up.converged);
    ck_assert_double_gt(up.x[ia], 0.5);
    /* started in the lower valley's basin */
    ck_assert_int_eq(fit(s.m, 0, -1.0, &low), 0);
    ck_assert(low.converged);
    ck_assert_double_lt(low.x[ia], -0.5);
    ck_assert_double_gt(up.twice_nll - low.twice_nll, 0.1);
    /* strategy 2 from the upper valley: random starts find the lower one */
    ck_assert_int_eq(fit(s.m, 2, 1.0, &careful), 0);
    ck_assert(careful.converged);
    ck_assert_double_eq_tol(careful.twice_nll, low.twice_nll, 1e-8);
    ck_assert_double_eq_tol(careful.x[ia], low.x[ia], 1e-4);
    ck_assert_int_gt(careful.restarts, 0);
    ck_assert_int_eq(careful.stage, HF_FIT_RANDOM);
    ck_assert_uint_gt(careful.nattempt, 1);
    hf_fit_result_release(&up);
    hf_fit_result_release(&low);
    hf_fit_result_release(&careful);
    synth_free(&s);
}
END_TEST

/* The same seed gives the same random starts and result; the seed is recorded. */
START_TEST(test_random_seeded)
{
    synth s;
    valley_model(&s);
    hf_fit_result a, b;
    ck_assert_int_eq(fit(s.m, 2, 1.0, &a), 0);
    ck_assert_int_eq(fit(s.m, 2, 1.0, &b), 0);
    ck_assert_uint_eq(a.seed, 42);
    ck_assert_uint_eq(a.nattempt, b.nattempt);
    for (size_t i = 0; i < a.nattempt; i++) {
        ck_assert_uint_eq(a.attempt[i].seed, b.attempt[i].seed);
        ck_assert(a.attempt[i].twice_nll == b.attempt[i].twice_nll);
    }
    hf_fit_result_release(&a);
    hf_fit_result_release(&b);
    synth_free(&s);
}
END_TEST

/* At alpha = 0 of a symmetric normsys (hi = lo) that raises the yield both ways, with data above
 * it, the gradient is exactly zero and the Hessian negative: a saddle (a maximum in alpha). Newton
 * cannot leave it; the trust region does, along the negative curvature. */
START_TEST(test_saddle)
{
    synth s;
    synth_load(&s, "{\"channels\":[{\"name\":\"SR\",\"samples\":["
                   "{\"name\":\"bkg\",\"data\":[100],\"modifiers\":["
                   "{\"name\":\"alpha\",\"type\":\"normsys\",\"data\":{\"hi\":1.5,\"lo\":1.5}},"
                   "{\"name\":\"mu\",\"type\":\"normfactor\",\"data\":null}]}]}],"
                   "\"observations\":[{\"name\":\"SR\",\"data\":[160]}],"
                   "\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"mu\",\"parameters\":["
                   "{\"name\":\"mu\",\"fixed\":true,\"inits\":[1]}]}}],"
                   "\"version\":\"1.0.0\"}");
    int ia = hf_model_find_par(s.m, "alpha");
    hf_fit_result r0, r1;
    ck_assert_int_eq(fit(s.m, 0, 0.0, &r0), 0);
    ck_assert_int_eq(fit(s.m, 1, 0.0, &r1), 0);
    /* strategy 0 stops on the saddle (its Hessian says so); strategy 1 goes down */
    ck_assert(!r0.hesse_ok || !r0.converged);
    ck_assert(r1.converged);
    ck_assert(r1.hesse_ok);
    ck_assert_double_gt(fabs(r1.x[ia]), 0.5);
    ck_assert_double_lt(r1.twice_nll, r0.twice_nll - 1.0);
    ck_assert_int_ne(r1.stage, HF_FIT_NEWTON);
    hf_fit_result_release(&r0);
    hf_fit_result_release(&r1);
    synth_free(&s);
}
END_TEST

/* The same saddle beside 320 well-behaved parameters (one normsys per extra channel): above
 * HF_FIT_TRUST_MAX free parameters the trust region steps without an eigen-decomposition (dogleg,
 * or along the negative curvature of the failed Cholesky pivot) and must leave the saddle itself,
 * before any random start. */
START_TEST(test_saddle_large)
{
    enum { NEXTRA = 320 };
    size_t cap = 4096 + NEXTRA * 400, len = 0;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    len += (size_t)snprintf(buf + len, cap - len,
                            "{\"channels\":[{\"name\":\"SR\",\"samples\":["
                            "{\"name\":\"bkg\",\"data\":[100],\"modifiers\":["
                            "{\"name\":\"alpha\",\"type\":\"normsys\","
                            "\"data\":{\"hi\":1.5,\"lo\":1.5}},"
                            "{\"name\":\"mu\",\"type\":\"normfactor\",\"data\":null}]}]}");
    for (int i = 0; i < NEXTRA; i++)
        len += (size_t)snprintf(buf + len, cap - len,
                                ",{\"name\":\"C%d\",\"samples\":[{\"name\":\"b\",\"data\":[50],"
                                "\"modifiers\":[{\"name\":\"n%d\",\"type\":\"normsys\","
                                "\"data\":{\"hi\":1.1,\"lo\":0.9}}]}]}",
                                i, i);
    len += (size_t)snprintf(buf + len, cap - len,
                            "],\"observations\":[{\"name\":\"SR\",\"data\":[160]}");
    for (int i = 0; i < NEXTRA; i++)
        len += (size_t)snprintf(buf + len, cap - len, ",{\"name\":\"C%d\",\"data\":[%d]}", i,
                                45 + i % 11);
    len += (size_t)snprintf(buf + len, cap - len,
                            "],\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"mu\","
                            "\"parameters\":[{\"name\":\"mu\",\"fixed\":true,\"inits\":[1]}]}}],"
                            "\"version\":\"1.0.0\"}");
    ck_assert_uint_lt(len, cap);
    synth s;
    synth_load(&s, buf);
    free(buf);
    ck_assert_uint_gt(s.m->npar, 301);
    int ia = hf_model_find_par(s.m, "alpha");
    hf_data d = hf_model_data(s.m);
    hf_error err = {0};
    hf_fit_result r;
    hf_fit_options o = {.fix_index = -1, .strategy = HF_FIT_STRATEGY(1)};
    ck_assert_int_eq(hf_fit(s.m, &d, &o, &r, &err), 0);
    ck_assert_msg(r.converged, "%s", r.message);
    ck_assert(r.hesse_ok);
    ck_assert_double_gt(fabs(r.x[ia]), 0.5);
    ck_assert_int_eq(r.stage, HF_FIT_TRUST);
    ck_assert_int_eq(r.restarts, 0);
    /* the other parameters at their own minima: each channel alone, d(-log L)/dn_i = 0 */
    ck_assert_double_lt(r.gradnorm, 1e-3);
    hf_fit_result_release(&r);
    synth_free(&s);
}
END_TEST

/* One iteration per stage cannot converge: the result says so, keeps its last point, and lists
 * every stage it tried. */
START_TEST(test_forced_failure)
{
    synth s;
    valley_model(&s);
    hf_data d = hf_model_data(s.m);
    hf_error err = {0};
    hf_fit_options o = {.fix_index = -1, .max_iter = 1};
    hf_fit_result r;
    ck_assert_int_eq(hf_fit(s.m, &d, &o, &r, &err), 0);
    ck_assert(!r.converged);
    ck_assert_int_ne(r.status, 0);
    ck_assert(isfinite(r.twice_nll));
    ck_assert(isfinite(r.gradnorm) && r.gradnorm > 0);
    ck_assert_int_eq(r.strategy, 1);
    ck_assert_int_eq(r.reached, HF_FIT_RANDOM);
    ck_assert_uint_ge(r.nattempt, 3);
    ck_assert_int_eq(r.attempt[0].stage, HF_FIT_NEWTON);
    ck_assert_int_eq(r.attempt[1].stage, HF_FIT_TRUST);
    ck_assert_int_eq(r.attempt[2].stage, HF_FIT_RESCALED);
    /* the point reported is the one whose -log L is reported */
    hf_eval *ev = hf_eval_new(s.m);
    ck_assert_double_eq_tol(2.0 * hf_model_nll(ev, r.x, &d), r.twice_nll, 1e-9);
    hf_eval_free(ev);
    hf_fit_result_release(&r);
    synth_free(&s);
}
END_TEST

/* A shapesys with delta = 0.001 on 435 events has tau = (435 / 0.001)^2 = 1.9e11, as in a
 * published three-lepton model. At gamma = 1 the constraint's -log Pois(tau | tau) is, in closed
 * form, ln(2 pi tau) / 2 + 1/(12 tau) - 1/(360 tau^3) + ... (Stirling); the main bin's
 * -log Pois(435 | 435) is lgamma(436) - 435 ln 435 + 435, here in long double. The naive
 * tau ln(tau) - tau - lgamma(tau + 1) loses about 1e-3 to rounding: the test asks for 1e-11. Away
 * from gamma = 1 the deviance part n (u - log1p u), u = gamma - 1, is checked against its
 * series tau u^2 / 2 - tau u^3 / 3. */
START_TEST(test_poisson_exact)
{
    synth s;
    synth_load(&s,
               "{\"channels\":[{\"name\":\"SR\",\"samples\":["
               "{\"name\":\"bkg\",\"data\":[435],\"modifiers\":["
               "{\"name\":\"sys\",\"type\":\"shapesys\",\"data\":[0.001]},"
               "{\"name\":\"mu\",\"type\":\"normfactor\",\"data\":null}]}]}],"
               "\"observations\":[{\"name\":\"SR\",\"data\":[435]}],"
               "\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"mu\",\"parameters\":[]}}],"
               "\"version\":\"1.0.0\"}");
    const hf_model *m = s.m;
    int ig = hf_model_find_par(m, "sys[0]"), im = hf_model_find_par(m, "mu");
    ck_assert_int_ge(ig, 0);
    ck_assert_int_ge(im, 0);
    double tau = m->par[ig].tau;
    ck_assert_double_eq_tol(tau, (435 / 0.001) * (435 / 0.001), 1e-3 * tau);
    hf_data d = hf_model_data(m);
    hf_eval *ev = hf_eval_new(m);
    double x[2];
    x[ig] = 1.0;
    x[im] = 1.0;
    long double n = 435.0L;
    long double main_term = lgammal(n + 1.0L) - n * logl(n) + n;
    double t = tau;
    double con = 0.5 * log(2.0 * M_PI * t) + 1.0 / (12.0 * t) - 1.0 / (360.0 * t * t * t);
    double want = (double)main_term + con;
    ck_assert_double_eq_tol(hf_model_nll(ev, x, &d), want, 1e-11);
    /* gamma = 1 + u, mu = 1 / gamma keeps the main bin at 435: only the constraint moves */
    double u = 1e-6;
    x[ig] = 1.0 + u;
    x[im] = 1.0 / (1.0 + u);
    double dev = t * (u * u / 2 - u * u * u / 3 + u * u * u * u / 4);
    double got = hf_model_nll(ev, x, &d) - want;
    ck_assert_double_eq_tol(got, dev, 1e-9 * dev + 1e-11);
    hf_eval_free(ev);
    synth_free(&s);
}
END_TEST

/* The covariance by blocks (Schur complement over the per-bin gammas, core/model/fit_schur.c)
 * against a dense inverse (GSL's Cholesky) of the exact Hessian at the same point, on the
 * published three-lepton model (581 free parameters, most of them gammas). */
START_TEST(test_schur_covariance)
{
    char *path = tu_refpath("bkgonly", "atlas_susy_3Lresonance_2020_bkg.json");
    hf_error err = {0};
    hf_workspace *ws = hf_workspace_load(path, &err);
    free(path);
    if (ws == NULL)
        return; /* the reference set is optional */
    hf_model *m = hf_model_compile(ws, NULL, &err);
    ck_assert_ptr_nonnull(m);
    hf_data d = hf_model_data(m);
    hf_fit_result r;
    ck_assert_int_eq(hf_fit(m, &d, NULL, &r, &err), 0);
    ck_assert(r.converged && r.hesse_ok);
    size_t n = m->npar, nf = 0;
    size_t *fi = malloc(n * sizeof(size_t));
    double *H = malloc(n * n * sizeof(double));
    hf_eval *ev = hf_eval_new(m);
    hf_model_hessian(ev, r.x, &d, H);
    for (size_t j = 0; j < n; j++)
        if (!r.fixed[j])
            fi[nf++] = j;
    gsl_matrix *A = gsl_matrix_alloc(nf, nf);
    for (size_t a = 0; a < nf; a++)
        for (size_t b = 0; b < nf; b++)
            gsl_matrix_set(A, a, b, H[fi[a] * n + fi[b]]);
    ck_assert_int_eq(gsl_linalg_cholesky_decomp1(A), 0);
    ck_assert_int_eq(gsl_linalg_cholesky_invert(A), 0);
    double worst = 0;
    for (size_t a = 0; a < nf; a++)
        for (size_t b = 0; b < nf; b++) {
            double want = gsl_matrix_get(A, a, b), got = r.cov[fi[a] * n + fi[b]];
            double scale = sqrt(gsl_matrix_get(A, a, a) * gsl_matrix_get(A, b, b));
            double e = fabs(got - want) / scale;
            worst = e > worst ? e : worst;
        }
    ck_assert_msg(worst < 1e-9, "block covariance differs from the dense inverse by %g", worst);
    gsl_matrix_free(A);
    hf_eval_free(ev);
    free(H);
    free(fi);
    hf_fit_result_release(&r);
    hf_model_free(m);
    hf_workspace_free(ws);
}
END_TEST

Suite *
fit_suite(void)
{
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("fit");
    tcase_add_test(tc, test_degenerate_pair);
    tcase_add_test(tc, test_two_valleys);
    tcase_add_test(tc, test_random_seeded);
    tcase_add_test(tc, test_saddle);
    tcase_add_test(tc, test_saddle_large);
    tcase_add_test(tc, test_forced_failure);
    tcase_add_test(tc, test_poisson_exact);
    tcase_add_test(tc, test_schur_covariance);
    suite_add_tcase(s, tc);
    return s;
}
