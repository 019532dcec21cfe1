/* render/plot_stack.c - the per-channel stacked-histogram figure (main panel + data/model ratio
 * panel) drawn from yields that core/model/yields.c computed. */
#include "render/plot_stack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/blind.h"
#include "core/stats.h"
#include "render/axis.h"
#include "render/labels.h"
#include "render/plot_summary.h"

/* ---------------------------------------------------------------- figure */

void
hf_stack_options_init(hf_stack_options *o)
{
    memset(o, 0, sizeof *o);
    o->show_data = true;
}

/* Half-width of the ratio range for a largest deviation dev from 1: 0.25, 0.5, 1 or 1.5. */
static double
ratio_step(double dev)
{
    double d = dev * 1.15;

    return d < 0.2 ? 0.25 : d < 0.45 ? 0.5 : d < 0.9 ? 1.0 : 1.5;
}

/* The deviation from 1 that bin asks the ratio range to show: its relative band and the data's
 * central ratio. Not the ends of the data's error bars (a bin with little data would widen every
 * panel), and not n = 0 (its ratio 0 is an arrow when the range does not reach it). */
static double
bin_dev(double nu, double e, double n, bool show_data)
{
    double d;

    if (!(nu > 0))
        return 0;
    d = e / nu;
    if (show_data && n > 0)
        d = fmax(d, fabs(n / nu - 1));
    return d;
}

double
hf_stack_ratio_half(const hf_yields *y, size_t c, bool show_data, const bool *blinded)
{
    const hf_model *m = y->m;
    size_t b, off = m->chan_off[c];
    double dev = 0;

    for (b = 0; b < m->chan_nbins[c]; b++) {
        bool show = show_data && !(blinded && blinded[off + b]);
        dev = fmax(dev, bin_dev(y->nu[off + b], y->nu_err[off + b], m->obs[off + b], show));
    }
    return ratio_step(dev);
}

typedef struct ordkey {
    const hf_model *m;
    size_t k;
    double tot;
    bool sig;
} ordkey;

bool
hf_stack_is_signal(const hf_model *m, size_t k)
{
    return hf_blind_is_signal(m, k); /* one decision for figures and blinding */
}

static int
cmp_ord(const void *a, const void *b)
{
    const ordkey *x = a, *y = b;

    if (x->sig != y->sig)
        return x->sig ? 1 : -1; /* signal on top */
    if (x->tot != y->tot)
        return x->tot < y->tot ? -1 : 1;
    return strcmp(x->m->samp_name[x->m->cs[x->k].samp], y->m->samp_name[y->m->cs[y->k].samp]);
}

void
hf_stack_order(const hf_model *m, size_t c, size_t *order, size_t *n)
{
    size_t k, b, cnt = 0;
    ordkey *keys = malloc((m->ncs ? m->ncs : 1) * sizeof *keys);

    for (k = 0; k < m->ncs; k++)
        if (m->cs[k].chan == c)
            order[cnt++] = k;
    *n = cnt;
    if (!keys)
        return; /* model order is still a stable order */
    for (k = 0; k < cnt; k++) {
        const hf_cs *cs = &m->cs[order[k]];
        keys[k].m = m;
        keys[k].k = order[k];
        keys[k].tot = 0;
        keys[k].sig = hf_stack_is_signal(m, order[k]);
        for (b = 0; b < cs->nbins; b++)
            keys[k].tot += cs->nom[b];
    }
    qsort(keys, cnt, sizeof *keys, cmp_ord);
    for (k = 0; k < cnt; k++)
        order[k] = keys[k].k;
    free(keys);
}

/* Fraction of the main plot height the legend will take, estimated as the Cairo backend lays it
 * out (its fonts by figure width, ~0.58 em per character of DejaVu Sans, the font shrunk when
 * the columns are wider than the plot), so that the data can be kept under it. */
static double
top_block_frac(double area_w_pt, double area_h_pt, size_t nlegend, size_t maxchars, int cols,
               bool wide)
{
    double font = wide ? (nlegend > 6 ? 9 : 10) : (nlegend > 6 ? 7.5 : 8.5);
    double colw = font * 3.0 + (double)maxchars * 0.58 * font, leg, f;
    size_t rows;

    if (cols * colw > area_w_pt - 10)
        font = fmax(5, font * (area_w_pt - 10) / (cols * colw));
    rows = (nlegend + (size_t)cols - 1) / (size_t)cols;
    leg = 4 + (double)rows * font * 1.35;
    f = leg / area_h_pt;
    return f > 0.7 ? 0.7 : f;
}

