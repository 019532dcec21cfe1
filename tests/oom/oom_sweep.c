/* tests/oom/oom_sweep.c - allocation-failure injection (sqlite's discipline): run load, compile,
 * fit, post-fit yields and one figure (as terminal cells and as PDF) with the n-th allocation
 * failing, for every n up to the total the run makes. Each n runs in its own child process and
 * must end in one of two ways: success with the very output of the run without failures (the
 * fit's numbers, the yields, the cells text and the PDF, byte for byte but for the PDF's creation
 * date), or an HF_ENOMEM error, "out of memory" (the CLI's exit 2). Anything else fails the sweep:
 * a success with other output (a fallback that changed the numbers, or NaN filled in), another
 * error, a crash, or a leak (built with ASan, LeakSanitizer checks each child at its exit and
 * fails it with exit 23). The failing allocator wraps malloc, calloc, realloc and strdup of libhf
 * (-Wl,--wrap), cJSON's nodes included (its hooks, core/json/jsonalloc.c, call malloc; without
 * pools under ASan); GSL's and cairo's own allocations are not counted.
 * Usage: oom_sweep WORKSPACE.json OUT.pdf [FIRST [LAST]]; OOM_VERBOSE=1 names every n that
 * succeeded through a fallback, OOM_TRACE=1 prints where each failed allocation was made. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/model/fit.h"
#include "core/model/model.h"
#include "core/model/workspace.h"
#include "core/model/yields.h"
#include "render/cairo.h"
#include "render/cells.h"
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

/* ASan's, when linked in: OOM_TRACE=1 prints where each failed allocation was made. */
void __sanitizer_print_stack_trace(void) __attribute__((weak));

