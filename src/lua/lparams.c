/*
** lparams.c -- net:params(layer [, block]) -> a view of the weights, rows,
** cols. The view copies nothing: a layer of 2^24 x 64 weights costs no
** Lua table (it would cost 16 GiB as one); it reads the net's weights when
** indexed, so it shows them as they are now, not as they were when it was
** made (v:totable() copies them).
**
**   w[i]         weight i (1-based, feature-major: row r, column c is
**                w[(r - 1) * cols + c]); nil beyond #w, like a table
**   #w           rows * cols
**   w:row(r)     the cols weights of row r (feature r of a sparse input)
**   w:totable()  every weight in a new table
**   w:shape()    rows, cols
**   w == v       same shape and the same values
**
** The view keeps its net's Lua object alive. If the net is closed, or
** re-initialised to another shape, reading the view is an error that says so.
*/
#include <stdio.h>
#include <string.h>

#include "lvfl.h"

typedef struct lvfl_params {
  vfl_net *const *owner; /* the net's pointer in its Lua object: NULL once net:close freed it */
  const vfl_net *net;
  uint32_t block, rows, cols;
  char layer[]; /* NUL-terminated */
} lvfl_params;

static lvfl_params *check_params(lua_State *L, int idx, const char *fname) {
  lvfl_params *p = lvfl_check(L, idx, LVFL_PARAMS, fname, 0);
  if (!*p->owner) lvfl_error(L, "%s: the net of this view was closed", fname);
  p->net = *p->owner;
  uint32_t rows = 0, cols = 0;
  int rc = vfl_net_param_shape(p->net, p->layer, p->block, &rows, &cols);
  if (rc) lvfl_engine_error(L, fname, rc);
  if (rows != p->rows || cols != p->cols)
    lvfl_error(L, "%s: layer '%s' block %u is now %u x %u, not %u x %u as when net:params made this view: call it again",
               fname, p->layer, p->block + 1, rows, cols, p->rows, p->cols);
  return p;
}

static uint64_t count(const lvfl_params *p) { return (uint64_t)p->rows * p->cols; }

/* w[i], or a method by name. */
static int p_index(lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) {
    lvfl_params *p = check_params(L, 1, "vfl.params");
    lua_Number i = lua_tonumber(L, 2);
    float v;
    if (i >= 1 && i <= (lua_Number)count(p) && i == (lua_Number)(uint64_t)i &&
        vfl_net_param_at(p->net, p->layer, p->block, (uint64_t)i - 1, &v) == VFL_OK)
      lua_pushnumber(L, v);
    else
      lua_pushnil(L);
    return 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

static int p_newindex(lua_State *L) {
  return lvfl_error(L, "vfl.params: the view is read-only (net:set_params(layer, block, values) writes weights)");
}

static int p_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)count(check_params(L, 1, "#vfl.params")));
  return 1;
}

/* Copies rows first..first+n-1 into buf, a row at a time. */
static void push_rows(lua_State *L, const lvfl_params *p, uint32_t first, uint32_t n, float *buf, const char *fname) {
  lua_createtable(L, (int)((uint64_t)n * p->cols < (1u << 30) ? (uint64_t)n * p->cols : 0), 0);
  lua_Integer k = 1;
  for (uint32_t r = first; r < first + n; r++) {
    int rc = vfl_net_param_row(p->net, p->layer, p->block, r, buf);
    if (rc) lvfl_engine_error(L, fname, rc);
    for (uint32_t c = 0; c < p->cols; c++) {
      lua_pushnumber(L, buf[c]);
      lua_rawseti(L, -2, k++);
    }
  }
}

static float *row_buffer(lua_State *L, const lvfl_params *p) {
  return lua_newuserdata(L, (p->cols ? p->cols : 1) * sizeof(float));
}

static int p_totable(lua_State *L) {
  lvfl_params *p = check_params(L, 1, "vfl.params:totable");
  float *buf = row_buffer(L, p);
  push_rows(L, p, 0, p->rows, buf, "vfl.params:totable");
  return 1;
}

