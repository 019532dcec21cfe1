/* app/density_events.c - a column of numbers from a text or CSV file: the user's own events
 * for the density lab (`hfscope density --events`, the explorer's Density lab). */
#include "app/density_events.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split a text line into fields at commas, semicolons, tabs or spaces (in place). */
static size_t
split_fields(char *line, char **field, size_t max)
{
    size_t n = 0;
    char *p = line;
    int comma = strpbrk(line, ",;") != NULL;
    while (*p != '\0' && n < max) {
        if (!comma)
            while (*p == ' ' || *p == '\t')
                p++;
        if (*p == '\0')
            break;
        field[n++] = p;
        while (*p != '\0' && (comma ? (*p != ',' && *p != ';') : (*p != ' ' && *p != '\t')))
            p++;
        if (*p != '\0')
            *p++ = '\0';
    }
    for (size_t i = 0; i < n; i++) { /* trim */
        while (*field[i] == ' ' || *field[i] == '\t')
            field[i]++;
        char *e = field[i] + strlen(field[i]);
        while (e > field[i] && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
            *--e = '\0';
    }
    return n;
}

/* Read one column of a text/CSV file: FILE or FILE:COL (1-based number or header name).
 * Blank lines and lines starting with '#' are skipped; a first line that is not numeric in the
 * column is a header. Returns the values (malloc'ed, *nout of them, at least 2) and the file's
 * path in *path_out (malloc'ed); NULL with err set ("FILE:LINE: ...") on failure. */
double *
hf_density_events_read(const char *spec, size_t *nout, char **path_out, hf_error *err)
{
    char *path = strdup(spec);
    if (path == NULL)
        return hf_error_nomem(err), NULL;
    const char *col = NULL;
    FILE *f = fopen(path, "r");
    char *colon = strrchr(path, ':');
    if (f == NULL && colon != NULL) {
        *colon = '\0';
        col = colon + 1;
        f = fopen(path, "r");
    }
    if (f == NULL) {
        hf_error_set(err, HF_EIO, "", "%s: cannot open: %s", path, strerror(errno));
        free(path);
        return NULL;
    }
    long colno = 0; /* 0-based once known; -1 while a header name is pending */
    if (col != NULL) {
        char *end;
        long v = strtol(col, &end, 10);
        colno = (*end == '\0' && end != col && v >= 1) ? v - 1 : -1;
    }
    size_t n = 0, cap = 1024, lineno = 0;
    double *x = malloc(cap * sizeof(double));
    char *line = NULL, **field = malloc(16 * sizeof(char *));
    size_t linecap = 0, fcap = 16;
    int header_done = 0, ok = x != NULL && field != NULL, nomem = !ok;
    while (ok && getline(&line, &linecap, f) != -1) {
        lineno++;
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '#' || *s == '\n' || *s == '\r' || *s == '\0')
            continue;
        size_t need = strlen(s) / 2 + 2;
        if (need > fcap) {
            char **nf = realloc(field, need * sizeof(char *));
            if (nf == NULL) {
                ok = 0;
                nomem = 1;
                break;
            }
            field = nf;
            fcap = need;
        }
        size_t nf = split_fields(s, field, fcap);
        if (!header_done && colno < 0) { /* find the named column in the header */
            for (size_t i = 0; i < nf; i++)
                if (strcmp(field[i], col) == 0)
                    colno = (long)i;
            if (colno < 0) {
                hf_error_set(err, HF_EUSAGE, "", "%s:%zu: no column named '%s'", path, lineno, col);
                ok = 0;
                break;
            }
            header_done = 1;
            continue;
        }
        if ((size_t)colno >= nf) {
            hf_error_set(err, HF_EUSAGE, "", "%s:%zu: no column %ld", path, lineno, colno + 1);
            ok = 0;
            break;
        }
        char *end;
        double v = strtod(field[colno], &end);
        if (end == field[colno] || *end != '\0' || !isfinite(v)) {
            if (!header_done && n == 0) { /* a header line */
                header_done = 1;
                continue;
            }
            hf_error_set(err, HF_EUSAGE, "", "%s:%zu: column %ld: '%s' is not a finite number",
                         path, lineno, colno + 1, field[colno]);
            ok = 0;
            break;
        }
        header_done = 1;
        if (n == cap) {
            double *nx = realloc(x, 2 * cap * sizeof(double));
            if (nx == NULL) {
                ok = 0;
                nomem = 1;
                break;
            }
            x = nx;
            cap *= 2;
        }
        x[n++] = v;
    }
    if (nomem)
        hf_error_set(err, HF_ENOMEM, "", "%s: out of memory", path);
    if (ok && ferror(f)) {
        hf_error_set(err, HF_EIO, "", "%s: read error", path);
        ok = 0;
    }
    (void)fclose(f); /* read-only stream: nothing to lose */
    free(line);
    free(field);
    if (ok && n < 2) {
        hf_error_set(err, HF_EUSAGE, "", "%s: fewer than 2 values", path);
        ok = 0;
    }
    if (!ok) {
        free(x);
        free(path);
        return NULL;
    }
    *nout = n;
    *path_out = path;
    return x;
}
