/* core/linalg.c - Cholesky-Banachiewicz (row by row, inner products over contiguous rows),
 * triangular solves, and the inverse as L^-T L^-1 (Golub & Van Loan, Matrix Computations,
 * 4th ed., sections 4.2 and 3.1). */
#include "core/linalg.h"

#include <math.h>

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

int
hf_chol_decomp(size_t n, double *a)
{
    for (size_t i = 0; i < n; i++) {
        double *ri = a + i * n;
        for (size_t j = 0; j <= i; j++) {
            const double *rj = a + j * n;
            double s = ri[j] - dot(ri, rj, j);
            if (i == j) {
                if (!(s > 0.0))
                    return -1;
                ri[i] = sqrt(s);
            } else {
                ri[j] = s / rj[j];
            }
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

void
hf_chol_invert(size_t n, const double *l, double *inv)
{
    /* W = L^-1 (lower) into the lower triangle of inv, then inv = W' W */
    for (size_t j = 0; j < n; j++) {
        inv[j * n + j] = 1.0 / l[j * n + j];
        for (size_t i = j + 1; i < n; i++) {
            double s = 0.0;
            for (size_t k = j; k < i; k++)
                s -= l[i * n + k] * inv[k * n + j];
            inv[i * n + j] = s / l[i * n + i];
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = 0.0;
            for (size_t k = i; k < n; k++) /* (W'W)_ij = sum_k W_ki W_kj, k >= max(i, j) */
                s += inv[k * n + i] * inv[k * n + j];
            inv[j * n + i] = s; /* upper triangle first: the lower one still holds W */
        }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            inv[i * n + j] = inv[j * n + i];
}
