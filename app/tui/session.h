/* app/tui/session.h - the explorer's session state (struct tui: one per session, owned by tui_run
 * and reached only through a `struct tui *t`), its dirty bits, and the seams between the rooms of
 * app/tui, bottom to top (no file calls one above it; docs/tui.md draws the map):
 *   session.c  clock, log, status message, lines of text, pulls, the filtered sorted lists,
 *              parameter flags, the links' memory
 *   names.c    row labels of channels and parameters at one width
 *   config.c   the settings file
 *   worker.c   the fit thread: typed jobs in, typed results out, never a call into the UI
 *   density.c  the density lab's thread and settings
 *   syst.c     the Systematics screen's data and its decorrelate-and-refit job
 *   plot.c     yields with bands and the stack scene of a channel
 *   state.c    model-derived data, fits taken over, slider steps, tui_goto, life cycle
 *   links.c    links parameter <-> channels, jumps, the Backspace history, MINOS, NLL shapes
 *   chrome.c   (chrome.h) colours, drawing primitives, top and status lines, overlays
 *   view_*.c   (view.h) one module per view: layout, draw, key, scenes; views.c lists them
 *   export.c   e: the current view's figures through Cairo
 *   keys.c     the key table (help, hints), the prompt and overlays, the global keys
 *   tui.c      the loop: input, results from the worker, frames; terminal setup
 * Every room has its prototypes in its own header (names.h, config.h, links.h, state.h, export.h,
 * plot.h, keys.h, syst.h, worker.h, density.h, chrome.h, view.h, tui.h); this one holds the types
 * they share and session.c's helpers, so that a room depends only on the rooms it calls.
 * app/cmd_tui.c enters through tui.h (tui_run and the curses-free parts). No curses types here. */
#ifndef HF_TUI_SESSION_H
#define HF_TUI_SESSION_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/cli.h"
#include "core/diag/constraints.h"
#include "core/diag/decorrelate.h"
#include "core/diag/nllshape.h"
#include "core/diag/systematics.h"
#include "core/infer/minos.h"
#include "core/infer/point.h"
#include "core/model/fit.h"
#include "core/model/model.h"
#include "core/model/workspace.h"
#include "render/cells.h"
#include "render/labels.h"
#include "render/palette.h"
#include "render/plot_stack.h"
#include "render/scene.h"
#include "render/utf8.h"

/* Panes to redraw (tmux CLIENT_REDRAW*, htop HandlerResult). */
enum {
    TUI_DIRTY_TOP = 1u << 0,
    TUI_DIRTY_LEFT = 1u << 1,
    TUI_DIRTY_MAIN = 1u << 2,
    TUI_DIRTY_STATUS = 1u << 3,
    TUI_DIRTY_OVERLAY = 1u << 4,
    TUI_DIRTY_ALL = 0x1f
};

typedef enum tui_view_id {
    TUI_V_OVERVIEW = 0,
    TUI_V_CHANNELS,
    TUI_V_PARAMS,
    TUI_V_CORR,
    TUI_V_SLIDER,
    TUI_V_DENSITY,
    TUI_V_LOG,
    TUI_V_SYST,    /* key 8: after the original seven, so their numbers stay */
    TUI_V_REGIONS, /* key 9: every region at a glance */
    TUI_V_POINTS,  /* key 0: the signal points of a patchset (only with --patchset/--results) */
    TUI_NVIEWS
} tui_view_id;

/* What a key does (keys.c's table maps keys to actions per view; a view's key callback gets the
 * action first, the global keys after). */
