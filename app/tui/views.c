/* app/tui/views.c - the views in key order (1 ... 9, then 0: Points). */
#include "app/tui/view.h"

static const struct tui_view *const views[TUI_NVIEWS] = {
    [TUI_V_OVERVIEW] = &tui_view_overview, [TUI_V_CHANNELS] = &tui_view_channels,
    [TUI_V_PARAMS] = &tui_view_params,     [TUI_V_CORR] = &tui_view_corr,
    [TUI_V_SLIDER] = &tui_view_slider,     [TUI_V_DENSITY] = &tui_view_density,
    [TUI_V_LOG] = &tui_view_log,           [TUI_V_SYST] = &tui_view_syst,
    [TUI_V_REGIONS] = &tui_view_regions,   [TUI_V_POINTS] = &tui_view_points,
};

/* The module of view id (the Overview for an id out of range). */
const struct tui_view *
tui_view_of(tui_view_id id)
{
    return (unsigned)id < TUI_NVIEWS ? views[id] : views[TUI_V_OVERVIEW];
}

const struct tui_view *
tui_view_current(const struct tui *t)
{
    if (t->links.open && t->links.home == t->view)
        return &tui_view_links;
    return tui_view_of(t->view);
}
