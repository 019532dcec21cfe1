/* core/model/fit_schur.c - Newton steps and the covariance through a Schur complement.
 *
 * A free parameter that acts on exactly one main bin, through a per-bin factor (the gamma of a
 * staterror, shapesys or shapefactor bin), couples in the Hessian only with parameters acting on
 * that bin (the constraints are one per parameter). Grouping these "local" parameters by their
 * bin makes the Hessian a block arrow:
 *
 *   H = [ A  B ]   A block diagonal (one small block per bin: its gammas), C dense (the shared
 *       [ B' C ]   parameters), B sparse (a block's rows are nonzero only for the shared
 *                  parameters acting on its bin).
 *
 * (H + l I) p = -g is solved by eliminating the local blocks: with A_b = L_b L_b' (Cholesky of
 * each small block) and W_b = L_b^-1 B_b, the Schur complement is S = C - sum_b W_b' W_b, then
 * S pS = -gS + sum_b W_b' L_b^-1 g_b and p_b = A_b^-1 (-g_b - B_b pS). H + l I is positive definite
 * exactly when every A_b + l I and S are (Golub & Van Loan, Matrix Computations, 4th ed., 4.2.8;
 * Haynsworth inertia additivity), so the damping loop of the dense solve carries over. The
 * inverse follows by blocks: cov_SS = S^-1, cov_LS = -A^-1 B S^-1, cov_LL = A^-1 + A^-1 B S^-1
 * B'A^-1. On atlas_susy_3Lresonance_2020 (581 free parameters) the dense factorisation shrinks to
 * the shared parameters. */
#include "core/model/fit_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/linalg.h"

#define NONE SIZE_MAX

/* Mark parameter j as touching bin b; multi[j] once it touches two. */
static void
touch(size_t *bin, unsigned char *multi, size_t j, size_t b)
{
    if (bin[j] == NONE)
        bin[j] = b;
    else if (bin[j] != b)
        multi[j] = 1;
}

/* The main bin of each parameter (NONE: none or several), from the model's terms. */
static void
param_bins(const hf_model *m, size_t *bin, unsigned char *multi)
{
    unsigned perbin =
        (1u << HF_MOD_STATERROR) | (1u << HF_MOD_SHAPESYS) | (1u << HF_MOD_SHAPEFACTOR);
    for (size_t j = 0; j < m->npar; j++)
        bin[j] = NONE;
    for (size_t i = 0; i < m->ncs; i++) {
        const hf_cs *e = &m->cs[i];
        for (size_t t = 0; t < e->nterm; t++) {
            const hf_term *T = &m->term[e->term0 + t];
            int pb = t >= e->nscal && t < e->nscal + e->nbinf && ((1u << T->type) & perbin);
            for (size_t b = 0; b < e->nbins; b++)
                touch(bin, multi, pb ? T->par + b : T->par, e->off + b);
        }
    }
    for (size_t j = 0; j < m->npar; j++)
        if (multi[j] || (m->par[j].types & ~perbin))
            bin[j] = NONE;
}

/* Groups: the local free positions by bin (counting sort), into c->glist / c->gstart. */
static int
make_groups(fitctx *c, const size_t *bin)
{
    size_t nb = c->m->nbins, nf = c->nf;
    size_t *count = calloc(nb + 1, sizeof(size_t));
    c->gstart = malloc((nb + 2) * sizeof(size_t));
    c->glist = malloc((c->nloc + 1) * sizeof(size_t));
    if (count == NULL || c->gstart == NULL || c->glist == NULL) {
        free(count);
        return -1;
    }
    for (size_t a = 0; a < nf; a++)
        if (c->loc[a])
            count[bin[c->free_idx[a]]]++;
    c->ngroup = 0;
    c->gmax = 0;
    size_t pos = 0;
    for (size_t b = 0; b < nb; b++) {
        if (count[b] == 0)
            continue;
        c->gstart[c->ngroup++] = pos;
        if (count[b] > c->gmax)
            c->gmax = count[b];
        size_t here = pos;
        for (size_t a = 0; a < nf; a++)
            if (c->loc[a] && bin[c->free_idx[a]] == b)
                c->glist[here++] = a;
        pos = here;
    }
    c->gstart[c->ngroup] = pos;
    free(count);
    return 0;
}

/* Whether elimination pays: its cost per factorisation, sum over bins of m_b q_b^2 (m_b local
 * and q_b shared free parameters acting on bin b) plus k^3/3 for the Schur complement, against
 * nf^3/3 for the dense matrix, and the exact Hessian it needs at every step (BFGS updates fill
 * the local block) against the dense path's BFGS. Counted from the model's structure. */
