/* render/cells.c - the terminal backend: a scene drawn as character cells. Stacks fill columns with
 * lower eighth blocks (U+2581..U+2588; two layers meet inside a cell as fg/bg), lines and error
 * bars go through a braille dot canvas (2x4 dots per cell, redis lolwut5.c bit order), and the
 * ASCII set follows gnuplot's dumb terminal. Axis labels stay outside the plot area. */
#include "render/cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/axis.h"
#include "render/layout.h"

static const hf_ink noink = {HF_CELL_NOINK, 0};

/* ---- grid ---- */

static void
clear_cell(hf_cell *c)
{
    c->cp = ' ';
    c->fg = noink;
    c->bg = noink;
    c->fgmap = -1;
    c->bgmap = -1;
    c->attr = 0;
    c->fill = 0;
}

/* A new w x h grid of blanks; NULL on ENOMEM (or a non-positive size). */
hf_cellgrid *
hf_cells_new(int w, int h)
{
    if (w < 1 || h < 1)
        return NULL;
    hf_cellgrid *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return NULL;
    g->cell = calloc((size_t)w * (size_t)h, sizeof(*g->cell));
    if (g->cell == NULL) {
        free(g);
        return NULL;
    }
    g->w = w;
    g->h = h;
    hf_cells_clear(g);
    return g;
}

/* Free a grid; NULL is fine. */
void
hf_cells_free(hf_cellgrid *g)
{
    if (g == NULL)
        return;
    free(g->cell);
    free(g);
}

/* Resize to w x h (cleared). Returns -1 on ENOMEM or a bad size, leaving g as it was. */
int
hf_cells_resize(hf_cellgrid *g, int w, int h)
{
    if (w < 1 || h < 1)
        return -1;
    if (w != g->w || h != g->h) {
        hf_cell *c = calloc((size_t)w * (size_t)h, sizeof(*c));
        if (c == NULL)
            return -1;
        free(g->cell);
        g->cell = c;
        g->w = w;
        g->h = h;
    }
    hf_cells_clear(g);
    return 0;
}

/* Every cell blank, default colours. */
void
hf_cells_clear(hf_cellgrid *g)
{
    g->npat = 0;
    for (size_t i = 0; i < (size_t)g->w * (size_t)g->h; i++)
        clear_cell(&g->cell[i]);
}

/* The cell at column x, row y (0-based, from the top left); NULL outside the grid. */
hf_cell *
hf_cells_at(hf_cellgrid *g, int x, int y)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return NULL;
    return &g->cell[(size_t)y * (size_t)g->w + (size_t)x];
}

/* A 7-bit stand-in for the code points figure labels use; '?' for the rest. */
static uint32_t
ascii_of(uint32_t cp)
{
    static const struct {
        uint32_t cp;
        char a;
    } map[] = {{0x00B7, '-'}, {0x2013, '-'}, {0x2014, '-'}, {0x2212, '-'}, {0x207B, '-'},
               {0x00B1, '~'}, {0x03C3, 's'}, {0x03B8, 't'}, {0x03BC, 'u'}, {0x03C1, 'r'},
               {0x0394, 'D'}, {0x00B2, '2'}, {0x00B3, '3'}, {0x00B9, '1'}, {0x2070, '0'},
               {0x2074, '4'}, {0x2075, '5'}, {0x2076, '6'}, {0x2077, '7'}, {0x2078, '8'},
               {0x2079, '9'}, {0x2080, '0'}, {0x2081, '1'}, {0x2082, '2'}, {0x0302, '^'},
               {0x2192, '>'}, {0x2190, '<'}, {0x2264, '<'}, {0x2265, '>'}, {0x00D7, 'x'},
               {0x03B1, 'a'}, {0x03B2, 'b'}, {0x03B3, 'g'}, {0x03B4, 'd'}, {0x03B5, 'e'},
               {0x03BB, 'l'}, {0x03BD, 'v'}, {0x03C4, 't'}, {0x03C7, 'X'}, {0x03A3, 'S'},
               {0x2211, 'S'}, {0x2248, '~'}, {0x221E, 'I'}, {0x2026, '.'}, {0x00B0, 'o'},
               {0x2083, '3'}, {0x2084, '4'}, {0x2260, '#'}, {0x2022, '*'}, {0x25CF, 'o'}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].cp == cp)
            return (uint32_t)map[i].a;
    return '?';
}

static int text_clipped(hf_cellgrid *g, int x, int y, const char *utf8, hf_ink ink, unsigned attr,
                        int xend);

/* Text at (x, y); non-ASCII code points get 7-bit stand-ins in the ASCII glyph set. */
int
hf_cells_text(hf_cellgrid *g, int x, int y, const char *utf8, hf_ink ink, unsigned attr)
{
    return text_clipped(g, x, y, utf8, ink, attr, g->w);
}

/* Text that stops before column xend (a panel's right edge). */
static int
text_clipped(hf_cellgrid *g, int x, int y, const char *utf8, hf_ink ink, unsigned attr, int xend)
{
    int n = 0;
    if (utf8 == NULL)
        return 0;
    while (*utf8 != '\0') {
        uint32_t cp = hf_utf8_cell(hf_utf8_decode(&utf8));
        if (g->glyphs == HF_GLYPHS_ASCII && cp > 126)
            cp = ascii_of(cp);
        if (cp == 0x0302 || (cp >= 0x0300 && cp < 0x0370 && g->glyphs != HF_GLYPHS_ASCII))
            continue; /* combining marks (θ̂) have no cell of their own */
        hf_cell *c = x + n < xend ? hf_cells_at(g, x + n, y) : NULL;
        if (c != NULL) {
            c->cp = cp;
            c->fg = ink;
            c->fgmap = -1;
            c->attr = (unsigned char)attr;
            c->fill = 0;
        }
        n++;
    }
    return n;
}

/* ---- wrapped text ---- */

/* Draw utf8 wrapped into at most maxl rows of `width` columns from (x, y); when text is left
 * over the last row ends in an ellipsis. Returns the rows used. */
static int
text_wrapped(hf_cellgrid *g, int x, int y, int width, int maxl, const char *utf8, hf_ink ink,
             unsigned attr)
{
    size_t st[HF_UTF8_WRAP_MAXL], len[HF_UTF8_WRAP_MAXL];
    bool more;
    int n = hf_utf8_wrap(utf8, width, maxl, st, len, &more);
    for (int k = 0; k < n; k++) {
        char *line = malloc(len[k] + 1);
        if (line == NULL) {
            g->oom = true;
            return k;
        }
        memcpy(line, utf8 + st[k], len[k]);
        line[len[k]] = '\0';
        bool last = more && k == n - 1;
        int used = text_clipped(g, x, y + k, line, ink, attr, x + width - (last ? 1 : 0));
        if (last)
            text_clipped(g, x + (used < width - 1 ? used : width - 1), y + k, "\xe2\x80\xa6", ink,
                         attr, x + width);
        free(line);
    }
    return n;
}

/* Rows utf8 takes wrapped to `width` columns (at most maxl). */
static int
wrap_rows(const char *utf8, int width, int maxl)
{
    size_t st[HF_UTF8_WRAP_MAXL], len[HF_UTF8_WRAP_MAXL];
    return hf_utf8_wrap(utf8, width, maxl, st, len, NULL);
}

