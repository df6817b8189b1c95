/*
** test_model_legacy.c -- a model file written by vfl before the layer table
** (format version 1, tests/data/models/v1-legacy.vflmodel, every layer kind
** of that time and every prior kind) still loads, and predicts what the old
** build predicted (v1-legacy.predictions, written with it by gcc): bit for
** bit under the same compiler, to 1e-6 under another, which may order and
** fuse the float sums differently (clang: last-bit differences). So does the
** version-2 file (v2-legacy.vflmodel) and the version-3 file
** (v3-legacy.vflmodel, with a featurizer). The text model of version 3
** (v3-text.vflmodel) is tested through the C inference API (test_infer.c).
*/
#define _DEFAULT_SOURCE /* mkstemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "legacy_net.h"
#include "vfl.h"

static int read_expected(float expected[3][3]) {
  FILE *f = fopen(t_testdata("models/v1-legacy.predictions"), "r");
  CHECK(f != NULL);
  if (!f) return 0;
  char line[512];
  int rows = 0;
  while (rows < 3 && fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    double a, b, c;
    if (sscanf(line, "%la %la %la", &a, &b, &c) != 3) break;
    expected[rows][0] = (float)a;
    expected[rows][1] = (float)b;
    expected[rows][2] = (float)c;
    rows++;
  }
  fclose(f);
  return rows;
}

/* The file loads and predicts what the version-1 build did. */
static vfl_net *predicts_as_written(const char *file) {
  float expected[3][3];
  CHECK(read_expected(expected) == 3);
  vfl_net *net = NULL;
  CHECK_OK(vfl_model_load(t_testdata(file), &net));
  if (!net) return NULL;
  for (int r = 0; r < 3; r++) {
    vfl_features in[3] = {{5, legacy_g_idx[r], legacy_g_val[r]}, {3, legacy_s_idx[r], legacy_s_val[r]},
                          {3, NULL, legacy_d_val[r]}};
    float p[3];
    CHECK_OK(vfl_net_predict(net, in, 3, p));
    for (int k = 0; k < 3; k++) CHECK_NEAR(p[k], expected[r][k], 1e-6);
  }
  return net;
}

static void loads_and_predicts_identically(void) {
  vfl_net *net = predicts_as_written("models/v1-legacy.vflmodel");
  CHECK(net && vfl_net_link(net) == VFL_LINK_SOFTMAX);
  CHECK(net && vfl_net_layers(net) == 12);
  vfl_net_free(net);
}

/* Saved again, the file is in today's format, and predicts the same. */
static void resaves_in_the_current_format(void) {
  vfl_net *net = NULL, *back = NULL;
  CHECK_OK(vfl_model_load(t_testdata("models/v1-legacy.vflmodel"), &net));
  if (!net) return;
  char path[] = "/tmp/vfl-legacy-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  CHECK_OK(vfl_model_save(net, path));
  FILE *f = fopen(path, "rb");
  unsigned char head[12] = {0};
  CHECK(f && fread(head, 1, 12, f) == 12);
  if (f) fclose(f);
  CHECK(head[8] == 4); /* version 4, little-endian */
  CHECK_OK(vfl_model_load(path, &back));
  unlink(path);
  for (int r = 0; back && r < 3; r++) {
    vfl_features in[3] = {{5, legacy_g_idx[r], legacy_g_val[r]}, {3, legacy_s_idx[r], legacy_s_val[r]},
                          {3, NULL, legacy_d_val[r]}};
    float a[3], b[3];
    CHECK_OK(vfl_net_predict(net, in, 3, a));
    CHECK_OK(vfl_net_predict(back, in, 3, b));
    CHECK(memcmp(a, b, sizeof a) == 0);
  }
  vfl_net_free(net);
  vfl_net_free(back);
}

/* Version 2 (before the featurizer section): the same model, saved by the
** version-2 build (tests/data/models/v2-legacy.vflmodel, the v1 file loaded
** and saved again), predicts what the v1 file predicted, with no featurizer. */
static void version_2_loads_without_a_featurizer(void) {
  vfl_net *net = predicts_as_written("models/v2-legacy.vflmodel");
  CHECK(net && vfl_net_featurizer(net) == NULL);
  vfl_net_free(net);
}

/* Version 3 (before the encoding byte of version 4): the v1 file with a
** featurizer (class names), saved by the version-3 build. */
static void version_3_loads_with_its_featurizer(void) {
  vfl_net *net = predicts_as_written("models/v3-legacy.vflmodel");
  const vfl_featurizer *f = net ? vfl_net_featurizer(net) : NULL;
  CHECK(f && f->n_classes == 3 && strcmp(f->classes[1], "second") == 0 && strcmp(f->label_prefix, "__label__") == 0);
  CHECK(net && vfl_net_storage(net) == VFL_STORE_WEIGHTS); /* built, never trained: no optimizer state */
  vfl_net_free(net);
}

/* Format 3 with linear layers that had mean = true (embedding bags before
** the embedding kind; tests/data/models/v3-linear-mean.*): they load as
** embeddings pooling by the mean, and predict bit for bit what the old build
** did (to 1e-6 under clang, as above). */
static void linear_mean_loads_as_an_embedding(void) {
  FILE *f = fopen(t_testdata("models/v3-linear-mean.predictions"), "r");
  CHECK(f != NULL);
  float expected[3][4];
  char line[512];
  int rows = 0;
  while (f && rows < 3 && fgets(line, sizeof line, f)) {
    double a[4];
    if (line[0] == '#') continue;
    if (sscanf(line, "%la %la %la %la", &a[0], &a[1], &a[2], &a[3]) != 4) break;
    for (int k = 0; k < 4; k++) expected[rows][k] = (float)a[k];
    rows++;
  }
  if (f) fclose(f);
  CHECK(rows == 3);
  vfl_net *net = NULL;
  CHECK_OK(vfl_model_load(t_testdata("models/v3-linear-mean.vflmodel"), &net));
  if (!net || rows != 3) return;
  for (int r = 0; r < 3; r++) {
    vfl_features in[2] = {{6, legacy_w_idx[r], legacy_w_val[r]}, {2, legacy_t_idx[r], legacy_t_val[r]}};
    float p[4];
    CHECK_OK(vfl_net_predict(net, in, 2, p));
#if defined(__clang__)
    for (int k = 0; k < 4; k++) CHECK_NEAR(p[k], expected[r][k], 1e-6);
#else
    CHECK(memcmp(p, expected[r], sizeof p) == 0);
#endif
  }
  vfl_net_free(net);
}

int main(void) {
  linear_mean_loads_as_an_embedding();
  loads_and_predicts_identically();
  version_2_loads_without_a_featurizer();
  version_3_loads_with_its_featurizer();
  resaves_in_the_current_format();
  return t_done("test_model_legacy");
}
