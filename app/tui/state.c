/* app/tui/state.c - the explorer's model-derived data, without curses: expected yields pre-fit,
 * post-fit and at the slider's values, per-channel summaries, the fit results taken over from the
 * worker, starting fits, moving sliders, the session's life cycle, and the overview and detail
 * text (shared by the Overview screen and the non-terminal overview). */
#include "app/tui/state.h"
#include "app/tui/density.h"
#include "app/tui/names.h"
#include "app/tui/plot.h"
#include "app/tui/session.h"
#include "app/tui/syst.h"
#include "app/tui/worker.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/model/blind.h"
#include "core/stats.h"

/* --blind: a channel with a blinded bin shows no data total (NAN: "blinded"), and its
 * deviance sums the open bins only. */
static void
blind_chan(tui_chan *s, const double *n, const double *pre, const double *post, const bool *bl)
{
    double d0 = 0, d1 = 0;
    bool any = false;
    for (size_t b = 0; b < s->nbins; b++) {
        any = any || bl[b];
        if (!bl[b]) {
            d0 += hf_stats_deviance_sum(n + b, pre + b, 1);
            d1 += hf_stats_deviance_sum(n + b, post + b, 1);
        }
    }
    if (!any)
        return;
    s->data = NAN;
    s->chi2_pre = d0;
    s->chi2_post = d1;
}

static void
chan_stats(struct tui *t)
{
    const hf_model *m = t->m;
    for (size_t c = 0; c < m->nchan; c++) {
        tui_chan *s = &t->chan[c];
        size_t off = m->chan_off[c], nb = m->chan_nbins[c];
        s->nbins = nb;
        s->data = s->pre = s->post = 0;
        for (size_t b = 0; b < nb; b++) {
            s->data += m->obs[off + b];
            s->pre += t->nu_pre[off + b];
            s->post += t->nu_post[off + b];
        }
        /* the Poisson deviance (core/stats.h), about chi2 with nb degrees of freedom */
        s->chi2_pre = hf_stats_deviance_sum(m->obs + off, t->nu_pre + off, nb);
        s->chi2_post = hf_stats_deviance_sum(m->obs + off, t->nu_post + off, nb);
        if (t->cli.blinded != NULL)
            blind_chan(s, m->obs + off, t->nu_pre + off, t->nu_post + off, t->cli.blinded + off);
    }
}

/* Recompute the yields at the slider's values (the whole model: microseconds per bin) with the
 * session's one evaluator, into buffers made at start: nothing is allocated. */
void
tui_update_live(struct tui *t)
{
    hf_eval_expected(t->live_ev, t->live, t->nu_live, t->ys_live);
    if (t->yl_pre != NULL)
        tui_live_yields(t);
}

/* Move parameter p of the slider by delta (clamped to its bounds) and recompute the live yields:
 * the slider step (no allocation: tui_update_live works in buffers made at start). */
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

/* The slider keys on the selected parameter; the caller knows act is one of them. */
static unsigned
slider_act(struct tui *t, tui_action act)
{
    if (act == TUI_ACT_RESETALL) {
        memcpy(t->live, tui_best(t), t->m->npar * sizeof(double));
        memset(t->moved, 0, t->m->npar * sizeof(bool));
        tui_drop_cfit(t);
        tui_update_live(t);
        tui_message(t, false, "sliders reset to the %s",
                    t->have_fit ? "global best fit" : "nominal");
        return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
    }
    if (t->m->npar == 0 || t->parl.nvis == 0)
        return 0;
    size_t p = t->parl.idx[t->parl.sel];
    if (act == TUI_ACT_RESETPAR) {
        t->live[p] = tui_best(t)[p];
        t->moved[p] = false;
        t->live_is_cfit = false;
        tui_update_live(t);
        return TUI_DIRTY_LEFT | TUI_DIRTY_MAIN;
    }
    double unit = tui_param_step(t, p);
    double d = act == TUI_ACT_BIGLEFT || act == TUI_ACT_BIGRIGHT ? unit : 0.1 * unit;
    if (act == TUI_ACT_LEFT || act == TUI_ACT_BIGLEFT || act == TUI_ACT_NUDGEDOWN)
        d = -d;
    return slide(t, p, d);
}

