/*
** forward.c -- computing every layer's output for one example: each layer,
** in topological order, through its kind's forward (src/core/layers/).
*/
#include "layer.h"
#include "work.h"

void work_bind_input(vfl_work *w, uint32_t k, const vfl_features *f) {
  uint32_t i = w->net->inputs[k];
  if (w->net->layers[i].sparse_out) w->feat[i] = *f;
  else w->act[i] = (float *)f->value; /* read only: inputs get no gradient */
}

void work_forward(vfl_work *w) {
  const vfl_net *net = w->net;
  for (uint32_t k = 0; k < net->n_layers; k++) {
    uint32_t i = net->order[k];
    const vfl_layer *l = &net->layers[i];
    l->ops->forward(w, l, i);
  }
}
