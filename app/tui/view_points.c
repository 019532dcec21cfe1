/* app/tui/view_points.c - view 0: the patchset browser. A list of the signal points (patch name,
 * the values of the patchset's labels, CLs obs/exp at mu = 1, upper limits obs/exp once asked
 * for with l, a status), or with m the mass plane of the first two labels: one cell per point
 * (excluded, allowed, pending, running, failed) and the CLs = 0.05 contours (hf_contour_find on
 * log CLs, as render/plot_exclusion.c draws them in the figures). Enter opens a point's stacks. */
#include "app/tui/chrome.h"
#include "app/tui/points.h"
#include "app/tui/view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/plot_exclusion.h"

/* list columns: the mark, the name (at least MIN_NAME), then each label's value, CLs obs and
 * exp, limit obs and exp, the status; DETAIL lines under the list (the selected point) */
enum { MARK = 2, MIN_NAME = 10, COL_VAL = 8, COL_NUM = 9, COL_STATUS = 9, DETAIL = 2 };
#define EXCL_LEVEL 0.05 /* CLs below 1 - cl (cl = 0.95): excluded at 95% CL */

/* A number of a point in its state: the value, or what is known instead of it. */
static const char *
num_text(const struct tui *t, tui_pt_state st, double v, char *buf, size_t n)
{
    switch (st) {
    case TUI_PT_NONE:
        return "";
    case TUI_PT_PENDING:
        return TUI_G("·", ".");
    case TUI_PT_RUNNING:
        return TUI_G("…", "...");
    case TUI_PT_FAILED:
        return "failed";
    default:
        if (isnan(v))
            return "n/a";            /* a limit outside the POI range searched */
        snprintf(buf, n, "%.3g", v); /* 8 columns at most: "1.23e-05" */
        return buf;
    }
}

/* The point's status word: the worst of its evaluations, else excluded or not (observed CLs). */
static const char *
status_text(const struct tui_points *p, size_t i)
{
    const tui_pt *pt = &p->pt[i];
    if ((long)i == p->entering)
        return "loading";
    if (pt->cls_state == TUI_PT_FAILED || pt->lim_state == TUI_PT_FAILED)
        return "failed";
    if (pt->cls_state == TUI_PT_RUNNING || pt->lim_state == TUI_PT_RUNNING)
        return "running";
    if (pt->cls_state == TUI_PT_PENDING)
        return p->bkg == NULL ? "not run" : "pending";
    if (pt->cls_state == TUI_PT_DONE)
        return pt->cls < EXCL_LEVEL ? "excluded" : "allowed";
    return pt->lim_state == TUI_PT_PENDING ? "pending" : "";
}

/* The title: what the points are and how far the computation is ("Points 110 · CLs 23/110 ·
 * failed 2 · computing"). */
static void
title_of(const struct tui *t, const struct tui_points *p, const char *what, char *buf, size_t n)
{
    size_t done = 0, failed = 0;
    for (size_t i = 0; i < p->n; i++) {
        done += p->pt[i].cls_state == TUI_PT_DONE;
        failed += p->pt[i].cls_state == TUI_PT_FAILED || p->pt[i].lim_state == TUI_PT_FAILED;
    }
    size_t lims = 0;
    for (size_t i = 0; i < p->n; i++)
        lims += p->pt[i].lim_state == TUI_PT_DONE;
    int len = snprintf(buf, n, "%s %zu%sCLs %zu/%zu", what, p->n, tui_sep(t), done, p->n);
    if ((p->want_limits || lims > 0) && len > 0 && (size_t)len < n)
        len += snprintf(buf + len, n - (size_t)len, "%slimits %zu/%zu", tui_sep(t), lims, p->n);
    if (failed > 0 && len > 0 && (size_t)len < n)
        len += snprintf(buf + len, n - (size_t)len, "%sfailed %zu", tui_sep(t), failed);
    if (p->inflight >= 0 && len > 0 && (size_t)len < n)
        snprintf(buf + len, n - (size_t)len, "%scomputing", tui_sep(t));
}

/* The selected point in full under the list or the map: name and values, then its state (the
 * failure's reason, clipped with an ellipsis; the Log view has it whole). */
