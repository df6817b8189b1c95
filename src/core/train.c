/*
** train.c -- vfl_net_learn: checks, workers, epochs, progress and stopping.
** The caller's thread runs no examples: it starts the workers, reports
** progress about once a second, watches the caller's stop flag, and runs the
** per-epoch callback between epochs, so every callback happens on the
** caller's thread.
*/
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "loss.h"
#include "optim.h"
#include "rng.h"
#include "train.h"
#include "train_guard.h"

void vfl_train_defaults(vfl_train_options *o) {
  memset(o, 0, sizeof *o);
  o->epochs = 1;
  o->batch = 1;
  o->threads = 1;
  o->seed = 1;
  o->shuffle = 1;
  o->optim.kind = VFL_OPTIM_ADAGRAD;
  o->optim.lr = 0.1f;
  o->progress_every = 1.0;
}

double trainer_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int kinds_match(int layer_kind, int data_kind) {
  return (layer_kind == VFL_INPUT_DENSE) == (data_kind == VFL_INPUT_DENSE);
}

/* Net input k reads the dataset input of the same name; a net with one
** input and a dataset with one input match whatever their names. */
int trainer_map_inputs(trainer *t) {
  const vfl_net *net = t->net;
  const vfl_dataset *ds = t->ds;
  for (uint32_t k = 0; k < net->n_inputs; k++) {
    const vfl_layer *l = &net->layers[net->inputs[k]];
    int d = vfl_dataset_input_find(ds, l->name);
    if (d < 0 && net->n_inputs == 1 && ds->n_inputs == 1) d = 0;
    if (d < 0)
      return vfl_fail(VFL_EINVAL, "input layer '%s': the dataset has no input of that name (its first is '%s')", l->name,
                      ds->n_inputs ? ds->inputs[0].name : "none");
    const ds_input *in = &ds->inputs[d];
    if (!kinds_match(l->spec.input_kind, in->kind))
      return vfl_fail(VFL_EINVAL, "input layer '%s' is %s but the dataset's input '%s' is %s", l->name,
                      l->spec.input_kind == VFL_INPUT_DENSE ? "dense" : "sparse", in->name,
                      in->kind == VFL_INPUT_DENSE ? "dense" : "sparse");
    if (in->kind == VFL_INPUT_DENSE ? in->dim != l->dim : in->dim > l->dim)
      return vfl_fail(VFL_EINVAL, "input layer '%s' has dimension %u but the dataset's input '%s' has %u", l->name, l->dim,
                      in->name, in->dim);
    t->input_map[k] = (uint32_t)d;
  }
  return VFL_OK;
}

int trainer_stopped(trainer *t) {
  if (atomic_load(&t->stop)) return 1;
  if (!net_stop_asked(t->net)) return 0;
  atomic_store(&t->stop, 1);
  return 1;
}

int trainer_check(trainer *t) {
  const vfl_net *net = t->net;
  if (!net->ready) return vfl_fail(VFL_EINVAL, "learn: the net is not initialised: call init first");
  if (!net->layers[net->output].needs_grad) return vfl_fail(VFL_EINVAL, "learn: the net has no linear layer, nothing to learn");
  if (!t->ds->rows) return vfl_fail(VFL_EINVAL, "learn: the dataset has no rows");
  int rc = optim_check(&t->opt.optim, "learn");
  for (uint32_t i = 0; rc == VFL_OK && i < net->n_layers; i++)
    if (net->layers[i].optim.kind) rc = optim_check(&net->layers[i].optim, net->layers[i].name);
  if (rc) return rc;
  if (rc == VFL_OK) rc = trainer_check_schedule(t);
  if (rc == VFL_OK) rc = trainer_check_class_weights(t);
  if (rc) return rc;
  if (t->loss.kind == VFL_LOSS_CUSTOM) {
    if (!t->loss.fn) return vfl_fail(VFL_EINVAL, "learn: a custom loss needs a function");
    return VFL_OK;
  }
  /* in pieces: a stop asked for while a large dataset is checked is honoured */
  for (size_t from = 0; from < t->ds->rows; from += STOP_CHECK_ROWS) {
    if (trainer_stopped(t)) return VFL_ESTOPPED;
    size_t to = from + STOP_CHECK_ROWS < t->ds->rows ? from + STOP_CHECK_ROWS : t->ds->rows;
    if ((rc = loss_check_rows(t->loss.kind, t->ds, net->layers[net->output].dim, from, to))) return rc;
  }
  return VFL_OK;
}