hf_scene *
hf_plot_stack(const hf_yields *y, size_t c, const hf_stack_options *opt, hf_error *err)
{
    hf_stack_options dflt;
    hf_scene *s;
    double W, H;

    if (!opt) {
        hf_stack_options_init(&dflt);
        opt = &dflt;
    }
    W = opt->width_in > 0 ? opt->width_in : HF_SCENE_SINGLE_COLUMN;
    H = opt->height_in > 0 ? opt->height_in : W < 5 ? 3.6 : W * 0.62;
    s = hf_scene_new(W, H);
    if (!s) {
        hf_error_nomem(err);
        return NULL;
    }
    if (hf_plot_stack_into(s, 0, 0, 1, 1, y, c, opt, err) < 0) {
        hf_scene_free(s);
        return NULL;
    }
    if (hf_scene_set_outline(s, y->m->chan[c]->name, 0) < 0) {
        hf_scene_free(s);
        hf_error_nomem(err);
        return NULL;
    }
    return s;
}

/* The per-bin numbers of one channel's figure: the stack (samples in stacking order), overlaid
 * signals, data with Garwood intervals, the band, and their ratios to the model; plus the ranges
 * they need. */
typedef struct stackdata {
    size_t nb, ns, nsig;
    size_t *order, *sig; /* stack layers; overlaid signals (indices into m->cs) */
    double *buf;         /* one block behind the nb-long arrays below */
    double *edges, *vals, *sigv, *xc, *dat, *elo, *ehi, *blo, *bhi, *rlo, *rhi, *rv, *relo, *rehi;
    hf_ink *ink, *sigink;
    const char **labels;
    double ymax, ymin_pos, tot_min, tot_max, dev;
    bool logy;
} stackdata;

static void
stackdata_release(stackdata *d)
{
    free(d->order);
    free(d->sig);
    free(d->buf);
    free(d->vals);
    free(d->sigv);
    free(d->ink);
    free(d->sigink);
    free(d->labels);
}

static int
stackdata_alloc(stackdata *d, const hf_model *m, size_t nb)
{
    size_t n = nb ? nb : 1, ncs = m->ncs ? m->ncs : 1;
    double **arr[] = {&d->xc,  &d->dat, &d->elo, &d->ehi,  &d->blo, &d->bhi,
                      &d->rlo, &d->rhi, &d->rv,  &d->relo, &d->rehi};
    size_t k, na = sizeof arr / sizeof arr[0];

    memset(d, 0, sizeof *d);
    d->nb = nb;
    d->order = malloc(ncs * sizeof *d->order);
    d->sig = malloc(ncs * sizeof *d->sig);
    d->buf = malloc((nb + 1 + na * n) * sizeof *d->buf);
    d->vals = calloc(ncs * n, sizeof *d->vals);
    d->sigv = calloc(ncs * n, sizeof *d->sigv);
    d->ink = malloc(ncs * sizeof *d->ink);
    d->sigink = malloc(ncs * sizeof *d->sigink);
    d->labels = malloc(ncs * sizeof *d->labels);
    if (!d->order || !d->sig || !d->buf || !d->vals || !d->sigv || !d->ink || !d->sigink ||
        !d->labels)
        return -1;
    d->edges = d->buf;
    for (k = 0; k < na; k++)
        *arr[k] = d->buf + nb + 1 + k * n;
    return 0;
}

/* The stack layers and overlaid signals of channel c (overlay: signals leave the stack and the
 * model total the band and ratio refer to). */
static void
stackdata_layers(stackdata *d, const hf_yields *y, size_t c, const hf_stack_options *opt)
{
    const hf_model *m = y->m;
    size_t nb = d->nb, i, b, nall, ns = 0;
    double k = opt->signal_scale > 0 ? opt->signal_scale : 1;

    hf_stack_order(m, c, d->order, &nall);
    d->nsig = 0;
    for (i = 0; i < nall; i++) {
        const hf_cs *cs = &m->cs[d->order[i]];
        bool sig = hf_stack_is_signal(m, d->order[i]);
        hf_ink ink = hf_ink_of(sig ? HF_ROLE_SIGNAL : HF_ROLE_SAMPLE, (int)cs->samp);
        if (sig && opt->signal == HF_SIGNAL_OVERLAY) {
            for (b = 0; b < nb; b++)
                d->sigv[d->nsig * nb + b] = y->ys[cs->ys + b] * k;
            d->sigink[d->nsig] = ink;
            d->sig[d->nsig++] = d->order[i];
            continue;
        }
        for (b = 0; b < nb; b++)
            d->vals[ns * nb + b] = y->ys[cs->ys + b];
        d->ink[ns] = ink;
        d->labels[ns] = m->samp_name[cs->samp];
        d->order[ns++] = d->order[i];
    }
    d->ns = ns;
}

