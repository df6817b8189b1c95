/*
** llearn.c -- net:learn: options, the loss (built in, or a Lua function),
** progress, the per-epoch callback, and Ctrl-C.
**
** Threads: the engine runs examples on worker threads and calls progress and
** on_epoch on the caller's thread. A Lua loss therefore runs on a worker
** while the caller's thread may draw progress, both on the caller's
** lua_State; a mutex makes them take turns (a lua_State may be used by any
** thread, but by one at a time). On several cores, each worker runs the loss
** in a lua_State of its own instead (lworkers.c), and the caller's state
** only serves progress and on_epoch.
**
** Errors raised inside callbacks are caught (lua_pcall), stop the training,
** and are raised again once the engine has returned, so no longjmp ever
** crosses engine frames.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lvfl.h"

typedef struct learn_ctx {
  lua_State *L;
  pthread_mutex_t lock;
  int loss_i;               /* stack slot of a Lua loss, 0 for a built-in one */
  int out_i, grad_i, row_i; /* its views */
  lvfl_view *out, *grad;
  lvfl_rowview *row;
  int progress_i;           /* stack slot of the progress bar object or function */
  int progress_fn;          /* 1: a user function, 0: a bar object */
  int on_epoch_i;
  int on_batches_i;         /* {every = N, on_batches = fn} */
  uint32_t batch;
  int failed;               /* a callback raised: message in err */
  int stop_asked;           /* a callback returned "stop" */
  atomic_int requested;     /* vfl.request_stop() was called during it */
  vfl_net *net;
  char err[1024];
} learn_ctx;

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

static int interrupted(learn_ctx *c) { return lvfl_stop_requested() || atomic_load(&c->requested); }

static const char *const loss_names[] = {"logistic", "square", "multinomial", "hinge", NULL};
static const int loss_kinds[] = {VFL_LOSS_LOGISTIC, VFL_LOSS_SQUARE, VFL_LOSS_MULTINOMIAL, VFL_LOSS_HINGE};

int lvfl_loss_kind(const char *name) {
  for (int i = 0; loss_names[i]; i++)
    if (!strcmp(name, loss_names[i])) return loss_kinds[i];
  return 0;
}

int lvfl_resolve_loss_name(lua_State *L, const char *name, char *err, size_t errlen) {
  const char *dot = strrchr(name, '.');
  if (!dot || dot == name || !dot[1]) {
    snprintf(err, errlen, "unknown loss '%s' (logistic, square, multinomial, hinge, \"module.function\", or a function)", name);
    return 1;
  }
  int top = lua_gettop(L);
  lua_getglobal(L, "require");
  lua_pushlstring(L, name, (size_t)(dot - name));
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    snprintf(err, errlen, "loss '%s': %s", name, lua_tostring(L, -1) ? lua_tostring(L, -1) : "require failed");
    lua_settop(L, top);
    return 1;
  }
  if (lua_istable(L, -1)) lua_getfield(L, -1, dot + 1);
  else lua_pushnil(L);
  if (!lua_isfunction(L, -1)) {
    snprintf(err, errlen, "loss '%s': the module has no function '%s'", name, dot + 1);
    lua_settop(L, top);
    return 1;
  }
  lua_replace(L, top + 1);
  lua_settop(L, top + 1);
  return 0;
}

/* The worker count the engine will use: threads, or every core, at most one
** per row (as train.c decides). */
static uint32_t engine_workers(uint32_t threads, size_t rows) {
  long n = threads ? (long)threads : sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if ((size_t)n > rows) n = (long)rows;
  return (uint32_t)n;
}

/* The error message at the top of the stack, whatever its type. */
static const char *error_text(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  return msg ? msg : lua_isnil(L, -1) ? "nil error" : "(error object is not a string)";
}

static void fail_with(learn_ctx *c, const char *fmt, const char *a, const char *b) {
  snprintf(c->err, sizeof c->err, fmt, a, b);
  c->failed = 1;
}

/* -------------------------------------------------------------- the loss */

