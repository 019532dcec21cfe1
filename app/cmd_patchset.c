/* app/cmd_patchset.c - `hfscope patchset list|apply|run|merge`: pyhf patchsets. `run` evaluates
 * every patch (signal point) on threads, streams one JSON line per patch as it finishes, resumes
 * from an existing output file and splits the work into shards for batch systems; `merge` joins
 * shard outputs and lists the points that are missing or failed. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/cli.h"
#include "core/infer/point.h"
#include "core/infer/results.h"
#include "core/json/digest.h"
#include "core/json/patchset.h"
#include "core/model/workspace.h"

int cmd_patchset(int argc, char **argv);

static const char usage_text[] =
    "patchset list PATCHSET.json\n"
    "       hfscope patchset apply BKG.json PATCHSET.json NAME [-o SIGNAL.json]\n"
    "       hfscope patchset run BKG.json PATCHSET.json [--what cls|limit] [-j N]\n"
    "                            [-o RESULTS.jsonl] [--shard I/N]\n"
    "       hfscope patchset merge RESULTS.jsonl... [-o MERGED.jsonl] [--patchset PATCHSET.json]";

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- list ---- */

static int
do_list(hf_cli *cli)
{
    if (cli->npos != 1)
        return hf_cli_error("patchset list: expected PATCHSET.json (see hfscope patchset "
                            "--help)");
    hf_error err = {0};
    hf_patchset *ps = hf_patchset_load(cli->pos[0], &err);
    if (ps == NULL) {
        int rc = hf_cli_report(cli->pos[0], &err);
        hf_error_release(&err);
        return rc;
    }
    int rc = 0;
    if (cli->json) {
        cJSON *doc = hf_cli_json_doc(cli);
        if (doc == NULL) {
            hf_patchset_free(ps);
            return hf_cli_nomem();
        }
        cJSON_DeleteItemFromObject(doc, "workspace");
        cJSON_AddStringToObject(doc, "patchset", cli->pos[0]);
        cJSON_AddStringToObject(doc, "description", ps->description);
        if (ps->digest_sha256 != NULL)
            cJSON_AddStringToObject(doc, "digest_sha256", ps->digest_sha256);
        cJSON_AddItemToObject(doc, "labels",
                              ps->labels != NULL ? cJSON_Duplicate(ps->labels, 1)
                                                 : cJSON_CreateArray());
        cJSON *arr = cJSON_AddArrayToObject(doc, "patches");
        for (size_t i = 0; arr != NULL && i < ps->npatch; i++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToArray(arr, o);
            cJSON_AddStringToObject(o, "name", ps->patch[i].name);
            cJSON_AddItemToObject(o, "values", cJSON_Duplicate(ps->patch[i].values, 1));
            cJSON_AddNumberToObject(o, "operations", cJSON_GetArraySize(ps->patch[i].ops));
        }
        rc = hf_cli_json_emit(doc, cli->output);
    } else {
        printf("%s: %zu patch%s%s%s\n", cli->pos[0], ps->npatch, ps->npatch == 1 ? "" : "es",
               *ps->description ? " - " : "", ps->description);
        printf("%-40s", "name");
        const cJSON *l;
        if (ps->labels != NULL)
            cJSON_ArrayForEach(l, ps->labels) printf(" %12s", l->valuestring);
        printf(" %6s\n", "ops");
        for (size_t i = 0; i < ps->npatch; i++) {
            printf("%-40s", ps->patch[i].name);
            const cJSON *v;
            cJSON_ArrayForEach(v, ps->patch[i].values)
            {
                if (cJSON_IsNumber(v))
                    printf(" %12g", v->valuedouble);
                else
                    printf(" %12s", v->valuestring);
            }
            printf(" %6d\n", cJSON_GetArraySize(ps->patch[i].ops));
        }
    }
    hf_patchset_free(ps);
    return rc;
}

/* pyhf's PatchSet.verify: the patchset's metadata.digests.sha256 must be the digest of the
 * background-only workspace it is applied to. The digest goes to hex (when not NULL) for the
 * provenance of results. Returns 0 or exit code 2 (message printed). */
