/*
** train_stream.c -- vfl_net_learn_stream: training on a stream of chunks
** with bounded memory. Double buffering: the workers train on chunk k while
** the caller's thread asks the source for chunk k+1; then they swap. The
** trainer's machinery (train.c) is reused with t->ds pointing at the chunk
** in training.
*/
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "loss.h"
#include "train.h"
#include "train_guard.h"

static int next_chunk(vfl_source_fn source, void *ud, vfl_dataset **chunk) {
  *chunk = NULL;
  int rc = source(ud, chunk);
  if (rc) {
    vfl_dataset_free(*chunk);
    *chunk = NULL;
    if (!*vfl_last_error()) vfl_fail(rc, "learn: the data source failed (status %d)", rc);
    return rc;
  }
  return VFL_OK;
}

/* Points the trainer at a new chunk: inputs, labels, order buffer and work
** buffers must all fit it. */
static int take_chunk(trainer *t, vfl_dataset *chunk, size_t *order_cap) {
  t->ds = chunk;
  int rc = trainer_map_inputs(t);
  if (rc == VFL_OK && t->loss.kind != VFL_LOSS_CUSTOM)
    rc = loss_check_labels(t->loss.kind, chunk, t->net->layers[t->net->output].dim);
  if (rc == VFL_OK && chunk->rows > *order_cap) rc = vfl_grow(&t->order, order_cap, chunk->rows, sizeof *t->order);
  uint32_t most[64];
  for (uint32_t k = 0; rc == VFL_OK && k < t->net->n_inputs && k < 64; k++)
    most[k] = chunk->inputs[t->input_map[k]].max_nnz;
  for (uint32_t i = 0; rc == VFL_OK && t->workers && i < t->n_workers; i++) rc = work_fit_training(t->workers[i].work, most);
  return rc == VFL_OK ? trainer_fit_rows(t) : rc;
}

typedef struct stream_totals {
  uint64_t examples, nnz;
  uint32_t chunks;
} stream_totals;

/* Trains on the current chunk while the source fills the next. */
static int train_chunk(trainer *t, vfl_source_fn source, void *ud, double started, stream_totals *sum,
                       vfl_dataset **next) {
  t->epoch = ++sum->chunks; /* seeds the shuffle within this chunk */
  int rc = trainer_start_workers(t);
  if (rc) return rc;
  int src_rc = next_chunk(source, ud, next);
  if (src_rc) trainer_fail(t, src_rc, vfl_last_error());
  trainer_supervise(t, started, sum->examples, sum->nnz);
  for (uint32_t i = 0; i < t->n_workers; i++) pthread_join(t->workers[i].thread, NULL);
  vfl_progress p;
  trainer_gather(t, started, sum->examples, sum->nnz, &p);
  sum->examples += p.done;
  for (uint32_t i = 0; i < t->n_workers; i++) sum->nnz += atomic_load(&t->workers[i].nnz);
  return VFL_OK;
}

static int finish(trainer *t, train_guard *g, double started, const stream_totals *sum, double loss) {
  if (t->opt.result) {
    vfl_progress *r = t->opt.result;
    memset(r, 0, sizeof *r);
    r->epoch = r->epochs = 1;
    r->done = r->total = sum->examples;
    r->seconds = trainer_now() - started;
    r->examples_per_s = r->seconds > 0 ? (double)sum->examples / r->seconds : 0;
    r->features_per_s = r->seconds > 0 ? (double)sum->nnz / r->seconds : 0;
    r->loss = loss;
  }
  if (atomic_load(&t->error_taken))
    return t->error_code == VFL_ENUMERIC ? guard_diverged(g, t) : vfl_fail(t->error_code, "%s", t->error);
  int rc = guard_run_end(g, t, 1);
  if (rc) return rc;
  if (atomic_load(&t->stop))
    return vfl_fail(VFL_ESTOPPED, "training stopped after %llu rows of the stream", (unsigned long long)sum->examples);
  return VFL_OK;
}

