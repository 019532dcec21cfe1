/* app/cmd_scan.c - `hfscope scan`: profile likelihood scan of one parameter (intervals from the
 * crossings) or of two (--par2: a grid for contours). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/infer/scan.h"
#include "core/model/fit.h"

int cmd_scan(int argc, char **argv);

/* Resolve --par/--range into an index and a range; default range: best fit +- 3 errors inside
 * the bounds. Returns 0 or an exit code (message printed). */
static int
resolve(const hf_model *m, const hf_fit_result *fr, const char *opt, const char *name,
        const char *range, int *par, double *lo, double *hi)
{
    *par = hf_model_find_par(m, name);
    if (*par < 0)
        return hf_cli_unknown_param(m, opt, name);
    const hf_param *p = &m->par[*par];
    if (range != NULL) {
        if (hf_cli_parse_range(range, lo, hi) != 0)
            return 2;
        if (*lo < p->lo || *hi > p->hi)
            return hf_cli_error("range %s leaves the bounds [%g, %g] of '%s'", range, p->lo, p->hi,
                                p->name);
        return 0;
    }
    double x = fr->x[*par], e = fr->err != NULL ? fr->err[*par] : 0.0;
    if (!(e > 0.0) || !isfinite(e))
        e = 0.1 * (p->hi - p->lo);
    *lo = fmax(p->lo, x - 3 * e);
    *hi = fmin(p->hi, x + 3 * e);
    if (!(*hi > *lo))
        return hf_cli_error("cannot choose a range for '%s': give --range", p->name);
    return 0;
}

static cJSON *
interval(const double v[2])
{
    return cJSON_CreateDoubleArray(v, 2); /* NAN ends print as null */
}

/* The scan as JSON (stdout or -o); n2 is NULL for a 1D scan. Returns the exit code. */
static int
emit_json(const hf_cli *cli, const hf_scan_result *sr, const char *n1, const char *n2)
{
    size_t ncol = sr->n2 ? sr->n2 : 1;
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL)
        return hf_cli_nomem();
    cJSON_AddStringToObject(doc, "parameter", n1);
    if (n2 != NULL)
        cJSON_AddStringToObject(doc, "parameter2", n2);
    hf_cli_json_masks(doc, cli);
    cJSON_AddNumberToObject(doc, "twice_nll_min", sr->twice_nll_min);
    cJSON_AddItemToObject(doc, "best_fit", cJSON_CreateDoubleArray(sr->best, n2 ? 2 : 1));
    cJSON *pts = cJSON_AddArrayToObject(doc, "points");
    for (size_t i = 0; pts != NULL && i < sr->n; i++)
        for (size_t j = 0; j < ncol; j++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToArray(pts, o);
            cJSON_AddNumberToObject(o, "value", sr->x[i]);
            if (n2 != NULL)
                cJSON_AddNumberToObject(o, "value2", sr->y[j]);
            cJSON_AddNumberToObject(o, "delta_twice_nll", sr->dnll2[i * ncol + j]);
        }
    if (n2 == NULL) {
        cJSON_AddItemToObject(doc, "interval_68", interval(sr->int68));
        cJSON_AddItemToObject(doc, "interval_95", interval(sr->int95));
    }
    return hf_cli_json_emit(doc, cli->output);
}

/* "68% interval: [lo, hi]", with a note when an end is not crossed inside the range */
static void
print_interval(const char *label, const double v[2])
{
    printf("%s interval: [%.5g, %.5g]%s\n", label, v[0], v[1],
           isnan(v[0]) || isnan(v[1]) ? "  (nan: not crossed inside the range)" : "");
}

/* A 1D scan of parameter n1 as text on stdout. */
static void
print_text_1d(const hf_scan_result *sr, const char *n1)
{
    printf("profile likelihood scan of %s (%zu points); best fit %.5g, 2NLL min %.4f\n", n1, sr->n,
           sr->best[0], sr->twice_nll_min);
    printf("%14s %14s\n", n1, "-2 delta lnL");
    for (size_t i = 0; i < sr->n; i++)
        printf("%14.6g %14.6g\n", sr->x[i], sr->dnll2[i]);
    print_interval("68%", sr->int68);
    print_interval("95%", sr->int95);
}

/* A 2D scan of parameters n1 and n2 as text on stdout. */
static void
print_text_2d(const hf_scan_result *sr, const char *n1, const char *n2)
{
    printf("2D profile likelihood scan of %s x %s (%zu x %zu points); best fit (%.5g, %.5g)\n", n1,
           n2, sr->n, sr->n2, sr->best[0], sr->best[1]);
    printf("%14s %14s %14s\n", n1, n2, "-2 delta lnL");
    for (size_t i = 0; i < sr->n; i++)
        for (size_t j = 0; j < sr->n2; j++)
            printf("%14.6g %14.6g %14.6g\n", sr->x[i], sr->y[j], sr->dnll2[i * sr->n2 + j]);
}

