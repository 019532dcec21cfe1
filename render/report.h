/* render/report.h - the review report: one multi-page PDF with a summary page, every channel's
 * pre- and post-fit stack, the pulls, the correlations and the yield table, with a PDF outline
 * (one entry per channel) so a reviewer can jump straight to a channel. */
#ifndef HF_REPORT_H
#define HF_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "render/palette.h"
#include "render/plot_stack.h"

typedef struct hf_report_options {
    const char *source;     /* workspace path shown on the summary page */
    const char *lumi_label; /* stack plots; NULL: none */
    bool logy;              /* stack plots on a log scale */
    bool blind;             /* stack plots without data */
    double corr_threshold;  /* 0: 0.2 */
    const hf_palette *pal;  /* NULL: built-in */
} hf_report_options;

/* Write the report to path (PDF; a temporary file renamed when complete). fit may be NULL (or
 * without covariance): then only pre-fit figures and tables. Returns 0 or -1 with err. */
int hf_report_write(const char *path, const hf_model *m, const hf_fit_result *fit,
                    const hf_report_options *opt, hf_error *err);

#endif
