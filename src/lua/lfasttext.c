/*
** lfasttext.c -- vfl.read.fasttext: fastText's supervised format, one
** example per line, its labels being the tokens that start with the label
** prefix (anywhere on the line, usually first):
**
**   __label__sci.space __label__astro the shuttle reached orbit
**
** String labels are encoded once, in order of first appearance, and kept as
** ds.classes (1-based; class i is label i - 1 of the engine, output i of
** net:predict); ds.featurizer holds the hashing settings and the classes,
** ready for net:set_featurizer. The words and n-grams are hashed as
** vfl.hash.words hashes them (the one tokenizer, lhash.c).
**
** The file is read once: each line's features and labels are kept until
** the classes are known, then the dataset is built (one label per row, the
** first of the line, for softmax; one 0/1 label per class with multilabel).
*/
#include <string.h>

#include "lvfl.h"

typedef struct ft_opts {
  lvfl_words_opts words;
  const char *prefix;
  size_t prefix_len;
  int multilabel;
  int keep_names;     /* dictionary = true: the features' names go in ds.featurizer.names */
  const char *input;
  int fixed;          /* classes given: a label outside them is an error */
  const char *path;   /* for that error */
  uint64_t line_no;
} ft_opts;

static void read_opts(lua_State *L, int idx, const char *fname, ft_opts *o) {
  static const char *const known[] = {"label", "bits", "ngrams", "seed", "lower", "multilabel", "input", "classes",
                                      "minn", "maxn", "dictionary", "keep_names", NULL};
  lvfl_checkopts(L, idx, fname, known);
  o->prefix = lvfl_optstring(L, idx, "label", "__label__", fname);
  o->prefix_len = strlen(o->prefix);
  if (o->prefix_len == 0) lvfl_error(L, "%s: option 'label' must be a non-empty prefix", fname);
  o->words.bits = (int)lvfl_optint(L, idx, "bits", 20, fname, 1, 32);
  o->words.ngrams = (int)lvfl_optint(L, idx, "ngrams", 1, fname, 1, 8);
  o->words.seed = (uint32_t)lvfl_optint(L, idx, "seed", 0, fname, 0, UINT32_MAX);
  o->words.lower = lvfl_optbool(L, idx, "lower", 0, fname);
  o->words.group = 0;
  lvfl_words_chargrams(L, idx, fname, &o->words);
  o->words.names = NULL;
  o->keep_names = lvfl_optbool(L, idx, "dictionary", 0, fname) || lvfl_optbool(L, idx, "keep_names", 0, fname);
  o->multilabel = lvfl_optbool(L, idx, "multilabel", 0, fname);
  o->input = lvfl_optstring(L, idx, "input", "features", fname);
  o->fixed = 0;
}

/* classes = {...} (a training set's ds.classes): the ids are those, in that
** order, so that a validation or test file encodes its labels as the model
** does. Fills the list at `classes` and the index at `index`. */
static void given_classes(lua_State *L, int opts, int classes, int index, ft_opts *o, const char *fname) {
  if (!lua_istable(L, opts)) return;
  lua_getfield(L, opts, "classes");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  if (!lua_istable(L, -1)) lvfl_error(L, "%s: option 'classes' must be a list of class names, got %s", fname, lvfl_typename(L, -1));
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    if (lua_type(L, -1) != LUA_TSTRING) lvfl_error(L, "%s: option 'classes': entry %d is not a string", fname, (int)i);
    lua_pushvalue(L, -1);
    lua_rawseti(L, classes, i);
    lua_pushinteger(L, i - 1);
    lua_rawset(L, index);
  }
  lua_pop(L, 1);
  o->fixed = 1;
}

/* The id (0-based) of class name in classes (list) / index (name -> id),
** added when new. */
static lua_Integer class_id(lua_State *L, int classes, int index, const char *name, size_t len, const ft_opts *o) {
  lua_pushlstring(L, name, len);
  lua_pushvalue(L, -1);
  lua_rawget(L, index);
  if (!lua_isnil(L, -1)) {
    lua_Integer id = lua_tointeger(L, -1);
    lua_pop(L, 2);
    return id;
  }
  lua_pop(L, 1);
  if (o->fixed)
    lvfl_error(L, "vfl.read.fasttext: %s:%llu: label '%s' is not one of the given classes", o->path,
               (unsigned long long)o->line_no, lua_tostring(L, -1));
  lua_Integer id = (lua_Integer)lua_rawlen(L, classes);
  lua_pushvalue(L, -1);
  lua_rawseti(L, classes, id + 1);
  lua_pushinteger(L, id);
  lua_rawset(L, index);
  return id;
}

