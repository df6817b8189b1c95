/*
** embedding.c -- an embedding bag (PyTorch's EmbeddingBag, fastText's
** hidden layer): one dim-wide row per feature of a sparse parent, times the
** feature's value, pooled over the row's features: their sum, mean (/ n),
** sqrtn (/ sqrt(n)), elementwise max, or wmean (/ the sum of the |values|),
** n counting every feature of the row (a repeated index counts, and adds,
** each time). wmean is fastText's mean over a text's tokens when the values
** are the words' counts, as the text readers give them. With several sparse
** parents each is pooled on its own and the pools are added, then the bias
** (intercept) when there is one. A dense parent is multiplied as by a
** linear layer (no pooling). Blocks are laid out as Linear's (block p:
** parent p's rows, then the bias), so a linear layer with mean = true from
** an older model file, whatever its parents, is this kind with the mean
** pool, bit for bit.
*/
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "layer.h"
#include "model_io.h"
#include "vec.h"
#include "vec_bag.h"
#include "work_grad.h"

static const char *const pool_names[] = {"sum", "mean", "sqrtn", "max", "wmean"}; /* VFL_POOL_* order */

static int known_pool(int pool) { return pool >= 0 && pool < (int)(sizeof pool_names / sizeof pool_names[0]); }

static const char *pool_name(int pool) { return known_pool(pool) ? pool_names[pool] : "?"; }

static int check(const char *layer, const vfl_layer_spec *s) {
  if (s->dim == 0) return vfl_fail(VFL_EINVAL, "layer '%s': the dimension must be at least 1", layer);
  if (!known_pool(s->pool))
    return vfl_fail(VFL_EINVAL, "layer '%s': unknown pooling %d (sum, mean, sqrtn, max or wmean)", layer, s->pool);
  return VFL_OK;
}

static int shape(const vfl_net *net, vfl_layer *l) {
  (void)net;
  if (!l->n_parents) return vfl_fail(VFL_EINVAL, "layer '%s': an embedding needs a sparse parent", l->name);
  l->dim = l->spec.dim;
  l->sparse_out = 0;
  l->needs_grad = 1;
  return VFL_OK;
}

/* The sum of a row's |values| (n when they are all 1), in double so that
** counts add exactly. Below FLT_MIN its reciprocal would overflow: such a
** row (no features, or values all 0) gets scale 0 and pools to 0, never NaN. */
static float weighted_mean_scale(const vfl_features *f) {
  double total = 0;
  if (!f->value) total = f->n;
  else
    for (uint32_t j = 0; j < f->n; j++) total += fabs((double)f->value[j]);
  return total >= FLT_MIN ? (float)(1.0 / total) : 0.0f;
}

float vfl_pool_scale(int pool, const vfl_features *f) {
  if (pool == VFL_POOL_WMEAN) return weighted_mean_scale(f);
  if (!f->n || pool == VFL_POOL_SUM || pool == VFL_POOL_MAX) return 1.0f;
  return pool == VFL_POOL_MEAN ? 1.0f / (float)f->n : 1.0f / sqrtf((float)f->n);
}

/* y += sum over j of (scale * value_j) * row(index_j): vec_bag.h's kernel,
** the same sums in the same order as one axpy per row, kept in registers. */
VFL_HOGWILD static void sum_rows(const vfl_param *blk, const vfl_features *f, float scale, uint32_t cols, float *y) {
  vec_bag_add(cols, blk->data, blk->stride, f->index, f->value, f->n, scale, y);
}

/* arg[c] = the position j whose value_j * row(index_j)[c] is largest (the
** first on a tie); n > 0. */
VFL_HOGWILD static void max_positions(const vfl_param *blk, const vfl_features *f, uint32_t cols, uint32_t *arg, float *best) {
  for (uint32_t j = 0; j < f->n; j++) {
    const float *row = param_row(blk, f->index[j]);
    float v = f->value ? f->value[j] : 1.0f;
    for (uint32_t c = 0; c < cols; c++) {
      float x = v * row[c];
      if (j == 0 || x > best[c]) {
        best[c] = x;
        arg[c] = j;
      }
    }
  }
}

/* The worker's scratch for max pooling (uses_mask = 2: 2 x dim floats): the
** winning positions, then their values (or the gradient sent to one row). */
static uint32_t *scratch_positions(vfl_work *w, uint32_t i) { return (uint32_t *)(void *)w->mask[i]; }
static float *scratch_values(vfl_work *w, const vfl_layer *l, uint32_t i) { return w->mask[i] + l->dim; }

VFL_HOGWILD static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  float *y = w->act[i];
  uint32_t cols = l->dim;
  if (l->spec.intercept) memcpy(y, param_row(&l->blocks[l->n_parents], 0), cols * sizeof(float));
  else vec_zero(cols, y);
  for (uint32_t p = 0; p < l->n_parents; p++) {
    const vfl_features *f = &w->feat[l->parents[p]];
    if (!w->net->layers[l->parents[p]].sparse_out) {
      layer_dense_forward(&l->blocks[p], w->act[l->parents[p]], cols, y);
    } else if (l->spec.pool != VFL_POOL_MAX) {
      sum_rows(&l->blocks[p], f, vfl_pool_scale(l->spec.pool, f), cols, y);
    } else if (f->n) {
      float *best = scratch_values(w, l, i);
      max_positions(&l->blocks[p], f, cols, scratch_positions(w, i), best);
      vec_add(cols, best, y);
    }
  }
}

