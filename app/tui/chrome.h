/* app/tui/chrome.h - the curses side shared by the loop and the views (chrome.c): colour pairs,
 * drawing primitives, the stack-figure pane, the top and status lines, the overlays, and the
 * split of the body into panes. */
#ifndef HF_TUI_CHROME_H
#define HF_TUI_CHROME_H

#include <curses.h>
#include <stdint.h>

#include "app/tui/session.h"
#include "render/cells.h"

/* The Unicode glyph, or its ASCII stand-in in ASCII mode (needs `t` in scope). */
#define TUI_G(uni, asc) (t->ascii ? (asc) : (uni))

/* The narrowest left column (the lists' names and numbers need it). */
#define TUI_MIN_LEFT 28

int tui_colors_init(struct tui *t);
void tui_colors_release(struct tui *t);
int tui_ink_colour(struct tui *t, hf_ink ink, int map);
short tui_pair(struct tui *t, int fg, int bg);
short tui_accent_if(struct tui *t, bool cond, int idx);

void tui_put_cp(struct tui *t, int y, int x, uint32_t cp, attr_t a, short pair);
int tui_put_str(struct tui *t, int y, int x, int maxw, const char *s, attr_t a, short pair);
void tui_put_field(struct tui *t, int y, int x, int w, const char *s, attr_t a, short pair);
void tui_put_name(struct tui *t, int y, int x, int w, const char *s, attr_t a, short pair);
void tui_put_chan(struct tui *t, int y, int x, int w, size_t ci, attr_t a, short pair);
void tui_put_par(struct tui *t, int y, int x, int w, size_t p, attr_t a, short pair);
void tui_put_right(struct tui *t, int y, int x, int w, const char *s, attr_t a, short pair);
void tui_blank(struct tui *t, int y, int x, int h, int w);
void tui_box(struct tui *t, int y, int x, int h, int w, const char *title, bool focus);
const char *tui_sep(const struct tui *t);
const char *tui_sort_mark(const struct tui *t, const tui_list *l, int col);
void tui_text_pane(struct tui *t, int y, int x, int h, int w, const char *title, char **lines,
                   size_t n, size_t top);
void tui_draw_scene(struct tui *t, int y, int x, int h, int w, hf_scene *s, const char *none);
void tui_draw_stack(struct tui *t, tui_rect r);

/* The widest left column beside a figure (Channels allows more: its numbers are the point). */
#define TUI_LEFT_CAP(w) ((w)*9 / 20)
void tui_split(struct tui *t, tui_rect body, int lw, int cap);
void tui_layout_whole(struct tui *t, tui_rect body);

void tui_chrome_top(struct tui *t);
/* the status line; hints_of writes the key hints for the room left (keys.c's tui_hints, passed
 * by the loop so that chrome.c does not call up into the keys) */
typedef void tui_hints_fn(const struct tui *t, char *buf, size_t n, int maxcols);
void tui_chrome_status(struct tui *t, tui_hints_fn *hints_of);
void tui_chrome_overlay(struct tui *t, const char *const *help, size_t nhelp);
void tui_chrome_too_small(struct tui *t);

#endif
