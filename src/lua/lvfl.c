/*
** lvfl.c -- luaopen_vfl: the module table.
**
**   vfl.sparse, vfl.dataset, vfl.net, vfl.load
**   vfl.read.*, vfl.hash.*, vfl.layers.*, vfl.priors.*, vfl.optim.*,
**   vfl.losses.*, vfl.metrics.*
**   vfl.version, vfl.request_stop()
**   vfl.methods.<type> -- each class's methods table (completion, help)
**
** Help texts live in lua/vfl/doc.lua, read by the REPL's help() when asked,
** so opening the module costs no Lua file lookups.
*/
#include "lvfl.h"

/* From Lua (a loss, a callback, another coroutine): stops the trainings
** running now, through the engine's thread-safe vfl_net_stop. */
static int l_request_stop(lua_State *L) {
  (void)L;
  lvfl_stop_active();
  return 0;
}

/* vfl.methods = {net = ..., dataset = ..., ...}: the classes' methods. */
static void export_methods(lua_State *L) {
  static const char *const classes[][2] = {{"sparse", LVFL_SPARSE}, {"dataset", LVFL_DATASET}, {"net", LVFL_NET},
                                           {"layer", LVFL_LAYER},   {"prior", LVFL_PRIOR},     {"optim", LVFL_OPTIM},
                                           {"view", LVFL_VIEW},     {"row", LVFL_ROW}};
  lua_newtable(L);
  for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
    luaL_getmetatable(L, classes[i][1]);
    lua_getfield(L, -1, "methods");
    lua_setfield(L, -3, classes[i][0]);
    lua_pop(L, 1);
  }
  lua_setfield(L, -2, "methods");
}

/* Registers the help texts (lua/vfl/doc.lua) when that file is on
** package.path; vfl works without it. The module table is put in
** package.loaded first, so that doc.lua's require "vfl" finds it. */
static void load_docs(lua_State *L) {
  int top = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, "_LOADED");
  if (lua_istable(L, -1)) {
    lua_pushvalue(L, top);
    lua_setfield(L, -2, "vfl");
  }
  lua_getglobal(L, "require");
  if (lua_isfunction(L, -1)) {
    lua_pushliteral(L, "vfl.doc");
    lua_pcall(L, 1, 0, 0); /* a missing doc.lua is not an error */
  }
  lua_settop(L, top);
}

int luaopen_vfl(lua_State *L) {
  lua_newtable(L);
  lvfl_open_sparse(L);
  lvfl_open_hash(L);
  lvfl_open_io(L);
  lvfl_open_dataset(L);
  lvfl_open_read(L);
  lvfl_open_spec(L);
  lvfl_open_net(L);
  lvfl_open_view(L);
  lvfl_open_learn(L);
  lvfl_open_losses(L);
  lvfl_open_predict(L);
  lvfl_open_metrics(L);
  lvfl_open_model(L);
  lvfl_open_featurizer(L);
  lvfl_open_fasttext(L);
  export_methods(L);
  lua_pushstring(L, vfl_version());
  lua_setfield(L, -2, "version");
  lua_pushcfunction(L, l_request_stop);
  lua_setfield(L, -2, "request_stop");
  load_docs(L);
  return 1;
}
