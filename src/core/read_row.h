/*
** read_row.h -- what the text readers share: the one row buffer each reader
** reuses for every line (so reading allocates only when a row is longer
** than any before it), and the dataset it appends to.
*/
#ifndef VFL_READ_ROW_H
#define VFL_READ_ROW_H

#include "textio.h"
#include "vfl.h"

typedef struct read_row {
  uint32_t *index;
  float *value;
  uint32_t n;
  size_t cap;
} read_row;

int read_row_grow(read_row *r);
void read_row_free(read_row *r);

static inline int read_row_push(read_row *r, uint32_t index, float value) {
  if (r->n == r->cap && read_row_grow(r)) return VFL_ENOMEM;
  r->index[r->n] = index;
  r->value[r->n] = value;
  r->n++;
  return VFL_OK;
}

/* Puts the row's features in ascending index order and adds up the values
** of repeated indices (hashed features that collide), as vfl.h promises
** for a row's indices; in place, without allocating. */
void read_row_sort(read_row *r);

/* A new dataset with n_labels labels and one input (kind, dim) named name,
** or NULL (error set). */
vfl_dataset *read_dataset_new(uint32_t n_labels, const char *name, int kind, uint32_t dim);

/* Fixes the dimension of input 0 once the whole file is read (CSV: known
** only at the end, when every column's kind is). */
void read_set_dim(vfl_dataset *ds, uint32_t dim);

/* Appends the row in r with labels and weight; the dataset's own complaints
** (none are expected: readers check first) get the line as context. */
int read_append(vfl_dataset *ds, const text_src *src, const read_row *r, const float *labels,
                uint32_t n_labels, float weight);

/* Stores the string s (len bytes) in extra *k of the last row, declaring
** the extra called name first when *k < 0 (rows before it hold nil). The
** dataset's complaints get the line as context. */
int read_set_extra(vfl_dataset *ds, const text_src *src, const char *name, int *k, const char *s, size_t len);

/* A file passed to the wrong reader is refused by what it is: the first
** line of a vfl model file (it starts with the model magic) fails with
** "NAME" is a vfl model file, not <format>: load it as a model". Returns
** VFL_OK for any other line. */
int read_refuse_model(const text_src *src, const char *line, size_t len, const char *format);

/* Shows a number token as written, for messages ("value 1e999 is ..."). */
const char *read_show_token(char *out, const char *p, char stop);

#endif
