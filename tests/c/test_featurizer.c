/*
** test_featurizer.c -- a net's featurizer (text hashing settings and class
** names): what set refuses, that it is a copy, that it survives save and
** load, and every error of its section in a model file, message for message.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "vfl.h"

static const char *const three[] = {"sci.space", "rec.autos", "talk.politics"};

static vfl_net *small_net(uint32_t outputs) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 64};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = outputs, .intercept = 1};
  CHECK_OK(vfl_net_add(net, "features", &in));
  CHECK_OK(vfl_net_add(net, "out", &out));
  CHECK_OK(vfl_net_wire(net, "features", "out"));
  CHECK_OK(vfl_net_init(net, -1, 3));
  return net;
}

static vfl_featurizer words(void) {
  vfl_featurizer f = {.kind = VFL_FEATURIZE_WORDS, .bits = 20, .ngrams = 2, .seed = 7, .lower = 1, .label_prefix = "__label__", .n_classes = 3, .classes = three};
  return f;
}

static void set_checks_and_copies(void) {
  vfl_net *net = small_net(3);
  CHECK(vfl_net_featurizer(net) == NULL);
  char name[] = "sci.space";
  const char *names[] = {name, "rec.autos", "talk.politics"};
  vfl_featurizer f = words();
  f.classes = names;
  CHECK_OK(vfl_net_set_featurizer(net, &f));
  name[0] = 'X'; /* the net holds its own copy */
  const vfl_featurizer *got = vfl_net_featurizer(net);
  CHECK(got && got->kind == VFL_FEATURIZE_WORDS && got->bits == 20 && got->ngrams == 2 && got->seed == 7 && got->lower);
  CHECK(got && strcmp(got->classes[0], "sci.space") == 0 && strcmp(got->label_prefix, "__label__") == 0);

  vfl_featurizer bad = words();
  bad.kind = 9;
  CHECK_ERR(vfl_net_set_featurizer(net, &bad), VFL_EINVAL, "the featurizer has an unknown kind 9");
  bad = words();
  bad.bits = 0;
  CHECK_ERR(vfl_net_set_featurizer(net, &bad), VFL_EINVAL, "the featurizer's bits is 0 (1 to 32)");
  bad = words();
  bad.ngrams = 9;
  CHECK_ERR(vfl_net_set_featurizer(net, &bad), VFL_EINVAL, "the featurizer's ngrams is 9 (1 to 8)");
  const char *dup[] = {"a", "b", "a"};
  bad = words();
  bad.classes = dup;
  CHECK_ERR(vfl_net_set_featurizer(net, &bad), VFL_EINVAL, "the featurizer names class 'a' twice (classes 1 and 3)");
  const char *empty[] = {"a", "", "c"};
  bad.classes = empty;
  CHECK_ERR(vfl_net_set_featurizer(net, &bad), VFL_EINVAL, "the featurizer's class 2 has a name of 0 bytes (1 to 4096)");
  bad = words();
  bad.n_classes = 2;
  CHECK_ERR(vfl_net_set_featurizer(net, &bad), VFL_EINVAL, "the featurizer names 2 classes for a net of 3 outputs");
  /* a refused featurizer leaves the one set before */
  CHECK(vfl_net_featurizer(net) == got && strcmp(got->classes[2], "talk.politics") == 0);
  CHECK_OK(vfl_net_set_featurizer(net, NULL));
  CHECK(vfl_net_featurizer(net) == NULL);
  vfl_net_free(net);

  /* one output (logistic) holds two classes: output 1 is the second's probability */
  net = small_net(1);
  f = words();
  f.n_classes = 2;
  CHECK_OK(vfl_net_set_featurizer(net, &f));
  vfl_net_free(net);
}

static void write_with_crc(const char *path, char *data, size_t n) {
  uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), (const Bytef *)data, (uInt)(n - 4));
  memcpy(data + n - 4, &crc, 4);
  FILE *f = fopen(path, "wb");
  fwrite(data, 1, n, f);
  fclose(f);
}

static void survives_save_and_load(void) {
  vfl_net *net = small_net(3), *back = NULL;
  vfl_featurizer f = words();
  CHECK_OK(vfl_net_set_featurizer(net, &f));
  const char *path = t_tmp_path("feat.vfl");
  CHECK_OK(vfl_model_save(net, path));
  CHECK_OK(vfl_model_load(path, &back));
  const vfl_featurizer *g = back ? vfl_net_featurizer(back) : NULL;
  CHECK(g && g->kind == VFL_FEATURIZE_WORDS && g->bits == 20 && g->ngrams == 2 && g->seed == 7 && g->lower == 1);
  CHECK(g && g->n_classes == 3 && strcmp(g->label_prefix, "__label__") == 0);
  for (uint32_t i = 0; g && i < 3; i++) CHECK(strcmp(g->classes[i], three[i]) == 0);
  vfl_net_free(back);
  vfl_net_free(net);
}

