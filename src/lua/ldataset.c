/*
** ldataset.c -- vfl.dataset: the engine's in-memory dataset seen from Lua.
**
** Rows come in as Lua tables, {label=, labels=, weight=, <input>=features,
** <extra>=value}, from an emit function, an iterator, a list, or ds:append.
** When no inputs were declared, the first row decides them: each field that
** is not a label or a weight is a sparse input named after the field if it
** holds features, or an extra if it holds a number, boolean or string (an
** extra may also first appear in a later row). Conversion reuses
** scratch buffers kept in the userdata, so appending allocates nothing in
** the binding once they have grown.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvfl.h"

static const char *kind_name(int kind) {
  switch (kind) {
  case VFL_INPUT_SPARSE: return "sparse";
  case VFL_INPUT_DENSE: return "dense";
  case VFL_INPUT_GROUPED: return "grouped";
  default: return "?";
  }
}

static void release(lvfl_dataset *d) {
  vfl_dataset_free(d->ds);
  d->ds = NULL;
  free(d->feats);
  d->feats = NULL;
  free(d->floats);
  d->floats = NULL;
  d->feats_cap = 0;
  d->floats_cap = 0;
  d->closed = 1;
}

lvfl_dataset *lvfl_checkdataset(lua_State *L, int idx, const char *fname, int arg) {
  lvfl_dataset *d = lvfl_check(L, idx, LVFL_DATASET, fname, arg);
  if (d->closed) lvfl_error(L, "%s: the dataset has been closed", fname);
  return d;
}

lvfl_dataset *lvfl_checkdataset_idle(lua_State *L, int idx, const char *fname) {
  lvfl_dataset *d = lvfl_checkdataset(L, idx, fname, 0);
  if (d->busy) lvfl_error(L, "%s: the dataset is being used by net:learn and cannot change until it returns", fname);
  return d;
}

lvfl_dataset *lvfl_pushdataset(lua_State *L, vfl_dataset *ds) {
  lvfl_dataset *d = lvfl_newobject(L, sizeof *d, LVFL_DATASET);
  d->ds = ds;
  return d;
}

/* ------------------------------------------------------ declaring inputs */

static int parse_kind(lua_State *L, const char *s, const char *fname) {
  if (!strcmp(s, "sparse")) return VFL_INPUT_SPARSE;
  if (!strcmp(s, "dense")) return VFL_INPUT_DENSE;
  if (!strcmp(s, "grouped")) return VFL_INPUT_GROUPED;
  return lvfl_error(L, "%s: unknown input kind '%s' (sparse, dense or grouped)", fname, s);
}

/* One input declaration at the top of the stack: "name", or {name=, kind=,
** dim=}; key_name is the key it was found under in a map-style list. The
** engine dataset already belongs to a userdata, so raising never leaks it. */
static void declare_input(lua_State *L, vfl_dataset *ds, const char *key_name, const char *fname) {
  const char *name = key_name;
  int kind = VFL_INPUT_SPARSE;
  lua_Integer dim = 0;
  int t = lua_gettop(L);
  if (lua_type(L, t) == LUA_TSTRING && !key_name) {
    name = lua_tostring(L, t);
  } else if (lua_type(L, t) == LUA_TNUMBER && key_name) {
    dim = lvfl_checkint(L, t, fname, "an input's dimension", 0, UINT32_MAX);
  } else if (lua_istable(L, t)) {
    static const char *const known[] = {"name", "kind", "dim", NULL};
    lvfl_checkopts(L, t, fname, known);
    name = lvfl_optstring(L, t, "name", key_name, fname);
    kind = parse_kind(L, lvfl_optstring(L, t, "kind", "sparse", fname), fname);
    dim = lvfl_optint(L, t, "dim", 0, fname, 0, UINT32_MAX);
  } else {
    lvfl_error(L, "%s: an input must be declared by a name or a table {name=, kind=, dim=}, got %s", fname,
               lvfl_typename(L, t));
  }
  if (!name) lvfl_error(L, "%s: an input declaration needs a name", fname);
  int rc = vfl_dataset_add_input(ds, name, kind, (uint32_t)dim);
  if (rc < 0) lvfl_engine_error(L, fname, rc);
}

/* Names a row view gives a meaning of its own (row.id is the row's
** position, row.features its first input), so no extra may take them. */
static void add_extra(lua_State *L, vfl_dataset *ds, const char *name, const char *fname, const char *where) {
  if (!strcmp(name, "id") || !strcmp(name, "features") || !strcmp(name, "label") || !strcmp(name, "labels") ||
      !strcmp(name, "weight"))
    lvfl_error(L, "%s: %s'%s' cannot be an extra: row.%s has a meaning of its own; give the field another name", fname,
               where, name, name);
  int rc = vfl_dataset_add_extra(ds, name);
  if (rc < 0) lvfl_engine_error(L, fname, rc);
}

