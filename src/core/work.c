/*
** work.c -- allocating and sizing a worker's buffers.
*/
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "layer.h"
#include "work.h"

static uint32_t widest(const vfl_net *net) {
  uint32_t m = 1;
  for (uint32_t i = 0; i < net->n_layers; i++) {
    if (net->layers[i].dim > m && !net->layers[i].sparse_out) m = net->layers[i].dim;
    for (uint32_t b = 0; b < net->layers[i].n_blocks; b++)
      if (net->layers[i].blocks[b].cols > m) m = net->layers[i].blocks[b].cols;
  }
  return m;
}

static void accum_free(vfl_accum *a) {
  if (!a) return;
  vfl_free(a->table);
  vfl_free(a->rows);
  vfl_free(a->slots);
  vfl_free(a->vals);
  work_plan_free(a->plan);
  memset(a, 0, sizeof *a);
}

static void free_per_block(vfl_work *w) {
  for (uint32_t i = 0; w->net && i < w->net->n_layers; i++) {
    if (w->acc && w->acc[i]) {
      for (uint32_t b = 0; b < w->net->layers[i].n_blocks; b++) accum_free(&w->acc[i][b]);
      vfl_free(w->acc[i]);
    }
    if (w->touched && w->touched[i]) {
      for (uint32_t b = 0; b < w->net->layers[i].n_blocks; b++) {
        vfl_free(w->touched[i][b].rows);
        vfl_free(w->touched[i][b].sums);
      }
      vfl_free(w->touched[i]);
    }
    if (w->rule) vfl_free(w->rule[i]);
  }
  vfl_free(w->acc);
  vfl_free(w->touched);
  vfl_free(w->rule);
  vfl_free(w->touches);
  vfl_free(w->plan_touches);
  vfl_free(w->plan_size);
  w->acc = NULL;
  w->touched = NULL;
  w->rule = NULL;
  w->touches = w->plan_touches = NULL;
  w->plan_size = NULL;
  w->plans = 0;
  w->planned = 0;
}

void work_free(vfl_work *w) {
  if (!w) return;
  free_per_block(w);
  for (uint32_t i = 0; i < w->net->n_layers; i++) {
    if (w->act) vfl_free_aligned(w->net->layers[i].n_parents ? w->act[i] : NULL); /* an input's points at data */
    if (w->grad) vfl_free_aligned(w->grad[i]);
    if (w->xidx) vfl_free(w->xidx[i]);
    if (w->xval) vfl_free(w->xval[i]);
    if (w->mask) vfl_free_aligned(w->mask[i]);
    if (w->scratch) vfl_free_aligned(w->scratch[i]);
  }
  vfl_free(w->act);
  vfl_free(w->grad);
  vfl_free(w->feat);
  vfl_free(w->xidx);
  vfl_free(w->xval);
  vfl_free(w->xcap);
  vfl_free(w->mask);
  vfl_free(w->scratch);
  vfl_free_aligned(w->tmp);
  vfl_free_aligned(w->loss_grad);
  vfl_free(w->loss_gidx);
  vfl_free(w->loss_gval);
  vfl_free(w);
}

/* Dense buffers for one layer: its activations (inputs get theirs bound to
** the data instead), its gradient when something upstream learns, and the
** scratch its kind asks for (uses_mask: dropout's mask, a max pool's winners;
** scratch: an FM's sums and a row's gradient). */
static int alloc_layer(vfl_work *w, uint32_t i) {
  const vfl_layer *l = &w->net->layers[i];
  size_t bytes = (size_t)l->dim * sizeof(float);
  uint32_t scratch = l->ops->scratch ? l->ops->scratch(w->net, l) : 0;
  if (scratch && !(w->scratch[i] = vfl_alloc_aligned((size_t)scratch * sizeof(float)))) return VFL_ENOMEM;
  if (l->sparse_out) return VFL_OK;
  if (l->n_parents && !(w->act[i] = vfl_alloc_aligned(bytes))) return VFL_ENOMEM;
  if (l->needs_grad && !(w->grad[i] = vfl_alloc_aligned(bytes))) return VFL_ENOMEM;
  if (l->ops->uses_mask && !(w->mask[i] = vfl_alloc_aligned(bytes * (size_t)l->ops->uses_mask))) return VFL_ENOMEM;
  return VFL_OK;
}