/* Called by a worker thread for every example. */
static int lua_loss(void *ud, vfl_loss_io *io, double *loss) {
  learn_ctx *c = ud;
  lua_State *L = c->L;
  int rc = VFL_OK;
  pthread_mutex_lock(&c->lock);
  int top = lua_gettop(L);
  c->out->p = (float *)io->out;
  c->out->n = io->n_out;
  c->grad->p = io->grad;
  c->grad->n = io->n_out;
  lvfl_rowview_set(c->row, io);
  lua_pushvalue(L, c->loss_i);
  lua_pushvalue(L, c->out_i);
  lua_pushvalue(L, c->row_i);
  lua_pushvalue(L, c->grad_i);
  if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
    /* An interrupt (Ctrl-C in the REPL) may surface as an error inside the
    ** loss: the stop flag is set then, and training just stops. */
    if (interrupted(c)) {
      *loss = 0;
    } else {
      char row[32];
      snprintf(row, sizeof row, "%zu", io->row_id + 1);
      fail_with(c, "the loss function failed on row %s: %s", row, error_text(L));
      rc = VFL_ECALLBACK;
    }
  } else if (lua_type(L, -1) != LUA_TNUMBER) {
    fail_with(c, "the loss function must return the loss (a number), got %s%s", lvfl_typename(L, -1), "");
    rc = VFL_ECALLBACK;
  } else {
    *loss = (double)lua_tonumber(L, -1);
  }
  lua_settop(L, top);
  /* The views point into the worker's buffers: dead until the next call. */
  c->out->p = c->grad->p = NULL;
  lvfl_rowview_end(c->row);
  if (rc) vfl_set_error(c->err);
  pthread_mutex_unlock(&c->lock);
  return rc;
}

/* ------------------------------------------------ progress and on_epoch */

static void push_progress(lua_State *L, const vfl_progress *p) {
  lua_createtable(L, 0, 8);
  lua_pushinteger(L, p->epoch);
  lua_setfield(L, -2, "epoch");
  lua_pushinteger(L, p->epochs);
  lua_setfield(L, -2, "epochs");
  lua_pushinteger(L, (lua_Integer)p->done);
  lua_setfield(L, -2, "done");
  lua_pushinteger(L, (lua_Integer)p->total);
  lua_setfield(L, -2, "total");
  lua_pushnumber(L, p->seconds);
  lua_setfield(L, -2, "seconds");
  lua_pushnumber(L, p->examples_per_s);
  lua_setfield(L, -2, "examples_per_s");
  lua_pushnumber(L, p->features_per_s);
  lua_setfield(L, -2, "features_per_s");
  lua_pushnumber(L, p->loss);
  lua_setfield(L, -2, "loss");
}

/* Calls the function at slot fn (or method `method` of the object there)
** with [first,] the progress table (first < 0: none); 1 when it asked to
** stop or failed. */
static int call_back(learn_ctx *c, int fn, const char *method, const vfl_progress *p, lua_Integer first, const char *what) {
  lua_State *L = c->L;
  int top = lua_gettop(L);
  int nargs = 1;
  if (method) {
    lua_getfield(L, fn, method);
    if (lua_isnil(L, -1)) {
      lua_settop(L, top);
      return 0;
    }
    lua_pushvalue(L, fn);
    nargs++;
  } else {
    lua_pushvalue(L, fn);
  }
  if (first >= 0) {
    lua_pushinteger(L, first);
    nargs++;
  }
  push_progress(L, p);
  int stop = 0;
  if (lua_pcall(L, nargs, 1, 0) != LUA_OK) {
    if (!interrupted(c)) fail_with(c, "%s failed: %s", what, error_text(L));
    stop = 1;
  } else if (lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "stop")) {
    c->stop_asked = 1;
    stop = 1;
  }
  lua_settop(L, top);
  return stop;
}

static int on_progress(void *ud, const vfl_progress *p) {
  learn_ctx *c = ud;
  if (!c->progress_i) return 0;
  pthread_mutex_lock(&c->lock);
  int stop = call_back(c, c->progress_i, c->progress_fn ? NULL : "update", p, -1, "the progress function");
  pthread_mutex_unlock(&c->lock);
  return stop;
}

