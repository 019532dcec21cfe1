/* core/json/jsontext.c - JSON text to a cJSON tree: reading the file, the checks cJSON does not
 * make (UTF-8, NUL bytes, \u0000 escapes), and syntax errors with line and column. */
#include "core/json/jsontext.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/json/jsonalloc.h"
#include "core/json/jsonptr.h"
#include "core/json/nameset.h"

/* Read a whole file into a buffer with a NUL after *len bytes, or NULL. A regular file goes into
 * one buffer of its size (plus one byte to see it end) at the top of a parse pool opened for it
 * (*pool, hf_json_pool_text); a pipe, a file that grows while read, or a build without pools
 * reads into malloc'ed memory (*owned: free it), doubled as needed. */
static char *
read_file(const char *path, size_t *len, hf_json_pool **pool, char **owned, hf_error *err)
{
    *pool = NULL;
    *owned = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hf_error_set(err, HF_EIO, "", "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    int regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    if (!regular && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        (void)fclose(f);
        hf_error_set(err, HF_EIO, "", "cannot read '%s': is a directory", path);
        return NULL;
    }
    size_t cap = regular && st.st_size >= 0 && (uintmax_t)st.st_size < ((uintmax_t)1 << 40)
                     ? (size_t)st.st_size + 2
                     : (size_t)1 << 16;
    char *buf = NULL;
    if (regular && (*pool = hf_json_pool_open(cap)) != NULL)
        buf = hf_json_pool_text(*pool, cap);
    if (buf == NULL)
        buf = *owned = malloc(cap);
    size_t n = 0;
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *nb = cap < ((size_t)1 << 40) ? malloc(cap * 2) : NULL;
        if (nb != NULL)
            memcpy(nb, buf, n);
        free(*owned);
        buf = *owned = nb;
        cap *= 2;
    }
    if (buf == NULL || ferror(f)) {
        int e = errno;
        (void)fclose(f);
        if (buf == NULL)
            hf_error_nomem(err);
        else
            hf_error_set(err, HF_EIO, "", "cannot read '%s': %s", path, strerror(e));
        free(*owned);
        hf_json_pool_close(*pool);
        return NULL;
    }
    (void)fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Line and column (1-based) of byte stop of buf. */
static void
line_col(const char *buf, const char *stop, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = buf; p < stop; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static int
text_error(hf_error *err, const char *buf, const char *at, const char *what)
{
    int line, col;
    line_col(buf, at, &line, &col);
    if (what != NULL)
        hf_error_set(err, HF_EJSON, "", "invalid JSON: %s at line %d column %d", what, line, col);
    else
        hf_error_set(err, HF_EJSON, "", "invalid JSON at line %d column %d", line, col);
    if (err != NULL) {
        err->line = line;
        err->column = col;
    }
    return -1;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF), 0 if malformed. s is NUL-terminated. */
static size_t
utf8_seq(const unsigned char *s)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* The exact scan behind check_text: the first problem, in document order. */
static int
check_text_exact(const char *buf, size_t len, hf_error *err)
{
    const unsigned char *s = (const unsigned char *)buf;
    int in_string = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == '\0')
            return text_error(err, buf, buf + i, "NUL byte");
        if (s[i] >= 0x80) {
            size_t n = utf8_seq(s + i);
            if (n == 0)
                return text_error(err, buf, buf + i, "malformed UTF-8");
            i += n;
            continue;
        }
        if (s[i] == '"') {
            in_string = !in_string;
        } else if (in_string && s[i] == '\\' && i + 1 < len) {
            if (s[i + 1] == 'u' && i + 6 <= len && memcmp(s + i + 2, "0000", 4) == 0)
                return text_error(err, buf, buf + i, "\\u0000 (NUL) in a string");
            i += 2;
            continue;
        }
        i++;
    }
    return 0;
}

/* Eight bytes at a time (SWAR, "Bit Twiddling Hacks": haszero(v) = (v - 0x01..) & ~v & 0x80..):
 * the offset of the first byte >= 0x80 in s[0..len), or len. */
static size_t
first_high_byte(const unsigned char *s, size_t i, size_t len)
{
    const uint64_t high = 0x8080808080808080u;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & high)
            break;
    }
    while (i < len && s[i] < 0x80)
        i++;
    return i;
}

