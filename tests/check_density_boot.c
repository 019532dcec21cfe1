/* tests/check_density_boot.c - density lab, part two, against independent truth: the cost axis
 * (simulation MSE = sum p(1-p) c_sim / t exactly; crossings and the peak saving against a brute
 * scan), bootstrap ensembles (a histogram's bootstrap variance = p(1-p)(n-1)/n^2 exactly in
 * expectation; coverage of the debiased band near its nominal level where the naive errors fail)
 * and generated templates written into a workspace that validates and fits. */
#include <check.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "core/density/binest.h"
#include "core/density/density.h"
#include "core/density/density_template.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "core/model/workspace.h"
#include "tests/test_util.h"

Suite *density_boot_suite(void);

static hf_density_truth *
builtin(const char *name)
{
    hf_error err = {0};
    hf_density_truth *t = hf_density_truth_builtin(name, &err);
    ck_assert_msg(t != NULL, "%s", err.msg ? err.msg : "?");
    return t;
}

/* An experiment with only the parts a test needs (no scans), run to completion. */
static hf_density_result *
run(const hf_density_truth *t, hf_density_config *c, size_t reps)
{
    static const double one = 1.0;
    hf_error err = {0};
    c->isj_markers = false;
    c->scales = &one;
    c->nscales = 1;
    c->binnings = &c->bins;
    c->nbinnings = 1;
    hf_density_exp *e = hf_density_exp_new(t, c, &err);
    ck_assert_msg(e != NULL, "%s", err.msg ? err.msg : "?");
    ck_assert_int_eq(hf_density_exp_run(e, reps, 2, NULL, &err), (long)reps);
    hf_density_result *r = hf_density_exp_result(e, &err);
    ck_assert_ptr_nonnull(r);
    hf_density_exp_free(e);
    return r;
}

START_TEST(test_cost_simulation_matches_closed_form)
{
    hf_density_truth *t = builtin("camelback");
    static const double draws[] = {10, 100, 1000};
    hf_density_config c;
    hf_density_config_init(&c);
    c.n = 40;
    c.bins = 12;
    c.draws = draws;
    c.ndraws = 3;
    c.cost_sim = 2e-3;
    c.cost_gen = 1e-6;
    c.cost_train = 0.05;
    hf_density_result *r = run(t, &c, 1500);
    ck_assert_ptr_nonnull(r->cost);
    const hf_density_cost *k = r->cost;
    double p[12], spq = 0;
    hf_density_truth_probs(t, 12, p); /* the truth's own bin probabilities */
    for (int b = 0; b < 12; b++)
        spq += p[b] * (1 - p[b]);
    ck_assert_uint_gt(k->nsim, 5);
    for (size_t i = 0; i < k->nsim; i++) {
        const hf_density_cost_point *pt = &k->sim[i];
        double closed = spq * c.cost_sim / pt->t; /* sum p(1-p) / (t / C1) */
        ck_assert_double_eq_tol(pt->model, closed, 1e-12 * closed);
        ck_assert_double_eq_tol(hf_density_cost_sim_mse(k, r->sum_pq, pt->t), closed,
                                1e-12 * closed);
        double z = (pt->mse - closed) / pt->mse_err;
        ck_assert_msg(fabs(z) < 4.5, "N = %g: mse %g closed form %g err %g", pt->events, pt->mse,
                      closed, pt->mse_err);
        ck_assert_double_lt(pt->mse_err, 0.06 * closed); /* the comparison has power */
    }
    /* the generative strategy pays its training set and training first */
    ck_assert_double_eq_tol(k->t_start, c.cost_train + 40 * c.cost_sim, 1e-15);
    for (size_t m = 0; m < k->ngen; m++)
        ck_assert_double_eq_tol(k->gen[m].t, k->t_start + draws[m] * c.cost_gen, 1e-12);
    hf_density_result_free(r);
    hf_density_truth_free(t);
}
END_TEST

/* Crossings and peak saving against a brute-force scan of the two closed-form curves. */
START_TEST(test_cost_crossings_and_saving)
{
    hf_density_cost k = {
        .c_sim = 1.0, .c_gen = 1e-3, .c_train = 20, .floor = 2e-3, .sampling_coef = 0.9};
    double spq = 0.9;
    k.t_start = k.c_train + 100 * k.c_sim;
    hf_density_cost_solve(&k, spq);
    ck_assert(isfinite(k.cross_lo) && isfinite(k.cross_hi));
    ck_assert_double_lt(k.t_start, k.cross_lo);
    ck_assert_double_lt(k.cross_lo, k.cross_hi);
    for (int end = 0; end < 2; end++) {
        double t = end ? k.cross_hi : k.cross_lo;
        double s = hf_density_cost_sim_mse(&k, spq, t), g = hf_density_cost_gen_mse(&k, t);
        ck_assert_double_eq_tol(s, g, 1e-9 * s);
    }
    /* ahead in between, behind outside; and behind for good past cross_hi */
    double mid = sqrt(k.cross_lo * k.cross_hi);
    ck_assert_double_lt(hf_density_cost_gen_mse(&k, mid), hf_density_cost_sim_mse(&k, spq, mid));
    for (double f = 1.01; f < 1e6; f *= 3)
        ck_assert_double_gt(hf_density_cost_gen_mse(&k, k.cross_hi * f),
                            hf_density_cost_sim_mse(&k, spq, k.cross_hi * f));
    /* peak of t_sim - t_gen over target MSE, by brute force */
    double best = -INFINITY, K = spq * k.c_sim, S = k.sampling_coef * k.c_gen;
    for (int i = 1; i < 200000; i++) {
        double eps = k.floor * (1 + 1e-5 * i);
        double d = K / eps - (k.t_start + S / (eps - k.floor));
        best = fmax(best, d);
    }
    ck_assert_double_eq_tol(k.max_saving, best, 1e-6 * fabs(best));
    ck_assert_double_gt(k.best_ratio, 1);
    /* a generative model that is too expensive is never ahead */
    k.c_gen = 0.5;
    hf_density_cost_solve(&k, spq);
    ck_assert(isnan(k.cross_lo) && isnan(k.cross_hi));
}
END_TEST

