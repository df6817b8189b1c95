/*
** llearn.h -- what the parts of net:learn share (llearn*.c): the context of
** one training run. net:learn reads its options (llearn_opts.c), sets up the
** loss (llearn_loss.c) and the callbacks (llearn_calls.c), runs the engine
** (llearn.c) and builds the stats table (llearn_stats.c).
**
** Threads: a Lua loss always runs on the trainer workers, each in a
** lua_State of its own (lworkers.c), whatever the number of cores. The
** caller's lua_State serves only the callbacks (progress, on_epoch,
** on_batches), which the engine calls on the caller's thread: no lock.
*/
#ifndef VFL_LLEARN_H
#define VFL_LLEARN_H

#include <stdatomic.h>

#include "lvfl.h"

/* The fixed stack slots of net:learn's arguments. */
enum { LEARN_NET = 1, LEARN_DATA, LEARN_LOSS, LEARN_OPTIM, LEARN_OPTS };

typedef struct learn_ctx {
  lua_State *L;
  vfl_net *net;
  const char *fname;
  int streaming;            /* the data is an iterator of rows */
  int progress_i;           /* stack slot of the progress bar object or function */
  int progress_fn;          /* 1: a user function, 0: a bar object */
  int on_epoch_i;
  int on_batches_i;         /* {every = N, on_batches = fn} */
  int valid_i, metrics_i;   /* validation set and metric names, or 0 */
  int evaluate_i;           /* vfl.metrics.evaluate, when valid_i */
  int history_i;            /* the per-epoch history table */
  uint32_t batch;
  double epoch_started;     /* seconds (engine clock) at the end of the previous epoch */
  uint64_t epoch_examples;  /* examples trained by then */
  int failed;               /* a callback raised: message in err */
  int stop_asked;           /* a callback returned "stop" */
  atomic_int requested;     /* vfl.request_stop() was called during it */
  char err[1024];
  lvfl_dist_plan *dist;    /* dist = true: the data-parallel plan (ldist_learn.c); NULL: one process */
} learn_ctx;

/* Seconds on a monotonic clock (llearn.c). */
double learn_now(void);

/* llearn_opts.c: the training settings from the optimizer and the options
** table; raises Lua errors naming the option. */
void learn_read_options(lua_State *L, learn_ctx *c, const lvfl_optim *optim, vfl_train_options *o, uint32_t *chunk);
/* The optimizer argument (nil or a vfl.optim), raising otherwise. */
const lvfl_optim *learn_check_optim(lua_State *L);

/* llearn_loss.c: the loss argument as an engine loss spec. A Lua loss
** (a function or "module.fn") gets n_workers worker states, pushed. */
void learn_setup_loss(lua_State *L, learn_ctx *c, uint32_t n_workers, const vfl_dataset *schema, vfl_loss_spec *loss);

/* llearn_weights.c: the class_weights option (a table or "balanced", from
** ds when not streaming) into o; the weights stay on the stack (pushed). */
void learn_class_weights(lua_State *L, learn_ctx *c, int kind, const vfl_dataset *ds, vfl_train_options *o);

/* llearn_calls.c: progress, on_epoch, on_batches and the history hooked
** into o; values they need are pushed on the stack. */
void learn_setup_callbacks(lua_State *L, learn_ctx *c, vfl_train_options *o, size_t rows);
/* Draws the progress bar's last line, if there is a bar. */
void learn_finish_bar(learn_ctx *c, const vfl_progress *result, int stopped);
void learn_push_progress(lua_State *L, const vfl_progress *p);
/* 1 when Ctrl-C or vfl.request_stop asked this run to stop. */
int learn_interrupted(learn_ctx *c);

/* llearn_stats.c: the history table and the validation options (pushed);
** one history entry per finished epoch (1 when it asked to stop); the
** stats table of a finished or stopped run; and raising a callback's error
** with those stats attached. */
void learn_setup_history(lua_State *L, learn_ctx *c);
int learn_record_epoch(learn_ctx *c, const vfl_progress *p);
void learn_push_stats(lua_State *L, learn_ctx *c, const vfl_progress *result, double seconds, int stopped);
int learn_raise_with_stats(lua_State *L, learn_ctx *c);

#endif
