/* tests/fuzz/fuzz_util.h - what the JSON harnesses share: the input as NUL-terminated text,
 * parsed as every input file is (hf_json_parse: UTF-8, no NUL, cJSON). */
#ifndef HF_FUZZ_UTIL_H
#define HF_FUZZ_UTIL_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/workspace.h"

/* The document of data[0..size), or NULL (err set, or no memory for the copy). */
static inline cJSON *
fuzz_parse(const uint8_t *data, size_t size, hf_error *err)
{
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return NULL;
    memcpy(buf, data, size);
    buf[size] = '\0';
    cJSON *doc = hf_json_parse(buf, size, err);
    free(buf);
    return doc;
}

#endif
