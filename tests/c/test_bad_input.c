/*
** test_bad_input.c -- bad input the other tests do not cover, each with its
** exact error: a file given to the wrong reader, blank and empty files,
** lines longer than a read chunk in every format, non-finite values where
** examples are predicted, labels no loss takes, broken graphs, zero-width
** layers, and the model-file findings of the fuzzer by name.
**
** Already covered elsewhere (not repeated here): malformed lines, NaN and
** Inf values, indices beyond the dimension, zero and negative indices in
** test_read_{libsvm,csv,vw}.c; a 700,000-feature libsvm line across chunk
** boundaries in test_read_libsvm.c; dataset rows in test_dataset.c; the
** first graph and label errors in test_net_errors.c; damaged model files
** in test_model.c and test_crash_save.c.
*/
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "vfl.h"

static char *tmp(const char *name) {
  static char buf[8][512];
  static int next;
  char *p = buf[next++ % 8];
  snprintf(p, 512, "%s/%s", t_tmpdir(), name);
  return p;
}

static void spill(const char *path, const char *data, size_t n) {
  FILE *f = fopen(path, "wb");
  fwrite(data, 1, n, f);
  fclose(f);
}

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  char *d = malloc(*n + 1);
  if (fread(d, 1, *n, f) != *n) *n = 0;
  fclose(f);
  return d;
}

static vfl_net *logistic_net(uint32_t dim) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec x = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = dim};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_stack(net, "x", &x);
  vfl_net_stack(net, "out", &out);
  CHECK_OK(vfl_net_init(net, -1, 1));
  return net;
}

/* ------------------------------------------------ the wrong kind of file */

/* A model file given to a reader says what it is; a data file given to
** the model loader says what it is not. */
static void wrong_kind_of_file(void) {
  vfl_net *net = logistic_net(4);
  char *model = tmp("model.vfl"), msg[1024];
  CHECK_OK(vfl_model_save(net, model));
  vfl_dataset *ds = NULL;
  snprintf(msg, sizeof msg, "\"%s\" is a vfl model file, not libsvm text: load it as a model", model);
  CHECK_ERR(vfl_read_libsvm(model, NULL, &ds), VFL_EFORMAT, msg);
  snprintf(msg, sizeof msg, "\"%s\" is a vfl model file, not CSV text: load it as a model", model);
  CHECK_ERR(vfl_read_csv(model, NULL, &ds), VFL_EFORMAT, msg);
  snprintf(msg, sizeof msg, "\"%s\" is a vfl model file, not Vowpal Wabbit text: load it as a model", model);
  CHECK_ERR(vfl_read_vw(model, NULL, &ds), VFL_EFORMAT, msg);
  size_t n = 0;
  char *bytes = slurp(model, &n);
  CHECK_ERR(vfl_read_libsvm_buffer(bytes, n, "m", NULL, &ds), VFL_EFORMAT,
            "\"m\" is a vfl model file, not libsvm text: load it as a model");
  CHECK(ds == NULL);
  free(bytes);
  vfl_net *loaded = NULL;
  const char *svm = t_testdata("readers/small.svm"), *gz = t_testdata("readers/small.svm.gz");
  snprintf(msg, sizeof msg, "\"%s\" is not a vfl model file", svm);
  CHECK_ERR(vfl_model_load(svm, &loaded), VFL_EFORMAT, msg);
  snprintf(msg, sizeof msg, "\"%s\" is not a vfl model file", gz);
  CHECK_ERR(vfl_model_load(gz, &loaded), VFL_EFORMAT, msg);
  snprintf(msg, sizeof msg, "cannot read \"%s\"", t_tmpdir());
  CHECK_ERR(vfl_model_load(t_tmpdir(), &loaded), VFL_EIO, msg);
  CHECK(loaded == NULL);
  vfl_net_free(net);
}

/* ------------------------------------------------- empty and blank files */

/* Rows of what a reader returned (rc, *ds), then frees it. */
static size_t rows_of(int rc, vfl_dataset **ds) {
  if (rc) fprintf(stderr, "  reader failed: %s\n", vfl_last_error());
  CHECK(rc == VFL_OK && *ds != NULL);
  size_t n = *ds ? vfl_dataset_rows(*ds) : (size_t)-1;
  vfl_dataset_free(*ds);
  *ds = NULL;
  return n;
}

