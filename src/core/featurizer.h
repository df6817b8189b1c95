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

/* Appends one feature to b, growing it (words.c). */
int feature_buf_push(vfl_feature_buf *b, uint32_t index, float value);

/* Gives ds a copy of f, with the dictionary of names (may be NULL) listed
** into f first. A check failure is returned with its message set. */
int featurizer_attach(vfl_dataset *ds, vfl_featurizer *f, const vfl_names *names);

/* Model section: u8 present (0 none, 1, or 2 with the extension), then
** i32 kind, u32 bits, u32 ngrams, u32 seed, u8 lower, str label_prefix,
** u32 n_classes, str[n_classes] classes. The extension (present = 2; a
** vfl that predates it refuses the file by that byte) is u32 version (1),
** then tagged fields "u32 tag, u64 bytes, payload" ended by tag 0:
**   1 character n-grams: u32 minn, u32 maxn
**   2 columns (TABLE): u32 n, n x (str name, i32 kind)
**   3 dictionary: u32 n, n x (u32 feature id, str name), ascending ids
** A tag with its top bit set is optional: a vfl that does not know it steps
** over it; any other unknown tag refuses the file (naming the tag). New
** featurizer fields are new tags, so the file's version need not change. */
void featurizer_save(model_writer *w, const featurizer_own *own);
/* Reads the section into *out (NULL when absent); errors name r->path. */
int featurizer_load(model_reader *r, uint32_t outputs, featurizer_own **out);

#endif
