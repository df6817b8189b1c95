/*
** read_libsvm.c -- the libsvm / svmlight text format:
**
**   label[,label2,...] [qid:N] index:value index:value ... [# comment]
**
** Multilabel (classes = K): the labels are class ids 0..K-1, any number of
** them (none: the line starts with a feature), read as K labels, 1 for the
** classes listed and 0 for the others.
**
** Indices are 1-based in the file and stored 0-based. Blank lines and lines
** holding only a comment are skipped; an empty file gives a dataset with no
** rows. Features keep the order of the file (not sorted, not merged).
**
** With hash_bits = b, a file index i (as written, 1-based) becomes
** vfl_hash_bytes(i as 4 little-endian bytes, 4, seed 0) mod 2^b, and the
** input's dimension is 2^b; dim must then be 0 or 2^b (so that a test set
** can be read with {dim = train.dim}).
**
** Speed: one pass over each line, indices read 8 bytes at a time
** (text_digits8), one-digit values ("1") read directly, other numbers through
** textnum.h's fast path, one row buffer reused for every line.
*/
#include <float.h>
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "read_row.h"
#include "read_split.h"
#include "textio.h"
#include "textnum.h"

typedef struct lsvm {
  text_src src;
  uint32_t n_labels;
  uint32_t classes;    /* > 0: multilabel */
  uint64_t max_index;  /* largest file index allowed */
  uint32_t hash_bits;
  uint32_t mask;
  float *labels;
  read_row row;
  vfl_dataset *ds;
} lsvm;

/* --------------------------------------------------------------- errors */

/* Explains why the token at tok is not "index:" (the fast loop only knows
** that it is not), or, for a long run of leading zeros, accepts it. */
static int index_slow(lsvm *r, const char *tok, uint64_t *ix, const char **after) {
  char show[48];
  const char *p = tok;
  if (*p == '-' && text_is_digit(p[1]))
    return text_fail(&r->src, tok, VFL_EFORMAT, "feature index %s is negative (libsvm indices start at 1)",
                     read_show_token(show, tok, ':'));
  while (*p == '0') p++;
  const char *sig = p;
  while (text_is_digit(*p)) p++;
  size_t n_sig = (size_t)(p - sig), n_all = (size_t)(p - tok);
  if (n_all == 0 && *tok == ':') return text_fail(&r->src, tok, VFL_EFORMAT, "expected a feature index before ':'");
  if (n_all == 0 || (*p != ':' && !text_is_space(*p) && *p != '#'))
    return text_fail(&r->src, tok, VFL_EFORMAT, "feature index \"%s\" is not a number", read_show_token(show, tok, ':'));
  if (*p != ':')
    return text_fail(&r->src, tok, VFL_EFORMAT, "expected ':' after feature index \"%s\"", text_show(show, tok, n_all));
  uint64_t v = 0;
  for (const char *d = sig; d < p && n_sig <= 10; d++) v = v * 10 + (uint64_t)(*d - '0');
  if (n_sig > 10 || v > UINT32_MAX)
    return text_fail(&r->src, tok, VFL_EFORMAT, "feature index %s is too large (the largest is %u)",
                     text_show(show, sig, n_sig), UINT32_MAX);
  if (v == 0)
    return text_fail(&r->src, tok, VFL_EFORMAT, "feature index 0 is not allowed (libsvm indices start at 1)");
  *ix = v;
  *after = p;
  return VFL_OK;
}

/* The value after "index:" at tok is missing, not a number, or too large. */
static int value_error(lsvm *r, const char *feature, const char *tok, double v, const char *end) {
  char show[48];
  if (text_is_space(*tok) || *tok == '#')
    return text_fail(&r->src, tok, VFL_EFORMAT, "expected a value after \"%s\"",
                     text_show(show, feature, (size_t)(tok - feature)));
  read_show_token(show, tok, '#');
  if (!end) return text_fail(&r->src, tok, VFL_EFORMAT, "value \"%s\" is not a number", show);
  if (!isfinite(v)) return text_fail(&r->src, tok, VFL_EFORMAT, "value %s is not finite", show);
  return text_fail(&r->src, tok, VFL_EFORMAT, "value %s is out of range for a float", show);
}

static int label_error(lsvm *r, const char *tok, double v, const char *end) {
  char show[48];
  if (!end) {
    size_t n = text_token_len(tok, ",");
    if (memchr(tok, ':', n))
      return text_fail(&r->src, tok, VFL_EFORMAT, "expected a label before feature \"%s\"", text_show(show, tok, n));
    return text_fail(&r->src, tok, VFL_EFORMAT, "label \"%s\" is not a number", text_show(show, tok, n));
  }
  read_show_token(show, tok, ',');
  if (!isfinite(v)) return text_fail(&r->src, tok, VFL_EFORMAT, "label %s is not finite", show);
  return text_fail(&r->src, tok, VFL_EFORMAT, "label %s is out of range for a float", show);
}

/* -------------------------------------------------------------- parsing */

