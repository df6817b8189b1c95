/*
** lsparse.c -- vfl.sparse: one observation's features as a sparse vector.
**
** Lua sees 1-based feature indices; the userdata stores the engine's 0-based
** ones, sorted, so that handing a vector to the engine copies nothing and
** x[i] is a binary search. Values that are all 1 are not stored at all
** (indicator features), as in the dataset.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvfl.h"

#define MAX_INDEX 4294967296.0 /* 1-based Lua index of the engine's 0xFFFFFFFF */

/* The owned arrays live right after the struct, 8-byte aligned. */
lvfl_sparse *lvfl_sparse_new(lua_State *L, uint32_t n, int with_values) {
  size_t head = (sizeof(lvfl_sparse) + 7) & ~(size_t)7;
  size_t size = head + (size_t)n * sizeof(uint32_t) + (with_values ? (size_t)n * sizeof(float) : 0);
  lvfl_sparse *x = lvfl_newobject(L, size, LVFL_SPARSE);
  x->n = n;
  x->flags = LVFL_SPARSE_OWNED | LVFL_SPARSE_SORTED;
  x->live = 1;
  x->index = (const uint32_t *)((char *)x + head);
  x->value = with_values ? (const float *)(x->index + n) : NULL;
  return x;
}

lvfl_sparse *lvfl_sparse_borrowed(lua_State *L) {
  lvfl_sparse *x = lvfl_newobject(L, sizeof *x, LVFL_SPARSE);
  x->flags = 0;
  x->live = 0;
  return x;
}

void lvfl_sparse_checklive(lua_State *L, const lvfl_sparse *x, const char *fname) {
  if (!x->live)
    lvfl_error(L, "%s: this vfl.sparse is a view of a training row's features and is only valid inside the loss "
                  "function (copy it with x:copy())", fname);
}

static lvfl_sparse *check_sparse(lua_State *L, int idx, const char *fname) {
  lvfl_sparse *x = lvfl_check(L, idx, LVFL_SPARSE, fname, idx == 1 ? 0 : idx - 1);
  lvfl_sparse_checklive(L, x, fname);
  return x;
}

typedef struct pair {
  uint32_t index;
  float value;
} pair;

static int pair_cmp(const void *a, const void *b) {
  uint32_t x = ((const pair *)a)->index, y = ((const pair *)b)->index;
  return (x > y) - (x < y);
}

/* Sorts x's arrays by index when they are not sorted already, then rejects
** repeated indices (which would silently add up in a linear layer). */
static void sort_and_check(lua_State *L, lvfl_sparse *x, const char *fname, const char *where) {
  uint32_t *index = (uint32_t *)x->index;
  float *value = (float *)x->value;
  int sorted = 1;
  for (uint32_t j = 1; j < x->n && sorted; j++) sorted = index[j - 1] < index[j];
  if (!sorted) {
    pair *tmp = malloc((size_t)x->n * sizeof *tmp);
    if (!tmp) lvfl_error(L, "%s: out of memory", fname);
    for (uint32_t j = 0; j < x->n; j++) {
      tmp[j].index = index[j];
      tmp[j].value = value ? value[j] : 1.0f;
    }
    qsort(tmp, x->n, sizeof *tmp, pair_cmp);
    for (uint32_t j = 0; j < x->n; j++) {
      index[j] = tmp[j].index;
      if (value) value[j] = tmp[j].value;
    }
    free(tmp);
  }
  for (uint32_t j = 1; j < x->n; j++)
    if (index[j - 1] == index[j])
      lvfl_error(L, "%s: %s: index %.0f appears twice", fname, where, (double)index[j] + 1);
}

