/*
** lnetview.c -- the net as a Lua loss sees it: its fourth argument, a
** read-only view of the net being trained, on every core. It reads weights
** (net:params, net:row) while the workers write them: Hogwild's values, as
** the engine's own workers see them (docs/hogwild.md). It lives in a
** worker's lua_State, which closes when net:learn returns, so it cannot
** outlive the training.
*/
#include <stdio.h>

#include "lvfl.h"

#define LVFL_NETVIEW "vfl.netview"

typedef struct lvfl_netview {
  vfl_net *net; /* read only: the workers train it meanwhile */
} lvfl_netview;

static const vfl_net *checkview(lua_State *L, const char *fname) {
  return ((lvfl_netview *)lvfl_check(L, 1, LVFL_NETVIEW, fname, 0))->net;
}

/* net:params(layer [, block]) as on the net itself. */
static int v_params(lua_State *L) {
  checkview(L, "net:params");
  lvfl_netview *v = lua_touserdata(L, 1);
  return lvfl_push_params(L, &v->net, 2, "net:params");
}

/* net:row(layer, r [, block]) -> the cols weights of row r (feature r of a
** sparse input), 1-based. */
static int v_row(lua_State *L) {
  const char *fname = "net:row";
  const vfl_net *net = checkview(L, fname);
  if (lua_type(L, 2) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "layer name expected, got %s", lvfl_typename(L, 2));
  const char *layer = lua_tostring(L, 2);
  uint32_t row = (uint32_t)lvfl_checkint(L, 3, fname, "argument #2 (row)", 1, UINT32_MAX) - 1;
  uint32_t block = lvfl_block_arg(L, net, layer, 4, fname);
  uint32_t rows, cols;
  int rc = vfl_net_param_shape(net, layer, block, &rows, &cols);
  float small[64];
  float *buf = cols <= 64 ? small : lua_newuserdata(L, cols * sizeof *buf);
  if (!rc) rc = vfl_net_param_row(net, layer, block, row, buf);
  if (rc) return lvfl_engine_error(L, fname, rc);
  lua_createtable(L, (int)cols, 0);
  for (uint32_t j = 0; j < cols; j++) {
    lua_pushnumber(L, buf[j]);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  return 1;
}

static int v_tostring(lua_State *L) {
  const vfl_net *net = checkview(L, "tostring");
  lua_pushfstring(L, "vfl.netview: %d layers, read-only, inside a loss", (int)vfl_net_layers(net));
  return 1;
}

void lvfl_netview_push(lua_State *L, const vfl_net *net) {
  luaL_getmetatable(L, LVFL_NETVIEW);
  int first = lua_isnil(L, -1);
  lua_pop(L, 1);
  if (first) { /* the class, once per worker state */
    static const luaL_Reg methods[] = {{"params", v_params}, {"row", v_row}, {NULL, NULL}};
    static const luaL_Reg meta[] = {{"__tostring", v_tostring}, {NULL, NULL}};
    lvfl_newclass(L, LVFL_NETVIEW, methods, meta, NULL);
    lua_pop(L, 1);
  }
  lvfl_netview *v = lvfl_newobject(L, sizeof *v, LVFL_NETVIEW);
  v->net = (vfl_net *)net; /* read only: the views it makes only read */
}