/* ---- glyph choices ---- */

static bool
is_ascii(const hf_cellgrid *g)
{
    return g->glyphs == HF_GLYPHS_ASCII;
}

/* The fill glyph of a stack layer when colours cannot tell layers apart (mono, ASCII). */
/* The pattern slot of a sample ink in this drawing: handed out in the order stacks are drawn
 * (bottom layer first), so a figure's samples differ while there are at most HF_CELL_NPAT. */
static int
pattern_of(hf_cellgrid *g, hf_ink ink)
{
    int i = ink.index < 0 ? -ink.index : ink.index;
    for (int k = 0; k < g->npat; k++)
        if (g->pat_ink[k].role == ink.role && g->pat_ink[k].index == ink.index)
            return g->pat_slot[k];
    if (g->npat >= HF_CELL_NPAT)
        return i % HF_CELL_NPAT;
    /* the sample's own slot (its colour index) when free, so that a sample keeps its pattern
     * across figures of a model with up to HF_CELL_NPAT samples; else the first free one */
    int slot = i % HF_CELL_NPAT;
    for (int tries = 0; tries < HF_CELL_NPAT; tries++, slot = (slot + 1) % HF_CELL_NPAT) {
        bool used = false;
        for (int k = 0; k < g->npat && !used; k++)
            used = g->pat_slot[k] == slot;
        if (!used)
            break;
    }
    g->pat_ink[g->npat] = ink;
    g->pat_slot[g->npat++] = slot;
    return slot;
}

/* A stack layer's glyph: a full block in colour; without colours one of HF_CELL_NPAT patterns
 * (never the light shade or ':', which the uncertainty band uses, nor the 'o' of data). */
static uint32_t
layer_glyph(hf_cellgrid *g, hf_ink ink)
{
    static const uint32_t pat[HF_CELL_NPAT] = {0x2588, 0x2593, 0x2592, 0x259A,
                                               0x259E, 0x2573, 0x25A4, 0x25A5};
    static const char ascii[HF_CELL_NPAT + 1] = "#%@=*+x&";
    if (!g->mono)
        return is_ascii(g) ? '#' : 0x2588;
    int k = pattern_of(g, ink);
    return is_ascii(g) ? (uint32_t)ascii[k] : pat[k];
}

static uint32_t
marker_glyph(const hf_cellgrid *g)
{
    if (is_ascii(g))
        return 'o';
    return g->glyphs == HF_GLYPHS_BLOCK ? 0x25A0 : 0x25CF; /* ■ or ● */
}

static bool
cell_empty(const hf_cell *c)
{
    return c->cp == ' ' && !c->fill && c->bgmap < 0;
}

/* ---- geometry ---- */

typedef struct geom {
    int ox0, oy0, ox1, oy1; /* panel rectangle, exclusive ends */
    int px, py, pw, ph;     /* plot area */
} geom;

static double
axis_frac(const hf_axis *ax, double v)
{
    if (ax->log && !(v > 0))
        return -INFINITY;
    return hf_axis_frac(ax, v);
}

static double
axis_value(const hf_axis *ax, double f)
{
    if (ax->log && ax->min > 0 && ax->max > 0)
        return exp(log(ax->min) + f * (log(ax->max) - log(ax->min)));
    return ax->min + f * (ax->max - ax->min);
}

static int
clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Row of the plot area for a y fraction (0 bottom row, 1 top row); may be outside. */
static int
row_of(const geom *gm, double f)
{
    double r = floor(f * gm->ph);
    if (f >= 1.0 && f < 1.0 + 1e-9)
        r = gm->ph - 1;
    if (!(r > -1e6))
        r = -1e6;
    if (r > 1e6)
        r = 1e6;
    return gm->py + gm->ph - 1 - (int)r;
}

static int
col_of(const geom *gm, double f)
{
    double c = floor(f * gm->pw);
    if (f >= 1.0 && f < 1.0 + 1e-9)
        c = gm->pw - 1;
    if (!(c > -1e6))
        c = -1e6;
    if (c > 1e6)
        c = 1e6;
    return gm->px + (int)c;
}

static bool
in_plot(const geom *gm, int x, int y)
{
    return x >= gm->px && x < gm->px + gm->pw && y >= gm->py && y < gm->py + gm->ph;
}

