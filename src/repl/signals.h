/* SIGINT (Ctrl-C) and SIGWINCH handling.
 *
 * While a command runs, Ctrl-C sets a count hook that raises "interrupted!"
 * in Lua (as lua.c does) and asks a running training to stop. Unlike lua.c,
 * the handler stays armed, so a second Ctrl-C in the same command works too;
 * only after three presses that Lua never saw does the process give up and
 * die by SIGINT. At the prompt, Ctrl-C only sets a flag the line editor polls. */
#ifndef VFL_REPL_SIGNALS_H
#define VFL_REPL_SIGNALS_H

#include "lua.h"

/* Arm Ctrl-C for a command running in L; sig_command_end restores what was
 * there before (the prompt handler in the REPL, the default otherwise) and
 * removes an interrupt hook that did not fire. */
void sig_command_begin(lua_State *L);
void sig_command_end(lua_State *L);

/* The table at idx holds, as keys, functions that stop by themselves on
 * Ctrl-C (net:learn): while one of them is on the stack, "interrupted!" waits
 * until it has returned, so the training ends cleanly and the error is not
 * swallowed by a pcall inside it. */
void sig_set_deferred(lua_State *L, int idx);

/* Whether Ctrl-C was pressed during the last command. */
int sig_command_interrupted(void);

/* Between commands in the REPL: Ctrl-C only sets a flag. */
void sig_prompt_install(void);
void sig_prompt_uninstall(void);

/* Test and clear the prompt flag. */
int sig_prompt_take(void);

/* Terminal resizes (flag only). */
void sig_winch_install(void);
int sig_winch_take(void);

#endif