uint32_t trainer_worker_count(const vfl_train_options *o, size_t rows) {
  long n = o->threads ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if ((size_t)n > rows) n = (long)rows;
  return (uint32_t)n;
}

uint32_t vfl_train_workers(const vfl_train_options *opt, size_t rows) { return trainer_worker_count(opt, rows); }

/* Largest row, in non-zeros, of each net input: sizes the work buffers. */
static void max_nnz(const trainer *t, uint32_t *out) {
  for (uint32_t k = 0; k < t->net->n_inputs; k++) out[k] = t->ds->inputs[t->input_map[k]].max_nnz;
}

int trainer_setup_workers(trainer *t) {
  uint32_t most[64];
  if (t->net->n_inputs > 64) return vfl_fail(VFL_EINVAL, "learn: a net may have at most 64 inputs");
  max_nnz(t, most);
  t->workers = vfl_calloc(t->n_workers, sizeof *t->workers);
  if (!t->workers) return VFL_ENOMEM;
  for (uint32_t i = 0; i < t->n_workers; i++) {
    if (trainer_stopped(t)) return VFL_ESTOPPED;
    worker *w = &t->workers[i];
    w->t = t;
    w->id = i;
    w->work = work_new(t->net);
    w->feats = vfl_calloc(t->ds->n_inputs ? t->ds->n_inputs : 1, sizeof *w->feats);
    if (!w->work || !w->feats) return VFL_ENOMEM;
    w->work->training = 1;
    int rc = work_prepare_training(w->work, t->opt.batch, &t->opt.optim, t->opt.seed * 7919 + i, most);
    if (rc == VFL_ESTOPPED) atomic_store(&t->stop, 1);
    if (rc) return rc;
  }
  return VFL_OK;
}

void trainer_release(trainer *t) {
  for (uint32_t i = 0; t->workers && i < t->n_workers; i++) {
    work_free(t->workers[i].work);
    vfl_free(t->workers[i].feats);
  }
  vfl_free(t->workers);
  vfl_free(t->order);
  vfl_free(t->input_map);
  pthread_mutex_destroy(&t->lock);
  pthread_cond_destroy(&t->finished);
}

/* Fisher-Yates over the epoch's order, in pieces with a look at the stop
** flag between them (shuffling 10^8 rows takes seconds). */
static int shuffle_order(trainer *t, vfl_rng *rng) {
  for (size_t i = t->ds->rows; i > 1;) {
    if (trainer_stopped(t)) return VFL_ESTOPPED;
    size_t next = i > STOP_CHECK_ROWS + 1 ? i - STOP_CHECK_ROWS : 1;
    vfl_rng_shuffle_part(rng, t->order, i, next);
    i = next;
  }
  return VFL_OK;
}

int trainer_split_order(trainer *t) {
  size_t n = t->ds->rows;
  for (uint32_t i = 0; i < t->n_workers; i++) {
    worker *w = &t->workers[i];
    w->begin = n * i / t->n_workers;
    w->end = n * (i + 1) / t->n_workers;
    atomic_store(&w->done, 0);
    atomic_store(&w->nnz, 0);
    atomic_store(&w->loss_sum, 0.0);
    atomic_store(&w->weight_sum, 0.0);
  }
  for (size_t i = 0; i < n; i++) t->order[i] = i;
  if (!t->opt.shuffle) return VFL_OK;
  vfl_rng rng;
  vfl_rng_seed(&rng, t->opt.seed + 0x5DEECE66Dull * t->epoch);
  return shuffle_order(t, &rng);
}

