/* core/model/fit_flat.c - flat directions at the minimum: eigenvectors of the Hessian scaled to
 * unit diagonal (a correlation-like matrix, so the threshold does not depend on units) whose
 * eigenvalues are near 0, each named by the parameters that carry most of its weight. */
#include "core/model/fit_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One flat direction from eigenvector column i of the k x k q over parameters par: those holding
 * 90% of its weight (at least two, each further one at least 2%), largest first. */
static int
flat_entry(size_t k, const double *q, size_t i, const size_t *par, double *wt, hf_fit_flat *fl)
{
    fl->par = malloc(k * sizeof(size_t));
    fl->weight = malloc(k * sizeof(double));
    unsigned char *used = calloc(k, 1);
    if (fl->par == NULL || fl->weight == NULL || used == NULL) {
        free(used);
        return -1;
    }
    for (size_t r = 0; r < k; r++)
        wt[r] = q[r * k + i] * q[r * k + i];
    double sum = 0;
    fl->n = 0;
    while (fl->n < k && (sum < 0.9 || fl->n < 2)) {
        size_t top = k;
        for (size_t r = 0; r < k; r++)
            if (!used[r] && (top == k || wt[r] > wt[top]))
                top = r;
        if (fl->n >= 2 && wt[top] < 0.02)
            break;
        used[top] = 1;
        fl->par[fl->n] = par[top];
        fl->weight[fl->n++] = wt[top];
        sum += wt[top];
    }
    free(used);
    return 0;
}

/* The flat directions of the minimum are the eigenvectors of S = D^-1 H D^-1 (D = sqrt(diag H))
 * with eigenvalues below HF_FIT_FLAT_EIGENVALUE. An eigen-decomposition of S costs seconds at 600
 * parameters, so it is screened: a parameter with weight w in such a direction has a variance
 * inflation (S^-1)_jj >= w / lambda, so only parameters with (S^-1)_jj = H_jj cov_jj above
 * 0.02 / HF_FIT_FLAT_EIGENVALUE can carry weight; the largest eigenvalues mu of the block of
 * S^-1 = D cov D over them give the directions, with lambda = 1 / mu (exact when the direction
 * lies in the block, an upper bound on lambda otherwise). */
enum { FLAT_MAX = 150 };

int
hf_fit_flat_find(fitctx *c, hf_fit_result *res)
{
    size_t nf = c->nf, n = c->n, k = 0;
    if (res->cov == NULL || nf == 0)
        return 0;
    size_t *par = malloc(nf * sizeof(size_t));
    double *sd = malloc(nf * sizeof(double));
    if (par == NULL || sd == NULL) {
        free(par);
        free(sd);
        return -1;
    }
    /* the screen, then at most FLAT_MAX of them, largest inflation first (the eigensolver's cost
     * grows as the cube); sd holds the inflation while sorting */
    for (size_t a = 0; a < nf; a++) {
        size_t j = c->free_idx[a];
        double h = c->H[a * nf + a], v = res->cov[j * n + j];
        if (c->inact[a] || !(h > 0) || !(h * v > 0.02 / HF_FIT_FLAT_EIGENVALUE))
            continue;
        par[k] = j;
        sd[k++] = h * v;
    }
    for (size_t i = 1; i < k; i++) /* insertion sort, descending: k is small in practice */
        for (size_t t = i; t > 0 && sd[t] > sd[t - 1]; t--) {
            double tv = sd[t];
            size_t tp = par[t];
            sd[t] = sd[t - 1];
            par[t] = par[t - 1];
            sd[t - 1] = tv;
            par[t - 1] = tp;
        }
    k = k < FLAT_MAX ? k : FLAT_MAX;
    for (size_t r = 0; r < k; r++) {
        size_t a = 0;
        while (c->free_idx[a] != par[r])
            a++;
        sd[r] = sqrt(c->H[a * nf + a]);
    }
    double *A = malloc((k * k + 1) * sizeof(double)), *q = malloc((k * k + 1) * sizeof(double));
    double *mu = malloc((k + 1) * sizeof(double)), *wt = malloc((k + 1) * sizeof(double));
    int rc = A && q && mu && wt ? 0 : -1;
    for (size_t r = 0; rc == 0 && r < k; r++)
        for (size_t t = 0; t < k; t++)
            A[r * k + t] = res->cov[par[r] * n + par[t]] * sd[r] * sd[t];
    if (rc == 0 && k > 0)
        rc = hf_fit_eigen(k, A, mu, q);
    for (size_t i = k; rc == 0 && i-- > 0 && mu[i] * HF_FIT_FLAT_EIGENVALUE > 1.0;) {
        hf_fit_flat *f = realloc(res->flat, (res->nflat + 1) * sizeof(*f));
        if (f == NULL) {
            rc = -1;
            break;
        }
        res->flat = f;
        hf_fit_flat *fl = &res->flat[res->nflat++];
        *fl = (hf_fit_flat){.eigenvalue = 1.0 / mu[i]};
        rc = flat_entry(k, q, i, par, wt, fl);
    }
    free(par);
    free(sd);
    free(A);
    free(q);
    free(mu);
    free(wt);
    return rc;
}

void
hf_fit_flat_describe(const hf_model *m, const hf_fit_flat *fl, char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < fl->n && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == fl->n ? " and " : ", ";
        int w = snprintf(buf + used, size - used, "%s%s", sep, m->par[fl->par[i]].name);
        used += w > 0 ? (size_t)w : 0;
    }
    if (used < size)
        snprintf(buf + used, size - used, " %s (eigenvalue %.1g)",
                 fl->n == 1 ? "is not determined" : "are determined only in combination",
                 fl->eigenvalue);
}
