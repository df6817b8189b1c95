/*
** optim.h -- how one row of weights moves given its gradient: the
** optimizer (one record per kind in optims.c, each kind in its own
** optim_<name>.c) and the priors of its block, resolved once when training
** starts into a flat rule. docs/anatomy-of-an-optimizer.md tells how to add
** a kind.
*/
#ifndef VFL_OPTIM_H
#define VFL_OPTIM_H

#include "net.h"
#include "vec.h"

typedef struct vfl_optim_ops vfl_optim_ops;

typedef struct vfl_rule {
  int kind;              /* VFL_OPTIM_* */
  const vfl_optim_ops *ops;
  float lr, beta1, beta2, eps;
  float ftrl_l1, ftrl_l2; /* FTRL's own strengths (the block's L1 prior is added to ftrl_l1) */
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
  /* the learning-rate schedule (vfl_optim_spec): lr_t = lr * scale */
  int schedule;
  float warmup, every, factor;
  float scale;
} vfl_rule;

/* One optimizer kind. Its row holds cols weights and then state_slots x
** cols floats of state (net.h); everything else it needs is in the rule. */
struct vfl_optim_ops {
  int kind;              /* VFL_OPTIM_* */
  const char *name;      /* as in Lua: vfl.optim.<name> */
  uint32_t state_slots;
  float default_eps;     /* what eps = 0 picks */
  /* The kind's own settings (lr and the schedule are checked for every kind);
  ** NULL: nothing more to check. */
  int (*check)(const vfl_optim_spec *o, const char *where);
  /* Before each optimisation step (ADAM's bias correction); NULL: none. */
  void (*begin_step)(vfl_rule *rule);
  /* Moves weights w (state after them, cols apart) by gradient g with
  ** step rule->lr_t; g may be overwritten. */
  void (*apply)(const vfl_rule *rule, float *w, float *g, uint32_t cols);
  /* The step size of weight j for the L1 prior's soft threshold; NULL: lr_t. */
  float (*l1_step)(const vfl_rule *rule, const float *w, uint32_t cols, uint32_t j);
  /* The kind does L1 itself (FTRL): the prior's L1 goes into rule->ftrl_l1
  ** instead of the soft threshold. */
  int own_l1;
  /* Optional: the whole sparse update of rule_step_sparse for a plain rule
  ** (no priors), one loop without a call per row (vec_bag.h's kernels);
  ** tmp is cols floats of scratch. NULL: rule_step per row. */
  void (*step_sparse)(const vfl_rule *rule, const vfl_param *p, const vfl_features *f, float scale, const float *dy,
                      float *tmp);
};

/* The registered kinds (optims.c); NULL for an unknown kind. */
const vfl_optim_ops *optim_find(int kind);

/* State slots the kind keeps next to each weight. */
uint32_t optim_state_slots(int kind);
int optim_check(const vfl_optim_spec *o, const char *where);
/* Whether spec changes its learning rate over the run (a schedule or warm-up). */
int optim_scheduled(const vfl_optim_spec *o);
/* Fills rule from opt and the priors of block `block` of layer l. */
void rule_resolve(vfl_rule *rule, const vfl_optim_spec *opt, const vfl_layer *l, uint32_t block);

/* Advances the rule by one optimisation step (ADAM's bias correction). */
void rule_begin_step(vfl_rule *rule);

/* Sets the schedule's point: progress = examples so far / examples in the
** run (0..1), epoch = examples so far / rows of one epoch. */
void rule_set_progress(vfl_rule *rule, double progress, double epoch);

/* Moves row (weights then state, see net.h) of block row id `r` by gradient
** g, with the step size rule->lr_t. g may be overwritten. */
void rule_apply(const vfl_rule *rule, float *row, float *g, uint32_t cols, uint32_t r);

/* Moves row r by the gradient a * dy (dy is not changed): the same step as
** rule_apply on that product, without writing it out first when the rule is
** plain SGD or AdaGrad (the per-example hot path, inlined here as before
** the kinds became records: no indirect call per non-zero); tmp (cols floats) is
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
