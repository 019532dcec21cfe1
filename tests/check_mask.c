/* tests/check_mask.c - masked fits (core/model/blind.h, hf_model.mask): a mask of nothing leaves
 * -log L as pyhf computes it, the masked gradient and Hessian match finite differences, and a fit
 * with channels masked equals the fit of the workspace with those channels pruned. */
#include <check.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/patchset.h"
#include "core/json/wsedit.h"
#include "core/model/blind.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "tests/test_util.h"

Suite *mask_suite(void);

/* The workspace document of a reference case, NULL when the reference set lacks it. */
static cJSON *
load_doc(const char *name)
{
    char *path = tu_refpath(name, "workspace.json");
    FILE *f = fopen(path, "r");
    hf_error err = {0};
    cJSON *doc = NULL;
    if (f != NULL) {
        fclose(f);
        doc = hf_json_load_file(path, &err);
        ck_assert_msg(doc != NULL, "%s: %s", path, hf_error_msg(&err));
    }
    free(path);
    return doc;
}

static hf_model *
compile_doc(const cJSON *doc, hf_workspace **ws)
{
    hf_error err = {0};
    cJSON *copy = cJSON_Duplicate(doc, 1);
    *ws = hf_workspace_from_json(copy, "workspace.json", &err);
    ck_assert_msg(*ws != NULL, "%s", hf_error_msg(&err));
    hf_model *m = hf_model_compile(*ws, NULL, &err);
    ck_assert_msg(m != NULL, "%s", hf_error_msg(&err));
    return m;
}

/* A mask of no bin: -log L is bit for bit the unmasked one, and pyhf's logpdf at init and at
 * its best fit (reference.json). */
START_TEST(test_mask_nothing_is_reference)
{
    cJSON *doc = load_doc("atlas_compressed_ewkinos_bkgonly");
    if (doc == NULL)
        return; /* the reference set is optional */
    char *refpath = tu_refpath("atlas_compressed_ewkinos_bkgonly", "reference.json");
    cJSON *ref = tu_load_json(refpath);
    free(refpath);
    hf_workspace *ws;
    hf_model *m = compile_doc(doc, &ws);
    bool *none = calloc(m->nbins, sizeof(bool));
    hf_eval *ev = hf_eval_new(m);
    hf_data d = hf_model_data(m);
    const char *blocks[] = {"init", "bestfit"};
    for (size_t i = 0; i < 2; i++) {
        cJSON *blk = tu_get(ref, blocks[i]);
        size_t n;
        double *pars = tu_numbers(tu_get(blk, "pars"), &n);
        ck_assert_uint_eq(n, m->npar);
        m->mask = NULL;
        double plain = hf_model_nll(ev, pars, &d);
        m->mask = none;
        double masked = hf_model_nll(ev, pars, &d);
        double want = -tu_get(blk, "logpdf")->valuedouble;
        ck_assert_msg(masked == plain, "%s: %.17g masked, %.17g not", blocks[i], masked, plain);
        ck_assert_msg(fabs(masked - want) <= 1e-9 * fabs(want), "%s: %.12g, pyhf %.12g", blocks[i],
                      masked, want);
        free(pars);
    }
    hf_eval_free(ev);
    free(none);
    hf_model_free(m);
    hf_workspace_free(ws);
    cJSON_Delete(ref);
    cJSON_Delete(doc);
}
END_TEST

/* Flags for every bin of the channels whose names start with prefix. */
static bool *
mask_prefix(const hf_model *m, const char *prefix)
{
    bool *mask = calloc(m->nbins + 1, sizeof(bool));
    hf_error err = {0};
    char pat[64];
    snprintf(pat, sizeof pat, "%s*", prefix);
    ck_assert_int_eq(hf_blind_channels(m, pat, mask, &err), 0);
    return mask;
}

/* With SR channels masked: the gradient against central differences of -log L, the Hessian
 * against central differences of the gradient, and the masked bins truly out (their data may
 * change without changing anything). */
