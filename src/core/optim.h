/*
** optim.h -- how one row of weights moves given its gradient: the
** optimizer (SGD, AdaGrad, ADAM) and the priors of its block, resolved once
** when training starts into a flat rule.
*/
#ifndef VFL_OPTIM_H
#define VFL_OPTIM_H

#include "net.h"
#include "vec.h"

typedef struct vfl_rule {
  int kind;              /* VFL_OPTIM_* */
  float lr, beta1, beta2, eps;
  float l2;              /* sum of global L2 strengths */
  const float *l2_row;   /* per input feature multiplier of l2_row_lambda, or NULL */
  float l2_row_lambda;
  const float *center;   /* rows x cols matrix L2 pulls the weights to, or NULL */
  float l1;
  const float *l1_center; /* rows x cols matrix L1 shrinks the weights to, or NULL */
  int positive;          /* weights are kept >= floor */
  float floor;
  int plain;             /* no prior at all: the fast path */
  float lr_t;            /* this step's size (ADAM: with bias corrections) */
  double beta1_t, beta2_t; /* ADAM: beta^t */
} vfl_rule;

/* State slots the kind keeps next to each weight. */
uint32_t optim_state_slots(int kind);
int optim_check(const vfl_optim_spec *o, const char *where);
/* Fills rule from opt and the priors of block `block` of layer l. */
void rule_resolve(vfl_rule *rule, const vfl_optim_spec *opt, const vfl_layer *l, uint32_t block);

/* Advances the rule by one optimisation step (ADAM's bias correction). */
void rule_begin_step(vfl_rule *rule);

/* Moves row (weights then state, see net.h) of block row id `r` by gradient
** g, with the step size rule->lr_t. g may be overwritten. */
void rule_apply(const vfl_rule *rule, float *row, float *g, uint32_t cols, uint32_t r);

/* Moves row r by the gradient a * dy (dy is not changed): the same step as
** rule_apply on that product, without writing it out first when the rule is
** plain SGD or AdaGrad (the per-example hot path); tmp (cols floats) is
** scratch for the other rules. */
VFL_HOGWILD static inline void rule_step(const vfl_rule *rule, float *row, float a, const float *dy, uint32_t cols, uint32_t r,
                             float *tmp) {
  if (rule->plain && rule->kind == VFL_OPTIM_ADAGRAD) {
    vec_adagrad(cols, a, dy, row, row + cols, rule->lr_t, rule->eps);
  } else if (rule->plain && rule->kind == VFL_OPTIM_SGD) {
    float lr = rule->lr_t;
    for (uint32_t j = 0; j < cols; j++) row[j] -= lr * (a * dy[j]);
  } else {
    for (uint32_t j = 0; j < cols; j++) tmp[j] = a * dy[j];
    rule_apply(rule, row, tmp, cols, r);
  }
}

/* rule_step for every feature of a sparse parent: row f->index[j] of p
** moves by (scale * value_j) * dy. The rule's choice is made once, not per
** row, and one-column blocks (logistic regression) have their own loop. */
void rule_step_sparse(const vfl_rule *rule, const vfl_param *p, const vfl_features *f, float scale, const float *dy,
                      float *tmp);

#endif
