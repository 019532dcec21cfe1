/* app/cmd_tui.c - `hfscope tui WS` and `hfscope WS`: the explorer on a terminal; when stdin or
 * stdout is not a terminal, the overview as text instead (with --patchset, the points' table),
 * so scripts and CI never hang. The workspace (and a patchset or results file) is loaded before
 * curses starts, so a bad file gives one error line and exit 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/tui/points.h"
#include "app/tui/tui.h"
#include "core/model/fit.h"
#include "render/utf8.h"

int cmd_tui(int argc, char **argv);

/* The overview without a screen: the same lines as the Overview view, after a fit; with a
 * patchset, the points' table after it (every point computed, as the Points view does). */
static int
text_overview(hf_cli *cli, bool no_fit, const char *why, struct tui_points *pts, bool limits)
{
    struct tui *t = calloc(1, sizeof(*t));
    if (t == NULL || tui_state_init(t, cli) < 0) {
        tui_state_release(t);
        free(t);
        fprintf(stderr, "hfscope: error: out of memory\n");
        return 1;
    }
    int rc = 0;
    if (!no_fit) {
        hf_fit_result res = {0};
        hf_error err = {0};
        if (hf_fit(t->m, &t->data, NULL, &res, &err) == 0) {
            tui_set_fit(t, &res);
            if (!t->fit.converged)
                rc = 1;
        } else {
            t->fit_state = TUI_FIT_FAILED;
            t->fit_msg = strdup(hf_error_msg(&err));
            hf_fit_result_release(&res);
            rc = 1;
        }
        hf_error_release(&err);
    }
    char **lines = NULL;
    size_t n = tui_overview_lines(t, &lines, 8, NULL);
    if (n == (size_t)-1) {
        tui_state_release(t);
        free(t);
        fprintf(stderr, "hfscope: error: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < n; i++) { /* names in the lines: no ESC or CR to the terminal */
        char *esc = hf_utf8_escape(lines[i]);
        printf("%s\n", esc != NULL ? esc : "(out of memory)");
        free(esc);
    }
    printf("\n(%s: printed the overview; run `%s tui %s` in a terminal to explore)\n", why,
           hf_cli_progname(), cli->ws_path);
    if (pts != NULL) {
        printf("\n");
        (void)fflush(stdout);
        int prc = tui_points_print(pts, limits, stdout);
        rc = prc > rc ? prc : rc;
    }
    tui_lines_free(lines, n);
    tui_state_release(t);
    free(t);
    return rc;
}

/* What R needs to load the workspace again exactly as at start. */
typedef struct reload_ctx {
    int argc;
    char **argv;
    const hf_opt *extra;
    const struct tui_points *points; /* Enter on a point: its patch is applied on load */
} reload_ctx;

static int
reload_cb(hf_cli *out, void *ctx)
{
    const reload_ctx *r = ctx;
    int rc = hf_cli_parse(out, r->argc, r->argv, r->extra, "tui [OPTIONS] WORKSPACE.json");
    const char *spec = tui_points_patch_spec(r->points);
    if (rc == 0 && spec != NULL) {
        out->patch = spec; /* "PS.json:NAME", as --patch would give it */
        out->quiet = true; /* the digest was checked at start */
    }
    if (rc == 0)
        rc = hf_cli_load(out);
    return rc < 0 ? 2 : rc;
}

int
cmd_tui(int argc, char **argv)
{
    tui_opts o = {0};
    o.t_start = tui_now();
    bool no_fit = false, mouse = false, no_mouse = false, limits = false;
    tui_points_args pa = {NULL, NULL};
    /* hidden: `make bench` times the first screen and redraws without a terminal */
    const char *be = getenv("HFSCOPE_BENCH");
    bool bench = be != NULL && be[0] != '\0' && strcmp(be, "0") != 0;
    const hf_opt extra[] = {
        {"no-fit", 0, HF_OPT_FLAG, &no_fit, "do not fit at start (press f to fit)"},
        {"mouse", 0, HF_OPT_FLAG, &mouse, "the mouse (the default): click, wheel"},
        {"no-mouse", 0, HF_OPT_FLAG, &no_mouse,
         "leave the mouse to the terminal (text selection); no clicks"},
        {"patchset", 0, HF_OPT_STRING, &pa.patchset,
         "browse the signal points of PS.json (view 0: CLs, limits, the mass plane)"},
        {"results", 0, HF_OPT_STRING, &pa.results,
         "RESULTS.jsonl: CLs and limits already computed (patchset run or merge output)"},
        {"limits", 0, HF_OPT_FLAG, &limits,
         "without a terminal: the points' upper limits too (in the explorer: key l)"},
        {NULL, 0, HF_OPT_FLAG, NULL, NULL},
    };
    hf_cli cli = {0};
    int rc = hf_cli_parse(&cli, argc, argv, extra, "tui [OPTIONS] WORKSPACE.json");
    if (rc != 0) {
        hf_cli_done(&cli);
        return rc < 0 ? 0 : rc;
    }
    if (cli.json || cli.output != NULL) {
        hf_cli_done(&cli);
        return hf_cli_error("tui: no --json or -o output (see `hfscope inspect --json` and "
                            "`hfscope fit --json`)");
    }
    if ((rc = hf_cli_load(&cli)) != 0) {
        hf_cli_done(&cli);
        return rc;
    }
    struct tui_points *pts = NULL;
    if (pa.patchset != NULL || pa.results != NULL) {
        if ((pts = tui_points_new(&cli, &pa, &rc)) == NULL) {
            hf_cli_done(&cli);
            return rc;
        }
    }
    reload_ctx rctx = {argc, argv, extra, pts};
    o.points = pts;
    o.reload = reload_cb;
    o.reload_ctx = &rctx;
    o.no_fit = no_fit;
    o.mouse = !no_mouse; /* on by default (htop); --mouse is kept for old scripts */
    o.mouse_set = mouse || no_mouse;
    o.bench = bench;
    /* --bench draws into /dev/null, so it needs no terminal */
    if (!bench && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
        rc = text_overview(&cli, no_fit, "not a terminal", pts, limits);
    else if ((rc = tui_run(&cli, &o)) == TUI_NO_TERMINAL) {
        const char *term = getenv("TERM");
        hf_cli_warn("terminal type '%s' cannot draw the explorer: printing the overview",
                    term != NULL ? term : "(unset)");
        rc = text_overview(&cli, no_fit, "unknown terminal type", pts, limits);
    }
    hf_cli_done(&cli); /* before the points: a reloaded cli's --patch is their string */
    tui_points_free(pts);
    return rc;
}
