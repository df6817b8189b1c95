/*
** test_stop_bench.c -- on the benchmark's own data (bench/gen.c: 2^20
** features, 60 non-zeros a row, Zipf popularity), a stop requested while 2
** threads train ends the run within one mini-batch per worker, for job 1
** (linear) and job 2 (64 ReLU units), per example and with mini-batches of
** 256.
**
** The bound is checked by counting, so it holds in every build: the loss
** (the built-in logistic one, through a counting wrapper) asks for the stop
** at a known row, from a worker thread, and the rows trained after that are
** counted. Wall-clock latency is checked only in an optimised build without
** sanitizers (VFL_TIMED_CHECKS) on a machine that is not overloaded (load
** average at most the core count), where a stop from another thread must
** end the run within 100 ms; the latencies always print as benchmark lines.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "gen.h"
#include "harness.h"
#include "vfl.h"

#define WORKERS 2
#define STOP_AT_ROW 5000

static vfl_net *bench_net(uint32_t hidden) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 1u << 20};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = hidden, .intercept = 1}, r = {.kind = VFL_LAYER_RELU};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_stack(net, "features", &in);
  if (hidden) {
    vfl_net_stack(net, "h", &h);
    vfl_net_stack(net, "relu", &r);
  }
  vfl_net_stack(net, "out", &o);
  CHECK_OK(vfl_net_init(net, -1, 1));
  return net;
}

static void bench_options(vfl_train_options *o, uint32_t batch) {
  vfl_train_defaults(o);
  o->epochs = 1000;
  o->threads = WORKERS;
  o->batch = batch;
}

typedef struct counting {
  atomic_ullong rows;
  vfl_net *net;
} counting;

/* The logistic loss, counting rows; row STOP_AT_ROW asks for the stop. */
static int counting_logistic(void *ud, vfl_loss_io *io, double *loss) {
  counting *c = ud;
  if (atomic_fetch_add(&c->rows, 1) + 1 == STOP_AT_ROW) vfl_net_stop(c->net);
  return vfl_loss_eval(VFL_LOSS_LOGISTIC, io->out, io->n_out, io->row->labels, io->row->n_labels, io->grad, loss);
}

/* After the request each worker finishes at most the mini-batch it is in. */
static void stop_within_a_batch(const vfl_dataset *ds, uint32_t hidden, uint32_t batch) {
  vfl_net *net = bench_net(hidden);
  vfl_train_options opt;
  bench_options(&opt, batch);
  counting c = {0, net};
  vfl_loss_spec loss = {VFL_LOSS_CUSTOM, counting_logistic, &c};
  int rc = vfl_net_learn(net, ds, &loss, &opt);
  unsigned long long after = atomic_load(&c.rows) - STOP_AT_ROW;
  printf("job %d, batch %u: %llu rows trained after the stop request (at most %u)\n", hidden ? 2 : 1, batch, after,
         WORKERS * batch);
  CHECK(rc == VFL_ESTOPPED);
  CHECK(after <= (unsigned long long)WORKERS * batch);
  vfl_net_free(net);
}

#ifdef VFL_TIMED_CHECKS
static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static _Atomic double asked_at;
static atomic_int running;

/* Progress proves that examples are being trained (set-up is over). */
static int note_progress(void *ud, const vfl_progress *p) {
  (void)ud;
  if (p->done > 0) atomic_store(&running, 1);
  return 0;
}

static void *stop_later(void *net) {
  struct timespec tick = {0, 5 * 1000 * 1000}, d = {0, 300 * 1000 * 1000};
  /* 2,000 ticks: 10 s, so that a missing report fails the test instead of hanging it */
  for (int i = 0; i < 2000 && !atomic_load(&running); i++) nanosleep(&tick, NULL);
  nanosleep(&d, NULL);
  asked_at = seconds();
  vfl_net_stop(net);
  return NULL;
}

static void stop_within_100ms(const vfl_dataset *ds, uint32_t hidden, uint32_t batch) {
  vfl_net *net = bench_net(hidden);
  vfl_train_options opt;
  bench_options(&opt, batch);
  opt.on_progress = note_progress;
  opt.progress_every = 0.02;
  atomic_store(&running, 0);
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  pthread_t th;
  pthread_create(&th, NULL, stop_later, net);
  int rc = vfl_net_learn(net, ds, &loss, &opt);
  double latency = seconds() - asked_at;
  pthread_join(th, NULL);
  printf("bench: job %d, batch %u: learn returned %.1f ms after the stop request (limit 100 ms)\n", hidden ? 2 : 1,
         batch, latency * 1000);
  CHECK(atomic_load(&running));
  CHECK(rc == VFL_ESTOPPED);
  if (t_quiet_machine()) CHECK(latency < 0.1);
  vfl_net_free(net);
}
#endif

int main(void) {
  gen_options g;
  gen_defaults(&g);
  g.rows = 200000;
  vfl_dataset *ds = NULL;
  CHECK_OK(gen_dataset(&g, 0, &ds));
  for (uint32_t hidden = 0; hidden <= 64; hidden += 64)
    for (uint32_t batch = 1; batch <= 256; batch += 255) stop_within_a_batch(ds, hidden, batch);
#ifdef VFL_TIMED_CHECKS
  for (uint32_t hidden = 0; hidden <= 64; hidden += 64)
    for (uint32_t batch = 1; batch <= 256; batch += 255) stop_within_100ms(ds, hidden, batch);
#else
  printf("wall-clock latency not checked: a sanitizer or unoptimised build (VFL_TIMED_CHECKS is off)\n");
#endif
  vfl_dataset_free(ds);
  return t_done("test_stop_bench");
}
