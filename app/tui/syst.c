/* app/tui/syst.c - the Systematics screen's data, without curses: the two-point parameters
 * (core/diag/systematics.h) with their flags, the constraint sources at the best fit
 * (core/diag/constraints.h), the detail's figures (render/plot_syst.h) and text, and the
 * decorrelate-and-refit job (core/diag/decorrelate.h, fitted on the worker thread). */
#include "app/tui/syst.h"
#include "app/tui/session.h"
#include "app/tui/worker.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag/gof.h"
#include "core/stats.h"
#include "render/cells.h"
#include "render/plot_syst.h"

static const char *const pane_names[TUI_SP_COUNT] = {"templates", "interpolation", "sources",
                                                     "decorrelate"};
static const char *const pane_short[TUI_SP_COUNT] = {"templ", "interp", "sources", "decor"};

/* The detail pane's name, short (for narrow terminals) or not (static string). */
const char *
tui_syst_pane_name(int pane, bool brief)
{
    if (pane < 0 || pane >= TUI_SP_COUNT)
        return "?";
    return brief ? pane_short[pane] : pane_names[pane];
}

static void
decor_release(tui_syst *s)
{
    if (s->have_dfit)
        hf_fit_result_release(&s->dfit);
    s->have_dfit = false;
    hf_model_free(s->dm);
    hf_workspace_free(s->dws);
    hf_decorrelate_release(&s->dec);
    memset(&s->dec, 0, sizeof(s->dec));
    s->dm = NULL;
    s->dws = NULL;
    free(s->dmsg);
    s->dmsg = NULL;
    s->dstate = TUI_DECOR_NONE;
}

/* Free everything the screen holds (the worker must not be running a job of it). */
void
tui_syst_release(tui_syst *s)
{
    decor_release(s);
    hf_systematics_release(&s->an);
    if (s->have_con)
        hf_constraints_release(&s->con);
    free(s->first);
    free(s->count);
    free(s->flags);
    free(s->norm);
    free(s->shape);
    free(s->con_idx);
    memset(s, 0, sizeof(*s));
}

static int
analyse(struct tui *t)
{
    tui_syst *s = &t->syst;
    const hf_model *m = t->m;
    size_t np = m->npar ? m->npar : 1;
    hf_systematics_options o = {0};
    hf_error err = {0};
    if (hf_systematics_analyze(m, &o, &s->an, &err) < 0) {
        tui_log(t, "systematics: %s", hf_error_msg(&err));
        hf_error_release(&err);
        return -1;
    }
    s->first = calloc(np, sizeof(*s->first));
    s->count = calloc(np, sizeof(*s->count));
    s->flags = calloc(np, sizeof(*s->flags));
    s->norm = calloc(np, sizeof(*s->norm));
    s->shape = calloc(np, sizeof(*s->shape));
    s->con_idx = malloc(np * sizeof(*s->con_idx));
    if (!s->first || !s->count || !s->flags || !s->norm || !s->shape || !s->con_idx)
        return -1;
    for (size_t p = 0; p < m->npar; p++)
        s->con_idx[p] = (size_t)-1;
    for (size_t i = 0; i < s->an.n; i++) {
        const hf_systematics_entry *e = &s->an.e[i];
        size_t p = e->par;
        const unsigned tiny = HF_SYST_TINY;
        if (s->count[p] == 0) {
            s->first[p] = i;
            s->flags[p] = e->flags;
        } else { /* any entry's one-sided/large/single-bin; tiny only when all are (prunable) */
            s->flags[p] = ((s->flags[p] | e->flags) & ~tiny) | (s->flags[p] & e->flags & tiny);
        }
        s->count[p]++;
        s->norm[p] = fmax(s->norm[p], fmax(fabs(e->norm_up), fabs(e->norm_down)));
        s->shape[p] = fmax(s->shape[p], fmax(e->shape_up, e->shape_down));
    }
    s->analysed = true;
    return 0;
}

