/* core/density/density_truth.c - built-in truths (exact CDFs from GSL, truncated to their range),
 * binned truths (workspace templates) and empirical truths (user samples). */
#include "core/density/density_truth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

typedef enum kind { GAUSSIAN, EXPONENTIAL, CAMELBACK, FALLING, EDGE, BINNED, SAMPLE } kind;

struct hf_density_truth {
    kind kind;
    char *name, *label, *note;
    double lo, hi;
    double flo, fhi; /* untruncated CDF at lo and hi (built-in shapes) */
    size_t nb;       /* BINNED: bins; SAMPLE: points */
    double *w;       /* BINNED: normalised weights; SAMPLE: sorted points */
    double *cum;     /* BINNED: cumulative weights, nb + 1 entries */
    size_t natural_bins;
    double neff;
};

const char *const hf_density_truth_names[] = {"gaussian", "exponential", "camelback",
                                              "falling",  "edge",        NULL};

/* Shape parameters of the built-ins (documented in docs/density.md). */
#define CAMEL_MU   2.0 /* two unit Gaussians at -2 and +2, equal weights */
#define FALL_INDEX 3.0 /* falling: p(x) ~ x^-4 on [1, 5], a Pareto with index 3 */
#define EDGE_END   1.0 /* edge: p(x) ~ x on [0, 1], nothing above; range [0, 1.5] */

static const struct {
    const char *label;
    double lo, hi;
} builtin[] = {
    [GAUSSIAN] = {"Gaussian, mean 0, sd 1, on [-5, 5]", -5.0, 5.0},
    [EXPONENTIAL] = {"exponential, rate 1, on [0, 5]", 0.0, 5.0},
    [CAMELBACK] = {"camel back: two unit Gaussians at -2 and +2, on [-5, 5]", -5.0, 5.0},
    [FALLING] = {"falling spectrum p(x) ~ x^-4 on [1, 5]", 1.0, 5.0},
    [EDGE] = {"sharp edge: p(x) ~ x rising to an endpoint at 1, on [0, 1.5]", 0.0, 1.5},
};

/* Untruncated CDF of a built-in shape. */
static double
raw_cdf(kind k, double x)
{
    switch (k) {
    case GAUSSIAN:
        return gsl_cdf_ugaussian_P(x);
    case EXPONENTIAL:
        return gsl_cdf_exponential_P(x, 1.0);
    case CAMELBACK:
        return 0.5 * (gsl_cdf_ugaussian_P(x + CAMEL_MU) + gsl_cdf_ugaussian_P(x - CAMEL_MU));
    case FALLING:
        return gsl_cdf_pareto_P(x, FALL_INDEX, 1.0);
    case EDGE:
        return x <= 0 ? 0.0 : x >= EDGE_END ? 1.0 : (x / EDGE_END) * (x / EDGE_END);
    default:
        return 0.0;
    }
}

static double
raw_pdf(kind k, double x)
{
    switch (k) {
    case GAUSSIAN:
        return gsl_ran_ugaussian_pdf(x);
    case EXPONENTIAL:
        return gsl_ran_exponential_pdf(x, 1.0);
    case CAMELBACK:
        return 0.5 * (gsl_ran_ugaussian_pdf(x + CAMEL_MU) + gsl_ran_ugaussian_pdf(x - CAMEL_MU));
    case FALLING:
        return gsl_ran_pareto_pdf(x, FALL_INDEX, 1.0);
    case EDGE:
        return x < 0 || x > EDGE_END ? 0.0 : 2.0 * x / (EDGE_END * EDGE_END);
    default:
        return 0.0;
    }
}

static hf_density_truth *
alloc_truth(kind k, const char *name, const char *label, double lo, double hi, hf_error *err)
{
    hf_density_truth *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        hf_error_nomem(err);
        return NULL;
    }
    t->kind = k;
    t->lo = lo;
    t->hi = hi;
    t->name = strdup(name);
    t->label = strdup(label);
    if (t->name == NULL || t->label == NULL) {
        hf_density_truth_free(t);
        hf_error_nomem(err);
        return NULL;
    }
    return t;
}