/* Is there a "\u0000" whose backslash is an escape (the last of an odd run of backslashes)?
 * Only a candidate: the exact scan decides whether it is inside a string. */
static int
maybe_nul_escape(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
        size_t run = 0;
        while (p + run < end && p[run] == '\\')
            run++;
        p += run;
        if (run % 2 == 1 && end - p >= 5 && memcmp(p, "u0000", 5) == 0)
            return 1;
    }
    return 0;
}

/* What cJSON lets through silently: bytes that are not UTF-8 (RFC 8259 section 8.1 requires it;
 * cJSON copies them), NUL bytes, and the escape \u0000 inside a string, where cJSON's C strings
 * end (so "a\u0000b" would load as "a"). The scan follows strings and their escapes, so "\\u0000"
 * (a backslash, then u0000) is not taken for one. -1 with line and column on the first. */
static int
check_text(const char *buf, size_t len, hf_error *err)
{
    /* the common case, clean text, in a few fast passes; anything suspect goes to the exact
     * byte-by-byte scan, which finds the first problem and its line and column */
    const unsigned char *s = (const unsigned char *)buf;
    int suspect = memchr(buf, '\0', len) != NULL || maybe_nul_escape(buf, len);
    for (size_t i = first_high_byte(s, 0, len); !suspect && i < len;
         i = first_high_byte(s, i, len)) {
        size_t n = utf8_seq(s + i); /* buf[len] is NUL: a sequence cut by the end is malformed */
        suspect = n == 0;
        i += n;
    }
    return suspect ? check_text_exact(buf, len, err) : 0;
}

/* ---- a syntax check that allocates nothing, to tell cJSON's out-of-memory from bad JSON ---- */

typedef struct scan {
    const char *p, *end;
    int depth;
} scan;

static void
skip_ws(scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
        s->p++;
}

static int
hex4(const char *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return -1;
        *v = *v * 16 + d;
    }
    return 0;
}

/* A string at s->p (on its opening quote): escapes as RFC 8259, \u surrogates paired as cJSON
 * requires, no raw control characters. */
static int
scan_string(scan *s)
{
    for (s->p++; s->p < s->end; s->p++) {
        unsigned char c = (unsigned char)*s->p;
        if (c == '"') {
            s->p++;
            return 0;
        }
        if (c < 0x20)
            return -1;
        if (c != '\\')
            continue;
        if (++s->p >= s->end)
            return -1;
        if (*s->p != 'u') {
            if (strchr("\"\\/bfnrt", *s->p) == NULL || *s->p == '\0')
                return -1;
            continue;
        }
        unsigned v, w;
        if (s->end - s->p < 5 || hex4(s->p + 1, &v) < 0)
            return -1;
        s->p += 4;
        if (v >= 0xDC00 && v <= 0xDFFF)
            return -1;
        if (v >= 0xD800 && v <= 0xDBFF) {
            if (s->end - s->p < 7 || s->p[1] != '\\' || s->p[2] != 'u' || hex4(s->p + 3, &w) < 0 ||
                w < 0xDC00 || w > 0xDFFF)
                return -1;
            s->p += 6;
        }
    }
    return -1;
}

static int
scan_number(scan *s)
{
    const char *p = s->p;
    if (p < s->end && *p == '-')
        p++;
    if (p >= s->end || !(*p >= '0' && *p <= '9'))
        return -1;
    while (p < s->end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' ||
                          *p == '+' || *p == '-'))
        p++;
    s->p = p;
    return 0;
}

static int scan_value(scan *s);

/* An array or object at s->p, within cJSON's nesting limit. */
static int
scan_container(scan *s)
{
    char close = *s->p == '[' ? ']' : '}';
    if (++s->depth > HF_JSON_MAX_DEPTH)
        return -1;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        s->depth--;
        return 0;
    }
    for (;;) {
        if (close == '}') {
            if (s->p >= s->end || *s->p != '"' || scan_string(s) < 0)
                return -1;
            skip_ws(s);
            if (s->p >= s->end || *s->p++ != ':')
                return -1;
        }
        if (scan_value(s) < 0)
            return -1;
        skip_ws(s);
        if (s->p >= s->end)
            return -1;
        if (*s->p == close) {
            s->p++;
            s->depth--;
            return 0;
        }
        if (*s->p++ != ',')
            return -1;
        skip_ws(s);
    }
}