/* Fill the screen's caches when they are missing or older than the best fit: the analysis once
 * per model (milliseconds), the constraint sources once per fit. Safe to call every frame. */
void
tui_syst_prepare(struct tui *t)
{
    tui_syst *s = &t->syst;
    bool rebuild = false;
    if (!s->tried) {
        s->tried = true;
        if (analyse(t) < 0) {
            tui_message(t, true, "systematics analysis failed (see the log)");
            s->analysed = false;
        }
        rebuild = true;
    }
    if (t->have_fit && t->fit.err != NULL && (!s->have_con || s->con_gen != t->fit_gen)) {
        hf_constraints_options o = {0};
        hf_error err = {0};
        if (s->have_con)
            hf_constraints_release(&s->con);
        s->have_con = false;
        o.over_threshold = t->oc_threshold;
        if (hf_constraints_compute(t->m, &t->fit, &o, &s->con, &err) == 0) {
            s->have_con = true;
            for (size_t p = 0; p < t->m->npar; p++)
                s->con_idx[p] = (size_t)-1;
            for (size_t i = 0; i < s->con.n; i++)
                s->con_idx[s->con.p[i].par] = i;
        } else {
            tui_log(t, "constraints: %s", hf_error_msg(&err));
        }
        hf_error_release(&err);
        s->con_gen = t->fit_gen; /* also on failure: do not retry every frame */
        rebuild = true;
    }
    if (rebuild)
        tui_list_rebuild(t, &t->systl);
}

/* Entries (channel/sample) of the opened parameter. */
size_t
tui_syst_nentries(const struct tui *t)
{
    return t->syst.analysed && t->syst.par < t->m->npar ? t->syst.count[t->syst.par] : 0;
}

/* Entry k of the opened parameter (NULL past the end). */
const hf_systematics_entry *
tui_syst_entry(const struct tui *t, size_t k)
{
    if (k >= tui_syst_nentries(t))
        return NULL;
    return &t->syst.an.e[t->syst.first[t->syst.par] + k];
}

/* Flags of parameter p as words: "one-sided large single-bin OC" (OC: over-constrained at the
 * explorer's threshold). Returns buf. */
const char *
tui_syst_flag_text(const struct tui *t, size_t p, char *buf, size_t n)
{
    char f[96];
    double ratio;
    hf_systematics_flag_names(t->syst.flags[p], f, sizeof(f));
    for (char *c = f; *c; c++)
        if (*c == ',')
            *c = ' ';
    tui_pull(t, p, &ratio);
    bool oc = !isnan(ratio) && ratio < t->oc_threshold;
    snprintf(buf, n, "%s%s%s", f, f[0] && oc ? " " : "", oc ? "OC" : "");
    return buf;
}

/* The detail's figure (templates or interpolation of the selected entry); NULL otherwise or
 * on ENOMEM. Caller frees. */
hf_scene *
tui_syst_scene(const struct tui *t)
{
    const tui_syst *s = &t->syst;
    const hf_systematics_entry *e = tui_syst_entry(t, s->esel);
    if (!s->detail || e == NULL)
        return NULL;
    hf_error err = {0};
    hf_scene *sc = NULL;
    if (s->pane == TUI_SP_TEMPLATES) {
        sc = hf_plot_syst_templates(t->m, e->par, e->cs, &err);
    } else if (s->pane == TUI_SP_INTERP) {
        bool fit = t->have_fit && !t->fit.fixed[e->par];
        /* one panel, the summed yield: six bin panels are illegible in a terminal pane */
        sc = hf_plot_syst_interp_n(t->m, e->par, e->cs, fit ? t->fit.x[e->par] : NAN,
                                   fit ? t->fit.err[e->par] : NAN, 1, &err);
    }
    hf_error_release(&err);
    if (sc != NULL)
        sc->title = NULL; /* the pane's box already names parameter, channel and sample */
    return sc;
}

