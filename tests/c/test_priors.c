/*
** test_priors.c -- what each prior does to trained weights: L1 zeroes the
** useless ones, positivity keeps all at or above 0, a strong L2 pulls the
** weights to its centre, a per-feature L2 acts on its feature only; a
** prior declared before the layer is wired acts the same, and its sizes are
** checked at init.
*/
#include <math.h>

#include "harness.h"
#include "rng.h"
#include "vfl.h"

/* 200 features; only the first 5 carry signal. */
static vfl_dataset *data(void) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 200);
  vfl_rng rng;
  vfl_rng_seed(&rng, 4);
  for (int i = 0; i < 4000; i++) {
    uint32_t idx[10];
    float score = 0;
    for (int j = 0; j < 10; j++) {
      idx[j] = (uint32_t)vfl_rng_below(&rng, 200);
      if (idx[j] < 5) score += idx[j] % 2 ? 1.0f : -1.0f;
    }
    float label = score + 0.1f * (float)(vfl_rng_uniform(&rng) - 0.5) > 0 ? 1.0f : 0.0f;
    vfl_features f = {10, idx, NULL};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    vfl_dataset_append(ds, &row);
  }
  return ds;
}

static vfl_net *train(vfl_dataset *ds, const vfl_prior_spec *prior) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 200};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "out", &o);
  CHECK_OK(vfl_net_init(net, 0.1f, 2));
  if (prior) CHECK_OK(vfl_net_add_prior(net, "out", prior));
  vfl_train_options opt;
  vfl_train_defaults(&opt);
  opt.epochs = 5;
  opt.optim.kind = VFL_OPTIM_SGD;
  opt.optim.lr = 0.05f;
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, ds, &loss, &opt));
  return net;
}

/* Mean |w| over the features that carry no signal (6..200). */
static double noise_mass(const float *w) {
  double m = 0;
  for (int j = 5; j < 200; j++) m += fabs(w[j]);
  return m / 195;
}

static int count_zero(const float *w, int n) {
  int z = 0;
  for (int i = 0; i < n; i++) z += w[i] == 0.0f;
  return z;
}

/* Declared right after the layer is added (its parents, hence its shapes,
** unknown): the parent by name, the arrays' lengths given; init checks them
** and training pulls the weights onto the centre as a prior added later does. */
static vfl_net *declared_before_wiring(vfl_dataset *ds, uint64_t n_center) {
  static float center[200];
  for (int j = 0; j < 200; j++) center[j] = 0.25f;
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 200};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  CHECK_OK(vfl_net_add(net, "out", &o));
  vfl_prior_spec pull = {.kind = VFL_PRIOR_L2, .lambda = 20.0f, .parent = -1, .center = center, .parent_name = "x",
                         .n_center = n_center};
  CHECK_OK(vfl_net_add_prior(net, "out", &pull));
  vfl_prior_spec unsized = pull;
  unsized.n_center = 0;
  CHECK_ERR(vfl_net_add_prior(net, "out", &unsized), VFL_EINVAL,
            "prior on 'out': the layer's parents are not all wired yet, so give the lengths of per_row and center "
            "(n_per_row, n_center)");
  CHECK_OK(vfl_net_add(net, "x", &in));
  CHECK_OK(vfl_net_wire(net, "x", "out"));
  if (n_center != 200) {
    CHECK_ERR(vfl_net_init(net, 0.1f, 2), VFL_EINVAL,
              "layer 'out': prior 1 (l2) has a center of 199 numbers; its weights are 200 x 1 (200)");
    return net;
  }
  CHECK_OK(vfl_net_init(net, 0.1f, 2));
  vfl_train_options opt;
  vfl_train_defaults(&opt);
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, ds, &loss, &opt));
  return net;
}

