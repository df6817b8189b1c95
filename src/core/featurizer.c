/*
** featurizer.c -- see featurizer.h. The same check runs when a featurizer
** is set and when one is read from a file, so a file cannot carry what the
** API would refuse.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dataset.h"
#include "error.h"
#include "featurizer.h"
#include "net.h"

#define CLASS_NAME_MAX 4096
#define PREFIX_MAX 256
#define CHARGRAM_MAX 16

static int check_words(const vfl_featurizer *f) {
  uint32_t max_bits = f->kind == VFL_FEATURIZE_WORDS ? 32 : 31;
  if (f->bits < 1 || f->bits > max_bits)
    return vfl_fail(VFL_EINVAL, "the featurizer's bits is %u (1 to %u)", f->bits, max_bits);
  if (f->ngrams < 1 || f->ngrams > 8) return vfl_fail(VFL_EINVAL, "the featurizer's ngrams is %u (1 to 8)", f->ngrams);
  if ((f->minn || f->maxn) && !(f->minn >= 1 && f->minn <= f->maxn && f->maxn <= CHARGRAM_MAX))
    return vfl_fail(VFL_EINVAL, "the featurizer's character n-grams are %u to %u (0 0, or 1 <= minn <= maxn <= %d)",
                    f->minn, f->maxn, CHARGRAM_MAX);
  return VFL_OK;
}

static int by_name(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The first name given twice in names[0..n) (sorted, as a file may have a
** million columns or classes), with its two 1-based positions; NULL when
** they are distinct. *rc is VFL_ENOMEM when the sort could not be had. */
static const char *given_twice(const char *const *names, uint32_t n, uint32_t *first, uint32_t *second, int *rc) {
  *rc = VFL_OK;
  if (n < 2) return NULL;
  const char **sorted = vfl_alloc((size_t)n * sizeof *sorted);
  if (!sorted) return *rc = VFL_ENOMEM, NULL;
  memcpy(sorted, names, (size_t)n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, by_name);
  const char *twice = NULL;
  for (uint32_t k = 1; k < n && !twice; k++)
    if (strcmp(sorted[k - 1], sorted[k]) == 0) twice = sorted[k];
  vfl_free(sorted);
  *first = *second = 0;
  for (uint32_t k = 0; twice && k < n && !*second; k++)
    if (strcmp(names[k], twice) == 0) *(*first ? second : first) = k + 1;
  return twice;
}

static int distinct_columns(const vfl_featurizer *f) {
  const char **names = vfl_alloc((size_t)f->n_columns * sizeof *names);
  if (!names) return VFL_ENOMEM;
  for (uint32_t k = 0; k < f->n_columns; k++) names[k] = f->columns[k].name;
  uint32_t a, b;
  int rc;
  const char *twice = given_twice(names, f->n_columns, &a, &b, &rc);
  if (twice) rc = vfl_fail(VFL_EINVAL, "the featurizer names column '%s' twice (columns %u and %u)", twice, a, b);
  vfl_free(names);
  return rc;
}

static int check_columns(const vfl_featurizer *f) {
  if (f->kind != VFL_FEATURIZE_TABLE) {
    if (f->n_columns) return vfl_fail(VFL_EINVAL, "the featurizer lists columns but is not a table featurizer");
    return VFL_OK;
  }
  if (!f->n_columns || !f->columns) return vfl_fail(VFL_EINVAL, "the table featurizer has no columns");
  for (uint32_t k = 0; k < f->n_columns; k++) {
    const vfl_column *c = &f->columns[k];
    size_t n = c->name ? strlen(c->name) : 0;
    if (n == 0 || n > CLASS_NAME_MAX)
      return vfl_fail(VFL_EINVAL, "the featurizer's column %u has a name of %zu bytes (1 to %d)", k + 1, n, CLASS_NAME_MAX);
    if (c->kind < VFL_COLUMN_SKIP || c->kind > VFL_COLUMN_LABEL)
      return vfl_fail(VFL_EINVAL, "the featurizer's column %u (%s) has an unknown kind %d", k + 1, c->name, c->kind);
  }
  return distinct_columns(f);
}

static int check_names(const vfl_featurizer *f) {
  if (f->n_names && (!f->name_index || !f->names)) return vfl_fail(VFL_EINVAL, "the featurizer's dictionary has no entries");
  for (uint32_t i = 0; i < f->n_names; i++) {
    if (!f->names[i]) return vfl_fail(VFL_EINVAL, "the featurizer's dictionary entry %u has no name", i + 1);
    if (i && f->name_index[i] <= f->name_index[i - 1])
      return vfl_fail(VFL_EINVAL, "the featurizer's dictionary is not in ascending order of feature (entry %u)", i + 1);
  }
  return VFL_OK;
}

