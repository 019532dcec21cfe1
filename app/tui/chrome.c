/* app/tui/chrome.c - everything around the views: colours (scene inks to curses pairs), the
 * drawing primitives the views share (text, boxes, scenes blitted from a render/cells grid), the
 * top line, the status line, the overlays and the "too small" screen. The only place that copies
 * render/cells grids to the screen (tmux: only tty_draw_line touches the terminal). Calls nothing
 * in app/tui above the state; the loop (tui.c) hands it the key hints and the help text. */
#include "app/tui/chrome.h"
#include "app/tui/names.h"
#include "app/tui/plot.h"
#include "app/tui/state.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "render/cells.h"
#include "render/palette.h"

/* ---- colours ---- */

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
int
tui_ink_colour(struct tui *t, hf_ink ink, int map)
{
    if (t->mono)
        return -1;
    if (map >= 0)
        return term_colour(hf_palette_map(t->colours.pal, map / (double)(HF_CELL_MAPLEVELS - 1)));
    if (ink.role == HF_CELL_NOINK || ink.role == HF_ROLE_FG || ink.role == HF_ROLE_DATA ||
        ink.role == HF_ROLE_GRID)
        return -1;
    return term_colour(hf_palette_ink(t->colours.pal, ink));
}

short
tui_pair(struct tui *t, int fg, int bg)
{
    if (t->mono || (fg < 0 && bg < 0))
        return 0;
    tui_colours *c = &t->colours;
    for (int i = 1; i <= c->npairs; i++)
        if (c->fg[i] == fg && c->bg[i] == bg)
            return (short)i;
    if (c->npairs + 1 >= COLOR_PAIRS || c->npairs + 1 >= TUI_NPAIRS)
        return 0;
    c->npairs++;
    c->fg[c->npairs] = (short)fg;
    c->bg[c->npairs] = (short)bg;
    init_pair((short)c->npairs, (short)fg, (short)bg);
    return (short)c->npairs;
}

static short
accent_pair(struct tui *t, int idx)
{
    return tui_pair(t, tui_ink_colour(t, hf_ink_of(HF_ROLE_ACCENT, idx), -1), -1);
}

/* The accent pair when cond holds, else the default pair. */
short
tui_accent_if(struct tui *t, bool cond, int idx)
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
    tui_colours *c = &t->colours;
    c->pal = hf_palette_default(&c->pal_owned, &err);
    if (c->pal == NULL) {
        tui_log(t, "palette: %s; using the built-in one", hf_error_msg(&err));
        c->pal = hf_palette_builtin();
        c->pal_owned = 0;
    }
    hf_error_release(&err);
    const char *nc = getenv("NO_COLOR");
    if ((nc != NULL && nc[0] != '\0') || !has_colors())
        t->mono = true;
    if (!t->mono) {
        start_color();
        use_default_colors();
    }
    c->npairs = 0;
    return 0;
}

/* Free the palette (when loaded from a file) and the plot grid. */
void
tui_colors_release(struct tui *t)
{
    tui_colours *c = &t->colours;
    if (c->pal_owned)
        hf_palette_free((hf_palette *)c->pal);
    c->pal = NULL;
    c->pal_owned = 0;
    hf_cells_free(c->grid);
    c->grid = NULL;
}

void
tui_put_cp(struct tui *t, int y, int x, uint32_t cp, attr_t a, short pair)
{
    if (x < 0 || y < 0 || x >= t->cols || y >= t->lines)
        return;
    cp = hf_utf8_cell(cp);
    if (t->ascii && cp > 126)
        cp = '?';
    wchar_t wc[2] = {(wchar_t)cp, 0};
    cchar_t cc;
    setcchar(&cc, wc, a, pair, NULL);
    mvadd_wch(y, x, &cc);
}

/* UTF-8 text at (y, x), at most maxw columns; returns the columns written. */
int
tui_put_str(struct tui *t, int y, int x, int maxw, const char *s, attr_t a, short pair)
{
    int n = 0;
    while (s != NULL && *s != '\0' && n < maxw) {
        uint32_t cp = hf_utf8_decode(&s);
        tui_put_cp(t, y, x + n, cp, a, pair);
        n++;
    }
    return n;
}

