/* app/cmd_nllshape.c - `hfscope nllshape`: the likelihood along every parameter with the others
 * at the best fit (FastScan), beside the Hessian parabola, with flags for kinks, flat directions,
 * double minima and non-parabolic shapes; the profiled curve of one parameter (--np, --profile);
 * a figure (--plot) or character cells (--cells WxH). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/diag/nllshape.h"
#include "core/infer/minos.h"
#include "core/model/fit.h"
#include "render/cells.h"
#include "render/plot_nllshape.h"

int cmd_nllshape(int argc, char **argv);

typedef struct shape_args {
    const char *np, *plot, *cells;
    bool profile, curves;
    double range;
    int points;
    int sel; /* model index of --np, -1 none */
} shape_args;

static void
add_flags(cJSON *o, unsigned flags)
{
    cJSON *a = cJSON_AddArrayToObject(o, "flags");
    for (unsigned k = 0; k < HF_NLLSHAPE_NFLAGS; k++)
        if (flags & (1u << k))
            cJSON_AddItemToArray(a, cJSON_CreateString(hf_nllshape_flag_name(k)));
}

static int
emit_json(const hf_cli *cli, const hf_nllshape *sh, const shape_args *a)
{
    const hf_model *m = cli->model;
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL)
        return hf_cli_report(cli->ws_path, &(hf_error){.code = HF_ENOMEM});
    hf_cli_json_masks(doc, cli);
    cJSON_AddNumberToObject(doc, "range_sigma", a->range);
    cJSON *pars = cJSON_AddArrayToObject(doc, "parameters");
    for (size_t i = 0; i < sh->ncurves; i++) {
        const hf_nllshape_curve *c = &sh->c[i];
        if (a->sel >= 0 && c->par != (size_t)a->sel)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(pars, o);
        cJSON_AddStringToObject(o, "name", m->par[c->par].name);
        cJSON_AddNumberToObject(o, "value", c->best);
        cJSON_AddNumberToObject(o, "step", c->step);
        cJSON_AddNumberToObject(o, "hessian_diagonal", c->hjj);
        add_flags(o, c->flags);
        if (isfinite(c->kink_at))
            cJSON_AddNumberToObject(o, "kink_at", c->kink_at);
        else
            cJSON_AddNullToObject(o, "kink_at");
        cJSON_AddNumberToObject(o, "q_low", c->q[0]);
        cJSON_AddNumberToObject(o, "q_high", c->q[c->n - 1]);
        if (!a->curves && a->sel < 0)
            continue;
        cJSON_AddItemToObject(o, "x", cJSON_CreateDoubleArray(c->x, (int)c->n));
        cJSON_AddItemToObject(o, "q", cJSON_CreateDoubleArray(c->q, (int)c->n));
        cJSON_AddItemToObject(o, "parabola", cJSON_CreateDoubleArray(c->parab, (int)c->n));
        if (c->qprof != NULL)
            cJSON_AddItemToObject(o, "profiled", cJSON_CreateDoubleArray(c->qprof, (int)c->n));
        else
            cJSON_AddNullToObject(o, "profiled");
    }
    return hf_cli_json_emit(doc, cli->output);
}

static void
flag_list(unsigned flags)
{
    int any = 0;
    for (unsigned k = 0; k < HF_NLLSHAPE_NFLAGS; k++)
        if (flags & (1u << k))
            printf("%s%s", any++ ? "," : "", hf_nllshape_flag_name(k));
    if (!any)
        printf("-");
}

static void
print_text(const hf_model *m, const hf_nllshape *sh, const shape_args *a)
{
    printf("2 delta NLL at best fit -/+ %.3g sigma, others at the best fit (conditional), and the\n"
           "Hessian parabola H_jj dx^2 there\n\n",
           a->range);
    printf("%-44s %10s %9s %9s %9s %9s  %s\n", "parameter", "value", "sigma", "q(-)", "q(+)",
           "parab(+)", "flags");
    size_t nflag = 0;
    for (size_t i = 0; i < sh->ncurves; i++) {
        const hf_nllshape_curve *c = &sh->c[i];
        if (a->sel >= 0 && c->par != (size_t)a->sel)
            continue;
        nflag += c->flags != 0;
        printf("%-44s %10.4g %9.3g %9.3f %9.3f %9.3f  ", m->par[c->par].name, c->best, c->step,
               c->q[0], c->q[c->n - 1], c->parab[c->n - 1]);
        flag_list(c->flags);
        printf("\n");
        if (a->sel < 0)
            continue;
        printf("\n%14s %12s %12s %12s\n", "value", "conditional", "parabola", "profiled");
        for (size_t k = 0; k < c->n; k++) {
            printf("%14.6g %12.4f %12.4f ", c->x[k], c->q[k], c->parab[k]);
            if (c->qprof != NULL)
                printf("%12.4f\n", c->qprof[k]);
            else
                printf("%12s\n", "-");
        }
    }
    if (a->sel < 0)
        printf("\n%zu of %zu parameters flagged\n", nflag, sh->ncurves);
}