/* The extras option of a spec: a list of names. */
static void declare_extras(lua_State *L, int idx, vfl_dataset *ds, const char *fname) {
  lua_getfield(L, idx, "extras");
  int ex = lua_gettop(L);
  if (!lua_isnil(L, ex)) {
    if (!lua_istable(L, ex)) lvfl_error(L, "%s: option 'extras' must be a list of names, got %s", fname, lvfl_typename(L, ex));
    size_t n = lua_rawlen(L, ex);
    for (size_t i = 1; i <= n; i++) {
      lua_rawgeti(L, ex, (lua_Integer)i);
      if (lua_type(L, -1) != LUA_TSTRING)
        lvfl_error(L, "%s: extras[%zu] must be a name, got %s", fname, i, lvfl_typename(L, -1));
      add_extra(L, ds, lua_tostring(L, -1), fname, "");
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

/* The inputs option of a spec. */
static void declare_inputs(lua_State *L, int idx, vfl_dataset *ds, const char *fname) {
  lua_getfield(L, idx, "inputs");
  int in = lua_gettop(L);
  if (lua_isnil(L, in)) {
    lua_pop(L, 1);
    return;
  }
  if (!lua_istable(L, in)) lvfl_error(L, "%s: option 'inputs' must be a table, got %s", fname, lvfl_typename(L, in));
  /* The list part in order, then named entries sorted by name. */
  size_t n = lua_rawlen(L, in);
  for (size_t i = 1; i <= n; i++) {
    lua_rawgeti(L, in, (lua_Integer)i);
    if (lua_type(L, -1) != LUA_TSTRING && !lua_istable(L, -1))
      lvfl_error(L, "%s: inputs[%zu] must be a name or a table {name=, kind=, dim=}, got %s", fname, i,
                 lvfl_typename(L, -1));
    declare_input(L, ds, NULL, fname);
    lua_pop(L, 1);
  }
  const char *names[256];
  size_t nn = 0;
  lua_pushnil(L);
  while (lua_next(L, in)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING && nn < 256) names[nn++] = lua_tostring(L, -1);
  }
  for (size_t i = 1; i < nn; i++)
    for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      const char *s = names[j];
      names[j] = names[j - 1];
      names[j - 1] = s;
    }
  for (size_t i = 0; i < nn; i++) {
    lua_getfield(L, in, names[i]);
    if (!lua_istable(L, -1) && lua_type(L, -1) != LUA_TNUMBER)
      lvfl_error(L, "%s: inputs.%s must be a dimension or a table {kind=, dim=}, got %s", fname, names[i],
                 lvfl_typename(L, -1));
    declare_input(L, ds, names[i], fname);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* {inputs = {...}, labels = k, extras = {...}}: declares d's inputs and extras. */
static void from_spec(lua_State *L, int idx, lvfl_dataset *d, const char *fname) {
  static const char *const known[] = {"inputs", "labels", "extras", NULL};
  lvfl_checkopts(L, idx, fname, known);
  uint32_t labels = (uint32_t)lvfl_optint(L, idx, "labels", 1, fname, 0, 65536);
  vfl_dataset *ds = d->ds = vfl_dataset_new(labels);
  if (!ds) lvfl_engine_error(L, fname, VFL_ENOMEM);
  declare_inputs(L, idx, ds, fname);
  declare_extras(L, idx, ds, fname);
}

static int is_row_field(const char *k) { return !strcmp(k, "label") || !strcmp(k, "labels") || !strcmp(k, "weight"); }

static int name_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The first row of an undeclared dataset decides its labels, inputs and
** extras (each in name order). */
static void infer(lua_State *L, int row, lvfl_dataset *d, const char *fname) {
  uint32_t labels = 0;
  const char *names[256], *extras[256];
  size_t nn = 0, ne = 0;
  lua_pushnil(L);
  while (lua_next(L, row)) {
    if (lua_type(L, -2) != LUA_TSTRING) lvfl_error(L, "%s: row 1: field names must be strings, got %s", fname, lvfl_typename(L, -2));
    const char *k = lua_tostring(L, -2);
    if (!strcmp(k, "label")) {
      if (labels == 0) labels = 1;
    } else if (!strcmp(k, "labels")) {
      if (!lua_istable(L, -1)) lvfl_error(L, "%s: row 1: field 'labels' must be a table of numbers, got %s", fname, lvfl_typename(L, -1));
      labels = (uint32_t)lua_rawlen(L, -1);
    } else if (!is_row_field(k) && lvfl_is_extra_value(L, -1)) {
      if (ne == 256) lvfl_error(L, "%s: row 1: more than 256 extras", fname);
      extras[ne++] = k;
    } else if (!is_row_field(k)) {
      if (!luaL_testudata(L, -1, LVFL_SPARSE) && !lua_istable(L, -1))
        lvfl_error(L, "%s: row 1: field '%s' must be features (a vfl.sparse or a table) or an extra (a number, boolean "
                      "or string), or be label, labels or weight; got %s",
                   fname, k, lvfl_typename(L, -1));
      if (nn == 256) lvfl_error(L, "%s: row 1: more than 256 inputs", fname);
      names[nn++] = k;
    }
    lua_pop(L, 1);
  }
  qsort(names, nn, sizeof *names, name_cmp);
  vfl_dataset *ds = vfl_dataset_new(labels);
  if (!ds) lvfl_engine_error(L, fname, VFL_ENOMEM);
  for (size_t i = 0; i < nn; i++) {
    int rc = vfl_dataset_add_input(ds, names[i], VFL_INPUT_SPARSE, 0);
    if (rc < 0) {
      vfl_dataset_free(ds);
      lvfl_engine_error(L, fname, rc);
    }
  }
  d->ds = ds; /* owned by the userdata from here: add_extra may raise */
  d->open_extras = 1;
  qsort(extras, ne, sizeof *extras, name_cmp);
  for (size_t i = 0; i < ne; i++) add_extra(L, ds, extras[i], fname, "row 1: ");
}

/* ------------------------------------------------------- appending rows */

static void grow_scratch(lua_State *L, lvfl_dataset *d, uint32_t n_inputs, size_t n_floats, const char *fname) {
  if (n_inputs > d->feats_cap) {
    vfl_features *f = realloc(d->feats, n_inputs * sizeof *f);
    if (!f) lvfl_error(L, "%s: out of memory", fname);
    d->feats = f;
    d->feats_cap = n_inputs;
  }
  if (n_floats > d->floats_cap) {
    float *f = realloc(d->floats, n_floats * sizeof *f);
    if (!f) lvfl_error(L, "%s: out of memory", fname);
    d->floats = f;
    d->floats_cap = n_floats;
  }
}

static float row_number(lua_State *L, int idx, const char *fname, size_t r, const char *field) {
  int t = lua_type(L, idx);
  if (t == LUA_TBOOLEAN) return lua_toboolean(L, idx) ? 1.0f : 0.0f;
  if (t != LUA_TNUMBER) lvfl_error(L, "%s: row %zu: field '%s' must be a number, got %s", fname, r, field, lvfl_typename(L, idx));
  return (float)lua_tonumber(L, idx);
}

/* Raises the error for field k of row r, which is neither an input nor an
** extra of a declared dataset. */
static void unknown_field(lua_State *L, const vfl_dataset *ds, const char *fname, size_t r, const char *k) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  uint32_t nin = vfl_dataset_inputs(ds), nex = vfl_dataset_extras(ds);
  for (uint32_t j = 0; j < nin; j++) {
    if (j) luaL_addstring(&b, ", ");
    luaL_addstring(&b, vfl_dataset_input_name(ds, j));
  }
  if (!nin) luaL_addstring(&b, "none");
  for (uint32_t j = 0; j < nex; j++) {
    luaL_addstring(&b, j ? ", " : "; its extras are: ");
    luaL_addstring(&b, vfl_dataset_extra_name(ds, j));
  }
  luaL_pushresult(&b);
  lvfl_error(L, "%s: row %zu: unknown field '%s' (the dataset's inputs are: %s; rows may also have label, labels "
                "and weight)", fname, r, k, lua_tostring(L, -1));
}

/* Appends the row table at idx. Converted vectors are parked on the stack
** below the lua_next key until the engine has copied the row. */
/* The 0-based id of class name at val: its position in ds.classes (kept in
** the dataset's user value with a name -> id index), added when new. */
static float class_label(lua_State *L, lvfl_dataset *d, int dsi, int val, const char *fname, size_t r) {
  if (!dsi)
    lvfl_error(L, "%s: row %zu: label '%s' is a class name, which a stream does not encode: give class ids "
                  "(0-based, see help(vfl.dataset))", fname, r, lua_tostring(L, val));
  if (!d->named_labels && d->ds && vfl_dataset_rows(d->ds))
    lvfl_error(L, "%s: row %zu: label '%s' is a class name, but the rows before have numeric labels", fname, r,
               lua_tostring(L, val));
  d->named_labels = 1;
  lvfl_pushuv(L, dsi);
  int uv = lua_gettop(L);
  lua_getfield(L, uv, "class_index");
  if (lua_isnil(L, -1)) { /* first name: the list (kept by ds:split) and its index */
    lua_pop(L, 1);
    lua_getfield(L, uv, "classes");
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_newtable(L);
      lua_pushvalue(L, -1);
      lua_setfield(L, uv, "classes");
    }
    lua_newtable(L);
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -2); i++) {
      lua_rawgeti(L, -2, i);
      lua_pushinteger(L, i - 1);
      lua_rawset(L, -3);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, uv, "class_index");
    lua_remove(L, -2);
  }
  lua_pushvalue(L, val);
  lua_rawget(L, -2);
  float id;
  if (lua_isnil(L, -1)) {
    lua_getfield(L, uv, "classes");
    id = (float)lua_rawlen(L, -1);
    lua_pushvalue(L, val);
    lua_rawseti(L, -2, (lua_Integer)id + 1);
    lua_pushvalue(L, val);
    lua_pushinteger(L, (lua_Integer)id);
    lua_rawset(L, -5);
    lua_pop(L, 1);
  } else {
    id = (float)lua_tointeger(L, -1);
  }
  lua_settop(L, uv - 1);
  return id;
}

