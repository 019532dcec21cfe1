/* app/tui/view_links.c - the links list (links.c), drawn in place of the Parameters, Channels or
 * Systematics view that opened it (`c`): on a parameter, the channels that constrain it with
 * their first-order and curvature parts of its observed information beside the prior, and the
 * stack of the selected channel; on a channel, the parameters that move it most beside its
 * stack. Enter jumps to the row's channel or parameter; Esc closes; Backspace goes back. */
#include "app/tui/chrome.h"
#include "app/tui/links.h"
#include "app/tui/plot.h"
#include "app/tui/view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { MARK = 2, NUM = 8, HEAD = 2 }; /* HEAD: text lines above the column header */

static void
layout(struct tui *t, tui_rect body)
{
    int W = body.w;
    int lw = W >= 110 ? W / 2 : W * 11 / 20;
    tui_split(t, body, lw, W * 3 / 5);
}

/* The two lines above the rows: the split of the parameter's information, its explanation; or
 * what the channel's numbers mean. */
static void
head_lines(struct tui *t, int y, int x, int w)
{
    const tui_links *k = &t->links;
    char buf[256];
    if (!k->of_chan) {
        double H = k->total > 0 ? k->total : 1;
        double f = 0, c = 0;
        for (size_t i = 0; i < t->m->nchan; i++) {
            f += k->first[i];
            c += k->curv[i];
        }
        snprintf(buf, sizeof(buf), "H %.3g: prior %.0f%%, first order %.0f%%, curvature %.0f%%",
                 k->total, 100 * k->prior / H, 100 * f / H, 100 * c / H);
        tui_put_field(t, y, x, w, buf, A_BOLD, 0);
        tui_put_field(t, y + 1, x, w, k->explain ? k->explain : "", A_NORMAL, 0);
        return;
    }
    tui_put_field(t, y, x, w, "shift: the channel's move (stat. sigma) when the parameter moves",
                  A_NORMAL, 0);
    tui_put_field(t, y + 1, x, w, "by its error; 1st, curv: its parts of the parameter's H",
                  A_NORMAL, 0);
}

/* A number in at most NUM - 1 cells (a blank before each column): three digits, else fewer. */
static void
num(char *buf, double v)
{
    snprintf(buf, 32, "%.3g", v);
    if (strlen(buf) > NUM - 1)
        snprintf(buf, 32, "%.1e", v);
    if (strlen(buf) > NUM - 1)
        snprintf(buf, 32, "%.0e", v);
}

static void
draw_list(struct tui *t, tui_rect r)
{
    tui_links *k = &t->links;
    tui_list *l = &k->list;
    const char *subj = k->of_chan ? t->m->chan[k->subject]->name : t->m->par[k->subject].name;
    char title[512];
    snprintf(title, sizeof(title), "%s %s%s%s%s",
             k->of_chan ? "Parameters moving" : "Constraints of", subj,
             l->filter && *l->filter ? "  /" : "", l->filter ? l->filter : "", tui_sep(t));
    snprintf(title + strlen(title), sizeof(title) - strlen(title), "%zu/%zu", l->nvis, l->n);
    tui_box(t, r.y, r.x, r.h, r.w, title, true);
    int iw = r.w - 2, xx = r.x + 1, rows = r.h - 3 - HEAD;
    if (iw < 20 || rows < 1)
        return;
    head_lines(t, r.y + 1, xx, iw);
    int namew = iw - MARK - 3 * NUM, yy = r.y + 1 + HEAD;
    tui_put_field(t, yy, xx, iw, "", A_NORMAL, 0);
    tui_put_field(t, yy, xx + MARK, namew, k->of_chan ? "parameter" : "channel",
                  A_BOLD | A_UNDERLINE, 0);
    const char *hd[3] = {k->of_chan ? "shift" : "1st%", k->of_chan ? "1st" : "curv%",
                         k->of_chan ? "curv" : "all%"};
    for (int c = 0; c < 3; c++)
        tui_put_right(t, yy, xx + MARK + namew + c * NUM, NUM, hd[c], A_BOLD | A_UNDERLINE, 0);
    tui_list_clamp(l, rows);
    double H = k->total > 0 ? k->total : 1;
    for (int row = 0; row < rows; row++) {
        size_t pos = l->top + (size_t)row;
        int ry = yy + 1 + row;
        if (pos >= l->nvis) {
            tui_put_field(t, ry, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        size_t it = k->order[l->idx[pos]];
        bool sel = pos == l->sel;
        attr_t at = sel ? A_REVERSE : A_NORMAL;
        tui_put_field(t, ry, xx, MARK, sel ? TUI_G("▸", ">") : "", at, 0);
        if (k->of_chan)
            tui_put_par(t, ry, xx + MARK, namew, it, at, 0);
        else
            tui_put_chan(t, ry, xx + MARK, namew, it, at, 0);
        char v[3][32];
        if (k->of_chan) {
            num(v[0], k->score[it]);
            num(v[1], k->first[it]);
            num(v[2], k->curv[it]);
        } else {
            snprintf(v[0], 32, "%.1f", 100 * k->first[it] / H);
            snprintf(v[1], 32, "%.1f", 100 * k->curv[it] / H);
            snprintf(v[2], 32, "%.1f", 100 * (k->first[it] + k->curv[it]) / H);
        }
        bool curvy = !k->of_chan && fabs(k->curv[it]) > fabs(k->first[it]);
        for (int c = 0; c < 3; c++)
            tui_put_right(t, ry, xx + MARK + namew + c * NUM, NUM, v[c], at,
                          tui_accent_if(t, curvy && c == 1, 0));
    }
}

static void
draw(struct tui *t)
{
    draw_list(t, t->panes.left);
    tui_draw_stack(t, t->panes.main);
}

static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    tui_links *k = &t->links;
    switch (act) {
    case TUI_ACT_ENTER:
        if (k->list.nvis == 0) {
            *dirty = 0;
            return true;
        }
        size_t it = k->order[k->list.idx[k->list.sel]];
        *dirty = k->of_chan ? tui_jump_par(t, it) : tui_jump_chan(t, it);
        return true;
    case TUI_ACT_ESC:
        if (k->list.filter != NULL)
            return false; /* Esc clears the filter first */
        tui_links_close(t);
        *dirty = TUI_DIRTY_ALL;
        return true;
    case TUI_ACT_LINKS:
        tui_links_close(t);
        *dirty = TUI_DIRTY_ALL;
        return true;
    case TUI_ACT_SORTL: /* the rows keep their ranking */
    case TUI_ACT_SORTR:
    case TUI_ACT_SORTINV:
    case TUI_ACT_LEFT:
    case TUI_ACT_RIGHT:
    case TUI_ACT_BIGLEFT:
    case TUI_ACT_BIGRIGHT:
    case TUI_ACT_PREPOST:
        *dirty = 0;
        return true;
    default:
        return false;
    }
}

const struct tui_view tui_view_links = {
    .layout = layout,
    .draw = draw,
    .key = key,
    .scenes = tui_stack_pages,
};
