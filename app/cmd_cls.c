/* app/cmd_cls.c - `hfscope cls`: one CLs hypothesis test at a POI value, asymptotic or with toys.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/cli.h"
#include "core/infer/infer.h"
#include "core/infer/toys.h"

int cmd_cls(int argc, char **argv);

static const char *const BAND_LABEL[5] = {"-2s", "-1s", "median", "+1s", "+2s"};

/* "v +- e" (or "v" when e is NAN, e.g. CLs = 0 with no s+b toy above) into buf. */
static const char *
fmt_err(char *buf, size_t n, double v, double e)
{
    if (isnan(e))
        (void)snprintf(buf, n, "%.4g", v);
    else
        (void)snprintf(buf, n, "%.4g +- %.2g", v, e);
    return buf;
}

static void
progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    if (done == total || done % (total / 100 + 1) == 0)
        (void)fprintf(stderr, "\rtoys: %zu/%zu (%3.0f%%)%s", done, total,
                      100.0 * (double)done / (double)total, done == total ? "\n" : "");
}

/* The command's options. */
typedef struct cls_opts {
    double mu;          /* --poi-value */
    bool fast;          /* --fast */
    const char *tsname; /* --test-stat */
    hf_teststat ts;     /* from it */
    int ntoys;          /* --toys; 0: asymptotic */
    hf_data data;       /* the data tested (blinding: hf_cli_blind_data) */
    bool blind;         /* observed results print as "blinded" */
} cls_opts;

/* One test's outcome; the Monte Carlo errors are NAN for the asymptotic formulae or where the
 * toys cannot resolve CLs. */
typedef struct cls_result {
    double cls, clsb, clb, cls_exp[5], q_obs, qA;
    double cls_err, clsb_err, clb_err, cls_exp_err[5];
    size_t nfailed; /* toys left out */
    double secs;    /* wall time of the test alone */
    int nunres;     /* expected CLs below the toys' resolution */
    char note[160]; /* saying so */
} cls_result;

/* The test with toys into *res. Returns the exit code. */
static int
run_toys(hf_cli *cli, const cls_opts *o, cls_result *res, hf_error *err)
{
    hf_toys_options to = {0};
    to.ntoys = (size_t)o->ntoys;
    to.seed = cli->seed;
    to.threads = cli->jobs;
    to.test_stat = o->ts;
    if (isatty(2) && !cli->quiet)
        to.progress = progress;
    hf_toys_result tr;
    if (hf_toys_hypotest(cli->model, &o->data, o->mu, &to, &tr, err) < 0)
        return hf_cli_fail(cli, err);
    res->cls = tr.cls;
    res->clsb = tr.clsb;
    res->clb = tr.clb;
    res->q_obs = tr.q_obs;
    res->nfailed = tr.nfailed;
    memcpy(res->cls_exp, tr.cls_exp, sizeof(res->cls_exp));
    memcpy(res->cls_exp_err, tr.cls_exp_err, sizeof(res->cls_exp_err));
    res->cls_err = tr.cls_err;
    res->clsb_err = tr.clsb_err;
    res->clb_err = tr.clb_err;
    hf_toys_result_release(&tr);
    if (res->nfailed > 0 && !cli->quiet)
        hf_cli_warn("%s: %zu of %d toys left out (their fits did not converge)", cli->ws_path,
                    res->nfailed, 2 * o->ntoys);
    return 0;
}

/* The test with the asymptotic formulae into *res. Returns the exit code. */
static int
run_asymptotic(hf_cli *cli, const cls_opts *o, cls_result *res, hf_error *err)
{
    hf_infer_options io = {0};
    io.test_stat = o->ts;
    io.single_start = o->fast;
    io.data = &o->data;
    hf_infer *inf = hf_infer_new(cli->model, &io, err);
    hf_hypotest h;
    if (inf == NULL || hf_infer_hypotest(inf, o->mu, true, &h, err) < 0) {
        hf_infer_free(inf);
        return hf_cli_fail(cli, err);
    }
    hf_infer_free(inf);
    res->cls = h.cls;
    res->clsb = h.clsb;
    res->clb = h.clb;
    res->q_obs = h.q_obs;
    res->qA = h.qA;
    memcpy(res->cls_exp, h.cls_exp, sizeof(res->cls_exp));
    return 0;
}