void lvfl_dataset_append_row(lua_State *L, lvfl_dataset *d, int dsi, int idx, const char *fname) {
  idx = lua_absindex(L, idx);
  if (dsi) dsi = lua_absindex(L, dsi);
  int top = lua_gettop(L);
  if (!lua_istable(L, idx)) lvfl_error(L, "%s: a row must be a table, got %s", fname, lvfl_typename(L, idx));
  if (!d->ds) infer(L, idx, d, fname);
  vfl_dataset *ds = d->ds;
  size_t r = d->row_base + vfl_dataset_rows(ds) + 1;
  uint32_t nin = vfl_dataset_inputs(ds), nl = vfl_dataset_labels(ds);
  size_t n_floats = nl;
  for (uint32_t k = 0; k < nin; k++)
    if (vfl_dataset_input_kind(ds, k) == VFL_INPUT_DENSE) n_floats += vfl_dataset_input_dim(ds, k);
  grow_scratch(L, d, nin, n_floats + 1, fname);
  /* n = UINT32_MAX marks an input the row has not given (yet) */
  for (uint32_t k = 0; k < nin; k++) d->feats[k] = (vfl_features){UINT32_MAX, NULL, NULL};
  vfl_row row = {d->floats, nl, 1.0f, d->feats, nin};
  float *dense = d->floats + nl; /* dense blocks follow the labels */
  int have_label = 0;
  char where[160];
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) != LUA_TSTRING) lvfl_error(L, "%s: row %zu: field names must be strings, got %s", fname, r, lvfl_typename(L, -2));
    const char *k = lua_tostring(L, -2);
    if (!strcmp(k, "label")) {
      if (nl != 1)
        lvfl_error(L, "%s: row %zu: this dataset has %u labels per row; give them as labels = {...}", fname, r, nl);
      if (lua_type(L, -1) == LUA_TSTRING) {
        d->floats[0] = class_label(L, d, dsi, lua_gettop(L), fname, r);
      } else {
        if (d->named_labels)
          lvfl_error(L, "%s: row %zu: the labels are class names (ds.classes), got %s", fname, r, lvfl_typename(L, -1));
        if (lua_type(L, -1) != LUA_TNUMBER && lua_type(L, -1) != LUA_TBOOLEAN)
          lvfl_error(L, "%s: row %zu: field 'label' must be a number or a class name (a string), got %s", fname, r,
                     lvfl_typename(L, -1));
        d->floats[0] = row_number(L, -1, fname, r, "label");
      }
      have_label = 1;
    } else if (!strcmp(k, "labels")) {
      if (!lua_istable(L, -1) || lua_rawlen(L, -1) != nl)
        lvfl_error(L, "%s: row %zu: field 'labels' must be a table of %u numbers", fname, r, nl);
      for (uint32_t j = 0; j < nl; j++) {
        lua_rawgeti(L, -1, (lua_Integer)j + 1);
        d->floats[j] = row_number(L, -1, fname, r, "labels");
        lua_pop(L, 1);
      }
      have_label = 1;
    } else if (!strcmp(k, "weight")) {
      row.weight = row_number(L, -1, fname, r, "weight");
    } else {
      int in = vfl_dataset_input_find(ds, k);
      if (in < 0 && lvfl_is_extra_value(L, -1)) {
        /* stored once the row is in (lvfl_set_extras) */
        if (vfl_dataset_extra_find(ds, k) < 0) {
          if (!d->open_extras) unknown_field(L, ds, fname, r, k);
          snprintf(where, sizeof where, "row %zu: ", r);
          add_extra(L, ds, k, fname, where);
        }
        lua_pop(L, 1);
        continue;
      }
      if (in < 0) unknown_field(L, ds, fname, r, k);
      snprintf(where, sizeof where, "row %zu, field '%s'", r, k);
      if (vfl_dataset_input_kind(ds, (uint32_t)in) == VFL_INPUT_DENSE) {
        uint32_t dim = vfl_dataset_input_dim(ds, (uint32_t)in);
        if (!lua_istable(L, -1) || lua_rawlen(L, -1) != dim)
          lvfl_error(L, "%s: %s: a dense input needs a table of %u numbers", fname, where, dim);
        for (uint32_t j = 0; j < dim; j++) {
          lua_rawgeti(L, -1, (lua_Integer)j + 1);
          if (lua_type(L, -1) != LUA_TNUMBER)
            lvfl_error(L, "%s: %s: element %u must be a number, got %s", fname, where, j + 1, lvfl_typename(L, -1));
          dense[j] = (float)lua_tonumber(L, -1);
          lua_pop(L, 1);
        }
        d->feats[in] = (vfl_features){dim, NULL, dense};
        dense += dim;
      } else {
        lvfl_sparse *x = lvfl_tosparse(L, -1, fname, where);
        lua_insert(L, top + 1); /* keeps x alive, below key and value */
        d->feats[in] = (vfl_features){x->n, x->index, x->value};
      }
    }
    lua_pop(L, 1);
  }
  if (nl && !have_label) lvfl_error(L, "%s: row %zu has no label (the dataset has %u per row)", fname, r, nl);
  for (uint32_t k = 0; k < nin; k++) {
    const char *name = vfl_dataset_input_name(ds, k);
    if (vfl_dataset_input_kind(ds, k) == VFL_INPUT_DENSE && !d->feats[k].value)
      lvfl_error(L, "%s: row %zu has no values for the dense input '%s'", fname, r, name);
    /* A forgotten input would silently train on nothing: an empty one is
    ** given as such. */
    if (d->feats[k].n == UINT32_MAX)
      lvfl_error(L, "%s: row %zu has no '%s' (an input of the dataset); give %s = {} for a row without features",
                 fname, r, name, name);
  }
  int rc = vfl_dataset_append(ds, &row);
  if (rc) lvfl_engine_error(L, fname, rc);
  if (vfl_dataset_extras(ds)) lvfl_set_extras(L, ds, idx, vfl_dataset_rows(ds) - 1, fname);
  lua_settop(L, top);
}

