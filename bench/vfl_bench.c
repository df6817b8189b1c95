/*
** vfl_bench.c -- the performance benchmark of docs/performance.md.
**
** Generates the data of PERFORMANCE.md (bench/gen.h), then for jobs 1-3
** trains with the engine on 1 thread and on every core, and runs in the same
** process, on the same in-memory rows, the simplest hand-written C loop doing
** the same arithmetic ("the reference": the speed the memory system allows).
** Runs are interleaved (reference, 1 thread, N threads, again ...) and the
** best of the repetitions counts, so that a noisy neighbour hurts all of
** them alike. It also times vfl_read_libsvm on the generated data written as
** a libsvm file (from the page cache).
**
** Every timed run trains a fresh model for 1 + E epochs; the first epoch
** warms up (page faults, optimizer state) and the fastest of the last E
** counts (the machine is shared: the minimum is the least disturbed).
**
** Prints a markdown table and writes the same rows as CSV. `--help` lists
** the options.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "dataset.h" /* the rows' CSR arrays, read directly by the reference loops */
#include "gen.h"
#include "vfl.h"

/* ------------------------------------------------------------ utilities */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what) {
  fprintf(stderr, "vfl_bench: %s: %s\n", what, vfl_last_error());
  exit(1);
}

/* Peak resident memory: reset before a run (Linux: "5" into clear_refs),
** read after it. Without the reset it is the process's peak so far. */
static int hwm_resettable = -1;

static void rss_reset(void) {
  FILE *f = fopen("/proc/self/clear_refs", "w");
  hwm_resettable = f && fputs("5", f) >= 0;
  if (f && fclose(f) != 0) hwm_resettable = 0;
}

static double rss_peak_mib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  double kib = -1;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "VmHWM:", 6)) kib = atof(line + 6);
  if (f) fclose(f);
  if (kib < 0) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    kib = (double)ru.ru_maxrss;
  }
  return kib / 1024.0;
}

static uint64_t xs_state = 0x2545F4914F6CDD1Dull;
static uint64_t xs_next(void) {
  xs_state ^= xs_state << 13;
  xs_state ^= xs_state >> 7;
  xs_state ^= xs_state << 17;
  return xs_state;
}

/* ------------------------------------------------------------- options */

typedef struct config {
  gen_options gen;
  size_t test_rows;
  uint32_t epochs;      /* timed epochs, after one warm-up epoch */
  uint32_t reps;        /* interleaved repetitions; the best counts */
  uint32_t threads;     /* "every core" */
  uint32_t batch;
  uint32_t hidden;      /* job 2 width */
  uint32_t classes;     /* job 3 classes */
  float lr;
  int jobs[4];          /* jobs[1..3] selected */
  int parse;
  int ref;              /* run the reference loops */
  const char *csv;
  const char *svm;
} config;

static void usage(void) {
  printf(
      "usage: vfl_bench [options]\n"
      "  --rows N        training rows (default 1000000)\n"
      "  --test-rows N   held-out rows for the test metric (default 100000)\n"
      "  --epochs E      timed epochs per run, after 1 warm-up epoch (default 2)\n"
      "  --reps R        interleaved repetitions, best counts (default 2)\n"
      "  --threads N     \"every core\" (default: online CPUs)\n"
      "  --batch B       mini-batch size for the engine (default 1: per example)\n"
      "  --hidden H      job 2 hidden width (default 64)\n"
      "  --jobs LIST     e.g. 1,3 (default 1,2,3)\n"
      "  --lr X          AdaGrad learning rate (default 0.1)\n"
      "  --zipf S        feature popularity exponent (default 1.0)\n"
      "  --seed S        data seed (default 1)\n"
      "  --no-parse      skip the libsvm parse timing\n"
      "  --no-ref        skip the reference loops\n"
      "  --svm PATH      where to write the libsvm file for parsing (default /tmp/vfl_bench_PID.svm, removed)\n"
      "  --csv PATH      CSV output (default bench/results.csv)\n");
}

