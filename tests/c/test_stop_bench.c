/*
** test_stop_bench.c -- on the benchmark's own data (bench/gen.c: 2^20
** features, 60 non-zeros a row, Zipf popularity), a stop requested from
** another thread ends a 2-thread training within 100 ms, for job 1 (linear)
** and job 2 (64 ReLU units), per example and with mini-batches of 256.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "gen.h"
#include "harness.h"
#include "vfl.h"

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The limit is for optimised builds; a sanitizer slows every batch by 5-15x,
** so sanitizer builds allow ten times as much (and say so). */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define LIMIT 1.0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define LIMIT 1.0
#endif
#endif
#ifndef LIMIT
#define LIMIT 0.1
#endif

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
  vfl_train_options opt;
  vfl_train_defaults(&opt);
  opt.epochs = 1000;
  opt.threads = 2;
  opt.batch = batch;
  opt.on_progress = note_progress;
  opt.progress_every = 0.02;
  atomic_store(&running, 0);
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  pthread_t th;
  pthread_create(&th, NULL, stop_later, net);
  int rc = vfl_net_learn(net, ds, &loss, &opt);
  double latency = seconds() - asked_at;
  pthread_join(th, NULL);
  printf("job %d, batch %u: learn returned %.1f ms after the stop request (limit %.0f ms)\n", hidden ? 2 : 1, batch,
         latency * 1000, LIMIT * 1000);
  CHECK(atomic_load(&running));
  CHECK(rc == VFL_ESTOPPED);
  CHECK(latency < LIMIT);
  vfl_net_free(net);
}

int main(void) {
  gen_options g;
  gen_defaults(&g);
  g.rows = 200000;
  vfl_dataset *ds = NULL;
  CHECK_OK(gen_dataset(&g, 0, &ds));
  stop_within_100ms(ds, 0, 1);
  stop_within_100ms(ds, 0, 256);
  stop_within_100ms(ds, 64, 1);
  stop_within_100ms(ds, 64, 256);
  vfl_dataset_free(ds);
  return t_done("test_stop_bench");
}
