/*
** fm.c -- a second-order factorization machine (Rendle, ICDM 2010) over one
** sparse or grouped parent, one output:
**
**   y = w0 + sum_i w_i x_i + sum_{i<j} <v_i, v_j> x_i x_j
**
** The pairs are summed as 0.5 * sum_f [(sum_i v_if x_i)^2 - sum_i (v_if x_i)^2],
** O(k * nnz), and the gradient of v_if is x_i (s_f - v_if x_i) with the
** sums s_f that forward leaves in the worker's scratch: O(k * nnz) too.
** Without the linear term ({linear = false}) only the pairs remain (no w0,
** no w_i), for summing with other branches. Pairs are over positions of
** the row: a feature id listed twice pairs with itself, as in the double
** loop over i < j.
*/
#include "fm_common.h"
#include "vec.h"
#include "work_grad.h"

static int check(const char *layer, const vfl_layer_spec *s) { return fm_check(layer, s); }

static int shape(const vfl_net *net, vfl_layer *l) { return fm_shape(net, l, 0); }

static uint32_t blocks(const vfl_net *net, const vfl_layer *l, layer_block *out) {
  return fm_blocks(net, l, fm_linear_cols(&l->spec) + l->spec.dim, out);
}

/* s (k), q (k: sum_i (v_if x_i)^2), then a row's gradient (cols). */
static uint32_t scratch(const vfl_net *net, const vfl_layer *l) {
  (void)net; return 2 * l->spec.dim + fm_linear_cols(&l->spec) + l->spec.dim; }

/* s_f += v_f x and q_f += (v_f x)^2: k independent lanes, vectorised. */
VFL_HOGWILD static inline void add_factors(uint32_t k, const float *restrict v, float x, float *restrict s,
                                           float *restrict q) {
  for (uint32_t f = 0; f < k; f++) {
    float t = v[f] * x;
    s[f] += t;
    q[f] += t * t;
  }
}

VFL_HOGWILD static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  const vfl_features *in = &w->feat[l->parents[0]];
  const vfl_param *blk = &l->blocks[0];
  uint32_t k = l->spec.dim, lin = fm_linear_cols(&l->spec), bits = l->spec.hash_bits;
  float *s = w->scratch[i], *q = s + k;
  vec_zero(2 * k, s);
  float y = lin ? param_row(&l->blocks[1], 0)[0] : 0.0f;
  for (uint32_t j = 0; j < in->n; j++) {
    const float *row = param_row(blk, fm_row(bits, in->index[j]));
    float x = in->value ? in->value[j] : 1.0f;
    if (lin) y += row[0] * x;
    add_factors(k, row + lin, x, s, q);
  }
  float pairs = 0.0f;
  for (uint32_t f = 0; f < k; f++) pairs += s[f] * s[f] - q[f];
  w->act[i][0] = y + 0.5f * pairs;
}

/* Row gradient g = [x, x (s_f - v_f x) for each f], times dy; then w0's. */
VFL_HOGWILD static void backward(vfl_work *w, uint32_t li) {
  const vfl_layer *l = &w->net->layers[li];
  const vfl_features *in = &w->feat[l->parents[0]];
  const vfl_param *blk = &l->blocks[0];
  uint32_t k = l->spec.dim, lin = fm_linear_cols(&l->spec), bits = l->spec.hash_bits;
  const float *s = w->scratch[li], *dy = w->grad[li];
  float *g = w->scratch[li] + 2 * k;
  for (uint32_t j = 0; j < in->n; j++) {
    uint32_t r = fm_row(bits, in->index[j]);
    const float *v = param_row(blk, r) + lin;
    float x = in->value ? in->value[j] : 1.0f;
    if (lin) g[0] = x;
    for (uint32_t f = 0; f < k; f++) g[lin + f] = x * (s[f] - v[f] * x);
    row_gradient(w, li, 0, r, dy[0], g);
  }
  if (lin) row_gradient(w, li, 1, 0, 1.0f, dy);
}

static int describe(const vfl_layer_spec *s, char *buf, size_t size) { return fm_describe("fm", s, buf, size); }

/* A sparse parent with and without the linear term; a grouped one hashed
** into 64 rows, and into 2 rows, so that its 5 features share rows (the
** gradients of a row picked twice must add up). */
static int example(uint32_t k, vfl_layer_spec *s, int *parent) {
  static const uint32_t bits[] = {0, 0, 6, 1};
  if (k >= 4) return 0;
  s->dim = 3;
  s->intercept = k != 1;
  s->hash_bits = bits[k];
  *parent = k < 2 ? LAYER_PARENT_SPARSE : LAYER_PARENT_GROUPED;
  return 1;
}

const layer_ops layer_fm = {
    .kind = VFL_LAYER_FM,
    .name = "fm",
    .check = check,
    .shape = shape,
    .forward = forward,
    .backward = backward,
    .describe = describe,
    .example = example,
    .blocks = blocks,
    .scratch = scratch,
    .save = fm_save,
    .load = fm_load,
};
