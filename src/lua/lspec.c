/*
** lspec.c -- the small descriptions a net is built from: vfl.layers.*,
** vfl.priors.* and vfl.optim.*. They are plain values (userdata holding the
** engine's spec structs) until a net uses them, so one layer or optimizer
** can be reused across nets.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lvfl.h"

/* ---------------------------------------------------------------- layers */

/* Reads {name=} and stores the name in the layer's user value. */
static void layer_name_opt(lua_State *L, int layer, int opts, const char *fname) {
  const char *name = lvfl_optstring(L, opts, "name", NULL, fname);
  if (!name) return;
  if (!*name) lvfl_error(L, "%s: option 'name' must not be empty", fname);
  lvfl_pushuv(L, layer);
  lua_pushstring(L, name);
  lua_setfield(L, -2, "name");
  lua_pop(L, 1);
}

/* n_groups: room for that many cross group ids after the spec. */
static lvfl_layer *new_layer(lua_State *L, int kind, const char *kindname, uint32_t n_groups) {
  lvfl_layer *l = lvfl_newobject(L, sizeof *l + (size_t)n_groups * sizeof(uint32_t), LVFL_LAYER);
  l->spec.kind = kind;
  l->kind = kindname;
  return l;
}

static int input_layer(lua_State *L, int input_kind, const char *kindname, const char *fname) {
  static const char *const known[] = {"name", NULL};
  uint32_t dim = (uint32_t)lvfl_checkint(L, 1, fname, "argument #1 (dim)", 1, UINT32_MAX);
  lvfl_checkopts(L, 2, fname, known);
  lvfl_layer *l = new_layer(L, VFL_LAYER_INPUT, kindname, 0);
  l->spec.input_kind = input_kind;
  l->spec.dim = dim;
  layer_name_opt(L, lua_gettop(L), 2, fname);
  return 1;
}

static int l_sparse(lua_State *L) { return input_layer(L, VFL_INPUT_SPARSE, "sparse", "vfl.layers.sparse"); }
static int l_dense(lua_State *L) { return input_layer(L, VFL_INPUT_DENSE, "dense", "vfl.layers.dense"); }
static int l_grouped(lua_State *L) { return input_layer(L, VFL_INPUT_GROUPED, "grouped", "vfl.layers.grouped"); }

static void check_prior_value(lua_State *L, int idx, const char *fname) {
  if (luaL_testudata(L, idx, LVFL_PRIOR)) return;
  if (lua_istable(L, idx)) {
    size_t n = lua_rawlen(L, idx);
    for (size_t i = 1; i <= n; i++) {
      lua_rawgeti(L, idx, (lua_Integer)i);
      if (!luaL_testudata(L, -1, LVFL_PRIOR))
        lvfl_error(L, "%s: option 'prior' entry %zu must be a vfl.prior, got %s", fname, i, lvfl_typename(L, -1));
      lua_pop(L, 1);
    }
    if (n) return;
  }
  lvfl_error(L, "%s: option 'prior' must be a vfl.prior (vfl.priors.l2(...)) or a list of them, got %s", fname,
             lvfl_typename(L, idx));
}

/* Keeps {prior=, optim=} of a layer with weights in its user value, for
** net:add to attach. */
static void weight_opts(lua_State *L, int li, int opts, const char *fname) {
  if (!lua_istable(L, opts)) return;
  lua_getfield(L, opts, "prior");
  if (!lua_isnil(L, -1)) {
    check_prior_value(L, -1, fname);
    lvfl_pushuv(L, li);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "prior");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, opts, "optim");
  if (!lua_isnil(L, -1)) {
    if (!luaL_testudata(L, -1, LVFL_OPTIM))
      lvfl_error(L, "%s: option 'optim' must be a vfl.optim (vfl.optim.adam{...}), got %s", fname, lvfl_typename(L, -1));
    lvfl_pushuv(L, li);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "optim");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static lvfl_layer *embedding_layer(lua_State *L, uint32_t dim, int pool, int bias) {
  lvfl_layer *l = new_layer(L, VFL_LAYER_EMBEDDING, "embedding", 0);
  l->spec.dim = dim;
  l->spec.pool = pool;
  l->spec.intercept = bias;
  return l;
}

