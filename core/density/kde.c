/* core/density/kde.c - Gaussian KDE: bandwidth rules, reflection at the edges of the range, exact
 * and binned (linear binning + FFT) bin integrals, and sampling. */
#include "core/density/kde.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#define KDE_CUT    8.0 /* kernel support used in sums: +-8 h (Phi(-8) = 6e-16) */
#define GRID_PER_H 16  /* binned KDE: at least 16 grid points per bandwidth */
#define GRID_MAX   (1u << 20)

static const char *const rule_names[] = {"scott", "silverman", "isj", "fixed"};

const char *
hf_kde_rule_name(hf_kde_rule r)
{
    return (unsigned)r < 4 ? rule_names[r] : "?";
}

int
hf_kde_rule_parse(const char *s, hf_kde_rule *r)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, rule_names[i]) == 0) {
            *r = (hf_kde_rule)i;
            return 0;
        }
    return -1;
}

/* Standard normal CDF; erfc keeps the lower tail accurate. */
static inline double
phi_cdf(double t)
{
    return 0.5 * erfc(-t * M_SQRT1_2);
}

/* ---- ISJ ------------------------------------------------------------------------------------
 * Z. I. Botev, J. F. Grotowski, D. P. Kroese, "Kernel density estimation via diffusion",
 * Annals of Statistics 38 (2010) 2916-2957: the improved Sheather-Jones plug-in. The bandwidth
 * solves t = xi gamma^[l](t) with l = 7, where the functionals ||f^(s)||^2 are estimated from
 * the DCT of the binned data; this follows the authors' reference code (kde.m): 2^14 grid,
 * range padded by a tenth, smallest root searched on [0, tol] with tol doubled up to 0.1. */

#define ISJ_GRID 16384
#define ISJ_L    7

typedef struct isj_ctx {
    size_t m;              /* number of DCT coefficients used (k = 1 .. m) */
    const double *a2;      /* a2[k-1] = c_k^2 */
    double *pw[ISJ_L + 1]; /* pw[s][k-1] = k^(2s) */
    double N;
} isj_ctx;

/* 2 pi^(2s) sum_k k^(2s) a2_k exp(-k^2 pi^2 t); exponentials by recurrence, stopping once they
 * underflow. */
static double
isj_functional(const isj_ctx *c, int s, double t)
{
    double q = M_PI * M_PI * t;
    double e = exp(-q), r = exp(-3.0 * q), r2 = exp(-2.0 * q), sum = 0;
    const double *pw = c->pw[s];
    for (size_t k = 0; k < c->m; k++) {
        sum += pw[k] * c->a2[k] * e;
        e *= r; /* exp(-(k+1)^2 q) -> exp(-(k+2)^2 q) */
        r *= r2;
        if (e == 0.0)
            break;
    }
    return 2.0 * pow(M_PI, 2.0 * s) * sum;
}

static double
isj_fixed_point(double t, void *arg)
{
    const isj_ctx *c = arg;
    double f = isj_functional(c, ISJ_L, t);
    for (int s = ISJ_L - 1; s >= 2; s--) {
        double k0 = 1.0; /* (2s-1)!! / sqrt(2 pi) */
        for (int j = 1; j <= 2 * s - 1; j += 2)
            k0 *= j;
        k0 /= sqrt(2.0 * M_PI);
        double cst = (1.0 + pow(0.5, s + 0.5)) / 3.0;
        double time = pow(2.0 * cst * k0 / c->N / f, 2.0 / (3.0 + 2.0 * s));
        f = isj_functional(c, s, time);
    }
    double out = t - pow(2.0 * c->N * sqrt(M_PI) * f, -0.4);
    return isfinite(out) ? out : -1.0;
}

/* DCT-II c_k = sum_j x_j cos(pi k (2j + 1) / (2 m)) via one real FFT (Makhoul 1980). */
static int
dct2(double *x, size_t m, double *c)
{
    double *v = malloc(m * sizeof(double));
    if (v == NULL)
        return -1;
    for (size_t j = 0; j < m / 2; j++) {
        v[j] = x[2 * j];
        v[m - 1 - j] = x[2 * j + 1];
    }
    gsl_fft_real_radix2_transform(v, 1, m);
    for (size_t k = 0; k < m; k++) {
        double re, im;
        size_t kk = k <= m / 2 ? k : m - k;
        re = v[kk];
        im = kk == 0 || kk == m / 2 ? 0.0 : v[m - kk];
        if (k > m / 2)
            im = -im;
        double ang = -M_PI * (double)k / (2.0 * (double)m);
        c[k] = re * cos(ang) - im * sin(ang);
    }
    free(v);
    return 0;
}

