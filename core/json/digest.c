/* core/json/digest.c - the pyhf digest of a JSON file: SHA-256 (FIPS 180-4) of Python's canonical
 * json.dumps(sort_keys=True, ensure_ascii=False), computed from the file's text. */
#include "core/json/digest.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/strbuf.h"

/* SHA-256, FIPS 180-4. */
typedef struct sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t nbuf;
} sha256;

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
sha_block(sha256 *s, const unsigned char *p)
{
    uint32_t w[64];
    for (size_t i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5],
             g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 =
            h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
        uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

static void
sha_init(sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof(h0));
    s->len = 0;
    s->nbuf = 0;
}

static void
sha_update(sha256 *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    s->len += n;
    while (n > 0) {
        size_t k = 64 - s->nbuf < n ? 64 - s->nbuf : n;
        memcpy(s->buf + s->nbuf, p, k);
        s->nbuf += k;
        p += k;
        n -= k;
        if (s->nbuf == 64) {
            sha_block(s, s->buf);
            s->nbuf = 0;
        }
    }
}

static void
sha_hex(sha256 *s, char hex[65])
{
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, zero = 0, lenb[8];
    sha_update(s, &pad, 1);
    while (s->nbuf != 56)
        sha_update(s, &zero, 1);
    for (int i = 0; i < 8; i++)
        lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_update(s, lenb, 8);
    for (size_t i = 0; i < 8; i++)
        (void)snprintf(hex + 8 * i, 9, "%08x", (unsigned)s->h[i]);
}

typedef struct canon {
    const char *s, *end;
    int depth;
    bool bad;
} canon;

static void
skip_ws(canon *c)
{
    while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
        c->s++;
}

static int
hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Python json.dumps(ensure_ascii=False) form of one code point: quote, backslash and control
 * characters escaped, everything else as UTF-8. */