/* The max pool's gradient reaches, in each column, only the row that won
** it: every winning position gets dy on its columns and 0 elsewhere. The
** winners are found again (before any row moves), not kept from forward:
** nothing is stored per example. */
VFL_HOGWILD static void max_backward(vfl_work *w, uint32_t li, uint32_t p, const vfl_features *f, const float *dy) {
  const vfl_layer *l = &w->net->layers[li];
  uint32_t cols = l->dim, *arg = scratch_positions(w, li);
  float *g = scratch_values(w, l, li);
  if (!f->n) return;
  max_positions(&l->blocks[p], f, cols, arg, g);
  for (uint32_t j = 0; j < f->n; j++) {
    int won = 0;
    for (uint32_t c = 0; c < cols; c++) {
      g[c] = arg[c] == j ? dy[c] : 0.0f;
      won |= arg[c] == j;
    }
    if (won) row_gradient(w, li, p, f->index[j], f->value ? f->value[j] : 1.0f, g);
  }
}

VFL_HOGWILD static void backward(vfl_work *w, uint32_t li) {
  const vfl_layer *l = &w->net->layers[li];
  const float *dy = w->grad[li];
  for (uint32_t p = 0; p < l->n_parents; p++) {
    const vfl_features *f = &w->feat[l->parents[p]];
    if (!w->net->layers[l->parents[p]].sparse_out) layer_dense_backward(w, li, p, dy);
    else if (l->spec.pool == VFL_POOL_MAX) max_backward(w, li, p, f, dy);
    else sparse_rows_gradient(w, li, p, f, vfl_pool_scale(l->spec.pool, f), dy);
  }
  if (l->spec.intercept) row_gradient(w, li, l->n_parents, 0, 1.0f, dy);
}

/* Sum, mean and the rest hand every feature over; max only its winners. */
static int every_feature_grad(const vfl_layer *l) { return l->spec.pool != VFL_POOL_MAX; }

static int describe(const vfl_layer_spec *s, char *buf, size_t size) {
  return snprintf(buf, size, "embedding(%u, %s%s)", s->dim, pool_name(s->pool), s->intercept ? ", bias" : "");
}

/* Every pool on a row that repeats indices (with and without a bias), max
** on a plain row, sum, max and wmean over two sparse parents, a dense
** parent. The rows' values are real and of both signs (so wmean's |values|
** differ from the values), and differ wherever indices differ, so that no
** two rows tie for a max. */
static int example(uint32_t k, vfl_layer_spec *s, int *parent) {
  static const int pools[] = {VFL_POOL_SUM,   VFL_POOL_MEAN, VFL_POOL_SQRTN, VFL_POOL_MAX,  VFL_POOL_WMEAN, VFL_POOL_WMEAN,
                              VFL_POOL_MAX,   VFL_POOL_SUM,  VFL_POOL_MAX,   VFL_POOL_WMEAN, VFL_POOL_MEAN};
  static const int parents[] = {LAYER_PARENT_SPARSE_REPEATS, LAYER_PARENT_SPARSE_REPEATS, LAYER_PARENT_SPARSE_REPEATS,
                                LAYER_PARENT_SPARSE_REPEATS, LAYER_PARENT_SPARSE_REPEATS, LAYER_PARENT_SPARSE_REPEATS,
                                LAYER_PARENT_SPARSE,         LAYER_PARENT_SPARSE_PAIR,    LAYER_PARENT_SPARSE_PAIR,
                                LAYER_PARENT_SPARSE_PAIR,    LAYER_PARENT_DENSE};
  if (k >= sizeof pools / sizeof pools[0]) return 0;
  s->dim = 3;
  s->pool = pools[k];
  s->intercept = k % 2 == 0;
  *parent = parents[k];
  return 1;
}

static void save(model_writer *w, const vfl_layer_spec *s) {
  put_u32(w, s->dim);
  put_i32(w, s->intercept);
  put_i32(w, s->pool);
}

static int load(model_reader *r, vfl_layer_spec *s) {
  s->dim = get_u32(r);
  s->intercept = get_i32(r);
  s->pool = get_i32(r);
  return r->bad ? VFL_EFORMAT : VFL_OK;
}

const layer_ops layer_embedding = {
    .kind = VFL_LAYER_EMBEDDING,
    .name = "embedding",
    .uses_mask = 2,
    .check = check,
    .shape = shape,
    .forward = forward,
    .backward = backward,
    .describe = describe,
    .example = example,
    .every_feature_grad = every_feature_grad,
    .blocks = layer_linear_blocks, /* rows start small as a linear layer's; the bias at 0 */
    .save = save,
    .load = load,
};
