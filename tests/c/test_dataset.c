/*
** test_dataset.c -- appending, viewing, memory layout, shuffle, split, errors.
*/
#include <math.h>
#include <string.h>

#include "dataset.h"
#include "harness.h"
#include "vfl.h"

static int append(vfl_dataset *ds, float label, uint32_t n, const uint32_t *idx, const float *val) {
  vfl_features f = {n, idx, val};
  vfl_row row = {&label, 1, 1.0f, &f, 1};
  return vfl_dataset_append(ds, &row);
}

static void test_append_and_view(void) {
  vfl_dataset *ds = vfl_dataset_new(1);
  CHECK(vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 0) == 0);
  uint32_t i1[] = {0, 5}, i2[] = {2};
  float v2[] = {2.5f};
  CHECK_OK(append(ds, 1, 2, i1, NULL));
  CHECK(ds->inputs[0].value == NULL); /* indicator rows keep no values */
  CHECK_OK(append(ds, 0, 1, i2, v2));
  CHECK(ds->inputs[0].value != NULL);
  CHECK(vfl_dataset_rows(ds) == 2);
  CHECK(vfl_dataset_nnz(ds) == 3);
  CHECK(vfl_dataset_input_dim(ds, 0) == 6);
  vfl_row row;
  vfl_features f;
  CHECK_OK(t_row(ds, 0, &row, &f));
  CHECK(f.n == 2 && f.index[1] == 5 && f.value[0] == 1.0f && row.labels[0] == 1);
  CHECK_OK(t_row(ds, 1, &row, &f));
  CHECK(f.n == 1 && f.index[0] == 2 && f.value[0] == 2.5f && row.labels[0] == 0);
  CHECK_ERR(t_row(ds, 2, &row, &f), VFL_EINVAL, "row 3 is out of range (the dataset has 2 rows)");
  vfl_dataset_free(ds);
}

static void test_empty_first_row(void) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 0);
  uint32_t i1[] = {3};
  float v1[] = {2.0f};
  CHECK_OK(append(ds, 1, 0, NULL, NULL));
  CHECK_OK(append(ds, 0, 1, i1, v1));
  CHECK(vfl_dataset_rows(ds) == 2 && vfl_dataset_nnz(ds) == 1 && vfl_dataset_input_dim(ds, 0) == 4);
  uint32_t huge[] = {UINT32_MAX};
  CHECK_ERR(append(ds, 1, 1, huge, NULL), VFL_EINVAL, "row 3, input 'x': feature index 4294967295 is too large");
  vfl_dataset_free(ds);
}

static void test_errors(void) {
  vfl_dataset *ds = vfl_dataset_new(1);
  CHECK(vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 4) == 0);
  CHECK_ERR(vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 4), VFL_EINVAL, "dataset input 'x' is declared twice");
  CHECK_ERR(vfl_dataset_add_input(ds, "d", VFL_INPUT_DENSE, 0), VFL_EINVAL,
            "dataset input 'd': a dense input needs a dimension above 0");
  uint32_t bad[] = {4};
  CHECK_ERR(append(ds, 1, 1, bad, NULL), VFL_EINVAL, "row 1, input 'x': feature index 4 is beyond the dimension 4");
  uint32_t ok[] = {1};
  float nan[] = {NAN};
  CHECK_ERR(append(ds, 1, 1, ok, nan), VFL_EINVAL, "row 1, input 'x': value nan is not a finite number");
  CHECK_ERR(append(ds, INFINITY, 1, ok, NULL), VFL_EINVAL, "row 1: label 1 is not a finite number");
  CHECK(vfl_dataset_rows(ds) == 0);
  CHECK_OK(append(ds, 1, 1, ok, NULL));
  CHECK_ERR(vfl_dataset_add_input(ds, "late", VFL_INPUT_SPARSE, 4), VFL_EINVAL,
            "dataset input 'late': inputs must be declared before the first row");
  vfl_dataset_free(ds);
}

static void test_memory_per_nonzero(void) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 1000);
  uint32_t idx[60];
  for (int j = 0; j < 60; j++) idx[j] = (uint32_t)j * 7;
  for (int i = 0; i < 1000; i++) append(ds, 1, 60, idx, NULL);
  size_t bytes = vfl_dataset_bytes(ds);
  /* indicator data: 3 bytes a non-zero (indices below 2^24 pack), 8 bytes a
  ** row (a 32-bit offset + the label) */
  CHECK(bytes == 60000 * 3 + 1001 * 4 + 1000 * 4);
  vfl_dataset_free(ds);
  /* real values: 7 bytes a non-zero, the same 8 a row: 7.13 at 60 a row */
  ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 1000);
  float val[60];
  for (int j = 0; j < 60; j++) val[j] = 0.5f + (float)j;
  for (int i = 0; i < 1000; i++) append(ds, 1, 60, idx, val);
  CHECK(vfl_dataset_bytes(ds) == 60000 * 7 + 1001 * 4 + 1000 * 4);
  vfl_dataset_free(ds);
}

static void test_shuffle_split_dense(void) {
  vfl_dataset *ds = vfl_dataset_new(1);
  CHECK(vfl_dataset_add_input(ds, "d", VFL_INPUT_DENSE, 2) == 0);
  for (int i = 0; i < 100; i++) {
    float label = (float)i, v[2] = {(float)i, (float)-i};
    vfl_features f = {2, NULL, v};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    CHECK_OK(vfl_dataset_append(ds, &row));
  }
  CHECK_OK(vfl_dataset_shuffle(ds, 7));
  int moved = 0;
  double sum = 0;
  for (size_t i = 0; i < 100; i++) {
    vfl_row row;
    vfl_features f;
    t_row(ds, i, &row, &f);
    CHECK(f.value[0] == row.labels[0] && f.value[1] == -row.labels[0]);
    moved += row.labels[0] != (float)i;
    sum += row.labels[0];
  }
  CHECK(moved > 80);
  CHECK(sum == 4950);
  vfl_dataset *a, *b;
  CHECK_OK(vfl_dataset_split(ds, 0.9, &a, &b));
  CHECK(vfl_dataset_rows(a) == 90 && vfl_dataset_rows(b) == 10);
  vfl_dataset_free(a);
  vfl_dataset_free(b);
  vfl_dataset_free(ds);
}

