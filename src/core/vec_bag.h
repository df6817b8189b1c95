/*
** vec_bag.h -- the kernels of an embedding bag: the rows of a block picked
** by one example's sparse features, summed (forward) or each moved by the
** same gradient (backward, SGD and AdaGrad). Any layer with sparse rows
** calls them (linear with mean, the embedding layer).
**
** Why a kernel of its own rather than vec_add / vec_adagrad per row: the
** rows are scattered over a block of hundreds of MB, so the time goes in
** cache misses, not arithmetic (docs/performance.md, "Text: the embedding
** bag"). These loops prefetch the rows VEC_BAG_AHEAD features ahead (their
** optimizer state too, which the backward pass will read), keep the sum in
** registers instead of storing and reloading y for every row, and compute
** the parts of the update that are the same for every row (g = a * dy,
** g * g, lr * g) once per example. The arithmetic per element is the same
** as vec_axpy / vec_add / vec_adagrad's with GCC, in the same order (a
** multiply, then an add: no FMA, with any compiler), so the results are
** the same bits (tests/c/test_vec_bag.c).
*/
#ifndef VFL_VEC_BAG_H
#define VFL_VEC_BAG_H

#include <stddef.h>
#include <stdint.h>

#include "vec.h"

/* How many features ahead the rows are prefetched: enough to cover a
** memory latency of a few hundred cycles at a few tens of cycles a row. */
#define VEC_BAG_AHEAD 8
/* At most this many bytes of a row are prefetched (weights and state). */
#define VEC_BAG_PREFETCH_BYTES 512

/* Asks for the cache lines of floats [row, row + n) (n capped). */
static inline void vec_prefetch_row(const float *row, size_t n) {
  size_t bytes = n * sizeof(float);
  if (bytes > VEC_BAG_PREFETCH_BYTES) bytes = VEC_BAG_PREFETCH_BYTES;
  const char *p = (const char *)row;
  for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(p + b);
  __builtin_prefetch(p + bytes - 1); /* the last line, when the row starts mid-line */
}

/* Prefetches the row of feature j + VEC_BAG_AHEAD, if there is one. */
static inline void vec_bag_prefetch(const float *data, size_t stride, const uint32_t *idx, uint32_t n, uint32_t j) {
  if (j + VEC_BAG_AHEAD < n) vec_prefetch_row(data + (size_t)idx[j + VEC_BAG_AHEAD] * stride, stride);
}

#if defined(__AVX512F__)
/* Lanes of the k-th 16-float piece of a row of cols floats. */
static inline __mmask16 vec_bag_mask(uint32_t cols, uint32_t k) {
  uint32_t left = cols > 16 * k ? cols - 16 * k : 0;
  return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
}
#define VEC_BAG_REGS 64 /* rows up to 64 floats wide stay in four registers */

/* Piece k of the row at p, lanes m (zeros elsewhere); a piece with no
** lanes is not addressed at all (p + 16 * k may lie beyond the row's block). */
VFL_HOGWILD static inline __m512 vec_bag_load(__mmask16 m, const float *p, uint32_t k) {
  return m ? _mm512_maskz_loadu_ps(m, p + 16 * k) : _mm512_setzero_ps();
}
VFL_HOGWILD static inline void vec_bag_store(__mmask16 m, float *p, uint32_t k, __m512 v) {
  if (m) _mm512_mask_storeu_ps(p + 16 * k, m, v);
}
#endif

/* The multiplier of feature j's row: scale * val[j], or scale for
** indicator features (val NULL). */
static inline float vec_bag_weight(const float *val, uint32_t j, float scale) { return val ? scale * val[j] : scale; }

