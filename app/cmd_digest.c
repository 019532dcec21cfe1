/* app/cmd_digest.c - `hfscope digest WS`: pyhf's workspace digest (pyhf digest), sha256 of the
 * canonical JSON; the workspace is validated first, as pyhf builds a Workspace. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/wstools.h"
#include "core/json/digest.h"

int cmd_digest(int argc, char **argv);

static const char *const digest_common[] = {"json", "output", "quiet", "verbose", NULL};

int
cmd_digest(int argc, char **argv)
{
    const char *alg = "sha256";
    bool plain = false;
    const hf_opt opts[] = {
        {"algorithm", 'a', HF_OPT_STRING, &alg, "hash ALGORITHM (pyhf's -a; sha256 only)"},
        {"plaintext", 'p', HF_OPT_FLAG, &plain, "ALG:HEX on one line (the default)"},
        {NULL, 0, HF_OPT_FLAG, NULL, NULL}};
    hf_cli cli;
    int rc = hf_cli_parse_only(&cli, argc, argv, opts, "digest [--json] [-o FILE] WS.json",
                               digest_common);
    if (rc != 0)
        goto out;
    if (cli.npos != 1) {
        rc = hf_cli_error("digest: expected one workspace (see hfscope digest --help)");
        goto out;
    }
    if (strcmp(alg, "sha256") != 0) {
        rc = hf_cli_error("digest: unknown algorithm '%s' (hfscope knows: sha256)", alg);
        goto out;
    }
    hf_error err = {0};
    char *text = NULL, hex[65];
    cJSON *doc = hf_wstool_load_text(cli.ws_path, &text, &rc);
    cJSON_Delete(doc);
    if (doc == NULL)
        goto out;
    if (hf_digest_sha256_text(text, strlen(text), cli.ws_path, hex, &err) < 0) {
        rc = hf_cli_report(cli.ws_path, &err);
        hf_error_release(&err);
        free(text);
        goto out;
    }
    free(text);
    if (cli.verbose && !cli.json)
        fprintf(stderr, "hfscope: digest: sha256 of %s as json.dumps(sort_keys=True) writes it\n",
                cli.ws_path);
    /* pyhf digest --json prints json.dumps({"sha256": hex}, indent=4, sort_keys=True) */
    char line[128];
    if (cli.json)
        (void)snprintf(line, sizeof(line), "{\n    \"sha256\": \"%s\"\n}\n", hex);
    else
        (void)snprintf(line, sizeof(line), "sha256:%s\n", hex);
    if (cli.output != NULL && strcmp(cli.output, "-") != 0) {
        if (hf_write_file_atomic(cli.output, line, strlen(line), &err) < 0)
            rc = hf_cli_report(cli.output, &err);
        hf_error_release(&err);
    } else {
        fputs(line, stdout);
    }
out:
    if (rc < 0)
        rc = 0; /* --help */
    hf_cli_done(&cli);
    return rc;
}
