/* core/diag/lint.h - workspace lint (in the spirit of CMS Combine's ValidateDatacards): findings
 * with a severity, a stable code, the JSON pointer of the culprit and one sentence. Works on the
 * loaded workspace alone, without a fit. */
#ifndef HF_LINT_H
#define HF_LINT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/model/workspace.h"

typedef enum hf_lint_severity { HF_LINT_INFO = 0, HF_LINT_WARNING, HF_LINT_ERROR } hf_lint_severity;

typedef struct hf_lint_finding {
    hf_lint_severity severity;
    const char *code;    /* e.g. "normsys_same_side"; static */
    const char *pointer; /* RFC 6901 pointer into the workspace file */
    const char *message; /* one sentence */
    size_t count;        /* places with the same finding for the same parameter (pointer: first) */
    const char *key;     /* what findings are merged on (a modifier name), NULL: not merged */
} hf_lint_finding;

typedef struct hf_lint_options {
    const char *measurement; /* NULL: the first */
    double large;            /* relative effect above which a variation is implausible (0: 1.0) */
    double stat_ratio;       /* stat/syst ratio that flags a bin (0: 3) */
    double stat_min;         /* ... when the relative stat uncertainty is above this (0: 0.2) */
    double tiny;             /* one-sided effects smaller than this are not flagged (0: 0.005) */
} hf_lint_options;

typedef struct hf_lint {
    hf_arena arena; /* pointers and messages */
    size_t n, cap;
    hf_lint_finding *f;
} hf_lint;

/* Lint ws into out (findings in workspace order, check by check). 0, or -1 with err (ENOMEM, an
 * unknown measurement). Release out with hf_lint_release either way. */
int hf_lint_run(const hf_workspace *ws, const hf_lint_options *opt, hf_lint *out, hf_error *err);
void hf_lint_release(hf_lint *l);
const char *hf_lint_severity_name(hf_lint_severity s);
/* The worst severity present, or -1 when there are no findings. */
int hf_lint_worst(const hf_lint *l);

#endif
