/* app/tui/plot.c - the figures behind the explorer's plots, without curses: yields with
 * uncertainty bands pre-fit, post-fit and at the slider's values, the stack scene of a channel
 * (render/plot_stack.h), and the export prompt's default file name. */
#include "app/tui/plot.h"
#include "app/tui/session.h"
#include "app/tui/syst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/yields.h"
#include "render/plot_density.h"
#include "render/plot_stack.h"

/* Rebuild the slider's yields: values at t->live, uncertainties from the base point (post-fit
 * when fitted, else pre-fit) rescaled to the new values (hf_yields_rescale; J C J^T per step
 * would cost npar^2 per bin). Allocates only the first time. */
int
tui_live_yields(struct tui *t)
{
    const hf_yields *base = t->have_fit && t->yl_post != NULL ? t->yl_post : t->yl_pre;
    if (base == NULL)
        return -1;
    if (t->yl_live == NULL) {
        hf_error err = {0};
        t->yl_live = hf_yields_new(t->m, &err);
        hf_error_release(&err);
        if (t->yl_live == NULL)
            return -1;
    }
    hf_yields_rescale(t->yl_live, base, t->live, t->nu_live, t->ys_live);
    return 0;
}

/* Pre-fit yields (prior band) at start; post-fit ones after each fit. Returns 0 or -1. */
int
tui_yields_prefit(struct tui *t)
{
    hf_error err = {0};
    t->yl_pre = hf_yields_compute(t->m, t->init, NULL, &err);
    hf_error_release(&err);
    if (t->yl_pre == NULL)
        return -1;
    return tui_live_yields(t);
}

/* Post-fit yields with the fit covariance; 0, or -1 on ENOMEM (no band then). */
int
tui_yields_postfit(struct tui *t)
{
    hf_error err = {0};
    hf_yields_free(t->yl_post);
    t->yl_post = hf_yields_compute(t->m, t->fit.x, t->fit.cov, &err);
    hf_error_release(&err);
    if (t->yl_post == NULL)
        return -1;
    return tui_live_yields(t);
}

/* Free the three yield sets; safe to call twice. */
void
tui_yields_release(struct tui *t)
{
    hf_yields_free(t->yl_pre);
    hf_yields_free(t->yl_post);
    hf_yields_free(t->yl_live);
    t->yl_pre = t->yl_post = t->yl_live = NULL;
}

/* Which point a stack shows in the current view. */
tui_point
tui_stack_point(const struct tui *t)
{
    if (t->view == TUI_V_SLIDER)
        return TUI_PT_LIVE;
    return t->postfit && t->have_fit ? TUI_PT_POST : TUI_PT_PRE;
}

/* "pre-fit", "post-fit" or "slider" (static strings). */
const char *
tui_point_name(tui_point pt)
{
    return pt == TUI_PT_LIVE ? "slider" : pt == TUI_PT_POST ? "post-fit" : "pre-fit";
}

/* What the slider's yields are: the conditional fit's label while the sliders show it, else
 * "slider values". */
const char *
tui_live_label(const struct tui *t)
{
    return t->live_is_cfit && t->cfit_label != NULL ? t->cfit_label : "slider values";
}

