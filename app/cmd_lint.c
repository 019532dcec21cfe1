/* app/cmd_lint.c - `hfscope lint WS`: the workspace lint (core/diag/lint) as a table or JSON;
 * exit 0 clean (notes only), 1 with warnings, 2 with errors or bad input. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/diag/lint.h"
#include "core/model/workspace.h"

int cmd_lint(int argc, char **argv);

static const char *const lint_common[] = {"json",  "output",  "measurement",
                                          "quiet", "verbose", NULL};

static cJSON *
lint_json(const hf_cli *cli, const hf_lint *l)
{
    cJSON *doc = hf_cli_json_doc(cli);
    cJSON *arr = cJSON_AddArrayToObject(doc, "findings");
    if (arr == NULL) {
        cJSON_Delete(doc);
        return NULL;
    }
    for (size_t i = 0; i < l->n; i++) {
        const hf_lint_finding *f = &l->f[i];
        cJSON *o = cJSON_CreateObject();
        if (o == NULL || !cJSON_AddItemToArray(arr, o) ||
            cJSON_AddStringToObject(o, "severity", hf_lint_severity_name(f->severity)) == NULL ||
            cJSON_AddStringToObject(o, "code", f->code) == NULL ||
            cJSON_AddStringToObject(o, "pointer", f->pointer) == NULL ||
            cJSON_AddStringToObject(o, "message", f->message) == NULL ||
            cJSON_AddNumberToObject(o, "count", (double)f->count) == NULL) {
            cJSON_Delete(doc);
            return NULL;
        }
    }
    return doc;
}

/* The table: a summary line, then one line per finding (notes only with -v). */
static char *
lint_text(const hf_cli *cli, const hf_lint *l)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    size_t count[3] = {0, 0, 0};
    for (size_t i = 0; i < l->n; i++)
        count[l->f[i].severity]++;
    fprintf(f, "%s: %zu errors, %zu warnings, %zu notes%s\n", cli->ws_path, count[HF_LINT_ERROR],
            count[HF_LINT_WARNING], count[HF_LINT_INFO],
            count[HF_LINT_INFO] > 0 && !cli->verbose ? " (-v lists the notes)" : "");
    for (size_t i = 0; i < l->n; i++) {
        const hf_lint_finding *x = &l->f[i];
        if (x->severity == HF_LINT_INFO && !cli->verbose)
            continue;
        fprintf(f, "%-7s %-25s %s\n        %s", hf_lint_severity_name(x->severity), x->code,
                x->pointer, x->message);
        if (x->count > 1)
            fprintf(f, " (and %zu more places)", x->count - 1);
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

int
cmd_lint(int argc, char **argv)
{
    double large = 0, ratio = 0;
    const hf_opt opts[] = {
        {"large", 0, HF_OPT_DOUBLE, &large,
         "relative effect above which a variation is implausible (default 1 = 100%)"},
        {"stat-ratio", 0, HF_OPT_DOUBLE, &ratio,
         "flag bins whose MC stat uncertainty is this many times the systematics (default 3)"},
        {NULL, 0, HF_OPT_FLAG, NULL, NULL}};
    hf_cli cli;
    int rc =
        hf_cli_parse_only(&cli, argc, argv, opts, "lint [--json] [-o FILE] WS.json", lint_common);
    if (rc != 0) {
        hf_cli_done(&cli);
        return rc < 0 ? 0 : rc;
    }
    if (cli.npos != 1) {
        hf_cli_done(&cli);
        return hf_cli_error("lint: expected one workspace (see hfscope lint --help)");
    }
    hf_error err = {0};
    hf_lint l = {0};
    hf_lint_options lo = {.measurement = cli.measurement, .large = large, .stat_ratio = ratio};
    hf_workspace *ws = hf_workspace_load(cli.ws_path, &err);
    if (ws == NULL || hf_lint_run(ws, &lo, &l, &err) < 0) {
        rc = hf_cli_report(cli.ws_path, &err);
    } else {
        int worst = hf_lint_worst(&l);
        if (cli.json) {
            rc = hf_cli_json_emit(lint_json(&cli, &l), cli.output);
        } else {
            char *text = lint_text(&cli, &l);
            if (text == NULL)
                rc = hf_cli_nomem();
            else if (cli.output != NULL &&
                     hf_write_file_atomic(cli.output, text, strlen(text), &err) < 0)
                rc = hf_cli_report(cli.output, &err);
            else if (cli.output == NULL)
                fputs(text, stdout);
            free(text);
        }
        if (rc == 0)
            rc = worst == HF_LINT_ERROR ? 2 : worst == HF_LINT_WARNING ? 1 : 0;
    }
    hf_lint_release(&l);
    hf_workspace_free(ws);
    hf_error_release(&err);
    hf_cli_done(&cli);
    return rc;
}
