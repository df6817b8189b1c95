/*
** read_vw.c -- Vowpal Wabbit text:
**
**   label [importance] [tag]|ns[:weight] feature[:value] ... |ns2 ...
**
** as VW reads it: '|' ends a namespace anywhere; the token just before the
** first '|' is a tag when it touches it or starts with '; the tag (without
** its ') becomes the row's extra "tag" (see vfl_dataset_extra); blank lines are
** skipped. Hashing (vfl.h): the namespace name, hashed with seed 0, is the
** seed of its features' names, so "a" in |x and "a" in |y differ. Each
** row's features are sorted by index, colliding ones added up. VW's
** multi-line examples, label kinds other than a number, and the initial
** prediction (a third number before '|') are not supported.
*/
#include <float.h>
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "dataset.h"
#include "featurizer.h"
#include "error.h"
#include "read_row.h"
#include "textio.h"
#include "textnum.h"

typedef struct vw_ns {
  uint32_t seed;
  size_t len;
  char *name;
} vw_ns;

typedef struct vw_reader {
  text_src src;
  int groups;     /* VFL_VW_* */
  uint32_t mask;
  vw_ns *ns;      /* GROUP_ORDER: namespaces in order of first appearance */
  uint32_t n_ns;
  float label, weight;
  const char *tag;  /* this line's tag (without its '), or NULL */
  size_t tag_len;
  int tag_extra;    /* the dataset's extra "tag", -1 until a line has one */
  vfl_names *names; /* keep_names: the dictionary */
  char *name;       /* "ns^feature" being recorded */
  size_t name_cap;
  read_row row;
  vfl_dataset *ds;
} vw_reader;

/* ---------------------------------------------------------------- numbers */

/* The number token at p, ending at white space or '|'; what names it in
** messages ("label", "importance", "value"). */
static int number(vw_reader *r, const char *p, const char *what, const char *after, double *out) {
  char show[48];
  if (text_is_space(*p) || *p == '|')
    return text_fail(&r->src, p, VFL_EFORMAT, "expected a %s after \"%s\"", what, text_show(show, after, (size_t)(p - after)));
  const char *end = text_number(p, '|', out);
  read_show_token(show, p, '|');
  if (!end) return text_fail(&r->src, p, VFL_EFORMAT, "%s \"%s\" is not a number", what, show);
  if (!isfinite(*out)) return text_fail(&r->src, p, VFL_EFORMAT, "%s %s is not finite", what, show);
  if (fabs(*out) > FLT_MAX) return text_fail(&r->src, p, VFL_EFORMAT, "%s %s is out of range for a float", what, show);
  return VFL_OK;
}

/* ---------------------------------------------------------------- header */

typedef struct vw_tokens {
  const char *at[3];  /* the first three tokens */
  const char *last;
  int n;
} vw_tokens;

static void split_header(const char *p, const char *bar, vw_tokens *t) {
  t->n = 0;
  for (;;) {
    while (p < bar && text_is_space(*p)) p++;
    if (p >= bar) return;
    if (t->n < 3) t->at[t->n] = p;
    t->last = p;
    t->n++;
    while (p < bar && !text_is_space(*p)) p++;
  }
}

/* "label [importance] [tag]" before the first '|'. */
static int parse_header(vw_reader *r, const char *line, const char *bar) {
  vw_tokens t;
  split_header(line, bar, &t);
  int glued = bar > line && !text_is_space(bar[-1]);
  r->tag = NULL;
  if (t.n > 0 && (glued || *t.last == '\'')) { /* the tag, kept as the row's extra "tag" */
    t.n--;
    const char *e = t.last;
    while (e < bar && !text_is_space(*e)) e++;
    r->tag = t.last + (*t.last == '\'');
    r->tag_len = (size_t)(e - r->tag);
  }
  char show[48];
  if (t.n == 0 && glued)
    return text_fail(&r->src, t.last, VFL_EFORMAT,
                     "expected a label before '|' (\"%s\" touches the '|', so it is read as a tag)",
                     text_show(show, t.last, (size_t)(bar - t.last)));
  if (t.n == 0) return text_fail(&r->src, bar, VFL_EFORMAT, "expected a label before '|'");
  if (t.n > 2)
    return text_fail(&r->src, t.at[2], VFL_EFORMAT,
                     "unexpected \"%s\" after the label and the importance (a tag starts with ' or touches the '|')",
                     read_show_token(show, t.at[2], '|'));
  double label = 0, weight = 1;
  int rc = number(r, t.at[0], "label", t.at[0], &label);
  if (!rc && t.n == 2) rc = number(r, t.at[1], "importance", t.at[1], &weight);
  if (!rc && weight < 0)
    rc = text_fail(&r->src, t.at[1], VFL_EFORMAT, "importance %s is negative", read_show_token(show, t.at[1], '|'));
  r->label = (float)label;
  r->weight = (float)weight;
  return rc;
}

/* ------------------------------------------------------------ namespaces */

