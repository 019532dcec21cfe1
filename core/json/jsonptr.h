/* core/json/jsonptr.h - an RFC 6901 JSON pointer kept up to date while walking a cJSON tree. */
#ifndef HF_JSONPTR_H
#define HF_JSONPTR_H

#include <stddef.h>

typedef struct hf_jsonptr {
    char *buf; /* always NUL-terminated once initialised; "" is the document root */
    size_t len, cap;
    int oom; /* set when a push could not grow the buffer */
} hf_jsonptr;

void hf_jsonptr_init(hf_jsonptr *jp);
void hf_jsonptr_release(hf_jsonptr *jp);
size_t hf_jsonptr_push_key(hf_jsonptr *jp, const char *key); /* returns the length to restore */
size_t hf_jsonptr_push_index(hf_jsonptr *jp, size_t i);
void hf_jsonptr_pop(hf_jsonptr *jp, size_t len);
/* Escape one reference token (~ -> ~0, / -> ~1) into a new heap string. */
char *hf_jsonptr_escape(const char *token);

/* The same path kept as a stack of segments (a borrowed key, or an index): pushing and popping
 * cost nothing on the success path, and the RFC 6901 text is built only when asked for (an
 * error or a warning). Keys must outlive their segment (the cJSON tree's strings do). */
typedef struct hf_jsonpath_seg {
    const char *key; /* NULL: an array index */
    size_t index;
} hf_jsonpath_seg;

typedef struct hf_jsonpath {
    hf_jsonpath_seg *seg;
    size_t depth, cap;
    int oom;         /* set when a push could not grow the stack, or the text could not be built */
    hf_jsonptr text; /* the last text built by hf_jsonpath_str */
} hf_jsonpath;

void hf_jsonpath_init(hf_jsonpath *p); /* a zeroed hf_jsonpath is the root too */
void hf_jsonpath_release(hf_jsonpath *p);
size_t hf_jsonpath_push_key(hf_jsonpath *p, const char *key); /* returns the depth to restore */
size_t hf_jsonpath_push_index(hf_jsonpath *p, size_t i);
void hf_jsonpath_pop(hf_jsonpath *p, size_t depth);
/* The pointer as text, valid until the next call or release; "" when memory ran out (oom set). */
const char *hf_jsonpath_str(hf_jsonpath *p);

#endif
