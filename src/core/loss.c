/*
** loss.c -- the one list of built-in losses (a new loss is one file,
** loss_<name>.c, defining a loss_ops, and one line here) and the label
** checks every loss shares.
*/
#include "dataset.h"
#include "error.h"
#include "loss.h"

extern const loss_ops loss_logistic, loss_square, loss_multinomial, loss_hinge, loss_multilabel;

/* Indexed by kind: one look-up per example. */
static const loss_ops *const registered[] = {
    [VFL_LOSS_LOGISTIC] = &loss_logistic, [VFL_LOSS_SQUARE] = &loss_square, [VFL_LOSS_MULTINOMIAL] = &loss_multinomial,
    [VFL_LOSS_HINGE] = &loss_hinge,       [VFL_LOSS_MULTILABEL] = &loss_multilabel,
};

const loss_ops *loss_find(int kind) {
  if (kind < 0 || (size_t)kind >= sizeof registered / sizeof *registered) return NULL;
  return registered[kind];
}

const char *loss_name(int kind) {
  const loss_ops *ops = loss_find(kind);
  return ops ? ops->name : kind == VFL_LOSS_CUSTOM ? "custom" : "unknown";
}

int loss_link(int kind) {
  const loss_ops *ops = loss_find(kind);
  return ops ? ops->link : VFL_LINK_IDENTITY;
}

int loss_check_binary(const char *name, float y, size_t row) {
  if (y != 0 && y != 1 && y != -1)
    return vfl_fail(VFL_EINVAL, "row %zu: label %g is not binary (the %s loss takes 0/1 or -1/+1)", row + 1, (double)y,
                    name);
  return VFL_OK;
}

int loss_check_one(int kind, const float *labels, uint32_t n_labels, uint32_t n_out, size_t row) {
  const loss_ops *ops = loss_find(kind);
  if (!ops) return vfl_fail(VFL_EINVAL, "unknown loss kind %d", kind);
  int rc = ops->check_shape(n_labels, n_out);
  if (rc == VFL_OK && ops->check_labels) rc = ops->check_labels(labels, n_labels, n_out, row);
  return rc;
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
