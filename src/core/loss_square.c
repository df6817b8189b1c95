/*
** loss_square.c -- 1/2 (out - label)^2 summed over n outputs and n labels.
*/
#include "error.h"
#include "loss.h"

static int square_shape(uint32_t n_labels, uint32_t n_out) {
  if (n_labels != n_out)
    return vfl_fail(VFL_EINVAL, "square loss: the net has %u outputs but rows have %u labels", n_out, n_labels);
  return VFL_OK;
}

static double square(const float *out, uint32_t n, const float *labels, float *grad) {
  double loss = 0;
  for (uint32_t j = 0; j < n; j++) {
    float d = out[j] - labels[j];
    grad[j] = d;
    loss += 0.5 * (double)d * d;
  }
  return loss;
}

const loss_ops loss_square = {VFL_LOSS_SQUARE, "square", VFL_LINK_IDENTITY, square_shape, NULL, square};