/* The model total of bin b that the band and the ratio refer to: everything stacked. */
static double
stack_total(const stackdata *d, const hf_yields *y, size_t off, size_t b)
{
    double t = y->nu[off + b];
    size_t i;

    for (i = 0; i < d->nsig; i++) /* the signal's own yield, not the drawn x K */
        t -= y->ys[y->m->cs[d->sig[i]].ys + b];
    return t;
}

/* The uncertainty of stack_total: the model's, less the overlaid signals' own in quadrature
 * (exact when their uncertainties are uncorrelated with the background's; an approximation when
 * they share systematics). */
static double
stack_error(const stackdata *d, const hf_yields *y, size_t off, size_t b)
{
    double e2 = y->nu_err[off + b] * y->nu_err[off + b];
    size_t i;

    for (i = 0; i < d->nsig; i++) {
        double es = y->ys_err[y->m->cs[d->sig[i]].ys + b];
        e2 -= es * es;
    }
    return sqrt(fmax(e2, 0));
}

/* The per-bin part of d from each slot's stacked total tot, its uncertainty err and the observed
 * count obs (NAN: blinded, no data drawn or compared); the layers are set already. */
static void
stackdata_bins(stackdata *d, const double *tot, const double *err, const double *obs,
               const hf_stack_options *opt)
{
    size_t nb = d->nb, i, b;

    d->ymax = 0;
    d->ymin_pos = d->tot_min = INFINITY;
    d->tot_max = 0;
    d->dev = 0;
    for (i = 0; i < d->ns * nb; i++) /* log axes reach down to the smallest layer */
        if (d->vals[i] > 0)
            d->ymin_pos = fmin(d->ymin_pos, d->vals[i] * 0.5);
    for (i = 0; i < d->nsig * nb; i++)
        if (d->sigv[i] > 0)
            d->ymin_pos = fmin(d->ymin_pos, d->sigv[i] * 0.5);
    for (b = 0; b < nb; b++) {
        double nu = tot[b], e = err[b], lo = NAN, hi = NAN;
        bool show = opt->show_data && isfinite(obs[b]);
        d->xc[b] = 0.5 * (d->edges[b] + d->edges[b + 1]);
        d->dat[b] = show ? obs[b] : NAN;
        if (show)
            hf_stats_garwood(d->dat[b], 0.682689492137086, &lo, &hi);
        d->elo[b] = show ? d->dat[b] - lo : 0;
        d->ehi[b] = show ? hi - d->dat[b] : 0;
        d->blo[b] = nu - e;
        d->bhi[b] = nu + e;
        d->ymax = fmax(d->ymax, nu + e);
        for (i = 0; i < d->nsig; i++)
            d->ymax = fmax(d->ymax, d->sigv[i * nb + b]);
        if (show)
            d->ymax = fmax(d->ymax, hi);
        if (nu > 0) {
            d->ymin_pos = fmin(d->ymin_pos, nu * 0.05);
            d->tot_min = fmin(d->tot_min, nu);
            d->tot_max = fmax(d->tot_max, nu);
        }
        if (show && d->dat[b] > 0) {
            d->ymin_pos = fmin(d->ymin_pos, d->dat[b] * 0.05);
            d->tot_max = fmax(d->tot_max, d->dat[b]);
        }
        if (nu > 0) {
            d->rv[b] = show ? d->dat[b] / nu : NAN;
            d->relo[b] = d->elo[b] / nu;
            d->rehi[b] = d->ehi[b] / nu;
            d->rlo[b] = 1 - e / nu;
            d->rhi[b] = 1 + e / nu;
            d->dev = fmax(d->dev, bin_dev(nu, e, show ? d->dat[b] : 0, show));
        } else {
            d->rv[b] = d->relo[b] = d->rehi[b] = d->rlo[b] = d->rhi[b] = NAN;
        }
    }
    /* log scale when asked, or (auto) when the totals span more than three decades */
    d->logy = opt->logy || (opt->auto_logy && d->tot_min > 0 && isfinite(d->tot_min) &&
                            d->tot_max / d->tot_min > 1e3);
}

