/*
** lnet.c -- vfl.net: building a net from layer specs, initialising it, and
** reading or writing its parameters.
**
** A layer's priors and optimizer go to the engine as the layer is added
** (the engine checks a prior's parent and sizes once the parents are wired,
** at init at the latest); print(net) asks the engine for them.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvfl.h"

lvfl_net *lvfl_checknet(lua_State *L, int idx, const char *fname) {
  lvfl_net *n = lvfl_check(L, idx, LVFL_NET, fname, idx == 1 ? 0 : idx - 1);
  if (n->closed) lvfl_error(L, "%s: the net has been closed", fname);
  return n;
}

lvfl_net *lvfl_checknet_idle(lua_State *L, int idx, const char *fname) {
  lvfl_net *n = lvfl_checknet(L, idx, fname);
  if (n->busy) lvfl_error(L, "%s: the net is being trained and cannot change until net:learn returns", fname);
  return n;
}

lvfl_net *lvfl_pushnet(lua_State *L, vfl_net *net) {
  lvfl_net *n = lvfl_newobject(L, sizeof *n, LVFL_NET);
  n->net = net;
  return n;
}

static int l_net(lua_State *L) {
  /* vfl.net{layers...} reads naturally but is not the API: say so rather
  ** than hand back an empty net. */
  if (!lua_isnone(L, 1))
    return lvfl_error(L, "vfl.net: takes no arguments, got %s; build the net with vfl.net():stack(layer) or :add",
                      lvfl_typename(L, 1));
  vfl_net *net = vfl_net_new();
  if (!net) return lvfl_engine_error(L, "vfl.net", VFL_ENOMEM);
  lvfl_pushnet(L, net);
  return 1;
}

/* ---------------------------------------------------------------- priors */

/* A Lua list of n numbers into an array; NULL for nil. Nested tables
** ({{...}, {...}}, one per row) are read row by row. The array is a Lua
** userdata pushed on the stack (nil for nil), so an error never leaks it. */
static float *floats_from(lua_State *L, int t, size_t n, const char *fname, const char *what) {
  t = lua_absindex(L, t);
  if (lua_isnil(L, t)) {
    lua_pushnil(L);
    return NULL;
  }
  if (!lua_istable(L, t)) lvfl_error(L, "%s: %s must be a table of numbers, got %s", fname, what, lvfl_typename(L, t));
  float *out = lua_newuserdata(L, (n ? n : 1) * sizeof *out);
  size_t len = lua_rawlen(L, t), k = 0;
  int bad = 0;
  for (size_t i = 1; i <= len && !bad; i++) {
    lua_rawgeti(L, t, (lua_Integer)i);
    if (lua_istable(L, -1)) {
      size_t m = lua_rawlen(L, -1);
      for (size_t j = 1; j <= m && !bad; j++, k++) {
        lua_rawgeti(L, -1, (lua_Integer)j);
        bad = lua_type(L, -1) != LUA_TNUMBER;
        if (!bad && k < n) out[k] = (float)lua_tonumber(L, -1);
        lua_pop(L, 1);
      }
    } else {
      bad = lua_type(L, -1) != LUA_TNUMBER;
      if (!bad && k < n) out[k] = (float)lua_tonumber(L, -1);
      k++;
    }
    lua_pop(L, 1);
  }
  if (bad || k != n) {
    lvfl_error(L, "%s: %s must hold %zu numbers (got %s%zu)", fname, what, n, bad ? "a non-number after " : "", k);
  }
  return out;
}

/* How many entries the list at t holds, a nested table counting its own. */
static size_t count_floats(lua_State *L, int t) {
  t = lua_absindex(L, t);
  size_t len = lua_istable(L, t) ? lua_rawlen(L, t) : 0, k = 0;
  for (size_t i = 1; i <= len; i++) {
    lua_rawgeti(L, t, (lua_Integer)i);
    k += lua_istable(L, -1) ? lua_rawlen(L, -1) : 1;
    lua_pop(L, 1);
  }
  return k;
}

