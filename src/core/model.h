/*
** model.h -- the model file format (version 4), little-endian throughout:
**
**   "VFLMODEL"  u32 version  u32 0x01020304 (byte order)  u64 body bytes
**   body: u32 link, u32 layers,
**   structure, per layer:
**     str name, i32 kind, the kind's own spec fields (its save/load in
**     src/core/layers/<kind>.c), u32 n_parents, u32[] parents,
**     i32 optim kind, f32 lr, f32 beta1, f32 beta2, f32 eps
**   data, per layer (once the structure gives every shape):
**     u32 n_priors, per prior: i32 kind, f32 lambda, i32 parent, f32 floor,
**       u8 has_per_row, u8 has_center, f32[rows] per_row, f32[rows*cols] center
**     per parameter block: u32 rows, u32 cols, u32 n_state, i32 state kind,
**       u8 encoding (version 4 on; quant.h), then by encoding:
**       0 f32: f32[rows * cols * (1 + n_state)] (weights then optimizer
**              state, per row; n_state 0 for a weights-only save)
**       1 f16: u16[rows * cols] IEEE half weights, n_state 0
**       2 q8:  u32 group, f32[ceil(rows * cols / group)] scales,
**              i8[rows * cols] weights (weight k = scales[k / group] * i8[k],
**              k counting along the rows), n_state 0
**   featurizer (version 3 on): u8 present (0, 1, or 2 = with the
**     extension), then i32 kind, u32 bits, u32 ngrams, u32 seed, u8 lower,
**     str label_prefix, u32 n_classes, str[n_classes] class names, then
**     with present = 2 the featurizer's own versioned, tagged fields
**     (character n-grams, table columns, dictionary: featurizer.h)
**   u32 CRC-32 (zlib) of everything before it.
**
** str = u32 length + bytes. A full save keeps the optimizer state so that
** training resumes where it stopped; a weights-only or quantised save
** (vfl_model_save_as) leaves it out, and training such a model starts the
** optimizer afresh from the loaded weights.
**
** Version 3 is version 4 without the encoding byte (every block f32).
** Version 2 is version 3 without the featurizer section.
** Version 1 (before layer kinds wrote their own fields) is still read: its
** layers hold the fixed fields i32 input_kind, u32 dim, i32 intercept,
** i32 mean, f32 rate, u32 cross_bits, u32 n_crosses, u32[2n] crosses after
** the kind, and its priors have no floor. A change to what any kind writes
** bumps VFL_MODEL_VERSION, and the loader keeps reading the older versions
** (tests/data/models holds a file of each, tests/c/test_model_legacy.c).
*/
#ifndef VFL_MODEL_H
#define VFL_MODEL_H

#define VFL_MODEL_MAGIC "VFLMODEL"
#define VFL_MODEL_VERSION 4u
#define VFL_MODEL_OLDEST 1u
#define VFL_MODEL_BYTE_ORDER 0x01020304u

#include <stddef.h>
#include <stdint.h>

#include "vfl.h"

/* vfl_model_load on a file already in memory; name is used in messages.
** The fuzz targets call it directly, without a file. */
int model_load_buffer(const uint8_t *data, size_t len, const char *name, vfl_net **out);

#endif