static int
scan_value(scan *s)
{
    skip_ws(s);
    if (s->p >= s->end)
        return -1;
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(s->end - s->p) >= n && memcmp(s->p, words[i], n) == 0) {
            s->p += n;
            return 0;
        }
    }
    if (*s->p == '"')
        return scan_string(s);
    if (*s->p == '[' || *s->p == '{')
        return scan_container(s);
    return scan_number(s);
}

/* NULL when buf[0..len) is one JSON value (with white space around it) that cJSON accepts, else
 * where the scan stopped (buf + len: the text ends inside a value). Recursion is bounded by
 * HF_JSON_MAX_DEPTH. */
static const char *
syntax_stop(const char *buf, size_t len)
{
    scan s = {buf, buf + len, 0};
    if (scan_value(&s) < 0)
        return s.p < s.end ? s.p : s.end;
    skip_ws(&s);
    return s.p == s.end ? NULL : s.p;
}

/* hf_json_parse, into pool (NULL: a new one). The pool is closed on every path, and only after
 * the messages have read buf: the text may live in it (hf_json_pool_text), and a failed parse
 * leaves nothing else alive there, so closing releases it. */
static cJSON *
parse_text(const char *buf, size_t len, hf_json_pool *pool, hf_error *err)
{
    cJSON *doc = NULL;
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
        i++;
    if (i == len) {
        hf_error_set(err, HF_EJSON, "", "empty file, expected a JSON document");
    } else if (check_text(buf, len, err) == 0) {
        const char *end = NULL;
        if (pool == NULL)
            pool = hf_json_pool_open(len);
        /* len + 1: cJSON wants the terminating NUL inside the length to accept the end */
        doc = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
        const char *stop = doc == NULL ? syntax_stop(buf, len) : NULL;
        if (doc == NULL && stop == NULL) { /* cJSON says NULL for both */
            hf_error_nomem(err);
        } else if (doc == NULL) {
            /* cJSON's position, unless the text ends inside a value (a cut file: cJSON stops at
             * the start of the string or number it could not finish) */
            const char *at = end != NULL && end < buf + len ? end : buf + len;
            if (stop >= buf + len)
                at = buf + len;
            text_error(err, buf, at, at >= buf + len ? "unexpected end of file" : NULL);
        }
    }
    hf_json_pool_close(pool);
    return doc;
}

/* Parse len bytes of JSON text at buf (buf[len] must be NUL); see workspace.h. */
cJSON *
hf_json_parse(const char *buf, size_t len, hf_error *err)
{
    return parse_text(buf, len, NULL, err);
}

/* Parse a JSON file; syntax errors carry line and column (taken from cJSON's end pointer). */
cJSON *
hf_json_load_file(const char *path, hf_error *err)
{
    size_t len = 0;
    hf_json_pool *pool;
    char *owned;
    char *buf = read_file(path, &len, &pool, &owned, err);
    if (buf == NULL)
        return NULL;
    cJSON *doc = parse_text(buf, len, pool, err);
    free(owned);
    return doc;
}

/* ---- repeated keys and nesting depth, over the parsed tree ---- */

/* The walk's context: the path (built only for an error), a scratch name set, the error. */
typedef struct keywalk {
    hf_jsonpath jp;
    hf_nameset names;
    hf_error *err;
} keywalk;

/* An error at the member the walk is visiting (the path may have failed to grow). */
#define fail(L, code, ...)                                                                         \
    ((L)->jp.oom ? hf_error_nomem((L)->err)                                                        \
                 : hf_error_set((L)->err, code, hf_jsonpath_str(&(L)->jp), __VA_ARGS__))

/* The first member of object v whose key repeats an earlier one, or NULL (*oom set when the
 * table could not be built). Pairwise for a few keys, a name set beyond: linear either way. */
