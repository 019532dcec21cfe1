/* app/tui/view_log.c - view 7: the session's log (fits, warnings, messages), following its tail
 * unless scrolled up. */
#include "app/tui/chrome.h"
#include "app/tui/view.h"

static void
draw(struct tui *t)
{
    tui_rect b = t->panes.body;
    if (t->log_top >= t->nlog && t->nlog > 0)
        t->log_top = t->nlog - 1;
    size_t rows = b.h > 2 ? (size_t)(b.h - 2) : 0;
    /* follow the tail unless scrolled up */
    size_t top = t->log_top;
    if (t->nlog > rows && top > t->nlog - rows)
        top = t->nlog - rows;
    tui_text_pane(t, b.y, b.x, b.h, b.w, "Log", t->log, t->nlog, top);
}

/* j/k, g/G and the page keys scroll the log. */
static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    long d = 0, page = t->lines - 4; /* as the lists: top, bottom, header, frame */
    page = page > 1 ? page : 1;
    switch (act) {
    case TUI_ACT_DOWN:
        if (t->log_top + 1 < t->nlog)
            t->log_top++;
        break;
    case TUI_ACT_UP:
        if (t->log_top > 0)
            t->log_top--;
        break;
    case TUI_ACT_TOP:
    case TUI_ACT_BOTTOM:
        t->log_top = act == TUI_ACT_TOP || t->nlog == 0 ? 0 : t->nlog - 1;
        break;
    case TUI_ACT_HALFDOWN:
    case TUI_ACT_HALFUP:
    case TUI_ACT_PAGEDOWN:
    case TUI_ACT_PAGEUP:
        d = act == TUI_ACT_HALFDOWN || act == TUI_ACT_HALFUP ? page / 2 : page;
        if (act == TUI_ACT_HALFUP || act == TUI_ACT_PAGEUP)
            d = -d;
        d += (long)t->log_top;
        t->log_top = d < 0 ? 0 : (size_t)d >= t->nlog ? (t->nlog ? t->nlog - 1 : 0) : (size_t)d;
        break;
    default:
        return false;
    }
    *dirty = TUI_DIRTY_MAIN;
    return true;
}

const struct tui_view tui_view_log = {
    .layout = tui_layout_whole,
    .draw = draw,
    .key = key,
};
