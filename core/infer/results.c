/* core/infer/results.c - reading and merging `patchset run` JSON-lines results. Lines are kept
 * with their text, so a merge writes them back byte for byte; lookups by patch name go through
 * an index sorted by name (O(n log n) for patchsets of tens of thousands of points). */
#include "core/infer/results.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/patchset.h"

struct byname {
    const char *name;
    size_t i;
};

struct hf_results {
    hf_result *r;
    size_t n, cap;
    char **files; /* the paths read, owned */
    size_t nfiles;
    struct byname *byname; /* the lines sorted by patch name, then by position */
};

hf_results *
hf_results_new(void)
{
    return calloc(1, sizeof(hf_results));
}

static void
result_release(hf_result *r)
{
    free((char *)r->patch);
    free((char *)r->text);
    free((double *)r->values);
    free((char *)r->error);
    free((char *)r->version);
    free((char *)r->ws_sha256);
    free((char *)r->options);
}

void
hf_results_free(hf_results *rs)
{
    if (rs == NULL)
        return;
    for (size_t i = 0; i < rs->n; i++)
        result_release(&rs->r[i]);
    for (size_t i = 0; i < rs->nfiles; i++)
        free(rs->files[i]);
    free(rs->files);
    free(rs->r);
    free(rs->byname);
    free(rs);
}

size_t
hf_results_count(const hf_results *rs)
{
    return rs->n;
}

const hf_result *
hf_results_get(const hf_results *rs, size_t i)
{
    return i < rs->n ? &rs->r[i] : NULL;
}

/* strdup of an optional string member; *ok turns false on ENOMEM */
static const char *
dup_member(const cJSON *o, const char *key, bool *ok)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v))
        return NULL;
    char *s = strdup(v->valuestring);
    if (s == NULL)
        *ok = false;
    return s;
}

/* n numbers (null: NAN) of the array member key into out; false when absent or malformed */
static bool
get_numbers(const cJSON *o, const char *key, double *out, int n)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
        return false;
    for (int k = 0; k < n; k++) {
        const cJSON *x = cJSON_GetArrayItem(a, k);
        if (!cJSON_IsNumber(x) && !cJSON_IsNull(x))
            return false;
        out[k] = cJSON_IsNumber(x) ? x->valuedouble : NAN;
    }
    return true;
}

static int
line_fail(hf_error *err, size_t line, const char *where, const char *what)
{
    hf_error_set(err, HF_ESCHEMA, where, "%s", what);
    err->line = (int)line;
    return -1;
}

/* "outside_range": {"obs": "CLs stays above ...", "exp_m1": "CLs is below ..."} (the reasons
 * patchset run writes for a null limit) */
static void
read_outside(const cJSON *o, hf_result *r)
{
    static const char *const key[6] = {"obs", "exp_m2", "exp_m1", "exp", "exp_p1", "exp_p2"};
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(o, "outside_range");
    for (int k = 0; k < 6; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(out, key[k]);
        if (!cJSON_IsString(v))
            continue;
        if (strncmp(v->valuestring, "CLs stays above", 15) == 0)
            r->outside[k] = 1;
        else if (strncmp(v->valuestring, "CLs is below", 12) == 0)
            r->outside[k] = -1;
    }
}

