/* The read-eval-print loop: prompts "vfl> " / "...> " (or _PROMPT /
 * _PROMPT2), statements continued over several lines, expressions printed
 * through vfl.pretty, "?name" for help, ~/.vflrc at start. */
#ifndef VFL_REPL_REPL_H
#define VFL_REPL_REPL_H

#include "lua.h"

/* tty: print the "help()" hint. noenv: -E was given (ignore VFL_RC, VFL_HISTORY). */
void repl_run(lua_State *L, int noenv);

#endif
