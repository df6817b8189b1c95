/*
** llearn.c -- net:learn: reads the options, sets up the loss and the
** callbacks (llearn_*.c), runs the engine, and returns the stats. Also the
** list of running trainings that vfl.request_stop() stops.
*/
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "llearn.h"

/* The trainings running now (nested ones included), so that
** vfl.request_stop() can stop them with vfl_net_stop, which is safe from any
** thread (a Lua loss runs on a worker). The signal handler's path is the
** stop flag instead (vfl_lua_request_stop). */
enum { MAX_ACTIVE = 32 };
static pthread_mutex_t active_lock = PTHREAD_MUTEX_INITIALIZER;
static learn_ctx *active[MAX_ACTIVE];
static int n_active;

static void active_add(learn_ctx *c) {
  pthread_mutex_lock(&active_lock);
  if (n_active < MAX_ACTIVE) active[n_active++] = c;
  pthread_mutex_unlock(&active_lock);
}

static void active_remove(learn_ctx *c) {
  pthread_mutex_lock(&active_lock);
  for (int i = 0; i < n_active; i++)
    if (active[i] == c) active[i] = active[--n_active];
  pthread_mutex_unlock(&active_lock);
}

void lvfl_stop_active(void) {
  pthread_mutex_lock(&active_lock);
  for (int i = 0; i < n_active; i++) {
    atomic_store(&active[i]->requested, 1);
    vfl_net_stop(active[i]->net);
  }
  pthread_mutex_unlock(&active_lock);
}

double learn_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The data argument: a dataset, or an iterator of rows opened as a stream
** (pushed). Returns the dataset whose inputs the loss's row views follow. */
static const vfl_dataset *open_data(lua_State *L, learn_ctx *c, lvfl_dataset *d, uint32_t chunk, lvfl_stream **st) {
  if (c->streaming) {
    *st = lvfl_stream_open(L, LEARN_DATA, chunk, c->fname);
    return lvfl_stream_schema(*st);
  }
  if (!d->ds || vfl_dataset_rows(d->ds) == 0) lvfl_error(L, "%s: the dataset has no rows", c->fname);
  return d->ds;
}

/* Runs the engine with the net and the datasets marked busy: callbacks run
** Lua meanwhile, and methods that would change them refuse until it ends. */
static int run_engine(learn_ctx *c, lvfl_net *n, lvfl_dataset *d, lvfl_stream *st, const vfl_loss_spec *loss,
                      const vfl_train_options *o) {
  lvfl_dataset *valid = c->valid_i ? lua_touserdata(c->L, c->valid_i) : NULL;
  n->busy++;
  if (d) d->busy++;
  if (valid) valid->busy++;
  active_add(c);
  int rc = st ? vfl_net_learn_stream(n->net, lvfl_stream_next, st, loss, o) : lvfl_dist_learn(c->dist, n->net, d->ds, loss, o);
  active_remove(c);
  n->busy--;
  if (d) d->busy--;
  if (valid) valid->busy--;
  return rc;
}

/* net:learn(ds or iterator, loss, optim, {cores=, progress=, progress_every=,
** on_epoch=, every=, on_batches=, valid=, metrics=, seed=, shuffle=, epochs=,
** batch=, chunk=, keep_last_good=, class_weights=, schedule_rows=}) -> stats */
static int m_learn(lua_State *L) {
  const char *fname = "net:learn";
  lvfl_net *n = lvfl_checknet_idle(L, LEARN_NET, fname);
  int streaming = lua_isfunction(L, LEARN_DATA); /* an iterator of rows: trained in chunks */
  lvfl_dataset *d = streaming ? NULL : lvfl_checkdataset(L, LEARN_DATA, fname, 1);
  lua_settop(L, LEARN_OPTS);
  lvfl_dist_plan *dist = lvfl_dist_learn_options(L, LEARN_OPTS, streaming, fname); /* takes dist, sync out */
  if (!lua_isfunction(L, LEARN_LOSS) && lua_type(L, LEARN_LOSS) != LUA_TSTRING)
    lvfl_argerror(L, 2, fname, "loss name or function expected, got %s", lvfl_typename(L, LEARN_LOSS));
  const lvfl_optim *optim = learn_check_optim(L);

  /* The context lives in a userdata: nothing leaks if a later step raises. */
  learn_ctx *c = lua_newuserdata(L, sizeof *c);
  memset(c, 0, sizeof *c);
  atomic_init(&c->requested, 0);
  c->L = L;
  c->net = n->net;
  c->fname = fname;
  c->streaming = streaming;
  c->dist = dist;

  vfl_train_options o;
  uint32_t chunk;
  learn_read_options(L, c, optim, &o, &chunk);
  lvfl_stream *st = NULL;
  const vfl_dataset *schema = open_data(L, c, d, chunk, &st);
  lvfl_net_ensure_ready(L, LEARN_NET, o.optim.kind, fname);
  vfl_loss_spec loss;
  learn_setup_loss(L, c, vfl_train_workers(&o, streaming ? SIZE_MAX : vfl_dataset_rows(d->ds)), schema, &loss);
  learn_class_weights(L, c, loss.kind, streaming ? NULL : d->ds, &o);
  learn_setup_callbacks(L, c, &o, streaming ? 0 : vfl_dataset_rows(d->ds));
  vfl_progress result;
  memset(&result, 0, sizeof result);
  o.result = &result;
  lvfl_stop_reset();
  o.stop = lvfl_stop_flag();

  double started = learn_now();
  int rc = run_engine(c, n, d, st, &loss, &o);
  double seconds = learn_now() - started;
  if (rc == VFL_ECALLBACK && !c->failed) { /* the Lua loss failed on a worker */
    snprintf(c->err, sizeof c->err, "%s", vfl_last_error());
    c->failed = 1;
  }
  int stopped = rc == VFL_ESTOPPED || c->failed;
  learn_finish_bar(c, &result, stopped);
  if (rc && !stopped) return lvfl_engine_error(L, fname, rc);
  learn_push_stats(L, c, &result, seconds, stopped);
  if (streaming) {
    lua_pushinteger(L, (lua_Integer)lvfl_stream_rows(st));
    lua_setfield(L, -2, "rows");
  }
  lvfl_dist_push_stats(L, dist);
  if (c->failed) return learn_raise_with_stats(L, c);
  return 1;
}

void lvfl_open_learn(lua_State *L) {
  luaL_getmetatable(L, LVFL_NET);
  lua_getfield(L, -1, "methods");
  lua_pushcfunction(L, m_learn);
  lua_setfield(L, -2, "learn");
  lua_pop(L, 2);
}