static void parse_args(config *c, int argc, char **argv) {
  gen_defaults(&c->gen);
  c->test_rows = 100000;
  c->epochs = 2;
  c->reps = 2;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  c->threads = n > 0 ? (uint32_t)n : 1;
  c->batch = 1;
  c->hidden = 64;
  c->classes = 10;
  c->lr = 0.1f;
  c->jobs[1] = c->jobs[2] = c->jobs[3] = 1;
  c->parse = 1;
  c->ref = 1;
  c->csv = "bench/results.csv";
  c->svm = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int has = i + 1 < argc;
#define ARG(name) (!strcmp(a, name) && has && (i++, 1))
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage();
      exit(0);
    } else if (ARG("--rows")) c->gen.rows = strtoull(argv[i], NULL, 10);
    else if (ARG("--test-rows")) c->test_rows = strtoull(argv[i], NULL, 10);
    else if (ARG("--epochs")) c->epochs = (uint32_t)atoi(argv[i]);
    else if (ARG("--reps")) c->reps = (uint32_t)atoi(argv[i]);
    else if (ARG("--threads")) c->threads = (uint32_t)atoi(argv[i]);
    else if (ARG("--batch")) c->batch = (uint32_t)atoi(argv[i]);
    else if (ARG("--hidden")) c->hidden = (uint32_t)atoi(argv[i]);
    else if (ARG("--lr")) c->lr = (float)atof(argv[i]);
    else if (ARG("--zipf")) c->gen.zipf = atof(argv[i]);
    else if (ARG("--seed")) c->gen.seed = strtoull(argv[i], NULL, 10);
    else if (ARG("--csv")) c->csv = argv[i];
    else if (ARG("--svm")) c->svm = argv[i];
    else if (ARG("--jobs")) {
      c->jobs[1] = c->jobs[2] = c->jobs[3] = 0;
      for (const char *p = argv[i]; *p; p++)
        if (*p >= '1' && *p <= '3') c->jobs[*p - '0'] = 1;
    } else if (!strcmp(a, "--no-parse")) c->parse = 0;
    else if (!strcmp(a, "--no-ref")) c->ref = 0;
    else {
      usage();
      exit(2);
    }
#undef ARG
  }
  if (c->epochs < 1) c->epochs = 1;
  if (c->reps < 1) c->reps = 1;
  if (c->threads < 1) c->threads = 1;
  if (c->hidden < 1) c->hidden = 1;
}

/* ------------------------------------------------------------- results */

typedef struct result {
  char job[48];
  char engine[40];
  uint32_t threads, batch, epochs;
  double epoch_s;       /* best seconds per epoch */
  double examples_s, ns_nnz;
  double rss_mib;
  const char *metric_name;
  double metric;
  double vs_ref;        /* epoch time / the reference's (NaN: none) */
  double speedup;       /* 1-thread epoch time / this one (NaN: n/a) */
  double mb_s;          /* parsing only */
} result;

static result results[64];
static int n_results;

static result *add_result(const char *job, const char *engine) {
  result *r = &results[n_results++];
  memset(r, 0, sizeof *r);
  snprintf(r->job, sizeof r->job, "%s", job);
  snprintf(r->engine, sizeof r->engine, "%s", engine);
  r->vs_ref = r->speedup = r->mb_s = r->metric = NAN;
  r->metric_name = "";
  return r;
}

static void fill_speed(result *r, double epoch_s, const vfl_dataset *ds) {
  r->epoch_s = epoch_s;
  r->examples_s = (double)vfl_dataset_rows(ds) / epoch_s;
  r->ns_nnz = epoch_s * 1e9 / (double)vfl_dataset_nnz(ds);
}

/* --------------------------------------------------------- the data */

typedef struct data {
  const vfl_dataset *ds;
  const uint64_t *start;
  const uint32_t *index;
  const float *labels;
  size_t rows;
  uint32_t dim;
} data;

static data data_of(const vfl_dataset *ds) {
  const ds_input *in = &ds->inputs[0];
  if (in->value || ds->n_labels != 1) {
    fprintf(stderr, "vfl_bench: the reference loops expect indicator rows with one label\n");
    exit(1);
  }
  data d = {ds, in->start, in->index, ds->labels, ds->rows, in->dim};
  return d;
}

/* The reference loops' epoch order: a Fisher-Yates shuffle, as the trainer
** makes (its cost is inside both timings). */
static void shuffle(uint32_t *order, size_t n) {
  for (size_t i = 0; i < n; i++) order[i] = (uint32_t)i;
  for (size_t i = n; i > 1; i--) {
    size_t j = (size_t)(((unsigned __int128)xs_next() * i) >> 64);
    uint32_t t = order[i - 1];
    order[i - 1] = order[j];
    order[j] = t;
  }
}

