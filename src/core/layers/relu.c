/*
** relu.c -- max(x, 0).
*/
#include "layer.h"
#include "work.h"

static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  const float *x = w->act[l->parents[0]];
  float *y = w->act[i];
  for (uint32_t j = 0; j < l->dim; j++) y[j] = x[j] > 0 ? x[j] : 0.0f;
}

static void backward(vfl_work *w, uint32_t i) {
  const vfl_layer *l = &w->net->layers[i];
  const float *y = w->act[i], *dy = w->grad[i];
  float *gx = w->grad[l->parents[0]];
  for (uint32_t j = 0; j < l->dim; j++) gx[j] += y[j] > 0 ? dy[j] : 0.0f;
}

const layer_ops layer_relu = LAYER_ACTIVATION("relu", VFL_LAYER_RELU, forward, backward);