typedef enum tui_action {
    TUI_ACT_NONE = 0,
    TUI_ACT_DOWN,
    TUI_ACT_UP,
    TUI_ACT_LEFT,
    TUI_ACT_RIGHT,
    TUI_ACT_BIGLEFT,
    TUI_ACT_BIGRIGHT,
    TUI_ACT_TOP,
    TUI_ACT_BOTTOM,
    TUI_ACT_HALFDOWN,
    TUI_ACT_HALFUP,
    TUI_ACT_PAGEDOWN,
    TUI_ACT_PAGEUP,
    TUI_ACT_ENTER,
    TUI_ACT_ESC,
    TUI_ACT_TAB,
    TUI_ACT_BTAB,
    TUI_ACT_VIEW,
    TUI_ACT_SEARCH,
    TUI_ACT_NEXT,
    TUI_ACT_PREV,
    TUI_ACT_SORTL,
    TUI_ACT_SORTR,
    TUI_ACT_SORTINV,
    TUI_ACT_PREPOST,
    TUI_ACT_DENSBOOT,
    TUI_ACT_DENSCOST,
    TUI_ACT_LOGY,
    TUI_ACT_NUDGEUP,
    TUI_ACT_NUDGEDOWN,
    TUI_ACT_RESETPAR,
    TUI_ACT_RESETALL,
    TUI_ACT_FIT,
    TUI_ACT_CANCEL,
    TUI_ACT_HOLD,
    TUI_ACT_THRDOWN,
    TUI_ACT_THRUP,
    TUI_ACT_EXPORT,
    TUI_ACT_ASCII,
    TUI_ACT_RELOAD,
    TUI_ACT_REDRAW,
    TUI_ACT_HELP,
    TUI_ACT_QUIT,
    TUI_ACT_QUITNOW,
    TUI_ACT_DECOR,
    TUI_ACT_LINKS,   /* c: the channels constraining a parameter / parameters moving a channel */
    TUI_ACT_BACK,    /* Backspace: back to the last place */
    TUI_ACT_GOTO,    /* ':' go to a channel or parameter by name */
    TUI_ACT_FLAGGED, /* F: only flagged parameters */
    TUI_ACT_MINOS,   /* m: MINOS interval of the selected parameter */
    TUI_ACT_SUSPEND, /* Ctrl-Z: back to the shell until fg */
    TUI_ACT_SHAPE,   /* s: the NLL shape pane of the Parameters view */
    /* v, o: the density lab's example figure one layer at a time; its own events (a prompt) */
    TUI_ACT_DENSLAYER,
    TUI_ACT_DENSEVENTS,
    TUI_ACT_PTLIMIT, /* l in Points: compute the upper limits too */
    TUI_ACT_PTMAP    /* m in Points: the list / the mass-plane map */
} tui_action;

/* A screen rectangle (rows y..y+h, columns x..x+w). */
typedef struct tui_rect {
    int y, x, h, w;
} tui_rect;

/* The current view's pane geometry, computed once by its layout callback (on a resize, a view
 * change or a reload), read by its draw callback. */
typedef struct tui_panes {
    tui_rect body;  /* between the top and status lines */
    tui_rect left;  /* the left column */
    tui_rect below; /* under the left column (Slider: the channel list) */
    tui_rect main;  /* right of the left column */
} tui_panes;

#define TUI_VMASK(v) (1u << (v))
#define TUI_VANY     0xffffu

/* What the status-line prompt asks for. */
typedef enum tui_prompt {
    TUI_PROMPT_NONE = 0,
    TUI_PROMPT_FILTER,
    TUI_PROMPT_EXPORT,
    TUI_PROMPT_GOTO,
    TUI_PROMPT_OVERWRITE, /* the export file exists: y overwrites it */
    TUI_PROMPT_EVENTS     /* the density lab's own events: FILE[:COL] or CHANNEL[/SAMPLE] */
} tui_prompt;

typedef enum tui_overlay { TUI_OV_NONE = 0, TUI_OV_HELP, TUI_OV_DETAIL, TUI_OV_PROMPT } tui_overlay;

/* A row's sort key (tui_list_rebuild). */
typedef struct tui_sortkey {
    double k;
    size_t i;
} tui_sortkey;