/* Splits one line: label ids go to the list at labels, the other tokens to
** the words buffer (stack use between buffer calls stays balanced). Returns
** the number of labels. */
static size_t split_line(lua_State *L, const char *line, size_t len, const ft_opts *o, int classes, int index,
                         int labels, luaL_Buffer *words) {
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\v' || line[i] == '\f')) i++;
    size_t start = i;
    while (i < len && !(line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\v' || line[i] == '\f')) i++;
    if (i == start) break;
    const char *tok = line + start;
    size_t tl = i - start;
    if (tl > o->prefix_len && memcmp(tok, o->prefix, o->prefix_len) == 0) {
      lua_pushinteger(L, class_id(L, classes, index, tok + o->prefix_len, tl - o->prefix_len, o));
      lua_rawseti(L, labels, (lua_Integer)++n);
    } else {
      luaL_addlstring(words, tok, tl);
      luaL_addchar(words, ' ');
    }
  }
  return n;
}

/* Pushes the featurizer table that goes with the dataset. */
static void push_featurizer(lua_State *L, const ft_opts *o, int classes) {
  lua_createtable(L, 0, 7);
  lua_pushliteral(L, "words");
  lua_setfield(L, -2, "kind");
  lua_pushinteger(L, o->words.bits);
  lua_setfield(L, -2, "bits");
  lua_pushinteger(L, o->words.ngrams);
  lua_setfield(L, -2, "ngrams");
  lua_pushinteger(L, o->words.seed);
  lua_setfield(L, -2, "seed");
  lua_pushboolean(L, o->words.lower);
  lua_setfield(L, -2, "lower");
  if (o->words.maxn) {
    lua_pushinteger(L, o->words.minn);
    lua_setfield(L, -2, "minn");
    lua_pushinteger(L, o->words.maxn);
    lua_setfield(L, -2, "maxn");
  }
  if (o->words.names) {
    lvfl_push_names(L, o->words.names);
    lua_setfield(L, -2, "names");
  }
  lua_pushstring(L, o->prefix);
  lua_setfield(L, -2, "label");
  lua_pushvalue(L, classes);
  lua_setfield(L, -2, "classes");
}

/* Builds the dataset from the rows kept (features list, labels list). */
static void build(lua_State *L, const char *path, const ft_opts *o, int feats, int labels, int classes, const char *fname) {
  size_t rows = lua_rawlen(L, feats), k = lua_rawlen(L, classes);
  uint32_t n_labels = o->multilabel ? (uint32_t)k : 1;
  vfl_dataset *ds = vfl_dataset_new(n_labels);
  if (!ds) lvfl_engine_error(L, fname, VFL_ENOMEM);
  lvfl_pushdataset(L, ds); /* owns ds from here, also on error */
  int rc = vfl_dataset_add_input(ds, o->input, VFL_INPUT_SPARSE, o->words.bits >= 32 ? 0 : (uint32_t)1 << o->words.bits);
  if (rc < 0) lvfl_engine_error(L, fname, rc);
  float *y = lua_newuserdata(L, (n_labels ? n_labels : 1) * sizeof *y);
  for (size_t r = 0; r < rows; r++) {
    lua_rawgeti(L, feats, (lua_Integer)r + 1);
    lvfl_sparse *x = lua_touserdata(L, -1);
    lua_rawgeti(L, labels, (lua_Integer)r + 1);
    if (o->multilabel) {
      memset(y, 0, n_labels * sizeof *y);
      for (size_t j = 1; j <= lua_rawlen(L, -1); j++) {
        lua_rawgeti(L, -1, (lua_Integer)j);
        y[lua_tointeger(L, -1)] = 1;
        lua_pop(L, 1);
      }
    } else {
      lua_rawgeti(L, -1, 1);
      y[0] = (float)lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
    vfl_features f = {x->n, x->index, x->value};
    vfl_row row = {y, n_labels, 1.0f, &f, 1};
    rc = vfl_dataset_append(ds, &row);
    if (rc) lvfl_error(L, "%s: \"%s\": %s", fname, path, vfl_last_error());
    lua_pop(L, 2);
  }
  lua_pop(L, 1); /* y */
  lvfl_pushuv(L, -1);
  lua_pushvalue(L, classes);
  lua_setfield(L, -2, "classes");
  push_featurizer(L, o, classes);
  lua_setfield(L, -2, "featurizer");
  lua_pop(L, 1);
}

/* Calls vfl.io.lines or its iterator; its errors (the file cannot be
** opened, gzip data is damaged) are raised as this reader's. */
static void call_lines(lua_State *L, int nargs, int nresults, const char *fname) {
  if (lua_pcall(L, nargs, nresults, 0) == LUA_OK) return;
  const char *msg = lua_tostring(L, -1), *own = "vfl.io.lines: ";
  if (msg && !strncmp(msg, own, strlen(own))) msg += strlen(own);
  lvfl_error(L, "%s: %s", fname, msg ? msg : "cannot read the file");
}

static int l_fasttext(lua_State *L) {
  const char *fname = "vfl.read.fasttext";
  if (lua_type(L, 1) != LUA_TSTRING) lvfl_argerror(L, 1, fname, "file name expected, got %s", lvfl_typename(L, 1));
  const char *path = lua_tostring(L, 1);
  ft_opts o;
  read_opts(L, 2, fname, &o);
  lua_settop(L, 2);
  lua_newtable(L); /* 3: classes, 1-based list of names */
  lua_newtable(L); /* 4: name -> 0-based id */
  given_classes(L, 2, 3, 4, &o, fname);
  o.path = path;
  lua_newtable(L); /* 5: features per row */
  lua_newtable(L); /* 6: label ids per row */
  lua_getfield(L, LUA_REGISTRYINDEX, "vfl.io.lines"); /* 7: the line iterator */
  lua_pushvalue(L, 1);
  call_lines(L, 1, 4, fname);
  lua_pop(L, 3);
  if (o.keep_names) o.words.names = lvfl_names_guard(L); /* 8: freed with its guard after the call */
  size_t rows = 0;
  for (uint64_t line_no = 1;; line_no++) {
    lua_pushvalue(L, 7);
    call_lines(L, 0, 1, fname);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    size_t len;
    const char *line = lua_tolstring(L, -1, &len);
    o.line_no = line_no;
    lua_newtable(L);
    int labels = lua_gettop(L);
    luaL_Buffer words;
    luaL_buffinit(L, &words);
    size_t n = split_line(L, line, len, &o, 3, 4, labels, &words);
    luaL_pushresult(&words); /* line, labels, words */
    if (n == 0) {
      if (strspn(line, " \t\r\v\f") != len)
        lvfl_error(L, "%s: %s:%llu: the line has no label (a token starting with '%s')", fname, path,
                   (unsigned long long)line_no, o.prefix);
      lua_pop(L, 3); /* a blank line */
      continue;
    }
    size_t wl;
    const char *w = lua_tolstring(L, -1, &wl);
    lvfl_push_words(L, w, wl, &o.words);
    lua_rawseti(L, 5, (lua_Integer)++rows);
    lua_pop(L, 1); /* the words */
    lua_rawseti(L, 6, (lua_Integer)rows);
    lua_pop(L, 1); /* the line */
  }
  if (rows == 0) lvfl_error(L, "%s: \"%s\" has no examples (an empty file, or only blank lines)", fname, path);
  build(L, path, &o, 5, 6, 3, fname);
  return 1;
}

void lvfl_open_fasttext(lua_State *L) {
  lua_getfield(L, -1, "io");
  lua_getfield(L, -1, "lines");
  lua_setfield(L, LUA_REGISTRYINDEX, "vfl.io.lines");
  lua_pop(L, 1);
  lua_getfield(L, -1, "read");
  lua_pushcfunction(L, l_fasttext);
  lua_setfield(L, -2, "fasttext");
  lua_pop(L, 1);
}
