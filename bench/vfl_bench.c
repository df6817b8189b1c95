/*
** vfl_bench.c -- the performance benchmark of docs/performance.md.
**
** Generates the data of PERFORMANCE.md (bench/gen.h), then for jobs 1-3
** and 5 (a factorization machine on job 1's data) trains with the engine on 1 thread and on every core, and runs in the same
** process, on the same in-memory rows, the simplest hand-written C loop doing
** the same arithmetic ("the reference": the speed the memory system allows).
** The engine's epochs and the reference's alternate (one reference epoch
** runs between two engine epochs, from the trainer's epoch callback), so a
** noisy neighbour hurts both alike, and the fastest epoch of each counts.
** It also times vfl_read_libsvm on the generated rows written as a libsvm
** file (from the page cache).
**
** Every run trains a fresh model for 1 + E epochs; the first epoch warms up
** (page faults, optimizer state) and is not timed.
**
** Prints a markdown table and writes the same rows as CSV. `--help` lists
** the options.
*/
#define _DEFAULT_SOURCE /* madvise */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

#define MAX_MINIBATCHES 3

typedef struct config {
  gen_options gen;
  size_t test_rows;
  uint32_t epochs;      /* timed epochs, after one warm-up epoch */
  uint32_t reps;        /* repetitions of every run; the fastest epoch counts */
  uint32_t threads;     /* "every core" */
  uint32_t batch;
  uint32_t minibatch[MAX_MINIBATCHES]; /* every job again with these batch sizes (0: end) */
  double settle;        /* seconds to idle after generating data (<0: auto) */
  uint32_t hidden;      /* job 2 width */
  uint32_t classes;     /* job 3 classes */
  uint32_t factors;     /* job 5: k of the factorization machine */
  float lr;
  int jobs[6];          /* jobs[1..3] and jobs[5] selected */
  int parse;
  int ref;              /* run the reference loops */
  int first;            /* time a first learn against a second */
  int keep_last_good;   /* the engine's runs with vfl_train_options.keep_last_good */
  int ref_interleaved;  /* their sums of squares next to the weights */
  int ref_huge;         /* their matrices on transparent huge pages */
  const char *csv;
  const char *svm;
} config;

static void usage(void) {
  printf(
      "usage: vfl_bench [options]\n"
      "  --rows N        training rows (default 1000000)\n"
      "  --test-rows N   held-out rows for the test metric (default 100000)\n"
      "  --epochs E      timed epochs per run, after 1 warm-up epoch (default 3; job 1 twice as many)\n"
      "  --reps R        repetitions of every run; the fastest epoch counts (default 1)\n"
      "  --threads N     \"every core\" (default: online CPUs)\n"
      "  --batch B       mini-batch size for the engine (default 1: per example)\n"
      "  --minibatch L   every job also with mini-batches of these sizes (default 32,1000; 0: none)\n"
      "  --settle S      seconds to idle after generating each data set, before any timing (default: 25 when\n"
      "                  the kernel's DAMON runs a pageout scheme, else 0)\n"
      "  --hidden H      job 2 hidden width (default 64)\n"
      "  --jobs LIST     e.g. 1,3 (default 1,2,3; 5: an FM with k = 8 on job 1's data)\n"
      "  --lr X          AdaGrad learning rate (default 0.1)\n"
      "  --zipf S        feature popularity exponent (default 1.0)\n"
      "  --seed S        data seed (default 1)\n"
      "  --values V      ones (default: indicator rows) or real (uniform in (0, 2); implies --no-ref: the\n"
      "                  reference loops read indicator rows)\n"
      "  --no-parse      skip the libsvm parse timing\n"
      "  --no-ref        skip the reference loops\n"
      "  --no-first      skip timing a fresh net's first learn against its second\n"
      "  --keep-last-good  the engine keeps the last good weights (a copy per epoch), as Lua does by default\n"
      "  --ref-layout L  separate (default: sums of squares in their own array) or interleaved (as the engine)\n"
      "  --ref-huge-pages  the reference's matrices on transparent huge pages (madvise), an experiment\n"
      "  --svm PATH      where to write the libsvm file for parsing (default /tmp/vfl_bench_PID.svm, removed)\n"
      "  --csv PATH      CSV output (default bench/results.csv)\n");
}

static void parse_minibatches(config *c, const char *list) {
  memset(c->minibatch, 0, sizeof c->minibatch);
  char *end;
  for (int k = 0; k < MAX_MINIBATCHES && *list; k++, list = *end ? end + 1 : end) {
    c->minibatch[k] = (uint32_t)strtoul(list, &end, 10);
    if (end == list) break;
  }
}

