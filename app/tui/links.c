/* app/tui/links.c - the explorer's navigation: the links between a parameter and the channels
 * that constrain it (and between a channel and the parameters that move it), jumps to a channel
 * or a parameter, and the history Backspace walks back through (a browser's back button). State
 * only: view_links.c draws the links; the parameter flags shown beside them and the release of
 * the links' memory live in session.c, below state.c's life cycle.
 *
 * The links come from the observed information at the best fit (core/diag/constraints.h): for a
 * parameter p and a channel c, first = sum over c's bins of (n/nu^2)(d nu/d theta_p)^2 and curv =
 * sum of (1 - n/nu) d2 nu/d theta_p^2, the channel's parts of H_pp. A parameter's channels are
 * ranked by |first + curv|; a channel's parameters by sqrt(first) * sigma_p, the shift of the
 * channel (in units of its statistical error, to first order) when p moves by its post-fit
 * error. */
#include "app/tui/links.h"
#include "app/tui/session.h"
#include "app/tui/state.h"
#include "app/tui/syst.h"
#include "app/tui/worker.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- selection and history ---- */

static size_t
find(const tui_list *l, size_t item)
{
    for (size_t k = 0; k < l->nvis; k++)
        if (l->idx[k] == item)
            return k;
    return (size_t)-1;
}

/* Select item (a row of the table) in l, clearing a filter that hides it. */
void
tui_list_select(struct tui *t, tui_list *l, size_t item)
{
    size_t k = find(l, item);
    if (k == (size_t)-1 && (l->filter != NULL || (l == &t->parl && t->flagged_only))) {
        free(l->filter);
        l->filter = NULL;
        if (l == &t->parl)
            t->flagged_only = false;
        tui_list_rebuild(t, l);
        k = find(l, item);
    }
    if (k != (size_t)-1)
        l->sel = k;
}

static size_t
sel_item(const tui_list *l)
{
    return l->nvis > 0 && l->sel < l->nvis ? l->idx[l->sel] : (size_t)-1;
}

/* Remember where the user is (before a jump, a view change or opening links). */
void
tui_nav_push(struct tui *t)
{
    if (t->nhist == TUI_HISTORY) { /* forget the oldest */
        memmove(t->hist, t->hist + 1, (TUI_HISTORY - 1) * sizeof(*t->hist));
        t->nhist--;
    }
    tui_place *pl = &t->hist[t->nhist++];
    pl->view = t->view;
    pl->chan = sel_item(&t->chl);
    pl->par = sel_item(&t->parl);
    pl->links = t->links.open;
    pl->links_of_chan = t->links.of_chan;
    pl->links_subject = t->links.subject;
    pl->links_sel = sel_item(&t->links.list);
}

/* Backspace: back to the last place remembered. */
unsigned
tui_nav_back(struct tui *t)
{
    if (t->nhist == 0) {
        tui_message(t, false, "nothing to go back to");
        return TUI_DIRTY_STATUS;
    }
    tui_place pl = t->hist[--t->nhist];
    tui_links_close(t);
    tui_goto(t, pl.view);
    if (pl.chan != (size_t)-1)
        tui_list_select(t, &t->chl, pl.chan);
    if (pl.par != (size_t)-1)
        tui_list_select(t, &t->parl, pl.par);
    if (pl.links) {
        size_t keep = t->nhist;
        tui_links_open(t, pl.links_of_chan, pl.links_subject);
        t->nhist = keep; /* reopening is not a new step */
        if (pl.links_sel != (size_t)-1)
            tui_list_select(t, &t->links.list, pl.links_sel);
    }
    t->laid_out = false;
    return TUI_DIRTY_ALL;
}

/* A view change from the keys: remembered, and the links closed. */
unsigned
tui_nav_goto(struct tui *t, tui_view_id v)
{
    if (v != t->view || t->links.open)
        tui_nav_push(t);
    tui_links_close(t);
    return tui_goto(t, v);
}

/* Go to view v with item selected in its list l, remembering where the user was. */
static unsigned
jump(struct tui *t, tui_view_id v, tui_list *l, size_t item)
{
    tui_nav_push(t);
    tui_links_close(t);
    tui_goto(t, v);
    tui_list_select(t, l, item);
    return TUI_DIRTY_ALL;
}

