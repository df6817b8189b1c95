/*
** ldist_metrics.c -- vfl.metrics.evaluate(net, ds, {dist = true}): every
** rank evaluates its shard, and the figures are reduced so that every rank
** gets those of the whole data, as one process on all of it would.
**
** Means (logloss, accuracy, squared error) are summed weighted by rows. AUC
** is Mann-Whitney's U over all ranks' rows, computed exactly without moving
** the scores: a histogram of 2^16 score buckets (positives and negatives
** per bucket, summed across ranks) counts every pair in different buckets;
** the few rows in buckets that hold both a positive and a negative are then
** gathered, and their pairs counted one by one.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "lvfl.h"

#define BUCKETS 65536

/* A key whose unsigned order is the float order (NaN aside). */
static uint32_t score_key(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return (u & 0x80000000u) ? ~u : u | 0x80000000u;
}

static uint32_t bucket_of(uint32_t key, const double *range) {
  double span = range[1] - range[0] + 1;
  return (uint32_t)(((double)key - range[0]) / span * BUCKETS);
}

/* The net's scores on ds (net:predict, so that inputs bind as there). */
static float *scores_of(lua_State *L, int net, int ds, size_t rows) {
  lua_getfield(L, net, "predict");
  lua_pushvalue(L, net);
  lua_pushvalue(L, ds);
  lua_call(L, 2, 1);
  float *s = lua_newuserdata(L, (rows ? rows : 1) * sizeof *s);
  for (size_t i = 0; i < rows; i++) {
    lua_rawgeti(L, -2, (lua_Integer)i + 1);
    s[i] = (float)lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  lua_remove(L, -2);
  return s;
}

static int by_key(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Pairs (positive above negative, ties half) within each mixed bucket,
** over the rows gathered from every rank as (key, label) pairs: sorted,
** then one sweep per bucket. */
static double mixed_pairs(uint32_t *all, size_t n_pairs, const double *range) {
  qsort(all, n_pairs, 2 * sizeof *all, by_key);
  double u = 0, neg_below = 0;
  for (size_t i = 0; i < n_pairs;) {
    if (i == 0 || bucket_of(all[2 * i], range) != bucket_of(all[2 * i - 2], range)) neg_below = 0;
    double pos = 0, neg = 0;
    size_t j = i;
    for (; j < n_pairs && all[2 * j] == all[2 * i]; j++) all[2 * j + 1] ? pos++ : neg++;
    u += pos * neg_below + 0.5 * pos * neg;
    neg_below += neg;
    i = j;
  }
  return u;
}

static double global_auc(lua_State *L, int net, int ds, const char *fname) {
  const vfl_dataset *d = lvfl_checkdataset(L, ds, fname, 2)->ds;
  size_t rows = vfl_dataset_rows(d);
  float *score = scores_of(L, net, ds, rows);
  uint32_t *key = lua_newuserdata(L, (rows ? rows : 1) * sizeof *key);
  unsigned char *positive = lua_newuserdata(L, rows ? rows : 1);
  uint32_t *index;
  vfl_features *feats = lvfl_row_room(L, d, &index);
  double range[2] = {4294967295.0, 0}; /* min key, then -max key */
  for (size_t i = 0; i < rows; i++) {
    vfl_row row;
    vfl_dataset_row(d, i, &row, feats, index);
    positive[i] = row.labels[0] > 0;
    key[i] = score_key(score[i]);
    if (key[i] < range[0]) range[0] = key[i];
    if (-(double)key[i] < range[1]) range[1] = -(double)key[i];
  }
  vfl_dist_allreduce_f64(range, 2, VFL_DIST_MIN, fname);
  range[1] = -range[1];
  double *hist = lua_newuserdata(L, 2 * BUCKETS * sizeof *hist); /* negatives, then positives */
  memset(hist, 0, 2 * BUCKETS * sizeof *hist);
  for (size_t i = 0; i < rows; i++) hist[positive[i] * BUCKETS + bucket_of(key[i], range)] += 1;
  vfl_dist_allreduce_f64(hist, 2 * BUCKETS, VFL_DIST_SUM, fname);
  double pos = 0, neg = 0, u = 0, neg_below = 0;
  for (uint32_t b = 0; b < BUCKETS; b++) {
    u += hist[BUCKETS + b] * neg_below; /* positives above every lower bucket's negatives */
    neg_below += hist[b];
    pos += hist[BUCKETS + b];
    neg += hist[b];
  }
  /* rows in buckets with both kinds: compared one by one */
  uint32_t *mine = lua_newuserdata(L, (2 * rows + 1) * sizeof *mine);
  uint32_t n_mine = 0;
  for (size_t i = 0; i < rows; i++) {
    uint32_t b = bucket_of(key[i], range);
    if (hist[b] > 0 && hist[BUCKETS + b] > 0) {
      mine[n_mine++] = key[i];
      mine[n_mine++] = positive[i];
    }
  }
  double n_all = n_mine;
  vfl_dist_allreduce_f64(&n_all, 1, VFL_DIST_SUM, fname);
  uint32_t *all = lua_newuserdata(L, ((size_t)n_all + 1) * sizeof *all);
  uint32_t *counts = lua_newuserdata(L, (size_t)vfl_dist_size() * sizeof *counts);
  vfl_dist_allgather_u32(mine, n_mine, all, counts, fname);
  u += mixed_pairs(all, (size_t)n_all / 2, range);
  return pos > 0 && neg > 0 ? u / (pos * neg) : NAN;
}

void lvfl_dist_metrics(lua_State *L, int net, int ds, vfl_metrics *m, const char *fname) {
  if (vfl_dist_size() < 2) return;
  int top = lua_gettop(L);
  double rows = (double)m->rows;
  double sums[4] = {rows, m->logloss * rows, m->accuracy * rows, m->rmse * m->rmse * rows};
  vfl_dist_allreduce_f64(sums, 4, VFL_DIST_SUM, fname);
  m->rows = (uint64_t)sums[0];
  m->logloss = sums[1] / sums[0];
  m->accuracy = sums[2] / sums[0];
  m->rmse = sqrt(sums[3] / sums[0]);
  double binary = isnan(m->auc) ? 0 : 1; /* the engine gives AUC for one output only */
  vfl_dist_allreduce_f64(&binary, 1, VFL_DIST_MIN, fname);
  m->auc = binary > 0 ? global_auc(L, net, ds, fname) : NAN;
  lua_settop(L, top);
}
