/*
** test_read_libsvm.c -- the libsvm reader: exact content of small fixtures
** (plain and gzip), options, every error message, lines across chunk
** boundaries, allocation per row, and the a9a data set.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "vfl.h"

static int read_text(const char *text, const vfl_libsvm_options *opt, vfl_dataset **ds) {
  return vfl_read_libsvm_buffer(text, strlen(text), "t.svm", opt, ds);
}

/* Row i of input 0 as a view. */
static vfl_features row_of(const vfl_dataset *ds, size_t i, float *label) {
  vfl_row row;
  vfl_features f = {0, NULL, NULL};
  CHECK_OK(t_row(ds, i, &row, &f));
  if (label) *label = row.labels[0];
  return f;
}

static float value_at(const vfl_features *f, uint32_t j) { return f->value ? f->value[j] : 1.0f; }

/* tests/data/readers/small.svm, as parsed. */
static void check_small(const vfl_dataset *ds) {
  CHECK(ds != NULL);
  if (!ds) return;
  CHECK(vfl_dataset_rows(ds) == 5);
  CHECK(vfl_dataset_nnz(ds) == 8);
  CHECK(vfl_dataset_input_dim(ds, 0) == 10);
  CHECK(strcmp(vfl_dataset_input_name(ds, 0), "features") == 0);
  float label;
  vfl_features f = row_of(ds, 0, &label);
  CHECK(label == 1.0f && f.n == 3);
  CHECK(f.index[0] == 0 && f.index[1] == 2 && f.index[2] == 9);
  CHECK(value_at(&f, 0) == 0.5f && value_at(&f, 1) == 1.0f && value_at(&f, 2) == -2.25f);
  f = row_of(ds, 1, &label);
  CHECK(label == -1.0f && f.n == 2 && f.index[0] == 1 && f.index[1] == 4);
  CHECK(value_at(&f, 0) == 1e-3f && value_at(&f, 1) == 7.0f);
  f = row_of(ds, 2, &label); /* "0 qid:3 4:1\r" */
  CHECK(label == 0.0f && f.n == 1 && f.index[0] == 3 && value_at(&f, 0) == 1.0f);
  f = row_of(ds, 3, &label); /* a label and no features */
  CHECK(label == 2.5f && f.n == 0);
  f = row_of(ds, 4, &label); /* the last line has no '\n' */
  CHECK(label == -3.5e-2f && f.n == 2 && f.index[0] == 0 && f.index[1] == 6 && value_at(&f, 1) == 0.125f);
}

static void test_small_files(void) {
  vfl_dataset *ds = NULL;
  CHECK_OK(vfl_read_libsvm(t_testdata("readers/small.svm"), NULL, &ds));
  check_small(ds);
  vfl_dataset_free(ds);
  ds = NULL;
  CHECK_OK(vfl_read_libsvm(t_testdata("readers/small.svm.gz"), NULL, &ds));
  check_small(ds);
  vfl_dataset_free(ds);
}

static void test_buffer_and_options(void) {
  vfl_dataset *ds = NULL;
  CHECK_OK(read_text("", NULL, &ds)); /* an empty input is a dataset with no rows */
  CHECK(ds && vfl_dataset_rows(ds) == 0 && vfl_dataset_input_dim(ds, 0) == 0);
  vfl_dataset_free(ds);
  CHECK_OK(vfl_read_libsvm_buffer(NULL, 0, "null", NULL, &ds));
  CHECK(ds && vfl_dataset_rows(ds) == 0);
  vfl_dataset_free(ds);
  CHECK_ERR(vfl_read_libsvm_buffer(NULL, 3, "null", NULL, &ds), VFL_EINVAL, "reading \"null\": the buffer is NULL");
  CHECK_ERR(vfl_read_libsvm(NULL, NULL, &ds), VFL_EINVAL, "cannot open a file: the path is NULL");
  CHECK_OK(read_text("# only a comment\n\n", NULL, &ds));
  CHECK(ds && vfl_dataset_rows(ds) == 0);
  vfl_dataset_free(ds);

  vfl_libsvm_options o = {123, 0, 0, "x", 0, 0};
  CHECK_OK(read_text("1 5:1\n", &o, &ds));
  CHECK(ds && vfl_dataset_input_dim(ds, 0) == 123 && strcmp(vfl_dataset_input_name(ds, 0), "x") == 0);
  vfl_dataset_free(ds);

  vfl_libsvm_options three = {0, 0, 3, NULL, 0, 0};
  CHECK_OK(read_text("1,0,+2.5 2:1\n0,1,-1\n", &three, &ds));
  if (ds) {
    vfl_row row;
    vfl_features f;
    CHECK(vfl_dataset_labels(ds) == 3 && vfl_dataset_rows(ds) == 2);
    CHECK_OK(t_row(ds, 0, &row, &f));
    CHECK(row.labels[0] == 1.0f && row.labels[1] == 0.0f && row.labels[2] == 2.5f && f.n == 1);
    CHECK_OK(t_row(ds, 1, &row, &f));
    CHECK(row.labels[2] == -1.0f && f.n == 0);
  }
  vfl_dataset_free(ds);

  /* Unusual numbers go through strtod; leading zeros are fine. */
  CHECK_OK(read_text("0x1p1 00000000000007:1e30 2:0x10 3:12345678901234567890123 4:.5 5:5.\n", NULL, &ds));
  if (ds) {
    float label;
    vfl_features f = row_of(ds, 0, &label);
    CHECK(label == 2.0f && f.n == 5 && f.index[0] == 6);
    CHECK(value_at(&f, 0) == 1e30f && value_at(&f, 1) == 16.0f && value_at(&f, 2) == 12345678901234567890123.0f);
    CHECK(value_at(&f, 3) == 0.5f && value_at(&f, 4) == 5.0f);
  }
  vfl_dataset_free(ds);
}