/* Fill d from the yields of channel c. 0, or -1 on ENOMEM. */
static int
stackdata_fill(stackdata *d, const hf_yields *y, size_t c, const hf_stack_options *opt)
{
    const hf_model *m = y->m;
    size_t nb = d->nb, off = m->chan_off[c], b;
    double *t = malloc(3 * (nb ? nb : 1) * sizeof *t);

    if (!t)
        return -1;
    stackdata_layers(d, y, c, opt);
    for (b = 0; b <= nb; b++)
        d->edges[b] = opt->edges ? opt->edges[b] : (double)b;
    for (b = 0; b < nb; b++) {
        t[b] = stack_total(d, y, off, b);
        t[nb + b] = stack_error(d, y, off, b);
        t[2 * nb + b] = opt->blinded && opt->blinded[off + b] ? NAN : m->obs[off + b];
    }
    stackdata_bins(d, t, t + nb, t + 2 * nb, opt);
    free(t);
    return 0;
}

/* The y range of the main panel: the data and band up to `frac` of the height (the legend takes
 * the rest); log axes start under the smallest stacked layer, so that every sample stays
 * visible (at most eight decades under the maximum). */
static void
main_range(const stackdata *d, bool logy, double frac, double *ylo, double *yhi)
{
    double ymax = d->ymax > 0 ? d->ymax : 1, ymin_pos = d->ymin_pos;

    if (logy) {
        double lmax = log10(ymax), lmin;
        if (!isfinite(ymin_pos))
            ymin_pos = ymax * 1e-3;
        lmin = floor(log10(ymin_pos));
        if (lmin < lmax - 8)
            lmin = floor(lmax - 8);
        if (lmin > lmax - 1)
            lmin = floor(lmax - 1);
        *ylo = pow(10, lmin);
        *yhi = pow(10, lmin + (lmax - lmin) / frac);
    } else {
        *ylo = 0;
        *yhi = ymax / frac;
    }
}

/* The title line: experiment label (its first word bold), channel, fit state, energy and
 * luminosity, extra line; parts joined by " · " so that a long title breaks between them. */
static int
stack_title(hf_scene *s, hf_panel *mp, const char *name, const hf_stack_options *opt)
{
    const char *ex = opt->experiment, *sep = " \xc2\xb7 ";
    char *t = hf_scene_printf(s, "%s%s%s%s%s%s%s%s%s", ex ? ex : "", ex ? sep : "", name, sep,
                              opt->postfit ? "post-fit" : "pre-fit", opt->lumi_label ? sep : "",
                              opt->lumi_label ? opt->lumi_label : "", opt->extra_label ? sep : "",
                              opt->extra_label ? opt->extra_label : "");

    if (!t || hf_panel_set_title(s, mp, t) < 0)
        return -1;
    if (ex) {
        size_t w = strcspn(ex, " ");
        mp->title_bold = w > 0 ? w : strlen(ex);
    }
    return 0;
}

/* Whether any bin of the figure shows data (not all blinded, not --blind without data). */
static bool
any_data(const stackdata *d)
{
    size_t b;

    for (b = 0; b < d->nb; b++)
        if (isfinite(d->dat[b]))
            return true;
    return false;
}

/* Overlaid signals: dashed lines, labelled "name ×K" when scaled. */
static int
overlay_signals(hf_scene *s, hf_panel *mp, const stackdata *d, const hf_model *m,
                const hf_stack_options *opt)
{
    double k = opt->signal_scale > 0 ? opt->signal_scale : 1;
    size_t i;

    for (i = 0; i < d->nsig; i++) {
        const char *nm = m->samp_name[m->cs[d->sig[i]].samp];
        hf_item *it = hf_panel_add_hist(s, mp, d->nb, d->edges, d->sigv + i * d->nb, d->sigink[i]);
        char *lab = k != 1 ? hf_scene_printf(s, "%s \xc3\x97%g", nm, k) : hf_scene_strdup(s, nm);
        hf_legend_entry *e;
        if (!it || !lab || !(e = hf_panel_add_legend(s, mp, lab, d->sigink[i], HF_LEGEND_LINE)))
            return -1;
        it->dash = HF_DASH_DASHED;
        it->width = HF_WIDTH_THICK;
        e->dash = HF_DASH_DASHED;
    }
    return 0;
}

