/*
** test_minibatch.c -- what a mini-batch does to one-column rows, whose
** gradient sums live in the rows themselves (work.h): each row the batch
** touched moves once, by the mean of its gradients, however many times it
** was touched; a row whose gradients cancel exactly stays where it was; and
** a run that fails in the middle of a batch leaves no sum behind for the
** next run.
**
** Four rows, all in one batch, starting from zero weights, square loss: the
** output is 0 for every row, so its gradient is -label, and feature r's
** summed gradient is -sum(value * label) over the rows that hold it. Every
** value is a power of two, so the sums are exact in any order:
**   row 1: x0 = 1, x1 = 2, label 1      feature 0: -(1 - 1)       =  0
**   row 2: x0 = 1, x2 = 1, label -1     feature 1: -(2 + 1 + 1)   = -4
**   row 3: x1 = 1, label 1              feature 2: -(-1)          =  1
**   row 4: x1 = 1, x3 = 0.5, label 1    feature 3: -(0.5)         = -0.5
** Means over the 4 rows: 0, -1, 0.25, -0.125.
*/
#include <math.h>
#include <stdio.h>

#include "harness.h"
#include "vfl.h"

static vfl_dataset *four_rows(void) {
  static const uint32_t idx[4][2] = {{0, 1}, {0, 2}, {1, 0}, {1, 3}};
  static const float val[4][2] = {{1, 2}, {1, 1}, {1, 0}, {1, 0.5f}};
  static const uint32_t n[4] = {2, 2, 1, 2};
  static const float label[4] = {1, -1, 1, 1};
  vfl_dataset *ds = vfl_dataset_new(1);
  CHECK_OK(vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 4));
  for (int i = 0; i < 4; i++) {
    vfl_features f = {n[i], (uint32_t *)idx[i], (float *)val[i]};
    vfl_row row = {&label[i], 1, 1.0f, &f, 1};
    CHECK_OK(vfl_dataset_append(ds, &row));
  }
  return ds;
}

static vfl_net *zero_net(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec x = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 4};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 1};
  CHECK_OK(vfl_net_stack(net, "x", &x));
  CHECK_OK(vfl_net_stack(net, "out", &out));
  CHECK_OK(vfl_net_init(net, 0, 1));
  const float zeros[4] = {0, 0, 0, 0};
  CHECK_OK(vfl_net_param_set(net, "out", 0, zeros));
  return net;
}

static vfl_train_options one_batch(int optim, float lr) {
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 1;
  o.threads = 1;
  o.batch = 4;
  o.seed = 3;
  o.keep_last_good = 0;
  o.optim.kind = optim;
  o.optim.lr = lr;
  return o;
}

static const vfl_loss_spec square = {VFL_LOSS_SQUARE, NULL, NULL};