static float uniform_pm(float scale) { return (float)((double)(xs_next() >> 11) * 0x1.0p-53 * 2 - 1) * scale; }

/* ------------------------------------------------ reference loops */

#define EPS 1e-8f

/* Job 1: logistic regression (with a bias), AdaGrad, one example at a time:
** gather-dot, sigmoid, scatter-update of weight and accumulator. */
typedef struct ref1 {
  float *w, *g2;
  float b, gb;
} ref1;

static void ref1_epoch(ref1 *m, const data *d, const uint32_t *order, float lr) {
  float *restrict w = m->w, *restrict g2 = m->g2;
  for (size_t k = 0; k < d->rows; k++) {
    size_t r = order[k];
    const uint32_t *ix = d->index + d->start[r];
    uint32_t n = (uint32_t)(d->start[r + 1] - d->start[r]);
    float z = m->b;
    for (uint32_t j = 0; j < n; j++) z += w[ix[j]];
    float g = 1.0f / (1.0f + expf(-z)) - (d->labels[r] > 0 ? 1.0f : 0.0f);
    float gg = g * g;
    for (uint32_t j = 0; j < n; j++) {
      uint32_t f = ix[j];
      g2[f] += gg;
      w[f] -= lr * g / (sqrtf(g2[f]) + EPS);
    }
    m->gb += gg;
    m->b -= lr * g / (sqrtf(m->gb) + EPS);
  }
}

static float ref1_score(const ref1 *m, const data *d, size_t r) {
  float z = m->b;
  for (uint64_t j = d->start[r]; j < d->start[r + 1]; j++) z += m->w[d->index[j]];
  return z;
}

/* Job 2: sparse -> Linear(h) -> ReLU -> Linear(1), logistic, AdaGrad
** everywhere, one example at a time. W1 is feature-major (a row of h floats
** per feature), its accumulator a separate array of the same shape. */
typedef struct ref2 {
  uint32_t h;
  float *w1, *g1;         /* dim x h */
  float *b1, *gb1;        /* h */
  float *w2, *g2;         /* h */
  float b2, gb2;
  float *hid, *act, *dh;  /* h: per-example buffers */
} ref2;

static float ref2_forward(ref2 *m, const data *d, size_t r) {
  uint32_t h = m->h;
  float *restrict hid = m->hid;
  for (uint32_t k = 0; k < h; k++) hid[k] = m->b1[k];
  for (uint64_t j = d->start[r]; j < d->start[r + 1]; j++) {
    const float *restrict row = m->w1 + (size_t)d->index[j] * h;
    for (uint32_t k = 0; k < h; k++) hid[k] += row[k];
  }
  float z = m->b2;
  for (uint32_t k = 0; k < h; k++) {
    m->act[k] = hid[k] > 0 ? hid[k] : 0.0f;
    z += m->w2[k] * m->act[k];
  }
  return z;
}

static void ref2_epoch(ref2 *m, const data *d, const uint32_t *order, float lr) {
  uint32_t h = m->h;
  float *restrict dh = m->dh, *restrict act = m->act, *restrict hid = m->hid;
  float *restrict w2 = m->w2, *restrict g2 = m->g2, *restrict b1 = m->b1, *restrict gb1 = m->gb1;
  for (size_t k = 0; k < d->rows; k++) {
    size_t r = order[k];
    float z = ref2_forward(m, d, r);
    float g = 1.0f / (1.0f + expf(-z)) - (d->labels[r] > 0 ? 1.0f : 0.0f);
    for (uint32_t c = 0; c < h; c++) {
      dh[c] = hid[c] > 0 ? g * w2[c] : 0.0f; /* through the output weights before they move */
      float gw = g * act[c];
      g2[c] += gw * gw;
      w2[c] -= lr * gw / (sqrtf(g2[c]) + EPS);
    }
    m->gb2 += g * g;
    m->b2 -= lr * g / (sqrtf(m->gb2) + EPS);
    for (uint32_t c = 0; c < h; c++) {
      gb1[c] += dh[c] * dh[c];
      b1[c] -= lr * dh[c] / (sqrtf(gb1[c]) + EPS);
    }
    for (uint64_t j = d->start[r]; j < d->start[r + 1]; j++) {
      size_t off = (size_t)d->index[j] * h;
      float *restrict w = m->w1 + off, *restrict s = m->g1 + off;
      for (uint32_t c = 0; c < h; c++) {
        s[c] += dh[c] * dh[c];
        w[c] -= lr * dh[c] / (sqrtf(s[c]) + EPS);
      }
    }
  }
}

