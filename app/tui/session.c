/* app/tui/session.c - the session's plain helpers, below everything else in app/tui: the clock,
 * the log and the status message, lines of text, the best-fit point and pulls, the filtered,
 * sorted lists with their selection, the parameter flags, and the release of the links' memory.
 * Calls nothing else in app/tui. */
#include "app/tui/session.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Monotonic seconds. */
double
tui_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Append one line to the Log view (dropped silently on ENOMEM: the log is a convenience). */
void
tui_log(struct tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = hf_vformat(fmt, ap);
    va_end(ap);
    if (s == NULL)
        return;
    char **nl = realloc(t->log, (t->nlog + 1) * sizeof(*nl));
    if (nl == NULL) {
        free(s);
        return;
    }
    t->log = nl;
    t->log[t->nlog++] = s;
}

/* Show a message in the status line: about 3 s, errors until the next key. Also logged. */
void
tui_message(struct tui *t, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
    va_end(ap);
    t->msg_error = error;
    t->msg_until = tui_now() + 3.0;
    tui_log(t, "%s%s", error ? "error: " : "", t->msg);
    t->dirty |= TUI_DIRTY_STATUS;
}

/* The best-fit vector when a fit finished, else the suggested init. */
const double *
tui_best(const struct tui *t)
{
    return t->have_fit ? t->fit.x : t->init;
}

/* Pull of parameter p, (theta_hat - theta_0) / sigma_prefit; NAN for unconstrained ones and before
 * a fit. *ratio (may be NULL) gets post-fit error / pre-fit sigma (NAN when unknown). */
double
tui_pull(const struct tui *t, size_t p, double *ratio)
{
    const hf_param *pp = &t->m->par[p];
    if (ratio != NULL)
        *ratio = NAN;
    if (!t->have_fit || pp->con == HF_CON_NONE || !(pp->sigma > 0) || t->fit.fixed[p])
        return NAN;
    /* gauss: centred on the auxiliary datum; poisson (shapesys): on 1 with width 1/sqrt(tau) */
    double centre = pp->con == HF_CON_GAUSS ? pp->aux : 1.0;
    if (ratio != NULL)
        *ratio = t->fit.err[p] / pp->sigma;
    return (t->fit.x[p] - centre) / pp->sigma;
}

/* The slider's unit for parameter p: the post-fit error when known, the pre-fit sigma for
 * constrained parameters, else max(1, |init|) / 10 of ... a tenth of the init scale. */
double
tui_param_step(const struct tui *t, size_t p)
{
    const hf_param *pp = &t->m->par[p];
    double s = 0;
    if (t->have_fit && t->fit.err[p] > 0 && isfinite(t->fit.err[p]))
        s = t->fit.err[p];
    else if (pp->con != HF_CON_NONE && pp->sigma > 0)
        s = pp->sigma;
    else
        s = fabs(pp->init) > 1 ? fabs(pp->init) : 1.0;
    return s;
}

static const char *
row_name(const struct tui *t, const tui_list *l, size_t i)
{
    if (l == &t->links.list) { /* rows in rank order: channels of a parameter or the reverse */
        size_t it = t->links.order[i];
        return t->links.of_chan ? t->m->par[it].name : t->m->chan[it]->name;
    }
    if (l == &t->chl)
        return t->m->chan[i]->name;
    return t->m->par[i].name;
}

