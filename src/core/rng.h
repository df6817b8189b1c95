/*
** rng.h -- a small, fast, seedable generator (xoshiro256**), one per worker.
*/
#ifndef VFL_RNG_H
#define VFL_RNG_H

#include <stdint.h>

typedef struct vfl_rng {
  uint64_t s[4];
} vfl_rng;

void vfl_rng_seed(vfl_rng *r, uint64_t seed);

static inline uint64_t vfl_rng_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t vfl_rng_next(vfl_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = vfl_rng_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = vfl_rng_rotl(s[3], 45);
  return result;
}

/* Uniform in [0, 1). */
static inline double vfl_rng_uniform(vfl_rng *r) { return (double)(vfl_rng_next(r) >> 11) * 0x1.0p-53; }

/* Uniform in [0, n), n > 0 (Lemire's multiply-shift; the tiny bias is
** irrelevant for shuffling training data). */
static inline uint64_t vfl_rng_below(vfl_rng *r, uint64_t n) {
  return (uint64_t)(((unsigned __int128)vfl_rng_next(r) * n) >> 64);
}

/* Fisher-Yates shuffle of n size_t values. */
void vfl_rng_shuffle(vfl_rng *r, size_t *a, size_t n);
/* The steps of that shuffle for i = from down to to + 1, so that a caller
** can run it in pieces: from n down to 1 in any cuts, the same draws and
** the same order as vfl_rng_shuffle(r, a, n). */
void vfl_rng_shuffle_part(vfl_rng *r, size_t *a, size_t from, size_t to);

#endif