/* A filtered, sorted list of row indices with a selection and a scroll offset. */
typedef struct tui_list {
    size_t n;    /* rows in the underlying table */
    size_t *idx; /* visible rows, in display order (nvis of them) */
    size_t nvis;
    tui_sortkey *keys; /* n, scratch for sorting */
    size_t sel;        /* position in idx */
    size_t top;        /* first visible position */
    int sort_col;      /* 0 = natural (pyhf) order */
    bool sort_inv;
    char *filter; /* case-insensitive substring; NULL or "" = all */
} tui_list;

/* The labels of a set of names (channels or parameters) at one column width (names.c). */
typedef struct tui_names {
    size_t n;
    int w;      /* the width the labels were made for */
    bool valid; /* l holds them */
    hf_labels l;
} tui_names;

/* Per-channel summary numbers, for the Channels list and the Overview. */
typedef struct tui_chan {
    size_t nbins;
    double data, pre, post;     /* summed over bins */
    double chi2_pre, chi2_post; /* Poisson deviance (saturated -2 ln lambda), over nbins */
} tui_chan;

/* The fit thread (worker.c): typed jobs in, typed results out, never a call into the UI. */
typedef enum tui_job_kind {
    TUI_JOB_FIT = 0,   /* the explorer's global fit */
    TUI_JOB_SPLIT_FIT, /* the Systematics screen's refit of a decorrelated (split) model */
    TUI_JOB_COND_FIT,  /* a slider refit holding the moved parameters fixed */
    TUI_JOB_MINOS,     /* the MINOS interval of one parameter around the best fit */
    TUI_JOB_NLLSHAPE,  /* the likelihood's shape along every parameter (hf_nllshape) */
    TUI_JOB_POINT      /* one signal point of a patchset: CLs or limits (hf_point_eval) */
} tui_job_kind;

typedef enum tui_result_kind {
    TUI_RESULT_PROGRESS = 0,
    TUI_RESULT_FIT,
    TUI_RESULT_MINOS,
    TUI_RESULT_NLLSHAPE,
    TUI_RESULT_POINT
} tui_result_kind;

/* A point job: patch pi of ps on the background-only document bkg (all kept unchanged by the UI
 * until the result is taken or the worker stopped). The worker sets opt.cancel. */
typedef struct tui_point_job {
    const struct cJSON *bkg;
    const char *bkg_path;
    const struct hf_patchset *ps;
    size_t pi;
    hf_point_options opt;
    double delay; /* seconds the worker waits first: HFSCOPE_TEST_POINT_DELAY, for the tests
                     that watch points fill in (0 otherwise) */
} tui_point_job;

typedef struct tui_result {
    tui_result_kind kind;
    tui_job_kind job;
    union {
        struct {
            int iter;
            double nll, edm;
        } progress;
        struct {
            int rc;            /* hf_fit's return */
            double secs;       /* from submit to the end */
            hf_fit_result res; /* owned by whoever took the result */
            hf_error err;
        } fit;
        struct {
            int rc; /* hf_minos's return */
            hf_minos_result res;
            hf_error err;
        } minos;
        struct {
            size_t pi;
            bool limit;
            int rc;              /* hf_point_eval's return */
            double secs;         /* evaluation time */
            hf_point_result res; /* owned by whoever took the result */
            hf_error err;
        } point;
        struct {
            int rc;          /* hf_nllshape_compute's return */
            hf_nllshape res; /* owned by whoever took the result */
            hf_error err;
        } shape;
    } u;
} tui_result;

typedef struct tui_worker tui_worker;

typedef enum tui_point { TUI_PT_PRE = 0, TUI_PT_POST, TUI_PT_LIVE } tui_point;

/* The Density lab's experiment settings and its thread (tui_density.c). */
struct hf_density_result;
struct hf_density_example;
struct hf_density_truth;
typedef struct tui_dens_job {
    int truth;     /* index into hf_density_truth_names, unless channel is set */
    char *channel; /* a channel's summed nominal template as the truth */
    char *sample;  /* with channel: that sample's template only (NULL: the sum) */
    char *events;  /* FILE[:COL]: the user's own events as the truth (before channel) */
    const hf_model *m;
    size_t n, bins, reps;
    int rule;          /* hf_kde_rule */
    double bw;         /* multiple of the rule's bandwidth */
    size_t boot;       /* bootstrap members per repetition, 0: off */
    double cost_ratio; /* cost of a simulated / a generated event, 0: no cost axis */
    unsigned long seed;
} tui_dens_job;