static void priors_before_wiring(vfl_dataset *ds) {
  vfl_net *net = declared_before_wiring(ds, 200);
  float w[200];
  CHECK_OK(vfl_net_param_get(net, "out", 0, w));
  double off = 0;
  for (int j = 0; j < 200; j++) off = fmax(off, fabs(w[j] - 0.25));
  printf("strong L2 centred on 0.25, declared before wiring: largest distance %.4f\n", off);
  CHECK(off < 0.06);
  vfl_net_free(net);
  vfl_net_free(declared_before_wiring(ds, 199));
}

int main(void) {
  vfl_dataset *ds = data();
  float w[200];

  vfl_net *plain = train(ds, NULL);
  CHECK_OK(vfl_net_param_get(plain, "out", 0, w));
  int plain_zeros = count_zero(w, 200);
  double plain_mass = noise_mass(w);

  vfl_prior_spec l1 = {.kind = VFL_PRIOR_L1, .lambda = 0.3f, .parent = -1, .per_row = NULL, .center = NULL, .floor = 0};
  vfl_net *sparse = train(ds, &l1);
  CHECK_OK(vfl_net_param_get(sparse, "out", 0, w));
  int l1_zeros = count_zero(w, 200);
  double l1_mass = noise_mass(w);
  printf("zero weights: %d without a prior, %d with L1; mean |w| of noise features %.4f -> %.4f\n", plain_zeros,
         l1_zeros, plain_mass, l1_mass);
  CHECK(l1_zeros >= 30 && plain_zeros == 0);
  CHECK(l1_mass < plain_mass / 2);
  for (int j = 0; j < 5; j++) CHECK(w[j] != 0.0f); /* the signal survives */

  vfl_prior_spec pos = {.kind = VFL_PRIOR_POSITIVE, .lambda = 0, .parent = -1, .per_row = NULL, .center = NULL, .floor = 0};
  vfl_net *positive = train(ds, &pos);
  CHECK_OK(vfl_net_param_get(positive, "out", 0, w));
  int negative = 0;
  for (int j = 0; j < 200; j++) negative += w[j] < 0;
  CHECK(negative == 0);
  CHECK(w[1] > 0.1f); /* positive evidence is still learned */

  float center[200];
  for (int j = 0; j < 200; j++) center[j] = 0.25f;
  vfl_prior_spec pull = {.kind = VFL_PRIOR_L2, .lambda = 20.0f, .parent = 0, .per_row = NULL, .center = center, .floor = 0};
  vfl_net *centred = train(ds, &pull);
  CHECK_OK(vfl_net_param_get(centred, "out", 0, w));
  double off = 0;
  for (int j = 0; j < 200; j++) off = fmax(off, fabs(w[j] - 0.25));
  printf("strong L2 centred on 0.25: largest distance %.4f\n", off);
  CHECK(off < 0.06);

  float per_row[200] = {0};
  per_row[1] = 20.0f; /* only feature 2 is held at 0 */
  vfl_prior_spec each = {.kind = VFL_PRIOR_L2, .lambda = 1, .parent = 0, .per_row = per_row, .center = NULL, .floor = 0}; /* strength 1 x 20 */
  vfl_net *held = train(ds, &each);
  CHECK_OK(vfl_net_param_get(held, "out", 0, w));
  printf("per-feature L2 on feature 2: w2 = %.4f, w4 = %.4f\n", (double)w[1], (double)w[3]);
  CHECK(fabsf(w[1]) < 0.05f && fabsf(w[3]) > 0.3f);

  CHECK_ERR(vfl_net_add_prior(plain, "x", &l1), VFL_EINVAL, "layer 'x': priors go on layers with weights (linear)");
  vfl_prior_spec badl = {.kind = VFL_PRIOR_L2, .lambda = -1.0f, .parent = -1, .per_row = NULL, .center = NULL, .floor = 0};
  CHECK_ERR(vfl_net_add_prior(plain, "out", &badl), VFL_EINVAL, "layer 'out': prior strength -1 must be a finite number >= 0");

  vfl_net_free(plain);
  vfl_net_free(sparse);
  vfl_net_free(positive);
  vfl_net_free(centred);
  vfl_net_free(held);
  priors_before_wiring(ds);
  vfl_dataset_free(ds);
  return t_done("test_priors");
}
