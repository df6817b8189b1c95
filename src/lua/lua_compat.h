/*
** lua_compat.h -- the few Lua C API pieces that differ between Lua 5.4 and
** Lua 5.1 / LuaJIT 2.1, so that one set of binding sources builds both the
** lua5.4 module and the LuaJIT module.
**
** Everything here is written in terms of the 5.4 names; under 5.1 they are
** mapped to what that API offers (fenv for user values, objlen for rawlen).
*/
#ifndef VFL_LUA_COMPAT_H
#define VFL_LUA_COMPAT_H

#include <math.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

#if LUA_VERSION_NUM == 501

/* LuaJIT 2.1 already has luaL_setfuncs, luaL_testudata, luaL_setmetatable and
** LUA_OK (LUA_JITLIBNAME comes from its lualib.h); plain Lua 5.1 does not. */
#if !defined(LUA_JITLIBNAME)
#define LUA_OK 0
static inline void luaL_setfuncs(lua_State *L, const luaL_Reg *l, int nup) {
  luaL_checkstack(L, nup + 1, "too many upvalues");
  for (; l->name; l++) {
    for (int i = 0; i < nup; i++) lua_pushvalue(L, -nup);
    lua_pushcclosure(L, l->func, nup);
    lua_setfield(L, -(nup + 2), l->name);
  }
  lua_pop(L, nup);
}
static inline void *luaL_testudata(lua_State *L, int i, const char *tname) {
  void *p = lua_touserdata(L, i);
  if (!p || !lua_getmetatable(L, i)) return NULL;
  luaL_getmetatable(L, tname);
  int same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return same ? p : NULL;
}
static inline void luaL_setmetatable(lua_State *L, const char *tname) {
  luaL_getmetatable(L, tname);
  lua_setmetatable(L, -2);
}
#define luaL_newlibtable(L, l) lua_createtable(L, 0, sizeof(l) / sizeof((l)[0]) - 1)
#define luaL_newlib(L, l) (luaL_newlibtable(L, l), luaL_setfuncs(L, l, 0))
#endif

#define lua_rawlen(L, i) lua_objlen(L, (i))
#define lua_pushglobaltable(L) lua_pushvalue(L, LUA_GLOBALSINDEX)

static inline int lua_absindex(lua_State *L, int i) {
  return (i > 0 || i <= LUA_REGISTRYINDEX) ? i : lua_gettop(L) + i + 1;
}

/* 5.1 numbers are all doubles: an "integer" is a number with no fraction. */
static inline int lua_isinteger(lua_State *L, int i) {
  if (lua_type(L, i) != LUA_TNUMBER) return 0;
  lua_Number n = lua_tonumber(L, i);
  return n == floor(n);
}

/* One user value per userdata: the function environment, which 5.1 allows
** on userdata as long as it is a table. */
static inline void vfl_setuservalue(lua_State *L, int i) { lua_setfenv(L, i); }
static inline int vfl_getuservalue(lua_State *L, int i) {
  lua_getfenv(L, i);
  return lua_type(L, -1);
}
static inline void *vfl_newuserdata(lua_State *L, size_t size) { return lua_newuserdata(L, size); }

#else /* Lua 5.2 and later */

#if LUA_VERSION_NUM >= 504
static inline void vfl_setuservalue(lua_State *L, int i) { lua_setiuservalue(L, i, 1); }
static inline int vfl_getuservalue(lua_State *L, int i) { return lua_getiuservalue(L, i, 1); }
static inline void *vfl_newuserdata(lua_State *L, size_t size) { return lua_newuserdatauv(L, size, 1); }
#else
static inline void vfl_setuservalue(lua_State *L, int i) { lua_setuservalue(L, i); }
static inline int vfl_getuservalue(lua_State *L, int i) {
  lua_getuservalue(L, i);
  return lua_type(L, -1);
}
static inline void *vfl_newuserdata(lua_State *L, size_t size) { return lua_newuserdata(L, size); }
#endif

#if LUA_VERSION_NUM == 502
static inline int lua_isinteger(lua_State *L, int i) {
  if (lua_type(L, i) != LUA_TNUMBER) return 0;
  lua_Number n = lua_tonumber(L, i);
  return n == floor(n);
}
#endif

#endif /* LUA_VERSION_NUM */

#endif
