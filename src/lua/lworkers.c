/*
** lworkers.c -- a Lua loss on every trainer thread, one core or many.
**
** A lua_State must never be used by two threads at once, so each worker
** gets a state of its own, with the standard libraries and vfl loaded and
** the caller's package.path/cpath. The loss travels there either by name
** ("module.fn": each state requires the module) or as a copy: its bytecode
** (lua_dump) plus copies of its upvalues. Numbers, strings, booleans, tables
** of those, Lua functions (copied the same way), functions of loaded
** libraries (math.exp: found again by name) and loaded modules (vfl, or a
** module of yours: required again by name) travel; anything else (a vfl
** object, a coroutine, a C closure) is an error naming the upvalue. Copies
** are per worker: a loss that changes an upvalue changes its own copy.
*/
#include <stdlib.h>
#include <string.h>

#include "lvfl.h"
#include "vfl_lua.h"

#if LUA_VERSION_NUM >= 503
#define vfl_dump(L, w, d) lua_dump(L, w, d, 0)
#else
#define vfl_dump(L, w, d) lua_dump(L, w, d)
#endif

/* Stack slots of a worker's state while training runs. */
enum { SLOT_LOSS = 1, SLOT_OUT, SLOT_ROW, SLOT_GRAD, SLOT_NET, SLOT_TRACEBACK };

typedef struct worker_state {
  lua_State *L;
  lvfl_view *out, *grad;
  lvfl_rowview *row;
} worker_state;

struct lvfl_workers {
  uint32_t n;
  worker_state *w;
};

#define WORKERS_MT "vfl.workers"

/* ------------------------------------------------------------ copying */

typedef struct transfer {
  lua_State *from, *to;
  int seen_from;  /* in from: table/function -> id */
  int seen_to;    /* in to: id -> copy */
  int next_id;
  char path[256]; /* where we are, for the error message */
  char err[512];
} transfer;

static int copy_value(transfer *t, int idx, int depth);

typedef struct dump_buf {
  char *p;
  size_t n, cap;
} dump_buf;

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud) {
  (void)L;
  dump_buf *b = ud;
  if (b->n + sz > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->n + sz) cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q) return 1;
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->n, p, sz);
  b->n += sz;
  return 0;
}

static int fail(transfer *t, const char *what) {
  snprintf(t->err, sizeof t->err, "%s %s", t->path[0] ? t->path : "the loss", what);
  return 0;
}

/* Remembers a copy (on top of t->to) of the value at idx in t->from, so
** shared tables and cycles stay shared and finite. */
static void remember(transfer *t, int idx) {
  lua_pushvalue(t->from, idx);
  lua_pushinteger(t->from, ++t->next_id);
  lua_rawset(t->from, t->seen_from);
  lua_pushvalue(t->to, -1);
  lua_rawseti(t->to, t->seen_to, t->next_id);
}

static int recall(transfer *t, int idx) {
  lua_pushvalue(t->from, idx);
  lua_rawget(t->from, t->seen_from);
  lua_Integer id = lua_tointeger(t->from, -1);
  lua_pop(t->from, 1);
  if (!id) return 0;
  lua_rawgeti(t->to, t->seen_to, id);
  return 1;
}

/* Appends "> what" to the path for the duration of a nested copy. */
static size_t path_push(transfer *t, const char *fmt, const char *name) {
  size_t len = strlen(t->path);
  snprintf(t->path + len, sizeof t->path - len, fmt, len ? " > " : "", name);
  return len;
}

/* A loaded module (package.loaded[name] is the table at idx) travels by
** name: the worker requires its own copy, so vfl and its C functions work
** there as here. Returns 1 with it pushed on t->to, 0 if not a module. */
static int copy_module(transfer *t, int idx) {
  lua_State *F = t->from;
  lua_getglobal(F, "package");
  lua_getfield(F, -1, "loaded");
  lua_pushnil(F);
  while (lua_next(F, -2)) {
    if (lua_type(F, -2) == LUA_TSTRING && lua_rawequal(F, -1, idx)) {
      lua_getglobal(t->to, "require");
      lua_pushstring(t->to, lua_tostring(F, -2));
      lua_pop(F, 4);
      if (lua_pcall(t->to, 1, 1, 0) == LUA_OK) return 1;
      lua_pop(t->to, 1);
      return fail(t, "is a module the worker threads cannot require");
    }
    lua_pop(F, 1);
  }
  lua_pop(F, 2);
  return 0;
}

