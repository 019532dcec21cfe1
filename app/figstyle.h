/* app/figstyle.h - the figure options `plot` and `report` share: experiment label, energy and
 * luminosity, signal drawing, per-sample colours (--style FILE.json) and bin edges
 * (--binning FILE.json). Formats in docs/figures.md. */
#ifndef HF_FIGSTYLE_H
#define HF_FIGSTYLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "render/palette.h"
#include "render/plot_stack.h"

typedef struct hf_figbins {
    char *channel;
    size_t nedges;
    double *edges;
    char *xlabel; /* "m_ll [GeV]", or NULL */
} hf_figbins;

typedef struct hf_figstyle {
    /* from the command line (not owned), then filled from --style where the line left them */
    const char *label, *lumi, *signal, *style_path, *binning_path;
    double energy, signal_scale;
    bool linear;
    /* blinding (docs/figures.md): --blind, --blind-threshold R, --blind-channels CH,... */
    bool blind;
    double blind_threshold;
    const char *blind_channels;
    double poi_value; /* --poi-value: post-fit figures from a fit with the POI fixed here; NAN
                         (set it before parsing): a free POI */
    /* owned */
    bool *blinded;    /* per main bin, NULL until hf_figstyle_blind found something to blind */
    size_t nblinded;  /* blinded bins */
    double *fit_main; /* the main data a blinded fit sees: Asimov (background only) in the
                         blinded bins, the observed counts elsewhere */
    char *label_own, *lumi_own, *signal_own, *lumi_text, *note[2];
    size_t ncolors;
    char **color_name;
    hf_rgb *color;
    size_t nbins;
    hf_figbins *bins;
} hf_figstyle;

/* Read --style and --binning (either may be NULL) and check the options. 0, or the exit code
 * after printing one line (file and JSON pointer; a binning with the wrong number of edges names
 * the channel). The binning is checked against m. */
int hf_figstyle_load(hf_figstyle *st, const hf_model *m);
/* Set the stack options from st (labels, signal, log choice, the channel's edges). */
void hf_figstyle_stack(const hf_figstyle *st, const hf_model *m, size_t c, hf_stack_options *o);
/* Give the style's sample colours to pal (by the model's global sample index). 0 or -1 (ENOMEM). */
int hf_figstyle_palette(const hf_figstyle *st, const hf_model *m, hf_palette *pal);
/* Whether the command line asked for blinding (then the POI's value prints as "blinded"). */
bool hf_figstyle_blinding(const hf_figstyle *st);
/* The blinded bins of m: with --blind every bin whose expected signal (samples scaled by the
 * POI, at the initial parameters) is above blind_threshold (0.02) of the expected background,
 * outside control regions (names starting with CR); every bin of the --blind-channels (names or
 * shell patterns). 0, or the exit code after printing the error (an unknown channel). */
int hf_figstyle_blind(hf_figstyle *st, const hf_model *m);
/* The fit behind post-fit figures: the ordinary fit, or when blinding, a background-only fit
 * (the POI fixed at 0, or its lower bound) of the observed data with the blinded bins replaced
 * by the background-only expectation. 0 or -1 with err (as hf_fit). */
int hf_figstyle_fit(const hf_figstyle *st, const hf_model *m, hf_fit_result *r, hf_error *err);
/* The title note of a figure: "blinded", "background-only fit", "mu = 1 (fixed)", joined by
 * commas; NULL when there is nothing to say. Owned by st, valid until the next call with the
 * same postfit. */
const char *hf_figstyle_note(hf_figstyle *st, const hf_model *m, bool postfit);
void hf_figstyle_release(hf_figstyle *st);

#endif
