/*
** dropout.c -- inverted dropout while training (kept units are scaled by
** 1 / (1 - rate), so inference passes values through unchanged). On a dense
** parent it drops units through a mask; on a sparse parent (an input or a
** cross) it drops features, and emits the kept ones.
*/
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "layer.h"
#include "model_io.h"
#include "work.h"

static int check(const char *layer, const vfl_layer_spec *s) {
  if (!(s->rate >= 0 && s->rate < 1))
    return vfl_fail(VFL_EINVAL, "layer '%s': the dropout rate %g must be in [0, 1)", layer, (double)s->rate);
  return VFL_OK;
}

static int shape(const vfl_net *net, vfl_layer *l) {
  if (l->n_parents != 1) return vfl_fail(VFL_EINVAL, "layer '%s': needs exactly one parent, has %u", l->name, l->n_parents);
  const vfl_layer *p = &net->layers[l->parents[0]];
  if (!p->sparse_out) return layer_shape_like_parent(net, l);
  l->dim = p->dim;
  l->sparse_out = 1;
  l->needs_grad = 0; /* sparse features come from the data: nothing upstream learns */
  return VFL_OK;
}

static uint64_t sparse_nnz(const vfl_layer *l, uint64_t parent_nnz) {
  (void)l;
  return parent_nnz;
}

static void dense_forward(vfl_work *w, uint32_t n, const float *x, float *y, float *mask, float rate) {
  if (!w->training || rate == 0.0f) {
    memcpy(y, x, n * sizeof(float));
    for (uint32_t i = 0; i < n; i++) mask[i] = 1.0f;
    return;
  }
  float keep = 1.0f / (1.0f - rate);
  for (uint32_t i = 0; i < n; i++) {
    mask[i] = vfl_rng_uniform(&w->rng) < rate ? 0.0f : keep;
    y[i] = x[i] * mask[i];
  }
}

static void sparse_forward(vfl_work *w, const vfl_features *in, uint32_t i, float rate) {
  if (!w->training || rate == 0.0f) {
    w->feat[i] = *in;
    return;
  }
  float keep = 1.0f / (1.0f - rate);
  uint32_t *idx = w->xidx[i], n = 0;
  float *val = w->xval[i];
  for (uint32_t j = 0; j < in->n; j++) {
    if (vfl_rng_uniform(&w->rng) < rate) continue;
    idx[n] = in->index[j];
    val[n++] = keep * (in->value ? in->value[j] : 1.0f);
  }
  w->feat[i] = (vfl_features){n, idx, val};
}

static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  uint32_t pi = l->parents[0];
  if (l->sparse_out) sparse_forward(w, &w->feat[pi], i, l->spec.rate);
  else dense_forward(w, l->dim, w->act[pi], w->act[i], w->mask[i], l->spec.rate);
}

/* Only the dense form has a gradient to pass on (needs_grad). */
static void backward(vfl_work *w, uint32_t i) {
  const vfl_layer *l = &w->net->layers[i];
  const float *dy = w->grad[i], *mask = w->mask[i];
  float *gx = w->grad[l->parents[0]];
  for (uint32_t j = 0; j < l->dim; j++) gx[j] += dy[j] * mask[j];
}

static int describe(const vfl_layer_spec *s, char *buf, size_t size) {
  return snprintf(buf, size, "dropout(%g)", (double)s->rate);
}

/* Units of a hidden layer; features of a sparse input. */
static int example(uint32_t k, vfl_layer_spec *s, int *parent) {
  s->rate = 0.3f;
  *parent = k == 0 ? LAYER_PARENT_DENSE : LAYER_PARENT_SPARSE;
  return k < 2;
}

static void save(model_writer *w, const vfl_layer_spec *s) { put_f32(w, s->rate); }

static int load(model_reader *r, vfl_layer_spec *s) {
  s->rate = get_f32(r);
  return r->bad ? VFL_EFORMAT : VFL_OK;
}

const layer_ops layer_dropout = {
    .kind = VFL_LAYER_DROPOUT,
    .name = "dropout",
    .uses_mask = 1,
    .check = check,
    .shape = shape,
    .forward = forward,
    .backward = backward,
    .describe = describe,
    .example = example,
    .sparse_nnz = sparse_nnz,
    .save = save,
    .load = load,
};
