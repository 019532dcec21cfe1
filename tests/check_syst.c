/* tests/check_syst.c - systematics, constraints, decorrelation, ranking and goodness of fit on
 * small synthetic workspaces with closed-form answers, plus the demo workspace's over-constraint.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag/constraints.h"
#include "core/diag/decorrelate.h"
#include "core/diag/gof.h"
#include "core/diag/ranking.h"
#include "core/diag/systematics.h"
#include "core/json/jsonpatch.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "core/model/workspace.h"
#include "render/plot_syst.h"

Suite *syst_suite(void);

#define DEMO "assets/demo/demo.json"

typedef struct tmodel {
    hf_workspace *ws;
    hf_model *m;
    hf_data d;
    hf_fit_result fit;
} tmodel;

static void
tm_from_doc(tmodel *t, cJSON *doc)
{
    hf_error err = {0};
    memset(t, 0, sizeof(*t));
    ck_assert_ptr_nonnull(doc);
    t->ws = hf_workspace_from_json(doc, "test.json", &err);
    ck_assert_msg(t->ws != NULL, "workspace: %s at %s", hf_error_msg(&err),
                  err.where ? err.where : "");
    t->m = hf_model_compile(t->ws, NULL, &err);
    ck_assert_msg(t->m != NULL, "model: %s", hf_error_msg(&err));
    t->d = hf_model_data(t->m);
    hf_fit_options fo = {0};
    fo.fix_index = -1;
    ck_assert_int_eq(hf_fit(t->m, &t->d, &fo, &t->fit, &err), 0);
    ck_assert_msg(t->fit.converged, "fit: %s", t->fit.message);
}

static void
tm_load(tmodel *t, const char *json)
{
    tm_from_doc(t, cJSON_Parse(json));
}

static void
tm_free(tmodel *t)
{
    hf_fit_result_release(&t->fit);
    hf_model_free(t->m);
    hf_workspace_free(t->ws);
}

static int
par(const hf_model *m, const char *name)
{
    int j = hf_model_find_par(m, name);
    ck_assert_msg(j >= 0, "no parameter %s", name);
    return j;
}

/* ---------------------------------------------------------------- constraints */

/* Channel A has 10000 events and a +-10% histosys on theta; channel B has 10 events and the same
 * relative variation. Data = nominal, so theta_hat = 0 and nu = nominal; code4p has slope
 * (hi - lo) / 2 at 0, so I_A = S_A^2 / nu_A, I_B = S_B^2 / nu_B and I_aux = 1. */
static const char *two_channel_ws =
    "{\"channels\": ["
    " {\"name\": \"A_big\", \"samples\": [{\"name\": \"bkg\", \"data\": [10000.0], \"modifiers\": ["
    "   {\"name\": \"theta\", \"type\": \"histosys\","
    "    \"data\": {\"hi_data\": [11000.0], \"lo_data\": [9000.0]}}]}]},"
    " {\"name\": \"B_small\", \"samples\": [{\"name\": \"bkg\", \"data\": [10.0], \"modifiers\": ["
    "   {\"name\": \"theta\", \"type\": \"histosys\", \"data\": {\"hi_data\": [11.0], \"lo_data\": "
    "[9.0]}},"
    "   {\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}]}],"
    " \"observations\": [{\"name\": \"A_big\", \"data\": [10000.0]}, {\"name\": \"B_small\", "
    "\"data\": [10.0]}],"
    " \"measurements\": [{\"name\": \"meas\", \"config\": {\"poi\": \"mu\", \"parameters\": ["
    "   {\"name\": \"mu\", \"fixed\": true}]}}],"
    " \"version\": \"1.0.0\"}";

START_TEST(test_fisher_share_closed_form)
{
    tmodel t;
    tm_load(&t, two_channel_ws);
    hf_constraints c;
    hf_error err = {0};
    hf_constraints_options co = {.bins = true};
    ck_assert_int_eq(hf_constraints_compute(t.m, &t.fit, &co, &c, &err), 0);
    ck_assert_uint_eq(c.n, 1);
    int th = par(t.m, "theta"), ca = hf_model_find_channel(t.m, "A_big"),
        cb = hf_model_find_channel(t.m, "B_small");
    ck_assert_uint_eq(c.p[0].par, (size_t)th);
    double sa = (11000.0 - 9000.0) / 2, sb = (11.0 - 9.0) / 2;
    double ia = sa * sa / 10000.0, ib = sb * sb / 10.0, tot = 1.0 + ia + ib;
    ck_assert_double_eq_tol(t.fit.x[th], 0.0, 1e-6);
    ck_assert_double_eq_tol(c.p[0].fisher, tot, 1e-6 * tot);
    ck_assert_double_eq_tol(c.chan_share[ca], ia / tot, 1e-7);
    ck_assert_double_eq_tol(c.chan_share[cb], ib / tot, 1e-7);
    ck_assert_double_eq_tol(c.p[0].aux_share, 1.0 / tot, 1e-7);
    ck_assert(c.chan_share[ca] > 0.9);
    /* shares add up to one; one bin per channel, so bin shares equal channel shares */
    ck_assert_double_eq_tol(c.p[0].aux_share + c.chan_share[ca] + c.chan_share[cb], 1.0, 1e-12);
    ck_assert_double_eq_tol(c.bin_share[t.m->chan_off[ca]], c.chan_share[ca], 1e-12);
    /* at Asimov data the observed and expected information agree: sigma = 1/sqrt(I) */
    ck_assert_double_eq_tol(c.p[0].ratio, 1.0 / sqrt(tot), 1e-3 / sqrt(tot));
    ck_assert(c.p[0].over_constrained);
    size_t idx[2];
    ck_assert_uint_eq(hf_constraints_sources(&c, 0, 0.1, idx), 1);
    ck_assert_uint_eq(idx[0], (size_t)ca);
    hf_constraints_release(&c);
    tm_free(&t);
}
END_TEST

