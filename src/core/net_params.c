/*
** net_params.c -- the weights of Linear layers: allocation, initialisation,
** optimizer state slots, copies in and out, priors and per-layer optimizers.
*/
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "net.h"
#include "rng.h"
#include "work.h"

static int param_alloc(vfl_param *p, uint32_t rows, uint32_t cols) {
  p->rows = rows;
  p->cols = cols;
  p->stride = cols;
  p->n_state = 0;
  p->state_kind = 0;
  p->data = vfl_alloc_aligned((size_t)rows * cols * sizeof(float));
  return p->data ? VFL_OK : VFL_ENOMEM;
}

int net_alloc_params(vfl_net *net) {
  for (uint32_t i = 0; i < net->n_layers; i++) {
    vfl_layer *l = &net->layers[i];
    if (!net_is_linear(l) || l->blocks) continue;
    l->n_blocks = l->n_parents + (l->spec.intercept ? 1 : 0);
    l->blocks = vfl_calloc(l->n_blocks, sizeof *l->blocks);
    if (!l->blocks) return VFL_ENOMEM;
    for (uint32_t p = 0; p < l->n_parents; p++)
      if (param_alloc(&l->blocks[p], net->layers[l->parents[p]].dim, l->dim)) return VFL_ENOMEM;
    if (l->spec.intercept && param_alloc(&l->blocks[l->n_parents], 1, l->dim)) return VFL_ENOMEM;
  }
  return VFL_OK;
}

/* Sparse parents start small (most rows are seen rarely, and a row's scale
** should not depend on the feature space); dense parents use Glorot's
** uniform range; biases start at zero. */
static float auto_scale(const vfl_net *net, const vfl_layer *l, uint32_t p) {
  const vfl_layer *parent = &net->layers[l->parents[p]];
  if (parent->sparse_out) return 0.01f;
  return sqrtf(6.0f / (float)(parent->dim + l->dim));
}

static void init_block(vfl_param *blk, float scale, vfl_rng *rng) {
  for (uint32_t r = 0; r < blk->rows; r++) {
    float *w = param_row(blk, r);
    for (uint32_t c = 0; c < blk->cols; c++) w[c] = scale * (float)(2.0 * vfl_rng_uniform(rng) - 1.0);
    memset(w + blk->cols, 0, (size_t)(blk->stride - blk->cols) * sizeof(float));
  }
}

int vfl_net_init(vfl_net *net, float scale, uint64_t seed) {
  if (!net->ready) {
    int rc = net_compile(net);
    if (rc == VFL_OK) rc = net_alloc_params(net);
    if (rc) return rc;
  }
  if (!(scale == scale) || isinf(scale)) return vfl_fail(VFL_EINVAL, "init: scale must be a finite number");
  vfl_rng rng;
  vfl_rng_seed(&rng, seed);
  for (uint32_t i = 0; i < net->n_layers; i++) {
    vfl_layer *l = &net->layers[i];
    for (uint32_t p = 0; p < l->n_parents && net_is_linear(l); p++)
      init_block(&l->blocks[p], scale >= 0 ? scale : auto_scale(net, l, p), &rng);
    if (net_is_linear(l) && l->spec.intercept) init_block(&l->blocks[l->n_parents], 0.0f, &rng);
  }
  net->ready = 1;
  return VFL_OK;
}

int param_set_state(vfl_param *p, uint32_t n_state, int kind) {
  if (p->n_state == n_state && p->state_kind == kind) return VFL_OK;
  uint32_t stride = p->cols * (1 + n_state);
  float *data = vfl_alloc_aligned((size_t)p->rows * stride * sizeof(float));
  if (!data) return VFL_ENOMEM;
  for (uint32_t r = 0; r < p->rows; r++) memcpy(data + (size_t)r * stride, param_row(p, r), p->cols * sizeof(float));
  vfl_free_aligned(p->data);
  p->data = data;
  p->stride = stride;
  p->n_state = n_state;
  p->state_kind = kind;
  return VFL_OK;
}

static int find_block(const vfl_net *net, const char *layer, uint32_t block, vfl_param **out) {
  if (!net->ready) return vfl_fail(VFL_EINVAL, "the net is not initialised: call init first");
  vfl_layer *l = net_layer(net, layer);
  if (!l) return VFL_EINVAL;
  if (!net_is_linear(l)) return vfl_fail(VFL_EINVAL, "layer '%s' has no parameters", layer);
  if (block >= l->n_blocks)
    return vfl_fail(VFL_EINVAL, "layer '%s': block %u is out of range (it has %u)", layer, block + 1, l->n_blocks);
  *out = &l->blocks[block];
  return VFL_OK;
}

int vfl_net_param_shape(const vfl_net *net, const char *layer, uint32_t block, uint32_t *rows, uint32_t *cols) {
  vfl_param *p = NULL;
  int rc = find_block(net, layer, block, &p);
  if (rc) return rc;
  *rows = p->rows;
  *cols = p->cols;
  return VFL_OK;
}

