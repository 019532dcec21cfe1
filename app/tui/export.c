/* app/tui/export.c - e: the current view's figure pages (its scenes callback) written through the
 * Cairo backend, the format from the file name's extension. */
#include "app/tui/export.h"
#include "app/tui/view.h"

#include <stdlib.h>
#include <string.h>

#include "render/cairo.h"

static bool
has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    if (n < e)
        return false;
    for (size_t i = 0; i < e; i++) {
        char a = path[n - e + i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != ext[i])
            return false;
    }
    return true;
}

/* Export the current view's figure to path (format from the extension). Reports the outcome in
 * the status line; returns 0 or -1. */
int
tui_export(struct tui *t, const char *path)
{
    hf_format fmt;
    if (has_ext(path, ".png"))
        fmt = HF_FORMAT_PNG;
    else if (has_ext(path, ".pdf"))
        fmt = HF_FORMAT_PDF;
    else if (has_ext(path, ".svg"))
        fmt = HF_FORMAT_SVG;
    else {
        tui_message(t, true, "export: '%s' needs a .png, .pdf or .svg extension", path);
        return -1;
    }
    const struct tui_view *v = tui_view_current(t);
    size_t npages = 0;
    hf_scene **pages = v->scenes != NULL ? v->scenes(t, &npages) : NULL;
    if (pages == NULL || npages == 0) {
        tui_message(t, true, "export: no figure for this view%s",
                    t->have_fit || t->view == TUI_V_DENSITY ? "" : " before a fit (press f)");
        free(pages);
        return -1;
    }
    hf_cairo_options o = {0};
    o.format = fmt;
    o.dpi = 150;
    hf_error err = {0};
    int rc = 0;
    /* PDF takes every page; PNG and SVG hold one, the first */
    hf_cairo_doc *d = hf_cairo_doc_open(path, &o, &err);
    if (d == NULL)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < (fmt == HF_FORMAT_PDF ? npages : 1); i++)
        rc = hf_cairo_doc_add(d, pages[i], &err);
    if (d != NULL) {
        if (rc == 0)
            rc = hf_cairo_doc_close(d, &err);
        else
            hf_cairo_doc_abort(d);
    }
    for (size_t i = 0; i < npages; i++)
        hf_scene_free(pages[i]);
    free(pages);
    if (rc < 0)
        tui_message(t, true, "export: %s: %s", path, hf_error_msg(&err));
    else if (fmt != HF_FORMAT_PDF && npages > 1)
        tui_message(t, false, "wrote %s (page 1 of %zu; .pdf takes them all)", path, npages);
    else
        tui_message(t, false, "wrote %s", path);
    hf_error_release(&err);
    return rc < 0 ? -1 : 0;
}
