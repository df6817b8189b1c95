/*
** ldist_learn.c -- net:learn(ds, loss, optim, {dist = true, sync = N}):
** data-parallel training, one rank per process of an mpirun job, each on
** its own shard with its own Hogwild threads, kept together by parameter
** mixing (averaging) every `sync` examples and at every epoch end.
**
** One learn call per rank is cut into segments: every epoch, each rank
** trains on S pieces of its shuffled shard (S the same on every rank, from
** the largest shard), and after each piece the ranks mix. Mixing moves only
** the parameter rows that changed since the last mix: every rank compares
** its parameters with the copy it kept at the last mix, gathers the union
** of the changed row ids (MPI_Allgatherv), and averages only those rows
** (MPI_Allreduce). A row no rank touched is already equal everywhere.
** The first mix is rank 0's initial weights broadcast to all, after a check
** that every rank built the same net. The optimizer state (AdaGrad's sums,
** Adam's moments) stays local: it is not what the ranks agree on, and
** averaging it would double-count the squared gradients.
**
** Costs per mix: local passes over the parameters (copy out, compare, set
** back), the touched ids (4 bytes each, or a bitmap of all rows when that
** is smaller), 4 * cols bytes per union row reduced (docs/distributed.md).
** Progress and loss are reduced across ranks; only rank 0 draws progress.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dist.h"
#include "lvfl.h"

struct lvfl_dist_plan {
  uint64_t sync; /* examples per rank between mixes */
  /* measured, for the stats table */
  uint64_t mixes, bytes, union_rows, touched_rows;
  double mix_seconds;
};

lvfl_dist_plan *lvfl_dist_learn_options(lua_State *L, int opts, int streaming, const char *fname) {
  if (!lua_istable(L, opts)) return NULL;
  lua_getfield(L, opts, "dist");
  lua_getfield(L, opts, "sync");
  int has_dist = !lua_isnil(L, -2), has_sync = !lua_isnil(L, -1);
  lua_pop(L, 2);
  if (!has_dist && !has_sync) return NULL;
  int dist = lvfl_optbool(L, opts, "dist", 0, fname);
  if (!dist && has_sync) lvfl_error(L, "%s: option 'sync' goes with dist = true", fname);
  if (dist && streaming)
    lvfl_error(L, "%s: dist = true needs a dataset (each rank reads its shard: vfl.read.*(path, {shard = \"rank\"}))", fname);
  uint64_t sync = (uint64_t)lvfl_optint(L, opts, "sync", 10000, fname, 1, INT64_MAX);
  /* the engine's options without ours (and without progress off rank 0) */
  static const char *const ours[] = {"dist", "sync", NULL}, *const ours_off_root[] = {"dist", "sync", "progress", NULL};
  lvfl_opts_without(L, opts, dist && vfl_dist_rank() != 0 ? ours_off_root : ours);
  if (!dist) return NULL;
  lvfl_dist_plan *plan = lua_newuserdata(L, sizeof *plan);
  memset(plan, 0, sizeof *plan);
  plan->sync = sync;
  return plan;
}

/* ------------------------------------------------- the parameter blocks */

typedef struct block {
  const char *layer;
  uint32_t index, rows, cols;
  size_t at;     /* offset of its first float in the flat copies */
  uint32_t row0; /* id of its first row among all blocks' rows */
  int dirty;     /* mixed rows to write back */
} block;

typedef struct mixer {
  vfl_net *net;
  block *blocks;
  uint32_t n_blocks, n_rows; /* rows of all blocks */
  size_t n_floats;
  float *cur, *synced, *pack;
  uint32_t *mine, *all, *counts;
  size_t all_cap;
  uint64_t *bits; /* n_rows bits: the union as a bitmap, when that is smaller */
  size_t n_words;
} mixer;

static void mixer_free(mixer *m) {
  free(m->blocks);
  free(m->cur);
  free(m->synced);
  free(m->pack);
  free(m->mine);
  free(m->all);
  free(m->counts);
  free(m->bits);
}

static int no_memory(void) {
  vfl_set_error("vfl.dist: out of memory for the parameter copies of the mixing");
  return VFL_ENOMEM;
}

