/* app/tui/points.c - the patchset browser's state: the signal points of a patchset (names, the
 * values of metadata.labels), their CLs at mu and upper limits, read from `patchset run` /
 * `patchset merge` output or computed one point at a time on the worker thread through
 * hf_point_eval (core/infer/point.h, the function `patchset run` uses), the points on screen
 * first. Enter loads a point's patched workspace through the session's reload. */
#include "app/tui/points.h"
#include "app/tui/links.h"
#include "app/tui/state.h"
#include "app/tui/worker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/digest.h"

/* ---- building ---- */

static char *
dupstr(const char *s)
{
    return strdup(s != NULL ? s : "");
}

/* The point's values as numbers (NAN for a string) and as text. -1 on ENOMEM. */
static int
point_values(struct tui_points *p, tui_pt *pt, const cJSON *values, const double *nums, size_t nnum)
{
    pt->values = malloc((p->nlabels + 1) * sizeof(double));
    pt->valtext = calloc(p->nlabels + 1, sizeof(char *));
    if (pt->values == NULL || pt->valtext == NULL)
        return -1;
    for (size_t k = 0; k < p->nlabels; k++) {
        const cJSON *v = values != NULL ? cJSON_GetArrayItem(values, (int)k) : NULL;
        char buf[64];
        pt->values[k] = NAN;
        if (v != NULL && cJSON_IsNumber(v)) {
            pt->values[k] = v->valuedouble;
            snprintf(buf, sizeof(buf), "%g", v->valuedouble);
            pt->valtext[k] = strdup(buf);
        } else if (v != NULL && cJSON_IsString(v)) {
            pt->valtext[k] = strdup(v->valuestring);
        } else if (values == NULL && k < nnum) {
            pt->values[k] = nums[k];
            snprintf(buf, sizeof(buf), "%g", nums[k]);
            pt->valtext[k] = strdup(buf);
        } else {
            pt->valtext[k] = strdup("");
        }
        if (pt->valtext[k] == NULL)
            return -1;
    }
    return 0;
}

/* Labels and points from the patchset. -1 on ENOMEM. */
static int
from_patchset(struct tui_points *p)
{
    const hf_patchset *ps = p->ps;
    size_t nl = ps->labels != NULL ? (size_t)cJSON_GetArraySize(ps->labels) : 0;
    for (size_t i = 0; nl == 0 && i < ps->npatch; i++) /* no labels: as many as the values */
        if ((size_t)cJSON_GetArraySize(ps->patch[i].values) > p->nlabels)
            p->nlabels = (size_t)cJSON_GetArraySize(ps->patch[i].values);
    if (nl > 0)
        p->nlabels = nl;
    p->labels = calloc(p->nlabels + 1, sizeof(char *));
    p->pt = calloc(ps->npatch + 1, sizeof(tui_pt));
    if (p->labels == NULL || p->pt == NULL)
        return -1;
    for (size_t k = 0; k < p->nlabels; k++) {
        const cJSON *l = nl > 0 ? cJSON_GetArrayItem(ps->labels, (int)k) : NULL;
        char buf[32];
        snprintf(buf, sizeof(buf), "value %zu", k + 1);
        if ((p->labels[k] = dupstr(l != NULL && cJSON_IsString(l) ? l->valuestring : buf)) == NULL)
            return -1;
    }
    p->n = ps->npatch;
    for (size_t i = 0; i < ps->npatch; i++) {
        tui_pt *pt = &p->pt[i];
        pt->name = ps->patch[i].name;
        pt->cls_state = TUI_PT_PENDING;
        if (point_values(p, pt, ps->patch[i].values, NULL, 0) < 0)
            return -1;
    }
    return 0;
}

/* Points from a results file alone (no patchset: nothing can be computed). -1 on ENOMEM. */
static int
from_results(struct tui_points *p, const hf_results *rs)
{
    size_t n = hf_results_count(rs);
    for (size_t i = 0; i < n; i++)
        if (hf_results_get(rs, i)->nvalues > p->nlabels)
            p->nlabels = hf_results_get(rs, i)->nvalues;
    p->labels = calloc(p->nlabels + 1, sizeof(char *));
    p->pt = calloc(n + 1, sizeof(tui_pt));
    if (p->labels == NULL || p->pt == NULL)
        return -1;
    for (size_t k = 0; k < p->nlabels; k++) {
        char buf[32];
        snprintf(buf, sizeof(buf), "value %zu", k + 1);
        if ((p->labels[k] = strdup(buf)) == NULL)
            return -1;
    }
    p->n = n;
    for (size_t i = 0; i < n; i++) {
        const hf_result *r = hf_results_get(rs, i);
        p->pt[i].name = r->patch;
        p->pt[i].cls_state = TUI_PT_NONE;
        if (point_values(p, &p->pt[i], NULL, r->values, r->nvalues) < 0)
            return -1;
    }
    return 0;
}