/* A built-in truth by name. Returns NULL (HF_EUSAGE) for an unknown name; caller frees. */
hf_density_truth *
hf_density_truth_builtin(const char *name, hf_error *err)
{
    for (int k = GAUSSIAN; k <= EDGE; k++) {
        if (strcmp(name, hf_density_truth_names[k]) != 0)
            continue;
        hf_density_truth *t =
            alloc_truth((kind)k, name, builtin[k].label, builtin[k].lo, builtin[k].hi, err);
        if (t != NULL) {
            t->flo = raw_cdf(t->kind, t->lo);
            t->fhi = raw_cdf(t->kind, t->hi);
        }
        return t;
    }
    hf_error_set(err, HF_EUSAGE, "",
                 "unknown truth \"%s\" (gaussian, exponential, camelback, falling, edge)", name);
    return NULL;
}

/* A binned truth from nbins weights on [lo, hi]. Returns NULL with err on bad weights; caller
 * frees. */
hf_density_truth *
hf_density_truth_binned(const char *name, const double *w, size_t nbins, double lo, double hi,
                        hf_error *err)
{
    if (nbins == 0 || !(hi > lo) || !isfinite(lo) || !isfinite(hi)) {
        hf_error_set(err, HF_EUSAGE, "", "binned truth \"%s\" needs bins and a range", name);
        return NULL;
    }
    double sum = 0;
    for (size_t b = 0; b < nbins; b++) {
        if (!isfinite(w[b]) || w[b] < 0) {
            hf_error_set(err, HF_EUSAGE, "", "binned truth \"%s\": bin %zu is %g", name, b, w[b]);
            return NULL;
        }
        sum += w[b];
    }
    if (!(sum > 0)) {
        hf_error_set(err, HF_EUSAGE, "", "binned truth \"%s\" is empty", name);
        return NULL;
    }
    hf_density_truth *t = alloc_truth(BINNED, name, name, lo, hi, err);
    if (t == NULL)
        return NULL;
    t->nb = nbins;
    t->natural_bins = nbins;
    t->w = malloc(nbins * sizeof(double));
    t->cum = malloc((nbins + 1) * sizeof(double));
    if (t->w == NULL || t->cum == NULL) {
        hf_density_truth_free(t);
        hf_error_nomem(err);
        return NULL;
    }
    t->cum[0] = 0;
    for (size_t b = 0; b < nbins; b++) {
        t->w[b] = w[b] / sum;
        t->cum[b + 1] = t->cum[b] + t->w[b];
    }
    t->cum[nbins] = 1.0;
    return t;
}

static char *
format_label(const char *channel, const char *sample, size_t nbins)
{
    const char *s = sample != NULL ? sample : "all samples";
    size_t len = strlen(channel) + strlen(s) + 64;
    char *out = malloc(len);
    if (out != NULL)
        snprintf(out, len, "template %s/%s (%zu bins, x = bin index)", channel, s, nbins);
    return out;
}

/* The nominal template of a channel's sample (or of the whole channel) as a binned truth.
 * Returns NULL with err (HF_EUSAGE) for unknown names or an empty template; caller frees. */