/* GROUP_ORDER: the namespace's rank, adding it when new. */
static int rank_of(vw_reader *r, const char *name, size_t n, uint32_t seed, const char *at, uint32_t *group) {
  for (uint32_t i = 0; i < r->n_ns; i++)
    if (r->ns[i].seed == seed && r->ns[i].len == n && memcmp(r->ns[i].name, name, n) == 0) {
      *group = i;
      return VFL_OK;
    }
  if (r->n_ns == 256) {
    char show[48];
    return text_fail(&r->src, at, VFL_EFORMAT, "namespace \"%s\" is the 257th; a grouped input holds at most 256",
                     text_show(show, name, n));
  }
  vw_ns *grown = vfl_realloc(r->ns, (r->n_ns + 1) * sizeof *grown);
  if (!grown) return VFL_ENOMEM;
  r->ns = grown;
  char *copy = vfl_alloc(n + 1);
  if (!copy) return VFL_ENOMEM;
  memcpy(copy, name, n);
  copy[n] = '\0';
  r->ns[r->n_ns] = (vw_ns){seed, n, copy};
  *group = r->n_ns++;
  return VFL_OK;
}

typedef struct vw_space {
  uint32_t seed, group;
  double scale;
  const char *name; /* for the dictionary */
  size_t len;
} vw_space;

/* "ns[:weight]" right after a '|'; a '|' followed by a space opens the
** default namespace " ". */
static int parse_namespace(vw_reader *r, const char **pp, vw_space *ns) {
  const char *name = *pp, *p = name;
  while (!text_is_space(*p) && *p != ':' && *p != '|') p++;
  size_t n = (size_t)(p - name);
  if (n == 0 && *p == ':') return text_fail(&r->src, p, VFL_EFORMAT, "expected a namespace name before ':'");
  if (n == 0) { /* the default namespace */
    name = " ";
    n = 1;
  }
  ns->seed = vfl_hash_bytes(name, n, 0);
  ns->scale = 1;
  ns->name = name;
  ns->len = n;
  if (*p == ':') {
    int rc = number(r, p + 1, "namespace weight", *pp, &ns->scale);
    if (rc) return rc;
    p += 1 + text_token_len(p + 1, "|");
  }
  ns->group = 0;
  if (r->groups == VFL_VW_GROUP_LETTER) ns->group = (unsigned char)name[0];
  if (r->groups == VFL_VW_GROUP_ORDER) {
    int rc = rank_of(r, name, n, ns->seed, *pp, &ns->group);
    if (rc) return rc;
  }
  *pp = p;
  return VFL_OK;
}

/* "ns^feature" (VW's --invert_hash spelling) for the dictionary. */
static int record_name(vw_reader *r, const vw_space *ns, const char *name, size_t n) {
  if (vfl_grow(&r->name, &r->name_cap, ns->len + n + 1, 1)) return VFL_ENOMEM;
  memcpy(r->name, ns->name, ns->len);
  r->name[ns->len] = '^';
  memcpy(r->name + ns->len + 1, name, n);
  return vfl_names_add(r->names, vfl_hash_bytes(name, n, ns->seed) & r->mask, r->name, ns->len + n + 1);
}

/* One "feature[:value]" at *pp. */
static int parse_feature(vw_reader *r, const char **pp, const vw_space *ns) {
  const char *name = *pp, *p = name;
  while (!text_is_space(*p) && *p != ':' && *p != '|') p++;
  size_t n = (size_t)(p - name);
  double v = 1;
  if (*p == ':') {
    if (n == 0) return text_fail(&r->src, p, VFL_EFORMAT, "expected a feature name before ':'");
    int rc = number(r, p + 1, "value", name, &v);
    if (rc) return rc;
    p += 1 + text_token_len(p + 1, "|");
  }
  v *= ns->scale;
  if (!(fabs(v) <= FLT_MAX))
    return text_fail(&r->src, name, VFL_EFORMAT, "the value times the namespace weight is out of range for a float");
  uint32_t h = vfl_hash_bytes(name, n, ns->seed) & r->mask;
  if (r->names && r->groups == VFL_VW_FLAT && record_name(r, ns, name, n)) return VFL_ENOMEM;
  *pp = p;
  return read_row_push(&r->row, r->groups == VFL_VW_FLAT ? h : vfl_group_index(ns->group, h), (float)v);
}

/* Every namespace from the first '|' to the end of the line. */
static int parse_features(vw_reader *r, const char *p, const char *end) {
  r->row.n = 0;
  while (p < end) { /* *p == '|' */
    p++;
    vw_space ns;
    int rc = parse_namespace(r, &p, &ns);
    for (;;) {
      if (rc) return rc;
      while (p < end && text_is_space(*p)) p++;
      if (p >= end || *p == '|') break;
      rc = parse_feature(r, &p, &ns);
    }
  }
  read_row_sort(&r->row); /* hashing scatters the indices */
  return VFL_OK;
}

