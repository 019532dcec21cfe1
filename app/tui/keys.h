/* app/tui/keys.h - keys.c: the key table (help, hints), the prompt and overlays, the global keys.
 * Types in session.h. */
#ifndef HF_TUI_KEYS_H
#define HF_TUI_KEYS_H

#include "app/tui/session.h"

bool tui_key_modal(struct tui *t, int ch, unsigned *dirty);
bool tui_key_lookup(struct tui *t, int ch, tui_action *act, int *arg, unsigned *dirty);
unsigned tui_key_global(struct tui *t, tui_action act, int arg);
size_t tui_help_lines(const struct tui *t, const char ***out);
void tui_hints(const struct tui *t, char *buf, size_t n, int maxcols);

#endif
