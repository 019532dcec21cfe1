/* render/plot_nllshape.c - likelihood-shape figures (conditional 2 delta NLL, the Hessian
 * parabola, the profiled curve) for one parameter or a grid of the most irregular ones. */
#include "render/plot_nllshape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Q_LABEL "2 \xce\x94NLL"

/* Largest |q - parabola| where the parabola is below 4 (two conditional sigmas): the
 * departure from the Hessian where it matters for the interval. */
static double
departure(const hf_nllshape_curve *c)
{
    double d = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->parab[i] <= 4.0 && isfinite(c->q[i]))
            d = fmax(d, fabs(c->q[i] - c->parab[i]));
    return d;
}

typedef struct rank {
    size_t i;
    int tier;
    double dep;
} rank;

/* Kinks, double minima and flat directions first; then non-parabolic two-point parameters,
 * then non-parabolic per-bin statistical ones (a gamma near 0 is expected to be lopsided: the
 * Poisson likelihood of a small yield), then the rest. */
static int
tier_of(const hf_model *m, const hf_nllshape_curve *c)
{
    unsigned stat = (1u << HF_MOD_STATERROR) | (1u << HF_MOD_SHAPESYS);
    if (c->flags & (HF_NLLSHAPE_KINK | HF_NLLSHAPE_DOUBLE_MIN | HF_NLLSHAPE_FLAT))
        return 0;
    if (c->flags != 0)
        return (m->par[c->par].types & stat) ? 2 : 1;
    return 3;
}

static int
by_irregular(const void *a, const void *b)
{
    const rank *x = a, *y = b;
    if (x->tier != y->tier)
        return x->tier - y->tier;
    return x->dep > y->dep ? -1 : x->dep < y->dep ? 1 : (x->i > y->i) - (x->i < y->i);
}

size_t *
hf_nllshape_order(const hf_model *m, const hf_nllshape *s)
{
    rank *r = malloc((s->ncurves + 1) * sizeof(*r));
    size_t *idx = calloc(s->ncurves + 1, sizeof(*idx));
    if (r == NULL || idx == NULL) {
        free(r);
        free(idx);
        return NULL;
    }
    for (size_t i = 0; i < s->ncurves; i++)
        r[i] = (rank){i, tier_of(m, &s->c[i]), departure(&s->c[i])};
    qsort(r, s->ncurves, sizeof(*r), by_irregular);
    for (size_t i = 0; i < s->ncurves; i++)
        idx[i] = r[i].i;
    free(r);
    return idx;
}

/* "kink, flat" from the flags (scene-owned), or NULL when none. */
static const char *
flag_text(hf_scene *s, unsigned flags)
{
    const char *part[HF_NLLSHAPE_NFLAGS] = {""};
    size_t n = 0;
    for (unsigned k = 0; k < HF_NLLSHAPE_NFLAGS; k++)
        if (flags & (1u << k))
            part[n++] = hf_nllshape_flag_name(k);
    if (n == 0)
        return NULL;
    return hf_scene_printf(s, "%s%s%s%s%s%s%s", part[0], n > 1 ? ", " : "", n > 1 ? part[1] : "",
                           n > 2 ? ", " : "", n > 2 ? part[2] : "", n > 3 ? ", " : "",
                           n > 3 ? part[3] : "");
}

