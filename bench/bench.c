/* bench/bench.c - `make bench` for the engine: per reference workspace, median times of one NLL,
 * one NLL+gradient, a full fit (with errors) and a fit without errors; ratios against the pyhf
 * timings stored in reference.json; peak RSS. Never a test: it prints, and exits 1 when a section
 * failed (a workspace that does not load, a fit that does not converge, a bootstrap error). */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <gsl/gsl_errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/density/binest.h"
#include "core/density/density_truth.h"
#include "core/diag/constraints.h"
#include "core/diag/nllshape.h"
#include "core/infer/minos.h"
#include "core/json/patchset.h"
#include "core/model/fit.h"

static double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return v[n / 2];
}

/* Median over `reps` batches of the per-call time of `calls` calls. */
#define TIME_MEDIAN(out, reps, calls, stmt)                                                        \
    do {                                                                                           \
        double t_[32];                                                                             \
        for (int r_ = 0; r_ < (reps); r_++) {                                                      \
            double s_ = now();                                                                     \
            for (int c_ = 0; c_ < (calls); c_++) {                                                 \
                stmt;                                                                              \
            }                                                                                      \
            t_[r_] = (now() - s_) / (calls);                                                       \
        }                                                                                          \
        (out) = median(t_, (reps));                                                                \
    } while (0)

static double
ref_number(const cJSON *ref, const char *a, const char *b)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(ref, a);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, b);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

/* Density lab, part two: B = 50 bootstrap KDEs of n = 1e4 events, 20 bins (target < 1 s), for
 * each bandwidth rule, plain and debiased (twice the KDEs). One thread. */
static int
bench_bootstrap(void)
{
    int failed = 0;
    hf_error err = {0};
    hf_density_truth *t = hf_density_truth_builtin("camelback", &err);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
    enum { N = 10000, B = 50, BINS = 20 };
    double *x = malloc(N * sizeof(double)), mean[BINS], var[BINS];
    if (t == NULL || rng == NULL || x == NULL) {
        printf("bootstrap: setup failed\n");
        failed = 1;
        goto out;
    }
    for (int i = 0; i < N; i++)
        x[i] = hf_density_truth_sample_one(t, rng);
    printf("bootstrap ensembles: B = %d KDEs of n = %d events, %d bins (target < 1000 ms)\n", B, N,
           BINS);
    for (int rule = HF_KDE_SCOTT; rule <= HF_KDE_ISJ; rule++)
        for (int debias = 0; debias < 2; debias++) {
            hf_binest est = {.kind = HF_BINEST_KDE,
                             .bins = BINS,
                             .lo = hf_density_truth_lo(t),
                             .hi = hf_density_truth_hi(t),
                             .rule = (hf_kde_rule)rule,
                             .bw_value = 1,
                             .reflect = true,
                             .exact = false, /* what the lab uses above n = 2000 */
                             .debias = debias};
            double s = now();
            int rc = hf_binest_bootstrap(&est, x, N, B, rng, mean, var, NULL, &err);
            failed |= rc != 0;
            printf("  bootstrap_%s%s_B50_n1e4: %s%.1f ms\n", hf_kde_rule_name((hf_kde_rule)rule),
                   debias ? "_debiased" : "", rc ? "failed " : "", 1e3 * (now() - s));
        }
out:
    hf_error_release(&err);
    free(x);
    gsl_rng_free(rng);
    hf_density_truth_free(t);
    return failed;
}

/* Time one workspace: ws (with patchset ps applied when it exists), pyhf's timings for ratios.
 * Returns 1 when it failed (printed). */
