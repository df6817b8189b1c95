/*
** dataset.h -- the in-memory dataset: CSR blocks, one per named input.
**
** Memory: a sparse input costs 4 bytes per non-zero for its index, plus 4 for
** its value only once some value differs from 1 (indicator data stays at 4),
** plus an 8-byte offset per row. Labels cost 4 bytes each, weights 4 bytes a
** row only once some weight differs from 1.
*/
#ifndef VFL_DATASET_H
#define VFL_DATASET_H

#include "vfl.h"

typedef struct ds_input {
  char *name;
  int kind;            /* VFL_INPUT_* */
  uint32_t dim;        /* declared, or grown to max index + 1 */
  int grow;            /* dim was declared 0 */
  uint64_t *start;     /* sparse: rows + 1 offsets into index/value */
  uint32_t *index;
  float *value;        /* NULL while every value is 1 */
  size_t nnz, cap;
  uint32_t max_nnz;    /* largest row, for sizing work buffers */
  float *dense;        /* dense: rows x dim */
} ds_input;

struct vfl_dataset {
  uint32_t n_labels;
  size_t rows, cap_rows;
  float *labels;       /* rows x n_labels */
  float *weights;      /* NULL while every weight is 1 */
  ds_input *inputs;
  uint32_t n_inputs;
};

/* The features of row i of input in, as a view. */
static inline void ds_features(const ds_input *in, size_t i, vfl_features *f) {
  if (in->kind == VFL_INPUT_DENSE) {
    f->n = in->dim;
    f->index = NULL;
    f->value = in->dense + i * in->dim;
    return;
  }
  uint64_t a = in->start[i], b = in->start[i + 1];
  f->n = (uint32_t)(b - a);
  f->index = in->index + a;
  f->value = in->value ? in->value + a : NULL;
}

static inline float ds_weight(const vfl_dataset *ds, size_t i) {
  return ds->weights ? ds->weights[i] : 1.0f;
}

#endif
