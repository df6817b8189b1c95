/*
** test_stream.c -- training from a stream of chunks: it learns like
** in-memory training, the engine's peak memory does not grow with the
** length of the stream (at most two chunks live), chunks of another shape
** and failing sources are errors, and a stop request ends it.
*/
#include <malloc.h>
#include <stdlib.h>

#include "harness.h"
#include "rng.h"
#include "vfl.h"

static long live_bytes, peak_bytes;

static void *tracking_realloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (ptr) live_bytes -= (long)malloc_usable_size(ptr);
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  void *p = realloc(ptr, size);
  if (p) live_bytes += (long)malloc_usable_size(p);
  if (live_bytes > peak_bytes) peak_bytes = live_bytes;
  return p;
}

typedef struct source {
  vfl_rng rng;
  int chunks_left;
  int rows;
  const char *input;   /* input name of the chunks */
  int fail_at;         /* chunk number that fails, 0: none */
  int made;
} source;

/* Rows whose label is decided by the parity of the smallest of 10 features
** in [0, 1000): learnable by a linear model over 1000 features. */
static int next(void *ud, vfl_dataset **chunk) {
  source *s = ud;
  if (s->chunks_left-- <= 0) return VFL_OK;
  if (++s->made == s->fail_at) {
    vfl_set_error("my source: the disk is on fire");
    return VFL_ECALLBACK;
  }
  vfl_dataset *ds = vfl_dataset_new(1);
  int odd = s->made > 2 && s->input; /* from chunk 3 on: another input, twice as wide */
  vfl_dataset_add_input(ds, odd ? s->input : "x", VFL_INPUT_SPARSE, odd ? 2000 : 1000);
  for (int i = 0; i < s->rows; i++) {
    uint32_t idx[10], smallest = 1000;
    for (int j = 0; j < 10; j++) {
      idx[j] = (uint32_t)vfl_rng_below(&s->rng, 1000);
      if (idx[j] < smallest) smallest = idx[j];
    }
    float label = (float)(smallest % 2);
    vfl_features f = {10, idx, NULL};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    vfl_dataset_append(ds, &row);
  }
  *chunk = ds;
  return VFL_OK;
}

static vfl_net *new_net(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 1000};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "out", &o);
  CHECK_OK(vfl_net_init(net, -1, 1));
  return net;
}

static double accuracy(vfl_net *net) {
  source s = {.chunks_left = 1, .rows = 5000};
  vfl_rng_seed(&s.rng, 99);
  vfl_dataset *test = NULL;
  next(&s, &test);
  vfl_metrics m;
  CHECK_OK(vfl_metrics_eval(net, test, &m));
  vfl_dataset_free(test);
  return m.accuracy;
}

/* Trains on `chunks` chunks of 1000 rows; returns the engine's peak bytes. */
static long stream_peak(int chunks, uint32_t threads, double *acc) {
  vfl_net *net = new_net();
  source s = {.chunks_left = chunks, .rows = 1000};
  vfl_rng_seed(&s.rng, 1);
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.threads = threads;
  o.batch = 8;
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  vfl_progress result;
  o.result = &result;
  peak_bytes = live_bytes;
  long base = live_bytes;
  CHECK_OK(vfl_net_learn_stream(net, next, &s, &loss, &o));
  long peak = peak_bytes - base;
  CHECK(result.done == (uint64_t)chunks * 1000);
  if (acc) *acc = accuracy(net);
  vfl_net_free(net);
  return peak;
}

static void errors(void) {
  vfl_net *net = new_net();
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  source s = {.chunks_left = 5, .rows = 100, .input = "other"};
  vfl_rng_seed(&s.rng, 1);
  CHECK_ERR(vfl_net_learn_stream(net, next, &s, &loss, NULL), VFL_EINVAL,
            "input layer 'x' has dimension 1000 but the dataset's input 'other' has 2000");
  source f = {.chunks_left = 5, .rows = 100, .fail_at = 3};
  vfl_rng_seed(&f.rng, 1);
  CHECK_ERR(vfl_net_learn_stream(net, next, &f, &loss, NULL), VFL_ECALLBACK, "my source: the disk is on fire");
  source none = {.chunks_left = 0};
  CHECK_ERR(vfl_net_learn_stream(net, next, &none, &loss, NULL), VFL_EINVAL, "learn: the stream has no rows");
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 2;
  CHECK_ERR(vfl_net_learn_stream(net, next, &none, &loss, &o), VFL_EINVAL,
            "learn: a stream is read once; epochs must be 1 (call learn again for another pass)");
  vfl_net_free(net);
}

int main(void) {
  vfl_set_allocator(tracking_realloc, NULL);
  double acc_short, acc_long;
  long short_peak = stream_peak(10, 2, &acc_short), long_peak = stream_peak(40, 2, &acc_long);
  printf("peak engine memory: %ld bytes for 10 chunks, %ld bytes for 40 chunks; accuracy %.4f / %.4f\n", short_peak,
         long_peak, acc_short, acc_long);
  CHECK(long_peak < short_peak * 11 / 10); /* bounded: does not grow with the stream */
  CHECK(acc_long > 0.85);
  stream_peak(5, 1, NULL);
  errors();
  vfl_set_allocator(NULL, NULL);
  return t_done("test_stream");
}
