/* tests/check_linalg.c - the hand-written Cholesky against its definition: L L' = A for random
 * symmetric positive definite matrices of every size around the 2 x 4 tiles (and a fit-sized
 * one), A x = b after the solve, A A^-1 = I, -1 for matrices that are not positive
 * definite, the shift bound from the failed pivot against the smallest eigenvalue, and rank-one
 * updates and downdates against fresh factorisations. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
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

/* The shift bound from the failed pivot against the smallest eigenvalue (GSL): A + shift I may
 * still be indefinite (the bound is a lower one) but never by more than the eigenvalue allows,
 * 0 < shift <= -lambda_min; and A - lambda_min I + a hair is accepted. Random indefinite
 * matrices M M' - c I of every size around the tiles. */
START_TEST(test_cholesky_shift_bound)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(rng, 11);
    for (size_t n = 1; n <= 40; n++) {
        double *a = random_spd(n, rng), *b = malloc(n * n * sizeof(double));
        ck_assert(b != NULL);
        double c = (0.5 + gsl_rng_uniform(rng)) * (double)n * 1.5;
        for (size_t i = 0; i < n; i++)
            a[i * n + i] -= c;
        memcpy(b, a, n * n * sizeof(double));
        gsl_matrix_view mv = gsl_matrix_view_array(b, n, n);
        gsl_vector *ev = gsl_vector_alloc(n);
        gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(n);
        ck_assert(gsl_eigen_symm(&mv.matrix, ev, w) == 0);
        double lmin = gsl_vector_min(ev);
        gsl_eigen_symm_free(w);
        gsl_vector_free(ev);
        memcpy(b, a, n * n * sizeof(double));
        double shift = -1;
        int rc = hf_chol_decomp_shift(n, b, &shift);
        if (lmin > 0) {
            ck_assert_int_eq(rc, 0);
            ck_assert(shift == 0.0);
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_msg(shift >= 0 && shift <= -lmin * (1 + 1e-10) + 1e-12,
                          "n %zu: shift %g, lambda_min %g", n, shift, lmin);
            memcpy(b, a, n * n * sizeof(double));
            for (size_t i = 0; i < n; i++)
                b[i * n + i] += -lmin * (1 + 1e-8) + 1e-8;
            ck_assert_int_eq(hf_chol_decomp_shift(n, b, &shift), 0);
        }
        free(a);
        free(b);
    }
    gsl_rng_free(rng);
}
END_TEST

/* Rank-one update and downdate against a fresh factorisation of A + v v' and of A - w w' (w
 * small enough that A - w w' stays positive definite), and a downdate that cannot stay positive
 * definite is refused. */
START_TEST(test_cholesky_rank1)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(rng, 13);
    for (size_t n = 1; n <= 30; n++) {
        for (int sigma = -1; sigma <= 1; sigma += 2) {
            double *a = random_spd(n, rng), *l = malloc(n * n * sizeof(double));
            double *v = malloc(n * sizeof(double)), *vc = malloc(n * sizeof(double));
            ck_assert(l != NULL && v != NULL && vc != NULL);
            for (size_t i = 0; i < n; i++)
                v[i] = (2 * gsl_rng_uniform(rng) - 1) * (sigma > 0 ? 2.0 : 0.5);
            memcpy(vc, v, n * sizeof(double));
            memcpy(l, a, n * n * sizeof(double));
            ck_assert_int_eq(hf_chol_decomp(n, l), 0);
            ck_assert_int_eq(hf_chol_rank1(n, l, vc, sigma), 0);
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++)
                    a[i * n + j] += sigma * v[i] * v[j];
            ck_assert_int_eq(hf_chol_decomp(n, a), 0);
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j <= i; j++)
                    ck_assert_msg(fabs(l[i * n + j] - a[i * n + j]) < 1e-12 * (double)n,
                                  "n %zu sigma %d: L[%zu][%zu] %g, fresh %g", n, sigma, i, j,
                                  l[i * n + j], a[i * n + j]);
            free(a);
            free(l);
            free(v);
            free(vc);
        }
    }
    double a[4] = {1.0, 0.0, 0.0, 1.0}, w[2] = {0.0, 2.0}; /* I - w w' is indefinite */
    ck_assert_int_eq(hf_chol_decomp(2, a), 0);
    ck_assert_int_eq(hf_chol_rank1(2, a, w, -1), -1);
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
    tcase_add_test(tc, test_cholesky_shift_bound);
    tcase_add_test(tc, test_cholesky_rank1);
    suite_add_tcase(s, tc);
    return s;
}
