/*
** test_model_store.c -- weights-only, half-precision and 8-bit saves
** (vfl_model_save_as, format version 4): each is smaller than the last,
** loads back to floats that predict as stated, says how it was stored, can
** be trained again (a fresh optimizer), and a damaged or crafted file is an
** error naming the problem.
*/
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "harness.h"
#include "net.h" /* to plant an infinite weight, as a diverged training with keep_last_good = false leaves */
#include "vfl.h"

enum { FEATURES = 256, HIDDEN = 16, CLASSES = 3, ROWS = 300 };

/* Three classes told apart by which third of the hashed features a row uses. */
static vfl_dataset *three_classes(void) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, FEATURES);
  for (uint32_t i = 0; i < ROWS; i++) {
    uint32_t c = i % CLASSES, idx[3] = {c * 80 + (i * 7) % 80, c * 80 + (i * 13) % 80, 250 + i % 6};
    float label = (float)c;
    vfl_features f = {3, idx, NULL};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    CHECK_OK(vfl_dataset_append(ds, &row));
  }
  return ds;
}

static vfl_net *trained(const vfl_dataset *ds) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = FEATURES};
  vfl_layer_spec h = {.kind = VFL_LAYER_EMBEDDING, .dim = HIDDEN, .pool = VFL_POOL_MEAN};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = CLASSES, .intercept = 1};
  CHECK_OK(vfl_net_stack(net, "x", &in));
  CHECK_OK(vfl_net_stack(net, "h", &h));
  CHECK_OK(vfl_net_stack(net, "out", &o));
  CHECK_OK(vfl_net_init(net, -1, 3));
  vfl_train_options opt;
  vfl_train_defaults(&opt);
  opt.epochs = 3;
  opt.threads = 1;
  vfl_optim_spec ada = {.kind = VFL_OPTIM_ADAGRAD, .lr = 0.3f, .eps = 1e-8f};
  opt.optim = ada;
  vfl_loss_spec loss = {VFL_LOSS_MULTINOMIAL, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, ds, &loss, &opt));
  return net;
}

