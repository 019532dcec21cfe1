/* render/labels.c - display labels for a set of names: shared affixes dropped, long names cut in
 * the middle, never two labels alike (render/labels.h). Used by the figure backends for category
 * axes and legends, and by the explorer for its lists. */
#include "render/labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/utf8.h"

#define ELLIPSIS "\xe2\x80\xa6"
#define CONTEXT  6 /* code points shown before a group's first difference */

static bool
is_sep(char c)
{
    return c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == ' ';
}

static double
measure(const hf_labels_options *o, const char *s)
{
    return o->measure ? o->measure(o->ctx, s) : (double)hf_utf8_width(s);
}

static bool
fits(const hf_labels_options *o, const char *s)
{
    return !(o->max_width > 0) || measure(o, s) <= o->max_width + 1e-9;
}

/* Bytes of the prefix shared by every name, cut back to end just after a separator. */
static size_t
shared_prefix(const char *const *names, size_t n)
{
    size_t k = strlen(names[0]), i, j;

    for (i = 1; i < n; i++) {
        for (j = 0; j < k && names[i][j] == names[0][j]; j++)
            ;
        k = j;
    }
    while (k > 0 && !is_sep(names[0][k - 1]))
        k--;
    return k;
}

/* Bytes of the suffix shared by every name, starting at a separator, leaving pre bytes and at
 * least one more in each name. */
static size_t
shared_suffix(const char *const *names, size_t n, size_t pre)
{
    size_t l0 = strlen(names[0]), k = l0, i, j, minl = l0;

    for (i = 1; i < n; i++) {
        size_t li = strlen(names[i]);
        for (j = 0; j < k && j < li && names[i][li - 1 - j] == names[0][l0 - 1 - j]; j++)
            ;
        k = j;
        minl = li < minl ? li : minl;
    }
    if (minl < pre + 1)
        return 0;
    if (k > minl - pre - 1)
        k = minl - pre - 1;
    while (k > 0 && !is_sep(names[0][l0 - k]))
        k--;
    return k;
}

/* s with n code points kept around an ellipsis into tmp: half before, half after it (middle),
 * or all before it (at the end). */
static void
place(const char *s, size_t len, size_t nch, size_t keep, bool middle, char *tmp)
{
    size_t head = hf_utf8_prefix(s, middle ? keep / 2 : keep);
    size_t tail = middle ? len - hf_utf8_prefix(s, nch - (keep - keep / 2)) : 0;

    memcpy(tmp, s, head);
    memcpy(tmp + head, ELLIPSIS, 3);
    memcpy(tmp + head + 3, s + len - tail, tail);
    tmp[head + 3 + tail] = '\0';
}

/* s cut to fit o: its middle replaced by an ellipsis (at least one code point on each side), or
 * its end; a malloc'ed copy of s when it fits. Binary search over the kept code points: the
 * width grows with them. */
static char *
cut(const hf_labels_options *o, const char *s, bool middle)
{
    size_t len = strlen(s), nch = hf_utf8_width(s), lo = middle ? 2 : 1, hi, best = lo;
    char *tmp = malloc(len + 4);

    if (!tmp)
        return NULL;
    memcpy(tmp, s, len + 1);
    if (fits(o, s) || nch < lo + 1)
        return tmp;
    hi = nch - 1;
    while (lo <= hi) {
        size_t keep = (lo + hi) / 2;
        place(s, len, nch, keep, middle, tmp);
        if (fits(o, tmp)) {
            best = keep;
            lo = keep + 1;
        } else {
            hi = keep - 1;
        }
    }
    place(s, len, nch, best, middle, tmp);
    return tmp;
}

static char *
cut_middle(const hf_labels_options *o, const char *s)
{
    return cut(o, s, true);
}

static char *
cut_end(const hf_labels_options *o, const char *s)
{
    return cut(o, s, false);
}

typedef struct ent {
    const char *text;
    size_t i;
} ent;

static int
cmp_ent(const void *a, const void *b)
{
    const ent *x = a, *y = b;
    int r = strcmp(x->text, y->text);

    return r ? r : (x->i < y->i ? -1 : x->i > y->i);
}

/* Runs of equal texts: e sorted by text, then index. Returns the run length starting at k. */
static size_t
run_at(const ent *e, size_t n, size_t k)
{
    size_t j = k + 1;

    while (j < n && strcmp(e[j].text, e[k].text) == 0)
        j++;
    return j - k;
}

