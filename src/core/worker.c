/*
** worker.c -- one trainer thread: forward, loss, backward for every row of
** its slice, with nothing allocated and nothing locked.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "loss.h"
#include "train.h"
#include "vec.h"

void trainer_fail(trainer *t, int code, const char *message) {
  int expected = 0;
  if (atomic_compare_exchange_strong(&t->error_taken, &expected, 1)) {
    t->error_code = code;
    snprintf(t->error, sizeof t->error, "%s", message);
  }
  atomic_store(&t->stop, 1);
}

/* Points the net's input layers at row r; returns the row's non-zeros. A
** custom loss sees every input of the row (custom_loss), so then all are
** bound here: each row's indices are unpacked once. */
static uint64_t bind_row(worker *w, size_t r) {
  const trainer *t = w->t;
  int all = t->loss.kind == VFL_LOSS_CUSTOM;
  for (uint32_t d = 0; all && d < t->ds->n_inputs; d++) ds_features(&t->ds->inputs[d], r, &w->feats[d], w->index_at[d]);
  uint64_t nnz = 0;
  for (uint32_t k = 0; k < t->net->n_inputs; k++) {
    uint32_t d = t->input_map[k];
    vfl_features *f = &w->feats[d];
    if (!all) ds_features(&t->ds->inputs[d], r, f, w->index_at[d]);
    work_bind_input(w->work, k, f);
    nnz += f->n;
  }
  return nnz;
}

/* Asks the memory system early for what row r will need: its offsets in
** every sparse input now, and its features once those offsets are here (the
** caller passes a row two ahead for the first, one ahead for the second).
** Rows come in shuffled order, so both are cache misses otherwise. Both
** are forced inline: a function whose only effect is prefetching has no
** effect GCC can see, and once out of line (three callers) its calls were
** dropped (gcc 12, -O3: no feature was prefetched; job 1 ran 1.4x slower). */
#define PREFETCH_HELPER static inline __attribute__((always_inline))

PREFETCH_HELPER void prefetch_offsets(const worker *w, size_t r) {
  const trainer *t = w->t;
  for (uint32_t k = 0; k < t->net->n_inputs; k++) {
    const ds_input *in = &t->ds->inputs[t->input_map[k]];
    if (in->kind == VFL_INPUT_DENSE) continue;
    if (in->start32) __builtin_prefetch(&in->start32[r]);
    else __builtin_prefetch(&in->start64[r]);
  }
}

PREFETCH_HELPER void prefetch_features(const worker *w, size_t r) {
  const trainer *t = w->t;
  for (uint32_t k = 0; k < t->net->n_inputs; k++) {
    const ds_input *in = &t->ds->inputs[t->input_map[k]];
    if (in->kind == VFL_INPUT_DENSE) continue;
    uint64_t from = ds_start(in, r), to = ds_start(in, r + 1);
    const char *a = in->index3 ? (const char *)(in->index3 + 3 * from) : (const char *)(in->index + from);
    const char *b = in->index3 ? (const char *)(in->index3 + 3 * to) : (const char *)(in->index + to);
    for (; a < b; a += 64) __builtin_prefetch(a);
    if (in->value) __builtin_prefetch(in->value + from);
  }
}

/* Before a mini-batch's first example: its size in features, then its
** rows' features, for the blocks that step a row at its last touch
** (work_plan.c). The rows come back to cache for train_row. */
static void plan_batch(worker *w, size_t pos) {
  const trainer *t = w->t;
  vfl_work *wk = w->work;
  size_t end = w->end - pos < wk->batch ? w->end : pos + wk->batch;
  for (uint32_t i = 0; i < t->net->n_inputs; i++) {
    const ds_input *in = &t->ds->inputs[t->input_map[i]];
    wk->plan_size[i] = 0;
    for (size_t k = pos; in->kind != VFL_INPUT_DENSE && k < end; k++)
      wk->plan_size[i] += ds_start(in, t->order[k] + 1) - ds_start(in, t->order[k]);
  }
  work_plan_begin(wk);
  /* Short rows unpack faster than memory answers: ask for them further ahead than train_row does. */
  for (size_t k = pos; k < end && k < pos + 4; k++) prefetch_features(w, t->order[k]);
  for (size_t k = pos; k < end; k++) {
    if (k + 4 < end) prefetch_features(w, t->order[k + 4]);
    for (uint32_t i = 0; i < t->net->n_inputs; i++) {
      uint32_t d = t->input_map[i];
      if (t->ds->inputs[d].kind == VFL_INPUT_DENSE) continue;
      vfl_features f;
      ds_features(&t->ds->inputs[d], t->order[k], &f, w->index_at[d]);
      work_plan_row(wk, i, &f);
    }
  }
  work_plan_end(wk, (uint32_t)(end - pos));
}

