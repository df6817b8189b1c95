/*
** test_learn.c -- learning to stated metrics: logistic regression on a9a
** (LIBLINEAR reaches 0.8495 test accuracy there), every optimizer and
** mini-batches on the same data (an MLP's too), 2 threads against 1, a problem no linear
** model can fit, and a 10-class multinomial problem.
*/
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "rng.h"
#include "vfl.h"

static vfl_dataset *a9a_train, *a9a_test;

static void load_a9a(void) {
  vfl_libsvm_options o = {.dim = 123};
  CHECK_OK(vfl_read_libsvm(t_data("a9a/a9a"), &o, &a9a_train));
  CHECK_OK(vfl_read_libsvm(t_data("a9a/a9a.t"), &o, &a9a_test));
}

static vfl_net *logistic_net(uint32_t dim, uint32_t hidden) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = dim};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = hidden, .intercept = 1};
  vfl_layer_spec r = {.kind = VFL_LAYER_RELU};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_stack(net, "x", &in);
  if (hidden) {
    vfl_net_stack(net, "h", &h);
    vfl_net_stack(net, "relu", &r);
  }
  vfl_net_stack(net, "out", &out);
  CHECK_OK(vfl_net_init(net, -1, 42));
  return net;
}

static double a9a_accuracy(int optim, float lr, uint32_t batch, uint32_t threads, uint32_t epochs, uint32_t hidden) {
  vfl_net *net = logistic_net(123, hidden);
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = epochs;
  o.batch = batch;
  o.threads = threads;
  o.optim.kind = optim;
  o.optim.lr = lr;
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, a9a_train, &loss, &o));
  vfl_metrics m;
  CHECK_OK(vfl_metrics_eval(net, a9a_test, &m));
  printf("a9a optim %d lr %g batch %u threads %u hidden %u: accuracy %.4f auc %.4f logloss %.4f\n", optim, (double)lr,
         batch, threads, hidden, m.accuracy, m.auc, m.logloss);
  vfl_net_free(net);
  return m.accuracy;
}

static void a9a(void) {
  double one = a9a_accuracy(VFL_OPTIM_ADAGRAD, 0.1f, 1, 1, 5, 0);
  CHECK(one >= 0.845);
  CHECK(a9a_accuracy(VFL_OPTIM_SGD, 0.01f, 1, 1, 5, 0) >= 0.845);
  CHECK(a9a_accuracy(VFL_OPTIM_ADAM, 0.01f, 32, 1, 10, 0) >= 0.845);
  CHECK(a9a_accuracy(VFL_OPTIM_ADAGRAD, 0.2f, 64, 1, 10, 0) >= 0.845);
  CHECK(a9a_accuracy(VFL_OPTIM_ADAGRAD, 0.05f, 1, 1, 3, 16) >= 0.845);
  /* a 32-wide hidden layer in mini-batches, on 2 threads: planned batches
  ** (rows stepped at their last touch, work_plan.c), each worker its own */
  CHECK(a9a_accuracy(VFL_OPTIM_ADAGRAD, 0.1f, 32, 2, 5, 32) >= 0.845);
  double two = a9a_accuracy(VFL_OPTIM_ADAGRAD, 0.1f, 1, 2, 5, 0);
  CHECK(fabs(two - one) <= 0.005);
}

/* XOR in the signs of two dense inputs: a linear model is stuck near 50%. */
static vfl_dataset *xor_data(uint64_t seed, size_t n) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_DENSE, 2);
  vfl_rng rng;
  vfl_rng_seed(&rng, seed);
  for (size_t i = 0; i < n; i++) {
    float v[2] = {(float)(2 * vfl_rng_uniform(&rng) - 1), (float)(2 * vfl_rng_uniform(&rng) - 1)};
    float label = (v[0] > 0) == (v[1] > 0) ? 1.0f : 0.0f;
    vfl_features f = {2, NULL, v};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    vfl_dataset_append(ds, &row);
  }
  return ds;
}

static double xor_accuracy(uint32_t hidden) {
  vfl_dataset *train = xor_data(1, 4000), *test = xor_data(2, 1000);
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_DENSE, .dim = 2};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = hidden, .intercept = 1};
  vfl_layer_spec t = {.kind = VFL_LAYER_TANH};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_stack(net, "x", &in);
  if (hidden) {
    vfl_net_stack(net, "h", &h);
    vfl_net_stack(net, "tanh", &t);
  }
  vfl_net_stack(net, "out", &out);
  CHECK_OK(vfl_net_init(net, -1, 3));
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 30;
  o.optim.kind = VFL_OPTIM_ADAM;
  o.optim.lr = 0.01f;
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, train, &loss, &o));
  vfl_metrics m;
  CHECK_OK(vfl_metrics_eval(net, test, &m));
  printf("xor hidden %u: accuracy %.4f\n", hidden, m.accuracy);
  vfl_net_free(net);
  vfl_dataset_free(train);
  vfl_dataset_free(test);
  return m.accuracy;
}

/* Ten classes, each with its own 30 of 1000 sparse features; rows draw 8
** features from their class and 4 from anywhere. */
static vfl_dataset *classes_data(uint64_t seed, size_t n) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 1000);
  vfl_rng rng;
  vfl_rng_seed(&rng, seed);
  for (size_t i = 0; i < n; i++) {
    uint32_t c = (uint32_t)vfl_rng_below(&rng, 10), idx[12];
    for (int j = 0; j < 8; j++) idx[j] = c * 30 + (uint32_t)vfl_rng_below(&rng, 30);
    for (int j = 8; j < 12; j++) idx[j] = (uint32_t)vfl_rng_below(&rng, 1000);
    float label = (float)c;
    vfl_features f = {12, idx, NULL};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    vfl_dataset_append(ds, &row);
  }
  return ds;
}

static void multinomial(void) {
  vfl_dataset *train = classes_data(1, 5000), *test = classes_data(2, 1000);
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 1000};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 10, .intercept = 1};
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "out", &out);
  CHECK_OK(vfl_net_init(net, -1, 3));
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 3;
  o.batch = 16;
  vfl_loss_spec loss = {VFL_LOSS_MULTINOMIAL, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, train, &loss, &o));
  vfl_metrics m;
  CHECK_OK(vfl_metrics_eval(net, test, &m));
  printf("10 classes: accuracy %.4f logloss %.4f\n", m.accuracy, m.logloss);
  CHECK(m.accuracy >= 0.95);
  CHECK(vfl_net_link(net) == VFL_LINK_SOFTMAX);
  vfl_net_free(net);
  vfl_dataset_free(train);
  vfl_dataset_free(test);
}

int main(void) {
  double linear = xor_accuracy(0), hidden = xor_accuracy(16);
  CHECK(linear < 0.65);
  CHECK(hidden > 0.95);
  multinomial();
  load_a9a();
  a9a();
  vfl_dataset_free(a9a_train);
  vfl_dataset_free(a9a_test);
  return t_done("test_learn");
}
