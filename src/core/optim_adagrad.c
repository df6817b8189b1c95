/*
** optim_adagrad.c -- AdaGrad (Duchi et al., 2011): per weight the sum of
** squared gradients s, and w -= lr_t * g / (sqrt(s) + eps). One state slot.
** rule_step inlines this same update for plain rules (the hot path).
*/
#include <math.h>

#include "optim.h"
#include "vec_bag.h"

VFL_HOGWILD static void adagrad_apply(const vfl_rule *rule, float *w, float *g, uint32_t cols) {
  vec_adagrad(cols, 1.0f, g, w, w + cols, rule->lr_t, rule->eps);
}

/* The L1 prior's threshold scales with the weight's own step size. */
static float adagrad_l1_step(const vfl_rule *rule, const float *w, uint32_t cols, uint32_t j) {
  return rule->lr_t / (sqrtf(w[cols + j]) + rule->eps);
}

/* Every feature of a sparse parent: an embedding bag's rows through
** vec_bag.h; one-column blocks (logistic regression: one weight and its sum
** of squares per feature) in a loop of their own. */
VFL_HOGWILD static void adagrad_step_sparse(const vfl_rule *rule, const vfl_param *p, const vfl_features *f, float scale,
                                            const float *dy, float *tmp) {
  (void)tmp;
  const uint32_t *idx = f->index;
  const float *val = f->value;
  float *data = p->data, lr = rule->lr_t, eps = rule->eps;
  size_t stride = p->stride;
  uint32_t n = f->n, cols = p->cols;
  if (cols != 1) {
    vec_bag_adagrad(cols, data, stride, idx, val, n, scale, dy, lr, eps);
    return;
  }
  float d = dy[0];
  if (!val) { /* indicator rows: every feature has the same gradient */
    float g = scale * d, gg = g * g, step = lr * g;
    for (uint32_t j = 0; j < n; j++) {
      float *row = data + idx[j] * stride;
      row[1] += gg;
      row[0] -= step / (sqrtf(row[1]) + eps);
    }
    return;
  }
  for (uint32_t j = 0; j < n; j++) {
    float *row = data + idx[j] * stride, g = (scale * val[j]) * d;
    row[1] += g * g;
    row[0] -= lr * g / (sqrtf(row[1]) + eps);
  }
}

const vfl_optim_ops optim_adagrad = {
    .kind = VFL_OPTIM_ADAGRAD,
    .name = "adagrad",
    .state_slots = 1,
    .default_eps = 1e-8f,
    .apply = adagrad_apply,
    .l1_step = adagrad_l1_step,
    .step_sparse = adagrad_step_sparse,
};