/* A results line into its point: CLs and limits as far as the line has them. */
static int
take_line(tui_pt *pt, const hf_result *r)
{
    if (r->error != NULL) {
        pt->cls_state = TUI_PT_FAILED;
        free(pt->error);
        return (pt->error = strdup(r->error)) != NULL ? 0 : -1;
    }
    if (r->has_cls) {
        pt->cls_state = TUI_PT_DONE;
        pt->cls = r->cls_obs;
        memcpy(pt->cls_exp, r->cls_exp, sizeof(pt->cls_exp));
    }
    if (r->has_limit) {
        pt->lim_state = TUI_PT_DONE;
        pt->obs = r->obs;
        memcpy(pt->exp, r->exp, sizeof(pt->exp));
    }
    return 0;
}

/* "hfscope: error: FILE:LINE:POINTER: MESSAGE" for a results file; returns 2. */
static int
report_results(const char *file, const hf_error *err)
{
    const char *where = err->where != NULL ? err->where : "";
    if (err->line <= 0)
        return hf_cli_report(file, err);
    (void)fprintf(stderr, "hfscope: error: %s:%d:%s%s%s\n", file, err->line, where,
                  *where ? ": " : " ", hf_error_msg(err));
    return 2;
}

/* Read --results into the points (the results' own points without a patchset). A results file
 * of another workspace is not used (p->note says so). Returns 0 or the exit code. */
static int
read_results(struct tui_points *p, const char *path, const char *ws_hex)
{
    hf_error err = {0};
    hf_results *rs = hf_results_new();
    const hf_result *bad = NULL;
    int rc = 0;
    if (rs == NULL)
        return hf_cli_nomem();
    if (hf_results_read(rs, path, &err) < 0) {
        rc = report_results(path, &err);
        goto out;
    }
    hf_results_merge(rs, NULL, NULL);
    if (p->ps != NULL && hf_results_check_patchset(rs, p->ps, &bad, &err) < 0) {
        rc = report_results(bad->file, &err);
        goto out;
    }
    size_t n = hf_results_count(rs);
    const char *other = NULL;
    for (size_t i = 0; i < n && other == NULL; i++)
        if (ws_hex != NULL && hf_results_get(rs, i)->ws_sha256 != NULL &&
            strcmp(hf_results_get(rs, i)->ws_sha256, ws_hex) != 0)
            other = hf_results_get(rs, i)->ws_sha256;
    if (other != NULL) {
        size_t len = strlen(path) + 160;
        if ((p->note = malloc(len)) != NULL)
            snprintf(p->note, len, "%s: results of another workspace (digest %.12s...): not shown",
                     path, other);
        goto out;
    }
    if (p->ps == NULL && from_results(p, rs) < 0) {
        rc = hf_cli_nomem();
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const hf_result *r = hf_results_get(rs, i);
        int k = p->ps != NULL ? hf_patchset_find(p->ps, r->patch) : (int)i;
        if (k >= 0 && take_line(&p->pt[k], r) < 0) {
            rc = hf_cli_nomem();
            goto out;
        }
    }
    /* names of a results-only browser borrow from the lines: keep them */
    if (p->ps == NULL) {
        for (size_t i = 0; i < p->n; i++)
            if ((p->pt[i].name = strdup(p->pt[i].name)) == NULL) {
                rc = hf_cli_nomem();
                goto out;
            }
    }
out:
    hf_results_free(rs);
    hf_error_release(&err);
    return rc;
}