/* The result fields of a parsed line into r (r->text, file and line are set by the caller). */
static int
parse_fields(const cJSON *o, hf_result *r, hf_error *err)
{
    if (!cJSON_IsObject(o))
        return line_fail(err, r->line, "", "not a JSON object");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "patch");
    if (!cJSON_IsString(name))
        return line_fail(err, r->line, "/patch", "missing string 'patch'");
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(o, "values");
    if (!cJSON_IsArray(vals))
        return line_fail(err, r->line, "/values", "missing array 'values'");
    bool ok = true;
    r->patch = strdup(name->valuestring);
    r->nvalues = (size_t)cJSON_GetArraySize(vals);
    double *v = malloc((r->nvalues + 1) * sizeof(double));
    r->values = v;
    ok = r->patch != NULL && v != NULL;
    size_t k = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, vals) if (v != NULL) v[k++] = cJSON_IsNumber(x) ? x->valuedouble : NAN;
    r->error = dup_member(o, "error", &ok);
    r->version = dup_member(o, "hfscope", &ok);
    r->ws_sha256 = dup_member(o, "workspace_sha256", &ok);
    r->options = dup_member(o, "options", &ok);
    if (!ok)
        return hf_error_nomem(err);
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(o, "finished");
    r->finished = cJSON_IsNumber(fin) ? fin->valuedouble : NAN;
    if (r->error != NULL)
        return 0;
    const cJSON *co = cJSON_GetObjectItemCaseSensitive(o, "cls_obs");
    if (cJSON_IsNumber(co)) {
        r->has_cls = true;
        r->cls_obs = co->valuedouble;
        if (!get_numbers(o, "cls_exp", r->cls_exp, 5))
            return line_fail(err, r->line, "/cls_exp", "'cls_exp' must hold 5 numbers");
    }
    if (cJSON_GetObjectItemCaseSensitive(o, "exp") != NULL) {
        const cJSON *ob = cJSON_GetObjectItemCaseSensitive(o, "obs");
        r->has_limit = true;
        r->obs = cJSON_IsNumber(ob) ? ob->valuedouble : NAN;
        if (!get_numbers(o, "exp", r->exp, 5))
            return line_fail(err, r->line, "/exp", "'exp' must hold 5 numbers or nulls");
        if (!get_numbers(o, "range", r->range, 2))
            r->range[0] = r->range[1] = NAN;
        read_outside(o, r);
    }
    if (!r->has_cls && !r->has_limit)
        return line_fail(err, r->line, "",
                         "neither 'cls_obs' nor 'exp' (not a line of patchset run)");
    return 0;
}

static bool
same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The provenance of r must equal that of the first line read. */
static int
check_provenance(const hf_results *rs, const hf_result *r, hf_error *err)
{
    if (rs->n == 0)
        return 0;
    const hf_result *f = &rs->r[0];
    const char *what = NULL, *a = NULL, *b = NULL;
    if (!same_str(f->ws_sha256, r->ws_sha256)) {
        what = "workspace (digest";
        a = r->ws_sha256;
        b = f->ws_sha256;
    } else if (!same_str(f->options, r->options)) {
        what = "run options (";
        a = r->options;
        b = f->options;
    } else if (!same_str(f->version, r->version)) {
        what = "hfscope version (";
        a = r->version;
        b = f->version;
    } else {
        return 0;
    }
    hf_error_set(err, HF_ESCHEMA, "", "another %s %s; '%s' line %zu has %s): results of two runs",
                 what, a != NULL ? a : "not recorded", f->file, f->line,
                 b != NULL ? b : "not recorded");
    err->line = (int)r->line;
    return -1;
}

static int
add_line(hf_results *rs, const char *file, size_t lineno, const char *text, hf_error *err)
{
    if (rs->n == rs->cap) {
        size_t nc = rs->cap ? 2 * rs->cap : 64;
        hf_result *nr = realloc(rs->r, nc * sizeof(*nr));
        if (nr == NULL)
            return hf_error_nomem(err);
        rs->r = nr;
        rs->cap = nc;
    }
    hf_result *r = &rs->r[rs->n];
    memset(r, 0, sizeof(*r));
    r->file = file;
    r->line = lineno;
    cJSON *o = cJSON_ParseWithOpts(text, NULL, 1);
    int rc;
    if (o == NULL)
        rc = line_fail(err, lineno, "", "not valid JSON");
    else
        rc = parse_fields(o, r, err);
    cJSON_Delete(o);
    if (rc == 0 && (r->text = strdup(text)) == NULL)
        rc = hf_error_nomem(err);
    if (rc == 0)
        rc = check_provenance(rs, r, err);
    if (rc < 0) {
        result_release(r);
        return -1;
    }
    rs->n++;
    return 0;
}