static int check_classes(const vfl_featurizer *f, uint32_t outputs) {
  if (f->n_classes && !f->classes) return vfl_fail(VFL_EINVAL, "the featurizer has %u classes but no names", f->n_classes);
  for (uint32_t i = 0; i < f->n_classes; i++) {
    size_t n = f->classes[i] ? strlen(f->classes[i]) : 0;
    if (n == 0 || n > CLASS_NAME_MAX)
      return vfl_fail(VFL_EINVAL, "the featurizer's class %u has a name of %zu bytes (1 to %d)", i + 1, n, CLASS_NAME_MAX);
  }
  uint32_t a, b;
  int rc;
  const char *twice = given_twice(f->classes, f->n_classes, &a, &b, &rc);
  if (twice) return vfl_fail(VFL_EINVAL, "the featurizer names class '%s' twice (classes %u and %u)", twice, a, b);
  if (rc) return rc;
  if (outputs && f->n_classes && f->n_classes != outputs && !(outputs == 1 && f->n_classes == 2))
    return vfl_fail(VFL_EINVAL, "the featurizer names %u classes for a net of %u outputs", f->n_classes, outputs);
  return VFL_OK;
}

int featurizer_check(const vfl_featurizer *f, uint32_t outputs) {
  if (f->kind < VFL_FEATURIZE_NONE || f->kind > VFL_FEATURIZE_VW)
    return vfl_fail(VFL_EINVAL, "the featurizer has an unknown kind %d", f->kind);
  if (f->kind != VFL_FEATURIZE_NONE && check_words(f)) return VFL_EINVAL;
  if (f->kind == VFL_FEATURIZE_NONE && (f->minn || f->maxn))
    return vfl_fail(VFL_EINVAL, "the featurizer has character n-grams but no text (kind none)");
  int rc = check_columns(f);
  if (!rc) rc = check_names(f);
  if (rc) return rc;
  if (f->label_prefix && strlen(f->label_prefix) > PREFIX_MAX)
    return vfl_fail(VFL_EINVAL, "the featurizer's label prefix is longer than %d bytes", PREFIX_MAX);
  return check_classes(f, outputs);
}

/* Bytes of the strings of f, NULs included. */
static size_t text_bytes(const vfl_featurizer *f) {
  size_t n = f->label_prefix ? strlen(f->label_prefix) + 1 : 0;
  for (uint32_t i = 0; i < f->n_classes; i++) n += strlen(f->classes[i]) + 1;
  for (uint32_t i = 0; i < f->n_columns; i++) n += strlen(f->columns[i].name) + 1;
  for (uint32_t i = 0; i < f->n_names; i++) n += strlen(f->names[i]) + 1;
  return n;
}

static const char *copy_text(char **text, const char *s) {
  size_t n = strlen(s) + 1;
  memcpy(*text, s, n);
  *text += n;
  return *text - n;
}

int featurizer_attach(vfl_dataset *ds, vfl_featurizer *f, const vfl_names *names) {
  uint32_t *index = NULL;
  const char **list = NULL;
  int rc = VFL_OK;
  if (names && (f->n_names = vfl_names_count(names))) {
    index = vfl_alloc(f->n_names * sizeof *index);
    list = vfl_alloc(f->n_names * sizeof *list);
    if (!index || !list) rc = VFL_ENOMEM;
    if (!rc) vfl_names_list(names, index, list);
    f->name_index = index;
    f->names = list;
  }
  if (!rc) rc = featurizer_check(f, 0);
  if (!rc && !(ds->featurizer = featurizer_copy(f))) rc = VFL_ENOMEM;
  f->n_names = 0, f->name_index = NULL, f->names = NULL;
  vfl_free(index);
  vfl_free(list);
  return rc;
}

int vfl_featurizer_check(const vfl_featurizer *f) {
  if (!f) return vfl_fail(VFL_EINVAL, "the featurizer is NULL");
  return featurizer_check(f, 0);
}

