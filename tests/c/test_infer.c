/*
** test_infer.c -- the C inference API: the version-3 text model
** (tests/data/models/v3-text.vflmodel) predicts through vfl_model_* what
** the Lua build that wrote it predicted (v3-text.predictions), several
** threads predicting at once with their own scratch get exactly the
** single-threaded answers (with the shipped model and a q8 copy of it),
** a CSV table model predicts from fields by column name, words (character
** n-grams) and VW models featurize as their featurizer does, and the errors
** are named.
*/
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vfl.h"

/* Each line: text, then a tab and "class probability(%a)" per class. */
static void predicts_as_written(void) {
  vfl_model *m = NULL;
  CHECK_OK(vfl_model_open(t_testdata("models/v3-text.vflmodel"), &m));
  FILE *f = fopen(t_testdata("models/v3-text.predictions"), "r");
  CHECK(f && m);
  if (!f || !m) return;
  CHECK(vfl_model_classes(m) == 3);
  CHECK(vfl_model_class_name(m, 3) == NULL);
  char line[1024];
  int lines = 0;
  vfl_scratch *s = NULL;
  CHECK_OK(vfl_scratch_new(m, &s));
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    char *tab = strchr(line, '\t');
    CHECK(tab != NULL);
    if (!tab) break;
    *tab = '\0';
    uint32_t cls[3];
    float p[3];
    CHECK(vfl_model_predict_text(m, s, line, 3, cls, p) == 3);
    char *field = tab + 1;
    for (int j = 0; j < 3; j++) {
      char name[64];
      double expected;
      CHECK(sscanf(field, "%63s %la", name, &expected) == 2);
      CHECK(strcmp(vfl_model_class_name(m, cls[j]), name) == 0);
      CHECK_NEAR(p[j], expected, 1e-6);
      field = strchr(field, '\t');
      field = field ? field + 1 : "";
    }
    /* the one best, with no scratch of the caller's */
    uint32_t best;
    float pb;
    CHECK(vfl_model_predict_text(m, NULL, line, 1, &best, &pb) == 1);
    CHECK(best == cls[0] && pb == p[0]);
    lines++;
  }
  CHECK(lines == 4);
  fclose(f);
  vfl_scratch_free(s);
  vfl_model_free(m);
}

/* Features in, classes out: vfl_model_featurize then vfl_model_predict_row
** gives what the text call gives. */
static void featurize_then_predict(void) {
  vfl_model *m = NULL;
  vfl_scratch *s = NULL;
  CHECK_OK(vfl_model_open(t_testdata("models/v3-text.vflmodel"), &m));
  if (!m) return;
  CHECK_OK(vfl_scratch_new(m, &s));
  const char *text = "The Shuttle reached ORBIT the shuttle";
  vfl_features x;
  CHECK_OK(vfl_model_featurize(m, s, text, strlen(text), &x));
  CHECK(x.n > 0 && x.n < 20);
  for (uint32_t i = 1; i < x.n; i++) CHECK(x.index[i - 1] < x.index[i]);
  uint32_t a[3], b[3];
  float pa[3], pb[3];
  CHECK(vfl_model_predict_row(m, s, &x, 1, 5, a, pa) == 3); /* k beyond the classes: every class */
  CHECK(vfl_model_predict_text(m, s, text, 3, b, pb) == 3);
  CHECK(memcmp(a, b, sizeof a) == 0 && memcmp(pa, pb, sizeof pa) == 0);
  CHECK(fabsf(pa[0] + pa[1] + pa[2] - 1) < 1e-5f);
  vfl_scratch_free(s);
  vfl_model_free(m);
}

/* A model of featurizer f on 64 sparse features, saved and opened. */
static vfl_model *model_with(const vfl_featurizer *f, const char *file) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 64};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 2, .intercept = 1};
  CHECK_OK(vfl_net_stack(net, "x", &in));
  CHECK_OK(vfl_net_stack(net, "out", &out));
  CHECK_OK(vfl_net_init(net, -1, 7));
  vfl_net_set_link(net, VFL_LINK_SOFTMAX);
  CHECK_OK(vfl_net_set_featurizer(net, f));
  CHECK_OK(vfl_model_save(net, t_tmp_path(file)));
  vfl_net_free(net);
  vfl_model *m = NULL;
  CHECK_OK(vfl_model_open(t_tmp_path(file), &m));
  return m;
}

