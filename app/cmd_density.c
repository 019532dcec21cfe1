/* app/cmd_density.c - `hfscope density`: the density-estimation lab. Histogram of n true events
 * vs a KDE trained on them vs histograms of M events generated from the KDE: MSE, its
 * decomposition, amplification and coverage, as text, JSON and Cairo figures. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/density_events.h"
#include "app/density_ws.h"
#include "core/density/density.h"
#include "render/cairo.h"
#include "render/cells.h"
#include "render/plot_density.h"

int cmd_density(int argc, char **argv);

typedef struct opts {
    const char *truth, *template_spec, *sample, *range, *draws, *bandwidth, *sampling, *kde;
    const char *format, *cells;
    const char *events, *to_ws, *channel, *modifier, *band, *patch_out;
    double n;
    int bins, reps;
    bool no_reflect;
    double example_draws;
    int boot;
    double cost_sim, cost_gen, cost_train;
    size_t sample_size; /* values read by --sample */
} opts;

static cJSON *
num(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

/* "silverman", "scott*0.5", "isj", "0.3" -> rule and value. */
static int
parse_bandwidth(const char *s, hf_density_config *cfg)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && *end == '\0') {
        if (!(v > 0) || !isfinite(v))
            return hf_cli_error("--bandwidth: %s is not a positive number", s);
        cfg->rule = HF_KDE_FIXED;
        cfg->bw_value = v;
        return 0;
    }
    const char *star = strchr(s, '*');
    size_t len = star != NULL ? (size_t)(star - s) : strlen(s);
    char *name = strndup(s, len);
    if (name == NULL)
        return hf_cli_nomem();
    int bad = hf_kde_rule_parse(name, &cfg->rule) != 0;
    free(name);
    if (bad)
        return hf_cli_error("--bandwidth: expected silverman, scott, isj, RULE*FACTOR or a "
                            "number, got '%s'",
                            s);
    cfg->bw_value = 1.0;
    if (star != NULL) {
        v = strtod(star + 1, &end);
        if (end == star + 1 || *end != '\0' || !(v > 0) || !isfinite(v))
            return hf_cli_error("--bandwidth: bad factor in '%s'", s);
        cfg->bw_value = v;
    }
    return 0;
}

/* FILE[:COL] through density_events.c; NULL after printing the error. */
static double *
read_sample(const char *spec, size_t *nout, char **path_out)
{
    hf_error err = {0};
    double *x = hf_density_events_read(spec, nout, path_out, &err);
    if (x == NULL)
        hf_cli_error("%s", hf_error_msg(&err));
    hf_error_release(&err);
    return x;
}

static hf_density_truth *
make_truth(hf_cli *cli, opts *o, int *rc)
{
    hf_error err = {0};
    hf_density_truth *t = NULL;
    int sources = (o->truth != NULL) + (o->template_spec != NULL) + (o->events != NULL);
    *rc = 0;
    if (sources > 1) {
        *rc = hf_cli_error("density: give one of --truth, --template, --sample");
        return NULL;
    }
    if (o->template_spec != NULL) {
        if ((*rc = hf_cli_load(cli)) != 0)
            return NULL;
        /* CHANNEL or CHANNEL/SAMPLE; channel names may contain '/', so try each split */
        const hf_model *m = cli->model;
        const char *spec = o->template_spec;
        for (size_t c = 0; c < m->nchan && t == NULL; c++) {
            const char *name = m->chan[c]->name;
            size_t len = strlen(name);
            if (strncmp(spec, name, len) != 0 || (spec[len] != '\0' && spec[len] != '/'))
                continue;
            t = hf_density_truth_template(m, name, spec[len] ? spec + len + 1 : NULL, &err);
        }
        if (t == NULL && err.code == HF_OK)
            hf_error_set(&err, HF_EUSAGE, "", "no channel matches --template '%s'", spec);
    } else if (o->events != NULL) {
        size_t n;
        char *path = NULL;
        double *x = read_sample(o->events, &n, &path);
        if (x == NULL) {
            *rc = 2;
            return NULL;
        }
        double lo = 0, hi = 0;
        if (o->range != NULL && (*rc = hf_cli_parse_range(o->range, &lo, &hi)) != 0) {
            free(x);
            free(path);
            return NULL;
        }
        o->sample_size = n;
        t = hf_density_truth_sample(path, x, n, lo, hi, &err);
        free(x);
        free(path);
    } else {
        t = hf_density_truth_builtin(o->truth != NULL ? o->truth : "camelback", &err);
    }
    if (t == NULL) {
        *rc = hf_cli_report(NULL, &err);
        hf_error_release(&err);
    }
    return t;
}

static const char *
rule_label(const hf_density_result *r, char *buf, size_t len)
{
    if (r->rule == HF_KDE_FIXED)
        snprintf(buf, len, "fixed h = %g", r->bw_value);
    else if (r->bw_value != 1.0)
        snprintf(buf, len, "%s x %g", hf_kde_rule_name(r->rule), r->bw_value);
    else
        snprintf(buf, len, "%s", hf_kde_rule_name(r->rule));
    return buf;
}

