/*
** optim.c -- SGD, AdaGrad and ADAM on one row, with L2, L1 and positivity.
**
** Priors act on the rows a step touches (the "lazy" form usual for sparse
** models): a feature absent from a batch is neither decayed nor shrunk.
*/
#include <math.h>

#include "error.h"
#include "optim.h"
#include "vec_bag.h"

uint32_t optim_state_slots(int kind) {
  return kind == VFL_OPTIM_ADAGRAD ? 1 : kind == VFL_OPTIM_ADAM ? 2 : 0;
}

int optim_check(const vfl_optim_spec *o, const char *where) {
  if (o->kind != VFL_OPTIM_SGD && o->kind != VFL_OPTIM_ADAGRAD && o->kind != VFL_OPTIM_ADAM)
    return vfl_fail(VFL_EINVAL, "optimizer for %s: unknown kind %d", where, o->kind);
  if (!(o->lr > 0) || isinf(o->lr))
    return vfl_fail(VFL_EINVAL, "optimizer for %s: learning rate %g must be a finite number above 0", where, (double)o->lr);
  if (o->beta1 < 0 || o->beta1 >= 1 || o->beta2 < 0 || o->beta2 >= 1)
    return vfl_fail(VFL_EINVAL, "optimizer for %s: beta1 and beta2 must be in [0, 1)", where);
  if (o->eps < 0) return vfl_fail(VFL_EINVAL, "optimizer for %s: eps must be >= 0", where);
  return VFL_OK;
}

void rule_resolve(vfl_rule *rule, const vfl_optim_spec *opt, const vfl_layer *l, uint32_t block) {
  rule->kind = opt->kind;
  rule->lr = opt->lr;
  rule->beta1 = opt->beta1 > 0 ? opt->beta1 : 0.9f;
  rule->beta2 = opt->beta2 > 0 ? opt->beta2 : 0.999f;
  rule->eps = opt->eps > 0 ? opt->eps : 1e-8f;
  rule->l2 = rule->l1 = rule->l2_row_lambda = rule->floor = 0;
  rule->l2_row = rule->center = rule->l1_center = NULL;
  rule->positive = 0;
  int is_bias = l->blocks[block].bias;
  for (uint32_t i = 0; i < l->n_priors && !is_bias; i++) {
    const vfl_prior_spec *p = &l->priors[i].spec;
    if (p->parent >= 0 && (uint32_t)p->parent != block) continue;
    if (p->kind == VFL_PRIOR_L2 && p->per_row) {
      rule->l2_row = p->per_row; /* the strength is lambda times the feature's multiplier */
      rule->l2_row_lambda = p->lambda;
    } else if (p->kind == VFL_PRIOR_L2) {
      rule->l2 += p->lambda;
    }
    if (p->kind == VFL_PRIOR_L2 && p->center) rule->center = p->center;
    if (p->kind == VFL_PRIOR_L1) rule->l1 += p->lambda;
    if (p->kind == VFL_PRIOR_L1 && p->center) rule->l1_center = p->center;
    if (p->kind == VFL_PRIOR_POSITIVE) {
      rule->floor = rule->positive && rule->floor > p->floor ? rule->floor : p->floor;
      rule->positive = 1;
    }
  }
  rule->lr_t = rule->lr;
  rule->beta1_t = rule->beta2_t = 1.0;
  rule->plain = !rule->l2 && !rule->l2_row && !rule->center && !rule->l1 && !rule->positive;
}

/* g += l2 * (w - center): the gradient of the L2 prior. */
static void add_l2(const vfl_rule *rule, const float *w, float *g, uint32_t cols, uint32_t r) {
  float l2 = rule->l2 + (rule->l2_row ? rule->l2_row_lambda * rule->l2_row[r] : 0.0f);
  if (l2 == 0.0f) return;
  const float *c = rule->center ? rule->center + (size_t)r * cols : NULL;
  for (uint32_t j = 0; j < cols; j++) g[j] += l2 * (w[j] - (c ? c[j] : 0.0f));
}

