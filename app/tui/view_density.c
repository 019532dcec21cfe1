/* app/tui/view_density.c - view 6: the density lab's settings and its figure, filled in live by
 * the experiment thread (density.c); left/right change a setting and restart the experiment. */
#include "app/tui/chrome.h"
#include "app/tui/density.h"
#include "app/tui/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The settings need 31 columns; the help text below them wraps (a wide screen gives it more). */
#define LEFT_WIDE   40
#define LEFT_NARROW 32
#define WIDE        110

static void
draw(struct tui *t)
{
    tui_rect L = t->panes.left;
    int y = L.y, x = L.x, h = L.h, lw = L.w, w = lw + t->panes.main.w;
    char status[256];
    tui_dens_status(&t->dens, status, sizeof(status));
    tui_box(t, y, x, h, lw, "Density lab", true);
    for (int k = 0; k < TUI_DENS_NSET && k < h - 2; k++) {
        char line[160];
        tui_dens_setting(t, k, line, sizeof(line));
        bool sel = k == t->dens.sel;
        tui_put_field(t, y + 1 + k, x + 1, 2, sel ? TUI_G("▸", ">") : "",
                      sel ? A_REVERSE : A_NORMAL, 0);
        tui_put_field(t, y + 1 + k, x + 3, lw - 4, line, sel ? A_REVERSE : A_NORMAL, 0);
    }
    /* paragraphs, word-wrapped to the pane (an empty string is a blank line) */
    static const char *const help[] = {
        "",
        "Is a histogram of M events generated from a KDE of n true events better than the n "
        "events' own histogram?",
        "",
        "left/right change a setting, Enter restarts, x cancels, e exports; b bootstrap "
        "bands, c cost view, v the example's layers, o your own events (a file or a channel).",
        "(Butter et al., SciPost Phys. 10, 139)",
    };
    int ry = y + 1 + TUI_DENS_NSET, tw = lw - 2;
    for (size_t k = 0; k < sizeof(help) / sizeof(help[0]) && ry < y + h - 1; k++) {
        const char *p = help[k];
        if (*p == '\0')
            tui_put_field(t, ry++, x + 1, tw, "", A_NORMAL, 0);
        while (*p != '\0' && ry < y + h - 1) {
            size_t n = strlen(p), cut = n;
            if ((int)n > tw) { /* ASCII text: bytes are columns */
                cut = (size_t)tw;
                while (cut > 0 && p[cut] != ' ')
                    cut--;
                if (cut == 0)
                    cut = (size_t)tw;
            }
            char line[256];
            snprintf(line, sizeof(line), "%.*s", (int)cut, p);
            tui_put_field(t, ry++, x + 1, tw, line, A_NORMAL, 0);
            p += cut;
            while (*p == ' ')
                p++;
        }
    }
    for (; ry < y + h - 1; ry++)
        tui_put_field(t, ry, x + 1, tw, "", A_NORMAL, 0);
    tui_box(t, y, x + lw, h, w - lw, status, false);
    char none[160];
    tui_dens_placeholder(&t->dens, none, sizeof(none));
    tui_draw_scene(t, y, x + lw, h, w - lw, tui_dens_scene(&t->dens), none);
}

static void
layout(struct tui *t, tui_rect body)
{
    tui_split(t, body, body.w >= WIDE ? LEFT_WIDE : LEFT_NARROW, TUI_LEFT_CAP(body.w));
}

static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    *dirty = TUI_DIRTY_ALL;
    switch (act) {
    case TUI_ACT_DOWN:
    case TUI_ACT_UP:
    case TUI_ACT_NEXT:
    case TUI_ACT_PREV: {
        int d = act == TUI_ACT_DOWN || act == TUI_ACT_NEXT ? 1 : -1;
        t->dens.sel = (t->dens.sel + d + TUI_DENS_NSET) % TUI_DENS_NSET;
        *dirty = TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
        return true;
    }
    case TUI_ACT_TOP: /* the first / last setting (g/G, Home/End, the page keys) */
    case TUI_ACT_PAGEUP:
    case TUI_ACT_HALFUP:
    case TUI_ACT_BOTTOM:
    case TUI_ACT_PAGEDOWN:
    case TUI_ACT_HALFDOWN:
        t->dens.sel = act == TUI_ACT_TOP || act == TUI_ACT_PAGEUP || act == TUI_ACT_HALFUP
                          ? 0
                          : TUI_DENS_NSET - 1;
        *dirty = TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
        return true;
    case TUI_ACT_LEFT:
    case TUI_ACT_RIGHT:
        if (tui_dens_adjust(t, t->dens.sel, act == TUI_ACT_RIGHT ? 1 : -1))
            tui_dens_submit(&t->dens);
        return true;
    case TUI_ACT_ENTER:
        tui_dens_submit(&t->dens);
        return true;
    case TUI_ACT_ESC:
        tui_dens_cancel(&t->dens);
        return true;
    case TUI_ACT_CANCEL:
        tui_dens_cancel(&t->dens);
        tui_message(t, false, "cancelling the density experiment");
        return true;
    case TUI_ACT_DENSLAYER:
        tui_dens_layer(t);
        *dirty = TUI_DIRTY_LEFT | TUI_DIRTY_MAIN | TUI_DIRTY_STATUS;
        return true;
    case TUI_ACT_DENSEVENTS:
        tui_dens_events_prompt(t);
        *dirty = TUI_DIRTY_STATUS;
        return true;
    case TUI_ACT_DENSBOOT:
    case TUI_ACT_DENSCOST:
        if (act == TUI_ACT_DENSBOOT ? tui_dens_toggle_boot(t) : tui_dens_cost_view(t))
            tui_dens_submit(&t->dens);
        return true;
    default:
        return false;
    }
}

static hf_scene **
scenes(struct tui *t, size_t *n)
{
    return tui_one_page(tui_dens_scene(&t->dens), n);
}

const struct tui_view tui_view_density = {
    .layout = layout,
    .draw = draw,
    .key = key,
    .scenes = scenes,
};
