/* app/tui/tui_worker.c - the fit thread (btop's runner): one pthread, a mutex, a condition
 * variable and one job. It runs hf_fit, copies {iter, nll, edm} under the lock from the progress
 * callback, stops when `cancel` is set and hands the result to the UI. It never calls curses.
 * A job fits the explorer's model (kind 0) or the Systematics screen's split model (kind 1). */
#include "app/tui/tui.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
progress(void *ctx, int iter, double nll, double edm)
{
    tui_worker *w = ctx;
    pthread_mutex_lock(&w->mu);
    w->iter = iter;
    w->nll = nll;
    w->edm = edm;
    pthread_mutex_unlock(&w->mu);
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
        w->running = true;
        w->iter = 0;
        w->t_start = tui_now();
        const hf_model *m = w->job_m != NULL ? w->job_m : w->m;
        int kind = w->job_kind;
        double *init = w->init;
        bool *fixed = w->fixed;
        w->init = NULL;
        w->fixed = NULL;
        pthread_mutex_unlock(&w->mu);

        /* The model is immutable and hf_fit has no globals: no lock needed while it runs. */
        hf_data d = hf_model_data(m);
        hf_fit_options opt = {0};
        opt.init = init;
        opt.fixed = fixed;
        opt.fix_index = -1;
        opt.cancel = &w->cancel;
        opt.progress = progress;
        opt.progress_ctx = w;
        hf_fit_result res = {0};
        hf_error err = {0};
        int rc = hf_fit(m, &d, &opt, &res, &err);
        free(init);
        free(fixed);

        pthread_mutex_lock(&w->mu);
        w->running = false;
        if (w->done) { /* an unread result (cannot happen: submit waits), drop it */
            hf_fit_result_release(&w->res);
            hf_error_release(&w->err);
        }
        w->rc = rc;
        w->res_kind = kind;
        w->res = res;
        w->err = err;
        w->done = true;
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Start the thread. Returns 0, or -1 when it could not be created (the UI then runs without
 * fits and says so). */
int
tui_worker_start(tui_worker *w, const hf_model *m)
{
    memset(w, 0, sizeof(*w));
    atomic_init(&w->cancel, 0);
    w->m = m;
    if (pthread_mutex_init(&w->mu, NULL) != 0)
        return -1;
    if (pthread_cond_init(&w->cv, NULL) != 0) {
        pthread_mutex_destroy(&w->mu);
        return -1;
    }
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        return -1;
    }
    w->started = true;
    return 0;
}

/* Queue a fit from init with the fixed mask (both npar, copied). Returns -1 when a fit is already
 * running or pending, or on ENOMEM. */
int
tui_worker_submit(tui_worker *w, const double *init, const bool *fixed)
{
    return tui_worker_submit_model(w, w->m, 0, init, fixed);
}

/* Queue a fit of model m (which must outlive the job: the UI keeps it until the result is
 * polled or the worker stopped) as job `kind`. Returns -1 when busy or on ENOMEM. */
int
tui_worker_submit_model(tui_worker *w, const hf_model *m, int kind, const double *init,
                        const bool *fixed)
{
    if (!w->started)
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
    pthread_mutex_lock(&w->mu);
    if (w->running || w->pending || w->done) {
        pthread_mutex_unlock(&w->mu);
        free(x);
        free(f);
        return -1;
    }
    atomic_store(&w->cancel, 0);
    w->job_m = m;
    w->job_kind = kind;
    w->init = x;
    w->fixed = f;
    w->pending = true;
    w->running = true; /* visible as running at once, before the thread wakes */
    w->iter = 0;
    w->nll = 0;
    w->t_start = tui_now();
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

/* Ask a running fit to stop (hf_fit checks the flag between iterations). */
void
tui_worker_cancel(tui_worker *w)
{
    atomic_store(&w->cancel, 1);
}

/* Copy the progress into the UI state and take over a finished result. Returns the panes to
 * redraw (none when nothing changed). */
unsigned
tui_worker_poll(struct tui *t)
{
    tui_worker *w = &t->worker;
    if (!w->started)
        return 0;
    unsigned dirty = 0;
    pthread_mutex_lock(&w->mu);
    if (w->running && w->job_kind == 1) { /* a Systematics refit: its own progress */
        if (w->iter != t->syst.diter) {
            t->syst.diter = w->iter;
            t->syst.dnll = w->nll;
            dirty |= TUI_DIRTY_MAIN;
        }
    } else if (w->running) {
        if (t->fit_state != TUI_FIT_RUNNING || w->iter != t->fit_iter) {
            t->fit_state = TUI_FIT_RUNNING;
            t->fit_iter = w->iter;
            t->fit_nll = w->nll;
            dirty |= TUI_DIRTY_TOP;
        }
        double secs = tui_now() - w->t_start;
        /* the elapsed time ticks in tenths: redraw the top line only when it changes */
        if (!t->test_mode && (long)(secs * 10) != (long)(t->fit_secs * 10))
            dirty |= TUI_DIRTY_TOP;
        t->fit_secs = secs;
    }
    if (w->done) {
        hf_fit_result res = w->res;
        hf_error err = w->err;
        int rc = w->rc, kind = w->res_kind;
        double secs = tui_now() - w->t_start;
        memset(&w->res, 0, sizeof(w->res));
        memset(&w->err, 0, sizeof(w->err));
        w->done = false;
        pthread_mutex_unlock(&w->mu);
        if (kind == 1) {
            tui_syst_fit_done(t, rc, &res, &err); /* takes res */
            hf_error_release(&err);
            return TUI_DIRTY_ALL;
        }
        t->fit_secs = secs;
        t->cfit_running = false;
        if (kind == 2) { /* a conditional fit: the global fit and its state stay */
            t->fit_state = t->have_fit ? (t->fit.converged ? TUI_FIT_DONE : TUI_FIT_FAILED)
                           : t->fit_msg != NULL ? TUI_FIT_FAILED
                                                : TUI_FIT_IDLE;
            if (rc == 0) {
                tui_set_cfit(t, &res); /* takes ownership */
                tui_message(t, false, "%s (r returns to the global best fit)",
                            t->cfit_label ? t->cfit_label : "conditional fit done");
            } else {
                const char *why = err.code == HF_ECANCELED ? "cancelled" : hf_error_msg(&err);
                tui_log(t, "conditional fit: %s", why);
                tui_message(t, err.code != HF_ECANCELED, "conditional fit: %s", why);
                hf_fit_result_release(&res);
            }
            hf_error_release(&err);
            return TUI_DIRTY_ALL;
        }
        free(t->fit_msg);
        t->fit_msg = NULL;
        if (rc == 0) {
            tui_set_fit(t, &res); /* takes ownership */
        } else {
            t->fit_state = TUI_FIT_FAILED;
            t->fit_msg = strdup(err.code == HF_ECANCELED ? "cancelled" : hf_error_msg(&err));
            tui_log(t, "fit: %s", err.code == HF_ECANCELED ? "cancelled" : hf_error_msg(&err));
            hf_fit_result_release(&res);
        }
        hf_error_release(&err);
        return TUI_DIRTY_ALL;
    }
    pthread_mutex_unlock(&w->mu);
    return dirty;
}

/* Cancel any fit, join the thread and free what it holds. */
void
tui_worker_stop(tui_worker *w)
{
    if (!w->started)
        return;
    atomic_store(&w->cancel, 1);
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    free(w->init);
    free(w->fixed);
    if (w->done) {
        hf_fit_result_release(&w->res);
        hf_error_release(&w->err);
    }
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    w->started = false;
}
