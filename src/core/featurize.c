/*
** featurize.c -- raw input through a featurizer (vfl.h): text through a
** WORDS featurizer, a table row through a TABLE one, laid out exactly as
** the readers lay out what they read (vfl_csv_options, vfl_words_hash).
*/
#include <math.h>
#include <float.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "featurizer.h"
#include "textnum.h"
#include "vfl.h"

static vfl_words_options words_of(const vfl_featurizer *f) {
  return (vfl_words_options){f->bits, f->ngrams, f->seed, f->minn, f->maxn, f->lower};
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

/* The length of the name at p: up to a blank, ':' or '|'. */
static size_t name_len(const char *p, const char *end) {
  const char *q = p;
  while (q < end && !is_blank(*q) && *q != ':' && *q != '|') q++;
  return (size_t)(q - p);
}

/* ":number" at *pp (after a namespace or a feature name) into *v. */
static int vw_number(const char **pp, const char *end, double *v) {
  const char *p = *pp + 1;
  size_t n = 0;
  while (p + n < end && !is_blank(p[n]) && p[n] != '|') n++;
  if (!text_number_n(p, n, v) || !isfinite(*v))
    return vfl_fail(VFL_EINVAL, "VW features: \"%.*s\" is not a number", (int)(n < 40 ? n : 40), p);
  *pp = p + n;
  return VFL_OK;
}

/* "|ns[:w] f[:v] ..." as vfl_read_vw hashes a FLAT line (read_vw.c). */
static int vw_features(const vfl_featurizer *f, const char *p, const char *end, vfl_feature_buf *b) {
  uint32_t mask = (uint32_t)(((uint64_t)1 << f->bits) - 1);
  while (p < end && *p != '|') p++; /* the label part, if any */
  while (p < end) {
    p++; /* '|' */
    size_t n = name_len(p, end);
    uint32_t seed = n ? vfl_hash_bytes(p, n, 0) : vfl_hash_bytes(" ", 1, 0);
    double scale = 1;
    p += n;
    if (p < end && *p == ':' && vw_number(&p, end, &scale)) return VFL_EINVAL;
    for (;;) {
      while (p < end && is_blank(*p)) p++;
      if (p >= end || *p == '|') break;
      const char *name = p;
      n = name_len(p, end);
      double v = 1;
      p += n;
      if (p < end && *p == ':' && vw_number(&p, end, &v)) return VFL_EINVAL;
      if (!n) return vfl_fail(VFL_EINVAL, "VW features: expected a feature name before ':'");
      if (feature_buf_push(b, vfl_hash_bytes(name, n, seed) & mask, (float)(v * scale))) return VFL_ENOMEM;
    }
  }
  return VFL_OK;
}

int vfl_featurize_text(const vfl_featurizer *f, const char *text, size_t len, vfl_feature_buf *buf) {
  buf->n = 0;
  if (f && f->kind == VFL_FEATURIZE_VW) {
    int rc = vw_features(f, text, text + len, buf);
    if (rc) return rc;
    vfl_feature_buf_sort(buf);
    return VFL_OK;
  }
  if (!f || f->kind != VFL_FEATURIZE_WORDS)
    return vfl_fail(VFL_EINVAL, "the featurizer does not read raw text (its kind is not words or vw)");
  vfl_words_options o = words_of(f);
  int rc = vfl_words_hash(&o, text, len, 0, buf, NULL, NULL);
  if (rc) return rc;
  vfl_feature_buf_sort(buf);
  return VFL_OK;
}

/* "name=value" hashed as the CSV reader hashes a categorical field. */
static int categorical(const vfl_featurizer *f, const vfl_column *c, const char *v, vfl_feature_buf *b) {
  size_t kl = strlen(c->name), vl = strlen(v);
  if (vfl_grow(&b->name, &b->name_cap, kl + vl + 1, 1)) return VFL_ENOMEM;
  memcpy(b->name, c->name, kl);
  b->name[kl] = '=';
  memcpy(b->name + kl + 1, v, vl);
  uint32_t mask = (uint32_t)(((uint64_t)1 << f->bits) - 1);
  return feature_buf_push(b, f->n_columns + (vfl_hash_bytes(b->name, kl + vl + 1, 0) & mask), 1.0f);
}

static int column_names(const vfl_featurizer *f, char *out, size_t size) {
  size_t at = 0;
  out[0] = '\0';
  for (uint32_t k = 0; k < f->n_columns && at + 1 < size; k++) {
    int kind = f->columns[k].kind;
    if (kind == VFL_COLUMN_SKIP || kind == VFL_COLUMN_LABEL) continue;
    int n = snprintf(out + at, size - at, "%s%s", at ? ", " : "", f->columns[k].name);
    if (n < 0) break;
    at += (size_t)n;
  }
  return VFL_OK;
}

static int field(const vfl_featurizer *f, const char *name, const char *v, vfl_feature_buf *b) {
  uint32_t k = 0;
  while (k < f->n_columns && strcmp(f->columns[k].name, name) != 0) k++;
  if (k == f->n_columns) {
    char known[512];
    column_names(f, known, sizeof known);
    return vfl_fail(VFL_EINVAL, "no column is named '%s' (the columns: %s)", name, known);
  }
  const vfl_column *c = &f->columns[k];
  if (!v || !*v || c->kind == VFL_COLUMN_SKIP) return VFL_OK; /* missing: no feature */
  if (c->kind == VFL_COLUMN_LABEL) return vfl_fail(VFL_EINVAL, "column '%s' is the label, not a feature", name);
  if (c->kind == VFL_COLUMN_CATEGORICAL) return categorical(f, c, v, b);
  if (c->kind == VFL_COLUMN_TEXT) {
    vfl_words_options o = words_of(f);
    return vfl_words_hash(&o, v, strlen(v), f->n_columns, b, NULL, NULL);
  }
  double x = 0;
  if (!text_number_n(v, strlen(v), &x)) return vfl_fail(VFL_EINVAL, "column '%s' is numeric, but its value is \"%s\"", name, v);
  if (!isfinite(x) || fabs(x) > FLT_MAX)
    return vfl_fail(VFL_EINVAL, "column '%s': value %s is not a finite float", name, v);
  return x == 0 ? VFL_OK : feature_buf_push(b, k, (float)x);
}

int vfl_featurize_row(const vfl_featurizer *f, const char *const *names, const char *const *values, uint32_t n,
                      vfl_feature_buf *buf) {
  buf->n = 0;
  if (!f || f->kind != VFL_FEATURIZE_TABLE)
    return vfl_fail(VFL_EINVAL, "the featurizer does not read table rows (its kind is not table)");
  for (uint32_t i = 0; i < n; i++) {
    int rc = field(f, names[i], values[i], buf);
    if (rc) return rc;
  }
  vfl_feature_buf_sort(buf);
  return VFL_OK;
}
