/*
** train_guard.h -- numeric safety of a training run.
**
** Keeping the last good weights (vfl_train_options.keep_last_good): a copy
** of the weights of every parameter block (not the optimizer state), taken
** at the start of each epoch once the weights are known to be finite, and
** copied back when the run diverges; the optimizer state then starts again
** from zero (the diverging epoch has spoilt it, and it is as large as the
** weights again: AdaGrad's sums, ADAM's moments). So the copy adds the
** weights' size while training, not the block's; taking it costs one pass
** over the weights per epoch, small next to an epoch, which touches them
** many times.
**
** Naming the layer: when a run diverges, the layers are walked in the order
** the forward pass runs them, and the first one whose weights, or whose
** outputs in some worker's last example, are not finite is named: that is
** where the non-finite values first appear. A divergence shows either as a
** non-finite loss (seen by a worker) or, when an epoch's last updates break
** the weights, as non-finite weights at the next epoch boundary.
*/
#ifndef VFL_TRAIN_GUARD_H
#define VFL_TRAIN_GUARD_H

#include "train.h"

typedef struct train_guard {
  float **copy;      /* one per parameter block, in layer order */
  uint32_t n;        /* blocks */
  uint32_t epoch;    /* the copy holds the weights at the start of this epoch; 0: none */
} train_guard;

/* At the start of epoch `epoch`: checks that the weights are finite and
** takes the copy (allocated at the first call). Returns VFL_OK,
** VFL_ENUMERIC when the previous epoch left non-finite weights (the copy is
** restored and the message says so), VFL_ENOMEM, or VFL_ESTOPPED (a stop
** came while the weights were checked or copied; t->stop is set). */
int guard_epoch_start(train_guard *g, trainer *t, uint32_t epoch);
/* At the end of a run that no error ended: the updates of the last epoch
** (`last`) must have left finite weights. Same returns as
** guard_epoch_start. */
int guard_run_end(train_guard *g, trainer *t, uint32_t last);
/* The run stopped with VFL_ENUMERIC from a worker (its message in
** t->error): adds the layer, restores the copy if there is one, and
** returns VFL_ENUMERIC with the full message. */
int guard_diverged(train_guard *g, trainer *t);
void guard_free(train_guard *g);

#endif
