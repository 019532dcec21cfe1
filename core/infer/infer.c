/* core/infer/infer.c - test statistics from conditional and unconditional fits (warm-started),
 * Asimov data and asymptotic p-values. Method: Cowan, Cranmer, Gross, Vitells, EPJC 71 (2011) 1554
 * (eqs. 12-16 for q_mu, q~_mu, q_0; sec. 3.2 for Asimov data); conventions and the q~ formula in
 * the sqrt form follow pyhf v0.7 (infer/calculators.py AsymptoticCalculator, test_statistics.py).
 */
#include "core/infer/infer.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"

const double HF_BAND_SIGMA[5] = {-2.0, -1.0, 0.0, 1.0, 2.0};

/* One data set with its unconditional fit and a warm start for conditional fits. */
typedef struct dataset {
    bool ready;     /* data filled */
    bool have_free; /* unconditional fit done */
    double *main, *aux;
    hf_data d;
    double *free_x;
    double free_tnll, muhat;
    double *warm;   /* scratch for a second start */
    double *last_x; /* the latest conditional minimum (any POI value), a candidate start */
    bool have_last;
} dataset;

struct hf_infer {
    const hf_model *m;
    hf_teststat ts;
    atomic_int *cancel;
    bool two_starts;
    size_t npar;
    int poi;
    dataset obs;     /* the data */
    dataset asimov0; /* background-only Asimov (POI = 0), for CLs */
    dataset asimov1; /* POI = 1 Asimov, for the expected significance */
    bool have_cond0; /* conditional fit at POI = 0 on the data (Asimov POI=0 source, q_0) */
    double *cond0_x;
    double cond0_tnll;
    double *x, *init, *xo, *x0; /* scratch */
    hf_eval *ev;                /* for the NLL at candidate starts */
    size_t nfits;
};

static void
dataset_release(dataset *s)
{
    free(s->main);
    free(s->aux);
    free(s->free_x);
    free(s->warm);
    free(s->last_x);
}

static int
dataset_alloc(dataset *s, size_t nbins, size_t npar)
{
    s->main = calloc(nbins > 0 ? nbins : 1, sizeof(double));
    s->aux = calloc(npar, sizeof(double));
    s->free_x = calloc(npar, sizeof(double));
    s->warm = calloc(npar, sizeof(double));
    s->last_x = calloc(npar, sizeof(double));
    s->d.main = s->main;
    s->d.aux = s->aux;
    return s->main && s->aux && s->free_x && s->warm && s->last_x ? 0 : -1;
}

void
hf_infer_free(hf_infer *inf)
{
    if (inf == NULL)
        return;
    dataset_release(&inf->obs);
    dataset_release(&inf->asimov0);
    dataset_release(&inf->asimov1);
    free(inf->cond0_x);
    free(inf->x);
    free(inf->init);
    free(inf->xo);
    free(inf->x0);
    hf_eval_free(inf->ev);
    free(inf);
}

/* Returns a context the caller frees with hf_infer_free; NULL with err set when the model has
 * no POI (HF_EUSAGE) or memory is out. */
hf_infer *
hf_infer_new(const hf_model *m, const hf_infer_options *opt, hf_error *err)
{
    if (m->poi < 0) {
        hf_error_set(err, HF_EUSAGE, "",
                     "the model has no parameter of interest (pick one with --poi NAME)");
        return NULL;
    }
    hf_infer *inf = calloc(1, sizeof(*inf));
    if (inf == NULL) {
        hf_error_nomem(err);
        return NULL;
    }
    inf->m = m;
    inf->npar = m->npar;
    inf->poi = m->poi;
    inf->ts = opt != NULL ? opt->test_stat : HF_TEST_QTILDE;
    inf->cancel = opt != NULL ? opt->cancel : NULL;
    inf->two_starts = opt == NULL || !opt->single_start;
    inf->cond0_x = calloc(m->npar, sizeof(double));
    inf->x = calloc(m->npar, sizeof(double));
    inf->init = calloc(m->npar, sizeof(double));
    inf->xo = calloc(m->npar, sizeof(double));
    inf->x0 = calloc(m->npar, sizeof(double));
    inf->ev = hf_eval_new(m);
    if (inf->cond0_x == NULL || inf->x == NULL || inf->init == NULL || inf->xo == NULL ||
        inf->x0 == NULL || inf->ev == NULL || dataset_alloc(&inf->obs, m->nbins, m->npar) < 0 ||
        dataset_alloc(&inf->asimov0, m->nbins, m->npar) < 0 ||
        dataset_alloc(&inf->asimov1, m->nbins, m->npar) < 0) {
        hf_infer_free(inf);
        hf_error_nomem(err);
        return NULL;
    }
    hf_data d = opt != NULL && opt->data != NULL ? *opt->data : hf_model_data(m);
    memcpy(inf->obs.main, d.main, m->nbins * sizeof(double));
    memcpy(inf->obs.aux, d.aux, m->npar * sizeof(double));
    inf->obs.ready = true;
    return inf;
}

