/* tests/fuzz/fuzz_patchset.c - libFuzzer harness: load the input as a pyhf patchset, look every
 * patch up by name and apply the first to a one-channel workspace. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/patchset.h"
#include "core/model/workspace.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
    "{\"channels\":[{\"name\":\"SR\",\"samples\":[{\"name\":\"sig\",\"data\":[5.0],"
    "\"modifiers\":[{\"name\":\"mu\",\"type\":\"normfactor\",\"data\":null}]}]}],"
    "\"observations\":[{\"name\":\"SR\",\"data\":[6.0]}],"
    "\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"mu\",\"parameters\":[]}}],"
    "\"version\":\"1.0.0\"}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_error err = {0};
    cJSON *pdoc = fuzz_parse(data, size, &err);
    hf_patchset *ps = pdoc != NULL ? hf_patchset_from_json(pdoc, "fuzz.json", &err) : NULL;
    if (ps != NULL) {
        for (size_t i = 0; i < ps->npatch; i++)
            if (hf_patchset_find(ps, ps->patch[i].name) < 0)
                abort(); /* every name must find a patch */
        cJSON *doc = cJSON_Parse(base);
        if (doc != NULL && hf_patchset_apply(ps, 0, doc, &err) == 0) {
            hf_workspace *ws = hf_workspace_from_json(doc, "fuzz.json", &err);
            doc = NULL;
            hf_workspace_free(ws);
        }
        cJSON_Delete(doc);
    }
    hf_patchset_free(ps);
    hf_error_release(&err);
    return 0;
}