typedef struct tui_dens {
    pthread_t thread;
    bool started, submitted;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int cancel;
    int wake[2]; /* pipe: the thread writes a byte per snapshot, the loop polls wake[0] */
    /* guarded by mu */
    bool quit, pending, running, fresh;
    tui_dens_job job;
    size_t done_reps;
    struct hf_density_result *res;
    struct hf_density_example *ex;
    struct hf_density_truth *truth;
    char *msg;
    /* UI only */
    int figure; /* hf_density_figure */
    int sel;    /* selected setting */
    int layer;  /* example figure: 0 every layer in small panels, 1-4 one layer */
} tui_dens;

#define TUI_DENS_NSET 8

/* The Systematics screen (tui_syst.c): two-point parameters with their flags and constraint,
 * and a detail (templates, interpolation, constraint sources, decorrelate-and-refit). */
typedef enum tui_syst_pane {
    TUI_SP_TEMPLATES = 0,
    TUI_SP_INTERP,
    TUI_SP_SOURCES,
    TUI_SP_DECOR,
    TUI_SP_COUNT
} tui_syst_pane;

typedef enum tui_decor_state {
    TUI_DECOR_NONE = 0,
    TUI_DECOR_RUNNING,
    TUI_DECOR_DONE,
    TUI_DECOR_FAILED
} tui_decor_state;

typedef struct tui_syst {
    bool tried, analysed;  /* an, first, count, flags, norm, shape filled (once per model) */
    hf_systematics an;     /* entries ordered by parameter, then channel, then sample */
    size_t *first, *count; /* npar: entries an.e[first[p] .. first[p] + count[p]) */
    unsigned *flags;       /* npar: one-sided/large/single-bin of any entry, tiny of all */
    double *norm, *shape;  /* npar: largest |normalisation| and shape effect over entries */
    /* constraint sources at the explorer's best fit (fit generation con_gen) */
    hf_constraints con;
    bool have_con;
    unsigned con_gen;
    size_t *con_idx; /* npar: index into con.p, (size_t)-1 when the parameter has none */
    /* detail */
    bool detail;
    size_t par;        /* the parameter opened */
    size_t esel, etop; /* selected entry (channel/sample) of that parameter, scroll */
    size_t ttop;       /* first line shown of the sources/decorrelate text (j/k scroll) */
    tui_syst_pane pane;
    /* decorrelate (per channel) and refit on the worker thread */
    tui_decor_state dstate;
    size_t dpar; /* the parameter split */
    hf_decorrelation dec;
    hf_workspace *dws;
    hf_model *dm;
    hf_fit_result dfit;
    bool have_dfit, orig_held; /* orig_held: the explorer's fit held slider values fixed */
    char *dmsg;                /* failure reason */
    int diter;
    double dnll, tension, tension_p;
    size_t ndof;
} tui_syst;

/* Links between views (links.c): on a parameter, the channels whose data constrain it (its
 * observed information split into first order and curvature per channel, with the prior); on
 * a channel, the parameters that move it most. A list drawn in place of the view's own. */
typedef struct tui_links {
    bool open;
    bool of_chan;     /* the subject is a channel (rows: parameters), else a parameter */
    size_t subject;   /* channel or parameter index */
    tui_view_id home; /* the view it was opened from */
    size_t norder;    /* rows, ranked (largest first) */
    size_t *order;    /* row items: channels or parameters */
    double *first, *curv, *score; /* per item (nchan or npar) */
    double prior, total;          /* the subject parameter's prior part and H_jj */
    char *explain;                /* hf_constraints_explain, or NULL */
    tui_list list;                /* the rows as a list: filter, selection, scroll */
} tui_links;

