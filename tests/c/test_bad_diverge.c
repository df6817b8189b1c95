/*
** test_bad_diverge.c -- numeric safety: a run that diverges is stopped with
** VFL_ENUMERIC naming the epoch and the layer, and with keep_last_good the
** weights are those of the last epoch that ended finite, bit for bit the
** weights of a run stopped after that epoch.
**
** The runs are built so that every step is exact in float arithmetic, so
** the row, the epoch and the layer are the same under every compiler and
** instruction set (fused multiply-adds included): one feature x = 1, no
** bias, weight w = 0.5, label 0, square loss, plain SGD with lr 3. Each step
** is w -= 3 * w, which is w * -2 exactly; after 128 steps |w| = 2^127, the
** 129th overflows to infinity, and the loss of the 130th is infinite. With
** 50 rows an epoch that is the 30th example of epoch 3, row 1 of the
** dataset in that epoch's shuffled order (the same order everywhere).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "vfl.h"

static vfl_dataset *same_rows(size_t n, float value, float label) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 1);
  for (size_t i = 0; i < n; i++) {
    uint32_t idx = 0;
    vfl_features f = {1, &idx, &value};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    CHECK_OK(vfl_dataset_append(ds, &row));
  }
  return ds;
}

/* x -> out, or x -> h -> out; every layer 1 wide, no bias, weights given. */
static vfl_net *net_for(float w_h, float w_out, int deep) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec x = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 1};
  vfl_layer_spec lin = {.kind = VFL_LAYER_LINEAR, .dim = 1};
  vfl_net_stack(net, "x", &x);
  if (deep) vfl_net_stack(net, "h", &lin);
  vfl_net_stack(net, "out", &lin);
  CHECK_OK(vfl_net_init(net, 0, 1));
  if (deep) CHECK_OK(vfl_net_param_set(net, "h", 0, &w_h));
  CHECK_OK(vfl_net_param_set(net, "out", 0, &w_out));
  return net;
}

static vfl_train_options sgd(uint32_t epochs, float lr, int keep) {
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = epochs;
  o.threads = 1;
  o.seed = 11;
  o.optim.kind = VFL_OPTIM_SGD;
  o.optim.lr = lr;
  o.keep_last_good = keep;
  return o;
}

static float weight(const vfl_net *net, const char *layer) {
  float w = NAN;
  CHECK_OK(vfl_net_param_get(net, layer, 0, &w));
  return w;
}

static const vfl_loss_spec square = {VFL_LOSS_SQUARE, NULL, NULL};

/* Diverges in epoch 3: the message names epoch 3 and the layer; the
** weights equal a 2-epoch run's. */
static void in_epoch_three(void) {
  vfl_dataset *ds = same_rows(50, 1, 0);
  vfl_net *a = net_for(0, 0.5f, 0), *b = net_for(0, 0.5f, 0);
  vfl_train_options ten = sgd(10, 3, 1), two = sgd(2, 3, 1);
  CHECK_ERR(vfl_net_learn(a, ds, &square, &ten), VFL_ENUMERIC,
            "training diverged: the loss of row 1 is infinite in epoch 3; lower the learning rate. "
            "Non-finite values first appear in layer 'out' (its weights); "
            "the weights are restored to the end of epoch 2");
  CHECK_OK(vfl_net_learn(b, ds, &square, &two));
  CHECK(weight(a, "out") == weight(b, "out"));
  CHECK(weight(a, "out") == 0.5f * 0x1p100f); /* 100 steps: (-2)^100 * 0.5 */
  vfl_net_free(a);
  vfl_net_free(b);
  vfl_dataset_free(ds);
}

/* Without keep_last_good: the same message without the restore, and the
** weights as the run left them (infinite). */
static void without_keeping(void) {
  vfl_dataset *ds = same_rows(50, 1, 0);
  vfl_net *a = net_for(0, 0.5f, 0);
  vfl_train_options o = sgd(10, 3, 0);
  CHECK_ERR(vfl_net_learn(a, ds, &square, &o), VFL_ENUMERIC,
            "training diverged: the loss of row 1 is infinite in epoch 3; lower the learning rate. "
            "Non-finite values first appear in layer 'out' (its weights)");
  CHECK(isinf(weight(a, "out")));
  vfl_net_free(a);
  vfl_dataset_free(ds);
}