/* Tick label in the glyph set: "10^3" becomes "10³" with Unicode. */
static void
tick_label(const hf_cellgrid *g, const hf_tick *t, char *buf, size_t n)
{
    static const char *const sup[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    if (!t->is_pow10 || is_ascii(g)) {
        snprintf(buf, n, "%s", t->label ? t->label : "");
        return;
    }
    int p = t->pow10;
    char tmp[32];
    size_t len = (size_t)snprintf(tmp, sizeof(tmp), "10%s", p < 0 ? "⁻" : "");
    char digits[16];
    snprintf(digits, sizeof(digits), "%d", p < 0 ? -p : p);
    for (const char *d = digits; *d && len + 4 < sizeof(tmp); d++)
        len += (size_t)snprintf(tmp + len, sizeof(tmp) - len, "%s", sup[*d - '0']);
    snprintf(buf, n, "%s", tmp);
}

/* Ticks of an axis `cells` long with a label every `per_label` cells at most (render/layout.h);
 * none for hidden or empty axes. */
static void
ticks_of(const hf_axis *ax, int cells, int per_label, hf_tickset *ts)
{
    ts->n = 0;
    if (ax->hidden || !(ax->max > ax->min) || (ax->log && !(ax->min > 0)))
        return;
    hf_layout_ticks(ax, cells, per_label, 1, ts);
}

/* ---- braille canvas ---- */

typedef struct dots {
    int w, h; /* in dots: 2 per column, 4 per row */
    unsigned char *bits;
    hf_ink *ink;
    bool any;
} dots;

static void
dot_set(dots *d, int sx, int sy, hf_ink ink)
{
    if (sx < 0 || sy < 0 || sx >= d->w || sy >= d->h)
        return;
    int cx = sx / 2, cyb = sy / 4;    /* cell, counted from the bottom */
    int dr = 3 - sy % 4, dc = sx % 2; /* dot row from the top, column */
    int bit = dr < 3 ? (dc == 0 ? dr : 3 + dr) : (dc == 0 ? 6 : 7); /* 0 3 / 1 4 / 2 5 / 6 7 */
    size_t i = (size_t)cyb * (size_t)(d->w / 2) + (size_t)cx;
    d->bits[i] |= (unsigned char)(1u << bit);
    d->ink[i] = ink;
    d->any = true;
}

/* Bresenham between two dots (clipped by dot_set). */
static void
dot_line(dots *d, int x0, int y0, int x1, int y1, hf_ink ink)
{
    int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
    int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
    int e = dx + dy;
    for (int guard = 0; guard < 100000; guard++) {
        dot_set(d, x0, y0, ink);
        if (x0 == x1 && y0 == y1)
            break;
        int e2 = 2 * e;
        if (e2 >= dy) {
            e += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            e += dx;
            y0 += sy;
        }
    }
}

static int
dot_clamp(double v, int n)
{
    if (!(v > -4.0 * n))
        return -4 * n;
    if (v > 4.0 * n)
        return 4 * n;
    return (int)floor(v);
}

static int
dot_x(const dots *d, const hf_axis *ax, double x)
{
    return dot_clamp(axis_frac(ax, x) * d->w, d->w);
}

static int
dot_y(const dots *d, const hf_axis *ax, double y)
{
    return dot_clamp(axis_frac(ax, y) * d->h, d->h);
}

/* ASCII stand-in for a braille cell: which dot rows are set decides the character. */
static uint32_t
dots_ascii(unsigned bits)
{
    bool r0 = bits & 0x09, r1 = bits & 0x12, r2 = bits & 0x24, r3 = bits & 0xC0;
    int rows = r0 + r1 + r2 + r3;
    if (rows >= 3 || (r0 && r3))
        return '|';
    if (r0 && !r2)
        return '\'';
    if (r3 || (r2 && !r1))
        return '.';
    return '-';
}

/* Copy the canvas into the plot area and clear it. A dot over a filled cell keeps the fill's
 * colour as its background (or reverses in mono), so data over a stack stays readable. */
static void
dots_flush(hf_cellgrid *g, const geom *gm, dots *d)
{
    if (!d->any)
        return;
    int cw = d->w / 2, ch = d->h / 4;
    for (int cyb = 0; cyb < ch; cyb++)
        for (int cx = 0; cx < cw; cx++) {
            size_t i = (size_t)cyb * (size_t)cw + (size_t)cx;
            if (d->bits[i] == 0)
                continue;
            hf_cell *c = hf_cells_at(g, gm->px + cx, gm->py + gm->ph - 1 - cyb);
            if (c != NULL) {
                if (c->fill) {
                    c->bg = c->fg;
                    c->bgmap = c->fgmap;
                    if (g->mono)
                        c->attr |= HF_CELL_REVERSE;
                }
                c->cp = is_ascii(g) ? dots_ascii(d->bits[i]) : 0x2800u | d->bits[i];
                c->fg = d->ink[i];
                c->fgmap = -1;
                c->fill = 0;
            }
            d->bits[i] = 0;
        }
    d->any = false;
}

/* ---- items ---- */

/* Fill one column of a stack: tops[k] is the cumulative top of layer k in cell units. */
static void
stack_column(hf_cellgrid *g, const geom *gm, int x, const double *tops, const hf_ink *ink,
             size_t nl)
{
    bool colour = !g->mono && !is_ascii(g);
    for (int r = 0; r < gm->ph; r++) {
        double lo = r, hi = r + 1;
        size_t a = 0;
        while (a < nl && !(tops[a] > lo + 1e-9))
            a++;
        if (a == nl)
            break;
        hf_cell *c = hf_cells_at(g, x, gm->py + gm->ph - 1 - r);
        if (c == NULL)
            continue;
        double ea = fmin(tops[a], hi) - lo; /* bottom part of the cell covered by layer a */
        size_t b = a + 1;
        while (b < nl && !(tops[b] > tops[a] + 1e-9))
            b++;
        bool above = b < nl && tops[a] < hi - 1e-9;
        int k = (int)lround(ea * 8);
        clear_cell(c);
        c->fill = 1;
        if (colour) {
            if (k >= 8 || (k == 0 && !above)) {
                if (k == 0) { /* a sliver under an eighth: leave the cell empty */
                    c->fill = 0;
                    continue;
                }
                c->cp = 0x2588;
                c->fg = ink[a];
            } else if (k == 0) {
                c->cp = 0x2588;
                c->fg = ink[b];
            } else {
                c->cp = 0x2580u + (uint32_t)k; /* lower k eighths */
                c->fg = ink[a];
                c->bg = above ? ink[b] : noink;
                if (!above)
                    c->fill = k >= 4;
            }
            continue;
        }
        /* mono / ASCII: the layer at the cell's centre decides the glyph */
        size_t m = 0;
        while (m < nl && !(tops[m] > lo + 0.5))
            m++;
        if (m < nl) {
            c->cp = layer_glyph(g, ink[m]);
            c->fg = ink[m];
        } else if (!is_ascii(g) && k > 0) {
            c->cp = 0x2580u + (uint32_t)(k > 8 ? 8 : k);
            c->fg = ink[a];
            c->fill = 0;
        } else {
            c->fill = 0;
        }
    }
}

static void
draw_stack(hf_cellgrid *g, const geom *gm, const hf_panel *p, const hf_stack *st)
{
    double *tops = malloc((st->nlayers ? st->nlayers : 1) * sizeof(*tops));
    g->oom |= tops == NULL;
    if (tops == NULL || st->nbins == 0)
        goto out;
    for (size_t k = 0; k < st->nlayers; k++) /* patterns by layer, bottom first */
        pattern_of(g, st->ink[k]);
    double base = p->y.log ? p->y.min : fmax(p->y.min, 0.0);
    for (int i = 0; i < gm->pw; i++) {
        double xc = axis_value(&p->x, (i + 0.5) / gm->pw);
        size_t b = 0;
        if (!(xc >= st->edges[0] && xc < st->edges[st->nbins]))
            continue;
        while (b + 1 < st->nbins && !(xc < st->edges[b + 1]))
            b++;
        double sum = p->y.log ? 0 : base;
        for (size_t k = 0; k < st->nlayers; k++) {
            double v = st->values[k * st->nbins + b];
            if (isfinite(v) && v > 0)
                sum += v;
            double f = axis_frac(&p->y, sum);
            if (p->y.log && !(sum > 0))
                f = 0;
            f = fmax(0.0, fmin(1.0, f));
            tops[k] = f * gm->ph;
            if (k > 0 && tops[k] < tops[k - 1])
                tops[k] = tops[k - 1];
        }
        stack_column(g, gm, gm->px + i, tops, st->ink, st->nlayers);
    }
out:
    free(tops);
}

static void
draw_hist(dots *d, const hf_panel *p, const hf_hist *h, hf_ink ink)
{
    int prev = 0;
    for (size_t b = 0; b < h->nbins; b++) {
        int x0 = dot_x(d, &p->x, h->edges[b]), x1 = dot_x(d, &p->x, h->edges[b + 1]) - 1;
        double v = h->values[b];
        int y = isfinite(v) ? dot_y(d, &p->y, v) : 0;
        if (y < 0)
            y = 0;
        if (y >= d->h)
            y = d->h - 1;
        if (b > 0)
            dot_line(d, x0, prev, x0, y, ink);
        dot_line(d, x0, y, x1 < x0 ? x0 : x1, y, ink);
        prev = y;
    }
}

static void
draw_line(dots *d, const hf_panel *p, const hf_line *l, hf_ink ink, hf_dash dash)
{
    bool have = false;
    int px = 0, py = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!isfinite(l->x[i]) || !isfinite(l->y[i]) || (p->y.log && !(l->y[i] > 0))) {
            have = false;
            continue;
        }
        int x = dot_x(d, &p->x, l->x[i]), y = dot_y(d, &p->y, l->y[i]);
        if (have) {
            if (dash == HF_DASH_SOLID)
                dot_line(d, px, py, x, y, ink);
            else
                dot_set(d, x, y, ink); /* dashed/dotted: the points only */
        }
        have = true;
        px = x;
        py = y;
    }
    if (l->n == 1 && have)
        dot_set(d, px, py, ink);
}

