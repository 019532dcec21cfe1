/* core/model/vec2.h - two doubles at once through the GCC/Clang vector extension: SSE2 on x86-64,
 * NEON on AArch64, plain scalar code elsewhere; no intrinsics. Unaligned loads via memcpy. */
#ifndef HF_VEC2_H
#define HF_VEC2_H

#include <string.h>

typedef double v2d __attribute__((vector_size(16)));

static inline v2d
load2(const double *p)
{
    v2d v;
    memcpy(&v, p, sizeof(v));
    return v;
}

#endif
