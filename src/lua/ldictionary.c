/*
** ldictionary.c -- the dictionary of a featurizer from Lua (vfl.dictionary):
** feature ids and the names first seen for them, kept only when asked for
** (vfl.read.fasttext{dictionary = true}, vfl.read.csv{keep_names = true}).
** One userdata block holds the ids, the pointers and the text, so that a
** dictionary of a million n-grams is one object, not a Lua table.
**
**   #dict                 number of names
**   dict[i]               the name of feature i (1-based), or nil
*/
#include <string.h>

#include "lvfl.h"

#define LVFL_DICTIONARY "vfl.dictionary"

typedef struct lvfl_dict {
  uint32_t n;
  uint32_t *index;     /* 0-based feature ids, ascending */
  const char **name;
} lvfl_dict;

void lvfl_push_dictionary(lua_State *L, uint32_t n, const uint32_t *index, const char *const *name) {
  size_t text = 0;
  for (uint32_t i = 0; i < n; i++) text += strlen(name[i]) + 1;
  size_t size = sizeof(lvfl_dict) + (size_t)n * (sizeof(char *) + sizeof(uint32_t)) + text;
  lvfl_dict *d = lua_newuserdata(L, size);
  d->n = n;
  d->name = (const char **)(d + 1);
  d->index = (uint32_t *)(d->name + n);
  char *t = (char *)(d->index + n);
  for (uint32_t i = 0; i < n; i++) {
    size_t l = strlen(name[i]) + 1;
    memcpy(t, name[i], l);
    d->name[i] = t;
    d->index[i] = index[i];
    t += l;
  }
  luaL_setmetatable(L, LVFL_DICTIONARY);
}

void lvfl_push_names(lua_State *L, const vfl_names *names) {
  uint32_t n = vfl_names_count(names);
  uint32_t *index = lua_newuserdata(L, (n ? n : 1) * sizeof *index);
  const char **name = lua_newuserdata(L, (n ? n : 1) * sizeof *name);
  vfl_names_list(names, index, name);
  lvfl_push_dictionary(L, n, index, name);
  lua_replace(L, -3);
  lua_pop(L, 1);
}

int lvfl_todictionary(lua_State *L, int idx, uint32_t *n, const uint32_t **index, const char *const **name) {
  lvfl_dict *d = luaL_testudata(L, idx, LVFL_DICTIONARY);
  if (!d) return 0;
  *n = d->n;
  *index = d->index;
  *name = d->name;
  return 1;
}

static int d_len(lua_State *L) {
  lvfl_dict *d = luaL_checkudata(L, 1, LVFL_DICTIONARY);
  lua_pushinteger(L, d->n);
  return 1;
}

static int d_index(lua_State *L) {
  lvfl_dict *d = luaL_checkudata(L, 1, LVFL_DICTIONARY);
  if (!lua_isinteger(L, 2)) return lua_pushnil(L), 1;
  lua_Integer id = lua_tointeger(L, 2) - 1;
  vfl_featurizer f = {0};
  f.n_names = d->n, f.name_index = d->index, f.names = d->name;
  const char *s = id >= 0 && id <= UINT32_MAX ? vfl_featurizer_name(&f, (uint32_t)id) : NULL;
  if (s)
    lua_pushstring(L, s);
  else
    lua_pushnil(L);
  return 1;
}

static int d_tostring(lua_State *L) {
  lvfl_dict *d = luaL_checkudata(L, 1, LVFL_DICTIONARY);
  lua_pushfstring(L, "vfl.dictionary (%d feature names)", (int)d->n);
  return 1;
}

static int names_gc(lua_State *L) {
  vfl_names **n = lua_touserdata(L, 1);
  vfl_names_free(*n);
  *n = NULL;
  return 0;
}

vfl_names *lvfl_names_guard(lua_State *L) {
  vfl_names **n = lua_newuserdata(L, sizeof *n);
  *n = NULL;
  if (luaL_newmetatable(L, "vfl.names_guard")) {
    lua_pushcfunction(L, names_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  if (!(*n = vfl_names_new())) lvfl_engine_error(L, "vfl.names", VFL_ENOMEM);
  return *n;
}

void lvfl_open_dictionary(lua_State *L) {
  luaL_newmetatable(L, LVFL_DICTIONARY);
  lua_pushcfunction(L, d_len);
  lua_setfield(L, -2, "__len");
  lua_pushcfunction(L, d_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, d_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
}