static void
print_boot(const hf_density_result *r)
{
    printf("\nbootstrap ensembles: %zu KDEs per repetition, each trained on a resample of its n "
           "events\n",
           r->boot);
    printf("  training variance sum_b var(q_b): over repetitions %.4f, bootstrap estimate %.4f "
           "+- %.4f (x 1e-3)\n",
           1e3 * r->train_variance, 1e3 * r->boot_variance, 1e3 * r->boot_variance_err);
    printf("  the same for the debiased KDE 2 q(h) - q(sqrt2 h): %.4f +- %.4f\n",
           1e3 * r->debiased_variance, 1e3 * r->debiased_variance_err);
    if (isnan(r->boot_coverage)) {
        printf("  coverage: no bin expects n p >= 5 training events, so none is measured\n");
        return;
    }
    printf("  coverage of p_b by +-1 sigma in bins with n p >= 5 (nominal %.1f%%):\n",
           100 * r->nominal_coverage);
    printf("  %10s %14s %16s %16s\n", "M", "naive sqrt(g)", "bootstrap band", "debiased band");
    for (size_t m = 0; m < r->ndraws; m++)
        printf("  %10.0f %13.1f%% %15.1f%% %15.1f%%\n", r->draw[m].draws, 100 * r->draw[m].coverage,
               100 * r->draw[m].boot_coverage, 100 * r->draw[m].debiased_coverage);
    printf("  %10s %14s %15.1f%% %15.1f%%\n", "inf", "-", 100 * r->boot_coverage,
           100 * r->debiased_coverage);
    printf("  (bootstrap band: f +- sqrt(s^2 + f(1-f)/M), f = g/M, s the spread over resamples;\n"
           "   it holds the training variance only, not the KDE's bias (%.4f x 1e-3 here).\n"
           "   Debiased band: centred on f - beta, beta = q(sqrt2 h) - q(h) the estimated bias,\n"
           "   with the debiased estimator's spread)\n",
           1e3 * r->bias2);
}

static void
print_cost(const hf_density_result *r)
{
    const hf_density_cost *k = r->cost;
    printf("\nequal compute: simulation %g s/event, generation %g s/event, training %g s\n",
           k->c_sim, k->c_gen, k->c_train);
    printf("  generative strategy starts at %.4g s (training + its n simulated events); its MSE "
           "never goes\n  below the KDE's %.4f x 1e-3, however many events it generates\n",
           k->t_start, 1e3 * k->floor);
    printf("  %12s %12s %14s %12s   %12s %14s %12s\n", "compute s", "N sim", "MSE sim x1e-3",
           "p(1-p)/N", "M gen", "MSE gen x1e-3", "model");
    size_t i = 0, j = 0;
    while (i < k->nsim || j < k->ngen) { /* the two lists side by side, merged by compute */
        bool sim = j >= k->ngen || (i < k->nsim && k->sim[i].t <= k->gen[j].t);
        const hf_density_cost_point *pt = sim ? &k->sim[i++] : &k->gen[j++];
        if (sim)
            printf("  %12.4g %12.0f %14.4f %12.4f\n", pt->t, pt->events, 1e3 * pt->mse,
                   1e3 * pt->model);
        else
            printf("  %12.4g %12s %14s %12s   %12.0f %14.4f %12.4f\n", pt->t, "", "", "",
                   pt->events, 1e3 * pt->mse, 1e3 * pt->model);
    }
    if (isnan(k->cross_lo))
        printf("  the generative strategy is never ahead at equal compute\n");
    else if (isinf(k->cross_hi))
        printf("  the generative strategy is ahead from %.4g s on (no floor was measured)\n",
               k->cross_lo);
    else
        printf("  the generative strategy is ahead from %.4g s to %.4g s; past %.4g s simulation "
               "wins for good\n",
               k->cross_lo, k->cross_hi, k->cross_hi);
    if (k->max_saving > 0)
        printf("  its gain is one-time: at most %.4g s saved (at MSE %.4f x 1e-3); best speed-up "
               "%.3gx (at MSE %.4f x 1e-3)\n",
               k->max_saving, 1e3 * k->saving_mse, k->best_ratio, 1e3 * k->ratio_mse);
    else
        printf("  it saves no compute at any MSE\n");
}