static int
pays(fitctx *c, const size_t *bin)
{
    const hf_model *m = c->m;
    size_t n = c->n, nf = c->nf, k = nf - c->nloc;
    size_t *fpos = malloc((n + 1) * sizeof(size_t)), *stamp = malloc((n + 1) * sizeof(size_t));
    size_t *mloc = calloc(m->nbins + 1, sizeof(size_t));
    if (fpos == NULL || stamp == NULL || mloc == NULL) {
        free(fpos);
        free(stamp);
        free(mloc);
        return 0;
    }
    for (size_t j = 0; j < n; j++)
        fpos[j] = stamp[j] = NONE;
    for (size_t a = 0; a < nf; a++) {
        fpos[c->free_idx[a]] = a;
        if (c->loc[a])
            mloc[bin[c->free_idx[a]]]++;
    }
    unsigned perbin =
        (1u << HF_MOD_STATERROR) | (1u << HF_MOD_SHAPESYS) | (1u << HF_MOD_SHAPEFACTOR);
    double cost = (double)k * (double)k * (double)k / 3.0;
    for (size_t b = 0; b < m->nbins; b++) {
        double q = 0;
        for (size_t i = 0; i < m->ncs; i++) {
            const hf_cs *e = &m->cs[i];
            if (b < e->off || b >= e->off + e->nbins)
                continue;
            for (size_t t = 0; t < e->nterm; t++) {
                const hf_term *T = &m->term[e->term0 + t];
                int pb = t >= e->nscal && t < e->nscal + e->nbinf && ((1u << T->type) & perbin);
                size_t j = pb ? T->par + (b - e->off) : T->par;
                if (fpos[j] != NONE && !c->loc[fpos[j]] && stamp[j] != b) {
                    stamp[j] = b;
                    q++;
                }
            }
        }
        cost += (double)mloc[b] * q * q;
    }
    free(fpos);
    free(stamp);
    free(mloc);
    return cost < 0.25 * (double)nf * (double)nf * (double)nf / 3.0;
}

int
hf_fit_schur_setup(fitctx *c)
{
    const hf_model *m = c->m;
    size_t n = c->n, nf = c->nf;
    size_t *bin = malloc((n + 1) * sizeof(size_t));
    unsigned char *multi = calloc(n + 1, 1);
    c->loc = calloc(nf + 1, 1);
    c->spos = malloc((nf + 1) * sizeof(size_t));
    int rc = bin && multi && c->loc && c->spos ? 0 : -1;
    if (rc == 0) {
        param_bins(m, bin, multi);
        c->nloc = 0;
        for (size_t a = 0; a < nf; a++)
            if (bin[c->free_idx[a]] != NONE) {
                c->loc[a] = 1;
                c->nloc++;
            }
        /* worth it only when the eliminated block is a real part of a matrix that is not small
         * (below 128 a dense factorisation costs less than the exact Hessian the elimination
         * needs at every step instead of BFGS updates) */
        if (nf < 128 || c->nloc < 16 || 4 * c->nloc < nf || !pays(c, bin))
            c->nloc = 0;
        else
            rc = make_groups(c, bin);
    }
    free(bin);
    free(multi);
    if (rc < 0 || c->nloc == 0)
        return rc;
    size_t ns = nf - c->nloc, g = c->gmax;
    c->sidx = malloc((ns + 1) * sizeof(size_t));
    c->schur = malloc((ns * ns + 1) * sizeof(double));
    c->srhs = malloc((ns + 1) * sizeof(double));
    c->cols = malloc((ns + 1) * sizeof(size_t));
    c->gA = malloc((g * g + 1) * sizeof(double));
    c->gW = malloc((g * (ns + 1) + 1) * sizeof(double));
    c->gz = malloc((g + 1) * sizeof(double));
    c->smem = malloc((g + 1) * sizeof(size_t));
    return c->sidx && c->schur && c->srhs && c->cols && c->gA && c->gW && c->gz && c->smem ? 0 : -1;
}

/* The shared parameters not held (all of them when inact is NULL) in order: c->sidx, c->spos. */
static size_t
shared_list(fitctx *c, const unsigned char *inact)
{
    size_t k = 0;
    for (size_t a = 0; a < c->nf; a++) {
        c->spos[a] = NONE;
        if (!c->loc[a] && (inact == NULL || !inact[a])) {
            c->spos[a] = k;
            c->sidx[k++] = a;
        }
    }
    return k;
}

/* Forward substitution L y = b in place for the m x m factor l (row-major). */
static void
lower_solve(size_t m, const double *l, double *y, size_t stride)
{
    for (size_t i = 0; i < m; i++) {
        double s = y[i * stride];
        for (size_t t = 0; t < i; t++)
            s -= l[i * m + t] * y[t * stride];
        y[i * stride] = s / l[i * m + i];
    }
}

/* Group grp (its members held by inact are skipped): its block A + l I factored into c->gA, the
 * shared columns acting on its bin into c->cols (ascending), B restricted to them into c->gW
 * (m x q). Returns q, or NONE when the block is not positive definite; *mout = members kept. */
