/* core/model/linalg.h - dense Cholesky factorisation, solve and inverse for the fit's small
 * symmetric matrices (row-major n x n). Hand-written because GSL's reference CBLAS made its blocked
 * Cholesky the fit's bottleneck (see docs/design.md). */
#ifndef HF_LINALG_H
#define HF_LINALG_H

#include <stddef.h>

/* A = L L' in place (lower triangle receives L; the upper triangle is left as is).
 * Returns 0, or -1 when A is not positive definite. */
int hf_chol_decomp(size_t n, double *a);
/* As hf_chol_decomp; on failure *shift is a lower bound on the s for which A + s I is positive
 * definite, from the pivot that failed (0 on success, INFINITY when A is not finite). */
int hf_chol_decomp_shift(size_t n, double *a, double *shift);
/* As hf_chol_decomp; on failure v (n) receives a direction of non-positive curvature of A, from
 * the pivot that failed, and *curv its Rayleigh quotient v'Av / v'v <= 0 (so the smallest
 * eigenvalue is at most *curv). */
int hf_chol_decomp_dir(size_t n, double *a, double *v, double *curv);
/* The factor of L L' + sigma v v' (sigma = +1 or -1) in place of L (lower triangle), O(n^2);
 * v is destroyed. Returns 0, or -1 when a downdate leaves the matrix not positive definite (L is
 * then garbage). */
int hf_chol_rank1(size_t n, double *l, double *v, int sigma);
/* Solve L L' x = b in place (b becomes x), with the factor from hf_chol_decomp. */
void hf_chol_solve(size_t n, const double *l, double *b);
/* The inverse of A from its factor: full symmetric n x n into inv. */
void hf_chol_invert(size_t n, const double *l, double *inv);

#endif