static void parse_args(config *c, int argc, char **argv) {
  gen_defaults(&c->gen);
  c->test_rows = 100000;
  c->epochs = 3;
  c->reps = 1;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  c->threads = n > 0 ? (uint32_t)n : 1;
  c->batch = 1;
  c->minibatch[0] = 32;
  c->minibatch[1] = 1000;
  c->settle = -1;
  c->hidden = 64;
  c->classes = 10;
  c->factors = 8;
  c->lr = 0.1f;
  c->jobs[1] = c->jobs[2] = c->jobs[3] = 1;
  c->parse = 1;
  c->ref = 1;
  c->first = 1;
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
    else if (ARG("--minibatch")) parse_minibatches(c, argv[i]);
    else if (ARG("--settle")) c->settle = atof(argv[i]);
    else if (ARG("--hidden")) c->hidden = (uint32_t)atoi(argv[i]);
    else if (ARG("--lr")) c->lr = (float)atof(argv[i]);
    else if (ARG("--zipf")) c->gen.zipf = atof(argv[i]);
    else if (ARG("--seed")) c->gen.seed = strtoull(argv[i], NULL, 10);
    else if (ARG("--values") && (!strcmp(argv[i], "ones") || !strcmp(argv[i], "real")))
      c->gen.real_values = !strcmp(argv[i], "real");
    else if (ARG("--csv")) c->csv = argv[i];
    else if (ARG("--svm")) c->svm = argv[i];
    else if (ARG("--jobs")) {
      c->jobs[1] = c->jobs[2] = c->jobs[3] = 0;
      for (const char *p = argv[i]; *p; p++)
        if ((*p >= '1' && *p <= '3') || *p == '5') c->jobs[*p - '0'] = 1;
    } else if (!strcmp(a, "--no-parse")) c->parse = 0;
    else if (!strcmp(a, "--no-ref")) c->ref = 0;
    else if (!strcmp(a, "--no-first")) c->first = 0;
    else if (!strcmp(a, "--keep-last-good")) c->keep_last_good = 1;
    else if (ARG("--ref-layout")) c->ref_interleaved = !strcmp(argv[i], "interleaved");
    else if (!strcmp(a, "--ref-huge-pages")) c->ref_huge = 1;
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

static double base_rss; /* the process with its datasets, before any model */

/* Timed epochs: job 1 is cheap, so it gets twice as many chances of a quiet
** epoch on a shared machine. */
static uint32_t job_epochs(int job, const config *c) { return job == 1 ? 2 * c->epochs : c->epochs; }

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
  double cpu_s;         /* fewest CPU seconds in a timed epoch */
  double vs_ref_cpu;    /* cpu_s / the reference's */
  double vs_batch1_cpu; /* cpu_s / the same thread count's batch-1 run's (NaN: none) */
  double cores;         /* CPU seconds per wall second in the timed epoch */
} result;

static result results[64];
static int n_results;

static result *add_result(const char *job, const char *engine) {
  result *r = &results[n_results++];
  memset(r, 0, sizeof *r);
  snprintf(r->job, sizeof r->job, "%s", job);
  snprintf(r->engine, sizeof r->engine, "%s", engine);
  r->vs_ref = r->speedup = r->mb_s = r->metric = r->cores = r->cpu_s = r->vs_ref_cpu = r->vs_batch1_cpu = NAN;
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
  const uint32_t *start;  /* 32-bit row offsets: the bench's data sets hold fewer than 2^32 non-zeros */
  uint32_t *index;        /* the rows' indices, 4 bytes each (a copy: the dataset packs them) */
  const float *labels;
  size_t rows;
  uint32_t dim;
} data;

static data data_of(const vfl_dataset *ds) {
  const ds_input *in = &ds->inputs[0];
  if (in->value || ds->n_labels != 1 || !in->start32) {
    fprintf(stderr, "vfl_bench: the reference loops expect indicator rows with one label\n");
    exit(1);
  }
  data d = {ds, in->start32, malloc((in->nnz ? in->nnz : 1) * sizeof *d.index), ds->labels, ds->rows, in->dim};
  if (!d.index) die("reference data");
  if (in->index3) ds_index3_unpack(in->index3, 0, in->nnz, d.index);
  else memcpy(d.index, in->index, in->nnz * sizeof *d.index);
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

/* The reference loops keep each weight matrix feature-major (a row of
** `cols` floats per feature) and its AdaGrad sums of squares in a separate
** array of the same shape: the simplest layout. With --ref-layout
** interleaved, a feature's sums follow its weights in one array instead (the
** engine's layout): the same loops with a row stride of 2 * cols. */
#define EPS 1e-8f

/* Job 1: logistic regression (with a bias), AdaGrad, one example at a time:
** gather-dot, sigmoid, scatter-update of weight and accumulator. */
typedef struct ref1 {
  float *w, *g2;          /* weight and sum of squares of feature f: w[f * stride], g2[f * stride] */
  float b, gb;
} ref1;

static inline void ref1_loop(ref1 *m, const data *d, const uint32_t *order, float lr, size_t stride) {
  float *w = m->w, *g2 = m->g2;
  for (size_t k = 0; k < d->rows; k++) {
    size_t r = order[k];
    const uint32_t *ix = d->index + d->start[r];
    uint32_t n = (uint32_t)(d->start[r + 1] - d->start[r]);
    float z = m->b;
    for (uint32_t j = 0; j < n; j++) z += w[ix[j] * stride];
    float g = 1.0f / (1.0f + expf(-z)) - (d->labels[r] > 0 ? 1.0f : 0.0f);
    float gg = g * g;
    for (uint32_t j = 0; j < n; j++) {
      size_t f = ix[j] * stride;
      g2[f] += gg;
      w[f] -= lr * g / (sqrtf(g2[f]) + EPS);
    }
    m->gb += gg;
    m->b -= lr * g / (sqrtf(m->gb) + EPS);
  }
}

static void ref1_epoch(ref1 *m, const data *d, const uint32_t *order, float lr, int interleaved) {
  if (interleaved) ref1_loop(m, d, order, lr, 2); /* constants, so that each loop is compiled for its layout */
  else ref1_loop(m, d, order, lr, 1);
}

static float ref1_score(const ref1 *m, const data *d, size_t r, size_t stride) {
  float z = m->b;
  for (uint64_t j = d->start[r]; j < d->start[r + 1]; j++) z += m->w[d->index[j] * stride];
  return z;
}

/* Job 2: sparse -> Linear(h) -> ReLU -> Linear(1), logistic, AdaGrad
** everywhere, one example at a time. */
typedef struct ref2 {
  uint32_t h;
  size_t stride;
  float *w1, *g1;         /* rows of h floats, stride apart */
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
    const float *restrict row = m->w1 + d->index[j] * m->stride;
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
      size_t off = d->index[j] * m->stride;
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
  size_t stride;
  float *w, *g2;          /* rows of K floats, stride apart */
  float *b, *gb;          /* K */
  float *z, *dz;
} ref3;

static void ref3_forward(ref3 *m, const data *d, size_t r) {
  uint32_t K = m->k;
  float *restrict z = m->z;
  for (uint32_t c = 0; c < K; c++) z[c] = m->b[c];
  for (uint64_t j = d->start[r]; j < d->start[r + 1]; j++) {
    const float *restrict row = m->w + d->index[j] * m->stride;
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
      size_t off = d->index[j] * m->stride;
      float *restrict w = m->w + off, *restrict s = m->g2 + off;
      for (uint32_t c = 0; c < K; c++) {
        s[c] += dz[c] * dz[c];
        w[c] -= lr * dz[c] / (sqrtf(s[c]) + EPS);
      }
    }
  }
}

