/*
** featurizer.h -- the featurizer a net carries (vfl.h, vfl_featurizer):
** checks, an owned copy, and its section of the model file (model.h).
*/
#ifndef VFL_FEATURIZER_H
#define VFL_FEATURIZER_H

#include "model_io.h"
#include "vfl.h"

/* An owned copy: the strings and the class list live in one block. */
typedef struct featurizer_own {
  vfl_featurizer f;
} featurizer_own;

/* Checks f alone, and against the net's outputs when outputs > 0. The
** message names the problem ("the featurizer ..."). */
int featurizer_check(const vfl_featurizer *f, uint32_t outputs);
/* A copy of f in one allocation, or NULL (error set). */
featurizer_own *featurizer_copy(const vfl_featurizer *f);

/* Model section: u8 present, then (when present) i32 kind, u32 bits,
** u32 ngrams, u32 seed, u8 lower, str label_prefix, u32 n_classes,
** str[n_classes] classes. */
void featurizer_save(model_writer *w, const featurizer_own *own);
/* Reads the section into *out (NULL when absent); errors name r->path. */
int featurizer_load(model_reader *r, uint32_t outputs, featurizer_own **out);

#endif
