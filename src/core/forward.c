/*
** forward.c -- computing every layer's output for one example.
*/
#include <math.h>
#include <string.h>

#include "vec.h"
#include "work.h"

#define SELU_ALPHA 1.6732632423543772f
#define SELU_SCALE 1.0507009873554805f

void work_bind_input(vfl_work *w, uint32_t k, const vfl_features *f) {
  uint32_t i = w->net->inputs[k];
  if (w->net->layers[i].sparse_out) w->feat[i] = *f;
  else w->act[i] = (float *)f->value; /* read only: inputs get no gradient */
}

/* Scale of a sparse parent's rows: 1, or 1/n for an embedding bag mean. */
static float bag_scale(const vfl_layer *l, uint32_t n) { return l->spec.mean && n ? 1.0f / (float)n : 1.0f; }

/* acc + the sum of (scale * value_j) * data[index_j * stride]: the
** one-column sparse forward (logistic regression), summed in a register in a
** scalar loop (see VEC_SCALAR_LOOPS). */
VFL_HOGWILD VEC_SCALAR_LOOPS static float gather_sum(const float *data, size_t stride, const vfl_features *f, float scale,
                                         float acc) {
  const uint32_t *idx = f->index;
  const float *val = f->value;
  uint32_t n = f->n;
  if (val)
    for (uint32_t j = 0; j < n; j++) acc += (scale * val[j]) * data[idx[j] * stride];
  else
    for (uint32_t j = 0; j < n; j++) acc += scale * data[idx[j] * stride];
  return acc;
}

/* y += the rows of blk picked by the sparse features f, each times
** scale * value; indicator rows need no multiplication. */
VFL_HOGWILD static void sparse_forward(const vfl_param *blk, const vfl_features *f, float scale, uint32_t cols, float *y) {
  const float *data = blk->data;
  const uint32_t *idx = f->index;
  const float *val = f->value;
  size_t stride = blk->stride;
  uint32_t n = f->n;
  if (cols == 1) y[0] = gather_sum(data, stride, f, scale, y[0]);
  else if (val)
    for (uint32_t j = 0; j < n; j++) vec_axpy(cols, scale * val[j], data + idx[j] * stride, y);
  else if (scale == 1.0f)
    for (uint32_t j = 0; j < n; j++) vec_add(cols, data + idx[j] * stride, y);
  else
    for (uint32_t j = 0; j < n; j++) vec_axpy(cols, scale, data + idx[j] * stride, y);
}

/* y += x * blk for a dense parent x, skipping its zeros (ReLU makes many). */
VFL_HOGWILD static void dense_forward(const vfl_param *blk, const float *x, uint32_t cols, float *y) {
  if (cols == 1) {
    float acc = y[0];
    for (uint32_t r = 0; r < blk->rows; r++)
      if (x[r] != 0.0f) acc += x[r] * param_row(blk, r)[0];
    y[0] = acc;
    return;
  }
  for (uint32_t r = 0; r < blk->rows; r++)
    if (x[r] != 0.0f) vec_axpy(cols, x[r], param_row(blk, r), y);
}

VFL_HOGWILD static void linear_forward(vfl_work *w, const vfl_layer *l, float *y) {
  uint32_t cols = l->dim;
  if (l->spec.intercept && cols == 1) y[0] = param_row(&l->blocks[l->n_parents], 0)[0]; /* no libc call per example */
  else if (l->spec.intercept) memcpy(y, param_row(&l->blocks[l->n_parents], 0), cols * sizeof(float));
  else vec_zero(cols, y);
  for (uint32_t p = 0; p < l->n_parents; p++) {
    uint32_t pi = l->parents[p];
    const vfl_param *blk = &l->blocks[p];
    if (w->net->layers[pi].sparse_out) {
      const vfl_features *f = &w->feat[pi];
      sparse_forward(blk, f, bag_scale(l, f->n), cols, y);
    } else {
      dense_forward(blk, w->act[pi], cols, y);
    }
  }
}

static void dropout_forward(vfl_work *w, uint32_t n, const float *x, float *y, float *mask, float rate) {
  if (!w->training || rate == 0.0f) {
    memcpy(y, x, n * sizeof(float));
    for (uint32_t i = 0; i < n; i++) mask[i] = 1.0f;
    return;
  }
  float keep = 1.0f / (1.0f - rate); /* inverted dropout: no rescaling at inference */
  for (uint32_t i = 0; i < n; i++) {
    mask[i] = vfl_rng_uniform(&w->rng) < rate ? 0.0f : keep;
    y[i] = x[i] * mask[i];
  }
}

/* The hash of a pair of grouped ids, folded into the cross layer's space. */
static uint32_t cross_id(uint32_t a, uint32_t b, uint32_t mask) {
  uint64_t h = ((uint64_t)a << 32 | b) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  return (uint32_t)(h >> 32) & mask;
}

static uint32_t single_id(uint32_t a, uint32_t mask) { return cross_id(a, 0xFFFFFFFFu, mask); }

/* Emits every feature of the grouped parent, and for each pair (a, b) of
** groups the product of every feature of group a with every one of group b. */
static void cross_forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  const vfl_features *in = &w->feat[l->parents[0]];
  uint32_t mask = l->dim - 1, n = 0;
  uint32_t *idx = w->xidx[i];
  float *val = w->xval[i];
  for (uint32_t j = 0; j < in->n; j++) {
    idx[n] = single_id(in->index[j], mask);
    val[n++] = in->value ? in->value[j] : 1.0f;
  }
  for (uint32_t c = 0; c < l->spec.n_crosses; c++) {
    uint32_t ga = l->crosses[2 * c], gb = l->crosses[2 * c + 1];
    for (uint32_t a = 0; a < in->n; a++) {
      if (in->index[a] >> 24 != ga) continue;
      for (uint32_t b = 0; b < in->n; b++) {
        if (in->index[b] >> 24 != gb || (ga == gb && b <= a)) continue;
        idx[n] = cross_id(in->index[a], in->index[b], mask);
        val[n++] = (in->value ? in->value[a] * in->value[b] : 1.0f);
      }
    }
  }
  w->feat[i].n = n;
  w->feat[i].index = idx;
  w->feat[i].value = val;
}

static void activation_forward(int kind, uint32_t n, const float *x, float *y) {
  switch (kind) {
    case VFL_LAYER_RELU:
      for (uint32_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.0f;
      break;
    case VFL_LAYER_TANH:
      for (uint32_t i = 0; i < n; i++) y[i] = tanhf(x[i]);
      break;
    case VFL_LAYER_SIGMOID:
      for (uint32_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
      break;
    default: /* SELU */
      for (uint32_t i = 0; i < n; i++) y[i] = x[i] > 0 ? SELU_SCALE * x[i] : SELU_SCALE * SELU_ALPHA * expm1f(x[i]);
  }
}

void work_forward(vfl_work *w) {
  const vfl_net *net = w->net;
  for (uint32_t k = 0; k < net->n_layers; k++) {
    uint32_t i = net->order[k];
    const vfl_layer *l = &net->layers[i];
    switch (l->spec.kind) {
      case VFL_LAYER_INPUT:
        break;
      case VFL_LAYER_LINEAR:
        linear_forward(w, l, w->act[i]);
        break;
      case VFL_LAYER_CROSS:
        cross_forward(w, l, i);
        break;
      case VFL_LAYER_DROPOUT:
        dropout_forward(w, l->dim, w->act[l->parents[0]], w->act[i], w->mask[i], l->spec.rate);
        break;
      default:
        activation_forward(l->spec.kind, l->dim, w->act[l->parents[0]], w->act[i]);
    }
  }
}
