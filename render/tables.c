/* render/tables.c - yield tables in Markdown, CSV and LaTeX, and as table pages for the report.
 * Values are rounded to two significant digits of their uncertainty. */
#include "render/tables.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
hf_table_format_parse(const char *name, hf_table_format *f)
{
    if (!name)
        return -1;
    if (strcasecmp(name, "md") == 0 || strcasecmp(name, "markdown") == 0)
        *f = HF_TABLE_MARKDOWN;
    else if (strcasecmp(name, "csv") == 0)
        *f = HF_TABLE_CSV;
    else if (strcasecmp(name, "tex") == 0 || strcasecmp(name, "latex") == 0)
        *f = HF_TABLE_LATEX;
    else
        return -1;
    return 0;
}

/* Decimals that show two significant digits of e (at least 0, at most 6). */
static int
decimals_for(double e, double v)
{
    int d;

    if (!(e > 0) || !isfinite(e)) {
        double a = fabs(v);
        return a >= 100 ? 0 : a >= 10 ? 1 : 2;
    }
    d = 1 - (int)floor(log10(e));
    return d > 6 ? 6 : d; /* negative: round to tens, hundreds, ... */
}

void
hf_format_pm(double v, double e, int latex, char *buf, size_t len)
{
    int d = decimals_for(e, v);

    if (d < 0) {
        /* two significant digits of a large error: 673 -> 670, and the value to match */
        double q = pow(10, -d);
        v = nearbyint(v / q) * q;
        e = nearbyint(e / q) * q;
        d = 0;
    }
    if (!isfinite(v))
        snprintf(buf, len, "%s", latex ? "--" : "\xe2\x80\x93");
    else if (!(e > 0) || !isfinite(e))
        snprintf(buf, len, latex ? "$%.*f$" : "%.*f", d, v);
    else if (latex)
        snprintf(buf, len, "$%.*f \\pm %.*f$", d, v, d, e);
    else
        snprintf(buf, len, "%.*f \xc2\xb1 %.*f", d, v, d, e);
}

/* A growing string. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    int failed;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) HF_PRINTF(2, 3);

static void
sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap, aq;
    int k;

    if (b->failed)
        return;
    va_start(ap, fmt);
    va_copy(aq, ap);
    k = vsnprintf(NULL, 0, fmt, ap);
    if (k >= 0 && b->n + (size_t)k + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)k;
        char *np = realloc(b->p, cap);
        if (np) {
            b->p = np;
            b->cap = cap;
        } else {
            k = -1;
        }
    }
    if (k < 0)
        b->failed = 1;
    else
        /* aq is va_copy'd above; the analyzer does not follow va_copy */
        b->n += (size_t)vsnprintf(b->p + b->n, (size_t)k + 1, fmt, aq); /* NOLINT */
    va_end(aq);
    va_end(ap);
}

/* Cell text for format f: CSV quotes fields with separators, LaTeX escapes specials. */
static void
sb_cell(sbuf *b, hf_table_format f, const char *s)
{
    const char *q;

    if (f == HF_TABLE_CSV && strpbrk(s, ",\"\n")) {
        sb_printf(b, "\"");
        for (q = s; *q; q++)
            sb_printf(b, *q == '"' ? "\"\"" : "%c", *q);
        sb_printf(b, "\"");
        return;
    }
    if (f == HF_TABLE_LATEX) {
        for (q = s; *q; q++) {
            if (strchr("_&%#${}", *q)) /* *q != '\0' here */
                sb_printf(b, "\\%c", *q);
            else if (*q == '\\')
                sb_printf(b, "\\textbackslash{}");
            else if (*q == '^' || *q == '~')
                sb_printf(b, "\\%c{}", *q);
            else
                sb_printf(b, "%c", *q);
        }
        return;
    }
    if (f == HF_TABLE_MARKDOWN) {
        for (q = s; *q; q++)
            sb_printf(b, *q == '|' ? "\\|" : "%c", *q);
        return;
    }
    sb_printf(b, "%s", s);
}

