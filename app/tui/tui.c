/* app/tui/tui.c - the explorer's session: terminal setup and teardown, the main loop
 * (input -> state -> redraw, one thread owning curses) and the hidden --bench mode. */
#include "app/tui/tui.h"
#include "app/tui/chrome.h"
#include "app/tui/config.h"
#include "app/tui/density.h"
#include "app/tui/keys.h"
#include "app/tui/links.h"
#include "app/tui/points.h"
#include "app/tui/state.h"
#include "app/tui/syst.h"
#include "app/tui/view.h"
#include "app/tui/worker.h"

#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MIN_COLS  60
#define MIN_LINES 20

/* The signal that asked the explorer to end (SIGINT, SIGTERM, SIGHUP), 0 while none did: the
 * handler only records it; the loop sees it within one poll (EINTR, else its 50 ms timeout when
 * another thread took the signal) and leaves through the normal path, which restores the
 * terminal. The exit status is then 128 + the signal, as a shell reports a killed job. */
static volatile sig_atomic_t stop_signal;

static void
on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* Install the handlers before newterm(), so that ncurses keeps them instead of its own (it only
 * takes signals still at SIG_DFL); no SA_RESTART, so poll() returns at once. */
static void
catch_stop_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        (void)sigaction(sigs[i], &sa, NULL);
}

/* Back to the default dispositions once the terminal is restored. */
static void
release_stop_signals(void)
{
    (void)signal(SIGINT, SIG_DFL);
    (void)signal(SIGTERM, SIG_DFL);
    (void)signal(SIGHUP, SIG_DFL);
}

/* A new terminal size: the current view is laid out again before the next frame. */
static void
tui_layout(struct tui *t, int cols, int lines)
{
    t->cols = cols;
    t->lines = lines;
    t->too_small = cols < MIN_COLS || lines < MIN_LINES;
    int lw = cols / 4;
    t->left_w = lw < TUI_MIN_LEFT ? TUI_MIN_LEFT : lw;
    t->laid_out = false;
}

/* One key: the prompt and overlays first, then the current view, then the global keys. Returns
 * the panes to redraw. */
static unsigned
tui_key(struct tui *t, int ch)
{
    unsigned dirty = 0;
    tui_action act;
    int arg;
    if (tui_key_modal(t, ch, &dirty) || !tui_key_lookup(t, ch, &act, &arg, &dirty))
        return dirty;
    const struct tui_view *v = tui_view_current(t);
    if (v->key != NULL && v->key(t, act, &dirty))
        return dirty;
    return tui_key_global(t, act, arg);
}

/* Paint the panes in `dirty`, then one doupdate(). The body is painted whole when any of its
 * panes is dirty: at most a few thousand cells, far under a frame. */
