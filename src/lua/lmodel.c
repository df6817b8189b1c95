/*
** lmodel.c -- model files: net:save(path) and vfl.load(path). The engine
** writes atomically (temporary file, then rename) and checks what it reads.
*/
#include "lvfl.h"

static int m_save(lua_State *L) {
  const char *fname = "net:save";
  lvfl_net *n = lvfl_checknet(L, 1, fname);
  if (lua_type(L, 2) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "file name expected, got %s", lvfl_typename(L, 2));
  if (!vfl_net_ready(n->net)) lvfl_error(L, "%s: the net is not initialised yet (call net:init{} or net:learn first)", fname);
  int rc = lvfl_dist_save(n->net, lua_tostring(L, 2)); /* under mpirun: rank 0 writes */
  if (rc) return lvfl_engine_error(L, fname, rc);
  lua_settop(L, 1);
  return 1;
}

static int l_load(lua_State *L) {
  const char *fname = "vfl.load";
  if (lua_type(L, 1) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "file name expected, got %s", lvfl_typename(L, 1));
  vfl_net *net = NULL;
  int rc = vfl_model_load(lua_tostring(L, 1), &net);
  if (rc) {
    vfl_net_free(net);
    return lvfl_engine_error(L, fname, rc);
  }
  lvfl_pushnet(L, net);
  return 1;
}

void lvfl_open_model(lua_State *L) {
  luaL_getmetatable(L, LVFL_NET);
  lua_getfield(L, -1, "methods");
  lua_pushcfunction(L, m_save);
  lua_setfield(L, -2, "save");
  lua_pop(L, 2);
  lua_pushcfunction(L, l_load);
  lua_setfield(L, -2, "load");
}
