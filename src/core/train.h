/*
** train.h -- the trainer's shared state and its workers (Hogwild).
**
** Workers share the net's weights without locks: each reads and writes
** parameter rows while others may do the same. This is the Hogwild scheme
** (Niu et al., 2011): with sparse data, collisions are rare and harmless to
** convergence. The races are intentional and confined to parameter rows; the
** trainer's own bookkeeping uses C11 atomics. See docs/hogwild.md.
*/
#ifndef VFL_TRAIN_H
#define VFL_TRAIN_H

#include <pthread.h>
#include <stdatomic.h>

#include "dataset.h"
#include "work.h"

typedef struct trainer trainer;

typedef struct worker {
  trainer *t;
  vfl_work *work;
  uint32_t id;
  size_t begin, end;            /* slice of the epoch order */
  vfl_features *feats;          /* one per dataset input (for callbacks' rows) */
  uint32_t *index;              /* room to unpack a row's packed indices (ds_features) */
  size_t index_cap;
  uint32_t **index_at;          /* dataset input k's share of index */
  _Atomic uint64_t done;        /* examples done this epoch */
  _Atomic uint64_t nnz;         /* non-zeros done this epoch */
  _Atomic double loss_sum;      /* weighted loss this epoch */
  _Atomic double weight_sum;
  pthread_t thread;
} worker;

struct trainer {
  vfl_net *net;
  const vfl_dataset *ds;
  vfl_loss_spec loss;
  vfl_train_options opt;
  uint32_t n_workers;
  uint32_t *input_map;          /* net input k reads dataset input input_map[k] */
  size_t *order;                /* this epoch's order of rows */
  uint32_t epoch;
  atomic_int stop;              /* set by a failing worker or the caller */
  atomic_int error_taken;       /* the first error wins */
  int error_code;
  char error[1024];
  worker *workers;
  pthread_mutex_t lock;
  pthread_cond_t finished;
  uint32_t running;
  uint64_t next_rows;           /* examples at which on_rows is due next */
  double next_report;           /* time at which on_progress is due next; kept across
                                ** epochs so that short epochs still report */
  int streaming;                /* vfl_net_learn_stream */
  /* learning-rate schedules: examples trained so far, all workers (each adds
  ** its count every SCHEDULE_EVERY rows, relaxed), out of sched_total */
  int scheduled;
  _Atomic uint64_t sched_seen;
  double sched_total, sched_epoch_rows;
};

/* Rows between two updates of a worker's learning rates under a schedule. */
#define SCHEDULE_EVERY 64

/* The steps of a training run, shared by vfl_net_learn (train.c) and
** vfl_net_learn_stream (train_stream.c). */
double trainer_now(void);
/* Rows of the data to go through between two looks at the stop flag in
** set-up work that grows with the data (label checks, the shuffle). */
#define STOP_CHECK_ROWS ((size_t)1 << 16)
/* Whether the run must stop: a worker failed, or the caller asked (through
** vfl_net_stop or its flag; then t->stop is set, which the workers read).
** The caller's thread only. */
int trainer_stopped(trainer *t);
/* The error for a stop that came before any row was trained. */
int stopped_in_setup(void);
int trainer_check(trainer *t);                 /* the net, loss, labels and options */
/* The schedules' span and the class weights (train_opts.c), from trainer_check. */
int trainer_check_schedule(trainer *t);
int trainer_check_class_weights(trainer *t);
int trainer_map_inputs(trainer *t);            /* net inputs -> t->ds inputs, by name */
uint32_t trainer_worker_count(const vfl_train_options *o, size_t rows);
int trainer_setup_workers(trainer *t);         /* work buffers sized for t->ds */
int trainer_fit_rows(trainer *t);              /* each worker's room to unpack a row of t->ds */
void trainer_release(trainer *t);
/* t->order over t->ds, shuffled, split per worker; VFL_ESTOPPED when a stop
** came while shuffling. */
int trainer_split_order(trainer *t);
int trainer_start_workers(trainer *t);
/* Seconds between progress reports (progress_every, or 1). */
double progress_interval(const trainer *t);
void trainer_supervise(trainer *t, double started, uint64_t before, uint64_t nnz_before);
void trainer_gather(trainer *t, double started, uint64_t before, uint64_t nnz_before, vfl_progress *p);

/* Runs worker w over its slice (the thread body). */
void *worker_run(void *w);
/* Records the first error of any thread and asks every worker to stop. */
void trainer_fail(trainer *t, int code, const char *message);

#endif