static void
draw_points(hf_cellgrid *g, const geom *gm, dots *d, const hf_panel *p, const hf_points *pt,
            hf_ink ink)
{
    for (size_t i = 0; i < pt->n; i++) {
        double x = pt->x[i], y = pt->y[i];
        if (!isfinite(x) || !isfinite(y))
            continue;
        int sx = dot_x(d, &p->x, x);
        if (pt->eylo != NULL && pt->eyhi != NULL) {
            double lo = y - pt->eylo[i], hi = y + pt->eyhi[i];
            if (p->y.log && !(lo > 0))
                lo = p->y.min;
            int y0 = dot_y(d, &p->y, lo), y1 = dot_y(d, &p->y, hi);
            if (y1 >= 0 && y0 < d->h)
                dot_line(d, sx, y0 < 0 ? 0 : y0, sx, y1 >= d->h ? d->h - 1 : y1, ink);
        }
    }
    dots_flush(g, gm, d);
    for (size_t i = 0; i < pt->n; i++) {
        double x = pt->x[i], y = pt->y[i];
        if (!isfinite(x) || !isfinite(y) || pt->marker == HF_MARKER_NONE)
            continue;
        int cx = col_of(gm, axis_frac(&p->x, x)), cy = row_of(gm, axis_frac(&p->y, y));
        if (!in_plot(gm, cx, cy))
            continue;
        hf_cell *c = hf_cells_at(g, cx, cy);
        if (c->fill) {
            c->bg = c->fg;
            c->bgmap = c->fgmap;
            if (g->mono)
                c->attr |= HF_CELL_REVERSE;
        }
        c->cp = marker_glyph(g);
        c->fg = ink;
        c->fgmap = -1;
        c->fill = 0;
    }
}

/* lo/hi of a band at x: the bin containing x (step) or linear interpolation between points. */
static bool
band_at(const hf_band *b, double x, double *lo, double *hi)
{
    if (b->n == 0)
        return false;
    if (b->step) {
        if (!(x >= b->x[0] && x < b->x[b->n]))
            return false;
        size_t k = 0;
        while (k + 1 < b->n && !(x < b->x[k + 1]))
            k++;
        *lo = b->lo[k];
        *hi = b->hi[k];
        return isfinite(*lo) && isfinite(*hi);
    }
    for (size_t k = 0; k + 1 < b->n; k++)
        if (x >= b->x[k] && x <= b->x[k + 1]) {
            double t = b->x[k + 1] > b->x[k] ? (x - b->x[k]) / (b->x[k + 1] - b->x[k]) : 0;
            *lo = b->lo[k] + t * (b->lo[k + 1] - b->lo[k]);
            *hi = b->hi[k] + t * (b->hi[k + 1] - b->hi[k]);
            return isfinite(*lo) && isfinite(*hi);
        }
    return false;
}

/* Shade empty cells between two rows (fractions of the plot height) in one column. */
static void
shade_column(hf_cellgrid *g, const geom *gm, int x, double flo, double fhi, hf_ink ink)
{
    double a = fmax(0.0, flo) * gm->ph, b = fmin(1.0, fhi) * gm->ph;
    if (!(b >= a) || b < 0 || a > gm->ph)
        return;
    int r0 = (int)floor(a + 0.5), r1 = (int)floor(b + 0.5) - 1;
    if (r1 < r0) /* thinner than a cell: mark the cell holding its middle */
        r0 = r1 = clampi((int)floor((a + b) / 2), 0, gm->ph - 1);
    for (int r = r0; r <= r1 && r < gm->ph; r++) {
        hf_cell *c = hf_cells_at(g, x, gm->py + gm->ph - 1 - r);
        if (c == NULL || !cell_empty(c))
            continue;
        c->cp = is_ascii(g) ? ':' : 0x2591; /* ░ */
        c->fg = ink;
    }
}

static void
draw_band(hf_cellgrid *g, const geom *gm, const hf_panel *p, const hf_band *b, hf_ink ink)
{
    for (int i = 0; i < gm->pw; i++) {
        double lo, hi, xc = axis_value(&p->x, (i + 0.5) / gm->pw);
        if (!band_at(b, xc, &lo, &hi))
            continue;
        double flo = p->y.log && !(lo > 0) ? 0.0 : axis_frac(&p->y, lo);
        shade_column(g, gm, gm->px + i, flo, axis_frac(&p->y, hi), ink);
    }
}

static void
draw_span(hf_cellgrid *g, const geom *gm, const hf_panel *p, const hf_span *s, hf_ink ink)
{
    if (!s->vertical) {
        double flo = axis_frac(&p->y, s->lo), fhi = axis_frac(&p->y, s->hi);
        for (int i = 0; i < gm->pw; i++)
            shade_column(g, gm, gm->px + i, flo, fhi, ink);
        return;
    }
    for (int i = 0; i < gm->pw; i++) {
        double xc = axis_value(&p->x, (i + 0.5) / gm->pw);
        if (xc >= fmin(s->lo, s->hi) && xc <= fmax(s->lo, s->hi))
            shade_column(g, gm, gm->px + i, 0.0, 1.0, ink);
    }
}

/* A rule may cross empty cells and band shading, never stacks, points or text. */
static bool
rule_can_take(const hf_cellgrid *g, const hf_cell *c)
{
    return cell_empty(c) || (!c->fill && c->cp == (is_ascii(g) ? ':' : 0x2591));
}

static void
draw_rule(hf_cellgrid *g, const geom *gm, const hf_panel *p, const hf_rule *r, hf_ink ink,
          hf_dash dash)
{
    bool a = is_ascii(g);
    if (!r->vertical) {
        double f = axis_frac(&p->y, r->value);
        if (!(f >= 0 && f <= 1))
            return;
        int y = row_of(gm, f);
        uint32_t cp = a                        ? '-'
                      : dash == HF_DASH_SOLID  ? 0x2500
                      : dash == HF_DASH_DASHED ? 0x254C
                                               : 0x2508;
        for (int x = gm->px; x < gm->px + gm->pw; x++) {
            hf_cell *c = hf_cells_at(g, x, y);
            if (c != NULL && rule_can_take(g, c)) {
                c->cp = cp;
                c->fg = ink;
            }
        }
        return;
    }
    double f = axis_frac(&p->x, r->value);
    if (!(f >= 0 && f <= 1))
        return;
    int x = col_of(gm, f);
    uint32_t cp = a ? (dash == HF_DASH_SOLID ? '|' : ':') : dash == HF_DASH_SOLID ? 0x2502 : 0x2506;
    for (int y = gm->py; y < gm->py + gm->ph; y++) {
        hf_cell *c = hf_cells_at(g, x, y);
        if (c != NULL && rule_can_take(g, c)) {
            c->cp = cp;
            c->fg = ink;
        }
    }
}

