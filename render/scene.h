/* render/scene.h - the backend-neutral description of a figure: panels with axes and items.
 * Plot builders fill a scene; render/cairo.c (PDF/PNG/SVG) and render/cells.c (terminal) draw it.
 * Nothing here knows Cairo or curses: colours are ROLES resolved through render/palette.h.
 *
 * Conventions every backend follows:
 * - A scene is one figure (one page). Its size is given in inches (papers: 3.4 single column,
 *   7.0 double column); the terminal backend maps the figure onto its cell grid instead.
 * - Panel rectangles are fractions of the figure, origin at the TOP-LEFT, y growing downwards.
 *   The rectangle is the panel's outer box: the backend reserves room inside it for tick labels,
 *   axis labels and the title, and gives panels of one scene the same left/right margins so that
 *   plot areas of stacked panels (main + ratio) line up.
 * - Data coordinates: x grows rightwards, y grows upwards. Items are drawn in insertion order
 *   (so add data points last); the legend and colour bar are drawn after all items.
 * - All arrays and strings passed to hf_panel_add_* are copied into the scene (the caller keeps
 *   ownership of its own); everything is freed at once by hf_scene_free.
 * - Any add function returns NULL (or -1) only on ENOMEM; the scene stays valid and freeable. */
#ifndef HF_SCENE_H
#define HF_SCENE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

/* What an item's colour means; render/palette.h turns (role, index) into a colour. */
typedef enum hf_role {
    HF_ROLE_FG = 0,   /* axes, frame, text, neutral lines */
    HF_ROLE_DATA,     /* observed data points */
    HF_ROLE_SAMPLE,   /* a sample: index = position in the model's sorted global sample list */
    HF_ROLE_BAND,     /* model uncertainty (hatched/shaded band) */
    HF_ROLE_REF,      /* reference lines: ratio = 1, pull = 0, delta nll levels */
    HF_ROLE_BAND1,    /* inner band: +-1 sigma (Brazil green, pull +-1) */
    HF_ROLE_BAND2,    /* outer band: +-2 sigma (Brazil yellow, pull +-2) */
    HF_ROLE_EXPECTED, /* expected (median) curve */
    HF_ROLE_OBSERVED, /* observed curve */
    HF_ROLE_PREFIT,   /* pre-fit marker/line in comparisons */
    HF_ROLE_POSTFIT,  /* post-fit marker/line in comparisons */
    HF_ROLE_ACCENT,   /* highlight (selection, warnings); index picks among accents */
    HF_ROLE_GRID,     /* light grid lines, table rules */
    HF_ROLE_SERIES,   /* generic series: index cycles through the qualitative palette */
    HF_ROLE_CHANNEL,  /* a channel: index = pyhf channel index; a palette of its own, so that
                         channels never look like samples */
    HF_ROLE_SIGNAL,   /* a signal sample (scaled by the POI): index = global sample index; one
                         colour no background sample uses, unless a style file names the sample */
    HF_ROLE_COUNT
} hf_role;

/* A colour reference: role plus an index (used by HF_ROLE_SAMPLE, HF_ROLE_SERIES, ACCENT). */
typedef struct hf_ink {
    hf_role role;
    int index;
} hf_ink;

typedef enum hf_dash { HF_DASH_SOLID = 0, HF_DASH_DASHED, HF_DASH_DOTTED } hf_dash;
typedef enum hf_width { HF_WIDTH_NORMAL = 0, HF_WIDTH_THIN, HF_WIDTH_THICK } hf_width;
typedef enum hf_marker {
    HF_MARKER_CIRCLE = 0,
    HF_MARKER_SQUARE,
    HF_MARKER_DIAMOND,
    HF_MARKER_TRIANGLE,
    HF_MARKER_NONE /* error bars only */
} hf_marker;
typedef enum hf_fill { HF_FILL_SHADE = 0, HF_FILL_HATCH, HF_FILL_SOLID } hf_fill;
typedef enum hf_halign { HF_HALIGN_LEFT = 0, HF_HALIGN_CENTER, HF_HALIGN_RIGHT } hf_halign;
typedef enum hf_valign {
    HF_VALIGN_BASELINE = 0,
    HF_VALIGN_TOP,
    HF_VALIGN_MIDDLE,
    HF_VALIGN_BOTTOM
} hf_valign;
typedef enum hf_textsize {
    HF_TEXT_NORMAL = 0, /* axis labels, legend */
    HF_TEXT_SMALL,      /* tick labels, table cells, annotations */
    HF_TEXT_LARGE,      /* panel titles */
    HF_TEXT_TITLE       /* page titles */
} hf_textsize;
/* Where a text item's (x, y) lives. */
typedef enum hf_coord {
    HF_COORD_DATA = 0, /* data coordinates of the panel */
    HF_COORD_AXES      /* fractions of the plot area, (0,0) bottom-left, (1,1) top-right */
} hf_coord;

