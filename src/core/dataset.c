/*
** dataset.c -- building, reading and reshaping in-memory datasets.
*/
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "dataset.h"
#include "featurizer.h"
#include "error.h"
#include "rng.h"

vfl_dataset *vfl_dataset_new(uint32_t n_labels) {
  vfl_dataset *ds = vfl_calloc(1, sizeof *ds);
  if (!ds) return NULL;
  ds->n_labels = n_labels;
  return ds;
}

static void input_release(ds_input *in) {
  vfl_free(in->name);
  vfl_free(in->start32);
  vfl_free(in->start64);
  vfl_free(in->index3);
  vfl_free(in->index);
  vfl_free(in->value);
  vfl_free(in->dense);
}

void vfl_dataset_free(vfl_dataset *ds) {
  if (!ds) return;
  for (uint32_t k = 0; k < ds->n_inputs; k++) input_release(&ds->inputs[k]);
  vfl_free(ds->inputs);
  vfl_free(ds->labels);
  vfl_free(ds->weights);
  ds_extras_free(ds);
  vfl_free(ds->featurizer);
  vfl_free(ds);
}

const vfl_featurizer *vfl_dataset_featurizer(const vfl_dataset *ds) {
  return ds && ds->featurizer ? &ds->featurizer->f : NULL;
}

int vfl_dataset_add_input(vfl_dataset *ds, const char *name, int kind, uint32_t dim) {
  if (!name || !*name) return vfl_fail(VFL_EINVAL, "dataset input: the name must be a non-empty string");
  if (ds->rows) return vfl_fail(VFL_EINVAL, "dataset input '%s': inputs must be declared before the first row", name);
  if (kind != VFL_INPUT_SPARSE && kind != VFL_INPUT_DENSE && kind != VFL_INPUT_GROUPED)
    return vfl_fail(VFL_EINVAL, "dataset input '%s': unknown kind %d", name, kind);
  if (kind == VFL_INPUT_DENSE && dim == 0)
    return vfl_fail(VFL_EINVAL, "dataset input '%s': a dense input needs a dimension above 0", name);
  if (vfl_dataset_input_find(ds, name) >= 0)
    return vfl_fail(VFL_EINVAL, "dataset input '%s' is declared twice", name);
  if (vfl_dataset_extra_find(ds, name) >= 0)
    return vfl_fail(VFL_EINVAL, "dataset input '%s': the dataset has an extra of that name", name);
  ds_input *grown = vfl_realloc(ds->inputs, (ds->n_inputs + 1) * sizeof *grown);
  if (!grown) return VFL_ENOMEM;
  ds->inputs = grown;
  ds_input *in = &ds->inputs[ds->n_inputs];
  memset(in, 0, sizeof *in);
  in->name = vfl_strdup(name);
  in->start32 = vfl_calloc(1, sizeof *in->start32);
  /* A sparse input holds an index array from the start, so that a view of
  ** a row without features is index + 0 on a real array: NULL + 0 is
  ** undefined behaviour (clang's UBSan reports it; the fuzzer found it). */
  if (kind != VFL_INPUT_DENSE) {
    in->index3 = vfl_alloc(ds_index3_bytes(1));
    in->cap = 1;
    if (in->index3) ds_index3_seal(in->index3, 0);
  }
  if (!in->name || !in->start32 || (kind != VFL_INPUT_DENSE && !in->index3)) {
    input_release(in);
    return VFL_ENOMEM;
  }
  in->kind = kind;
  in->dim = dim;
  in->grow = dim == 0;
  return (int)ds->n_inputs++;
}

