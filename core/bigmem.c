/* core/bigmem.c - large buffers on transparent huge pages (madvise(2), MADV_HUGEPAGE).
 *
 * A mapping of size + 2 MB is trimmed to a 2 MB-aligned run of size bytes (size rounded up to
 * 2 MB) and advised. Where the kernel has transparent huge pages off, or none free, the advice is
 * ignored and the mapping faults in 4 KB pages as malloc's would: no worse than before. */
#include "core/bigmem.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/asan.h"

#if !HF_ASAN && defined(__linux__)
#include <sys/mman.h>
#define HUGE_PAGE ((size_t)2 << 20)
#define BIG_MIN   ((size_t)1 << 20)

void *
hf_bigmem_alloc(size_t *size)
{
    if (*size < BIG_MIN)
        return malloc(*size);
    if (*size > SIZE_MAX / 2)
        return NULL;
    size_t n = (*size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    char *raw =
        mmap(NULL, n + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return NULL;
    char *p = (char *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (p > raw)
        munmap(raw, (size_t)(p - raw));
    munmap(p + n, (size_t)(raw + HUGE_PAGE - p)); /* the tail: never empty, p < raw + 2 MB */
    (void)madvise(p, n, MADV_HUGEPAGE);           /* advice: refused where huge pages are off */
    *size = n;
    return p;
}

void
hf_bigmem_free(void *p, size_t size)
{
    if (p == NULL)
        return;
    if (size < BIG_MIN)
        free(p);
    else
        munmap(p, size);
}

#else

void *
hf_bigmem_alloc(size_t *size)
{
    return malloc(*size);
}

void
hf_bigmem_free(void *p, size_t size)
{
    (void)size;
    free(p);
}

#endif
