/* core/infer/minos.c - MINOS intervals by root finding on the profile likelihood (James,
 * "MINUIT Function Minimization and Error Analysis", CERN D506, section 7.3: the crossing of
 * 2 delta NLL = up with every other parameter re-minimised), and parameter-name selection. */
#include "core/infer/minos.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One profiled point: the fit with theta_j fixed at x, warm-started from the previous point. */
typedef struct profile {
    const hf_model *m;
    const hf_data *d;
    const hf_fit_result *best;
    size_t j;
    double *start; /* npar: the warm start, updated to each profiled minimum */
    atomic_int *cancel;
    int nfits;
} profile;

/* 2 (NLL(x, others refitted) - NLL_min) into *q. 0, or -1 with err set. */
static int
profile_q(profile *p, double x, double *q, hf_error *err)
{
    hf_fit_options fo = {.init = p->start,
                         .fixed = p->best->fixed,
                         .fix_index = (int)p->j,
                         .fix_value = x,
                         .no_errors = true,
                         .cancel = p->cancel};
    hf_fit_result r;
    p->nfits++;
    if (hf_fit(p->m, p->d, &fo, &r, err) < 0)
        return -1;
    *q = 2.0 * (r.nll - p->best->nll);
    if (isfinite(*q))
        memcpy(p->start, r.x, p->m->npar * sizeof(double));
    hf_fit_result_release(&r);
    return 0;
}

/* The crossing function: sqrt(q) - sqrt(up), close to linear in x (|x - x0| / sigma - 1 for a
 * parabolic profile), so regula falsi converges in a few steps. */
static double
gfun(double q, double up)
{
    return sqrt(q > 0 ? q : 0.0) - sqrt(up);
}

/* Illinois regula falsi on [a, b] with ga < 0 <= gb until |b - a| < tol. */
static int
refine(profile *p, double up, double a, double ga, double b, double gb, double tol, int max_fits,
       double *root, hf_error *err)
{
    int side = 0;
    double x = b;
    while (fabs(b - a) > tol && p->nfits < max_fits) {
        x = (a * gb - b * ga) / (gb - ga);
        double q;
        if (profile_q(p, x, &q, err) < 0)
            return -1;
        double g = gfun(q, up);
        if (g == 0.0) {
            a = b = x;
            break;
        }
        if (g < 0) {
            a = x;
            ga = g;
            if (side == -1)
                gb *= 0.5;
            side = -1;
        } else {
            b = x;
            gb = g;
            if (side == 1)
                ga *= 0.5;
            side = 1;
        }
        if (fabs(g) < 1e-7)
            break;
    }
    *root = fabs(ga) < fabs(gb) ? a : b;
    return 0;
}

/* One side (s = +1 upper, -1 lower) of the interval. */
static int
minos_side(profile *p, int s, double sigma, const hf_minos_options *o, hf_minos_side *out,
           hf_error *err)
{
    const hf_param *par = &p->m->par[p->j];
    double x0 = p->best->x[p->j], bound = s > 0 ? par->hi : par->lo, up = o->up;
    memcpy(p->start, p->best->x, p->m->npar * sizeof(double));
    p->nfits = 0;
    out->offset = NAN;
    out->valid = out->at_limit = false;
    double a = x0, ga = -sqrt(up), dist = sigma * sqrt(up);
    for (;;) {
        if (s * (bound - a) <= 1e-12 * fmax(1.0, fabs(bound))) {
            out->at_limit = out->valid = true; /* the profile stays below up to the bound */
            out->offset = bound - x0;
            break;
        }
        double x = x0 + s * dist;
        if (s * (x - bound) > 0)
            x = bound;
        double q;
        if (p->nfits >= o->max_fits)
            break;
        if (profile_q(p, x, &q, err) < 0)
            return -1;
        double g = gfun(q, up);
        if (g >= 0) {
            double root;
            if (refine(p, up, a, ga, x, g, o->tol * sigma, o->max_fits, &root, err) < 0)
                return -1;
            out->offset = root - x0;
            out->valid = true;
            break;
        }
        a = x;
        ga = g;
        /* step out on the parabola through this point: q = (dx / sigma_eff)^2, at most 4x */
        double grow = q > 1e-12 ? sqrt(up / q) : 4.0;
        dist = fabs(x - x0) * fmin(4.0, fmax(1.2, 1.05 * grow));
    }
    out->nfits = p->nfits;
    return 0;
}

