/*
** read_row.c -- see read_row.h.
*/
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "dataset.h"
#include "error.h"
#include "model.h"
#include "read_row.h"
#include "textnum.h"

int read_row_grow(read_row *r) {
  if (r->cap >= UINT32_MAX) return vfl_fail(VFL_EINVAL, "a row holds more than %u features", UINT32_MAX);
  size_t cap = r->cap;
  if (vfl_grow(&r->index, &cap, r->cap + 1, sizeof *r->index)) return VFL_ENOMEM;
  size_t vcap = r->cap;
  if (vfl_grow(&r->value, &vcap, r->cap + 1, sizeof *r->value)) return VFL_ENOMEM;
  r->cap = cap < vcap ? cap : vcap;
  if (r->cap > UINT32_MAX) r->cap = UINT32_MAX;
  return VFL_OK;
}

void read_row_free(read_row *r) {
  vfl_free(r->index);
  vfl_free(r->value);
  r->index = NULL;
  r->value = NULL;
  r->n = 0;
  r->cap = 0;
}

vfl_dataset *read_dataset_new(uint32_t n_labels, const char *name, int kind, uint32_t dim) {
  vfl_dataset *ds = vfl_dataset_new(n_labels);
  if (!ds) return NULL;
  if (vfl_dataset_add_input(ds, name, kind, dim) < 0) {
    vfl_dataset_free(ds);
    return NULL;
  }
  return ds;
}

void read_set_dim(vfl_dataset *ds, uint32_t dim) {
  ds->inputs[0].dim = dim;
  ds->inputs[0].grow = 0;
}

/* The dataset's complaint rc (none are expected: readers check first),
** with the current line as its context. */
static int at_line(const text_src *src, int rc) {
  if (rc == VFL_OK || rc == VFL_ENOMEM) return rc;
  char where[600];
  snprintf(where, sizeof where, "%s:%llu", src->name, (unsigned long long)src->line_no);
  return vfl_fail_context(rc, where);
}

/* Shell sort on the two arrays together: in place, and fast on the short
** rows hashing makes; Ciura's gaps, extended by 2.25 for very long rows. */
static void sort_pairs(uint32_t *index, float *value, uint32_t n) {
  static const uint32_t gaps[] = {1158316, 514807, 228803, 101690, 45196, 20087, 8928, 3968,
                                  1750,    701,    301,    132,    57,     23,    10,   4, 1};
  for (size_t g = 0; g < sizeof gaps / sizeof *gaps; g++) {
    uint32_t gap = gaps[g];
    if (gap >= n) continue;
    for (uint32_t i = gap; i < n; i++) {
      uint32_t ix = index[i];
      float v = value[i];
      uint32_t j = i;
      for (; j >= gap && index[j - gap] > ix; j -= gap) {
        index[j] = index[j - gap];
        value[j] = value[j - gap];
      }
      index[j] = ix;
      value[j] = v;
    }
  }
}

void read_row_sort(read_row *r) {
  uint32_t n = r->n, j = 1;
  while (j < n && r->index[j - 1] < r->index[j]) j++;
  if (j >= n) return;
  sort_pairs(r->index, r->value, n);
  uint32_t out = 0;
  for (uint32_t i = 1; i < n; i++) {
    if (r->index[i] == r->index[out]) {
      r->value[out] += r->value[i];
    } else {
      out++;
      r->index[out] = r->index[i];
      r->value[out] = r->value[i];
    }
  }
  r->n = out + 1;
}

int read_append(vfl_dataset *ds, const text_src *src, const read_row *r, const float *labels,
                uint32_t n_labels, float weight) {
  /* A row without features still passes real pointers: memcpy's
  ** arguments must not be NULL, even for 0 bytes. */
  static const uint32_t no_index[1];
  static const float no_value[1];
  vfl_features f = {r->n, r->n ? r->index : no_index, r->n ? r->value : no_value};
  vfl_row row = {labels, n_labels, weight, &f, 1};
  return at_line(src, vfl_dataset_append(ds, &row));
}

int read_set_extra(vfl_dataset *ds, const text_src *src, const char *name, int *k, const char *s, size_t len) {
  if (*k < 0) *k = vfl_dataset_add_extra(ds, name);
  int rc = *k < 0 ? *k : VFL_OK;
  if (rc == VFL_OK) {
    vfl_value v = {VFL_VALUE_STRING, 0, 0, s, len};
    rc = vfl_dataset_set_extra(ds, vfl_dataset_rows(ds) - 1, (uint32_t)*k, &v);
  }
  return at_line(src, rc);
}

const char *read_show_token(char *out, const char *p, char stop) {
  size_t n = 0;
  while (!text_is_space(p[n]) && p[n] != stop) n++;
  return text_show(out, p, n);
}

int read_refuse_model(const text_src *src, const char *line, size_t len, const char *format) {
  if (src->line_no != 1 || len < 8 || memcmp(line, VFL_MODEL_MAGIC, 8) != 0) return VFL_OK;
  return vfl_fail(VFL_EFORMAT, "\"%s\" is a vfl model file, not %s: load it as a model", src->name, format);
}
