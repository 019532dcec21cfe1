/* app/main.c - hfscope entry point: the subcommand table (app/commands.h), --help, --version. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/manpage.h"

#define CMD(name, fn, summary) int fn(int argc, char **argv);
#include "app/commands.h"
#undef CMD

static const hf_command commands[] = {
#define CMD(name, fn, summary) {name, fn, summary},
#include "app/commands.h"
#undef CMD
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
    fputs("usage: hfscope [COMMAND] [OPTIONS] WORKSPACE.json\n"
          "       hfscope WORKSPACE.json          open the explorer (an overview when not a "
          "terminal)\n"
          "\ncommands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fputs("\nEvery command has --help. Common options: --json, -o PATH, --measurement NAME,\n"
          "--poi NAME, --patch PS.json[:NAME], --fix NAME=VALUE, --interp "
          "normsys=code4,histosys=code4p,\n"
          "-j N, --seed N, -q (no warnings), -v (more detail: iterations, timings).\n"
          "'hfscope help CMD' is 'hfscope CMD --help'; -V or --version prints the version.\n"
          "Exit codes: 0 ok, 1 computation failed, 2 usage or bad input.\n",
          f);
}

static const hf_command *
find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Commands that print text and take -o only for --json: main sends their text to -o PATH. The
 * others use -o themselves (figures, workspaces, result files). */
static const char *const text_commands[] = {"inspect",      "fit",      "ranking", "gof",
                                            "constraints",  "nllshape", "cls",     "limit",
                                            "significance", "scan"};

/* The value of -o/--output in argv (NULL if none), and whether --json, --help or -v is there. */
static const char *
scan_args(int argc, char **argv, bool *json, bool *help, bool *verbose)
{
    const char *out = NULL;
    *json = *help = *verbose = false;
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc)
            out = argv[++i];
        else if (strncmp(a, "--output=", 9) == 0)
            out = a + 9;
        else if (strncmp(a, "-o", 2) == 0 && a[2] != '\0')
            out = a + 2;
        *json |= strcmp(a, "--json") == 0;
        *help |= strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
        *verbose |= strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0;
    }
    return out;
}

/* Run c with its standard output going to a temporary file beside path, renamed to path when
 * the command succeeds and removed otherwise: -o writes what the command would print, whole
 * or not at all. */
static int
run_to_file(const hf_command *c, int argc, char **argv, const char *path)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 32);
    if (tmp == NULL)
        return hf_cli_nomem();
    const char *slash = strrchr(path, '/');
    int dl = slash != NULL ? (int)(slash - path + 1) : 0;
    (void)snprintf(tmp, n + 32, "%.*s.%s.hfscope-XXXXXX", dl, path, path + dl);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return hf_cli_error("cannot write '%s': %s", path, strerror(e));
    }
    (void)fflush(stdout);
    int saved = dup(1);
    if (saved < 0 || dup2(fd, 1) < 0) {
        (void)close(fd);
        (void)unlink(tmp);
        free(tmp);
        return hf_cli_error("cannot redirect standard output: %s", strerror(errno));
    }
    (void)close(fd);
    int rc = c->run(argc, argv);
    bool bad = fflush(stdout) != 0 || ferror(stdout) || fsync(1) != 0;
    /* nothing captured: the command wrote PATH itself (or had nothing to say); leave PATH alone */
    off_t size = lseek(1, 0, SEEK_END);
    (void)dup2(saved, 1);
    (void)close(saved);
    if (rc == 0 && bad)
        rc = hf_cli_error("cannot write '%s': %s", path, strerror(errno));
    if (rc == 0 && size > 0 && rename(tmp, path) != 0)
        rc = hf_cli_error("cannot write '%s': %s", path, strerror(errno));
    if (rc != 0 || size <= 0)
        (void)unlink(tmp);
    free(tmp);
    return rc;
}

/* One command: -o for the text commands, the time taken with -v. */
static int
run_command(const hf_command *c, int argc, char **argv)
{
    bool json, help, verbose, text = false;
    const char *out = scan_args(argc, argv, &json, &help, &verbose);
    for (size_t i = 0; i < sizeof(text_commands) / sizeof(text_commands[0]); i++)
        text |= strcmp(text_commands[i], c->name) == 0;
    struct timespec t0, t1;
    (void)clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = text && out != NULL && !json && !help && strcmp(out, "-") != 0
                 ? run_to_file(c, argc, argv, out)
                 : c->run(argc, argv);
    (void)clock_gettime(CLOCK_MONOTONIC, &t1);
    if (verbose && !help && strcmp(c->name, "tui") != 0)
        fprintf(stderr, "hfscope: %s took %.3f s (exit %d)\n", c->name,
                (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec), rc);
    return rc;
}

/* "unknown command 'fitt'; did you mean 'fit'?" and the list of commands. */
static int
unknown_command(const char *name)
{
    const char *names[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i].name;
    const char *near = hf_cli_nearest(name, names, NCOMMANDS);
    if (near != NULL)
        fprintf(stderr, "hfscope: error: unknown command '%s'; did you mean '%s'?\n", name, near);
    else
        fprintf(stderr, "hfscope: error: unknown command '%s'\n", name);
    fputs("hfscope: commands:", stderr);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(stderr, " %s", names[i]);
    fputs(" (see hfscope --help)\n", stderr);
    return 2;
}

/* A command's text went to stdout: a write error there (a full disk) fails the run. */
static int
finish(int rc)
{
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0) {
        fprintf(stderr, "hfscope: error: cannot write to standard output: %s\n", strerror(errno));
        return 2;
    }
    return rc;
}

int
main(int argc, char **argv)
{
    /* the character set only (ncurses and the explorer's UTF-8 test need it): numbers, dates and
     * messages stay in the C locale, and loading the other categories cost a dozen files */
    setlocale(LC_CTYPE, "");
    gsl_set_error_handler_off();
    hf_cli_set_progname(argv[0]);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "help") == 0 && argc > 2) {
        /* hfscope help CMD [SUB] = hfscope CMD [SUB] --help */
        const hf_command *c = find(argv[2]);
        if (c == NULL)
            return unknown_command(argv[2]);
        char **hargv = calloc((size_t)argc, sizeof(*hargv));
        if (hargv == NULL)
            return hf_cli_nomem();
        for (int i = 2; i < argc; i++)
            hargv[i - 2] = argv[i];
        hargv[argc - 2] = (char *)(uintptr_t) "--help";
        int rc = finish(c->run(argc - 1, hargv));
        free(hargv);
        return rc;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--man") == 0) /* hfscope(1), generated: make man */
        return hf_manpage_write(stdout, commands, NCOMMANDS) == 0 ? finish(0) : 2;
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
        strcmp(argv[1], "version") == 0) {
        printf("hfscope %s\n", HF_VERSION);
        return 0;
    }
    const hf_command *c = find(argv[1]);
    if (c != NULL)
        return finish(run_command(c, argc - 1, argv + 1));
    /* no command: a workspace (first non-option argument, options may come first) opens the
     * explorer */
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        if (strchr(argv[i], '.') == NULL)
            break;
        const hf_command *dflt = find("tui") != NULL ? find("tui") : find("inspect");
        argv[0] = (char *)dflt->name;
        return finish(dflt->run(argc, argv));
    }
    return unknown_command(argv[1]);
}
