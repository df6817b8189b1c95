/*
** lread.c -- vfl.read: the engine's file readers, which parse in C straight
** into a dataset; Lua only passes the options through.
**
**   vfl.read.libsvm(path, {dim=, hash_bits=, labels=, input=, cores=1, multilabel=, classes=})
**   vfl.read.csv(path, {sep=, header=, label=, skip=, categorical=,
**                       extras=, hash_bits=, input=, allow_short=, text=,
**                       ngrams=, lower=, minn=, maxn=, label_names=,
**                       classes=, keep_names=})
**                       -> ds, with ds.featurizer (the columns) and
**                          ds.classes (when the labels are class names)
**   vfl.read.vw(path, {hash_bits=, groups="flat"|"order"|"letter", input=})
**   vfl.read.<format>_text(text, {..., name=})  -- the same, from a string
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lvfl.h"

static void libsvm_options(lua_State *L, int idx, const char *fname, vfl_libsvm_options *o, const char **name) {
  static const char *const known[] = {"dim", "hash_bits", "labels", "input", "name", "cores", "multilabel", "classes", NULL};
  lvfl_checkopts(L, idx, fname, known);
  memset(o, 0, sizeof *o);
  lua_Integer cores = lvfl_optint(L, idx, "cores", 1, fname, 0, 64);
  long every = sysconf(_SC_NPROCESSORS_ONLN);
  o->threads = (uint32_t)(cores ? cores : every > 0 ? every : 1);
  o->dim = (uint32_t)lvfl_optint(L, idx, "dim", 0, fname, 0, UINT32_MAX);
  o->hash_bits = (uint32_t)lvfl_optint(L, idx, "hash_bits", 0, fname, 0, 32);
  o->n_labels = (uint32_t)lvfl_optint(L, idx, "labels", 1, fname, 1, 65536);
  o->input = lvfl_optstring(L, idx, "input", NULL, fname);
  if (lvfl_optbool(L, idx, "multilabel", 0, fname)) {
    lua_getfield(L, idx, "classes");
    int given = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (!given) lvfl_error(L, "%s: multilabel = true needs classes = K (the number of classes; ids in the file are 0..K-1)", fname);
    o->classes = (uint32_t)lvfl_optint(L, idx, "classes", 0, fname, 1, 65536);
    if (o->n_labels > 1 && o->n_labels != o->classes)
      lvfl_error(L, "%s: multilabel rows have classes = %u labels; drop labels = %u", fname, o->classes, o->n_labels);
    o->n_labels = o->classes;
  } else if (lvfl_optint(L, idx, "classes", 0, fname, 0, 65536)) {
    lvfl_error(L, "%s: option 'classes' belongs to multilabel = true", fname);
  }
  if (name) *name = lvfl_optstring(L, idx, "name", "<string>", fname);
}

/* ------------------------------------------------------------------ CSV */

/* A list of column names or numbers (or one of them) as a C array of
** strings; the strings are anchored in the table at `anchor`. */
static const char *const *column_list(lua_State *L, int opts, const char *key, int anchor, uint32_t *n,
                                      const char *fname) {
  const char *what = strcmp(key, "classes") ? "a column name or number" : "a class name";
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
    lvfl_error(L, "%s: option '%s' must be %s, or a list of them, got %s", fname, key, what, lvfl_typename(L, t));
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
      lvfl_error(L, "%s: option '%s' entry %zu must be %s, got %s", fname, key, i + 1, what, lvfl_typename(L, -1));
    }
    list[i] = lua_tostring(L, -1);
    lua_rawseti(L, anchor, (lua_Integer)lua_rawlen(L, anchor) + 1); /* keeps the string alive */
  }
  lua_pop(L, 1);
  *n = (uint32_t)k;
  return list;
}

static void csv_options(lua_State *L, int idx, const char *fname, vfl_csv_options *o, const char **name) {
  static const char *const known[] = {"sep",   "header", "label",       "skip",   "categorical", "hash_bits",
                                      "input", "name",   "allow_short", "extras", "text",        "ngrams",
                                      "lower", "minn",   "maxn",        "label_names", "classes", "keep_names",
                                      NULL};
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
  o->ngrams = (uint32_t)lvfl_optint(L, idx, "ngrams", 1, fname, 1, 8);
  o->lower = lvfl_optbool(L, idx, "lower", 0, fname);
  lvfl_words_opts w;
  lvfl_words_chargrams(L, idx, fname, &w);
  o->minn = w.minn, o->maxn = w.maxn;
  o->label_names = lvfl_optbool(L, idx, "label_names", 0, fname);
  o->keep_names = lvfl_optbool(L, idx, "keep_names", 0, fname);
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
    o->extras = column_list(L, idx, "extras", anchor, &o->n_extras, fname);
    o->text = column_list(L, idx, "text", anchor, &o->n_text, fname);
    o->classes = column_list(L, idx, "classes", anchor, &o->n_classes, fname);
  }
}

/* ------------------------------------------------------------ Vowpal Wabbit */

static void vw_options(lua_State *L, int idx, const char *fname, vfl_vw_options *o, const char **name) {
  static const char *const known[] = {"hash_bits", "groups", "input", "name", "keep_names", NULL};
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
  o->keep_names = lvfl_optbool(L, idx, "keep_names", 0, fname);
  if (name) *name = lvfl_optstring(L, idx, "name", "<string>", fname);
}