START_TEST(test_mask_gradient_fd)
{
    cJSON *doc = load_doc("atlas_compressed_ewkinos_bkgonly");
    if (doc == NULL)
        return;
    hf_workspace *ws;
    hf_model *m = compile_doc(doc, &ws);
    bool *mask = mask_prefix(m, "SR");
    m->mask = mask;
    size_t n = m->npar;
    double *x = malloc(n * sizeof(double)), *g = malloc(n * sizeof(double));
    double *g1 = malloc(n * sizeof(double)), *g2 = malloc(n * sizeof(double));
    double *H = malloc(n * n * sizeof(double)), *obs = malloc(m->nbins * sizeof(double));
    hf_eval *ev = hf_eval_new(m);
    hf_data d = hf_model_data(m);
    for (size_t j = 0; j < n; j++) /* away from the kinks and the minimum */
        x[j] = m->init[j] + 0.013 * (double)((j * 7) % 11) / 11.0 * (m->par[j].sigma > 0 ? 1 : 0);
    double f = hf_model_nll_grad(ev, x, &d, g);
    hf_model_hessian(ev, x, &d, H);
    double worst = 0, worst_h = 0;
    for (size_t j = 0; j < n; j++) {
        double h = 1e-5 * fmax(1.0, fabs(x[j])), xj = x[j];
        x[j] = xj + h;
        double fp = hf_model_nll(ev, x, &d);
        hf_model_nll_grad(ev, x, &d, g1);
        x[j] = xj - h;
        double fm = hf_model_nll(ev, x, &d);
        hf_model_nll_grad(ev, x, &d, g2);
        x[j] = xj;
        double fd = (fp - fm) / (2 * h), e = fabs(fd - g[j]) / fmax(1.0, fabs(g[j]));
        worst = e > worst ? e : worst;
        for (size_t k = 0; k < n; k++) {
            double hd = (g1[k] - g2[k]) / (2 * h);
            double eh = fabs(hd - H[k * n + j]) / fmax(1.0, fabs(H[k * n + j]));
            worst_h = eh > worst_h ? eh : worst_h;
        }
    }
    ck_assert_msg(worst < 1e-5, "masked gradient off finite differences by %g", worst);
    ck_assert_msg(worst_h < 1e-4, "masked Hessian off finite differences by %g", worst_h);
    /* the masked bins' data play no part */
    memcpy(obs, m->obs, m->nbins * sizeof(double));
    for (size_t b = 0; b < m->nbins; b++)
        if (mask[b])
            obs[b] = obs[b] * 3 + 7;
    hf_data d2 = {obs, d.aux};
    ck_assert(hf_model_nll(ev, x, &d2) == f);
    hf_eval_free(ev);
    free(x);
    free(g);
    free(g1);
    free(g2);
    free(H);
    free(obs);
    free(mask);
    hf_model_free(m);
    hf_workspace_free(ws);
    cJSON_Delete(doc);
}
END_TEST

/* The parameters acting on a flagged bin (npar flags). */
static bool *
touching(const hf_model *m, const bool *mask)
{
    bool *t = calloc(m->npar + 1, sizeof(bool));
    for (size_t k = 0; k < m->ncs; k++) {
        const hf_cs *e = &m->cs[k];
        for (size_t i = 0; i < e->nterm; i++) {
            const hf_term *T = &m->term[e->term0 + i];
            bool perbin = i >= e->nscal && i < e->nscal + e->nbinf;
            for (size_t b = 0; b < e->nbins; b++)
                if (mask[e->off + b])
                    t[perbin ? T->par + b : T->par] = true;
        }
    }
    return t;
}

/* The names of the channels whose names start with prefix (borrowed from m). */
static size_t
names_prefix(const hf_model *m, const char *prefix, const char **out)
{
    size_t n = 0;
    for (size_t c = 0; c < m->nchan; c++)
        if (strncmp(m->chan[c]->name, prefix, strlen(prefix)) == 0)
            out[n++] = m->chan[c]->name;
    return n;
}

/* A fit with the channels of prefix masked against the fit of the workspace without them:
 * every parameter of the pruned model not acting on a masked bin agrees within 1e-6. */
