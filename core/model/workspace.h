/* core/model/workspace.h - the parsed, validated pyhf JSON workspace (schema 1.0.0); read-only
 * after load. Arrays keep the input's order; `jindex` is the position in the JSON array, for
 * pointers. */
#ifndef HF_WORKSPACE_H
#define HF_WORKSPACE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/json/jsontext.h"

struct cJSON;

typedef enum hf_modtype {
    HF_MOD_NORMFACTOR = 0,
    HF_MOD_SHAPEFACTOR,
    HF_MOD_NORMSYS,
    HF_MOD_HISTOSYS,
    HF_MOD_LUMI,
    HF_MOD_STATERROR,
    HF_MOD_SHAPESYS,
    HF_MOD_COUNT
} hf_modtype;

typedef struct hf_ws_modifier {
    const char *name;
    size_t name_id; /* the same for every modifier of this name: 0 .. hf_workspace.nmodnames-1 */
    hf_modtype type;
    size_t jindex;
    double hi, lo;         /* normsys: factors at +1 / -1 sigma */
    const double *hi_data; /* histosys: up template (nbins) */
    const double *lo_data; /* histosys: down template (nbins) */
    const double *data;    /* staterror/shapesys: absolute uncertainties (nbins) */
} hf_ws_modifier;

typedef struct hf_ws_sample {
    const char *name;
    size_t jindex;
    const double *data; /* nominal yields, channel nbins */
    size_t nmod;
    hf_ws_modifier *mod;
} hf_ws_sample;

typedef struct hf_ws_channel {
    const char *name;
    size_t jindex, obs_jindex; /* positions in /channels and /observations */
    size_t nbins;
    size_t nsamples;
    hf_ws_sample *sample;
    const double *obs; /* observed counts (nbins) */
} hf_ws_channel;

typedef struct hf_ws_parconfig {
    const char *name;
    size_t jindex;
    size_t ninits, nbounds, naux, nsigmas, nfactors;
    const double *inits;
    const double (*bounds)[2];
    const double *auxdata, *sigmas, *factors;
    bool fixed, has_fixed;
} hf_ws_parconfig;

typedef struct hf_ws_measurement {
    const char *name;
    const char *poi; /* may name a parameter the model lacks (BkgOnly.json): the model warns */
    size_t jindex;
    size_t npar;
    hf_ws_parconfig *par;
} hf_ws_measurement;

typedef struct hf_workspace {
    hf_arena arena;
    const char *path;
    const char *version;
    /* the validated document (for transformations that write JSON); read-only: the names above
     * point into it */
    struct cJSON *doc;
    size_t nchan;
    hf_ws_channel *chan;
    size_t nmodnames; /* distinct modifier names (parameter sets) */
    size_t nmeas;
    hf_ws_measurement *meas;
    /* warnings found while loading (e.g. slightly negative nominal yields), one line each */
    size_t nwarn;
    char **warn;
} hf_workspace;

/* Read, parse and validate a workspace file. Returns NULL with err filled on failure. */
hf_workspace *hf_workspace_load(const char *path, hf_error *err);
/* Validate an already-parsed document; takes ownership of doc (also on failure). */
hf_workspace *hf_workspace_from_json(struct cJSON *doc, const char *path, hf_error *err);
void hf_workspace_free(hf_workspace *ws);

const hf_ws_measurement *hf_workspace_measurement(const hf_workspace *ws, const char *name);
const char *hf_modtype_name(hf_modtype t);

#endif
