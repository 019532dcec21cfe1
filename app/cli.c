/* app/cli.c - common options, loading (with --patch), error lines and JSON output for commands. */
#include "app/cli.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/asan.h"
#include "core/json/digest.h"
#include "core/json/patchset.h"
#include "core/model/workspace.h"
#include "render/cairo.h"
#include "render/scene.h"
#include "render/utf8.h"

static char *json_text(const cJSON *v);

enum {
    OPT_JSON = 1000,
    OPT_MEAS,
    OPT_POI,
    OPT_PATCH,
    OPT_FIX,
    OPT_INTERP,
    OPT_SEED,
    OPT_ASCII,
    OPT_TOL,
    OPT_MAXIT,
    OPT_STRATEGY,
    OPT_MASK,
    OPT_FITREG,
    OPT_BLIND,
    OPT_BLINDTHR,
    OPT_BLINDCH,
    OPT_EXTRA = 2000
};

static const struct {
    const char *name;
    int has_arg, val;
    const char *help;
} common[] = {
    {"json", 0, OPT_JSON, "machine-readable result on stdout"},
    {"output", 1, 'o', "write the result to PATH"},
    {"measurement", 1, OPT_MEAS, "measurement NAME (default: the first)"},
    {"poi", 1, OPT_POI, "parameter of interest NAME"},
    {"patch", 1, OPT_PATCH, "apply PATCHSET.json[:NAME] (or a JSON patch) before compiling"},
    {"fix", 1, OPT_FIX, "fix NAME=VALUE (repeatable)"},
    {"interp", 1, OPT_INTERP, "normsys=code4,histosys=code4p (codes 0,1,2,4,4p)"},
    {"jobs", 1, 'j', "threads"},
    {"seed", 1, OPT_SEED, "random seed"},
    {"tolerance", 1, OPT_TOL, "fits: converged when the EDM is below X (default 1e-9)"},
    {"max-iter", 1, OPT_MAXIT, "fits: at most N iterations per stage (default 200)"},
    {"strategy", 1, OPT_STRATEGY, "fits: 0 fast, 1 fall back when stuck (default), 2 careful"},
    {"mask", 1, OPT_MASK, "fits leave out the channels CH,... (names or shell patterns)"},
    {"fit-regions", 1, OPT_FITREG, "fits see only the channels matching PATTERN,... ('CR*')"},
    {"blind", 0, OPT_BLIND,
     "hide the POI's value and the data of bins whose signal is above --blind-threshold of the "
     "background (control regions stay open)"},
    {"blind-threshold", 1, OPT_BLINDTHR, "--blind: signal / background above which (0.02)"},
    {"blind-channels", 1, OPT_BLINDCH, "blind these channels entirely (names or patterns)"},
    {"ascii", 0, OPT_ASCII, "ASCII glyphs only"},
    {"quiet", 0, 'q', "no warnings"},
    {"verbose", 0, 'v', "more detail"},
    {"help", 0, 'h', "this help"},
};
#define NCOMMON (sizeof(common) / sizeof(common[0]))

/* argv[0] of the program, for hints that print a command to run (app state, set once by main). */
static const char *progname = "hfscope";

void
hf_cli_set_progname(const char *argv0)
{
    if (argv0 != NULL && *argv0 != '\0')
        progname = argv0;
}

const char *
hf_cli_progname(void)
{
    return progname;
}

/* One line on stderr: prefix, then fmt with the names it holds escaped for the terminal (a
 * workspace's names may carry ESC, CR or LF; render/utf8.h). */
static void
put_line(const char *prefix, const char *fmt, va_list ap)
{
    char *text = hf_vformat(fmt, ap);
    char *esc = text != NULL ? hf_utf8_escape(text) : NULL;
    fprintf(stderr, "%s%s\n", prefix, esc != NULL ? esc : "out of memory");
    free(esc);
    free(text);
}

void
hf_cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_line("hfscope: warning: ", fmt, ap);
    va_end(ap);
}

int
hf_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_line("hfscope: error: ", fmt, ap);
    va_end(ap);
    return 2;
}

int
hf_cli_nomem(void)
{
    return hf_cli_error("out of memory");
}

int
hf_cli_report(const char *file, const hf_error *err)
{
    const char *where = err->where != NULL ? err->where : "";
    if (file != NULL && *file)
        hf_cli_error("%s:%s%s%s", file, where, *where ? ": " : " ", hf_error_msg(err));
    else
        hf_cli_error("%s%s%s", where, *where ? ": " : "", hf_error_msg(err));
    return err->code == HF_EFIT ? 1 : 2;
}

/* Whether the common option `name` is offered: all when only is NULL, else those listed
 * (NULL-terminated) and --help. */
static bool
common_offered(const char *const *only, const char *name)
{
    if (only == NULL || strcmp(name, "help") == 0)
        return true;
    for (; *only != NULL; only++)
        if (strcmp(*only, name) == 0)
            return true;
    return false;
}

/* Levenshtein distance of a and b, ignoring ASCII case (two-row dynamic programme). */
static size_t
edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    size_t *row = malloc((nb + 1) * sizeof(*row));
    if (row == NULL)
        return (size_t)-1;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t sub =
                diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            diag = up;
        }
    }
    size_t d = row[nb];
    free(row);
    return d;
}

/* See cli.h: the same name in another case wins, then the smallest edit distance within a third
 * of the name's length (at least 2). */
const char *
hf_cli_nearest(const char *name, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bestd = strlen(name) / 3 > 2 ? strlen(name) / 3 : 2;
    for (size_t i = 0; i < n; i++) {
        if (cands[i] == NULL)
            continue;
        if (strcasecmp(cands[i], name) == 0)
            return cands[i];
        size_t d = edit_distance(name, cands[i]);
        if (d <= bestd && (best == NULL || d < bestd)) {
            best = cands[i];
            bestd = d;
        }
    }
    return best;
}

static void
print_help(const char *usage, const hf_opt *extra, const char *const *only)
{
    printf("usage: hfscope %s\n\noptions:\n", usage);
    for (const hf_opt *o = extra; o != NULL && o->name != NULL; o++) {
        char left[64];
        snprintf(left, sizeof(left), "%s%c%s--%s%s", o->c ? "-" : "", o->c ? o->c : ' ',
                 o->c ? ", " : "  ", o->name, o->kind == HF_OPT_FLAG ? "" : " X");
        printf("  %-28s %s\n", left, o->help ? o->help : "");
    }
    for (size_t i = 0; i < NCOMMON; i++) {
        if (!common_offered(only, common[i].name))
            continue;
        char left[64];
        int c = common[i].val < 256 ? common[i].val : 0;
        snprintf(left, sizeof(left), "%s%c%s--%s%s", c ? "-" : "", c ? c : ' ', c ? ", " : "  ",
                 common[i].name, common[i].has_arg ? " X" : "");
        printf("  %-28s %s\n", left, common[i].help);
    }
}

