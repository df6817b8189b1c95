/*
** test_dataset_index.c -- a sparse input's indices, 3 bytes each while they
** are below 2^24 and 4 once one is not (ds_index.h): every row reads back
** exactly as it was given, at the edges and across the widening.
*/
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "ds_index.h"
#include "harness.h"
#include "vfl.h"

#define TOP (DS_INDEX3_LIMIT - 1) /* the largest index that packs */

static int append(vfl_dataset *ds, float label, uint32_t n, const uint32_t *idx, const float *val) {
  vfl_features f = {n, idx, val};
  vfl_row row = {&label, 1, 1.0f, &f, 1};
  return vfl_dataset_append(ds, &row);
}

static vfl_dataset *sparse_dataset(uint32_t dim) {
  vfl_dataset *ds = vfl_dataset_new(1);
  CHECK(vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, dim) == 0);
  return ds;
}

/* Row r of ds has exactly the n indices idx and values val (NULL: ones). */
static int row_is(const vfl_dataset *ds, size_t r, uint32_t n, const uint32_t *idx, const float *val) {
  vfl_row row;
  vfl_features f;
  if (t_row(ds, r, &row, &f) || f.n != n || row.labels[0] != (float)r) return 0;
  for (uint32_t j = 0; j < n; j++)
    if (f.index[j] != idx[j] || (f.value ? f.value[j] : 1.0f) != (val ? val[j] : 1.0f)) return 0;
  return 1;
}

/* The helpers themselves, on an array of exactly ds_index3_bytes(n) bytes
** (ASan reports a read past the padding). */
static void test_pack_unpack(void) {
  uint32_t in[] = {0, 1, 255, 256, 65535, 65536, 0x123456, TOP}, out[8];
  uint8_t *p = malloc(ds_index3_bytes(8));
  ds_index3_pack(p, 0, in, 8);
  ds_index3_seal(p, 8);
  ds_index3_unpack(p, 0, 8, out);
  CHECK(memcmp(in, out, sizeof in) == 0);
  CHECK(ds_index3_get(p, 7) == TOP && ds_index3_get(p, 0) == 0);
  ds_index3_unpack(p, 5, 3, out); /* from the middle */
  CHECK(out[0] == 65536 && out[1] == 0x123456 && out[2] == TOP);
  free(p);
  CHECK(ds_index3_fits(in, 8));
  uint32_t big[] = {0, DS_INDEX3_LIMIT};
  CHECK(ds_index3_fits(big, 1) && !ds_index3_fits(big, 2) && ds_index3_fits(big, 0));
}

/* Every length and start, so that the 8-wide, 4-wide and one-by-one loops
** and their seams all run; each array is exactly as long as it must be. */
static void test_unpack_lengths(void) {
  uint32_t in[40], out[41];
  for (uint32_t k = 0; k < 40; k++) in[k] = (k * 2654435761u) & TOP;
  int same = 1;
  for (size_t j = 0; j < 4; j++) {
    for (size_t n = 0; j + n <= 40; n++) {
      uint8_t *p = malloc(ds_index3_bytes(j + n));
      ds_index3_pack(p, 0, in, j + n);
      ds_index3_seal(p, j + n);
      out[n] = 12345; /* must stay: nothing is written past the n indices */
      ds_index3_unpack(p, j, n, out);
      same &= memcmp(out, in + j, n * sizeof *out) == 0 && out[n] == 12345;
      free(p);
    }
  }
  CHECK(same);
}

