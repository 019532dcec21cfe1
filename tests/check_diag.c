/* tests/check_diag.c - the observed-information decomposition (against the engine's analytic
 * Hessian on every reference workspace, against finite differences of the Jacobian, and against
 * closed forms on a synthetic two-channel model), its flags and explanations, and MINOS
 * intervals (against iminuit's MINOS in tests/reference). */
#include <check.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag/constraints.h"
#include "core/diag/nllshape.h"
#include "core/diag/ranking.h"
#include "core/infer/minos.h"
#include "core/json/patchset.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "core/model/workspace.h"
#include "tests/test_util.h"

Suite *diag_suite(void);

typedef struct dcase {
    cJSON *ref;
    hf_workspace *ws;
    hf_model *m;
    hf_data d;
    hf_fit_result fit;
} dcase;

static const char *const cases[] = {
    "atlas_1Lbb_CRs_bkgonly",
    "atlas_1Lbb_simplified",
    "atlas_compressed_ewkinos_bkgonly",
    "atlas_sbottom_SRA_full",
    "atlas_tutorial_fullexample",
    "pyhf_example_patchset",
    "toy_1bin_normsys",
    "toy_1bin_shapesys",
    "toy_2bin_2channel_coupledhistosys",
    "toy_2bin_2channel_coupledshapefactor",
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void
dcase_compile(dcase *c, cJSON *doc, const char *path)
{
    hf_error err = {0};
    c->ws = hf_workspace_from_json(doc, path, &err);
    ck_assert_msg(c->ws != NULL, "%s: %s", path, hf_error_msg(&err));
    c->m = hf_model_compile(c->ws, NULL, &err);
    ck_assert_msg(c->m != NULL, "%s: %s", path, hf_error_msg(&err));
    c->d = hf_model_data(c->m);
    ck_assert_int_eq(hf_fit(c->m, &c->d, NULL, &c->fit, &err), 0);
}

/* Load reference case `name` (its patchset applied when it has one) and fit it; -1 when the
 * reference set is not present. */
static int
dcase_load(dcase *c, const char *name)
{
    memset(c, 0, sizeof(*c));
    char *wspath = tu_refpath(name, "workspace.json");
    char *pspath = tu_refpath(name, "patchset.json");
    char *refpath = tu_refpath(name, "reference.json");
    FILE *f = fopen(wspath, "r");
    int rc = -1;
    if (f != NULL) {
        fclose(f);
        hf_error err = {0};
        cJSON *doc = hf_json_load_file(wspath, &err);
        ck_assert_msg(doc != NULL, "%s: %s", wspath, hf_error_msg(&err));
        FILE *pf = fopen(pspath, "r");
        if (pf != NULL) {
            fclose(pf);
            ck_assert_int_eq(hf_patchset_apply_named(doc, pspath, NULL, &err), 0);
        }
        c->ref = tu_load_json(refpath);
        dcase_compile(c, doc, wspath);
        rc = 0;
    }
    free(wspath);
    free(pspath);
    free(refpath);
    return rc;
}

static void
dcase_free(dcase *c)
{
    hf_fit_result_release(&c->fit);
    hf_model_free(c->m);
    hf_workspace_free(c->ws);
    cJSON_Delete(c->ref);
}

/* |got - want| <= rel * max(1, |want|) */
static void
assert_close(double got, double want, double rel, const char *what, const char *name)
{
    double tol = rel * fmax(1.0, fabs(want));
    ck_assert_msg(fabs(got - want) <= tol, "%s of %s: %.15g, want %.15g", what, name, got, want);
}

/* ------------------------------------------------- decomposition vs the analytic Hessian */

/* Prior + first order + curvature = the Hessian diagonal of core/model/nll.c for every
 * parameter at the best fit; channels add up to the parts, samples to the curvature. */
START_TEST(test_info_adds_up_to_hessian)
{
    dcase c;
    if (dcase_load(&c, cases[_i]) < 0)
        return;
    const hf_model *m = c.m;
    size_t np = m->npar;
    double *H = malloc(np * np * sizeof(double));
    hf_eval *ev = hf_eval_new(m);
    ck_assert(H != NULL && ev != NULL);
    ck_assert(isfinite(hf_model_hessian(ev, c.fit.x, &c.d, H)));
    hf_obsinfo in;
    hf_error err = {0};
    ck_assert_int_eq(hf_obsinfo_compute(m, &c.d, c.fit.x, true, &in, &err), 0);
    for (size_t j = 0; j < np; j++) {
        const char *nm = m->par[j].name;
        assert_close(in.total[j], H[j * np + j], 1e-10, "H_jj", nm);
        assert_close(in.prior[j] + in.first[j] + in.curv[j], in.total[j], 1e-12, "sum", nm);
        double sf = 0, sc = 0, bf = 0, bc = 0, cs = 0;
        for (size_t ch = 0; ch < m->nchan; ch++) {
            sf += in.chan_first[j * m->nchan + ch];
            sc += in.chan_curv[j * m->nchan + ch];
        }
        for (size_t b = 0; b < m->nbins; b++) {
            bf += in.bin_first[j * m->nbins + b];
            bc += in.bin_curv[j * m->nbins + b];
        }
        for (size_t k = 0; k < m->ncs; k++)
            cs += in.cs_curv[j * m->ncs + k];
        assert_close(sf, in.first[j], 1e-12, "channel first order", nm);
        assert_close(bf, in.first[j], 1e-10, "bin first order", nm);
        assert_close(sc, in.curv[j], 1e-12, "channel curvature", nm);
        assert_close(bc, in.curv[j], 1e-10, "bin curvature", nm);
        assert_close(cs, in.curv[j], 1e-10, "sample curvature", nm);
        ck_assert(in.first[j] >= 0);
    }
    hf_obsinfo_release(&in);
    hf_eval_free(ev);
    free(H);
    dcase_free(&c);
}
END_TEST

/* The per-sample second derivatives against central differences of the analytic per-sample
 * Jacobian (step 1e-5 away from the interpolation knots at +-1). */
START_TEST(test_curvature_finite_difference)
{
    dcase c;
    if (dcase_load(&c, cases[_i]) < 0)
        return;
    const hf_model *m = c.m;
    size_t np = m->npar, ny = m->nys;
    double *x = malloc(np * sizeof(double)), *d2 = malloc((ny * np + 1) * sizeof(double));
    double *jp = malloc((ny * np + 1) * sizeof(double)),
           *jm = malloc((ny * np + 1) * sizeof(double));
    ck_assert(x && d2 && jp && jm);
    memcpy(x, c.fit.x, np * sizeof(double));
    for (size_t j = 0; j < np; j++)
        if (fabs(fabs(x[j]) - 1.0) < 1e-3)
            x[j] += 3e-3; /* off the knot: code4 and code4p are C2 but not C3 there */
    ck_assert_int_eq(hf_model_curvature_by_sample(m, x, d2), 0);
    const double h = 1e-5;
    for (size_t j = 0; j < np; j++) {
        double x0 = x[j];
        x[j] = x0 + h;
        ck_assert_int_eq(hf_model_jacobian_by_sample(m, x, jp), 0);
        x[j] = x0 - h;
        ck_assert_int_eq(hf_model_jacobian_by_sample(m, x, jm), 0);
        x[j] = x0;
        for (size_t r = 0; r < ny; r++) {
            double fd = (jp[r * np + j] - jm[r * np + j]) / (2 * h);
            double scale = fmax(1e-3, fabs(jp[r * np + j]) + fabs(d2[r * np + j]));
            ck_assert_msg(fabs(fd - d2[r * np + j]) <= 1e-5 * scale, "%s row %zu: %.10g fd %.10g",
                          m->par[j].name, r, d2[r * np + j], fd);
        }
        if (np > 40 && j >= 40)
            break; /* the large models: the first 40 parameters cover every modifier type */
    }
    free(x);
    free(d2);
    free(jp);
    free(jm);
    dcase_free(&c);
}
END_TEST

/* ---------------------------------------------- the published over-constraint, explained */

static size_t
entry_of(const hf_constraints *c, const hf_model *m, const char *name)
{
    int j = hf_model_find_par(m, name);
    ck_assert_msg(j >= 0, "no parameter %s", name);
    for (size_t i = 0; i < c->n; i++)
        if (c->p[i].par == (size_t)j)
            return i;
    ck_abort_msg("%s is not in the constraints list", name);
    return 0;
}

/* The JES parameters of atlas_compressed_ewkinos_bkgonly: the fit halves their width, and the
 * decomposition must say why, adding up to the fit's width and naming curvature and channels. */
START_TEST(test_ewkinos_jes_explained)
{
    dcase c;
    if (dcase_load(&c, "atlas_compressed_ewkinos_bkgonly") < 0)
        return;
    hf_constraints con;
    hf_error err = {0};
    ck_assert_int_eq(hf_constraints_compute(c.m, &c.fit, NULL, &con, &err), 0);
    static const char *const names[] = {"JET_EffectiveNP_4", "JET_EffectiveNP_1",
                                        "JET_JER_EffectiveNP_4"};
    for (size_t k = 0; k < 3; k++) {
        size_t i = entry_of(&con, c.m, names[k]);
        const hf_constraints_par *p = &con.p[i];
        /* the conditional width reproduces the fit's (these have no strong partners) */
        ck_assert_msg(fabs(p->conditional_sigma / p->postfit_sigma - 1) < 0.05, "%s: %g vs %g",
                      names[k], p->conditional_sigma, p->postfit_sigma);
        ck_assert(p->ratio < 0.65);
        /* most of the data's information is template curvature, the prior is not 99% */
        ck_assert(p->flags & HF_CFLAG_CURVATURE);
        ck_assert(p->flags & HF_CFLAG_ONE_SIDED);
        ck_assert(p->info_curv > 0.5 * p->info);
        ck_assert(p->info_prior < 0.5 * p->info);
        char *why = hf_constraints_explain(c.m, &con, i);
        ck_assert_ptr_nonnull(why);
        ck_assert_msg(strstr(why, "template curvature") != NULL, "%s", why);
        size_t idx[64], ns = hf_constraints_info_sources(&con, i, 0.1, idx);
        ck_assert_uint_ge(ns, 1);
        ck_assert(con.nchan <= 64);
        ck_assert_msg(strstr(why, c.m->chan[idx[0]]->name) != NULL, "%s names not %s", why,
                      c.m->chan[idx[0]]->name);
        free(why);
    }
    /* a staterror at its lower bound 1e-10 (an empty signal-region bin) is flagged at_bound */
    size_t nb = 0;
    for (size_t i = 0; i < con.n; i++) {
        const hf_param *p = &c.m->par[con.p[i].par];
        double x = con.p[i].value, r = p->hi - p->lo;
        bool near = x - p->lo <= 1e-6 * r || p->hi - x <= 1e-6 * r;
        ck_assert(near == ((con.p[i].flags & HF_CFLAG_AT_BOUND) != 0));
        nb += near;
    }
    ck_assert_uint_ge(nb, 1);
    hf_constraints_release(&con);
    dcase_free(&c);
}
END_TEST

/* ------------------------------------------------------ synthetic two-channel closed forms */

/* SR: 100 events, theta a histosys with both templates above nominal (hi 110, lo 105), 80
 * observed: a deficit. CR: 10000 events, kappa a +-5% normsys, data = nominal. */
static const char *two_channel =
    "{\"channels\": ["
    " {\"name\": \"CR\", \"samples\": [{\"name\": \"bkg\", \"data\": [10000.0], \"modifiers\": ["
    "   {\"name\": \"kappa\", \"type\": \"normsys\", \"data\": {\"hi\": 1.05, \"lo\": 0.95}}]}]},"
    " {\"name\": \"SR\", \"samples\": [{\"name\": \"bkg\", \"data\": [100.0], \"modifiers\": ["
    "   {\"name\": \"theta\", \"type\": \"histosys\","
    "    \"data\": {\"hi_data\": [110.0], \"lo_data\": [105.0]}}]}]}],"
    " \"observations\": [{\"name\": \"CR\", \"data\": [10000.0]}, {\"name\": \"SR\", \"data\": "
    "[80.0]}],"
    " \"measurements\": [{\"name\": \"meas\", \"config\": {\"poi\": \"kappa\", \"parameters\": "
    "[]}}],"
    " \"version\": \"1.0.0\"}";

START_TEST(test_two_channel_closed_form)
{
    dcase c = {0};
    dcase_compile(&c, cJSON_Parse(two_channel), "two_channel.json");
    ck_assert(c.fit.converged);
    hf_constraints con;
    hf_error err = {0};
    ck_assert_int_eq(hf_constraints_compute(c.m, &c.fit, NULL, &con, &err), 0);
    /* theta: code4p delta(a) = S a + A g(a), S = (d+ + d-)/2, A = (d+ - d-)/16 with d+ = 10,
     * d- = -5, g = a^2 (15 - 10 a^2 + 3 a^4) inside |a| <= 1 (pyhf code4p) */
    size_t it = entry_of(&con, c.m, "theta");
    double a = c.fit.x[con.p[it].par];
    double S = 2.5, A = 15.0 / 16.0, a2 = a * a;
    double g = a2 * (15 - 10 * a2 + 3 * a2 * a2), g1 = a * (30 - 40 * a2 + 18 * a2 * a2),
           g2 = 30 - 120 * a2 + 90 * a2 * a2;
    double nu = 100 + S * a + A * g, n = 80;
    double first = n / (nu * nu) * (S + A * g1) * (S + A * g1), curv = (1 - n / nu) * A * g2;
    const hf_constraints_par *t = &con.p[it];
    ck_assert(fabs(a) < 1);
    assert_close(t->info_first, first, 1e-10, "first order", "theta");
    assert_close(t->info_curv, curv, 1e-10, "curvature", "theta");
    assert_close(t->info_prior, 1.0, 1e-12, "prior", "theta");
    ck_assert(curv > first);
    ck_assert(t->flags & HF_CFLAG_CURVATURE);
    ck_assert(t->flags & HF_CFLAG_ONE_SIDED);
    /* kappa: data = nominal in a 10000-event region: first order only (w = 0 at nu = n) */
    size_t ik = entry_of(&con, c.m, "kappa");
    const hf_constraints_par *k = &con.p[ik];
    ck_assert(!(k->flags & HF_CFLAG_CURVATURE));
    ck_assert(k->info_first > 0.99 * (k->info_first + fabs(k->info_curv)));
    ck_assert(k->info_first > 10 * k->info_prior);
    ck_assert(k->flags & HF_CFLAG_OVER);
    char *why = hf_constraints_explain(c.m, &con, ik);
    ck_assert_msg(why != NULL && strstr(why, "first order (largest in CR)") != NULL, "%s", why);
    free(why);
    why = hf_constraints_explain(c.m, &con, it);
    ck_assert_msg(why != NULL && strstr(why, "template curvature (largest in SR") != NULL, "%s",
                  why);
    free(why);
    hf_constraints_release(&con);
    dcase_free(&c);
}
END_TEST

/* The parameters whose removal restores the width: fixing restore[0..k] at the best fit and
 * refitting must give restore_sigma[k] as the HESSE error (the Schur complement of the
 * covariance is the inverse of the reduced Hessian); the widths shrink towards, never below,
 * the conditional width. The demo's zjets_xsec: 0.13 sigma0 marginal, 0.04 conditional. */
START_TEST(test_restoring_partners)
{
    hf_error err = {0};
    cJSON *doc = hf_json_load_file("assets/demo/demo.json", &err);
    ck_assert_ptr_nonnull(doc);
    dcase c = {0};
    dcase_compile(&c, doc, "demo.json");
    hf_constraints con;
    ck_assert_int_eq(hf_constraints_compute(c.m, &c.fit, NULL, &con, &err), 0);
    const hf_constraints_par *z = &con.p[entry_of(&con, c.m, "zjets_xsec")];
    ck_assert_uint_ge(z->nrestore, 2);
    bool *fx = malloc(c.m->npar * sizeof(bool));
    ck_assert_ptr_nonnull(fx);
    memcpy(fx, c.fit.fixed, c.m->npar * sizeof(bool));
    for (size_t k = 0; k < z->nrestore; k++) {
        fx[z->restore[k]] = true;
        hf_fit_options fo = {.init = c.fit.x, .fixed = fx, .fix_index = -1};
        hf_fit_result r;
        ck_assert_int_eq(hf_fit(c.m, &c.d, &fo, &r, &err), 0);
        ck_assert_msg(fabs(r.err[z->par] / z->restore_sigma[k] - 1) < 1e-4, "k %zu: %g vs %g", k,
                      r.err[z->par], z->restore_sigma[k]);
        ck_assert(z->restore_sigma[k] >= z->conditional_sigma * (1 - 1e-9));
        ck_assert(k == 0 || z->restore_sigma[k] < z->restore_sigma[k - 1]);
        hf_fit_result_release(&r);
    }
    free(fx);
    hf_constraints_release(&con);
    dcase_free(&c);
}
END_TEST

/* ---------------------------------------------------------------------------- MINOS */

static void
check_side(const hf_minos_side *got, cJSON *ref, const char *side, const char *name)
{
    char key[32];
    (void)snprintf(key, sizeof(key), "%s_valid", side);
    if (!cJSON_IsTrue(cJSON_GetObjectItem(ref, key)))
        return; /* MINUIT did not find it (two valleys): nothing to compare */
    double want = cJSON_GetObjectItem(ref, side)->valuedouble;
    ck_assert_msg(got->valid, "%s %s: not found", name, side);
    ck_assert_msg(fabs(got->offset - want) <= fmax(0.02 * fabs(want), 2e-3),
                  "%s %s: %.6g, MINUIT %.6g", name, side, got->offset, want);
    (void)snprintf(key, sizeof(key), "at_%s_limit", side);
    ck_assert_msg(got->at_limit == cJSON_IsTrue(cJSON_GetObjectItem(ref, key)), "%s %s limit", name,
                  side);
}

/* MINOS against iminuit's merrors through pyhf (reference minos_minuit): within 2% or 2e-3. */
START_TEST(test_minos_reference)
{
    dcase c;
    if (dcase_load(&c, cases[_i]) < 0)
        return;
    cJSON *mm = cJSON_GetObjectItem(c.ref, "minos_minuit"), *e;
    cJSON_ArrayForEach(e, mm)
    {
        int j = hf_model_find_par(c.m, e->string);
        ck_assert_msg(j >= 0, "no parameter %s", e->string);
        hf_minos_result r;
        hf_error err = {0};
        ck_assert_int_eq(hf_minos(c.m, &c.d, &c.fit, (size_t)j, NULL, &r, &err), 0);
        check_side(&r.lower, e, "lower", e->string);
        check_side(&r.upper, e, "upper", e->string);
    }
    dcase_free(&c);
}
END_TEST

/* kappa, constrained by a 10000-event region with data = nominal, has a nearly parabolic
 * profile: MINOS agrees with HESSE within 2% on both sides. Unknown names get the nearest one
 * suggested; "all" selects every free parameter. */
START_TEST(test_minos_parabola_and_names)
{
    dcase c = {0};
    dcase_compile(&c, cJSON_Parse(two_channel), "two_channel.json");
    int k = hf_model_find_par(c.m, "kappa");
    hf_minos_result r;
    hf_error err = {0};
    ck_assert_int_eq(hf_minos(c.m, &c.d, &c.fit, (size_t)k, NULL, &r, &err), 0);
    ck_assert(r.lower.valid && r.upper.valid && !r.lower.at_limit && !r.upper.at_limit);
    ck_assert_double_eq_tol(-r.lower.offset, c.fit.err[k], 0.02 * c.fit.err[k]);
    ck_assert_double_eq_tol(r.upper.offset, c.fit.err[k], 0.02 * c.fit.err[k]);
    bool sel[2];
    ck_assert_int_eq(hf_minos_select(c.m, "kapa", c.fit.fixed, sel, &err), -1);
    ck_assert_int_eq(err.code, HF_EUSAGE);
    ck_assert_msg(strstr(hf_error_msg(&err), "did you mean 'kappa'") != NULL, "%s",
                  hf_error_msg(&err));
    hf_error_release(&err);
    ck_assert_str_eq(hf_minos_nearest(c.m, "THET"), "theta"); /* a part of the name, any case */
    ck_assert_int_eq(hf_minos_select(c.m, "all", c.fit.fixed, sel, &err), 0);
    ck_assert(sel[0] && sel[1]);
    dcase_free(&c);
}
END_TEST

/* ------------------------------------------------------------------------- NLL shapes */

/* Invariants on a reference model: the conditional curve touches the Hessian parabola at the
 * best fit (second order: |q - parab| = O(dx^3)); profiling never raises the curve; the
 * profiled curve crosses 1 where MINOS does (within the grid spacing). */
START_TEST(test_nllshape_invariants)
{
    dcase c;
    if (dcase_load(&c, "pyhf_example_patchset") < 0)
        return;
    const hf_model *m = c.m;
    bool *prof = calloc(m->npar, sizeof(bool));
    ck_assert_ptr_nonnull(prof);
    prof[m->poi] = true;
    hf_nllshape sh;
    hf_error err = {0};
    hf_nllshape_options o = {.points = 201, .profile = prof};
    ck_assert_int_eq(hf_nllshape_compute(m, &c.d, &c.fit, &o, &sh, &err), 0);
    for (size_t i = 0; i < sh.ncurves; i++) {
        const hf_nllshape_curve *cv = &sh.c[i];
        size_t mid = cv->n / 2;
        if (cv->x[mid] != cv->best)
            continue; /* the range was cut by a bound: the grid is not centred */
        ck_assert_double_eq_tol(cv->q[mid], 0.0, 1e-9);
        /* 0.03 sigma from the best fit the parabola is exact to third order */
        double h = cv->x[mid + 1] - cv->x[mid];
        ck_assert_msg(fabs(cv->q[mid + 1] - cv->parab[mid + 1]) < 0.05 * cv->parab[mid + 1] + 1e-9,
                      "%s: q %g parabola %g (step %g)", m->par[cv->par].name, cv->q[mid + 1],
                      cv->parab[mid + 1], h);
    }
    const hf_nllshape_curve *pc = hf_nllshape_find(&sh, (size_t)m->poi);
    ck_assert_ptr_nonnull(pc);
    ck_assert_ptr_nonnull(pc->qprof);
    double up = NAN;
    for (size_t k = 0; k < pc->n; k++) {
        ck_assert(pc->qprof[k] <= pc->q[k] + 1e-6);
        if (k > pc->n / 2 && isnan(up) && pc->qprof[k] >= 1.0)
            up = pc->x[k] - pc->best;
    }
    hf_minos_result mr;
    ck_assert_int_eq(hf_minos(m, &c.d, &c.fit, (size_t)m->poi, NULL, &mr, &err), 0);
    double dx = pc->x[1] - pc->x[0];
    ck_assert_msg(fabs(up - mr.upper.offset) <= dx, "scan %g, MINOS %g", up, mr.upper.offset);
    hf_nllshape_release(&sh);
    free(prof);
    dcase_free(&c);
}
END_TEST

/* A normsys with hi 1.2, lo 0.9 under code 1 (piecewise exponential) has a kink at 0: a slope
 * jump when the data differ from nominal (110 observed), a curvature jump when the minimum sits
 * on the knot (100 observed). Flagged there; under code 4 (smooth) it is not. */
#define KINK_WS(OBS)                                                                               \
    "{\"channels\": [{\"name\": \"SR\", \"samples\": [{\"name\": \"bkg\", \"data\": [100.0],"      \
    " \"modifiers\": [{\"name\": \"k\", \"type\": \"normsys\", \"data\": {\"hi\": 1.2, \"lo\": "   \
    "0.9}}]}]}],"                                                                                  \
    " \"observations\": [{\"name\": \"SR\", \"data\": [" OBS "]}],"                                \
    " \"measurements\": [{\"name\": \"meas\", \"config\": {\"poi\": \"k\", \"parameters\": []}}]," \
    " \"version\": \"1.0.0\"}"
static const char *const kink_ws[2] = {KINK_WS("100.0"), KINK_WS("110.0")};

START_TEST(test_nllshape_kink)
{
    for (int v = 0; v < 4; v++) {
        int code1 = v & 1;
        hf_error err = {0};
        hf_workspace *ws = hf_workspace_from_json(cJSON_Parse(kink_ws[v / 2]), "kink.json", &err);
        ck_assert_ptr_nonnull(ws);
        hf_model_options mo = {.normsys_code = code1 ? HF_INTERP_CODE1 : HF_INTERP_CODE4,
                               .histosys_code = HF_INTERP_CODE4P};
        hf_model *m = hf_model_compile(ws, &mo, &err);
        ck_assert_ptr_nonnull(m);
        hf_data d = hf_model_data(m);
        hf_fit_result fit;
        ck_assert_int_eq(hf_fit(m, &d, NULL, &fit, &err), 0);
        hf_nllshape sh;
        ck_assert_int_eq(hf_nllshape_compute(m, &d, &fit, NULL, &sh, &err), 0);
        ck_assert_uint_eq(sh.ncurves, 1);
        ck_assert_msg(((sh.c[0].flags & HF_NLLSHAPE_KINK) != 0) == (code1 == 1), "code1 %d: %u",
                      code1, sh.c[0].flags);
        ck_assert(!(sh.c[0].flags & (HF_NLLSHAPE_FLAT | HF_NLLSHAPE_DOUBLE_MIN)));
        if (code1)
            ck_assert_double_eq(sh.c[0].kink_at, 0.0);
        hf_nllshape_release(&sh);
        hf_fit_result_release(&fit);
        hf_model_free(m);
        hf_workspace_free(ws);
    }
}
END_TEST

/* ----------------------------------------------------------------------------- ranking */

/* sbottom's POI sits on its lower bound (reference minos_minuit says so): the refit impacts
 * cannot move it down, so the ranking must switch to the covariance impacts, say so, and rank
 * the free normalisation factors too. */
START_TEST(test_ranking_poi_at_bound)
{
    dcase c;
    if (dcase_load(&c, "atlas_sbottom_SRA_full") < 0)
        return;
    cJSON *lim = tu_get(c.ref, "minos_minuit/mu_SIG/at_lower_limit");
    ck_assert(cJSON_IsTrue(lim));
    hf_ranking r;
    hf_error err = {0};
    ck_assert_int_eq(hf_ranking_compute(c.m, &c.d, &c.fit, NULL, &r, &err), 0);
    ck_assert(r.poi_at_bound);
    ck_assert_int_eq(r.method, HF_RANKING_COVARIANCE);
    bool free_seen = false;
    size_t np = c.m->npar;
    for (size_t i = 0; i < r.n; i++) {
        const hf_ranking_entry *e = &r.e[i];
        free_seen |= c.m->par[e->par].con == HF_CON_NONE;
        double want = c.fit.cov[(size_t)c.m->poi * np + e->par] / c.fit.err[e->par];
        ck_assert_double_eq_tol(e->impact_cov[0], want, 1e-12 * fmax(1, fabs(want)));
        if (i > 0)
            ck_assert(r.e[i - 1].key >= e->key);
    }
    ck_assert(free_seen);
    ck_assert(r.e[0].key > 0);
    hf_ranking_release(&r);
    dcase_free(&c);
}
END_TEST

/* Where the POI is free, the covariance impact is the linear response of the refit impacts:
 * close to their half-difference for the leading parameters of a mildly non-linear model. The
 * grouped impacts: a group holding every constrained parameter reproduces the stat-only fit,
 * so its impact equals the systematic part; stat <= total. */
START_TEST(test_ranking_groups)
{
    dcase c;
    if (dcase_load(&c, "pyhf_example_patchset") < 0)
        return;
    hf_ranking r;
    hf_error err = {0};
    ck_assert_int_eq(hf_ranking_compute(c.m, &c.d, &c.fit, NULL, &r, &err), 0);
    ck_assert_int_eq(r.method, HF_RANKING_REFIT);
    for (size_t i = 0; i < 3 && i < r.n; i++) {
        const hf_ranking_entry *e = &r.e[i];
        double half = 0.5 * (e->impact_postfit[0] - e->impact_postfit[1]);
        ck_assert_msg(fabs(e->impact_cov[0] - half) < 0.15 * fabs(half), "%s: %g vs %g",
                      c.m->par[e->par].name, e->impact_cov[0], half);
    }
    int *g = malloc(c.m->npar * sizeof(int));
    ck_assert_ptr_nonnull(g);
    for (size_t j = 0; j < c.m->npar; j++)
        g[j] = c.m->par[j].con != HF_CON_NONE ? 0 : -1;
    hf_ranking_groups gr;
    ck_assert_int_eq(hf_ranking_groups_compute(c.m, &c.d, &c.fit, g, 1, &gr, &err), 0);
    ck_assert_double_eq_tol(gr.total, c.fit.err[c.m->poi], 1e-12);
    ck_assert(gr.stat <= gr.total);
    ck_assert_double_eq_tol(gr.g[0].poi_error, gr.stat, 1e-9);
    ck_assert_double_eq_tol(gr.g[0].impact, gr.syst, 1e-9);
    ck_assert_double_eq_tol(gr.stat * gr.stat + gr.syst * gr.syst, gr.total * gr.total, 1e-12);
    hf_ranking_groups_release(&gr);
    free(g);
    hf_ranking_release(&r);
    dcase_free(&c);
}
END_TEST

/* One bin, nominal 100, a histosys with both templates above nominal (112 and 108) and 108
 * observed: nu(t) = 100 + S t + A g(t) (code 4p, S = 2, A = 20/16; linear beyond |t| = 1 with
 * slopes 12 and -8) crosses 108 on both sides of 0, so the likelihood has two valleys. The
 * conditional curve must equal the closed form 2 (nu - n ln nu) + t^2 minus its value at the best
 * fit, and be flagged double_minimum. */
static const char *double_min_ws =
    "{\"channels\": [{\"name\": \"SR\", \"samples\": [{\"name\": \"bkg\", \"data\": [100.0],"
    " \"modifiers\": [{\"name\": \"t\", \"type\": \"histosys\", \"data\": {\"hi_data\": [112.0],"
    " \"lo_data\": [108.0]}}, {\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}]}],"
    " \"observations\": [{\"name\": \"SR\", \"data\": [108.0]}],"
    " \"measurements\": [{\"name\": \"meas\", \"config\": {\"poi\": \"mu\", \"parameters\":"
    " [{\"name\": \"mu\", \"fixed\": true}]}}], \"version\": \"1.0.0\"}";

static double
double_min_q(double t)
{
    double nu;
    if (t > 1)
        nu = 100 + 12 * t;
    else if (t < -1)
        nu = 100 - 8 * t;
    else
        nu = 100 + 2 * t + 1.25 * t * t * (15 - 10 * t * t + 3 * t * t * t * t);
    return 2 * (nu - 108 * log(nu)) + t * t;
}

START_TEST(test_nllshape_double_minimum)
{
    dcase c = {0};
    dcase_compile(&c, cJSON_Parse(double_min_ws), "double_min.json");
    hf_nllshape sh;
    hf_error err = {0};
    hf_nllshape_options o = {.range = 6};
    ck_assert_int_eq(hf_nllshape_compute(c.m, &c.d, &c.fit, &o, &sh, &err), 0);
    ck_assert_uint_eq(sh.ncurves, 1);
    const hf_nllshape_curve *cv = &sh.c[0];
    double q0 = double_min_q(cv->best);
    for (size_t i = 0; i < cv->n; i++)
        ck_assert_msg(fabs(cv->q[i] - (double_min_q(cv->x[i]) - q0)) < 1e-8, "t %g: %g vs %g",
                      cv->x[i], cv->q[i], double_min_q(cv->x[i]) - q0);
    ck_assert(cv->flags & HF_NLLSHAPE_DOUBLE_MIN);
    ck_assert(!(cv->flags & HF_NLLSHAPE_KINK));
    hf_nllshape_release(&sh);
    dcase_free(&c);
}
END_TEST

Suite *
diag_suite(void)
{
    Suite *s = suite_create("diag");
    TCase *tc = tcase_create("information");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_info_adds_up_to_hessian, 0, (int)NCASES);
    tcase_add_loop_test(tc, test_curvature_finite_difference, 0, (int)NCASES);
    tcase_add_test(tc, test_ewkinos_jes_explained);
    tcase_add_test(tc, test_two_channel_closed_form);
    tcase_add_test(tc, test_restoring_partners);
    suite_add_tcase(s, tc);
    TCase *tm = tcase_create("minos");
    tcase_set_timeout(tm, 120);
    tcase_add_loop_test(tm, test_minos_reference, 0, (int)NCASES);
    tcase_add_test(tm, test_minos_parabola_and_names);
    suite_add_tcase(s, tm);
    TCase *tn = tcase_create("nllshape");
    tcase_set_timeout(tn, 120);
    tcase_add_test(tn, test_nllshape_invariants);
    tcase_add_test(tn, test_nllshape_kink);
    tcase_add_test(tn, test_nllshape_double_minimum);
    suite_add_tcase(s, tn);
    TCase *tr = tcase_create("ranking");
    tcase_set_timeout(tr, 120);
    tcase_add_test(tr, test_ranking_poi_at_bound);
    tcase_add_test(tr, test_ranking_groups);
    suite_add_tcase(s, tr);
    return s;
}
