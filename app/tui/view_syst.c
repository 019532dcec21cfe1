/* app/tui/view_syst.c - view 8: the two-point parameters (normsys, histosys) with their effects,
 * pull, constraint and flags; Enter (or right) opens one: its channel/sample entries beside the
 * templates, the interpolation, the constraint sources, or decorrelate-and-refit (d), Tab
 * cycling the panes. The data and the figures are syst.c's. */
#include "app/tui/chrome.h"
#include "app/tui/syst.h"
#include "app/tui/view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The detail's left column: a channel/sample name, the up and down columns (ENTRY_COL each)
 * and the marks and frame; the numbers above it need ENTRY_HEAD. */
#define ENTRY_COL  8
#define ENTRY_HEAD 14

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
                 "Systematics %zu/%zu%sover-constrained below %.2f (t/T)  /%s", l->nvis, all,
                 tui_sep(t), t->oc_threshold, l->filter);
    } else {
        snprintf(title, sizeof(title),
                 "Systematics: %zu two-point parameters%sover-constrained "
                 "below %.2f (t/T)",
                 l->nvis, tui_sep(t), t->oc_threshold);
    }
    tui_box(t, y, x, h, w, title, true);
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
    tui_put_field(t, yy, xx, iw, "", A_NORMAL, 0);
    snprintf(v, sizeof(v), "parameter%s", tui_sort_mark(t, l, 0));
    tui_put_field(t, yy, xx + 2, namew, v, A_BOLD | A_UNDERLINE, 0);
    tui_put_right(t, yy, cx, nw, "ch", A_BOLD | A_UNDERLINE, 0);
    tui_put_right(t, yy, cx + nw, normw, "norm", A_BOLD | A_UNDERLINE, 0);
    tui_put_right(t, yy, cx + nw + normw, shapew, "shape", A_BOLD | A_UNDERLINE, 0);
    snprintf(v, sizeof(v), "pull%s", tui_sort_mark(t, l, 3));
    tui_put_right(t, yy, cx + nw + normw + shapew, pullw, v, A_BOLD | A_UNDERLINE, 0);
    snprintf(v, sizeof(v), "%s%s", TUI_G("σ/σ₀", "s/s0"), tui_sort_mark(t, l, 4));
    tui_put_right(t, yy, cx + nw + normw + shapew + pullw, conw, v, A_BOLD | A_UNDERLINE, 0);
    int fx = cx + nw + normw + shapew + pullw + conw + 1;
    tui_put_field(t, yy, fx, flagw, "flags", A_BOLD | A_UNDERLINE, 0);
    if (!t->syst.analysed || l->nvis == 0) {
        tui_blank(t, yy + 1, xx, rows, iw);
        tui_put_str(t, yy + 2, xx + 2, iw - 4,
                    !t->syst.analysed         ? "the systematics analysis failed (see the log, 7)"
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
            tui_put_field(t, ry, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        size_t p = l->idx[k];
        bool sel = k == l->sel;
        attr_t at = sel ? A_REVERSE : A_NORMAL;
        double ratio, pull = tui_pull(t, p, &ratio);
        bool oc = !isnan(ratio) && ratio<t->oc_threshold, pulled = fabs(pull)> 1;
        tui_put_field(t, ry, xx, 2, sel ? TUI_G("▸", ">") : "", at, 0);
        tui_put_par(t, ry, xx + 2, namew, p, at | (oc ? A_BOLD : 0), 0);
        snprintf(v, sizeof(v), "%zu", t->syst.count[p]);
        tui_put_right(t, ry, cx, nw, v, at, 0);
        snprintf(v, sizeof(v), "%.1f%%", 100 * t->syst.norm[p]);
        tui_put_right(t, ry, cx + nw, normw, v, at, 0);
        snprintf(v, sizeof(v), "%.1f%%", 100 * t->syst.shape[p]);
        tui_put_right(t, ry, cx + nw + normw, shapew, v, at, 0);
        if (isnan(pull))
            snprintf(v, sizeof(v), "-");
        else
            snprintf(v, sizeof(v), "%+.2f", pull);
        tui_put_right(t, ry, cx + nw + normw + shapew, pullw, v, at, tui_accent_if(t, pulled, 0));
        if (isnan(ratio))
            snprintf(v, sizeof(v), "-");
        else
            snprintf(v, sizeof(v), "%.2f", ratio);
        tui_put_right(t, ry, cx + nw + normw + shapew + pullw, conw, v, at,
                      tui_accent_if(t, oc, 1));
        tui_put_cp(t, ry, fx - 1, ' ', at, 0);
        tui_syst_flag_text(t, p, v, sizeof(v));
        tui_put_field(t, ry, fx, flagw, v, at | (v[0] ? A_BOLD : 0), tui_accent_if(t, oc, 0));
    }
}

/* The detail's left column: the parameter's numbers and its channel/sample entries. */
static void
draw_syst_entries(struct tui *t, int y, int x, int h, int w)
{
    tui_syst *s = &t->syst;
    size_t p = s->par, ne = tui_syst_nentries(t);
    char v[160];
    tui_box(t, y, x, h, w, t->m->par[p].name, true);
    int iw = w - 2, xx = x + 1, r = y + 1;
    if (iw < 10 || h < 6)
        return;
    double ratio, pull = tui_pull(t, p, &ratio);
    if (isnan(pull))
        snprintf(v, sizeof(v), "%s", t->have_fit ? "unconstrained or fixed" : "no fit yet (f)");
    else
        snprintf(v, sizeof(v), "pull %+.2f  %s %.2f%s", pull, TUI_G("σ/σ₀", "s/s0"), ratio,
                 ratio < t->oc_threshold ? "  OC" : "");
    tui_put_field(t, r++, xx, iw, v, A_NORMAL, 0);
    char f[96];
    snprintf(v, sizeof(v), "flags %s", tui_syst_flag_text(t, p, f, sizeof(f))[0] ? f : "-");
    tui_put_field(t, r++, xx, iw, v, A_NORMAL, 0);
    int upw = ENTRY_COL, dnw = ENTRY_COL, namew = iw - 2 - upw - dnw;
    tui_put_field(t, r, xx, iw, "", A_NORMAL, 0);
    tui_put_field(t, r, xx + 2, namew, "channel/sample", A_BOLD | A_UNDERLINE, 0);
    tui_put_right(t, r, xx + 2 + namew, upw, "up", A_BOLD | A_UNDERLINE, 0);
    tui_put_right(t, r, xx + 2 + namew + upw, dnw, "down", A_BOLD | A_UNDERLINE, 0);
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
            tui_put_field(t, r, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        bool sel = i == s->esel;
        attr_t at = sel ? A_REVERSE : A_NORMAL;
        const hf_cs *cs = &t->m->cs[e->cs];
        tui_put_field(t, r, xx, 2, sel ? TUI_G("▸", ">") : "", at, 0);
        snprintf(v, sizeof(v), "%s/%s", t->m->chan[cs->chan]->name, t->m->samp_name[cs->samp]);
        tui_put_name(t, r, xx + 2, namew, v, at | (e->flags & HF_SYST_ONE_SIDED ? A_BOLD : 0), 0);
        snprintf(v, sizeof(v), "%+.1f%%", 100 * e->norm_up);
        tui_put_right(t, r, xx + 2 + namew, upw, v, at, 0);
        snprintf(v, sizeof(v), "%+.1f%%", 100 * e->norm_down);
        tui_put_right(t, r, xx + 2 + namew + upw, dnw, v, at, 0);
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
    tui_put_field(t, y, x, w, "", A_NORMAL, 0);
    for (int k = 0; k < TUI_SP_COUNT && cx < x + w; k++) {
        char lab[40];
        snprintf(lab, sizeof(lab), " %s ", tui_syst_pane_name(k, brief));
        cx += tui_put_str(t, y, cx, x + w - cx, lab,
                          k == (int)t->syst.pane ? A_REVERSE | A_BOLD : A_NORMAL, 0);
        cx += tui_put_str(t, y, cx, x + w - cx, " ", A_NORMAL, 0);
    }
    tui_put_str(t, y, cx, x + w - cx, TUI_G("(Tab ⇥)", "(Tab)"), A_DIM, 0);
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
    int lw = fig ? t->panes.left.w : 0;
    if (fig)
        draw_syst_entries(t, y, x, h, lw);
    const hf_systematics_entry *e = tui_syst_entry(t, s->esel);
    char title[300];
    if (fig && e != NULL) {
        const hf_cs *cs = &t->m->cs[e->cs];
        snprintf(title, sizeof(title), "%s%s%s/%s%s%s", t->m->par[s->par].name, tui_sep(t),
                 t->m->chan[cs->chan]->name, t->m->samp_name[cs->samp], tui_sep(t),
                 tui_syst_pane_name(s->pane, false));
    } else {
        snprintf(title, sizeof(title), "%s%s%s", t->m->par[s->par].name, tui_sep(t),
                 s->pane == TUI_SP_SOURCES ? "constraint sources" : "decorrelate and refit");
    }
    int rx = x + lw, rw = w - lw;
    tui_box(t, y, rx, h, rw, title, false);
    draw_syst_tabs(t, y + 1, rx + 1, rw - 2);
    if (fig) {
        tui_draw_scene(t, y + 1, rx, h - 1, rw, tui_syst_scene(t), "no figure (out of memory)");
        return;
    }
    char **lines = NULL;
    size_t n = tui_syst_lines(t, rw - 4, &lines);
    size_t rows = h > 3 ? (size_t)(h - 3) : 0;
    if (n != (size_t)-1 && s->ttop + rows > n) /* j/k scroll; stop at the last line */
        s->ttop = n > rows ? n - rows : 0;
    for (int r = 0; r < h - 3; r++) {
        size_t k = s->ttop + (size_t)r;
        tui_put_field(t, y + 2 + r, rx + 1, 1, "", A_NORMAL, 0);
        tui_put_field(t, y + 2 + r, rx + 2, rw - 3,
                      n != (size_t)-1 && k < n    ? lines[k]
                      : r == 0 && n == (size_t)-1 ? "out of memory"
                                                  : "",
                      A_NORMAL, 0);
    }
    if (n != (size_t)-1 && s->ttop + rows < n)
        tui_put_str(t, y + h - 1, rx + rw - 12, 10, TUI_G(" ↓ more ", " v more "), A_BOLD, 0);
    tui_lines_free(lines, n);
}

static void
layout(struct tui *t, tui_rect body)
{
    tui_split(t, body, (int)t->max_chan_name + ENTRY_HEAD + 2 + 2 * ENTRY_COL + 2,
              TUI_LEFT_CAP(body.w));
}

static void
draw(struct tui *t)
{
    tui_rect b = t->panes.body;
    tui_syst_prepare(t); /* caches: the analysis once, the sources once per fit */
    draw_syst(t, b.y, b.x, b.h, b.w);
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
        t->syst.pane = (tui_syst_pane)pane;
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

/* The list's keys go to the global ones; an open parameter takes the moves, Tab and q itself. */
static bool
detail_key(struct tui *t, tui_action act, unsigned *dirty)
{
    long page = t->lines - 4 > 1 ? t->lines - 4 : 1, n = (long)tui_syst_nentries(t);
    switch (act) {
    case TUI_ACT_DOWN:
    case TUI_ACT_UP:
    case TUI_ACT_NEXT:
    case TUI_ACT_PREV:
        *dirty = syst_move(t, act == TUI_ACT_DOWN || act == TUI_ACT_NEXT ? 1 : -1);
        return true;
    case TUI_ACT_TOP:
    case TUI_ACT_BOTTOM:
        *dirty = syst_move(t, act == TUI_ACT_TOP ? -n : n);
        return true;
    case TUI_ACT_HALFDOWN:
    case TUI_ACT_HALFUP:
    case TUI_ACT_PAGEDOWN:
    case TUI_ACT_PAGEUP: {
        long d = act == TUI_ACT_HALFDOWN || act == TUI_ACT_HALFUP ? page / 2 : page;
        *dirty = syst_move(t, act == TUI_ACT_HALFUP || act == TUI_ACT_PAGEUP ? -d : d);
        return true;
    }
    case TUI_ACT_TAB:
    case TUI_ACT_BTAB:
        t->syst.pane =
            (tui_syst_pane)(((int)t->syst.pane + (act == TUI_ACT_TAB ? 1 : TUI_SP_COUNT - 1)) %
                            TUI_SP_COUNT);
        *dirty = TUI_DIRTY_ALL;
        return true;
    case TUI_ACT_QUIT: /* tig: q closes the view */
        t->syst.detail = false;
        *dirty = TUI_DIRTY_ALL;
        return true;
    default:
        return false;
    }
}

static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    tui_syst_prepare(t); /* the list must exist before keys move in it */
    switch (act) {
    case TUI_ACT_LEFT:
    case TUI_ACT_RIGHT:
    case TUI_ACT_BIGLEFT:
    case TUI_ACT_BIGRIGHT:
    case TUI_ACT_NUDGEUP:
    case TUI_ACT_NUDGEDOWN: /* ncdu: right opens, left goes back to the parent */
        if (act == TUI_ACT_RIGHT) {
            *dirty = syst_open(t, -1);
            return true;
        }
        t->syst.detail = false;
        *dirty = TUI_DIRTY_ALL;
        return true;
    case TUI_ACT_ENTER:
        *dirty = t->syst.detail ? 0 : syst_open(t, -1);
        return true;
    case TUI_ACT_ESC: /* a running split fit: the global Esc cancels it */
        if (t->syst.dstate == TUI_DECOR_RUNNING || !t->syst.detail)
            return false;
        t->syst.detail = false;
        *dirty = TUI_DIRTY_ALL;
        return true;
    case TUI_ACT_DECOR:
        if (!t->syst.detail && syst_open(t, TUI_SP_DECOR) == 0) {
            *dirty = 0;
            return true;
        }
        t->syst.pane = TUI_SP_DECOR;
        tui_syst_decorrelate(t);
        *dirty = TUI_DIRTY_ALL;
        return true;
    default:
        return t->syst.detail && detail_key(t, act, dirty);
    }
}

const struct tui_view tui_view_syst = {
    .layout = layout,
    .draw = draw,
    .key = key,
    .scenes = tui_syst_scenes,
};
