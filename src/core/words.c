/*
** words.c -- the one tokenizer of raw text (vfl_words_hash, described in
** vfl.h): tokens, word n-grams and fastText's character n-grams, hashed.
** Readers, vfl.hash.words and a loaded model's featurizer all call it, so a
** text is featurized the same way wherever it comes from. The scratch
** buffers live in the caller's vfl_feature_buf and only grow: a text no
** longer than the ones before allocates nothing.
*/
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "featurizer.h"
#include "vfl.h"

/* Character n-grams are hashed with this added to the seed, so that "<ab"
** does not collide by construction with a token written "<ab". */
#define CHARGRAM_SEED 16u

typedef struct token {
  uint32_t hash, start, len;
} token;

static uint32_t mask_of(uint32_t bits) { return bits >= 32 ? 0xFFFFFFFFu : ((uint32_t)1 << bits) - 1; }

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

int feature_buf_push(vfl_feature_buf *b, uint32_t index, float value) {
  if (b->n == b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 256;
    uint32_t *i = vfl_realloc(b->index, cap * sizeof *i);
    if (!i) return VFL_ENOMEM;
    b->index = i;
    float *v = vfl_realloc(b->value, cap * sizeof *v);
    if (!v) return VFL_ENOMEM;
    b->value = v;
    b->cap = cap;
  }
  b->index[b->n] = index;
  b->value[b->n++] = value;
  return VFL_OK;
}

static int push(vfl_feature_buf *b, uint32_t id) { return feature_buf_push(b, id, 1.0f); }

/* Hash of a word n-gram: MurmurHash3 of its token hashes as little-endian
** bytes, so that it does not depend on the machine's byte order. */
static uint32_t ngram_hash(const token *t, uint32_t n, uint32_t seed) {
  unsigned char bytes[4 * 8];
  if (n > 8) n = 8; /* ngrams is at most 8 (checked) */
  for (uint32_t i = 0; i < n; i++)
    for (int k = 0; k < 4; k++) bytes[4 * i + k] = (unsigned char)(t[i].hash >> (8 * k));
  return vfl_hash_bytes(bytes, (size_t)(4 * n), seed + n);
}

/* "w1 w2 ..." of n tokens from the lowered text, into b->name. */
static int ngram_name(vfl_feature_buf *b, const char *text, const token *t, uint32_t n, size_t *len) {
  size_t need = 0;
  for (uint32_t i = 0; i < n; i++) need += t[i].len + 1;
  if (vfl_grow(&b->name, &b->name_cap, need, 1)) return VFL_ENOMEM;
  size_t at = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (i) b->name[at++] = ' ';
    memcpy(b->name + at, text + t[i].start, t[i].len);
    at += t[i].len;
  }
  *len = at;
  return VFL_OK;
}

/* fastText's subwords: the n-grams of "<word>" of minn..maxn UTF-8
** characters, without "<" or ">" alone. */
static int chargrams(const vfl_words_options *o, vfl_feature_buf *b, const char *w, size_t wl, uint32_t offset,
                     uint32_t mask, vfl_name_fn name, void *ud) {
  if (vfl_grow(&b->name, &b->name_cap, wl + 2, 1)) return VFL_ENOMEM;
  char *word = b->name;
  word[0] = '<';
  memcpy(word + 1, w, wl);
  word[wl + 1] = '>';
  size_t n_bytes = wl + 2;
  for (size_t i = 0; i < n_bytes; i++) {
    if (((unsigned char)word[i] & 0xC0) == 0x80) continue;
    size_t j = i;
    for (uint32_t n = 1; j < n_bytes && n <= o->maxn; n++) {
      j++;
      while (j < n_bytes && ((unsigned char)word[j] & 0xC0) == 0x80) j++;
      if (n < o->minn || (n == 1 && (i == 0 || j == n_bytes))) continue;
      uint32_t id = (vfl_hash_bytes(word + i, j - i, o->seed + CHARGRAM_SEED) & mask) + offset;
      if (push(b, id)) return VFL_ENOMEM;
      if (name) name(ud, id, word + i, j - i);
    }
  }
  return VFL_OK;
}