const hf_model *
hf_infer_model(const hf_infer *inf)
{
    return inf->m;
}

size_t
hf_infer_nfits(const hf_infer *inf)
{
    return inf->nfits;
}

/* One fit without errors; on success x and *tnll hold the minimum. what names the fit. */
static int
fit_n(const hf_model *m, const hf_data *d, const double *init, int fix_index, double fix_value,
      atomic_int *cancel, int max_iter, double *x, double *tnll, const char *what, hf_error *err)
{
    *tnll = NAN;
    hf_fit_options o;
    memset(&o, 0, sizeof(o));
    o.init = init;
    o.fix_index = fix_index;
    o.fix_value = fix_value;
    o.no_errors = true;
    o.cancel = cancel;
    o.max_iter = max_iter;
    hf_fit_result r;
    memset(&r, 0, sizeof(r));
    if (hf_fit(m, d, &o, &r, err) < 0)
        return -1;
    int rc = 0;
    if (!r.converged || !isfinite(r.twice_nll)) {
        if (fix_index >= 0)
            rc = hf_error_set(err, HF_EFIT, "", "%s (%s = %g) did not converge: %s", what,
                              m->par[fix_index].name, fix_value,
                              r.message != NULL ? r.message : "unknown reason");
        else
            rc = hf_error_set(err, HF_EFIT, "", "%s did not converge: %s", what,
                              r.message != NULL ? r.message : "unknown reason");
    } else {
        memcpy(x, r.x, m->npar * sizeof(double));
        *tnll = r.twice_nll;
    }
    hf_fit_result_release(&r);
    return rc;
}

/* One fit. A given start gets 150 iterations (a warm start that needs more sits in a poor
 * place); if it fails, the fit is redone from the suggested init with up to 1000 (large models
 * with flat directions can need a few hundred steps from there). */
static int
fit(const hf_model *m, const hf_data *d, const double *init, int fix_index, double fix_value,
    atomic_int *cancel, double *x, double *tnll, const char *what, hf_error *err)
{
    if (init == NULL)
        return fit_n(m, d, NULL, fix_index, fix_value, cancel, 1000, x, tnll, what, err);
    hf_error e = {0};
    if (fit_n(m, d, init, fix_index, fix_value, cancel, 150, x, tnll, what, &e) == 0)
        return 0;
    int rc = 0;
    if (e.code == HF_ECANCELED || e.code == HF_ENOMEM)
        rc = hf_error_set(err, e.code, e.where, "%s", hf_error_msg(&e));
    else
        rc = fit_n(m, d, NULL, fix_index, fix_value, cancel, 1000, x, tnll, what, err);
    hf_error_release(&e);
    return rc;
}

/* The unconditional fit of s, started from start (NULL: suggested init). */
static int
ensure_free(hf_infer *inf, dataset *s, const double *start, const char *what, hf_error *err)
{
    if (s->have_free)
        return 0;
    inf->nfits++;
    if (fit(inf->m, &s->d, start, -1, 0.0, inf->cancel, s->free_x, &s->free_tnll, what, err) < 0)
        return -1;
    s->muhat = s->free_x[inf->poi];
    s->have_free = true;
    return 0;
}

static int cond_fit_done(hf_infer *inf, dataset *s, double *x, double *tnll, const char *what,
                         hf_error *err, int rc);

/* The warm start of a conditional fit at POI = mu into inf->init: of the unconditional minimum,
 * the latest conditional one (both with the POI moved to mu) and alt (NULL: none), the one where
 * -log L is lowest. In a limit search the latest conditional minimum is at a nearby POI value. */
