/*
** alloc.h -- every engine allocation goes through here, so that a caller's
** hook (vfl_set_allocator) sees them all and tests can count them.
*/
#ifndef VFL_ALLOC_H
#define VFL_ALLOC_H

#include <stddef.h>

void *vfl_alloc(size_t size);                 /* NULL on failure (error set) */
void *vfl_calloc(size_t n, size_t size);      /* zeroed; checks n*size overflow */
void *vfl_realloc(void *ptr, size_t size);    /* NULL on failure, ptr kept */
void vfl_free(void *ptr);

/* 64-byte aligned, zeroed; released with vfl_free_aligned. */
void *vfl_alloc_aligned(size_t size);
/* The same, not zeroed: for a caller that writes every byte itself, in
** pieces it can interrupt (the first touch of a large block is slow). */
void *vfl_alloc_aligned_uninit(size_t size);
/* Resizes a block from vfl_alloc_aligned(_uninit) to size bytes, keeping
** the first min(old_size, size) of them (old_size: the size it was made
** with); the bytes after are uninitialised. NULL on failure, ptr kept. For
** a large block no second copy exists at any time: its pages move (alloc.c:
** under the default allocator, to a new 2 MiB boundary, so that its huge
** pages stay whole) or the caller's hook grows it. */
void *vfl_realloc_aligned(void *ptr, size_t old_size, size_t size);
void vfl_free_aligned(void *ptr);

char *vfl_strdup(const char *s);

/* Grows *ptr (an array of *cap elements of elem bytes) to hold at least need
** elements, doubling. Returns 0 or VFL_ENOMEM. */
int vfl_grow(void *ptr, size_t *cap, size_t need, size_t elem);

#endif