/* Draw curve c into panel p, x in units of sigma when scaled. Returns 0 or -1 (ENOMEM). */
static int
draw_curves(hf_scene *s, hf_panel *p, const hf_nllshape_curve *c, const char *name, bool legend)
{
    double *x = malloc(c->n * sizeof(double)), *mp = malloc(c->n * sizeof(double));
    double ymax = 1.5;
    bool scaled = name == NULL;
    int rc = -1;
    if (x == NULL || mp == NULL)
        goto out;
    for (size_t i = 0; i < c->n; i++) {
        x[i] = scaled ? (c->x[i] - c->best) / c->step : c->x[i];
        mp[i] = c->cjj > 0 ? (c->x[i] - c->best) * (c->x[i] - c->best) / c->cjj : NAN;
        ymax = fmax(ymax, fmin(isfinite(c->q[i]) ? c->q[i] : 0, 10));
        ymax = fmax(ymax, fmin(c->parab[i], 10));
    }
    if (hf_panel_set_axis(s, &p->x, x[0], x[c->n - 1], false,
                          scaled ? "\xce\x94\xce\xb8 / \xcf\x83 (from the best fit)" : name) < 0 ||
        hf_panel_set_axis(s, &p->y, 0, ymax * 1.15, false, Q_LABEL) < 0 ||
        !hf_panel_add_rule(s, p, false, 1.0, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DOTTED))
        goto out;
    hf_item *it =
        hf_panel_add_line(s, p, c->n, x, c->parab, hf_ink_of(HF_ROLE_PREFIT, 0), HF_DASH_DASHED);
    if (it == NULL ||
        !hf_panel_add_line(s, p, c->n, x, c->q, hf_ink_of(HF_ROLE_SERIES, 0), HF_DASH_SOLID))
        goto out;
    if (c->qprof != NULL) {
        if (!hf_panel_add_line(s, p, c->n, x, mp, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DOTTED) ||
            !(it = hf_panel_add_line(s, p, c->n, x, c->qprof, hf_ink_of(HF_ROLE_OBSERVED, 0),
                                     HF_DASH_SOLID)))
            goto out;
        it->width = HF_WIDTH_THICK;
    }
    if (legend) {
        hf_legend_entry *e;
        if (!hf_panel_add_legend(s, p, "conditional (others at best fit)",
                                 hf_ink_of(HF_ROLE_SERIES, 0), HF_LEGEND_LINE) ||
            !(e = hf_panel_add_legend(
                  s, p, "Hessian parabola H\xe2\xb1\xbc\xe2\xb1\xbc \xce\x94\xce\xb8\xc2\xb2",
                  hf_ink_of(HF_ROLE_PREFIT, 0), HF_LEGEND_LINE)))
            goto out;
        e->dash = HF_DASH_DASHED;
        if (c->qprof != NULL &&
            (!hf_panel_add_legend(s, p, "profiled (others refitted)",
                                  hf_ink_of(HF_ROLE_OBSERVED, 0), HF_LEGEND_LINE) ||
             !(e = hf_panel_add_legend(s, p, "\xce\x94\xce\xb8\xc2\xb2 / C\xe2\xb1\xbc\xe2\xb1\xbc",
                                       hf_ink_of(HF_ROLE_REF, 0), HF_LEGEND_LINE))))
            goto out;
        if (c->qprof != NULL)
            e->dash = HF_DASH_DOTTED;
        p->legend_pos = HF_LEGPOS_INSIDE_AUTO;
    }
    rc = 0;
out:
    free(x);
    free(mp);
    return rc;
}

hf_scene *
hf_plot_nllshape_curve(const hf_model *m, const hf_nllshape_curve *c, hf_error *err)
{
    hf_scene *s = hf_scene_new(HF_SCENE_SINGLE_COLUMN * 1.4, HF_SCENE_SINGLE_COLUMN * 1.05);
    hf_panel *p = s != NULL ? hf_scene_add_panel(s, 0, 0, 1, 1) : NULL;
    const char *name = m->par[c->par].name;
    if (p == NULL || hf_scene_set_outline(s, name, 0) < 0 || draw_curves(s, p, c, name, true) < 0)
        goto nomem;
    const char *ft = flag_text(s, c->flags);
    char *t = hf_scene_printf(s, "%s = %.3g \xc2\xb1 %.2g%s%s", name, c->best, c->step,
                              ft ? ", flags: " : "", ft ? ft : "");
    if (t == NULL || hf_panel_set_title(s, p, t) < 0)
        goto nomem;
    return s;
nomem:
    hf_scene_free(s);
    hf_error_nomem(err);
    return NULL;
}

hf_scene *
hf_plot_nllshape_grid(const hf_model *m, const hf_nllshape *sh, size_t nmax, hf_error *err)
{
    if (nmax == 0)
        nmax = 12;
    size_t n = sh->ncurves < nmax ? sh->ncurves : nmax, cols = n < 2 ? 1 : 2;
    size_t rows = (n + cols - 1) / cols;
    if (rows == 0)
        rows = 1;
    double W = HF_SCENE_DOUBLE_COLUMN, rowh = 1.7, head = 0.45;
    hf_scene *s = hf_scene_new(W, head + rowh * (double)rows);
    size_t *order = hf_nllshape_order(m, sh);
    if (s == NULL || order == NULL)
        goto nomem;
    double H = head + rowh * (double)rows, top = head / H;
    char *title =
        hf_scene_printf(s, "NLL shapes: top %zu of %zu (least regular first)", n, sh->ncurves);
    if (title == NULL || hf_scene_set_title(s, title) < 0 ||
        hf_scene_set_outline(s, "NLL shapes", 0) < 0)
        goto nomem;
    for (size_t k = 0; k < n; k++) {
        const hf_nllshape_curve *c = &sh->c[order[k]];
        size_t r = k / cols, q = k % cols;
        double y0 = top + (1 - top) * (double)r / (double)rows;
        double y1 = top + (1 - top) * (double)(r + 1) / (double)rows;
        hf_panel *p =
            hf_scene_add_panel(s, (double)q / (double)cols, y0, (double)(q + 1) / (double)cols, y1);
        if (p == NULL || draw_curves(s, p, c, NULL, false) < 0)
            goto nomem;
        const char *ft = flag_text(s, c->flags);
        char *t = hf_scene_printf(s, "%s%s%s%s", m->par[c->par].name, ft ? " [" : "", ft ? ft : "",
                                  ft ? "]" : "");
        if (t == NULL || hf_panel_set_title(s, p, t) < 0)
            goto nomem;
    }
    free(order);
    return s;
nomem:
    free(order);
    hf_scene_free(s);
    hf_error_nomem(err);
    return NULL;
}
