/*
** test_alloc_mapped.c -- large aligned blocks (alloc.c): under the default
** allocator they are mapped on a 2 MiB boundary (Linux) and keep every byte
** through growth, shrinking and the moves between the mapped and the
** hooked kinds of block; a caller's hook still sees every allocation.
*/
#include <stdint.h>
#include <stdlib.h>

#include "alloc.h"
#include "harness.h"

#define MIB ((size_t)1 << 20)

static long hooked;

static void *counting_realloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  hooked++;
  return realloc(ptr, size);
}

/* Writes a pattern that depends on each word's position and its seed. */
static void fill(uint32_t *p, size_t bytes, uint32_t seed) {
  for (size_t i = 0; i < bytes / 4; i++) p[i] = (uint32_t)i * 2654435761u ^ seed;
}

static int holds(const uint32_t *p, size_t bytes, uint32_t seed) {
  for (size_t i = 0; i < bytes / 4; i++)
    if (p[i] != ((uint32_t)i * 2654435761u ^ seed)) return 0;
  return 1;
}

static int all_zero(const uint32_t *p, size_t bytes) {
  for (size_t i = 0; i < bytes / 4; i++)
    if (p[i]) return 0;
  return 1;
}

static int on_boundary(const void *p) {
#ifdef __linux__
  return (uintptr_t)p % (2 * MIB) == 0; /* where huge pages can start */
#else
  return (uintptr_t)p % 64 == 0;
#endif
}

static void growth_keeps_bytes(void) {
  uint32_t *p = vfl_alloc_aligned(8 * MIB);
  CHECK(p && on_boundary(p));
  CHECK(p && all_zero(p, 8 * MIB));
  fill(p, 8 * MIB, 1);
  p = vfl_realloc_aligned(p, 8 * MIB, 24 * MIB); /* moved whole: no copy */
  CHECK(p && on_boundary(p) && holds(p, 8 * MIB, 1));
  fill(p, 24 * MIB, 2);
  p = vfl_realloc_aligned(p, 24 * MIB, 6 * MIB + 100); /* shrunk in place, not to a page multiple */
  CHECK(p && on_boundary(p) && holds(p, 6 * MIB, 2));
  p = vfl_realloc_aligned(p, 6 * MIB + 100, MIB); /* small now: a hooked block */
  CHECK(p && (uintptr_t)p % 64 == 0 && holds(p, MIB, 2));
  p = vfl_realloc_aligned(p, MIB, 10 * MIB); /* large again: mapped */
  CHECK(p && on_boundary(p) && holds(p, MIB, 2));
  fill(p, 10 * MIB, 3);
  CHECK(holds(p, 10 * MIB, 3));
  vfl_free_aligned(p);

  uint32_t *u = vfl_alloc_aligned_uninit(5 * MIB + 4);
  CHECK(u && on_boundary(u));
  fill(u, 5 * MIB + 4, 4);
  CHECK(holds(u, 5 * MIB + 4, 4));
  vfl_free_aligned(u);
}

/* A block made before a hook was installed is resized and freed by the
** engine's own calls: the hook sees the new blocks, never the old mapping. */
static void hook_sees_allocations(void) {
  uint32_t *before = vfl_alloc_aligned(8 * MIB);
  CHECK(before != NULL);
  if (before) fill(before, 8 * MIB, 5);
  vfl_set_allocator(counting_realloc, NULL);
  uint32_t *p = vfl_alloc_aligned(8 * MIB);
  CHECK(p && (uintptr_t)p % 64 == 0 && all_zero(p, 8 * MIB));
  CHECK(hooked == 1);
  uint32_t *moved = vfl_realloc_aligned(before, 8 * MIB, 12 * MIB); /* to a hooked block, copied */
  CHECK(moved && hooked == 2 && holds(moved, 8 * MIB, 5));
  vfl_free_aligned(p);
  vfl_free_aligned(moved);
  vfl_set_allocator(NULL, NULL);
}

int main(void) {
  growth_keeps_bytes();
  hook_sees_allocations();
  return t_done("test_alloc_mapped");
}