int
tui_cmp_double(double a, double b)
{
    /* NaN sorts last whatever the direction */
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

/* Numeric channel columns sort largest first (worst fit, most data): hence the minus signs. */
static double
chan_key(const struct tui *t, size_t i, int col)
{
    const tui_chan *c = &t->chan[i];
    switch (col) {
    case 1:
        return -(double)c->nbins;
    case 2:
        return -c->data;
    case 3:
        return -(t->postfit && t->have_fit ? c->post : c->pre);
    default:
        return -(t->postfit && t->have_fit ? c->chi2_post : c->chi2_pre) / (double)c->nbins;
    }
}

static double
par_key(const struct tui *t, size_t i, int col)
{
    double ratio, pull = tui_pull(t, i, &ratio);
    switch (col) {
    case 1:
        return tui_best(t)[i];
    case 2:
        return t->have_fit ? t->fit.err[i] : NAN;
    case 3:
        return isnan(pull) ? NAN : -fabs(pull); /* largest |pull| first */
    default:
        return ratio; /* most constrained first */
    }
}

/* Rows by key, then by natural order; NaN (no value) sorts last in either direction. */
static int
cmp_key(const tui_sortkey *a, const tui_sortkey *b, bool inv)
{
    if (isnan(a->k) || isnan(b->k))
        return isnan(a->k) != isnan(b->k) ? isnan(a->k) - isnan(b->k)
                                          : (a->i > b->i) - (a->i < b->i);
    int r = tui_cmp_double(a->k, b->k);
    if (r == 0)
        r = (a->i > b->i) - (a->i < b->i);
    return inv ? -r : r;
}

static int
cmp_up(const void *a, const void *b)
{
    return cmp_key(a, b, false);
}

static int
cmp_down(const void *a, const void *b)
{
    return cmp_key(a, b, true);
}

/* Fuzzy match (fzf, ctrlp): every character of pat appears in name in order, case-insensitive.
 * *score ranks the matches: 0 when pat is a substring of name, 1 for a plain subsequence. */
bool
tui_fuzzy_match(const char *name, const char *pat, int *score)
{
    size_t n = strlen(pat);
    *score = 0;
    if (n == 0)
        return true;
    for (const char *h = name; *h != '\0'; h++) {
        size_t k = 0;
        while (k < n && h[k] != '\0' &&
               tolower((unsigned char)h[k]) == tolower((unsigned char)pat[k]))
            k++;
        if (k == n)
            return true;
    }
    *score = 1;
    const char *q = pat;
    for (const char *h = name; *h != '\0' && *q != '\0'; h++)
        if (tolower((unsigned char)*h) == tolower((unsigned char)*q))
            q++;
    return *q == '\0';
}

/* The full name of the selected row of the focused list (the status line shows it), or NULL. */
const char *
tui_selected_name(const struct tui *t)
{
    const tui_list *l = tui_focused_list((struct tui *)t);
    if (t->view == TUI_V_OVERVIEW && t->ov_target < t->m->nchan + t->m->npar)
        return t->ov_target < t->m->nchan ? t->m->chan[t->ov_target]->name
                                          : t->m->par[t->ov_target - t->m->nchan].name;
    if (t->view == TUI_V_REGIONS && t->reg_chan < t->m->nchan)
        return t->m->chan[t->reg_chan]->name;
    if (l == NULL || l->nvis == 0 || l->sel >= l->nvis)
        return t->view == TUI_V_SYST && t->syst.detail ? t->m->par[t->syst.par].name : NULL;
    return row_name(t, l, l->idx[l->sel]);
}

static bool
corr_keep(const struct tui *t, size_t i)
{
    if (t->corr == NULL || t->fit.fixed[i])
        return false;
    size_t n = t->m->npar;
    for (size_t j = 0; j < n; j++)
        if (j != i && !t->fit.fixed[j] && fabs(t->corr[i * n + j]) >= t->corr_threshold)
            return true;
    return false;
}

/* Refill l->idx from the table: filter, then sort; keeps the selected row when it survives. */
void
tui_list_rebuild(struct tui *t, tui_list *l)
{
    size_t keep = l->nvis > 0 && l->sel < l->nvis ? l->idx[l->sel] : (size_t)-1;
    l->nvis = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l == &t->corrl && !corr_keep(t, i))
            continue;
        if (l == &t->systl && !tui_syst_keep(t, i))
            continue;
        if (l == &t->parl && t->flagged_only && tui_par_flags(t, i) == 0)
            continue;
        int score = 0;
        if (l->filter != NULL && !tui_fuzzy_match(row_name(t, l, i), l->filter, &score))
            continue;
        l->keys[l->nvis].i = i;
        l->keys[l->nvis].k = score;
        l->idx[l->nvis++] = i;
    }

    if (l != &t->corrl) {
        bool ch = l == &t->chl;
        for (size_t k = 0; k < l->nvis; k++) {
            size_t i = l->idx[k];
            l->keys[k].i = i; /* natural order: substring matches of the filter first */
            l->keys[k].k = l->sort_col == 0 ? l->keys[k].k
                           : ch             ? chan_key(t, i, l->sort_col)
                                            : par_key(t, i, l->sort_col);
        }
        qsort(l->keys, l->nvis, sizeof(*l->keys), l->sort_inv ? cmp_down : cmp_up);
        for (size_t k = 0; k < l->nvis; k++)
            l->idx[k] = l->keys[k].i;
    }
    l->sel = 0;
    for (size_t k = 0; k < l->nvis; k++)
        if (l->idx[k] == keep)
            l->sel = k;
    l->top = 0; /* the list is new: start at its top, the next draw scrolls to the selection */
}

