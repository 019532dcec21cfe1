/* app/tui/config.h - config.c: the settings file (~/.config/hfscope/tui.conf or $XDG_CONFIG_HOME).
 * Types in session.h. */
#ifndef HF_TUI_CONFIG_H
#define HF_TUI_CONFIG_H

#include "app/tui/session.h"

void tui_config_load(struct tui *t, bool mouse_set);
void tui_config_save(struct tui *t);

#endif
