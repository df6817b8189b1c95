/*
** ds_index.h -- a sparse input's feature indices, 3 bytes each while every
** one of them is below 2^24 (the feature spaces vfl's jobs and hashing use),
** 4 bytes once one is not. Three bytes instead of four brings a real-valued
** non-zero from 8 bytes to 7, which leaves room below 8 for the label and
** row offset every row also costs.
**
** A packed array of n indices holds 3n bytes plus DS_INDEX3_PAD: reading
** index j loads the 4 bytes at 3j (one load, no byte assembly) and masks the
** top one off, and the unpacking loop reads 16 bytes for every 12 it uses
** (a byte shuffle makes 4 indices of them), so the last index needs 4 bytes
** after it. The writers zero those (ds_index3_seal): every byte read is
** defined. Unpacking costs about 1 instruction an index with SSSE3 or AVX2
** against 7 for the plain loop (callgrind, job 1: docs/performance.md).
*/
#ifndef VFL_DS_INDEX_H
#define VFL_DS_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSSE3__)
#include <immintrin.h>
#endif

#define DS_INDEX3_LIMIT (1u << 24) /* the first index that does not pack */
#define DS_INDEX3_PAD 4

/* Bytes of a packed array with room for n indices. */
static inline size_t ds_index3_bytes(size_t n) { return 3 * n + DS_INDEX3_PAD; }

static inline uint32_t ds_index3_get(const uint8_t *p, size_t j) {
  p += 3 * j;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v & (DS_INDEX3_LIMIT - 1);
#else
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
#endif
}

/* Stores n indices, every one below DS_INDEX3_LIMIT, from index j of p on. */
static inline void ds_index3_pack(uint8_t *p, size_t j, const uint32_t *index, size_t n) {
  p += 3 * j;
  for (size_t k = 0; k < n; k++, p += 3) {
    p[0] = (uint8_t)index[k];
    p[1] = (uint8_t)(index[k] >> 8);
    p[2] = (uint8_t)(index[k] >> 16);
  }
}

/* Zeroes the padding after the first n indices (the writers call it after
** every append). */
static inline void ds_index3_seal(uint8_t *p, size_t n) { memset(p + 3 * n, 0, DS_INDEX3_PAD); }

#if defined(__SSSE3__)
/* Bytes 3i .. 3i + 2 of 12 to index i, its top byte zero (-1 writes zero). */
#define DS_INDEX3_SPREAD _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1)

/* 4 indices from the 12 bytes at p (16 read). */
static inline void ds_index3_unpack4(const uint8_t *p, uint32_t *out) {
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  _mm_storeu_si128((__m128i *)(void *)out, _mm_shuffle_epi8(v, DS_INDEX3_SPREAD));
}
#endif

#if defined(__AVX2__)
/* 8 indices from the 24 bytes at p (28 read). */
static inline void ds_index3_unpack8(const uint8_t *p, uint32_t *out) {
  __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i hi = _mm_loadu_si128((const __m128i *)(const void *)(p + 12));
  __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
  _mm256_storeu_si256((__m256i *)(void *)out, _mm256_shuffle_epi8(both, _mm256_broadcastsi128_si256(DS_INDEX3_SPREAD)));
}
#endif

#if defined(__SSSE3__)
/* n >= width indices from p into out, width at a time; the last few are
** one more step that ends at the row's end and overlaps the previous one
** (writing the same values again): no loop for the remainder. */
static inline void ds_index3_steps(const uint8_t *p, size_t n, uint32_t *out, size_t width,
                                   void (*step)(const uint8_t *, uint32_t *)) {
  size_t k = 0;
  for (; k + width <= n; k += width) step(p + 3 * k, out + k);
  if (k < n) step(p + 3 * (n - width), out + n - width);
}
#endif

/* Indices j .. j + n - 1 of p into out. */
static inline void ds_index3_unpack(const uint8_t *p, size_t j, size_t n, uint32_t *out) {
  p += 3 * j;
#if defined(__AVX2__)
  if (n >= 8) {
    ds_index3_steps(p, n, out, 8, ds_index3_unpack8);
    return;
  }
#endif
#if defined(__SSSE3__)
  if (n >= 4) {
    ds_index3_steps(p, n, out, 4, ds_index3_unpack4);
    return;
  }
#endif
  for (size_t k = 0; k < n; k++) out[k] = ds_index3_get(p, k);
}

/* Whether n indices all pack. */
static inline int ds_index3_fits(const uint32_t *index, size_t n) {
  uint32_t high = 0;
  for (size_t k = 0; k < n; k++) high |= index[k];
  return high < DS_INDEX3_LIMIT;
}

#endif
