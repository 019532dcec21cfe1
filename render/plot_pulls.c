/* render/plot_pulls.c - pulls and constraints of the constrained parameters on +-1/+-2 sigma
 * bands, and the free parameters (normfactors, shapefactors) with their fitted values. */
#include "render/plot_pulls.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/axis.h"

#define STAT_TYPES ((1u << HF_MOD_STATERROR) | (1u << HF_MOD_SHAPESYS))

typedef struct sortctx {
    const hf_model *m;
    hf_pull_sort sort;
    bool group;
} sortctx;

/* qsort has no context argument: rows carry a pointer to it (file-local, per call). */
typedef struct keyed {
    hf_pull_row row;
    const sortctx *ctx;
} keyed;

static int
cmp_rows(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    const sortctx *c = x->ctx;
    double u = 0, v = 0;

    if (c->group && x->row.group != y->row.group)
        return x->row.group - y->row.group;
    switch (c->sort) {
    case HF_PULL_SORT_NAME:
        return strcmp(c->m->par[x->row.par].name, c->m->par[y->row.par].name);
    case HF_PULL_SORT_PULL:
        u = x->row.constrained ? fabs(x->row.pull) : -1;
        v = y->row.constrained ? fabs(y->row.pull) : -1;
        if (u != v)
            return u > v ? -1 : 1;
        break;
    case HF_PULL_SORT_CONSTRAINT:
        u = x->row.constrained ? x->row.constraint : INFINITY;
        v = y->row.constrained ? y->row.constraint : INFINITY;
        if (u != v)
            return u < v ? -1 : 1;
        break;
    case HF_PULL_SORT_MODEL:
        break;
    }
    return x->row.par < y->row.par ? -1 : x->row.par > y->row.par;
}

/* Returns the display rows (fixed parameters left out), *n of them; caller frees; NULL on
 * ENOMEM (with *n = 0). */
hf_pull_row *
hf_pull_rows(const hf_model *m, const hf_fit_result *fit, const hf_pulls_options *opt, size_t *n)
{
    keyed *k = malloc((m->npar ? m->npar : 1) * sizeof *k);
    hf_pull_row *rows;
    sortctx ctx;
    size_t j, cnt = 0;

    *n = 0;
    if (!k)
        return NULL;
    ctx.m = m;
    ctx.sort = opt ? opt->sort : HF_PULL_SORT_MODEL;
    ctx.group = opt ? opt->group : false;
    for (j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        hf_pull_row *r = &k[cnt].row;
        double centre, width;
        if (fit->fixed[j])
            continue;
        memset(r, 0, sizeof *r);
        r->par = j;
        r->value = fit->x[j];
        r->error = fit->err[j];
        r->constrained = hf_param_prior(p, &centre, &width) && width > 0;
        r->minos_lo = opt && opt->minos_lo ? opt->minos_lo[j] : NAN;
        r->minos_hi = opt && opt->minos_hi ? opt->minos_hi[j] : NAN;
        if (r->constrained) {
            r->minos_lo /= width;
            r->minos_hi /= width;
            if (opt && opt->skip_stat && (p->types & STAT_TYPES))
                continue;
            r->pull = (fit->x[j] - centre) / width;
            r->constraint = fit->err[j] / width;
            r->group = (p->types & STAT_TYPES) ? 1 : 0;
        } else {
            r->group = 2;
        }
        k[cnt].ctx = &ctx;
        cnt++;
    }
    qsort(k, cnt, sizeof *k, cmp_rows);
    rows = malloc((cnt ? cnt : 1) * sizeof *rows);
    if (rows) {
        for (j = 0; j < cnt; j++)
            rows[j] = k[j].row;
        *n = cnt;
    }
    free(k);
    return rows;
}

static double
est_name_in(const hf_model *m, const hf_pull_row *rows, size_t n)
{
    size_t i, maxc = 0;

    for (i = 0; i < n; i++) {
        size_t l = strlen(m->par[rows[i].par].name);
        if (l > maxc)
            maxc = l;
    }
    return (double)maxc * 7.5 * 0.6 / 72.0; /* DejaVu Sans averages ~0.6 em per character */
}

/* One panel of pull rows [i0, i1) in [py0, py1] of the page. */
/* One panel's columns: row positions (also the tick positions), values, errors, labels. */
typedef struct cols {
    double *y, *x, *e;
    const char **lab;
} cols;

