/*
** backward.c -- backpropagation for one example, and the mini-batch step.
**
** With batch 1 a parameter row is updated the moment its gradient is known
** (no buffer, no second pass: the fastest form for sparse data). With a
** larger batch, row gradients are summed in the block's accumulator and
** applied, averaged, by work_flush_batch; only the rows the batch touched
** are visited.
*/
#include <math.h>
#include <string.h>

#include "vec.h"
#include "work.h"

#define SELU_ALPHA 1.6732632423543772f
#define SELU_SCALE 1.0507009873554805f

static uint32_t accum_probe(const vfl_accum *a, uint32_t row) {
  uint32_t h = (uint32_t)(((uint64_t)row * 0x9E3779B97F4A7C15ull) >> 40) & a->mask;
  while (a->keys[h] && a->keys[h] != row + 1) h = (h + 1) & a->mask;
  return h;
}

const float *work_accum_find(const vfl_work *w, uint32_t i, uint32_t b, uint32_t r) {
  if (!w->acc || !w->acc[i]) return NULL;
  const vfl_accum *a = &w->acc[i][b];
  uint32_t h = accum_probe(a, r);
  return a->keys[h] ? a->vals + (size_t)h * a->cols : NULL;
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

/* Gradient a * dy for row r of block b: applied now, or accumulated. */
VFL_HOGWILD static void row_gradient(vfl_work *w, uint32_t li, uint32_t b, uint32_t r, float a, const float *dy) {
  vfl_layer *l = &w->net->layers[li];
  uint32_t cols = l->dim;
  if (w->batch > 1) {
    accum_add(&w->acc[li][b], r, a, dy);
    return;
  }
  rule_step(&w->rule[li][b], param_row(&l->blocks[b], r), a, dy, cols, r, w->tmp);
}

VFL_HOGWILD static void linear_backward(vfl_work *w, uint32_t li, const float *dy) {
  vfl_layer *l = &w->net->layers[li];
  uint32_t cols = l->dim;
  for (uint32_t p = 0; p < l->n_parents; p++) {
    uint32_t pi = l->parents[p];
    const vfl_layer *parent = &w->net->layers[pi];
    const vfl_param *blk = &l->blocks[p];
    if (parent->sparse_out) {
      const vfl_features *f = &w->feat[pi];
      float s = l->spec.mean && f->n ? 1.0f / (float)f->n : 1.0f;
      if (w->batch <= 1) {
        rule_step_sparse(&w->rule[li][p], blk, f, s, dy, w->tmp);
      } else {
        vfl_accum *a = &w->acc[li][p];
        for (uint32_t j = 0; j < f->n; j++) accum_add(a, f->index[j], f->value ? s * f->value[j] : s, dy);
      }
      continue;
    }
    const float *x = w->act[pi];
    float *gx = parent->needs_grad ? w->grad[pi] : NULL;
    for (uint32_t r = 0; r < blk->rows; r++) {
      if (gx) gx[r] += vec_dot(cols, param_row(blk, r), dy); /* before the row moves */
      if (x[r] != 0.0f) row_gradient(w, li, p, r, x[r], dy);
    }
  }
  if (l->spec.intercept) row_gradient(w, li, l->n_parents, 0, 1.0f, dy);
}

static void activation_backward(const vfl_layer *l, const float *y, const float *dy, float *gx, const float *mask) {
  uint32_t n = l->dim;
  switch (l->spec.kind) {
    case VFL_LAYER_RELU:
      for (uint32_t i = 0; i < n; i++) gx[i] += y[i] > 0 ? dy[i] : 0.0f;
      break;
    case VFL_LAYER_TANH:
      for (uint32_t i = 0; i < n; i++) gx[i] += dy[i] * (1.0f - y[i] * y[i]);
      break;
    case VFL_LAYER_SIGMOID:
      for (uint32_t i = 0; i < n; i++) gx[i] += dy[i] * y[i] * (1.0f - y[i]);
      break;
    case VFL_LAYER_SELU: /* below 0, y = s*a*(e^x - 1), so dy/dx = y + s*a */
      for (uint32_t i = 0; i < n; i++) gx[i] += dy[i] * (y[i] > 0 ? SELU_SCALE : y[i] + SELU_SCALE * SELU_ALPHA);
      break;
    default: /* DROPOUT */
      for (uint32_t i = 0; i < n; i++) gx[i] += dy[i] * mask[i];
  }
}

void work_backward(vfl_work *w) {
  const vfl_net *net = w->net;
  for (uint32_t i = 0; i < net->n_layers; i++)
    if (w->grad[i] && i != net->output) vec_zero(net->layers[i].dim, w->grad[i]);
  for (uint32_t k = net->n_layers; k-- > 0;) {
    uint32_t i = net->order[k];
    const vfl_layer *l = &net->layers[i];
    if (!l->needs_grad) continue;
    if (l->spec.kind == VFL_LAYER_LINEAR) linear_backward(w, i, w->grad[i]);
    else if (l->spec.kind != VFL_LAYER_INPUT && l->spec.kind != VFL_LAYER_CROSS)
      activation_backward(l, w->act[i], w->grad[i], w->grad[l->parents[0]], w->mask[i]);
  }
}

void work_begin_step(vfl_work *w) {
  for (uint32_t i = 0; i < w->net->n_layers; i++)
    for (uint32_t b = 0; w->rule[i] && b < w->net->layers[i].n_blocks; b++)
      if (w->rule[i][b].kind == VFL_OPTIM_ADAM) rule_begin_step(&w->rule[i][b]); /* a no-op for the others */
}

VFL_HOGWILD void work_flush_batch(vfl_work *w) {
  if (w->batch <= 1 || !w->in_batch) return;
  work_begin_step(w);
  float inv = 1.0f / (float)w->in_batch;
  for (uint32_t i = 0; i < w->net->n_layers; i++) {
    vfl_layer *l = &w->net->layers[i];
    if (!net_is_linear(l)) continue;
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