/* Job 5: a factorization machine with the linear term, logistic, AdaGrad,
** one example at a time: y = b + sum_j w_j + sum_{i<j} <v_i, v_j> (indicator
** rows), a feature's row [w, v_1..v_k]; forward sums s_f = sum_j v_jf and
** q_f = sum_j v_jf^2, and feature j's gradient is g [1, s_f - v_jf]. */
typedef struct ref5 {
  uint32_t cols;          /* 1 + k */
  size_t stride;
  float *w, *g2;          /* rows of cols floats, stride apart */
  float b, gb;
  float *s, *q;           /* k: per-example sums */
} ref5;

static float ref5_forward(ref5 *m, const data *d, size_t r) {
  uint32_t k = m->cols - 1;
  float *restrict s = m->s, *restrict q = m->q, z = m->b;
  for (uint32_t f = 0; f < k; f++) s[f] = q[f] = 0.0f;
  for (uint64_t j = d->start[r]; j < d->start[r + 1]; j++) {
    const float *restrict row = m->w + d->index[j] * m->stride;
    z += row[0];
    for (uint32_t f = 0; f < k; f++) {
      s[f] += row[1 + f];
      q[f] += row[1 + f] * row[1 + f];
    }
  }
  float pairs = 0.0f;
  for (uint32_t f = 0; f < k; f++) pairs += s[f] * s[f] - q[f];
  return z + 0.5f * pairs;
}

static void ref5_epoch(ref5 *m, const data *d, const uint32_t *order, float lr) {
  uint32_t k = m->cols - 1;
  const float *restrict s = m->s;
  for (size_t n = 0; n < d->rows; n++) {
    size_t r = order[n];
    float z = ref5_forward(m, d, r);
    float g = 1.0f / (1.0f + expf(-z)) - (d->labels[r] > 0 ? 1.0f : 0.0f);
    m->gb += g * g;
    m->b -= lr * g / (sqrtf(m->gb) + EPS);
    for (uint64_t j = d->start[r]; j < d->start[r + 1]; j++) {
      size_t off = d->index[j] * m->stride;
      float *restrict w = m->w + off, *restrict a = m->g2 + off;
      a[0] += g * g;
      w[0] -= lr * g / (sqrtf(a[0]) + EPS);
      for (uint32_t f = 0; f < k; f++) {
        float gf = g * (s[f] - w[1 + f]);
        a[1 + f] += gf * gf;
        w[1 + f] -= lr * gf / (sqrtf(a[1 + f]) + EPS);
      }
    }
  }
}

/* One reference model of any job, with its epoch order. */
typedef struct ref_model {
  int job, interleaved, huge;
  ref1 m1;
  ref2 m2;
  ref3 m3;
  ref5 m5;
  float *mem, *mem2;      /* the weight matrix, and the separate sums (NULL when interleaved) */
  uint32_t *order;
} ref_model;

