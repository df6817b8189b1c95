/*
** lfeaturizer.c -- a net's featurizer from Lua: the hashing settings of
** its text and the names of its classes, saved in the model file.
**
**   net:set_featurizer{kind = "words", bits =, ngrams =, seed =, lower =,
**                      minn =, maxn =, label = "__label__",
**                      classes = {"a", "b", ...}, names = <dictionary>}
**   net:set_featurizer{kind = "table", bits =, columns = {{name =, kind =}},
**                      classes =, names =}  (vfl.read.csv's ds.featurizer)
**   net:featurizer()  -> that table, or nil
**
** The one rule for class ids: classes[i] (1-based) is output i of
** net:predict and label i - 1 of the engine's 0-based class labels
** (vfl.losses.multinomial); a one-output (logistic) model with two classes
** gives the probability of classes[2].
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvfl.h"

static const char *const kinds[] = {"none", "words", "table", "vw", NULL};
static const char *const column_kinds[] = {"skip", "numeric", "categorical", "text", "label", NULL};

static void set_int(lua_State *L, const char *key, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, key);
}

static void push_columns(lua_State *L, const vfl_featurizer *f) {
  lua_createtable(L, (int)f->n_columns, 0);
  for (uint32_t k = 0; k < f->n_columns; k++) {
    lua_createtable(L, 0, 2);
    lua_pushstring(L, f->columns[k].name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, column_kinds[f->columns[k].kind]);
    lua_setfield(L, -2, "kind");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "columns");
}

void lvfl_push_featurizer(lua_State *L, const vfl_featurizer *f) {
  lua_createtable(L, 0, 12);
  lua_pushstring(L, kinds[f->kind]);
  lua_setfield(L, -2, "kind");
  if (f->kind != VFL_FEATURIZE_NONE) {
    set_int(L, "bits", f->bits);
    set_int(L, "ngrams", f->ngrams);
    set_int(L, "seed", f->seed);
    lua_pushboolean(L, f->lower);
    lua_setfield(L, -2, "lower");
    if (f->maxn) {
      set_int(L, "minn", f->minn);
      set_int(L, "maxn", f->maxn);
    }
  }
  if (f->n_columns) push_columns(L, f);
  if (f->n_names) {
    lvfl_push_dictionary(L, f->n_names, f->name_index, f->names);
    lua_setfield(L, -2, "names");
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

static int find_kind(const char *const *list, const char *s) {
  for (int k = 0; list[k]; k++)
    if (!strcmp(s, list[k])) return k;
  return -1;
}

/* columns = {{name =, kind =}, ...} into a userdata left on the stack. */
static void check_columns(lua_State *L, int idx, const char *fname, vfl_featurizer *f) {
  lua_getfield(L, idx, "columns");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  if (!lua_istable(L, -1)) lvfl_error(L, "%s: option 'columns' must be a list of {name =, kind =}", fname);
  size_t n = lua_rawlen(L, -1);
  vfl_column *cols = lua_newuserdata(L, (n ? n : 1) * sizeof *cols);
  for (size_t k = 0; k < n; k++) {
    lua_rawgeti(L, -2, (lua_Integer)k + 1);
    if (!lua_istable(L, -1)) lvfl_error(L, "%s: columns[%zu] must be a table {name =, kind =}", fname, k + 1);
    lua_getfield(L, -1, "name");
    lua_getfield(L, -2, "kind");
    const char *kind = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    cols[k].kind = find_kind(column_kinds, kind);
    if (lua_type(L, -2) != LUA_TSTRING || cols[k].kind < 0)
      lvfl_error(L, "%s: columns[%zu] needs a string name and a kind (skip, numeric, categorical, text or label)",
                 fname, k + 1);
    cols[k].name = lua_tostring(L, -2); /* anchored by the columns table */
    lua_pop(L, 3);
  }
  f->n_columns = (uint32_t)n;
  f->columns = cols;
  lua_remove(L, -2); /* the userdata stays, the columns table is the caller's */
}