/* One damage to a saved file: bytes written at offset (from the start of
** the part tested) and the message the loader must give. */
typedef struct damage {
  size_t offset;
  const char *bytes;
  size_t len;
  const char *expect;
} damage;

/* Writes each damaged copy of data (n bytes, the part at `at`) to bad with
** a fresh CRC and checks the loader's exact message. */
static void expect_damage(const char *data, size_t n, size_t at, const damage *cases, size_t count, const char *bad) {
  char *copy = malloc(n), msg[1024];
  vfl_net *out = NULL;
  for (size_t c = 0; c < count; c++) {
    memcpy(copy, data, n);
    memcpy(copy + at + cases[c].offset, cases[c].bytes, cases[c].len);
    write_with_crc(bad, copy, n);
    snprintf(msg, sizeof msg, "\"%s\": %s", bad, cases[c].expect);
    CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
    CHECK(out == NULL);
  }
  free(copy);
}

/* The section ends the body: its offset is fixed by what words() writes. */
static void damaged_sections(void) {
  vfl_net *net = small_net(3), *out = NULL;
  vfl_featurizer f = words();
  CHECK_OK(vfl_net_set_featurizer(net, &f));
  const char *good = t_tmp_path("feat-good.vfl"), *bad = t_tmp_path("feat-bad.vfl");
  CHECK_OK(vfl_model_save(net, good));
  vfl_net_free(net);
  char *data, msg[1024];
  size_t n = t_read_file(good, &data);
  size_t names = (4 + 9) + (4 + 9) + (4 + 13);
  size_t section = 1 + 4 * 4 + 1 + (4 + 9) + 4 + names, at = n - 4 - section;
  static const damage cases[] = {
      {0, "\x03", 1, "the featurizer section is marked 3 (0, 1 or 2)"},
      {1, "\x07\0\0\0", 4, "the featurizer has an unknown kind 7"},
      {5, "\x21\0\0\0", 4, "the featurizer's bits is 33 (1 to 32)"},
      {9, "\0\0\0\0", 4, "the featurizer's ngrams is 0 (1 to 8)"},
      {17, "\x05", 1, "the featurizer's lower flag is 5 (0 or 1)"},
      {18, "\xff\xff\0\0", 4, "the featurizer's label prefix 1 has a length of 65535 bytes"},
      {35, "\xff\xff\xff\x7f", 4, "the featurizer's class 1 has a length of 2147483647 bytes"},
      {39, "rec.autos", 9, "the featurizer names class 'rec.autos' twice (classes 1 and 2)"},
      {40, "\0", 1, "the featurizer's class 1 holds a NUL byte"},
  };
  expect_damage(data, n, at, cases, sizeof cases / sizeof cases[0], bad);
  char *copy = malloc(n);
  /* more classes than the bytes that remain: a count checked before allocating */
  memcpy(copy, data, n);
  memcpy(copy + at + 31, "\0\0\0\x10", 4);
  write_with_crc(bad, copy, n);
  snprintf(msg, sizeof msg, "\"%s\": the model is damaged: a field runs past the end of the file", bad);
  CHECK_ERR(vfl_model_load(bad, &out), VFL_EFORMAT, msg);
  free(copy);
  free(data);
}

