/*
** llearn_opts.c -- net:learn's training settings: from the optimizer
** (vfl.optim.*{epochs =, batch =}) and from the options table.
**
** The rule for a setting both can hold (epochs, batch): give it in one
** place. The same value in both is accepted; two different values are an
** error that says which to remove, never a silent choice.
*/
#include <string.h>

#include "llearn.h"

const lvfl_optim *learn_check_optim(lua_State *L) {
  if (lua_isnil(L, LEARN_OPTIM)) return NULL;
  const lvfl_optim *optim = luaL_testudata(L, LEARN_OPTIM, LVFL_OPTIM);
  if (!optim)
    lvfl_argerror(L, 3, "net:learn", "vfl.optim expected (vfl.optim.sgd{...}), got %s", lvfl_typename(L, LEARN_OPTIM));
  return optim;
}

/* A setting the optimizer may carry (given: its value there, 0 if not). */
static uint32_t shared_setting(lua_State *L, const char *key, uint32_t given, uint32_t def, const char *fname) {
  lua_getfield(L, LEARN_OPTS, key);
  int in_opts = !lua_isnil(L, -1);
  lua_pop(L, 1);
  if (!in_opts) return given ? given : def;
  uint32_t v = (uint32_t)lvfl_optint(L, LEARN_OPTS, key, def, fname, 1, UINT32_MAX);
  if (given && given != v)
    lvfl_error(L, "%s: %s is given twice, %u in the optimizer and %u in the options: remove one of them", fname, key,
               given, v);
  return v;
}

void learn_read_options(lua_State *L, learn_ctx *c, const lvfl_optim *optim, vfl_train_options *o, uint32_t *chunk) {
  static const char *const known[] = {"cores",   "progress",   "progress_every", "on_epoch", "seed",
                                      "shuffle", "epochs",     "batch",          "chunk",    "keep_last_good",
                                      "every",   "on_batches", "valid",          "metrics",  "class_weights",
                                      "schedule_rows", NULL};
  const char *fname = c->fname;
  lvfl_checkopts(L, LEARN_OPTS, fname, known);
  if (lua_isnil(L, LEARN_OPTS)) {
    lua_newtable(L); /* no options: an empty table reads the same */
    lua_replace(L, LEARN_OPTS);
  }
  vfl_train_defaults(o);
  if (optim) o->optim = optim->spec;
  o->epochs = shared_setting(L, "epochs", optim ? optim->epochs : 0, o->epochs, fname);
  o->batch = shared_setting(L, "batch", optim ? optim->batch : 0, o->batch, fname);
  o->threads = (uint32_t)lvfl_optint(L, LEARN_OPTS, "cores", 1, fname, 0, 4096);
  o->seed = (uint64_t)lvfl_optint(L, LEARN_OPTS, "seed", 1, fname, 0, INT64_MAX);
  o->shuffle = lvfl_optbool(L, LEARN_OPTS, "shuffle", 1, fname);
  /* on by default here: a diverging run keeps the last good weights */
  o->keep_last_good = lvfl_optbool(L, LEARN_OPTS, "keep_last_good", 1, fname);
  o->schedule_rows = (uint64_t)lvfl_optint(L, LEARN_OPTS, "schedule_rows", 0, fname, 1, INT64_MAX);
  *chunk = 0;
  if (c->streaming) {
    if (o->epochs > 1) lvfl_error(L, "%s: an iterator is read once; epochs must be 1 (call learn again for another pass)", fname);
    o->epochs = 1;
    *chunk = (uint32_t)lvfl_optint(L, LEARN_OPTS, "chunk", 8192, fname, 1, UINT32_MAX);
  }
}