static int
parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int
parse_interp(hf_cli *cli, const char *arg)
{
    char *copy = strdup(arg);
    if (copy == NULL)
        return hf_cli_nomem();
    int rc = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        hf_interp_code code;
        if (eq == NULL) {
            rc = hf_cli_error("--interp: expected normsys=CODE,histosys=CODE, got '%s'", tok);
            break;
        }
        if (hf_interp_parse(eq + 1, &code) < 0) {
            static const char *const codes[] = {"code0", "code1", "code2", "code4", "code4p"};
            const char *near = hf_cli_nearest(eq + 1, codes, 5);
            rc = hf_cli_error("--interp: unknown code '%s'%s%s%s (codes: code0, code1, "
                              "code2, code4, code4p)",
                              eq + 1, near ? "; did you mean '" : "", near ? near : "",
                              near ? "'?" : "");
            break;
        }
        *eq = '\0';
        if (strcmp(tok, "normsys") == 0)
            cli->mopt.normsys_code = code;
        else if (strcmp(tok, "histosys") == 0)
            cli->mopt.histosys_code = code;
        else {
            rc = hf_cli_error("--interp: unknown modifier type '%s' (normsys or histosys)", tok);
            break;
        }
    }
    free(copy);
    return rc;
}

/* --tolerance, --max-iter, --strategy: 0, or 2 after a usage error. */
static int
parse_fit_option(hf_cli *cli, int opt, const char *arg)
{
    double v;
    int ok = parse_number(arg, &v) == 0;
    if (opt == OPT_TOL) {
        if (!ok || !(v > 0))
            return hf_cli_error("--tolerance: expected a positive number, got '%s'", arg);
        cli->fit_tol = v;
    } else if (opt == OPT_MAXIT) {
        if (!ok || v < 1 || v > 1e6 || v != (int)v)
            return hf_cli_error("--max-iter: expected a positive integer, got '%s'", arg);
        cli->fit_max_iter = (int)v;
    } else {
        if (!ok || (v != 0 && v != 1 && v != 2))
            return hf_cli_error("--strategy: expected 0, 1 or 2, got '%s'", arg);
        cli->fit_strategy = HF_FIT_STRATEGY((int)v);
    }
    return 0;
}

/* "unknown option '--poix'; did you mean '--poi'?" */
static int
unknown_long(const char *arg, const char *command, const struct option *lo, size_t n)
{
    const char **names = calloc(n + 1, sizeof(*names));
    const char *eq = strchr(arg, '=');
    char *bare = strndup(arg + 2, eq != NULL ? (size_t)(eq - arg - 2) : strlen(arg + 2));
    const char *near = NULL;
    for (size_t i = 0; bare != NULL && i < NCOMMON; i++)
        if (strcmp(bare, common[i].name) == 0) {
            free(bare);
            free((void *)names);
            return hf_cli_error("'%s' has no meaning for %s (see hfscope %s --help)", arg, command,
                                command);
        }
    if (names != NULL && bare != NULL && strncmp(arg, "--", 2) == 0) {
        for (size_t i = 0; i < n; i++)
            names[i] = lo[i].name;
        near = hf_cli_nearest(bare, names, n);
    }
    int rc = near != NULL ? hf_cli_error("unknown option '%s'; did you mean '--%s'? (see "
                                         "hfscope %s --help)",
                                         arg, near, command)
                          : hf_cli_error("unknown or incomplete option '%s' (see hfscope %s "
                                         "--help)",
                                         arg, command);
    free(bare);
    free((void *)names);
    return rc;
}

/* Append optarg to the repeatable option's list; 0, or 2 after an error was printed. */
static int
list_push(hf_optlist *l, const char *arg)
{
    const char **v = realloc(l->v, (l->n + 1) * sizeof(*v));
    if (v == NULL)
        return hf_cli_nomem();
    l->v = v;
    l->v[l->n++] = arg;
    return 0;
}

int
hf_cli_parse(hf_cli *cli, int argc, char **argv, const hf_opt *extra, const char *usage)
{
    return hf_cli_parse_only(cli, argc, argv, extra, usage, NULL);
}

/* The getopt tables: every extra option, then the common ones offered. Returns the entries in
 * lo; so gets the short options. */
static size_t
build_options(const hf_opt *extra, size_t nextra, const char *const *only, struct option *lo,
              char *so)
{
    size_t k = 0, s = 0;
    for (size_t i = 0; i < nextra; i++) {
        lo[k++] = (struct option){extra[i].name, extra[i].kind == HF_OPT_FLAG ? 0 : 1, NULL,
                                  OPT_EXTRA + (int)i};
        if (extra[i].c) {
            so[s++] = (char)extra[i].c;
            if (extra[i].kind != HF_OPT_FLAG)
                so[s++] = ':';
        }
    }
    for (size_t i = 0; i < NCOMMON; i++) {
        if (!common_offered(only, common[i].name))
            continue;
        lo[k++] = (struct option){common[i].name, common[i].has_arg, NULL, common[i].val};
        if (common[i].val < 256) {
            so[s++] = (char)common[i].val;
            if (common[i].has_arg)
                so[s++] = ':';
        }
    }
    so[s] = '\0';
    return k;
}

/* A command's own option: its target set from arg. 0, or 2 after a usage error. */
static int
set_extra(const hf_opt *x, const char *arg)
{
    double v;
    switch (x->kind) {
    case HF_OPT_FLAG:
        *(bool *)x->target = true;
        return 0;
    case HF_OPT_STRING:
        *(const char **)x->target = arg;
        return 0;
    case HF_OPT_LIST:
        return list_push((hf_optlist *)x->target, arg);
    case HF_OPT_DOUBLE:
    case HF_OPT_INT:
        /* the range first: converting a double beyond int's range is undefined */
        if (parse_number(arg, &v) < 0 ||
            (x->kind == HF_OPT_INT && !(v >= INT_MIN && v <= INT_MAX && v == floor(v))))
            return hf_cli_error("--%s: expected a number, got '%s'", x->name, arg);
        if (x->kind == HF_OPT_DOUBLE)
            *(double *)x->target = v;
        else
            *(int *)x->target = (int)v;
        return 0;
    }
    return 0;
}

