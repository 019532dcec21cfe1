/* tests/fuzz/fuzz_load.c - libFuzzer harness: parse, validate and compile a workspace, then
 * evaluate -log L and its gradient at the suggested init. Any input must end in a result or an
 * hf_error, never a crash, a leak or undefined behaviour. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/model.h"
#include "core/model/workspace.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_error err = {0};
    cJSON *doc = fuzz_parse(data, size, &err);
    hf_workspace *ws = doc != NULL ? hf_workspace_from_json(doc, "fuzz.json", &err) : NULL;
    hf_model *m = ws != NULL ? hf_model_compile(ws, NULL, &err) : NULL;
    if (m != NULL) {
        hf_eval *ev = hf_eval_new(m);
        double *grad = malloc((m->npar + 1) * sizeof(double));
        if (ev != NULL && grad != NULL) {
            hf_data d = hf_model_data(m);
            (void)hf_model_nll(ev, m->init, &d);
            (void)hf_model_nll_grad(ev, m->init, &d, grad);
        }
        free(grad);
        hf_eval_free(ev);
    }
    hf_model_free(m);
    hf_workspace_free(ws);
    hf_error_release(&err);
    return 0;
}
