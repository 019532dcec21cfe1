/* core/error.h - the error a core function hands back: a code, a message and a JSON pointer. */
#ifndef HF_ERROR_H
#define HF_ERROR_H

#include <stdarg.h>

typedef enum hf_status {
    HF_OK = 0,
    HF_ENOMEM,
    HF_EIO,
    HF_EJSON,
    HF_ESCHEMA,
    HF_EMODEL,
    HF_EFIT,
    HF_ECANCELED,
    HF_EUSAGE
} hf_status;

/* msg and where are heap strings (input-derived, so no fixed size); NULL when unset. */
typedef struct hf_error {
    hf_status code;
    char *msg;        /* lowercase, no full stop, subject in quotes */
    char *where;      /* RFC 6901 JSON pointer into the input, "" if none */
    int line, column; /* 1-based, for JSON syntax errors; 0 if unknown */
} hf_error;

#if defined(__GNUC__)
#define HF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HF_PRINTF(a, b)
#endif

/* A new heap string formatted from fmt and ap (NULL on ENOMEM); used for messages. */
char *hf_vformat(const char *fmt, va_list ap);
int hf_error_set(hf_error *err, hf_status code, const char *where, const char *fmt, ...)
    HF_PRINTF(4, 5);
int hf_error_nomem(hf_error *err);
void hf_error_release(hf_error *err);
const char *hf_error_msg(const hf_error *err);
const char *hf_status_name(hf_status code);

#endif
