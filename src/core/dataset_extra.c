/*
** dataset_extra.c -- extras: named values per row (numbers, integers,
** booleans, strings) that a dataset carries for custom losses and analyses.
**
** Each extra is two arrays that grow with the rows: a type byte and an
** 8-byte cell (a number, or the offset of a string in the text arena).
** Strings are appended to the arena and never freed one by one: a string
** overwritten by set_extra stays in the arena until the dataset is freed,
** which keeps reads lock-free and pointers stable while nothing changes.
*/
#include <string.h>

#include "alloc.h"
#include "dataset.h"
#include "error.h"

static int grow_extra(ds_extra *e, size_t old_cap, size_t cap) {
  uint8_t *type = vfl_realloc(e->type, cap * sizeof *type);
  if (!type) return VFL_ENOMEM;
  e->type = type;
  ds_cell *cell = vfl_realloc(e->cell, cap * sizeof *cell);
  if (!cell) return VFL_ENOMEM;
  e->cell = cell;
  memset(e->type + old_cap, VFL_VALUE_NIL, cap - old_cap);
  return VFL_OK;
}

int ds_extras_reserve(vfl_dataset *ds, size_t cap) {
  for (uint32_t k = 0; k < ds->n_extras; k++)
    if (grow_extra(&ds->extras[k], ds->cap_rows, cap)) return VFL_ENOMEM;
  return VFL_OK;
}

void ds_extras_clear_row(vfl_dataset *ds, size_t row) {
  for (uint32_t k = 0; k < ds->n_extras; k++) ds->extras[k].type[row] = VFL_VALUE_NIL;
}

void ds_extras_free(vfl_dataset *ds) {
  for (uint32_t k = 0; k < ds->n_extras; k++) {
    vfl_free(ds->extras[k].name);
    vfl_free(ds->extras[k].type);
    vfl_free(ds->extras[k].cell);
  }
  vfl_free(ds->extras);
  vfl_free(ds->text);
}

int ds_extras_copy_row(vfl_dataset *dst, size_t to, const vfl_dataset *src, size_t from) {
  for (uint32_t k = 0; k < src->n_extras; k++) {
    vfl_value v;
    int rc = vfl_dataset_extra(src, from, k, &v);
    if (rc == VFL_OK) rc = vfl_dataset_set_extra(dst, to, k, &v);
    if (rc) return rc;
  }
  return VFL_OK;
}

size_t ds_extras_bytes(const vfl_dataset *ds) {
  return ds->rows * ds->n_extras * (sizeof(uint8_t) + sizeof(ds_cell)) + ds->text_len;
}

int vfl_dataset_add_extra(vfl_dataset *ds, const char *name) {
  if (!name || !*name) return vfl_fail(VFL_EINVAL, "dataset extra: the name must be a non-empty string");
  if (vfl_dataset_input_find(ds, name) >= 0)
    return vfl_fail(VFL_EINVAL, "dataset extra '%s': the dataset has an input of that name", name);
  if (vfl_dataset_extra_find(ds, name) >= 0) return vfl_fail(VFL_EINVAL, "dataset extra '%s' is declared twice", name);
  ds_extra *grown = vfl_realloc(ds->extras, (ds->n_extras + 1) * sizeof *grown);
  if (!grown) return VFL_ENOMEM;
  ds->extras = grown;
  ds_extra *e = &ds->extras[ds->n_extras];
  memset(e, 0, sizeof *e);
  e->name = vfl_strdup(name);
  /* Arrays of at least one element, so that a dataset without rows still
  ** holds real ones (as inputs do). */
  size_t cap = ds->cap_rows ? ds->cap_rows : 1;
  if (!e->name || grow_extra(e, 0, cap)) {
    vfl_free(e->name);
    vfl_free(e->type);
    vfl_free(e->cell);
    return VFL_ENOMEM;
  }
  return (int)ds->n_extras++;
}

uint32_t vfl_dataset_extras(const vfl_dataset *ds) { return ds->n_extras; }

const char *vfl_dataset_extra_name(const vfl_dataset *ds, uint32_t k) {
  return k < ds->n_extras ? ds->extras[k].name : NULL;
}

int vfl_dataset_extra_find(const vfl_dataset *ds, const char *name) {
  for (uint32_t k = 0; k < ds->n_extras; k++)
    if (strcmp(ds->extras[k].name, name) == 0) return (int)k;
  return -1;
}

static int check_cell(const vfl_dataset *ds, size_t i, uint32_t k, const char *what) {
  if (k >= ds->n_extras) return vfl_fail(VFL_EINVAL, "%s: no extra %u (the dataset has %u)", what, k + 1, ds->n_extras);
  if (i >= ds->rows)
    return vfl_fail(VFL_EINVAL, "%s '%s': row %zu is out of range (the dataset has %zu rows)", what,
                    ds->extras[k].name, i + 1, ds->rows);
  return VFL_OK;
}

/* Appends len bytes and a NUL to the arena, after their length. */
static int store_text(vfl_dataset *ds, const char *s, size_t len, uint64_t *offset) {
  size_t need = ds->text_len + sizeof len + len + 1;
  if (need < len) return VFL_ENOMEM;
  if (vfl_grow(&ds->text, &ds->text_cap, need, 1)) return VFL_ENOMEM;
  *offset = ds->text_len;
  memcpy(ds->text + ds->text_len, &len, sizeof len);
  if (len) memcpy(ds->text + ds->text_len + sizeof len, s, len);
  ds->text[need - 1] = '\0';
  ds->text_len = need;
  return VFL_OK;
}

int vfl_dataset_set_extra(vfl_dataset *ds, size_t i, uint32_t k, const vfl_value *v) {
  int rc = check_cell(ds, i, k, "set extra");
  if (rc) return rc;
  ds_extra *e = &ds->extras[k];
  ds_cell cell = {0};
  switch (v->type) {
    case VFL_VALUE_NIL:
      break;
    case VFL_VALUE_NUMBER:
      cell.number = v->number;
      break;
    case VFL_VALUE_INTEGER:
      cell.integer = v->integer;
      break;
    case VFL_VALUE_BOOLEAN:
      cell.integer = v->integer != 0;
      break;
    case VFL_VALUE_STRING:
      if (!v->string && v->len) return vfl_fail(VFL_EINVAL, "set extra '%s': the string is missing", e->name);
      if (store_text(ds, v->string, v->len, &cell.text)) return VFL_ENOMEM;
      break;
    default:
      return vfl_fail(VFL_EINVAL, "set extra '%s': unknown value type %d", e->name, v->type);
  }
  e->type[i] = (uint8_t)v->type;
  e->cell[i] = cell;
  return VFL_OK;
}

int vfl_dataset_extra(const vfl_dataset *ds, size_t i, uint32_t k, vfl_value *v) {
  int rc = check_cell(ds, i, k, "extra");
  if (rc) return rc;
  const ds_extra *e = &ds->extras[k];
  memset(v, 0, sizeof *v);
  v->type = e->type[i];
  if (v->type == VFL_VALUE_STRING) {
    const char *t = ds->text + e->cell[i].text;
    memcpy(&v->len, t, sizeof v->len);
    v->string = t + sizeof v->len;
  } else if (v->type == VFL_VALUE_NUMBER) {
    v->number = e->cell[i].number;
  } else if (v->type != VFL_VALUE_NIL) {
    v->integer = e->cell[i].integer;
  }
  return VFL_OK;
}
