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
#include "optim.h"
#include "rng.h"
#include "work.h"

/* A block whose rows have room for `kind`'s optimizer state (none when
** kind is 0), zeroed. */
static int param_alloc(vfl_param *p, uint32_t rows, uint32_t cols, int kind) {
  p->rows = rows;
  p->cols = cols;
  p->n_state = kind ? optim_state_slots(kind) : 0;
  p->state_kind = p->n_state ? kind : 0;
  p->stride = cols * (1 + p->n_state);
  p->data = vfl_alloc_aligned((size_t)rows * p->stride * sizeof(float));
  return p->data ? VFL_OK : VFL_ENOMEM;
}

static int alloc_layer_blocks(const vfl_net *net, vfl_layer *l, int kind) {
  l->n_blocks = l->ops->blocks(net, l, NULL);
  l->blocks = vfl_calloc(l->n_blocks ? l->n_blocks : 1, sizeof *l->blocks);
  layer_block *shapes = vfl_alloc((l->n_blocks ? l->n_blocks : 1) * sizeof *shapes);
  int rc = l->blocks && shapes ? VFL_OK : VFL_ENOMEM;
  if (rc == VFL_OK) l->ops->blocks(net, l, shapes);
  for (uint32_t b = 0; b < l->n_blocks && rc == VFL_OK; b++) {
    rc = param_alloc(&l->blocks[b], shapes[b].rows, shapes[b].cols, kind);
    l->blocks[b].bias = shapes[b].bias;
    l->blocks[b].auto_scale = shapes[b].auto_scale;
  }
  vfl_free(shapes);
  return rc ? rc : net_resolve_priors(net, l);
}

int net_alloc_params(vfl_net *net, int default_kind) {
  for (uint32_t i = 0; i < net->n_layers; i++) {
    vfl_layer *l = &net->layers[i];
    if (!l->ops->blocks || l->blocks) continue;
    int rc = alloc_layer_blocks(net, l, default_kind && l->optim.kind ? l->optim.kind : default_kind);
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

/* A net built to be trained gets its rows laid out at init for the
** optimizer each layer will train with: its own (vfl_net_set_optim), else
** the one named here. Its first learn then finds the state in place instead
** of widening every row, which on a large model was most of what a first
** learn did more than a second (memory the process touches for the first
** time; docs/performance.md). Another optimizer re-lays the rows out at
** learn, in place. */
int vfl_net_init_for(vfl_net *net, float scale, uint64_t seed, int optim_kind) {
  if (optim_kind && !optim_find(optim_kind))
    return vfl_fail(VFL_EINVAL, "init: optimizer kind %d is unknown (0 none, 1 sgd, 2 adagrad, 3 adam, 4 ftrl)",
                    optim_kind);
  if (!net->ready) {
    int rc = net_compile(net);
    if (rc == VFL_OK) rc = net_alloc_params(net, optim_kind);
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

int vfl_net_init(vfl_net *net, float scale, uint64_t seed) {
  vfl_train_options defaults;
  vfl_train_defaults(&defaults);
  return vfl_net_init_for(net, scale, seed, defaults.optim.kind);
}

/* A wider row than the block has: the block grows in place
** (vfl_realloc_aligned: a large one is remapped, never copied) and its rows
** move up to the wider stride, last row first, each followed by zeroes. A
** stop asked for during the move puts the rows moved so far back: the block
** is then as it was (in the larger allocation). No second copy of the
** weights exists at any time. `keep`: floats of each row that stay (the
** weights, and the state when it stays); the rest starts at zero. */
static int grow_rows(vfl_param *p, uint32_t stride, uint32_t keep, const vfl_net *stop_from) {
  uint32_t old = p->stride;
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
  for (size_t r = 0; old > keep && r < rows; r++) memset(data + r * stride + keep, 0, (size_t)(old - keep) * sizeof(float));
  p->stride = stride;
  return VFL_OK;
}

/* A row no wider than the block has: the rows move down to the narrower
** stride, first row first, and the block is cut to its new length (a large
** one is remapped). No page is touched for the first time, which a new
** block would do. The move runs to its end without looking for a stop: it
** is one pass at memory speed, and undoing it halfway would need the floats
** it drops. `keep` as for grow_rows. */
static void shrink_rows(vfl_param *p, uint32_t stride, uint32_t keep) {
  uint32_t old = p->stride;
  size_t rows = p->rows;
  float *data = p->data;
  for (size_t r = 0; r < rows; r++) { /* row r's new place ends where row r + 1's old one starts, or before */
    float *row = data + r * stride;
    memmove(row, data + r * old, keep * sizeof(float));
    memset(row + keep, 0, (size_t)(stride - keep) * sizeof(float));
  }
  float *cut = stride < old ? vfl_realloc_aligned(data, rows * old * sizeof(float), rows * stride * sizeof(float)) : data;
  if (cut) p->data = cut; /* else the longer block stays, as good */
  p->stride = stride;
}

int param_set_state(vfl_param *p, uint32_t n_state, int kind, int sums, const vfl_net *stop_from) {
  int same_state = p->n_state == n_state && p->state_kind == kind;
  sums = sums != 0;
  if (same_state && p->has_sums == sums) return VFL_OK;
  uint32_t cols = p->cols, stride = cols * (1 + n_state + (uint32_t)sums), keep = cols * (1 + (same_state ? n_state : 0));
  if (stride > p->stride) {
    int rc = grow_rows(p, stride, keep, stop_from);
    if (rc) return rc;
  } else {
    shrink_rows(p, stride, keep);
  }
  p->n_state = n_state;
  p->state_kind = kind;
  p->has_sums = sums;
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

int vfl_net_param_at(const vfl_net *net, const char *layer, uint32_t block, uint64_t i, float *out) {
  vfl_param *p = NULL;
  int rc = find_block(net, layer, block, &p);
  if (rc) return rc;
  if (i >= (uint64_t)p->rows * p->cols)
    return vfl_fail(VFL_EINVAL, "layer '%s': weight %llu is out of range (the block has %llu)", layer,
                    (unsigned long long)i + 1, (unsigned long long)p->rows * p->cols);
  *out = param_row(p, (uint32_t)(i / p->cols))[i % p->cols];
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

int vfl_net_layer_optim(const vfl_net *net, uint32_t i, vfl_optim_spec *out) {
  if (i >= net->n_layers) return vfl_fail(VFL_EINVAL, "layer %u is out of range (the net has %u)", i + 1, net->n_layers);
  *out = net->layers[i].optim;
  return VFL_OK;
}

double vfl_net_zero_fraction(const vfl_net *net) {
  uint64_t zeros = 0, all = 0;
  for (uint32_t i = 0; i < net->n_layers; i++)
    for (uint32_t b = 0; b < net->layers[i].n_blocks; b++) {
      const vfl_param *p = &net->layers[i].blocks[b];
      if (p->bias || !p->data) continue;
      for (uint32_t r = 0; r < p->rows; r++) {
        const float *row = param_row(p, r);
        for (uint32_t j = 0; j < p->cols; j++) zeros += row[j] == 0.0f;
      }
      all += (uint64_t)p->rows * p->cols;
    }
  return all ? (double)zeros / (double)all : 0.0;
}
