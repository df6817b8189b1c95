/*
** llearn_loss.c -- net:learn's loss: a built-in one by name, or a Lua loss
** (a function, or "module.fn" required in every worker state). A Lua loss
** runs on the trainer workers, one lua_State each (lworkers.c), on one
** core as on many.
*/
#include <stdio.h>
#include <string.h>

#include "llearn.h"

static const char *const loss_names[] = {"logistic", "square", "multinomial", "hinge", "multilabel", NULL};
static const int loss_kinds[] = {VFL_LOSS_LOGISTIC, VFL_LOSS_SQUARE, VFL_LOSS_MULTINOMIAL, VFL_LOSS_HINGE,
                                  VFL_LOSS_MULTILABEL};

int lvfl_loss_kind(const char *name) {
  for (int i = 0; loss_names[i]; i++)
    if (!strcmp(name, loss_names[i])) return loss_kinds[i];
  return 0;
}

int lvfl_resolve_loss_name(lua_State *L, const char *name, char *err, size_t errlen) {
  const char *dot = strrchr(name, '.');
  if (!dot || dot == name || !dot[1]) {
    snprintf(err, errlen, "unknown loss '%s' (logistic, square, multinomial, hinge, multilabel, \"module.function\", or a function)", name);
    return 1;
  }
  int top = lua_gettop(L);
  lua_getglobal(L, "require");
  lua_pushlstring(L, name, (size_t)(dot - name));
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    snprintf(err, errlen, "loss '%s': %s", name, lua_tostring(L, -1) ? lua_tostring(L, -1) : "require failed");
    lua_settop(L, top);
    return 1;
  }
  if (lua_istable(L, -1)) lua_getfield(L, -1, dot + 1);
  else lua_pushnil(L);
  if (!lua_isfunction(L, -1)) {
    snprintf(err, errlen, "loss '%s': the module has no function '%s'", name, dot + 1);
    lua_settop(L, top);
    return 1;
  }
  lua_replace(L, top + 1);
  lua_settop(L, top + 1);
  return 0;
}

void learn_setup_loss(lua_State *L, learn_ctx *c, uint32_t n_workers, const vfl_dataset *schema, vfl_loss_spec *loss) {
  memset(loss, 0, sizeof *loss);
  if (lua_type(L, LEARN_LOSS) == LUA_TSTRING) {
    loss->kind = lvfl_loss_kind(lua_tostring(L, LEARN_LOSS));
    if (loss->kind) return;
  }
  const char *loss_name = NULL; /* a Lua loss given as "module.fn" */
  if (!lua_isfunction(L, LEARN_LOSS)) {
    char err[300];
    loss_name = lua_tostring(L, LEARN_LOSS);
    if (lvfl_resolve_loss_name(L, loss_name, err, sizeof err)) lvfl_argerror(L, 2, c->fname, "%s", err);
    lua_pop(L, 1); /* resolved here only to report a bad name before the workers start */
  }
  loss->kind = VFL_LOSS_CUSTOM;
  loss->fn = lvfl_workers_loss;
  loss->ud = lvfl_workers_open(L, LEARN_LOSS, loss_name, n_workers, schema, c->net, c->fname);
}
