/* core/model/linalg.c - Cholesky-Banachiewicz (row by row, inner products over contiguous rows),
 * triangular solves, and the inverse as L^-T L^-1 (Golub & Van Loan, Matrix Computations,
 * 4th ed., sections 4.2 and 3.1). */
#include "core/model/linalg.h"

#include <math.h>
#include <string.h>

#include "core/model/vec2.h"

/* x . y over n entries with four partial sums (lets the compiler keep four FMA chains busy). */
static inline double
dot(const double *x, const double *y, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        s0 += x[k] * y[k];
        s1 += x[k + 1] * y[k + 1];
        s2 += x[k + 2] * y[k + 2];
        s3 += x[k + 3] * y[k + 3];
    }
    for (; k < n; k++)
        s0 += x[k] * y[k];
    return (s0 + s1) + (s2 + s3);
}

/* s[r] = x . y_r and t[r] = z . y_r over the first len entries, for four rows y_0..y_3: a tile
 * of two rows (x, z) of L against four, so every load serves two or four multiply-adds. */
static inline void
dot2x4(const double *x, const double *z, const double *const y[4], size_t len, double s[4],
       double t[4])
{
    v2d a0 = {0, 0}, a1 = {0, 0}, a2 = {0, 0}, a3 = {0, 0};
    v2d b0 = {0, 0}, b1 = {0, 0}, b2 = {0, 0}, b3 = {0, 0};
    size_t k = 0;
    for (; k + 2 <= len; k += 2) {
        v2d xv = load2(x + k), zv = load2(z + k);
        v2d y0 = load2(y[0] + k), y1 = load2(y[1] + k);
        v2d y2 = load2(y[2] + k), y3 = load2(y[3] + k);
        a0 += xv * y0;
        a1 += xv * y1;
        a2 += xv * y2;
        a3 += xv * y3;
        b0 += zv * y0;
        b1 += zv * y1;
        b2 += zv * y2;
        b3 += zv * y3;
    }
    s[0] = a0[0] + a0[1];
    s[1] = a1[0] + a1[1];
    s[2] = a2[0] + a2[1];
    s[3] = a3[0] + a3[1];
    t[0] = b0[0] + b0[1];
    t[1] = b1[0] + b1[1];
    t[2] = b2[0] + b2[1];
    t[3] = b3[0] + b3[1];
    for (; k < len; k++)
        for (int r = 0; r < 4; r++) {
            s[r] += x[k] * y[r][k];
            t[r] += z[k] * y[r][k];
        }
}

/* Columns j..j+3 of row ri of L from the inner products s over the columns before j: the small
 * triangle among the four, in order. */
static inline void
tri4(double *ri, const double *const y[4], size_t j, const double s[4])
{
    double l0 = (ri[j] - s[0]) / y[0][j];
    double l1 = (ri[j + 1] - s[1] - l0 * y[1][j]) / y[1][j + 1];
    double l2 = (ri[j + 2] - s[2] - l0 * y[2][j] - l1 * y[2][j + 1]) / y[2][j + 2];
    double l3 =
        (ri[j + 3] - s[3] - l0 * y[3][j] - l1 * y[3][j + 1] - l2 * y[3][j + 2]) / y[3][j + 3];
    ri[j] = l0;
    ri[j + 1] = l1;
    ri[j + 2] = l2;
    ri[j + 3] = l3;
}

/* Row i of L from column j on, one column at a time (the diagonal last). -1 when the pivot is
 * not positive; the pivot's value (the Schur complement of the leading i x i block) is then left
 * on the diagonal. */
static inline int
chol_row_tail(double *a, size_t n, size_t i, size_t j)
{
    double *ri = a + i * n;
    for (; j <= i; j++) {
        const double *rj = a + j * n;
        double s = ri[j] - dot(ri, rj, j);
        if (i == j) {
            ri[i] = s;
            if (!(s > 0.0))
                return -1;
            ri[i] = sqrt(s);
        } else {
            ri[j] = s / rj[j];
        }
    }
    return 0;
}

