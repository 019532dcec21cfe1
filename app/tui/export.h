/* app/tui/export.h - export.c: e: the current view's figures through Cairo. Types in session.h. */
#ifndef HF_TUI_EXPORT_H
#define HF_TUI_EXPORT_H

#include "app/tui/session.h"

int tui_export(struct tui *t, const char *path);

#endif