/* The test, timed, with the note on unresolved expected CLs. Returns the exit code. */
static int
run_test(hf_cli *cli, const cls_opts *o, cls_result *res, hf_error *err)
{
    res->cls_err = res->clsb_err = res->clb_err = NAN;
    for (int k = 0; k < 5; k++)
        res->cls_exp_err[k] = NAN;
    res->qA = -1;
    res->nfailed = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = o->ntoys > 0 ? run_toys(cli, o, res, err) : run_asymptotic(cli, o, res, err);
    if (rc != 0)
        return rc;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    res->secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    /* expected CLs the toys cannot resolve: no s+b toy at or above that b-toy quantile */
    res->nunres = 0;
    for (int k = 0; k < 5; k++)
        res->nunres += o->ntoys > 0 && isnan(res->cls_exp[k]);
    (void)snprintf(res->note, sizeof(res->note),
                   "%d of the 5 expected CLs are below the toys' resolution (no s+b toy above "
                   "that quantile); they need more than %d toys",
                   res->nunres, o->ntoys);
    return 0;
}

/* The result as JSON (stdout or -o). Returns the exit code. */
static int
emit_json(const hf_cli *cli, const cls_opts *o, const cls_result *res)
{
    const hf_param *poi = &cli->model->par[cli->model->poi];
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL)
        return hf_cli_nomem();
    cJSON_AddStringToObject(doc, "poi", poi->name);
    cJSON_AddNumberToObject(doc, "poi_value", o->mu);
    cJSON_AddStringToObject(doc, "test_stat", hf_teststat_name(o->ts));
    cJSON_AddStringToObject(doc, "calculator", o->ntoys > 0 ? "toys" : "asymptotic");
    const char *obs[] = {"cls_obs", "clsb_obs", "clb_obs", "q_obs"};
    const char *obs_err[] = {"cls_obs_err", "clsb_obs_err", "clb_obs_err"};
    double v[] = {res->cls, res->clsb, res->clb, res->q_obs};
    double v_err[] = {res->cls_err, res->clsb_err, res->clb_err};
    hf_cli_json_masks(doc, cli);
    for (int k = 0; k < 4; k++)
        if (o->blind)
            hf_cli_json_blinded(doc, obs[k]);
        else
            cJSON_AddNumberToObject(doc, obs[k], v[k]);
    cJSON_AddItemToObject(doc, "cls_exp", cJSON_CreateDoubleArray(res->cls_exp, 5));
    if (o->ntoys > 0) {
        for (int k = 0; k < 3; k++)
            if (o->blind)
                cJSON_AddNullToObject(doc, obs_err[k]);
            else
                cJSON_AddNumberToObject(doc, obs_err[k], v_err[k]);
        cJSON_AddItemToObject(doc, "cls_exp_err", cJSON_CreateDoubleArray(res->cls_exp_err, 5));
        if (res->nunres > 0)
            cJSON_AddStringToObject(doc, "note", res->note);
        cJSON_AddNumberToObject(doc, "toys", o->ntoys);
        cJSON_AddNumberToObject(doc, "toys_failed", (double)res->nfailed);
        cJSON_AddNumberToObject(doc, "seed", (double)cli->seed);
    } else {
        cJSON_AddNumberToObject(doc, "q_asimov", res->qA);
    }
    if (cli->verbose) /* wall time of the test alone (no loading), for benchmarks */
        cJSON_AddNumberToObject(doc, "seconds", res->secs);
    return hf_cli_json_emit(doc, cli->output);
}

