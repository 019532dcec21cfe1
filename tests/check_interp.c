/* tests/check_interp.c - interpolation codes against hand-computed values (inside and beyond
 * |alpha| = 1), continuity at +-1, and derivatives against finite differences. */
#include <check.h>
#include <math.h>

#include "core/model/interp.h"

#define TOL 1e-12

START_TEST(test_code0)
{
    /* nom 10, down 8, up 13: slopes 3 above, 2 below */
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE0, 10, 8, 13, 0.5, NULL), 11.5, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE0, 10, 8, 13, -0.5, NULL), 9.0, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE0, 10, 8, 13, 2.0, NULL), 16.0, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE0, 10, 8, 13, -3.0, NULL), 4.0, TOL);
}
END_TEST

START_TEST(test_code1)
{
    /* factors hi 1.2, lo 0.9: 1.2^a above, 0.9^-a below */
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE1, 1, 0.9, 1.2, 0.5, NULL), sqrt(1.2), TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE1, 1, 0.9, 1.2, -2.0, NULL), 0.81, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE1, 1, 0.9, 1.2, 3.0, NULL), 1.728, TOL);
    /* on a histogram: nom * ratio^alpha */
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE1, 10, 9, 12, 2.0, NULL), 14.4, 1e-10);
}
END_TEST

START_TEST(test_code2)
{
    /* nom 10, down 8, up 13: a = 0.5 (13 + 8) - 10 = 0.5, b = 2.5 */
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE2, 10, 8, 13, 0.5, NULL), 10 + 0.125 + 1.25,
                            TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE2, 10, 8, 13, 1.0, NULL), 13.0, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE2, 10, 8, 13, -1.0, NULL), 8.0, TOL);
    /* linear beyond: slope b + 2a = 3.5 above, b - 2a = 1.5 below */
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE2, 10, 8, 13, 2.0, NULL), 16.5, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE2, 10, 8, 13, -2.0, NULL), 6.5, TOL);
}
END_TEST

START_TEST(test_code4p)
{
    /* d+ = 3, d- = 2: S = 2.5, A = 1/16; at 0.5: 0.5 (2.5 + 0.5/16 (15 + 0.25 (0.75 - 10))) */
    double want = 10 + 0.5 * (2.5 + 0.5 * 0.0625 * (15 + 0.25 * (3 * 0.25 - 10)));
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE4P, 10, 8, 13, 0.5, NULL), want, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE4P, 10, 8, 13, 1.0, NULL), 13.0, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE4P, 10, 8, 13, -1.0, NULL), 8.0, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE4P, 10, 8, 13, 2.5, NULL), 17.5, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE4P, 10, 8, 13, -2.0, NULL), 6.0, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE4P, 10, 8, 13, 0.0, NULL), 10.0, TOL);
}
END_TEST

START_TEST(test_code4)
{
    /* exponential outside, and the polynomial matches value, slope and curvature at +-1 */
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE4, 1, 0.9, 1.2, 2.0, NULL), 1.44, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE4, 1, 0.9, 1.2, -2.0, NULL), 0.81, TOL);
    ck_assert_double_eq_tol(hf_interp(HF_INTERP_CODE4, 1, 0.9, 1.2, 0.0, NULL), 1.0, TOL);
    double e = 1e-7;
    for (int side = -1; side <= 1; side += 2) {
        double in = side * (1 - e), out = side * (1 + e);
        double d_in, d_out;
        double v_in = hf_interp(HF_INTERP_CODE4, 1, 0.9, 1.2, in, &d_in);
        double v_out = hf_interp(HF_INTERP_CODE4, 1, 0.9, 1.2, out, &d_out);
        ck_assert_double_eq_tol(v_in, v_out, 1e-6);
        ck_assert_double_eq_tol(d_in, d_out, 1e-6);
    }
}
END_TEST

START_TEST(test_derivatives)
{
    const hf_interp_code codes[] = {HF_INTERP_CODE0, HF_INTERP_CODE1, HF_INTERP_CODE2,
                                    HF_INTERP_CODE4, HF_INTERP_CODE4P};
    const double alphas[] = {-2.7, -1.3, -0.6, -0.2, 0.3, 0.8, 1.4, 3.1};
    for (size_t c = 0; c < 5; c++)
        for (size_t i = 0; i < 8; i++) {
            double a = alphas[i], h = 1e-6, d;
            hf_interp(codes[c], 7.0, 5.5, 9.1, a, &d);
            double fd = (hf_interp(codes[c], 7.0, 5.5, 9.1, a + h, NULL) -
                         hf_interp(codes[c], 7.0, 5.5, 9.1, a - h, NULL)) /
                        (2 * h);
            ck_assert_msg(fabs(d - fd) < 1e-6, "%s at %g: %g vs %g", hf_interp_name(codes[c]), a, d,
                          fd);
        }
}
END_TEST

START_TEST(test_parse)
{
    hf_interp_code c;
    ck_assert_int_eq(hf_interp_parse("code4p", &c), 0);
    ck_assert_int_eq(c, HF_INTERP_CODE4P);
    ck_assert_int_eq(hf_interp_parse("code1", &c), 0);
    ck_assert_int_eq(c, HF_INTERP_CODE1);
    ck_assert_int_eq(hf_interp_parse("code3", &c), -1);
}
END_TEST

Suite *interp_suite(void);

Suite *
interp_suite(void)
{
    Suite *s = suite_create("interp");
    TCase *tc = tcase_create("codes");
    tcase_add_test(tc, test_code0);
    tcase_add_test(tc, test_code1);
    tcase_add_test(tc, test_code2);
    tcase_add_test(tc, test_code4p);
    tcase_add_test(tc, test_code4);
    tcase_add_test(tc, test_derivatives);
    tcase_add_test(tc, test_parse);
    suite_add_tcase(s, tc);
    return s;
}
