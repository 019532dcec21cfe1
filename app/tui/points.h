/* app/tui/points.h - points.c: the patchset browser's state (the Points view): the signal points
 * of a patchset with their CLs and limits, read from a results file or computed point by point on
 * the worker thread (visible points first), and the patched session Enter opens. */
#ifndef HF_TUI_POINTS_H
#define HF_TUI_POINTS_H

#include <stdio.h>

#include "app/tui/session.h"

#include <cjson/cJSON.h>

#include "core/infer/contour.h"
#include "core/infer/results.h"
#include "core/json/patchset.h"
#include "render/labels.h"

/* What is known of one number of a point (CLs, or the limits). */
typedef enum tui_pt_state {
    TUI_PT_NONE = 0, /* not asked for (limits before l) */
    TUI_PT_PENDING,
    TUI_PT_RUNNING,
    TUI_PT_DONE,
    TUI_PT_FAILED
} tui_pt_state;

typedef struct tui_pt {
    const char *name; /* the patch name (borrowed from the patchset or the results) */
    double *values;   /* nlabels, NAN for a value that is not a number */
    char **valtext;   /* nlabels, as written in the patchset */
    tui_pt_state cls_state, lim_state;
    double cls, cls_exp[5]; /* CLs at mu (observed; expected -2..+2 sigma) */
    double obs, exp[5];     /* upper limits on mu, NAN outside the range searched */
    char *error;            /* why the last evaluation failed (owned) */
    double secs;            /* time of the last evaluation, 0 if read from a file */
} tui_pt;

/* The browser (one per session; it outlives reloads: cmd_tui.c owns it). */
struct tui_points {
    const char *bkg_path; /* the background-only workspace (argv) */
    const char *ps_path;  /* --patchset (argv), NULL with results only */
    hf_patchset *ps;
    cJSON *bkg;    /* the background-only document; NULL: nothing can be computed */
    char *error;   /* why nothing can be computed (another workspace's patchset), or NULL */
    char *note;    /* said once at start (results of another workspace ignored), or NULL */
    char **labels; /* nlabels names of the values (metadata.labels, else "value 1", ...) */
    size_t nlabels;
    size_t n;
    tui_pt *pt;
    /* evaluation settings, copied from the command line (they must outlive reloads) */
    hf_model_options mopt;
    size_t nfix;
    hf_fixspec *fix; /* names owned */
    double fit_tol;
    int fit_max_iter, fit_strategy;
    unsigned long seed;
    double mu, cl;
    /* scheduling */
    long inflight; /* point on the worker, -1: none */
    bool inflight_limit, want_limits;
    unsigned gen; /* counts finished evaluations (the map's contour cache compares it) */
    /* view */
    size_t sel, top;
    int rows; /* list rows last drawn: the points computed first */
    bool map;
    long opened, entering; /* point loaded in the session / being loaded, -1: none */
    char *spec;            /* tui_points_patch_spec's string */
    char *label;           /* "WS.json + POINT": the top line's file label while a point is open */
    hf_contour cexp, cobs; /* the map's CLs = 0.05 contours at generation cgen */
    bool have_contour;
    bool contoured; /* computed at generation cgen, contours or none (too few points, a failure) */
    unsigned cgen;
    hf_labels names; /* the name column's labels (render/labels.h) at width names_w */
    int names_w;     /* 0: not made */
};

/* The browser's settings as given on the command line; borrowed strings from argv. */
typedef struct tui_points_args {
    const char *patchset; /* --patchset PS.json, or NULL */
    const char *results;  /* --results merged.jsonl, or NULL */
} tui_points_args;

/* Build the browser before curses starts: load the patchset (and results), check the digest.
 * A malformed file: one error line on stderr, *rc = 2, NULL. A patchset of another workspace is
 * not fatal: the browser keeps it with its error (tui_points_error). */
struct tui_points *tui_points_new(const hf_cli *cli, const tui_points_args *a, int *rc);
void tui_points_free(struct tui_points *p);
/* Why the points cannot be computed (digest mismatch), or NULL. */
const char *tui_points_error(const struct tui_points *p);
/* "PS.json:NAME" of the point whose patch the session should load (the reload callback applies
 * it), or NULL for the background-only workspace. */
const char *tui_points_patch_spec(const struct tui_points *p);
/* The loop's hooks: after a start or a reload (the session was rebuilt: ok false when the
 * reload failed), a result of the worker, and the scheduler (submit the next point when the
 * worker is free). Return the panes to redraw. */
unsigned tui_points_attach(struct tui *t, bool reloaded, bool ok);
unsigned tui_points_result(struct tui *t, tui_result *r);
unsigned tui_points_pump(struct tui *t);
/* Without a terminal: compute every point (CLs, and limits when asked) and print the table.
 * Returns the exit code (0, 1 when a point failed). */
int tui_points_print(struct tui_points *p, bool limits, FILE *out);

/* view_points.c reads the state through these. */
size_t tui_points_count(const struct tui_points *p);
tui_pt *tui_points_at(struct tui_points *p, size_t i);

#endif
