/*
** target_model.c -- the model loader (model_load_buffer, which is
** vfl_model_load without the file). Each input is loaded twice: as it is,
** which mostly exercises the envelope (magic, version, size, CRC), and with
** its size field and CRC recomputed, so that mutations reach the structure
** and data parsers behind the checksum. A net that loads is then run once
** on an empty and a one-feature example, which checks that what the loader
** accepted is consistent enough to use; one with a text featurizer also
** featurizes a line and ranks its classes as the C inference API does.
*/
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "model.h"
#include "targets.h"

/* Running a net costs memory by its shape, not by its file's size (a dense
** input of 2^32 - 1 features feeding a ReLU has no weights to store): the
** target skips running nets wider than this. */
#define RUN_WIDTH_MAX (1u << 16)

static void run_once(vfl_net *net) {
  uint32_t layers[64];
  uint32_t n = vfl_net_inputs(net, layers, 64);
  uint32_t outs = vfl_net_outputs(net);
  FUZZ_ASSERT(n >= 1 && outs >= 1);
  if (n > 64 || outs > RUN_WIDTH_MAX) return;
  for (uint32_t i = 0; i < vfl_net_layers(net); i++)
    if (vfl_net_layer_dim(net, i) > RUN_WIDTH_MAX) return;
  vfl_features f[64];
  static const uint32_t first[1] = {0};
  float *zeros = calloc(RUN_WIDTH_MAX, sizeof *zeros), *out = calloc(outs, sizeof *out);
  FUZZ_ASSERT(zeros && out);
  for (int pass = 0; pass < 2; pass++) {
    for (uint32_t k = 0; k < n; k++) {
      vfl_layer_spec s;
      FUZZ_ASSERT(vfl_net_layer_spec(net, layers[k], &s) == VFL_OK);
      f[k] = s.input_kind == VFL_INPUT_DENSE ? (vfl_features){s.dim, NULL, zeros}
                                             : (vfl_features){(uint32_t)pass, first, NULL};
    }
    int rc = vfl_net_predict(net, f, n, out);
    FUZZ_ASSERT(rc == VFL_OK || rc == VFL_ENOMEM);
  }
  free(zeros);
  free(out);
}

/* The featurizer's settings are checked on load, but not against the
** input's width: an index beyond it must be an error, never a read past
** the weights. */
static void run_text(vfl_net *net) {
  const vfl_featurizer *fz = vfl_net_featurizer(net);
  uint32_t outs = vfl_net_outputs(net);
  int reads_text = fz && (fz->kind == VFL_FEATURIZE_WORDS || fz->kind == VFL_FEATURIZE_VW);
  if (!reads_text || outs > RUN_WIDTH_MAX || vfl_net_inputs(net, NULL, 0) != 1) return;
  static const char text[] = "The shuttle reached orbit the shuttle";
  vfl_feature_buf buf = {0};
  uint32_t classes[4];
  float *out = calloc(outs, sizeof *out), probs[4];
  FUZZ_ASSERT(out);
  int rc = vfl_featurize_text(fz, text, sizeof text - 1, &buf);
  FUZZ_ASSERT(rc == VFL_OK || rc == VFL_EINVAL || rc == VFL_ENOMEM);
  vfl_features x = {buf.n, buf.index, buf.value};
  if (rc == VFL_OK) rc = vfl_net_predict(net, &x, 1, out);
  FUZZ_ASSERT(rc == VFL_OK || rc == VFL_EINVAL || rc == VFL_ENOMEM);
  if (rc == VFL_OK) FUZZ_ASSERT(vfl_rank_outputs(out, outs, 4, classes, probs) == (outs == 1 ? 2 : outs < 4 ? outs : 4));
  vfl_feature_buf_free(&buf);
  free(out);
}

static void load(const uint8_t *data, size_t size) {
  vfl_set_error("");
  vfl_net *net = NULL;
  int rc = model_load_buffer(data, size, "fuzz.vfl", &net);
  if (rc != VFL_OK) {
    FUZZ_ASSERT(rc < 0 && net == NULL && vfl_last_error()[0] != '\0');
    return;
  }
  FUZZ_ASSERT(net != NULL && vfl_net_ready(net));
  run_once(net);
  run_text(net);
  vfl_net_free(net);
}

void fuzz_model(const uint8_t *data, size_t size) {
  load(data, size);
  /* header: magic 8, version 4, byte order 4, body size 8; CRC at the end */
  if (size < 28 || memcmp(data, VFL_MODEL_MAGIC, 8) != 0) return;
  uint8_t *fixed = malloc(size);
  FUZZ_ASSERT(fixed != NULL);
  memcpy(fixed, data, size);
  uint64_t body = size - 28;
  memcpy(fixed + 16, &body, 8);
  uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), fixed, (uInt)(size - 4));
  memcpy(fixed + size - 4, &crc, 4);
  load(fixed, size);
  free(fixed);
}