static void
draw_text(hf_cellgrid *g, const geom *gm, const hf_panel *p, const hf_text *t, hf_ink ink)
{
    double fx, fy;
    if (t->coord == HF_COORD_AXES) {
        fx = t->x;
        fy = t->y;
    } else {
        fx = axis_frac(&p->x, t->x);
        fy = axis_frac(&p->y, t->y);
    }
    if (!isfinite(fx) || !isfinite(fy))
        return;
    int x = col_of(gm, fmin(fmax(fx, 0.0), 1.0)), y = row_of(gm, fmin(fmax(fy, 0.0), 1.0));
    int w = (int)hf_utf8_width(t->str);
    if (t->halign == HF_HALIGN_CENTER)
        x -= w / 2;
    else if (t->halign == HF_HALIGN_RIGHT)
        x -= w - 1;
    x = clampi(x, gm->ox0, gm->ox1 - w > gm->ox0 ? gm->ox1 - w : gm->ox0);
    int width = w < gm->ox1 - x ? w : gm->ox1 - x;
    /* an annotation over drawn data would garble both at terminal resolution: leave it out
     * (the figure's exports keep it); one too long for the panel wraps onto the free rows
     * below it */
    int need = w > width ? wrap_rows(t->str, width, HF_UTF8_WRAP_MAXL) : 1, rows = 0;
    for (; rows < need && y + rows < gm->oy1; rows++) {
        bool free_row = true;
        for (int k = 0; k < width && free_row; k++) {
            const hf_cell *c = hf_cells_at(g, x + k, y + rows);
            free_row = c == NULL || cell_empty(c) || c->cp == 0x2591 || c->cp == ':';
        }
        if (!free_row)
            break;
    }
    if (rows == 0)
        return;
    text_wrapped(g, x, y, width, rows, t->str, ink, t->bold ? HF_CELL_BOLD : 0);
}

static void
draw_cells(hf_cellgrid *g, const geom *gm, const hf_panel *p, const hf_cells *m)
{
    static const char *const pos_mono = " .+*#", *const neg_mono = " .-=%";
    static const uint32_t pos_uni[] = {' ', 0x2591, 0x2592, 0x2593, 0x2588};
    if (m->nx == 0 || m->ny == 0 || !(m->vmax > m->vmin))
        return;
    double dx = (m->x1 - m->x0) / (double)m->nx, dy = (m->y1 - m->y0) / (double)m->ny;
    for (int cy = gm->py; cy < gm->py + gm->ph; cy++)
        for (int cx = gm->px; cx < gm->px + gm->pw; cx++) {
            double xc = axis_value(&p->x, (cx - gm->px + 0.5) / gm->pw);
            double yc = axis_value(&p->y, 1.0 - (cy - gm->py + 0.5) / gm->ph);
            double fi = floor((xc - m->x0) / dx), fj = floor((yc - m->y0) / dy);
            if (!(fi >= 0 && fi < (double)m->nx && fj >= 0 && fj < (double)m->ny))
                continue;
            double v = m->v[(size_t)fj * m->nx + (size_t)fi];
            if (!isfinite(v))
                continue;
            double t = fmin(1.0, fmax(0.0, (v - m->vmin) / (m->vmax - m->vmin)));
            hf_cell *c = hf_cells_at(g, cx, cy);
            clear_cell(c);
            c->fill = 1;
            if (!g->mono) {
                c->bgmap = (signed char)lround(t * (HF_CELL_MAPLEVELS - 1));
                c->fgmap = c->bgmap;
                c->cp = is_ascii(g) ? ' ' : 0x2588;
                if (is_ascii(g))
                    c->fill = 0;
            } else {
                int k = (int)lround(fabs(t - 0.5) * 2 * 4);
                k = clampi(k, 0, 4);
                c->cp = t >= 0.5 ? (is_ascii(g) ? (uint32_t)pos_mono[k] : pos_uni[k])
                                 : (uint32_t)neg_mono[k];
                c->fg.role = HF_ROLE_FG;
            }
        }
    if (!m->show_values)
        return;
    int cw = (int)(gm->pw / (double)m->nx), chh = (int)(gm->ph / (double)m->ny);
    if (cw < 5 || chh < 1)
        return;
    for (size_t j = 0; j < m->ny; j++)
        for (size_t i = 0; i < m->nx; i++) {
            double v = m->v[j * m->nx + i];
            if (!isfinite(v))
                continue;
            char buf[16];
            snprintf(buf, sizeof(buf), "%.2f", v);
            double xm = m->x0 + ((double)i + 0.5) * dx, ym = m->y0 + ((double)j + 0.5) * dy;
            int x = col_of(gm, axis_frac(&p->x, xm)) - (int)strlen(buf) / 2;
            int y = row_of(gm, axis_frac(&p->y, ym));
            for (size_t k = 0; buf[k]; k++) {
                hf_cell *c = hf_cells_at(g, x + (int)k, y);
                if (c == NULL || !in_plot(gm, x + (int)k, y))
                    continue;
                c->cp = (unsigned char)buf[k];
                c->fg = hf_ink_of(HF_ROLE_FG, 0);
                c->fgmap = -1;
                if (g->mono)
                    c->attr |= HF_CELL_REVERSE;
            }
        }
}

static void
draw_table(hf_cellgrid *g, const geom *gm, const hf_table *t)
{
    size_t nc = t->ncols;
    int *w = calloc(nc ? nc : 1, sizeof(*w));
    if (w == NULL) {
        g->oom = true;
        return;
    }
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < nc; c++) {
            const char *s = t->cell[r * nc + c];
            int n = s ? (int)hf_utf8_width(s) : 0;
            if (n > w[c])
                w[c] = n;
        }
    int y = gm->py;
    for (size_t r = 0; r < t->nrows && y < gm->py + gm->ph; r++, y++) {
        int x = gm->px;
        for (size_t c = 0; c < nc; c++) {
            const char *s = t->cell[r * nc + c];
            int n = s ? (int)hf_utf8_width(s) : 0;
            int off = 0;
            hf_halign al = t->align ? t->align[c] : HF_HALIGN_LEFT;
            if (al == HF_HALIGN_RIGHT)
                off = w[c] - n;
            else if (al == HF_HALIGN_CENTER)
                off = (w[c] - n) / 2;
            if (s != NULL && x < gm->px + gm->pw) {
                hf_cells_text(g, x + off, y, s, hf_ink_of(HF_ROLE_FG, 0),
                              t->header && r == 0 ? HF_CELL_BOLD : 0);
            }
            x += w[c] + 2;
        }
        if (((t->rule_after != NULL && t->rule_after[r]) || (t->header && r == 0)) &&
            y + 1 < gm->py + gm->ph) {
            y++;
            for (int xx = gm->px; xx < gm->px + gm->pw; xx++) {
                hf_cell *c = hf_cells_at(g, xx, y);
                if (c != NULL) {
                    c->cp = is_ascii(g) ? '-' : 0x2500;
                    c->fg = hf_ink_of(HF_ROLE_GRID, 0);
                }
            }
        }
    }
    free(w);
}

/* ---- axes, legend, panel ---- */

static void
put(hf_cellgrid *g, int x, int y, uint32_t cp, hf_ink ink)
{
    hf_cell *c = hf_cells_at(g, x, y);
    if (c != NULL) {
        clear_cell(c);
        c->cp = cp;
        c->fg = ink;
    }
}