/* The slider keys of the Parameters and Slider views on the selected parameter: left/right (a
 * tenth of its step), shifted (a whole step), +/-, = (back to the best fit), r (every slider
 * back to the global best fit, never to a conditional fit's values). True (with *dirty) when
 * act is one of them. */
bool
tui_slider_key(struct tui *t, tui_action act, unsigned *dirty)
{
    switch (act) {
    case TUI_ACT_LEFT:
    case TUI_ACT_RIGHT:
    case TUI_ACT_BIGLEFT:
    case TUI_ACT_BIGRIGHT:
    case TUI_ACT_NUDGEUP:
    case TUI_ACT_NUDGEDOWN:
    case TUI_ACT_RESETPAR:
    case TUI_ACT_RESETALL:
        *dirty = slider_act(t, act);
        return true;
    default:
        return false;
    }
}

/* Go to view v (the one way views change): the density lab starts when first opened, the
 * Systematics analysis is made once. The loop lays the new view out before drawing it. */
unsigned
tui_goto(struct tui *t, tui_view_id v)
{
    t->view = v;
    if (v == TUI_V_DENSITY && !t->dens.submitted)
        tui_dens_submit(&t->dens);
    if (v == TUI_V_SYST)
        tui_syst_prepare(t);
    return TUI_DIRTY_ALL;
}

/* Open the detail overlay of parameter p, or of the current channel when p is (size_t)-1. */
unsigned
tui_open_detail(struct tui *t, size_t p)
{
    t->overlay = TUI_OV_DETAIL;
    t->detail_par = p;
    t->help_top = 0;
    return TUI_DIRTY_ALL;
}

/* Take over a finished fit (res is moved, not copied) and recompute post-fit numbers. */
void
tui_set_fit(struct tui *t, hf_fit_result *res)
{
    if (t->have_fit)
        hf_fit_result_release(&t->fit);
    t->fit = *res;
    memset(res, 0, sizeof(*res));
    t->have_fit = true;
    t->fit_gen++;
    free(t->corr);
    t->corr = t->fit.cov != NULL ? hf_fit_correlation(&t->fit) : NULL;
    t->fit_state = t->fit.converged ? TUI_FIT_DONE : TUI_FIT_FAILED;
    free(t->fit_msg);
    t->fit_msg =
        t->fit.converged ? NULL : strdup(t->fit.message ? t->fit.message : "not converged");
    hf_eval_expected(t->live_ev, t->fit.x, t->nu_post, t->ys_post);
    chan_stats(t);
    if (tui_yields_postfit(t) < 0)
        tui_log(t, "post-fit uncertainty band unavailable (out of memory)");
    /* the slider starts from the best fit, except where the user has moved a parameter; a
     * refit from the slider's values (nothing held) moves every slider to its result */
    tui_drop_cfit(t);
    for (size_t p = 0; p < t->m->npar; p++) {
        if (t->refit_live)
            t->moved[p] = false;
        if (!t->moved[p])
            t->live[p] = t->fit.x[p];
    }
    t->refit_live = false;
    tui_update_live(t);
    if (t->m->poi >= 0 && hf_cli_blinding(&t->cli))
        tui_log(t, "fit: %s after %d iterations, twice_nll %.6g, %s blinded",
                t->fit.converged ? "converged" : "not converged", t->fit.iter, t->fit.twice_nll,
                t->m->par[t->m->poi].name);
    else if (t->m->poi >= 0)
        tui_log(t, "fit: %s after %d iterations, twice_nll %.6g, %s = %.4g +- %.2g",
                t->fit.converged ? "converged" : "not converged", t->fit.iter, t->fit.twice_nll,
                t->m->par[t->m->poi].name, t->fit.x[t->m->poi], t->fit.err[t->m->poi]);
    else
        tui_log(t, "fit: %s after %d iterations, twice_nll %.6g",
                t->fit.converged ? "converged" : "not converged", t->fit.iter, t->fit.twice_nll);
    tui_list_rebuild(t, &t->chl);
    tui_list_rebuild(t, &t->parl);
    tui_list_rebuild(t, &t->corrl);
    tui_list_rebuild(t, &t->systl);
}

/* Forget the conditional fit (the sliders keep their values). */
void
tui_drop_cfit(struct tui *t)
{
    if (t->have_cfit)
        hf_fit_result_release(&t->cfit);
    memset(&t->cfit, 0, sizeof(t->cfit));
    t->have_cfit = t->live_is_cfit = false;
    free(t->cfit_label);
    t->cfit_label = NULL;
}

