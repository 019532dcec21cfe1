/* app/cmd_gof.c - `hfscope gof`: saturated-model goodness of fit with per-channel and per-bin
 * contributions, and the channel-compatibility test (one POI per channel vs a common POI). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/cli.h"
#include "core/diag/gof.h"
#include "core/model/fit.h"

int cmd_gof(int argc, char **argv);

static cJSON *
num(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

/* Channel c's per-bin contributions, null where a bin is not in the fit (masked, blinded). */
static cJSON *
bin_array(const hf_model *m, const hf_gof *g, size_t c)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t b = m->chan_off[c]; a != NULL && b < m->chan_off[c] + m->chan_nbins[c]; b++)
        cJSON_AddItemToArray(a, m->mask != NULL && m->mask[b] ? cJSON_CreateNull()
                                                              : cJSON_CreateNumber(g->bin_diff[b]));
    return a;
}

static int
emit_json(hf_cli *cli, const hf_model *m, const hf_fit_result *fit, const hf_gof *g,
          const hf_gof_compat *cc, bool bins)
{
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL)
        return hf_cli_report(cli->ws_path, &(hf_error){.code = HF_ENOMEM});
    hf_cli_json_masks(doc, cli);
    cJSON *f = cJSON_AddObjectToObject(doc, "fit");
    cJSON_AddBoolToObject(f, "converged", fit->converged);
    cJSON_AddNumberToObject(f, "twice_nll", fit->twice_nll);
    cJSON *s = cJSON_AddObjectToObject(doc, "saturated");
    cJSON_AddNumberToObject(s, "twice_nll_diff", g->twice_nll_diff);
    cJSON_AddNumberToObject(s, "ndof", (double)g->ndof);
    cJSON_AddItemToObject(s, "p_value", num(g->p_value));
    cJSON_AddNumberToObject(s, "aux_twice_nll_diff", g->aux_diff);
    cJSON *chans = cJSON_AddArrayToObject(doc, "channels");
    for (size_t c = 0; c < m->nchan; c++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(chans, o);
        cJSON_AddStringToObject(o, "name", m->chan[c]->name);
        cJSON_AddNumberToObject(o, "twice_nll_diff", g->chan_diff[c]);
        cJSON_AddNumberToObject(o, "nbins", (double)m->chan_nbins[c]);
        if (bins)
            cJSON_AddItemToObject(o, "bins", bin_array(m, g, c));
    }
    if (cc != NULL) {
        cJSON *o = cJSON_AddObjectToObject(doc, "compatibility");
        cJSON_AddStringToObject(o, "poi", cc->poi);
        cJSON_AddNumberToObject(o, "twice_nll_common", cc->twice_nll_common);
        cJSON_AddNumberToObject(o, "twice_nll_split", cc->twice_nll_split);
        cJSON_AddNumberToObject(o, "twice_nll_diff", cc->twice_nll_diff);
        cJSON_AddNumberToObject(o, "ndof", (double)cc->ndof);
        cJSON_AddItemToObject(o, "p_value", num(cc->p_value));
        cJSON_AddBoolToObject(o, "converged", cc->converged);
        cJSON *a = cJSON_AddArrayToObject(o, "channels");
        for (size_t i = 0; i < cc->n; i++) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddItemToArray(a, c);
            cJSON_AddStringToObject(c, "name", cc->ch[i].channel);
            cJSON_AddStringToObject(c, "parameter", cc->ch[i].name);
            cJSON_AddItemToObject(c, "value", num(cc->ch[i].value));
            cJSON_AddItemToObject(c, "error", num(cc->ch[i].error));
        }
    }
    return hf_cli_json_emit(doc, cli->output);
}

