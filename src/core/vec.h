/*
** vec.h -- the dense kernels every layer is made of. Written as plain loops
** over restrict pointers so that -O3 -march=... turns them into SIMD; the
** benchmark (bench/) checks that this is as fast as hand-written loops.
**
** The one exception is vec_adagrad: a loop calling sqrtf is not vectorised
** unless the compiler may ignore errno (-fno-math-errno), which the build
** does not assume, so it has AVX-512 / AVX paths in intrinsics. They do the
** same operations in the same order as the scalar loop (no FMA), so every
** path gives the same bits. docs/performance.md has the measurements.
*/
#ifndef VFL_VEC_H
#define VFL_VEC_H

#include <math.h>
#include <stdint.h>

#if defined(__AVX512F__) || defined(__AVX__)
#include <immintrin.h>
#endif

/* Marks a function whose loops GCC must leave scalar. GCC (12) turns an
** in-order float sum over gathered values into AVX-512 gathers plus a lane
** by lane reduction, which measured slower than the scalar loop (the
** one-column sparse forward: docs/performance.md). Clang does not vectorise
** such sums without -ffast-math. */
#if defined(__GNUC__) && !defined(__clang__)
#define VEC_SCALAR_LOOPS __attribute__((optimize("no-tree-vectorize")))
#else
#define VEC_SCALAR_LOOPS
#endif

/* The functions that read or write shared parameter rows race with the
** other workers by design (Hogwild, docs/hogwild.md). Under
** ThreadSanitizer they are left uninstrumented: TSan would otherwise report
** (and symbolize, at great cost) every intended race; all other code stays
** instrumented, so a race anywhere else still fails the TSan leg. */
#if defined(__SANITIZE_THREAD__)
#define VFL_HOGWILD __attribute__((no_sanitize("thread")))
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define VFL_HOGWILD __attribute__((no_sanitize("thread")))
#endif
#endif
#ifndef VFL_HOGWILD
#define VFL_HOGWILD
#endif

/* y += a * x */
VFL_HOGWILD static inline void vec_axpy(uint32_t n, float a, const float *restrict x, float *restrict y) {
  for (uint32_t i = 0; i < n; i++) y[i] += a * x[i];
}

/* y += x */
static inline void vec_add(uint32_t n, const float *restrict x, float *restrict y) {
  for (uint32_t i = 0; i < n; i++) y[i] += x[i];
}

VFL_HOGWILD static inline float vec_dot(uint32_t n, const float *restrict x, const float *restrict y) {
  float s = 0.0f;
  for (uint32_t i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

static inline void vec_zero(uint32_t n, float *x) {
  for (uint32_t i = 0; i < n; i++) x[i] = 0.0f;
}

/* AdaGrad on one row with gradient g = a * dy:
**   s += g * g;  w -= lr * g / (sqrt(s) + eps) */
VFL_HOGWILD static inline void vec_adagrad(uint32_t n, float a, const float *restrict dy, float *restrict w, float *restrict s,
                               float lr, float eps) {
  uint32_t j = 0;
#if defined(__AVX512F__)
  if (n > 1) { /* one column: the scalar loop is quicker */
    const __m512 va = _mm512_set1_ps(a), vlr = _mm512_set1_ps(lr), veps = _mm512_set1_ps(eps);
    for (; j < n; j += 16) { /* the last pass masks the lanes beyond n */
      __mmask16 m = n - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
      __m512 g = _mm512_mul_ps(va, _mm512_maskz_loadu_ps(m, dy + j));
      __m512 sj = _mm512_add_ps(_mm512_maskz_loadu_ps(m, s + j), _mm512_mul_ps(g, g));
      _mm512_mask_storeu_ps(s + j, m, sj);
      __m512 step = _mm512_div_ps(_mm512_mul_ps(vlr, g), _mm512_add_ps(_mm512_sqrt_ps(sj), veps));
      _mm512_mask_storeu_ps(w + j, m, _mm512_sub_ps(_mm512_maskz_loadu_ps(m, w + j), step));
    }
  }
#elif defined(__AVX__)
  const __m256 va = _mm256_set1_ps(a), vlr = _mm256_set1_ps(lr), veps = _mm256_set1_ps(eps);
  for (; j + 8 <= n; j += 8) {
    __m256 g = _mm256_mul_ps(va, _mm256_loadu_ps(dy + j));
    __m256 sj = _mm256_add_ps(_mm256_loadu_ps(s + j), _mm256_mul_ps(g, g));
    _mm256_storeu_ps(s + j, sj);
    __m256 step = _mm256_div_ps(_mm256_mul_ps(vlr, g), _mm256_add_ps(_mm256_sqrt_ps(sj), veps));
    _mm256_storeu_ps(w + j, _mm256_sub_ps(_mm256_loadu_ps(w + j), step));
  }
#endif
  for (; j < n; j++) {
    float g = a * dy[j];
    s[j] += g * g;
    w[j] -= lr * g / (sqrtf(s[j]) + eps);
  }
}

#endif