/* Export pages: in the detail, the parameter's templates or interpolation on every
 * channel/sample (the selected one first), else the constraint-sources figure of the most
 * constrained parameters. Caller frees each and the array; NULL when there is none. */
hf_scene **
tui_syst_scenes(struct tui *t, size_t *n)
{
    tui_syst *s = &t->syst;
    *n = 0;
    hf_error err = {0};
    hf_scene **pages = NULL;
    if (s->detail && (s->pane == TUI_SP_TEMPLATES || s->pane == TUI_SP_INTERP)) {
        size_t ne = tui_syst_nentries(t);
        pages = ne ? calloc(ne, sizeof(hf_scene *)) : NULL;
        bool fit = t->have_fit && !t->fit.fixed[s->par];
        for (size_t k = 0; pages != NULL && k < ne; k++) {
            /* the selected entry first: PNG and SVG take only the first page */
            size_t i = k == 0 ? s->esel : k <= s->esel ? k - 1 : k;
            const hf_systematics_entry *e = tui_syst_entry(t, i);
            pages[k] = s->pane == TUI_SP_TEMPLATES
                           ? hf_plot_syst_templates(t->m, e->par, e->cs, &err)
                           : hf_plot_syst_interp(t->m, e->par, e->cs, fit ? t->fit.x[e->par] : NAN,
                                                 fit ? t->fit.err[e->par] : NAN, &err);
            if (pages[k] == NULL) {
                for (size_t j = 0; j < k; j++)
                    hf_scene_free(pages[j]);
                free(pages);
                pages = NULL;
            }
        }
        if (pages != NULL)
            *n = ne;
    } else if (s->have_con && s->con.n > 0) {
        pages = tui_one_page(hf_plot_syst_constraints(t->m, &s->con, 20, t->oc_threshold, &err), n);
    }
    hf_error_release(&err);
    return pages;
}

/* ---- text of the sources and decorrelation panes ---- */

/* A horizontal bar of share x in [0, 1] over w cells: left eighth blocks (STYLE appendix), or
 * '#' in ASCII. */