static void learn_once(int optim, float lr, float *w) {
  vfl_dataset *ds = four_rows();
  vfl_net *net = zero_net();
  vfl_train_options o = one_batch(optim, lr);
  CHECK_OK(vfl_net_learn(net, ds, &square, &o));
  CHECK_OK(vfl_net_param_get(net, "out", 0, w));
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

/* SGD: w = -lr * mean, exactly; feature 1, touched three times, moved once. */
static void sgd_moves_by_the_mean(void) {
  float w[4];
  learn_once(VFL_OPTIM_SGD, 1.0f, w);
  printf("sgd: %g %g %g %g\n", (double)w[0], (double)w[1], (double)w[2], (double)w[3]);
  CHECK(w[0] == 0.0f && w[1] == 1.0f && w[2] == -0.25f && w[3] == 0.125f);
}

/* AdaGrad takes one step per row with the mean g: w = -lr * g / (|g| + eps),
** about -lr * sign(g). Three steps for feature 1 (one per touch) would give
** about 1 + 1/sqrt(2) + 1/sqrt(3) instead. */
static void adagrad_steps_once_per_row(void) {
  float w[4];
  learn_once(VFL_OPTIM_ADAGRAD, 0.5f, w);
  printf("adagrad: %g %g %g %g\n", (double)w[0], (double)w[1], (double)w[2], (double)w[3]);
  CHECK(w[0] == 0.0f);
  CHECK(fabsf(w[1] - 0.5f) < 1e-5f && fabsf(w[2] + 0.5f) < 1e-5f && fabsf(w[3] - 0.5f) < 1e-5f);
}

/* ADAM would move a row with a zero gradient and a moment; feature 0's
** gradients cancel exactly, and it is left alone as an untouched row. */
static void cancelled_row_left_alone(void) {
  float w[4];
  learn_once(VFL_OPTIM_ADAM, 0.1f, w);
  printf("adam: %g %g %g %g\n", (double)w[0], (double)w[1], (double)w[2], (double)w[3]);
  CHECK(w[0] == 0.0f && w[1] > 0.09f && w[2] < -0.09f && w[3] > 0.09f);
}

/* A loss that fails on the third example of the batch: the run fails, no
** weight has moved, and a second run on the same net ends exactly where a
** fresh net's does: the failed batch's sums were dropped, not kept. */
static int fail_on_third(void *ud, vfl_loss_io *io, double *loss) {
  int *calls = ud;
  if (++*calls == 3) {
    vfl_set_error("the loss refuses this row");
    return VFL_ECALLBACK;
  }
  io->grad[0] = io->out[0] - io->row->labels[0];
  *loss = 0.5 * (double)io->grad[0] * io->grad[0];
  return VFL_OK;
}

static void failed_batch_leaves_nothing(void) {
  vfl_dataset *ds = four_rows();
  vfl_net *net = zero_net();
  vfl_train_options o = one_batch(VFL_OPTIM_SGD, 1.0f);
  int calls = 0;
  vfl_loss_spec failing = {VFL_LOSS_CUSTOM, fail_on_third, &calls};
  CHECK(vfl_net_learn(net, ds, &failing, &o) == VFL_ECALLBACK);
  float w[4], fresh[4];
  CHECK_OK(vfl_net_param_get(net, "out", 0, w));
  CHECK(w[0] == 0.0f && w[1] == 0.0f && w[2] == 0.0f && w[3] == 0.0f);
  CHECK_OK(vfl_net_learn(net, ds, &square, &o));
  CHECK_OK(vfl_net_param_get(net, "out", 0, w));
  learn_once(VFL_OPTIM_SGD, 1.0f, fresh);
  CHECK(w[0] == fresh[0] && w[1] == fresh[1] && w[2] == fresh[2] && w[3] == fresh[3]);
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

/* The sums are a run's scratch: a net trained in mini-batches saves and
** loads the same weights as its own. */
static void sums_are_not_saved(void) {
  vfl_dataset *ds = four_rows();
  vfl_net *net = zero_net(), *back = NULL;
  vfl_train_options o = one_batch(VFL_OPTIM_ADAGRAD, 0.5f);
  CHECK_OK(vfl_net_learn(net, ds, &square, &o));
  const char *path = t_tmp_path("minibatch.vfl");
  CHECK_OK(vfl_model_save(net, path));
  CHECK_OK(vfl_model_load(path, &back));
  float w[4], again[4];
  CHECK_OK(vfl_net_param_get(net, "out", 0, w));
  CHECK_OK(vfl_net_param_get(back, "out", 0, again));
  for (int r = 0; r < 4; r++) CHECK(w[r] == again[r]);
  /* training on, both move alike: the loaded state is the trained one */
  CHECK_OK(vfl_net_learn(net, ds, &square, &o));
  CHECK_OK(vfl_net_learn(back, ds, &square, &o));
  CHECK_OK(vfl_net_param_get(net, "out", 0, w));
  CHECK_OK(vfl_net_param_get(back, "out", 0, again));
  for (int r = 0; r < 4; r++) CHECK(w[r] == again[r]);
  vfl_net_free(net);
  vfl_net_free(back);
  vfl_dataset_free(ds);
}

int main(void) {
  sgd_moves_by_the_mean();
  adagrad_steps_once_per_row();
  cancelled_row_left_alone();
  failed_batch_leaves_nothing();
  sums_are_not_saved();
  return t_done("test_minibatch");
}