static void
detail(struct tui *t, const struct tui_points *p, int y, int x, int w)
{
    if (p->n == 0 || p->sel >= p->n) {
        tui_put_field(t, y, x, w, "", A_NORMAL, 0);
        tui_put_field(t, y + 1, x, w, "", A_NORMAL, 0);
        return;
    }
    const tui_pt *pt = &p->pt[p->sel];
    char line[1024];
    size_t len = (size_t)snprintf(line, sizeof(line), "%s", pt->name);
    for (size_t k = 0; k < p->nlabels && len < sizeof(line); k++)
        len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s = %s", k ? ", " : "  ",
                                p->labels[k], pt->valtext[k]);
    tui_put_field(t, y, x, w, line, A_BOLD, 0);
    if (pt->error != NULL)
        snprintf(line, sizeof(line), "failed: %s", pt->error);
    else if (pt->cls_state == TUI_PT_DONE)
        snprintf(line, sizeof(line), "CLs obs %.4g, exp %.4g [-1s %.4g, +1s %.4g]%s%s%s", pt->cls,
                 pt->cls_exp[2], pt->cls_exp[1], pt->cls_exp[3],
                 pt->secs > 0 && !t->test_mode ? "; " : "",
                 pt->secs > 0 && !t->test_mode ? "computed here" : "",
                 p->bkg != NULL ? " (Enter: its stacks)" : "");
    else
        snprintf(line, sizeof(line), "%s",
                 p->bkg == NULL ? (p->error != NULL ? p->error : "no patchset: results only")
                                : "CLs pending (computed in the background, points on screen "
                                  "first)");
    tui_put_field(t, y + 1, x, w, line, pt->error != NULL ? A_BOLD : A_NORMAL,
                  tui_accent_if(t, pt->error != NULL, 0));
}

/* ---- the list ---- */

/* The name column's labels at width w (the figures' rule, render/labels.h: the prefix and suffix
 * every name shares dropped, a long name cut in the middle, no two alike); the detail line under
 * the list has the selected name in full. */
static void
point_labels(struct tui_points *p, int w)
{
    if (p->names_w == w)
        return;
    hf_labels_release(&p->names);
    p->names_w = 0;
    const char **names = malloc((p->n + 1) * sizeof(*names));
    if (names == NULL)
        return;
    for (size_t i = 0; i < p->n; i++)
        names[i] = p->pt[i].name;
    hf_labels_options o = {.max_width = w, .drop_affixes = true};
    if (hf_labels_make(&p->names, names, p->n, &o) == 0)
        p->names_w = w;
    else
        hf_labels_release(&p->names);
    free((void *)names);
}

/* The header and the row of point i (i == (size_t)-1: the header) at (y, x), namew wide. */
static void
list_row(struct tui *t, struct tui_points *p, size_t i, int y, int x, int namew, int nval, bool sel)
{
    attr_t at = i == (size_t)-1 ? (A_BOLD | A_UNDERLINE) : sel ? A_REVERSE : A_NORMAL;
    char b[6][32];
    const tui_pt *pt = i == (size_t)-1 ? NULL : &p->pt[i];
    bool open = pt != NULL && (long)i == p->opened; /* the point the session has loaded */
    tui_put_field(t, y, x, MARK, sel ? TUI_G("▸", ">") : open ? "*" : "", at, 0);
    const char *name = pt == NULL                              ? "point"
                       : p->names_w == namew && i < p->names.n ? p->names.text[i]
                                                               : pt->name;
    tui_put_field(t, y, x + MARK, namew, name, at, 0);
    int cx = x + MARK + namew;
    for (int k = 0; k < nval; k++, cx += COL_VAL)
        tui_put_right(t, y, cx + 1, COL_VAL - 1, pt ? pt->valtext[k] : p->labels[k], at, 0);
    const char *v[4] = {"CLs obs", "CLs exp", "UL obs", "UL exp"};
    if (pt != NULL) {
        v[0] = num_text(t, pt->cls_state, pt->cls, b[0], sizeof(b[0]));
        v[1] = num_text(t, pt->cls_state, pt->cls_exp[2], b[1], sizeof(b[1]));
        v[2] = num_text(t, pt->lim_state, pt->obs, b[2], sizeof(b[2]));
        v[3] = num_text(t, pt->lim_state, pt->exp[2], b[3], sizeof(b[3]));
    }
    for (int k = 0; k < 4; k++, cx += COL_NUM)
        tui_put_right(t, y, cx + 1, COL_NUM - 1, v[k], at, 0);
    const char *st = pt ? status_text(p, i) : "status";
    bool bad = pt != NULL && strcmp(st, "failed") == 0;
    tui_put_right(t, y, cx + 1, COL_STATUS - 1, st, at | (bad ? A_BOLD : 0),
                  tui_accent_if(t, bad, 0));
}