/* A dim x cols matrix and its sums: *w and *s point at row 0 of each;
** returns the row stride. */
static float *ref_alloc(size_t n, int huge) {
  if (!huge) return calloc(n, sizeof(float));
  size_t bytes = (n * sizeof(float) + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
  float *p = aligned_alloc(2u << 20, bytes);
  if (p) {
    madvise(p, bytes, MADV_HUGEPAGE);
    memset(p, 0, bytes);
  }
  return p;
}

static size_t ref_matrix(ref_model *m, size_t dim, uint32_t cols, float scale, float **w, float **s) {
  size_t stride = m->interleaved ? 2 * (size_t)cols : cols;
  m->mem = ref_alloc(dim * stride, m->huge);
  m->mem2 = m->interleaved ? NULL : ref_alloc(dim * cols, m->huge);
  *w = m->mem;
  *s = m->interleaved ? m->mem + cols : m->mem2;
  for (size_t f = 0; f < dim; f++)
    for (uint32_t c = 0; c < cols; c++) m->mem[f * stride + c] = uniform_pm(scale);
  return stride;
}

static void ref_init(ref_model *m, int job, const config *c, const data *train) {
  memset(m, 0, sizeof *m);
  m->job = job;
  m->interleaved = c->ref_interleaved;
  m->huge = c->ref_huge;
  m->order = malloc(train->rows * sizeof *m->order);
  size_t dim = train->dim;
  float inv = 1.0f / sqrtf((float)dim); /* the engine's "auto" scale: 1/sqrt(fan-in) */
  if (job == 1) {
    ref_matrix(m, dim, 1, inv, &m->m1.w, &m->m1.g2);
  } else if (job == 2) {
    ref2 *r = &m->m2;
    uint32_t h = r->h = c->hidden;
    r->stride = ref_matrix(m, dim, h, inv, &r->w1, &r->g1);
    r->b1 = calloc(h, sizeof(float));
    r->gb1 = calloc(h, sizeof(float));
    r->w2 = calloc(h, sizeof(float));
    r->g2 = calloc(h, sizeof(float));
    for (uint32_t i = 0; i < h; i++) r->w2[i] = uniform_pm(1.0f / sqrtf((float)h));
    r->hid = calloc(h, sizeof(float));
    r->act = calloc(h, sizeof(float));
    r->dh = calloc(h, sizeof(float));
  } else if (job == 5) {
    ref5 *r = &m->m5;
    r->cols = 1 + c->factors;
    r->stride = ref_matrix(m, dim, r->cols, 0.1f / sqrtf((float)c->factors), &r->w, &r->g2); /* the fm kind's init */
    r->s = calloc(c->factors, sizeof(float));
    r->q = calloc(c->factors, sizeof(float));
  } else {
    ref3 *r = &m->m3;
    uint32_t K = r->k = c->classes;
    r->stride = ref_matrix(m, dim, K, inv, &r->w, &r->g2);
    r->b = calloc(K, sizeof(float));
    r->gb = calloc(K, sizeof(float));
    r->z = calloc(K, sizeof(float));
    r->dz = calloc(K, sizeof(float));
  }
}

/* One epoch (shuffle included); returns its seconds. */
static double ref_epoch(ref_model *m, const data *train, float lr) {
  double started = now();
  shuffle(m->order, train->rows);
  if (m->job == 1) ref1_epoch(&m->m1, train, m->order, lr, m->interleaved);
  else if (m->job == 2) ref2_epoch(&m->m2, train, m->order, lr);
  else if (m->job == 5) ref5_epoch(&m->m5, train, m->order, lr);
  else ref3_epoch(&m->m3, train, m->order, lr);
  return now() - started;
}

/* AUC (jobs 1, 2) or accuracy (job 3) on the test rows. */
static double ref_metric(ref_model *m, const data *test) {
  if (m->job == 3) {
    size_t right = 0;
    for (size_t r = 0; r < test->rows; r++) {
      ref3_forward(&m->m3, test, r);
      uint32_t best = 0;
      for (uint32_t k = 1; k < m->m3.k; k++) best = m->m3.z[k] > m->m3.z[best] ? k : best;
      right += best == (uint32_t)test->labels[r];
    }
    return (double)right / (double)test->rows;
  }
  float *score = malloc(test->rows * sizeof *score);
  for (size_t r = 0; r < test->rows; r++)
    score[r] = m->job == 1   ? ref1_score(&m->m1, test, r, m->interleaved ? 2 : 1)
               : m->job == 5 ? ref5_forward(&m->m5, test, r)
                             : ref2_forward(&m->m2, test, r);
  double auc = vfl_metrics_auc(score, test->labels, test->rows);
  free(score);
  return auc;
}

static void ref_free(ref_model *m) {
  free(m->order);
  free(m->mem);
  free(m->mem2);
  ref2 *r = &m->m2;
  free(r->b1), free(r->gb1), free(r->w2), free(r->g2), free(r->hid), free(r->act), free(r->dh);
  free(m->m3.b), free(m->m3.gb), free(m->m3.z), free(m->m3.dz);
  free(m->m5.s), free(m->m5.q);
}

/* CPU seconds used by the process so far (every thread). */
static double cpu_now(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
         (double)ru.ru_stime.tv_usec * 1e-6;
}

/* Resident memory now (VmRSS), MiB. */
static double rss_now_mib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  double kib = 0;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "VmRSS:", 6)) kib = atof(line + 6);
  if (f) fclose(f);
  return kib / 1024.0;
}

/* ---------------------------------------------------------- the engine */

/* What one engine run measures. The engine's epochs and the reference's
** alternate: after every engine epoch, on the caller's thread (the workers
** are idle then), on_epoch runs one reference epoch, so both see the same
** machine. The engine's memory is read at the end of its first epoch, before
** the reference allocates anything; it does not grow after that (no
** allocation per example). */
typedef struct run {
  const config *c;
  const vfl_dataset *train_ds;
  data train;                     /* the reference's copy, made when its first epoch is due */
  ref_model ref;
  int with_ref, ref_ready;
  double last, last_cpu;          /* when the current engine epoch started, and the CPU time then */
  double engine_cores;            /* CPU seconds per second in the fastest epoch */
  double engine_best, ref_best;   /* fastest timed epochs */
  double engine_cpu, ref_cpu;     /* fewest CPU seconds in a timed epoch: on a loaded machine the steadier figure */
  double engine_rss, ref_rss_delta;
  double rss_before_ref;
  uint32_t epochs_seen;
} run;