static const cJSON *
first_duplicate(hf_nameset *set, const cJSON *v, int *oom)
{
    size_t n = 0;
    for (const cJSON *it = v->child; it != NULL && n <= HF_NAMESET_SMALL; it = it->next)
        n++;
    if (n <= HF_NAMESET_SMALL) {
        for (const cJSON *it = v->child; it != NULL; it = it->next)
            for (const cJSON *q = v->child; q != it; q = q->next)
                if (q->string[0] == it->string[0] && strcmp(q->string, it->string) == 0)
                    return it;
        return NULL;
    }
    hf_nameset_reset(set);
    const cJSON *dup = NULL;
    for (const cJSON *it = v->child; it != NULL && dup == NULL; it = it->next) {
        int r = hf_nameset_add(set, it->string, 0, NULL);
        if (r < 0)
            *oom = 1;
        if (r <= 0)
            dup = it;
    }
    hf_nameset_reset(set);
    return *oom ? NULL : dup;
}

/* One open array or object of the walk: the member being visited (cur, at position index - 1),
 * the next one, and the first repeated key. The frames are the path: no pointer is kept up to
 * date while walking, it is built from them for an error. */
typedef struct walk_frame {
    const cJSON *cur, *next, *dup;
    size_t index;
    int object;
} walk_frame;

typedef struct walk {
    walk_frame *f;
    size_t n, cap;
} walk;

static int
is_container(const cJSON *v)
{
    int t = v->type & 0xFF;
    return t == cJSON_Array || t == cJSON_Object;
}

/* Point L's path at the member the walk is visiting. */
static void
walk_path(keywalk *L, const walk *w)
{
    for (size_t i = 0; i < w->n; i++) {
        if (w->f[i].object)
            hf_jsonpath_push_key(&L->jp, w->f[i].cur->string);
        else
            hf_jsonpath_push_index(&L->jp, w->f[i].index - 1);
    }
}

/* Open container v, the member being visited: -1 past the nesting limit, or when the repeated
 * key table or the stack cannot grow. */
static int
walk_enter(keywalk *L, walk *w, const cJSON *v)
{
    if (w->n >= HF_JSON_MAX_DEPTH) {
        walk_path(L, w);
        return fail(L, HF_EJSON, "nested deeper than %d arrays and objects (hfscope's limit)",
                    HF_JSON_MAX_DEPTH);
    }
    if (v->child == NULL)
        return 0;
    int oom = 0, object = (v->type & 0xFF) == cJSON_Object;
    const cJSON *dup = object ? first_duplicate(&L->names, v, &oom) : NULL;
    if (oom)
        return hf_error_nomem(L->err);
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 32;
        walk_frame *f = realloc(w->f, cap * sizeof(*f));
        if (f == NULL)
            return hf_error_nomem(L->err);
        w->f = f;
        w->cap = cap;
    }
    w->f[w->n++] = (walk_frame){NULL, v->child, dup, 0, object};
    return 0;
}

/* JSON allows duplicate keys, but which one a reader takes is unspecified (cJSON: the first):
 * a workspace with one is ambiguous, so it is an error at the second occurrence. The walk is
 * depth-first in document order with its own stack (no recursion, so no stack overflow from
 * deep input), and rejects nesting deeper than HF_JSON_MAX_DEPTH. root is an array or object. */
static int
check_duplicate_keys(keywalk *L, const cJSON *root)
{
    walk w = {0};
    int rc = walk_enter(L, &w, root);
    while (rc == 0 && w.n > 0) {
        walk_frame *f = &w.f[w.n - 1];
        const cJSON *it = f->next;
        /* numbers and strings (most of a workspace) in one tight loop */
        for (; it != NULL && it != f->dup && !is_container(it); it = it->next)
            f->index++;
        if (it == NULL) {
            w.n--;
            continue;
        }
        f->cur = it;
        f->next = it->next;
        f->index++;
        if (it == f->dup) {
            walk_path(L, &w);
            rc = fail(L, HF_EJSON, "duplicate key '%s'", it->string);
        } else if (is_container(it)) {
            rc = walk_enter(L, &w, it);
        }
    }
    free(w.f);
    return rc;
}

/* The duplicate-key and nesting walk for any document (patchsets and bare patches too). */
int
hf_json_check_keys(const cJSON *root, hf_error *err)
{
    if (!cJSON_IsObject(root) && !cJSON_IsArray(root))
        return 0;
    keywalk L = {.err = err};
    int rc = check_duplicate_keys(&L, root);
    hf_jsonpath_release(&L.jp);
    hf_nameset_release(&L.names);
    return rc;
}
