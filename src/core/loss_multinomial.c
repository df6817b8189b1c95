/*
** loss_multinomial.c -- softmax cross-entropy: K outputs, the label a class
** id 0..K-1.
*/
#include <math.h>

#include "error.h"
#include "loss.h"

static int multinomial_shape(uint32_t n_labels, uint32_t n_out) {
  if (n_labels != 1) return vfl_fail(VFL_EINVAL, "multinomial loss: rows need exactly one label, they have %u", n_labels);
  if (n_out < 2)
    return vfl_fail(VFL_EINVAL, "multinomial loss: the net needs at least 2 outputs (one per class), it has %u", n_out);
  return VFL_OK;
}

static int multinomial_labels(const float *labels, uint32_t n_labels, uint32_t n_out, size_t row) {
  (void)n_labels;
  float y = labels[0];
  if (y != floorf(y) || y < 0 || y >= (float)n_out)
    return vfl_fail(VFL_EINVAL, "row %zu: label %g is not a class id for %u outputs (multinomial labels are 0..%u)",
                    row + 1, (double)y, n_out, n_out - 1);
  return VFL_OK;
}

static double multinomial(const float *out, uint32_t n, const float *labels, float *grad) {
  float top = out[0];
  for (uint32_t j = 1; j < n; j++) top = out[j] > top ? out[j] : top;
  double sum = 0;
  for (uint32_t j = 0; j < n; j++) sum += exp((double)(out[j] - top));
  uint32_t c = (uint32_t)labels[0];
  for (uint32_t j = 0; j < n; j++) grad[j] = (float)(exp((double)(out[j] - top)) / sum) - (j == c ? 1.0f : 0.0f);
  return log(sum) + top - out[c];
}

const loss_ops loss_multinomial = {VFL_LOSS_MULTINOMIAL, "multinomial", VFL_LINK_SOFTMAX, multinomial_shape,
                                   multinomial_labels, multinomial};