static void
frame(struct tui *t, unsigned dirty)
{
    if (t->too_small) {
        tui_chrome_too_small(t);
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    /* a full repaint starts from blank cells, so no pane can leave stale text behind; curses
     * still sends only the cells that changed */
    if ((dirty & TUI_DIRTY_ALL) == TUI_DIRTY_ALL)
        erase();
    if (dirty & TUI_DIRTY_OVERLAY || t->overlay != TUI_OV_NONE)
        dirty |= TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
    if (dirty & TUI_DIRTY_TOP)
        tui_chrome_top(t);
    if (dirty & (TUI_DIRTY_LEFT | TUI_DIRTY_MAIN)) {
        const struct tui_view *v = tui_view_current(t);
        if (!t->laid_out || t->laid_view != t->view) {
            v->layout(t, (tui_rect){1, 0, t->lines - 2, t->cols});
            t->laid_out = true;
            t->laid_view = t->view;
        }
        v->draw(t);
        const char **help = NULL;
        size_t nhelp = t->overlay == TUI_OV_HELP ? tui_help_lines(t, &help) : 0;
        if (t->overlay != TUI_OV_NONE)
            tui_chrome_overlay(t, help, nhelp);
    }
    if (dirty & (TUI_DIRTY_STATUS | TUI_DIRTY_LEFT | TUI_DIRTY_MAIN))
        tui_chrome_status(t, tui_hints);
    wnoutrefresh(stdscr);
    doupdate();
}

/* R: load the workspace again with the same options. While curses owns the terminal, stderr
 * goes to a temporary file and its first line becomes the status message. On failure the old
 * model stays. */
static void
reload_workspace(struct tui *t, hf_cli *owner, const tui_opts *o)
{
    t->reload = false;
    if (o->reload == NULL)
        return;
    tui_worker_stop(t->worker);
    t->worker = NULL;
    hf_cli ncli;
    memset(&ncli, 0, sizeof(ncli));
    (void)fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *tmp = tmpfile();
    if (saved >= 0 && tmp != NULL)
        dup2(fileno(tmp), STDERR_FILENO);
    int rc = o->reload(&ncli, o->reload_ctx);
    (void)fflush(stderr);
    char first[TUI_MSG_MAX] = "";
    if (saved >= 0) {
        dup2(saved, STDERR_FILENO);
        close(saved);
    }
    if (tmp != NULL) {
        rewind(tmp);
        if (fgets(first, sizeof(first), tmp) == NULL)
            first[0] = '\0';
        first[strcspn(first, "\n")] = '\0';
        (void)fclose(tmp);
    }
    if (rc != 0) {
        hf_cli_release(&ncli);
        if ((t->worker = tui_worker_start()) == NULL)
            tui_log(t, "no worker thread: fits are unavailable");
        tui_message(t, true, "reload failed: %s", first[0] ? first : "see the log");
        tui_log(t, "reload failed: %s", first[0] ? first : "(no message)");
        tui_points_attach(t, true, false);
        return;
    }
    /* keep what the user chose and the log; everything model-derived is rebuilt (the density
     * lab may hold a channel template of the old model: it restarts too) */
    tui_dens_stop(&t->dens);
    struct tui keep = *t;
    t->log = NULL;
    t->nlog = 0;
    tui_state_release(t);
    hf_cli_release(owner);
    *owner = ncli;
    if (tui_state_init(t, owner) < 0) {
        t->quit = true; /* out of memory: leave cleanly, the caller frees what exists */
        for (size_t i = 0; i < keep.nlog; i++)
            free(keep.log[i]);
        free(keep.log);
        return;
    }
    for (size_t i = 0; i < t->nlog; i++)
        free(t->log[i]);
    free(t->log);
    t->log = keep.log;
    t->nlog = keep.nlog;
    t->view = keep.view;
    t->postfit = keep.postfit;
    t->logy = keep.logy;
    t->ascii = keep.ascii;
    t->mono = keep.mono;
    t->test_mode = keep.test_mode;
    t->no_fit = keep.no_fit;
    t->mouse = keep.mouse;
    t->oc_threshold = keep.oc_threshold;
    t->corr_threshold = keep.corr_threshold;
    t->hold_moved = keep.hold_moved;
    t->cols = keep.cols;
    t->lines = keep.lines;
    t->left_w = keep.left_w;
    t->too_small = keep.too_small;
    t->laid_out = false; /* the names' widths may have changed */
    t->colours = keep.colours;
    t->points = keep.points;
    if ((t->worker = tui_worker_start()) == NULL)
        tui_log(t, "no worker thread: fits are unavailable");
    if (!t->no_fit)
        tui_start_fit(t, false);
    if (tui_dens_start(&t->dens) < 0)
        tui_log(t, "no density-lab thread");
    tui_message(t, false, "reloaded %s%s%s", owner->ws_path, first[0] ? ": " : "", first);
    tui_points_attach(t, true, true);
}

/* A finished fit of the explorer's model: the global one (TUI_JOB_FIT) or a conditional one
 * (TUI_JOB_COND_FIT), which leaves the global fit and its state alone. Takes r's fit. */
static void
apply_fit(struct tui *t, tui_result *r)
{
    int rc = r->u.fit.rc;
    hf_error *err = &r->u.fit.err;
    const char *why = err->code == HF_ECANCELED ? "cancelled" : hf_error_msg(err);
    t->fit_secs = r->u.fit.secs;
    t->cfit_running = false;
    if (r->job == TUI_JOB_COND_FIT) {
        t->fit_state = t->have_fit          ? (t->fit.converged ? TUI_FIT_DONE : TUI_FIT_FAILED)
                       : t->fit_msg != NULL ? TUI_FIT_FAILED
                                            : TUI_FIT_IDLE;
        if (rc == 0) {
            tui_set_cfit(t, &r->u.fit.res); /* takes ownership */
            tui_message(t, false, "%s (r returns to the global best fit)",
                        t->cfit_label ? t->cfit_label : "conditional fit done");
        } else {
            tui_log(t, "conditional fit: %s", why);
            tui_message(t, err->code != HF_ECANCELED, "conditional fit: %s", why);
        }
        return;
    }
    free(t->fit_msg);
    t->fit_msg = NULL;
    if (rc == 0) {
        tui_set_fit(t, &r->u.fit.res); /* takes ownership */
    } else {
        t->fit_state = TUI_FIT_FAILED;
        t->fit_msg = strdup(why);
        tui_log(t, "fit: %s", why);
    }
}

/* Apply one result of the fit thread to the state; returns the panes to redraw. */
static unsigned
apply_result(struct tui *t, tui_result *r)
{
    unsigned dirty = 0;
    if (r->kind == TUI_RESULT_PROGRESS) {
        if (r->job == TUI_JOB_SPLIT_FIT) { /* a Systematics refit: its own progress */
            if (r->u.progress.iter != t->syst.diter) {
                t->syst.diter = r->u.progress.iter;
                t->syst.dnll = r->u.progress.nll;
                dirty |= TUI_DIRTY_MAIN;
            }
        } else if (t->fit_state != TUI_FIT_RUNNING || r->u.progress.iter != t->fit_iter) {
            t->fit_state = TUI_FIT_RUNNING;
            t->fit_iter = r->u.progress.iter;
            t->fit_nll = r->u.progress.nll;
            dirty |= TUI_DIRTY_TOP;
        }
        return dirty;
    }
    if (r->kind == TUI_RESULT_NLLSHAPE) {
        tui_shape_done(t, r->u.shape.rc, &r->u.shape.res, &r->u.shape.err); /* takes res */
        tui_result_release(r);
        return TUI_DIRTY_ALL;
    }
    if (r->kind == TUI_RESULT_POINT) {
        dirty = tui_points_result(t, r);
        tui_result_release(r);
        return dirty;
    }
    if (r->kind == TUI_RESULT_MINOS) {
        tui_minos_done(t, r->u.minos.rc, &r->u.minos.res, &r->u.minos.err);
        tui_result_release(r);
        return TUI_DIRTY_ALL;
    }
    if (r->job == TUI_JOB_SPLIT_FIT)
        tui_syst_fit_done(t, r->u.fit.rc, &r->u.fit.res, &r->u.fit.err); /* takes res */
    else
        apply_fit(t, r);
    tui_result_release(r);
    return TUI_DIRTY_ALL;
}

/* Take and apply everything the fit thread posted; tick the running fit's elapsed time (in
 * tenths: the top line is redrawn only when the shown number changes). */
static unsigned
take_results(struct tui *t)
{
    unsigned dirty = 0;
    tui_result r;
    while (tui_worker_take(t->worker, &r))
        dirty |= apply_result(t, &r);
    if (t->fit_state == TUI_FIT_RUNNING) {
        double secs = tui_now() - t->fit_t0;
        if (!t->test_mode && (long)(secs * 10) != (long)(t->fit_secs * 10))
            dirty |= TUI_DIRTY_TOP;
        t->fit_secs = secs;
    }
    return dirty;
}

/* A mouse event: a click on a tab opens its view, on a list row selects it; the wheel scrolls. */
static void
mouse(struct tui *t)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return;
    if ((ev.bstate & BUTTON1_CLICKED) && ev.y == 0) { /* a tab of the top line */
        for (int v = 0; v < TUI_NVIEWS; v++)
            if (t->tab_x0[v] >= 0 && ev.x >= t->tab_x0[v] - 1 && ev.x <= t->tab_x1[v])
                t->dirty |= tui_nav_goto(t, (tui_view_id)v);
    } else if (ev.bstate & BUTTON1_CLICKED) {
        const struct tui_view *v = tui_view_current(t);
        if (v->click != NULL && v->click(t, ev.y, ev.x, &t->dirty))
            return;
        tui_list *l = tui_focused_list(t);
        int row = ev.y - 3; /* list rows start under the box top and the header */
        if (l != NULL && row >= 0 && (size_t)row + l->top < l->nvis && ev.x < t->left_w) {
            l->sel = l->top + (size_t)row;
            t->dirty |= TUI_DIRTY_ALL;
        }
    }
#ifdef BUTTON5_PRESSED
    else if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        tui_list *l = tui_focused_list(t);
        const struct tui_view *v = tui_view_current(t);
        int delta = ev.bstate & BUTTON4_PRESSED ? -3 : 3;
        if (l != NULL)
            tui_list_move(l, delta);
        else if (v->wheel != NULL)
            v->wheel(t, delta, &t->dirty);
        t->dirty |= TUI_DIRTY_ALL;
    }
