/* app/tui/view_params.c - view 3: every parameter with its value, error, pull (and a pull bar
 * when wide), post/pre-fit width and flags; left/right move it as in the Slider. Its figure is
 * the pull plot (render/plot_pulls.h), sorted like the list. */
#include "app/tui/chrome.h"
#include "app/tui/links.h"
#include "app/tui/state.h"
#include "app/tui/syst.h"
#include "app/tui/view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "render/plot_nllshape.h"
#include "render/plot_pulls.h"

/* A pull bar over [-3, 3]: whisker for the constraint, marker at the pull. */
static void
pull_bar(struct tui *t, int y, int x, int w, double pull, double ratio, attr_t at)
{
    for (int i = 0; i < w; i++)
        tui_put_cp(t, y, x + i, ' ', at, 0);
    if (w < 7)
        return;
    double scale = (w - 1) / 6.0;
    for (int s = -2; s <= 2; s++) {
        int c = (int)lround((s + 3) * scale);
        tui_put_cp(t, y, x + c, s == 0 ? (t->ascii ? '|' : 0x2502) : (t->ascii ? '.' : 0x00B7), at,
                   0);
    }
    if (isnan(pull))
        return;
    double lo = pull - (isfinite(ratio) ? ratio : 0), hi = pull + (isfinite(ratio) ? ratio : 0);
    int c0 = (int)lround((fmax(lo, -3) + 3) * scale), c1 = (int)lround((fmin(hi, 3) + 3) * scale);
    for (int c = c0; c <= c1; c++)
        tui_put_cp(t, y, x + c, t->ascii ? '-' : 0x2500, at, 0);
    int cp = (int)lround((fmin(fmax(pull, -3), 3) + 3) * scale);
    short pr = tui_accent_if(t, fabs(pull) > 1, 0);
    tui_put_cp(t, y, x + cp, t->ascii ? 'o' : 0x25CF, at | A_BOLD, pr);
}

