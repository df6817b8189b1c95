/*
** backward.c -- backpropagation for one example (each layer, in reverse
** order, through its kind's backward), and the mini-batch step: row
** gradients summed in a block's accumulator (work_grad.h) are applied,
** averaged, by work_flush_batch; only the rows the batch touched are visited.
*/
#include "layer.h"
#include "work_grad.h"

const float *work_accum_find(const vfl_work *w, uint32_t i, uint32_t b, uint32_t r) {
  if (!w->acc || !w->acc[i]) return NULL;
  const vfl_accum *a = &w->acc[i][b];
  const vfl_accum_slot *s = &a->table[accum_probe(a, r)];
  return s->key ? a->vals + (size_t)s->pos * a->cols : NULL;
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

/* Rows of a flush ahead of the one being updated whose parameters are
** asked for early: the touched rows are scattered over the block, and a
** large batch's are no longer in cache. */
#define FLUSH_PREFETCH 8

/* Applies the mean gradient of every row the batch touched in one block,
** in the order the batch first touched them, and empties the table. */
VFL_HOGWILD static void flush_block(vfl_accum *a, const vfl_rule *rule, const vfl_param *p, float inv, float *tmp) {
  uint32_t n = a->n_used, cols = a->cols;
  for (uint32_t k = 0; k < n; k++) {
    if (k + FLUSH_PREFETCH < n) __builtin_prefetch(param_row(p, a->rows[k + FLUSH_PREFETCH]), 1);
    uint32_t r = a->rows[k];
    rule_step(rule, param_row(p, r), inv, a->vals + (size_t)k * cols, cols, r, tmp);
    a->table[a->slots[k]].key = 0;
  }
  a->n_used = 0;
}

VFL_HOGWILD void work_flush_batch(vfl_work *w) {
  if (w->batch <= 1 || !w->in_batch) return;
  work_begin_step(w);
  float inv = 1.0f / (float)w->in_batch;
  for (uint32_t i = 0; i < w->net->n_layers; i++) {
    vfl_layer *l = &w->net->layers[i];
    for (uint32_t b = 0; b < l->n_blocks; b++) flush_block(&w->acc[i][b], &w->rule[i][b], &l->blocks[b], inv, w->tmp);
  }
  w->in_batch = 0;
}
