/* core/diag/ranking.c - impacts (ATLAS-style ranking): for each nuisance parameter theta, refit
 * with theta fixed at theta_hat +- sigma and record the shift of the POI. Refits run in threads
 * that take tasks from one atomic counter. Each refit starts at the linear-response prediction and
 * minimises with a chord (fixed-Hessian Newton) method using the best fit's covariance; where
 * that does not converge cleanly (bounds, strong non-linearity) hf_fit finishes the job. */
#include "core/diag/ranking.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct job {
    const hf_model *m;
    const hf_data *d;
    const hf_fit_result *best;
    hf_ranking_entry *e;
    size_t ntask; /* entries x (2 or 4) */
    int per;      /* refits per entry: 2 (post-fit only) or 4 */
    atomic_size_t next;
    atomic_int *cancel;
    const size_t *fr; /* free parameters of the best fit */
    size_t nfr;
    const size_t *held; /* free parameters on a bound at the best fit: held in the chord refits */
    size_t nheld;
    double *shift; /* ntask POI shifts */
    bool *ok;      /* ntask converged flags */
    pthread_mutex_t lock;
    hf_error err; /* the first failure (under lock) */
    atomic_int failed;
} job;

static double
clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

#define MAX_HELD 16

/* Invert the small symmetric matrix A (k x k, row-major) in place by Gauss-Jordan elimination
 * with partial pivoting. Returns -1 when it is (numerically) singular. */
static int
small_inverse(double *A, size_t k)
{
    double I[MAX_HELD * MAX_HELD] = {0};
    for (size_t i = 0; i < k; i++)
        I[i * k + i] = 1;
    for (size_t c = 0; c < k; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < k; r++)
            if (fabs(A[r * k + c]) > fabs(A[piv * k + c]))
                piv = r;
        if (!(fabs(A[piv * k + c]) > 1e-300))
            return -1;
        for (size_t q = 0; q < k; q++) {
            double t = A[c * k + q];
            A[c * k + q] = A[piv * k + q];
            A[piv * k + q] = t;
            t = I[c * k + q];
            I[c * k + q] = I[piv * k + q];
            I[piv * k + q] = t;
        }
        double d = A[c * k + c];
        for (size_t q = 0; q < k; q++) {
            A[c * k + q] /= d;
            I[c * k + q] /= d;
        }
        for (size_t r = 0; r < k; r++) {
            if (r == c)
                continue;
            double f = A[r * k + c];
            for (size_t q = 0; q < k; q++) {
                A[r * k + q] -= f * A[c * k + q];
                I[r * k + q] -= f * I[c * k + q];
            }
        }
    }
    memcpy(A, I, k * k * sizeof(double));
    return 0;
}

/* Minimise -log L over the free parameters with j and every parameter that sat on a bound at the
 * best fit held (the set S) by the chord method: Newton steps with the constant inverse Hessian
 * of the reduced problem, the Schur complement of the best fit's covariance C,
 * (H_oo)^-1 = C_oo - C_oS C_SS^-1 C_So (Kelley, "Iterative Methods for Linear and Nonlinear
 * Equations", SIAM 1995, sec. 5.4). The start is the linear-response prediction
 * x_o + C_oS C_SS^-1 (x_S - xhat_S), exact for a quadratic -log L. Returns 0 when EDM fell below
 * 1e-9 without touching a bound, -1 otherwise (x then holds the last point). */