static int
bench_model(const char *label, const char *ws, const char *ps, double py_nll, double py_fit)
{
    hf_error err = {0};
    cJSON *doc = hf_json_load_file(ws, &err);
    if (doc == NULL) {
        printf("%-36s load failed: %s\n", label, hf_error_msg(&err));
        hf_error_release(&err);
        return 1;
    }
    FILE *f = ps != NULL ? fopen(ps, "r") : NULL;
    if (f != NULL) {
        fclose(f);
        if (hf_patchset_apply_named(doc, ps, NULL, &err) < 0) {
            printf("%-36s patch failed: %s\n", label, hf_error_msg(&err));
            cJSON_Delete(doc);
            hf_error_release(&err);
            return 1;
        }
    }
    hf_workspace *w = hf_workspace_from_json(doc, ws, &err);
    hf_model *m = w ? hf_model_compile(w, NULL, &err) : NULL;
    if (m == NULL) {
        printf("%-36s load failed: %s\n", label, hf_error_msg(&err));
        hf_workspace_free(w);
        hf_error_release(&err);
        return 1;
    }
    hf_eval *ev = hf_eval_new(m);
    hf_data d = hf_model_data(m);
    double *g = malloc(m->npar * sizeof(double));
    volatile double sink = 0;
    double t_nll, t_grad, t_fit, t_fit_noerr;
    TIME_MEDIAN(t_nll, 9, 2000, sink += hf_model_nll(ev, m->init, &d));
    TIME_MEDIAN(t_grad, 9, 2000, sink += hf_model_nll_grad(ev, m->init, &d, g));
    hf_fit_result r;
    int failed = hf_fit(m, &d, NULL, &r, &err) < 0 || !r.converged;
    if (failed)
        printf("%-36s fit failed: %s\n", label, r.message ? r.message : hf_error_msg(&err));
    hf_fit_result_release(&r);
    TIME_MEDIAN(t_fit, 5, 1, (hf_fit(m, &d, NULL, &r, &err), hf_fit_result_release(&r)));
    hf_fit_options nofit = {.fix_index = -1, .no_errors = true};
    TIME_MEDIAN(t_fit_noerr, 5, 1, (hf_fit(m, &d, &nofit, &r, &err), hf_fit_result_release(&r)));
    char rn[32] = "-", rf[32] = "-";
    if (py_nll > 0)
        snprintf(rn, sizeof(rn), "%.0fx", py_nll / t_nll);
    if (py_fit > 0)
        snprintf(rf, sizeof(rf), "%.0fx", py_fit / t_fit);
    printf("%-36.36s %4zu %5zu %9.2f %9.2f %9.3f %9.3f %10s %10s\n", label, m->nbins, m->npar,
           t_nll * 1e6, t_grad * 1e6, t_fit * 1e3, t_fit_noerr * 1e3, rn, rf);
    (void)sink;
    free(g);
    hf_eval_free(ev);
    hf_model_free(m);
    hf_workspace_free(w);
    hf_error_release(&err);
    return failed;
}

/* Returns the number of workspaces that failed. */
static int
bench_case(const char *dir, const char *name)
{
    char ws[4096], rf[4096], ps[4096];
    snprintf(ws, sizeof(ws), "%s/%s/workspace.json", dir, name);
    snprintf(rf, sizeof(rf), "%s/%s/reference.json", dir, name);
    snprintf(ps, sizeof(ps), "%s/%s/patchset.json", dir, name);
    hf_error err = {0};
    cJSON *ref = hf_json_load_file(rf, &err);
    hf_error_release(&err);
    if (ref == NULL)
        return 0;
    int failed = 0;
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(ref, "cases");
    if (cases != NULL) {
        /* bkgonly/: HEPData BkgOnly files with pyhf's fit time per file */
        const cJSON *c;
        cJSON_ArrayForEach(c, cases)
        {
            snprintf(ws, sizeof(ws), "%s/%s/%s", dir, name, c->string);
            const cJSON *fs = cJSON_GetObjectItemCaseSensitive(c, "fit_seconds");
            failed += bench_model(c->string, ws, NULL, 0, cJSON_IsNumber(fs) ? fs->valuedouble : 0);
        }
    } else {
        failed += bench_model(name, ws, ps, ref_number(ref, "timings", "logpdf_s"),
                              ref_number(ref, "timings", "mle_fit_scipy_s"));
    }
    cJSON_Delete(ref);
    return failed;
}

/* ---- diagnostics (issue 13): targets decomposition < 50 ms, MINOS of the POI < 100 ms and
 * FastScan of every parameter < 1 s, on the largest reference model (MINOS: the largest with a
 * POI). One thread. */

typedef struct diag_model {
    hf_workspace *w;
    hf_model *m;
} diag_model;

