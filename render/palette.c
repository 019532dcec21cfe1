/* render/palette.c - role colours: built in (Petroff 10 samples, M. A. Petroff, "Accessible
 * Color Sequences for Data Visualization", arXiv:2107.02270, then P. Tol's muted scheme for
 * stacks with more samples; Okabe-Ito accents) or read from a palette file ("key #rrggbb"). */
#include "render/palette.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXSAMPLES 32
#define NACCENT    4
#define MAXCHAN    32

struct hf_palette {
    hf_rgb role[HF_ROLE_COUNT];
    hf_rgb accent[NACCENT];
    size_t nsample;
    hf_rgb sample[MAXSAMPLES];
    hf_rgb map_lo, map_mid, map_hi;
    size_t nchannel;
    hf_rgb channel[MAXCHAN];
    size_t nover; /* per-sample colours of a style file, by global sample index */
    hf_rgb *over; /* nover; only in palettes the caller owns */
    unsigned char *has_over;
};

#define RGB(h)                                                                                     \
    {                                                                                              \
        ((h) >> 16 & 0xff) / 255.0, ((h) >> 8 & 0xff) / 255.0, ((h)&0xff) / 255.0                  \
    }

/* Keep in step with assets/palette.txt (tests/check_render.c compares them). */
static const hf_palette builtin = {
    .role =
        {
            [HF_ROLE_FG] = RGB(0x000000),
            [HF_ROLE_DATA] = RGB(0x000000),
            [HF_ROLE_SAMPLE] = RGB(0x3f90da),
            [HF_ROLE_BAND] = RGB(0x4d4d4d),
            [HF_ROLE_REF] = RGB(0x666666),
            [HF_ROLE_BAND1] = RGB(0x009e73),
            [HF_ROLE_BAND2] = RGB(0xf0e442),
            [HF_ROLE_EXPECTED] = RGB(0x000000),
            [HF_ROLE_OBSERVED] = RGB(0x000000),
            [HF_ROLE_PREFIT] = RGB(0x0072b2),
            [HF_ROLE_POSTFIT] = RGB(0xd55e00),
            [HF_ROLE_ACCENT] = RGB(0xe69f00),
            [HF_ROLE_GRID] = RGB(0xd9d9d9),
            [HF_ROLE_SERIES] = RGB(0x3f90da),
            [HF_ROLE_SIGNAL] = RGB(0xee3377),
        },
    .accent = {RGB(0xe69f00), RGB(0x56b4e9), RGB(0xcc79a7), RGB(0xd55e00)},
    /* Petroff 10, then Paul Tol's "muted" scheme for samples 10..19 (its pale grey left out) */
    .nsample = 19,
    .sample = {RGB(0x3f90da), RGB(0xffa90e), RGB(0xbd1f01), RGB(0x94a4a2), RGB(0x832db6),
               RGB(0xa96b59), RGB(0xe76300), RGB(0xb9ac70), RGB(0x717581), RGB(0x92dadd),
               RGB(0x332288), RGB(0x88ccee), RGB(0x44aa99), RGB(0x117733), RGB(0x999933),
               RGB(0xddcc77), RGB(0xcc6677), RGB(0x882255), RGB(0xaa4499)},
    .map_lo = RGB(0x2166ac),
    .map_mid = RGB(0xf7f7f7),
    .map_hi = RGB(0xb2182b),
    /* channels: Okabe-Ito (M. Okabe, K. Ito, "Color Universal Design", 2008) without black and
     * yellow, then colours of P. Tol's "light" and "high-contrast" schemes that differ from
     * those: none of them is a sample colour */
    .nchannel = 12,
    .channel = {RGB(0x0072b2), RGB(0xe69f00), RGB(0x009e73), RGB(0xcc79a7), RGB(0x56b4e9),
                RGB(0xd55e00), RGB(0x004488), RGB(0xbbcc33), RGB(0xee8866), RGB(0x44bb99),
                RGB(0xffaabb), RGB(0x777777)},
};

static const struct {
    const char *key;
    hf_role role;
} role_keys[] = {
    {"fg", HF_ROLE_FG},
    {"data", HF_ROLE_DATA},
    {"band", HF_ROLE_BAND},
    {"ref", HF_ROLE_REF},
    {"band1", HF_ROLE_BAND1},
    {"band2", HF_ROLE_BAND2},
    {"expected", HF_ROLE_EXPECTED},
    {"observed", HF_ROLE_OBSERVED},
    {"prefit", HF_ROLE_PREFIT},
    {"postfit", HF_ROLE_POSTFIT},
    {"grid", HF_ROLE_GRID},
    {"signal", HF_ROLE_SIGNAL},
};