/* --fix NAME=VALUE appended to cli->fix (arg is split in place). 0, or 2. */
static int
add_fix(hf_cli *cli, char *arg)
{
    double v;
    char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg || parse_number(eq + 1, &v) < 0)
        return hf_cli_error("--fix: expected NAME=VALUE, got '%s'", arg);
    hf_fixspec *f = realloc(cli->fix, (cli->nfix + 1) * sizeof(*f));
    if (f == NULL)
        return hf_cli_nomem();
    *eq = '\0';
    cli->fix = f;
    cli->fix[cli->nfix++] = (hf_fixspec){arg, v};
    return 0;
}

/* A common option c with its argument. 0, 2 after a usage error, or 1 when c is none of them. */
static int
set_common(hf_cli *cli, int c, char *arg)
{
    double v;
    switch (c) {
    case OPT_JSON:
        cli->json = true;
        return 0;
    case 'o':
        cli->output = arg;
        return 0;
    case OPT_MEAS:
        cli->measurement = cli->mopt.measurement = arg;
        return 0;
    case OPT_POI:
        cli->poi = cli->mopt.poi = arg;
        return 0;
    case OPT_PATCH:
        cli->patch = arg;
        return 0;
    case OPT_FIX:
        return add_fix(cli, arg);
    case OPT_INTERP:
        return parse_interp(cli, arg);
    case 'j':
        if (parse_number(arg, &v) < 0 || v < 1 || v > 1024 || v != (int)v)
            return hf_cli_error("--jobs: expected a positive integer, got '%s'", arg);
        cli->jobs = (int)v;
        return 0;
    case OPT_SEED:
        if (parse_number(arg, &v) < 0 || !(v >= 0 && v <= (double)ULONG_MAX / 2))
            return hf_cli_error("--seed: expected a non-negative integer, got '%s'", arg);
        cli->seed = (unsigned long)v;
        return 0;
    case OPT_TOL:
    case OPT_MAXIT:
    case OPT_STRATEGY:
        return parse_fit_option(cli, c, arg);
    case OPT_MASK:
        return list_push(&cli->mask, arg);
    case OPT_FITREG:
        return list_push(&cli->fit_regions, arg);
    case OPT_BLIND:
        cli->blind.by_signal = true;
        return 0;
    case OPT_BLINDTHR:
        if (parse_number(arg, &v) < 0 || !(v > 0 && isfinite(v)))
            return hf_cli_error("--blind-threshold: expected a positive fraction, got '%s'", arg);
        cli->blind.threshold = v;
        return 0;
    case OPT_BLINDCH:
        cli->blind.channels = arg;
        return 0;
    case OPT_ASCII:
        cli->ascii = true;
        return 0;
    case 'q':
        cli->quiet = true;
        return 0;
    case 'v':
        cli->verbose = true;
        return 0;
    default:
        return 1;
    }
}

static int check_mask_options(const hf_cli *cli);

int
hf_cli_parse_only(hf_cli *cli, int argc, char **argv, const hf_opt *extra, const char *usage,
                  const char *const *only)
{
    memset(cli, 0, sizeof(*cli));
    cli->command = argv[0];
    cli->jobs = 1;
    cli->seed = 42;
    cli->mopt.normsys_code = HF_INTERP_CODE4;
    cli->mopt.histosys_code = HF_INTERP_CODE4P;
    size_t nextra = 0;
    while (extra != NULL && extra[nextra].name != NULL)
        nextra++;
    struct option *lo = calloc(NCOMMON + nextra + 1, sizeof(*lo));
    char *so = malloc(3 * (NCOMMON + nextra) + 2);
    cli->pos = calloc((size_t)argc + 1, sizeof(char *));
    if (lo == NULL || so == NULL || cli->pos == NULL) {
        free(lo);
        free(so);
        return hf_cli_nomem();
    }
    size_t k = build_options(extra, nextra, only, lo, so);
    int rc = 0;
    optind = 0; /* GNU getopt: 0 starts afresh, even after a parse that stopped inside "-qv" */
    opterr = 0;
    int c, li;
    while (rc == 0 && (c = getopt_long(argc, argv, so, lo, &li)) != -1) {
        const hf_opt *x = NULL;
        if (c >= OPT_EXTRA)
            x = &extra[c - OPT_EXTRA];
        else
            for (size_t i = 0; i < nextra; i++)
                if (extra[i].c == c)
                    x = &extra[i];
        if (x != NULL) {
            rc = set_extra(x, optarg);
        } else if (c == 'h') {
            print_help(usage, extra, only);
            rc = -1;
        } else if (c == ':') {
            rc = hf_cli_error("option '%s' needs a value (see hfscope %s --help)", argv[optind - 1],
                              argv[0]);
        } else if ((rc = set_common(cli, c, optarg)) == 1) {
            if (optopt != 0 && optopt < 256 && optind > 0 && argv[optind - 1][1] != '-')
                rc = hf_cli_error("unknown option '-%c' (see hfscope %s --help)", optopt, argv[0]);
            else
                rc = unknown_long(argv[optind - 1], argv[0], lo, k);
        }
    }
    if (rc == 0) {
        for (int i = optind; i < argc; i++)
            cli->pos[cli->npos++] = argv[i];
        cli->ws_path = cli->npos > 0 ? cli->pos[0] : NULL;
        rc = check_mask_options(cli);
    }
    free(lo);
    free(so);
    return rc;
}

/* pyhf patchsets record the digest of the workspace they were made for (patchset apply/run
 * refuse a mismatch); for --patch a mismatch is a warning. */
static void
warn_digest(const char *ws_path, const char *ps_path)
{
    hf_error err = {0};
    hf_patchset *ps = hf_patchset_load(ps_path, &err);
    char hex[65];
    if (ps != NULL && ps->digest_sha256 != NULL && hf_digest_sha256(ws_path, hex, &err) == 0 &&
        strcmp(hex, ps->digest_sha256) != 0)
        hf_cli_warn("%s: patchset was made for another workspace (digest %.12s..., %s has "
                    "%.12s...); applied anyway",
                    ps_path, ps->digest_sha256, ws_path, hex);
    hf_patchset_free(ps);
    hf_error_release(&err);
}

