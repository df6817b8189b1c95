/*
** read_csv.c -- CSV and TSV: fields, rows, and the public entry points.
** What each column means is settled in read_csv_cols.c; the layout of the
** features is described in vfl.h (vfl_csv_options).
*/
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "read_csv.h"
#include "textnum.h"

/* Spaces and tabs around a field are dropped, unless they separate fields. */
static int is_blank(char ch, char sep) { return (ch == ' ' || ch == '\t') && ch != sep; }

int csv_fail(const csv_reader *c, uint32_t field, int code, const char *fmt, ...) {
  char what[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  const char *name = field < c->ncols ? c->cols[field].name : NULL;
  unsigned long long line = (unsigned long long)c->src.line_no;
  if (name && *name) return vfl_fail(code, "%s:%llu:%u (%s): %s", c->src.name, line, field + 1, name, what);
  return vfl_fail(code, "%s:%llu:%u: %s", c->src.name, line, field + 1, what);
}

/* ---------------------------------------------------------------- fields */

static int field_room(csv_reader *c, size_t need) {
  return vfl_grow(&c->field, &c->field_cap, need, 1);
}

/* "..." with "" for a quote: copied, unescaped, into c->field. */
static int quoted_field(csv_reader *c, const char **pp, const char *end, uint32_t field, const char **val,
                        size_t *len) {
  const char *p = *pp + 1;
  size_t n = 0;
  for (;;) {
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (!q)
      return csv_fail(c, field, VFL_EFORMAT, "the quoted field is not closed on this line (fields may not span lines)");
    if (field_room(c, n + (size_t)(q - p) + 2)) return VFL_ENOMEM;
    memcpy(c->field + n, p, (size_t)(q - p));
    n += (size_t)(q - p);
    p = q + 1;
    if (p < end && *p == '"') {
      c->field[n++] = '"';
      p++;
    } else {
      break;
    }
  }
  while (p < end && is_blank(*p, c->sep)) p++;
  if (p < end && *p != c->sep) return csv_fail(c, field, VFL_EFORMAT, "unexpected text after the closing quote");
  c->field[n] = '\n'; /* ends a number, as in a line */
  *val = c->field;
  *len = n;
  *pp = p < end ? p + 1 : end;
  return p < end;
}

int csv_next_field(csv_reader *c, const char **pp, const char *end, uint32_t field, const char **val, size_t *len) {
  const char *p = *pp;
  while (p < end && is_blank(*p, c->sep)) p++;
  if (p < end && *p == '"') return quoted_field(c, pp, end, field, val, len);
  size_t rest = p < end ? (size_t)(end - p) : 0; /* explicit, or gcc -O2 -fsanitize=thread warns */
  const char *sep = rest ? memchr(p, c->sep, rest) : NULL;
  const char *e = sep ? sep : end;
  while (e > p && is_blank(e[-1], c->sep)) e--;
  *val = p;
  *len = (size_t)(e - p);
  *pp = sep ? sep + 1 : end;
  return sep != NULL;
}

/* ------------------------------------------------------------- values */

static int use_label(csv_reader *c, uint32_t k, const char *v, size_t n) {
  char show[48];
  if (n == 0) return csv_fail(c, k, VFL_EFORMAT, "the label is missing");
  double x = 0;
  int number = text_number_n(v, n, &x);
  if (c->label_mode == LABELS_UNKNOWN) { /* the first label decides: a number, or a class name */
    c->label_mode = number ? LABELS_NUMBERS : LABELS_NAMES;
    c->label_line = c->src.line_no;
  }
  if (c->label_mode == LABELS_NAMES) return csv_class_id(c, k, v, n, &c->label);
  if (!number)
    return csv_fail(c, k, VFL_EFORMAT,
                    "label \"%s\" is not a number, but the first label (line %llu) was; give label_names = true "
                    "to read the labels as class names",
                    text_show(show, v, n), (unsigned long long)c->label_line);
  if (!isfinite(x)) return csv_fail(c, k, VFL_EFORMAT, "label %s is not finite", text_show(show, v, n));
  if (fabs(x) > FLT_MAX)
    return csv_fail(c, k, VFL_EFORMAT, "label %s is out of range for a float", text_show(show, v, n));
  c->label = (float)x;
  return VFL_OK;
}

/* A free-text field: its words into the categorical buckets. */
static int use_text(csv_reader *c, const char *v, size_t n) {
  c->text.n = 0;
  int rc = vfl_words_hash(&c->words, v, n, c->ncols, &c->text, c->names ? vfl_names_record : NULL, c->names);
  for (uint32_t i = 0; i < c->text.n && !rc; i++) rc = read_row_push(&c->row, c->text.index[i], 1.0f);
  return rc;
}

static int use_categorical(csv_reader *c, uint32_t k, const char *v, size_t n) {
  const csv_col *col = &c->cols[k];
  if (vfl_grow(&c->key, &c->key_cap, col->key_len + n, 1)) return VFL_ENOMEM;
  memcpy(c->key, col->key, col->key_len);
  memcpy(c->key + col->key_len, v, n);
  uint32_t h = vfl_hash_bytes(c->key, col->key_len + n, 0) & c->mask;
  if (c->names) vfl_names_record(c->names, c->ncols + h, c->key, col->key_len + n);
  return read_row_push(&c->row, c->ncols + h, 1.0f);
}

static int use_numeric(csv_reader *c, uint32_t k, const char *v, size_t n, double x) {
  char show[48];
  if (!isfinite(x)) return csv_fail(c, k, VFL_EFORMAT, "value %s is not finite", text_show(show, v, n));
  if (fabs(x) > FLT_MAX)
    return csv_fail(c, k, VFL_EFORMAT, "value %s is out of range for a float", text_show(show, v, n));
  if (x == 0) return VFL_OK; /* sparse: a zero is no feature */
  if (c->names) vfl_names_record(c->names, k, c->cols[k].key, c->cols[k].key_len - 1);
  return read_row_push(&c->row, k, (float)x);
}

/* Copies an extra's field aside until the row is stored (an empty one
** stays nil). */
static int keep_extra(csv_reader *c, csv_col *col, const char *v, size_t n) {
  if (vfl_grow(&c->extra_text, &c->extra_cap, c->extra_len + n + 1, 1)) return VFL_ENOMEM;
  memcpy(c->extra_text + c->extra_len, v, n);
  col->extra_at = c->extra_len;
  col->extra_len = n;
  c->extra_len += n;
  return VFL_OK;
}

/* Stores the line's extras in the row just appended. */
static int store_extras(csv_reader *c) {
  for (uint32_t k = 0; k < c->ncols; k++) {
    csv_col *col = &c->cols[k];
    if (col->kind != CSV_EXTRA || !col->extra_len) continue;
    int rc = read_set_extra(c->ds, &c->src, NULL, &col->extra, c->extra_text + col->extra_at, col->extra_len);
    col->extra_len = 0;
    if (rc) return rc;
  }
  c->extra_len = 0;
  return VFL_OK;
}

/* An unknown column becomes what its first non-empty field looks like. */
static int use_field(csv_reader *c, uint32_t k, const char *v, size_t n) {
  csv_col *col = &c->cols[k];
  if (col->kind == CSV_LABEL) return use_label(c, k, v, n);
  if (col->kind == CSV_EXTRA) return n ? keep_extra(c, col, v, n) : VFL_OK;
  if (col->kind == CSV_SKIP || n == 0) return VFL_OK;
  if (col->kind == CSV_CATEGORICAL) return use_categorical(c, k, v, n);
  if (col->kind == CSV_TEXT) return use_text(c, v, n);
  double x = 0;
  int number = text_number_n(v, n, &x);
  if (col->kind == CSV_AUTO) {
    /* Hashed ids such as Criteo's "9e511730" parse as huge numbers: only a
    ** number that fits a float makes the column numeric. */
    int fits = number && fabs(x) <= FLT_MAX;
    col->kind = fits ? CSV_NUMERIC : CSV_CATEGORICAL;
    col->numeric_line = c->src.line_no;
    if (!fits) {
      c->any_categorical = 1;
      return use_categorical(c, k, v, n);
    }
  }
  if (!number) {
    char show[48];
    return csv_fail(c, k, VFL_EFORMAT,
                    "value \"%s\" is not a number, but the column's first value (line %llu) was; "
                    "list the column in categorical",
                    text_show(show, v, n), (unsigned long long)col->numeric_line);
  }
  return use_numeric(c, k, v, n, x);
}

/* --------------------------------------------------------------- rows */

/* Empty, or only the spaces and tabs that are not separators: such a line
** holds no row (as in the other readers), even as the first line. */
static int is_blank_line(const char *p, const char *end, char sep) {
  while (p < end && is_blank(*p, sep)) p++;
  return p == end;
}

static int parse_row(csv_reader *c, const char *line, const char *end) {
  const char *p = line;
  uint32_t k = 0;
  int more;
  c->row.n = 0;
  do {
    const char *v = "";
    size_t n = 0;
    more = csv_next_field(c, &p, end, k, &v, &n);
    if (more < 0) return more;
    if (k < c->ncols) {
      int rc = use_field(c, k, v, n);
      if (rc) return rc;
    }
    k++;
  } while (more);
  if (k < c->ncols && c->opt->allow_short) {
    for (; k < c->ncols; k++) /* the missing fields are empty */
      if (c->cols[k].kind == CSV_LABEL) return csv_fail(c, k, VFL_EFORMAT, "the label is missing");
  }
  if (k != c->ncols)
    return vfl_fail(VFL_EFORMAT, "%s:%llu: expected %u fields (as %s), found %u", c->src.name,
                    (unsigned long long)c->src.line_no, c->ncols, c->opt->header ? "in the header" : "on the first line",
                    k);
  return VFL_OK;
}

static int read_all(csv_reader *c) {
  const char *line;
  size_t len;
  int rc;
  while ((rc = text_next_line(&c->src, &line, &len)) == 1) {
    if ((rc = read_refuse_model(&c->src, line, len, "CSV text"))) return rc;
    const char *end = line + len;
    if (end > line && end[-1] == '\r') end--;
    if (is_blank_line(line, end, c->sep)) continue; /* blank lines are not rows */
    if (!c->ncols) {
      if ((rc = csv_columns(c, line, end))) return rc;
      if (c->opt->header) continue;
    }
    if ((rc = parse_row(c, line, end))) return rc;
    if ((rc = read_append(c->ds, &c->src, &c->row, &c->label, 1, 1.0f))) return rc;
    if (c->opt->n_extras && (rc = store_extras(c))) return rc;
  }
  if (rc == 0) read_set_dim(c->ds, c->ncols + (c->any_categorical ? c->mask + 1 : 0));
  if (rc == 0) rc = csv_make_featurizer(c, c->opt->hash_bits ? c->opt->hash_bits : 20);
  return rc;
}

/* ------------------------------------------------------------- set-up */

static int check_options(const vfl_csv_options *o, const char *name) {
  if (o->hash_bits > 31)
    return vfl_fail(VFL_EINVAL, "reading \"%s\": hash_bits %u is out of range (1 to 31, or 0 for 20)", name, o->hash_bits);
  if (o->sep == '"' || o->sep == '\n' || o->sep == '\r')
    return vfl_fail(VFL_EINVAL, "reading \"%s\": sep cannot be a quote or a line break", name);
  if (o->label_name && o->label)
    return vfl_fail(VFL_EINVAL, "reading \"%s\": give the label column by number or by name, not both", name);
  if (o->input && !*o->input) return vfl_fail(VFL_EINVAL, "reading \"%s\": the input name must not be empty", name);
  if (o->ngrams > 8) return vfl_fail(VFL_EINVAL, "reading \"%s\": ngrams %u is out of range (1 to 8)", name, o->ngrams);
  if ((o->minn || o->maxn) && !(o->minn >= 1 && o->minn <= o->maxn && o->maxn <= 16))
    return vfl_fail(VFL_EINVAL, "reading \"%s\": minn %u and maxn %u: give 1 <= minn <= maxn <= 16 (or neither)", name,
                    o->minn, o->maxn);
  if ((o->n_skip && !o->skip) || (o->n_categorical && !o->categorical) || (o->n_extras && !o->extras) ||
      (o->n_text && !o->text) || (o->n_classes && !o->classes))
    return vfl_fail(VFL_EINVAL, "reading \"%s\": a column list is NULL but its count is not 0", name);
  return VFL_OK;
}

/* Takes src (opened by the caller) and always closes it. */
static int run(text_src *src, const vfl_csv_options *o, vfl_dataset **out) {
  csv_reader c;
  memset(&c, 0, sizeof c);
  c.src = *src;
  c.opt = o;
  c.sep = o->sep ? o->sep : ',';
  uint32_t bits = o->hash_bits ? o->hash_bits : 20;
  c.mask = (uint32_t)(((uint64_t)1 << bits) - 1);
  c.words = (vfl_words_options){bits, o->ngrams ? o->ngrams : 1, 0, o->minn, o->maxn, o->lower};
  c.label_mode = o->label_names || o->n_classes ? LABELS_NAMES : LABELS_UNKNOWN;
  c.ds = read_dataset_new(1, o->input ? o->input : "features", VFL_INPUT_SPARSE, 0);
  int rc = c.ds ? VFL_OK : VFL_ENOMEM;
  if (!rc && o->keep_names && !(c.names = vfl_names_new())) rc = VFL_ENOMEM;
  if (!rc) rc = csv_classes_given(&c);
  if (!rc) rc = read_all(&c);
  text_close(&c.src);
  csv_columns_free(&c);
  read_row_free(&c.row);
  vfl_free(c.field);
  vfl_free(c.key);
  vfl_free(c.extra_text);
  vfl_feature_buf_free(&c.text);
  vfl_names_free(c.names);
  csv_classes_free(&c.classes);
  if (rc) {
    vfl_dataset_free(c.ds);
    return rc;
  }
  *out = c.ds;
  return VFL_OK;
}

static const vfl_csv_options csv_defaults;

int vfl_read_csv(const char *path, const vfl_csv_options *opt, vfl_dataset **out) {
  *out = NULL;
  if (!opt) opt = &csv_defaults;
  int rc = check_options(opt, path);
  if (rc) return rc;
  text_src src;
  if ((rc = text_open_file(&src, path))) return rc;
  return run(&src, opt, out);
}

int vfl_read_csv_buffer(const char *data, size_t len, const char *name, const vfl_csv_options *opt,
                        vfl_dataset **out) {
  *out = NULL;
  if (!opt) opt = &csv_defaults;
  if (!name) name = "<buffer>";
  int rc = check_options(opt, name);
  if (rc) return rc;
  if (!data && len) return vfl_fail(VFL_EINVAL, "reading \"%s\": the buffer is NULL", name);
  text_src src;
  text_open_buffer(&src, data, len, name);
  return run(&src, opt, out);
}