static int on_epoch(void *ud, const vfl_progress *p) {
  (void)p;
  run *r = ud;
  double t = now(), cpu = cpu_now();
  if (r->epochs_seen++ == 0) { /* the warm-up epoch */
    r->engine_rss = rss_peak_mib();
  } else {
    if (t - r->last < r->engine_best) {
      r->engine_best = t - r->last;
      r->engine_cores = (cpu - r->last_cpu) / (t - r->last);
    }
    if (cpu - r->last_cpu < r->engine_cpu) r->engine_cpu = cpu - r->last_cpu;
  }
  if (r->with_ref) {
    if (!r->ref_ready) {
      r->train = data_of(r->train_ds);
      /* after the index copy: the reference's memory is the engine's dataset
      ** plus its model, as if it read the same arrays */
      r->rss_before_ref = rss_now_mib();
      ref_init(&r->ref, r->ref.job, r->c, &r->train);
      r->ref_ready = 1;
      ref_epoch(&r->ref, &r->train, r->c->lr); /* its warm-up epoch */
    }
    double c0 = cpu_now(), e = ref_epoch(&r->ref, &r->train, r->c->lr), c = cpu_now() - c0;
    if (e < r->ref_best) r->ref_best = e;
    if (c < r->ref_cpu) r->ref_cpu = c;
  }
  r->last = now();
  r->last_cpu = cpu_now();
  return 0;
}

static vfl_net *job_net(int job, const config *c, uint32_t dim) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = dim};
  vfl_layer_spec hid = {.kind = VFL_LAYER_LINEAR, .dim = c->hidden, .intercept = 1};
  vfl_layer_spec relu = {.kind = VFL_LAYER_RELU};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = job == 3 ? c->classes : 1, .intercept = 1};
  if (job == 5) out = (vfl_layer_spec){.kind = VFL_LAYER_FM, .dim = c->factors, .intercept = 1};
  if (!net || vfl_net_stack(net, "x", &in)) die("net");
  if (job == 2 && (vfl_net_stack(net, "hidden", &hid) || vfl_net_stack(net, "relu", &relu))) die("net");
  if (vfl_net_stack(net, "out", &out) || vfl_net_init(net, -1, 42)) die("net");
  return net;
}

/* Trains a fresh net for 1 + E epochs on `threads` threads, with reference
** epochs in between when with_ref. */
static void run_engine(run *r, int job, const vfl_dataset *train, const vfl_dataset *test, uint32_t threads,
                       uint32_t batch, int with_ref, double *metric, double *ref_metric_out) {
  const config *c = r->c;
  r->ref.job = job;
  r->with_ref = with_ref;
  r->ref_ready = 0;
  r->epochs_seen = 0;
  r->engine_best = r->ref_best = r->engine_cpu = r->ref_cpu = INFINITY;
  rss_reset();
  vfl_net *net = job_net(job, c, vfl_dataset_input_dim(train, 0));
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 1 + job_epochs(job, c);
  o.batch = batch;
  o.threads = threads;
  o.seed = 7;
  o.shuffle = 1;
  o.optim.kind = VFL_OPTIM_ADAGRAD;
  o.optim.lr = c->lr;
  o.on_epoch = on_epoch;
  o.epoch_ud = r;
  o.keep_last_good = c->keep_last_good;
  vfl_loss_spec loss = {job == 3 ? VFL_LOSS_MULTINOMIAL : VFL_LOSS_LOGISTIC, NULL, NULL};
  if (vfl_net_learn(net, train, &loss, &o)) die("learn");
  vfl_metrics m;
  if (vfl_metrics_eval(net, test, &m)) die("metrics");
  *metric = job == 3 ? m.accuracy : m.auc;
  if (r->ref_ready) r->ref_rss_delta = rss_now_mib() - r->rss_before_ref;
  vfl_net_free(net);
  if (r->ref_ready) {
    free(r->train.index);
    data dtest = data_of(test);
    *ref_metric_out = ref_metric(&r->ref, &dtest);
    free(dtest.index);
    ref_free(&r->ref);
  }
}

static const char *job_title(int job, const config *c, char *buf, size_t n) {
  if (job == 1) snprintf(buf, n, "1: logistic regression");
  else if (job == 2) snprintf(buf, n, "2: MLP %u-ReLU-1", c->hidden);
  else if (job == 5) snprintf(buf, n, "5: FM, k = %u", c->factors);
  else snprintf(buf, n, "3: multinomial, %u classes", c->classes);
  return buf;
}


/* The first learn of a fresh net against a second, identical one on the
** same net (1 epoch each, 1 thread, the engine's batch size): what the
** first call does that the second does not (the optimizer state, the first
** touch of fresh memory) shows as their ratio. The net's build and init is
** timed too: work moved out of the first learn into init shows there. */
typedef struct first_run {
  int job;
  double init_s, first_s, second_s, first_cpu, second_cpu;
} first_run;

static first_run first_runs[4];
static int n_first_runs;

static long page_faults(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_minflt + ru.ru_majflt;
}

static void time_learn(vfl_net *net, const vfl_dataset *train, int job, const config *c, double *wall, double *cpu,
                       long *faults) {
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 1;
  o.batch = c->batch;
  o.threads = 1;
  o.seed = 7;
  o.optim.kind = VFL_OPTIM_ADAGRAD;
  o.optim.lr = c->lr;
  vfl_loss_spec loss = {job == 3 ? VFL_LOSS_MULTINOMIAL : VFL_LOSS_LOGISTIC, NULL, NULL};
  double t0 = now(), c0 = cpu_now();
  long f0 = page_faults();
  if (vfl_net_learn(net, train, &loss, &o)) die("learn");
  *wall = now() - t0;
  *cpu = cpu_now() - c0;
  *faults = page_faults() - f0;
}