/* "OPTION: no KIND named 'x'; did you mean 'y'? (KINDs: a, b, ...)" from n candidates, at most
 * 12 listed. Returns 2. */
static int
unknown_name(const char *option, const char *kind, const char *name, const char *const *cands,
             size_t n)
{
    const char *near = hf_cli_nearest(name, cands, n);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return hf_cli_error("%s: no %s named '%s'", option, kind, name);
    fprintf(f, "%s: no %s named '%s'", option, kind, name);
    if (near != NULL)
        fprintf(f, "; did you mean '%s'?", near);
    fprintf(f, " (%ss:", kind);
    for (size_t i = 0; i < n && i < 12; i++)
        fprintf(f, "%s %s", i ? "," : "", cands[i]);
    fputs(n > 12 ? ", ...)" : ")", f);
    int rc = fclose(f) == 0 ? hf_cli_error("%s", buf)
                            : hf_cli_error("%s: no %s named '%s'", option, kind, name);
    free(buf);
    return rc;
}

/* See cli.h. */
int
hf_cli_unknown_channel(const hf_model *m, const char *option, const char *name)
{
    const char **v = calloc(m->nchan + 1, sizeof(*v));
    if (v == NULL)
        return hf_cli_error("%s: no channel named '%s'", option, name);
    for (size_t c = 0; c < m->nchan; c++)
        v[c] = m->chan[c]->name;
    int rc = unknown_name(option, "channel", name, v, m->nchan);
    free((void *)v);
    return rc;
}

/* See cli.h: every parameter name, per-bin ones as NAME[i], in pyhf order. */
int
hf_cli_unknown_param(const hf_model *m, const char *option, const char *name)
{
    const char **v = calloc(m->npar + 1, sizeof(*v));
    if (v == NULL)
        return hf_cli_error("%s: no parameter named '%s'", option, name);
    size_t n = 0;
    for (size_t j = 0; j < m->npar; j++)
        v[n++] = m->par[j].name;
    int rc = unknown_name(option, "parameter", name, v, n);
    free((void *)v);
    return rc;
}

/* --fix NAME=VALUE on a compiled model: its init and fixed flags. Returns 0 or 2 (printed). */
static int
apply_fixes(const hf_cli *cli, hf_model *m)
{
    for (size_t i = 0; i < cli->nfix; i++) /* an unknown name gets the nearest one */
        if (hf_model_find_par(m, cli->fix[i].name) < 0)
            return hf_cli_unknown_param(m, "--fix", cli->fix[i].name);
    hf_error err = {0};
    int rc = hf_cli_fix_params(m, cli->fix, cli->nfix, &err) < 0
                 ? hf_cli_error("%s", hf_error_msg(&err))
                 : 0;
    hf_error_release(&err);
    return rc;
}

int
hf_cli_fix_params(hf_model *m, const hf_fixspec *fix, size_t n, hf_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int j = hf_model_find_par(m, fix[i].name);
        if (j < 0)
            return hf_error_set(err, HF_EUSAGE, "", "--fix: no parameter named '%s'", fix[i].name);
        const hf_param *p = &m->par[j];
        if (fix[i].value < p->lo || fix[i].value > p->hi)
            return hf_error_set(err, HF_EUSAGE, "", "--fix: %s=%g is outside its bounds [%g, %g]",
                                p->name, fix[i].value, p->lo, p->hi);
        m->init[j] = fix[i].value;
        m->fixed[j] = true;
    }
    return 0;
}

/* The commands that honour the blinding and mask options (their output hides the POI's value
 * and the blinded data; their fits use the model's mask); any other refuses them rather than
 * print what they hide or fit what they were told to leave out. */
static const char *const blind_aware[] = {
    "fit", "cls",      "limit", "significance", "scan", "ranking", "constraints",
    "gof", "nllshape", "plot",  "report",       "view", "tui",     NULL,
};

/* After parsing: blinding or masks asked of a command that does not honour them. 0 or 2. */
static int
check_mask_options(const hf_cli *cli)
{
    bool blinding = hf_cli_blinding(cli) || cli->blind.threshold > 0;
    if (cli->mask.n == 0 && cli->fit_regions.n == 0 && !blinding)
        return 0;
    for (size_t i = 0; blind_aware[i] != NULL; i++)
        if (strcmp(blind_aware[i], cli->command) == 0)
            return 0;
    return hf_cli_error("%s: '%s' does not support it; use a command that does (fit, cls, "
                        "limit, plot, report, view, ...)",
                        blinding ? "--blind" : "--mask/--fit-regions", cli->command);
}

bool
hf_cli_blinding(const hf_cli *cli)
{
    return cli->blind.by_signal || (cli->blind.channels != NULL && cli->blind.channels[0]);
}

bool
hf_cli_par_blinded(const hf_cli *cli, size_t j)
{
    return hf_cli_blinding(cli) && cli->model != NULL && cli->model->poi >= 0 &&
           j == (size_t)cli->model->poi;
}

/* The channels matching the items of l into flags (--mask, --fit-regions); 0 or 2 after the
 * error was printed (an item matching no channel: the nearest name). */
static int
mark_channels(const hf_model *m, const char *option, const hf_optlist *l, bool *flags)
{
    hf_error err = {0};
    int rc = 0;
    for (size_t i = 0; i < l->n && rc == 0; i++)
        if (hf_blind_channels(m, l->v[i], flags, &err) < 0)
            rc = err.code == HF_EUSAGE ? hf_cli_unknown_channel(m, option, err.where)
                                       : hf_cli_nomem();
    hf_error_release(&err);
    return rc;
}

/* The blinded bins (hf_blind_bins); 0 or 2 after the error was printed. */
static int
mark_blinded(hf_cli *cli, const hf_model *m)
{
    hf_error err = {0};
    long n = hf_blind_bins(m, &cli->blind, cli->blinded, &err);
    int rc = 0;
    if (n < 0)
        rc = err.code == HF_EUSAGE ? hf_cli_unknown_channel(m, "--blind-channels", err.where)
                                   : hf_cli_nomem();
    hf_error_release(&err);
    return rc;
}

/* --mask, --fit-regions and blinding onto the compiled model: cli->masked, cli->blinded and
 * their union cli->fit_mask, which becomes m->mask. 0 or 2 after the error was printed. */