static int
verify_digest(const char *bkg, const hf_patchset *ps, bool no_verify, char *hex)
{
    char mine[65];
    if (hex == NULL && (no_verify || ps->digest_sha256 == NULL))
        return 0;
    hex = hex != NULL ? hex : mine;
    hf_error err = {0};
    if (hf_digest_sha256(bkg, hex, &err) < 0) {
        int rc = hf_cli_report(bkg, &err);
        hf_error_release(&err);
        return rc;
    }
    if (!no_verify && ps->digest_sha256 != NULL && strcmp(hex, ps->digest_sha256) != 0)
        return hf_cli_error("%s:/metadata/digests/sha256: the patchset was made for another "
                            "workspace (digest %.12s..., '%s' has %.12s...); "
                            "--no-verify applies it anyway",
                            ps->path, ps->digest_sha256, bkg, hex);
    return 0;
}

/* ---- apply ---- */

static int
do_apply(hf_cli *cli, bool no_verify)
{
    if (cli->npos != 3)
        return hf_cli_error("patchset apply: expected BKG.json PATCHSET.json NAME (see "
                            "hfscope patchset --help)");
    const char *bkg = cli->pos[0], *psp = cli->pos[1], *name = cli->pos[2];
    hf_error err = {0};
    int rc = 0;
    hf_patchset *ps = hf_patchset_load(psp, &err);
    cJSON *doc = NULL;
    if (ps == NULL) {
        rc = hf_cli_report(psp, &err);
        goto out;
    }
    int pi = hf_patchset_find(ps, name);
    if (pi < 0) {
        hf_error_set(&err, HF_EUSAGE, "/patches", "no patch named '%s' in the patchset", name);
        rc = hf_cli_report(psp, &err);
        goto out;
    }
    if ((rc = verify_digest(bkg, ps, no_verify, NULL)) != 0)
        goto out;
    doc = hf_json_load_file(bkg, &err);
    if (doc == NULL) {
        rc = hf_cli_report(bkg, &err);
        goto out;
    }
    if (hf_patchset_apply(ps, (size_t)pi, doc, &err) < 0) {
        rc = hf_cli_report(psp, &err);
        goto out;
    }
    /* the result must load as a workspace: check a copy, since loading takes the document */
    cJSON *copy = cJSON_Duplicate(doc, 1);
    if (copy == NULL) {
        rc = hf_cli_nomem();
        goto out;
    }
    hf_workspace *ws = hf_workspace_from_json(copy, bkg, &err);
    if (ws == NULL) {
        (void)fprintf(stderr, "hfscope: error: patch '%s' does not give a valid workspace\n", name);
        rc = hf_cli_report(bkg, &err);
        goto out;
    }
    hf_workspace_free(ws);
    char *text = cJSON_Print(doc);
    if (text == NULL) {
        rc = hf_cli_nomem();
        goto out;
    }
    size_t len = strlen(text);
    if (cli->output != NULL) {
        text[len] = '\n'; /* over the NUL: the file gets the text and a newline */
        if (hf_write_file_atomic(cli->output, text, len + 1, &err) < 0)
            rc = hf_cli_report(NULL, &err);
    } else {
        (void)fputs(text, stdout);
        (void)fputc('\n', stdout);
    }
    cJSON_free(text);
out:
    cJSON_Delete(doc);
    hf_patchset_free(ps);
    hf_error_release(&err);
    return rc;
}

/* ---- run ---- */

typedef struct runner {
    hf_cli *cli;
    const cJSON *bkg;
    const char *bkg_path;
    const hf_patchset *ps;
    bool limit;
    double mu, cl;
    const char *tsname;
    bool fast;
    size_t *work;
    size_t nwork;
    atomic_size_t next;
    pthread_mutex_t lock;
    FILE *out;
    size_t done, failed;
    int worst; /* highest exit code seen */
    bool write_failed;
    int write_errno; /* errno of the first failed write */
    off_t written;   /* bytes of the output file ending in a complete line we wrote */
    bool progress;
    double t0;
    const char *ws_sha256; /* provenance written on every line */
    const char *options;
} runner;

/* The command line's fit settings and --fix on a patched model (hf_point_options.setup). */
static int
setup_model(hf_model *m, void *ctx, hf_error *err)
{
    const hf_cli *cli = ctx;
    hf_cli_fit_settings(cli, m);
    return hf_cli_fix_params(m, cli->fix, cli->nfix, err);
}

/* The limits of a point into obj: "cl", "obs", "exp", "range", and "outside_range" saying why a
 * limit is null (as `limit --json`; not an "error", so a resume keeps the line). */
