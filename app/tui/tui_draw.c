/* app/tui/tui_draw.c - painting: the top line, the panes of each view, overlays and the status
 * line. The only place that maps scene inks to curses colour pairs and copies render/cells grids
 * to the screen (tmux: only tty_draw_line touches the terminal). Draws into stdscr, then one
 * doupdate(); curses sends only what changed. */
#include "app/tui/tui.h"

#include <curses.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "render/cells.h"
#include "render/palette.h"

static const hf_palette *pal;
static int pal_owned;
static hf_cellgrid *grid;

/* ---- colours ---- */

typedef struct cpair {
    short fg, bg;
} cpair;
static cpair pairs[512];
static int npairs; /* pairs[1..npairs] are initialised; 0 is the default pair */

/* Nearest of the 8 ANSI colours, for terminals without 256 colours. */
static int
basic_colour(hf_rgb c)
{
    static const double rgb[8][3] = {{0, 0, 0},     {0.8, 0, 0},       {0, 0.7, 0},
                                     {0.8, 0.7, 0}, {0.1, 0.3, 0.9},   {0.7, 0, 0.7},
                                     {0, 0.7, 0.7}, {0.75, 0.75, 0.75}};
    int best = 7;
    double bd = 1e9;
    for (int i = 1; i < 8; i++) { /* never black: the background may be black */
        double d = (c.r - rgb[i][0]) * (c.r - rgb[i][0]) + (c.g - rgb[i][1]) * (c.g - rgb[i][1]) +
                   (c.b - rgb[i][2]) * (c.b - rgb[i][2]);
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    return best;
}

static int
term_colour(hf_rgb c)
{
    return COLORS >= 256 ? hf_rgb_xterm256(c) : basic_colour(c);
}

/* Terminal colour of an ink (or a colour-map level); -1 = the terminal's default. Text, data and
 * frames use the default foreground: black on paper, but a terminal may be dark. */
static int
ink_colour(struct tui *t, hf_ink ink, int map)
{
    if (t->mono)
        return -1;
    if (map >= 0)
        return term_colour(hf_palette_map(pal, map / (double)(HF_CELL_MAPLEVELS - 1)));
    if (ink.role == HF_CELL_NOINK || ink.role == HF_ROLE_FG || ink.role == HF_ROLE_DATA ||
        ink.role == HF_ROLE_GRID)
        return -1;
    return term_colour(hf_palette_ink(pal, ink));
}

static short
pair_of(struct tui *t, int fg, int bg)
{
    if (t->mono || (fg < 0 && bg < 0))
        return 0;
    for (int i = 1; i <= npairs; i++)
        if (pairs[i].fg == fg && pairs[i].bg == bg)
            return (short)i;
    if (npairs + 1 >= COLOR_PAIRS || npairs + 1 >= (int)(sizeof(pairs) / sizeof(pairs[0])))
        return 0;
    npairs++;
    pairs[npairs].fg = (short)fg;
    pairs[npairs].bg = (short)bg;
    init_pair((short)npairs, (short)fg, (short)bg);
    return (short)npairs;
}

static short
accent_pair(struct tui *t, int idx)
{
    return pair_of(t, ink_colour(t, hf_ink_of(HF_ROLE_ACCENT, idx), -1), -1);
}

/* The accent pair when cond holds, else the default pair. */
static short
accent_if(struct tui *t, bool cond, int idx)
{
    if (cond)
        return accent_pair(t, idx);
    return 0;
}

/* Colours on unless NO_COLOR is set and non-empty (htop CommandLine.c) or the terminal has none. */
int
tui_colors_init(struct tui *t)
{
    hf_error err = {0};
    pal = hf_palette_default(&pal_owned, &err);
    if (pal == NULL) {
        tui_log(t, "palette: %s; using the built-in one", hf_error_msg(&err));
        pal = hf_palette_builtin();
        pal_owned = 0;
    }
    hf_error_release(&err);
    const char *nc = getenv("NO_COLOR");
    if ((nc != NULL && nc[0] != '\0') || !has_colors())
        t->mono = true;
    if (!t->mono) {
        start_color();
        use_default_colors();
    }
    npairs = 0;
    return 0;
}

/* Free the palette (when loaded from a file) and the plot grid. */
void
tui_colors_release(void)
{
    if (pal_owned)
        hf_palette_free((hf_palette *)pal);
    pal = NULL;
    pal_owned = 0;
    hf_cells_free(grid);
    grid = NULL;
}

/* ---- primitives ---- */

/* The Unicode glyph, or its ASCII stand-in in ASCII mode (t in scope). */
#define G(uni, asc) (t->ascii ? (asc) : (uni))

static void
put_cp(struct tui *t, int y, int x, uint32_t cp, attr_t a, short pair)
{
    if (x < 0 || y < 0 || x >= t->cols || y >= t->lines)
        return;
    if (t->ascii && cp > 126)
        cp = '?';
    wchar_t wc[2] = {(wchar_t)cp, 0};
    cchar_t cc;
    setcchar(&cc, wc, a, pair, NULL);
    mvadd_wch(y, x, &cc);
}

/* UTF-8 text at (y, x), at most maxw columns; returns the columns written. */
static int
put_str(struct tui *t, int y, int x, int maxw, const char *s, attr_t a, short pair)
{
    int n = 0;
    while (s != NULL && *s != '\0' && n < maxw) {
        uint32_t cp = hf_utf8_decode(&s);
        put_cp(t, y, x + n, cp < 32 ? ' ' : cp, a, pair);
        n++;
    }
    return n;
}

/* Like put_str, padding with blanks to exactly w columns. */
static void
put_field(struct tui *t, int y, int x, int w, const char *s, attr_t a, short pair)
{
    int n = put_str(t, y, x, w, s, a, pair);
    for (; n < w; n++)
        put_cp(t, y, x + n, ' ', a, pair);
}

/* A name in w columns: as is when it fits, else its head and tail around an ellipsis, since
 * channel and parameter names often differ only at the end ("SR_eMLLa_..._hghmet"). */
static void
put_name(struct tui *t, int y, int x, int w, const char *s, attr_t a, short pair)
{
    int len = 0;
    for (const char *p = s; *p; p++)
        len += ((unsigned char)*p & 0xc0) != 0x80;
    if (len <= w || w < 8) {
        put_field(t, y, x, w, s, a, pair);
        return;
    }
    int tail = (w - 1) / 2, head = w - 1 - tail;
    put_str(t, y, x, head, s, a, pair);
    put_cp(t, y, x + head, t->ascii ? '~' : 0x2026, a, pair);
    const char *u = s;
    for (int skip = len - tail; skip > 0 && *u; skip--) { /* to the tail's first code point */
        u++;
        while (((unsigned char)*u & 0xc0) == 0x80)
            u++;
    }
    put_str(t, y, x + head + 1, tail, u, a, pair);
}

/* Right-aligned in w columns. */
static void
put_right(struct tui *t, int y, int x, int w, const char *s, attr_t a, short pair)
{
    int len = 0;
    for (const char *p = s; *p; p++)
        len += ((unsigned char)*p & 0xc0) != 0x80;
    int pad = w - len;
    for (int i = 0; i < pad; i++)
        put_cp(t, y, x + i, ' ', a, pair);
    put_str(t, y, x + (pad > 0 ? pad : 0), w, s, a, pair);
}

static void
blank(struct tui *t, int y, int x, int h, int w)
{
    for (int r = y; r < y + h; r++)
        for (int c = x; c < x + w; c++)
            put_cp(t, r, c, ' ', A_NORMAL, 0);
}

static void
draw_box(struct tui *t, int y, int x, int h, int w, const char *title, bool focus)
{
    if (h < 2 || w < 2)
        return;
    bool a = t->ascii;
    attr_t at = focus ? A_BOLD : A_NORMAL;
    uint32_t hz = a ? '-' : 0x2500, vt = a ? '|' : 0x2502;
    put_cp(t, y, x, a ? '+' : 0x250C, at, 0);
    put_cp(t, y, x + w - 1, a ? '+' : 0x2510, at, 0);
    put_cp(t, y + h - 1, x, a ? '+' : 0x2514, at, 0);
    put_cp(t, y + h - 1, x + w - 1, a ? '+' : 0x2518, at, 0);
    for (int c = x + 1; c < x + w - 1; c++) {
        put_cp(t, y, c, hz, at, 0);
        put_cp(t, y + h - 1, c, hz, at, 0);
    }
    for (int r = y + 1; r < y + h - 1; r++) {
        put_cp(t, r, x, vt, at, 0);
        put_cp(t, r, x + w - 1, vt, at, 0);
    }
    if (title != NULL && w > 6) {
        put_cp(t, y, x + 1, ' ', at, 0);
        int n = put_str(t, y, x + 2, w - 5, title, at | A_BOLD, 0);
        put_cp(t, y, x + 2 + n, ' ', at, 0);
    }
}

static const char *
sep(const struct tui *t)
{
    return G(" · ", " - ");
}

/* ---- cells grid to screen ---- */

static hf_glyphs
glyphs(struct tui *t)
{
    return t->ascii ? HF_GLYPHS_ASCII : HF_GLYPHS_BRAILLE;
}

static void
blit(struct tui *t, const hf_cellgrid *g, int y, int x)
{
    for (int r = 0; r < g->h; r++)
        for (int c = 0; c < g->w; c++) {
            const hf_cell *cl = &g->cell[(size_t)r * (size_t)g->w + (size_t)c];
            attr_t a = A_NORMAL;
            if (cl->attr & HF_CELL_BOLD)
                a |= A_BOLD;
            if (cl->attr & HF_CELL_REVERSE)
                a |= A_REVERSE;
            if (cl->attr & HF_CELL_DIM)
                a |= A_DIM;
            if (cl->fg.role == HF_ROLE_DATA)
                a |= A_BOLD;
            short pr = pair_of(t, ink_colour(t, cl->fg, cl->fgmap), ink_colour(t, cl->bg, cl->bgmap));
            put_cp(t, y + r, x + c, cl->cp, a, pr);
        }
}

/* Draw scene s (NULL: `none` as text) into the inside of the box at (y, x, h, w); frees s. */
static void
draw_scene_in(struct tui *t, int y, int x, int h, int w, hf_scene *s, const char *none)
{
    int gw = w - 2, gh = h - 2;
    if (gw < 10 || gh < 5) {
        hf_scene_free(s);
        blank(t, y + 1, x + 1, h - 2, w - 2);
        return;
    }
    if (grid == NULL)
        grid = hf_cells_new(gw, gh);
    else if (grid->w != gw || grid->h != gh)
        hf_cells_resize(grid, gw, gh);
    if (grid == NULL || grid->w != gw || grid->h != gh) {
        hf_scene_free(s);
        blank(t, y + 1, x + 1, gh, gw);
        put_str(t, y + 1, x + 1, gw, "out of memory", A_BOLD, 0);
        return;
    }
    grid->mono = t->mono;
    if (s == NULL) {
        hf_cells_clear(grid);
        grid->glyphs = glyphs(t);
        hf_cells_text(grid, 1, 1, none, hf_ink_of(HF_ROLE_FG, 0), 0);
    } else {
        hf_cells_draw(grid, s, glyphs(t));
        hf_scene_free(s);
    }
    blit(t, grid, y + 1, x + 1);
}

/* The stack figure of the current channel, inside the box at (y, x, h, w). */
static void
draw_stack_pane(struct tui *t, int y, int x, int h, int w)
{
    size_t c = tui_current_channel(t);
    tui_point pt = tui_stack_point(t);
    char title[256];
    const hf_model *m = t->m;
    if (m->nchan == 0 || t->chl.nvis == 0) {
        draw_box(t, y, x, h, w, "no channel", false);
        blank(t, y + 1, x + 1, h - 2, w - 2);
        return;
    }
    const char *state = pt == TUI_PT_LIVE ? tui_live_label(t) : tui_point_name(pt);
    if (t->postfit && !t->have_fit && t->view == TUI_V_CHANNELS)
        state = t->fit_state == TUI_FIT_RUNNING ? "pre-fit (post-fit: fitting...)"
                                                 : "pre-fit (post-fit: no fit)";
    if (pt == TUI_PT_LIVE && t->live_is_cfit && t->cfit_label != NULL)
        snprintf(title, sizeof(title), "%s%s%s", t->cfit_label, t->logy ? sep(t) : "",
                 t->logy ? "log y" : ""); /* the channel is in the plot's own title */
    else
        snprintf(title, sizeof(title), "%s%s%s%s%s", m->chan[c]->name, sep(t), state,
                 t->logy ? sep(t) : "", t->logy ? "log y" : "");
    draw_box(t, y, x, h, w, title, false);
    /* a terminal cell is about twice as tall as wide (gnuplot dumb: aspect 2,1) */
    hf_scene *s = tui_stack_scene(t, c, pt, (w - 2) / 10.0, (h - 2) / 5.0);
    draw_scene_in(t, y, x, h, w, s, "no figure (out of memory)");
}

/* ---- top and status lines ---- */

static const char *const view_names[TUI_NVIEWS] = {"Overview", "Channels", "Params", "Corr",
                                                   "Slider",   "Density",  "Log",    "Syst"};

/* Code points of a UTF-8 string (columns of the top line's text). */
static size_t
cps(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void
draw_top(struct tui *t)
{
    int W = t->cols;
    attr_t bar = A_REVERSE;
    put_field(t, 0, 0, W, "", bar, 0);
    /* right: fit state */
    char fit[160];
    static const char *const spin_u[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    static const char *const spin_a[] = {"|", "/", "-", "\\"};
    switch (t->fit_state) {
    case TUI_FIT_IDLE:
        snprintf(fit, sizeof(fit), "fit: idle (f) ");
        break;
    case TUI_FIT_RUNNING: {
        int k = t->test_mode ? 0 : (int)(tui_now() * 10);
        const char *sp = t->ascii ? spin_a[k % 4] : spin_u[k % 10];
        if (t->cfit_running)
            snprintf(fit, sizeof(fit), "conditional fit: running %s it %d ", sp, t->fit_iter);
        else if (t->test_mode)
            snprintf(fit, sizeof(fit), "fit: running %s it %d ", sp, t->fit_iter);
        else if (t->fit_iter == 0)
            snprintf(fit, sizeof(fit), "fit: running %s starting  %.1fs (x cancels) ", sp,
                     t->fit_secs);
        else
            snprintf(fit, sizeof(fit), "fit: running %s it %d  NLL %.6g  %.1fs ", sp, t->fit_iter,
                     t->fit_nll, t->fit_secs);
        break;
    }
    case TUI_FIT_DONE:
        if (t->m->poi >= 0)
            snprintf(fit, sizeof(fit), "fit: ok %s=%.3g%s%.2g ", t->m->par[t->m->poi].name,
                     t->fit.x[t->m->poi], G("±", "+-"), t->fit.err[t->m->poi]);
        else
            snprintf(fit, sizeof(fit), "fit: ok 2NLL %.6g ", t->fit.twice_nll);
        break;
    case TUI_FIT_FAILED:
        if (t->fit_msg != NULL && strcmp(t->fit_msg, "cancelled") == 0)
            snprintf(fit, sizeof(fit), "fit: cancelled (f restarts) ");
        else
            snprintf(fit, sizeof(fit), "fit: failed (%s) ", t->fit_msg ? t->fit_msg : "?");
        break;
    }
    /* a short form of the fit state for narrow terminals */
    char fit_s[64];
    switch (t->fit_state) {
    case TUI_FIT_IDLE:
        snprintf(fit_s, sizeof(fit_s), "fit: idle ");
        break;
    case TUI_FIT_RUNNING:
        snprintf(fit_s, sizeof(fit_s), "%s it %d ", t->cfit_running ? "cond. fit" : "fit",
                 t->fit_iter);
        break;
    case TUI_FIT_DONE:
        snprintf(fit_s, sizeof(fit_s), "fit: ok ");
        break;
    case TUI_FIT_FAILED:
        snprintf(fit_s, sizeof(fit_s), "fit: failed ");
        break;
    }
    /* the tabs: full names, or numbers with the current view's name */
    int tabs_full = 0, tabs_short = 0;
    for (int v = 0; v < TUI_NVIEWS; v++) {
        tabs_full += (int)strlen(view_names[v]) + 4;
        tabs_short += (int)t->view == v ? (int)strlen(view_names[v]) + 4 : 3;
    }
    /* the left part, most to least complete; the workspace file's name goes last of all */
    char left[3][512];
    snprintf(left[0], sizeof(left[0]), " hfscope%s%s%s%zu ch%s%zu par ", sep(t), t->file_label,
             sep(t), t->m->nchan, sep(t), t->m->npar);
    snprintf(left[1], sizeof(left[1]), " %s%s%zu ch%s%zu par ", t->file_label, sep(t),
             t->m->nchan, sep(t), t->m->npar);
    snprintf(left[2], sizeof(left[2]), " %s ", t->file_label);
    /* preference order: (fit text, tabs, left part); -1: the file name clipped to the room */
    static const struct {
        int fit_long, tabs_long, left;
    } pref[] = {{1, 1, 0}, {1, 1, 1}, {1, 1, 2}, {1, 0, 1}, {1, 0, 2},
                {0, 0, 1}, {0, 0, 2}, {0, 0, -1}};
    const char *fitstr = fit_s, *lstr = NULL;
    bool full_tabs = false;
    int lw = 0;
    for (size_t k = 0; k < sizeof(pref) / sizeof(pref[0]); k++) {
        const char *f = pref[k].fit_long ? fit : fit_s;
        int fwk = (int)cps(f), tw = pref[k].tabs_long ? tabs_full : tabs_short;
        int room = W - fwk - tw - 1;
        int need = pref[k].left >= 0 ? (int)cps(left[pref[k].left]) : 8;
        if (need <= room) {
            fitstr = f;
            full_tabs = pref[k].tabs_long;
            lstr = pref[k].left >= 0 ? left[pref[k].left] : left[2];
            lw = pref[k].left >= 0 ? need : room;
            break;
        }
    }
    int fw = (int)cps(fitstr);
    if (fw > W / 2)
        fw = W / 2;
    put_right(t, 0, W - fw, fw, fitstr, bar | A_BOLD, 0);
    int avail = W - fw - 1, x = 0;
    if (lstr != NULL) {
        if ((int)cps(lstr) > lw) { /* the file name, clipped in the middle: head…tail */
            char clip[512];
            const char *nm = t->file_label;
            int n = (int)cps(nm), keep = lw - 3, head = keep / 2, tail = keep - head;
            const char *p = nm, *q = nm;
            for (int c = 0; c < head && *p; c++)
                hf_utf8_decode(&p);
            for (int c = 0; c < n - tail && *q; c++)
                hf_utf8_decode(&q);
            snprintf(clip, sizeof(clip), " %.*s%s%s ", (int)(p - nm), nm, G("…", "~"), q);
            put_str(t, 0, 0, lw, clip, bar | A_BOLD, 0);
        } else {
            put_str(t, 0, 0, lw, lstr, bar | A_BOLD, 0);
        }
        x = lw;
    }
    for (int v = 0; v < TUI_NVIEWS && x < avail; v++) {
        char tab[32];
        snprintf(tab, sizeof(tab), "%d %s", v + 1, view_names[v]);
        int room = avail - x;
        if (room < 2)
            break;
        bool cur = (int)t->view == v;
        attr_t a = cur ? (A_BOLD | A_UNDERLINE) : A_REVERSE;
        if (!full_tabs && !cur) /* narrow: the number only, full name for the current */
            snprintf(tab, sizeof(tab), "%d", v + 1);
        put_cp(t, 0, x++, ' ', bar, 0);
        x += put_str(t, 0, x, room - 1, tab, a, 0);
        if (x < avail)
            put_cp(t, 0, x++, ' ', bar, 0);
    }
}

static void
draw_status(struct tui *t)
{
    int y = t->lines - 1, W = t->cols;
    put_field(t, y, 0, W, "", A_REVERSE, 0);
    char right[64];
    snprintf(right, sizeof(right), " %s  %s ", t->ascii ? "ASCII" : "UTF-8",
             t->mono ? "NO_COLOR" : "COLOR");
    int rw = (int)strlen(right);
    if (t->prompt_kind != 0) {
        char buf[400];
        snprintf(buf, sizeof(buf), " %s%s",
                 t->prompt_kind == 1 ? "filter: " : "export to: ", t->prompt);
        int n = put_str(t, y, 0, W - 1, buf, A_REVERSE | A_BOLD, 0);
        put_cp(t, y, n, t->ascii ? '_' : 0x2588, A_REVERSE, 0);
        return;
    }
    if (t->msg[0] != '\0' && (t->msg_error || tui_now() < t->msg_until)) {
        char buf[TUI_MSG_MAX + 8];
        snprintf(buf, sizeof(buf), " %s", t->msg);
        short pr = accent_if(t, t->msg_error, 0);
        put_str(t, y, 0, W - rw, buf, (t->msg_error ? A_BOLD : A_NORMAL) | A_REVERSE, pr);
    } else {
        char hints[512];
        tui_hints(t, hints, sizeof(hints), W - rw - 1);
        put_str(t, y, 0, W - rw, hints, A_REVERSE, 0);
    }
    if (W > rw + 20)
        put_str(t, y, W - rw, rw, right, A_REVERSE, 0);
}

/* ---- lists ---- */

static const char *
sort_mark(const struct tui *t, const tui_list *l, int col)
{
    if (l->sort_col != col)
        return "";
    return l->sort_inv ? G("▲", "^") : G("▼", "v");
}

static void
draw_channel_list(struct tui *t, int y, int x, int h, int w, bool focus)
{
    tui_list *l = &t->chl;
    char title[128];
    snprintf(title, sizeof(title), "Channels %zu/%zu%s%s", l->nvis, l->n,
             l->filter && *l->filter ? "  /" : "", l->filter && *l->filter ? l->filter : "");
    draw_box(t, y, x, h, w, title, focus);
    int iw = w - 2, rows = h - 3;
    if (iw < 8 || rows < 1)
        return;
    /* the numbers need 29 (all) or 13 (bins, deviance) columns; names keep at least 10 */
    int minname = t->max_chan_name < 10 ? (int)t->max_chan_name : 10;
    bool nums = iw - 2 - 29 >= minname, some = iw - 2 - 13 >= minname;
    int numw = nums ? 5 + 8 + 9 + 7 : some ? 5 + 8 : 0;
    int namew = iw - 2 - numw;
    bool post = t->postfit && t->have_fit;
    char a[32], b[32], c[32], d[32], e[32];
    snprintf(a, sizeof(a), "channel%s", sort_mark(t, l, 0));
    snprintf(b, sizeof(b), "bins%s", sort_mark(t, l, 1));
    snprintf(c, sizeof(c), "data%s", sort_mark(t, l, 2));
    snprintf(d, sizeof(d), "%s%s", post ? "post" : "pre", sort_mark(t, l, 3));
    snprintf(e, sizeof(e), "%s%s", G("χ²/n", "chi2/n"), sort_mark(t, l, 4));
    int yy = y + 1, xx = x + 1;
    put_field(t, yy, xx, iw, "", A_NORMAL, 0);
    put_field(t, yy, xx + 2, namew, a, A_BOLD | A_UNDERLINE, 0);
    int cx = xx + 2 + namew;
    if (nums) {
        put_right(t, yy, cx, 5, b, A_BOLD | A_UNDERLINE, 0);
        put_right(t, yy, cx + 5, 8, c, A_BOLD | A_UNDERLINE, 0);
        put_right(t, yy, cx + 13, 9, d, A_BOLD | A_UNDERLINE, 0);
        put_right(t, yy, cx + 22, 7, e, A_BOLD | A_UNDERLINE, 0);
    } else if (some) {
        put_right(t, yy, cx, 5, b, A_BOLD | A_UNDERLINE, 0);
        put_right(t, yy, cx + 5, 8, e, A_BOLD | A_UNDERLINE, 0);
    }
    tui_list_clamp(l, rows);
    for (int r = 0; r < rows; r++) {
        size_t k = l->top + (size_t)r;
        int ry = y + 2 + r;
        if (k >= l->nvis) {
            put_field(t, ry, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        size_t ci = l->idx[k];
        const tui_chan *s = &t->chan[ci];
        bool sel = k == l->sel;
        attr_t at = sel ? (focus ? A_REVERSE : A_REVERSE | A_DIM) : A_NORMAL;
        put_field(t, ry, xx, 2, sel ? G("▸", ">") : "", at, 0);
        put_name(t, ry, xx + 2, namew, t->m->chan[ci]->name, at, 0);
        double dev = (post ? s->chi2_post : s->chi2_pre) / (double)(s->nbins ? s->nbins : 1);
        snprintf(b, sizeof(b), "%zu", s->nbins);
        snprintf(c, sizeof(c), "%.7g", s->data);
        snprintf(d, sizeof(d), "%.1f", post ? s->post : s->pre);
        snprintf(e, sizeof(e), "%.2f", dev);
        short epair = accent_if(t, dev > 2, 0);
        if (nums) {
            put_right(t, ry, cx, 5, b, at, 0);
            put_right(t, ry, cx + 5, 8, c, at, 0);
            put_right(t, ry, cx + 13, 9, d, at, 0);
            put_right(t, ry, cx + 22, 7, e, at, epair);
        } else if (some) {
            put_right(t, ry, cx, 5, b, at, 0);
            put_right(t, ry, cx + 5, 8, e, at, epair);
        }
    }
}

/* A pull bar over [-3, 3]: whisker for the constraint, marker at the pull. */
static void
pull_bar(struct tui *t, int y, int x, int w, double pull, double ratio, attr_t at)
{
    for (int i = 0; i < w; i++)
        put_cp(t, y, x + i, ' ', at, 0);
    if (w < 7)
        return;
    double scale = (w - 1) / 6.0;
    for (int s = -2; s <= 2; s++) {
        int c = (int)lround((s + 3) * scale);
        put_cp(t, y, x + c, s == 0 ? (t->ascii ? '|' : 0x2502) : (t->ascii ? '.' : 0x00B7), at, 0);
    }
    if (isnan(pull))
        return;
    double lo = pull - (isfinite(ratio) ? ratio : 0), hi = pull + (isfinite(ratio) ? ratio : 0);
    int c0 = (int)lround((fmax(lo, -3) + 3) * scale), c1 = (int)lround((fmin(hi, 3) + 3) * scale);
    for (int c = c0; c <= c1; c++)
        put_cp(t, y, x + c, t->ascii ? '-' : 0x2500, at, 0);
    int cp = (int)lround((fmin(fmax(pull, -3), 3) + 3) * scale);
    short pr = accent_if(t, fabs(pull) > 1, 0);
    put_cp(t, y, x + cp, t->ascii ? 'o' : 0x25CF, at | A_BOLD, pr);
}

static void
draw_param_table(struct tui *t, int y, int x, int h, int w)
{
    tui_list *l = &t->parl;
    char title[160];
    snprintf(title, sizeof(title), "Parameters %zu/%zu%sover-constrained below %.2f (t/T)%s%s",
             l->nvis, l->n, sep(t), t->oc_threshold, l->filter && *l->filter ? "  /" : "",
             l->filter && *l->filter ? l->filter : "");
    draw_box(t, y, x, h, w, title, true);
    int iw = w - 2, rows = h - 3;
    if (iw < 20 || rows < 1)
        return;
    int valw = 11, errw = 9, pullw = 7, conw = 7, flagw = 9;
    int barw = iw >= 100 ? 25 : iw >= 80 ? 13 : 0;
    int namew = iw - 2 - valw - errw - pullw - 1 - barw - conw - flagw; /* 1: gap before bar */
    if (namew < 10) {
        flagw = 0;
        namew += 9;
    }
    int xx = x + 1, yy = y + 1;
    char v[64];
    put_field(t, yy, xx, iw, "", A_NORMAL, 0);
    snprintf(v, sizeof(v), "parameter%s", sort_mark(t, l, 0));
    put_field(t, yy, xx + 2, namew, v, A_BOLD | A_UNDERLINE, 0);
    int cx = xx + 2 + namew;
    snprintf(v, sizeof(v), "value%s", sort_mark(t, l, 1));
    put_right(t, yy, cx, valw, v, A_BOLD | A_UNDERLINE, 0);
    snprintf(v, sizeof(v), "error%s", sort_mark(t, l, 2));
    put_right(t, yy, cx + valw, errw, v, A_BOLD | A_UNDERLINE, 0);
    snprintf(v, sizeof(v), "pull%s", sort_mark(t, l, 3));
    put_right(t, yy, cx + valw + errw, pullw, v, A_BOLD | A_UNDERLINE, 0);
    int bx = cx + valw + errw + pullw + 1;
    if (barw) { /* tick labels at the bar's own positions (see pull_bar) */
        put_field(t, yy, bx, barw, "", A_BOLD, 0);
        for (int k = -3; k <= 3; k += barw >= 25 ? 1 : 3) {
            char lab[8];
            snprintf(lab, sizeof(lab), k > 0 ? "+%d" : "%d", k);
            int c = (int)lround((k + 3) * (barw - 1) / 6.0) - (k < 0 ? 1 : k > 0 ? 1 : 0);
            if (k == -3)
                c = 0;
            if (k == 3)
                c = barw - 2;
            put_str(t, yy, bx + c, barw - c, lab, A_BOLD, 0);
        }
    }
    int rx = bx + barw;
    snprintf(v, sizeof(v), "%s%s", G("σ/σ₀", "s/s0"), sort_mark(t, l, 4));
    put_right(t, yy, rx, conw, v, A_BOLD | A_UNDERLINE, 0);
    if (flagw)
        put_field(t, yy, rx + conw + 1, flagw - 1, "flags", A_BOLD | A_UNDERLINE, 0);
    tui_list_clamp(l, rows);
    for (int r = 0; r < rows; r++) {
        size_t k = l->top + (size_t)r;
        int ry = y + 2 + r;
        if (k >= l->nvis) {
            put_field(t, ry, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        size_t p = l->idx[k];
        const hf_param *pp = &t->m->par[p];
        bool sel = k == l->sel;
        attr_t at = sel ? A_REVERSE : A_NORMAL;
        double ratio, pull = tui_pull(t, p, &ratio);
        bool oc = !isnan(ratio) && ratio<t->oc_threshold, pulled = fabs(pull)> 1;
        put_field(t, ry, xx, 2, sel ? G("▸", ">") : (t->moved[p] ? "*" : ""), at, 0);
        put_name(t, ry, xx + 2, namew, pp->name, at | (oc || pulled ? A_BOLD : 0), 0);
        snprintf(v, sizeof(v), "%.4g", tui_best(t)[p]);
        put_right(t, ry, cx, valw, v, at, 0);
        if (t->have_fit && !t->fit.fixed[p])
            snprintf(v, sizeof(v), "%.3g", t->fit.err[p]);
        else
            snprintf(v, sizeof(v), "%s", t->m->fixed[p] ? "fixed" : "-");
        put_right(t, ry, cx + valw, errw, v, at, 0);
        if (isnan(pull))
            snprintf(v, sizeof(v), "%s", pp->con == HF_CON_NONE ? "free" : "-");
        else
            snprintf(v, sizeof(v), "%+.2f", pull);
        put_right(t, ry, cx + valw + errw, pullw, v, at, accent_if(t, pulled, 0));
        put_cp(t, ry, bx - 1, ' ', at, 0);
        if (barw)
            pull_bar(t, ry, bx, barw, pull, ratio, at);
        if (isnan(ratio))
            snprintf(v, sizeof(v), "-");
        else
            snprintf(v, sizeof(v), "%.2f", ratio);
        put_right(t, ry, rx, conw, v, at, accent_if(t, oc, 1));
        if (flagw) {
            char f[32];
            snprintf(f, sizeof(f), "%s%s", oc ? "OC " : "", pulled ? "PULL" : "");
            put_cp(t, ry, rx + conw, ' ', at, 0);
            put_field(t, ry, rx + conw + 1, flagw - 1, f, at | A_BOLD, accent_if(t, oc || pulled, 0));
        }
    }
}

/* Slider list: name, value, and where the value sits relative to the best fit (+-3 units). */
static void
draw_slider_params(struct tui *t, int y, int x, int h, int w, bool focus)
{
    tui_list *l = &t->parl;
    char title[160];
    size_t nm = 0;
    for (size_t p = 0; p < t->m->npar; p++)
        nm += t->moved[p];
    snprintf(title, sizeof(title), "Slider%s%zu moved%s%s", sep(t), nm, sep(t),
             t->hold_moved ? "refit holds them" : "refit releases them");
    if ((int)cps(title) > w - 4) /* narrow: the hold state in one word */
        snprintf(title, sizeof(title), "Slider%s%zu moved%s%s", sep(t), nm, sep(t),
                 t->hold_moved ? "hold" : "release");
    draw_box(t, y, x, h, w, title, focus);
    int iw = w - 2, rows = h - 2;
    if (iw < 12 || rows < 1)
        return;
    int barw = iw >= 40 ? 11 : 0, valw = 9;
    int namew = iw - 2 - valw - (barw ? barw + 1 : 0);
    tui_list_clamp(l, rows);
    for (int r = 0; r < rows; r++) {
        size_t k = l->top + (size_t)r;
        int ry = y + 1 + r, xx = x + 1;
        if (k >= l->nvis) {
            put_field(t, ry, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        size_t p = l->idx[k];
        bool sel = k == l->sel;
        attr_t at = sel ? (focus ? A_REVERSE : A_REVERSE | A_DIM) : A_NORMAL;
        put_field(t, ry, xx, 2, sel ? G("▸", ">") : t->moved[p] ? "*" : "", at, 0);
        put_name(t, ry, xx + 2, namew, t->m->par[p].name, at | (t->moved[p] ? A_BOLD : 0), 0);
        char v[32];
        snprintf(v, sizeof(v), "%.4g", t->live[p]);
        put_right(t, ry, xx + 2 + namew, valw, v, at | (t->moved[p] ? A_BOLD : 0), 0);
        if (barw) {
            int bx = xx + 2 + namew + valw + 1;
            put_cp(t, ry, bx - 1, ' ', at, 0);
            double u = (t->live[p] - tui_best(t)[p]) / tui_param_step(t, p);
            for (int i = 0; i < barw; i++)
                put_cp(t, ry, bx + i,
                       i == barw / 2 ? (t->ascii ? '|' : 0x2502) : (t->ascii ? '-' : 0x2500), at,
                       0);
            int c = barw / 2 + (int)lround(fmax(-3, fmin(3, u)) * (barw / 2) / 3.0);
            put_cp(t, ry, bx + c, t->ascii ? 'o' : 0x25CF, at | A_BOLD, accent_if(t, t->moved[p], 0));
        }
    }
}

static void
draw_corr(struct tui *t, int y, int x, int h, int w)
{
    tui_list *l = &t->corrl;
    int lw = t->left_w;
    char title[128];
    snprintf(title, sizeof(title), "%zu params%s%s %.2f", l->nvis, sep(t), G("|ρ| ≥", "|rho| >="),
             t->corr_threshold);
    draw_box(t, y, x, h, lw, title, true);
    int rows = h - 3;
    if (!t->have_fit || t->corr == NULL || l->nvis == 0) {
        blank(t, y + 1, x + 1, h - 2, lw - 2);
        blank(t, y + 1, x + lw + 1, h - 2, w - lw - 2);
        draw_box(t, y, x + lw, h, w - lw, "Correlation matrix", false);
        put_str(t, y + 2, x + lw + 2, w - lw - 4,
                !t->have_fit      ? "no fit yet: press f (the fit runs in the background)"
                : t->corr == NULL ? "the fit has no covariance matrix"
                                   : "no correlation above the threshold: press t to lower it",
                A_NORMAL, 0);
        return;
    }
    tui_list_clamp(l, rows);
    if (t->corr_col >= l->nvis)
        t->corr_col = l->nvis - 1;
    size_t n = t->m->npar;
    size_t rowp = l->idx[l->sel], colp = l->idx[t->corr_col];
    char rt[256];
    snprintf(rt, sizeof(rt), "%s(%s, %s) = %+.3f", G("ρ", "rho"), t->m->par[rowp].name,
             t->m->par[colp].name, t->corr[rowp * n + colp]);
    draw_box(t, y, x + lw, h, w - lw, rt, false);
    int hx = x + lw + 1, hw = w - lw - 2;
    int ncolvis = hw / 2;
    static size_t coloff;
    if (t->corr_col < coloff)
        coloff = t->corr_col;
    if (ncolvis > 0 && t->corr_col >= coloff + (size_t)ncolvis)
        coloff = t->corr_col - (size_t)ncolvis + 1;
    if (coloff + (size_t)ncolvis > l->nvis)
        coloff = l->nvis > (size_t)ncolvis ? l->nvis - (size_t)ncolvis : 0;
    /* header row: a mark over the cursor column */
    put_field(t, y + 1, hx, hw, "", A_NORMAL, 0);
    put_field(t, y + 1, x + 1, lw - 2, "", A_NORMAL, 0);
    put_str(t, y + 1, x + 3, lw - 4, "row \\ column", A_BOLD | A_UNDERLINE, 0);
    if (t->corr_col >= coloff && t->corr_col < coloff + (size_t)ncolvis)
        put_str(t, y + 1, hx + 2 * (int)(t->corr_col - coloff), 2, G("▼▼", "vv"), A_BOLD, 0);
    static const char *const pos_m = " .+*#", *const neg_m = " .-=%";
    for (int r = 0; r < rows; r++) {
        size_t k = l->top + (size_t)r;
        int ry = y + 2 + r;
        if (k >= l->nvis) {
            put_field(t, ry, x + 1, lw - 2, "", A_NORMAL, 0);
            put_field(t, ry, hx, hw, "", A_NORMAL, 0);
            continue;
        }
        size_t pi = l->idx[k];
        bool sel = k == l->sel;
        attr_t at = sel ? A_REVERSE : A_NORMAL;
        put_field(t, ry, x + 1, 2, sel ? G("▸", ">") : "", at, 0);
        put_name(t, ry, x + 3, lw - 4, t->m->par[pi].name, at, 0);
        for (int cc = 0; cc < ncolvis; cc++) {
            size_t kc = coloff + (size_t)cc;
            int cx = hx + 2 * cc;
            if (kc >= l->nvis) {
                put_str(t, ry, cx, 2, "  ", A_NORMAL, 0);
                continue;
            }
            double rho = t->corr[pi * n + l->idx[kc]];
            bool cursor = sel && kc == t->corr_col;
            double t01 = (rho + 1) / 2;
            if (!t->mono && !t->ascii) {
                int lev = (int)lround(t01 * (HF_CELL_MAPLEVELS - 1));
                short pr = pair_of(t, -1, ink_colour(t, hf_ink_of(HF_CELL_NOINK, 0), lev));
                put_str(t, ry, cx, 2, cursor ? "[]" : "  ", cursor ? A_BOLD : A_NORMAL, pr);
            } else {
                int lev = (int)lround(fabs(rho) * 4);
                lev = lev > 4 ? 4 : lev;
                char g = pos_m[lev];
                if (rho < 0)
                    g = neg_m[lev];
                char g2[3] = {g, g, 0};
                if (!t->mono) {
                    int lv = (int)lround(t01 * (HF_CELL_MAPLEVELS - 1));
                    short pr = pair_of(t, ink_colour(t, hf_ink_of(HF_CELL_NOINK, 0), lv), -1);
                    put_str(t, ry, cx, 2, cursor ? "[]" : g2, cursor ? A_BOLD : A_NORMAL, pr);
                } else {
                    put_str(t, ry, cx, 2, cursor ? "[]" : g2, cursor ? A_REVERSE : A_NORMAL, 0);
                }
            }
        }
        for (int c = 2 * ncolvis; c < hw; c++)
            put_cp(t, ry, hx + c, ' ', A_NORMAL, 0);
    }
}

static void
draw_text_pane(struct tui *t, int y, int x, int h, int w, const char *title, char **lines, size_t n, size_t top)
{
    draw_box(t, y, x, h, w, title, true);
    for (int r = 0; r < h - 2; r++) {
        size_t k = top + (size_t)r;
        put_field(t, y + 1 + r, x + 1, w - 2, k < n ? lines[k] : "", A_NORMAL, 0);
    }
}

static void
draw_overview(struct tui *t, int y, int x, int h, int w)
{
    char **lines = NULL;
    size_t top = h > 30 ? 8 : 5;
    size_t n = tui_overview_lines(t, &lines, top);
    if (n == (size_t)-1) {
        draw_text_pane(t, y, x, h, w, "Overview", NULL, 0, 0);
        put_str(t, y + 1, x + 1, w - 2, "out of memory", A_BOLD, 0);
        return;
    }
    draw_text_pane(t, y, x, h, w, "Overview", lines, n, 0);
    tui_lines_free(lines, n);
}

static void
draw_log(struct tui *t, int y, int x, int h, int w)
{
    if (t->log_top >= t->nlog && t->nlog > 0)
        t->log_top = t->nlog - 1;
    size_t rows = h > 2 ? (size_t)(h - 2) : 0;
    /* follow the tail unless scrolled up */
    size_t top = t->log_top;
    if (t->nlog > rows && top > t->nlog - rows)
        top = t->nlog - rows;
    draw_text_pane(t, y, x, h, w, "Log", t->log, t->nlog, top);
}

static void
draw_density(struct tui *t, int y, int x, int h, int w)
{
    int lw = t->left_w;
    char status[256];
    tui_dens_status(&t->dens, status, sizeof(status));
    draw_box(t, y, x, h, lw, "Density lab", true);
    for (int k = 0; k < TUI_DENS_NSET && k < h - 2; k++) {
        char line[160];
        tui_dens_setting(t, k, line, sizeof(line));
        bool sel = k == t->dens.sel;
        put_field(t, y + 1 + k, x + 1, 2, sel ? G("▸", ">") : "", sel ? A_REVERSE : A_NORMAL, 0);
        put_field(t, y + 1 + k, x + 3, lw - 4, line, sel ? A_REVERSE : A_NORMAL, 0);
    }
    /* paragraphs, word-wrapped to the pane (an empty string is a blank line) */
    static const char *const help[] = {
        "",
        "Is a histogram of M events generated from a KDE of n true events better than the n "
        "events' own histogram?",
        "",
        "left/right change a setting, Enter restarts, x cancels, e exports; b bootstrap "
        "bands, c cost view.",
        "(Butter et al., SciPost Phys. 10, 139)",
    };
    int ry = y + 1 + TUI_DENS_NSET, tw = lw - 2;
    for (size_t k = 0; k < sizeof(help) / sizeof(help[0]) && ry < y + h - 1; k++) {
        const char *p = help[k];
        if (*p == '\0')
            put_field(t, ry++, x + 1, tw, "", A_NORMAL, 0);
        while (*p != '\0' && ry < y + h - 1) {
            size_t n = strlen(p), cut = n;
            if ((int)n > tw) { /* ASCII text: bytes are columns */
                cut = (size_t)tw;
                while (cut > 0 && p[cut] != ' ')
                    cut--;
                if (cut == 0)
                    cut = (size_t)tw;
            }
            char line[256];
            snprintf(line, sizeof(line), "%.*s", (int)cut, p);
            put_field(t, ry++, x + 1, tw, line, A_NORMAL, 0);
            p += cut;
            while (*p == ' ')
                p++;
        }
    }
    for (; ry < y + h - 1; ry++)
        put_field(t, ry, x + 1, tw, "", A_NORMAL, 0);
    draw_box(t, y, x + lw, h, w - lw, status, false);
    draw_scene_in(t, y, x + lw, h, w - lw, tui_dens_scene(&t->dens),
                  "waiting for the first repetitions...");
}

/* ---- Systematics ---- */

/* The list: every parameter with a normsys or histosys, its largest normalisation and shape
 * effect, pull, post/pre-fit width and flags. */
static void
draw_syst_list(struct tui *t, int y, int x, int h, int w)
{
    tui_list *l = &t->systl;
    char title[200], v[96];
    if (l->filter && *l->filter) { /* "shown/all": count the unfiltered rows */
        size_t all = 0;
        for (size_t p = 0; p < t->m->npar; p++)
            all += tui_syst_keep(t, p);
        snprintf(title, sizeof(title),
                 "Systematics %zu/%zu%sover-constrained below %.2f (t/T)  /%s", l->nvis, all, sep(t),
                 t->oc_threshold, l->filter);
    } else {
        snprintf(title, sizeof(title),
                 "Systematics: %zu two-point parameters%sover-constrained "
                 "below %.2f (t/T)",
                 l->nvis, sep(t), t->oc_threshold);
    }
    draw_box(t, y, x, h, w, title, true);
    int iw = w - 2, rows = h - 3;
    if (iw < 30 || rows < 1)
        return;
    int nw = 4, normw = 7, shapew = 7, pullw = 7, conw = 7;
    int flagw = iw / 3 < 14 ? 14 : iw / 3 > 36 ? 36 : iw / 3;
    int namew = iw - 2 - nw - normw - shapew - pullw - conw - 1 - flagw;
    if (namew < 12) {
        flagw -= 12 - namew;
        namew = 12;
    }
    int xx = x + 1, yy = y + 1, cx = xx + 2 + namew;
    put_field(t, yy, xx, iw, "", A_NORMAL, 0);
    snprintf(v, sizeof(v), "parameter%s", sort_mark(t, l, 0));
    put_field(t, yy, xx + 2, namew, v, A_BOLD | A_UNDERLINE, 0);
    put_right(t, yy, cx, nw, "ch", A_BOLD | A_UNDERLINE, 0);
    put_right(t, yy, cx + nw, normw, "norm", A_BOLD | A_UNDERLINE, 0);
    put_right(t, yy, cx + nw + normw, shapew, "shape", A_BOLD | A_UNDERLINE, 0);
    snprintf(v, sizeof(v), "pull%s", sort_mark(t, l, 3));
    put_right(t, yy, cx + nw + normw + shapew, pullw, v, A_BOLD | A_UNDERLINE, 0);
    snprintf(v, sizeof(v), "%s%s", G("σ/σ₀", "s/s0"), sort_mark(t, l, 4));
    put_right(t, yy, cx + nw + normw + shapew + pullw, conw, v, A_BOLD | A_UNDERLINE, 0);
    int fx = cx + nw + normw + shapew + pullw + conw + 1;
    put_field(t, yy, fx, flagw, "flags", A_BOLD | A_UNDERLINE, 0);
    if (!t->syst.analysed || l->nvis == 0) {
        blank(t, yy + 1, xx, rows, iw);
        put_str(t, yy + 2, xx + 2, iw - 4,
                !t->syst.analysed        ? "the systematics analysis failed (see the log, 7)"
                : l->filter && *l->filter ? "no parameter matches the filter (Esc clears it)"
                                          : "no normsys or histosys in this model",
                A_NORMAL, 0);
        return;
    }
    tui_list_clamp(l, rows);
    for (int r = 0; r < rows; r++) {
        size_t k = l->top + (size_t)r;
        int ry = y + 2 + r;
        if (k >= l->nvis) {
            put_field(t, ry, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        size_t p = l->idx[k];
        bool sel = k == l->sel;
        attr_t at = sel ? A_REVERSE : A_NORMAL;
        double ratio, pull = tui_pull(t, p, &ratio);
        bool oc = !isnan(ratio) && ratio<t->oc_threshold, pulled = fabs(pull)> 1;
        put_field(t, ry, xx, 2, sel ? G("▸", ">") : "", at, 0);
        put_name(t, ry, xx + 2, namew, t->m->par[p].name, at | (oc ? A_BOLD : 0), 0);
        snprintf(v, sizeof(v), "%zu", t->syst.count[p]);
        put_right(t, ry, cx, nw, v, at, 0);
        snprintf(v, sizeof(v), "%.1f%%", 100 * t->syst.norm[p]);
        put_right(t, ry, cx + nw, normw, v, at, 0);
        snprintf(v, sizeof(v), "%.1f%%", 100 * t->syst.shape[p]);
        put_right(t, ry, cx + nw + normw, shapew, v, at, 0);
        if (isnan(pull))
            snprintf(v, sizeof(v), "-");
        else
            snprintf(v, sizeof(v), "%+.2f", pull);
        put_right(t, ry, cx + nw + normw + shapew, pullw, v, at, accent_if(t, pulled, 0));
        if (isnan(ratio))
            snprintf(v, sizeof(v), "-");
        else
            snprintf(v, sizeof(v), "%.2f", ratio);
        put_right(t, ry, cx + nw + normw + shapew + pullw, conw, v, at, accent_if(t, oc, 1));
        put_cp(t, ry, fx - 1, ' ', at, 0);
        tui_syst_flag_text(t, p, v, sizeof(v));
        put_field(t, ry, fx, flagw, v, at | (v[0] ? A_BOLD : 0), accent_if(t, oc, 0));
    }
}

/* The detail's left column: the parameter's numbers and its channel/sample entries. */
static void
draw_syst_entries(struct tui *t, int y, int x, int h, int w)
{
    tui_syst *s = &t->syst;
    size_t p = s->par, ne = tui_syst_nentries(t);
    char v[160];
    draw_box(t, y, x, h, w, t->m->par[p].name, true);
    int iw = w - 2, xx = x + 1, r = y + 1;
    if (iw < 10 || h < 6)
        return;
    double ratio, pull = tui_pull(t, p, &ratio);
    if (isnan(pull))
        snprintf(v, sizeof(v), "%s", t->have_fit ? "unconstrained or fixed" : "no fit yet (f)");
    else
        snprintf(v, sizeof(v), "pull %+.2f  %s %.2f%s", pull, G("σ/σ₀", "s/s0"), ratio,
                 ratio < t->oc_threshold ? "  OC" : "");
    put_field(t, r++, xx, iw, v, A_NORMAL, 0);
    char f[96];
    snprintf(v, sizeof(v), "flags %s", tui_syst_flag_text(t, p, f, sizeof(f))[0] ? f : "-");
    put_field(t, r++, xx, iw, v, A_NORMAL, 0);
    int upw = 8, dnw = 8, namew = iw - 2 - upw - dnw;
    put_field(t, r, xx, iw, "", A_NORMAL, 0);
    put_field(t, r, xx + 2, namew, "channel/sample", A_BOLD | A_UNDERLINE, 0);
    put_right(t, r, xx + 2 + namew, upw, "up", A_BOLD | A_UNDERLINE, 0);
    put_right(t, r, xx + 2 + namew + upw, dnw, "down", A_BOLD | A_UNDERLINE, 0);
    r++;
    int rows = y + h - 1 - r;
    if (rows < 1)
        return;
    if (s->esel >= ne)
        s->esel = ne ? ne - 1 : 0;
    if (s->esel < s->etop)
        s->etop = s->esel;
    if (s->esel >= s->etop + (size_t)rows)
        s->etop = s->esel - (size_t)rows + 1;
    for (int k = 0; k < rows; k++, r++) {
        size_t i = s->etop + (size_t)k;
        const hf_systematics_entry *e = tui_syst_entry(t, i);
        if (e == NULL) {
            put_field(t, r, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        bool sel = i == s->esel;
        attr_t at = sel ? A_REVERSE : A_NORMAL;
        const hf_cs *cs = &t->m->cs[e->cs];
        put_field(t, r, xx, 2, sel ? G("▸", ">") : "", at, 0);
        snprintf(v, sizeof(v), "%s/%s", t->m->chan[cs->chan]->name, t->m->samp_name[cs->samp]);
        put_name(t, r, xx + 2, namew, v, at | (e->flags & HF_SYST_ONE_SIDED ? A_BOLD : 0), 0);
        snprintf(v, sizeof(v), "%+.1f%%", 100 * e->norm_up);
        put_right(t, r, xx + 2 + namew, upw, v, at, 0);
        snprintf(v, sizeof(v), "%+.1f%%", 100 * e->norm_down);
        put_right(t, r, xx + 2 + namew + upw, dnw, v, at, 0);
    }
}

/* The detail's pane strip: every pane's name, the current one in reverse video. */
static void
draw_syst_tabs(struct tui *t, int y, int x, int w)
{
    int cx = x, full = 0;
    for (int k = 0; k < TUI_SP_COUNT; k++)
        full += (int)strlen(tui_syst_pane_name(k, false)) + 3;
    bool brief = full + 8 > w;
    put_field(t, y, x, w, "", A_NORMAL, 0);
    for (int k = 0; k < TUI_SP_COUNT && cx < x + w; k++) {
        char lab[40];
        snprintf(lab, sizeof(lab), " %s ", tui_syst_pane_name(k, brief));
        cx +=
            put_str(t, y, cx, x + w - cx, lab, k == t->syst.pane ? A_REVERSE | A_BOLD : A_NORMAL, 0);
        cx += put_str(t, y, cx, x + w - cx, " ", A_NORMAL, 0);
    }
    put_str(t, y, cx, x + w - cx, G("(Tab ⇥)", "(Tab)"), A_DIM, 0);
}

static void
draw_syst(struct tui *t, int y, int x, int h, int w)
{
    tui_syst *s = &t->syst;
    if (!s->detail) {
        draw_syst_list(t, y, x, h, w);
        return;
    }
    bool fig = s->pane == TUI_SP_TEMPLATES || s->pane == TUI_SP_INTERP;
    int lw = fig ? t->left_w : 0;
    if (fig)
        draw_syst_entries(t, y, x, h, lw);
    const hf_systematics_entry *e = tui_syst_entry(t, s->esel);
    char title[300];
    if (fig && e != NULL) {
        const hf_cs *cs = &t->m->cs[e->cs];
        snprintf(title, sizeof(title), "%s%s%s/%s%s%s", t->m->par[s->par].name, sep(t),
                 t->m->chan[cs->chan]->name, t->m->samp_name[cs->samp], sep(t),
                 tui_syst_pane_name(s->pane, false));
    } else {
        snprintf(title, sizeof(title), "%s%s%s", t->m->par[s->par].name, sep(t),
                 s->pane == TUI_SP_SOURCES ? "constraint sources" : "decorrelate and refit");
    }
    int rx = x + lw, rw = w - lw;
    draw_box(t, y, rx, h, rw, title, false);
    draw_syst_tabs(t, y + 1, rx + 1, rw - 2);
    if (fig) {
        draw_scene_in(t, y + 1, rx, h - 1, rw, tui_syst_scene(t), "no figure (out of memory)");
        return;
    }
    char **lines = NULL;
    size_t n = tui_syst_lines(t, rw - 4, &lines);
    size_t rows = h > 3 ? (size_t)(h - 3) : 0;
    if (n != (size_t)-1 && s->ttop + rows > n) /* j/k scroll; stop at the last line */
        s->ttop = n > rows ? n - rows : 0;
    for (int r = 0; r < h - 3; r++) {
        size_t k = s->ttop + (size_t)r;
        put_field(t, y + 2 + r, rx + 1, 1, "", A_NORMAL, 0);
        put_field(t, y + 2 + r, rx + 2, rw - 3,
                  n != (size_t)-1 && k < n    ? lines[k]
                  : r == 0 && n == (size_t)-1 ? "out of memory"
                                              : "",
                  A_NORMAL, 0);
    }
    if (n != (size_t)-1 && s->ttop + rows < n)
        put_str(t, y + h - 1, rx + rw - 12, 10, G(" ↓ more ", " v more "), A_BOLD, 0);
    tui_lines_free(lines, n);
}

/* ---- overlays ---- */

static void
draw_overlay_box(struct tui *t, char **lines, const char *const *clines, size_t n, const char *title, size_t *top)
{
    int W = t->cols, H = t->lines;
    int maxw = 20;
    if (lines == NULL && clines == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        const char *s = lines ? lines[i] : clines[i];
        int len = 0;
        for (; *s; s++)
            len += ((unsigned char)*s & 0xc0) != 0x80;
        if (len + 4 > maxw)
            maxw = len + 4;
    }
    int w = maxw < W - 4 ? maxw : W - 4;
    int h = (int)n + 2 < H - 2 ? (int)n + 2 : H - 2;
    int rows = h - 2;
    if (*top + (size_t)rows > n)
        *top = n > (size_t)rows ? n - (size_t)rows : 0;
    int y = (H - h) / 2, x = (W - w) / 2;
    blank(t, y, x, h, w);
    draw_box(t, y, x, h, w, title, true);
    for (int r = 0; r < rows; r++) {
        size_t k = *top + (size_t)r;
        if (k < n)
            put_field(t, y + 1 + r, x + 2, w - 4, lines ? lines[k] : clines[k],
                      k == 0 && clines ? A_BOLD : A_NORMAL, 0);
    }
    if (*top + (size_t)rows < n)
        put_str(t, y + h - 1, x + w - 12, 10, G(" ↓ more ", " v more "), A_BOLD, 0);
}

static void
draw_overlay(struct tui *t)
{
    if (t->overlay == TUI_OV_HELP) {
        const char **lines;
        size_t n = tui_help_lines(t, &lines);
        draw_overlay_box(t, NULL, lines, n, "Help (j/k scroll, any other key closes)", &t->help_top);
    } else if (t->overlay == TUI_OV_DETAIL) {
        char **lines = NULL;
        size_t n = tui_detail_lines(t, t->detail_par, &lines);
        if (n == (size_t)-1)
            return;
        draw_overlay_box(t, lines, NULL, n, "Details (j/k scroll, any other key closes)",
                         &t->help_top);
        tui_lines_free(lines, n);
    }
}

/* ---- the frame ---- */

static void
draw_too_small(struct tui *t)
{
    erase();
    const char *msg = "terminal too small: need 60x20";
    int len = (int)strlen(msg);
    put_str(t, t->lines / 2, t->cols > len ? (t->cols - len) / 2 : 0, t->cols, msg, A_BOLD, 0);
}

/* Paint the panes in `dirty`, then one doupdate(). The body is painted whole when any of its
 * panes is dirty: at most a few thousand cells, far under a frame. */
void
tui_draw(struct tui *t, unsigned dirty)
{
    if (t->too_small) {
        draw_too_small(t);
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
        draw_top(t);
    int by = 1, bh = t->lines - 2, W = t->cols;
    if (dirty & (TUI_DIRTY_LEFT | TUI_DIRTY_MAIN)) {
        /* the left column: sized to its names where it holds a list with columns (up to about
         * half the width), else about a quarter of the width */
        int lw = W / 4;
        if (t->view == TUI_V_CHANNELS) {
            /* all columns while the plot keeps 50 columns, else name, bins and deviance */
            int full = (int)t->max_chan_name + 2 + 29 + 2, brief = (int)t->max_chan_name + 2 + 13 + 2;
            lw = W - full >= 50 ? full : W - brief >= 36 ? brief : W * 2 / 5;
        }
        else if (t->view == TUI_V_SLIDER)
            lw = (int)(t->max_par_name > t->max_chan_name ? t->max_par_name : t->max_chan_name) +
                 2 + 9 + 12 + 2;
        else if (t->view == TUI_V_DENSITY)
            lw = W >= 110 ? 40 : 32; /* the settings need 31; the help text wraps */
        else if (t->view == TUI_V_CORR)
            lw = (int)t->max_par_name + 4;
        else if (t->view == TUI_V_SYST)
            lw = (int)t->max_chan_name + 14 + 2 + 16 + 2;
        int cap = t->view == TUI_V_CHANNELS ? W * 11 / 20 : W * 9 / 20;
        lw = lw > cap ? cap : lw;
        lw = lw < 28 ? 28 : lw;
        t->left_w = lw;
        switch (t->view) {
        case TUI_V_OVERVIEW:
            draw_overview(t, by, 0, bh, W);
            break;
        case TUI_V_CHANNELS:
            draw_channel_list(t, by, 0, bh, lw, true);
            draw_stack_pane(t, by, lw, bh, W - lw);
            break;
        case TUI_V_PARAMS:
            draw_param_table(t, by, 0, bh, W);
            break;
        case TUI_V_CORR:
            draw_corr(t, by, 0, bh, W);
            break;
        case TUI_V_SLIDER: {
            int ph = bh * 3 / 5;
            draw_slider_params(t, by, 0, ph, lw, t->focus == 0);
            draw_channel_list(t, by + ph, 0, bh - ph, lw, t->focus == 1);
            draw_stack_pane(t, by, lw, bh, W - lw);
            break;
        }
        case TUI_V_DENSITY:
            draw_density(t, by, 0, bh, W);
            break;
        case TUI_V_LOG:
            draw_log(t, by, 0, bh, W);
            break;
        case TUI_V_SYST:
            tui_syst_prepare(t); /* caches: the analysis once, the sources once per fit */
            draw_syst(t, by, 0, bh, W);
            break;
        case TUI_NVIEWS:
            break;
        }
        if (t->overlay != TUI_OV_NONE)
            draw_overlay(t);
    }
    if (dirty & TUI_DIRTY_STATUS || dirty & (TUI_DIRTY_LEFT | TUI_DIRTY_MAIN))
        draw_status(t);
    wnoutrefresh(stdscr);
    doupdate();
}
