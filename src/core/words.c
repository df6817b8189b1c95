/*
** words.c -- the one tokenizer of raw text (vfl_hash_words): words split
** at white space, optionally lower-cased, hashed with MurmurHash3, word
** n-grams hashed from their words' hashes; ids masked, sorted, repeats
** counted. vfl.hash.words, the fastText reader, a loaded model's Lua
** predict and the C inference API (infer.c) all go through it, so a model
** featurizes text the same way wherever it runs.
*/
#include <ctype.h>
#include <stdlib.h> /* qsort */
#include <string.h>

#include "vfl.h"

enum { MAX_NGRAMS = 8 };

static uint32_t hash_mask(uint32_t bits) { return bits >= 32 ? 0xFFFFFFFFu : ((uint32_t)1 << bits) - 1; }

/* Hash of an n-gram: MurmurHash3 of its token hashes as little-endian bytes,
** so that the result does not depend on the machine's byte order. */
static uint32_t ngram_hash(const uint32_t *h, uint32_t n, uint32_t seed) {
  unsigned char bytes[4 * MAX_NGRAMS];
  for (uint32_t i = 0; i < n; i++)
    for (int k = 0; k < 4; k++) bytes[4 * i + k] = (unsigned char)(h[i] >> (8 * k));
  return vfl_hash_bytes(bytes, (size_t)(4 * n), seed + n);
}

static int u32_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

size_t vfl_hash_words_cap(size_t len, uint32_t ngrams) {
  if (ngrams < 1) ngrams = 1;
  if (ngrams > MAX_NGRAMS) ngrams = MAX_NGRAMS;
  return (len / 2 + 1) * ngrams; /* a word takes a byte and a separator */
}

size_t vfl_hash_words(const char *s, size_t len, const vfl_words_options *o, uint32_t *ids, float *counts) {
  uint32_t ngrams = o->ngrams < 1 ? 1 : o->ngrams > MAX_NGRAMS ? MAX_NGRAMS : o->ngrams;
  uint32_t mask = o->group ? 0xFFFFFFu : hash_mask(o->bits), seed = o->seed;
  /* counts is not needed until the ids are sorted: it holds a lower-cased
  ** word meanwhile (4 * cap bytes >= len + 1) */
  char *word = (char *)counts;
  uint32_t window[MAX_NGRAMS]; /* the last words' hashes, oldest first */
  uint32_t in_window = 0;
  size_t ni = 0;
  for (size_t i = 0; i < len;) {
    while (i < len && isspace((unsigned char)s[i])) i++;
    size_t start = i;
    while (i < len && !isspace((unsigned char)s[i])) i++;
    if (i == start) break;
    size_t wl = i - start;
    const char *w = s + start;
    if (o->lower) {
      for (size_t k = 0; k < wl; k++) word[k] = (char)tolower((unsigned char)s[start + k]);
      w = word;
    }
    if (in_window == ngrams) memmove(window, window + 1, (ngrams - 1) * sizeof *window), in_window--;
    window[in_window++] = vfl_hash_bytes(w, wl, seed);
    ids[ni++] = window[in_window - 1];
    for (uint32_t n = 2; n <= in_window; n++) ids[ni++] = ngram_hash(window + in_window - n, n, seed);
  }
  for (size_t k = 0; k < ni; k++) ids[k] = o->group ? vfl_group_index(o->group - 1, ids[k] & mask) : ids[k] & mask;
  qsort(ids, ni, sizeof *ids, u32_cmp);
  size_t nu = 0; /* repeated ids become counts: runs of the sorted list */
  for (size_t k = 0; k < ni; k++) {
    if (nu && ids[k] == ids[nu - 1]) {
      counts[nu - 1] += 1;
      continue;
    }
    ids[nu] = ids[k];
    counts[nu++] = 1;
  }
  return nu;
}