/* A caller's loss: it sees the row (every input bound by bind_row) and may
** answer with a sparse gradient, which is scattered into the dense one. */
static int custom_loss(worker *w, size_t r, float *grad, uint32_t n_out, double *loss) {
  const trainer *t = w->t;
  const vfl_dataset *ds = t->ds;
  vfl_row row = {ds->labels + r * ds->n_labels, ds->n_labels, ds_weight(ds, r), w->feats, ds->n_inputs};
  vfl_work *wk = w->work;
  vfl_loss_io io = {wk->act[t->net->output], n_out, &row, r, w->id, grad, wk->loss_gidx, wk->loss_gval, 0, n_out, ds};
  vec_zero(n_out, grad);
  int rc = t->loss.fn(t->loss.ud, &io, loss);
  if (rc) return rc;
  if (!io.grad_nnz) return VFL_OK;
  if (io.grad_nnz > n_out) return vfl_fail(VFL_ECALLBACK, "loss callback: %u sparse gradient entries for %u outputs", io.grad_nnz, n_out);
  vec_zero(n_out, grad); /* a sparse answer replaces whatever is in grad */
  for (uint32_t j = 0; j < io.grad_nnz; j++) {
    if (io.grad_index[j] >= n_out)
      return vfl_fail(VFL_ECALLBACK, "loss callback: gradient index %u is beyond the %u outputs", io.grad_index[j] + 1, n_out);
    grad[io.grad_index[j]] += io.grad_value[j];
  }
  return VFL_OK;
}

static int row_loss(worker *w, size_t r, double *loss) {
  const trainer *t = w->t;
  uint32_t out = t->net->output, n_out = t->net->layers[out].dim;
  float *grad = w->work->grad[out];
  if (t->loss.kind != VFL_LOSS_CUSTOM) {
    *loss = loss_builtin(t->loss.kind, w->work->act[out], n_out, t->ds->labels + r * t->ds->n_labels, grad);
    return VFL_OK;
  }
  int rc = custom_loss(w, r, grad, n_out, loss);
  if (rc && rc != VFL_ECALLBACK) rc = VFL_ECALLBACK;
  return rc;
}

static int check_finite(worker *w, size_t r, double loss) {
  if (isfinite(loss)) return VFL_OK;
  return vfl_fail(VFL_ENUMERIC, "training diverged: the loss of row %zu is %s in epoch %u; lower the learning rate",
                  r + 1, isnan(loss) ? "NaN" : "infinite", w->t->epoch);
}

/* The row's weight times its class's (vfl_train_options.class_weights):
** multinomial by class id, the binary losses by the label's sign. */
static float row_weight(const trainer *t, size_t r) {
  float weight = ds_weight(t->ds, r);
  if (!t->opt.class_weights) return weight;
  float y = t->ds->labels[r * t->ds->n_labels];
  uint32_t c = t->loss.kind == VFL_LOSS_MULTINOMIAL ? (uint32_t)y : y > 0;
  return weight * t->opt.class_weights[c];
}