static int
chord_refit(const job *jb, hf_eval *ev, size_t j, double *x, double *w, unsigned char *held)
{
    const hf_model *m = jb->m;
    const double *C = jb->best->cov;
    size_t n = m->npar;
    double *g = w, *gt = w + n, *xt = w + 2 * n, *s = w + 3 * n;
    size_t S[MAX_HELD], ns = 0;
    double M[MAX_HELD * MAX_HELD], u[MAX_HELD], v[MAX_HELD];

    S[ns++] = j;
    for (size_t a = 0; a < jb->nheld; a++)
        if (jb->held[a] != j) {
            if (ns == MAX_HELD)
                return -1;
            S[ns++] = jb->held[a];
        }
    for (size_t a = 0; a < ns; a++)
        for (size_t b = 0; b < ns; b++)
            M[a * ns + b] = C[S[a] * n + S[b]];
    if (small_inverse(M, ns) < 0)
        return -1;
    memset(held, 0, n);
    for (size_t a = 0; a < ns; a++)
        held[S[a]] = 1;

    /* linear response to the shift of x_j (the others in S stay where they were) */
    for (size_t a = 0; a < ns; a++)
        v[a] = M[a * ns + 0] * (x[j] - jb->best->x[j]);
    for (size_t a = 0; a < jb->nfr; a++) {
        size_t k = jb->fr[a];
        if (held[k])
            continue;
        for (size_t q = 0; q < ns; q++)
            x[k] += C[k * n + S[q]] * v[q];
        if (x[k] < m->par[k].lo || x[k] > m->par[k].hi)
            return -1;
    }
    double f = hf_model_nll_grad(ev, x, jb->d, g);
    if (!isfinite(f))
        return -1;
    for (int it = 0; it < 100; it++) {
        for (size_t q = 0; q < ns; q++) {
            u[q] = 0;
            for (size_t b = 0; b < jb->nfr; b++)
                if (!held[jb->fr[b]])
                    u[q] += C[S[q] * n + jb->fr[b]] * g[jb->fr[b]];
        }
        for (size_t q = 0; q < ns; q++) {
            v[q] = 0;
            for (size_t r = 0; r < ns; r++)
                v[q] += M[q * ns + r] * u[r];
        }
        double gs = 0;
        for (size_t a = 0; a < jb->nfr; a++) {
            size_t k = jb->fr[a];
            if (held[k])
                continue;
            const double *row = &C[k * n];
            double acc = 0;
            for (size_t b = 0; b < jb->nfr; b++)
                if (!held[jb->fr[b]])
                    acc += row[jb->fr[b]] * g[jb->fr[b]];
            for (size_t q = 0; q < ns; q++)
                acc -= row[S[q]] * v[q];
            s[k] = -acc;
            gs += g[k] * s[k];
        }
        double edm = -0.5 * gs;
        if (edm < 0)
            return -1; /* not a descent direction: the quadratic model is off */
        if (edm < 1e-9)
            return 0;
        double t = 1.0;
        int accepted = 0;
        for (int ls = 0; ls < 30 && !accepted; ls++, t *= 0.5) {
            memcpy(xt, x, n * sizeof(*xt));
            for (size_t a = 0; a < jb->nfr; a++) {
                size_t k = jb->fr[a];
                if (held[k])
                    continue;
                xt[k] = x[k] + t * s[k];
                if (xt[k] < m->par[k].lo || xt[k] > m->par[k].hi)
                    return -1;
            }
            double ft = hf_model_nll_grad(ev, xt, jb->d, gt);
            if (isfinite(ft) && ft <= f + 1e-4 * t * gs) {
                accepted = 1;
                f = ft;
                memcpy(x, xt, n * sizeof(*x));
                memcpy(g, gt, n * sizeof(*g));
            }
        }
        if (!accepted)
            return -1;
    }
    return -1;
}