static void
add_limits(const hf_point_result *res, cJSON *obj)
{
    cJSON_AddNumberToObject(obj, "cl", res->cl);
    cJSON_AddNumberToObject(obj, "obs", res->obs);
    cJSON_AddItemToObject(obj, "exp", cJSON_CreateDoubleArray(res->exp, 5));
    double r2[2] = {res->lo, res->hi};
    cJSON_AddItemToObject(obj, "range", cJSON_CreateDoubleArray(r2, 2));
    static const char *const key[6] = {"obs", "exp_m2", "exp_m1", "exp", "exp_p1", "exp_p2"};
    cJSON *miss = NULL;
    for (int t = 0; t < 6; t++) {
        if (!isnan(t == 0 ? res->obs : res->exp[t - 1]))
            continue;
        if (miss == NULL && (miss = cJSON_AddObjectToObject(obj, "outside_range")) == NULL)
            break;
        cJSON_AddStringToObject(miss, key[t],
                                res->why[t] == 1
                                    ? "CLs is below 1 - cl already at the lower end of the range"
                                    : "CLs stays above 1 - cl up to the upper end of the range");
    }
}

/* Evaluate one patch (core/infer/point.h) into obj (the result fields); returns 0 or an exit
 * code with obj's "error" set. */
static int
eval_patch(runner *r, size_t pi, cJSON *obj)
{
    hf_point_options o = {0};
    o.mopt = &r->cli->mopt;
    o.setup = setup_model;
    o.setup_ctx = r->cli;
    o.test_stat = r->tsname;
    o.fast = r->fast;
    o.limit = r->limit;
    o.mu = r->mu;
    o.cl = r->cl;
    hf_point_result res;
    hf_error err = {0};
    int rc = hf_point_eval(r->bkg, r->bkg_path, r->ps, pi, &o, &res, &err) < 0
                 ? (res.computing && err.code == HF_EFIT ? 1 : 2)
                 : 0;
    if (rc == 0 || res.computing) {
        cJSON_AddStringToObject(obj, "poi", res.poi);
        cJSON_AddStringToObject(obj, "test_stat", res.test_stat);
    }
    if (res.has_limit) {
        add_limits(&res, obj);
    } else if (res.has_cls) {
        cJSON_AddNumberToObject(obj, "poi_value", res.mu);
        cJSON_AddNumberToObject(obj, "cls_obs", res.cls);
        cJSON_AddItemToObject(obj, "cls_exp", cJSON_CreateDoubleArray(res.cls_exp, 5));
        cJSON_AddNumberToObject(obj, "clsb_obs", res.clsb);
        cJSON_AddNumberToObject(obj, "clb_obs", res.clb);
    }
    if (rc != 0) {
        if (err.where != NULL && *err.where)
            cJSON_AddStringToObject(obj, "error_pointer", err.where);
        cJSON_AddStringToObject(obj, "error", hf_error_msg(&err));
    }
    hf_point_result_release(&res);
    hf_error_release(&err);
    return rc;
}

/* When the point finished (unix time, ms) and what produced it: `merge` keeps the newest of
 * conflicting lines and refuses lines of different workspaces, options or versions. */
static void
add_provenance(const runner *r, cJSON *obj)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    cJSON_AddNumberToObject(obj, "finished",
                            (double)ts.tv_sec + round((double)ts.tv_nsec * 1e-6) * 1e-3);
    cJSON_AddStringToObject(obj, "hfscope", HF_VERSION);
    cJSON_AddStringToObject(obj, "workspace_sha256", r->ws_sha256);
    cJSON_AddStringToObject(obj, "options", r->options);
}