const hf_palette *
hf_palette_builtin(void)
{
    return &builtin;
}

/* "#rrggbb" (followed by the end or white space) into c; 0 or -1. */
int
hf_rgb_parse(const char *s, hf_rgb *c)
{
    unsigned v = 0;
    int i;

    if (*s++ != '#')
        return -1;
    for (i = 0; i < 6; i++) {
        int ch = tolower((unsigned char)s[i]);
        if (!isxdigit(ch))
            return -1;
        v = v * 16 + (unsigned)(isdigit(ch) ? ch - '0' : ch - 'a' + 10);
    }
    if (s[6] && !isspace((unsigned char)s[6]))
        return -1;
    c->r = (v >> 16 & 0xff) / 255.0;
    c->g = (v >> 8 & 0xff) / 255.0;
    c->b = (v & 0xff) / 255.0;
    return 0;
}

/* Apply one "key #rrggbb" line; -1 when the key is unknown or the colour malformed. */
static int
apply(hf_palette *p, const char *key, const char *val)
{
    hf_rgb c;
    size_t i;
    char *end;

    if (hf_rgb_parse(val, &c) < 0)
        return -1;
    for (i = 0; i < sizeof role_keys / sizeof role_keys[0]; i++)
        if (strcmp(key, role_keys[i].key) == 0) {
            p->role[role_keys[i].role] = c;
            return 0;
        }
    if (strcmp(key, "map_lo") == 0)
        p->map_lo = c;
    else if (strcmp(key, "map_mid") == 0)
        p->map_mid = c;
    else if (strcmp(key, "map_hi") == 0)
        p->map_hi = c;
    else if (strncmp(key, "accent", 6) == 0 && isdigit((unsigned char)key[6])) {
        unsigned long k = strtoul(key + 6, &end, 10);
        if (*end || k >= NACCENT)
            return -1;
        p->accent[k] = c;
        if (k == 0)
            p->role[HF_ROLE_ACCENT] = c;
    } else if (strncmp(key, "channel", 7) == 0 && isdigit((unsigned char)key[7])) {
        unsigned long k = strtoul(key + 7, &end, 10);
        if (*end || k >= MAXCHAN)
            return -1;
        p->channel[k] = c;
        if (k + 1 > p->nchannel)
            p->nchannel = k + 1;
    } else if (strncmp(key, "sample", 6) == 0 && isdigit((unsigned char)key[6])) {
        unsigned long k = strtoul(key + 6, &end, 10);
        if (*end || k >= MAXSAMPLES)
            return -1;
        p->sample[k] = c;
        /* like every key, a sample the file leaves out keeps its built-in colour; more samples
         * than the built-in list lengthen the cycle */
        if (k + 1 > p->nsample)
            p->nsample = k + 1;
        if (k == 0)
            p->role[HF_ROLE_SAMPLE] = p->role[HF_ROLE_SERIES] = c;
    } else
        return -1;
    return 0;
}

/* Returns a palette loaded from path (built-in colours for keys the file omits); the caller
 * frees it with hf_palette_free. NULL with err set (line number in err->line) on failure. */
hf_palette *
hf_palette_load(const char *path, hf_error *err)
{
    FILE *f = fopen(path, "r");
    hf_palette *p;
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0;

    if (!f) {
        hf_error_set(err, HF_EIO, "", "cannot open palette \"%s\": %s", path, strerror(errno));
        return NULL;
    }
    p = malloc(sizeof *p);
    if (!p) {
        (void)fclose(f);
        hf_error_nomem(err);
        return NULL;
    }
    *p = builtin;
    while (getline(&line, &cap, f) >= 0) {
        char *s = line, *key, *val;
        lineno++;
        while (*s && isspace((unsigned char)*s))
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        key = s;
        while (*s && !isspace((unsigned char)*s))
            s++;
        if (*s)
            *s++ = '\0';
        while (*s && isspace((unsigned char)*s))
            s++;
        val = s;
        if (apply(p, key, val) < 0) {
            hf_error_set(err, HF_ESCHEMA, "", "%s:%d: bad palette line \"%s\"", path, lineno, key);
            err->line = lineno;
            free(line);
            free(p);
            (void)fclose(f);
            return NULL;
        }
    }
    free(line);
    (void)fclose(f); /* read-only stream */
    return p;
}

const hf_palette *
hf_palette_default(int *owned, hf_error *err)
{
    const char *env = getenv("HFSCOPE_PALETTE");
    hf_palette *p;

    *owned = 0;
    if (env && *env) {
        p = hf_palette_load(env, err);
        *owned = p != NULL;
        return p;
    }
    return &builtin;
}

