/* app/cmd_systematics.c - `hfscope systematics`: the two-point systematics overview (effects and
 * flags per parameter x channel x sample), and symmetrisation / pruning into a new workspace or
 * patch with an optional before/after fit comparison. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/diag/decorrelate.h"
#include "core/diag/systematics.h"
#include "core/model/fit.h"
#include "core/model/workspace.h"

int cmd_systematics(int argc, char **argv);

static cJSON *
flags_json(unsigned f)
{
    static const char *const names[] = {"one-sided", "tiny", "large", "single-bin"};
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (f & (1u << i))
            cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    return a;
}

static cJSON *
overview_json(const hf_model *m, const hf_systematics *s)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < s->n; i++) {
        const hf_systematics_entry *e = &s->e[i];
        const hf_cs *cs = &m->cs[e->cs];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(a, o);
        cJSON_AddStringToObject(o, "parameter", m->par[e->par].name);
        cJSON_AddStringToObject(o, "channel", m->chan[cs->chan]->name);
        cJSON_AddStringToObject(o, "sample", m->samp_name[cs->samp]);
        cJSON *t = cJSON_AddArrayToObject(o, "types");
        if (e->types & (1u << HF_MOD_NORMSYS))
            cJSON_AddItemToArray(t, cJSON_CreateString("normsys"));
        if (e->types & (1u << HF_MOD_HISTOSYS))
            cJSON_AddItemToArray(t, cJSON_CreateString("histosys"));
        cJSON_AddNumberToObject(o, "nominal", e->nominal);
        cJSON_AddNumberToObject(o, "norm_up", e->norm_up);
        cJSON_AddNumberToObject(o, "norm_down", e->norm_down);
        cJSON_AddNumberToObject(o, "shape_up", e->shape_up);
        cJSON_AddNumberToObject(o, "shape_down", e->shape_down);
        cJSON_AddNumberToObject(o, "asymmetry", e->asymmetry);
        cJSON_AddNumberToObject(o, "max_bin", (double)e->max_bin);
        cJSON_AddNumberToObject(o, "max_bin_share", e->max_bin_share);
        cJSON_AddItemToObject(o, "flags", flags_json(e->flags));
    }
    return a;
}

static void
overview_text(const hf_model *m, const hf_systematics *s)
{
    printf("%-30s %-18s %-12s %8s %8s %7s %7s %6s  %s\n", "parameter", "channel", "sample",
           "norm up", "norm dn", "shp up", "shp dn", "asym", "flags");
    size_t counts[4] = {0};
    for (size_t i = 0; i < s->n; i++) {
        const hf_systematics_entry *e = &s->e[i];
        const hf_cs *cs = &m->cs[e->cs];
        char fl[64];
        printf("%-30s %-18s %-12s %+7.2f%% %+7.2f%% %6.2f%% %6.2f%% %+6.2f  %s\n",
               m->par[e->par].name, m->chan[cs->chan]->name, m->samp_name[cs->samp],
               100 * e->norm_up, 100 * e->norm_down, 100 * e->shape_up, 100 * e->shape_down,
               e->asymmetry, hf_systematics_flag_names(e->flags, fl, sizeof(fl)));
        for (int k = 0; k < 4; k++)
            counts[k] += (e->flags >> k) & 1u;
    }
    printf("\n%zu entries: %zu one-sided, %zu tiny, %zu large, %zu single-bin\n", s->n, counts[0],
           counts[1], counts[2], counts[3]);
}

static cJSON *
compare_json(const hf_model *ma, const hf_fit_result *fa, const hf_model *mb,
             const hf_fit_result *fb)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *b = cJSON_AddObjectToObject(o, "before");
    cJSON_AddBoolToObject(b, "converged", fa->converged);
    cJSON_AddNumberToObject(b, "twice_nll", fa->twice_nll);
    cJSON *a = cJSON_AddObjectToObject(o, "after");
    cJSON_AddBoolToObject(a, "converged", fb->converged);
    cJSON_AddNumberToObject(a, "twice_nll", fb->twice_nll);
    cJSON *pars = cJSON_AddArrayToObject(o, "parameters");
    for (size_t j = 0; j < ma->npar; j++) {
        int k = hf_model_find_par(mb, ma->par[j].name);
        cJSON *p = cJSON_CreateObject();
        cJSON_AddItemToArray(pars, p);
        cJSON_AddStringToObject(p, "name", ma->par[j].name);
        cJSON *x = cJSON_AddObjectToObject(p, "before");
        cJSON_AddNumberToObject(x, "value", fa->x[j]);
        cJSON_AddNumberToObject(x, "error", fa->err ? fa->err[j] : NAN);
        if (k >= 0 && fb->x != NULL) {
            cJSON *y = cJSON_AddObjectToObject(p, "after");
            cJSON_AddNumberToObject(y, "value", fb->x[k]);
            cJSON_AddNumberToObject(y, "error", fb->err ? fb->err[k] : NAN);
        } else {
            cJSON_AddNullToObject(p, "after"); /* pruned away */
        }
    }
    return o;
}

