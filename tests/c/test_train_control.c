/*
** test_train_control.c -- stopping (a flag set from another thread, the
** progress and epoch callbacks), custom losses with dense and sparse
** gradients, a failing callback reported exactly once, divergence detected.
*/
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "harness.h"
#include "rng.h"
#include "vfl.h"

static vfl_dataset *data(size_t rows) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 1 << 16);
  vfl_rng rng;
  vfl_rng_seed(&rng, 3);
  for (size_t i = 0; i < rows; i++) {
    uint32_t idx[30];
    for (int j = 0; j < 30; j++) idx[j] = (uint32_t)vfl_rng_below(&rng, 1 << 16);
    float label = (float)(idx[0] & 1);
    vfl_features f = {30, idx, NULL};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    vfl_dataset_append(ds, &row);
  }
  return ds;
}

static vfl_net *net_for(uint32_t outs) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 1 << 16};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = outs, .intercept = 1};
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "out", &o);
  CHECK_OK(vfl_net_init(net, -1, 1));
  return net;
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static _Atomic double stop_requested_at;
static atomic_int training_started;

/* Progress proves that examples are being trained (set-up is over). */
static int note_progress(void *ud, const vfl_progress *p) {
  (void)ud;
  if (p->done > 0) atomic_store(&training_started, 1);
  return 0;
}

static void *request_stop(void *net) {
  struct timespec tick = {0, 5 * 1000 * 1000}, d = {0, 200 * 1000 * 1000};
  /* 2,000 ticks: 10 s, so that a missing report fails the test instead of hanging it */
  for (int i = 0; i < 2000 && !atomic_load(&training_started); i++) nanosleep(&tick, NULL);
  nanosleep(&d, NULL);
  stop_requested_at = seconds();
  vfl_net_stop(net);
  return NULL;
}

static void stop_from_another_thread(vfl_dataset *ds) {
  vfl_net *net = net_for(1);
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 1000;
  o.threads = 2;
  o.on_progress = note_progress;
  o.progress_every = 0.02;
  vfl_progress result;
  o.result = &result;
  pthread_t th;
  pthread_create(&th, NULL, request_stop, net);
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  int rc = vfl_net_learn(net, ds, &loss, &o);
  double latency = seconds() - stop_requested_at;
  pthread_join(th, NULL);
  printf("stop honoured %.1f ms after the request, in epoch %u\n", latency * 1000, result.epoch + 1);
  CHECK(atomic_load(&training_started)); /* epochs of a few ms still report progress */
  CHECK(rc == VFL_ESTOPPED);
#ifdef VFL_TIMED_CHECKS /* an optimised build without sanitizers */
  if (t_quiet_machine()) CHECK(latency < 0.1);
#endif
  /* the model stays usable */
  uint32_t idx = 5;
  vfl_features f = {1, &idx, NULL};
  float p;
  CHECK_OK(vfl_net_predict(net, &f, 1, &p));
  CHECK(p > 0 && p < 1);
  vfl_net_free(net);
}

static int epochs_seen;
static int stop_after_two(void *ud, const vfl_progress *p) {
  (void)ud;
  epochs_seen++;
  CHECK(p->done == p->total);
  return p->epoch == 2;
}

static void epoch_callback_stops(vfl_dataset *ds) {
  vfl_net *net = net_for(1);
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 10;
  o.on_epoch = stop_after_two;
  vfl_progress result;
  o.result = &result;
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  CHECK(vfl_net_learn(net, ds, &loss, &o) == VFL_ESTOPPED);
  CHECK(epochs_seen == 2 && result.epoch == 2);
  vfl_net_free(net);
}

static uint64_t marks[64];
static int n_marks;
static int record_rows(void *ud, const vfl_progress *p) {
  (void)ud;
  if (n_marks < 64) marks[n_marks++] = (uint64_t)(p->epoch - 1) * p->total + p->done;
  return n_marks == 5; /* stop at the fifth call */
}

/* on_rows comes about every every_rows examples, in order, on the caller's
** thread, and can stop the run. */
static void every_rows_callback(vfl_dataset *ds) {
  vfl_net *net = net_for(1);
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 50;
  o.threads = 2;
  o.every_rows = 50000;
  o.on_rows = record_rows;
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  CHECK(vfl_net_learn(net, ds, &loss, &o) == VFL_ESTOPPED);
  CHECK(n_marks == 5);
  for (int i = 0; i < n_marks; i++) {
    printf("on_rows call %d at %llu examples\n", i + 1, (unsigned long long)marks[i]);
    CHECK(marks[i] >= (uint64_t)(i + 1) * 50000);      /* never early */
    CHECK(i == 0 || marks[i] > marks[i - 1]);
  }
  vfl_net_free(net);
}

