/*
** backward.c -- backpropagation for one example (each layer, in reverse
** order, through its kind's backward), and the mini-batch step: row
** gradients summed in a block's grad_sum (work_grad.h) are applied,
** averaged, by work_flush_batch, which visits only the rows the batch
** touched (or, for a block no sparse feature picks, sweeps the block).
*/
#include "layer.h"
#include "work_grad.h"

const float *work_accum_find(const vfl_work *w, uint32_t i, uint32_t b, uint32_t r) {
  if (!w->touched || !w->touched[i]) return NULL;
  const vfl_param *p = &w->net->layers[i].blocks[b];
  return p->grad_sum + (size_t)r * p->cols;
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

/* Rows of a flush ahead of the one being updated whose parameters and sums
** are asked for early: the touched rows are scattered over the block, and a
** large batch's are no longer in cache. */
#define FLUSH_PREFETCH 8

/* Takes row r's sum out of the block (leaving zeros) into g; 0 when there
** is none: a row touched twice is listed twice and applied once, and a row
** whose gradients summed to exactly zero is left alone, as an untouched one
** (lazy updates: a prior's pull or ADAM's momentum waits for a real
** gradient). */
VFL_HOGWILD static int take_sum(float *sum, uint32_t cols, float *g) {
  int any = 0;
  for (uint32_t j = 0; j < cols; j++) {
    g[j] = sum[j];
    any |= sum[j] != 0.0f;
  }
  if (any) vec_zero(cols, sum);
  return any;
}

/* Applies the mean gradient of one row, if it has one pending. */
VFL_HOGWILD static inline void flush_row(const vfl_rule *rule, const vfl_param *p, uint32_t r, float inv, float *g,
                                         float *tmp) {
  uint32_t cols = p->cols;
  float *sum = p->grad_sum + (size_t)r * cols;
  if (cols == 1) { /* logistic regression: no loop, no call */
    float g0 = sum[0];
    if (g0 == 0.0f) return;
    sum[0] = 0.0f;
    rule_step(rule, param_row(p, r), inv, &g0, 1, r, tmp);
    return;
  }
  if (take_sum(sum, cols, g)) rule_step(rule, param_row(p, r), inv, g, cols, r, tmp);
}

/* Applies the mean gradient of every row the batch touched in one block, in
** the order it first touched them, and empties the list. */
VFL_HOGWILD static void flush_block(vfl_touched *t, const vfl_rule *rule, const vfl_param *p, float inv, float *g,
                                    float *tmp) {
  if (t->sweep) {
    for (uint32_t r = 0; r < p->rows; r++) flush_row(rule, p, r, inv, g, tmp);
    return;
  }
  const uint32_t *rows = t->rows;
  uint32_t n = t->n;
  for (uint32_t k = 0; k < n; k++) {
    if (k + FLUSH_PREFETCH < n) {
      __builtin_prefetch(param_row(p, rows[k + FLUSH_PREFETCH]), 1);
      __builtin_prefetch(p->grad_sum + (size_t)rows[k + FLUSH_PREFETCH] * p->cols, 1);
    }
    flush_row(rule, p, rows[k], inv, g, tmp);
  }
  t->n = 0;
}

VFL_HOGWILD void work_flush_batch(vfl_work *w) {
  if (w->batch <= 1 || !w->in_batch) return;
  work_begin_step(w);
  float inv = 1.0f / (float)w->in_batch;
  for (uint32_t i = 0; i < w->net->n_layers; i++) {
    vfl_layer *l = &w->net->layers[i];
    for (uint32_t b = 0; b < l->n_blocks; b++)
      flush_block(&w->touched[i][b], &w->rule[i][b], &l->blocks[b], inv, w->gsum, w->tmp);
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
      for (uint32_t k = 0; k < n; k++) vec_zero(p->cols, p->grad_sum + (size_t)(t->sweep ? k : t->rows[k]) * p->cols);
      t->n = 0;
    }
  }
  w->in_batch = 0;
}
