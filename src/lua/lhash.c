/*
** lhash.c -- vfl.hash: the hashing trick from Lua, on the engine's stable
** MurmurHash3, so that a feature hashed in a Lua adapter gets the same index
** as one hashed by a C reader, on every platform. Words go through the
** engine's tokenizer (vfl_hash_words, words.c).
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
  int top = lua_gettop(L);
  vfl_words_options wo = {(uint32_t)o->bits, (uint32_t)o->ngrams, o->seed, o->lower, (uint32_t)o->group};
  /* Lua-owned scratch, so that nothing leaks if an allocation raises */
  size_t cap = vfl_hash_words_cap(len, wo.ngrams);
  uint32_t *ids = lua_newuserdata(L, cap * sizeof *ids);
  float *cnt = lua_newuserdata(L, cap * sizeof *cnt);
  size_t nu = vfl_hash_words(s, len, &wo, ids, cnt);
  int ones = 1;
  for (size_t k = 0; k < nu && ones; k++) ones = cnt[k] == 1;
  lvfl_sparse *x = lvfl_sparse_new(L, (uint32_t)nu, !ones);
  memcpy((uint32_t *)x->index, ids, nu * sizeof *ids);
  if (!ones) memcpy((float *)x->value, cnt, nu * sizeof *cnt);
  lua_replace(L, top + 1);
  lua_settop(L, top + 1);
}

static int l_words(lua_State *L) {
  const char *fname = "vfl.hash.words";
  static const char *const known[] = {"bits", "ngrams", "seed", "lower", "group", NULL};
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
  lvfl_push_words(L, s, len, &o);
  return 1;
}

void lvfl_open_hash(lua_State *L) {
  static const luaL_Reg funcs[] = {{"string", l_string}, {"words", l_words}, {"group", l_group}, {NULL, NULL}};
  luaL_newlib(L, funcs);
  lua_setfield(L, -2, "hash");
}