/* Like put_str, padding with blanks to exactly w columns; text cut at w ends in an ellipsis. */
void
tui_put_field(struct tui *t, int y, int x, int w, const char *s, attr_t a, short pair)
{
    int n = tui_put_str(t, y, x, w, s, a, pair);
    if (n == w && w > 1 && s != NULL && hf_utf8_width(s) > (size_t)w)
        tui_put_cp(t, y, x + w - 1, t->ascii ? '~' : 0x2026, a, pair);
    for (; n < w; n++)
        tui_put_cp(t, y, x + n, ' ', a, pair);
}

/* A name in w columns: as is when it fits, else its head and tail around an ellipsis, since
 * channel and parameter names often differ only at the end ("SR_eMLLa_..._hghmet"). */
void
tui_put_name(struct tui *t, int y, int x, int w, const char *s, attr_t a, short pair)
{
    int len = (int)hf_utf8_width(s);
    if (len <= w || w < 8) {
        tui_put_field(t, y, x, w, s, a, pair);
        return;
    }
    int tail = (w - 1) / 2, head = w - 1 - tail;
    tui_put_str(t, y, x, head, s, a, pair);
    tui_put_cp(t, y, x + head, t->ascii ? '~' : 0x2026, a, pair);
    const char *u = s;
    for (int skip = len - tail; skip > 0 && *u; skip--) { /* to the tail's first code point */
        u++;
        while (((unsigned char)*u & 0xc0) == 0x80)
            u++;
    }
    tui_put_str(t, y, x + head + 1, tail, u, a, pair);
}

static const char *
chan_name_of(const void *m, size_t i)
{
    return ((const hf_model *)m)->chan[i]->name;
}

static const char *
par_name_of(const void *m, size_t i)
{
    return ((const hf_model *)m)->par[i].name;
}

/* Name i of the set nm (n names, name(m, i)) in w columns, told apart from the others. */
static void
put_named(struct tui *t, int y, int x, int w, tui_names *nm,
          const char *(*name)(const void *, size_t), size_t n, size_t i, attr_t a, short pair)
{
    if (w < 1)
        return;
    if (tui_names_fit(nm, name, t->m, n, w) < 0) { /* ENOMEM: head…tail */
        tui_put_name(t, y, x, w, name(t->m, i), a, pair);
        return;
    }
    tui_put_field(t, y, x, w, nm->l.text[i], a, pair); /* a label wider than w ends in … */
}

/* Channel ci's name in w columns, told apart from every other channel's (names.c). */
void
tui_put_chan(struct tui *t, int y, int x, int w, size_t ci, attr_t a, short pair)
{
    put_named(t, y, x, w, &t->chan_names, chan_name_of, t->m->nchan, ci, a, pair);
}

/* Parameter p's name in w columns, told apart from every other parameter's (names.c). */
void
tui_put_par(struct tui *t, int y, int x, int w, size_t p, attr_t a, short pair)
{
    put_named(t, y, x, w, &t->par_names, par_name_of, t->m->npar, p, a, pair);
}

/* Right-aligned in w columns. */
void
tui_put_right(struct tui *t, int y, int x, int w, const char *s, attr_t a, short pair)
{
    int len = (int)hf_utf8_width(s);
    int pad = w - len;
    for (int i = 0; i < pad; i++)
        tui_put_cp(t, y, x + i, ' ', a, pair);
    tui_put_str(t, y, x + (pad > 0 ? pad : 0), w, s, a, pair);
}

void
tui_blank(struct tui *t, int y, int x, int h, int w)
{
    for (int r = y; r < y + h; r++)
        for (int c = x; c < x + w; c++)
            tui_put_cp(t, r, c, ' ', A_NORMAL, 0);
}

