/*
** llearn_stats.c -- what net:learn gives back: the stats table with its
** per-epoch history (loss, seconds, examples/s, and the validation figures
** when a validation set is given), the same whether the run finished, was
** stopped (Ctrl-C, vfl.request_stop, a callback returning "stop"), or failed
** in a callback (then the error raised is a table {message =, stats =} that
** prints as its message).
*/
#include <stdio.h>
#include <string.h>

#include "llearn.h"

/* valid = ds, metrics = {"auc", ...}: checked now, used after every epoch. */
static void setup_validation(lua_State *L, learn_ctx *c) {
  lua_getfield(L, LEARN_OPTS, "valid");
  lua_getfield(L, LEARN_OPTS, "metrics");
  int has_valid = !lua_isnil(L, -2), has_metrics = !lua_isnil(L, -1);
  if (!has_valid) {
    lua_pop(L, 2);
    if (has_metrics) lvfl_error(L, "%s: option 'metrics' goes with 'valid' (a validation dataset)", c->fname);
    return;
  }
  if (!luaL_testudata(L, -2, LVFL_DATASET))
    lvfl_error(L, "%s: option 'valid' must be a vfl.dataset, got %s", c->fname, lvfl_typename(L, -2));
  if (has_metrics && !lua_istable(L, -1))
    lvfl_error(L, "%s: option 'metrics' must be a list of metric names, got %s", c->fname, lvfl_typename(L, -1));
  c->metrics_i = has_metrics ? lua_gettop(L) : 0;
  c->valid_i = lua_gettop(L) - 1;
  /* vfl.metrics.evaluate, as the user would call it */
  lua_getglobal(L, "require");
  lua_pushliteral(L, "vfl");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "metrics");
  lua_getfield(L, -1, "evaluate");
  lua_replace(L, -3);
  lua_pop(L, 1);
  c->evaluate_i = lua_gettop(L);
}

void learn_setup_history(lua_State *L, learn_ctx *c) {
  lua_newtable(L);
  c->history_i = lua_gettop(L);
  setup_validation(L, c);
}

/* Sets entry.valid = evaluate(net, valid, metrics); 1 when it failed. */
static int validate(learn_ctx *c) {
  lua_State *L = c->L;
  lua_pushvalue(L, c->evaluate_i);
  lua_pushvalue(L, LEARN_NET);
  lua_pushvalue(L, c->valid_i);
  if (c->metrics_i) lua_pushvalue(L, c->metrics_i);
  else lua_pushnil(L);
  if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    if (!learn_interrupted(c)) { /* Ctrl-C may surface as an error here: just a stop */
      snprintf(c->err, sizeof c->err, "validation failed: %s", msg ? msg : "(error object is not a string)");
      c->failed = 1;
    }
    lua_pop(L, 1);
    return 1;
  }
  lua_setfield(L, -2, "valid");
  return 0;
}

int learn_record_epoch(learn_ctx *c, const vfl_progress *p) {
  lua_State *L = c->L;
  double seconds = p->seconds - c->epoch_started;
  uint64_t examples = p->examples - c->epoch_examples;
  lua_createtable(L, 0, 5);
  lua_pushinteger(L, p->epoch);
  lua_setfield(L, -2, "epoch");
  lua_pushnumber(L, p->loss);
  lua_setfield(L, -2, "loss");
  lua_pushnumber(L, seconds);
  lua_setfield(L, -2, "seconds");
  lua_pushnumber(L, seconds > 0 ? (double)examples / seconds : 0);
  lua_setfield(L, -2, "examples_per_s");
  double started = learn_now();
  int failed = c->valid_i && validate(c);
  /* the validation's time is nobody's epoch */
  c->epoch_started = p->seconds + (learn_now() - started);
  c->epoch_examples = p->examples;
  lua_rawseti(L, c->history_i, (lua_Integer)lua_rawlen(L, c->history_i) + 1);
  return failed;
}

void learn_push_stats(lua_State *L, learn_ctx *c, const vfl_progress *result, double seconds, int stopped) {
  lua_createtable(L, 0, 8);
  lua_pushinteger(L, result->epoch);
  lua_setfield(L, -2, "epochs");
  lua_pushnumber(L, result->loss);
  lua_setfield(L, -2, "loss");
  lua_pushnumber(L, seconds);
  lua_setfield(L, -2, "seconds");
  lua_pushnumber(L, result->examples_per_s);
  lua_setfield(L, -2, "examples_per_s");
  lua_pushboolean(L, stopped);
  lua_setfield(L, -2, "stopped");
  lua_pushvalue(L, c->history_i);
  lua_setfield(L, -2, "history");
  if (stopped) {
    const char *reason = c->failed ? "error" : learn_interrupted(c) ? "interrupted" : c->stop_asked ? "callback" : "stopped";
    lua_pushstring(L, reason);
    lua_setfield(L, -2, "reason");
  }
}

static int error_tostring(lua_State *L) {
  lua_getfield(L, 1, "message");
  return 1;
}

int learn_raise_with_stats(lua_State *L, learn_ctx *c) {
  int stats = lua_gettop(L);
  lua_createtable(L, 0, 2);
  lua_pushfstring(L, "%s: %s", c->fname, c->err);
  lua_setfield(L, -2, "message");
  lua_pushvalue(L, stats);
  lua_setfield(L, -2, "stats");
  if (luaL_newmetatable(L, "vfl.learn_error")) {
    lua_pushcfunction(L, error_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_setmetatable(L, -2);
  return lua_error(L);
}
