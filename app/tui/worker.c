/* app/tui/worker.c - the fit thread (btop's runner): one pthread, a mutex, a condition variable
 * and one job at a time. A job is typed (tui_job_kind); the thread runs hf_fit and posts typed
 * results (tui_result: progress, coalesced, and the finished fit; or a signal point of a
 * patchset, hf_point_eval) to a small queue, then wakes
 * the loop through an eventfd-like pipe the loop poll()s beside stdin. It never calls into the
 * UI and never sees struct tui: the loop takes the results (tui_worker_take) and applies them. */
#include "app/tui/worker.h"
#include "app/tui/session.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A running job has at most one progress entry (coalesced) and one finished fit in the queue,
 * and submit refuses while a finished fit is unread: two slots would do, four leave room. */
#define QCAP 4
/* progress wakes the loop at most this often (the loop redraws the top line at most 20/s) */
#define WAKE_EVERY 0.05

struct tui_worker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int cancel;
    int wake[2]; /* pipe: the thread writes a byte, the loop polls wake[0] */
    /* guarded by mu */
    bool quit, pending, busy; /* busy: a job pending, running or its fit result unread */
    tui_job_kind job;
    const hf_model *job_m;
    double *init; /* job input (npar of job_m), owned */
    bool *fixed;
    const hf_fit_result *best; /* MINOS: the best fit (the UI keeps it while the job runs) */
    size_t par;
    tui_point_job point; /* TUI_JOB_POINT's input */
    double t_start, last_wake;
    tui_result q[QCAP];
    size_t qhead, qlen;
};

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Under mu: wake the loop (a full pipe already means "wake": EAGAIN is fine). */
static void
wake_locked(tui_worker *w)
{
    char b = 1;
    ssize_t rc = write(w->wake[1], &b, 1);
    (void)rc;
    w->last_wake = now();
}

/* Under mu: append r, or replace the tail when both are progress of the same job. */
static void
post_locked(tui_worker *w, const tui_result *r)
{
    if (w->qlen > 0) {
        tui_result *tail = &w->q[(w->qhead + w->qlen - 1) % QCAP];
        if (r->kind == TUI_RESULT_PROGRESS && tail->kind == TUI_RESULT_PROGRESS &&
            tail->job == r->job) {
            *tail = *r;
            return;
        }
    }
    if (w->qlen == QCAP) { /* cannot happen (see QCAP); drop the oldest rather than block */
        tui_result_release(&w->q[w->qhead]);
        w->qhead = (w->qhead + 1) % QCAP;
        w->qlen--;
    }
    w->q[(w->qhead + w->qlen) % QCAP] = *r;
    w->qlen++;
}

static void
progress(void *ctx, int iter, double nll, double edm)
{
    tui_worker *w = ctx;
    pthread_mutex_lock(&w->mu);
    tui_result r = {.kind = TUI_RESULT_PROGRESS, .job = w->job};
    r.u.progress.iter = iter;
    r.u.progress.nll = nll;
    r.u.progress.edm = edm;
    post_locked(w, &r);
    if (now() - w->last_wake >= WAKE_EVERY)
        wake_locked(w);
    pthread_mutex_unlock(&w->mu);
}

/* A MINOS job (entered and left with mu unlocked, returns with mu locked). */
static void
run_minos(tui_worker *w, const hf_model *m, const hf_data *d)
{
    hf_minos_options o = {0};
    o.cancel = &w->cancel;
    tui_result r = {.kind = TUI_RESULT_MINOS, .job = TUI_JOB_MINOS};
    r.u.minos.rc = hf_minos(m, d, w->best, w->par, &o, &r.u.minos.res, &r.u.minos.err);
    pthread_mutex_lock(&w->mu);
    post_locked(w, &r);
    wake_locked(w);
}

/* An NLL-shape job (entered with mu unlocked, returns with mu locked). */
static void
run_shape(tui_worker *w, const hf_model *m, const hf_data *d)
{
    hf_nllshape_options o = {0};
    o.cancel = &w->cancel;
    tui_result r = {.kind = TUI_RESULT_NLLSHAPE, .job = TUI_JOB_NLLSHAPE};
    r.u.shape.rc = hf_nllshape_compute(m, d, w->best, &o, &r.u.shape.res, &r.u.shape.err);
    pthread_mutex_lock(&w->mu);
    post_locked(w, &r);
    wake_locked(w);
}