/* Move the selection by delta rows, clamped to the visible rows. */
void
tui_list_move(tui_list *l, long delta)
{
    if (l->nvis == 0)
        return;
    long s = (long)l->sel + delta;
    if (s < 0)
        s = 0;
    if (s >= (long)l->nvis)
        s = (long)l->nvis - 1;
    l->sel = (size_t)s;
}

/* Scroll so the selection is visible in `rows` rows. */
void
tui_list_clamp(tui_list *l, int rows)
{
    if (rows < 1)
        rows = 1;
    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + (size_t)rows)
        l->top = l->sel - (size_t)rows + 1;
    if (l->nvis <= (size_t)rows)
        l->top = 0;
    else if (l->top + (size_t)rows > l->nvis)
        l->top = l->nvis - (size_t)rows;
}

/* The list that j/k move in the current view (NULL: none). */
tui_list *
tui_focused_list(struct tui *t)
{
    if (t->links.open && t->view == t->links.home)
        return &t->links.list;
    switch (t->view) {
    case TUI_V_CHANNELS:
        return &t->chl;
    case TUI_V_PARAMS:
        return &t->parl;
    case TUI_V_CORR:
        return &t->corrl;
    case TUI_V_SLIDER:
        return t->focus == 0 ? &t->parl : &t->chl;
    case TUI_V_SYST:
        return t->syst.detail ? NULL : &t->systl;
    default:
        return NULL;
    }
}

/* The selected channel (index in the model), 0 when the list is empty. */
size_t
tui_current_channel(const struct tui *t)
{
    const tui_links *k = &t->links;
    if (k->open && t->view == k->home && k->of_chan)
        return k->subject;
    if (k->open && t->view == k->home && k->list.nvis > 0)
        return k->order[k->list.idx[k->list.sel]];
    return t->chl.nvis > 0 ? t->chl.idx[t->chl.sel] : 0;
}

/* The selected parameter of the current view (Correlations: its row; Systematics: the opened
 * or selected one), 0 when empty. */
size_t
tui_current_param(const struct tui *t)
{
    const tui_links *k = &t->links;
    if (k->open && t->view == k->home && !k->of_chan)
        return k->subject;
    if (k->open && t->view == k->home && k->list.nvis > 0)
        return k->order[k->list.idx[k->list.sel]];
    if (t->view == TUI_V_CORR)
        return t->corrl.nvis > 0 ? t->corrl.idx[t->corrl.sel] : 0;
    if (t->view == TUI_V_SYST)
        return t->syst.detail ? t->syst.par : t->systl.nvis > 0 ? t->systl.idx[t->systl.sel] : 0;
    return t->parl.nvis > 0 ? t->parl.idx[t->parl.sel] : 0;
}

/* Append one formatted line to v (sets v->nomem instead on ENOMEM). */
void
tui_lines_add(tui_lines *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = hf_vformat(fmt, ap);
    va_end(ap);
    char **ns = s != NULL ? realloc(v->s, (v->n + 1) * sizeof(*ns)) : NULL;
    if (ns == NULL) {
        free(s);
        v->nomem = true;
        return;
    }
    v->s = ns;
    v->s[v->n++] = s;
}

