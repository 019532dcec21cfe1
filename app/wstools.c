/* app/wstools.c - reading workspaces for the pyhf-style tools and writing their results. */
#include "app/wstools.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/workspace.h"

const char *const hf_wstool_common[] = {"output", "quiet", "verbose", NULL};

/* The whole file ("-": standard input), NUL-terminated; NULL after an error naming the path was
 * printed. */
static char *
slurp(const char *path, size_t *len)
{
    bool in = strcmp(path, "-") == 0;
    FILE *f = in ? stdin : fopen(path, "rb");
    if (f == NULL) {
        hf_cli_error("cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? 2 * cap : 1 << 20;
            char *b = realloc(buf, cap);
            if (b == NULL) {
                free(buf);
                if (!in)
                    (void)fclose(f);
                hf_cli_error("out of memory reading '%s'", path);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, 65536, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    if (!in)
        (void)fclose(f);
    if (bad) {
        free(buf);
        hf_cli_error("cannot read '%s'", path);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* See wstools.h. */
cJSON *
hf_wstool_load_text(const char *path, char **text, int *rc)
{
    hf_error err = {0};
    size_t len = 0;
    *rc = 2;
    *text = slurp(path, &len);
    if (*text == NULL)
        return NULL;
    /* syntax errors (line, column) from the number-keeping parse, schema errors (pointers) from
     * the workspace loader on a plain parse of the same text */
    cJSON *doc = hf_wsedit_parse(*text, len, &err);
    hf_workspace *ws = doc != NULL ? hf_workspace_from_json(cJSON_Parse(*text), path, &err) : NULL;
    if (ws == NULL) {
        *rc = hf_cli_report(path, &err);
        hf_error_release(&err);
        cJSON_Delete(doc);
        free(*text);
        *text = NULL;
        return NULL;
    }
    hf_workspace_free(ws);
    *rc = 0;
    return doc;
}

/* See wstools.h. */
cJSON *
hf_wstool_load(const char *path, int *rc)
{
    char *text = NULL;
    cJSON *doc = hf_wstool_load_text(path, &text, rc);
    free(text);
    return doc;
}

/* See wstools.h. */
int
hf_wstool_emit(const cJSON *doc, const char *out, const char *command)
{
    char *text = hf_wsedit_print(doc);
    if (text == NULL)
        return hf_cli_nomem();
    hf_error err = {0};
    hf_workspace *ws = hf_workspace_from_json(cJSON_Parse(text), "result", &err);
    int rc = 0;
    if (ws == NULL) {
        fprintf(stderr, "hfscope: error: %s: the result is not a valid workspace: %s%s%s\n",
                command, err.where != NULL ? err.where : "",
                err.where != NULL && *err.where ? ": " : "", hf_error_msg(&err));
        rc = 2;
    } else if (out != NULL && strcmp(out, "-") != 0) {
        if (hf_write_file_atomic(out, text, strlen(text), &err) < 0)
            rc = hf_cli_report(out, &err);
    } else {
        fputs(text, stdout);
    }
    hf_workspace_free(ws);
    hf_error_release(&err);
    free(text);
    return rc;
}

/* See wstools.h. */
int
hf_wstool_pairs(const hf_optlist *l, const char *option, hf_wsedit_names *out)
{
    out->n = 0;
    out->from = calloc(l->n + 1, sizeof(*out->from));
    out->to = calloc(l->n + 1, sizeof(*out->to));
    if (out->from == NULL || out->to == NULL)
        return hf_cli_nomem();
    for (size_t i = 0; i < l->n; i++) {
        const char *colon = strchr(l->v[i], ':');
        if (colon == NULL || colon == l->v[i] || colon[1] == '\0')
            return hf_cli_error("--%s: expected OLD:NEW, got '%s'", option, l->v[i]);
        char *from = strndup(l->v[i], (size_t)(colon - l->v[i]));
        if (from == NULL)
            return hf_cli_nomem();
        out->from[out->n] = from;
        out->to[out->n++] = colon + 1;
    }
    return 0;
}

void
hf_wstool_names_release(hf_wsedit_names *n)
{
    for (size_t i = 0; n->from != NULL && i < n->n; i++)
        free((void *)(uintptr_t)n->from[i]);
    free((void *)n->from);
    free((void *)n->to);
    memset(n, 0, sizeof(*n));
}
