/* render/utf8.c - UTF-8 encoding, decoding and the width of labels in character cells. */
#include "render/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* UTF-8 of one code point into buf (5 bytes suffice); returns the bytes written. */
size_t
hf_utf8_encode(uint32_t cp, char *buf)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* One code point from *sp, advancing it; malformed bytes give U+FFFD (one byte eaten). */
uint32_t
hf_utf8_decode(const char **sp)
{
    const unsigned char *s = (const unsigned char *)*sp;
    uint32_t cp;
    int n;
    if (s[0] < 0x80) {
        cp = s[0];
        n = 0;
    } else if ((s[0] & 0xE0) == 0xC0) {
        cp = s[0] & 0x1F;
        n = 1;
    } else if ((s[0] & 0xF0) == 0xE0) {
        cp = s[0] & 0x0F;
        n = 2;
    } else if ((s[0] & 0xF8) == 0xF0) {
        cp = s[0] & 0x07;
        n = 3;
    } else {
        *sp += 1;
        return 0xFFFD;
    }
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *sp += (size_t)i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *sp += (size_t)n + 1;
    return cp;
}

size_t
hf_utf8_width(const char *s)
{
    size_t n = 0;

    while (*s != '\0') {
        hf_utf8_decode(&s);
        n++;
    }
    return n;
}

size_t
hf_utf8_prefix(const char *s, size_t n)
{
    const char *p = s;

    while (*p != '\0' && n > 0) {
        hf_utf8_decode(&p);
        n--;
    }
    return (size_t)(p - s);
}

/* See utf8.h. */
int
hf_utf8_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

uint32_t
hf_utf8_cell(uint32_t cp)
{
    return hf_utf8_is_control(cp) ? 0xFFFD : cp;
}

/* The escape of one code point (or of one malformed byte b when cp is U+FFFD from a bad byte)
 * into buf (11 bytes); its length. */
static size_t
escape_one(uint32_t cp, const char *at, size_t used, char *buf)
{
    if (used == 1 && (unsigned char)at[0] >= 0x80) /* a byte that is not UTF-8 */
        return (size_t)snprintf(buf, 11, "\\x%02x", (unsigned char)at[0]);
    if (cp <= 0xFF)
        return (size_t)snprintf(buf, 11, "\\x%02x", (unsigned)cp);
    return (size_t)snprintf(buf, 11, "\\u%04x", (unsigned)cp);
}

/* s made safe to print on a terminal: see utf8.h. */
char *
hf_utf8_escape(const char *s)
{
    /* printable ASCII (almost every name): a plain copy, without decoding twice */
    const unsigned char *u = (const unsigned char *)s;
    while (*u >= 0x20 && *u < 0x7F)
        u++;
    if (*u == '\0') {
        size_t len = (size_t)((const char *)u - s) + 1;
        char *out = malloc(len);
        if (out != NULL)
            memcpy(out, s, len);
        return out;
    }
    size_t n = 0;
    char tmp[11];
    for (const char *p = s; *p != '\0';) {
        const char *at = p;
        uint32_t cp = hf_utf8_decode(&p);
        size_t used = (size_t)(p - at);
        int bad = cp == 0xFFFD && used == 1 && (unsigned char)at[0] >= 0x80;
        n += bad || hf_utf8_is_control(cp) ? escape_one(cp, at, used, tmp) : used;
    }
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    char *q = out;
    for (const char *p = s; *p != '\0';) {
        const char *at = p;
        uint32_t cp = hf_utf8_decode(&p);
        size_t used = (size_t)(p - at);
        int bad = cp == 0xFFFD && used == 1 && (unsigned char)at[0] >= 0x80;
        if (bad || hf_utf8_is_control(cp)) {
            q += escape_one(cp, at, used, q);
        } else {
            memcpy(q, at, used);
            q += used;
        }
    }
    *q = '\0';
    return out;
}

/* Word-wrap: see utf8.h. */
int
hf_utf8_wrap(const char *s, int width, int maxl, size_t *st, size_t *len, bool *more)
{
    size_t pos = 0;
    int n = 0;
    if (more != NULL)
        *more = false;
    if (width < 1 || s == NULL)
        return 0;
    if (maxl > HF_UTF8_WRAP_MAXL)
        maxl = HF_UTF8_WRAP_MAXL;
    for (;;) {
        while (s[pos] == ' ')
            pos++;
        if (s[pos] == '\0')
            break;
        if (n == maxl) {
            if (more != NULL)
                *more = true;
            break;
        }
        size_t start = pos, cut, brk = 0;
        int col = 0;
        const char *q = s + pos;
        while (*q != '\0' && col < width) {
            if (*q == ' ' && q > s + start)
                brk = (size_t)(q - s);
            hf_utf8_decode(&q);
            col++;
        }
        cut = (size_t)(q - s);
        bool stop = false;
        if (*q != '\0' && *q != ' ') {
            if (brk > start) /* inside a word: break at the last space */
                cut = brk;
            else if (n > 0) { /* a word wider than a line: never split it over rows */
                if (more != NULL)
                    *more = true;
                break;
            } else /* ... unless it is the first: cut it, the caller marks the rest */
                stop = true;
        }
        size_t end = cut;
        while (end > start && s[end - 1] == ' ')
            end--;
        st[n] = start;
        len[n] = end - start;
        n++;
        pos = cut;
        if (stop) {
            if (more != NULL)
                *more = true;
            break;
        }
    }
    return n;
}