/* One line: 1 for a row, 0 for a blank line, or a negative status. */
static int parse_line(vw_reader *r, const char *line, size_t len) {
  const char *end = line + len, *p = line;
  while (p < end && text_is_space(*p)) p++;
  if (p == end) return 0;
  const char *bar = memchr(line, '|', len);
  if (!bar) return text_fail(&r->src, p, VFL_EFORMAT, "expected '|' and features after the label");
  int rc = parse_header(r, line, bar);
  if (!rc) rc = parse_features(r, bar, end);
  return rc ? rc : 1;
}

/* ---------------------------------------------------------------- set-up */

static int check_options(const vfl_vw_options *o, const char *name) {
  if (o->groups != VFL_VW_FLAT && o->groups != VFL_VW_GROUP_ORDER && o->groups != VFL_VW_GROUP_LETTER)
    return vfl_fail(VFL_EINVAL, "reading \"%s\": groups %d is not VFL_VW_FLAT, VFL_VW_GROUP_ORDER or VFL_VW_GROUP_LETTER",
                    name, o->groups);
  uint32_t most = o->groups == VFL_VW_FLAT ? 31 : 24;
  if (o->hash_bits > most)
    return vfl_fail(VFL_EINVAL, "reading \"%s\": hash_bits %u is out of range (1 to %u%s, or 0 for 18)", name,
                    o->hash_bits, most, most == 24 ? " for grouped namespaces" : "");
  if (o->input && !*o->input) return vfl_fail(VFL_EINVAL, "reading \"%s\": the input name must not be empty", name);
  return VFL_OK;
}

static int read_all(vw_reader *r) {
  const char *line;
  size_t len;
  int rc;
  while ((rc = text_next_line(&r->src, &line, &len)) == 1) {
    if ((rc = read_refuse_model(&r->src, line, len, "Vowpal Wabbit text"))) return rc;
    rc = parse_line(r, line, len);
    if (rc < 0) return rc;
    if (rc != 1) continue; /* a blank line */
    if ((rc = read_append(r->ds, &r->src, &r->row, &r->label, 1, r->weight))) return rc;
    if (r->tag && (rc = read_set_extra(r->ds, &r->src, "tag", &r->tag_extra, r->tag, r->tag_len))) return rc;
  }
  return rc;
}

/* FLAT: the dataset's featurizer, so that a model trained on it predicts
** from "|ns f ..." (vfl_featurize_text), with the dictionary if kept. */
static int vw_featurizer(vw_reader *r, uint32_t bits) {
  vfl_featurizer f = {.kind = VFL_FEATURIZE_VW, .bits = bits, .ngrams = 1};
  return featurizer_attach(r->ds, &f, r->names);
}

/* Takes src (opened by the caller) and always closes it. */
static int run(text_src *src, const vfl_vw_options *o, vfl_dataset **out) {
  vw_reader r;
  memset(&r, 0, sizeof r);
  r.src = *src;
  r.groups = o->groups;
  r.tag_extra = -1;
  uint32_t bits = o->hash_bits ? o->hash_bits : 18;
  r.mask = (uint32_t)(((uint64_t)1 << bits) - 1);
  const char *name = o->input ? o->input : "features";
  /* A grouped input packs the group into the top 8 bits: its dimension
  ** grows to the largest id seen. */
  r.ds = o->groups == VFL_VW_FLAT ? read_dataset_new(1, name, VFL_INPUT_SPARSE, r.mask + 1)
                                  : read_dataset_new(1, name, VFL_INPUT_GROUPED, 0);
  int rc = r.ds ? VFL_OK : VFL_ENOMEM;
  if (!rc && o->keep_names && o->groups == VFL_VW_FLAT && !(r.names = vfl_names_new())) rc = VFL_ENOMEM;
  if (!rc) rc = read_all(&r);
  if (!rc && o->groups == VFL_VW_FLAT) rc = vw_featurizer(&r, bits);
  text_close(&r.src);
  vfl_names_free(r.names);
  vfl_free(r.name);
  read_row_free(&r.row);
  for (uint32_t i = 0; i < r.n_ns; i++) vfl_free(r.ns[i].name);
  vfl_free(r.ns);
  if (rc) {
    vfl_dataset_free(r.ds);
    return rc;
  }
  *out = r.ds;
  return VFL_OK;
}

static const vfl_vw_options vw_defaults;

int vfl_read_vw(const char *path, const vfl_vw_options *opt, vfl_dataset **out) {
  *out = NULL;
  if (!opt) opt = &vw_defaults;
  int rc = check_options(opt, path);
  if (rc) return rc;
  text_src src;
  if ((rc = text_open_file(&src, path))) return rc;
  return run(&src, opt, out);
}

int vfl_read_vw_buffer(const char *data, size_t len, const char *name, const vfl_vw_options *opt,
                       vfl_dataset **out) {
  *out = NULL;
  if (!opt) opt = &vw_defaults;
  if (!name) name = "<buffer>";
  int rc = check_options(opt, name);
  if (rc) return rc;
  if (!data && len) return vfl_fail(VFL_EINVAL, "reading \"%s\": the buffer is NULL", name);
  text_src src;
  text_open_buffer(&src, data, len, name);
  return run(&src, opt, out);
}
