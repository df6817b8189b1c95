/* The REPL loop, after Lua 5.4's lua.c doREPL: read a statement
 * (statement.c), run it, print the results through lua/vfl/repl.lua. */
#include "repl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "lauxlib.h"
#include "run.h"
#include "signals.h"
#include "statement.h"
#include "term.h"

static int module_ref = LUA_NOREF; /* the vfl.repl table */

/* Push module[name] if it is a function; 1 when pushed. */
static int push_module_fn(lua_State *L, const char *name) {
  if (module_ref == LUA_NOREF) return 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, module_ref);
  if (lua_getfield(L, -1, name) != LUA_TFUNCTION) {
    lua_pop(L, 2);
    return 0;
  }
  lua_remove(L, -2);
  return 1;
}

static void load_module(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "vfl.repl");
  if (run_call(L, 1, 1) != LUA_OK) { /* say why in one line */
    const char *msg = lua_tostring(L, -1);
    const char *nl = msg ? strchr(msg, '\n') : NULL;
    int len = msg == NULL ? 0 : nl ? (int)(nl - msg) : (int)strlen(msg);
    fprintf(stderr, "vfl: warning: REPL extras unavailable (set VFL_LUA_PATH?): %.*s\n", len,
            msg ? msg : "?");
    lua_pop(L, 1);
    return;
  }
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  module_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  if (push_module_fn(L, "setup")) {
    lua_createtable(L, 0, 2);
    lua_pushboolean(L, term_color_stdout());
    lua_setfield(L, -2, "color");
    lua_pushboolean(L, term_stdin_is_tty());
    lua_setfield(L, -2, "tty");
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) run_report(L, LUA_ERRRUN);
  }
}

static int complete_ref(lua_State *L) {
  if (!push_module_fn(L, "complete")) return LUA_NOREF;
  return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* ~/.vflrc, or $VFL_RC (empty: none). Errors are reported, the session goes on. */
static void run_rc(lua_State *L, int noenv) {
  char buf[4096];
  const char *rc = noenv ? NULL : getenv("VFL_RC");
  if (rc == NULL) {
    const char *home = getenv("HOME");
    if (home == NULL || *home == '\0') return;
    if ((size_t)snprintf(buf, sizeof buf, "%s/.vflrc", home) >= sizeof buf) return;
    if (access(buf, F_OK) != 0) return;
    rc = buf;
  }
  if (*rc == '\0') return;
  run_file(L, rc);
}

/* Results through vfl.repl.show (the pretty printer), else 'print'. */
static void print_results(lua_State *L) {
  int n = lua_gettop(L);
  int status;
  if (n == 0) return;
  luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
  lua_pushvalue(L, 1); /* `_` holds the (first) result, as in Python's REPL */
  lua_setglobal(L, "_");
  if (push_module_fn(L, "show")) {
    lua_insert(L, 1);
    lua_pushinteger(L, input_columns());
    lua_insert(L, 2);
  } else {
    lua_getglobal(L, "print");
    lua_insert(L, 1);
  }
  n = lua_gettop(L) - 1;
  status = run_call(L, n, 0);
  if (status != LUA_OK) {
    lua_pushfstring(L, "error printing the result (%s)", lua_tostring(L, -1));
    run_message(NULL, lua_tostring(L, -1));
    lua_settop(L, 0);
  }
}

static void print_hint(void) {
  if (!term_stdin_is_tty()) return;
  fputs("help() for help, ?name for a topic, Tab completes, Ctrl-D quits\n", stdout);
  fflush(stdout);
}

void repl_prepare(lua_State *L, int noenv) {
  load_module(L);
  run_rc(L, noenv);
}

void repl_run(lua_State *L, int noenv) {
  int status;
  const char *oldprogname = run_progname;
  run_progname = NULL;
  sig_prompt_install();
  input_open(L, term_stdin_is_tty(), noenv, complete_ref(L));
  print_hint();
  while ((status = statement_load(L)) != STATEMENT_EOF) {
    if (status == STATEMENT_SKIP) continue;
    if (status == LUA_OK) status = run_call(L, 0, LUA_MULTRET);
    if (status == LUA_OK) {
      print_results(L);
    } else {
      if (sig_command_interrupted() && term_stdin_is_tty()) fputs("\n", stderr); /* after ^C */
      run_report(L, status);
    }
  }
  lua_settop(L, 0);
  if (!input_is_readline()) fputs("\n", stdout);
  fflush(stdout);
  input_close();
  sig_prompt_uninstall();
  run_progname = oldprogname;
}
