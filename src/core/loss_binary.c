/*
** loss_binary.c -- the losses of one output and one binary label (0/1 or
** -1/+1): logistic (sigmoid link) and hinge.
*/
#include <math.h>

#include "error.h"
#include "loss.h"

static int one_label_one_output(const char *name, uint32_t n_labels, uint32_t n_out) {
  if (n_labels != 1) return vfl_fail(VFL_EINVAL, "%s loss: rows need exactly one label, they have %u", name, n_labels);
  if (n_out != 1) return vfl_fail(VFL_EINVAL, "%s loss: the net must have 1 output, it has %u", name, n_out);
  return VFL_OK;
}

/* One exp serves both the gradient and the value: with e = exp(-|z|),
** sigmoid(z) = 1/(1+e) or e/(1+e), and log(1 + e^z) = max(z, 0) + log1p(e),
** neither of which can overflow. */
double loss_logistic_one(float z, float label, float *grad) {
  double y = label > 0 ? 1.0 : 0.0, zd = z;
  double e = exp(-fabs(zd));
  double p = zd >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  grad[0] = (float)(p - y);
  return (zd > 0 ? zd : 0.0) + log1p(e) - y * zd;
}

static int logistic_shape(uint32_t n_labels, uint32_t n_out) { return one_label_one_output("logistic", n_labels, n_out); }
static int logistic_labels(const float *labels, uint32_t n_labels, uint32_t n_out, size_t row) {
  (void)n_labels, (void)n_out;
  return loss_check_binary("logistic", labels[0], row);
}
static double logistic(const float *out, uint32_t n_out, const float *labels, float *grad) {
  (void)n_out;
  return loss_logistic_one(out[0], labels[0], grad);
}

static int hinge_shape(uint32_t n_labels, uint32_t n_out) { return one_label_one_output("hinge", n_labels, n_out); }
static int hinge_labels(const float *labels, uint32_t n_labels, uint32_t n_out, size_t row) {
  (void)n_labels, (void)n_out;
  return loss_check_binary("hinge", labels[0], row);
}
static double hinge(const float *out, uint32_t n_out, const float *labels, float *grad) {
  (void)n_out;
  float y = labels[0] > 0 ? 1.0f : -1.0f, margin = y * out[0];
  grad[0] = margin < 1 ? -y : 0.0f;
  return margin < 1 ? 1.0 - margin : 0.0;
}

const loss_ops loss_logistic = {VFL_LOSS_LOGISTIC, "logistic", VFL_LINK_SIGMOID, logistic_shape, logistic_labels, logistic};
const loss_ops loss_hinge = {VFL_LOSS_HINGE, "hinge", VFL_LINK_IDENTITY, hinge_shape, hinge_labels, hinge};
