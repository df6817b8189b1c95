/*
** backward.c -- backpropagation for one example (each layer, in reverse
** order, through its kind's backward), and the mini-batch step: row
** gradients summed in the rows (param_sum, work_grad.h) are applied,
** averaged, by work_flush_batch, which visits only the rows the batch
** touched (or, for a block no sparse feature picks, sweeps the block).
*/
#include "layer.h"
#include "work_grad.h"

const float *work_accum_find(const vfl_work *w, uint32_t i, uint32_t b, uint32_t r) {
  if (!w->touched || !w->touched[i]) return NULL;
  return param_sum(&w->net->layers[i].blocks[b], r);
}

void work_backward(vfl_work *w) {
  const vfl_net *net = w->net;
  for (uint32_t i = 0; i < net->n_layers; i++)
    if (w->grad[i] && i != net->output) vec_zero(net->layers[i].dim, w->grad[i]);
  for (uint32_t k = net->n_layers; k-- > 0;) {
    uint32_t i = net->order[k];
    const vfl_layer *l = &net->layers[i];
    if (l->needs_grad) l->ops->backward(w, i);
  }
}

void work_begin_step(vfl_work *w) {
  for (uint32_t i = 0; i < w->net->n_layers; i++)
    for (uint32_t b = 0; w->rule[i] && b < w->net->layers[i].n_blocks; b++)
      if (w->rule[i][b].ops->begin_step) rule_begin_step(&w->rule[i][b]); /* ADAM: bias corrections */
}

/* Rows of a flush ahead of the one being updated whose parameters are asked
** for early: a large batch's touched rows are no longer in cache. */
#define FLUSH_PREFETCH 8

/* Whether row r has a sum pending. A row touched twice is listed twice and
** applied once; a row whose gradients summed to exactly zero is left alone,
** as an untouched one (lazy updates: a prior's pull or ADAM's momentum waits
** for a real gradient). */
static inline int sum_pending(const float *sum, uint32_t cols) {
  for (uint32_t j = 0; j < cols; j++)
    if (sum[j] != 0.0f) return 1; /* a pending row: almost always at j = 0 */
  return 0;
}

/* Applies the mean gradient of row r, if it has one, and zeroes its sum. */
VFL_HOGWILD static inline void flush_row(const vfl_rule *rule, const vfl_param *p, uint32_t r, float inv, float *tmp) {
  float *sum = param_sum(p, r);
  if (!sum_pending(sum, p->cols)) return;
  rule_step(rule, param_row(p, r), inv, sum, p->cols, r, tmp);
  vec_zero(p->cols, sum);
}

/* Touches of a one-column block taken out per call of the optimizer's
** sparse step: few enough that their rows are still in L1 when it runs. */
#define FLUSH_CHUNK 64

/* One-column rows (logistic regression): the touched rows' sums are taken
** out, a chunk at a time, into a list of (row, sum), repeats and zeros
** dropped, which the optimizer's sparse step applies in one loop, as it does
** a row's features. */
VFL_HOGWILD static void flush_column(vfl_touched *t, const vfl_rule *rule, const vfl_param *p, float inv, float *tmp) {
  uint32_t *rows = t->rows, n = t->n;
  float *sums = t->sums, *data = p->data + 1 + p->n_state;
  size_t stride = p->stride;
  const float one = 1.0f;
  for (uint32_t k0 = 0; k0 < n; k0 += FLUSH_CHUNK) {
    uint32_t end = n - k0 < FLUSH_CHUNK ? n : k0 + FLUSH_CHUNK, m = k0;
    for (uint32_t k = k0; k < end; k++) {
      if (k + FLUSH_PREFETCH < n) __builtin_prefetch(data + rows[k + FLUSH_PREFETCH] * stride, 1);
      uint32_t r = rows[k];
      float g = data[r * stride];
      data[r * stride] = 0.0f;
      rows[m] = r; /* m <= k: the chunk is compacted in place */
      sums[m] = g;
      m += g != 0.0f;
    }
    rule_step_sparse(rule, p, &(vfl_features){.index = rows + k0, .value = sums + k0, .n = m - k0}, inv, &one, tmp);
  }
}

/* Applies the mean gradient of every row the batch touched in one block, in
** the order it first touched them, and empties the list. */
VFL_HOGWILD static void flush_block(vfl_touched *t, const vfl_rule *rule, const vfl_param *p, float inv, float *tmp) {
  if (t->sweep) {
    for (uint32_t r = 0; r < p->rows; r++) flush_row(rule, p, r, inv, tmp);
    return;
  }
  if (p->cols == 1) {
    flush_column(t, rule, p, inv, tmp);
  } else {
    for (uint32_t k = 0; k < t->n; k++) {
      if (k + FLUSH_PREFETCH < t->n) __builtin_prefetch(param_row(p, t->rows[k + FLUSH_PREFETCH]), 1);
      flush_row(rule, p, t->rows[k], inv, tmp);
    }
  }
  t->n = 0;
}

VFL_HOGWILD void work_flush_batch(vfl_work *w) {
  if (w->batch <= 1 || !w->in_batch) return;
  work_begin_step(w);
  float inv = 1.0f / (float)w->in_batch;
  for (uint32_t i = 0; i < w->net->n_layers; i++) {
    vfl_layer *l = &w->net->layers[i];
    for (uint32_t b = 0; b < l->n_blocks; b++) flush_block(&w->touched[i][b], &w->rule[i][b], &l->blocks[b], inv, w->tmp);
  }
  w->in_batch = 0;
}

VFL_HOGWILD void work_discard_batch(vfl_work *w) {
  if (w->batch <= 1) return;
  for (uint32_t i = 0; i < w->net->n_layers; i++) {
    vfl_layer *l = &w->net->layers[i];
    for (uint32_t b = 0; b < l->n_blocks; b++) {
      vfl_touched *t = &w->touched[i][b];
      const vfl_param *p = &l->blocks[b];
      uint32_t n = t->sweep ? p->rows : t->n;
      for (uint32_t k = 0; k < n; k++) vec_zero(p->cols, param_sum(p, t->sweep ? k : t->rows[k]));
      t->n = 0;
    }
  }
  w->in_batch = 0;
}