/* The settings of the command line a point's evaluation needs, copied. -1 on ENOMEM. */
static int
copy_settings(struct tui_points *p, const hf_cli *cli)
{
    p->mopt = cli->mopt;
    p->fit_tol = cli->fit_tol;
    p->fit_max_iter = cli->fit_max_iter;
    p->fit_strategy = cli->fit_strategy;
    p->seed = cli->seed;
    p->mu = 1.0; /* as `patchset run`'s defaults: CLs at mu = 1, limits at 95% CL */
    p->cl = 0.95;
    p->fix = calloc(cli->nfix + 1, sizeof(hf_fixspec));
    if (p->fix == NULL)
        return -1;
    for (size_t i = 0; i < cli->nfix; i++, p->nfix++) {
        p->fix[i].value = cli->fix[i].value;
        if ((p->fix[i].name = strdup(cli->fix[i].name)) == NULL)
            return -1;
    }
    return 0;
}

/* The patchset, its digest against the workspace's (a mismatch is kept as p->error) and the
 * background-only document. Returns 0 or the exit code; *hex gets the workspace's digest. */
static int
load_patchset(struct tui_points *p, const char *path, char hex[65])
{
    hf_error err = {0};
    int rc = 0;
    if ((p->ps = hf_patchset_load(path, &err)) == NULL) {
        rc = hf_cli_report(path, &err);
        goto out;
    }
    if (hf_digest_sha256(p->bkg_path, hex, &err) < 0) {
        rc = hf_cli_report(p->bkg_path, &err);
        goto out;
    }
    if (p->ps->digest_sha256 != NULL && strcmp(hex, p->ps->digest_sha256) != 0) {
        size_t len = strlen(path) + strlen(p->bkg_path) + 200;
        if ((p->error = malloc(len)) == NULL) {
            rc = hf_cli_nomem();
            goto out;
        }
        snprintf(p->error, len,
                 "%s:/metadata/digests/sha256: the patchset was made for another workspace "
                 "(digest %.12s..., '%s' has %.12s...)",
                 path, p->ps->digest_sha256, p->bkg_path, hex);
        goto out;
    }
    if ((p->bkg = hf_json_load_file(p->bkg_path, &err)) == NULL)
        rc = hf_cli_report(p->bkg_path, &err);
out:
    hf_error_release(&err);
    return rc;
}

struct tui_points *
tui_points_new(const hf_cli *cli, const tui_points_args *a, int *rc)
{
    *rc = 0;
    struct tui_points *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        *rc = hf_cli_nomem();
        return NULL;
    }
    p->bkg_path = cli->ws_path;
    p->ps_path = a->patchset;
    p->inflight = p->opened = p->entering = -1;
    char hex[65] = "";
    if (copy_settings(p, cli) < 0)
        *rc = hf_cli_nomem();
    if (*rc == 0 && a->patchset != NULL && (*rc = load_patchset(p, a->patchset, hex)) == 0 &&
        from_patchset(p) < 0)
        *rc = hf_cli_nomem();
    if (*rc == 0 && a->results != NULL) {
        if (hex[0] == '\0') {
            hf_error err = {0};
            if (hf_digest_sha256(p->bkg_path, hex, &err) < 0)
                *rc = hf_cli_report(p->bkg_path, &err);
            hf_error_release(&err);
        }
        if (*rc == 0)
            *rc = read_results(p, a->results, hex);
    }
    if (*rc != 0) {
        tui_points_free(p);
        return NULL;
    }
    return p;
}

void
tui_points_free(struct tui_points *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++) {
        tui_pt *pt = &p->pt[i];
        for (size_t k = 0; pt->valtext != NULL && k < p->nlabels; k++)
            free(pt->valtext[k]);
        free(pt->valtext);
        free(pt->values);
        free(pt->error);
        if (p->ps == NULL)
            free((char *)pt->name);
    }
    free(p->pt);
    for (size_t k = 0; p->labels != NULL && k < p->nlabels; k++)
        free(p->labels[k]);
    free(p->labels);
    for (size_t i = 0; i < p->nfix; i++)
        free((char *)p->fix[i].name);
    free(p->fix);
    hf_labels_release(&p->names);
    hf_contour_release(&p->cexp);
    hf_contour_release(&p->cobs);
    cJSON_Delete(p->bkg);
    hf_patchset_free(p->ps);
    free(p->error);
    free(p->note);
    free(p->spec);
    free(p->label);
    free(p);
}

const char *
tui_points_error(const struct tui_points *p)
{
    return p != NULL ? p->error : NULL;
}

