/* tests/check_linalg.c - the hand-written Cholesky against its definition: L L' = A for random
 * symmetric positive definite matrices of every size around the 2 x 4 tiles (and a fit-sized
 * one), A x = b after the solve, A A^-1 = I, and -1 for matrices that are not positive
 * definite. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "core/model/linalg.h"

Suite *linalg_suite(void);

/* A = M M' + n I with M uniform in [-1, 1]: symmetric positive definite, condition ~ a few. */
static double *
random_spd(size_t n, gsl_rng *rng)
{
    double *m = malloc(n * n * sizeof(double)), *a = calloc(n * n, sizeof(double));
    ck_assert(m != NULL && a != NULL);
    for (size_t i = 0; i < n * n; i++)
        m[i] = 2 * gsl_rng_uniform(rng) - 1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = i == j ? (double)n : 0.0;
            for (size_t k = 0; k < n; k++)
                s += m[i * n + k] * m[j * n + k];
            a[i * n + j] = s;
        }
    free(m);
    return a;
}

START_TEST(test_cholesky_reconstructs)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(rng, 11);
    static const size_t sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 17, 64, 224};
    for (size_t t = 0; t < sizeof(sizes) / sizeof(sizes[0]); t++) {
        size_t n = sizes[t];
        double *a = random_spd(n, rng), *l = malloc(n * n * sizeof(double));
        double *b = malloc(n * sizeof(double)), *x = malloc(n * sizeof(double));
        double *inv = malloc(n * n * sizeof(double));
        memcpy(l, a, n * n * sizeof(double));
        ck_assert_int_eq(hf_chol_decomp(n, l), 0);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j <= i; j++) {
                double s = 0; /* (L L')_ij from the lower triangle only */
                for (size_t k = 0; k <= j; k++)
                    s += l[i * n + k] * l[j * n + k];
                ck_assert_msg(fabs(s - a[i * n + j]) < 1e-12 * (double)n * (double)n,
                              "n = %zu: (LL')[%zu][%zu] = %.17g, A = %.17g", n, i, j, s,
                              a[i * n + j]);
            }
        for (size_t i = 0; i < n; i++)
            x[i] = b[i] = gsl_rng_uniform(rng) - 0.5;
        hf_chol_solve(n, l, x);
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (size_t k = 0; k < n; k++)
                s += a[i * n + k] * x[k];
            ck_assert_double_eq_tol(s, b[i], 1e-12 * (double)n);
        }
        hf_chol_invert(n, l, inv);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                double s = 0;
                for (size_t k = 0; k < n; k++)
                    s += a[i * n + k] * inv[k * n + j];
                ck_assert_double_eq_tol(s, i == j ? 1.0 : 0.0, 1e-12 * (double)n);
            }
        free(a);
        free(l);
        free(b);
        free(x);
        free(inv);
    }
    gsl_rng_free(rng);
}
END_TEST

START_TEST(test_cholesky_rejects_indefinite)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(rng, 5);
    for (size_t n = 1; n <= 13; n++) {
        for (size_t at = 0; at < n; at++) { /* one negative direction, at every position */
            double *a = random_spd(n, rng);
            for (size_t k = 0; k < n; k++) { /* make row/column `at` dominate negatively */
                a[at * n + k] *= 0.01;
                a[k * n + at] *= 0.01;
            }
            a[at * n + at] = -1.0;
            ck_assert_int_eq(hf_chol_decomp(n, a), -1);
            free(a);
        }
    }
    gsl_rng_free(rng);
}
END_TEST

Suite *
linalg_suite(void)
{
    Suite *s = suite_create("linalg");
    TCase *tc = tcase_create("cholesky");
    tcase_add_test(tc, test_cholesky_reconstructs);
    tcase_add_test(tc, test_cholesky_rejects_indefinite);
    suite_add_tcase(s, tc);
    return s;
}