static int mixer_open(mixer *m, vfl_net *net) {
  memset(m, 0, sizeof *m);
  m->net = net;
  uint32_t cap = 16;
  m->blocks = malloc(cap * sizeof *m->blocks);
  if (!m->blocks) return no_memory();
  for (uint32_t i = 0; i < vfl_net_layers(net); i++) {
    const char *layer = vfl_net_layer_name(net, i);
    uint32_t rows, cols;
    for (uint32_t b = 0; vfl_net_param_shape(net, layer, b, &rows, &cols) == VFL_OK; b++) {
      if (m->n_blocks == cap) {
        block *more = realloc(m->blocks, 2 * cap * sizeof *more);
        if (!more) return no_memory();
        m->blocks = more;
        cap *= 2;
      }
      m->blocks[m->n_blocks++] = (block){layer, b, rows, cols, m->n_floats, m->n_rows, 0};
      m->n_floats += (size_t)rows * cols;
      m->n_rows += rows;
    }
  }
  size_t nf = m->n_floats ? m->n_floats : 1;
  m->cur = malloc(nf * sizeof *m->cur);
  m->synced = malloc(nf * sizeof *m->synced);
  m->pack = malloc(nf * sizeof *m->pack);
  m->mine = malloc((m->n_rows ? m->n_rows : 1) * sizeof *m->mine);
  m->counts = malloc((size_t)vfl_dist_size() * sizeof *m->counts);
  m->n_words = ((size_t)m->n_rows + 63) / 64;
  m->bits = malloc((m->n_words ? m->n_words : 1) * sizeof *m->bits);
  if (!m->cur || !m->synced || !m->pack || !m->mine || !m->counts || !m->bits) return no_memory();
  return VFL_OK;
}

static int params_get(mixer *m) {
  for (uint32_t i = 0; i < m->n_blocks; i++) {
    int rc = vfl_net_param_get(m->net, m->blocks[i].layer, m->blocks[i].index, m->cur + m->blocks[i].at);
    if (rc) return rc;
  }
  return VFL_OK;
}

static int params_set(mixer *m, int only_dirty) {
  for (uint32_t i = 0; i < m->n_blocks; i++) {
    block *b = &m->blocks[i];
    if (only_dirty && !b->dirty) continue;
    b->dirty = 0;
    int rc = vfl_net_param_set(m->net, b->layer, b->index, m->cur + b->at);
    if (rc) return rc;
  }
  return VFL_OK;
}

/* Every rank must have built the same net: layers, names and shapes. */
static int check_same_net(mixer *m) {
  uint32_t h = 0;
  for (uint32_t i = 0; i < m->n_blocks; i++) {
    const block *b = &m->blocks[i];
    h = vfl_hash_bytes(b->layer, strlen(b->layer), h);
    uint32_t shape[3] = {b->index, b->rows, b->cols};
    h = vfl_hash_bytes(shape, sizeof shape, h);
  }
  double mine[3] = {(double)m->n_blocks, (double)m->n_floats, (double)h};
  double v[6] = {mine[0], mine[1], mine[2], -mine[0], -mine[1], -mine[2]};
  int rc = vfl_dist_allreduce_f64(v, 6, VFL_DIST_MAX, "net:learn{dist = true}: the check that every rank has the same net");
  if (rc) return rc;
  for (int k = 0; k < 3; k++)
    if (v[k] != -v[k + 3]) {
      char msg[400];
      snprintf(msg, sizeof msg,
               "vfl.dist: the nets differ across ranks (rank %d has %u parameter blocks, %zu parameters); "
               "build the same net (layers, names, sizes) on every rank",
               vfl_dist_rank(), m->n_blocks, m->n_floats);
      vfl_set_error(msg);
      return VFL_EINVAL;
    }
  return VFL_OK;
}

/* The first mix: rank 0's weights on every rank. */
static int start_together(mixer *m) {
  int rc = check_same_net(m);
  if (!rc) rc = params_get(m);
  if (!rc) rc = vfl_dist_bcast(m->cur, m->n_floats * sizeof *m->cur, 0, "net:learn{dist = true}: rank 0's initial weights");
  if (!rc) rc = params_set(m, 0);
  if (!rc) memcpy(m->synced, m->cur, m->n_floats * sizeof *m->cur);
  return rc;
}