/* One tick: position (data coordinates), label (NULL or "" for unlabelled minor ticks). */
typedef struct hf_tick {
    double value;
    const char *label;
    bool major;
    int pow10; /* with is_pow10: label means 10^pow10 (backends may draw a superscript) */
    bool is_pow10;
} hf_tick;

typedef struct hf_axis {
    double min, max; /* data range; log axes need min > 0 */
    bool log;
    const char *label; /* NULL: none */
    bool integer;      /* ticks only at integers (bin indices, categories) */
    bool hide_labels;  /* draw ticks but no tick labels (x of a main panel above a ratio) */
    bool hidden;       /* draw neither ticks nor labels (tables, colour-map category axes) */
    bool categories;   /* explicit ticks are category names (parameters, channels): backends
                          may shrink, rotate or thin their labels; ticks on the labelled side */
    bool no_min_label; /* leave the tick label at `min` out (panels stacked edge to edge) */
    bool no_max_label; /* likewise at `max` */
    size_t nticks;     /* > 0: explicit ticks (categories: parameter names); 0: hf_axis_ticks */
    hf_tick *ticks;
    double label_frac; /* categories: most of the panel's width (y names) or height (x names, turned
                          vertical) the names may take before they are shortened; 0: 0.45 (y),
                          0.3 (x) */
} hf_axis;

typedef enum hf_item_kind {
    HF_ITEM_STACK,  /* stacked filled step histograms */
    HF_ITEM_HIST,   /* one step histogram outline */
    HF_ITEM_BAND,   /* lo..hi band, per bin (step) or through points */
    HF_ITEM_POINTS, /* markers with asymmetric x and y error bars */
    HF_ITEM_LINE,   /* polyline through points */
    HF_ITEM_RULE,   /* a line across the whole plot area at one x (vertical) or y (horizontal) */
    HF_ITEM_SPAN,   /* a shaded strip across the plot area: lo..hi in y (horizontal) or x */
    HF_ITEM_TEXT,   /* a string anchored at (x, y) */
    HF_ITEM_CELLS,  /* colour map: nx x ny cells with values in [vmin, vmax] + colour bar */
    HF_ITEM_TABLE   /* a text table filling the plot area (report pages, yield tables) */
} hf_item_kind;

typedef struct hf_stack {
    size_t nbins, nlayers;
    const double *edges;  /* nbins + 1 */
    const double *values; /* nlayers x nbins, per layer (NOT cumulative); layer 0 at the bottom */
    const hf_ink *ink;    /* nlayers */
    const char **labels;  /* nlayers (legend names) */
} hf_stack;

typedef struct hf_hist {
    size_t nbins;
    const double *edges;  /* nbins + 1 */
    const double *values; /* nbins */
} hf_hist;

typedef struct hf_band {
    size_t n;
    bool step;             /* true: n bins with edges x[0..n]; false: n points x[0..n-1] */
    const double *x;       /* step: n + 1 edges; else n abscissae */
    const double *lo, *hi; /* n */
    hf_fill fill;
} hf_band;

typedef struct hf_points {
    size_t n;
    const double *x, *y;
    const double *exlo, *exhi; /* may be NULL: no x error (lengths, >= 0) */
    const double *eylo, *eyhi; /* may be NULL: no y error (lengths, >= 0) */
    hf_marker marker;
} hf_points;

typedef struct hf_line {
    size_t n;
    const double *x, *y; /* non-finite y breaks the line */
} hf_line;

typedef struct hf_rule {
    bool vertical; /* true: x = value; false: y = value */
    double value;
} hf_rule;

typedef struct hf_span {
    bool vertical; /* true: x in [lo, hi]; false: y in [lo, hi] */
    double lo, hi;
} hf_span;

typedef struct hf_text {
    double x, y;
    hf_coord coord;
    const char *str; /* UTF-8, one line */
    hf_halign halign;
    hf_valign valign;
    hf_textsize size;
    bool bold;
    double angle; /* degrees counter-clockwise (90: reads upwards) */
} hf_text;

