/* app/tui/view_channels.c - view 2: the channel list beside the selected channel's stack figure
 * (pre-fit, post-fit with p); Enter shows the channel's samples. The list is also the Slider's
 * lower pane. */
#include "app/tui/chrome.h"
#include "app/tui/plot.h"
#include "app/tui/state.h"
#include "app/tui/view.h"

#include <math.h>
#include <stdio.h>

/* The list's columns: the selection mark, the name (at least MIN_NAME when the numbers take the
 * room), then right-aligned numbers: bins, data, expected and deviance per bin, or on a narrow
 * list bins and the deviance (in the data column's width). FRAME: the box's two sides. */
enum { MARK = 2, MIN_NAME = 24, FRAME = 2 };
enum { COL_BINS = 5, COL_DATA = 8, COL_EXP = 9, COL_DEV = 7 };
#define NUMS_ALL   (COL_BINS + COL_DATA + COL_EXP + COL_DEV)
#define NUMS_BRIEF (COL_BINS + COL_DATA)
/* The figure keeps FIG_FULL columns beside all numbers, FIG_BRIEF beside the brief ones, else
 * the list takes two fifths of the width. */
#define FIG_FULL  50
#define FIG_BRIEF 36

/* The number cells of one row (v: bins, data, expected, deviance) from column cx. */
static void
numbers(struct tui *t, int y, int cx, bool all, const char *const v[4], attr_t at, short dev)
{
    tui_put_right(t, y, cx, COL_BINS, v[0], at, 0);
    if (!all) {
        tui_put_right(t, y, cx + COL_BINS, COL_DATA, v[3], at, dev);
        return;
    }
    tui_put_right(t, y, cx + COL_BINS, COL_DATA, v[1], at, 0);
    tui_put_right(t, y, cx + COL_BINS + COL_DATA, COL_EXP, v[2], at, 0);
    tui_put_right(t, y, cx + COL_BINS + COL_DATA + COL_EXP, COL_DEV, v[3], at, dev);
}

/* The channel list in pane: name, bins, data, expected and deviance per bin (the numbers that fit).
 */
void
tui_draw_channel_list(struct tui *t, tui_rect pane, bool focus)
{
    int y = pane.y, x = pane.x, h = pane.h, w = pane.w;
    tui_list *l = &t->chl;
    char title[128];
    snprintf(title, sizeof(title), "Channels %zu/%zu%s%s", l->nvis, l->n,
             l->filter && *l->filter ? "  /" : "", l->filter && *l->filter ? l->filter : "");
    tui_box(t, y, x, h, w, title, focus);
    int iw = w - FRAME, rows = h - 3; /* 3: the frame and the header */
    if (iw < 8 || rows < 1)
        return;
    int minname = t->max_chan_name < MIN_NAME ? (int)t->max_chan_name : MIN_NAME;
    bool nums = iw - MARK - NUMS_ALL >= minname, some = iw - MARK - NUMS_BRIEF >= minname;
    int numw = nums ? NUMS_ALL : some ? NUMS_BRIEF : 0;
    int namew = iw - MARK - numw;
    bool post = t->postfit && t->have_fit;
    char a[32], b[32], c[32], d[32], e[32];
    snprintf(a, sizeof(a), "channel%s", tui_sort_mark(t, l, 0));
    snprintf(b, sizeof(b), "bins%s", tui_sort_mark(t, l, 1));
    snprintf(c, sizeof(c), "data%s", tui_sort_mark(t, l, 2));
    snprintf(d, sizeof(d), "%s%s", post ? "post" : "pre", tui_sort_mark(t, l, 3));
    snprintf(e, sizeof(e), "%s%s", TUI_G("χ²/n", "chi2/n"), tui_sort_mark(t, l, 4));
    int yy = y + 1, xx = x + 1;
    tui_put_field(t, yy, xx, iw, "", A_NORMAL, 0);
    tui_put_field(t, yy, xx + MARK, namew, a, A_BOLD | A_UNDERLINE, 0);
    int cx = xx + MARK + namew;
    const char *const v[4] = {b, c, d, e}; /* header now, each row's numbers below */
    if (nums || some)
        numbers(t, yy, cx, nums, v, A_BOLD | A_UNDERLINE, 0);
    tui_list_clamp(l, rows);
    for (int r = 0; r < rows; r++) {
        size_t k = l->top + (size_t)r;
        int ry = y + 2 + r;
        if (k >= l->nvis) {
            tui_put_field(t, ry, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        size_t ci = l->idx[k];
        const tui_chan *s = &t->chan[ci];
        bool sel = k == l->sel;
        attr_t at = sel ? (focus ? A_REVERSE : A_REVERSE | A_DIM) : A_NORMAL;
        tui_put_field(t, ry, xx, MARK, sel ? TUI_G("▸", ">") : "", at, 0);
        tui_put_chan(t, ry, xx + MARK, namew, ci, at, 0);
        double dev = (post ? s->chi2_post : s->chi2_pre) / (double)(s->nbins ? s->nbins : 1);
        snprintf(b, sizeof(b), "%zu", s->nbins);
        snprintf(c, sizeof(c), isnan(s->data) ? "blinded" : "%.7g", s->data);
        snprintf(d, sizeof(d), "%.1f", post ? s->post : s->pre);
        snprintf(e, sizeof(e), "%.2f", dev);
        if (nums || some) /* a deviance above 2 per bin in the accent colour */
            numbers(t, ry, cx, nums, v, at, tui_accent_if(t, dev > 2, 0));
    }
}

static void
layout(struct tui *t, tui_rect body)
{
    int W = body.w, name = (int)t->max_chan_name;
    int full = name + MARK + NUMS_ALL + FRAME, brief = name + MARK + NUMS_BRIEF + FRAME;
    /* long names: the list takes all but FIG_BRIEF columns, so that names stay apart */
    int lw = W - full >= FIG_FULL ? full : W - brief >= FIG_BRIEF ? brief : W - FIG_BRIEF;
    tui_split(t, body, lw, W * 11 / 20);
}

static void
draw(struct tui *t)
{
    tui_draw_channel_list(t, t->panes.left, true);
    tui_draw_stack(t, t->panes.main);
}

static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    switch (act) {
    case TUI_ACT_ENTER:
        *dirty = t->chl.nvis == 0 ? 0 : tui_open_detail(t, (size_t)-1);
        return true;
    case TUI_ACT_PREPOST:
        t->postfit = !t->postfit;
        if (t->postfit && !t->have_fit && t->fit_state != TUI_FIT_RUNNING)
            tui_start_fit(t, false);
        tui_list_rebuild(t, &t->chl);
        *dirty = TUI_DIRTY_ALL;
        return true;
    default:
        return false;
    }
}

const struct tui_view tui_view_channels = {
    .layout = layout,
    .draw = draw,
    .key = key,
    .scenes = tui_stack_pages,
};
