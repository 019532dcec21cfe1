/* core/bigmem.h - large buffers that live as long as a parsed document (its node pool).
 * From 1 MB up they are mapped directly, aligned on 2 MB and advised as transparent huge pages:
 * a 4 MB parse tree then costs two page faults instead of a thousand (a third of cJSON's parse
 * time on the published models went to faulting its nodes in). Smaller sizes, and every size
 * under AddressSanitizer (which must see each buffer), come from malloc. */
#ifndef HF_BIGMEM_H
#define HF_BIGMEM_H

#include <stddef.h>

/* At least *size bytes (not zeroed); *size becomes the usable size, which may be larger. NULL
 * when memory is short. */
void *hf_bigmem_alloc(size_t *size);
/* Free p, allocated with the usable size hf_bigmem_alloc returned (NULL is a no-op). */
void hf_bigmem_free(void *p, size_t size);

#endif