/* A signal point of a patchset (entered with mu unlocked, returns with mu locked). */
static void
run_point(tui_worker *w)
{
    tui_point_job j = w->point; /* the UI does not change it while the job runs */
    j.opt.cancel = &w->cancel;
    tui_result r = {.kind = TUI_RESULT_POINT, .job = TUI_JOB_POINT};
    r.u.point.pi = j.pi;
    r.u.point.limit = j.opt.limit;
    if (j.delay > 0) {
        struct timespec ts = {(time_t)j.delay, (long)((j.delay - (double)(time_t)j.delay) * 1e9)};
        (void)nanosleep(&ts, NULL);
    }
    double t0 = now();
    r.u.point.rc =
        hf_point_eval(j.bkg, j.bkg_path, j.ps, j.pi, &j.opt, &r.u.point.res, &r.u.point.err);
    r.u.point.secs = now() - t0;
    pthread_mutex_lock(&w->mu);
    post_locked(w, &r);
    wake_locked(w);
}

static void *
worker_main(void *arg)
{
    tui_worker *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->quit && !w->pending)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->quit)
            break;
        w->pending = false;
        const hf_model *m = w->job_m;
        tui_job_kind job = w->job;
        double *init = w->init;
        bool *fixed = w->fixed;
        w->init = NULL;
        w->fixed = NULL;
        pthread_mutex_unlock(&w->mu);

        if (job == TUI_JOB_POINT) {
            run_point(w);
            continue;
        }
        /* The model is immutable and hf_fit has no globals: no lock needed while it runs. */
        hf_data d = hf_model_data(m);
        if (job == TUI_JOB_MINOS) {
            run_minos(w, m, &d);
            continue;
        }
        if (job == TUI_JOB_NLLSHAPE) {
            run_shape(w, m, &d);
            continue;
        }
        hf_fit_options opt = {0};
        opt.init = init;
        opt.fixed = fixed;
        opt.fix_index = -1;
        opt.cancel = &w->cancel;
        opt.progress = progress;
        opt.progress_ctx = w;
        tui_result r = {.kind = TUI_RESULT_FIT, .job = job};
        r.u.fit.rc = hf_fit(m, &d, &opt, &r.u.fit.res, &r.u.fit.err);
        free(init);
        free(fixed);

        pthread_mutex_lock(&w->mu);
        r.u.fit.secs = now() - w->t_start;
        post_locked(w, &r);
        wake_locked(w);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* A job's input: the model, a fit's start and fixed mask (owned from here on) or MINOS's best
 * fit and parameter. */
typedef struct tui_job_in {
    tui_job_kind job;
    const hf_model *m;
    double *init;
    bool *fixed;
    const hf_fit_result *best;
    size_t par;
    const tui_point_job *point;
} tui_job_in;

