/* render/plot_summary.c - the region groups of the all-regions summary (render/plot_summary.h):
 * channel-name patterns by group, the default CR/VR/SR grouping, the channels' order. */
#include "render/plot_summary.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* The default region group of a channel name: 0 CR, 1 VR, 2 SR (by its first two letters, any
 * case), 3 anything else. */
static int
default_group(const char *name)
{
    static const char pre[3][3] = {"CR", "VR", "SR"};
    int g;

    for (g = 0; g < 3; g++)
        if ((name[0] == pre[g][0] || name[0] == pre[g][0] + 32) &&
            (name[1] == pre[g][1] || name[1] == pre[g][1] + 32))
            return g;
    return 3;
}

int
hf_summary_groups_init(hf_summary_groups *g, const hf_model *m)
{
    memset(g, 0, sizeof *g);
    g->nchan = m->nchan;
    g->of = malloc((m->nchan ? m->nchan : 1) * sizeof *g->of);
    if (!g->of)
        return -1;
    for (size_t c = 0; c < m->nchan; c++)
        g->of[c] = 0; /* "other" is index n, 0 while there is no group */
    return 0;
}

/* The index of group name, made (with title) when new; SIZE_MAX on ENOMEM. */
static size_t
group_index(hf_summary_groups *g, const char *name, const char *title)
{
    size_t k;
    char **nn, **nt;

    for (k = 0; k < g->n; k++)
        if (strcmp(g->name[k], name) == 0)
            return k;
    nn = realloc(g->name, (g->n + 1) * sizeof *nn);
    if (nn)
        g->name = nn;
    nt = nn ? realloc(g->title, (g->n + 1) * sizeof *nt) : NULL;
    if (nt)
        g->title = nt;
    if (!nn || !nt || !(g->name[g->n] = strdup(name)))
        return (size_t)-1;
    if (!(g->title[g->n] = strdup(title))) {
        free(g->name[g->n]);
        return (size_t)-1;
    }
    for (size_t c = 0; c < g->nchan; c++) /* "other" moves from n to n + 1 */
        if (g->of[c] == g->n)
            g->of[c] = g->n + 1;
    return g->n++;
}

long
hf_summary_groups_add(hf_summary_groups *g, const hf_model *m, const char *name,
                      const char *pattern)
{
    size_t k = group_index(g, name, name), c;
    long hit = 0;

    if (k == (size_t)-1)
        return -1;
    for (c = 0; c < g->nchan; c++)
        if (g->of[c] == g->n && fnmatch(pattern, m->chan[c]->name, 0) == 0) {
            g->of[c] = k;
            hit++;
        }
    return hit;
}

int
hf_summary_groups_default(hf_summary_groups *g, const hf_model *m)
{
    static const char *const nm[3] = {"CR", "VR", "SR"};
    static const char *const ti[3] = {"Control regions", "Validation regions", "Signal regions"};

    if (hf_summary_groups_init(g, m) < 0)
        return -1;
    for (int k = 0; k < 3; k++)
        if (group_index(g, nm[k], ti[k]) == (size_t)-1) {
            hf_summary_groups_release(g);
            return -1;
        }
    for (size_t c = 0; c < m->nchan; c++)
        g->of[c] = (size_t)default_group(m->chan[c]->name);
    g->by_names = true;
    return 0;
}

const char *
hf_summary_groups_title(const hf_summary_groups *g, size_t k)
{
    return k < g->n ? g->title[k] : "Other channels";
}

const char *
hf_summary_groups_label(const hf_summary_groups *g, size_t k)
{
    return k < g->n ? g->name[k] : g->by_names ? "" : "other";
}

size_t
hf_summary_groups_order(const hf_summary_groups *g, size_t *order)
{
    size_t n = 0, c, k;

    for (k = 0; k <= g->n; k++)
        for (c = 0; c < g->nchan; c++)
            if (g->of[c] == k)
                order[n++] = c;
    return n;
}

void
hf_summary_groups_release(hf_summary_groups *g)
{
    for (size_t k = 0; k < g->n; k++) {
        free(g->name[k]);
        free(g->title[k]);
    }
    free(g->name);
    free(g->title);
    free(g->of);
    memset(g, 0, sizeof *g);
}
