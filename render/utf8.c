/* render/utf8.c - UTF-8 encoding, decoding and the width of labels in character cells. */
#include "render/utf8.h"

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
