/* tests/check_util.c - helpers for the suites (see test_util.h); no tests of its own. */
#include "tests/test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/workspace.h"

const char *
tu_refdir(void)
{
    const char *d = getenv("HF_REFERENCE_DIR");
    return d != NULL ? d : "tests/reference";
}

char *
tu_refpath(const char *casedir, const char *file)
{
    size_t n = strlen(tu_refdir()) + strlen(casedir) + strlen(file) + 3;
    char *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s/%s", tu_refdir(), casedir, file);
    return p;
}

cJSON *
tu_load_json(const char *path)
{
    hf_error err = {0};
    cJSON *doc = hf_json_load_file(path, &err);
    if (doc == NULL)
        ck_abort_msg("cannot load %s: %s", path, hf_error_msg(&err));
    hf_error_release(&err);
    return doc;
}

cJSON *
tu_get(cJSON *root, const char *path)
{
    char *copy = strdup(path);
    ck_assert_ptr_nonnull(copy);
    cJSON *node = root;
    for (char *save = NULL, *tok = strtok_r(copy, "/", &save); tok != NULL && node != NULL;
         tok = strtok_r(NULL, "/", &save)) {
        if (cJSON_IsArray(node))
            node = cJSON_GetArrayItem(node, atoi(tok));
        else
            node = cJSON_GetObjectItemCaseSensitive(node, tok);
    }
    free(copy);
    return node;
}

static void
flatten(const cJSON *a, double **v, size_t *n, size_t *cap)
{
    if (cJSON_IsNumber(a)) {
        if (*n == *cap) {
            *cap = *cap ? 2 * *cap : 16;
            *v = realloc(*v, *cap * sizeof(**v));
            ck_assert_ptr_nonnull(*v);
        }
        (*v)[(*n)++] = a->valuedouble;
        return;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, a) flatten(it, v, n, cap);
}

double *
tu_numbers(const cJSON *arr, size_t *n)
{
    double *v = NULL;
    size_t cap = 0;
    *n = 0;
    if (arr != NULL)
        flatten(arr, &v, n, &cap);
    return v;
}