/* Job 3: sparse -> Linear(K) (with a bias), softmax cross-entropy, AdaGrad,
** one example at a time. */
typedef struct ref3 {
  uint32_t k;
  float *w, *g2;          /* dim x k */
  float *b, *gb;          /* k */
  float *z, *dz;
} ref3;

static void ref3_forward(ref3 *m, const data *d, size_t r) {
  uint32_t K = m->k;
  float *restrict z = m->z;
  for (uint32_t c = 0; c < K; c++) z[c] = m->b[c];
  for (uint64_t j = d->start[r]; j < d->start[r + 1]; j++) {
    const float *restrict row = m->w + (size_t)d->index[j] * K;
    for (uint32_t c = 0; c < K; c++) z[c] += row[c];
  }
}

static void ref3_epoch(ref3 *m, const data *d, const uint32_t *order, float lr) {
  uint32_t K = m->k;
  float *restrict z = m->z, *restrict dz = m->dz;
  for (size_t k = 0; k < d->rows; k++) {
    size_t r = order[k];
    ref3_forward(m, d, r);
    float top = z[0], sum = 0;
    for (uint32_t c = 1; c < K; c++) top = z[c] > top ? z[c] : top;
    for (uint32_t c = 0; c < K; c++) sum += dz[c] = expf(z[c] - top);
    uint32_t y = (uint32_t)d->labels[r];
    for (uint32_t c = 0; c < K; c++) dz[c] = dz[c] / sum - (c == y ? 1.0f : 0.0f);
    for (uint32_t c = 0; c < K; c++) {
      m->gb[c] += dz[c] * dz[c];
      m->b[c] -= lr * dz[c] / (sqrtf(m->gb[c]) + EPS);
    }
    for (uint64_t j = d->start[r]; j < d->start[r + 1]; j++) {
      size_t off = (size_t)d->index[j] * K;
      float *restrict w = m->w + off, *restrict s = m->g2 + off;
      for (uint32_t c = 0; c < K; c++) {
        s[c] += dz[c] * dz[c];
        w[c] -= lr * dz[c] / (sqrtf(s[c]) + EPS);
      }
    }
  }
}

/* Runs a reference for 1 + epochs epochs; returns its fastest timed epoch,
** and its test metric. */
static double run_reference(int job, const config *c, const data *train, const data *test, double *metric,
                            double *rss) {
  rss_reset();
  uint32_t *order = malloc(train->rows * sizeof *order);
  size_t dim = train->dim;
  ref1 m1 = {0};
  ref2 m2 = {0};
  ref3 m3 = {0};
  float inv = 1.0f / sqrtf((float)dim);
  if (job == 1) {
    m1.w = calloc(dim, sizeof(float));
    m1.g2 = calloc(dim, sizeof(float));
    for (size_t i = 0; i < dim; i++) m1.w[i] = uniform_pm(inv);
  } else if (job == 2) {
    uint32_t h = m2.h = c->hidden;
    m2.w1 = malloc(dim * h * sizeof(float));
    m2.g1 = calloc(dim * h, sizeof(float));
    for (size_t i = 0; i < dim * h; i++) m2.w1[i] = uniform_pm(inv);
    m2.b1 = calloc(h, sizeof(float));
    m2.gb1 = calloc(h, sizeof(float));
    m2.w2 = calloc(h, sizeof(float));
    m2.g2 = calloc(h, sizeof(float));
    for (uint32_t i = 0; i < h; i++) m2.w2[i] = uniform_pm(1.0f / sqrtf((float)h));
    m2.hid = calloc(h, sizeof(float));
    m2.act = calloc(h, sizeof(float));
    m2.dh = calloc(h, sizeof(float));
  } else {
    uint32_t K = m3.k = c->classes;
    m3.w = malloc(dim * K * sizeof(float));
    m3.g2 = calloc(dim * K, sizeof(float));
    for (size_t i = 0; i < dim * K; i++) m3.w[i] = uniform_pm(inv);
    m3.b = calloc(K, sizeof(float));
    m3.gb = calloc(K, sizeof(float));
    m3.z = calloc(K, sizeof(float));
    m3.dz = calloc(K, sizeof(float));
  }
  double per_epoch = INFINITY;
  for (uint32_t e = 0; e <= c->epochs; e++) {
    double started = now();
    shuffle(order, train->rows);
    if (job == 1) ref1_epoch(&m1, train, order, c->lr);
    else if (job == 2) ref2_epoch(&m2, train, order, c->lr);
    else ref3_epoch(&m3, train, order, c->lr);
    double t = now() - started;
    if (e > 0 && t < per_epoch) per_epoch = t; /* epoch 0 warms up */
  }
  *rss = rss_peak_mib();
  /* the test metric, by the reference's own predictions */
  if (job == 3) {
    size_t right = 0;
    for (size_t r = 0; r < test->rows; r++) {
      ref3_forward(&m3, test, r);
      uint32_t best = 0;
      for (uint32_t k = 1; k < m3.k; k++) best = m3.z[k] > m3.z[best] ? k : best;
      right += best == (uint32_t)test->labels[r];
    }
    *metric = (double)right / (double)test->rows;
  } else {
    float *score = malloc(test->rows * sizeof *score);
    for (size_t r = 0; r < test->rows; r++) score[r] = job == 1 ? ref1_score(&m1, test, r) : ref2_forward(&m2, test, r);
    *metric = vfl_metrics_auc(score, test->labels, test->rows);
    free(score);
  }
  free(order);
  free(m1.w), free(m1.g2);
  free(m2.w1), free(m2.g1), free(m2.b1), free(m2.gb1), free(m2.w2), free(m2.g2), free(m2.hid), free(m2.act),
      free(m2.dh);
  free(m3.w), free(m3.g2), free(m3.b), free(m3.gb), free(m3.z), free(m3.dz);
  return per_epoch;
}

