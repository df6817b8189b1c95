/*
** lcheck.c -- checking arguments and option tables, and building classes.
**
** Option tables are checked for unknown keys: a misspelt option ("epoch" for
** "epochs") is an error naming it, not a silent default.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lvfl.h"

/* A short text for the value at idx, for "got ..." in messages. */
static const char *describe(lua_State *L, int idx, char *buf, size_t size) {
  if (lua_type(L, idx) == LUA_TNUMBER) {
    snprintf(buf, size, "%.14g", (double)lua_tonumber(L, idx));
    return buf;
  }
  return lvfl_typename(L, idx);
}

lua_Integer lvfl_checkint(lua_State *L, int idx, const char *fname, const char *what, lua_Integer lo,
                          lua_Integer hi) {
  char got[64];
  if (lua_type(L, idx) == LUA_TNUMBER) {
#if LUA_VERSION_NUM >= 503
    if (lua_isinteger(L, idx)) {
      lua_Integer v = lua_tointeger(L, idx);
      if (v >= lo && v <= hi) return v;
    } else
#endif
    {
      double d = (double)lua_tonumber(L, idx);
      if (d == floor(d) && d >= (double)lo && d <= (double)hi) return (lua_Integer)d;
    }
  }
  lvfl_error(L, "%s: %s must be an integer from %lld to %lld, got %s", fname, what, (long long)lo, (long long)hi,
             describe(L, idx, got, sizeof got));
  return 0;
}

double lvfl_checknum(lua_State *L, int idx, const char *fname, const char *what) {
  char got[64];
  if (lua_type(L, idx) != LUA_TNUMBER)
    lvfl_error(L, "%s: %s must be a number, got %s", fname, what, describe(L, idx, got, sizeof got));
  return (double)lua_tonumber(L, idx);
}

void lvfl_checkopts(lua_State *L, int idx, const char *fname, const char *const *known) {
  if (lua_isnoneornil(L, idx)) return;
  if (!lua_istable(L, idx)) lvfl_error(L, "%s: the options must be a table, got %s", fname, lvfl_typename(L, idx));
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      char got[64];
      lvfl_error(L, "%s: option names must be strings, got %s", fname, describe(L, -1, got, sizeof got));
    }
    const char *key = lua_tostring(L, -1);
    int found = 0;
    for (const char *const *k = known; *k && !found; k++) found = strcmp(*k, key) == 0;
    if (!found) {
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      for (const char *const *k = known; *k; k++) {
        if (k != known) luaL_addstring(&b, ", ");
        luaL_addstring(&b, *k);
      }
      luaL_pushresult(&b);
      lvfl_error(L, "%s: unknown option '%s' (known options: %s)", fname, key, lua_tostring(L, -1));
    }
  }
}

/* Pushes opts[key] (nil when opts is not a table) and returns its type. */
static int getopt(lua_State *L, int idx, const char *key) {
  if (!lua_istable(L, idx)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  lua_getfield(L, idx, key);
  return lua_type(L, -1);
}

lua_Integer lvfl_optint(lua_State *L, int idx, const char *key, lua_Integer def, const char *fname, lua_Integer lo,
                        lua_Integer hi) {
  if (getopt(L, idx, key) == LUA_TNIL) {
    lua_pop(L, 1);
    return def;
  }
  char what[96];
  snprintf(what, sizeof what, "option '%s'", key);
  lua_Integer v = lvfl_checkint(L, -1, fname, what, lo, hi);
  lua_pop(L, 1);
  return v;
}

double lvfl_optnum(lua_State *L, int idx, const char *key, double def, const char *fname) {
  if (getopt(L, idx, key) == LUA_TNIL) {
    lua_pop(L, 1);
    return def;
  }
  char what[96];
  snprintf(what, sizeof what, "option '%s'", key);
  double v = lvfl_checknum(L, -1, fname, what);
  lua_pop(L, 1);
  return v;
}

int lvfl_optbool(lua_State *L, int idx, const char *key, int def, const char *fname) {
  int t = getopt(L, idx, key);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return def;
  }
  if (t != LUA_TBOOLEAN)
    lvfl_error(L, "%s: option '%s' must be a boolean, got %s", fname, key, lvfl_typename(L, -1));
  int v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

const char *lvfl_optstring(lua_State *L, int idx, const char *key, const char *def, const char *fname) {
  int t = getopt(L, idx, key);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return def;
  }
  if (t != LUA_TSTRING)
    lvfl_error(L, "%s: option '%s' must be a string, got %s", fname, key, lvfl_typename(L, -1));
  /* The string stays reachable from the options table, so popping it is
  ** safe while that table is on the stack. */
  const char *s = lua_tostring(L, -1);
  lua_pop(L, 1);
  return s;
}

void lvfl_newclass(lua_State *L, const char *tname, const luaL_Reg *methods, const luaL_Reg *meta,
                   lua_CFunction index_fn) {
  luaL_newmetatable(L, tname);
  /* Lua 5.4 sets __name itself; LuaJIT does not, and error messages and the
  ** REPL's printer rely on it. */
  lua_pushstring(L, tname);
  lua_setfield(L, -2, "__name");
  lua_newtable(L);
  if (methods) luaL_setfuncs(L, methods, 0);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "methods");
  if (index_fn) {
    /* The index function finds methods through its upvalue. */
    lua_pushcclosure(L, index_fn, 1);
  }
  lua_setfield(L, -2, "__index");
  if (meta) luaL_setfuncs(L, meta, 0);
}

#if LUA_VERSION_NUM == 501
/* A 5.1 userdata starts with the running function's environment as its
** "user value"; a shared empty table marks "none yet" instead. */
static void push_nouv(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "vfl.nouv");
  if (lua_istable(L, -1)) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "vfl.nouv");
}
#endif

void *lvfl_newobject(lua_State *L, size_t size, const char *tname) {
  void *p = vfl_newuserdata(L, size);
  memset(p, 0, size);
  luaL_setmetatable(L, tname);
#if LUA_VERSION_NUM == 501
  push_nouv(L);
  lua_setfenv(L, -2);
#endif
  return p;
}

void lvfl_pushuv(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (vfl_getuservalue(L, idx) == LUA_TTABLE) {
#if LUA_VERSION_NUM == 501
    push_nouv(L);
    int none = lua_rawequal(L, -1, -2);
    lua_pop(L, 1);
    if (!none) return;
#else
    return;
#endif
  }
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushvalue(L, -1);
  vfl_setuservalue(L, idx);
}

/* Replaces the options table at idx by a copy without the keys in drop
** (options that one layer consumes before passing the rest on). */
void lvfl_opts_without(lua_State *L, int idx, const char *const *drop) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int dropped = 0;
    if (lua_type(L, -2) == LUA_TSTRING)
      for (int i = 0; drop[i] && !dropped; i++) dropped = !strcmp(lua_tostring(L, -2), drop[i]);
    if (dropped) {
      lua_pop(L, 1);
      continue;
    }
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_settable(L, -4);
  }
  lua_replace(L, idx);
}
