/*
** lerror.c -- turning engine failures into Lua errors, and the Ctrl-C flag.
**
** Messages are formatted here with vsnprintf rather than lua_pushfstring,
** whose format language lacks %u, %g and %zu; they carry no "file:line:"
** prefix, like luaL_argerror's, so that they are the same under every Lua.
*/
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lvfl.h"
#include "vfl_lua.h"

#define LVFL_MSG 2048

static int raise_formatted(lua_State *L, const char *prefix, const char *fmt, va_list ap) {
  char buf[LVFL_MSG];
  int n = prefix ? snprintf(buf, sizeof buf, "%s", prefix) : 0;
  if (n < 0) n = 0;
  if ((size_t)n < sizeof buf) vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
  lua_pushstring(L, buf);
  return lua_error(L);
}

int lvfl_error(lua_State *L, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  raise_formatted(L, NULL, fmt, ap);
  va_end(ap); /* not reached: lua_error does not return */
  return 0;
}

static const char *status_text(int rc) {
  switch (rc) {
  case VFL_EINVAL: return "invalid argument";
  case VFL_ENOMEM: return "out of memory";
  case VFL_EIO: return "input/output error";
  case VFL_EFORMAT: return "malformed file";
  case VFL_ESTOPPED: return "stopped on request";
  case VFL_ECALLBACK: return "a callback failed";
  case VFL_ENUMERIC: return "training diverged (NaN or Inf)";
  default: return "unknown error";
  }
}

/* The engine starts some messages with its own function's name ("wire: the
** net has no layer ..."), which a C caller needs; after a Lua name ending in
** the same word ("net:wire") it would be said twice, so it goes. */
static const char *without_repeated_verb(const char *msg, const char *fname) {
  const char *colon = strrchr(fname, ':'), *dot = strrchr(fname, '.');
  const char *verb = colon > dot ? colon + 1 : dot ? dot + 1 : fname;
  size_t n = strlen(verb);
  if (n && !strncmp(msg, verb, n) && msg[n] == ':' && msg[n + 1] == ' ') return msg + n + 2;
  return msg;
}

int lvfl_engine_error(lua_State *L, const char *fname, int rc) {
  const char *msg = vfl_last_error();
  /* An engine that forgot to set a message still gives a readable error. */
  if (!msg || !*msg) msg = status_text(rc);
  return lvfl_error(L, "%s: %s", fname, without_repeated_verb(msg, fname));
}

int lvfl_argerror(lua_State *L, int arg, const char *fname, const char *fmt, ...) {
  char prefix[256];
  if (arg > 0)
    snprintf(prefix, sizeof prefix, "%s: bad argument #%d (", fname, arg);
  else
    snprintf(prefix, sizeof prefix, "%s: bad self (", fname);
  char body[LVFL_MSG];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  return lvfl_error(L, "%s%s)", prefix, body);
}

const char *lvfl_typename(lua_State *L, int idx) {
  const char *name = NULL;
  if (lua_getmetatable(L, idx)) {
    lua_getfield(L, -1, "__name");
    if (lua_type(L, -1) == LUA_TSTRING) name = lua_tostring(L, -1);
    lua_pop(L, 2); /* the string stays alive: the metatable keeps it */
  }
  return name ? name : luaL_typename(L, idx);
}

void *lvfl_check(lua_State *L, int idx, const char *tname, const char *fname, int arg) {
  void *p = luaL_testudata(L, idx, tname);
  if (!p) lvfl_argerror(L, arg, fname, "%s expected, got %s", tname, lvfl_typename(L, idx));
  return p;
}

/* ----------------------------------------------------------- Ctrl-C */

/* sig_atomic_t is what a signal handler may store to; the engine reads the
** flag through a volatile int pointer, so the two must be the same object. */
_Static_assert(sizeof(sig_atomic_t) == sizeof(int), "sig_atomic_t must be an int");
static volatile sig_atomic_t stop_flag;

void vfl_lua_request_stop(void) { stop_flag = 1; }
void lvfl_stop_reset(void) { stop_flag = 0; }
volatile int *lvfl_stop_flag(void) { return (volatile int *)&stop_flag; }
int lvfl_stop_requested(void) { return stop_flag != 0; }