static int by_id(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Ids of the rows changed since the last mix, ascending. */
static uint32_t touched_rows(mixer *m) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->n_blocks; i++) {
    const block *b = &m->blocks[i];
    size_t width = (size_t)b->cols * sizeof(float);
    for (uint32_t r = 0; r < b->rows; r++) {
      size_t at = b->at + (size_t)r * b->cols;
      if (memcmp(m->cur + at, m->synced + at, width)) m->mine[n++] = b->row0 + r;
    }
  }
  return n;
}

/* The block holding row id (blocks are in row0 order). */
static block *block_of(mixer *m, uint32_t id, uint32_t *hint) {
  while (*hint + 1 < m->n_blocks && m->blocks[*hint + 1].row0 <= id) (*hint)++;
  return &m->blocks[*hint];
}

static int ensure_all(mixer *m, size_t n) {
  if (n <= m->all_cap) return VFL_OK;
  uint32_t *more = realloc(m->all, n * sizeof *more);
  if (!more) return no_memory();
  m->all = more;
  m->all_cap = n;
  return VFL_OK;
}

/* The ids of the rows changed on any rank, ascending, into m->all (*k of
** them), from this rank's n_mine (n_all over all ranks). The ids travel as
** a list (4 bytes each, gathered) or, when that would be larger, as a
** bitmap of all rows OR-reduced: the cheaper of the two, so the cost is
** min(4 * touched ids, 2 * rows / 8) bytes per rank. */
static int union_of_touched(mixer *m, uint32_t n_mine, size_t n_all, size_t *k) {
  const char *what = "net:learn{dist = true}: the touched rows' ids";
  if (n_all * sizeof(uint32_t) > 2 * m->n_words * sizeof(uint64_t)) {
    memset(m->bits, 0, m->n_words * sizeof *m->bits);
    for (uint32_t i = 0; i < n_mine; i++) m->bits[m->mine[i] / 64] |= (uint64_t)1 << (m->mine[i] % 64);
    int rc = vfl_dist_allreduce_u64(m->bits, m->n_words, VFL_DIST_BOR, what);
    if (!rc) rc = ensure_all(m, m->n_rows);
    if (rc) return rc;
    size_t n = 0;
    for (size_t w = 0; w < m->n_words; w++)
      for (uint64_t b = m->bits[w]; b; b &= b - 1) m->all[n++] = (uint32_t)(w * 64 + (uint64_t)__builtin_ctzll(b));
    *k = n;
    return VFL_OK;
  }
  int rc = ensure_all(m, n_all);
  if (!rc) rc = vfl_dist_allgather_u32(m->mine, n_mine, m->all, m->counts, what);
  if (rc) return rc;
  qsort(m->all, n_all, sizeof *m->all, by_id);
  size_t n = 0;
  for (size_t i = 0; i < n_all; i++)
    if (i == 0 || m->all[i] != m->all[i - 1]) m->all[n++] = m->all[i];
  *k = n;
  return VFL_OK;
}