static void
draw_list(struct tui *t, struct tui_points *p, tui_rect r)
{
    char title[256];
    title_of(t, p, "Points", title, sizeof(title));
    tui_box(t, r.y, r.x, r.h, r.w, title, true);
    int iw = r.w - 2, rows = r.h - 3 - DETAIL, x = r.x + 1;
    if (iw < 20 || rows < 1)
        return;
    /* the values that fit beside the name's minimum; the rest are in the detail line */
    int fixed = MARK + 4 * COL_NUM + COL_STATUS, nval = (int)p->nlabels;
    while (nval > 0 && iw - fixed - nval * COL_VAL < MIN_NAME)
        nval--;
    int namew = iw - fixed - nval * COL_VAL;
    if (namew < 4)
        namew = 4;
    p->rows = rows;
    point_labels(p, namew);
    if (p->sel >= p->n)
        p->sel = p->n ? p->n - 1 : 0;
    if (p->sel < p->top)
        p->top = p->sel;
    if (p->sel >= p->top + (size_t)rows)
        p->top = p->sel - (size_t)rows + 1;
    list_row(t, p, (size_t)-1, r.y + 1, x, namew, nval, false);
    for (int k = 0; k < rows; k++) {
        size_t i = p->top + (size_t)k;
        if (i >= p->n)
            tui_put_field(t, r.y + 2 + k, x, iw, k == 0 ? "no points" : "", A_NORMAL, 0);
        else
            list_row(t, p, i, r.y + 2 + k, x, namew, nval, i == p->sel);
    }
    detail(t, p, r.y + 2 + rows, x, iw);
}

/* ---- the map ---- */

/* The contours of the expected and observed CLs = 0.05 over the points with CLs, again only when
 * a point has finished since (also when there were none: too few points, or a failure). */
static void
contours(struct tui_points *p)
{
    if (p->contoured && p->cgen == p->gen)
        return;
    hf_contour_release(&p->cexp);
    hf_contour_release(&p->cobs);
    p->have_contour = false;
    double *x = malloc((p->n + 1) * sizeof(double)), *y = malloc((p->n + 1) * sizeof(double));
    double *e = malloc((p->n + 1) * sizeof(double)), *o = malloc((p->n + 1) * sizeof(double));
    hf_error err = {0};
    if (x != NULL && y != NULL && e != NULL && o != NULL && p->nlabels >= 2) {
        for (size_t i = 0; i < p->n; i++) {
            bool ok = p->pt[i].cls_state == TUI_PT_DONE;
            x[i] = p->pt[i].values[0];
            y[i] = p->pt[i].values[1];
            e[i] = ok ? p->pt[i].cls_exp[2] : NAN;
            o[i] = ok ? p->pt[i].cls : NAN;
        }
        hf_exclusion_data d = {.n = p->n, .x = x, .y = y, .level = EXCL_LEVEL};
        /* a failed triangulation leaves the map without a contour, as the figure would fail */
        p->have_contour = hf_exclusion_contour(&d, e, 1, &p->cexp, &err) == 0 &&
                          hf_exclusion_contour(&d, o, 1, &p->cobs, &err) == 0;
    }
    p->cgen = p->gen;
    p->contoured = true;
    hf_error_release(&err);
    free(x);
    free(y);
    free(e);
    free(o);
}

/* The map's frame: data ranges and the plot area in cells. */
typedef struct mapframe {
    double x0, x1, y0, y1;
    int px, py, pw, ph; /* plot area (cells) */
} mapframe;

