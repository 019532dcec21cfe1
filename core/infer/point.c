/* core/infer/point.c - one signal point of a patchset evaluated: patch, compile, then CLs or
 * upper limits through core/infer (infer.h, limit.h), with pyhf's defaults (q~ when the POI is
 * bounded below at 0). Shared by `patchset run` and the explorer's Points view. */
#include "core/infer/point.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/infer/infer.h"
#include "core/infer/limit.h"
#include "core/json/patchset.h"

/* The workspace of patch pi applied to a copy of bkg (the background-only document, read from
 * bkg_path: errors name it), and its model compiled with o->mopt and set up with o->setup.
 * Returns 0 with *ws and *m (caller frees both), or -1 with err. */
static int
point_model(const cJSON *bkg, const char *bkg_path, const hf_patchset *ps, size_t pi,
            const hf_point_options *o, hf_workspace **ws, hf_model **m, hf_error *err)
{
    *ws = NULL;
    *m = NULL;
    cJSON *doc = cJSON_Duplicate(bkg, 1);
    if (doc == NULL)
        return hf_error_nomem(err);
    if (hf_patchset_apply(ps, pi, doc, err) < 0) {
        cJSON_Delete(doc);
        return -1;
    }
    *ws = hf_workspace_from_json(doc, bkg_path, err); /* takes doc */
    if (*ws == NULL)
        return -1;
    hf_model_options none = {0};
    *m = hf_model_compile(*ws, o->mopt != NULL ? o->mopt : &none, err);
    if (*m == NULL || (o->setup != NULL && o->setup(*m, o->setup_ctx, err) < 0)) {
        hf_model_free(*m);
        hf_workspace_free(*ws);
        *m = NULL;
        *ws = NULL;
        return -1;
    }
    return 0;
}

/* CLs at o->mu, or the limits, on a ready inference context into out. */
static int
compute(hf_infer *inf, const hf_point_options *o, hf_point_result *out, hf_error *err)
{
    out->computing = true;
    if (o->limit) {
        hf_limit_options lo = {0};
        lo.cl = o->cl;
        hf_limit_result res;
        if (hf_limit_compute(inf, &lo, &res, err) < 0)
            return -1;
        out->has_limit = true;
        out->cl = res.cl;
        out->obs = res.obs;
        memcpy(out->exp, res.exp, sizeof(out->exp));
        out->lo = res.lo;
        out->hi = res.hi;
        memcpy(out->why, res.why, sizeof(out->why));
        hf_limit_result_release(&res);
        return 0;
    }
    hf_hypotest h;
    if (hf_infer_hypotest(inf, o->mu, true, &h, err) < 0)
        return -1;
    out->has_cls = true;
    out->mu = o->mu;
    out->cls = h.cls;
    memcpy(out->cls_exp, h.cls_exp, sizeof(out->cls_exp));
    out->clsb = h.clsb;
    out->clb = h.clb;
    return 0;
}

int
hf_point_eval(const cJSON *bkg, const char *bkg_path, const hf_patchset *ps, size_t pi,
              const hf_point_options *o, hf_point_result *out, hf_error *err)
{
    memset(out, 0, sizeof(*out));
    hf_workspace *ws = NULL;
    hf_model *m = NULL;
    hf_infer *inf = NULL;
    int rc = -1;
    if (point_model(bkg, bkg_path, ps, pi, o, &ws, &m, err) < 0 || m == NULL) /* (clang-tidy) */
        goto out;
    if (m->poi < 0) {
        hf_error_set(err, HF_EUSAGE, "",
                     "the patched model has no parameter of interest (pick one with --poi NAME)");
        goto out;
    }
    hf_infer_options io = {0};
    io.single_start = o->fast;
    io.cancel = o->cancel;
    if (hf_teststat_parse(o->test_stat, m, &io.test_stat) < 0 || io.test_stat == HF_TEST_Q0) {
        hf_error_set(err, HF_EUSAGE, "", "unknown test statistic '%s'", o->test_stat);
        goto out;
    }
    if ((out->poi = strdup(m->par[m->poi].name)) == NULL) {
        hf_error_nomem(err);
        goto out;
    }
    out->test_stat = hf_teststat_name(io.test_stat);
    if ((inf = hf_infer_new(m, &io, err)) == NULL)
        goto out;
    rc = compute(inf, o, out, err);
out:
    hf_infer_free(inf);
    hf_model_free(m);
    hf_workspace_free(ws);
    return rc;
}

void
hf_point_result_release(hf_point_result *r)
{
    if (r == NULL)
        return;
    free(r->poi);
    r->poi = NULL;
}
