/* core/json/nameset.c - names to values: linear while small, then open addressing with linear
 * probing at a load factor of at most 1/2, hashing eight bytes at a time (hash_name). */
#include "core/json/nameset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Eight bytes per step: multiply by 2^64 / golden ratio and fold the high half into the low
 * (the table uses the low bits), then murmur3's 64-bit finaliser. */
static size_t
hash_name(const char *name)
{
    size_t n = strlen(name);
    const unsigned char *p = (const unsigned char *)name;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
    for (; n >= 8; p += 8, n -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return (size_t)h;
}

void
hf_nameset_init(hf_nameset *s)
{
    memset(s, 0, sizeof(*s));
}

void
hf_nameset_reset(hf_nameset *s)
{
    free(s->table);
    hf_nameset_init(s);
}

void
hf_nameset_release(hf_nameset *s)
{
    hf_nameset_reset(s);
}

/* The index of the slot holding name, or of the empty slot where it would go. */
static size_t
probe(const hf_nameset_slot *table, size_t cap, const char *name, size_t h)
{
    size_t i = h & (cap - 1);
    while (table[i].name != NULL && (table[i].hash != h || strcmp(table[i].name, name) != 0))
        i = (i + 1) & (cap - 1);
    return i;
}

/* Move everything into a table of twice the needed size. */
static int
grow(hf_nameset *s)
{
    size_t cap = s->cap ? 2 * s->cap : (size_t)4 * HF_NAMESET_SMALL;
    if (cap > SIZE_MAX / 2 / sizeof(hf_nameset_slot))
        return -1;
    hf_nameset_slot *t = calloc(cap, sizeof(*t));
    if (t == NULL)
        return -1;
    const hf_nameset_slot *old = s->table != NULL ? s->table : s->small;
    size_t nold = s->table != NULL ? s->cap : s->n;
    for (size_t i = 0; i < nold; i++) {
        if (old[i].name == NULL)
            continue;
        hf_nameset_slot e = old[i];
        if (s->table == NULL)
            e.hash = hash_name(e.name); /* small entries carry no hash */
        t[probe(t, cap, e.name, e.hash)] = e;
    }
    free(s->table);
    s->table = t;
    s->cap = cap;
    return 0;
}

int
hf_nameset_add(hf_nameset *s, const char *name, size_t value, size_t *found)
{
    if (s->table == NULL) {
        /* small: plain comparisons, no hashing (most sets in a workspace stay this size) */
        for (size_t i = 0; i < s->n; i++) {
            if (strcmp(s->small[i].name, name) == 0) {
                if (found != NULL)
                    *found = s->small[i].value;
                return 0;
            }
        }
        if (s->n < HF_NAMESET_SMALL) {
            s->small[s->n++] = (hf_nameset_slot){name, 0, value};
            return 1;
        }
        if (grow(s) < 0)
            return -1;
    }
    size_t h = hash_name(name);
    hf_nameset_slot *slot = &s->table[probe(s->table, s->cap, name, h)];
    if (slot->name != NULL) {
        if (found != NULL)
            *found = slot->value;
        return 0;
    }
    if (2 * (s->n + 1) > s->cap) {
        if (grow(s) < 0)
            return -1;
        slot = &s->table[probe(s->table, s->cap, name, h)];
    }
    *slot = (hf_nameset_slot){name, h, value};
    s->n++;
    return 1;
}

int
hf_nameset_find(const hf_nameset *s, const char *name, size_t *value)
{
    const hf_nameset_slot *slot = NULL;
    if (s->table == NULL) {
        for (size_t i = 0; i < s->n && slot == NULL; i++)
            if (strcmp(s->small[i].name, name) == 0)
                slot = &s->small[i];
    } else {
        slot = &s->table[probe(s->table, s->cap, name, hash_name(name))];
        if (slot->name == NULL)
            slot = NULL;
    }
    if (slot == NULL)
        return 0;
    if (value != NULL)
        *value = slot->value;
    return 1;
}
