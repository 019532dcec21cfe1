/* tests/check_render.c - the render layer: tick placement, palette file, Garwood intervals,
 * uncertainty bands against finite-difference propagation, pixels of drawn stacks, files. */
#include <check.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/model/model.h"
#include "core/model/workspace.h"
#include "core/model/yields.h"
#include "core/stats.h"
#include "render/axis.h"
#include "render/cairo.h"
#include "render/labels.h"
#include "render/layout.h"
#include "render/palette.h"
#include "render/plot_corr.h"
#include "render/plot_pulls.h"
#include "render/plot_scan2d.h"
#include "render/plot_stack.h"
#include "render/report.h"
#include "render/tables.h"
#include "render/utf8.h"

Suite *render_suite(void);

/* A small model with every modifier type that moves yields: normfactor, lumi, normsys,
 * histosys, staterror, shapesys, in two channels. */
static const char small_ws[] =
    "{\"channels\":[{\"name\":\"A\",\"samples\":["
    "{\"name\":\"sig\",\"data\":[1,2,3],\"modifiers\":["
    "{\"name\":\"mu\",\"type\":\"normfactor\",\"data\":null},"
    "{\"name\":\"lumi\",\"type\":\"lumi\",\"data\":null}]},"
    "{\"name\":\"bkg1\",\"data\":[10,8,6],\"modifiers\":["
    "{\"name\":\"n1\",\"type\":\"normsys\",\"data\":{\"hi\":1.1,\"lo\":0.85}},"
    "{\"name\":\"staterror_A\",\"type\":\"staterror\",\"data\":[1,0.8,0.7]},"
    "{\"name\":\"lumi\",\"type\":\"lumi\",\"data\":null}]},"
    "{\"name\":\"bkg2\",\"data\":[5,4,3],\"modifiers\":["
    "{\"name\":\"h1\",\"type\":\"histosys\",\"data\":{\"hi_data\":[5.5,4.6,3.1],"
    "\"lo_data\":[4.6,3.5,2.8]}},"
    "{\"name\":\"staterror_A\",\"type\":\"staterror\",\"data\":[0.5,0.4,0.3]}]}]},"
    "{\"name\":\"B\",\"samples\":[{\"name\":\"bkg1\",\"data\":[20,15],\"modifiers\":["
    "{\"name\":\"n1\",\"type\":\"normsys\",\"data\":{\"hi\":1.05,\"lo\":0.97}},"
    "{\"name\":\"s2\",\"type\":\"shapesys\",\"data\":[2,3]}]}]}],"
    "\"observations\":[{\"name\":\"A\",\"data\":[15,14,11]},{\"name\":\"B\",\"data\":[22,13]}],"
    "\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"mu\",\"parameters\":["
    "{\"name\":\"lumi\",\"auxdata\":[1.0],\"sigmas\":[0.02],\"bounds\":[[0.5,1.5]],"
    "\"inits\":[1.0]}]}}],\"version\":\"1.0.0\"}";

typedef struct fixture {
    char path[64];
    hf_workspace *ws;
    hf_model *m;
} fixture;

