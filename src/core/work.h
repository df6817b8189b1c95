/*
** work.h -- what one worker needs to run a net: activations, gradients,
** cross and dropout buffers, mini-batch accumulators, its RNG. Everything is
** allocated before the first example, so forward and backward allocate
** nothing. The shared weights live in the net; a worker only points at them.
*/
#ifndef VFL_WORK_H
#define VFL_WORK_H

#include "net.h"
#include "optim.h"
#include "rng.h"

/* Gradient rows touched by the current mini-batch of one parameter block:
** the rows and their summed gradients in compact arrays, in the order the
** batch first touched them (the flush reads them in that order), and a hash
** table from row id to that position: open addressing, at most half full,
** so the home slot almost always answers. */
typedef struct vfl_accum_slot {
  uint32_t key;        /* row id + 1; 0: free */
  uint32_t pos;        /* its position in rows/vals */
} vfl_accum_slot;

/* A planned batch (work_plan_row) steps each row of a block at the row's
** last touch instead of in the flush. */
typedef struct vfl_plan_row {
  uint32_t first, last; /* the row's first and last touch in the batch */
  uint32_t sum;        /* its sum's position in vals, if touched more than once */
} vfl_plan_row;

#define TOUCH_FIRST (1u << 31)
#define TOUCH_LAST (1u << 30)
#define TOUCH_SUM (TOUCH_LAST - 1) /* the bits of a touch that hold its row's sum */

typedef struct vfl_touch_plan {
  uint32_t input;      /* the input layer whose features pick the block's rows */
  uint32_t *touch;     /* per touch of the batch: its row's sum | TOUCH_FIRST | TOUCH_LAST */
  size_t touch_cap;
  vfl_plan_row *row;   /* per row of the accumulator (position) */
  uint32_t n_sums;     /* rows touched more than once so far */
  uint32_t *once_idx;  /* one example's rows touched only once in the batch, with their */
  float *once_val;     /* values: stepped together, as batch 1 steps a row's features */
  size_t once_cap;
} vfl_touch_plan;

typedef struct vfl_accum {
  uint32_t mask;       /* table capacity - 1 (a power of two); a planned batch uses what it needs */
  uint32_t full_mask;  /* the capacity allocated - 1 */
  vfl_accum_slot *table;
  uint32_t *rows;      /* cap: row id + 1 at each position */
  uint32_t *slots;     /* cap: the table slot of each position (emptied at the flush) */
  float *vals;         /* cap x cols: the gradient summed so far */
  uint32_t n_used;
  uint32_t cap;        /* most distinct rows one batch can touch */
  uint32_t cols;
  vfl_touch_plan *plan; /* a block that steps rows at their last touch in a planned batch, else NULL */
} vfl_accum;

/* The rows of a one-column block (logistic regression's weights, an FM's
** linear terms, a bias) the current mini-batch has touched: their sums sit
** in the rows themselves (param_sum, net.h), so a touch is an add into the
** row the forward pass has just read plus one store here, not a table
** lookup. Every touch is listed, repeats included: checking for a repeat
** would cost as much as the table, and since the sums are the net's, a
** sum another worker's flush took meanwhile can never be left unlisted. A
** block no sparse feature picks (a dense parent's, a bias) keeps no list:
** the flush sweeps it. Wider rows keep vfl_accum: their sums in the rows
** would take a cache line more per touch and a third more memory. */
typedef struct vfl_touched {
  uint32_t *rows;      /* cap */
  float *sums;         /* cap: the flush's (row, sum) list */
  uint32_t n;          /* touches listed in the current batch */
  size_t cap;          /* room in both lists: at least the most touches one batch can make */
  int sweep;           /* no list: the flush visits every row */
} vfl_touched;