#endif
}

/* One input event. */
static void
input(struct tui *t, int ch)
{
    if (ch == KEY_RESIZE) {
        tui_layout(t, COLS, LINES);
        erase();
        t->dirty |= TUI_DIRTY_ALL;
    } else if (ch == KEY_MOUSE) {
        mouse(t);
    } else {
        t->dirty |= tui_key(t, ch);
    }
}

/* A resize whose SIGWINCH curses never saw (one that lands while the explorer starts, before
 * curses' handler is in place): the terminal's own size against curses', once per turn of the
 * loop, one ioctl. */
static void
catch_lost_resize(struct tui *t)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
        return;
    if ((int)ws.ws_row != LINES || (int)ws.ws_col != COLS) {
        (void)resizeterm(ws.ws_row, ws.ws_col);
        input(t, KEY_RESIZE);
    }
}

/* The loop: poll() stdin and the fit and density threads' wake pipes (at most 50 ms, so a
 * status message expires and the spinner turns), read every pending key without waiting, take
 * the threads' results, redraw what is dirty. One thread owns curses. */
static void
loop(struct tui *t, hf_cli *owner, const tui_opts *o)
{
    timeout(0);
    while (!t->quit && stop_signal == 0) {
        /* a descriptor of -1 is skipped by poll: no worker or no density thread */
        struct pollfd pfd[3] = {{.fd = STDIN_FILENO, .events = POLLIN},
                                {.fd = tui_worker_fd(t->worker), .events = POLLIN},
                                {.fd = tui_dens_fd(&t->dens), .events = POLLIN}};
        (void)poll(pfd, 3, 50); /* EINTR (SIGWINCH): getch reports KEY_RESIZE */
        int ch;
        while (!t->quit && stop_signal == 0 && !t->reload && (ch = getch()) != ERR)
            input(t, ch);
        catch_lost_resize(t);
        if (t->reload) {
            reload_workspace(t, owner, o);
            t->dirty |= TUI_DIRTY_ALL;
        }
        t->dirty |= take_results(t);
        t->dirty |= tui_points_pump(t);
        t->dirty |= tui_dens_poll(t);
        /* an expiring status message needs one more paint */
        if (t->msg[0] != '\0' && !t->msg_error && tui_now() >= t->msg_until) {
            t->msg[0] = '\0';
            t->dirty |= TUI_DIRTY_STATUS;
        }
        if (t->fit_state == TUI_FIT_RUNNING && !t->test_mode)
            t->dirty |= TUI_DIRTY_TOP; /* the spinner */
        if (t->dirty) {
            frame(t, t->dirty);
            t->dirty = 0;
        }
    }
}

