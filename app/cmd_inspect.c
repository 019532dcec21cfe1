/* app/cmd_inspect.c - `hfscope inspect WS`: channels, samples, modifiers and parameters. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/json/nameset.h"
#include "core/model/model.h"
#include "render/utf8.h"

int cmd_inspect(int argc, char **argv);

static const char *
con_name(hf_constraint c)
{
    return c == HF_CON_GAUSS ? "normal" : c == HF_CON_POISSON ? "poisson" : "none";
}

/* "normsys,histosys": the modifier types in types; n holds all seven names and six commas. */
static void
type_list(unsigned types, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int t = 0; t < HF_MOD_COUNT; t++) {
        const char *name = hf_modtype_name((hf_modtype)t);
        size_t k = strlen(name);
        if (!(types & (1u << t)) || len + k + 2 > n)
            continue;
        if (len > 0)
            buf[len++] = ',';
        memcpy(buf + len, name, k + 1);
        len += k;
    }
}

static cJSON *
inspect_json(const hf_cli *cli, const double *nu, const double *ys)
{
    const hf_model *m = cli->model;
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL)
        return NULL;
    cJSON_AddStringToObject(doc, "version", cli->ws->version);
    if (m->poi >= 0)
        cJSON_AddStringToObject(doc, "poi", m->par[m->poi].name);
    else
        cJSON_AddNullToObject(doc, "poi");
    cJSON_AddStringToObject(doc, "interp_normsys", hf_interp_name(m->normsys_code));
    cJSON_AddStringToObject(doc, "interp_histosys", hf_interp_name(m->histosys_code));
    cJSON_AddNumberToObject(doc, "nbins", (double)m->nbins);
    cJSON_AddNumberToObject(doc, "npars", (double)m->npar);
    cJSON_AddNumberToObject(doc, "n_aux", (double)m->ncon);
    cJSON *chans = cJSON_AddArrayToObject(doc, "channels");
    size_t i = 0; /* m->cs is ordered by channel: one pass over it for all channels */
    for (size_t c = 0; c < m->nchan; c++) {
        cJSON *jc = cJSON_CreateObject();
        cJSON_AddItemToArray(chans, jc);
        cJSON_AddStringToObject(jc, "name", m->chan[c]->name);
        cJSON_AddNumberToObject(jc, "nbins", (double)m->chan_nbins[c]);
        cJSON_AddItemToObject(
            jc, "observed",
            cJSON_CreateDoubleArray(m->obs + m->chan_off[c], (int)m->chan_nbins[c]));
        cJSON_AddItemToObject(jc, "expected_prefit",
                              cJSON_CreateDoubleArray(nu + m->chan_off[c], (int)m->chan_nbins[c]));
        cJSON *js = cJSON_AddArrayToObject(jc, "samples");
        for (; i < m->ncs && m->cs[i].chan == c; i++) {
            const hf_cs *e = &m->cs[i];
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToArray(js, o);
            cJSON_AddStringToObject(o, "name", m->samp_name[e->samp]);
            cJSON_AddItemToObject(o, "nominal", cJSON_CreateDoubleArray(e->nom, (int)e->nbins));
            cJSON_AddItemToObject(o, "expected_prefit",
                                  cJSON_CreateDoubleArray(ys + e->ys, (int)e->nbins));
            cJSON *mods = cJSON_AddArrayToObject(o, "modifiers");
            for (size_t k = 0; k < e->src->nmod; k++) {
                cJSON *jm = cJSON_CreateObject();
                cJSON_AddStringToObject(jm, "name", e->src->mod[k].name);
                cJSON_AddStringToObject(jm, "type", hf_modtype_name(e->src->mod[k].type));
                cJSON_AddItemToArray(mods, jm);
            }
        }
    }
    cJSON *pars = cJSON_AddArrayToObject(doc, "parameters");
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(pars, o);
        cJSON_AddStringToObject(o, "name", p->name);
        cJSON_AddStringToObject(o, "set", p->set);
        cJSON *types = cJSON_AddArrayToObject(o, "modifier_types");
        for (int t = 0; types != NULL && t < HF_MOD_COUNT; t++)
            if (p->types & (1u << t))
                cJSON_AddItemToArray(types, cJSON_CreateString(hf_modtype_name((hf_modtype)t)));
        cJSON_AddNumberToObject(o, "init", m->init[j]);
        double b[2] = {p->lo, p->hi};
        cJSON_AddItemToObject(o, "bounds", cJSON_CreateDoubleArray(b, 2));
        cJSON_AddBoolToObject(o, "fixed", m->fixed[j]);
        cJSON_AddStringToObject(o, "constraint", con_name(p->con));
        if (p->con != HF_CON_NONE) {
            cJSON_AddNumberToObject(o, "auxdata", p->aux);
            if (p->con == HF_CON_GAUSS)
                cJSON_AddNumberToObject(o, "sigma", p->sigma);
            else
                cJSON_AddNumberToObject(o, "tau", p->tau);
        }
    }
    return doc;
}

