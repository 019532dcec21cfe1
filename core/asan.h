/* core/asan.h - HF_ASAN: 1 in an AddressSanitizer build (gcc and clang announce it differently),
 * where the allocators that hide single objects from it (pools, huge-page buffers, no freeing
 * at exit) step aside. */
#ifndef HF_ASAN_H
#define HF_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define HF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HF_ASAN 1
#endif
#endif
#ifndef HF_ASAN
#define HF_ASAN 0
#endif

#endif