static double
ms_since(double t0)
{
    return (tui_now() - t0) * 1000.0;
}

/* --bench: first screen, then redraws after channel changes and slider steps. */
static void
bench(struct tui *t, double t_start)
{
    frame(t, TUI_DIRTY_ALL);
    double first = ms_since(t_start);
    int n = 200;
    t->view = TUI_V_CHANNELS;
    frame(t, TUI_DIRTY_ALL);
    double worst_c = 0, t0 = tui_now();
    for (int i = 0; i < n; i++) {
        double t1 = tui_now();
        frame(t, tui_key(t, i % 50 < 25 ? 'j' : 'k'));
        double d = ms_since(t1);
        worst_c = d > worst_c ? d : worst_c;
    }
    double mean_c = ms_since(t0) / n;
    t->view = TUI_V_SLIDER;
    frame(t, TUI_DIRTY_ALL);
    double worst_s = 0;
    t0 = tui_now();
    for (int i = 0; i < n; i++) {
        double t1 = tui_now();
        frame(t, tui_key(t, i % 20 < 10 ? KEY_RIGHT : KEY_LEFT));
        double d = ms_since(t1);
        worst_s = d > worst_s ? d : worst_s;
    }
    double mean_s = ms_since(t0) / n;
    endwin();
    printf("tui_first_screen: %.1f ms\n", first);
    printf("tui_redraw_channel_change: %.2f ms (worst %.2f)\n", mean_c, worst_c);
    printf("tui_redraw_slider_step: %.2f ms (worst %.2f)\n", mean_s, worst_s);
}

