/*
** quant.c -- see quant.h. Half precision is converted in software (no F16C
** requirement): the saver and loader run once per weight, not in a hot loop.
*/
#include <math.h>
#include <string.h>

#include "quant.h"

uint16_t quant_f16_from_float(float x) {
  uint32_t f;
  memcpy(&f, &x, 4);
  uint32_t sign = (f >> 16) & 0x8000u, exp = (f >> 23) & 0xFFu, man = f & 0x7FFFFFu;
  if (exp == 0xFF) return (uint16_t)(sign | 0x7C00u | (man ? 0x200u : 0)); /* inf, NaN */
  int e = (int)exp - 127 + 15;
  if (e >= 31) return (uint16_t)(sign | 0x7C00u);
  if (e <= 0) { /* subnormal half, or zero */
    if (e < -10) return (uint16_t)sign;
    man |= 0x800000u;
    int shift = 14 - e;
    uint32_t half = man >> shift, rest = man & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1))) half++;
    return (uint16_t)(sign | half);
  }
  uint32_t half = ((uint32_t)e << 10) | (man >> 13), rest = man & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1))) half++; /* may carry into the exponent: still right */
  return (uint16_t)(sign | half);
}

float quant_f16_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1Fu, man = h & 0x3FFu, f;
  if (exp == 0x1F) {
    f = sign | 0x7F800000u | (man << 13);
  } else if (exp == 0) {
    float v = ldexpf((float)man, -24);
    return sign ? -v : v;
  } else {
    f = sign | ((exp - 15 + 127) << 23) | (man << 13);
  }
  float v;
  memcpy(&v, &f, 4);
  return v;
}

float quant_q8_scale(const float *w, size_t n) {
  float m = 0;
  for (size_t i = 0; i < n; i++) m = fmaxf(m, fabsf(w[i]));
  return m / 127.0f;
}

int8_t quant_q8_encode(float w, float scale) {
  if (scale == 0) return 0;
  float q = roundf(w / scale);
  return (int8_t)(q > 127 ? 127 : q < -127 ? -127 : q);
}