static void
print_text(const hf_density_truth *t, const hf_density_result *r)
{
    char bw[64];
    printf("density lab: %s\n", hf_density_truth_label(t));
    printf("n = %zu training events, %zu bins on [%g, %g], %zu repetitions\n", r->n, r->bins, r->lo,
           r->hi, r->reps);
    printf("KDE: Gaussian, bandwidth %s (mean h = %.4g, sd %.2g over reps)%s\n",
           rule_label(r, bw, sizeof(bw)), r->h_mean, r->h_sd,
           r->reflect ? ", reflected at the range edges" : "");
    if (r->isj_fallbacks)
        printf("     ISJ had no root in %zu of %zu reps: Silverman used there\n", r->isj_fallbacks,
               r->reps);
    printf("\nintegrated MSE = E sum_b (estimate_b - p_b)^2 over the %zu bins (x 1e-3)\n", r->bins);
    printf("  histogram of the n true events   %9.4f +- %.4f   theory sum p(1-p)/n = %.4f\n",
           1e3 * r->hist_mse, 1e3 * r->hist_mse_err, 1e3 * r->hist_theory);
    printf("  KDE itself (M -> infinity)       %9.4f +- %.4f   = bias^2 %.4f + training "
           "variance %.4f\n",
           1e3 * r->kde_mse, 1e3 * r->kde_mse_err, 1e3 * r->bias2, 1e3 * r->train_variance);
    printf("  amplification of the KDE: %.3f +- %.3f (worth %.0f true events)\n", r->kde_factor,
           r->kde_factor_err, r->kde_factor * (double)r->n);
    printf("\nhistograms of M events generated from the KDE\n");
    printf("  %10s %12s %10s %12s %9s %15s\n", "M", "MSE x1e-3", "+-", "sampling var", "coverage",
           "amplification");
    for (size_t m = 0; m < r->ndraws; m++) {
        const hf_density_draw *d = &r->draw[m];
        printf("  %10.0f %12.4f %10.4f %12.4f %8.1f%% %9.3f +- %.3f\n", d->draws, 1e3 * d->mse,
               1e3 * d->mse_err, 1e3 * d->sampling_variance, 100 * d->coverage, d->factor,
               d->factor_err);
    }
    printf("  (coverage: how often g +- sqrt(g) covers M p; 68.3%% if the error bars were right;"
           " true events: %.1f%%)\n",
           100 * r->hist_coverage);
    printf("plateau: sampling variance equals the KDE's own error at M = %.3g (%.3g n);\n"
           "         beyond a few times that, more generated events no longer help\n",
           r->plateau_draws, r->plateau_draws / (double)r->n);
    printf("\nbandwidth scan (KDE, M -> infinity)\n");
    printf("  %8s %10s %12s %12s %12s %15s\n", "x rule", "mean h", "MSE x1e-3", "bias^2",
           "variance", "amplification");
    for (size_t s = 0; s < r->nscales; s++) {
        const hf_density_scan *c = &r->scan[s];
        printf("  %8.3f %10.4g %12.4f %12.4f %12.4f %9.3f +- %.3f\n", c->scale, c->h, 1e3 * c->mse,
               1e3 * c->bias2, 1e3 * c->train_variance, c->factor, c->factor_err);
    }
    printf("  mean bandwidth of the rules: scott %.4g, silverman %.4g, isj %.4g\n", r->rule_h[0],
           r->rule_h[1], r->rule_h[2]);
    printf("\nbinning scan (KDE, M -> infinity)\n");
    printf("  %6s %16s %12s %12s %15s\n", "bins", "hist MSE x1e-3", "theory", "KDE MSE",
           "amplification");
    for (size_t i = 0; i < r->nbinnings; i++) {
        const hf_density_binning *b = &r->binning[i];
        printf("  %6zu %16.4f %12.4f %12.4f %9.3f +- %.3f\n", b->bins, 1e3 * b->hist_mse,
               1e3 * b->hist_theory, 1e3 * b->kde_mse, b->factor, b->factor_err);
    }
    if (r->boot > 0)
        print_boot(r);
    if (r->cost != NULL)
        print_cost(r);
}

static cJSON *
json_points(const hf_density_cost_point *pt, size_t n, const char *events)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a != NULL && i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToArray(a, e);
        cJSON_AddItemToObject(e, "t", num(pt[i].t));
        cJSON_AddItemToObject(e, events, num(pt[i].events));
        cJSON_AddItemToObject(e, "mse", num(pt[i].mse));
        cJSON_AddItemToObject(e, "mse_err", num(pt[i].mse_err));
        cJSON_AddItemToObject(e, "model", num(pt[i].model));
    }
    return a;
}

static cJSON *
json_cost(const hf_density_cost *k)
{
    cJSON *c = cJSON_CreateObject();
    if (c == NULL)
        return NULL;
    cJSON_AddItemToObject(c, "cost_sim", num(k->c_sim));
    cJSON_AddItemToObject(c, "cost_gen", num(k->c_gen));
    cJSON_AddItemToObject(c, "cost_train", num(k->c_train));
    cJSON_AddItemToObject(c, "t_start", num(k->t_start));
    cJSON_AddItemToObject(c, "floor", num(k->floor));
    cJSON_AddItemToObject(c, "floor_err", num(k->floor_err));
    cJSON_AddItemToObject(c, "sampling_coef", num(k->sampling_coef));
    cJSON_AddItemToObject(c, "simulation", json_points(k->sim, k->nsim, "events"));
    cJSON_AddItemToObject(c, "generative", json_points(k->gen, k->ngen, "draws"));
    cJSON_AddItemToObject(c, "crossover", num(k->cross_lo));
    cJSON_AddItemToObject(c, "simulation_wins_from", num(k->cross_hi));
    cJSON_AddItemToObject(c, "max_saving", num(k->max_saving));
    cJSON_AddItemToObject(c, "max_saving_mse", num(k->saving_mse));
    cJSON_AddItemToObject(c, "best_ratio", num(k->best_ratio));
    cJSON_AddItemToObject(c, "best_ratio_mse", num(k->ratio_mse));
    return c;
}

