/*
** train_guard.c -- see train_guard.h.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "train_guard.h"

static int finite_rows(const vfl_param *p, uint32_t from, uint32_t to) {
  for (uint32_t r = from; r < to; r++) {
    const float *w = param_row(p, r);
    for (uint32_t c = 0; c < p->cols; c++)
      if (!isfinite(w[c])) return 0;
  }
  return 1;
}

static int rows_finite(const vfl_param *p) { return finite_rows(p, 0, p->rows); }

static int weights_finite(const vfl_layer *l) {
  for (uint32_t b = 0; b < l->n_blocks; b++)
    if (!rows_finite(&l->blocks[b])) return 0;
  return 1;
}

static int outputs_finite(const trainer *t, uint32_t i) {
  const vfl_layer *l = &t->net->layers[i];
  if (l->sparse_out || !l->n_parents) return 1; /* data: checked when appended */
  for (uint32_t w = 0; t->workers && w < t->n_workers; w++) {
    const float *a = t->workers[w].work ? t->workers[w].work->act[i] : NULL;
    for (uint32_t j = 0; a && j < l->dim; j++)
      if (!isfinite(a[j])) return 0;
  }
  return 1;
}

/* " Non-finite values first appear in layer 'h' (its weights)", or what
** explains a non-finite loss when every layer is finite. */
static void where(const trainer *t, int check_outputs, char *out, size_t n) {
  const vfl_net *net = t->net;
  for (uint32_t k = 0; k < net->n_layers; k++) {
    uint32_t i = net->order[k];
    const vfl_layer *l = &net->layers[i];
    const char *what = !weights_finite(l) ? "its weights"
                       : check_outputs && !outputs_finite(t, i) ? "its outputs"
                                                                : NULL;
    if (what) {
      snprintf(out, n, ". Non-finite values first appear in layer '%s' (%s)", l->name, what);
      return;
    }
  }
  snprintf(out, n, ". Every layer's weights and outputs are finite: the loss itself is not");
}

static void restored(const train_guard *g, char *out, size_t n) {
  if (!g->epoch) snprintf(out, n, "%s", "");
  else if (g->epoch == 1) snprintf(out, n, "; the weights are restored to what they were before training");
  else snprintf(out, n, "; the weights are restored to the end of epoch %u", g->epoch - 1);
}

/* Rows from..to of p's weights to or from its copy (rows x cols, no state). */
static void copy_weights(const vfl_param *p, float *copy, uint32_t from, uint32_t to, int back) {
  size_t bytes = p->cols * sizeof(float);
  if (p->stride == p->cols) { /* no state: one block */
    size_t at = (size_t)from * p->cols, n = (size_t)(to - from) * bytes;
    if (back) memcpy(p->data + at, copy + at, n);
    else memcpy(copy + at, p->data + at, n);
    return;
  }
  for (uint32_t r = from; r < to; r++) { /* rows are short: no libc call per row */
    float *row = param_row(p, r), *c = copy + (size_t)r * p->cols;
    for (uint32_t j = 0; j < p->cols; j++) {
      if (back) row[j] = c[j];
      else c[j] = row[j];
    }
  }
}

/* The weights back as they were; the optimizer state, which the copy does
** not hold, starts again from zero. */
static void restore(const train_guard *g, vfl_net *net) {
  uint32_t b = 0;
  for (uint32_t i = 0; i < net->n_layers && g->epoch; i++)
    for (uint32_t k = 0; k < net->layers[i].n_blocks; k++, b++) {
      const vfl_param *p = &net->layers[i].blocks[k];
      copy_weights(p, g->copy[b], 0, p->rows, 1);
      for (uint32_t r = 0; p->stride > p->cols && r < p->rows; r++)
        memset(param_row(p, r) + p->cols, 0, (size_t)(p->stride - p->cols) * sizeof(float));
    }
}

/* Non-finite weights at an epoch boundary: the epoch before broke them. */
static int broken_between(train_guard *g, trainer *t, uint32_t epoch) {
  char at[320], back[96];
  where(t, 0, at, sizeof at);
  restored(g, back, sizeof back);
  restore(g, t->net);
  return vfl_fail(VFL_ENUMERIC, "training diverged: the updates of epoch %u left non-finite weights; lower the learning rate%s%s",
                  epoch, at, back);
}

static int all_finite(const vfl_net *net) {
  for (uint32_t i = 0; i < net->n_layers; i++)
    if (!weights_finite(&net->layers[i])) return 0;
  return 1;
}

