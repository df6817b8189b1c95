/*
** layers.c -- the one list of layer kinds. A new kind is one file in
** layers/ and one line here.
*/
#include <stdio.h>

#include "error.h"
#include "layer.h"

extern const layer_ops layer_input, layer_linear, layer_relu, layer_tanh, layer_selu, layer_sigmoid, layer_dropout,
    layer_cross, layer_embedding, layer_concat, layer_add, layer_fm, layer_ffm;

static const layer_ops *const registered[] = {
    &layer_input, &layer_linear, &layer_relu, &layer_tanh, &layer_selu, &layer_sigmoid, &layer_dropout, &layer_cross,
    &layer_fm,    &layer_ffm,   &layer_embedding, &layer_concat, &layer_add,
};

#define N_REGISTERED (uint32_t)(sizeof registered / sizeof registered[0])

static int missing(const layer_ops *k, const char *op) {
  return vfl_fail(VFL_EINVAL, "layer kind '%s' (%d) lacks the operation '%s'; it cannot be registered",
                  k->name ? k->name : "?", k->kind, op);
}

static int check_one(const layer_ops *k) {
  if (!k->name) return missing(k, "name");
  const struct {
    int present;
    const char *op;
  } required[] = {{k->check != NULL, "check"},       {k->shape != NULL, "shape"},
                  {k->forward != NULL, "forward"},   {k->backward != NULL, "backward"},
                  {k->describe != NULL, "describe"}, {k->example != NULL, "example"}};
  for (size_t r = 0; r < sizeof required / sizeof required[0]; r++)
    if (!required[r].present) return missing(k, required[r].op);
  if (!k->save != !k->load) return missing(k, k->save ? "load" : "save");
  return VFL_OK;
}

int layer_kinds_check(const layer_ops *const *kinds, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    int rc = check_one(kinds[i]);
    if (rc) return rc;
    for (uint32_t j = 0; j < i; j++)
      if (kinds[j]->kind == kinds[i]->kind)
        return vfl_fail(VFL_EINVAL, "layer kinds '%s' and '%s' share the number %d", kinds[j]->name, kinds[i]->name,
                        kinds[i]->kind);
  }
  return VFL_OK;
}

const layer_ops *layer_kind(int kind) {
  /* The list is checked on every lookup: it is short, lookups happen when
  ** layers are added (never per example), and no state needs a lock. */
  if (layer_kinds_check(registered, N_REGISTERED)) return NULL;
  for (uint32_t i = 0; i < N_REGISTERED; i++)
    if (registered[i]->kind == kind) return registered[i];
  vfl_fail(VFL_EINVAL, "unknown layer kind %d", kind);
  return NULL;
}

uint32_t layer_kinds(const layer_ops *const **out) {
  *out = registered;
  return N_REGISTERED;
}
