/* app/tui/view_regions.c - view 9: every region at a glance (issue 15, "a map of all regions").
 * One row per channel, grouped CR, VR, SR and other by the name's prefix, in columns that fill
 * the screen top to bottom: the name, the pull of the total count (n - nu) / sqrt(nu) at the best
 * fit (pre-fit without one) and a ratio strip data / model over [0, 2] with the pre-fit (open)
 * and post-fit (filled) markers, a ratio above 2 as an arrow at the end (with its value where
 * there is room); the selected region's counts and ratios in the bottom border. At 80x24 two
 * columns of 20 rows show 40 regions a screen. j/k and the page keys move, Enter opens the region's
 * stack. */
#include "app/tui/chrome.h"
#include "app/tui/links.h"
#include "app/tui/plot.h"
#include "app/tui/view.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { COLW_MIN = 38, PULLW = 6, STRIP = 11 };

static const char *const group_name[4] = {"Control regions", "Validation regions", "Signal regions",
                                          "Other regions"};

static int
group_of(const char *name)
{
    char a = (char)toupper((unsigned char)name[0]), b = (char)toupper((unsigned char)name[1]);
    return b != 'R' ? 3 : a == 'C' ? 0 : a == 'V' ? 1 : a == 'S' ? 2 : 3;
}

/* The flow: group headers as -1 - g, channels as their index; returns its length (out: nchan + 4
 * entries). *nch: the channels' positions in the flow, in order (nchan entries). */
static size_t
flow(const struct tui *t, long *out, size_t *pos)
{
    size_t n = 0, k = 0;
    for (int g = 0; g < 4; g++) {
        size_t cnt = 0;
        for (size_t c = 0; c < t->m->nchan; c++)
            cnt += group_of(t->m->chan[c]->name) == g;
        if (cnt == 0)
            continue;
        out[n++] = -1 - g;
        for (size_t c = 0; c < t->m->nchan; c++)
            if (group_of(t->m->chan[c]->name) == g) {
                pos[k++] = n;
                out[n++] = (long)c;
            }
    }
    return n;
}

static int
rows_of(const struct tui *t)
{
    return t->panes.body.h - 3 > 1 ? t->panes.body.h - 3 : 1;
}

static int
cols_of(const struct tui *t)
{
    int c = (t->panes.body.w - 2) / COLW_MIN;
    return c < 1 ? 1 : c;
}

/* The ratio strip of channel c in w cells: [0, 2] with 1 marked, pre-fit o, post-fit *. A ratio
 * above 2 is an arrow at the right end (open for pre-fit, filled for post-fit) with its value
 * in the cells before it, unless a marker sits there (then the arrow alone says "off scale"). */
static void
strip(struct tui *t, int y, int x, int w, size_t c, attr_t at)
{
    const tui_chan *s = &t->chan[c];
    for (int i = 0; i < w; i++)
        tui_put_cp(t, y, x + i, i == (w - 1) / 2 ? TUI_G(0x2502, '|') : TUI_G(0x00B7, '.'), at, 0);
    double r[2] = {s->pre > 0 ? s->data / s->pre : NAN,
                   t->have_fit && s->post > 0 ? s->data / s->post : NAN};
    int cell_of[2] = {-1, -1};
    double over = NAN; /* the value to print: post-fit's when both are off scale */
    for (int k = 0; k < 2; k++) {
        if (isnan(r[k]))
            continue;
        bool off = r[k] > 2;
        int i = off ? w - 1 : (int)lround(fmax(r[k], 0) / 2 * (w - 1));
        cell_of[k] = i;
        uint32_t g = k == 0 ? (off ? TUI_G(0x25B9, '>') : TUI_G(0x25CB, 'o'))
                            : (off ? TUI_G(0x25B8, '>') : TUI_G(0x25CF, '*'));
        tui_put_cp(t, y, x + i, g, at | (k ? A_BOLD : 0),
                   tui_accent_if(t, r[k] < 0.5 || r[k] > 1.5, 0));
        if (off)
            over = r[k];
    }
    if (isnan(over))
        return;
    char v[16];
    int n = snprintf(v, sizeof(v), over < 9.95 ? "%.1f" : over < 999.5 ? "%.0f" : ">999", over);
    int from = w - 1 - n;
    for (int k = 0; k < 2; k++)
        if (cell_of[k] >= from && cell_of[k] < w - 1)
            return;
    if (from > (w - 1) / 2) /* right of the 1 line, which stays */
        tui_put_str(t, y, x + from, n, v, at, tui_accent_if(t, true, 0));
}

/* The selected region's numbers in the box's bottom border: the counts and both ratios, exact
 * where the strip can only say "off scale". */
