/*
** hash.c -- MurmurHash3 x86_32 (Austin Appleby, public domain), the stable
** hash behind hashed features, and the packing of grouped feature ids.
*/
#include <string.h>

#include "vfl.h"

static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

uint32_t vfl_hash_bytes(const void *data, size_t len, uint32_t seed) {
  const uint8_t *p = data;
  const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  uint32_t h = seed;
  size_t blocks = len / 4;
  for (size_t i = 0; i < blocks; i++) {
    uint32_t k;
    memcpy(&k, p + 4 * i, 4); /* little-endian hosts; see README's limits */
    k *= c1;
    k = rotl32(k, 15);
    k *= c2;
    h ^= k;
    h = rotl32(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  const uint8_t *tail = p + 4 * blocks;
  uint32_t k = 0;
  switch (len & 3) {
    case 3: k ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: k ^= (uint32_t)tail[1] << 8;  /* fall through */
    case 1:
      k ^= tail[0];
      k *= c1;
      k = rotl32(k, 15);
      k *= c2;
      h ^= k;
  }
  h ^= (uint32_t)len;
  return fmix32(h);
}

uint32_t vfl_group_index(uint32_t group, uint32_t hash) {
  return (group << 24) | (hash & 0xFFFFFFu);
}
