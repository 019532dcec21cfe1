/* app/plot_grid.c - `plot --what exclusion|limits --results R.jsonl --patchset PS.json -o OUT`:
 * the results are read and merged (core/infer/results.h), checked against the patchset, and the
 * patchset's labels name the axes. Two labels: the mass plane (render/plot_exclusion.h); one
 * label: CLs or the limit on mu against the mass on a log axis with the Brazil band; `limits`
 * over two labels: one category per point, named by its values (never by its patch name). */
#include "app/plot_grid.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/cli.h"
#include "core/infer/contour.h"
#include "core/infer/results.h"
#include "core/json/patchset.h"
#include "render/plot_exclusion.h"
#include "render/plot_scan.h"

/* The usable points of a grid: values, observed and expected (limits or CLs). */
typedef struct gridpts {
    size_t n, nlabels, nskip;
    bool is_limit;
    double *x, *y, *obs, *exp; /* exp: 5 per point */
    const char **name;
    const hf_result **res; /* the point's results line (its values) */
} gridpts;

static void
gridpts_release(gridpts *g)
{
    free(g->x);
    free(g->y);
    free(g->obs);
    free(g->exp);
    free(g->name);
    free(g->res);
}

/* Limit k (0 observed, 1..5 expected) of r; a null limit outside the POI range becomes the end
 * of the range it lies beyond (mu_up >= hi: not excluded; <= lo: excluded), so that the
 * contour still sees the point on the right side. */
static double
limit_or_end(const hf_result *r, int k)
{
    double v = k == 0 ? r->obs : r->exp[k - 1];
    if (!isnan(v) || r->outside[k] == 0 || isnan(r->range[0]))
        return v;
    return r->outside[k] > 0 ? r->range[1] : fmax(r->range[0], 1e-6);
}

static int
fill_points(const hf_results *rs, gridpts *g)
{
    size_t m = hf_results_count(rs);
    g->x = calloc(m + 1, sizeof(double));
    g->y = calloc(m + 1, sizeof(double));
    g->obs = calloc(m + 1, sizeof(double));
    g->exp = calloc(5 * m + 1, sizeof(double));
    g->name = calloc(m + 1, sizeof(char *));
    g->res = calloc(m + 1, sizeof(hf_result *));
    if (!g->x || !g->y || !g->obs || !g->exp || !g->name || !g->res)
        return hf_cli_nomem();
    for (size_t i = 0; i < m; i++) {
        const hf_result *r = hf_results_get(rs, i);
        if (i == 0)
            g->is_limit = r->has_limit;
        const double *o = g->is_limit ? &r->obs : &r->cls_obs;
        const double *e = g->is_limit ? r->exp : r->cls_exp;
        bool ok = r->error == NULL && (g->is_limit ? r->has_limit : r->has_cls) &&
                  r->nvalues >= g->nlabels;
        for (size_t k = 0; ok && k < g->nlabels; k++)
            ok = !isnan(r->values[k]);
        if (!ok || (isnan(e[2]) && (!g->is_limit || r->outside[3] == 0))) {
            g->nskip++;
            continue;
        }
        g->x[g->n] = r->values[0];
        g->y[g->n] = g->nlabels > 1 ? r->values[1] : 0;
        g->obs[g->n] = g->is_limit ? limit_or_end(r, 0) : *o;
        for (int k = 0; k < 5; k++)
            g->exp[5 * g->n + (size_t)k] = g->is_limit ? limit_or_end(r, k + 1) : e[k];
        g->res[g->n] = r;
        g->name[g->n++] = r->patch;
    }
    return 0;
}

/* Results and patchset read, merged, checked; 0 or the exit code (message printed). Without a
 * patchset (`limits` only) the first line's values count as the labels, unnamed. */
static int
load_grid(const hf_grid_args *a, hf_results **rs, hf_patchset **ps, gridpts *g)
{
    hf_error err = {0};
    int rc = 0;
    const hf_result *bad = NULL;
    if ((*rs = hf_results_new()) == NULL)
        return hf_cli_nomem();
    if (hf_results_read(*rs, a->results, &err) < 0) {
        rc = err.line > 0
                 ? hf_cli_error("%s:%d:%s%s%s", a->results, err.line, err.where ? err.where : "",
                                err.where && *err.where ? ": " : " ", hf_error_msg(&err))
                 : hf_cli_report(a->results, &err);
    } else if (a->patchset && (*ps = hf_patchset_load(a->patchset, &err)) == NULL) {
        rc = hf_cli_report(a->patchset, &err);
    } else {
        hf_results_merge(*rs, NULL, NULL);
        if (*ps && hf_results_check_patchset(*rs, *ps, &bad, &err) < 0)
            rc = hf_cli_error("%s:%d:%s: %s", bad->file, err.line, err.where ? err.where : "",
                              hf_error_msg(&err));
    }
    if (rc == 0 && hf_results_count(*rs) == 0)
        rc = hf_cli_error("%s: no results", a->results);
    else if (rc == 0 && *ps == NULL)
        g->nlabels = hf_results_get(*rs, 0)->nvalues;
    else if (rc == 0)
        g->nlabels = (*ps)->labels != NULL ? (size_t)cJSON_GetArraySize((*ps)->labels) : 0;
    if (rc == 0 && *ps == NULL && g->nlabels == 0)
        rc = hf_cli_error("%s:1:/values: --what %s needs the signal points' values", a->results,
                          a->what);
    else if (rc == 0 && (g->nlabels < 1 || (g->nlabels > 2 && *ps)))
        rc = hf_cli_error("%s:/metadata/labels: --what %s needs a patchset with one or "
                          "two labels (it has %zu)",
                          a->patchset, a->what, g->nlabels);
    else if (rc == 0)
        rc = fill_points(*rs, g);
    if (rc == 0 && g->nskip > 0)
        hf_cli_warn("%s: %zu points failed or have no finite expected value and are left out",
                    a->results, g->nskip);
    hf_error_release(&err);
    return rc;
}