/* One table row as strings: channel, sample, pre (value, error), post (value, error). */
typedef struct trow {
    const char *chan, *sample;
    double pre, pre_e, post, post_e;
    int kind; /* 0 sample, 1 total, 2 data */
} trow;

/* Rows of every channel: samples from the top of the stack, total, data. *n rows; caller frees. */
static trow *
make_rows(const hf_yields *pre, const hf_yields *post, const bool *blinded, size_t *n)
{
    const hf_yields *any = pre ? pre : post;
    const hf_model *m = any->m;
    size_t c, i, k = 0, ns;
    size_t *order = malloc((m->ncs ? m->ncs : 1) * sizeof *order);
    trow *rows = calloc(m->ncs + 2 * m->nchan + 1, sizeof *rows); /* (zeroed: rows past *n too) */

    *n = 0;
    if (!order || !rows) {
        free(order);
        free(rows);
        return NULL;
    }
    for (c = 0; c < m->nchan; c++) {
        double data = 0;
        size_t b;
        hf_stack_order(m, c, order, &ns);
        for (i = ns; i-- > 0;) {
            size_t cs = order[i];
            trow *r = &rows[k++];
            r->chan = m->chan[c]->name;
            r->sample = m->samp_name[m->cs[cs].samp];
            r->pre = pre ? pre->cs_tot[cs] : NAN;
            r->pre_e = pre ? pre->cs_err[cs] : NAN;
            r->post = post ? post->cs_tot[cs] : NAN;
            r->post_e = post ? post->cs_err[cs] : NAN;
            r->kind = 0;
        }
        rows[k].chan = m->chan[c]->name;
        rows[k].sample = "Total";
        rows[k].pre = pre ? pre->chan_tot[c] : NAN;
        rows[k].pre_e = pre ? pre->chan_err[c] : NAN;
        rows[k].post = post ? post->chan_tot[c] : NAN;
        rows[k].post_e = post ? post->chan_err[c] : NAN;
        rows[k].kind = 1;
        k++;
        for (b = m->chan_off[c]; b < m->chan_off[c] + m->chan_nbins[c]; b++)
            data += blinded && blinded[b] ? NAN : m->obs[b]; /* blinded: no count at all */
        rows[k].chan = m->chan[c]->name;
        rows[k].sample = "Data";
        rows[k].pre = rows[k].post = data;
        rows[k].pre_e = rows[k].post_e = 0;
        rows[k].kind = 2;
        k++;
    }
    free(order);
    *n = k;
    return rows;
}

static void
fmt_data(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "blinded");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, len, "%.0f", v);
    else
        snprintf(buf, len, "%.2f", v);
}

