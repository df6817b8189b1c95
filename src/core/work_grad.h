/*
** work_grad.h -- where a parameter row's gradient goes during backward: with
** batch 1 straight into the row (no buffer, no second pass: the fastest form
** for sparse data); with a larger batch into the block's accumulator, which
** work_flush_batch applies, averaged. Inline: kinds call these per row.
*/
#ifndef VFL_WORK_GRAD_H
#define VFL_WORK_GRAD_H

#include "vec.h"
#include "work.h"

static inline uint32_t accum_probe(const vfl_accum *a, uint32_t row) {
  uint32_t h = (uint32_t)(((uint64_t)row * 0x9E3779B97F4A7C15ull) >> 40) & a->mask;
  while (a->keys[h] && a->keys[h] != row + 1) h = (h + 1) & a->mask;
  return h;
}

/* Adds s * dy to the gradient accumulated for `row`; a row the batch has
** not touched yet takes s * dy as it is (no zeroing pass, no libc call). */
static inline void accum_add(vfl_accum *a, uint32_t row, float s, const float *dy) {
  uint32_t h = accum_probe(a, row), cols = a->cols;
  float *v = a->vals + (size_t)h * cols;
  if (a->keys[h]) {
    if (cols == 1) v[0] += s * dy[0];
    else vec_axpy(cols, s, dy, v);
    return;
  }
  a->keys[h] = row + 1;
  a->used[a->n_used++] = h;
  for (uint32_t j = 0; j < cols; j++) v[j] = s * dy[j];
}

/* Gradient a * dy for row r of block b of layer li: applied now, or accumulated. */
VFL_HOGWILD static inline void row_gradient(vfl_work *w, uint32_t li, uint32_t b, uint32_t r, float a, const float *dy) {
  vfl_layer *l = &w->net->layers[li];
  if (w->batch > 1) {
    accum_add(&w->acc[li][b], r, a, dy);
    return;
  }
  rule_step(&w->rule[li][b], param_row(&l->blocks[b], r), a, dy, l->blocks[b].cols, r, w->tmp);
}

/* Gradient (scale * value_j) * dy for every row a sparse parent's features pick. */
VFL_HOGWILD static inline void sparse_rows_gradient(vfl_work *w, uint32_t li, uint32_t b, const vfl_features *f, float s,
                                                   const float *dy) {
  if (w->batch <= 1) {
    rule_step_sparse(&w->rule[li][b], &w->net->layers[li].blocks[b], f, s, dy, w->tmp);
    return;
  }
  vfl_accum *a = &w->acc[li][b];
  for (uint32_t j = 0; j < f->n; j++) accum_add(a, f->index[j], f->value ? s * f->value[j] : s, dy);
}

#endif
