/* core/infer/toys.h - the toy (pseudo-experiment) calculator for CLs, as pyhf's ToyCalculator: toys
 * drawn from the model at the suggested nuisance values with POI = mu (s+b) and POI = 0 (b),
 * test statistic per toy, empirical p-values. Each toy has its own seed (derived from the run
 * seed and the toy index), so results are identical for any number of threads. */
#ifndef HF_TOYS_H
#define HF_TOYS_H

#include <stdatomic.h>
#include <stddef.h>

#include "core/error.h"
#include "core/infer/infer.h"
#include "core/model/model.h"

typedef struct hf_toys_options {
    size_t ntoys; /* per hypothesis; default 1000 when 0 */
    unsigned long seed;
    int threads;           /* default 1 */
    hf_teststat test_stat; /* HF_TEST_QTILDE or HF_TEST_Q */
    atomic_int *cancel;
    /* called after each toy with the number done (of 2 * ntoys), under the calculator's lock */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} hf_toys_options;

typedef struct hf_toys_result {
    double mu;
    double q_obs;
    double clsb, clb, cls;
    /* Monte Carlo (binomial) standard errors: sqrt(p (1 - p) / n) for CLs+b and CLb from the
     * s+b and b toys, propagated to CLs = CLs+b / CLb as independent relative errors. NAN when
     * no s+b toy lies at or above q_obs (CLs = 0 is then only "below ~1 / (n CLb)"). */
    double clsb_err, clb_err, cls_err;
    /* HF_BAND_SIGMA order: CLs at the b-toy percentiles 2.3, 15.9, 50, ...; NAN where the
     * toys cannot resolve it (no s+b toy at or above that b-toy quantile of q) */
    double cls_exp[5];
    double cls_exp_err[5]; /* binomial error at the matching b-toy quantile of q; NAN as above */
    size_t ntoys;          /* per hypothesis */
    size_t nfailed;        /* toys whose fits failed (left out) */
    double *q_sb, *q_b;    /* test statistic per toy (NAN where failed), ntoys each */
} hf_toys_result;

/* Toy-based hypothesis test at mu on data d (NULL: observed). Returns 0, or -1 with err set
 * (the fit on the data failed, cancellation, memory). Release res with hf_toys_result_release. */
int hf_toys_hypotest(const hf_model *m, const hf_data *d, double mu, const hf_toys_options *opt,
                     hf_toys_result *res, hf_error *err);
void hf_toys_result_release(hf_toys_result *res);

#endif
