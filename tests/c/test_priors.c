/*
** test_priors.c -- what each prior does to trained weights: L1 zeroes the
** useless ones, positivity keeps all at or above 0, a strong L2 pulls the
** weights to its centre, a per-feature L2 acts on its feature only.
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

int main(void) {
  vfl_dataset *ds = data();
  float w[200];

  vfl_net *plain = train(ds, NULL);
  CHECK_OK(vfl_net_param_get(plain, "out", 0, w));
  int plain_zeros = count_zero(w, 200);
  double plain_mass = noise_mass(w);

  vfl_prior_spec l1 = {VFL_PRIOR_L1, 0.3f, -1, NULL, NULL, 0};
  vfl_net *sparse = train(ds, &l1);
  CHECK_OK(vfl_net_param_get(sparse, "out", 0, w));
  int l1_zeros = count_zero(w, 200);
  double l1_mass = noise_mass(w);
  printf("zero weights: %d without a prior, %d with L1; mean |w| of noise features %.4f -> %.4f\n", plain_zeros,
         l1_zeros, plain_mass, l1_mass);
  CHECK(l1_zeros >= 30 && plain_zeros == 0);
  CHECK(l1_mass < plain_mass / 2);
  for (int j = 0; j < 5; j++) CHECK(w[j] != 0.0f); /* the signal survives */

  vfl_prior_spec pos = {VFL_PRIOR_POSITIVE, 0, -1, NULL, NULL, 0};
  vfl_net *positive = train(ds, &pos);
  CHECK_OK(vfl_net_param_get(positive, "out", 0, w));
  int negative = 0;
  for (int j = 0; j < 200; j++) negative += w[j] < 0;
  CHECK(negative == 0);
  CHECK(w[1] > 0.1f); /* positive evidence is still learned */

  float center[200];
  for (int j = 0; j < 200; j++) center[j] = 0.25f;
  vfl_prior_spec pull = {VFL_PRIOR_L2, 20.0f, 0, NULL, center, 0};
  vfl_net *centred = train(ds, &pull);
  CHECK_OK(vfl_net_param_get(centred, "out", 0, w));
  double off = 0;
  for (int j = 0; j < 200; j++) off = fmax(off, fabs(w[j] - 0.25));
  printf("strong L2 centred on 0.25: largest distance %.4f\n", off);
  CHECK(off < 0.06);

  float per_row[200] = {0};
  per_row[1] = 20.0f; /* only feature 2 is held at 0 */
  vfl_prior_spec each = {VFL_PRIOR_L2, 1, 0, per_row, NULL, 0}; /* strength 1 x 20 */
  vfl_net *held = train(ds, &each);
  CHECK_OK(vfl_net_param_get(held, "out", 0, w));
  printf("per-feature L2 on feature 2: w2 = %.4f, w4 = %.4f\n", (double)w[1], (double)w[3]);
  CHECK(fabsf(w[1]) < 0.05f && fabsf(w[3]) > 0.3f);

  CHECK_ERR(vfl_net_add_prior(plain, "x", &l1), VFL_EINVAL, "layer 'x': priors go on layers with weights (linear)");
  vfl_prior_spec badl = {VFL_PRIOR_L2, -1.0f, -1, NULL, NULL, 0};
  CHECK_ERR(vfl_net_add_prior(plain, "out", &badl), VFL_EINVAL, "layer 'out': prior strength -1 must be a finite number >= 0");

  vfl_net_free(plain);
  vfl_net_free(sparse);
  vfl_net_free(positive);
  vfl_net_free(centred);
  vfl_net_free(held);
  vfl_dataset_free(ds);
  return t_done("test_priors");
}
