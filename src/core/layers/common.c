/*
** common.c -- operations several layer kinds share.
*/
#include <stdio.h>

#include "error.h"
#include "layer.h"
#include "work.h"

int layer_check_none(const char *layer, const vfl_layer_spec *s) {
  (void)layer;
  (void)s;
  return VFL_OK;
}

int layer_one_dense_parent(const vfl_net *net, const vfl_layer *l) {
  if (l->n_parents != 1) return vfl_fail(VFL_EINVAL, "layer '%s': needs exactly one parent, has %u", l->name, l->n_parents);
  const vfl_layer *p = &net->layers[l->parents[0]];
  if (p->sparse_out)
    return vfl_fail(VFL_EINVAL, "layer '%s': its parent '%s' is sparse; put a linear layer between them", l->name, p->name);
  return VFL_OK;
}

int layer_shape_like_parent(const vfl_net *net, vfl_layer *l) {
  int rc = layer_one_dense_parent(net, l);
  if (rc) return rc;
  const vfl_layer *p = &net->layers[l->parents[0]];
  l->dim = p->dim;
  l->sparse_out = 0;
  l->needs_grad = p->needs_grad;
  return VFL_OK;
}

void layer_backward_none(vfl_work *w, uint32_t i) {
  (void)w;
  (void)i;
}

int layer_example_dense(uint32_t k, vfl_layer_spec *s, int *parent) {
  (void)s;
  *parent = LAYER_PARENT_DENSE;
  return k == 0;
}

int layer_describe_name(const vfl_layer_spec *s, char *buf, size_t size) {
  return snprintf(buf, size, "%s", vfl_layer_kind_name(s));
}
