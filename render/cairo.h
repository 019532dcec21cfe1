/* render/cairo.h - draw scenes with Cairo to PDF (vector, multi-page, outline), PNG and SVG.
 * Files are written to a temporary file in the target directory and renamed when complete,
 * so a failure never leaves a partial file. The only module that includes cairo.h. */
#ifndef HF_RENDER_CAIRO_H
#define HF_RENDER_CAIRO_H

#include <stddef.h>

#include "core/error.h"
#include "render/palette.h"
#include "render/scene.h"

typedef enum hf_format { HF_FORMAT_PDF = 0, HF_FORMAT_PNG, HF_FORMAT_SVG } hf_format;

typedef struct hf_cairo_options {
    hf_format format;
    double dpi;            /* PNG resolution; 0: 150 */
    const hf_palette *pal; /* NULL: built-in */
    const char *title;     /* PDF metadata title; NULL: none */
} hf_cairo_options;

/* "pdf", "png", "svg" (case-insensitive) -> format; -1 if unknown. */
int hf_format_parse(const char *name, hf_format *f);
const char *hf_format_ext(hf_format f); /* "pdf", "png", "svg" */

/* A document being written: PDF takes any number of pages, PNG and SVG exactly one. */
typedef struct hf_cairo_doc hf_cairo_doc;

/* Start writing path (a temporary file until hf_cairo_doc_close). NULL with err on failure
 * (e.g. an unwritable directory: HF_EIO naming the path). */
hf_cairo_doc *hf_cairo_doc_open(const char *path, const hf_cairo_options *opt, hf_error *err);
/* Draw one scene as the next page (its outline entry, if any, goes into the PDF outline). */
int hf_cairo_doc_add(hf_cairo_doc *d, const hf_scene *s, hf_error *err);
/* Finish, then rename the temporary file to the path. On any error the temporary file is
 * removed and nothing is left at the path. Frees d in all cases. */
int hf_cairo_doc_close(hf_cairo_doc *d, hf_error *err);
/* Abandon the document: remove the temporary file, free d. NULL is fine. */
void hf_cairo_doc_abort(hf_cairo_doc *d);
size_t hf_cairo_doc_pages(const hf_cairo_doc *d);

/* One scene to one file (format from opt). */
int hf_cairo_write(const hf_scene *s, const char *path, const hf_cairo_options *opt, hf_error *err);

/* Draw a scene into a new ARGB32 pixel buffer at dpi (tests, TUI export previews): returns
 * malloc'ed width*height 0xAARRGGBB pixels (row-major, top row first), NULL on ENOMEM. */
unsigned *hf_cairo_render_pixels(const hf_scene *s, const hf_palette *pal, double dpi, int *width,
                                 int *height);

#endif