featurizer_own *featurizer_copy(const vfl_featurizer *f) {
  size_t columns = (size_t)f->n_columns * sizeof(vfl_column);
  size_t lists = ((size_t)f->n_classes + 1 + f->n_names) * sizeof(char *);
  size_t index = (size_t)f->n_names * sizeof(uint32_t);
  featurizer_own *own = vfl_alloc(sizeof *own + columns + lists + index + text_bytes(f));
  if (!own) return NULL;
  own->f = *f;
  vfl_column *cols = (vfl_column *)(own + 1);
  const char **classes = (const char **)((char *)cols + columns);
  const char **names = classes + f->n_classes + 1;
  uint32_t *name_index = (uint32_t *)(names + f->n_names);
  char *text = (char *)(name_index + f->n_names);
  own->f.label_prefix = f->label_prefix ? copy_text(&text, f->label_prefix) : NULL;
  for (uint32_t i = 0; i < f->n_classes; i++) classes[i] = copy_text(&text, f->classes[i]);
  classes[f->n_classes] = NULL;
  own->f.classes = f->n_classes ? classes : NULL;
  for (uint32_t i = 0; i < f->n_columns; i++) cols[i] = (vfl_column){copy_text(&text, f->columns[i].name), f->columns[i].kind};
  own->f.columns = f->n_columns ? cols : NULL;
  for (uint32_t i = 0; i < f->n_names; i++) names[i] = copy_text(&text, f->names[i]), name_index[i] = f->name_index[i];
  own->f.names = f->n_names ? names : NULL;
  own->f.name_index = f->n_names ? name_index : NULL;
  return own;
}

int vfl_net_set_featurizer(vfl_net *net, const vfl_featurizer *f) {
  featurizer_own *own = NULL;
  if (f) {
    if (featurizer_check(f, vfl_net_outputs(net))) return VFL_EINVAL;
    own = featurizer_copy(f);
    if (!own) return VFL_ENOMEM;
  }
  vfl_free(net->featurizer);
  net->featurizer = own;
  return VFL_OK;
}

const vfl_featurizer *vfl_net_featurizer(const vfl_net *net) { return net->featurizer ? &net->featurizer->f : NULL; }

/* The extension's fields, each written "u32 tag, u64 bytes, payload" so that
** a reader can step over an optional one it does not know. */
enum { TAG_END = 0, TAG_CHARGRAMS = 1, TAG_COLUMNS = 2, TAG_NAMES = 3, TAG_OPTIONAL = 0x80000000u };
#define EXTENSION_VERSION 1u

static int needs_extension(const vfl_featurizer *f) { return f->minn || f->maxn || f->n_columns || f->n_names; }

static void put_payload(model_writer *w, const vfl_featurizer *f, uint32_t tag) {
  if (tag == TAG_CHARGRAMS) {
    put_u32(w, f->minn);
    put_u32(w, f->maxn);
  } else if (tag == TAG_COLUMNS) {
    put_u32(w, f->n_columns);
    for (uint32_t k = 0; k < f->n_columns; k++) {
      put_str(w, f->columns[k].name);
      put_i32(w, f->columns[k].kind);
    }
  } else if (tag == TAG_NAMES) {
    put_u32(w, f->n_names);
    for (uint32_t i = 0; i < f->n_names; i++) {
      put_u32(w, f->name_index[i]);
      put_str(w, f->names[i]);
    }
  }
}

static void put_tag(model_writer *w, const vfl_featurizer *f, uint32_t tag) {
  model_writer probe = {0};
  put_payload(&probe, f, tag);
  put_u32(w, tag);
  put_u64(w, probe.bytes);
  put_payload(w, f, tag);
}

void featurizer_save(model_writer *w, const featurizer_own *own) {
  uint8_t present = own == NULL ? 0 : needs_extension(&own->f) ? 2 : 1;
  put_bytes(w, &present, 1);
  if (!own) return;
  const vfl_featurizer *f = &own->f;
  put_i32(w, f->kind);
  put_u32(w, f->bits);
  put_u32(w, f->ngrams);
  put_u32(w, f->seed);
  uint8_t lower = f->lower != 0;
  put_bytes(w, &lower, 1);
  put_str(w, f->label_prefix ? f->label_prefix : "");
  put_u32(w, f->n_classes);
  for (uint32_t i = 0; i < f->n_classes; i++) put_str(w, f->classes[i]);
  if (present < 2) return;
  put_u32(w, EXTENSION_VERSION);
  if (f->minn || f->maxn) put_tag(w, f, TAG_CHARGRAMS);
  if (f->n_columns) put_tag(w, f, TAG_COLUMNS);
  if (f->n_names) put_tag(w, f, TAG_NAMES);
  put_u32(w, TAG_END);
}