vfl_work *work_new(vfl_net *net) {
  vfl_work *w = vfl_calloc(1, sizeof *w);
  if (!w) return NULL;
  uint32_t n = net->n_layers, out = net->layers[net->output].dim;
  w->net = net;
  w->act = vfl_calloc(n, sizeof *w->act);
  w->grad = vfl_calloc(n, sizeof *w->grad);
  w->feat = vfl_calloc(n, sizeof *w->feat);
  w->xidx = vfl_calloc(n, sizeof *w->xidx);
  w->xval = vfl_calloc(n, sizeof *w->xval);
  w->xcap = vfl_calloc(n, sizeof *w->xcap);
  w->mask = vfl_calloc(n, sizeof *w->mask);
  w->scratch = vfl_calloc(n, sizeof *w->scratch);
  w->tmp_cap = widest(net);
  w->tmp = vfl_alloc_aligned(w->tmp_cap * sizeof(float));
  w->loss_grad = vfl_alloc_aligned(out * sizeof(float));
  w->loss_gidx = vfl_alloc(out * sizeof(uint32_t));
  w->loss_gval = vfl_alloc(out * sizeof(float));
  int rc = w->act && w->grad && w->feat && w->xidx && w->xval && w->xcap && w->mask && w->scratch && w->tmp && w->loss_grad &&
                   w->loss_gidx && w->loss_gval
               ? VFL_OK
               : VFL_ENOMEM;
  for (uint32_t i = 0; i < n && rc == VFL_OK; i++) rc = alloc_layer(w, i);
  if (rc) {
    work_free(w);
    return NULL;
  }
  vfl_rng_seed(&w->rng, 1);
  return w;
}

static uint32_t input_position(const vfl_net *net, uint32_t layer) {
  for (uint32_t k = 0; k < net->n_inputs; k++)
    if (net->inputs[k] == layer) return k;
  return 0;
}

static int grow_sparse_buffers(vfl_work *w, uint32_t i, uint64_t cap) {
  if (cap > UINT32_MAX) return vfl_fail(VFL_EINVAL, "layer '%s': rows have too many features to cross", w->net->layers[i].name);
  uint32_t *idx = vfl_realloc(w->xidx[i], (cap ? cap : 1) * sizeof *idx);
  if (!idx) return VFL_ENOMEM;
  w->xidx[i] = idx;
  float *val = vfl_realloc(w->xval[i], (cap ? cap : 1) * sizeof *val);
  if (!val) return VFL_ENOMEM;
  w->xval[i] = val;
  w->xcap[i] = (uint32_t)cap;
  return VFL_OK;
}

/* xcap[i]: the most features sparse layer i emits for one example, from
** the inputs' max_nnz down, in order; layers that emit their own features
** (crosses, sparse dropout) get buffers that size. */
int work_fit(vfl_work *w, const uint32_t *max_nnz) {
  if (!max_nnz) return VFL_OK;
  const vfl_net *net = w->net;
  for (uint32_t k = 0; k < net->n_layers; k++) {
    uint32_t i = net->order[k];
    const vfl_layer *l = &net->layers[i];
    if (!l->sparse_out) continue;
    if (!l->n_parents) {
      uint32_t m = max_nnz[input_position(net, i)];
      if (m > w->xcap[i]) w->xcap[i] = m;
      continue;
    }
    uint64_t cap = l->ops->sparse_nnz ? l->ops->sparse_nnz(l, w->xcap[l->parents[0]]) : 0;
    if (cap > w->xcap[i] || !w->xidx[i]) {
      int rc = grow_sparse_buffers(w, i, cap);
      if (rc) return rc;
    }
  }
  return VFL_OK;
}

/* Most distinct rows of a block one example can touch: a block below the
** layer's parent count is picked by that parent's features (layer.h). */
static uint64_t rows_per_example(const vfl_work *w, const vfl_layer *l, uint32_t b) {
  if (l->blocks[b].bias || b >= l->n_parents) return l->blocks[b].bias ? 1 : l->blocks[b].rows;
  uint32_t pi = l->parents[b];
  const vfl_layer *p = &w->net->layers[pi];
  return p->sparse_out ? w->xcap[pi] : p->dim;
}

/* Room for `most` distinct rows of a block of `rows` x `cols` per batch
** (never more than the block has); the table starts empty (zeroed). */
static int accum_init(vfl_accum *a, uint64_t most, uint32_t rows, uint32_t cols) {
  if (most > rows) most = rows;
  if (!most) most = 1;
  uint64_t cap = 16;
  while (cap < 2 * most) cap *= 2;
  if (cap > (1u << 31)) return vfl_fail(VFL_EINVAL, "a mini-batch touches too many rows; use a smaller batch");
  a->mask = a->full_mask = (uint32_t)cap - 1;
  a->cols = cols;
  a->n_used = 0;
  a->cap = (uint32_t)most;
  a->table = vfl_calloc(cap, sizeof *a->table);
  a->rows = vfl_alloc(most * sizeof *a->rows);
  a->slots = vfl_alloc(most * sizeof *a->slots);
  a->vals = vfl_alloc(most * cols * sizeof *a->vals);
  return a->table && a->rows && a->slots && a->vals ? VFL_OK : VFL_ENOMEM;
}