void
tui_box(struct tui *t, int y, int x, int h, int w, const char *title, bool focus)
{
    if (h < 2 || w < 2)
        return;
    bool a = t->ascii;
    attr_t at = focus ? A_BOLD : A_NORMAL;
    uint32_t hz = a ? '-' : 0x2500, vt = a ? '|' : 0x2502;
    tui_put_cp(t, y, x, a ? '+' : 0x250C, at, 0);
    tui_put_cp(t, y, x + w - 1, a ? '+' : 0x2510, at, 0);
    tui_put_cp(t, y + h - 1, x, a ? '+' : 0x2514, at, 0);
    tui_put_cp(t, y + h - 1, x + w - 1, a ? '+' : 0x2518, at, 0);
    for (int c = x + 1; c < x + w - 1; c++) {
        tui_put_cp(t, y, c, hz, at, 0);
        tui_put_cp(t, y + h - 1, c, hz, at, 0);
    }
    for (int r = y + 1; r < y + h - 1; r++) {
        tui_put_cp(t, r, x, vt, at, 0);
        tui_put_cp(t, r, x + w - 1, vt, at, 0);
    }
    if (title != NULL && w > 6) {
        tui_put_cp(t, y, x + 1, ' ', at, 0);
        int n = tui_put_str(t, y, x + 2, w - 5, title, at | A_BOLD, 0);
        if (n == w - 5 && hf_utf8_width(title) > (size_t)n) /* cut: say so */
            tui_put_cp(t, y, x + 1 + n, a ? '~' : 0x2026, at | A_BOLD, 0);
        tui_put_cp(t, y, x + 2 + n, ' ', at, 0);
    }
}

const char *
tui_sep(const struct tui *t)
{
    return TUI_G(" · ", " - ");
}

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
            short pr = tui_pair(t, tui_ink_colour(t, cl->fg, cl->fgmap),
                                tui_ink_colour(t, cl->bg, cl->bgmap));
            tui_put_cp(t, y + r, x + c, cl->cp, a, pr);
        }
}

/* Draw scene s (NULL: `none` as text) into the inside of the box at (y, x, h, w); frees s. */
void
tui_draw_scene(struct tui *t, int y, int x, int h, int w, hf_scene *s, const char *none)
{
    int gw = w - 2, gh = h - 2;
    if (gw < 10 || gh < 5) {
        hf_scene_free(s);
        tui_blank(t, y + 1, x + 1, h - 2, w - 2);
        return;
    }
    hf_cellgrid *g = t->colours.grid;
    if (g == NULL)
        g = t->colours.grid = hf_cells_new(gw, gh);
    else if (g->w != gw || g->h != gh)
        hf_cells_resize(g, gw, gh);
    if (g == NULL || g->w != gw || g->h != gh) {
        hf_scene_free(s);
        tui_blank(t, y + 1, x + 1, gh, gw);
        tui_put_str(t, y + 1, x + 1, gw, "out of memory", A_BOLD, 0);
        return;
    }
    g->mono = t->mono;
    if (s == NULL) {
        hf_cells_clear(g);
        g->glyphs = glyphs(t);
        hf_cells_text(g, 1, 1, none, hf_ink_of(HF_ROLE_FG, 0), 0);
    } else {
        if (hf_cells_draw(g, s, glyphs(t)) < 0) { /* an incomplete figure is not shown */
            hf_cells_clear(g);
            hf_cells_text(g, 1, 1, "out of memory", hf_ink_of(HF_ROLE_FG, 0), 0);
        }
        hf_scene_free(s);
    }
    blit(t, g, y + 1, x + 1);
}

