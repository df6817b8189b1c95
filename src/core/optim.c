/*
** optim.c -- what every optimizer kind shares: the checks of the common
** settings, the rule built from a spec and the block's priors, the
** learning-rate schedule, and the step on one row (priors around the kind's
** own update, optim_<name>.c).
**
** Priors act on the rows a step touches (the "lazy" form usual for sparse
** models): a feature absent from a batch is neither decayed nor shrunk.
*/
#include <math.h>

#include "error.h"
#include "optim.h"

uint32_t optim_state_slots(int kind) {
  const vfl_optim_ops *ops = optim_find(kind);
  return ops ? ops->state_slots : 0;
}

static int check_schedule(const vfl_optim_spec *o, const char *where) {
  if (o->schedule < VFL_SCHEDULE_CONSTANT || o->schedule > VFL_SCHEDULE_STEP)
    return vfl_fail(VFL_EINVAL, "optimizer for %s: schedule %d is unknown (0 constant, 1 linear, 2 cosine, 3 step)",
                    where, o->schedule);
  if (!(o->warmup >= 0 && o->warmup < 1))
    return vfl_fail(VFL_EINVAL, "optimizer for %s: warmup %g must be a fraction of the run in [0, 1)", where,
                    (double)o->warmup);
  if (o->schedule != VFL_SCHEDULE_STEP) return VFL_OK;
  if (!(o->every > 0) || isinf(o->every))
    return vfl_fail(VFL_EINVAL, "optimizer for %s: the step schedule needs every > 0 (epochs), got %g", where,
                    (double)o->every);
  if (!(o->factor > 0 && o->factor <= 1))
    return vfl_fail(VFL_EINVAL, "optimizer for %s: the step schedule needs factor in (0, 1], got %g", where,
                    (double)o->factor);
  return VFL_OK;
}

int optim_check(const vfl_optim_spec *o, const char *where) {
  const vfl_optim_ops *ops = optim_find(o->kind);
  if (!ops) return vfl_fail(VFL_EINVAL, "optimizer for %s: unknown kind %d", where, o->kind);
  if (!(o->lr > 0) || isinf(o->lr))
    return vfl_fail(VFL_EINVAL, "optimizer for %s: learning rate %g must be a finite number above 0", where, (double)o->lr);
  if (!(o->eps >= 0) || isinf(o->eps)) return vfl_fail(VFL_EINVAL, "optimizer for %s: eps must be >= 0", where);
  int rc = check_schedule(o, where);
  if (rc == VFL_OK && ops->check) rc = ops->check(o, where);
  return rc;
}

int optim_scheduled(const vfl_optim_spec *o) { return o->schedule != VFL_SCHEDULE_CONSTANT || o->warmup > 0; }

