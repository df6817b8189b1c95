/*
** lpredict.c -- net:predict and net:forward: one example (a sparse vector, a
** plain table, or a table of named inputs) or a whole dataset.
**
**   net:predict(x)  -> {o1, ..., ok} through the link (probabilities)
**   net:predict(ds) -> {p1, ..., pn} (numbers; tables when k > 1)
**   net:predict("raw text" [, {k =}]), net:predict({age = 41, city = "Oslo"})
**   (a table featurizer's row) and net:predict(x, {k = })
**                   -> {{class =, p =}, ...} best first (the featurizer's
**                      class names; indices without one)
**   net:forward(x)  -> raw outputs, no link
*/
#include <string.h>

#include "lvfl.h"

#define MAX_INPUTS 64

static void check_ready(lua_State *L, const vfl_net *net, const char *fname) {
  if (!vfl_net_ready(net))
    lvfl_error(L, "%s: the net is not initialised yet (call net:init{} or net:learn first)", fname);
}

/* Binds one Lua value to net input layer `layer` (dense or sparse). Pushes
** what keeps the converted data alive. */
static void bind_value(lua_State *L, const vfl_net *net, uint32_t layer, int idx, vfl_features *f, const char *fname) {
  vfl_layer_spec s;
  vfl_net_layer_spec(net, layer, &s);
  const char *name = vfl_net_layer_name(net, layer);
  char what[96];
  snprintf(what, sizeof what, "input '%s'", name);
  if (s.input_kind == VFL_INPUT_DENSE) {
    if (!lua_istable(L, idx) || lua_rawlen(L, idx) != s.dim)
      lvfl_error(L, "%s: the dense %s needs a table of %u numbers", fname, what, s.dim);
    float *v = lua_newuserdata(L, s.dim * sizeof *v);
    for (uint32_t j = 0; j < s.dim; j++) {
      lua_rawgeti(L, idx, (lua_Integer)j + 1);
      if (lua_type(L, -1) != LUA_TNUMBER) /* not a silent 0 */
        lvfl_error(L, "%s: the dense %s: element %u must be a number, got %s", fname, what, j + 1, lvfl_typename(L, -1));
      v[j] = (float)lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    *f = (vfl_features){s.dim, NULL, v};
    return;
  }
  if (lua_isnil(L, idx)) /* a forgotten input is an error, not an example without features */
    lvfl_error(L, "%s: %s is missing; give %s = {} for an example without features", fname, what, name);
  lvfl_sparse *x = lvfl_tosparse(L, idx, fname, what);
  *f = (vfl_features){x->n, x->index, x->value};
}

/* Does the table at idx name inputs ({user=..., item=...}) rather than
** features ({[3]=1})? */
static int is_named(lua_State *L, int idx) {
  if (!lua_istable(L, idx)) return 0;
  lua_pushnil(L);
  if (!lua_next(L, idx)) return 0;
  int named = lua_type(L, -2) == LUA_TSTRING;
  lua_pop(L, 2);
  return named;
}

/* A dataset row with one input, {label=, features=x}, predicts from x,
** whatever x is (sparse, or a dense input's list) and whatever the net's one
** input is called: training matches a single input the same way. */
static int single_input_row(lua_State *L, int idx, uint32_t n) {
  if (n != 1 || !lua_istable(L, idx)) return 0;
  lua_getfield(L, idx, "features");
  int yes = !lua_isnil(L, -1);
  lua_pop(L, 1);
  return yes;
}

uint32_t lvfl_net_inputs_from(lua_State *L, vfl_net *net, int idx, const char *fname, vfl_features *feats,
                              uint32_t cap) {
  idx = lua_absindex(L, idx);
  uint32_t layers[MAX_INPUTS];
  uint32_t n = vfl_net_inputs(net, layers, MAX_INPUTS);
  if (n > cap || n > MAX_INPUTS) lvfl_error(L, "%s: the net has more than %u inputs", fname, cap);
  if (single_input_row(L, idx, n)) {
    lua_getfield(L, idx, "features");
    bind_value(L, net, layers[0], lua_gettop(L), &feats[0], fname);
    return 1;
  }
  if (!is_named(L, idx)) {
    if (n != 1)
      lvfl_error(L, "%s: the net has %u inputs; give them as a table {%s = ..., ...}", fname, n,
                 vfl_net_layer_name(net, layers[0]));
    bind_value(L, net, layers[0], idx, &feats[0], fname);
    return 1;
  }
  luaL_checkstack(L, (int)n + 8, fname);
  /* Every key must be an input's name (a typo is an error, not a zero);
  ** the fields of a dataset row (ds[i]) are allowed too. */
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int found = k && (!strcmp(k, "label") || !strcmp(k, "labels") || !strcmp(k, "weight"));
    for (uint32_t i = 0; k && i < n && !found; i++) found = !strcmp(k, vfl_net_layer_name(net, layers[i]));
    if (!found) {
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      for (uint32_t i = 0; i < n; i++) {
        if (i) luaL_addstring(&b, ", ");
        luaL_addstring(&b, vfl_net_layer_name(net, layers[i]));
      }
      luaL_pushresult(&b);
      lvfl_error(L, "%s: the net has no input called '%s' (its inputs: %s)", fname, k ? k : lvfl_typename(L, -2),
                 lua_tostring(L, -1));
    }
  }
  for (uint32_t i = 0; i < n; i++) {
    lua_getfield(L, idx, vfl_net_layer_name(net, layers[i]));
    bind_value(L, net, layers[i], lua_gettop(L), &feats[i], fname);
  }
  return n;
}