START_TEST(test_demo_over_constrained)
{
    hf_error err = {0};
    cJSON *doc = hf_json_load_file(DEMO, &err);
    ck_assert_msg(doc != NULL, "%s: %s", DEMO, hf_error_msg(&err));
    tmodel t;
    tm_from_doc(&t, doc);
    hf_constraints c;
    ck_assert_int_eq(hf_constraints_compute(t.m, &t.fit, NULL, &c, &err), 0);
    size_t nover = 0, which = 0;
    for (size_t i = 0; i < c.n; i++) {
        double sum = c.p[i].aux_share;
        for (size_t ch = 0; ch < c.nchan; ch++)
            sum += c.chan_share[i * c.nchan + ch];
        ck_assert_double_eq_tol(sum, 1.0, 1e-9);
        if (c.p[i].over_constrained) {
            nover++;
            which = i;
        }
    }
    ck_assert_uint_eq(nover, 1);
    ck_assert_str_eq(t.m->par[c.p[which].par].name, "zjets_xsec");
    size_t *idx = malloc(c.nchan * sizeof(*idx));
    ck_assert_uint_ge(hf_constraints_sources(&c, which, 0.5, idx), 1);
    ck_assert_str_eq(t.m->chan[idx[0]]->name, "CR_zjets");
    free(idx);
    /* the figure puts it on the top row, with the threshold line */
    hf_scene *sc = hf_plot_syst_constraints(t.m, &c, 5, 0.5, &err);
    ck_assert_ptr_nonnull(sc);
    ck_assert_uint_eq(sc->npanels, 2);
    ck_assert_uint_eq(sc->panels[0]->y.nticks, 5);
    ck_assert_str_eq(sc->panels[0]->y.ticks[0].label, "zjets_xsec");
    hf_scene_free(sc);
    hf_constraints_release(&c);

    /* the two-point ttbar_generator is flagged one-sided wherever it acts */
    hf_systematics s;
    hf_systematics_options so = {.np = "ttbar_generator"};
    ck_assert_int_eq(hf_systematics_analyze(t.m, &so, &s, &err), 0);
    ck_assert_uint_gt(s.n, 0);
    for (size_t i = 0; i < s.n; i++)
        ck_assert(s.e[i].flags & HF_SYST_ONE_SIDED);
    hf_systematics_release(&s);
    tm_free(&t);
}
END_TEST

/* ---------------------------------------------------------------- systematics */

static const char *symm_ws =
    "{\"channels\": [{\"name\": \"SR\", \"samples\": ["
    "  {\"name\": \"s1\", \"data\": [10.0, 20.0], \"modifiers\": ["
    "    {\"name\": \"h\", \"type\": \"histosys\","
    "     \"data\": {\"hi_data\": [12.0, 25.0], \"lo_data\": [11.0, 14.0]}}]},"
    "  {\"name\": \"s2\", \"data\": [5.0, 5.0], \"modifiers\": ["
    "    {\"name\": \"n\", \"type\": \"normsys\", \"data\": {\"hi\": 1.2, \"lo\": 1.1}},"
    "    {\"name\": \"tiny\", \"type\": \"normsys\", \"data\": {\"hi\": 1.0005, \"lo\": 0.9995}},"
    "    {\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}]}],"
    " \"observations\": [{\"name\": \"SR\", \"data\": [16.0, 24.0]}],"
    " \"measurements\": [{\"name\": \"meas\", \"config\": {\"poi\": \"mu\", \"parameters\": ["
    "   {\"name\": \"tiny\", \"bounds\": [[-4.0, 4.0]]}]}}],"
    " \"version\": \"1.0.0\"}";

static cJSON *
mod_data(cJSON *doc, int sample, int mod)
{
    cJSON *ch = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "channels"), 0);
    cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(ch, "samples"), sample);
    return cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(s, "modifiers"), mod),
                               "data");
}

static double
arr(cJSON *data, const char *key, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(data, key), i)->valuedouble;
}

static double
num(cJSON *data, const char *key)
{
    return cJSON_GetObjectItem(data, key)->valuedouble;
}