/* The C API featurizes as the featurizer does (vfl_featurize_text): a
** words model's character n-grams, a VW model's namespaces and values. */
static void featurizes_as_trained(void) {
  static const char *const classes[] = {"no", "yes"};
  vfl_featurizer words = {.kind = VFL_FEATURIZE_WORDS, .bits = 6, .ngrams = 1, .minn = 2, .maxn = 3,
                          .label_prefix = "__label__", .n_classes = 2, .classes = classes};
  vfl_featurizer vw = {.kind = VFL_FEATURIZE_VW, .bits = 6, .ngrams = 1, .n_classes = 2, .classes = classes};
  const vfl_featurizer *fs[] = {&words, &vw};
  const char *texts[] = {"shuttle", "1 |a x:2 y |b z"}, *files[] = {"chargrams.vfl", "vw.vfl"};
  /* the values add up to: the word and the 8 + 7 character 2- and 3-grams of "<shuttle>" (ids that
  ** collide add up); x:2, y and z */
  const float total[] = {1 + 8 + 7, 4};
  for (int k = 0; k < 2; k++) {
    vfl_model *m = model_with(fs[k], files[k]);
    if (!m) continue;
    vfl_scratch *s = NULL;
    CHECK_OK(vfl_scratch_new(m, &s));
    vfl_features x;
    CHECK_OK(vfl_model_featurize(m, s, texts[k], strlen(texts[k]), &x));
    vfl_feature_buf b = {0};
    CHECK_OK(vfl_featurize_text(fs[k], texts[k], strlen(texts[k]), &b));
    CHECK(x.n == b.n && b.n > 0);
    float sum = 0;
    for (uint32_t i = 0; i < x.n && x.n == b.n; i++) {
      CHECK(x.index[i] == b.index[i] && x.value[i] == b.value[i]);
      sum += x.value[i];
    }
    CHECK(sum == total[k] && x.n > 2);
    uint32_t c;
    float p;
    CHECK(vfl_model_predict_text(m, s, texts[k], 1, &c, &p) == 1);
    vfl_feature_buf_free(&b);
    vfl_scratch_free(s);
    vfl_model_free(m);
  }
}

static void errors_named(void) {
  vfl_model *m = NULL;
  char msg[1024];
  snprintf(msg, sizeof msg, "cannot open \"%s\": No such file or directory", t_tmp_path("missing.vfl"));
  CHECK_ERR(vfl_model_open(t_tmp_path("missing.vfl"), &m), VFL_EIO, msg);
  CHECK(m == NULL);
  CHECK_OK(vfl_model_open(t_testdata("models/v1-legacy.vflmodel"), &m)); /* no featurizer, three inputs */
  if (!m) return;
  uint32_t c[3];
  float p[3];
  CHECK_ERR(vfl_model_predict_text(m, NULL, "words", 3, c, p), VFL_EINVAL,
            "featurize: the model has no text featurizer, so it cannot read raw text");
  CHECK(vfl_model_class_name(m, 0) == NULL);
  vfl_features one = {0, NULL, NULL};
  CHECK_ERR(vfl_model_predict_row(m, NULL, &one, 1, 3, c, p), VFL_EINVAL, "forward: the net has 3 inputs, 1 given");
  vfl_model_free(m);
}

/* ------------------------------------------------------------ table model */

