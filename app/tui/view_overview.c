/* app/tui/view_overview.c - view 1: the workspace, the fit, the worst-fitting channels and the
 * most pulled and most constrained parameters, as text (state.c builds the lines). The ranking
 * lines are selectable (j/k) and Enter goes to the channel's stack or the parameter's row. */
#include "app/tui/view.h"
#include "app/tui/chrome.h"
#include "app/tui/links.h"
#include "app/tui/state.h"

#include <stdlib.h>

/* rankings show this many rows on a tall screen (more than TALL body rows), else fewer */
#define TALL     30
#define TOP_TALL 8
#define TOP_LOW  5

static size_t
top_of(const struct tui *t)
{
    return t->panes.body.h > TALL ? TOP_TALL : TOP_LOW;
}

/* The next line from `from` in direction dir (+1/-1) that names a target, or from itself. */
static size_t
next_target(const size_t *tg, size_t n, size_t from, int dir)
{
    for (size_t k = from; k < n; k += (size_t)(long)dir) {
        if (tg[k] != (size_t)-1)
            return k;
        if (dir < 0 && k == 0)
            break;
    }
    return from;
}

static void
draw(struct tui *t)
{
    tui_rect b = t->panes.body;
    char **lines = NULL;
    size_t *tg = NULL;
    size_t n = tui_overview_lines(t, &lines, top_of(t), &tg);
    if (n == (size_t)-1) {
        tui_text_pane(t, b.y, b.x, b.h, b.w, "Overview", NULL, 0, 0);
        tui_put_str(t, b.y + 1, b.x + 1, b.w - 2, "out of memory", A_BOLD, 0);
        return;
    }
    size_t sel = (size_t)-1, top = 0, rows = b.h > 2 ? (size_t)b.h - 2 : 1;
    if (tg != NULL && n > 0) {
        sel = next_target(tg, n, t->ov_sel < n ? t->ov_sel : 0, 1);
        if (tg[sel] == (size_t)-1)
            sel = next_target(tg, n, n - 1, -1);
        if (tg[sel] == (size_t)-1)
            sel = (size_t)-1;
        if (sel != (size_t)-1 && sel >= rows)
            top = sel - rows + 1 + (sel + 1 < n ? 1 : 0);
    }
    tui_text_pane(t, b.y, b.x, b.h, b.w,
                  sel == (size_t)-1 ? "Overview" : "Overview (j/k select, Enter goes there)", lines,
                  n, top);
    t->ov_target = sel != (size_t)-1 ? tg[sel] : (size_t)-1; /* the status line names it */
    if (sel != (size_t)-1 && sel >= top && sel - top < rows)
        tui_put_field(t, b.y + 1 + (int)(sel - top), b.x + 1, b.w - 2, lines[sel], A_REVERSE, 0);
    tui_lines_free(lines, n);
    free(tg);
}

static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    char **lines = NULL;
    size_t *tg = NULL;
    size_t n = tui_overview_lines(t, &lines, top_of(t), &tg);
    tui_lines_free(lines, n);
    bool taken = true;
    *dirty = TUI_DIRTY_MAIN | TUI_DIRTY_STATUS;
    if (tg == NULL || n == 0 || n == (size_t)-1) {
        free(tg);
        return false;
    }
    size_t cur = t->ov_sel < n ? t->ov_sel : 0;
    cur = tg[cur] != (size_t)-1 ? cur : next_target(tg, n, cur, 1);
    switch (act) {
    case TUI_ACT_DOWN:
    case TUI_ACT_PAGEDOWN:
    case TUI_ACT_HALFDOWN:
        t->ov_sel = cur + 1 < n ? next_target(tg, n, cur + 1, 1) : cur;
        break;
    case TUI_ACT_UP:
    case TUI_ACT_PAGEUP:
    case TUI_ACT_HALFUP:
        t->ov_sel = cur > 0 ? next_target(tg, n, cur - 1, -1) : cur;
        break;
    case TUI_ACT_TOP:
        t->ov_sel = next_target(tg, n, 0, 1);
        break;
    case TUI_ACT_BOTTOM:
        t->ov_sel = next_target(tg, n, n - 1, -1);
        break;
    case TUI_ACT_ENTER:
        if (tg[cur] != (size_t)-1)
            *dirty = tg[cur] < t->m->nchan ? tui_jump_chan(t, tg[cur])
                                           : tui_jump_par(t, tg[cur] - t->m->nchan);
        break;
    default:
        taken = false;
    }
    free(tg);
    return taken;
}

const struct tui_view tui_view_overview = {
    .layout = tui_layout_whole,
    .draw = draw,
    .key = key,
};