START_TEST(test_symmetrize_by_hand)
{
    cJSON *doc = cJSON_Parse(symm_ws);
    ck_assert_ptr_nonnull(doc);
    hf_error err = {0};
    /* one-sided: down = 2 nom - up */
    hf_systematics_transform tr = {.symmetrize = HF_SYMM_ONE_SIDED};
    cJSON *o = hf_systematics_apply(doc, &tr, &err);
    ck_assert_ptr_nonnull(o);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "hi_data", 0), 12.0, 1e-12);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "lo_data", 0), 8.0, 1e-12);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "hi_data", 1), 25.0, 1e-12);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "lo_data", 1), 15.0, 1e-12);
    ck_assert_double_eq_tol(num(mod_data(o, 1, 0), "hi"), 1.2, 1e-12);
    ck_assert_double_eq_tol(num(mod_data(o, 1, 0), "lo"), 0.8, 1e-12);
    ck_assert_uint_ge(tr.nsymmetrized, 2);
    cJSON_Delete(o);
    /* two-sided: delta = (up - down) / 2 */
    tr = (hf_systematics_transform){.symmetrize = HF_SYMM_TWO_SIDED};
    o = hf_systematics_apply(doc, &tr, &err);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "hi_data", 0), 10.5, 1e-12);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "lo_data", 0), 9.5, 1e-12);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "hi_data", 1), 25.5, 1e-12);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "lo_data", 1), 14.5, 1e-12);
    ck_assert_double_eq_tol(num(mod_data(o, 1, 0), "hi"), 1.05, 1e-12);
    ck_assert_double_eq_tol(num(mod_data(o, 1, 0), "lo"), 0.95, 1e-12);
    cJSON_Delete(o);
    /* max: the larger deviation, with the sign of up */
    tr = (hf_systematics_transform){.symmetrize = HF_SYMM_MAX};
    o = hf_systematics_apply(doc, &tr, &err);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "hi_data", 0), 12.0, 1e-12);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "lo_data", 0), 8.0, 1e-12);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "hi_data", 1), 26.0, 1e-12);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "lo_data", 1), 14.0, 1e-12);
    ck_assert_double_eq_tol(num(mod_data(o, 1, 0), "hi"), 1.2, 1e-12);
    ck_assert_double_eq_tol(num(mod_data(o, 1, 0), "lo"), 0.8, 1e-12);
    cJSON_Delete(o);
    /* only the one-sided ones: the normsys n (both above 1); h is mostly two-sided */
    tr = (hf_systematics_transform){.symmetrize = HF_SYMM_ONE_SIDED, .only_one_sided = true};
    o = hf_systematics_apply(doc, &tr, &err);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "lo_data", 0), 11.0, 1e-12);
    ck_assert_double_eq_tol(num(mod_data(o, 1, 0), "lo"), 0.8, 1e-12);
    ck_assert_uint_eq(tr.nsymmetrized, 1); /* n only: tiny is two-sided */
    cJSON_Delete(o);
    cJSON_Delete(doc);
    /* a normsys mirrored through zero is mirrored in log space instead */
    cJSON *big = cJSON_Parse(symm_ws);
    cJSON *hi = cJSON_GetObjectItem(mod_data(big, 1, 0), "hi");
    cJSON_SetNumberValue(hi, 2.5);
    tr = (hf_systematics_transform){.symmetrize = HF_SYMM_ONE_SIDED, .np = "n"};
    o = hf_systematics_apply(big, &tr, &err);
    ck_assert_double_eq_tol(num(mod_data(o, 1, 0), "lo"), 1 / 2.5, 1e-12);
    ck_assert_double_eq_tol(arr(mod_data(o, 0, 0), "lo_data", 0), 11.0, 1e-15); /* h untouched */
    cJSON_Delete(o);
    cJSON_Delete(big);
}
END_TEST

START_TEST(test_prune_and_patch)
{
    cJSON *doc = cJSON_Parse(symm_ws);
    hf_error err = {0};
    hf_systematics_transform tr = {.prune = 1e-3};
    cJSON *o = hf_systematics_apply(doc, &tr, &err);
    ck_assert_ptr_nonnull(o);
    ck_assert_uint_eq(tr.npruned, 1);
    ck_assert_uint_eq(tr.nparams_removed, 1);
    cJSON *mods = cJSON_GetObjectItem(
        cJSON_GetArrayItem(
            cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "channels"), 0),
                                "samples"),
            1),
        "modifiers");
    ck_assert_int_eq(cJSON_GetArraySize(mods), 2);
    cJSON *pars = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "measurements"), 0),
                            "config"),
        "parameters");
    ck_assert_int_eq(cJSON_GetArraySize(pars), 0);
    /* the diff is a patch that rebuilds the output from the input (core/json/patch.c applies it) */
    cJSON *patch = hf_decorrelate_diff(doc, o);
    ck_assert_ptr_nonnull(patch);
    ck_assert_int_eq(cJSON_GetArraySize(patch), 2);
    cJSON *re = cJSON_Duplicate(doc, 1);
    ck_assert_int_eq(hf_jsonpatch_apply(re, patch, NULL, NULL, &err), 0);
    ck_assert(cJSON_Compare(re, o, 1));
    /* the pruned workspace still loads and fits */
    tmodel t;
    tm_from_doc(&t, o);
    ck_assert_int_lt(hf_model_find_par(t.m, "tiny"), 0);
    tm_free(&t);
    cJSON_Delete(re);
    cJSON_Delete(patch);
    cJSON_Delete(doc);
}
END_TEST