static void
readout(struct tui *t, tui_rect b, size_t c)
{
    const tui_chan *s = &t->chan[c];
    char buf[160];
    int n = snprintf(buf, sizeof(buf), " data %.6g  pre-fit %.4g, ratio %.3g", s->data, s->pre,
                     s->pre > 0 ? s->data / s->pre : NAN);
    if (t->have_fit && n > 0 && (size_t)n < sizeof(buf))
        snprintf(buf + n, sizeof(buf) - (size_t)n, "  post-fit %.4g, ratio %.3g ", s->post,
                 s->post > 0 ? s->data / s->post : NAN);
    else if (n > 0 && (size_t)n + 1 < sizeof(buf))
        snprintf(buf + n, sizeof(buf) - (size_t)n, " ");
    if (b.w > 6)
        tui_put_str(t, b.y + b.h - 1, b.x + 2, b.w - 4, buf, A_NORMAL, 0);
}

static void
cell(struct tui *t, int y, int x, int w, long e, bool sel)
{
    attr_t at = sel ? A_REVERSE : A_NORMAL;
    if (e < 0) {
        tui_put_field(t, y, x, w, group_name[-1 - e], A_BOLD | A_UNDERLINE, 0);
        return;
    }
    size_t c = (size_t)e;
    const tui_chan *s = &t->chan[c];
    double nu = t->have_fit ? s->post : s->pre;
    double pull = nu > 0 ? (s->data - nu) / sqrt(nu) : NAN;
    int namew = w - 1 - PULLW - 1 - STRIP - 1;
    tui_put_field(t, y, x, 1, sel ? TUI_G("▸", ">") : "", at, 0);
    tui_put_chan(t, y, x + 1, namew, c, at, 0);
    char v[32];
    snprintf(v, sizeof(v), isnan(pull) ? "-" : "%+.1f", pull);
    tui_put_right(t, y, x + 1 + namew, PULLW, v, at, tui_accent_if(t, fabs(pull) > 2, 0));
    tui_put_cp(t, y, x + 1 + namew + PULLW, ' ', at, 0);
    strip(t, y, x + 2 + namew + PULLW, STRIP, c, at);
    tui_put_cp(t, y, x + w - 1, ' ', A_NORMAL, 0);
}

/* The grid of small stacks (s): as many regions as fit, each pre-fit and post-fit side by side,
 * in the grouped order, paged with the selection (n/p, the page keys). */
enum { CELL_W = 26, CELL_H = 9 };

static int
grid_cols(const struct tui *t)
{
    int c = (t->panes.body.w - 2) / (2 * CELL_W);
    return c < 1 ? 1 : c;
}

static int
grid_rows(const struct tui *t)
{
    int r = (t->panes.body.h - 2) / CELL_H;
    return r < 1 ? 1 : r;
}

static void
draw_grid(struct tui *t, const long *fl, const size_t *pos, size_t nc)
{
    tui_rect b = t->panes.body;
    int C = grid_cols(t), R = grid_rows(t), cw = (b.w - 2) / (2 * C), ch = (b.h - 2) / R;
    size_t page = (size_t)C * (size_t)R, first = t->reg_sel / page * page;
    char title[160];
    snprintf(title, sizeof(title), "Regions %zu%sstacks %zu-%zu%spre-fit %s post-fit (s: list)", nc,
             tui_sep(t), first + 1, first + page < nc ? first + page : nc, tui_sep(t),
             TUI_G("│", "|"));
    tui_box(t, b.y, b.x, b.h, b.w, title, true);
    tui_blank(t, b.y + 1, b.x + 1, b.h - 2, b.w - 2);
    for (size_t k = 0; k < page && first + k < nc; k++) {
        size_t c = (size_t)fl[pos[first + k]];
        int y = b.y + 1 + (int)(k / (size_t)C) * ch, x = b.x + 1 + (int)(k % (size_t)C) * 2 * cw;
        for (int side = 0; side < 2; side++) {
            tui_point pt = side == 0 || !t->have_fit ? TUI_PT_PRE : TUI_PT_POST;
            bool sel = first + k == t->reg_sel;
            tui_box(t, y, x + side * cw, ch, cw, side ? "" : t->m->chan[c]->name, sel);
            hf_scene *s = tui_stack_scene(t, c, pt, (cw - 2) / 10.0, (ch - 2) / 5.0);
            tui_draw_scene(t, y, x + side * cw, ch, cw, s, "no figure");
        }
    }
}

