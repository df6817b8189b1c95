/*
** alloc.c -- the allocator hook. The default hook is realloc/free; a caller
** may install its own (to count, to cap memory, to use an arena).
*/
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE (Linux) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "alloc.h"
#include "error.h"
#include "vfl.h"

static void *default_realloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, size);
}

static vfl_realloc_fn hook = default_realloc;
static void *hook_ud = NULL;

void vfl_set_allocator(vfl_realloc_fn fn, void *ud) {
  hook = fn ? fn : default_realloc;
  hook_ud = fn ? ud : NULL;
}

void *vfl_alloc(size_t size) {
  void *p = hook(hook_ud, NULL, size ? size : 1);
  if (!p) vfl_fail(VFL_ENOMEM, "out of memory allocating %zu bytes", size);
  return p;
}

void *vfl_calloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) {
    vfl_fail(VFL_ENOMEM, "allocation of %zu x %zu bytes overflows", n, size);
    return NULL;
  }
  void *p = vfl_alloc(n * size);
  if (p) memset(p, 0, n * size);
  return p;
}

void *vfl_realloc(void *ptr, size_t size) {
  void *p = hook(hook_ud, ptr, size ? size : 1);
  if (!p) vfl_fail(VFL_ENOMEM, "out of memory growing a block to %zu bytes", size);
  return p;
}

void vfl_free(void *ptr) {
  if (ptr) hook(hook_ud, ptr, 0);
}

/* The hook has no alignment argument, so over-allocate and keep the
** original pointer just below the aligned block. */
/* Large parameter blocks are gathered from at random (one row per
** non-zero): on 4 KiB pages most of those reads also miss the TLB. Asking
** for transparent huge pages on the whole pages inside the block cut job 2's
** epoch by about 20% in the benchmark (docs/performance.md). Advice only:
** a kernel that says no changes nothing. */
#define HUGE_ADVICE_MIN (4u << 20)

static void advise_huge(void *p, size_t size) {
#ifdef MADV_HUGEPAGE
  if (size < HUGE_ADVICE_MIN) return;
  uintptr_t page = 4096, start = ((uintptr_t)p + page - 1) & ~(page - 1);
  uintptr_t end = ((uintptr_t)p + size) & ~(page - 1);
  if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
  (void)p;
  (void)size;
#endif
}

void *vfl_alloc_aligned_uninit(size_t size) {
  size_t extra = 64 + sizeof(void *);
  if (size > SIZE_MAX - extra) {
    vfl_fail(VFL_ENOMEM, "aligned allocation of %zu bytes overflows", size);
    return NULL;
  }
  char *raw = vfl_alloc(size + extra);
  if (!raw) return NULL;
  uintptr_t start = (uintptr_t)(raw + sizeof(void *));
  char *aligned = (char *)((start + 63) & ~(uintptr_t)63);
  ((void **)aligned)[-1] = raw;
  advise_huge(aligned, size); /* before the first touch, which faults the pages in */
  return aligned;
}

void *vfl_alloc_aligned(size_t size) {
  void *p = vfl_alloc_aligned_uninit(size);
  if (p) memset(p, 0, size);
  return p;
}

void *vfl_realloc_aligned(void *ptr, size_t old_size, size_t size) {
  if (!ptr) return vfl_alloc_aligned_uninit(size);
  size_t extra = 64 + sizeof(void *);
  if (size > SIZE_MAX - extra) {
    vfl_fail(VFL_ENOMEM, "aligned allocation of %zu bytes overflows", size);
    return NULL;
  }
  char *old_raw = ((char **)ptr)[-1];
  size_t offset = (size_t)((char *)ptr - old_raw);
  char *raw = vfl_realloc(old_raw, size + extra);
  if (!raw) return NULL;
  uintptr_t start = (uintptr_t)(raw + sizeof(void *));
  char *aligned = (char *)((start + 63) & ~(uintptr_t)63);
  /* The block may have moved to an address of another alignment: the bytes
  ** then sit at raw + offset and shift by less than 64 (large blocks are
  ** moved by remapping pages, which keeps the offset, so this is rare). */
  if (aligned != raw + offset) memmove(aligned, raw + offset, old_size < size ? old_size : size);
  ((void **)aligned)[-1] = raw;
  advise_huge(aligned, size);
  return aligned;
}

void vfl_free_aligned(void *ptr) {
  if (ptr) vfl_free(((void **)ptr)[-1]);
}

char *vfl_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = vfl_alloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

int vfl_grow(void *ptr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return VFL_OK;
  size_t ncap = *cap ? *cap : 16;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / elem) return vfl_fail(VFL_ENOMEM, "array of %zu elements is too large", need);
    ncap *= 2;
  }
  void *p = vfl_realloc(*(void **)ptr, ncap * elem);
  if (!p) return VFL_ENOMEM;
  *(void **)ptr = p;
  *cap = ncap;
  return VFL_OK;
}