/* Hashing: file index i lands at murmur3(i as 4 little-endian bytes) mod 2^bits. */
static void test_hashing(void) {
  vfl_libsvm_options o = {0, 10, 0, NULL, 0, 0};
  vfl_dataset *ds = NULL;
  CHECK_OK(read_text("1 7:2 4000000000:1\n", &o, &ds));
  if (ds) {
    vfl_features f = row_of(ds, 0, NULL);
    uint8_t b7[4] = {7, 0, 0, 0};
    uint32_t big = 4000000000u;
    uint8_t bb[4] = {(uint8_t)big, (uint8_t)(big >> 8), (uint8_t)(big >> 16), (uint8_t)(big >> 24)};
    CHECK(f.n == 2 && f.index[0] == (vfl_hash_bytes(b7, 4, 0) & 1023));
    CHECK(f.index[1] == (vfl_hash_bytes(bb, 4, 0) & 1023));
    CHECK(value_at(&f, 0) == 2.0f);
    CHECK(vfl_dataset_input_dim(ds, 0) == 1024);
  }
  vfl_dataset_free(ds);
  vfl_libsvm_options same = {1024, 10, 0, NULL, 0, 0};
  CHECK_OK(read_text("1 7:2\n", &same, &ds));
  vfl_dataset_free(ds);
}