/* Reads the Lua index at idx, checked, as a 0-based engine index. Messages
** read "fname: where: index 0 is out of range ...", where names the
** argument or the row field; pos adds " at position k" for index lists. */
static uint32_t read_index(lua_State *L, int idx, const char *fname, const char *where, const char *pos) {
  if (lua_type(L, idx) != LUA_TNUMBER) {
    if (lua_type(L, idx) == LUA_TSTRING)
      lvfl_error(L, "%s: %s: key '%s'%s is not a feature index (indices are integers from 1 to 2^32)", fname, where,
                 lua_tostring(L, idx), pos);
    lvfl_error(L, "%s: %s: a %s key%s is not a feature index (indices are integers from 1 to 2^32)", fname, where,
               lvfl_typename(L, idx), pos);
  }
  double d = (double)lua_tonumber(L, idx);
  if (d != floor(d)) lvfl_error(L, "%s: %s: index %g%s is not an integer", fname, where, d, pos);
  if (d < 1)
    lvfl_error(L, "%s: %s: index %.0f%s is out of range (feature indices start at 1)", fname, where, d, pos);
  if (d > MAX_INDEX) lvfl_error(L, "%s: %s: index %.0f%s is above 2^32", fname, where, d, pos);
  return (uint32_t)(d - 1);
}

static float read_value(lua_State *L, int idx, const char *fname, const char *where, double index) {
  if (lua_type(L, idx) != LUA_TNUMBER)
    lvfl_error(L, "%s: %s: the value at index %.0f must be a number, got %s", fname, where, index,
               lvfl_typename(L, idx));
  double v = (double)lua_tonumber(L, idx);
  float f = (float)v;
  if (!isfinite(f)) lvfl_error(L, "%s: %s: the value at index %.0f (%g) is not a finite float", fname, where, index, v);
  return f;
}

/* {[3] = 1.0, [17] = 0.5}: the table at t maps Lua indices to values. */
static lvfl_sparse *from_map(lua_State *L, int t, const char *fname, const char *where) {
  t = lua_absindex(L, t);
  uint32_t n = 0;
  int ones = 1;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_type(L, -1) != LUA_TNUMBER || lua_tonumber(L, -1) != 1) ones = 0;
    lua_pop(L, 1);
    n++;
  }
  lvfl_sparse *x = lvfl_sparse_new(L, n, !ones);
  uint32_t *index = (uint32_t *)x->index;
  float *value = (float *)x->value;
  uint32_t j = 0;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    index[j] = read_index(L, -2, fname, where, "");
    float v = read_value(L, -1, fname, where, (double)index[j] + 1);
    if (value) value[j] = v;
    j++;
    lua_pop(L, 1);
  }
  sort_and_check(L, x, fname, where);
  return x;
}

/* ({3, 17}, {1.0, 0.5}) or ({3, 17}, 1): parallel lists, or one value for all. */
static lvfl_sparse *from_lists(lua_State *L, int ti, int tv, const char *fname) {
  size_t n = lua_rawlen(L, ti);
  int scalar = lua_type(L, tv) == LUA_TNUMBER;
  if (!scalar && !lua_istable(L, tv))
    lvfl_argerror(L, 2, fname, "a table of values or one number expected, got %s", lvfl_typename(L, tv));
  if (!scalar && lua_rawlen(L, tv) != n)
    lvfl_error(L, "%s: %zu indices but %zu values", fname, n, (size_t)lua_rawlen(L, tv));
  if (n > UINT32_MAX) lvfl_error(L, "%s: argument #1: too many indices", fname);
  float fill = scalar ? read_value(L, tv, fname, "argument #2", 0) : 1.0f;
  int with_values = !scalar || fill != 1.0f;
  lvfl_sparse *x = lvfl_sparse_new(L, (uint32_t)n, with_values);
  uint32_t *index = (uint32_t *)x->index;
  float *value = (float *)x->value;
  char where[48];
  for (size_t j = 0; j < n; j++) {
    lua_rawgeti(L, ti, (lua_Integer)j + 1);
    snprintf(where, sizeof where, " at position %zu", j + 1);
    index[j] = read_index(L, -1, fname, "argument #1", where);
    lua_pop(L, 1);
    if (!scalar) {
      lua_rawgeti(L, tv, (lua_Integer)j + 1);
      value[j] = read_value(L, -1, fname, "argument #2", (double)index[j] + 1);
      lua_pop(L, 1);
    } else if (value) {
      value[j] = fill;
    }
  }
  sort_and_check(L, x, fname, "argument #1");
  return x;
}