/* Averages the union of the rows changed on any rank; figures[] is summed
** across ranks in the same round (figures[0] must be this rank's count of
** changed rows; the caller's own figures follow). */
static int mix(mixer *m, lvfl_dist_plan *plan, double *figures, size_t n_figures) {
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  uint64_t bytes0 = vfl_dist_bytes();
  int rc = params_get(m);
  if (rc) return rc;
  uint32_t n_mine = touched_rows(m);
  figures[0] = n_mine;
  rc = vfl_dist_allreduce_f64(figures, n_figures, VFL_DIST_SUM, "net:learn{dist = true}: the mix's figures");
  if (rc) return rc;
  size_t k;
  rc = union_of_touched(m, n_mine, (size_t)figures[0], &k);
  if (rc) return rc;
  size_t n_floats = 0;
  uint32_t hint = 0;
  for (size_t i = 0; i < k; i++) {
    block *b = block_of(m, m->all[i], &hint);
    const float *row = m->cur + b->at + (size_t)(m->all[i] - b->row0) * b->cols;
    memcpy(m->pack + n_floats, row, b->cols * sizeof(float));
    n_floats += b->cols;
  }
  rc = vfl_dist_allreduce_f32(m->pack, n_floats, VFL_DIST_SUM, "net:learn{dist = true}: the touched rows' weights");
  if (rc) return rc;
  float scale = 1.0f / (float)vfl_dist_size();
  hint = 0;
  n_floats = 0;
  for (size_t i = 0; i < k; i++) {
    block *b = block_of(m, m->all[i], &hint);
    size_t at = b->at + (size_t)(m->all[i] - b->row0) * b->cols;
    for (uint32_t j = 0; j < b->cols; j++) m->cur[at + j] = m->pack[n_floats + j] * scale;
    memcpy(m->synced + at, m->cur + at, b->cols * sizeof(float));
    n_floats += b->cols;
    b->dirty = 1;
  }
  rc = params_set(m, 1);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  plan->mixes++;
  plan->bytes += vfl_dist_bytes() - bytes0;
  plan->union_rows += k;
  plan->touched_rows += n_mine;
  plan->mix_seconds += (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  return rc;
}

/* ------------------------------------------------------------- training */

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* A permutation of 0..n-1 from seed (xorshift; the order only needs to
** differ between epochs and ranks, and to repeat for the same seed). */
static void shuffled(size_t *order, size_t n, uint64_t seed) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < n; i++) order[i] = i;
  for (size_t i = n; i > 1; i--) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    size_t j = (size_t)(s % i);
    size_t t = order[i - 1];
    order[i - 1] = order[j];
    order[j] = t;
  }
}

typedef struct run {
  lvfl_dist_plan *plan;
  mixer m;
  const vfl_train_options *o;
  vfl_progress p;
  uint64_t global_rows; /* rows of one epoch, all ranks */
  struct timespec started;
  double last_progress;
  int stop; /* asked on this rank since the last mix */
} run;

/* One segment trained, then mixed; the figures of all ranks in p. */
static int segment(run *r, vfl_net *net, const vfl_dataset *ds, const size_t *order, size_t n,
                   const vfl_loss_spec *loss, uint64_t seed, double *epoch_loss) {
  vfl_progress seg;
  memset(&seg, 0, sizeof seg);
  int rc = VFL_OK;
  if (n) {
    vfl_dataset *piece = NULL;
    rc = vfl_dataset_subset(ds, order, n, &piece);
    if (rc) return rc;
    vfl_train_options in = *r->o;
    in.epochs = 1;
    in.shuffle = 0;
    in.seed = seed;
    in.on_progress = NULL;
    in.on_epoch = NULL;
    in.on_rows = NULL;
    in.every_rows = 0;
    in.result = &seg;
    rc = vfl_net_learn(net, piece, loss, &in);
    vfl_dataset_free(piece);
    if (rc == VFL_ESTOPPED) {
      r->stop = 1;
      rc = VFL_OK;
    }
    if (rc) return rc;
  }
  if (r->o->stop && *r->o->stop) r->stop = 1;
  double fig[4] = {0, seg.loss * (double)n, (double)n, r->stop};
  rc = mix(&r->m, r->plan, fig, 4);
  if (rc) return rc;
  *epoch_loss += fig[1];
  r->p.done += (uint64_t)fig[2];
  r->p.examples += (uint64_t)fig[2];
  r->p.seconds = seconds_since(&r->started);
  r->p.loss = r->p.done ? *epoch_loss / (double)r->p.done : 0;
  r->p.examples_per_s = r->p.seconds > 0 ? (double)r->p.examples / r->p.seconds : 0;
  r->stop = fig[3] > 0;
  if (r->o->on_progress && r->p.seconds - r->last_progress >= r->o->progress_every) {
    r->last_progress = r->p.seconds;
    if (r->o->on_progress(r->o->progress_ud, &r->p)) r->stop = 1; /* agreed on at the next mix */
  }
  return VFL_OK;
}