/* vfl.layers.linear(out, {intercept=true, mean=false, prior=, optim=, name=});
** mean = true is the embedding bag of old: an embedding pooling by the
** mean, keeping the intercept (on unless intercept = false) as before. */
static int l_linear(lua_State *L) {
  const char *fname = "vfl.layers.linear";
  static const char *const known[] = {"intercept", "mean", "prior", "optim", "name", NULL};
  uint32_t out = (uint32_t)lvfl_checkint(L, 1, fname, "argument #1 (outputs)", 1, UINT32_MAX);
  lvfl_checkopts(L, 2, fname, known);
  int intercept = lvfl_optbool(L, 2, "intercept", 1, fname);
  if (lvfl_optbool(L, 2, "mean", 0, fname)) {
    embedding_layer(L, out, VFL_POOL_MEAN, intercept);
  } else {
    lvfl_layer *l = new_layer(L, VFL_LAYER_LINEAR, "linear", 0);
    l->spec.dim = out;
    l->spec.intercept = intercept;
  }
  int li = lua_gettop(L);
  layer_name_opt(L, li, 2, fname);
  weight_opts(L, li, 2, fname);
  lua_settop(L, li);
  return 1;
}

/* vfl.layers.embedding(dim, {pool="sum", bias=false, prior=, optim=, name=}) */
static int l_embedding(lua_State *L) {
  const char *fname = "vfl.layers.embedding";
  static const char *const known[] = {"pool", "bias", "prior", "optim", "name", NULL};
  static const char *const pools[] = {"sum", "mean", "sqrtn", "max", "wmean", NULL}; /* VFL_POOL_* order */
  uint32_t dim = (uint32_t)lvfl_checkint(L, 1, fname, "argument #1 (dim)", 1, UINT32_MAX);
  lvfl_checkopts(L, 2, fname, known);
  const char *pool = lvfl_optstring(L, 2, "pool", "sum", fname);
  int k = 0;
  while (pools[k] && strcmp(pools[k], pool)) k++;
  if (!pools[k])
    lvfl_error(L, "%s: option 'pool' must be \"sum\", \"mean\", \"sqrtn\", \"max\" or \"wmean\", got \"%s\"", fname, pool);
  int bias = lvfl_optbool(L, 2, "bias", 0, fname);
  embedding_layer(L, dim, k, bias);
  int li = lua_gettop(L);
  layer_name_opt(L, li, 2, fname);
  weight_opts(L, li, 2, fname);
  lua_settop(L, li);
  return 1;
}

/* vfl.layers.fm(k, {linear=true, bits=, prior=, optim=, name=}) and
** vfl.layers.ffm(k, {...}): the factorization machines (layers/fm.c, ffm.c). */
static int fm_layer(lua_State *L, int kind, const char *kindname, const char *fname) {
  static const char *const known[] = {"linear", "bits", "prior", "optim", "name", NULL};
  uint32_t k = (uint32_t)lvfl_checkint(L, 1, fname, "argument #1 (k, factors per feature)", 1, 1024);
  lvfl_checkopts(L, 2, fname, known);
  int linear = lvfl_optbool(L, 2, "linear", 1, fname);
  uint32_t bits = (uint32_t)lvfl_optint(L, 2, "bits", 0, fname, 1, 31);
  lvfl_layer *l = new_layer(L, kind, kindname, 0);
  int li = lua_gettop(L);
  l->spec.dim = k;
  l->spec.intercept = linear;
  l->spec.hash_bits = bits;
  layer_name_opt(L, li, 2, fname);
  weight_opts(L, li, 2, fname);
  lua_settop(L, li);
  return 1;
}

static int l_fm(lua_State *L) { return fm_layer(L, VFL_LAYER_FM, "fm", "vfl.layers.fm"); }
static int l_ffm(lua_State *L) { return fm_layer(L, VFL_LAYER_FFM, "ffm", "vfl.layers.ffm"); }

static int simple_layer(lua_State *L, int kind, const char *kindname, const char *fname) {
  static const char *const known[] = {"name", NULL};
  lvfl_checkopts(L, 1, fname, known);
  new_layer(L, kind, kindname, 0);
  layer_name_opt(L, lua_gettop(L), 1, fname);
  return 1;
}

