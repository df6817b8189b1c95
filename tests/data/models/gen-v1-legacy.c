/* How tests/data/models/v1-legacy.* were written, with the build of main before
** issue 11 (commit 91fe188): gcc -I src/include -I tests/c gen-v1-legacy.c
** build/src/core/libvflcore.a -lz -lm -lpthread; ./a.out v1-legacy.vflmodel
** v1-legacy.predictions. Kept for the record; not built. */
#include <stdio.h>
#include <stdlib.h>
#include "legacy_net.h"
#define OK(x) do { if ((x) != VFL_OK) { fprintf(stderr, "%s: %s\n", #x, vfl_last_error()); exit(1); } } while (0)
int main(int argc, char **argv) {
  vfl_net *net = vfl_net_new();
  uint32_t pairs[] = {0, 1, 1, 1, 1, 2};
  vfl_layer_spec g = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_GROUPED, .dim = 1u << 30};
  vfl_layer_spec s = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 50};
  vfl_layer_spec d = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_DENSE, .dim = 3};
  vfl_layer_spec x = {.kind = VFL_LAYER_CROSS, .cross_bits = 8, .n_crosses = 3, .crosses = pairs};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = 4, .intercept = 1, .mean = 1};
  vfl_layer_spec hd = {.kind = VFL_LAYER_LINEAR, .dim = 2, .intercept = 0};
  vfl_layer_spec relu = {.kind = VFL_LAYER_RELU}, selu = {.kind = VFL_LAYER_SELU};
  vfl_layer_spec tanh_ = {.kind = VFL_LAYER_TANH}, sig = {.kind = VFL_LAYER_SIGMOID};
  vfl_layer_spec drop = {.kind = VFL_LAYER_DROPOUT, .rate = 0.25f};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 3, .intercept = 1};
  OK(vfl_net_add(net, "g", &g)); OK(vfl_net_add(net, "s", &s)); OK(vfl_net_add(net, "d", &d));
  OK(vfl_net_add(net, "cross", &x)); OK(vfl_net_add(net, "h", &h)); OK(vfl_net_add(net, "hd", &hd));
  OK(vfl_net_add(net, "relu", &relu)); OK(vfl_net_add(net, "selu", &selu)); OK(vfl_net_add(net, "tanh", &tanh_));
  OK(vfl_net_add(net, "sig", &sig)); OK(vfl_net_add(net, "drop", &drop)); OK(vfl_net_add(net, "out", &out));
  OK(vfl_net_wire(net, "g", "cross")); OK(vfl_net_wire(net, "cross", "h")); OK(vfl_net_wire(net, "s", "h"));
  OK(vfl_net_wire(net, "d", "hd")); OK(vfl_net_wire(net, "h", "relu")); OK(vfl_net_wire(net, "relu", "selu"));
  OK(vfl_net_wire(net, "selu", "drop")); OK(vfl_net_wire(net, "hd", "tanh")); OK(vfl_net_wire(net, "tanh", "sig"));
  OK(vfl_net_wire(net, "drop", "out")); OK(vfl_net_wire(net, "sig", "out")); OK(vfl_net_wire(net, "s", "out"));
  OK(vfl_net_init(net, -1.0f, 42));
  float per_row[50], center[50 * 4];
  for (int i = 0; i < 50; i++) per_row[i] = 0.01f * (float)i;
  for (int i = 0; i < 200; i++) center[i] = 0.001f * (float)(i % 17);
  vfl_prior_spec l2 = {.kind = VFL_PRIOR_L2, .lambda = 0.5f, .parent = 1, .per_row = per_row, .center = center};
  vfl_prior_spec l1 = {.kind = VFL_PRIOR_L1, .lambda = 0.001f, .parent = -1};
  vfl_prior_spec pos = {.kind = VFL_PRIOR_POSITIVE, .parent = 0};
  OK(vfl_net_add_prior(net, "h", &l2)); OK(vfl_net_add_prior(net, "out", &l1)); OK(vfl_net_add_prior(net, "hd", &pos));
  vfl_optim_spec adam = {.kind = VFL_OPTIM_ADAM, .lr = 0.01f, .beta1 = 0.8f};
  OK(vfl_net_set_optim(net, "out", &adam));
  vfl_net_set_link(net, VFL_LINK_SOFTMAX);
  OK(vfl_model_save(net, argv[1]));
  FILE *f = fopen(argv[2], "w");
  fprintf(f, "# predictions of %s for the three examples of tests/c/legacy_net.h, written by the build before issue 11\n", argv[1]);
  for (int r = 0; r < 3; r++) {
    vfl_features in[3] = {{5, legacy_g_idx[r], legacy_g_val[r]}, {3, legacy_s_idx[r], legacy_s_val[r]}, {3, NULL, legacy_d_val[r]}};
    float p[3];
    OK(vfl_net_predict(net, in, 3, p));
    fprintf(f, "%a %a %a\n", (double)p[0], (double)p[1], (double)p[2]);
  }
  fclose(f);
  vfl_net_free(net);
  return 0;
}
