/* app/tui/view_channels.c - view 2: the channel list beside the selected channel's stack figure
 * (pre-fit, post-fit with p); Enter shows the channel's samples. The list is also the Slider's
 * lower pane. */
#include "app/tui/chrome.h"
#include "app/tui/view.h"

#include <stdio.h>

/* The list's number columns: all of them (bins, data, expected, deviance) or bins and deviance;
 * each plus the selection mark (2) and the frame (2). The figure keeps FIG_FULL columns beside
 * all numbers, FIG_BRIEF beside the brief ones, else the list takes two fifths. */
#define NUMS_ALL   29
#define NUMS_BRIEF 13
#define FIG_FULL   50
#define FIG_BRIEF  36

/* The channel list in r: name, bins, data, expected and deviance per bin (the numbers that fit). */
void
tui_draw_channel_list(struct tui *t, tui_rect pane, bool focus)
{
    int y = pane.y, x = pane.x, h = pane.h, w = pane.w;
    tui_list *l = &t->chl;
    char title[128];
    snprintf(title, sizeof(title), "Channels %zu/%zu%s%s", l->nvis, l->n,
             l->filter && *l->filter ? "  /" : "", l->filter && *l->filter ? l->filter : "");
    tui_box(t, y, x, h, w, title, focus);
    int iw = w - 2, rows = h - 3;
    if (iw < 8 || rows < 1)
        return;
    /* the numbers need 29 (all) or 13 (bins, deviance) columns; names keep at least 10 */
    int minname = t->max_chan_name < 10 ? (int)t->max_chan_name : 10;
    bool nums = iw - 2 - 29 >= minname, some = iw - 2 - 13 >= minname;
    int numw = nums ? 5 + 8 + 9 + 7 : some ? 5 + 8 : 0;
    int namew = iw - 2 - numw;
    bool post = t->postfit && t->have_fit;
    char a[32], b[32], c[32], d[32], e[32];
    snprintf(a, sizeof(a), "channel%s", tui_sort_mark(t, l, 0));
    snprintf(b, sizeof(b), "bins%s", tui_sort_mark(t, l, 1));
    snprintf(c, sizeof(c), "data%s", tui_sort_mark(t, l, 2));
    snprintf(d, sizeof(d), "%s%s", post ? "post" : "pre", tui_sort_mark(t, l, 3));
    snprintf(e, sizeof(e), "%s%s", TUI_G("χ²/n", "chi2/n"), tui_sort_mark(t, l, 4));
    int yy = y + 1, xx = x + 1;
    tui_put_field(t, yy, xx, iw, "", A_NORMAL, 0);
    tui_put_field(t, yy, xx + 2, namew, a, A_BOLD | A_UNDERLINE, 0);
    int cx = xx + 2 + namew;
    if (nums) {
        tui_put_right(t, yy, cx, 5, b, A_BOLD | A_UNDERLINE, 0);
        tui_put_right(t, yy, cx + 5, 8, c, A_BOLD | A_UNDERLINE, 0);
        tui_put_right(t, yy, cx + 13, 9, d, A_BOLD | A_UNDERLINE, 0);
        tui_put_right(t, yy, cx + 22, 7, e, A_BOLD | A_UNDERLINE, 0);
    } else if (some) {
        tui_put_right(t, yy, cx, 5, b, A_BOLD | A_UNDERLINE, 0);
        tui_put_right(t, yy, cx + 5, 8, e, A_BOLD | A_UNDERLINE, 0);
    }
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
        tui_put_field(t, ry, xx, 2, sel ? TUI_G("▸", ">") : "", at, 0);
        tui_put_name(t, ry, xx + 2, namew, t->m->chan[ci]->name, at, 0);
        double dev = (post ? s->chi2_post : s->chi2_pre) / (double)(s->nbins ? s->nbins : 1);
        snprintf(b, sizeof(b), "%zu", s->nbins);
        snprintf(c, sizeof(c), "%.7g", s->data);
        snprintf(d, sizeof(d), "%.1f", post ? s->post : s->pre);
        snprintf(e, sizeof(e), "%.2f", dev);
        short epair = tui_accent_if(t, dev > 2, 0);
        if (nums) {
            tui_put_right(t, ry, cx, 5, b, at, 0);
            tui_put_right(t, ry, cx + 5, 8, c, at, 0);
            tui_put_right(t, ry, cx + 13, 9, d, at, 0);
            tui_put_right(t, ry, cx + 22, 7, e, at, epair);
        } else if (some) {
            tui_put_right(t, ry, cx, 5, b, at, 0);
            tui_put_right(t, ry, cx + 5, 8, e, at, epair);
        }
    }
}

static void
layout(struct tui *t, tui_rect body)
{
    int W = body.w, name = (int)t->max_chan_name;
    int full = name + 2 + NUMS_ALL + 2, brief = name + 2 + NUMS_BRIEF + 2;
    int lw = W - full >= FIG_FULL ? full : W - brief >= FIG_BRIEF ? brief : W * 2 / 5;
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
