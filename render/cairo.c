/* render/cairo.c - the Cairo backend: lays out each panel (margins from measured tick labels,
 * shared by panels stacked in one column), draws the items, axes, legend and colour bar, and
 * writes PDF (with outline), PNG or SVG through a temporary file that is renamed at the end. */
#include "render/cairo.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "render/axis.h"
#include "render/labels.h"
#include "render/layout.h"
#include "render/utf8.h"

#define FONT      "DejaVu Sans"
#define PT_PER_IN 72.0

/* ---------------------------------------------------------------- formats and files */

int
hf_format_parse(const char *name, hf_format *f)
{
    if (!name)
        return -1;
    if (strcasecmp(name, "pdf") == 0)
        *f = HF_FORMAT_PDF;
    else if (strcasecmp(name, "png") == 0)
        *f = HF_FORMAT_PNG;
    else if (strcasecmp(name, "svg") == 0)
        *f = HF_FORMAT_SVG;
    else
        return -1;
    return 0;
}

const char *
hf_format_ext(hf_format f)
{
    return f == HF_FORMAT_PNG ? "png" : f == HF_FORMAT_SVG ? "svg" : "pdf";
}

/* ---------------------------------------------------------------- drawing context */

typedef struct dc {
    cairo_t *cr;
    const hf_palette *pal;
    double fs[4]; /* font sizes by hf_textsize */
    double lw;    /* normal line width */
    bool oom;     /* an allocation failed: the figure is incomplete (draw_scene fails) */
} dc;

typedef struct layout {
    hf_rect outer, area; /* page points, y down (render/layout.h) */
    hf_tickset xt, yt;
    double xfont, yfont;  /* tick label font sizes (shrunk for dense categories) */
    int xstride, ystride; /* label every k-th tick */
    bool xrot;            /* x tick labels vertical */
    double xlab_max;      /* longest allowed rotated label (points) */
    double ylab_max;      /* longest allowed y tick label (points) */
    double legw, legh, legcolw, legrowh, legfont;
    int legcols;
    bool has_cbar;
    int title_lines; /* 1, or 2 when a long panel title is broken */
} layout;

static void
set_ink(dc *c, hf_ink ink, double alpha)
{
    hf_rgb k = hf_palette_ink(c->pal, ink);
    cairo_set_source_rgba(c->cr, k.r, k.g, k.b, alpha);
}