/* ds_append_all (the pieces of a file read on several threads) gives what
** appending the rows one by one gives: values, weights, dims, extras. */
static void test_append_all(void) {
  vfl_dataset *a = vfl_dataset_new(1), *b = vfl_dataset_new(1), *want = vfl_dataset_new(1);
  vfl_dataset *all[] = {a, b, want};
  for (int d = 0; d < 3; d++) {
    vfl_dataset_add_input(all[d], "x", VFL_INPUT_SPARSE, 0);
    vfl_dataset_add_extra(all[d], "tag");
  }
  uint32_t i1[] = {0, 3}, i2[] = {9}, i3[] = {1, 2, 4};
  float v3[] = {0.5f, 2, 3};
  CHECK_OK(append(a, 1, 2, i1, NULL));
  CHECK_OK(append(want, 1, 2, i1, NULL));
  vfl_features f2 = {1, i2, NULL}, f3 = {3, i3, v3};
  float label = 0;
  vfl_row r2 = {&label, 1, 2.5f, &f2, 1}, r3 = {&label, 1, 1.0f, &f3, 1};
  vfl_value tag = {VFL_VALUE_STRING, 0, 0, "t", 1};
  CHECK_OK(vfl_dataset_append(b, &r2));
  CHECK_OK(vfl_dataset_append(b, &r3));
  CHECK_OK(vfl_dataset_set_extra(b, 1, 0, &tag));
  CHECK_OK(vfl_dataset_append(want, &r2));
  CHECK_OK(vfl_dataset_append(want, &r3));
  CHECK_OK(vfl_dataset_set_extra(want, 2, 0, &tag));
  CHECK_OK(ds_append_all(a, b));
  CHECK(vfl_dataset_rows(a) == 3 && vfl_dataset_nnz(a) == 6 && vfl_dataset_input_dim(a, 0) == 10);
  CHECK(a->inputs[0].max_nnz == 3 && vfl_dataset_bytes(a) == vfl_dataset_bytes(want));
  for (size_t i = 0; i < 3; i++) {
    vfl_row x, y;
    vfl_features fx, fy;
    vfl_value ex, ey;
    uint32_t ix[3], iy[3];
    CHECK_OK(vfl_dataset_row(a, i, &x, &fx, ix));
    CHECK_OK(vfl_dataset_row(want, i, &y, &fy, iy));
    CHECK(x.labels[0] == y.labels[0] && x.weight == y.weight && fx.n == fy.n);
    for (uint32_t j = 0; j < fx.n && j < fy.n; j++)
      CHECK(fx.index[j] == fy.index[j] && (fx.value ? fx.value[j] : 1) == (fy.value ? fy.value[j] : 1));
    CHECK_OK(vfl_dataset_extra(a, i, 0, &ex));
    CHECK_OK(vfl_dataset_extra(want, i, 0, &ey));
    CHECK(ex.type == ey.type);
  }
  for (int d = 0; d < 3; d++) vfl_dataset_free(all[d]);
}

/* Offsets widen to 64 bits when an input outgrows 32-bit ones (2^32
** non-zeros; lowered here to 100): while rows are appended one by one, and
** while a piece is appended in bulk; every row reads back the same. */
static void test_wide_offsets(void) {
  ds_offset32_max = 100;
  vfl_dataset *ds = vfl_dataset_new(1), *piece = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 0);
  vfl_dataset_add_input(piece, "x", VFL_INPUT_SPARSE, 0);
  uint32_t idx[30];
  for (uint32_t j = 0; j < 30; j++) idx[j] = j * 3;
  for (uint32_t i = 0; i < 3; i++) CHECK_OK(append(ds, (float)i, 10 + 5 * i, idx, NULL)); /* 45 non-zeros */
  CHECK(ds->inputs[0].start32 != NULL);
  for (uint32_t i = 0; i < 4; i++) CHECK_OK(append(piece, (float)i, 30 - i, idx, NULL)); /* 114: widens */
  CHECK(piece->inputs[0].start32 == NULL && piece->inputs[0].start64 != NULL);
  CHECK_OK(ds_append_all(ds, piece)); /* 159: the bulk append widens */
  CHECK(ds->inputs[0].start32 == NULL && vfl_dataset_rows(ds) == 7 && vfl_dataset_nnz(ds) == 159);
  CHECK(vfl_dataset_bytes(ds) == 159 * 3 + 8 * 8 + 7 * 4);
  for (size_t r = 0; r < 7; r++) {
    vfl_row row;
    vfl_features f;
    CHECK_OK(t_row(ds, r, &row, &f));
    uint32_t n = r < 3 ? 10 + 5 * (uint32_t)r : 30 - (uint32_t)(r - 3);
    CHECK(f.n == n && memcmp(f.index, idx, n * sizeof *idx) == 0);
  }
  vfl_dataset_free(piece);
  vfl_dataset_free(ds);
  ds_offset32_max = UINT32_MAX;
}

int main(void) {
  test_wide_offsets();
  test_append_all();
  test_append_and_view();
  test_empty_first_row();
  test_errors();
  test_memory_per_nonzero();
  test_shuffle_split_dense();
  return t_done("test_dataset");
}
