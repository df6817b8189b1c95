/*
** net_priors.c -- priors on a layer's weights. A prior may be declared as
** soon as the layer exists, before its parents are wired: its parent (a
** position or a name) and the lengths of its per_row and center arrays are
** then checked when init allocates the weights (and at once when the shapes
** are already known), with a message naming the layer and the prior.
*/
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "layer.h"
#include "net.h"

static const char *prior_name(int kind) {
  return kind == VFL_PRIOR_L2 ? "l2" : kind == VFL_PRIOR_L1 ? "l1" : "positive";
}

/* The shapes of l's blocks: the allocated ones, or before init what its kind
** declares (the parents wired). NULL when out of memory. */
static layer_block *block_shapes(const vfl_net *net, const vfl_layer *l, uint32_t *count) {
  *count = l->blocks ? l->n_blocks : l->ops->blocks(net, l, NULL);
  layer_block *shapes = vfl_alloc((*count ? *count : 1) * sizeof *shapes);
  if (!shapes) return NULL;
  if (!l->blocks) l->ops->blocks(net, l, shapes);
  for (uint32_t b = 0; l->blocks && b < *count; b++)
    shapes[b] = (layer_block){l->blocks[b].rows, l->blocks[b].cols, 0, l->blocks[b].bias};
  return shapes;
}

/* Fixes prior k (0-based) of l against the shapes: the position of the
** parent it names, the block it acts on, and the lengths of its arrays. */
static int resolve(const vfl_net *net, const vfl_layer *l, uint32_t k, vfl_prior *pr, const layer_block *shapes,
                   uint32_t count) {
  const char *kind = prior_name(pr->spec.kind);
  uint32_t n_weights = 0;
  for (uint32_t b = 0; b < count; b++) n_weights += !shapes[b].bias;
  if (pr->parent_name) {
    pr->spec.parent = -1;
    for (uint32_t p = 0; p < l->n_parents && pr->spec.parent < 0; p++)
      if (!strcmp(net->layers[l->parents[p]].name, pr->parent_name)) pr->spec.parent = (int)p;
    if (pr->spec.parent < 0)
      return vfl_fail(VFL_EINVAL, "layer '%s': prior %u (%s) names the parent '%s', which is not wired into it", l->name,
                      k + 1, kind, pr->parent_name);
  }
  if (pr->spec.parent < -1 || pr->spec.parent >= (int)n_weights)
    return vfl_fail(VFL_EINVAL, "layer '%s': prior parent %lld is out of range (it has %u)", l->name,
                    (long long)pr->spec.parent + 1, n_weights);
  if ((pr->spec.per_row || pr->spec.center) && pr->spec.parent < 0 && n_weights > 1)
    return vfl_fail(VFL_EINVAL, "layer '%s': a per-feature or centred prior must name one parent", l->name);
  const layer_block *blk = &shapes[pr->spec.parent < 0 ? 0 : pr->spec.parent];
  uint64_t cells = (uint64_t)blk->rows * blk->cols;
  if (!pr->n_per_row) pr->n_per_row = blk->rows; /* declared with the shapes known: their sizes */
  if (!pr->n_center) pr->n_center = cells;
  if (pr->spec.per_row && pr->n_per_row != blk->rows)
    return vfl_fail(VFL_EINVAL, "layer '%s': prior %u (%s) has %llu per-row strengths; its weights have %u rows", l->name,
                    k + 1, kind, (unsigned long long)pr->n_per_row, blk->rows);
  if (pr->spec.center && pr->n_center != cells)
    return vfl_fail(VFL_EINVAL, "layer '%s': prior %u (%s) has a center of %llu numbers; its weights are %u x %u (%llu)",
                    l->name, k + 1, kind, (unsigned long long)pr->n_center, blk->rows, blk->cols,
                    (unsigned long long)cells);
  pr->rows = blk->rows;
  pr->cols = blk->cols;
  return VFL_OK;
}

int net_resolve_priors(const vfl_net *net, vfl_layer *l) {
  if (!l->n_priors) return VFL_OK;
  uint32_t count;
  layer_block *shapes = block_shapes(net, l, &count);
  if (!shapes) return VFL_ENOMEM;
  int rc = VFL_OK;
  for (uint32_t k = 0; k < l->n_priors && rc == VFL_OK; k++) rc = resolve(net, l, k, &l->priors[k], shapes, count);
  vfl_free(shapes);
  return rc;
}