/* The bootstrap variance of a histogram's bin fraction is p^(1-p^)/n given the sample, so over
 * samples its expectation is p(1-p)(n-1)/n^2 exactly. */
START_TEST(test_bootstrap_histogram_matches_analytic_variance)
{
    hf_density_truth *t = builtin("exponential");
    enum { NB = 8, SETS = 300, N = 150, MEMBERS = 100 };
    hf_binest est = {.kind = HF_BINEST_HISTOGRAM,
                     .bins = NB,
                     .lo = hf_density_truth_lo(t),
                     .hi = hf_density_truth_hi(t)};
    double p[NB], mean[NB], var[NB], x[N], s[NB] = {0}, s2[NB] = {0};
    hf_density_truth_probs(t, NB, p);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(rng, 7);
    hf_error err = {0};
    for (int k = 0; k < SETS; k++) {
        for (int i = 0; i < N; i++)
            x[i] = hf_density_truth_sample_one(t, rng);
        ck_assert_int_eq(hf_binest_bootstrap(&est, x, N, MEMBERS, rng, mean, var, NULL, &err), 0);
        for (int b = 0; b < NB; b++) {
            s[b] += var[b];
            s2[b] += var[b] * var[b];
        }
    }
    for (int b = 0; b < NB; b++) {
        double m = s[b] / SETS, se = sqrt((s2[b] / SETS - m * m) / (SETS - 1));
        double analytic = p[b] * (1 - p[b]) * (N - 1) / ((double)N * N);
        if (N * p[b] < 1)
            continue; /* no spread to speak of */
        ck_assert_msg(fabs(m - analytic) < 4 * se, "bin %d: bootstrap %g analytic %g se %g", b, m,
                      analytic, se);
        ck_assert_double_lt(se, 0.05 * analytic);
    }
    gsl_rng_free(rng);
    hf_density_truth_free(t);
}
END_TEST

/* The debiased bootstrap band covers p near the nominal 68.3% on every built-in truth, where the
 * naive sqrt(g) errors of a large generated histogram cover almost nothing. */
START_TEST(test_bootstrap_coverage_on_builtin_truths)
{
    static const double draws[] = {1e6};
    for (size_t i = 0; hf_density_truth_names[i] != NULL; i++) {
        hf_density_truth *t = builtin(hf_density_truth_names[i]);
        hf_density_config c;
        hf_density_config_init(&c);
        c.n = 500;
        c.bins = 20;
        c.rule = HF_KDE_ISJ;
        c.boot = 20;
        c.draws = draws;
        c.ndraws = 1;
        c.sampling = HF_DENSITY_MULTINOMIAL;
        c.seed = 42;
        hf_density_result *r = run(t, &c, 40);
        const hf_density_draw *d = &r->draw[0];
        ck_assert_msg(fabs(d->debiased_coverage - r->nominal_coverage) < 0.06,
                      "%s: debiased band covers %.3f", hf_density_truth_names[i],
                      d->debiased_coverage);
        ck_assert_msg(d->coverage < 0.2, "%s: naive covers %.3f", hf_density_truth_names[i],
                      d->coverage);
        /* the bootstrap sees the training variance: the ratio of the two estimates is 1 within
         * the noise of a variance over 40 reps */
        ck_assert_double_lt(fabs(r->boot_variance / r->train_variance - 1), 0.35);
        hf_density_result_free(r);
        hf_density_truth_free(t);
    }
}
END_TEST

static const cJSON *
find_named(const cJSON *arr, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return it;
    }
    return NULL;
}

/* A generated template replaces the sample's data, its band becomes the modifier's data, and
 * the workspace validates and fits, for both modifier kinds. */
