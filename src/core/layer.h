/*
** layer.h -- the table of layer kinds. Each kind is one record of
** operations in its own file (src/core/layers/<kind>.c), listed once in
** layers.c. The engine never switches on a kind: it asks the record.
** docs/anatomy-of-a-layer.md tells how to add one.
*/
#ifndef VFL_LAYER_H
#define VFL_LAYER_H

#include <stddef.h>

#include "net.h"

struct vfl_work;
struct model_writer;
struct model_reader;

/* One parameter block a kind owns: rows x cols floats. A bias block is left
** alone by priors and starts at zero; the others start uniform in
** [-auto_scale, auto_scale] unless init is given a scale. Priors name the
** weight blocks by position (Linear: block p holds parent p's weights). */
typedef struct layer_block {
  uint32_t rows, cols;
  float auto_scale;
  int bias;
} layer_block;

/* Where a kind sits in the generated gradient checks (tests/c/test_gradcheck.c):
** what its parent is. */
enum {
  LAYER_PARENT_NONE = 0,
  LAYER_PARENT_DENSE = 1,
  LAYER_PARENT_SPARSE = 2,
  LAYER_PARENT_GROUPED = 3,
  LAYER_PARENT_SPARSE_REPEATS = 4, /* a sparse parent whose row repeats some indices */
  LAYER_PARENT_SPARSE_PAIR = 5,    /* two sparse parents (the second row repeats indices) */
  LAYER_PARENT_DENSE_PAIR = 6      /* two dense parents of one width */
};

typedef struct layer_ops {
  int kind;              /* VFL_LAYER_* */
  const char *name;      /* in messages; the Lua constructor's usual name */
  int uses_mask;         /* k > 0: each worker keeps k x dim floats for it (dropout's mask, a max pool's winners) */
  /* Required. */
  int (*check)(const char *layer, const vfl_layer_spec *s);   /* at vfl_net_add; names the layer */
  int (*shape)(const vfl_net *net, vfl_layer *l);             /* dim, sparse_out, needs_grad; parents done */
  void (*forward)(struct vfl_work *w, const vfl_layer *l, uint32_t i);
  void (*backward)(struct vfl_work *w, uint32_t i);           /* adds to the parents' gradients, moves blocks */
  int (*describe)(const vfl_layer_spec *s, char *buf, size_t size); /* "linear(8, no intercept)" */
  /* Example k (0, 1, ..) of a small spec and the kind of parent it takes,
  ** for the generated gradient checks; returns 0 past the last one.
  ** LAYER_PARENT_NONE: an input, checked in every other kind's net. */
  int (*example)(uint32_t k, vfl_layer_spec *s, int *parent);
  /* Optional. */
  const char *(*kind_name)(const vfl_layer_spec *s);            /* NULL: `name` */
  int (*adopt)(vfl_layer *l);  /* copies what l->spec points to into l (freed with it) */
  uint32_t (*blocks)(const vfl_net *net, const vfl_layer *l, layer_block *out); /* count; out may be NULL */
  uint64_t (*sparse_nnz)(const vfl_layer *l, uint64_t parent_nnz); /* most features it emits (sparse kinds) */
  /* Floats of scratch each worker keeps for the layer (w->scratch[i]),
  ** allocated with the worker: what forward leaves for backward (an FM's
  ** sums) and a row's gradient, so that neither allocates per example. */
  uint32_t (*scratch)(const vfl_net *net, const vfl_layer *l);
  /* Nonzero when backward hands every feature of each sparse parent, in
  ** order, to sparse_rows_gradient once per example: a planned mini-batch
  ** may then step each row at its last touch (work.h). */
  int (*every_feature_grad)(const vfl_layer *l);
  void (*save)(struct model_writer *w, const vfl_layer_spec *s);   /* its spec fields; both or neither */
  int (*load)(struct model_reader *r, vfl_layer_spec *s);
} layer_ops;

/* The record of a kind, or NULL (error set, naming the kind). */
const layer_ops *layer_kind(int kind);
/* Checks a list of records as registration does: every required operation
** present, save and load paired, no kind twice. The message names the kind
** and the operation. */
int layer_kinds_check(const layer_ops *const *kinds, uint32_t n);
/* The registered kinds, for the generated tests. */
uint32_t layer_kinds(const layer_ops *const **out);

/* A linear layer with mean = true, from a model file of before the
** embedding kind, made the embedding bag (pool mean) it was (linear.c). */
void layer_linear_upgrade(vfl_layer_spec *s);

/* A dense parent's part of a linear layer (block p, parent p): y += x * blk,
** and its gradient; the embedding kind multiplies dense parents alike. */
void layer_dense_forward(const vfl_param *blk, const float *x, uint32_t cols, float *y);
void layer_dense_backward(struct vfl_work *w, uint32_t li, uint32_t p, const float *dy);
/* A linear layer's blocks (block p: parent p's rows, then the bias), which
** the embedding kind shares so that old linear-mean files load as it. */
uint32_t layer_linear_blocks(const vfl_net *net, const vfl_layer *l, layer_block *out);

/* Shared by several kinds (layers/common.c). */
int layer_check_none(const char *layer, const vfl_layer_spec *s);
int layer_one_dense_parent(const vfl_net *net, const vfl_layer *l);
int layer_shape_like_parent(const vfl_net *net, vfl_layer *l); /* one dense parent, same width */
void layer_backward_none(struct vfl_work *w, uint32_t i);
int layer_example_dense(uint32_t k, vfl_layer_spec *s, int *parent);
int layer_describe_name(const vfl_layer_spec *s, char *buf, size_t size); /* just the kind's name */

/* The record of an elementwise activation: one dense parent, its width, no
** spec fields, no parameters. */
#define LAYER_ACTIVATION(NAME, KIND, FORWARD, BACKWARD)                                               \
  {                                                                                                  \
    .kind = (KIND), .name = (NAME), .check = layer_check_none, .shape = layer_shape_like_parent,      \
    .forward = (FORWARD), .backward = (BACKWARD), .describe = layer_describe_name,                   \
    .example = layer_example_dense                                                                   \
  }

#endif
