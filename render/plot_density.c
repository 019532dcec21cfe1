/* render/plot_density.c - the density lab's figures (see plot_density.h). */
#include "render/plot_density.h"

const char *
hf_plot_density_name(hf_density_figure f)
{
    static const char *const names[] = {"mse", "decomposition", "bandwidth", "example"};
    return (unsigned)f < HF_DENSITY_FIG_COUNT ? names[f] : "?";
}

hf_scene *
hf_plot_density(hf_density_figure f, const hf_density_truth *t, const hf_density_result *r,
                const hf_density_example *ex)
{
    (void)f;
    (void)t;
    (void)r;
    (void)ex;
    return hf_scene_new(7.0, 4.5);
}