static void empty_files(void) {
  const char *empty = tmp("empty.txt"), *blank = tmp("blank.txt");
  spill(empty, "", 0);
  spill(blank, "\n  \n \r\n\n", 8); /* spaces only: a tab may separate TSV fields */
  vfl_dataset *ds = NULL;
  const vfl_csv_options tsv = {.sep = '\t'};
  for (int b = 0; b < 2; b++) {
    const char *path = b ? blank : empty;
    CHECK(rows_of(vfl_read_libsvm(path, NULL, &ds), &ds) == 0);
    CHECK(rows_of(vfl_read_csv(path, NULL, &ds), &ds) == 0);
    CHECK(rows_of(vfl_read_csv(path, &tsv, &ds), &ds) == 0);
    CHECK(rows_of(vfl_read_vw(path, NULL, &ds), &ds) == 0);
  }
  /* a blank line in a CSV file is no row, before the header or after it */
  const char *text = "  \na,label\n \t \n1,1\n";
  vfl_csv_options h = {.header = 1, .label_name = "label"};
  CHECK(rows_of(vfl_read_csv_buffer(text, strlen(text), "b.csv", &h, &ds), &ds) == 1);
  /* with tabs separating, a line of tabs holds empty fields: a row */
  vfl_csv_options t2 = {.sep = '\t'};
  CHECK_ERR(vfl_read_csv_buffer("1\t2\n\t\n", 6, "t.tsv", &t2, &ds), VFL_EFORMAT,
            "t.tsv:2:1: the label is missing");
  /* an empty file reads; training on it is refused */
  CHECK_OK(vfl_read_libsvm(empty, NULL, &ds));
  vfl_net *net = logistic_net(4);
  vfl_loss_spec loss = {VFL_LOSS_LOGISTIC, NULL, NULL};
  CHECK_ERR(vfl_net_learn(net, ds, &loss, NULL), VFL_EINVAL, "learn: the dataset has no rows");
  vfl_dataset_free(ds);
  vfl_net_free(net);
}

/* ------------------------------------------------------ very long lines */

/* One CSV line of 1,000,001 fields (about 6 MB) and one VW line of
** 1,000,000 features (about 8 MB): longer than a 4 MiB read chunk, through
** files, as test_read_libsvm.c does for libsvm. */
static void long_lines(void) {
  const char *csv = tmp("long.csv"), *vw = tmp("long.vw");
  FILE *f = fopen(csv, "wb");
  fputs("1", f);
  for (int i = 0; i < 1000000; i++) fputs(",0.5", f);
  fputs("\n0", f); /* a short second line, no final newline */
  for (int i = 0; i < 1000000; i++) fputs(",1", f);
  fclose(f);
  f = fopen(vw, "wb");
  fputs("1 |f", f);
  for (int i = 0; i < 1000000; i++) fprintf(f, " w%d:2", i);
  fputs("\n-1 |g a\n", f);
  fclose(f);
  vfl_dataset *ds = NULL;
  CHECK_OK(vfl_read_csv(csv, NULL, &ds));
  if (ds) {
    CHECK(vfl_dataset_rows(ds) == 2 && vfl_dataset_nnz(ds) == 2000000 && vfl_dataset_input_dim(ds, 0) == 1000001);
    vfl_dataset_free(ds);
  }
  CHECK_OK(vfl_read_vw(vw, NULL, &ds));
  if (ds) {
    vfl_row row;
    vfl_features feat;
    CHECK_OK(t_row(ds, 0, &row, &feat));
    /* a million names in 2^18 buckets: sorted, colliding values added */
    CHECK(vfl_dataset_rows(ds) == 2 && vfl_dataset_nnz(ds) == (size_t)feat.n + 1 && feat.n <= 1u << 18 && feat.value);
    double sum = 0;
    int ascending = 1;
    for (uint32_t j = 0; feat.value && j < feat.n; j++) {
      sum += feat.value[j];
      if (j) ascending &= feat.index[j - 1] < feat.index[j];
    }
    CHECK(ascending && sum == 2000000);
    vfl_dataset_free(ds);
  }
  /* and an error far along a long line names its column */
  f = fopen(csv, "wb");
  for (int line = 0; line < 2; line++) {
    fputs("1", f);
    for (int i = 0; i < 1000000; i++) fputs(",0.5", f);
    fputs(line ? ",nan\n" : ",2\n", f);
  }
  fclose(f);
  char msg[1024];
  snprintf(msg, sizeof msg, "%s:2:1000002: value nan is not finite", csv);
  CHECK_ERR(vfl_read_csv(csv, NULL, &ds), VFL_EFORMAT, msg);
}

