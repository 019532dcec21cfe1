/* render/utf8.h - the one UTF-8 codec and display width of render/ and app/: figure labels,
 * terminal cells, explorer text. */
#ifndef HF_UTF8_H
#define HF_UTF8_H

#include <stdbool.h>
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
/* Whether cp must not reach a terminal as it is: C0 controls (ESC, CR, LF, TAB, ...), DEL, C1
 * (U+0080..U+009F, which some terminals take as CSI and OSC), and the bidirectional overrides
 * and isolates (U+202A..E, U+2066..9, which reorder what follows them on the line). */
int hf_utf8_is_control(uint32_t cp);
/* A copy of s safe to print on a terminal (the caller frees it; NULL on ENOMEM): control
 * characters (hf_utf8_is_control) and bytes that are not UTF-8 become "\x1b", bidirectional
 * overrides "\u202e", so the text cannot move the cursor, recolour or retitle the terminal.
 * Everything else is copied as it is. */
char *hf_utf8_escape(const char *s);

enum { HF_UTF8_WRAP_MAXL = 64 };
/* Word-wrap s into lines of at most width characters: line k is the bytes [st[k], st[k] +
 * len[k]). Breaks at spaces; a word wider than the line is cut. Returns the number of lines (at
 * most maxl <= HF_UTF8_WRAP_MAXL); *more (may be NULL) tells whether text was left over. */
int hf_utf8_wrap(const char *s, int width, int maxl, size_t *st, size_t *len, bool *more);
/* The code point to put in one terminal cell for cp: U+FFFD (as the decoder gives for bytes that
 * are not UTF-8) for a control character, which hf_utf8_escape would spell out but a cell has no
 * room for; cp itself otherwise. The cell grid and the explorer pass every cell through it. */
uint32_t hf_utf8_cell(uint32_t cp);

#endif
