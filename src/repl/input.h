/* Reading REPL lines: GNU Readline on a terminal, a plain getline loop
 * otherwise (piped stdin, or a build without readline). */
#ifndef VFL_REPL_INPUT_H
#define VFL_REPL_INPUT_H

#include "lua.h"

enum { INPUT_EOF = 0, INPUT_LINE = 1, INPUT_INTERRUPT = 2 };

/* tty: stdin is a terminal. complete_ref: registry ref of the Lua completion
 * function (LUA_NOREF for none). noenv: ignore VFL_HISTORY. */
void input_open(lua_State *L, int tty, int noenv, int complete_ref);

/* Show prompt and read one line into *line (malloc'd, without newline).
 * INPUT_INTERRUPT: Ctrl-C was pressed, the line was dropped. */
int input_read(const char *prompt, char **line);

/* A complete statement, for the history (saved to the history file). */
void input_remember(const char *entry);

/* 1 when reading through readline (which ends the line itself at EOF). */
int input_is_readline(void);

/* Terminal width, or 0 when unknown. */
int input_columns(void);

void input_close(void);

#endif
