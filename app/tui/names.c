/* app/tui/names.c - names that stay apart in a column of w cells. A name that fits is shown
 * whole; a longer one as head…tail, with the split chosen per name so that no other long name of
 * the same set shows the same head and tail (real channel and parameter names differ anywhere:
 * "SR_eMLLa_…_cuts" for six channels is what a fixed split gives). When no split can tell a name
 * from its neighbours (they share more than w-1 cells at both ends), the name shows a window
 * around where it first differs, between two ellipses. The full name of the selected row is in
 * the status line in any case.
 *
 * Method: the long names sorted; the names sharing the first h code points with a are then a
 * run around a in that order, bounded by the adjacent longest common prefixes, and a's split
 * (h, w-1-h) is safe when none of that run also shares the last w-1-h code points with it. The
 * splits are tried from the middle outwards. Kept apart from the drawing so that a shared label
 * function (render) can replace it. */
#include "app/tui/tui.h"

#include <stdlib.h>
#include <string.h>

/* One decoded name. */
typedef struct nm_rec {
    const uint32_t *cp;
    int len;
    size_t i;
} nm_rec;

static int
cmp_rec(const void *a, const void *b)
{
    const nm_rec *x = a, *y = b;
    int n = x->len < y->len ? x->len : y->len;
    for (int k = 0; k < n; k++)
        if (x->cp[k] != y->cp[k])
            return x->cp[k] < y->cp[k] ? -1 : 1;
    return (x->len > y->len) - (x->len < y->len);
}

static int
lcp(const nm_rec *a, const nm_rec *b)
{
    int n = a->len < b->len ? a->len : b->len, k = 0;
    while (k < n && a->cp[k] == b->cp[k])
        k++;
    return k;
}

static int
lcs(const nm_rec *a, const nm_rec *b)
{
    int n = a->len < b->len ? a->len : b->len, k = 0;
    while (k < n && a->cp[a->len - 1 - k] == b->cp[b->len - 1 - k])
        k++;
    return k;
}

/* Does the split (h, tl) of E[k] collide with another long name? adj[j] = lcp(E[j], E[j+1]). */
static bool
collides(const nm_rec *E, const int *adj, size_t nE, size_t k, int h, int tl)
{
    int run = 1 << 30;
    for (size_t j = k + 1; j < nE; j++) {
        run = adj[j - 1] < run ? adj[j - 1] : run;
        if (run < h)
            break;
        if (lcs(&E[k], &E[j]) >= tl)
            return true;
    }
    run = 1 << 30;
    for (size_t j = k; j-- > 0;) {
        run = adj[j] < run ? adj[j] : run;
        if (run < h)
            break;
        if (lcs(&E[k], &E[j]) >= tl)
            return true;
    }
    return false;
}

/* Do a and b show the same text as head h, window [o, o+m), tail tl (b also long)? */
static bool
same3(const nm_rec *a, const nm_rec *b, int h, int o, int m, int tl)
{
    if (b->len < o + m + tl || b->len < h)
        return false;
    for (int k = 0; k < h; k++)
        if (a->cp[k] != b->cp[k])
            return false;
    for (int k = o; k < o + m; k++)
        if (a->cp[k] != b->cp[k])
            return false;
    for (int k = 1; k <= tl; k++)
        if (a->cp[a->len - k] != b->cp[b->len - k])
            return false;
    return true;
}

/* No head/tail split tells E[k] apart (its neighbours share more than w-1 cells at both ends):
 * head, a window between two ellipses, tail, with the window placed where no other long name
 * shows the same three parts; the head and tail kept short (context), the window as wide as
 * the rest. Tried with heads and tails from 4 down to 0 cells. */
static void
window(const tui_names *nm, const nm_rec *E, size_t nE, size_t k, int w, tui_label *lb)
{
    (void)nm;
    const nm_rec *a = &E[k];
    for (int ctx = 4; ctx >= 0; ctx--) {
        int h = ctx, tl = ctx, m = w - 2 - h - tl;
        if (m < 2)
            continue;
        for (int o = h + 1; o + m < a->len - tl; o++) {
            bool ok = true;
            for (size_t j = 0; j < nE && ok; j++)
                ok = j == k || !same3(a, &E[j], h, o, m, tl);
            if (ok) {
                *lb = (tui_label){h, o, m, tl};
                return;
            }
        }
    }
    *lb = (tui_label){(w - 1) / 2, 0, 0, w - 1 - (w - 1) / 2}; /* none: a plain split */
}