static int allocate(train_guard *g, const vfl_net *net) {
  for (uint32_t i = 0; i < net->n_layers; i++) g->n += net->layers[i].n_blocks;
  g->copy = vfl_calloc(g->n ? g->n : 1, sizeof *g->copy);
  if (!g->copy) return VFL_ENOMEM;
  uint32_t b = 0;
  for (uint32_t i = 0; i < net->n_layers; i++)
    for (uint32_t k = 0; k < net->layers[i].n_blocks; k++, b++) {
      const vfl_param *p = &net->layers[i].blocks[k];
      if (!(g->copy[b] = vfl_alloc(((size_t)p->rows * p->cols + 1) * sizeof(float))))
        return vfl_fail(VFL_ENOMEM, "learn: keep_last_good: no memory for a copy of layer '%s' (%zu bytes)",
                        net->layers[i].name, (size_t)p->rows * p->cols * sizeof(float));
    }
  return VFL_OK;
}

/* The next piece of rows of p from row r: about 4 MiB, so that a stop is
** honoured within milliseconds while a large model is checked or copied. */
static uint32_t piece_end(const vfl_param *p, uint32_t r) {
  size_t end = r + net_rows_per_stop_check(p->stride);
  return end < p->rows ? (uint32_t)end : p->rows;
}

/* all_finite in pieces: VFL_OK, VFL_ENUMERIC (some weight is not finite)
** or VFL_ESTOPPED (t->stop set). */
static int check_finite(trainer *t) {
  const vfl_net *net = t->net;
  for (uint32_t i = 0; i < net->n_layers; i++)
    for (uint32_t k = 0; k < net->layers[i].n_blocks; k++) {
      const vfl_param *p = &net->layers[i].blocks[k];
      for (uint32_t r = 0; r < p->rows; r = piece_end(p, r)) {
        if (trainer_stopped(t)) return VFL_ESTOPPED;
        if (!finite_rows(p, r, piece_end(p, r))) return VFL_ENUMERIC;
      }
    }
  return VFL_OK;
}

/* Copies every block's weights into g, in pieces; VFL_ESTOPPED leaves g unusable
** (g->epoch is then not advanced, and the run ends). */
static int take_copy(train_guard *g, trainer *t) {
  const vfl_net *net = t->net;
  uint32_t b = 0;
  for (uint32_t i = 0; i < net->n_layers; i++)
    for (uint32_t k = 0; k < net->layers[i].n_blocks; k++, b++) {
      const vfl_param *p = &net->layers[i].blocks[k];
      for (uint32_t r = 0; r < p->rows; r = piece_end(p, r)) {
        if (trainer_stopped(t)) return VFL_ESTOPPED;
        copy_weights(p, g->copy[b], r, piece_end(p, r), 0);
      }
    }
  return VFL_OK;
}

int guard_epoch_start(train_guard *g, trainer *t, uint32_t epoch) {
  if (!t->opt.keep_last_good) return VFL_OK;
  const vfl_net *net = t->net;
  if (!g->copy) {
    int rc = allocate(g, net);
    if (rc) return rc;
  }
  int rc = check_finite(t);
  if (rc == VFL_ESTOPPED) return rc;
  if (g->epoch && rc) return broken_between(g, t, epoch - 1);
  if (!g->epoch && rc) { /* nothing good to keep */
    char at[320];
    where(t, 0, at, sizeof at);
    return vfl_fail(VFL_ENUMERIC, "learn: the net's weights are not finite before training%s; "
                                  "initialise it again (init) or load a good model", at);
  }
  if ((rc = take_copy(g, t))) return rc;
  g->epoch = epoch;
  return VFL_OK;
}

int guard_run_end(train_guard *g, trainer *t, uint32_t last) {
  if (!t->opt.keep_last_good || !g->epoch || all_finite(t->net)) return VFL_OK;
  return broken_between(g, t, last);
}

int guard_diverged(train_guard *g, trainer *t) {
  char at[320], back[96];
  where(t, 1, at, sizeof at);
  restored(g, back, sizeof back);
  restore(g, t->net);
  /* the worker's message ends with "lower the learning rate" */
  return vfl_fail(VFL_ENUMERIC, "%.600s%s%s", t->error, at, back);
}

void guard_free(train_guard *g) {
  for (uint32_t b = 0; g->copy && b < g->n; b++) vfl_free(g->copy[b]);
  vfl_free(g->copy);
  memset(g, 0, sizeof *g);
}
