/* package.path and package.cpath: find the project's lua directory. */
#ifndef VFL_REPL_PATHS_H
#define VFL_REPL_PATHS_H

#include "lua.h"

/* Prepend the directory holding the vfl Lua modules to package.path: $VFL_LUA_PATH
 * (unless noenv), else the source tree's lua/ when this program runs from
 * the build tree, else the install share dir. Also prepends the install
 * lib dir to package.cpath. */
void paths_setup(lua_State *L, int noenv);

#endif
