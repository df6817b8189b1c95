/*
** cross.c -- feature crosses of any order on a grouped input. The layer
** emits every feature of its parent, and for each cross (g1, .., gk) of
** groups, one feature per way of picking a feature of group g1, one of g2,
** .., one of gk, valued at the product of their values and hashed into
** 2^cross_bits ids. Within a run of equal groups the features picked are
** distinct and in order, so (a, a) crosses a group with itself once per pair.
*/
#include <stdio.h>

#include "alloc.h"
#include "error.h"
#include "layer.h"
#include "model_io.h"
#include "work.h"

#define MAX_ORDER 8u

static uint32_t order_of(const vfl_layer_spec *s) { return s->cross_order ? s->cross_order : 2; }

static int check(const char *layer, const vfl_layer_spec *s) {
  uint32_t order = order_of(s);
  if (s->cross_bits < 1 || s->cross_bits > 31)
    return vfl_fail(VFL_EINVAL, "layer '%s': cross bits %u must be between 1 and 31", layer, s->cross_bits);
  if (order < 2 || order > MAX_ORDER)
    return vfl_fail(VFL_EINVAL, "layer '%s': a cross of %u groups; crosses take 2 to %u", layer, order, MAX_ORDER);
  if (s->n_crosses && !s->crosses) return vfl_fail(VFL_EINVAL, "layer '%s': the cross groups are missing", layer);
  for (uint32_t i = 0; i < order * s->n_crosses; i++)
    if (s->crosses[i] > 255) return vfl_fail(VFL_EINVAL, "layer '%s': group %u is above 255", layer, s->crosses[i]);
  return VFL_OK;
}

static int adopt(vfl_layer *l) {
  size_t n = (size_t)order_of(&l->spec) * l->spec.n_crosses;
  l->spec.cross_order = order_of(&l->spec);
  if (!n) return VFL_OK;
  if (!(l->crosses = vfl_alloc(n * sizeof *l->crosses))) return VFL_ENOMEM;
  for (size_t i = 0; i < n; i++) l->crosses[i] = l->spec.crosses[i];
  l->spec.crosses = l->crosses;
  return VFL_OK;
}

static int shape(const vfl_net *net, vfl_layer *l) {
  if (l->n_parents != 1) return vfl_fail(VFL_EINVAL, "layer '%s': needs exactly one parent, has %u", l->name, l->n_parents);
  const vfl_layer *p = &net->layers[l->parents[0]];
  if (p->spec.kind != VFL_LAYER_INPUT || p->spec.input_kind != VFL_INPUT_GROUPED)
    return vfl_fail(VFL_EINVAL, "layer '%s': a cross layer's parent must be a grouped input, '%s' is not", l->name, p->name);
  l->dim = 1u << l->spec.cross_bits;
  l->sparse_out = 1;
  return VFL_OK;
}

/* The m originals plus, per cross, at most m^order products; saturates
** (work_fit refuses what does not fit in 32 bits). */
static uint64_t sparse_nnz(const vfl_layer *l, uint64_t m) {
  uint64_t per = 1;
  for (uint32_t k = 0; k < order_of(&l->spec); k++) per = m && per > UINT64_MAX / 2 / m ? UINT64_MAX / 2 : per * m;
  uint64_t n = l->spec.n_crosses;
  return m + (n && per > (UINT64_MAX / 2 - m) / n ? UINT64_MAX / 2 : n * per);
}

/* The hash of a cross so far (h) and one more grouped id (b). A pair's id
** is mix(a, b) & mask, as before crosses had any order. */
static uint32_t mix(uint32_t h, uint32_t b) {
  uint64_t x = ((uint64_t)h << 32 | b) * 0x9E3779B97F4A7C15ull;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ull;
  return (uint32_t)(x >> 32);
}

typedef struct emitter {
  const vfl_features *in;
  const uint32_t *groups;  /* of this cross */
  uint32_t order, mask, n;
  uint32_t *idx;
  float *val;
} emitter;

