/* core/infer/scan.c - profile likelihood scans (Wilks: -2 delta ln L ~ chi2, so 1D intervals at 1
 * and chi2_1^-1(0.95) = 3.84; Cowan, Cranmer, Gross, Vitells, EPJC 71 (2011) 1554, sec. 2). Points
 * are split into contiguous chunks, one per thread; inside a chunk each fit starts from the
 * previous point (warm start), the first from the global best fit. */
#include "core/infer/scan.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/infer/infer.h"
#include "core/model/fit.h"

typedef struct sctx {
    const hf_model *m;
    const hf_data *d;
    const hf_scan_options *o;
    hf_scan_result *r;
    const double *best_x;
    double *tnll; /* per point */
    bool *fixed2; /* model fixed mask plus par2 (2D) */
    size_t rows;  /* 1D: n points; 2D: n rows of n2 */
    size_t row0, row1;
    hf_error err;
    int failed;
    bool threaded;
} sctx;

/* One fit at grid point x (par2, in 2D, is fixed by the mask at its value in init) from init
 * with at most max_iter steps. Returns -1 on a hard
 * error (memory, cancellation: c->err set), else 0 with *ok, *tnll and xout filled. */
static int
point_fit(sctx *c, const double *init, double x, int max_iter, bool *ok, double *tnll, double *xout)
{
    const hf_scan_options *o = c->o;
    hf_fit_options fo;
    memset(&fo, 0, sizeof(fo));
    if (c->r->n2)
        fo.fixed = c->fixed2;
    fo.init = init;
    fo.fix_index = o->par;
    fo.fix_value = x;
    fo.no_errors = true;
    fo.cancel = o->cancel;
    fo.max_iter = max_iter;
    hf_fit_result fr;
    memset(&fr, 0, sizeof(fr));
    if (hf_fit(c->m, c->d, &fo, &fr, &c->err) < 0) {
        c->failed = 1;
        return -1;
    }
    *ok = fr.converged && isfinite(fr.twice_nll);
    *tnll = *ok ? fr.twice_nll : NAN;
    if (*ok)
        memcpy(xout, fr.x, c->m->npar * sizeof(double));
    hf_fit_result_release(&fr);
    return 0;
}

static void *
chunk(void *arg)
{
    sctx *c = arg;
    const hf_model *m = c->m;
    const hf_scan_options *o = c->o;
    hf_scan_result *r = c->r;
    size_t np = m->npar;
    double *start = malloc(np * sizeof(double));
    double *init2 = malloc(np * sizeof(double));
    double *xa = malloc(np * sizeof(double));
    double *xb = malloc(np * sizeof(double));
    if (start == NULL || init2 == NULL || xa == NULL || xb == NULL) {
        hf_error_nomem(&c->err);
        c->failed = 1;
        goto out;
    }
    memcpy(start, c->best_x, np * sizeof(double));
    size_t ncol = r->n2 ? r->n2 : 1;
    for (size_t i = c->row0; i < c->row1 && !c->failed; i++) {
        for (size_t jj = 0; jj < ncol && !c->failed; jj++) {
            /* serpentine order in 2D: neighbours stay neighbours for the warm start */
            size_t j = (i - c->row0) % 2 == 0 ? jj : ncol - 1 - jj;
            size_t k = i * ncol + j;
            double y = r->n2 ? r->y[j] : 0.0;
            start[o->par] = r->x[i];
            if (r->n2)
                start[o->par2] = y;
            /* the warm start, and unless single_start the suggested init too when the segment
             * between the two is not convex: a profile can have two valleys, and following one
             * branch along the grid misses the other (see infer.c, hf_infer_second_start) */
            bool oka = false, okb = false;
            double ta = NAN, tb = NAN;
            if (point_fit(c, start, r->x[i], o->single_start ? 1000 : 150, &oka, &ta, xa) < 0)
                break;
            memcpy(init2, m->init, np * sizeof(double));
            init2[o->par] = r->x[i];
            if (r->n2)
                init2[o->par2] = y;
            int second = !oka ? 1 : o->single_start ? 0 : hf_infer_second_start(m, c->d, xa, init2);
            if (second < 0) {
                hf_error_nomem(&c->err);
                c->failed = 1;
                break;
            }
            if (second && point_fit(c, init2, r->x[i], 1000, &okb, &tb, xb) < 0)
                break;
            bool useb = okb && (!oka || tb < ta);
            r->ok[k] = oka || okb;
            c->tnll[k] = useb ? tb : ta;
            if (r->ok[k])
                memcpy(start, useb ? xb : xa, np * sizeof(double));
        }
    }
out:
    free(start);
    free(init2);
    free(xa);
    free(xb);
    return NULL;
}