static void
pick_start(hf_infer *inf, dataset *s, double mu, const double *alt)
{
    size_t np = inf->npar;
    memcpy(inf->init, s->free_x, np * sizeof(double));
    inf->init[inf->poi] = mu;
    double best = hf_model_nll(inf->ev, inf->init, &s->d);
    const double *cand[2] = {s->have_last ? s->last_x : NULL, alt};
    for (int i = 0; i < 2; i++) {
        if (cand[i] == NULL)
            continue;
        memcpy(inf->x0, cand[i], np * sizeof(double));
        inf->x0[inf->poi] = mu;
        double f = hf_model_nll(inf->ev, inf->x0, &s->d);
        if (f < best) {
            best = f;
            memcpy(inf->init, inf->x0, np * sizeof(double));
        }
    }
}

/* Conditional fit of s at POI = mu, started from the unconditional fit of s with the POI moved
 * to mu (the warm start). Unless single_start, also from the suggested init with the POI at mu
 * (where pyhf starts every fit), keeping the lower minimum: profile likelihoods can have several
 * valleys (a code4p histosys makes two in toy_2bin_2channel_coupledhistosys), and a single
 * start, warm or not, may end in the wrong one. Writes the minimum to x and twice NLL to *tnll.
 * When it lies below the unconditional minimum, the unconditional fit is redone from there, so q
 * never rests on a poor minimum. */
static int
cond_fit(hf_infer *inf, dataset *s, double mu, const double *alt, double *x, double *tnll,
         const char *what, hf_error *err)
{
    const hf_model *m = inf->m;
    size_t np = m->npar;
    pick_start(inf, s, mu, alt);
    bool same = true; /* the warm start is the suggested init: nothing to add */
    for (size_t j = 0; j < np && same; j++)
        same = j == (size_t)inf->poi || inf->init[j] == m->init[j];
    inf->nfits++;
    if (!inf->two_starts || same) {
        int r1 = fit(m, &s->d, inf->init, inf->poi, mu, inf->cancel, x, tnll, what, err);
        return cond_fit_done(inf, s, x, tnll, what, err, r1);
    }
    /* more starts: the first is capped (a start that needs more is in a poor place, and the
     * others cover it); each other candidate (the suggested init, the unconditional and the
     * latest conditional minimum, alt; the POI at mu) is fitted too when the segment from the
     * best minimum so far to it is not convex (hf_infer_second_start), the suggested init also
     * when the first fit failed */
    hf_error ea = {0}, eb = {0};
    int ra = fit_n(m, &s->d, inf->init, inf->poi, mu, inf->cancel, 150, x, tnll, what, &ea);
    int ok = ra == 0;
    for (int k = 0; k < 4 && ea.code != HF_ECANCELED && ea.code != HF_ENOMEM; k++) {
        const double *src = k == 0   ? m->init
                            : k == 1 ? s->free_x
                            : k == 2 ? (s->have_last ? s->last_x : NULL)
                                     : alt;
        if (src == NULL)
            continue;
        memcpy(inf->x0, src, np * sizeof(double));
        inf->x0[inf->poi] = mu;
        if (memcmp(inf->x0, inf->init, np * sizeof(double)) == 0)
            continue; /* the start already made */
        int more = !ok ? k == 0 : hf_infer_second_start(m, &s->d, x, inf->x0);
        if (more < 0) {
            eb.code = HF_ENOMEM;
            break;
        }
        if (!more)
            continue;
        double t2 = NAN;
        inf->nfits++;
        hf_error_release(&eb);
        eb = (hf_error){0};
        if (fit_n(m, &s->d, k == 0 ? NULL : inf->x0, inf->poi, mu, inf->cancel, k == 0 ? 1000 : 150,
                  s->warm, &t2, what, &eb) == 0 &&
            (!ok || t2 < *tnll - 1e-9)) {
            memcpy(x, s->warm, np * sizeof(double));
            *tnll = t2;
            ok = 1;
        }
        if (eb.code == HF_ECANCELED || eb.code == HF_ENOMEM)
            break;
    }
    int rc = 0;
    if (!ok || eb.code == HF_ECANCELED || eb.code == HF_ENOMEM) {
        const hf_error *e = eb.code != HF_OK ? &eb : &ea;
        rc = hf_error_set(err, e->code, e->where, "%s", hf_error_msg(e));
    }
    hf_error_release(&ea);
    hf_error_release(&eb);
    return cond_fit_done(inf, s, x, tnll, what, err, rc);
}

