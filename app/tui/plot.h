/* app/tui/plot.h - plot.c: yields with bands and the stack scene of a channel. Types in session.h.
 */
#ifndef HF_TUI_PLOT_H
#define HF_TUI_PLOT_H

#include "app/tui/session.h"

void tui_default_export_name(const struct tui *t, char *buf, size_t n);
int tui_live_yields(struct tui *t);
int tui_yields_prefit(struct tui *t);
int tui_yields_postfit(struct tui *t);
void tui_yields_release(struct tui *t);
tui_point tui_stack_point(const struct tui *t);
const char *tui_point_name(tui_point pt);
const char *tui_live_label(const struct tui *t);
hf_scene *tui_stack_scene(const struct tui *t, size_t c, tui_point pt, double width_in,
                          double height_in);
hf_scene **tui_stack_pages(struct tui *t, size_t *n);

#endif
