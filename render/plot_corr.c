/* render/plot_corr.c - correlation matrix figure: parameters pruned by a threshold on their
 * largest off-diagonal |rho|, drawn as a diverging colour map from -1 to 1 with a colour bar. */
#include "render/plot_corr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
hf_corr_options_init(hf_corr_options *o)
{
    memset(o, 0, sizeof *o);
    o->threshold = 0.2;
    o->max_params = 40;
    o->show_values = true;
}

typedef struct rank {
    size_t j;
    double r;
} rank;

static int
cmp_rank(const void *a, const void *b)
{
    const rank *x = a, *y = b;

    if (x->r != y->r)
        return x->r > y->r ? -1 : 1;
    return x->j < y->j ? -1 : x->j > y->j;
}

static int
cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

size_t *
hf_corr_select(const hf_model *m, const double *corr, const bool *fixed, const hf_corr_options *opt,
               size_t *n)
{
    size_t np = m->npar, i, j, cnt = 0, maxp;
    double thr = opt && opt->threshold > 0 ? opt->threshold : 0.2;
    rank *rk = malloc((np ? np : 1) * sizeof *rk);
    size_t *sel;

    *n = 0;
    if (!rk)
        return NULL;
    maxp = opt && opt->max_params ? opt->max_params : 40;
    for (i = 0; i < np; i++) {
        double best = 0;
        if (fixed && fixed[i])
            continue;
        for (j = 0; j < np; j++)
            if (j != i && !(fixed && fixed[j]) && fabs(corr[i * np + j]) > best)
                best = fabs(corr[i * np + j]);
        if (best >= thr) {
            rk[cnt].j = i;
            rk[cnt].r = best;
            cnt++;
        }
    }
    qsort(rk, cnt, sizeof *rk, cmp_rank);
    if (cnt > maxp)
        cnt = maxp;
    /* the POI always stays (when anything is shown and it is fitted): its row is what a reader
     * looks for first, and "uncorrelated with everything" is worth seeing */
    if (cnt > 0 && m->poi >= 0 && !(fixed && fixed[m->poi])) {
        for (i = 0; i < cnt && rk[i].j != (size_t)m->poi; i++)
            ;
        if (i == cnt) {
            if (cnt == maxp)
                cnt--; /* the weakest one makes room */
            rk[cnt].j = (size_t)m->poi;
            rk[cnt].r = 0;
            cnt++;
        }
    }
    sel = malloc((cnt ? cnt : 1) * sizeof *sel);
    if (sel) {
        for (i = 0; i < cnt; i++)
            sel[i] = rk[i].j;
        qsort(sel, cnt, sizeof *sel, cmp_size); /* back to model order: related names adjacent */
        *n = cnt;
    }
    free(rk);
    return sel;
}

hf_scene *
hf_plot_corr(const hf_model *m, const hf_fit_result *fit, const hf_corr_options *opt, hf_error *err)
{
    hf_corr_options dflt;
    double *corr, *v = NULL, *tick = NULL, W;
    const char **lab = NULL;
    size_t *sel = NULL, n = 0, i, j;
    hf_scene *s = NULL;
    hf_panel *p;
    hf_item *it;

    if (!opt) {
        hf_corr_options_init(&dflt);
        opt = &dflt;
    }
    if (!fit->cov) {
        hf_error_set(err, HF_EUSAGE, "", "the fit has no covariance matrix");
        return NULL;
    }
    corr = hf_fit_correlation(fit);
    if (!corr)
        goto nomem;
    sel = hf_corr_select(m, corr, fit->fixed, opt, &n);
    if (!sel)
        goto nomem;
    W = opt->width_in > 0 ? opt->width_in : HF_SCENE_DOUBLE_COLUMN;
    s = hf_scene_new(W, n > 0 ? W * 0.92 : 2.0);
    if (!s || hf_scene_set_outline(s, "Correlations", 0) < 0)
        goto nomem;
    p = hf_scene_add_panel(s, 0, 0, 1, 1);
    if (!p)
        goto nomem;
    if (n == 0) {
        char *msg = hf_scene_printf(s,
                                    "No correlation with |\xcf\x81| \xe2\x89\xa5 %.2f between "
                                    "fitted parameters.",
                                    opt->threshold > 0 ? opt->threshold : 0.2);
        p->frame = false;
        p->x.hidden = p->y.hidden = true;
        if (!msg || hf_panel_set_title(s, p, "Correlations") < 0 ||
            !hf_panel_add_text(s, p, HF_COORD_AXES, 0.0, 0.7, msg, HF_HALIGN_LEFT, HF_VALIGN_MIDDLE,
                               HF_TEXT_NORMAL))
            goto nomem;
        free(corr);
        free(sel);
        return s;
    }
    v = malloc(n * n * sizeof *v);
    tick = malloc(n * sizeof *tick);
    lab = malloc(n * sizeof *lab);
    if (!v || !tick || !lab)
        goto nomem;
    /* cell (i, j): column i = parameter sel[i] left to right, row j from the bottom, so the
     * first parameter's row is at the top and the diagonal runs top-left to bottom-right */
    for (j = 0; j < n; j++)
        for (i = 0; i < n; i++)
            v[j * n + i] = corr[sel[i] * m->npar + sel[n - 1 - j]];
    for (i = 0; i < n; i++) {
        tick[i] = (double)i + 0.5;
        lab[i] = m->par[sel[i]].name;
    }
    if (hf_panel_set_axis(s, &p->x, 0, (double)n, false, NULL) < 0 ||
        hf_panel_set_axis(s, &p->y, 0, (double)n, false, NULL) < 0 ||
        hf_panel_axis_ticks(s, &p->x, n, tick, lab) < 0)
        goto nomem;
    for (i = 0; i < n; i++)
        lab[i] = m->par[sel[n - 1 - i]].name;
    if (hf_panel_axis_ticks(s, &p->y, n, tick, lab) < 0)
        goto nomem;
    p->x.categories = p->y.categories = true;
    /* square cells; names may take a third of the figure on either axis (shortened beyond) */
    p->square = true;
    p->x.label_frac = p->y.label_frac = opt->label_frac > 0 ? opt->label_frac : 0.34;
    {
        char *title = hf_scene_printf(s,
                                      "Correlations (|\xcf\x81| \xe2\x89\xa5 %.2g, %zu of %zu "
                                      "parameters)",
                                      opt->threshold > 0 ? opt->threshold : 0.2, n, m->npar);
        if (!title || hf_panel_set_title(s, p, title) < 0)
            goto nomem;
    }
    it = hf_panel_add_cells(s, p, n, n, 0, (double)n, 0, (double)n, v, -1, 1, "Correlation");
    if (!it)
        goto nomem;
    it->u.cells.show_values = opt->show_values;
    free(corr);
    free(sel);
    free(v);
    free(tick);
    free(lab);
    return s;
nomem:
    free(corr);
    free(sel);
    free(v);
    free(tick);
    free(lab);
    hf_scene_free(s);
    hf_error_nomem(err);
    return NULL;
}