/* See scan.h. */
int
hf_scan_compute(const hf_model *m, const hf_data *d0, const hf_scan_options *opt,
                hf_scan_result *res, hf_error *err)
{
    memset(res, 0, sizeof(*res));
    const hf_scan_options *o = opt;
    bool two = o->par2 >= 0;
    if (o->par < 0 || (size_t)o->par >= m->npar || (two && (size_t)o->par2 >= m->npar))
        return hf_error_set(err, HF_EUSAGE, "", "scan: parameter index out of range");
    if (two && o->par2 == o->par)
        return hf_error_set(err, HF_EUSAGE, "", "scan: the two parameters are the same");
    if (o->n < 2 || (two && o->n2 < 2))
        return hf_error_set(err, HF_EUSAGE, "", "scan: need at least 2 points per parameter");
    hf_data d = d0 != NULL ? *d0 : hf_model_data(m);
    size_t ncol = two ? o->n2 : 1, npts = o->n * ncol;
    res->n = o->n;
    res->n2 = two ? o->n2 : 0;
    res->x = malloc(o->n * sizeof(double));
    res->y = two ? malloc(o->n2 * sizeof(double)) : NULL;
    res->dnll2 = malloc(npts * sizeof(double));
    res->ok = calloc(npts, sizeof(bool));
    int threads = o->threads > 1 ? o->threads : 1;
    if ((size_t)threads > o->n)
        threads = (int)o->n;
    sctx *c = calloc((size_t)threads, sizeof(*c));
    pthread_t *tid = calloc((size_t)threads, sizeof(*tid));
    double *tnll = malloc(npts * sizeof(double));
    bool *fixed2 = two ? malloc(m->npar * sizeof(bool)) : NULL;
    hf_fit_result best;
    memset(&best, 0, sizeof(best));
    int rc = -1;
    if (res->x == NULL || (two && res->y == NULL) || res->dnll2 == NULL || res->ok == NULL ||
        c == NULL || tid == NULL || tnll == NULL || (two && fixed2 == NULL)) {
        hf_error_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < o->n; i++)
        res->x[i] = o->lo + (o->hi - o->lo) * (double)i / (double)(o->n - 1);
    for (size_t j = 0; two && j < o->n2; j++)
        res->y[j] = o->lo2 + (o->hi2 - o->lo2) * (double)j / (double)(o->n2 - 1);
    if (two) {
        memcpy(fixed2, m->fixed, m->npar * sizeof(bool));
        fixed2[o->par2] = true;
    }
    hf_fit_options fo;
    memset(&fo, 0, sizeof(fo));
    fo.fix_index = -1;
    fo.no_errors = true;
    fo.cancel = o->cancel;
    if (hf_fit(m, &d, &fo, &best, err) < 0)
        goto out;
    if (!best.converged) {
        hf_error_set(err, HF_EFIT, "", "the unconditional fit did not converge: %s",
                     best.message != NULL ? best.message : "unknown reason");
        goto out;
    }
    for (int t = 0; t < threads; t++)
        c[t] = (sctx){m,
                      &d,
                      o,
                      res,
                      best.x,
                      tnll,
                      fixed2,
                      o->n,
                      o->n * (size_t)t / (size_t)threads,
                      o->n * (size_t)(t + 1) / (size_t)threads,
                      {0},
                      0,
                      false};
    for (int t = 1; t < threads; t++)
        c[t].threaded = pthread_create(&tid[t], NULL, chunk, &c[t]) == 0;
    chunk(&c[0]);
    for (int t = 1; t < threads; t++) {
        if (c[t].threaded)
            pthread_join(tid[t], NULL);
        else
            chunk(&c[t]); /* no thread: run the chunk here */
    }
    for (int t = 0; t < threads; t++)
        if (c[t].failed) {
            hf_error_set(err, c[t].err.code, "", "%s", hf_error_msg(&c[t].err));
            goto out;
        }
    /* the global minimum: the free fit, or a grid point if it found a lower one */
    res->twice_nll_min = best.twice_nll;
    res->best[0] = best.x[o->par];
    res->best[1] = two ? best.x[o->par2] : NAN;
    for (size_t k = 0; k < npts; k++)
        if (res->ok[k] && tnll[k] < res->twice_nll_min) {
            res->twice_nll_min = tnll[k];
            res->best[0] = res->x[k / ncol];
            if (two)
                res->best[1] = res->y[k % ncol];
        }
    for (size_t k = 0; k < npts; k++)
        res->dnll2[k] = res->ok[k] ? tnll[k] - res->twice_nll_min : NAN;
    if (!two) {
        hf_scan_crossings(res->x, res->dnll2, res->n, 1.0, res->int68);
        hf_scan_crossings(res->x, res->dnll2, res->n, gsl_cdf_chisq_Pinv(0.95, 1.0), res->int95);
    } else {
        res->int68[0] = res->int68[1] = res->int95[0] = res->int95[1] = NAN;
    }
    rc = 0;
out:
    for (int t = 0; c != NULL && t < threads; t++)
        hf_error_release(&c[t].err);
    if (rc < 0)
        hf_scan_result_release(res);
    hf_fit_result_release(&best);
    free(c);
    free(tid);
    free(tnll);
    free(fixed2);
    return rc;
}