static int l_relu(lua_State *L) { return simple_layer(L, VFL_LAYER_RELU, "relu", "vfl.layers.relu"); }
static int l_tanh(lua_State *L) { return simple_layer(L, VFL_LAYER_TANH, "tanh", "vfl.layers.tanh"); }
static int l_selu(lua_State *L) { return simple_layer(L, VFL_LAYER_SELU, "selu", "vfl.layers.selu"); }
static int l_sigmoid(lua_State *L) { return simple_layer(L, VFL_LAYER_SIGMOID, "sigmoid", "vfl.layers.sigmoid"); }
static int l_concat(lua_State *L) { return simple_layer(L, VFL_LAYER_CONCAT, "concat", "vfl.layers.concat"); }
static int l_add(lua_State *L) { return simple_layer(L, VFL_LAYER_ADD, "add", "vfl.layers.add"); }

static int l_dropout(lua_State *L) {
  const char *fname = "vfl.layers.dropout";
  static const char *const known[] = {"name", NULL};
  double rate = lvfl_checknum(L, 1, fname, "argument #1 (rate)");
  if (!(rate >= 0 && rate < 1)) lvfl_error(L, "%s: argument #1 (rate) must be in [0, 1), got %g", fname, rate);
  lvfl_checkopts(L, 2, fname, known);
  lvfl_layer *l = new_layer(L, VFL_LAYER_DROPOUT, "dropout", 0);
  l->spec.rate = (float)rate;
  layer_name_opt(L, lua_gettop(L), 2, fname);
  return 1;
}

/* The length every entry of the list at `list` shares (2 to 8). */
static uint32_t cross_order(lua_State *L, int list, uint32_t n, const char *fname, const char *key) {
  uint32_t order = 0;
  for (uint32_t i = 0; i < n; i++) {
    lua_rawgeti(L, list, (lua_Integer)i + 1);
    uint32_t len = lua_istable(L, -1) ? (uint32_t)lua_rawlen(L, -1) : 0;
    lua_pop(L, 1);
    if (len < 2 || len > 8)
      lvfl_error(L, "%s: %s[%u] must list 2 to 8 group ids like {1, 2, 3}", fname, key, i + 1);
    if (order && len != order)
      lvfl_error(L, "%s: %s[%u] crosses %u groups, %s[1] crosses %u; one cross layer takes crosses of one order "
                 "(use one layer per order)", fname, key, i + 1, len, key, order);
    order = len;
  }
  return order;
}

