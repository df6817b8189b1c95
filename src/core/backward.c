/*
** backward.c -- backpropagation for one example (each layer, in reverse
** order, through its kind's backward), and the mini-batch step: row
** gradients summed in the rows (one-column blocks) or a block's accumulator
** (work_grad.h) are applied, averaged, by work_flush_batch; only the rows
** the batch touched are visited, except in a block no sparse feature picks,
** which is swept.
*/
#include "layer.h"
#include "work_grad.h"

const float *work_accum_find(const vfl_work *w, uint32_t i, uint32_t b, uint32_t r) {
  if (!w->acc || !w->acc[i]) return NULL;
  const vfl_param *p = &w->net->layers[i].blocks[b];
  if (p->cols == 1) return param_sum(p, r);
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
  for (uint32_t k = 0; w->planned && k < net->n_inputs; k++) /* where the next example's touches start */
    if (net->layers[net->inputs[k]].sparse_out) w->touches[net->inputs[k]] += w->feat[net->inputs[k]].n;
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

/* Empties a block's table (its rows are applied, or dropped), and gives
** back the whole of it to the next batch (a planned one used a part). */
static void accum_clear(vfl_accum *a) {
  for (uint32_t k = 0; k < a->n_used; k++) a->table[a->slots[k]].key = 0;
  a->n_used = 0;
  a->mask = a->full_mask;
}

/* Applies the mean gradient of every row the batch touched in one block,
** in the order the batch first touched them, and empties the table (a
** planned batch has applied them already, at each row's last touch). */
VFL_HOGWILD static void flush_block(vfl_work *w, vfl_accum *a, const vfl_rule *rule, const vfl_param *p, float inv,
                                    float *tmp) {
  uint32_t n = a->n_used, cols = a->cols;
  if (a->plan && w->planned) {
    accum_clear(a);
    return;
  }
  for (uint32_t k = 0; k < n; k++) {
    if (k + FLUSH_PREFETCH < n) __builtin_prefetch(param_row(p, a->rows[k + FLUSH_PREFETCH]), 1);
    uint32_t r = a->rows[k];
    rule_step(rule, param_row(p, r), inv, a->vals + (size_t)k * cols, cols, r, tmp);
  }
  accum_clear(a);
}

/* Touches of a one-column block taken out per call of the optimizer's
** sparse step: few enough that their rows are still in L1 when it runs. */
#define FLUSH_CHUNK 64

/* The one-column rows a batch touched: their sums are taken out (leaving
** zeros), a chunk at a time, into a list of (row, sum) which the optimizer's
** sparse step applies as it does a row's features. A row listed twice has
** its sum applied once; a row whose gradients summed to exactly zero is
** left alone, as an untouched one (lazy updates: a prior's pull or ADAM's
** momentum waits for a gradient). */
VFL_HOGWILD static void flush_column(vfl_touched *t, const vfl_rule *rule, const vfl_param *p, float inv, float *tmp) {
  uint32_t *rows = t->rows, n = t->sweep ? p->rows : t->n;
  float *sums = t->sums, *data = param_sum(p, 0);
  size_t stride = p->stride;
  const float one = 1.0f;
  if (t->sweep) { /* a bias or a dense parent's few rows: in place */
    for (uint32_t r = 0; r < n; r++) {
      float g = data[r * stride];
      if (g == 0.0f) continue;
      data[r * stride] = 0.0f;
      rule_step(rule, param_row(p, r), inv, &g, 1, r, tmp);
    }
    return;
  }
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
  t->n = 0;
}

VFL_HOGWILD void work_flush_batch(vfl_work *w) {
  if (w->batch <= 1 || !w->in_batch) return;
  if (!w->planned) work_begin_step(w);
  float inv = 1.0f / (float)w->in_batch;
  for (uint32_t i = 0; i < w->net->n_layers; i++) {
    vfl_layer *l = &w->net->layers[i];
    for (uint32_t b = 0; b < l->n_blocks; b++) {
      if (l->blocks[b].cols == 1) flush_column(&w->touched[i][b], &w->rule[i][b], &l->blocks[b], inv, w->tmp);
      else flush_block(w, &w->acc[i][b], &w->rule[i][b], &l->blocks[b], inv, w->tmp);
    }
  }
  w->in_batch = 0;
  w->planned = 0;
}

VFL_HOGWILD void work_discard_batch(vfl_work *w) {
  if (w->batch <= 1) return;
  for (uint32_t i = 0; i < w->net->n_layers; i++) {
    vfl_layer *l = &w->net->layers[i];
    for (uint32_t b = 0; b < l->n_blocks; b++) {
      const vfl_param *p = &l->blocks[b];
      vfl_touched *t = &w->touched[i][b];
      if (p->cols > 1) {
        accum_clear(&w->acc[i][b]);
        continue;
      }
      for (uint32_t k = 0; k < (t->sweep ? p->rows : t->n); k++) *param_sum(p, t->sweep ? k : t->rows[k]) = 0.0f;
      t->n = 0;
    }
  }
  w->in_batch = 0;
  w->planned = 0;
}
