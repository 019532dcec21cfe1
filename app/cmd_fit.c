/* app/cmd_fit.c - `hfscope fit WS`: maximum-likelihood fit with values, errors, pulls,
 * constraints and (with --corr) the correlation matrix. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/cli.h"
#include "core/model/fit.h"

int cmd_fit(int argc, char **argv);

static cJSON *
fit_json(const hf_cli *cli, const hf_fit_result *r, bool corr)
{
    const hf_model *m = cli->model;
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL)
        return NULL;
    cJSON_AddBoolToObject(doc, "converged", r->converged);
    cJSON_AddNumberToObject(doc, "status", r->status);
    cJSON_AddStringToObject(doc, "message", r->message);
    cJSON_AddNumberToObject(doc, "twice_nll", r->twice_nll);
    cJSON_AddNumberToObject(doc, "edm", r->edm);
    cJSON_AddNumberToObject(doc, "gradient_max", r->gradnorm);
    cJSON_AddNumberToObject(doc, "iterations", r->iter);
    cJSON_AddNumberToObject(doc, "function_calls", r->nfev);
    if (m->poi >= 0)
        cJSON_AddStringToObject(doc, "poi", m->par[m->poi].name);
    else
        cJSON_AddNullToObject(doc, "poi");
    cJSON *pars = cJSON_AddArrayToObject(doc, "parameters");
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(pars, o);
        cJSON_AddStringToObject(o, "name", p->name);
        cJSON_AddNumberToObject(o, "value", r->x[j]);
        cJSON_AddNumberToObject(o, "error", r->err[j]);
        cJSON_AddNumberToObject(o, "init", m->init[j]);
        double b[2] = {p->lo, p->hi};
        cJSON_AddItemToObject(o, "bounds", cJSON_CreateDoubleArray(b, 2));
        cJSON_AddBoolToObject(o, "fixed", r->fixed[j]);
        double centre, width;
        bool con = hf_param_prior(p, &centre, &width);
        cJSON_AddBoolToObject(o, "constrained", con);
        if (con) {
            cJSON_AddNumberToObject(o, "prefit_error", width);
            cJSON_AddNumberToObject(o, "pull", (r->x[j] - centre) / width);
            cJSON_AddNumberToObject(o, "constraint", r->err[j] / width);
        } else {
            cJSON_AddNullToObject(o, "prefit_error");
        }
    }
    if (corr) {
        double *c = hf_fit_correlation(r);
        cJSON *rows = cJSON_AddArrayToObject(doc, "correlation");
        for (size_t i = 0; c != NULL && i < m->npar; i++)
            cJSON_AddItemToArray(rows, cJSON_CreateDoubleArray(c + i * m->npar, (int)m->npar));
        free(c);
    }
    return doc;
}

static void
fit_text(const hf_cli *cli, const hf_fit_result *r, bool corr)
{
    const hf_model *m = cli->model;
    printf("fit %s: %s (status %d, %d iterations, EDM %.2e, max |gradient| %.2e)\n",
           r->converged ? "converged" : "FAILED", r->message, r->status, r->iter, r->edm,
           r->gradnorm);
    printf(fabs(r->twice_nll) < 1e12 ? "twice_nll = %.6f\n\n" : "twice_nll = %.6e\n\n", r->twice_nll);
    printf("%-48s %12s %10s %8s %8s\n", "parameter", "value", "error", "pull", "constr");
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        double centre, width;
        bool con = hf_param_prior(p, &centre, &width);
        char pull[32] = "", cst[32] = "";
        if (con && !r->fixed[j]) {
            snprintf(pull, sizeof(pull), "%+.3f", (r->x[j] - centre) / width);
            snprintf(cst, sizeof(cst), "%.3f", r->err[j] / width);
        }
        printf("%-48.48s %12.6g %10.4g %8s %8s%s%s\n", p->name, r->x[j], r->err[j], pull, cst,
               r->fixed[j] ? "  fixed" : "", (int)j == m->poi ? "  POI" : "");
    }
    if (corr) {
        double *c = hf_fit_correlation(r);
        if (c == NULL)
            return;
        printf("\ncorrelations with |rho| >= 0.3:\n");
        for (size_t i = 0; i < m->npar; i++)
            for (size_t j = i + 1; j < m->npar; j++)
                if (fabs(c[i * m->npar + j]) >= 0.3)
                    printf("  %-40.40s %-40.40s %+.3f\n", m->par[i].name, m->par[j].name,
                           c[i * m->npar + j]);
        free(c);
    }
}

int
cmd_fit(int argc, char **argv)
{
    hf_cli cli;
    bool corr = false;
    double poi_value = NAN;
    const hf_opt extra[] = {
        {"corr", 0, HF_OPT_FLAG, &corr, "print/emit the correlation matrix"},
        {"poi-value", 0, HF_OPT_DOUBLE, &poi_value, "fix the POI to this value"},
        {NULL, 0, HF_OPT_FLAG, NULL, NULL},
    };
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "fit [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    hf_model *m = cli.model;
    if (!isnan(poi_value)) {
        if (m->poi < 0) {
            hf_cli_release(&cli);
            return hf_cli_usage_error("--poi-value: the model has no POI (use --poi NAME)");
        }
        const hf_param *p = &m->par[m->poi];
        if (!isfinite(poi_value) || poi_value < p->lo || poi_value > p->hi) {
            int rc2 = hf_cli_usage_error("--poi-value: %g is outside the bounds of '%s' [%g, %g]",
                                         poi_value, p->name, p->lo, p->hi);
            hf_cli_release(&cli);
            return rc2;
        }
        m->init[m->poi] = poi_value;
        m->fixed[m->poi] = true;
    }
    hf_data d = hf_model_data(m);
    hf_fit_result r;
    hf_error err = {0};
    if (hf_fit(m, &d, NULL, &r, &err) < 0) {
        rc = hf_cli_report(cli.ws_path, &err);
        hf_error_release(&err);
        hf_cli_release(&cli);
        return rc;
    }
    if (cli.json)
        rc = hf_cli_json_emit(fit_json(&cli, &r, corr), cli.output);
    else
        fit_text(&cli, &r, corr);
    if (rc == 0 && !r.converged)
        rc = 1;
    hf_fit_result_release(&r);
    hf_cli_release(&cli);
    return rc;
}
