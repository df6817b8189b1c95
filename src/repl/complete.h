/* Tab completion: readline asks, a Lua function (vfl.repl.complete) answers.
 * Words include '.' and ':' so "tbl.fi" and "net:le" reach Lua whole.
 * Inside a string literal, readline's file name completion takes over. */
#ifndef VFL_REPL_COMPLETE_H
#define VFL_REPL_COMPLETE_H

#include "lua.h"

/* fn_ref: registry ref of function(text, line, start, stop) -> {candidates}. */
void complete_init(lua_State *L, int fn_ref);
void complete_close(void);

#endif