void lvfl_check_featurizer(lua_State *L, int idx, const char *fname, vfl_featurizer *f) {
  static const char *const known[] = {"kind", "bits", "ngrams", "seed", "lower", "label", "classes", "minn", "maxn",
                                      "columns", "names", NULL};
  idx = lua_absindex(L, idx);
  if (!lua_istable(L, idx)) lvfl_argerror(L, 1, fname, "featurizer table expected, got %s", lvfl_typename(L, idx));
  lvfl_checkopts(L, idx, fname, known);
  memset(f, 0, sizeof *f);
  const char *kind = lvfl_optstring(L, idx, "kind", "words", fname);
  f->kind = find_kind(kinds, kind);
  if (f->kind < 0) lvfl_error(L, "%s: unknown featurizer kind '%s' (words, table, vw or none)", fname, kind);
  f->bits = (uint32_t)lvfl_optint(L, idx, "bits", 20, fname, 1, 32);
  f->ngrams = (uint32_t)lvfl_optint(L, idx, "ngrams", 1, fname, 1, 8);
  f->seed = (uint32_t)lvfl_optint(L, idx, "seed", 0, fname, 0, UINT32_MAX);
  f->lower = lvfl_optbool(L, idx, "lower", 0, fname);
  f->minn = (uint32_t)lvfl_optint(L, idx, "minn", 0, fname, 0, 16);
  f->maxn = (uint32_t)lvfl_optint(L, idx, "maxn", 0, fname, 0, 16);
  f->label_prefix = lvfl_optstring(L, idx, "label", NULL, fname);
  lua_getfield(L, idx, "names");
  if (!lua_isnil(L, -1) && !lvfl_todictionary(L, -1, &f->n_names, &f->name_index, &f->names))
    lvfl_error(L, "%s: option 'names' must be a dictionary (a featurizer's names), got %s", fname, lvfl_typename(L, -1));
  lua_pop(L, 1); /* anchored by the caller's table */
  check_columns(L, idx, fname, f);
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

void lvfl_dataset_keep_featurizer(lua_State *L, int idx, const vfl_featurizer *f) {
  if (!f) return;
  idx = lua_absindex(L, idx);
  lvfl_pushuv(L, idx);
  lvfl_push_featurizer(L, f);
  if (f->n_classes) {
    lua_getfield(L, -1, "classes");
    lua_setfield(L, -3, "classes");
  }
  lua_setfield(L, -2, "featurizer");
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

void lvfl_push_feature_buf(lua_State *L, const vfl_feature_buf *b) {
  int ones = 1;
  for (uint32_t k = 0; k < b->n && ones; k++) ones = b->value[k] == 1.0f;
  lvfl_sparse *x = lvfl_sparse_new(L, b->n, !ones);
  if (b->n) memcpy((uint32_t *)x->index, b->index, b->n * sizeof *b->index); /* an empty text: no buffer yet */
  if (!ones) memcpy((float *)x->value, b->value, b->n * sizeof *b->value);
}

static void featurize_text(lua_State *L, const vfl_featurizer *f, int idx, const char *fname) {
  size_t len;
  const char *s = lua_tolstring(L, idx, &len);
  vfl_feature_buf *b = lvfl_feature_buf(L);
  int rc = vfl_featurize_text(f, s, len, b);
  if (rc) lvfl_engine_error(L, fname, rc);
  lvfl_push_feature_buf(L, b);
  lua_remove(L, -2);
}

void lvfl_featurize_text(lua_State *L, const vfl_net *net, int idx, const char *fname) {
  const vfl_featurizer *f = vfl_net_featurizer(net);
  if (!f || (f->kind != VFL_FEATURIZE_WORDS && f->kind != VFL_FEATURIZE_VW))
    lvfl_error(L, "%s: the model has no text featurizer, so it cannot read raw text (train it from "
                  "vfl.read.fasttext, or give it one with net:set_featurizer)", fname);
  featurize_text(L, f, idx, fname);
}

int lvfl_is_table_row(const vfl_net *net, lua_State *L, int idx) {
  const vfl_featurizer *f = vfl_net_featurizer(net);
  if (!f || f->kind != VFL_FEATURIZE_TABLE || !lua_istable(L, idx)) return 0;
  lua_getfield(L, idx, "features");
  int features = !lua_isnil(L, -1);
  lua_pop(L, 1);
  return !features; /* a dataset row {features = ...} is not a table row */
}

/* The text of value v of column k: numbers for numeric columns, strings for
** categorical and text ones (a number where a name is expected is refused:
** 5 and "05" are different categories). */
static const char *field_text(lua_State *L, const vfl_featurizer *f, const char *name, const char *fname) {
  int t = lua_type(L, -1);
  int kind = -1;
  for (uint32_t k = 0; k < f->n_columns; k++)
    if (!strcmp(f->columns[k].name, name)) kind = f->columns[k].kind;
  if (kind == VFL_COLUMN_NUMERIC) {
    if (t != LUA_TNUMBER) lvfl_error(L, "%s: column '%s' is numeric: give a number, got %s", fname, name, lvfl_typename(L, -1));
    lua_Number x = lua_tonumber(L, -1);
    if (x != x) lvfl_error(L, "%s: column '%s' is NaN (leave it out for a missing value)", fname, name);
    char num[40];
    snprintf(num, sizeof num, "%.17g", (double)x);
    lua_pushstring(L, num);
    lua_replace(L, -2);
  } else if (kind == VFL_COLUMN_CATEGORICAL || kind == VFL_COLUMN_TEXT) {
    if (t != LUA_TSTRING)
      lvfl_error(L, "%s: column '%s' is %s: give a string (as written in the file), got %s", fname, name,
                 kind == VFL_COLUMN_TEXT ? "text" : "categorical", lvfl_typename(L, -1));
  } else if (t != LUA_TSTRING && t != LUA_TNUMBER) {
    lvfl_error(L, "%s: column '%s' must be a number or a string, got %s", fname, name, lvfl_typename(L, -1));
  }
  return lua_tostring(L, -1);
}

static void featurize_row(lua_State *L, const vfl_featurizer *f, int idx, const char *fname) {
  idx = lua_absindex(L, idx);
  uint32_t n = 0;
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) n++;
  const char **names = lua_newuserdata(L, (n ? n : 1) * sizeof *names);
  const char **values = lua_newuserdata(L, (n ? n : 1) * sizeof *values);
  lua_newtable(L); /* anchors the converted values */
  int anchor = lua_gettop(L);
  uint32_t i = 0;
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING)
      lvfl_error(L, "%s: a table row names its columns ({age = 41, city = \"Oslo\"}), got a %s key", fname,
                 lvfl_typename(L, -2));
    names[i] = lua_tostring(L, -2);
    lua_pushvalue(L, -1);
    values[i] = field_text(L, f, names[i], fname);
    lua_rawseti(L, anchor, (lua_Integer)i + 1);
    i++;
  }
  vfl_feature_buf *b = lvfl_feature_buf(L);
  int rc = vfl_featurize_row(f, names, values, n, b);
  if (rc) lvfl_error(L, "%s: %s", fname, vfl_last_error());
  lvfl_push_feature_buf(L, b);
  lua_replace(L, anchor - 2);
  lua_settop(L, anchor - 2);
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