/* Adds this worker's rows since its last report to the shared count and
** moves its rules' learning rates to the run's new point (relaxed: a rate a
** few hundred rows late is as good). */
static void schedule_tick(worker *w, uint64_t done, uint64_t *reported) {
  trainer *t = w->t;
  uint64_t delta = done - *reported;
  uint64_t seen = atomic_fetch_add_explicit(&t->sched_seen, delta, memory_order_relaxed) + delta;
  *reported = done;
  double progress = (double)seen / t->sched_total, epoch = (double)seen / t->sched_epoch_rows;
  const vfl_net *net = t->net;
  for (uint32_t i = 0; i < net->n_layers; i++)
    for (uint32_t b = 0; w->work->rule[i] && b < net->layers[i].n_blocks; b++)
      rule_set_progress(&w->work->rule[i][b], progress, epoch);
}

/* One example: forward, loss, backward; returns the weighted loss. */
static int train_row(worker *w, size_t r, double *weighted) {
  vfl_work *wk = w->work;
  const trainer *t = w->t;
  work_forward(wk);
  double loss;
  int rc = row_loss(w, r, &loss);
  if (rc == VFL_OK) rc = check_finite(w, r, loss);
  if (rc) return rc;
  float weight = row_weight(t, r);
  uint32_t out = t->net->output;
  if (weight != 1.0f)
    for (uint32_t j = 0; j < t->net->layers[out].dim; j++) wk->grad[out][j] *= weight;
  if (wk->batch <= 1) work_begin_step(wk);
  work_backward(wk);
  if (wk->batch > 1 && ++wk->in_batch == wk->batch) work_flush_batch(wk);
  *weighted = weight * loss;
  return VFL_OK;
}

/* Between mini-batches: a failure or a relayed flag (t->stop), or
** vfl_net_stop read directly, so that a request from another thread ends the
** run within one mini-batch per worker instead of one supervisor tick. */
static int stop_seen(trainer *t) {
  return atomic_load_explicit(&t->stop, memory_order_relaxed) || atomic_load(&t->net->stop_requested);
}

/* Progress counters are published every few rows: relaxed atomics are
** enough, the main thread only needs a recent figure. */
#define PUBLISH_EVERY 256

void *worker_run(void *arg) {
  worker *w = arg;
  trainer *t = w->t;
  double loss_sum = 0, weight_sum = 0;
  uint64_t done = 0, nnz = 0, reported = 0;
  uint32_t batch = w->work->batch;
  for (size_t pos = w->begin; pos < w->end; pos++) {
    if (w->work->in_batch == 0 && stop_seen(t)) break;
    if (w->work->in_batch == 0 && w->work->plans) plan_batch(w, pos);
    size_t r = t->order[pos];
    if (t->scheduled && done % SCHEDULE_EVERY == 0) schedule_tick(w, done, &reported);
    if (pos + 2 < w->end) prefetch_offsets(w, t->order[pos + 2]);
    if (pos + 1 < w->end) prefetch_features(w, t->order[pos + 1]);
    nnz += bind_row(w, r);
    double weighted;
    int rc = train_row(w, r, &weighted);
    if (rc) {
      trainer_fail(t, rc, vfl_last_error());
      break;
    }
    loss_sum += weighted;
    weight_sum += row_weight(t, r);
    if (++done % PUBLISH_EVERY == 0 || batch > PUBLISH_EVERY) {
      atomic_store_explicit(&w->done, done, memory_order_relaxed);
      atomic_store_explicit(&w->nnz, nnz, memory_order_relaxed);
      atomic_store_explicit(&w->loss_sum, loss_sum, memory_order_relaxed);
      atomic_store_explicit(&w->weight_sum, weight_sum, memory_order_relaxed);
    }
  }
  if (!atomic_load(&t->error_taken)) work_flush_batch(w->work);
  else work_discard_batch(w->work);
  if (t->scheduled) schedule_tick(w, done, &reported);
  w->work->in_batch = 0;
  atomic_store(&w->done, done);
  atomic_store(&w->nnz, nnz);
  atomic_store(&w->loss_sum, loss_sum);
  atomic_store(&w->weight_sum, weight_sum);
  pthread_mutex_lock(&t->lock);
  t->running--;
  pthread_cond_signal(&t->finished);
  pthread_mutex_unlock(&t->lock);
  return NULL;
}