/* The stack figure of the current channel, inside the box at (y, x, h, w). */
void
tui_draw_stack(struct tui *t, tui_rect r)
{
    int y = r.y, x = r.x, h = r.h, w = r.w;
    size_t c = tui_current_channel(t);
    tui_point pt = tui_stack_point(t);
    char title[256];
    const hf_model *m = t->m;
    if (m->nchan == 0 || t->chl.nvis == 0) {
        tui_box(t, y, x, h, w, "no channel", false);
        tui_blank(t, y + 1, x + 1, h - 2, w - 2);
        return;
    }
    const char *state = pt == TUI_PT_LIVE ? tui_live_label(t) : tui_point_name(pt);
    if (t->postfit && !t->have_fit && t->view == TUI_V_CHANNELS)
        state = t->fit_state == TUI_FIT_RUNNING ? "pre-fit (post-fit: fitting...)"
                                                : "pre-fit (post-fit: no fit)";
    if (pt == TUI_PT_LIVE && t->live_is_cfit && t->cfit_label != NULL)
        snprintf(title, sizeof(title), "%s%s%s", t->cfit_label, t->logy ? tui_sep(t) : "",
                 t->logy ? "log y" : ""); /* the channel is in the plot's own title */
    else
        snprintf(title, sizeof(title), "%s%s%s%s%s", m->chan[c]->name, tui_sep(t), state,
                 t->logy ? tui_sep(t) : "", t->logy ? "log y" : "");
    tui_box(t, y, x, h, w, title, false);
    /* a terminal cell is about twice as tall as wide (gnuplot dumb: aspect 2,1) */
    hf_scene *s = tui_stack_scene(t, c, pt, (w - 2) / 10.0, (h - 2) / 5.0);
    tui_draw_scene(t, y, x, h, w, s, "no figure (out of memory)");
}

/* ---- top and status lines ---- */

static const char *const view_names[TUI_NVIEWS] = {"Overview", "Channels", "Params", "Corr",
                                                   "Slider",   "Density",  "Log",    "Syst",
                                                   "Regions",  "Points"};

