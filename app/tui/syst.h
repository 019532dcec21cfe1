/* app/tui/syst.h - syst.c: the Systematics screen's data and its decorrelate-and-refit job. Types
 * in session.h. */
#ifndef HF_TUI_SYST_H
#define HF_TUI_SYST_H

#include "app/tui/session.h"

void tui_syst_prepare(struct tui *t);
void tui_syst_release(tui_syst *s);
size_t tui_syst_nentries(const struct tui *t);
const hf_systematics_entry *tui_syst_entry(const struct tui *t, size_t k);
const char *tui_syst_flag_text(const struct tui *t, size_t p, char *buf, size_t n);
const char *tui_syst_pane_name(int pane, bool brief);
hf_scene *tui_syst_scene(const struct tui *t);
hf_scene **tui_syst_scenes(struct tui *t, size_t *n);
size_t tui_syst_lines(const struct tui *t, int width, char ***out);
int tui_syst_decorrelate(struct tui *t);
void tui_syst_fit_done(struct tui *t, int rc, hf_fit_result *res, const hf_error *err);

#endif
