/*
** loss.h -- built-in losses: value and gradient for one output vector, and
** the check of a dataset's labels made once before training (so that the hot
** loop needs no error path for them).
*/
#ifndef VFL_LOSS_H
#define VFL_LOSS_H

#include "vfl.h"

/* Labels must have been checked (loss_check_labels). */
double loss_builtin(int kind, const float *out, uint32_t n_out, const float *labels, float *grad);
int loss_check_labels(int kind, const vfl_dataset *ds, uint32_t n_out);
/* The same over rows [from, to). */
int loss_check_rows(int kind, const vfl_dataset *ds, uint32_t n_out, size_t from, size_t to);
int loss_check_one(int kind, const float *labels, uint32_t n_labels, uint32_t n_out, size_t row);
const char *loss_name(int kind);
int loss_link(int kind);

#endif
