/* app/cmd_fit.c - `hfscope fit WS`: maximum-likelihood fit with values, errors, pulls,
 * constraints and (with --corr) the correlation matrix. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/cli.h"
#include "core/infer/minos.h"
#include "core/model/fit.h"

int cmd_fit(int argc, char **argv);

/* --minos: the intervals of the selected parameters (npar entries, NULL when not asked). */
typedef struct minos_set {
    hf_minos_result *res; /* npar */
    bool *sel;            /* npar */
} minos_set;

/* A signed offset, or null where it was not found. */
static cJSON *
minos_num(const hf_minos_side *s)
{
    return s->valid && isfinite(s->offset) ? cJSON_CreateNumber(s->offset) : cJSON_CreateNull();
}

static void
minos_json(cJSON *o, const minos_set *ms, size_t j)
{
    cJSON *mo = cJSON_AddObjectToObject(o, "minos");
    if (!ms->sel[j]) {
        cJSON_AddNullToObject(mo, "lower");
        cJSON_AddNullToObject(mo, "upper");
        return;
    }
    cJSON_AddItemToObject(mo, "lower", minos_num(&ms->res[j].lower));
    cJSON_AddItemToObject(mo, "upper", minos_num(&ms->res[j].upper));
    cJSON_AddBoolToObject(mo, "at_lower_limit", ms->res[j].lower.at_limit);
    cJSON_AddBoolToObject(mo, "at_upper_limit", ms->res[j].upper.at_limit);
}

/* Run MINOS on the parameters named by spec. 0, or an exit code after the error was printed. */
static int
run_minos(const hf_cli *cli, const hf_data *d, const hf_fit_result *r, const char *spec,
          minos_set *ms)
{
    const hf_model *m = cli->model;
    hf_error err = {0};
    int rc = 0;
    ms->res = calloc(m->npar + 1, sizeof(*ms->res));
    ms->sel = calloc(m->npar + 1, sizeof(bool));
    if (ms->res == NULL || ms->sel == NULL)
        hf_error_nomem(&err);
    else if (hf_minos_select(m, spec, r->fixed, ms->sel, &err) == 0)
        for (size_t j = 0; j < m->npar && err.code == HF_OK; j++)
            if (ms->sel[j])
                (void)hf_minos(m, d, r, j, NULL, &ms->res[j], &err);
    if (err.code == HF_EUSAGE)
        rc = hf_cli_error("--minos: %s", hf_error_msg(&err));
    else if (err.code != HF_OK)
        rc = hf_cli_report(cli->ws_path, &err);
    hf_error_release(&err);
    return rc;
}

/* The POI when blinding: neither value, error nor interval; what is not data stays. */
static void
blinded_par_json(cJSON *o, const hf_model *m, const hf_fit_result *r, size_t j)
{
    const hf_param *p = &m->par[j];
    double b[2] = {p->lo, p->hi};
    hf_cli_json_blinded(o, "value");
    cJSON_AddNullToObject(o, "error");
    cJSON_AddNumberToObject(o, "init", m->init[j]);
    cJSON_AddItemToObject(o, "bounds", cJSON_CreateDoubleArray(b, 2));
    cJSON_AddBoolToObject(o, "fixed", r->fixed[j]);
    cJSON_AddBoolToObject(o, "constrained", false);
    cJSON_AddNullToObject(o, "prefit_error");
}

static cJSON *
fit_json(const hf_cli *cli, const hf_fit_result *r, bool corr, const minos_set *ms)
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
    hf_cli_json_fit_stages(doc, r);
    hf_cli_json_flat(doc, m, r);
    hf_cli_json_masks(doc, cli);
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
        if (hf_cli_par_blinded(cli, j)) {
            blinded_par_json(o, m, r, j);
            continue;
        }
        cJSON_AddNumberToObject(o, "value", r->x[j]);
        if (r->converged)
            cJSON_AddNumberToObject(o, "error", r->err[j]);
        else
            cJSON_AddNullToObject(o, "error"); /* no minimum: no uncertainty either */
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
            if (r->converged)
                cJSON_AddNumberToObject(o, "constraint", r->err[j] / width);
            else
                cJSON_AddNullToObject(o, "constraint");
        } else {
            cJSON_AddNullToObject(o, "prefit_error");
        }
        if (ms->sel != NULL)
            minos_json(o, ms, j);
    }
    if (corr && !r->converged) {
        cJSON_AddNullToObject(doc, "correlation");
    } else if (corr) {
        double *c = hf_fit_correlation(r);
        cJSON *rows = cJSON_AddArrayToObject(doc, "correlation");
        for (size_t i = 0; c != NULL && i < m->npar; i++)
            cJSON_AddItemToArray(rows, cJSON_CreateDoubleArray(c + i * m->npar, (int)m->npar));
        free(c);
    }
    return doc;
}

