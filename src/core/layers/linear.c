/*
** linear.c -- y = b + sum over parents p of x_p W_p. One weight block per
** parent (rows = the parent's width, feature-major: a sparse feature picks
** one contiguous row), then the bias. Averaged rows (the `mean` flag of
** old) are the embedding kind's (embedding.c).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "layer.h"
#include "model_io.h"
#include "vec.h"
#include "vec_bag.h"
#include "work_grad.h"

static int check(const char *layer, const vfl_layer_spec *s) {
  if (s->dim == 0) return vfl_fail(VFL_EINVAL, "layer '%s': the dimension must be at least 1", layer);
  if (s->mean)
    return vfl_fail(VFL_EINVAL, "layer '%s': a linear layer no longer averages its rows (mean); use an embedding "
                    "layer (VFL_LAYER_EMBEDDING, pool VFL_POOL_MEAN)", layer);
  return VFL_OK;
}

void layer_linear_upgrade(vfl_layer_spec *s) {
  if (s->kind != VFL_LAYER_LINEAR || !s->mean) return;
  s->kind = VFL_LAYER_EMBEDDING;
  s->pool = VFL_POOL_MEAN;
  s->mean = 0;
}

static int shape(const vfl_net *net, vfl_layer *l) {
  (void)net;
  if (!l->n_parents) return vfl_fail(VFL_EINVAL, "layer '%s': a linear layer needs at least one parent", l->name);
  l->dim = l->spec.dim;
  l->sparse_out = 0;
  l->needs_grad = 1;
  return VFL_OK;
}

/* Sparse parents start small (most rows are seen rarely, and a row's scale
** should not depend on the feature space); dense parents use Glorot's
** uniform range; biases start at zero. */
uint32_t layer_linear_blocks(const vfl_net *net, const vfl_layer *l, layer_block *out) {
  for (uint32_t p = 0; out && p < l->n_parents; p++) {
    const vfl_layer *parent = &net->layers[l->parents[p]];
    float scale = parent->sparse_out ? 0.01f : sqrtf(6.0f / (float)(parent->dim + l->dim));
    out[p] = (layer_block){parent->dim, l->dim, scale, 0};
  }
  if (out && l->spec.intercept) out[l->n_parents] = (layer_block){1, l->dim, 0.0f, 1};
  return l->n_parents + (l->spec.intercept ? 1 : 0);
}

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
  else vec_bag_add(cols, data, stride, idx, val, n, scale, y);
}

/* y += x * blk for a dense parent x, skipping its zeros (ReLU makes many). */
VFL_HOGWILD void layer_dense_forward(const vfl_param *blk, const float *x, uint32_t cols, float *y) {
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

VFL_HOGWILD static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  float *y = w->act[i];
  uint32_t cols = l->dim;
  if (l->spec.intercept && cols == 1) y[0] = param_row(&l->blocks[l->n_parents], 0)[0]; /* no libc call per example */
  else if (l->spec.intercept) memcpy(y, param_row(&l->blocks[l->n_parents], 0), cols * sizeof(float));
  else vec_zero(cols, y);
  for (uint32_t p = 0; p < l->n_parents; p++) {
    uint32_t pi = l->parents[p];
    const vfl_param *blk = &l->blocks[p];
    if (w->net->layers[pi].sparse_out) {
      const vfl_features *f = &w->feat[pi];
      sparse_forward(blk, f, 1.0f, cols, y);
    } else {
      layer_dense_forward(blk, w->act[pi], cols, y);
    }
  }
}

/* The gradient of y += x * blk (block p, parent p dense): to x when its
** parent learns, and to the rows x does not zero. */
VFL_HOGWILD void layer_dense_backward(vfl_work *w, uint32_t li, uint32_t p, const float *dy) {
  const vfl_layer *l = &w->net->layers[li];
  uint32_t pi = l->parents[p], cols = l->dim;
  const vfl_param *blk = &l->blocks[p];
  const float *x = w->act[pi];
  float *gx = w->net->layers[pi].needs_grad ? w->grad[pi] : NULL;
  for (uint32_t r = 0; r < blk->rows; r++) {
    if (gx) gx[r] += vec_dot(cols, param_row(blk, r), dy); /* before the row moves */
    if (x[r] != 0.0f) row_gradient(w, li, p, r, x[r], dy);
  }
}

VFL_HOGWILD static void backward(vfl_work *w, uint32_t li) {
  const vfl_layer *l = &w->net->layers[li];
  const float *dy = w->grad[li];
  for (uint32_t p = 0; p < l->n_parents; p++) {
    uint32_t pi = l->parents[p];
    if (w->net->layers[pi].sparse_out) sparse_rows_gradient(w, li, p, &w->feat[pi], 1.0f, dy);
    else layer_dense_backward(w, li, p, dy);
  }
  if (l->spec.intercept) row_gradient(w, li, l->n_parents, 0, 1.0f, dy);
}

static int describe(const vfl_layer_spec *s, char *buf, size_t size) {
  return snprintf(buf, size, "linear(%u%s)", s->dim, s->intercept ? "" : ", no intercept");
}

/* Sparse features (repeated ones add up), a dense parent, both at once. */
static int example(uint32_t k, vfl_layer_spec *s, int *parent) {
  static const int parents[] = {LAYER_PARENT_SPARSE_REPEATS, LAYER_PARENT_DENSE, LAYER_PARENT_SPARSE_PAIR,
                                LAYER_PARENT_DENSE_PAIR};
  if (k >= sizeof parents / sizeof parents[0]) return 0;
  s->dim = 3;
  s->intercept = k % 2 == 0;
  *parent = parents[k];
  return 1;
}

static void save(model_writer *w, const vfl_layer_spec *s) {
  put_u32(w, s->dim);
  put_i32(w, s->intercept);
  put_i32(w, s->mean);
}

static int load(model_reader *r, vfl_layer_spec *s) {
  s->dim = get_u32(r);
  s->intercept = get_i32(r);
  s->mean = get_i32(r);
  layer_linear_upgrade(s); /* files of format 3 and before: an embedding bag */
  return r->bad ? VFL_EFORMAT : VFL_OK;
}

static int every_feature_grad(const vfl_layer *l) {
  (void)l;
  return 1;
}

const layer_ops layer_linear = {
    .kind = VFL_LAYER_LINEAR,
    .name = "linear",
    .check = check,
    .shape = shape,
    .forward = forward,
    .backward = backward,
    .describe = describe,
    .example = example,
    .every_feature_grad = every_feature_grad,
    .blocks = layer_linear_blocks,
    .save = save,
    .load = load,
};