static void
draw_axes(hf_cellgrid *g, const geom *gm, const hf_panel *p)
{
    bool a = is_ascii(g);
    hf_ink fg = hf_ink_of(HF_ROLE_FG, 0);
    hf_tickset ts;
    char lab[48];
    if (p->frame) {
        for (int y = gm->py; y < gm->py + gm->ph; y++)
            put(g, gm->px - 1, y, a ? '|' : 0x2502, fg);
        if (!p->x.hidden || p->frame) {
            for (int x = gm->px; x < gm->px + gm->pw; x++)
                put(g, x, gm->py + gm->ph, a ? '-' : 0x2500, fg);
            put(g, gm->px - 1, gm->py + gm->ph, a ? '+' : 0x2514, fg);
        }
    }
    /* y ticks: labels right-aligned against the axis, one per row at most */
    ticks_of(&p->y, gm->ph, 3, &ts);
    int lastrow = -1;
    for (size_t i = 0; i < ts.n; i++) {
        const hf_tick *t = &ts.tick[i];
        double f = axis_frac(&p->y, t->value);
        if (!t->major || !(f >= -1e-9 && f <= 1 + 1e-9))
            continue;
        int y = row_of(gm, fmin(fmax(f, 0.0), 1.0));
        if (p->frame)
            put(g, gm->px - 1, y, a ? '+' : 0x2524, fg);
        if (p->y.hide_labels || y == lastrow || t->label == NULL || t->label[0] == '\0')
            continue;
        tick_label(g, t, lab, sizeof(lab));
        int w = (int)hf_utf8_width(lab);
        int x = gm->px - 1 - w;
        if (x < gm->ox0)
            continue;
        hf_cells_text(g, x, y, lab, fg, 0);
        lastrow = y;
    }
    /* x ticks: labels centred under the tick, skipped where they would touch a neighbour */
    ticks_of(&p->x, gm->pw, 10, &ts);
    int right = gm->ox0 - 1;
    for (size_t i = 0; i < ts.n; i++) {
        const hf_tick *t = &ts.tick[i];
        double f = axis_frac(&p->x, t->value);
        if (!t->major || !(f >= -1e-9 && f <= 1 + 1e-9))
            continue;
        int x = col_of(gm, fmin(fmax(f, 0.0), 1.0));
        if (p->frame)
            put(g, x, gm->py + gm->ph, a ? '+' : 0x252C, fg);
        if (p->x.hide_labels || t->label == NULL || t->label[0] == '\0')
            continue;
        tick_label(g, t, lab, sizeof(lab));
        int w = (int)hf_utf8_width(lab);
        int x0 = clampi(x - w / 2, gm->ox0, gm->ox1 - w);
        if (x0 <= right + 1)
            continue;
        hf_cells_text(g, x0, gm->py + gm->ph + 1, lab, fg, 0);
        right = x0 + w - 1;
    }
    if (p->x.label != NULL && !p->x.hidden && !p->x.hide_labels) {
        /* right-aligned under the plot, kept inside the panel (its neighbour's label follows) */
        int w = (int)hf_utf8_width(p->x.label), room = gm->ox1 - gm->px;
        int x0 = gm->px + gm->pw - w > gm->px ? gm->px + gm->pw - w : gm->px;
        if (w <= room)
            hf_cells_text(g, x0, gm->py + gm->ph + 2, p->x.label, fg, 0);
        else
            text_wrapped(g, gm->px, gm->py + gm->ph + 2, room, 1, p->x.label, fg, 0);
    }
}

static uint32_t
legend_glyph(hf_cellgrid *g, const hf_legend_entry *e)
{
    bool a = is_ascii(g);
    switch (e->kind) {
    case HF_LEGEND_FILL:
        return layer_glyph(g, e->ink);
    case HF_LEGEND_HATCH:
    case HF_LEGEND_SHADE:
        return a ? ':' : 0x2591;
    case HF_LEGEND_LINE:
        return a ? '-' : 0x2500;
    case HF_LEGEND_MARKER:
        return marker_glyph(g);
    }
    return '?';
}

static int
occupied(hf_cellgrid *g, int x0, int y0, int w, int h)
{
    int n = 0;
    for (int y = y0; y < y0 + h; y++)
        for (int x = x0; x < x0 + w; x++) {
            hf_cell *c = hf_cells_at(g, x, y);
            n += c != NULL && !cell_empty(c);
        }
    return n;
}

/* Rows the legend takes with labels wrapped to `lw` columns (each entry at least one). */
static int
legend_rows(const hf_panel *p, int lw)
{
    int h = 0;
    for (size_t i = 0; i < p->nlegend; i++) {
        int r = wrap_rows(p->legend[i].label ? p->legend[i].label : "", lw, 3);
        h += r > 0 ? r : 1;
    }
    return h;
}

/* Draw the legend (outside_x >= 0: right of the plot area from that column). Returns the cells
 * of drawn data an inside legend covers. */
static int
draw_legend(hf_cellgrid *g, const geom *gm, const hf_panel *p, int outside_x)
{
    if (p->nlegend == 0)
        return 0;
    int need = 0;
    for (size_t i = 0; i < p->nlegend; i++) {
        int n = (int)hf_utf8_width(p->legend[i].label ? p->legend[i].label : "") + 2;
        if (n > need)
            need = n;
    }
    /* inside the plot the legend takes up to a third of the width and leaves a row free, wider
     * where that part of the plot is empty; long labels wrap (three rows at most) rather than
     * being cut; on small plots it is dropped rather than hiding the data */
    int xl = gm->px + 1, y = gm->py, maxh = outside_x >= 0 ? gm->ph : gm->ph - 1;
    int avail = outside_x >= 0 ? gm->ox1 - outside_x : gm->pw / 3;
    int w = need < avail ? need : avail;
    if (outside_x < 0 && need > w) {
        int wide = need < gm->pw * 3 / 5 ? need : gm->pw * 3 / 5;
        for (int tw = wide; tw > w; tw--) {
            int th = legend_rows(p, tw - 2);
            if (th > maxh)
                continue;
            int xr = gm->px + gm->pw - tw;
            bool l_free = p->legend_pos != HF_LEGPOS_TOP_RIGHT && occupied(g, xl, y, tw, th) == 0;
            bool r_free = p->legend_pos != HF_LEGPOS_TOP_LEFT && occupied(g, xr, y, tw, th) == 0;
            if (l_free || r_free) {
                w = tw;
                break;
            }
        }
    }
    if (w < 6)
        return 0;
    int h = legend_rows(p, w - 2);
    if (h > maxh)
        h = maxh;
    if (h < 1)
        return 0;
    int x = outside_x;
    if (outside_x < 0) {
        /* a top corner (render/layout.h; the bottom ones stay free for the data): top left
         * when asked, top right when asked, else the one hiding fewer drawn cells */
        const hf_rect area = {gm->px, gm->py, gm->pw, gm->ph};
        const double inset[4] = {1, 0, 0, 0};
        hf_rect box[HF_NCORNERS];
        int k = p->legend_pos == HF_LEGPOS_TOP_LEFT ? HF_CORNER_TL : HF_CORNER_TR;
        hf_layout_corners(&area, w, h, inset, box);
        if (p->legend_pos != HF_LEGPOS_TOP_LEFT && p->legend_pos != HF_LEGPOS_TOP_RIGHT) {
            double score[2];
            for (int c = 0; c < 2; c++)
                score[c] = occupied(g, (int)box[c].x, (int)box[c].y, w, h);
            k = hf_layout_pick(score, 2);
        }
        x = (int)box[k].x;
    }
    int covered = outside_x >= 0 ? 0 : occupied(g, x, y, w, h);
    int row = 0;
    for (size_t i = 0; i < p->nlegend && row < h; i++) {
        const hf_legend_entry *e = &p->legend[i];
        const char *label = e->label ? e->label : "";
        int r = wrap_rows(label, w - 2, 3);
        if (r < 1)
            r = 1;
        if (r > h - row)
            r = h - row;
        for (int k = 0; k < r; k++)
            for (int c = 0; c < w; c++)
                put(g, x + c, y + row + k, ' ', noink);
        hf_cell *c = hf_cells_at(g, x, y + row);
        if (c != NULL) {
            c->cp = legend_glyph(g, e);
            c->fg = e->kind == HF_LEGEND_MARKER ? hf_ink_of(HF_ROLE_DATA, 0) : e->ink;
            if (e->kind == HF_LEGEND_MARKER)
                c->fg = e->ink;
        }
        text_wrapped(g, x + 2, y + row, w - 2, r, label, hf_ink_of(HF_ROLE_FG, 0), 0);
        row += r;
    }
    return covered;
}

