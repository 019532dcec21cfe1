/* render/axis.c - tick placement for every backend: Heckbert's "nice numbers" (Graphics Gems I,
 * 1990: steps of 1, 2, 5 x 10^k) on linear axes, decades and 2..9 minor ticks on log axes. */
#include "render/axis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double
hf_axis_nice_step(double range, int target)
{
    double raw, p, f;

    if (!(range > 0) || !isfinite(range))
        return 1.0;
    if (target < 1)
        target = 1;
    raw = range / target;
    p = pow(10.0, floor(log10(raw)));
    f = raw / p;
    /* Heckbert rounds the fraction to the nearest of 1, 2, 5, 10 */
    if (f < 1.5)
        f = 1;
    else if (f < 3)
        f = 2;
    else if (f < 7)
        f = 5;
    else
        f = 10;
    return f * p;
}

void
hf_axis_nice_range(double *lo, double *hi, bool log, int target)
{
    if (log) {
        if (*lo > 0)
            *lo = pow(10.0, floor(log10(*lo) + 1e-9));
        if (*hi > 0)
            *hi = pow(10.0, ceil(log10(*hi) - 1e-9));
        return;
    }
    if (!(*hi > *lo)) {
        double d = fabs(*lo) > 0 ? fabs(*lo) * 0.5 : 1.0;
        *lo -= d;
        *hi += d;
    }
    double step = hf_axis_nice_step(*hi - *lo, target);
    *lo = floor(*lo / step + 1e-9) * step;
    *hi = ceil(*hi / step - 1e-9) * step;
}

double
hf_axis_frac(const hf_axis *ax, double v)
{
    if (ax->log) {
        double a = log10(ax->min > 0 ? ax->min : 1e-300), b = log10(ax->max > 0 ? ax->max : 1);
        if (!(v > 0))
            return -1e3;
        return b > a ? (log10(v) - a) / (b - a) : 0.5;
    }
    return ax->max > ax->min ? (v - ax->min) / (ax->max - ax->min) : 0.5;
}

void
hf_axis_format(double v, double step, char *buf, size_t len)
{
    int dec = 0;
    double a = fabs(v);

    if (step > 0 && a < step * 1e-6)
        v = a = 0; /* no "-0" or 1e-17 from accumulated steps */
    if (a != 0 && (a >= 1e6 || (step > 0 && step < 1e-4) || a < 1e-4)) {
        snprintf(buf, len, "%.3g", v);
        return;
    }
    if (step > 0) {
        dec = (int)ceil(-log10(step) - 1e-9);
        /* a step like 0.25 needs two decimals even though log10 says one */
        while (dec < 8 && fabs(step * pow(10, dec) - nearbyint(step * pow(10, dec))) > 1e-6)
            dec++;
    }
    if (dec < 0)
        dec = 0;
    snprintf(buf, len, "%.*f", dec, v);
}

static hf_tick *
push(hf_tickset *ts, double v, bool major)
{
    hf_tick *t;

    if (ts->n >= HF_AXIS_MAXTICKS)
        return NULL;
    t = &ts->tick[ts->n];
    memset(t, 0, sizeof *t);
    t->value = v;
    t->major = major;
    t->label = "";
    ts->n++;
    return t;
}

static void
label_num(hf_tickset *ts, hf_tick *t, double step)
{
    size_t i = (size_t)(t - ts->tick);

    hf_axis_format(t->value, step, ts->text[i], sizeof ts->text[i]);
    t->label = ts->text[i];
}

static void
linear_ticks(const hf_axis *ax, int target, hf_tickset *ts)
{
    double lo = ax->min, hi = ax->max, step = hf_axis_nice_step(hi - lo, target), minor;
    double eps, v;
    long k, k0, k1;
    int nsub;

    if (ax->integer && step < 1)
        step = 1;
    eps = step * 1e-9;
    k0 = (long)ceil((lo - eps) / step);
    k1 = (long)floor((hi + eps) / step);
    if (k1 - k0 > HF_AXIS_MAXTICKS / 6) /* cannot happen for sane targets; keep room */
        k1 = k0 + HF_AXIS_MAXTICKS / 6;
    /* minor ticks: 5 per step for mantissa 1 and 5, 4 for mantissa 2 */
    {
        double m = step / pow(10.0, floor(log10(step) + 1e-9));
        nsub = fabs(m - 2) < 1e-6 ? 4 : 5;
    }
    minor = step / nsub;
    if (ax->integer && minor < 1)
        nsub = 1;
    for (k = k0 - 1; k <= k1; k++) {
        int j;
        v = (double)k * step;
        if (k >= k0) {
            hf_tick *t = push(ts, v, true);
            if (t)
                label_num(ts, t, step);
        }
        for (j = 1; j < nsub; j++) {
            double w = v + j * minor;
            if (w > lo - eps && w < hi + eps)
                push(ts, w, false);
        }
    }
}

static void
log_ticks(const hf_axis *ax, int target, hf_tickset *ts)
{
    double lo = ax->min, hi = ax->max;
    int d0, d1, every, d, m, inside = 0;
    bool plain;

    if (!(lo > 0) || !(hi > lo)) {
        hf_axis lin = *ax;
        lin.log = false;
        linear_ticks(&lin, target, ts);
        return;
    }
    d0 = (int)floor(log10(lo) + 1e-9);
    d1 = (int)ceil(log10(hi) - 1e-9);
    every = (d1 - d0 + target - 1) / (target > 0 ? target : 1);
    if (every < 1)
        every = 1;
    for (d = d0; d <= d1; d++) {
        double v = pow(10.0, d);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
            inside++;
    }
    /* one style per axis: plain numbers when every decade reads well (0.001 .. 10000) */
    plain = d0 >= -3 && d1 <= 4;
    for (d = d0; d <= d1; d++) {
        double v = pow(10.0, d);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
            bool lab = (d % every) == 0;
            hf_tick *t = push(ts, v, lab);
            if (t && lab) {
                size_t i = (size_t)(t - ts->tick);
                t->pow10 = d;
                t->is_pow10 = true;
                if (plain)
                    hf_axis_format(v, v, ts->text[i], sizeof ts->text[i]);
                else
                    snprintf(ts->text[i], sizeof ts->text[i], "10^%d", d);
                t->label = ts->text[i];
            }
        }
        if (every == 1 && d1 - d0 <= 8) {
            for (m = 2; m <= 9; m++) {
                double w = m * v;
                if (w >= lo * (1 - 1e-9) && w <= hi * (1 + 1e-9)) {
                    /* with fewer than two decades visible, label 2 and 5 so the axis reads */
                    bool lab = inside < 2 && (m == 2 || m == 5);
                    hf_tick *t = push(ts, w, lab);
                    if (t && lab)
                        label_num(ts, t, w / 10);
                }
            }
        }
    }
}

void
hf_axis_ticks(const hf_axis *ax, int target, hf_tickset *ts)
{
    size_t i;

    ts->n = 0;
    if (ax->nticks > 0) {
        for (i = 0; i < ax->nticks && i < HF_AXIS_MAXTICKS; i++) {
            ts->tick[i] = ax->ticks[i];
            if (!ts->tick[i].label)
                ts->tick[i].label = "";
        }
        ts->n = i;
        return;
    }
    if (!(ax->max > ax->min) || !isfinite(ax->min) || !isfinite(ax->max))
        return;
    if (target < 2)
        target = 2;
    if (ax->log)
        log_ticks(ax, target, ts);
    else
        linear_ticks(ax, target, ts);
}
