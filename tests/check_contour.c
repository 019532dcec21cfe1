/* tests/check_contour.c - hf_contour_find against a boundary known in closed form: CLs =
 * exp(-r^2) crosses 0.05 on the circle r = sqrt(ln 20). Interpolated in log space (log CLs =
 * -r^2, linear on each triangle) the contour must lie within one grid spacing of the circle, on
 * a regular grid, on a grid with axes in different units, and on an irregular (jittered) one; it
 * must be one closed loop around the origin. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "core/infer/contour.h"
#include "render/plot_exclusion.h"
Suite *contour_suite(void);

/* the largest distance of a contour point from the ellipse (x/sx)^2 + (y/sy)^2 = R^2, in units of
 * the grid spacing (scaled back to the unit circle) */
static double
worst_distance(const hf_contour *c, double R, double sx, double sy)
{
    double worst = 0;
    for (size_t l = 0; l < c->nline; l++)
        for (size_t i = 0; i < c->line[l].n; i++) {
            double u = c->line[l].x[i] / sx, v = c->line[l].y[i] / sy;
            worst = fmax(worst, fabs(hypot(u, v) - R));
        }
    return worst;
}

static void
circle_case(int n, double sx, double sy, double jitter, unsigned seed)
{
    size_t np = (size_t)(n * n);
    double *x = malloc(np * sizeof(double)), *y = malloc(np * sizeof(double));
    double *z = malloc(np * sizeof(double));
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(y);
    ck_assert_ptr_nonnull(z);
    double h = 4.0 / (n - 1); /* [-2, 2] in unit-circle coordinates */
    srand(seed);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double u = -2 + h * i, v = -2 + h * j;
            if (jitter > 0 && i > 0 && j > 0 && i < n - 1 && j < n - 1) {
                u += jitter * h * ((double)rand() / RAND_MAX - 0.5);
                v += jitter * h * ((double)rand() / RAND_MAX - 0.5);
            }
            size_t k = (size_t)(i * n + j);
            x[k] = sx * u;
            y[k] = sy * v;
            z[k] = -(u * u + v * v); /* log(exp(-r^2)) */
        }
    double R = sqrt(log(20.0));
    hf_contour c;
    hf_error err = {0};
    ck_assert_int_eq(hf_contour_find(x, y, z, np, log(0.05), &c, &err), 0);
    ck_assert_uint_gt(c.ntri, np); /* a triangulation of the whole grid: about 2 n^2 triangles */
    ck_assert_uint_eq(c.nline, 1);
    ck_assert_int_eq(c.line[0].closed, 1);
    ck_assert_uint_gt(c.line[0].n, 8);
    double d = worst_distance(&c, R, sx, sy);
    ck_assert_msg(d < h, "contour %.4g from the circle, grid spacing %.4g", d, h);
    /* interpolation error of a quadratic on triangles of size h: O(h^2), far below h */
    ck_assert_msg(d < 0.5 * h * h + 1e-12, "contour %.4g from the circle, h^2/2 = %.4g", d,
                  0.5 * h * h);
    hf_contour_release(&c);
    hf_error_release(&err);
    free(x);
    free(y);
    free(z);
}

START_TEST(test_circle_regular)
{
    circle_case(21, 1.0, 1.0, 0.0, 1);
}
END_TEST

START_TEST(test_circle_units)
{
    circle_case(15, 500.0, 2.0, 0.0, 1); /* axes of different units: GeV against a ratio */
}
END_TEST

START_TEST(test_circle_irregular)
{
    circle_case(17, 1.0, 1.0, 0.6, 7);
}
END_TEST

/* What the exclusion figure draws (hf_exclusion_contour: log CLs at log 0.05) on the grid of
 * tests/slurm/grid.sh hf_circle_grid (m1 = 100..1500 step 100, m2 = 0..550 step 50, CLs =
 * exp(-r^2), r = hypot((m1 - 100) / 500, m2 / 250)): within one grid spacing of the ellipse
 * r = sqrt(ln 20), in each axis's spacing; and the figure builds. */
START_TEST(test_exclusion_ellipse)
{
    enum { NX = 15, NY = 12, N = NX * NY };
    double x[N], y[N], obs[N], exp5[5 * N];
    for (int i = 0; i < NX; i++)
        for (int j = 0; j < NY; j++) {
            int k = i * NY + j;
            x[k] = 100 + 100 * i;
            y[k] = 50 * j;
            double r2 = pow((x[k] - 100) / 500, 2) + pow(y[k] / 250, 2);
            obs[k] = exp(-r2);
            for (int e = 0; e < 5; e++)
                exp5[5 * k + e] = exp(-r2 / pow(0.8 + 0.1 * e, 2));
        }
    hf_exclusion_data d = {0};
    d.n = N;
    d.x = x;
    d.y = y;
    d.obs = obs;
    d.exp = exp5;
    d.level = 0.05;
    d.xlabel = "m1";
    d.ylabel = "m2";
    hf_contour c;
    hf_error err = {0};
    ck_assert_int_eq(hf_exclusion_contour(&d, obs, 1, &c, &err), 0);
    ck_assert_uint_eq(c.nline, 1);
    ck_assert_uint_gt(c.line[0].n, 10);
    double R = sqrt(log(20.0)), worst = 0;
    for (size_t i = 0; i < c.line[0].n; i++) {
        /* distance to the ellipse along the ray, in grid spacings of each axis */
        double u = (c.line[0].x[i] - 100) / 500, v = c.line[0].y[i] / 250, r = hypot(u, v);
        double du = (u - u * R / r) * 500 / 100, dv = (v - v * R / r) * 250 / 50;
        worst = fmax(worst, hypot(du, dv));
    }
    ck_assert_msg(worst < 1.0, "contour %.3g grid spacings from the ellipse", worst);
    hf_contour_release(&c);
    hf_scene *s = hf_plot_exclusion(&d, &err);
    ck_assert_ptr_nonnull(s);
    hf_scene_free(s);
    hf_error_release(&err);
}
END_TEST

START_TEST(test_degenerate)
{
    double x[4] = {0, 1, 2, 3}, y[4] = {0, 1, 2, 3}, z[4] = {0, 1, 2, 3};
    hf_contour c;
    hf_error err = {0};
    ck_assert_int_eq(hf_contour_find(x, y, z, 4, 1.5, &c, &err), 0); /* collinear: nothing */
    ck_assert_uint_eq(c.nline, 0);
    hf_contour_release(&c);
    /* a level no point reaches: no line */
    double x2[4] = {0, 1, 0, 1}, y2[4] = {0, 0, 1, 1}, z2[4] = {0, 1, 2, NAN};
    ck_assert_int_eq(hf_contour_find(x2, y2, z2, 4, 5.0, &c, &err), 0);
    ck_assert_uint_eq(c.nline, 0);
    ck_assert_uint_eq(c.ntri, 1); /* the NAN point is left out */
    hf_contour_release(&c);
    hf_error_release(&err);
}
END_TEST

Suite *
contour_suite(void)
{
    Suite *s = suite_create("contour");
    TCase *tc = tcase_create("circle");
    tcase_add_test(tc, test_circle_regular);
    tcase_add_test(tc, test_circle_units);
    tcase_add_test(tc, test_circle_irregular);
    tcase_add_test(tc, test_degenerate);
    tcase_add_test(tc, test_exclusion_ellipse);
    suite_add_tcase(s, tc);
    return s;
}
