/* render/utf8.h - the one UTF-8 codec and display width of render/ and app/: figure labels,
 * terminal cells, explorer text. */
#ifndef HF_UTF8_H
#define HF_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Encode one code point as UTF-8 into buf (at least 5 bytes); returns the bytes written. */
size_t hf_utf8_encode(uint32_t cp, char *buf);
/* Decode one code point from *s (advanced); malformed bytes decode as U+FFFD. */
uint32_t hf_utf8_decode(const char **s);
/* Display width of s in terminal columns: one per code point (labels hold no wide or combining
 * characters; malformed bytes count as U+FFFD does). */
size_t hf_utf8_width(const char *s);
/* Bytes taken by the first n code points of s (all of s when it has fewer). */
size_t hf_utf8_prefix(const char *s, size_t n);
/* A copy of s safe to print on a terminal (the caller frees it; NULL on ENOMEM): control
 * characters (C0 such as ESC, CR and LF, DEL, C1) and bytes that are not UTF-8 become "\x1b",
 * bidirectional overrides "\u202e", so the text cannot move the cursor, recolour or retitle the
 * terminal. Everything else is copied as it is. */
char *hf_utf8_escape(const char *s);

#endif