static bool
cell_of(const mapframe *f, double x, double y, int *cx, int *cy)
{
    if (!isfinite(x) || !isfinite(y))
        return false;
    double fx = f->x1 > f->x0 ? (x - f->x0) / (f->x1 - f->x0) : 0.5;
    double fy = f->y1 > f->y0 ? (y - f->y0) / (f->y1 - f->y0) : 0.5;
    *cx = f->px + (int)lround(fx * (f->pw - 1));
    *cy = f->py + f->ph - 1 - (int)lround(fy * (f->ph - 1));
    return true;
}

/* Contour polylines into the cells of grid (pw x ph) not taken by a point: glyph g. */
static void
raster(const mapframe *f, const hf_contour *c, char *grid, char g)
{
    for (size_t l = 0; l < c->nline; l++)
        for (size_t k = 0; k + 1 < c->line[l].n; k++) {
            double ax = c->line[l].x[k], ay = c->line[l].y[k];
            double bx = c->line[l].x[k + 1], by = c->line[l].y[k + 1];
            for (int s = 0; s <= 16; s++) { /* 16 steps a segment: segments span few cells */
                int cx, cy;
                if (!cell_of(f, ax + (bx - ax) * s / 16.0, ay + (by - ay) * s / 16.0, &cx, &cy))
                    continue;
                char *cell = &grid[(cy - f->py) * f->pw + (cx - f->px)];
                if (*cell == ' ' || (*cell == '+' && g == '*'))
                    *cell = g;
            }
        }
}

/* The glyph of point i on the map: its state, else excluded (observed) or not. */
static char
point_glyph(const tui_pt *pt)
{
    if (pt->cls_state == TUI_PT_FAILED)
        return 'x';
    if (pt->cls_state == TUI_PT_RUNNING)
        return '~';
    if (pt->cls_state != TUI_PT_DONE)
        return '.';
    return pt->cls < EXCL_LEVEL ? '#' : 'o';
}

/* Paint the grid's cells: each glyph in its Unicode form, the selected point reversed. */
static void
paint(struct tui *t, const mapframe *f, const char *grid, int selx, int sely)
{
    for (int r = 0; r < f->ph; r++)
        for (int c = 0; c < f->pw; c++) {
            char g = grid[r * f->pw + c];
            const char *u = g == '#'   ? TUI_G("■", "#")
                            : g == 'o' ? TUI_G("□", "o")
                            : g == '.' ? TUI_G("·", ".")
                            : g == '~' ? TUI_G("◌", "~")
                            : g == 'x' ? TUI_G("✗", "x")
                            : g == '+' ? TUI_G("┄", "+")
                            : g == '*' ? TUI_G("━", "*")
                                       : " ";
            bool sel = f->px + c == selx && f->py + r == sely;
            attr_t a = sel ? A_REVERSE : g == '#' || g == 'x' || g == '*' ? A_BOLD : A_NORMAL;
            short pair = tui_accent_if(t, g == '#' || g == 'x', 0);
            tui_put_str(t, f->py + r, f->px + c, 1, u, a, pair);
        }
}

/* The axes' numbers: y at the top and bottom of the left margin, x under both ends. */
static void
axes(struct tui *t, const struct tui_points *p, const mapframe *f, int x, int w)
{
    char a[32], b[32];
    if (p->nlabels >= 2) { /* one label: the row has no y */
        snprintf(a, sizeof(a), "%g", f->y1);
        snprintf(b, sizeof(b), "%g", f->y0);
        tui_put_right(t, f->py, x, f->px - x - 1, a, A_NORMAL, 0);
        tui_put_right(t, f->py + f->ph - 1, x, f->px - x - 1, b, A_NORMAL, 0);
        tui_put_field(t, f->py + f->ph / 2, x, f->px - x - 1, p->labels[1], A_BOLD, 0);
    }
    int yy = f->py + f->ph;
    tui_put_field(t, yy, x, w, "", A_NORMAL, 0);
    snprintf(a, sizeof(a), "%g", f->x0);
    snprintf(b, sizeof(b), "%g", f->x1);
    tui_put_str(t, yy, f->px, f->pw, a, A_NORMAL, 0);
    tui_put_right(t, yy, f->px + f->pw / 3, f->pw - f->pw / 3, b, A_NORMAL, 0);
    int lw = (int)hf_utf8_width(p->labels[0]);
    tui_put_str(t, yy, f->px + (f->pw - lw) / 2, lw, p->labels[0], A_BOLD, 0);
}