/* ---------------------------------------------------------- the engine */

typedef struct clock_log {
  double t[256];
  uint32_t n;
} clock_log;

static int on_epoch(void *ud, const vfl_progress *p) {
  (void)p;
  clock_log *c = ud;
  if (c->n < 256) c->t[c->n++] = now();
  return 0;
}

static vfl_net *job_net(int job, const config *c, uint32_t dim) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = dim};
  vfl_layer_spec hid = {.kind = VFL_LAYER_LINEAR, .dim = c->hidden, .intercept = 1};
  vfl_layer_spec relu = {.kind = VFL_LAYER_RELU};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = job == 3 ? c->classes : 1, .intercept = 1};
  if (!net || vfl_net_stack(net, "x", &in)) die("net");
  if (job == 2 && (vfl_net_stack(net, "hidden", &hid) || vfl_net_stack(net, "relu", &relu))) die("net");
  if (vfl_net_stack(net, "out", &out) || vfl_net_init(net, -1, 42)) die("net");
  return net;
}

static double run_engine(int job, const config *c, const vfl_dataset *train, const vfl_dataset *test,
                         uint32_t threads, double *metric, double *rss) {
  rss_reset();
  vfl_net *net = job_net(job, c, vfl_dataset_input_dim(train, 0));
  vfl_train_options o;
  vfl_train_defaults(&o);
  clock_log log = {.n = 0};
  o.epochs = 1 + c->epochs;
  o.batch = c->batch;
  o.threads = threads;
  o.seed = 7;
  o.shuffle = 1;
  o.optim.kind = VFL_OPTIM_ADAGRAD;
  o.optim.lr = c->lr;
  o.on_epoch = on_epoch;
  o.epoch_ud = &log;
  vfl_loss_spec loss = {job == 3 ? VFL_LOSS_MULTINOMIAL : VFL_LOSS_LOGISTIC, NULL, NULL};
  if (vfl_net_learn(net, train, &loss, &o)) die("learn");
  *rss = rss_peak_mib();
  vfl_metrics m;
  if (vfl_metrics_eval(net, test, &m)) die("metrics");
  *metric = job == 3 ? m.accuracy : m.auc;
  vfl_net_free(net);
  double best = INFINITY; /* epoch 1 warms up */
  for (uint32_t i = 1; i < log.n; i++)
    if (log.t[i] - log.t[i - 1] < best) best = log.t[i] - log.t[i - 1];
  return best;
}

static const char *job_title(int job, const config *c, char *buf, size_t n) {
  if (job == 1) snprintf(buf, n, "1: logistic regression");
  else if (job == 2) snprintf(buf, n, "2: MLP %u-ReLU-1", c->hidden);
  else snprintf(buf, n, "3: multinomial, %u classes", c->classes);
  return buf;
}