size_t
tui_points_count(const struct tui_points *p)
{
    return p != NULL ? p->n : 0;
}

tui_pt *
tui_points_at(struct tui_points *p, size_t i)
{
    return i < p->n ? &p->pt[i] : NULL;
}

/* ---- evaluation ---- */

/* The command line's fit settings and --fix on a point's model (hf_point_options.setup); the
 * fit log stays off: stderr belongs to curses. */
static int
setup_model(hf_model *m, void *ctx, hf_error *err)
{
    const struct tui_points *p = ctx;
    m->fit_tol = p->fit_tol;
    m->fit_max_iter = p->fit_max_iter;
    m->fit_strategy = p->fit_strategy;
    m->fit_seed = p->seed;
    return hf_cli_fix_params(m, p->fix, p->nfix, err);
}

/* The job of point i: CLs at p->mu or (limit) the limits at p->cl, with `patchset run`'s
 * defaults (test statistic by the POI's bound, every start). */
static void
job_of(const struct tui *t, struct tui_points *p, size_t i, bool limit, tui_point_job *j)
{
    memset(j, 0, sizeof(*j));
    j->bkg = p->bkg;
    j->bkg_path = p->bkg_path;
    j->ps = p->ps;
    j->pi = i;
    j->opt.mopt = &p->mopt;
    j->opt.setup = setup_model;
    j->opt.setup_ctx = p;
    j->opt.limit = limit;
    j->opt.mu = p->mu;
    j->opt.cl = p->cl;
    const char *d = t != NULL && t->test_mode ? getenv("HFSCOPE_TEST_POINT_DELAY") : NULL;
    j->delay = d != NULL ? fmin(fmax(atof(d), 0.0), 10.0) : 0.0;
}

/* A finished evaluation into point i. Returns -1 on ENOMEM. */
static int
store(struct tui_points *p, size_t i, bool limit, int rc, const hf_point_result *res,
      const hf_error *err, double secs)
{
    tui_pt *pt = &p->pt[i];
    tui_pt_state *st = limit ? &pt->lim_state : &pt->cls_state;
    p->gen++;
    pt->secs = secs;
    if (rc == 0) {
        *st = TUI_PT_DONE;
        if (limit) {
            pt->obs = res->obs;
            memcpy(pt->exp, res->exp, sizeof(pt->exp));
        } else {
            pt->cls = res->cls;
            memcpy(pt->cls_exp, res->cls_exp, sizeof(pt->cls_exp));
        }
        return 0;
    }
    *st = TUI_PT_FAILED;
    free(pt->error);
    const char *where = err->where != NULL ? err->where : "";
    size_t len = strlen(hf_error_msg(err)) + strlen(where) + 8;
    if ((pt->error = malloc(len)) == NULL)
        return -1;
    snprintf(pt->error, len, "%s%s%s", hf_error_msg(err), *where ? " at " : "", where);
    return 0;
}

/* ---- the loop's hooks ---- */

/* The first channel patch i changes (a path /channels/N/... of its operations), by name in the
 * session's model; 0 when none is found. */
static size_t
patched_channel(const struct tui *t, const struct tui_points *p, size_t i)
{
    const cJSON *op;
    cJSON_ArrayForEach(op, p->ps->patch[i].ops)
    {
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(op, "path");
        long c;
        if (!cJSON_IsString(path) || sscanf(path->valuestring, "/channels/%ld", &c) != 1 || c < 0)
            continue;
        const cJSON *ch =
            cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p->bkg, "channels"), (int)c);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(ch, "name");
        int k = cJSON_IsString(name) ? hf_model_find_channel(t->m, name->valuestring) : -1;
        if (k >= 0)
            return (size_t)k;
    }
    return 0;
}

/* The top line names the open point: "WS.json + POINT" (kept in p, as file_label borrows). */
static void
label_open(struct tui *t, struct tui_points *p)
{
    const char *base = strrchr(p->bkg_path, '/');
    base = base != NULL ? base + 1 : p->bkg_path;
    const char *name = p->pt[p->opened].name;
    size_t len = strlen(base) + strlen(name) + 4;
    char *s = realloc(p->label, len);
    if (s == NULL)
        return;
    snprintf(s, len, "%s + %s", base, name);
    p->label = s;
    t->file_label = s;
}

