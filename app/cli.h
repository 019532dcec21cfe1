/* app/cli.h - what every command shares: common options, loading the model, errors, output. */
#ifndef HF_CLI_H
#define HF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "core/model/blind.h"
#include "core/model/fit.h"
#include "core/model/model.h"

struct cJSON;
struct hf_scene;

/* A command-specific option: --name (and -c when c != 0). kind selects what `target` points to. */
typedef enum hf_optkind {
    HF_OPT_FLAG,
    HF_OPT_STRING,
    HF_OPT_DOUBLE,
    HF_OPT_INT,
    HF_OPT_LIST /* repeatable string: target is an hf_optlist the command frees (free(l.v)) */
} hf_optkind;
typedef struct hf_optlist {
    size_t n;
    const char **v; /* borrowed from argv */
} hf_optlist;
typedef struct hf_opt {
    const char *name;
    int c;
    hf_optkind kind;
    void *target; /* bool*, const char**, double*, int*, hf_optlist* */
    const char *help;
} hf_opt;

typedef struct hf_fixspec {
    const char *name;
    double value;
} hf_fixspec;

typedef struct hf_cli {
    const char *command;
    const char *ws_path; /* first positional argument */
    int npos;            /* positional arguments (ws_path is pos[0]) */
    char **pos;
    bool json, quiet, verbose, ascii;
    const char *output;
    const char *measurement, *poi, *patch;
    size_t nfix;
    hf_fixspec *fix;
    hf_model_options mopt; /* measurement, poi and --interp codes */
    int jobs;
    unsigned long seed;
    /* --tolerance, --max-iter, --strategy (0 each when not given; strategy coded as
     * hf_fit_options.strategy) */
    double fit_tol;
    int fit_max_iter;
    int fit_strategy;
    /* --mask CH,... and --fit-regions PATTERN,... (repeatable; names or shell patterns), and
     * blinding: --blind (by_signal), --blind-threshold, --blind-channels (docs/inference.md) */
    hf_optlist mask, fit_regions;
    hf_blind_options blind;
    /* loaded by hf_cli_load */
    hf_workspace *ws;
    hf_model *model;
    /* per main bin, NULL when not asked: masked (--mask, --fit-regions: drawn "not in fit"),
     * blinded (no data shown, compared or fitted), and fit_mask, their union: the model's mask */
    bool *masked, *blinded, *fit_mask;
    size_t nmasked, nblinded, nfitted; /* bins masked, blinded, left in the fit */
} hf_cli;

typedef struct hf_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} hf_command;

/* Parse argv (argv[0] is the command name) with the common options plus `extra` (terminated by
 * a {NULL} entry). Prints usage and returns 2 on error, -1 when --help was printed (exit 0), 0 ok.
 * `usage` is the one-line synopsis after "hfscope ". */
int hf_cli_parse(hf_cli *cli, int argc, char **argv, const hf_opt *extra, const char *usage);
/* hf_cli_parse offering only the common options named in `only` (NULL-terminated; --help is
 * always offered): the others are rejected and left out of --help. */
int hf_cli_parse_only(hf_cli *cli, int argc, char **argv, const hf_opt *extra, const char *usage,
                      const char *const *only);
/* Load ws_path (applying --patch), compile with --measurement/--poi/--interp, apply --fix to the
 * model's suggested init/fixed. Prints warnings (unless -q) and errors; returns 0 or exit code 2.
 */
int hf_cli_load(hf_cli *cli);
void hf_cli_release(hf_cli *cli);
/* A command's last word on its cli: the process exits next, and its teardown returns the
 * workspace, the model and the parse tree faster than freeing them one by one would (0.2 ms of
 * inspect's 6 on a 1 MB workspace). Leak-checking builds (AddressSanitizer; `make valgrind`
 * defines HF_FREE_AT_EXIT) free everything, so a real leak still shows there. */
void hf_cli_done(hf_cli *cli);
/* The fit settings of the command line (--tolerance, --max-iter, --strategy, --seed, and with -v
 * a log line per fit stage on stderr) onto a compiled model, for every fit made with it. */
void hf_cli_fit_settings(const hf_cli *cli, hf_model *m);
/* hf_cli_parse then hf_cli_load. False when the command must return at once: *rc then holds its
 * exit code (0 after --help) and cli is already released. */
bool hf_cli_open(hf_cli *cli, int argc, char **argv, const hf_opt *extra, const char *usage,
                 int *rc);
/* Whether the command line asked for blinding (--blind or --blind-channels): the POI's fitted
 * value and error then print as "blinded" (JSON: null and "blinded": true). */
bool hf_cli_blinding(const hf_cli *cli);
/* Whether parameter j's value and error must print as "blinded" (the POI when blinding). */
bool hf_cli_par_blinded(const hf_cli *cli, size_t j);
/* key: null, and "blinded": true beside it, into the JSON object o. */
void hf_cli_json_blinded(struct cJSON *o, const char *key);
/* "masked_channels" (names), "fit_regions" and "blinded_channels" (channels with a blinded bin)
 * into a --json document, when there are any. */
void hf_cli_json_masks(struct cJSON *doc, const hf_cli *cli);
/* One line per kind: "not in the fit (--mask): A, B" and "blinded: C (3 bins)", when any. */
void hf_cli_print_masks(FILE *out, const hf_cli *cli);
/* Blinding for the tests (cls, limit, significance): the blinded bins go back into the
 * likelihood holding the expectation of a background-only fit to the other bins (POI at 0, or
 * its lower bound), so expected results use every bin while no count of a blinded bin enters;
 * observed results are then meaningless and print as "blinded". d gets that data, or without
 * blinding the observed data; *owned is what the caller frees (NULL without blinding).
 * Returns 0 or the exit code. */
