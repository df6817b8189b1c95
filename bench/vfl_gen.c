/*
** vfl_gen.c -- writes the benchmark's generated data (bench/gen.h) as a
** libsvm file, for other tools (parsers, LIBLINEAR, Vowpal Wabbit, ...).
**
**   vfl_gen [--rows N] [--classes K] [--seed S] [--zipf S] [--nnz N]
**           [--bits B] [--test] OUT.svm
**
** --test writes the held-out rows (stream 1) instead of the training rows.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

int main(int argc, char **argv) {
  gen_options o;
  gen_defaults(&o);
  uint64_t stream = 0;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--test")) stream = 1;
    else if (!strcmp(a, "--rows") && v) o.rows = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(a, "--classes") && v) o.classes = (uint32_t)atoi(argv[++i]);
    else if (!strcmp(a, "--seed") && v) o.seed = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(a, "--zipf") && v) o.zipf = atof(argv[++i]);
    else if (!strcmp(a, "--nnz") && v) o.nnz_mean = (uint32_t)atoi(argv[++i]);
    else if (!strcmp(a, "--bits") && v) o.dim_bits = (uint32_t)atoi(argv[++i]);
    else if (a[0] != '-' && !path) path = a;
    else {
      fprintf(stderr, "usage: vfl_gen [--rows N] [--classes K] [--seed S] [--zipf S] [--nnz N] [--bits B] [--test] OUT.svm\n");
      return 2;
    }
  }
  if (!path) {
    fprintf(stderr, "vfl_gen: no output file given\n");
    return 2;
  }
  vfl_dataset *ds;
  if (gen_dataset(&o, stream, &ds)) {
    fprintf(stderr, "vfl_gen: %s\n", vfl_last_error());
    return 1;
  }
  size_t bytes = 0;
  if (gen_write_libsvm(ds, path, &bytes)) {
    perror(path);
    return 1;
  }
  printf("%s: %zu rows, %zu non-zeros, %.1f MB\n", path, vfl_dataset_rows(ds), vfl_dataset_nnz(ds), (double)bytes / 1e6);
  vfl_dataset_free(ds);
  return 0;
}