static int check_spec(const vfl_layer *l, const vfl_prior_spec *s) {
  if (s->kind != VFL_PRIOR_L2 && s->kind != VFL_PRIOR_L1 && s->kind != VFL_PRIOR_POSITIVE)
    return vfl_fail(VFL_EINVAL, "layer '%s': unknown prior kind %d", l->name, s->kind);
  if (!(s->lambda >= 0) || isinf(s->lambda))
    return vfl_fail(VFL_EINVAL, "layer '%s': prior strength %g must be a finite number >= 0", l->name, (double)s->lambda);
  if (!isfinite(s->floor)) return vfl_fail(VFL_EINVAL, "layer '%s': the prior's floor must be a finite number", l->name);
  return VFL_OK;
}

static int copy_bytes(void **dst, const void *src, size_t n) {
  if (!src) return VFL_OK;
  *dst = vfl_alloc(n ? n : 1);
  if (!*dst) return VFL_ENOMEM;
  memcpy(*dst, src, n);
  return VFL_OK;
}

static void prior_release(vfl_prior *pr) {
  vfl_free(pr->per_row);
  vfl_free(pr->center);
  vfl_free(pr->parent_name);
}

void net_free_priors(vfl_layer *l) {
  for (uint32_t k = 0; k < l->n_priors; k++) prior_release(&l->priors[k]);
  vfl_free(l->priors);
}

int vfl_net_add_prior(vfl_net *net, const char *layer, const vfl_prior_spec *s) {
  vfl_layer *l = net_layer(net, layer);
  if (!l) return VFL_EINVAL;
  if (!l->ops->blocks) return vfl_fail(VFL_EINVAL, "layer '%s': priors go on layers with weights (linear)", layer);
  int rc = check_spec(l, s);
  if (rc) return rc;
  /* With the parents wired, the prior is checked now (the arrays' lengths default to the block's sizes). */
  int known = l->blocks || vfl_net_layer_params(net, (uint32_t)(l - net->layers));
  uint32_t count = 0;
  layer_block *shapes = known ? block_shapes(net, l, &count) : NULL;
  if (known && !shapes) return VFL_ENOMEM;
  vfl_prior pr = {*s, NULL, NULL, 0, 0, NULL, s->n_per_row, s->n_center};
  if (!known && ((s->per_row && !s->n_per_row) || (s->center && !s->n_center))) {
    vfl_free(shapes);
    return vfl_fail(VFL_EINVAL, "prior on '%s': the layer's parents are not all wired yet, so give the lengths of "
                    "per_row and center (n_per_row, n_center)", layer);
  }
  rc = known ? resolve(net, l, l->n_priors, &pr, shapes, count) : VFL_OK;
  vfl_free(shapes);
  if (rc) return rc;
  if (copy_bytes((void **)&pr.per_row, s->per_row, pr.n_per_row * sizeof(float)) ||
      copy_bytes((void **)&pr.center, s->center, (size_t)pr.n_center * sizeof(float)) ||
      copy_bytes((void **)&pr.parent_name, s->parent_name, s->parent_name ? strlen(s->parent_name) + 1 : 0)) {
    prior_release(&pr);
    return VFL_ENOMEM;
  }
  pr.spec.per_row = pr.per_row;
  pr.spec.center = pr.center;
  pr.spec.parent_name = pr.parent_name;
  vfl_prior *grown = vfl_realloc(l->priors, (l->n_priors + 1) * sizeof *grown);
  if (!grown) {
    prior_release(&pr);
    return VFL_ENOMEM;
  }
  l->priors = grown;
  l->priors[l->n_priors++] = pr;
  return VFL_OK;
}

uint32_t vfl_net_layer_priors(const vfl_net *net, uint32_t i, vfl_prior_spec *out, uint32_t cap) {
  if (i >= net->n_layers) return 0;
  const vfl_layer *l = &net->layers[i];
  for (uint32_t k = 0; k < l->n_priors && k < cap; k++) out[k] = l->priors[k].spec;
  return l->n_priors;
}