int
hf_minos(const hf_model *m, const hf_data *d, const hf_fit_result *best, size_t j,
         const hf_minos_options *opt, hf_minos_result *out, hf_error *err)
{
    hf_minos_options o = {0};
    if (opt != NULL)
        o = *opt;
    if (!(o.up > 0))
        o.up = 1.0;
    if (!(o.tol > 0))
        o.tol = 1e-4;
    if (o.max_fits <= 0)
        o.max_fits = 40;
    memset(out, 0, sizeof(*out));
    out->par = j;
    out->lower.offset = out->upper.offset = NAN;
    if (best->fixed[j])
        return 0;
    profile p = {.m = m, .d = d, .best = best, .j = j, .cancel = o.cancel};
    p.start = malloc((m->npar + 1) * sizeof(double));
    if (p.start == NULL)
        return hf_error_nomem(err);
    /* the first step: the HESSE error, else the prior width, else a unit step */
    double sigma = best->err != NULL ? best->err[j] : NAN, centre, width;
    if (!(sigma > 0 && isfinite(sigma)))
        sigma = hf_param_prior(&m->par[j], &centre, &width) && width > 0 ? width : 1.0;
    int rc = minos_side(&p, -1, sigma, &o, &out->lower, err);
    if (rc == 0)
        rc = minos_side(&p, +1, sigma, &o, &out->upper, err);
    free(p.start);
    return rc;
}

/* Levenshtein distance of a and b, case-insensitive (two rows). -1 when out of memory. */
static long
edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *prev = malloc((lb + 1) * sizeof(size_t)), *cur = malloc((lb + 1) * sizeof(size_t));
    if (prev == NULL || cur == NULL) {
        free(prev);
        free(cur);
        return -1;
    }
    for (size_t k = 0; k <= lb; k++)
        prev[k] = k;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t k = 1; k <= lb; k++) {
            size_t sub = prev[k - 1] +
                         (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[k - 1]));
            size_t del = prev[k] + 1, ins = cur[k - 1] + 1;
            cur[k] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    long dist = (long)prev[lb];
    free(prev);
    free(cur);
    return dist;
}

/* Whether hay contains needle, ignoring case. */
static bool
contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay != '\0'; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/* A name containing the query (case-insensitively) wins, the shortest first ("sigxsec" finds
 * "SigXsecOverSM"); otherwise the smallest edit distance. */
const char *
hf_minos_nearest(const hf_model *m, const char *name)
{
    const char *best = NULL;
    long bd = -1;
    size_t blen = 0;
    for (size_t j = 0; j < m->npar; j++) {
        const char *cand = m->par[j].name;
        if (contains_nocase(cand, name) && (best == NULL || bd != 0 || strlen(cand) < blen)) {
            best = cand;
            bd = 0;
            blen = strlen(cand);
            continue;
        }
        if (bd == 0)
            continue;
        long dd = edit_distance(name, cand);
        if (dd >= 0 && (bd < 0 || dd < bd)) {
            bd = dd > 0 ? dd : 1;
            best = cand;
        }
    }
    return best;
}

int
hf_minos_select(const hf_model *m, const char *spec, const bool *fixed, bool *sel, hf_error *err)
{
    memset(sel, 0, m->npar * sizeof(bool));
    if (strcmp(spec, "all") == 0) {
        for (size_t j = 0; j < m->npar; j++)
            sel[j] = !fixed[j];
        return 0;
    }
    char *copy = strdup(spec);
    if (copy == NULL)
        return hf_error_nomem(err);
    int rc = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok != NULL && rc == 0;
         tok = strtok_r(NULL, ",", &save)) {
        int j = hf_model_find_par(m, tok);
        if (j >= 0) {
            sel[j] = true;
            continue;
        }
        const char *near = hf_minos_nearest(m, tok);
        rc = near != NULL ? hf_error_set(err, HF_EUSAGE, "",
                                         "no parameter named '%s' (did you mean '%s'?)", tok, near)
                          : hf_error_set(err, HF_EUSAGE, "", "no parameter named '%s'", tok);
    }
    free(copy);
    return rc;
}
