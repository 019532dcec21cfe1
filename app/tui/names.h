/* app/tui/names.h - names.c: the row labels of channels and parameters at one column width. Types
 * in session.h. */
#ifndef HF_TUI_NAMES_H
#define HF_TUI_NAMES_H

#include "app/tui/session.h"

int tui_names_fit(tui_names *nm, const char *(*name)(const void *, size_t), const void *ctx,
                  size_t n, int w);
void tui_names_release(tui_names *nm);

#endif