static int
cmp_byname(const void *a, const void *b)
{
    const struct byname *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

/* rs->byname sorted; -1 on ENOMEM */
static int
index_names(hf_results *rs)
{
    free(rs->byname);
    rs->byname = malloc((rs->n + 1) * sizeof(*rs->byname));
    if (rs->byname == NULL)
        return -1;
    for (size_t i = 0; i < rs->n; i++) {
        rs->byname[i].name = rs->r[i].patch;
        rs->byname[i].i = i;
    }
    qsort(rs->byname, rs->n, sizeof(*rs->byname), cmp_byname);
    return 0;
}

int
hf_results_read(hf_results *rs, const char *path, hf_error *err)
{
    char **nf = realloc(rs->files, (rs->nfiles + 1) * sizeof(*nf));
    if (nf == NULL)
        return hf_error_nomem(err);
    rs->files = nf;
    if ((nf[rs->nfiles] = strdup(path)) == NULL)
        return hf_error_nomem(err);
    const char *file = nf[rs->nfiles++];
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return hf_error_set(err, HF_EIO, "", "cannot read '%s': %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (line[strspn(line, " \t")] == '\0')
            continue;
        rc = add_line(rs, file, lineno, line, err);
    }
    if (rc == 0 && ferror(f))
        rc = hf_error_set(err, HF_EIO, "", "cannot read '%s': %s", path, strerror(errno));
    free(line);
    (void)fclose(f);
    if (index_names(rs) < 0 && rc == 0)
        rc = hf_error_nomem(err);
    return rc;
}

/* the kept line of a group of lines of one patch (indices g[0..m), in reading order) */
static size_t
pick_newest(const hf_results *rs, const struct byname *g, size_t m)
{
    size_t best = g[0].i;
    for (size_t k = 1; k < m; k++) {
        const hf_result *a = &rs->r[best], *b = &rs->r[g[k].i];
        if (!(isfinite(a->finished) && isfinite(b->finished) && b->finished < a->finished))
            best = g[k].i;
    }
    return best;
}

void
hf_results_merge(hf_results *rs, size_t *ndup, size_t *nconflict)
{
    size_t dup = 0, conf = 0;
    bool *keep = calloc(rs->n + 1, sizeof(bool));
    if (keep == NULL || index_names(rs) < 0) {
        free(keep);
        return; /* ENOMEM: nothing merged; the caller still sees every line */
    }
    for (size_t s = 0; s < rs->n;) {
        size_t e = s + 1;
        while (e < rs->n && strcmp(rs->byname[e].name, rs->byname[s].name) == 0)
            e++;
        for (size_t k = s + 1; k < e; k++) {
            bool same = false;
            for (size_t q = s; q < k && !same; q++)
                same = strcmp(rs->r[rs->byname[q].i].text, rs->r[rs->byname[k].i].text) == 0;
            if (same)
                dup++;
            else
                conf++;
        }
        keep[pick_newest(rs, rs->byname + s, e - s)] = true;
        s = e;
    }
    size_t m = 0;
    for (size_t i = 0; i < rs->n; i++) {
        if (keep[i])
            rs->r[m++] = rs->r[i];
        else
            result_release(&rs->r[i]);
    }
    rs->n = m;
    free(keep);
    (void)index_names(rs);
    if (ndup != NULL)
        *ndup = dup;
    if (nconflict != NULL)
        *nconflict = conf;
}

long
hf_results_find(const hf_results *rs, const char *name)
{
    if (rs->byname == NULL)
        return -1;
    size_t lo = 0, hi = rs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(rs->byname[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rs->n && strcmp(rs->byname[lo].name, name) == 0 ? (long)rs->byname[lo].i : -1;
}

/* value k of patch p equals the line's (numbers compared exactly: both are printed by cJSON
 * from the same double) */
static bool
same_values(const hf_result *r, const cJSON *vals)
{
    if ((size_t)cJSON_GetArraySize(vals) != r->nvalues)
        return false;
    size_t k = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, vals)
    {
        double v = r->values[k++];
        if (cJSON_IsNumber(x) ? v != x->valuedouble : !isnan(v))
            return false;
    }
    return true;
}

int
hf_results_check_patchset(const hf_results *rs, const struct hf_patchset *ps, const hf_result **bad,
                          hf_error *err)
{
    for (size_t i = 0; i < rs->n; i++) {
        const hf_result *r = &rs->r[i];
        *bad = r;
        int pi = hf_patchset_find(ps, r->patch);
        if (pi < 0)
            return line_fail(err, r->line, "/patch",
                             "a patch the patchset does not hold (results of another patchset?)");
        if (!same_values(r, ps->patch[pi].values))
            return line_fail(err, r->line, "/values",
                             "'values' differ from the patch's values in the patchset");
    }
    return 0;
}
