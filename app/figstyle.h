/* app/figstyle.h - the figure options `plot` and `report` share: experiment label, energy and
 * luminosity, signal drawing, per-sample colours (--style FILE.json) and bin edges
 * (--binning FILE.json). Formats in docs/figures.md. */
#ifndef HF_FIGSTYLE_H
#define HF_FIGSTYLE_H

#include <stdbool.h>
#include <stddef.h>

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
    /* owned */
    char *label_own, *lumi_own, *signal_own, *lumi_text;
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
void hf_figstyle_release(hf_figstyle *st);

#endif