/* One mini-batch per epoch: the updates applied at the end of an epoch are
** seen by no loss; the next epoch's start finds the weights broken. Each
** batch of 4 identical rows moves w by the mean gradient, w * -2 again,
** but the sum of the 4 gradients overflows first: when |w| = 2^126, in the
** update that ends epoch 128 (w = 0.5 * (-2)^127 after 127). */
static void between_epochs(void) {
  vfl_dataset *ds = same_rows(4, 1, 0);
  vfl_net *a = net_for(0, 0.5f, 0), *b = net_for(0, 0.5f, 0);
  vfl_train_options o = sgd(1000, 3, 1), before = sgd(127, 3, 1);
  o.batch = before.batch = 4;
  CHECK_ERR(vfl_net_learn(a, ds, &square, &o), VFL_ENUMERIC,
            "training diverged: the updates of epoch 128 left non-finite weights; lower the learning rate. "
            "Non-finite values first appear in layer 'out' (its weights); the weights are restored to the end of epoch 127");
  CHECK_OK(vfl_net_learn(b, ds, &square, &before));
  CHECK(weight(a, "out") == weight(b, "out") && weight(a, "out") == -0x1p126f);
  vfl_net_free(a);
  vfl_net_free(b);
  vfl_dataset_free(ds);
}

/* Two layers: the first one in forward order with non-finite values is
** named, and every layer is restored. The feature value 1e30 times the
** hidden weight 1e10 overflows in the hidden layer's output at once. */
static void hidden_layer(void) {
  vfl_dataset *ds = same_rows(3, 1e30f, 1);
  vfl_net *a = net_for(1e10f, 0.5f, 1);
  vfl_train_options o = sgd(5, 0.1f, 1);
  CHECK_ERR(vfl_net_learn(a, ds, &square, &o), VFL_ENUMERIC,
            "training diverged: the loss of row 2 is infinite in epoch 1; lower the learning rate. "
            "Non-finite values first appear in layer 'h' (its outputs); "
            "the weights are restored to what they were before training");
  CHECK(weight(a, "h") == 1e10f && weight(a, "out") == 0.5f);
  vfl_net_free(a);
  vfl_dataset_free(ds);
}

/* A custom loss that answers a NaN gradient with a finite loss breaks the
** weights without any loss being non-finite: caught at the next epoch
** start. A net whose weights are not finite then refuses to train. */
static int nan_gradient(void *ud, vfl_loss_io *io, double *loss) {
  (void)ud;
  io->grad[0] = NAN;
  *loss = 0;
  return VFL_OK;
}

static void broken_by_a_loss(void) {
  vfl_dataset *ds = same_rows(5, 1, 0);
  vfl_net *a = net_for(0, 0.5f, 0);
  vfl_loss_spec custom = {VFL_LOSS_CUSTOM, nan_gradient, NULL};
  vfl_train_options keep = sgd(3, 0.1f, 1), no = sgd(1, 0.1f, 0);
  CHECK_ERR(vfl_net_learn(a, ds, &custom, &keep), VFL_ENUMERIC,
            "training diverged: the updates of epoch 1 left non-finite weights; lower the learning rate. "
            "Non-finite values first appear in layer 'out' (its weights); the weights are restored to what they were before training");
  CHECK(weight(a, "out") == 0.5f);
  CHECK_OK(vfl_net_learn(a, ds, &custom, &no)); /* without keep_last_good nothing looks */
  CHECK(isnan(weight(a, "out")));
  CHECK_ERR(vfl_net_learn(a, ds, &square, &keep), VFL_ENUMERIC,
            "learn: the net's weights are not finite before training. Non-finite values first appear in layer 'out' "
            "(its weights); initialise it again (init) or load a good model");
  vfl_net_free(a);
  vfl_dataset_free(ds);
}

int main(void) {
  in_epoch_three();
  without_keeping();
  between_epochs();
  hidden_layer();
  broken_by_a_loss();
  return t_done("test_bad_diverge");
}