/* emit(row): the function handed to a vfl.dataset(function(emit) ... end). */
static int l_emit(lua_State *L) {
  lvfl_dataset *d = lua_touserdata(L, lua_upvalueindex(1));
  if (d->closed) lvfl_error(L, "emit: the dataset has been closed");
  if (d->busy) lvfl_error(L, "emit: the dataset is being used by net:learn and cannot change until it returns");
  lvfl_dataset_append_row(L, d, lua_upvalueindex(1), 1, "emit");
  return 0;
}

/* Drives fn: first as fn(emit); if that returns a row, fn is an iterator
** and is called again until it returns nil. Whatever else an emitting
** function returns is ignored. */
static void fill_from_function(lua_State *L, int fn, int dsi, lvfl_dataset *d, const char *fname) {
  lua_pushvalue(L, fn);
  lua_pushvalue(L, dsi);
  lua_pushcclosure(L, l_emit, 1);
  lua_call(L, 1, 1);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  while (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1))
      lvfl_error(L, "%s: the iterator returned %s; it must return rows (tables), then nil", fname, lvfl_typename(L, -1));
    lvfl_dataset_append_row(L, d, dsi, -1, fname);
    lua_pop(L, 1);
    lua_pushvalue(L, fn);
    lua_call(L, 0, 1);
  }
  lua_pop(L, 1);
}