static int
diag_load(const char *dir, const char *name, diag_model *dm)
{
    char ws[4096], ps[4096];
    snprintf(ws, sizeof(ws), "%s/%s/workspace.json", dir, name);
    snprintf(ps, sizeof(ps), "%s/%s/patchset.json", dir, name);
    hf_error err = {0};
    cJSON *doc = hf_json_load_file(ws, &err);
    FILE *f = doc != NULL ? fopen(ps, "r") : NULL;
    if (f != NULL) {
        fclose(f);
        if (hf_patchset_apply_named(doc, ps, NULL, &err) < 0) {
            cJSON_Delete(doc);
            doc = NULL;
        }
    }
    dm->w = doc != NULL ? hf_workspace_from_json(doc, ws, &err) : NULL;
    dm->m = dm->w != NULL ? hf_model_compile(dm->w, NULL, &err) : NULL;
    hf_error_release(&err);
    if (dm->m == NULL) {
        hf_workspace_free(dm->w);
        return -1;
    }
    return 0;
}

static void
diag_free(diag_model *dm)
{
    hf_model_free(dm->m);
    hf_workspace_free(dm->w);
    memset(dm, 0, sizeof(*dm));
}

/* Keep in *best the model of the two with more parameters (with a POI when poi). */
static void
diag_keep(diag_model *best, diag_model *cand, bool poi, char *label, const char *name)
{
    if ((!poi || cand->m->poi >= 0) && (best->m == NULL || cand->m->npar > best->m->npar)) {
        diag_free(best);
        *best = *cand;
        snprintf(label, 64, "%s", name);
    } else {
        diag_free(cand);
    }
}

static int
bench_diag_model(const diag_model *dm, const char *label, bool poi)
{
    const hf_model *m = dm->m;
    hf_data d = hf_model_data(m);
    hf_fit_result fit;
    hf_error err = {0};
    if (hf_fit(m, &d, NULL, &fit, &err) < 0) {
        printf("diag %s: fit failed\n", label);
        hf_error_release(&err);
        return 1;
    }
    double t;
    if (poi) {
        hf_minos_result mr;
        TIME_MEDIAN(t, 5, 1, hf_minos(m, &d, &fit, (size_t)m->poi, NULL, &mr, &err));
        printf("diag %-30.30s %4zu pars  MINOS of the POI      %9.2f ms (target < 100)\n", label,
               m->npar, t * 1e3);
    } else {
        hf_constraints c;
        TIME_MEDIAN(t, 5, 1,
                    (hf_constraints_compute(m, &fit, NULL, &c, &err), hf_constraints_release(&c)));
        printf("diag %-30.30s %4zu pars  decomposition (all)   %9.2f ms (target < 50)\n", label,
               m->npar, t * 1e3);
        hf_nllshape sh;
        TIME_MEDIAN(t, 3, 1,
                    (hf_nllshape_compute(m, &d, &fit, NULL, &sh, &err), hf_nllshape_release(&sh)));
        printf("diag %-30.30s %4zu pars  FastScan (all, 41 pts) %8.2f ms (target < 1000)\n", label,
               m->npar, t * 1e3);
    }
    hf_fit_result_release(&fit);
    hf_error_release(&err);
    return 0;
}

/* Returns the number of sections that failed. */
static int
bench_diag(const char *dir, char **names, int n)
{
    diag_model big = {0}, bigpoi = {0};
    char lb[64] = "", lp[64] = "";
    for (int i = 0; i < n; i++) {
        diag_model a, b;
        if (diag_load(dir, names[i], &a) < 0)
            continue;
        if (diag_load(dir, names[i], &b) < 0) {
            diag_free(&a);
            continue;
        }
        diag_keep(&big, &a, false, lb, names[i]);
        diag_keep(&bigpoi, &b, true, lp, names[i]);
    }
    int failed = 0;
    if (big.m != NULL)
        failed += bench_diag_model(&big, lb, false);
    if (bigpoi.m != NULL)
        failed += bench_diag_model(&bigpoi, lp, true);
    diag_free(&big);
    diag_free(&bigpoi);
    return failed;
}

/* ---- loader (issue 17): cJSON's parse alone against the whole `hfscope inspect` process ---- */

enum { LOADER_REPS = 15 };

/* Read path into a NUL-terminated buffer (NULL on failure). */
static char *
loader_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *nb = realloc(buf, cap *= 2);
        if (nb == NULL)
            free(buf);
        buf = nb;
    }
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    *len = n;
    return buf;
}

/* CPU time of this thread: less disturbed than wall time by other work on the machine. */
static double
cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Run argv (stderr to /dev/null; stdout into out[0..outsz) when out is not NULL, else to
 * /dev/null). Returns the child's CPU time (user + system), < 0 on failure. */