static void
draw_param_table(struct tui *t, int y, int x, int h, int w)
{
    tui_list *l = &t->parl;
    char title[160];
    snprintf(title, sizeof(title), "Parameters %zu/%zu%s%sover-constrained below %.2f (t/T)%s%s",
             l->nvis, l->n, t->flagged_only ? " flagged" : "", tui_sep(t), t->oc_threshold,
             l->filter && *l->filter ? "  /" : "", l->filter && *l->filter ? l->filter : "");
    tui_box(t, y, x, h, w, title, true);
    int iw = w - 2, rows = h - 3;
    if (iw < 20 || rows < 1)
        return;
    int valw = 11, errw = t->minos != NULL && t->minos_gen == t->fit_gen ? 14 : 9, pullw = 7,
        conw = 7, flagw = iw >= 110 ? 15 : 9;
    int barw = iw >= 100 ? 25 : iw >= 80 ? 13 : 0;
    int namew = iw - 2 - valw - errw - pullw - 1 - barw - conw - flagw; /* 1: gap before bar */
    /* a narrow table (beside the NLL shape) gives up the flags, then the value, before the names
     * go below MINNAME cells: a parameter is found by its name */
    enum { MINNAME = 16 };
    if (namew < MINNAME) {
        namew += flagw;
        flagw = 0;
    }
    if (namew < MINNAME) {
        namew += valw;
        valw = 0;
    }
    int xx = x + 1, yy = y + 1;
    char v[64];
    tui_put_field(t, yy, xx, iw, "", A_NORMAL, 0);
    snprintf(v, sizeof(v), "parameter%s", tui_sort_mark(t, l, 0));
    tui_put_field(t, yy, xx + 2, namew, v, A_BOLD | A_UNDERLINE, 0);
    int cx = xx + 2 + namew;
    snprintf(v, sizeof(v), "value%s", tui_sort_mark(t, l, 1));
    tui_put_right(t, yy, cx, valw, v, A_BOLD | A_UNDERLINE, 0);
    snprintf(v, sizeof(v), "%s%s", errw > 9 ? "error/MINOS" : "error", tui_sort_mark(t, l, 2));
    tui_put_right(t, yy, cx + valw, errw, v, A_BOLD | A_UNDERLINE, 0);
    snprintf(v, sizeof(v), "pull%s", tui_sort_mark(t, l, 3));
    tui_put_right(t, yy, cx + valw + errw, pullw, v, A_BOLD | A_UNDERLINE, 0);
    int bx = cx + valw + errw + pullw + 1;
    if (barw) { /* tick labels at the bar's own positions (see pull_bar) */
        tui_put_field(t, yy, bx, barw, "", A_BOLD, 0);
        for (int k = -3; k <= 3; k += barw >= 25 ? 1 : 3) {
            char lab[16];
            snprintf(lab, sizeof(lab), k > 0 ? "+%d" : "%d", k);
            int c = (int)lround((k + 3) * (barw - 1) / 6.0) - (k < 0 ? 1 : k > 0 ? 1 : 0);
            if (k == -3)
                c = 0;
            if (k == 3)
                c = barw - 2;
            tui_put_str(t, yy, bx + c, barw - c, lab, A_BOLD, 0);
        }
    }
    int rx = bx + barw;
    snprintf(v, sizeof(v), "%s%s", TUI_G("σ/σ₀", "s/s0"), tui_sort_mark(t, l, 4));
    tui_put_right(t, yy, rx, conw, v, A_BOLD | A_UNDERLINE, 0);
    if (flagw)
        tui_put_field(t, yy, rx + conw + 1, flagw - 1, "flags", A_BOLD | A_UNDERLINE, 0);
    tui_list_clamp(l, rows);
    for (int r = 0; r < rows; r++) {
        size_t k = l->top + (size_t)r;
        int ry = y + 2 + r;
        if (k >= l->nvis) {
            tui_put_field(t, ry, xx, iw, "", A_NORMAL, 0);
            continue;
        }
        size_t p = l->idx[k];
        const hf_param *pp = &t->m->par[p];
        bool sel = k == l->sel;
        attr_t at = sel ? A_REVERSE : A_NORMAL;
        double ratio, pull = tui_pull(t, p, &ratio);
        unsigned flags = tui_par_flags(t, p);
        bool oc = flags & TUI_F_OC, pulled = flags & TUI_F_PULL;
        tui_put_field(t, ry, xx, 2, sel ? TUI_G("▸", ">") : (t->moved[p] ? "*" : ""), at, 0);
        tui_put_par(t, ry, xx + 2, namew, p, at | (oc || pulled ? A_BOLD : 0), 0);
        snprintf(v, sizeof(v), "%.4g", tui_best(t)[p]);
        tui_put_right(t, ry, cx, valw, v, at, 0);
        const hf_minos_result *mr = tui_minos_of(t, p);
        if (mr != NULL) /* MINOS: signed offsets, n/a where no crossing was found */
            snprintf(v, sizeof(v), "%s%.2g/%s%.2g", mr->lower.valid ? "" : "?",
                     mr->lower.valid ? mr->lower.offset : 0.0, mr->upper.valid ? "+" : "?",
                     mr->upper.valid ? mr->upper.offset : 0.0);
        else if (t->have_fit && !t->fit.fixed[p] && !t->fit.converged)
            snprintf(v, sizeof(v), "n/a"); /* a fit that did not converge has no errors */
        else if (t->have_fit && !t->fit.fixed[p])
            snprintf(v, sizeof(v), "%.3g", t->fit.err[p]);
        else
            snprintf(v, sizeof(v), "%s", t->m->fixed[p] ? "fixed" : "-");
        tui_put_right(t, ry, cx + valw, errw, v, at, 0);
        if (isnan(pull))
            snprintf(v, sizeof(v), "%s", pp->con == HF_CON_NONE ? "free" : "-");
        else
            snprintf(v, sizeof(v), "%+.2f", pull);
        tui_put_right(t, ry, cx + valw + errw, pullw, v, at, tui_accent_if(t, pulled, 0));
        tui_put_cp(t, ry, bx - 1, ' ', at, 0);
        if (barw)
            pull_bar(t, ry, bx, barw, pull, ratio, at);
        if (isnan(ratio))
            snprintf(v, sizeof(v), "-");
        else
            snprintf(v, sizeof(v), "%.2f", ratio);
        tui_put_right(t, ry, rx, conw, v, at, tui_accent_if(t, oc, 1));
        if (flagw) {
            char f[64];
            tui_par_flag_text(flags, f, sizeof(f));
            tui_put_cp(t, ry, rx + conw, ' ', at, 0);
            tui_put_field(t, ry, rx + conw + 1, flagw - 1, f, at | A_BOLD,
                          tui_accent_if(t, flags != 0, 0));
        }
    }
}

