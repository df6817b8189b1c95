/*
** rng.c -- seeding through splitmix64, as the xoshiro authors recommend.
*/
#include <stddef.h>

#include "rng.h"

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void vfl_rng_seed(vfl_rng *r, uint64_t seed) {
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

void vfl_rng_shuffle(vfl_rng *r, size_t *a, size_t n) { vfl_rng_shuffle_part(r, a, n, 1); }

void vfl_rng_shuffle_part(vfl_rng *r, size_t *a, size_t from, size_t to) {
  for (size_t i = from; i > to; i--) {
    size_t j = (size_t)vfl_rng_below(r, i);
    size_t t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
  }
}