static int run(trainer *t, vfl_source_fn source, void *ud, vfl_dataset *first) {
  size_t order_cap = 0;
  int rc = take_chunk(t, first, &order_cap);
  if (rc == VFL_OK) rc = trainer_check(t);
  if (rc == VFL_OK) {
    t->n_workers = trainer_worker_count(&t->opt, (size_t)-1);
    rc = trainer_setup_workers(t);
  }
  if (rc) {
    vfl_dataset_free(first);
    t->ds = NULL;
    return rc == VFL_ESTOPPED ? stopped_in_setup() : rc;
  }
  /* keep_last_good: one copy, of the weights before the stream (a copy per
  ** chunk would cost a pass over the model every few thousand rows) */
  train_guard guard = {0};
  if ((rc = guard_epoch_start(&guard, t, 1))) {
    guard_free(&guard);
    vfl_dataset_free(first);
    t->ds = NULL;
    return rc == VFL_ESTOPPED ? stopped_in_setup() : rc;
  }
  if (t->loss.kind != VFL_LOSS_CUSTOM) t->net->link = loss_link(t->loss.kind);
  double started = trainer_now(), loss_sum = 0, weight_sum = 0;
  stream_totals sum = {0, 0, 0};
  vfl_dataset *current = first;
  while (current) {
    vfl_dataset *next = NULL;
    rc = train_chunk(t, source, ud, started, &sum, &next);
    if (rc == VFL_ESTOPPED) rc = VFL_OK; /* t->stop is set: finish reports it */
    for (uint32_t i = 0; i < t->n_workers; i++) {
      loss_sum += atomic_load(&t->workers[i].loss_sum);
      weight_sum += atomic_load(&t->workers[i].weight_sum);
    }
    vfl_dataset_free(current);
    current = next;
    t->ds = NULL;
    if (rc || atomic_load(&t->stop)) break;
    if (current && (rc = take_chunk(t, current, &order_cap))) break;
  }
  vfl_dataset_free(current);
  if (rc == VFL_OK) rc = finish(t, &guard, started, &sum, weight_sum > 0 ? loss_sum / weight_sum : 0);
  guard_free(&guard);
  return rc;
}

int vfl_net_learn_stream(vfl_net *net, vfl_source_fn source, void *ud, const vfl_loss_spec *loss,
                         const vfl_train_options *opt) {
  atomic_store(&net->stop_requested, 0); /* as in vfl_net_learn: before any set-up */
  trainer t;
  memset(&t, 0, sizeof t);
  t.net = net;
  t.loss = *loss;
  t.streaming = 1;
  if (opt) t.opt = *opt;
  else vfl_train_defaults(&t.opt);
  if (t.opt.epochs > 1) return vfl_fail(VFL_EINVAL, "learn: a stream is read once; epochs must be 1 (call learn again for another pass)");
  t.opt.epochs = 1;
  t.next_rows = t.opt.every_rows;
  t.next_report = trainer_now() + progress_interval(&t);
  if (!net->ready) return vfl_fail(VFL_EINVAL, "learn: the net is not initialised: call init first");
  vfl_dataset *first = NULL;
  int rc = next_chunk(source, ud, &first);
  if (rc) return rc;
  if (!first || !first->rows) {
    vfl_dataset_free(first);
    return vfl_fail(VFL_EINVAL, "learn: the stream has no rows");
  }
  pthread_mutex_init(&t.lock, NULL);
  pthread_cond_init(&t.finished, NULL);
  net->stop_flag = t.opt.stop;
  t.input_map = vfl_calloc(net->n_inputs, sizeof *t.input_map);
  rc = t.input_map ? run(&t, source, ud, first) : (vfl_dataset_free(first), VFL_ENOMEM);
  trainer_release(&t);
  net->stop_flag = NULL;
  return rc;
}
