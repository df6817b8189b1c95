/* The REPL loop, after Lua 5.4's lua.c (loadline / addreturn / multiline),
 * with the Lua side in lua/vfl/repl.lua (printing, completion, '?'). */
#include "repl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "lauxlib.h"
#include "run.h"
#include "signals.h"
#include "term.h"

#define PROMPT1 "vfl> "
#define PROMPT2 "...> "
#define EOFMARK "<eof>"

enum { LOAD_EOF = -1, LOAD_SKIP = -2 };

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
  if (run_call(L, 1, 1) != LUA_OK) {
    lua_pushfstring(L, "warning: REPL extras unavailable: %s", lua_tostring(L, -1));
    run_message("vfl", lua_tostring(L, -1));
    lua_pop(L, 2);
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

static const char *get_prompt(lua_State *L, int firstline) {
  if (lua_getglobal(L, firstline ? "_PROMPT" : "_PROMPT2") == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushstring(L, firstline ? PROMPT1 : PROMPT2);
    return lua_tostring(L, -1);
  } else {
    const char *p = luaL_tolstring(L, -1, NULL);
    lua_remove(L, -2);
    return p;
  }
}

/* Push one line. Returns an INPUT_* status; pushes only on INPUT_LINE. */
static int pushline(lua_State *L, int firstline) {
  char *line = NULL;
  const char *prompt = get_prompt(L, firstline);
  int r = input_read(prompt, &line);
  lua_pop(L, 1);
  if (r != INPUT_LINE) return r;
  if (firstline && line[0] == '=') /* 5.2 compatibility, as lua.c */
    lua_pushfstring(L, "return %s", line + 1);
  else
    lua_pushstring(L, line);
  free(line);
  return INPUT_LINE;
}

/* The error was "unexpected <eof>": the statement continues on the next line. */
static int incomplete(lua_State *L, int status) {
  if (status == LUA_ERRSYNTAX) {
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    size_t mlen = sizeof EOFMARK - 1;
    if (lmsg >= mlen && strcmp(msg + lmsg - mlen, EOFMARK) == 0) {
      lua_pop(L, 1);
      return 1;
    }
  }
  return 0;
}

/* Try "return <line>;" so expressions print their values. */
static int addreturn(lua_State *L) {
  const char *line = lua_tostring(L, -1);
  const char *retline = lua_pushfstring(L, "return %s;", line);
  int status = luaL_loadbuffer(L, retline, strlen(retline), "=stdin");
  if (status == LUA_OK) {
    lua_remove(L, -2);
    input_remember(line);
  } else {
    lua_pop(L, 2);
  }
  return status;
}

/* Read continuation lines until the statement is complete. */
static int multiline(lua_State *L) {
  for (;;) {
    size_t len;
    const char *line = lua_tolstring(L, 1, &len);
    int status = luaL_loadbuffer(L, line, len, "=stdin");
    int r;
    if (!incomplete(L, status)) {
      input_remember(line);
      return status;
    }
    r = pushline(L, 0);
    if (r == INPUT_INTERRUPT) return LOAD_SKIP;
    if (r == INPUT_EOF) { /* report the unfinished statement */
      input_remember(line);
      return luaL_loadbuffer(L, line, len, "=stdin");
    }
    lua_pushliteral(L, "\n");
    lua_insert(L, -2);
    lua_concat(L, 3);
  }
}

/* "?topic": help on topic, through vfl.repl.question("topic"). */
static int load_question(lua_State *L) {
  const char *s = lua_tostring(L, 1) + 1;
  luaL_Buffer b;
  int status;
  input_remember(lua_tostring(L, 1));
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "return require('vfl.repl').question(\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      luaL_addchar(&b, '\\');
      luaL_addchar(&b, (char)c);
    } else if (c < 32 || c == 127) {
      char esc[8];
      snprintf(esc, sizeof esc, "\\%03u", (unsigned)c);
      luaL_addstring(&b, esc);
    } else {
      luaL_addchar(&b, (char)c);
    }
  }
  luaL_addstring(&b, "\")");
  luaL_pushresult(&b);
  status = luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin");
  lua_remove(L, -2);
  return status;
}

/* Leaves one value (a chunk or an error message) and returns its status,
 * or LOAD_EOF / LOAD_SKIP with an empty stack. */
static int loadline(lua_State *L) {
  int status, r;
  lua_settop(L, 0);
  r = pushline(L, 1);
  if (r == INPUT_EOF) return LOAD_EOF;
  if (r == INPUT_INTERRUPT) return LOAD_SKIP;
  if (lua_tostring(L, 1)[0] == '?')
    status = load_question(L);
  else if ((status = addreturn(L)) != LUA_OK)
    status = multiline(L);
  if (status == LOAD_SKIP) {
    lua_settop(L, 0);
    return LOAD_SKIP;
  }
  lua_remove(L, 1);
  return status;
}

/* Results through vfl.repl.show (the pretty printer), else 'print'. */
static void print_results(lua_State *L) {
  int n = lua_gettop(L);
  int status;
  if (n == 0) return;
  luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
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

void repl_run(lua_State *L, int noenv) {
  int status;
  const char *oldprogname = run_progname;
  run_progname = NULL;
  sig_prompt_install();
  load_module(L);
  input_open(L, term_stdin_is_tty(), noenv, complete_ref(L));
  print_hint();
  run_rc(L, noenv);
  while ((status = loadline(L)) != LOAD_EOF) {
    if (status == LOAD_SKIP) continue;
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