/* The built-in logistic loss, written as a callback: dense gradient. */
static int my_logistic(void *ud, vfl_loss_io *io, double *loss) {
  (void)ud;
  return vfl_loss_eval(VFL_LOSS_LOGISTIC, io->out, io->n_out, io->row->labels, 1, io->grad, loss);
}

/* The same, answering with a sparse gradient. */
static int my_sparse_logistic(void *ud, vfl_loss_io *io, double *loss) {
  float g;
  int rc = my_logistic(ud, io, loss);
  g = io->grad[0];
  io->grad[0] = 12345; /* ignored: a sparse answer replaces the dense one */
  io->grad_index[0] = 0;
  io->grad_value[0] = g;
  io->grad_nnz = 1;
  return rc;
}

static void custom_matches_builtin(vfl_dataset *ds) {
  vfl_loss_fn fns[2] = {my_logistic, my_sparse_logistic};
  for (int k = 0; k < 2; k++) {
    vfl_net *a = net_for(1), *b = net_for(1);
    vfl_train_options o;
    vfl_train_defaults(&o);
    o.epochs = 2;
    vfl_loss_spec builtin = {VFL_LOSS_LOGISTIC, NULL, NULL}, custom = {VFL_LOSS_CUSTOM, fns[k], NULL};
    CHECK_OK(vfl_net_learn(a, ds, &builtin, &o));
    CHECK_OK(vfl_net_learn(b, ds, &custom, &o));
    static float wa[1 << 16], wb[1 << 16];
    vfl_net_param_get(a, "out", 0, wa);
    vfl_net_param_get(b, "out", 0, wb);
    double diff = 0;
    for (int j = 0; j < 1 << 16; j++) diff = fmax(diff, fabs(wa[j] - wb[j]));
    CHECK(diff < 1e-6);
    vfl_net_free(a);
    vfl_net_free(b);
  }
}

/* Threads of this process, from /proc (Linux). */
static int thread_count(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  int n = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "Threads: %d", &n) == 1) break;
  if (f) fclose(f);
  return n;
}

static atomic_int failures;
static int failing_loss(void *ud, vfl_loss_io *io, double *loss) {
  (void)ud;
  (void)loss;
  if (io->row_id == 777) {
    atomic_fetch_add(&failures, 1);
    vfl_set_error("my loss: row 778 is unacceptable");
    return VFL_ECALLBACK;
  }
  io->grad[0] = 0;
  *loss = 0;
  return VFL_OK;
}

static void callback_error_once(vfl_dataset *ds) {
  vfl_net *net = net_for(1);
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 3;
  o.threads = 2;
  vfl_loss_spec loss = {VFL_LOSS_CUSTOM, failing_loss, NULL};
  int threads_before = thread_count();
  CHECK_ERR(vfl_net_learn(net, ds, &loss, &o), VFL_ECALLBACK, "my loss: row 778 is unacceptable");
  CHECK(atomic_load(&failures) == 1); /* no worker went on to a later epoch */
  CHECK(thread_count() == threads_before); /* every worker was joined */
  vfl_net_free(net);
}

static void divergence(vfl_dataset *ds) {
  vfl_net *net = net_for(1);
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.optim.kind = VFL_OPTIM_SGD;
  o.optim.lr = 1e38f; /* the next outputs overflow float */
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  int rc = vfl_net_learn(net, ds, &loss, &o);
  CHECK(rc == VFL_ENUMERIC);
  CHECK(strstr(vfl_last_error(), "training diverged: the loss of row") != NULL);
  CHECK(strstr(vfl_last_error(), "in epoch 1; lower the learning rate") != NULL);
  vfl_net_free(net);
}

int main(void) {
  vfl_dataset *ds = data(20000);
  stop_from_another_thread(ds);
  epoch_callback_stops(ds);
  every_rows_callback(ds);
  custom_matches_builtin(ds);
  callback_error_once(ds);
  divergence(ds);
  vfl_dataset_free(ds);
  return t_done("test_train_control");
}