static void
cols_free(cols *c)
{
    free(c->y);
    free(c->x);
    free(c->e);
    free(c->lab);
}

/* Rows i0..i0+n-1, top to bottom; x and e are filled by the caller. -1 on ENOMEM. */
static int
cols_alloc(cols *c, const hf_model *m, const hf_pull_row *rows, size_t i0, size_t n)
{
    c->y = malloc(n * sizeof *c->y);
    c->x = malloc(n * sizeof *c->x);
    c->e = malloc(n * sizeof *c->e);
    c->lab = malloc(n * sizeof *c->lab);
    if (!c->y || !c->x || !c->e || !c->lab)
        return -1;
    for (size_t i = 0; i < n; i++) {
        c->y[i] = (double)(n - 1 - i);
        c->lab[i] = m->par[rows[i0 + i].par].name;
    }
    return 0;
}

/* MINOS bars of the rows that have them: asymmetric, a third of a row under the HESSE bar
 * (centres from c->x), with a legend entry. 0, or -1 on ENOMEM. */
static int
minos_bars(hf_scene *s, hf_panel *p, const hf_pull_row *rows, size_t i0, size_t n, const cols *c,
           hf_ink hesse)
{
    double *x = malloc((n + 1) * sizeof(double)), *y = malloc((n + 1) * sizeof(double));
    double *lo = malloc((n + 1) * sizeof(double)), *hi = malloc((n + 1) * sizeof(double));
    size_t k = 0;
    int rc = -1;
    if (x == NULL || y == NULL || lo == NULL || hi == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const hf_pull_row *r = &rows[i0 + i];
        if (!isfinite(r->minos_lo) || !isfinite(r->minos_hi) || !isfinite(c->x[i]))
            continue;
        x[k] = c->x[i];
        y[k] = c->y[i] - 0.3;
        lo[k] = fmax(0.0, -r->minos_lo);
        hi[k] = fmax(0.0, r->minos_hi);
        k++;
    }
    rc = 0;
    bool legend = true; /* one legend per page: on its first panel with MINOS bars */
    for (size_t q = 0; q < s->npanels; q++)
        for (size_t l = 0; l < s->panels[q]->nlegend; l++)
            if (strcmp(s->panels[q]->legend[l].label, "MINOS") == 0)
                legend = false;
    if (k > 0) {
        hf_item *it = hf_panel_add_points(s, p, k, x, y, lo, hi, NULL, NULL, HF_MARKER_NONE,
                                          hf_ink_of(HF_ROLE_SERIES, 3));
        if (it == NULL)
            rc = -1;
        else
            it->width = HF_WIDTH_THICK;
        if (rc == 0 && legend &&
            (!hf_panel_add_legend(s, p, "HESSE", hesse, HF_LEGEND_MARKER) ||
             !hf_panel_add_legend(s, p, "MINOS", hf_ink_of(HF_ROLE_SERIES, 3), HF_LEGEND_LINE)))
            rc = -1;
        p->legend_pos = HF_LEGPOS_TOP_RIGHT;
    }
out:
    free(x);
    free(y);
    free(lo);
    free(hi);
    return rc;
}

