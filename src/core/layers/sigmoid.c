/*
** sigmoid.c -- the logistic function 1 / (1 + e^-x).
*/
#include <math.h>

#include "layer.h"
#include "work.h"

static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  const float *x = w->act[l->parents[0]];
  float *y = w->act[i];
  for (uint32_t j = 0; j < l->dim; j++) y[j] = 1.0f / (1.0f + expf(-x[j]));
}

static void backward(vfl_work *w, uint32_t i) {
  const vfl_layer *l = &w->net->layers[i];
  const float *y = w->act[i], *dy = w->grad[i];
  float *gx = w->grad[l->parents[0]];
  for (uint32_t j = 0; j < l->dim; j++) gx[j] += dy[j] * y[j] * (1.0f - y[j]);
}

const layer_ops layer_sigmoid = LAYER_ACTIVATION("sigmoid", VFL_LAYER_SIGMOID, forward, backward);