/* Whether a fit started at x0 could end below the minimum xmin found from another start: the
 * NLL restricted to the segment between them, f(t), is checked for the convexity it would have
 * with a single valley, from one gradient at x0: f(xmin) >= f(x0) + g(x0)'(xmin - x0) (the
 * tangent at x0 lies below f; Boyd & Vandenberghe eq. 3.2). With f(x0) < f(xmin) the start is
 * lower already. Either failing means a ridge or a second valley between the starts: 1 (make the
 * second start); 0 when the segment is consistent with one convex valley (both starts would end
 * in the same minimum); -1 out of memory. A start where -log L is not finite gives 0 (a fit from
 * there fails at once). The slack 1e-6 (1 + |f|) covers the minimum's tolerance. */
int
hf_infer_second_start(const hf_model *m, const hf_data *d, const double *xmin, const double *x0)
{
    size_t np = m->npar;
    hf_eval *ev = hf_eval_new(m);
    double *g = malloc((np ? np : 1) * sizeof(double));
    if (ev == NULL || g == NULL) {
        hf_eval_free(ev);
        free(g);
        return -1;
    }
    double fmin = hf_model_nll(ev, xmin, d);
    double f0 = hf_model_nll_grad(ev, x0, d, g);
    double slope = 0.0;
    for (size_t j = 0; j < np; j++)
        slope += g[j] * (xmin[j] - x0[j]);
    hf_eval_free(ev);
    free(g);
    if (!isfinite(f0) || !isfinite(fmin))
        return isfinite(f0);
    if (f0 < fmin)
        return 1;
    return slope > (fmin - f0) + 1e-6 * (1.0 + fabs(fmin)) ? 1 : 0;
}

/* After a conditional fit (status rc): when its minimum lies below the unconditional one, redo
 * the unconditional fit from there. */
static int
cond_fit_done(hf_infer *inf, dataset *s, double *x, double *tnll, const char *what, hf_error *err,
              int rc)
{
    const hf_model *m = inf->m;
    size_t np = m->npar;
    if (rc < 0)
        return -1;
    memcpy(s->last_x, x, np * sizeof(double));
    s->have_last = true;
    if (*tnll < s->free_tnll - 1e-7) {
        double t2;
        inf->nfits++;
        if (fit(m, &s->d, x, -1, 0.0, inf->cancel, s->warm, &t2, what, err) < 0)
            return -1;
        if (t2 < s->free_tnll) {
            memcpy(s->free_x, s->warm, np * sizeof(double));
            s->free_tnll = t2;
            s->muhat = s->warm[inf->poi];
        }
    }
    return 0;
}

/* Expected data at pars (pyhf Model.expected_data: main and auxiliary). */
int
hf_infer_asimov(const hf_model *m, const double *pars, double *main, double *aux)
{
    if (hf_model_expected(m, pars, main, NULL) < 0)
        return -1;
    hf_model_expected_aux(m, pars, aux);
    return 0;
}

/* The Asimov data set of POI = mu_a: nuisance parameters profiled on the data at mu_a
 * (pyhf generate_asimov_data). */
static int
ensure_asimov(hf_infer *inf, dataset *s, double mu_a, hf_error *err)
{
    if (s->ready)
        return 0;
    if (ensure_free(inf, &inf->obs, NULL, "unconditional fit to the data", err) < 0)
        return -1;
    const double *gen;
    if (mu_a == 0.0) {
        if (!inf->have_cond0) {
            if (cond_fit(inf, &inf->obs, 0.0, NULL, inf->cond0_x, &inf->cond0_tnll,
                         "conditional fit to the data", err) < 0)
                return -1;
            inf->have_cond0 = true;
        }
        gen = inf->cond0_x;
    } else {
        double t;
        if (cond_fit(inf, &inf->obs, mu_a, NULL, inf->x, &t, "conditional fit to the data", err) <
            0)
            return -1;
        gen = inf->x;
    }
    /* hf_infer_asimov on the evaluator made once: nothing to allocate */
    hf_eval_expected(inf->ev, gen, s->main, NULL);
    hf_model_expected_aux(inf->m, gen, s->aux);
    s->ready = true;
    /* Every Poisson and constraint term of Asimov data peaks at the generating point (n = nu,
     * aux = expected aux), so that point is the unconditional minimum: no fit needed (pyhf
     * fits it anyway and lands there to its tolerance). */
    double tnll = 2.0 * hf_model_nll(inf->ev, gen, &s->d);
    if (!isfinite(tnll))
        return ensure_free(inf, s, gen, "unconditional fit to the Asimov data", err);
    memcpy(s->free_x, gen, inf->npar * sizeof(double));
    s->free_tnll = tnll;
    s->muhat = gen[inf->poi];
    s->have_free = true;
    return 0;
}