/* After a point's patched workspace was loaded: its stacks, with the Points view to go back to. */
static void
opened(struct tui *t, struct tui_points *p)
{
    p->opened = p->entering;
    size_t i = (size_t)p->opened;
    label_open(t, p);
    t->nhist = 1;
    memset(&t->hist[0], 0, sizeof(t->hist[0]));
    t->hist[0].view = TUI_V_POINTS;
    t->hist[0].chan = t->hist[0].par = (size_t)-1;
    tui_goto(t, TUI_V_CHANNELS);
    if (t->m->nchan > 0)
        tui_list_select(t, &t->chl, patched_channel(t, p, i));
    tui_log(t, "point %s: the patched workspace is loaded", p->pt[i].name);
    tui_message(t, false, "point %s: its stacks (Backspace: back to the points)", p->pt[i].name);
}

unsigned
tui_points_attach(struct tui *t, bool reloaded, bool ok)
{
    struct tui_points *p = t->points;
    if (p == NULL)
        return 0;
    if (p->inflight >= 0) { /* the worker was stopped: its point goes back to the queue */
        tui_pt *pt = &p->pt[p->inflight];
        *(p->inflight_limit ? &pt->lim_state : &pt->cls_state) = TUI_PT_PENDING;
        p->inflight = -1;
    }
    if (!reloaded) {
        t->view = TUI_V_POINTS;
        tui_log(t, "patchset %s: %zu points", p->ps_path != NULL ? p->ps_path : "(results only)",
                p->n);
        /* the whole line goes to the log; the status line says it short enough for 80 columns */
        if (p->error != NULL || p->note != NULL)
            tui_log(t, "error: %s", p->error != NULL ? p->error : p->note);
        if (p->error != NULL)
            tui_message(t, true, "digest mismatch: the patchset is for another workspace (7: Log)");
        else if (p->note != NULL)
            tui_message(t, true, "results of another workspace: not shown (7: Log)");
        return TUI_DIRTY_ALL;
    }
    if (p->entering >= 0 && ok)
        opened(t, p);
    else if (p->opened >= 0 && ok) /* R on an open point: the same point, reloaded */
        label_open(t, p);
    p->entering = -1;
    return TUI_DIRTY_ALL;
}

unsigned
tui_points_result(struct tui *t, tui_result *r)
{
    struct tui_points *p = t->points;
    if (p == NULL || r->kind != TUI_RESULT_POINT)
        return 0;
    size_t i = r->u.point.pi;
    p->inflight = -1;
    if (i >= p->n)
        return 0;
    tui_pt *pt = &p->pt[i];
    if (r->u.point.rc < 0 && r->u.point.err.code == HF_ECANCELED) {
        *(r->u.point.limit ? &pt->lim_state : &pt->cls_state) = TUI_PT_PENDING;
        return TUI_DIRTY_MAIN;
    }
    if (store(p, i, r->u.point.limit, r->u.point.rc, &r->u.point.res, &r->u.point.err,
              r->u.point.secs) < 0)
        tui_message(t, true, "out of memory");
    else if (r->u.point.rc < 0)
        tui_log(t, "point %s: %s failed: %s", pt->name, r->u.point.limit ? "limits" : "CLs",
                pt->error);
    return TUI_DIRTY_MAIN | TUI_DIRTY_LEFT | TUI_DIRTY_STATUS;
}

/* The next evaluation: among the points on screen, then the others from there on (wrapping),
 * the first whose CLs (then limits) are pending. False when nothing is left. */
static bool
next_job(const struct tui_points *p, size_t *pi, bool *limit)
{
    size_t first = p->map ? 0 : p->top, rows = p->map ? p->n : (size_t)(p->rows > 0 ? p->rows : 1);
    for (int pass = 0; pass < 2; pass++) {
        size_t lo = pass == 0 ? first : 0, count = pass == 0 ? rows : p->n;
        for (int lim = 0; lim < 2; lim++)
            for (size_t k = 0; k < count && k < p->n; k++) {
                size_t i = (lo + (pass == 0 ? k : (first + rows + k))) % p->n;
                if (pass == 0 && lo + k >= p->n)
                    break;
                tui_pt_state st = lim ? p->pt[i].lim_state : p->pt[i].cls_state;
                if (st == TUI_PT_PENDING) {
                    *pi = i;
                    *limit = lim;
                    return true;
                }
            }
    }
    return false;
}