size_t
tui_lines_finish(tui_lines *v, char ***out)
{
    if (v->nomem) {
        for (size_t i = 0; i < v->n; i++)
            free(v->s[i]);
        free(v->s);
        *out = NULL;
        return (size_t)-1;
    }
    *out = v->s;
    return v->n;
}

/* Free what tui_overview_lines or tui_detail_lines returned (n as returned). */
void
tui_lines_free(char **lines, size_t n)
{
    if (lines == NULL || n == (size_t)-1)
        return;
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* True when parameter p has a normsys or histosys (a row of the Systematics list). */
bool
tui_syst_keep(const struct tui *t, size_t p)
{
    return t->syst.analysed && p < t->m->npar && t->syst.count[p] > 0;
}

/* A one-page array holding s (the caller frees it and s), *n = 1; NULL (s freed) when s is NULL
 * or on ENOMEM. */
hf_scene **
tui_one_page(hf_scene *s, size_t *n)
{
    hf_scene **pages = s != NULL ? malloc(sizeof(hf_scene *)) : NULL;
    if (pages == NULL) {
        hf_scene_free(s);
        return NULL;
    }
    pages[0] = s;
    *n = 1;
    return pages;
}

/* ---- parameter flags (the Parameters view, its filter F, the links) ---- */

/* The flags of parameter p: OC and PULL from the live thresholds, BOUND from its value, CURV,
 * 1SIDE and HESSE from the constraint analysis at the best fit (hf_constraints_compute). */
unsigned
tui_par_flags(const struct tui *t, size_t p)
{
    unsigned f = 0;
    double ratio, pull = tui_pull(t, p, &ratio);
    if (!isnan(ratio) && ratio < t->oc_threshold)
        f |= TUI_F_OC;
    if (fabs(pull) > 1)
        f |= TUI_F_PULL;
    if (t->have_fit && !t->fit.fixed[p]) { /* within 1e-6 of a bound, relative to the range */
        const hf_param *pp = &t->m->par[p];
        double range = pp->hi - pp->lo, x = t->fit.x[p];
        if (isfinite(range) && range > 0 &&
            (x - pp->lo <= 1e-6 * range || pp->hi - x <= 1e-6 * range))
            f |= TUI_F_BOUND;
    }
    const tui_syst *s = &t->syst;
    size_t i = s->have_con && s->con_gen == t->fit_gen ? s->con_idx[p] : (size_t)-1;
    if (i != (size_t)-1) {
        unsigned cf = s->con.p[i].flags;
        f |= cf & HF_CFLAG_AT_BOUND ? TUI_F_BOUND : 0;
        f |= cf & HF_CFLAG_CURVATURE ? TUI_F_CURV : 0;
        f |= cf & HF_CFLAG_ONE_SIDED ? TUI_F_1SIDE : 0;
        f |= cf & HF_CFLAG_HESSE ? TUI_F_HESSE : 0;
    }
    return f;
}

/* "OC PULL BOUND CURV 1SIDE HESSE" for the bits set, into buf. */
const char *
tui_par_flag_text(unsigned flags, char *buf, size_t n)
{
    static const char *const name[] = {"OC", "PULL", "BOUND", "CURV", "1SIDE", "HESSE"};
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned k = 0; k < sizeof(name) / sizeof(name[0]); k++) {
        if (!(flags & (1u << k)))
            continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? " " : "", name[k]);
        if (w < 0 || (size_t)w >= n - len)
            break;
        len += (size_t)w;
    }
    return buf;
}

/* ---- links (links.c fills them; freed here so that the life cycle in state.c needs nothing
 * above this file) ---- */

void
tui_links_release(tui_links *k)
{
    free(k->order);
    free(k->first);
    free(k->curv);
    free(k->score);
    free(k->explain);
    free(k->list.idx);
    free(k->list.keys);
    free(k->list.filter);
    memset(k, 0, sizeof(*k));
}
