/*
** net_params.c -- the parameter blocks layer kinds declare: allocation,
** initialisation, optimizer state slots, copies in and out, priors and
** per-layer optimizers. Every kind's blocks are handled alike.
*/
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "layer.h"
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

/* Priors are declared against the shapes the net had then; a net rewired
** since must not hand them a block of another size. */
static int check_prior_shapes(const vfl_layer *l) {
  for (uint32_t k = 0; k < l->n_priors; k++) {
    const vfl_prior *pr = &l->priors[k];
    const vfl_param *blk = &l->blocks[pr->spec.parent < 0 ? 0 : pr->spec.parent];
    if (pr->spec.parent >= (int)net_weight_blocks(l) || ((pr->per_row || pr->center) && (blk->rows != pr->rows || blk->cols != pr->cols)))
      return vfl_fail(VFL_EINVAL, "layer '%s': a prior was declared for weights of %ux%u, the layer now has %ux%u", l->name,
                      pr->rows, pr->cols, blk->rows, blk->cols);
  }
  return VFL_OK;
}

static int alloc_layer_blocks(const vfl_net *net, vfl_layer *l) {
  l->n_blocks = l->ops->blocks(net, l, NULL);
  l->blocks = vfl_calloc(l->n_blocks ? l->n_blocks : 1, sizeof *l->blocks);
  layer_block *shapes = vfl_alloc((l->n_blocks ? l->n_blocks : 1) * sizeof *shapes);
  int rc = l->blocks && shapes ? VFL_OK : VFL_ENOMEM;
  if (rc == VFL_OK) l->ops->blocks(net, l, shapes);
  for (uint32_t b = 0; b < l->n_blocks && rc == VFL_OK; b++) {
    rc = param_alloc(&l->blocks[b], shapes[b].rows, shapes[b].cols);
    l->blocks[b].bias = shapes[b].bias;
    l->blocks[b].auto_scale = shapes[b].auto_scale;
  }
  vfl_free(shapes);
  return rc ? rc : check_prior_shapes(l);
}

int net_alloc_params(vfl_net *net) {
  for (uint32_t i = 0; i < net->n_layers; i++) {
    vfl_layer *l = &net->layers[i];
    if (!l->ops->blocks || l->blocks) continue;
    int rc = alloc_layer_blocks(net, l);
    if (rc) return rc;
  }
  return VFL_OK;
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
    for (uint32_t b = 0; b < l->n_blocks; b++) {
      const vfl_param *p = &l->blocks[b];
      init_block(&l->blocks[b], p->bias ? 0.0f : scale >= 0 ? scale : p->auto_scale, &rng);
    }
  }
  net->ready = 1;
  return VFL_OK;
}

/* More state slots than the block has: the block grows in place
** (vfl_realloc_aligned: a large one is remapped, never copied) and its rows
** move up to the wider stride, last row first, each followed by zeroed
** state. A stop asked for during the move puts the rows moved so far back:
** the block is then as it was (in the larger allocation). No second copy of
** the weights exists at any time. */
static int grow_state(vfl_param *p, uint32_t n_state, int kind, const vfl_net *stop_from) {
  uint32_t cols = p->cols, old = p->stride, stride = cols * (1 + n_state);
  size_t rows = p->rows;
  float *data = vfl_realloc_aligned(p->data, rows * old * sizeof(float), rows * stride * sizeof(float));
  if (!data) return VFL_ENOMEM;
  p->data = data;
  size_t check_every = net_rows_per_stop_check(stride);
  for (size_t r = rows; r-- > 0;) {
    if (stop_from && (rows - 1 - r) % check_every == 0 && net_stop_asked(stop_from)) {
      for (size_t u = r + 1; u < rows; u++) memmove(data + u * old, data + u * stride, old * sizeof(float));
      return vfl_fail(VFL_ESTOPPED, "stopped while preparing the optimizer state");
    }
    float *row = data + r * stride;
    memmove(row, data + r * old, old * sizeof(float)); /* the old state too, until no stop can undo the move */
    memset(row + old, 0, (size_t)(stride - old) * sizeof(float));
  }
  for (size_t r = 0; old > cols && r < rows; r++) memset(data + r * stride + cols, 0, (size_t)(old - cols) * sizeof(float));
  p->stride = stride;
  p->n_state = n_state;
  p->state_kind = kind;
  return VFL_OK;
}

