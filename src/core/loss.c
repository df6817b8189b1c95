/*
** loss.c -- logistic, square, multinomial and hinge losses.
*/
#include <math.h>

#include "dataset.h"
#include "error.h"
#include "loss.h"

const char *loss_name(int kind) {
  switch (kind) {
    case VFL_LOSS_LOGISTIC: return "logistic";
    case VFL_LOSS_SQUARE: return "square";
    case VFL_LOSS_MULTINOMIAL: return "multinomial";
    case VFL_LOSS_HINGE: return "hinge";
    case VFL_LOSS_CUSTOM: return "custom";
    default: return "unknown";
  }
}

int loss_link(int kind) {
  return kind == VFL_LOSS_LOGISTIC ? VFL_LINK_SIGMOID : kind == VFL_LOSS_MULTINOMIAL ? VFL_LINK_SOFTMAX : VFL_LINK_IDENTITY;
}

/* One exp serves both the gradient and the value: with e = exp(-|z|),
** sigmoid(z) = 1/(1+e) or e/(1+e), and log(1 + e^z) = max(z, 0) + log1p(e),
** neither of which can overflow. */
static double logistic(float z, float label, float *grad) {
  double y = label > 0 ? 1.0 : 0.0, zd = z;
  double e = exp(-fabs(zd));
  double p = zd >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  grad[0] = (float)(p - y);
  return (zd > 0 ? zd : 0.0) + log1p(e) - y * zd;
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

static double multinomial(const float *out, uint32_t n, float label, float *grad) {
  float top = out[0];
  for (uint32_t j = 1; j < n; j++) top = out[j] > top ? out[j] : top;
  double sum = 0;
  for (uint32_t j = 0; j < n; j++) sum += exp((double)(out[j] - top));
  uint32_t c = (uint32_t)label;
  for (uint32_t j = 0; j < n; j++) grad[j] = (float)(exp((double)(out[j] - top)) / sum) - (j == c ? 1.0f : 0.0f);
  return log(sum) + top - out[c];
}

static double hinge(float z, float label, float *grad) {
  float y = label > 0 ? 1.0f : -1.0f;
  float margin = y * z;
  grad[0] = margin < 1 ? -y : 0.0f;
  return margin < 1 ? 1.0 - margin : 0.0;
}

double loss_builtin(int kind, const float *out, uint32_t n_out, const float *labels, float *grad) {
  switch (kind) {
    case VFL_LOSS_LOGISTIC: return logistic(out[0], labels[0], grad);
    case VFL_LOSS_SQUARE: return square(out, n_out, labels, grad);
    case VFL_LOSS_MULTINOMIAL: return multinomial(out, n_out, labels[0], grad);
    default: return hinge(out[0], labels[0], grad);
  }
}

static int check_shape(int kind, uint32_t n_labels, uint32_t n_out) {
  const char *name = loss_name(kind);
  if (kind == VFL_LOSS_SQUARE) {
    if (n_labels != n_out)
      return vfl_fail(VFL_EINVAL, "square loss: the net has %u outputs but rows have %u labels", n_out, n_labels);
    return VFL_OK;
  }
  if (n_labels != 1) return vfl_fail(VFL_EINVAL, "%s loss: rows need exactly one label, they have %u", name, n_labels);
  if (kind != VFL_LOSS_MULTINOMIAL && n_out != 1)
    return vfl_fail(VFL_EINVAL, "%s loss: the net must have 1 output, it has %u", name, n_out);
  if (kind == VFL_LOSS_MULTINOMIAL && n_out < 2)
    return vfl_fail(VFL_EINVAL, "multinomial loss: the net needs at least 2 outputs (one per class), it has %u", n_out);
  return VFL_OK;
}

int loss_check_one(int kind, const float *labels, uint32_t n_labels, uint32_t n_out, size_t row) {
  if (kind < VFL_LOSS_LOGISTIC || kind > VFL_LOSS_HINGE) return vfl_fail(VFL_EINVAL, "unknown loss kind %d", kind);
  int rc = check_shape(kind, n_labels, n_out);
  if (rc || kind == VFL_LOSS_SQUARE) return rc;
  float y = labels[0];
  if (kind == VFL_LOSS_MULTINOMIAL) {
    if (y != floorf(y) || y < 0 || y >= (float)n_out)
      return vfl_fail(VFL_EINVAL, "row %zu: label %g is not a class id for %u outputs (multinomial labels are 0..%u)",
                      row + 1, (double)y, n_out, n_out - 1);
    return VFL_OK;
  }
  if (y != 0 && y != 1 && y != -1)
    return vfl_fail(VFL_EINVAL, "row %zu: label %g is not binary (the %s loss takes 0/1 or -1/+1)", row + 1, (double)y,
                    loss_name(kind));
  return VFL_OK;
}

int loss_check_labels(int kind, const vfl_dataset *ds, uint32_t n_out) {
  return loss_check_rows(kind, ds, n_out, 0, ds->rows);
}

int loss_check_rows(int kind, const vfl_dataset *ds, uint32_t n_out, size_t from, size_t to) {
  for (size_t i = from; i < to; i++) {
    int rc = loss_check_one(kind, ds->labels + i * ds->n_labels, ds->n_labels, n_out, i);
    if (rc) return rc;
  }
  return VFL_OK;
}

int vfl_loss_eval(int kind, const float *out, uint32_t n_out, const float *labels, uint32_t n_labels, float *grad,
                  double *loss) {
  int rc = loss_check_one(kind, labels, n_labels, n_out, 0);
  if (rc) return rc;
  *loss = loss_builtin(kind, out, n_out, labels, grad);
  return VFL_OK;
}
