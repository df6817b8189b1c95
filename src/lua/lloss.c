/*
** lloss.c -- vfl.losses: the built-in losses as Lua functions with the
** signature of a Lua loss, loss = f(out, row, grad), so that a Lua loss can
** wrap one ("logistic plus my penalty") and tests can compare against them.
** out and grad may be the views a Lua loss receives, or plain tables; row
** may be a row view, a table with label/labels, or a number (the label).
*/
#include <string.h>

#include "lvfl.h"

/* Floats of a view or a table at idx into buf (n at most cap). */
static uint32_t read_floats(lua_State *L, int idx, float *buf, uint32_t cap, const char *fname, const char *what) {
  lvfl_view *v = luaL_testudata(L, idx, LVFL_VIEW);
  if (v) {
    if (!v->p) lvfl_error(L, "%s: the %s view is only valid inside the loss function", fname, what);
    if (v->n > cap) lvfl_error(L, "%s: %s has more than %u values", fname, what, cap);
    memcpy(buf, v->p, v->n * sizeof *buf);
    return v->n;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) {
    buf[0] = (float)lua_tonumber(L, idx);
    return 1;
  }
  if (!lua_istable(L, idx)) lvfl_error(L, "%s: %s must be a view, a table or a number, got %s", fname, what, lvfl_typename(L, idx));
  size_t n = lua_rawlen(L, idx);
  if (n > cap) lvfl_error(L, "%s: %s has more than %u values", fname, what, cap);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i + 1);
    buf[i] = (float)lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  return (uint32_t)n;
}

static uint32_t read_labels(lua_State *L, int idx, float *buf, uint32_t cap, const char *fname) {
  lvfl_rowview *r = luaL_testudata(L, idx, LVFL_ROW);
  if (r) {
    if (!r->row) lvfl_error(L, "%s: the row view is only valid inside the loss function", fname);
    uint32_t n = r->row->n_labels < cap ? r->row->n_labels : cap;
    memcpy(buf, r->row->labels, n * sizeof *buf);
    return n;
  }
  if (lua_istable(L, idx)) {
    lua_getfield(L, idx, "labels");
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_getfield(L, idx, "label");
    }
    uint32_t n = read_floats(L, lua_gettop(L), buf, cap, fname, "the labels");
    lua_pop(L, 1);
    return n;
  }
  return read_floats(L, idx, buf, cap, fname, "the label");
}

static int eval(lua_State *L) {
  const char *fname = lua_tostring(L, lua_upvalueindex(2));
  int kind = (int)lua_tointeger(L, lua_upvalueindex(1));
  lua_settop(L, 3); /* grad may be absent; scratch goes above it */
  enum { CAP = 4096 };
  float *out = lua_newuserdata(L, 3 * CAP * sizeof(float));
  float *labels = out + CAP, *grad = out + 2 * CAP;
  uint32_t n_out = read_floats(L, 1, out, CAP, fname, "out");
  uint32_t n_labels = read_labels(L, 2, labels, CAP, fname);
  double loss = 0;
  memset(grad, 0, n_out * sizeof *grad);
  int rc = vfl_loss_eval(kind, out, n_out, labels, n_labels, grad, &loss);
  if (rc) return lvfl_engine_error(L, fname, rc);
  lvfl_view *g = luaL_testudata(L, 3, LVFL_VIEW);
  if (g) {
    if (!g->p || !g->writable) lvfl_error(L, "%s: argument #3 must be a live, writable gradient view", fname);
    for (uint32_t j = 0; j < n_out && j < g->n; j++) g->p[j] += grad[j];
  } else if (lua_istable(L, 3)) {
    for (uint32_t j = 0; j < n_out; j++) {
      lua_rawgeti(L, 3, (lua_Integer)j + 1);
      double prev = lua_tonumber(L, -1);
      lua_pop(L, 1);
      lua_pushnumber(L, prev + grad[j]);
      lua_rawseti(L, 3, (lua_Integer)j + 1);
    }
  } else if (!lua_isnoneornil(L, 3)) {
    lvfl_argerror(L, 3, fname, "gradient view or table expected, got %s", lvfl_typename(L, 3));
  }
  lua_pushnumber(L, loss);
  return 1;
}

void lvfl_open_losses(lua_State *L) {
  static const char *const names[] = {"logistic", "square", "multinomial", "hinge", "multilabel", NULL};
  lua_newtable(L);
  for (int i = 0; names[i]; i++) {
    lua_pushinteger(L, lvfl_loss_kind(names[i]));
    lua_pushfstring(L, "vfl.losses.%s", names[i]);
    lua_pushcclosure(L, eval, 2);
    lua_setfield(L, -2, names[i]);
  }
  lua_setfield(L, -2, "losses");
}
