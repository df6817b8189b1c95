/*
** lmodel.c -- model files: net:save(path [, {weights_only =, quantize =}]),
** net:storage() and vfl.load(path). The engine writes atomically
** (temporary file, then rename) and checks what it reads.
*/
#include <string.h>

#include "lvfl.h"

/* VFL_STORE_* names, by value. */
static const char *const storages[] = {"full", "weights", "f16", "q8", NULL};

/* {weights_only = true} or {quantize = "f16" | "q8"} (weights only too). */
static int save_storage(lua_State *L, int idx, const char *fname) {
  static const char *const known[] = {"weights_only", "quantize", NULL};
  if (lua_isnoneornil(L, idx)) return VFL_STORE_FULL;
  lvfl_checkopts(L, idx, fname, known);
  int weights_only = lvfl_optbool(L, idx, "weights_only", 0, fname);
  const char *q = lvfl_optstring(L, idx, "quantize", NULL, fname);
  if (!q) return weights_only ? VFL_STORE_WEIGHTS : VFL_STORE_FULL;
  if (strcmp(q, "f16") == 0) return VFL_STORE_F16;
  if (strcmp(q, "q8") == 0) return VFL_STORE_Q8;
  return lvfl_error(L, "%s: option 'quantize' must be \"f16\" or \"q8\", got \"%s\"", fname, q);
}

static int m_save(lua_State *L) {
  const char *fname = "net:save";
  lvfl_net *n = lvfl_checknet(L, 1, fname);
  if (lua_type(L, 2) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "file name expected, got %s", lvfl_typename(L, 2));
  int storage = save_storage(L, 3, fname);
  if (!vfl_net_ready(n->net)) lvfl_error(L, "%s: the net is not initialised yet (call net:init{} or net:learn first)", fname);
  int rc = lvfl_dist_save(n->net, lua_tostring(L, 2), storage); /* under mpirun: rank 0 writes */
  if (rc) return lvfl_engine_error(L, fname, rc);
  lua_settop(L, 1);
  return 1;
}

static int m_storage(lua_State *L) {
  lvfl_net *n = lvfl_checknet(L, 1, "net:storage");
  lua_pushstring(L, storages[vfl_net_storage(n->net)]);
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
  lua_pushcfunction(L, m_storage);
  lua_setfield(L, -2, "storage");
  lua_pop(L, 2);
  lua_pushcfunction(L, l_load);
  lua_setfield(L, -2, "load");
}
