/*
** optim_adam.c -- ADAM (Kingma and Ba, 2015): first and second moment per
** weight (two state slots), the bias corrections folded into lr_t at the
** start of every step.
*/
#include <math.h>

#include "error.h"
#include "optim.h"

static int adam_check(const vfl_optim_spec *o, const char *where) {
  if (o->beta1 < 0 || o->beta1 >= 1 || o->beta2 < 0 || o->beta2 >= 1)
    return vfl_fail(VFL_EINVAL, "optimizer for %s: beta1 and beta2 must be in [0, 1)", where);
  return VFL_OK;
}

static void adam_begin_step(vfl_rule *rule) {
  rule->beta1_t *= rule->beta1;
  rule->beta2_t *= rule->beta2;
  rule->lr_t = (float)(rule->lr * rule->scale * sqrt(1.0 - rule->beta2_t) / (1.0 - rule->beta1_t));
}

VFL_HOGWILD static void adam_apply(const vfl_rule *rule, float *w, float *g, uint32_t cols) {
  float *restrict m = w + cols, *restrict v = w + 2 * cols, lr = rule->lr_t;
  for (uint32_t j = 0; j < cols; j++) {
    m[j] = rule->beta1 * m[j] + (1 - rule->beta1) * g[j];
    v[j] = rule->beta2 * v[j] + (1 - rule->beta2) * g[j] * g[j];
    w[j] -= lr * m[j] / (sqrtf(v[j]) + rule->eps);
  }
}

const vfl_optim_ops optim_adam = {
    .kind = VFL_OPTIM_ADAM,
    .name = "adam",
    .state_slots = 2,
    .default_eps = 1e-8f,
    .check = adam_check,
    .begin_step = adam_begin_step,
    .apply = adam_apply,
};