void lvfl_featurize_row(lua_State *L, const vfl_net *net, int idx, const char *fname) {
  featurize_row(L, vfl_net_featurizer(net), idx, fname);
}

/* vfl.features{...}: a featurizer table, checked by the engine and
** completed with its defaults, for net:set_featurizer and vfl.featurize. */
static int l_features(lua_State *L) {
  const char *fname = "vfl.features";
  vfl_featurizer f;
  lvfl_check_featurizer(L, 1, fname, &f);
  if (vfl_featurizer_check(&f)) lvfl_error(L, "%s: %s", fname, vfl_last_error());
  lvfl_push_featurizer(L, &f);
  return 1;
}

/* vfl.featurize(featurizer, x): the vfl.sparse of raw text (words) or of a
** table row {column = value} (table), as a model with that featurizer reads
** it; for Lua adapters: emit{label = y, features = vfl.featurize(f, row)}. */
static int l_featurize(lua_State *L) {
  const char *fname = "vfl.featurize";
  vfl_featurizer f;
  lvfl_check_featurizer(L, 1, fname, &f);
  if (vfl_featurizer_check(&f)) lvfl_error(L, "%s: %s", fname, vfl_last_error());
  if ((f.kind == VFL_FEATURIZE_WORDS || f.kind == VFL_FEATURIZE_VW) && lua_type(L, 2) == LUA_TSTRING)
    featurize_text(L, &f, 2, fname);
  else if (f.kind == VFL_FEATURIZE_TABLE && lua_istable(L, 2))
    featurize_row(L, &f, 2, fname);
  else
    lvfl_argerror(L, 2, fname, "%s expected for a featurizer of kind %s, got %s",
                  f.kind == VFL_FEATURIZE_TABLE ? "a table row {column = value}" : "a string",
                  kinds[f.kind], lvfl_typename(L, 2));
  return 1;
}

void lvfl_open_featurizer(lua_State *L) {
  lua_pushcfunction(L, l_features);
  lua_setfield(L, -2, "features");
  lua_pushcfunction(L, l_featurize);
  lua_setfield(L, -2, "featurize");
  luaL_getmetatable(L, LVFL_NET);
  lua_getfield(L, -1, "methods");
  lua_pushcfunction(L, m_set_featurizer);
  lua_setfield(L, -2, "set_featurizer");
  lua_pushcfunction(L, m_featurizer);
  lua_setfield(L, -2, "featurizer");
  lua_pop(L, 2);
}