/* Task t: entry t / per; k = t % per selects post-fit up/down, then pre-fit up/down. */
static void *
worker(void *arg)
{
    job *jb = arg;
    const hf_model *m = jb->m;
    double *init = malloc(m->npar * sizeof(*init));
    double *w = malloc(4 * m->npar * sizeof(*w) + 1);
    unsigned char *held = malloc(m->npar + 1);
    hf_eval *ev = hf_eval_new(m);
    if (init == NULL || w == NULL || held == NULL || ev == NULL) {
        free(init);
        free(w);
        free(held);
        hf_eval_free(ev);
        pthread_mutex_lock(&jb->lock);
        hf_error_nomem(&jb->err);
        atomic_store(&jb->failed, 1);
        pthread_mutex_unlock(&jb->lock);
        return NULL;
    }
    for (;;) {
        size_t t = atomic_fetch_add(&jb->next, 1);
        if (t >= jb->ntask || atomic_load(&jb->failed))
            break;
        if (jb->cancel != NULL && atomic_load(jb->cancel)) {
            pthread_mutex_lock(&jb->lock);
            hf_error_set(&jb->err, HF_ECANCELED, "", "ranking canceled");
            atomic_store(&jb->failed, 1);
            pthread_mutex_unlock(&jb->lock);
            break;
        }
        const hf_ranking_entry *e = &jb->e[t / (size_t)jb->per];
        int k = (int)(t % (size_t)jb->per);
        const hf_param *p = &m->par[e->par];
        double sig = k < 2 ? e->postfit_sigma : e->prefit_sigma;
        if (isnan(sig))
            continue; /* unconstrained: no pre-fit width, nothing to refit */
        double v = clamp(e->value + (k % 2 == 0 ? sig : -sig), p->lo, p->hi);
        memcpy(init, jb->best->x, m->npar * sizeof(*init));
        init[e->par] = v;
        if (jb->best->cov != NULL && chord_refit(jb, ev, e->par, init, w, held) == 0) {
            jb->shift[t] = init[m->poi] - jb->best->x[m->poi];
            jb->ok[t] = true;
            continue;
        }
        hf_fit_options fo = {0};
        fo.init = init;
        fo.fixed = jb->best->fixed;
        fo.fix_index = (int)e->par;
        fo.fix_value = v;
        fo.no_errors = true;
        fo.cancel = jb->cancel;
        hf_fit_result res = {0};
        hf_error ferr = {0};
        if (hf_fit(m, jb->d, &fo, &res, &ferr) < 0) {
            pthread_mutex_lock(&jb->lock);
            if (!atomic_load(&jb->failed)) {
                jb->err = ferr;
                atomic_store(&jb->failed, 1);
            } else {
                hf_error_release(&ferr);
            }
            pthread_mutex_unlock(&jb->lock);
            break;
        }
        jb->shift[t] = res.x[m->poi] - jb->best->x[m->poi];
        jb->ok[t] = res.converged;
        hf_fit_result_release(&res);
    }
    free(init);
    free(w);
    free(held);
    hf_eval_free(ev);
    return NULL;
}

double
hf_ranking_key(const hf_ranking_entry *e)
{
    return e->key;
}

static int
by_impact(const void *a, const void *b)
{
    const hf_ranking_entry *x = a, *y = b;
    double kx = x->key, ky = y->key;
    if (kx != ky)
        return kx > ky ? -1 : 1;
    return x->par < y->par ? -1 : x->par > y->par;
}

/* Covariance impacts of every entry, whether the POI sits on a bound, the method and the keys.
 * At a bound the refits cannot move the POI past it, so the refit impacts are 0 on one side or
 * both; the linear response C_(poi,j) / sigma_j still ranks the parameters. */
static void
set_keys(const hf_model *m, const hf_fit_result *best, hf_ranking *out)
{
    const hf_param *pp = &m->par[m->poi];
    double range = pp->hi - pp->lo, x = best->x[m->poi];
    size_t np = m->npar;
    out->poi_at_bound = range > 0 && (x - pp->lo <= 1e-6 * range || pp->hi - x <= 1e-6 * range);
    out->method = out->poi_at_bound && best->cov != NULL ? HF_RANKING_COVARIANCE : HF_RANKING_REFIT;
    for (size_t i = 0; i < out->n; i++) {
        hf_ranking_entry *e = &out->e[i];
        double cjj = best->cov != NULL ? best->cov[e->par * np + e->par] : NAN;
        double c = best->cov != NULL ? best->cov[(size_t)m->poi * np + e->par] : NAN;
        double lin = cjj > 0 ? c / sqrt(cjj) : NAN;
        e->impact_cov[0] = lin;
        e->impact_cov[1] = -lin;
        e->key = out->method == HF_RANKING_COVARIANCE
                     ? (isfinite(lin) ? fabs(lin) : 0.0)
                     : fmax(fabs(e->impact_postfit[0]), fabs(e->impact_postfit[1]));
        if (!isfinite(e->key))
            e->key = 0.0;
    }
}

/* The entries to rank: every free parameter but the POI (or those of select), with value,
 * widths and pull. 0, or -1 on ENOMEM. */