static void resolve_priors(vfl_rule *rule, const vfl_layer *l, uint32_t block) {
  for (uint32_t i = 0; i < l->n_priors && !l->blocks[block].bias; i++) {
    const vfl_prior_spec *p = &l->priors[i].spec;
    if (p->parent >= 0 && (uint32_t)p->parent != block) continue;
    /* Strength 0 pulls nowhere: leaving the rule plain keeps it on the same
    ** (fast) path, and so the same float sums, as no prior at all. */
    if ((p->kind == VFL_PRIOR_L2 || p->kind == VFL_PRIOR_L1) && p->lambda == 0) continue;
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
}

void rule_resolve(vfl_rule *rule, const vfl_optim_spec *opt, const vfl_layer *l, uint32_t block) {
  const vfl_optim_ops *ops = optim_find(opt->kind); /* checked by optim_check before */
  rule->kind = opt->kind;
  rule->ops = ops;
  rule->lr = opt->lr;
  rule->beta1 = opt->beta1 > 0 ? opt->beta1 : 0.9f;
  rule->beta2 = opt->beta2 > 0 ? opt->beta2 : 0.999f;
  rule->eps = opt->eps > 0 ? opt->eps : ops->default_eps;
  rule->ftrl_l1 = opt->l1;
  rule->ftrl_l2 = opt->l2;
  rule->l2 = rule->l1 = rule->l2_row_lambda = rule->floor = 0;
  rule->l2_row = rule->center = rule->l1_center = NULL;
  rule->positive = 0;
  resolve_priors(rule, l, block);
  if (ops->own_l1 && !rule->l1_center) {
    rule->ftrl_l1 += rule->l1;
    rule->l1 = 0;
  }
  rule->schedule = opt->schedule;
  rule->warmup = opt->warmup;
  rule->every = opt->every;
  rule->factor = opt->factor;
  rule->scale = optim_scheduled(opt) ? 0.0f : 1.0f; /* set by rule_set_progress before the first step */
  rule->lr_t = rule->lr * rule->scale;
  rule->beta1_t = rule->beta2_t = 1.0;
  rule->plain = !rule->l2 && !rule->l2_row && !rule->center && !rule->l1 && !rule->positive;
  if (optim_scheduled(opt)) rule_set_progress(rule, 0.0, 0.0);
}

/* The schedule's multiplier of lr at this point of the run. */
static double schedule_scale(const vfl_rule *rule, double progress, double epoch) {
  double w = rule->warmup;
  if (progress < w) return progress / w; /* linear ramp from 0 */
  double p = w > 0 ? (progress - w) / (1.0 - w) : progress; /* the schedule runs over the rest */
  if (p > 1) p = 1;
  switch (rule->schedule) {
    case VFL_SCHEDULE_LINEAR: return 1.0 - p;
    case VFL_SCHEDULE_COSINE: return 0.5 * (1.0 + cos(3.14159265358979323846 * p));
    case VFL_SCHEDULE_STEP: return pow(rule->factor, floor(epoch / rule->every));
    default: return 1.0;
  }
}

void rule_set_progress(vfl_rule *rule, double progress, double epoch) {
  if (rule->schedule == VFL_SCHEDULE_CONSTANT && !(rule->warmup > 0)) return;
  double s = schedule_scale(rule, progress, epoch);
  rule->scale = (float)(s > 0 ? s : 0);
  rule->lr_t = rule->lr * rule->scale; /* ADAM's begin_step adds its corrections */
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
** w >= floor. */
static void shrink(const vfl_rule *rule, float *w, uint32_t cols, uint32_t r) {
  const float *c = rule->l1_center ? rule->l1_center + (size_t)r * cols : NULL;
  for (uint32_t j = 0; j < cols; j++) {
    if (rule->l1 > 0) {
      float step = rule->ops->l1_step ? rule->ops->l1_step(rule, w, cols, j) : rule->lr_t;
      float centre = c ? c[j] : 0.0f, d = w[j] - centre, a = fabsf(d) - rule->l1 * step;
      w[j] = a > 0 ? centre + copysignf(a, d) : centre;
    }
    if (rule->positive && w[j] < rule->floor) w[j] = rule->floor;
  }
}

void rule_begin_step(vfl_rule *rule) {
  if (rule->ops->begin_step) rule->ops->begin_step(rule);
}

VFL_HOGWILD void rule_apply(const vfl_rule *rule, float *row, float *g, uint32_t cols, uint32_t r) {
  if (!rule->plain) add_l2(rule, row, g, cols, r);
  rule->ops->apply(rule, row, g, cols);
  if (!rule->plain) shrink(rule, row, cols, r);
}

VFL_HOGWILD void rule_step_sparse(const vfl_rule *rule, const vfl_param *p, const vfl_features *f, float scale, const float *dy,
                      float *tmp) {
  if (rule->plain && rule->ops->step_sparse) {
    rule->ops->step_sparse(rule, p, f, scale, dy, tmp);
    return;
  }
  for (uint32_t j = 0; j < f->n; j++)
    rule_step(rule, p->data + f->index[j] * p->stride, f->value ? scale * f->value[j] : scale, dy, p->cols, f->index[j],
              tmp);
}