static int
apply_masks(hf_cli *cli, hf_model *m)
{
    bool blinding = hf_cli_blinding(cli);
    size_t nb = m->nbins + 1;
    bool *keep = NULL;
    int rc = 0;

    if (cli->mask.n == 0 && cli->fit_regions.n == 0 && !blinding)
        return 0;
    cli->masked = calloc(nb, sizeof(bool));
    cli->blinded = calloc(nb, sizeof(bool));
    cli->fit_mask = calloc(nb, sizeof(bool));
    keep = calloc(nb, sizeof(bool));
    if (!cli->masked || !cli->blinded || !cli->fit_mask || !keep) {
        free(keep);
        return hf_cli_nomem();
    }
    rc = mark_channels(m, "--mask", &cli->mask, cli->masked);
    if (rc == 0 && cli->fit_regions.n > 0 &&
        (rc = mark_channels(m, "--fit-regions", &cli->fit_regions, keep)) == 0)
        for (size_t b = 0; b < m->nbins; b++)
            cli->masked[b] = cli->masked[b] || !keep[b];
    if (rc == 0 && blinding)
        rc = mark_blinded(cli, m);
    free(keep);
    for (size_t b = 0; rc == 0 && b < m->nbins; b++) {
        cli->fit_mask[b] = cli->masked[b] || cli->blinded[b];
        cli->nmasked += cli->masked[b];
        cli->nblinded += cli->blinded[b];
        cli->nfitted += !cli->fit_mask[b];
    }
    m->mask = cli->fit_mask;
    if (rc == 0 && cli->nfitted == 0 && !cli->quiet)
        hf_cli_warn("%s: every bin is masked or blinded: fits see only the constraints",
                    cli->ws_path);
    return rc;
}

int
hf_cli_blind_data(hf_cli *cli, hf_data *d, double **owned)
{
    hf_model *m = cli->model;
    hf_fit_options o = {.fix_index = m->poi, .no_errors = true};
    hf_fit_result r;
    hf_error err = {0};
    double *nu;

    *d = hf_model_data(m);
    *owned = NULL;
    if (!hf_cli_blinding(cli) || m->poi < 0)
        return 0;
    o.fix_value = hf_blind_poi_bonly(m);
    if (hf_fit(m, d, &o, &r, &err) < 0) { /* m->mask: the blinded bins are out */
        int rc = hf_cli_report(cli->ws_path, &err);
        hf_error_release(&err);
        return rc;
    }
    if (!(nu = malloc((m->nbins + 1) * sizeof *nu)) || hf_model_expected(m, r.x, nu, NULL) < 0) {
        free(nu);
        hf_fit_result_release(&r);
        return hf_cli_nomem();
    }
    hf_fit_result_release(&r);
    for (size_t b = 0; b < m->nbins; b++)
        if (!cli->blinded[b])
            nu[b] = m->obs[b];
    m->mask = cli->nmasked > 0 ? cli->masked : NULL; /* the blinded bins count again */
    d->main = *owned = nu;
    return 0;
}

int
hf_cli_blind_asimov(hf_cli *cli, hf_data *d, double **owned)
{
    hf_model *m = cli->model;
    double *buf = malloc((m->nbins + m->npar + 1) * sizeof(double));
    if (buf != NULL && hf_model_expected(m, m->init, buf, NULL) < 0) {
        free(buf);
        buf = NULL;
    }
    if (buf == NULL)
        return hf_cli_nomem();
    hf_model_expected_aux(m, m->init, buf + m->nbins);
    d->main = *owned = buf;
    d->aux = buf + m->nbins;
    m->mask = cli->nmasked > 0 ? cli->masked : NULL;
    return 0;
}

/* The channels of m with a flagged bin, into a JSON array. */
static struct cJSON *
flagged_channels(const hf_model *m, const bool *flags)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t c = 0; a != NULL && c < m->nchan; c++) {
        bool any = false;
        for (size_t b = 0; b < m->chan_nbins[c]; b++)
            any = any || flags[m->chan_off[c] + b];
        if (any)
            cJSON_AddItemToArray(a, cJSON_CreateString(m->chan[c]->name));
    }
    return a;
}

void
hf_cli_json_blinded(struct cJSON *o, const char *key)
{
    cJSON_AddNullToObject(o, key);
    if (!cJSON_HasObjectItem(o, "blinded"))
        cJSON_AddBoolToObject(o, "blinded", true);
}

void
hf_cli_json_masks(struct cJSON *doc, const hf_cli *cli)
{
    if (cli->model == NULL || cli->fit_mask == NULL)
        return;
    if (cli->nmasked > 0)
        cJSON_AddItemToObject(doc, "masked_channels", flagged_channels(cli->model, cli->masked));
    if (hf_cli_blinding(cli)) {
        cJSON_AddBoolToObject(doc, "blinded", true);
        cJSON_AddItemToObject(doc, "blinded_channels", flagged_channels(cli->model, cli->blinded));
        cJSON_AddNumberToObject(doc, "blinded_bins", (double)cli->nblinded);
    }
}

/* "LABEL: A, B (N bins)" for the channels with a flagged bin. */
static void
print_flagged(FILE *out, const hf_model *m, const bool *flags, size_t n, const char *label)
{
    const char *sep = ": ";
    size_t shown = 0, more = 0;
    fputs(label, out);
    for (size_t c = 0; c < m->nchan; c++) {
        bool any = false;
        for (size_t b = 0; b < m->chan_nbins[c]; b++)
            any = any || flags[m->chan_off[c] + b];
        if (any && shown == 8) /* the JSON output lists them all */
            more++;
        else if (any) {
            fprintf(out, "%s%s", sep, m->chan[c]->name);
            sep = ", ";
            shown++;
        }
    }
    if (more > 0)
        fprintf(out, " and %zu more channel%s", more, more == 1 ? "" : "s");
    fprintf(out, "%s(%zu bin%s)\n", *sep == ',' ? " " : ": none ", n, n == 1 ? "" : "s");
}

void
hf_cli_print_masks(FILE *out, const hf_cli *cli)
{
    if (cli->model == NULL || cli->fit_mask == NULL)
        return;
    if (cli->nmasked > 0)
        print_flagged(out, cli->model, cli->masked, cli->nmasked, "not in the fit (--mask)");
    if (hf_cli_blinding(cli))
        print_flagged(out, cli->model, cli->blinded, cli->nblinded,
                      "blinded (their data neither shown nor used)");
}