/* Cell (i, j), i = column (x), j = row (y), covers x in [x0 + i dx, x0 + (i+1) dx] with
 * dx = (x1 - x0) / nx, likewise y; value v[j * nx + i]; NaN cells are left empty (pruned).
 * The colour is the diverging map (palette) at (v - vmin) / (vmax - vmin). */
typedef struct hf_cells {
    size_t nx, ny;
    double x0, x1, y0, y1;
    const double *v;
    double vmin, vmax;
    bool show_values;       /* print the value in each cell (backends skip when cells are tiny) */
    const char *cbar_label; /* colour bar label; the colour bar is always drawn */
} hf_cells;

/* A table of strings: nrows x ncols, row 0 is the header when header is true.
 * align[c] is the alignment of column c. Backends may split rows that do not fit. */
typedef struct hf_table {
    size_t nrows, ncols;
    const char **cell; /* nrows x ncols, NULL or "" empty */
    const hf_halign *align;
    bool header;
    const bool *rule_after; /* nrows: draw a rule under row r (may be NULL) */
} hf_table;

typedef struct hf_item {
    hf_item_kind kind;
    hf_ink ink; /* STACK uses stack.ink per layer instead */
    hf_dash dash;
    hf_width width;
    double alpha; /* fill opacity for BAND/SPAN/STACK, 1 = opaque (set by the add functions) */
    union {
        hf_stack stack;
        hf_hist hist;
        hf_band band;
        hf_points points;
        hf_line line;
        hf_rule rule;
        hf_span span;
        hf_text text;
        hf_cells cells;
        hf_table table;
    } u;
} hf_item;

/* What a legend entry shows next to its label. */
typedef enum hf_legend_kind {
    HF_LEGEND_FILL = 0, /* filled box (stack layer) */
    HF_LEGEND_HATCH,    /* hatched box (uncertainty band) */
    HF_LEGEND_SHADE,    /* translucent box (span/band) */
    HF_LEGEND_LINE,     /* line segment (dash from the entry) */
    HF_LEGEND_MARKER    /* marker with a vertical error bar (data) */
} hf_legend_kind;

typedef struct hf_legend_entry {
    const char *label;
    hf_ink ink;
    hf_legend_kind kind;
    hf_dash dash;
    hf_marker marker;
} hf_legend_entry;

/* Where the legend goes. INSIDE_AUTO: the backend picks the inside corner that covers the
 * fewest drawn items (builders leave headroom above the data for it). */
typedef enum hf_legend_pos {
    HF_LEGPOS_INSIDE_AUTO = 0,
    HF_LEGPOS_TOP_RIGHT,
    HF_LEGPOS_TOP_LEFT,
    HF_LEGPOS_OUTSIDE_RIGHT, /* right of the plot area, inside the panel's rectangle */
    HF_LEGPOS_ABOVE          /* above the panel's rectangle from the figure's left edge, as wide
                                as the figure: a legend shared by a grid of panels; the builder
                                leaves the room (backends without it place it inside) */
} hf_legend_pos;

typedef struct hf_panel {
    double x0, y0, x1, y1; /* outer rectangle, fractions of the figure, y from the top */
    const char *title;     /* above the plot area, left-aligned; NULL: none */
    size_t title_bold;     /* > 0: only the title's first title_bold bytes are bold (an
                              experiment label: "ATLAS" bold, "Internal ..." regular); 0: all */
    hf_axis x, y;
    bool frame; /* draw the plot-area frame (false for text/table panels) */
    bool grid;  /* light grid lines at major ticks */
    size_t nitems, capitems;
    hf_item *items;
    size_t nlegend, caplegend;
    hf_legend_entry *legend;
    hf_legend_pos legend_pos;
    int legend_columns; /* 0: backend decides */
    bool square;        /* plot area as wide as high (colour maps: square cells when nx == ny) */
} hf_panel;

/* A further PDF outline entry of a page (a page holding two channels has two). */
typedef struct hf_outline {
    const char *entry;
    int level; /* 0 top, 1 child of the last level-0 entry, 2 child of the last level-1 entry */
} hf_outline;

