/*
** lextra.c -- a dataset's extras seen from Lua: the fields an adapter puts
** on a row beside its label, weight and inputs (row.user = 42, row.text =
** "..."). They are stored by the engine (vfl_dataset_set_extra), so that a
** Lua loss running on any worker's lua_State can read them.
*/
#include <string.h>

#include "lvfl.h"

int lvfl_is_extra_value(lua_State *L, int idx) {
  int t = lua_type(L, idx);
  return t == LUA_TNUMBER || t == LUA_TBOOLEAN || t == LUA_TSTRING;
}

void lvfl_push_value(lua_State *L, const vfl_value *v) {
  switch (v->type) {
    case VFL_VALUE_NUMBER: lua_pushnumber(L, v->number); break;
    case VFL_VALUE_INTEGER: lua_pushinteger(L, (lua_Integer)v->integer); break;
    case VFL_VALUE_BOOLEAN: lua_pushboolean(L, v->integer != 0); break;
    case VFL_VALUE_STRING: lua_pushlstring(L, v->string, v->len); break;
    default: lua_pushnil(L);
  }
}

/* The value at idx, which lvfl_is_extra_value accepted. A string points
** into the Lua string, which the caller keeps alive. */
static vfl_value to_value(lua_State *L, int idx) {
  vfl_value v = {VFL_VALUE_NIL, 0, 0, NULL, 0};
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        v.type = VFL_VALUE_INTEGER;
        v.integer = (int64_t)lua_tointeger(L, idx);
      } else {
        v.type = VFL_VALUE_NUMBER;
        v.number = (double)lua_tonumber(L, idx);
      }
      break;
    case LUA_TBOOLEAN:
      v.type = VFL_VALUE_BOOLEAN;
      v.integer = lua_toboolean(L, idx);
      break;
    case LUA_TSTRING:
      v.type = VFL_VALUE_STRING;
      v.string = lua_tolstring(L, idx, &v.len);
      break;
  }
  return v;
}

void lvfl_set_extras(lua_State *L, vfl_dataset *ds, int row, size_t i, const char *fname) {
  row = lua_absindex(L, row);
  for (uint32_t k = 0; k < vfl_dataset_extras(ds); k++) {
    lua_getfield(L, row, vfl_dataset_extra_name(ds, k));
    if (!lua_isnil(L, -1)) {
      vfl_value v = to_value(L, -1);
      int rc = vfl_dataset_set_extra(ds, i, k, &v);
      if (rc) lvfl_engine_error(L, fname, rc);
    }
    lua_pop(L, 1);
  }
}

void lvfl_push_extras(lua_State *L, const vfl_dataset *ds, size_t i) {
  for (uint32_t k = 0; k < vfl_dataset_extras(ds); k++) {
    vfl_value v;
    if (vfl_dataset_extra(ds, i, k, &v) || v.type == VFL_VALUE_NIL) continue;
    lvfl_push_value(L, &v);
    lua_setfield(L, -2, vfl_dataset_extra_name(ds, k));
  }
}

int lvfl_push_extra(lua_State *L, const vfl_dataset *ds, size_t i, const char *name) {
  int k = ds ? vfl_dataset_extra_find(ds, name) : -1;
  vfl_value v;
  if (k < 0 || vfl_dataset_extra(ds, i, (uint32_t)k, &v)) return 0;
  lvfl_push_value(L, &v);
  return 1;
}

void lvfl_push_extra_names(lua_State *L, const vfl_dataset *ds) {
  uint32_t n = ds ? vfl_dataset_extras(ds) : 0;
  lua_createtable(L, (int)n, 0);
  for (uint32_t k = 0; k < n; k++) {
    lua_pushstring(L, vfl_dataset_extra_name(ds, k));
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
}