/* Sums the workers' counters into a progress report. */
void trainer_gather(trainer *t, double started, uint64_t before, uint64_t nnz_before, vfl_progress *p) {
  uint64_t done = 0, nnz = 0;
  double loss = 0, weight = 0;
  for (uint32_t i = 0; i < t->n_workers; i++) {
    done += atomic_load_explicit(&t->workers[i].done, memory_order_relaxed);
    nnz += atomic_load_explicit(&t->workers[i].nnz, memory_order_relaxed);
    loss += atomic_load_explicit(&t->workers[i].loss_sum, memory_order_relaxed);
    weight += atomic_load_explicit(&t->workers[i].weight_sum, memory_order_relaxed);
  }
  p->epoch = t->epoch;
  p->epochs = t->opt.epochs;
  p->done = done;
  p->total = t->ds->rows;
  p->seconds = trainer_now() - started;
  p->examples_per_s = p->seconds > 0 ? (double)(before + done) / p->seconds : 0;
  p->features_per_s = p->seconds > 0 ? (double)(nnz_before + nnz) / p->seconds : 0;
  p->loss = weight > 0 ? loss / weight : 0;
  p->examples = before + done;
}

double progress_interval(const trainer *t) { return t->opt.progress_every > 0 ? t->opt.progress_every : 1.0; }

/* The caller's periodic callbacks that are due: progress (by time) and
** on_rows (by examples). Called with the lock released. */
static void periodic(trainer *t, double started, uint64_t before, uint64_t nnz_before) {
  int report = t->opt.on_progress && trainer_now() >= t->next_report;
  int counting = t->opt.on_rows && t->opt.every_rows;
  if (!report && !counting) return;
  vfl_progress p;
  trainer_gather(t, started, before, nnz_before, &p);
  if (counting && p.examples >= t->next_rows) {
    t->next_rows = (p.examples / t->opt.every_rows + 1) * t->opt.every_rows;
    if (t->opt.on_rows(t->opt.rows_ud, &p)) atomic_store(&t->stop, 1);
  }
  if (report) {
    if (t->opt.on_progress(t->opt.progress_ud, &p)) atomic_store(&t->stop, 1);
    t->next_report = trainer_now() + progress_interval(t);
  }
}

/* Waits for the workers, reporting progress and relaying the caller's stop
** flag at least every 20 ms. */
void trainer_supervise(trainer *t, double started, uint64_t before, uint64_t nnz_before) {
  pthread_mutex_lock(&t->lock);
  while (t->running) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 20 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&t->finished, &t->lock, &until);
    trainer_stopped(t); /* relays the caller's flag to the workers */
    if (t->running && (t->opt.on_progress || t->opt.on_rows)) {
      pthread_mutex_unlock(&t->lock);
      periodic(t, started, before, nnz_before);
      pthread_mutex_lock(&t->lock);
    }
  }
  pthread_mutex_unlock(&t->lock);
  trainer_stopped(t); /* workers that ended on vfl_net_stop end the run */
  /* Epochs shorter than the 20 ms wait report here, between epochs. */
  if ((t->opt.on_progress || t->opt.on_rows) && !atomic_load(&t->stop)) periodic(t, started, before, nnz_before);
}

int trainer_start_workers(trainer *t) {
  if (trainer_split_order(t)) return VFL_ESTOPPED;
  t->running = t->n_workers;
  for (uint32_t i = 0; i < t->n_workers; i++) {
    if (pthread_create(&t->workers[i].thread, NULL, worker_run, &t->workers[i]) != 0) {
      trainer_fail(t, VFL_ENOMEM, "learn: could not start a worker thread");
      pthread_mutex_lock(&t->lock);
      t->running -= t->n_workers - i;
      pthread_mutex_unlock(&t->lock);
      for (uint32_t j = 0; j < i; j++) pthread_join(t->workers[j].thread, NULL);
      return VFL_ENOMEM;
    }
  }
  return VFL_OK;
}