/* The fit state for the top line's right end: long (fit) and short (fit_s, narrow terminals). */
static void
fit_texts(const struct tui *t, char *fit, size_t nf, char *fit_s, size_t ns)
{
    static const char *const spin_u[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    static const char *const spin_a[] = {"|", "/", "-", "\\"};
    switch (t->fit_state) {
    case TUI_FIT_IDLE:
        snprintf(fit, nf, "fit: idle (f) ");
        break;
    case TUI_FIT_RUNNING: {
        int k = t->test_mode ? 0 : (int)(tui_now() * 10);
        const char *sp = t->ascii ? spin_a[k % 4] : spin_u[k % 10];
        if (t->cfit_running)
            snprintf(fit, nf, "conditional fit: running %s it %d ", sp, t->fit_iter);
        else if (t->test_mode)
            snprintf(fit, nf, "fit: running %s it %d ", sp, t->fit_iter);
        else if (t->fit_iter == 0)
            snprintf(fit, nf, "fit: running %s starting  %.1fs (x cancels) ", sp, t->fit_secs);
        else
            snprintf(fit, nf, "fit: running %s it %d  NLL %.6g  %.1fs ", sp, t->fit_iter,
                     t->fit_nll, t->fit_secs);
        break;
    }
    case TUI_FIT_DONE: { /* flat directions (hf_fit_flat) are named in the Overview */
        char flat[32] = "";
        if (t->fit.nflat > 0)
            snprintf(flat, sizeof(flat), "%zu flat ", t->fit.nflat);
        if (t->m->poi >= 0 && hf_cli_blinding(&t->cli))
            snprintf(fit, nf, "fit: ok %s%s blinded ", flat, t->m->par[t->m->poi].name);
        else if (t->m->poi >= 0)
            snprintf(fit, nf, "fit: ok %s%s=%.3g%s%.2g ", flat, t->m->par[t->m->poi].name,
                     t->fit.x[t->m->poi], TUI_G("±", "+-"), t->fit.err[t->m->poi]);
        else
            snprintf(fit, nf, "fit: ok %s2NLL %.6g ", flat, t->fit.twice_nll);
        break;
    }
    case TUI_FIT_FAILED:
        if (t->fit_msg != NULL && strcmp(t->fit_msg, "cancelled") == 0)
            snprintf(fit, nf, "fit: cancelled (f restarts) ");
        else if (t->have_fit) /* a result that did not converge: its stage, errors n/a */
            snprintf(fit, nf, "fit: FAILED at %s (%s), errors n/a ",
                     hf_fit_stage_name(t->fit.reached), t->fit_msg ? t->fit_msg : "?");
        else
            snprintf(fit, nf, "fit: failed (%s) ", t->fit_msg ? t->fit_msg : "?");
        break;
    }
    /* a short form of the fit state for narrow terminals */
    switch (t->fit_state) {
    case TUI_FIT_IDLE:
        snprintf(fit_s, ns, "fit: idle ");
        break;
    case TUI_FIT_RUNNING:
        snprintf(fit_s, ns, "%s it %d ", t->cfit_running ? "cond. fit" : "fit", t->fit_iter);
        break;
    case TUI_FIT_DONE:
        snprintf(fit_s, ns, "fit: ok%s ", t->fit.nflat > 0 ? ", flat" : "");
        break;
    case TUI_FIT_FAILED:
        snprintf(fit_s, ns, "fit: %s ", t->have_fit ? "FAILED, errors n/a" : "failed");
        break;
    }
}

void
tui_chrome_top(struct tui *t)
{
    int W = t->cols;
    attr_t bar = A_REVERSE;
    tui_put_field(t, 0, 0, W, "", bar, 0);
    /* right: fit state */
    char fit[160], fit_s[64];
    fit_texts(t, fit, sizeof(fit), fit_s, sizeof(fit_s));
    /* the tabs: full names, or numbers with the current view's name */
    int tabs_full = 0, tabs_short = 0;
    for (int v = 0; v < TUI_NVIEWS; v++) {
        if (v == TUI_V_POINTS && t->points == NULL) /* the Points tab only with a patchset */
            continue;
        tabs_full += (int)strlen(view_names[v]) + 4;
        tabs_short += (int)t->view == v ? (int)strlen(view_names[v]) + 4 : 3;
    }
    /* the left part, most to least complete; the workspace file's name goes last of all */
    char left[3][512];
    snprintf(left[0], sizeof(left[0]), " hfscope%s%s%s%zu ch%s%zu par ", tui_sep(t), t->file_label,
             tui_sep(t), t->m->nchan, tui_sep(t), t->m->npar);
    snprintf(left[1], sizeof(left[1]), " %s%s%zu ch%s%zu par ", t->file_label, tui_sep(t),
             t->m->nchan, tui_sep(t), t->m->npar);
    snprintf(left[2], sizeof(left[2]), " %s ", t->file_label);
    /* preference order: (fit text, tabs, left part); -1: the file name clipped to the room */
    static const struct {
        int fit_long, tabs_long, left;
    } pref[] = {{1, 1, 0}, {1, 1, 1}, {1, 1, 2}, {1, 0, 1},
                {1, 0, 2}, {0, 0, 1}, {0, 0, 2}, {0, 0, -1}};
    const char *fitstr = fit_s, *lstr = NULL;
    bool full_tabs = false;
    int lw = 0;
    for (size_t k = 0; k < sizeof(pref) / sizeof(pref[0]); k++) {
        const char *f = pref[k].fit_long ? fit : fit_s;
        int fwk = (int)hf_utf8_width(f), tw = pref[k].tabs_long ? tabs_full : tabs_short;
        int room = W - fwk - tw - 1;
        int need = pref[k].left >= 0 ? (int)hf_utf8_width(left[pref[k].left]) : 8;
        if (need <= room) {
            fitstr = f;
            full_tabs = pref[k].tabs_long;
            lstr = pref[k].left >= 0 ? left[pref[k].left] : left[2];
            lw = pref[k].left >= 0 ? need : room;
            break;
        }
    }
    int fw = (int)hf_utf8_width(fitstr);
    if (fw > W / 2)
        fw = W / 2;
    tui_put_right(t, 0, W - fw, fw, fitstr, bar | A_BOLD, 0);
    int avail = W - fw - 1, x = 0;
    if (lstr != NULL) {
        if ((int)hf_utf8_width(lstr) > lw) { /* the file name, clipped in the middle: head…tail */
            char clip[512];
            const char *nm = t->file_label;
            int n = (int)hf_utf8_width(nm), keep = lw - 3, head = keep / 2, tail = keep - head;
            const char *p = nm, *q = nm;
            for (int c = 0; c < head && *p; c++)
                hf_utf8_decode(&p);
            for (int c = 0; c < n - tail && *q; c++)
                hf_utf8_decode(&q);
            snprintf(clip, sizeof(clip), " %.*s%s%s ", (int)(p - nm), nm, TUI_G("…", "~"), q);
            tui_put_str(t, 0, 0, lw, clip, bar | A_BOLD, 0);
        } else {
            tui_put_str(t, 0, 0, lw, lstr, bar | A_BOLD, 0);
        }
        x = lw;
    }
    for (int v = 0; v < TUI_NVIEWS; v++)
        t->tab_x0[v] = t->tab_x1[v] = -1; /* not drawn: not clickable */
    for (int v = 0; v < TUI_NVIEWS && x < avail; v++) {
        char tab[32];
        if (v == TUI_V_POINTS && t->points == NULL)
            continue;
        snprintf(tab, sizeof(tab), "%d %s", (v + 1) % 10, view_names[v]);
        int room = avail - x;
        if (room < 2)
            break;
        bool cur = (int)t->view == v;
        attr_t a = cur ? (A_BOLD | A_UNDERLINE) : A_REVERSE;
        if (!full_tabs && !cur) /* narrow: the number only, full name for the current */
            snprintf(tab, sizeof(tab), "%d", (v + 1) % 10);
        tui_put_cp(t, 0, x++, ' ', bar, 0);
        t->tab_x0[v] = x;
        x += tui_put_str(t, 0, x, room - 1, tab, a, 0);
        t->tab_x1[v] = x;
        if (x < avail)
            tui_put_cp(t, 0, x++, ' ', bar, 0);
    }
}

void
tui_chrome_status(struct tui *t, tui_hints_fn *hints_of)
{
    int y = t->lines - 1, W = t->cols;
    tui_put_field(t, y, 0, W, "", A_REVERSE, 0);
    char right[64];
    snprintf(right, sizeof(right), " %s  %s ", t->ascii ? "ASCII" : "UTF-8",
             t->mono ? "NO_COLOR" : "COLOR");
    int rw = (int)strlen(right);
    if (t->prompt_kind != TUI_PROMPT_NONE) {
        char buf[400];
        if (t->prompt_kind == TUI_PROMPT_OVERWRITE) {
            snprintf(buf, sizeof(buf), " %s exists: overwrite it? (y/n)", t->prompt);
            tui_put_str(t, y, 0, W - 1, buf, A_REVERSE | A_BOLD, 0);
            return;
        }
        snprintf(buf, sizeof(buf), " %s%s",
                 t->prompt_kind == TUI_PROMPT_FILTER   ? "filter: "
                 : t->prompt_kind == TUI_PROMPT_GOTO   ? "go to (Tab completes): "
                 : t->prompt_kind == TUI_PROMPT_EVENTS ? "events, FILE[:COL] or CHANNEL[/SAMPLE]: "
                                                       : "export to: ",
                 t->prompt);
        int n = tui_put_str(t, y, 0, W - 1, buf, A_REVERSE | A_BOLD, 0);
        tui_put_cp(t, y, n, t->ascii ? '_' : 0x2588, A_REVERSE, 0);
        if (t->prompt_kind == TUI_PROMPT_GOTO && n + 4 < W)
            tui_put_field(t, y, n + 3, W - n - 3, t->goto_hint, A_REVERSE, 0);
        return;
    }
    if (t->msg[0] != '\0' && (t->msg_error || tui_now() < t->msg_until)) {
        char buf[TUI_MSG_MAX + 8];
        snprintf(buf, sizeof(buf), " %s", t->msg);
        short pr = tui_accent_if(t, t->msg_error, 0);
        tui_put_str(t, y, 0, W - rw, buf, (t->msg_error ? A_BOLD : A_NORMAL) | A_REVERSE, pr);
    } else { /* the selected row's full name (lists cut names), then the key hints */
        const char *name = tui_selected_name(t);
        int n = 0;
        if (name != NULL) {
            n = 1 + (int)hf_utf8_width(name) + 2;
            if (n > W - rw)
                n = W - rw;
            tui_put_cp(t, y, 0, ' ', A_REVERSE, 0);
            tui_put_field(t, y, 1, n - 1, name, A_REVERSE | A_BOLD, 0);
        }
        char hints[512];
        hints_of(t, hints, sizeof(hints), W - rw - 1 - n);
        tui_put_str(t, y, n, W - rw - n, hints, A_REVERSE, 0);
    }
    if (W > rw + 20)
        tui_put_str(t, y, W - rw, rw, right, A_REVERSE, 0);
}

const char *
tui_sort_mark(const struct tui *t, const tui_list *l, int col)
{
    if (l->sort_col != col)
        return "";
    return l->sort_inv ? TUI_G("▲", "^") : TUI_G("▼", "v");
}

void
tui_text_pane(struct tui *t, int y, int x, int h, int w, const char *title, char **lines, size_t n,
              size_t top)
{
    tui_box(t, y, x, h, w, title, true);
    for (int r = 0; r < h - 2; r++) {
        size_t k = top + (size_t)r;
        tui_put_field(t, y + 1 + r, x + 1, w - 2, k < n ? lines[k] : "", A_NORMAL, 0);
    }
}

static void
draw_overlay_box(struct tui *t, char **lines, const char *const *clines, size_t n,
                 const char *title, size_t *top)
{
    int W = t->cols, H = t->lines;
    int maxw = 20;
    if (lines == NULL && clines == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        int len = (int)hf_utf8_width(lines ? lines[i] : clines[i]);
        if (len + 4 > maxw)
            maxw = len + 4;
    }
    int w = maxw < W - 4 ? maxw : W - 4;
    int h = (int)n + 2 < H - 2 ? (int)n + 2 : H - 2;
    int rows = h - 2;
    if (*top + (size_t)rows > n)
        *top = n > (size_t)rows ? n - (size_t)rows : 0;
    int y = (H - h) / 2, x = (W - w) / 2;
    tui_blank(t, y, x, h, w);
    tui_box(t, y, x, h, w, title, true);
    for (int r = 0; r < rows; r++) {
        size_t k = *top + (size_t)r;
        if (k < n)
            tui_put_field(t, y + 1 + r, x + 2, w - 4, lines ? lines[k] : clines[k],
                          k == 0 && clines ? A_BOLD : A_NORMAL, 0);
    }
    if (*top + (size_t)rows < n)
        tui_put_str(t, y + h - 1, x + w - 12, 10, TUI_G(" ↓ more ", " v more "), A_BOLD, 0);
}

void
tui_chrome_overlay(struct tui *t, const char *const *help, size_t nhelp)
{
    if (t->overlay == TUI_OV_HELP) {
        draw_overlay_box(t, NULL, help, nhelp, "Help (j/k scroll, any other key closes)",
                         &t->help_top);
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

void
tui_chrome_too_small(struct tui *t)
{
    erase();
    const char *msg = "terminal too small: need 60x20";
    int len = (int)strlen(msg);
    tui_put_str(t, t->lines / 2, t->cols > len ? (t->cols - len) / 2 : 0, t->cols, msg, A_BOLD, 0);
}

/* ---- pane geometry ---- */

/* Lay the body out as a left column of lw columns (at most cap, at least TUI_MIN_LEFT) and the
 * main pane beside it; views that use the whole body still set left_w (mouse clicks). */
void
tui_split(struct tui *t, tui_rect body, int lw, int cap)
{
    lw = lw > cap ? cap : lw;
    lw = lw < TUI_MIN_LEFT ? TUI_MIN_LEFT : lw;
    t->left_w = lw;
    t->panes.body = body;
    t->panes.left = (tui_rect){body.y, body.x, body.h, lw};
    t->panes.below = (tui_rect){body.y + body.h, body.x, 0, lw};
    t->panes.main = (tui_rect){body.y, body.x + lw, body.h, body.w - lw};
}

/* The whole body for one pane (Overview, Parameters, Log); left_w as a quarter of the width. */
void
tui_layout_whole(struct tui *t, tui_rect body)
{
    tui_split(t, body, body.w / 4, TUI_LEFT_CAP(body.w));
}
