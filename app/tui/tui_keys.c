/* app/tui/tui_keys.c - the one key table (htop Action_setBindings, ncdu keys[]): every binding with
 * the views it works in and its help text. The help overlay and the status-bar hints are generated
 * from it, so they cannot drift from what the keys do. Keys change state only; tui_draw paints. */
#include "app/tui/tui.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum action {
    ACT_NONE = 0,
    ACT_DOWN,
    ACT_UP,
    ACT_LEFT,
    ACT_RIGHT,
    ACT_BIGLEFT,
    ACT_BIGRIGHT,
    ACT_TOP,
    ACT_BOTTOM,
    ACT_HALFDOWN,
    ACT_HALFUP,
    ACT_PAGEDOWN,
    ACT_PAGEUP,
    ACT_ENTER,
    ACT_ESC,
    ACT_TAB,
    ACT_BTAB,
    ACT_VIEW,
    ACT_SEARCH,
    ACT_NEXT,
    ACT_PREV,
    ACT_SORTL,
    ACT_SORTR,
    ACT_SORTINV,
    ACT_PREPOST,
    ACT_DENSBOOT,
    ACT_DENSCOST,
    ACT_LOGY,
    ACT_NUDGEUP,
    ACT_NUDGEDOWN,
    ACT_RESETPAR,
    ACT_RESETALL,
    ACT_FIT,
    ACT_CANCEL,
    ACT_HOLD,
    ACT_THRDOWN,
    ACT_THRUP,
    ACT_EXPORT,
    ACT_ASCII,
    ACT_RELOAD,
    ACT_REDRAW,
    ACT_HELP,
    ACT_QUIT,
    ACT_QUITNOW,
    ACT_DECOR
} action;

#define CTRL(c) ((c)&0x1f)
#define V(x)    TUI_VMASK(TUI_V_##x)
#define LISTS   (V(CHANNELS) | V(PARAMS) | V(CORR) | V(SLIDER) | V(DENSITY) | V(LOG) | V(SYST))
#define FILTERS (V(CHANNELS) | V(PARAMS) | V(CORR) | V(SLIDER) | V(SYST))
#define PLOTS   (V(CHANNELS) | V(SLIDER))

typedef struct binding {
    int keys[4];        /* 0-terminated */
    const char *label;  /* UTF-8 key names for the help overlay */
    const char *alabel; /* ASCII names (NULL: same as label) */
    unsigned views;     /* TUI_VMASK bits */
    action act;
    int arg;
    const char *help;
    const char *hint; /* short status-bar hint, NULL: help overlay only */
} binding;

