/*
** test_model.c -- save then load gives bit-identical predictions (and the
** optimizer state, priors and link survive); every documented load error.
*/
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

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
  vfl_prior_spec l2 = {.kind = VFL_PRIOR_L2, .lambda = 1e-3f, .parent = -1, .per_row = NULL, .center = NULL, .floor = 0};
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

static void write_all(const char *path, const char *data, size_t n) {
  FILE *f = fopen(path, "wb");
  fwrite(data, 1, n, f);
  fclose(f);
}

static void round_trip(void) {
  vfl_net *net = trained_net();
  const char *path = t_tmp_path("model.vfl");
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
  const char *path2 = t_tmp_path("model2.vfl");
  CHECK_OK(vfl_model_save(again, path2));
  char *x, *y;
  size_t nx = t_read_file(path, &x), ny = t_read_file(path2, &y);
  CHECK(nx == ny && memcmp(x, y, nx) == 0);
  free(x);
  free(y);
  vfl_net_free(net);
  vfl_net_free(again);
}

/* A saved model is an ordinary file (not mkstemp's 0600), and saving over
** a file keeps its mode. */
static void file_mode(void) {
  vfl_net *net = trained_net();
  const char *path = t_tmp_path("mode.vfl");
  mode_t old = umask(022);
  CHECK_OK(vfl_model_save(net, path));
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
  CHECK(chmod(path, 0640) == 0);
  CHECK_OK(vfl_model_save(net, path));
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
  umask(old);
  vfl_net_free(net);
}

static void damaged_files(void) {
  vfl_net *net = trained_net(), *out = NULL;
  const char *good = t_tmp_path("good.vfl"), *bad = t_tmp_path("bad.vfl");
  CHECK_OK(vfl_model_save(net, good));
  char *data;
  size_t n = t_read_file(good, &data);
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
  snprintf(msg, sizeof msg, "\"%s\": model format version 9, this vfl reads versions 1 to 4", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
  data[8] = 1;

  write_all(bad, "label 1:0.5\n", 12);
  snprintf(msg, sizeof msg, "\"%s\" is not a vfl model file", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);

  write_all(bad, "", 0);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);

  const char *missing = t_tmp_path("missing.vfl");
  snprintf(msg, sizeof msg, "cannot open \"%s\": No such file or directory", missing);
  CHECK_ERR(vfl_model_load(missing, &out), VFL_EIO, msg);

  CHECK_ERR(vfl_model_save(net, "/nonexistent-dir/m.vfl"), VFL_EIO, "cannot save \"/nonexistent-dir/m.vfl\": No such file or directory");
  CHECK(out == NULL);
  free(data);
  vfl_net_free(net);
}

/* Rewrites a field, then fixes the CRC so that the structure checks (not
** the checksum) must catch the damage. */
static void write_with_crc(const char *path, char *data, size_t n) {
  uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), (const Bytef *)data, (uInt)(n - 4));
  memcpy(data + n - 4, &crc, 4);
  write_all(path, data, n);
}

static void crafted_files(void) {
  vfl_net *net = trained_net(), *out = NULL;
  const char *good = t_tmp_path("crafted.vfl"), *bad = t_tmp_path("crafted-bad.vfl");
  CHECK_OK(vfl_model_save(net, good));
  char *data, msg[1024];
  size_t n = t_read_file(good, &data);
  uint32_t v;

  memcpy(&v, data + 12, 4);
  uint32_t swapped = 0x04030201u;
  memcpy(data + 12, &swapped, 4);
  write_with_crc(bad, data, n);
  snprintf(msg, sizeof msg, "\"%s\": the model was written on a machine of the other byte order", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
  memcpy(data + 12, &v, 4);

  /* body: link at 24, layer count at 28 */
  memcpy(&v, data + 28, 4);
  uint32_t many = 1000000;
  memcpy(data + 28, &many, 4);
  write_with_crc(bad, data, n);
  snprintf(msg, sizeof msg, "\"%s\": the model claims 1000000 layers", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
  memcpy(data + 28, &v, 4);

  uint32_t link = 7;
  memcpy(&v, data + 24, 4);
  memcpy(data + 24, &link, 4);
  write_with_crc(bad, data, n);
  snprintf(msg, sizeof msg, "\"%s\": unknown link 7", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
  memcpy(data + 24, &v, 4);

  /* layer 3 ("h") names parents 0 and 1: make the first one 9 */
  char *h = memmem(data + 32, n - 32, "\x01\0\0\0h", 5);
  CHECK(h != NULL);
  if (h) {
    char *parents = h + 5 + 4 * 4 + 4; /* name, kind, linear's 3 fields, n_parents */
    uint32_t nine = 9, old;
    memcpy(&old, parents + 4, 4);
    memcpy(parents + 4, &nine, 4);
    write_with_crc(bad, data, n);
    snprintf(msg, sizeof msg, "\"%s\": layer 'h' names parent 10, which does not exist", bad);
    CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
    memcpy(parents + 4, &old, 4);
    /* a dimension that no longer matches its weight block */
    uint32_t dim_old, dim_new = 9;
    char *dim = h + 5 + 4; /* after the kind: linear's first field */
    memcpy(&dim_old, dim, 4);
    memcpy(dim, &dim_new, 4);
    write_with_crc(bad, data, n);
    snprintf(msg, sizeof msg, "\"%s\": layer 'h': block 1 is 50x8, the layer needs 50x9", bad);
    CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
    memcpy(dim, &dim_old, 4);
  }
  char *longer = malloc(n + 8);
  memcpy(longer, data, n - 4);
  memset(longer + n - 4, 0, 8);
  uint64_t body;
  memcpy(&body, longer + 16, 8);
  body += 8;
  memcpy(longer + 16, &body, 8);
  write_with_crc(bad, longer, n + 8);
  snprintf(msg, sizeof msg, "\"%s\": the model has 8 unexpected bytes at its end", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
  CHECK(out == NULL);
  free(longer);
  free(data);
  vfl_net_free(net);
}

/* Every single-bit flip in the header and a sample of the body is refused. */
static void every_flip_refused(void) {
  vfl_net *net = trained_net(), *out = NULL;
  const char *good = t_tmp_path("flip.vfl"), *bad = t_tmp_path("flipped.vfl");
  CHECK_OK(vfl_model_save(net, good));
  char *data;
  size_t n = t_read_file(good, &data);
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
  file_mode();
  damaged_files();
  every_flip_refused();
  crafted_files();
  return t_done("test_model");
}