/* The prior's table option `key` (per_feature, center) as an array with its
** length, pushed on the stack; NULL (and 0) when absent. */
static const float *prior_array(lua_State *L, int uv, const char *key, const char *layer, const char *fname,
                                uint64_t *n) {
  lua_getfield(L, uv, key);
  *n = count_floats(L, -1);
  if (lua_istable(L, -1) && !*n) lvfl_error(L, "%s: the %s table of the prior on '%s' is empty", fname, key, layer);
  char what[160];
  snprintf(what, sizeof what, "the %s table of the prior on '%s'", key, layer);
  const float *a = floats_from(L, -1, (size_t)*n, fname, what);
  lua_remove(L, -2);
  return a;
}

/* Attaches one vfl.prior (at idx) to layer `name`: the engine copies the
** arrays and checks the parent and sizes (now, or at init when the layer's
** parents are not wired yet). */
static void attach_prior(lua_State *L, vfl_net *net, const char *name, int idx, const char *fname) {
  idx = lua_absindex(L, idx);
  lvfl_prior *p = lua_touserdata(L, idx);
  vfl_prior_spec spec = p->spec;
  lvfl_pushuv(L, idx);
  int uv = lua_gettop(L);
  lua_getfield(L, uv, "parent");
  if (lua_type(L, -1) == LUA_TSTRING) spec.parent_name = lua_tostring(L, -1); /* kept alive by uv */
  else if (!lua_isnil(L, -1)) spec.parent = (int)lua_tointeger(L, -1) - 1;   /* range-checked by the engine */
  uint64_t n_per_row, n_center;
  spec.per_row = prior_array(L, uv, "per_feature", name, fname, &n_per_row);
  spec.center = prior_array(L, uv, "center", name, fname, &n_center);
  spec.n_per_row = (uint32_t)(n_per_row > UINT32_MAX ? UINT32_MAX : n_per_row);
  spec.n_center = n_center;
  int rc = vfl_net_add_prior(net, name, &spec);
  if (rc) lvfl_engine_error(L, fname, rc);
  lua_settop(L, uv - 1);
}