/* Picks the feature of groups[depth] for every position from `from` on
** (depth <= 8: bounded recursion, no allocation). */
static void pick(emitter *e, uint32_t depth, uint32_t from, uint32_t h, float v) {
  if (depth == e->order) {
    e->idx[e->n] = h & e->mask;
    e->val[e->n++] = v;
    return;
  }
  const vfl_features *in = e->in;
  uint32_t g = e->groups[depth];
  for (uint32_t a = depth && g == e->groups[depth - 1] ? from : 0; a < in->n; a++) {
    if (in->index[a] >> 24 != g) continue;
    float va = in->value ? in->value[a] : 1.0f;
    pick(e, depth + 1, a + 1, depth ? mix(h, in->index[a]) : in->index[a], depth ? v * va : va);
  }
}

static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  const vfl_features *in = &w->feat[l->parents[0]];
  uint32_t order = l->spec.cross_order;
  emitter e = {in, NULL, order, l->dim - 1, 0, w->xidx[i], w->xval[i]};
  for (uint32_t j = 0; j < in->n; j++) {
    e.idx[e.n] = mix(in->index[j], 0xFFFFFFFFu) & e.mask;
    e.val[e.n++] = in->value ? in->value[j] : 1.0f;
  }
  for (uint32_t c = 0; c < l->spec.n_crosses; c++) {
    e.groups = l->crosses + (size_t)c * order;
    pick(&e, 0, 0, 0, 1.0f);
  }
  w->feat[i] = (vfl_features){e.n, e.idx, e.val};
}

static int describe(const vfl_layer_spec *s, char *buf, size_t size) {
  uint32_t order = order_of(s);
  if (order == 2) return snprintf(buf, size, "cross(%u pairs, %u bits)", s->n_crosses, s->cross_bits);
  if (order == 3) return snprintf(buf, size, "cross(%u triples, %u bits)", s->n_crosses, s->cross_bits);
  return snprintf(buf, size, "cross(%u crosses of %u, %u bits)", s->n_crosses, order, s->cross_bits);
}

/* Pairs (one of a group with itself), triples, and a cross of four. */
static int example(uint32_t k, vfl_layer_spec *s, int *parent) {
  static const uint32_t pairs[] = {0, 1, 1, 1}, triples[] = {0, 1, 2, 1, 1, 2}, four[] = {0, 1, 1, 2};
  static const uint32_t *const groups[] = {pairs, triples, four};
  static const uint32_t orders[] = {2, 3, 4}, counts[] = {2, 2, 1};
  if (k >= 3) return 0;
  s->cross_bits = 6;
  s->cross_order = orders[k];
  s->n_crosses = counts[k];
  s->crosses = groups[k];
  *parent = LAYER_PARENT_GROUPED;
  return 1;
}

static void save(model_writer *w, const vfl_layer_spec *s) {
  put_u32(w, s->cross_bits);
  put_u32(w, order_of(s));
  put_u32(w, s->n_crosses);
  for (uint32_t i = 0; i < order_of(s) * s->n_crosses; i++) put_u32(w, s->crosses[i]);
}

/* The groups are read into memory the loader frees once the layer is added. */
static int load(model_reader *r, vfl_layer_spec *s) {
  s->cross_bits = get_u32(r);
  s->cross_order = get_u32(r);
  if (!r->bad && (s->cross_order < 2 || s->cross_order > MAX_ORDER))
    return vfl_fail(VFL_EFORMAT, "\"%s\": a cross of %u groups; crosses take 2 to %u", r->path, s->cross_order, MAX_ORDER);
  if (get_count(r, &s->n_crosses, 4 * (size_t)s->cross_order)) return VFL_EFORMAT;
  uint32_t *groups = vfl_alloc(((size_t)s->cross_order * s->n_crosses + 1) * sizeof *groups);
  if (!groups) return VFL_ENOMEM;
  for (uint32_t i = 0; i < s->cross_order * s->n_crosses; i++) groups[i] = get_u32(r);
  s->crosses = groups;
  return r->bad ? VFL_EFORMAT : VFL_OK;
}

const layer_ops layer_cross = {
    .kind = VFL_LAYER_CROSS,
    .name = "cross",
    .check = check,
    .shape = shape,
    .forward = forward,
    .backward = layer_backward_none,
    .describe = describe,
    .example = example,
    .adopt = adopt,
    .sparse_nnz = sparse_nnz,
    .save = save,
    .load = load,
};