static void
draw(struct tui *t)
{
    tui_rect b = t->panes.body;
    size_t nc = t->m->nchan;
    long *fl = malloc((nc + 4) * sizeof(*fl));
    size_t *pos = malloc((nc ? nc : 1) * sizeof(*pos));
    if (fl == NULL || pos == NULL) {
        free(fl);
        free(pos);
        tui_box(t, b.y, b.x, b.h, b.w, "Regions: out of memory", true);
        return;
    }
    size_t n = flow(t, fl, pos);
    if (t->reg_grid) {
        if (t->reg_sel >= nc)
            t->reg_sel = nc ? nc - 1 : 0;
        t->reg_chan = nc ? (size_t)fl[pos[t->reg_sel]] : 0;
        draw_grid(t, fl, pos, nc);
        free(fl);
        free(pos);
        return;
    }
    int R = rows_of(t), C = cols_of(t), colw = (b.w - 2) / C;
    size_t page = (size_t)R * (size_t)C;
    if (t->reg_sel >= nc)
        t->reg_sel = nc ? nc - 1 : 0;
    size_t at = nc ? pos[t->reg_sel] : 0, first = at / page * page;
    t->reg_chan = nc ? (size_t)fl[at] : 0; /* the status line names it */
    char title[160];
    snprintf(title, sizeof(title),
             "Regions %zu%sscreen %zu/%zu%s(n-%s)/%s%s %s pre %s post, data/model 0..2", nc,
             tui_sep(t), first / page + 1, (n + page - 1) / page, tui_sep(t), TUI_G("ν", "nu"),
             TUI_G("√ν", "sqrt(nu)"), t->have_fit ? " post-fit" : " pre-fit", TUI_G("○", "o"),
             TUI_G("●", "*"));
    tui_box(t, b.y, b.x, b.h, b.w, title, true);
    for (int cx = 0; cx < C; cx++) { /* column headers */
        int x = b.x + 1 + cx * colw, namew = colw - 1 - PULLW - 1 - STRIP - 1;
        tui_put_field(t, b.y + 1, x, colw, "", A_NORMAL, 0);
        tui_put_field(t, b.y + 1, x + 1, namew, "region", A_BOLD, 0);
        tui_put_right(t, b.y + 1, x + 1 + namew, PULLW, "pull", A_BOLD, 0);
        tui_put_field(t, b.y + 1, x + 2 + namew + PULLW, STRIP, "0    1    2", A_BOLD, 0);
    }
    for (size_t k = 0; k < page; k++) {
        int col = (int)(k / (size_t)R), row = (int)(k % (size_t)R);
        int x = b.x + 1 + col * colw, y = b.y + 2 + row;
        if (first + k < n)
            cell(t, y, x, colw, fl[first + k], nc && first + k == at);
        else
            tui_put_field(t, y, x, colw, "", A_NORMAL, 0);
    }
    if (nc > 0)
        readout(t, b, t->reg_chan);
    free(fl);
    free(pos);
}

static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    size_t nc = t->m->nchan, page = t->reg_grid ? (size_t)grid_rows(t) * (size_t)grid_cols(t)
                                                : (size_t)rows_of(t) * (size_t)cols_of(t);
    long d = 0;
    *dirty = TUI_DIRTY_MAIN | TUI_DIRTY_STATUS;
    switch (act) {
    case TUI_ACT_DOWN:
    case TUI_ACT_NEXT:
        d = 1;
        break;
    case TUI_ACT_UP:
    case TUI_ACT_PREV:
        d = -1;
        break;
    case TUI_ACT_RIGHT:
    case TUI_ACT_HALFDOWN:
        d = t->reg_grid ? 1 : rows_of(t);
        break;
    case TUI_ACT_LEFT:
    case TUI_ACT_HALFUP:
        d = t->reg_grid ? -1 : -rows_of(t);
        break;
    case TUI_ACT_PAGEDOWN:
    case TUI_ACT_SORTR: /* n in the Regions view */
        d = (long)page;
        break;
    case TUI_ACT_PAGEUP:
    case TUI_ACT_SORTL: /* p */
        d = -(long)page;
        break;
    case TUI_ACT_SHAPE: /* s: the list or the grid of small stacks */
        t->reg_grid = !t->reg_grid;
        *dirty = TUI_DIRTY_ALL;
        return true;
    case TUI_ACT_TOP:
        d = -(long)nc;
        break;
    case TUI_ACT_BOTTOM:
        d = (long)nc;
        break;
    case TUI_ACT_ENTER:
        if (nc > 0) {
            long *fl = malloc((nc + 4) * sizeof(*fl));
            size_t *pos = malloc(nc * sizeof(*pos));
            if (fl != NULL && pos != NULL) {
                flow(t, fl, pos);
                *dirty = tui_jump_chan(t, (size_t)fl[pos[t->reg_sel < nc ? t->reg_sel : 0]]);
            }
            free(fl);
            free(pos);
        }
        return true;
    default:
        return false;
    }
    long s = (long)t->reg_sel + d;
    s = s < 0 ? 0 : s >= (long)nc ? (long)nc - 1 : s;
    t->reg_sel = nc ? (size_t)s : 0;
    return true;
}

const struct tui_view tui_view_regions = {
    .layout = tui_layout_whole,
    .draw = draw,
    .key = key,
};
