/*
** net.h -- the layer graph, its parameters, and the per-worker workspace.
**
** Parameters of a Linear layer are kept feature-major: one contiguous row of
** `cols` (= outputs) floats per input feature, so that each non-zero of a
** sparse parent is one axpy over a contiguous row, forward and backward. The
** optimizer's state for a row sits right after the row's weights, and
** during mini-batch training the row's summed gradient after that
** (stride = cols * (1 + n_state + has_sums)), so an update touches one or
** two cache lines, not three separate arrays.
*/
#ifndef VFL_NET_H
#define VFL_NET_H

#include <stdatomic.h>

#include "vfl.h"

typedef struct vfl_param {
  float *data;         /* rows x stride floats, 64-byte aligned */
  uint32_t rows, cols;
  uint32_t stride;     /* cols * (1 + n_state + has_sums) */
  uint32_t n_state;    /* optimizer slots per weight, after the weights */
  int state_kind;      /* the VFL_OPTIM_* that the state belongs to (0: none) */
  int has_sums;        /* rows end with cols floats of mini-batch gradient sums
                       ** (work_grad.h): kept between runs, never saved */
  int bias;            /* priors leave it alone; init starts it at zero */
  float auto_scale;    /* init's range when no scale is given */
} vfl_param;

static inline float *param_row(const vfl_param *p, uint32_t r) { return p->data + (size_t)r * p->stride; }

/* Row r's summed mini-batch gradient (has_sums only). */
static inline float *param_sum(const vfl_param *p, uint32_t r) { return param_row(p, r) + p->cols * (1 + p->n_state); }

typedef struct vfl_prior {
  vfl_prior_spec spec;   /* spec.parent resolved from parent_name at init */
  float *per_row;        /* owned copies */
  float *center;
  uint32_t rows, cols;   /* of the weight block it acts on, once resolved (net_priors.c) */
  char *parent_name;     /* owned copy, or NULL */
  uint64_t n_per_row, n_center; /* the arrays' lengths, checked against rows and cols */
} vfl_prior;

typedef struct vfl_layer {
  char *name;
  vfl_layer_spec spec;
  const struct layer_ops *ops; /* the kind's record (layer.h) */
  uint32_t *crosses;   /* owned copy of spec.crosses */
  uint32_t dim;        /* width of the layer's output */
  int sparse_out;      /* inputs (sparse, grouped) and crosses emit sparse features */
  uint32_t *parents;
  uint32_t n_parents;
  vfl_param *blocks;   /* as the kind declares them (Linear: one per parent, then the bias) */
  uint32_t n_blocks;
  vfl_optim_spec optim;  /* kind 0: use the trainer's default */
  vfl_prior *priors;
  uint32_t n_priors;
  int needs_grad;      /* some parameter upstream of it can learn */
} vfl_layer;

struct vfl_net {
  vfl_layer *layers;
  uint32_t n_layers;
  uint32_t *order;     /* topological order, after init */
  uint32_t *inputs;    /* input layers in the order they were added */
  uint32_t n_inputs;
  uint32_t output;
  int ready;
  int bulk;            /* the loader adds and wires every layer first: no shape refresh per call */
  int link;
  struct vfl_work *work;  /* for forward/predict on the caller's thread */
  atomic_int stop_requested; /* vfl_net_stop, from any thread */
  volatile int *stop_flag;   /* while learn runs: the caller's signal-handler
                             ** flag (vfl_train_options.stop), or NULL */
  int storage;         /* VFL_STORE_*: how the file it was loaded from held the weights */
  struct featurizer_own *featurizer; /* raw input to features, class names (featurizer.h); NULL: none */
};

/* The layer called name, or NULL (error set, naming it). */
vfl_layer *net_layer(const vfl_net *net, const char *name);
/* Derives the width of every layer whose parents allow it, as soon as it
** is wired (for vfl_net_layer_dim before init); leaves the error message
** as it was. */
void net_refresh_shapes(vfl_net *net);
/* Resolves l's priors against its blocks' shapes (the parent a prior names,
** the lengths of its arrays), at init; the error names the layer and the
** prior. net_free_priors frees them with the layer. */
int net_resolve_priors(const vfl_net *net, vfl_layer *l);
void net_free_priors(vfl_layer *l);
/* Weight blocks (not bias) of l: what a prior's `parent` counts. */
uint32_t net_weight_blocks(const vfl_layer *l);

/* Checks the graph and derives shapes and order; used by init and load. */
int net_compile(vfl_net *net);
/* Allocates the parameter blocks every kind declares, zeroed, each row with
** room for its layer's optimizer's state, else default_kind's (0: no room
** in any layer). */
int net_alloc_params(vfl_net *net, int default_kind);

/* Whether a stop was asked for, by vfl_net_stop or through the caller's
** flag. Only for the caller's thread (the flag is a plain volatile int);
** workers read stop_requested alone. */
int net_stop_asked(const vfl_net *net);

/* Rows of a block of `stride` floats to process between two looks at the
** stop flag during set-up: about 4 MiB, a millisecond or two of copying. */
size_t net_rows_per_stop_check(uint32_t stride);

/* Makes every parameter block hold n_state optimizer slots of kind, and
** mini-batch gradient sums if `sums`, keeping the weights (and the state
** when its kind and size are unchanged); the sums start at zero. With
** stop_from, a stop asked for on that net while the block is rebuilt
** returns VFL_ESTOPPED and leaves the block as it was. */
int param_set_state(vfl_param *p, uint32_t n_state, int kind, int sums, const vfl_net *stop_from);

#endif
