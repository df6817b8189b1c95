/*
** read_csv_table.c -- what a CSV file leaves beside its rows: the class
** names of a label column of names (encoded once, ids 0..n-1 in order of
** first appearance, or in the order given), and the TABLE featurizer that
** records every column, so that a model trained on the file featurizes a
** row given by column names as the reader did (vfl_featurize_row).
*/
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "dataset.h"
#include "error.h"
#include "featurizer.h"
#include "read_csv.h"
#include "textnum.h"

static size_t slot_for(const csv_classes *cl, const char *name, size_t len) {
  size_t s = vfl_hash_bytes(name, len, 0) & (cl->slots - 1);
  for (; cl->slot[s]; s = (s + 1) & (cl->slots - 1)) {
    const char *have = cl->name[cl->slot[s] - 1];
    if (strlen(have) == len && memcmp(have, name, len) == 0) break;
  }
  return s;
}

static int grow_slots(csv_classes *cl) {
  size_t slots = cl->slots ? 2 * cl->slots : 64;
  uint32_t *slot = vfl_calloc(slots, sizeof *slot);
  if (!slot) return VFL_ENOMEM;
  vfl_free(cl->slot);
  cl->slot = slot;
  cl->slots = slots;
  for (uint32_t i = 0; i < cl->n; i++) cl->slot[slot_for(cl, cl->name[i], strlen(cl->name[i]))] = i + 1;
  return VFL_OK;
}

static int add_class(csv_classes *cl, const char *name, size_t len, size_t *slot) {
  if (2 * (cl->n + 1) > cl->slots) {
    if (grow_slots(cl)) return VFL_ENOMEM;
    *slot = slot_for(cl, name, len);
  }
  if (vfl_grow(&cl->name, &cl->cap, cl->n + 1, sizeof *cl->name)) return VFL_ENOMEM;
  char *copy = vfl_alloc(len + 1);
  if (!copy) return VFL_ENOMEM;
  memcpy(copy, name, len);
  copy[len] = '\0';
  cl->name[cl->n++] = copy;
  cl->slot[*slot] = cl->n;
  return VFL_OK;
}

int csv_class_id(csv_reader *c, uint32_t field, const char *name, size_t len, float *id) {
  csv_classes *cl = &c->classes;
  char show[48];
  if (!cl->slots && grow_slots(cl)) return VFL_ENOMEM;
  size_t s = slot_for(cl, name, len);
  if (!cl->slot[s]) {
    if (cl->fixed) return csv_fail(c, field, VFL_EFORMAT, "label \"%s\" is not one of the given classes", text_show(show, name, len));
    if (memchr(name, '\0', len)) return csv_fail(c, field, VFL_EFORMAT, "the label holds a NUL byte");
    if (add_class(cl, name, len, &s)) return VFL_ENOMEM;
  }
  *id = (float)(cl->slot[s] - 1);
  return VFL_OK;
}

int csv_classes_given(csv_reader *c) {
  const vfl_csv_options *o = c->opt;
  for (uint32_t i = 0; i < o->n_classes; i++) {
    float id;
    const char *name = o->classes[i];
    if (!name || !*name) return vfl_fail(VFL_EINVAL, "reading \"%s\": classes[%u] is empty", c->src.name, i + 1);
    size_t before = c->classes.n;
    if (csv_class_id(c, 0, name, strlen(name), &id)) return VFL_ENOMEM;
    if (c->classes.n == before) return vfl_fail(VFL_EINVAL, "reading \"%s\": classes name '%s' twice", c->src.name, name);
  }
  c->classes.fixed = o->n_classes > 0;
  return VFL_OK;
}

void csv_classes_free(csv_classes *cl) {
  for (uint32_t i = 0; i < cl->n; i++) vfl_free(cl->name[i]);
  vfl_free(cl->name);
  vfl_free(cl->slot);
  memset(cl, 0, sizeof *cl);
}

static int column_kind(int kind) {
  switch (kind) {
  case CSV_NUMERIC: return VFL_COLUMN_NUMERIC;
  case CSV_CATEGORICAL: return VFL_COLUMN_CATEGORICAL;
  case CSV_TEXT: return VFL_COLUMN_TEXT;
  case CSV_LABEL: return VFL_COLUMN_LABEL;
  default: return VFL_COLUMN_SKIP; /* skipped, extras, and columns never filled */
  }
}

int csv_make_featurizer(csv_reader *c, uint32_t bits) {
  if (!c->ncols) return VFL_OK; /* an empty file */
  vfl_column *cols = vfl_calloc(c->ncols, sizeof *cols);
  if (!cols) return VFL_ENOMEM;
  for (uint32_t k = 0; k < c->ncols; k++) {
    cols[k].kind = column_kind(c->cols[k].kind);
    cols[k].name = c->cols[k].key; /* "name=": the name is the key without its '=' */
    c->cols[k].key[c->cols[k].key_len - 1] = '\0';
  }
  vfl_featurizer f = {0};
  f.kind = VFL_FEATURIZE_TABLE;
  f.bits = bits;
  f.ngrams = c->words.ngrams;
  f.minn = c->words.minn;
  f.maxn = c->words.maxn;
  f.lower = c->words.lower;
  f.n_columns = c->ncols;
  f.columns = cols;
  if (c->label_mode == LABELS_NAMES) {
    f.n_classes = c->classes.n;
    f.classes = (const char *const *)c->classes.name;
  }
  int rc = featurizer_attach(c->ds, &f, c->names);
  if (rc && rc != VFL_ENOMEM && !(c->label_mode == LABELS_NAMES || c->names || c->opt->n_text))
    rc = VFL_OK; /* e.g. two columns of the same header name: a plain numeric file still reads, without a featurizer */
  for (uint32_t k = 0; k < c->ncols; k++) c->cols[k].key[c->cols[k].key_len - 1] = '=';
  vfl_free(cols);
  if (rc && rc != VFL_ENOMEM) {
    char where[600];
    snprintf(where, sizeof where, "reading \"%s\"", c->src.name);
    return vfl_fail_context(rc, where);
  }
  return rc;
}