/* ------------------------------------------------------------ the driver */

/* What differs between the formats: the options and the two engine entry
** points, behind one signature each so that one pair of Lua functions
** serves all three. */
typedef union read_options {
  vfl_libsvm_options libsvm;
  vfl_csv_options csv;
  vfl_vw_options vw;
} read_options;

typedef struct reader {
  const char *format; /* "libsvm": vfl.read.libsvm and vfl.read.libsvm_text */
  void (*options)(lua_State *L, int idx, const char *fname, read_options *o, const char **name);
  int (*file)(const char *path, const read_options *o, vfl_dataset **out);
  int (*text)(const char *text, size_t len, const char *name, const read_options *o, vfl_dataset **out);
} reader;

static void libsvm_opts(lua_State *L, int idx, const char *fname, read_options *o, const char **name) {
  libsvm_options(L, idx, fname, &o->libsvm, name);
}
static int libsvm_file(const char *path, const read_options *o, vfl_dataset **out) {
  return vfl_read_libsvm(path, &o->libsvm, out);
}
static int libsvm_text(const char *text, size_t len, const char *name, const read_options *o, vfl_dataset **out) {
  return vfl_read_libsvm_buffer(text, len, name, &o->libsvm, out);
}
static void csv_opts(lua_State *L, int idx, const char *fname, read_options *o, const char **name) {
  csv_options(L, idx, fname, &o->csv, name);
}
static int csv_file(const char *path, const read_options *o, vfl_dataset **out) { return vfl_read_csv(path, &o->csv, out); }
static int csv_text(const char *text, size_t len, const char *name, const read_options *o, vfl_dataset **out) {
  return vfl_read_csv_buffer(text, len, name, &o->csv, out);
}
static void vw_opts(lua_State *L, int idx, const char *fname, read_options *o, const char **name) {
  vw_options(L, idx, fname, &o->vw, name);
}
static int vw_file(const char *path, const read_options *o, vfl_dataset **out) { return vfl_read_vw(path, &o->vw, out); }
static int vw_text(const char *text, size_t len, const char *name, const read_options *o, vfl_dataset **out) {
  return vfl_read_vw_buffer(text, len, name, &o->vw, out);
}

static const reader readers[] = {{"libsvm", libsvm_opts, libsvm_file, libsvm_text},
                                 {"csv", csv_opts, csv_file, csv_text},
                                 {"vw", vw_opts, vw_file, vw_text}};

/* A format's text reader behind lshard.c's one signature. */
typedef struct text_call {
  const reader *r;
  const read_options *o;
} text_call;
static int read_text(const char *text, size_t len, const char *name, const void *ud, vfl_dataset **out) {
  const text_call *t = ud;
  return t->r->text(text, len, name, t->o, out);
}

/* vfl.read.<format>(path, opts) and vfl.read.<format>_text(text, opts); the
** reader is upvalue 1, and upvalue 2 is true for the _text form. */
static int l_read(lua_State *L) {
  const reader *r = lua_touserdata(L, lua_upvalueindex(1));
  int from_text = lua_toboolean(L, lua_upvalueindex(2));
  char fname[32];
  snprintf(fname, sizeof fname, "vfl.read.%s%s", r->format, from_text ? "_text" : "");
  if (lua_type(L, 1) != LUA_TSTRING)
    lvfl_argerror(L, 1, fname, "%s expected, got %s", from_text ? "string" : "file name", lvfl_typename(L, 1));
  size_t len;
  const char *arg = lua_tolstring(L, 1, &len);
  read_options o;
  const char *name = NULL;
  lvfl_shard sh;
  lvfl_shard_options(L, 2, fname, &sh);
  if (from_text && sh.size > 1) lvfl_error(L, "%s: option 'shard' is for files (cut the text yourself)", fname);
  r->options(L, 2, fname, &o, from_text ? &name : NULL);
  vfl_dataset *ds = NULL;
  int rc = from_text      ? r->text(arg, len, name, &o, &ds)
           : sh.size > 1 ? lvfl_shard_read(arg, &sh, r->text == csv_text && o.csv.header, read_text, &(text_call){r, &o}, &ds)
                         : r->file(arg, &o, &ds);
  if (rc) {
    vfl_dataset_free(ds);
    return lvfl_engine_error(L, fname, rc);
  }
  lvfl_pushdataset(L, ds);
  lvfl_dataset_keep_featurizer(L, -1, vfl_dataset_featurizer(ds));
  return 1;
}

void lvfl_open_read(lua_State *L) {
  lua_createtable(L, 0, 2 * (int)(sizeof readers / sizeof readers[0]));
  for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
    for (int from_text = 0; from_text <= 1; from_text++) {
      lua_pushlightuserdata(L, (void *)&readers[i]);
      lua_pushboolean(L, from_text);
      lua_pushcclosure(L, l_read, 2);
      lua_pushfstring(L, "%s%s", readers[i].format, from_text ? "_text" : "");
      lua_insert(L, -2);
      lua_settable(L, -3);
    }
  }
  lua_setfield(L, -2, "read");
}
