/* core/json/patchset.c - loading and applying pyhf patchsets (pyhf schema patchset.json): metadata
 * plus named patches, each a list of RFC 6902 operations (core/json/jsonpatch.c applies them). */
#include "core/json/patchset.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/jsonpatch.h"
#include "core/json/nameset.h"
#include "core/model/workspace.h"

static const char *
str_member(const cJSON *o, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static char *HF_PRINTF(1, 2) ptrf(const char *fmt, ...)
{
    char buf[96];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return strdup(buf);
}

/* Schema error with message msg at the pointer formatted from fmt. Returns -1. */
static int HF_PRINTF(3, 4) schema_fail(hf_error *err, const char *msg, const char *fmt, ...)
{
    char buf[96];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return hf_error_set(err, HF_ESCHEMA, buf, "%s", msg);
}

static int
load_patch(hf_patchset *ps, size_t i, const cJSON *pj, size_t nlabels, hf_error *err)
{
    hf_patch *p = &ps->patch[i];
    p->jindex = i;
    if (!cJSON_IsObject(pj))
        return schema_fail(err, "a patch must be an object", "/patches/%zu", i);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(pj, "metadata");
    if (!cJSON_IsObject(meta))
        return schema_fail(err, "missing object 'metadata' (with 'name' and 'values')",
                           "/patches/%zu/metadata", i);
    p->name = str_member(meta, "name");
    if (p->name == NULL || p->name[0] == '\0')
        return schema_fail(err, "missing or empty string 'name'", "/patches/%zu/metadata/name", i);
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(meta, "values");
    if (!cJSON_IsArray(vals))
        return schema_fail(err, "missing array 'values' (the signal point)",
                           "/patches/%zu/metadata/values", i);
    size_t k = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, vals)
    {
        if (!cJSON_IsNumber(v) && !cJSON_IsString(v))
            return schema_fail(err, "a value must be a number or a string",
                               "/patches/%zu/metadata/values/%zu", i, k);
        k++;
    }
    if (nlabels > 0 && k != nlabels) {
        char msg[160];
        (void)snprintf(msg, sizeof(msg),
                       "patch '%.60s' has %zu values, the patchset has %zu labels", p->name, k,
                       nlabels);
        return schema_fail(err, msg, "/patches/%zu/metadata/values", i);
    }
    p->values = vals;
    p->ops = cJSON_GetObjectItemCaseSensitive(pj, "patch");
    if (!cJSON_IsArray(p->ops))
        return schema_fail(err, "missing array 'patch' (the JSON Patch operations)",
                           "/patches/%zu/patch", i);
    char *where = ptrf("/patches/%zu/patch", i);
    if (where == NULL)
        return hf_error_nomem(err);
    int rc = hf_jsonpatch_check(p->ops, where, p->name, err);
    free(where);
    return rc;
}

/* Validate doc as a pyhf patchset; see patchset.h. Takes ownership of doc. */
hf_patchset *
hf_patchset_from_json(cJSON *doc, const char *path, hf_error *err)
{
    hf_patchset *ps = calloc(1, sizeof(*ps));
    if (ps == NULL) {
        cJSON_Delete(doc);
        hf_error_nomem(err);
        return NULL;
    }
    ps->doc = doc;
    ps->path = strdup(path != NULL ? path : "");
    if (ps->path == NULL) {
        hf_error_nomem(err);
        goto fail;
    }
    if (!cJSON_IsObject(doc)) {
        hf_error_set(err, HF_ESCHEMA, "", "a patchset must be a JSON object");
        goto fail;
    }
    if (hf_json_check_keys(doc, err) < 0)
        goto fail;
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
    if (meta != NULL && !cJSON_IsObject(meta)) {
        hf_error_set(err, HF_ESCHEMA, "/metadata", "'metadata' must be an object");
        goto fail;
    }
    ps->description = "";
    ps->version = str_member(doc, "version") != NULL ? str_member(doc, "version") : "";
    size_t nlabels = 0;
    if (meta != NULL) {
        if (str_member(meta, "description") != NULL)
            ps->description = str_member(meta, "description");
        const cJSON *dig = cJSON_GetObjectItemCaseSensitive(meta, "digests");
        if (cJSON_IsObject(dig))
            ps->digest_sha256 = str_member(dig, "sha256");
        const cJSON *labels = cJSON_GetObjectItemCaseSensitive(meta, "labels");
        if (labels != NULL) {
            if (!cJSON_IsArray(labels)) {
                hf_error_set(err, HF_ESCHEMA, "/metadata/labels", "'labels' must be an array");
                goto fail;
            }
            const cJSON *l;
            cJSON_ArrayForEach(l, labels)
            {
                if (!cJSON_IsString(l)) {
                    schema_fail(err, "a label must be a string", "/metadata/labels/%zu", nlabels);
                    goto fail;
                }
                nlabels++;
            }
            ps->labels = labels;
        }
    }
    const cJSON *patches = cJSON_GetObjectItemCaseSensitive(doc, "patches");
    if (!cJSON_IsArray(patches)) {
        hf_error_set(err, HF_ESCHEMA, patches == NULL ? "" : "/patches",
                     "missing array 'patches' (is this a patchset?)");
        goto fail;
    }
    int n = cJSON_GetArraySize(patches);
    if (n == 0) {
        hf_error_set(err, HF_ESCHEMA, "/patches", "the patchset holds no patches");
        goto fail;
    }
    ps->patch = calloc((size_t)n, sizeof(*ps->patch));
    if (ps->patch == NULL) {
        hf_error_nomem(err);
        goto fail;
    }
    const cJSON *pj;
    cJSON_ArrayForEach(pj, patches)
    {
        if (load_patch(ps, ps->npatch, pj, nlabels, err) < 0)
            goto fail;
        ps->npatch++;
    }
    /* pyhf rejects duplicate names: a name must pick one patch (hashed: linear in the patches) */
    ps->names = malloc(sizeof(*ps->names));
    if (ps->names == NULL) {
        hf_error_nomem(err);
        goto fail;
    }
    hf_nameset_init(ps->names);
    for (size_t i = 0; i < ps->npatch; i++) {
        size_t j = 0;
        int r = hf_nameset_add(ps->names, ps->patch[i].name, i, &j);
        if (r < 0) {
            hf_error_nomem(err);
            goto fail;
        }
        if (r == 0) {
            char msg[200];
            (void)snprintf(msg, sizeof(msg), "duplicate patch name '%.80s' (also /patches/%zu)",
                           ps->patch[i].name, j);
            schema_fail(err, msg, "/patches/%zu/metadata/name", i);
            goto fail;
        }
    }
    return ps;
fail:
    hf_patchset_free(ps);
    return NULL;
}

