/* app/tui/keys.c - the one key table (htop Action_setBindings, ncdu keys[]): every binding with
 * the views it works in and its help text. The help overlay and the status-bar hints are generated
 * from it, so they cannot drift from what the keys do. Also the keys no view takes: the prompt,
 * the overlays, and the global actions (lists, view changes, fit, export, quit). Keys change
 * state only; the loop paints. */
#include "app/tui/keys.h"
#include "app/tui/density.h"
#include "app/tui/export.h"
#include "app/tui/links.h"
#include "app/tui/plot.h"
#include "app/tui/session.h"
#include "app/tui/state.h"
#include "app/tui/syst.h"
#include "app/tui/worker.h"

#include <curses.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CTRL(c) ((c)&0x1f)
#define V(x)    TUI_VMASK(TUI_V_##x)
#define LISTS                                                                                      \
    (V(OVERVIEW) | V(REGIONS) | V(CHANNELS) | V(PARAMS) | V(CORR) | V(SLIDER) | V(DENSITY) |       \
     V(LOG) | V(SYST) | V(POINTS))
#define FILTERS (V(CHANNELS) | V(PARAMS) | V(CORR) | V(SLIDER) | V(SYST))
#define PLOTS   (V(CHANNELS) | V(SLIDER))

typedef struct tui_binding {
    int keys[4];        /* 0-terminated */
    const char *label;  /* UTF-8 key names for the help overlay */
    const char *alabel; /* ASCII names (NULL: same as label) */
    unsigned views;     /* TUI_VMASK bits */
    tui_action act;
    int arg;
    const char *help;
    const char *hint; /* short status-bar hint, NULL: help overlay only */
} tui_binding;

