/*
** loss.h -- built-in losses: value and gradient for one output vector, and
** the check of a dataset's labels made once before training (so that the hot
** loop needs no error path for them). One record per loss (loss_<name>.c),
** listed once in loss.c.
*/
#ifndef VFL_LOSS_H
#define VFL_LOSS_H

#include "vfl.h"

typedef struct loss_ops {
  int kind;              /* VFL_LOSS_* */
  const char *name;      /* as net:learn takes it */
  int link;              /* VFL_LINK_*: how outputs become predictions */
  /* The net's outputs against the rows' label count; an error names the loss. */
  int (*check_shape)(uint32_t n_labels, uint32_t n_out);
  /* One row's labels (row is 0-based, shown 1-based); NULL: any number. */
  int (*check_labels)(const float *labels, uint32_t n_labels, uint32_t n_out, size_t row);
  /* Value for one example; writes the gradient of every output. */
  double (*eval)(const float *out, uint32_t n_out, const float *labels, float *grad);
} loss_ops;

/* The record of a built-in kind, or NULL (unknown, or VFL_LOSS_CUSTOM). */
const loss_ops *loss_find(int kind);

/* Labels must have been checked (loss_check_labels). */
static inline double loss_builtin(int kind, const float *out, uint32_t n_out, const float *labels, float *grad) {
  return loss_find(kind)->eval(out, n_out, labels, grad);
}
int loss_check_labels(int kind, const vfl_dataset *ds, uint32_t n_out);
/* The same over rows [from, to). */
int loss_check_rows(int kind, const vfl_dataset *ds, uint32_t n_out, size_t from, size_t to);
int loss_check_one(int kind, const float *labels, uint32_t n_labels, uint32_t n_out, size_t row);
const char *loss_name(int kind);
int loss_link(int kind);

/* Shared by the binary losses: a label must be 0/1 or -1/+1. */
int loss_check_binary(const char *name, float y, size_t row);
/* log(1 + e^z) - y z and its gradient sigmoid(z) - y, y = label > 0. */
double loss_logistic_one(float z, float label, float *grad);

#endif