/* A place in the explorer to go back to (Backspace). */
typedef struct tui_place {
    tui_view_id view;
    size_t chan, par; /* selected channel and parameter (model indices), (size_t)-1: none */
    bool links, links_of_chan;
    size_t links_subject, links_sel;
} tui_place;

#define TUI_HISTORY 64

typedef enum tui_fitstate {
    TUI_FIT_IDLE = 0,
    TUI_FIT_RUNNING,
    TUI_FIT_DONE,
    TUI_FIT_FAILED
} tui_fitstate;

#define TUI_MSG_MAX 512

/* The terminal's colours (chrome.c): the palette, the curses pairs made so far, the cell grid
 * the figures are drawn into before they are copied to the screen. */
#define TUI_NPAIRS 512
typedef struct tui_colours {
    const hf_palette *pal;
    int pal_owned;
    short fg[TUI_NPAIRS], bg[TUI_NPAIRS]; /* pair k: fg[k] on bg[k], 1 <= k <= npairs */
    int npairs;                           /* pair 0 is the terminal's default */
    hf_cellgrid *grid;
} tui_colours;

struct tui {
    /* input */
    hf_cli cli;
    const char *file_label; /* basename of the workspace path */
    const hf_model *m;
    hf_data data;
    size_t max_chan_samples;
    size_t max_chan_name, max_par_name; /* longest names, in code points (layout) */
    /* parameter vectors (npar): suggested init, live slider values */
    double *init;
    double *live;
    bool *moved;     /* parameters the slider changed */
    bool hold_moved; /* refit keeps moved parameters fixed */
    /* expected yields: pre-fit (init), post-fit (best fit), live (slider); nbins and nys */
    double *nu_pre, *ys_pre, *nu_post, *ys_post, *nu_live, *ys_live;
    hf_eval *live_ev; /* the slider's evaluator, made once */
    tui_chan *chan;
    hf_yields *yl_pre, *yl_post, *yl_live; /* with bands, for the stack figures */
    /* fit */
    tui_fitstate fit_state;
    hf_fit_result fit; /* valid when have_fit */
    bool have_fit;
    double *corr;  /* npar x npar, NULL without covariance */
    char *fit_msg; /* failure reason */
    int fit_iter;
    double fit_nll, fit_secs;
    double fit_t0;   /* tui_now() when the running fit was submitted */
    bool refit_live; /* the running global fit started from the slider's values */
    /* conditional fit: a slider refit with moved parameters held fixed; shown in the Slider
     * only, labelled, never replacing the global best fit above */
    hf_fit_result cfit;
    bool have_cfit, live_is_cfit; /* live_is_cfit: the sliders still show it */
    bool cfit_running;
    char *cfit_label;   /* "conditional fit: NAME held at V" */
    tui_worker *worker; /* NULL: no thread, fits unavailable */
    tui_dens dens;
    /* view state */
    tui_view_id view;
    int focus;                 /* 0 = left list, 1 = second list (slider: channels) */
    tui_list chl, parl, corrl; /* channels, parameters, correlation rows */
    tui_list systl;            /* Systematics: parameters with a normsys or histosys */
    tui_syst syst;
    unsigned fit_gen; /* counts finished fits (caches keyed on the best fit compare it) */
    bool postfit, logy, ascii, mono, test_mode, no_fit, mouse;
    double oc_threshold;   /* over-constrained: post/pre sigma below this */
    double corr_threshold; /* correlation pruning */
    size_t corr_col;       /* heat-map cursor column (position in corrl.idx) */
    size_t corr_coloff;    /* first heat-map column shown */
    tui_overlay overlay;
    size_t detail_par; /* parameter shown in the detail overlay */
    size_t help_top;
    /* prompt (export file name, search) */
    tui_prompt prompt_kind;
    char prompt[256];
    size_t prompt_len;
    char *search; /* last search string */
    /* status line message */
    char msg[TUI_MSG_MAX];
    bool msg_error;
    double msg_until;
    /* log view */
    char **log;
    size_t nlog, log_top;
    /* layout */
    int cols, lines, left_w; /* left_w: the left column (mouse clicks select in it) */
    tui_panes panes;
    bool laid_out; /* panes valid for laid_view at cols x lines */
    tui_view_id laid_view;
    bool too_small;
    unsigned dirty;
    bool quit;
    bool reload; /* R pressed: tui.c reloads between frames */
    tui_colours colours;
    tui_names chan_names, par_names; /* row labels (names.c), at the width last drawn */
    tui_links links;
    tui_place hist[TUI_HISTORY];
    size_t nhist;
    bool flagged_only;   /* Params: only parameters with a flag */
    char goto_hint[256]; /* the go-to prompt's candidates */
    /* MINOS intervals at the best fit of generation minos_gen (npar; par (size_t)-1: none) */
    hf_minos_result *minos;
    unsigned minos_gen;
    bool minos_running;
    /* NLL shapes at the best fit of generation shape_gen (s in the Parameters view) */
    hf_nllshape shape;
    bool have_shape, shape_running, shape_pane;
    unsigned shape_gen;
    size_t ov_sel;    /* Overview: the selected line (one with a target) */
    size_t reg_sel;   /* Regions: the selected region (position in the grouped order) */
    size_t reg_chan;  /* Regions: its channel (set when drawn) */
    bool reg_grid;    /* Regions: the grid of small stacks instead of the list */
    size_t ov_target; /* Overview: the selected entry's channel c or parameter nchan + p */
    int tab_x0[TUI_NVIEWS], tab_x1[TUI_NVIEWS]; /* the top line's tabs (columns), for clicks */
    struct tui_points *points; /* the patchset browser (points.h), NULL without --patchset; owned
                                  by cmd_tui.c, kept across reloads */
};

