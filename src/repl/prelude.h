/* What every vfl state starts with: the binding in package.preload["vfl"],
 * required into the global 'vfl', plus 'help' and 'vfl.pretty'. */
#ifndef VFL_REPL_PRELUDE_H
#define VFL_REPL_PRELUDE_H

#include "lua.h"

/* Returns LUA_OK, or an error status after reporting the error. */
int prelude_open(lua_State *L);

#endif
