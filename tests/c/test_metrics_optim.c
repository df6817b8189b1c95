/*
** test_metrics_optim.c -- AUC against hand-computed values (ties count
** half), metrics of a net whose outputs are known exactly, and per-layer
** optimizers (each layer keeps the state its own optimizer needs).
*/
#include <math.h>

#include "harness.h"
#include "net.h"
#include "vfl.h"

static void auc(void) {
  float s1[] = {0.1f, 0.4f, 0.35f, 0.8f}, l1[] = {0, 0, 1, 1};
  CHECK_NEAR(vfl_metrics_auc(s1, l1, 4), 0.75, 1e-12); /* the classic sklearn example */
  float s2[] = {0.5f, 0.5f, 0.5f, 0.5f}, l2[] = {0, 1, 0, 1};
  CHECK_NEAR(vfl_metrics_auc(s2, l2, 4), 0.5, 1e-12);
  float s3[] = {1, 2, 3}, l3[] = {-1, 1, 1};
  CHECK_NEAR(vfl_metrics_auc(s3, l3, 3), 1.0, 1e-12);
  float l4[] = {1, 1, 1};
  CHECK(isnan(vfl_metrics_auc(s3, l4, 3)));
}

/* A linear net with weights set by hand: its outputs, and so every
** metric, are known exactly. */
static void known_outputs(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 3};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1};
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "out", &o);
  CHECK_OK(vfl_net_init(net, -1, 1));
  float w[3] = {2.0f, -1.0f, 0.0f};
  CHECK_OK(vfl_net_param_set(net, "out", 0, w));
  vfl_net_set_link(net, VFL_LINK_SIGMOID);
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 3);
  uint32_t idx[3] = {0, 1, 2};
  float labels[3] = {1, 0, 1}; /* outputs 2, -1, 0 -> p = s(2), s(-1), 0.5 */
  for (int i = 0; i < 3; i++) {
    vfl_features f = {1, &idx[i], NULL};
    vfl_row row = {&labels[i], 1, 1.0f, &f, 1};
    vfl_dataset_append(ds, &row);
  }
  vfl_metrics m;
  CHECK_OK(vfl_metrics_eval(net, ds, &m));
  double p0 = 1 / (1 + exp(-2.0)), p1 = 1 / (1 + exp(1.0));
  CHECK_NEAR(m.accuracy, 2.0 / 3.0, 1e-9); /* 0.5 is not above the threshold: predicted negative */
  CHECK_NEAR(m.logloss, -(log(p0) + log(1 - p1) + log(0.5)) / 3, 1e-6);
  CHECK_NEAR(m.auc, 1.0, 1e-12);
  CHECK_NEAR(m.rmse, sqrt(((1 - p0) * (1 - p0) + p1 * p1 + 0.25) / 3), 1e-6);
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

static void per_layer_optimizers(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 40};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = 4, .intercept = 1}, t = {.kind = VFL_LAYER_TANH};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "h", &h);
  vfl_net_stack(net, "tanh", &t);
  vfl_net_stack(net, "out", &o);
  CHECK_OK(vfl_net_init(net, -1, 1));
  vfl_optim_spec adam = {.kind = VFL_OPTIM_ADAM, .lr = 0.01f}, bad = {.kind = VFL_OPTIM_ADAM, .lr = 0.01f, .beta1 = 1.5f};
  CHECK_OK(vfl_net_set_optim(net, "h", &adam));
  CHECK_ERR(vfl_net_set_optim(net, "tanh", &adam), VFL_EINVAL, "layer 'tanh' has no parameters to optimise");
  CHECK_ERR(vfl_net_set_optim(net, "out", &bad), VFL_EINVAL, "optimizer for out: beta1 and beta2 must be in [0, 1)");
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 40);
  for (uint32_t i = 0; i < 400; i++) {
    uint32_t idx[2] = {i % 20, 20 + (i / 20) % 20}; /* the first decides, the second is noise */
    float label = (float)(idx[0] < 10);
    vfl_features f = {2, idx, NULL};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    vfl_dataset_append(ds, &row);
  }
  vfl_train_options opt;
  vfl_train_defaults(&opt);
  opt.epochs = 20;
  opt.optim.kind = VFL_OPTIM_SGD;
  opt.optim.lr = 0.1f;
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, ds, &loss, &opt));
  const vfl_layer *hl = &net->layers[vfl_net_layer_find(net, "h")], *ol = &net->layers[vfl_net_layer_find(net, "out")];
  CHECK(hl->blocks[0].state_kind == VFL_OPTIM_ADAM && hl->blocks[0].n_state == 2);
  CHECK(ol->blocks[0].state_kind == VFL_OPTIM_SGD && ol->blocks[0].n_state == 0);
  vfl_metrics m;
  CHECK_OK(vfl_metrics_eval(net, ds, &m));
  printf("per-layer optimizers: training accuracy %.4f\n", m.accuracy);
  CHECK(m.accuracy > 0.99);
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

int main(void) {
  auc();
  known_outputs();
  per_layer_optimizers();
  return t_done("test_metrics_optim");
}