START_TEST(test_effects_by_hand)
{
    tmodel t;
    tm_load(&t, symm_ws);
    hf_systematics s;
    hf_error err = {0};
    ck_assert_int_eq(hf_systematics_analyze(t.m, NULL, &s, &err), 0);
    ck_assert_uint_eq(s.n, 3); /* h on s1, n on s2, tiny on s2 */
    const hf_systematics_entry *h = NULL, *n = NULL, *tiny = NULL;
    for (size_t i = 0; i < s.n; i++) {
        const char *name = t.m->par[s.e[i].par].name;
        if (strcmp(name, "h") == 0)
            h = &s.e[i];
        else if (strcmp(name, "n") == 0)
            n = &s.e[i];
        else if (strcmp(name, "tiny") == 0)
            tiny = &s.e[i];
    }
    ck_assert(h && n && tiny);
    double nu = 37.0 / 30 - 1, nd = 25.0 / 30 - 1;
    ck_assert_double_eq_tol(h->norm_up, nu, 1e-12);
    ck_assert_double_eq_tol(h->norm_down, nd, 1e-12);
    ck_assert_double_eq_tol(h->shape_up, fabs(1.2 / (1 + nu) - 1), 1e-12);
    ck_assert_double_eq_tol(h->shape_down, fmax(fabs(1.1 / (1 + nd) - 1), fabs(0.7 / (1 + nd) - 1)),
                            1e-12);
    ck_assert_double_eq_tol(h->asymmetry, (nu + nd) / (fabs(nu) + fabs(nd)), 1e-12);
    ck_assert_double_eq_tol(h->same_side, 3.0 / 14.0, 1e-12);
    ck_assert_uint_eq(h->max_bin, 1);
    ck_assert(!(h->flags & HF_SYST_ONE_SIDED));
    ck_assert_double_eq_tol(n->norm_up, 0.2, 1e-12);
    ck_assert_double_eq_tol(n->norm_down, 0.1, 1e-12);
    ck_assert_double_eq_tol(n->asymmetry, 1.0, 1e-12);
    ck_assert(n->flags & HF_SYST_ONE_SIDED);
    ck_assert(tiny->flags & HF_SYST_TINY);
    ck_assert(!(n->flags & HF_SYST_TINY));
    /* interpolation curve: at alpha = +-1 every code reproduces the templates */
    static const hf_interp_code codes[] = {HF_INTERP_CODE0, HF_INTERP_CODE1, HF_INTERP_CODE2,
                                           HF_INTERP_CODE4, HF_INTERP_CODE4P};
    for (size_t k = 0; k < 5; k++) {
        ck_assert_double_eq_tol(hf_systematics_yield_at(t.m, h->par, h->cs, 1, codes[k], 1.0), 25.0,
                                1e-9);
        ck_assert_double_eq_tol(hf_systematics_yield_at(t.m, h->par, h->cs, 1, codes[k], -1.0),
                                14.0, 1e-9);
        ck_assert_double_eq_tol(hf_systematics_yield_at(t.m, h->par, h->cs, 1, codes[k], 0.0), 20.0,
                                1e-9);
    }
    hf_systematics_release(&s);
    tm_free(&t);
}
END_TEST

/* A variation that lives in one bin of three and moves the total by 2/3: large and single-bin. */
START_TEST(test_flags_large_single_bin)
{
    tmodel t;
    tm_load(&t, "{\"channels\": [{\"name\": \"SR\", \"samples\": [{\"name\": \"s\","
                " \"data\": [10.0, 10.0, 10.0], \"modifiers\": ["
                "  {\"name\": \"spike\", \"type\": \"histosys\", \"data\": {"
                "   \"hi_data\": [10.0, 10.0, 30.0], \"lo_data\": [10.0, 10.0, 5.0]}},"
                "  {\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}]}],"
                " \"observations\": [{\"name\": \"SR\", \"data\": [10.0, 10.0, 10.0]}],"
                " \"measurements\": [{\"name\": \"m\", \"config\": {\"poi\": \"mu\","
                " \"parameters\": []}}], \"version\": \"1.0.0\"}");
    hf_systematics s;
    hf_error err = {0};
    ck_assert_int_eq(hf_systematics_analyze(t.m, NULL, &s, &err), 0);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_double_eq_tol(s.e[0].norm_up, 20.0 / 30.0, 1e-12);
    ck_assert_double_eq_tol(s.e[0].norm_down, -5.0 / 30.0, 1e-12);
    ck_assert_uint_eq(s.e[0].max_bin, 2);
    ck_assert_double_eq_tol(s.e[0].max_bin_share, 1.0, 1e-12);
    ck_assert(s.e[0].flags & HF_SYST_LARGE);
    ck_assert(s.e[0].flags & HF_SYST_SINGLE_BIN);
    ck_assert(!(s.e[0].flags & (HF_SYST_ONE_SIDED | HF_SYST_TINY)));
    hf_systematics_release(&s);
    /* a higher threshold clears the large flag */
    hf_systematics_options o = {.large = 5.0};
    ck_assert_int_eq(hf_systematics_analyze(t.m, &o, &s, &err), 0);
    ck_assert(!(s.e[0].flags & HF_SYST_LARGE));
    hf_systematics_release(&s);
    tm_free(&t);
}
END_TEST

