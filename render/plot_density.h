/* render/plot_density.h - figures of the density lab (core/density/density.h) as scenes: MSE
 * against the number of generated events, its decomposition, amplification against bandwidth and
 * binning, one repetition's truth / training histogram / KDE / generated histogram, MSE against
 * compute, the coverage of the error bars, and one generated histogram's bootstrap bands. */
#ifndef HF_PLOT_DENSITY_H
#define HF_PLOT_DENSITY_H

#include "core/density/density.h"
#include "render/scene.h"

typedef enum hf_density_figure {
    HF_DENSITY_FIG_MSE = 0, /* MSE vs M (log-log), sum p(1-p)/n line, plateau; amplification */
    HF_DENSITY_FIG_DECOMPOSITION, /* bias^2, training variance, sampling variance vs M */
    HF_DENSITY_FIG_BANDWIDTH,     /* amplification vs bandwidth (rules marked) and vs binning */
    HF_DENSITY_FIG_EXAMPLE,       /* truth, training histogram, KDE, generated histogram */
    HF_DENSITY_FIG_COST,          /* MSE vs compute t, simulation vs generative (log-log) */
    HF_DENSITY_FIG_COVERAGE,      /* coverage of naive, bootstrap and debiased bands per M */
    HF_DENSITY_FIG_BOOTSTRAP,     /* one generated histogram with both bands; pulls per bin */
    HF_DENSITY_FIG_COUNT
} hf_density_figure;

/* Who reads the figure: the hints for missing data name the command's options (CLI) or the
 * explorer's keys (TUI). */
typedef enum hf_density_reader { HF_DENSITY_FOR_CLI = 0, HF_DENSITY_FOR_TUI } hf_density_reader;

/* The example figure's layers: all four in small panels (0), or one of them large. */
typedef enum hf_density_layer {
    HF_DENSITY_LAYER_ALL = 0,
    HF_DENSITY_LAYER_TRUTH,
    HF_DENSITY_LAYER_TRAINING, /* histogram of the n training events */
    HF_DENSITY_LAYER_KDE,
    HF_DENSITY_LAYER_GENERATED, /* histogram of M events generated from the KDE */
    HF_DENSITY_LAYER_COUNT
} hf_density_layer;

typedef struct hf_plot_density_opts {
    hf_density_reader reader;
    hf_density_layer layer;
} hf_plot_density_opts;

/* "mse", "decomposition", "bandwidth", "example", "cost", "coverage", "bootstrap" (file names:
 * density_<name>.png). */
const char *hf_plot_density_name(hf_density_figure f);
/* A new scene for figure f (ex is needed only by HF_DENSITY_FIG_EXAMPLE and
 * HF_DENSITY_FIG_BOOTSTRAP and may be NULL otherwise). Figures whose data is off (no cost axis,
 * no bootstrap) say which option turns it on. Returns NULL on ENOMEM or when a needed ex is
 * NULL; caller frees with hf_scene_free. */
hf_scene *hf_plot_density(hf_density_figure f, const hf_density_truth *t,
                          const hf_density_result *r, const hf_density_example *ex);
/* The same with options (NULL: the CLI's, every layer). */
hf_scene *hf_plot_density_opt(hf_density_figure f, const hf_density_truth *t,
                              const hf_density_result *r, const hf_density_example *ex,
                              const hf_plot_density_opts *o);
/* "all", "truth", "training", "KDE", "generated". */
const char *hf_plot_density_layer_name(hf_density_layer l);

#endif
