/* package.path and package.cpath: find the project's lua directory. */
#ifndef VFL_REPL_PATHS_H
#define VFL_REPL_PATHS_H

#include "lua.h"

/* Prepend the directory holding the vfl Lua modules to package.path: the
 * source tree's lua/ when this program runs from the build tree, else the
 * install share dir found from the program's own location (whose lib dir
 * also goes first in package.cpath); $VFL_LUA_PATH (unless noenv) goes
 * before either. */
void paths_setup(lua_State *L, int noenv);

#endif