/* session.c: helpers below everything else in app/tui */
double tui_now(void);
void tui_message(struct tui *t, bool error, const char *fmt, ...) HF_PRINTF(3, 4);
void tui_log(struct tui *t, const char *fmt, ...) HF_PRINTF(2, 3);
int tui_cmp_double(double a, double b);

/* Lines of text built for a pane (overview, sources, decorrelation); the caller frees s[]. */
typedef struct tui_lines {
    char **s;
    size_t n;
    bool nomem;
} tui_lines;
void tui_lines_add(tui_lines *v, const char *fmt, ...) HF_PRINTF(2, 3);
/* Hand v's lines to *out and return their count; after an ENOMEM free them, set *out = NULL and
 * return (size_t)-1. */
size_t tui_lines_finish(tui_lines *v, char ***out);
void tui_lines_free(char **lines, size_t n);
double tui_param_step(const struct tui *t, size_t p);
const double *tui_best(const struct tui *t);
double tui_pull(const struct tui *t, size_t p, double *ratio);
bool tui_syst_keep(const struct tui *t, size_t p);
void tui_list_rebuild(struct tui *t, tui_list *l);
tui_list *tui_focused_list(struct tui *t);
void tui_list_move(tui_list *l, long delta);
void tui_list_clamp(tui_list *l, int rows);
size_t tui_current_channel(const struct tui *t);
size_t tui_current_param(const struct tui *t);
hf_scene **tui_one_page(hf_scene *s, size_t *n);
bool tui_fuzzy_match(const char *name, const char *pat, int *score);
const char *tui_selected_name(const struct tui *t);
unsigned tui_par_flags(const struct tui *t, size_t p);
const char *tui_par_flag_text(unsigned flags, char *buf, size_t n);
/* flags of tui_par_flags */
enum {
    TUI_F_OC = 1u << 0,
    TUI_F_PULL = 1u << 1,
    TUI_F_BOUND = 1u << 2,
    TUI_F_CURV = 1u << 3,
    TUI_F_1SIDE = 1u << 4,
    TUI_F_HESSE = 1u << 5
};
/* the links' memory (links.c fills it) */
void tui_links_release(tui_links *k);

#endif
