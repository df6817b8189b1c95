/*
** lstream.c -- net:learn(iterator, ...): training on rows pulled from a Lua
** iterator, with bounded memory. Rows are gathered into chunks (datasets of
** `chunk` rows) on the caller's thread, by the engine's source callback,
** while the workers train on the previous chunk (vfl_net_learn_stream).
** Lua errors in the iterator are caught inside the callback (no longjmp
** crosses engine frames) and reported once learn returns.
*/
#include <stdio.h>
#include <string.h>

#include "lvfl.h"

struct lvfl_stream {
  lua_State *L;
  int iter;              /* stack slot of the iterator */
  int holder;            /* stack slot of a vfl.dataset whose ds is the chunk being filled */
  uint32_t chunk_rows;
  vfl_dataset *first;    /* pulled before training, handed over on the first call */
  vfl_dataset *schema;   /* an empty dataset with the stream's inputs */
  int ended;
  uint64_t rows;
};

static int stream_gc(lua_State *L) {
  lvfl_stream *st = lua_touserdata(L, 1);
  vfl_dataset_free(st->first);
  vfl_dataset_free(st->schema);
  st->first = st->schema = NULL;
  return 0;
}

/* Pulls rows into the holder's dataset until it has chunk_rows or the
** iterator returns nil. Runs under lua_pcall, in a frame of its own:
** fill(stream, iterator, holder). */
static int fill(lua_State *L) {
  lvfl_stream *st = lua_touserdata(L, 1);
  lvfl_dataset *d = lua_touserdata(L, 3);
  d->row_base = st->rows;
  while (!d->ds || vfl_dataset_rows(d->ds) < st->chunk_rows) {
    lua_pushvalue(L, 2);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
      st->ended = 1;
      break;
    }
    if (!lua_istable(L, -1))
      lvfl_error(L, "the iterator returned %s; it must return rows (tables), then nil", lvfl_typename(L, -1));
    lvfl_dataset_append_row(L, d, 0, -1, "the iterator");
    st->rows++;
    lua_pop(L, 1);
  }
  return 0;
}

/* Takes the filled chunk out of the holder (NULL if it has no rows). */
static vfl_dataset *take(lvfl_stream *st) {
  lvfl_dataset *d = lua_touserdata(st->L, st->holder);
  vfl_dataset *ds = d->ds;
  d->ds = NULL;
  if (ds && vfl_dataset_rows(ds) == 0) {
    vfl_dataset_free(ds);
    ds = NULL;
  }
  return ds;
}

lvfl_stream *lvfl_stream_open(lua_State *L, int iter, uint32_t chunk_rows, const char *fname) {
  iter = lua_absindex(L, iter);
  lvfl_stream *st = lua_newuserdata(L, sizeof *st);
  memset(st, 0, sizeof *st);
  if (luaL_newmetatable(L, "vfl.stream")) {
    lua_pushcfunction(L, stream_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  st->L = L;
  st->iter = iter;
  st->chunk_rows = chunk_rows;
  lvfl_pushdataset(L, NULL);
  st->holder = lua_gettop(L);
  lua_pushcfunction(L, fill);
  lua_pushlightuserdata(L, st);
  lua_pushvalue(L, st->iter);
  lua_pushvalue(L, st->holder);
  if (lua_pcall(L, 3, 0, 0) != LUA_OK) lvfl_error(L, "%s: %s", fname, lua_tostring(L, -1));
  st->first = take(st);
  if (!st->first) lvfl_error(L, "%s: the iterator gave no rows", fname);
  int rc = vfl_dataset_subset(st->first, NULL, 0, &st->schema);
  if (rc) lvfl_engine_error(L, fname, rc);
  return st;
}

const vfl_dataset *lvfl_stream_schema(const lvfl_stream *st) { return st->schema; }

uint64_t lvfl_stream_rows(const lvfl_stream *st) { return st->rows; }

int lvfl_stream_next(void *ud, vfl_dataset **chunk) {
  lvfl_stream *st = ud;
  lua_State *L = st->L;
  *chunk = NULL;
  if (st->first) {
    *chunk = st->first;
    st->first = NULL;
    return VFL_OK;
  }
  if (st->ended) return VFL_OK;
  lvfl_dataset *d = lua_touserdata(L, st->holder);
  int rc = vfl_dataset_subset(st->schema, NULL, 0, &d->ds);
  if (rc) return rc;
  int top = lua_gettop(L);
  lua_pushcfunction(L, fill);
  lua_pushlightuserdata(L, st);
  lua_pushvalue(L, st->iter);
  lua_pushvalue(L, st->holder);
  if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
    int stop = lvfl_stop_requested(); /* Ctrl-C raised inside the iterator */
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", stop ? "interrupted" : lua_tostring(L, -1) ? lua_tostring(L, -1) : "the iterator failed");
    lua_settop(L, top);
    vfl_dataset_free(take(st));
    vfl_set_error(msg);
    return stop ? VFL_ESTOPPED : VFL_ECALLBACK;
  }
  *chunk = take(st);
  return VFL_OK;
}