static void
inspect_text(const hf_cli *cli, const double *nu)
{
    const hf_model *m = cli->model;
    char *path = hf_utf8_escape(cli->ws_path), *meas = hf_utf8_escape(m->meas->name),
         *poi = hf_utf8_escape(m->poi >= 0 ? m->par[m->poi].name : "(none)");
    printf("workspace   %s (version %s)\n", path != NULL ? path : "?", cli->ws->version);
    printf("measurement %s   POI %s   interpolation normsys=%s histosys=%s\n",
           meas != NULL ? meas : "?", poi != NULL ? poi : "?", hf_interp_name(m->normsys_code),
           hf_interp_name(m->histosys_code));
    free(path);
    free(meas);
    free(poi);
    printf("%zu channels, %zu bins, %zu samples, %zu parameters (%zu constrained)\n\n", m->nchan,
           m->nbins, m->nsamp, m->npar, m->ncon);
    printf("%-36s %5s %8s %12s %12s  %s\n", "channel", "bins", "samples", "observed", "expected",
           "samples (modifiers)");
    size_t i = 0; /* m->cs is ordered by channel: one pass over it for all channels */
    for (size_t c = 0; c < m->nchan; c++) {
        double o = 0, e = 0;
        for (size_t b = 0; b < m->chan_nbins[c]; b++) {
            o += m->obs[m->chan_off[c] + b];
            e += nu[m->chan_off[c] + b];
        }
        char *name = hf_utf8_escape(m->chan[c]->name);
        printf("%-36s %5zu %8zu %12.1f %12.2f  ", name != NULL ? name : "?", m->chan_nbins[c],
               m->chan[c]->nsamples, o, e);
        free(name);
        for (int first = 1; i < m->ncs && m->cs[i].chan == c; i++, first = 0) {
            char *sn = hf_utf8_escape(m->samp_name[m->cs[i].samp]);
            printf("%s%s(%zu)", first ? "" : " ", sn != NULL ? sn : "?", m->cs[i].src->nmod);
            free(sn);
        }
        printf("\n");
    }
    printf("\n%-44s %-22s %9s %19s %6s %s\n", "parameter", "modifiers", "init", "bounds", "fixed",
           "constraint");
    for (size_t j = 0; j < m->npar; j++) {
        const hf_param *p = &m->par[j];
        if (!cli->verbose && p->component > 0)
            continue; /* one line per set unless -v */
        char types[128], bounds[64], con[64];
        type_list(p->types, types, sizeof(types));
        snprintf(bounds, sizeof(bounds), "[%g, %g]", p->lo, p->hi);
        if (p->con == HF_CON_GAUSS)
            snprintf(con, sizeof(con), "normal(%g, %.4g)", p->aux, p->sigma);
        else if (p->con == HF_CON_POISSON)
            snprintf(con, sizeof(con), "poisson(tau=%.4g)", p->tau);
        else
            snprintf(con, sizeof(con), "%s", (int)j == m->poi ? "free (POI)" : "free");
        /* the whole name, however long (padded to the column, never cut) */
        char *esc = hf_utf8_escape(p->component == 0 && !cli->verbose ? p->set : p->name);
        int w = printf("%s", esc != NULL ? esc : "?");
        if (p->component == 0 && !cli->verbose)
            w += printf("[0..%zu]", m->set[p->set_index].n - 1);
        free(esc);
        printf("%*s %-22s %9.4g %19s %6s %s\n", w < 44 ? 44 - w : 0, "", types, m->init[j], bounds,
               m->fixed[j] ? "yes" : "", con);
    }
}

