/*
** alloc.c -- the allocator hook. The default hook is realloc/free; a caller
** may install its own (to count, to cap memory, to use an arena).
*/
#define _GNU_SOURCE /* madvise's MADV_HUGEPAGE, mremap (Linux) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
static void *hooked_aligned(size_t size) {
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
  return aligned;
}

static void *hooked_realloc_aligned(void *ptr, size_t old_size, size_t size) {
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
  ** then sit at raw + offset and shift by less than 64. */
  if (aligned != raw + offset) memmove(aligned, raw + offset, old_size < size ? old_size : size);
  ((void **)aligned)[-1] = raw;
  return aligned;
}

/* Large blocks (parameter blocks, above all) are gathered from at random,
** one row per non-zero: on 4 KiB pages most of those reads also miss the
** TLB (and, as we read our measurements, this machine kind's DAMON,
** which takes such a table for cold memory, makes those misses dearer
** still). On transparent huge pages both nearly vanish. Under the default allocator such a block
** is therefore mapped by the engine itself: its data starts on a 2 MiB
** boundary, the whole mapping is advised MADV_HUGEPAGE before its first
** touch, and a growth moves its pages (mremap) to another 2 MiB boundary,
** which keeps the huge pages and copies nothing. Through realloc the pages
** moved to an address of another alignment and were split: AdaGrad's state
** made half of a 20 Newsgroups embedding table 4 KiB pages, and its
** training 1.5-6x slower (docs/performance.md, "Huge pages that stay
** huge"). A caller's hook sees every
** allocation as before (its blocks are only advised). */
#define HUGE_ADVICE_MIN ((size_t)4 << 20)

#if defined(__linux__) && defined(MADV_HUGEPAGE) && defined(MREMAP_FIXED)
#define VFL_MAPPED_BLOCKS 1
#define HUGE_PAGE ((size_t)2 << 20)

/* A mapped block: one page of header, the data from the next page on, which
** is a 2 MiB boundary. The word before the data holds the mapping's length
** with its low bit set; a hooked block's holds the pointer the hook
** returned, whose low bit never is (hooks align memory as realloc does). */
static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }
static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }
static int is_mapped(const void *data) { return (((const uintptr_t *)data)[-1] & 1) != 0; }
static size_t mapped_length(const void *data) { return ((const uintptr_t *)data)[-1] & ~(uintptr_t)1; }

/* length bytes of address space with a 2 MiB boundary one page in; the
** slack around it is given back. prot: PROT_NONE to reserve only. */
static char *map_at_boundary(size_t length, int prot, int flags) {
  size_t page = page_size(), span = length + HUGE_PAGE;
  char *base = mmap(NULL, span, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
  if (base == MAP_FAILED) return NULL;
  char *start = (char *)round_up((uintptr_t)base + page, HUGE_PAGE) - page;
  if (start > base) munmap(base, (size_t)(start - base));
  if (base + span > start + length) munmap(start + length, (size_t)(base + span - (start + length)));
  return start;
}

static char *mapped_finish(char *start, size_t length) {
  size_t page = page_size();
  (void)madvise(start, length, MADV_HUGEPAGE); /* advice: a kernel that says no changes nothing */
  ((uintptr_t *)(start + page))[-1] = length | 1;
  return start + page;
}

/* The mapping that holds size bytes (header page included), or 0 when that
** overflows (error set). */
static size_t mapping_for(size_t size) {
  if (size <= SIZE_MAX - 2 * HUGE_PAGE) return page_size() + round_up(size, page_size());
  vfl_fail(VFL_ENOMEM, "aligned allocation of %zu bytes overflows", size);
  return 0;
}

static void *mapped_alloc(size_t size) {
  size_t length = mapping_for(size);
  if (!length) return NULL;
  char *start = map_at_boundary(length, PROT_READ | PROT_WRITE, 0);
  if (!start) {
    vfl_fail(VFL_ENOMEM, "out of memory allocating %zu bytes", size);
    return NULL;
  }
  return mapped_finish(start, length);
}

/* Whether a block of size bytes is mapped by the engine (see above). */
static int maps(size_t size) { return size >= HUGE_ADVICE_MIN && hook == default_realloc; }

static void mapped_free(void *data) { munmap((char *)data - page_size(), mapped_length(data)); }

/* Grows or shrinks a mapped block without copying: its pages move to a new
** 2 MiB boundary reserved first (so that huge pages stay whole). */
static void *mapped_resize(void *data, size_t size) {
  size_t page = page_size(), old = mapped_length(data), length = mapping_for(size);
  if (!length) return NULL;
  char *start = (char *)data - page;
  if (length <= old) {
    if (length < old) munmap(start + length, old - length);
    return mapped_finish(start, length);
  }
  char *target = map_at_boundary(length, PROT_NONE, MAP_NORESERVE);
  if (target && mremap(start, old, length, MREMAP_MAYMOVE | MREMAP_FIXED, target) != MAP_FAILED)
    return mapped_finish(target, length);
  if (target) munmap(target, length);
  vfl_fail(VFL_ENOMEM, "out of memory growing a block to %zu bytes", size);
  return NULL;
}
#endif

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
#ifdef VFL_MAPPED_BLOCKS
  if (maps(size)) return mapped_alloc(size);
#endif
  void *p = hooked_aligned(size);
  if (p) advise_huge(p, size); /* before the first touch, which faults the pages in */
  return p;
}

void *vfl_alloc_aligned(size_t size) {
  void *p = vfl_alloc_aligned_uninit(size);
#ifdef VFL_MAPPED_BLOCKS
  if (p && is_mapped(p)) return p; /* fresh pages are zero */
#endif
  if (p) memset(p, 0, size);
  return p;
}

/* From one kind of block to the other (a size crossing HUGE_ADVICE_MIN, or
** a hook installed meanwhile): a new block and a copy. */
static void *moved_aligned(void *ptr, size_t old_size, size_t size) {
  void *p = vfl_alloc_aligned_uninit(size);
  if (!p) return NULL;
  memcpy(p, ptr, old_size < size ? old_size : size);
  vfl_free_aligned(ptr);
  return p;
}

void *vfl_realloc_aligned(void *ptr, size_t old_size, size_t size) {
  if (!ptr) return vfl_alloc_aligned_uninit(size);
#ifdef VFL_MAPPED_BLOCKS
  if (is_mapped(ptr)) return maps(size) ? mapped_resize(ptr, size) : moved_aligned(ptr, old_size, size);
  if (maps(size)) return moved_aligned(ptr, old_size, size);
#endif
  void *p = hooked_realloc_aligned(ptr, old_size, size);
  if (p) advise_huge(p, size);
  return p;
}

void vfl_free_aligned(void *ptr) {
  if (!ptr) return;
#ifdef VFL_MAPPED_BLOCKS
  if (is_mapped(ptr)) {
    mapped_free(ptr);
    return;
  }
#endif
  vfl_free(((void **)ptr)[-1]);
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