/* The main panel: stack, band, data, the title line and the legend. 0 or -1 on ENOMEM. */
static int
main_panel(hf_scene *s, hf_panel *mp, const stackdata *d, const hf_model *m, const char *name,
           const hf_stack_options *opt, double width_frac, double main_area)
{
    size_t nb = d->nb, ns = d->ns, nleg = ns + d->nsig + 2, maxc = 11, i; /* "Uncertainty" */
    int cols = nleg > 12 ? 3 : nleg > 5 ? 2 : 1;
    double wpt = s->width_in * 72 * width_frac - 45, frac, ylo, yhi;

    for (i = 0; i < ns; i++)
        maxc = strlen(d->labels[i]) > maxc ? strlen(d->labels[i]) : maxc;
    /* many samples: three columns keep the legend short */
    mp->legend_columns = nleg > 12 ? 3 : 0;
    frac = 1 - top_block_frac(wpt, main_area, nleg, maxc, cols, s->width_in >= 5) - 0.05;
    main_range(d, d->logy, frac, &ylo, &yhi);
    if (hf_panel_set_axis(s, &mp->x, d->edges[0], d->edges[nb], false, NULL) < 0 ||
        hf_panel_set_axis(s, &mp->y, ylo, yhi, d->logy, "Events") < 0)
        return -1;
    mp->x.integer = !opt->edges;
    mp->x.hide_labels = true;
    mp->y.no_min_label = true;
    mp->legend_pos = HF_LEGPOS_INSIDE_AUTO;
    if (!hf_panel_add_stack(s, mp, nb, d->edges, ns, d->vals, d->ink, d->labels) ||
        !hf_panel_add_band(s, mp, nb, true, d->edges, d->blo, d->bhi, HF_FILL_HATCH,
                           hf_ink_of(HF_ROLE_BAND, 0)))
        return -1;
    if (opt->show_data && !hf_panel_add_points(s, mp, nb, d->xc, d->dat, NULL, NULL, d->elo, d->ehi,
                                               HF_MARKER_CIRCLE, hf_ink_of(HF_ROLE_DATA, 0)))
        return -1;
    /* channel, fit state and labels in the title line above the plot: the plot area's top
     * belongs to the legend alone, so the two can never collide */
    if (stack_title(s, mp, name, opt) < 0)
        return -1;
    /* legend from the top of the stack down, as the eye reads it */
    if (any_data(d) &&
        !hf_panel_add_legend(s, mp, "Data", hf_ink_of(HF_ROLE_DATA, 0), HF_LEGEND_MARKER))
        return -1;
    for (i = ns; i-- > 0;)
        if (!hf_panel_add_legend(s, mp, d->labels[i], d->ink[i], HF_LEGEND_FILL))
            return -1;
    if (overlay_signals(s, mp, d, m, opt) < 0)
        return -1;
    if (!hf_panel_add_legend(s, mp, "Uncertainty", hf_ink_of(HF_ROLE_BAND, 0), HF_LEGEND_HATCH))
        return -1;
    return 0;
}

/* Data ratios outside [r0, r1]: left out as points, drawn as an arrow at the edge they leave by
 * with their value ("↑ 3.2", "↓ 0"), so that no bin of the panel is silently empty. */
static int
ratio_arrows(hf_scene *s, hf_panel *rp, const stackdata *d, double r0, double r1, double *rv)
{
    double pad = (r1 - r0) * 0.04;
    size_t b;

    for (b = 0; b < d->nb; b++) {
        double v = d->rv[b];
        bool up = v > r1, down = v < r0;
        char *t;
        rv[b] = up || down ? NAN : v;
        if (!(up || down) || !isfinite(v))
            continue;
        t = hf_scene_printf(s, "%s %.2g", up ? "\xe2\x86\x91" : "\xe2\x86\x93", v);
        if (!t || hf_panel_add_text(s, rp, HF_COORD_DATA, d->xc[b], up ? r1 - pad : r0 + pad, t,
                                    HF_HALIGN_CENTER, up ? HF_VALIGN_TOP : HF_VALIGN_BOTTOM,
                                    HF_TEXT_SMALL) == NULL)
            return -1;
    }
    return 0;
}

/* The ratio panel: data / model with the relative band, in a symmetric range around 1 in nice
 * steps (or the one the caller shares). 0 or -1 on ENOMEM. */
static int
ratio_panel(hf_scene *s, hf_panel *rp, const stackdata *d, const hf_stack_options *opt)
{
    double h = opt->ratio_half > 0 ? opt->ratio_half : ratio_step(d->dev);
    double r0 = 1 - h < 0 ? 0 : 1 - h, r1 = 1 + h;
    size_t nb = d->nb;
    double *rv = malloc((nb ? nb : 1) * sizeof *rv);
    int rc = -1;

    if (!rv)
        return -1;
    if (hf_panel_set_axis(s, &rp->x, d->edges[0], d->edges[nb], false,
                          !opt->edges   ? "Bin index"
                          : opt->xlabel ? opt->xlabel
                                        : "Observable") < 0 ||
        hf_panel_set_axis(s, &rp->y, r0, r1, false,
                          any_data(d) ? (d->nsig ? "Data / Bkg." : "Data / Model")
                                      : "1 \xc2\xb1 \xcf\x83 / model") < 0)
        goto out;
    rp->x.integer = !opt->edges;
    rp->y.no_max_label = true;
    if (!hf_panel_add_band(s, rp, nb, true, d->edges, d->rlo, d->rhi, HF_FILL_HATCH,
                           hf_ink_of(HF_ROLE_BAND, 0)) ||
        !hf_panel_add_rule(s, rp, false, 1.0, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DASHED))
        goto out;
    if (opt->show_data && (ratio_arrows(s, rp, d, r0, r1, rv) < 0 ||
                           !hf_panel_add_points(s, rp, nb, d->xc, rv, NULL, NULL, d->relo, d->rehi,
                                                HF_MARKER_CIRCLE, hf_ink_of(HF_ROLE_DATA, 0))))
        goto out;
    rc = 0;
out:
    free(rv);
    return rc;
}

