/*
** gen.c -- the benchmark's deterministic data generator (see gen.h).
*/
#include "gen.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gen_defaults(gen_options *o) {
  o->seed = 1;
  o->rows = 1000000;
  o->dim_bits = 20;
  o->nnz_mean = 60;
  o->zipf = 1.0;
  o->classes = 0;
  o->sharpness = 4.0;
  o->real_values = 0;
}

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static double uniform(uint64_t *s) { return (double)(splitmix(s) >> 11) * 0x1.0p-53; }

static double gaussian(uint64_t *s) { /* Box-Muller, one of the pair */
  double u = uniform(s), v = uniform(s);
  return sqrt(-2.0 * log(u > 0 ? u : 0x1.0p-53)) * cos(6.283185307179586 * v);
}

/* A seeded bijection of [0, 2^bits): rank -> feature id. Every step (xor
** with a constant, multiplication by an odd number, xor with a right shift)
** is invertible modulo 2^bits. */
static uint32_t scatter(uint32_t x, uint32_t bits, const uint64_t key[3]) {
  uint32_t mask = bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1;
  for (int i = 0; i < 3; i++) {
    x = (x ^ (uint32_t)key[i]) & mask;
    x = (x * ((uint32_t)(key[i] >> 32) | 1u)) & mask;
    x ^= x >> (bits / 2 + 1);
  }
  return x;
}

typedef struct gen {
  gen_options o;
  uint32_t dim, k;      /* k: teacher columns (1 for binary) */
  float *teacher;       /* dim x k */
  double *centre;       /* k */
  uint64_t key[3];
  double zipf_top;      /* (N + 1)^(1 - s), or log(N + 1) when s = 1 */
  uint32_t *stamp;      /* dim: last row that drew the feature */
  uint32_t row_stamp;
  double *score;        /* k */
} gen;

static uint32_t draw_rank(const gen *g, uint64_t *s) { /* 1..dim, P(r) ~ r^-s */
  double u = uniform(s), x;
  double a = 1.0 - g->o.zipf;
  if (fabs(a) < 1e-9) x = exp(u * g->zipf_top);
  else x = pow((g->zipf_top - 1.0) * u + 1.0, 1.0 / a);
  uint32_t r = (uint32_t)x;
  return r < 1 ? 1 : r > g->dim ? g->dim : r;
}

static void sort_u32(uint32_t *a, uint32_t n) { /* insertion sort: rows are short */
  for (uint32_t i = 1; i < n; i++) {
    uint32_t v = a[i], j = i;
    for (; j > 0 && a[j - 1] > v; j--) a[j] = a[j - 1];
    a[j] = v;
  }
}

/* One row's features (sorted, distinct) into idx; returns their count. */
static uint32_t draw_row(gen *g, uint64_t *s, uint32_t *idx) {
  uint32_t spread = g->o.nnz_mean / 3, lo = g->o.nnz_mean - spread;
  uint32_t n = lo + (uint32_t)(splitmix(s) % (2 * spread + 1));
  if (n > g->dim / 2) n = g->dim / 2;
  if (++g->row_stamp == 0) {
    memset(g->stamp, 0, (size_t)g->dim * sizeof *g->stamp);
    g->row_stamp = 1;
  }
  for (uint32_t j = 0; j < n;) {
    uint32_t f = scatter(draw_rank(g, s) - 1, g->o.dim_bits, g->key);
    if (g->stamp[f] == g->row_stamp) continue;
    g->stamp[f] = g->row_stamp;
    idx[j++] = f;
  }
  sort_u32(idx, n);
  return n;
}

/* A row's values (val NULL: every value is 1). */
static void draw_values(uint64_t *s, float *val, uint32_t n) {
  for (uint32_t j = 0; j < n; j++) {
    float v = (float)(2.0 * uniform(s));
    val[j] = v > 0 ? v : 1.0f;
  }
}

/* The teacher's scores of a row, per column, before centring. */
static void row_scores(const gen *g, const uint32_t *idx, const float *val, uint32_t n, double *score) {
  for (uint32_t c = 0; c < g->k; c++) score[c] = 0;
  for (uint32_t j = 0; j < n; j++)
    for (uint32_t c = 0; c < g->k; c++) score[c] += g->teacher[(size_t)idx[j] * g->k + c] * (val ? val[j] : 1.0f);
  for (uint32_t c = 0; c < g->k; c++) score[c] /= sqrt((double)n);
}

static float draw_label(const gen *g, uint64_t *s, const uint32_t *idx, const float *val, uint32_t n, double *score) {
  row_scores(g, idx, val, n, score);
  if (g->k == 1) {
    double z = g->o.sharpness * (score[0] - g->centre[0]);
    return uniform(s) < 1.0 / (1.0 + exp(-z)) ? 1.0f : 0.0f;
  }
  uint32_t best = 0;
  double top = -INFINITY;
  for (uint32_t c = 0; c < g->k; c++) {
    double u = uniform(s);
    double z = g->o.sharpness * (score[c] - g->centre[c]) - log(-log(u > 0 ? u : 0x1.0p-53));
    if (z > top) top = z, best = c;
  }
  return (float)best;
}

static void gen_free(gen *g) {
  free(g->teacher);
  free(g->centre);
  free(g->stamp);
  free(g->score);
}