/* Probabilities of every row of ds, ROWS x CLASSES. */
static void predict_all(vfl_net *net, const vfl_dataset *ds, float *out) {
  for (size_t i = 0; i < ROWS; i++) {
    vfl_row row;
    vfl_features f[1];
    CHECK_OK(t_row(ds, i, &row, f));
    CHECK_OK(vfl_net_predict(net, f, 1, out + i * CLASSES));
  }
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static float max_diff(const float *a, const float *b, size_t n) {
  float m = 0;
  for (size_t i = 0; i < n; i++) m = fmaxf(m, fabsf(a[i] - b[i]));
  return m;
}

static void smaller_and_close(void) {
  vfl_dataset *ds = three_classes();
  vfl_net *net = trained(ds);
  static float full[ROWS * CLASSES], got[ROWS * CLASSES];
  predict_all(net, ds, full);
  const char *names[4] = {t_tmp_path("full.vfl"), t_tmp_path("weights.vfl"), t_tmp_path("f16.vfl"), t_tmp_path("q8.vfl")};
  /* how far each may move a probability: weights-only is exact; a half
  ** keeps 11 significant bits; q8 half a step of max|w|/127 per weight */
  const float tolerance[4] = {0, 0, 1e-3f, 0.03f};
  long size[4];
  for (int s = VFL_STORE_FULL; s <= VFL_STORE_Q8; s++) {
    CHECK_OK(vfl_model_save_as(net, names[s], s));
    size[s] = file_size(names[s]);
    vfl_net *back = NULL;
    CHECK_OK(vfl_model_load(names[s], &back));
    if (!back) continue;
    CHECK(vfl_net_storage(back) == s);
    predict_all(back, ds, got);
    float d = max_diff(full, got, ROWS * CLASSES);
    printf("storage %d: %ld bytes, largest probability change %g\n", s, size[s], (double)d);
    CHECK(d <= tolerance[s]);
    vfl_net_free(back);
  }
  /* AdaGrad keeps one slot per weight: weights-only halves the weights' bytes */
  const long weights = (long)vfl_net_params(net) * 4;
  CHECK(size[VFL_STORE_FULL] - size[VFL_STORE_WEIGHTS] == weights);
  CHECK(size[VFL_STORE_WEIGHTS] - size[VFL_STORE_F16] == weights / 2);
  CHECK(size[VFL_STORE_Q8] < size[VFL_STORE_F16] && size[VFL_STORE_Q8] < size[VFL_STORE_WEIGHTS] * 3 / 10);
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

/* A quantised model trains on: the optimizer starts afresh (zero state)
** from the loaded weights, and a full save of it holds the new state. */
static void trains_again(void) {
  vfl_dataset *ds = three_classes();
  vfl_net *net = trained(ds), *back = NULL;
  const char *q8 = t_tmp_path("again.vfl"), *full = t_tmp_path("again-full.vfl");
  CHECK_OK(vfl_model_save_as(net, q8, VFL_STORE_Q8));
  CHECK_OK(vfl_model_load(q8, &back));
  if (back) {
    vfl_train_options opt;
    vfl_train_defaults(&opt);
    opt.epochs = 1;
    opt.threads = 1;
    vfl_loss_spec loss = {VFL_LOSS_MULTINOMIAL, NULL, NULL};
    CHECK_OK(vfl_net_learn(back, ds, &loss, &opt));
    vfl_metrics m;
    CHECK_OK(vfl_metrics_eval(back, ds, &m));
    CHECK(m.accuracy > 0.95);
    CHECK_OK(vfl_model_save(back, full));
    vfl_net *again = NULL;
    CHECK_OK(vfl_model_load(full, &again));
    CHECK(again && vfl_net_storage(again) == VFL_STORE_FULL);
    vfl_net_free(again);
  }
  vfl_net_free(back);
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

static void unsavable_weights(void) {
  vfl_dataset *ds = three_classes();
  vfl_net *net = trained(ds);
  const char *path = t_tmp_path("big.vfl");
  char msg[1024];
  float b[CLASSES] = {1e5f, 0, 0};
  CHECK_OK(vfl_net_param_set(net, "out", 1, b)); /* block 1 of out: its bias */
  snprintf(msg, sizeof msg,
           "save \"%s\": layer 'out' has a weight of 100000, beyond half precision's 65504 (save it as q8 or full)", path);
  CHECK_ERR(vfl_model_save_as(net, path, VFL_STORE_F16), VFL_EINVAL, msg);
  int out = vfl_net_layer_find(net, "out");
  net->layers[out].blocks[0].data[1] = -INFINITY; /* vfl_net_param_set refuses it */
  snprintf(msg, sizeof msg, "save \"%s\": layer 'out' has a weight of -inf, which cannot be quantised", path);
  CHECK_ERR(vfl_model_save_as(net, path, VFL_STORE_Q8), VFL_EINVAL, msg);
  CHECK_OK(vfl_model_save_as(net, path, VFL_STORE_WEIGHTS)); /* floats keep it, as a full save does */
  remove(path);
  snprintf(msg, sizeof msg, "save \"%s\": unknown storage 9 (VFL_STORE_FULL, _WEIGHTS, _F16 or _Q8)", path);
  CHECK_ERR(vfl_model_save_as(net, path, 9), VFL_EINVAL, msg);
  CHECK(file_size(path) == -1);
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

static void write_raw(const char *path, const char *data, size_t n) {
  FILE *f = fopen(path, "wb");
  CHECK(f && fwrite(data, 1, n, f) == n);
  if (f) fclose(f);
}

/* Rewrites a field, then fixes the CRC so that the structure checks (not
** the checksum) must catch the damage. */
static void write_with_crc(const char *path, char *data, size_t n) {
  uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), (const Bytef *)data, (uInt)(n - 4));
  memcpy(data + n - 4, &crc, 4);
  write_raw(path, data, n);
}

/* The header of h's first block: 256 x 16, no state, kind 0; the encoding
** byte follows, then (q8) the group and the first scale. */
static char *first_block(char *data, size_t n) {
  const uint32_t head[4] = {FEATURES, HIDDEN, 0, 0};
  char *at = memmem(data, n, head, sizeof head);
  CHECK(at != NULL);
  return at ? at + sizeof head : NULL;
}

static void damaged_files(void) {
  vfl_dataset *ds = three_classes();
  vfl_net *net = trained(ds), *out = NULL;
  const char *good = t_tmp_path("q8-good.vfl"), *bad = t_tmp_path("q8-bad.vfl");
  CHECK_OK(vfl_model_save_as(net, good, VFL_STORE_Q8));
  char *data, msg[1024];
  size_t n = t_read_file(good, &data);
  int accepted = 0;
  for (size_t pos = 0; pos < n; pos += 37) { /* a flip anywhere: the checksum */
    data[pos] ^= 4;
    write_raw(bad, data, n);
    data[pos] ^= 4;
    if (vfl_model_load(bad, &out) == VFL_OK) accepted++, vfl_net_free(out);
  }
  CHECK(accepted == 0);
  char *enc = first_block(data, n);
  if (enc) {
    CHECK(*enc == 2); /* q8 */
    *enc = 7;
    write_with_crc(bad, data, n);
    snprintf(msg, sizeof msg, "\"%s\": layer 'h': block 1 has an unknown encoding 7", bad);
    CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
    *enc = 2;
    uint32_t zero = 0, group;
    memcpy(&group, enc + 1, 4);
    CHECK(group == 64);
    memcpy(enc + 1, &zero, 4);
    write_with_crc(bad, data, n);
    snprintf(msg, sizeof msg, "\"%s\": layer 'h': block 1 has q8 groups of 0 weights (1 to 65536)", bad);
    CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
    memcpy(enc + 1, &group, 4);
    float scale, negative = -1;
    memcpy(&scale, enc + 5, 4);
    memcpy(enc + 5, &negative, 4);
    write_with_crc(bad, data, n);
    snprintf(msg, sizeof msg, "\"%s\": the model is damaged: layer 'h': block 1 has a q8 scale of -1", bad);
    CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
    memcpy(enc + 5, &scale, 4);
    uint32_t one = 1; /* n_state, in the header before the encoding */
    memcpy(enc - 8, &one, 4);
    write_with_crc(bad, data, n);
    snprintf(msg, sizeof msg, "\"%s\": layer 'h': block 1 is quantised but claims optimizer state", bad);
    CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
    memcpy(enc - 8, &zero, 4);
  }
  /* cut inside the weights, the header's size and the checksum made to match */
  uint64_t body;
  memcpy(&body, data + 16, 8);
  body -= 100;
  memcpy(data + 16, &body, 8);
  write_with_crc(bad, data, n - 100);
  snprintf(msg, sizeof msg, "\"%s\": the model is damaged: a field runs past the end of the file", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
  CHECK(out == NULL);
  free(data);
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

int main(void) {
  smaller_and_close();
  trains_again();
  unsavable_weights();
  damaged_files();
  return t_done("test_model_store");
}
