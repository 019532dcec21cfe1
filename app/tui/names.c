/* app/tui/names.c - names that stay apart in a column of w cells, through the one label rule
 * the figures use (render/labels.h, hf_labels_make: the prefix and suffix every name of the set
 * shares dropped, long names cut in the middle, never two labels alike). Cached per set and
 * width: the lists ask at every frame, the labels change only with the column's width. The full
 * name of the selected row is in the status line in any case. */
#include "app/tui/names.h"
#include "app/tui/session.h"

#include <stdlib.h>
#include <string.h>

void
tui_names_release(tui_names *nm)
{
    hf_labels_release(&nm->l);
    memset(nm, 0, sizeof(*nm));
}

/* Label the n names (name(ctx, i)) for w cells into nm->l (nothing to do when the set and the
 * width are the last call's). 0, or -1 on ENOMEM (nm->valid false: draw the names cut). */
int
tui_names_fit(tui_names *nm, const char *(*name)(const void *, size_t), const void *ctx, size_t n,
              int w)
{
    if (nm->valid && nm->n == n && nm->w == w)
        return 0;
    tui_names_release(nm);
    const char **names = malloc((n ? n : 1) * sizeof(*names));
    if (names == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        names[i] = name(ctx, i);
    hf_labels_options o = {0};
    o.max_width = w;
    o.drop_affixes = true;
    int rc = hf_labels_make(&nm->l, names, n, &o);
    free(names);
    if (rc < 0) {
        tui_names_release(nm);
        return -1;
    }
    nm->n = n;
    nm->w = w;
    nm->valid = true;
    return 0;
}