static void *
run_worker(void *arg)
{
    runner *r = arg;
    for (;;) {
        size_t k = atomic_fetch_add(&r->next, 1);
        if (k >= r->nwork)
            break;
        size_t pi = r->work[k];
        const hf_patch *p = &r->ps->patch[pi];
        double t = now_s();
        cJSON *obj = cJSON_CreateObject();
        char *line = NULL;
        int rc = 2;
        if (obj != NULL) {
            cJSON_AddStringToObject(obj, "patch", p->name);
            cJSON_AddItemToObject(obj, "values", cJSON_Duplicate(p->values, 1));
            rc = eval_patch(r, pi, obj);
            cJSON_AddNumberToObject(obj, "seconds", round((now_s() - t) * 1e4) / 1e4);
            add_provenance(r, obj);
            line = cJSON_PrintUnformatted(obj);
            cJSON_Delete(obj);
        }
        pthread_mutex_lock(&r->lock);
        if (line != NULL && !r->write_failed) {
            errno = 0;
            if (fputs(line, r->out) < 0 || fputc('\n', r->out) == EOF || fflush(r->out) != 0) {
                /* the first write error ends the run: no point evaluating what cannot be kept */
                r->write_failed = true;
                r->write_errno = errno != 0 ? errno : EIO;
                atomic_store(&r->next, r->nwork);
            } else if (r->out != stdout) {
                off_t pos = ftello(r->out);
                if (pos > 0)
                    r->written = pos;
            }
        }
        if (r->write_failed) {
            pthread_mutex_unlock(&r->lock);
            cJSON_free(line);
            continue;
        }
        r->done++;
        if (rc != 0) {
            r->failed++;
            if (rc > r->worst)
                r->worst = rc;
            if (!r->cli->quiet)
                (void)fprintf(stderr, "%shfscope: error: patch '%s' failed (see its line)\n",
                              r->progress ? "\r" : "", p->name);
        }
        if (r->progress) {
            double el = now_s() - r->t0;
            (void)fprintf(stderr, "\rpatchset run: %zu/%zu  %.1f points/s ", r->done, r->nwork,
                          el > 0 ? (double)r->done / el : 0.0);
        }
        pthread_mutex_unlock(&r->lock);
        cJSON_free(line);
    }
    return NULL;
}

/* What differs between a line of an existing output and this run: NULL when nothing (or the
 * line records no provenance, as lines written before it was recorded). */
static const char *
other_run(const cJSON *o, const runner *r)
{
    static const char *const key[3] = {"workspace_sha256", "options", "hfscope"};
    static const char *const what[3] = {"workspace", "set of options", "hfscope version"};
    const char *mine[3] = {r->ws_sha256, r->options, HF_VERSION};
    for (int k = 0; k < 3; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key[k]);
        if (cJSON_IsString(v) && strcmp(v->valuestring, mine[k]) != 0)
            return what[k];
    }
    return NULL;
}

/* Names already finished in an existing output file (lines without "error"). A last line cut
 * short by an interrupted run is removed, so appending starts on a fresh line. */
static int
read_done(const char *path, const hf_patchset *ps, const runner *r, bool *done, size_t *ndone)
{
    *ndone = 0;
    struct stat st; /* resume only from a regular file (never read /dev/full or a pipe) */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return errno == ENOENT ? 0 : hf_cli_error("cannot read '%s': %s", path, strerror(errno));
    char *buf = NULL;
    size_t cap = 0, len = 0;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (len + n + 1 > cap) {
            cap = 2 * (len + n + 1);
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                (void)fclose(f);
                return hf_cli_nomem();
            }
            buf = nb;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    (void)fclose(f);
    size_t good = 0; /* bytes up to and including the last newline */
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\n')
            good = i + 1;
    size_t lineno = 0;
    for (size_t s = 0; s < good;) {
        char *nl = memchr(buf + s, '\n', good - s);
        *nl = '\0';
        lineno++;
        cJSON *o = cJSON_Parse(buf + s);
        const char *other = other_run(o, r);
        if (other != NULL) {
            cJSON_Delete(o);
            free(buf);
            return hf_cli_error("%s:%zu: written by a run with another %s; write to "
                                "another -o file",
                                path, lineno, other);
        }
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "patch");
        if (cJSON_IsString(name) && cJSON_GetObjectItemCaseSensitive(o, "error") == NULL) {
            int i = hf_patchset_find(ps, name->valuestring);
            if (i >= 0 && !done[i]) {
                done[i] = true;
                (*ndone)++;
            }
        }
        cJSON_Delete(o);
        s = (size_t)(nl - buf) + 1;
    }
    free(buf);
    if (good < len && truncate(path, (off_t)good) != 0)
        return hf_cli_error("cannot repair '%s': %s", path, strerror(errno));
    return 0;
}

/* The options that change a line's numbers, in one canonical string (the provenance of every
 * line; -j, --shard and -o do not change them). NULL on ENOMEM. */
