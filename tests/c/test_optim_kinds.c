/*
** test_optim_kinds.c -- the optimizer table and what came with it: an FTRL
** step against the paper's formulas computed by hand, the learning-rate
** schedules' values, exact errors for bad settings, and class weights
** scaling a row's gradient exactly, and a layer's optimizer saved whole.
*/
#include <math.h>
#include <string.h>

#include "harness.h"
#include "net.h"
#include "optim.h"
#include "vfl.h"

/* One input feature, one weight, no bias: logistic regression on x = 1. */
static vfl_net *one_weight(float w0) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 2};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1};
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "out", &o);
  CHECK_OK(vfl_net_init(net, -1, 1));
  float w[2] = {w0, 0.0f};
  CHECK_OK(vfl_net_param_set(net, "out", 0, w));
  return net;
}

static vfl_dataset *rows_of_feature0(const float *labels, int n) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 2);
  uint32_t idx = 0;
  for (int i = 0; i < n; i++) {
    vfl_features f = {1, &idx, NULL};
    vfl_row row = {&labels[i], 1, 1.0f, &f, 1};
    vfl_dataset_append(ds, &row);
  }
  return ds;
}

static double sigmoid(double z) { return 1 / (1 + exp(-z)); }

/* FTRL-Proximal, algorithm 1 of McMahan et al. (2013), by hand. */
static void ftrl_by_hand(void) {
  float labels[3] = {1, 1, 0};
  vfl_dataset *ds = rows_of_feature0(labels, 3);
  vfl_net *net = one_weight(0.0f);
  vfl_train_options opt;
  vfl_train_defaults(&opt);
  opt.shuffle = 0;
  opt.optim = (vfl_optim_spec){.kind = VFL_OPTIM_FTRL, .lr = 0.5f, .eps = 1.0f, .l1 = 0.1f, .l2 = 0.2f};
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, ds, &loss, &opt));
  double alpha = 0.5, beta = 1, l1 = 0.1, l2 = 0.2, z = 0, n = 0, w = 0;
  for (int t = 0; t < 3; t++) {
    double g = sigmoid(w) - labels[t];
    double sigma = (sqrt(n + g * g) - sqrt(n)) / alpha;
    z += g - sigma * w;
    n += g * g;
    w = fabs(z) <= l1 ? 0 : -(z - (z > 0 ? l1 : -l1)) / ((beta + sqrt(n)) / alpha + l2);
  }
  float got[2];
  CHECK_OK(vfl_net_param_get(net, "out", 0, got));
  printf("ftrl by hand: w = %.7f, engine %.7f\n", w, (double)got[0]);
  CHECK_NEAR(got[0], w, 1e-6);
  CHECK(got[1] == 0.0f); /* never touched */
  const vfl_param *p = &net->layers[1].blocks[0];
  CHECK(p->n_state == 2 && p->state_kind == VFL_OPTIM_FTRL);
  CHECK_NEAR(param_row(p, 0)[1], z, 1e-6);
  CHECK_NEAR(param_row(p, 0)[2], n, 1e-6);
  CHECK_NEAR(vfl_net_zero_fraction(net), 0.5, 1e-12);
  /* a strong l1 keeps the weight at exactly 0 */
  vfl_net *sparse = one_weight(0.0f);
  opt.optim.l1 = 10.0f;
  CHECK_OK(vfl_net_learn(sparse, ds, &loss, &opt));
  CHECK_OK(vfl_net_param_get(sparse, "out", 0, got));
  CHECK(got[0] == 0.0f);
  CHECK_NEAR(vfl_net_zero_fraction(sparse), 1.0, 1e-12);
  vfl_net_free(sparse);
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

static void bad_settings(void) {
  vfl_optim_spec o = {.kind = VFL_OPTIM_SGD, .lr = 0.1f, .schedule = 9};
  CHECK_ERR(optim_check(&o, "learn"), VFL_EINVAL,
            "optimizer for learn: schedule 9 is unknown (0 constant, 1 linear, 2 cosine, 3 step)");
  o.schedule = VFL_SCHEDULE_STEP;
  CHECK_ERR(optim_check(&o, "learn"), VFL_EINVAL, "optimizer for learn: the step schedule needs every > 0 (epochs), got 0");
  o.every = 1;
  CHECK_ERR(optim_check(&o, "learn"), VFL_EINVAL, "optimizer for learn: the step schedule needs factor in (0, 1], got 0");
  o.factor = 0.5f;
  o.warmup = 1;
  CHECK_ERR(optim_check(&o, "learn"), VFL_EINVAL, "optimizer for learn: warmup 1 must be a fraction of the run in [0, 1)");
  vfl_optim_spec f = {.kind = VFL_OPTIM_FTRL, .lr = 0.1f, .l1 = -1};
  CHECK_ERR(optim_check(&f, "out"), VFL_EINVAL, "optimizer for out: FTRL l1 must be >= 0");
  vfl_optim_spec k = {.kind = 7, .lr = 0.1f};
  CHECK_ERR(optim_check(&k, "out"), VFL_EINVAL, "optimizer for out: unknown kind 7");
  CHECK(optim_state_slots(VFL_OPTIM_FTRL) == 2 && optim_state_slots(VFL_OPTIM_ADAGRAD) == 1);
}

