/*
** lread.c -- vfl.read: the engine's file readers, which parse in C straight
** into a dataset; Lua only passes the options through.
**
**   vfl.read.libsvm(path, {dim=, hash_bits=, labels=, input=})
**   vfl.read.csv(path, {sep=, header=, label=, skip=, categorical=,
**                       hash_bits=, input=, allow_short=})
**   vfl.read.vw(path, {hash_bits=, groups="flat"|"order"|"letter", input=})
**   vfl.read.<format>_text(text, {..., name=})  -- the same, from a string
*/
#include <stdio.h>
#include <string.h>

#include "lvfl.h"

static void libsvm_options(lua_State *L, int idx, const char *fname, vfl_libsvm_options *o, const char **name) {
  static const char *const known[] = {"dim", "hash_bits", "labels", "input", "name", NULL};
  lvfl_checkopts(L, idx, fname, known);
  memset(o, 0, sizeof *o);
  o->dim = (uint32_t)lvfl_optint(L, idx, "dim", 0, fname, 0, UINT32_MAX);
  o->hash_bits = (uint32_t)lvfl_optint(L, idx, "hash_bits", 0, fname, 0, 32);
  o->n_labels = (uint32_t)lvfl_optint(L, idx, "labels", 1, fname, 1, 65536);
  o->input = lvfl_optstring(L, idx, "input", NULL, fname);
  if (name) *name = lvfl_optstring(L, idx, "name", "<string>", fname);
}

static int l_libsvm(lua_State *L) {
  const char *fname = "vfl.read.libsvm";
  if (lua_type(L, 1) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "file name expected, got %s", lvfl_typename(L, 1));
  vfl_libsvm_options o;
  libsvm_options(L, 2, fname, &o, NULL);
  vfl_dataset *ds = NULL;
  int rc = vfl_read_libsvm(lua_tostring(L, 1), &o, &ds);
  if (rc) {
    vfl_dataset_free(ds);
    return lvfl_engine_error(L, fname, rc);
  }
  lvfl_pushdataset(L, ds);
  return 1;
}

static int l_libsvm_text(lua_State *L) {
  const char *fname = "vfl.read.libsvm_text";
  size_t len;
  if (lua_type(L, 1) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "string expected, got %s", lvfl_typename(L, 1));
  const char *text = lua_tolstring(L, 1, &len);
  vfl_libsvm_options o;
  const char *name;
  libsvm_options(L, 2, fname, &o, &name);
  vfl_dataset *ds = NULL;
  int rc = vfl_read_libsvm_buffer(text, len, name, &o, &ds);
  if (rc) {
    vfl_dataset_free(ds);
    return lvfl_engine_error(L, fname, rc);
  }
  lvfl_pushdataset(L, ds);
  return 1;
}

/* ------------------------------------------------------------------ CSV */

/* A list of column names or numbers (or one of them) as a C array of
** strings; the strings are anchored in the table at `anchor`. */
static const char *const *column_list(lua_State *L, int opts, const char *key, int anchor, uint32_t *n,
                                      const char *fname) {
  lua_getfield(L, opts, key);
  int t = lua_gettop(L);
  *n = 0;
  if (lua_isnil(L, t)) {
    lua_pop(L, 1);
    return NULL;
  }
  if (lua_type(L, t) == LUA_TSTRING || lua_type(L, t) == LUA_TNUMBER) {
    lua_createtable(L, 1, 0);
    lua_pushvalue(L, t);
    lua_rawseti(L, -2, 1);
    lua_replace(L, t);
  }
  if (!lua_istable(L, t))
    lvfl_error(L, "%s: option '%s' must be a column name or number, or a list of them, got %s", fname, key,
               lvfl_typename(L, t));
  size_t k = lua_rawlen(L, t);
  const char **list = lua_newuserdata(L, (k ? k : 1) * sizeof *list);
  lua_rawseti(L, anchor, (lua_Integer)lua_rawlen(L, anchor) + 1);
  for (size_t i = 0; i < k; i++) {
    lua_rawgeti(L, t, (lua_Integer)i + 1);
    if (lua_type(L, -1) == LUA_TNUMBER) {
      char num[32];
      snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, -1));
      lua_pop(L, 1);
      lua_pushstring(L, num);
    } else if (lua_type(L, -1) != LUA_TSTRING) {
      lvfl_error(L, "%s: option '%s' entry %zu must be a column name or number, got %s", fname, key, i + 1,
                 lvfl_typename(L, -1));
    }
    list[i] = lua_tostring(L, -1);
    lua_rawseti(L, anchor, (lua_Integer)lua_rawlen(L, anchor) + 1); /* keeps the string alive */
  }
  lua_pop(L, 1);
  *n = (uint32_t)k;
  return list;
}

