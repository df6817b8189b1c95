/*
** test_model.c -- save then load gives bit-identical predictions (and the
** optimizer state, priors and link survive); every documented load error.
*/
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vfl.h"

static vfl_net *trained_net(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec s = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 50};
  vfl_layer_spec d = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_DENSE, .dim = 3};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = 8, .intercept = 1};
  vfl_layer_spec r = {.kind = VFL_LAYER_RELU};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_add(net, "s", &s);
  vfl_net_add(net, "d", &d);
  vfl_net_add(net, "h", &h);
  vfl_net_add(net, "relu", &r);
  vfl_net_add(net, "out", &o);
  vfl_net_wire(net, "s", "h");
  vfl_net_wire(net, "d", "h");
  vfl_net_wire(net, "h", "relu");
  vfl_net_wire(net, "relu", "out");
  CHECK_OK(vfl_net_init(net, -1, 9));
  vfl_prior_spec l2 = {VFL_PRIOR_L2, 1e-3f, -1, NULL, NULL};
  CHECK_OK(vfl_net_add_prior(net, "out", &l2));
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "s", VFL_INPUT_SPARSE, 50);
  vfl_dataset_add_input(ds, "d", VFL_INPUT_DENSE, 3);
  for (uint32_t i = 0; i < 200; i++) {
    uint32_t idx[2] = {i % 50, (i * 7) % 50};
    float dv[3] = {(float)(i % 3), 0.5f, -1.0f}, label = (float)((i % 50) < 25);
    vfl_features f[2] = {{2, idx, NULL}, {3, NULL, dv}};
    vfl_row row = {&label, 1, 1.0f, f, 2};
    vfl_dataset_append(ds, &row);
  }
  vfl_train_options o2;
  vfl_train_defaults(&o2);
  o2.epochs = 2;
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, ds, &loss, &o2));
  vfl_dataset_free(ds);
  return net;
}

static void predict_all(vfl_net *net, float *out) {
  for (uint32_t i = 0; i < 50; i++) {
    uint32_t idx[1] = {i};
    float dv[3] = {1, 2, 3};
    vfl_features f[2] = {{1, idx, NULL}, {3, NULL, dv}};
    CHECK_OK(vfl_net_predict(net, f, 2, &out[i]));
  }
}

static char *path_in_tmp(const char *name) {
  static char buf[4][512];
  static int next;
  char *p = buf[next++ % 4];
  snprintf(p, 512, "%s/%s", t_tmpdir(), name);
  return p;
}

static size_t read_all(const char *path, char **data) {
  FILE *f = fopen(path, "rb");
  fseek(f, 0, SEEK_END);
  size_t n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  *data = malloc(n);
  CHECK(fread(*data, 1, n, f) == n);
  fclose(f);
  return n;
}

static void write_all(const char *path, const char *data, size_t n) {
  FILE *f = fopen(path, "wb");
  fwrite(data, 1, n, f);
  fclose(f);
}

static void round_trip(void) {
  vfl_net *net = trained_net();
  const char *path = path_in_tmp("model.vfl");
  CHECK_OK(vfl_model_save(net, path));
  vfl_net *again = NULL;
  CHECK_OK(vfl_model_load(path, &again));
  float a[50], b[50];
  predict_all(net, a);
  predict_all(again, b);
  CHECK(memcmp(a, b, sizeof a) == 0);
  CHECK(vfl_net_link(again) == VFL_LINK_SIGMOID);
  CHECK(vfl_net_params(again) == vfl_net_params(net));
  CHECK(vfl_net_layers(again) == 5 && strcmp(vfl_net_layer_name(again, 2), "h") == 0);
  /* saving the loaded net gives the same bytes: state and priors survived */
  const char *path2 = path_in_tmp("model2.vfl");
  CHECK_OK(vfl_model_save(again, path2));
  char *x, *y;
  size_t nx = read_all(path, &x), ny = read_all(path2, &y);
  CHECK(nx == ny && memcmp(x, y, nx) == 0);
  free(x);
  free(y);
  vfl_net_free(net);
  vfl_net_free(again);
}

static void damaged_files(void) {
  vfl_net *net = trained_net(), *out = NULL;
  const char *good = path_in_tmp("good.vfl"), *bad = path_in_tmp("bad.vfl");
  CHECK_OK(vfl_model_save(net, good));
  char *data;
  size_t n = read_all(good, &data);
  char msg[1024];

  write_all(bad, data, n / 2);
  snprintf(msg, sizeof msg, "\"%s\": the model is truncated or padded (%zu bytes, expected %zu)", bad, n / 2, n);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);

  write_all(bad, data, 10);
  snprintf(msg, sizeof msg, "\"%s\": the model is truncated (10 bytes)", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);

  data[n / 2] ^= 0x10;
  write_all(bad, data, n);
  snprintf(msg, sizeof msg, "\"%s\": the model is damaged (checksum mismatch)", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
  data[n / 2] ^= 0x10;

  data[8] = 9;
  write_all(bad, data, n);
  snprintf(msg, sizeof msg, "\"%s\": model format version 9, this vfl reads version 1", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
  data[8] = 1;

  write_all(bad, "label 1:0.5\n", 12);
  snprintf(msg, sizeof msg, "\"%s\" is not a vfl model file", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);

  write_all(bad, "", 0);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);

  const char *missing = path_in_tmp("missing.vfl");
  snprintf(msg, sizeof msg, "cannot open \"%s\": No such file or directory", missing);
  CHECK_ERR(vfl_model_load(missing, &out), VFL_EIO, msg);

  CHECK_ERR(vfl_model_save(net, "/nonexistent-dir/m.vfl"), VFL_EIO, "cannot save \"/nonexistent-dir/m.vfl\": No such file or directory");
  CHECK(out == NULL);
  free(data);
  vfl_net_free(net);
}

/* Every single-bit flip in the header and a sample of the body is refused. */
static void every_flip_refused(void) {
  vfl_net *net = trained_net(), *out = NULL;
  const char *good = path_in_tmp("flip.vfl"), *bad = path_in_tmp("flipped.vfl");
  CHECK_OK(vfl_model_save(net, good));
  char *data;
  size_t n = read_all(good, &data);
  int accepted = 0;
  for (size_t pos = 0; pos < n; pos += (pos < 64 ? 1 : 97)) {
    data[pos] ^= 1;
    write_all(bad, data, n);
    if (vfl_model_load(bad, &out) == VFL_OK) {
      accepted++;
      vfl_net_free(out);
    }
    data[pos] ^= 1;
  }
  CHECK(accepted == 0);
  free(data);
  vfl_net_free(net);
}

int main(void) {
  round_trip();
  damaged_files();
  every_flip_refused();
  return t_done("test_model");
}
