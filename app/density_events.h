/* app/density_events.h - a column of numbers from a text or CSV file as the density lab's events
 * (density_events.c). */
#ifndef HF_APP_DENSITY_EVENTS_H
#define HF_APP_DENSITY_EVENTS_H

#include <stddef.h>

#include "core/error.h"

double *hf_density_events_read(const char *spec, size_t *nout, char **path_out, hf_error *err);

#endif
