/*
** work_grad.h -- where a parameter row's gradient goes during backward: with
** batch 1 straight into the row (no buffer, no second pass: the fastest form
** for sparse data); with a larger batch added to the row's own sum
** (param_sum), which work_flush_batch applies, averaged. Inline: kinds call
** these per row.
*/
#ifndef VFL_WORK_GRAD_H
#define VFL_WORK_GRAD_H

#include <string.h>

#include "vec.h"
#include "work.h"

/* Adds s * dy to row `row`'s sum in block p and notes the touch. Two
** threads may add to one row at once: Hogwild, as for the weights. */
VFL_HOGWILD static inline void grad_add(const vfl_param *p, vfl_touched *t, uint32_t row, float s, const float *dy) {
  uint32_t cols = p->cols;
  float *g = param_sum(p, row);
  if (cols == 1) g[0] += s * dy[0];
  else vec_axpy(cols, s, dy, g);
  if (!t->sweep) t->rows[t->n++] = row;
}

/* Gradient a * dy for row r of block b of layer li: applied now, or accumulated. */
VFL_HOGWILD static inline void row_gradient(vfl_work *w, uint32_t li, uint32_t b, uint32_t r, float a, const float *dy) {
  vfl_layer *l = &w->net->layers[li];
  if (w->batch > 1) {
    grad_add(&l->blocks[b], &w->touched[li][b], r, a, dy);
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
  const vfl_param *p = &w->net->layers[li].blocks[b];
  vfl_touched *t = &w->touched[li][b];
  const uint32_t *idx = f->index;
  const float *val = f->value;
  uint32_t n = f->n;
  if (p->cols == 1) { /* logistic regression: one add per feature, the list in one copy */
    float *data = p->data + 1 + p->n_state;
    size_t stride = p->stride;
    if (val)
      for (uint32_t j = 0; j < n; j++) data[idx[j] * stride] += (s * val[j]) * dy[0];
    else
      for (uint32_t j = 0; j < n; j++) data[idx[j] * stride] += s * dy[0];
    memcpy(t->rows + t->n, idx, n * sizeof *idx);
    t->n += n;
    return;
  }
  for (uint32_t j = 0; j < n; j++) grad_add(p, t, idx[j], val ? s * val[j] : s, dy);
}

#endif
