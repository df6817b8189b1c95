/*
** train_opts.c -- the trainer's checks of two options that change how rows
** count: the span of the learning-rate schedules and the class weights.
*/
#include <math.h>

#include "error.h"
#include "optim.h"
#include "train.h"

/* Whether the default optimizer or a layer's own has a schedule. */
static int any_schedule(const trainer *t) {
  int any = optim_scheduled(&t->opt.optim);
  for (uint32_t i = 0; i < t->net->n_layers; i++)
    if (t->net->layers[i].optim.kind && optim_scheduled(&t->net->layers[i].optim)) any = 1;
  return any;
}

int trainer_check_schedule(trainer *t) {
  t->scheduled = any_schedule(t);
  atomic_store(&t->sched_seen, 0);
  if (!t->scheduled) return VFL_OK;
  uint64_t total = t->opt.schedule_rows;
  if (!total && t->streaming)
    return vfl_fail(VFL_EINVAL, "learn: a learning-rate schedule on a stream needs the stream's length in examples "
                                "(vfl_train_options.schedule_rows; Lua: the learn option schedule_rows =)");
  if (!total) total = (uint64_t)t->opt.epochs * t->ds->rows;
  t->sched_total = (double)total;
  t->sched_epoch_rows = t->streaming ? (double)total : (double)t->ds->rows;
  return VFL_OK;
}

/* Classes the loss tells apart: the weights must name each of them. */
static uint32_t loss_classes(const trainer *t) {
  if (t->loss.kind == VFL_LOSS_MULTINOMIAL) return t->net->layers[t->net->output].dim;
  if (t->loss.kind == VFL_LOSS_LOGISTIC || t->loss.kind == VFL_LOSS_HINGE) return 2;
  return 0;
}

int trainer_check_class_weights(trainer *t) {
  if (!t->opt.class_weights) return VFL_OK;
  uint32_t k = loss_classes(t);
  if (!k)
    return vfl_fail(VFL_EINVAL, "learn: class weights need the multinomial, logistic or hinge loss");
  if (t->opt.n_class_weights != k)
    return vfl_fail(VFL_EINVAL, "learn: class_weights has %u weights, the loss has %u classes", t->opt.n_class_weights, k);
  for (uint32_t c = 0; c < k; c++)
    if (!(t->opt.class_weights[c] >= 0) || isinf(t->opt.class_weights[c]))
      return vfl_fail(VFL_EINVAL, "learn: class_weights: the weight of class %u is %g; weights must be finite and >= 0",
                      c, (double)t->opt.class_weights[c]);
  return VFL_OK;
}