typedef struct vfl_work {
  vfl_net *net;
  float **act;         /* per layer: dense output (NULL for sparse layers) */
  float **grad;        /* per layer: gradient of the output, if needed */
  vfl_features *feat;  /* per layer: sparse output */
  uint32_t **xidx;     /* per cross layer: output buffers */
  float **xval;
  uint32_t *xcap;
  float **mask;        /* per dropout layer: the scaled keep mask */
  float **scratch;     /* per layer whose kind asks (layer_ops.scratch), else NULL */
  float *tmp;          /* a row's gradient (widest layer) */
  uint32_t tmp_cap;
  vfl_rng rng;
  int training;
  /* training only */
  uint32_t batch;      /* 1: update after every example */
  uint32_t in_batch;   /* examples in the current batch */
  uint32_t planned;    /* examples of the current batch planned ahead (work_plan_row); 0: none */
  int plans;           /* some block has a vfl_touch_plan: batches are worth planning */
  uint32_t *touches;   /* per input layer: its features run so far in the current batch */
  uint32_t *plan_touches; /* per input layer: its features planned so far */
  uint64_t *plan_size; /* per input of the net (vfl_net.inputs): its features in the batch being planned */
  vfl_accum **acc;     /* per layer, per block of more than one column (batch > 1) */
  vfl_touched **touched; /* per layer, per one-column block (batch > 1) */
  vfl_rule **rule;     /* per layer, per block */
  float *loss_grad;    /* output-wide buffers for the loss */
  uint32_t *loss_gidx;
  float *loss_gval;
} vfl_work;

vfl_work *work_new(vfl_net *net);
void work_free(vfl_work *w);
/* Makes the cross buffers hold rows with up to max_nnz[k] features in the
** net's k-th input (NULL: keep what is there). */
int work_fit(vfl_work *w, const uint32_t *max_nnz);
/* Allocates accumulators and rules for training with this batch size and
** default optimizer; also gives every block the optimizer's state slots. */
int work_prepare_training(vfl_work *w, uint32_t batch, const vfl_optim_spec *default_optim, uint64_t seed,
                          const uint32_t *max_nnz);

/* Grows the cross buffers and mini-batch accumulators of a prepared worker
** for rows of up to max_nnz[k] features; called between chunks of a stream
** (the accumulators are empty then), never while examples run. */
int work_fit_training(vfl_work *w, const uint32_t *max_nnz);

/* Running the net (forward.c, backward.c). Inputs are bound by pointing
** w->feat (sparse) or w->act (dense) of each input layer at the data. */
void work_bind_input(vfl_work *w, uint32_t input_pos, const vfl_features *f);
void work_forward(vfl_work *w);
/* Checks the inputs, runs the net in w and copies the output layer (no
** link) into out: what vfl_net_forward does in the net's own workspace. */
int work_predict(vfl_work *w, const vfl_features *in, uint32_t n, float *out);
/* Outputs to predictions in place: sigmoid, softmax or nothing (VFL_LINK_*). */
void link_apply(int link, float *out, uint32_t n);
/* Backpropagates w->grad[output] (set by the loss) and updates or
** accumulates parameter gradients. */
void work_backward(vfl_work *w);
/* Starts an optimisation step (before backward when batch is 1). */
void work_begin_step(vfl_work *w);
/* The gradient accumulated for row r of block b of layer i in the current
** mini-batch, or NULL if the batch has not touched it (tests use this to
** check backward against finite differences). */
const float *work_accum_find(const vfl_work *w, uint32_t i, uint32_t b, uint32_t r);
/* Planning a mini-batch (work_plan.c), before its first example: the
** features the batch has in each of the net's inputs (w->plan_size[k], then
** begin), those of each of its examples in order, input by input, and the
** number of examples. A block whose rows only an input's own features pick
** (vfl_accum.plan) then steps each row at its last touch in the batch,
** while the row is still in cache from that example's forward pass, rather
** than in the flush, when it must be fetched again. No later example of
** the batch reads the row, so the step is the flush's: the same mean
** gradient (rows touched once: rounded as (scale / n) * dy rather than
** (scale * dy) / n). A run that fails mid-batch keeps the steps taken. */
void work_plan_begin(vfl_work *w);
void work_plan_row(vfl_work *w, uint32_t input_pos, const vfl_features *f);
void work_plan_end(vfl_work *w, uint32_t examples);
/* Gives accumulator a of block b of layer l a plan when its rows can be
** stepped at their last touch (else none), sized for this batch; frees one. */
int work_plan_fit(vfl_work *w, const vfl_layer *l, uint32_t b, vfl_accum *a);
void work_plan_free(vfl_touch_plan *plan);
/* Applies the accumulated mini-batch (mean gradient) and clears it. */
void work_flush_batch(vfl_work *w);
/* Drops the current mini-batch's gradients unapplied (a failed run): the
** sums kept in the rows must not reach the next run. */
void work_discard_batch(vfl_work *w);

#endif