static void
load_small(fixture *f)
{
    hf_error err = {0};
    int fd;
    FILE *fp;

    snprintf(f->path, sizeof f->path, "/tmp/hf_render_ws_XXXXXX");
    fd = mkstemp(f->path);
    ck_assert_int_ge(fd, 0);
    fp = fdopen(fd, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(small_ws, fp);
    fclose(fp);
    f->ws = hf_workspace_load(f->path, &err);
    ck_assert_msg(f->ws != NULL, "load: %s", hf_error_msg(&err));
    f->m = hf_model_compile(f->ws, NULL, &err);
    ck_assert_msg(f->m != NULL, "compile: %s", hf_error_msg(&err));
    hf_error_release(&err);
}

static void
free_small(fixture *f)
{
    hf_model_free(f->m);
    hf_workspace_free(f->ws);
    unlink(f->path);
}

/* ---------------------------------------------------------------- axis */

START_TEST(test_axis_linear_nice)
{
    hf_axis ax = {0};
    hf_tickset ts;
    size_t i, nmaj = 0;
    double prev = -INFINITY;

    ax.min = 0;
    ax.max = 10;
    hf_axis_ticks(&ax, 5, &ts);
    for (i = 0; i < ts.n; i++) {
        if (!ts.tick[i].major)
            continue;
        /* majors are multiples of the nice step 2, inside the range, ascending */
        ck_assert_double_eq_tol(fmod(ts.tick[i].value, 2.0), 0, 1e-12);
        ck_assert(ts.tick[i].value >= prev);
        prev = ts.tick[i].value;
        nmaj++;
    }
    ck_assert_uint_eq(nmaj, 6);
    ck_assert_double_eq(hf_axis_nice_step(0.93, 5), 0.2);
    ck_assert_double_eq(hf_axis_nice_step(7.0, 2), 5.0);
    {
        char buf[24];
        hf_axis_format(-1e-17, 0.2, buf, sizeof buf);
        ck_assert_str_eq(buf, "0.0"); /* no "-0" from rounding */
        hf_axis_format(0.25, 0.25, buf, sizeof buf);
        ck_assert_str_eq(buf, "0.25");
    }
}
END_TEST

START_TEST(test_axis_log_decades)
{
    hf_axis ax = {0};
    hf_tickset ts;
    size_t i, ndec = 0;

    ax.min = 1;
    ax.max = 1e4;
    ax.log = true;
    hf_axis_ticks(&ax, 6, &ts);
    for (i = 0; i < ts.n; i++)
        if (ts.tick[i].major) {
            double l = log10(ts.tick[i].value);
            ck_assert_double_eq_tol(l, nearbyint(l), 1e-12);
            ck_assert(ts.tick[i].is_pow10);
            ndec++;
        }
    ck_assert_uint_eq(ndec, 5);
    /* wide ranges: one label style for all (10^k) */
    ax.min = 1e-12;
    ax.max = 1e6;
    hf_axis_ticks(&ax, 6, &ts);
    for (i = 0; i < ts.n; i++)
        if (ts.tick[i].major)
            ck_assert_msg(strncmp(ts.tick[i].label, "10^", 3) == 0, "label %s", ts.tick[i].label);
    /* integer axes never get fractional steps */
    memset(&ax, 0, sizeof ax);
    ax.max = 3;
    ax.integer = true;
    hf_axis_ticks(&ax, 10, &ts);
    for (i = 0; i < ts.n; i++)
        ck_assert_double_eq(ts.tick[i].value, nearbyint(ts.tick[i].value));
}
END_TEST

/* ---------------------------------------------------------------- palette */

START_TEST(test_palette_file_matches_builtin)
{
    hf_error err = {0};
    hf_palette *p = hf_palette_load("assets/palette.txt", &err);
    const hf_palette *b = hf_palette_builtin();
    int r, i;

    ck_assert_msg(p != NULL, "%s", hf_error_msg(&err));
    ck_assert_uint_eq(hf_palette_nsamples(p), hf_palette_nsamples(b));
    for (r = 0; r < HF_ROLE_COUNT; r++)
        for (i = 0; i < 40; i++) {
            hf_rgb x = hf_palette_ink(p, hf_ink_of((hf_role)r, i));
            hf_rgb y = hf_palette_ink(b, hf_ink_of((hf_role)r, i));
            ck_assert_double_eq_tol(x.r, y.r, 1e-9);
            ck_assert_double_eq_tol(x.g, y.g, 1e-9);
            ck_assert_double_eq_tol(x.b, y.b, 1e-9);
        }
    /* sample colours are pairwise distinct over one cycle */
    for (i = 1; i < (int)hf_palette_nsamples(b); i++)
        for (r = 0; r < i; r++) {
            hf_rgb x = hf_palette_ink(b, hf_ink_of(HF_ROLE_SAMPLE, i));
            hf_rgb y = hf_palette_ink(b, hf_ink_of(HF_ROLE_SAMPLE, r));
            ck_assert_msg(fabs(x.r - y.r) + fabs(x.g - y.g) + fabs(x.b - y.b) > 0.15,
                          "samples %d and %d look alike", r, i);
        }
    /* channel colours are no sample colour (a constraint figure must not suggest a sample),
     * differ from each other and from the prior's grey */
    for (i = 0; i < 12; i++) {
        hf_rgb x = hf_palette_ink(b, hf_ink_of(HF_ROLE_CHANNEL, i));
        hf_rgb g = hf_palette_ink(b, hf_ink_of(HF_ROLE_GRID, 0));
        ck_assert(fabs(x.r - g.r) + fabs(x.g - g.g) + fabs(x.b - g.b) > 0.3);
        for (r = 0; r < (int)hf_palette_nsamples(b); r++) {
            hf_rgb y = hf_palette_ink(b, hf_ink_of(HF_ROLE_SAMPLE, r));
            ck_assert_msg(fabs(x.r - y.r) + fabs(x.g - y.g) + fabs(x.b - y.b) > 0.05,
                          "channel %d has the colour of sample %d", i, r);
        }
        for (r = 0; r < i; r++) {
            hf_rgb y = hf_palette_ink(b, hf_ink_of(HF_ROLE_CHANNEL, r));
            ck_assert_msg(fabs(x.r - y.r) + fabs(x.g - y.g) + fabs(x.b - y.b) > 0.15,
                          "channels %d and %d look alike", r, i);
        }
    }
    hf_palette_free(p);
}
END_TEST

START_TEST(test_palette_bad_line)
{
    char path[] = "/tmp/hf_pal_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    hf_error err = {0};
    hf_palette *p;

    fputs("# comment\nsample0 #112233\ndata #12345\n", f);
    fclose(f);
    p = hf_palette_load(path, &err);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(err.line, 3);
    hf_error_release(&err);
    f = fopen(path, "w");
    fputs("sample0 #112233\nsample1 #445566\nsample21 #778899\n", f);
    fclose(f);
    p = hf_palette_load(path, &err);
    ck_assert_ptr_nonnull(p);
    /* listed samples change, the others keep their colours, sample21 lengthens the cycle */
    ck_assert_uint_eq(hf_palette_nsamples(p), 22);
    ck_assert_double_eq_tol(hf_palette_ink(p, hf_ink_of(HF_ROLE_SAMPLE, 1)).b, 0x66 / 255.0, 1e-12);
    ck_assert_double_eq(hf_palette_ink(p, hf_ink_of(HF_ROLE_SAMPLE, 3)).b,
                        hf_palette_ink(hf_palette_builtin(), hf_ink_of(HF_ROLE_SAMPLE, 3)).b);
    ck_assert_double_eq_tol(hf_palette_ink(p, hf_ink_of(HF_ROLE_SAMPLE, 43)).r, 0x77 / 255.0,
                            1e-12);
    hf_palette_free(p);
    unlink(path);
}
END_TEST

START_TEST(test_palette_env_override)
{
    char path[] = "/tmp/hf_palenv_XXXXXX";
    int fd = mkstemp(path), owned = 0;
    FILE *f = fdopen(fd, "w");
    hf_error err = {0};
    hf_palette *p;
    const hf_palette *q;
    hf_rgb c;

    fputs("sample0 #ff0000\ndata #00ff00\n", f);
    fclose(f);
    setenv("HFSCOPE_PALETTE", path, 1);
    p = hf_palette_from_env(&err);
    ck_assert_ptr_nonnull(p);
    c = hf_palette_ink(p, hf_ink_of(HF_ROLE_SAMPLE, 0));
    ck_assert(c.r == 1 && c.g == 0 && c.b == 0);
    c = hf_palette_ink(p, hf_ink_of(HF_ROLE_DATA, 0));
    ck_assert(c.r == 0 && c.g == 1 && c.b == 0);
    /* keys the file leaves out keep the built-in colours */
    c = hf_palette_ink(p, hf_ink_of(HF_ROLE_BAND1, 0));
    ck_assert_double_eq(c.g, hf_palette_ink(hf_palette_builtin(), hf_ink_of(HF_ROLE_BAND1, 0)).g);
    hf_palette_free(p);
    q = hf_palette_default(&owned, &err);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(owned, 1);
    hf_palette_free((hf_palette *)(size_t)q);
    setenv("HFSCOPE_PALETTE", "/nonexistent/palette.txt", 1);
    ck_assert_ptr_null(hf_palette_from_env(&err));
    ck_assert_int_eq(err.code, HF_EIO);
    hf_error_release(&err);
    unsetenv("HFSCOPE_PALETTE");
    q = hf_palette_default(&owned, &err);
    ck_assert_ptr_eq(q, hf_palette_builtin());
    ck_assert_int_eq(owned, 0);
    unlink(path);
}
END_TEST

/* ---------------------------------------------------------------- Garwood */

START_TEST(test_garwood_coverage)
{
    const double cl = 0.682689492137086, tail = (1 - cl) / 2;
    double lo, hi, n;

    hf_stats_garwood(0, cl, &lo, &hi);
    ck_assert_double_eq(lo, 0);
    ck_assert_double_eq_tol(hi, -log(tail), 1e-9); /* P(0 | hi) = e^-hi = tail */
    /* the defining property: P(X >= n | lo) = P(X <= n | hi) = (1 - cl) / 2 */
    for (n = 1; n <= 40; n += 3) {
        hf_stats_garwood(n, cl, &lo, &hi);
        ck_assert_double_eq_tol(gsl_cdf_poisson_P((unsigned)n, hi), tail, 1e-9);
        ck_assert_double_eq_tol(gsl_cdf_poisson_Q((unsigned)n - 1, lo), tail, 1e-9);
        ck_assert(lo < n && n < hi);
    }
}
END_TEST

/* ---------------------------------------------------------------- bands */

/* sigma^2 = J C J^T with J from central differences of the expected yields and C dense. */
static void
fd_sigma(const hf_model *m, const double *x, const double *cov, double *sig_nu, double *sig_cs)
{
    size_t np = m->npar, j, b, k, l;
    double *J = calloc(m->nbins * np, sizeof *J), *Js = calloc(m->nys * np, sizeof *Js);
    double *xp = malloc(np * sizeof *xp), *a = malloc(m->nbins * sizeof *a);
    double *bb = malloc(m->nbins * sizeof *bb), *ya = malloc(m->nys * sizeof *ya);
    double *yb = malloc(m->nys * sizeof *yb);

    for (j = 0; j < np; j++) {
        double h = 1e-5 * fmax(1, fabs(x[j]));
        memcpy(xp, x, np * sizeof *xp);
        xp[j] = x[j] + h;
        ck_assert_int_eq(hf_model_expected(m, xp, a, ya), 0);
        xp[j] = x[j] - h;
        ck_assert_int_eq(hf_model_expected(m, xp, bb, yb), 0);
        for (b = 0; b < m->nbins; b++)
            J[b * np + j] = (a[b] - bb[b]) / (2 * h);
        for (b = 0; b < m->nys; b++)
            Js[b * np + j] = (ya[b] - yb[b]) / (2 * h);
    }
    for (b = 0; b < m->nbins; b++) {
        double s = 0;
        for (k = 0; k < np; k++)
            for (l = 0; l < np; l++)
                s += J[b * np + k] * cov[k * np + l] * J[b * np + l];
        sig_nu[b] = sqrt(s);
    }
    for (k = 0; k < m->ncs; k++) { /* per sample summed over bins: rows add up */
        double s = 0;
        size_t p, q;
        for (p = 0; p < np; p++)
            for (q = 0; q < np; q++) {
                double rp = 0, rq = 0;
                for (b = 0; b < m->cs[k].nbins; b++) {
                    rp += Js[(m->cs[k].ys + b) * np + p];
                    rq += Js[(m->cs[k].ys + b) * np + q];
                }
                s += rp * cov[p * np + q] * rq;
            }
        sig_cs[k] = sqrt(s);
    }
    free(J);
    free(Js);
    free(xp);
    free(a);
    free(bb);
    free(ya);
    free(yb);
}

START_TEST(test_band_matches_finite_differences)
{
    fixture f;
    hf_error err = {0};
    size_t np, j, k, b;
    double *x, *cov, *A, *sig = NULL, *sigcs = NULL;
    unsigned long seed = 12345;
    hf_yields *y;

    load_small(&f);
    np = f.m->npar;
    x = malloc(np * sizeof *x);
    cov = calloc(np * np, sizeof *cov);
    A = malloc(np * np * sizeof *A);
    sig = malloc(f.m->nbins * sizeof *sig);
    sigcs = malloc(f.m->ncs * sizeof *sigcs);
    /* away from the nominal point, so that interpolation is not trivially linear */
    for (j = 0; j < np; j++)
        x[j] = f.m->init[j] +
               0.3 * (j % 2 ? 1 : -1) * (f.m->par[j].sigma > 0 ? f.m->par[j].sigma : 0.1);

    /* 1) pre-fit: diagonal prior covariance of the constrained, non-fixed parameters */
    {
        double *var = hf_yields_prior_variances(f.m);
        for (j = 0; j < np; j++)
            cov[j * np + j] = var[j];
        free(var);
        y = hf_yields_compute(f.m, x, NULL, &err);
        ck_assert_ptr_nonnull(y);
        fd_sigma(f.m, x, cov, sig, sigcs);
        for (b = 0; b < f.m->nbins; b++)
            ck_assert_msg(fabs(y->nu_err[b] - sig[b]) <= 1e-6 * sig[b] + 1e-9,
                          "bin %zu: %.10g vs fd %.10g", b, y->nu_err[b], sig[b]);
        for (k = 0; k < f.m->ncs; k++)
            ck_assert_double_eq_tol(y->cs_err[k], sigcs[k], 1e-6 * sigcs[k] + 1e-9);
        /* the prior contains every modifier: the band is not empty */
        ck_assert(y->nu_err[0] > 0);
        hf_yields_free(y);
    }
    /* 2) post-fit style: a dense positive-definite covariance A A^T + 0.01 I */
    for (j = 0; j < np * np; j++) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        A[j] = ((double)(seed >> 11) / 9007199254740992.0 - 0.5) * 0.2;
    }
    for (j = 0; j < np; j++)
        for (k = 0; k < np; k++) {
            double s = j == k ? 0.01 : 0;
            size_t l;
            for (l = 0; l < np; l++)
                s += A[j * np + l] * A[k * np + l];
            cov[j * np + k] = s;
        }
    y = hf_yields_compute(f.m, x, cov, &err);
    ck_assert_ptr_nonnull(y);
    fd_sigma(f.m, x, cov, sig, sigcs);
    for (b = 0; b < f.m->nbins; b++)
        ck_assert_msg(fabs(y->nu_err[b] - sig[b]) <= 1e-6 * sig[b] + 1e-9,
                      "bin %zu: %.10g vs fd %.10g", b, y->nu_err[b], sig[b]);
    for (k = 0; k < f.m->ncs; k++)
        ck_assert_double_eq_tol(y->cs_err[k], sigcs[k], 1e-6 * sigcs[k] + 1e-9);
    hf_yields_free(y);
    free(x);
    free(cov);
    free(A);
    free(sig);
    free(sigcs);
    free_small(&f);
}
END_TEST