static void csv_options(lua_State *L, int idx, const char *fname, vfl_csv_options *o, const char **name) {
  static const char *const known[] = {"sep",       "header", "label", "skip",        "categorical",
                                      "hash_bits", "input",  "name",  "allow_short", NULL};
  lvfl_checkopts(L, idx, fname, known);
  memset(o, 0, sizeof *o);
  const char *sep = lvfl_optstring(L, idx, "sep", ",", fname);
  if (strlen(sep) != 1) lvfl_error(L, "%s: option 'sep' must be one character, got \"%s\"", fname, sep);
  o->sep = sep[0];
  o->header = lvfl_optbool(L, idx, "header", 0, fname);
  o->allow_short = lvfl_optbool(L, idx, "allow_short", 0, fname);
  o->hash_bits = (uint32_t)lvfl_optint(L, idx, "hash_bits", 0, fname, 0, 31);
  o->input = lvfl_optstring(L, idx, "input", NULL, fname);
  if (name) *name = lvfl_optstring(L, idx, "name", "<string>", fname);
  if (lua_istable(L, idx)) {
    lua_getfield(L, idx, "label");
    if (lua_type(L, -1) == LUA_TSTRING)
      o->label_name = lua_tostring(L, -1); /* anchored by the options table */
    else if (!lua_isnil(L, -1))
      o->label = (uint32_t)lvfl_checkint(L, -1, fname, "option 'label'", 1, UINT32_MAX);
    lua_pop(L, 1);
    lua_newtable(L); /* anchors converted strings until the reader is done */
    int anchor = lua_gettop(L);
    o->skip = column_list(L, idx, "skip", anchor, &o->n_skip, fname);
    o->categorical = column_list(L, idx, "categorical", anchor, &o->n_categorical, fname);
  }
}

static int l_csv(lua_State *L) {
  const char *fname = "vfl.read.csv";
  if (lua_type(L, 1) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "file name expected, got %s", lvfl_typename(L, 1));
  vfl_csv_options o;
  csv_options(L, 2, fname, &o, NULL);
  vfl_dataset *ds = NULL;
  int rc = vfl_read_csv(lua_tostring(L, 1), &o, &ds);
  if (rc) {
    vfl_dataset_free(ds);
    return lvfl_engine_error(L, fname, rc);
  }
  lvfl_pushdataset(L, ds);
  return 1;
}

static int l_csv_text(lua_State *L) {
  const char *fname = "vfl.read.csv_text";
  size_t len;
  if (lua_type(L, 1) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "string expected, got %s", lvfl_typename(L, 1));
  const char *text = lua_tolstring(L, 1, &len);
  vfl_csv_options o;
  const char *name;
  csv_options(L, 2, fname, &o, &name);
  vfl_dataset *ds = NULL;
  int rc = vfl_read_csv_buffer(text, len, name, &o, &ds);
  if (rc) {
    vfl_dataset_free(ds);
    return lvfl_engine_error(L, fname, rc);
  }
  lvfl_pushdataset(L, ds);
  return 1;
}

/* ------------------------------------------------------------ Vowpal Wabbit */

static void vw_options(lua_State *L, int idx, const char *fname, vfl_vw_options *o, const char **name) {
  static const char *const known[] = {"hash_bits", "groups", "input", "name", NULL};
  lvfl_checkopts(L, idx, fname, known);
  memset(o, 0, sizeof *o);
  o->hash_bits = (uint32_t)lvfl_optint(L, idx, "hash_bits", 0, fname, 0, 31);
  const char *g = lvfl_optstring(L, idx, "groups", "flat", fname);
  if (!strcmp(g, "flat"))
    o->groups = VFL_VW_FLAT;
  else if (!strcmp(g, "order"))
    o->groups = VFL_VW_GROUP_ORDER;
  else if (!strcmp(g, "letter"))
    o->groups = VFL_VW_GROUP_LETTER;
  else
    lvfl_error(L, "%s: option 'groups' must be \"flat\", \"order\" or \"letter\", got \"%s\"", fname, g);
  o->input = lvfl_optstring(L, idx, "input", NULL, fname);
  if (name) *name = lvfl_optstring(L, idx, "name", "<string>", fname);
}

static int l_vw(lua_State *L) {
  const char *fname = "vfl.read.vw";
  if (lua_type(L, 1) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "file name expected, got %s", lvfl_typename(L, 1));
  vfl_vw_options o;
  vw_options(L, 2, fname, &o, NULL);
  vfl_dataset *ds = NULL;
  int rc = vfl_read_vw(lua_tostring(L, 1), &o, &ds);
  if (rc) {
    vfl_dataset_free(ds);
    return lvfl_engine_error(L, fname, rc);
  }
  lvfl_pushdataset(L, ds);
  return 1;
}

static int l_vw_text(lua_State *L) {
  const char *fname = "vfl.read.vw_text";
  size_t len;
  if (lua_type(L, 1) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "string expected, got %s", lvfl_typename(L, 1));
  const char *text = lua_tolstring(L, 1, &len);
  vfl_vw_options o;
  const char *name;
  vw_options(L, 2, fname, &o, &name);
  vfl_dataset *ds = NULL;
  int rc = vfl_read_vw_buffer(text, len, name, &o, &ds);
  if (rc) {
    vfl_dataset_free(ds);
    return lvfl_engine_error(L, fname, rc);
  }
  lvfl_pushdataset(L, ds);
  return 1;
}

void lvfl_open_read(lua_State *L) {
  static const luaL_Reg funcs[] = {{"libsvm", l_libsvm}, {"libsvm_text", l_libsvm_text}, {"csv", l_csv},
                                   {"csv_text", l_csv_text}, {"vw", l_vw},             {"vw_text", l_vw_text},
                                   {NULL, NULL}};
  luaL_newlib(L, funcs);
  lua_setfield(L, -2, "read");
}
