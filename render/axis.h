/* render/axis.h - tick placement shared by every backend: "nice numbers" (Heckbert, Graphics
 * Gems I, 1990) for linear axes, decades with 2..9 minor ticks for log axes. */
#ifndef HF_AXIS_H
#define HF_AXIS_H

#include <stdbool.h>
#include <stddef.h>

#include "render/scene.h"

#define HF_AXIS_MAXTICKS 128

/* Ticks of one axis. Labels point into `text` (numeric only, so fixed storage is safe). */
typedef struct hf_tickset {
    size_t n;
    hf_tick tick[HF_AXIS_MAXTICKS];
    char text[HF_AXIS_MAXTICKS][24];
} hf_tickset;

/* Ticks for ax inside [min, max]: its explicit ticks when ax->nticks > 0 (labels borrowed from
 * the axis), else about `target` labelled major ticks (linear: steps 1, 2, 5 x 10^k with a few
 * unlabelled minor ticks between; log: every decade, or every k-th when there are many, with
 * minor ticks 2..9 when few decades). integer axes get integer steps only. */
void hf_axis_ticks(const hf_axis *ax, int target, hf_tickset *ts);

/* The "nice" step about range/target: 1, 2 or 5 times a power of ten. */
double hf_axis_nice_step(double range, int target);
/* Widen [*lo, *hi] outwards to multiples of the nice step (linear) or whole decades (log). */
void hf_axis_nice_range(double *lo, double *hi, bool log, int target);
/* Position of v on the axis as a fraction of [min, max] (log aware; may be outside [0, 1]). */
double hf_axis_frac(const hf_axis *ax, double v);
/* Format v for a tick at spacing `step` (enough decimals to tell neighbours apart; no "-0"). */
void hf_axis_format(double v, double step, char *buf, size_t len);

#endif