/* Index 0, 2^24 - 1, a row of one feature, an empty row, real values: 3
** bytes a non-zero, and every row back as given. */
static void test_edges_packed(void) {
  vfl_dataset *ds = sparse_dataset(0);
  uint32_t a[] = {0}, b[] = {TOP}, c[] = {0, 7, 0x800000, TOP};
  float cv[] = {0.5f, -2.0f, 1e-30f, 3.25f};
  CHECK_OK(append(ds, 0, 1, a, NULL));
  CHECK_OK(append(ds, 1, 0, NULL, NULL));
  CHECK_OK(append(ds, 2, 1, b, NULL));
  CHECK_OK(append(ds, 3, 4, c, cv));
  CHECK_OK(append(ds, 4, 0, NULL, NULL));
  const ds_input *in = &ds->inputs[0];
  CHECK(in->index3 != NULL && in->index == NULL && in->dim == DS_INDEX3_LIMIT);
  CHECK(row_is(ds, 0, 1, a, NULL) && row_is(ds, 1, 0, NULL, NULL) && row_is(ds, 2, 1, b, NULL));
  CHECK(row_is(ds, 3, 4, c, cv) && row_is(ds, 4, 0, NULL, NULL));
  CHECK(vfl_dataset_bytes(ds) == 6 * (3 + 4) + 6 * 4 + 5 * 4); /* non-zeros, offsets, labels */
  CHECK(vfl_dataset_row_room(ds) == 4);
  vfl_dataset_free(ds);
  /* a dataset of empty rows still lends a room of one index */
  ds = sparse_dataset(5);
  CHECK_OK(append(ds, 0, 0, NULL, NULL));
  CHECK(vfl_dataset_row_room(ds) == 1 && row_is(ds, 0, 0, NULL, NULL));
  vfl_dataset_free(ds);
}

/* The first index of 2^24 or more widens the indices, once: the packed rows
** before it, the row itself and the rows after all read back as given; the
** grown dimension passes 2^24 on the way. */
static void test_widening(int with_values) {
  vfl_dataset *ds = sparse_dataset(0);
  uint32_t lo[] = {0, 3, TOP}, hi[] = {1, DS_INDEX3_LIMIT, 0xFFFFFFFEu}, after[] = {2, TOP};
  float v[] = {1.5f, 2.5f, -3.5f};
  const float *val = with_values ? v : NULL;
  for (int i = 0; i < 40; i++) CHECK_OK(append(ds, (float)i, 3, lo, val)); /* grows the packed array */
  CHECK(ds->inputs[0].index3 != NULL && ds->inputs[0].dim == DS_INDEX3_LIMIT);
  CHECK_OK(append(ds, 40, 3, hi, val));
  CHECK_OK(append(ds, 41, 0, NULL, NULL));
  CHECK_OK(append(ds, 42, 2, after, val));
  const ds_input *in = &ds->inputs[0];
  CHECK(in->index3 == NULL && in->index != NULL && in->dim == 0xFFFFFFFFu);
  int same = 1;
  for (size_t r = 0; r < 40; r++) same &= row_is(ds, r, 3, lo, val);
  CHECK(same);
  CHECK(row_is(ds, 40, 3, hi, val) && row_is(ds, 41, 0, NULL, NULL) && row_is(ds, 42, 2, after, val));
  CHECK(vfl_dataset_bytes(ds) == 125 * (4 + (with_values ? 4 : 0)) + 44 * 4 + 43 * 4);
  vfl_dataset_free(ds);
}

/* A declared dimension beyond 2^24 packs while the indices fit. */
static void test_declared_dim(void) {
  vfl_dataset *ds = sparse_dataset(1u << 28);
  uint32_t a[] = {5, TOP}, b[] = {(1u << 28) - 1};
  CHECK_OK(append(ds, 0, 2, a, NULL));
  CHECK(ds->inputs[0].index3 != NULL);
  CHECK_OK(append(ds, 1, 1, b, NULL));
  CHECK(ds->inputs[0].index3 == NULL && row_is(ds, 0, 2, a, NULL) && row_is(ds, 1, 1, b, NULL));
  vfl_dataset_free(ds);
}