/* One binding per entry reads better as a table than as clang-format would wrap it. */
/* clang-format off */
static const binding keytab[] = {
    {{'j', KEY_DOWN}, "j/k ↓/↑", "j/k Down/Up", LISTS, ACT_DOWN, 0, "move the selection", "move"},
    {{'k', KEY_UP}, NULL, NULL, LISTS, ACT_UP, 0, NULL, NULL},
    {{KEY_RIGHT}, "← →", "Left Right", V(SLIDER) | V(PARAMS), ACT_RIGHT, 0,
     "move the selected parameter by 0.1 sigma (slider)", "slide"},
    {{KEY_LEFT}, NULL, NULL, V(SLIDER) | V(PARAMS), ACT_LEFT, 0, NULL, NULL},
    {{KEY_SRIGHT}, "Shift-← →", "Shift-Left Right", V(SLIDER) | V(PARAMS), ACT_BIGRIGHT, 0,
     "move the selected parameter by 1 sigma", NULL},
    {{KEY_SLEFT}, NULL, NULL, V(SLIDER) | V(PARAMS), ACT_BIGLEFT, 0, NULL, NULL},
    {{KEY_RIGHT}, "← →", "Left Right", V(CORR), ACT_RIGHT, 0, "move the heat-map column", NULL},
    {{KEY_LEFT}, NULL, NULL, V(CORR), ACT_LEFT, 0, NULL, NULL},
    {{KEY_LEFT}, NULL, NULL, V(SYST), ACT_LEFT, 0, NULL, NULL}, /* back: see Enter → below */
    {{KEY_RIGHT}, "← →", "Left Right", V(DENSITY), ACT_RIGHT, 0,
     "change the selected density-lab setting (restarts the experiment)", "change"},
    {{KEY_LEFT}, NULL, NULL, V(DENSITY), ACT_LEFT, 0, NULL, NULL},
    {{'+'}, "+ -", NULL, V(SLIDER) | V(PARAMS), ACT_NUDGEUP, 0,
     "nudge the selected parameter by 0.1 sigma", NULL},
    {{'-'}, NULL, NULL, V(SLIDER) | V(PARAMS), ACT_NUDGEDOWN, 0, NULL, NULL},
    {{'='}, "=", NULL, V(SLIDER) | V(PARAMS), ACT_RESETPAR, 0,
     "selected parameter back to the best fit (or nominal)", NULL},
    {{'r'}, "r", NULL, V(SLIDER) | V(PARAMS), ACT_RESETALL, 0, "reset every slider", "reset"},
    {{'h'}, "h", NULL, V(SLIDER), ACT_HOLD, 0,
     "refit holds moved parameters fixed / releases them", "hold"},
    {{'g', KEY_HOME}, "g/G Home/End", NULL, LISTS, ACT_TOP, 0, "first / last row", NULL},
    {{'G', KEY_END}, NULL, NULL, LISTS, ACT_BOTTOM, 0, NULL, NULL},
    {{CTRL('d')}, "Ctrl-d/u", NULL, LISTS, ACT_HALFDOWN, 0, "half page down / up", NULL},
    {{CTRL('u')}, NULL, NULL, LISTS, ACT_HALFUP, 0, NULL, NULL},
    {{KEY_NPAGE, ' '}, "PgDn/PgUp Space", NULL, LISTS, ACT_PAGEDOWN, 0, "page down / up", NULL},
    {{KEY_PPAGE}, NULL, NULL, LISTS, ACT_PAGEUP, 0, NULL, NULL},
    {{'\n', '\r', KEY_ENTER}, "Enter", NULL, V(CHANNELS) | V(PARAMS) | V(CORR) | V(SLIDER),
     ACT_ENTER, 0, "details of the selection (samples, affected channels)", "open"},
    {{'\n', '\r', KEY_ENTER, KEY_RIGHT}, "Enter → ←", "Enter Right Left", V(SYST), ACT_ENTER, 0,
     "open a systematic (templates, interpolation, sources, decorrelation) / back", "open"},
    {{'\n', '\r', KEY_ENTER}, "Enter", NULL, V(DENSITY), ACT_ENTER, 0,
     "start the density experiment again (a new seed)", "restart"},
    {{27}, "Esc", NULL, TUI_VANY, ACT_ESC, 0,
     "close overlay or prompt; cancel a running fit; clear the filter", NULL},
    {{'\t'}, "Tab/Shift-Tab", NULL, TUI_VANY, ACT_TAB, 0,
     "next / previous view (Slider: pane; an open systematic: its panes)", "view"},
    {{KEY_BTAB}, NULL, NULL, TUI_VANY, ACT_BTAB, 0, NULL, NULL},
    {{'1'}, "1 … 8", "1 ... 8", TUI_VANY, ACT_VIEW, TUI_V_OVERVIEW,
     "Overview, Channels, Parameters, Correlations, Slider, Density lab, Log, Systematics",
     NULL},
    {{'2'}, NULL, NULL, TUI_VANY, ACT_VIEW, TUI_V_CHANNELS, NULL, NULL},
    {{'3'}, NULL, NULL, TUI_VANY, ACT_VIEW, TUI_V_PARAMS, NULL, NULL},
    {{'4'}, NULL, NULL, TUI_VANY, ACT_VIEW, TUI_V_CORR, NULL, NULL},
    {{'5'}, NULL, NULL, TUI_VANY, ACT_VIEW, TUI_V_SLIDER, NULL, NULL},
    {{'6'}, NULL, NULL, TUI_VANY, ACT_VIEW, TUI_V_DENSITY, NULL, NULL},
    {{'7'}, NULL, NULL, TUI_VANY, ACT_VIEW, TUI_V_LOG, NULL, NULL},
    {{'8'}, NULL, NULL, TUI_VANY, ACT_VIEW, TUI_V_SYST, NULL, NULL},
    {{'/'}, "/", NULL, FILTERS, ACT_SEARCH, 0,
     "filter the list by name (Enter keeps, Esc clears)", "filter"},
    {{'n'}, "n/N", NULL, FILTERS, ACT_NEXT, 0,
     "next / previous match", NULL},
    {{'N'}, NULL, NULL, FILTERS, ACT_PREV, 0, NULL, NULL},
    {{'<'}, "< > I", NULL, V(CHANNELS) | V(PARAMS) | V(SYST), ACT_SORTL, 0,
     "sort by the column left / right, invert the order", "sort"},
    {{'>'}, NULL, NULL, V(CHANNELS) | V(PARAMS) | V(SYST), ACT_SORTR, 0, NULL, NULL},
    {{'I'}, NULL, NULL, V(CHANNELS) | V(PARAMS) | V(SYST), ACT_SORTINV, 0, NULL, NULL},
    {{'p'}, "p", NULL, V(CHANNELS), ACT_PREPOST, 0, "toggle pre-fit / post-fit",
     "pre/post"},
    {{'l'}, "l", NULL, PLOTS, ACT_LOGY, 0, "toggle log y axis", "log-y"},
    {{'b'}, "b c", NULL, V(DENSITY), ACT_DENSBOOT, 0,
     "density lab: bootstrap bands on/off / cost view (MSE against compute)", "bootstrap"},
    {{'c'}, NULL, NULL, V(DENSITY), ACT_DENSCOST, 0, NULL, "cost"},
    {{'t'}, "t/T", NULL, V(PARAMS) | V(CORR) | V(SYST), ACT_THRDOWN, 0,
     "lower / raise the threshold (over-constrained; correlation pruning)", "threshold"},
    {{'T'}, NULL, NULL, V(PARAMS) | V(CORR) | V(SYST), ACT_THRUP, 0, NULL, NULL},
    {{'d'}, "d", NULL, V(SYST), ACT_DECOR, 0,
     "split the parameter per channel and refit; pulls beside the original", "decorrelate"},
    {{'f'}, "f", NULL, TUI_VANY & ~V(DENSITY), ACT_FIT, 0,
     "fit in the background (Slider: from the slider's values)", "fit"},
    {{'x'}, "x", NULL, TUI_VANY, ACT_CANCEL, 0,
     "cancel the running fit (Density lab: the experiment)", NULL},
    {{'e'}, "e", NULL, PLOTS | V(PARAMS) | V(CORR) | V(DENSITY) | V(SYST), ACT_EXPORT, 0,
     "export the current plot (.png .pdf .svg) through Cairo", "export"},
    {{'a'}, "a", NULL, TUI_VANY, ACT_ASCII, 0, "switch Unicode / ASCII glyphs", NULL},
    {{'R'}, "R", NULL, TUI_VANY, ACT_RELOAD, 0, "reload the workspace from disk (and refit)", NULL},
    {{CTRL('l')}, "Ctrl-L", NULL, TUI_VANY, ACT_REDRAW, 0, "repaint the screen", NULL},
    {{'?', KEY_F(1)}, "? F1", NULL, TUI_VANY, ACT_HELP, 0, "this help", "help"},
    {{'q', KEY_F(10)}, "q F10", NULL, TUI_VANY, ACT_QUIT, 0,
     "close the overlay or the open systematic, or quit", "quit"},
    {{'Q', CTRL('c')}, "Q Ctrl-C", NULL, TUI_VANY, ACT_QUITNOW, 0, "quit at once", NULL},
};
/* clang-format on */