static int copy_table(transfer *t, int idx, int depth) {
  if (copy_module(t, idx)) return 1;
  if (t->err[0]) return 0;
  lua_newtable(t->to);
  remember(t, idx);
  lua_pushnil(t->from);
  while (lua_next(t->from, idx)) {
    int k = lua_gettop(t->from) - 1, v = k + 1;
    char key[64];
    lua_pushvalue(t->from, k); /* lua_tostring on the key itself would break lua_next */
    int printable = lua_type(t->from, k) == LUA_TSTRING || lua_type(t->from, k) == LUA_TNUMBER;
    snprintf(key, sizeof key, "%s", printable ? lua_tostring(t->from, -1) : lvfl_typename(t->from, k));
    lua_pop(t->from, 1);
    size_t mark = path_push(t, "%sfield '%s'", key);
    int ok = copy_value(t, k, depth + 1) && copy_value(t, v, depth + 1);
    t->path[mark] = '\0';
    lua_pop(t->from, 1); /* the value; the key stays for lua_next */
    if (!ok) {
      lua_pop(t->from, 1);
      return 0;
    }
    lua_rawset(t->to, -3);
  }
  return 1;
}

/* A C function travels by its name in a loaded library ("math.exp"). */
static int copy_cfunction(transfer *t, int idx) {
  lua_State *F = t->from;
  lua_getglobal(F, "package");
  lua_getfield(F, -1, "loaded");
  lua_pushnil(F);
  while (lua_next(F, -2)) {
    if (lua_type(F, -1) == LUA_TTABLE && lua_type(F, -2) == LUA_TSTRING) {
      lua_pushnil(F);
      while (lua_next(F, -2)) {
        if (lua_rawequal(F, -1, idx) && lua_type(F, -2) == LUA_TSTRING) {
          lua_getglobal(t->to, "package");
          lua_getfield(t->to, -1, "loaded");
          lua_getfield(t->to, -1, lua_tostring(F, -4));
          if (lua_istable(t->to, -1)) lua_getfield(t->to, -1, lua_tostring(F, -2));
          else lua_pushnil(t->to);
          int found = lua_iscfunction(t->to, -1);
          lua_replace(t->to, -4);
          lua_pop(t->to, 2);
          lua_pop(F, 6); /* package, loaded, and both keys and values */
          return found ? 1 : fail(t, "is a library function the worker threads cannot load");
        }
        lua_pop(F, 1);
      }
    }
    lua_pop(F, 1);
  }
  lua_pop(F, 2);
  return fail(t, "is a C function that belongs to no loaded library");
}

static int copy_upvalues(transfer *t, int fidx, int depth) {
  for (int i = 1;; i++) {
    const char *name = lua_getupvalue(t->from, fidx, i);
    if (!name) return 1;
    int ok = 1;
    if (!strcmp(name, "_ENV")) {
      lua_pushglobaltable(t->to); /* the worker's own globals */
    } else {
      size_t mark = path_push(t, "%supvalue '%s'", *name ? name : "?");
      ok = copy_value(t, lua_gettop(t->from), depth + 1);
      t->path[mark] = '\0';
    }
    lua_pop(t->from, 1);
    if (!ok) return 0;
    lua_setupvalue(t->to, -2, i);
  }
}

static int copy_lfunction(transfer *t, int idx, int depth) {
  dump_buf b = {NULL, 0, 0};
  lua_pushvalue(t->from, idx);
  int rc = vfl_dump(t->from, dump_writer, &b);
  lua_pop(t->from, 1);
  if (rc || luaL_loadbuffer(t->to, b.p, b.n, "=loss") != LUA_OK) {
    free(b.p);
    if (rc == 0) lua_pop(t->to, 1);
    return fail(t, "could not be copied to the worker threads");
  }
  free(b.p);
  remember(t, idx);
  return copy_upvalues(t, idx, depth);
}

