/* app/tui/state.h - state.c: model-derived data, fits taken over, slider steps, tui_goto, the
 * session's life cycle. Types in session.h. */
#ifndef HF_TUI_STATE_H
#define HF_TUI_STATE_H

#include "app/tui/session.h"

void tui_update_live(struct tui *t);
void tui_set_fit(struct tui *t, hf_fit_result *res);
void tui_set_cfit(struct tui *t, hf_fit_result *res);
void tui_drop_cfit(struct tui *t);
int tui_start_fit(struct tui *t, bool from_live);
int tui_state_init(struct tui *t, hf_cli *cli);
void tui_state_release(struct tui *t);
size_t tui_overview_lines(const struct tui *t, char ***out, size_t top, size_t **targets);
size_t tui_detail_lines(const struct tui *t, size_t p, char ***out);
bool tui_slider_key(struct tui *t, tui_action act, unsigned *dirty);
unsigned tui_goto(struct tui *t, tui_view_id v);
unsigned tui_open_detail(struct tui *t, size_t p);

#endif
