/* render/labels.h - the one rule that turns a set of names (channels, parameters, samples, signal
 * points) into the labels a figure or the explorer shows: the prefix and suffix every name shares
 * dropped, long names cut in the middle, and never two labels alike. */
#ifndef HF_LABELS_H
#define HF_LABELS_H

#include <stdbool.h>
#include <stddef.h>

/* Width of a label in the caller's unit (points of a font, terminal columns). */
typedef double (*hf_labels_measure)(void *ctx, const char *s);

typedef struct hf_labels_options {
    double max_width;          /* longest label; 0: no limit (only affixes dropped) */
    hf_labels_measure measure; /* NULL: code points (hf_utf8_width) */
    void *ctx;                 /* passed to measure */
    bool drop_affixes;         /* drop the prefix and suffix every name shares */
    size_t min_affix;          /* drop an affix only when at least this many bytes; 0: 3 */
} hf_labels_options;

/* The labels of n names. text[i] is what to draw for names[i]; the texts are distinct from each
 * other whenever the names are (equal names get " #2", " #3"); shortened[i] says that text[i] is
 * not names[i], so the full name belongs in a legend, a footnote or a tooltip. prefix and suffix
 * are what was dropped from every name ("" when nothing). */
typedef struct hf_labels {
    size_t n;
    char **text;
    bool *shortened;
    char *prefix, *suffix;
    size_t nshort; /* how many texts differ from their names */
} hf_labels;

/* Fill l (released with hf_labels_release, also after a failure). 0, or -1 on ENOMEM.
 * Method: (1) the longest shared prefix ending at a separator (_ - . / : space) and the longest
 * shared suffix starting at one, each at least min_affix bytes, are dropped unless that leaves
 * some name empty; (2) a label wider than max_width keeps its head and tail around an ellipsis
 * (U+2026), the tail favoured (it holds bin numbers and cut names); (3) texts that still coincide
 * drop the tokens (runs between separators) other names share, the most common first and, where
 * possible, only as far as the rest still stands for that name alone, each gap an ellipsis; (4)
 * texts that still coincide are shown from a few characters before their group's first
 * difference, then cut again; (5) what still coincides gets " #k" in name order. */
int hf_labels_make(hf_labels *l, const char *const *names, size_t n, const hf_labels_options *o);
void hf_labels_release(hf_labels *l);

/* A one-line note of what was dropped ("SR_…_cuts" style: "prefix …suffix"), or NULL when
 * nothing was (or on ENOMEM). Caller frees. For an axis label or a footnote. */
char *hf_labels_affix_note(const hf_labels *l);

#endif