/* The token at p is "index:value" (a multilabel row without labels). */
static int starts_with_feature(const char *p) {
  while (text_is_digit(*p)) p++;
  return *p == ':';
}

/* The comma-separated class ids at *pp as a k-hot vector; moves *pp past them. */
static int parse_classes(lsvm *r, const char **pp) {
  const char *p = *pp;
  for (uint32_t j = 0; j < r->classes; j++) r->labels[j] = 0;
  if (starts_with_feature(p)) return VFL_OK;
  for (;;) {
    double v = 0;
    const char *q = text_number(p, ',', &v);
    if (!q || !(fabs(v) <= FLT_MAX)) return label_error(r, p, v, q);
    if (v != floor(v) || v < 0 || v >= r->classes) {
      char show[48];
      return text_fail(&r->src, p, VFL_EFORMAT, "label %s is not a class id (multilabel with %u classes: 0 to %u)",
                       read_show_token(show, p, ','), r->classes, r->classes - 1);
    }
    r->labels[(uint32_t)v] = 1;
    if (*q != ',') {
      *pp = q;
      return VFL_OK;
    }
    p = q + 1;
  }
}

/* The comma-separated labels at *pp; moves *pp past them. */
static int parse_labels(lsvm *r, const char **pp) {
  if (r->classes) return parse_classes(r, pp);
  const char *p = *pp;
  uint32_t n = 0;
  for (;;) {
    double v = 0;
    const char *q = text_number(p, ',', &v);
    if (!q || !(fabs(v) <= FLT_MAX)) return label_error(r, p, v, q);
    if (n < r->n_labels) r->labels[n] = (float)v;
    n++;
    if (*q != ',') {
      p = q;
      break;
    }
    p = q + 1;
  }
  if (n != r->n_labels)
    return text_fail(&r->src, *pp, VFL_EFORMAT, "expected %u label%s, found %u", r->n_labels,
                     r->n_labels == 1 ? "" : "s", n);
  *pp = p;
  return VFL_OK;
}

static const char *skip_space(const char *p, const char *end) {
  while (p < end && text_is_space(*p)) p++;
  return p;
}

/* svmlight's optional query id: accepted and ignored. */
static int skip_qid(lsvm *r, const char **pp) {
  const char *p = *pp;
  /* Byte by byte, not strncmp: a line is not NUL-terminated, and strncmp
  ** may read all 4 bytes past the '\n' that ends it (libFuzzer's strncmp
  ** hook does, and crashed on a last line of a buffer). */
  if (!(p[0] == 'q' && p[1] == 'i' && p[2] == 'd' && p[3] == ':')) return VFL_OK;
  const char *q = p + 4;
  while (text_is_digit(*q)) q++;
  if (q == p + 4 || !(text_is_space(*q) || *q == '#'))
    return text_fail(&r->src, p + 4, VFL_EFORMAT, "expected a number after \"qid:\"");
  *pp = q;
  return VFL_OK;
}

static uint32_t hash_index(uint64_t ix, uint32_t mask) {
  uint8_t b[4] = {(uint8_t)ix, (uint8_t)(ix >> 8), (uint8_t)(ix >> 16), (uint8_t)(ix >> 24)};
  return vfl_hash_bytes(b, 4, 0) & mask;
}

/* One "index:value" token at *pp (the line ends at end); moves *pp past it. */
static int parse_feature(lsvm *r, const char **pp, const char *end) {
  const char *tok = *pp, *p = tok;
  uint64_t ix = 0;
  uint32_t ix8 = 0, n8 = end - p >= 8 ? text_digits8(p, &ix8) : 0;
  if (n8) { /* the usual index: 1 to 7 digits, read at once */
    ix = ix8;
    p += n8;
  } else {
    while (text_is_digit(*p)) ix = ix * 10 + (uint64_t)(*p++ - '0');
  }
  /* Rare shapes (no digits, 0, too many digits, no ':') go the slow way. */
  if (*p != ':' || ix - 1 >= UINT32_MAX || p - tok > 10) {
    int rc = index_slow(r, tok, &ix, &p);
    if (rc) return rc;
  }
  const char *val = ++p, *q;
  double v = 0;
  if (text_is_digit(val[0]) && (text_is_space(val[1]) || val[1] == '#')) { /* "1", a count: one digit */
    v = val[0] - '0';
    q = val + 1;
  } else {
    q = text_number(val, '#', &v);
    if (!q || !(fabs(v) <= FLT_MAX)) return value_error(r, tok, val, v, q);
  }
  if (ix > r->max_index)
    return text_fail(&r->src, tok, VFL_EFORMAT, "feature index %llu is beyond the declared dimension %llu",
                     (unsigned long long)ix, (unsigned long long)r->max_index);
  uint32_t at = r->hash_bits ? hash_index(ix, r->mask) : (uint32_t)(ix - 1);
  *pp = q;
  return read_row_push(&r->row, at, (float)v);
}