/* Proximal step for L1 (soft threshold towards the centre, 0 or the
** prior's matrix, by the step's own size), then the projection onto
** w >= floor. AdaGrad's per-weight step size is in s1. */
static void shrink(const vfl_rule *rule, float *w, const float *s1, uint32_t cols, uint32_t r, float lr_t) {
  const float *c = rule->l1_center ? rule->l1_center + (size_t)r * cols : NULL;
  for (uint32_t j = 0; j < cols; j++) {
    if (rule->l1 > 0) {
      float step = rule->kind == VFL_OPTIM_ADAGRAD ? lr_t / (sqrtf(s1[j]) + rule->eps) : lr_t;
      float centre = c ? c[j] : 0.0f, d = w[j] - centre, a = fabsf(d) - rule->l1 * step;
      w[j] = a > 0 ? centre + copysignf(a, d) : centre;
    }
    if (rule->positive && w[j] < rule->floor) w[j] = rule->floor;
  }
}

void rule_begin_step(vfl_rule *rule) {
  if (rule->kind != VFL_OPTIM_ADAM) return;
  rule->beta1_t *= rule->beta1;
  rule->beta2_t *= rule->beta2;
  rule->lr_t = (float)(rule->lr * sqrt(1.0 - rule->beta2_t) / (1.0 - rule->beta1_t));
}

VFL_HOGWILD void rule_apply(const vfl_rule *rule, float *row, float *g, uint32_t cols, uint32_t r) {
  float lr_t = rule->lr_t;
  float *restrict w = row;
  float *restrict s1 = row + cols;
  float *restrict s2 = row + 2 * cols;
  if (!rule->plain) add_l2(rule, w, g, cols, r);
  switch (rule->kind) {
    case VFL_OPTIM_SGD:
      for (uint32_t j = 0; j < cols; j++) w[j] -= lr_t * g[j];
      break;
    case VFL_OPTIM_ADAGRAD:
      vec_adagrad(cols, 1.0f, g, w, s1, lr_t, rule->eps);
      break;
    default: /* ADAM */
      for (uint32_t j = 0; j < cols; j++) {
        s1[j] = rule->beta1 * s1[j] + (1 - rule->beta1) * g[j];
        s2[j] = rule->beta2 * s2[j] + (1 - rule->beta2) * g[j] * g[j];
        w[j] -= lr_t * s1[j] / (sqrtf(s2[j]) + rule->eps);
      }
  }
  if (!rule->plain) shrink(rule, w, s1, cols, r, lr_t);
}

VFL_HOGWILD void rule_step_sparse(const vfl_rule *rule, const vfl_param *p, const vfl_features *f, float scale, const float *dy,
                      float *tmp) {
  const uint32_t *idx = f->index;
  const float *val = f->value;
  float *data = p->data;
  size_t stride = p->stride;
  uint32_t n = f->n, cols = p->cols;
  if (cols == 1 && rule->plain && rule->kind == VFL_OPTIM_ADAGRAD) {
    /* Logistic regression: one weight and its sum of squares per feature. */
    float lr = rule->lr_t, eps = rule->eps, d = dy[0];
    if (!val) { /* indicator rows: every feature has the same gradient */
      float g = scale * d, gg = g * g, step = lr * g;
      for (uint32_t j = 0; j < n; j++) {
        float *row = data + idx[j] * stride;
        row[1] += gg;
        row[0] -= step / (sqrtf(row[1]) + eps);
      }
    } else {
      for (uint32_t j = 0; j < n; j++) {
        float *row = data + idx[j] * stride, g = (scale * val[j]) * d;
        row[1] += g * g;
        row[0] -= lr * g / (sqrtf(row[1]) + eps);
      }
    }
    return;
  }
  if (rule->plain && rule->kind == VFL_OPTIM_ADAGRAD) { /* an embedding bag: vec_bag.h */
    vec_bag_adagrad(cols, data, stride, idx, val, n, scale, dy, rule->lr_t, rule->eps);
    return;
  }
  if (rule->plain && rule->kind == VFL_OPTIM_SGD) {
    vec_bag_sgd(cols, data, stride, idx, val, n, scale, dy, rule->lr_t, tmp);
    return;
  }
  for (uint32_t j = 0; j < n; j++)
    rule_step(rule, data + idx[j] * stride, val ? scale * val[j] : scale, dy, cols, idx[j], tmp);
}