/* Run the explorer on a loaded model. The terminal is restored on every path out; errors are
 * printed after endwin(). Returns the exit code. */
int
tui_run(hf_cli *cli, const tui_opts *o)
{
    static struct tui session; /* the one session (redis `server`), reached only through t */
    struct tui *t = &session;
    memset(t, 0, sizeof(*t));
    if (tui_state_init(t, cli) < 0) {
        tui_state_release(t);
        fprintf(stderr, "hfscope: error: out of memory\n");
        return 1;
    }
    const char *tm = getenv("HFSCOPE_TEST");
    t->test_mode = tm != NULL && tm[0] != '\0' && strcmp(tm, "0") != 0;
    /* Unicode only when the locale's codeset is UTF-8 (htop CRT.c) */
    t->ascii = cli->ascii || strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    t->no_fit = o->no_fit || o->bench;
    t->mouse = o->mouse;
    t->view = TUI_V_CHANNELS;
    t->points = o->points;
    if (!o->bench)
        tui_config_load(t, o->mouse_set);

    FILE *devnull = NULL;
    SCREEN *scr = NULL;
    stop_signal = 0;
    if (!o->bench)
        catch_stop_signals();
    if (o->bench) {
        devnull = fopen("/dev/null", "w+");
        if (devnull == NULL) {
            tui_state_release(t);
            fprintf(stderr, "hfscope: error: --bench: cannot open /dev/null\n");
            return 1;
        }
        setenv("LINES", "40", 1);
        setenv("COLUMNS", "120", 1);
        use_env(TRUE);
        scr = newterm("xterm-256color", devnull, devnull);
        if (scr == NULL) {
            (void)fclose(devnull);
            tui_state_release(t);
            fprintf(stderr,
                    "hfscope: error: --bench: no terminal description for xterm-256color\n");
            return 1;
        }
    } else if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
        /* initscr() would exit() here; newterm lets the caller print the overview instead */
        release_stop_signals();
        tui_state_release(t);
        return TUI_NO_TERMINAL;
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    if (t->mouse)
        mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                      | BUTTON5_PRESSED
#endif
                  ,
                  NULL);
    tui_colors_init(t);
    tui_layout(t, COLS, LINES);
    if ((t->worker = tui_worker_start()) == NULL)
        tui_log(t, "no worker thread: fits are unavailable");
    if (!t->no_fit)
        tui_start_fit(t, false);
    if (tui_dens_start(&t->dens) < 0)
        tui_log(t, "no density-lab thread");
    tui_points_attach(t, false, true);

    if (o->bench) {
        bench(t, o->t_start);
    } else {
        t->dirty = TUI_DIRTY_ALL;
        loop(t, cli, o);
        endwin();
        tui_config_save(t);
    }
    if (scr != NULL)
        delscreen(scr);
    if (devnull != NULL)
        (void)fclose(devnull);
    tui_worker_stop(t->worker);
    tui_dens_stop(&t->dens);
    tui_colors_release(t);
    tui_state_release(t);
    if (!o->bench)
        release_stop_signals();
    return stop_signal != 0 ? 128 + stop_signal : 0;
}