static int
y_label_width(const hf_cellgrid *g, const hf_panel *p, int rows)
{
    hf_tickset ts;
    char lab[48];
    int w = 0;
    if (p->y.hide_labels)
        return 0;
    ticks_of(&p->y, rows, 3, &ts);
    for (size_t i = 0; i < ts.n; i++) {
        if (!ts.tick[i].major || ts.tick[i].label == NULL)
            continue;
        tick_label(g, &ts.tick[i], lab, sizeof(lab));
        int n = (int)hf_utf8_width(lab);
        if (n > w)
            w = n;
    }
    return w;
}

/* The panel's plot area inside its rectangle; false when too small to draw. */
static bool
panel_geom(const hf_panel *p, int ox0, int oy0, int ox1, int oy1, int margin, int reserve, geom *gm)
{
    gm->ox0 = ox0;
    gm->oy0 = oy0;
    gm->ox1 = ox1;
    gm->oy1 = oy1;
    int top = p->title != NULL ? 1 : 0;
    /* a title too long for the panel takes a second row when the panel is tall enough */
    if (p->title != NULL && oy1 - oy0 >= 12)
        top = wrap_rows(p->title, ox1 - (ox0 + margin), 2);
    int bottom = 0;
    if (p->frame || !p->x.hidden)
        bottom = 1;
    if (!p->x.hidden && !p->x.hide_labels)
        bottom += 1 + (p->x.label != NULL);
    gm->px = ox0 + margin;
    gm->pw = ox1 - gm->px - 1;
    gm->py = oy0 + top;
    gm->ph = oy1 - bottom - gm->py;
    if (p->legend_pos == HF_LEGPOS_OUTSIDE_RIGHT && p->nlegend > 0) {
        int w = 0;
        for (size_t i = 0; i < p->nlegend; i++) {
            int n = (int)hf_utf8_width(p->legend[i].label ? p->legend[i].label : "") + 3;
            if (n > w)
                w = n;
        }
        if (w > gm->pw / 3)
            w = gm->pw / 3;
        gm->pw -= w;
    } else if (reserve > 0) { /* room for a legend moved out of the plot (hf_cells_draw) */
        gm->pw -= reserve;
    }
    return gm->pw >= 1 && gm->ph >= 1;
}

/* One drawing of the scene. reserve (npanels, may be NULL): columns kept free right of each
 * plot area; out: the panels whose legend goes there; covered (npanels, may be NULL) gets the data
 * cells each inside legend hid. */
static void
draw_pass(hf_cellgrid *g, const hf_scene *s, hf_glyphs glyphs, const int *reserve, const bool *out,
          int *covered)
{
    g->glyphs = glyphs;
    hf_cells_clear(g);
    int top = 0;
    if (s->title != NULL && g->h > 4) {
        hf_cells_text(g, 0, 0, s->title, hf_ink_of(HF_ROLE_FG, 0), HF_CELL_BOLD);
        top = 1;
    }
    int H = g->h - top, W = g->w;
    /* one left margin for all panels, so stacked plot areas line up (scene.h) */
    int margin = 0;
    for (size_t i = 0; i < s->npanels; i++) {
        const hf_panel *p = s->panels[i];
        int rows = (int)lround((p->y1 - p->y0) * H);
        int w = p->y.hidden ? 0 : y_label_width(g, p, rows);
        if (w + 1 > margin)
            margin = w + 1;
    }
    if (margin > W / 3)
        margin = W / 3;
    if (margin < 1)
        margin = 1;

    dots d = {0};
    for (size_t i = 0; i < s->npanels; i++) {
        const hf_panel *p = s->panels[i];
        int ox0, oy0, ox1, oy1;
        geom gm;
        hf_layout_outer_cells(p, W, g->h, top, &ox0, &oy0, &ox1, &oy1);
        int res = reserve != NULL ? reserve[i] : 0;
        if (covered != NULL)
            covered[i] = 0;
        if (!panel_geom(p, ox0, oy0, ox1, oy1, margin, res, &gm))
            continue;
        d.w = 2 * gm.pw;
        d.h = 4 * gm.ph;
        d.any = false;
        size_t ncell = (size_t)gm.pw * (size_t)gm.ph;
        d.bits = calloc(ncell, 1);
        d.ink = calloc(ncell, sizeof(*d.ink));
        if (d.bits == NULL || d.ink == NULL) {
            free(d.bits);
            free(d.ink);
            g->oom = true;
            return;
        }
        /* annotations last, so that they see what is drawn under them (and skip it) */
        for (size_t k = 0; k < 2 * p->nitems; k++) {
            const hf_item *it = &p->items[k < p->nitems ? k : k - p->nitems];
            if ((it->kind == HF_ITEM_TEXT) != (k >= p->nitems))
                continue;
            switch (it->kind) {
            case HF_ITEM_STACK:
                draw_stack(g, &gm, p, &it->u.stack);
                break;
            case HF_ITEM_HIST:
                draw_hist(&d, p, &it->u.hist, it->ink);
                break;
            case HF_ITEM_BAND:
                draw_band(g, &gm, p, &it->u.band, it->ink);
                break;
            case HF_ITEM_POINTS:
                draw_points(g, &gm, &d, p, &it->u.points, it->ink);
                break;
            case HF_ITEM_LINE:
                draw_line(&d, p, &it->u.line, it->ink, it->dash);
                break;
            case HF_ITEM_RULE:
                draw_rule(g, &gm, p, &it->u.rule, it->ink, it->dash);
                break;
            case HF_ITEM_SPAN:
                draw_span(g, &gm, p, &it->u.span, it->ink);
                break;
            case HF_ITEM_TEXT:
                dots_flush(g, &gm, &d);
                draw_text(g, &gm, p, &it->u.text, it->ink);
                break;
            case HF_ITEM_CELLS:
                draw_cells(g, &gm, p, &it->u.cells);
                break;
            case HF_ITEM_TABLE:
                draw_table(g, &gm, &it->u.table);
                break;
            }
            dots_flush(g, &gm, &d);
        }
        free(d.bits);
        free(d.ink);
        d.bits = NULL;
        d.ink = NULL;
        draw_axes(g, &gm, p);
        int cov = draw_legend(g, &gm, p,
                              p->legend_pos == HF_LEGPOS_OUTSIDE_RIGHT || (out != NULL && out[i])
                                  ? gm.px + gm.pw + 1
                                  : -1);
        if (covered != NULL)
            covered[i] = cov;
        if (p->title != NULL)
            text_wrapped(g, gm.px, oy0, ox1 - gm.px, gm.py - oy0 > 1 ? gm.py - oy0 : 1, p->title,
                         hf_ink_of(HF_ROLE_FG, 0), HF_CELL_BOLD);
        if (p->y.label != NULL && !p->y.hidden) {
            /* the y label goes at the right end of the title row when it fits */
            int tw = p->title ? (int)hf_utf8_width(p->title) : 0;
            int lw = (int)hf_utf8_width(p->y.label);
            int row = p->title != NULL ? oy0 : gm.py;
            if (p->title != NULL && gm.px + tw + 2 + lw <= gm.px + gm.pw)
                hf_cells_text(g, gm.px + gm.pw - lw, row, p->y.label, hf_ink_of(HF_ROLE_FG, 0), 0);
        }
    }
}

