/*
** seed_models.c -- writes small model files that use every part of the
** format (each layer kind, input kind, optimizer state, prior form and
** link, the featurizer section, and the weights-only, f16 and q8
** encodings of format 4), as the model target's seed corpus:
**   fuzz_seed_models <folder>
** Small on purpose: the fuzzer mutates every byte, so a seed of a few
** hundred bytes explores far more per second than a real model.
*/
#include <stdio.h>
#include <string.h>

#include "vfl.h"

static int failed;

static void check(int rc, const char *what) {
  if (rc) {
    fprintf(stderr, "fuzz_seed_models: %s: %s\n", what, vfl_last_error());
    failed = 1;
  }
}

static vfl_layer_spec input(int kind, uint32_t dim) {
  return (vfl_layer_spec){.kind = VFL_LAYER_INPUT, .input_kind = kind, .dim = dim};
}

/* mean: the embedding bag that linear's mean flag was (sparse rows averaged,
** dense parents multiplied). */
static vfl_layer_spec linear(uint32_t dim, int intercept, int mean) {
  if (mean) return (vfl_layer_spec){.kind = VFL_LAYER_EMBEDDING, .dim = dim, .intercept = intercept, .pool = VFL_POOL_MEAN};
  return (vfl_layer_spec){.kind = VFL_LAYER_LINEAR, .dim = dim, .intercept = intercept};
}

/* A few rows for a one-input sparse dataset, labels 0/1 or class ids. */
static vfl_dataset *rows(uint32_t dim, uint32_t classes) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, dim);
  for (uint32_t i = 0; i < 12; i++) {
    uint32_t idx[2] = {i % dim, (i * 5 + 1) % dim};
    float val[2] = {1.0f, 0.5f}, label = (float)(i % classes);
    vfl_features f = {idx[0] == idx[1] ? 1 : 2, idx, val};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    check(vfl_dataset_append(ds, &row), "append");
  }
  return ds;
}

static void train(vfl_net *net, uint32_t dim, int loss_kind, uint32_t classes, int optim) {
  vfl_dataset *ds = rows(dim, classes);
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 2;
  o.optim.kind = optim;
  o.optim.lr = 0.05f;
  vfl_loss_spec loss = {loss_kind, NULL, NULL};
  check(vfl_net_learn(net, ds, &loss, &o), "learn");
  vfl_dataset_free(ds);
}

static void save_as(const vfl_net *net, const char *dir, const char *name, int storage) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  check(vfl_model_save_as(net, path, storage), path);
}

static void save(vfl_net *net, const char *dir, const char *name) {
  save_as(net, dir, name, VFL_STORE_FULL);
  vfl_net_free(net);
}

/* Logistic regression, AdaGrad state. */
static void logistic(const char *dir) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec x = input(VFL_INPUT_SPARSE, 6), out = linear(1, 1, 0);
  check(vfl_net_stack(net, "x", &x) || vfl_net_stack(net, "out", &out), "build logistic");
  check(vfl_net_init(net, -1, 1), "init");
  train(net, 6, VFL_LOSS_LOGISTIC, 2, VFL_OPTIM_ADAGRAD);
  save_as(net, dir, "logistic-weights.vfl", VFL_STORE_WEIGHTS); /* the state left out */
  save(net, dir, "logistic.vfl");
}

/* Sparse and dense parents, ReLU, dropout, ADAM state, every prior form. */
static void mlp(const char *dir) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec s = input(VFL_INPUT_SPARSE, 5), d = input(VFL_INPUT_DENSE, 2), h = linear(3, 1, 1);
  vfl_layer_spec relu = {.kind = VFL_LAYER_RELU}, drop = {.kind = VFL_LAYER_DROPOUT, .rate = 0.25f};
  vfl_layer_spec out = linear(1, 0, 0);
  check(vfl_net_add(net, "s", &s) || vfl_net_add(net, "d", &d) || vfl_net_add(net, "h", &h) ||
            vfl_net_add(net, "relu", &relu) || vfl_net_add(net, "drop", &drop) || vfl_net_add(net, "out", &out),
        "build mlp");
  check(vfl_net_wire(net, "s", "h") || vfl_net_wire(net, "d", "h") || vfl_net_wire(net, "h", "relu") ||
            vfl_net_wire(net, "relu", "drop") || vfl_net_wire(net, "drop", "out"),
        "wire mlp");
  check(vfl_net_init(net, -1, 2), "init");
  float per_row[5] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f}, center[15] = {0};
  vfl_prior_spec l2 = {.kind = VFL_PRIOR_L2, .lambda = 0.01f, .parent = 0, .per_row = per_row, .center = center, .floor = 0}, l1 = {.kind = VFL_PRIOR_L1, .lambda = 0.001f, .parent = -1, .per_row = NULL, .center = NULL, .floor = 0};
  vfl_prior_spec pos = {.kind = VFL_PRIOR_POSITIVE, .lambda = 0, .parent = -1, .per_row = NULL, .center = NULL, .floor = 0};
  check(vfl_net_add_prior(net, "h", &l2) || vfl_net_add_prior(net, "h", &l1) || vfl_net_add_prior(net, "out", &pos),
        "priors");
  vfl_optim_spec adam = {.kind = VFL_OPTIM_ADAM, .lr = 0.01f};
  check(vfl_net_set_optim(net, NULL, &adam), "optim");
  /* trained through a dense-aware dataset */
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "s", VFL_INPUT_SPARSE, 5);
  vfl_dataset_add_input(ds, "d", VFL_INPUT_DENSE, 2);
  for (uint32_t i = 0; i < 8; i++) {
    uint32_t idx[1] = {i % 5};
    float dv[2] = {(float)i, -1.0f}, label = (float)(i & 1);
    vfl_features f[2] = {{1, idx, NULL}, {2, NULL, dv}};
    vfl_row row = {&label, 1, 1.0f, f, 2};
    check(vfl_dataset_append(ds, &row), "append");
  }
  vfl_train_options o;
  vfl_train_defaults(&o);
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  check(vfl_net_learn(net, ds, &loss, &o), "learn mlp");
  vfl_dataset_free(ds);
  save(net, dir, "mlp.vfl");
}

