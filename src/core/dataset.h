/*
** dataset.h -- the in-memory dataset: CSR blocks, one per named input.
**
** Memory: a sparse input costs 3 bytes per non-zero for its index while every
** index is below 2^24 (4 once one is not: the indices are widened then,
** once; ds_index.h), plus 4 for its value only once some value differs
** from 1 (indicator data stays at 3), plus a 4-byte offset per row (8 bytes
** once the input holds 2^32 non-zeros or more: the offsets are widened then,
** once). Labels cost 4 bytes each, weights 4 bytes a row only once some
** weight differs from 1. Extras cost 9 bytes a row each, plus their
** strings. Job 1's rows (60 non-zeros, one label): 7.13 bytes per non-zero
** with real values, 3.13 without (8.13 and 4.13 with 4-byte indices).
**
** So a row's indices are read through ds_features, which unpacks them into
** a caller's room of ds_room() indices; no reader sees the packed bytes.
*/
#ifndef VFL_DATASET_H
#define VFL_DATASET_H

#include "ds_index.h"
#include "vfl.h"

typedef struct ds_input {
  char *name;
  int kind;            /* VFL_INPUT_* */
  uint32_t dim;        /* declared, or grown to max index + 1 */
  int grow;            /* dim was declared 0 */
  uint32_t *start32;   /* sparse: rows + 1 offsets into index/value, while nnz < 2^32 */
  uint64_t *start64;   /* the same once they are wider (start32 is then NULL) */
  uint8_t *index3;     /* 3 bytes an index while every index is below 2^24 (ds_index.h) */
  uint32_t *index;     /* 4 bytes an index once one is not (index3 is then NULL) */
  float *value;        /* NULL while every value is 1 */
  size_t nnz, cap;     /* non-zeros held, and room for them in index(3) and value */
  uint32_t max_nnz;    /* largest row, for sizing work buffers */
  float *dense;        /* dense: rows x dim */
} ds_input;

/* An extra: a named value per row that training carries but never reads
** (dataset_extra.c). A string cell holds the offset of its text in the
** dataset's text arena, where it is stored as a size_t length, the bytes
** and a NUL. */
typedef union ds_cell {
  double number;
  int64_t integer;     /* integers and booleans */
  uint64_t text;
} ds_cell;

typedef struct ds_extra {
  char *name;
  uint8_t *type;       /* VFL_VALUE_* per row */
  ds_cell *cell;       /* per row */
} ds_extra;

struct vfl_dataset {
  uint32_t n_labels;
  size_t rows, cap_rows;
  float *labels;       /* rows x n_labels */
  float *weights;      /* NULL while every weight is 1 */
  ds_input *inputs;
  uint32_t n_inputs;
  ds_extra *extras;
  uint32_t n_extras;
  char *text;          /* the extras' strings */
  size_t text_len, text_cap;
  struct featurizer_own *featurizer; /* what the reader made of its columns (featurizer.h); NULL: none */
};

/* Appends every row of src to dst in bulk: one copy per array. src has
** dst's labels, inputs (kinds and declared dims) and extras, as the pieces
** of one file do (read_split.c). */
int ds_append_all(vfl_dataset *dst, const vfl_dataset *src);

/* dataset_extra.c: the extras follow the rows' capacity, and every new row
** starts with all of them nil. */
int ds_extras_reserve(vfl_dataset *ds, size_t cap);
void ds_extras_clear_row(vfl_dataset *ds, size_t row);
void ds_extras_free(vfl_dataset *ds);
/* Copies the extras of src's row from into dst's row to, nils included;
** dst has src's extras in the same positions. */
int ds_extras_copy_row(vfl_dataset *dst, size_t to, const vfl_dataset *src, size_t from);
size_t ds_extras_bytes(const vfl_dataset *ds);

/* The most non-zeros an input holds with 32-bit offsets (UINT32_MAX; a test
** lowers it to reach the widening with a small data set). */
extern uint64_t ds_offset32_max;

/* Where row i of a sparse input starts in index/value (row i + 1: where it ends). */
static inline uint64_t ds_start(const ds_input *in, size_t i) { return in->start32 ? in->start32[i] : in->start64[i]; }

/* Indices ds_features may unpack into a caller's room for a row of in. */
static inline uint32_t ds_room(const ds_input *in) { return in->kind == VFL_INPUT_DENSE ? 0 : in->max_nnz; }

/* The features of row i of input in, as a view; packed indices are unpacked
** into room, which has ds_room(in) of them. */
static inline void ds_features(const ds_input *in, size_t i, vfl_features *f, uint32_t *room) {
  if (in->kind == VFL_INPUT_DENSE) {
    f->n = in->dim;
    f->index = NULL;
    f->value = in->dense + i * in->dim;
    return;
  }
  uint64_t a = ds_start(in, i), b = ds_start(in, i + 1);
  f->n = (uint32_t)(b - a);
  if (in->index3) {
    ds_index3_unpack(in->index3, a, f->n, room);
    f->index = room;
  } else {
    f->index = in->index + a;
  }
  f->value = in->value ? in->value + a : NULL;
}

static inline float ds_weight(const vfl_dataset *ds, size_t i) {
  return ds->weights ? ds->weights[i] : 1.0f;
}

#endif
