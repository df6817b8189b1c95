/*
** llearn_calls.c -- net:learn's callbacks, all on the caller's thread and
** lua_State: progress (a function or the bar of lua/vfl/progress.lua),
** on_epoch, on_batches, and the per-epoch history (llearn_stats.c).
**
** Errors raised inside callbacks are caught (lua_pcall), stop the training,
** and are raised again once the engine has returned, so no longjmp ever
** crosses engine frames.
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "llearn.h"

int learn_interrupted(learn_ctx *c) { return lvfl_stop_requested() || atomic_load(&c->requested); }

/* The error message at the top of the stack, whatever its type. */
static const char *error_text(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  return msg ? msg : lua_isnil(L, -1) ? "nil error" : "(error object is not a string)";
}

void learn_push_progress(lua_State *L, const vfl_progress *p) {
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
  /* The engine may call once more while its workers finish their batch:
  ** after "stop" or an error, no callback runs again. */
  if (c->stop_asked || c->failed) return 1;
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
  learn_push_progress(L, p);
  int stop = 0;
  if (lua_pcall(L, nargs, 1, 0) != LUA_OK) {
    if (!learn_interrupted(c)) {
      snprintf(c->err, sizeof c->err, "%s failed: %s", what, error_text(L));
      c->failed = 1;
    }
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
  return call_back(c, c->progress_i, c->progress_fn ? NULL : "update", p, -1, "the progress function");
}

static int on_epoch(void *ud, const vfl_progress *p) {
  learn_ctx *c = ud;
  int stop = learn_record_epoch(c, p);
  if (!stop && c->progress_i && !c->progress_fn) stop = call_back(c, c->progress_i, "epoch", p, -1, "the progress bar");
  if (!stop && c->on_epoch_i) stop = call_back(c, c->on_epoch_i, NULL, p, p->epoch, "on_epoch");
  /* A stop requested in a callback here takes effect now, not after
  ** another epoch that may be over before the engine looks (every 20 ms). */
  return stop || learn_interrupted(c);
}

/* on_batches(batches, stats): about every `every` mini-batches. */
static int on_rows(void *ud, const vfl_progress *p) {
  learn_ctx *c = ud;
  lua_Integer batches = (lua_Integer)(p->examples / c->batch);
  return call_back(c, c->on_batches_i, NULL, p, batches, "on_batches");
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

/* Pushes option key when it is a function and returns its slot; 0 if absent. */
static int opt_function(lua_State *L, const char *key, const char *fname) {
  lua_getfield(L, LEARN_OPTS, key);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  if (!lua_isfunction(L, -1)) lvfl_error(L, "%s: option '%s' must be a function, got %s", fname, key, lvfl_typename(L, -1));
  return lua_gettop(L);
}

static void setup_on_batches(lua_State *L, learn_ctx *c, vfl_train_options *o) {
  c->on_batches_i = opt_function(L, "on_batches", c->fname);
  if (!c->on_batches_i) {
    lua_getfield(L, LEARN_OPTS, "every");
    int has_every = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (has_every) lvfl_error(L, "%s: option 'every' goes with 'on_batches'", c->fname);
    return;
  }
  c->batch = o->batch ? o->batch : 1;
  o->every_rows = (uint64_t)lvfl_optint(L, LEARN_OPTS, "every", 100, c->fname, 1, INT64_MAX) * c->batch;
  o->on_rows = on_rows;
  o->rows_ud = c;
}

/* progress = function or true (the bar); returns its preferred interval. */
static double setup_progress(lua_State *L, learn_ctx *c, const vfl_train_options *o, size_t rows) {
  double every = 1.0;
  lua_getfield(L, LEARN_OPTS, "progress");
  if (lua_isnil(L, -1) && isatty(STDERR_FILENO)) { /* the default: a bar on a terminal, off in a log */
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  if (lua_isfunction(L, -1)) {
    c->progress_i = lua_gettop(L);
    c->progress_fn = 1;
    return every;
  }
  if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TBOOLEAN)
    lvfl_error(L, "%s: option 'progress' must be a boolean or a function, got %s", c->fname, lvfl_typename(L, -1));
  int bar = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (!bar) return every;
  push_bar(L, o, rows, c->fname);
  c->progress_i = lua_gettop(L);
  lua_getfield(L, -1, "every");
  if (lua_type(L, -1) == LUA_TNUMBER) every = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return every;
}

void learn_setup_callbacks(lua_State *L, learn_ctx *c, vfl_train_options *o, size_t rows) {
  learn_setup_history(L, c);
  c->on_epoch_i = opt_function(L, "on_epoch", c->fname);
  setup_on_batches(L, c, o);
  double every = setup_progress(L, c, o, rows);
  o->progress_every = lvfl_optnum(L, LEARN_OPTS, "progress_every", every, c->fname);
  if (!(o->progress_every > 0)) lvfl_error(L, "%s: option 'progress_every' must be above 0", c->fname);
  o->on_progress = on_progress;
  o->progress_ud = c;
  o->on_epoch = on_epoch;
  o->epoch_ud = c;
  /* Callbacks push a few values on this stack while the engine runs. */
  luaL_checkstack(L, 32, c->fname);
}

void learn_finish_bar(learn_ctx *c, const vfl_progress *result, int stopped) {
  if (!c->progress_i || c->progress_fn) return;
  lua_State *L = c->L;
  /* The bar's last line; a failure here must not hide the result. */
  lua_getfield(L, c->progress_i, "finish");
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_pushvalue(L, c->progress_i);
  learn_push_progress(L, result);
  lua_pushboolean(L, stopped);
  if (lua_pcall(L, 3, 0, 0) != LUA_OK) lua_pop(L, 1);
}
