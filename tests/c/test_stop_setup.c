/*
** test_stop_setup.c -- a stop asked for while learn is still setting up a
** large model (2^18 x 64 weights, 64 MiB: the optimizer state to build, the
** keep_last_good copy to take) ends learn with VFL_ESTOPPED before any row
** is trained, and leaves the weights exactly as they were.
**
** The request is made from inside the allocator hook, when set-up asks for
** its first large block, or to grow a block to a large size (the optimizer
** state is made by growing the weights' block in place): before the first
** progress report by construction,
** so the test is exact in every build (sanitizers included) and never
** depends on how fast set-up runs.
*/
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "harness.h"
#include "vfl.h"

#define FEATURE_BITS 18
#define HIDDEN 64
#define LARGE ((size_t)32 << 20) /* smaller than the model's blocks with their state, larger than the rest */
#define SETUP_STOP "training stopped during set-up, before any row was trained; the weights are unchanged"

/* What the hook does at the next large allocation: one of the two ways a
** caller asks for a stop (vfl_net_stop from any thread, or its flag). */
static vfl_net *stop_net;
static volatile int *stop_flag;
static int large_seen;

static void *stopping_realloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  if (size >= LARGE && (stop_net || stop_flag)) {
    large_seen++;
    if (stop_net) vfl_net_stop(stop_net);
    if (stop_flag) *stop_flag = 1;
    stop_net = NULL;
    stop_flag = NULL;
  }
  return realloc(ptr, size);
}

static vfl_net *large_net(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 1u << FEATURE_BITS};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = HIDDEN, .intercept = 1}, r = {.kind = VFL_LAYER_RELU};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_stack(net, "features", &in);
  vfl_net_stack(net, "h", &h);
  vfl_net_stack(net, "relu", &r);
  vfl_net_stack(net, "out", &o);
  CHECK_OK(vfl_net_init(net, -1, 1));
  return net;
}

static float *weights_of(const vfl_net *net) {
  float *w = malloc(sizeof(float) * ((size_t)HIDDEN << FEATURE_BITS));
  CHECK_OK(vfl_net_param_get(net, "h", 0, w));
  return w;
}

static int same_weights(const vfl_net *net, const float *before) {
  float *now = weights_of(net);
  int same = memcmp(now, before, sizeof(float) * ((size_t)HIDDEN << FEATURE_BITS)) == 0;
  free(now);
  return same;
}

static void options(vfl_train_options *o) {
  vfl_train_defaults(o);
  o->threads = 2;
  o->epochs = 3;
  o->optim.kind = VFL_OPTIM_ADAM; /* init laid the rows out for AdaGrad: ADAM's state widens them */
}

static const vfl_loss_spec logistic = {VFL_LOSS_LOGISTIC, NULL, NULL};

/* The optimizer state is built (the weights' block grows to hold it) and
** the request comes when that block is grown. */
static void stop_while_building_state(const vfl_dataset *ds, int through_flag) {
  vfl_net *net = large_net();
  float *before = weights_of(net);
  vfl_train_options o;
  options(&o);
  volatile int flag = 0;
  if (through_flag) {
    o.stop = &flag;
    stop_flag = &flag;
  } else {
    stop_net = net;
  }
  large_seen = 0;
  CHECK_ERR(vfl_net_learn(net, ds, &logistic, &o), VFL_ESTOPPED, SETUP_STOP);
  CHECK(large_seen == 1);
  CHECK(same_weights(net, before));
  /* the request is forgotten: the next learn trains */
  o.stop = NULL;
  o.epochs = 1;
  CHECK_OK(vfl_net_learn(net, ds, &logistic, &o));
  CHECK(!same_weights(net, before));
  free(before);
  vfl_net_free(net);
}

/* The state already exists; the request comes when the keep_last_good copy
** is allocated, and is seen while the weights are checked and copied. */
static void stop_while_copying_for_keep_last_good(const vfl_dataset *ds) {
  vfl_net *net = large_net();
  vfl_train_options o;
  options(&o);
  o.epochs = 1;
  CHECK_OK(vfl_net_learn(net, ds, &logistic, &o)); /* builds the state */
  float *before = weights_of(net);
  o.epochs = 3;
  o.keep_last_good = 1;
  stop_net = net;
  large_seen = 0;
  CHECK_ERR(vfl_net_learn(net, ds, &logistic, &o), VFL_ESTOPPED, SETUP_STOP);
  CHECK(large_seen == 1);
  CHECK(same_weights(net, before));
  free(before);
  vfl_net_free(net);
}

/* A stream sets up the same way before its first chunk trains. */
static int one_chunk(void *ud, vfl_dataset **chunk) {
  int *calls = ud;
  if ((*calls)++) return VFL_OK; /* *chunk stays NULL: the end */
  return gen_small(2000, FEATURE_BITS, 1, chunk);
}

static void stop_while_setting_up_a_stream(void) {
  vfl_net *net = large_net();
  float *before = weights_of(net);
  vfl_train_options o;
  options(&o);
  o.epochs = 1;
  int calls = 0;
  stop_net = net;
  CHECK_ERR(vfl_net_learn_stream(net, one_chunk, &calls, &logistic, &o), VFL_ESTOPPED, SETUP_STOP);
  CHECK(same_weights(net, before));
  free(before);
  vfl_net_free(net);
}

int main(void) {
  vfl_dataset *ds = NULL;
  CHECK_OK(gen_small(2000, FEATURE_BITS, 0, &ds));
  vfl_set_allocator(stopping_realloc, NULL);
  stop_while_building_state(ds, 0);
  stop_while_building_state(ds, 1);
  stop_while_copying_for_keep_last_good(ds);
  stop_while_setting_up_a_stream();
  vfl_set_allocator(NULL, NULL);
  vfl_dataset_free(ds);
  return t_done("test_stop_setup");
}