static double
loader_spawn(char *const argv[], char *out, size_t outsz)
{
    int fd[2] = {-1, -1};
    if (out != NULL && pipe(fd) < 0)
        return -1.0;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out != NULL) {
        posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
        posix_spawn_file_actions_addclose(&fa, fd[0]);
    } else {
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    }
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    extern char **environ;
    pid_t pid;
    int st = -1;
    struct rusage ru = {0};
    int ok = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) == 0;
    if (out != NULL) {
        close(fd[1]);
        size_t n = 0;
        ssize_t k;
        while (ok && n + 1 < outsz && (k = read(fd[0], out + n, outsz - n - 1)) > 0)
            n += (size_t)k;
        out[n] = '\0';
        close(fd[0]);
    }
    if (ok)
        wait4(pid, &st, 0, &ru);
    posix_spawn_file_actions_destroy(&fa);
    double t = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    return ok && st == 0 ? t : -1.0;
}

/* `hfbench --parse-only FILE`: read and parse FILE in this fresh process (a cold heap, as in
 * `inspect`), print the CPU seconds that took. */
static int
loader_parse_only(const char *path)
{
    cJSON_InitHooks(NULL); /* cJSON's own allocator (libhf installs pools, core/json/jsonalloc.h) */
    double t0 = cpu_now();
    size_t len = 0;
    char *buf = loader_slurp(path, &len);
    cJSON *doc = buf != NULL ? cJSON_ParseWithLength(buf, len + 1) : NULL;
    free(buf);
    double t1 = cpu_now();
    printf("%.9f\n", t1 - t0);
    cJSON_Delete(doc);
    return doc == NULL;
}

/* One file, medians of LOADER_REPS (CPU times): cJSON's read + parse in a fresh process, that
 * whole parse-only process, the whole `inspect` process and its ratio to the parse (target
 * <= 1.5); then, in this process (warm heap), validation, compilation and freeing. */
static void
loader_case(const char *self, const char *bin, const char *path)
{
    double parse[LOADER_REPS], pproc[LOADER_REPS], whole[LOADER_REPS];
    double valid[LOADER_REPS], comp[LOADER_REPS], rel[LOADER_REPS];
    for (int r = 0; r < LOADER_REPS; r++) {
        char out[64];
        char *pargv[] = {(char *)self, (char *)"--parse-only", (char *)path, NULL};
        char *iargv[] = {(char *)bin, (char *)"inspect", (char *)path, NULL};
        pproc[r] = loader_spawn(pargv, out, sizeof(out));
        parse[r] = atof(out);
        whole[r] = loader_spawn(iargv, NULL, 0);
        if (pproc[r] < 0 || whole[r] < 0 || parse[r] <= 0) {
            printf("  %s: a child process failed\n", path);
            return;
        }
        hf_error err = {0};
        cJSON *doc = hf_json_load_file(path, &err);
        double t1 = cpu_now();
        hf_workspace *ws = doc != NULL ? hf_workspace_from_json(doc, path, &err) : NULL;
        double t2 = cpu_now();
        hf_model *m = ws != NULL ? hf_model_compile(ws, NULL, &err) : NULL;
        double t3 = cpu_now();
        hf_model_free(m);
        hf_workspace_free(ws);
        valid[r] = t2 - t1, comp[r] = t3 - t2, rel[r] = cpu_now() - t3;
        hf_error_release(&err);
    }
    double p = median(parse, LOADER_REPS), w = median(whole, LOADER_REPS);
    const char *base = strrchr(path, '/');
    printf("  %-38.38s %8.2f %8.2f %8.2f %6.2fx %8.2f %8.2f %8.2f\n",
           base != NULL ? base + 1 : path, 1e3 * p, 1e3 * median(pproc, LOADER_REPS), 1e3 * w,
           w / p, 1e3 * median(valid, LOADER_REPS), 1e3 * median(comp, LOADER_REPS),
           1e3 * median(rel, LOADER_REPS));
}

/* Issue 20's large inputs, written to a temporary file: n one-bin channels, and one object of
 * n keys beside a one-channel workspace. */