/* for-in triples: vfl.dataset(ipairs(rows)) -- the row is the last value. */
static void fill_from_triple(lua_State *L, lvfl_dataset *d, int dsi, const char *fname) {
  lua_pushvalue(L, 3); /* control variable */
  for (;;) {
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 2);
    if (lua_isnil(L, -2)) break;
    int rowi = lua_istable(L, -2) ? -2 : -1;
    lvfl_dataset_append_row(L, d, dsi, rowi, fname);
    lua_pop(L, 1);    /* second value */
    lua_replace(L, -2); /* new control variable */
  }
  lua_pop(L, 3);
}

static int is_spec(lua_State *L, int idx) {
  if (!lua_istable(L, idx)) return 0;
  lua_getfield(L, idx, "inputs");
  lua_getfield(L, idx, "labels");
  lua_rawgeti(L, idx, 1);
  int spec = (!lua_isnil(L, -3) || !lua_isnil(L, -2)) && lua_isnil(L, -1);
  lua_pop(L, 3);
  return spec;
}

/* vfl.dataset([source] [, spec]) or vfl.dataset(iter, state, control). */
static int l_dataset(lua_State *L) {
  const char *fname = "vfl.dataset";
  int triple = lua_isfunction(L, 1) && !lua_isnoneornil(L, 3);
  int spec = 0, src = 0;
  if (!triple) {
    if (is_spec(L, 1) && lua_isnoneornil(L, 2)) {
      spec = 1;
    } else if (!lua_isnoneornil(L, 1)) {
      if (!lua_isfunction(L, 1) && !lua_istable(L, 1))
        lvfl_argerror(L, 1, fname, "a function, a list of rows or {inputs=...} expected, got %s", lvfl_typename(L, 1));
      src = 1;
      if (!lua_isnoneornil(L, 2)) {
        if (!lua_istable(L, 2)) lvfl_argerror(L, 2, fname, "table expected, got %s", lvfl_typename(L, 2));
        spec = 2;
      }
    }
  }
  lvfl_dataset *d = lvfl_pushdataset(L, NULL);
  int dsi = lua_gettop(L);
  if (spec) from_spec(L, spec, d, fname);
  if (triple) {
    fill_from_triple(L, d, dsi, fname);
  } else if (src && lua_isfunction(L, 1)) {
    fill_from_function(L, 1, dsi, d, fname);
  } else if (src) {
    size_t n = lua_rawlen(L, 1);
    for (size_t i = 1; i <= n; i++) {
      lua_rawgeti(L, 1, (lua_Integer)i);
      lvfl_dataset_append_row(L, d, dsi, -1, fname);
      lua_pop(L, 1);
    }
  }
  lua_settop(L, dsi);
  return 1;
}

/* ------------------------------------------------------------- reading */

vfl_features *lvfl_row_room(lua_State *L, const vfl_dataset *ds, uint32_t **index) {
  size_t n = vfl_dataset_inputs(ds) ? vfl_dataset_inputs(ds) : 1;
  vfl_features *feats = lua_newuserdata(L, n * sizeof *feats + vfl_dataset_row_room(ds) * sizeof **index);
  *index = (uint32_t *)(feats + n);
  return feats;
}

