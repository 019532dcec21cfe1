/* core/error.c - filling an hf_error: the first error wins, setters return -1. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
hf_vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s != NULL)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

/* Record an error unless one is already recorded (the first error wins).
 * Returns -1 so callers can write `return hf_error_set(...)`. */
int
hf_error_set(hf_error *err, hf_status code, const char *where, const char *fmt, ...)
{
    if (err == NULL || err->code != HF_OK)
        return -1;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    err->msg = hf_vformat(fmt, ap);
    va_end(ap);
    err->where = strdup(where != NULL ? where : "");
    return -1;
}

int
hf_error_nomem(hf_error *err)
{
    if (err == NULL || err->code != HF_OK)
        return -1;
    err->code = HF_ENOMEM;
    err->msg = NULL; /* hf_error_msg() supplies the text: no allocation when memory is out */
    err->where = NULL;
    return -1;
}

/* Free the strings and reset to HF_OK, so the struct can be reused. */
void
hf_error_release(hf_error *err)
{
    if (err == NULL)
        return;
    free(err->msg);
    free(err->where);
    memset(err, 0, sizeof(*err));
}

const char *
hf_error_msg(const hf_error *err)
{
    if (err->msg != NULL)
        return err->msg;
    return err->code == HF_ENOMEM ? "out of memory" : hf_status_name(err->code);
}

const char *
hf_status_name(hf_status code)
{
    switch (code) {
    case HF_OK:
        return "ok";
    case HF_ENOMEM:
        return "out of memory";
    case HF_EIO:
        return "input/output error";
    case HF_EJSON:
        return "invalid JSON";
    case HF_ESCHEMA:
        return "invalid workspace";
    case HF_EMODEL:
        return "invalid model";
    case HF_EFIT:
        return "fit failed";
    case HF_ECANCELED:
        return "canceled";
    case HF_EUSAGE:
        return "usage error";
    }
    return "unknown error";
}
