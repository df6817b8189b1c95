/*
** names.c -- the dictionary of hashed features (like VW's --invert_hash):
** feature id -> the first text seen for it, kept only when asked for. An
** open-addressing table of ids, the names in one growing arena.
*/
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "vfl.h"

#define EMPTY UINT32_MAX /* no name is ever stored at arena offset UINT32_MAX */

struct vfl_names {
  uint32_t *id, *at; /* slot -> feature id, slot -> arena offset (EMPTY: free) */
  size_t slots, used;
  char *arena;
  size_t arena_len, arena_cap;
};

vfl_names *vfl_names_new(void) { return vfl_calloc(1, sizeof(vfl_names)); }

void vfl_names_free(vfl_names *n) {
  if (!n) return;
  vfl_free(n->id);
  vfl_free(n->at);
  vfl_free(n->arena);
  vfl_free(n);
}

static size_t slot_of(const vfl_names *n, uint32_t id) {
  size_t s = (size_t)(id * 2654435761u) & (n->slots - 1);
  while (n->at[s] != EMPTY && n->id[s] != id) s = (s + 1) & (n->slots - 1);
  return s;
}

static int rehash(vfl_names *n) {
  size_t slots = n->slots ? 2 * n->slots : 1024;
  uint32_t *id = vfl_alloc(slots * sizeof *id), *at = vfl_alloc(slots * sizeof *at);
  if (!id || !at) {
    vfl_free(id);
    vfl_free(at);
    return VFL_ENOMEM;
  }
  memset(at, 0xFF, slots * sizeof *at);
  vfl_names old = *n;
  n->id = id, n->at = at, n->slots = slots;
  for (size_t s = 0; s < old.slots; s++) {
    if (old.at[s] == EMPTY) continue;
    size_t t = slot_of(n, old.id[s]);
    n->id[t] = old.id[s], n->at[t] = old.at[s];
  }
  vfl_free(old.id);
  vfl_free(old.at);
  return VFL_OK;
}

int vfl_names_add(vfl_names *n, uint32_t id, const char *name, size_t len) {
  if (4 * (n->used + 1) > 3 * n->slots && rehash(n)) return VFL_ENOMEM;
  size_t s = slot_of(n, id);
  if (n->at[s] != EMPTY) return VFL_OK; /* the first name seen stays */
  if (n->arena_len + len + 1 >= EMPTY) return vfl_fail(VFL_ENOMEM, "the dictionary of feature names is full (4 GiB)");
  if (vfl_grow(&n->arena, &n->arena_cap, n->arena_len + len + 1, 1)) return VFL_ENOMEM;
  memcpy(n->arena + n->arena_len, name, len);
  n->arena[n->arena_len + len] = '\0';
  n->id[s] = id;
  n->at[s] = (uint32_t)n->arena_len;
  n->arena_len += len + 1;
  n->used++;
  return VFL_OK;
}

void vfl_names_record(void *ud, uint32_t id, const char *name, size_t len) { (void)vfl_names_add(ud, id, name, len); }

uint32_t vfl_names_count(const vfl_names *n) { return (uint32_t)n->used; }

typedef struct entry {
  uint32_t id;
  const char *name;
} entry;

static int by_id(const void *a, const void *b) {
  uint32_t x = ((const entry *)a)->id, y = ((const entry *)b)->id;
  return (x > y) - (x < y);
}

void vfl_names_list(const vfl_names *n, uint32_t *index, const char **name) {
  size_t k = 0;
  for (size_t s = 0; s < n->slots; s++)
    if (n->at[s] != EMPTY) index[k] = n->id[s], name[k++] = n->arena + n->at[s];
  /* sort the pairs by id: through a temporary of entries when it can be had,
  ** else a plain insertion sort (the lists are sorted again on load anyway) */
  entry *e = k ? vfl_alloc(k * sizeof *e) : NULL;
  if (e) {
    for (size_t i = 0; i < k; i++) e[i] = (entry){index[i], name[i]};
    qsort(e, k, sizeof *e, by_id);
    for (size_t i = 0; i < k; i++) index[i] = e[i].id, name[i] = e[i].name;
    vfl_free(e);
    return;
  }
  for (size_t i = 1; i < k; i++)
    for (size_t j = i; j > 0 && index[j - 1] > index[j]; j--) {
      uint32_t t = index[j];
      const char *m = name[j];
      index[j] = index[j - 1], name[j] = name[j - 1];
      index[j - 1] = t, name[j - 1] = m;
    }
}

const char *vfl_featurizer_name(const vfl_featurizer *f, uint32_t id) {
  if (!f || !f->n_names) return NULL;
  size_t lo = 0, hi = f->n_names;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (f->name_index[mid] < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < f->n_names && f->name_index[lo] == id ? f->names[lo] : NULL;
}