/* ---------------------------------------------------------------- pixels */

static unsigned
rgb_u(hf_rgb c)
{
    return 0xff000000u | (unsigned)lround(c.r * 255) << 16 | (unsigned)lround(c.g * 255) << 8 |
           (unsigned)lround(c.b * 255);
}

START_TEST(test_pixels_stack_layers)
{
    /* one bin, two layers of 1 on y in [0, 2]: lower half layer 0, upper half layer 1 */
    hf_scene *s = hf_scene_new(2.0, 2.0);
    hf_panel *p = hf_scene_add_panel(s, 0, 0, 1, 1);
    const double edges[2] = {0, 1}, v[2] = {1, 1};
    const hf_ink ink[2] = {{HF_ROLE_SAMPLE, 3}, {HF_ROLE_SAMPLE, 5}};
    const hf_palette *pal = hf_palette_builtin();
    unsigned *px;
    int w, h;

    p->x.hidden = p->y.hidden = true;
    p->y.max = 2;
    ck_assert_ptr_nonnull(hf_panel_add_stack(s, p, 1, edges, 2, v, ink, NULL));
    px = hf_cairo_render_pixels(s, pal, 100, &w, &h);
    ck_assert_ptr_nonnull(px);
    ck_assert_int_eq(w, 200);
    ck_assert_int_eq(h, 200);
    ck_assert_uint_eq(px[150 * w + 100], rgb_u(hf_palette_ink(pal, ink[0])));
    ck_assert_uint_eq(px[50 * w + 100], rgb_u(hf_palette_ink(pal, ink[1])));
    free(px);
    hf_scene_free(s);
}
END_TEST

START_TEST(test_pixels_channel_stack)
{
    fixture f;
    hf_error err = {0};
    hf_yields *y;
    hf_scene *s;
    const hf_palette *pal = hf_palette_builtin();
    unsigned *px, col[3];
    long count[3] = {0, 0, 0}, lowest[3] = {-1, -1, -1}, nonwhite = 0;
    size_t order[8], n, i;
    int w, h, r, c;

    load_small(&f);
    y = hf_yields_compute(f.m, f.m->init, NULL, &err);
    s = hf_plot_stack(y, 0, NULL, &err);
    ck_assert_ptr_nonnull(s);
    px = hf_cairo_render_pixels(s, pal, 100, &w, &h);
    ck_assert_ptr_nonnull(px);
    hf_stack_order(f.m, 0, order, &n);
    ck_assert_uint_eq(n, 3);
    /* backgrounds in their sample colours, the signal (scaled by the POI) in the signal colour */
    for (i = 0; i < 3; i++)
        col[i] = rgb_u(hf_palette_ink(
            pal, hf_ink_of(hf_stack_is_signal(f.m, order[i]) ? HF_ROLE_SIGNAL : HF_ROLE_SAMPLE,
                           (int)f.m->cs[order[i]].samp)));
    ck_assert(hf_stack_is_signal(f.m, order[2]) && !hf_stack_is_signal(f.m, order[0]));
    for (r = 0; r < h; r++)
        for (c = 0; c < w; c++) {
            unsigned v = px[r * w + c];
            if (v != 0xffffffffu)
                nonwhite++;
            for (i = 0; i < 3; i++)
                if (v == col[i]) {
                    count[i]++;
                    lowest[i] = r;
                }
        }
    /* not blank, every sample drawn in its own colour, smallest (order[0]) at the bottom */
    ck_assert(nonwhite > w * h / 20);
    for (i = 0; i < 3; i++)
        ck_assert_msg(count[i] > 200, "sample %zu: %ld pixels", i, count[i]);
    ck_assert(lowest[0] > lowest[1] && lowest[1] > lowest[2]);
    free(px);
    hf_scene_free(s);
    hf_yields_free(y);
    free_small(&f);
}
END_TEST