static void test_errors(void) {
  vfl_dataset *ds = (vfl_dataset *)&ds; /* must come back NULL */
  CHECK_ERR(read_text("1 3:1\n-1 2:1 3 4:1\n", NULL, &ds), VFL_EFORMAT,
            "t.svm:2:8: expected ':' after feature index \"3\"");
  CHECK(ds == NULL);
  CHECK_ERR(read_text("1 0:1\n", NULL, &ds), VFL_EFORMAT,
            "t.svm:1:3: feature index 0 is not allowed (libsvm indices start at 1)");
  CHECK_ERR(read_text("1 -3:1\n", NULL, &ds), VFL_EFORMAT,
            "t.svm:1:3: feature index -3 is negative (libsvm indices start at 1)");
  CHECK_ERR(read_text("1 4294967296:1\n", NULL, &ds), VFL_EFORMAT,
            "t.svm:1:3: feature index 4294967296 is too large (the largest is 4294967295)");
  CHECK_ERR(read_text("1 123456789012345678901234:1\n", NULL, &ds), VFL_EFORMAT,
            "t.svm:1:3: feature index 123456789012345678901234 is too large (the largest is 4294967295)");
  CHECK_ERR(read_text("1 abc:1\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:3: feature index \"abc\" is not a number");
  CHECK_ERR(read_text("1 3x:1\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:3: feature index \"3x\" is not a number");
  CHECK_ERR(read_text("1 :1\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:3: expected a feature index before ':'");
  vfl_libsvm_options dim = {123, 0, 0, NULL, 0, 0};
  CHECK_ERR(read_text("1 2:1 200:1\n", &dim, &ds), VFL_EFORMAT,
            "t.svm:1:7: feature index 200 is beyond the declared dimension 123");
  CHECK_ERR(read_text("1 3:abc\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:5: value \"abc\" is not a number");
  CHECK_ERR(read_text("1 3:1e\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:5: value \"1e\" is not a number");
  CHECK_ERR(read_text("1 3:1:2\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:5: value \"1:2\" is not a number");
  CHECK_ERR(read_text("1 3: 4:1\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:5: expected a value after \"3:\"");
  CHECK_ERR(read_text("1 3:", NULL, &ds), VFL_EFORMAT, "t.svm:1:5: expected a value after \"3:\"");
  CHECK_ERR(read_text("1 3:nan\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:5: value nan is not finite");
  CHECK_ERR(read_text("1 3:-inf\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:5: value -inf is not finite");
  CHECK_ERR(read_text("1 3:1e999\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:5: value 1e999 is not finite");
  CHECK_ERR(read_text("1 3:1e39\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:5: value 1e39 is out of range for a float");
  CHECK_ERR(read_text("x 3:1\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:1: label \"x\" is not a number");
  CHECK_ERR(read_text("  inf 3:1\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:3: label inf is not finite");
  CHECK_ERR(read_text("3:1 4:1\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:1: expected a label before feature \"3:1\"");
  CHECK_ERR(read_text("1,2 3:1\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:1: expected 1 label, found 2");
  CHECK_ERR(read_text("1 qid:x 3:1\n", NULL, &ds), VFL_EFORMAT, "t.svm:1:7: expected a number after \"qid:\"");
  vfl_libsvm_options three = {0, 0, 3, NULL, 0, 0};
  CHECK_ERR(read_text("1,2,3 1:1\n1,2 3:1\n", &three, &ds), VFL_EFORMAT, "t.svm:2:1: expected 3 labels, found 2");
  CHECK_ERR(read_text("1,,3 1:1\n", &three, &ds), VFL_EFORMAT, "t.svm:1:3: label \"\" is not a number");
  CHECK(ds == NULL);
  /* Long tokens are shortened in messages. */
  CHECK_ERR(read_text("1 3:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", NULL, &ds), VFL_EFORMAT,
            "t.svm:1:5: value \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is not a number");
}

static void test_option_and_file_errors(void) {
  vfl_dataset *ds = NULL;
  vfl_libsvm_options big = {0, 32, 0, NULL, 0, 0};
  CHECK_ERR(read_text("1 1:1\n", &big, &ds), VFL_EINVAL,
            "reading \"t.svm\": hash_bits 32 is out of range (1 to 31, or 0 for none)");
  vfl_libsvm_options clash = {1000, 20, 0, NULL, 0, 0};
  CHECK_ERR(read_text("1 1:1\n", &clash, &ds), VFL_EINVAL,
            "reading \"t.svm\": dim 1000 does not match hash_bits 20 (it must be 0 or 1048576)");
  vfl_libsvm_options empty = {0, 0, 0, "", 0, 0};
  CHECK_ERR(read_text("1 1:1\n", &empty, &ds), VFL_EINVAL, "reading \"t.svm\": the input name must not be empty");
  CHECK_ERR(vfl_read_libsvm("nope.svm", NULL, &ds), VFL_EIO, "cannot open \"nope.svm\": No such file or directory");
  char msg[4200];
  snprintf(msg, sizeof msg, "cannot read \"%s\": Is a directory", t_tmpdir());
  CHECK_ERR(vfl_read_libsvm(t_tmpdir(), NULL, &ds), VFL_EIO, msg);
  const char *trunc = t_testdata("readers/truncated.svm.gz");
  snprintf(msg, sizeof msg, "%s: gzip data is truncated (unexpected end of file)", trunc);
  CHECK_ERR(vfl_read_libsvm(trunc, NULL, &ds), VFL_EFORMAT, msg);
  const char *crc = t_testdata("readers/badcrc.svm.gz");
  snprintf(msg, sizeof msg, "%s: gzip data is damaged (incorrect data check)", crc);
  CHECK_ERR(vfl_read_libsvm(crc, NULL, &ds), VFL_EFORMAT, msg);
  CHECK(ds == NULL);
}

/* ------------------------------------------------ chunks and long lines */

static char *tmp_path(const char *name) {
  static char path[4][512];
  static int next;
  char *p = path[next++ % 4];
  snprintf(p, 512, "%s/%s", t_tmpdir(), name);
  return p;
}

/* A file with lines of many lengths (one far longer than a 4 MiB chunk), so
** that lines cross chunk boundaries at every kind of position. */
static size_t write_big(const char *path, int gz, uint64_t *index_sum) {
  size_t rows = 0;
  *index_sum = 0;
  FILE *f = gz ? NULL : fopen(path, "wb");
  gzFile g = gz ? gzopen(path, "wb1") : NULL;
  char line[64];
  for (int r = 0; r < 60000; r++) {
    uint32_t n = r == 30000 ? 700000 : (uint32_t)(r % 97);
    int k = snprintf(line, sizeof line, "%d", r % 2 ? 1 : -1);
    if (f) fwrite(line, 1, (size_t)k, f);
    else gzwrite(g, line, (unsigned)k);
    for (uint32_t j = 1; j <= n; j++) {
      k = snprintf(line, sizeof line, " %u:%u.5", j * 3, j % 10);
      if (f) fwrite(line, 1, (size_t)k, f);
      else gzwrite(g, line, (unsigned)k);
      *index_sum += (j * 3 - 1);
    }
    if (f) fputc('\n', f);
    else gzputc(g, '\n');
    rows++;
  }
  if (f) fclose(f);
  else gzclose(g);
  return rows;
}

static void check_big(const char *path, size_t rows, uint64_t index_sum) {
  vfl_dataset *ds = NULL;
  CHECK_OK(vfl_read_libsvm(path, NULL, &ds));
  if (!ds) return;
  CHECK(vfl_dataset_rows(ds) == rows);
  uint64_t sum = 0;
  int values_ok = 1;
  for (size_t i = 0; i < vfl_dataset_rows(ds); i++) {
    vfl_features f = row_of(ds, i, NULL);
    for (uint32_t j = 0; j < f.n; j++) {
      sum += f.index[j];
      if (value_at(&f, j) != (float)((j + 1) % 10) + 0.5f) values_ok = 0;
    }
  }
  CHECK(sum == index_sum);
  CHECK(values_ok);
  CHECK(row_of(ds, 30000, NULL).n == 700000);
  vfl_dataset_free(ds);
}

static void test_chunk_boundaries(void) {
  uint64_t sum_plain, sum_gz;
  const char *plain = tmp_path("big.svm"), *gz = tmp_path("big.svm.gz");
  size_t rows = write_big(plain, 0, &sum_plain);
  write_big(gz, 1, &sum_gz);
  check_big(plain, rows, sum_plain);
  check_big(gz, rows, sum_gz);
  remove(plain);
  remove(gz);
}

/* ------------------------------------------------ allocations per row */

static size_t n_allocs;
static void *counting(void *ud, void *p, size_t n) {
  (void)ud;
  if (n == 0) {
    free(p);
    return NULL;
  }
  n_allocs++;
  return realloc(p, n);
}

static void test_no_allocation_per_row(void) {
  size_t rows = 20000;
  char *text = malloc(rows * 32);
  size_t len = 0;
  for (size_t i = 0; i < rows; i++) len += (size_t)sprintf(text + len, "1 %zu:0.5 %zu:2\n", i % 50 + 1, i % 70 + 60);
  vfl_set_allocator(counting, NULL);
  vfl_dataset *ds = NULL;
  CHECK_OK(vfl_read_libsvm_buffer(text, len, "rows", NULL, &ds));
  vfl_set_allocator(NULL, NULL);
  CHECK(ds && vfl_dataset_rows(ds) == rows);
  CHECK(n_allocs < 100); /* the dataset's arrays double; nothing else grows */
  vfl_dataset_free(ds);
  free(text);
}

/* ------------------------------------------------------------ real data */

static void test_a9a(void) {
  const char *path = t_data("a9a/a9a");
  vfl_dataset *ds = NULL, *dz = NULL;
  CHECK_OK(vfl_read_libsvm(path, NULL, &ds));
  if (!ds) return;
  CHECK(vfl_dataset_rows(ds) == 32561);
  CHECK(vfl_dataset_input_dim(ds, 0) == 123);
  CHECK(vfl_dataset_nnz(ds) == 451592);

  /* A gzip copy reads the same. */
  FILE *in = fopen(path, "rb");
  const char *gz = tmp_path("a9a.gz");
  gzFile out = gzopen(gz, "wb6");
  char buf[65536];
  size_t n;
  while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0) gzwrite(out, buf, (unsigned)n);
  if (in) fclose(in);
  if (out) gzclose(out);
  CHECK_OK(vfl_read_libsvm(gz, NULL, &dz));
  if (dz) {
    int same = vfl_dataset_rows(dz) == vfl_dataset_rows(ds) && vfl_dataset_nnz(dz) == vfl_dataset_nnz(ds);
    for (size_t i = 0; same && i < vfl_dataset_rows(ds); i++) {
      float la, lb;
      vfl_features a = row_of(ds, i, &la), b = row_of(dz, i, &lb);
      same = la == lb && a.n == b.n && memcmp(a.index, b.index, a.n * sizeof *a.index) == 0;
    }
    CHECK(same);
  }
  remove(gz);
  vfl_dataset_free(ds);
  vfl_dataset_free(dz);

  vfl_libsvm_options o = {123, 0, 0, NULL, 0, 0};
  CHECK_OK(vfl_read_libsvm(t_data("a9a/a9a.t"), &o, &ds));
  CHECK(ds && vfl_dataset_rows(ds) == 16281 && vfl_dataset_input_dim(ds, 0) == 123);
  vfl_dataset_free(ds);
}

/* Writes n generated rows (labels, 1-based indices up to 5000, values with
** decimals) to path; line bad (1-based, 0: none) gets a broken value. */
static void write_rows(const char *path, size_t n, size_t bad) {
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f) return;
  uint64_t s = 12345;
  for (size_t i = 1; i <= n; i++) {
    fprintf(f, "%d", (int)(i % 3) - 1);
    uint32_t ix = 0;
    for (int j = 0; j < 20; j++) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      ix += 1 + (uint32_t)(s >> 60);
      fprintf(f, " %u:%.3f", ix, (double)(s >> 40 & 1023) / 100.0);
    }
    fputs(i == bad ? " 7:x1\n" : "\n", f);
  }
  fclose(f);
}

/* Cut into pieces on several threads, a file gives the same dataset as
** read on one, and the same first error, with its real line number. */
static void test_threads(void) {
  char path[512], gz[520];
  snprintf(path, sizeof path, "%s/split.svm", t_tmpdir());
  write_rows(path, 40000, 0); /* about 5 MB: up to 5 pieces */
  vfl_libsvm_options one = {0, 0, 0, NULL, 1, 0}, four = {0, 0, 0, NULL, 4, 0};
  vfl_dataset *a = NULL, *b = NULL;
  CHECK_OK(vfl_read_libsvm(path, &one, &a));
  CHECK_OK(vfl_read_libsvm(path, &four, &b));
  if (a && b) {
    CHECK(vfl_dataset_rows(a) == 40000 && vfl_dataset_rows(b) == 40000);
    CHECK(vfl_dataset_nnz(a) == vfl_dataset_nnz(b));
    CHECK(vfl_dataset_input_dim(a, 0) == vfl_dataset_input_dim(b, 0));
    int same = 1;
    for (size_t i = 0; i < 40000 && same; i++) {
      float la, lb;
      vfl_features fa = row_of(a, i, &la), fb = row_of(b, i, &lb);
      same = la == lb && fa.n == fb.n && memcmp(fa.index, fb.index, fa.n * sizeof *fa.index) == 0 &&
             memcmp(fa.value, fb.value, fa.n * sizeof *fa.value) == 0;
    }
    CHECK(same);
  }
  vfl_dataset_free(a);
  vfl_dataset_free(b);
  /* an error in a late piece names its line in the file */
  write_rows(path, 40000, 37123);
  char want[1024];
  CHECK(vfl_read_libsvm(path, &one, &a) == VFL_EFORMAT);
  snprintf(want, sizeof want, "%s", vfl_last_error());
  CHECK(strstr(want, ":37123:") != NULL);
  CHECK_ERR(vfl_read_libsvm(path, &four, &b), VFL_EFORMAT, want);
  CHECK(b == NULL);
  /* gzip cannot be cut: read on one thread, same rows */
  write_rows(path, 3000, 0);
  snprintf(gz, sizeof gz, "%s.gz", path);
  gzFile z = gzopen(gz, "wb");
  FILE *f = fopen(path, "rb");
  char buf[4096];
  size_t n;
  while (z && f && (n = fread(buf, 1, sizeof buf, f)) > 0) gzwrite(z, buf, (unsigned)n);
  if (f) fclose(f);
  if (z) gzclose(z);
  CHECK_OK(vfl_read_libsvm(gz, &four, &b));
  CHECK(b && vfl_dataset_rows(b) == 3000);
  vfl_dataset_free(b);
  /* a file that cannot be read gets the usual message */
  int rc = vfl_read_libsvm(t_tmpdir(), &one, &a);
  snprintf(want, sizeof want, "%s", vfl_last_error());
  CHECK(rc != VFL_OK);
  CHECK_ERR(vfl_read_libsvm(t_tmpdir(), &four, &b), rc, want);
  remove(path);
  remove(gz);
}

int main(void) {
  test_small_files();
  test_buffer_and_options();
  test_hashing();
  test_errors();
  test_option_and_file_errors();
  test_chunk_boundaries();
  test_no_allocation_per_row();
  test_threads();
  if (t_failures) return t_done("test_read_libsvm"); /* before a skip could hide them */
  test_a9a();
  return t_done("test_read_libsvm");
}