/* Room in t for a batch's touches of one-column block b (a row once per
** touch), or none: a block no sparse feature picks is swept. */
static int touched_fit(vfl_work *w, const vfl_layer *l, uint32_t b, vfl_touched *t) {
  const vfl_param *p = &l->blocks[b];
  t->sweep = p->bias || b >= l->n_parents || !w->net->layers[l->parents[b]].sparse_out;
  uint64_t need = rows_per_example(w, l, b) * w->batch;
  if (t->sweep) return VFL_OK;
  if (need > UINT32_MAX) return vfl_fail(VFL_EINVAL, "layer '%s': a mini-batch touches too many rows; use a smaller batch", l->name);
  size_t rows_cap = t->cap, sums_cap = t->cap; /* the two lists grow alike */
  if (vfl_grow(&t->rows, &rows_cap, need, sizeof *t->rows) || vfl_grow(&t->sums, &sums_cap, need, sizeof *t->sums))
    return VFL_ENOMEM;
  t->cap = rows_cap;
  return VFL_OK;
}

/* A block's mini-batch sums: in its rows when they are one column wide
** (work.h), else in an accumulator. */
static int fit_batch_block(vfl_work *w, const vfl_layer *l, uint32_t i, uint32_t b) {
  if (l->blocks[b].cols == 1) return touched_fit(w, l, b, &w->touched[i][b]);
  vfl_accum *a = &w->acc[i][b];
  uint64_t need = rows_per_example(w, l, b) * w->batch;
  if (need > l->blocks[b].rows) need = l->blocks[b].rows;
  if (!a->table || need > a->cap) {
    accum_free(a);
    int rc = accum_init(a, need, l->blocks[b].rows, l->blocks[b].cols);
    if (rc) return rc;
  }
  return work_plan_fit(w, l, b, a);
}

static int prepare_layer(vfl_work *w, uint32_t i, const vfl_optim_spec *def) {
  vfl_layer *l = &w->net->layers[i];
  const vfl_optim_spec *opt = l->optim.kind ? &l->optim : def;
  w->rule[i] = vfl_calloc(l->n_blocks, sizeof *w->rule[i]);
  if (!w->rule[i]) return VFL_ENOMEM;
  if (w->batch > 1 && !(w->acc[i] = vfl_calloc(l->n_blocks, sizeof *w->acc[i]))) return VFL_ENOMEM;
  if (w->batch > 1 && !(w->touched[i] = vfl_calloc(l->n_blocks, sizeof *w->touched[i]))) return VFL_ENOMEM;
  for (uint32_t b = 0; b < l->n_blocks; b++) {
    vfl_param *p = &l->blocks[b];
    rule_resolve(&w->rule[i][b], opt, l, b);
    int rc = param_set_state(p, optim_state_slots(opt->kind), opt->kind, w->batch > 1 && p->cols == 1, w->net);
    if (rc == VFL_OK && w->batch > 1) rc = fit_batch_block(w, l, i, b);
    if (rc) return rc;
  }
  return VFL_OK;
}

int work_prepare_training(vfl_work *w, uint32_t batch, const vfl_optim_spec *def, uint64_t seed,
                          const uint32_t *max_nnz) {
  free_per_block(w);
  w->batch = batch ? batch : 1;
  w->in_batch = 0;
  vfl_rng_seed(&w->rng, seed);
  int rc = work_fit(w, max_nnz);
  if (rc) return rc;
  w->acc = vfl_calloc(w->net->n_layers, sizeof *w->acc);
  w->touched = vfl_calloc(w->net->n_layers, sizeof *w->touched);
  w->rule = vfl_calloc(w->net->n_layers, sizeof *w->rule);
  w->touches = vfl_calloc(w->net->n_layers, sizeof *w->touches);
  w->plan_touches = vfl_calloc(w->net->n_layers, sizeof *w->plan_touches);
  w->plan_size = vfl_calloc(w->net->n_inputs ? w->net->n_inputs : 1, sizeof *w->plan_size);
  if (!w->acc || !w->touched || !w->rule || !w->touches || !w->plan_touches || !w->plan_size) return VFL_ENOMEM;
  for (uint32_t i = 0; i < w->net->n_layers; i++)
    if (w->net->layers[i].n_blocks && (rc = prepare_layer(w, i, def))) return rc;
  return VFL_OK;
}

int work_fit_training(vfl_work *w, const uint32_t *max_nnz) {
  int rc = work_fit(w, max_nnz);
  for (uint32_t i = 0; rc == VFL_OK && w->batch > 1 && i < w->net->n_layers; i++)
    for (uint32_t b = 0; rc == VFL_OK && w->acc[i] && b < w->net->layers[i].n_blocks; b++)
      rc = fit_batch_block(w, &w->net->layers[i], i, b);
  return rc;
}
