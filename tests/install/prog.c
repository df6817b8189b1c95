/* A C program built against an installed vfl, as a user builds one:
 *   cc prog.c $(pkg-config --cflags --libs vfl)
 * Trains logistic regression on a9a (the copy shipped in data/a9a), saves
 * and reloads the model, predicts one row, and checks the test accuracy
 * against the figure examples/quickstart.lua states (0.845).
 * usage: prog <a9a> <a9a.t> <model path to write> */
#include <stdio.h>
#include <stdlib.h>
#include <vfl.h>

static int fail(const char *what) {
  fprintf(stderr, "prog: %s: %s\n", what, vfl_last_error());
  return 1;
}

int main(int argc, char **argv) {
  vfl_libsvm_options ropt = {0};
  vfl_dataset *train = NULL, *test = NULL;
  vfl_net *net = vfl_net_new(), *loaded = NULL;
  vfl_layer_spec in = {0}, out = {0};
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  vfl_train_options topt;
  vfl_metrics m;
  vfl_row row;
  vfl_features feats[1];
  uint32_t *index; /* room for a row's indices, which the dataset keeps packed */
  float p_saved, p_loaded;
  if (argc != 4) {
    fprintf(stderr, "usage: prog <a9a> <a9a.t> <model>\n");
    return 2;
  }
  if (vfl_read_libsvm(argv[1], &ropt, &train) != VFL_OK) return fail(argv[1]);
  ropt.dim = vfl_dataset_input_dim(train, 0);
  if (vfl_read_libsvm(argv[2], &ropt, &test) != VFL_OK) return fail(argv[2]);

  in.kind = VFL_LAYER_INPUT;
  in.input_kind = VFL_INPUT_SPARSE;
  in.dim = ropt.dim;
  out.kind = VFL_LAYER_LINEAR;
  out.dim = 1;
  out.intercept = 1;
  if (vfl_net_stack(net, "features", &in) != VFL_OK || vfl_net_stack(net, "out", &out) != VFL_OK ||
      vfl_net_init(net, -1.0f, 42) != VFL_OK)
    return fail("net");
  vfl_train_defaults(&topt);
  topt.epochs = 5;
  if (vfl_net_learn(net, train, &loss, &topt) != VFL_OK) return fail("learn");
  if (vfl_metrics_eval(net, test, &m) != VFL_OK) return fail("metrics");

  if (vfl_model_save(net, argv[3]) != VFL_OK || vfl_model_load(argv[3], &loaded) != VFL_OK)
    return fail("model save/load");
  index = malloc(vfl_dataset_row_room(test) * sizeof *index);
  if (!index || vfl_dataset_row(test, 0, &row, feats, index) != VFL_OK ||
      vfl_net_predict(net, row.inputs, row.n_inputs, &p_saved) != VFL_OK ||
      vfl_net_predict(loaded, row.inputs, row.n_inputs, &p_loaded) != VFL_OK)
    return fail("predict");

  printf("vfl %s: test accuracy %.4f, AUC %.4f; row 1: p = %.4f (label %g), reloaded p = %.4f\n",
         vfl_version(), m.accuracy, m.auc, (double)p_saved, (double)row.labels[0], (double)p_loaded);
  free(index);
  vfl_net_free(loaded);
  vfl_net_free(net);
  vfl_dataset_free(test);
  vfl_dataset_free(train);
  if (!(m.accuracy >= 0.845)) {
    fprintf(stderr, "prog: accuracy %.4f is below 0.845\n", m.accuracy);
    return 1;
  }
  if (!(p_saved > 0.0f && p_saved < 1.0f) || p_saved != p_loaded) {
    fprintf(stderr, "prog: prediction %.6f, after reloading %.6f\n", (double)p_saved, (double)p_loaded);
    return 1;
  }
  return 0;
}