/* One fresh net, whatever --reps says: a second fresh net in the same
** process gets memory the first one gave back, already touched (measured:
** job 2's init 0.10-0.12 s against 0.52-0.98 s for the first), which is
** not a first run's situation. */
static void run_first(int job, const config *c, const vfl_dataset *train) {
  first_run *f = &first_runs[n_first_runs++];
  f->job = job;
  double t0 = now();
  vfl_net *net = job_net(job, c, vfl_dataset_input_dim(train, 0));
  f->init_s = now() - t0;
  long first_faults, second_faults;
  time_learn(net, train, job, c, &f->first_s, &f->first_cpu, &first_faults);
  time_learn(net, train, job, c, &f->second_s, &f->second_cpu, &second_faults);
  vfl_net_free(net);
  fprintf(stderr,
          "  job %d: init %.3f s, first learn %.3f s (%.3f CPU s, %ld page faults), second %.3f s (%.3f CPU s, %ld): "
          "%.2fx (CPU %.2fx)\n",
          job, f->init_s, f->first_s, f->first_cpu, first_faults, f->second_s, f->second_cpu, second_faults,
          f->first_s / f->second_s, f->first_cpu / f->second_cpu);
}

/* Job `job` on 1 thread and on every core with the engine's batch size,
** then again with each mini-batch size (--minibatch). */
#define MAX_VARIANTS (2 * (1 + MAX_MINIBATCHES))
static void run_job(int job, const config *c, const vfl_dataset *train, const vfl_dataset *test) {
  if (c->first) run_first(job, c, train);
  uint32_t thr[MAX_VARIANTS], bat[MAX_VARIANTS];
  int nvar = 0;
  for (int b = -1; b < MAX_MINIBATCHES; b++) {
    uint32_t size = b < 0 ? c->batch : c->minibatch[b];
    if (!size || (b >= 0 && size == c->batch)) continue;
    thr[nvar] = 1, bat[nvar++] = size;
    if (c->threads > 1) thr[nvar] = c->threads, bat[nvar++] = size;
  }
  double best[MAX_VARIANTS], metric[MAX_VARIANTS], rss[MAX_VARIANTS], cores[MAX_VARIANTS], cpu[MAX_VARIANTS];
  for (int v = 0; v < MAX_VARIANTS; v++) best[v] = cpu[v] = INFINITY, metric[v] = cores[v] = NAN, rss[v] = 0;
  double ref_best = INFINITY, ref_cpu = INFINITY, ref_metric_v = NAN, ref_rss = 0;
  for (uint32_t rep = 0; rep < c->reps; rep++) {
    for (int v = 0; v < nvar; v++) {
      run r = {.c = c, .train_ds = train};
      double rm = NAN;
      run_engine(&r, job, train, test, thr[v], bat[v], c->ref, &metric[v], &rm);
      rss[v] = r.engine_rss;
      fprintf(stderr,
              "  job %d: vfl on %u thread%s, batch %u: %.3f s per epoch (%.2f cores busy, %.3f CPU s), reference %.3f s "
              "(%.3f CPU s)\n",
              job, thr[v], thr[v] > 1 ? "s" : "", bat[v], r.engine_best, r.engine_cores, r.engine_cpu, r.ref_best, r.ref_cpu);
      if (r.engine_cpu < cpu[v]) cpu[v] = r.engine_cpu;
      if (r.ref_cpu < ref_cpu) ref_cpu = r.ref_cpu;
      if (r.engine_best < best[v]) {
        best[v] = r.engine_best;
        cores[v] = r.engine_cores;
      }
      if (r.ref_best < ref_best) ref_best = r.ref_best;
      if (r.ref_ready) {
        ref_metric_v = rm;
        ref_rss = base_rss + r.ref_rss_delta;
      }
    }
  }
  char title[48];
  job_title(job, c, title, sizeof title);
  if (c->ref) {
    result *r = add_result(title, "reference loop");
    r->threads = 1;
    r->batch = 1;
    r->epochs = job_epochs(job, c);
    fill_speed(r, ref_best, train);
    r->cpu_s = ref_cpu;
    r->rss_mib = ref_rss;
    r->metric_name = job == 3 ? "accuracy" : "AUC";
    r->metric = ref_metric_v;
  }
  for (int v = 0; v < nvar; v++) {
    result *r = add_result(title, "vfl");
    r->threads = thr[v];
    r->batch = bat[v];
    r->epochs = job_epochs(job, c);
    fill_speed(r, best[v], train);
    r->rss_mib = rss[v];
    r->metric_name = job == 3 ? "accuracy" : "AUC";
    r->metric = metric[v];
    r->cores = cores[v];
    r->cpu_s = cpu[v];
    if (c->ref) r->vs_ref = best[v] / ref_best;
    if (c->ref) r->vs_ref_cpu = cpu[v] / ref_cpu;
    int one = thr[v] == 1 ? v : v - 1; /* the 1-thread run with the same batch */
    r->speedup = best[one] / best[v];
    for (int u = 0; u < nvar; u++) /* the batch-1 run with the same threads */
      if (bat[u] == 1 && thr[u] == thr[v]) r->vs_batch1_cpu = cpu[v] / cpu[u];
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
  r->epoch_s = best;
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
  fprintf(out, "| job | engine | threads | batch | examples/s | ns/nnz/epoch | peak RSS MiB | test metric | x reference | "
               "speed-up | cores busy | CPU s/epoch | x reference (CPU) | x batch 1 (CPU) | MB/s |\n");
  fprintf(out, "|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|\n");
  for (int i = 0; i < n_results; i++) {
    const result *r = &results[i];
    char metric[32], ratio[16], speed[16], mb[16], batch[16], cores[16], cpu[16], ratio_cpu[16], vs1[16];
    if (isnan(r->metric)) snprintf(metric, sizeof metric, "-");
    else snprintf(metric, sizeof metric, "%s %.4f", r->metric_name, r->metric);
    fmt(ratio, sizeof ratio, "%.2f", r->vs_ref);
    fmt(speed, sizeof speed, "%.2fx", r->speedup);
    fmt(mb, sizeof mb, "%.0f", r->mb_s);
    fmt(cores, sizeof cores, "%.2f", r->cores);
    fmt(cpu, sizeof cpu, "%.3f", isinf(r->cpu_s) ? NAN : r->cpu_s);
    fmt(ratio_cpu, sizeof ratio_cpu, "%.2f", r->vs_ref_cpu);
    fmt(vs1, sizeof vs1, "%.2f", r->vs_batch1_cpu);
    if (r->batch) snprintf(batch, sizeof batch, "%u", r->batch);
    else snprintf(batch, sizeof batch, "-");
    fprintf(out, "| %s | %s | %u | %s | %.3g | %.2f | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |\n", r->job, r->engine,
            r->threads, batch, r->examples_s, r->ns_nnz, r->rss_mib, metric, ratio, speed, cores, cpu, ratio_cpu, vs1, mb);
  }
}

static void write_csv(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    return;
  }
  fprintf(f, "job,engine,threads,batch,epochs,seconds_per_epoch,examples_per_s,ns_per_nnz_epoch,peak_rss_mib,metric_name,"
             "metric,ratio_to_reference,speedup_vs_1_thread,cores_busy,mb_per_s,cpu_s_per_epoch,ratio_to_reference_cpu,"
             "ratio_to_batch1_cpu\n");
  for (int i = 0; i < n_results; i++) {
    const result *r = &results[i];
    fprintf(f, "\"%s\",%s,%u,%u,%u,%.6f,%.1f,%.3f,%.1f,%s,%.5f,%.4f,%.4f,%.3f,%.1f,%.4f,%.4f,%.4f\n", r->job, r->engine,
            r->threads, r->batch, r->epochs, r->epoch_s, r->examples_s, r->ns_nnz, r->rss_mib, r->metric_name, r->metric,
            r->vs_ref, r->speedup, r->cores, r->mb_s, r->cpu_s, r->vs_ref_cpu, r->vs_batch1_cpu);
  }
  fclose(f);
}