static int
pull_panel(hf_scene *s, const hf_model *m, const hf_pull_row *rows, size_t i0, size_t i1,
           double py0, double py1, bool show_xlabel)
{
    size_t n = i1 - i0, i;
    hf_panel *p = hf_scene_add_panel(s, 0, py0, 1, py1);
    double xr = 3;
    cols c = {0};
    int rc = -1;

    if (!p)
        return -1;
    if (cols_alloc(&c, m, rows, i0, n) < 0)
        goto out;
    for (i = 0; i < n; i++) {
        const hf_pull_row *r = &rows[i0 + i];
        c.x[i] = r->pull;
        c.e[i] = r->constraint;
        if (isfinite(r->pull) && isfinite(r->constraint))
            xr = fmax(xr, fabs(r->pull) + r->constraint);
        if (isfinite(r->pull) && isfinite(r->minos_lo) && isfinite(r->minos_hi))
            xr = fmax(xr, fmax(fabs(r->pull + r->minos_lo), fabs(r->pull + r->minos_hi)));
    }
    xr = fmin(ceil(xr + 0.01), 5);
    if (hf_panel_set_axis(s, &p->x, -xr, xr, false,
                          show_xlabel ? "(\xce\xb8\xcc\x82 \xe2\x88\x92 \xce\xb8\xe2\x82\x80) / "
                                        "\xce\x94\xce\xb8"
                                      : NULL) < 0 ||
        hf_panel_set_axis(s, &p->y, -0.7, (double)n - 0.3, false, NULL) < 0 ||
        hf_panel_axis_ticks(s, &p->y, n, c.y, c.lab) < 0 ||
        hf_panel_set_title(s, p, "Pulls and constraints") < 0)
        goto out;
    p->y.categories = true;
    if (!hf_panel_add_span(s, p, true, -2, 2, hf_ink_of(HF_ROLE_BAND2, 0)) ||
        !hf_panel_add_span(s, p, true, -1, 1, hf_ink_of(HF_ROLE_BAND1, 0)) ||
        !hf_panel_add_rule(s, p, true, 0, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DASHED))
        goto out;
    /* rules between groups */
    for (i = 1; i < n; i++)
        if (rows[i0 + i].group != rows[i0 + i - 1].group &&
            !hf_panel_add_rule(s, p, false, (double)(n - i) - 0.5, hf_ink_of(HF_ROLE_FG, 0),
                               HF_DASH_DOTTED))
            goto out;
    if (!hf_panel_add_points(s, p, n, c.x, c.y, c.e, c.e, NULL, NULL, HF_MARKER_CIRCLE,
                             hf_ink_of(HF_ROLE_DATA, 0)) ||
        minos_bars(s, p, rows, i0, n, &c, hf_ink_of(HF_ROLE_DATA, 0)) < 0)
        goto out;
    rc = 0;
out:
    cols_free(&c);
    return rc;
}

static int
free_panel(hf_scene *s, const hf_model *m, const hf_pull_row *rows, size_t i0, size_t i1,
           double py0, double py1)
{
    size_t n = i1 - i0, i;
    hf_panel *p = hf_scene_add_panel(s, 0, py0, 1, py1);
    double lo = INFINITY, hi = -INFINITY;
    cols c = {0};
    bool all_one = true;
    int rc = -1;

    if (!p)
        return -1;
    if (cols_alloc(&c, m, rows, i0, n) < 0)
        goto out;
    for (i = 0; i < n; i++) {
        const hf_pull_row *r = &rows[i0 + i];
        c.x[i] = r->value;
        c.e[i] = r->error;
        if (isfinite(r->value)) {
            double e = isfinite(r->error) ? r->error : 0;
            lo = fmin(lo, r->value - e);
            hi = fmax(hi, r->value + e);
            if (isfinite(r->minos_lo) && isfinite(r->minos_hi)) {
                lo = fmin(lo, r->value + r->minos_lo);
                hi = fmax(hi, r->value + r->minos_hi);
            }
        }
        if (m->init[r->par] != 1.0)
            all_one = false;
    }
    if (!isfinite(lo)) {
        lo = 0;
        hi = 2;
    }
    if (all_one) {
        lo = fmin(lo, 1);
        hi = fmax(hi, 1);
    }
    {
        double pad = (hi - lo) * 0.08 + 1e-3;
        lo -= pad;
        hi += pad;
        hf_axis_nice_range(&lo, &hi, false, 5);
    }
    if (hf_panel_set_axis(s, &p->x, lo, hi, false, "Fitted value") < 0 ||
        hf_panel_set_axis(s, &p->y, -0.7, (double)n - 0.3, false, NULL) < 0 ||
        hf_panel_axis_ticks(s, &p->y, n, c.y, c.lab) < 0 ||
        hf_panel_set_title(s, p, "Free parameters") < 0)
        goto out;
    p->y.categories = true;
    if (all_one && !hf_panel_add_rule(s, p, true, 1, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DASHED))
        goto out;
    if (!hf_panel_add_points(s, p, n, c.x, c.y, c.e, c.e, NULL, NULL, HF_MARKER_SQUARE,
                             hf_ink_of(HF_ROLE_POSTFIT, 0)) ||
        minos_bars(s, p, rows, i0, n, &c, hf_ink_of(HF_ROLE_POSTFIT, 0)) < 0)
        goto out;
    rc = 0;
out:
    cols_free(&c);
    return rc;
}