static const char *
share_bar(double x, int w, bool ascii, char *buf, size_t n)
{
    static const char *const eighth[8] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    size_t len = 0;
    int units = (int)lround(fmin(fmax(x, 0), 1) * w * 8);
    buf[0] = '\0';
    for (int i = 0; i < units / 8 && len + 4 < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s", ascii ? "#" : "█");
    if (!ascii && units % 8 && len + 4 < n)
        snprintf(buf + len, n - len, "%s", eighth[units % 8]);
    return buf;
}

/* A pull bar over [-3, 3] in w cells: ticks at the integers, the constraint as a whisker of
 * half-width post/pre sigma, the pull as a dot (the Parameters view's pull_bar, as text). */
static const char *
pull_text(double pull, double ratio, int w, bool ascii, char *buf, size_t n)
{
    uint32_t cp[64];
    size_t len = 0;
    if (w > 64)
        w = 64;
    double scale = (w - 1) / 6.0;
    for (int i = 0; i < w; i++)
        cp[i] = ' ';
    for (int k = -3; k <= 3; k++)
        cp[(int)lround((k + 3) * scale)] = k == 0 ? (ascii ? '|' : 0x2502) : (ascii ? '.' : 0xB7);
    if (isfinite(pull)) {
        double r = isfinite(ratio) ? ratio : 0;
        int c0 = (int)lround((fmax(pull - r, -3) + 3) * scale);
        int c1 = (int)lround((fmin(pull + r, 3) + 3) * scale);
        for (int c = c0; c <= c1; c++)
            cp[c] = ascii ? '-' : 0x2500;
        cp[(int)lround((fmin(fmax(pull, -3), 3) + 3) * scale)] = ascii ? 'o' : 0x25CF;
    }
    for (int i = 0; i < w && len + 5 < n; i++)
        len += hf_utf8_encode(cp[i], buf + len);
    buf[len] = '\0';
    return buf;
}

/* v as text in one of the table's formats ('g': %.4g, 'e': %.3g, 'p': %+.2f, 'r': %.2f, 'R':
 * %.3f); "-" when not finite. */
static const char *
num(double v, char fmt, char *buf, size_t n)
{
    if (!isfinite(v))
        snprintf(buf, n, "-");
    else if (fmt == 'g')
        snprintf(buf, n, "%.4g", v);
    else if (fmt == 'e')
        snprintf(buf, n, "%.3g", v);
    else if (fmt == 'p')
        snprintf(buf, n, "%+.2f", v);
    else if (fmt == 'r')
        snprintf(buf, n, "%.2f", v);
    else
        snprintf(buf, n, "%.3f", v);
    return buf;
}

/* s in exactly w columns: padded, or its head and tail around an ellipsis (names often differ
 * only at the end: "SRmm_eMLLa_lowmet_deltaM_low_cuts" / "..._high_cuts"). Returns buf. */
static const char *
clip(const char *s, int w, bool ascii, char *buf, size_t n)
{
    int len = (int)hf_utf8_width(s), head = w, tail = 0, col = 0;
    size_t o = 0;
    if (len > w) {
        tail = (w - 1) / 2;
        head = w - 1 - tail;
    }
    const char *p = s;
    for (; *p && col < head && o + 5 < n; col++) { /* head: whole code points */
        do
            buf[o++] = *p++;
        while (((unsigned char)*p & 0xc0) == 0x80);
    }
    if (len > w) {
        const char *e = ascii ? "~" : "…";
        for (; *e && o + 1 < n; e++)
            buf[o++] = *e;
        col++;
        p = s;
        for (int skip = len - tail; skip > 0 && *p; skip--) {
            p++;
            while (((unsigned char)*p & 0xc0) == 0x80)
                p++;
        }
        for (; *p && o + 1 < n; col++) {
            do
                buf[o++] = *p++;
            while (((unsigned char)*p & 0xc0) == 0x80);
        }
    }
    for (; col < w && o + 1 < n; col++)
        buf[o++] = ' ';
    buf[o] = '\0';
    return buf;
}

/* The part of the sources pane under the header: the channels ranked by their part of H_jj
 * (first order + curvature), each with both parts in % of H_jj and a bar: first order solid,
 * curvature shaded (its sign in the number: negative where the data exceed the model). */
static void
source_rows(const struct tui *t, tui_lines *v, int width, size_t i)
{
    const hf_model *m = t->m;
    const hf_constraints *c = &t->syst.con;
    size_t p = c->p[i].par, nc = c->info.nchan;
    const double *f1 = c->info.chan_first + p * nc, *cv = c->info.chan_curv + p * nc;
    double H = c->p[i].info > 0 ? c->p[i].info : 1;
    size_t *idx = malloc((nc ? nc : 1) * sizeof(*idx)), k = 0;
    if (idx == NULL) {
        v->nomem = true;
        return;
    }
    for (size_t ch = 0; ch < nc; ch++)
        if (f1[ch] != 0 || cv[ch] != 0)
            idx[k++] = ch;
    for (size_t x = 1; x < k; x++) /* insertion sort by |first + curvature| */
        for (size_t y = x;
             y > 0 && fabs(f1[idx[y - 1]] + cv[idx[y - 1]]) < fabs(f1[idx[y]] + cv[idx[y]]); y--) {
            size_t tmp = idx[y];
            idx[y] = idx[y - 1];
            idx[y - 1] = tmp;
        }
    int namew = width - 40 < 12 ? 12 : width - 40 > 40 ? 40 : width - 40;
    int barw = width - namew - 22 > 20 ? 20 : width - namew - 22;
    tui_lines_add(v, "  %-*s %7s %7s  (%% of H; first order %s, curvature %s)", namew, "channel",
                  "1st", "curv", t->ascii ? "#" : "█", t->ascii ? "=" : "▒");
    size_t shown = 0;
    double rest = 0;
    for (size_t x = 0; x < k; x++) {
        size_t ch = idx[x];
        if (shown >= 12) {
            rest += f1[ch] + cv[ch];
            continue;
        }
        char nm[512], b1[256], b2[256];
        share_bar(f1[ch] / H, barw, t->ascii, b1, sizeof(b1));
        share_bar(fabs(cv[ch]) / H, barw, t->ascii, b2, sizeof(b2));
        for (char *q = b2; !t->ascii && *q; q++) /* the curvature bar shaded: ▒ for █ */
            if ((unsigned char)q[0] == 0xe2 && (unsigned char)q[1] == 0x96 &&
                (unsigned char)q[2] == 0x88)
                q[2] = (char)0x92;
        if (t->ascii)
            for (char *q = b2; *q; q++)
                if (*q == '#')
                    *q = '=';
        tui_lines_add(v, "  %s %6.1f%% %6.1f%%  %s%s",
                      clip(m->chan[ch]->name, namew, t->ascii, nm, sizeof(nm)), 100 * f1[ch] / H,
                      100 * cv[ch] / H, b1, b2);
        shown++;
    }
    if (k > shown)
        tui_lines_add(v, "  (%zu more, %.1f%% of H together)", k - shown, 100 * rest / H);
    free(idx);
}

static void
sources_lines(const struct tui *t, tui_lines *v, int width)
{
    const tui_syst *s = &t->syst;
    const hf_model *m = t->m;
    size_t p = s->par;
    const char *sig = t->ascii ? "sigma" : "σ";
    if (!t->have_fit) {
        tui_lines_add(v, "No fit yet: the constraint sources need the best fit (f starts one).");
        return;
    }
    size_t i = s->have_con ? s->con_idx[p] : (size_t)-1;
    if (i == (size_t)-1) {
        tui_lines_add(v, "%s has no constraint term or is fixed: the data alone set it.",
                      m->par[p].name);
        return;
    }
    const hf_constraints_par *c = &s->con.p[i];
    char a[32], b[32], fl[160] = "";
    double H = c->info > 0 ? c->info : 1;
    for (unsigned k = 0, len = 0; k < HF_CFLAG_COUNT; k++) { /* the JSON names of the flags */
        int w = c->flags & (1u << k) ? snprintf(fl + len, sizeof(fl) - len, "%s%s", len ? " " : "",
                                                hf_constraints_flag_name(k))
                                     : 0;
        len = w > 0 && (size_t)w < sizeof(fl) - len ? len + (unsigned)w : len;
    }
    tui_lines_add(v, "%s   pull %s   post/pre-fit %s %s   flags: %s", m->par[p].name,
                  num(c->pull, 'p', a, 32), sig, num(c->ratio, 'R', b, 32), fl[0] ? fl : "none");
    char *ex = hf_constraints_explain(m, &s->con, i);
    if (ex != NULL)
        tui_lines_add(v, "%s", ex);
    free(ex);
    tui_lines_add(v, "%s", "");
    tui_lines_add(v,
                  "Observed information H = %.4g at the best fit: prior %.1f%%, first order "
                  "%.1f%%, template curvature %.1f%%",
                  c->info, 100 * c->info_prior / H, 100 * c->info_first / H,
                  100 * c->info_curv / H);
    tui_lines_add(v, "Width with every other parameter fixed 1/sqrt(H) = %.3g; marginal %s = %.3g",
                  c->conditional_sigma, sig, c->postfit_sigma);
    for (size_t k = 0; k < c->npartners; k++)
        tui_lines_add(v, "  shares it with %s (rho %+.2f; %s %.3g with it fixed)",
                      m->par[c->partner[k]].name, c->partner_rho[k], sig, c->partner_sigma[k]);
    tui_lines_add(v, "%s", "");
    source_rows(t, v, width, i);
    size_t *src = malloc((s->con.nchan ? s->con.nchan : 1) * sizeof(*src));
    if (src == NULL) {
        v->nomem = true;
        return;
    }
    size_t ns = hf_constraints_info_sources(&s->con, i, 0.1, src);
    char list[512];
    size_t len = 0;
    list[0] = '\0';
    for (size_t x = 0; x < ns; x++) {
        int w =
            snprintf(list + len, sizeof(list) - len, "%s%s", x ? ", " : "", m->chan[src[x]]->name);
        if (w < 0 || (size_t)w >= sizeof(list) - len)
            break;
        len += (size_t)w;
    }
    free(src);
    tui_lines_add(v, "%s", "");
    tui_lines_add(v, "Constrained by (channels with at least 10%% of H): %s",
                  ns ? list : "(the prior)");
    tui_lines_add(v, "c lists these channels; Enter there opens a channel's stack.");
}

/* Value, error, pull and post/pre ratio of parameter name in model m fitted by f. */
static bool
par_numbers(const hf_model *m, const hf_fit_result *f, const char *name, double *x)
{
    int j = hf_model_find_par(m, name);
    if (j < 0)
        return false;
    const hf_param *p = &m->par[j];
    double sig = p->con == HF_CON_NONE ? NAN : p->sigma;
    double centre = p->con == HF_CON_POISSON ? 1.0 : p->aux;
    x[0] = f->x[j];
    x[1] = f->err != NULL ? f->err[j] : NAN;
    x[2] = (x[0] - centre) / sig;
    x[3] = x[1] / sig;
    return true;
}

static void
decor_row(const struct tui *t, tui_lines *v, const char *label, const double *x, int namew,
          int barw)
{
    char a[32], b[32], c[32], d[32], bar[256], nm[512];
    tui_lines_add(v, "  %s %9s %8s %6s %5s  %s", clip(label, namew, t->ascii, nm, sizeof(nm)),
                  num(x[0], 'e', a, 32), num(x[1], 'e', b, 32), num(x[2], 'p', c, 32),
                  num(x[3], 'r', d, 32),
                  barw >= 7 ? pull_text(x[2], x[3], barw, t->ascii, bar, sizeof(bar)) : "");
}

/* A split parameter's row label: its channel, which is what tells the rows apart (the name is
 * NAME_<channel>); the parameter itself for modifiers no channel claimed. */
static const char *
split_label(const hf_decorrelate_split *sp)
{
    return sp->group != NULL && sp->group[0] != '\0' ? sp->group : sp->name;
}

static void
decor_lines(const struct tui *t, tui_lines *v, int width)
{
    const tui_syst *s = &t->syst;
    const hf_model *m = t->m;
    const char *name = m->par[s->par].name;
    /* names as wide as the longest (at least 26); the pull bar takes what is left, up to 25 */
    int namew = 23; /* "original (all channels)" */
    for (size_t i = 0; i < s->dec.nsplit; i++)
        namew = (int)hf_utf8_width(split_label(&s->dec.split[i])) > namew
                    ? (int)hf_utf8_width(split_label(&s->dec.split[i]))
                    : namew;
    if (width - 36 - namew < 13)
        namew = width - 36 - 13 > 16 ? width - 36 - 13 : 16;
    int barw = width - 36 - namew < 25 ? width - 36 - namew : 25;
    if (s->dstate == TUI_DECOR_NONE || s->dpar != s->par) {
        tui_lines_add(v, "d splits %s into one parameter per channel (each with its own", name);
        tui_lines_add(v,
                      "constraint), fits the new model on the worker thread and shows the split");
        tui_lines_add(v,
                      "parameters' pulls and constraints beside the original: opposite pulls show");
        tui_lines_add(v, "regions that disagree. Same as: hfscope decorrelate --np %s", name);
        return;
    }
    if (s->dstate == TUI_DECOR_RUNNING) {
        tui_lines_add(v, "Fitting the model with %s split into %zu parameters...", name,
                      s->dec.nsplit);
        if (!t->test_mode)
            tui_lines_add(v, "iteration %d  NLL %.8g   (x or Esc cancels)", s->diter, s->dnll);
        return;
    }
    if (s->dstate == TUI_DECOR_FAILED) {
        tui_lines_add(v, "Decorrelation of %s failed: %s", name,
                      s->dmsg ? s->dmsg : "unknown reason");
        tui_lines_add(v, "d tries again.");
        return;
    }
    tui_lines_add(v, "Split per channel: %zu parameters %s_<channel>%s", s->dec.nsplit, name,
                  s->dfit.converged ? "" : "   (split fit NOT converged)");
    if (isfinite(s->tension)) /* before the table, which may be long */
        tui_lines_add(v, "Tension: 2 dNLL = %.3f for %zu degrees of freedom, p = %.3g", s->tension,
                      s->ndof, s->tension_p);
    if (s->orig_held)
        tui_lines_add(v,
                      "(the explorer's fit held moved slider parameters fixed: f refits freely)");
    tui_lines_add(v, "%s", "");
    char hd[512];
    tui_lines_add(v, "  %s %9s %8s %6s %s  %s", clip("channel", namew, t->ascii, hd, sizeof(hd)),
                  "value", "error", "pull", t->ascii ? " s/s0" : " σ/σ₀",
                  barw < 25  ? ""
                  : t->ascii ? "-3          0          +3"
                             : "−3          0          +3");
    double x[4];
    if (par_numbers(m, &t->fit, name, x)) {
        char lab[128];
        snprintf(lab, sizeof(lab), "original (all channels)");
        decor_row(t, v, lab, x, namew, barw);
    }
    for (size_t i = 0; i < s->dec.nsplit; i++)
        if (par_numbers(s->dm, &s->dfit, s->dec.split[i].name, x))
            decor_row(t, v, split_label(&s->dec.split[i]), x, namew, barw);
}

/* Lines of the sources or decorrelation pane of the detail, for `width` columns (caller frees
 * with tui_lines_free). Returns the count, or (size_t)-1 on ENOMEM. */
size_t
tui_syst_lines(const struct tui *t, int width, char ***out)
{
    tui_lines v = {0};
    if (t->syst.pane == TUI_SP_SOURCES)
        sources_lines(t, &v, width);
    else
        decor_lines(t, &v, width);
    return tui_lines_finish(&v, out);
}

/* ---- decorrelate and refit ---- */

static int
decor_fail(struct tui *t, const char *what, const hf_error *err)
{
    tui_syst *s = &t->syst;
    free(s->dmsg);
    s->dmsg = strdup(err != NULL ? hf_error_msg(err) : what);
    s->dstate = TUI_DECOR_FAILED;
    tui_message(t, true, "decorrelate: %s", s->dmsg ? s->dmsg : what);
    return -1;
}

/* Split the opened parameter per channel (hf_decorrelate_apply on the workspace document),
 * compile the new model and queue its fit on the worker thread; tui_syst_fit_done takes the
 * result. Returns 0, or -1 with a message (no fit yet, a fit running, bad split, ENOMEM). */
int
tui_syst_decorrelate(struct tui *t)
{
    tui_syst *s = &t->syst;
    const char *name = t->m->par[s->par].name;
    if (s->dstate == TUI_DECOR_RUNNING) {
        tui_message(t, true, "the split fit is running (x cancels it)");
        return -1;
    }
    if (!t->have_fit) {
        tui_message(t, true, "decorrelate: fit the model first (f), to compare against");
        return -1;
    }
    if (t->fit_state == TUI_FIT_RUNNING) {
        tui_message(t, true, "a fit is running: wait for it or cancel it (x)");
        return -1;
    }
    decor_release(s);
    s->dpar = s->par;
    hf_error err = {0};
    int rc = -1;
    if (hf_decorrelate_apply(t->cli.ws->doc, name, HF_DECOR_CHANNEL, NULL, &s->dec, &err) < 0) {
        decor_fail(t, "cannot split", &err);
        goto out;
    }
    if (s->dec.nsplit < 2) {
        decor_fail(t, "the parameter acts on one channel only: nothing to split", NULL);
        goto out;
    }
    cJSON *dup = cJSON_Duplicate(s->dec.workspace, 1);
    if (dup == NULL) {
        hf_error_nomem(&err);
        decor_fail(t, "out of memory", &err);
        goto out;
    }
    s->dws = hf_workspace_from_json(dup, t->cli.ws_path, &err); /* takes dup */
    hf_model_options mo = t->cli.mopt;
    if (s->dec.poi != NULL && (mo.poi == NULL || strcmp(mo.poi, name) == 0))
        mo.poi = s->dec.poi;
    if (s->dws == NULL || (s->dm = hf_model_compile(s->dws, &mo, &err)) == NULL) {
        decor_fail(t, "cannot compile the split model", &err);
        goto out;
    }
    if (tui_worker_submit(t->worker, TUI_JOB_SPLIT_FIT, s->dm, s->dm->init, s->dm->fixed) < 0) {
        decor_fail(t, t->worker != NULL ? "the worker is busy" : "no worker thread", NULL);
        goto out;
    }
    s->orig_held = false;
    for (size_t p = 0; p < t->m->npar; p++)
        s->orig_held = s->orig_held || (t->fit.fixed[p] && !t->m->fixed[p]);
    s->dstate = TUI_DECOR_RUNNING;
    s->diter = 0;
    s->dnll = 0;
    tui_log(t, "decorrelate: %s split into %zu parameters per channel; fitting", name,
            s->dec.nsplit);
    rc = 0;
out:
    hf_error_release(&err);
    return rc;
}

/* The worker's result of a split-model fit (res is taken over; rc and err as hf_fit's). */
void
tui_syst_fit_done(struct tui *t, int rc, hf_fit_result *res, const hf_error *err)
{
    tui_syst *s = &t->syst;
    if (s->dstate != TUI_DECOR_RUNNING || s->dm == NULL) { /* released meanwhile */
        hf_fit_result_release(res);
        return;
    }
    if (rc != 0) {
        hf_fit_result_release(res);
        decor_fail(t, "fit failed", err->code == HF_ECANCELED ? NULL : err);
        if (err->code == HF_ECANCELED) {
            free(s->dmsg);
            s->dmsg = strdup("cancelled");
            tui_message(t, false, "decorrelate: cancelled");
        }
        return;
    }
    s->dfit = *res;
    memset(res, 0, sizeof(*res));
    s->have_dfit = true;
    s->dstate = TUI_DECOR_DONE;
    /* likelihood ratio of the split against the original model, each model's constraint
     * constants taken out (docs/systematics.md, `decorrelate`) */
    hf_data d2 = hf_model_data(s->dm);
    s->tension = hf_stats_lr_tension(t->fit.twice_nll, hf_gof_constraint_offset(t->m, &t->data),
                                     s->dfit.twice_nll, hf_gof_constraint_offset(s->dm, &d2));
    s->ndof = s->dec.nsplit - 1;
    s->tension_p = hf_stats_chi2_pvalue(s->tension, s->ndof);
    tui_log(t, "decorrelate: %s: split fit %s, 2 dNLL %.3f for %zu dof (p = %.3g)",
            t->m->par[s->dpar].name, s->dfit.converged ? "converged" : "NOT converged", s->tension,
            s->ndof, s->tension_p);
    tui_message(t, false, "decorrelate: %s split into %zu parameters, refitted",
                t->m->par[s->dpar].name, s->dec.nsplit);
}