/* Draw the scene over the whole grid (cleared first). An automatically placed legend that would
 * hide data moves out of the plot to its right, when the plot stays wide enough; panels over the
 * same columns (a ratio panel under the main one) give up the same width, so they line up. */
int
hf_cells_draw(hf_cellgrid *g, const hf_scene *s, hf_glyphs glyphs)
{
    size_t n = s->npanels;
    int *cov = n > 0 ? calloc(n, sizeof(int)) : NULL, *res = n > 0 ? calloc(n, sizeof(int)) : NULL;
    bool *out = n > 0 ? calloc(n, sizeof(bool)) : NULL;
    g->oom = false;
    draw_pass(g, s, glyphs, NULL, NULL, cov);
    if (cov == NULL || res == NULL || out == NULL) {
        free(cov);
        free(res);
        free(out);
        return n > 0 || g->oom ? -1 : 0;
    }
    bool again = false;
    for (size_t i = 0; i < n; i++) {
        const hf_panel *p = s->panels[i];
        if (cov[i] == 0 || p->legend_pos != HF_LEGPOS_INSIDE_AUTO)
            continue;
        int need = 0;
        for (size_t k = 0; k < p->nlegend; k++) {
            int w = (int)hf_utf8_width(p->legend[k].label ? p->legend[k].label : "") + 3;
            need = w > need ? w : need;
        }
        int cols = (int)lround((p->x1 - p->x0) * g->w);
        int w = need < cols * 2 / 5 ? need : cols * 2 / 5;
        if (w < 8 || cols - w < 24)
            continue; /* too narrow for both: the legend stays inside */
        for (size_t j = 0; j < n; j++)
            if (j == i || (hf_layout_same_column(s->panels[j], p) &&
                           s->panels[j]->legend_pos != HF_LEGPOS_OUTSIDE_RIGHT))
                res[j] = w > res[j] ? w : res[j];
        out[i] = again = true;
    }
    /* a panel sharing the columns gives up the room but keeps its own legend inside */
    if (again) {
        hf_cells_clear(g);
        draw_pass(g, s, glyphs, res, out, NULL);
    }
    free(cov);
    free(res);
    free(out);
    return g->oom ? -1 : 0;
}

/* ---- text output ---- */

typedef struct sbuf {
    char *s;
    size_t n, cap;
    bool nomem;
} sbuf;

static void
sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->nomem)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (ns == NULL) {
            b->nomem = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* xterm-256 colour of an ink for a terminal, -1 for the terminal's default (text, data and
 * neutral roles: black on paper, but a terminal's foreground may be light). */
static int
ink_colour(const hf_palette *pal, hf_ink ink, int map)
{
    if (map >= 0)
        return hf_rgb_xterm256(hf_palette_map(pal, map / (double)(HF_CELL_MAPLEVELS - 1)));
    if (ink.role == HF_CELL_NOINK || ink.role == HF_ROLE_FG || ink.role == HF_ROLE_DATA ||
        ink.role == HF_ROLE_GRID)
        return -1;
    return hf_rgb_xterm256(hf_palette_ink(pal, ink));
}

/* The grid as text (see cells.h). */
char *
hf_cells_to_text(const hf_cellgrid *g, const hf_palette *pal)
{
    sbuf b = {0};
    sb_put(&b, "", 0);
    for (int y = 0; y < g->h; y++) {
        const hf_cell *row = &g->cell[(size_t)y * (size_t)g->w];
        int last = g->w - 1;
        while (last >= 0 && row[last].cp == ' ' &&
               (pal == NULL || (row[last].bgmap < 0 && row[last].bg.role == HF_CELL_NOINK)))
            last--;
        int cur_fg = -1, cur_bg = -1, cur_attr = 0;
        for (int x = 0; x <= last; x++) {
            const hf_cell *c = &row[x];
            if (pal != NULL) {
                int fg = ink_colour(pal, c->fg, c->fgmap), bg = ink_colour(pal, c->bg, c->bgmap);
                int attr = c->attr;
                if (fg != cur_fg || bg != cur_bg || attr != cur_attr) {
                    char esc[64];
                    int n = snprintf(esc, sizeof(esc), "\033[0");
                    if (attr & HF_CELL_BOLD)
                        n += snprintf(esc + n, sizeof(esc) - (size_t)n, ";1");
                    if (attr & HF_CELL_REVERSE)
                        n += snprintf(esc + n, sizeof(esc) - (size_t)n, ";7");
                    if (fg >= 0)
                        n += snprintf(esc + n, sizeof(esc) - (size_t)n, ";38;5;%d", fg);
                    if (bg >= 0)
                        n += snprintf(esc + n, sizeof(esc) - (size_t)n, ";48;5;%d", bg);
                    n += snprintf(esc + n, sizeof(esc) - (size_t)n, "m");
                    sb_put(&b, esc, (size_t)n);
                    cur_fg = fg;
                    cur_bg = bg;
                    cur_attr = attr;
                }
            }
            char u[5];
            sb_put(&b, u, hf_utf8_encode(hf_utf8_cell(c->cp), u));
        }
        if (pal != NULL && (cur_fg >= 0 || cur_bg >= 0 || cur_attr))
            sb_put(&b, "\033[0m", 4);
        sb_put(&b, "\n", 1);
    }
    if (b.nomem) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

int
hf_cells_parse_size(const char *s, int *w, int *h)
{
    char *end;
    long a = strtol(s, &end, 10), b;

    if (*end != 'x')
        return -1;
    b = strtol(end + 1, &end, 10);
    if (*end || a < 10 || a > 1000 || b < 10 || b > 1000)
        return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

char *
hf_cells_scene_text(const hf_scene *s, int w, int h, hf_glyphs glyphs, bool mono)
{
    hf_cellgrid *g = hf_cells_new(w, h);
    char *txt;

    if (!g)
        return NULL;
    g->mono = mono;
    txt = hf_cells_draw(g, s, glyphs) < 0 ? NULL : hf_cells_to_text(g, NULL);
    hf_cells_free(g);
    return txt;
}
