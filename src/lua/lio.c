/*
** lio.c -- vfl.io: reading text files from Lua adapters through the
** engine's line source, so that gzip needs no io.popen("gzip -dc ...").
**
**   for line in vfl.io.lines(path) do ... end   -- plain or gzip
**
** The file closes at the end of the loop, when the loop is left early (Lua
** 5.4's to-be-closed fourth value), or when the iterator is collected.
*/
#include "lvfl.h"

#define LVFL_LINES "vfl.lines"

typedef struct lvfl_lines {
  vfl_lines *lines;
} lvfl_lines;

static int lines_close(lua_State *L) {
  lvfl_lines *l = luaL_checkudata(L, 1, LVFL_LINES);
  vfl_lines_close(l->lines);
  l->lines = NULL;
  return 0;
}

static int lines_step(lua_State *L) {
  lvfl_lines *l = lua_touserdata(L, lua_upvalueindex(1));
  if (!l->lines) return 0;
  const char *line;
  size_t len;
  int rc = vfl_lines_next(l->lines, &line, &len);
  if (rc < 0) {
    vfl_lines_close(l->lines);
    l->lines = NULL;
    return lvfl_engine_error(L, "vfl.io.lines", rc);
  }
  if (rc == 0) {
    vfl_lines_close(l->lines);
    l->lines = NULL;
    return 0;
  }
  lua_pushlstring(L, line, len);
  return 1;
}

static int l_lines(lua_State *L) {
  const char *fname = "vfl.io.lines";
  if (lua_type(L, 1) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "file name expected, got %s", lvfl_typename(L, 1));
  lvfl_lines *l = lvfl_newobject(L, sizeof *l, LVFL_LINES);
  int rc = vfl_lines_open(lua_tostring(L, 1), &l->lines);
  if (rc) return lvfl_engine_error(L, fname, rc);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, lines_step, 1);
  lua_pushnil(L);
  lua_pushnil(L);
  lua_pushvalue(L, -4); /* to-be-closed in a Lua 5.4 generic for */
  return 4;
}

void lvfl_open_io(lua_State *L) {
  static const luaL_Reg meta[] = {{"__gc", lines_close}, {"__close", lines_close}, {NULL, NULL}};
  static const luaL_Reg none[] = {{NULL, NULL}};
  lvfl_newclass(L, LVFL_LINES, none, meta, NULL);
  lua_pop(L, 1);
  static const luaL_Reg funcs[] = {{"lines", l_lines}, {NULL, NULL}};
  luaL_newlib(L, funcs);
  lua_setfield(L, -2, "io");
}
