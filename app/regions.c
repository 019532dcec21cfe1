/* app/regions.c - `--groups` for the summary figures (app/regions.h): a GROUPS.json file or an
 * inline list, parsed into render/plot_summary.h's region groups. */
#include "app/regions.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/json/jsonptr.h"
#include "core/model/workspace.h"

/* One error line for GROUPS.json at /key (or /key/idx when idx != SIZE_MAX); returns 2. */
static int
bad_groups(const char *path, const char *key, size_t idx, const char *msg)
{
    hf_error err = {0};
    char *ptr = key ? hf_jsonptr_escape(key) : NULL;
    size_t len = (ptr ? strlen(ptr) : 0) + 32;
    char *where = malloc(len);
    int rc;

    if (where) {
        if (!ptr)
            where[0] = '\0';
        else if (idx == SIZE_MAX)
            (void)snprintf(where, len, "/%s", ptr);
        else
            (void)snprintf(where, len, "/%s/%zu", ptr, idx);
    }
    hf_error_set(&err, HF_ESCHEMA, where ? where : "", "%s", msg);
    rc = hf_cli_report(path, &err);
    hf_error_release(&err);
    free(ptr);
    free(where);
    return rc;
}

/* Add one pattern to group name; warns at the group's last pattern when nothing matched. */
static int
add(hf_summary_groups *g, const hf_model *m, const char *name, const char *pat, long *hits)
{
    long k = hf_summary_groups_add(g, m, name, pat);

    if (k < 0)
        return hf_cli_nomem();
    *hits += k;
    return 0;
}

static void
warn_empty(const char *name, long hits)
{
    if (hits == 0)
        hf_cli_warn("--groups: group '%s' matches no channel (or only channels of earlier "
                    "groups)",
                    name);
}

/* GROUPS.json: {"GROUP": ["PATTERN", ...], ...}. 0, or 2 after the error line. */
static int
from_file(hf_summary_groups *g, const hf_model *m, const char *path)
{
    hf_error err = {0};
    cJSON *doc = hf_json_load_file(path, &err);
    int rc = 0;

    if (!doc)
        rc = hf_cli_report(path, &err);
    else if (!cJSON_IsObject(doc) || !doc->child)
        rc = bad_groups(path, NULL, SIZE_MAX,
                        "expected a non-empty object {\"GROUP\": [\"PATTERN\", ...]}");
    for (cJSON *grp = doc ? doc->child : NULL; grp && rc == 0; grp = grp->next) {
        size_t i = 0;
        long hits = 0;
        if (!cJSON_IsArray(grp) || !grp->child)
            rc = bad_groups(path, grp->string, SIZE_MAX,
                            "expected a non-empty array of channel-name patterns");
        for (cJSON *pat = rc == 0 ? grp->child : NULL; pat && rc == 0; pat = pat->next, i++) {
            if (!cJSON_IsString(pat) || !pat->valuestring[0])
                rc = bad_groups(path, grp->string, i, "expected a channel-name pattern (a string)");
            else
                rc = add(g, m, grp->string, pat->valuestring, &hits);
        }
        if (rc == 0)
            warn_empty(grp->string, hits);
    }
    cJSON_Delete(doc);
    hf_error_release(&err);
    return rc;
}

/* 'NAME=PAT,PAT;NAME2=PAT'. 0, or 2 after the error line. */
static int
from_list(hf_summary_groups *g, const hf_model *m, const char *spec)
{
    char *copy = strdup(spec), *s1 = NULL;
    int rc = copy ? 0 : hf_cli_nomem();

    for (char *grp = copy ? strtok_r(copy, ";", &s1) : NULL; grp && rc == 0;
         grp = strtok_r(NULL, ";", &s1)) {
        char *eq = strchr(grp, '='), *s2 = NULL;
        long hits = 0;
        if (!eq || eq == grp || eq[1] == '\0') {
            rc = hf_cli_error("--groups: expected NAME=PATTERN[,PATTERN...][;NAME=...] or "
                              "FILE.json, got '%s'",
                              grp);
            break;
        }
        *eq = '\0';
        for (char *pat = strtok_r(eq + 1, ",", &s2); pat && rc == 0; pat = strtok_r(NULL, ",", &s2))
            rc = add(g, m, grp, pat, &hits);
        if (rc == 0)
            warn_empty(grp, hits);
    }
    free(copy);
    return rc;
}

int
hf_regions_load(const char *spec, const hf_model *m, hf_summary_groups *g)
{
    size_t len = spec ? strlen(spec) : 0;

    if (!spec)
        return hf_summary_groups_default(g, m) < 0 ? hf_cli_nomem() : 0;
    if (hf_summary_groups_init(g, m) < 0)
        return hf_cli_nomem();
    if (len > 5 && strcmp(spec + len - 5, ".json") == 0)
        return from_file(g, m, spec);
    return from_list(g, m, spec);
}