/* Print "KIND<TAB>NAME" once per name: what shell completion offers after --channel, --sample,
 * --poi/--np/--par/--modifier/--fix, --measurement and --modifier-type. */
/* Print "KIND<TAB>NAME" the first time name is met (seen: the names printed so far, hashed). */
static void
print_unique(const char *kind, const char *name, hf_nameset *seen)
{
    if (hf_nameset_add(seen, name, 0, NULL) != 0) /* new, or no memory: a repeat is harmless */
        printf("%s\t%s\n", kind, name);
}

static int
print_names(const char *path)
{
    hf_error err = {0};
    hf_workspace *ws = hf_workspace_load(path, &err);
    if (ws == NULL) {
        int rc = hf_cli_report(path, &err);
        hf_error_release(&err);
        return rc;
    }
    hf_nameset seen = {0};
    unsigned types = 0;
    for (size_t c = 0; c < ws->nchan; c++)
        printf("channel\t%s\n", ws->chan[c].name);
    for (size_t c = 0; c < ws->nchan; c++)
        for (size_t s = 0; s < ws->chan[c].nsamples; s++)
            print_unique("sample", ws->chan[c].sample[s].name, &seen);
    hf_nameset_reset(&seen);
    for (size_t c = 0; c < ws->nchan; c++)
        for (size_t s = 0; s < ws->chan[c].nsamples; s++)
            for (size_t k = 0; k < ws->chan[c].sample[s].nmod; k++) {
                print_unique("parameter", ws->chan[c].sample[s].mod[k].name, &seen);
                types |= 1u << ws->chan[c].sample[s].mod[k].type;
            }
    for (size_t i = 0; i < ws->nmeas; i++)
        printf("measurement\t%s\n", ws->meas[i].name);
    for (int t = 0; t < HF_MOD_COUNT; t++)
        if (types & (1u << t))
            printf("type\t%s\n", hf_modtype_name((hf_modtype)t));
    hf_nameset_release(&seen);
    hf_workspace_free(ws);
    return 0;
}

int
cmd_inspect(int argc, char **argv)
{
    hf_cli cli;
    bool names = false;
    const hf_opt opts[] = {{"names", 0, HF_OPT_FLAG, &names,
                            "KIND<TAB>NAME lines: channels, samples, parameters, measurements, "
                            "modifier types (for shell completion)"},
                           {NULL, 0, HF_OPT_FLAG, NULL, NULL}};
    /* no fit, no threads, no random numbers, no glyphs: those options are refused */
    static const char *const common[] = {"json", "output", "measurement", "poi",     "patch",
                                         "fix",  "interp", "quiet",       "verbose", NULL};
    int rc = hf_cli_parse_only(&cli, argc, argv, opts, "inspect [OPTIONS] WORKSPACE.json", common);
    if (rc == 0 && names) {
        rc = cli.ws_path != NULL ? print_names(cli.ws_path)
                                 : hf_cli_error("inspect: missing WORKSPACE.json");
        hf_cli_done(&cli);
        return rc;
    }
    if (rc == 0)
        rc = hf_cli_load(&cli);
    if (rc != 0) {
        hf_cli_done(&cli);
        return rc < 0 ? 0 : rc;
    }
    const hf_model *m = cli.model;
    double *nu = malloc((m->nbins + 1) * sizeof(double));
    double *ys = malloc((m->nys + 1) * sizeof(double));
    if (nu == NULL || ys == NULL || hf_model_expected(m, m->init, nu, ys) < 0) {
        rc = hf_cli_nomem();
    } else {
        if (cli.json)
            rc = hf_cli_json_emit(inspect_json(&cli, nu, ys), cli.output);
        else
            inspect_text(&cli, nu);
    }
    free(nu);
    free(ys);
    hf_cli_done(&cli);
    return rc;
}