#define NKEYS (sizeof(keytab) / sizeof(keytab[0]))

static const binding *
lookup(const struct tui *t, int ch)
{
    for (size_t i = 0; i < NKEYS; i++) {
        if (!(keytab[i].views & TUI_VMASK(t->view)))
            continue;
        for (size_t k = 0; k < 4 && keytab[i].keys[k] != 0; k++)
            if (keytab[i].keys[k] == ch)
                return &keytab[i];
    }
    return NULL;
}

/* The help overlay's lines, generated from the table (static storage, rebuilt each call; the
 * table is constant, so the lines are too). Returns the count. */
size_t
tui_help_lines(const struct tui *t, const char ***out)
{
    static char buf[NKEYS][160];
    static const char *lines[NKEYS + 2];
    size_t n = 0;
    lines[n++] = "Key bindings (from the key table; also in docs/tui.md)";
    lines[n++] = "";
    for (size_t i = 0; i < NKEYS; i++) {
        const binding *b = &keytab[i];
        if (b->help == NULL)
            continue;
        const char *lab = t->ascii && b->alabel != NULL ? b->alabel : b->label;
        /* pad by code points, not bytes, so UTF-8 arrows line up */
        size_t cps = 0;
        for (const char *s = lab; *s; s++)
            cps += ((unsigned char)*s & 0xc0) != 0x80;
        int pad = cps < 18 ? (int)(18 - cps) : 1;
        snprintf(buf[i], sizeof(buf[i]), "  %s%*s%s", lab, pad, "", b->help);
        lines[n++] = buf[i];
    }
    *out = lines;
    return n;
}

