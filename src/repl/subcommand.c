/* Dispatch of the subcommands to lua/vfl/cli.lua; see subcommand.h. */
#include "subcommand.h"

#include <string.h>

#include "lauxlib.h"
#include "run.h"

static const char *const names[] = {"supervised", "test", "predict", "predict-prob", "inspect", "quantize", NULL};

int subcommand_is(const char *name) {
  for (int i = 0; name && names[i]; i++)
    if (strcmp(name, names[i]) == 0) return 1;
  return 0;
}

int subcommand_run(lua_State *L, char **argv, int argc) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "vfl.cli");
  if (run_call(L, 1, 1) != LUA_OK) {
    run_report(L, LUA_ERRRUN);
    return 0;
  }
  lua_getfield(L, -1, "main");
  lua_pushstring(L, argv[0]);
  lua_createtable(L, argc - 1, 0);
  for (int i = 1; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i);
  }
  if (run_call(L, 2, 1) != LUA_OK) {
    run_report(L, LUA_ERRRUN);
    return 0;
  }
  int status = (int)lua_tointeger(L, -1);
  lua_pop(L, 2);
  return status == 0;
}