/* Pushes row i (0-based) as a fresh table of owned values. */
static void push_row(lua_State *L, const vfl_dataset *ds, size_t i) {
  vfl_row row;
  uint32_t *index;
  vfl_features *feats = lvfl_row_room(L, ds, &index);
  vfl_dataset_row(ds, i, &row, feats, index);
  lua_createtable(L, 0, (int)row.n_inputs + 2);
  if (row.n_labels == 1) {
    lua_pushnumber(L, row.labels[0]);
    lua_setfield(L, -2, "label");
  } else if (row.n_labels > 1) {
    lua_createtable(L, (int)row.n_labels, 0);
    for (uint32_t j = 0; j < row.n_labels; j++) {
      lua_pushnumber(L, row.labels[j]);
      lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    lua_setfield(L, -2, "labels");
  }
  lua_pushnumber(L, row.weight);
  lua_setfield(L, -2, "weight");
  for (uint32_t k = 0; k < row.n_inputs; k++) {
    const vfl_features *f = &row.inputs[k];
    if (vfl_dataset_input_kind(ds, k) == VFL_INPUT_DENSE) {
      lua_createtable(L, (int)f->n, 0);
      for (uint32_t j = 0; j < f->n; j++) {
        lua_pushnumber(L, f->value[j]);
        lua_rawseti(L, -2, (lua_Integer)j + 1);
      }
    } else {
      lvfl_sparse *x = lvfl_sparse_new(L, f->n, f->value != NULL);
      memcpy((uint32_t *)x->index, f->index, (size_t)f->n * sizeof *f->index);
      if (f->value) memcpy((float *)x->value, f->value, (size_t)f->n * sizeof *f->value);
      int sorted = 1;
      for (uint32_t j = 1; j < f->n && sorted; j++) sorted = f->index[j - 1] < f->index[j];
      x->flags = LVFL_SPARSE_OWNED | (sorted ? LVFL_SPARSE_SORTED : 0);
    }
    lua_setfield(L, -2, vfl_dataset_input_name(ds, k));
  }
  lvfl_push_extras(L, ds, i);
  lua_remove(L, -2); /* the room */
}

static void push_dim(lua_State *L, const vfl_dataset *ds) {
  uint32_t n = ds ? vfl_dataset_inputs(ds) : 0;
  if (n <= 1) {
    lua_pushinteger(L, n ? vfl_dataset_input_dim(ds, 0) : 0);
    return;
  }
  lua_createtable(L, 0, (int)n);
  for (uint32_t k = 0; k < n; k++) {
    lua_pushinteger(L, vfl_dataset_input_dim(ds, k));
    lua_setfield(L, -2, vfl_dataset_input_name(ds, k));
  }
}

static void push_inputs(lua_State *L, const vfl_dataset *ds) {
  uint32_t n = ds ? vfl_dataset_inputs(ds) : 0;
  lua_createtable(L, (int)n, 0);
  for (uint32_t k = 0; k < n; k++) {
    lua_createtable(L, 0, 3);
    lua_pushstring(L, vfl_dataset_input_name(ds, k));
    lua_setfield(L, -2, "name");
    lua_pushstring(L, kind_name(vfl_dataset_input_kind(ds, k)));
    lua_setfield(L, -2, "kind");
    lua_pushinteger(L, vfl_dataset_input_dim(ds, k));
    lua_setfield(L, -2, "dim");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
}

/* ds[i] (a row), ds.rows, ds.dim, ds.nnz, ds.inputs, ds.extras, ds.n_labels, ds.bytes,
** then methods. */
static int m_index(lua_State *L) {
  lvfl_dataset *d = lua_touserdata(L, 1);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    if (d->closed) lvfl_error(L, "vfl.dataset: the dataset has been closed");
    size_t rows = d->ds ? vfl_dataset_rows(d->ds) : 0;
    double i = (double)lua_tonumber(L, 2);
    if (i != (double)(size_t)i || i < 1 || i > (double)rows) {
      lua_pushnil(L); /* like a table: no such row */
      return 1;
    }
    push_row(L, d->ds, (size_t)i - 1);
    return 1;
  }
  const char *k = lua_tostring(L, 2);
  if (k && !d->closed) {
    const vfl_dataset *ds = d->ds;
    if (!strcmp(k, "rows")) return lua_pushinteger(L, ds ? (lua_Integer)vfl_dataset_rows(ds) : 0), 1;
    if (!strcmp(k, "nnz")) return lua_pushinteger(L, ds ? (lua_Integer)vfl_dataset_nnz(ds) : 0), 1;
    if (!strcmp(k, "n_labels")) return lua_pushinteger(L, ds ? vfl_dataset_labels(ds) : 0), 1;
    if (!strcmp(k, "bytes")) return lua_pushinteger(L, ds ? (lua_Integer)vfl_dataset_bytes(ds) : 0), 1;
    if (!strcmp(k, "dim")) return push_dim(L, ds), 1;
    if (!strcmp(k, "inputs")) return push_inputs(L, ds), 1;
    if (!strcmp(k, "extras")) return lvfl_push_extra_names(L, ds), 1;
  }
  if (k && (!strcmp(k, "classes") || !strcmp(k, "featurizer"))) { /* set by a text reader (lfasttext.c) */
    lvfl_pushuv(L, 1);
    lua_getfield(L, -1, k);
    return 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

static int m_newindex(lua_State *L) {
  return lvfl_error(L, "vfl.dataset: datasets cannot be assigned to; add rows with ds:append(row)");
}

static int m_len(lua_State *L) {
  lvfl_dataset *d = lua_touserdata(L, 1);
  lua_pushinteger(L, d->ds ? (lua_Integer)vfl_dataset_rows(d->ds) : 0);
  return 1;
}

static void add_size(luaL_Buffer *b, size_t bytes) {
  char s[48];
  if (bytes < 1000)
    snprintf(s, sizeof s, "%zu B", bytes);
  else if (bytes < 1000000)
    snprintf(s, sizeof s, "%.1f KB", bytes / 1e3);
  else if (bytes < 1000000000)
    snprintf(s, sizeof s, "%.1f MB", bytes / 1e6);
  else
    snprintf(s, sizeof s, "%.1f GB", bytes / 1e9);
  luaL_addstring(b, s);
}

static int m_tostring(lua_State *L) {
  lvfl_dataset *d = lua_touserdata(L, 1);
  if (d->closed) return lua_pushstring(L, "dataset (closed)"), 1;
  const vfl_dataset *ds = d->ds;
  if (!ds) return lua_pushstring(L, "dataset: 0 rows (inputs not known until the first row)"), 1;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char s[256];
  size_t rows = vfl_dataset_rows(ds);
  snprintf(s, sizeof s, "dataset: %zu row%s, ", rows, rows == 1 ? "" : "s");
  luaL_addstring(&b, s);
  uint32_t n = vfl_dataset_inputs(ds);
  if (n == 1 && vfl_dataset_input_kind(ds, 0) == VFL_INPUT_SPARSE) {
    snprintf(s, sizeof s, "%u features, ", vfl_dataset_input_dim(ds, 0));
    luaL_addstring(&b, s);
  } else {
    luaL_addstring(&b, n ? "inputs " : "no inputs, ");
    for (uint32_t k = 0; k < n; k++) {
      int kind = vfl_dataset_input_kind(ds, k);
      snprintf(s, sizeof s, "%s%s (%u %sfeatures)", k == 0 ? "" : k + 1 == n ? " and " : ", ",
               vfl_dataset_input_name(ds, k), vfl_dataset_input_dim(ds, k),
               kind == VFL_INPUT_SPARSE ? "" : kind == VFL_INPUT_DENSE ? "dense " : "grouped ");
      luaL_addstring(&b, s);
    }
    if (n) luaL_addstring(&b, ", ");
  }
  snprintf(s, sizeof s, "%zu non-zeros (", vfl_dataset_nnz(ds));
  luaL_addstring(&b, s);
  add_size(&b, vfl_dataset_bytes(ds));
  luaL_addstring(&b, ")");
  if (vfl_dataset_labels(ds) > 1) {
    snprintf(s, sizeof s, ", %u labels per row", vfl_dataset_labels(ds));
    luaL_addstring(&b, s);
  }
  for (uint32_t k = 0; k < vfl_dataset_extras(ds); k++) {
    luaL_addstring(&b, k ? ", " : ", extras ");
    luaL_addstring(&b, vfl_dataset_extra_name(ds, k));
  }
  luaL_pushresult(&b);
  return 1;
}

static int m_gc(lua_State *L) {
  lvfl_dataset *d = lua_touserdata(L, 1);
  if (!d->closed) release(d);
  return 0;
}

/* ----------------------------------------------------------- reshaping */

static int m_append(lua_State *L) {
  lvfl_dataset *d = lvfl_checkdataset_idle(L, 1, "ds:append");
  lvfl_dataset_append_row(L, d, 1, 2, "ds:append");
  lua_settop(L, 1);
  return 1;
}

static int m_shuffle(lua_State *L) {
  lvfl_dataset *d = lvfl_checkdataset_idle(L, 1, "ds:shuffle");
  lua_Integer seed = lua_isnoneornil(L, 2) ? 1 : lvfl_checkint(L, 2, "ds:shuffle", "argument #1 (seed)", 0, INT64_MAX);
  if (d->ds) {
    int rc = vfl_dataset_shuffle(d->ds, (uint64_t)seed);
    if (rc) lvfl_engine_error(L, "ds:shuffle", rc);
  }
  lua_settop(L, 1);
  return 1;
}

/* A deterministic permutation (splitmix64 + Fisher-Yates) for split. */
static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* The dataset at the top, a part of the one at from, keeps the class names
** and featurizer a text reader gave the whole (lfasttext.c). */
static void keep_classes(lua_State *L, int from) {
  lvfl_pushuv(L, from);
  lua_getfield(L, -1, "classes");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 2);
    return;
  }
  lvfl_pushuv(L, -3);   /* whole's uv, classes, part's uv */
  lua_insert(L, -2);
  lua_setfield(L, -2, "classes");
  lua_getfield(L, -2, "featurizer");
  lua_setfield(L, -2, "featurizer");
  lua_pop(L, 2);
}

/* ds:split(fraction, {shuffle=false, seed=1}) -> first, second */
static int m_split(lua_State *L) {
  const char *fname = "ds:split";
  static const char *const known[] = {"shuffle", "seed", NULL};
  lvfl_dataset *d = lvfl_checkdataset(L, 1, fname, 0);
  double fraction = lvfl_checknum(L, 2, fname, "argument #1 (fraction)");
  if (!(fraction >= 0 && fraction <= 1)) lvfl_error(L, "%s: argument #1 (fraction) must be between 0 and 1, got %g", fname, fraction);
  lvfl_checkopts(L, 3, fname, known);
  int shuffle = lvfl_optbool(L, 3, "shuffle", 0, fname);
  uint64_t seed = (uint64_t)lvfl_optint(L, 3, "seed", 1, fname, 0, INT64_MAX);
  if (!d->ds) {
    lvfl_pushdataset(L, NULL);
    lvfl_pushdataset(L, NULL);
    return 2;
  }
  vfl_dataset *a = NULL, *b = NULL;
  int rc;
  if (!shuffle) {
    rc = vfl_dataset_split(d->ds, fraction, &a, &b);
  } else {
    size_t n = vfl_dataset_rows(d->ds), k = (size_t)(fraction * (double)n);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) return lvfl_error(L, "%s: out of memory", fname);
    for (size_t i = 0; i < n; i++) order[i] = i;
    uint64_t s = seed;
    for (size_t i = n; i > 1; i--) {
      size_t j = (size_t)(splitmix(&s) % i);
      size_t t = order[i - 1];
      order[i - 1] = order[j];
      order[j] = t;
    }
    rc = vfl_dataset_subset(d->ds, order, k, &a);
    if (rc == VFL_OK) rc = vfl_dataset_subset(d->ds, order + k, n - k, &b);
    free(order);
  }
  if (rc) {
    vfl_dataset_free(a);
    vfl_dataset_free(b);
    return lvfl_engine_error(L, fname, rc);
  }
  /* the parts take new extras as the whole did */
  lvfl_pushdataset(L, a)->open_extras = d->open_extras;
  keep_classes(L, 1);
  lvfl_pushdataset(L, b)->open_extras = d->open_extras;
  keep_classes(L, 1);
  return 2;
}