/* -v: "hfscope: fit: STAGE: N iterations, twice_nll X: MESSAGE" on stderr */
static void
log_stage(void *ctx, const char *stage, int iter, double twice_nll, const char *message)
{
    (void)ctx;
    fprintf(stderr, "hfscope: fit: %s: %d iteration%s, twice_nll %.6f: %s\n", stage, iter,
            iter == 1 ? "" : "s", twice_nll, message);
}

void
hf_cli_fit_settings(const hf_cli *cli, hf_model *m)
{
    m->fit_tol = cli->fit_tol;
    m->fit_max_iter = cli->fit_max_iter;
    m->fit_strategy = cli->fit_strategy;
    m->fit_seed = cli->seed;
    m->fit_log = cli->verbose ? log_stage : NULL;
    m->fit_log_ctx = NULL;
}

/* After an unknown --poi: "; did you mean 'X'? (normalisation factors: A B ...)" appended to
 * err's message, so the error stays one line. */
static void
poi_hint(const hf_workspace *ws, const char *poi, hf_error *err)
{
    size_t n = 0, cap = 0;
    const char **names = NULL;
    for (size_t c = 0; c < ws->nchan; c++)
        for (size_t s = 0; s < ws->chan[c].nsamples; s++)
            for (size_t k = 0; k < ws->chan[c].sample[s].nmod; k++) {
                if (n == cap) {
                    cap = cap ? 2 * cap : 64;
                    const char **v = realloc((void *)names, cap * sizeof(*v));
                    if (v == NULL) {
                        free((void *)names);
                        return;
                    }
                    names = v;
                }
                names[n++] = ws->chan[c].sample[s].mod[k].name;
            }
    const char *near = hf_cli_nearest(poi, names, n);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL) {
        free((void *)names);
        return;
    }
    fprintf(f, "%s%s%s%s (normalisation factors:", hf_error_msg(err),
            near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    const char *shown[13];
    size_t nshown = 0;
    for (size_t c = 0; c < ws->nchan && nshown < 13; c++)
        for (size_t s = 0; s < ws->chan[c].nsamples && nshown < 13; s++)
            for (size_t k = 0; k < ws->chan[c].sample[s].nmod && nshown < 13; k++) {
                const hf_ws_modifier *m = &ws->chan[c].sample[s].mod[k];
                bool dup = m->type != HF_MOD_NORMFACTOR;
                for (size_t j = 0; j < nshown && !dup; j++)
                    dup = strcmp(shown[j], m->name) == 0;
                if (!dup)
                    shown[nshown++] = m->name;
            }
    for (size_t j = 0; j < nshown && j < 12; j++)
        fprintf(f, " %s", shown[j]);
    fputs(nshown == 0 ? " none)" : nshown > 12 ? " ...)" : ")", f);
    if (fclose(f) == 0 && err != NULL) {
        free(err->msg);
        err->msg = buf;
    } else {
        free(buf);
    }
    free((void *)names);
}

/* Whether path names something to read (a file, a pipe; not a directory). */
static bool
readable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* --patch FILE[:NAME], split in place: FILE is the whole argument when that is a file, else the
 * part before the first ':' that names an existing file (patch names, and file and directory
 * names, may hold colons), else (for the error message) the part before the last ':'. Returns
 * NAME or NULL. */
static const char *
patch_spec_split(char *spec)
{
    if (readable_file(spec))
        return NULL;
    for (char *c = strchr(spec, ':'); c != NULL; c = strchr(c + 1, ':')) {
        *c = '\0';
        if (readable_file(spec))
            return c + 1;
        *c = ':';
    }
    char *c = strrchr(spec, ':');
    if (c == NULL)
        return NULL;
    *c = '\0';
    return c + 1;
}

int
hf_cli_load(hf_cli *cli)
{
    if (cli->ws_path == NULL)
        return hf_cli_error("%s: missing WORKSPACE.json (see hfscope %s --help)", cli->command,
                            cli->command);
    hf_error err = {0};
    int rc = 0;
    cJSON *doc = hf_json_load_file(cli->ws_path, &err);
    if (doc == NULL) {
        rc = hf_cli_report(cli->ws_path, &err);
        goto out;
    }
    if (cli->patch != NULL) {
        char *spec = strdup(cli->patch);
        if (spec == NULL) {
            cJSON_Delete(doc);
            rc = hf_cli_nomem();
            goto out;
        }
        const char *name = patch_spec_split(spec);
        if (hf_patchset_apply_named(doc, spec, name, &err) < 0) {
            rc = hf_cli_report(spec, &err);
            free(spec);
            cJSON_Delete(doc);
            goto out;
        }
        if (!cli->quiet)
            warn_digest(cli->ws_path, spec);
        free(spec);
    }
    cli->ws = hf_workspace_from_json(doc, cli->ws_path, &err);
    if (cli->ws == NULL) {
        if (cli->patch != NULL) {
            /* the pointer is into the patched document: say so */
            size_t n = strlen(cli->ws_path) + strlen(cli->patch) + 32;
            char *label = malloc(n);
            if (label != NULL)
                snprintf(label, n, "%s (after --patch %s)", cli->ws_path, cli->patch);
            rc = hf_cli_report(label != NULL ? label : cli->ws_path, &err);
            free(label);
        } else {
            rc = hf_cli_report(cli->ws_path, &err);
        }
        goto out;
    }
    if (!cli->quiet)
        for (size_t i = 0; i < cli->ws->nwarn && i < 5; i++)
            hf_cli_warn("%s:%s", cli->ws_path, cli->ws->warn[i]);
    if (!cli->quiet && cli->ws->nwarn > 5)
        hf_cli_warn("%s: %zu more warnings like these", cli->ws_path, cli->ws->nwarn - 5);
    cli->model = hf_model_compile(cli->ws, &cli->mopt, &err);
    if (cli->model == NULL) {
        if (cli->poi != NULL && err.code == HF_EUSAGE && strstr(hf_error_msg(&err), "POI") != NULL)
            poi_hint(cli->ws, cli->poi, &err);
        rc = hf_cli_report(
            err.code == HF_EUSAGE && (err.where == NULL || !*err.where) ? NULL : cli->ws_path,
            &err);
        goto out;
    }
    if (cli->model->warning != NULL && !cli->quiet)
        hf_cli_warn("%s: %s", cli->ws_path, cli->model->warning);
    hf_cli_fit_settings(cli, cli->model);
    rc = apply_fixes(cli, cli->model);
    if (rc == 0)
        rc = apply_masks(cli, cli->model);
out:
    hf_error_release(&err);
    return rc;
}

