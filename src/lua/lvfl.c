/*
** lvfl.c -- luaopen_vfl: the module table.
**
**   vfl.sparse, vfl.dataset, vfl.net, vfl.load
**   vfl.read.*, vfl.hash.*, vfl.layers.*, vfl.priors.*, vfl.optim.*,
**   vfl.losses.*, vfl.metrics.*
**   vfl.version, vfl.request_stop()
**   vfl.methods.<type> -- each class's methods table (completion, help)
**   vfl.plot, vfl.tune, vfl.pretty, vfl.help, vfl.repl -- Lua files, loaded on first use
**
** Help texts live in lua/vfl/doc.lua, read by the REPL's help() when asked,
** so opening the module costs no Lua file lookups.
*/
#include <string.h>

#include "lvfl.h"
#include "vfl_lua.h"

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
                                           {"view", LVFL_VIEW},     {"row", LVFL_ROW},         {"params", LVFL_PARAMS}};
  lua_newtable(L);
  for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
    luaL_getmetatable(L, classes[i][1]);
    lua_getfield(L, -1, "methods");
    lua_setfield(L, -3, classes[i][0]);
    lua_pop(L, 1);
  }
  lua_setfield(L, -2, "methods");
}

/* vfl.plot, vfl.tune, ...: parts written in Lua (lua/vfl/<name>.lua),
** required on first use so that scripts under plain lua5.4 or LuaJIT get
** them as the vfl program does. The list is the extension point. */
static const char *const lua_parts[] = {"plot", "tune", "pretty", "help", "repl", NULL};

static int lazy_part(lua_State *L) {
  const char *k = lua_tostring(L, 2);
  for (int i = 0; k && lua_type(L, 2) == LUA_TSTRING && lua_parts[i]; i++) {
    if (strcmp(k, lua_parts[i])) continue;
    lua_getglobal(L, "require");
    lua_pushfstring(L, "vfl.%s", k);
    lua_call(L, 1, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, 1, k); /* once: the next lookup finds it without us */
    return 1;
  }
  return 0;
}

static void set_lazy_parts(lua_State *L) {
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, lazy_part);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
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
  lvfl_open_params(L);
  lvfl_open_learn(L);
  lvfl_open_losses(L);
  lvfl_open_predict(L);
  lvfl_open_metrics(L);
  lvfl_open_model(L);
  lvfl_open_dist(L);
  lvfl_open_dictionary(L);
  lvfl_open_featurizer(L);
  lvfl_open_explain(L);
  lvfl_open_fasttext(L);
  export_methods(L);
  lua_pushstring(L, vfl_version());
  lua_setfield(L, -2, "version");
  lua_pushcfunction(L, l_request_stop);
  lua_setfield(L, -2, "request_stop");
  set_lazy_parts(L);
  load_docs(L);
  return 1;
}
