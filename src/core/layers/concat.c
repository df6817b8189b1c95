/*
** concat.c -- the outputs of several dense parents side by side, in the
** order they were wired: parent 1's units, then parent 2's, and so on.
** The gradient goes back to each parent's slice.
*/
#include <string.h>

#include "error.h"
#include "layer.h"
#include "vec.h"
#include "work.h"

static int shape(const vfl_net *net, vfl_layer *l) {
  if (!l->n_parents) return vfl_fail(VFL_EINVAL, "layer '%s': concat needs at least one parent", l->name);
  uint64_t dim = 0;
  l->needs_grad = 0;
  for (uint32_t p = 0; p < l->n_parents; p++) {
    const vfl_layer *parent = &net->layers[l->parents[p]];
    if (parent->sparse_out)
      return vfl_fail(VFL_EINVAL, "layer '%s': concat takes dense parents; '%s' is sparse (put an embedding or linear "
                      "layer between them)", l->name, parent->name);
    dim += parent->dim;
    l->needs_grad |= parent->needs_grad;
  }
  if (dim > UINT32_MAX) return vfl_fail(VFL_EINVAL, "layer '%s': its parents are %llu units wide together", l->name,
                                        (unsigned long long)dim);
  l->dim = (uint32_t)dim;
  l->sparse_out = 0;
  return VFL_OK;
}

static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  float *y = w->act[i];
  for (uint32_t p = 0; p < l->n_parents; p++) {
    uint32_t pi = l->parents[p], n = w->net->layers[pi].dim;
    memcpy(y, w->act[pi], n * sizeof(float));
    y += n;
  }
}

static void backward(vfl_work *w, uint32_t i) {
  const vfl_layer *l = &w->net->layers[i];
  const float *dy = w->grad[i];
  for (uint32_t p = 0; p < l->n_parents; p++) {
    uint32_t pi = l->parents[p], n = w->net->layers[pi].dim;
    if (w->net->layers[pi].needs_grad) vec_add(n, dy, w->grad[pi]);
    dy += n;
  }
}

/* One hidden layer, and two side by side. */
static int example(uint32_t k, vfl_layer_spec *s, int *parent) {
  (void)s;
  *parent = k == 0 ? LAYER_PARENT_DENSE : LAYER_PARENT_DENSE_PAIR;
  return k < 2;
}

const layer_ops layer_concat = {
    .kind = VFL_LAYER_CONCAT,
    .name = "concat",
    .check = layer_check_none,
    .shape = shape,
    .forward = forward,
    .backward = backward,
    .describe = layer_describe_name,
    .example = example,
};