static const char *
label_of(const hf_patchset *ps, int k)
{
    if (ps == NULL) /* `brazil --limits` without a patchset: unnamed values */
        return "";
    const cJSON *l = cJSON_GetArrayItem(ps->labels, k);
    return l != NULL && cJSON_IsString(l) ? l->valuestring : "";
}

/* The order of two points by their first k values. */
static int
values_cmp(const hf_result *a, const hf_result *b, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (a->values[i] != b->values[i])
            return a->values[i] < b->values[i] ? -1 : 1;
    return 0;
}

/* "300, 50": the first k values of a point (caller frees; NULL on ENOMEM). */
static char *
values_label(const hf_result *r, size_t k)
{
    size_t len = 26 * k + 1, at = 0; /* %g of a double: at most 24 bytes with ", " */
    char *t = malloc(len);

    for (size_t i = 0; t && i < k; i++)
        at += (size_t)snprintf(t + at, len - at, "%s%g", i ? ", " : "", r->values[i]);
    if (t && k == 0)
        t[0] = '\0';
    return t;
}

/* One label, or `limits` over more: the Brazil figure against the values. */
static hf_scene *
brazil_over_values(const hf_grid_args *a, const hf_patchset *ps, gridpts *g, hf_error *err)
{
    size_t n = g->n;
    double *x = malloc((n + 1) * sizeof(double)), *obs = malloc((n + 1) * sizeof(double));
    double *ex = malloc((5 * n + 1) * sizeof(double));
    const char **lab = g->nlabels > 1 ? calloc(n + 1, sizeof(char *)) : NULL;
    char **own = g->nlabels > 1 ? calloc(n + 1, sizeof(char *)) : NULL;
    size_t *ord = malloc((n + 1) * sizeof(size_t));
    hf_scene *s = NULL;
    if (!x || !obs || !ex || !ord || (g->nlabels > 1 && (!lab || !own))) {
        hf_error_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    /* insertion sort by the values in order: grids are hundreds to thousands of points */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            size_t p = ord[j - 1], q = ord[j];
            if (values_cmp(g->res[p], g->res[q], g->nlabels) <= 0)
                break;
            ord[j - 1] = q;
            ord[j] = p;
        }
    for (size_t k = 0; k < n; k++) {
        size_t i = ord[k];
        x[k] = g->nlabels > 1 ? (double)k : g->x[i];
        obs[k] = g->obs[i];
        memcpy(ex + 5 * k, g->exp + 5 * i, 5 * sizeof(double));
        if (g->nlabels > 1 && (lab[k] = own[k] = values_label(g->res[i], g->nlabels)) == NULL) {
            hf_error_nomem(err);
            goto out;
        }
    }
    char ylabel[160], xlabel[160], title[200];
    snprintf(ylabel, sizeof ylabel, "%s",
             g->is_limit ? "95% CL upper limit on \xce\xbc" : "CLs at \xce\xbc = 1");
    if (!ps) /* `plot --what brazil --limits FILE`: values without names */
        snprintf(xlabel, sizeof xlabel, "%s",
                 g->nlabels > 1 ? "signal point (values)" : "signal-point value");
    else if (g->nlabels > 1)
        snprintf(xlabel, sizeof xlabel, "(%.70s, %.70s)", label_of(ps, 0), label_of(ps, 1));
    else
        snprintf(xlabel, sizeof xlabel, "%.150s", label_of(ps, 0));
    snprintf(title, sizeof title, "%.60s%s%.40s%s%.40s", a->label ? a->label : "",
             a->label && (a->energy || a->lumi) ? "  " : "", a->energy ? a->energy : "",
             a->energy && a->lumi ? ", " : "", a->lumi ? a->lumi : "");
    hf_brazil_data bd;
    memset(&bd, 0, sizeof bd);
    bd.n = n;
    bd.x = x;
    bd.labels = lab;
    bd.obs = obs;
    bd.exp = ex;
    bd.xlabel = xlabel;
    bd.ylabel = ylabel;
    bd.level = g->is_limit ? 1.0 : 0.05;
    bd.level_label = g->is_limit ? "\xce\xbc = 1" : "CLs = 0.05";
    bd.logy = true;
    bd.title = *title ? title : NULL;
    bd.width_in = a->width;
    s = hf_plot_brazil(&bd, err);
out:
    for (size_t k = 0; own != NULL && k < n; k++)
        free(own[k]);
    free(own);
    free(lab);
    free(ord);
    free(x);
    free(obs);
    free(ex);
    return s;
}