/* y += (scale * val[j]) * (row idx[j] of data) for j = 0..n-1, in that
** order (val NULL: the values are 1; a multiplier of 1: y += row). Rows are
** `stride` floats apart. */
VFL_HOGWILD static inline void vec_bag_add(uint32_t cols, const float *data, size_t stride, const uint32_t *idx,
                                           const float *val, uint32_t n, float scale, float *restrict y) {
  for (uint32_t j = 0; j < VEC_BAG_AHEAD && j < n; j++) vec_prefetch_row(data + (size_t)idx[j] * stride, stride);
#if defined(__AVX512F__)
  if (cols <= VEC_BAG_REGS) {
    const __mmask16 m0 = vec_bag_mask(cols, 0), m1 = vec_bag_mask(cols, 1), m2 = vec_bag_mask(cols, 2),
                    m3 = vec_bag_mask(cols, 3);
    __m512 a0 = vec_bag_load(m0, y, 0), a1 = vec_bag_load(m1, y, 1), a2 = vec_bag_load(m2, y, 2),
           a3 = vec_bag_load(m3, y, 3);
    for (uint32_t j = 0; j < n; j++) {
      vec_bag_prefetch(data, stride, idx, n, j);
      const float *x = data + (size_t)idx[j] * stride;
      __m512 x0 = vec_bag_load(m0, x, 0), x1 = vec_bag_load(m1, x, 1), x2 = vec_bag_load(m2, x, 2),
             x3 = vec_bag_load(m3, x, 3);
      float a = vec_bag_weight(val, j, scale);
      if (a != 1.0f) {
        const __m512 va = _mm512_set1_ps(a);
        x0 = _mm512_mul_ps(va, x0);
        x1 = _mm512_mul_ps(va, x1);
        x2 = _mm512_mul_ps(va, x2);
        x3 = _mm512_mul_ps(va, x3);
      }
      a0 = _mm512_add_ps(a0, x0);
      a1 = _mm512_add_ps(a1, x1);
      a2 = _mm512_add_ps(a2, x2);
      a3 = _mm512_add_ps(a3, x3);
    }
    vec_bag_store(m0, y, 0, a0);
    vec_bag_store(m1, y, 1, a1);
    vec_bag_store(m2, y, 2, a2);
    vec_bag_store(m3, y, 3, a3);
    return;
  }
#endif
  for (uint32_t j = 0; j < n; j++) {
    vec_bag_prefetch(data, stride, idx, n, j);
    float a = vec_bag_weight(val, j, scale);
    const float *restrict x = data + (size_t)idx[j] * stride;
    if (a == 1.0f) vec_add(cols, x, y);
    else
      for (uint32_t c = 0; c < cols; c++) {
        float p = a * x[c]; /* a statement of its own: clang does not fuse it into an FMA either */
        y[c] += p;
      }
  }
}

/* SGD on every row idx[j], in order: row -= lr * (a_j * dy), a_j = scale *
** val[j]. step (cols floats, scratch) holds lr * (a_j * dy), computed again
** only when a_j changes (most features of a text occur once). */
VFL_HOGWILD static inline void vec_bag_sgd(uint32_t cols, float *data, size_t stride, const uint32_t *idx, const float *val,
                                           uint32_t n, float scale, const float *restrict dy, float lr,
                                           float *restrict step) {
  for (uint32_t j = 0; j < VEC_BAG_AHEAD && j < n; j++) vec_prefetch_row(data + (size_t)idx[j] * stride, stride);
  float a_step = 0.0f;
  for (uint32_t j = 0; j < n; j++) {
    vec_bag_prefetch(data, stride, idx, n, j);
    float a = vec_bag_weight(val, j, scale);
    if (j == 0 || a != a_step) {
      for (uint32_t c = 0; c < cols; c++) step[c] = lr * (a * dy[c]);
      a_step = a;
    }
    float *restrict w = data + (size_t)idx[j] * stride;
    for (uint32_t c = 0; c < cols; c++) w[c] -= step[c];
  }
}

