/* app/plot_grid.h - figures over a signal grid from `patchset run` results (merged or not) and
 * the patchset that names the grid's axes: `plot --what exclusion` and `plot --what limits`. */
#ifndef HF_PLOT_GRID_H
#define HF_PLOT_GRID_H

typedef struct hf_grid_args {
    const char *what;     /* "exclusion" or "limits" */
    const char *results;  /* --results FILE.jsonl (or --limits FILE.jsonl) */
    const char *patchset; /* --patchset PATCHSET.json (optional for limits) */
    const char *output;   /* -o FILE.pdf|png|svg, or a directory (then WHAT.FORMAT in it) */
    const char *format;   /* pdf, png or svg for a directory */
    const char *label, *energy, *lumi;
    double width; /* inches, 0: default */
} hf_grid_args;

struct hf_scene;

/* Draw the figure; 0 or the exit code (errors printed: file and line or pointer, exit 2). */
int hf_grid_plot(const hf_grid_args *a);
/* The figure as a scene into *out (the caller frees it); `limits` without a patchset takes the
 * results' values unnamed (`plot --what brazil --limits FILE`). 0 or the exit code (printed). */
int hf_grid_scene(const hf_grid_args *a, struct hf_scene **out);

#endif
