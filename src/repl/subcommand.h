/* fastText-style subcommands (vfl supervised / test / predict /
 * predict-prob / inspect), written in Lua in lua/vfl/cli.lua. */
#ifndef VFL_REPL_SUBCOMMAND_H
#define VFL_REPL_SUBCOMMAND_H

#include "lua.h"

/* Is name a subcommand? Such a first argument is not run as a script (a
 * script called "test" runs as ./test). */
int subcommand_is(const char *name);

/* Runs argv[0] with arguments argv[1..argc-1] through vfl.cli.main.
 * Returns 1 when it succeeded, 0 when it failed (its message printed). */
int subcommand_run(lua_State *L, char **argv, int argc);

#endif
