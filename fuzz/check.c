/*
** check.c -- what every reader result must satisfy, accepted or refused.
** Readers promise a dataset whose every view is in range and finite, or a
** status with a message and no dataset; these checks make a quiet breach of
** that promise (an index past the dimension, a NaN that slipped through)
** as loud as a crash.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "targets.h"

void fuzz_broken(const char *what, const char *file, int line) {
  fprintf(stderr, "%s:%d: fuzz invariant broken: %s (last error: \"%s\")\n", file, line, what, vfl_last_error());
  abort();
}

static void check_row(const vfl_dataset *ds, size_t i, vfl_features *feats, uint32_t *index, size_t *nnz) {
  vfl_row row;
  FUZZ_ASSERT(vfl_dataset_row(ds, i, &row, feats, index) == VFL_OK);
  FUZZ_ASSERT(row.n_labels == vfl_dataset_labels(ds));
  for (uint32_t j = 0; j < row.n_labels; j++) FUZZ_ASSERT(isfinite(row.labels[j]));
  FUZZ_ASSERT(isfinite(row.weight) && row.weight >= 0);
  for (uint32_t k = 0; k < vfl_dataset_extras(ds); k++) { /* CSV extras, VW tags */
    vfl_value v;
    FUZZ_ASSERT(vfl_dataset_extra(ds, i, k, &v) == VFL_OK);
    FUZZ_ASSERT(v.type == VFL_VALUE_NIL || (v.type == VFL_VALUE_STRING && v.string[v.len] == '\0'));
  }
  for (uint32_t k = 0; k < row.n_inputs; k++) {
    const vfl_features *f = &row.inputs[k];
    uint32_t dim = vfl_dataset_input_dim(ds, k);
    if (vfl_dataset_input_kind(ds, k) == VFL_INPUT_DENSE) {
      FUZZ_ASSERT(f->n == dim && f->value);
      for (uint32_t j = 0; j < f->n; j++) FUZZ_ASSERT(isfinite(f->value[j]));
      continue;
    }
    *nnz += f->n;
    for (uint32_t j = 0; j < f->n; j++) {
      FUZZ_ASSERT(f->index[j] < dim);
      FUZZ_ASSERT(!f->value || isfinite(f->value[j]));
    }
  }
}

void fuzz_check_read(int rc, vfl_dataset *ds) {
  if (rc != VFL_OK) {
    FUZZ_ASSERT(rc < 0 && ds == NULL);
    FUZZ_ASSERT(vfl_last_error()[0] != '\0'); /* every refusal says why */
    return;
  }
  FUZZ_ASSERT(ds != NULL);
  vfl_features feats[4];
  FUZZ_ASSERT(vfl_dataset_inputs(ds) <= 4);
  uint32_t *index = malloc(vfl_dataset_row_room(ds) * sizeof *index);
  FUZZ_ASSERT(index != NULL);
  size_t nnz = 0;
  for (size_t i = 0; i < vfl_dataset_rows(ds); i++) check_row(ds, i, feats, index, &nnz);
  FUZZ_ASSERT(nnz == vfl_dataset_nnz(ds));
  free(index);
  vfl_dataset_free(ds);
}