/* Crossing of level between points a (dnll2 >= level) and b (below), linear in sqrt(dnll2). */
static double
cross(double xa, double da, double xb, double db, double level)
{
    double sa = sqrt(da), sb = sqrt(db > 0.0 ? db : 0.0), s = sqrt(level);
    if (sa == sb)
        return xa;
    return xb + (xa - xb) * (s - sb) / (sa - sb);
}

/* See scan.h. */
void
hf_scan_crossings(const double *x, const double *dnll2, size_t n, double level, double out[2])
{
    out[0] = out[1] = NAN;
    size_t imin = n;
    for (size_t i = 0; i < n; i++)
        if (!isnan(dnll2[i]) && (imin == n || dnll2[i] < dnll2[imin]))
            imin = i;
    if (imin == n || dnll2[imin] >= level)
        return;
    size_t b = imin;
    for (size_t i = imin; i-- > 0;) {
        if (isnan(dnll2[i]))
            continue;
        if (dnll2[i] >= level) {
            out[0] = cross(x[i], dnll2[i], x[b], dnll2[b], level);
            break;
        }
        b = i;
    }
    b = imin;
    for (size_t i = imin + 1; i < n; i++) {
        if (isnan(dnll2[i]))
            continue;
        if (dnll2[i] >= level) {
            out[1] = cross(x[i], dnll2[i], x[b], dnll2[b], level);
            break;
        }
        b = i;
    }
}

void
hf_scan_result_release(hf_scan_result *res)
{
    if (res == NULL)
        return;
    free(res->x);
    free(res->y);
    free(res->dnll2);
    free(res->ok);
    memset(res, 0, sizeof(*res));
}
