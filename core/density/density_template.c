/* core/density/density_template.c - a generated template with its bootstrap band, into a workspace.
 */
#include "core/density/density_template.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "core/density/binest.h"

void
hf_density_template_free(hf_density_template *g)
{
    if (g == NULL)
        return;
    free(g->nominal);
    free(g->generated);
    free(g->sd_train);
    free(g->sd_sampling);
    free(g->sd);
    free(g->beta);
    free(g);
}

/* The generated template (see the header). Returns NULL with err; caller frees. */
hf_density_template *
hf_density_template_make(const hf_density_truth *truth, const double *nominal, size_t bins,
                         const hf_density_template_config *cfg, hf_error *err)
{
    if (cfg->n < 2)
        return hf_error_set(err, HF_EUSAGE, "", "a generated template needs n >= 2"), NULL;
    if (cfg->boot < 2)
        return hf_error_set(err, HF_EUSAGE, "", "the bootstrap needs >= 2 members"), NULL;
    if (!(cfg->draws >= 1 && cfg->draws <= 4e9))
        return hf_error_set(err, HF_EUSAGE, "",
                            "M = %g generated events is outside [1, 4e9] (default M = 100 n)",
                            cfg->draws),
               NULL;
    size_t n = cfg->n, B = bins;
    double lo = hf_density_truth_lo(truth), hi = hf_density_truth_hi(truth);
    hf_density_template *g = calloc(1, sizeof(*g));
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
    double *x = malloc(n * sizeof(double)), *q = malloc(B * sizeof(double));
    double *qd = malloc(B * sizeof(double)), *mean = malloc(B * sizeof(double));
    if (g == NULL || rng == NULL || x == NULL || q == NULL || qd == NULL || mean == NULL)
        goto nomem;
    g->bins = B;
    g->n = n;
    g->boot = cfg->boot;
    g->draws = floor(cfg->draws + 0.5);
    g->nominal = malloc(B * sizeof(double));
    g->generated = calloc(B, sizeof(double));
    g->sd_train = malloc(B * sizeof(double));
    g->sd_sampling = malloc(B * sizeof(double));
    g->sd = malloc(B * sizeof(double));
    g->beta = calloc(B, sizeof(double));
    if (g->nominal == NULL || g->generated == NULL || g->sd_train == NULL ||
        g->sd_sampling == NULL || g->sd == NULL || g->beta == NULL)
        goto nomem;
    memcpy(g->nominal, nominal, B * sizeof(double));
    for (size_t b = 0; b < B; b++)
        g->yield += nominal[b] > 0 ? nominal[b] : 0.0;

    /* train: n events from the template, the KDE, and (debias) its bias estimate */
    gsl_rng_set(rng, cfg->seed);
    for (size_t i = 0; i < n; i++)
        x[i] = hf_density_truth_sample_one(truth, rng);
    hf_binest est = {.kind = HF_BINEST_KDE,
                     .bins = B,
                     .lo = lo,
                     .hi = hi,
                     .rule = cfg->rule,
                     .bw_value = cfg->bw_value,
                     .reflect = cfg->reflect,
                     .exact = n <= HF_KDE_EXACT_MAX};
    if (hf_binest_eval(&est, x, n, q, &g->h, err) != 0)
        goto fail;
    if (cfg->debias) {
        est.debias = true;
        if (hf_binest_eval(&est, x, n, qd, NULL, err) != 0)
            goto fail;
    }
    /* generate M events */
    hf_kde k = {.x = x, .n = n, .h = g->h, .lo = lo, .hi = hi, .reflect = cfg->reflect};
    double inv = (double)B / (hi - lo), kept = 0;
    for (size_t i = 0, M = (size_t)g->draws; i < M; i++) {
        double y = hf_kde_sample(&k, rng);
        if (!(y >= lo && y <= hi))
            continue;
        size_t b = (size_t)((y - lo) * inv);
        g->generated[b < B ? b : B - 1] += 1.0;
        kept += 1.0;
    }
    /* the band: bootstrap spread of the estimator in use */
    double *var = g->sd_train;
    if (hf_binest_bootstrap(&est, x, n, cfg->boot, rng, mean, var, NULL, err) != 0)
        goto fail;
    double M = g->draws, total = 0;
    for (size_t b = 0; b < B; b++) {
        double frac = g->generated[b] / M;
        double beta = cfg->debias ? q[b] - qd[b] : 0.0;
        double v = frac - beta;
        g->beta[b] = beta;
        g->generated[b] = v > 0 ? v : 0.0; /* a corrected bin may dip below 0 */
        total += g->generated[b];
        g->sd_sampling[b] = sqrt(frac * (1.0 - frac) / M); /* multinomial: M is fixed */
    }
    if (!(total > 0) || !(kept > 0)) {
        hf_error_set(err, HF_EUSAGE, "", "the generated template is empty");
        goto fail;
    }
    double scale = g->yield / total; /* the nominal's yield, the generated shape */
    for (size_t b = 0; b < B; b++) {
        g->generated[b] *= scale;
        g->beta[b] *= scale;
        g->sd_train[b] = sqrt(var[b]) * scale;
        g->sd_sampling[b] *= scale;
        g->sd[b] = hypot(g->sd_train[b], g->sd_sampling[b]);
    }
    gsl_rng_free(rng);
    free(x);
    free(q);
    free(qd);
    free(mean);
    return g;
nomem:
    hf_error_nomem(err);
fail:
    gsl_rng_free(rng);
    free(x);
    free(q);
    free(qd);
    free(mean);
    hf_density_template_free(g);
    return NULL;
}

