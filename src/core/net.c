/*
** net.c -- building the layer graph: add, wire, stack, and the accessors.
** Compiling the graph (checks, order, shapes) is in net_compile.c; weights
** in net_params.c; running it in forward.c and backward.c.
*/
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "layer.h"
#include "net.h"
#include "work.h"

vfl_net *vfl_net_new(void) {
  vfl_net *net = vfl_calloc(1, sizeof(vfl_net));
  if (net) atomic_init(&net->stop_requested, 0);
  return net;
}

void vfl_net_stop(vfl_net *net) { atomic_store(&net->stop_requested, 1); }

int net_stop_asked(const vfl_net *net) {
  return atomic_load(&((vfl_net *)net)->stop_requested) || (net->stop_flag && *net->stop_flag);
}

size_t net_rows_per_stop_check(uint32_t stride) {
  size_t rows = (4u << 20) / ((size_t)(stride ? stride : 1) * sizeof(float));
  return rows ? rows : 1;
}

static void layer_release(vfl_layer *l) {
  vfl_free(l->name);
  vfl_free(l->crosses);
  vfl_free(l->parents);
  for (uint32_t b = 0; b < l->n_blocks; b++) vfl_free_aligned(l->blocks[b].data);
  vfl_free(l->blocks);
  net_free_priors(l);
}

void vfl_net_free(vfl_net *net) {
  if (!net) return;
  work_free(net->work); /* reads the layers: goes first */
  for (uint32_t i = 0; i < net->n_layers; i++) layer_release(&net->layers[i]);
  vfl_free(net->layers);
  vfl_free(net->order);
  vfl_free(net->inputs);
  vfl_free(net->featurizer);
  vfl_free(net);
}

vfl_layer *net_layer(const vfl_net *net, const char *name) {
  int i = vfl_net_layer_find(net, name);
  if (i < 0) {
    vfl_fail(VFL_EINVAL, "the net has no layer called '%s'", name ? name : "(null)");
    return NULL;
  }
  return &net->layers[i];
}

int vfl_net_layer_find(const vfl_net *net, const char *name) {
  if (!name) return -1;
  for (uint32_t i = 0; i < net->n_layers; i++)
    if (strcmp(net->layers[i].name, name) == 0) return (int)i;
  return -1;
}

int vfl_net_add(vfl_net *net, const char *name, const vfl_layer_spec *spec) {
  if (!name || !*name) return vfl_fail(VFL_EINVAL, "a layer needs a non-empty name");
  if (net->ready) return vfl_fail(VFL_EINVAL, "layer '%s': the net is initialised; layers cannot be added any more", name);
  if (vfl_net_layer_find(net, name) >= 0) return vfl_fail(VFL_EINVAL, "the net has a layer called '%s' already", name);
  const layer_ops *ops = layer_kind(spec->kind);
  if (!ops) return vfl_fail(VFL_EINVAL, "layer '%s': unknown layer kind %d", name, spec->kind);
  int rc = ops->check(name, spec);
  if (rc) return rc;
  vfl_layer *grown = vfl_realloc(net->layers, (net->n_layers + 1) * sizeof *grown);
  if (!grown) return VFL_ENOMEM;
  net->layers = grown;
  vfl_layer *l = &net->layers[net->n_layers];
  memset(l, 0, sizeof *l);
  l->spec = *spec;
  l->spec.crosses = NULL; /* a kind that reads it adopts a copy */
  l->ops = ops;
  l->name = vfl_strdup(name);
  if (l->name && ops->adopt) {
    l->spec.crosses = spec->crosses;
    rc = ops->adopt(l);
  }
  if (!l->name || rc) {
    layer_release(l);
    return VFL_ENOMEM;
  }
  net->n_layers++;
  net_refresh_shapes(net);
  return VFL_OK;
}

int vfl_net_wire(vfl_net *net, const char *from, const char *to) {
  if (net->ready) return vfl_fail(VFL_EINVAL, "wire '%s' -> '%s': the net is initialised; it cannot be rewired", from, to);
  int a = vfl_net_layer_find(net, from), b = vfl_net_layer_find(net, to);
  if (a < 0) return vfl_fail(VFL_EINVAL, "wire: the net has no layer called '%s'", from ? from : "(null)");
  if (b < 0) return vfl_fail(VFL_EINVAL, "wire: the net has no layer called '%s'", to ? to : "(null)");
  vfl_layer *l = &net->layers[b];
  if (l->spec.kind == VFL_LAYER_INPUT) return vfl_fail(VFL_EINVAL, "wire '%s' -> '%s': an input layer takes no parents", from, to);
  if (a == b) return vfl_fail(VFL_EINVAL, "wire '%s' -> '%s': a layer cannot be its own parent", from, to);
  for (uint32_t p = 0; p < l->n_parents; p++)
    if (l->parents[p] == (uint32_t)a) return vfl_fail(VFL_EINVAL, "wire '%s' -> '%s': already wired", from, to);
  uint32_t *grown = vfl_realloc(l->parents, (l->n_parents + 1) * sizeof *grown);
  if (!grown) return VFL_ENOMEM;
  l->parents = grown;
  l->parents[l->n_parents++] = (uint32_t)a;
  net_refresh_shapes(net);
  return VFL_OK;
}