/* ---------------------------------------------------------------- decorrelation */

/* Two regions with the same 10% normsys: R1 sees 20% more events than predicted, R2 20% fewer. */
static const char *tension_ws =
    "{\"channels\": ["
    " {\"name\": \"R1\", \"samples\": [{\"name\": \"bkg\", \"data\": [100.0], \"modifiers\": ["
    "   {\"name\": \"theta\", \"type\": \"normsys\", \"data\": {\"hi\": 1.1, \"lo\": 0.9}},"
    "   {\"name\": \"lumi\", \"type\": \"lumi\", \"data\": null}]}]},"
    " {\"name\": \"R2\", \"samples\": [{\"name\": \"bkg\", \"data\": [100.0], \"modifiers\": ["
    "   {\"name\": \"theta\", \"type\": \"normsys\", \"data\": {\"hi\": 1.1, \"lo\": 0.9}},"
    "   {\"name\": \"lumi\", \"type\": \"lumi\", \"data\": null}]}]}],"
    " \"observations\": [{\"name\": \"R1\", \"data\": [120.0]}, {\"name\": \"R2\", \"data\": "
    "[80.0]}],"
    " \"measurements\": [{\"name\": \"meas\", \"config\": {\"poi\": \"lumi\", \"parameters\": ["
    "   {\"name\": \"lumi\", \"auxdata\": [1.0], \"sigmas\": [0.02], \"bounds\": [[0.5, 1.5]]},"
    "   {\"name\": \"theta\", \"bounds\": [[-5.0, 5.0]]}]}}],"
    " \"version\": \"1.0.0\"}";

START_TEST(test_decorrelate_opposite_pulls)
{
    cJSON *doc = cJSON_Parse(tension_ws);
    ck_assert_ptr_nonnull(doc);
    hf_error err = {0};
    hf_decorrelation dec;
    ck_assert_int_eq(hf_decorrelate_apply(doc, "theta", HF_DECOR_CHANNEL, NULL, &dec, &err), 0);
    ck_assert_uint_eq(dec.nsplit, 2);
    ck_assert_str_eq(dec.split[0].name, "theta_R1");
    ck_assert_str_eq(dec.split[1].name, "theta_R2");
    /* each split parameter got its own copy of the configuration (bounds) */
    cJSON *pars = cJSON_GetObjectItem(
        cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(dec.workspace, "measurements"), 0), "config"),
        "parameters");
    ck_assert_int_eq(cJSON_GetArraySize(pars), 3);
    /* the patch turns the input into the output */
    cJSON *re = cJSON_Duplicate(doc, 1);
    ck_assert_int_eq(hf_jsonpatch_apply(re, dec.patch, NULL, NULL, &err), 0);
    ck_assert(cJSON_Compare(re, dec.workspace, 1));
    cJSON_Delete(re);

    tmodel common, split;
    tm_load(&common, tension_ws);
    tm_from_doc(&split, cJSON_Duplicate(dec.workspace, 1));
    double t0 = common.fit.x[par(common.m, "theta")];
    double t1 = split.fit.x[par(split.m, "theta_R1")];
    double t2 = split.fit.x[par(split.m, "theta_R2")];
    ck_assert_double_eq_tol(t0, 0.0, 0.05); /* symmetric tension cancels */
    ck_assert(t1 > 0.5);
    ck_assert(t2 < -0.5);
    /* the split model has one more unit Gaussian constraint: its constant is ln(2 pi) in 2NLL,
     * and only once that is taken out does the extra freedom lower 2NLL */
    double oc = hf_gof_constraint_offset(common.m, &common.d);
    double os = hf_gof_constraint_offset(split.m, &split.d);
    ck_assert_double_eq_tol(2 * (os - oc), log(2 * M_PI), 1e-12);
    ck_assert((common.fit.twice_nll - 2 * oc) - (split.fit.twice_nll - 2 * os) > 1.0);
    tm_free(&common);
    tm_free(&split);
    hf_decorrelate_release(&dec);

    /* groups: only R1 is claimed; R2 keeps the original name and configuration */
    cJSON *groups = cJSON_Parse("{\"first\": [\"R1\"]}");
    ck_assert_int_eq(hf_decorrelate_apply(doc, "theta", HF_DECOR_GROUPS, groups, &dec, &err), 0);
    ck_assert_uint_eq(dec.nsplit, 2);
    ck_assert_str_eq(dec.split[0].name, "theta_first");
    ck_assert_str_eq(dec.split[1].name, "theta");
    tmodel g;
    tm_from_doc(&g, cJSON_Duplicate(dec.workspace, 1));
    ck_assert_int_ge(hf_model_find_par(g.m, "theta"), 0);
    ck_assert_int_ge(hf_model_find_par(g.m, "theta_first"), 0);
    tm_free(&g);
    hf_decorrelate_release(&dec);
    /* splitting the POI renames the measurement's POI */
    ck_assert_int_eq(hf_decorrelate_apply(doc, "lumi", HF_DECOR_CHANNEL, NULL, &dec, &err), 0);
    ck_assert_str_eq(dec.poi, "lumi_R1");
    pars = cJSON_GetObjectItem(
        cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(dec.workspace, "measurements"), 0), "config"),
        "parameters");
    ck_assert_int_eq(cJSON_GetArraySize(pars), 3);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(pars, 0), "name")->valuestring,
                     "lumi_R1");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(pars, 1), "name")->valuestring,
                     "lumi_R2");
    ck_assert_double_eq_tol(
        cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(pars, 1), "sigmas"), 0)
            ->valuedouble,
        0.02, 1e-15);
    hf_decorrelate_release(&dec);
    /* unknown parameter */
    ck_assert_int_eq(hf_decorrelate_apply(doc, "nope", HF_DECOR_CHANNEL, NULL, &dec, &err), -1);
    ck_assert_int_eq(err.code, HF_EUSAGE);
    hf_error_release(&err);
    cJSON_Delete(groups);
    cJSON_Delete(doc);
}
END_TEST

