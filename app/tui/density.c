/* app/tui/density.c - the Density lab view's experiment thread and settings, without curses:
 * one pthread runs core/density/density.h in batches of repetitions and hands a result snapshot
 * (and one repetition's example) to the UI after each batch, so the figures fill in live. */
#include "app/tui/density.h"
#include "app/tui/session.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/density_events.h"
#include "core/density/density.h"
#include "core/density/density_truth.h"
#include "render/plot_density.h"

#define BATCH 10

/* The settings the lab cycles through with left/right. */
static const size_t n_choices[] = {25, 50, 100, 200, 500, 1000, 5000};
static const size_t bin_choices[] = {5, 10, 20, 40, 80};
static const size_t rep_choices[] = {50, 100, 200, 500, 1000};
static const double bw_choices[] = {0.25, 0.5, 0.75, 1.0, 1.5, 2.0};
static const size_t boot_choices[] = {0, 20, 50};
static const double cost_choices[] = {0, 10, 100, 1000, 10000}; /* c_sim / c_gen */
#define COST_SIM     1e-2 /* seconds per simulated event on the cost axis */
#define COST_DEFAULT 1000 /* the ratio the cost view turns on */
#define BOOT_DEFAULT 20
#define NCH(a)       (sizeof(a) / sizeof((a)[0]))

static void
free_results(tui_dens *d)
{
    hf_density_result_free(d->res);
    hf_density_example_free(d->ex);
    d->res = NULL;
    d->ex = NULL;
}

/* Under mu: tell the loop a snapshot is ready (a full pipe already says so). */
static void
wake(tui_dens *d)
{
    char b = 1;
    ssize_t rc = write(d->wake[1], &b, 1);
    (void)rc;
}

/* The job's truth: the user's events (FILE[:COL]), a channel's template (all samples or one), or
 * a built-in density. NULL with err set. */
static hf_density_truth *
job_truth(const tui_dens_job *job, hf_error *err)
{
    if (job->events != NULL) {
        size_t n = 0;
        char *path = NULL;
        double *x = hf_density_events_read(job->events, &n, &path, err);
        hf_density_truth *t = x != NULL ? hf_density_truth_sample(path, x, n, 0, 0, err) : NULL;
        free(x);
        free(path);
        return t;
    }
    if (job->channel != NULL)
        return hf_density_truth_template(job->m, job->channel, job->sample, err);
    return hf_density_truth_builtin(hf_density_truth_names[job->truth], err);
}

/* Under mu: the figures borrow the truth, so the last job's lives until the first snapshot of
 * the next one replaces it. */
static void
publish_truth(tui_dens *d, hf_density_truth *truth)
{
    if (d->truth != truth) {
        hf_density_truth_free(d->truth);
        d->truth = truth;
    }
}

