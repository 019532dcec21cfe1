/* app/cmd_view.c - `hfscope view WS --channel NAME [--postfit] [--width N]`: the explorer's stack
 * plot of one channel printed to stdout as text (render/cells), for scripts and tests. It draws
 * through the public yields (core/model/yields.h) and the stack builder (render/plot_stack.h),
 * as the explorer does. */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cli.h"
#include "core/model/fit.h"
#include "core/model/yields.h"
#include "render/cells.h"
#include "render/palette.h"
#include "render/plot_stack.h"
#include "render/utf8.h"

int cmd_view(int argc, char **argv);

/* The yields to draw: pre-fit at the suggested init (prior band), or post-fit after a fit (its
 * covariance for the band). NULL after printing the error (*rc set). */
static hf_yields *
yields(hf_cli *cli, bool postfit, int *rc)
{
    const hf_model *m = cli->model;
    hf_error err = {0};
    hf_yields *y = NULL;
    if (!postfit) {
        y = hf_yields_compute(m, m->init, NULL, &err);
    } else {
        hf_data d = hf_model_data(m);
        hf_fit_result res = {0};
        /* blinding: a background-only fit (the POI fixed at 0, or its lower bound) of the
         * unblinded bins (the model's mask), as `plot --blind` makes */
        hf_fit_options o = {.fix_index = hf_cli_blinding(cli) ? m->poi : -1};
        if (o.fix_index >= 0)
            o.fix_value = hf_blind_poi_bonly(m);
        if (hf_fit(m, &d, &o, &res, &err) == 0) {
            if (!res.converged)
                hf_cli_warn("%s: the fit did not converge (%s)", cli->ws_path,
                            res.message ? res.message : "?");
            y = hf_yields_compute(m, res.x, res.cov, &err);
        } else {
            *rc = hf_cli_report(cli->ws_path, &err);
        }
        hf_fit_result_release(&res);
    }
    if (y == NULL && *rc == 0) {
        fprintf(stderr, "hfscope: error: out of memory\n");
        *rc = 1;
    }
    hf_error_release(&err);
    return y;
}

/* "post-fit", with what the fit left out: "post-fit, background-only fit to unblinded bins",
 * "pre-fit, blinded", "post-fit, not in fit" (every bin of c masked). */
static const char *
point_label(const hf_cli *cli, size_t c, bool postfit)
{
    const hf_model *m = cli->model;
    bool masked = cli->masked != NULL && m->chan_nbins[c] > 0, blinded = false;
    for (size_t b = m->chan_off[c]; b < m->chan_off[c] + m->chan_nbins[c]; b++) {
        masked = masked && cli->masked[b];
        blinded = blinded || (cli->blinded != NULL && cli->blinded[b]);
    }
    if (!postfit)
        return blinded ? "pre-fit, blinded" : "pre-fit";
    if (masked)
        return "post-fit, not in fit";
    if (hf_cli_blinding(cli))
        return blinded ? "post-fit, blinded, background-only fit to unblinded bins"
                       : "post-fit, background-only fit to unblinded bins";
    return cli->fit_mask != NULL ? "post-fit, fit to unmasked bins" : "post-fit";
}

/* Print (or write to -o, through a temporary file and a rename) "NAME · POINT" and the text. */
static int
emit(const hf_cli *cli, const char *name, const char *point, bool ascii, const char *text)
{
    const char *sep = ascii ? " - " : " \xc2\xb7 ";
    if (cli->output == NULL) {
        printf("%s%s%s\n", name, sep, point);
        fputs(text, stdout);
        return 0;
    }
    size_t hl = strlen(name) + strlen(point) + 32, tl = strlen(text);
    char *all = malloc(hl + tl + 1);
    if (all == NULL) {
        fprintf(stderr, "hfscope: error: out of memory\n");
        return 1;
    }
    int n = snprintf(all, hl, "%s%s%s\n", name, sep, point);
    memcpy(all + n, text, tl + 1);
    hf_error werr = {0};
    int rc = 0;
    if (hf_write_file_atomic(cli->output, all, (size_t)n + tl, &werr) < 0)
        rc = hf_cli_report(cli->output, &werr);
    free(all);
    hf_error_release(&werr);
    return rc;
}

/* The stack of channel c as text at width x height cells (about ten cells an inch across and five
 * down, as in the explorer); NULL on ENOMEM. */
