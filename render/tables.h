/* render/tables.h - yield tables (per channel and sample, pre- and post-fit, with uncertainties)
 * as Markdown, CSV or LaTeX text, and as table pages for the report. */
#ifndef HF_TABLES_H
#define HF_TABLES_H

#include <stddef.h>

#include "core/error.h"
#include "render/plot_stack.h"
#include "render/scene.h"

typedef enum hf_table_format {
    HF_TABLE_MARKDOWN = 0,
    HF_TABLE_CSV,
    HF_TABLE_LATEX
} hf_table_format;

/* "md"/"markdown", "csv", "tex"/"latex" -> format; -1 if unknown. */
int hf_table_format_parse(const char *name, hf_table_format *f);

/* value +- error rounded to two significant digits of the error (PDG convention, simplified):
 * "12.3 ± 1.2" (UTF-8; with latex true: "$12.3 \pm 1.2$"). */
void hf_format_pm(double v, double e, int latex, char *buf, size_t len);

/* The table of every channel (rows: its samples in stack order from the top, then the total and
 * the data; "blinded" instead of the count of a channel with a blinded bin, blinded: per main
 * bin, NULL: none) with pre-fit and, when post is not NULL, post-fit columns. pre or post may be
 * NULL (not both). Returns a malloc'ed NUL-terminated string, NULL with err on ENOMEM. */
char *hf_yield_table(const hf_yields *pre, const hf_yields *post, const bool *blinded,
                     hf_table_format f, hf_error *err);

/* The same table as report pages (at most rows_per_page rows each, 0: 42), outline entry
 * "Yields" on the first. Returns *npages scenes (caller frees each and the array). */
hf_scene **hf_yield_table_pages(const hf_yields *pre, const hf_yields *post, const bool *blinded,
                                size_t rows_per_page, size_t *npages, hf_error *err);

#endif
