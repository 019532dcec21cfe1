/* core/json/nameset.h - a set of borrowed NUL-terminated names, each with a value (an index):
 * linear scan up to HF_NAMESET_SMALL names, an open-addressing hash table (hash_name) beyond, so
 * uniqueness checks and look-ups by name stay linear in the input. */
#ifndef HF_NAMESET_H
#define HF_NAMESET_H

#include <stddef.h>

enum { HF_NAMESET_SMALL = 8 };

typedef struct hf_nameset_slot {
    const char *name;   /* NULL: empty slot */
    size_t hash, value; /* hash: only once in the table */
} hf_nameset_slot;

typedef struct hf_nameset {
    size_t n;
    hf_nameset_slot small[HF_NAMESET_SMALL]; /* the names while n <= HF_NAMESET_SMALL */
    hf_nameset_slot *table;                  /* then a table of cap slots (a power of two) */
    size_t cap;
} hf_nameset;

void hf_nameset_init(hf_nameset *s); /* a zeroed hf_nameset is an empty set too */
/* Forget every name (frees the table, so a reused set costs what its new names need). */
void hf_nameset_reset(hf_nameset *s);
void hf_nameset_release(hf_nameset *s);
/* Add name with value: 1 added; 0 already present (its first value in *found when found is not
 * NULL; the set is unchanged); -1 out of memory. The name must outlive the set. */
int hf_nameset_add(hf_nameset *s, const char *name, size_t value, size_t *found);
/* 1 and the value in *value when name is present, else 0. */
int hf_nameset_find(const hf_nameset *s, const char *name, size_t *value);

#endif