/* Grouped input, a cross layer, TanH, SeLU and Sigmoid, softmax link. */
static void crosses(const char *dir) {
  vfl_net *net = vfl_net_new();
  uint32_t pairs[4] = {0, 1, 1, 1};
  vfl_layer_spec g = input(VFL_INPUT_GROUPED, 1u << 26);
  vfl_layer_spec x = {.kind = VFL_LAYER_CROSS, .cross_bits = 3, .n_crosses = 2, .crosses = pairs};
  vfl_layer_spec h = linear(2, 1, 0), t = {.kind = VFL_LAYER_TANH}, se = {.kind = VFL_LAYER_SELU};
  vfl_layer_spec sg = {.kind = VFL_LAYER_SIGMOID}, out = linear(3, 1, 0);
  check(vfl_net_stack(net, "g", &g) || vfl_net_stack(net, "cross", &x) || vfl_net_stack(net, "h", &h) ||
            vfl_net_stack(net, "tanh", &t) || vfl_net_stack(net, "selu", &se) || vfl_net_stack(net, "sig", &sg) ||
            vfl_net_stack(net, "out", &out),
        "build crosses");
  check(vfl_net_init(net, 0.1f, 3), "init");
  vfl_net_set_link(net, VFL_LINK_SOFTMAX);
  save(net, dir, "crosses.vfl");
}

/* Several outputs, square loss, plain SGD (no optimizer state). */
static void square(const char *dir) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec x = input(VFL_INPUT_SPARSE, 4), out = linear(2, 0, 0);
  check(vfl_net_stack(net, "x", &x) || vfl_net_stack(net, "out", &out), "build square");
  check(vfl_net_init(net, -1, 4), "init");
  train(net, 4, VFL_LOSS_MULTINOMIAL, 2, VFL_OPTIM_SGD);
  save(net, dir, "softmax-sgd.vfl");
}

/* A three-class softmax net on 40 sparse features, carrying featurizer f,
** saved as name; with encodings, also weights-only, f16 and q8 (format 4:
** its 40 x 3 weights span two q8 groups and end inside the second). */
static void text_net(const char *dir, const char *name, const vfl_featurizer *f, int encodings) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec x = input(VFL_INPUT_SPARSE, 40), out = linear(3, 1, 0);
  check(vfl_net_stack(net, "x", &x) || vfl_net_stack(net, "out", &out), "build text");
  check(vfl_net_init(net, -1, 5), "init");
  vfl_net_set_link(net, VFL_LINK_SOFTMAX);
  check(vfl_net_set_featurizer(net, f), name);
  if (encodings) {
    save_as(net, dir, "text-weights.vfl", VFL_STORE_WEIGHTS);
    save_as(net, dir, "text-f16.vfl", VFL_STORE_F16);
    save_as(net, dir, "text-q8.vfl", VFL_STORE_Q8);
  }
  save(net, dir, name);
}

/* Text classifiers: the featurizer section with its hashing settings and
** class names (model format 3), then its extension (character n-grams, a
** dictionary; a table featurizer's columns). */
static void text(const char *dir) {
  static const char *const classes[] = {"a", "bb", "ccc"};
  vfl_featurizer f = {.kind = VFL_FEATURIZE_WORDS, .bits = 3, .ngrams = 2, .lower = 1, .label_prefix = "__label__",
                      .n_classes = 3, .classes = classes};
  text_net(dir, "text.vfl", &f, 1);
  static const uint32_t ids[] = {1, 5};
  static const char *const names[] = {"<ab", "word"};
  f.minn = 2, f.maxn = 3, f.n_names = 2, f.name_index = ids, f.names = names;
  text_net(dir, "text_ext.vfl", &f, 0);
  static const vfl_column cols[] = {{"y", VFL_COLUMN_LABEL}, {"age", VFL_COLUMN_NUMERIC}, {"city", VFL_COLUMN_CATEGORICAL}};
  vfl_featurizer t = {.kind = VFL_FEATURIZE_TABLE, .bits = 2, .ngrams = 1, .n_classes = 3, .classes = classes,
                      .n_columns = 3, .columns = cols};
  text_net(dir, "table.vfl", &t, 0);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: fuzz_seed_models <folder>\n");
    return 2;
  }
  logistic(argv[1]);
  mlp(argv[1]);
  crosses(argv[1]);
  square(argv[1]);
  text(argv[1]);
  return failed;
}