static void
check_pruned(const char *name, const char *prefix)
{
    cJSON *doc = load_doc(name);
    if (doc == NULL)
        return;
    hf_workspace *ws, *ws2;
    hf_model *m = compile_doc(doc, &ws);
    const char **names = calloc(m->nchan + 1, sizeof(char *));
    hf_wsedit_ops ops;
    memset(&ops, 0, sizeof ops);
    ops.prune_channels.n = names_prefix(m, prefix, names);
    ops.prune_channels.from = names;
    ck_assert_uint_gt(ops.prune_channels.n, 0);
    hf_error err = {0};
    cJSON *pruned = hf_wsedit_prune_rename(doc, &ops, &err);
    ck_assert_msg(pruned != NULL, "%s", hf_error_msg(&err));
    hf_model *p = compile_doc(pruned, &ws2);
    bool *mask = mask_prefix(m, prefix), *touch = touching(m, mask);
    m->mask = mask;
    m->fit_tol = p->fit_tol = 1e-14;
    hf_data d = hf_model_data(m), dp = hf_model_data(p);
    hf_fit_result r, rp;
    ck_assert_int_eq(hf_fit(m, &d, NULL, &r, &err), 0);
    ck_assert_int_eq(hf_fit(p, &dp, NULL, &rp, &err), 0);
    ck_assert(r.converged && rp.converged);
    size_t compared = 0;
    for (size_t j = 0; j < p->npar; j++) {
        int k = hf_model_find_par(m, p->par[j].name);
        ck_assert_int_ge(k, 0);
        if (touch[k])
            continue;
        compared++;
        ck_assert_msg(fabs(r.x[k] - rp.x[j]) <= 1e-6 * fmax(1.0, fabs(rp.x[j])),
                      "%s: %s masked %.10g, pruned %.10g", name, p->par[j].name, r.x[k], rp.x[j]);
        ck_assert_msg(fabs(r.err[k] - rp.err[j]) <= 1e-5 * fmax(1e-3, rp.err[j]),
                      "%s: error of %s masked %.10g, pruned %.10g", name, p->par[j].name, r.err[k],
                      rp.err[j]);
    }
    ck_assert_uint_gt(compared, 0);
    /* a masked bin's per-bin gamma sits at its prior, its error the prior width */
    for (size_t k = 0; k < m->npar; k++)
        if (touch[k] && (m->par[k].types & (1u << HF_MOD_STATERROR)) && !r.fixed[k]) {
            double centre, width;
            bool any_open = false;
            for (size_t j = 0; j < p->npar && !any_open; j++)
                any_open = strcmp(p->par[j].name, m->par[k].name) == 0;
            if (any_open || !hf_param_prior(&m->par[k], &centre, &width))
                continue;
            ck_assert_msg(fabs(r.x[k] - centre) < 1e-6, "%s at %g", m->par[k].name, r.x[k]);
            ck_assert_msg(fabs(r.err[k] - width) < 1e-6 * width, "%s: error %g, prior %g",
                          m->par[k].name, r.err[k], width);
        }
    hf_fit_result_release(&r);
    hf_fit_result_release(&rp);
    free(mask);
    free(touch);
    free((void *)names);
    hf_model_free(p);
    hf_workspace_free(ws2);
    cJSON_Delete(pruned);
    hf_model_free(m);
    hf_workspace_free(ws);
    cJSON_Delete(doc);
}

START_TEST(test_mask_equals_pruned)
{
    check_pruned("atlas_compressed_ewkinos_bkgonly", "SR");
    check_pruned("atlas_sbottom_SRA_full", "VR");
}
END_TEST

/* A parameter acting on masked bins only, without a constraint, is held (not left flat). */
START_TEST(test_mask_idle)
{
    cJSON *doc = load_doc("atlas_sbottom_SRA_full");
    if (doc == NULL)
        return;
    hf_workspace *ws;
    hf_model *m = compile_doc(doc, &ws);
    bool *all = calloc(m->nbins + 1, sizeof(bool)), *idle = calloc(m->npar + 1, sizeof(bool));
    for (size_t b = 0; b < m->nbins; b++)
        all[b] = true;
    m->mask = all;
    long n = hf_blind_idle_params(m, idle);
    long want = 0;
    for (size_t j = 0; j < m->npar; j++)
        want += m->par[j].con == HF_CON_NONE && m->par[j].types != 0;
    ck_assert_int_eq(n, want);
    hf_data d = hf_model_data(m);
    hf_fit_result r;
    hf_error err = {0};
    ck_assert_int_eq(hf_fit(m, &d, NULL, &r, &err), 0);
    ck_assert(r.converged && r.hesse_ok);
    for (size_t j = 0; j < m->npar; j++)
        if (idle[j])
            ck_assert(r.fixed[j] && r.x[j] == m->init[j]);
    hf_fit_result_release(&r);
    free(all);
    free(idle);
    hf_model_free(m);
    hf_workspace_free(ws);
    cJSON_Delete(doc);
}
END_TEST

