/* render/palette.h - colours for scene roles: one colour-blind-safe palette (Petroff 10 for
 * samples, Okabe-Ito accents), read from assets/palette.txt or $HFSCOPE_PALETTE, with the same
 * values built in. A sample keeps its colour everywhere: it is keyed by its index in the model's
 * sorted global sample list (hf_model.samp_name). */
#ifndef HF_PALETTE_H
#define HF_PALETTE_H

#include <stddef.h>

#include "core/error.h"
#include "render/scene.h"

typedef struct hf_rgb {
    double r, g, b; /* 0..1 */
} hf_rgb;

typedef struct hf_palette hf_palette; /* opaque */

/* The built-in palette (static, never freed; identical to assets/palette.txt). */
const hf_palette *hf_palette_builtin(void);
/* Load a palette file ("key #rrggbb" lines, '#' comments; keys in docs/figures.md). Keys the file
 * omits keep their built-in colours. NULL with err on I/O or syntax errors (err.line set). */
hf_palette *hf_palette_load(const char *path, hf_error *err);
/* $HFSCOPE_PALETTE when set and non-empty (errors are returned), else the built-in palette.
 * *owned is set when the caller must hf_palette_free the result. */
const hf_palette *hf_palette_default(int *owned, hf_error *err);
/* The same as an owned object: $HFSCOPE_PALETTE, else a copy of the built-in palette (NULL with
 * err when the file cannot be read). Free with hf_palette_free. */
hf_palette *hf_palette_from_env(hf_error *err);
void hf_palette_free(hf_palette *p); /* NULL is fine; never pass the built-in */

/* "#rrggbb" (then the end or white space) into c; 0, or -1 when malformed. */
int hf_rgb_parse(const char *s, hf_rgb *c);
/* A style file's colour for the sample of global index k; 0, or -1 on ENOMEM. */
int hf_palette_set_sample(hf_palette *p, size_t k, hf_rgb c);
/* The colour of an ink. Sample/series indices cycle through the qualitative list. */
hf_rgb hf_palette_ink(const hf_palette *p, hf_ink ink);
/* Diverging colour map (correlations): t in [0, 1], 0 = map_lo, 0.5 = map_mid, 1 = map_hi. */
hf_rgb hf_palette_map(const hf_palette *p, double t);
/* Number of distinct qualitative (sample) colours before they repeat. */
size_t hf_palette_nsamples(const hf_palette *p);
/* Nearest xterm-256 colour index (16..255) for terminal backends. */
int hf_rgb_xterm256(hf_rgb c);
/* Relative luminance (sRGB, WCAG 2.0): pick black or white text on a coloured cell. */
double hf_rgb_luminance(hf_rgb c);

#endif