/* Hand the job to the thread, unless it is busy (-1; in stays the caller's). */
static int
submit(tui_worker *w, const tui_job_in *in)
{
    pthread_mutex_lock(&w->mu);
    if (w->busy) {
        pthread_mutex_unlock(&w->mu);
        return -1;
    }
    atomic_store(&w->cancel, 0);
    w->job_m = in->m;
    w->job = in->job;
    w->init = in->init;
    w->fixed = in->fixed;
    w->best = in->best;
    w->par = in->par;
    if (in->point != NULL)
        w->point = *in->point;
    w->pending = w->busy = true;
    w->t_start = now();
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

/* Start the thread. Returns the worker, or NULL when it could not be created (the UI then runs
 * without fits and says so). */
tui_worker *
tui_worker_start(void)
{
    tui_worker *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    atomic_init(&w->cancel, 0);
    if (pipe(w->wake) < 0) {
        free(w);
        return NULL;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(w->wake[i], F_SETFL, fcntl(w->wake[i], F_GETFL) | O_NONBLOCK);
        fcntl(w->wake[i], F_SETFD, FD_CLOEXEC);
    }
    bool mu = pthread_mutex_init(&w->mu, NULL) == 0;
    bool cv = mu && pthread_cond_init(&w->cv, NULL) == 0;
    if (!cv || pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        if (cv)
            pthread_cond_destroy(&w->cv);
        if (mu)
            pthread_mutex_destroy(&w->mu);
        close(w->wake[0]);
        close(w->wake[1]);
        free(w);
        return NULL;
    }
    return w;
}

/* Queue a fit of model m from init with the fixed mask (both npar, copied) as a job of the
 * given kind; m must outlive the job (the UI keeps it until the result is taken or the worker
 * stopped). Returns -1 when busy (NULL worker included) or on ENOMEM. */
int
tui_worker_submit(tui_worker *w, tui_job_kind job, const hf_model *m, const double *init,
                  const bool *fixed)
{
    if (w == NULL)
        return -1;
    size_t n = m->npar;
    double *x = malloc((n ? n : 1) * sizeof(*x));
    bool *f = malloc((n ? n : 1) * sizeof(*f));
    if (x == NULL || f == NULL) {
        free(x);
        free(f);
        return -1;
    }
    memcpy(x, init, n * sizeof(*x));
    memcpy(f, fixed, n * sizeof(*f));
    tui_job_in in = {job, m, x, f, NULL, 0, NULL};
    if (submit(w, &in) < 0) {
        free(x);
        free(f);
        return -1;
    }
    return 0;
}

/* Queue the MINOS interval of parameter par around best (which the UI keeps unchanged until the
 * result is taken). Returns -1 when busy (NULL worker included). */
int
tui_worker_submit_minos(tui_worker *w, const hf_model *m, const hf_fit_result *best, size_t par)
{
    tui_job_in in = {TUI_JOB_MINOS, m, NULL, NULL, best, par, NULL};
    return w == NULL ? -1 : submit(w, &in);
}

/* Queue the NLL shapes of every free parameter around best (kept unchanged by the UI until the
 * result is taken). Returns -1 when busy (NULL worker included). */
int
tui_worker_submit_shape(tui_worker *w, const hf_model *m, const hf_fit_result *best)
{
    tui_job_in in = {TUI_JOB_NLLSHAPE, m, NULL, NULL, best, 0, NULL};
    return w == NULL ? -1 : submit(w, &in);
}

/* Queue the evaluation of one signal point (job copied; what it points to stays unchanged until
 * the result is taken or the worker stopped). Returns -1 when busy (NULL worker included). */
int
tui_worker_submit_point(tui_worker *w, const tui_point_job *job)
{
    tui_job_in in = {TUI_JOB_POINT, NULL, NULL, NULL, NULL, 0, job};
    return w == NULL ? -1 : submit(w, &in);
}

/* Ask a running fit to stop (hf_fit checks the flag between iterations). */
void
tui_worker_cancel(tui_worker *w)
{
    if (w != NULL)
        atomic_store(&w->cancel, 1);
}

/* The descriptor the loop polls for readability beside stdin; -1 without a worker. */
int
tui_worker_fd(const tui_worker *w)
{
    return w != NULL ? w->wake[0] : -1;
}

/* Take the oldest posted result into *out (a fit result's res and err become the caller's).
 * Returns false when the queue is empty (the wake pipe is emptied then). */
bool
tui_worker_take(tui_worker *w, tui_result *out)
{
    if (w == NULL)
        return false;
    pthread_mutex_lock(&w->mu);
    bool got = w->qlen > 0;
    if (got) {
        *out = w->q[w->qhead];
        w->qhead = (w->qhead + 1) % QCAP;
        w->qlen--;
        if (out->kind != TUI_RESULT_PROGRESS)
            w->busy = false;
    } else {
        char buf[64];
        while (read(w->wake[0], buf, sizeof(buf)) > 0)
            ;
    }
    pthread_mutex_unlock(&w->mu);
    return got;
}

/* Release what a result owns (a fit result's res and err). */
void
tui_result_release(tui_result *r)
{
    if (r->kind == TUI_RESULT_FIT) {
        hf_fit_result_release(&r->u.fit.res);
        hf_error_release(&r->u.fit.err);
    } else if (r->kind == TUI_RESULT_MINOS) {
        hf_error_release(&r->u.minos.err);
    } else if (r->kind == TUI_RESULT_NLLSHAPE) {
        hf_nllshape_release(&r->u.shape.res);
        hf_error_release(&r->u.shape.err);
    } else if (r->kind == TUI_RESULT_POINT) {
        hf_point_result_release(&r->u.point.res);
        hf_error_release(&r->u.point.err);
    }
}

/* Cancel any fit, join the thread and free what it holds, unread results included. */
void
tui_worker_stop(tui_worker *w)
{
    if (w == NULL)
        return;
    atomic_store(&w->cancel, 1);
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    free(w->init);
    free(w->fixed);
    for (size_t i = 0; i < w->qlen; i++)
        tui_result_release(&w->q[(w->qhead + i) % QCAP]);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    close(w->wake[0]);
    close(w->wake[1]);
    free(w);
}