static double
isj_bandwidth(const double *sorted, size_t n, double lo, double hi, bool *ok)
{
    *ok = false;
    if (!(hi > lo)) {
        double range = sorted[n - 1] - sorted[0];
        lo = sorted[0] - range / 10.0;
        hi = sorted[n - 1] + range / 10.0;
    }
    double R = hi - lo;
    if (!(R > 0))
        return NAN;
    size_t m = ISJ_GRID;
    double *hist = calloc(m, sizeof(double));
    double *c = malloc(m * sizeof(double));
    double *buf = malloc((size_t)ISJ_L * (m - 1) * sizeof(double));
    double h = NAN;
    if (hist == NULL || c == NULL || buf == NULL)
        goto out;
    size_t uniq = 0;
    double dx = R / (double)(m - 1), tot = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || sorted[i] != sorted[i - 1])
            uniq++;
        if (sorted[i] < lo || sorted[i] > hi)
            continue;
        size_t j = (size_t)((sorted[i] - lo) / dx);
        hist[j < m ? j : m - 1] += 1.0;
        tot += 1.0;
    }
    if (tot <= 0)
        goto out;
    for (size_t j = 0; j < m; j++)
        hist[j] /= tot;
    if (dct2(hist, m, c) != 0)
        goto out;
    isj_ctx ctx = {.m = m - 1, .a2 = c + 1, .N = (double)uniq};
    for (size_t k = 1; k < m; k++)
        c[k] *= c[k]; /* a2 in place: c[1..m-1] */
    /* pw[1] = k^2 lives at buf; pw[s] = pw[s-1] k^2 (exact up to rounding, no pow calls) */
    for (int s = 1; s <= ISJ_L; s++) {
        ctx.pw[s] = buf + (size_t)(s - 1) * (m - 1);
        for (size_t k = 1; k < m; k++)
            ctx.pw[s][k - 1] =
                s == 1 ? (double)k * (double)k : ctx.pw[s - 1][k - 1] * (double)k * (double)k;
    }
    /* smallest root first (kde.m's root()): bracket [0, tol], tol doubled up to 0.1 */
    double Nc = ctx.N < 50 ? 50 : ctx.N > 1050 ? 1050 : ctx.N;
    double tol = 1e-12 + 0.01 * (Nc - 50) / 1000.0;
    gsl_function F = {isj_fixed_point, &ctx};
    for (;;) {
        if (isj_fixed_point(0.0, &ctx) < 0 && isj_fixed_point(tol, &ctx) > 0) {
            gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
            if (s == NULL)
                goto out;
            gsl_root_fsolver_set(s, &F, 0.0, tol);
            double t = tol;
            for (int it = 0; it < 200; it++) {
                gsl_root_fsolver_iterate(s);
                t = gsl_root_fsolver_root(s);
                double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
                if (gsl_root_test_interval(a, b, 0.0, 1e-10) == GSL_SUCCESS)
                    break;
            }
            gsl_root_fsolver_free(s);
            if (t > 0) {
                h = sqrt(t) * R;
                *ok = true;
            }
            break;
        }
        if (tol >= 0.1)
            break;
        tol = fmin(2.0 * tol, 0.1);
    }
out:
    free(hist);
    free(c);
    free(buf);
    return h;
}

/* Scott, Silverman and (want_isj) ISJ bandwidths of sorted data into h[3]; NaN where undefined.
 * *fallback is set when ISJ had no root and Silverman stands in for it. */
static void
rules_sorted(const double *s, size_t n, double lo, double hi, bool want_isj, double h[3],
             bool *fallback)
{
    double sd = gsl_stats_sd(s, 1, n);
    double iqr = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.75) -
                 gsl_stats_quantile_from_sorted_data(s, 1, n, 0.25);
    double nf = pow((double)n, -0.2);
    double spread = iqr > 0 ? fmin(sd, iqr / 1.34) : sd;
    h[HF_KDE_SCOTT] = pow(4.0 / 3.0, 0.2) * sd * nf;
    h[HF_KDE_SILVERMAN] = 0.9 * spread * nf;
    h[HF_KDE_ISJ] = NAN;
    *fallback = false;
    if (want_isj) {
        bool ok;
        h[HF_KDE_ISJ] = isj_bandwidth(s, n, lo, hi, &ok);
        if (!ok) {
            *fallback = true;
            h[HF_KDE_ISJ] = h[HF_KDE_SILVERMAN];
        }
    }
    for (int i = 0; i < 3; i++)
        if (!(h[i] > 0 && isfinite(h[i])))
            h[i] = NAN;
}