hf_palette *
hf_palette_from_env(hf_error *err)
{
    const char *env = getenv("HFSCOPE_PALETTE");
    hf_palette *p;

    if (env && *env)
        return hf_palette_load(env, err);
    p = malloc(sizeof *p);
    if (!p) {
        hf_error_nomem(err);
        return NULL;
    }
    *p = builtin;
    return p;
}

void
hf_palette_free(hf_palette *p)
{
    if (p && p != &builtin) {
        free(p->over);
        free(p->has_over);
        free(p);
    }
}

/* A style file's colour for the sample of global index k (HF_ROLE_SAMPLE and HF_ROLE_SIGNAL inks
 * of that index). 0, or -1 on ENOMEM. */
int
hf_palette_set_sample(hf_palette *p, size_t k, hf_rgb c)
{
    if (k >= p->nover) {
        size_t n = k + 1;
        hf_rgb *o = realloc(p->over, n * sizeof *o);
        unsigned char *h;
        if (!o)
            return -1;
        p->over = o;
        if (!(h = realloc(p->has_over, n)))
            return -1;
        memset(h + p->nover, 0, n - p->nover);
        p->has_over = h;
        p->nover = n;
    }
    p->over[k] = c;
    p->has_over[k] = 1;
    return 0;
}

size_t
hf_palette_nsamples(const hf_palette *p)
{
    return p->nsample;
}

hf_rgb
hf_palette_ink(const hf_palette *p, hf_ink ink)
{
    size_t i = ink.index < 0 ? 0 : (size_t)ink.index;

    if ((ink.role == HF_ROLE_SAMPLE || ink.role == HF_ROLE_SIGNAL) && i < p->nover &&
        p->has_over[i])
        return p->over[i];
    switch (ink.role) {
    case HF_ROLE_SIGNAL:
        return p->role[HF_ROLE_SIGNAL];
    case HF_ROLE_SAMPLE:
    case HF_ROLE_SERIES:
        return p->sample[i % p->nsample];
    case HF_ROLE_ACCENT:
        return p->accent[i % NACCENT];
    case HF_ROLE_CHANNEL:
        return p->channel[i % p->nchannel];
    default:
        if ((unsigned)ink.role < HF_ROLE_COUNT)
            return p->role[ink.role];
        return p->role[HF_ROLE_FG];
    }
}

static hf_rgb
mix(hf_rgb a, hf_rgb b, double t)
{
    hf_rgb c = {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
    return c;
}

hf_rgb
hf_palette_map(const hf_palette *p, double t)
{
    if (!(t >= 0)) /* also NaN */
        t = 0;
    if (t > 1)
        t = 1;
    return t < 0.5 ? mix(p->map_lo, p->map_mid, t * 2) : mix(p->map_mid, p->map_hi, t * 2 - 1);
}

/* xterm-256: 6x6x6 cube at 16 + 36 r + 6 g + b with levels 0, 95, 135, 175, 215, 255, and a
 * grey ramp 232..255 at 8 + 10 k; take whichever is nearer. */
int
hf_rgb_xterm256(hf_rgb c)
{
    static const int lv[6] = {0, 95, 135, 175, 215, 255};
    int rgb[3] = {(int)lround(c.r * 255), (int)lround(c.g * 255), (int)lround(c.b * 255)};
    int q[3], i, k, best = 0;
    long dc = 0, dg;

    for (i = 0; i < 3; i++) {
        int bi = 0;
        for (k = 1; k < 6; k++)
            if (abs(lv[k] - rgb[i]) < abs(lv[bi] - rgb[i]))
                bi = k;
        q[i] = bi;
        dc += (long)(lv[bi] - rgb[i]) * (lv[bi] - rgb[i]);
    }
    {
        int avg = (rgb[0] + rgb[1] + rgb[2]) / 3, g = (avg - 8 + 5) / 10, gv;
        if (g < 0)
            g = 0;
        if (g > 23)
            g = 23;
        gv = 8 + 10 * g;
        dg = 0;
        for (i = 0; i < 3; i++)
            dg += (long)(gv - rgb[i]) * (gv - rgb[i]);
        best = dg < dc ? 232 + g : 16 + 36 * q[0] + 6 * q[1] + q[2];
    }
    return best;
}

static double
lin(double u)
{
    return u <= 0.03928 ? u / 12.92 : pow((u + 0.055) / 1.055, 2.4);
}

double
hf_rgb_luminance(hf_rgb c)
{
    return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}
