/* app/cmd_limit.c - `hfscope limit`: observed and expected CLs upper limits on the POI. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/infer/infer.h"
#include "core/infer/limit.h"

int cmd_limit(int argc, char **argv);

/* A computation that failed: the error line, and with --json a document saying why (exit 1 for
 * a fit that did not converge, as DESIGN.md asks; 2 for bad input). */
static int
report_failure(hf_cli *cli, const hf_error *err0, double lo, double hi)
{
    char range[64] = "LO:HI";
    if (lo < 0.0 && hi > 0.0)
        (void)snprintf(range, sizeof(range), "0:%g", hi);
    /* a fit that fails during the search often means the model is undefined at that POI value
     * (yields turn negative): say how to keep the search where it is valid */
    hf_error hint = {0};
    const hf_error *err = err0;
    if (err0->code == HF_EFIT &&
        hf_error_set(&hint, HF_EFIT, err0->where != NULL ? err0->where : "",
                     "%s (if the model is not valid there, search where it is with --range %s)",
                     hf_error_msg(err0), range) < 0 &&
        hint.msg != NULL)
        err = &hint;
    int rc = hf_cli_fail(cli, err);
    hf_error_release(&hint);
    return rc;
}

static const char *const LIMIT_NAME[6] = {"observed", "exp -2s", "exp -1s",
                                          "expected", "exp +1s", "exp +2s"};

#define WHY_FMT "%d of the 6 limits are not inside the search range [%g, %g]: %s"

static const char *const LIMIT_KEY[6] = {"obs", "exp_m2", "exp_m1", "exp", "exp_p1", "exp_p2"};

/* Why a limit is missing (hf_limit_result.why), for the error line and the JSON. */
static const char *
why_text(int why)
{
    return why == 1 ? "CLs is below 1 - cl already at the lower end of the range"
                    : "CLs stays above 1 - cl up to the upper end of the range";
}

static void
print_limit(const char *label, double v, int why)
{
    if (isnan(v))
        printf("  %-9s not inside the search range (%s)\n", label,
               why == 1 ? "excluded at the lower end" : "not excluded at the upper end");
    else
        printf("  %-9s %.5g\n", label, v);
}

/* The command's options. */
typedef struct limit_opts {
    double cl, rtol;    /* --cl, --rtol */
    bool fast;          /* --fast */
    const char *tsname; /* --test-stat */
    const char *range;  /* --range */
    int grid;           /* --grid */
    hf_teststat ts;     /* from --test-stat */
} limit_opts;

/* The POI and the options checked against the model, into *lo. Returns the exit code. */
static int
check_options(hf_cli *cli, limit_opts *o, hf_limit_options *lo)
{
    int rc;
    const hf_model *m = cli->model;
    if (!hf_cli_need_poi(cli, "limit", &rc))
        return rc;
    if (hf_teststat_parse(o->tsname, m, &o->ts) < 0 || o->ts == HF_TEST_Q0)
        return hf_cli_error("--test-stat: expected qtilde or q, got '%s'", o->tsname);
    if (!(o->cl > 0.0 && o->cl < 1.0))
        return hf_cli_error("--cl: expected a level between 0 and 1, got %g", o->cl);
    if (o->range != NULL && (rc = hf_cli_parse_range(o->range, &lo->lo, &lo->hi)) != 0)
        return rc;
    if (o->grid < 0 || o->grid == 1)
        return hf_cli_error("--grid: expected at least 2 points, got %d", o->grid);
    const hf_param *poi = &m->par[m->poi];
    if (o->range != NULL && (lo->lo < poi->lo || lo->hi > poi->hi))
        return hf_cli_error("--range %s leaves the bounds [%g, %g] of '%s'", o->range, poi->lo,
                            poi->hi, poi->name);
    lo->cl = o->cl;
    lo->rtol = o->rtol;
    lo->grid = (size_t)o->grid;
    return 0;
}

/* A limit outside the range is a computation that did not succeed (exit 1): *why says which,
 * why, and which way to move the range (NULL when every limit is inside). Returns the exit
 * code. */
static int
outside_range_note(const hf_limit_result *res, char **why)
{
    int nmissing = 0, lowest = 0, highest = 0;
    *why = NULL;
    for (int t = 0; t < 6; t++) {
        double v = t == 0 ? res->obs : res->exp[t - 1];
        if (isnan(v)) {
            nmissing++;
            lowest |= res->why[t] == 1;
            highest |= res->why[t] != 1;
        }
    }
    if (nmissing == 0)
        return 0;
    const char *hint = lowest && highest ? "widen --range on both sides"
                       : lowest          ? "lower the start of --range"
                                         : "raise the end of --range (or the POI's upper bound)";
    int len = snprintf(NULL, 0, WHY_FMT, nmissing, res->lo, res->hi, hint);
    *why = len > 0 ? malloc((size_t)len + 1) : NULL;
    if (*why == NULL)
        return hf_cli_nomem();
    (void)snprintf(*why, (size_t)len + 1, WHY_FMT, nmissing, res->lo, res->hi, hint);
    return 0;
}

/* The limits as JSON (stdout or -o), with the hypothesis tests for --grid or -v. Returns the
 * exit code. */