static hf_scene *
mass_plane(const hf_grid_args *a, const hf_patchset *ps, gridpts *g, hf_error *err)
{
    hf_exclusion_data d;
    memset(&d, 0, sizeof d);
    d.n = g->n;
    d.x = g->x;
    d.y = g->y;
    d.obs = g->obs;
    d.exp = g->exp;
    d.is_limit = g->is_limit;
    d.level = g->is_limit ? 1.0 : 0.05;
    d.xlabel = label_of(ps, 0);
    d.ylabel = label_of(ps, 1);
    d.label = a->label;
    d.energy = a->energy;
    d.lumi = a->lumi;
    d.cl = 0.95;
    d.width_in = a->width;
    return hf_plot_exclusion(&d, err);
}

/* -o FILE.ext, or -o DIR: DIR/WHAT.FORMAT; written under a temporary name, then renamed. */
static int
save(const hf_grid_args *a, hf_scene *s)
{
    const char *dot = strrchr(a->output, '.'), *slash = strrchr(a->output, '/');
    bool file = dot != NULL && (slash == NULL || dot > slash) &&
                (strcmp(dot, ".pdf") == 0 || strcmp(dot, ".png") == 0 || strcmp(dot, ".svg") == 0);
    size_t len = strlen(a->output) + strlen(a->what) + 64;
    char *path = malloc(len), *tmp = malloc(len + 32);
    hf_error err = {0};
    int rc = 0;
    if (path == NULL || tmp == NULL) {
        hf_scene_free(s);
        free(path);
        free(tmp);
        return hf_cli_nomem();
    }
    if (file)
        snprintf(path, len, "%s", a->output);
    else
        snprintf(path, len, "%s/%s.%s", a->output, a->what, a->format ? a->format : "pdf");
    const char *ext = strrchr(path, '.');
    snprintf(tmp, len + 32, "%.*s.tmp%ld%s", (int)(ext - path), path, (long)getpid(), ext);
    if (!file && mkdir(a->output, 0777) != 0 && errno != EEXIST) {
        hf_scene_free(s);
        rc = hf_cli_error("-o %s: cannot create directory: %s", a->output, strerror(errno));
    } else if ((rc = hf_cli_save_scene(tmp, s, &err)) == 0 && rename(tmp, path) != 0) {
        rc = hf_cli_error("cannot write '%s': %s", path, strerror(errno));
    } /* hf_cli_save_scene frees the scene */
    if (rc != 0)
        (void)unlink(tmp);
    free(path);
    free(tmp);
    hf_error_release(&err);
    return rc;
}

/* The inputs every grid figure needs: 0 or 2 after the error line. */
static int
need_inputs(const hf_grid_args *a)
{
    if (a->results == NULL || (a->patchset == NULL && strcmp(a->what, "limits") != 0))
        return hf_cli_error("--what %s needs --results RESULTS.jsonl and --patchset "
                            "PATCHSET.json",
                            a->what);
    return 0;
}

int
hf_grid_plot(const hf_grid_args *a)
{
    hf_scene *s = NULL;
    int rc = need_inputs(a);

    if (rc != 0)
        return rc;
    if (a->output == NULL)
        return hf_cli_error("--what %s needs -o FILE.pdf|png|svg (or -o DIR)", a->what);
    rc = hf_grid_scene(a, &s);
    return rc == 0 ? save(a, s) : rc;
}

int
hf_grid_scene(const hf_grid_args *a, hf_scene **out)
{
    *out = NULL;
    int rc0 = need_inputs(a);
    if (rc0 != 0)
        return rc0;
    hf_results *rs = NULL;
    hf_patchset *ps = NULL;
    gridpts g;
    memset(&g, 0, sizeof g);
    hf_error err = {0};
    int rc = load_grid(a, &rs, &ps, &g);
    if (rc == 0) {
        *out = g.nlabels == 2 && strcmp(a->what, "exclusion") == 0
                   ? mass_plane(a, ps, &g, &err)
                   : brazil_over_values(a, ps, &g, &err);
        rc = *out != NULL ? 0 : hf_cli_report(a->results, &err);
    }
    gridpts_release(&g);
    hf_results_free(rs);
    hf_patchset_free(ps);
    hf_error_release(&err);
    return rc;
}
