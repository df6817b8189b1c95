/* Command line handling, compatible with the `lua` 5.4 program. */
#ifndef VFL_REPL_ARGS_H
#define VFL_REPL_ARGS_H

#include "lua.h"

enum {
  ARGS_ERROR = 1, /* bad option */
  ARGS_I = 2,     /* -i */
  ARGS_V = 4,     /* -v */
  ARGS_EXEC = 8,  /* -e */
  ARGS_NOENV = 16, /* -E */
  ARGS_HELP = 32,   /* --help, alone: print the help and exit */
  ARGS_VERSION = 64 /* --version, alone: print the version and exit */
};

/* Scan the options. Returns ARGS_* flags; *first is the index of the script
 * (0 when there is none) or, on ARGS_ERROR, of the bad option. Also sets
 * run_progname from argv[0]. */
int args_collect(char **argv, int *first);

/* Usage message for a bad option, on stderr. */
void args_usage(const char *badoption);

/* The --help text, on stdout. */
void args_help(void);

/* The global 'arg': script at 0, its arguments at 1.., the interpreter's
 * options at negative indices. */
void args_create_table(lua_State *L, char **argv, int argc, int script);

/* Run -e, -l and -W in order, for argv[1..n-1]. Returns 0 on error. */
int args_run(lua_State *L, char **argv, int n);

#endif