/* Go to channel c's stack (Channels view). */
unsigned
tui_jump_chan(struct tui *t, size_t c)
{
    return jump(t, TUI_V_CHANNELS, &t->chl, c);
}

/* Go to parameter p's row of the Parameters view. */
unsigned
tui_jump_par(struct tui *t, size_t p)
{
    return jump(t, TUI_V_PARAMS, &t->parl, p);
}

/* ---- links ---- */

void
tui_links_close(struct tui *t)
{
    if (t->links.open)
        t->laid_out = false;
    tui_links_release(&t->links);
}

static const double *rank_score; /* qsort has no context argument; set just around the call */

static int
cmp_score(const void *a, const void *b)
{
    double x = rank_score[*(const size_t *)a], y = rank_score[*(const size_t *)b];
    if (x != y)
        return x < y ? 1 : -1;
    return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* The rows' numbers from the observed information. */
static void
fill(struct tui *t, tui_links *k, const hf_obsinfo *in)
{
    size_t nc = in->nchan;
    if (!k->of_chan) {
        size_t p = k->subject;
        k->prior = in->prior[p];
        k->total = in->total[p];
        for (size_t c = 0; c < nc; c++) {
            k->first[c] = in->chan_first[p * nc + c];
            k->curv[c] = in->chan_curv[p * nc + c];
            k->score[c] = fabs(k->first[c] + k->curv[c]);
        }
        return;
    }
    size_t c = k->subject;
    for (size_t p = 0; p < t->m->npar; p++) {
        k->first[p] = in->chan_first[p * nc + c];
        k->curv[p] = in->chan_curv[p * nc + c];
        double sig = t->fit.fixed[p] ? 0 : t->fit.err[p];
        k->score[p] = isfinite(sig) && k->first[p] > 0 ? sqrt(k->first[p]) * sig : 0;
    }
}

/* Open the links of a parameter (of_chan false) or a channel in the current view. Needs the best
 * fit (the information is taken there). */
unsigned
tui_links_open(struct tui *t, bool of_chan, size_t subject)
{
    tui_syst_prepare(t);
    if (!t->have_fit || !t->syst.have_con || t->syst.con_gen != t->fit_gen) {
        tui_message(t, true, "c needs the best fit%s",
                    t->fit_state == TUI_FIT_RUNNING ? " (fitting...)" : " (f starts one)");
        return TUI_DIRTY_STATUS;
    }
    tui_nav_push(t);
    tui_links_release(&t->links);
    tui_links *k = &t->links;
    size_t n = of_chan ? t->m->npar : t->m->nchan, n1 = n ? n : 1;
    k->of_chan = of_chan;
    k->subject = subject;
    k->home = t->view;
    k->order = malloc(n1 * sizeof(*k->order));
    k->first = calloc(n1, sizeof(double));
    k->curv = calloc(n1, sizeof(double));
    k->score = calloc(n1, sizeof(double));
    k->list.idx = malloc(n1 * sizeof(size_t));
    k->list.keys = malloc(n1 * sizeof(tui_sortkey));
    if (!k->order || !k->first || !k->curv || !k->score || !k->list.idx || !k->list.keys) {
        tui_links_release(k);
        tui_message(t, true, "out of memory");
        return TUI_DIRTY_STATUS;
    }
    fill(t, k, &t->syst.con.info);
    for (size_t i = 0; i < n; i++)
        k->order[i] = i;
    rank_score = k->score;
    qsort(k->order, n, sizeof(*k->order), cmp_score);
    rank_score = NULL;
    while (k->norder < n && k->score[k->order[k->norder]] > 0)
        k->norder++;
    size_t ci = of_chan ? (size_t)-1 : t->syst.con_idx[subject];
    if (ci != (size_t)-1)
        k->explain = hf_constraints_explain(t->m, &t->syst.con, ci);
    k->list.n = k->norder;
    k->open = true;
    tui_list_rebuild(t, &k->list);
    t->laid_out = false;
    return TUI_DIRTY_ALL;
}

/* ---- MINOS ---- */

/* m: the MINOS interval of parameter p on the worker thread (the best fit stays put: no other
 * fit can start while the worker is busy). */
unsigned
tui_minos_start(struct tui *t, size_t p)
{
    if (!t->have_fit || t->fit.fixed[p]) {
        tui_message(t, true, "%s",
                    t->have_fit ? "MINOS: the parameter is fixed"
                                : "MINOS needs the best fit (f starts one)");
        return TUI_DIRTY_STATUS;
    }
    if (t->minos_running || t->fit_state == TUI_FIT_RUNNING || t->cfit_running ||
        t->syst.dstate == TUI_DECOR_RUNNING ||
        tui_worker_submit_minos(t->worker, t->m, &t->fit, p) < 0) {
        tui_message(t, true, "MINOS: the worker is busy");
        return TUI_DIRTY_STATUS;
    }
    t->minos_running = true;
    tui_message(t, false, "MINOS for %s running (x cancels)", t->m->par[p].name);
    tui_log(t, "MINOS for %s started", t->m->par[p].name);
    return TUI_DIRTY_STATUS;
}

/* The worker's MINOS result: kept for the Parameters view while the best fit stays. */
void
tui_minos_done(struct tui *t, int rc, const hf_minos_result *res, const hf_error *err)
{
    t->minos_running = false;
    if (rc < 0) {
        tui_message(t, true, "MINOS: %s", hf_error_msg(err));
        tui_log(t, "MINOS: %s", hf_error_msg(err));
        return;
    }
    size_t n = t->m->npar;
    if (t->minos == NULL || t->minos_gen != t->fit_gen) {
        free(t->minos);
        t->minos = malloc((n ? n : 1) * sizeof(*t->minos));
        if (t->minos == NULL) {
            tui_message(t, true, "MINOS: out of memory");
            return;
        }
        for (size_t i = 0; i < n; i++)
            t->minos[i].par = (size_t)-1;
        t->minos_gen = t->fit_gen;
    }
    t->minos[res->par] = *res;
    char lo[48] = "n/a", hi[48] = "n/a";
    if (res->lower.valid)
        snprintf(lo, sizeof(lo), "%+.4g%s", res->lower.offset,
                 res->lower.at_limit ? " (at the bound)" : "");
    if (res->upper.valid)
        snprintf(hi, sizeof(hi), "%+.4g%s", res->upper.offset,
                 res->upper.at_limit ? " (at the bound)" : "");
    tui_message(t, false, "MINOS %s: %s %s (HESSE %.4g)", t->m->par[res->par].name, lo, hi,
                t->fit.err[res->par]);
    tui_log(t, "MINOS %s: lower %s, upper %s", t->m->par[res->par].name, lo, hi);
}

/* The MINOS interval of p at the current best fit, NULL when not computed. */
const hf_minos_result *
tui_minos_of(const struct tui *t, size_t p)
{
    if (t->minos == NULL || t->minos_gen != t->fit_gen || !t->have_fit)
        return NULL;
    return t->minos[p].par == p ? &t->minos[p] : NULL;
}

/* ---- NLL shapes ---- */

/* The NLL shapes of every parameter at the best fit, on the worker thread (once per fit). */
unsigned
tui_shape_start(struct tui *t)
{
    if (!t->have_fit || t->fit.cov == NULL) {
        tui_message(t, true, "the NLL shape needs the best fit with errors (f starts one)");
        return TUI_DIRTY_STATUS;
    }
    if ((t->have_shape && t->shape_gen == t->fit_gen) || t->shape_running)
        return 0;
    if (t->minos_running || t->fit_state == TUI_FIT_RUNNING || t->cfit_running ||
        t->syst.dstate == TUI_DECOR_RUNNING ||
        tui_worker_submit_shape(t->worker, t->m, &t->fit) < 0) {
        tui_message(t, true, "NLL shape: the worker is busy");
        return TUI_DIRTY_STATUS;
    }
    t->shape_running = true;
    tui_log(t, "NLL shapes started");
    return TUI_DIRTY_ALL;
}

/* The worker's shapes (res is taken over). */
void
tui_shape_done(struct tui *t, int rc, hf_nllshape *res, const hf_error *err)
{
    t->shape_running = false;
    if (rc < 0) {
        tui_message(t, true, "NLL shape: %s", hf_error_msg(err));
        tui_log(t, "NLL shape: %s", hf_error_msg(err));
        return;
    }
    if (t->have_shape)
        hf_nllshape_release(&t->shape);
    t->shape = *res;
    memset(res, 0, sizeof(*res));
    t->have_shape = true;
    t->shape_gen = t->fit_gen;
    tui_log(t, "NLL shapes of %zu parameters", t->shape.ncurves);
}
