/* core/json/strbuf.h - a growing byte buffer, always NUL-terminated, with a sticky out-of-memory
 * flag (write on, check once at the end): what the JSON writers (digest, wsedit) build text in. */
#ifndef HF_STRBUF_H
#define HF_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct hf_strbuf {
    char *p; /* the text (NULL while empty); the caller frees it */
    size_t n, cap;
    bool oom; /* an append failed: the text is incomplete */
} hf_strbuf;

/* Append n bytes of s (no-op once oom is set). */
void hf_strbuf_put(hf_strbuf *b, const char *s, size_t n);
/* Append the string s. */
void hf_strbuf_str(hf_strbuf *b, const char *s);

#endif