/* The legend line under the map. */
static void
legend(struct tui *t, const struct tui_points *p, int y, int x, int w)
{
    char buf[512];
    size_t ne = p->cexp.nline, no = p->cobs.nline;
    int k = snprintf(buf, sizeof(buf), "%s excluded %s allowed %s pending %s running %s failed  ",
                     TUI_G("■", "#"), TUI_G("□", "o"), TUI_G("·", "."), TUI_G("◌", "~"),
                     TUI_G("✗", "x"));
    if (k > 0 && (size_t)k < sizeof(buf))
        snprintf(buf + k, sizeof(buf) - (size_t)k, "%s%s%s%s%s",
                 p->nlabels < 2 ? "one label: no contour" : "CLs=0.05: ",
                 p->nlabels < 2 ? "" : TUI_G("┄", "+"), p->nlabels < 2 ? "" : " exp ",
                 p->nlabels < 2 ? "" : TUI_G("━", "*"),
                 p->nlabels < 2 ? ""
                 : ne + no == 0 ? " obs (none yet)"
                                : " obs");
    tui_put_field(t, y, x, w, buf, A_NORMAL, 0);
}

static void
draw_map(struct tui *t, struct tui_points *p, tui_rect r)
{
    char title[256], what[160];
    snprintf(what, sizeof(what), "Mass plane %s%s%s", p->nlabels ? p->labels[0] : "",
             p->nlabels >= 2 ? " vs " : "", p->nlabels >= 2 ? p->labels[1] : "");
    title_of(t, p, what, title, sizeof(title));
    tui_box(t, r.y, r.x, r.h, r.w, title, true);
    int x = r.x + 1, iw = r.w - 2;
    tui_blank(t, r.y + 1, x, r.h - 2, iw);
    mapframe f = {INFINITY, -INFINITY, INFINITY, -INFINITY, 0, 0, 0, 0};
    size_t nnum = 0;
    for (size_t i = 0; i < p->n && p->nlabels >= 1; i++) {
        double vx = p->pt[i].values[0], vy = p->nlabels >= 2 ? p->pt[i].values[1] : 0;
        if (!isfinite(vx) || !isfinite(vy))
            continue;
        nnum++;
        f.x0 = fmin(f.x0, vx), f.x1 = fmax(f.x1, vx), f.y0 = fmin(f.y0, vy), f.y1 = fmax(f.y1, vy);
    }
    /* margin: y numbers and label (8), bottom: x axis (1), legend and detail (1 + DETAIL) */
    f.px = x + 9;
    f.py = r.y + 1;
    f.pw = iw - 9;
    f.ph = r.h - 2 - 2 - DETAIL;
    if (nnum == 0 || f.pw < 10 || f.ph < 3) {
        tui_put_field(t, r.y + 1, x, iw,
                      nnum == 0 ? "no map: the points have no numeric values"
                                : "no map: the terminal is too small",
                      A_NORMAL, 0);
        detail(t, p, r.y + r.h - 1 - DETAIL, x, iw);
        return;
    }
    if (p->nlabels < 2) { /* one label: the points along one row */
        f.py += f.ph / 2;
        f.ph = 1;
    }
    contours(p);
    char *grid = malloc((size_t)f.pw * (size_t)f.ph);
    if (grid == NULL) {
        tui_put_field(t, r.y + 1, x, iw, "no map: out of memory", A_BOLD, 0);
        return;
    }
    memset(grid, ' ', (size_t)f.pw * (size_t)f.ph);
    int selx = -1, sely = -1;
    for (size_t i = 0; i < p->n; i++) {
        int cx, cy;
        double vy = p->nlabels >= 2 ? p->pt[i].values[1] : 0;
        if (!cell_of(&f, p->pt[i].values[0], vy, &cx, &cy))
            continue;
        char *cell = &grid[(cy - f.py) * f.pw + (cx - f.px)];
        char g = point_glyph(&p->pt[i]);
        /* points sharing a cell: what is not known yet shows over what is */
        if (*cell == ' ' || strchr("#o", *cell) != NULL)
            *cell = g;
        if (i == p->sel)
            selx = cx, sely = cy;
    }
    if (p->have_contour && p->nlabels >= 2) {
        raster(&f, &p->cexp, grid, '+');
        raster(&f, &p->cobs, grid, '*');
    }
    paint(t, &f, grid, selx, sely);
    free(grid);
    axes(t, p, &f, x, iw);
    legend(t, p, f.py + f.ph + 1 + (p->nlabels < 2 ? (r.y + r.h - 2 - DETAIL - f.py - 2) : 0), x,
           iw);
    detail(t, p, r.y + r.h - 1 - DETAIL, x, iw);
}

