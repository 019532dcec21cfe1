/* app/groupspec.c - the --groups argument (app/groupspec.h). */
#include "app/groupspec.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/json/jsonptr.h"
#include "core/json/jsontext.h"

/* One error line for GROUPS.json at /key (or /key/idx when idx != SIZE_MAX); returns 2. */
static int
bad_groups(const char *path, const char *key, size_t idx, const char *msg)
{
    hf_error err = {0};
    char *ptr = key != NULL ? hf_jsonptr_escape(key) : NULL;
    size_t len = (ptr != NULL ? strlen(ptr) : 0) + 32;
    char *where = malloc(len);
    if (where != NULL) {
        if (ptr == NULL)
            where[0] = '\0';
        else if (idx == SIZE_MAX)
            (void)snprintf(where, len, "/%s", ptr);
        else
            (void)snprintf(where, len, "/%s/%zu", ptr, idx);
    }
    hf_error_set(&err, HF_ESCHEMA, where != NULL ? where : "", "%s", msg);
    int rc = hf_cli_report(path, &err);
    hf_error_release(&err);
    free(ptr);
    free(where);
    return rc;
}

/* Pattern pat into group name, counting what it takes into *hits. 0, or the exit code. */
static int
take(hf_groupspec_add add, void *ctx, const char *name, const char *pat, long *hits)
{
    long k = add(ctx, name, pat);
    if (k < 0)
        return hf_cli_nomem();
    *hits += k;
    return 0;
}

static void
warn_empty(const char *name, const char *what, long hits)
{
    if (hits == 0)
        hf_cli_warn("--groups: group '%s' matches no %s (or only %ss of earlier groups)", name,
                    what, what);
}

/* GROUPS.json. 0, or the exit code after the error line. */
static int
from_file(const char *path, const char *what, hf_groupspec_add add, void *ctx)
{
    hf_error err = {0};
    cJSON *doc = hf_json_load_file(path, &err);
    int rc = 0;
    char msg[96];
    if (doc == NULL)
        rc = hf_cli_report(path, &err);
    else if (!cJSON_IsObject(doc) || doc->child == NULL)
        rc = bad_groups(path, NULL, SIZE_MAX,
                        "expected a non-empty object {\"GROUP\": [\"PATTERN\", ...]}");
    for (cJSON *grp = doc != NULL ? doc->child : NULL; grp != NULL && rc == 0; grp = grp->next) {
        size_t i = 0;
        long hits = 0;
        if (!cJSON_IsArray(grp) || grp->child == NULL) {
            (void)snprintf(msg, sizeof msg, "expected a non-empty array of %s-name patterns", what);
            rc = bad_groups(path, grp->string, SIZE_MAX, msg);
        }
        for (cJSON *pat = rc == 0 ? grp->child : NULL; pat != NULL && rc == 0;
             pat = pat->next, i++) {
            if (!cJSON_IsString(pat) || pat->valuestring[0] == '\0') {
                (void)snprintf(msg, sizeof msg, "expected a %s-name pattern (a string)", what);
                rc = bad_groups(path, grp->string, i, msg);
            } else {
                rc = take(add, ctx, grp->string, pat->valuestring, &hits);
            }
        }
        if (rc == 0)
            warn_empty(grp->string, what, hits);
    }
    cJSON_Delete(doc);
    hf_error_release(&err);
    return rc;
}

/* 'NAME=PAT,PAT;NAME2=PAT'. 0, or the exit code after the error line. */
static int
from_list(const char *spec, const char *what, hf_groupspec_add add, void *ctx)
{
    char *copy = strdup(spec), *s1 = NULL;
    int rc = copy != NULL ? 0 : hf_cli_nomem();
    for (char *grp = copy != NULL ? strtok_r(copy, ";", &s1) : NULL; grp != NULL && rc == 0;
         grp = strtok_r(NULL, ";", &s1)) {
        char *eq = strchr(grp, '='), *s2 = NULL;
        long hits = 0;
        if (eq == NULL || eq == grp || eq[1] == '\0') {
            rc = hf_cli_error("--groups: expected NAME=PATTERN[,PATTERN...][;NAME=...] or "
                              "FILE.json, got '%s'",
                              grp);
            break;
        }
        *eq = '\0';
        for (char *pat = strtok_r(eq + 1, ",", &s2); pat != NULL && rc == 0;
             pat = strtok_r(NULL, ",", &s2))
            rc = take(add, ctx, grp, pat, &hits);
        if (rc == 0)
            warn_empty(grp, what, hits);
    }
    free(copy);
    return rc;
}

int
hf_groupspec_parse(const char *spec, const char *what, hf_groupspec_add add, void *ctx)
{
    size_t len = strlen(spec);
    if (len > 5 && strcmp(spec + len - 5, ".json") == 0)
        return from_file(spec, what, add, ctx);
    return from_list(spec, what, add, ctx);
}