static void *
dens_main(void *arg)
{
    tui_dens *d = arg;
    pthread_mutex_lock(&d->mu);
    for (;;) {
        while (!d->quit && !d->pending)
            pthread_cond_wait(&d->cv, &d->mu);
        if (d->quit)
            break;
        d->pending = false;
        d->running = true;
        d->done_reps = 0;
        tui_dens_job job = d->job;
        /* the UI may change or free its copies of the names while this job runs */
        job.channel = d->job.channel != NULL ? strdup(d->job.channel) : NULL;
        job.sample = d->job.sample != NULL ? strdup(d->job.sample) : NULL;
        job.events = d->job.events != NULL ? strdup(d->job.events) : NULL;
        free(d->msg);
        d->msg = NULL;
        pthread_mutex_unlock(&d->mu);

        hf_error err = {0};
        hf_density_truth *truth = job_truth(&job, &err);
        hf_density_config cfg;
        hf_density_config_init(&cfg);
        cfg.n = job.n;
        cfg.bins = job.bins;
        cfg.rule = job.rule;
        cfg.bw_value = job.bw;
        cfg.sampling = HF_DENSITY_MULTINOMIAL; /* O(bins) per histogram: live even at M = 1e6 */
        cfg.seed = job.seed;
        cfg.boot = job.boot;
        if (job.cost_ratio > 0) {
            cfg.cost_sim = COST_SIM;
            cfg.cost_gen = COST_SIM / job.cost_ratio;
        }
        hf_density_exp *e = truth != NULL ? hf_density_exp_new(truth, &cfg, &err) : NULL;
        while (e != NULL && !atomic_load(&d->cancel) && hf_density_exp_done(e) < job.reps) {
            size_t left = job.reps - hf_density_exp_done(e);
            if (hf_density_exp_run(e, left < BATCH ? left : BATCH, 1, &d->cancel, &err) < 0)
                break;
            if (hf_density_exp_done(e) < 2)
                continue;
            hf_density_result *r = hf_density_exp_result(e, &err);
            hf_density_example *ex = hf_density_exp_example(e, 0, 1e4, &err);
            pthread_mutex_lock(&d->mu);
            free_results(d);
            publish_truth(d, truth);
            d->res = r;
            d->ex = ex;
            d->done_reps = hf_density_exp_done(e);
            d->fresh = true;
            wake(d);
            pthread_mutex_unlock(&d->mu);
            if (r == NULL)
                break;
        }
        pthread_mutex_lock(&d->mu);
        publish_truth(d, truth);
        if (truth == NULL) { /* no figure of another truth beside this job's settings */
            free_results(d);
            d->done_reps = 0;
        }
        d->fresh = true;
        wake(d);
        if (err.code != HF_OK)
            d->msg = strdup(hf_error_msg(&err));
        else if (atomic_load(&d->cancel))
            d->msg = strdup("cancelled");
        d->running = false;
        pthread_mutex_unlock(&d->mu);
        hf_density_exp_free(e);
        hf_error_release(&err);
        free(job.channel);
        free(job.sample);
        free(job.events);
        pthread_mutex_lock(&d->mu);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

/* Default settings; the thread starts with the first experiment. Returns 0 or -1. */
int
tui_dens_start(tui_dens *d)
{
    memset(d, 0, sizeof(*d));
    atomic_init(&d->cancel, 0);
    d->job.n = 100;
    d->job.bins = 20;
    d->job.reps = 200;
    d->job.rule = HF_KDE_SILVERMAN;
    d->job.bw = 1.0;
    d->job.seed = 1;
    d->job.truth = 2; /* camelback */
    for (size_t i = 0; hf_density_truth_names[i] != NULL; i++)
        if (strcmp(hf_density_truth_names[i], "camelback") == 0)
            d->job.truth = (int)i;
    if (pipe(d->wake) < 0) {
        d->wake[0] = d->wake[1] = -1;
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        (void)fcntl(d->wake[i], F_SETFL, fcntl(d->wake[i], F_GETFL) | O_NONBLOCK);
        (void)fcntl(d->wake[i], F_SETFD, FD_CLOEXEC);
    }
    bool mu = pthread_mutex_init(&d->mu, NULL) == 0;
    bool cv = mu && pthread_cond_init(&d->cv, NULL) == 0;
    if (!cv || pthread_create(&d->thread, NULL, dens_main, d) != 0) {
        if (cv)
            pthread_cond_destroy(&d->cv);
        if (mu)
            pthread_mutex_destroy(&d->mu);
        close(d->wake[0]);
        close(d->wake[1]);
        d->wake[0] = d->wake[1] = -1;
        return -1;
    }
    d->started = true;
    return 0;
}

/* (Re)start the experiment with the current settings; a running one is cancelled first. */
void
tui_dens_submit(tui_dens *d)
{
    if (!d->started)
        return;
    atomic_store(&d->cancel, 1);
    pthread_mutex_lock(&d->mu);
    while (d->running) { /* the batch under way ends within a few ms after cancel */
        pthread_mutex_unlock(&d->mu);
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&d->mu);
    }
    atomic_store(&d->cancel, 0);
    d->job.seed++; /* a new experiment is a new sample */
    d->pending = true;
    d->running = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    d->submitted = true;
}

/* The descriptor the loop polls beside stdin: readable when a snapshot is ready; -1 without
 * the thread. */
int
tui_dens_fd(const tui_dens *d)
{
    return d->started ? d->wake[0] : -1;
}

/* Ask the running experiment to stop after the repetitions under way. */
void
tui_dens_cancel(tui_dens *d)
{
    atomic_store(&d->cancel, 1);
}

/* Cancel, join the thread and free the last snapshot and truth. */
void
tui_dens_stop(tui_dens *d)
{
    if (!d->started)
        return;
    atomic_store(&d->cancel, 1);
    pthread_mutex_lock(&d->mu);
    d->quit = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    free_results(d);
    hf_density_truth_free(d->truth);
    free(d->msg);
    free(d->job.channel);
    free(d->job.sample);
    free(d->job.events);
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    close(d->wake[0]);
    close(d->wake[1]);
    d->wake[0] = d->wake[1] = -1;
    d->started = false;
}

/* Panes to redraw when a new snapshot arrived (the Density view only). */
unsigned
tui_dens_poll(struct tui *t)
{
    tui_dens *d = &t->dens;
    if (!d->started)
        return 0;
    pthread_mutex_lock(&d->mu);
    bool fresh = d->fresh;
    d->fresh = false;
    char buf[64];
    while (read(d->wake[0], buf, sizeof(buf)) > 0)
        ;
    pthread_mutex_unlock(&d->mu);
    return fresh && t->view == TUI_V_DENSITY ? TUI_DIRTY_LEFT | TUI_DIRTY_MAIN | TUI_DIRTY_TOP : 0;
}

/* The figure for the right pane, built under the lock from the latest snapshot; NULL before the
 * first batch. Caller frees. */
hf_scene *
tui_dens_scene(tui_dens *d)
{
    hf_scene *s = NULL;
    pthread_mutex_lock(&d->mu);
    bool needs_ex = d->figure == HF_DENSITY_FIG_EXAMPLE || d->figure == HF_DENSITY_FIG_BOOTSTRAP;
    hf_plot_density_opts o = {.reader = HF_DENSITY_FOR_TUI, .layer = (hf_density_layer)d->layer};
    if (d->res != NULL && d->truth != NULL && (!needs_ex || d->ex != NULL))
        s = hf_plot_density_opt((hf_density_figure)d->figure, d->truth, d->res, d->ex, &o);
    pthread_mutex_unlock(&d->mu);
    return s;
}

static size_t
step_size(const size_t *v, size_t n, size_t cur, int dir)
{
    size_t i = 0;
    while (i < n && v[i] < cur)
        i++;
    if (dir > 0)
        return i + 1 < n ? v[i + 1] : v[n - 1];
    return i > 0 ? v[i - 1] : v[0];
}

/* The settings as lines "label  value" (TUI_DENS_NSET of them) into buf. */
void
tui_dens_setting(const struct tui *t, int k, char *buf, size_t n)
{
    const tui_dens_job *j = &t->dens.job;
    switch (k) {
    case 0:
        if (j->events != NULL) /* the file's name: the directories would push it out */
            snprintf(buf, n, "truth      events %s",
                     strrchr(j->events, '/') != NULL ? strrchr(j->events, '/') + 1 : j->events);
        else if (j->channel != NULL && j->sample != NULL)
            snprintf(buf, n, "truth      %s/%s", j->channel, j->sample);
        else if (j->channel != NULL)
            snprintf(buf, n, "truth      channel %s", j->channel);
        else
            snprintf(buf, n, "truth      %s", hf_density_truth_names[j->truth]);
        break;
    case 1:
        snprintf(buf, n, "n          %zu events", j->n);
        break;
    case 2:
        snprintf(buf, n, "bins       %zu", j->bins);
        break;
    case 3:
        snprintf(buf, n, "bandwidth  %s x %.2f", hf_kde_rule_name(j->rule), j->bw);
        break;
    case 4:
        snprintf(buf, n, "reps       %zu", j->reps);
        break;
    case 5:
        if (j->boot > 0)
            snprintf(buf, n, "bootstrap  %zu KDEs/rep", j->boot);
        else
            snprintf(buf, n, "bootstrap  off");
        break;
    case 6:
        if (j->cost_ratio > 0)
            snprintf(buf, n, "cost       gen %gx cheaper", j->cost_ratio);
        else
            snprintf(buf, n, "cost       off");
        break;
    default:
        snprintf(buf, n, "figure     %s", hf_plot_density_name((hf_density_figure)t->dens.figure));
        break;
    }
}

/* Left/right on setting k (under the lock: the thread copies the job when it starts one).
 * Returns true when the experiment must restart. */
static bool
adjust(struct tui *t, int k, int dir)
{
    tui_dens_job *j = &t->dens.job;
    size_t ntruth = 0;
    while (hf_density_truth_names[ntruth] != NULL)
        ntruth++;
    if (ntruth == 0)
        ntruth = 1; /* never: the core lists five built-in truths */
    switch (k) {
    case 0: {
        /* built-in truths, then the selected channel's summed template (own events and one
         * sample's template, set through the prompt, count as that position) */
        int pos = j->channel != NULL || j->events != NULL ? (int)ntruth : j->truth;
        pos = (pos + dir + (int)ntruth + 1) % ((int)ntruth + 1);
        free(j->channel);
        free(j->sample);
        free(j->events);
        j->channel = j->sample = j->events = NULL;
        if (pos == (int)ntruth && t->m->nchan > 0) {
            j->channel = strdup(t->m->chan[tui_current_channel(t)]->name);
            j->m = t->m;
        } else {
            j->truth = pos % (int)ntruth;
        }
        return true;
    }
    case 1:
        j->n = step_size(n_choices, NCH(n_choices), j->n, dir);
        return true;
    case 2:
        j->bins = step_size(bin_choices, NCH(bin_choices), j->bins, dir);
        return true;
    case 3: {
        /* scott, silverman, isj at x1, then silverman at the other multiples */
        size_t nb = NCH(bw_choices), i = 0;
        while (i < nb && bw_choices[i] < j->bw - 1e-9)
            i++;
        if (j->rule != HF_KDE_SILVERMAN || (dir > 0 ? i + 1 >= nb : i == 0)) {
            int r = ((int)j->rule + dir + 3) % 3;
            j->rule = (hf_kde_rule)r;
            j->bw = 1.0;
        } else {
            j->bw = bw_choices[dir > 0 ? i + 1 : i - 1];
        }
        return true;
    }
    case 4:
        j->reps = step_size(rep_choices, NCH(rep_choices), j->reps, dir);
        return true;
    case 5:
        j->boot = step_size(boot_choices, NCH(boot_choices), j->boot, dir);
        return true;
    case 6: {
        size_t i = 0;
        while (i + 1 < NCH(cost_choices) && cost_choices[i] < j->cost_ratio)
            i++;
        i = dir > 0 ? (i + 1 < NCH(cost_choices) ? i + 1 : i) : (i > 0 ? i - 1 : 0);
        j->cost_ratio = cost_choices[i];
        return true;
    }
    default:
        t->dens.figure = (t->dens.figure + dir + HF_DENSITY_FIG_COUNT) % HF_DENSITY_FIG_COUNT;
        return false;
    }
}

/* The bootstrap toggle (off <-> BOOT_DEFAULT members; on: the coverage figure) and the cost view
 * (turns the cost axis on if it is off and shows its figure). Return true when the experiment
 * must restart. */
bool
tui_dens_toggle_boot(struct tui *t)
{
    pthread_mutex_lock(&t->dens.mu);
    tui_dens_job *j = &t->dens.job;
    j->boot = j->boot > 0 ? 0 : BOOT_DEFAULT;
    if (j->boot > 0)
        t->dens.figure = HF_DENSITY_FIG_COVERAGE;
    else if (t->dens.figure == HF_DENSITY_FIG_COVERAGE ||
             t->dens.figure == HF_DENSITY_FIG_BOOTSTRAP)
        t->dens.figure = HF_DENSITY_FIG_MSE;
    pthread_mutex_unlock(&t->dens.mu);
    return true;
}

bool
tui_dens_cost_view(struct tui *t)
{
    pthread_mutex_lock(&t->dens.mu);
    bool restart = !(t->dens.job.cost_ratio > 0);
    if (restart)
        t->dens.job.cost_ratio = COST_DEFAULT;
    t->dens.figure = HF_DENSITY_FIG_COST;
    pthread_mutex_unlock(&t->dens.mu);
    return restart;
}

bool
tui_dens_adjust(struct tui *t, int k, int dir)
{
    pthread_mutex_lock(&t->dens.mu);
    bool restart = adjust(t, k, dir);
    pthread_mutex_unlock(&t->dens.mu);
    return restart;
}

/* "  boot cover 66%" and "  gen ahead 1.5-2.2 s" when those parts are on. */
static const char *
extra_status(const hf_density_result *r, char *buf, size_t n)
{
    int k = 0;
    buf[0] = '\0';
    if (r->boot > 0 && r->ndraws > 0)
        k = snprintf(buf, n, "  cover %.0f%%/%.0f%% naive/debiased",
                     100 * r->draw[r->ndraws - 1].coverage,
                     100 * r->draw[r->ndraws - 1].debiased_coverage);
    if (r->cost != NULL && k >= 0 && (size_t)k < n) {
        if (isnan(r->cost->cross_lo))
            snprintf(buf + k, n - (size_t)k, "  gen never ahead");
        else
            snprintf(buf + k, n - (size_t)k, "  gen ahead %.3g-%.3g s", r->cost->cross_lo,
                     r->cost->cross_hi);
    }
    return buf;
}

/* One status line: reps done, the headline numbers, or the failure. */
void
tui_dens_status(tui_dens *d, char *buf, size_t n)
{
    char extra[160];
    pthread_mutex_lock(&d->mu);
    if (!d->submitted)
        snprintf(buf, n, "Enter starts the experiment");
    else if (d->res != NULL && (d->res->boot > 0 || d->res->cost != NULL))
        snprintf(buf, n, "%s%zu/%zu reps  KDE x%.2f%s%s%s", d->running ? "running " : "",
                 d->done_reps, d->job.reps, d->res->kde_factor,
                 extra_status(d->res, extra, sizeof(extra)), d->msg ? "  " : "",
                 d->msg ? d->msg : "");
    else if (d->res != NULL)
        snprintf(buf, n, "%s%zu/%zu reps  KDE x%.2f  hist MSE %.3g  KDE MSE %.3g%s%s",
                 d->running ? "running " : "", d->done_reps, d->job.reps, d->res->kde_factor,
                 d->res->hist_mse, d->res->kde_mse, d->msg ? "  " : "", d->msg ? d->msg : "");
    else if (d->msg != NULL)
        snprintf(buf, n, "failed: %s", d->msg);
    else
        snprintf(buf, n, "running %zu/%zu reps", d->done_reps, d->job.reps);
    pthread_mutex_unlock(&d->mu);
}

/* What the figure pane says while it has no figure: the same count as the status, or why. */
void
tui_dens_placeholder(tui_dens *d, char *buf, size_t n)
{
    pthread_mutex_lock(&d->mu);
    if (!d->submitted)
        snprintf(buf, n, "Enter starts the experiment");
    else if (d->msg != NULL)
        snprintf(buf, n, "no figure: %s", d->msg);
    else if (d->running || d->pending)
        snprintf(buf, n, "running %zu/%zu reps: the figure appears after the first %d",
                 d->done_reps, d->job.reps, BATCH);
    else
        snprintf(buf, n, "no figure (out of memory)");
    pthread_mutex_unlock(&d->mu);
}

/* v: the example figure's layers in small panels, then one at a time (and the example figure
 * if another one is shown). */
void
tui_dens_layer(struct tui *t)
{
    tui_dens *d = &t->dens;
    if (d->figure != HF_DENSITY_FIG_EXAMPLE)
        d->figure = HF_DENSITY_FIG_EXAMPLE;
    else
        d->layer = (d->layer + 1) % HF_DENSITY_LAYER_COUNT;
    tui_message(t, false, "example figure: %s",
                d->layer == HF_DENSITY_LAYER_ALL
                    ? "every layer in its own panel (v: one at a time)"
                    : hf_plot_density_layer_name((hf_density_layer)d->layer));
}

/* Enter in the events prompt: spec is CHANNEL[/SAMPLE] of the workspace (channel names may
 * contain '/', so each split is tried, as `hfscope density --template` does) or FILE[:COL].
 * The thread reads the file; a failure shows in the status line. Returns the panes to redraw. */
unsigned
tui_dens_events(struct tui *t, const char *spec)
{
    if (spec[0] == '\0')
        return TUI_DIRTY_ALL;
    const hf_model *m = t->m;
    size_t c = 0, len = 0;
    for (; c < m->nchan; c++) {
        len = strlen(m->chan[c]->name);
        if (strncmp(spec, m->chan[c]->name, len) == 0 && (spec[len] == '\0' || spec[len] == '/'))
            break;
    }
    char *ch = c < m->nchan ? strdup(m->chan[c]->name) : NULL;
    char *sample = ch != NULL && spec[len] == '/' ? strdup(spec + len + 1) : NULL;
    char *events = ch == NULL ? strdup(spec) : NULL;
    if ((ch == NULL && events == NULL) || (spec[len] == '/' && ch != NULL && sample == NULL)) {
        free(ch);
        free(sample);
        free(events);
        tui_message(t, true, "out of memory");
        return TUI_DIRTY_ALL;
    }
    pthread_mutex_lock(&t->dens.mu);
    tui_dens_job *j = &t->dens.job;
    free(j->channel);
    free(j->sample);
    free(j->events);
    j->channel = ch;
    j->sample = sample;
    j->events = events;
    j->m = m;
    pthread_mutex_unlock(&t->dens.mu);
    tui_dens_submit(&t->dens);
    tui_message(t, false, "density lab: %s %s", ch != NULL ? "template of" : "events from", spec);
    return TUI_DIRTY_ALL;
}

/* o: the events prompt, filled with the current choice or the selected channel's name. */
void
tui_dens_events_prompt(struct tui *t)
{
    const tui_dens_job *j = &t->dens.job;
    if (j->events != NULL)
        snprintf(t->prompt, sizeof(t->prompt), "%s", j->events);
    else if (j->channel != NULL)
        snprintf(t->prompt, sizeof(t->prompt), "%s%s%s", j->channel, j->sample ? "/" : "",
                 j->sample ? j->sample : "");
    else if (t->m->nchan > 0)
        snprintf(t->prompt, sizeof(t->prompt), "%s", t->m->chan[tui_current_channel(t)]->name);
    else
        t->prompt[0] = '\0';
    t->prompt_len = strlen(t->prompt);
    t->prompt_kind = TUI_PROMPT_EVENTS;
}
