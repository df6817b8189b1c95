/*
** optim_ftrl.c -- FTRL-Proximal (McMahan et al., "Ad click prediction: a
** view from the trenches", KDD 2013, algorithm 1), per coordinate:
**
**   sigma = (sqrt(n + g^2) - sqrt(n)) / alpha
**   z += g - sigma * w;   n += g^2
**   w  = 0                                          if |z| <= l1
**        -(z - sign(z) l1) / ((beta + sqrt(n)) / alpha + l2)   otherwise
**
** with alpha = lr_t (the schedule scales it), beta = eps. State: z and n
** (two slots). The paper computes w from (z, n) when a feature is touched;
** w depends on nothing else, so computing it right after the update and
** storing it in the weight slot is the same thing (lazy: an untouched
** feature's w, z and n do not change), and forward reads weights as for
** every other kind. A weight whose |z| stays within l1 is exactly 0.
*/
#include <math.h>

#include "error.h"
#include "optim.h"

static int ftrl_check(const vfl_optim_spec *o, const char *where) {
  if (!(o->l1 >= 0) || isinf(o->l1)) return vfl_fail(VFL_EINVAL, "optimizer for %s: FTRL l1 must be >= 0", where);
  if (!(o->l2 >= 0) || isinf(o->l2)) return vfl_fail(VFL_EINVAL, "optimizer for %s: FTRL l2 must be >= 0", where);
  return VFL_OK;
}

VFL_HOGWILD static inline void ftrl_one(float *w, float *z, float *n, float g, float alpha, float beta, float l1,
                                        float l2) {
  float n0 = *n, n1 = n0 + g * g, root = sqrtf(n1);
  float sigma = (root - sqrtf(n0)) / alpha;
  float zz = *z + g - sigma * *w;
  *z = zz;
  *n = n1;
  *w = fabsf(zz) <= l1 ? 0.0f : -(zz - copysignf(l1, zz)) / ((beta + root) / alpha + l2);
}

VFL_HOGWILD static void ftrl_apply(const vfl_rule *rule, float *w, float *g, uint32_t cols) {
  float alpha = rule->lr_t, beta = rule->eps, l1 = rule->ftrl_l1, l2 = rule->ftrl_l2;
  if (!(alpha > 0)) return; /* a schedule at 0 (warm-up start, end of a linear decay): no step */
  for (uint32_t j = 0; j < cols; j++) ftrl_one(w + j, w + cols + j, w + 2 * cols + j, g[j], alpha, beta, l1, l2);
}

/* Every feature of a sparse parent without a call per row. */
VFL_HOGWILD static void ftrl_step_sparse(const vfl_rule *rule, const vfl_param *p, const vfl_features *f, float scale,
                                         const float *dy, float *tmp) {
  (void)tmp;
  float alpha = rule->lr_t, beta = rule->eps, l1 = rule->ftrl_l1, l2 = rule->ftrl_l2;
  if (!(alpha > 0)) return;
  uint32_t cols = p->cols;
  for (uint32_t j = 0; j < f->n; j++) {
    float *row = p->data + f->index[j] * p->stride, a = f->value ? scale * f->value[j] : scale;
    for (uint32_t c = 0; c < cols; c++) ftrl_one(row + c, row + cols + c, row + 2 * cols + c, a * dy[c], alpha, beta, l1, l2);
  }
}

const vfl_optim_ops optim_ftrl = {
    .kind = VFL_OPTIM_FTRL,
    .name = "ftrl",
    .state_slots = 2,
    .default_eps = 1.0f, /* beta */
    .check = ftrl_check,
    .apply = ftrl_apply,
    .own_l1 = 1,
    .step_sparse = ftrl_step_sparse,
};