unsigned
tui_points_pump(struct tui *t)
{
    struct tui_points *p = t->points;
    /* computed while the Points view is shown, so that the explorer's own fits are not kept
     * waiting behind a grid elsewhere */
    if (p == NULL || p->bkg == NULL || p->inflight >= 0 || t->view != TUI_V_POINTS ||
        t->links.open || p->n == 0)
        return 0;
    size_t i;
    bool limit;
    if (!next_job(p, &i, &limit))
        return 0;
    tui_point_job j;
    job_of(t, p, i, limit, &j);
    if (tui_worker_submit_point(t->worker, &j) < 0)
        return 0; /* busy (a fit): the next loop turn tries again */
    p->inflight = (long)i;
    p->inflight_limit = limit;
    *(limit ? &p->pt[i].lim_state : &p->pt[i].cls_state) = TUI_PT_RUNNING;
    return TUI_DIRTY_MAIN;
}

const char *
tui_points_patch_spec(const struct tui_points *p)
{
    if (p == NULL || p->ps_path == NULL)
        return NULL;
    long i = p->entering >= 0 ? p->entering : p->opened;
    if (i < 0)
        return NULL;
    struct tui_points *mp = (struct tui_points *)p; /* the cached string only */
    size_t len = strlen(p->ps_path) + strlen(p->pt[i].name) + 2;
    char *s = realloc(mp->spec, len);
    if (s == NULL)
        return NULL;
    snprintf(s, len, "%s:%s", p->ps_path, p->pt[i].name);
    mp->spec = s;
    return s;
}

/* ---- without a terminal ---- */

/* "name  v1 v2 ...  cls_obs cls_exp [obs exp]" or the failure, one line. */
static void
print_point(const struct tui_points *p, const tui_pt *pt, bool limits, FILE *out)
{
    (void)fprintf(out, "%s", pt->name);
    for (size_t k = 0; k < p->nlabels; k++)
        (void)fprintf(out, "  %s", pt->valtext[k]);
    if (pt->cls_state == TUI_PT_DONE)
        (void)fprintf(out, "  %.10g  %.10g", pt->cls, pt->cls_exp[2]);
    else
        (void)fprintf(out, "  -  -");
    if (limits && pt->lim_state == TUI_PT_DONE)
        (void)fprintf(out, "  %.10g  %.10g", pt->obs, pt->exp[2]);
    else if (limits)
        (void)fprintf(out, "  -  -");
    if (pt->error != NULL)
        (void)fprintf(out, "  failed: %s", pt->error);
    (void)fputc('\n', out);
}

int
tui_points_print(struct tui_points *p, bool limits, FILE *out)
{
    int rc = 0;
    if (p->error != NULL) {
        (void)fprintf(stderr, "hfscope: error: %s\n", p->error);
        return 2;
    }
    (void)fprintf(out, "points: %zu  (name, ", p->n);
    for (size_t k = 0; k < p->nlabels; k++)
        (void)fprintf(out, "%s, ", p->labels[k]);
    (void)fprintf(out, "CLs obs, CLs exp at mu = %g%s)\n", p->mu,
                  limits ? ", upper limit obs, exp" : "");
    for (size_t i = 0; i < p->n; i++) {
        tui_pt *pt = &p->pt[i];
        for (int lim = 0; lim < (limits ? 2 : 1) && p->bkg != NULL; lim++) {
            tui_pt_state *st = lim ? &pt->lim_state : &pt->cls_state;
            if (lim && *st == TUI_PT_NONE)
                *st = TUI_PT_PENDING;
            if (*st != TUI_PT_PENDING)
                continue;
            tui_point_job j;
            job_of(NULL, p, i, lim, &j);
            hf_point_result res;
            hf_error err = {0};
            int erc = hf_point_eval(j.bkg, j.bkg_path, j.ps, j.pi, &j.opt, &res, &err);
            if (store(p, i, lim, erc, &res, &err, 0) < 0)
                rc = hf_cli_nomem();
            hf_point_result_release(&res);
            hf_error_release(&err);
        }
        if (pt->cls_state == TUI_PT_FAILED || pt->lim_state == TUI_PT_FAILED)
            rc = rc ? rc : 1;
        print_point(p, pt, limits, out);
    }
    return rc;
}