/* Take over a finished conditional fit (res is moved): the sliders show its values, the held
 * ones included; the global best fit (t->fit) and everything derived from it stay. */
void
tui_set_cfit(struct tui *t, hf_fit_result *res)
{
    tui_drop_cfit(t);
    t->cfit = *res;
    memset(res, 0, sizeof(*res));
    t->have_cfit = true;
    /* the label: "conditional fit: NAME held at V", or "N held (NAME=V, ...)" */
    size_t nh = 0, first = 0, len = 64;
    for (size_t p = 0; p < t->m->npar; p++)
        if (t->cfit.fixed[p] && !t->m->fixed[p]) {
            if (nh++ == 0)
                first = p;
            len += strlen(t->m->par[p].name) + 32;
        }
    t->cfit_label = malloc(len);
    if (t->cfit_label != NULL) {
        if (nh == 1)
            snprintf(t->cfit_label, len, "conditional fit: %s held at %.4g", t->m->par[first].name,
                     t->cfit.x[first]);
        else {
            size_t k = (size_t)snprintf(t->cfit_label, len, "conditional fit: %zu held (", nh);
            const char *sp = "";
            for (size_t p = 0; p < t->m->npar && k < len; p++)
                if (t->cfit.fixed[p] && !t->m->fixed[p]) {
                    k += (size_t)snprintf(t->cfit_label + k, len - k, "%s%s=%.4g", sp,
                                          t->m->par[p].name, t->cfit.x[p]);
                    sp = ", ";
                }
            if (k + 2 <= len)
                memcpy(t->cfit_label + k, ")", 2);
        }
    }
    for (size_t p = 0; p < t->m->npar; p++) {
        t->live[p] = t->cfit.x[p];
        t->moved[p] = t->cfit.fixed[p] && !t->m->fixed[p];
    }
    t->live_is_cfit = true;
    tui_update_live(t);
    tui_log(t, "%s: %s after %d iterations, twice_nll %.6g (the global fit stays)",
            t->cfit_label ? t->cfit_label : "conditional fit",
            t->cfit.converged ? "converged" : "not converged", t->cfit.iter, t->cfit.twice_nll);
}

/* ---- lists ---- */

static int
list_init(tui_list *l, size_t n)
{
    memset(l, 0, sizeof(*l));
    l->n = n;
    l->idx = malloc((n ? n : 1) * sizeof(*l->idx));
    l->keys = malloc((n ? n : 1) * sizeof(*l->keys));
    return l->idx == NULL || l->keys == NULL ? -1 : 0;
}

static void
list_release(tui_list *l)
{
    free(l->idx);
    free(l->keys);
    free(l->filter);
    memset(l, 0, sizeof(*l));
}

/* Start a background fit: from the slider's values (from_live) or the suggested init; moved
 * parameters stay fixed when hold_moved. Returns 0, or -1 (message shown) when one is running. */
int
tui_start_fit(struct tui *t, bool from_live)
{
    size_t n = t->m->npar;
    bool *fixed = malloc((n ? n : 1) * sizeof(*fixed));
    double *start = malloc((n ? n : 1) * sizeof(*start));
    if (fixed == NULL || start == NULL) {
        free(fixed);
        free(start);
        tui_message(t, true, "out of memory");
        return -1;
    }
    memcpy(start, from_live ? t->live : t->init, n * sizeof(*start));
    /* --blind: the global fit is background-only (the POI held at 0 or its lower bound), as
     * the figures' post-fit (app/figstyle.c); a slider refit keeps the slider's POI */
    if (!from_live && t->m->poi >= 0 && hf_cli_blinding(&t->cli))
        start[t->m->poi] = hf_blind_poi_bonly(t->m);
    /* holding moved parameters makes it a conditional fit, kept apart from the global one */
    bool cond = false;
    for (size_t p = 0; p < n; p++) {
        fixed[p] = t->m->fixed[p] || (from_live && t->hold_moved && t->moved[p]);
        cond = cond || (fixed[p] && !t->m->fixed[p]);
    }
    int rc =
        tui_worker_submit(t->worker, cond ? TUI_JOB_COND_FIT : TUI_JOB_FIT, t->m, start, fixed);
    free(fixed);
    free(start);
    if (rc < 0) {
        tui_message(t, true,
                    t->worker != NULL ? "a fit is already running (x cancels it)"
                                      : "fits are unavailable (no worker thread)");
        return -1;
    }
    t->fit_state = TUI_FIT_RUNNING;
    t->fit_iter = 0;
    t->fit_secs = 0;
    t->fit_t0 = tui_now();
    t->refit_live = from_live && !cond;
    t->cfit_running = cond;
    tui_log(t, "%s: started%s", cond ? "conditional fit" : "fit",
            cond        ? " holding the moved parameters at their slider values"
            : from_live ? " from the slider's values"
                        : "");
    return 0;
}

