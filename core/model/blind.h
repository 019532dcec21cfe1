/* core/model/blind.h - the one decision of which main bins a blinded analysis hides and which
 * bins a masked fit leaves out, for every command, figure and the explorer. No printing. */
#ifndef HF_BLIND_H
#define HF_BLIND_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/model/model.h"

/* Default --blind-threshold: a bin is blinded when its expected signal is above this fraction
 * of its expected background. */
#define HF_BLIND_THRESHOLD 0.02

typedef struct hf_blind_options {
    bool by_signal;       /* --blind: the threshold rule */
    double threshold;     /* --blind-threshold; <= 0: HF_BLIND_THRESHOLD */
    const char *channels; /* --blind-channels: names or shell patterns, comma-separated; NULL */
} hf_blind_options;

/* The POI's value of the background-only hypothesis: 0, or the POI's lower bound when above
 * (0 without a POI). */
double hf_blind_poi_bonly(const hf_model *m);
/* Whether (channel, sample) entry k of m is signal: scaled by a normfactor that is the POI
 * (without a POI: the sample name contains "sig", any case). */
bool hf_blind_is_signal(const hf_model *m, size_t k);
/* Whether a channel is a control region (name starting with "CR", any case): the threshold rule
 * never blinds it. */
bool hf_blind_is_control(const char *name);
/* Set flags[b] for every main bin of the channels matching an item of list (names or shell
 * patterns, comma-separated; empty items skipped). 0, or -1 with err: HF_EUSAGE naming the
 * first item that matches no channel (err->where holds the item itself), or HF_ENOMEM. */
int hf_blind_channels(const hf_model *m, const char *list, bool *flags, hf_error *err);
/* The blinded bins (nbins flags, set here, never cleared): with by_signal every bin outside
 * the control regions whose expected signal, at the model's suggested init, is above threshold
 * times the expected background at the background-only point (POI at 0 or its lower bound);
 * and every bin of the named channels. Returns the count of blinded bins, or -1 with err. */
long hf_blind_bins(const hf_model *m, const hf_blind_options *o, bool *blinded, hf_error *err);
/* The parameters a masked fit cannot see (npar flags, set or cleared here): unconstrained, and
 * every main bin they act on is masked (m->mask). The fit holds them at their start values.
 * Returns how many, or -1 on ENOMEM. */
long hf_blind_idle_params(const hf_model *m, bool *idle);

#endif