lvfl_sparse *lvfl_tosparse(lua_State *L, int idx, const char *fname, const char *what) {
  lvfl_sparse *x = luaL_testudata(L, idx, LVFL_SPARSE);
  if (x) {
    lvfl_sparse_checklive(L, x, fname);
    lua_pushvalue(L, idx);
    return x;
  }
  if (!lua_istable(L, idx)) lvfl_error(L, "%s: %s must be a vfl.sparse or a table, got %s", fname, what, lvfl_typename(L, idx));
  return from_map(L, idx, fname, what);
}

/* vfl.sparse{[i] = v, ...} | vfl.sparse(indices, values) | vfl.sparse(x) */
static int l_sparse(lua_State *L) {
  const char *fname = "vfl.sparse";
  if (luaL_testudata(L, 1, LVFL_SPARSE) && lua_isnoneornil(L, 2)) {
    lvfl_sparse_checklive(L, lua_touserdata(L, 1), fname);
    lua_settop(L, 1);
    return 1;
  }
  if (!lua_istable(L, 1)) lvfl_argerror(L, 1, fname, "table expected, got %s", lvfl_typename(L, 1));
  if (lua_isnoneornil(L, 2))
    from_map(L, 1, fname, "argument #1");
  else
    from_lists(L, 1, 2, fname);
  return 1;
}

/* Position of 0-based index i in x, or -1. */
static long find(const lvfl_sparse *x, uint32_t i) {
  if (x->flags & LVFL_SPARSE_SORTED) {
    uint32_t lo = 0, hi = x->n;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (x->index[mid] < i)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < x->n && x->index[lo] == i ? (long)lo : -1;
  }
  for (uint32_t j = 0; j < x->n; j++)
    if (x->index[j] == i) return (long)j;
  return -1;
}

static double value_at(const lvfl_sparse *x, uint32_t j) { return x->value ? (double)x->value[j] : 1.0; }