static void push_outputs(lua_State *L, const float *out, uint32_t k) {
  lua_createtable(L, (int)k, 0);
  for (uint32_t j = 0; j < k; j++) {
    lua_pushnumber(L, out[j]);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
}

/* Every row of a dataset: net inputs matched to dataset inputs by name, or
** one to one when both have a single input (as the trainer does). */
static int run_dataset(lua_State *L, vfl_net *net, const vfl_dataset *ds, int link, const char *fname) {
  uint32_t layers[MAX_INPUTS], map[MAX_INPUTS];
  uint32_t n = vfl_net_inputs(net, layers, MAX_INPUTS);
  uint32_t nd = vfl_dataset_inputs(ds);
  if (n > MAX_INPUTS) lvfl_error(L, "%s: the net has more than %u inputs", fname, MAX_INPUTS);
  for (uint32_t i = 0; i < n; i++) {
    int k = vfl_dataset_input_find(ds, vfl_net_layer_name(net, layers[i]));
    if (k < 0 && n == 1 && nd == 1) k = 0;
    if (k < 0)
      lvfl_error(L, "%s: the dataset has no input called '%s' for the net's input layer", fname,
                 vfl_net_layer_name(net, layers[i]));
    map[i] = (uint32_t)k;
  }
  uint32_t k = vfl_net_outputs(net);
  size_t rows = vfl_dataset_rows(ds);
  uint32_t *index;
  vfl_features *dfeats = lvfl_row_room(L, ds, &index);
  float *out = lua_newuserdata(L, (k ? k : 1) * sizeof *out);
  lua_createtable(L, rows < (1u << 30) ? (int)rows : 0, 0);
  for (size_t r = 0; r < rows; r++) {
    vfl_row row;
    vfl_features feats[MAX_INPUTS];
    vfl_dataset_row(ds, r, &row, dfeats, index);
    for (uint32_t i = 0; i < n; i++) feats[i] = row.inputs[map[i]];
    int rc = link ? vfl_net_predict(net, feats, n, out) : vfl_net_forward(net, feats, n, out);
    if (rc) lvfl_engine_error(L, fname, rc);
    if (k == 1)
      lua_pushnumber(L, out[0]);
    else
      push_outputs(L, out, k);
    lua_rawseti(L, -2, (lua_Integer)r + 1);
  }
  return 1;
}

/* The k of predict(x, {k = }) (every class for raw text without it), or 0
** for the plain list of outputs. */
static uint32_t text_top_k(lua_State *L, int link, int text, const char *fname) {
  static const char *const known[] = {"k", NULL};
  if (!link) return 0; /* forward: raw outputs, no ranking */
  lvfl_checkopts(L, 3, fname, known);
  return (uint32_t)lvfl_optint(L, 3, "k", text ? UINT32_MAX : 0, fname, 1, UINT32_MAX);
}

static int run(lua_State *L, int link, const char *fname) {
  lvfl_net *n = lvfl_checknet(L, 1, fname);
  check_ready(L, n->net, fname);
  if (lua_isnoneornil(L, 2)) lvfl_argerror(L, 1, fname, "vfl.sparse, table or vfl.dataset expected, got no value");
  lvfl_dataset *d = luaL_testudata(L, 2, LVFL_DATASET);
  if (d) {
    if (d->closed) lvfl_error(L, "%s: the dataset has been closed", fname);
    if (!d->ds) return lua_newtable(L), 1;
    return run_dataset(L, n->net, d->ds, link, fname);
  }
  /* Raw text goes through the model's own featurizer; it and {k = } give
  ** classes ranked by probability (lfeaturizer.c). */
  int text = lua_type(L, 2) == LUA_TSTRING, row = !text && lvfl_is_table_row(n->net, L, 2);
  uint32_t top = text_top_k(L, link, text || row, fname);
  if (text) {
    lvfl_featurize_text(L, n->net, 2, fname);
    lua_replace(L, 2);
  } else if (row) { /* {age = 41, city = "Oslo"} through the model's table featurizer */
    lvfl_featurize_row(L, n->net, 2, fname);
    lua_replace(L, 2);
  }
  vfl_features feats[MAX_INPUTS];
  uint32_t count = lvfl_net_inputs_from(L, n->net, 2, fname, feats, MAX_INPUTS);
  uint32_t k = vfl_net_outputs(n->net);
  float stack_out[64];
  float *out = k <= 64 ? stack_out : lua_newuserdata(L, k * sizeof *out);
  int rc = link ? vfl_net_predict(n->net, feats, count, out) : vfl_net_forward(n->net, feats, count, out);
  if (rc) return lvfl_engine_error(L, fname, rc);
  if (top)
    lvfl_push_ranked(L, n->net, out, k, top);
  else
    push_outputs(L, out, k);
  return 1;
}

static int m_predict(lua_State *L) { return run(L, 1, "net:predict"); }
static int m_forward(lua_State *L) { return run(L, 0, "net:forward"); }

void lvfl_open_predict(lua_State *L) {
  luaL_getmetatable(L, LVFL_NET);
  lua_getfield(L, -1, "methods");
  lua_pushcfunction(L, m_predict);
  lua_setfield(L, -2, "predict");
  lua_pushcfunction(L, m_forward);
  lua_setfield(L, -2, "forward");
  lua_pop(L, 2);
}