bool
hf_cli_open(hf_cli *cli, int argc, char **argv, const hf_opt *extra, const char *usage, int *rc)
{
    *rc = hf_cli_parse(cli, argc, argv, extra, usage);
    if (*rc == 0)
        *rc = hf_cli_load(cli);
    if (*rc == 0)
        return true;
    hf_cli_release(cli);
    if (*rc < 0)
        *rc = 0; /* --help */
    return false;
}

bool
hf_cli_need_poi(const hf_cli *cli, const char *command, int *rc)
{
    if (cli->model->poi >= 0)
        return true;
    *rc = hf_cli_error("%s: the model has no parameter of interest: '%s' needs one (pick "
                       "one with --poi NAME)",
                       cli->ws_path, command);
    return false;
}

int
hf_cli_fail(const hf_cli *cli, const hf_error *err)
{
    int rc = hf_cli_report(cli->ws_path, err);
    if (cli->json && err->code == HF_EFIT) {
        cJSON *doc = hf_cli_json_doc(cli);
        if (doc != NULL) {
            cJSON_AddBoolToObject(doc, "converged", false);
            cJSON_AddStringToObject(doc, "error", hf_error_msg(err));
            (void)hf_cli_json_emit(doc, cli->output);
        }
    }
    return rc;
}

void
hf_cli_release(hf_cli *cli)
{
    hf_model_free(cli->model);
    hf_workspace_free(cli->ws);
    free(cli->masked);
    free(cli->blinded);
    free(cli->fit_mask);
    free((void *)cli->mask.v);
    free((void *)cli->fit_regions.v);
    free(cli->fix);
    free(cli->pos);
    memset(cli, 0, sizeof(*cli));
}

void
hf_cli_done(hf_cli *cli)
{
#if HF_ASAN || defined(HF_FREE_AT_EXIT)
    hf_cli_release(cli);
#else
    (void)cli;
#endif
}

cJSON *
hf_cli_json_doc(const hf_cli *cli)
{
    cJSON *doc = cJSON_CreateObject();
    if (doc == NULL)
        return NULL;
    cJSON_AddStringToObject(doc, "hfscope_version", HF_VERSION);
    cJSON_AddStringToObject(doc, "command", cli->command);
    if (cli->ws_path != NULL)
        cJSON_AddStringToObject(doc, "workspace", cli->ws_path);
    if (cli->model != NULL)
        cJSON_AddStringToObject(doc, "measurement", cli->model->meas->name);
    return doc;
}

int
hf_cli_parse_range(const char *s, double *lo, double *hi)
{
    char *end;
    *lo = strtod(s, &end);
    if (end != s && *end == ':') {
        const char *t = end + 1;
        *hi = strtod(t, &end);
        if (end != t && *end == '\0' && *hi > *lo && isfinite(*lo) && isfinite(*hi))
            return 0;
    }
    return hf_cli_error("--range: expected LO:HI with LO < HI, got '%s'", s);
}

int
hf_cli_write_json(const char *path, const cJSON *v, hf_error *err)
{
    char *t = json_text(v);
    if (t == NULL)
        return hf_error_nomem(err);
    int rc = hf_write_file_atomic(path, t, strlen(t), err);
    free(t);
    return rc;
}

char *
hf_cli_patch_path(const char *out)
{
    size_t len = strlen(out);
    if (len > 5 && strcmp(out + len - 5, ".json") == 0)
        len -= 5;
    char *s = malloc(len + 16);
    if (s != NULL)
        (void)snprintf(s, len + 16, "%.*s.patch.json", (int)len, out);
    return s;
}