int stopped_in_setup(void) {
  return vfl_fail(VFL_ESTOPPED, "training stopped during set-up, before any row was trained; the weights are unchanged");
}

static int train_epochs(trainer *t, train_guard *g) {
  double started = trainer_now();
  uint64_t examples = 0, nnz = 0;
  vfl_progress p = {0};
  int guard_rc = VFL_OK;
  for (t->epoch = 1; t->epoch <= t->opt.epochs; t->epoch++) {
    if (trainer_stopped(t)) break;
    if ((guard_rc = guard_epoch_start(g, t, t->epoch))) {
      if (guard_rc == VFL_ESTOPPED) guard_rc = VFL_OK; /* reported as a stop below */
      break;
    }
    if (trainer_start_workers(t)) break;
    trainer_supervise(t, started, examples, nnz);
    for (uint32_t i = 0; i < t->n_workers; i++) pthread_join(t->workers[i].thread, NULL);
    trainer_gather(t, started, examples, nnz, &p);
    examples += p.done;
    for (uint32_t i = 0; i < t->n_workers; i++) nnz += atomic_load(&t->workers[i].nnz);
    if (atomic_load(&t->stop)) break;
    if (t->opt.on_epoch && t->opt.on_epoch(t->opt.epoch_ud, &p)) {
      atomic_store(&t->stop, 1);
      t->epoch++;
      break;
    }
  }
  if (t->opt.result) {
    *t->opt.result = p;
    t->opt.result->epoch = t->epoch - 1;
    t->opt.result->examples_per_s = p.seconds > 0 ? (double)examples / p.seconds : 0;
  }
  if (guard_rc) return guard_rc;
  if (atomic_load(&t->error_taken))
    return t->error_code == VFL_ENUMERIC ? guard_diverged(g, t) : vfl_fail(t->error_code, "%s", t->error);
  int rc = guard_run_end(g, t, p.epoch);
  if (rc) return rc;
  if (!atomic_load(&t->stop)) return VFL_OK;
  if (!examples) return stopped_in_setup();
  return vfl_fail(VFL_ESTOPPED, "training stopped in epoch %u after %llu of %zu rows", p.epoch,
                  (unsigned long long)p.done, t->ds->rows);
}

int vfl_net_learn(vfl_net *net, const vfl_dataset *ds, const vfl_loss_spec *loss, const vfl_train_options *opt) {
  /* Forget earlier requests first thing: one made while this call sets up
  ** (which can take a while for a large net) must still stop it. */
  atomic_store(&net->stop_requested, 0);
  trainer t;
  memset(&t, 0, sizeof t);
  t.net = net;
  t.ds = ds;
  t.loss = *loss;
  if (opt) t.opt = *opt;
  else vfl_train_defaults(&t.opt);
  net->stop_flag = t.opt.stop;
  if (!t.opt.epochs) t.opt.epochs = 1;
  t.next_rows = t.opt.every_rows;
  t.next_report = trainer_now() + progress_interval(&t);
  pthread_mutex_init(&t.lock, NULL);
  pthread_cond_init(&t.finished, NULL);
  int rc = trainer_check(&t);
  if (rc == VFL_OK) {
    t.input_map = vfl_calloc(net->n_inputs, sizeof *t.input_map);
    t.order = vfl_alloc(ds->rows * sizeof *t.order);
    rc = t.input_map && t.order ? trainer_map_inputs(&t) : VFL_ENOMEM;
  }
  if (rc == VFL_OK) {
    t.n_workers = trainer_worker_count(&t.opt, ds->rows);
    rc = trainer_setup_workers(&t);
  }
  if (rc == VFL_OK) {
    if (loss->kind != VFL_LOSS_CUSTOM) net->link = loss_link(loss->kind);
    train_guard guard = {0};
    rc = train_epochs(&t, &guard);
    guard_free(&guard);
  }
  trainer_release(&t);
  net->stop_flag = NULL;
  return rc == VFL_ESTOPPED && atomic_load(&t.stop) && !t.epoch ? stopped_in_setup() : rc;
}