/* Banachiewicz order, two rows at a time: rows i and i + 1 need the same finished rows j < i,
 * so their columns below i are computed together in 2 x 4 tiles; then each row's tail. Returns
 * n, or the row whose pivot was not positive. */
static size_t
decomp(size_t n, double *a)
{
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        double *ri = a + i * n, *rz = ri + n;
        size_t j = 0;
        for (; j + 4 <= i; j += 4) {
            const double *const y[4] = {a + j * n, a + (j + 1) * n, a + (j + 2) * n,
                                        a + (j + 3) * n};
            double s[4], t[4];
            dot2x4(ri, rz, y, j, s, t);
            tri4(ri, y, j, s);
            tri4(rz, y, j, t);
        }
        if (chol_row_tail(a, n, i, j) != 0)
            return i;
        if (chol_row_tail(a, n, i + 1, j) != 0)
            return i + 1;
    }
    if (i < n && chol_row_tail(a, n, i, 0) != 0)
        return i;
    return n;
}

int
hf_chol_decomp(size_t n, double *a)
{
    return decomp(n, a) == n ? 0 : -1;
}

/* When pivot k fails with value s = c - b'B^-1 b <= 0 (B the leading k x k block, b its column
 * k, c = A_kk), the vector v = (-B^-1 b, 1) has v'Av = s, so the smallest eigenvalue of A is at
 * most s / |v|^2 and A + shift I needs shift > -s / |v|^2 (the lower bound More & Sorensen 1983
 * update their safeguard with). Row k of a holds w = L_B^-1 b, so B^-1 b = L_B^-T w: one back
 * substitution (k^2/2 multiply-adds, done in place in row k). */
static double
failed_pivot(size_t n, double *a, size_t k)
{
    double *rk = a + k * n, s = rk[k];
    for (size_t i = k; i-- > 0;) {
        double t = rk[i];
        for (size_t m = i + 1; m < k; m++)
            t -= a[m * n + i] * rk[m];
        rk[i] = t / a[i * n + i];
    }
    return s;
}

int
hf_chol_decomp_shift(size_t n, double *a, double *shift)
{
    size_t k = decomp(n, a);
    if (k == n) {
        *shift = 0.0;
        return 0;
    }
    double s = failed_pivot(n, a, k), v2 = 1.0 + dot(a + k * n, a + k * n, k);
    *shift = isfinite(s) && isfinite(v2) ? -s / v2 : INFINITY;
    return -1;
}

/* The same vector v = (-B^-1 b, 1, 0, ...) as a direction: v'Av = s <= 0. */
int
hf_chol_decomp_dir(size_t n, double *a, double *v, double *curv)
{
    size_t k = decomp(n, a);
    if (k == n)
        return 0;
    double s = failed_pivot(n, a, k);
    const double *rk = a + k * n;
    for (size_t i = 0; i < n; i++)
        v[i] = i < k ? -rk[i] : i == k ? 1.0 : 0.0;
    double v2 = 1.0 + dot(rk, rk, k);
    *curv = isfinite(s) && isfinite(v2) ? s / v2 : -INFINITY;
    return -1;
}

/* Rank-one update and downdate of a Cholesky factor by plane rotations (hyperbolic for the
 * downdate): Golub & Van Loan 4th ed. section 6.5.4; the column loop as in LINPACK dchud. */
int
hf_chol_rank1(size_t n, double *l, double *v, int sigma)
{
    for (size_t k = 0; k < n; k++) {
        double lkk = l[k * n + k], xk = v[k];
        double r2 = lkk * lkk + (double)sigma * xk * xk;
        if (!(r2 > 0.0) || !isfinite(r2))
            return -1;
        double r = sqrt(r2), c = r / lkk, s = xk / lkk;
        l[k * n + k] = r;
        for (size_t i = k + 1; i < n; i++) {
            double lik = (l[i * n + k] + (double)sigma * s * v[i]) / c;
            l[i * n + k] = lik;
            v[i] = c * v[i] - s * lik;
        }
    }
    return 0;
}