static void
minos_text(const hf_minos_side *s)
{
    if (s->valid)
        printf("%+.4g%s", s->offset, s->at_limit ? " (at bound)" : "");
    else
        printf("(not found)");
}

static void
fit_text(const hf_cli *cli, const hf_fit_result *r, bool corr, const minos_set *ms)
{
    const hf_model *m = cli->model;
    printf("fit %s: %s (status %d, %d iterations, EDM %.2e, max |gradient| %.2e, stage %s)\n",
           r->converged ? "converged" : "FAILED", r->message, r->status, r->iter, r->edm,
           r->gradnorm, hf_fit_stage_name(r->stage));
    if (!r->converged)
        printf("the values below are the best point reached (stage reached: %s); errors are not "
               "available\n",
               hf_fit_stage_name(r->reached));
    hf_cli_print_flat(stdout, m, r);
    hf_cli_print_masks(stdout, cli);
    printf(fabs(r->twice_nll) < 1e12 ? "twice_nll = %.6f\n\n" : "twice_nll = %.6e\n\n",
           r->twice_nll);
    printf("%-48s %12s %10s %8s %8s\n", "parameter", "value", "error", "pull", "constr");
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        double centre, width;
        bool con = hf_param_prior(p, &centre, &width);
        char pull[32] = "", cst[32] = "", e[32] = "n/a";
        if (con && !r->fixed[j]) {
            snprintf(pull, sizeof(pull), "%+.3f", (r->x[j] - centre) / width);
            snprintf(cst, sizeof(cst), r->converged ? "%.3f" : "n/a", r->err[j] / width);
        }
        if (r->converged)
            snprintf(e, sizeof(e), "%.4g", r->err[j]);
        if (hf_cli_par_blinded(cli, j)) {
            printf("%-48.48s %12s %10s %8s %8s%s  POI\n", p->name, "blinded", "blinded", "", "",
                   r->fixed[j] ? "  fixed" : "");
            continue;
        }
        printf("%-48.48s %12.6g %10s %8s %8s%s%s", p->name, r->x[j], e, pull, cst,
               r->fixed[j] ? "  fixed" : "", (int)j == m->poi ? "  POI" : "");
        if (ms->sel != NULL && ms->sel[j]) {
            const hf_minos_result *mr = &ms->res[j];
            printf("  MINOS ");
            minos_text(&mr->lower);
            printf(" / ");
            minos_text(&mr->upper);
        }
        printf("\n");
    }
    if (corr && r->converged) {
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
    const char *minos = NULL;
    minos_set ms = {0};
    const hf_opt extra[] = {
        {"minos", 0, HF_OPT_STRING, &minos,
         "profile-likelihood intervals of NAME[,NAME...] or all (others refitted)"},
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
            hf_cli_done(&cli);
            return hf_cli_error("--poi-value: the model has no POI (use --poi NAME)");
        }
        const hf_param *p = &m->par[m->poi];
        if (!isfinite(poi_value) || poi_value < p->lo || poi_value > p->hi) {
            int rc2 = hf_cli_error("--poi-value: %g is outside the bounds of '%s' [%g, %g]",
                                   poi_value, p->name, p->lo, p->hi);
            hf_cli_done(&cli);
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
        hf_cli_done(&cli);
        return rc;
    }
    if (minos != NULL)
        rc = run_minos(&cli, &d, &r, minos, &ms);
    if (rc == 0 && cli.json)
        rc = hf_cli_json_emit(fit_json(&cli, &r, corr, &ms), cli.output);
    else if (rc == 0)
        fit_text(&cli, &r, corr, &ms);
    if (rc == 0 && !r.converged)
        rc = 1;
    free(ms.res);
    free(ms.sel);
    hf_fit_result_release(&r);
    hf_cli_done(&cli);
    return rc;
}
