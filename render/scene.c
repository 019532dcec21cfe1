/* render/scene.c - building a scene: panels and items, every array copied into the scene arena. */
#include "render/scene.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns a new empty scene of the given size (inches), or NULL on ENOMEM. Free with
 * hf_scene_free. */
hf_scene *
hf_scene_new(double width_in, double height_in)
{
    hf_scene *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    s->width_in = width_in > 0 ? width_in : HF_SCENE_DOUBLE_COLUMN;
    s->height_in = height_in > 0 ? height_in : s->width_in * 0.75;
    return s;
}

void
hf_scene_free(hf_scene *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->npanels; i++) {
        free(s->panels[i]->items);
        free(s->panels[i]->legend);
        free(s->panels[i]);
    }
    free(s->panels);
    hf_arena_release(&s->arena);
    free(s);
}

/* A copy of str in the scene (NULL stays NULL); NULL on ENOMEM. */
char *
hf_scene_strdup(hf_scene *s, const char *str)
{
    return str ? hf_arena_strdup(&s->arena, str) : NULL;
}

/* printf into a string owned by the scene; NULL on ENOMEM or a formatting error. */
char *
hf_scene_printf(hf_scene *s, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *buf;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    buf = hf_arena_alloc(&s->arena, (size_t)n + 1);
    if (!buf)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(buf, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return buf;
}

int
hf_scene_set_title(hf_scene *s, const char *title)
{
    s->title = hf_scene_strdup(s, title);
    return title && !s->title ? -1 : 0;
}

int
hf_scene_set_outline(hf_scene *s, const char *entry, int level)
{
    s->outline = hf_scene_strdup(s, entry);
    s->outline_level = level;
    return entry && !s->outline ? -1 : 0;
}

int
hf_scene_add_outline(hf_scene *s, const char *entry, int level)
{
    hf_outline *nv;

    if (!s->outline)
        return hf_scene_set_outline(s, entry, level);
    if (s->nmore == s->capmore) {
        size_t nc = s->capmore ? 2 * s->capmore : 4;
        if (!(nv = hf_arena_array(&s->arena, nc, sizeof *nv)))
            return -1;
        if (s->nmore)
            memcpy(nv, s->more, s->nmore * sizeof *nv);
        s->more = nv;
        s->capmore = nc;
    }
    if (!(s->more[s->nmore].entry = hf_scene_strdup(s, entry)))
        return -1;
    s->more[s->nmore++].level = level;
    return 0;
}

static const double *
dupd(hf_scene *s, const double *v, size_t n)
{
    double *c;

    if (!v || n == 0)
        return NULL;
    c = hf_arena_array(&s->arena, n, sizeof *c);
    if (c)
        memcpy(c, v, n * sizeof *c);
    return c;
}

/* Returns a new panel owned by the scene, or NULL on ENOMEM. */
hf_panel *
hf_scene_add_panel(hf_scene *s, double x0, double y0, double x1, double y1)
{
    hf_panel *p;

    if (s->npanels == s->cappanels) {
        size_t cap = s->cappanels ? 2 * s->cappanels : 4;
        hf_panel **np = realloc(s->panels, cap * sizeof(hf_panel *));
        if (!np)
            return NULL;
        s->panels = np;
        s->cappanels = cap;
    }
    p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->x0 = x0;
    p->y0 = y0;
    p->x1 = x1;
    p->y1 = y1;
    p->x.max = 1;
    p->y.max = 1;
    p->frame = true;
    s->panels[s->npanels++] = p;
    return p;
}

int
hf_panel_set_axis(hf_scene *s, hf_axis *ax, double min, double max, bool log, const char *label)
{
    ax->min = min;
    ax->max = max;
    ax->log = log;
    ax->label = hf_scene_strdup(s, label);
    return label && !ax->label ? -1 : 0;
}

int
hf_panel_axis_ticks(hf_scene *s, hf_axis *ax, size_t n, const double *values,
                    const char *const *labels)
{
    hf_tick *t;
    size_t i;

    if (n == 0) {
        ax->nticks = 0;
        ax->ticks = NULL;
        return 0;
    }
    t = hf_arena_array(&s->arena, n, sizeof *t);
    if (!t)
        return -1;
    for (i = 0; i < n; i++) {
        t[i].value = values[i];
        t[i].major = true;
        if (labels && labels[i]) {
            t[i].label = hf_scene_strdup(s, labels[i]);
            if (!t[i].label)
                return -1;
        }
    }
    ax->ticks = t;
    ax->nticks = n;
    return 0;
}

int
hf_panel_set_title(hf_scene *s, hf_panel *p, const char *title)
{
    p->title = hf_scene_strdup(s, title);
    return title && !p->title ? -1 : 0;
}

static hf_item *
new_item(hf_panel *p, hf_item_kind kind, hf_ink ink)
{
    hf_item *it;

    if (p->nitems == p->capitems) {
        size_t cap = p->capitems ? 2 * p->capitems : 8;
        hf_item *ni = realloc(p->items, cap * sizeof *ni);
        if (!ni)
            return NULL;
        p->items = ni;
        p->capitems = cap;
    }
    it = &p->items[p->nitems];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->ink = ink;
    it->alpha = 1.0;
    return it;
}

/* The item is only counted once its arrays are copied, so ENOMEM leaves no half item. */
#define COMMIT(p, it) ((p)->nitems++, (it))

hf_item *
hf_panel_add_stack(hf_scene *s, hf_panel *p, size_t nbins, const double *edges, size_t nlayers,
                   const double *values, const hf_ink *ink, const char *const *labels)
{
    hf_item *it = new_item(p, HF_ITEM_STACK, hf_ink_of(HF_ROLE_SAMPLE, 0));
    hf_ink *k;
    const char **lab;
    size_t i;

    if (!it)
        return NULL;
    it->u.stack.nbins = nbins;
    it->u.stack.nlayers = nlayers;
    it->u.stack.edges = dupd(s, edges, nbins + 1);
    it->u.stack.values = dupd(s, values, nbins * nlayers);
    k = hf_arena_array(&s->arena, nlayers ? nlayers : 1, sizeof *k);
    lab = hf_arena_array(&s->arena, nlayers ? nlayers : 1, sizeof *lab);
    if (!it->u.stack.edges || (nbins * nlayers > 0 && !it->u.stack.values) || !k || !lab)
        return NULL;
    for (i = 0; i < nlayers; i++) {
        k[i] = ink[i];
        if (labels && labels[i] && !(lab[i] = hf_scene_strdup(s, labels[i])))
            return NULL;
    }
    it->u.stack.ink = k;
    it->u.stack.labels = lab;
    return COMMIT(p, it);
}

hf_item *
hf_panel_add_hist(hf_scene *s, hf_panel *p, size_t nbins, const double *edges, const double *values,
                  hf_ink ink)
{
    hf_item *it = new_item(p, HF_ITEM_HIST, ink);

    if (!it)
        return NULL;
    it->u.hist.nbins = nbins;
    it->u.hist.edges = dupd(s, edges, nbins + 1);
    it->u.hist.values = dupd(s, values, nbins);
    if (!it->u.hist.edges || (nbins && !it->u.hist.values))
        return NULL;
    return COMMIT(p, it);
}

hf_item *
hf_panel_add_band(hf_scene *s, hf_panel *p, size_t n, bool step, const double *x, const double *lo,
                  const double *hi, hf_fill fill, hf_ink ink)
{
    hf_item *it = new_item(p, HF_ITEM_BAND, ink);

    if (!it)
        return NULL;
    it->u.band.n = n;
    it->u.band.step = step;
    it->u.band.fill = fill;
    it->u.band.x = dupd(s, x, step ? n + 1 : n);
    it->u.band.lo = dupd(s, lo, n);
    it->u.band.hi = dupd(s, hi, n);
    if (n && (!it->u.band.x || !it->u.band.lo || !it->u.band.hi))
        return NULL;
    it->alpha = fill == HF_FILL_SHADE ? 0.35 : 1.0;
    return COMMIT(p, it);
}

hf_item *
hf_panel_add_points(hf_scene *s, hf_panel *p, size_t n, const double *x, const double *y,
                    const double *exlo, const double *exhi, const double *eylo, const double *eyhi,
                    hf_marker marker, hf_ink ink)
{
    hf_item *it = new_item(p, HF_ITEM_POINTS, ink);
    hf_points *pt;

    if (!it)
        return NULL;
    pt = &it->u.points;
    pt->n = n;
    pt->marker = marker;
    pt->x = dupd(s, x, n);
    pt->y = dupd(s, y, n);
    pt->exlo = dupd(s, exlo, n);
    pt->exhi = dupd(s, exhi, n);
    pt->eylo = dupd(s, eylo, n);
    pt->eyhi = dupd(s, eyhi, n);
    if (n && (!pt->x || !pt->y || (exlo && !pt->exlo) || (exhi && !pt->exhi) ||
              (eylo && !pt->eylo) || (eyhi && !pt->eyhi)))
        return NULL;
    return COMMIT(p, it);
}

hf_item *
hf_panel_add_line(hf_scene *s, hf_panel *p, size_t n, const double *x, const double *y, hf_ink ink,
                  hf_dash dash)
{
    hf_item *it = new_item(p, HF_ITEM_LINE, ink);

    if (!it)
        return NULL;
    it->dash = dash;
    it->u.line.n = n;
    it->u.line.x = dupd(s, x, n);
    it->u.line.y = dupd(s, y, n);
    if (n && (!it->u.line.x || !it->u.line.y))
        return NULL;
    return COMMIT(p, it);
}

hf_item *
hf_panel_add_rule(hf_scene *s, hf_panel *p, bool vertical, double value, hf_ink ink, hf_dash dash)
{
    hf_item *it = new_item(p, HF_ITEM_RULE, ink);

    (void)s;
    if (!it)
        return NULL;
    it->dash = dash;
    it->u.rule.vertical = vertical;
    it->u.rule.value = value;
    return COMMIT(p, it);
}

hf_item *
hf_panel_add_span(hf_scene *s, hf_panel *p, bool vertical, double lo, double hi, hf_ink ink)
{
    hf_item *it = new_item(p, HF_ITEM_SPAN, ink);

    (void)s;
    if (!it)
        return NULL;
    it->u.span.vertical = vertical;
    it->u.span.lo = lo;
    it->u.span.hi = hi;
    it->alpha = 1.0;
    return COMMIT(p, it);
}

hf_item *
hf_panel_add_text(hf_scene *s, hf_panel *p, hf_coord coord, double x, double y, const char *str,
                  hf_halign halign, hf_valign valign, hf_textsize size)
{
    hf_item *it = new_item(p, HF_ITEM_TEXT, hf_ink_of(HF_ROLE_FG, 0));

    if (!it)
        return NULL;
    it->u.text.coord = coord;
    it->u.text.x = x;
    it->u.text.y = y;
    it->u.text.halign = halign;
    it->u.text.valign = valign;
    it->u.text.size = size;
    it->u.text.str = hf_scene_strdup(s, str ? str : "");
    if (!it->u.text.str)
        return NULL;
    return COMMIT(p, it);
}

hf_item *
hf_panel_add_cells(hf_scene *s, hf_panel *p, size_t nx, size_t ny, double x0, double x1, double y0,
                   double y1, const double *v, double vmin, double vmax, const char *cbar_label)
{
    hf_item *it = new_item(p, HF_ITEM_CELLS, hf_ink_of(HF_ROLE_FG, 0));
    hf_cells *c;

    if (!it)
        return NULL;
    c = &it->u.cells;
    c->nx = nx;
    c->ny = ny;
    c->x0 = x0;
    c->x1 = x1;
    c->y0 = y0;
    c->y1 = y1;
    c->vmin = vmin;
    c->vmax = vmax;
    c->v = dupd(s, v, nx * ny);
    c->cbar_label = hf_scene_strdup(s, cbar_label);
    if ((nx * ny > 0 && !c->v) || (cbar_label && !c->cbar_label))
        return NULL;
    return COMMIT(p, it);
}

hf_item *
hf_panel_add_table(hf_scene *s, hf_panel *p, size_t nrows, size_t ncols, const char *const *cell,
                   const hf_halign *align, bool header)
{
    hf_item *it = new_item(p, HF_ITEM_TABLE, hf_ink_of(HF_ROLE_FG, 0));
    hf_table *t;
    const char **c;
    hf_halign *a;
    size_t i;

    if (!it)
        return NULL;
    t = &it->u.table;
    t->nrows = nrows;
    t->ncols = ncols;
    t->header = header;
    c = hf_arena_array(&s->arena, nrows * ncols > 0 ? nrows * ncols : 1, sizeof *c);
    a = hf_arena_array(&s->arena, ncols ? ncols : 1, sizeof *a);
    if (!c || !a)
        return NULL;
    for (i = 0; i < nrows * ncols; i++)
        if (cell[i] && !(c[i] = hf_scene_strdup(s, cell[i])))
            return NULL;
    for (i = 0; i < ncols; i++)
        a[i] = align ? align[i] : (i == 0 ? HF_HALIGN_LEFT : HF_HALIGN_RIGHT);
    t->cell = c;
    t->align = a;
    return COMMIT(p, it);
}

int
hf_table_set_rules(hf_scene *s, hf_item *table, const bool *rule_after)
{
    bool *r;
    size_t n = table->u.table.nrows;

    if (table->kind != HF_ITEM_TABLE || !rule_after || n == 0)
        return 0;
    r = hf_arena_array(&s->arena, n, sizeof *r);
    if (!r)
        return -1;
    memcpy(r, rule_after, n * sizeof *r);
    table->u.table.rule_after = r;
    return 0;
}

hf_legend_entry *
hf_panel_add_legend(hf_scene *s, hf_panel *p, const char *label, hf_ink ink, hf_legend_kind kind)
{
    hf_legend_entry *e;

    if (p->nlegend == p->caplegend) {
        size_t cap = p->caplegend ? 2 * p->caplegend : 8;
        hf_legend_entry *nl = realloc(p->legend, cap * sizeof *nl);
        if (!nl)
            return NULL;
        p->legend = nl;
        p->caplegend = cap;
    }
    e = &p->legend[p->nlegend];
    memset(e, 0, sizeof *e);
    e->label = hf_scene_strdup(s, label ? label : "");
    if (!e->label)
        return NULL;
    e->ink = ink;
    e->kind = kind;
    e->marker = HF_MARKER_CIRCLE;
    p->nlegend++;
    return e;
}