static char *
run_options(const hf_cli *cli, bool limit, double mu, double cl, const char *ts, bool fast)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (f == NULL)
        return NULL;
    if (limit)
        (void)fprintf(f, "what=limit cl=%.17g", cl);
    else
        (void)fprintf(f, "what=cls poi-value=%.17g", mu);
    (void)fprintf(f, " test-stat=%s fast=%d", ts != NULL ? ts : "auto", fast ? 1 : 0);
    if (cli->measurement != NULL)
        (void)fprintf(f, " measurement=%s", cli->measurement);
    if (cli->poi != NULL)
        (void)fprintf(f, " poi=%s", cli->poi);
    for (size_t i = 0; i < cli->nfix; i++)
        (void)fprintf(f, " fix=%s=%.17g", cli->fix[i].name, cli->fix[i].value);
    (void)fprintf(f, " interp=%d,%d", (int)cli->mopt.normsys_code, (int)cli->mopt.histosys_code);
    if (fclose(f) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* run's own options: --what into *limit, --shard into *si of *sn, --test-stat and --cl checked.
 * Returns the exit code. */
static int
check_run_options(const char *what, const char *shard, double cl, const char *ts, bool *limit,
                  long *si, long *sn)
{
    if (strcmp(what, "cls") == 0)
        *limit = false;
    else if (strcmp(what, "limit") == 0)
        *limit = true;
    else
        return hf_cli_error("--what: expected cls or limit, got '%s'", what);
    *si = 0;
    *sn = 1;
    if (shard != NULL) {
        char *end;
        *si = strtol(shard, &end, 10);
        if (end == shard || *end != '/' || (*sn = strtol(end + 1, &end, 10)) < 1 || *end != '\0' ||
            *si < 0 || *si >= *sn)
            return hf_cli_error("--shard: expected I/N with 0 <= I < N, got '%s'", shard);
    }
    if (ts != NULL && strcmp(ts, "qtilde") != 0 && strcmp(ts, "q") != 0 && strcmp(ts, "auto") != 0)
        return hf_cli_error("--test-stat: expected qtilde or q, got '%s'", ts);
    if (!(cl > 0.0 && cl < 1.0))
        return hf_cli_error("--cl: expected a level between 0 and 1, got %g", cl);
    return 0;
}

/* Queue the patches of shard si of sn that are not done yet into r->work; *nshard counts the
 * shard's patches, *skipped those already done. */
static void
plan_work(runner *r, const bool *done, long si, long sn, size_t *nshard, size_t *skipped)
{
    *nshard = 0;
    *skipped = 0;
    for (size_t i = 0; i < r->ps->npatch; i++) {
        if ((long)(i % (size_t)sn) != si)
            continue;
        (*nshard)++;
        if (done[i])
            (*skipped)++;
        else
            r->work[r->nwork++] = i;
    }
}

/* What run knows of its -o file before it writes, to undo a failed write. */
typedef struct run_output {
    bool existed; /* the file was there before */
    bool regular; /* a regular file (never truncate or remove a device) */
} run_output;

/* r->out: stdout, or -o opened for appending, with r->written at its end. Returns the exit
 * code. */
static int
open_output(const hf_cli *cli, runner *r, run_output *o)
{
    struct stat st;
    r->out = stdout;
    o->existed = cli->output != NULL && stat(cli->output, &st) == 0;
    o->regular = o->existed && S_ISREG(st.st_mode);
    if (cli->output == NULL)
        return 0;
    if ((r->out = fopen(cli->output, "ab")) == NULL)
        return hf_cli_error("cannot write '%s': %s", cli->output, strerror(errno));
    if (!o->existed && fstat(fileno(r->out), &st) == 0 && S_ISREG(st.st_mode))
        o->regular = true;
    r->written = o->regular && fseeko(r->out, 0, SEEK_END) == 0 ? ftello(r->out) : 0;
    if (r->written < 0)
        r->written = 0;
    return 0;
}

/* Evaluate r's work on up to `jobs` threads (this one included). Returns the exit code. */
static int
run_threads(runner *r, int jobs)
{
    atomic_init(&r->next, 0);
    pthread_mutex_init(&r->lock, NULL);
    int nt = jobs < 1 ? 1 : jobs;
    if ((size_t)nt > r->nwork)
        nt = r->nwork > 0 ? (int)r->nwork : 1;
    pthread_t *tid = calloc((size_t)nt, sizeof(*tid));
    bool *threaded = calloc((size_t)nt, sizeof(bool));
    if (tid == NULL || threaded == NULL) {
        free(tid);
        free(threaded);
        pthread_mutex_destroy(&r->lock);
        return hf_cli_nomem();
    }
    for (int t = 1; t < nt; t++)
        threaded[t] = pthread_create(&tid[t], NULL, run_worker, r) == 0;
    run_worker(r);
    for (int t = 1; t < nt; t++)
        if (threaded[t])
            pthread_join(tid[t], NULL);
    free(tid);
    free(threaded);
    pthread_mutex_destroy(&r->lock);
    return 0;
}

/* Close (or flush) r->out. On a write error the output goes back to its last complete line, and
 * a file this run created is removed when it holds nothing. Returns the exit code. */
static int
close_output(const hf_cli *cli, runner *r, const run_output *o)
{
    if (r->out != stdout) {
        FILE *f = r->out;
        r->out = NULL;
        errno = 0;
        if (fclose(f) != 0 && !r->write_failed) {
            r->write_failed = true;
            r->write_errno = errno != 0 ? errno : EIO;
        }
    } else if (fflush(stdout) != 0 && !r->write_failed) {
        r->write_failed = true;
        r->write_errno = errno != 0 ? errno : EIO;
    }
    if (!r->write_failed)
        return 0;
    if (cli->output != NULL && o->regular) {
        if (r->written == 0 && !o->existed)
            (void)unlink(cli->output);
        else
            (void)truncate(cli->output, r->written);
    }
    if (r->progress)
        (void)fputc('\n', stderr);
    return hf_cli_error("cannot write the results to '%s': %s",
                        cli->output != NULL ? cli->output : "stdout", strerror(r->write_errno));
}

static int
do_run(hf_cli *cli, const char *what, const char *shard, double mu, double cl, const char *ts,
       bool fast, bool no_verify)
{
    if (cli->npos != 2)
        return hf_cli_error("patchset run: expected BKG.json PATCHSET.json (see hfscope "
                            "patchset --help)");
    bool limit = false;
    long si = 0, sn = 1;
    int rc = check_run_options(what, shard, cl, ts, &limit, &si, &sn);
    if (rc != 0)
        return rc;
    const char *bkg_path = cli->pos[0], *ps_path = cli->pos[1];
    hf_error err = {0};
    cJSON *bkg = NULL;
    hf_patchset *ps = NULL;
    bool *done = NULL;
    char ws_hex[65], *options = NULL;
    runner r;
    memset(&r, 0, sizeof(r));
    ps = hf_patchset_load(ps_path, &err);
    if (ps == NULL) {
        rc = hf_cli_report(ps_path, &err);
        goto out;
    }
    if ((rc = verify_digest(bkg_path, ps, no_verify, ws_hex)) != 0)
        goto out;
    bkg = hf_json_load_file(bkg_path, &err);
    if (bkg == NULL) {
        rc = hf_cli_report(bkg_path, &err);
        goto out;
    }
    done = calloc(ps->npatch, sizeof(bool));
    r.work = malloc(ps->npatch * sizeof(size_t));
    if (done == NULL || r.work == NULL) {
        rc = hf_cli_nomem();
        goto out;
    }
    size_t ndone = 0;
    r.ws_sha256 = ws_hex;
    r.options = options = run_options(cli, limit, mu, cl, ts, fast);
    if (options == NULL) {
        rc = hf_cli_nomem();
        goto out;
    }
    if (cli->output != NULL && (rc = read_done(cli->output, ps, &r, done, &ndone)) != 0)
        goto out;
    size_t nshard, skipped;
    r.ps = ps;
    plan_work(&r, done, si, sn, &nshard, &skipped);
    run_output ro;
    if ((rc = open_output(cli, &r, &ro)) != 0)
        goto out;
    r.cli = cli;
    r.bkg = bkg;
    r.bkg_path = bkg_path;
    r.limit = limit;
    r.mu = mu;
    r.cl = cl;
    r.tsname = ts;
    r.fast = fast;
    r.progress = !cli->quiet && isatty(2) && cli->output != NULL;
    r.t0 = now_s();
    if ((rc = run_threads(&r, cli->jobs)) != 0)
        goto out;
    double el = now_s() - r.t0;
    if ((rc = close_output(cli, &r, &ro)) != 0)
        goto out;
    if (!cli->quiet)
        (void)fprintf(stderr,
                      "%spatchset run: %zu evaluated, %zu already in the output, %zu failed "
                      "(shard %ld/%ld: %zu of %zu patches); %.2f s, %.1f points/s\n",
                      r.progress ? "\r" : "", r.done, skipped, r.failed, si, sn, nshard, ps->npatch,
                      el, el > 0 ? (double)r.done / el : 0.0);
    rc = r.worst;
out:
    if (r.out != NULL && r.out != stdout && fclose(r.out) != 0 && rc == 0)
        rc = hf_cli_error("cannot write '%s': %s", cli->output, strerror(errno));
    free(r.work);
    free(done);
    free(options);
    cJSON_Delete(bkg);
    hf_patchset_free(ps);
    hf_error_release(&err);
    return rc;
}

/* ---- merge ---- */

/* "hfscope: error: FILE:LINE:POINTER: MESSAGE" for a results line; returns 2 */
static int
report_line(const char *file, const hf_error *err)
{
    const char *where = err->where != NULL ? err->where : "";
    if (err->line > 0)
        (void)fprintf(stderr, "hfscope: error: %s:%d:%s%s%s\n", file, err->line, where,
                      *where ? ": " : " ", hf_error_msg(err));
    else
        return hf_cli_report(file, err);
    return 2;
}

/* The points of ps with no line or a failed line, one per line on stdout ("missing NAME
 * [values]", "failed NAME: why"); returns how many. */
static size_t
list_incomplete(const hf_results *rs, const hf_patchset *ps, size_t *nfailed)
{
    size_t bad = 0;
    *nfailed = 0;
    for (size_t i = 0; i < ps->npatch; i++) {
        long k = hf_results_find(rs, ps->patch[i].name);
        const hf_result *r = k >= 0 ? hf_results_get(rs, (size_t)k) : NULL;
        if (r != NULL && r->error == NULL)
            continue;
        bad++;
        if (r != NULL)
            (*nfailed)++;
        char *v = cJSON_PrintUnformatted(ps->patch[i].values);
        if (r == NULL)
            printf("missing %s %s\n", ps->patch[i].name, v != NULL ? v : "");
        else
            printf("failed %s %s: %s\n", ps->patch[i].name, v != NULL ? v : "", r->error);
        cJSON_free(v);
    }
    return bad;
}

/* The kept lines (in patchset order when there is one) written to path, or stdout. */
static int
write_merged(const hf_results *rs, const hf_patchset *ps, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return hf_cli_nomem();
    size_t n = hf_results_count(rs);
    for (size_t i = 0; i < (ps != NULL ? ps->npatch : n); i++) {
        long k = ps != NULL ? hf_results_find(rs, ps->patch[i].name) : (long)i;
        if (k >= 0)
            (void)fprintf(f, "%s\n", hf_results_get(rs, (size_t)k)->text);
    }
    if (fclose(f) != 0) {
        free(buf);
        return hf_cli_nomem();
    }
    hf_error err = {0};
    int rc = 0;
    if (path != NULL) {
        if (hf_write_file_atomic(path, buf, len, &err) < 0)
            rc = hf_cli_report(NULL, &err);
    } else if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
        rc = hf_cli_error("cannot write the merged results to stdout: %s", strerror(errno));
    }
    free(buf);
    hf_error_release(&err);
    return rc;
}

