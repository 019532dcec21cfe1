/* tests/fuzz/fuzz_patch.c - libFuzzer harness: apply the input as an RFC 6902 patch (a JSON array
 * of operations) to a small workspace, then load the result. The budget of jsonpatch.h and the
 * nesting limit must hold for any operations. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/jsonpatch.h"
#include "core/model/model.h"
#include "core/model/workspace.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
    "{\"channels\":[{\"name\":\"SR\",\"samples\":[{\"name\":\"sig\",\"data\":[5.0,3.0],"
    "\"modifiers\":[{\"name\":\"mu\",\"type\":\"normfactor\",\"data\":null}]},"
    "{\"name\":\"bkg\",\"data\":[50.0,30.0],\"modifiers\":[{\"name\":\"n\",\"type\":\"normsys\","
    "\"data\":{\"hi\":1.1,\"lo\":0.9}},{\"name\":\"st\",\"type\":\"staterror\",\"data\":[2.0,1.5]},"
    "{\"name\":\"sh\",\"type\":\"shapesys\",\"data\":[3.0,2.0]}]}]}],"
    "\"observations\":[{\"name\":\"SR\",\"data\":[57.0,31.0]}],"
    "\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"mu\",\"parameters\":[]}}],"
    "\"version\":\"1.0.0\"}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_error err = {0};
    cJSON *ops = fuzz_parse(data, size, &err);
    cJSON *doc = ops != NULL ? cJSON_Parse(base) : NULL;
    if (doc != NULL && hf_json_check_keys(ops, &err) == 0 &&
        hf_jsonpatch_apply(doc, ops, "", "fuzz", &err) == 0) {
        hf_workspace *ws = hf_workspace_from_json(doc, "fuzz.json", &err);
        doc = NULL; /* owned by the loader now */
        hf_model *m = ws != NULL ? hf_model_compile(ws, NULL, &err) : NULL;
        hf_model_free(m);
        hf_workspace_free(ws);
    }
    cJSON_Delete(doc);
    cJSON_Delete(ops);
    hf_error_release(&err);
    return 0;
}