/* The NLL-shape pane: the selected parameter's conditional curve beside the Hessian parabola. */
static void
draw_shape(struct tui *t, tui_rect r)
{
    size_t p = tui_current_param(t);
    const hf_nllshape_curve *c =
        t->have_shape && t->shape_gen == t->fit_gen ? hf_nllshape_find(&t->shape, p) : NULL;
    char title[256], fl[128] = "";
    for (unsigned k = 0, len = 0; c != NULL && k < HF_NLLSHAPE_NFLAGS; k++) {
        int w = c->flags & (1u << k) ? snprintf(fl + len, sizeof(fl) - len, "%s%s",
                                                len ? ", " : ": ", hf_nllshape_flag_name(k))
                                     : 0;
        len = w > 0 && (size_t)w < sizeof(fl) - len ? len + (unsigned)w : len;
    }
    snprintf(title, sizeof(title), "NLL shape of %s%s", t->m->par[p].name, fl);
    if (c == NULL) {
        tui_box(t, r.y, r.x, r.h, r.w, title, false);
        tui_blank(t, r.y + 1, r.x + 1, r.h - 2, r.w - 2);
        tui_put_str(t, r.y + 1, r.x + 2, r.w - 4,
                    t->shape_running  ? "computing (x cancels)..."
                    : !t->have_fit    ? "needs the best fit (f)"
                    : t->fit.fixed[p] ? "the parameter is fixed"
                                      : "not computed (s again)",
                    A_NORMAL, 0);
        return;
    }
    hf_error err = {0};
    hf_scene *s = hf_plot_nllshape_curve(t->m, c, &err);
    hf_error_release(&err);
    tui_box(t, r.y, r.x, r.h, r.w, title, false);
    tui_draw_scene(t, r.y, r.x, r.h, r.w, s, "no figure (out of memory)");
}

static void
layout(struct tui *t, tui_rect body)
{
    if (t->shape_pane)
        tui_split(t, body, body.w * 11 / 20, body.w * 11 / 20);
    else
        tui_layout_whole(t, body);
}

static void
draw(struct tui *t)
{
    tui_rect b = t->shape_pane ? t->panes.left : t->panes.body;
    unsigned gen = t->syst.con_gen;
    bool had = t->syst.have_con;
    tui_syst_prepare(t); /* the flags BOUND, CURV, 1SIDE come from the constraint analysis */
    if (t->flagged_only && (gen != t->syst.con_gen || had != t->syst.have_con))
        tui_list_rebuild(t, &t->parl);
    draw_param_table(t, b.y, b.x, b.h, b.w);
    if (t->shape_pane)
        draw_shape(t, t->panes.main);
}

static bool
key(struct tui *t, tui_action act, unsigned *dirty)
{
    if (tui_slider_key(t, act, dirty))
        return true;
    switch (act) {
    case TUI_ACT_ENTER:
        *dirty = t->parl.nvis == 0 ? 0 : tui_open_detail(t, tui_current_param(t));
        return true;
    case TUI_ACT_SHAPE: /* the pane on/off; its curves once per fit */
        t->shape_pane = !t->shape_pane;
        t->laid_out = false;
        *dirty = TUI_DIRTY_ALL | (t->shape_pane ? tui_shape_start(t) : 0);
        return true;
    case TUI_ACT_MINOS:
        *dirty = t->parl.nvis == 0 ? 0 : tui_minos_start(t, tui_current_param(t));
        return true;
    case TUI_ACT_FIT: /* from the sliders' values, as in the Slider */
        tui_start_fit(t, true);
        *dirty = TUI_DIRTY_ALL;
        return true;
    default:
        return false;
    }
}

/* The pull plot's pages, sorted like the list (pull, constraint, or pyhf order). */
static hf_scene **
scenes(struct tui *t, size_t *n)
{
    *n = 0;
    if (!t->have_fit)
        return NULL;
    hf_error err = {0};
    hf_pulls_options o = {0};
    o.sort = t->parl.sort_col == 3   ? HF_PULL_SORT_PULL
             : t->parl.sort_col == 4 ? HF_PULL_SORT_CONSTRAINT
                                     : HF_PULL_SORT_MODEL;
    hf_scene **pages = hf_plot_pulls(t->m, &t->fit, &o, n, &err);
    hf_error_release(&err);
    return pages;
}

const struct tui_view tui_view_params = {
    .layout = layout,
    .draw = draw,
    .key = key,
    .scenes = scenes,
};