static int
sort_entries(ent *e, const hf_labels *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        e[i].text = l->text[i];
        e[i].i = i;
    }
    qsort(e, l->n, sizeof *e, cmp_ent);
    return 0;
}

/* Step (4): every member of a run of equal texts (whose bases differ) shown from a few code
 * points before the run's first difference; the first round keeps the tail (cut in the middle),
 * later rounds keep the difference itself (cut at the end), each round on the smaller runs that
 * still coincide, so their first difference moves right. */
static int
show_difference(hf_labels *l, const char *const *base, const ent *e, size_t g,
                const hf_labels_options *o, bool keep_tail)
{
    const char *s0 = base[e[0].i];
    size_t pre = strlen(s0), k, j;

    for (k = 1; k < g; k++) {
        const char *sk = base[e[k].i];
        for (j = 0; j < pre && s0[j] == sk[j]; j++)
            ;
        pre = j;
    }
    while (pre > 0 && ((unsigned char)s0[pre] & 0xC0) == 0x80)
        pre--;
    for (k = 0; k < g; k++) {
        const char *s = base[e[k].i];
        size_t from = pre, back = keep_tail ? CONTEXT : 2, len;
        char *lab, *cut;
        while (from > 0 && back > 0) {
            from--;
            if (((unsigned char)s[from] & 0xC0) != 0x80)
                back--;
        }
        len = strlen(s + from) + 4;
        if (!(lab = malloc(len)))
            return -1;
        snprintf(lab, len, "%s%s", from > 0 ? ELLIPSIS : "", s + from);
        cut = keep_tail ? cut_middle(o, lab) : cut_end(o, lab);
        free(lab);
        if (!cut)
            return -1;
        free(l->text[e[k].i]);
        l->text[e[k].i] = cut;
    }
    return 0;
}

/* The tokens of s: maximal runs between separators; tok[2k] their starts, tok[2k + 1] their
 * lengths. Returns the count (at most strlen(s) / 2 + 1, the size of tok / 2). */
static size_t
tokens(const char *s, size_t *tok)
{
    size_t n = 0, i = 0;

    while (s[i] != '\0') {
        while (s[i] != '\0' && is_sep(s[i]))
            i++;
        if (s[i] == '\0')
            break;
        tok[2 * n] = i;
        while (s[i] != '\0' && !is_sep(s[i]))
            i++;
        tok[2 * n + 1] = i - tok[2 * n];
        n++;
    }
    return n;
}

/* s with the tokens not kept replaced by one ellipsis per gap (separators next to a gap go with
 * it) into out (strlen(s) + 3 * ntok + 1 bytes). */
static void
join_kept(const char *s, const size_t *tok, size_t ntok, const bool *keep, char *out)
{
    size_t o = 0, k;
    bool gap = false, any = false;

    for (k = 0; k < ntok; k++) {
        if (!keep[k]) {
            gap = true;
            continue;
        }
        if (gap) {
            memcpy(out + o, ELLIPSIS, 3);
            o += 3;
        } else if (any) { /* the original separators between two kept tokens */
            size_t from = tok[2 * (k - 1)] + tok[2 * (k - 1) + 1];
            memcpy(out + o, s + from, tok[2 * k] - from);
            o += tok[2 * k] - from;
        }
        memcpy(out + o, s + tok[2 * k], tok[2 * k + 1]);
        o += tok[2 * k + 1];
        gap = false;
        any = true;
    }
    if (gap) {
        memcpy(out + o, ELLIPSIS, 3);
        o += 3;
    }
    out[o] = '\0';
}

/* Whether token a of s says less than token b: found in more names of the set, else longer,
 * else later (the tail holds bin numbers). */
static bool
less_telling(const size_t *tok, const size_t *freq, size_t a, size_t b)
{
    if (freq[a] != freq[b])
        return freq[a] > freq[b];
    if (tok[2 * a + 1] != tok[2 * b + 1])
        return tok[2 * a + 1] > tok[2 * b + 1];
    return a > b;
}

/* Whether token k of s (at sk) equals token j of name m (tokens tm). */
static bool
tok_eq(const char *s, const size_t *tok, size_t k, const char *m, const size_t *tm, size_t j)
{
    return tok[2 * k + 1] == tm[2 * j + 1] &&
           memcmp(s + tok[2 * k], m + tm[2 * j], tm[2 * j + 1]) == 0;
}

