/* The read-eval-print loop: prompts "vfl> " / "...> " (or _PROMPT /
 * _PROMPT2), statements continued over several lines, expressions printed
 * through vfl.pretty, "?name" for help, ~/.vflrc at start. */
#ifndef VFL_REPL_REPL_H
#define VFL_REPL_REPL_H

#include "lua.h"

/* Before anything of the command line runs in a session that will be
** interactive (-i, or a terminal and no script): loads lua/vfl/repl.lua and
** runs ~/.vflrc, so that -e, -l and the -i script see what it defines.
** noenv: -E was given (ignore VFL_RC, VFL_HISTORY). */
void repl_prepare(lua_State *L, int noenv);
/* The loop, after repl_prepare. tty: print the "help()" hint. */
void repl_run(lua_State *L, int noenv);

#endif