static int
loader_write_big(FILE *f, int nchan, int nkeys)
{
    fprintf(f, "{\"version\":\"1.0.0\",\"x\":{");
    for (int k = 0; k < nkeys; k++)
        fprintf(f, "%s\"k%d\":%d", k ? "," : "", k, k);
    fprintf(f, "},\"channels\":[");
    for (int c = 0; c < nchan; c++)
        fprintf(f,
                "%s{\"name\":\"c%d\",\"samples\":[{\"name\":\"s\",\"data\":[10],"
                "\"modifiers\":[{\"name\":\"mu\",\"type\":\"normfactor\",\"data\":null}]}]}",
                c ? "," : "", c);
    fprintf(f, "],\"observations\":[");
    for (int c = 0; c < nchan; c++)
        fprintf(f, "%s{\"name\":\"c%d\",\"data\":[10]}", c ? "," : "", c);
    fprintf(f, "],\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"mu\","
               "\"parameters\":[]}}]}\n");
    return ferror(f) ? -1 : 0;
}

/* One `inspect` of each large input (targets from issue 20: 1e5 channels < 10 s, one object of
 * 1e5 keys < 2 s). */
static void
loader_large(const char *bin)
{
    static const struct {
        const char *name;
        int nchan, nkeys;
    } cases[] = {{"inspect_1e5_channels", 100000, 0}, {"inspect_1e5_keys", 1, 100000}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[] = "/tmp/hfbench_large_XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        int ok = f != NULL && loader_write_big(f, cases[i].nchan, cases[i].nkeys) == 0;
        if (f != NULL)
            ok = fclose(f) == 0 && ok;
        else if (fd >= 0)
            close(fd);
        char *argv[] = {(char *)bin, (char *)"inspect", path, NULL};
        double t = ok ? loader_spawn(argv, NULL, 0) : -1.0;
        if (t < 0)
            printf("  %s: failed\n", cases[i].name);
        else
            printf("  %s: %.3f s CPU (one run)\n", cases[i].name, t);
        if (fd >= 0)
            unlink(path);
    }
}

/* Uses the hfscope binary next to this one (argv0's directory). */
static void
bench_loader(const char *argv0, const char *dir)
{
    static const char *const files[] = {
        "atlas_compressed_ewkinos_bkgonly/workspace.json",
        "bkgonly/atlas_susy_1Lbb_2020_bkg.json",
        "bkgonly/atlas_susy_3Lresonance_2020_bkg.json",
    };
    const char *slash = strrchr(argv0, '/');
    char bin[4096], path[4096];
    snprintf(bin, sizeof(bin), "%.*shfscope", slash != NULL ? (int)(slash - argv0 + 1) : 0, argv0);
    printf(
        "loader: CPU ms, medians of %d. parse: read + cJSON parse in a fresh process; "
        "pproc: that whole process;\n  inspect: the whole `hfscope inspect` process, ratio "
        "inspect/parse (target <= 1.5); then validation,\n  compilation and freeing in process\n",
        LOADER_REPS);
    printf("  %-38s %8s %8s %8s %7s %8s %8s %8s\n", "file", "parse", "pproc", "inspect", "ratio",
           "valid", "compile", "free");
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        loader_case(argv0, bin, path);
    }
    loader_large(bin);
}

int
main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *dir = argc > 1 ? argv[1] : "tests/reference";
    if (argc > 2 && strcmp(argv[1], "--parse-only") == 0)
        return loader_parse_only(argv[2]);
    if (argc > 2 && strcmp(argv[2], "loader") == 0) { /* `hfbench DIR loader`: that section only */
        bench_loader(argv[0], dir);
        return 0;
    }
    DIR *dp = opendir(dir);
    if (dp == NULL) {
        fprintf(stderr, "bench: no reference directory %s\n", dir);
        return 0;
    }
    char *names[256];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL && n < 256)
        if (de->d_name[0] != '.')
            names[n++] = strdup(de->d_name);
    closedir(dp);
    qsort(names, (size_t)n, sizeof(char *), cmp_name);
    printf("engine (median; pyhf ratios use reference.json timings)\n");
    printf("%-36s %4s %5s %9s %9s %9s %9s %10s %10s\n", "workspace", "bins", "pars", "nll_us",
           "grad_us", "fit_ms", "fit0_ms", "nll_vs_py", "fit_vs_py");
    int failed = 0;
    for (int i = 0; i < n; i++)
        failed += bench_case(dir, names[i]);
    failed += bench_diag(dir, names, n);
    for (int i = 0; i < n; i++)
        free(names[i]);
    failed += bench_bootstrap();
    bench_loader(argv[0], dir);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %ld kB\n", ru.ru_maxrss);
    if (failed)
        printf("bench: %d section%s failed\n", failed, failed == 1 ? "" : "s");
    return failed ? 1 : 0;
}
