/*
** ldist.c -- vfl.dist: the ranks of an mpirun job, for scripts.
**
**   vfl.dist.rank, .size, .is_root, .mpi      (fields; size 1 without mpirun)
**   vfl.dist.barrier()
**   vfl.dist.allreduce(x [, "sum"|"min"|"max"])  -- a number or a list of numbers
**   vfl.dist.broadcast(value [, root])         -- root's value on every rank
**   vfl.dist.timeout([seconds])                -- the collectives' deadline
**
** Joining the job happens when the module opens (src/dist/dist.h); leaving
** it when the Lua state closes normally. A script that fails in the vfl
** program ends the whole job with its message (vfl_lua_dist_failed).
*/
#include <stdio.h>
#include <string.h>

#include "dist.h"
#include "lvfl.h"
#include "vfl_lua.h"

void vfl_lua_dist_failed(const char *message) {
  vfl_dist_abort(message ? message : "the script failed");
}

static int l_barrier(lua_State *L) {
  vfl_dist_barrier("vfl.dist.barrier");
  (void)L;
  return 0;
}

static int reduce_op(lua_State *L, int idx, const char *fname) {
  static const char *const ops[] = {"sum", "min", "max", NULL};
  const char *name = luaL_optstring(L, idx, "sum");
  for (int i = 0; ops[i]; i++)
    if (!strcmp(name, ops[i])) return i == 0 ? VFL_DIST_SUM : i == 1 ? VFL_DIST_MIN : VFL_DIST_MAX;
  return lvfl_error(L, "%s: unknown operation '%s' (sum, min, max)", fname, name);
}

/* allreduce(number or list [, op]): every rank gets the same result. Lists
** must have the same length on every rank (checked first). */
static int l_allreduce(lua_State *L) {
  const char *fname = "vfl.dist.allreduce";
  int op = reduce_op(L, 2, fname);
  if (lua_type(L, 1) == LUA_TNUMBER) {
    double x = lua_tonumber(L, 1);
    vfl_dist_allreduce_f64(&x, 1, op, fname);
    lua_pushnumber(L, x);
    return 1;
  }
  if (!lua_istable(L, 1)) lvfl_argerror(L, 1, fname, "number or list of numbers expected, got %s", lvfl_typename(L, 1));
  size_t n = lua_rawlen(L, 1);
  double len[2] = {(double)n, -(double)n};
  vfl_dist_allreduce_f64(len, 2, VFL_DIST_MAX, fname);
  if (len[0] != -len[1])
    lvfl_error(L, "%s: the lists differ in length across ranks (this rank: %zu, longest: %.0f, shortest: %.0f)", fname, n,
               len[0], -len[1]);
  double *buf = lua_newuserdata(L, (n ? n : 1) * sizeof *buf);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, 1, (lua_Integer)i + 1);
    if (lua_type(L, -1) != LUA_TNUMBER) lvfl_error(L, "%s: entry %zu is not a number (%s)", fname, i + 1, lvfl_typename(L, -1));
    buf[i] = lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  vfl_dist_allreduce_f64(buf, n, op, fname);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, buf[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* ------------------------------------------------ broadcast's encoding */

/* What cannot be broadcast in the value at idx: NULL when it is plain data
** (nil, booleans, numbers, strings and tables of them, depth <= 64). */
static const char *not_plain(lua_State *L, int idx, int depth) {
  idx = lua_absindex(L, idx);
  int t = lua_type(L, idx);
  if (t == LUA_TNIL || t == LUA_TBOOLEAN || t == LUA_TNUMBER || t == LUA_TSTRING) return NULL;
  if (t != LUA_TTABLE) return lua_typename(L, t);
  if (depth > 64) return "table nested deeper than 64 (a cycle?)";
  luaL_checkstack(L, 4, "vfl.dist.broadcast");
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *bad = not_plain(L, -2, depth + 1);
    if (!bad) bad = not_plain(L, -1, depth + 1);
    if (bad) {
      lua_pop(L, 2);
      return bad;
    }
    lua_pop(L, 1);
  }
  return NULL;
}

/* Encodes plain data (checked by not_plain first). */
static void encode(lua_State *L, int idx, luaL_Buffer *b) {
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
  case LUA_TNIL: luaL_addchar(b, 'n'); break;
  case LUA_TBOOLEAN: luaL_addchar(b, lua_toboolean(L, idx) ? 't' : 'f'); break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      lua_Integer i = lua_tointeger(L, idx);
      luaL_addchar(b, 'i');
      luaL_addlstring(b, (const char *)&i, sizeof i);
    } else {
      lua_Number d = lua_tonumber(L, idx);
      luaL_addchar(b, 'd');
      luaL_addlstring(b, (const char *)&d, sizeof d);
    }
    break;
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    uint64_t n = len;
    luaL_addchar(b, 's');
    luaL_addlstring(b, (const char *)&n, sizeof n);
    luaL_addlstring(b, s, len);
    break;
  }
  default: /* a table */
    luaL_addchar(b, '{');
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      encode(L, -2, b);
      encode(L, -1, b);
      lua_pop(L, 1);
    }
    luaL_addchar(b, '}');
  }
}