char *
hf_yield_table(const hf_yields *pre, const hf_yields *post, const bool *blinded, hf_table_format f,
               hf_error *err)
{
    sbuf b = {0};
    trow *rows;
    size_t n, i;
    char v1[96], v2[96];
    const char *prev = NULL;

    if (!pre && !post) {
        hf_error_set(err, HF_EUSAGE, "", "no yields for the table");
        return NULL;
    }
    rows = make_rows(pre, post, blinded, &n);
    if (!rows) {
        hf_error_nomem(err);
        return NULL;
    }
    switch (f) {
    case HF_TABLE_MARKDOWN:
        sb_printf(&b, "| Channel | Sample |%s%s\n|---|---|%s%s\n", pre ? " Pre-fit |" : "",
                  post ? " Post-fit |" : "", pre ? "---:|" : "", post ? "---:|" : "");
        break;
    case HF_TABLE_CSV:
        sb_printf(&b, "channel,sample%s%s\n", pre ? ",prefit,prefit_error" : "",
                  post ? ",postfit,postfit_error" : "");
        break;
    case HF_TABLE_LATEX:
        sb_printf(&b, "\\begin{tabular}{ll%s%s}\n\\hline\nChannel & Sample%s%s \\\\\n\\hline\n",
                  pre ? "r" : "", post ? "r" : "", pre ? " & Pre-fit" : "",
                  post ? " & Post-fit" : "");
        break;
    }
    for (i = 0; i < n; i++) {
        const trow *r = &rows[i];
        bool newchan = !prev || strcmp(prev, r->chan) != 0;
        if (f == HF_TABLE_CSV) {
            sb_cell(&b, f, r->chan);
            sb_printf(&b, ",");
            sb_cell(&b, f, r->sample);
            if (r->kind == 2 && isnan(r->pre)) /* blinded data: no number at all */
                sb_printf(&b, "%s%s", pre ? ",blinded," : "", post ? ",blinded," : "");
            else if (pre)
                sb_printf(&b, ",%.10g,%.6g", r->pre, r->pre_e);
            if (post && !(r->kind == 2 && isnan(r->pre)))
                sb_printf(&b, ",%.10g,%.6g", r->post, r->post_e);
            sb_printf(&b, "\n");
            prev = r->chan;
            continue;
        }
        if (r->kind == 2) {
            fmt_data(r->pre, v2, 64);
            snprintf(v1, sizeof v1, f == HF_TABLE_LATEX ? "$%s$" : "%s", v2);
            memcpy(v2, v1, sizeof v2);
        } else {
            hf_format_pm(r->pre, r->pre_e, f == HF_TABLE_LATEX, v1, sizeof v1);
            hf_format_pm(r->post, r->post_e, f == HF_TABLE_LATEX, v2, sizeof v2);
        }
        if (f == HF_TABLE_MARKDOWN) {
            sb_printf(&b, "| ");
            if (newchan)
                sb_cell(&b, f, r->chan);
            sb_printf(&b, " | %s", r->kind ? "**" : "");
            sb_cell(&b, f, r->sample);
            sb_printf(&b, "%s |", r->kind ? "**" : "");
            if (pre)
                sb_printf(&b, " %s |", v1);
            if (post)
                sb_printf(&b, " %s |", v2);
            sb_printf(&b, "\n");
        } else {
            if (newchan && prev)
                sb_printf(&b, "\\hline\n");
            if (newchan)
                sb_cell(&b, f, r->chan);
            sb_printf(&b, " & ");
            sb_cell(&b, f, r->sample);
            if (pre)
                sb_printf(&b, " & %s", v1);
            if (post)
                sb_printf(&b, " & %s", v2);
            sb_printf(&b, " \\\\\n");
        }
        prev = r->chan;
    }
    if (f == HF_TABLE_LATEX)
        sb_printf(&b, "\\hline\n\\end{tabular}\n");
    free(rows);
    if (b.failed || !b.p) {
        free(b.p);
        hf_error_nomem(err);
        return NULL;
    }
    return b.p;
}

/* First row of each page in start (n + 2 entries), start[pages] = n; returns the page count.
 * A channel's rows stay on one page unless they alone exceed a page. */
static size_t
page_starts(const trow *rows, size_t n, size_t per, size_t *start)
{
    size_t pages = 0, b0 = 0, used = 0;

    start[pages++] = 0;
    while (b0 < n) {
        size_t b1 = b0 + 1;
        while (b1 < n && strcmp(rows[b1].chan, rows[b0].chan) == 0)
            b1++;
        if (used > 0 && used + (b1 - b0) > per) {
            start[pages++] = b0;
            used = 0;
        }
        used += b1 - b0;
        while (used > per) { /* a channel longer than a page: cut it */
            start[pages++] = b1 - (used - per);
            used -= per;
        }
        b0 = b1;
    }
    start[pages] = n;
    return pages;
}