/* A string field of at most max bytes into *out, NUL-terminated in a new block. */
static int get_text(model_reader *r, size_t max, const char *what, uint32_t index, char **out) {
  uint32_t n = get_u32(r);
  if (r->bad) return VFL_EFORMAT;
  if (n > max || n > (size_t)(r->end - r->p))
    return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer's %s %u has a length of %u bytes", r->path, what, index, n);
  char *s = vfl_alloc((size_t)n + 1);
  if (!s) return VFL_ENOMEM;
  get_bytes(r, s, n);
  s[n] = '\0';
  *out = s;
  if (strlen(s) != n) return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer's %s %u holds a NUL byte", r->path, what, index);
  return VFL_OK;
}

/* What the loader allocates while it reads; freed once copied. */
typedef struct loading {
  char *prefix, **classes;
  vfl_column *columns;
  uint32_t *name_index;
  const char **names;
  char *arena; /* the column and feature names, NUL-terminated */
  size_t arena_len, arena_cap;
} loading;

static int read_fields(model_reader *r, vfl_featurizer *f, loading *ld) {
  uint8_t lower = 0;
  f->kind = get_i32(r);
  f->bits = get_u32(r);
  f->ngrams = get_u32(r);
  f->seed = get_u32(r);
  get_bytes(r, &lower, 1);
  f->lower = lower;
  if (r->bad) return VFL_EFORMAT;
  if (lower > 1) return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer's lower flag is %u (0 or 1)", r->path, lower);
  int rc = get_text(r, PREFIX_MAX, "label prefix", 1, &ld->prefix);
  if (rc) return rc;
  f->label_prefix = *ld->prefix ? ld->prefix : NULL;
  if (get_count(r, &f->n_classes, 4)) return VFL_EFORMAT;
  ld->classes = vfl_calloc((size_t)f->n_classes + 1, sizeof *ld->classes);
  if (!ld->classes) return VFL_ENOMEM;
  for (uint32_t i = 0; i < f->n_classes && rc == VFL_OK; i++) rc = get_text(r, CLASS_NAME_MAX, "class", i + 1, &ld->classes[i]);
  f->classes = (const char *const *)ld->classes;
  return rc;
}

/* A string into the arena (sized from the field's byte count: every string
** there took at least one byte more in the file). Returns its offset. */
static int arena_text(model_reader *r, loading *ld, const char *what, uint32_t i, size_t *at) {
  uint32_t n = get_u32(r);
  if (r->bad) return VFL_EFORMAT;
  if (n > CLASS_NAME_MAX || n > (size_t)(r->end - r->p) || ld->arena_len + n + 1 > ld->arena_cap)
    return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer's %s %u has a length of %u bytes", r->path, what, i, n);
  get_bytes(r, ld->arena + ld->arena_len, n);
  ld->arena[ld->arena_len + n] = '\0';
  if (strlen(ld->arena + ld->arena_len) != n)
    return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer's %s %u holds a NUL byte", r->path, what, i);
  *at = ld->arena_len;
  ld->arena_len += n + 1;
  return VFL_OK;
}

static int read_columns(model_reader *r, vfl_featurizer *f, loading *ld) {
  if (get_count(r, &f->n_columns, 8)) return VFL_EFORMAT;
  if (!(ld->columns = vfl_calloc((size_t)f->n_columns + 1, sizeof *ld->columns))) return VFL_ENOMEM;
  size_t *at = (size_t *)vfl_calloc((size_t)f->n_columns + 1, sizeof *at);
  if (!at) return VFL_ENOMEM;
  int rc = VFL_OK;
  for (uint32_t k = 0; k < f->n_columns && rc == VFL_OK; k++) {
    rc = arena_text(r, ld, "column", k + 1, &at[k]);
    ld->columns[k].kind = get_i32(r);
    if (r->bad) rc = VFL_EFORMAT;
  }
  f->columns = ld->columns;
  if (rc == VFL_OK) /* names point into the arena once it no longer moves */
    for (uint32_t k = 0; k < f->n_columns; k++) ld->columns[k].name = (const char *)(uintptr_t)at[k];
  vfl_free(at);
  return rc;
}