static int
do_merge(hf_cli *cli, const char *ps_path)
{
    if (cli->npos < 1)
        return hf_cli_error("patchset merge: expected RESULTS.jsonl... (see hfscope "
                            "patchset merge --help)");
    hf_error err = {0};
    hf_patchset *ps = NULL;
    hf_results *rs = hf_results_new();
    int rc = 0;
    if (rs == NULL) {
        rc = hf_cli_nomem();
        goto out;
    }
    for (int i = 0; i < cli->npos; i++)
        if (hf_results_read(rs, cli->pos[i], &err) < 0) {
            rc = report_line(cli->pos[i], &err);
            goto out;
        }
    size_t nread = hf_results_count(rs), ndup = 0, nconf = 0, nfailed = 0, nbad = 0;
    hf_results_merge(rs, &ndup, &nconf);
    if (ps_path != NULL) {
        const hf_result *bad = NULL;
        if ((ps = hf_patchset_load(ps_path, &err)) == NULL) {
            rc = hf_cli_report(ps_path, &err);
            goto out;
        }
        if (hf_results_check_patchset(rs, ps, &bad, &err) < 0) {
            rc = report_line(bad->file, &err);
            goto out;
        }
        nbad = list_incomplete(rs, ps, &nfailed);
        (void)fflush(stdout);
    }
    if ((rc = write_merged(rs, ps, cli->output)) != 0)
        goto out;
    if (!cli->quiet) {
        (void)fprintf(stderr,
                      "patchset merge: %zu lines read, %zu exact duplicates dropped, %zu "
                      "conflicting lines replaced by newer ones, %zu points kept",
                      nread, ndup, nconf, hf_results_count(rs));
        if (ps != NULL)
            (void)fprintf(stderr, "; of %zu patches %zu missing, %zu failed", ps->npatch,
                          nbad - nfailed, nfailed);
        (void)fputc('\n', stderr);
    }
    rc = nbad > 0 ? 1 : 0;
out:
    hf_results_free(rs);
    hf_patchset_free(ps);
    hf_error_release(&err);
    return rc;
}