static int tokenize(const vfl_words_options *o, const char *text, size_t len, vfl_feature_buf *b, size_t *count) {
  if (vfl_grow(&b->text, &b->text_cap, len + 1, 1)) return VFL_ENOMEM;
  size_t cap_tok = len / 2 + 1;
  if (vfl_grow(&b->tokens, &b->tokens_cap, cap_tok * sizeof(token), 1)) return VFL_ENOMEM;
  char *low = b->text;
  token *tok = b->tokens;
  size_t nt = 0;
  for (size_t i = 0; i < len;) {
    while (i < len && is_space((unsigned char)text[i])) i++;
    size_t start = i;
    while (i < len && !is_space((unsigned char)text[i])) {
      unsigned char c = (unsigned char)text[i];
      low[i++] = (char)(o->lower && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    if (i == start) break;
    tok[nt++] = (token){vfl_hash_bytes(low + start, i - start, o->seed), (uint32_t)start, (uint32_t)(i - start)};
  }
  *count = nt;
  return VFL_OK;
}

int vfl_words_hash(const vfl_words_options *o, const char *text, size_t len, uint32_t offset, vfl_feature_buf *b,
                   vfl_name_fn name, void *ud) {
  if (len > UINT32_MAX) return vfl_fail(VFL_EINVAL, "a text of %zu bytes is too long to hash (at most 4 GiB)", len);
  uint32_t mask = mask_of(o->bits), ngrams = o->ngrams ? o->ngrams : 1;
  if (ngrams > 8) return vfl_fail(VFL_EINVAL, "ngrams is %u (1 to 8)", ngrams);
  size_t nt;
  int rc = tokenize(o, text, len, b, &nt);
  if (rc) return rc;
  const token *tok = b->tokens;
  for (size_t t = 0; t < nt; t++) {
    const char *w = b->text + tok[t].start;
    uint32_t id = (tok[t].hash & mask) + offset;
    if (push(b, id)) return VFL_ENOMEM;
    if (name) name(ud, id, w, tok[t].len);
    for (uint32_t n = 2; n <= ngrams && t + 1 >= n; n++) {
      id = (ngram_hash(tok + t + 1 - n, n, o->seed) & mask) + offset;
      if (push(b, id)) return VFL_ENOMEM;
      size_t nl;
      if (name && ngram_name(b, b->text, tok + t + 1 - n, n, &nl) == VFL_OK) name(ud, id, b->name, nl);
    }
    if (o->maxn && (rc = chargrams(o, b, w, tok[t].len, offset, mask, name, ud))) return rc;
  }
  return VFL_OK;
}

typedef struct pair {
  uint32_t i;
  float v;
} pair;

static int by_index(const void *a, const void *b) {
  uint32_t x = ((const pair *)a)->i, y = ((const pair *)b)->i;
  return (x > y) - (x < y);
}

void vfl_feature_buf_sort(vfl_feature_buf *b) {
  if (b->n < 2) return;
  if (vfl_grow(&b->pairs, &b->pairs_cap, b->n * sizeof(pair), 1)) { /* no room to sort: merge in place */
    for (uint32_t i = 1; i < b->n; i++)
      for (uint32_t j = i; j > 0 && b->index[j - 1] > b->index[j]; j--) {
        uint32_t ti = b->index[j];
        float tv = b->value[j];
        b->index[j] = b->index[j - 1], b->value[j] = b->value[j - 1];
        b->index[j - 1] = ti, b->value[j - 1] = tv;
      }
  } else {
    pair *p = b->pairs;
    for (uint32_t k = 0; k < b->n; k++) p[k] = (pair){b->index[k], b->value[k]};
    qsort(p, b->n, sizeof *p, by_index);
    for (uint32_t k = 0; k < b->n; k++) b->index[k] = p[k].i, b->value[k] = p[k].v;
  }
  uint32_t u = 0;
  for (uint32_t k = 0; k < b->n; k++) {
    if (u && b->index[k] == b->index[u - 1]) {
      b->value[u - 1] += b->value[k];
      continue;
    }
    b->index[u] = b->index[k];
    b->value[u++] = b->value[k];
  }
  b->n = u;
}

void vfl_feature_buf_free(vfl_feature_buf *b) {
  if (!b) return;
  vfl_free(b->index);
  vfl_free(b->value);
  vfl_free(b->text);
  vfl_free(b->tokens);
  vfl_free(b->name);
  vfl_free(b->pairs);
  memset(b, 0, sizeof *b);
}
