/*
** lexplain.c -- reading a linear text or table model back:
**
**   net:top_features(class [, n = 10])  -> {{feature =, id =, weight =}, ...}
**   net:explain(x [, {class =, n = 10}]) -> {class =, p =, features =
**                                           {{feature =, id =, value =, contribution =}, ...}}
**
** The model must be a sparse input followed by linear layers only (a
** logistic or softmax regression, or fastText's embedding bag pooling by
** any pool but max, then output).
** Feature i's weight for class c is what one unit of feature i adds to
** output c minus the mean over the outputs (softmax is blind to a shift of
** every output), folded through the linear layers; with one output
** (logistic) it is that output's weight, for class 2 (its negative for
** class 1). The features are named through the featurizer's dictionary (kept
** when asked for: vfl.read.fasttext{dictionary = true}, vfl.read.csv
** {keep_names = true}); without one they are hashed ids "#123", and the
** result says so (result.dictionary = false).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lvfl.h"

#define MAX_CHAIN 16

typedef struct chain {
  uint32_t layer[MAX_CHAIN]; /* linear layers, input side first */
  uint32_t n;
  uint32_t input_dim;
  int pool;                  /* the first layer's VFL_POOL_* (a linear layer's: sum) */
} chain;

static void find_chain(lua_State *L, const vfl_net *net, chain *c, const char *fname) {
  uint32_t n_layers = vfl_net_layers(net), at = n_layers - 1, parents[2];
  c->n = 0;
  for (;;) {
    vfl_layer_spec s;
    vfl_net_layer_spec(net, at, &s);
    uint32_t np = vfl_net_layer_parents(net, at, parents, 2);
    if (s.kind == VFL_LAYER_INPUT) {
      if (s.input_kind != VFL_INPUT_SPARSE || c->n == 0) break;
      c->input_dim = s.dim;
      /* reverse: input side first */
      for (uint32_t i = 0; i < c->n / 2; i++) {
        uint32_t t = c->layer[i];
        c->layer[i] = c->layer[c->n - 1 - i];
        c->layer[c->n - 1 - i] = t;
      }
      vfl_net_layer_spec(net, c->layer[0], &s);
      c->pool = s.kind == VFL_LAYER_EMBEDDING ? s.pool : VFL_POOL_SUM;
      return;
    }
    /* an embedding bag pooling by anything but max is linear in its
    ** features (times the row's pool scale), with linear's blocks */
    int bag = s.kind == VFL_LAYER_EMBEDDING && s.pool != VFL_POOL_MAX;
    if ((s.kind != VFL_LAYER_LINEAR && !bag) || np != 1 || c->n == MAX_CHAIN) break;
    c->layer[c->n++] = at;
    at = parents[0];
  }
  lvfl_error(L, "%s: this reads a linear model back: one sparse input, then linear layers only (a logistic or "
                "softmax regression, or fastText's embedding bag); layer '%s' is not part of one",
             fname, vfl_net_layer_name(net, at));
}

/* The class argument (a name of the featurizer's classes, or a 1-based
** output) as a 0-based output, and the sign (-1: class 1 of a one-output model). */
static uint32_t check_class(lua_State *L, const vfl_net *net, int idx, const char *fname, float *sign) {
  const vfl_featurizer *f = vfl_net_featurizer(net);
  uint32_t outs = vfl_net_outputs(net), classes = outs == 1 ? 2 : outs;
  uint32_t c = UINT32_MAX;
  if (lua_type(L, idx) == LUA_TSTRING) {
    const char *name = lua_tostring(L, idx);
    for (uint32_t i = 0; f && i < f->n_classes; i++)
      if (!strcmp(f->classes[i], name)) c = i;
    if (c == UINT32_MAX) lvfl_error(L, "%s: the model has no class named '%s'", fname, name);
  } else {
    c = (uint32_t)lvfl_checkint(L, idx, fname, "argument #1 (class)", 1, classes) - 1;
  }
  *sign = outs == 1 && c == 0 ? -1.0f : 1.0f;
  return outs == 1 ? 0 : c;
}

/* A copy of layer i's weights (block 0, rows x cols), kept on the Lua stack. */
static const float *weights_of(lua_State *L, const vfl_net *net, uint32_t i, uint32_t *rows, uint32_t *cols) {
  const char *name = vfl_net_layer_name(net, i);
  vfl_net_param_shape(net, name, 0, rows, cols);
  float *w = lua_newuserdata(L, (size_t)*rows * *cols * sizeof *w);
  vfl_net_param_get(net, name, 0, w);
  return w;
}