/* The extension: a table featurizer with character n-grams and a
** dictionary survives save and load field for field. */
static void extension_round_trip(void) {
  static const vfl_column cols[] = {{"y", VFL_COLUMN_LABEL}, {"age", VFL_COLUMN_NUMERIC},
                                    {"city", VFL_COLUMN_CATEGORICAL}, {"note", VFL_COLUMN_TEXT}};
  static const uint32_t ids[] = {1, 9, 40};
  static const char *const names[] = {"age", "city=Oslo", "fjords"};
  vfl_featurizer f = {.kind = VFL_FEATURIZE_TABLE, .bits = 5, .ngrams = 2, .minn = 2, .maxn = 4, .n_classes = 3,
                      .classes = three, .n_columns = 4, .columns = cols, .n_names = 3, .name_index = ids, .names = names};
  vfl_net *net = small_net(3), *back = NULL;
  CHECK_OK(vfl_net_set_featurizer(net, &f));
  const char *path = t_tmp_path("feat-ext.vfl");
  CHECK_OK(vfl_model_save(net, path));
  CHECK_OK(vfl_model_load(path, &back));
  const vfl_featurizer *g = back ? vfl_net_featurizer(back) : NULL;
  CHECK(g && g->kind == VFL_FEATURIZE_TABLE && g->bits == 5 && g->ngrams == 2 && g->minn == 2 && g->maxn == 4);
  CHECK(g && g->n_columns == 4 && strcmp(g->columns[3].name, "note") == 0 && g->columns[3].kind == VFL_COLUMN_TEXT);
  CHECK(g && g->n_names == 3 && g->name_index[2] == 40 && strcmp(g->names[1], "city=Oslo") == 0);
  CHECK(g && vfl_featurizer_name(g, 9) && strcmp(vfl_featurizer_name(g, 9), "city=Oslo") == 0);
  CHECK(g && vfl_featurizer_name(g, 10) == NULL);

  /* a row by column names: numeric column 1 is feature 1, a category 4 + its hash */
  vfl_feature_buf buf = {0};
  const char *keys[] = {"age", "city"}, *vals[] = {"41", "Oslo"};
  CHECK_OK(vfl_featurize_row(g, keys, vals, 2, &buf));
  uint32_t city = 4 + (vfl_hash_bytes("city=Oslo", 9, 0) & 31);
  CHECK(buf.n == 2 && buf.index[0] == 1 && buf.value[0] == 41.0f && buf.index[1] == city && buf.value[1] == 1.0f);
  const char *typo[] = {"town"};
  CHECK_ERR(vfl_featurize_row(g, typo, vals + 1, 1, &buf), VFL_EINVAL,
            "no column is named 'town' (the columns: age, city, note)");
  const char *old[] = {"old"};
  CHECK_ERR(vfl_featurize_row(g, keys, old, 1, &buf), VFL_EINVAL, "column 'age' is numeric, but its value is \"old\"");
  CHECK_ERR(vfl_featurize_text(g, "a b", 3, &buf), VFL_EINVAL,
            "the featurizer does not read raw text (its kind is not words or vw)");
  vfl_feature_buf_free(&buf);
  vfl_net_free(back);
  vfl_net_free(net);
}

/* The extension's tagged fields: an unknown required field refuses the file,
** an unknown optional one is stepped over, a wrong size is damage. */
static void extension_errors(void) {
  vfl_net *net = small_net(3), *out = NULL;
  vfl_featurizer f = words();
  f.minn = 3, f.maxn = 5;
  CHECK_OK(vfl_net_set_featurizer(net, &f));
  const char *good = t_tmp_path("feat-ext-good.vfl"), *bad = t_tmp_path("feat-ext-bad.vfl");
  CHECK_OK(vfl_model_save(net, good));
  vfl_net_free(net);
  char *data;
  size_t n = t_read_file(good, &data);
  size_t ext = 4 + (4 + 8 + 8) + 4, at = n - 4 - ext; /* version, the n-gram field, the end tag */
  static const damage cases[] = {
      {0, "\0\0\0\0", 4, "the featurizer's extension has version 0 (1 or later)"},
      {4, "\x07\0\0\0", 4, "the featurizer has field 7, unknown to this vfl (written by a later one)"},
      {8, "\x09\0\0\0", 4, "the featurizer's field 1 is damaged (its size)"},
      {16, "\x06\0\0\0", 4, "the featurizer's character n-grams are 6 to 5 (0 0, or 1 <= minn <= maxn <= 16)"},
  };
  expect_damage(data, n, at, cases, sizeof cases / sizeof cases[0], bad);
  char *copy = malloc(n);
  memcpy(copy, data, n); /* an optional field of a later vfl (top bit set) is stepped over */
  memcpy(copy + at + 4, "\x07\0\0\x80", 4);
  write_with_crc(bad, copy, n);
  CHECK_OK(vfl_model_load(bad, &out));
  CHECK(out && vfl_net_featurizer(out)->maxn == 0 && vfl_net_featurizer(out)->bits == 20);
  vfl_net_free(out);
  free(copy);
  free(data);
}

int main(void) {
  set_checks_and_copies();
  extension_round_trip();
  extension_errors();
  survives_save_and_load();
  damaged_sections();
  return t_done("test_featurizer");
}
