/*
** ffm.c -- a field-aware factorization machine (Juan et al., RecSys 2016;
** libffm's model) over a grouped input whose groups are the fields. Each
** feature i keeps one k-vector per field, v_{i,b}; a pair of feature i in
** field a and feature j in field b uses <v_{i,b}, v_{j,a}>:
**
**   y = w0 + sum_i w_i x_i + sum_{i<j} <v_{i,f(j)}, v_{j,f(i)}> x_i x_j
**
** No sum-of-squares shortcut exists (each pair reads other vectors), so
** forward and backward are O(k * nnz^2), as in libffm. The linear term (w0,
** w_i) is on by default here (libffm has none; {linear = false} drops it).
** The fields are the groups below the parent's dimension: a grouped(n * 2^24)
** input has n fields, and a row holds [w_i, v_{i,0}, .., v_{i,n-1}].
** With one update per example (batch 1) a row moves as soon as its
** gradient is known, and later rows of the example see it moved: plain SGD
** order, as libffm's. A mini-batch accumulates the exact gradient.
*/
#include "fm_common.h"
#include "vec.h"
#include "work_grad.h"

#define FIELD_SHIFT 24u

static int check(const char *layer, const vfl_layer_spec *s) { return fm_check(layer, s); }

static int shape(const vfl_net *net, vfl_layer *l) { return fm_shape(net, l, 1); }

static uint32_t fields_of(uint32_t parent_dim) { return (uint32_t)(((uint64_t)parent_dim + (1u << FIELD_SHIFT) - 1) >> FIELD_SHIFT); }

static uint32_t cols_of(const vfl_net *net, const vfl_layer *l) {
  return fm_linear_cols(&l->spec) + fields_of(net->layers[l->parents[0]].dim) * l->spec.dim;
}

static uint32_t blocks(const vfl_net *net, const vfl_layer *l, layer_block *out) {
  return fm_blocks(net, l, cols_of(net, l), out);
}

/* A row's gradient: the block's columns (known once the blocks are). */
static uint32_t scratch(const vfl_net *net, const vfl_layer *l) { return cols_of(net, l); }

/* The field of feature j; ids never exceed the parent's dimension (the
** trainer and predict check), the clamp only keeps a stray id in the row. */
static inline uint32_t field(uint32_t id, uint32_t fields) {
  uint32_t f = id >> FIELD_SHIFT;
  return f < fields ? f : fields - 1;
}

typedef struct ffm_view {
  const vfl_param *blk;
  uint32_t k, lin, bits, fields;
} ffm_view;

static ffm_view view_of(const vfl_layer *l) {
  const vfl_param *blk = &l->blocks[0];
  uint32_t lin = fm_linear_cols(&l->spec);
  return (ffm_view){blk, l->spec.dim, lin, l->spec.hash_bits, (blk->cols - lin) / l->spec.dim};
}

/* v_{id, b}: the k factors feature `id` keeps for field b. */
static inline float *factors(const ffm_view *v, uint32_t id, uint32_t b) {
  return param_row(v->blk, fm_row(v->bits, id)) + v->lin + b * v->k;
}

VFL_HOGWILD static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  const vfl_features *in = &w->feat[l->parents[0]];
  ffm_view v = view_of(l);
  float y = v.lin ? param_row(&l->blocks[1], 0)[0] : 0.0f;
  for (uint32_t a = 0; a < in->n; a++) {
    uint32_t ia = in->index[a], fa = field(ia, v.fields);
    float xa = in->value ? in->value[a] : 1.0f;
    if (v.lin) y += param_row(v.blk, fm_row(v.bits, ia))[0] * xa;
    for (uint32_t b = a + 1; b < in->n; b++) {
      uint32_t ib = in->index[b];
      float xb = in->value ? in->value[b] : 1.0f;
      y += vec_dot(v.k, factors(&v, ia, field(ib, v.fields)), factors(&v, ib, fa)) * (xa * xb);
    }
  }
  w->act[i][0] = y;
}

/* Feature a's gradient: x_a for w_a, and for each other feature b,
** v_{b, f(a)} x_a x_b added to the factors of field f(b). */
VFL_HOGWILD static void backward(vfl_work *w, uint32_t li) {
  const vfl_layer *l = &w->net->layers[li];
  const vfl_features *in = &w->feat[l->parents[0]];
  const float *dy = w->grad[li];
  float *g = w->scratch[li];
  ffm_view v = view_of(l);
  for (uint32_t a = 0; a < in->n; a++) {
    uint32_t ia = in->index[a], fa = field(ia, v.fields);
    float xa = in->value ? in->value[a] : 1.0f;
    vec_zero(v.blk->cols, g);
    if (v.lin) g[0] = xa;
    for (uint32_t b = 0; b < in->n; b++) {
      if (b == a) continue;
      uint32_t ib = in->index[b];
      float xb = in->value ? in->value[b] : 1.0f;
      vec_axpy(v.k, xa * xb, factors(&v, ib, fa), g + v.lin + field(ib, v.fields) * v.k);
    }
    row_gradient(w, li, 0, fm_row(v.bits, ia), dy[0], g);
  }
  if (v.lin) row_gradient(w, li, 1, 0, 1.0f, dy);
}

static int describe(const vfl_layer_spec *s, char *buf, size_t size) { return fm_describe("ffm", s, buf, size); }

/* Grouped parents (64 fields, 3 used) hashed into 64 rows, with and without
** the linear term, and into 2 rows, so that features share rows. */
static int example(uint32_t k, vfl_layer_spec *s, int *parent) {
  static const uint32_t bits[] = {6, 6, 1};
  if (k >= 3) return 0;
  s->dim = 2;
  s->intercept = k != 1;
  s->hash_bits = bits[k];
  *parent = LAYER_PARENT_GROUPED;
  return 1;
}

const layer_ops layer_ffm = {
    .kind = VFL_LAYER_FFM,
    .name = "ffm",
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