/* Whether name m (its nm tokens tm) could be what the kept tokens of s stand for: the runs of
 * kept tokens appear in m in order, contiguous, with anything between them where s has a gap,
 * and at m's start (end) when s keeps its first (last) token. Earliest placement of each run is
 * optimal for the ones before the last; the last is placed at m's end when s keeps its end. */
static bool
pattern_matches(const char *s, const size_t *tok, size_t ntok, const bool *keep, const char *m,
                const size_t *tm, size_t nm)
{
    size_t k = 0, pos = 0, lim = nm;

    if (ntok > 0 && keep[ntok - 1]) { /* the final run sits at m's end */
        size_t r = ntok;
        while (r > 0 && keep[r - 1])
            r--;
        if (ntok - r > nm)
            return false;
        for (size_t q = r; q < ntok; q++)
            if (!tok_eq(s, tok, q, m, tm, nm - (ntok - q)))
                return false;
        lim = nm - (ntok - r);
        if (r == 0)
            return lim == 0;
        ntok = r; /* the rest before it, within m's first lim tokens */
    }
    while (k < ntok) {
        if (!keep[k]) {
            k++;
            continue;
        }
        size_t e = k;
        while (e < ntok && keep[e])
            e++;
        bool anchored = k == 0, found = false;
        for (size_t at = pos; at + (e - k) <= lim && !found; at++) {
            size_t q = k;
            while (q < e && tok_eq(s, tok, q, m, tm, at + q - k))
                q++;
            found = q == e;
            if (found)
                pos = at + (e - k);
            if (anchored)
                break;
        }
        if (!found)
            return false;
        k = e;
    }
    return true;
}

/* The tokens of every name of the set, made once per run of clashing texts: name j's are
 * tok[2 off[j] ...] (cnt[j] of them). */
typedef struct tokset {
    size_t *tok, *off, *cnt;
} tokset;

static int
tokset_make(tokset *ts, const char *const *base, size_t n)
{
    size_t total = 0, j;

    for (j = 0; j < n; j++)
        total += strlen(base[j]) / 2 + 1;
    ts->tok = malloc((total + 1) * 2 * sizeof *ts->tok);
    ts->off = malloc((n + 1) * sizeof *ts->off);
    ts->cnt = malloc((n + 1) * sizeof *ts->cnt);
    if (ts->tok == NULL || ts->off == NULL || ts->cnt == NULL)
        return -1;
    for (total = 0, j = 0; j < n; j++) {
        ts->off[j] = total;
        ts->cnt[j] = tokens(base[j], ts->tok + 2 * total);
        total += ts->cnt[j];
    }
    return 0;
}

static void
tokset_free(tokset *ts)
{
    free(ts->tok);
    free(ts->off);
    free(ts->cnt);
}

/* Whether the kept tokens of s (name self) stand for no other name. Only names with every kept
 * token can match, so only those with the rarest kept one are tried: who[k * n ...] lists the
 * freq[k] names that have token k. */
static bool
pattern_unique(const char *s, const size_t *tok, size_t ntok, const bool *keep,
               const char *const *base, size_t n, size_t self, const tokset *ts, const size_t *freq,
               const size_t *who)
{
    size_t rare = ntok;
    for (size_t k = 0; k < ntok; k++)
        if (keep[k] && (rare == ntok || freq[k] < freq[rare]))
            rare = k;
    if (rare == ntok) /* nothing kept: "…" stands for every name */
        return n < 2;
    for (size_t c = 0; c < freq[rare]; c++) {
        size_t j = who[rare * n + c];
        if (j == self || strcmp(base[j], s) == 0)
            continue;
        if (pattern_matches(s, tok, ntok, keep, base[j], ts->tok + 2 * ts->off[j], ts->cnt[j]))
            return false;
    }
    return true;
}

/* The next token of s to drop: the most common one (shared with other names) whose removal
 * leaves a pattern that stands for s alone, else the most common one. ntok when none is shared. */
static size_t
next_drop(const char *s, const size_t *tok, size_t ntok, bool *keep, const size_t *freq,
          const size_t *who, const char *const *base, size_t n, size_t self, const tokset *ts)
{
    bool *tried = calloc(ntok + 1, sizeof *tried);
    size_t pick = ntok, first = ntok;

    if (tried == NULL)
        return ntok;
    for (;;) {
        size_t best = ntok;
        for (size_t k = 0; k < ntok; k++)
            if (keep[k] && !tried[k] && freq[k] > 1 &&
                (best == ntok || less_telling(tok, freq, k, best)))
                best = k;
        if (best == ntok)
            break;
        if (first == ntok)
            first = best;
        tried[best] = true;
        keep[best] = false;
        bool ok = pattern_unique(s, tok, ntok, keep, base, n, self, ts, freq, who);
        keep[best] = true;
        if (ok) {
            pick = best;
            break;
        }
    }
    free(tried);
    return pick < ntok ? pick : first;
}