static void run_job(int job, const config *c, const vfl_dataset *train, const vfl_dataset *test) {
  data dtrain = data_of(train), dtest = data_of(test);
  int nvar = c->threads > 1 ? 3 : 2;
  double best[3] = {INFINITY, INFINITY, INFINITY}, metric[3] = {NAN, NAN, NAN}, rss[3] = {0, 0, 0};
  uint32_t thr[3] = {1, 1, c->threads};
  for (uint32_t rep = 0; rep < c->reps; rep++) {
    for (int v = c->ref ? 0 : 1; v < nvar; v++) {
      double t = v == 0 ? run_reference(job, c, &dtrain, &dtest, &metric[v], &rss[v])
                        : run_engine(job, c, train, test, thr[v], &metric[v], &rss[v]);
      fprintf(stderr, "  job %d %s threads %u rep %u: %.3f s per epoch\n", job, v ? "vfl" : "reference", thr[v], rep + 1,
              t);
      if (t < best[v]) best[v] = t;
    }
  }
  char title[48];
  job_title(job, c, title, sizeof title);
  for (int v = c->ref ? 0 : 1; v < nvar; v++) {
    result *r = add_result(title, v ? "vfl" : "reference loop");
    r->threads = thr[v];
    r->batch = v ? c->batch : 1;
    r->epochs = c->epochs;
    fill_speed(r, best[v], train);
    r->rss_mib = rss[v];
    r->metric_name = job == 3 ? "accuracy" : "AUC";
    r->metric = metric[v];
    if (v && c->ref) r->vs_ref = best[v] / best[0];
    if (v) r->speedup = best[1] / best[v];
  }
}

/* ------------------------------------------------------------ parsing */

static void run_parse(const config *c, const vfl_dataset *train) {
  char tmp[256];
  const char *path = c->svm;
  if (!path) {
    snprintf(tmp, sizeof tmp, "/tmp/vfl_bench_%ld.svm", (long)getpid());
    path = tmp;
  }
  size_t bytes = 0;
  if (gen_write_libsvm(train, path, &bytes)) {
    perror(path);
    exit(1);
  }
  vfl_libsvm_options o = {.dim = vfl_dataset_input_dim(train, 0)};
  double best = INFINITY, rss = 0;
  size_t rows = 0, nnz = 0;
  for (uint32_t pass = 0; pass <= 2; pass++) { /* pass 0 warms the page cache */
    rss_reset();
    vfl_dataset *ds;
    double t0 = now();
    if (vfl_read_libsvm(path, &o, &ds)) die(path);
    double t = now() - t0;
    rss = rss_peak_mib();
    rows = vfl_dataset_rows(ds);
    nnz = vfl_dataset_nnz(ds);
    vfl_dataset_free(ds);
    fprintf(stderr, "  parse pass %u: %.3f s\n", pass, t);
    if (pass && t < best) best = t;
  }
  if (!c->svm) remove(path);
  result *r = add_result("parse libsvm", "vfl_read_libsvm");
  r->threads = 1;
  r->examples_s = (double)rows / best;
  r->ns_nnz = best * 1e9 / (double)nnz;
  r->rss_mib = rss;
  r->mb_s = (double)bytes / 1e6 / best;
  r->metric_name = "";
}

/* ------------------------------------------------------------- output */

static void fmt(char *buf, size_t n, const char *f, double v) {
  if (isnan(v)) snprintf(buf, n, "-");
  else snprintf(buf, n, f, v);
}

static void print_table(FILE *out) {
  fprintf(out, "| job | engine | threads | batch | examples/s | ns/nnz/epoch | peak RSS MiB | test metric | x reference | speed-up | MB/s |\n");
  fprintf(out, "|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|\n");
  for (int i = 0; i < n_results; i++) {
    const result *r = &results[i];
    char metric[32], ratio[16], speed[16], mb[16], batch[16];
    if (isnan(r->metric)) snprintf(metric, sizeof metric, "-");
    else snprintf(metric, sizeof metric, "%s %.4f", r->metric_name, r->metric);
    fmt(ratio, sizeof ratio, "%.2f", r->vs_ref);
    fmt(speed, sizeof speed, "%.2fx", r->speedup);
    fmt(mb, sizeof mb, "%.0f", r->mb_s);
    if (r->batch) snprintf(batch, sizeof batch, "%u", r->batch);
    else snprintf(batch, sizeof batch, "-");
    fprintf(out, "| %s | %s | %u | %s | %.3g | %.2f | %.0f | %s | %s | %s | %s |\n", r->job, r->engine, r->threads, batch,
            r->examples_s, r->ns_nnz, r->rss_mib, metric, ratio, speed, mb);
  }
}

