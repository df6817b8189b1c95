/* vfl: a Lua 5.4 interpreter with vfl preloaded. The command line is the
 * one of `lua` 5.4 (see args.c); the REPL adds readline, completion, help
 * and a pretty printer (see repl.c). The structure follows lua.c. */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "lauxlib.h"
#include "lualib.h"
#include "paths.h"
#include "prelude.h"
#include "repl.h"
#include "run.h"
#include "subcommand.h"
#include "term.h"

static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  int script;
  int args = args_collect(argv, &script);
  int optlim = (script > 0) ? script : argc;
  int noenv = (args & ARGS_NOENV) != 0;
  luaL_checkversion(L);
  if (args == ARGS_ERROR) {
    args_usage(argv[script]);
    return 0;
  }
  if (args == ARGS_HELP || args == ARGS_VERSION) {
    if (args == ARGS_HELP)
      args_help();
    else
      run_print_version();
    lua_pushboolean(L, 1);
    return 1;
  }
  if (args & ARGS_V) run_print_version();
  if (noenv) { /* tell the libraries to ignore LUA_PATH and friends */
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
  }
  luaL_openlibs(L);
  args_create_table(L, argv, argc, script);
  lua_gc(L, LUA_GCRESTART);
  lua_gc(L, LUA_GCGEN, 0, 0);
  paths_setup(L, noenv);
  if (prelude_open(L) != LUA_OK) return 0;
  if (!noenv && run_luainit(L) != LUA_OK) return 0;
  int bare = script < 1 && !(args & (ARGS_EXEC | ARGS_V)); /* nothing to run: a REPL or stdin */
  int interactive = (args & ARGS_I) || (bare && term_stdin_is_tty());
  if (interactive && !(args & ARGS_I)) run_print_version();
  if (interactive) repl_prepare(L, noenv); /* ~/.vflrc first */
  if (!args_run(L, argv, optlim)) return 0;
  if (script == 1 && subcommand_is(argv[1])) { /* vfl supervised ..., fastText's command line */
    lua_pushboolean(L, subcommand_run(L, argv + 1, argc - 1));
    return 1;
  }
  if (script > 0 && run_script(L, argv + script) != LUA_OK) return 0;
  if (interactive) {
    repl_run(L, noenv);
  } else if (bare) {
    run_file(L, NULL); /* stdin as a script */
  }
  lua_pushboolean(L, 1);
  return 1;
}

int main(int argc, char **argv) {
  int status, result;
  lua_State *L = luaL_newstate();
  if (L == NULL) {
    run_message(argv[0], "cannot create state: not enough memory");
    return EXIT_FAILURE;
  }
  lua_gc(L, LUA_GCSTOP);
  lua_pushcfunction(L, &pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  status = lua_pcall(L, 2, 1, 0);
  result = lua_toboolean(L, -1);
  run_report(L, status);
  lua_close(L);
  return (result && status == LUA_OK) ? EXIT_SUCCESS : EXIT_FAILURE;
}
