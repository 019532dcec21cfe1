/* render/plot_pulls.h - nuisance-parameter pulls (theta_hat - theta0) / sigma_prior with the
 * post-fit constraint as error bar on +-1 and +-2 sigma bands; free parameters in their own panel
 * (fitted value and error). Long lists are split over several pages. */
#ifndef HF_PLOT_PULLS_H
#define HF_PLOT_PULLS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "render/scene.h"

typedef enum hf_pull_sort {
    HF_PULL_SORT_MODEL = 0, /* pyhf parameter order */
    HF_PULL_SORT_NAME,
    HF_PULL_SORT_PULL,      /* largest |pull| first */
    HF_PULL_SORT_CONSTRAINT /* strongest constraint (smallest post/pre-fit error) first */
} hf_pull_sort;

typedef struct hf_pulls_options {
    hf_pull_sort sort;
    bool group;           /* group by kind (normsys/histosys/lumi, then staterror/shapesys), a rule
                             between groups; sort inside each group */
    bool skip_stat;       /* leave out staterror/shapesys parameters */
    size_t rows_per_page; /* 0: 40 */
    double width_in;      /* 0: chosen from the longest name (3.4 .. 7 in) */
    /* MINOS intervals (npar each, signed offsets from the best fit in parameter units, NAN where
     * not computed; NULL: none): drawn as asymmetric bars under the HESSE ones */
    const double *minos_lo, *minos_hi;
} hf_pulls_options;

/* One row of the figure (exposed for tests and tables). */
typedef struct hf_pull_row {
    size_t par; /* parameter index */
    bool constrained;
    double pull;               /* (x - centre) / width; constrained only */
    double constraint;         /* post-fit error / prior width; constrained only */
    double value, error;       /* free parameters */
    int group;                 /* 0 systematics, 1 per-bin statistical, 2 free */
    double minos_lo, minos_hi; /* MINOS offsets in the row's units (pull or value); NAN: none */
} hf_pull_row;

/* The rows in display order (fixed parameters left out); caller frees. NULL on ENOMEM. */
hf_pull_row *hf_pull_rows(const hf_model *m, const hf_fit_result *fit, const hf_pulls_options *opt,
                          size_t *n);

/* Pages of the pulls figure: returns an array of *npages scenes (caller frees each with
 * hf_scene_free and the array with free). The first page carries the outline entry "Pulls".
 * NULL with err on ENOMEM or when the model has no non-fixed parameter. */
hf_scene **hf_plot_pulls(const hf_model *m, const hf_fit_result *fit, const hf_pulls_options *opt,
                         size_t *npages, hf_error *err);

#endif