START_TEST(test_diff_round_trip)
{
    cJSON *a = cJSON_Parse("{\"a/b\": [1, 2, 3, 4], \"t~x\": {\"k\": 1, \"gone\": true},"
                           " \"s\": \"x\", \"arr\": [{\"n\": 1}, {\"n\": 2}]}");
    cJSON *b =
        cJSON_Parse("{\"a/b\": [1, 9, 4], \"t~x\": {\"k\": 2, \"new\": [1]},"
                    " \"s\": 5, \"arr\": [{\"n\": 1}, {\"n\": 2}, {\"n\": 3}], \"z\": null}");
    cJSON *p = hf_decorrelate_diff(a, b);
    ck_assert_ptr_nonnull(p);
    hf_error err = {0};
    ck_assert_msg(hf_jsonpatch_apply(a, p, NULL, NULL, &err) == 0, "%s", hf_error_msg(&err));
    ck_assert(cJSON_Compare(a, b, 1));
    cJSON *empty = hf_decorrelate_diff(a, b);
    ck_assert_int_eq(cJSON_GetArraySize(empty), 0);
    cJSON_Delete(empty);
    cJSON_Delete(p);
    cJSON_Delete(a);
    cJSON_Delete(b);
}
END_TEST

/* ---------------------------------------------------------------- ranking */

/* Each impact must equal the POI shift of an explicit refit with hf_fit (full Newton), for any
 * number of threads. */
START_TEST(test_impacts_equal_explicit_refit)
{
    hf_error err = {0};
    cJSON *doc = hf_json_load_file(DEMO, &err);
    ck_assert_ptr_nonnull(doc);
    tmodel t;
    tm_from_doc(&t, doc);
    ck_assert_int_ge(t.m->poi, 0);
    hf_ranking r1, r3;
    hf_ranking_options o1 = {.jobs = 1}, o3 = {.jobs = 3};
    ck_assert_int_eq(hf_ranking_compute(t.m, &t.d, &t.fit, &o1, &r1, &err), 0);
    ck_assert_int_eq(hf_ranking_compute(t.m, &t.d, &t.fit, &o3, &r3, &err), 0);
    ck_assert_uint_eq(r1.n, r3.n);
    ck_assert_uint_gt(r1.n, 5);
    for (size_t i = 0; i + 1 < r1.n; i++)
        ck_assert(hf_ranking_key(&r1.e[i]) >= hf_ranking_key(&r1.e[i + 1]));
    for (size_t i = 0; i < r1.n; i++) {
        ck_assert_uint_eq(r1.e[i].par, r3.e[i].par);
        ck_assert_double_eq_tol(r1.e[i].impact_postfit[0], r3.e[i].impact_postfit[0], 1e-12);
    }
    /* explicit refits for the top five and the last entry */
    size_t check[6] = {0, 1, 2, 3, 4, r1.n - 1};
    for (size_t c = 0; c < 6; c++) {
        const hf_ranking_entry *e = &r1.e[check[c]];
        for (int k = 0; k < 4; k++) {
            double sig = k < 2 ? e->postfit_sigma : e->prefit_sigma;
            if (isnan(sig)) { /* a free normalisation factor: no prior, no pre-fit impact */
                ck_assert(t.m->par[e->par].con == HF_CON_NONE);
                ck_assert(isnan(e->impact_prefit[k - 2]));
                continue;
            }
            double v = e->value + (k % 2 == 0 ? sig : -sig);
            v = fmin(fmax(v, t.m->par[e->par].lo), t.m->par[e->par].hi);
            hf_fit_options fo = {0};
            fo.fix_index = (int)e->par;
            fo.fix_value = v;
            fo.no_errors = true;
            hf_fit_result res;
            ck_assert_int_eq(hf_fit(t.m, &t.d, &fo, &res, &err), 0);
            ck_assert(res.converged);
            double shift = res.x[t.m->poi] - t.fit.x[t.m->poi];
            double got = k < 2 ? e->impact_postfit[k] : e->impact_prefit[k - 2];
            ck_assert_msg(fabs(got - shift) < 2e-4 * fmax(1.0, fabs(shift)),
                          "%s k=%d: ranking %.6g, refit %.6g", t.m->par[e->par].name, k, got,
                          shift);
            hf_fit_result_release(&res);
        }
    }
    hf_ranking_release(&r1);
    hf_ranking_release(&r3);
    tm_free(&t);
}
END_TEST