void
hf_cli_json_fit_stages(cJSON *doc, const hf_fit_result *r)
{
    cJSON_AddNumberToObject(doc, "strategy", r->strategy);
    cJSON_AddStringToObject(doc, "stage", hf_fit_stage_name(r->stage));
    cJSON_AddStringToObject(doc, "stage_reached", hf_fit_stage_name(r->reached));
    cJSON *rs = cJSON_AddObjectToObject(doc, "restarts");
    cJSON_AddNumberToObject(rs, "count", r->restarts);
    cJSON_AddNumberToObject(rs, "seed", (double)r->seed);
    cJSON *st = cJSON_AddArrayToObject(doc, "stages");
    for (size_t i = 0; i < r->nattempt; i++) {
        const hf_fit_attempt *a = &r->attempt[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(st, o);
        cJSON_AddStringToObject(o, "stage", hf_fit_stage_name(a->stage));
        cJSON_AddNumberToObject(o, "iterations", a->iter);
        cJSON_AddNumberToObject(o, "status", a->status);
        cJSON_AddNumberToObject(o, "twice_nll", a->twice_nll);
        if (a->stage == HF_FIT_RANDOM)
            cJSON_AddNumberToObject(o, "seed", (double)a->seed);
    }
}

void
hf_cli_json_flat(cJSON *doc, const hf_model *m, const hf_fit_result *r)
{
    cJSON *arr = cJSON_AddArrayToObject(doc, "flat_directions");
    for (size_t i = 0; i < r->nflat; i++) {
        const hf_fit_flat *fl = &r->flat[i];
        cJSON *o = cJSON_CreateObject(), *names = cJSON_CreateArray();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddItemToObject(o, "parameters", names);
        for (size_t k = 0; k < fl->n; k++)
            cJSON_AddItemToArray(names, cJSON_CreateString(m->par[fl->par[k]].name));
        cJSON_AddItemToObject(o, "weights", cJSON_CreateDoubleArray(fl->weight, (int)fl->n));
        cJSON_AddNumberToObject(o, "eigenvalue", fl->eigenvalue);
    }
}

void
hf_cli_print_flat(FILE *out, const hf_model *m, const hf_fit_result *r)
{
    for (size_t i = 0; i < r->nflat; i++) {
        char buf[512];
        hf_fit_flat_describe(m, &r->flat[i], buf, sizeof(buf));
        fprintf(out, "flat direction: %s\n", buf);
    }
}

int
hf_cli_fit_doc(const hf_cli *cli, const cJSON *doc, const char *path, const hf_model_options *mopt,
               hf_docfit *r, hf_error *err)
{
    cJSON *dup = cJSON_Duplicate(doc, 1);
    if (dup == NULL)
        return hf_error_nomem(err);
    if ((r->ws = hf_workspace_from_json(dup, path, err)) == NULL)
        return -1;
    if ((r->m = hf_model_compile(r->ws, mopt, err)) == NULL)
        return -1;
    hf_cli_fit_settings(cli, r->m);
    if (apply_fixes(cli, r->m) != 0)
        return 2;
    hf_data d = hf_model_data(r->m);
    if (hf_fit(r->m, &d, NULL, &r->fit, err) < 0)
        return -1;
    r->have_fit = true;
    return 0;
}

void
hf_docfit_release(hf_docfit *r)
{
    if (r->have_fit)
        hf_fit_result_release(&r->fit);
    hf_model_free(r->m);
    hf_workspace_free(r->ws);
    memset(r, 0, sizeof(*r));
}

/* A device or pipe (/dev/stdout, a FIFO) is written to directly, never renamed over. */
static bool
is_special(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

/* Write len bytes of data to f and close it, checking the write, the flush, (for a regular file)
 * the fsync that makes the data durable before a rename, and the close: 0, or -1 with errno of
 * the first failure. */
static int
write_close(FILE *f, const void *data, size_t len, bool sync)
{
    int e = 0;
    if (fwrite(data, 1, len, f) != len || fflush(f) != 0)
        e = errno != 0 ? errno : EIO;
    else if (sync && fsync(fileno(f)) != 0)
        e = errno;
    if (fclose(f) != 0 && e == 0)
        e = errno != 0 ? errno : EIO;
    errno = e;
    return e != 0 ? -1 : 0;
}

static int
write_special(const char *path, const void *data, size_t len, hf_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return hf_error_set(err, HF_EIO, "", "cannot write '%s': is a directory", path);
    FILE *f = fopen(path, "wb");
    if (f == NULL || write_close(f, data, len, false) < 0)
        return hf_error_set(err, HF_EIO, "", "cannot write '%s': %s", path, strerror(errno));
    return 0;
}

/* data written to a temporary file beside path; its name (caller frees), or NULL with err. */
static char *
stage_file(const char *path, const void *data, size_t len, hf_error *err)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (tmp == NULL)
        return hf_error_nomem(err), NULL;
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (f == NULL || write_close(f, data, len, true) < 0) {
        hf_error_set(err, HF_EIO, "", "cannot write '%s': %s", path, strerror(errno));
        (void)remove(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

/* Rename a staged file over path (tmp freed; removed on failure). Returns 0 or -1 with err. */
static int
commit_file(char *tmp, const char *path, hf_error *err)
{
    int rc = 0;
    if (rename(tmp, path) != 0) {
        rc = hf_error_set(err, HF_EIO, "", "cannot write '%s': %s", path, strerror(errno));
        (void)remove(tmp);
    }
    free(tmp);
    return rc;
}

int
hf_write_file_atomic(const char *path, const void *data, size_t len, hf_error *err)
{
    if (is_special(path))
        return write_special(path, data, len, err);
    char *tmp = stage_file(path, data, len, err);
    return tmp != NULL ? commit_file(tmp, path, err) : -1;
}

/* cJSON_Print with a final newline; NULL on ENOMEM. */
static char *
json_text(const cJSON *v)
{
    char *str = cJSON_Print(v);
    if (str == NULL)
        return NULL;
    size_t n = strlen(str);
    char *t = malloc(n + 2); /* cJSON's text is cJSON's to free (core/json/jsonalloc.h) */
    if (t != NULL) {
        memcpy(t, str, n);
        t[n] = '\n';
        t[n + 1] = '\0';
    }
    cJSON_free(str);
    return t;
}

int
hf_cli_write_json_pair(const char *path1, const cJSON *v1, const char *path2, const cJSON *v2,
                       hf_error *err)
{
    if (strcmp(path1, path2) == 0)
        return hf_error_set(err, HF_EUSAGE, "", "the workspace and its patch would both be '%s'",
                            path1);
    char *t1 = json_text(v1), *t2 = json_text(v2), *s1 = NULL, *s2 = NULL;
    int rc = -1;
    if (t1 == NULL || t2 == NULL) {
        hf_error_nomem(err);
    } else if (is_special(path1) || is_special(path2)) {
        rc = hf_write_file_atomic(path1, t1, strlen(t1), err);
        if (rc == 0)
            rc = hf_write_file_atomic(path2, t2, strlen(t2), err);
    } else if ((s1 = stage_file(path1, t1, strlen(t1), err)) != NULL &&
               (s2 = stage_file(path2, t2, strlen(t2), err)) != NULL) {
        /* both written: only a rename is left to fail */
        rc = commit_file(s2, path2, err);
        s2 = NULL;
        if (rc == 0) {
            rc = commit_file(s1, path1, err);
            s1 = NULL;
        } /* else s1 is removed below (it used to be left behind) */
    }
    if (s1 != NULL) {
        (void)remove(s1);
        free(s1);
    }
    if (s2 != NULL) {
        (void)remove(s2);
        free(s2);
    }
    free(t1);
    free(t2);
    return rc;
}

int
hf_cli_json_emit(cJSON *doc, const char *path)
{
    if (doc == NULL)
        return hf_cli_nomem();
    char *text = cJSON_Print(doc);
    cJSON_Delete(doc);
    if (text == NULL)
        return hf_cli_nomem();
    int rc = 0;
    if (path == NULL) {
        fputs(text, stdout);
        fputc('\n', stdout);
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = hf_cli_error("cannot write to standard output: %s", strerror(errno));
    } else {
        hf_error err = {0};
        size_t len = strlen(text);
        text[len] = '\n';
        if (hf_write_file_atomic(path, text, len + 1, &err) < 0)
            rc = hf_cli_report(NULL, &err);
        hf_error_release(&err);
    }
    cJSON_free(text);
    return rc;
}

int
hf_cli_save_scene(const char *path, hf_scene *s, hf_error *err)
{
    const char *dot = strrchr(path, '.');
    hf_cairo_options co = {0};
    if (dot == NULL || hf_format_parse(dot + 1, &co.format) < 0) {
        hf_scene_free(s);
        return hf_cli_error("--plot %s: the name must end in .pdf, .png or .svg", path);
    }
    hf_cairo_doc *d = s != NULL ? hf_cairo_doc_open(path, &co, err) : NULL;
    int rc = 0;
    if (d == NULL || hf_cairo_doc_add(d, s, err) < 0) {
        hf_cairo_doc_abort(d);
        rc = hf_cli_report(path, err);
    } else if (hf_cairo_doc_close(d, err) < 0) {
        rc = hf_cli_report(path, err);
    }
    hf_scene_free(s);
    return rc;
}