static int copy_value(transfer *t, int idx, int depth) {
  idx = lua_absindex(t->from, idx);
  if (depth > 64) return fail(t, "is nested too deeply");
  luaL_checkstack(t->to, 8, "copying the loss");
  switch (lua_type(t->from, idx)) {
    case LUA_TNIL: lua_pushnil(t->to); return 1;
    case LUA_TBOOLEAN: lua_pushboolean(t->to, lua_toboolean(t->from, idx)); return 1;
    case LUA_TNUMBER:
      if (lua_isinteger(t->from, idx)) lua_pushinteger(t->to, lua_tointeger(t->from, idx));
      else lua_pushnumber(t->to, lua_tonumber(t->from, idx));
      return 1;
    case LUA_TSTRING: {
      size_t n;
      const char *s = lua_tolstring(t->from, idx, &n);
      lua_pushlstring(t->to, s, n);
      return 1;
    }
    case LUA_TTABLE: return recall(t, idx) || copy_table(t, idx, depth);
    case LUA_TFUNCTION:
      if (recall(t, idx)) return 1;
      return lua_iscfunction(t->from, idx) ? copy_cfunction(t, idx) : copy_lfunction(t, idx, depth);
    default: {
      char what[96];
      snprintf(what, sizeof what, "is a %s, which cannot travel to another thread", lvfl_typename(t->from, idx));
      return fail(t, what);
    }
  }
}

/* ------------------------------------------------------- worker states */

static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  luaL_traceback(L, L, msg ? msg : "(error object is not a string)", 1);
  return 1;
}

/* A fresh state with the libraries, the caller's module paths, and vfl. */
static lua_State *new_state(lua_State *from) {
  lua_State *L = luaL_newstate();
  if (!L) return NULL;
  luaL_openlibs(L);
  lua_getglobal(from, "package");
  lua_getglobal(L, "package");
  const char *fields[] = {"path", "cpath"};
  for (int i = 0; i < 2; i++) {
    lua_getfield(from, -1, fields[i]);
    if (lua_isstring(from, -1)) {
      lua_pushstring(L, lua_tostring(from, -1));
      lua_setfield(L, -2, fields[i]);
    }
    lua_pop(from, 1);
  }
  lua_pop(from, 1);
  lua_getfield(L, -1, "loaded");
  lua_pushcfunction(L, luaopen_vfl);
  if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
    lua_close(L);
    return NULL;
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "vfl");
  lua_setglobal(L, "vfl");
  lua_settop(L, 0);
  return L;
}

/* Puts the loss in slot 1 of w->L: resolved by name, or copied. */
static int place_loss(lua_State *from, int loss, worker_state *w, const char *name, char *err, size_t errlen) {
  lua_State *L = w->L;
  if (name) {
    if (lvfl_resolve_loss_name(L, name, err, errlen)) return 0;
    return 1;
  }
  transfer t;
  memset(&t, 0, sizeof t);
  t.from = from;
  t.to = L;
  lua_newtable(from);
  t.seen_from = lua_gettop(from);
  lua_newtable(L);
  t.seen_to = lua_gettop(L);
  int ok = copy_value(&t, loss, 0);
  lua_remove(from, t.seen_from);
  if (ok) lua_remove(L, t.seen_to);
  else snprintf(err, errlen, "%s", t.err);
  return ok;
}

static int workers_gc(lua_State *L) {
  lvfl_workers *ws = lua_touserdata(L, 1);
  for (uint32_t i = 0; ws->w && i < ws->n; i++)
    if (ws->w[i].L) lua_close(ws->w[i].L);
  free(ws->w);
  ws->w = NULL;
  ws->n = 0;
  return 0;
}

