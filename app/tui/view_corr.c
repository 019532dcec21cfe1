/* app/tui/view_corr.c - view 4: the parameters with a correlation above the threshold (t/T) and
 * their correlation heat map, a cursor column moved with left/right. Its figure is
 * render/plot_corr.h at the same threshold. */
#include "app/tui/chrome.h"
#include "app/tui/state.h"
#include "app/tui/view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "render/plot_corr.h"

enum { INFO = 3 };

/* Under the heat map: the cursor column's full name, the selected row's strongest correlations
 * and the legend of the cells (the colour scale, or the characters without colour). */
static void
info_lines(struct tui *t, int y, int x, int w, size_t rowp, size_t colp)
{
    size_t n = t->m->npar, best[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
    char buf[512];
    snprintf(buf, sizeof(buf), "column: %s", t->m->par[colp].name);
    tui_put_field(t, y, x, w, buf, A_NORMAL, 0);
    for (size_t j = 0; j < n; j++) { /* the three largest |rho| with the row, but itself */
        if (j == rowp || t->fit.fixed[j])
            continue;
        double a = fabs(t->corr[rowp * n + j]);
        for (int k = 0; k < 3; k++)
            if (best[k] == (size_t)-1 || a > fabs(t->corr[rowp * n + best[k]])) {
                for (int m = 2; m > k; m--)
                    best[m] = best[m - 1];
                best[k] = j;
                break;
            }
    }
    size_t len = (size_t)snprintf(buf, sizeof(buf), "strongest:");
    for (int k = 0; k < 3 && best[k] != (size_t)-1 && len < sizeof(buf); k++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %+.2f %s%s",
                                t->corr[rowp * n + best[k]], t->m->par[best[k]].name,
                                k < 2 ? "," : "");
    tui_put_field(t, y + 1, x, w, buf, A_NORMAL, 0);
    if (!t->mono && !t->ascii) { /* the colour scale from -1 to +1 */
        int cw = w - 12 > 21 ? 21 : w - 12;
        tui_put_field(t, y + 2, x, w, "-1", A_NORMAL, 0);
        for (int i = 0; i < cw; i++) {
            int lev = (int)lround((double)i / (cw - 1) * (HF_CELL_MAPLEVELS - 1));
            short pr = tui_pair(t, -1, tui_ink_colour(t, hf_ink_of(HF_CELL_NOINK, 0), lev));
            tui_put_cp(t, y + 2, x + 3 + i, ' ', A_NORMAL, pr);
        }
        tui_put_str(t, y + 2, x + 4 + cw, 3, "+1", A_NORMAL, 0);
    } else {
        tui_put_field(t, y + 2, x, w,
                      TUI_G("ρ>0 . + * #  ρ<0 . - = %  (|ρ| .25 .5 .75 1)",
                            "rho>0 . + * #  rho<0 . - = %  (|rho| .25 .5 .75 1)"),
                      A_NORMAL, 0);
    }
}

static void
draw(struct tui *t)
{
    tui_list *l = &t->corrl;
    tui_rect L = t->panes.left;
    int y = L.y, x = L.x, h = L.h, lw = L.w, w = lw + t->panes.main.w;
    char title[128];
    snprintf(title, sizeof(title), "%zu params%s%s %.2f", l->nvis, tui_sep(t),
             TUI_G("|ρ| ≥", "|rho| >="), t->corr_threshold);
    tui_box(t, y, x, h, lw, title, true);
    int rows = h - 3, info = rows >= 12 ? INFO : 0; /* the last rows: column, strongest, legend */
    rows -= info;
    if (!t->have_fit || t->corr == NULL || l->nvis == 0) {
        tui_blank(t, y + 1, x + 1, h - 2, lw - 2);
        tui_blank(t, y + 1, x + lw + 1, h - 2, w - lw - 2);
        tui_box(t, y, x + lw, h, w - lw, "Correlation matrix", false);
        tui_put_str(t, y + 2, x + lw + 2, w - lw - 4,
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
    /* the value first: a long name never pushes it out of the title */
    snprintf(rt, sizeof(rt), "%s = %+.3f: %s %s %s", TUI_G("ρ", "rho"), t->corr[rowp * n + colp],
             t->m->par[rowp].name, TUI_G("×", "x"), t->m->par[colp].name);
    tui_box(t, y, x + lw, h, w - lw, rt, false);
    int hx = x + lw + 1, hw = w - lw - 2;
    int ncolvis = hw / 2;
    size_t coloff = t->corr_coloff;
    if (t->corr_col < coloff)
        coloff = t->corr_col;
    if (ncolvis > 0 && t->corr_col >= coloff + (size_t)ncolvis)
        coloff = t->corr_col - (size_t)ncolvis + 1;
    if (coloff + (size_t)ncolvis > l->nvis)
        coloff = l->nvis > (size_t)ncolvis ? l->nvis - (size_t)ncolvis : 0;
    t->corr_coloff = coloff;
    /* header row: a mark over the cursor column */
    tui_put_field(t, y + 1, hx, hw, "", A_NORMAL, 0);
    tui_put_field(t, y + 1, x + 1, lw - 2, "", A_NORMAL, 0);
    tui_put_str(t, y + 1, x + 3, lw - 4, "row \\ column", A_BOLD | A_UNDERLINE, 0);
    if (t->corr_col >= coloff && t->corr_col < coloff + (size_t)ncolvis)
        tui_put_str(t, y + 1, hx + 2 * (int)(t->corr_col - coloff), 2, TUI_G("▼▼", "vv"), A_BOLD,
                    0);
    static const char *const pos_m = " .+*#", *const neg_m = " .-=%";
    for (int r = 0; r < rows; r++) {
        size_t k = l->top + (size_t)r;
        int ry = y + 2 + r;
        if (k >= l->nvis) {
            tui_put_field(t, ry, x + 1, lw - 2, "", A_NORMAL, 0);
            tui_put_field(t, ry, hx, hw, "", A_NORMAL, 0);
            continue;
        }
        size_t pi = l->idx[k];
        bool sel = k == l->sel;
        attr_t at = sel ? A_REVERSE : A_NORMAL;
        tui_put_field(t, ry, x + 1, 2, sel ? TUI_G("▸", ">") : "", at, 0);
        tui_put_par(t, ry, x + 3, lw - 4, pi, at, 0);
        for (int cc = 0; cc < ncolvis; cc++) {
            size_t kc = coloff + (size_t)cc;
            int cx = hx + 2 * cc;
            if (kc >= l->nvis) {
                tui_put_str(t, ry, cx, 2, "  ", A_NORMAL, 0);
                continue;
            }
            double rho = t->corr[pi * n + l->idx[kc]];
            bool cursor = sel && kc == t->corr_col;
            double t01 = (rho + 1) / 2;
            if (!t->mono && !t->ascii) {
                int lev = (int)lround(t01 * (HF_CELL_MAPLEVELS - 1));
                short pr = tui_pair(t, -1, tui_ink_colour(t, hf_ink_of(HF_CELL_NOINK, 0), lev));
                tui_put_str(t, ry, cx, 2, cursor ? "[]" : "  ", cursor ? A_BOLD : A_NORMAL, pr);
            } else {
                int lev = (int)lround(fabs(rho) * 4);
                lev = lev > 4 ? 4 : lev;
                char g = pos_m[lev];
                if (rho < 0)
                    g = neg_m[lev];
                char g2[3] = {g, g, 0};
                if (!t->mono) {
                    int lv = (int)lround(t01 * (HF_CELL_MAPLEVELS - 1));
                    short pr = tui_pair(t, tui_ink_colour(t, hf_ink_of(HF_CELL_NOINK, 0), lv), -1);
                    tui_put_str(t, ry, cx, 2, cursor ? "[]" : g2, cursor ? A_BOLD : A_NORMAL, pr);
                } else {
                    tui_put_str(t, ry, cx, 2, cursor ? "[]" : g2, cursor ? A_REVERSE : A_NORMAL, 0);
                }
            }
        }
        for (int c = 2 * ncolvis; c < hw; c++)
            tui_put_cp(t, ry, hx + c, ' ', A_NORMAL, 0);
    }
    if (info) {
        tui_blank(t, y + 2 + rows, x + 1, info, lw - 2);
        info_lines(t, y + 2 + rows, hx, hw, rowp, colp);
    }
}

static void
layout(struct tui *t, tui_rect body)
{
    tui_split(t, body, (int)t->max_par_name + 4, TUI_LEFT_CAP(body.w)); /* marks and frame: 4 */
}

static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    switch (act) {
    case TUI_ACT_LEFT:
    case TUI_ACT_RIGHT:
        if (act == TUI_ACT_RIGHT && t->corr_col + 1 < t->corrl.nvis)
            t->corr_col++;
        if (act == TUI_ACT_LEFT && t->corr_col > 0)
            t->corr_col--;
        *dirty = TUI_DIRTY_MAIN | TUI_DIRTY_STATUS;
        return true;
    case TUI_ACT_ENTER:
        *dirty = t->corrl.nvis == 0 ? 0 : tui_open_detail(t, tui_current_param(t));
        return true;
    case TUI_ACT_THRDOWN:
    case TUI_ACT_THRUP:
        t->corr_threshold =
            fmin(0.95, fmax(0.0, t->corr_threshold + (act == TUI_ACT_THRUP ? 0.05 : -0.05)));
        tui_list_rebuild(t, &t->corrl);
        t->corr_col = 0;
        tui_message(t, false, "correlation threshold %.2f: %zu parameters shown", t->corr_threshold,
                    t->corrl.nvis);
        *dirty = TUI_DIRTY_ALL;
        return true;
    default:
        return false;
    }
}

/* The correlation matrix at the view's threshold, one page. */
static hf_scene **
scenes(struct tui *t, size_t *n)
{
    *n = 0;
    if (!t->have_fit)
        return NULL;
    hf_error err = {0};
    hf_corr_options o;
    hf_corr_options_init(&o);
    o.threshold = t->corr_threshold > 0 ? t->corr_threshold : 1e-9;
    hf_scene **pages = tui_one_page(hf_plot_corr(t->m, &t->fit, &o, &err), n);
    hf_error_release(&err);
    return pages;
}

const struct tui_view tui_view_corr = {
    .layout = layout,
    .draw = draw,
    .key = key,
    .scenes = scenes,
};
