/*
** work_grad.h -- where a parameter row's gradient goes during backward: with
** batch 1 straight into the row (no buffer, no second pass: the fastest form
** for sparse data); with a larger batch into the row's own sum (one-column
** blocks) or the block's accumulator, which work_flush_batch applies,
** averaged. Inline: kinds call these per row.
*/
#ifndef VFL_WORK_GRAD_H
#define VFL_WORK_GRAD_H

#include <string.h>

#include "vec.h"
#include "work.h"

static inline uint32_t accum_home(const vfl_accum *a, uint32_t row) {
  return (uint32_t)(((uint64_t)row * 0x9E3779B97F4A7C15ull) >> 40) & a->mask;
}

/* The table slot of `row`: its own, or the free one where it goes. */
static inline uint32_t accum_probe(const vfl_accum *a, uint32_t row) {
  uint32_t h = accum_home(a, row), key = a->table[h].key;
  if (__builtin_expect(key != row + 1 && key != 0, 0))
    do h = (h + 1) & a->mask;
    while (a->table[h].key && a->table[h].key != row + 1);
  return h;
}

/* Adds s * dy to the gradient accumulated for `row`; a row the batch has
** not touched yet takes s * dy as it is (no zeroing pass). Whether the row
** is new is a coin toss on sparse data, so the one-column case (logistic
** regression) decides it without a branch. */
static inline void accum_add(vfl_accum *a, uint32_t row, float s, const float *dy) {
  uint32_t h = accum_probe(a, row), n = a->n_used, fresh = a->table[h].key == 0, k = fresh ? n : a->table[h].pos;
  uint32_t cols = a->cols;
  float *v = a->vals + (size_t)k * cols;
  if (cols == 1) {
    float g = s * dy[0], old = v[0];
    v[0] = fresh ? g : old + g;
    a->table[h] = (vfl_accum_slot){row + 1, k};
    a->rows[k] = row;
    a->slots[k] = h;
    a->n_used = n + fresh;
    return;
  }
  if (!fresh) {
    vec_axpy(cols, s, dy, v);
    return;
  }
  a->table[h] = (vfl_accum_slot){row + 1, k};
  a->rows[k] = row;
  a->slots[k] = h;
  a->n_used = n + 1;
  for (uint32_t j = 0; j < cols; j++) v[j] = s * dy[j];
}

/* Tables of at least this many slots (512 KiB) are prefetched. */
#define ACCUM_PREFETCH_SLOTS (1u << 16)

/* Gradient a * dy for row r of block b of layer li: applied now, or accumulated. */
VFL_HOGWILD static inline void row_gradient(vfl_work *w, uint32_t li, uint32_t b, uint32_t r, float a, const float *dy) {
  vfl_layer *l = &w->net->layers[li];
  if (w->batch > 1 && l->blocks[b].cols == 1) {
    vfl_touched *t = &w->touched[li][b];
    *param_sum(&l->blocks[b], r) += a * dy[0];
    if (!t->sweep) t->rows[t->n++] = r;
    return;
  }
  if (w->batch > 1) {
    accum_add(&w->acc[li][b], r, a, dy);
    return;
  }
  rule_step(&w->rule[li][b], param_row(&l->blocks[b], r), a, dy, l->blocks[b].cols, r, w->tmp);
}

/* A planned batch (work_plan.c): a touch adds its gradient to its row's
** sum (the first one takes it as it is), and the row's last touch steps it
** with the mean, the sums in the flush's order. Rows this example is the
** only one to touch are stepped together after, by the optimizer's sparse
** step, as batch 1 steps them, with the scale divided by the batch size. */
VFL_HOGWILD static inline void rows_gradient_at_last(vfl_work *w, vfl_accum *a, const vfl_rule *rule, const vfl_param *p,
                                                    const vfl_features *f, float s, const float *dy) {
  vfl_touch_plan *plan = a->plan;
  const uint32_t *idx = f->index, *touch = plan->touch + w->touches[plan->input];
  uint32_t cols = a->cols, once = 0;
  float inv = 1.0f / (float)w->planned;
  for (uint32_t j = 0; j < f->n; j++) {
    uint32_t t = touch[j];
    if ((t & TOUCH_FIRST) && (t & TOUCH_LAST)) {
      plan->once_idx[once] = idx[j];
      if (f->value) plan->once_val[once] = f->value[j];
      once++;
      continue;
    }
    float *v = a->vals + (size_t)(t & TOUCH_SUM) * cols, x = f->value ? s * f->value[j] : s;
    if (t & TOUCH_FIRST)
      for (uint32_t c = 0; c < cols; c++) v[c] = x * dy[c];
    else
      vec_axpy(cols, x, dy, v);
    if (t & TOUCH_LAST) rule_step(rule, param_row(p, idx[j]), inv, v, cols, idx[j], w->tmp);
  }
  const vfl_features rows = {.index = plan->once_idx, .value = f->value ? plan->once_val : NULL, .n = once};
  if (once) rule_step_sparse(rule, p, &rows, inv * s, dy, w->tmp);
}

/* Gradient (scale * value_j) * dy for every row a sparse parent's features pick. */
VFL_HOGWILD static inline void sparse_rows_gradient(vfl_work *w, uint32_t li, uint32_t b, const vfl_features *f, float s,
                                                   const float *dy) {
  if (w->batch <= 1) {
    rule_step_sparse(&w->rule[li][b], &w->net->layers[li].blocks[b], f, s, dy, w->tmp);
    return;
  }
  const vfl_param *p = &w->net->layers[li].blocks[b];
  const uint32_t *idx = f->index;
  if (p->cols == 1) { /* an add into each row forward has just read, and the list in one copy */
    vfl_touched *t = &w->touched[li][b];
    float *sum = param_sum(p, 0), g = s * dy[0];
    size_t stride = p->stride;
    if (f->value)
      for (uint32_t j = 0; j < f->n; j++) sum[idx[j] * stride] += (s * f->value[j]) * dy[0];
    else
      for (uint32_t j = 0; j < f->n; j++) sum[idx[j] * stride] += g;
    memcpy(t->rows + t->n, idx, f->n * sizeof *idx);
    t->n += f->n;
    return;
  }
  vfl_accum *a = &w->acc[li][b];
  if (a->plan && w->planned) {
    rows_gradient_at_last(w, a, &w->rule[li][b], p, f, s, dy);
    return;
  }
  /* A large batch's table is larger than the caches: every slot the row
  ** needs is asked for first, so that their cache misses overlap. */
  if (a->mask >= ACCUM_PREFETCH_SLOTS)
    for (uint32_t j = 0; j < f->n; j++) __builtin_prefetch(&a->table[accum_home(a, idx[j])], 1);
  for (uint32_t j = 0; j < f->n; j++) accum_add(a, idx[j], f->value ? s * f->value[j] : s, dy);
}

#endif
