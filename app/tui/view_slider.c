/* app/tui/view_slider.c - view 5: every parameter as a slider (left/right move it by a tenth of
 * its step, shift by a whole one), the channel list under it, and the selected channel's stack
 * at the slider's values, recomputed at each step (state.c). A refit starts from the sliders and
 * may hold the moved ones (a conditional fit). */
#include "app/tui/chrome.h"
#include "app/tui/plot.h"
#include "app/tui/state.h"
#include "app/tui/view.h"

#include <math.h>
#include <stdio.h>

/* The left column: a name, the value (VALW), a gap and the position bar (BARW, shown when the
 * list is at least BAR_FROM wide inside), the marks and the frame. */
#define VALW     9
#define BARW     11
#define BAR_FROM 40

/* Slider list: name, value, and where the value sits relative to the best fit (+-3 units). */
static void
draw_slider_params(struct tui *t, int y, int x, int h, int w, bool focus)
{
    tui_list *l = &t->parl;
    char title[160];
    size_t nm = 0;
    for (size_t p = 0; p < t->m->npar; p++)
        nm += t->moved[p];
    snprintf(title, sizeof(title), "Slider%s%zu moved%s%s", tui_sep(t), nm, tui_sep(t),
             t->hold_moved ? "refit holds them" : "refit releases them");
    if ((int)hf_utf8_width(title) > w - 4) /* narrow: the hold state in one word */
        snprintf(title, sizeof(title), "Slider%s%zu moved%s%s", tui_sep(t), nm, tui_sep(t),
                 t->hold_moved ? "hold" : "release");
    tui_box(t, y, x, h, w, title, focus);
    int iw = w - 2, rows = h - 2;
    if (iw < 12 || rows < 1)
        return;
    int barw = iw >= BAR_FROM ? BARW : 0, valw = VALW;
    int namew = iw - 2 - valw - (barw ? barw + 1 : 0);
    tui_list_clamp(l, rows);
    for (int r = 0; r < rows; r++) {
        size_t k = l->top + (size_t)r;
        int ry = y + 1 + r, xx = x + 1;
        if (k >= l->nvis) {
            tui_put_field(t, ry, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        size_t p = l->idx[k];
        bool sel = k == l->sel;
        attr_t at = sel ? (focus ? A_REVERSE : A_REVERSE | A_DIM) : A_NORMAL;
        tui_put_field(t, ry, xx, 2, sel ? TUI_G("▸", ">") : t->moved[p] ? "*" : "", at, 0);
        tui_put_par(t, ry, xx + 2, namew, p, at | (t->moved[p] ? A_BOLD : 0), 0);
        char v[32];
        snprintf(v, sizeof(v), "%.4g", t->live[p]);
        tui_put_right(t, ry, xx + 2 + namew, valw, v, at | (t->moved[p] ? A_BOLD : 0), 0);
        if (barw) {
            int bx = xx + 2 + namew + valw + 1, half = barw / 2; /* the bar's centre column */
            tui_put_cp(t, ry, bx - 1, ' ', at, 0);
            double u = (t->live[p] - tui_best(t)[p]) / tui_param_step(t, p);
            for (int i = 0; i < barw; i++)
                tui_put_cp(t, ry, bx + i,
                           i == half ? (t->ascii ? '|' : 0x2502) : (t->ascii ? '-' : 0x2500), at,
                           0);
            int c = half + (int)lround(fmax(-3, fmin(3, u)) * half / 3.0);
            tui_put_cp(t, ry, bx + c, t->ascii ? 'o' : 0x25CF, at | A_BOLD,
                       tui_accent_if(t, t->moved[p], 0));
        }
    }
}

static void
layout(struct tui *t, tui_rect body)
{
    size_t name = t->max_par_name > t->max_chan_name ? t->max_par_name : t->max_chan_name;
    tui_split(t, body, (int)name + 2 + VALW + 1 + BARW + 2, TUI_LEFT_CAP(body.w));
    int ph = body.h * 3 / 5; /* the parameters above, the channels below */
    t->panes.below = t->panes.left;
    t->panes.left.h = ph;
    t->panes.below.y += ph;
    t->panes.below.h -= ph;
}

static void
draw(struct tui *t)
{
    tui_rect l = t->panes.left;
    draw_slider_params(t, l.y, l.x, l.h, l.w, t->focus == 0);
    tui_draw_channel_list(t, t->panes.below, t->focus == 1);
    tui_draw_stack(t, t->panes.main);
}

static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    if (tui_slider_key(t, act, dirty))
        return true;
    switch (act) {
    case TUI_ACT_HOLD:
        t->hold_moved = !t->hold_moved;
        tui_message(t, false, "refit %s moved parameters",
                    t->hold_moved ? "holds (fixes)" : "releases");
        *dirty = TUI_DIRTY_ALL;
        return true;
    case TUI_ACT_ENTER:
        if (t->focus == 1)
            *dirty = t->chl.nvis == 0 ? 0 : tui_open_detail(t, (size_t)-1);
        else
            *dirty = t->parl.nvis == 0 ? 0 : tui_open_detail(t, tui_current_param(t));
        return true;
    case TUI_ACT_TAB:
    case TUI_ACT_BTAB:
        t->focus = !t->focus;
        *dirty = TUI_DIRTY_ALL;
        return true;
    case TUI_ACT_FIT:
        tui_start_fit(t, true);
        *dirty = TUI_DIRTY_ALL;
        return true;
    default:
        return false;
    }
}

const struct tui_view tui_view_slider = {
    .layout = layout,
    .draw = draw,
    .key = key,
    .scenes = tui_stack_pages,
};