static int epoch_end(run *r) {
  int stop = r->stop;
  if (r->o->on_epoch && r->o->on_epoch(r->o->epoch_ud, &r->p)) stop = 1;
  double s = stop;
  int rc = vfl_dist_allreduce_f64(&s, 1, VFL_DIST_MAX, "net:learn{dist = true}: the end of an epoch");
  r->stop = s > 0;
  return rc;
}

static int train(run *r, vfl_net *net, const vfl_dataset *ds, const vfl_loss_spec *loss, size_t *order) {
  size_t n = vfl_dataset_rows(ds);
  double sizes[2] = {(double)n, (double)n};
  int rc = vfl_dist_allreduce_f64(sizes, 1, VFL_DIST_MAX, "net:learn{dist = true}: the shards' sizes");
  if (!rc) rc = vfl_dist_allreduce_f64(sizes + 1, 1, VFL_DIST_SUM, "net:learn{dist = true}: the shards' sizes");
  if (rc) return rc;
  uint64_t segments = ((uint64_t)sizes[0] + r->plan->sync - 1) / r->plan->sync;
  if (segments == 0) segments = 1;
  r->global_rows = (uint64_t)sizes[1];
  r->p.total = r->global_rows;
  r->p.epochs = r->o->epochs ? r->o->epochs : 1;
  rc = start_together(&r->m);
  for (uint32_t e = 1; !rc && e <= r->p.epochs && !r->stop; e++) {
    r->p.epoch = e;
    r->p.done = 0;
    double epoch_loss = 0;
    shuffled(order, n, r->o->seed + 7919u * e + 104729u * (uint64_t)vfl_dist_rank());
    if (!r->o->shuffle)
      for (size_t i = 0; i < n; i++) order[i] = i;
    for (uint64_t s = 0; !rc && s < segments; s++) {
      size_t a = (size_t)((double)n * s / segments), b = (size_t)((double)n * (s + 1) / segments);
      rc = segment(r, net, ds, order + a, b - a, loss, r->o->seed + e * 1000003u + s, &epoch_loss);
      if (r->stop) break;
    }
    if (!rc && !r->stop) rc = epoch_end(r);
  }
  if (r->o->result) *r->o->result = r->p; /* as far as it got, when stopped */
  return rc;
}

int lvfl_dist_learn(lvfl_dist_plan *plan, vfl_net *net, const vfl_dataset *ds, const vfl_loss_spec *loss,
                    const vfl_train_options *o) {
  if (!plan || vfl_dist_size() < 2) return vfl_net_learn(net, ds, loss, o);
  run r;
  memset(&r, 0, sizeof r);
  r.plan = plan;
  r.o = o;
  clock_gettime(CLOCK_MONOTONIC, &r.started);
  size_t n = vfl_dataset_rows(ds);
  size_t *order = malloc((n ? n : 1) * sizeof *order);
  int rc = order ? mixer_open(&r.m, net) : no_memory();
  if (!rc) rc = train(&r, net, ds, loss, order);
  mixer_free(&r.m);
  free(order);
  if (!rc && r.stop) rc = VFL_ESTOPPED;
  return rc;
}

void lvfl_dist_push_stats(lua_State *L, const lvfl_dist_plan *plan) {
  if (!plan) return;
  double mixes = plan->mixes ? (double)plan->mixes : 1;
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, (lua_Integer)plan->mixes);
  lua_setfield(L, -2, "syncs");
  lua_pushnumber(L, (double)plan->bytes / mixes);
  lua_setfield(L, -2, "bytes_per_sync");
  lua_pushnumber(L, plan->mix_seconds / mixes);
  lua_setfield(L, -2, "seconds_per_sync");
  lua_pushnumber(L, (double)plan->touched_rows / mixes);
  lua_setfield(L, -2, "rows_touched_per_sync");
  lua_pushnumber(L, (double)plan->union_rows / mixes);
  lua_setfield(L, -2, "rows_mixed_per_sync");
  lua_pushinteger(L, vfl_dist_size());
  lua_setfield(L, -2, "ranks");
  lua_setfield(L, -2, "dist");
}