static void
compare_text(const hf_model *ma, const hf_fit_result *fa, const hf_model *mb,
             const hf_fit_result *fb)
{
    printf("\n%-36s %21s   %21s\n", "parameter", "before", "after");
    for (size_t j = 0; j < ma->npar; j++) {
        int k = hf_model_find_par(mb, ma->par[j].name);
        printf("%-36s %10.4f +- %-7.4f", ma->par[j].name, fa->x[j], fa->err ? fa->err[j] : NAN);
        if (k >= 0 && fb->x != NULL)
            printf("   %10.4f +- %-7.4f\n", fb->x[k], fb->err ? fb->err[k] : NAN);
        else
            printf("   (pruned)\n");
    }
    printf("%-36s %21.4f   %21.4f\n", "2NLL", fa->twice_nll, fb->twice_nll);
}

/* One run: the options, the overview, the changed workspace and the fits before and after. */
typedef struct syst_run {
    const char *symm, *patch_out; /* --symmetrize, --patch-out */
    double prune;                 /* --prune */
    bool compare;                 /* --compare */
    bool transform;               /* symmetrise or prune */
    hf_systematics s;             /* the overview */
    hf_systematics_transform tr;  /* the change and its counts */
    cJSON *newdoc, *patch;        /* the changed workspace and its RFC 6902 patch */
    hf_fit_result fa;             /* the fit before */
    bool have_a;
    hf_docfit after; /* the fit after */
} syst_run;

/* The changed workspace and its patch, written to -o and --patch-out: both or neither.
 * Returns the exit code. */
static int
apply_transform(const hf_cli *cli, syst_run *r, hf_error *err)
{
    if ((r->newdoc = hf_systematics_apply(cli->ws->doc, &r->tr, err)) == NULL)
        return hf_cli_report(cli->ws_path, err);
    if (r->patch_out != NULL && (r->patch = hf_decorrelate_diff(cli->ws->doc, r->newdoc)) == NULL) {
        hf_error_nomem(err);
        return hf_cli_report(cli->ws_path, err);
    }
    int wrc = cli->output != NULL && r->patch_out != NULL
                  ? hf_cli_write_json_pair(cli->output, r->newdoc, r->patch_out, r->patch, err)
              : cli->output != NULL  ? hf_cli_write_json(cli->output, r->newdoc, err)
              : r->patch_out != NULL ? hf_cli_write_json(r->patch_out, r->patch, err)
                                     : 0;
    if (wrc < 0)
        return hf_cli_report(cli->output != NULL ? cli->output : r->patch_out, err);
    return 0;
}

/* --compare: fit the workspace before and after the change. Returns the exit code. */
static int
compare_fits(hf_cli *cli, syst_run *r, hf_error *err)
{
    hf_data d = hf_model_data(cli->model);
    if (hf_fit(cli->model, &d, NULL, &r->fa, err) < 0)
        return hf_cli_report(cli->ws_path, err);
    r->have_a = true;
    const char *p2 = cli->output ? cli->output : cli->ws_path;
    int frc = hf_cli_fit_doc(cli, r->newdoc, p2, &cli->mopt, &r->after, err);
    if (frc != 0)
        return frc < 0 ? hf_cli_report(p2, err) : frc;
    return 0;
}

/* The overview, the change and the comparison as JSON on stdout. Returns the exit code. */
static int
emit_json(const hf_cli *cli, const syst_run *r, hf_error *err)
{
    cJSON *doc = hf_cli_json_doc(cli);
    if (doc == NULL) {
        hf_error_nomem(err);
        return hf_cli_report(cli->ws_path, err);
    }
    cJSON_AddItemToObject(doc, "systematics", overview_json(cli->model, &r->s));
    if (r->transform) {
        cJSON *t = cJSON_AddObjectToObject(doc, "transform");
        cJSON_AddStringToObject(t, "symmetrize", r->symm ? r->symm : "none");
        cJSON_AddNumberToObject(t, "prune", r->prune);
        cJSON_AddNumberToObject(t, "symmetrized", (double)r->tr.nsymmetrized);
        cJSON_AddNumberToObject(t, "pruned", (double)r->tr.npruned);
        cJSON_AddNumberToObject(t, "parameters_removed", (double)r->tr.nparams_removed);
        if (cli->output)
            cJSON_AddStringToObject(t, "output", cli->output);
        if (r->patch_out)
            cJSON_AddStringToObject(t, "patch", r->patch_out);
        if (r->have_a && r->after.have_fit)
            cJSON_AddItemToObject(doc, "comparison",
                                  compare_json(cli->model, &r->fa, r->after.m, &r->after.fit));
    }
    return hf_cli_json_emit(doc, NULL);
}

