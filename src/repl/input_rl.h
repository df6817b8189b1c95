/* The readline side of input.h. */
#ifndef VFL_REPL_INPUT_RL_H
#define VFL_REPL_INPUT_RL_H

#include "lua.h"

void rlin_open(lua_State *L, int noenv, int complete_ref);
int rlin_read(const char *prompt, char **line);
void rlin_remember(const char *entry);
int rlin_columns(void);
void rlin_close(void);

#endif