/* ds:subset{i, j, ...} -> a new dataset with those rows, in that order. */
static int m_subset(lua_State *L) {
  const char *fname = "ds:subset";
  lvfl_dataset *d = lvfl_checkdataset(L, 1, fname, 0);
  if (!lua_istable(L, 2)) lvfl_argerror(L, 1, fname, "table of row numbers expected, got %s", lvfl_typename(L, 2));
  size_t rows = d->ds ? vfl_dataset_rows(d->ds) : 0, n = lua_rawlen(L, 2);
  size_t *order = malloc((n ? n : 1) * sizeof *order);
  if (!order) return lvfl_error(L, "%s: out of memory", fname);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    double r = lua_type(L, -1) == LUA_TNUMBER ? (double)lua_tonumber(L, -1) : 0;
    lua_pop(L, 1);
    if (r < 1 || r > (double)rows || r != (double)(size_t)r) {
      free(order);
      return lvfl_error(L, "%s: entry %zu is not a row number from 1 to %zu", fname, i + 1, rows);
    }
    order[i] = (size_t)r - 1;
  }
  vfl_dataset *out = NULL;
  int rc = d->ds ? vfl_dataset_subset(d->ds, order, n, &out) : VFL_OK;
  free(order);
  if (rc) return lvfl_engine_error(L, fname, rc);
  lvfl_pushdataset(L, out)->open_extras = d->open_extras;
  keep_classes(L, 1);
  return 1;
}

static int m_close(lua_State *L) {
  lvfl_dataset *d = lvfl_check(L, 1, LVFL_DATASET, "ds:close", 0);
  if (d->busy) lvfl_error(L, "ds:close: the dataset is being used by net:learn and cannot change until it returns");
  if (!d->closed) release(d);
  return 0;
}

void lvfl_open_dataset(lua_State *L) {
  static const luaL_Reg methods[] = {{"append", m_append}, {"split", m_split}, {"shuffle", m_shuffle},
                                     {"subset", m_subset}, {"close", m_close}, {NULL, NULL}};
  static const luaL_Reg meta[] = {{"__newindex", m_newindex}, {"__len", m_len}, {"__tostring", m_tostring},
                                  {"__gc", m_gc},             {"__close", m_gc}, {NULL, NULL}};
  lvfl_newclass(L, LVFL_DATASET, methods, meta, m_index);
  lua_pushliteral(L, "rows nnz dim inputs n_labels bytes");
  lua_setfield(L, -2, "fields");
  lua_pop(L, 1);
  lua_pushcfunction(L, l_dataset);
  lua_setfield(L, -2, "dataset");
}