/* x[i]: the value of feature i (0 when absent); x.name: a method. */
static int m_index(lua_State *L) {
  lvfl_sparse *x = lua_touserdata(L, 1);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    lvfl_sparse_checklive(L, x, "vfl.sparse");
    double d = (double)lua_tonumber(L, 2);
    long j = (d >= 1 && d <= MAX_INDEX && d == floor(d)) ? find(x, (uint32_t)(d - 1)) : -1;
    lua_pushnumber(L, j < 0 ? 0.0 : value_at(x, (uint32_t)j));
    return 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

static int m_newindex(lua_State *L) {
  return lvfl_error(L, "vfl.sparse: sparse vectors are read-only (build a new one with vfl.sparse)");
}

static int m_len(lua_State *L) {
  lvfl_sparse *x = lua_touserdata(L, 1);
  lvfl_sparse_checklive(L, x, "vfl.sparse");
  lua_pushinteger(L, x->n);
  return 1;
}

static int m_tostring(lua_State *L) {
  lvfl_sparse *x = lua_touserdata(L, 1);
  if (!x->live) {
    lua_pushstring(L, "vfl.sparse (a row view, no longer valid)");
    return 1;
  }
  enum { SHOW = 8 };
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char item[64];
  if (x->n > SHOW) {
    snprintf(item, sizeof item, "sparse(%u non-zeros){", x->n);
    luaL_addstring(&b, item);
  } else {
    luaL_addstring(&b, "sparse{");
  }
  for (uint32_t j = 0; j < x->n && j < SHOW; j++) {
    snprintf(item, sizeof item, "%s[%.0f]=%.7g", j ? ", " : "", (double)x->index[j] + 1, value_at(x, j));
    luaL_addstring(&b, item);
  }
  if (x->n > SHOW) luaL_addstring(&b, ", ...");
  luaL_addstring(&b, "}");
  luaL_pushresult(&b);
  return 1;
}

static int m_eq(lua_State *L) {
  lvfl_sparse *a = luaL_testudata(L, 1, LVFL_SPARSE), *b = luaL_testudata(L, 2, LVFL_SPARSE);
  int eq = a && b && a->live && b->live && a->n == b->n;
  for (uint32_t j = 0; eq && j < a->n; j++) eq = a->index[j] == b->index[j] && value_at(a, j) == value_at(b, j);
  lua_pushboolean(L, eq);
  return 1;
}

static int m_totable(lua_State *L) {
  lvfl_sparse *x = check_sparse(L, 1, "x:totable");
  lua_createtable(L, 0, (int)x->n);
  for (uint32_t j = 0; j < x->n; j++) {
    lua_pushnumber(L, value_at(x, j));
    lua_rawseti(L, -2, (lua_Integer)x->index[j] + 1);
  }
  return 1;
}

static int m_indices(lua_State *L) {
  lvfl_sparse *x = check_sparse(L, 1, "x:indices");
  lua_createtable(L, (int)x->n, 0);
  for (uint32_t j = 0; j < x->n; j++) {
    lua_pushinteger(L, (lua_Integer)x->index[j] + 1);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  return 1;
}

static int m_values(lua_State *L) {
  lvfl_sparse *x = check_sparse(L, 1, "x:values");
  lua_createtable(L, (int)x->n, 0);
  for (uint32_t j = 0; j < x->n; j++) {
    lua_pushnumber(L, value_at(x, j));
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  return 1;
}

static int m_nnz(lua_State *L) {
  lvfl_sparse *x = check_sparse(L, 1, "x:nnz");
  lua_pushinteger(L, x->n);
  return 1;
}

/* The largest index (0 for an empty vector): the smallest fitting dimension. */
static int m_dim(lua_State *L) {
  lvfl_sparse *x = check_sparse(L, 1, "x:dim");
  double m = 0; /* a double: the largest 1-based index, 2^32, overflows uint32 */
  for (uint32_t j = 0; j < x->n; j++)
    if ((double)x->index[j] + 1 > m) m = (double)x->index[j] + 1;
  lua_pushinteger(L, (lua_Integer)m);
  return 1;
}

/* An owned copy (of a row view, typically). */
static int m_copy(lua_State *L) {
  lvfl_sparse *x = check_sparse(L, 1, "x:copy");
  lvfl_sparse *y = lvfl_sparse_new(L, x->n, x->value != NULL);
  memcpy((uint32_t *)y->index, x->index, (size_t)x->n * sizeof *x->index);
  if (x->value) memcpy((float *)y->value, x->value, (size_t)x->n * sizeof *x->value);
  y->flags = LVFL_SPARSE_OWNED | (x->flags & LVFL_SPARSE_SORTED);
  return 1;
}

/* for i, v in x:pairs() do ... end -- non-zeros by position. */
static int pairs_step(lua_State *L) {
  lvfl_sparse *x = lua_touserdata(L, 1);
  lvfl_sparse_checklive(L, x, "x:pairs");
  lua_Integer j = lua_tointeger(L, lua_upvalueindex(1));
  if (j >= (lua_Integer)x->n) return 0;
  lua_pushinteger(L, j + 1);
  lua_replace(L, lua_upvalueindex(1));
  lua_pushinteger(L, (lua_Integer)x->index[j] + 1);
  lua_pushnumber(L, value_at(x, (uint32_t)j));
  return 2;
}

static int m_pairs(lua_State *L) {
  check_sparse(L, 1, "x:pairs");
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, pairs_step, 1);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

void lvfl_open_sparse(lua_State *L) {
  static const luaL_Reg methods[] = {{"totable", m_totable}, {"indices", m_indices}, {"values", m_values},
                                     {"nnz", m_nnz},         {"dim", m_dim},         {"copy", m_copy},
                                     {"pairs", m_pairs},     {NULL, NULL}};
  static const luaL_Reg meta[] = {{"__newindex", m_newindex}, {"__len", m_len},     {"__tostring", m_tostring},
                                  {"__eq", m_eq},             {"__pairs", m_pairs}, {NULL, NULL}};
  lvfl_newclass(L, LVFL_SPARSE, methods, meta, m_index);
  lua_pop(L, 1);
  lua_pushcfunction(L, l_sparse);
  lua_setfield(L, -2, "sparse");
}
