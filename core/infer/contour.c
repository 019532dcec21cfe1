/* core/infer/contour.c - level curves on scattered points: Delaunay triangulation by qhull
 * (libqhull_r, the reentrant C library: `qhull d` lifts the points onto a paraboloid and keeps the
 * lower hull; Barber, Dobkin, Huhdanpaa, ACM TOMS 22 (1996) 469), then marching triangles: on a
 * triangle z is the linear interpolant of its corners, so the level set is one straight segment
 * between the two crossed edges. Segments of neighbouring triangles share the crossing point of
 * their common edge, which joins them into polylines (open ones end on the hull). */
#include "core/infer/contour.h"

#include <libqhull_r/qhull_ra.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct seg {
    double x[2], y[2];
    size_t key[2]; /* the crossed edge of each end: lo * npts + hi (vertex indices) */
} seg;

typedef struct endref {
    size_t key;
    size_t at; /* 2 * segment + end */
} endref;

/* Delaunay triangles of the m points xy (interleaved, scaled to the unit square) into *tri (3
 * indices each). All points on one line: 0 triangles. */
static int
triangulate(double *xy, size_t m, size_t **tri, size_t *ntri, hf_error *err)
{
    *tri = NULL;
    *ntri = 0;
    char *msg = NULL;
    size_t msglen = 0;
    FILE *errf = open_memstream(&msg, &msglen); /* qhull's messages, never on stderr */
    if (errf == NULL)
        return hf_error_nomem(err);
    qhT qh_qh;
    qhT *qh = &qh_qh;
    char flags[] = "qhull d Qt Qbb Qc Qz Q12";
    qh_zero(qh, errf);
    int rc = qh_new_qhull(qh, 2, (int)m, xy, False, flags, NULL, errf);
    int ret = 0;
    if (rc == 0) {
        facetT *facet;
        vertexT *vertex, **vertexp;
        size_t cap = 0;
        FORALLfacets
        {
            if (facet->upperdelaunay || ret < 0)
                continue;
            if (*ntri == cap) {
                cap = cap ? 2 * cap : 2 * m + 8;
                size_t *nt = realloc(*tri, 3 * cap * sizeof(size_t));
                if (nt == NULL) {
                    ret = hf_error_nomem(err);
                    break;
                }
                *tri = nt;
            }
            int k = 0;
            FOREACHvertex_(facet->vertices)
            {
                if (k < 3)
                    (*tri)[3 * *ntri + (size_t)k] = (size_t)qh_pointid(qh, vertex->point);
                k++;
            }
            if (k == 3)
                (*ntri)++;
        }
    } else if (rc != qh_ERRsingular) {
        (void)fflush(errf);
        const char *first = msg != NULL ? msg : "";
        ret = hf_error_set(err, rc == qh_ERRmem ? HF_ENOMEM : HF_EMODEL, "",
                           "Delaunay triangulation failed (qhull exit %d): %.200s", rc, first);
    }
    qh_freeqhull(qh, !qh_ALL);
    int curlong, totlong;
    qh_memfreeshort(qh, &curlong, &totlong);
    (void)fclose(errf);
    free(msg);
    return ret;
}

/* One segment per triangle that the level crosses (marching triangles). */
static int
march(const double *x, const double *y, const double *z, const size_t *idx, size_t npts,
      const size_t *tri, size_t ntri, double level, seg **segs, size_t *nseg, hf_error *err)
{
    *segs = malloc((ntri + 1) * sizeof(seg));
    *nseg = 0;
    if (*segs == NULL)
        return hf_error_nomem(err);
    for (size_t t = 0; t < ntri; t++) {
        seg *s = &(*segs)[*nseg];
        int ne = 0;
        for (int e = 0; e < 3; e++) {
            size_t a = idx[tri[3 * t + (size_t)e]], b = idx[tri[3 * t + (size_t)(e + 1) % 3]];
            if ((z[a] >= level) == (z[b] >= level))
                continue;
            double f = (level - z[a]) / (z[b] - z[a]); /* in (0, 1]: z[a] != z[b] here */
            s->x[ne] = x[a] + f * (x[b] - x[a]);
            s->y[ne] = y[a] + f * (y[b] - y[a]);
            s->key[ne] = a < b ? a * npts + b : b * npts + a;
            ne++;
        }
        if (ne == 2)
            (*nseg)++;
    }
    return 0;
}

static int
cmp_end(const void *a, const void *b)
{
    const endref *p = a, *q = b;
    return (p->key > q->key) - (p->key < q->key);
}

static int
push_point(hf_polyline *pl, size_t *cap, double x, double y)
{
    if (pl->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        double *nx = realloc(pl->x, nc * sizeof(double));
        if (nx == NULL)
            return -1;
        pl->x = nx;
        double *ny = realloc(pl->y, nc * sizeof(double));
        if (ny == NULL)
            return -1;
        pl->y = ny;
        *cap = nc;
    }
    pl->x[pl->n] = x;
    pl->y[pl->n] = y;
    pl->n++;
    return 0;
}