static int read_names(model_reader *r, vfl_featurizer *f, loading *ld) {
  if (get_count(r, &f->n_names, 8)) return VFL_EFORMAT;
  ld->name_index = vfl_calloc((size_t)f->n_names + 1, sizeof *ld->name_index);
  ld->names = vfl_calloc((size_t)f->n_names + 1, sizeof *ld->names);
  if (!ld->name_index || !ld->names) return VFL_ENOMEM;
  int rc = VFL_OK;
  for (uint32_t i = 0; i < f->n_names && rc == VFL_OK; i++) {
    size_t at = 0;
    ld->name_index[i] = get_u32(r);
    rc = r->bad ? VFL_EFORMAT : arena_text(r, ld, "feature name", i + 1, &at);
    ld->names[i] = (const char *)(uintptr_t)at;
  }
  f->name_index = ld->name_index;
  f->names = ld->names;
  return rc;
}

/* The extension (present = 2): u32 version, then tagged fields up to TAG_END. */
static int read_extension(model_reader *r, vfl_featurizer *f, loading *ld) {
  uint32_t version = get_u32(r);
  if (r->bad) return VFL_EFORMAT;
  if (version < 1)
    return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer's extension has version %u (1 or later)", r->path, version);
  /* Column and feature names share one arena, no larger than the file's rest. */
  ld->arena_cap = (size_t)(r->end - r->p);
  if (!(ld->arena = vfl_alloc(ld->arena_cap + 1))) return VFL_ENOMEM;
  uint32_t seen = 0;
  for (;;) {
    uint32_t tag = get_u32(r);
    if (r->bad) return VFL_EFORMAT;
    if (tag == TAG_END) break;
    if (tag < 32 && (seen >> tag & 1))
      return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer has field %u twice", r->path, tag);
    if (tag < 32) seen |= 1u << tag;
    uint32_t lo = get_u32(r), hi = get_u32(r);
    uint64_t bytes = (uint64_t)hi << 32 | lo;
    if (r->bad) return VFL_EFORMAT;
    if (bytes > (uint64_t)(r->end - r->p)) return model_truncated(r);
    const uint8_t *after = r->p + bytes;
    int rc = VFL_OK;
    if (tag == TAG_CHARGRAMS) {
      f->minn = get_u32(r);
      f->maxn = get_u32(r);
    } else if (tag == TAG_COLUMNS) {
      rc = read_columns(r, f, ld);
    } else if (tag == TAG_NAMES) {
      rc = read_names(r, f, ld);
    } else if (tag & TAG_OPTIONAL) {
      r->p = after; /* a later vfl's optional field */
    } else {
      return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer has field %u, unknown to this vfl (written by a later one)",
                      r->path, tag);
    }
    if (rc) return rc;
    if (r->bad) return VFL_EFORMAT;
    if (r->p != after) return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer's field %u is damaged (its size)", r->path, tag);
  }
  for (uint32_t k = 0; k < f->n_columns; k++) ld->columns[k].name = ld->arena + (uintptr_t)ld->columns[k].name;
  for (uint32_t i = 0; i < f->n_names; i++) ld->names[i] = ld->arena + (uintptr_t)ld->names[i];
  return VFL_OK;
}

static void loading_free(loading *ld, const vfl_featurizer *f) {
  for (uint32_t i = 0; ld->classes && i < f->n_classes; i++) vfl_free(ld->classes[i]);
  vfl_free(ld->classes);
  vfl_free(ld->prefix);
  vfl_free(ld->columns);
  vfl_free(ld->name_index);
  vfl_free(ld->names);
  vfl_free(ld->arena);
}

int featurizer_load(model_reader *r, uint32_t outputs, featurizer_own **out) {
  *out = NULL;
  uint8_t present = 3;
  get_bytes(r, &present, 1);
  if (r->bad) return VFL_EFORMAT;
  if (present > 2) return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer section is marked %u (0, 1 or 2)", r->path, present);
  if (!present) return VFL_OK;
  vfl_featurizer f = {0};
  loading ld = {0};
  int rc = read_fields(r, &f, &ld);
  if (rc == VFL_OK && present == 2) rc = read_extension(r, &f, &ld);
  if (rc == VFL_OK && featurizer_check(&f, outputs)) {
    char quoted[1024];
    snprintf(quoted, sizeof quoted, "\"%s\"", r->path);
    rc = vfl_fail_context(VFL_EFORMAT, quoted);
  }
  if (rc == VFL_OK && !(*out = featurizer_copy(&f))) rc = VFL_ENOMEM;
  loading_free(&ld, &f);
  return rc;
}