int vfl_net_stack(vfl_net *net, const char *name, const vfl_layer_spec *spec) {
  int rc = vfl_net_add(net, name, spec);
  if (rc || net->n_layers < 2) return rc;
  rc = vfl_net_wire(net, net->layers[net->n_layers - 2].name, name);
  if (rc) { /* keep the net as it was */
    layer_release(&net->layers[--net->n_layers]);
    net_refresh_shapes(net);
  }
  return rc;
}

uint32_t vfl_net_layers(const vfl_net *net) { return net->n_layers; }

const char *vfl_net_layer_name(const vfl_net *net, uint32_t i) { return i < net->n_layers ? net->layers[i].name : NULL; }

int vfl_net_layer_spec(const vfl_net *net, uint32_t i, vfl_layer_spec *spec) {
  if (i >= net->n_layers) return vfl_fail(VFL_EINVAL, "layer %u is out of range (the net has %u)", i + 1, net->n_layers);
  *spec = net->layers[i].spec;
  return VFL_OK;
}

uint32_t vfl_net_layer_parents(const vfl_net *net, uint32_t i, uint32_t *parents, uint32_t cap) {
  if (i >= net->n_layers) return 0;
  const vfl_layer *l = &net->layers[i];
  for (uint32_t p = 0; p < l->n_parents && p < cap; p++) parents[p] = l->parents[p];
  return l->n_parents;
}

uint32_t vfl_net_layer_dim(const vfl_net *net, uint32_t i) { return i < net->n_layers ? net->layers[i].dim : 0; }

uint64_t vfl_net_layer_params(const vfl_net *net, uint32_t i) {
  if (i >= net->n_layers) return 0;
  const vfl_layer *l = &net->layers[i];
  uint64_t n = 0;
  if (l->blocks) {
    for (uint32_t b = 0; b < l->n_blocks; b++) n += (uint64_t)l->blocks[b].rows * l->blocks[b].cols;
    return n;
  }
  if (!l->dim || !l->ops->blocks) return 0;
  for (uint32_t p = 0; p < l->n_parents; p++)
    if (!net->layers[l->parents[p]].dim) return 0;
  uint32_t count = l->ops->blocks(net, l, NULL);
  layer_block *shapes = vfl_alloc((count ? count : 1) * sizeof *shapes);
  if (!shapes) return 0;
  l->ops->blocks(net, l, shapes);
  for (uint32_t b = 0; b < count; b++) n += (uint64_t)shapes[b].rows * shapes[b].cols;
  vfl_free(shapes);
  return n;
}

uint32_t vfl_net_layer_blocks(const vfl_net *net, uint32_t i) {
  if (i >= net->n_layers) return 0;
  const vfl_layer *l = &net->layers[i];
  return l->blocks ? l->n_blocks : l->ops->blocks ? l->ops->blocks(net, l, NULL) : 0;
}

int vfl_net_layer_bias(const vfl_net *net, uint32_t i) {
  uint32_t n = vfl_net_layer_blocks(net, i);
  if (!n) return -1;
  const vfl_layer *l = &net->layers[i];
  if (l->blocks) {
    for (uint32_t b = 0; b < n; b++)
      if (l->blocks[b].bias) return (int)b;
    return -1;
  }
  layer_block *shapes = vfl_alloc(n * sizeof *shapes);
  int bias = -1;
  if (shapes) l->ops->blocks(net, l, shapes);
  for (uint32_t b = 0; shapes && b < n && bias < 0; b++)
    if (shapes[b].bias) bias = (int)b;
  vfl_free(shapes);
  return bias;
}

uint32_t net_weight_blocks(const vfl_layer *l) {
  uint32_t n = 0;
  for (uint32_t b = 0; b < l->n_blocks; b++) n += !l->blocks[b].bias;
  return n;
}

const char *vfl_layer_kind_name(const vfl_layer_spec *spec) {
  const layer_ops *ops = layer_kind(spec->kind);
  return !ops ? "?" : ops->kind_name ? ops->kind_name(spec) : ops->name;
}

int vfl_layer_describe(const vfl_layer_spec *spec, char *buf, size_t size) {
  const layer_ops *ops = layer_kind(spec->kind);
  if (!ops) return snprintf(buf, size, "?");
  return ops->describe(spec, buf, size);
}

uint32_t vfl_net_outputs(const vfl_net *net) { return net->ready ? net->layers[net->output].dim : 0; }

int vfl_net_ready(const vfl_net *net) { return net->ready; }
int vfl_net_storage(const vfl_net *net) { return net->storage; }

uint64_t vfl_net_params(const vfl_net *net) {
  uint64_t n = 0;
  for (uint32_t i = 0; i < net->n_layers; i++) n += vfl_net_layer_params(net, i);
  return n;
}

uint32_t vfl_net_inputs(const vfl_net *net, uint32_t *layers, uint32_t cap) {
  for (uint32_t k = 0; k < net->n_inputs && k < cap; k++) layers[k] = net->inputs[k];
  return net->n_inputs;
}

int vfl_net_link(const vfl_net *net) { return net->link; }

void vfl_net_set_link(vfl_net *net, int link) { net->link = link; }