/* Whether the kernel's DAMON runs a pageout scheme (as on this project's
** VMs): for tens of seconds after a large dataset is written, it pages
** memory out and slows every epoch in user time (docs/performance.md). */
static int damon_pageout_active(void) {
  char state[16] = "", action[16] = "";
  FILE *f = fopen("/sys/kernel/mm/damon/admin/kdamonds/0/state", "r");
  if (f) {
    if (!fgets(state, sizeof state, f)) state[0] = 0;
    fclose(f);
  }
  f = fopen("/sys/kernel/mm/damon/admin/kdamonds/0/contexts/0/schemes/0/action", "r");
  if (f) {
    if (!fgets(action, sizeof action, f)) action[0] = 0;
    fclose(f);
  }
  return !strncmp(state, "on", 2) && !strncmp(action, "pageout", 7);
}

/* The kernel's transparent huge page mode ("always", "madvise", "never"),
** or "" when it has none: the engine maps blocks of 4 MiB or more on huge
** pages when it may (src/core/alloc.c), and jobs 2 and 3 depend on it. */
static const char *thp_mode(char *buf, size_t n) {
  char line[128] = "";
  buf[0] = 0;
  FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  if (!f) return buf;
  if (fgets(line, sizeof line, f)) {
    const char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;
    if (a && b && (size_t)(b - a - 1) < n) {
      memcpy(buf, a + 1, (size_t)(b - a - 1));
      buf[b - a - 1] = 0;
    }
  }
  fclose(f);
  return buf;
}

static double settle_seconds(const config *c) { return c->settle >= 0 ? c->settle : damon_pageout_active() ? 25 : 0; }

/* One read of every row after the settle, before any timing: the first
** pass over freshly written data is not for a timed epoch (least of all the
** first-learn table's) to pay. */
static void warm_data(const vfl_dataset *ds) {
  uint32_t n_inputs = vfl_dataset_inputs(ds);
  vfl_features *feats = calloc(n_inputs ? n_inputs : 1, sizeof *feats);
  uint32_t *index = malloc(vfl_dataset_row_room(ds) * sizeof *index);
  if (!feats || !index) die("warm-up");
  float sum = 0;
  for (size_t i = 0; i < vfl_dataset_rows(ds); i++) {
    vfl_row row;
    if (vfl_dataset_row(ds, i, &row, feats, index)) die("warm-up");
    for (uint32_t k = 0; k < n_inputs; k++)
      for (uint32_t j = 0; j < feats[k].n; j++) sum += (float)feats[k].index[j] + (feats[k].value ? feats[k].value[j] : 0);
  }
  volatile float sink = sum; /* the reads must happen */
  (void)sink;
  free(feats);
  free(index);
}