int param_set_state(vfl_param *p, uint32_t n_state, int kind, const vfl_net *stop_from) {
  if (p->n_state == n_state && p->state_kind == kind) return VFL_OK;
  if (n_state > p->n_state) return grow_state(p, n_state, kind, stop_from);
  /* Fewer slots, or another kind's: a new block no larger than the old. */
  uint32_t stride = p->cols * (1 + n_state);
  float *data = vfl_alloc_aligned_uninit((size_t)p->rows * stride * sizeof(float));
  if (!data) return VFL_ENOMEM;
  size_t check_every = net_rows_per_stop_check(stride);
  for (uint32_t r = 0; r < p->rows; r++) {
    if (stop_from && r % check_every == 0 && net_stop_asked(stop_from)) {
      vfl_free_aligned(data);
      return vfl_fail(VFL_ESTOPPED, "stopped while preparing the optimizer state");
    }
    float *row = data + (size_t)r * stride;
    memcpy(row, param_row(p, r), p->cols * sizeof(float));
    memset(row + p->cols, 0, (size_t)(stride - p->cols) * sizeof(float));
  }
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
  if (!l->n_blocks) return vfl_fail(VFL_EINVAL, "layer '%s' has no parameters", layer);
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

static int check_prior(const vfl_layer *l, uint32_t n_weights, const vfl_prior_spec *s) {
  if (s->kind != VFL_PRIOR_L2 && s->kind != VFL_PRIOR_L1 && s->kind != VFL_PRIOR_POSITIVE)
    return vfl_fail(VFL_EINVAL, "layer '%s': unknown prior kind %d", l->name, s->kind);
  if (!(s->lambda >= 0) || isinf(s->lambda))
    return vfl_fail(VFL_EINVAL, "layer '%s': prior strength %g must be a finite number >= 0", l->name, (double)s->lambda);
  if (!isfinite(s->floor)) return vfl_fail(VFL_EINVAL, "layer '%s': the prior's floor must be a finite number", l->name);
  if (s->parent < -1 || s->parent >= (int)n_weights)
    return vfl_fail(VFL_EINVAL, "layer '%s': prior parent %lld is out of range (it has %u)", l->name, (long long)s->parent + 1, n_weights);
  if ((s->per_row || s->center) && s->parent < 0 && n_weights > 1)
    return vfl_fail(VFL_EINVAL, "layer '%s': a per-feature or centred prior must name one parent", l->name);
  return VFL_OK;
}

/* The shape of the weight block a prior acts on and the number of weight
** blocks, from the allocated blocks or, before init, from the kind. */
static int prior_target(const vfl_net *net, const vfl_layer *l, const vfl_prior_spec *s, uint32_t *n_weights,
                        uint32_t *rows, uint32_t *cols) {
  uint32_t count = l->blocks ? l->n_blocks : l->ops->blocks(net, l, NULL);
  layer_block *shapes = vfl_alloc((count ? count : 1) * sizeof *shapes);
  if (!shapes) return VFL_ENOMEM;
  if (l->blocks)
    for (uint32_t b = 0; b < count; b++) shapes[b] = (layer_block){l->blocks[b].rows, l->blocks[b].cols, 0, l->blocks[b].bias};
  else l->ops->blocks(net, l, shapes);
  *n_weights = 0;
  for (uint32_t b = 0; b < count; b++) *n_weights += !shapes[b].bias;
  int rc = check_prior(l, *n_weights, s);
  uint32_t b = s->parent < 0 ? 0 : (uint32_t)s->parent;
  *rows = rc == VFL_OK ? shapes[b].rows : 0;
  *cols = rc == VFL_OK ? shapes[b].cols : 0;
  vfl_free(shapes);
  return rc;
}

int vfl_net_add_prior(vfl_net *net, const char *layer, const vfl_prior_spec *s) {
  vfl_layer *l = net_layer(net, layer);
  if (!l) return VFL_EINVAL;
  if (!l->ops->blocks) return vfl_fail(VFL_EINVAL, "layer '%s': priors go on layers with weights (linear)", layer);
  if (!l->blocks && !vfl_net_layer_params(net, (uint32_t)(l - net->layers)))
    return vfl_fail(VFL_EINVAL, "prior on '%s': the layer's parents are not all wired yet, so its weights have no shape", layer);
  uint32_t n_weights, rows, cols;
  int rc = prior_target(net, l, s, &n_weights, &rows, &cols);
  if (rc) return rc;
  vfl_prior prior = {*s, NULL, NULL, rows, cols};
  if (copy_floats(&prior.per_row, s->per_row, rows) || copy_floats(&prior.center, s->center, (size_t)rows * cols)) {
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
    if (!l->ops->blocks) return vfl_fail(VFL_EINVAL, "layer '%s' has no parameters to optimise", layer);
    l->optim = *opt;
    return VFL_OK;
  }
  for (uint32_t i = 0; i < net->n_layers; i++)
    if (net->layers[i].ops->blocks) net->layers[i].optim = *opt;
  return VFL_OK;
}