lvfl_workers *lvfl_workers_open(lua_State *L, int loss, const char *loss_name, uint32_t n, const vfl_dataset *ds,
                                const vfl_net *net, const char *fname) {
  loss = lua_absindex(L, loss);
  lvfl_workers *ws = lua_newuserdata(L, sizeof *ws);
  memset(ws, 0, sizeof *ws);
  if (luaL_newmetatable(L, WORKERS_MT)) {
    lua_pushcfunction(L, workers_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  ws->w = calloc(n, sizeof *ws->w);
  if (!ws->w) lvfl_error(L, "%s: out of memory preparing %u worker states", fname, n);
  ws->n = n;
  char err[600];
  for (uint32_t i = 0; i < n; i++) {
    worker_state *w = &ws->w[i];
    if (!(w->L = new_state(L))) lvfl_error(L, "%s: could not create a Lua state for worker %u", fname, i + 1);
    if (!place_loss(L, loss, w, loss_name, err, sizeof err))
      lvfl_error(L, "%s: the loss cannot run on the trainer threads: %s (use numbers, strings, booleans, tables of "
                    "those, Lua functions and library functions; make other values inside the loss)", fname, err);
    w->out = lvfl_view_new(w->L, "output", 0);
    w->row = lvfl_rowview_new(w->L, ds);
    w->grad = lvfl_view_new(w->L, "gradient", 1);
    lvfl_netview_push(w->L, net);
    lua_pushcfunction(w->L, traceback);
  }
  return ws;
}

/* One entry of a sparse gradient: a 1-based index into the outputs. */
static int put_entry(vfl_loss_io *io, uint32_t j, double index, double value, char *msg, size_t len) {
  if (!(index >= 1 && index <= io->n_out) || index != (double)(uint32_t)index) {
    snprintf(msg, len, "gradient index %g is out of range 1..%u", index, io->n_out);
    return 1;
  }
  io->grad_index[j] = (uint32_t)index - 1;
  io->grad_value[j] = (float)value;
  return 0;
}

/* The loss's optional sparse gradient, the results after the loss at `at`:
** a vfl.sparse, or a list of indices and a list of values. Only those
** outputs move (the engine then ignores grad). 0, or 1 with a message. */
static int read_sparse_grad(lua_State *L, int at, vfl_loss_io *io, char *msg, size_t len) {
  if (lua_isnil(L, at)) return 0;
  const lvfl_sparse *x = luaL_testudata(L, at, LVFL_SPARSE);
  uint32_t n;
  if (x) {
    n = x->n;
  } else if (lua_istable(L, at) && lua_istable(L, at + 1)) {
    n = (uint32_t)lua_rawlen(L, at);
    if (lua_rawlen(L, at + 1) != n) {
      snprintf(msg, len, "the sparse gradient has %u indices but %u values", n, (unsigned)lua_rawlen(L, at + 1));
      return 1;
    }
  } else {
    snprintf(msg, len, "the loss function returns loss[, indices, values] or loss[, vfl.sparse]; got %s after the loss",
             lvfl_typename(L, at));
    return 1;
  }
  if (n > io->grad_cap) {
    snprintf(msg, len, "the sparse gradient has %u entries for %u outputs", n, io->n_out);
    return 1;
  }
  for (uint32_t j = 0; j < n; j++) {
    int bad;
    if (x) {
      bad = put_entry(io, j, (double)x->index[j] + 1, x->value ? x->value[j] : 1.0, msg, len);
    } else {
      lua_rawgeti(L, at, (lua_Integer)j + 1);
      lua_rawgeti(L, at + 1, (lua_Integer)j + 1);
      bad = !lua_isnumber(L, -2) || !lua_isnumber(L, -1);
      if (bad) snprintf(msg, len, "sparse gradient entry %u is not a pair of numbers", j + 1);
      else bad = put_entry(io, j, lua_tonumber(L, -2), lua_tonumber(L, -1), msg, len);
      lua_pop(L, 2);
    }
    if (bad) return 1;
  }
  io->grad_nnz = n;
  return 0;
}

/* The engine's loss callback, on worker io->worker's thread. */
int lvfl_workers_loss(void *ud, vfl_loss_io *io, double *loss) {
  lvfl_workers *ws = ud;
  if (io->worker >= ws->n) {
    vfl_set_error("net:learn: the engine started more workers than there are Lua states");
    return VFL_ECALLBACK;
  }
  worker_state *w = &ws->w[io->worker];
  lua_State *L = w->L;
  w->out->p = (float *)io->out;
  w->out->n = io->n_out;
  w->grad->p = io->grad;
  w->grad->n = io->n_out;
  lvfl_rowview_set(w->row, io);
  for (int slot = SLOT_LOSS; slot <= SLOT_NET; slot++) lua_pushvalue(L, slot);
  int rc = VFL_OK;
  char msg[1024], why[256];
  if (lua_pcall(L, 4, 3, SLOT_TRACEBACK) != LUA_OK) {
    snprintf(msg, sizeof msg, "the loss function failed on row %zu: %s", io->row_id + 1, lua_tostring(L, -1));
    rc = VFL_ECALLBACK;
  } else if (lua_type(L, -3) != LUA_TNUMBER) {
    snprintf(msg, sizeof msg, "the loss function must return the loss (a number), got %s", lvfl_typename(L, -3));
    rc = VFL_ECALLBACK;
  } else if (read_sparse_grad(L, lua_gettop(L) - 1, io, why, sizeof why)) {
    snprintf(msg, sizeof msg, "the loss function failed on row %zu: %s", io->row_id + 1, why);
    rc = VFL_ECALLBACK;
  } else {
    *loss = (double)lua_tonumber(L, -3);
  }
  lua_settop(L, SLOT_TRACEBACK);
  w->out->p = w->grad->p = NULL;
  lvfl_rowview_end(w->row);
  if (rc) vfl_set_error(msg);
  return rc;
}