/* A CSV of 60 rows where the city tells the class (Oslo: north, Rome:
** south, Lima: west) and age is noise; read with its TABLE featurizer,
** trained, saved and opened as a model, it predicts from fields by name. */
static const char *table_model(void) {
  static char csv[4096];
  static const char *const city[] = {"Oslo", "Rome", "Lima"}, *const label[] = {"north", "south", "west"};
  size_t at = (size_t)snprintf(csv, sizeof csv, "y,age,city\n");
  for (int i = 0; i < 60; i++)
    at += (size_t)snprintf(csv + at, sizeof csv - at, "%s,%d,%s\n", label[i % 3], 20 + (i * 7) % 50, city[i % 3]);
  static const char *const cats[] = {"city"};
  vfl_csv_options o = {.header = 1, .label_name = "y", .categorical = cats, .n_categorical = 1, .hash_bits = 6};
  vfl_dataset *ds = NULL;
  CHECK_OK(vfl_read_csv_buffer(csv, at, "cities.csv", &o, &ds));
  if (!ds) return NULL;
  const vfl_featurizer *f = vfl_dataset_featurizer(ds);
  CHECK(f && f->kind == VFL_FEATURIZE_TABLE && f->n_classes == 3);
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = vfl_dataset_input_dim(ds, 0)};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = 3, .intercept = 1};
  CHECK_OK(vfl_net_stack(net, "x", &in));
  CHECK_OK(vfl_net_stack(net, "out", &out));
  CHECK_OK(vfl_net_init(net, -1, 3));
  vfl_net_set_link(net, VFL_LINK_SOFTMAX);
  vfl_train_options opt;
  vfl_train_defaults(&opt);
  opt.epochs = 10;
  opt.threads = 1;
  opt.optim = (vfl_optim_spec){.kind = VFL_OPTIM_ADAGRAD, .lr = 0.3f, .eps = 1e-8f};
  vfl_loss_spec loss = {VFL_LOSS_MULTINOMIAL, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, ds, &loss, &opt));
  CHECK_OK(vfl_net_set_featurizer(net, f));
  const char *path = t_tmp_path("cities.vfl");
  CHECK_OK(vfl_model_save(net, path));
  vfl_net_free(net);
  vfl_dataset_free(ds);
  return path;
}

static void predicts_fields(void) {
  const char *path = table_model();
  vfl_model *m = NULL;
  CHECK_OK(vfl_model_open(path, &m));
  if (!m) return;
  vfl_scratch *s = NULL;
  CHECK_OK(vfl_scratch_new(m, &s));
  static const char *const names[] = {"age", "city"};
  static const char *const cities[] = {"Oslo", "Rome", "Lima"}, *const labels[] = {"north", "south", "west"};
  for (int c = 0; c < 3; c++) {
    const char *values[] = {"33", cities[c]};
    uint32_t best, all[3];
    float p, pall[3];
    CHECK(vfl_model_predict_fields(m, s, names, values, 2, 1, &best, &p) == 1);
    CHECK(strcmp(vfl_model_class_name(m, best), labels[c]) == 0);
    CHECK(p > 0.5f);
    /* the same through featurize then predict_row, and with no scratch */
    vfl_features x;
    CHECK_OK(vfl_model_featurize_fields(m, s, names, values, 2, &x));
    CHECK(x.n == 2);
    CHECK(vfl_model_predict_row(m, s, &x, 1, 3, all, pall) == 3);
    CHECK(all[0] == best && pall[0] == p);
    CHECK(vfl_model_predict_fields(m, NULL, names, values, 2, 3, all, pall) == 3);
    CHECK(all[0] == best && pall[0] == p);
  }
  uint32_t c;
  float p;
  const char *bad_name[] = {"town"}, *bad_value[] = {"Oslo"};
  CHECK_ERR(vfl_model_predict_fields(m, s, bad_name, bad_value, 1, 1, &c, &p), VFL_EINVAL,
            "no column is named 'town' (the columns: age, city)");
  const char *age[] = {"age"}, *old[] = {"old"};
  CHECK_ERR(vfl_model_predict_fields(m, s, age, old, 1, 1, &c, &p), VFL_EINVAL,
            "column 'age' is numeric, but its value is \"old\"");
  CHECK_ERR(vfl_model_predict_text(m, s, "Oslo", 1, &c, &p), VFL_EINVAL,
            "featurize: the model has no text featurizer, so it cannot read raw text");
  vfl_scratch_free(s);
  vfl_model_free(m);
  /* a text model refuses fields */
  CHECK_OK(vfl_model_open(t_testdata("models/v3-text.vflmodel"), &m));
  if (!m) return;
  CHECK_ERR(vfl_model_predict_fields(m, NULL, bad_name, bad_value, 1, 1, &c, &p), VFL_EINVAL,
            "featurize: the model has no table featurizer, so it cannot read fields");
  vfl_model_free(m);
}