/* Status-bar hints for the current view: the table's short hints, in table order. */
void
tui_hints(const struct tui *t, char *buf, size_t n, int maxcols)
{
    size_t len = 0;
    int cols = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NKEYS; i++) {
        const binding *b = &keytab[i];
        if (b->hint == NULL || !(b->views & TUI_VMASK(t->view)))
            continue;
        const char *lab = t->ascii && b->alabel != NULL ? b->alabel : b->label;
        char key[2] = {(char)b->keys[0], '\0'}; /* a key listed under its neighbour's label */
        if (lab == NULL && b->keys[0] > ' ' && b->keys[0] < 127)
            lab = key;
        if (lab == NULL)
            continue;
        /* first key name only, up to the first space ("j/k ↓/↑" -> "j/k") */
        size_t kl = strcspn(lab, " ");
        if (b->act == ACT_RIGHT && t->view != TUI_V_CORR)
            kl = strlen(lab);
        int w = snprintf(buf + len, n - len, "%s%.*s %s", len ? "  " : " ", (int)kl, lab, b->hint);
        int wc = 0; /* columns: count code points, not bytes */
        for (int k = 0; w > 0 && k < w; k++)
            wc += ((unsigned char)buf[len + (size_t)k] & 0xc0) != 0x80;
        if (w < 0 || (size_t)w >= n - len || cols + wc > maxcols) {
            buf[len] = '\0';
            return;
        }
        len += (size_t)w;
        cols += wc;
    }
}

static int
list_rows(const struct tui *t)
{
    int r = t->lines - 4; /* top, bottom, list header, frame */
    return r > 1 ? r : 1;
}

/* Move the parameter p of the slider by delta (clamped to its bounds), recompute live yields. */
static unsigned
slide(struct tui *t, size_t p, double delta)
{
    const hf_param *pp = &t->m->par[p];
    double v = t->live[p] + delta;
    if (v < pp->lo)
        v = pp->lo;
    if (v > pp->hi)
        v = pp->hi;
    t->live[p] = v;
    t->moved[p] = v != tui_best(t)[p];
    t->live_is_cfit = false; /* the sliders no longer show the conditional fit */
    tui_update_live(t);
    return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
}

static void
sort_step(struct tui *t, tui_list *l, int d)
{
    int ncol = 5; /* both lists have five sortable columns */
    l->sort_col = (l->sort_col + d + ncol) % ncol;
    tui_list_rebuild(t, l);
    static const char *const ccol[] = {"name", "bins", "data", "model", "chi2/ndof"};
    static const char *const pcol[] = {"pyhf order", "value", "error", "|pull|", "constraint"};
    tui_message(t, false, "sorted by %s%s", (l == &t->chl ? ccol : pcol)[l->sort_col],
                l->sort_inv ? " (inverted)" : "");
}

/* Systematics: open the selected parameter's detail on pane `pane` (-1: keep the last one). */
static unsigned
syst_open(struct tui *t, int pane)
{
    if (t->systl.nvis == 0)
        return 0;
    size_t p = t->systl.idx[t->systl.sel];
    if (!t->syst.detail || t->syst.par != p) {
        t->syst.esel = 0;
        t->syst.etop = 0;
        t->syst.ttop = 0;
    }
    t->syst.par = p;
    t->syst.detail = true;
    if (pane >= 0)
        t->syst.pane = pane;
    return TUI_DIRTY_ALL;
}