/* ------------------------------------------------ examples with bad values */

static void predict_values(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec s = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 5};
  vfl_layer_spec d = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_DENSE, .dim = 2};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  vfl_net_add(net, "s", &s);
  vfl_net_add(net, "d", &d);
  vfl_net_add(net, "out", &out);
  vfl_net_wire(net, "s", "out");
  vfl_net_wire(net, "d", "out");
  CHECK_OK(vfl_net_init(net, -1, 1));
  uint32_t idx[1] = {2};
  float sv[1] = {1}, dv[2] = {1, NAN}, o[1];
  vfl_features f[2] = {{1, idx, sv}, {2, NULL, dv}};
  CHECK_ERR(vfl_net_predict(net, f, 2, o), VFL_EINVAL, "input 'd': dense value 2 is not a finite number");
  dv[1] = INFINITY;
  CHECK_ERR(vfl_net_forward(net, f, 2, o), VFL_EINVAL, "input 'd': dense value 2 is not a finite number");
  dv[1] = 0;
  sv[0] = -INFINITY;
  CHECK_ERR(vfl_net_predict(net, f, 2, o), VFL_EINVAL, "input 's': the value of feature 3 is not a finite number");
  sv[0] = 1;
  f[1].n = 3;
  CHECK_ERR(vfl_net_predict(net, f, 2, o), VFL_EINVAL, "input 'd': expected 2 dense values, got 3");
  f[1].n = 2;
  CHECK_OK(vfl_net_predict(net, f, 2, o));
  vfl_net_free(net);
  /* dataset rows: a NaN dense value, a NaN weight */
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "d", VFL_INPUT_DENSE, 2);
  float label = 1, bad[2] = {0, NAN};
  vfl_features df = {2, NULL, bad};
  vfl_row row = {&label, 1, 1.0f, &df, 1};
  CHECK_ERR(vfl_dataset_append(ds, &row), VFL_EINVAL, "row 1, input 'd': value nan is not a finite number");
  bad[1] = 0;
  row.weight = NAN;
  CHECK_ERR(vfl_dataset_append(ds, &row), VFL_EINVAL, "row 1: weight nan must be a finite number >= 0");
  vfl_dataset_free(ds);
}

/* --------------------------------------------- labels a loss cannot take */

static void labels(void) {
  float out[3] = {0, 0, 0}, grad[3];
  double loss;
  float y = 1.5f;
  CHECK_ERR(vfl_loss_eval(VFL_LOSS_MULTINOMIAL, out, 3, &y, 1, grad, &loss), VFL_EINVAL,
            "row 1: label 1.5 is not a class id for 3 outputs (multinomial labels are 0..2)");
  y = -1;
  CHECK_ERR(vfl_loss_eval(VFL_LOSS_MULTINOMIAL, out, 3, &y, 1, grad, &loss), VFL_EINVAL,
            "row 1: label -1 is not a class id for 3 outputs (multinomial labels are 0..2)");
  y = 0.5f;
  CHECK_ERR(vfl_loss_eval(VFL_LOSS_HINGE, out, 1, &y, 1, grad, &loss), VFL_EINVAL,
            "row 1: label 0.5 is not binary (the hinge loss takes 0/1 or -1/+1)");
  y = 2;
  CHECK_ERR(vfl_loss_eval(VFL_LOSS_LOGISTIC, out, 1, &y, 1, grad, &loss), VFL_EINVAL,
            "row 1: label 2 is not binary (the logistic loss takes 0/1 or -1/+1)");
  float two[2] = {1, 2};
  CHECK_ERR(vfl_loss_eval(VFL_LOSS_SQUARE, out, 3, two, 2, grad, &loss), VFL_EINVAL,
            "square loss: the net has 3 outputs but rows have 2 labels");
  CHECK_ERR(vfl_loss_eval(99, out, 1, two, 1, grad, &loss), VFL_EINVAL, "unknown loss kind 99");
}

/* -------------------------------------------------------------- graphs */