/* ---- the view ---- */

static void
layout(struct tui *t, tui_rect body)
{
    tui_layout_whole(t, body);
}

static void
draw(struct tui *t)
{
    struct tui_points *p = t->points;
    tui_rect r = t->panes.body;
    if (p == NULL) {
        tui_box(t, r.y, r.x, r.h, r.w, "Points", true);
        tui_blank(t, r.y + 1, r.x + 1, r.h - 2, r.w - 2);
        tui_put_str(t, r.y + 1, r.x + 2, r.w - 4,
                    "no patchset: start with --patchset PS.json (or --results RESULTS.jsonl)",
                    A_NORMAL, 0);
        return;
    }
    if (p->map)
        draw_map(t, p, r);
    else
        draw_list(t, p, r);
}

/* Select position s of the list, kept inside it. */
static void
select_at(struct tui_points *p, long s)
{
    p->sel = s < 0 ? 0 : (size_t)s >= p->n ? (p->n ? p->n - 1 : 0) : (size_t)s;
}

/* Moves of the selection. */
static unsigned
select_move(struct tui_points *p, tui_action act)
{
    long page = p->rows > 1 ? p->rows : 1, d = 0;
    switch (act) {
    case TUI_ACT_DOWN:
        d = 1;
        break;
    case TUI_ACT_UP:
        d = -1;
        break;
    case TUI_ACT_HALFDOWN:
        d = page / 2;
        break;
    case TUI_ACT_HALFUP:
        d = -page / 2;
        break;
    case TUI_ACT_PAGEDOWN:
        d = page;
        break;
    case TUI_ACT_PAGEUP:
        d = -page;
        break;
    case TUI_ACT_TOP:
        d = -(long)p->n;
        break;
    default: /* bottom */
        d = (long)p->n;
        break;
    }
    select_at(p, (long)p->sel + d);
    /* a page move scrolls the list by as much, so that new points come into view */
    if (act == TUI_ACT_PAGEDOWN || act == TUI_ACT_PAGEUP) {
        long top = (long)p->top + d, last = (long)p->n - page;
        p->top = top > last ? (size_t)(last > 0 ? last : 0) : top < 0 ? 0 : (size_t)top;
    }
    return TUI_DIRTY_MAIN | TUI_DIRTY_STATUS;
}

/* Enter: the point's patched workspace, loaded by the session's reload between frames. */
static unsigned
enter(struct tui *t, struct tui_points *p)
{
    if (p->n == 0)
        return 0;
    const tui_pt *pt = &p->pt[p->sel];
    if (p->ps == NULL || p->bkg == NULL) {
        tui_message(t, true, "%s",
                    p->error != NULL ? "digest mismatch: the patch cannot be applied (7: Log)"
                                     : "no patchset: give --patchset to open a point");
        return TUI_DIRTY_STATUS;
    }
    p->entering = (long)p->sel;
    t->reload = true;
    tui_message(t, false, "loading point %s...", pt->name);
    return TUI_DIRTY_ALL;
}

