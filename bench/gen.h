/*
** gen.h -- the benchmark's data: a deterministic, seeded generator of sparse
** rows with Zipf-like feature popularity and labels from a planted teacher.
**
** Every row has between nnz_mean - nnz_mean/3 and nnz_mean + nnz_mean/3
** distinct features (uniform, mean nnz_mean) out of 2^dim_bits, all with
** value 1 (indicator rows: the dataset stores no values), or with real
** values drawn uniformly from (0, 2) (mean 1). Feature popularity
** follows a Zipf law with exponent `zipf` over ranks, and a fixed seeded
** bijection scatters ranks over the feature space, so popular features are
** not neighbours in memory.
**
** The teacher is a table of N(0, 1) weights per feature (and per class),
** drawn from the seed alone, so a training set (stream 0) and a test set
** (stream 1) share it. Binary: label 1 with probability
** sigmoid(sharpness * (sum of the row's teacher weights times their values
** / sqrt(n) - centre)).
** K classes: the argmax of sharpness * (the same sums per class) plus Gumbel
** noise, which is a draw from the softmax of those scores.
*/
#ifndef VFL_BENCH_GEN_H
#define VFL_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "vfl.h"

typedef struct gen_options {
  uint64_t seed;       /* teacher and rows */
  size_t rows;
  uint32_t dim_bits;   /* feature space 2^dim_bits */
  uint32_t nnz_mean;   /* non-zeros per row, on average */
  double zipf;         /* exponent of the popularity law (1: classic Zipf) */
  uint32_t classes;    /* 0 or 2: binary labels 0/1; K > 2: class ids 0..K-1 */
  double sharpness;    /* teacher's confidence */
  int real_values;     /* 0: every value 1; 1: uniform in (0, 2) */
} gen_options;

void gen_defaults(gen_options *o);

/* A new dataset of o->rows rows with one sparse input "features" of
** dimension 2^dim_bits. stream selects independent rows for the same
** teacher (0: training, 1: test, ...). */
int gen_dataset(const gen_options *o, uint64_t stream, vfl_dataset **out);
/* gen_dataset with the default options but for rows and dim_bits: the
** small data sets tests train on. */
int gen_small(size_t rows, uint32_t dim_bits, uint64_t stream, vfl_dataset **out);

/* Writes ds (one sparse input, one label) as libsvm text: 1-based indices,
** "index:value". Returns 0 or -1 (errno set). */
int gen_write_libsvm(const vfl_dataset *ds, const char *path, size_t *bytes);

#endif