/* The split of E[k] in w cells into nm->lab[E[k].i]. */
static void
choose(tui_names *nm, const nm_rec *E, const int *adj, size_t nE, size_t k, int w)
{
    tui_label *lb = &nm->lab[E[k].i];
    int h0 = (w - 1) / 2;
    for (int d = 0; d < w; d++) {
        int h = h0 + (d % 2 ? (d + 1) / 2 : -(d / 2));
        if (h < 1 || h > w - 2)
            continue;
        if (!collides(E, adj, nE, k, h, w - 1 - h)) {
            *lb = (tui_label){h, 0, 0, w - 1 - h};
            return;
        }
    }
    window(nm, E, nE, k, w, lb);
}

/* Release the decoded names and labels. */
void
tui_names_release(tui_names *nm)
{
    if (nm->cp != NULL)
        for (size_t i = 0; i < nm->n; i++)
            free(nm->cp[i]);
    free(nm->cp);
    free(nm->len);
    free(nm->lab);
    memset(nm, 0, sizeof(*nm));
}

/* Decode the n names (once per model). 0, or -1 on ENOMEM. */
static int
decode(tui_names *nm, const char *(*name)(const void *, size_t), const void *ctx, size_t n)
{
    nm->n = n;
    nm->cp = calloc(n ? n : 1, sizeof(*nm->cp));
    nm->len = calloc(n ? n : 1, sizeof(*nm->len));
    nm->lab = calloc(n ? n : 1, sizeof(*nm->lab));
    if (nm->cp == NULL || nm->len == NULL || nm->lab == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *s = name(ctx, i);
        size_t cap = strlen(s) + 1;
        nm->cp[i] = malloc(cap * sizeof(uint32_t));
        if (nm->cp[i] == NULL)
            return -1;
        int len = 0;
        while (*s != '\0')
            nm->cp[i][len++] = hf_utf8_decode(&s);
        nm->len[i] = len;
    }
    nm->w = -1;
    return 0;
}

/* Fit the n names (name(ctx, i)) to w cells: fills nm->lab (whole names have h = -1). Cached:
 * nothing to do when the width and the set are the ones of the last call. 0, or -1 on ENOMEM
 * (then every label is a plain head…tail). */
int
tui_names_fit(tui_names *nm, const char *(*name)(const void *, size_t), const void *ctx, size_t n,
              int w)
{
    if (nm->cp != NULL && nm->n == n && nm->w == w)
        return 0;
    if (nm->cp == NULL || nm->n != n) {
        tui_names_release(nm);
        if (decode(nm, name, ctx, n) < 0) {
            tui_names_release(nm);
            return -1;
        }
    }
    nm->w = w;
    size_t nE = 0;
    for (size_t i = 0; i < n; i++)
        nE += nm->len[i] > w;
    nm_rec *E = malloc((nE ? nE : 1) * sizeof(*E));
    int *adj = malloc((nE ? nE : 1) * sizeof(*adj));
    if (E == NULL || adj == NULL) {
        free(E);
        free(adj);
        for (size_t i = 0; i < n; i++)
            nm->lab[i] = (tui_label){nm->len[i] > w ? (w - 1) / 2 : -1, 0, 0, w - 1 - (w - 1) / 2};
        return -1;
    }
    nE = 0;
    for (size_t i = 0; i < n; i++) {
        nm->lab[i] = (tui_label){-1, 0, 0, 0};
        if (nm->len[i] > w)
            E[nE++] = (nm_rec){nm->cp[i], nm->len[i], i};
    }
    if (w >= 4) {
        qsort(E, nE, sizeof(*E), cmp_rec);
        for (size_t k = 0; k + 1 < nE; k++)
            adj[k] = lcp(&E[k], &E[k + 1]);
        for (size_t k = 0; k < nE; k++)
            choose(nm, E, adj, nE, k, w);
    } else {
        for (size_t k = 0; k < nE; k++)
            nm->lab[E[k].i] = (tui_label){w - 1, 0, 0, 0}; /* too narrow: the head */
    }
    free(E);
    free(adj);
    return 0;
}