/* ---------------------------------------------------------------- threads */

enum { THREADS = 4, TEXTS = 240, K = 2 };
static const char *const words[] = {"the", "shuttle", "orbit", "goal", "penalty", "bread", "salt", "coach",
                                    "rocket", "soup", "fans", "planet", "chef", "line", "win", "golden"};
static char texts[TEXTS][128];
static uint32_t solo_class[TEXTS][K];
static float solo_p[TEXTS][K];

/* Prediction t of the K best: text t, or the fields of row t for a table model. */
typedef int (*predict_fn)(const vfl_model *m, vfl_scratch *s, int t, uint32_t *c, float *p);

static int predict_text_t(const vfl_model *m, vfl_scratch *s, int t, uint32_t *c, float *p) {
  return vfl_model_predict_text(m, s, texts[t], K, c, p);
}

static int predict_fields_t(const vfl_model *m, vfl_scratch *s, int t, uint32_t *c, float *p) {
  static const char *const names[] = {"age", "city"}, *const cities[] = {"Oslo", "Rome", "Lima", ""};
  char age[16];
  snprintf(age, sizeof age, "%d", 18 + t % 60);
  const char *values[] = {age, cities[t % 4]};
  return vfl_model_predict_fields(m, s, names, values, 2, K, c, p);
}

typedef struct job {
  const vfl_model *m;
  predict_fn predict;
  int first, failures;
} job;

static void make_texts(void) {
  for (int t = 0; t < TEXTS; t++) {
    texts[t][0] = '\0';
    for (int w = 0; w < 3 + t % 7; w++) {
      strcat(texts[t], words[(t * 7 + w * 3 + w * t) % 16]);
      strcat(texts[t], " ");
    }
  }
}

/* Every text (or row), starting at a different one per thread, three times over. */
static void *predict_all(void *arg) {
  job *j = arg;
  vfl_scratch *s = NULL;
  if (vfl_scratch_new(j->m, &s)) return j->failures = 1, NULL;
  for (int i = 0; i < 3 * TEXTS; i++) {
    int t = (j->first + i) % TEXTS;
    uint32_t c[K];
    float p[K];
    if (j->predict(j->m, s, t, c, p) != K || memcmp(c, solo_class[t], sizeof c) ||
        memcmp(p, solo_p[t], sizeof p))
      j->failures++;
  }
  vfl_scratch_free(s);
  return NULL;
}

static void threads_agree(const char *file, predict_fn predict) {
  vfl_model *m = NULL;
  CHECK_OK(vfl_model_open(file, &m));
  if (!m) return;
  make_texts();
  for (int t = 0; t < TEXTS; t++) CHECK(predict(m, NULL, t, solo_class[t], solo_p[t]) == K);
  pthread_t th[THREADS];
  job jobs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    jobs[i] = (job){m, predict, i * TEXTS / THREADS, 0};
    CHECK(pthread_create(&th[i], NULL, predict_all, &jobs[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    CHECK(jobs[i].failures == 0);
  }
  vfl_model_free(m);
}

int main(void) {
  predicts_as_written();
  featurize_then_predict();
  featurizes_as_trained();
  errors_named();
  predicts_fields();
  threads_agree(t_testdata("models/v3-text.vflmodel"), predict_text_t);
  /* and a q8 copy, as deployed (format 4) */
  vfl_net *net = NULL;
  CHECK_OK(vfl_model_load(t_testdata("models/v3-text.vflmodel"), &net));
  CHECK_OK(vfl_model_save_as(net, t_tmp_path("text-q8.vfl"), VFL_STORE_Q8));
  vfl_net_free(net);
  threads_agree(t_tmp_path("text-q8.vfl"), predict_text_t);
  threads_agree(t_tmp_path("cities.vfl"), predict_fields_t); /* written by predicts_fields */
  return t_done("test_infer");
}