/* Systematics detail: move the channel/sample selection by delta, clamped. */
static unsigned
syst_move(struct tui *t, long delta)
{
    if (t->syst.pane == TUI_SP_SOURCES || t->syst.pane == TUI_SP_DECOR) { /* scroll the text */
        long v = (long)t->syst.ttop + delta;
        t->syst.ttop = v < 0 ? 0 : (size_t)v; /* the draw clamps the end */
        return TUI_DIRTY_MAIN;
    }
    long n = (long)tui_syst_nentries(t), v = (long)t->syst.esel + delta;
    t->syst.esel = n == 0 || v < 0 ? 0 : v >= n ? (size_t)(n - 1) : (size_t)v;
    return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
}

static bool
syst_detail(const struct tui *t)
{
    return t->view == TUI_V_SYST && t->syst.detail;
}

/* Keys typed into the status-line prompt (search filter or export path). */
static unsigned
prompt_key(struct tui *t, int ch)
{
    tui_list *l = tui_focused_list(t);
    if (ch == 27 || ch == CTRL('c') || ch == CTRL('g')) {
        if (t->prompt_kind == 1 && l != NULL) {
            free(l->filter);
            l->filter = NULL;
            tui_list_rebuild(t, l);
        }
        t->prompt_kind = 0;
        return TUI_DIRTY_ALL;
    }
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
        int kind = t->prompt_kind;
        t->prompt_kind = 0;
        if (kind == 2) {
            if (t->prompt_len > 0)
                tui_export(t, t->prompt);
        } else if (kind == 1 && l != NULL && l->nvis == 0) {
            tui_message(t, true, "no match for '%s'", t->prompt);
        }
        return TUI_DIRTY_ALL;
    }
    if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        if (t->prompt_len > 0) {
            /* drop a whole UTF-8 sequence */
            do
                t->prompt_len--;
            while (t->prompt_len > 0 && ((unsigned char)t->prompt[t->prompt_len] & 0xc0) == 0x80);
            t->prompt[t->prompt_len] = '\0';
        }
    } else if (ch == CTRL('u')) {
        t->prompt_len = 0;
        t->prompt[0] = '\0';
    } else if (ch >= 32 && ch < 256 && ch != 127 && t->prompt_len + 1 < sizeof(t->prompt)) {
        t->prompt[t->prompt_len++] = (char)ch;
        t->prompt[t->prompt_len] = '\0';
    } else {
        return 0;
    }
    if (t->prompt_kind == 1 && l != NULL) {
        free(l->filter);
        l->filter = strdup(t->prompt);
        tui_list_rebuild(t, l);
    }
    return TUI_DIRTY_ALL;
}

