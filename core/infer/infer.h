/* core/infer/infer.h - profile-likelihood test statistics (q_mu, q~_mu, q_0), Asimov data and the
 * asymptotic calculator (CLs+b, CLb, CLs and the expected band), after Cowan, Cranmer, Gross,
 * Vitells, EPJC 71 (2011) 1554, with pyhf's conventions (pyhf.infer, v0.7). */
#ifndef HF_INFER_H
#define HF_INFER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"

typedef enum hf_teststat {
    HF_TEST_QTILDE = 0, /* q~_mu: for a POI bounded below at 0 (pyhf's default for limits) */
    HF_TEST_Q,          /* q_mu */
    HF_TEST_Q0          /* q_0: discovery */
} hf_teststat;

/* The -2..+2 sigma order of the expected band: index k is the band at HF_BAND_SIGMA[k] sigma of
 * the expected limit, i.e. ascending CLs (pyhf's CLs_exp order) and ascending limits. */
extern const double HF_BAND_SIGMA[5];

/* Inference on one model and one data set. Holds the fits every test shares (the unconditional
 * fit on the data, the Asimov data set and its unconditional fit) and the warm starts. Not
 * thread-safe: one per thread. The model must outlive it. */
typedef struct hf_infer hf_infer;

typedef struct hf_infer_options {
    hf_teststat test_stat; /* HF_TEST_QTILDE or HF_TEST_Q for CLs */
    const hf_data *data;   /* NULL: the model's observed data */
    atomic_int *cancel;    /* checked by every fit; NULL: never */
    bool single_start;     /* start conditional fits only from the unconditional fit (warm):
                              about 2x faster, but may miss a lower valley (see infer.c) */
} hf_infer_options;

/* One hypothesis test at POI = mu (pyhf.infer.hypotest, asymptotics). */
typedef struct hf_hypotest {
    double mu;
    bool has_obs;          /* false when only the expected band was asked for */
    double q_obs;          /* test statistic on the data (q or q~; 0 when muhat > mu) */
    double qA;             /* the same on the background-only Asimov data set */
    double ts;             /* pyhf's calculator test statistic (sqrt form) */
    double muhat;          /* unconditional best-fit POI on the data */
    double clsb, clb, cls; /* observed */
    double cls_exp[5];     /* expected CLs, HF_BAND_SIGMA order (ascending) */
    double clsb_exp[5], clb_exp[5];
} hf_hypotest;

typedef struct hf_discovery {
    double q0_obs, q0A; /* q_0 on the data and on the POI = 1 Asimov data set */
    double p0_obs, z_obs, p0_exp, z_exp;
    double muhat;
} hf_discovery;

/* New context; NULL with err set when the model has no POI or memory is out. */
hf_infer *hf_infer_new(const hf_model *m, const hf_infer_options *opt, hf_error *err);
void hf_infer_free(hf_infer *inf);
const hf_model *hf_infer_model(const hf_infer *inf);
/* Asymptotic hypothesis test at mu. with_obs false skips the fit on the data (expected band only).
 * Returns 0, or -1 with err set (HF_EFIT naming the fit that did not converge, HF_ECANCELED). */
int hf_infer_hypotest(hf_infer *inf, double mu, bool with_obs, hf_hypotest *out, hf_error *err);
/* Observed and expected (median under POI = 1) discovery p-value and significance from q_0. */
int hf_infer_discovery(hf_infer *inf, hf_discovery *out, hf_error *err);
/* Total number of fits run so far (for benchmarks and -v). */
size_t hf_infer_nfits(const hf_infer *inf);

/* Test statistic q_mu (or q~_mu; the two differ only by the POI bound) of data d at POI = mu:
 * conditional fit at mu and unconditional fit, both started from init (NULL: suggested init).
 * Writes the test statistic and the unconditional POI; used by the toy calculator. The
 * unconditional fit is written to free_x (npar) when not NULL. */
int hf_infer_qmu(const hf_model *m, const hf_data *d, double mu, hf_teststat ts, const double *init,
                 atomic_int *cancel, double *q, double *muhat, double *free_x, hf_error *err);

/* Whether a second fit from x0 is worth making after one from another start ended at xmin (both
 * with the same parameters fixed): 1 when the NLL on the segment between them is not convex as
 * one valley would make it (f(x0) below f(xmin), or the tangent at x0 above f(xmin)), 0 when it
 * is, -1 out of memory. One NLL and one gradient evaluation. */
int hf_infer_second_start(const hf_model *m, const hf_data *d, const double *xmin,
                          const double *x0);

/* Asymptotic p-values from the test statistics (pyhf AsymptoticCalculator): fills clsb, clb,
 * cls, the expected arrays and ts of h from h->q_obs and h->qA. */
void hf_infer_asymptotic(hf_teststat ts, hf_hypotest *h);

/* Expected main and aux data at pars (Asimov data set): main (nbins), aux (npar). Returns 0, or
 * -1 when out of memory. */
int hf_infer_asimov(const hf_model *m, const double *pars, double *main, double *aux);

/* pyhf's choice: q~ when the POI is bounded below at 0, q otherwise (model must have a POI). */
hf_teststat hf_infer_default_teststat(const hf_model *m);
/* "qtilde", "q", "q0" (and "auto" with the model's default) -> ts; -1 if unknown. */
int hf_teststat_parse(const char *name, const hf_model *m, hf_teststat *ts);
const char *hf_teststat_name(hf_teststat ts);

#endif