/* True when this allocation is the one to fail. */
static int
fail_now(void)
{
    if (++count != fail_at)
        return 0;
    injected = 1;
    if (getenv("OOM_TRACE") != NULL && __sanitizer_print_stack_trace != NULL)
        __sanitizer_print_stack_trace();
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

/* A growing byte buffer: what a run produced. */
typedef struct outbuf {
    unsigned char *p;
    size_t n, cap;
    int oom;
} outbuf;

static void
put(outbuf *b, const void *src, size_t n)
{
    if (b->oom || n == 0)
        return;
    if (b->n + n > b->cap) {
        size_t cap = (b->n + n) * 2;
        unsigned char *q = __real_realloc(b->p, cap);
        if (q == NULL) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void
put_doubles(outbuf *b, const double *v, size_t n)
{
    if (v != NULL)
        put(b, v, n * sizeof(*v));
}

/* The PDF but for cairo's /CreationDate (D:...) value, which follows the clock. */
static int
put_pdf(outbuf *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    outbuf raw = {0};
    unsigned char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
        put(&raw, chunk, k);
    int bad = ferror(f) || raw.oom;
    if (fclose(f) != 0 || bad) {
        free(raw.p);
        return -1;
    }
    static const char key[] = "/CreationDate (";
    size_t i = 0;
    while (i < raw.n) {
        if (raw.n - i >= sizeof(key) - 1 && memcmp(raw.p + i, key, sizeof(key) - 1) == 0) {
            put(b, key, sizeof(key) - 1);
            i += sizeof(key) - 1;
            while (i < raw.n && raw.p[i] != ')')
                i++;
        } else {
            put(b, raw.p + i++, 1);
        }
    }
    free(raw.p);
    return 0;
}

/* The run's output: the fit as the CLI reports it, the yields, the figure in cells and as PDF. */
static int
summarise(outbuf *b, const hf_model *m, const hf_fit_result *fr, const hf_yields *y,
          const char *cells, const char *pdf)
{
    put(b, cells, strlen(cells) + 1);
    int head[] = {fr->converged, (int)fr->status, fr->iter,          fr->nfev,
                  fr->hesse_ok,  (int)fr->stage,  (int)fr->nattempt, (int)fr->nflat};
    put(b, head, sizeof(head));
    if (fr->message != NULL)
        put(b, fr->message, strlen(fr->message));
    double num[] = {fr->nll, fr->twice_nll, fr->edm, fr->gradnorm};
    put_doubles(b, num, sizeof(num) / sizeof(num[0]));
    put_doubles(b, fr->x, m->npar);
    put_doubles(b, fr->err, m->npar);
    put_doubles(b, fr->cov, m->npar * m->npar);
    put_doubles(b, y->nu, m->nbins);
    put_doubles(b, y->nu_err, m->nbins);
    put_doubles(b, y->ys, m->nys);
    put_doubles(b, y->ys_err, m->nys);
    put_doubles(b, y->cs_tot, m->ncs);
    put_doubles(b, y->cs_err, m->ncs);
    put_doubles(b, y->chan_tot, m->nchan);
    put_doubles(b, y->chan_err, m->nchan);
    return put_pdf(b, pdf) < 0 || b->oom ? -1 : 0;
}

/* load, compile, fit, post-fit yields, the stack figure of channel 0 as a PDF; with out, the
 * output summarised once the run is over (allocation failures off by then). */
static int
pipeline(const char *ws_path, const char *pdf, hf_error *err, outbuf *out)
{
    int rc = -1;
    hf_model *m = NULL;
    hf_yields *y = NULL;
    hf_scene *s = NULL;
    char *cells = NULL;
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
    if ((cells = hf_cells_scene_text(s, 100, 30, HF_GLYPHS_BRAILLE, false)) == NULL) {
        hf_error_nomem(err);
        goto done;
    }
    hf_cairo_options co = {0};
    co.format = HF_FORMAT_PDF;
    rc = hf_cairo_write(s, pdf, &co, err);
    fail_at = -1;
    if (rc == 0 && out != NULL && summarise(out, m, &fr, y, cells, pdf) < 0)
        rc = hf_error_set(err, HF_EIO, "", "cannot read back '%s'", pdf);
done:
    free(cells);
    hf_scene_free(s);
    hf_yields_free(y);
    if (have_fit)
        hf_fit_result_release(&fr);
    hf_model_free(m);
    hf_workspace_free(ws);
    return rc;
}

/* How one child ended. */
enum { END_SAME, END_NOMEM, END_DIFFERENT, END_ERROR, END_CRASH, END_LEAK, END_NKIND };

/* Child: run with allocation n failing; on success send the output through fd. Exit 0 success,
 * 2 out of memory, 1 another error (LeakSanitizer turns any exit with a leak into 23). */
static void
child(long n, const char *ws_path, const char *pdf, int fd)
{
    hf_error err = {0};
    outbuf out = {0};
    count = 0;
    injected = 0;
    fail_at = n;
    int rc = pipeline(ws_path, pdf, &err, &out);
    fail_at = -1;
    int code = 0;
    if (rc == 0) {
        size_t off = 0;
        while (off < out.n) {
            ssize_t k = write(fd, out.p + off, out.n - off);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            off += (size_t)k;
        }
        code = injected ? 3 : 0; /* 3: succeeded past the failure (a fallback) */
    } else if (err.code == HF_ENOMEM && strcmp(hf_error_msg(&err), "out of memory") == 0) {
        code = 2;
    } else {
        fprintf(stderr, "oom_sweep: allocation %ld failed: error %d '%s' (not out of memory)\n", n,
                (int)err.code, hf_error_msg(&err));
        code = 1;
    }
    hf_error_release(&err);
    free(out.p);
    close(fd);
    exit(code);
}

/* Parent: run allocation n in a child, read what it produced, classify its end. */
static int
sweep_one(long n, const char *ws_path, const char *pdf, const outbuf *ref, int *fallback)
{
    int pfd[2];
    if (pipe(pfd) < 0)
        return END_CRASH;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return END_CRASH;
    if (pid == 0) {
        close(pfd[0]);
        child(n, ws_path, pdf, pfd[1]);
    }
    close(pfd[1]);
    outbuf got = {0};
    unsigned char chunk[4096];
    ssize_t k;
    while ((k = read(pfd[0], chunk, sizeof(chunk))) != 0) {
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            break;
        put(&got, chunk, (size_t)k);
    }
    close(pfd[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    int end;
    *fallback = 0;
    if (!WIFEXITED(st))
        end = END_CRASH;
    else if (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 3) {
        *fallback = WEXITSTATUS(st) == 3;
        end = !got.oom && got.n == ref->n && memcmp(got.p, ref->p, ref->n) == 0 ? END_SAME
                                                                                : END_DIFFERENT;
    } else if (WEXITSTATUS(st) == 2) {
        end = END_NOMEM;
    } else if (WEXITSTATUS(st) == 1) {
        end = END_ERROR;
    } else {
        end = WEXITSTATUS(st) == 23 ? END_LEAK : END_CRASH;
    }
    free(got.p);
    return end;
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: oom_sweep WORKSPACE.json OUT.pdf [FIRST [LAST]]\n");
        return 2;
    }
    gsl_set_error_handler_off();
    long first = argc > 3 ? atol(argv[3]) : 1, last = argc > 4 ? atol(argv[4]) : -1;
    hf_error err = {0};
    /* a clean run first: the output to match and the total to sweep over */
    outbuf ref = {0};
    count = 0;
    fail_at = -1;
    if (pipeline(argv[1], argv[2], &err, &ref) < 0) {
        fprintf(stderr, "oom_sweep: the clean run failed: %s\n", hf_error_msg(&err));
        return 1;
    }
    hf_error_release(&err);
    long total = count, tally[END_NKIND] = {0}, fallback = 0;
    static const char *const what[END_NKIND] = {"succeeded with the same output",
                                                "out of memory",
                                                "SUCCEEDED WITH OTHER OUTPUT",
                                                "ANOTHER ERROR",
                                                "CRASHED",
                                                "LEAKED"};
    if (last < 0 || last > total)
        last = total;
    for (long n = first; n <= last; n++) {
        int fb = 0, end = sweep_one(n, argv[1], argv[2], &ref, &fb);
        tally[end]++;
        fallback += fb && end == END_SAME;
        if (end > END_NOMEM || (fb && getenv("OOM_VERBOSE") != NULL))
            fprintf(stderr, "oom_sweep: allocation %ld of %ld failed: %s%s\n", n, total, what[end],
                    fb ? " (through a fallback)" : "");
    }
    free(ref.p);
    remove(argv[2]);
    long bad = tally[END_DIFFERENT] + tally[END_ERROR] + tally[END_CRASH] + tally[END_LEAK];
    printf("oom_sweep: %ld allocations, failed each of %ld..%ld: %ld out of memory, %ld succeeded "
           "with the same output (%ld of them through a fallback); %ld succeeded with other "
           "output, %ld another error, %ld crashed, %ld leaked\n",
           total, first, last, tally[END_NOMEM], tally[END_SAME], fallback, tally[END_DIFFERENT],
           tally[END_ERROR], tally[END_CRASH], tally[END_LEAK]);
    return bad != 0;
}