/* u: what a unit of the first linear layer's input row adds to class c,
** folded back through the later layers (rows of dim of the first layer). */
static float *class_direction(lua_State *L, const vfl_net *net, const chain *ch, uint32_t c, float sign,
                              uint32_t *width) {
  uint32_t rows, cols;
  const float *w = weights_of(L, net, ch->layer[ch->n - 1], &rows, &cols);
  float *u = lua_newuserdata(L, rows * sizeof *u);
  for (uint32_t r = 0; r < rows; r++) {
    double mean = 0;
    for (uint32_t k = 0; k < cols; k++) mean += w[(size_t)r * cols + k];
    mean = cols > 1 ? mean / cols : 0;
    u[r] = sign * (float)(w[(size_t)r * cols + c] - mean);
  }
  for (uint32_t l = ch->n - 1; l-- > 1;) { /* the layers between the first and the last: u' = W u */
    uint32_t r2, c2;
    const float *w2 = weights_of(L, net, ch->layer[l], &r2, &c2);
    float *u2 = lua_newuserdata(L, r2 * sizeof *u2);
    for (uint32_t r = 0; r < r2; r++) {
      double s = 0;
      for (uint32_t k = 0; k < c2; k++) s += (double)w2[(size_t)r * c2 + k] * u[k];
      u2[r] = (float)s;
    }
    u = u2;
    rows = r2;
  }
  *width = rows;
  return u;
}

/* Feature row's weight for the class: its row of the first layer times u. */
static float feature_weight(const vfl_net *net, const chain *ch, const float *u, uint32_t width, uint32_t row,
                            float *buf) {
  if (ch->n == 1) return u[row];
  vfl_net_param_row(net, vfl_net_layer_name(net, ch->layer[0]), 0, row, buf);
  double s = 0;
  for (uint32_t k = 0; k < width; k++) s += (double)buf[k] * u[k];
  return (float)s;
}

static void push_feature_name(lua_State *L, const vfl_featurizer *f, uint32_t id) {
  const char *name = vfl_featurizer_name(f, id);
  if (name)
    lua_pushstring(L, name);
  else
    lua_pushfstring(L, "#%d", (int)id + 1);
}

typedef struct best {
  uint32_t id;
  float w;
} best;

/* Keeps the n largest keys in b[0..*have), largest first. */
static void keep(best *b, uint32_t *have, uint32_t n, uint32_t id, float key) {
  uint32_t at;
  if (*have < n)
    at = (*have)++;
  else if (key > b[n - 1].w)
    at = n - 1;
  else
    return;
  while (at > 0 && b[at - 1].w < key) {
    b[at] = b[at - 1];
    at--;
  }
  b[at] = (best){id, key};
}

static void set_dictionary_note(lua_State *L, const vfl_featurizer *f) {
  int named = f && f->n_names;
  lua_pushboolean(L, named);
  lua_setfield(L, -2, "dictionary");
  if (!named) {
    lua_pushliteral(L, "no dictionary: the features are hashed ids (#id, 1-based); keep one with "
                       "vfl.read.fasttext{dictionary = true} or vfl.read.csv{keep_names = true}");
    lua_setfield(L, -2, "note");
  }
}

