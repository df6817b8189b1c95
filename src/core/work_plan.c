/*
** work_plan.c -- planning a mini-batch (work.h): before its first example,
** every block whose rows an input's own features pick learns, for each
** touch of the batch, whether it is its row's first and whether its last,
** and which rows are touched more than once (they keep a sum). Backward then
** steps each row at its last touch (work_grad.h), while forward has just
** brought the row to cache, instead of fetching it again in the flush.
*/
#include "alloc.h"
#include "layer.h"
#include "work_grad.h"

/* Rows narrower than this keep the flush: it fetches them again cheaply,
** and planning costs a table probe per touch. Measured (vfl_bench, 300k
** rows, AdaGrad, CPU s per epoch at batch 32 / 1000): 10 classes 0.81-0.87
** / 0.79-0.85 with the flush, 0.97-1.53 / 1.00-1.01 planned; a 16-wide MLP
** no better planned; 32 wide about even; 64 wide 1.66 / 1.81-1.89 with the
** flush, 1.06-1.20 / 1.13-1.24 planned. */
#define PLAN_MIN_COLS 32

/* Block b's rows are picked by an input's own features, every one handed
** to sparse_rows_gradient (a cross's or dropout's features exist only in
** forward, and a max pool hands over only its winners). */
static int plan_fits(const vfl_net *net, const vfl_layer *l, uint32_t b) {
  if (b >= l->n_parents || l->blocks[b].bias || l->blocks[b].cols < PLAN_MIN_COLS) return 0;
  if (!l->ops->every_feature_grad || !l->ops->every_feature_grad(l)) return 0;
  const vfl_layer *p = &net->layers[l->parents[b]];
  return p->sparse_out && !p->n_parents;
}

void work_plan_free(vfl_touch_plan *plan) {
  if (!plan) return;
  vfl_free(plan->touch);
  vfl_free(plan->row);
  vfl_free(plan->once_idx);
  vfl_free(plan->once_val);
  vfl_free(plan);
}

int work_plan_fit(vfl_work *w, const vfl_layer *l, uint32_t b, vfl_accum *a) {
  int fits = plan_fits(w->net, l, b);
  uint64_t per_example = fits ? w->xcap[l->parents[b]] : 0, touches = per_example * w->batch; /* the input's most features */
  if (!fits || touches > TOUCH_SUM) {
    work_plan_free(a->plan);
    a->plan = NULL;
    return VFL_OK;
  }
  vfl_touch_plan *p = a->plan ? a->plan : vfl_calloc(1, sizeof *p);
  if (!p) return VFL_ENOMEM;
  a->plan = p;
  p->input = l->parents[b];
  size_t once_cap = p->once_cap;
  vfl_plan_row *row = vfl_realloc(p->row, (size_t)a->cap * sizeof *row);
  if (!row) return VFL_ENOMEM;
  p->row = row;
  if (vfl_grow(&p->touch, &p->touch_cap, touches, sizeof *p->touch) ||
      vfl_grow(&p->once_idx, &p->once_cap, per_example, sizeof *p->once_idx) ||
      vfl_grow(&p->once_val, &once_cap, per_example, sizeof *p->once_val))
    return VFL_ENOMEM;
  w->plans = 1;
  return VFL_OK;
}

/* A table twice the batch's touches: the slots a small batch uses stay
** together in cache instead of scattered over one sized for the largest. */
static uint32_t plan_mask(const vfl_accum *a, uint64_t touches) {
  uint64_t cap = 16;
  while (cap < 2 * touches && cap <= a->full_mask) cap *= 2;
  return cap - 1 < a->full_mask ? (uint32_t)(cap - 1) : a->full_mask;
}

void work_plan_begin(vfl_work *w) {
  const vfl_net *net = w->net;
  for (uint32_t k = 0; k < net->n_inputs; k++) {
    uint32_t in = net->inputs[k];
    w->touches[in] = w->plan_touches[in] = 0;
    for (uint32_t i = 0; i < net->n_layers; i++)
      for (uint32_t b = 0; w->acc[i] && b < net->layers[i].n_blocks; b++) {
        vfl_accum *a = &w->acc[i][b];
        if (a->plan && a->plan->input == in) {
          a->mask = plan_mask(a, w->plan_size[k]);
          a->plan->n_sums = 0;
        }
      }
  }
}

/* Enters each feature's row with its first and last touch (q on), and each
** touch with its row's sum: a row's second touch gives it one. */
static void plan_block(vfl_accum *a, const vfl_features *f, uint32_t q) {
  vfl_touch_plan *p = a->plan;
  if (a->mask >= ACCUM_PREFETCH_SLOTS)
    for (uint32_t j = 0; j < f->n; j++) __builtin_prefetch(&a->table[accum_home(a, f->index[j])], 1);
  for (uint32_t j = 0; j < f->n; j++, q++) {
    uint32_t r = f->index[j], h = accum_probe(a, r);
    if (!a->table[h].key) {
      uint32_t k = a->n_used++;
      a->table[h] = (vfl_accum_slot){r + 1, k};
      a->rows[k] = r;
      a->slots[k] = h;
      p->row[k] = (vfl_plan_row){q, q, 0};
      p->touch[q] = TOUCH_FIRST;
      continue;
    }
    vfl_plan_row *row = &p->row[a->table[h].pos];
    if (row->first == row->last) {
      row->sum = p->n_sums++;
      p->touch[row->first] = row->sum | TOUCH_FIRST;
    }
    row->last = q;
    p->touch[q] = row->sum;
  }
}

void work_plan_row(vfl_work *w, uint32_t input_pos, const vfl_features *f) {
  const vfl_net *net = w->net;
  uint32_t in = net->inputs[input_pos];
  if (!net->layers[in].sparse_out) return;
  for (uint32_t i = 0; i < net->n_layers; i++)
    for (uint32_t b = 0; w->acc[i] && b < net->layers[i].n_blocks; b++)
      if (w->acc[i][b].plan && w->acc[i][b].plan->input == in) plan_block(&w->acc[i][b], f, w->plan_touches[in]);
  w->plan_touches[in] += f->n;
}

void work_plan_end(vfl_work *w, uint32_t examples) {
  for (uint32_t i = 0; i < w->net->n_layers; i++)
    for (uint32_t b = 0; w->acc[i] && b < w->net->layers[i].n_blocks; b++) {
      const vfl_accum *a = &w->acc[i][b];
      for (uint32_t k = 0; a->plan && k < a->n_used; k++) a->plan->touch[a->plan->row[k].last] |= TOUCH_LAST;
    }
  w->planned = examples;
  work_begin_step(w); /* before the first step, which backward may now take */
}
