/* render/plot_stack.h - per-channel stacked histograms (pre- or post-fit) with data, the model's
 * uncertainty band and a data/model ratio panel, drawn from core/model/yields.h. */
#ifndef HF_PLOT_STACK_H
#define HF_PLOT_STACK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/model.h"
#include "core/model/yields.h"
#include "render/scene.h"

/* How signal samples (hf_stack_is_signal) are drawn. */
typedef enum hf_signal_mode {
    HF_SIGNAL_STACK = 0, /* on top of the stack, in the signal colour */
    HF_SIGNAL_OVERLAY    /* a dashed line over the background stack, x signal_scale */
} hf_signal_mode;

typedef struct hf_stack_options {
    bool postfit; /* labels only: the yields say which point is drawn */
    bool logy;
    bool auto_logy;             /* log y when the bin totals span more than three decades */
    hf_signal_mode signal;      /* stack (default) or overlay */
    double signal_scale;        /* overlay: the signal drawn x this; 0: 1 */
    const char *experiment;     /* "ATLAS Internal": first word bold, the rest regular; NULL */
    const double *edges;        /* nbins + 1 bin edges of the observable; NULL: bin index */
    const char *xlabel;         /* with edges: "m_ll [GeV]"; NULL: "Observable" */
    const bool *blinded;        /* per main bin of the model (m->nbins): no data drawn or
                                   compared there; NULL: none */
    bool show_data;             /* default true via hf_stack_options_init */
    const char *lumi_label;     /* e.g. "13 TeV, 139 fb⁻¹"; NULL: none */
    const char *extra_label;    /* another line under the channel name; NULL: none */
    double width_in, height_in; /* 0: single column 3.4 x 3.4 */
    double ratio_half;          /* ratio range 1 +- this; 0: from this figure's data */
    /* summary: the region groups (render/plot_summary.h) that separate and name the slots;
       NULL: CR, VR, SR by name */
    const struct hf_summary_groups *groups;
} hf_stack_options;

void hf_stack_options_init(hf_stack_options *o);

/* Stable stacking order of channel c's samples: indices into m->cs, smallest nominal (pre-fit)
 * total at the bottom, ties by name; signal samples (hf_stack_is_signal) above all the others.
 * Writes *n entries into order (size >= m->ncs). */
void hf_stack_order(const hf_model *m, size_t c, size_t *order, size_t *n);
/* Whether m->cs[k] is a signal sample: it carries the POI's normfactor; in a model without a POI
 * (background-only files), a name containing "sig" in any case. */
bool hf_stack_is_signal(const hf_model *m, size_t k);
/* The ratio half-range hf_plot_stack picks for channel c of y (0.25, 0.5, 1 or 1.5), from the
 * relative band and the data's central ratios (n = 0 bins left out: they get an arrow); the
 * largest of the pre- and post-fit values gives both figures of a channel the same ratio axis.
 * Blinded bins (blinded: per main bin, NULL: none) count with their band only. */
double hf_stack_ratio_half(const hf_yields *y, size_t c, bool show_data, const bool *blinded);

/* The stacked-histogram figure of channel c: main panel (stack, hatched band, data with Garwood
 * intervals, legend, channel and luminosity labels) over a ratio panel data/model with the
 * relative band; ratios outside the panel's range are arrows at its edge labelled with their
 * value. Samples take HF_ROLE_SAMPLE with their global sample index, signal samples
 * HF_ROLE_SIGNAL. NULL on ENOMEM. */
hf_scene *hf_plot_stack(const hf_yields *y, size_t c, const hf_stack_options *opt, hf_error *err);
/* The same two panels inside [x0, x1] x [y0, y1] (fractions) of an existing scene, e.g. pre- and
 * post-fit side by side on one report page. Returns 0, or -1 with err on ENOMEM. */
int hf_plot_stack_into(hf_scene *s, double x0, double y0, double x1, double y1, const hf_yields *y,
                       size_t c, const hf_stack_options *opt, hf_error *err);

/* The all-regions summary: one x slot per bin of the channels chans[0..nch) in that order (one
 * per region for one-bin regions), the stacked samples, the band, data and a ratio panel,
 * region names under it (shared affixes dropped, noted in the axis label), dashed separators and
 * the group names (opt->groups, or CR/VR/SR) where the group changes. title: NULL gives "All
 * regions". NULL on ENOMEM. */
hf_scene *hf_plot_summary(const hf_yields *y, const size_t *chans, size_t nch, const char *title,
                          const hf_stack_options *opt, hf_error *err);
/* The same two panels inside [x0, x1] x [y0, y1] (fractions) of an existing scene (a report
 * page with the pre-fit summary above the post-fit one). 0, or -1 with err on ENOMEM. */
int hf_plot_summary_into(hf_scene *s, double x0, double y0, double x1, double y1,
                         const hf_yields *y, const size_t *chans, size_t nch, const char *title,
                         const hf_stack_options *opt, hf_error *err);

#endif
