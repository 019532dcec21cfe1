/* tests/fuzz/fuzz_cli.c - libFuzzer harness: the common option parser (app/cli.c hf_cli_parse)
 * on an argument vector cut from the input at NUL bytes, with one extra option of each kind. */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    char **argv = malloc((size + 3) * sizeof(*argv));
    if (buf == NULL || argv == NULL) {
        free(buf);
        free(argv);
        return 0;
    }
    memcpy(buf, data, size);
    buf[size] = '\0';
    int argc = 0;
    argv[argc++] = (char *)"fuzz";
    for (size_t i = 0; i < size;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    bool flag = false;
    const char *str = NULL;
    double num = 0;
    int count = 0;
    const hf_opt extra[] = {
        {"flag", 0, HF_OPT_FLAG, &flag, "a flag"},
        {"str", 's', HF_OPT_STRING, &str, "a string"},
        {"num", 0, HF_OPT_DOUBLE, &num, "a number"},
        {"count", 'n', HF_OPT_INT, &count, "an integer"},
        {NULL, 0, 0, NULL, NULL},
    };
    hf_cli cli;
    optind = 0; /* getopt_long keeps its place in globals: start afresh */
    (void)hf_cli_parse(&cli, argc, argv, extra, "fuzz [OPTIONS] WORKSPACE.json");
    hf_cli_release(&cli); /* what every command does, whatever the parse returned */
    free(buf);
    free(argv);
    return 0;
}
