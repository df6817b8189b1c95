/*
** net_compile.c -- checking a layer graph and deriving what running it needs:
** a topological order, each layer's width, which outputs are sparse, and
** which layers need a gradient.
*/
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "layer.h"
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
    rc = l->ops->shape(net, l);
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

void net_refresh_shapes(vfl_net *net) {
  if (net->ready || net->bulk) return; /* a pass per call: quadratic over a file's many layers */
  char saved[1024];
  snprintf(saved, sizeof saved, "%s", vfl_last_error());
  uint8_t *known = vfl_calloc(net->n_layers ? net->n_layers : 1, 1);
  for (uint32_t i = 0; known && i < net->n_layers; i++) net->layers[i].dim = 0;
  /* Parents first, pass after pass; a layer on a cycle or below an unknown
  ** parent stays unknown (width 0), as does one whose shape is refused. */
  for (int changed = known != NULL; changed;) {
    changed = 0;
    for (uint32_t i = 0; i < net->n_layers; i++) {
      vfl_layer *l = &net->layers[i];
      int ready = !known[i];
      for (uint32_t p = 0; p < l->n_parents && ready; p++) ready = known[l->parents[p]] && net->layers[l->parents[p]].dim;
      if (!ready) continue;
      known[i] = changed = 1;
      l->needs_grad = 0;
      if (l->ops->shape(net, l)) l->dim = 0;
    }
  }
  vfl_free(known);
  vfl_set_error(saved);
}