static cJSON *
json_result(const hf_density_truth *t, const hf_density_result *r, const opts *o)
{
    char bw[64];
    cJSON *d = cJSON_CreateObject();
    if (d == NULL)
        return NULL;
    cJSON_AddStringToObject(d, "truth", hf_density_truth_name(t));
    cJSON_AddStringToObject(d, "truth_label", hf_density_truth_label(t));
    cJSON_AddItemToObject(d, "range", cJSON_CreateDoubleArray((double[]){r->lo, r->hi}, 2));
    cJSON_AddNumberToObject(d, "n", (double)r->n);
    cJSON_AddNumberToObject(d, "bins", (double)r->bins);
    cJSON_AddNumberToObject(d, "reps", (double)r->reps);
    cJSON_AddStringToObject(d, "bandwidth", rule_label(r, bw, sizeof(bw)));
    cJSON_AddStringToObject(d, "bandwidth_rule", hf_kde_rule_name(r->rule));
    cJSON_AddNumberToObject(d, "bandwidth_value", r->bw_value);
    cJSON_AddItemToObject(d, "h_mean", num(r->h_mean));
    cJSON_AddItemToObject(d, "h_sd", num(r->h_sd));
    cJSON *rh = cJSON_AddObjectToObject(d, "rule_h");
    for (int i = 0; i < 3; i++)
        cJSON_AddItemToObject(rh, hf_kde_rule_name((hf_kde_rule)i), num(r->rule_h[i]));
    cJSON_AddNumberToObject(d, "isj_fallbacks", (double)r->isj_fallbacks);
    cJSON_AddBoolToObject(d, "reflect", r->reflect);
    cJSON_AddStringToObject(d, "sampling", o->sampling != NULL ? o->sampling : "events");
    cJSON_AddItemToObject(d, "p", cJSON_CreateDoubleArray(r->p, (int)r->bins));
    cJSON_AddItemToObject(d, "sum_p_1mp", num(r->sum_pq));

    cJSON *h = cJSON_AddObjectToObject(d, "histogram");
    cJSON_AddItemToObject(h, "mse", num(r->hist_mse));
    cJSON_AddItemToObject(h, "mse_err", num(r->hist_mse_err));
    cJSON_AddItemToObject(h, "mse_theory", num(r->hist_theory));
    cJSON_AddItemToObject(h, "coverage", num(r->hist_coverage));

    cJSON *g = cJSON_AddArrayToObject(d, "generated");
    cJSON *a = cJSON_AddArrayToObject(d, "amplification");
    for (size_t m = 0; m < r->ndraws; m++) {
        const hf_density_draw *dr = &r->draw[m];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToArray(g, e);
        cJSON_AddNumberToObject(e, "draws", dr->draws);
        cJSON_AddItemToObject(e, "mse", num(dr->mse));
        cJSON_AddItemToObject(e, "mse_err", num(dr->mse_err));
        cJSON_AddItemToObject(e, "sampling_variance", num(dr->sampling_variance));
        cJSON_AddItemToObject(e, "coverage", num(dr->coverage));
        if (r->boot > 0)
            cJSON_AddItemToObject(e, "boot_coverage", num(dr->boot_coverage));
        cJSON *f = cJSON_CreateObject();
        cJSON_AddItemToArray(a, f);
        cJSON_AddNumberToObject(f, "draws", dr->draws);
        cJSON_AddItemToObject(f, "factor", num(dr->factor));
        cJSON_AddItemToObject(f, "factor_err", num(dr->factor_err));
    }
    cJSON *k = cJSON_AddObjectToObject(d, "kde");
    cJSON_AddItemToObject(k, "mse", num(r->kde_mse));
    cJSON_AddItemToObject(k, "mse_err", num(r->kde_mse_err));
    cJSON_AddItemToObject(k, "bias2", num(r->bias2));
    cJSON_AddItemToObject(k, "train_variance", num(r->train_variance));
    cJSON_AddItemToObject(k, "factor", num(r->kde_factor));
    cJSON_AddItemToObject(k, "factor_err", num(r->kde_factor_err));
    cJSON_AddItemToObject(k, "plateau_draws", num(r->plateau_draws));
    cJSON_AddItemToObject(k, "q_mean", cJSON_CreateDoubleArray(r->q_mean, (int)r->bins));

    cJSON *sc = cJSON_AddArrayToObject(d, "bandwidth_scan");
    for (size_t s = 0; s < r->nscales; s++) {
        const hf_density_scan *c = &r->scan[s];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToArray(sc, e);
        cJSON_AddNumberToObject(e, "scale", c->scale);
        cJSON_AddItemToObject(e, "h", num(c->h));
        cJSON_AddItemToObject(e, "mse", num(c->mse));
        cJSON_AddItemToObject(e, "mse_err", num(c->mse_err));
        cJSON_AddItemToObject(e, "bias2", num(c->bias2));
        cJSON_AddItemToObject(e, "train_variance", num(c->train_variance));
        cJSON_AddItemToObject(e, "factor", num(c->factor));
        cJSON_AddItemToObject(e, "factor_err", num(c->factor_err));
    }
    cJSON *bs = cJSON_AddArrayToObject(d, "binning_scan");
    for (size_t i = 0; i < r->nbinnings; i++) {
        const hf_density_binning *b = &r->binning[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToArray(bs, e);
        cJSON_AddNumberToObject(e, "bins", (double)b->bins);
        cJSON_AddItemToObject(e, "hist_mse", num(b->hist_mse));
        cJSON_AddItemToObject(e, "hist_mse_theory", num(b->hist_theory));
        cJSON_AddItemToObject(e, "kde_mse", num(b->kde_mse));
        cJSON_AddItemToObject(e, "factor", num(b->factor));
        cJSON_AddItemToObject(e, "factor_err", num(b->factor_err));
    }
    if (r->boot > 0) {
        cJSON *bo = cJSON_AddObjectToObject(d, "bootstrap");
        cJSON_AddNumberToObject(bo, "members", (double)r->boot);
        cJSON_AddItemToObject(bo, "variance", num(r->boot_variance));
        cJSON_AddItemToObject(bo, "variance_err", num(r->boot_variance_err));
        cJSON_AddItemToObject(bo, "train_variance", num(r->train_variance));
        cJSON_AddItemToObject(bo, "var_mean",
                              cJSON_CreateDoubleArray(r->boot_var_mean, (int)r->bins));
        cJSON_AddItemToObject(bo, "q_var", cJSON_CreateDoubleArray(r->q_var, (int)r->bins));
        cJSON_AddItemToObject(bo, "nominal_coverage", num(r->nominal_coverage));
        cJSON_AddItemToObject(bo, "coverage_kde", num(r->boot_coverage));
        cJSON_AddItemToObject(bo, "coverage_debiased", num(r->debiased_coverage));
        cJSON_AddItemToObject(bo, "debiased_variance", num(r->debiased_variance));
        cJSON_AddItemToObject(bo, "debiased_var_mean",
                              cJSON_CreateDoubleArray(r->debiased_var_mean, (int)r->bins));
        cJSON_AddItemToObject(bo, "bias_est_mean",
                              cJSON_CreateDoubleArray(r->bias_est_mean, (int)r->bins));
        cJSON *cv = cJSON_AddArrayToObject(bo, "coverage");
        for (size_t m = 0; m < r->ndraws; m++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToArray(cv, e);
            cJSON_AddNumberToObject(e, "draws", r->draw[m].draws);
            cJSON_AddItemToObject(e, "naive", num(r->draw[m].coverage));
            cJSON_AddItemToObject(e, "bootstrap", num(r->draw[m].boot_coverage));
            cJSON_AddItemToObject(e, "debiased", num(r->draw[m].debiased_coverage));
        }
    }
    if (r->cost != NULL)
        cJSON_AddItemToObject(d, "cost", json_cost(r->cost));
    return d;
}

/* The figures a result has: the four of the lab, the cost figure with the cost axis, and the
 * coverage and bootstrap figures with bootstrap ensembles. Returns how many went into figs. */
static size_t
figure_list(const hf_density_result *r, hf_density_figure figs[HF_DENSITY_FIG_COUNT])
{
    size_t n = 0;
    figs[n++] = HF_DENSITY_FIG_MSE;
    figs[n++] = HF_DENSITY_FIG_DECOMPOSITION;
    figs[n++] = HF_DENSITY_FIG_BANDWIDTH;
    figs[n++] = HF_DENSITY_FIG_EXAMPLE;
    if (r->cost != NULL)
        figs[n++] = HF_DENSITY_FIG_COST;
    if (r->boot > 0) {
        figs[n++] = HF_DENSITY_FIG_COVERAGE;
        figs[n++] = HF_DENSITY_FIG_BOOTSTRAP;
    }
    return n;
}

/* Print the figures as character cells (braille, or ASCII with --ascii). Returns 0 or an
 * exit code. */
static int
print_cells(const char *spec, bool ascii, const hf_density_truth *t, const hf_density_result *r,
            const hf_density_example *ex)
{
    int w, h;
    char tail;
    if (sscanf(spec, "%dx%d%c", &w, &h, &tail) != 2 || w < 40 || h < 12 || w > 1000 || h > 1000)
        return hf_cli_error("--cells: expected WxH with W >= 40, H >= 12, got '%s'", spec);
    hf_density_figure figs[HF_DENSITY_FIG_COUNT];
    size_t nfig = figure_list(r, figs);
    for (size_t f = 0; f < nfig; f++) {
        hf_scene *s = hf_plot_density(figs[f], t, r, ex);
        hf_cellgrid *g = hf_cells_new(w, h);
        char *txt = NULL;
        if (s != NULL && g != NULL &&
            hf_cells_draw(g, s, ascii ? HF_GLYPHS_ASCII : HF_GLYPHS_BRAILLE) == 0)
            txt = hf_cells_to_text(g, NULL);
        hf_cells_free(g);
        hf_scene_free(s);
        if (txt == NULL)
            return hf_cli_nomem();
        printf("\n%s", txt);
        free(txt);
    }
    return 0;
}

/* Write the figures into dir: all or nothing (a failure removes the figures written so far
 * and the directory when this call created it). Returns 0 or an exit code (error printed). */
static int
write_figures(const char *dir, const char *fmt_name, const hf_density_truth *t,
              const hf_density_result *r, const hf_density_example *ex, bool quiet)
{
    hf_format fmt;
    if (hf_format_parse(fmt_name, &fmt) != 0)
        return hf_cli_error("--format: expected png, pdf or svg, got '%s'", fmt_name);
    bool made = mkdir(dir, 0777) == 0;
    if (!made && errno != EEXIST)
        return hf_cli_error("%s: cannot create directory: %s", dir, strerror(errno));
    hf_error err = {0};
    hf_density_figure figs[HF_DENSITY_FIG_COUNT];
    size_t nfig = figure_list(r, figs);
    char *paths[HF_DENSITY_FIG_COUNT] = {0};
    hf_cairo_options co = {.format = fmt, .dpi = 150};
    size_t i, nw = 0;
    int rc = 0;
    for (i = 0; i < nfig && rc == 0; i++) {
        hf_scene *s = hf_plot_density(figs[i], t, r, ex);
        size_t len = strlen(dir) + 64;
        if (s == NULL || (paths[i] = malloc(len)) == NULL) {
            hf_scene_free(s);
            rc = hf_cli_nomem();
            break;
        }
        snprintf(paths[i], len, "%s/density_%s.%s", dir, hf_plot_density_name(figs[i]),
                 hf_format_ext(fmt));
        if (hf_cairo_write(s, paths[i], &co, &err) != 0) {
            rc = hf_cli_report(NULL, &err);
            hf_error_release(&err);
        } else {
            nw = i + 1;
        }
        hf_scene_free(s);
    }
    for (i = 0; i < nfig; i++) {
        if (rc != 0 && i < nw)
            unlink(paths[i]);
        else if (rc == 0 && !quiet)
            fprintf(stderr, "hfscope: wrote %s\n", paths[i]);
        free(paths[i]);
    }
    if (rc != 0 && made)
        rmdir(dir); /* only when empty */
    return rc;
}

/* --to-workspace: the lab's options mapped onto density_ws_opts. Returns the exit code. */
static int
run_to_workspace(hf_cli *cli, const opts *o, const hf_density_config *cfg)
{
    if (cli->ws_path != NULL || o->template_spec != NULL || o->truth != NULL || o->events != NULL)
        return hf_cli_error("--to-workspace takes the workspace itself: no other workspace, "
                            "--template, --truth or --events");
    /* the experiment's options have no meaning here: say so rather than ignore them */
    const char *lab = o->bins != -1                                             ? "--bins"
                      : o->reps != -1                                           ? "--reps"
                      : o->cost_sim > 0 || o->cost_gen > 0 || o->cost_train > 0 ? "--cost-*"
                      : o->cells != NULL                                        ? "--cells"
                      : o->sampling != NULL                                     ? "--sampling"
                      : o->kde != NULL                                          ? "--kde"
                      : o->range != NULL                                        ? "--range"
                      : o->example_draws != -1                                  ? "--example-draws"
                      : o->format != NULL                                       ? "--format"
                      : cli->patch != NULL                                      ? "--patch"
                                                                                : NULL;
    if (lab != NULL)
        return hf_cli_error("%s does not go with --to-workspace", lab);
    if (cfg->draws != NULL && cfg->ndraws != 1)
        return hf_cli_error("--to-workspace: --draws is one number M");
    density_ws_opts w = {.channel = o->channel,
                         .sample = o->sample,
                         .patch_out = o->patch_out,
                         .n = o->n,
                         .draws = cfg->draws != NULL ? cfg->draws[0] : 0,
                         .boot = o->boot,
                         .rule = o->bandwidth != NULL ? cfg->rule : HF_KDE_ISJ,
                         .bw_value = o->bandwidth != NULL ? cfg->bw_value : 1.0,
                         .reflect = cfg->reflect,
                         .debias = true,
                         .modifier = HF_DENSITY_STATERROR};
    if (o->band != NULL && strcmp(o->band, "plain") == 0)
        w.debias = false;
    else if (o->band != NULL && strcmp(o->band, "debiased") != 0)
        return hf_cli_error("--band: expected debiased or plain, got '%s'", o->band);
    if (o->modifier != NULL && strcmp(o->modifier, "shapesys") == 0)
        w.modifier = HF_DENSITY_SHAPESYS;
    else if (o->modifier != NULL && strcmp(o->modifier, "staterror") != 0)
        return hf_cli_error("--modifier: expected staterror or shapesys, got '%s'", o->modifier);
    cli->ws_path = o->to_ws;
    return density_to_workspace(cli, &w);
}

/* The command's options: the common ones into cli, its own into o. Returns hf_cli_parse's code. */
static int
parse_options(hf_cli *cli, opts *o, int argc, char **argv)
{
    const hf_opt extra[] = {
        {"truth", 0, HF_OPT_STRING, &o->truth,
         "built-in truth: gaussian, exponential, camelback (default), falling, edge"},
        {"template", 0, HF_OPT_STRING, &o->template_spec,
         "CHANNEL[/SAMPLE]: a nominal template of WORKSPACE.json as the truth"},
        {"events", 0, HF_OPT_STRING, &o->events,
         "FILE[:COL]: a column (number or header name) of a text/CSV file as the truth"},
        {"sample", 0, HF_OPT_STRING, &o->sample,
         "with --to-workspace: the sample to replace; otherwise the same as --events"},
        {"to-workspace", 0, HF_OPT_STRING, &o->to_ws,
         "WS: replace --channel/--sample's template by a generated one with its bootstrap band "
         "(-o OUT.json)"},
        {"channel", 0, HF_OPT_STRING, &o->channel, "with --to-workspace: the channel"},
        {"modifier", 0, HF_OPT_STRING, &o->modifier,
         "with --to-workspace: staterror (default) or shapesys for the band"},
        {"band", 0, HF_OPT_STRING, &o->band,
         "with --to-workspace: debiased (default) or plain bootstrap band"},
        {"patch-out", 0, HF_OPT_STRING, &o->patch_out,
         "with --to-workspace: where the RFC 6902 patch goes (default OUT.patch.json)"},
        {"range", 0, HF_OPT_STRING, &o->range, "LO:HI for --sample (default: its min and max)"},
        {"n", 0, HF_OPT_DOUBLE, &o->n, "training events per repetition (default 100)"},
        {"bins", 0, HF_OPT_INT, &o->bins, "histogram bins on the truth's range (default 20)"},
        {"draws", 0, HF_OPT_STRING, &o->draws,
         "generated events M: A:B[:PER_DECADE] log grid or a list (default 10:1e6)"},
        {"reps", 0, HF_OPT_INT, &o->reps, "repetitions (independent training sets, default 200)"},
        {"bandwidth", 0, HF_OPT_STRING, &o->bandwidth,
         "silverman (default), scott, isj, RULE*FACTOR, or a number"},
        {"no-reflect", 0, HF_OPT_FLAG, &o->no_reflect, "do not fold the KDE at the range edges"},
        {"sampling", 0, HF_OPT_STRING, &o->sampling,
         "events (default: sample each event) or multinomial (same law, O(bins))"},
        {"kde", 0, HF_OPT_STRING, &o->kde, "bin integrals: auto (default), exact or binned (FFT)"},
        {"example-draws", 0, HF_OPT_DOUBLE, &o->example_draws,
         "M of the generated histogram in the example figure (default 10 n)"},
        {"format", 0, HF_OPT_STRING, &o->format, "figure format with -o: png (default), pdf, svg"},
        {"bootstrap", 0, HF_OPT_INT, &o->boot,
         "B: bootstrap ensembles of B KDEs per repetition (>= 2; 50 is typical)"},
        {"cost-sim", 0, HF_OPT_DOUBLE, &o->cost_sim, "C1: seconds per simulated event (cost axis)"},
        {"cost-gen", 0, HF_OPT_DOUBLE, &o->cost_gen, "C2: seconds per generated event"},
        {"cost-train", 0, HF_OPT_DOUBLE, &o->cost_train, "C0: one-time training cost, seconds"},
        {"cells", 0, HF_OPT_STRING, &o->cells,
         "WxH: also draw the figures as text, W x H characters (e.g. 110x32)"},
        {NULL, 0, 0, NULL, NULL}};
    return hf_cli_parse(cli, argc, argv, extra,
                        "density [--truth NAME | --template CH[/SAMPLE] WORKSPACE.json | "
                        "--sample FILE[:COL]] [OPTIONS] [-o DIR]");
}

/* --sampling and --kde: names onto the config's enums. Returns the exit code. */
static int
parse_methods(const opts *o, hf_density_config *cfg)
{
    if (o->sampling != NULL) {
        if (strcmp(o->sampling, "events") == 0)
            cfg->sampling = HF_DENSITY_EVENTS;
        else if (strcmp(o->sampling, "multinomial") == 0)
            cfg->sampling = HF_DENSITY_MULTINOMIAL;
        else
            return hf_cli_error("--sampling: expected events or multinomial, got '%s'",
                                o->sampling);
    }
    if (o->kde != NULL) {
        if (strcmp(o->kde, "auto") == 0)
            cfg->kde = HF_DENSITY_KDE_AUTO;
        else if (strcmp(o->kde, "exact") == 0)
            cfg->kde = HF_DENSITY_KDE_EXACT;
        else if (strcmp(o->kde, "binned") == 0)
            cfg->kde = HF_DENSITY_KDE_BINNED;
        else
            return hf_cli_error("--kde: expected auto, exact or binned, got '%s'", o->kde);
    }
    return 0;
}

/* The options shared by the lab and --to-workspace, checked and copied into cfg; *draws gets
 * the parsed --draws (the caller frees it). Returns the exit code. */
static int
make_config(const hf_cli *cli, const opts *o, hf_density_config *cfg, double **draws)
{
    hf_density_config_init(cfg);
    cfg->seed = cli->seed;
    cfg->reflect = !o->no_reflect;
    if (o->boot != 0 && (o->boot < 2 || o->boot > 100000))
        return hf_cli_error("--bootstrap: expected 2 to 100000 members, got %d", o->boot);
    cfg->boot = (size_t)o->boot;
    if (!(o->cost_sim >= 0 && o->cost_gen >= 0 && o->cost_train >= 0) ||
        !isfinite(o->cost_sim + o->cost_gen + o->cost_train) ||
        ((o->cost_sim > 0) != (o->cost_gen > 0)) || (o->cost_train > 0 && !(o->cost_sim > 0)))
        return hf_cli_error("--cost-sim and --cost-gen (and --cost-train) go together, as "
                            "finite seconds > 0 (training >= 0)");
    cfg->cost_sim = o->cost_sim;
    cfg->cost_gen = o->cost_gen;
    cfg->cost_train = o->cost_train;

    if (o->reps != -1 && o->reps < 2)
        return hf_cli_error("--reps: expected at least 2, got %d", o->reps);
    if (o->n != -1 && (!(o->n >= 2 && o->n <= 1e9) || o->n != floor(o->n)))
        return hf_cli_error("--n: expected an integer >= 2, got %g", o->n);
    if (o->bins != -1 && (o->bins < 2 || o->bins > 100000))
        return hf_cli_error("--bins: expected 2 to 100000, got %d", o->bins);
    int rc;
    if (o->bandwidth != NULL && (rc = parse_bandwidth(o->bandwidth, cfg)) != 0)
        return rc;
    if ((rc = parse_methods(o, cfg)) != 0)
        return rc;
    if (o->draws != NULL) {
        hf_error err = {0};
        *draws = hf_density_parse_draws(o->draws, &cfg->ndraws, &err);
        if (*draws == NULL) {
            rc = hf_cli_report(NULL, &err);
            hf_error_release(&err);
            return rc;
        }
        cfg->draws = *draws;
    }
    return 0;
}

/* The lab's own defaults, and the options that belong to --to-workspace only. Returns the exit
 * code. */
static int
check_lab_options(const hf_cli *cli, opts *o)
{
    if (o->reps == -1)
        o->reps = 200;
    if (o->format == NULL)
        o->format = "png";
    if (o->events != NULL && o->sample != NULL)
        return hf_cli_error("--sample FILE is the old name of --events: give one of them");
    if (o->events == NULL)
        o->events = o->sample; /* --sample FILE, as before --events existed */
    if (o->channel != NULL || o->modifier != NULL || o->band != NULL || o->patch_out != NULL)
        return hf_cli_error("--channel, --modifier, --band and --patch-out go with "
                            "--to-workspace");
    if (cli->ws_path != NULL && o->template_spec == NULL)
        return hf_cli_error("density: a workspace needs --template CHANNEL[/SAMPLE]");
    return 0;
}

/* The bins and n the truth suggests when the options do not set them. */
static void
size_experiment(const hf_cli *cli, const opts *o, const hf_density_truth *t, hf_density_config *cfg)
{
    cfg->bins = o->bins > 0                            ? (size_t)o->bins
                : hf_density_truth_natural_bins(t) > 0 ? hf_density_truth_natural_bins(t)
                                                       : 20;
    if (o->n > 0)
        cfg->n = (size_t)o->n;
    else if (hf_density_truth_neff(t) >= 2) {
        /* a template's staterror says how many MC events stand behind it */
        cfg->n = (size_t)floor(hf_density_truth_neff(t) + 0.5);
        if (!cli->quiet)
            fprintf(stderr, "hfscope: n = %zu, the effective MC events of %s (from staterror)\n",
                    cfg->n, hf_density_truth_name(t));
    }
    if (o->sample_size > 0 && 10 * cfg->n > o->sample_size && !cli->quiet)
        hf_cli_warn("--n %zu is more than a tenth of the %zu sample values: training sets overlap "
                    "and the amplification is measured against the sample itself",
                    cfg->n, o->sample_size);
}

/* The result as JSON on stdout, its fields at the top level like every command's
 * (../shared/DESIGN.md). Returns the exit code. */
static int
emit_json(const hf_cli *cli, const hf_density_truth *t, const hf_density_result *r, const opts *o)
{
    cJSON *doc = hf_cli_json_doc(cli);
    cJSON *d = json_result(t, r, o);
    if (doc == NULL || d == NULL) {
        cJSON_Delete(doc);
        cJSON_Delete(d);
        return hf_cli_nomem();
    }
    while (d->child != NULL) {
        cJSON *it = cJSON_DetachItemViaPointer(d, d->child);
        cJSON_AddItemToObject(doc, it->string, it);
    }
    cJSON_Delete(d);
    return hf_cli_json_emit(doc, NULL);
}

/* The lab itself: the truth, the repetitions, then figures, JSON or text. Returns the exit
 * code. */
static int
run_lab(hf_cli *cli, opts *o, hf_density_config *cfg)
{
    hf_density_truth *t = NULL;
    hf_density_exp *e = NULL;
    hf_density_result *r = NULL;
    hf_density_example *ex = NULL;
    hf_error err = {0};
    int rc = check_lab_options(cli, o);
    if (rc != 0 || (t = make_truth(cli, o, &rc)) == NULL)
        goto out;
    if (hf_density_truth_note(t) != NULL && !cli->quiet)
        hf_cli_warn("%s: %s", hf_density_truth_name(t), hf_density_truth_note(t));
    size_experiment(cli, o, t, cfg);
    if ((e = hf_density_exp_new(t, cfg, &err)) == NULL ||
        hf_density_exp_run(e, (size_t)o->reps, cli->jobs, NULL, &err) < 0 ||
        (r = hf_density_exp_result(e, &err)) == NULL) {
        rc = hf_cli_report(NULL, &err);
        goto out;
    }
    if (cli->output != NULL || (o->cells != NULL && !cli->json)) {
        double m = o->example_draws > 0 ? o->example_draws : 10.0 * (double)cfg->n;
        if ((ex = hf_density_exp_example(e, 0, m, &err)) == NULL) {
            rc = hf_cli_report(NULL, &err);
            goto out;
        }
    }
    if (cli->output != NULL &&
        (rc = write_figures(cli->output, o->format, t, r, ex, cli->quiet)) != 0)
        goto out;
    if (cli->json) {
        rc = emit_json(cli, t, r, o);
    } else {
        print_text(t, r);
        if (o->cells != NULL)
            rc = print_cells(o->cells, cli->ascii, t, r, ex);
    }
out:
    hf_error_release(&err);
    hf_density_example_free(ex);
    hf_density_result_free(r);
    hf_density_exp_free(e);
    hf_density_truth_free(t);
    return rc;
}

int
cmd_density(int argc, char **argv)
{
    hf_cli cli = {0};
    opts o = {.n = -1, .bins = -1, .reps = -1, .example_draws = -1};
    int rc = parse_options(&cli, &o, argc, argv);
    if (rc != 0) {
        hf_cli_done(&cli);
        return rc < 0 ? 0 : rc;
    }
    double *draws = NULL;
    hf_density_config cfg;
    rc = make_config(&cli, &o, &cfg, &draws);
    if (rc == 0)
        rc = o.to_ws != NULL ? run_to_workspace(&cli, &o, &cfg) : run_lab(&cli, &o, &cfg);
    free(draws);
    hf_cli_done(&cli);
    return rc;
}