/* The priors of the layer spec at li (one vfl.prior or a list), to layer `name`. */
static void attach_priors(lua_State *L, vfl_net *net, const char *name, int li, const char *fname) {
  lvfl_pushuv(L, li);
  lua_getfield(L, -1, "prior");
  if (luaL_testudata(L, -1, LVFL_PRIOR)) {
    attach_prior(L, net, name, -1, fname);
  } else if (lua_istable(L, -1)) {
    size_t k = lua_rawlen(L, -1);
    for (size_t i = 1; i <= k; i++) {
      lua_rawgeti(L, -1, (lua_Integer)i);
      attach_prior(L, net, name, -1, fname);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 2);
}

/* ---------------------------------------------------------------- layers */

/* First free name of the form <kind><k>: linear1, linear2, relu1, ... */
static void auto_name(const vfl_net *net, const char *kind, char *buf, size_t size) {
  for (unsigned k = 1;; k++) {
    snprintf(buf, size, "%s%u", kind, k);
    if (vfl_net_layer_find(net, buf) < 0) return;
  }
}

/* Adds the layer spec given as net:stack([name,] layer) or net:add(...). */
static int add_layer(lua_State *L, int stack, const char *fname) {
  lvfl_net *n = lvfl_checknet_idle(L, 1, fname);
  int li = lua_type(L, 2) == LUA_TSTRING ? 3 : 2;
  lvfl_layer *l = lvfl_check(L, li, LVFL_LAYER, fname, li - 1);
  char buf[64];
  const char *name = NULL;
  if (li == 3) {
    name = lua_tostring(L, 2);
  } else {
    lvfl_pushuv(L, li);
    lua_getfield(L, -1, "name");
    name = lua_tostring(L, -1); /* kept alive by the layer's user value */
    lua_pop(L, 2);
    if (!name) {
      auto_name(n->net, l->kind, buf, sizeof buf);
      name = buf;
    }
  }
  int rc = stack ? vfl_net_stack(n->net, name, &l->spec) : vfl_net_add(n->net, name, &l->spec);
  if (rc) return lvfl_engine_error(L, fname, rc);
  lvfl_pushuv(L, li);
  lua_getfield(L, -1, "optim");
  lvfl_optim *o = luaL_testudata(L, -1, LVFL_OPTIM);
  if (o && (rc = vfl_net_set_optim(n->net, name, &o->spec))) return lvfl_engine_error(L, fname, rc);
  lua_pop(L, 2);
  attach_priors(L, n->net, name, li, fname);
  lua_settop(L, 1);
  return 1;
}

static int m_stack(lua_State *L) { return add_layer(L, 1, "net:stack"); }
static int m_add(lua_State *L) { return add_layer(L, 0, "net:add"); }

/* net:wire(from, to) -- from may be a list of names. */
static int m_wire(lua_State *L) {
  const char *fname = "net:wire";
  lvfl_net *n = lvfl_checknet_idle(L, 1, fname);
  if (lua_type(L, 3) != LUA_TSTRING) lvfl_argerror(L, 2, fname, "layer name expected, got %s", lvfl_typename(L, 3));
  const char *to = lua_tostring(L, 3);
  if (lua_istable(L, 2)) {
    size_t k = lua_rawlen(L, 2);
    for (size_t i = 1; i <= k; i++) {
      lua_rawgeti(L, 2, (lua_Integer)i);
      if (lua_type(L, -1) != LUA_TSTRING)
        lvfl_argerror(L, 1, fname, "entry %zu is not a layer name (%s)", i, lvfl_typename(L, -1));
      int rc = vfl_net_wire(n->net, lua_tostring(L, -1), to);
      if (rc) return lvfl_engine_error(L, fname, rc);
      lua_pop(L, 1);
    }
  } else {
    if (lua_type(L, 2) != LUA_TSTRING)
      lvfl_argerror(L, 1, fname, "layer name or list of names expected, got %s", lvfl_typename(L, 2));
    int rc = vfl_net_wire(n->net, lua_tostring(L, 2), to);
    if (rc) return lvfl_engine_error(L, fname, rc);
  }
  lua_settop(L, 1);
  return 1;
}

/* optim_kind: the VFL_OPTIM_* the rows get room for; 0, none named (the
** engine's default). */
static void init_net(lua_State *L, lvfl_net *n, float scale, uint64_t seed, int optim_kind, const char *fname) {
  int rc = optim_kind ? vfl_net_init_for(n->net, scale, seed, optim_kind) : vfl_net_init(n->net, scale, seed);
  if (rc) lvfl_engine_error(L, fname, rc);
}

void lvfl_net_ensure_ready(lua_State *L, int idx, int optim_kind, const char *fname) {
  lvfl_net *n = lua_touserdata(L, idx);
  if (!vfl_net_ready(n->net)) init_net(L, n, -1.0f, 1, optim_kind, fname);
}

/* The kind of the vfl.optim net:init{optim=} names, or 0. */
static int init_optim_kind(lua_State *L, const char *fname) {
  if (!lua_istable(L, 2)) return 0;
  lua_getfield(L, 2, "optim");
  const lvfl_optim *o = luaL_testudata(L, -1, LVFL_OPTIM);
  if (!o && !lua_isnil(L, -1))
    lvfl_error(L, "%s: optim must be a vfl.optim (vfl.optim.sgd{...}), got %s", fname, lvfl_typename(L, -1));
  int kind = o ? o->spec.kind : 0;
  lua_pop(L, 1);
  return kind;
}

/* net:init{scale=, seed=, optim=} -- scale omitted: the engine's automatic
** scale. */
static int m_init(lua_State *L) {
  const char *fname = "net:init";
  static const char *const known[] = {"scale", "seed", "optim", NULL};
  lvfl_net *n = lvfl_checknet_idle(L, 1, fname);
  lvfl_checkopts(L, 2, fname, known);
  double scale = lvfl_optnum(L, 2, "scale", -1.0, fname);
  lua_Integer seed = lvfl_optint(L, 2, "seed", 1, fname, 0, INT64_MAX);
  init_net(L, n, (float)scale, (uint64_t)seed, init_optim_kind(L, fname), fname);
  lua_settop(L, 1);
  return 1;
}

/* ------------------------------------------------------------ parameters */

/* The 0-based block of `layer` given at idx: nil (1), a 1-based number,
** "bias", or a parent's name (block p holds parent p's weights). The
** engine says how many blocks the layer's kind has and which is the bias. */
uint32_t lvfl_block_arg(lua_State *L, const vfl_net *net, const char *layer, int idx, const char *fname) {
  int li = vfl_net_layer_find(net, layer);
  if (li < 0) lvfl_error(L, "%s: the net has no layer called '%s'", fname, layer);
  uint32_t parents[256];
  uint32_t np = vfl_net_layer_parents(net, (uint32_t)li, parents, 256);
  if (lua_isnoneornil(L, idx)) return 0;
  if (lua_type(L, idx) == LUA_TSTRING) {
    const char *b = lua_tostring(L, idx);
    int bias = vfl_net_layer_bias(net, (uint32_t)li);
    if (!strcmp(b, "bias") && bias >= 0) return (uint32_t)bias;
    for (uint32_t p = 0; p < np && p < 256; p++)
      if (!strcmp(vfl_net_layer_name(net, parents[p]), b)) return p;
    lvfl_error(L, "%s: layer '%s' has no block '%s' (blocks are 1..%u, a parent's name%s)", fname, layer, b,
               vfl_net_layer_blocks(net, (uint32_t)li), bias >= 0 ? ", or \"bias\"" : "");
  }
  char what[32];
  snprintf(what, sizeof what, "argument #%d (block)", idx - 1); /* a method: self is 1 */
  return (uint32_t)lvfl_checkint(L, idx, fname, what, 1, 65536) - 1;
}

/* net:params(layer [, block]) -> a view of the weights (lparams.c), rows, cols */
static int m_params(lua_State *L) {
  lvfl_net *n = lvfl_checknet(L, 1, "net:params");
  return lvfl_push_params(L, &n->net, 2, "net:params");
}

/* net:sparsity() -> the fraction of weights (biases aside) that are exactly 0 */
static int m_sparsity(lua_State *L) {
  lvfl_net *n = lvfl_checknet(L, 1, "net:sparsity");
  if (!vfl_net_ready(n->net)) return lvfl_error(L, "net:sparsity: the net is not initialised: call init or learn first");
  lua_pushnumber(L, vfl_net_zero_fraction(n->net));
  return 1;
}

/* net:set_params(layer, block, values) -- values flat or one table per row. */
static int m_set_params(lua_State *L) {
  const char *fname = "net:set_params";
  lvfl_net *n = lvfl_checknet_idle(L, 1, fname);
  if (lua_type(L, 2) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "layer name expected, got %s", lvfl_typename(L, 2));
  const char *layer = lua_tostring(L, 2);
  uint32_t block = lvfl_block_arg(L, n->net, layer, 3, fname);
  uint32_t rows, cols;
  int rc = vfl_net_param_shape(n->net, layer, block, &rows, &cols);
  if (rc) return lvfl_engine_error(L, fname, rc);
  char what[128];
  snprintf(what, sizeof what, "argument #3 (%u x %u values)", rows, cols);
  if (lua_isnoneornil(L, 4)) lvfl_argerror(L, 3, fname, "table expected, got %s", lvfl_typename(L, 4));
  float *buf = floats_from(L, 4, (size_t)rows * cols, fname, what);
  rc = vfl_net_param_set(n->net, layer, block, buf);
  if (rc) return lvfl_engine_error(L, fname, rc);
  lua_settop(L, 1);
  return 1;
}

/* ------------------------------------------------------------ small bits */

static const char *const link_names[] = {"identity", "sigmoid", "softmax", NULL};

const char *lvfl_link_name(int link) { return link >= 0 && link <= 2 ? link_names[link] : "?"; }

static int m_link(lua_State *L) {
  lvfl_net *n = lvfl_checknet(L, 1, "net:link");
  lua_pushstring(L, lvfl_link_name(vfl_net_link(n->net)));
  return 1;
}

static int m_set_link(lua_State *L) {
  const char *fname = "net:set_link";
  lvfl_net *n = lvfl_checknet(L, 1, fname);
  const char *s = lua_tostring(L, 2);
  for (int i = 0; s && link_names[i]; i++)
    if (!strcmp(s, link_names[i])) {
      vfl_net_set_link(n->net, i);
      lua_settop(L, 1);
      return 1;
    }
  return lvfl_argerror(L, 1, fname, "\"identity\", \"sigmoid\" or \"softmax\" expected, got %s",
                       s ? s : lvfl_typename(L, 2));
}

/* net:layers() -> {{name=, kind=, dim=, parents={...}}, ...} */
static int m_layers(lua_State *L) {
  lvfl_net *n = lvfl_checknet(L, 1, "net:layers");
  uint32_t count = vfl_net_layers(n->net);
  lua_createtable(L, (int)count, 0);
  for (uint32_t i = 0; i < count; i++) {
    vfl_layer_spec spec;
    vfl_net_layer_spec(n->net, i, &spec);
    lua_createtable(L, 0, 4);
    lua_pushstring(L, vfl_net_layer_name(n->net, i));
    lua_setfield(L, -2, "name");
    lua_pushstring(L, lvfl_layer_kind(&spec));
    lua_setfield(L, -2, "kind");
    uint32_t dim = vfl_net_layer_dim(n->net, i);
    lua_pushinteger(L, dim ? dim : spec.dim);
    lua_setfield(L, -2, "dim");
    uint32_t parents[256];
    uint32_t np = vfl_net_layer_parents(n->net, i, parents, 256);
    lua_createtable(L, (int)np, 0);
    for (uint32_t p = 0; p < np && p < 256; p++) {
      lua_pushstring(L, vfl_net_layer_name(n->net, parents[p]));
      lua_rawseti(L, -2, (lua_Integer)p + 1);
    }
    lua_setfield(L, -2, "parents");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int m_len(lua_State *L) {
  lvfl_net *n = lua_touserdata(L, 1);
  lua_pushinteger(L, n->closed ? 0 : vfl_net_layers(n->net));
  return 1;
}

static int m_gc(lua_State *L) {
  lvfl_net *n = lua_touserdata(L, 1);
  if (!n->closed) {
    vfl_net_free(n->net);
    n->net = NULL;
    n->closed = 1;
  }
  return 0;
}

static int m_close(lua_State *L) {
  lvfl_net *n = lvfl_check(L, 1, LVFL_NET, "net:close", 0);
  if (n->busy) lvfl_error(L, "net:close: the net is being trained and cannot change until net:learn returns");
  return m_gc(L);
}

/* Methods defined in other files (learn, predict, save) are added there. */
void lvfl_open_net(lua_State *L) {
  static const luaL_Reg methods[] = {{"stack", m_stack},   {"add", m_add},       {"wire", m_wire},
                                     {"init", m_init},     {"params", m_params}, {"set_params", m_set_params},
                                     {"link", m_link},     {"set_link", m_set_link}, {"layers", m_layers},
                                     {"close", m_close},   {"sparsity", m_sparsity}, {NULL, NULL}};
  static const luaL_Reg meta[] = {{"__len", m_len}, {"__tostring", lvfl_net_tostring}, {"__gc", m_gc},
                                  {"__close", m_gc}, {NULL, NULL}};
  lvfl_newclass(L, LVFL_NET, methods, meta, NULL);
  lua_pop(L, 1);
  lua_pushcfunction(L, l_net);
  lua_setfield(L, -2, "net");
}
