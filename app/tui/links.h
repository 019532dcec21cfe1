/* app/tui/links.h - links.c: the links between a parameter and its channels, jumps, the
 * Backspace history, the MINOS and NLL-shape jobs of the Parameters view. Types in session.h. */
#ifndef HF_TUI_LINKS_H
#define HF_TUI_LINKS_H

#include "app/tui/session.h"

unsigned tui_links_open(struct tui *t, bool of_chan, size_t subject);
void tui_links_close(struct tui *t);
unsigned tui_nav_goto(struct tui *t, tui_view_id v);
void tui_nav_push(struct tui *t);
unsigned tui_nav_back(struct tui *t);
void tui_list_select(struct tui *t, tui_list *l, size_t item);
unsigned tui_jump_chan(struct tui *t, size_t c);
unsigned tui_jump_par(struct tui *t, size_t p);
unsigned tui_minos_start(struct tui *t, size_t p);
void tui_minos_done(struct tui *t, int rc, const hf_minos_result *res, const hf_error *err);
const hf_minos_result *tui_minos_of(const struct tui *t, size_t p);
unsigned tui_shape_start(struct tui *t);
void tui_shape_done(struct tui *t, int rc, hf_nllshape *res, const hf_error *err);

#endif