/* ---- life cycle (used by tui.c and cmd_tui.c) ---- */

/* Fill the state from a loaded cli (model compiled). Returns 0 or -1 on ENOMEM. */
int
tui_state_init(struct tui *t, hf_cli *cli)
{
    const hf_model *m = cli->model;
    t->cli = *cli;
    t->m = m;
    /* --blind: the explorer's fits hold the POI (at the background-only value in the global
     * fit, tui_start_fit), so nothing it shows (fit, slider, export) carries its fitted value;
     * the model's mask keeps the blinded bins out */
    if (hf_cli_blinding(cli) && m->poi >= 0)
        cli->model->fixed[m->poi] = true;
    t->data = hf_model_data(m);
    const char *slash = strrchr(cli->ws_path, '/');
    t->file_label = slash != NULL ? slash + 1 : cli->ws_path;
    size_t np = m->npar ? m->npar : 1, nb = m->nbins ? m->nbins : 1, ny = m->nys ? m->nys : 1;
    t->init = malloc(np * sizeof(double));
    t->live = malloc(np * sizeof(double));
    t->moved = calloc(np, sizeof(bool));
    t->nu_pre = malloc(nb * sizeof(double));
    t->nu_post = malloc(nb * sizeof(double));
    t->nu_live = malloc(nb * sizeof(double));
    t->ys_pre = malloc(ny * sizeof(double));
    t->ys_post = malloc(ny * sizeof(double));
    t->ys_live = malloc(ny * sizeof(double));
    t->chan = calloc(m->nchan ? m->nchan : 1, sizeof(tui_chan));
    t->live_ev = hf_eval_new(m);
    if (!t->init || !t->live || !t->moved || !t->nu_pre || !t->nu_post || !t->nu_live ||
        !t->live_ev || !t->ys_pre || !t->ys_post || !t->ys_live || !t->chan ||
        list_init(&t->chl, m->nchan) < 0 || list_init(&t->parl, m->npar) < 0 ||
        list_init(&t->corrl, m->npar) < 0 || list_init(&t->systl, m->npar) < 0)
        return -1;
    memcpy(t->init, m->init, m->npar * sizeof(double));
    memcpy(t->live, m->init, m->npar * sizeof(double));
    hf_eval_expected(t->live_ev, t->init, t->nu_pre, t->ys_pre);
    memcpy(t->nu_post, t->nu_pre, m->nbins * sizeof(double));
    memcpy(t->ys_post, t->ys_pre, m->nys * sizeof(double));
    if (tui_yields_prefit(t) < 0)
        return -1;
    tui_update_live(t);
    chan_stats(t);
    for (size_t c = 0; c < m->nchan; c++) {
        if (m->chan[c]->nsamples > t->max_chan_samples)
            t->max_chan_samples = m->chan[c]->nsamples;
        size_t w = hf_utf8_width(m->chan[c]->name);
        t->max_chan_name = w > t->max_chan_name ? w : t->max_chan_name;
    }
    for (size_t p = 0; p < m->npar; p++) {
        size_t w = hf_utf8_width(m->par[p].name);
        t->max_par_name = w > t->max_par_name ? w : t->max_par_name;
    }
    t->oc_threshold = 0.5;
    t->corr_threshold = 0.2;
    t->chl.sort_col = 0;
    t->parl.sort_col = 0;
    tui_list_rebuild(t, &t->chl);
    tui_list_rebuild(t, &t->parl);
    tui_list_rebuild(t, &t->corrl);
    if (m->warning != NULL)
        tui_log(t, "warning: %s", m->warning);
    for (size_t i = 0; i < m->ws->nwarn; i++)
        tui_log(t, "warning: %s", m->ws->warn[i]);
    tui_log(t, "loaded %s: %zu channels, %zu samples, %zu parameters, %zu bins", cli->ws_path,
            m->nchan, m->nsamp, m->npar, m->nbins);
    return 0;
}

