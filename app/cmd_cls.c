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

int
cmd_cls(int argc, char **argv)
{
    hf_cli cli;
    double mu = 1.0;
    bool fast = false;
    const char *tsname = NULL;
    int ntoys = 0;
    const hf_opt extra[] = {
        {"poi-value", 0, HF_OPT_DOUBLE, &mu, "POI value to test (default 1)"},
        {"test-stat", 0, HF_OPT_STRING, &tsname,
         "qtilde or q (default: qtilde when the POI is bounded below at 0, else q)"},
        {"toys", 0, HF_OPT_INT, &ntoys, "toys per hypothesis instead of asymptotic formulae"},
        {"fast", 0, HF_OPT_FLAG, &fast,
         "one start per conditional fit (the warm one): faster, may miss a second valley"},
        {NULL, 0, 0, NULL, NULL}};
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "cls [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    const hf_model *m = cli.model;
    hf_error err = {0};
    hf_teststat ts = HF_TEST_QTILDE;
    if (!hf_cli_need_poi(&cli, "cls", &rc))
        goto out;
    if (hf_teststat_parse(tsname, m, &ts) < 0 || ts == HF_TEST_Q0) {
        rc = hf_cli_usage_error("--test-stat: expected qtilde or q, got '%s'", tsname);
        goto out;
    }
    if (ntoys < 0) {
        rc = hf_cli_usage_error("--toys: expected a positive number, got %d", ntoys);
        goto out;
    }
    const hf_param *poi = &m->par[m->poi];
    if (mu < poi->lo || mu > poi->hi) {
        rc = hf_cli_usage_error("--poi-value %g is outside the bounds [%g, %g] of '%s'", mu,
                                poi->lo, poi->hi, poi->name);
        goto out;
    }
    /* Monte Carlo errors (toys only; NAN otherwise or where the toys cannot resolve CLs) */
    double cls_err = NAN, clsb_err = NAN, clb_err = NAN, cls_exp_err[5];
    double cls, clsb, clb, cls_exp[5], q_obs, qA = -1;
    for (int k = 0; k < 5; k++)
        cls_exp_err[k] = NAN;
    size_t nfailed = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (ntoys > 0) {
        hf_toys_options to = {0};
        to.ntoys = (size_t)ntoys;
        to.seed = cli.seed;
        to.threads = cli.jobs;
        to.test_stat = ts;
        if (isatty(2) && !cli.quiet)
            to.progress = progress;
        hf_toys_result tr;
        if (hf_toys_hypotest(m, NULL, mu, &to, &tr, &err) < 0) {
            rc = hf_cli_fail(&cli, &err);
            goto out;
        }
        cls = tr.cls;
        clsb = tr.clsb;
        clb = tr.clb;
        q_obs = tr.q_obs;
        nfailed = tr.nfailed;
        memcpy(cls_exp, tr.cls_exp, sizeof(cls_exp));
        memcpy(cls_exp_err, tr.cls_exp_err, sizeof(cls_exp_err));
        cls_err = tr.cls_err;
        clsb_err = tr.clsb_err;
        clb_err = tr.clb_err;
        hf_toys_result_release(&tr);
        if (nfailed > 0 && !cli.quiet)
            hf_cli_warn("%s: %zu of %d toys left out (their fits did not converge)", cli.ws_path,
                        nfailed, 2 * ntoys);
    } else {
        hf_infer_options io = {0};
        io.test_stat = ts;
        io.single_start = fast;
        hf_infer *inf = hf_infer_new(m, &io, &err);
        hf_hypotest h;
        if (inf == NULL || hf_infer_hypotest(inf, mu, true, &h, &err) < 0) {
            hf_infer_free(inf);
            rc = hf_cli_fail(&cli, &err);
            goto out;
        }
        hf_infer_free(inf);
        cls = h.cls;
        clsb = h.clsb;
        clb = h.clb;
        q_obs = h.q_obs;
        qA = h.qA;
        memcpy(cls_exp, h.cls_exp, sizeof(cls_exp));
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    const char *tsn = hf_teststat_name(ts);
    /* expected CLs the toys cannot resolve: no s+b toy at or above that b-toy quantile */
    int nunres = 0;
    char note[160], buf[5][48];
    for (int k = 0; k < 5; k++)
        nunres += ntoys > 0 && isnan(cls_exp[k]);
    (void)snprintf(note, sizeof(note),
                   "%d of the 5 expected CLs are below the toys' resolution (no s+b toy above "
                   "that quantile); they need more than %d toys",
                   nunres, ntoys);
    if (cli.json) {
        cJSON *doc = hf_cli_json_doc(&cli);
        if (doc == NULL) {
            rc = hf_cli_usage_error("out of memory");
            goto out;
        }
        cJSON_AddStringToObject(doc, "poi", poi->name);
        cJSON_AddNumberToObject(doc, "poi_value", mu);
        cJSON_AddStringToObject(doc, "test_stat", tsn);
        cJSON_AddStringToObject(doc, "calculator", ntoys > 0 ? "toys" : "asymptotic");
        cJSON_AddNumberToObject(doc, "cls_obs", cls);
        cJSON_AddItemToObject(doc, "cls_exp", cJSON_CreateDoubleArray(cls_exp, 5));
        cJSON_AddNumberToObject(doc, "clsb_obs", clsb);
        cJSON_AddNumberToObject(doc, "clb_obs", clb);
        cJSON_AddNumberToObject(doc, "q_obs", q_obs);
        if (ntoys > 0) {
            cJSON_AddNumberToObject(doc, "cls_obs_err", cls_err);
            cJSON_AddNumberToObject(doc, "clsb_obs_err", clsb_err);
            cJSON_AddNumberToObject(doc, "clb_obs_err", clb_err);
            cJSON_AddItemToObject(doc, "cls_exp_err", cJSON_CreateDoubleArray(cls_exp_err, 5));
            if (nunres > 0)
                cJSON_AddStringToObject(doc, "note", note);
            cJSON_AddNumberToObject(doc, "toys", ntoys);
            cJSON_AddNumberToObject(doc, "toys_failed", (double)nfailed);
            cJSON_AddNumberToObject(doc, "seed", (double)cli.seed);
        } else {
            cJSON_AddNumberToObject(doc, "q_asimov", qA);
        }
        if (cli.verbose) /* wall time of the test alone (no loading), for benchmarks */
            cJSON_AddNumberToObject(doc, "seconds", secs);
        rc = hf_cli_json_emit(doc, cli.output);
    } else {
        printf("CLs test of %s = %g (%s, %s)\n", poi->name, mu, tsn,
               ntoys > 0 ? "toys" : "asymptotic");
        if (ntoys > 0) {
            printf("  observed  CLs = %s   CLs+b = %.4g +- %.2g   CLb = %.4g +- %.2g\n",
                   fmt_err(buf[0], sizeof(buf[0]), cls, cls_err), clsb, clsb_err, clb, clb_err);
            printf("  expected  CLs:");
            for (int k = 0; k < 5; k++)
                printf("  %s %s", BAND_LABEL[k],
                       isnan(cls_exp[k])
                           ? "n/a"
                           : fmt_err(buf[k], sizeof(buf[k]), cls_exp[k], cls_exp_err[k]));
            printf("\n");
            if (nunres > 0)
                printf("  note: %s\n", note);
        } else {
            printf("  observed  CLs = %.6g   CLs+b = %.6g   CLb = %.6g\n", cls, clsb, clb);
            printf("  expected  CLs:  -2s %.4g  -1s %.4g  median %.4g  +1s %.4g  +2s %.4g\n",
                   cls_exp[0], cls_exp[1], cls_exp[2], cls_exp[3], cls_exp[4]);
        }
        printf("  %s = %g is %s at 95%% CL (CLs %s 0.05)\n", poi->name, mu,
               cls < 0.05 ? "excluded" : "not excluded", cls < 0.05 ? "<" : ">=");
        if (cli.verbose)
            printf("  %.2f ms\n", 1e3 * secs);
    }
out:
    hf_error_release(&err);
    hf_cli_release(&cli);
    return rc;
}
