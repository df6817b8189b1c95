/*
** add.c -- the elementwise sum of several dense parents of one width, so
** that branches can be added at the output (DeepFM: linear + fm + mlp).
** Each parent gets the whole gradient.
*/
#include <string.h>

#include "error.h"
#include "layer.h"
#include "vec.h"
#include "work.h"

static int shape(const vfl_net *net, vfl_layer *l) {
  if (!l->n_parents) return vfl_fail(VFL_EINVAL, "layer '%s': add needs at least one parent", l->name);
  const vfl_layer *first = &net->layers[l->parents[0]];
  l->needs_grad = 0;
  for (uint32_t p = 0; p < l->n_parents; p++) {
    const vfl_layer *parent = &net->layers[l->parents[p]];
    if (parent->sparse_out)
      return vfl_fail(VFL_EINVAL, "layer '%s': add takes dense parents; '%s' is sparse (put an embedding or linear "
                      "layer between them)", l->name, parent->name);
    if (parent->dim != first->dim)
      return vfl_fail(VFL_EINVAL, "layer '%s': add takes parents of one width; '%s' has %u, '%s' has %u", l->name,
                      first->name, first->dim, parent->name, parent->dim);
    l->needs_grad |= parent->needs_grad;
  }
  l->dim = first->dim;
  l->sparse_out = 0;
  return VFL_OK;
}

static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  float *y = w->act[i];
  memcpy(y, w->act[l->parents[0]], l->dim * sizeof(float));
  for (uint32_t p = 1; p < l->n_parents; p++) vec_add(l->dim, w->act[l->parents[p]], y);
}

static void backward(vfl_work *w, uint32_t i) {
  const vfl_layer *l = &w->net->layers[i];
  for (uint32_t p = 0; p < l->n_parents; p++)
    if (w->net->layers[l->parents[p]].needs_grad) vec_add(l->dim, w->grad[i], w->grad[l->parents[p]]);
}

/* Two hidden layers of one width. */
static int example(uint32_t k, vfl_layer_spec *s, int *parent) {
  (void)s;
  *parent = LAYER_PARENT_DENSE_PAIR;
  return k == 0;
}

const layer_ops layer_add = {
    .kind = VFL_LAYER_ADD,
    .name = "add",
    .check = layer_check_none,
    .shape = shape,
    .forward = forward,
    .backward = backward,
    .describe = layer_describe_name,
    .example = example,
};
