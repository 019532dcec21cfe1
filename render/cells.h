/* render/cells.h - the terminal backend: draws a scene into a grid of character cells
 * {code point, foreground ink, background ink, attributes}. Stacks use eighth blocks, lines and
 * points braille dots, and an ASCII set (gnuplot-dumb style) serves non-UTF-8 terminals. Only
 * app/tui/tui_draw.c maps inks to curses colour pairs; hf_cells_to_text prints a grid. */
#ifndef HF_CELLS_H
#define HF_CELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/palette.h"
#include "render/scene.h"
#include "render/utf8.h" /* the codec, for the grid's users */

typedef enum hf_glyphs {
    HF_GLYPHS_BRAILLE = 0, /* braille dots for lines and points, eighth blocks for stacks */
    HF_GLYPHS_BLOCK,       /* the same, with block markers for points */
    HF_GLYPHS_ASCII        /* 7-bit only: '#', '|', '-', 'o', '.' */
} hf_glyphs;

enum { HF_CELL_BOLD = 1, HF_CELL_REVERSE = 2, HF_CELL_DIM = 4 };

/* An ink with role HF_CELL_NOINK is the terminal's default colour. */
#define HF_CELL_NOINK HF_ROLE_COUNT
/* Diverging colour-map levels (correlation heat maps): fgmap/bgmap in 0 .. HF_CELL_MAPLEVELS-1. */
#define HF_CELL_MAPLEVELS 11

/* Distinct monochrome fill patterns for stack layers (they repeat after this many samples). */
#define HF_CELL_NPAT 8

typedef struct hf_cell {
    uint32_t cp;       /* Unicode code point; ' ' when empty */
    hf_ink fg, bg;     /* colour roles */
    signed char fgmap; /* -1, or a colour-map level that replaces fg */
    signed char bgmap;
    unsigned char attr; /* HF_CELL_* */
    unsigned char fill; /* internal: 1 when the cell is a filled area (stack/cells) */
} hf_cell;

typedef struct hf_cellgrid {
    int w, h;
    hf_cell *cell; /* h rows of w */
    hf_glyphs glyphs;
    bool mono; /* no colours: stack layers differ by fill patterns, points reverse */
    /* internal (monochrome): the sample inks of the stacks drawn and the pattern each got, so
     * that the samples of a figure never share one and the legend matches */
    hf_ink pat_ink[HF_CELL_NPAT];
    int pat_slot[HF_CELL_NPAT];
    int npat;
    bool oom; /* internal: an allocation failed while drawing (hf_cells_draw fails) */
} hf_cellgrid;

/* A w x h grid of empty cells (w, h >= 1), NULL on ENOMEM. Free with hf_cells_free. */
hf_cellgrid *hf_cells_new(int w, int h);
void hf_cells_free(hf_cellgrid *g); /* NULL is fine */
/* Resize (contents cleared). Returns 0 or -1 on ENOMEM (the grid is unchanged). */
int hf_cells_resize(hf_cellgrid *g, int w, int h);
void hf_cells_clear(hf_cellgrid *g);
hf_cell *hf_cells_at(hf_cellgrid *g, int x, int y); /* NULL outside */

/* Write UTF-8 text at (x, y), clipped to the grid; returns the columns used. */
int hf_cells_text(hf_cellgrid *g, int x, int y, const char *utf8, hf_ink ink, unsigned attr);

/* Draw scene s over the whole grid with the glyph set (the grid's glyphs field is set too).
 * Panels map their figure fractions onto the grid; margins leave room for tick labels. Returns 0,
 * or -1 when out of memory (the grid then holds an incomplete figure: do not show it). */
int hf_cells_draw(hf_cellgrid *g, const hf_scene *s, hf_glyphs glyphs);

/* The grid as UTF-8 text, one line per row with trailing blanks removed. With pal != NULL,
 * colours as xterm-256 SGR escapes. Returns a malloc'ed string (caller frees), NULL on ENOMEM. */
char *hf_cells_to_text(const hf_cellgrid *g, const hf_palette *pal);

/* Parse a grid size "WxH" (each 10..1000, as --cells takes it) into *w, *h; 0 or -1. */
int hf_cells_parse_size(const char *s, int *w, int *h);

/* Scene s drawn into a new w x h grid (mono: monochrome fill patterns) and returned as
 * hf_cells_to_text without colours: a malloc'ed string, NULL on ENOMEM. */
char *hf_cells_scene_text(const hf_scene *s, int w, int h, hf_glyphs glyphs, bool mono);

#endif
