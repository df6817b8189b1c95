/*
** vec.h -- the dense kernels every layer is made of. Written as plain loops
** over restrict pointers so that -O3 -march=... turns them into SIMD; the
** benchmark (bench/) checks that this is as fast as hand-written loops.
*/
#ifndef VFL_VEC_H
#define VFL_VEC_H

#include <stdint.h>

/* y += a * x */
static inline void vec_axpy(uint32_t n, float a, const float *restrict x, float *restrict y) {
  for (uint32_t i = 0; i < n; i++) y[i] += a * x[i];
}

static inline float vec_dot(uint32_t n, const float *restrict x, const float *restrict y) {
  float s = 0.0f;
  for (uint32_t i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

static inline void vec_zero(uint32_t n, float *x) {
  for (uint32_t i = 0; i < n; i++) x[i] = 0.0f;
}

#endif