/* l: the upper limits of every point too (points on screen first), or no more of them. */
static unsigned
limits(struct tui *t, struct tui_points *p)
{
    if (p->bkg == NULL) {
        tui_message(t, true, "%s",
                    p->error != NULL ? "digest mismatch: nothing to compute (7: Log)"
                                     : "no patchset: nothing to compute");
        return TUI_DIRTY_STATUS;
    }
    p->want_limits = !p->want_limits;
    for (size_t i = 0; i < p->n; i++) {
        tui_pt_state *st = &p->pt[i].lim_state;
        if (p->want_limits && *st == TUI_PT_NONE)
            *st = TUI_PT_PENDING;
        else if (!p->want_limits && *st == TUI_PT_PENDING)
            *st = TUI_PT_NONE;
    }
    tui_message(t, false, "%s",
                p->want_limits ? "upper limits: computing (points on screen first; l stops)"
                               : "upper limits: no more (l resumes)");
    return TUI_DIRTY_ALL;
}

static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    struct tui_points *p = t->points;
    if (p == NULL)
        return false;
    switch (act) {
    case TUI_ACT_DOWN:
    case TUI_ACT_UP:
    case TUI_ACT_TOP:
    case TUI_ACT_BOTTOM:
    case TUI_ACT_HALFDOWN:
    case TUI_ACT_HALFUP:
    case TUI_ACT_PAGEDOWN:
    case TUI_ACT_PAGEUP:
        *dirty = select_move(p, act);
        return true;
    case TUI_ACT_ENTER:
        *dirty = enter(t, p);
        return true;
    case TUI_ACT_PTLIMIT:
        *dirty = limits(t, p);
        return true;
    case TUI_ACT_PTMAP:
        p->map = !p->map;
        *dirty = TUI_DIRTY_ALL;
        return true;
    default:
        return false;
    }
}

/* e: the exclusion figure of the points with CLs (render/plot_exclusion.h). */
static hf_scene **
scenes(struct tui *t, size_t *n)
{
    struct tui_points *p = t->points;
    if (p == NULL || p->nlabels < 2)
        return NULL;
    double *x = malloc((p->n + 1) * sizeof(double)), *y = malloc((p->n + 1) * sizeof(double));
    double *o = malloc((p->n + 1) * sizeof(double)), *e = malloc((5 * p->n + 1) * sizeof(double));
    hf_scene *s = NULL;
    if (x != NULL && y != NULL && o != NULL && e != NULL) {
        for (size_t i = 0; i < p->n; i++) {
            bool ok = p->pt[i].cls_state == TUI_PT_DONE;
            x[i] = p->pt[i].values[0];
            y[i] = p->pt[i].values[1];
            o[i] = ok ? p->pt[i].cls : NAN;
            for (int k = 0; k < 5; k++)
                e[5 * i + (size_t)k] = ok ? p->pt[i].cls_exp[k] : NAN;
        }
        hf_exclusion_data d = {.n = p->n,
                               .x = x,
                               .y = y,
                               .obs = o,
                               .exp = e,
                               .level = EXCL_LEVEL,
                               .xlabel = p->labels[0],
                               .ylabel = p->labels[1],
                               .cl = 0.95};
        hf_error err = {0};
        s = hf_plot_exclusion(&d, &err);
        if (s == NULL)
            tui_message(t, true, "no figure: %s", hf_error_msg(&err));
        hf_error_release(&err);
    }
    free(x);
    free(y);
    free(o);
    free(e);
    return tui_one_page(s, n);
}

/* A click on a row of the list selects that point (rows start under the box top and the header,
 * as draw_list lays them out); the map takes no clicks. */
static bool
click(struct tui *t, int y, int x, unsigned *dirty)
{
    struct tui_points *p = t->points;
    tui_rect r = t->panes.body;
    long row = (long)y - (r.y + 2);
    if (p == NULL || p->map || x <= r.x || x >= r.x + r.w - 1 || row < 0 || row >= p->rows ||
        p->top + (size_t)row >= p->n)
        return false;
    p->sel = p->top + (size_t)row;
    *dirty |= TUI_DIRTY_ALL;
    return true;
}

/* The wheel moves the list's selection (the map takes none). */
static void
wheel(struct tui *t, int delta, unsigned *dirty)
{
    struct tui_points *p = t->points;
    if (p == NULL || p->map)
        return;
    select_at(p, (long)p->sel + delta);
    *dirty |= TUI_DIRTY_MAIN | TUI_DIRTY_STATUS;
}

const struct tui_view tui_view_points = {
    .layout = layout,
    .draw = draw,
    .key = key,
    .scenes = scenes,
    .click = click,
    .wheel = wheel,
};
