/* app/tui/view.h - a view is a module (../shared/STYLE.md): one `const struct tui_view` per
 * view_<name>.c, found through tui_view_of. The loop lays the current view out once per size
 * and view change, draws it, asks it first for each key (then the global keys in keys.c) and
 * asks it for its figures when exporting. */
#ifndef HF_TUI_VIEW_H
#define HF_TUI_VIEW_H

#include "app/tui/session.h"

struct tui_view {
    /* fill t->panes (and t->left_w) for the body between the top and status lines */
    void (*layout)(struct tui *t, tui_rect body);
    /* paint the panes (chrome.h primitives) */
    void (*draw)(struct tui *t);
    /* handle act: true with *dirty set, or false to leave it to the global keys; NULL: none */
    bool (*key)(struct tui *t, tui_action act, unsigned *dirty);
    /* the figure pages to export (caller frees each and the array), NULL when there is none;
     * NULL callback: the view has no figure */
    hf_scene **(*scenes)(struct tui *t, size_t *n);
    /* a click of the first button at screen row y, column x: true with *dirty set when the view
     * took it; NULL (or false): the focused list of tui_focused_list selects the row clicked */
    bool (*click)(struct tui *t, int y, int x, unsigned *dirty);
    /* the wheel, delta rows (negative: up), for a view whose list is not a tui_list; NULL: none */
    void (*wheel)(struct tui *t, int delta, unsigned *dirty);
};

extern const struct tui_view tui_view_overview, tui_view_channels, tui_view_params, tui_view_corr,
    tui_view_slider, tui_view_density, tui_view_log, tui_view_syst, tui_view_links,
    tui_view_regions, tui_view_points;

/* views.c */
const struct tui_view *tui_view_of(tui_view_id id);
/* the view drawn now: the links (view_links.c) over the view that opened them, else the view */
const struct tui_view *tui_view_current(const struct tui *t);

/* view_channels.c: the channel list, also the Slider's lower pane */
void tui_draw_channel_list(struct tui *t, tui_rect pane, bool focus);

#endif