void
hf_chol_solve(size_t n, const double *l, double *b)
{
    for (size_t i = 0; i < n; i++) { /* L y = b */
        const double *ri = l + i * n;
        b[i] = (b[i] - dot(ri, b, i)) / ri[i];
    }
    for (size_t i = n; i-- > 0;) { /* L' x = y */
        double s = b[i];
        for (size_t k = i + 1; k < n; k++)
            s -= l[k * n + i] * b[k];
        b[i] = s / l[i * n + i];
    }
}

/* A^-1 = W'W with W = L^-1 (Golub & Van Loan 3.1), W kept transposed so that both passes run
 * over contiguous rows. Pass 1: row i of V = W' (the upper triangle of inv) is column i of W,
 * V_ii = 1/L_ii and V_ik = -(sum_{m=i}^{k-1} L_km V_im) / L_kk for k > i (forward substitution
 * of L w = e_i), inner products over rows of L and V. Pass 2: (W'W)_ij = sum_{k>=j} V_ik V_jk
 * (i <= j), for two columns j, j + 1 at a time against four rows i in the 2 x 4 tiles of the
 * factorisation, written into the lower triangle (row j, column i), which V does not use; the
 * diagonal, which V does use, last in each step. Then the upper triangle mirrors the lower.
 * n^3/3 multiply-adds in all; at 224 parameters 10.3e6 instructions where the rank-one updates
 * of W'W took 16.2e6. */
void
hf_chol_invert(size_t n, const double *l, double *inv)
{
    for (size_t i = 0; i < n; i++) { /* pass 1 */
        double *vi = inv + i * n;
        vi[i] = 1.0 / l[i * n + i];
        for (size_t k = i + 1; k < n; k++) {
            const double *lk = l + k * n;
            vi[k] = -dot(lk + i, vi + i, k - i) / lk[k];
        }
    }
    size_t j = 0;
    for (; j + 2 <= n; j += 2) { /* pass 2: columns j, j + 1 */
        const double *vj = inv + j * n, *vj1 = vj + n;
        double *cj = inv + j * n, *cj1 = cj + n; /* rows j, j + 1 of the lower triangle */
        size_t i = 0, k0 = j + 1, len = n - k0;
        for (; i + 4 <= j; i += 4) {
            const double *const y[4] = {inv + i * n + k0, inv + (i + 1) * n + k0,
                                        inv + (i + 2) * n + k0, inv + (i + 3) * n + k0};
            double s[4], t[4];
            dot2x4(vj + k0, vj1 + k0, y, len, s, t);
            for (int r = 0; r < 4; r++) { /* the k = j term belongs to column j only */
                cj[i + r] = s[r] + inv[(i + r) * n + j] * vj[j];
                cj1[i + r] = t[r];
            }
        }
        for (; i < j; i++) {
            const double *vi = inv + i * n;
            cj[i] = dot(vi + j, vj + j, n - j);
            cj1[i] = dot(vi + k0, vj1 + k0, len);
        }
        double djj = dot(vj + j, vj + j, n - j), dj1j = dot(vj + k0, vj1 + k0, len);
        double dj1 = dot(vj1 + k0, vj1 + k0, len);
        cj[j] = djj;
        cj1[j] = dj1j;
        cj1[j + 1] = dj1;
    }
    if (j < n) { /* the last column when n is odd */
        const double *vj = inv + j * n;
        double *cj = inv + j * n;
        for (size_t i = 0; i < j; i++)
            cj[i] = inv[i * n + j] * vj[j];
        cj[j] = vj[j] * vj[j];
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            inv[i * n + k] = inv[k * n + i];
}