/* AdaGrad on every row idx[j] (weights, then their sums of squares), in
** order, with the gradient g = a_j * dy: s += g * g; w -= lr * g / (sqrt(s)
** + eps); vec_adagrad's arithmetic, with g * g and lr * g computed again
** only when a_j changes. */
VFL_HOGWILD static inline void vec_bag_adagrad(uint32_t cols, float *data, size_t stride, const uint32_t *idx,
                                               const float *val, uint32_t n, float scale, const float *restrict dy,
                                               float lr, float eps) {
  for (uint32_t j = 0; j < VEC_BAG_AHEAD && j < n; j++) vec_prefetch_row(data + (size_t)idx[j] * stride, stride);
#if defined(__AVX512F__)
  if (cols > 1 && cols <= VEC_BAG_REGS) {
    const __mmask16 m0 = vec_bag_mask(cols, 0), m1 = vec_bag_mask(cols, 1), m2 = vec_bag_mask(cols, 2),
                    m3 = vec_bag_mask(cols, 3);
    const __m512 d0 = vec_bag_load(m0, dy, 0), d1 = vec_bag_load(m1, dy, 1), d2 = vec_bag_load(m2, dy, 2),
                 d3 = vec_bag_load(m3, dy, 3);
    const __m512 vlr = _mm512_set1_ps(lr), veps = _mm512_set1_ps(eps);
    __m512 gg0 = d0, gg1 = d0, gg2 = d0, gg3 = d0, lg0 = d0, lg1 = d0, lg2 = d0, lg3 = d0;
    float a_step = 0.0f;
    for (uint32_t j = 0; j < n; j++) {
      vec_bag_prefetch(data, stride, idx, n, j);
      float a = vec_bag_weight(val, j, scale);
      if (j == 0 || a != a_step) {
        const __m512 va = _mm512_set1_ps(a);
        __m512 g0 = _mm512_mul_ps(va, d0), g1 = _mm512_mul_ps(va, d1), g2 = _mm512_mul_ps(va, d2),
               g3 = _mm512_mul_ps(va, d3);
        gg0 = _mm512_mul_ps(g0, g0), gg1 = _mm512_mul_ps(g1, g1), gg2 = _mm512_mul_ps(g2, g2), gg3 = _mm512_mul_ps(g3, g3);
        lg0 = _mm512_mul_ps(vlr, g0), lg1 = _mm512_mul_ps(vlr, g1), lg2 = _mm512_mul_ps(vlr, g2),
        lg3 = _mm512_mul_ps(vlr, g3);
        a_step = a;
      }
      float *w = data + (size_t)idx[j] * stride, *s = w + cols;
#define VEC_BAG_ADAGRAD_PIECE(k, m, gg, lg)                                                          \
  do {                                                                                               \
    __m512 sk = _mm512_add_ps(_mm512_maskz_loadu_ps(m, s + 16 * (k)), gg);                           \
    _mm512_mask_storeu_ps(s + 16 * (k), m, sk);                                                      \
    __m512 step = _mm512_div_ps(lg, _mm512_add_ps(_mm512_sqrt_ps(sk), veps));                        \
    _mm512_mask_storeu_ps(w + 16 * (k), m, _mm512_sub_ps(_mm512_maskz_loadu_ps(m, w + 16 * (k)), step)); \
  } while (0)
      VEC_BAG_ADAGRAD_PIECE(0, m0, gg0, lg0);
      if (m1) VEC_BAG_ADAGRAD_PIECE(1, m1, gg1, lg1);
      if (m2) VEC_BAG_ADAGRAD_PIECE(2, m2, gg2, lg2);
      if (m3) VEC_BAG_ADAGRAD_PIECE(3, m3, gg3, lg3);
#undef VEC_BAG_ADAGRAD_PIECE
    }
    return;
  }
#endif
  for (uint32_t j = 0; j < n; j++) {
    vec_bag_prefetch(data, stride, idx, n, j);
    float *w = data + (size_t)idx[j] * stride;
    vec_adagrad(cols, vec_bag_weight(val, j, scale), dy, w, w + cols, lr, eps);
  }
}

#endif