/* ---------------------------------------------------------------- builders */

START_TEST(test_stack_order_smallest_first)
{
    fixture f;
    size_t order[8], n, i, b;
    double prev = -1;

    load_small(&f);
    hf_stack_order(f.m, 0, order, &n);
    ck_assert_uint_eq(n, 3);
    /* backgrounds smallest first, the signal above them all */
    for (i = 0; i + 1 < n; i++) {
        double tot = 0;
        for (b = 0; b < f.m->cs[order[i]].nbins; b++)
            tot += f.m->cs[order[i]].nom[b];
        ck_assert(!hf_stack_is_signal(f.m, order[i]));
        ck_assert(tot >= prev);
        prev = tot;
    }
    ck_assert(hf_stack_is_signal(f.m, order[n - 1]));
    /* channel A: bkg2 (12) < bkg1 (24), then sig (6, the smallest) on top */
    ck_assert_str_eq(f.m->samp_name[f.m->cs[order[0]].samp], "bkg2");
    ck_assert_str_eq(f.m->samp_name[f.m->cs[order[1]].samp], "bkg1");
    ck_assert_str_eq(f.m->samp_name[f.m->cs[order[2]].samp], "sig");
    free_small(&f);
}
END_TEST

/* A fit result by hand: every parameter at init + 0.5 prior widths (free ones at 1.3), errors
 * 0.8 prior widths (free: 0.2), the last constrained parameter fixed. */
static void
fake_fit(const hf_model *m, hf_fit_result *r, size_t *fixed_par)
{
    size_t j;

    memset(r, 0, sizeof *r);
    r->npar = m->npar;
    r->x = calloc(m->npar, sizeof *r->x);
    r->err = calloc(m->npar, sizeof *r->err);
    r->fixed = calloc(m->npar, sizeof *r->fixed);
    r->cov = calloc(m->npar * m->npar, sizeof *r->cov);
    *fixed_par = (size_t)-1;
    for (j = 0; j < m->npar; j++) {
        double c, w;
        r->fixed[j] = m->fixed[j];
        if (hf_param_prior(&m->par[j], &c, &w)) {
            r->x[j] = c + 0.5 * w;
            r->err[j] = 0.8 * w;
            *fixed_par = j;
        } else {
            r->x[j] = 1.3;
            r->err[j] = 0.2;
        }
        r->cov[j * m->npar + j] = r->err[j] * r->err[j];
    }
    r->fixed[*fixed_par] = true;
}

START_TEST(test_pull_rows)
{
    fixture f;
    hf_fit_result r;
    hf_pulls_options o = {0};
    hf_pull_row *rows;
    size_t n, i, fixed_par, nfree = 0, expect = 0, j, npages;
    hf_scene **pages;
    hf_error err = {0};

    load_small(&f);
    fake_fit(f.m, &r, &fixed_par);
    for (j = 0; j < f.m->npar; j++)
        expect += !r.fixed[j];
    o.group = true;
    rows = hf_pull_rows(f.m, &r, &o, &n);
    ck_assert_uint_eq(n, expect);
    for (i = 0; i < n; i++) {
        ck_assert_uint_ne(rows[i].par, fixed_par);
        if (rows[i].constrained) {
            ck_assert_double_eq_tol(rows[i].pull, 0.5, 1e-12);
            ck_assert_double_eq_tol(rows[i].constraint, 0.8, 1e-12);
            ck_assert_uint_eq(nfree, 0); /* free parameters come last */
        } else {
            nfree++;
            ck_assert_double_eq(rows[i].value, 1.3);
        }
        if (i > 0)
            ck_assert_int_ge(rows[i].group, rows[i - 1].group);
    }
    ck_assert_uint_ge(nfree, 1); /* mu */
    free(rows);
    /* pages of 3 rows hold every row exactly once */
    o.rows_per_page = 3;
    pages = hf_plot_pulls(f.m, &r, &o, &npages, &err);
    ck_assert_ptr_nonnull(pages);
    {
        size_t shown = 0, k;
        for (k = 0; k < npages; k++) {
            size_t q;
            for (q = 0; q < pages[k]->npanels; q++)
                shown += pages[k]->panels[q]->y.nticks;
            hf_scene_free(pages[k]);
        }
        ck_assert_uint_eq(shown, expect);
        ck_assert_uint_ge(npages, (expect - nfree + 2) / 3);
    }
    free(pages);
    free(r.x);
    free(r.err);
    free(r.fixed);
    free(r.cov);
    free_small(&f);
}
END_TEST

