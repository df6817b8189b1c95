/*
** optim_sgd.c -- plain stochastic gradient descent: w -= lr_t * g. No state.
** rule_step inlines this same update for plain rules (the hot path).
*/
#include "optim.h"
#include "vec_bag.h"

VFL_HOGWILD static void sgd_apply(const vfl_rule *rule, float *w, float *g, uint32_t cols) {
  float lr = rule->lr_t;
  for (uint32_t j = 0; j < cols; j++) w[j] -= lr * g[j];
}

/* Every feature of a sparse parent in one loop (an embedding bag: vec_bag.h). */
VFL_HOGWILD static void sgd_step_sparse(const vfl_rule *rule, const vfl_param *p, const vfl_features *f, float scale,
                                        const float *dy, float *tmp) {
  vec_bag_sgd(p->cols, p->data, p->stride, f->index, f->value, f->n, scale, dy, rule->lr_t, tmp);
}

const vfl_optim_ops optim_sgd = {
    .kind = VFL_OPTIM_SGD,
    .name = "sgd",
    .state_slots = 0,
    .default_eps = 1e-8f,
    .apply = sgd_apply,
    .step_sparse = sgd_step_sparse,
};
