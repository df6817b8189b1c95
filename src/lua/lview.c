/*
** lview.c -- the cheap objects a Lua loss sees for every example: float
** views (out, grad, labels) and the row view. They are created once per
** net:learn and re-pointed at each example, so the loss allocates nothing;
** outside the loss they are dead and say so.
*/
#include <stdio.h>
#include <string.h>

#include "lvfl.h"

lvfl_view *lvfl_view_new(lua_State *L, const char *what, int writable) {
  lvfl_view *v = lvfl_newobject(L, sizeof *v, LVFL_VIEW);
  v->writable = writable;
  v->what = what;
  return v;
}

static lvfl_view *live_view(lua_State *L, int idx) {
  lvfl_view *v = lua_touserdata(L, idx);
  if (!v->p) lvfl_error(L, "vfl.view: this %s view is only valid inside the loss function", v->what);
  return v;
}

/* v[i] for 1 <= i <= #v; nil beyond, like a table. */
static int view_index(lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) {
    lvfl_view *v = live_view(L, 1);
    lua_Integer i = lua_tointeger(L, 2);
    if (i >= 1 && (uint64_t)i <= v->n)
      lua_pushnumber(L, v->p[i - 1]);
    else
      lua_pushnil(L);
    return 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

static int view_newindex(lua_State *L) {
  lvfl_view *v = live_view(L, 1);
  if (!v->writable) return lvfl_error(L, "vfl.view: the %s view is read-only", v->what);
  lua_Integer i = lua_type(L, 2) == LUA_TNUMBER ? lua_tointeger(L, 2) : 0;
  if (i < 1 || (uint64_t)i > v->n) {
    const char *key = lua_type(L, 2) == LUA_TNUMBER || lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : lvfl_typename(L, 2);
    return lvfl_error(L, "vfl.view: %s index %s is out of range 1..%u", v->what, key, v->n);
  }
  if (lua_type(L, 3) != LUA_TNUMBER)
    return lvfl_error(L, "vfl.view: %s[%lld] must be set to a number, got %s", v->what, (long long)i, lvfl_typename(L, 3));
  v->p[i - 1] = (float)lua_tonumber(L, 3);
  return 0;
}

static int view_len(lua_State *L) {
  lvfl_view *v = live_view(L, 1);
  lua_pushinteger(L, v->n);
  return 1;
}

static int view_totable(lua_State *L) {
  lvfl_check(L, 1, LVFL_VIEW, "view:totable", 0);
  lvfl_view *v = live_view(L, 1);
  lua_createtable(L, (int)v->n, 0);
  for (uint32_t i = 0; i < v->n; i++) {
    lua_pushnumber(L, v->p[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int view_tostring(lua_State *L) {
  lvfl_view *v = lua_touserdata(L, 1);
  if (!v->p) return lua_pushfstring(L, "vfl.view(%s, no longer valid)", v->what), 1;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "vfl.view(");
  luaL_addstring(&b, v->what);
  luaL_addstring(&b, "){");
  char item[48];
  for (uint32_t i = 0; i < v->n && i < 8; i++) {
    snprintf(item, sizeof item, "%s%.7g", i ? ", " : "", (double)v->p[i]);
    luaL_addstring(&b, item);
  }
  if (v->n > 8) luaL_addstring(&b, ", ...");
  luaL_addstring(&b, "}");
  luaL_pushresult(&b);
  return 1;
}

/* -------------------------------------------------------------- row view */

static lvfl_rowview *live_row(lua_State *L, int idx) {
  lvfl_rowview *r = lua_touserdata(L, idx);
  if (!r->row) lvfl_error(L, "vfl.row: this row view is only valid inside the loss function");
  return r;
}

/* row.label, row.weight, row.id, then row.labels, row.features and the
** dataset's inputs by name (views kept in the user value), then extras. */
static int row_index(lua_State *L) {
  lvfl_rowview *r = live_row(L, 1);
  const char *k = lua_tostring(L, 2);
  if (k && !strcmp(k, "label")) {
    if (r->row->n_labels)
      lua_pushnumber(L, r->row->labels[0]);
    else
      lua_pushnil(L);
    return 1;
  }
  if (k && !strcmp(k, "weight")) return lua_pushnumber(L, r->row->weight), 1;
  if (k && !strcmp(k, "id")) return lua_pushinteger(L, (lua_Integer)r->id + 1), 1;
  lvfl_pushuv(L, 1);
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  if (lua_isnil(L, -1) && k) lvfl_push_extra(L, r->ds, r->id, k); /* else nil stays on top */
  return 1;
}

static int row_newindex(lua_State *L) { return lvfl_error(L, "vfl.row: the row view is read-only"); }

static int row_tostring(lua_State *L) {
  lvfl_rowview *r = lua_touserdata(L, 1);
  if (!r->row) return lua_pushstring(L, "vfl.row (no longer valid)"), 1;
  lua_pushfstring(L, "vfl.row #%d", (int)r->id + 1);
  return 1;
}

lvfl_rowview *lvfl_rowview_new(lua_State *L, const vfl_dataset *ds) {
  uint32_t n = vfl_dataset_inputs(ds);
  lvfl_rowview *r = lvfl_newobject(L, sizeof *r + n * sizeof r->inputs[0], LVFL_ROW);
  int ri = lua_gettop(L);
  r->n_inputs = n;
  lvfl_pushuv(L, ri);
  r->labels = lvfl_view_new(L, "labels", 0);
  lua_setfield(L, -2, "labels");
  for (uint32_t k = 0; k < n; k++) {
    if (vfl_dataset_input_kind(ds, k) == VFL_INPUT_DENSE) {
      r->inputs[k].dense = lvfl_view_new(L, "dense input", 0);
    } else {
      r->inputs[k].sparse = lvfl_sparse_borrowed(L);
    }
    if (k == 0) {
      lua_pushvalue(L, -1);
      lua_setfield(L, -3, "features");
    }
    lua_setfield(L, -2, vfl_dataset_input_name(ds, k));
  }
  lua_pop(L, 1);
  return r;
}

void lvfl_rowview_set(lvfl_rowview *r, const vfl_loss_io *io) {
  const vfl_row *row = io->row;
  r->row = row;
  r->ds = io->dataset;
  r->id = io->row_id;
  r->labels->p = (float *)row->labels;
  r->labels->n = row->n_labels;
  for (uint32_t k = 0; k < r->n_inputs && k < row->n_inputs; k++) {
    const vfl_features *f = &row->inputs[k];
    if (r->inputs[k].dense) {
      r->inputs[k].dense->p = (float *)f->value;
      r->inputs[k].dense->n = f->n;
    } else {
      lvfl_sparse *x = r->inputs[k].sparse;
      x->n = f->n;
      x->index = f->index;
      x->value = f->value;
      x->live = 1;
    }
  }
}

void lvfl_rowview_end(lvfl_rowview *r) {
  r->row = NULL;
  r->labels->p = NULL;
  for (uint32_t k = 0; k < r->n_inputs; k++) {
    if (r->inputs[k].dense)
      r->inputs[k].dense->p = NULL;
    else
      r->inputs[k].sparse->live = 0;
  }
}

void lvfl_open_view(lua_State *L) {
  static const luaL_Reg view_methods[] = {{"totable", view_totable}, {NULL, NULL}};
  static const luaL_Reg view_meta[] = {{"__newindex", view_newindex}, {"__len", view_len},
                                       {"__tostring", view_tostring}, {NULL, NULL}};
  static const luaL_Reg row_meta[] = {{"__newindex", row_newindex}, {"__tostring", row_tostring}, {NULL, NULL}};
  lvfl_newclass(L, LVFL_VIEW, view_methods, view_meta, view_index);
  lua_pop(L, 1);
  lvfl_newclass(L, LVFL_ROW, NULL, row_meta, row_index);
  lua_pushliteral(L, "label labels weight id features");
  lua_setfield(L, -2, "fields");
  lua_pop(L, 1);
}