int vfl_net_param_get(const vfl_net *net, const char *layer, uint32_t block, float *out) {
  vfl_param *p = NULL;
  int rc = find_block(net, layer, block, &p);
  if (rc) return rc;
  for (uint32_t r = 0; r < p->rows; r++) memcpy(out + (size_t)r * p->cols, param_row(p, r), p->cols * sizeof(float));
  return VFL_OK;
}

int vfl_net_param_row(const vfl_net *net, const char *layer, uint32_t block, uint32_t row, float *out) {
  vfl_param *p = NULL;
  int rc = find_block(net, layer, block, &p);
  if (rc) return rc;
  if (row >= p->rows)
    return vfl_fail(VFL_EINVAL, "layer '%s': row %u is out of range (the block has %u rows)", layer, row + 1, p->rows);
  memcpy(out, param_row(p, row), p->cols * sizeof(float));
  return VFL_OK;
}

int vfl_net_param_set(vfl_net *net, const char *layer, uint32_t block, const float *in) {
  vfl_param *p = NULL;
  int rc = find_block(net, layer, block, &p);
  if (rc) return rc;
  for (size_t i = 0; i < (size_t)p->rows * p->cols; i++)
    if (!isfinite(in[i])) return vfl_fail(VFL_EINVAL, "layer '%s': parameter %zu is not a finite number", layer, i + 1);
  for (uint32_t r = 0; r < p->rows; r++) memcpy(param_row(p, r), in + (size_t)r * p->cols, p->cols * sizeof(float));
  return VFL_OK;
}

static int copy_floats(float **dst, const float *src, size_t n) {
  if (!src) return VFL_OK;
  *dst = vfl_alloc(n * sizeof(float));
  if (!*dst) return VFL_ENOMEM;
  memcpy(*dst, src, n * sizeof(float));
  return VFL_OK;
}

static int check_prior(const vfl_layer *l, const vfl_prior_spec *s) {
  if (s->kind != VFL_PRIOR_L2 && s->kind != VFL_PRIOR_L1 && s->kind != VFL_PRIOR_POSITIVE)
    return vfl_fail(VFL_EINVAL, "layer '%s': unknown prior kind %d", l->name, s->kind);
  if (!(s->lambda >= 0) || isinf(s->lambda))
    return vfl_fail(VFL_EINVAL, "layer '%s': prior strength %g must be a finite number >= 0", l->name, (double)s->lambda);
  if (s->parent < -1 || s->parent >= (int)l->n_parents)
    return vfl_fail(VFL_EINVAL, "layer '%s': prior parent %lld is out of range (it has %u)", l->name, (long long)s->parent + 1, l->n_parents);
  if ((s->per_row || s->center) && s->parent < 0 && l->n_parents > 1)
    return vfl_fail(VFL_EINVAL, "layer '%s': a per-feature or centred prior must name one parent", l->name);
  return VFL_OK;
}

int vfl_net_add_prior(vfl_net *net, const char *layer, const vfl_prior_spec *s) {
  if (!net->ready) return vfl_fail(VFL_EINVAL, "prior on '%s': the net is not initialised: call init first", layer);
  vfl_layer *l = net_layer(net, layer);
  if (!l) return VFL_EINVAL;
  if (!net_is_linear(l)) return vfl_fail(VFL_EINVAL, "layer '%s': priors go on linear layers", layer);
  int rc = check_prior(l, s);
  if (rc) return rc;
  const vfl_param *blk = &l->blocks[s->parent < 0 ? 0 : s->parent];
  vfl_prior prior = {*s, NULL, NULL};
  if (copy_floats(&prior.per_row, s->per_row, blk->rows) ||
      copy_floats(&prior.center, s->center, (size_t)blk->rows * blk->cols)) {
    vfl_free(prior.per_row);
    return VFL_ENOMEM;
  }
  prior.spec.per_row = prior.per_row;
  prior.spec.center = prior.center;
  vfl_prior *grown = vfl_realloc(l->priors, (l->n_priors + 1) * sizeof *grown);
  if (!grown) {
    vfl_free(prior.per_row);
    vfl_free(prior.center);
    return VFL_ENOMEM;
  }
  l->priors = grown;
  l->priors[l->n_priors++] = prior;
  return VFL_OK;
}

int optim_check(const vfl_optim_spec *o, const char *where);

int vfl_net_set_optim(vfl_net *net, const char *layer, const vfl_optim_spec *opt) {
  int rc = optim_check(opt, layer ? layer : "all layers");
  if (rc) return rc;
  if (layer) {
    vfl_layer *l = net_layer(net, layer);
    if (!l) return VFL_EINVAL;
    if (!net_is_linear(l)) return vfl_fail(VFL_EINVAL, "layer '%s' has no parameters to optimise", layer);
    l->optim = *opt;
    return VFL_OK;
  }
  for (uint32_t i = 0; i < net->n_layers; i++)
    if (net_is_linear(&net->layers[i])) net->layers[i].optim = *opt;
  return VFL_OK;
}
