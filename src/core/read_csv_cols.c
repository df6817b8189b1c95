/*
** read_csv_cols.c -- what each CSV column is: label, extra, skipped,
** numeric, categorical or still unknown (decided by its first non-empty field), from
** the first line and the options. Columns are named in the options by header
** name or by 1-based number written in digits, so "3" is always column 3.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "read_csv.h"
#include "textnum.h"

static int all_digits(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!text_is_digit(*s)) return 0;
  return 1;
}

/* The 0-based column that entry names, or a negative status. */
static long find_column(const csv_reader *c, const char *what, const char *entry) {
  const char *path = c->src.name;
  if (!entry || !*entry) return vfl_fail(VFL_EINVAL, "reading \"%s\": %s: a column name is empty", path, what);
  if (all_digits(entry)) {
    unsigned long n = strlen(entry) > 9 ? 0 : strtoul(entry, NULL, 10);
    if (n >= 1 && n <= c->ncols) return (long)n - 1;
    return vfl_fail(VFL_EINVAL, "reading \"%s\": %s: there is no column %s (the file has %u columns)", path, what, entry,
                    c->ncols);
  }
  if (!c->opt->header)
    return vfl_fail(VFL_EINVAL, "reading \"%s\": %s: column \"%s\" is named, but the file has no header (header = 1)",
                    path, what, entry);
  for (uint32_t k = 0; k < c->ncols; k++)
    if (strcmp(c->cols[k].name, entry) == 0) return (long)k;
  return vfl_fail(VFL_EINVAL, "reading \"%s\": %s: no column is named \"%s\"", path, what, entry);
}

/* Marks every column listed as kind; "*" (categorical only) marks all. */
static int mark_list(csv_reader *c, const char *what, const char *const *list, uint32_t n, int kind) {
  for (uint32_t i = 0; i < n; i++) {
    if (kind == CSV_CATEGORICAL && list[i] && strcmp(list[i], "*") == 0) {
      for (uint32_t k = 0; k < c->ncols; k++)
        if (c->cols[k].kind == CSV_AUTO) c->cols[k].kind = kind;
      continue;
    }
    long k = find_column(c, what, list[i]);
    if (k < 0) return (int)k;
    if (c->cols[k].kind == CSV_AUTO) c->cols[k].kind = kind;
  }
  return VFL_OK;
}

static int mark_label(csv_reader *c) {
  const vfl_csv_options *o = c->opt;
  long k = 0;
  if (o->label) {
    if (o->label > c->ncols)
      return vfl_fail(VFL_EINVAL, "reading \"%s\": label: there is no column %u (the file has %u columns)", c->src.name,
                      o->label, c->ncols);
    k = (long)o->label - 1;
  } else if (o->label_name) {
    k = find_column(c, "label", o->label_name);
    if (k < 0) return (int)k;
  }
  c->cols[k].kind = CSV_LABEL;
  return VFL_OK;
}

/* The extras' columns, declared in the dataset in the order listed. */
static int mark_extras(csv_reader *c) {
  const vfl_csv_options *o = c->opt;
  for (uint32_t i = 0; i < o->n_extras; i++) {
    long k = find_column(c, "extras", o->extras[i]);
    if (k < 0) return (int)k;
    csv_col *col = &c->cols[k];
    if (col->kind == CSV_LABEL)
      return vfl_fail(VFL_EINVAL, "reading \"%s\": extras: column %s is the label", c->src.name, o->extras[i]);
    if (col->kind == CSV_EXTRA) continue;
    char name[32];
    if (!col->name || !*col->name) snprintf(name, sizeof name, "column%ld", k + 1);
    col->extra = vfl_dataset_add_extra(c->ds, col->name && *col->name ? col->name : name);
    if (col->extra < 0) {
      char where[600];
      snprintf(where, sizeof where, "reading \"%s\"", c->src.name);
      return vfl_fail_context(col->extra, where);
    }
    col->kind = CSV_EXTRA;
  }
  return VFL_OK;
}

/* Names and hash-key prefixes. */
static int name_columns(csv_reader *c, const char *line, const char *end) {
  const char *p = line;
  for (uint32_t k = 0; k < c->ncols; k++) {
    const char *v = "";
    size_t n = 0;
    int rc = c->opt->header ? csv_next_field(c, &p, end, k, &v, &n) : 0;
    if (rc < 0) return rc;
    char number[16];
    if (!c->opt->header || n == 0) { /* no name: the key is the column's number */
      n = (size_t)snprintf(number, sizeof number, "%u", k + 1);
      v = number;
    }
    csv_col *col = &c->cols[k];
    col->key = vfl_alloc(n + 2);
    if (!col->key) return VFL_ENOMEM;
    memcpy(col->key, v, n);
    col->key[n] = '\0';
    if (c->opt->header && !(col->name = vfl_strdup(col->key))) return VFL_ENOMEM;
    col->key[n] = '=';
    col->key[n + 1] = '\0';
    col->key_len = n + 1;
  }
  return VFL_OK;
}

static int count_fields(csv_reader *c, const char *line, const char *end, uint32_t *fields) {
  const char *p = line, *v = "";
  size_t n = 0;
  int rc;
  *fields = 0;
  do {
    rc = csv_next_field(c, &p, end, *fields, &v, &n);
    ++*fields;
  } while (rc == 1);
  return rc < 0 ? rc : VFL_OK;
}

int csv_columns(csv_reader *c, const char *line, const char *end) {
  uint32_t n;
  int rc = count_fields(c, line, end, &n);
  if (rc) return rc;
  c->cols = vfl_calloc(n, sizeof *c->cols);
  if (!c->cols) return VFL_ENOMEM;
  c->ncols = n;
  rc = name_columns(c, line, end);
  if (!rc) rc = mark_label(c);
  if (!rc) rc = mark_extras(c);
  if (!rc) rc = mark_list(c, "skip", c->opt->skip, c->opt->n_skip, CSV_SKIP);
  if (!rc) rc = mark_list(c, "text", c->opt->text, c->opt->n_text, CSV_TEXT);
  if (!rc) rc = mark_list(c, "categorical", c->opt->categorical, c->opt->n_categorical, CSV_CATEGORICAL);
  for (uint32_t k = 0; k < n && !rc; k++)
    if (c->cols[k].kind == CSV_CATEGORICAL || c->cols[k].kind == CSV_TEXT) c->any_categorical = 1;
  return rc;
}

void csv_columns_free(csv_reader *c) {
  for (uint32_t k = 0; k < c->ncols; k++) {
    vfl_free(c->cols[k].name);
    vfl_free(c->cols[k].key);
  }
  vfl_free(c->cols);
  c->cols = NULL;
  c->ncols = 0;
}
