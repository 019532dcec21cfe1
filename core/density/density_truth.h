/* core/density/density_truth.h - the true 1D distributions of the density lab: built-in shapes with
 * exact CDFs, a workspace template (binned truth) and a user sample (its empirical distribution).
 * A truth lives on a bounded range [lo, hi] (built-in shapes are truncated to it); immutable after
 * construction, so threads share it (each passes its own RNG to _sample). */
#ifndef HF_DENSITY_TRUTH_H
#define HF_DENSITY_TRUTH_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "core/error.h"
#include "core/model/model.h"

typedef struct hf_density_truth hf_density_truth; /* opaque */

/* Names accepted by hf_density_truth_builtin, NULL-terminated:
 * gaussian, exponential, camelback, falling, edge. */
extern const char *const hf_density_truth_names[];

/* A built-in truth by name; NULL with err (HF_EUSAGE) for an unknown name. */
hf_density_truth *hf_density_truth_builtin(const char *name, hf_error *err);
/* The nominal template of `sample` in `channel` of a compiled model as a binned truth on
 * [0, nbins] (x is the bin index). sample == NULL sums every sample of the channel. Negative
 * yields count as 0 (a note says so, see _note). err where: "" (names are not JSON pointers). */
hf_density_truth *hf_density_truth_template(const hf_model *m, const char *channel,
                                            const char *sample, hf_error *err);
/* A binned truth from nbins weights on [lo, hi] (weights >= 0, sum > 0); the values are copied. */
hf_density_truth *hf_density_truth_binned(const char *name, const double *w, size_t nbins,
                                          double lo, double hi, hf_error *err);
/* The empirical distribution of x[0..n) (copied; non-finite values are an error) on [lo, hi]
 * (points outside are dropped; lo >= hi means the sample's min and max). Training sets are drawn
 * from it with replacement, so it plays the truth's role for n much smaller than the sample. */
hf_density_truth *hf_density_truth_sample(const char *name, const double *x, size_t n, double lo,
                                          double hi, hf_error *err);
void hf_density_truth_free(hf_density_truth *t); /* NULL is fine */

const char *hf_density_truth_name(const hf_density_truth *t);
const char *hf_density_truth_label(const hf_density_truth *t); /* one line for captions */
const char *hf_density_truth_note(const hf_density_truth *t);  /* a warning, or NULL */
double hf_density_truth_lo(const hf_density_truth *t);
double hf_density_truth_hi(const hf_density_truth *t);
/* Bins the truth suggests (a template's own binning), 0 if it has no preference. */
size_t hf_density_truth_natural_bins(const hf_density_truth *t);
/* Effective number of MC events behind a template (from its staterror: (sum nu)^2 / sum delta^2),
 * 0 when unknown. */
double hf_density_truth_neff(const hf_density_truth *t);

/* Density (normalised on [lo, hi]; 0 outside) and CDF (0 at lo, 1 at hi). A sample truth has no
 * density: _pdf gives its histogram with (hi - lo)/200 wide bins. */
double hf_density_truth_pdf(const hf_density_truth *t, double x);
double hf_density_truth_cdf(const hf_density_truth *t, double x);
/* p[b] = exact probability of bin b of nbins equal bins on [lo, hi] (CDF differences). */
void hf_density_truth_probs(const hf_density_truth *t, size_t nbins, double *p);
/* One event in [lo, hi]. */
double hf_density_truth_sample_one(const hf_density_truth *t, gsl_rng *rng);

#endif