hf_density_truth *
hf_density_truth_template(const hf_model *m, const char *channel, const char *sample, hf_error *err)
{
    int c = hf_model_find_channel(m, channel);
    if (c < 0) {
        hf_error_set(err, HF_EUSAGE, "", "no channel \"%s\" in the model", channel);
        return NULL;
    }
    size_t nb = m->chan_nbins[c];
    double *w = calloc(nb, sizeof(double));
    if (w == NULL) {
        hf_error_nomem(err);
        return NULL;
    }
    double sum_nu = 0, sum_d2 = 0;
    int found = 0, negative = 0, have_stat = 1;
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *cs = &m->cs[i];
        if (cs->chan != (size_t)c)
            continue;
        if (sample != NULL && strcmp(m->samp_name[cs->samp], sample) != 0)
            continue;
        found++;
        for (size_t b = 0; b < nb; b++) {
            double v = cs->nom[b];
            if (v < 0)
                negative = 1;
            w[b] += v;
            sum_nu += v;
        }
        /* staterror data are the absolute MC uncertainties of this sample's bins */
        const hf_ws_modifier *se = NULL;
        for (size_t k = 0; k < cs->src->nmod; k++)
            if (cs->src->mod[k].type == HF_MOD_STATERROR && cs->src->mod[k].data != NULL)
                se = &cs->src->mod[k];
        if (se == NULL)
            have_stat = 0;
        else
            for (size_t b = 0; b < nb; b++)
                sum_d2 += se->data[b] * se->data[b];
    }
    if (!found) {
        free(w);
        hf_error_set(err, HF_EUSAGE, "", "no sample \"%s\" in channel \"%s\"",
                     sample != NULL ? sample : "(any)", channel);
        return NULL;
    }
    for (size_t b = 0; b < nb; b++)
        if (w[b] < 0)
            w[b] = 0;
    size_t len = strlen(channel) + (sample ? strlen(sample) : 0) + 2;
    char *name = malloc(len);
    if (name == NULL) {
        free(w);
        hf_error_nomem(err);
        return NULL;
    }
    snprintf(name, len, "%s%s%s", channel, sample ? "/" : "", sample ? sample : "");
    hf_density_truth *t = hf_density_truth_binned(name, w, nb, 0.0, (double)nb, err);
    free(w);
    free(name);
    if (t == NULL)
        return NULL;
    char *label = format_label(channel, sample, nb);
    if (label == NULL) {
        hf_density_truth_free(t);
        hf_error_nomem(err);
        return NULL;
    }
    free(t->label);
    t->label = label;
    if (negative && (t->note = strdup("negative nominal yields were set to 0")) == NULL) {
        hf_density_truth_free(t);
        hf_error_nomem(err);
        return NULL;
    }
    if (have_stat && sum_d2 > 0 && sum_nu > 0)
        t->neff = sum_nu * sum_nu / sum_d2;
    return t;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The empirical distribution of a sample (see the header). Returns NULL with err (HF_EUSAGE)
 * for non-finite values or fewer than 2 points in range; caller frees. */
hf_density_truth *
hf_density_truth_sample(const char *name, const double *x, size_t n, double lo, double hi,
                        hf_error *err)
{
    int auto_range = !(hi > lo);
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            hf_error_set(err, HF_EUSAGE, "", "sample \"%s\": value %zu is not a finite number",
                         name, i + 1);
            return NULL;
        }
        mn = fmin(mn, x[i]);
        mx = fmax(mx, x[i]);
    }
    if (auto_range) {
        lo = mn;
        hi = mx;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        kept += x[i] >= lo && x[i] <= hi;
    if (kept < 2 || !(hi > lo)) {
        hf_error_set(err, HF_EUSAGE, "", "sample \"%s\" has fewer than 2 distinct values in range",
                     name);
        return NULL;
    }
    size_t len = strlen(name) + 48;
    char *label = malloc(len);
    if (label == NULL) {
        hf_error_nomem(err);
        return NULL;
    }
    snprintf(label, len, "sample %s (%zu values)", name, kept);
    hf_density_truth *t = alloc_truth(SAMPLE, name, label, lo, hi, err);
    free(label);
    if (t == NULL)
        return NULL;
    t->w = malloc(kept * sizeof(double));
    if (t->w == NULL) {
        hf_density_truth_free(t);
        hf_error_nomem(err);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (x[i] >= lo && x[i] <= hi)
            t->w[t->nb++] = x[i];
    qsort(t->w, t->nb, sizeof(double), cmp_double);
    return t;
}

void
hf_density_truth_free(hf_density_truth *t)
{
    if (t == NULL)
        return;
    free(t->name);
    free(t->label);
    free(t->note);
    free(t->w);
    free(t->cum);
    free(t);
}

const char *
hf_density_truth_name(const hf_density_truth *t)
{
    return t->name;
}

const char *
hf_density_truth_label(const hf_density_truth *t)
{
    return t->label;
}

const char *
hf_density_truth_note(const hf_density_truth *t)
{
    return t->note;
}

double
hf_density_truth_lo(const hf_density_truth *t)
{
    return t->lo;
}

double
hf_density_truth_hi(const hf_density_truth *t)
{
    return t->hi;
}

size_t
hf_density_truth_natural_bins(const hf_density_truth *t)
{
    return t->natural_bins;
}

double
hf_density_truth_neff(const hf_density_truth *t)
{
    return t->neff;
}

/* Number of sample points <= x (binary search on the sorted sample). */
static size_t
count_le(const hf_density_truth *t, double x)
{
    size_t a = 0, b = t->nb;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (t->w[mid] <= x)
            a = mid + 1;
        else
            b = mid;
    }
    return a;
}