/* ---------------------------------------------------------------- goodness of fit */

#define POISSON_WS                                                                                 \
    "{\"channels\": [{\"name\": \"SR\", \"samples\": ["                                            \
    "  {\"name\": \"bkg\", \"data\": [10.0, 20.0, 30.0], \"modifiers\": ["                         \
    "    {\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}]}],"                       \
    " \"observations\": [{\"name\": \"SR\", \"data\": [%g, %g, %g]}],"                             \
    " \"measurements\": [{\"name\": \"meas\", \"config\": {\"poi\": \"mu\", \"parameters\": ["     \
    "   {\"name\": \"mu\", \"bounds\": [[0.0, 10.0]]}]}}],"                                        \
    " \"version\": \"1.0.0\"}"

START_TEST(test_saturated_closed_form)
{
    static const double data[2][3] = {{12, 18, 35}, {12, 25, 0}};
    const double b[3] = {10, 20, 30};
    for (int k = 0; k < 2; k++) {
        char json[1024];
        snprintf(json, sizeof(json), POISSON_WS, data[k][0], data[k][1], data[k][2]);
        tmodel t;
        tm_load(&t, json);
        hf_gof g;
        hf_error err = {0};
        ck_assert_int_eq(hf_gof_saturated(t.m, &t.d, &t.fit, &g, &err), 0);
        /* closed form: mu_hat = sum n / sum b, D = sum 2 [mu b - n + n ln(n / (mu b))] */
        double mu = (data[k][0] + data[k][1] + data[k][2]) / 60.0, dev = 0;
        for (int i = 0; i < 3; i++) {
            double n = data[k][i];
            dev += 2 * (mu * b[i] - n + (n > 0 ? n * log(n / (mu * b[i])) : 0));
            /* per bin the deviance moves to first order with mu: compare at the fitted mu */
            double nu = t.fit.x[0] * b[i];
            ck_assert_double_eq_tol(g.bin_diff[i], 2 * (nu - n + (n > 0 ? n * log(n / nu) : 0)),
                                    1e-9);
        }
        ck_assert_double_eq_tol(t.fit.x[0], mu, 1e-4);
        ck_assert_double_eq_tol(g.twice_nll_diff, dev, 1e-6);
        ck_assert_double_eq_tol(g.chan_diff[0], dev, 1e-6);
        ck_assert_uint_eq(g.ndof, 2);
        ck_assert_double_eq_tol(g.p_value, exp(-dev / 2), 1e-6); /* chi2 with 2 dof */
        /* the same from the model's own -log L: 2 (NLL(fit) - sum_b -log Pois(n | n)) */
        double sat = 0;
        for (int i = 0; i < 3; i++) {
            double n = data[k][i];
            sat += -(n > 0 ? n * log(n) : 0) + n + lgamma(n + 1);
        }
        ck_assert_double_eq_tol(2 * (t.fit.nll - sat), dev, 1e-6);
        hf_gof_release(&g);
        tm_free(&t);
    }
}
END_TEST

/* Two one-bin channels with the POI on the signal: one POI per channel saturates the model, so
 * the compatibility statistic equals the saturated statistic of the common fit, and each split
 * POI is (n - b) / s. */
static const char *compat_ws =
    "{\"channels\": ["
    " {\"name\": \"A\", \"samples\": [{\"name\": \"sig\", \"data\": [10.0], \"modifiers\": ["
    "   {\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]},"
    "   {\"name\": \"bkg\", \"data\": [50.0], \"modifiers\": []}]},"
    " {\"name\": \"B\", \"samples\": [{\"name\": \"sig\", \"data\": [20.0], \"modifiers\": ["
    "   {\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]},"
    "   {\"name\": \"bkg\", \"data\": [40.0], \"modifiers\": []}]}],"
    " \"observations\": [{\"name\": \"A\", \"data\": [75.0]}, {\"name\": \"B\", \"data\": [50.0]}],"
    " \"measurements\": [{\"name\": \"meas\", \"config\": {\"poi\": \"mu\", \"parameters\": ["
    "   {\"name\": \"mu\", \"bounds\": [[-5.0, 10.0]]}]}}],"
    " \"version\": \"1.0.0\"}";