/* Free everything tui_state_init and the session allocated (not the cli: its owner frees it). */
void
tui_state_release(struct tui *t)
{
    if (t == NULL)
        return;
    free(t->init);
    free(t->live);
    free(t->moved);
    free(t->nu_pre);
    free(t->nu_post);
    free(t->nu_live);
    hf_eval_free(t->live_ev);
    free(t->ys_pre);
    free(t->ys_post);
    free(t->ys_live);
    free(t->chan);
    tui_yields_release(t);
    free(t->corr);
    free(t->fit_msg);
    free(t->search);
    if (t->have_fit)
        hf_fit_result_release(&t->fit);
    tui_drop_cfit(t);
    list_release(&t->chl);
    list_release(&t->parl);
    list_release(&t->corrl);
    list_release(&t->systl);
    tui_syst_release(&t->syst);
    free(t->minos);
    if (t->have_shape)
        hf_nllshape_release(&t->shape);
    tui_links_release(&t->links);
    tui_names_release(&t->chan_names);
    tui_names_release(&t->par_names);
    for (size_t i = 0; i < t->nlog; i++)
        free(t->log[i]);
    free(t->log);
    memset(t, 0, sizeof(*t));
}

/* ---- the overview text ---- */

/* Rankings of the overview: by key, largest first (desc) or smallest first; NaN as cmp_double
 * puts it (first in a descending ranking, last in an ascending one). */
static int
cmp_rank_desc(const void *a, const void *b)
{
    return tui_cmp_double(((const tui_sortkey *)b)->k, ((const tui_sortkey *)a)->k);
}

static int
cmp_rank_asc(const void *a, const void *b)
{
    return tui_cmp_double(((const tui_sortkey *)a)->k, ((const tui_sortkey *)b)->k);
}

/* Sort idx[0..n) by key (0: channel deviance per bin, 1: |pull|, 2: post/pre sigma) through the
 * scratch ks (n entries). */
static void
rank(const struct tui *t, size_t *idx, tui_sortkey *ks, size_t n, int key)
{
    for (size_t k = 0; k < n; k++) {
        size_t i = idx[k];
        ks[k].i = i;
        if (key == 0) {
            const tui_chan *c = &t->chan[i];
            ks[k].k =
                (t->have_fit ? c->chi2_post : c->chi2_pre) / (double)(c->nbins ? c->nbins : 1);
        } else if (key == 1) {
            ks[k].k = fabs(tui_pull(t, i, NULL));
        } else {
            tui_pull(t, i, &ks[k].k);
        }
    }
    qsort(ks, n, sizeof(*ks), key == 2 ? cmp_rank_asc : cmp_rank_desc);
    for (size_t k = 0; k < n; k++)
        idx[k] = ks[k].i;
}

/* The fit's lines of the overview: status, stage, POI, flat directions (hf_fit_flat_describe);
 * a fit that did not converge shows its errors as n/a, its stage, gradient norm and EDM. */
static void
fit_lines(const struct tui *t, tui_lines *v)
{
    const hf_model *m = t->m;
    const hf_fit_result *f = &t->fit;
    if (f->converged)
        tui_lines_add(v, "Fit          converged (status %d, %d iterations, %s), twice NLL %.6f",
                      f->status, f->iter, hf_fit_stage_name(f->stage), f->twice_nll);
    else
        tui_lines_add(v,
                      "Fit          NOT converged: %s (status %d), reached %s after %d iterations; "
                      "twice NLL %.6f at the last point, gradient norm %.3g, EDM %.3g",
                      f->message ? f->message : "no reason given", f->status,
                      hf_fit_stage_name(f->reached), f->iter, f->twice_nll, f->gradnorm, f->edm);
    if (m->poi >= 0) {
        if (hf_cli_blinding(&t->cli))
            tui_lines_add(v, "POI          %s = blinded (held at %g: a background-only fit)",
                          m->par[m->poi].name, hf_blind_poi_bonly(m));
        else if (f->converged)
            tui_lines_add(v, "POI          %s = %.4f +- %.4f", m->par[m->poi].name, f->x[m->poi],
                          f->err[m->poi]);
        else
            tui_lines_add(v, "POI          %s = %.4f +- n/a (the fit did not converge)",
                          m->par[m->poi].name, f->x[m->poi]);
    }
    if (f->restarts > 0)
        tui_lines_add(v, "Restarts     %d random starts (seed %lu)", f->restarts, f->seed);
    for (size_t k = 0; k < f->nflat; k++) {
        char buf[512];
        hf_fit_flat_describe(m, &f->flat[k], buf, sizeof(buf));
        tui_lines_add(v, "%s%s", k == 0 ? "Flat         " : "             ", buf);
    }
}

