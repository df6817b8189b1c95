/*
** loss_multilabel.c -- independent logistic outputs: K outputs, K labels
** each 0 or 1 (a k-hot vector: vfl_libsvm_options.multilabel reads one
** from "3,17 idx:val ..."), the sum of K logistic losses; predictions are
** one sigmoid per class.
*/
#include "error.h"
#include "loss.h"

static int multilabel_shape(uint32_t n_labels, uint32_t n_out) {
  if (n_labels != n_out)
    return vfl_fail(VFL_EINVAL,
                    "multilabel loss: the net has %u outputs but rows have %u labels (one 0/1 label per class: "
                    "read with multilabel = true and classes = %u)",
                    n_out, n_labels, n_out);
  return VFL_OK;
}

static int multilabel_labels(const float *labels, uint32_t n_labels, uint32_t n_out, size_t row) {
  (void)n_out;
  for (uint32_t j = 0; j < n_labels; j++)
    if (labels[j] != 0 && labels[j] != 1)
      return vfl_fail(VFL_EINVAL, "row %zu: label %u is %g; the multilabel loss takes 0/1 per class", row + 1, j + 1,
                      (double)labels[j]);
  return VFL_OK;
}

static double multilabel(const float *out, uint32_t n, const float *labels, float *grad) {
  double loss = 0;
  for (uint32_t j = 0; j < n; j++) loss += loss_logistic_one(out[j], labels[j], grad + j);
  return loss;
}

const loss_ops loss_multilabel = {VFL_LOSS_MULTILABEL, "multilabel", VFL_LINK_SIGMOID, multilabel_shape,
                                  multilabel_labels, multilabel};
