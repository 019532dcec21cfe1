/* render/report.h - the review report: a contents page, a summary page, the all-regions summary
 * figures, the regions (one-bin channels grouped onto summary figures, the others two to a page,
 * pre- and post-fit side by side), the pulls, the correlations, the ranking, the goodness of fit,
 * the upper limit and the yield table, all on one page size (7 x 9.5 in), as scenes with a
 * nested outline (regions, then channels). */
#ifndef HF_REPORT_H
#define HF_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag/gof.h"
#include "core/diag/ranking.h"
#include "core/error.h"
#include "core/infer/limit.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "render/plot_stack.h"
#include "render/plot_summary.h"

typedef struct hf_report_options {
    const char *source;     /* workspace path shown on the summary page */
    const char *lumi_label; /* stack plots; NULL: none */
    bool logy;              /* stack plots on a log scale */
    bool blind;             /* stack plots without data */
    const bool *blinded;    /* per main bin: no data shown or compared there (--blind with a
                               threshold); NULL: none */
    bool blind_poi;         /* the POI's fitted value and error print as "blinded" */
    const hf_gof *gof; /* the saturated-model goodness of fit of the report's fit: a page of its
                          own; NULL: none (no fit, or blinded) */
    const char *note_pre, *note_post;  /* title notes of the pre- and post-fit figures ("blinded",
                                          "mu = 1 (fixed)"); NULL: none */
    double corr_threshold;             /* 0: 0.2 */
    const hf_summary_groups *groups;   /* region groups of the summary figures and the Regions
                                          section; NULL: CR, VR, SR by name */
    const hf_ranking *ranking;         /* impacts on the POI (core/diag/ranking.h): a page with the
                                          top 20; NULL: none */
    const hf_limit_result *limit;      /* the CLs upper limit on the POI: a page (CLs against the
                                          POI and the limits); NULL: none */
    const hf_limit_point *limit_curve; /* the figure's hypothesis tests (a regular grid); NULL:
                                          the limit search's own */
    size_t nlimit_curve;
    const char *ranking_note; /* the summary page's Ranking line: what was ranked, or why
                                 the page is left out; NULL: no line */
    const char *limit_note;   /* the same for the upper limit (when limit is NULL) */
    const char *test_stat;    /* the limit's test statistic ("qtilde"); NULL: not said */
    /* the caller's figure style for channel c's stacks (labels, signal, edges); NULL: none */
    void (*stack_style)(void *ctx, size_t c, hf_stack_options *o);
    /* the title note of channel c's own pre- or post-fit stack ("not in fit" for a masked
     * channel); NULL: note_pre and note_post */
    const char *(*stack_note)(void *ctx, size_t c, bool postfit);
    void *style_ctx;
} hf_report_options;

/* The report's pages in order, each a scene with its PDF outline entry (summary, one per
 * channel, pulls, correlations, yields). fit may be NULL (or without covariance): then only
 * pre-fit figures and tables. Returns *npages scenes (free with hf_report_pages_free), or NULL
 * with err. */
hf_scene **hf_report_pages(const hf_model *m, const hf_fit_result *fit,
                           const hf_report_options *opt, size_t *npages, hf_error *err);
void hf_report_pages_free(hf_scene **pages, size_t n); /* NULL is fine */

#endif