/* The overview as lines of text (caller frees each and the array). Returns the count, or
 * (size_t)-1 on ENOMEM. `top` limits each ranking. */
size_t
tui_overview_lines(const struct tui *t, char ***out, size_t top, size_t **targets)
{
    const hf_model *m = t->m;
    tui_lines v = {0};
    /* targets[line]: the channel (c) or parameter (nchan + p) a ranking line names, else -1 */
    size_t cap = 3 * top + 64, *tg = targets != NULL ? malloc(cap * sizeof(*tg)) : NULL;
    for (size_t i = 0; tg != NULL && i < cap; i++)
        tg[i] = (size_t)-1;
#define TARGET(code)                                                                               \
    do {                                                                                           \
        if (tg != NULL && v.n > 0 && v.n - 1 < cap)                                                \
            tg[v.n - 1] = (code);                                                                  \
    } while (0)
    size_t nsfree = 0, ncons = 0;
    for (size_t p = 0; p < m->npar; p++) {
        nsfree += !m->fixed[p];
        ncons += m->par[p].con != HF_CON_NONE;
    }
    tui_lines_add(&v, "Workspace    %s", t->cli.ws_path);
    tui_lines_add(&v, "Measurement  %s   POI %s", m->meas && m->meas->name ? m->meas->name : "-",
                  m->poi >= 0 ? m->par[m->poi].name : "(none)");
    tui_lines_add(
        &v,
        "Model        %zu channels, %zu samples, %zu bins, %zu parameters (%zu not fixed, %zu "
        "constrained)",
        m->nchan, m->nsamp, m->nbins, m->npar, nsfree, ncons);
    if (m->warning != NULL)
        tui_lines_add(&v, "Warning      %s", m->warning);
    tui_lines_add(&v, "%s", "");
    if (t->have_fit) {
        fit_lines(t, &v);
    } else if (t->fit_state == TUI_FIT_FAILED) {
        tui_lines_add(&v, "Fit          failed: %s", t->fit_msg ? t->fit_msg : "unknown reason");
    } else if (t->fit_state == TUI_FIT_RUNNING) {
        tui_lines_add(&v, "Fit          running...");
    } else {
        tui_lines_add(&v, "Fit          not run (press f)");
    }
    if (t->have_cfit) { /* apart from the global fit, which everything here describes */
        tui_lines_add(&v, "Slider       %s: %s, twice NLL %.6f%s",
                      t->cfit_label ? t->cfit_label : "conditional fit",
                      t->cfit.converged ? "converged" : "NOT converged", t->cfit.twice_nll,
                      t->have_fit ? "" : " (no global fit yet)");
        if (m->poi >= 0 && !t->cfit.fixed[m->poi])
            tui_lines_add(&v, "             %s = %.4f +- %.4f (conditional; not the best fit)",
                          m->par[m->poi].name, t->cfit.x[m->poi], t->cfit.err[m->poi]);
    }
    tui_lines_add(&v, "%s", "");

    size_t nidx = m->nchan > m->npar ? m->nchan : m->npar;
    size_t *idx = malloc((nidx ? nidx : 1) * sizeof(*idx));
    tui_sortkey *ks = malloc((nidx ? nidx : 1) * sizeof(*ks));
    if (idx == NULL || ks == NULL) {
        v.nomem = true;
    } else {
        for (size_t c = 0; c < m->nchan; c++)
            idx[c] = c;
        rank(t, idx, ks, m->nchan, 0);
        tui_lines_add(&v, "Worst-fitting channels (%s, Poisson deviance / bins)",
                      t->have_fit ? "post-fit" : "pre-fit");
        for (size_t k = 0; k < m->nchan && k < top; k++) {
            const tui_chan *c = &t->chan[idx[k]];
            double chi2 = t->have_fit ? c->chi2_post : c->chi2_pre;
            /* the numbers first, the name last: a narrow screen cuts the name's end, never a
             * number, and the status line shows the selected entry's name in full */
            tui_lines_add(&v, "  %8.2f / %-3zu = %6.2f  data %9.1f  model %9.1f  %s", chi2,
                          c->nbins, chi2 / (double)(c->nbins ? c->nbins : 1), c->data,
                          t->have_fit ? c->post : c->pre, m->chan[idx[k]]->name);
            TARGET(idx[k]);
        }
        if (t->have_fit) {
            size_t n = 0;
            for (size_t p = 0; p < m->npar; p++)
                if (!isnan(tui_pull(t, p, NULL)))
                    idx[n++] = p;
            tui_lines_add(&v, "%s", "");
            tui_lines_add(&v, "Most pulled parameters ((value - nominal) / pre-fit sigma)");
            rank(t, idx, ks, n, 1);
            if (n == 0)
                tui_lines_add(&v, "  (no constrained parameter)");
            for (size_t k = 0; k < n && k < top; k++) {
                double r, pull = tui_pull(t, idx[k], &r);
                tui_lines_add(&v, "  pull %+6.2f  constraint %5.2f  %-6s  %s", pull, r,
                              fabs(pull) > 1 ? "PULLED" : "", m->par[idx[k]].name);
                TARGET(m->nchan + idx[k]);
            }
            tui_lines_add(&v, "%s", "");
            tui_lines_add(
                &v, "Most constrained parameters (post-fit / pre-fit sigma; flagged below %.2f)",
                t->oc_threshold);
            rank(t, idx, ks, n, 2);
            if (n == 0)
                tui_lines_add(&v, "  (no constrained parameter)");
            for (size_t k = 0; k < n && k < top; k++) {
                double r, pull = tui_pull(t, idx[k], &r);
                tui_lines_add(&v, "  constraint %5.2f  pull %+6.2f  %-2s  %s", r, pull,
                              r < t->oc_threshold ? "OC" : "", m->par[idx[k]].name);
                TARGET(m->nchan + idx[k]);
            }
        }
    }
#undef TARGET
    free(idx);
    free(ks);
    size_t n = tui_lines_finish(&v, out);
    if (targets != NULL) {
        if (n == (size_t)-1 || tg == NULL || n > cap) {
            free(tg);
            tg = NULL;
        }
        *targets = tg;
    }
    return n;
}

