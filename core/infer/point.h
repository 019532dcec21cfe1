/* core/infer/point.h - one signal point of a patchset: the background-only workspace with the
 * point's patch applied, compiled, and its CLs at one POI value or its upper limits. The one
 * evaluation `patchset run` and the explorer's Points view both use. */
#ifndef HF_POINT_H
#define HF_POINT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/model.h"
#include "core/model/workspace.h"

struct cJSON;
struct hf_patchset;

typedef struct hf_point_options {
    const hf_model_options *mopt; /* measurement, POI, interpolation codes (NULL: defaults) */
    /* called on the compiled model before any fit (fit settings, fixed parameters); 0 or -1
     * with err. NULL: nothing. */
    int (*setup)(hf_model *m, void *ctx, hf_error *err);
    void *setup_ctx;
    const char *test_stat; /* "qtilde", "q" or "auto"/NULL (by the POI's lower bound) */
    bool fast;             /* one start per conditional fit (hf_infer_options.single_start) */
    bool limit;            /* upper limits (at cl) instead of CLs at mu */
    double mu, cl;
    atomic_int *cancel; /* checked by every fit; NULL: never */
} hf_point_options;

typedef struct hf_point_result {
    char *poi;             /* the POI's name (owned) */
    const char *test_stat; /* hf_teststat_name (static) */
    bool has_cls;          /* !limit: CLs at mu */
    double mu, cls, cls_exp[5], clsb, clb;
    bool has_limit; /* limit: obs and exp (-2..+2 sigma), NAN outside [lo, hi] */
    double cl, obs, exp[5], lo, hi;
    int why[6];     /* per NAN limit (obs, exp -2..+2): 1 CLs below 1 - cl already at lo, 2 above
                       it up to hi (hf_limit_result.why) */
    bool computing; /* on failure: the failure came from the computation (a fit), not from
                       applying the patch or building the model */
} hf_point_result;

/* Evaluate patch pi: CLs at o->mu or the upper limits at o->cl, as o->limit says. Returns 0 or
 * -1 with err (out->computing says whether a fit failed or the input was bad); out is filled as
 * far as it got; release it either way. */
int hf_point_eval(const struct cJSON *bkg, const char *bkg_path, const struct hf_patchset *ps,
                  size_t pi, const hf_point_options *o, hf_point_result *out, hf_error *err);
void hf_point_result_release(hf_point_result *r);

#endif