START_TEST(test_template_into_workspace_validates_and_fits)
{
    char *path = tu_refpath("atlas_tutorial_fullexample", "workspace.json");
    hf_error err = {0};
    hf_workspace *ws = hf_workspace_load(path, &err);
    ck_assert_msg(ws != NULL, "%s", err.msg ? err.msg : "?");
    hf_model *m = hf_model_compile(ws, NULL, &err);
    ck_assert_ptr_nonnull(m);
    const char *ch = "SR_meff", *sm = "ttbar";
    hf_density_truth *t = hf_density_truth_template(m, ch, sm, &err);
    ck_assert_ptr_nonnull(t);
    const cJSON *sample = find_named(
        cJSON_GetObjectItemCaseSensitive(
            find_named(cJSON_GetObjectItemCaseSensitive(ws->doc, "channels"), ch), "samples"),
        sm);
    size_t nb;
    double *nominal = tu_numbers(cJSON_GetObjectItemCaseSensitive(sample, "data"), &nb);
    for (int kind = 0; kind < 2; kind++) {
        hf_density_template_config cfg = {.n = 500,
                                          .draws = 1e5,
                                          .boot = 30,
                                          .rule = HF_KDE_ISJ,
                                          .bw_value = 1,
                                          .reflect = true,
                                          .debias = true,
                                          .seed = 3};
        hf_density_template *g = hf_density_template_make(t, nominal, nb, &cfg, &err);
        ck_assert_msg(g != NULL, "%s", err.msg ? err.msg : "?");
        double sum = 0, yield = 0;
        for (size_t b = 0; b < nb; b++) {
            sum += g->generated[b];
            yield += nominal[b] > 0 ? nominal[b] : 0;
            ck_assert_double_gt(g->sd[b], 0);
            ck_assert_double_eq_tol(g->sd[b], hypot(g->sd_train[b], g->sd_sampling[b]), 1e-12);
        }
        ck_assert_double_eq_tol(sum, yield, 1e-9 * yield);
        cJSON *doc = cJSON_Duplicate(ws->doc, 1);
        ck_assert_int_eq(hf_density_template_apply(doc, ch, sm, g, (hf_density_modifier)kind, &err),
                         0);
        const cJSON *s2 = find_named(
            cJSON_GetObjectItemCaseSensitive(
                find_named(cJSON_GetObjectItemCaseSensitive(doc, "channels"), ch), "samples"),
            sm);
        size_t n2;
        double *d2 = tu_numbers(cJSON_GetObjectItemCaseSensitive(s2, "data"), &n2);
        ck_assert_uint_eq(n2, nb);
        for (size_t b = 0; b < nb; b++)
            ck_assert_double_eq_tol(d2[b], g->generated[b], 1e-12 * yield);
        free(d2);
        const cJSON *mod, *found = NULL;
        cJSON_ArrayForEach(mod, cJSON_GetObjectItemCaseSensitive(s2, "modifiers"))
        {
            const char *type = cJSON_GetObjectItemCaseSensitive(mod, "type")->valuestring;
            ck_assert_msg(kind == 0 || strcmp(type, "staterror") != 0,
                          "shapesys mode keeps no staterror");
            if (strcmp(type, kind == 0 ? "staterror" : "shapesys") == 0)
                found = mod;
        }
        ck_assert_ptr_nonnull(found);
        size_t nd;
        double *band = tu_numbers(cJSON_GetObjectItemCaseSensitive(found, "data"), &nd);
        for (size_t b = 0; b < nb; b++)
            ck_assert_double_eq_tol(band[b], g->sd[b], 1e-12 * g->sd[b]);
        free(band);
        hf_workspace *ws2 = hf_workspace_from_json(doc, "generated", &err);
        ck_assert_msg(ws2 != NULL, "%s", err.msg ? err.msg : "?");
        hf_model *m2 = hf_model_compile(ws2, NULL, &err);
        ck_assert_msg(m2 != NULL, "%s", err.msg ? err.msg : "?");
        hf_data d = hf_model_data(m2);
        hf_fit_options fo = {0};
        fo.fix_index = -1;
        hf_fit_result fr;
        ck_assert_int_ge(hf_fit(m2, &d, &fo, &fr, &err), 0);
        ck_assert(fr.converged);
        hf_fit_result_release(&fr);
        hf_model_free(m2);
        hf_workspace_free(ws2);
        hf_density_template_free(g);
    }
    ck_assert_int_ne(hf_density_template_apply(ws->doc, "nope", sm, NULL, 0, &err), 0);
    hf_error_release(&err);
    free(nominal);
    hf_density_truth_free(t);
    hf_model_free(m);
    hf_workspace_free(ws);
    free(path);
}
END_TEST

Suite *
density_boot_suite(void)
{
    Suite *s = suite_create("density_boot");
    TCase *tc = tcase_create("cost");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_cost_simulation_matches_closed_form);
    tcase_add_test(tc, test_cost_crossings_and_saving);
    suite_add_tcase(s, tc);
    tc = tcase_create("bootstrap");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_bootstrap_histogram_matches_analytic_variance);
    tcase_add_test(tc, test_template_into_workspace_validates_and_fits);
    suite_add_tcase(s, tc);
    /* Coverage over five truths takes seconds (minutes under ASan): `make check-slow`. */
    tc = tcase_create("coverage");
    tcase_set_tags(tc, "slow");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_bootstrap_coverage_on_builtin_truths);
    suite_add_tcase(s, tc);
    return s;
}