int
hf_plot_stack_into(hf_scene *s, double fx0, double fy0, double fx1, double fy1, const hf_yields *y,
                   size_t c, const hf_stack_options *opt, hf_error *err)
{
    const hf_model *m = y->m;
    const double split = 0.70;
    hf_stack_options dflt;
    stackdata d;
    hf_panel *mp, *rp;
    double H = s->height_in * (fy1 - fy0);
    int rc = -1;

    if (!opt) {
        hf_stack_options_init(&dflt);
        opt = &dflt;
    }
    if (c >= m->nchan)
        return hf_error_set(err, HF_EUSAGE, "", "no channel %zu", c);
    if (stackdata_alloc(&d, m, m->chan_nbins[c]) == 0 && stackdata_fill(&d, y, c, opt) == 0) {
        mp = hf_scene_add_panel(s, fx0, fy0, fx1, fy0 + (fy1 - fy0) * split);
        rp = hf_scene_add_panel(s, fx0, fy0 + (fy1 - fy0) * split, fx1, fy1);
        if (mp && rp &&
            main_panel(s, mp, &d, m, m->chan[c]->name, opt, fx1 - fx0, H * 72 * split - 20) == 0 &&
            ratio_panel(s, rp, &d, opt) == 0)
            rc = 0;
    }
    stackdata_release(&d);
    return rc == 0 ? 0 : hf_error_nomem(err);
}

/* ---------------------------------------------------------------- all-regions summary */

/* Layers of the summary: one per global sample present in the drawn channels, smallest total at
 * the bottom, signals on top (or overlaid); slot0[c] is channel c's first slot (or SIZE_MAX). */
static void
summary_layers(stackdata *d, const hf_yields *y, const size_t *slot0, const hf_stack_options *opt)
{
    const hf_model *m = y->m;
    size_t nb = d->nb, k, j, b, ns = 0;
    double *tot = calloc(m->nsamp ? m->nsamp : 1, sizeof *tot);
    size_t *rep = malloc((m->nsamp ? m->nsamp : 1) * sizeof *rep), *ord = d->order;
    bool *sig = calloc(m->nsamp ? m->nsamp : 1, sizeof *sig), *have = calloc(m->nsamp + 1, 1);

    d->ns = d->nsig = 0;
    if (!tot || !rep || !sig || !have)
        goto out;
    for (k = 0; k < m->ncs; k++) {
        const hf_cs *cs = &m->cs[k];
        if (slot0[cs->chan] == (size_t)-1)
            continue;
        if (!have[cs->samp])
            rep[cs->samp] = k;
        have[cs->samp] = true;
        sig[cs->samp] = sig[cs->samp] || hf_stack_is_signal(m, k);
        for (b = 0; b < cs->nbins; b++)
            tot[cs->samp] += y->ys[cs->ys + b];
    }
    for (k = 0; k < m->nsamp; k++) /* insertion sort: (signal, total, name) */
        if (have[k]) {
            for (j = ns; j > 0; j--) {
                size_t q = ord[j - 1];
                bool after = sig[q] != sig[k] ? sig[q] : tot[q] > tot[k];
                if (!after)
                    break;
                ord[j] = q;
            }
            ord[j] = k;
            ns++;
        }
    for (j = 0; j < ns; j++) {
        size_t smp = ord[j];
        bool ov = sig[smp] && opt->signal == HF_SIGNAL_OVERLAY;
        double *dst = ov ? d->sigv + d->nsig * nb : d->vals + d->ns * nb;
        hf_ink ink = hf_ink_of(sig[smp] ? HF_ROLE_SIGNAL : HF_ROLE_SAMPLE, (int)smp);
        for (k = 0; k < m->ncs; k++) {
            const hf_cs *cs = &m->cs[k];
            if (cs->samp != smp || slot0[cs->chan] == (size_t)-1)
                continue;
            for (b = 0; b < cs->nbins; b++)
                dst[slot0[cs->chan] + b] =
                    y->ys[cs->ys + b] * (ov && opt->signal_scale > 0 ? opt->signal_scale : 1);
        }
        if (ov) {
            d->sigink[d->nsig] = ink;
            d->sig[d->nsig++] = rep[smp];
        } else {
            d->ink[d->ns] = ink;
            d->labels[d->ns++] = m->samp_name[smp];
        }
    }
out:
    free(tot);
    free(rep);
    free(sig);
    free(have);
}