hf_patchset *
hf_patchset_load(const char *path, hf_error *err)
{
    cJSON *doc = hf_json_load_file(path, err);
    if (doc == NULL)
        return NULL;
    return hf_patchset_from_json(doc, path, err);
}

void
hf_patchset_free(hf_patchset *ps)
{
    if (ps == NULL)
        return;
    cJSON_Delete(ps->doc);
    if (ps->names != NULL)
        hf_nameset_release(ps->names);
    free(ps->names);
    free(ps->path);
    free(ps->patch);
    free(ps);
}

int
hf_patchset_find(const hf_patchset *ps, const char *name)
{
    size_t i;
    if (name == NULL)
        return -1;
    if (ps->names != NULL)
        return hf_nameset_find(ps->names, name, &i) ? (int)i : -1;
    for (i = 0; i < ps->npatch; i++) /* a patchset not made by hf_patchset_from_json */
        if (ps->patch[i].name != NULL && strcmp(ps->patch[i].name, name) == 0)
            return (int)i;
    return -1;
}

int
hf_patchset_apply(const hf_patchset *ps, size_t i, cJSON *doc, hf_error *err)
{
    char *where = ptrf("/patches/%zu/patch", ps->patch[i].jindex);
    if (where == NULL)
        return hf_error_nomem(err);
    int rc = hf_jsonpatch_apply(doc, ps->patch[i].ops, where, ps->patch[i].name, err);
    free(where);
    return rc;
}

/* Load a patchset and apply one patch; see patchset.h. */
int
hf_patchset_apply_named(cJSON *doc, const char *patchset_path, const char *name, hf_error *err)
{
    cJSON *pdoc = hf_json_load_file(patchset_path, err);
    if (pdoc == NULL)
        return -1;
    if (cJSON_IsArray(pdoc)) { /* a bare RFC 6902 patch, as decorrelate and density write */
        int rc = name != NULL && name[0] != '\0'
                     ? hf_error_set(err, HF_EUSAGE, "", "a bare JSON patch has no named patches")
                 : hf_json_check_keys(pdoc, err) < 0 ? -1
                                                     : hf_jsonpatch_apply(doc, pdoc, "", NULL, err);
        cJSON_Delete(pdoc);
        return rc;
    }
    hf_patchset *ps = hf_patchset_from_json(pdoc, patchset_path, err);
    if (ps == NULL)
        return -1;
    int rc = -1;
    if (name == NULL || name[0] == '\0') {
        if (ps->npatch != 1)
            hf_error_set(err, HF_EUSAGE, "/patches",
                         "the patchset holds %zu patches: name one as PATCHSET.json:NAME "
                         "(see 'hfscope patchset list')",
                         ps->npatch);
        else
            rc = hf_patchset_apply(ps, 0, doc, err);
    } else {
        int i = hf_patchset_find(ps, name);
        if (i < 0)
            hf_error_set(err, HF_EUSAGE, "/patches", "no patch named '%s' in the patchset", name);
        else
            rc = hf_patchset_apply(ps, (size_t)i, doc, err);
    }
    hf_patchset_free(ps);
    return rc;
}