START_TEST(test_corr_select_threshold)
{
    fixture f;
    hf_corr_options o;
    size_t np, *sel, n, i, j;
    double *corr;

    load_small(&f);
    np = f.m->npar;
    corr = calloc(np * np, sizeof *corr);
    for (i = 0; i < np; i++)
        corr[i * np + i] = 1;
    /* parameters 0 and 2 correlated at 0.5, 1 and 3 at 0.15: only 0 and 2 pass 0.2 */
    corr[0 * np + 2] = corr[2 * np + 0] = 0.5;
    corr[1 * np + 3] = corr[3 * np + 1] = -0.15;
    hf_corr_options_init(&o);
    sel = hf_corr_select(f.m, corr, NULL, &o, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(sel[0], 0);
    ck_assert_uint_eq(sel[1], 2);
    free(sel);
    o.threshold = 0.1;
    sel = hf_corr_select(f.m, corr, NULL, &o, &n);
    ck_assert_uint_eq(n, 4);
    for (j = 1; j < n; j++)
        ck_assert(sel[j] > sel[j - 1]); /* model order */
    free(sel);
    o.max_params = 2; /* the strongest survive */
    sel = hf_corr_select(f.m, corr, NULL, &o, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(sel[0], 0);
    ck_assert_uint_eq(sel[1], 2);
    free(sel);
    free(corr);
    free_small(&f);
}
END_TEST

/* The POI stays in the matrix when all its correlations are below the threshold, also at the
 * max_params limit (it takes the weakest one's place). */
START_TEST(test_corr_select_keeps_poi)
{
    fixture f;
    hf_corr_options o;
    size_t np, *sel, n, i, poi, a, b, c2;
    double *corr;
    bool has;

    load_small(&f);
    np = f.m->npar;
    ck_assert(f.m->poi >= 0 && np >= 4);
    poi = (size_t)f.m->poi;
    /* three other parameters a, b, c2: a-b at 0.9, b-c2 at 0.5; the POI at 0.01 with a */
    a = (poi + 1) % np;
    b = (poi + 2) % np;
    c2 = (poi + 3) % np;
    corr = calloc(np * np, sizeof *corr);
    for (i = 0; i < np; i++)
        corr[i * np + i] = 1;
    corr[a * np + b] = corr[b * np + a] = 0.9;
    corr[b * np + c2] = corr[c2 * np + b] = 0.5;
    corr[poi * np + a] = corr[a * np + poi] = 0.01;
    hf_corr_options_init(&o);
    sel = hf_corr_select(f.m, corr, NULL, &o, &n);
    ck_assert_uint_eq(n, 4);
    for (i = 0, has = false; i < n; i++)
        has = has || sel[i] == poi;
    ck_assert(has);
    free(sel);
    o.max_params = 2; /* a and b are the strongest; the POI takes b's or a's place */
    sel = hf_corr_select(f.m, corr, NULL, &o, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert(sel[0] == poi || sel[1] == poi);
    free(sel);
    o.threshold = 0.95; /* nothing passes: no matrix, not a lone POI */
    sel = hf_corr_select(f.m, corr, NULL, &o, &n);
    ck_assert_uint_eq(n, 0);
    free(sel);
    free(corr);
    free_small(&f);
}
END_TEST

/* ---------------------------------------------------------------- files */

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static size_t
count_mem(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle), i, c = 0;

    for (i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            c++;
    return c;
}

START_TEST(test_pdf_pages_and_outline)
{
    char path[] = "/tmp/hf_render_pdf_XXXXXX";
    hf_cairo_options o = {0};
    hf_error err = {0};
    hf_cairo_doc *d;
    const char *names[3] = {"alpha_chan", "beta_chan", "gamma_chan"};
    size_t i, len;
    char *buf;
    int fd = mkstemp(path);

    close(fd);
    o.format = HF_FORMAT_PDF;
    d = hf_cairo_doc_open(path, &o, &err);
    ck_assert_ptr_nonnull(d);
    for (i = 0; i < 3; i++) {
        hf_scene *s = hf_scene_new(3.4, 3);
        hf_panel *p = hf_scene_add_panel(s, 0, 0, 1, 1);
        hf_panel_set_title(s, p, names[i]);
        hf_scene_set_outline(s, names[i], 0);
        ck_assert_int_eq(hf_cairo_doc_add(d, s, &err), 0);
        hf_scene_free(s);
    }
    ck_assert_uint_eq(hf_cairo_doc_pages(d), 3);
    ck_assert_int_eq(hf_cairo_doc_close(d, &err), 0);
    buf = slurp(path, &len);
    ck_assert_ptr_nonnull(buf);
    ck_assert(len > 5 && memcmp(buf, "%PDF-", 5) == 0);
    ck_assert(count_mem(buf, len, "/Outlines") >= 1);
    for (i = 0; i < 3; i++) {
        char t[64];
        snprintf(t, sizeof t, "/Title (%s)", names[i]);
        ck_assert_uint_eq(count_mem(buf, len, t), 1);
    }
    free(buf);
    unlink(path);
}
END_TEST

START_TEST(test_unwritable_leaves_nothing)
{
    hf_cairo_options o = {0};
    hf_error err = {0};
    hf_scene *s = hf_scene_new(2, 2);

    o.format = HF_FORMAT_PNG;
    ck_assert_int_eq(hf_cairo_write(s, "/nonexistent-dir-hf/x.png", &o, &err), -1);
    ck_assert_int_eq(err.code, HF_EIO);
    ck_assert(strstr(hf_error_msg(&err), "/nonexistent-dir-hf/x.png") != NULL);
    ck_assert_int_ne(access("/nonexistent-dir-hf/x.png", F_OK), 0);
    hf_error_release(&err);
    /* PNG takes exactly one figure */
    {
        char path[] = "/tmp/hf_render_png_XXXXXX";
        int fd = mkstemp(path);
        hf_cairo_doc *d;
        close(fd);
        unlink(path);
        d = hf_cairo_doc_open(path, &o, &err);
        ck_assert_int_eq(hf_cairo_doc_add(d, s, &err), 0);
        ck_assert_int_eq(hf_cairo_doc_add(d, s, &err), -1);
        hf_cairo_doc_abort(d);
        ck_assert_int_ne(access(path, F_OK), 0);
        hf_error_release(&err);
    }
    hf_scene_free(s);
}
END_TEST

START_TEST(test_svg_and_png_magic)
{
    char path[64];
    hf_cairo_options o = {0};
    hf_error err = {0};
    hf_scene *s = hf_scene_new(3.4, 2.5);
    hf_panel *p = hf_scene_add_panel(s, 0, 0, 1, 1);
    const double xs[3] = {0, 0.5, 1}, ys[3] = {0, 1, 0.5};
    size_t len;
    char *buf;

    hf_panel_set_axis(s, &p->x, 0, 1, false, "x & <label>");
    hf_panel_add_line(s, p, 3, xs, ys, hf_ink_of(HF_ROLE_SERIES, 0), HF_DASH_SOLID);
    snprintf(path, sizeof path, "/tmp/hf_render_%d.svg", (int)getpid());
    o.format = HF_FORMAT_SVG;
    ck_assert_int_eq(hf_cairo_write(s, path, &o, &err), 0);
    buf = slurp(path, &len);
    ck_assert(strstr(buf, "<svg") != NULL && strstr(buf, "</svg>") != NULL);
    free(buf);
    unlink(path);
    snprintf(path, sizeof path, "/tmp/hf_render_%d.png", (int)getpid());
    o.format = HF_FORMAT_PNG;
    o.dpi = 100;
    ck_assert_int_eq(hf_cairo_write(s, path, &o, &err), 0);
    buf = slurp(path, &len);
    ck_assert(len > 8 && memcmp(buf, "\x89PNG", 4) == 0);
    free(buf);
    unlink(path);
    hf_scene_free(s);
}
END_TEST

/* ---------------------------------------------------------------- tables */

START_TEST(test_yield_tables)
{
    fixture f;
    hf_error err = {0};
    hf_yields *y;
    char *md, *csv, *tex, buf[64];
    size_t lines = 0;
    const char *q;

    load_small(&f);
    y = hf_yields_compute(f.m, f.m->init, NULL, &err);
    md = hf_yield_table(y, NULL, NULL, HF_TABLE_MARKDOWN, &err);
    csv = hf_yield_table(y, y, NULL, HF_TABLE_CSV, &err);
    tex = hf_yield_table(y, NULL, NULL, HF_TABLE_LATEX, &err);
    ck_assert_ptr_nonnull(md);
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(tex);
    /* CSV: header + one row per (channel, sample) + total and data per channel */
    for (q = csv; *q; q++)
        lines += *q == '\n';
    ck_assert_uint_eq(lines, 1 + f.m->ncs + 2 * f.m->nchan);
    ck_assert(strstr(csv, "channel,sample,prefit,prefit_error,postfit,postfit_error\n") == csv);
    ck_assert(strstr(md, "| Channel | Sample | Pre-fit |") == md);
    ck_assert(strstr(tex, "\\begin{tabular}") != NULL && strstr(tex, "\\pm") != NULL);
    hf_format_pm(12.345, 1.234, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "12.3 \xc2\xb1 1.2");
    hf_format_pm(1234.5, 56.7, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "$1234 \\pm 57$");
    hf_format_pm(16012.0, 673.0, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "16010 \xc2\xb1 670");
    free(md);
    free(csv);
    free(tex);
    hf_yields_free(y);
    free_small(&f);
}
END_TEST

START_TEST(test_deviance_zero_at_data)
{
    fixture f;
    size_t c;

    load_small(&f);
    /* nu = n gives zero deviance; it grows when nu moves away */
    for (c = 0; c < f.m->nchan; c++) {
        double *nu = malloc(f.m->nbins * sizeof *nu);
        memcpy(nu, f.m->obs, f.m->nbins * sizeof *nu);
        size_t off = f.m->chan_off[c], nb = f.m->chan_nbins[c];
        ck_assert_double_eq_tol(hf_stats_deviance_sum(f.m->obs + off, nu + off, nb), 0, 1e-12);
        nu[f.m->chan_off[c]] *= 1.5;
        ck_assert(hf_stats_deviance_sum(f.m->obs + off, nu + off, nb) > 0);
        free(nu);
    }
    free_small(&f);
}
END_TEST

/* core/stats.h against closed forms: the deviance is twice the Poisson NLL difference to the
 * saturated point, the chi2(1) upper tail is 2 Q(sqrt q), p <-> Z round-trips. */
START_TEST(test_stats_closed_forms)
{
    double n, nu, z;

    for (n = 0; n <= 30; n += 3)
        for (nu = 0.5; nu < 40; nu *= 1.7) {
            double nll = nu - n * log(nu), sat = n > 0 ? n - n * log(n) : 0;
            ck_assert_double_eq_tol(hf_stats_poisson_deviance(n, nu), 2 * (nll - sat),
                                    1e-9 * (1 + n));
        }
    ck_assert(isinf(hf_stats_poisson_deviance(3, 0)));
    ck_assert_double_eq(hf_stats_poisson_deviance(0, 2.5), 5.0);
    for (z = 0.1; z < 6; z += 0.7) {
        ck_assert_double_eq_tol(hf_stats_chi2_pvalue(z * z, 1), 2 * 0.5 * erfc(z / sqrt(2)), 1e-12);
        ck_assert_double_eq_tol(hf_stats_z_to_p(z), 0.5 * erfc(z / sqrt(2)), 1e-14);
        ck_assert_double_eq_tol(hf_stats_p_to_z(hf_stats_z_to_p(z)), z, 1e-9);
        ck_assert_double_eq_tol(hf_stats_chi2_quantile(1 - hf_stats_chi2_pvalue(z * z, 1), 1),
                                z * z, 1e-8 * z * z);
    }
    ck_assert(isinf(hf_stats_p_to_z(0)) && hf_stats_p_to_z(0) > 0);
    ck_assert(isinf(hf_stats_p_to_z(1)) && hf_stats_p_to_z(1) < 0);
    /* chi2(2) upper tail is exp(-q/2); a negative statistic counts as 0; no dof: NaN */
    ck_assert_double_eq_tol(hf_stats_chi2_pvalue(3.0, 2), exp(-1.5), 1e-14);
    ck_assert_double_eq(hf_stats_chi2_pvalue(-0.5, 2), 1.0);
    ck_assert(isnan(hf_stats_chi2_pvalue(1.0, 0)));
    ck_assert_double_eq(hf_stats_lr_tension(10.0, 1.0, 6.0, 0.5), (10.0 - 2.0) - (6.0 - 1.0));
}
END_TEST

/* hf_yields_rescale keeps the relative band of the base and the sums of the new values; it
 * reproduces the base exactly at the base point. */
START_TEST(test_yields_rescale)
{
    fixture f;
    hf_error err = {0};
    hf_yields *base, *y;
    double *nu, *ys;
    size_t b, k, c;

    load_small(&f);
    base = hf_yields_compute(f.m, f.m->init, NULL, &err);
    y = hf_yields_new(f.m, &err);
    ck_assert_ptr_nonnull(base);
    ck_assert_ptr_nonnull(y);
    nu = malloc(f.m->nbins * sizeof *nu);
    ys = malloc(f.m->nys * sizeof *ys);
    hf_yields_rescale(y, base, base->pars, base->nu, base->ys);
    for (b = 0; b < f.m->nbins; b++)
        ck_assert_double_eq(y->nu_err[b], base->nu_err[b]);
    for (c = 0; c < f.m->nchan; c++)
        ck_assert_double_eq_tol(y->chan_err[c], base->chan_err[c], 1e-12 * base->chan_err[c]);
    for (b = 0; b < f.m->nbins; b++)
        nu[b] = 2 * base->nu[b];
    for (k = 0; k < f.m->nys; k++)
        ys[k] = 2 * base->ys[k];
    hf_yields_rescale(y, base, base->pars, nu, ys);
    for (b = 0; b < f.m->nbins; b++)
        ck_assert_double_eq_tol(y->nu_err[b], 2 * base->nu_err[b], 1e-12 * base->nu_err[b]);
    for (c = 0; c < f.m->nchan; c++) {
        ck_assert_double_eq_tol(y->chan_tot[c], 2 * base->chan_tot[c], 1e-12 * base->chan_tot[c]);
        ck_assert_double_eq_tol(y->chan_err[c], 2 * base->chan_err[c], 1e-12 * base->chan_err[c]);
        ck_assert_double_eq(hf_yields_deviance(base, c),
                            hf_stats_deviance_sum(f.m->obs + f.m->chan_off[c],
                                                  base->nu + f.m->chan_off[c], f.m->chan_nbins[c]));
    }
    free(nu);
    free(ys);
    hf_yields_free(y);
    hf_yields_free(base);
    free_small(&f);
}
END_TEST

/* render/layout.c: corners in order of preference, the first minimum wins, stacked panels share
 * margins, a legend box over data points counts them, tick targets follow the room. */
START_TEST(test_layout_shared_geometry)
{
    const hf_rect area = {10, 20, 100, 50};
    const double inset[4] = {6, 4, 4, 6}, tie[4] = {3, 3, 1, 1}, lone[2] = {0, 0};
    hf_rect box[HF_NCORNERS], outer[2], pa[2];
    hf_scene *s = hf_scene_new(3.4, 3.4);
    hf_panel *top, *bottom;
    hf_tickset few, many;
    const double px[3] = {0.9, 0.85, 0.1}, py[3] = {0.9, 0.85, 0.2};
    int col, row;

    hf_layout_corners(&area, 30, 10, inset, box);
    ck_assert_double_eq(box[HF_CORNER_TR].x, 10 + 100 - 30 - 4);
    ck_assert_double_eq(box[HF_CORNER_TL].x, 16);
    ck_assert_double_eq(box[HF_CORNER_TR].y, 24);
    ck_assert_double_eq(box[HF_CORNER_BL].y, 20 + 50 - 10 - 6);
    ck_assert_int_eq(hf_layout_pick(tie, 4), 2);
    ck_assert_int_eq(hf_layout_pick(lone, 2), 0);
    hf_layout_legend_slot(7, 2, 3, &col, &row);
    ck_assert(col == 0 && row == 3);
    hf_layout_legend_slot(7, 2, 4, &col, &row);
    ck_assert(col == 1 && row == 0);

    ck_assert_ptr_nonnull(s);
    top = hf_scene_add_panel(s, 0, 0, 1, 0.7);
    bottom = hf_scene_add_panel(s, 0, 0.7, 1, 1);
    ck_assert(top && bottom && hf_layout_same_column(top, bottom));
    outer[0] = hf_layout_outer(top, 200, 100, 10);
    outer[1] = hf_layout_outer(bottom, 200, 100, 10);
    ck_assert_double_eq(outer[0].y, 10);
    ck_assert_double_eq_tol(outer[1].y, 10 + 0.7 * 90, 1e-12);
    pa[0] = (hf_rect){outer[0].x + 30, outer[0].y, 160, 50};
    pa[1] = (hf_rect){outer[1].x + 20, outer[1].y, 150, 20};
    hf_layout_align_columns(s, outer, pa, 10);
    ck_assert_double_eq(pa[0].x, pa[1].x);
    ck_assert_double_eq(pa[0].w, pa[1].w);
    ck_assert_double_eq(pa[0].x, 30);

    /* points in the top right corner: that corner scores, the bottom left does not */
    hf_panel_set_axis(s, &top->x, 0, 1, false, NULL);
    hf_panel_set_axis(s, &top->y, 0, 1, false, NULL);
    ck_assert_ptr_nonnull(hf_panel_add_points(s, top, 3, px, py, NULL, NULL, NULL, NULL,
                                              HF_MARKER_CIRCLE, hf_ink_of(HF_ROLE_DATA, 0)));
    hf_layout_corners(&area, 30, 15, inset, box);
    ck_assert_double_eq(hf_layout_cover(top, &area, &box[HF_CORNER_TR]), 4);
    ck_assert_double_eq(hf_layout_cover(top, &area, &box[HF_CORNER_TL]), 0);
    ck_assert_double_eq(hf_layout_cover(top, &area, &box[HF_CORNER_BL]), 2);

    hf_layout_ticks(&top->x, 20, 10, 0, &few);
    hf_layout_ticks(&top->x, 400, 10, 0, &many);
    ck_assert_uint_lt(few.n, many.n);
    hf_scene_free(s);
}
END_TEST

/* ---------------------------------------------------------------- labels */

/* Whether the n texts of l are pairwise distinct (sorted copy, neighbours compared). */
static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
assert_distinct(const hf_labels *l, const char *what, double maxw)
{
    const char **t = malloc((l->n ? l->n : 1) * sizeof *t);
    size_t i;

    ck_assert_ptr_nonnull(t);
    for (i = 0; i < l->n; i++)
        t[i] = l->text[i];
    qsort(t, l->n, sizeof *t, cmp_str);
    for (i = 1; i < l->n; i++)
        ck_assert_msg(strcmp(t[i - 1], t[i]) != 0, "%s (max %g): two labels read '%s'", what, maxw,
                      t[i]);
    free(t);
}

/* Every name set of a real workspace (channels, samples, parameters), at several widths with
 * and without the shared affixes: the labels never coincide, and each fits its width. */
static void
check_name_set(const char *const *names, size_t n, const char *what)
{
    static const double widths[] = {0, 40, 24, 16, 12, 8, 5};
    size_t w, a, i;

    for (w = 0; w < sizeof widths / sizeof widths[0]; w++)
        for (a = 0; a < 2; a++) {
            hf_labels_options o = {0};
            hf_labels l;
            o.max_width = widths[w];
            o.drop_affixes = a == 1;
            ck_assert_int_eq(hf_labels_make(&l, names, n, &o), 0);
            assert_distinct(&l, what, widths[w]);
            for (i = 0; i < n && widths[w] >= 12; i++)
                ck_assert_msg(hf_utf8_width(l.text[i]) <= widths[w], "%s: '%s' wider than %g", what,
                              l.text[i], widths[w]);
            for (i = 0; i < n; i++)
                ck_assert_int_eq(l.shortened[i], strcmp(l.text[i], names[i]) != 0);
            hf_labels_release(&l);
        }
}

START_TEST(test_labels_real_names_distinct)
{
    static const char *const files[] = {
        "tests/reference/atlas_compressed_ewkinos_bkgonly/workspace.json",
        "tests/reference/atlas_sbottom_SRA_full/workspace.json",
        "tests/reference/atlas_tutorial_fullexample/workspace.json",
        "tests/reference/atlas_1Lbb_CRs_bkgonly/workspace.json",
        "tests/reference/atlas_1Lbb_simplified/workspace.json",
        "tests/reference/pyhf_example_patchset/workspace.json",
        "tests/reference/bkgonly/atlas_susy_3Lresonance_2020_bkg.json",
        "tests/reference/bkgonly/atlas_susy_jets_2021_SR4j-1000_bkg.json",
        "tests/reference/bkgonly/atlas_susy_2Ljets_2022_rjr_sr2l_low_bkg.json",
        "tests/reference/bkgonly/atlas_susy_2Ljets_2022_ewk_high_bkg.json",
        "tests/reference/bkgonly/atlas_susy_1Lbb_2020_bkg.json",
    };
    size_t f, i;

    for (f = 0; f < sizeof files / sizeof files[0]; f++) {
        hf_error err = {0};
        hf_workspace *ws = hf_workspace_load(files[f], &err);
        hf_model *m = ws ? hf_model_compile(ws, NULL, &err) : NULL;
        const char **nm;
        size_t cap;
        ck_assert_msg(m != NULL, "%s: %s", files[f], hf_error_msg(&err));
        cap = m->nchan + m->nsamp + m->npar + 1;
        nm = malloc(cap * sizeof *nm);
        ck_assert_ptr_nonnull(nm);
        for (i = 0; i < m->nchan; i++)
            nm[i] = m->chan[i]->name;
        check_name_set(nm, m->nchan, files[f]);
        check_name_set(m->samp_name, m->nsamp, files[f]);
        for (i = 0; i < m->npar; i++)
            nm[i] = m->par[i].name;
        check_name_set(nm, m->npar, files[f]);
        free(nm);
        hf_model_free(m);
        hf_workspace_free(ws);
        hf_error_release(&err);
    }
}
END_TEST

/* Narrow lists (the explorer's constraint sources, 20-odd columns): names that a plain middle
 * cut leaves alike are told apart by the tokens that differ, not by a number. */
START_TEST(test_labels_narrow_tokens)
{
    static const char *const pair[] = {"Ztt_zeroEstimate_UL_SRee_eMLLe_lowmet_deltaM_low",
                                       "top_zeroEstimate_UL_SRee_eMLLe_lowmet_deltaM_low",
                                       "top_zeroEstimate_UL_SRmm_eMLLe_lowmet_deltaM_low"};
    static const double widths[] = {20, 24};
    hf_labels_options o = {0};
    hf_labels l;
    hf_error err = {0};
    hf_workspace *ws;
    hf_model *m;
    const char **nm;
    size_t i, w;

    o.max_width = 16;
    ck_assert_int_eq(hf_labels_make(&l, pair, 3, &o), 0);
    assert_distinct(&l, "pair", 16);
    for (i = 0; i < 3; i++) {
        ck_assert_msg(strstr(l.text[i], " #") == NULL, "'%s' numbered", l.text[i]);
        ck_assert_msg(hf_utf8_width(l.text[i]) <= 16, "'%s' wider than 16", l.text[i]);
    }
    ck_assert_ptr_nonnull(strstr(l.text[0], "Ztt")); /* what differs is kept */
    ck_assert_ptr_nonnull(strstr(l.text[2], "SRmm"));
    hf_labels_release(&l);

    ws = hf_workspace_load("tests/reference/atlas_compressed_ewkinos_bkgonly/workspace.json", &err);
    m = ws ? hf_model_compile(ws, NULL, &err) : NULL;
    ck_assert_msg(m != NULL, "%s", hf_error_msg(&err));
    nm = malloc((m->npar + 1) * sizeof *nm);
    ck_assert_ptr_nonnull(nm);
    for (i = 0; i < m->npar; i++)
        nm[i] = m->par[i].name;
    for (w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        o.max_width = widths[w];
        o.drop_affixes = true;
        ck_assert_int_eq(hf_labels_make(&l, nm, m->npar, &o), 0);
        assert_distinct(&l, "ewkinos parameters", widths[w]);
        for (i = 0; i < m->npar; i++)
            ck_assert_msg(strstr(l.text[i], " #") == NULL, "%g: '%s' numbered (%s)", widths[w],
                          l.text[i], nm[i]);
        hf_labels_release(&l);
    }
    free(nm);
    hf_model_free(m);
    hf_workspace_free(ws);
    hf_error_release(&err);
}
END_TEST

START_TEST(test_labels_affixes_and_equal_names)
{
    /* signal points that differ only inside a long shared frame: the masses must show */
    static const char *const pts[] = {"sbottom_1300_850_60", "sbottom_1300_800_60",
                                      "sbottom_1200_850_60", "sbottom_900_850_60"};
    static const char *const same[] = {"CR", "CR", "SR"};
    static const char *const chans[] = {"SRee_eMLLa_hghmet_cuts", "SRmm_eMLLb_lowmet_cuts"};
    hf_labels_options o = {0};
    hf_labels l;
    char *note;

    o.drop_affixes = true;
    ck_assert_int_eq(hf_labels_make(&l, pts, 4, &o), 0);
    ck_assert_str_eq(l.prefix, "sbottom_");
    ck_assert_str_eq(l.suffix, "_60");
    ck_assert_str_eq(l.text[0], "1300_850");
    ck_assert_str_eq(l.text[3], "900_850");
    note = hf_labels_affix_note(&l);
    ck_assert_str_eq(note, "sbottom_\xe2\x80\xa6_60");
    free(note);
    hf_labels_release(&l);

    o.max_width = 6; /* narrower than the masses: still four different labels */
    ck_assert_int_eq(hf_labels_make(&l, pts, 4, &o), 0);
    assert_distinct(&l, "points", 6);
    hf_labels_release(&l);

    ck_assert_int_eq(hf_labels_make(&l, NULL, 0, &o), 0); /* an empty set */
    ck_assert_uint_eq(l.n, 0);
    hf_labels_release(&l);

    ck_assert_int_eq(hf_labels_make(&l, same, 3, NULL), 0);
    ck_assert_str_eq(l.text[0], "CR");
    ck_assert_str_eq(l.text[1], "CR #2"); /* its position in the set */
    ck_assert_str_eq(l.text[2], "SR");
    ck_assert_uint_eq(l.nshort, 1);
    hf_labels_release(&l);

    o.max_width = 0;
    ck_assert_int_eq(hf_labels_make(&l, chans, 2, &o), 0);
    ck_assert_str_eq(l.suffix, "_cuts");
    ck_assert_str_eq(l.text[0], "SRee_eMLLa_hghmet");
    hf_labels_release(&l);
}
END_TEST

/* The contours of -2 Delta ln L = (x/a)^2 + (y/b)^2 (a Gaussian with widths a, b) are ellipses of
 * "radius" sqrt(level): every contour point lies on it to the grid's linear-interpolation error,
 * and the levels are the chi2(2) quantiles. */
START_TEST(test_scan2d_contours_ellipse)
{
    enum { N = 41 };
    double gx[N], gy[N], v[N * N], *cx = malloc(6 * (N + 1) * (N + 1) * sizeof(double));
    double *cy = malloc(6 * (N + 1) * (N + 1) * sizeof(double)), a = 2, b = 0.5;
    hf_scan2d_data d = {0};
    size_t i, j, n, npts = 0;
    hf_error err = {0};
    hf_scene *s;

    ck_assert_ptr_nonnull(cx);
    ck_assert_ptr_nonnull(cy);
    for (i = 0; i < N; i++) {
        gx[i] = -3 * a + 6 * a * (double)i / (N - 1);
        gy[i] = -3 * b + 6 * b * (double)i / (N - 1);
    }
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++)
            v[i * N + j] = gx[i] * gx[i] / (a * a) + gy[j] * gy[j] / (b * b);
    d.nx = d.ny = N;
    d.x = gx;
    d.y = gy;
    d.dnll2 = v;
    d.bestx = d.besty = 0;
    ck_assert_double_eq_tol(hf_scan2d_level(0.95), gsl_cdf_chisq_Pinv(0.95, 2), 1e-9);
    ck_assert_double_eq_tol(hf_scan2d_level(0.682689492137086),
                            gsl_cdf_chisq_Pinv(0.682689492137086, 2), 1e-9);
    n = hf_scan2d_contour(&d, hf_scan2d_level(0.95), cx, cy);
    ck_assert_uint_gt(n, 60);
    for (i = 0; i < n; i++)
        if (isfinite(cx[i])) {
            double r = sqrt(cx[i] * cx[i] / (a * a) + cy[i] * cy[i] / (b * b));
            ck_assert_double_eq_tol(r, sqrt(hf_scan2d_level(0.95)), 0.02);
            npts++;
        }
    ck_assert_uint_eq(npts, 2 * n / 3); /* two points and a break per segment */
    s = hf_plot_scan2d(&d, &err);
    ck_assert_ptr_nonnull(s);
    hf_scene_free(s);
    free(cx);
    free(cy);
}
END_TEST

Suite *
render_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("axis");

    tcase_add_test(tc, test_axis_linear_nice);
    tcase_add_test(tc, test_axis_log_decades);
    tcase_add_test(tc, test_layout_shared_geometry);
    suite_add_tcase(s, tc);
    tc = tcase_create("labels");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_labels_real_names_distinct);
    tcase_add_test(tc, test_labels_affixes_and_equal_names);
    tcase_add_test(tc, test_labels_narrow_tokens);
    tcase_add_test(tc, test_scan2d_contours_ellipse);
    suite_add_tcase(s, tc);
    tc = tcase_create("palette");
    tcase_add_test(tc, test_palette_file_matches_builtin);
    tcase_add_test(tc, test_palette_bad_line);
    tcase_add_test(tc, test_palette_env_override);
    suite_add_tcase(s, tc);
    tc = tcase_create("stats");
    tcase_add_test(tc, test_garwood_coverage);
    tcase_add_test(tc, test_band_matches_finite_differences);
    tcase_add_test(tc, test_deviance_zero_at_data);
    tcase_add_test(tc, test_stats_closed_forms);
    tcase_add_test(tc, test_yields_rescale);
    tcase_add_test(tc, test_stack_order_smallest_first);
    tcase_add_test(tc, test_pull_rows);
    tcase_add_test(tc, test_corr_select_threshold);
    tcase_add_test(tc, test_corr_select_keeps_poi);
    suite_add_tcase(s, tc);
    tc = tcase_create("draw");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_pixels_stack_layers);
    tcase_add_test(tc, test_pixels_channel_stack);
    tcase_add_test(tc, test_pdf_pages_and_outline);
    tcase_add_test(tc, test_unwritable_leaves_nothing);
    tcase_add_test(tc, test_svg_and_png_magic);
    tcase_add_test(tc, test_yield_tables);
    suite_add_tcase(s, tc);
    return s;
}