/* q_mu from the two minima (twice NLL): one-sided, zero when muhat > mu (q_0: when muhat < 0). */
static double
qmu_value(hf_teststat ts, double tnll_cond, double tnll_free, double muhat, double mu)
{
    double q = tnll_cond - tnll_free;
    if (!(q > 0.0))
        q = 0.0;
    if (ts == HF_TEST_Q0)
        return muhat >= mu ? q : 0.0;
    return muhat > mu ? 0.0 : q;
}

/* pyhf AsymptoticCalculator.teststatistic and AsymptoticTestStatDistribution.pvalue: the test
 * statistic in sqrt form, t = sqrt(q) - sqrt(qA), or for q~ with q > qA the CCGV eq. 66
 * form (q - qA) / (2 sqrt(qA)); CLs+b = Phi(-(t + sqrt(qA))), CLb = Phi(-t). The expected
 * band puts t at -n sigma of the background-only distribution. */
void
hf_infer_asymptotic(hf_teststat ts, hf_hypotest *h)
{
    double q = h->q_obs > 0.0 ? h->q_obs : 0.0;
    double qA = h->qA > 0.0 ? h->qA : 0.0;
    double sq = sqrt(q), sqA = sqrt(qA);
    double t;
    if (ts == HF_TEST_QTILDE && sqA > 0.0 && sq >= sqA)
        t = (q - qA) / (2.0 * sqA);
    else
        t = sq - sqA;
    h->ts = t;
    h->clsb = gsl_cdf_ugaussian_Q(t + sqA);
    h->clb = gsl_cdf_ugaussian_Q(t);
    h->cls = h->clb > 0.0 ? h->clsb / h->clb : 1.0;
    for (int k = 0; k < 5; k++) {
        double tn = -HF_BAND_SIGMA[k];
        h->clsb_exp[k] = gsl_cdf_ugaussian_Q(tn + sqA);
        h->clb_exp[k] = gsl_cdf_ugaussian_Q(tn);
        h->cls_exp[k] = h->clsb_exp[k] / h->clb_exp[k];
    }
}

/* Asymptotic hypothesis test at mu; see infer.h. */
int
hf_infer_hypotest(hf_infer *inf, double mu, bool with_obs, hf_hypotest *out, hf_error *err)
{
    memset(out, 0, sizeof(*out));
    out->mu = mu;
    hf_teststat ts = inf->ts == HF_TEST_Q0 ? HF_TEST_QTILDE : inf->ts;
    if (ensure_asimov(inf, &inf->asimov0, 0.0, err) < 0)
        return -1;
    double tc;
    dataset *a = &inf->asimov0;
    /* the data first: its conditional minimum is a candidate start for the Asimov one (the
     * Asimov data come from the data's fit at POI = 0, and the nuisance parameters respond to
     * the POI alike); the start with the lower -log L is taken (compressed ewkinos: 12 instead
     * of 18 iterations) */
    if (with_obs) {
        if (cond_fit(inf, &inf->obs, mu, NULL, inf->xo, &tc, "conditional fit to the data", err) <
            0)
            return -1;
        out->q_obs = qmu_value(ts, tc, inf->obs.free_tnll, inf->obs.muhat, mu);
        out->has_obs = true;
    }
    if (cond_fit(inf, a, mu, with_obs ? inf->xo : NULL, inf->x, &tc,
                 "conditional fit to the Asimov data", err) < 0)
        return -1;
    out->qA = qmu_value(ts, tc, a->free_tnll, a->muhat, mu);
    out->muhat = inf->obs.muhat;
    hf_infer_asymptotic(ts, out);
    if (!with_obs) {
        out->clsb = out->clb = out->cls = NAN;
        out->q_obs = out->ts = NAN;
    }
    return 0;
}

/* q_0 on the data and on the POI = 1 Asimov data; p0 = Phi(-sqrt(q0)) (CCGV eq. 53) and the
 * median expected p0 = Phi(-sqrt(q0_A)) (pyhf hypotest with test_stat "q0"). */