static int
fill_entries(const hf_model *m, const hf_fit_result *best, const bool *select, hf_ranking *out)
{
    size_t n = 0;
    for (size_t j = 0; j < m->npar; j++) {
        bool want = select != NULL ? select[j] : true;
        if (want && (int)j != m->poi && !best->fixed[j])
            n++;
    }
    out->e = calloc(n ? n : 1, sizeof(*out->e));
    if (out->e == NULL)
        return -1;
    size_t k = 0;
    for (size_t j = 0; j < m->npar; j++) {
        bool want = select != NULL ? select[j] : true;
        if (!want || (int)j == m->poi || best->fixed[j])
            continue;
        hf_ranking_entry *e = &out->e[k++];
        const hf_param *p = &m->par[j];
        e->par = j;
        e->value = best->x[j];
        e->postfit_sigma = best->err[j];
        if (p->con == HF_CON_GAUSS) {
            e->prefit_sigma = p->sigma;
            e->pull = (e->value - m->aux[j]) / p->sigma;
        } else if (p->con == HF_CON_POISSON) {
            e->prefit_sigma = p->sigma > 0 ? p->sigma : 1.0 / sqrt(p->tau);
            e->pull = (e->value - 1.0) / e->prefit_sigma;
        } else {
            e->prefit_sigma = NAN; /* unconstrained: no pre-fit width, no pull */
            e->pull = NAN;
        }
    }
    out->n = n;
    return 0;
}

/* Impacts of each selected parameter on the POI (see the header). The refit tasks are shared by
 * opt->jobs threads; results are independent of the thread count. */
int
hf_ranking_compute(const hf_model *m, const hf_data *d, const hf_fit_result *best,
                   const hf_ranking_options *opt, hf_ranking *out, hf_error *err)
{
    hf_ranking_options o = {0};
    if (opt != NULL)
        o = *opt;
    memset(out, 0, sizeof(*out));
    if (m->poi < 0)
        return hf_error_set(err, HF_EUSAGE, "", "ranking needs a POI (use --poi NAME)");
    if (best->err == NULL)
        return hf_error_set(err, HF_EFIT, "", "ranking needs the best fit's uncertainties");
    out->poi = m->poi;
    out->poi_value = best->x[m->poi];
    out->poi_error = best->err[m->poi];

    if (fill_entries(m, best, o.select, out) < 0)
        return hf_error_nomem(err);
    size_t n = out->n;

    job jb = {0};
    jb.m = m;
    jb.d = d;
    jb.best = best;
    jb.e = out->e;
    jb.per = o.no_prefit ? 2 : 4;
    jb.ntask = n * (size_t)jb.per;
    jb.cancel = o.cancel;
    atomic_init(&jb.next, 0);
    atomic_init(&jb.failed, 0);
    jb.shift = calloc(jb.ntask + 1, sizeof(double));
    jb.ok = calloc(jb.ntask + 1, sizeof(bool));
    size_t *fr = malloc((2 * m->npar + 1) * sizeof(*fr));
    if (fr != NULL) {
        size_t *hb = fr + m->npar;
        for (size_t j = 0; j < m->npar; j++) {
            if (best->fixed[j])
                continue;
            fr[jb.nfr++] = j;
            if (best->x[j] <= m->par[j].lo || best->x[j] >= m->par[j].hi)
                hb[jb.nheld++] = j;
        }
        jb.held = hb;
    }
    jb.fr = fr;
    if (jb.shift == NULL || jb.ok == NULL || fr == NULL ||
        pthread_mutex_init(&jb.lock, NULL) != 0) {
        free(fr);
        free(jb.shift);
        free(jb.ok);
        hf_ranking_release(out);
        return hf_error_nomem(err);
    }
    /* unconstrained parameters have no pre-fit width: their pre-fit tasks are skipped */
    for (size_t i = 0; i < n; i++) {
        if (isnan(out->e[i].prefit_sigma) && jb.per == 4) {
            jb.ok[i * 4 + 2] = jb.ok[i * 4 + 3] = true;
            jb.shift[i * 4 + 2] = jb.shift[i * 4 + 3] = NAN;
        }
    }

    int nthreads = o.jobs > 1 ? o.jobs : 1;
    if ((size_t)nthreads > jb.ntask)
        nthreads = jb.ntask > 0 ? (int)jb.ntask : 1;
    pthread_t *th = calloc((size_t)nthreads, sizeof(*th));
    int started = 0;
    if (th != NULL && nthreads > 1)
        for (; started < nthreads; started++)
            if (pthread_create(&th[started], NULL, worker, &jb) != 0)
                break;
    if (started == 0)
        worker(&jb); /* no threads: do it here */
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    free(fr);
    pthread_mutex_destroy(&jb.lock);

    if (atomic_load(&jb.failed)) {
        *err = jb.err; /* hand over the first failure's strings */
        free(jb.shift);
        free(jb.ok);
        hf_ranking_release(out);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        hf_ranking_entry *e = &out->e[i];
        const double *s = &jb.shift[i * (size_t)jb.per];
        const bool *ok = &jb.ok[i * (size_t)jb.per];
        e->impact_postfit[0] = s[0];
        e->impact_postfit[1] = s[1];
        e->impact_prefit[0] = jb.per == 4 ? s[2] : NAN;
        e->impact_prefit[1] = jb.per == 4 ? s[3] : NAN;
        e->converged = true;
        for (int t = 0; t < jb.per; t++)
            e->converged &= ok[t];
        out->nfailed += !e->converged;
    }
    out->nfits = jb.ntask;
    free(jb.shift);
    free(jb.ok);
    set_keys(m, best, out);
    qsort(out->e, n, sizeof(*out->e), by_impact);
    return 0;
}

