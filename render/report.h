/* render/report.h - the review report: a summary page, every channel's pre- and post-fit stack,
 * the pulls, the correlations and the yield table, as scenes with outline entries (one per
 * channel) so that a reviewer can jump straight to a channel in the PDF. */
#ifndef HF_REPORT_H
#define HF_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "render/plot_stack.h"

typedef struct hf_report_options {
    const char *source;     /* workspace path shown on the summary page */
    const char *lumi_label; /* stack plots; NULL: none */
    bool logy;              /* stack plots on a log scale */
    bool blind;             /* stack plots without data */
    double corr_threshold;  /* 0: 0.2 */
    /* the caller's figure style for channel c's stacks (labels, signal, edges); NULL: none */
    void (*stack_style)(void *ctx, size_t c, hf_stack_options *o);
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