int
hf_infer_discovery(hf_infer *inf, hf_discovery *out, hf_error *err)
{
    memset(out, 0, sizeof(*out));
    if (ensure_free(inf, &inf->obs, NULL, "unconditional fit to the data", err) < 0)
        return -1;
    if (!inf->have_cond0) {
        if (cond_fit(inf, &inf->obs, 0.0, NULL, inf->cond0_x, &inf->cond0_tnll,
                     "conditional fit to the data", err) < 0)
            return -1;
        inf->have_cond0 = true;
    }
    out->muhat = inf->obs.muhat;
    out->q0_obs = qmu_value(HF_TEST_Q0, inf->cond0_tnll, inf->obs.free_tnll, inf->obs.muhat, 0.0);
    if (ensure_asimov(inf, &inf->asimov1, 1.0, err) < 0)
        return -1;
    double tc;
    dataset *a = &inf->asimov1;
    if (cond_fit(inf, a, 0.0, inf->cond0_x, inf->x, &tc, "conditional fit to the Asimov data",
                 err) < 0)
        return -1;
    out->q0A = qmu_value(HF_TEST_Q0, tc, a->free_tnll, a->muhat, 0.0);
    out->p0_obs = gsl_cdf_ugaussian_Q(sqrt(out->q0_obs));
    out->p0_exp = gsl_cdf_ugaussian_Q(sqrt(out->q0A));
    out->z_obs = hf_stats_p_to_z(out->p0_obs);
    out->z_exp = hf_stats_p_to_z(out->p0_exp);
    return 0;
}

/* q_mu of d at mu with both fits started from init; see infer.h. */
int
hf_infer_qmu(const hf_model *m, const hf_data *d, double mu, hf_teststat ts, const double *init,
             atomic_int *cancel, double *q, double *muhat, double *free_x, hf_error *err)
{
    if (m->poi < 0)
        return hf_error_set(err, HF_EUSAGE, "", "the model has no parameter of interest");
    double *x0 = malloc(m->npar * sizeof(double));
    double *x1 = malloc(m->npar * sizeof(double));
    double *start = malloc(m->npar * sizeof(double));
    int rc = -1;
    double tf, tc;
    if (x0 == NULL || x1 == NULL || start == NULL) {
        hf_error_nomem(err);
        goto out;
    }
    memcpy(start, init != NULL ? init : m->init, m->npar * sizeof(double));
    if (fit(m, d, start, -1, 0.0, cancel, x0, &tf, "unconditional fit", err) < 0)
        goto out;
    start[m->poi] = mu;
    if (fit(m, d, start, m->poi, mu, cancel, x1, &tc, "conditional fit", err) < 0)
        goto out;
    if (tc < tf - 1e-7) { /* the conditional minimum is the better start */
        double t2;
        if (fit(m, d, x1, -1, 0.0, cancel, start, &t2, "unconditional fit", err) < 0)
            goto out;
        if (t2 < tf) {
            tf = t2;
            memcpy(x0, start, m->npar * sizeof(double));
        }
    }
    *muhat = x0[m->poi];
    *q = qmu_value(ts, tc, tf, *muhat, mu);
    if (free_x != NULL)
        memcpy(free_x, x0, m->npar * sizeof(double));
    rc = 0;
out:
    free(x0);
    free(x1);
    free(start);
    return rc;
}

hf_teststat
hf_infer_default_teststat(const hf_model *m)
{
    return m->poi >= 0 && m->par[m->poi].lo == 0.0 ? HF_TEST_QTILDE : HF_TEST_Q;
}

int
hf_teststat_parse(const char *name, const hf_model *m, hf_teststat *ts)
{
    if (name == NULL || strcmp(name, "auto") == 0)
        *ts = hf_infer_default_teststat(m);
    else if (strcmp(name, "qtilde") == 0)
        *ts = HF_TEST_QTILDE;
    else if (strcmp(name, "q") == 0)
        *ts = HF_TEST_Q;
    else if (strcmp(name, "q0") == 0)
        *ts = HF_TEST_Q0;
    else
        return -1;
    return 0;
}

const char *
hf_teststat_name(hf_teststat ts)
{
    return ts == HF_TEST_QTILDE ? "qtilde" : ts == HF_TEST_Q ? "q" : "q0";
}
