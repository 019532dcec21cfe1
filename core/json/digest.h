/* core/json/digest.h - pyhf's workspace digest (pyhf.utils.digest). */
#ifndef HF_DIGEST_H
#define HF_DIGEST_H

#include <stddef.h>

#include "core/error.h"

/* The pyhf digest (pyhf.utils.digest: sha256 of json.dumps(sort_keys=True, ensure_ascii=False))
 * of a JSON file, as 64 hex digits in hex. -1 with err set when the file cannot be read or parsed.
 */
int hf_digest_sha256(const char *path, char hex[65], hf_error *err);
/* The same digest of JSON text in memory (len bytes); `name` names it in the error. */
int hf_digest_sha256_text(const char *text, size_t len, const char *name, char hex[65],
                          hf_error *err);

#endif