/* Per-slot totals, uncertainties and data of the summary (overlaid signals taken out). */
static int
summary_fill(stackdata *d, const hf_yields *y, const size_t *chans, size_t nch, const size_t *slot0,
             const hf_stack_options *opt)
{
    const hf_model *m = y->m;
    size_t nb = d->nb, i, b, k, slot = 0;
    double *t = calloc(3 * (nb ? nb : 1), sizeof *t); /* (zeroed: every slot is set below) */

    if (!t)
        return -1;
    summary_layers(d, y, slot0, opt);
    for (i = 0; i < nch; i++)
        for (b = 0; b < m->chan_nbins[chans[i]]; b++, slot++) {
            size_t g = m->chan_off[chans[i]] + b;
            double e2 = y->nu_err[g] * y->nu_err[g], tot = y->nu[g];
            for (k = 0; k < d->nsig; k++) { /* the overlaid sample of this slot, if any */
                size_t smp = m->cs[d->sig[k]].samp, q;
                for (q = 0; q < m->ncs; q++)
                    if (m->cs[q].samp == smp && m->cs[q].chan == chans[i]) {
                        tot -= y->ys[m->cs[q].ys + b];
                        e2 -= y->ys_err[m->cs[q].ys + b] * y->ys_err[m->cs[q].ys + b];
                    }
            }
            t[slot] = tot;
            t[nb + slot] = sqrt(fmax(e2, 0));
            t[2 * nb + slot] = opt->blinded && opt->blinded[g] ? NAN : m->obs[g];
        }
    for (b = 0; b <= nb; b++)
        d->edges[b] = (double)b;
    stackdata_bins(d, t, t + nb, t + 2 * nb, opt);
    free(t);
    return 0;
}

/* The data y 3% of the axis under its top (in log units on a log axis). */
static double
under_top(const hf_axis *a)
{
    if (a->log && a->min > 0)
        return pow(10, log10(a->max) - 0.03 * (log10(a->max) - log10(a->min)));
    return a->max - 0.03 * (a->max - a->min);
}

/* Region names under the ratio panel (shared affixes dropped, "[b]" for the bins of multi-bin
 * regions), dashed separators and group names (CR, VR, SR or opt's) where the group changes,
 * a little under the frame. (The legend's placement does not see them: counted there, two labels
 * in the top corners pushed the legend onto the data, which is worse.) */
static int
summary_axis(hf_scene *s, hf_panel *mp, hf_panel *rp, const hf_model *m, const size_t *chans,
             size_t nch, size_t nb, const hf_stack_options *opt)
{
    const char **names = malloc((nch ? nch : 1) * sizeof *names);
    const char **lab = malloc((nb ? nb : 1) * sizeof *lab);
    double *x = malloc((nb ? nb : 1) * sizeof *x);
    hf_labels_options lo = {0};
    hf_labels l = {0};
    size_t i, b, slot = 0, gstart = 0;
    char *note = NULL;
    int rc = -1;

    lo.drop_affixes = true;
    if (!names || !lab || !x)
        goto out;
    for (i = 0; i < nch; i++)
        names[i] = m->chan[chans[i]]->name;
    if (hf_labels_make(&l, names, nch, &lo) < 0)
        goto out;
    for (i = 0; i < nch; i++) {
        size_t nbc = m->chan_nbins[chans[i]], g = opt->groups->of[chans[i]];
        const char *gl = hf_summary_groups_label(opt->groups, g);
        for (b = 0; b < nbc; b++, slot++) {
            x[slot] = (double)slot + 0.5;
            lab[slot] = nbc == 1 ? l.text[i] : hf_scene_printf(s, "%s[%zu]", l.text[i], b);
            if (!lab[slot])
                goto out;
        }
        if (i + 1 == nch || opt->groups->of[chans[i + 1]] != g) {
            if (i + 1 < nch && (!hf_panel_add_rule(s, mp, true, (double)slot,
                                                   hf_ink_of(HF_ROLE_FG, 0), HF_DASH_DASHED) ||
                                !hf_panel_add_rule(s, rp, true, (double)slot,
                                                   hf_ink_of(HF_ROLE_FG, 0), HF_DASH_DASHED)))
                goto out;
            if (gl[0] && (gstart > 0 || i + 1 < nch) && /* one group: the title says it */
                !hf_panel_add_text(s, mp, HF_COORD_DATA, 0.5 * (double)(gstart + slot),
                                   under_top(&mp->y), gl, HF_HALIGN_CENTER, HF_VALIGN_TOP,
                                   HF_TEXT_NORMAL))
                goto out;
            gstart = slot;
        }
    }
    /* the dropped affixes go into the title: the names hang down to the axis label's place */
    note = hf_labels_affix_note(&l);
    if (note && !(mp->title = hf_scene_printf(s, "%s \xc2\xb7 regions %s", mp->title, note)))
        goto out;
    if (hf_panel_set_axis(s, &rp->x, 0, (double)nb, false, NULL) < 0 ||
        hf_panel_axis_ticks(s, &rp->x, nb, x, lab) < 0)
        goto out;
    rp->x.categories = true;
    rp->x.label_frac = 0.6; /* region names need more than the default 30% of a ratio panel */
    rp->x.integer = false;
    mp->x.integer = false;
    rc = 0;
out:
    free(note);
    hf_labels_release(&l);
    free(names);
    free(lab);
    free(x);
    return rc;
}