typedef struct hf_scene {
    hf_arena arena; /* owns every array and string of the scene */
    double width_in, height_in;
    double font_width_in; /* > 0: choose text sizes as for a figure this wide (a figure placed on
                             a larger page keeps its own); 0: width_in */
    const char *title;    /* figure title (top line); NULL: none */
    const char *outline;  /* PDF outline (bookmark) entry for this page; NULL: none */
    int outline_level; /* 0 top level, 1 child of the previous level-0 entry, 2 (see hf_outline) */
    size_t nmore, capmore;
    hf_outline *more; /* entries after `outline`, in order, on the same page */
    size_t npanels, cappanels;
    hf_panel **panels;
} hf_scene;

/* Paper sizes (inches): single column, double column; figure heights are the builders' choice. */
#define HF_SCENE_SINGLE_COLUMN 3.4
#define HF_SCENE_DOUBLE_COLUMN 7.0

hf_scene *hf_scene_new(double width_in, double height_in);
void hf_scene_free(hf_scene *s); /* NULL is fine */
int hf_scene_set_title(hf_scene *s, const char *title);
int hf_scene_set_outline(hf_scene *s, const char *entry, int level);
/* One more outline entry for this page (the first one when it has none yet). 0, -1 on ENOMEM. */
int hf_scene_add_outline(hf_scene *s, const char *entry, int level);
char *hf_scene_strdup(hf_scene *s, const char *str); /* a copy owned by the scene */
char *hf_scene_printf(hf_scene *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A new panel covering [x0, x1] x [y0, y1] of the figure (fractions, y from the top), with
 * frame on, linear axes over [0, 1] and no labels. Owned by the scene. */
hf_panel *hf_scene_add_panel(hf_scene *s, double x0, double y0, double x1, double y1);

/* Axis setup. hf_panel_axis_ticks sets explicit ticks (copied; labels may be NULL). */
int hf_panel_set_axis(hf_scene *s, hf_axis *ax, double min, double max, bool log,
                      const char *label);
int hf_panel_axis_ticks(hf_scene *s, hf_axis *ax, size_t n, const double *values,
                        const char *const *labels);
int hf_panel_set_title(hf_scene *s, hf_panel *p, const char *title);

/* Items. Each returns the item (to adjust dash/width/alpha) or NULL on ENOMEM. */
hf_item *hf_panel_add_stack(hf_scene *s, hf_panel *p, size_t nbins, const double *edges,
                            size_t nlayers, const double *values, const hf_ink *ink,
                            const char *const *labels);
hf_item *hf_panel_add_hist(hf_scene *s, hf_panel *p, size_t nbins, const double *edges,
                           const double *values, hf_ink ink);
hf_item *hf_panel_add_band(hf_scene *s, hf_panel *p, size_t n, bool step, const double *x,
                           const double *lo, const double *hi, hf_fill fill, hf_ink ink);
hf_item *hf_panel_add_points(hf_scene *s, hf_panel *p, size_t n, const double *x, const double *y,
                             const double *exlo, const double *exhi, const double *eylo,
                             const double *eyhi, hf_marker marker, hf_ink ink);
hf_item *hf_panel_add_line(hf_scene *s, hf_panel *p, size_t n, const double *x, const double *y,
                           hf_ink ink, hf_dash dash);
hf_item *hf_panel_add_rule(hf_scene *s, hf_panel *p, bool vertical, double value, hf_ink ink,
                           hf_dash dash);
hf_item *hf_panel_add_span(hf_scene *s, hf_panel *p, bool vertical, double lo, double hi,
                           hf_ink ink);
hf_item *hf_panel_add_text(hf_scene *s, hf_panel *p, hf_coord coord, double x, double y,
                           const char *str, hf_halign halign, hf_valign valign, hf_textsize size);
hf_item *hf_panel_add_cells(hf_scene *s, hf_panel *p, size_t nx, size_t ny, double x0, double x1,
                            double y0, double y1, const double *v, double vmin, double vmax,
                            const char *cbar_label);
hf_item *hf_panel_add_table(hf_scene *s, hf_panel *p, size_t nrows, size_t ncols,
                            const char *const *cell, const hf_halign *align, bool header);
/* Rules under table rows (nrows flags, copied). */
int hf_table_set_rules(hf_scene *s, hf_item *table, const bool *rule_after);
/* A legend entry (in order); returns it (set dash/marker) or NULL on ENOMEM. */
hf_legend_entry *hf_panel_add_legend(hf_scene *s, hf_panel *p, const char *label, hf_ink ink,
                                     hf_legend_kind kind);

/* Convenience: an ink. */
static inline hf_ink
hf_ink_of(hf_role role, int index)
{
    hf_ink k = {role, index};
    return k;
}

#endif