/* One name of a run (base[self] of the n names): its tokens that other names share dropped, the
 * most common first, as long as what is left still stands for this name alone, until it fits
 * (then cut in the middle if it still does not): the tokens left tell it apart. NULL on ENOMEM. */
static char *
distinct_tokens(const char *const *base, size_t n, size_t self, const tokset *ts,
                const hf_labels_options *o)
{
    const char *s = base[self];
    size_t len = strlen(s), *tok = ts->tok + 2 * ts->off[self], ntok = ts->cnt[self], k;
    size_t *freq = malloc((ntok + 1) * sizeof *freq), *who = malloc((ntok * n + 1) * sizeof *who);
    bool *keep = malloc((ntok + 1) * sizeof *keep);
    char *out = malloc(len + 3 * ntok + 4), *res = NULL;

    if (keep == NULL || freq == NULL || who == NULL || out == NULL)
        goto done;
    for (k = 0; k < ntok; k++) { /* the names that have token k */
        keep[k] = true;
        freq[k] = 0;
        for (size_t j = 0; j < n; j++) {
            const size_t *tj = ts->tok + 2 * ts->off[j];
            size_t q = 0;
            while (q < ts->cnt[j] && !tok_eq(s, tok, k, base[j], tj, q))
                q++;
            if (q < ts->cnt[j])
                who[k * n + freq[k]++] = j;
        }
    }
    join_kept(s, tok, ntok, keep, out);
    while (!fits(o, out)) {
        size_t best = next_drop(s, tok, ntok, keep, freq, who, base, n, self, ts);
        if (best == ntok)
            break;
        keep[best] = false;
        join_kept(s, tok, ntok, keep, out);
    }
    res = cut_middle(o, out);
done:
    free(keep);
    free(freq);
    free(who);
    free(out);
    return res;
}

/* Step (3): every member of a run of equal texts (whose bases differ) as its base with the
 * tokens other names share dropped, most common first ("Ztt…SRee_eMLLe…low" for a parameter of
 * one background in one region): what tells the name apart, in its own order. */
static int
show_tokens(hf_labels *l, const char *const *base, const ent *e, size_t g,
            const hf_labels_options *o)
{
    size_t k;
    char **t = calloc(g, sizeof *t);
    tokset ts = {0};

    if (t == NULL || tokset_make(&ts, base, l->n) < 0) {
        free(t);
        tokset_free(&ts);
        return -1;
    }
    for (k = 0; k < g; k++)
        if ((t[k] = distinct_tokens(base, l->n, e[k].i, &ts, o)) == NULL) {
            while (k > 0)
                free(t[--k]);
            free(t);
            tokset_free(&ts);
            return -1;
        }
    tokset_free(&ts);
    for (k = 0; k < g; k++) {
        free(l->text[e[k].i]);
        l->text[e[k].i] = t[k];
    }
    free(t);
    return 0;
}

/* Step (5): " #k" on the second and later members of a run (name order), k the name's position
 * in the set (1-based), so that numbers of different runs never meet; the text is cut so that the
 * whole still fits. */
static int
number_run(hf_labels *l, const ent *e, size_t g, const hf_labels_options *o)
{
    size_t k;

    for (k = 1; k < g; k++) {
        hf_labels_options oo = *o;
        char num[32], *t, *s;
        size_t len;
        snprintf(num, sizeof num, " #%zu", e[k].i + 1);
        if (oo.max_width > 0)
            oo.max_width = oo.max_width - measure(o, num);
        if (!(t = cut_middle(&oo, l->text[e[k].i])))
            return -1;
        len = strlen(t) + sizeof num;
        if (!(s = malloc(len))) {
            free(t);
            return -1;
        }
        snprintf(s, len, "%s%s", t, num);
        free(t);
        free(l->text[e[k].i]);
        l->text[e[k].i] = s;
    }
    return 0;
}

#define TOKEN_ROUNDS 2 /* rounds of step (3) */
#define DIFF_ROUNDS  8 /* rounds of steps (3) and (4) before step (5) */

