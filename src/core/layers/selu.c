/*
** selu.c -- the scaled exponential linear unit (Klambauer et al.,
** 2017). Below 0, y = s*a*(e^x - 1), so dy/dx = y + s*a.
*/
#include <math.h>

#include "layer.h"
#include "work.h"

#define SELU_ALPHA 1.6732632423543772f
#define SELU_SCALE 1.0507009873554805f

static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  const float *x = w->act[l->parents[0]];
  float *y = w->act[i];
  for (uint32_t j = 0; j < l->dim; j++) y[j] = x[j] > 0 ? SELU_SCALE * x[j] : SELU_SCALE * SELU_ALPHA * expm1f(x[j]);
}

static void backward(vfl_work *w, uint32_t i) {
  const vfl_layer *l = &w->net->layers[i];
  const float *y = w->act[i], *dy = w->grad[i];
  float *gx = w->grad[l->parents[0]];
  for (uint32_t j = 0; j < l->dim; j++) gx[j] += dy[j] * (y[j] > 0 ? SELU_SCALE : y[j] + SELU_SCALE * SELU_ALPHA);
}

const layer_ops layer_selu = LAYER_ACTIVATION("selu", VFL_LAYER_SELU, forward, backward);
