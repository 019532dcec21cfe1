/* core/json/jsontext.h - JSON text to a cJSON tree: the checks cJSON does not make (UTF-8, NUL,
 * \u0000) and errors with line and column. */
#ifndef HF_JSONTEXT_H
#define HF_JSONTEXT_H

#include <stddef.h>

#include "core/error.h"

struct cJSON;

/* The deepest nesting of arrays and objects a document may have: cJSON's own parse limit
 * (CJSON_NESTING_LIMIT), so a document built by patching is held to what a file may hold. */
#define HF_JSON_MAX_DEPTH 1000

/* Parse len bytes of JSON text (buf[len] must be '\0'): UTF-8 only, no NUL byte and no \u0000
 * in a string (cJSON would cut the string there); line/column in err on every error. */
struct cJSON *hf_json_parse(const char *buf, size_t len, hf_error *err);
/* Read a file and parse it as JSON (hf_json_parse). */
struct cJSON *hf_json_load_file(const char *path, hf_error *err);

/* Reject a repeated key in any object of doc (the reader's choice between them is unspecified)
 * and nesting deeper than HF_JSON_MAX_DEPTH anywhere in root: -1 with the pointer of the
 * offender. */
int hf_json_check_keys(const struct cJSON *root, hf_error *err);

#endif
