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
  uint32_t h = accum_probe(a, r);
  return a->keys[h] ? a->vals + (size_t)h * a->cols : NULL;
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

VFL_HOGWILD void work_flush_batch(vfl_work *w) {
  if (w->batch <= 1 || !w->in_batch) return;
  work_begin_step(w);
  float inv = 1.0f / (float)w->in_batch;
  for (uint32_t i = 0; i < w->net->n_layers; i++) {
    vfl_layer *l = &w->net->layers[i];
    if (!l->n_blocks) continue;
    for (uint32_t b = 0; b < l->n_blocks; b++) {
      vfl_accum *a = &w->acc[i][b];
      const vfl_rule *rule = &w->rule[i][b];
      for (uint32_t u = 0; u < a->n_used; u++) {
        uint32_t h = a->used[u], r = a->keys[h] - 1;
        rule_step(rule, param_row(&l->blocks[b], r), inv, a->vals + (size_t)h * a->cols, a->cols, r, w->tmp);
        a->keys[h] = 0;
      }
      a->n_used = 0;
    }
  }
  w->in_batch = 0;
}