/* The result as text on stdout. */
static void
print_text(const hf_cli *cli, const cls_opts *o, const cls_result *res)
{
    const hf_param *poi = &cli->model->par[cli->model->poi];
    char buf[5][48];
    printf("CLs test of %s = %g (%s, %s)\n", poi->name, o->mu, hf_teststat_name(o->ts),
           o->ntoys > 0 ? "toys" : "asymptotic");
    hf_cli_print_masks(stdout, cli);
    if (o->blind)
        printf("  observed  blinded (expected: background-only fit to the unblinded bins)\n");
    if (o->ntoys > 0 && !o->blind)
        printf("  observed  CLs = %s   CLs+b = %.4g +- %.2g   CLb = %.4g +- %.2g\n",
               fmt_err(buf[0], sizeof(buf[0]), res->cls, res->cls_err), res->clsb, res->clsb_err,
               res->clb, res->clb_err);
    if (o->ntoys > 0) {
        printf("  expected  CLs:");
        for (int k = 0; k < 5; k++)
            printf("  %s %s", BAND_LABEL[k],
                   isnan(res->cls_exp[k])
                       ? "n/a"
                       : fmt_err(buf[k], sizeof(buf[k]), res->cls_exp[k], res->cls_exp_err[k]));
        printf("\n");
        if (res->nunres > 0)
            printf("  note: %s\n", res->note);
    } else {
        if (!o->blind)
            printf("  observed  CLs = %.6g   CLs+b = %.6g   CLb = %.6g\n", res->cls, res->clsb,
                   res->clb);
        printf("  expected  CLs:  -2s %.4g  -1s %.4g  median %.4g  +1s %.4g  +2s %.4g\n",
               res->cls_exp[0], res->cls_exp[1], res->cls_exp[2], res->cls_exp[3], res->cls_exp[4]);
    }
    if (!o->blind)
        printf("  %s = %g is %s at 95%% CL (CLs %s 0.05)\n", poi->name, o->mu,
               res->cls < 0.05 ? "excluded" : "not excluded", res->cls < 0.05 ? "<" : ">=");
    if (cli->verbose)
        printf("  %.2f ms\n", 1e3 * res->secs);
}

/* The POI, --test-stat, --toys and --poi-value checked against the model. Returns the exit
 * code. */
static int
check_options(hf_cli *cli, cls_opts *o)
{
    int rc;
    const hf_model *m = cli->model;
    if (!hf_cli_need_poi(cli, "cls", &rc))
        return rc;
    if (hf_teststat_parse(o->tsname, m, &o->ts) < 0 || o->ts == HF_TEST_Q0)
        return hf_cli_error("--test-stat: expected qtilde or q, got '%s'", o->tsname);
    if (o->ntoys < 0)
        return hf_cli_error("--toys: expected a positive number, got %d", o->ntoys);
    const hf_param *poi = &m->par[m->poi];
    if (o->mu < poi->lo || o->mu > poi->hi)
        return hf_cli_error("--poi-value %g is outside the bounds [%g, %g] of '%s'", o->mu, poi->lo,
                            poi->hi, poi->name);
    return 0;
}

int
cmd_cls(int argc, char **argv)
{
    hf_cli cli;
    cls_opts o = {.mu = 1.0, .ts = HF_TEST_QTILDE};
    const hf_opt extra[] = {
        {"poi-value", 0, HF_OPT_DOUBLE, &o.mu, "POI value to test (default 1)"},
        {"test-stat", 0, HF_OPT_STRING, &o.tsname,
         "qtilde or q (default: qtilde when the POI is bounded below at 0, else q)"},
        {"toys", 0, HF_OPT_INT, &o.ntoys, "toys per hypothesis instead of asymptotic formulae"},
        {"fast", 0, HF_OPT_FLAG, &o.fast,
         "one start per conditional fit (the warm one): faster, may miss a second valley"},
        {NULL, 0, 0, NULL, NULL}};
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "cls [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    hf_error err = {0};
    cls_result res;
    double *blind_main = NULL;
    o.blind = hf_cli_blinding(&cli);
    if ((rc = check_options(&cli, &o)) == 0 &&
        (rc = hf_cli_blind_data(&cli, &o.data, &blind_main)) == 0 &&
        (rc = run_test(&cli, &o, &res, &err)) == 0) {
        if (cli.json)
            rc = emit_json(&cli, &o, &res);
        else
            print_text(&cli, &o, &res);
    }
    free(blind_main);
    hf_error_release(&err);
    hf_cli_done(&cli);
    return rc;
}