static void graphs(void) {
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 4};
  vfl_layer_spec lin = {.kind = VFL_LAYER_LINEAR, .dim = 2};
  vfl_net *net = vfl_net_new();
  vfl_net_add(net, "x", &in);
  vfl_net_add(net, "a", &lin);
  vfl_net_add(net, "b", &lin);
  vfl_net_add(net, "c", &lin);
  CHECK_OK(vfl_net_wire(net, "x", "a"));
  CHECK_OK(vfl_net_wire(net, "a", "b"));
  CHECK_OK(vfl_net_wire(net, "b", "c"));
  CHECK_OK(vfl_net_wire(net, "c", "a")); /* a -> b -> c -> a */
  CHECK_ERR(vfl_net_wire(net, "c", "c"), VFL_EINVAL, "wire 'c' -> 'c': a layer cannot be its own parent");
  CHECK_ERR(vfl_net_wire(net, "b", "c"), VFL_EINVAL, "wire 'b' -> 'c': already wired");
  CHECK_ERR(vfl_net_init(net, -1, 1), VFL_EINVAL, "the net has a cycle through layer 'a'");
  CHECK(!vfl_net_ready(net));
  vfl_net_free(net);
  /* zero-width layers of every kind that has a width */
  net = vfl_net_new();
  vfl_layer_spec zs = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 0};
  vfl_layer_spec zd = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_DENSE, .dim = 0};
  vfl_layer_spec zl = {.kind = VFL_LAYER_LINEAR, .dim = 0};
  vfl_layer_spec zx = {.kind = VFL_LAYER_CROSS, .cross_bits = 0};
  CHECK_ERR(vfl_net_add(net, "s", &zs), VFL_EINVAL, "layer 's': the dimension must be at least 1");
  CHECK_ERR(vfl_net_add(net, "d", &zd), VFL_EINVAL, "layer 'd': the dimension must be at least 1");
  CHECK_ERR(vfl_net_add(net, "l", &zl), VFL_EINVAL, "layer 'l': the dimension must be at least 1");
  CHECK_ERR(vfl_net_add(net, "c", &zx), VFL_EINVAL, "layer 'c': cross bits 0 must be between 1 and 31");
  CHECK(vfl_net_layers(net) == 0);
  vfl_dataset *ds = vfl_dataset_new(1);
  CHECK_ERR(vfl_dataset_add_input(ds, "d", VFL_INPUT_DENSE, 0), VFL_EINVAL,
            "dataset input 'd': a dense input needs a dimension above 0");
  vfl_dataset_free(ds);
  vfl_net_free(net);
}

/* ------------------------------------------------------------ priors */

/* Found by the model fuzzer: "parent + 1" in the message overflowed int. */
static void prior_parent(void) {
  vfl_net *net = logistic_net(4);
  vfl_prior_spec p = {.kind = VFL_PRIOR_L2, .lambda = 0.1f, .parent = 2147483647, .per_row = NULL, .center = NULL, .floor = 0};
  CHECK_ERR(vfl_net_add_prior(net, "out", &p), VFL_EINVAL, "layer 'out': prior parent 2147483648 is out of range (it has 1)");
  p.parent = -2;
  CHECK_ERR(vfl_net_add_prior(net, "out", &p), VFL_EINVAL, "layer 'out': prior parent -1 is out of range (it has 1)");
  vfl_net_free(net);
}

/* ------------------------------------------- the fuzzer's model findings */

/* Each saved model finding, with its size and CRC set right so that the
** structure check (not the checksum) must refuse it, names its problem. */
static void model_findings(void) {
  static const struct {
    const char *file, *message;
  } cases[] = {
      {"huge-layer-allocated-before-data-check", "the model is damaged: layer 'h' needs more weights than the file holds"},
      {"prior-on-layer-without-weights", "layer 'x' has a prior but no weights"},
      {"prior-parent-int-max-overflow", "layer 'h': a prior names parent 2147483648"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char rel[256], msg[1024];
    snprintf(rel, sizeof rel, "fuzz-regressions/model/%s", cases[i].file);
    size_t n = 0;
    char *d = slurp(t_testdata(rel), &n);
    CHECK(d != NULL && n > 28);
    if (!d || n <= 28) continue;
    uint64_t body = n - 28;
    memcpy(d + 16, &body, 8);
    uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), (const Bytef *)d, (uInt)(n - 4));
    memcpy(d + n - 4, &crc, 4);
    const char *path = tmp("finding.vfl");
    spill(path, d, n);
    snprintf(msg, sizeof msg, "\"%s\": %s", path, cases[i].message);
    vfl_net *net = NULL;
    CHECK_ERR(vfl_model_load(path, &net), VFL_EFORMAT, msg);
    free(d);
  }
}

int main(void) {
  wrong_kind_of_file();
  empty_files();
  long_lines();
  predict_values();
  labels();
  graphs();
  prior_parent();
  model_findings();
  return t_done("test_bad_input");
}