static int p_row(lua_State *L) {
  const char *fname = "vfl.params:row";
  lvfl_params *p = check_params(L, 1, fname);
  uint32_t r = (uint32_t)lvfl_checkint(L, 2, fname, "argument #1 (row)", 1, p->rows ? p->rows : 1) - 1;
  float *buf = row_buffer(L, p);
  push_rows(L, p, r, 1, buf, fname);
  return 1;
}

static int p_shape(lua_State *L) {
  lvfl_params *p = check_params(L, 1, "vfl.params:shape");
  lua_pushinteger(L, p->rows);
  lua_pushinteger(L, p->cols);
  return 2;
}

/* Same shape and values, row by row (for assert.are.same on two views). */
static int p_eq(lua_State *L) {
  lvfl_params *a = check_params(L, 1, "vfl.params =="), *b = check_params(L, 2, "vfl.params ==");
  int same = a->rows == b->rows && a->cols == b->cols;
  float *ra = same ? row_buffer(L, a) : NULL, *rb = same ? row_buffer(L, b) : NULL;
  for (uint32_t r = 0; same && r < a->rows; r++) {
    same = vfl_net_param_row(a->net, a->layer, a->block, r, ra) == VFL_OK &&
           vfl_net_param_row(b->net, b->layer, b->block, r, rb) == VFL_OK;
    for (uint32_t c = 0; same && c < a->cols; c++) same = ra[c] == rb[c];
  }
  lua_pushboolean(L, same);
  return 1;
}

static int p_tostring(lua_State *L) {
  lvfl_params *p = check_params(L, 1, "tostring");
  char head[256], item[48];
  snprintf(head, sizeof head, "vfl.params(%s, block %u: %u x %u){", p->layer, p->block + 1, p->rows, p->cols);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, head);
  for (uint64_t i = 0; i < count(p) && i < 8; i++) {
    float v = 0;
    vfl_net_param_at(p->net, p->layer, p->block, i, &v);
    snprintf(item, sizeof item, "%s%.7g", i ? ", " : "", (double)v);
    luaL_addstring(&b, item);
  }
  if (count(p) > 8) luaL_addstring(&b, ", ...");
  luaL_addstring(&b, "}");
  luaL_pushresult(&b);
  return 1;
}

/* The class, once per lua_State (a loss's worker states make it on first use). */
static void push_class(lua_State *L) {
  luaL_getmetatable(L, LVFL_PARAMS);
  if (!lua_isnil(L, -1)) return;
  lua_pop(L, 1);
  static const luaL_Reg methods[] = {{"totable", p_totable}, {"row", p_row}, {"shape", p_shape}, {NULL, NULL}};
  static const luaL_Reg meta[] = {{"__newindex", p_newindex}, {"__len", p_len}, {"__eq", p_eq},
                                  {"__tostring", p_tostring}, {NULL, NULL}};
  lvfl_newclass(L, LVFL_PARAMS, methods, meta, p_index);
}

void lvfl_open_params(lua_State *L) {
  push_class(L);
  lua_pop(L, 1);
}

int lvfl_push_params(lua_State *L, vfl_net *const *owner, int layer_idx, const char *fname) {
  const vfl_net *net = *owner;
  if (lua_type(L, layer_idx) != LUA_TSTRING)
    lvfl_argerror(L, 1, fname, "layer name expected, got %s", lvfl_typename(L, layer_idx));
  size_t len;
  const char *layer = lua_tolstring(L, layer_idx, &len);
  uint32_t block = lvfl_block_arg(L, net, layer, layer_idx + 1, fname);
  uint32_t rows, cols;
  int rc = vfl_net_param_shape(net, layer, block, &rows, &cols);
  if (rc) return lvfl_engine_error(L, fname, rc);
  push_class(L);
  lua_pop(L, 1);
  lvfl_params *p = lvfl_newobject(L, sizeof *p + len + 1, LVFL_PARAMS);
  *p = (lvfl_params){owner, net, block, rows, cols};
  memcpy(p->layer, layer, len + 1);
  lvfl_pushuv(L, -1); /* the net (self) stays alive while the view does */
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "net");
  lua_pop(L, 1);
  lua_pushinteger(L, rows);
  lua_pushinteger(L, cols);
  return 3;
}