static void
print_text(const hf_cli *cli, const hf_gof *g, const hf_gof_compat *cc, bool bins)
{
    const hf_model *m = cli->model;
    hf_cli_print_masks(stdout, cli);
    printf("saturated model: 2 dNLL = %.4f, ndof = %zu, p-value = %.4g\n", g->twice_nll_diff,
           g->ndof, g->p_value);
    printf("\n%-32s %6s %12s %10s\n", "channel", "bins", "2 dNLL", "per bin");
    for (size_t c = 0; c < m->nchan; c++) {
        printf("%-32s %6zu %12.4f %10.3f\n", m->chan[c]->name, m->chan_nbins[c], g->chan_diff[c],
               g->chan_diff[c] / (double)(m->chan_nbins[c] ? m->chan_nbins[c] : 1));
        for (size_t b = 0; bins && b < m->chan_nbins[c]; b++) {
            size_t k = m->chan_off[c] + b;
            if (cli->blinded != NULL && cli->blinded[k])
                printf("    bin %-3zu  blinded\n", b);
            else if (m->mask != NULL && m->mask[k])
                printf("    bin %-3zu  n = %-10g not in fit\n", b, m->obs[k]);
            else
                printf("    bin %-3zu  n = %-10g 2 dNLL = %.4f\n", b, m->obs[k], g->bin_diff[k]);
        }
    }
    printf("%-32s %6s %12.4f\n", "(constraint terms)", "", g->aux_diff);
    if (cc != NULL) {
        printf("\nchannel compatibility (%s per channel vs common): 2 dNLL = %.4f, ndof = %zu, "
               "p-value = %.4g%s\n",
               cc->poi, cc->twice_nll_diff, cc->ndof, cc->p_value,
               cc->converged ? "" : " (split fit NOT converged)");
        for (size_t i = 0; i < cc->n; i++)
            printf("  %-32s %s = %.4f +- %.4f\n", cc->ch[i].channel, cc->ch[i].name,
                   cc->ch[i].value, cc->ch[i].error);
    }
}

int
cmd_gof(int argc, char **argv)
{
    hf_cli cli = {0};
    bool bins = false, no_compat = false;
    const hf_opt extra[] = {
        {"bins", 0, HF_OPT_FLAG, &bins, "also give each bin's contribution"},
        {"no-compat", 0, HF_OPT_FLAG, &no_compat, "skip the channel-compatibility test"},
        {NULL, 0, 0, NULL, NULL}};
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "gof [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    const hf_model *m = cli.model;
    hf_data d = hf_model_data(m);
    hf_fit_result fit = {0};
    hf_error err = {0};
    hf_gof g = {0};
    hf_gof_compat cc = {0};
    bool have_cc = false;
    if (hf_fit(m, &d, NULL, &fit, &err) < 0) {
        rc = hf_cli_report(cli.ws_path, &err);
    } else {
        if (!fit.converged && !cli.quiet)
            hf_cli_warn("%s: the fit did not converge (%s)", cli.ws_path,
                        fit.message ? fit.message : "unknown reason");
        if (hf_gof_saturated(m, &d, &fit, &g, &err) < 0) {
            rc = hf_cli_report(cli.ws_path, &err);
        } else {
            if (!no_compat && m->poi >= 0 && m->mask != NULL && !cli.quiet)
                hf_cli_warn("%s: channel compatibility left out with --mask, --fit-regions or "
                            "blinding",
                            cli.ws_path);
            if (!no_compat && m->poi >= 0 && m->mask == NULL) {
                if (hf_gof_compatibility(cli.ws, &cli.mopt, m, &fit, &cc, &err) == 0) {
                    have_cc = true;
                } else {
                    if (!cli.quiet)
                        hf_cli_warn("%s: channel compatibility skipped: %s", cli.ws_path,
                                    hf_error_msg(&err));
                    hf_error_release(&err);
                }
            }
            if (cli.json)
                rc = emit_json(&cli, m, &fit, &g, have_cc ? &cc : NULL, bins);
            else
                print_text(&cli, &g, have_cc ? &cc : NULL, bins);
            if (rc == 0 && !fit.converged)
                rc = 1;
        }
        hf_fit_result_release(&fit);
    }
    hf_gof_compat_release(&cc);
    hf_gof_release(&g);
    hf_error_release(&err);
    hf_cli_done(&cli);
    return rc;
}
