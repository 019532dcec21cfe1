/* app/figstyle.h - the figure options `plot` and `report` share: experiment label, energy and
 * luminosity, signal drawing, per-sample colours (--style FILE.json) and bin edges
 * (--binning FILE.json). Formats in docs/figures.md. */
#ifndef HF_FIGSTYLE_H
#define HF_FIGSTYLE_H

#include <stdbool.h>
#include <stddef.h>

#include "app/cli.h"
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
    double poi_value; /* --poi-value: post-fit figures from a fit with the POI fixed here; NAN
                         (set it before parsing): a free POI */
    /* blinding and masks (docs/figures.md), from the command line's (app/cli.h, borrowed):
     * --blind, --blind-threshold, --blind-channels, --mask, --fit-regions */
    bool blind;          /* blinding asked for: the POI's value prints as "blinded" */
    const bool *blinded; /* per main bin, NULL without blinding */
    size_t nblinded;     /* blinded bins */
    const bool *masked;  /* per main bin: not in the fit (--mask, --fit-regions); NULL: none */
    bool asimov;         /* nothing is left in the fit: post-fit figures fit the Asimov data */
    /* owned */
    double *asimov_main; /* that Asimov data (background only), NULL when not needed */
    char *label_own, *lumi_own, *signal_own, *lumi_text, *note[4];
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
/* Take the blinded and masked bins of the command line (core/model/blind.h decides them; cli's
 * model carries them as its fit mask). 0, or the exit code. */
int hf_figstyle_blind(hf_figstyle *st, const hf_cli *cli);
/* The fit behind post-fit figures: the ordinary fit of the bins left in the fit (the model's
 * mask: neither masked nor blinded), with the POI fixed at the background-only value (0, or its
 * lower bound) when blinding, at --poi-value when given; the Asimov data (background only) when
 * no bin is left. 0 or -1 with err (as hf_fit). */
int hf_figstyle_fit(hf_figstyle *st, hf_model *m, hf_fit_result *r, hf_error *err);
/* The title note of a figure: "blinded", "background-only fit", "mu = 1 (fixed)", joined by
 * commas; NULL when there is nothing to say. Owned by st, valid until the next call with the
 * same postfit. */
const char *hf_figstyle_note(hf_figstyle *st, const hf_model *m, bool postfit);
/* hf_figstyle_note for a figure of channel c alone: "not in fit" added when every bin of c is
 * masked (its post-fit yields are then a prediction of the fit to the other channels). Kept apart
 * from hf_figstyle_note's text: valid until the next call of this function with the same
 * postfit. */
const char *hf_figstyle_note_channel(hf_figstyle *st, const hf_model *m, size_t c, bool postfit);
void hf_figstyle_release(hf_figstyle *st);

#endif