/* All three rules at once (one sort); h[HF_KDE_ISJ] only when want_isj, else NaN. Returns 0, or
 * -1 when memory ran out (h all NaN). */
int
hf_kde_bandwidths(const double *x, size_t n, double lo, double hi, bool want_isj, double h[3],
                  bool *fallback)
{
    bool fb = false;
    h[0] = h[1] = h[2] = NAN;
    if (fallback != NULL)
        *fallback = false;
    if (n < 2)
        return 0;
    double *s = malloc(n * sizeof(double));
    if (s == NULL)
        return -1;
    memcpy(s, x, n * sizeof(double));
    gsl_sort(s, 1, n);
    rules_sorted(s, n, lo, hi, want_isj, h, &fb);
    free(s);
    if (fallback != NULL)
        *fallback = fb;
    return 0;
}

/* Bandwidth of one rule (see the header). Returns NaN without spread or memory. */
double
hf_kde_bandwidth(hf_kde_rule r, const double *x, size_t n, double lo, double hi, bool *fallback)
{
    double h[3];
    if (r == HF_KDE_FIXED || hf_kde_bandwidths(x, n, lo, hi, r == HF_KDE_ISJ, h, fallback) != 0)
        return NAN;
    return h[r];
}

/* The bandwidth of a configured estimator (see the header). */
double
hf_kde_scaled_bandwidth(hf_kde_rule r, double value, double rule_h, double lo, double hi)
{
    double h = r == HF_KDE_FIXED ? value : rule_h * value;
    return h > 0 && isfinite(h) ? h : 1e-3 * (hi - lo);
}

/* ---- wide kernels --------------------------------------------------------------------------
 * With reflection and h > L/4 (L = hi - lo) the images of images pile up; the folded Gaussian is
 * then summed as the Neumann heat kernel's cosine series instead (the Fourier series of the
 * 2L-periodic, mirrored Gaussian), which needs only a few terms:
 *   f(y) = 1/L + 2/L sum_k e_k cos(k pi u_x / L) cos(k pi u_y / L),  e_k = exp(-(k pi h / L)^2 / 2)
 * with u = position - lo. Terms stop once e_k < 1e-17. */
static bool
use_series(const hf_kde *k)
{
    return k->reflect && k->h > 0.25 * (k->hi - k->lo);
}

/* c[j-1] = e_j sum_i cos(j pi u_i / L), j = 1..*nt (at most 64 terms). */
static void
series_coef(const hf_kde *k, double c[64], int *nt)
{
    double L = k->hi - k->lo, r = M_PI * k->h / L;
    int m = (int)ceil(8.9 / r) + 1; /* exp(-(8.9)^2 / 2) = 6e-18 */
    *nt = m < 64 ? m : 64;
    for (int j = 1; j <= *nt; j++) {
        double s = 0;
        for (size_t i = 0; i < k->n; i++)
            s += cos(j * M_PI * (fmin(fmax(k->x[i], k->lo), k->hi) - k->lo) / L);
        c[j - 1] = exp(-0.5 * (j * r) * (j * r)) * s;
    }
}

double
hf_kde_pdf(const hf_kde *k, double y)
{
    double L = k->hi - k->lo, sum = 0;
    if (k->reflect && (y < k->lo || y > k->hi))
        return 0.0;
    if (use_series(k)) {
        double c[64];
        int nt;
        series_coef(k, c, &nt);
        for (int j = 1; j <= nt; j++)
            sum += c[j - 1] * cos(j * M_PI * (y - k->lo) / L);
        return (1.0 + 2.0 * sum / (double)k->n) / L;
    }
    int kmax = k->reflect ? (int)ceil(KDE_CUT * k->h / (2.0 * L)) + 1 : 0;
    for (size_t i = 0; i < k->n; i++) {
        for (int j = -kmax; j <= kmax; j++) {
            double z1 = k->x[i] + 2.0 * j * L;
            sum += gsl_ran_ugaussian_pdf((y - z1) / k->h);
            if (k->reflect) {
                double z2 = 2.0 * k->lo - k->x[i] + 2.0 * j * L;
                sum += gsl_ran_ugaussian_pdf((y - z2) / k->h);
            }
        }
    }
    return sum / ((double)k->n * k->h);
}