static char *
draw(const hf_cli *cli, const hf_yields *y, size_t c, bool postfit, bool logy, int width,
     int height, const char *color, bool ascii)
{
    const char *nc = getenv("NO_COLOR");
    bool use_colour =
        strcmp(color, "always") == 0 ||
        (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) && !(nc != NULL && nc[0] != '\0'));
    hf_stack_options o;
    hf_stack_options_init(&o);
    o.postfit = postfit;
    o.logy = logy;
    o.width_in = width / 10.0;
    o.height_in = height / 5.0;
    o.blinded = cli->blinded; /* no data, ratio or deviance there (core/model/blind.h) */
    hf_error err = {0};
    hf_scene *s = hf_plot_stack(y, c, &o, &err);
    hf_error_release(&err);
    hf_cellgrid *g = hf_cells_new(width, height);
    char *text = NULL;
    int owned = 0;
    const hf_palette *pal = use_colour ? hf_palette_default(&owned, &err) : NULL;
    if (use_colour && pal == NULL)
        pal = hf_palette_builtin();
    hf_error_release(&err);
    if (g != NULL && s != NULL) {
        g->mono = !use_colour;
        if (hf_cells_draw(g, s, ascii ? HF_GLYPHS_ASCII : HF_GLYPHS_BRAILLE) == 0)
            text = hf_cells_to_text(g, pal);
    }
    if (owned)
        hf_palette_free((hf_palette *)pal);
    hf_scene_free(s);
    hf_cells_free(g);
    return text;
}

int
cmd_view(int argc, char **argv)
{
    const char *channel = NULL, *color = "auto";
    bool postfit = false, logy = false;
    int width = 0, height = 0;
    const hf_opt extra[] = {
        {"channel", 'c', HF_OPT_STRING, &channel, "channel to draw (default: the first)"},
        {"postfit", 0, HF_OPT_FLAG, &postfit, "draw the post-fit stack (fits first)"},
        {"logy", 0, HF_OPT_FLAG, &logy, "logarithmic y axis"},
        {"width", 'w', HF_OPT_INT, &width, "columns (default: the terminal's, else 100)"},
        {"height", 0, HF_OPT_INT, &height, "rows (default: width * 0.3, at least 12)"},
        {"color", 0, HF_OPT_STRING, &color, "auto|always|never (auto: on a terminal, no NO_COLOR)"},
        {NULL, 0, HF_OPT_FLAG, NULL, NULL},
    };
    hf_cli cli = {0};
    int rc = hf_cli_parse(&cli, argc, argv, extra,
                          "view [OPTIONS] WORKSPACE.json --channel NAME [--postfit] [--width N]");
    if (rc != 0) {
        hf_cli_done(&cli);
        return rc < 0 ? 0 : rc;
    }
    if (strcmp(color, "auto") != 0 && strcmp(color, "always") != 0 && strcmp(color, "never") != 0) {
        hf_cli_done(&cli);
        return hf_cli_error("--color: expected auto, always or never, got '%s'", color);
    }
    if (cli.json) {
        hf_cli_done(&cli);
        return hf_cli_error("view: no --json output (the figure is text; see `hfscope plot`)");
    }
    if (width == 0) {
        const char *cols = getenv("COLUMNS");
        width = cols != NULL && atoi(cols) > 0 ? atoi(cols) : 100;
    }
    if (width < 30 || width > 1000 || (height != 0 && (height < 8 || height > 500))) {
        hf_cli_done(&cli);
        return hf_cli_error("--width must be 30..1000 and --height 8..500");
    }
    if (height == 0)
        height = width * 3 / 10 < 12 ? 12 : width * 3 / 10;
    if ((rc = hf_cli_load(&cli)) != 0) {
        hf_cli_done(&cli);
        return rc;
    }
    size_t c = 0;
    if (channel != NULL) {
        int ci = hf_model_find_channel(cli.model, channel);
        if (ci < 0) {
            rc = hf_cli_unknown_channel(cli.model, "--channel", channel);
            hf_cli_done(&cli);
            return rc;
        }
        c = (size_t)ci;
    }
    if (cli.model->nchan == 0) {
        hf_cli_done(&cli);
        return hf_cli_error("%s has no channel", cli.ws_path);
    }
    rc = 0;
    hf_yields *y = yields(&cli, postfit, &rc);
    if (y != NULL) {
        bool ascii = cli.ascii || strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
        char *text = draw(&cli, y, c, postfit, logy, width, height, color, ascii);
        char *name = hf_utf8_escape(cli.model->chan[c]->name); /* no ESC or CR to the terminal */
        if (text == NULL || name == NULL) {
            rc = hf_cli_nomem();
        } else {
            rc = emit(&cli, name, point_label(&cli, c, postfit), ascii, text);
        }
        free(name);
        free(text);
        hf_yields_free(y);
    }
    hf_cli_done(&cli);
    return rc;
}