static void
set_font(dc *c, double size, bool bold)
{
    cairo_select_font_face(c->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(c->cr, size);
}

static double
text_w(dc *c, const char *s, double size, bool bold)
{
    cairo_text_extents_t e;

    if (!s || !*s)
        return 0;
    set_font(c, size, bold);
    cairo_text_extents(c->cr, s, &e);
    return e.x_advance;
}

/* Draw s with its anchor at (x, y) (page points), rotated by angle degrees counter-clockwise. */
static void
text_at(dc *c, double x, double y, const char *s, double size, bool bold, hf_halign ha,
        hf_valign va, double angle)
{
    cairo_font_extents_t fe;
    double w, dx = 0, dy = 0;

    if (!s || !*s)
        return;
    w = text_w(c, s, size, bold);
    cairo_font_extents(c->cr, &fe);
    if (ha == HF_HALIGN_CENTER)
        dx = -w / 2;
    else if (ha == HF_HALIGN_RIGHT)
        dx = -w;
    /* cap-height based vertical anchors look centred for digits and capitals */
    if (va == HF_VALIGN_TOP)
        dy = size * 0.74;
    else if (va == HF_VALIGN_MIDDLE)
        dy = size * 0.36;
    else if (va == HF_VALIGN_BOTTOM)
        dy = -fe.descent;
    cairo_save(c->cr);
    cairo_translate(c->cr, x, y);
    if (angle != 0)
        cairo_rotate(c->cr, -angle * M_PI / 180);
    cairo_move_to(c->cr, dx, dy);
    cairo_show_text(c->cr, s);
    cairo_restore(c->cr);
}

/* Tick labels "10^k" draw as 10 with a superscript. */
static bool
is_pow_label(const hf_tick *t)
{
    return t->is_pow10 && strncmp(t->label, "10^", 3) == 0;
}

static double
tick_label_w(dc *c, const hf_tick *t, double size)
{
    if (is_pow_label(t))
        return text_w(c, "10", size, false) + text_w(c, t->label + 3, size * 0.7, false);
    return text_w(c, t->label, size, false);
}

static void
tick_label_at(dc *c, const hf_tick *t, double x, double y, double size, hf_halign ha, hf_valign va)
{
    if (is_pow_label(t)) {
        double w1 = text_w(c, "10", size, false), w = tick_label_w(c, t, size);
        double x0 = ha == HF_HALIGN_CENTER ? x - w / 2 : ha == HF_HALIGN_RIGHT ? x - w : x;
        text_at(c, x0, y, "10", size, false, HF_HALIGN_LEFT, va, 0);
        text_at(c, x0 + w1, y - size * 0.42, t->label + 3, size * 0.7, false, HF_HALIGN_LEFT, va,
                0);
        return;
    }
    text_at(c, x, y, t->label, size, false, ha, va, 0);
}

/* ---------------------------------------------------------------- coordinates */

static double
px(const layout *L, const hf_axis *ax, double v)
{
    return hf_layout_x(&L->area, ax, v);
}

static double
py(const layout *L, const hf_axis *ax, double v)
{
    return hf_layout_y(&L->area, ax, v);
}

static double
line_width(const dc *c, hf_width w)
{
    return w == HF_WIDTH_THIN ? c->lw * 0.6 : w == HF_WIDTH_THICK ? c->lw * 1.8 : c->lw;
}

static void
set_dash(dc *c, hf_dash d, double lw)
{
    double dash[2];

    if (d == HF_DASH_DASHED) {
        dash[0] = 4 * lw + 2;
        dash[1] = 2.5 * lw + 1.5;
        cairo_set_dash(c->cr, dash, 2, 0);
    } else if (d == HF_DASH_DOTTED) {
        dash[0] = 0.01;
        dash[1] = 2 * lw + 1;
        cairo_set_line_cap(c->cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_dash(c->cr, dash, 2, 0);
    } else {
        cairo_set_dash(c->cr, NULL, 0, 0);
        cairo_set_line_cap(c->cr, CAIRO_LINE_CAP_BUTT);
    }
}

/* ---------------------------------------------------------------- layout */

static const hf_cells *
find_cells(const hf_panel *p)
{
    size_t i;

    for (i = 0; i < p->nitems; i++)
        if (p->items[i].kind == HF_ITEM_CELLS)
            return &p->items[i].u.cells;
    return NULL;
}

static void
measure_legend(dc *c, const hf_panel *p, layout *L, double font)
{
    size_t i;
    double maxw = 0;
    int rows;

    L->legw = L->legh = 0;
    if (p->nlegend == 0)
        return;
    L->legfont = font > 0 ? font : p->nlegend > 6 ? c->fs[HF_TEXT_SMALL] : c->fs[HF_TEXT_NORMAL];
    for (i = 0; i < p->nlegend; i++) {
        double w = text_w(c, p->legend[i].label, L->legfont, false);
        if (w > maxw)
            maxw = w;
    }
    L->legcols = p->legend_columns > 0                      ? p->legend_columns
                 : p->legend_pos == HF_LEGPOS_OUTSIDE_RIGHT ? 1
                 : p->nlegend > 5                           ? 2
                                                            : 1;
    rows = (int)((p->nlegend + (size_t)L->legcols - 1) / (size_t)L->legcols);
    L->legrowh = L->legfont * 1.35;
    L->legcolw = L->legfont * 2.2 + maxw + L->legfont * 0.8;
    L->legw = L->legcolw * L->legcols;
    L->legh = L->legrowh * rows;
}

/* Pick how many x tick labels to skip and whether to rotate them, given the plot width. */
static void
fit_x_labels(dc *c, const hf_panel *p, layout *L, double width)
{
    size_t i, nlab = 0;
    double maxw = 0, span = p->x.max - p->x.min, spacing;

    L->xfont = c->fs[HF_TEXT_SMALL];
    L->xstride = 1;
    L->xrot = false;
    for (i = 0; i < L->xt.n; i++)
        if (L->xt.tick[i].label[0]) {
            double w = tick_label_w(c, &L->xt.tick[i], L->xfont);
            nlab++;
            if (w > maxw)
                maxw = w;
        }
    if (nlab < 2 || !(span > 0))
        return;
    /* smallest distance between labelled ticks, in points */
    spacing = INFINITY;
    {
        double prev = NAN;
        for (i = 0; i < L->xt.n; i++) {
            const hf_tick *t = &L->xt.tick[i];
            double x;
            if (!t->label[0])
                continue;
            x = hf_axis_frac(&p->x, t->value) * width;
            if (!isnan(prev) && fabs(x - prev) < spacing)
                spacing = fabs(x - prev);
            prev = x;
        }
    }
    if (maxw + L->xfont * 0.6 <= spacing)
        return;
    if (p->x.categories) {
        /* categories: rotate, shrink to the spacing, then thin out */
        L->xrot = true;
        if (spacing < L->xfont * 1.1)
            L->xfont = fmax(4.0, spacing / 1.1);
        if (spacing < L->xfont * 1.1)
            L->xstride = (int)ceil(L->xfont * 1.1 / spacing);
    } else {
        L->xstride = (int)ceil((maxw + L->xfont * 0.6) / spacing);
    }
}

static void
fit_y_labels(dc *c, const hf_panel *p, layout *L, double height)
{
    size_t i, nlab = 0;
    double spacing = INFINITY, prev = NAN;

    L->yfont = c->fs[HF_TEXT_SMALL];
    L->ystride = 1;
    for (i = 0; i < L->yt.n; i++) {
        const hf_tick *t = &L->yt.tick[i];
        double y;
        if (!t->label[0])
            continue;
        nlab++;
        y = hf_axis_frac(&p->y, t->value) * height;
        if (!isnan(prev) && fabs(y - prev) < spacing)
            spacing = fabs(y - prev);
        prev = y;
    }
    if (nlab < 2)
        return;
    if (spacing < L->yfont * 1.15) {
        if (p->y.categories)
            L->yfont = fmax(4.5, spacing / 1.15); /* shrink names before dropping any */
        if (spacing < L->yfont * 1.15 * 0.98)
            L->ystride = (int)ceil(L->yfont * 1.15 / spacing);
    }
}

static double
max_label_w(dc *c, const hf_tickset *ts, double size, int stride)
{
    size_t i;
    int k = 0;
    double m = 0;

    for (i = 0; i < ts->n; i++) {
        if (!ts->tick[i].label[0])
            continue;
        if (k++ % stride == 0) {
            double w = tick_label_w(c, &ts->tick[i], size);
            if (w > m)
                m = w;
        }
    }
    return m;
}

/* An inside legend wider than the plot area gets a smaller font (down to 5 pt) rather than
 * spilling over the axis labels. */
static void
fit_legend(dc *c, const hf_panel *p, layout *L)
{
    double room = L->area.w - 10;

    if (p->nlegend == 0 || p->legend_pos == HF_LEGPOS_OUTSIDE_RIGHT ||
        p->legend_pos == HF_LEGPOS_ABOVE || L->legw <= room)
        return;
    measure_legend(c, p, L, fmax(5.0, L->legfont * room / L->legw));
}

/* Fit a panel title into room points at font f0: shrink it (to 80%) on one line, else break it
 * in two at the " · " separator or space that balances the lines best (font down to 70%).
 * Returns the number of lines; *f the font, *cut and *resume where line 1 ends and line 2
 * starts (bytes). A line that still does not fit is ellipsized when drawn. */
static int
title_fit(dc *c, const char *t, double room, double f0, bool prefer2, double *f, size_t *cut,
          size_t *resume)
{
    double w = text_w(c, t, f0, true), best = INFINITY;
    size_t n = strlen(t), i;
    char *buf;

    *f = f0;
    *cut = *resume = n;
    if (w <= room || !(room > 0))
        return 1;
    if (w * 0.8 <= room && !prefer2) {
        *f = f0 * room / w * 0.98; /* hinting makes widths not quite linear in the size */
        return 1;
    }
    buf = malloc(n + 1);
    if (!buf) {
        c->oom = true;
        return 1;
    }
    for (i = 1; i + 1 < n; i++) {
        size_t r;
        double w1, w2;
        if (strncmp(t + i, " \xc2\xb7 ", 4) == 0)
            r = i + 4;
        else if (t[i] == ' ')
            r = i + 1;
        else
            continue;
        memcpy(buf, t, i);
        buf[i] = '\0';
        w1 = text_w(c, buf, f0, true);
        w2 = text_w(c, t + r, f0, true);
        /* prefer the separators: a plain space must balance clearly better */
        if (fmax(w1, w2) * (r == i + 4 ? 0.9 : 1.0) < best) {
            best = fmax(w1, w2) * (r == i + 4 ? 0.9 : 1.0);
            *cut = i;
            *resume = r;
        }
    }
    free(buf);
    if (*cut == n)
        return 1;
    {
        double wl = fmax(text_w(c, t + *resume, f0, true), 1);
        char *l1 = malloc(*cut + 1);
        if (l1) {
            memcpy(l1, t, *cut);
            l1[*cut] = '\0';
            wl = fmax(wl, text_w(c, l1, f0, true));
            free(l1);
        } else {
            c->oom = true;
        }
        if (wl > room)
            *f = fmax(f0 * 0.7, f0 * room / wl * 0.98);
    }
    return 2;
}

/* Room for a panel title starting at tx, up to a small margin before the panel's right edge. */
static double
title_room(const layout *L, double tx)
{
    return L->outer.x + L->outer.w - 6 - tx;
}

/* Compute the plot area of panel p inside its outer rectangle (margins before alignment). */
static void
layout_panel(dc *c, const hf_scene *s, const hf_panel *p, layout *L, double W, double H,
             double top0)
{
    double left, right, top, bottom, fsn = c->fs[HF_TEXT_NORMAL], fss = c->fs[HF_TEXT_SMALL];
    double pw, ph;
    const hf_cells *cells = find_cells(p);
    int pass;

    (void)s;
    L->outer = hf_layout_outer(p, W, H, top0);
    L->has_cbar = cells != NULL;
    measure_legend(c, p, L, 0);

    /* two passes: the first guesses the plot size from the panel, the second fits tick
     * labels (counts, category font, rotation) to the plot area the first pass left */
    pw = L->outer.w * 0.8;
    ph = L->outer.h - (p->title ? c->fs[HF_TEXT_LARGE] * 1.6 : fss) -
         (p->x.hidden || p->x.hide_labels ? 4 : fss * 1.2 + 6 + (p->x.label ? fsn * 1.5 : 0));
    for (pass = 0; pass < 2; pass++) {
        hf_layout_ticks(&p->x, pw, fss * 5.5, 0, &L->xt);
        hf_layout_ticks(&p->y, ph, fss * 3.2, 0, &L->yt);
        fit_y_labels(c, p, L, ph);
        /* long category names are cut (ellipsis in the middle) at 45% of the panel width */
        L->ylab_max = p->y.categories ? L->outer.w * (p->y.label_frac > 0 ? p->y.label_frac : 0.45)
                                      : INFINITY;
        left = 3;
        if (!p->y.hidden) {
            left += 3 + (p->y.hide_labels
                             ? 0
                             : fmin(L->ylab_max, max_label_w(c, &L->yt, L->yfont, L->ystride)));
            if (p->y.label)
                left += fsn * 1.4;
        }
        right = 6;
        if (cells) {
            hf_axis cb = {0};
            hf_tickset ts;
            cb.min = cells->vmin;
            cb.max = cells->vmax;
            hf_axis_ticks(&cb, 5, &ts);
            right += 6 + 8 + 3 + max_label_w(c, &ts, fss, 1) + (cells->cbar_label ? fsn * 1.5 : 0);
        }
        if (p->legend_pos == HF_LEGPOS_OUTSIDE_RIGHT && L->legw > 0)
            right += L->legw + 6;
        L->title_lines = 1;
        if (p->title) {
            double tf;
            size_t cut, resume;
            double tx = p->y.categories ? L->outer.x + 4 : L->outer.x + left;
            /* a little slack: aligning stacked panels may still move the left margin */
            L->title_lines = title_fit(c, p->title, title_room(L, tx) - 0.04 * L->outer.w,
                                       c->fs[HF_TEXT_LARGE], false, &tf, &cut, &resume);
        }
        top = p->title ? c->fs[HF_TEXT_LARGE] * (L->title_lines > 1 ? 2.8 : 1.6) : fss * 0.8;
        fit_x_labels(c, p, L, pass == 0 ? L->outer.w - left - right : pw);
        bottom = 3;
        if (!p->x.hidden && !p->x.hide_labels) {
            if (L->xrot) {
                double lw = max_label_w(c, &L->xt, L->xfont, L->xstride);
                /* a square panel (colour map) gives its x names what it gives its y names */
                double base = p->square ? L->outer.w : L->outer.h;
                L->xlab_max = fmin(lw, base * (p->x.label_frac > 0 ? p->x.label_frac : 0.3));
                bottom += 4 + L->xlab_max;
            } else {
                bottom += 3 + fss * 1.15;
            }
            if (p->x.label)
                bottom += fsn * 1.5;
            /* room for half of the last x tick label beyond the frame */
            if (!L->xrot && L->xt.n > 0)
                right = fmax(right, max_label_w(c, &L->xt, L->xfont, L->xstride) / 2 + 2);
        }
        if (!p->frame && p->x.hidden && p->y.hidden) {
            left = 6;
            right = 6;
            bottom = 4;
        }
        L->area.x = L->outer.x + left;
        L->area.y = L->outer.y + top;
        L->area.w = L->outer.w - left - right;
        L->area.h = L->outer.h - top - bottom;
        if (L->area.w < 10)
            L->area.w = 10;
        if (L->area.h < 10)
            L->area.h = 10;
        if (p->square) { /* the smaller side wins; labels and colour bar follow the area */
            if (L->area.w > L->area.h)
                L->area.w = L->area.h;
            else
                L->area.h = L->area.w;
        }
        pw = L->area.w;
        ph = L->area.h;
    }
    fit_legend(c, p, L);
}

/* ---------------------------------------------------------------- items */

static void
draw_stack(dc *c, const layout *L, const hf_panel *p, const hf_item *it)
{
    const hf_stack *st = &it->u.stack;
    cairo_t *cr = c->cr;
    double *lo, *hi;
    size_t l, b;
    double base = p->y.log ? p->y.min : fmax(0, p->y.min);

    lo = malloc((st->nbins ? st->nbins : 1) * sizeof *lo);
    hi = malloc((st->nbins ? st->nbins : 1) * sizeof *hi);
    if (!lo || !hi) {
        free(lo);
        free(hi);
        c->oom = true;
        return;
    }
    for (b = 0; b < st->nbins; b++)
        hi[b] = 0;
    for (l = 0; l < st->nlayers; l++) {
        const double *v = st->values + l * st->nbins;
        for (b = 0; b < st->nbins; b++) {
            lo[b] = hi[b];
            hi[b] = lo[b] + (isfinite(v[b]) && v[b] > 0 ? v[b] : 0);
        }
        cairo_new_path(cr);
        for (b = 0; b < st->nbins; b++) {
            double x0 = px(L, &p->x, st->edges[b]), x1 = px(L, &p->x, st->edges[b + 1]);
            double y0 = py(L, &p->y, l == 0 ? base : fmax(lo[b], base));
            double y1 = py(L, &p->y, fmax(hi[b], base));
            if (hi[b] <= lo[b])
                continue;
            cairo_rectangle(cr, x0, y1, x1 - x0, y0 - y1);
        }
        set_ink(c, st->ink[l], it->alpha);
        cairo_fill(cr);
        /* thin outline on the top of each layer separates similar colours */
        cairo_new_path(cr);
        for (b = 0; b < st->nbins; b++) {
            double x0 = px(L, &p->x, st->edges[b]), x1 = px(L, &p->x, st->edges[b + 1]);
            double y1 = py(L, &p->y, fmax(hi[b], base));
            if (b == 0)
                cairo_move_to(cr, x0, y1);
            else
                cairo_line_to(cr, x0, y1);
            cairo_line_to(cr, x1, y1);
        }
        cairo_set_source_rgba(cr, 0, 0, 0, 0.55);
        cairo_set_line_width(cr, c->lw * 0.4);
        set_dash(c, HF_DASH_SOLID, 1);
        cairo_stroke(cr);
    }
    free(lo);
    free(hi);
}

static void
draw_hist(dc *c, const layout *L, const hf_panel *p, const hf_item *it)
{
    const hf_hist *h = &it->u.hist;
    cairo_t *cr = c->cr;
    size_t b;
    bool pen = false;

    cairo_new_path(cr);
    for (b = 0; b < h->nbins; b++) {
        double x0 = px(L, &p->x, h->edges[b]), x1 = px(L, &p->x, h->edges[b + 1]);
        double y;
        if (!isfinite(h->values[b])) {
            pen = false;
            continue;
        }
        y = py(L, &p->y, h->values[b]);
        if (!pen)
            cairo_move_to(cr, x0, y);
        else
            cairo_line_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        pen = true;
    }
    set_ink(c, it->ink, it->alpha);
    cairo_set_line_width(cr, line_width(c, it->width));
    set_dash(c, it->dash, line_width(c, it->width));
    cairo_stroke(cr);
}

/* Diagonal hatch lines over the current clip (the band path), spacing in points. */
static void
hatch_rect(cairo_t *cr, double x0, double y0, double w, double h, double spacing)
{
    int k, n = (int)ceil((w + h) / spacing);

    cairo_new_path(cr);
    for (k = 0; k <= n; k++) {
        double d = -h + k * spacing;
        cairo_move_to(cr, x0 + d, y0 + h);
        cairo_line_to(cr, x0 + d + h, y0);
    }
}

static void
hatch(dc *c, const layout *L, double spacing)
{
    hatch_rect(c->cr, L->area.x, L->area.y, L->area.w, L->area.h, spacing);
}

static void
draw_band(dc *c, const layout *L, const hf_panel *p, const hf_item *it)
{
    const hf_band *bd = &it->u.band;
    cairo_t *cr = c->cr;
    size_t i;

    cairo_save(cr);
    cairo_new_path(cr);
    if (bd->step) {
        for (i = 0; i < bd->n; i++) {
            double x0, x1, ylo, yhi;
            if (!isfinite(bd->lo[i]) || !isfinite(bd->hi[i]))
                continue;
            x0 = px(L, &p->x, bd->x[i]);
            x1 = px(L, &p->x, bd->x[i + 1]);
            ylo = py(L, &p->y, bd->lo[i]);
            yhi = py(L, &p->y, bd->hi[i]);
            cairo_rectangle(cr, x0, yhi, x1 - x0, ylo - yhi);
        }
    } else if (bd->n > 1) {
        for (i = 0; i < bd->n; i++)
            cairo_line_to(cr, px(L, &p->x, bd->x[i]), py(L, &p->y, bd->hi[i]));
        for (i = bd->n; i-- > 0;)
            cairo_line_to(cr, px(L, &p->x, bd->x[i]), py(L, &p->y, bd->lo[i]));
        cairo_close_path(cr);
    }
    if (bd->fill == HF_FILL_HATCH) {
        cairo_clip(cr);
        hatch(c, L, 2.6);
        set_ink(c, it->ink, 0.9);
        cairo_set_line_width(cr, c->lw * 0.5);
        set_dash(c, HF_DASH_SOLID, 1);
        cairo_stroke(cr);
    } else {
        set_ink(c, it->ink, it->alpha);
        cairo_fill(cr);
    }
    cairo_restore(cr);
}

static void
marker_path(cairo_t *cr, hf_marker m, double x, double y, double r)
{
    switch (m) {
    case HF_MARKER_SQUARE:
        cairo_rectangle(cr, x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
        break;
    case HF_MARKER_DIAMOND:
        cairo_move_to(cr, x, y - r * 1.25);
        cairo_line_to(cr, x + r * 1.05, y);
        cairo_line_to(cr, x, y + r * 1.25);
        cairo_line_to(cr, x - r * 1.05, y);
        cairo_close_path(cr);
        break;
    case HF_MARKER_TRIANGLE:
        cairo_move_to(cr, x, y - r * 1.2);
        cairo_line_to(cr, x + r * 1.1, y + r * 0.8);
        cairo_line_to(cr, x - r * 1.1, y + r * 0.8);
        cairo_close_path(cr);
        break;
    case HF_MARKER_NONE:
        break;
    default:
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        break;
    }
}

static double
marker_r(const dc *c)
{
    return c->fs[HF_TEXT_NORMAL] * 0.22;
}

static void
draw_points(dc *c, const layout *L, const hf_panel *p, const hf_item *it)
{
    const hf_points *pt = &it->u.points;
    cairo_t *cr = c->cr;
    size_t i;
    double r = marker_r(c);

    set_ink(c, it->ink, it->alpha);
    cairo_set_line_width(cr, line_width(c, it->width));
    set_dash(c, HF_DASH_SOLID, 1);
    cairo_new_path(cr);
    for (i = 0; i < pt->n; i++) {
        double x = pt->x[i], y = pt->y[i], X, Y;
        if (!isfinite(x) || !isfinite(y))
            continue;
        X = px(L, &p->x, x);
        Y = py(L, &p->y, y);
        if (pt->eylo || pt->eyhi) {
            double lo = y - (pt->eylo ? pt->eylo[i] : 0), hi = y + (pt->eyhi ? pt->eyhi[i] : 0);
            if (isfinite(lo) && isfinite(hi) && hi > lo) {
                cairo_move_to(cr, X, py(L, &p->y, p->y.log && lo <= 0 ? p->y.min * 1e-3 : lo));
                cairo_line_to(cr, X, py(L, &p->y, hi));
            }
        }
        if (pt->exlo || pt->exhi) {
            double lo = x - (pt->exlo ? pt->exlo[i] : 0), hi = x + (pt->exhi ? pt->exhi[i] : 0);
            if (isfinite(lo) && isfinite(hi) && hi > lo) {
                cairo_move_to(cr, px(L, &p->x, lo), Y);
                cairo_line_to(cr, px(L, &p->x, hi), Y);
            }
        }
    }
    cairo_stroke(cr);
    cairo_new_path(cr);
    for (i = 0; i < pt->n; i++) {
        if (!isfinite(pt->x[i]) || !isfinite(pt->y[i]) || (p->y.log && pt->y[i] <= 0))
            continue;
        marker_path(cr, pt->marker, px(L, &p->x, pt->x[i]), py(L, &p->y, pt->y[i]), r);
    }
    cairo_fill(cr);
}

static void
draw_line(dc *c, const layout *L, const hf_panel *p, const hf_item *it)
{
    const hf_line *ln = &it->u.line;
    cairo_t *cr = c->cr;
    size_t i;
    bool pen = false;

    cairo_new_path(cr);
    for (i = 0; i < ln->n; i++) {
        if (!isfinite(ln->x[i]) || !isfinite(ln->y[i]) || (p->y.log && ln->y[i] <= 0)) {
            pen = false;
            continue;
        }
        if (pen)
            cairo_line_to(cr, px(L, &p->x, ln->x[i]), py(L, &p->y, ln->y[i]));
        else
            cairo_move_to(cr, px(L, &p->x, ln->x[i]), py(L, &p->y, ln->y[i]));
        pen = true;
    }
    set_ink(c, it->ink, it->alpha);
    cairo_set_line_width(cr, line_width(c, it->width));
    set_dash(c, it->dash, line_width(c, it->width));
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
}

static void
draw_rule(dc *c, const layout *L, const hf_panel *p, const hf_item *it)
{
    cairo_t *cr = c->cr;
    const hf_rule *r = &it->u.rule;

    cairo_new_path(cr);
    if (r->vertical) {
        double x = px(L, &p->x, r->value);
        cairo_move_to(cr, x, L->area.y);
        cairo_line_to(cr, x, L->area.y + L->area.h);
    } else {
        double y = py(L, &p->y, r->value);
        cairo_move_to(cr, L->area.x, y);
        cairo_line_to(cr, L->area.x + L->area.w, y);
    }
    set_ink(c, it->ink, it->alpha);
    cairo_set_line_width(cr, line_width(c, it->width));
    set_dash(c, it->dash, line_width(c, it->width));
    cairo_stroke(cr);
}

static void
draw_span(dc *c, const layout *L, const hf_panel *p, const hf_item *it)
{
    const hf_span *sp = &it->u.span;

    cairo_new_path(c->cr);
    if (sp->vertical) {
        double a = px(L, &p->x, sp->lo), b = px(L, &p->x, sp->hi);
        cairo_rectangle(c->cr, a, L->area.y, b - a, L->area.h);
    } else {
        double a = py(L, &p->y, sp->lo), b = py(L, &p->y, sp->hi);
        cairo_rectangle(c->cr, L->area.x, b, L->area.w, a - b);
    }
    set_ink(c, it->ink, it->alpha);
    cairo_fill(c->cr);
}

static void
draw_text_item(dc *c, const layout *L, const hf_panel *p, const hf_item *it)
{
    const hf_text *t = &it->u.text;
    double x, y;

    if (t->coord == HF_COORD_AXES) {
        x = L->area.x + t->x * L->area.w;
        y = L->area.y + (1 - t->y) * L->area.h;
    } else {
        x = px(L, &p->x, t->x);
        y = py(L, &p->y, t->y);
    }
    set_ink(c, it->ink, it->alpha);
    text_at(c, x, y, t->str, c->fs[t->size], t->bold, t->halign, t->valign, t->angle);
}

static void
draw_cbar(dc *c, const layout *L, const hf_cells *ce)
{
    cairo_t *cr = c->cr;
    double x = L->area.x + L->area.w + 8, w = 8, y = L->area.y, h = L->area.h, fss;
    int k, n = 64;
    hf_axis cb = {0};
    hf_tickset ts;
    size_t i;

    fss = c->fs[HF_TEXT_SMALL];
    for (k = 0; k < n; k++) {
        hf_rgb col = hf_palette_map(c->pal, (k + 0.5) / n);
        cairo_rectangle(cr, x, y + h - (k + 1) * h / n, w, h / n + 0.3);
        cairo_set_source_rgb(cr, col.r, col.g, col.b);
        cairo_fill(cr);
    }
    set_ink(c, hf_ink_of(HF_ROLE_FG, 0), 1);
    cairo_set_line_width(cr, c->lw * 0.6);
    cairo_rectangle(cr, x, y, w, h);
    cairo_stroke(cr);
    cb.min = ce->vmin;
    cb.max = ce->vmax;
    hf_axis_ticks(&cb, 5, &ts);
    for (i = 0; i < ts.n; i++) {
        double ty = y + h - hf_axis_frac(&cb, ts.tick[i].value) * h;
        if (!ts.tick[i].major)
            continue;
        cairo_move_to(cr, x + w, ty);
        cairo_line_to(cr, x + w - 2.5, ty);
        cairo_stroke(cr);
        text_at(c, x + w + 3, ty, ts.tick[i].label, fss, false, HF_HALIGN_LEFT, HF_VALIGN_MIDDLE,
                0);
    }
    if (ce->cbar_label) {
        double lw = max_label_w(c, &ts, fss, 1);
        text_at(c, x + w + 3 + lw + c->fs[HF_TEXT_NORMAL] * 1.1, y + h / 2, ce->cbar_label,
                c->fs[HF_TEXT_NORMAL], false, HF_HALIGN_CENTER, HF_VALIGN_BASELINE, 90);
    }
}

static void
draw_cells(dc *c, const layout *L, const hf_panel *p, const hf_item *it)
{
    const hf_cells *ce = &it->u.cells;
    cairo_t *cr = c->cr;
    size_t i, j;
    double dx = (ce->x1 - ce->x0) / (double)(ce->nx ? ce->nx : 1);
    double dy = (ce->y1 - ce->y0) / (double)(ce->ny ? ce->ny : 1);
    double range = ce->vmax > ce->vmin ? ce->vmax - ce->vmin : 1, cw = 0, ch = 0, vf = 0;
    bool values = false;

    if (ce->nx && ce->ny) {
        cw = fabs(px(L, &p->x, ce->x0 + dx) - px(L, &p->x, ce->x0));
        ch = fabs(py(L, &p->y, ce->y0 + dy) - py(L, &p->y, ce->y0));
        vf = fmin(c->fs[HF_TEXT_SMALL], ch * 0.55);
        values = ce->show_values && vf >= 4 && text_w(c, "-0.00", vf, false) < cw * 0.92;
    }
    for (j = 0; j < ce->ny; j++)
        for (i = 0; i < ce->nx; i++) {
            double v = ce->v[j * ce->nx + i];
            double x0, x1, y0, y1;
            hf_rgb col;
            if (!isfinite(v))
                continue;
            x0 = px(L, &p->x, ce->x0 + (double)i * dx);
            x1 = px(L, &p->x, ce->x0 + (double)(i + 1) * dx);
            y0 = py(L, &p->y, ce->y0 + (double)j * dy);
            y1 = py(L, &p->y, ce->y0 + (double)(j + 1) * dy);
            col = hf_palette_map(c->pal, (v - ce->vmin) / range);
            cairo_set_source_rgb(cr, col.r, col.g, col.b);
            /* a hair of overlap hides antialiasing seams between cells */
            cairo_rectangle(cr, fmin(x0, x1), fmin(y0, y1), fabs(x1 - x0) + 0.25,
                            fabs(y1 - y0) + 0.25);
            cairo_fill(cr);
            if (values) {
                char buf[16];
                double lum = hf_rgb_luminance(col);
                snprintf(buf, sizeof buf, "%.2f", fabs(v) < 0.005 ? 0.0 : v); /* no "-0.00" */
                if (lum < 0.3)
                    cairo_set_source_rgb(cr, 1, 1, 1);
                else
                    cairo_set_source_rgb(cr, 0, 0, 0);
                text_at(c, (x0 + x1) / 2, (y0 + y1) / 2, buf, vf, false, HF_HALIGN_CENTER,
                        HF_VALIGN_MIDDLE, 0);
            }
        }
}

static void
draw_table(dc *c, const layout *L, const hf_item *it)
{
    const hf_table *t = &it->u.table;
    cairo_t *cr = c->cr;
    double f = c->fs[HF_TEXT_SMALL], total = 0, pad, rowh, y;
    double *colw;
    size_t r, k;

    if (t->ncols == 0 || t->nrows == 0)
        return;
    colw = calloc(t->ncols, sizeof *colw);
    if (!colw) {
        c->oom = true;
        return;
    }
    for (r = 0; r < t->nrows; r++)
        for (k = 0; k < t->ncols; k++) {
            const char *s = t->cell[r * t->ncols + k];
            double w = s ? text_w(c, s, f, t->header && r == 0) : 0;
            if (w > colw[k])
                colw[k] = w;
        }
    pad = f * 1.2;
    for (k = 0; k < t->ncols; k++)
        total += colw[k] + pad;
    /* shrink to the plot area: wider than the page or more rows than fit */
    if (total > L->area.w) {
        double sc = L->area.w / total;
        f *= sc;
        pad *= sc;
        for (k = 0; k < t->ncols; k++)
            colw[k] *= sc;
    }
    rowh = f * 1.45;
    if (rowh * (double)t->nrows > L->area.h) {
        double sc = L->area.h / (rowh * (double)t->nrows);
        f *= sc;
        pad *= sc;
        rowh *= sc;
        for (k = 0; k < t->ncols; k++)
            colw[k] *= sc;
    }
    set_ink(c, hf_ink_of(HF_ROLE_FG, 0), 1);
    y = L->area.y;
    cairo_set_line_width(cr, c->lw * 0.6);
    for (r = 0; r < t->nrows; r++) {
        double x = L->area.x;
        bool bold = t->header && r == 0;
        for (k = 0; k < t->ncols; k++) {
            const char *s = t->cell[r * t->ncols + k];
            double tx = t->align[k] == HF_HALIGN_RIGHT    ? x + colw[k]
                        : t->align[k] == HF_HALIGN_CENTER ? x + colw[k] / 2
                                                          : x;
            if (s && *s)
                text_at(c, tx, y + rowh * 0.5, s, f, bold, t->align[k], HF_VALIGN_MIDDLE, 0);
            x += colw[k] + pad;
        }
        y += rowh;
        if ((bold || (t->rule_after && t->rule_after[r])) && r + 1 < t->nrows) {
            cairo_move_to(cr, L->area.x, y);
            cairo_line_to(cr, L->area.x + fmin(total, L->area.w), y);
            cairo_stroke(cr);
        }
    }
    free(colw);
}

/* ---------------------------------------------------------------- axes, legend */

static void
draw_grid(dc *c, const layout *L, const hf_panel *p)
{
    cairo_t *cr = c->cr;
    size_t i;

    cairo_new_path(cr);
    for (i = 0; i < L->xt.n; i++)
        if (L->xt.tick[i].major) {
            double x = px(L, &p->x, L->xt.tick[i].value);
            cairo_move_to(cr, x, L->area.y);
            cairo_line_to(cr, x, L->area.y + L->area.h);
        }
    for (i = 0; i < L->yt.n; i++)
        if (L->yt.tick[i].major) {
            double y = py(L, &p->y, L->yt.tick[i].value);
            cairo_move_to(cr, L->area.x, y);
            cairo_line_to(cr, L->area.x + L->area.w, y);
        }
    set_ink(c, hf_ink_of(HF_ROLE_GRID, 0), 1);
    cairo_set_line_width(cr, c->lw * 0.5);
    set_dash(c, HF_DASH_SOLID, 1);
    cairo_stroke(cr);
}

static bool
inside(double v, double a, double b)
{
    double lo = fmin(a, b), hi = fmax(a, b), eps = (hi - lo) * 1e-9;
    return v >= lo - eps && v <= hi + eps;
}

/* A copy of s cut to maxw points with an ellipsis in the middle, so that both the prefix and
 * the distinguishing end ("...[12]", "..._lowmet") survive; NULL when s fits (or on ENOMEM).
 * Caller frees. */
static char *
ellipsize_w(dc *c, const char *s, double font, bool bold, double maxw)
{
    size_t len = strlen(s), nch, keep;
    char *tmp;

    if (text_w(c, s, font, bold) <= maxw + 0.5)
        return NULL;
    nch = hf_utf8_width(s);
    tmp = malloc(len + 4);
    if (!tmp) {
        c->oom = true;
        return NULL;
    }
    memcpy(tmp, "\xe2\x80\xa6", 4); /* nothing fits: the ellipsis alone */
    for (keep = nch > 1 ? nch - 1 : 1; keep > 1; keep--) {
        size_t head = hf_utf8_prefix(s, (keep + 1) / 2);
        size_t tail = len - hf_utf8_prefix(s, nch - keep / 2);
        snprintf(tmp, len + 4, "%.*s\xe2\x80\xa6%s", (int)head, s, s + len - tail);
        if (text_w(c, tmp, font, bold) <= maxw)
            break;
    }
    return tmp;
}

static char *
ellipsize(dc *c, const char *s, double font, double maxw)
{
    return ellipsize_w(c, s, font, false, maxw);
}

/* The same for bold text (titles). */
static char *
ellipsize_b(dc *c, const char *s, double font, double maxw)
{
    return ellipsize_w(c, s, font, true, maxw);
}

/* Category labels of ts cut to maxw points, kept distinct: render/labels.h decides (the same rule
 * as every other name list), measuring in points of this font. Returns ts->n strings (NULL: draw
 * the label as it is; caller frees with free_labels), or NULL on ENOMEM. */
typedef struct measure_ctx {
    dc *c;
    double font;
} measure_ctx;

static double
measure_pt(void *ctx, const char *s)
{
    measure_ctx *m = ctx;

    return text_w(m->c, s, m->font, false);
}

static char **
short_labels(dc *c, const hf_tickset *ts, double font, double maxw)
{
    size_t n = ts->n, i, k = 0, *at = malloc((n ? n : 1) * sizeof *at);
    const char **names = malloc((n ? n : 1) * sizeof *names);
    char **out = calloc(n ? n : 1, sizeof *out);
    measure_ctx mc = {c, font};
    hf_labels_options o = {0};
    hf_labels l = {0};
    bool ok = at && names && out;

    for (i = 0; ok && i < n; i++)
        if (ts->tick[i].label[0] && !is_pow_label(&ts->tick[i])) {
            at[k] = i;
            names[k++] = ts->tick[i].label;
        }
    o.max_width = maxw;
    o.measure = measure_pt;
    o.ctx = &mc;
    if (ok && hf_labels_make(&l, names, k, &o) < 0)
        ok = false;
    for (i = 0; ok && i < k; i++)
        if (l.shortened[i] && !(out[at[i]] = strdup(l.text[i])))
            ok = false;
    hf_labels_release(&l);
    free(at);
    free(names);
    if (!ok) {
        for (i = 0; out && i < n; i++)
            free(out[i]);
        free(out);
        c->oom = true;
        return NULL;
    }
    return out;
}

static void
free_labels(char **l, size_t n)
{
    size_t i;

    for (i = 0; l && i < n; i++)
        free(l[i]);
    free(l);
}

/* Tick labels left out at the ends of an axis shared edge to edge with another panel. */
static bool
skip_end(const hf_axis *ax, double v)
{
    double tol = 1e-6 * fabs(hf_axis_frac(ax, ax->max) - hf_axis_frac(ax, ax->min));
    return (ax->no_min_label && fabs(hf_axis_frac(ax, v)) <= tol + 1e-9) ||
           (ax->no_max_label && fabs(hf_axis_frac(ax, v) - 1) <= tol + 1e-9);
}

/* The x axis: ticks inward on the bottom and top edges, labels under the frame (every
 * xstride-th, vertical when the layout rotated them), the axis label at the right end. */
static void
draw_x_axis(dc *c, const layout *L, const hf_panel *p)
{
    cairo_t *cr = c->cr;
    double fsn = c->fs[HF_TEXT_NORMAL], maj = 4, min = 2;
    size_t i;
    int k;

    /* x ticks inward on bottom and top (the HEP convention), labels under the frame */
    if (!p->x.hidden) {
        for (i = 0; i < L->xt.n; i++) {
            const hf_tick *t = &L->xt.tick[i];
            double x = px(L, &p->x, t->value), len = t->major ? maj : min;
            if (!inside(t->value, p->x.min, p->x.max))
                continue;
            if (p->x.categories)
                len = maj * 0.7;
            cairo_move_to(cr, x, L->area.y + L->area.h);
            cairo_line_to(cr, x, L->area.y + L->area.h - len);
            if (!p->x.categories) {
                cairo_move_to(cr, x, L->area.y);
                cairo_line_to(cr, x, L->area.y + len);
            }
        }
        cairo_stroke(cr);
        char **xs = L->xrot ? short_labels(c, &L->xt, L->xfont, L->xlab_max) : NULL;
        for (i = 0, k = 0; i < L->xt.n && !p->x.hide_labels; i++) {
            const hf_tick *t = &L->xt.tick[i];
            double x = px(L, &p->x, t->value), y = L->area.y + L->area.h + 3;
            if (!t->label[0] || !inside(t->value, p->x.min, p->x.max) || skip_end(&p->x, t->value))
                continue;
            if (k++ % L->xstride != 0)
                continue;
            if (L->xrot) {
                /* vertical, reading upwards, right end at the tick; ellipsize if too long */
                char *tmp = xs ? NULL : ellipsize(c, t->label, L->xfont, L->xlab_max);
                const char *s = xs && xs[i] ? xs[i] : tmp ? tmp : t->label;
                text_at(c, x + L->xfont * 0.36, y + 1, s, L->xfont, false, HF_HALIGN_RIGHT,
                        HF_VALIGN_BASELINE, 90);
                free(tmp);
            } else {
                tick_label_at(c, t, x, y, L->xfont, HF_HALIGN_CENTER, HF_VALIGN_TOP);
            }
        }
        free_labels(xs, L->xt.n);
        if (p->x.label && !p->x.hide_labels)
            text_at(c, L->area.x + L->area.w, L->outer.y + L->outer.h - 3, p->x.label, fsn, false,
                    HF_HALIGN_RIGHT, HF_VALIGN_BOTTOM, 0);
    }
}

/* The y axis: ticks inward on both edges (categories: left only), right-aligned labels (long
 * category names shortened), the axis label along the left edge. */
static void
draw_y_axis(dc *c, const layout *L, const hf_panel *p)
{
    cairo_t *cr = c->cr;
    double fsn = c->fs[HF_TEXT_NORMAL], maj = 4, min = 2;
    size_t i;
    int k;

    if (!p->y.hidden) {
        for (i = 0; i < L->yt.n; i++) {
            const hf_tick *t = &L->yt.tick[i];
            double y = py(L, &p->y, t->value), len = t->major ? maj : min;
            if (!inside(t->value, p->y.min, p->y.max))
                continue;
            if (p->y.categories)
                len = maj * 0.7; /* category ticks: short and only on the left */
            cairo_move_to(cr, L->area.x, y);
            cairo_line_to(cr, L->area.x + len, y);
            if (!p->y.categories) {
                cairo_move_to(cr, L->area.x + L->area.w, y);
                cairo_line_to(cr, L->area.x + L->area.w - len, y);
            }
        }
        cairo_stroke(cr);
        char **ys = isfinite(L->ylab_max) ? short_labels(c, &L->yt, L->yfont, L->ylab_max) : NULL;
        for (i = 0, k = 0; i < L->yt.n && !p->y.hide_labels; i++) {
            const hf_tick *t = &L->yt.tick[i];
            double y = py(L, &p->y, t->value);
            if (!t->label[0] || !inside(t->value, p->y.min, p->y.max) || skip_end(&p->y, t->value))
                continue;
            if (k++ % L->ystride != 0)
                continue;
            if (isfinite(L->ylab_max) && tick_label_w(c, t, L->yfont) > L->ylab_max + 0.5) {
                char *tmp = ys ? NULL : ellipsize(c, t->label, L->yfont, L->ylab_max);
                const char *s = ys && ys[i] ? ys[i] : tmp ? tmp : t->label;
                text_at(c, L->area.x - 3, y, s, L->yfont, false, HF_HALIGN_RIGHT, HF_VALIGN_MIDDLE,
                        0);
                free(tmp);
            } else {
                tick_label_at(c, t, L->area.x - 3, y, L->yfont, HF_HALIGN_RIGHT, HF_VALIGN_MIDDLE);
            }
        }
        free_labels(ys, L->yt.n);
        if (p->y.label) {
            /* top-aligned (HEP style) when short; centred, and shrunk to fit, when long */
            double f = fsn, w = text_w(c, p->y.label, fsn, false);
            if (w > L->area.h * 0.98)
                f = fmax(5, fsn * L->area.h * 0.98 / w);
            if (w > L->area.h * 0.6)
                text_at(c, L->outer.x + 3 + fsn * 0.8, L->area.y + L->area.h / 2, p->y.label, f,
                        false, HF_HALIGN_CENTER, HF_VALIGN_BASELINE, 90);
            else
                text_at(c, L->outer.x + 3 + fsn * 0.8, L->area.y, p->y.label, f, false,
                        HF_HALIGN_RIGHT, HF_VALIGN_BASELINE, 90);
        }
    }
}

/* One line of a panel title at (x, y): bold (bold == 0), regular (bold == TITLE_PLAIN), or only
 * its first `bold` bytes bold (the layout measured it all bold, so the mixed line is never
 * wider). */
#define TITLE_PLAIN ((size_t)-1)
static void
title_line(dc *c, double x, double y, const char *s, double f, size_t bold)
{
    size_t n = strlen(s);
    char *head;

    if (bold == 0 || bold >= n || !(head = malloc(bold + 1))) {
        c->oom |= bold != 0 && bold < n;
        text_at(c, x, y, s, f, bold != TITLE_PLAIN, HF_HALIGN_LEFT, HF_VALIGN_BASELINE, 0);
        return;
    }
    memcpy(head, s, bold);
    head[bold] = '\0';
    text_at(c, x, y, head, f, true, HF_HALIGN_LEFT, HF_VALIGN_BASELINE, 0);
    text_at(c, x + text_w(c, head, f, true), y, s + bold, f, false, HF_HALIGN_LEFT,
            HF_VALIGN_BASELINE, 0);
    free(head);
}

/* The panel title above the plot area: shrunk a little, then broken into the two lines the
 * layout reserved, then ellipsized; never clipped at the figure's edge. */
static void
draw_title(dc *c, const layout *L, const hf_panel *p)
{
    if (p->title) {
        /* a long title shrinks a little, then breaks into the two lines the layout reserved,
         * then is ellipsized: never clipped at the figure's edge */
        double tx = p->y.categories ? L->outer.x + 4 : L->area.x, room = title_room(L, tx), f;
        double y = L->area.y - c->fs[HF_TEXT_LARGE] * 0.5;
        size_t cut, resume, n = strlen(p->title);
        int lines = title_fit(c, p->title, room, c->fs[HF_TEXT_LARGE], L->title_lines > 1, &f, &cut,
                              &resume);
        char *l1 = NULL, *e1 = NULL, *e2 = NULL;
        if (lines > L->title_lines) { /* the margins moved since the layout: one shrunk line */
            lines = 1;
            f = fmax(5, c->fs[HF_TEXT_LARGE] * room * 0.98 /
                            text_w(c, p->title, c->fs[HF_TEXT_LARGE], true));
            cut = resume = n;
        }
        if (lines == 2 && !(l1 = malloc(cut + 1)))
            c->oom = true;
        if (lines == 2 && l1 != NULL) {
            memcpy(l1, p->title, cut);
            l1[cut] = '\0';
            e1 = text_w(c, l1, f, true) > room ? ellipsize_b(c, l1, f, room) : NULL;
            e2 = text_w(c, p->title + resume, f, true) > room
                     ? ellipsize_b(c, p->title + resume, f, room)
                     : NULL;
            title_line(c, tx, y - f * 1.2, e1 ? e1 : l1, f, e1 ? 0 : p->title_bold);
            title_line(c, tx, y, e2 ? e2 : p->title + resume, f,
                       p->title_bold ? TITLE_PLAIN : 0); /* bold only at the start */
        } else {
            e1 = text_w(c, p->title, f, true) > room ? ellipsize_b(c, p->title, f, room) : NULL;
            title_line(c, tx, y, e1 ? e1 : p->title, f, e1 ? 0 : p->title_bold);
        }
        free(l1);
        free(e1);
        free(e2);
    }
}

static void
draw_axes(dc *c, const layout *L, const hf_panel *p)
{
    cairo_t *cr = c->cr;

    set_ink(c, hf_ink_of(HF_ROLE_FG, 0), 1);
    cairo_set_line_width(cr, c->lw * 0.75);
    set_dash(c, HF_DASH_SOLID, 1);
    if (p->frame) {
        cairo_rectangle(cr, L->area.x, L->area.y, L->area.w, L->area.h);
        cairo_stroke(cr);
    }
    draw_x_axis(c, L, p);
    draw_y_axis(c, L, p);
    draw_title(c, L, p);
}

static void
legend_symbol(dc *c, const hf_legend_entry *e, double x, double y, double w, double h)
{
    cairo_t *cr = c->cr;

    cairo_new_path(cr);
    switch (e->kind) {
    case HF_LEGEND_FILL:
        cairo_rectangle(cr, x, y, w, h);
        set_ink(c, e->ink, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgba(cr, 0, 0, 0, 0.55);
        cairo_set_line_width(cr, c->lw * 0.4);
        cairo_stroke(cr);
        break;
    case HF_LEGEND_SHADE:
        cairo_rectangle(cr, x, y, w, h);
        set_ink(c, e->ink, 0.45);
        cairo_fill(cr);
        break;
    case HF_LEGEND_HATCH: {
        cairo_save(cr);
        cairo_rectangle(cr, x, y, w, h);
        cairo_clip(cr);
        hatch_rect(cr, x, y, w, h, 2.6);
        set_ink(c, e->ink, 0.9);
        cairo_set_line_width(cr, c->lw * 0.5);
        cairo_stroke(cr);
        cairo_restore(cr);
        break;
    }
    case HF_LEGEND_LINE:
        cairo_move_to(cr, x, y + h / 2);
        cairo_line_to(cr, x + w, y + h / 2);
        set_ink(c, e->ink, 1);
        cairo_set_line_width(cr, c->lw * 1.1);
        set_dash(c, e->dash, c->lw);
        cairo_stroke(cr);
        set_dash(c, HF_DASH_SOLID, 1);
        break;
    case HF_LEGEND_MARKER:
        set_ink(c, e->ink, 1);
        cairo_move_to(cr, x + w / 2, y - h * 0.15);
        cairo_line_to(cr, x + w / 2, y + h * 1.15);
        cairo_set_line_width(cr, c->lw);
        cairo_stroke(cr);
        marker_path(cr, e->marker, x + w / 2, y + h / 2, marker_r(c));
        cairo_fill(cr);
        break;
    }
}

static void
draw_legend(dc *c, layout *L, const hf_panel *p)
{
    double bx, by, pad = 4;
    size_t i;

    if (p->nlegend == 0)
        return;
    if (p->legend_pos == HF_LEGPOS_OUTSIDE_RIGHT) {
        bx = L->area.x + L->area.w + 8 + (L->has_cbar ? 40 : 0);
        by = L->area.y;
    } else if (p->legend_pos == HF_LEGPOS_ABOVE) {
        bx = 6;
        by = fmax(0, L->outer.y - L->legh - 3);
    } else {
        /* inside: top left when asked, else the corner covering least (top right first) */
        const double inset[4] = {pad + 2, pad, pad, pad + 2};
        hf_rect box[HF_NCORNERS];
        double score[HF_NCORNERS];
        int k = p->legend_pos == HF_LEGPOS_TOP_LEFT ? HF_CORNER_TL : HF_CORNER_TR;
        hf_layout_corners(&L->area, L->legw, L->legh, inset, box);
        if (p->legend_pos == HF_LEGPOS_INSIDE_AUTO) {
            for (k = 0; k < HF_NCORNERS; k++)
                score[k] = hf_layout_cover(p, &L->area, &box[k]);
            k = hf_layout_pick(score, HF_NCORNERS);
        }
        bx = box[k].x;
        by = box[k].y;
    }
    for (i = 0; i < p->nlegend; i++) {
        const hf_legend_entry *e = &p->legend[i];
        int col, row;
        hf_layout_legend_slot(p->nlegend, L->legcols, i, &col, &row);
        double x = bx + col * L->legcolw, y = by + row * L->legrowh;
        double sw = L->legfont * 1.8, sh = L->legfont * 0.85;
        legend_symbol(c, e, x, y + (L->legrowh - sh) / 2, sw, sh);
        set_ink(c, hf_ink_of(HF_ROLE_FG, 0), 1);
        text_at(c, x + sw + L->legfont * 0.45, y + L->legrowh / 2, e->label, L->legfont, false,
                HF_HALIGN_LEFT, HF_VALIGN_MIDDLE, 0);
    }
}

static void
draw_panel(dc *c, layout *L, const hf_panel *p)
{
    size_t i;
    const hf_cells *cells = NULL;

    cairo_save(c->cr);
    if (p->grid)
        draw_grid(c, L, p);
    cairo_rectangle(c->cr, L->area.x, L->area.y, L->area.w, L->area.h);
    cairo_clip(c->cr);
    for (i = 0; i < p->nitems; i++) {
        const hf_item *it = &p->items[i];
        switch (it->kind) {
        case HF_ITEM_STACK:
            draw_stack(c, L, p, it);
            break;
        case HF_ITEM_HIST:
            draw_hist(c, L, p, it);
            break;
        case HF_ITEM_BAND:
            draw_band(c, L, p, it);
            break;
        case HF_ITEM_POINTS:
            draw_points(c, L, p, it);
            break;
        case HF_ITEM_LINE:
            draw_line(c, L, p, it);
            break;
        case HF_ITEM_RULE:
            draw_rule(c, L, p, it);
            break;
        case HF_ITEM_SPAN:
            draw_span(c, L, p, it);
            break;
        case HF_ITEM_CELLS:
            draw_cells(c, L, p, it);
            cells = &it->u.cells;
            break;
        case HF_ITEM_TEXT:
        case HF_ITEM_TABLE:
            break; /* unclipped, below */
        }
    }
    cairo_restore(c->cr);
    for (i = 0; i < p->nitems; i++) {
        const hf_item *it = &p->items[i];
        if (it->kind == HF_ITEM_TEXT)
            draw_text_item(c, L, p, it);
        else if (it->kind == HF_ITEM_TABLE)
            draw_table(c, L, it);
    }
    draw_axes(c, L, p);
    if (cells)
        draw_cbar(c, L, cells);
    draw_legend(c, L, p);
}

/* Draw scene s on cr whose user units are points. Returns 0, or -1 when an allocation failed
 * (the figure is incomplete). */
static int
draw_scene(cairo_t *cr, const hf_scene *s, const hf_palette *pal)
{
    dc c = {0};
    double W = s->width_in * PT_PER_IN, H = s->height_in * PT_PER_IN, top0 = 0;
    layout *L;
    hf_rect *outer = NULL, *area = NULL;
    size_t i;

    c.cr = cr;
    c.pal = pal ? pal : hf_palette_builtin();
    /* text sizes for a figure printed at its true size: 8-9 pt in a single column */
    if ((s->font_width_in > 0 ? s->font_width_in : s->width_in) < 5) {
        c.fs[HF_TEXT_NORMAL] = 8.5;
        c.fs[HF_TEXT_SMALL] = 7.5;
        c.fs[HF_TEXT_LARGE] = 9.5;
        c.fs[HF_TEXT_TITLE] = 11;
        c.lw = 0.8;
    } else {
        c.fs[HF_TEXT_NORMAL] = 10;
        c.fs[HF_TEXT_SMALL] = 9;
        c.fs[HF_TEXT_LARGE] = 11;
        c.fs[HF_TEXT_TITLE] = 14;
        c.lw = 1.0;
    }
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    if (s->title) {
        /* a long figure title shrinks (to 65%), then is cut in the middle: never clipped */
        double f = c.fs[HF_TEXT_TITLE], room = W - 12, tw = text_w(&c, s->title, f, true);
        char *cut = NULL;
        if (tw > room) {
            f = fmax(f * 0.65, f * room / tw);
            cut = ellipsize_b(&c, s->title, f, room);
        }
        set_ink(&c, hf_ink_of(HF_ROLE_FG, 0), 1);
        text_at(&c, 6, 6 + c.fs[HF_TEXT_TITLE], cut ? cut : s->title, f, true, HF_HALIGN_LEFT,
                HF_VALIGN_BASELINE, 0);
        free(cut);
        top0 = c.fs[HF_TEXT_TITLE] * 2;
    }
    if (s->npanels == 0)
        return c.oom ? -1 : 0;
    L = calloc(s->npanels, sizeof *L);
    if (!L)
        return -1;
    for (i = 0; i < s->npanels; i++)
        layout_panel(&c, s, s->panels[i], &L[i], W, H, top0);
    /* panels in one column share left/right margins so their plot areas line up */
    if (!(outer = malloc(s->npanels * sizeof *outer)) ||
        !(area = malloc(s->npanels * sizeof *area))) {
        c.oom = true;
        goto out;
    }
    for (i = 0; i < s->npanels; i++) {
        outer[i] = L[i].outer;
        area[i] = L[i].area;
    }
    hf_layout_align_columns(s, outer, area, 10);
    for (i = 0; i < s->npanels; i++)
        L[i].area = area[i];
    for (i = 0; i < s->npanels; i++)
        draw_panel(&c, &L[i], s->panels[i]);
out:
    free(outer);
    free(area);
    free(L);
    return c.oom ? -1 : 0;
}

/* ---------------------------------------------------------------- documents */

struct hf_cairo_doc {
    hf_cairo_options opt;
    char *path, *tmp;
    FILE *f;
    cairo_surface_t *surf;
    size_t pages;
    int outline_parent[2]; /* the last level-0 and level-1 entries */
    bool write_failed;
    int write_errno; /* errno of the first failed write */
};

static cairo_status_t
write_cb(void *closure, const unsigned char *data, unsigned int len)
{
    hf_cairo_doc *d = closure;

    if (d->write_failed)
        return CAIRO_STATUS_WRITE_ERROR;
    if (fwrite(data, 1, len, d->f) != len) {
        d->write_failed = true;
        d->write_errno = errno != 0 ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- PNG */

/* PNG (ISO/IEC 15948) written here rather than by cairo_surface_write_to_png_stream: libpng's
 * default zlib level and adaptive filters took two thirds of `plot --all` in PNG. Figures are
 * large flat areas, so the "Sub" filter and zlib level 1 give files of about the same size in a
 * fraction of the time. RGB, 8 bits, non-interlaced, with a pHYs chunk for the print size. */
static void
be32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static int
png_chunk(hf_cairo_doc *d, const char *type, const unsigned char *data, size_t len)
{
    unsigned char hdr[8], crc[4];
    unsigned long c = crc32(0, (const Bytef *)type, 4);

    if (len > 0) /* crc32 with no buffer returns the initial value, not c */
        c = crc32(c, data, (uInt)len);
    be32(hdr, (unsigned long)len);
    memcpy(hdr + 4, type, 4);
    be32(crc, c);
    if (write_cb(d, hdr, 8) != CAIRO_STATUS_SUCCESS ||
        (len && write_cb(d, data, (unsigned)len) != CAIRO_STATUS_SUCCESS) ||
        write_cb(d, crc, 4) != CAIRO_STATUS_SUCCESS)
        return -1;
    return 0;
}

/* One row of the ARGB32 (premultiplied, native-endian) image as filter byte 1 ("Sub") and RGB. */
static void
png_row(const unsigned char *src, int w, unsigned char *out)
{
    const uint32_t *px = (const uint32_t *)(const void *)src;
    unsigned char prev[3] = {0, 0, 0};
    int x, k;

    out[0] = 1;
    for (x = 0; x < w; x++) {
        uint32_t p = px[x], a = p >> 24;
        unsigned char rgb[3] = {(unsigned char)(p >> 16), (unsigned char)(p >> 8),
                                (unsigned char)p};
        for (k = 0; k < 3 && a != 255; k++) /* un-premultiply (figures are opaque) */
            rgb[k] = a ? (unsigned char)((rgb[k] * 255u + a / 2) / a) : 255;
        for (k = 0; k < 3; k++) {
            out[1 + 3 * x + k] = (unsigned char)(rgb[k] - prev[k]);
            prev[k] = rgb[k];
        }
    }
}

/* Flush the deflate output buffer as an IDAT chunk. */
static int
png_idat(hf_cairo_doc *d, z_stream *z, unsigned char *buf, size_t cap)
{
    size_t n = cap - z->avail_out;

    z->next_out = buf;
    z->avail_out = (uInt)cap;
    return n ? png_chunk(d, "IDAT", buf, n) : 0;
}

static cairo_status_t
write_png(hf_cairo_doc *d)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    int w = cairo_image_surface_get_width(d->surf), h = cairo_image_surface_get_height(d->surf);
    int stride = cairo_image_surface_get_stride(d->surf), y, zr = Z_OK;
    const unsigned char *img;
    unsigned char ihdr[13], phys[9], *row, *out;
    size_t rowlen = 1 + 3 * (size_t)w, cap = 1 << 16;
    unsigned long ppm = (unsigned long)(d->opt.dpi / 0.0254 + 0.5);
    z_stream z;
    int rc = 0;

    cairo_surface_flush(d->surf);
    img = cairo_image_surface_get_data(d->surf);
    row = malloc(rowlen);
    out = malloc(cap);
    memset(&z, 0, sizeof z);
    if (!img || !row || !out || deflateInit(&z, 1) != Z_OK) {
        free(row);
        free(out);
        return CAIRO_STATUS_NO_MEMORY;
    }
    be32(ihdr, (unsigned long)w);
    be32(ihdr + 4, (unsigned long)h);
    memcpy(ihdr + 8, "\x08\x02\x00\x00\x00", 5); /* 8 bit, RGB, deflate, filters, no interlace */
    be32(phys, ppm);
    be32(phys + 4, ppm);
    phys[8] = 1; /* metres */
    rc = write_cb(d, sig, 8) != CAIRO_STATUS_SUCCESS || png_chunk(d, "IHDR", ihdr, 13) < 0 ||
                 png_chunk(d, "pHYs", phys, 9) < 0
             ? -1
             : 0;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    for (y = 0; y <= h && rc == 0; y++) {
        if (y < h) {
            png_row(img + (size_t)y * (size_t)stride, w, row);
            z.next_in = row;
            z.avail_in = (uInt)rowlen;
        }
        do {
            zr = deflate(&z, y < h ? Z_NO_FLUSH : Z_FINISH);
            if (z.avail_out == 0 || (y == h && zr == Z_STREAM_END))
                rc = png_idat(d, &z, out, cap);
        } while (rc == 0 && (z.avail_in > 0 || (y == h && zr == Z_OK)));
    }
    deflateEnd(&z);
    free(row);
    free(out);
    if (rc == 0 && png_chunk(d, "IEND", NULL, 0) < 0)
        rc = -1;
    return rc == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Returns a document writing to a temporary file next to path; NULL with err (HF_EIO naming
 * path, or ENOMEM). */
hf_cairo_doc *
hf_cairo_doc_open(const char *path, const hf_cairo_options *opt, hf_error *err)
{
    hf_cairo_doc *d = calloc(1, sizeof *d);
    size_t n = strlen(path);
    int fd;

    if (!d) {
        hf_error_nomem(err);
        return NULL;
    }
    if (opt)
        d->opt = *opt;
    if (!d->opt.pal)
        d->opt.pal = hf_palette_builtin();
    if (!(d->opt.dpi > 0))
        d->opt.dpi = 150;
    d->path = strdup(path);
    d->tmp = malloc(n + 16);
    if (!d->path || !d->tmp) {
        free(d->path);
        free(d->tmp);
        free(d);
        hf_error_nomem(err);
        return NULL;
    }
    snprintf(d->tmp, n + 16, "%s.tmp.XXXXXX", path);
    fd = mkstemp(d->tmp);
    if (fd < 0 || !(d->f = fdopen(fd, "wb"))) {
        hf_error_set(err, HF_EIO, "", "cannot write \"%s\": %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(d->tmp);
        }
        free(d->path);
        free(d->tmp);
        free(d);
        return NULL;
    }
    {
        /* mkstemp makes 0600; give the file the mode a plain fopen would have */
        mode_t um = umask(0);
        umask(um);
        if (fchmod(fd, 0666 & ~um) != 0) {
            /* not fatal: the figure is still written, only with private permissions */
        }
    }
    d->outline_parent[0] = d->outline_parent[1] = CAIRO_PDF_OUTLINE_ROOT;
    return d;
}

size_t
hf_cairo_doc_pages(const hf_cairo_doc *d)
{
    return d->pages;
}

void
hf_cairo_doc_abort(hf_cairo_doc *d)
{
    if (!d)
        return;
    if (d->surf) {
        cairo_surface_finish(d->surf);
        cairo_surface_destroy(d->surf);
    }
    if (d->f)
        (void)fclose(d->f); /* the document is being discarded */
    unlink(d->tmp);
    free(d->path);
    free(d->tmp);
    free(d);
}

static int
cairo_fail(hf_error *err, const hf_cairo_doc *d, cairo_status_t st)
{
    if (st == CAIRO_STATUS_NO_MEMORY && !d->write_failed)
        return hf_error_nomem(err);
    return hf_error_set(err, d->write_failed ? HF_EIO : HF_EUSAGE, "", "cannot write \"%s\": %s",
                        d->path,
                        d->write_failed ? strerror(d->write_errno) : cairo_status_to_string(st));
}

/* One outline entry for the current page, under the last entry one level up (closed: a long
 * list of channels stays folded until the reader opens its region). */
static void
add_outline(hf_cairo_doc *d, const char *entry, int level)
{
    char link[32];
    int lv = level < 0 ? 0 : level > 2 ? 2 : level, id;

    snprintf(link, sizeof link, "page=%zu", d->pages);
    id = cairo_pdf_surface_add_outline(
        d->surf, lv == 0 ? CAIRO_PDF_OUTLINE_ROOT : d->outline_parent[lv - 1], entry, link, 0);
    if (lv < 2)
        d->outline_parent[lv] = id;
}

int
hf_cairo_doc_add(hf_cairo_doc *d, const hf_scene *s, hf_error *err)
{
    double W = s->width_in * PT_PER_IN, H = s->height_in * PT_PER_IN;
    cairo_t *cr;
    cairo_status_t st;

    if (d->pages > 0 && d->opt.format != HF_FORMAT_PDF)
        return hf_error_set(err, HF_EUSAGE, "", "%s holds one figure; use pdf for several",
                            hf_format_ext(d->opt.format));
    if (d->opt.format == HF_FORMAT_PDF) {
        if (!d->surf) {
            d->surf = cairo_pdf_surface_create_for_stream(write_cb, d, W, H);
            if (d->opt.title)
                cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_TITLE, d->opt.title);
            cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_CREATOR,
                                           "hfscope " HF_VERSION);
        } else {
            cairo_pdf_surface_set_size(d->surf, W, H);
        }
    } else if (d->opt.format == HF_FORMAT_SVG) {
        d->surf = cairo_svg_surface_create_for_stream(write_cb, d, W, H);
        if (cairo_surface_status(d->surf) == CAIRO_STATUS_SUCCESS)
            cairo_svg_surface_set_document_unit(d->surf, CAIRO_SVG_UNIT_PT);
    } else {
        int w = (int)ceil(s->width_in * d->opt.dpi), h = (int)ceil(s->height_in * d->opt.dpi);
        d->surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    }
    st = cairo_surface_status(d->surf);
    if (st != CAIRO_STATUS_SUCCESS)
        return cairo_fail(err, d, st);
    cr = cairo_create(d->surf);
    if (d->opt.format == HF_FORMAT_PNG)
        cairo_scale(cr, d->opt.dpi / PT_PER_IN, d->opt.dpi / PT_PER_IN);
    int drawn = draw_scene(cr, s, d->opt.pal);
    d->pages++;
    if (d->opt.format == HF_FORMAT_PDF && s->outline) {
        add_outline(d, s->outline, s->outline_level);
        for (size_t k = 0; k < s->nmore; k++)
            add_outline(d, s->more[k].entry, s->more[k].level);
    }
    if (d->opt.format == HF_FORMAT_PDF)
        cairo_show_page(cr);
    st = cairo_status(cr);
    cairo_destroy(cr);
    if (st != CAIRO_STATUS_SUCCESS)
        return cairo_fail(err, d, st);
    return drawn < 0 ? hf_error_nomem(err) : 0;
}

int
hf_cairo_doc_close(hf_cairo_doc *d, hf_error *err)
{
    cairo_status_t st = CAIRO_STATUS_SUCCESS;
    int rc = 0;

    if (!d->surf) {
        hf_error_set(err, HF_EUSAGE, "", "nothing to draw into \"%s\"", d->path);
        hf_cairo_doc_abort(d);
        return -1;
    }
    if (d->opt.format == HF_FORMAT_PNG)
        st = write_png(d);
    cairo_surface_finish(d->surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(d->surf);
    cairo_surface_destroy(d->surf);
    d->surf = NULL;
    /* cairo_surface_finish does not report a failed write of the PDF/SVG stream in the
     * surface status: write_cb's own record decides (a full disk must not give a cut PDF) */
    if (st == CAIRO_STATUS_SUCCESS && d->write_failed)
        st = CAIRO_STATUS_WRITE_ERROR;
    if (st != CAIRO_STATUS_SUCCESS)
        rc = cairo_fail(err, d, st);
    /* flush and fsync before the rename, so a crash cannot leave an empty file in its place */
    if (rc == 0 && (fflush(d->f) != 0 || fsync(fileno(d->f)) != 0))
        rc = hf_error_set(err, HF_EIO, "", "cannot write \"%s\": %s", d->path, strerror(errno));
    if (fclose(d->f) != 0 && rc == 0)
        rc = hf_error_set(err, HF_EIO, "", "cannot write \"%s\": %s", d->path, strerror(errno));
    d->f = NULL;
    if (rc == 0 && rename(d->tmp, d->path) != 0)
        rc = hf_error_set(err, HF_EIO, "", "cannot write \"%s\": %s", d->path, strerror(errno));
    hf_cairo_doc_abort(d); /* removes the temporary file if it is still there */
    return rc;
}

int
hf_cairo_write(const hf_scene *s, const char *path, const hf_cairo_options *opt, hf_error *err)
{
    hf_cairo_doc *d = hf_cairo_doc_open(path, opt, err);

    if (!d)
        return -1;
    if (hf_cairo_doc_add(d, s, err) < 0) {
        hf_cairo_doc_abort(d);
        return -1;
    }
    return hf_cairo_doc_close(d, err);
}

unsigned *
hf_cairo_render_pixels(const hf_scene *s, const hf_palette *pal, double dpi, int *width,
                       int *height)
{
    int w = (int)ceil(s->width_in * dpi), h = (int)ceil(s->height_in * dpi), y;
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr;
    unsigned *px_out;
    const unsigned char *data;
    int stride;

    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        return NULL;
    }
    cr = cairo_create(surf);
    cairo_scale(cr, dpi / PT_PER_IN, dpi / PT_PER_IN);
    int drawn = draw_scene(cr, s, pal);
    cairo_destroy(cr);
    cairo_surface_flush(surf);
    px_out = drawn < 0 ? NULL : malloc((size_t)w * (size_t)h * sizeof *px_out);
    if (px_out) {
        data = cairo_image_surface_get_data(surf);
        stride = cairo_image_surface_get_stride(surf);
        for (y = 0; y < h; y++)
            memcpy(px_out + (size_t)y * (size_t)w, data + (size_t)y * (size_t)stride,
                   (size_t)w * sizeof *px_out);
        *width = w;
        *height = h;
    }
    cairo_surface_destroy(surf);
    return px_out;
}