/* Follow the chain entering segment s at end e; partner[2s+e] is the end sharing its edge. */
static int
walk(const seg *sg, const long *partner, char *seen, size_t s, int e, hf_polyline *pl)
{
    size_t cap = 0, start = s;
    if (push_point(pl, &cap, sg[s].x[e], sg[s].y[e]) < 0)
        return -1;
    for (;;) {
        seen[s] = 1;
        int o = 1 - e;
        if (push_point(pl, &cap, sg[s].x[o], sg[s].y[o]) < 0)
            return -1;
        long q = partner[2 * s + (size_t)o];
        if (q < 0)
            return 0;
        if ((size_t)q / 2 == start) {
            pl->closed = 1;
            return 0;
        }
        if (seen[(size_t)q / 2])
            return 0;
        s = (size_t)q / 2;
        e = (int)(q % 2);
    }
}

/* Join segments sharing a crossed edge into polylines: open chains first (from an end with no
 * neighbour), then closed loops. */
static int
join(const seg *sg, size_t nseg, hf_contour *out, hf_error *err)
{
    endref *ends = malloc((2 * nseg + 1) * sizeof(endref));
    long *partner = malloc((2 * nseg + 1) * sizeof(long));
    char *seen = calloc(nseg + 1, 1);
    out->line = calloc(nseg + 1, sizeof(hf_polyline));
    int rc = 0;
    if (ends == NULL || partner == NULL || seen == NULL || out->line == NULL) {
        rc = hf_error_nomem(err);
        goto done;
    }
    for (size_t s = 0; s < nseg; s++) /* (per segment, the bound of the walks below) */
        for (size_t k = 0; k < 2; k++) {
            ends[2 * s + k].key = sg[s].key[k];
            ends[2 * s + k].at = 2 * s + k;
            partner[2 * s + k] = -1;
        }
    qsort(ends, 2 * nseg, sizeof(endref), cmp_end);
    for (size_t i = 0; i + 1 < 2 * nseg; i++)
        if (ends[i].key == ends[i + 1].key) {
            partner[ends[i].at] = (long)ends[i + 1].at;
            partner[ends[i + 1].at] = (long)ends[i].at;
            i++;
        }
    for (int pass = 0; pass < 2 && rc == 0; pass++)
        for (size_t s = 0; s < nseg && rc == 0; s++) {
            if (seen[s])
                continue;
            int e = partner[2 * s] < 0 ? 0 : partner[2 * s + 1] < 0 ? 1 : -1;
            if (pass == 0 && e < 0)
                continue;
            if (walk(sg, partner, seen, s, e < 0 ? 0 : e, &out->line[out->nline++]) < 0)
                rc = hf_error_nomem(err);
        }
done:
    free(ends);
    free(partner);
    free(seen);
    return rc;
}

int
hf_contour_find(const double *x, const double *y, const double *z, size_t n, double level,
                hf_contour *out, hf_error *err)
{
    memset(out, 0, sizeof(*out));
    size_t *idx = malloc((n + 1) * sizeof(size_t)), m = 0;
    double *xy = malloc((2 * n + 1) * sizeof(double));
    size_t *tri = NULL, ntri = 0, nseg = 0;
    seg *sg = NULL;
    int rc = 0;
    if (idx == NULL || xy == NULL) {
        rc = hf_error_nomem(err);
        goto done;
    }
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(z[i]) || !isfinite(x[i]) || !isfinite(y[i]))
            continue;
        idx[m++] = i;
        lo[0] = fmin(lo[0], x[i]), hi[0] = fmax(hi[0], x[i]);
        lo[1] = fmin(lo[1], y[i]), hi[1] = fmax(hi[1], y[i]);
    }
    if (m < 3 || !(hi[0] > lo[0]) || !(hi[1] > lo[1]))
        goto done; /* nothing to triangulate: an empty contour */
    for (size_t k = 0; k < m; k++) {
        xy[2 * k] = (x[idx[k]] - lo[0]) / (hi[0] - lo[0]);
        xy[2 * k + 1] = (y[idx[k]] - lo[1]) / (hi[1] - lo[1]);
    }
    if ((rc = triangulate(xy, m, &tri, &ntri, err)) < 0)
        goto done;
    out->ntri = ntri;
    if ((rc = march(x, y, z, idx, n, tri, ntri, level, &sg, &nseg, err)) < 0)
        goto done;
    if ((rc = join(sg, nseg, out, err)) < 0)
        hf_contour_release(out);
done:
    free(sg);
    free(tri);
    free(xy);
    free(idx);
    return rc;
}

void
hf_contour_release(hf_contour *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nline; i++) {
        free(c->line[i].x);
        free(c->line[i].y);
    }
    free(c->line);
    memset(c, 0, sizeof(*c));
}