static size_t
group_load(fitctx *c, const double *H, const unsigned char *inact, size_t grp, double lambda,
           size_t k, size_t *mem, size_t *mout)
{
    size_t nf = c->nf, m = 0;
    for (size_t u = c->gstart[grp]; u < c->gstart[grp + 1]; u++)
        if (inact == NULL || !inact[c->glist[u]])
            mem[m++] = c->glist[u];
    *mout = m;
    if (m == 0)
        return 0;
    for (size_t i = 0; i < m; i++) {
        for (size_t t = 0; t < m; t++)
            c->gA[i * m + t] = H[mem[i] * nf + mem[t]];
        c->gA[i * m + i] += lambda;
    }
    if (hf_chol_decomp(m, c->gA) != 0)
        return NONE;
    size_t q = 0;
    for (size_t r = 0; r < k; r++) {
        size_t col = c->sidx[r];
        int nz = 0;
        for (size_t i = 0; i < m && !nz; i++)
            nz = H[mem[i] * nf + col] != 0.0;
        if (nz)
            c->cols[q++] = r;
    }
    for (size_t i = 0; i < m; i++)
        for (size_t u = 0; u < q; u++)
            c->gW[i * q + u] = H[mem[i] * nf + c->sidx[c->cols[u]]];
    return q;
}

/* S = C + l I - B'(A + l I)^-1 B into c->schur (lower triangle), and with g the right-hand side
 * -gS + B'(A + l I)^-1 gL into c->srhs. 1 when a local block is not positive definite. */
static int
schur_form(fitctx *c, const double *H, const double *g, const unsigned char *inact, double lambda,
           size_t k, size_t *mem)
{
    size_t nf = c->nf;
    double *S = c->schur;
    for (size_t r = 0; r < k; r++) {
        const double *hr = H + c->sidx[r] * nf;
        for (size_t t = 0; t <= r; t++)
            S[r * k + t] = hr[c->sidx[t]];
        S[r * k + r] += lambda;
        if (g != NULL)
            c->srhs[r] = -g[c->sidx[r]];
    }
    for (size_t grp = 0; grp < c->ngroup; grp++) {
        size_t m, q = group_load(c, H, inact, grp, lambda, k, mem, &m);
        if (q == NONE)
            return 1;
        if (m == 0 || q == 0)
            continue;
        double *W = c->gW;
        for (size_t u = 0; u < q; u++) /* W = L^-1 B, column by column */
            lower_solve(m, c->gA, W + u, q);
        for (size_t u = 0; u < q; u++) {
            double *Sr = S + c->cols[u] * k;
            for (size_t v = 0; v <= u; v++) {
                double s = 0;
                for (size_t i = 0; i < m; i++)
                    s += W[i * q + u] * W[i * q + v];
                Sr[c->cols[v]] -= s;
            }
        }
        if (g == NULL)
            continue;
        for (size_t i = 0; i < m; i++)
            c->gz[i] = g[mem[i]];
        lower_solve(m, c->gA, c->gz, 1);
        for (size_t u = 0; u < q; u++) {
            double s = 0;
            for (size_t i = 0; i < m; i++)
                s += W[i * q + u] * c->gz[i];
            c->srhs[c->cols[u]] += s;
        }
    }
    return 0;
}

/* Back substitution: the local steps of every group from the shared step in c->srhs. */
static void
local_steps(fitctx *c, const double *H, const double *g, const unsigned char *inact, double lambda,
            size_t k, size_t *mem, double *p)
{
    size_t nf = c->nf;
    for (size_t grp = 0; grp < c->ngroup; grp++) {
        size_t m, q = group_load(c, H, inact, grp, lambda, k, mem, &m);
        if (m == 0 || q == NONE)
            continue;
        for (size_t i = 0; i < m; i++) {
            double s = -g[mem[i]];
            for (size_t u = 0; u < q; u++)
                s -= c->gW[i * q + u] * c->srhs[c->cols[u]];
            c->gz[i] = s;
        }
        hf_chol_solve(m, c->gA, c->gz);
        for (size_t i = 0; i < m; i++)
            p[mem[i]] = c->gz[i];
    }
    (void)nf;
}

int
hf_fit_schur_solve(fitctx *c, const double *H, const double *g, const unsigned char *inact,
                   double lambda, double *p, double *edm)
{
    size_t nf = c->nf, k = shared_list(c, inact);
    size_t *mem = c->smem; /* made at setup: a Newton step allocates nothing */
    if (schur_form(c, H, g, inact, lambda, k, mem) != 0 || hf_chol_decomp(k, c->schur) != 0)
        return 1;
    hf_chol_solve(k, c->schur, c->srhs);
    for (size_t a = 0; a < nf; a++)
        p[a] = inact[a] ? 0.0 : !c->loc[a] ? c->srhs[c->spos[a]] : 0.0;
    local_steps(c, H, g, inact, lambda, k, mem, p);
    double e = 0;
    for (size_t a = 0; a < nf; a++)
        e -= 0.5 * g[a] * p[a];
    *edm = e;
    return 0;
}

