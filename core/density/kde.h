/* core/density/kde.h - Gaussian kernel density estimates in 1D: bandwidth rules (Scott, Silverman,
 * Botev's ISJ), boundary reflection, exact and FFT-binned bin integrals, O(1) sampling. */
#ifndef HF_KDE_H
#define HF_KDE_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "core/error.h"

typedef enum hf_kde_rule {
    HF_KDE_SCOTT = 0, /* 1.06 sd n^-1/5 (Scott 1992, normal reference) */
    HF_KDE_SILVERMAN, /* 0.9 min(sd, IQR/1.34) n^-1/5 (Silverman 1986, eq. 3.31) */
    HF_KDE_ISJ,       /* improved Sheather-Jones plug-in (Botev, Grotowski, Kroese 2010) */
    HF_KDE_FIXED      /* a bandwidth given by the user */
} hf_kde_rule;

const char *hf_kde_rule_name(hf_kde_rule r);          /* "scott", "silverman", "isj", "fixed" */
int hf_kde_rule_parse(const char *s, hf_kde_rule *r); /* 0, or -1 if unknown */

/* Bandwidth of rule r for x[0..n) (n >= 2; any order). ISJ works on [lo, hi] when lo < hi (else
 * on the data's range padded by a tenth) and falls back to Silverman when its fixed-point
 * equation has no root (*fallback = true, may be NULL). Returns a value > 0, or NaN when the
 * data have no spread or memory ran out. Thread-safe. */
double hf_kde_bandwidth(hf_kde_rule r, const double *x, size_t n, double lo, double hi,
                        bool *fallback);
/* Scott, Silverman and (when want_isj) ISJ bandwidths at once into h[3] (indexed by the rule),
 * NaN where undefined. Returns 0, or -1 when memory ran out. Thread-safe. */
int hf_kde_bandwidths(const double *x, size_t n, double lo, double hi, bool want_isj, double h[3],
                      bool *fallback);

/* The bandwidth a configured estimator uses: `value` itself for HF_KDE_FIXED, else value times
 * the rule's bandwidth rule_h; 1e-3 of the range when that is undefined (data without spread),
 * which keeps the KDE defined. */
double hf_kde_scaled_bandwidth(hf_kde_rule r, double value, double rule_h, double lo, double hi);

/* A KDE: f(y) = 1/(n h) sum_i phi((y - x_i)/h). With reflect, the estimate lives on [lo, hi]:
 * mass that leaks over an edge is folded back (the images 2 lo - x_i, 2 hi - x_i, ...), which
 * is what sampling with reflection draws from. Without reflect, mass outside [lo, hi] is lost.
 * A plain struct: the caller owns x, which must stay valid while the KDE is used. */
typedef struct hf_kde {
    const double *x;
    size_t n;
    double h;
    double lo, hi;
    bool reflect;
} hf_kde;

/* Density at y (O(n)). */
double hf_kde_pdf(const hf_kde *k, double y);
/* q[b] = integral of the KDE over bin b of nbins equal bins on [lo, hi], exactly (Gaussian CDF
 * sums over the points within 8 h of each edge; with reflect and h > (hi - lo)/4, the folded
 * kernel's cosine series). Returns 0, or -1 with err on ENOMEM. */
int hf_kde_probs(const hf_kde *k, size_t nbins, double *q, hf_error *err);
/* The same after linear binning onto a grid of spacing <= h/16 and an FFT convolution
 * (Silverman 1982, AS 176; Wand 1994): O(n + G log G). Falls back to hf_kde_probs when the grid
 * would exceed 2^20 points. Returns 0, or -1 with err on ENOMEM. */
int hf_kde_probs_binned(const hf_kde *k, size_t nbins, double *q, hf_error *err);
/* Up to this many points exact bin integrals are cheap; above, the binned ones are the default. */
#define HF_KDE_EXACT_MAX 2000
/* hf_kde_probs when exact, else hf_kde_probs_binned. */
int hf_kde_probs_mode(const hf_kde *k, size_t nbins, bool exact, double *q, hf_error *err);
/* One event drawn from the KDE in O(1): a training point chosen uniformly plus h times a standard
 * Gaussian, reflected at lo and hi (repeatedly) when reflect is set. */
double hf_kde_sample(const hf_kde *k, gsl_rng *rng);

#endif