/* "nan", "inf" or "-inf": printf's %g writes "-nan" for some NaNs (0/0 on
** x86), which would make messages depend on how a NaN was made. */
static const char *nonfinite_name(float v) { return isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

/* Checks one block of a row before anything is copied, so that a bad row
** leaves the dataset as it was. */
static int check_block(const ds_input *in, const vfl_features *f, size_t row) {
  if (in->kind == VFL_INPUT_DENSE) {
    if (f->n != in->dim)
      return vfl_fail(VFL_EINVAL, "row %zu, input '%s': expected %u dense values, got %u", row + 1, in->name, in->dim, f->n);
    if (!f->value) return vfl_fail(VFL_EINVAL, "row %zu, input '%s': dense values are missing", row + 1, in->name);
  } else if (f->n && !f->index) {
    return vfl_fail(VFL_EINVAL, "row %zu, input '%s': sparse indices are missing", row + 1, in->name);
  }
  for (uint32_t j = 0; j < f->n; j++) {
    if (in->kind != VFL_INPUT_DENSE && in->grow && f->index[j] == UINT32_MAX)
      return vfl_fail(VFL_EINVAL, "row %zu, input '%s': feature index %u is too large", row + 1, in->name, f->index[j]);
    if (in->kind != VFL_INPUT_DENSE && !in->grow && f->index[j] >= in->dim)
      return vfl_fail(VFL_EINVAL, "row %zu, input '%s': feature index %u is beyond the dimension %u", row + 1, in->name,
                      f->index[j], in->dim);
    if (f->value && !isfinite(f->value[j]))
      return vfl_fail(VFL_EINVAL, "row %zu, input '%s': value %s is not a finite number", row + 1, in->name,
                      nonfinite_name(f->value[j]));
  }
  return VFL_OK;
}

/* Room for need rows (doubling, so that appending row by row is cheap). */
static int reserve_rows(vfl_dataset *ds, size_t need) {
  if (need <= ds->cap_rows) return VFL_OK;
  size_t cap = ds->cap_rows ? ds->cap_rows * 2 : 1024;
  if (cap < need) cap = need;
  float *labels = vfl_realloc(ds->labels, cap * (ds->n_labels ? ds->n_labels : 1) * sizeof *labels);
  if (!labels) return VFL_ENOMEM;
  ds->labels = labels;
  if (ds->weights) {
    float *w = vfl_realloc(ds->weights, cap * sizeof *w);
    if (!w) return VFL_ENOMEM;
    ds->weights = w;
  }
  for (uint32_t k = 0; k < ds->n_inputs; k++) {
    ds_input *in = &ds->inputs[k];
    if (in->kind == VFL_INPUT_DENSE) {
      float *d = vfl_realloc(in->dense, cap * in->dim * sizeof *d);
      if (!d) return VFL_ENOMEM;
      in->dense = d;
    } else if (in->start32) {
      uint32_t *s = vfl_realloc(in->start32, (cap + 1) * sizeof *s);
      if (!s) return VFL_ENOMEM;
      in->start32 = s;
    } else {
      uint64_t *s = vfl_realloc(in->start64, (cap + 1) * sizeof *s);
      if (!s) return VFL_ENOMEM;
      in->start64 = s;
    }
  }
  if (ds_extras_reserve(ds, cap)) return VFL_ENOMEM;
  ds->cap_rows = cap;
  return VFL_OK;
}

uint64_t ds_offset32_max = UINT32_MAX;

/* Offsets of 32 bits until the input holds 2^32 non-zeros: then every
** offset is widened to 64 bits, once (cap_rows + 1 of them). */
static int widen_offsets(ds_input *in, size_t cap_rows) {
  uint64_t *s = vfl_alloc((cap_rows + 1) * sizeof *s);
  if (!s) return VFL_ENOMEM;
  for (size_t i = 0; i <= cap_rows; i++) s[i] = in->start32[i];
  vfl_free(in->start32);
  in->start32 = NULL;
  in->start64 = s;
  return VFL_OK;
}

/* Records that row `row` ends at offset `end`; the offsets are wide enough
** (widen_offsets was called first when end needs 64 bits). */
static void set_start(ds_input *in, size_t row, uint64_t end) {
  if (in->start32) in->start32[row] = (uint32_t)end;
  else in->start64[row] = end;
}

/* The first value that is not 1 turns on the value array, filled with ones
** for the rows already stored. */
static int materialise_values(ds_input *in) {
  float *v = vfl_alloc((in->cap ? in->cap : 1) * sizeof *v);
  if (!v) return VFL_ENOMEM;
  for (size_t j = 0; j < in->nnz; j++) v[j] = 1.0f;
  in->value = v;
  return VFL_OK;
}

static int needs_values(const vfl_features *f) {
  if (!f->value) return 0;
  for (uint32_t j = 0; j < f->n; j++)
    if (f->value[j] != 1.0f) return 1;
  return 0;
}

/* Room for need non-zeros in the index and value arrays (doubling). */
static int reserve_nnz(ds_input *in, size_t need) {
  if (need <= in->cap) return VFL_OK;
  size_t cap = in->cap;
  if (in->index3) {
    size_t bytes = ds_index3_bytes(cap);
    if (vfl_grow(&in->index3, &bytes, ds_index3_bytes(need), 1)) return VFL_ENOMEM;
    cap = (bytes - DS_INDEX3_PAD) / 3;
  } else if (vfl_grow(&in->index, &cap, need, sizeof *in->index)) {
    return VFL_ENOMEM;
  }
  if (in->value) {
    float *v = vfl_realloc(in->value, cap * sizeof *v);
    if (!v) return VFL_ENOMEM;
    in->value = v;
  }
  in->cap = cap;
  return VFL_OK;
}

/* The first index of 2^24 or more widens the input's indices to 4 bytes,
** once (both arrays are held while the packed one is copied). */
static int widen_indices(ds_input *in) {
  uint32_t *wide = vfl_alloc((in->cap ? in->cap : 1) * sizeof *wide);
  if (!wide) return VFL_ENOMEM;
  ds_index3_unpack(in->index3, 0, in->nnz, wide);
  vfl_free(in->index3);
  in->index3 = NULL;
  in->index = wide;
  return VFL_OK;
}

static int append_sparse(ds_input *in, size_t row, const vfl_features *f, size_t cap_rows) {
  size_t need = in->nnz + f->n;
  if (need > ds_offset32_max && in->start32 && widen_offsets(in, cap_rows)) return VFL_ENOMEM;
  if (in->index3 && !ds_index3_fits(f->index, f->n) && widen_indices(in)) return VFL_ENOMEM;
  if (reserve_nnz(in, need)) return VFL_ENOMEM;
  if (!in->value && needs_values(f) && materialise_values(in)) return VFL_ENOMEM;
  if (in->index3) {
    ds_index3_pack(in->index3, in->nnz, f->index, f->n);
    ds_index3_seal(in->index3, need);
  } else if (f->n) {
    memcpy(in->index + in->nnz, f->index, f->n * sizeof *in->index);
  }
  if (in->value) {
    if (f->value && f->n) memcpy(in->value + in->nnz, f->value, f->n * sizeof *in->value);
    else
      for (uint32_t j = 0; j < f->n; j++) in->value[in->nnz + j] = 1.0f;
  }
  for (uint32_t j = 0; j < f->n; j++)
    if (in->grow && f->index[j] >= in->dim) in->dim = f->index[j] + 1;
  in->nnz = need;
  set_start(in, row + 1, need);
  if (f->n > in->max_nnz) in->max_nnz = f->n;
  return VFL_OK;
}

static int store_weight(vfl_dataset *ds, float weight) {
  if (!ds->weights && weight != 1.0f) {
    ds->weights = vfl_alloc(ds->cap_rows * sizeof *ds->weights);
    if (!ds->weights) return VFL_ENOMEM;
    for (size_t i = 0; i < ds->rows; i++) ds->weights[i] = 1.0f;
  }
  if (ds->weights) ds->weights[ds->rows] = weight;
  return VFL_OK;
}

int vfl_dataset_append(vfl_dataset *ds, const vfl_row *row) {
  size_t r = ds->rows;
  if (row->n_inputs != ds->n_inputs)
    return vfl_fail(VFL_EINVAL, "row %zu: expected %u input blocks, got %u", r + 1, ds->n_inputs, row->n_inputs);
  if (row->n_labels != ds->n_labels)
    return vfl_fail(VFL_EINVAL, "row %zu: expected %u labels, got %u", r + 1, ds->n_labels, row->n_labels);
  for (uint32_t j = 0; j < row->n_labels; j++)
    if (!isfinite(row->labels[j])) return vfl_fail(VFL_EINVAL, "row %zu: label %u is not a finite number", r + 1, j + 1);
  if (!isfinite(row->weight) || row->weight < 0)
    return isfinite(row->weight)
               ? vfl_fail(VFL_EINVAL, "row %zu: weight %g must be a finite number >= 0", r + 1, (double)row->weight)
               : vfl_fail(VFL_EINVAL, "row %zu: weight %s must be a finite number >= 0", r + 1, nonfinite_name(row->weight));
  for (uint32_t k = 0; k < ds->n_inputs; k++) {
    int rc = check_block(&ds->inputs[k], &row->inputs[k], r);
    if (rc) return rc;
  }
  if (reserve_rows(ds, r + 1) || store_weight(ds, row->weight)) return VFL_ENOMEM;
  memcpy(ds->labels + r * ds->n_labels, row->labels, ds->n_labels * sizeof(float));
  for (uint32_t k = 0; k < ds->n_inputs; k++) {
    ds_input *in = &ds->inputs[k];
    if (in->kind == VFL_INPUT_DENSE) {
      memcpy(in->dense + r * in->dim, row->inputs[k].value, in->dim * sizeof(float));
    } else if (append_sparse(in, r, &row->inputs[k], ds->cap_rows)) {
      /* Undo the blocks of this row already appended. */
      for (uint32_t u = 0; u < k; u++)
        if (ds->inputs[u].kind != VFL_INPUT_DENSE) ds->inputs[u].nnz = ds_start(&ds->inputs[u], r);
      return VFL_ENOMEM;
    }
  }
  ds_extras_clear_row(ds, r);
  ds->rows++;
  return VFL_OK;
}

/* src's indices into dst's from non-zero at on: dst is wide whenever src is. */
static void copy_indices(ds_input *dst, size_t at, const ds_input *src) {
  if (!src->nnz) return;
  if (dst->index3) {
    memcpy(dst->index3 + 3 * at, src->index3, 3 * src->nnz);
    ds_index3_seal(dst->index3, at + src->nnz);
  } else if (src->index3) {
    ds_index3_unpack(src->index3, 0, src->nnz, dst->index + at);
  } else {
    memcpy(dst->index + at, src->index, src->nnz * sizeof *dst->index);
  }
}

/* Input in of src after input out of dst's r0 rows: one copy per array. */
static int append_block(ds_input *out, const ds_input *in, size_t r0, size_t rows, size_t cap_rows) {
  if (in->kind == VFL_INPUT_DENSE) {
    memcpy(out->dense + r0 * out->dim, in->dense, rows * in->dim * sizeof(float));
    return VFL_OK;
  }
  size_t base = out->nnz, need = base + in->nnz;
  if (need > ds_offset32_max && out->start32 && widen_offsets(out, cap_rows)) return VFL_ENOMEM;
  if (out->index3 && in->index && widen_indices(out)) return VFL_ENOMEM;
  if (reserve_nnz(out, need)) return VFL_ENOMEM;
  if (in->value && !out->value && materialise_values(out)) return VFL_ENOMEM;
  copy_indices(out, base, in);
  if (out->value && in->value && in->nnz) memcpy(out->value + base, in->value, in->nnz * sizeof *in->value);
  else if (out->value)
    for (size_t j = 0; j < in->nnz; j++) out->value[base + j] = 1.0f;
  for (size_t i = 1; i <= rows; i++) set_start(out, r0 + i, base + ds_start(in, i));
  out->nnz = need;
  if (in->max_nnz > out->max_nnz) out->max_nnz = in->max_nnz;
  if (out->grow && in->dim > out->dim) out->dim = in->dim;
  return VFL_OK;
}

int ds_append_all(vfl_dataset *dst, const vfl_dataset *src) {
  size_t r0 = dst->rows, n = src->rows;
  if (reserve_rows(dst, r0 + n)) return VFL_ENOMEM;
  if (src->weights && !dst->weights) {
    if (!(dst->weights = vfl_alloc(dst->cap_rows * sizeof *dst->weights))) return VFL_ENOMEM;
    for (size_t i = 0; i < r0; i++) dst->weights[i] = 1.0f;
  }
  for (uint32_t k = 0; k < dst->n_inputs; k++)
    if (append_block(&dst->inputs[k], &src->inputs[k], r0, n, dst->cap_rows)) return VFL_ENOMEM;
  memcpy(dst->labels + r0 * dst->n_labels, src->labels, n * dst->n_labels * sizeof(float));
  for (size_t i = 0; dst->weights && i < n; i++) dst->weights[r0 + i] = ds_weight(src, i);
  dst->rows = r0 + n;
  int rc = VFL_OK;
  for (size_t i = 0; i < n && rc == VFL_OK && src->n_extras; i++) rc = ds_extras_copy_row(dst, r0 + i, src, i);
  return rc;
}

int vfl_dataset_row(const vfl_dataset *ds, size_t i, vfl_row *row, vfl_features *feats, uint32_t *index) {
  if (i >= ds->rows) return vfl_fail(VFL_EINVAL, "row %zu is out of range (the dataset has %zu rows)", i + 1, ds->rows);
  row->labels = ds->labels + i * ds->n_labels;
  row->n_labels = ds->n_labels;
  row->weight = ds_weight(ds, i);
  row->n_inputs = ds->n_inputs;
  for (uint32_t k = 0; k < ds->n_inputs; k++) {
    ds_features(&ds->inputs[k], i, &feats[k], index);
    index += ds_room(&ds->inputs[k]);
  }
  row->inputs = feats;
  return VFL_OK;
}

size_t vfl_dataset_row_room(const vfl_dataset *ds) {
  size_t n = 0;
  for (uint32_t k = 0; k < ds->n_inputs; k++) n += ds_room(&ds->inputs[k]);
  return n ? n : 1;
}

size_t vfl_dataset_rows(const vfl_dataset *ds) { return ds->rows; }
uint32_t vfl_dataset_labels(const vfl_dataset *ds) { return ds->n_labels; }
uint32_t vfl_dataset_inputs(const vfl_dataset *ds) { return ds->n_inputs; }

size_t vfl_dataset_nnz(const vfl_dataset *ds) {
  size_t n = 0;
  for (uint32_t k = 0; k < ds->n_inputs; k++)
    if (ds->inputs[k].kind != VFL_INPUT_DENSE) n += ds->inputs[k].nnz;
  return n;
}

const char *vfl_dataset_input_name(const vfl_dataset *ds, uint32_t k) {
  return k < ds->n_inputs ? ds->inputs[k].name : NULL;
}

int vfl_dataset_input_kind(const vfl_dataset *ds, uint32_t k) { return k < ds->n_inputs ? ds->inputs[k].kind : 0; }

uint32_t vfl_dataset_input_dim(const vfl_dataset *ds, uint32_t k) { return k < ds->n_inputs ? ds->inputs[k].dim : 0; }

int vfl_dataset_input_find(const vfl_dataset *ds, const char *name) {
  for (uint32_t k = 0; k < ds->n_inputs; k++)
    if (strcmp(ds->inputs[k].name, name) == 0) return (int)k;
  return -1;
}

size_t vfl_dataset_bytes(const vfl_dataset *ds) {
  size_t b = ds->rows * ds->n_labels * sizeof(float) + (ds->weights ? ds->rows * sizeof(float) : 0);
  for (uint32_t k = 0; k < ds->n_inputs; k++) {
    const ds_input *in = &ds->inputs[k];
    if (in->kind == VFL_INPUT_DENSE) {
      b += ds->rows * in->dim * sizeof(float);
    } else {
      b += (ds->rows + 1) * (in->start32 ? sizeof(uint32_t) : sizeof(uint64_t));
      b += in->nnz * (in->index3 ? 3 : sizeof(uint32_t));
      if (in->value) b += in->nnz * sizeof(float);
    }
  }
  return b + ds_extras_bytes(ds);
}

/* A new dataset with the same inputs (dimensions included), the same
** extras and no rows. */
static vfl_dataset *empty_like(const vfl_dataset *ds) {
  vfl_dataset *out = vfl_dataset_new(ds->n_labels);
  if (!out) return NULL;
  for (uint32_t k = 0; k < ds->n_inputs; k++) {
    const ds_input *in = &ds->inputs[k];
    if (vfl_dataset_add_input(out, in->name, in->kind, in->dim) < 0) {
      vfl_dataset_free(out);
      return NULL;
    }
    out->inputs[k].grow = in->grow;
  }
  for (uint32_t k = 0; k < ds->n_extras; k++) {
    if (vfl_dataset_add_extra(out, ds->extras[k].name) < 0) {
      vfl_dataset_free(out);
      return NULL;
    }
  }
  return out;
}

/* Appends rows order[0..n) of src to dst, which has src's inputs and
** extras in the same positions. */
static int copy_rows(vfl_dataset *dst, const vfl_dataset *src, const size_t *order, size_t n) {
  vfl_features stack_feats[8];
  vfl_features *feats = src->n_inputs <= 8 ? stack_feats : vfl_alloc(src->n_inputs * sizeof *feats);
  uint32_t *index = vfl_alloc(vfl_dataset_row_room(src) * sizeof *index);
  int rc = feats && index ? VFL_OK : VFL_ENOMEM;
  for (size_t i = 0; i < n && rc == VFL_OK; i++) {
    size_t from = order[i];
    vfl_row row;
    rc = vfl_dataset_row(src, from, &row, feats, index);
    if (rc == VFL_OK) rc = vfl_dataset_append(dst, &row);
    if (rc == VFL_OK) rc = ds_extras_copy_row(dst, dst->rows - 1, src, from);
  }
  if (feats != stack_feats) vfl_free(feats);
  vfl_free(index);
  return rc;
}

int vfl_dataset_subset(const vfl_dataset *ds, const size_t *order, size_t n, vfl_dataset **out) {
  *out = NULL;
  vfl_dataset *sub = empty_like(ds);
  if (!sub) return VFL_ENOMEM;
  int rc = copy_rows(sub, ds, order, n);
  if (rc) {
    vfl_dataset_free(sub);
    return rc;
  }
  *out = sub;
  return VFL_OK;
}

/* Shuffling builds the reordered copy, then swaps its arrays in: the
** dataset is unchanged if memory runs out half way. */
int vfl_dataset_shuffle(vfl_dataset *ds, uint64_t seed) {
  size_t *order = vfl_alloc((ds->rows ? ds->rows : 1) * sizeof *order);
  if (!order) return VFL_ENOMEM;
  for (size_t i = 0; i < ds->rows; i++) order[i] = i;
  vfl_rng rng;
  vfl_rng_seed(&rng, seed);
  vfl_rng_shuffle(&rng, order, ds->rows);
  vfl_dataset *copy;
  int rc = vfl_dataset_subset(ds, order, ds->rows, &copy);
  vfl_free(order);
  if (rc) return rc;
  vfl_dataset tmp = *ds;
  *ds = *copy;
  *copy = tmp;
  vfl_dataset_free(copy);
  return VFL_OK;
}

int vfl_dataset_split(const vfl_dataset *ds, double fraction, vfl_dataset **first, vfl_dataset **second) {
  *first = *second = NULL;
  if (!(fraction >= 0 && fraction <= 1)) return vfl_fail(VFL_EINVAL, "split: fraction %g must be between 0 and 1", fraction);
  size_t k = (size_t)floor(fraction * (double)ds->rows);
  size_t *order = vfl_alloc((ds->rows ? ds->rows : 1) * sizeof *order);
  if (!order) return VFL_ENOMEM;
  for (size_t i = 0; i < ds->rows; i++) order[i] = i;
  int rc = vfl_dataset_subset(ds, order, k, first);
  if (rc == VFL_OK) rc = vfl_dataset_subset(ds, order + k, ds->rows - k, second);
  vfl_free(order);
  if (rc) {
    vfl_dataset_free(*first);
    *first = NULL;
  }
  return rc;
}