/* Decodes one value at *p (trusted: it was encoded by this module). */
static void decode(lua_State *L, const char **p) {
  luaL_checkstack(L, 4, "vfl.dist.broadcast");
  char tag = *(*p)++;
  switch (tag) {
  case 'n': lua_pushnil(L); break;
  case 't': lua_pushboolean(L, 1); break;
  case 'f': lua_pushboolean(L, 0); break;
  case 'i': {
    lua_Integer i;
    memcpy(&i, *p, sizeof i);
    *p += sizeof i;
    lua_pushinteger(L, i);
    break;
  }
  case 'd': {
    lua_Number d;
    memcpy(&d, *p, sizeof d);
    *p += sizeof d;
    lua_pushnumber(L, d);
    break;
  }
  case 's': {
    uint64_t n;
    memcpy(&n, *p, sizeof n);
    *p += sizeof n;
    lua_pushlstring(L, *p, (size_t)n);
    *p += n;
    break;
  }
  default: /* '{' */
    lua_newtable(L);
    while (**p != '}') {
      decode(L, p);
      decode(L, p);
      lua_rawset(L, -3);
    }
    (*p)++;
  }
}

/* broadcast(value [, root]) -> root's value, on every rank. */
static int l_broadcast(lua_State *L) {
  const char *fname = "vfl.dist.broadcast";
  int size = vfl_dist_size();
  int root = lua_isnoneornil(L, 2) ? 0 : (int)lvfl_checkint(L, 2, fname, "root", 0, size - 1);
  lua_settop(L, 1);
  if (size == 1) return 1;
  /* the root's value, or a length of UINT64_MAX when it cannot be sent, so
  ** that every rank raises the same error instead of waiting */
  uint64_t len = 0;
  const char *data = NULL, *bad = NULL;
  char why[160] = "";
  if (vfl_dist_rank() == root) {
    bad = not_plain(L, 1, 0);
    if (bad) {
      snprintf(why, sizeof why, "%s", bad);
      len = UINT64_MAX;
    } else {
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      encode(L, 1, &b);
      luaL_pushresult(&b);
      size_t n;
      data = lua_tolstring(L, -1, &n);
      len = n;
    }
  }
  vfl_dist_bcast(&len, sizeof len, root, fname);
  if (len == UINT64_MAX) {
    vfl_dist_bcast(why, sizeof why, root, fname);
    lvfl_error(L, "%s: rank %d's value holds a %s, which cannot be broadcast (nil, booleans, numbers, strings and "
               "tables of them can)", fname, root, why);
  }
  char *buf = lua_newuserdata(L, len ? (size_t)len : 1);
  if (data) memcpy(buf, data, (size_t)len);
  vfl_dist_bcast(buf, (size_t)len, root, fname);
  const char *p = buf;
  decode(L, &p);
  return 1;
}

static int l_timeout(lua_State *L) {
  if (!lua_isnoneornil(L, 1)) {
    double s = lvfl_checknum(L, 1, "vfl.dist.timeout", "seconds");
    if (!(s > 0)) lvfl_error(L, "vfl.dist.timeout: seconds must be above 0, got %g", s);
    vfl_dist_set_timeout(s);
  }
  lua_pushnumber(L, vfl_dist_timeout());
  return 1;
}

int lvfl_dist_save(const vfl_net *net, const char *path, int storage) {
  if (vfl_dist_size() < 2) return vfl_model_save_as(net, path, storage);
  struct {
    int64_t rc;
    char message[1016];
  } status = {0, ""};
  if (vfl_dist_rank() == 0) {
    status.rc = vfl_model_save_as(net, path, storage);
    if (status.rc) snprintf(status.message, sizeof status.message, "%s", vfl_last_error());
  }
  int rc = vfl_dist_bcast(&status, sizeof status, 0, "net:save (rank 0 writes the file)");
  if (rc) return rc;
  if (status.rc) vfl_set_error(status.message);
  return (int)status.rc;
}

/* Leaves the MPI job when the Lua state closes. */
static int finalize_gc(lua_State *L) {
  (void)L;
  vfl_dist_finalize();
  return 0;
}

void lvfl_open_dist(lua_State *L) {
  if (vfl_dist_init()) lvfl_error(L, "%s", vfl_last_error());
  lua_getfield(L, LUA_REGISTRYINDEX, "vfl.dist.session");
  if (lua_isnil(L, -1)) {
    lua_newuserdata(L, 1);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, finalize_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, "vfl.dist.session");
  }
  lua_pop(L, 1);
  static const luaL_Reg fns[] = {{"barrier", l_barrier},
                                 {"allreduce", l_allreduce},
                                 {"broadcast", l_broadcast},
                                 {"timeout", l_timeout},
                                 {NULL, NULL}};
  lua_createtable(L, 0, 8);
  luaL_setfuncs(L, fns, 0);
  lua_pushinteger(L, vfl_dist_rank());
  lua_setfield(L, -2, "rank");
  lua_pushinteger(L, vfl_dist_size());
  lua_setfield(L, -2, "size");
  lua_pushboolean(L, vfl_dist_rank() == 0);
  lua_setfield(L, -2, "is_root");
  lua_pushboolean(L, vfl_dist_has_mpi());
  lua_setfield(L, -2, "mpi");
  lua_setfield(L, -2, "dist");
}