int hf_cli_blind_data(hf_cli *cli, hf_data *d, double **owned);
/* Blinding for the impacts (ranking, the report's ranking page): the Asimov data of the initial
 * values (the POI at its suggested value) in every bin, so nothing of the data enters and
 * neither the POI's value nor whether it sits on a bound can be read off. d gets that data;
 * *owned (the caller frees) holds it. Sets the model's mask back to the channels masked by the
 * command line only (the blinded bins count, as Asimov): save m->mask to restore it. Returns 0
 * or the exit code. */
int hf_cli_blind_asimov(hf_cli *cli, hf_data *d, double **owned);
/* For commands that need a POI: true, or false with a usage error printed and *rc = 2. */
bool hf_cli_need_poi(const hf_cli *cli, const char *command, int *rc);
/* A computation that failed: the error line and, with --json, a document saying why
 * ("converged": false, "error"). Returns the exit code (1 for a fit, 2 for bad input). */
int hf_cli_fail(const hf_cli *cli, const hf_error *err);

/* "hfscope: error: FILE:POINTER: MESSAGE" on stderr; returns the exit code for err (2 or 1). */
int hf_cli_report(const char *file, const hf_error *err);
/* --range LO:HI (finite, LO < HI) into lo and hi: 0, or 2 after a usage error was printed. */
int hf_cli_parse_range(const char *s, double *lo, double *hi);
/* The candidate nearest to name (case-insensitive edit distance), or NULL when none is close:
 * for "did you mean" hints. NULL entries of cands are skipped. */
const char *hf_cli_nearest(const char *name, const char *const *cands, size_t n);
/* An unknown channel or parameter name given to `option`: one line with the nearest name and
 * the valid ones (the first 12). Return 2. */
int hf_cli_unknown_channel(const hf_model *m, const char *option, const char *name);
int hf_cli_unknown_param(const hf_model *m, const char *option, const char *name);
/* Fix each parameter of fix[0..n) at its value in m (init and fixed): -1 with err (HF_EUSAGE)
 * for a name m lacks or a value outside the parameter's bounds. */
int hf_cli_fix_params(hf_model *m, const hf_fixspec *fix, size_t n, hf_error *err);
/* One error line "hfscope: error: ..." on stderr (usage or bad input); returns 2. */
int hf_cli_error(const char *fmt, ...) HF_PRINTF(1, 2);
/* "hfscope: error: out of memory" on stderr; returns 2. */
int hf_cli_nomem(void);
void hf_cli_warn(const char *fmt, ...) HF_PRINTF(1, 2);
/* The program as invoked (argv[0], e.g. "build/hfscope"), for hints that print a command. */
void hf_cli_set_progname(const char *argv0);
const char *hf_cli_progname(void);

/* A --json document started with hfscope_version, command and workspace. */
struct cJSON *hf_cli_json_doc(const hf_cli *cli);
/* Print doc (pretty) to stdout or, with path != NULL, write it to path through a temporary file
 * and rename. Frees doc. Returns 0 or an exit code. */
int hf_cli_json_emit(struct cJSON *doc, const char *path);
/* Draw one scene to path, the format from its extension (--plot FILE.pdf/.png/.svg). s may be
 * NULL when its builder failed (err then says why); s is freed. Returns 0 or an exit code. */
int hf_cli_save_scene(const char *path, struct hf_scene *s, hf_error *err);
/* Write len bytes to path atomically (temporary file in the same directory, then rename). */
int hf_write_file_atomic(const char *path, const void *data, size_t len, hf_error *err);
/* Write a JSON value to path atomically, pretty-printed with a final newline. */
int hf_cli_write_json(const char *path, const struct cJSON *v, hf_error *err);
/* Write two JSON files, both or neither as far as the file system allows: both are staged in
 * temporary files first, then renamed. The two paths must differ. Returns 0 or -1 with err. */
int hf_cli_write_json_pair(const char *path1, const struct cJSON *v1, const char *path2,
                           const struct cJSON *v2, hf_error *err);
/* "OUT.patch.json" for the workspace OUT(.json): where a written workspace's patch goes. NULL on
 * ENOMEM; caller frees. */
char *hf_cli_patch_path(const char *out);

/* How a fit got its result, into a --json document: "strategy", "stage", "restarts" (count,
 * "seed") and "stages" (one object per stage run). */
void hf_cli_json_fit_stages(struct cJSON *doc, const hf_fit_result *r);
/* "flat_directions": [{"parameters": [...], "weights": [...], "eigenvalue": x}, ...] */
void hf_cli_json_flat(struct cJSON *doc, const hf_model *m, const hf_fit_result *r);
/* One line per flat direction: "flat direction: A and B are determined only in combination
 * (eigenvalue 3e-09)". */
void hf_cli_print_flat(FILE *out, const hf_model *m, const hf_fit_result *r);

/* A workspace document compiled and fitted (free, all parameters at their suggested init). */
typedef struct hf_docfit {
    hf_workspace *ws;
    hf_model *m;
    hf_fit_result fit;
    bool have_fit;
} hf_docfit;
/* Validate, compile (with mopt), apply cli's --fix and fit a copy of doc; path names it in
 * errors. Returns 0, -1 with err, or 2 after a --fix error was printed (r is then partly
 * filled: release it either way). */
int hf_cli_fit_doc(const hf_cli *cli, const struct cJSON *doc, const char *path,
                   const hf_model_options *mopt, hf_docfit *r, hf_error *err);
void hf_docfit_release(hf_docfit *r);

#endif
