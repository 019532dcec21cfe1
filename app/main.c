/* app/main.c - hfscope entry point: the subcommand table (app/commands.h), --help, --version. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app/cli.h"

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
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C"); /* JSON and tables always use '.' */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "help") == 0 && argc > 2) {
        /* hfscope help CMD = hfscope CMD --help */
        const hf_command *c = find(argv[2]);
        if (c == NULL)
            return unknown_command(argv[2]);
        char *hargv[] = {argv[2], (char *)(uintptr_t) "--help", NULL};
        return finish(c->run(2, hargv));
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
        strcmp(argv[1], "version") == 0) {
        printf("hfscope %s\n", HF_VERSION);
        return 0;
    }
    const hf_command *c = find(argv[1]);
    if (c != NULL)
        return finish(c->run(argc - 1, argv + 1));
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
