/*
** featurizer.c -- see featurizer.h. The same check runs when a featurizer
** is set and when one is read from a file, so a file cannot carry what the
** API would refuse.
*/
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "featurizer.h"
#include "net.h"

#define CLASS_NAME_MAX 4096
#define PREFIX_MAX 256

static int check_words(const vfl_featurizer *f) {
  if (f->bits < 1 || f->bits > 32) return vfl_fail(VFL_EINVAL, "the featurizer's bits is %u (1 to 32)", f->bits);
  if (f->ngrams < 1 || f->ngrams > 8) return vfl_fail(VFL_EINVAL, "the featurizer's ngrams is %u (1 to 8)", f->ngrams);
  return VFL_OK;
}

static int check_classes(const vfl_featurizer *f, uint32_t outputs) {
  if (f->n_classes && !f->classes) return vfl_fail(VFL_EINVAL, "the featurizer has %u classes but no names", f->n_classes);
  for (uint32_t i = 0; i < f->n_classes; i++) {
    const char *c = f->classes[i];
    size_t n = c ? strlen(c) : 0;
    if (n == 0 || n > CLASS_NAME_MAX)
      return vfl_fail(VFL_EINVAL, "the featurizer's class %u has a name of %zu bytes (1 to %d)", i + 1, n, CLASS_NAME_MAX);
    for (uint32_t j = 0; j < i; j++) /* a handful to a few thousand classes, checked once */
      if (strcmp(f->classes[j], c) == 0)
        return vfl_fail(VFL_EINVAL, "the featurizer names class '%s' twice (classes %u and %u)", c, j + 1, i + 1);
  }
  if (outputs && f->n_classes && f->n_classes != outputs && !(outputs == 1 && f->n_classes == 2))
    return vfl_fail(VFL_EINVAL, "the featurizer names %u classes for a net of %u outputs", f->n_classes, outputs);
  return VFL_OK;
}

int featurizer_check(const vfl_featurizer *f, uint32_t outputs) {
  if (f->kind != VFL_FEATURIZE_NONE && f->kind != VFL_FEATURIZE_WORDS)
    return vfl_fail(VFL_EINVAL, "the featurizer has an unknown kind %d", f->kind);
  if (f->kind == VFL_FEATURIZE_WORDS && check_words(f)) return VFL_EINVAL;
  if (f->label_prefix && strlen(f->label_prefix) > PREFIX_MAX)
    return vfl_fail(VFL_EINVAL, "the featurizer's label prefix is longer than %d bytes", PREFIX_MAX);
  return check_classes(f, outputs);
}

featurizer_own *featurizer_copy(const vfl_featurizer *f) {
  size_t prefix = f->label_prefix ? strlen(f->label_prefix) + 1 : 0, names = 0;
  for (uint32_t i = 0; i < f->n_classes; i++) names += strlen(f->classes[i]) + 1;
  size_t list = ((size_t)f->n_classes + 1) * sizeof(char *);
  featurizer_own *own = vfl_alloc(sizeof *own + list + prefix + names);
  if (!own) return NULL;
  own->f = *f;
  const char **classes = (const char **)(own + 1);
  char *text = (char *)classes + list;
  if (prefix) {
    memcpy(text, f->label_prefix, prefix);
    own->f.label_prefix = text;
    text += prefix;
  }
  for (uint32_t i = 0; i < f->n_classes; i++) {
    size_t n = strlen(f->classes[i]) + 1;
    memcpy(text, f->classes[i], n);
    classes[i] = text;
    text += n;
  }
  classes[f->n_classes] = NULL;
  own->f.classes = f->n_classes ? classes : NULL;
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

void featurizer_save(model_writer *w, const featurizer_own *own) {
  uint8_t present = own != NULL;
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

static int read_fields(model_reader *r, vfl_featurizer *f, char **prefix, char ***names) {
  uint8_t lower = 0;
  f->kind = get_i32(r);
  f->bits = get_u32(r);
  f->ngrams = get_u32(r);
  f->seed = get_u32(r);
  get_bytes(r, &lower, 1);
  f->lower = lower;
  if (r->bad) return VFL_EFORMAT;
  if (lower > 1) return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer's lower flag is %u (0 or 1)", r->path, lower);
  int rc = get_text(r, PREFIX_MAX, "label prefix", 1, prefix);
  if (rc) return rc;
  f->label_prefix = **prefix ? *prefix : NULL;
  if (get_count(r, &f->n_classes, 4)) return VFL_EFORMAT;
  *names = vfl_calloc((size_t)f->n_classes + 1, sizeof **names);
  if (!*names) return VFL_ENOMEM;
  for (uint32_t i = 0; i < f->n_classes && rc == VFL_OK; i++) rc = get_text(r, CLASS_NAME_MAX, "class", i + 1, &(*names)[i]);
  f->classes = (const char *const *)*names;
  return rc;
}

int featurizer_load(model_reader *r, uint32_t outputs, featurizer_own **out) {
  *out = NULL;
  uint8_t present = 2;
  get_bytes(r, &present, 1);
  if (r->bad) return VFL_EFORMAT;
  if (present > 1) return vfl_fail(VFL_EFORMAT, "\"%s\": the featurizer section is marked %u (0 or 1)", r->path, present);
  if (!present) return VFL_OK;
  vfl_featurizer f = {0};
  char *prefix = NULL, **names = NULL;
  int rc = read_fields(r, &f, &prefix, &names);
  if (rc == VFL_OK && featurizer_check(&f, outputs)) {
    char quoted[1024];
    snprintf(quoted, sizeof quoted, "\"%s\"", r->path);
    rc = vfl_fail_context(VFL_EFORMAT, quoted);
  }
  if (rc == VFL_OK && !(*out = featurizer_copy(&f))) rc = VFL_ENOMEM;
  for (uint32_t i = 0; names && i < f.n_classes; i++) vfl_free(names[i]);
  vfl_free(names);
  vfl_free(prefix);
  return rc;
}
