/* app/wstools.h - what digest, sort, rename, prune and combine share: reading a workspace for
 * editing (validated first, numbers kept as written) and writing the result atomically. */
#ifndef HF_WSTOOLS_H
#define HF_WSTOOLS_H

#include "app/cli.h"
#include "core/json/wsedit.h"

struct cJSON;

/* The common options these commands take (NULL-terminated, for hf_cli_parse_only). */
extern const char *const hf_wstool_common[];

/* Validate the workspace at path ("-": standard input) (errors name the file and the JSON pointer),
 * then parse it with numbers kept as written. NULL after the error was printed (*rc = 2). */
struct cJSON *hf_wstool_load(const char *path, int *rc);
/* hf_wstool_load that also hands back the file's text (*text, caller frees; NULL on error). */
struct cJSON *hf_wstool_load_text(const char *path, char **text, int *rc);
/* Check that doc is a valid workspace, then print it as pyhf's CLI does to stdout or, with
 * out != NULL, to out through a temporary file. Nothing is written when doc does not validate.
 * Returns the exit code. */
int hf_wstool_emit(const struct cJSON *doc, const char *out, const char *command);
/* "OLD:NEW" items (split at the first ':') into names; 0, or 2 after a usage error. */
int hf_wstool_pairs(const hf_optlist *l, const char *option, hf_wsedit_names *out);
void hf_wstool_names_release(hf_wsedit_names *n);

#endif