/* One line: 1 for a row, 0 for a line without one, or a negative status. */
static int parse_line(lsvm *r, const char *line, size_t len) {
  const char *end = line + len;
  const char *p = skip_space(line, end);
  if (p == end || *p == '#') return 0;
  int rc = parse_labels(r, &p);
  if (rc) return rc;
  p = skip_space(p, end);
  if ((rc = skip_qid(r, &p))) return rc;
  r->row.n = 0;
  for (;;) {
    p = skip_space(p, end);
    if (p == end || *p == '#') return 1;
    if ((rc = parse_feature(r, &p, end))) return rc;
  }
}

/* --------------------------------------------------------------- set-up */

static int check_options(const vfl_libsvm_options *o, const char *name) {
  if (o->hash_bits > 31)
    return vfl_fail(VFL_EINVAL, "reading \"%s\": hash_bits %u is out of range (1 to 31, or 0 for none)", name, o->hash_bits);
  if (o->hash_bits && o->dim && o->dim != (uint32_t)1 << o->hash_bits)
    return vfl_fail(VFL_EINVAL, "reading \"%s\": dim %u does not match hash_bits %u (it must be 0 or %u)", name, o->dim,
                    o->hash_bits, (uint32_t)1 << o->hash_bits);
  if (o->classes && o->n_labels > 1 && o->n_labels != o->classes)
    return vfl_fail(VFL_EINVAL, "reading \"%s\": multilabel with %u classes gives %u labels a row, not %u", name,
                    o->classes, o->classes, o->n_labels);
  if (o->input && !*o->input) return vfl_fail(VFL_EINVAL, "reading \"%s\": the input name must not be empty", name);
  return VFL_OK;
}

static int setup(lsvm *r, const vfl_libsvm_options *o) {
  r->classes = o->classes;
  r->n_labels = o->classes ? o->classes : o->n_labels ? o->n_labels : 1;
  r->hash_bits = o->hash_bits;
  r->mask = o->hash_bits ? ((uint32_t)1 << o->hash_bits) - 1 : 0;
  r->max_index = o->dim && !o->hash_bits ? o->dim : UINT32_MAX;
  uint32_t dim = o->hash_bits ? (uint32_t)1 << o->hash_bits : o->dim;
  r->labels = vfl_calloc(r->n_labels, sizeof *r->labels);
  if (!r->labels) return VFL_ENOMEM;
  r->ds = read_dataset_new(r->n_labels, o->input ? o->input : "features", VFL_INPUT_SPARSE, dim);
  return r->ds ? VFL_OK : VFL_ENOMEM;
}

static int read_all(lsvm *r) {
  const char *line;
  size_t len;
  int rc;
  while ((rc = text_next_line(&r->src, &line, &len)) == 1) {
    if ((rc = read_refuse_model(&r->src, line, len, "libsvm text"))) return rc;
    rc = parse_line(r, line, len);
    if (rc < 0) return rc;
    if (rc == 1 && (rc = read_append(r->ds, &r->src, &r->row, r->labels, r->n_labels, 1.0f))) return rc;
  }
  return rc;
}

/* Takes src (opened by the caller) and always closes it. */
static int run(text_src *src, const vfl_libsvm_options *opt, vfl_dataset **out) {
  static const vfl_libsvm_options defaults = {0, 0, 0, NULL, 0, 0};
  lsvm r;
  memset(&r, 0, sizeof r);
  r.src = *src;
  int rc = setup(&r, opt ? opt : &defaults);
  if (rc == VFL_OK) rc = read_all(&r);
  text_close(&r.src);
  read_row_free(&r.row);
  vfl_free(r.labels);
  if (rc) {
    vfl_dataset_free(r.ds);
    return rc;
  }
  *out = r.ds;
  return VFL_OK;
}

static int parse_buffer(const char *data, size_t len, const char *name, const void *opt, vfl_dataset **out) {
  return vfl_read_libsvm_buffer(data, len, name, opt, out);
}

int vfl_read_libsvm(const char *path, const vfl_libsvm_options *opt, vfl_dataset **out) {
  *out = NULL;
  int rc = check_options(opt ? opt : &(vfl_libsvm_options){0, 0, 0, NULL, 0, 0}, path);
  if (rc) return rc;
  if (opt && opt->threads > 1) {
    int fallback;
    rc = read_file_split(path, opt->threads, parse_buffer, opt, out, &fallback);
    if (rc || !fallback) return rc;
  }
  text_src src;
  if ((rc = text_open_file(&src, path))) return rc;
  return run(&src, opt, out);
}

int vfl_read_libsvm_buffer(const char *data, size_t len, const char *name, const vfl_libsvm_options *opt,
                           vfl_dataset **out) {
  *out = NULL;
  if (!name) name = "<buffer>";
  int rc = check_options(opt ? opt : &(vfl_libsvm_options){0, 0, 0, NULL, 0, 0}, name);
  if (rc) return rc;
  if (!data && len) return vfl_fail(VFL_EINVAL, "reading \"%s\": the buffer is NULL", name);
  text_src src;
  text_open_buffer(&src, data, len, name);
  return run(&src, opt, out);
}