/* The points whose Gaussians make up the (folded) KDE, limited to [lo - cut, hi + cut]: the
 * data and, with reflect, the images x + 2jL and 2 lo - x + 2jL. Sorted; *nz set. */
static double *
kernel_centres(const hf_kde *k, size_t *nz)
{
    double L = k->hi - k->lo, cut = KDE_CUT * k->h;
    int kmax = k->reflect ? (int)ceil(cut / (2.0 * L)) + 1 : 0;
    size_t cap = k->n * (k->reflect ? 2 * (2 * (size_t)kmax + 1) : 1);
    double *z = malloc((cap ? cap : 1) * sizeof(double));
    if (z == NULL)
        return NULL;
    size_t m = 0;
    for (size_t i = 0; i < k->n; i++) {
        if (!k->reflect) {
            z[m++] = k->x[i];
            continue;
        }
        double x = fmin(fmax(k->x[i], k->lo), k->hi);
        for (int j = -kmax; j <= kmax; j++) {
            double a = x + 2.0 * j * L, b = 2.0 * k->lo - x + 2.0 * j * L;
            if (a >= k->lo - cut && a <= k->hi + cut)
                z[m++] = a;
            if (b >= k->lo - cut && b <= k->hi + cut)
                z[m++] = b;
        }
    }
    gsl_sort(z, 1, m);
    *nz = m;
    return z;
}

/* Exact bin integrals (see the header). Returns 0, or -1 on ENOMEM. */
int
hf_kde_probs(const hf_kde *k, size_t nbins, double *q, hf_error *err)
{
    if (use_series(k)) {
        /* G(y) = n u/L + sum_j 2/(j pi) c_j sin(j pi u / L) integrates the series */
        double c[64], L = k->hi - k->lo, prev = 0;
        int nt;
        series_coef(k, c, &nt);
        for (size_t e = 0; e <= nbins; e++) {
            double u = L * (double)e / (double)nbins, g = (double)k->n * u / L;
            for (int j = 1; j <= nt; j++)
                g += 2.0 / (j * M_PI) * c[j - 1] * sin(j * M_PI * u / L);
            if (e > 0)
                q[e - 1] = (g - prev) / (double)k->n;
            prev = g;
        }
        return 0;
    }
    size_t nz;
    double *z = kernel_centres(k, &nz);
    if (z == NULL)
        return hf_error_nomem(err);
    double cut = KDE_CUT * k->h, inv_h = 1.0 / k->h;
    size_t below = 0; /* centres <= edge - cut: contribute 1 */
    double prev = 0;
    for (size_t e = 0; e <= nbins; e++) {
        double edge = k->lo + (k->hi - k->lo) * (double)e / (double)nbins;
        while (below < nz && z[below] <= edge - cut)
            below++;
        double g = (double)below;
        for (size_t i = below; i < nz && z[i] < edge + cut; i++)
            g += phi_cdf((edge - z[i]) * inv_h);
        if (e > 0)
            q[e - 1] = (g - prev) / (double)k->n;
        prev = g;
    }
    free(z);
    return 0;
}

int
hf_kde_probs_mode(const hf_kde *k, size_t nbins, bool exact, double *q, hf_error *err)
{
    return exact ? hf_kde_probs(k, nbins, q, err) : hf_kde_probs_binned(k, nbins, q, err);
}