double
hf_density_truth_cdf(const hf_density_truth *t, double x)
{
    if (x <= t->lo)
        return 0.0;
    if (x >= t->hi)
        return 1.0;
    switch (t->kind) {
    case BINNED: {
        /* piecewise-constant density: the CDF is linear inside each bin */
        double u = (x - t->lo) / (t->hi - t->lo) * (double)t->nb;
        size_t b = (size_t)u;
        if (b >= t->nb)
            return 1.0;
        return t->cum[b] + (u - (double)b) * t->w[b];
    }
    case SAMPLE:
        return (double)count_le(t, x) / (double)t->nb;
    default:
        return (raw_cdf(t->kind, x) - t->flo) / (t->fhi - t->flo);
    }
}

double
hf_density_truth_pdf(const hf_density_truth *t, double x)
{
    if (x < t->lo || x > t->hi)
        return 0.0;
    switch (t->kind) {
    case BINNED: {
        double width = (t->hi - t->lo) / (double)t->nb;
        size_t b = (size_t)((x - t->lo) / width);
        return t->w[b < t->nb ? b : t->nb - 1] / width;
    }
    case SAMPLE: {
        double width = (t->hi - t->lo) / 200.0;
        double a = t->lo + floor((x - t->lo) / width) * width;
        if (a + width > t->hi)
            a = t->hi - width;
        return (hf_density_truth_cdf(t, a + width) - hf_density_truth_cdf(t, a)) / width;
    }
    default:
        return raw_pdf(t->kind, x) / (t->fhi - t->flo);
    }
}

void
hf_density_truth_probs(const hf_density_truth *t, size_t nbins, double *p)
{
    double prev = 0.0;
    for (size_t b = 0; b < nbins; b++) {
        double c = b + 1 == nbins
                       ? 1.0
                       : hf_density_truth_cdf(t, t->lo + (t->hi - t->lo) * (double)(b + 1) /
                                                             (double)nbins);
        p[b] = c - prev;
        prev = c;
    }
}

double
hf_density_truth_sample_one(const hf_density_truth *t, gsl_rng *rng)
{
    switch (t->kind) {
    case GAUSSIAN:
        for (;;) {
            double x = gsl_ran_gaussian_ziggurat(rng, 1.0);
            if (x >= t->lo && x <= t->hi)
                return x;
        }
    case CAMELBACK:
        for (;;) {
            double mu = gsl_rng_uniform(rng) < 0.5 ? -CAMEL_MU : CAMEL_MU;
            double x = mu + gsl_ran_gaussian_ziggurat(rng, 1.0);
            if (x >= t->lo && x <= t->hi)
                return x;
        }
    case EXPONENTIAL: {
        /* inverse CDF of the truncated distribution */
        double u = t->flo + gsl_rng_uniform(rng) * (t->fhi - t->flo);
        return -log1p(-u);
    }
    case FALLING: {
        double u = t->flo + gsl_rng_uniform(rng) * (t->fhi - t->flo);
        return pow(1.0 - u, -1.0 / FALL_INDEX);
    }
    case EDGE: {
        double u = t->flo + gsl_rng_uniform(rng) * (t->fhi - t->flo);
        return EDGE_END * sqrt(u);
    }
    case BINNED: {
        double u = gsl_rng_uniform(rng);
        size_t a = 0, b = t->nb; /* first bin with cum[bin + 1] > u */
        while (a < b) {
            size_t mid = a + (b - a) / 2;
            if (t->cum[mid + 1] <= u)
                a = mid + 1;
            else
                b = mid;
        }
        if (a >= t->nb)
            a = t->nb - 1;
        double width = (t->hi - t->lo) / (double)t->nb;
        return t->lo + ((double)a + gsl_rng_uniform(rng)) * width;
    }
    case SAMPLE:
        return t->w[gsl_rng_uniform_int(rng, t->nb)];
    }
    return t->lo;
}