static int on_epoch(void *ud, const vfl_progress *p) {
  learn_ctx *c = ud;
  int stop = 0;
  pthread_mutex_lock(&c->lock);
  if (c->progress_i && !c->progress_fn) stop = call_back(c, c->progress_i, "epoch", p, -1, "the progress bar");
  if (!stop && c->on_epoch_i) stop = call_back(c, c->on_epoch_i, NULL, p, p->epoch, "on_epoch");
  pthread_mutex_unlock(&c->lock);
  return stop;
}

/* on_batches(batches, stats): about every `every` mini-batches. */
static int on_rows(void *ud, const vfl_progress *p) {
  learn_ctx *c = ud;
  lua_Integer batches = (lua_Integer)(p->examples / c->batch);
  pthread_mutex_lock(&c->lock);
  int stop = call_back(c, c->on_batches_i, NULL, p, batches, "on_batches");
  pthread_mutex_unlock(&c->lock);
  return stop;
}

/* progress = true: the bar from lua/vfl/progress.lua, pushed at the top. */
static void push_bar(lua_State *L, const vfl_train_options *o, size_t rows, const char *fname) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "vfl.progress");
  if (lua_pcall(L, 1, 1, 0) != LUA_OK)
    lvfl_error(L, "%s: progress = true needs lua/vfl/progress.lua on package.path: %s", fname, lua_tostring(L, -1));
  lua_getfield(L, -1, "new");
  lua_createtable(L, 0, 3);
  lua_pushboolean(L, isatty(STDERR_FILENO));
  lua_setfield(L, -2, "tty");
  lua_pushinteger(L, o->epochs);
  lua_setfield(L, -2, "epochs");
  lua_pushinteger(L, (lua_Integer)rows);
  lua_setfield(L, -2, "rows");
  lua_call(L, 1, 1);
  lua_remove(L, -2);
}