/* vfl.layers.cross{bits=, pairs={{1,2},{1,3}}, name=} or
** {bits=, crosses={{1,2,3}, ...}}: group ids are 1-based here, like
** vfl.hash.group's. */
static int l_cross(lua_State *L) {
  const char *fname = "vfl.layers.cross";
  static const char *const known[] = {"bits", "pairs", "crosses", "name", NULL};
  if (!lua_istable(L, 1))
    lvfl_argerror(L, 1, fname, "table {bits=, crosses=} expected, got %s", lvfl_typename(L, 1));
  lvfl_checkopts(L, 1, fname, known);
  uint32_t bits = (uint32_t)lvfl_optint(L, 1, "bits", 0, fname, 1, 31);
  if (!bits) lvfl_error(L, "%s: option 'bits' is required", fname);
  lua_getfield(L, 1, "pairs");
  lua_getfield(L, 1, "crosses");
  if (!lua_isnil(L, -1) && !lua_isnil(L, -2)) lvfl_error(L, "%s: give 'crosses' or 'pairs', not both", fname);
  const char *key = lua_isnil(L, -1) ? "pairs" : "crosses";
  if (lua_isnil(L, -1)) lua_pop(L, 1);
  if (!lua_istable(L, -1) || lua_rawlen(L, -1) == 0)
    lvfl_error(L, "%s: option '%s' must be a non-empty list of group lists like {{1, 2}, {1, 2, 3}}", fname, key);
  uint32_t n = (uint32_t)lua_rawlen(L, -1);
  int list = lua_gettop(L);
  uint32_t order = cross_order(L, list, n, fname, key);
  if (key[0] == 'p' && order != 2) lvfl_error(L, "%s: option 'pairs' takes pairs; crosses of %u groups go in 'crosses'", fname, order);
  lvfl_layer *l = new_layer(L, VFL_LAYER_CROSS, "cross", n * order);
  for (uint32_t i = 0; i < n; i++) {
    lua_rawgeti(L, list, (lua_Integer)i + 1);
    for (uint32_t k = 0; k < order; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k + 1);
      char what[64];
      snprintf(what, sizeof what, "%s[%u][%u] (a group id)", key, i + 1, k + 1);
      l->crosses[order * i + k] = (uint32_t)lvfl_checkint(L, -1, fname, what, 1, 256) - 1;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  l->spec.cross_bits = bits;
  l->spec.cross_order = order;
  l->spec.n_crosses = n;
  l->spec.crosses = l->crosses;
  layer_name_opt(L, lua_gettop(L), 1, fname);
  return 1;
}

/* The kind's Lua name and description come from the engine's table of kinds. */
const char *lvfl_layer_kind(const vfl_layer_spec *s) { return vfl_layer_kind_name(s); }

void lvfl_layer_describe(const vfl_layer_spec *s, char *buf, size_t size) { vfl_layer_describe(s, buf, size); }

static int layer_tostring(lua_State *L) {
  lvfl_layer *l = lua_touserdata(L, 1);
  char buf[128];
  lvfl_layer_describe(&l->spec, buf, sizeof buf);
  lua_pushfstring(L, "vfl.layers.%s", buf);
  return 1;
}

/* layer.kind, layer.dim, layer.name, layer.prior, layer.optim */
static int layer_index(lua_State *L) {
  lvfl_layer *l = lua_touserdata(L, 1);
  const char *k = lua_tostring(L, 2);
  if (k && !strcmp(k, "kind")) return lua_pushstring(L, l->kind), 1;
  if (k && !strcmp(k, "dim")) return lua_pushinteger(L, l->spec.dim), 1;
  if (k && (!strcmp(k, "name") || !strcmp(k, "prior") || !strcmp(k, "optim"))) {
    lvfl_pushuv(L, 1);
    lua_getfield(L, -1, k);
    return 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

/* ---------------------------------------------------------------- priors */

static const char *prior_kind(int kind) {
  return kind == VFL_PRIOR_L2 ? "l2" : kind == VFL_PRIOR_L1 ? "l1" : "positive";
}

/* Common options: parent= (a parent's name or 1-based position). */
static void prior_parent_opt(lua_State *L, int prior, int opts, const char *fname) {
  if (!lua_istable(L, opts)) return;
  lua_getfield(L, opts, "parent");
  if (!lua_isnil(L, -1)) {
    if (lua_type(L, -1) != LUA_TSTRING) lvfl_checkint(L, -1, fname, "option 'parent'", 1, 65536);
    lvfl_pushuv(L, prior);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "parent");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static lvfl_prior *new_prior(lua_State *L, int kind, double lambda) {
  lvfl_prior *p = lvfl_newobject(L, sizeof *p, LVFL_PRIOR);
  p->spec.kind = kind;
  p->spec.lambda = (float)lambda;
  p->spec.parent = -1;
  return p;
}

static double check_lambda(lua_State *L, const char *fname) {
  double lambda = lvfl_checknum(L, 1, fname, "argument #1 (lambda)");
  if (!(lambda >= 0)) lvfl_error(L, "%s: argument #1 (lambda) must be >= 0, got %g", fname, lambda);
  return lambda;
}

/* Keeps the tables named in keys (when given) in the prior's user value,
** for the net to read once the layer's shape is known. */
static void prior_table_opts(lua_State *L, int p, int opts, const char *const *keys, const char *fname) {
  if (!lua_istable(L, opts)) return;
  for (int i = 0; keys[i]; i++) {
    lua_getfield(L, opts, keys[i]);
    if (!lua_isnil(L, -1)) {
      if (!lua_istable(L, -1))
        lvfl_error(L, "%s: option '%s' must be a table of numbers, got %s", fname, keys[i], lvfl_typename(L, -1));
      lvfl_pushuv(L, p);
      lua_pushvalue(L, -2);
      lua_setfield(L, -2, keys[i]);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
}

/* vfl.priors.l2(lambda, {per_feature=, center=, parent=}) */
static int l_l2(lua_State *L) {
  const char *fname = "vfl.priors.l2";
  static const char *const known[] = {"per_feature", "center", "parent", NULL};
  double lambda = check_lambda(L, fname);
  lvfl_checkopts(L, 2, fname, known);
  new_prior(L, VFL_PRIOR_L2, lambda);
  int p = lua_gettop(L);
  prior_parent_opt(L, p, 2, fname);
  static const char *const tables[] = {"per_feature", "center", NULL};
  prior_table_opts(L, p, 2, tables, fname);
  return 1;
}

/* vfl.priors.l1(lambda, {center=, parent=}) */
static int l_l1(lua_State *L) {
  const char *fname = "vfl.priors.l1";
  static const char *const known[] = {"center", "parent", NULL}, *const tables[] = {"center", NULL};
  double lambda = check_lambda(L, fname);
  lvfl_checkopts(L, 2, fname, known);
  new_prior(L, VFL_PRIOR_L1, lambda);
  prior_parent_opt(L, lua_gettop(L), 2, fname);
  prior_table_opts(L, lua_gettop(L), 2, tables, fname);
  return 1;
}

/* vfl.priors.positive{floor=0, parent=} */
static int l_positive(lua_State *L) {
  const char *fname = "vfl.priors.positive";
  static const char *const known[] = {"floor", "parent", NULL};
  lvfl_checkopts(L, 1, fname, known);
  double floor = lvfl_optnum(L, 1, "floor", 0.0, fname);
  if (!(floor - floor == 0)) lvfl_error(L, "%s: option 'floor' must be a finite number, got %g", fname, floor);
  lvfl_prior *pr = new_prior(L, VFL_PRIOR_POSITIVE, 0);
  pr->spec.floor = (float)floor;
  prior_parent_opt(L, lua_gettop(L), 1, fname);
  return 1;
}

void lvfl_prior_spec_describe(const vfl_prior_spec *p, char *buf, size_t size) {
  const char *extra = p->per_row ? ", per feature" : "", *center = p->center ? ", centred" : "";
  if (p->kind == VFL_PRIOR_POSITIVE && p->floor != 0)
    snprintf(buf, size, "positive(floor %g)", (double)p->floor);
  else if (p->kind == VFL_PRIOR_POSITIVE)
    snprintf(buf, size, "positive");
  else
    snprintf(buf, size, "%s(%g%s%s)", prior_kind(p->kind), (double)p->lambda, extra, center);
}

/* A vfl.prior keeps its tables in its user value: described as the engine's
** spec with them (only whether each is there matters). */
void lvfl_prior_describe(lua_State *L, int idx, char *buf, size_t size) {
  static const float given = 0;
  vfl_prior_spec s = ((lvfl_prior *)lua_touserdata(L, idx))->spec;
  lvfl_pushuv(L, idx);
  lua_getfield(L, -1, "per_feature");
  lua_getfield(L, -2, "center");
  s.per_row = lua_isnil(L, -2) ? NULL : &given;
  s.center = lua_isnil(L, -1) ? NULL : &given;
  lua_pop(L, 3);
  lvfl_prior_spec_describe(&s, buf, size);
}

static int prior_tostring(lua_State *L) {
  char buf[128];
  lvfl_prior_describe(L, 1, buf, sizeof buf);
  lua_pushfstring(L, "vfl.priors.%s", buf);
  return 1;
}

/* ------------------------------------------------------------ optimizers */

static const char *optim_name(int kind) {
  return kind == VFL_OPTIM_SGD       ? "sgd"
         : kind == VFL_OPTIM_ADAGRAD ? "adagrad"
         : kind == VFL_OPTIM_FTRL    ? "ftrl"
                                     : "adam";
}

static const char *const schedule_names[] = {"constant", "linear", "cosine", "step", NULL};

/* schedule=, warmup=, every=, factor= (any kind): see vfl_optim_spec. */
static void read_schedule(lua_State *L, vfl_optim_spec *s, const char *fname) {
  const char *name = lvfl_optstring(L, 1, "schedule", "constant", fname);
  s->schedule = -1;
  for (int i = 0; schedule_names[i]; i++)
    if (!strcmp(name, schedule_names[i])) s->schedule = i;
  if (s->schedule < 0)
    lvfl_error(L, "%s: option 'schedule' must be \"constant\", \"linear\", \"cosine\" or \"step\", got \"%s\"", fname, name);
  double warmup = lvfl_optnum(L, 1, "warmup", 0, fname);
  if (!(warmup >= 0 && warmup < 1))
    lvfl_error(L, "%s: option 'warmup' is the fraction of the run to ramp up over, in [0, 1), got %g", fname, warmup);
  s->warmup = (float)warmup;
  int step = s->schedule == VFL_SCHEDULE_STEP;
  lua_getfield(L, 1, "every");
  int has_every = !lua_isnil(L, -1);
  lua_getfield(L, 1, "factor");
  int has_factor = !lua_isnil(L, -1);
  lua_pop(L, 2);
  if (!step && (has_every || has_factor))
    lvfl_error(L, "%s: option '%s' belongs to schedule = \"step\"", fname, has_every ? "every" : "factor");
  if (!step) return;
  double every = lvfl_optnum(L, 1, "every", 1, fname), factor = lvfl_optnum(L, 1, "factor", 0.1, fname);
  if (!(every > 0) || isinf(every)) lvfl_error(L, "%s: option 'every' (epochs between steps) must be above 0, got %g", fname, every);
  if (!(factor > 0 && factor <= 1)) lvfl_error(L, "%s: option 'factor' must be in (0, 1], got %g", fname, factor);
  s->every = (float)every;
  s->factor = (float)factor;
}

/* FTRL's own settings: alpha (its lr), beta, l1, l2. */
static void read_ftrl(lua_State *L, vfl_optim_spec *s, double alpha, const char *fname) {
  alpha = lvfl_optnum(L, 1, "alpha", alpha, fname);
  if (!(alpha > 0) || isinf(alpha)) lvfl_error(L, "%s: option 'alpha' must be above 0, got %g", fname, alpha);
  double beta = lvfl_optnum(L, 1, "beta", 1, fname), l1 = lvfl_optnum(L, 1, "l1", 0, fname),
         l2 = lvfl_optnum(L, 1, "l2", 0, fname);
  if (!(beta > 0) || isinf(beta)) lvfl_error(L, "%s: option 'beta' must be above 0, got %g", fname, beta);
  if (!(l1 >= 0) || isinf(l1)) lvfl_error(L, "%s: option 'l1' must be >= 0, got %g", fname, l1);
  if (!(l2 >= 0) || isinf(l2)) lvfl_error(L, "%s: option 'l2' must be >= 0, got %g", fname, l2);
  s->lr = (float)alpha;
  s->eps = (float)beta;
  s->l1 = (float)l1;
  s->l2 = (float)l2;
}

#define SCHEDULE_OPTS "schedule", "warmup", "every", "factor", "epochs", "batch"

/* vfl.optim.<kind>{lr=, epochs=, batch=, schedule=, ...} or vfl.optim.<kind>(lr) */
static int new_optim(lua_State *L, int kind, double lr, const char *fname) {
  static const char *const known_sgd[] = {"lr", SCHEDULE_OPTS, NULL};
  static const char *const known_adagrad[] = {"lr", "eps", SCHEDULE_OPTS, NULL};
  static const char *const known_adam[] = {"lr", "beta1", "beta2", "eps", SCHEDULE_OPTS, NULL};
  static const char *const known_ftrl[] = {"alpha", "beta", "l1", "l2", SCHEDULE_OPTS, NULL};
  if (lua_type(L, 1) == LUA_TNUMBER) {
    lr = lua_tonumber(L, 1);
    lua_settop(L, 0);
  }
  lvfl_checkopts(L, 1, fname,
                 kind == VFL_OPTIM_SGD       ? known_sgd
                 : kind == VFL_OPTIM_ADAGRAD ? known_adagrad
                 : kind == VFL_OPTIM_FTRL    ? known_ftrl
                                             : known_adam);
  if (kind != VFL_OPTIM_FTRL) lr = lvfl_optnum(L, 1, "lr", lr, fname);
  if (!(lr > 0)) lvfl_error(L, "%s: the learning rate must be above 0, got %g", fname, lr);
  lvfl_optim *o = lvfl_newobject(L, sizeof *o, LVFL_OPTIM);
  memset(&o->spec, 0, sizeof o->spec);
  o->spec.kind = kind;
  o->spec.lr = (float)lr;
  if (kind == VFL_OPTIM_FTRL) {
    read_ftrl(L, &o->spec, lr, fname);
  } else {
    o->spec.beta1 = (float)lvfl_optnum(L, 1, "beta1", 0.9, fname);
    o->spec.beta2 = (float)lvfl_optnum(L, 1, "beta2", 0.999, fname);
    o->spec.eps = (float)lvfl_optnum(L, 1, "eps", 1e-8, fname);
    if (kind == VFL_OPTIM_ADAM && !(o->spec.beta1 >= 0 && o->spec.beta1 < 1 && o->spec.beta2 >= 0 && o->spec.beta2 < 1))
      lvfl_error(L, "%s: beta1 and beta2 must be in [0, 1)", fname);
    if (!(o->spec.eps > 0)) lvfl_error(L, "%s: option 'eps' must be above 0", fname);
  }
  read_schedule(L, &o->spec, fname);
  o->epochs = (uint32_t)lvfl_optint(L, 1, "epochs", 0, fname, 1, UINT32_MAX);
  o->batch = (uint32_t)lvfl_optint(L, 1, "batch", 0, fname, 1, UINT32_MAX);
  return 1;
}

static int l_sgd(lua_State *L) { return new_optim(L, VFL_OPTIM_SGD, 0.1, "vfl.optim.sgd"); }
static int l_adagrad(lua_State *L) { return new_optim(L, VFL_OPTIM_ADAGRAD, 0.1, "vfl.optim.adagrad"); }
static int l_adam(lua_State *L) { return new_optim(L, VFL_OPTIM_ADAM, 1e-3, "vfl.optim.adam"); }
static int l_ftrl(lua_State *L) { return new_optim(L, VFL_OPTIM_FTRL, 0.1, "vfl.optim.ftrl"); }

void lvfl_optim_describe(const lvfl_optim *o, char *buf, size_t size) {
  const vfl_optim_spec *s = &o->spec;
  int n = s->kind == VFL_OPTIM_FTRL
              ? snprintf(buf, size, "ftrl{alpha=%g, beta=%g, l1=%g, l2=%g", (double)s->lr, (double)s->eps,
                         (double)s->l1, (double)s->l2)
              : snprintf(buf, size, "%s{lr=%g", optim_name(s->kind), (double)s->lr);
  if (n > 0 && (size_t)n < size && s->schedule)
    n += snprintf(buf + n, size - (size_t)n, ", schedule=\"%s\"", schedule_names[s->schedule]);
  if (n > 0 && (size_t)n < size && s->schedule == VFL_SCHEDULE_STEP)
    n += snprintf(buf + n, size - (size_t)n, ", every=%g, factor=%g", (double)s->every, (double)s->factor);
  if (n > 0 && (size_t)n < size && s->warmup > 0) n += snprintf(buf + n, size - (size_t)n, ", warmup=%g", (double)s->warmup);
  if (n > 0 && (size_t)n < size && o->epochs) n += snprintf(buf + n, size - (size_t)n, ", epochs=%u", o->epochs);
  if (n > 0 && (size_t)n < size && o->batch) n += snprintf(buf + n, size - (size_t)n, ", batch=%u", o->batch);
  if (n > 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, "}");
}

static int optim_tostring(lua_State *L) {
  char buf[256];
  lvfl_optim_describe(lua_touserdata(L, 1), buf, sizeof buf);
  lua_pushfstring(L, "vfl.optim.%s", buf);
  return 1;
}

/* o.kind, o.lr, o.epochs, o.batch, o.beta1, o.beta2, o.eps */
static int optim_index(lua_State *L) {
  lvfl_optim *o = lua_touserdata(L, 1);
  const char *k = lua_tostring(L, 2);
  if (k) {
    if (!strcmp(k, "kind")) return lua_pushstring(L, optim_name(o->spec.kind)), 1;
    if (!strcmp(k, "lr")) return lua_pushnumber(L, o->spec.lr), 1;
    if (!strcmp(k, "beta1")) return lua_pushnumber(L, o->spec.beta1), 1;
    if (!strcmp(k, "beta2")) return lua_pushnumber(L, o->spec.beta2), 1;
    if (!strcmp(k, "eps") && o->spec.kind != VFL_OPTIM_FTRL) return lua_pushnumber(L, o->spec.eps), 1;
    if (o->spec.kind == VFL_OPTIM_FTRL) {
      if (!strcmp(k, "alpha")) return lua_pushnumber(L, o->spec.lr), 1;
      if (!strcmp(k, "beta")) return lua_pushnumber(L, o->spec.eps), 1;
      if (!strcmp(k, "l1")) return lua_pushnumber(L, o->spec.l1), 1;
      if (!strcmp(k, "l2")) return lua_pushnumber(L, o->spec.l2), 1;
    }
    if (!strcmp(k, "schedule")) return lua_pushstring(L, schedule_names[o->spec.schedule]), 1;
    if (!strcmp(k, "warmup")) return lua_pushnumber(L, o->spec.warmup), 1;
    if (!strcmp(k, "every")) return o->spec.every > 0 ? lua_pushnumber(L, o->spec.every) : lua_pushnil(L), 1;
    if (!strcmp(k, "factor")) return o->spec.factor > 0 ? lua_pushnumber(L, o->spec.factor) : lua_pushnil(L), 1;
    if (!strcmp(k, "epochs")) return o->epochs ? lua_pushinteger(L, o->epochs) : lua_pushnil(L), 1;
    if (!strcmp(k, "batch")) return o->batch ? lua_pushinteger(L, o->batch) : lua_pushnil(L), 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

void lvfl_open_spec(lua_State *L) {
  static const luaL_Reg layers[] = {{"sparse", l_sparse}, {"dense", l_dense},     {"grouped", l_grouped},
                                    {"linear", l_linear}, {"relu", l_relu},       {"tanh", l_tanh},
                                    {"selu", l_selu},     {"sigmoid", l_sigmoid}, {"dropout", l_dropout},
                                    {"cross", l_cross},   {"embedding", l_embedding}, {"concat", l_concat},
                                    {"add", l_add},       {"fm", l_fm},           {"ffm", l_ffm},
                                    {NULL, NULL}};
  static const luaL_Reg priors[] = {{"l2", l_l2}, {"l1", l_l1}, {"positive", l_positive}, {NULL, NULL}};
  static const luaL_Reg optim[] = {{"sgd", l_sgd}, {"adagrad", l_adagrad}, {"adam", l_adam},
                                   {"ftrl", l_ftrl}, {NULL, NULL}};
  static const luaL_Reg layer_meta[] = {{"__tostring", layer_tostring}, {NULL, NULL}};
  static const luaL_Reg prior_meta[] = {{"__tostring", prior_tostring}, {NULL, NULL}};
  static const luaL_Reg optim_meta[] = {{"__tostring", optim_tostring}, {NULL, NULL}};
  /* `fields` names what the index functions answer, for completion. */
  lvfl_newclass(L, LVFL_LAYER, NULL, layer_meta, layer_index);
  lua_pushliteral(L, "kind dim name prior optim");
  lua_setfield(L, -2, "fields");
  lua_pop(L, 1);
  lvfl_newclass(L, LVFL_PRIOR, NULL, prior_meta, NULL);
  lua_pop(L, 1);
  lvfl_newclass(L, LVFL_OPTIM, NULL, optim_meta, optim_index);
  lua_pushliteral(L, "kind lr beta1 beta2 eps epochs batch schedule warmup every factor alpha beta l1 l2");
  lua_setfield(L, -2, "fields");
  lua_pop(L, 1);
  luaL_newlib(L, layers);
  lua_setfield(L, -2, "layers");
  luaL_newlib(L, priors);
  lua_setfield(L, -2, "priors");
  luaL_newlib(L, optim);
  lua_setfield(L, -2, "optim");
}