/* One binding per entry reads better as a table than as clang-format would wrap it. */
/* clang-format off */
static const tui_binding keytab[] = {
    {{'j', KEY_DOWN}, "j/k ↓/↑", "j/k Down/Up", LISTS, TUI_ACT_DOWN, 0, "move the selection", "move"},
    {{'k', KEY_UP}, NULL, NULL, LISTS, TUI_ACT_UP, 0, NULL, NULL},
    {{KEY_RIGHT}, "← →", "Left Right", V(SLIDER) | V(PARAMS), TUI_ACT_RIGHT, 0,
     "move the selected parameter by 0.1 sigma (slider)", "slide"},
    {{KEY_LEFT}, NULL, NULL, V(SLIDER) | V(PARAMS), TUI_ACT_LEFT, 0, NULL, NULL},
    {{KEY_SRIGHT}, "Shift-← →", "Shift-Left Right", V(SLIDER) | V(PARAMS), TUI_ACT_BIGRIGHT, 0,
     "move the selected parameter by 1 sigma", NULL},
    {{KEY_SLEFT}, NULL, NULL, V(SLIDER) | V(PARAMS), TUI_ACT_BIGLEFT, 0, NULL, NULL},
    {{KEY_RIGHT}, "← →", "Left Right", V(CORR) | V(REGIONS), TUI_ACT_RIGHT, 0,
     "move the heat-map column (Regions: to the next column)", NULL},
    {{KEY_LEFT}, NULL, NULL, V(CORR) | V(REGIONS), TUI_ACT_LEFT, 0, NULL, NULL},
    {{KEY_LEFT}, NULL, NULL, V(SYST), TUI_ACT_LEFT, 0, NULL, NULL}, /* back: see Enter → below */
    {{KEY_RIGHT}, "← →", "Left Right", V(DENSITY), TUI_ACT_RIGHT, 0,
     "change the selected density-lab setting (restarts the experiment)", "change"},
    {{KEY_LEFT}, NULL, NULL, V(DENSITY), TUI_ACT_LEFT, 0, NULL, NULL},
    {{'+'}, "+ -", NULL, V(SLIDER) | V(PARAMS), TUI_ACT_NUDGEUP, 0,
     "nudge the selected parameter by 0.1 sigma", NULL},
    {{'-'}, NULL, NULL, V(SLIDER) | V(PARAMS), TUI_ACT_NUDGEDOWN, 0, NULL, NULL},
    {{'='}, "=", NULL, V(SLIDER) | V(PARAMS), TUI_ACT_RESETPAR, 0,
     "selected parameter back to the best fit (or nominal)", NULL},
    {{'r'}, "r", NULL, V(SLIDER) | V(PARAMS), TUI_ACT_RESETALL, 0, "reset every slider", "reset"},
    {{'h'}, "h", NULL, V(SLIDER), TUI_ACT_HOLD, 0,
     "refit holds moved parameters fixed / releases them", "hold"},
    {{'g', KEY_HOME}, "g/G Home/End", NULL, LISTS, TUI_ACT_TOP, 0, "first / last row", NULL},
    {{'G', KEY_END}, NULL, NULL, LISTS, TUI_ACT_BOTTOM, 0, NULL, NULL},
    {{CTRL('d')}, "Ctrl-d/u", NULL, LISTS, TUI_ACT_HALFDOWN, 0, "half page down / up", NULL},
    {{CTRL('u')}, NULL, NULL, LISTS, TUI_ACT_HALFUP, 0, NULL, NULL},
    {{KEY_NPAGE, ' '}, "PgDn/PgUp Space", NULL, LISTS, TUI_ACT_PAGEDOWN, 0, "page down / up", NULL},
    {{KEY_PPAGE}, NULL, NULL, LISTS, TUI_ACT_PAGEUP, 0, NULL, NULL},
    {{'\n', '\r', KEY_ENTER}, "Enter", NULL, V(CHANNELS) | V(PARAMS) | V(CORR) | V(SLIDER),
     TUI_ACT_ENTER, 0, "details of the selection (samples, affected channels); in a links list: go there",
     "open"},
    {{'\n', '\r', KEY_ENTER}, "Enter", NULL, V(OVERVIEW) | V(REGIONS), TUI_ACT_ENTER, 0,
     "Overview, Regions: go to the selected channel or parameter", "go"},
    {{'c'}, "c", NULL, V(CHANNELS) | V(PARAMS) | V(SLIDER) | V(SYST), TUI_ACT_LINKS, 0,
     "links: channels constraining the parameter (prior, first order, curvature) / parameters moving the channel",
     "links"},
    {{KEY_BACKSPACE, 127, 8}, "Backspace", NULL, TUI_VANY, TUI_ACT_BACK, 0,
     "go back to the last place (like a browser)", NULL},
    {{':'}, ":", NULL, TUI_VANY, TUI_ACT_GOTO, 0,
     "go to a channel or parameter by name (Tab completes)", NULL},
    {{'m'}, "m", NULL, V(PARAMS), TUI_ACT_MINOS, 0,
     "MINOS interval of the selected parameter (on the worker thread; shown as error)", "minos"},
    {{'s'}, "s", NULL, V(REGIONS), TUI_ACT_SHAPE, 0,
     "Regions: the list / a grid of small stacks, pre-fit and post-fit side by side", "stacks"},
    {{'n'}, "n/p", NULL, V(REGIONS), TUI_ACT_SORTR, 0, "Regions: next / previous screen", NULL},
    {{'p'}, NULL, NULL, V(REGIONS), TUI_ACT_SORTL, 0, NULL, NULL},
    {{'s'}, "s", NULL, V(PARAMS), TUI_ACT_SHAPE, 0,
     "the NLL shape of the selected parameter beside the list (FastScan, on the worker thread)",
     "shape"},
    {{'F'}, "F", NULL, V(PARAMS), TUI_ACT_FLAGGED, 0,
     "only flagged parameters (OC PULL BOUND CURV 1SIDE HESSE) / all", "flagged"},
    {{'\n', '\r', KEY_ENTER, KEY_RIGHT}, "Enter → ←", "Enter Right Left", V(SYST), TUI_ACT_ENTER, 0,
     "open a systematic (templates, interpolation, sources, decorrelation) / back", "open"},
    {{'\n', '\r', KEY_ENTER}, "Enter", NULL, V(POINTS), TUI_ACT_ENTER, 0,
     "Points: apply the point's patch and open its stacks (Backspace: back to the points)",
     "stacks"},
    {{'l'}, "l", NULL, V(POINTS), TUI_ACT_PTLIMIT, 0,
     "Points: compute the upper limits on mu too (points on screen first) / stop", "limits"},
    {{'m'}, "m", NULL, V(POINTS), TUI_ACT_PTMAP, 0,
     "Points: the list / the mass plane of the first two labels with the CLs = 0.05 contours",
     "map"},
    {{'\n', '\r', KEY_ENTER}, "Enter", NULL, V(DENSITY), TUI_ACT_ENTER, 0,
     "start the density experiment again (a new seed)", "restart"},
    {{27}, "Esc", NULL, TUI_VANY, TUI_ACT_ESC, 0,
     "close overlay or prompt; cancel a running fit; clear the filter", NULL},
    {{'\t'}, "Tab/Shift-Tab", NULL, TUI_VANY, TUI_ACT_TAB, 0,
     "next / previous view (Slider: pane; an open systematic: its panes)", "view"},
    {{KEY_BTAB}, NULL, NULL, TUI_VANY, TUI_ACT_BTAB, 0, NULL, NULL},
    {{'1'}, "1 … 9", "1 ... 9", TUI_VANY, TUI_ACT_VIEW, TUI_V_OVERVIEW,
     "Overview, Channels, Parameters, Correlations, Slider, Density lab, Log, Systematics, Regions",
     NULL},
    {{'2'}, NULL, NULL, TUI_VANY, TUI_ACT_VIEW, TUI_V_CHANNELS, NULL, NULL},
    {{'3'}, NULL, NULL, TUI_VANY, TUI_ACT_VIEW, TUI_V_PARAMS, NULL, NULL},
    {{'4'}, NULL, NULL, TUI_VANY, TUI_ACT_VIEW, TUI_V_CORR, NULL, NULL},
    {{'5'}, NULL, NULL, TUI_VANY, TUI_ACT_VIEW, TUI_V_SLIDER, NULL, NULL},
    {{'6'}, NULL, NULL, TUI_VANY, TUI_ACT_VIEW, TUI_V_DENSITY, NULL, NULL},
    {{'7'}, NULL, NULL, TUI_VANY, TUI_ACT_VIEW, TUI_V_LOG, NULL, NULL},
    {{'8'}, NULL, NULL, TUI_VANY, TUI_ACT_VIEW, TUI_V_SYST, NULL, NULL},
    {{'9'}, NULL, NULL, TUI_VANY, TUI_ACT_VIEW, TUI_V_REGIONS, NULL, NULL},
    {{'0'}, "0", NULL, TUI_VANY, TUI_ACT_VIEW, TUI_V_POINTS,
     "Points: the signal points of --patchset (CLs, limits, the mass plane)", NULL},
    {{'/'}, "/", NULL, FILTERS, TUI_ACT_SEARCH, 0,
     "filter the list by name (Enter keeps, Esc clears)", "filter"},
    {{'n'}, "n/N", NULL, FILTERS, TUI_ACT_NEXT, 0,
     "next / previous match", NULL},
    {{'N'}, NULL, NULL, FILTERS, TUI_ACT_PREV, 0, NULL, NULL},
    {{'<'}, "< > I", NULL, V(CHANNELS) | V(PARAMS) | V(SYST), TUI_ACT_SORTL, 0,
     "sort by the column left / right, invert the order", "sort"},
    {{'>'}, NULL, NULL, V(CHANNELS) | V(PARAMS) | V(SYST), TUI_ACT_SORTR, 0, NULL, NULL},
    {{'I'}, NULL, NULL, V(CHANNELS) | V(PARAMS) | V(SYST), TUI_ACT_SORTINV, 0, NULL, NULL},
    {{'p'}, "p", NULL, V(CHANNELS), TUI_ACT_PREPOST, 0, "toggle pre-fit / post-fit",
     "pre/post"},
    {{'l'}, "l", NULL, PLOTS, TUI_ACT_LOGY, 0, "toggle log y axis", "log-y"},
    {{'b'}, "b c", NULL, V(DENSITY), TUI_ACT_DENSBOOT, 0,
     "density lab: bootstrap bands on/off / cost view (MSE against compute)", "bootstrap"},
    {{'c'}, NULL, NULL, V(DENSITY), TUI_ACT_DENSCOST, 0, NULL, "cost"},
    {{'v'}, "v", NULL, V(DENSITY), TUI_ACT_DENSLAYER, 0, "density lab: the example figure's layers in small panels / one at a time", NULL},
    {{'o'}, "o", NULL, V(DENSITY), TUI_ACT_DENSEVENTS, 0, "density lab: your own events, a file FILE[:COL] or a channel CH[/SAMPLE] (prompt)", NULL},
    {{'t'}, "t/T", NULL, V(PARAMS) | V(CORR) | V(SYST), TUI_ACT_THRDOWN, 0,
     "lower / raise the threshold (over-constrained; correlation pruning)", "threshold"},
    {{'T'}, NULL, NULL, V(PARAMS) | V(CORR) | V(SYST), TUI_ACT_THRUP, 0, NULL, NULL},
    {{'d'}, "d", NULL, V(SYST), TUI_ACT_DECOR, 0,
     "split the parameter per channel and refit; pulls beside the original", "decorrelate"},
    {{'f'}, "f", NULL, TUI_VANY & ~V(DENSITY), TUI_ACT_FIT, 0,
     "fit in the background (Slider: from the slider's values)", "fit"},
    {{'x'}, "x", NULL, TUI_VANY, TUI_ACT_CANCEL, 0,
     "cancel the running fit (Density lab: the experiment)", NULL},
    {{'e'}, "e", NULL, PLOTS | V(PARAMS) | V(CORR) | V(DENSITY) | V(SYST) | V(POINTS), TUI_ACT_EXPORT, 0,
     "export the current plot (.png .pdf .svg) through Cairo", "export"},
    {{'a'}, "a", NULL, TUI_VANY, TUI_ACT_ASCII, 0, "switch Unicode / ASCII glyphs", NULL},
    {{'R'}, "R", NULL, TUI_VANY, TUI_ACT_RELOAD, 0, "reload the workspace from disk (and refit)", NULL},
    {{CTRL('l')}, "Ctrl-L", NULL, TUI_VANY, TUI_ACT_REDRAW, 0, "repaint the screen", NULL},
    {{'?', KEY_F(1)}, "? F1", NULL, TUI_VANY, TUI_ACT_HELP, 0, "this help", "help"},
    {{'q', KEY_F(10)}, "q F10", NULL, TUI_VANY, TUI_ACT_QUIT, 0,
     "close the overlay or the open systematic, or quit", "quit"},
    {{'Q', CTRL('c')}, "Q Ctrl-C", NULL, TUI_VANY, TUI_ACT_QUITNOW, 0, "quit at once", NULL},
    {{CTRL('z')}, "Ctrl-Z", NULL, TUI_VANY, TUI_ACT_SUSPEND, 0,
     "suspend to the shell (fg resumes)", NULL},
};
/* clang-format on */