/* The blinding rule against its definition, computed here from the per-sample yields: a bin
 * outside the CR channels is blinded when its signal (at init) exceeds the threshold times the
 * background (every other sample at the POI's background-only value); raising the threshold
 * past the largest ratio blinds nothing; an unknown channel pattern is a usage error naming it. */
START_TEST(test_blind_rule)
{
    cJSON *doc = load_doc("atlas_sbottom_SRA_full");
    if (doc == NULL)
        return;
    char *pspath = tu_refpath("atlas_sbottom_SRA_full", "patchset.json");
    hf_error err = {0};
    ck_assert_msg(hf_patchset_apply_named(doc, pspath, NULL, &err) == 0, "%s", hf_error_msg(&err));
    free(pspath);
    hf_workspace *ws;
    hf_model *m = compile_doc(doc, &ws);
    ck_assert_int_ge(m->poi, 0);
    size_t nb = m->nbins;
    double *ys = malloc(m->nys * sizeof(double)), *nu = malloc(nb * sizeof(double));
    double *sig = calloc(nb, sizeof(double)), *bkg = calloc(nb, sizeof(double));
    hf_model_expected(m, m->init, nu, ys);
    for (size_t k = 0; k < m->ncs; k++)
        for (size_t b = 0; b < m->cs[k].nbins; b++) {
            bool s = hf_blind_is_signal(m, k);
            (s ? sig : bkg)[m->cs[k].off + b] += ys[m->cs[k].ys + b];
            if (s) /* the signal sample is scaled by the POI's normfactor */
                ck_assert(strstr(m->samp_name[m->cs[k].samp], "sbottom") != NULL);
        }
    bool *bl = calloc(nb, sizeof(bool));
    hf_blind_options o = {.by_signal = true};
    long n = hf_blind_bins(m, &o, bl, &err);
    long want = 0;
    double top = 0;
    for (size_t c = 0; c < m->nchan; c++)
        for (size_t b = m->chan_off[c]; b < m->chan_off[c] + m->chan_nbins[c]; b++) {
            bool cr = strncmp(m->chan[c]->name, "CR", 2) == 0;
            bool expect = !cr && sig[b] > HF_BLIND_THRESHOLD * bkg[b];
            ck_assert_msg(bl[b] == expect, "%s bin %zu: s %g b %g", m->chan[c]->name,
                          b - m->chan_off[c], sig[b], bkg[b]);
            want += expect;
            if (!cr && bkg[b] > 0 && sig[b] / bkg[b] > top)
                top = sig[b] / bkg[b];
        }
    ck_assert_int_eq(n, want);
    ck_assert_int_gt(n, 0); /* the test can fail: the signal region is blinded */
    memset(bl, 0, nb * sizeof(bool));
    o.threshold = 1.01 * top;
    ck_assert_int_eq(hf_blind_bins(m, &o, bl, &err), 0);
    o.channels = "VR*,nosuch";
    ck_assert_int_eq(hf_blind_bins(m, &o, bl, &err), -1);
    ck_assert_int_eq(err.code, HF_EUSAGE);
    ck_assert_str_eq(err.where, "nosuch");
    hf_error_release(&err);
    free(ys);
    free(nu);
    free(sig);
    free(bkg);
    free(bl);
    hf_model_free(m);
    hf_workspace_free(ws);
    cJSON_Delete(doc);
}
END_TEST

Suite *
mask_suite(void)
{
    Suite *s = suite_create("mask");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_mask_nothing_is_reference);
    tcase_add_test(tc, test_mask_gradient_fd);
    tcase_add_test(tc, test_mask_equals_pruned);
    tcase_add_test(tc, test_mask_idle);
    tcase_add_test(tc, test_blind_rule);
    suite_add_tcase(s, tc);
    return s;
}
