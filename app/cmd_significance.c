/* app/cmd_significance.c - `hfscope significance`: discovery p-value and Z from q_0, observed and
 * median expected (POI = 1 Asimov data). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/infer/infer.h"

int cmd_significance(int argc, char **argv);

int
cmd_significance(int argc, char **argv)
{
    hf_cli cli;
    const hf_opt extra[] = {{NULL, 0, 0, NULL, NULL}};
    int rc;
    if (!hf_cli_open(&cli, argc, argv, extra, "significance [OPTIONS] WORKSPACE.json", &rc))
        return rc;
    const hf_model *m = cli.model;
    hf_error err = {0};
    hf_infer *inf = NULL;
    hf_discovery dz;
    hf_data data;
    double *blind_main = NULL;
    if (!hf_cli_need_poi(&cli, "significance", &rc))
        goto out;
    bool blind = hf_cli_blinding(&cli);
    hf_infer_options io = {0};
    if ((rc = hf_cli_blind_data(&cli, &data, &blind_main)) != 0)
        goto out;
    io.data = &data;
    inf = hf_infer_new(m, &io, &err);
    if (inf == NULL || hf_infer_discovery(inf, &dz, &err) < 0) {
        rc = hf_cli_fail(&cli, &err);
        goto out;
    }
    const char *poi = m->par[m->poi].name;
    if (cli.json) {
        cJSON *doc = hf_cli_json_doc(&cli);
        if (doc == NULL) {
            rc = hf_cli_nomem();
            goto out;
        }
        const char *obs[] = {"p0_obs", "z_obs", "q0_obs", "muhat"};
        double v[] = {dz.p0_obs, dz.z_obs, dz.q0_obs, dz.muhat};
        cJSON_AddStringToObject(doc, "poi", poi);
        hf_cli_json_masks(doc, &cli);
        for (int k = 0; k < 4; k++)
            if (blind)
                hf_cli_json_blinded(doc, obs[k]);
            else
                cJSON_AddNumberToObject(doc, obs[k], v[k]);
        cJSON_AddNumberToObject(doc, "p0_exp", dz.p0_exp);
        cJSON_AddNumberToObject(doc, "z_exp", dz.z_exp);
        cJSON_AddNumberToObject(doc, "q0_asimov", dz.q0A);
        rc = hf_cli_json_emit(doc, cli.output);
    } else {
        hf_cli_print_masks(stdout, &cli);
        if (blind) {
            printf("discovery test of %s = 0 (q0, asymptotic); best fit blinded\n", poi);
            printf("  observed  blinded (expected: background-only fit to the unblinded bins)\n");
        } else {
            printf("discovery test of %s = 0 (q0, asymptotic); best fit %s = %.4g\n", poi, poi,
                   dz.muhat);
            printf("  observed  p0 = %.4g   Z = %.3f sigma\n", dz.p0_obs, dz.z_obs);
        }
        printf("  expected  p0 = %.4g   Z = %.3f sigma  (median, %s = 1)\n", dz.p0_exp, dz.z_exp,
               poi);
    }
out:
    free(blind_main);
    hf_infer_free(inf);
    hf_error_release(&err);
    hf_cli_done(&cli);
    return rc;
}