static void generate(const config *c, uint32_t classes, vfl_dataset **train, vfl_dataset **test) {
  double t0 = now();
  gen_options g = c->gen, gt = c->gen;
  gt.rows = c->test_rows;
  g.classes = gt.classes = classes;
  if (gen_dataset(&g, 0, train) || gen_dataset(&gt, 1, test)) die("generate");
  fprintf(stderr, "generated %u-class data in %.1f s\n", classes ? classes : 2, now() - t0);
  double settle = settle_seconds(c);
  if (settle > 0) {
    fprintf(stderr, "letting the data settle for %.0f s before any timing (--settle)\n", settle);
    struct timespec d = {(time_t)settle, (long)((settle - (double)(time_t)settle) * 1e9)};
    nanosleep(&d, NULL);
  }
  warm_data(*train);
  warm_data(*test);
  base_rss = rss_now_mib();
}

int main(int argc, char **argv) {
  config c;
  parse_args(&c, argc, argv);
  if (c.gen.real_values) c.ref = 0;
  double t0 = now();
  printf("## vfl_bench\n\n");
  printf("Data: %zu training rows, %zu test rows, 2^%u features, %u non-zeros per row on average (%s), "
         "Zipf exponent %.2f, seed %llu%s.\n",
         c.gen.rows, c.test_rows, c.gen.dim_bits, c.gen.nnz_mean,
         c.gen.real_values ? "real values, uniform in (0, 2); no reference loops" : "indicator values", c.gen.zipf,
         (unsigned long long)c.gen.seed,
         c.gen.rows != 1000000 ? " (PERFORMANCE.md's jobs use 1,000,000 rows: this run uses another count)" : "");
  printf("Each run: a fresh model, 1 warm-up epoch + %u timed epochs (job 1: %u), a reference epoch between two engine "
         "epochs; the fastest epoch counts (%u repetition%s); AdaGrad lr %g; shuffled every epoch; %u core%s online.\n",
         c.epochs, job_epochs(1, &c), c.reps, c.reps > 1 ? "s" : "", (double)c.lr, c.threads, c.threads > 1 ? "s" : "");
  if (damon_pageout_active())
    printf("The kernel's DAMON runs a pageout scheme here (/sys/kernel/mm/damon/admin/kdamonds/0): it slows work on "
           "freshly written memory, so each data set idles %.0f s before timing (--settle), every run has a warm-up "
           "epoch, and engine and reference epochs alternate.\n",
           settle_seconds(&c));
  char thp[16];
  if (*thp_mode(thp, sizeof thp))
    printf("Transparent huge pages: %s (the engine asks for them on blocks of 4 MiB or more; jobs 2 and 3 run "
           "20-35%% faster on them: docs/performance.md, \"Huge pages that stay huge\").\n",
           thp);
  fflush(stdout);

  /* Binary data for jobs 1, 2 and parsing, then 10-class data for job 3:
  ** one data set in memory at a time, so each job's peak RSS is its own. */
  vfl_dataset *train = NULL, *test = NULL;
  if (c.jobs[1] || c.jobs[2] || c.jobs[5] || c.parse) {
    generate(&c, 0, &train, &test);
    size_t rows = vfl_dataset_rows(train), nnz = vfl_dataset_nnz(train);
    double positives = 0;
    for (size_t i = 0; i < rows; i++) positives += train->labels[i] > 0;
    printf("Binary labels %.1f%% positive; %zu non-zeros; the dataset holds %.2f bytes per non-zero (%.1f MiB).\n",
           100.0 * positives / (double)rows, nnz, (double)vfl_dataset_bytes(train) / (double)nnz,
           (double)vfl_dataset_bytes(train) / 1048576.0);
    fflush(stdout);
    for (int job = 1; job <= 5; job++)
      if (c.jobs[job] && job != 3) run_job(job, &c, train, test);
    if (c.parse) run_parse(&c, train);
    vfl_dataset_free(train);
    vfl_dataset_free(test);
  }
  if (c.jobs[3]) {
    generate(&c, c.classes, &train, &test);
    run_job(3, &c, train, test);
    vfl_dataset_free(train);
    vfl_dataset_free(test);
  }
  printf("\n");
  print_table(stdout);
  if (n_first_runs) {
    printf("\nFirst learn of a fresh net against a second identical one on the same net (1 epoch each, 1 thread, batch "
           "%u):\n\n| job | init s | first s | second s | first / second | first / second (CPU) |\n|---|--:|--:|--:|--:|--:|\n",
           c.batch);
    for (int i = 0; i < n_first_runs; i++) {
      const first_run *f = &first_runs[i];
      printf("| %d | %.3f | %.3f | %.3f | %.2f | %.2f |\n", f->job, f->init_s, f->first_s, f->second_s, f->first_s / f->second_s,
             f->first_cpu / f->second_cpu);
    }
  }
  printf("\nx reference: the engine's time per epoch over the reference loop's (1 thread); speed-up: over the engine "
         "on 1 thread with the same batch; cores busy: CPU seconds per second in that epoch (below the thread count: "
         "the machine was busy). Whole run: %.0f s.\n",
         now() - t0);
  write_csv(c.csv);
  printf("CSV: %s\n", c.csv);
  return 0;
}
