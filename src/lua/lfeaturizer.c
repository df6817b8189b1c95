/*
** lfeaturizer.c -- a net's featurizer from Lua: the hashing settings of
** its text and the names of its classes, saved in the model file.
**
**   net:set_featurizer{kind = "words", bits =, ngrams =, seed =, lower =,
**                      label = "__label__", classes = {"a", "b", ...}}
**   net:featurizer()  -> that table, or nil
**
** The one rule for class ids: classes[i] (1-based) is output i of
** net:predict and label i - 1 of the engine's 0-based class labels
** (vfl.losses.multinomial); a one-output (logistic) model with two classes
** gives the probability of classes[2].
*/
#include <string.h>

#include "lvfl.h"

static const char *const kinds[] = {"none", "words", NULL};

void lvfl_push_featurizer(lua_State *L, const vfl_featurizer *f) {
  lua_createtable(L, 0, 8);
  lua_pushstring(L, kinds[f->kind]);
  lua_setfield(L, -2, "kind");
  if (f->kind == VFL_FEATURIZE_WORDS) {
    lua_pushinteger(L, f->bits);
    lua_setfield(L, -2, "bits");
    lua_pushinteger(L, f->ngrams);
    lua_setfield(L, -2, "ngrams");
    lua_pushinteger(L, f->seed);
    lua_setfield(L, -2, "seed");
    lua_pushboolean(L, f->lower);
    lua_setfield(L, -2, "lower");
  }
  if (f->label_prefix) {
    lua_pushstring(L, f->label_prefix);
    lua_setfield(L, -2, "label");
  }
  lua_createtable(L, (int)f->n_classes, 0);
  for (uint32_t i = 0; i < f->n_classes; i++) {
    lua_pushstring(L, f->classes[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "classes");
}

void lvfl_check_featurizer(lua_State *L, int idx, const char *fname, vfl_featurizer *f) {
  static const char *const known[] = {"kind", "bits", "ngrams", "seed", "lower", "label", "classes", NULL};
  idx = lua_absindex(L, idx);
  if (!lua_istable(L, idx)) lvfl_argerror(L, 1, fname, "featurizer table expected, got %s", lvfl_typename(L, idx));
  lvfl_checkopts(L, idx, fname, known);
  memset(f, 0, sizeof *f);
  const char *kind = lvfl_optstring(L, idx, "kind", "words", fname);
  f->kind = -1;
  for (int k = 0; kinds[k]; k++)
    if (!strcmp(kind, kinds[k])) f->kind = k;
  if (f->kind < 0) lvfl_error(L, "%s: unknown featurizer kind '%s' (words or none)", fname, kind);
  f->bits = (uint32_t)lvfl_optint(L, idx, "bits", 20, fname, 1, 32);
  f->ngrams = (uint32_t)lvfl_optint(L, idx, "ngrams", 1, fname, 1, 8);
  f->seed = (uint32_t)lvfl_optint(L, idx, "seed", 0, fname, 0, UINT32_MAX);
  f->lower = lvfl_optbool(L, idx, "lower", 0, fname);
  f->label_prefix = lvfl_optstring(L, idx, "label", NULL, fname);
  lua_getfield(L, idx, "classes");
  if (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1)) lvfl_error(L, "%s: option 'classes' must be a list of names", fname);
    size_t n = lua_rawlen(L, -1);
    const char **names = lua_newuserdata(L, (n + 1) * sizeof *names);
    for (size_t i = 0; i < n; i++) {
      lua_rawgeti(L, -2, (lua_Integer)i + 1);
      if (lua_type(L, -1) != LUA_TSTRING)
        lvfl_error(L, "%s: classes[%zu] must be a string, got %s", fname, i + 1, lvfl_typename(L, -1));
      names[i] = lua_tostring(L, -1); /* anchored by the classes table */
      lua_pop(L, 1);
    }
    f->n_classes = (uint32_t)n;
    f->classes = names; /* the userdata stays on the caller's stack */
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
}

static int m_set_featurizer(lua_State *L) {
  const char *fname = "net:set_featurizer";
  lvfl_net *n = lvfl_checknet_idle(L, 1, fname);
  int rc;
  if (lua_isnoneornil(L, 2)) {
    rc = vfl_net_set_featurizer(n->net, NULL);
  } else {
    vfl_featurizer f;
    lvfl_check_featurizer(L, 2, fname, &f);
    rc = vfl_net_set_featurizer(n->net, &f);
  }
  if (rc) return lvfl_engine_error(L, fname, rc);
  lua_settop(L, 1);
  return 1;
}

static int m_featurizer(lua_State *L) {
  lvfl_net *n = lvfl_checknet(L, 1, "net:featurizer");
  const vfl_featurizer *f = vfl_net_featurizer(n->net);
  if (!f) return lua_pushnil(L), 1;
  lvfl_push_featurizer(L, f);
  return 1;
}

void lvfl_featurize_text(lua_State *L, const vfl_net *net, int idx, const char *fname) {
  const vfl_featurizer *f = vfl_net_featurizer(net);
  if (!f || f->kind != VFL_FEATURIZE_WORDS)
    lvfl_error(L, "%s: the model has no text featurizer, so it cannot read raw text (train it from "
                  "vfl.read.fasttext, or give it one with net:set_featurizer)", fname);
  size_t len;
  const char *s = lua_tolstring(L, idx, &len);
  lvfl_words_opts o = {(int)f->bits, (int)f->ngrams, f->lower, 0, f->seed};
  lvfl_push_words(L, s, len, &o);
}

void lvfl_push_ranked(lua_State *L, const vfl_net *net, const float *out, uint32_t n_out, uint32_t k) {
  const vfl_featurizer *f = vfl_net_featurizer(net);
  uint32_t n = n_out == 1 ? 2 : n_out; /* one logistic output: two classes */
  if (k > n) k = n;
  uint32_t *classes = lua_newuserdata(L, (k ? k : 1) * sizeof *classes);
  float *probs = lua_newuserdata(L, (k ? k : 1) * sizeof *probs);
  k = vfl_rank_outputs(out, n_out, k, classes, probs); /* the engine's order, as the C inference API's */
  lua_createtable(L, (int)k, 0);
  for (uint32_t j = 0; j < k; j++) {
    lua_createtable(L, 0, 2);
    if (f && f->n_classes == n)
      lua_pushstring(L, f->classes[classes[j]]);
    else
      lua_pushinteger(L, (lua_Integer)classes[j] + 1);
    lua_setfield(L, -2, "class");
    lua_pushnumber(L, probs[j]);
    lua_setfield(L, -2, "p");
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  lua_replace(L, -3);
  lua_pop(L, 1);
}

void lvfl_open_featurizer(lua_State *L) {
  luaL_getmetatable(L, LVFL_NET);
  lua_getfield(L, -1, "methods");
  lua_pushcfunction(L, m_set_featurizer);
  lua_setfield(L, -2, "set_featurizer");
  lua_pushcfunction(L, m_featurizer);
  lua_setfield(L, -2, "featurizer");
  lua_pop(L, 2);
}