#define NKEYS (sizeof(keytab) / sizeof(keytab[0]))

/* The binding of key ch in the current view, NULL when it has none. */
static const tui_binding *
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

/* The help overlay's lines for the current view, generated from the table: the bindings that
 * work in it, each help text wrapped at word boundaries to the terminal's width (continuation
 * lines under the text). Static storage, rebuilt each call. Returns the count. */
size_t
tui_help_lines(const struct tui *t, const char ***out)
{
    enum { LAB = 18, PERKEY = 4 };
    static char buf[NKEYS * PERKEY][192];
    static const char *lines[NKEYS * PERKEY + 3];
    static char head[96];
    static const char *const vname[TUI_NVIEWS] = {
        "Overview",    "Channels", "Parameters",  "Correlations", "Slider",
        "Density lab", "Log",      "Systematics", "Regions",      "Points"};
    size_t n = 0, nb = 0;
    int room = t->cols - 8 - 2 - LAB; /* the overlay's frame and margins, the key column */
    room = room < 20 ? 20 : room > 150 ? 150 : room;
    snprintf(head, sizeof(head), "Keys in %s (all views: docs/tui.md)", vname[t->view]);
    lines[n++] = head;
    lines[n++] = "";
    for (size_t i = 0; i < NKEYS && nb + PERKEY <= NKEYS * PERKEY; i++) {
        const tui_binding *b = &keytab[i];
        if (b->help == NULL || !(b->views & TUI_VMASK(t->view)))
            continue;
        if (b->act == TUI_ACT_VIEW && b->arg == TUI_V_POINTS && t->points == NULL)
            continue; /* the Points view exists only with a patchset */
        const char *lab = t->ascii && b->alabel != NULL ? b->alabel : b->label;
        const char *h = b->help;
        for (int part = 0; part < PERKEY && *h != '\0'; part++) {
            size_t len = strlen(h), cut = len;
            if (hf_utf8_width(h) > (size_t)room) { /* the last blank within room code points */
                size_t cp = 0, k = 0, blank = 0;
                for (; h[k] != '\0' && cp < (size_t)room; k++) {
                    if (((unsigned char)h[k] & 0xc0) != 0x80)
                        cp++;
                    if (h[k] == ' ')
                        blank = k;
                }
                cut = part == PERKEY - 1 ? len : blank > 0 ? blank : k;
            }
            /* pad by code points, not bytes, so UTF-8 arrows line up */
            size_t cps = part == 0 ? hf_utf8_width(lab) : 0;
            int pad = cps < LAB ? (int)(LAB - cps) : 1;
            snprintf(buf[nb], sizeof(buf[nb]), "  %s%*s%.*s", part == 0 ? lab : "", pad, "",
                     (int)cut, h);
            lines[n++] = buf[nb++];
            h += cut;
            while (*h == ' ')
                h++;
        }
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
        const tui_binding *b = &keytab[i];
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
        if (b->act == TUI_ACT_RIGHT && t->view != TUI_V_CORR)
            kl = strlen(lab);
        int w = snprintf(buf + len, n - len, "%s%.*s %s", len ? "  " : " ", (int)kl, lab, b->hint);
        int wc = w > 0 ? (int)hf_utf8_width(buf + len) : 0; /* columns: code points, not bytes */
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
    int r = t->lines - 5; /* top and status lines, the list's frame and header */
    return r > 1 ? r : 1;
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

/* The go-to prompt's candidates: channels, then parameters, whose names match the prompt
 * (substring matches before subsequences). *best: the first (channel c, or nchan + p), else
 * (size_t)-1; returns how many match. With complete, the prompt grows to the longest common
 * prefix of the names that start with it. */
static size_t
goto_complete(struct tui *t, bool complete)
{
    const hf_model *m = t->m;
    size_t n = 0, best = (size_t)-1, len = 0;
    int best_score = 2;
    const char *lcp = NULL;
    size_t hl = 0;
    t->goto_hint[0] = '\0';
    for (size_t i = 0; i < m->nchan + m->npar; i++) {
        const char *name = i < m->nchan ? m->chan[i]->name : m->par[i - m->nchan].name;
        int score;
        if (!tui_fuzzy_match(name, t->prompt, &score))
            continue;
        if (strcmp(name, t->prompt) == 0)
            score = -1; /* an exact name wins */
        n++;
        if (score < best_score) {
            best_score = score;
            best = i;
        }
        if (strncmp(name, t->prompt, t->prompt_len) == 0) {
            if (lcp == NULL) {
                lcp = name;
                len = strlen(name);
            } else {
                size_t k = 0;
                while (k < len && lcp[k] == name[k])
                    k++;
                len = k;
            }
        }
        if (n <= 4 && hl < sizeof(t->goto_hint)) {
            int w = snprintf(t->goto_hint + hl, sizeof(t->goto_hint) - hl, "%s%s",
                             n > 1 ? ", " : "", name);
            hl = w > 0 ? hl + (size_t)w : hl;
        }
    }
    if (complete && lcp != NULL && len > t->prompt_len && len < sizeof(t->prompt)) {
        memcpy(t->prompt, lcp, len);
        t->prompt[len] = '\0';
        t->prompt_len = len;
    }
    if (n > 4 && hl < sizeof(t->goto_hint))
        snprintf(t->goto_hint + hl, sizeof(t->goto_hint) - hl, ", ... (%zu)", n);
    return best == (size_t)-1 ? 0 : (best + 1);
}

/* Enter in the go-to prompt: the exact name, else the best match. */
static unsigned
goto_enter(struct tui *t)
{
    size_t b = goto_complete(t, false);
    if (b == 0) {
        tui_message(t, true, "no channel or parameter matches '%s'", t->prompt);
        return TUI_DIRTY_ALL;
    }
    b--;
    return b < t->m->nchan ? tui_jump_chan(t, b) : tui_jump_par(t, b - t->m->nchan);
}

/* c: the links of the selected parameter or channel. */
static unsigned
links(struct tui *t)
{
    bool chan = t->view == TUI_V_CHANNELS || (t->view == TUI_V_SLIDER && t->focus == 1);
    tui_list *l = tui_focused_list(t);
    if ((l != NULL && l->nvis == 0) || (chan ? t->m->nchan : t->m->npar) == 0)
        return 0;
    return tui_links_open(t, chan, chan ? tui_current_channel(t) : tui_current_param(t));
}

/* Keys typed into the status-line prompt (search filter or export path). */
static unsigned
prompt_key(struct tui *t, int ch)
{
    tui_list *l = tui_focused_list(t);
    if (ch == 27 || ch == CTRL('c') || ch == CTRL('g')) {
        if (t->prompt_kind == TUI_PROMPT_FILTER && l != NULL) {
            free(l->filter);
            l->filter = NULL;
            tui_list_rebuild(t, l);
        }
        t->prompt_kind = TUI_PROMPT_NONE;
        return TUI_DIRTY_ALL;
    }
    if (t->prompt_kind == TUI_PROMPT_OVERWRITE) { /* y writes over the file, anything else not */
        t->prompt_kind = TUI_PROMPT_NONE;
        if (ch == 'y' || ch == 'Y')
            tui_export(t, t->prompt);
        else
            tui_message(t, false, "not exported: %s exists", t->prompt);
        return TUI_DIRTY_ALL;
    }
    if (t->prompt_kind == TUI_PROMPT_GOTO && ch == '\t') {
        goto_complete(t, true);
        return TUI_DIRTY_ALL;
    }
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
        tui_prompt kind = t->prompt_kind;
        t->prompt_kind = TUI_PROMPT_NONE;
        if (kind == TUI_PROMPT_GOTO)
            return goto_enter(t);
        if (kind == TUI_PROMPT_EVENTS)
            return tui_dens_events(t, t->prompt);
        if (kind == TUI_PROMPT_EXPORT && t->prompt_len > 0 && access(t->prompt, F_OK) == 0) {
            t->prompt_kind = TUI_PROMPT_OVERWRITE; /* ask before writing over a file */
        } else if (kind == TUI_PROMPT_EXPORT) {
            if (t->prompt_len > 0)
                tui_export(t, t->prompt);
        } else if (kind == TUI_PROMPT_FILTER && l != NULL && l->nvis == 0) {
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
    if (t->prompt_kind == TUI_PROMPT_FILTER && l != NULL) {
        free(l->filter);
        l->filter = strdup(t->prompt);
        tui_list_rebuild(t, l);
    }
    if (t->prompt_kind == TUI_PROMPT_GOTO)
        goto_complete(t, false);
    return TUI_DIRTY_ALL;
}

/* Keys the overlays take: scrolling, Q quits, anything else closes. */
static unsigned
overlay_key(struct tui *t, int ch)
{
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

/* Before the table: an error message goes at the next key; the prompt and the overlays take
 * every key; a screen too small takes all but the quit keys. True (with *dirty) when taken. */
bool
tui_key_modal(struct tui *t, int ch, unsigned *dirty)
{
    if (t->msg_error) { /* errors stay until a key is pressed */
        t->msg_error = false;
        t->msg[0] = '\0';
    }
    *dirty = 0;
    if (t->prompt_kind != TUI_PROMPT_NONE)
        *dirty = prompt_key(t, ch) | TUI_DIRTY_STATUS;
    else if (t->overlay != TUI_OV_NONE)
        *dirty = overlay_key(t, ch);
    else if (!(t->too_small && ch != 'q' && ch != 'Q' && ch != CTRL('c') && ch != KEY_F(10)))
        return false;
    return true;
}

/* The action of key ch in the current view (and its argument: a view for TUI_ACT_VIEW); for a
 * key without one, false after saying so for a printable key (*dirty). */
bool
tui_key_lookup(struct tui *t, int ch, tui_action *act, int *arg, unsigned *dirty)
{
    const tui_binding *b = lookup(t, ch);
    *dirty = 0;
    if (b == NULL) {
        if (ch >= 32 && ch < 127) {
            tui_message(t, false, "key '%c' does nothing here (? for help)", ch);
            *dirty = TUI_DIRTY_STATUS;
        }
        return false;
    }
    *act = b->act;
    *arg = b->arg;
    return true;
}

/* Moves in the focused list. */
static unsigned
list_key(struct tui *t, tui_action act)
{
    tui_list *l = tui_focused_list(t);
    long page = list_rows(t), d;
    switch (act) {
    case TUI_ACT_DOWN:
    case TUI_ACT_UP:
    case TUI_ACT_NEXT:
    case TUI_ACT_PREV:
        if (l != NULL)
            tui_list_move(l, act == TUI_ACT_DOWN || act == TUI_ACT_NEXT ? 1 : -1);
        return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN | TUI_DIRTY_STATUS;
    case TUI_ACT_TOP:
    case TUI_ACT_BOTTOM:
        if (l != NULL)
            tui_list_move(l, act == TUI_ACT_TOP ? -(long)l->nvis : (long)l->nvis);
        return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
    default: /* half and whole pages */
        d = act == TUI_ACT_HALFDOWN || act == TUI_ACT_HALFUP ? page / 2 : page;
        if (l != NULL)
            tui_list_move(l, act == TUI_ACT_HALFUP || act == TUI_ACT_PAGEUP ? -d : d);
        return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
    }
}

/* Esc: cancel a running fit (a split fit first), else clear the focused list's filter. */
static unsigned
escape(struct tui *t)
{
    tui_list *l = tui_focused_list(t);
    if (t->syst.dstate == TUI_DECOR_RUNNING) {
        tui_worker_cancel(t->worker);
        tui_message(t, false, "cancelling the split fit");
    } else if (t->fit_state == TUI_FIT_RUNNING || t->minos_running || t->shape_running) {
        tui_worker_cancel(t->worker);
        tui_message(t, false, "cancelling the %s",
                    t->minos_running   ? "MINOS scan"
                    : t->shape_running ? "NLL shapes"
                                       : "fit");
    } else if (l != NULL && l->filter != NULL) {
        free(l->filter);
        l->filter = NULL;
        tui_list_rebuild(t, l);
    }
    return TUI_DIRTY_ALL;
}

/* The list and view actions no view took: search, sort, thresholds. */
static unsigned
list_action(struct tui *t, tui_action act)
{
    tui_list *l = tui_focused_list(t);
    switch (act) {
    case TUI_ACT_SEARCH:
        if (l == NULL)
            return 0;
        t->prompt_kind = TUI_PROMPT_FILTER;
        snprintf(t->prompt, sizeof(t->prompt), "%s", l->filter ? l->filter : "");
        t->prompt_len = strlen(t->prompt);
        return TUI_DIRTY_STATUS;
    case TUI_ACT_SORTL:
    case TUI_ACT_SORTR:
        if (l != NULL)
            sort_step(t, l, act == TUI_ACT_SORTR ? 1 : -1);
        return TUI_DIRTY_ALL;
    case TUI_ACT_SORTINV:
        if (l != NULL) {
            l->sort_inv = !l->sort_inv;
            sort_step(t, l, 0);
        }
        return TUI_DIRTY_ALL;
    case TUI_ACT_THRDOWN:
    case TUI_ACT_THRUP:
        t->oc_threshold =
            fmin(1.0, fmax(0.05, t->oc_threshold + (act == TUI_ACT_THRUP ? 0.05 : -0.05)));
        tui_message(t, false, "over-constrained below %.2f of the pre-fit sigma", t->oc_threshold);
        return TUI_DIRTY_ALL;
    default:
        return list_key(t, act);
    }
}

/* The keys no view took (after the view's key callback). Returns the panes to redraw. */
unsigned
tui_key_global(struct tui *t, tui_action act, int arg)
{
    switch (act) {
    case TUI_ACT_DOWN:
    case TUI_ACT_UP:
    case TUI_ACT_NEXT:
    case TUI_ACT_PREV:
    case TUI_ACT_TOP:
    case TUI_ACT_BOTTOM:
    case TUI_ACT_HALFDOWN:
    case TUI_ACT_HALFUP:
    case TUI_ACT_PAGEDOWN:
    case TUI_ACT_PAGEUP:
    case TUI_ACT_SEARCH:
    case TUI_ACT_SORTL:
    case TUI_ACT_SORTR:
    case TUI_ACT_SORTINV:
    case TUI_ACT_THRDOWN:
    case TUI_ACT_THRUP:
        return list_action(t, act);
    case TUI_ACT_ESC:
        return escape(t);
    case TUI_ACT_TAB:
    case TUI_ACT_BTAB: {
        int nv = t->points != NULL ? TUI_NVIEWS : TUI_V_POINTS; /* Points only with a patchset */
        int cur = (int)t->view < nv ? (int)t->view : nv - 1;
        return tui_nav_goto(t, (tui_view_id)((cur + (act == TUI_ACT_TAB ? 1 : nv - 1)) % nv));
    }
    case TUI_ACT_VIEW:
        if (arg == TUI_V_POINTS && t->points == NULL) {
            tui_message(t, false, "no patchset: start with --patchset PS.json to browse points");
            return TUI_DIRTY_STATUS;
        }
        return tui_nav_goto(t, (tui_view_id)arg);
    case TUI_ACT_LINKS:
        return links(t);
    case TUI_ACT_BACK:
        return tui_nav_back(t);
    case TUI_ACT_GOTO:
        t->prompt_kind = TUI_PROMPT_GOTO;
        t->prompt[0] = '\0';
        t->prompt_len = 0;
        goto_complete(t, false);
        return TUI_DIRTY_STATUS;
    case TUI_ACT_FLAGGED:
        t->flagged_only = !t->flagged_only;
        tui_syst_prepare(t);
        tui_list_rebuild(t, &t->parl);
        tui_message(t, false, "%s",
                    t->flagged_only ? "flagged parameters only (F: all)" : "all parameters");
        return TUI_DIRTY_ALL;
    case TUI_ACT_LOGY:
        t->logy = !t->logy;
        return TUI_DIRTY_MAIN;
    case TUI_ACT_FIT:
        tui_start_fit(t, false);
        return TUI_DIRTY_ALL;
    case TUI_ACT_CANCEL:
        if (t->fit_state == TUI_FIT_RUNNING || t->syst.dstate == TUI_DECOR_RUNNING ||
            t->minos_running || t->shape_running) {
            tui_worker_cancel(t->worker);
            tui_message(t, false, "cancelling the fit");
        } else {
            tui_message(t, false, "no fit is running");
        }
        return TUI_DIRTY_ALL;
    case TUI_ACT_EXPORT:
        t->prompt_kind = TUI_PROMPT_EXPORT;
        tui_default_export_name(t, t->prompt, sizeof(t->prompt));
        t->prompt_len = strlen(t->prompt);
        return TUI_DIRTY_STATUS;
    case TUI_ACT_ASCII:
        t->ascii = !t->ascii;
        return TUI_DIRTY_ALL;
    case TUI_ACT_RELOAD:
        t->reload = true;
        return TUI_DIRTY_ALL;
    case TUI_ACT_REDRAW:
        clearok(curscr, TRUE);
        return TUI_DIRTY_ALL;
    case TUI_ACT_SUSPEND: /* raw mode: the terminal sends ^Z as a key; stop as the shell would */
        def_prog_mode();
        endwin();
        (void)raise(SIGSTOP);
        reset_prog_mode(); /* after fg: the screen as it was */
        clearok(curscr, TRUE);
        return TUI_DIRTY_ALL;
    case TUI_ACT_HELP:
        t->overlay = TUI_OV_HELP;
        t->help_top = 0;
        return TUI_DIRTY_ALL;
    case TUI_ACT_QUIT: /* from the top level q quits too; overlays were handled before */
    case TUI_ACT_QUITNOW:
        t->quit = true;
        return 0;
    default: /* the views' own actions, in a view that did not take them */
        return 0;
    }
}