hf_scene **
hf_yield_table_pages(const hf_yields *pre, const hf_yields *post, const bool *blinded,
                     size_t rows_per_page, size_t *npages, hf_error *err)
{
    trow *rows;
    size_t n, per = rows_per_page ? rows_per_page : 42, pages = 0, pg, i, ncol, *start = NULL;
    hf_scene **out = NULL;
    const char **cell = NULL;
    bool *rule = NULL;
    char *buf = NULL;
    const hf_halign align[4] = {HF_HALIGN_LEFT, HF_HALIGN_LEFT, HF_HALIGN_RIGHT, HF_HALIGN_RIGHT};

    *npages = 0;
    if (!pre && !post) {
        hf_error_set(err, HF_EUSAGE, "", "no yields for the table");
        return NULL;
    }
    rows = make_rows(pre, post, blinded, &n);
    if (!rows)
        goto nomem;
    ncol = 2 + (pre != NULL) + (post != NULL);
    start = malloc((n + 2) * sizeof *start);
    if (!start)
        goto nomem;
    pages = page_starts(rows, n, per, start);
    out = calloc(pages, sizeof(hf_scene *));
    cell = malloc((per + 1) * ncol * sizeof *cell);
    rule = calloc(per + 1, sizeof *rule);
    buf = malloc((per + 1) * 2 * 96);
    if (!out || !cell || !rule || !buf)
        goto nomem;
    for (pg = 0; pg < pages; pg++) {
        size_t i0 = start[pg], i1 = start[pg + 1], r = 1, k;
        hf_panel *p;
        hf_item *it;
        const char *prev = NULL;
        out[pg] = hf_scene_new(HF_SCENE_DOUBLE_COLUMN, 9.5);
        if (!out[pg])
            goto nomem;
        p = hf_scene_add_panel(out[pg], 0, 0, 1, 1);
        if (!p)
            goto nomem;
        p->frame = false;
        p->x.hidden = p->y.hidden = true;
        if (hf_panel_set_title(out[pg], p,
                               pages > 1
                                   ? hf_scene_printf(out[pg], "Yields (%zu/%zu)", pg + 1, pages)
                                   : "Yields") < 0)
            goto nomem;
        cell[0] = "Channel";
        cell[1] = "Sample";
        k = 2;
        if (pre)
            cell[k++] = "Pre-fit";
        if (post)
            cell[k++] = "Post-fit";
        memset(rule, 0, (per + 1) * sizeof *rule);
        for (i = i0; i < i1; i++, r++) {
            const trow *t = &rows[i];
            char *a = buf + (r * 2) * 96, *b = buf + (r * 2 + 1) * 96;
            bool newchan = !prev || strcmp(prev, t->chan) != 0;
            if (t->kind == 2) {
                fmt_data(t->pre, a, 96);
                memcpy(b, a, 96);
            } else {
                hf_format_pm(t->pre, t->pre_e, 0, a, 96);
                hf_format_pm(t->post, t->post_e, 0, b, 96);
            }
            cell[r * ncol + 0] = newchan || i == i0 ? t->chan : "";
            cell[r * ncol + 1] = t->sample;
            k = 2;
            if (pre)
                cell[r * ncol + k++] = a;
            if (post)
                cell[r * ncol + k++] = b;
            if (t->kind == 2 && r > 0)
                rule[r] = true; /* a rule after each channel's data row */
            prev = t->chan;
        }
        it = hf_panel_add_table(out[pg], p, r, ncol, cell, align, true);
        if (!it || hf_table_set_rules(out[pg], it, rule) < 0)
            goto nomem;
        if (pg == 0 && hf_scene_set_outline(out[pg], "Yields", 0) < 0)
            goto nomem;
    }
    free(rows);
    free(start);
    free(cell);
    free(rule);
    free(buf);
    *npages = pages;
    return out;
nomem:
    for (pg = 0; out && pg < pages; pg++)
        hf_scene_free(out[pg]);
    free(out);
    free(rows);
    free(start);
    free(cell);
    free(rule);
    free(buf);
    hf_error_nomem(err);
    return NULL;
}