/* The stack figure of channel c at point pt; NULL on ENOMEM (or no yields). Caller frees. */
hf_scene *
tui_stack_scene(const struct tui *t, size_t c, tui_point pt, double width_in, double height_in)
{
    const hf_yields *y = pt == TUI_PT_LIVE   ? t->yl_live
                         : pt == TUI_PT_POST ? t->yl_post
                                             : t->yl_pre;
    if (y == NULL || c >= t->m->nchan)
        return NULL;
    hf_stack_options o;
    hf_stack_options_init(&o);
    o.postfit = pt != TUI_PT_PRE;
    o.logy = t->logy;
    o.blinded = t->cli.blinded; /* --blind: no data, ratio or deviance there */
    bool masked = t->cli.masked != NULL && t->m->chan_nbins[c] > 0; /* --mask: every bin of c */
    for (size_t b = 0; masked && b < t->m->chan_nbins[c]; b++)
        masked = t->cli.masked[t->m->chan_off[c] + b];
    if (masked)
        o.extra_label = "not in fit";
    o.width_in = width_in;
    o.height_in = height_in;
    hf_error err = {0};
    hf_scene *s = hf_plot_stack(y, c, &o, &err);
    hf_error_release(&err);
    if (s != NULL && pt == TUI_PT_LIVE && s->npanels > 0) {
        /* the slider's point is neither the pre- nor the post-fit one: the title says what it
         * is and where its band comes from, e.g. "SR · conditional fit: lumi held at 1.1" */
        bool cond = t->live_is_cfit && t->cfit_label != NULL;
        char *title = width_in > 0 /* a terminal pane: its box title holds the long label */
                          ? hf_scene_printf(s, "%s \xc2\xb7 %s", t->m->chan[c]->name,
                                            cond ? "conditional fit" : "slider values")
                          : hf_scene_printf(s, "%s \xc2\xb7 %s \xc2\xb7 band: %s, rescaled",
                                            t->m->chan[c]->name, tui_live_label(t),
                                            t->have_fit ? "global fit" : "pre-fit");
        if (title == NULL || hf_panel_set_title(s, s->panels[0], title) < 0) {
            hf_scene_free(s);
            return NULL;
        }
    }
    return s;
}

/* Sanitise a channel name for a file name. */
static void
safe_name(const char *in, char *out, size_t n)
{
    size_t k = 0;
    for (; *in != '\0' && k + 1 < n; in++) {
        char c = *in;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        out[k++] = c;
        if (!ok)
            out[k - 1] = '_';
    }
    out[k] = '\0';
}

/* The export prompt's suggestion for the current view, e.g. "SR_pre-fit.png". */
void
tui_default_export_name(const struct tui *t, char *buf, size_t n)
{
    char nm[128];
    if (t->view == TUI_V_CHANNELS || t->view == TUI_V_SLIDER) {
        safe_name(t->m->chan[tui_current_channel(t)]->name, nm, sizeof(nm));
        tui_point pt = tui_stack_point(t);
        snprintf(buf, n, "%s_%s.png", nm,
                 pt == TUI_PT_LIVE && t->live_is_cfit ? "conditional" : tui_point_name(pt));
    } else if (t->view == TUI_V_DENSITY) {
        snprintf(buf, n, "density_%s.png", hf_plot_density_name((hf_density_figure)t->dens.figure));
    } else if (t->view == TUI_V_SYST && t->syst.detail && t->syst.pane <= TUI_SP_INTERP) {
        const hf_systematics_entry *e = tui_syst_entry(t, t->syst.esel);
        char par[128], ch[128], sa[128];
        safe_name(t->m->par[t->syst.par].name, par, sizeof(par));
        safe_name(e ? t->m->chan[t->m->cs[e->cs].chan]->name : "", ch, sizeof(ch));
        safe_name(e ? t->m->samp_name[t->m->cs[e->cs].samp] : "", sa, sizeof(sa));
        snprintf(buf, n, "%s_%s_%s_%s.png", t->syst.pane == TUI_SP_INTERP ? "interp" : "templates",
                 par, ch, sa);
    } else if (t->view == TUI_V_SYST) {
        snprintf(buf, n, "hfscope_constraints.png");
    } else if (t->view == TUI_V_POINTS) {
        snprintf(buf, n, "hfscope_exclusion.png");
    } else {
        snprintf(buf, n, "hfscope_%s.png", t->view == TUI_V_CORR ? "correlations" : "pulls");
    }
}

/* The stack figure of the current channel at the current point, one page (Channels, Slider). */
hf_scene **
tui_stack_pages(struct tui *t, size_t *n)
{
    *n = 0;
    return tui_one_page(tui_stack_scene(t, tui_current_channel(t), tui_stack_point(t), 0, 0), n);
}