/* The figure as character cells on stdout. 0 or an exit code. */
static int
print_cells(const char *spec, hf_scene *s)
{
    int w, h;
    if (hf_cells_parse_size(spec, &w, &h) < 0) {
        hf_scene_free(s);
        return hf_cli_error("--cells: expected WIDTHxHEIGHT in 10..1000, got '%s'", spec);
    }
    hf_cellgrid *g = hf_cells_new(w, h);
    char *txt = NULL;
    if (s != NULL && g != NULL && hf_cells_draw(g, s, HF_GLYPHS_BRAILLE) == 0)
        txt = hf_cells_to_text(g, NULL);
    hf_cells_free(g);
    hf_scene_free(s);
    if (txt == NULL)
        return hf_cli_nomem();
    printf("%s", txt);
    free(txt);
    return 0;
}

static hf_scene *
figure(const hf_model *m, const hf_nllshape *sh, const shape_args *a, hf_error *err)
{
    if (a->sel >= 0)
        return hf_plot_nllshape_curve(m, hf_nllshape_find(sh, (size_t)a->sel), err);
    return hf_plot_nllshape_grid(m, sh, 12, err);
}

/* Resolve --np (nearest-name hint on a miss) and check the options. 0 or an exit code. */
static int
check_args(const hf_model *m, const hf_fit_result *fit, shape_args *a)
{
    a->sel = -1;
    if (a->points < 3 || a->points > 100001)
        return hf_cli_error("--points: expected 3 .. 100001, got %d", a->points);
    if (!(a->range > 0) || !isfinite(a->range))
        return hf_cli_error("--range: expected a positive number of sigmas");
    if (a->np == NULL) {
        if (a->profile)
            return hf_cli_error("--profile needs --np NAME");
        return 0;
    }
    a->sel = hf_model_find_par(m, a->np);
    if (a->sel < 0) {
        const char *near = hf_minos_nearest(m, a->np);
        return near
                   ? hf_cli_error("--np: no parameter named '%s' (did you mean '%s'?)", a->np, near)
                   : hf_cli_error("--np: no parameter named '%s'", a->np);
    }
    if (fit->fixed[a->sel])
        return hf_cli_error("--np: '%s' is fixed", a->np);
    return 0;
}

static int
run(hf_cli *cli, shape_args *a)
{
    const hf_model *m = cli->model;
    hf_data d = hf_model_data(m);
    hf_fit_result fit = {0};
    hf_nllshape sh = {0};
    hf_error err = {0};
    bool *prof = calloc(m->npar + 1, sizeof(bool));
    int rc = 0;
    /* blinding: a background-only fit, the POI fixed (no curve of it, nothing of its value) */
    hf_fit_options fo = {.fix_index = hf_cli_blinding(cli) ? m->poi : -1};
    if (fo.fix_index >= 0)
        fo.fix_value = hf_blind_poi_bonly(m);
    if (prof == NULL)
        rc = hf_cli_report(cli->ws_path, &(hf_error){.code = HF_ENOMEM});
    else if (hf_fit(m, &d, &fo, &fit, &err) < 0)
        rc = hf_cli_report(cli->ws_path, &err);
    else if ((rc = check_args(m, &fit, a)) == 0) {
        if (a->profile)
            prof[a->sel] = true;
        hf_nllshape_options o = {.range = a->range, .points = a->points, .profile = prof};
        if (hf_nllshape_compute(m, &d, &fit, &o, &sh, &err) < 0)
            rc = hf_cli_report(cli->ws_path, &err);
        else {
            if (!fit.converged && !cli->quiet)
                hf_cli_warn("%s: the fit did not converge (%s)", cli->ws_path, fit.message);
            if (a->plot != NULL)
                rc = hf_cli_save_scene(a->plot, figure(m, &sh, a, &err), &err);
            if (rc == 0 && a->cells != NULL)
                rc = print_cells(a->cells, figure(m, &sh, a, &err));
            else if (rc == 0 && cli->json)
                rc = emit_json(cli, &sh, a);
            else if (rc == 0) {
                hf_cli_print_masks(stdout, cli);
                print_text(m, &sh, a);
            }
            if (rc == 0 && !fit.converged)
                rc = 1;
        }
    }
    hf_nllshape_release(&sh);
    hf_fit_result_release(&fit);
    hf_error_release(&err);
    free(prof);
    return rc;
}

int
cmd_nllshape(int argc, char **argv)
{
    hf_cli cli;
    shape_args a = {.range = 3.0, .points = 41};
    const hf_opt extra[] = {
        {"np", 0, HF_OPT_STRING, &a.np, "one parameter NAME: its points, and its figure"},
        {"profile", 0, HF_OPT_FLAG, &a.profile,
         "also the profiled curve of --np (others refitted)"},
        {"range", 0, HF_OPT_DOUBLE, &a.range, "half-width in units of the fit error (3)"},
        {"points", 0, HF_OPT_INT, &a.points, "points per curve (41)"},
        {"curves", 0, HF_OPT_FLAG, &a.curves, "--json: every parameter's points, not only --np's"},
        {"plot", 0, HF_OPT_STRING, &a.plot,
         "draw the figure (FILE.pdf/.png/.svg): --np's curves, or the 12 least regular"},
        {"cells", 0, HF_OPT_STRING, &a.cells, "print the figure as WxH character cells"},
        {NULL, 0, 0, NULL, NULL}};
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "nllshape [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    rc = run(&cli, &a);
    hf_cli_done(&cli);
    return rc;
}