/* Steps (3) to (5) until every text is distinct. " #k" separates any run of equal texts; a
 * later clash of a numbered text with another is numbered again, so the loop ends. */
static int
separate(hf_labels *l, const char *const *base, const hf_labels_options *o)
{
    ent *e = malloc((l->n ? l->n : 1) * sizeof *e);
    int round, rc = 0;

    if (!e)
        return -1;
    for (round = 0; rc == 0 && round < DIFF_ROUNDS + 8; round++) {
        size_t k = 0, g;
        bool clash = false;
        sort_entries(e, l);
        for (k = 0; k < l->n && rc == 0; k += g) {
            bool differ = false;
            size_t j;
            g = run_at(e, l->n, k);
            if (g == 1)
                continue;
            clash = true;
            for (j = 1; j < g && !differ; j++)
                differ = strcmp(base[e[k].i], base[e[k + j].i]) != 0;
            if (differ && round < TOKEN_ROUNDS)
                rc = show_tokens(l, base, e + k, g, o);
            else if (differ && round < DIFF_ROUNDS)
                rc = show_difference(l, base, e + k, g, o, round == TOKEN_ROUNDS);
            else
                rc = number_run(l, e + k, g, o);
        }
        if (!clash)
            break;
    }
    free(e);
    return rc;
}

static int
drop_affixes(hf_labels *l, const char *const *names, const hf_labels_options *o, char **base)
{
    size_t n = l->n, pre = 0, suf = 0, i, min = o->min_affix ? o->min_affix : 3;

    if (o->drop_affixes && n >= 2) {
        pre = shared_prefix(names, n);
        if (pre < min)
            pre = 0;
        suf = shared_suffix(names, n, pre);
        if (suf < min)
            suf = 0;
    }
    l->prefix = malloc(pre + 1);
    l->suffix = malloc(suf + 1);
    if (!l->prefix || !l->suffix)
        return -1;
    l->prefix[0] = l->suffix[0] = '\0';
    if (n == 0)
        return 0;
    memcpy(l->prefix, names[0], pre);
    l->prefix[pre] = '\0';
    memcpy(l->suffix, names[0] + strlen(names[0]) - suf, suf + 1);
    for (i = 0; i < n; i++) {
        size_t len = strlen(names[i]) - pre - suf;
        if (!(base[i] = malloc(len + 1)))
            return -1;
        memcpy(base[i], names[i] + pre, len);
        base[i][len] = '\0';
    }
    return 0;
}

int
hf_labels_make(hf_labels *l, const char *const *names, size_t n, const hf_labels_options *opt)
{
    hf_labels_options dflt = {0};
    const hf_labels_options *o = opt ? opt : &dflt;
    char **base;
    size_t i;
    int rc = -1;

    memset(l, 0, sizeof *l);
    l->n = n;
    l->text = calloc(n ? n : 1, sizeof *l->text);
    l->shortened = calloc(n ? n : 1, sizeof *l->shortened);
    base = calloc(n ? n : 1, sizeof *base);
    if (!l->text || !l->shortened || !base)
        goto out;
    if (drop_affixes(l, names, o, base) < 0)
        goto out;
    for (i = 0; i < n; i++)
        if (!(l->text[i] = cut_middle(o, base[i])))
            goto out;
    if (separate(l, (const char *const *)base, o) < 0)
        goto out;
    for (i = 0; i < n; i++) {
        l->shortened[i] = strcmp(l->text[i], names[i]) != 0;
        l->nshort += l->shortened[i];
    }
    rc = 0;
out:
    for (i = 0; base && i < n; i++)
        free(base[i]);
    free(base);
    return rc;
}

void
hf_labels_release(hf_labels *l)
{
    size_t i;

    if (!l)
        return;
    for (i = 0; l->text && i < l->n; i++)
        free(l->text[i]);
    free(l->text);
    free(l->shortened);
    free(l->prefix);
    free(l->suffix);
    memset(l, 0, sizeof *l);
}

char *
hf_labels_affix_note(const hf_labels *l)
{
    size_t len;
    char *s;

    if (!l->prefix || !l->suffix || (!l->prefix[0] && !l->suffix[0]))
        return NULL;
    len = strlen(l->prefix) + strlen(l->suffix) + 8;
    if (!(s = malloc(len)))
        return NULL;
    snprintf(s, len, "%s" ELLIPSIS "%s", l->prefix, l->suffix);
    return s;
}