int
cmd_scan(int argc, char **argv)
{
    hf_cli cli;
    const char *parname = NULL, *par2name = NULL, *range = NULL, *range2 = NULL;
    int npts = 21, npts2 = 0;
    bool fast = false;
    const hf_opt extra[] = {
        {"par", 0, HF_OPT_STRING, &parname, "parameter NAME to scan (default: the POI)"},
        {"range", 0, HF_OPT_STRING, &range, "LO:HI (default: best fit +- 3 errors)"},
        {"points", 0, HF_OPT_INT, &npts, "number of points (default 21)"},
        {"par2", 0, HF_OPT_STRING, &par2name, "second parameter NAME: a 2D scan"},
        {"range2", 0, HF_OPT_STRING, &range2, "LO:HI of the second parameter"},
        {"points2", 0, HF_OPT_INT, &npts2, "points of the second parameter (default: --points)"},
        {"fast", 0, HF_OPT_FLAG, &fast,
         "one start per point (the warm one): faster, may follow a higher valley"},
        {NULL, 0, 0, NULL, NULL}};
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "scan [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    const hf_model *m = cli.model;
    hf_error err = {0};
    hf_fit_result fr;
    memset(&fr, 0, sizeof(fr));
    hf_scan_result sr;
    memset(&sr, 0, sizeof(sr));
    hf_scan_options so = {0};
    so.par2 = -1;
    if (npts2 == 0)
        npts2 = npts;
    if (npts < 2 || npts2 < 2 || npts > 100000 || npts2 > 100000) {
        rc = hf_cli_error("--points: expected 2 to 100000 points");
        goto out;
    }
    if (parname == NULL) {
        if (m->poi < 0) {
            rc = hf_cli_error("%s: the model has no parameter of interest: name the "
                              "parameter to scan with --par NAME",
                              cli.ws_path);
            goto out;
        }
        parname = m->par[m->poi].name;
    }
    hf_data d = hf_model_data(m);
    if (hf_fit(m, &d, NULL, &fr, &err) < 0) {
        rc = hf_cli_fail(&cli, &err);
        goto out;
    }
    if ((rc = resolve(m, &fr, "--par", parname, range, &so.par, &so.lo, &so.hi)) != 0)
        goto out;
    if (par2name != NULL &&
        (rc = resolve(m, &fr, "--par2", par2name, range2, &so.par2, &so.lo2, &so.hi2)) != 0)
        goto out;
    if (hf_cli_blinding(&cli) && (hf_cli_par_blinded(&cli, (size_t)so.par) ||
                                  (so.par2 >= 0 && hf_cli_par_blinded(&cli, (size_t)so.par2)))) {
        rc = hf_cli_error("scan: a scan of the POI shows its fitted value: not with blinding "
                          "(scan another parameter with --par NAME)");
        goto out;
    }
    if (so.par2 == so.par) {
        rc = hf_cli_error("--par2: the second parameter must differ from the first");
        goto out;
    }
    so.n = (size_t)npts;
    so.n2 = (size_t)npts2;
    so.threads = cli.jobs;
    so.single_start = fast;
    if (hf_scan_compute(m, &d, &so, &sr, &err) < 0) {
        rc = hf_cli_fail(&cli, &err);
        goto out;
    }
    size_t nbad = 0, ncol = sr.n2 ? sr.n2 : 1;
    for (size_t k = 0; k < sr.n * ncol; k++)
        nbad += !sr.ok[k];
    if (nbad > 0 && !cli.quiet)
        hf_cli_warn("%s: %zu scan points did not converge (null in the output)", cli.ws_path, nbad);
    const char *n1 = m->par[so.par].name, *n2 = so.par2 >= 0 ? m->par[so.par2].name : NULL;
    if (!cli.json)
        hf_cli_print_masks(stdout, &cli);
    if (cli.json)
        rc = emit_json(&cli, &sr, n1, n2);
    else if (n2 == NULL)
        print_text_1d(&sr, n1);
    else
        print_text_2d(&sr, n1, n2);
    if (rc == 0 && nbad > 0)
        rc = 1;
out:
    hf_scan_result_release(&sr);
    hf_fit_result_release(&fr);
    hf_error_release(&err);
    hf_cli_done(&cli);
    return rc;
}
