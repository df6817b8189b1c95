/*
** quant.h -- the compact encodings of weights in a model file (model.h,
** version 4): IEEE half precision (16 bits), and 8-bit integers with one
** float scale per group of VFL_Q8_GROUP consecutive weights. Saving
** converts, loading converts back to floats: the net always computes in
** float.
*/
#ifndef VFL_QUANT_H
#define VFL_QUANT_H

#include <stddef.h>
#include <stdint.h>

/* How a block's values are written (the u8 after its state kind). */
enum { QUANT_F32 = 0, QUANT_F16 = 1, QUANT_Q8 = 2 };

/* Weights per scale in a q8 block: a hashed-feature row of 32 to 64
** weights shares one scale with at most one neighbour; 4 bytes of scale per
** 64 bytes of weights (6%). */
#define VFL_Q8_GROUP 64u
/* The largest finite half. */
#define QUANT_F16_MAX 65504.0f

/* Round to nearest even; beyond QUANT_F16_MAX gives infinity (the saver
** refuses such weights first). */
uint16_t quant_f16_from_float(float x);
float quant_f16_to_float(uint16_t h);

/* The scale of n weights: max |w| / 127 (0 for all-zero weights). */
float quant_q8_scale(const float *w, size_t n);
/* round(w / scale), clamped to -127..127; 0 when scale is 0. */
int8_t quant_q8_encode(float w, float scale);

#endif