static int m_top_features(lua_State *L) {
  const char *fname = "net:top_features";
  lvfl_net *n = lvfl_checknet(L, 1, fname);
  if (!vfl_net_ready(n->net)) lvfl_error(L, "%s: the net is not initialised yet", fname);
  chain ch;
  find_chain(L, n->net, &ch, fname);
  float sign;
  uint32_t c = check_class(L, n->net, 2, fname, &sign);
  uint32_t top = lua_isnoneornil(L, 3) ? 10 : (uint32_t)lvfl_checkint(L, 3, fname, "argument #2 (n)", 1, 100000);
  uint32_t width;
  const float *u = class_direction(L, n->net, &ch, c, sign, &width);
  float *row = lua_newuserdata(L, (width ? width : 1) * sizeof *row);
  best *b = lua_newuserdata(L, top * sizeof *b);
  uint32_t have = 0;
  const vfl_featurizer *f = vfl_net_featurizer(n->net);
  if (f && f->n_names) { /* the features seen in training */
    for (uint32_t i = 0; i < f->n_names; i++) {
      uint32_t id = f->name_index[i];
      if (id >= ch.input_dim) continue;
      float w = feature_weight(n->net, &ch, u, width, id, row);
      keep(b, &have, top, id, w);
    }
  } else {
    for (uint32_t id = 0; id < ch.input_dim; id++) {
      float w = feature_weight(n->net, &ch, u, width, id, row);
      keep(b, &have, top, id, w);
    }
  }
  lua_createtable(L, (int)have, 2);
  for (uint32_t j = 0; j < have; j++) {
    lua_createtable(L, 0, 3);
    push_feature_name(L, f, b[j].id);
    lua_setfield(L, -2, "feature");
    lua_pushinteger(L, (lua_Integer)b[j].id + 1);
    lua_setfield(L, -2, "id");
    lua_pushnumber(L, b[j].w);
    lua_setfield(L, -2, "weight");
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  set_dictionary_note(L, f);
  return 1;
}

/* The features of x as net:predict reads them (raw text, a table row, a
** vfl.sparse or a plain table), left on the stack. */
static const lvfl_sparse *explain_input(lua_State *L, const vfl_net *net, int idx, const char *fname) {
  if (lua_type(L, idx) == LUA_TSTRING)
    lvfl_featurize_text(L, net, idx, fname);
  else if (lvfl_is_table_row(net, L, idx))
    lvfl_featurize_row(L, net, idx, fname);
  else
    lua_pushvalue(L, idx);
  return lvfl_tosparse(L, -1, fname, "argument #1");
}

static int m_explain(lua_State *L) {
  const char *fname = "net:explain";
  static const char *const known[] = {"class", "n", NULL};
  lvfl_net *n = lvfl_checknet(L, 1, fname);
  if (!vfl_net_ready(n->net)) lvfl_error(L, "%s: the net is not initialised yet", fname);
  if (lua_isnoneornil(L, 2)) lvfl_argerror(L, 1, fname, "raw text, a table row or a vfl.sparse expected, got no value");
  lvfl_checkopts(L, 3, fname, known);
  uint32_t top = (uint32_t)lvfl_optint(L, 3, "n", 10, fname, 1, 100000);
  chain ch;
  find_chain(L, n->net, &ch, fname);
  lua_settop(L, 3);
  const lvfl_sparse *x = explain_input(L, n->net, 2, fname); /* 4 */
  /* the class: given, else the prediction's best */
  lua_getfield(L, LUA_REGISTRYINDEX, LVFL_NET);
  lua_getfield(L, -1, "methods");
  lua_getfield(L, -1, "predict");
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 4);
  lua_createtable(L, 0, 1);
  lua_pushinteger(L, vfl_net_outputs(n->net) == 1 ? 2 : vfl_net_outputs(n->net));
  lua_setfield(L, -2, "k");
  lua_call(L, 3, 1); /* 7: every class ranked */
  int ranked = lua_gettop(L);
  if (lua_istable(L, 3)) lua_getfield(L, 3, "class");
  else lua_pushnil(L);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_rawgeti(L, ranked, 1);
    lua_getfield(L, -1, "class");
    lua_replace(L, -2);
  }
  int cls = lua_gettop(L);
  float sign;
  uint32_t c = check_class(L, n->net, cls, fname, &sign);
  double p = 0;
  for (lua_Integer j = 1; j <= (lua_Integer)lua_rawlen(L, ranked); j++) {
    lua_rawgeti(L, ranked, j);
    lua_getfield(L, -1, "class");
    if (lua_rawequal(L, -1, cls)) {
      lua_getfield(L, -2, "p");
      p = lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
  }
  uint32_t width;
  const float *u = class_direction(L, n->net, &ch, c, sign, &width);
  float *row = lua_newuserdata(L, (width ? width : 1) * sizeof *row);
  vfl_features picked = {x->n, x->index, x->value};
  double scale = vfl_pool_scale(ch.pool, &picked); /* what the bag multiplies each row by, as in training */
  best *b = lua_newuserdata(L, top * sizeof *b);
  float *contrib = lua_newuserdata(L, (x->n ? x->n : 1) * sizeof *contrib);
  uint32_t have = 0;
  for (uint32_t k = 0; k < x->n; k++) {
    uint32_t id = x->index[k];
    if (id >= ch.input_dim) lvfl_error(L, "%s: feature %u is beyond the model's %u features", fname, id + 1, ch.input_dim);
    float v = x->value ? x->value[k] : 1.0f;
    contrib[k] = (float)(v * scale * feature_weight(n->net, &ch, u, width, id, row));
    keep(b, &have, top, k, fabsf(contrib[k]));
  }
  const vfl_featurizer *f = vfl_net_featurizer(n->net);
  lua_createtable(L, 0, 5);
  lua_pushvalue(L, cls);
  lua_setfield(L, -2, "class");
  lua_pushnumber(L, p);
  lua_setfield(L, -2, "p");
  lua_createtable(L, (int)have, 0);
  for (uint32_t j = 0; j < have; j++) {
    uint32_t k = b[j].id;
    lua_createtable(L, 0, 4);
    push_feature_name(L, f, x->index[k]);
    lua_setfield(L, -2, "feature");
    lua_pushinteger(L, (lua_Integer)x->index[k] + 1);
    lua_setfield(L, -2, "id");
    lua_pushnumber(L, x->value ? x->value[k] : 1.0);
    lua_setfield(L, -2, "value");
    lua_pushnumber(L, contrib[k]);
    lua_setfield(L, -2, "contribution");
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  lua_setfield(L, -2, "features");
  set_dictionary_note(L, f);
  return 1;
}

void lvfl_open_explain(lua_State *L) {
  luaL_getmetatable(L, LVFL_NET);
  lua_getfield(L, -1, "methods");
  lua_pushcfunction(L, m_top_features);
  lua_setfield(L, -2, "top_features");
  lua_pushcfunction(L, m_explain);
  lua_setfield(L, -2, "explain");
  lua_pop(L, 2);
}