static size_t
next_pow2(size_t n)
{
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

/* Binned bin integrals (see the header). With nodes g_j = lo + j d (d = bin width / K) and the
 * linear-binned weights W_j (images folded in as node weights), bin b is
 * q_b = 1/n sum_j W_j D(bK - j), D(m) = Phi((m + K) d / h) - Phi(m d / h): one discrete
 * convolution, done by FFT. Returns 0, or -1 on ENOMEM. */
int
hf_kde_probs_binned(const hf_kde *k, size_t nbins, double *q, hf_error *err)
{
    double L = k->hi - k->lo, wbin = L / (double)nbins;
    double K_real = ceil(wbin * GRID_PER_H / k->h);
    if (use_series(k) || !(K_real < (double)GRID_MAX / (double)nbins))
        return hf_kde_probs(k, nbins, q, err);
    /* without reflection a kernel much wider than the range leaves little in it: exact sums */
    if (KDE_CUT * k->h > 4.0 * L)
        return hf_kde_probs(k, nbins, q, err);
    size_t K = K_real < 1 ? 1 : (size_t)K_real;
    size_t G = nbins * K;
    double d = wbin / (double)K;
    size_t P = (size_t)ceil(KDE_CUT * k->h / d) + 1;
    size_t NW = G + 2 * P + 1, ND = K + 2 * P + 1;
    size_t N = next_pow2(NW + ND - 1);
    if (N > 4 * (size_t)GRID_MAX)
        return hf_kde_probs(k, nbins, q, err);
    double *w = calloc(N, sizeof(double)), *dk = calloc(N, sizeof(double));
    if (w == NULL || dk == NULL) {
        free(w);
        free(dk);
        return hf_error_nomem(err);
    }
    /* linear binning; node j is stored at w[j + P] */
    long lo_node = -(long)P, hi_node = (long)(G + P);
    long period = 2 * (long)G;
    for (size_t i = 0; i < k->n; i++) {
        double x = k->reflect ? fmin(fmax(k->x[i], k->lo), k->hi) : k->x[i];
        double u = (x - k->lo) / d;
        if (u < (double)lo_node || u >= (double)hi_node)
            continue;
        long j = (long)floor(u);
        double f = u - (double)j;
        long node[2] = {j, j + 1};
        double wt[2] = {1.0 - f, f};
        for (int s = 0; s < 2; s++) {
            if (!k->reflect) {
                if (node[s] <= hi_node)
                    w[node[s] + (long)P] += wt[s];
                continue;
            }
            /* images of node j in the folded KDE: j + 2kG and -j + 2kG */
            long kmax = (long)(P / (size_t)period) + 2;
            for (long kk = -kmax; kk <= kmax; kk++) {
                long a = node[s] + kk * period, b = -node[s] + kk * period;
                if (a >= lo_node && a <= hi_node)
                    w[a + (long)P] += wt[s];
                if (b >= lo_node && b <= hi_node)
                    w[b + (long)P] += wt[s];
            }
        }
    }
    /* D(m) for m = -K-P .. P, stored at dk[m + K + P] */
    double ratio = d / k->h;
    for (size_t i = 0; i < ND; i++) {
        double m = (double)i - (double)(K + P);
        dk[i] = phi_cdf((m + (double)K) * ratio) - phi_cdf(m * ratio);
    }
    gsl_fft_real_radix2_transform(w, 1, N);
    gsl_fft_real_radix2_transform(dk, 1, N);
    w[0] *= dk[0];
    w[N / 2] *= dk[N / 2];
    for (size_t i = 1; i < N / 2; i++) {
        double ar = w[i], ai = w[N - i], br = dk[i], bi = dk[N - i];
        w[i] = ar * br - ai * bi;
        w[N - i] = ar * bi + ai * br;
    }
    gsl_fft_halfcomplex_radix2_inverse(w, 1, N);
    /* q_b = conv[bK - mlo - A] with mlo = -K-P, A = -P */
    for (size_t b = 0; b < nbins; b++) {
        double v = w[b * K + K + 2 * P] / (double)k->n;
        q[b] = v > 0 ? v : 0.0; /* FFT round-off can leave -1e-17 in empty bins */
    }
    free(w);
    free(dk);
    return 0;
}

double
hf_kde_sample(const hf_kde *k, gsl_rng *rng)
{
    /* floor(u n) with u in [0, 1) on a 2^-32 grid: uniform to n / 2^32, and cheaper than
     * gsl_rng_uniform_int's division and rejection in this hot loop */
    size_t i = (size_t)(gsl_rng_uniform(rng) * (double)k->n);
    double y = k->x[i < k->n ? i : k->n - 1] + gsl_ran_gaussian_ziggurat(rng, k->h);
    if (k->reflect)
        while (y < k->lo || y > k->hi)
            y = y < k->lo ? 2.0 * k->lo - y : 2.0 * k->hi - y;
    return y;
}