/* Bulk appends (read_split.c's pieces): packed after packed stays packed; a
** wide piece widens a packed dataset; a packed piece after a wide dataset
** is unpacked into it. */
static void test_append_all(void) {
  uint32_t lo[] = {1, TOP}, hi[] = {DS_INDEX3_LIMIT + 9};
  for (int wide_at = 0; wide_at < 3; wide_at++) { /* 0: none, 1: the dataset, 2: the piece */
    vfl_dataset *ds = sparse_dataset(0), *piece = sparse_dataset(0);
    CHECK_OK(append(ds, 0, 2, lo, NULL));
    CHECK_OK(append(ds, 1, wide_at == 1, hi, NULL));
    CHECK_OK(append(piece, 0, 2, lo, NULL));
    CHECK_OK(append(piece, 1, wide_at == 2, hi, NULL));
    CHECK_OK(ds_append_all(ds, piece));
    CHECK((ds->inputs[0].index3 != NULL) == (wide_at == 0) && vfl_dataset_rows(ds) == 4);
    vfl_row row;
    vfl_features f;
    CHECK_OK(t_row(ds, 2, &row, &f));
    CHECK(f.n == 2 && f.index[0] == 1 && f.index[1] == TOP && row.labels[0] == 0);
    CHECK_OK(t_row(ds, 3, &row, &f));
    CHECK(f.n == (wide_at == 2) && (f.n == 0 || f.index[0] == hi[0]));
    CHECK_OK(t_row(ds, 1, &row, &f));
    CHECK(f.n == (wide_at == 1) && (f.n == 0 || f.index[0] == hi[0]));
    vfl_dataset_free(piece);
    vfl_dataset_free(ds);
  }
}

/* Shuffling rebuilds the dataset row by row through the views: the packed
** rows come back the same, in their new places. */
static void test_shuffle(void) {
  vfl_dataset *ds = sparse_dataset(0);
  for (uint32_t i = 0; i < 200; i++) {
    uint32_t idx[] = {i, TOP - i};
    CHECK_OK(append(ds, (float)i, 2, idx, NULL));
  }
  CHECK_OK(vfl_dataset_shuffle(ds, 3));
  CHECK(ds->inputs[0].index3 != NULL);
  int same = 1;
  for (size_t r = 0; r < 200; r++) {
    vfl_row row;
    vfl_features f;
    t_row(ds, r, &row, &f);
    uint32_t i = (uint32_t)row.labels[0];
    same &= f.n == 2 && f.index[0] == i && f.index[1] == TOP - i;
  }
  CHECK(same);
  vfl_dataset_free(ds);
}

/* vfl_dataset_row unpacks each sparse input into its own share of the room
** (dense inputs take none), so a row's views do not overlap. */
static void test_several_inputs(void) {
  vfl_dataset *ds = vfl_dataset_new(1);
  CHECK(vfl_dataset_add_input(ds, "a", VFL_INPUT_SPARSE, 0) == 0);
  CHECK(vfl_dataset_add_input(ds, "d", VFL_INPUT_DENSE, 2) == 1);
  CHECK(vfl_dataset_add_input(ds, "b", VFL_INPUT_SPARSE, 0) == 2);
  uint32_t ia[] = {4, 5, 6}, ib[] = {TOP, 0};
  float dense[] = {1, 2}, label = 0;
  vfl_features f[3] = {{3, ia, NULL}, {2, NULL, dense}, {2, ib, NULL}};
  vfl_row in = {&label, 1, 1.0f, f, 3};
  CHECK_OK(vfl_dataset_append(ds, &in));
  CHECK(vfl_dataset_row_room(ds) == 5);
  uint32_t room[5];
  vfl_features out[3];
  vfl_row row;
  CHECK_OK(vfl_dataset_row(ds, 0, &row, out, room));
  CHECK(out[0].index == room && out[2].index == room + 3);
  CHECK(memcmp(out[0].index, ia, sizeof ia) == 0 && memcmp(out[2].index, ib, sizeof ib) == 0);
  CHECK(out[1].n == 2 && out[1].value[1] == 2);
  vfl_dataset_free(ds);
}

int main(void) {
  test_pack_unpack();
  test_unpack_lengths();
  test_edges_packed();
  test_widening(0);
  test_widening(1);
  test_declared_dim();
  test_append_all();
  test_shuffle();
  test_several_inputs();
  return t_done("test_dataset_index");
}
