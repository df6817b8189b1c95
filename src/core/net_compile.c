/*
** net_compile.c -- checking a layer graph and deriving what running it needs:
** a topological order, each layer's width, which outputs are sparse, and
** which layers need a gradient.
*/
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "net.h"

/* Kahn's algorithm; a layer left over sits on a cycle. */
static int topo_order(vfl_net *net, uint32_t *order) {
  uint32_t n = net->n_layers, head = 0, tail = 0;
  uint32_t *pending = vfl_calloc(n, sizeof *pending);
  if (!pending) return VFL_ENOMEM;
  for (uint32_t i = 0; i < n; i++) {
    pending[i] = net->layers[i].n_parents;
    if (!pending[i]) order[tail++] = i;
  }
  while (head < tail) {
    uint32_t done = order[head++];
    for (uint32_t i = 0; i < n; i++)
      for (uint32_t p = 0; p < net->layers[i].n_parents; p++)
        if (net->layers[i].parents[p] == done && --pending[i] == 0) order[tail++] = i;
  }
  int rc = VFL_OK;
  if (tail < n) {
    for (uint32_t i = 0; i < n; i++)
      if (pending[i]) {
        rc = vfl_fail(VFL_EINVAL, "the net has a cycle through layer '%s'", net->layers[i].name);
        break;
      }
  }
  vfl_free(pending);
  return rc;
}

static int find_output(vfl_net *net) {
  int output = -1;
  for (uint32_t i = 0; i < net->n_layers; i++) {
    int has_child = 0;
    for (uint32_t j = 0; j < net->n_layers && !has_child; j++)
      for (uint32_t p = 0; p < net->layers[j].n_parents; p++) has_child |= net->layers[j].parents[p] == i;
    if (has_child) continue;
    if (output >= 0)
      return vfl_fail(VFL_EINVAL, "the net has two outputs, '%s' and '%s': wire them into one layer",
                      net->layers[output].name, net->layers[i].name);
    output = (int)i;
  }
  net->output = (uint32_t)output;
  return VFL_OK;
}

static int one_dense_parent(const vfl_net *net, const vfl_layer *l) {
  if (l->n_parents != 1) return vfl_fail(VFL_EINVAL, "layer '%s': needs exactly one parent, has %u", l->name, l->n_parents);
  const vfl_layer *p = &net->layers[l->parents[0]];
  if (p->sparse_out)
    return vfl_fail(VFL_EINVAL, "layer '%s': its parent '%s' is sparse; put a linear layer between them", l->name, p->name);
  return VFL_OK;
}

/* Width and sparsity of one layer, its parents being done already. */
static int derive_shape(vfl_net *net, vfl_layer *l) {
  switch (l->spec.kind) {
    case VFL_LAYER_INPUT:
      l->dim = l->spec.dim;
      l->sparse_out = l->spec.input_kind != VFL_INPUT_DENSE;
      return VFL_OK;
    case VFL_LAYER_LINEAR:
      if (!l->n_parents) return vfl_fail(VFL_EINVAL, "layer '%s': a linear layer needs at least one parent", l->name);
      l->dim = l->spec.dim;
      l->sparse_out = 0;
      for (uint32_t p = 0; p < l->n_parents; p++) l->needs_grad |= net->layers[l->parents[p]].needs_grad;
      l->needs_grad = 1;
      return VFL_OK;
    case VFL_LAYER_CROSS: {
      if (l->n_parents != 1) return vfl_fail(VFL_EINVAL, "layer '%s': needs exactly one parent, has %u", l->name, l->n_parents);
      const vfl_layer *p = &net->layers[l->parents[0]];
      if (p->spec.kind != VFL_LAYER_INPUT || p->spec.input_kind != VFL_INPUT_GROUPED)
        return vfl_fail(VFL_EINVAL, "layer '%s': a cross layer's parent must be a grouped input, '%s' is not", l->name, p->name);
      l->dim = 1u << l->spec.cross_bits;
      l->sparse_out = 1;
      return VFL_OK;
    }
    default: {
      int rc = one_dense_parent(net, l);
      if (rc) return rc;
      const vfl_layer *p = &net->layers[l->parents[0]];
      l->dim = p->dim;
      l->sparse_out = 0;
      l->needs_grad = p->needs_grad;
      return VFL_OK;
    }
  }
}

static int collect_inputs(vfl_net *net) {
  vfl_free(net->inputs);
  net->n_inputs = 0;
  net->inputs = vfl_alloc((net->n_layers + 1) * sizeof *net->inputs);
  if (!net->inputs) return VFL_ENOMEM;
  for (uint32_t i = 0; i < net->n_layers; i++)
    if (net->layers[i].spec.kind == VFL_LAYER_INPUT) net->inputs[net->n_inputs++] = i;
  if (!net->n_inputs) return vfl_fail(VFL_EINVAL, "the net has no input layer");
  return VFL_OK;
}

int net_compile(vfl_net *net) {
  if (!net->n_layers) return vfl_fail(VFL_EINVAL, "the net has no layers");
  uint32_t *order = vfl_alloc(net->n_layers * sizeof *order);
  if (!order) return VFL_ENOMEM;
  int rc = topo_order(net, order);
  if (rc == VFL_OK) rc = find_output(net);
  for (uint32_t k = 0; rc == VFL_OK && k < net->n_layers; k++) {
    vfl_layer *l = &net->layers[order[k]];
    l->needs_grad = 0;
    rc = derive_shape(net, l);
  }
  if (rc == VFL_OK && net->layers[net->output].sparse_out)
    rc = vfl_fail(VFL_EINVAL, "the output layer '%s' is sparse; end the net with a linear layer", net->layers[net->output].name);
  if (rc == VFL_OK) rc = collect_inputs(net);
  if (rc) {
    vfl_free(order);
    return rc;
  }
  vfl_free(net->order);
  net->order = order;
  return VFL_OK;
}