/* Per group: X = A_b^-1 B_b (m x q, stored with its columns) and Y = -X S^-1 (m x k). */
typedef struct gblock {
    size_t m, q, xoff, coff, yrow; /* members, columns, offsets into X, cols, Y rows */
} gblock;

static int
schur_blocks(fitctx *c, const double *H, const double *Sinv, size_t k, double *cov)
{
    size_t n = c->n, nl = c->nloc, G = c->ngroup;
    gblock *gb = malloc((G + 1) * sizeof(*gb));
    size_t *mem = malloc((nl + 1) * sizeof(size_t)), *cl = malloc((nl * k + 1) * sizeof(size_t));
    double *X = malloc((nl * k + 1) * sizeof(double)), *Y = malloc((nl * k + 1) * sizeof(double));
    double *Ainv = malloc((nl * c->gmax + 1) * sizeof(double));
    int rc = gb && mem && cl && X && Y && Ainv ? 0 : -1;
    size_t xo = 0, row = 0;
    for (size_t grp = 0; rc == 0 && grp < G; grp++) {
        size_t m, q = group_load(c, H, NULL, grp, 0.0, k, mem + row, &m);
        if (q == NONE) {
            rc = 1;
            break;
        }
        gb[grp] = (gblock){m, q, xo, xo, row};
        hf_chol_invert(m, c->gA, Ainv + row * c->gmax);
        for (size_t u = 0; u < q; u++) { /* X = A^-1 B through the factor */
            for (size_t i = 0; i < m; i++)
                c->gz[i] = c->gW[i * q + u];
            hf_chol_solve(m, c->gA, c->gz);
            for (size_t i = 0; i < m; i++)
                X[xo + i * q + u] = c->gz[i];
            cl[xo + u] = c->cols[u];
        }
        for (size_t i = 0; i < m; i++) {
            double *y = Y + (row + i) * k;
            memset(y, 0, k * sizeof(double));
            for (size_t u = 0; u < q; u++) {
                double x = X[xo + i * q + u];
                const double *srow = Sinv + cl[xo + u] * k;
                for (size_t t = 0; t < k; t++)
                    y[t] -= x * srow[t];
            }
        }
        xo += m * q;
        row += m;
    }
    for (size_t g1 = 0; rc == 0 && g1 < G; g1++) {
        const gblock *b1 = &gb[g1];
        for (size_t i = 0; i < b1->m; i++) {
            size_t ji = c->free_idx[mem[b1->yrow + i]];
            const double *yi = Y + (b1->yrow + i) * k;
            for (size_t t = 0; t < k; t++) {
                size_t js = c->free_idx[c->sidx[t]];
                cov[ji * n + js] = cov[js * n + ji] = yi[t];
            }
            /* cov_LL (i in b1, j in any group): delta A^-1 - X_i . Y_j over b1's columns */
            for (size_t r = 0; r < nl; r++) {
                double s = 0;
                for (size_t u = 0; u < b1->q; u++)
                    s -= X[b1->xoff + i * b1->q + u] * Y[r * k + cl[b1->coff + u]];
                if (r >= b1->yrow && r < b1->yrow + b1->m)
                    s += Ainv[b1->yrow * c->gmax + i * b1->m + (r - b1->yrow)];
                cov[ji * n + c->free_idx[mem[r]]] = s;
            }
        }
    }
    free(gb);
    free(mem);
    free(cl);
    free(X);
    free(Y);
    free(Ainv);
    return rc;
}

int
hf_fit_schur_covariance(fitctx *c, const double *H, double *cov)
{
    size_t n = c->n, k = shared_list(c, NULL);
    size_t *mem = malloc((c->gmax + 1) * sizeof(size_t));
    if (mem == NULL)
        return -1;
    int st = schur_form(c, H, NULL, NULL, 0.0, k, mem) != 0 || hf_chol_decomp(k, c->schur) != 0;
    free(mem);
    if (st)
        return 1;
    double *Sinv = malloc((k * k + 1) * sizeof(double));
    if (Sinv == NULL)
        return -1;
    hf_chol_invert(k, c->schur, Sinv);
    for (size_t r = 0; r < k; r++)
        for (size_t t = 0; t < k; t++)
            cov[c->free_idx[c->sidx[r]] * n + c->free_idx[c->sidx[t]]] = Sinv[r * k + t];
    int rc = schur_blocks(c, H, Sinv, k, cov);
    free(Sinv);
    return rc;
}
