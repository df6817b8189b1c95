/* One REPL statement: read (with continuation lines) and compile. */
#ifndef VFL_REPL_STATEMENT_H
#define VFL_REPL_STATEMENT_H

#include "lua.h"

enum { STATEMENT_EOF = -1, STATEMENT_SKIP = -2 };

/* Clears the stack, reads a statement, leaves one value (the compiled chunk
 * or an error message) and returns its status; or STATEMENT_EOF (end of
 * input) / STATEMENT_SKIP (Ctrl-C dropped it) with an empty stack. Complete
 * statements go to the history. Prompts: _PROMPT / _PROMPT2 or "vfl> " /
 * "...> ". */
int statement_load(lua_State *L);

#endif