/* Handle one key: change state only. Returns the panes to redraw. */
unsigned
tui_key(struct tui *t, int ch)
{
    if (t->msg_error) { /* errors stay until a key is pressed */
        t->msg_error = false;
        t->msg[0] = '\0';
    }
    if (t->prompt_kind != 0)
        return prompt_key(t, ch) | TUI_DIRTY_STATUS;

    if (t->overlay != TUI_OV_NONE) {
        /* overlays take scrolling keys, close on Esc/q/Enter; Q still quits */
        if (ch == 'Q' || ch == CTRL('c')) {
            t->quit = true;
            return 0;
        }
        if ((ch == 'j' || ch == KEY_DOWN || ch == ' ' || ch == KEY_NPAGE)) {
            t->help_top += ch == 'j' || ch == KEY_DOWN ? 1 : 10;
            return TUI_DIRTY_ALL;
        }
        if ((ch == 'k' || ch == KEY_UP || ch == KEY_PPAGE)) {
            size_t d = ch == KEY_PPAGE ? 10 : 1;
            t->help_top = t->help_top > d ? t->help_top - d : 0;
            return TUI_DIRTY_ALL;
        }
        if (ch == KEY_RESIZE)
            return TUI_DIRTY_ALL;
        t->overlay = TUI_OV_NONE;
        return TUI_DIRTY_ALL;
    }

    if (t->too_small && ch != 'q' && ch != 'Q' && ch != CTRL('c') && ch != KEY_F(10))
        return 0;

    if (t->view == TUI_V_SYST)
        tui_syst_prepare(t); /* the list must exist before keys move in it */
    const binding *b = lookup(t, ch);
    if (b == NULL) {
        if (ch >= 32 && ch < 127) {
            tui_message(t, false, "key '%c' does nothing here (? for help)", ch);
            return TUI_DIRTY_STATUS;
        }
        return 0;
    }
    tui_list *l = tui_focused_list(t);
    int page = list_rows(t);
    size_t p = tui_current_param(t);
    double unit = p < t->m->npar ? tui_param_step(t, p) : 1.0;

    switch (b->act) {
    case ACT_NONE:
        return 0;
    case ACT_DOWN:
    case ACT_UP:
    case ACT_NEXT:
    case ACT_PREV:
        if (syst_detail(t))
            return syst_move(t, b->act == ACT_DOWN || b->act == ACT_NEXT ? 1 : -1);
        if (t->view == TUI_V_DENSITY) {
            int d = b->act == ACT_DOWN || b->act == ACT_NEXT ? 1 : -1;
            t->dens.sel = (t->dens.sel + d + TUI_DENS_NSET) % TUI_DENS_NSET;
            return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
        }
        if (t->view == TUI_V_LOG) {
            if (b->act == ACT_DOWN && t->log_top + 1 < t->nlog)
                t->log_top++;
            if (b->act == ACT_UP && t->log_top > 0)
                t->log_top--;
            return TUI_DIRTY_MAIN;
        }
        if (l != NULL)
            tui_list_move(l, b->act == ACT_DOWN || b->act == ACT_NEXT ? 1 : -1);
        return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN | TUI_DIRTY_STATUS;
    case ACT_TOP:
    case ACT_BOTTOM:
        if (syst_detail(t))
            return syst_move(t, b->act == ACT_TOP ? -(long)tui_syst_nentries(t)
                                                  : (long)tui_syst_nentries(t));
        if (t->view == TUI_V_LOG) {
            t->log_top = b->act == ACT_TOP || t->nlog == 0 ? 0 : t->nlog - 1;
            return TUI_DIRTY_MAIN;
        }
        if (l != NULL)
            tui_list_move(l, b->act == ACT_TOP ? -(long)l->nvis : (long)l->nvis);
        return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
    case ACT_HALFDOWN:
    case ACT_HALFUP:
    case ACT_PAGEDOWN:
    case ACT_PAGEUP: {
        long d = b->act == ACT_HALFDOWN || b->act == ACT_HALFUP ? page / 2 : page;
        if (b->act == ACT_HALFUP || b->act == ACT_PAGEUP)
            d = -d;
        if (syst_detail(t))
            return syst_move(t, d);
        if (t->view == TUI_V_LOG) {
            long v = (long)t->log_top + d;
            t->log_top = v < 0 ? 0 : (size_t)v >= t->nlog ? (t->nlog ? t->nlog - 1 : 0) : (size_t)v;
            return TUI_DIRTY_MAIN;
        }
        if (l != NULL)
            tui_list_move(l, d);
        return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
    }
    case ACT_LEFT:
    case ACT_RIGHT:
    case ACT_BIGLEFT:
    case ACT_BIGRIGHT:
    case ACT_NUDGEUP:
    case ACT_NUDGEDOWN:
        if (t->view == TUI_V_SYST) { /* ncdu: right opens, left goes back to the parent */
            if (b->act == ACT_RIGHT)
                return syst_open(t, -1);
            t->syst.detail = false;
            return TUI_DIRTY_ALL;
        }
        if (t->view == TUI_V_DENSITY) {
            if (tui_dens_adjust(t, t->dens.sel, b->act == ACT_RIGHT ? 1 : -1))
                tui_dens_submit(&t->dens);
            return TUI_DIRTY_ALL;
        }
        if (t->view == TUI_V_CORR) {
            if (b->act == ACT_RIGHT && t->corr_col + 1 < t->corrl.nvis)
                t->corr_col++;
            if (b->act == ACT_LEFT && t->corr_col > 0)
                t->corr_col--;
            return TUI_DIRTY_MAIN | TUI_DIRTY_STATUS;
        }
        if (t->m->npar == 0 || t->parl.nvis == 0)
            return 0;
        if (t->view == TUI_V_SLIDER && t->focus != 0)
            p = t->parl.idx[t->parl.sel];
        {
            double d = b->act == ACT_BIGLEFT || b->act == ACT_BIGRIGHT ? unit : 0.1 * unit;
            if (b->act == ACT_LEFT || b->act == ACT_BIGLEFT || b->act == ACT_NUDGEDOWN)
                d = -d;
            return slide(t, p, d);
        }
    case ACT_RESETPAR:
        if (t->m->npar == 0 || t->parl.nvis == 0)
            return 0;
        t->live[p] = tui_best(t)[p];
        t->moved[p] = false;
        t->live_is_cfit = false;
        tui_update_live(t);
        return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
    case ACT_RESETALL:
        /* back to the global best fit (never to a conditional fit's values) */
        memcpy(t->live, tui_best(t), t->m->npar * sizeof(double));
        memset(t->moved, 0, t->m->npar * sizeof(bool));
        tui_drop_cfit(t);
        tui_update_live(t);
        tui_message(t, false, "sliders reset to the %s",
                    t->have_fit ? "global best fit" : "nominal");
        return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
    case ACT_HOLD:
        t->hold_moved = !t->hold_moved;
        tui_message(t, false, "refit %s moved parameters",
                    t->hold_moved ? "holds (fixes)" : "releases");
        return TUI_DIRTY_ALL;
    case ACT_ENTER:
        if (t->view == TUI_V_SYST)
            return syst_detail(t) ? 0 : syst_open(t, -1);
        if (t->view == TUI_V_DENSITY) {
            tui_dens_submit(&t->dens);
            return TUI_DIRTY_ALL;
        }
        if (t->view == TUI_V_CHANNELS || (t->view == TUI_V_SLIDER && t->focus == 1)) {
            if (t->chl.nvis == 0)
                return 0;
            t->overlay = TUI_OV_DETAIL;
            t->detail_par = (size_t)-1; /* channel detail */
            t->help_top = 0;
        } else {
            if ((t->view == TUI_V_CORR ? t->corrl.nvis : t->parl.nvis) == 0)
                return 0;
            t->overlay = TUI_OV_DETAIL;
            t->detail_par = p;
            t->help_top = 0;
        }
        return TUI_DIRTY_ALL;
    case ACT_ESC:
        if (t->view == TUI_V_DENSITY) {
            tui_dens_cancel(&t->dens);
            return TUI_DIRTY_ALL;
        }
        if (t->syst.dstate == TUI_DECOR_RUNNING) {
            tui_worker_cancel(t->worker);
            tui_message(t, false, "cancelling the split fit");
            return TUI_DIRTY_ALL;
        }
        if (syst_detail(t)) {
            t->syst.detail = false;
            return TUI_DIRTY_ALL;
        }
        if (t->fit_state == TUI_FIT_RUNNING) {
            tui_worker_cancel(t->worker);
            tui_message(t, false, "cancelling the fit");
            return TUI_DIRTY_ALL;
        }
        if (l != NULL && l->filter != NULL) {
            free(l->filter);
            l->filter = NULL;
            tui_list_rebuild(t, l);
        }
        return TUI_DIRTY_ALL;
    case ACT_TAB:
    case ACT_BTAB:
        if (t->view == TUI_V_SLIDER) {
            t->focus = !t->focus;
            return TUI_DIRTY_ALL;
        }
        if (syst_detail(t)) {
            t->syst.pane =
                (t->syst.pane + (b->act == ACT_TAB ? 1 : TUI_SP_COUNT - 1)) % TUI_SP_COUNT;
            return TUI_DIRTY_ALL;
        }
        t->view =
            (tui_view)(((int)t->view + (b->act == ACT_TAB ? 1 : TUI_NVIEWS - 1)) % TUI_NVIEWS);
        if (t->view == TUI_V_DENSITY && !t->dens.submitted)
            tui_dens_submit(&t->dens);
        if (t->view == TUI_V_SYST)
            tui_syst_prepare(t);
        return TUI_DIRTY_ALL;
    case ACT_VIEW:
        t->view = (tui_view)b->arg;
        if (t->view == TUI_V_DENSITY && !t->dens.submitted)
            tui_dens_submit(&t->dens); /* the lab starts when first opened */
        if (t->view == TUI_V_SYST)
            tui_syst_prepare(t);
        return TUI_DIRTY_ALL;
    case ACT_SEARCH:
        if (l == NULL)
            return 0;
        t->prompt_kind = 1;
        snprintf(t->prompt, sizeof(t->prompt), "%s", l->filter ? l->filter : "");
        t->prompt_len = strlen(t->prompt);
        return TUI_DIRTY_STATUS;
    case ACT_SORTL:
    case ACT_SORTR:
        if (l != NULL)
            sort_step(t, l, b->act == ACT_SORTR ? 1 : -1);
        return TUI_DIRTY_ALL;
    case ACT_SORTINV:
        if (l != NULL) {
            l->sort_inv = !l->sort_inv;
            sort_step(t, l, 0);
        }
        return TUI_DIRTY_ALL;
    case ACT_DENSBOOT:
    case ACT_DENSCOST:
        if (b->act == ACT_DENSBOOT ? tui_dens_toggle_boot(t) : tui_dens_cost_view(t))
            tui_dens_submit(&t->dens);
        return TUI_DIRTY_ALL;
    case ACT_PREPOST:
        t->postfit = !t->postfit;
        if (t->postfit && !t->have_fit && t->fit_state != TUI_FIT_RUNNING)
            tui_start_fit(t, false);
        tui_list_rebuild(t, &t->chl);
        return TUI_DIRTY_ALL;
    case ACT_LOGY:
        t->logy = !t->logy;
        return TUI_DIRTY_MAIN;
    case ACT_THRDOWN:
    case ACT_THRUP: {
        double d = b->act == ACT_THRUP ? 0.05 : -0.05;
        if (t->view == TUI_V_CORR) {
            t->corr_threshold = fmin(0.95, fmax(0.0, t->corr_threshold + d));
            tui_list_rebuild(t, &t->corrl);
            t->corr_col = 0;
            tui_message(t, false, "correlation threshold %.2f: %zu parameters shown",
                        t->corr_threshold, t->corrl.nvis);
        } else {
            t->oc_threshold = fmin(1.0, fmax(0.05, t->oc_threshold + d));
            tui_message(t, false, "over-constrained below %.2f of the pre-fit sigma",
                        t->oc_threshold);
        }
        return TUI_DIRTY_ALL;
    }
    case ACT_FIT:
        tui_start_fit(t, t->view == TUI_V_SLIDER || t->view == TUI_V_PARAMS);
        return TUI_DIRTY_ALL;
    case ACT_CANCEL:
        if (t->view == TUI_V_DENSITY) {
            tui_dens_cancel(&t->dens);
            tui_message(t, false, "cancelling the density experiment");
            return TUI_DIRTY_ALL;
        }
        if (t->fit_state == TUI_FIT_RUNNING || t->syst.dstate == TUI_DECOR_RUNNING) {
            tui_worker_cancel(t->worker);
            tui_message(t, false, "cancelling the fit");
        } else {
            tui_message(t, false, "no fit is running");
        }
        return TUI_DIRTY_ALL;
    case ACT_DECOR:
        if (!syst_detail(t) && syst_open(t, TUI_SP_DECOR) == 0)
            return 0;
        t->syst.pane = TUI_SP_DECOR;
        tui_syst_decorrelate(t);
        return TUI_DIRTY_ALL;
    case ACT_EXPORT:
        t->prompt_kind = 2;
        tui_default_export_name(t, t->prompt, sizeof(t->prompt));
        t->prompt_len = strlen(t->prompt);
        return TUI_DIRTY_STATUS;
    case ACT_ASCII:
        t->ascii = !t->ascii;
        return TUI_DIRTY_ALL;
    case ACT_RELOAD:
        t->reload = true;
        return TUI_DIRTY_ALL;
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        return TUI_DIRTY_ALL;
    case ACT_HELP:
        t->overlay = TUI_OV_HELP;
        t->help_top = 0;
        return TUI_DIRTY_ALL;
    case ACT_QUIT: /* from the top level q quits too; overlays were handled above */
        if (syst_detail(t)) {
            t->syst.detail = false; /* tig: q closes the view */
            return TUI_DIRTY_ALL;
        }
        t->quit = true;
        return 0;
    case ACT_QUITNOW:
        t->quit = true;
        return 0;
    }
    return 0;
}