/* The overview, the change and the comparison as text on stdout. */
static void
print_text(const hf_cli *cli, const syst_run *r)
{
    overview_text(cli->model, &r->s);
    if (!r->transform)
        return;
    printf("\nsymmetrised %zu and pruned %zu modifiers (%zu parameters removed)\n",
           r->tr.nsymmetrized, r->tr.npruned, r->tr.nparams_removed);
    if (cli->output)
        printf("wrote %s\n", cli->output);
    if (r->patch_out)
        printf("wrote %s (%d operations)\n", r->patch_out, cJSON_GetArraySize(r->patch));
    if (r->have_a && r->after.have_fit)
        compare_text(cli->model, &r->fa, r->after.m, &r->after.fit);
}

/* Analyse, change, compare and show. Returns the exit code. */
static int
run_systematics(hf_cli *cli, syst_run *r, const hf_systematics_options *so)
{
    hf_error err = {0};
    int rc = 0;
    if (hf_systematics_analyze(cli->model, so, &r->s, &err) < 0)
        rc = hf_cli_report(cli->ws_path, &err);
    else if (r->transform && (rc = apply_transform(cli, r, &err)) == 0 && r->compare)
        rc = compare_fits(cli, r, &err);
    if (rc == 0) {
        if (cli->json)
            rc = emit_json(cli, r, &err);
        else
            print_text(cli, r);
    }
    if (rc == 0 &&
        ((r->have_a && !r->fa.converged) || (r->after.have_fit && !r->after.fit.converged)))
        rc = 1;
    hf_error_release(&err);
    return rc;
}

/* --symmetrize into *mode; a change (symmetrise or prune) needs somewhere to go. Returns the
 * exit code. */
static int
check_transform(const hf_cli *cli, syst_run *r, hf_symmetrize *mode)
{
    if (r->symm != NULL && hf_systematics_parse_symmetrize(r->symm, mode) < 0)
        return hf_cli_error("--symmetrize must be one-sided, two-sided or max, not \"%s\"",
                            r->symm);
    r->transform = *mode != HF_SYMM_NONE || r->prune > 0;
    if (r->transform && cli->output == NULL && r->patch_out == NULL)
        return hf_cli_error("--symmetrize/--prune need -o NEW.json or --patch-out PATCH.json");
    /* -o is where the changed workspace goes: without a change it would be silently unused */
    if (!r->transform && cli->output != NULL)
        return hf_cli_error("-o %s: systematics writes a changed workspace there, which needs "
                            "--symmetrize or --prune; without them it prints to standard output",
                            cli->output);
    return 0;
}

int
cmd_systematics(int argc, char **argv)
{
    hf_cli cli = {0};
    syst_run r = {0};
    const char *np = NULL, *channel = NULL;
    double tiny = 1e-3, large = 0.5;
    bool only_one_sided = false;
    const hf_opt extra[] = {
        {"np", 0, HF_OPT_STRING, &np, "only this parameter"},
        {"channel", 0, HF_OPT_STRING, &channel, "only this channel"},
        {"tiny", 0, HF_OPT_DOUBLE, &tiny, "relative effect below which an entry is tiny (0.001)"},
        {"large", 0, HF_OPT_DOUBLE, &large, "relative effect above which an entry is large (0.5)"},
        {"symmetrize", 0, HF_OPT_STRING, &r.symm, "one-sided|two-sided|max: symmetrise variations"},
        {"only-one-sided", 0, HF_OPT_FLAG, &only_one_sided,
         "symmetrise only variations flagged one-sided"},
        {"prune", 0, HF_OPT_DOUBLE, &r.prune, "drop normsys/histosys with relative effect below X"},
        {"patch-out", 0, HF_OPT_STRING, &r.patch_out,
         "write the RFC 6902 patch of the change here"},
        {"compare", 0, HF_OPT_FLAG, &r.compare, "fit before and after the change, side by side"},
        {NULL, 0, 0, NULL, NULL}};
    int rc = hf_cli_parse(&cli, argc, argv, extra,
                          "systematics [--np NAME] [--channel NAME] [--symmetrize MODE] "
                          "[--prune X -o NEW.json] [OPTIONS] WORKSPACE.json");
    if (rc != 0) {
        hf_cli_done(&cli);
        return rc < 0 ? 0 : rc;
    }
    hf_symmetrize mode = HF_SYMM_NONE;
    if ((rc = check_transform(&cli, &r, &mode)) == 0 && (rc = hf_cli_load(&cli)) == 0) {
        hf_systematics_options so = {.tiny = tiny, .large = large, .np = np, .channel = channel};
        r.tr = (hf_systematics_transform){.symmetrize = mode,
                                          .prune = r.prune,
                                          .np = np,
                                          .channel = channel,
                                          .only_one_sided = only_one_sided};
        rc = run_systematics(&cli, &r, &so);
    }
    if (r.have_a)
        hf_fit_result_release(&r.fa);
    hf_docfit_release(&r.after);
    cJSON_Delete(r.newdoc);
    cJSON_Delete(r.patch);
    hf_systematics_release(&r.s);
    hf_cli_done(&cli);
    return rc;
}