/* The first element of array whose string member `key` equals value, or NULL. */
static cJSON *
find_by(cJSON *array, const char *key, const char *value)
{
    cJSON *it;
    cJSON_ArrayForEach(it, array)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, key);
        if (cJSON_IsString(v) && strcmp(v->valuestring, value) == 0)
            return it;
    }
    return NULL;
}

/* A new {"name", "type", "data"} modifier, or NULL on ENOMEM. */
static cJSON *
new_modifier(const char *name, const char *type, const double *data, size_t n)
{
    cJSON *m = cJSON_CreateObject(), *d = cJSON_CreateDoubleArray(data, (int)n);
    if (m == NULL || d == NULL || !cJSON_AddStringToObject(m, "name", name) ||
        !cJSON_AddStringToObject(m, "type", type)) {
        cJSON_Delete(m);
        cJSON_Delete(d);
        return NULL;
    }
    cJSON_AddItemToObject(m, "data", d);
    return m;
}

/* Put g into the document (see the header). Returns 0 or -1 with err. */
int
hf_density_template_apply(cJSON *doc, const char *channel, const char *sample,
                          const hf_density_template *g, hf_density_modifier mk, hf_error *err)
{
    cJSON *ch = find_by(cJSON_GetObjectItemCaseSensitive(doc, "channels"), "name", channel);
    if (ch == NULL)
        return hf_error_set(err, HF_EUSAGE, "", "no channel \"%s\" in the workspace", channel);
    cJSON *samples = cJSON_GetObjectItemCaseSensitive(ch, "samples");
    cJSON *s = find_by(samples, "name", sample);
    if (s == NULL)
        return hf_error_set(err, HF_EUSAGE, "", "no sample \"%s\" in channel \"%s\"", sample,
                            channel);
    const cJSON *old = cJSON_GetObjectItemCaseSensitive(s, "data");
    if (!cJSON_IsArray(old) || (size_t)cJSON_GetArraySize(old) != g->bins)
        return hf_error_set(err, HF_EUSAGE, "", "sample \"%s\" of \"%s\" has not %zu bins", sample,
                            channel, g->bins);
    cJSON *data = cJSON_CreateDoubleArray(g->generated, (int)g->bins);
    if (data == NULL || !cJSON_ReplaceItemInObjectCaseSensitive(s, "data", data)) {
        cJSON_Delete(data);
        return hf_error_nomem(err);
    }
    cJSON *mods = cJSON_GetObjectItemCaseSensitive(s, "modifiers");
    cJSON *se = find_by(mods, "type", "staterror");
    cJSON *m = NULL;
    if (mk == HF_DENSITY_STATERROR) {
        if (se != NULL) { /* keep its name: it stays the channel's MC-statistics gamma */
            cJSON *d = cJSON_CreateDoubleArray(g->sd, (int)g->bins);
            if (d == NULL || !cJSON_ReplaceItemInObjectCaseSensitive(se, "data", d)) {
                cJSON_Delete(d);
                return hf_error_nomem(err);
            }
            return 0;
        }
        /* join the channel's staterror if another sample has one, else start it */
        const char *name = NULL;
        cJSON *other;
        cJSON_ArrayForEach(other, samples)
        {
            cJSON *os =
                find_by(cJSON_GetObjectItemCaseSensitive(other, "modifiers"), "type", "staterror");
            const cJSON *nm = os ? cJSON_GetObjectItemCaseSensitive(os, "name") : NULL;
            if (name == NULL && nm != NULL && cJSON_IsString(nm))
                name = nm->valuestring;
        }
        size_t len = strlen(channel) + 16;
        char *own = malloc(len);
        if (own == NULL)
            return hf_error_nomem(err);
        snprintf(own, len, "staterror_%s", channel);
        m = new_modifier(name != NULL ? name : own, "staterror", g->sd, g->bins);
        free(own);
    } else {
        size_t len = strlen(channel) + strlen(sample) + 16;
        char *name = malloc(len);
        if (name == NULL)
            return hf_error_nomem(err);
        snprintf(name, len, "gen_stat_%s_%s", channel, sample);
        m = new_modifier(name, "shapesys", g->sd, g->bins);
        free(name);
    }
    if (m == NULL)
        return hf_error_nomem(err);
    if (se != NULL) { /* shapesys: in the staterror's place, so the patch stays small */
        cJSON_ReplaceItemViaPointer(mods, se, m);
        return 0;
    }
    if (mods == NULL && (mods = cJSON_AddArrayToObject(s, "modifiers")) == NULL) {
        cJSON_Delete(m);
        return hf_error_nomem(err);
    }
    cJSON_AddItemToArray(mods, m);
    return 0;
}