int
hf_plot_summary_into(hf_scene *s, double fx0, double fy0, double fx1, double fy1,
                     const hf_yields *y, const size_t *chans, size_t nch, const char *title,
                     const hf_stack_options *opt, hf_error *err)
{
    const hf_model *m = y->m;
    hf_stack_options dflt;
    hf_summary_groups dg = {0};
    size_t nb = 0, i, *slot0 = malloc((m->nchan ? m->nchan : 1) * sizeof *slot0);
    double H = s->height_in * (fy1 - fy0), split = 0.5, ym = fy0 + (fy1 - fy0) * split;
    hf_panel *mp, *rp;
    stackdata d;
    int rc = -1;

    if (!opt || !opt->groups) { /* the default grouping: CR, VR, SR, then other */
        if (opt)
            dflt = *opt;
        else
            hf_stack_options_init(&dflt);
        if (hf_summary_groups_default(&dg, m) < 0) {
            free(slot0);
            return hf_error_nomem(err);
        }
        dflt.groups = &dg;
        opt = &dflt;
    }
    memset(&d, 0, sizeof d);
    if (!slot0) {
        hf_summary_groups_release(&dg);
        return hf_error_nomem(err);
    }
    for (i = 0; i < m->nchan; i++)
        slot0[i] = (size_t)-1;
    for (i = 0; i < nch; i++) {
        slot0[chans[i]] = nb;
        nb += m->chan_nbins[chans[i]];
    }
    if (stackdata_alloc(&d, m, nb) == 0 && summary_fill(&d, y, chans, nch, slot0, opt) == 0 &&
        (mp = hf_scene_add_panel(s, fx0, fy0, fx1, ym)) != NULL &&
        (rp = hf_scene_add_panel(s, fx0, ym, fx1, fy1)) != NULL &&
        main_panel(s, mp, &d, m, title ? title : "All regions", opt, fx1 - fx0,
                   H * 72 * split - 20) == 0 &&
        ratio_panel(s, rp, &d, opt) == 0 && summary_axis(s, mp, rp, m, chans, nch, nb, opt) == 0)
        rc = 0;
    stackdata_release(&d);
    hf_summary_groups_release(&dg);
    free(slot0);
    return rc == 0 ? 0 : hf_error_nomem(err);
}

hf_scene *
hf_plot_summary(const hf_yields *y, const size_t *chans, size_t nch, const char *title,
                const hf_stack_options *opt, hf_error *err)
{
    double W = opt && opt->width_in > 0 ? opt->width_in : HF_SCENE_DOUBLE_COLUMN;
    double H = opt && opt->height_in > 0 ? opt->height_in : W * 0.75;
    hf_scene *s = hf_scene_new(W, H);

    if (!s) {
        hf_error_nomem(err);
        return NULL;
    }
    if (hf_plot_summary_into(s, 0, 0, 1, 1, y, chans, nch, title, opt, err) < 0 ||
        hf_scene_set_outline(s, title ? title : "All regions", 0) < 0) {
        hf_scene_free(s);
        hf_error_nomem(err);
        return NULL;
    }
    return s;
}