/* The schedules' rate at points of the run. */
static void schedules(void) {
  vfl_net *net = one_weight(0.0f);
  const vfl_layer *l = &net->layers[1];
  vfl_rule r;
  vfl_optim_spec s = {.kind = VFL_OPTIM_SGD, .lr = 2.0f, .schedule = VFL_SCHEDULE_LINEAR};
  rule_resolve(&r, &s, l, 0);
  CHECK_NEAR(r.lr_t, 2.0, 1e-6);
  rule_set_progress(&r, 0.25, 1.0);
  CHECK_NEAR(r.lr_t, 1.5, 1e-6);
  rule_set_progress(&r, 1.0, 4.0);
  CHECK(r.lr_t == 0.0f);
  s.schedule = VFL_SCHEDULE_COSINE;
  rule_resolve(&r, &s, l, 0);
  rule_set_progress(&r, 0.5, 1.0);
  CHECK_NEAR(r.lr_t, 1.0, 1e-6);
  s.schedule = VFL_SCHEDULE_STEP;
  s.every = 2;
  s.factor = 0.5f;
  rule_resolve(&r, &s, l, 0);
  rule_set_progress(&r, 0.7, 4.5); /* two steps down */
  CHECK_NEAR(r.lr_t, 0.5, 1e-6);
  s.schedule = VFL_SCHEDULE_LINEAR;
  s.warmup = 0.2f;
  rule_resolve(&r, &s, l, 0);
  CHECK(r.lr_t == 0.0f);
  rule_set_progress(&r, 0.1, 0.1);
  CHECK_NEAR(r.lr_t, 1.0, 1e-6); /* half way up */
  rule_set_progress(&r, 0.6, 0.6);
  CHECK_NEAR(r.lr_t, 1.0, 1e-6); /* half way down the rest */
  vfl_net_free(net);
}

/* One SGD step on one row: the weight moves by lr * class weight * gradient. */
static void class_weights(void) {
  float labels[1] = {1};
  vfl_dataset *ds = rows_of_feature0(labels, 1);
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  vfl_train_options opt;
  vfl_train_defaults(&opt);
  opt.optim = (vfl_optim_spec){.kind = VFL_OPTIM_SGD, .lr = 1.0f};
  float w[2], wc[2], weights[2] = {1.0f, 3.0f};
  vfl_net *plain = one_weight(0.25f), *weighted = one_weight(0.25f);
  CHECK_OK(vfl_net_learn(plain, ds, &loss, &opt));
  opt.class_weights = weights;
  opt.n_class_weights = 2;
  CHECK_OK(vfl_net_learn(weighted, ds, &loss, &opt));
  CHECK_OK(vfl_net_param_get(plain, "out", 0, w));
  CHECK_OK(vfl_net_param_get(weighted, "out", 0, wc));
  double g = sigmoid(0.25) - 1;
  CHECK_NEAR(w[0] - 0.25, -g, 1e-6);
  CHECK_NEAR(wc[0] - 0.25, -3 * g, 1e-6);
  opt.n_class_weights = 3;
  CHECK_ERR(vfl_net_learn(weighted, ds, &loss, &opt), VFL_EINVAL, "learn: class_weights has 3 weights, the loss has 2 classes");
  weights[1] = -1;
  opt.n_class_weights = 2;
  CHECK_ERR(vfl_net_learn(weighted, ds, &loss, &opt), VFL_EINVAL,
            "learn: class_weights: the weight of class 1 is -1; weights must be finite and >= 0");
  vfl_loss_spec square = {VFL_LOSS_SQUARE, NULL, NULL};
  CHECK_ERR(vfl_net_learn(weighted, ds, &square, &opt), VFL_EINVAL,
            "learn: class weights need the multinomial, logistic or hinge loss");
  vfl_net_free(plain);
  vfl_net_free(weighted);
  vfl_dataset_free(ds);
}

/* The multilabel loss: a sum of independent logistic losses. */
static void multilabel_loss(void) {
  float out[3] = {0.5f, -1.0f, 2.0f}, labels[3] = {1, 0, 1}, grad[3];
  double loss;
  CHECK_OK(vfl_loss_eval(VFL_LOSS_MULTILABEL, out, 3, labels, 3, grad, &loss));
  double want = -log(sigmoid(0.5)) - log(1 - sigmoid(-1)) - log(sigmoid(2));
  CHECK_NEAR(loss, want, 1e-6);
  CHECK_NEAR(grad[1], sigmoid(-1), 1e-6);
  CHECK_NEAR(grad[2], sigmoid(2) - 1, 1e-6);
  float bad[3] = {1, 2, 0};
  CHECK_ERR(vfl_loss_eval(VFL_LOSS_MULTILABEL, out, 3, bad, 3, grad, &loss), VFL_EINVAL,
            "row 1: label 2 is 2; the multilabel loss takes 0/1 per class");
}

/* A layer's own optimizer, FTRL's strengths and a schedule included, comes
** back whole from a model file (format 4). */
static void layer_optim_saved(void) {
  vfl_net *net = one_weight(0.5f);
  vfl_optim_spec mine = {.kind = VFL_OPTIM_FTRL, .lr = 0.3f, .eps = 2.0f, .l1 = 0.25f, .l2 = 0.5f,
                         .schedule = VFL_SCHEDULE_STEP, .warmup = 0.1f, .every = 2.0f, .factor = 0.5f};
  CHECK_OK(vfl_net_set_optim(net, "out", &mine));
  const char *path = t_tmp_path("layer_optim.vflmodel");
  CHECK_OK(vfl_model_save(net, path));
  vfl_net *back = NULL;
  CHECK_OK(vfl_model_load(path, &back));
  vfl_optim_spec got;
  CHECK_OK(back ? vfl_net_layer_optim(back, 1, &got) : -1);
  CHECK(back && memcmp(&got, &mine, sizeof got) == 0);
  vfl_net_free(back);
  vfl_net_free(net);
}

int main(void) {
  layer_optim_saved();
  ftrl_by_hand();
  bad_settings();
  schedules();
  class_weights();
  multilabel_loss();
  return t_done("test_optim_kinds");
}
