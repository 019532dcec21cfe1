/* tests/test_util.h - shared test helpers: paths to tests/reference and JSON number access. */
#ifndef HF_TEST_UTIL_H
#define HF_TEST_UTIL_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Directory of the shared reference set (env HF_REFERENCE_DIR or tests/reference). */
const char *tu_refdir(void);
/* Path "refdir/case/file" in a static-free heap string; caller frees. */
char *tu_refpath(const char *casedir, const char *file);
/* Parse a JSON file (ck_abort on failure). */
cJSON *tu_load_json(const char *path);
/* Follow a slash-separated path of object keys/array indices ("bestfit/pars/3"). NULL if absent. */
cJSON *tu_get(cJSON *root, const char *path);
/* A JSON array of numbers into a malloc'ed vector; *n set. Nested arrays are flattened. */
double *tu_numbers(const cJSON *arr, size_t *n);

#endif
