/* How tests/data/models/v3-linear-mean.* were written, with the build of
** main before the embedding kind (commit 8153913): gcc -I src/include -I
** tests/c gen-v3-linear-mean.c build/src/core/libvfl.a -lz -lm -lpthread;
** ./a.out v3-linear-mean.vflmodel v3-linear-mean.predictions. A fastText
** bag (linear mean, no intercept, one parent) and a bag of two parents with
** an intercept, a prior and AdaGrad state. Kept for the record; not built. */
#include <stdio.h>
#include <stdlib.h>
#include "legacy_net.h"
#define OK(x) do { if ((x) != VFL_OK) { fprintf(stderr, "%s: %s\n", #x, vfl_last_error()); exit(1); } } while (0)
int main(int argc, char **argv) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec w = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 30};
  vfl_layer_spec t = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 8};
  vfl_layer_spec bag = {.kind = VFL_LAYER_LINEAR, .dim = 5, .intercept = 0, .mean = 1};
  vfl_layer_spec both = {.kind = VFL_LAYER_LINEAR, .dim = 3, .intercept = 1, .mean = 1};
  vfl_layer_spec tanh_ = {.kind = VFL_LAYER_TANH};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 4, .intercept = 1};
  OK(vfl_net_add(net, "words", &w)); OK(vfl_net_add(net, "tags", &t)); OK(vfl_net_add(net, "bag", &bag));
  OK(vfl_net_add(net, "both", &both)); OK(vfl_net_add(net, "tanh", &tanh_)); OK(vfl_net_add(net, "out", &out));
  OK(vfl_net_wire(net, "words", "bag")); OK(vfl_net_wire(net, "words", "both")); OK(vfl_net_wire(net, "tags", "both"));
  OK(vfl_net_wire(net, "both", "tanh")); OK(vfl_net_wire(net, "bag", "out")); OK(vfl_net_wire(net, "tanh", "out"));
  OK(vfl_net_init(net, 0.5f, 7));
  vfl_prior_spec l2 = {.kind = VFL_PRIOR_L2, .lambda = 0.25f, .parent = 1};
  OK(vfl_net_add_prior(net, "both", &l2));
  vfl_optim_spec ada = {.kind = VFL_OPTIM_ADAGRAD, .lr = 0.1f};
  OK(vfl_net_set_optim(net, "bag", &ada));
  vfl_net_set_link(net, VFL_LINK_SOFTMAX);
  OK(vfl_model_save(net, argv[1]));
  FILE *f = fopen(argv[2], "w");
  fprintf(f, "# predictions of %s for the three rows of legacy_w_* and legacy_t_* (tests/c/legacy_net.h), by the build before the embedding kind\n", argv[1]);
  for (int r = 0; r < 3; r++) {
    vfl_features in[2] = {{6, legacy_w_idx[r], legacy_w_val[r]}, {2, legacy_t_idx[r], legacy_t_val[r]}};
    float p[4];
    OK(vfl_net_predict(net, in, 2, p));
    fprintf(f, "%a %a %a %a\n", (double)p[0], (double)p[1], (double)p[2], (double)p[3]);
  }
  fclose(f);
  vfl_net_free(net);
  return 0;
}