/* ---- detail overlay text ---- */

static const char *
con_text(const hf_param *p, char *buf, size_t n)
{
    if (p->con == HF_CON_GAUSS)
        snprintf(buf, n, "Gaussian, centre %g, sigma %g", p->aux, p->sigma);
    else if (p->con == HF_CON_POISSON)
        snprintf(buf, n, "Poisson, tau %g (relative sigma %g)", p->tau, p->sigma);
    else
        snprintf(buf, n, "none (free)");
    return buf;
}

/* True when term k of the model moves parameter p (per-bin types own nbins parameters). */
static bool
term_uses(const hf_cs *cs, const hf_term *tm, size_t p)
{
    bool perbin = tm->type == HF_MOD_SHAPEFACTOR || tm->type == HF_MOD_STATERROR ||
                  tm->type == HF_MOD_SHAPESYS;
    return perbin ? p >= tm->par && p < tm->par + cs->nbins : tm->par == p;
}

/* Lines of the detail overlay: a parameter (p < npar) or the selected channel (p == -1).
 * Returns the count (caller frees each line and the array), (size_t)-1 on ENOMEM. */
size_t
tui_detail_lines(const struct tui *t, size_t p, char ***out)
{
    const hf_model *m = t->m;
    tui_lines v = {0};
    char buf[128];
    if (p < m->npar) {
        const hf_param *pp = &m->par[p];
        tui_lines_add(&v, "Parameter    %s", pp->name);
        tui_lines_add(&v, "Modifiers    %s", "");
        for (int k = 0; k < HF_MOD_COUNT; k++)
            if (pp->types & (1u << k)) {
                char *last = v.n ? v.s[v.n - 1] : NULL;
                if (last != NULL) {
                    size_t len = strlen(last);
                    char *nl = realloc(last, len + strlen(hf_modtype_name((hf_modtype)k)) + 2);
                    if (nl != NULL) {
                        (void)sprintf(nl + len, " %s", hf_modtype_name((hf_modtype)k));
                        v.s[v.n - 1] = nl;
                    }
                }
            }
        tui_lines_add(&v, "Constraint   %s", con_text(pp, buf, sizeof(buf)));
        tui_lines_add(&v, "Init         %g   bounds [%g, %g]%s", pp->init, pp->lo, pp->hi,
                      m->fixed[p] ? "   FIXED" : "");
        if (t->have_fit) {
            double r, pull = tui_pull(t, p, &r);
            if (hf_cli_par_blinded(&t->cli, p))
                tui_lines_add(&v, "Best fit     blinded");
            else
                tui_lines_add(&v, "Best fit     %.6g +- %.4g", t->fit.x[p], t->fit.err[p]);
            if (!isnan(pull))
                tui_lines_add(&v, "Pull         %+.3f   post/pre sigma %.3f%s%s", pull, r,
                              fabs(pull) > 1 ? "   PULLED" : "",
                              r < t->oc_threshold ? "   OVER-CONSTRAINED" : "");
        } else {
            tui_lines_add(&v, "Best fit     (no fit yet: press f)");
        }
        tui_lines_add(&v, "Pre-fit      sigma %g", pp->con != HF_CON_NONE ? pp->sigma : NAN);
        tui_lines_add(&v, "Slider       %.6g%s", t->live[p],
                      t->live_is_cfit && t->moved[p] ? "   (held in the conditional fit)"
                      : t->live_is_cfit              ? "   (conditional fit)"
                      : t->moved[p]                  ? "   (moved)"
                                                     : "");
        tui_lines_add(&v, "%s", "");
        tui_lines_add(&v, "Affects (channel / sample):");
        size_t naff = 0;
        for (size_t k = 0; k < m->ncs; k++) {
            const hf_cs *cs = &m->cs[k];
            for (size_t j = 0; j < cs->nterm; j++) {
                const hf_term *tm = &m->term[cs->term0 + j];
                if (!term_uses(cs, tm, p))
                    continue;
                tui_lines_add(&v, "  %-28s %-24s %s", m->chan[cs->chan]->name,
                              m->samp_name[cs->samp], hf_modtype_name(tm->type));
                naff++;
                break;
            }
        }
        if (naff == 0)
            tui_lines_add(&v, "  (nothing: the parameter only enters its constraint)");
    } else {
        size_t c = tui_current_channel(t);
        const tui_chan *s = &t->chan[c];
        tui_lines_add(&v, "Channel      %s", m->chan[c]->name);
        if (isnan(s->data)) /* --blind: a blinded bin in it */
            tui_lines_add(&v, "Bins         %zu   data blinded (deviances over the open bins)",
                          s->nbins);
        else
            tui_lines_add(&v, "Bins         %zu   data %.1f", s->nbins, s->data);
        tui_lines_add(&v, "Pre-fit      %.2f   deviance %.2f / %zu", s->pre, s->chi2_pre, s->nbins);
        if (t->have_fit)
            tui_lines_add(&v, "Post-fit     %.2f   deviance %.2f / %zu", s->post, s->chi2_post,
                          s->nbins);
        if (t->live_is_cfit && t->cfit_label != NULL)
            tui_lines_add(&v, "Slider       %s", t->cfit_label);
        tui_lines_add(&v, "%s", "");
        tui_lines_add(&v, "%-28s %12s %12s %12s", "Sample", "pre-fit", "post-fit",
                      t->live_is_cfit ? "conditional" : "slider");
        for (size_t k = 0; k < m->ncs; k++) {
            const hf_cs *cs = &m->cs[k];
            if (cs->chan != c)
                continue;
            double a = 0, b = 0, l = 0;
            for (size_t i = 0; i < cs->nbins; i++) {
                a += t->ys_pre[cs->ys + i];
                b += t->ys_post[cs->ys + i];
                l += t->ys_live[cs->ys + i];
            }
            if (t->have_fit)
                tui_lines_add(&v, "%-28s %12.2f %12.2f %12.2f", m->samp_name[cs->samp], a, b, l);
            else
                tui_lines_add(&v, "%-28s %12.2f %12s %12.2f", m->samp_name[cs->samp], a, "-", l);
        }
    }
    return tui_lines_finish(&v, out);
}