static int
emit_json(const hf_cli *cli, const limit_opts *o, const hf_limit_result *res, const char *why)
{
    const hf_param *poi = &cli->model->par[cli->model->poi];
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL)
        return hf_cli_nomem();
    cJSON_AddStringToObject(doc, "poi", poi->name);
    cJSON_AddStringToObject(doc, "test_stat", hf_teststat_name(o->ts));
    cJSON_AddNumberToObject(doc, "cl", res->cl);
    hf_cli_json_masks(doc, cli);
    if (hf_cli_blinding(cli))
        hf_cli_json_blinded(doc, "obs");
    else
        cJSON_AddNumberToObject(doc, "obs", res->obs);
    cJSON_AddItemToObject(doc, "exp", cJSON_CreateDoubleArray(res->exp, 5));
    double r2[2] = {res->lo, res->hi};
    cJSON_AddItemToObject(doc, "range", cJSON_CreateDoubleArray(r2, 2));
    cJSON_AddStringToObject(doc, "method", o->grid > 1 ? "grid" : "brent");
    cJSON_AddNumberToObject(doc, "hypotests", (double)res->npoints);
    if (why != NULL) {
        cJSON_AddStringToObject(doc, "error", why);
        cJSON *miss = cJSON_AddObjectToObject(doc, "outside_range");
        for (int t = 0; miss != NULL && t < 6; t++)
            if (isnan(t == 0 ? res->obs : res->exp[t - 1]))
                cJSON_AddStringToObject(miss, LIMIT_KEY[t], why_text(res->why[t]));
    }
    if (o->grid > 1 || cli->verbose) {
        cJSON *pts = cJSON_AddArrayToObject(doc, "points");
        for (size_t i = 0; pts != NULL && i < res->npoints; i++) {
            cJSON *p = cJSON_CreateObject();
            cJSON_AddItemToArray(pts, p);
            cJSON_AddNumberToObject(p, "poi_value", res->points[i].mu);
            if (hf_cli_blinding(cli))
                cJSON_AddNullToObject(p, "cls_obs");
            else
                cJSON_AddNumberToObject(p, "cls_obs", res->points[i].cls_obs);
            cJSON_AddItemToObject(p, "cls_exp", cJSON_CreateDoubleArray(res->points[i].cls_exp, 5));
        }
    }
    return hf_cli_json_emit(doc, cli->output);
}

/* The limits as text on stdout. */
static void
print_text(const hf_cli *cli, const limit_opts *o, const hf_limit_result *res)
{
    const hf_param *poi = &cli->model->par[cli->model->poi];
    printf("%g%% CL upper limits on %s (CLs, %s, %s; %zu hypothesis tests)\n", 100 * res->cl,
           poi->name, hf_teststat_name(o->ts), o->grid > 1 ? "grid" : "Brent", res->npoints);
    hf_cli_print_masks(stdout, cli);
    if (hf_cli_blinding(cli))
        printf("  %-9s blinded (expected: background-only fit to the unblinded bins)\n",
               LIMIT_NAME[0]);
    for (int t = hf_cli_blinding(cli); t < 6; t++)
        print_limit(LIMIT_NAME[t], t == 0 ? res->obs : res->exp[t - 1], res->why[t]);
}

int
cmd_limit(int argc, char **argv)
{
    hf_cli cli;
    limit_opts o = {.cl = 0.95};
    const hf_opt extra[] = {
        {"cl", 0, HF_OPT_DOUBLE, &o.cl, "confidence level (default 0.95)"},
        {"test-stat", 0, HF_OPT_STRING, &o.tsname,
         "qtilde or q (default: qtilde when the POI is bounded below at 0, else q)"},
        {"range", 0, HF_OPT_STRING, &o.range, "LO:HI search range (default: the POI bounds)"},
        {"grid", 0, HF_OPT_INT, &o.grid,
         "N: test N equidistant points over the range, then refine each crossing (Brent)"},
        {"rtol", 0, HF_OPT_DOUBLE, &o.rtol, "relative tolerance of the root finding (1e-5)"},
        {"fast", 0, HF_OPT_FLAG, &o.fast,
         "one start per conditional fit (the warm one): faster, may miss a second valley"},
        {NULL, 0, 0, NULL, NULL}};
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "limit [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    hf_error err = {0};
    hf_infer *inf = NULL;
    hf_limit_result res;
    memset(&res, 0, sizeof(res));
    hf_limit_options lo = {0};
    char *why = NULL;
    double *blind_main = NULL;
    hf_data data;
    if ((rc = check_options(&cli, &o, &lo)) != 0 ||
        (rc = hf_cli_blind_data(&cli, &data, &blind_main)) != 0)
        goto out;
    hf_infer_options io = {0};
    io.test_stat = o.ts;
    io.single_start = o.fast;
    io.data = &data;
    inf = hf_infer_new(cli.model, &io, &err);
    if (inf == NULL || hf_limit_compute(inf, &lo, &res, &err) < 0) {
        rc = report_failure(&cli, &err, res.lo, res.hi);
        goto out;
    }
    if (hf_cli_blinding(&cli))
        res.obs = 0; /* not shown: whether it was found in the range says nothing either */
    if ((rc = outside_range_note(&res, &why)) != 0)
        goto out;
    if (cli.json)
        rc = emit_json(&cli, &o, &res, why);
    else
        print_text(&cli, &o, &res);
    if (why != NULL) {
        (void)fflush(stdout);
        hf_error e = {0};
        (void)hf_error_set(&e, HF_EFIT, "", "%s", why);
        (void)hf_cli_report(cli.ws_path, &e);
        hf_error_release(&e);
        rc = rc != 0 ? rc : 1;
    }
out:
    free(blind_main);
    free(why);
    hf_limit_result_release(&res);
    hf_infer_free(inf);
    hf_error_release(&err);
    hf_cli_done(&cli);
    return rc;
}