START_TEST(test_channel_compatibility)
{
    tmodel t;
    tm_load(&t, compat_ws);
    hf_gof g;
    hf_gof_compat cc;
    hf_error err = {0};
    ck_assert_int_eq(hf_gof_saturated(t.m, &t.d, &t.fit, &g, &err), 0);
    ck_assert_int_eq(hf_gof_compatibility(t.ws, NULL, t.m, &t.fit, &cc, &err), 0);
    ck_assert_uint_eq(cc.n, 2);
    ck_assert_uint_eq(cc.ndof, 1);
    ck_assert_str_eq(cc.ch[0].channel, "A");
    ck_assert_double_eq_tol(cc.ch[0].value, (75.0 - 50.0) / 10.0, 1e-5);
    ck_assert_double_eq_tol(cc.ch[1].value, (50.0 - 40.0) / 20.0, 1e-5);
    ck_assert_double_eq_tol(cc.twice_nll_diff, g.twice_nll_diff, 1e-6);
    ck_assert_double_eq_tol(cc.p_value, gsl_cdf_chisq_Q(g.twice_nll_diff, 1), 1e-6);
    hf_gof_compat_release(&cc);
    hf_gof_release(&g);
    tm_free(&t);
}
END_TEST

/* ---------------------------------------------------------------- figures */

START_TEST(test_figures_build)
{
    hf_error err = {0};
    cJSON *doc = hf_json_load_file(DEMO, &err);
    ck_assert_ptr_nonnull(doc);
    tmodel t;
    tm_from_doc(&t, doc);
    int j = par(t.m, "ttbar_generator");
    /* one page per channel/sample the parameter acts on, as many as the analysis finds */
    hf_systematics s;
    hf_systematics_options so = {.np = "ttbar_generator"};
    ck_assert_int_eq(hf_systematics_analyze(t.m, &so, &s, &err), 0);
    for (int what = 0; what < 2; what++) {
        size_t n = 0;
        hf_scene **pg =
            hf_plot_syst_pages(t.m, "ttbar_generator", what, t.fit.x[j], t.fit.err[j], &n, &err);
        ck_assert_ptr_nonnull(pg);
        ck_assert_uint_eq(n, s.n);
        /* templates: main + ratio panel; interpolation: one panel per bin, at most six */
        size_t want = what == 0 ? 2 : (t.m->cs[s.e[0].cs].nbins < 6 ? t.m->cs[s.e[0].cs].nbins : 6);
        ck_assert_uint_eq(pg[0]->npanels, want);
        for (size_t i = 0; i < n; i++)
            hf_scene_free(pg[i]);
        free(pg);
    }
    hf_systematics_release(&s);
    /* a parameter without normsys/histosys and an unknown one are usage errors */
    size_t n = 0;
    ck_assert_ptr_null(hf_plot_syst_pages(t.m, "mu_sig", 0, NAN, NAN, &n, &err));
    ck_assert_int_eq(err.code, HF_EUSAGE);
    hf_error_release(&err);
    ck_assert_ptr_null(hf_plot_syst_pages(t.m, "nope", 1, NAN, NAN, &n, &err));
    ck_assert_int_eq(err.code, HF_EUSAGE);
    hf_error_release(&err);
    /* the ranking figure: one category per ranked parameter */
    hf_ranking r;
    hf_ranking_options ro = {.jobs = 2, .no_prefit = true};
    ck_assert_int_eq(hf_ranking_compute(t.m, &t.d, &t.fit, &ro, &r, &err), 0);
    hf_scene *sc = hf_plot_syst_ranking(t.m, &r, 7, &err);
    ck_assert_ptr_nonnull(sc);
    ck_assert_uint_eq(sc->npanels, 1);
    ck_assert_uint_eq(sc->panels[0]->y.nticks, 7);
    /* the highest-ranked parameter is the top row */
    ck_assert_str_eq(sc->panels[0]->y.ticks[0].label, t.m->par[r.e[0].par].name);
    ck_assert_double_eq_tol(sc->panels[0]->y.ticks[0].value, 6.0, 1e-12);
    hf_scene_free(sc);
    hf_ranking_release(&r);
    tm_free(&t);
}
END_TEST

Suite *
syst_suite(void)
{
    Suite *s = suite_create("syst");
    TCase *tc = tcase_create("constraints");
    tcase_add_test(tc, test_fisher_share_closed_form);
    tcase_add_test(tc, test_demo_over_constrained);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    tc = tcase_create("systematics");
    tcase_add_test(tc, test_symmetrize_by_hand);
    tcase_add_test(tc, test_prune_and_patch);
    tcase_add_test(tc, test_effects_by_hand);
    tcase_add_test(tc, test_flags_large_single_bin);
    suite_add_tcase(s, tc);
    tc = tcase_create("decorrelate");
    tcase_add_test(tc, test_decorrelate_opposite_pulls);
    tcase_add_test(tc, test_diff_round_trip);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    tc = tcase_create("ranking");
    tcase_add_test(tc, test_impacts_equal_explicit_refit);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    tc = tcase_create("gof");
    tcase_add_test(tc, test_saturated_closed_form);
    tcase_add_test(tc, test_channel_compatibility);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    tc = tcase_create("figures");
    tcase_add_test(tc, test_figures_build);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