static int gen_init(gen *g, const gen_options *o) {
  memset(g, 0, sizeof *g);
  g->o = *o;
  if (o->dim_bits < 4 || o->dim_bits > 31 || o->nnz_mean < 1 || o->zipf < 0) return -1;
  g->dim = 1u << o->dim_bits;
  g->k = o->classes > 2 ? o->classes : 1;
  g->teacher = malloc((size_t)g->dim * g->k * sizeof *g->teacher);
  g->centre = calloc(g->k, sizeof *g->centre);
  g->stamp = calloc(g->dim, sizeof *g->stamp);
  g->score = calloc(g->k, sizeof *g->score);
  if (!g->teacher || !g->centre || !g->stamp || !g->score) {
    gen_free(g);
    return -1;
  }
  uint64_t s = o->seed * 0xD1B54A32D192ED03ull + 17;
  for (int i = 0; i < 3; i++) g->key[i] = splitmix(&s);
  for (size_t i = 0; i < (size_t)g->dim * g->k; i++) g->teacher[i] = (float)gaussian(&s);
  double a = 1.0 - o->zipf;
  g->zipf_top = fabs(a) < 1e-9 ? log((double)g->dim + 1.0) : pow((double)g->dim + 1.0, a);
  /* Centre every teacher column on its mean score over a pilot sample, so
  ** that the popular features' fixed contribution does not skew the labels. */
  uint32_t *idx = malloc((size_t)(o->nnz_mean * 2 + 2) * sizeof *idx);
  if (!idx) {
    gen_free(g);
    return -1;
  }
  const uint32_t pilot = 20000;
  uint64_t ps = o->seed ^ 0xC0FFEE1234567ull;
  for (uint32_t i = 0; i < pilot; i++) {
    uint32_t n = draw_row(g, &ps, idx);
    row_scores(g, idx, NULL, n, g->score);
    for (uint32_t c = 0; c < g->k; c++) g->centre[c] += g->score[c] / pilot;
  }
  free(idx);
  return 0;
}

int gen_dataset(const gen_options *o, uint64_t stream, vfl_dataset **out) {
  gen g;
  *out = NULL;
  if (gen_init(&g, o)) return VFL_ENOMEM;
  uint32_t *idx = malloc((size_t)(o->nnz_mean * 2 + 2) * sizeof *idx);
  float *val = o->real_values ? malloc((size_t)(o->nnz_mean * 2 + 2) * sizeof *val) : NULL;
  vfl_dataset *ds = vfl_dataset_new(1);
  int rc = idx && ds && (val || !o->real_values) ? VFL_OK : VFL_ENOMEM;
  if (rc == VFL_OK) rc = vfl_dataset_add_input(ds, "features", VFL_INPUT_SPARSE, g.dim) < 0 ? VFL_EINVAL : VFL_OK;
  uint64_t s = (o->seed + 0x632BE59BD9B4E019ull * (stream + 1)) ^ 0x5DEECE66Dull;
  for (size_t i = 0; i < o->rows && rc == VFL_OK; i++) {
    uint32_t n = draw_row(&g, &s, idx);
    if (val) draw_values(&s, val, n);
    float label = draw_label(&g, &s, idx, val, n, g.score);
    vfl_features f = {n, idx, val};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    rc = vfl_dataset_append(ds, &row);
  }
  free(idx);
  free(val);
  gen_free(&g);
  if (rc) {
    vfl_dataset_free(ds);
    return rc;
  }
  *out = ds;
  return VFL_OK;
}

/* Decimal digits of v, backwards from end; returns the first. */
static char *put_u32(char *end, uint32_t v) {
  do *--end = (char)('0' + v % 10);
  while (v /= 10);
  return end;
}

int gen_write_libsvm(const vfl_dataset *ds, const char *path, size_t *bytes) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t cap = 1 << 20, len = 0, total = 0;
  char *buf = malloc(cap);
  if (!buf) {
    fclose(f);
    errno = ENOMEM;
    return -1;
  }
  vfl_features feats;
  vfl_row row;
  uint32_t *index = malloc(vfl_dataset_row_room(ds) * sizeof *index);
  int ok = index != NULL;
  for (size_t i = 0; ok && i < vfl_dataset_rows(ds); i++) {
    vfl_dataset_row(ds, i, &row, &feats, index);
    if (cap - len < 64 + (size_t)feats.n * 32) {
      ok = fwrite(buf, 1, len, f) == len;
      total += len;
      len = 0;
    }
    char tmp[16], *end = tmp + sizeof tmp;
    char *p = put_u32(end, (uint32_t)row.labels[0]);
    memcpy(buf + len, p, (size_t)(end - p));
    len += (size_t)(end - p);
    for (uint32_t j = 0; j < feats.n; j++) {
      buf[len++] = ' ';
      p = put_u32(end, feats.index[j] + 1);
      memcpy(buf + len, p, (size_t)(end - p));
      len += (size_t)(end - p);
      buf[len++] = ':';
      if (feats.value) len += (size_t)snprintf(buf + len, 16, "%.9g", (double)feats.value[j]);
      else buf[len++] = '1';
    }
    buf[len++] = '\n';
  }
  if (ok) ok = fwrite(buf, 1, len, f) == len;
  total += len;
  free(buf);
  free(index);
  if (fclose(f) != 0) ok = 0;
  if (bytes) *bytes = total;
  return ok ? 0 : -1;
}

int gen_small(size_t rows, uint32_t dim_bits, uint64_t stream, vfl_dataset **out) {
  gen_options g;
  gen_defaults(&g);
  g.rows = rows;
  g.dim_bits = dim_bits;
  return gen_dataset(&g, stream, out);
}