/* ----------------------------------------------------------------- learn */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* net:learn(ds or iterator, loss, optim, {cores=, progress=, progress_every=,
** on_epoch=, every=, on_batches=, seed=, shuffle=, epochs=, batch=, chunk=,
** keep_last_good=}) -> stats */
static int m_learn(lua_State *L) {
  const char *fname = "net:learn";
  static const char *const known[] = {"cores",  "progress", "progress_every", "on_epoch",       "seed",
                                      "shuffle", "epochs",  "batch",          "chunk", "keep_last_good",
                                      "every",   "on_batches", NULL};
  lvfl_net *n = lvfl_checknet_idle(L, 1, fname);
  int streaming = lua_isfunction(L, 2); /* an iterator of rows: trained in chunks */
  lvfl_dataset *d = streaming ? NULL : lvfl_checkdataset(L, 2, fname, 1);
  lua_settop(L, 5);
  lvfl_dist_plan *dist = lvfl_dist_learn_options(L, 5, streaming, fname);
  int is_fn = lua_isfunction(L, 3);
  if (!is_fn && lua_type(L, 3) != LUA_TSTRING)
    lvfl_argerror(L, 2, fname, "loss name or function expected, got %s", lvfl_typename(L, 3));
  lvfl_optim *optim = NULL;
  if (!lua_isnil(L, 4)) {
    optim = luaL_testudata(L, 4, LVFL_OPTIM);
    if (!optim) lvfl_argerror(L, 3, fname, "vfl.optim expected (vfl.optim.sgd{...}), got %s", lvfl_typename(L, 4));
  }
  lvfl_checkopts(L, 5, fname, known);
  if (lua_isnil(L, 5)) {
    lua_newtable(L); /* no options: an empty table reads the same */
    lua_replace(L, 5);
  }

  vfl_train_options o;
  vfl_train_defaults(&o);
  if (optim) {
    o.optim = optim->spec;
    if (optim->epochs) o.epochs = optim->epochs;
    if (optim->batch) o.batch = optim->batch;
  }
  o.epochs = (uint32_t)lvfl_optint(L, 5, "epochs", o.epochs, fname, 1, UINT32_MAX);
  o.batch = (uint32_t)lvfl_optint(L, 5, "batch", o.batch, fname, 1, UINT32_MAX);
  o.threads = (uint32_t)lvfl_optint(L, 5, "cores", 1, fname, 0, 4096);
  o.seed = (uint64_t)lvfl_optint(L, 5, "seed", 1, fname, 0, INT64_MAX);
  o.shuffle = lvfl_optbool(L, 5, "shuffle", 1, fname);
  /* on by default here: a diverging run keeps the last good weights */
  o.keep_last_good = lvfl_optbool(L, 5, "keep_last_good", 1, fname);

  vfl_loss_spec loss = {0, NULL, NULL};
  const char *loss_name = NULL; /* a Lua loss given as "module.fn" */
  if (!is_fn) {
    loss.kind = lvfl_loss_kind(lua_tostring(L, 3));
    if (!loss.kind) {
      char err[300];
      loss_name = lua_tostring(L, 3);
      if (lvfl_resolve_loss_name(L, loss_name, err, sizeof err)) lvfl_argerror(L, 2, fname, "%s", err);
      lua_replace(L, 3);
      is_fn = 1;
    }
  }
  if (is_fn) loss.kind = VFL_LOSS_CUSTOM;
  lvfl_stream *st = NULL;
  const vfl_dataset *schema;
  if (streaming) {
    if (o.epochs > 1) lvfl_error(L, "%s: an iterator is read once; epochs must be 1 (call learn again for another pass)", fname);
    o.epochs = 1;
    uint32_t chunk = (uint32_t)lvfl_optint(L, 5, "chunk", 8192, fname, 1, UINT32_MAX);
    st = lvfl_stream_open(L, 2, chunk, fname);
    schema = lvfl_stream_schema(st);
  } else {
    if (!d->ds || vfl_dataset_rows(d->ds) == 0) lvfl_error(L, "%s: the dataset has no rows", fname);
    schema = d->ds;
  }
  /* A Lua loss runs in worker states when several workers run it, and
  ** always for a stream: the iterator needs the caller's state meanwhile. */
  uint32_t n_workers = engine_workers(o.threads, streaming ? (size_t)-1 : vfl_dataset_rows(d->ds));
  lvfl_net_ensure_ready(L, 1, fname);

  /* The context lives in a userdata: nothing leaks if a later step raises. */
  learn_ctx *c = lua_newuserdata(L, sizeof *c);
  memset(c, 0, sizeof *c);
  atomic_init(&c->requested, 0);
  c->L = L;
  c->net = n->net;
  if (is_fn && (n_workers > 1 || streaming)) {
    lvfl_workers *ws = lvfl_workers_open(L, 3, loss_name, n_workers, schema, fname);
    loss.fn = lvfl_workers_loss;
    loss.ud = ws;
  } else if (is_fn) {
    c->loss_i = 3;
    c->out = lvfl_view_new(L, "output", 0);
    c->out_i = lua_gettop(L);
    c->grad = lvfl_view_new(L, "gradient", 1);
    c->grad_i = lua_gettop(L);
    c->row = lvfl_rowview_new(L, schema);
    c->row_i = lua_gettop(L);
    loss.fn = lua_loss;
    loss.ud = c;
  }
  lua_getfield(L, 5, "on_epoch");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
  } else {
    if (!lua_isfunction(L, -1)) lvfl_error(L, "%s: option 'on_epoch' must be a function, got %s", fname, lvfl_typename(L, -1));
    c->on_epoch_i = lua_gettop(L);
  }
  lua_getfield(L, 5, "on_batches");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_getfield(L, 5, "every");
    int has_every = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (has_every) lvfl_error(L, "%s: option 'every' goes with 'on_batches'", fname);
  } else {
    if (!lua_isfunction(L, -1)) lvfl_error(L, "%s: option 'on_batches' must be a function, got %s", fname, lvfl_typename(L, -1));
    c->on_batches_i = lua_gettop(L);
    c->batch = o.batch ? o.batch : 1;
    o.every_rows = (uint64_t)lvfl_optint(L, 5, "every", 100, fname, 1, INT64_MAX) * c->batch;
    o.on_rows = on_rows;
    o.rows_ud = c;
  }
  lua_getfield(L, 5, "progress");
  if (lua_isnil(L, -1) && isatty(STDERR_FILENO)) { /* the default: a bar on a terminal, off in a log */
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  double every = 1.0;
  if (lua_isfunction(L, -1)) {
    c->progress_i = lua_gettop(L);
    c->progress_fn = 1;
  } else if (lua_toboolean(L, -1)) {
    if (lua_type(L, -1) != LUA_TBOOLEAN)
      lvfl_error(L, "%s: option 'progress' must be a boolean or a function, got %s", fname, lvfl_typename(L, -1));
    lua_pop(L, 1);
    push_bar(L, &o, streaming ? 0 : vfl_dataset_rows(d->ds), fname);
    c->progress_i = lua_gettop(L);
    lua_getfield(L, -1, "every");
    if (lua_type(L, -1) == LUA_TNUMBER) every = lua_tonumber(L, -1);
    lua_pop(L, 1);
  } else {
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TBOOLEAN)
      lvfl_error(L, "%s: option 'progress' must be a boolean or a function, got %s", fname, lvfl_typename(L, -1));
    lua_pop(L, 1);
  }
  o.progress_every = lvfl_optnum(L, 5, "progress_every", every, fname);
  if (!(o.progress_every > 0)) lvfl_error(L, "%s: option 'progress_every' must be above 0", fname);
  o.on_progress = on_progress;
  o.progress_ud = c;
  o.on_epoch = on_epoch;
  o.epoch_ud = c;
  vfl_progress result;
  memset(&result, 0, sizeof result);
  o.result = &result;
  lvfl_stop_reset();
  o.stop = lvfl_stop_flag();

  /* Callbacks push a few values on this stack while the engine runs. */
  luaL_checkstack(L, 32, "net:learn");
  pthread_mutex_init(&c->lock, NULL);
  /* Callbacks run Lua while the engine reads the net and the dataset:
  ** methods that would change them refuse until learn returns. */
  n->busy++;
  if (d) d->busy++;
  active_add(c);
  double started = now();
  int rc = streaming ? vfl_net_learn_stream(n->net, lvfl_stream_next, st, &loss, &o)
                     : lvfl_dist_learn(dist, n->net, d->ds, &loss, &o);
  double seconds = now() - started;
  active_remove(c);
  n->busy--;
  if (d) d->busy--;
  pthread_mutex_destroy(&c->lock);
  int stopped = rc == VFL_ESTOPPED;
  int by_request = stopped && interrupted(c);

  if (c->progress_i && !c->progress_fn) {
    /* The bar's last line; a failure here must not hide the result. */
    lua_getfield(L, c->progress_i, "finish");
    if (lua_isfunction(L, -1)) {
      lua_pushvalue(L, c->progress_i);
      push_progress(L, &result);
      lua_pushboolean(L, stopped);
      if (lua_pcall(L, 3, 0, 0) != LUA_OK) lua_pop(L, 1);
    } else {
      lua_pop(L, 1);
    }
  }
  if (c->failed) return lvfl_error(L, "%s: %s", fname, c->err);
  if (rc && !stopped) return lvfl_engine_error(L, fname, rc);

  lua_createtable(L, 0, 8);
  lua_pushinteger(L, result.epoch);
  lua_setfield(L, -2, "epochs");
  lua_pushnumber(L, result.loss);
  lua_setfield(L, -2, "loss");
  lua_pushnumber(L, seconds);
  lua_setfield(L, -2, "seconds");
  lua_pushnumber(L, result.examples_per_s);
  lua_setfield(L, -2, "examples_per_s");
  lua_pushboolean(L, stopped);
  lua_setfield(L, -2, "stopped");
  if (streaming) {
    lua_pushinteger(L, (lua_Integer)lvfl_stream_rows(st));
    lua_setfield(L, -2, "rows");
  }
  if (stopped) {
    lua_pushstring(L, by_request ? "interrupted" : c->stop_asked ? "callback" : "stopped");
    lua_setfield(L, -2, "reason");
  }
  lvfl_dist_push_stats(L, dist);
  return 1;
}

void lvfl_open_learn(lua_State *L) {
  luaL_getmetatable(L, LVFL_NET);
  lua_getfield(L, -1, "methods");
  lua_pushcfunction(L, m_learn);
  lua_setfield(L, -2, "learn");
  lua_pop(L, 2);
}
