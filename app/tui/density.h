/* app/tui/density.h - density.c: the density lab's thread and settings. Types in session.h. */
#ifndef HF_TUI_DENSITY_H
#define HF_TUI_DENSITY_H

#include "app/tui/session.h"

int tui_dens_start(tui_dens *d);
void tui_dens_submit(tui_dens *d);
void tui_dens_cancel(tui_dens *d);
int tui_dens_fd(const tui_dens *d);
void tui_dens_stop(tui_dens *d);
unsigned tui_dens_poll(struct tui *t);
hf_scene *tui_dens_scene(tui_dens *d);
void tui_dens_setting(const struct tui *t, int k, char *buf, size_t n);
bool tui_dens_adjust(struct tui *t, int k, int dir);
bool tui_dens_toggle_boot(struct tui *t); /* b: bootstrap bands on/off */
bool tui_dens_cost_view(struct tui *t);   /* c: the cost axis and its figure */
void tui_dens_status(tui_dens *d, char *buf, size_t n);
void tui_dens_placeholder(tui_dens *d, char *buf, size_t n);
void tui_dens_layer(struct tui *t);                        /* v */
void tui_dens_events_prompt(struct tui *t);                /* o */
unsigned tui_dens_events(struct tui *t, const char *spec); /* Enter in o's prompt */

#endif