hf_scene **
hf_plot_pulls(const hf_model *m, const hf_fit_result *fit, const hf_pulls_options *opt,
              size_t *npages, hf_error *err)
{
    hf_pulls_options dflt = {0};
    hf_pull_row *rows;
    size_t n, ncon = 0, nfree, per, pages, pg, i;
    hf_scene **out = NULL;
    double W;

    *npages = 0;
    if (!opt)
        opt = &dflt;
    /* free parameters always go last so that they can share the last page */
    {
        hf_pulls_options o = *opt;
        o.group = true;
        rows = hf_pull_rows(m, fit, &o, &n);
        if (!rows) {
            hf_error_nomem(err);
            return NULL;
        }
        if (!opt->group) { /* regroup only free vs constrained, keep the requested order */
            hf_pulls_options o2 = *opt;
            hf_pull_row *r2 = hf_pull_rows(m, fit, &o2, &n);
            size_t a = 0;
            if (!r2) {
                free(rows);
                hf_error_nomem(err);
                return NULL;
            }
            for (i = 0; i < n; i++)
                if (r2[i].constrained) {
                    rows[a] = r2[i];
                    rows[a++].group = 0;
                }
            for (i = 0; i < n; i++)
                if (!r2[i].constrained)
                    rows[a++] = r2[i];
            free(r2);
        }
    }
    for (i = 0; i < n; i++)
        if (rows[i].constrained)
            ncon++;
    nfree = n - ncon;
    if (n == 0) {
        free(rows);
        hf_error_set(err, HF_EUSAGE, "", "no parameter to show: every parameter is fixed");
        return NULL;
    }
    per = opt->rows_per_page ? opt->rows_per_page : 40;
    /* an upper bound; the loop stops when every row is placed */
    pages = (ncon + per - 1) / per + (nfree + per - 1) / per + 1;
    W = opt->width_in > 0 ? opt->width_in : fmin(7.0, fmax(3.4, est_name_in(m, rows, n) + 2.4));
    out = calloc(pages, sizeof(hf_scene *));
    if (!out)
        goto nomem;
    {
        size_t ci = 0, fi = ncon; /* next constrained and free rows */
        for (pg = 0; pg < pages; pg++) {
            size_t nc = ncon - ci < per ? ncon - ci : per, nf = 0, rows_here;
            double H, head = 0.45, f1;
            if (nc < per || ci + nc == ncon) {
                /* free rows on this page if the page has room for them */
                size_t room = nc == 0 ? per : (per + per / 4 > nc ? per + per / 4 - nc : 0);
                nf = n - fi < room ? n - fi : room;
                if (nc > 0 && nf < n - fi)
                    nf = 0; /* all of them or none: they go to the next pages */
            }
            rows_here = nc + nf;
            H = (double)rows_here * 0.155 + head + 0.55 * ((nc > 0) + (nf > 0));
            out[pg] = hf_scene_new(W, H);
            if (!out[pg])
                goto nomem;
            f1 = nf == 0 ? 1.0 : nc == 0 ? 0.0 : ((double)nc * 0.155 + 0.75) / H;
            if (nc > 0 && pull_panel(out[pg], m, rows, ci, ci + nc, 0, f1, true) < 0)
                goto nomem;
            if (nf > 0 && free_panel(out[pg], m, rows, fi, fi + nf, f1, 1) < 0)
                goto nomem;
            ci += nc;
            fi += nf;
            if (pg == 0 && hf_scene_set_outline(out[pg], "Pulls", 0) < 0)
                goto nomem;
            if (ci == ncon && fi == n)
                break;
        }
    }
    free(rows);
    *npages = pg + 1;
    if (*npages > 1) /* number the parts: "Pulls and constraints (2/3)" */
        for (i = 0; i < *npages; i++) {
            hf_panel *p0 = out[i]->panels[0];
            char *t =
                hf_scene_printf(out[i], "%s (%zu/%zu)", p0->title ? p0->title : "", i + 1, *npages);
            if (t)
                p0->title = t;
        }
    return out;
nomem:
    for (pg = 0; out && pg < pages; pg++)
        hf_scene_free(out[pg]);
    free(out);
    free(rows);
    hf_error_nomem(err);
    return NULL;
}
