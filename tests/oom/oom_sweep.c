/* tests/oom/oom_sweep.c - allocation-failure injection (sqlite's discipline): run load, compile,
 * fit and one figure with the n-th allocation failing, for every n up to the total the run makes.
 * Each run must end in success (an allocation with a fallback) or in an HF_ENOMEM error ("out of
 * memory"), never in another error or a crash; built with ASan, LeakSanitizer reports at exit any
 * allocation a failed run did not free. The failing allocator wraps malloc, calloc, realloc and
 * strdup of libhf (-Wl,--wrap) and is cJSON's allocator (cJSON_InitHooks); GSL's and cairo's own
 * allocations are not counted. Usage: oom_sweep WORKSPACE.json OUT.pdf [FIRST [LAST]]. */
#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/fit.h"
#include "core/model/model.h"
#include "core/model/workspace.h"
#include "core/model/yields.h"
#include "render/cairo.h"
#include "render/plot_stack.h"
#include "render/scene.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

static long fail_at = -1, count;
static int injected;

/* True when this allocation is the one to fail. */
static int
fail_now(void)
{
    if (++count != fail_at)
        return 0;
    injected = 1;
    return 1;
}

void *
__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t k, size_t n)
{
    return fail_now() ? NULL : __real_calloc(k, n);
}

void *
__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
    return fail_now() ? NULL : __real_strdup(s);
}

/* load, compile, fit, post-fit yields, the stack figure of channel 0 as a PDF */
static int
pipeline(const char *ws_path, const char *pdf, hf_error *err)
{
    int rc = -1;
    hf_model *m = NULL;
    hf_yields *y = NULL;
    hf_scene *s = NULL;
    hf_fit_result fr;
    memset(&fr, 0, sizeof(fr));
    int have_fit = 0;
    hf_workspace *ws = hf_workspace_load(ws_path, err);
    if (ws == NULL || (m = hf_model_compile(ws, NULL, err)) == NULL)
        goto done;
    hf_data d = hf_model_data(m);
    if (hf_fit(m, &d, NULL, &fr, err) < 0)
        goto done;
    have_fit = 1;
    if ((y = hf_yields_compute(m, fr.x, fr.cov, err)) == NULL)
        goto done;
    hf_stack_options o;
    hf_stack_options_init(&o);
    o.postfit = 1;
    if ((s = hf_plot_stack(y, 0, &o, err)) == NULL)
        goto done;
    hf_cairo_options co = {0};
    co.format = HF_FORMAT_PDF;
    rc = hf_cairo_write(s, pdf, &co, err);
done:
    hf_scene_free(s);
    hf_yields_free(y);
    if (have_fit)
        hf_fit_result_release(&fr);
    hf_model_free(m);
    hf_workspace_free(ws);
    return rc;
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: oom_sweep WORKSPACE.json OUT.pdf [FIRST [LAST]]\n");
        return 2;
    }
    gsl_set_error_handler_off();
    cJSON_Hooks hooks = {__wrap_malloc, free};
    cJSON_InitHooks(&hooks);
    long first = argc > 3 ? atol(argv[3]) : 1, last = argc > 4 ? atol(argv[4]) : -1;
    hf_error err = {0};
    /* a clean run first: the total to sweep over */
    count = 0;
    fail_at = -1;
    if (pipeline(argv[1], argv[2], &err) < 0) {
        fprintf(stderr, "oom_sweep: the clean run failed: %s\n", hf_error_msg(&err));
        return 1;
    }
    long total = count, bad = 0, fallback = 0;
    if (last < 0 || last > total)
        last = total;
    for (long n = first; n <= last; n++) {
        hf_error_release(&err);
        count = 0;
        injected = 0;
        fail_at = n;
        int rc = pipeline(argv[1], argv[2], &err);
        fail_at = -1;
        if (rc == 0) {
            fallback += injected;
            if (injected && getenv("OOM_VERBOSE") != NULL)
                fprintf(stderr, "oom_sweep: allocation %ld of %ld failed, the run succeeded\n", n,
                        total);
        } else if (err.code != HF_ENOMEM) {
            fprintf(stderr, "oom_sweep: allocation %ld of %ld failed: error %d '%s' (not ENOMEM)\n",
                    n, total, (int)err.code, hf_error_msg(&err));
            bad++;
        }
    }
    hf_error_release(&err);
    remove(argv[2]);
    printf("oom_sweep: %ld allocations, failed each of %ld..%ld: %ld ended in success by a "
           "fallback, %ld in another error than out of memory\n",
           total, first, last, fallback, bad);
    return bad != 0;
}