static void
emit_cp(hf_strbuf *out, uint32_t cp)
{
    char tmp[16];
    switch (cp) {
    case '"':
        hf_strbuf_str(out, "\\\"");
        return;
    case '\\':
        hf_strbuf_str(out, "\\\\");
        return;
    case '\n':
        hf_strbuf_str(out, "\\n");
        return;
    case '\r':
        hf_strbuf_str(out, "\\r");
        return;
    case '\t':
        hf_strbuf_str(out, "\\t");
        return;
    case '\b':
        hf_strbuf_str(out, "\\b");
        return;
    case '\f':
        hf_strbuf_str(out, "\\f");
        return;
    default:
        break;
    }
    if (cp >= 0x20 && cp < 0x80) {
        tmp[0] = (char)cp;
        hf_strbuf_put(out, tmp, 1);
    } else if (cp < 0x20) {
        (void)snprintf(tmp, sizeof(tmp), "\\u%04x", (unsigned)cp);
        hf_strbuf_str(out, tmp);
    } else { /* ensure_ascii=False: the character itself, encoded as UTF-8 */
        size_t k = 0;
        if (cp < 0x800) {
            tmp[k++] = (char)(0xc0 | cp >> 6);
        } else if (cp < 0x10000) {
            tmp[k++] = (char)(0xe0 | cp >> 12);
            tmp[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        } else {
            tmp[k++] = (char)(0xf0 | cp >> 18);
            tmp[k++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            tmp[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        }
        tmp[k++] = (char)(0x80 | (cp & 0x3f));
        hf_strbuf_put(out, tmp, k);
    }
}

/* A JSON string token: canonical form to out, and (for keys) the code points as UTF-32-ish
 * sort key to key (4 bytes per code point, big-endian, so memcmp sorts by code point). */
static void
canon_string(canon *c, hf_strbuf *out, hf_strbuf *key)
{
    c->s++; /* opening quote */
    hf_strbuf_str(out, "\"");
    while (c->s < c->end && *c->s != '"') {
        uint32_t cp;
        unsigned char ch = (unsigned char)*c->s;
        if (ch == '\\') {
            if (c->s + 1 >= c->end) {
                c->bad = true;
                return;
            }
            char e = c->s[1];
            c->s += 2;
            if (e == 'u') {
                if (c->end - c->s < 4) {
                    c->bad = true;
                    return;
                }
                cp = 0;
                for (int i = 0; i < 4; i++) {
                    int h = hexval(c->s[i]);
                    if (h < 0) {
                        c->bad = true;
                        return;
                    }
                    cp = cp * 16 + (uint32_t)h;
                }
                c->s += 4;
                /* a surrogate pair becomes one code point, as Python's json.loads does */
                if (cp >= 0xd800 && cp < 0xdc00 && c->end - c->s >= 6 && c->s[0] == '\\' &&
                    c->s[1] == 'u') {
                    uint32_t lo = 0;
                    bool ok = true;
                    for (int i = 0; i < 4 && ok; i++) {
                        int h = hexval(c->s[2 + i]);
                        ok = h >= 0;
                        lo = lo * 16 + (uint32_t)(h < 0 ? 0 : h);
                    }
                    if (ok && lo >= 0xdc00 && lo < 0xe000) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        c->s += 6;
                    }
                }
            } else {
                cp = e == 'n'   ? '\n'
                     : e == 't' ? '\t'
                     : e == 'r' ? '\r'
                     : e == 'b' ? '\b'
                     : e == 'f' ? '\f'
                                : (uint32_t)(unsigned char)e; /* " \ / */
            }
        } else if (ch < 0x80) {
            cp = ch;
            c->s++;
        } else {
            /* UTF-8 */
            int n = ch >= 0xf0 ? 3 : ch >= 0xe0 ? 2 : ch >= 0xc0 ? 1 : -1;
            if (n < 0 || c->end - c->s <= n) {
                c->bad = true;
                return;
            }
            cp = ch & (0x3f >> n);
            for (int i = 1; i <= n; i++)
                cp = cp << 6 | ((unsigned char)c->s[i] & 0x3f);
            c->s += n + 1;
        }
        emit_cp(out, cp);
        if (key != NULL) {
            char k4[4] = {(char)(cp >> 24), (char)(cp >> 16), (char)(cp >> 8), (char)cp};
            hf_strbuf_put(key, k4, 4);
        }
    }
    if (c->s >= c->end) {
        c->bad = true;
        return;
    }
    c->s++;
    hf_strbuf_str(out, "\"");
}

/* A JSON number token as Python would print it: ints as written (without a sign on zero),
 * floats as repr(float(token)): the shortest digits that round-trip, fixed notation with ".0"
 * for decimal exponents -4..15, else d.ddde+XX (CPython float_repr_style "short"). */
static void
canon_number(canon *c, hf_strbuf *out)
{
    const char *t = c->s;
    bool isfloat = false;
    while (c->s < c->end && strchr("+-0123456789.eE", *c->s) != NULL) {
        if (*c->s == '.' || *c->s == 'e' || *c->s == 'E')
            isfloat = true;
        c->s++;
    }
    size_t n = (size_t)(c->s - t);
    if (n == 0 || n > 400) {
        c->bad = true;
        return;
    }
    char tok[401];
    memcpy(tok, t, n);
    tok[n] = '\0';
    if (!isfloat) {
        const char *digits = tok[0] == '-' ? tok + 1 : tok;
        if (strspn(digits, "0") == strlen(digits)) /* -0 and 0 */
            hf_strbuf_str(out, "0");
        else
            hf_strbuf_str(out, tok);
        return;
    }
    double x = strtod(tok, NULL);
    if (!isfinite(x)) {
        hf_strbuf_str(out, x > 0 ? "Infinity" : x < 0 ? "-Infinity" : "NaN");
        return;
    }
    char e[40];
    int prec;
    for (prec = 0; prec < 17; prec++) {
        (void)snprintf(e, sizeof(e), "%.*e", prec, x);
        if (strtod(e, NULL) == x)
            break;
    }
    /* e = [-]d[.ddd]e[+-]XX: split into sign, digits and the decimal exponent */
    bool neg = e[0] == '-';
    char dig[24];
    size_t nd = 0;
    const char *q = e + (neg ? 1 : 0);
    for (; *q != 'e'; q++)
        if (*q != '.')
            dig[nd++] = *q;
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    dig[nd] = '\0';
    int exp10 = atoi(q + 1);
    char buf[64];
    size_t k = 0;
    if (neg)
        buf[k++] = '-';
    if (exp10 < -4 || exp10 >= 16) {
        buf[k++] = dig[0];
        if (nd > 1) {
            buf[k++] = '.';
            memcpy(buf + k, dig + 1, nd - 1);
            k += nd - 1;
        }
        k += (size_t)snprintf(buf + k, sizeof(buf) - k, "e%c%02d", exp10 < 0 ? '-' : '+',
                              exp10 < 0 ? -exp10 : exp10);
    } else if (exp10 < 0) {
        buf[k++] = '0';
        buf[k++] = '.';
        for (int i = -1; i > exp10; i--)
            buf[k++] = '0';
        memcpy(buf + k, dig, nd);
        k += nd;
    } else {
        for (int i = 0; i <= exp10; i++)
            if ((size_t)i < nd)
                buf[k++] = dig[i];
            else
                buf[k++] = '0';
        buf[k++] = '.';
        if ((size_t)exp10 + 1 < nd) {
            memcpy(buf + k, dig + exp10 + 1, nd - (size_t)exp10 - 1);
            k += nd - (size_t)exp10 - 1;
        } else {
            buf[k++] = '0';
        }
    }
    hf_strbuf_put(out, buf, k);
}

typedef struct member {
    hf_strbuf key, text; /* sort key (code points) and "key":value */
} member;

static int
cmp_member(const void *a, const void *b)
{
    const member *x = a, *y = b;
    size_t n = x->key.n < y->key.n ? x->key.n : y->key.n;
    int r = n ? memcmp(x->key.p, y->key.p, n) : 0;
    if (r != 0)
        return r;
    return (x->key.n > y->key.n) - (x->key.n < y->key.n);
}

static void canon_value(canon *c, hf_strbuf *out);

static void
canon_object(canon *c, hf_strbuf *out)
{
    c->s++;
    member *m = NULL;
    size_t nm = 0, cap = 0;
    skip_ws(c);
    if (c->s < c->end && *c->s == '}') {
        c->s++;
        hf_strbuf_str(out, "{}");
        return;
    }
    while (!c->bad) {
        skip_ws(c);
        if (c->s >= c->end || *c->s != '"') {
            c->bad = true;
            break;
        }
        if (nm == cap) {
            cap = cap ? 2 * cap : 8;
            member *nmv = realloc(m, cap * sizeof(*m));
            if (nmv == NULL) {
                out->oom = true;
                break;
            }
            m = nmv;
        }
        memset(&m[nm], 0, sizeof(m[nm]));
        nm++;
        canon_string(c, &m[nm - 1].text, &m[nm - 1].key);
        skip_ws(c);
        if (c->bad || c->s >= c->end || *c->s != ':') {
            c->bad = true;
            break;
        }
        c->s++;
        hf_strbuf_str(&m[nm - 1].text, ": ");
        canon_value(c, &m[nm - 1].text);
        skip_ws(c);
        if (c->s < c->end && *c->s == ',') {
            c->s++;
            continue;
        }
        if (c->s < c->end && *c->s == '}') {
            c->s++;
            break;
        }
        c->bad = true;
    }
    if (!c->bad && m != NULL)
        qsort(m, nm, sizeof(*m), cmp_member);
    hf_strbuf_str(out, "{");
    for (size_t i = 0; i < nm; i++) {
        if (i > 0)
            hf_strbuf_str(out, ", ");
        hf_strbuf_put(out, m[i].text.p != NULL ? m[i].text.p : "", m[i].text.n);
        out->oom |= m[i].key.oom || m[i].text.oom;
        free(m[i].key.p);
        free(m[i].text.p);
    }
    hf_strbuf_str(out, "}");
    free(m);
}

static void
canon_value(canon *c, hf_strbuf *out)
{
    skip_ws(c);
    if (c->s >= c->end || ++c->depth > 1000) {
        c->bad = true;
        return;
    }
    char ch = *c->s;
    if (ch == '{') {
        canon_object(c, out);
    } else if (ch == '[') {
        c->s++;
        hf_strbuf_str(out, "[");
        skip_ws(c);
        if (c->s < c->end && *c->s == ']') {
            c->s++;
        } else {
            for (bool first = true; !c->bad; first = false) {
                if (!first)
                    hf_strbuf_str(out, ", ");
                canon_value(c, out);
                skip_ws(c);
                if (c->s < c->end && *c->s == ',') {
                    c->s++;
                    continue;
                }
                if (c->s < c->end && *c->s == ']') {
                    c->s++;
                    break;
                }
                c->bad = true;
            }
        }
        hf_strbuf_str(out, "]");
    } else if (ch == '"') {
        canon_string(c, out, NULL);
    } else if (c->end - c->s >= 4 && memcmp(c->s, "true", 4) == 0) {
        c->s += 4;
        hf_strbuf_str(out, "true");
    } else if (c->end - c->s >= 5 && memcmp(c->s, "false", 5) == 0) {
        c->s += 5;
        hf_strbuf_str(out, "false");
    } else if (c->end - c->s >= 4 && memcmp(c->s, "null", 4) == 0) {
        c->s += 4;
        hf_strbuf_str(out, "null");
    } else {
        canon_number(c, out);
    }
    c->depth--;
}

/* The pyhf digest of a JSON file (pyhf.utils.digest): sha256 of
 * json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf8"), default separators ", " and
 * ": ", as hex. Works on the file's text, since whether a number is an int or
 * a float (1 or 1.0) changes the digest and a parsed cJSON tree no longer knows. */
int
hf_digest_sha256(const char *path, char hex[65], hf_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return hf_error_set(err, HF_EIO, "", "cannot read '%s': %s", path, strerror(errno));
    hf_strbuf in = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        hf_strbuf_put(&in, chunk, n);
    (void)fclose(f);
    int rc = in.oom ? hf_error_nomem(err)
                    : hf_digest_sha256_text(in.p != NULL ? in.p : "", in.n, path, hex, err);
    free(in.p);
    return rc;
}

/* hf_digest_sha256 of JSON text already in memory; `name` names it in the error. */
int
hf_digest_sha256_text(const char *text, size_t len, const char *name, char hex[65], hf_error *err)
{
    canon c = {text, text + len, 0, false};
    hf_strbuf out = {0};
    canon_value(&c, &out);
    skip_ws(&c);
    int rc = 0;
    if (out.oom)
        rc = hf_error_nomem(err);
    else if (c.bad || c.s != c.end)
        rc = hf_error_set(err, HF_EJSON, "", "'%s' is not valid JSON", name);
    else {
        sha256 s;
        sha_init(&s);
        sha_update(&s, out.p != NULL ? out.p : "", out.n);
        sha_hex(&s, hex);
    }
    free(out.p);
    return rc;
}