int
cmd_patchset(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        (void)fprintf(f,
                      "usage: hfscope %s\n\n"
                      "  list    the patches (signal points) and their values\n"
                      "  apply   write the workspace with one patch applied\n"
                      "  run     evaluate every patch (one JSON line each, resumable, shardable)\n"
                      "  merge   join the outputs of run (shards); list missing or failed points\n"
                      "\n'hfscope patchset run --help' lists the options of run.\n",
                      usage_text);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "list") != 0 && strcmp(sub, "apply") != 0 && strcmp(sub, "run") != 0 &&
        strcmp(sub, "merge") != 0)
        return hf_cli_error("patchset: unknown subcommand '%s' (expected list, apply, run "
                            "or merge)",
                            sub);
    hf_cli cli;
    const char *what = "cls", *shard = NULL, *ts = NULL, *merge_ps = NULL;
    double mu = 1.0, cl = 0.95;
    bool fast = false, no_verify = false;
    const hf_opt extra_run[] = {
        {"what", 0, HF_OPT_STRING, &what, "cls (at --poi-value) or limit (default cls)"},
        {"shard", 0, HF_OPT_STRING, &shard, "I/N: evaluate patches with index % N == I only"},
        {"poi-value", 0, HF_OPT_DOUBLE, &mu, "POI value for --what cls (default 1)"},
        {"cl", 0, HF_OPT_DOUBLE, &cl, "confidence level for --what limit (default 0.95)"},
        {"test-stat", 0, HF_OPT_STRING, &ts, "qtilde or q (default: by the POI's lower bound)"},
        {"fast", 0, HF_OPT_FLAG, &fast, "one start per conditional fit (see hfscope cls --help)"},
        {"no-verify", 0, HF_OPT_FLAG, &no_verify,
         "apply even if the patchset's digest names another workspace"},
        {NULL, 0, 0, NULL, NULL}};
    const hf_opt none[] = {{NULL, 0, 0, NULL, NULL}};
    const hf_opt extra_merge[] = {{"patchset", 0, HF_OPT_STRING, &merge_ps,
                                   "list the patches missing or failed (exit 1 if any)"},
                                  {NULL, 0, 0, NULL, NULL}};
    const hf_opt extra_apply[] = {{"no-verify", 0, HF_OPT_FLAG, &no_verify,
                                   "apply even if the patchset's digest names another workspace"},
                                  {NULL, 0, 0, NULL, NULL}};
    int rc = hf_cli_parse(&cli, argc - 1, argv + 1,
                          strcmp(sub, "run") == 0     ? extra_run
                          : strcmp(sub, "apply") == 0 ? extra_apply
                          : strcmp(sub, "merge") == 0 ? extra_merge
                                                      : none,
                          strcmp(sub, "list") == 0    ? "patchset list [OPTIONS] PATCHSET.json"
                          : strcmp(sub, "apply") == 0 ? "patchset apply [OPTIONS] BKG.json "
                                                        "PATCHSET.json NAME"
                          : strcmp(sub, "merge") == 0 ? "patchset merge [OPTIONS] RESULTS.jsonl..."
                                                      : "patchset run [OPTIONS] BKG.json "
                                                        "PATCHSET.json");
    if (rc != 0) {
        hf_cli_done(&cli);
        return rc < 0 ? 0 : rc;
    }
    cli.command = "patchset";
    if (strcmp(sub, "list") == 0)
        rc = do_list(&cli);
    else if (strcmp(sub, "apply") == 0)
        rc = do_apply(&cli, no_verify);
    else if (strcmp(sub, "merge") == 0)
        rc = do_merge(&cli, merge_ps);
    else
        rc = do_run(&cli, what, shard, mu, cl, ts, fast, no_verify);
    hf_cli_done(&cli);
    return rc;
}
