/* app/tui/view_overview.c - view 1: the workspace, the fit, the worst-fitting channels and the
 * most pulled and most constrained parameters, as text (state.c builds the lines). */
#include "app/tui/view.h"
#include "app/tui/chrome.h"

/* rankings show this many rows on a tall screen (more than TALL body rows), else fewer */
#define TALL     30
#define TOP_TALL 8
#define TOP_LOW  5

static void
draw(struct tui *t)
{
    tui_rect b = t->panes.body;
    char **lines = NULL;
    size_t n = tui_overview_lines(t, &lines, b.h > TALL ? TOP_TALL : TOP_LOW);
    if (n == (size_t)-1) {
        tui_text_pane(t, b.y, b.x, b.h, b.w, "Overview", NULL, 0, 0);
        tui_put_str(t, b.y + 1, b.x + 1, b.w - 2, "out of memory", A_BOLD, 0);
        return;
    }
    tui_text_pane(t, b.y, b.x, b.h, b.w, "Overview", lines, n, 0);
    tui_lines_free(lines, n);
}

const struct tui_view tui_view_overview = {
    .layout = tui_layout_whole,
    .draw = draw,
};
