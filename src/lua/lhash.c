/*
** lhash.c -- vfl.hash: the hashing trick from Lua, on the engine's stable
** MurmurHash3, so that a feature hashed in a Lua adapter gets the same index
** as one hashed by a C reader, on every platform. Words go through the
** engine's tokenizer (vfl_words_hash, words.c).
**
**   vfl.hash.string(s [, bits [, seed]])  -> 1-based index
**   vfl.hash.words(text, {bits=20, ngrams=1, seed=0, lower=false, group=})
**                                           -> vfl.sparse of token counts
**   vfl.hash.group(group, id)              -> 1-based grouped index
*/
#include <string.h>

#include "lvfl.h"

static uint32_t hash_mask(int bits) { return bits >= 32 ? 0xFFFFFFFFu : ((uint32_t)1 << bits) - 1; }

static int l_string(lua_State *L) {
  const char *fname = "vfl.hash.string";
  size_t len;
  if (lua_type(L, 1) != LUA_TSTRING && lua_type(L, 1) != LUA_TNUMBER)
    lvfl_argerror(L, 1, fname, "string expected, got %s", lvfl_typename(L, 1));
  const char *s = lua_tolstring(L, 1, &len);
  int bits = lua_isnoneornil(L, 2) ? 32 : (int)lvfl_checkint(L, 2, fname, "argument #2 (bits)", 1, 32);
  uint32_t seed = lua_isnoneornil(L, 3) ? 0 : (uint32_t)lvfl_checkint(L, 3, fname, "argument #3 (seed)", 0, UINT32_MAX);
  uint32_t h = vfl_hash_bytes(s, len, seed) & hash_mask(bits);
  lua_pushinteger(L, (lua_Integer)h + 1);
  return 1;
}

static int l_group(lua_State *L) {
  const char *fname = "vfl.hash.group";
  uint32_t g = (uint32_t)lvfl_checkint(L, 1, fname, "argument #1 (group)", 1, 256);
  uint32_t id = (uint32_t)lvfl_checkint(L, 2, fname, "argument #2 (id)", 0, UINT32_MAX);
  lua_pushinteger(L, (lua_Integer)vfl_group_index(g - 1, id) + 1);
  return 1;
}

void lvfl_push_words(lua_State *L, const char *s, size_t len, const lvfl_words_opts *o) {
  int group = o->group;
  vfl_words_options w = {group ? 24u : (uint32_t)o->bits, (uint32_t)o->ngrams, o->seed, o->minn, o->maxn, o->lower};
  /* The engine's tokenizer (vfl_words_hash) into a buffer freed by the
  ** guard userdata's __gc, so that nothing leaks if the Lua allocation below raises. */
  vfl_feature_buf *b = lvfl_feature_buf(L);
  int rc = vfl_words_hash(&w, s, len, 0, b, o->names ? vfl_names_record : NULL, o->names);
  if (rc) lvfl_engine_error(L, "vfl.hash.words", rc);
  if (group)
    for (uint32_t k = 0; k < b->n; k++) b->index[k] = vfl_group_index((uint32_t)group - 1, b->index[k]);
  vfl_feature_buf_sort(b);
  lvfl_push_feature_buf(L, b);
  lua_remove(L, -2); /* the buffer's guard */
}

static int l_words(lua_State *L) {
  const char *fname = "vfl.hash.words";
  static const char *const known[] = {"bits", "ngrams", "seed", "lower", "group", "minn", "maxn", NULL};
  size_t len;
  if (lua_type(L, 1) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "string expected, got %s", lvfl_typename(L, 1));
  const char *s = lua_tolstring(L, 1, &len);
  lvfl_checkopts(L, 2, fname, known);
  lvfl_words_opts o;
  o.bits = (int)lvfl_optint(L, 2, "bits", 20, fname, 1, 32);
  o.ngrams = (int)lvfl_optint(L, 2, "ngrams", 1, fname, 1, 8);
  o.seed = (uint32_t)lvfl_optint(L, 2, "seed", 0, fname, 0, UINT32_MAX);
  o.lower = lvfl_optbool(L, 2, "lower", 0, fname);
  o.group = (int)lvfl_optint(L, 2, "group", 0, fname, 1, 256);
  lvfl_words_chargrams(L, 2, fname, &o);
  o.names = NULL;
  lvfl_push_words(L, s, len, &o);
  return 1;
}

void lvfl_words_chargrams(lua_State *L, int idx, const char *fname, lvfl_words_opts *o) {
  o->minn = (uint32_t)lvfl_optint(L, idx, "minn", 0, fname, 0, 16);
  o->maxn = (uint32_t)lvfl_optint(L, idx, "maxn", 0, fname, 0, 16);
  if ((o->minn || o->maxn) && !(o->minn >= 1 && o->minn <= o->maxn))
    lvfl_error(L, "%s: minn %u and maxn %u: give 1 <= minn <= maxn <= 16 for character n-grams (or neither)", fname,
               o->minn, o->maxn);
}

static int buf_gc(lua_State *L) {
  vfl_feature_buf_free(lua_touserdata(L, 1));
  return 0;
}

vfl_feature_buf *lvfl_feature_buf(lua_State *L) {
  vfl_feature_buf *b = lua_newuserdata(L, sizeof *b);
  memset(b, 0, sizeof *b);
  if (luaL_newmetatable(L, "vfl.feature_buf")) {
    lua_pushcfunction(L, buf_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return b;
}

void lvfl_open_hash(lua_State *L) {
  static const luaL_Reg funcs[] = {{"string", l_string}, {"words", l_words}, {"group", l_group}, {NULL, NULL}};
  luaL_newlib(L, funcs);
  lua_setfield(L, -2, "hash");
}