void
hf_ranking_release(hf_ranking *r)
{
    if (r == NULL)
        return;
    free(r->e);
    memset(r, 0, sizeof(*r));
}

/* The POI's HESSE error with the parameters of mask frozen at the best fit. 0 or -1 (err). */
static int
frozen_error(const hf_model *m, const hf_data *d, const hf_fit_result *best, const bool *fixed,
             double *poi_err, bool *converged, hf_error *err)
{
    hf_fit_options fo = {.init = best->x, .fixed = fixed, .fix_index = -1};
    hf_fit_result r;
    if (hf_fit(m, d, &fo, &r, err) < 0)
        return -1;
    *poi_err = r.err != NULL ? r.err[m->poi] : NAN;
    *converged = r.converged && r.hesse_ok;
    hf_fit_result_release(&r);
    return 0;
}

/* Quadrature difference sqrt(a^2 - b^2), NAN when b is not below a. */
static double
quad_diff(double a, double b)
{
    return isfinite(a) && isfinite(b) && b <= a ? sqrt(a * a - b * b) : NAN;
}

int
hf_ranking_groups_compute(const hf_model *m, const hf_data *d, const hf_fit_result *best,
                          const int *group, size_t ngroups, hf_ranking_groups *out, hf_error *err)
{
    memset(out, 0, sizeof(*out));
    if (m->poi < 0)
        return hf_error_set(err, HF_EUSAGE, "", "grouped impacts need a POI (use --poi NAME)");
    if (best->err == NULL)
        return hf_error_set(err, HF_EFIT, "", "grouped impacts need the best fit's errors");
    out->total = best->err[m->poi];
    out->ngroups = ngroups;
    out->g = calloc(ngroups + 1, sizeof(*out->g));
    bool *fx = malloc((m->npar + 1) * sizeof(bool));
    if (out->g == NULL || fx == NULL) {
        free(fx);
        hf_ranking_groups_release(out);
        return hf_error_nomem(err);
    }
    int rc = 0;
    for (size_t k = 0; k <= ngroups && rc == 0; k++) {
        /* k < ngroups: group k; k == ngroups: every constrained parameter (stat only) */
        size_t cnt = 0;
        for (size_t j = 0; j < m->npar; j++) {
            bool in = k < ngroups ? group[j] == (int)k : m->par[j].con != HF_CON_NONE;
            in = in && (int)j != m->poi;
            fx[j] = best->fixed[j] || in;
            cnt += in && !best->fixed[j];
        }
        double e = NAN;
        bool conv = false;
        if (cnt > 0)
            rc = frozen_error(m, d, best, fx, &e, &conv, err);
        else {
            e = out->total;
            conv = true;
        }
        if (k < ngroups) {
            out->g[k] = (hf_ranking_group_result){
                .poi_error = e, .impact = quad_diff(out->total, e), .npar = cnt, .converged = conv};
        } else {
            out->stat = e;
            out->syst = quad_diff(out->total, e);
        }
    }
    free(fx);
    if (rc < 0)
        hf_ranking_groups_release(out);
    return rc;
}

void
hf_ranking_groups_release(hf_ranking_groups *g)
{
    if (g == NULL)
        return;
    free(g->g);
    memset(g, 0, sizeof(*g));
}
