/* Reading one statement in the REPL, after lua.c: try "return <line>;" so
 * that expressions print their values, else read continuation lines while
 * the chunk ends at <eof>. "=expr" is "return expr"; "?name" is help. */
#include "statement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "lauxlib.h"

#define PROMPT1 "vfl> "
#define PROMPT2 "...> "
#define EOFMARK "<eof>"

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
    if (r == INPUT_INTERRUPT) return STATEMENT_SKIP;
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

int statement_load(lua_State *L) {
  int status, r;
  lua_settop(L, 0);
  r = pushline(L, 1);
  if (r == INPUT_EOF) return STATEMENT_EOF;
  if (r == INPUT_INTERRUPT) return STATEMENT_SKIP;
  if (lua_tostring(L, 1)[0] == '?')
    status = load_question(L);
  else if ((status = addreturn(L)) != LUA_OK)
    status = multiline(L);
  if (status == STATEMENT_SKIP) {
    lua_settop(L, 0);
    return STATEMENT_SKIP;
  }
  lua_remove(L, 1);
  return status;
}
