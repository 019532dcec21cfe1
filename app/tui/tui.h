/* app/tui/tui.h - tui.c's API: the whole interactive session (tui_run) and its options.
 * app/cmd_tui.c also uses the curses-free parts (state.h: load, fit, overview text; session.h:
 * the types and helpers), included here for it. */
#ifndef HF_TUI_H
#define HF_TUI_H

#include <stdbool.h>

#include "app/cli.h"
#include "app/tui/session.h"
#include "app/tui/state.h"

/* tui.c: the whole interactive session on an already-loaded cli; returns an exit code. */
typedef struct tui_opts {
    bool bench;  /* draw into /dev/null, time the first screen and redraws, print the numbers */
    bool no_fit; /* no fit at start */
    bool mouse;
    bool mouse_set; /* --mouse or --no-mouse given: wins over the settings file */
    double t_start; /* tui_now() when the command started */
    /* R: parse and load the workspace again into *out (errors printed to stderr); 0 or exit code */
    int (*reload)(hf_cli *out, void *ctx);
    void *reload_ctx;
    struct tui_points *points; /* the patchset browser (points.h), NULL: none; the caller's */
} tui_opts;
/* tui_run's return when the terminal cannot be driven (TERM unknown): print the overview. */
#define TUI_NO_TERMINAL (-1)
int tui_run(hf_cli *cli, const tui_opts *o);

#endif
