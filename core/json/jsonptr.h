/* core/json/jsonptr.h - an RFC 6901 JSON pointer kept up to date while walking a cJSON tree. */
#ifndef HF_JSONPTR_H
#define HF_JSONPTR_H

#include <stddef.h>

typedef struct hf_jsonptr {
    char *buf; /* always NUL-terminated once initialised; "" is the document root */
    size_t len, cap;
    int oom;   /* set when a push could not grow the buffer */
} hf_jsonptr;

void hf_jsonptr_init(hf_jsonptr *jp);
void hf_jsonptr_release(hf_jsonptr *jp);
size_t hf_jsonptr_push_key(hf_jsonptr *jp, const char *key); /* returns the length to restore */
size_t hf_jsonptr_push_index(hf_jsonptr *jp, size_t i);
void hf_jsonptr_pop(hf_jsonptr *jp, size_t len);
/* Escape one reference token (~ -> ~0, / -> ~1) into a new heap string. */
char *hf_jsonptr_escape(const char *token);

#endif
