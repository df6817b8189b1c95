/* Chunk running and error reporting, after Lua 5.4's lua.c. */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "signals.h"
#include "term.h"
#include "vfl.h"
#ifdef VFL_HAVE_BINDING
#include "vfl_lua.h"
#endif

const char *run_progname = "vfl";

void run_message(const char *pname, const char *msg) {
  int color = term_color_stderr();
  if (pname) fprintf(stderr, "%s: ", pname);
  fprintf(stderr, color ? "\x1b[31m%s\x1b[0m\n" : "%s\n", msg);
  fflush(stderr);
}

int run_report(lua_State *L, int status) {
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL) msg = "(error object is not a string)";
    run_message(run_progname, msg);
#ifdef VFL_HAVE_BINDING
    vfl_lua_dist_failed(msg); /* under mpirun: ends the whole job, naming this rank */
#endif
    lua_pop(L, 1);
  }
  return status;
}

/* Message handler: add a traceback; use __tostring for non-string errors. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  /* "[C]: in ?" frames (the REPL's own calls into Lua) say nothing */
  luaL_gsub(L, lua_tostring(L, -1), "\n\t[C]: in ?", "");
  return 1;
}

int run_call(lua_State *L, int narg, int nres) {
  int status;
  int base = lua_gettop(L) - narg;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  sig_command_begin(L);
  status = lua_pcall(L, narg, nres, base);
  sig_command_end(L);
  lua_remove(L, base);
  return status;
}

static int run_chunk(lua_State *L, int status) {
  if (status == LUA_OK) status = run_call(L, 0, 0);
  return run_report(L, status);
}

int run_file(lua_State *L, const char *name) {
  return run_chunk(L, luaL_loadfile(L, name));
}

int run_string(lua_State *L, const char *s, const char *chunkname) {
  return run_chunk(L, luaL_loadbuffer(L, s, strlen(s), chunkname));
}

int run_library(lua_State *L, char *globname) {
  int status;
  char *modname = strchr(globname, '=');
  if (modname == NULL) {
    modname = globname;
  } else {
    *modname = '\0';
    modname++;
  }
  lua_getglobal(L, "require");
  lua_pushstring(L, modname);
  status = run_call(L, 1, 1);
  if (status == LUA_OK) lua_setglobal(L, globname);
  return run_report(L, status);
}

/* Push arg[1..n]; return n. */
static int push_args(lua_State *L) {
  int i, n;
  if (lua_getglobal(L, "arg") != LUA_TTABLE) luaL_error(L, "'arg' is not a table");
  n = (int)luaL_len(L, -1);
  luaL_checkstack(L, n + 3, "too many arguments to script");
  for (i = 1; i <= n; i++) lua_rawgeti(L, -i, i);
  lua_remove(L, -i);
  return n;
}

int run_script(lua_State *L, char **argv) {
  int status;
  const char *fname = argv[0];
  if (strcmp(fname, "-") == 0 && strcmp(argv[-1], "--") != 0) fname = NULL; /* stdin */
  status = luaL_loadfile(L, fname);
  if (status == LUA_OK) {
    int n = push_args(L);
    status = run_call(L, n, LUA_MULTRET);
  }
  return run_report(L, status);
}

int run_luainit(lua_State *L) {
  const char *name = "=LUA_INIT_5_4";
  const char *init = getenv(name + 1);
  if (init == NULL) {
    name = "=LUA_INIT";
    init = getenv(name + 1);
  }
  if (init == NULL) return LUA_OK;
  if (init[0] == '@') return run_file(L, init + 1);
  return run_string(L, init, name);
}

void run_print_version(void) {
  printf("vfl %s -- %s\n", vfl_version(), LUA_COPYRIGHT);
  fflush(stdout);
}