static void write_csv(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    return;
  }
  fprintf(f, "job,engine,threads,batch,epochs,seconds_per_epoch,examples_per_s,ns_per_nnz_epoch,peak_rss_mib,metric_name,"
             "metric,ratio_to_reference,speedup_vs_1_thread,mb_per_s\n");
  for (int i = 0; i < n_results; i++) {
    const result *r = &results[i];
    fprintf(f, "\"%s\",%s,%u,%u,%u,%.6f,%.1f,%.3f,%.1f,%s,%.5f,%.4f,%.4f,%.1f\n", r->job, r->engine, r->threads, r->batch,
            r->epochs, r->epoch_s, r->examples_s, r->ns_nnz, r->rss_mib, r->metric_name, r->metric, r->vs_ref,
            r->speedup, r->mb_s);
  }
  fclose(f);
}

int main(int argc, char **argv) {
  config c;
  parse_args(&c, argc, argv);
  double t0 = now();
  gen_options g = c.gen;
  gen_options gt = g;
  gt.rows = c.test_rows;
  vfl_dataset *train2 = NULL, *test2 = NULL, *train10 = NULL, *test10 = NULL;
  if (c.jobs[1] || c.jobs[2] || c.parse) {
    if (gen_dataset(&g, 0, &train2) || gen_dataset(&gt, 1, &test2)) die("generate");
  }
  if (c.jobs[3]) {
    g.classes = gt.classes = c.classes;
    if (gen_dataset(&g, 0, &train10) || gen_dataset(&gt, 1, &test10)) die("generate");
  }
  const vfl_dataset *any = train2 ? train2 : train10;
  size_t rows = vfl_dataset_rows(any), nnz = vfl_dataset_nnz(any);
  double positives = 0;
  if (train2)
    for (size_t i = 0; i < rows; i++) positives += train2->labels[i] > 0;
  fprintf(stderr, "generated in %.1f s\n", now() - t0);

  printf("## vfl_bench\n\n");
  printf("Data: %zu training rows, %zu test rows, 2^%u features, %.1f non-zeros per row (indicator values), Zipf "
         "exponent %.2f, seed %llu%s; binary labels %.1f%% positive.\n",
         rows, c.test_rows, c.gen.dim_bits, (double)nnz / (double)rows, c.gen.zipf, (unsigned long long)c.gen.seed,
         rows != 1000000 ? " (PERFORMANCE.md's jobs use 1,000,000 rows: this run uses fewer or more)" : "",
         train2 ? 100.0 * positives / (double)rows : NAN);
  printf("Dataset memory: %.2f bytes per non-zero (%.1f MiB).\n", (double)vfl_dataset_bytes(any) / (double)nnz,
         (double)vfl_dataset_bytes(any) / 1048576.0);
  printf("Each run: a fresh model, 1 warm-up epoch + %u timed epoch%s; the fastest epoch of %u interleaved repetition%s counts; AdaGrad lr "
         "%g; shuffled every epoch; %u core%s online.\n\n",
         c.epochs, c.epochs > 1 ? "s" : "", c.reps, c.reps > 1 ? "s" : "", (double)c.lr, c.threads,
         c.threads > 1 ? "s" : "");
  fflush(stdout);

  for (int job = 1; job <= 3; job++) {
    if (!c.jobs[job]) continue;
    if (job == 3) run_job(job, &c, train10, test10);
    else run_job(job, &c, train2, test2);
  }
  if (c.parse) run_parse(&c, train2);

  print_table(stdout);
  printf("\nx reference: the engine's time per epoch over the reference loop's (1 thread); speed-up: over the engine "
         "on 1 thread. Whole run: %.0f s.\n",
         now() - t0);
  write_csv(c.csv);
  printf("CSV: %s\n", c.csv);
  vfl_dataset_free(train2);
  vfl_dataset_free(test2);
  vfl_dataset_free(train10);
  vfl_dataset_free(test10);
  return 0;
}
