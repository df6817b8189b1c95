/*
** lhash.c -- vfl.hash: the hashing trick from Lua, on the engine's stable
** MurmurHash3, so that a feature hashed in a Lua adapter gets the same index
** as one hashed by a C reader, on every platform.
**
**   vfl.hash.string(s [, bits [, seed]])  -> 1-based index
**   vfl.hash.words(text, {bits=20, ngrams=1, seed=0, lower=false, group=})
**                                           -> vfl.sparse of token counts
**   vfl.hash.group(group, id)              -> 1-based grouped index
*/
#include <ctype.h>
#include <stdlib.h> /* qsort */
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

static int u32_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Hash of an n-gram: MurmurHash3 of its token hashes as little-endian bytes,
** so that the result does not depend on the machine's byte order. */
static uint32_t ngram_hash(const uint32_t *h, int n, uint32_t seed) {
  unsigned char bytes[4 * 8];
  if (n > 8) n = 8; /* ngrams is at most 8 (checked); this tells the compiler */
  for (int i = 0; i < n; i++)
    for (int k = 0; k < 4; k++) bytes[4 * i + k] = (unsigned char)(h[i] >> (8 * k));
  return vfl_hash_bytes(bytes, (size_t)(4 * n), seed + (uint32_t)n);
}

void lvfl_push_words(lua_State *L, const char *s, size_t len, const lvfl_words_opts *o) {
  int ngrams = o->ngrams, lower = o->lower, group = o->group;
  uint32_t seed = o->seed, mask = group ? 0xFFFFFFu : hash_mask(o->bits);
  int top = lua_gettop(L);
  /* Token hashes, then every n-gram's id, then counts: Lua-owned scratch,
  ** so that nothing leaks if an allocation raises. */
  size_t cap_tok = len / 2 + 1;
  uint32_t *tok = lua_newuserdata(L, cap_tok * sizeof *tok);
  uint32_t *ids = lua_newuserdata(L, cap_tok * (size_t)ngrams * sizeof *ids);
  float *cnt = lua_newuserdata(L, cap_tok * (size_t)ngrams * sizeof *cnt);
  char *word = lua_newuserdata(L, len + 1);
  size_t nt = 0, ni = 0;
  for (size_t i = 0; i < len;) {
    while (i < len && isspace((unsigned char)s[i])) i++;
    size_t start = i;
    while (i < len && !isspace((unsigned char)s[i])) i++;
    if (i == start) break;
    size_t wl = i - start;
    for (size_t k = 0; k < wl; k++) word[k] = lower ? (char)tolower((unsigned char)s[start + k]) : s[start + k];
    tok[nt++] = vfl_hash_bytes(word, wl, seed);
  }
  for (size_t t = 0; t < nt; t++) {
    ids[ni++] = tok[t];
    for (int n = 2; n <= ngrams && t + 1 >= (size_t)n; n++) ids[ni++] = ngram_hash(tok + t + 1 - n, n, seed);
  }
  for (size_t k = 0; k < ni; k++) ids[k] = group ? vfl_group_index((uint32_t)group - 1, ids[k] & mask) : ids[k] & mask;
  qsort(ids, ni, sizeof *ids, u32_cmp);
  /* Repeated ids become counts: runs of the sorted list. */
  size_t nu = 0;
  int ones = 1;
  for (size_t k = 0; k < ni; k++) {
    if (nu && ids[k] == ids[nu - 1]) {
      cnt[nu - 1] += 1;
      ones = 0;
      continue;
    }
    ids[nu] = ids[k];
    cnt[nu++] = 1;
  }
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
