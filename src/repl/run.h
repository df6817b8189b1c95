/* Running Lua chunks the way lua.c does: protected calls with a traceback,
 * error reports on stderr, LUA_INIT, the main script, the version banner. */
#ifndef VFL_REPL_RUN_H
#define VFL_REPL_RUN_H

#include "lua.h"

/* Name put in front of error messages ("vfl: ..."); NULL inside the REPL. */
extern const char *run_progname;

/* Print "progname: msg" (or just msg when pname is NULL) on stderr. */
void run_message(const char *pname, const char *msg);

/* Report a failed status (message on top of the stack, popped); returns status. */
int run_report(lua_State *L, int status);

/* lua_pcall with a traceback message handler and Ctrl-C armed. */
int run_call(lua_State *L, int narg, int nres);

/* Load and run; the error (if any) is reported. NULL name: stdin. */
int run_file(lua_State *L, const char *name);
int run_string(lua_State *L, const char *s, const char *chunkname);

/* -l: "mod" or "g=mod" (modifies the string). */
int run_library(lua_State *L, char *globname);

/* Run argv[0] as the main script with the positive entries of 'arg' as '...'. */
int run_script(lua_State *L, char **argv);

/* LUA_INIT_5_4 or LUA_INIT: a chunk, or @file. */
int run_luainit(lua_State *L);

/* "vfl X.Y.Z -- Lua 5.4.N  Copyright ..." on stdout. */
void run_print_version(void);

#endif
