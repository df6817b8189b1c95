/* Options, after Lua 5.4's lua.c: -e stat, -l mod, -l g=mod, -i, -v, -E, -W, --, -;
 * and, before any of them, --help and --version as GNU programs have. */
#include "args.h"

#include <stdio.h>
#include <string.h>

#include "run.h"

int args_collect(char **argv, int *first) {
  int args = 0;
  int i;
  if (argv[0] == NULL) {
    *first = 0;
    return 0;
  }
  if (argv[0][0]) run_progname = argv[0];
  for (i = 1; argv[i] != NULL; i++) {
    *first = i;
    if (argv[i][0] != '-') return args; /* the script */
    switch (argv[i][1]) {
      case '-': /* "--", or "--help" / "--version" alone */
        if (argv[i][2] != '\0') {
          if (i == 1 && strcmp(argv[i], "--help") == 0) return ARGS_HELP;
          if (i == 1 && strcmp(argv[i], "--version") == 0) return ARGS_VERSION;
          return ARGS_ERROR;
        }
        *first = argv[i + 1] != NULL ? i + 1 : 0;
        return args;
      case '\0': /* "-": the script is stdin */
        return args;
      case 'E':
        if (argv[i][2] != '\0') return ARGS_ERROR;
        args |= ARGS_NOENV;
        break;
      case 'W':
        if (argv[i][2] != '\0') return ARGS_ERROR;
        break;
      case 'i':
        args |= ARGS_I; /* -i implies -v */
        /* fall through */
      case 'v':
        if (argv[i][2] != '\0') return ARGS_ERROR;
        args |= ARGS_V;
        break;
      case 'e':
        args |= ARGS_EXEC;
        /* fall through */
      case 'l': /* both need an argument */
        if (argv[i][2] == '\0') {
          i++;
          if (argv[i] == NULL || argv[i][0] == '-') {
            *first = i - 1;
            return ARGS_ERROR;
          }
        }
        break;
      default:
        return ARGS_ERROR;
    }
  }
  *first = 0;
  return args;
}

/* lua 5.4's usage text, word for word, so that scripts parsing it still work. */
static void print_options(FILE *out, const char *p) {
  fprintf(out,
          "usage: %s [options] [script [args]]\n"
          "Available options are:\n"
          "  -e stat   execute string 'stat'\n"
          "  -i        enter interactive mode after executing 'script'\n"
          "  -l mod    require library 'mod' into global 'mod'\n"
          "  -l g=mod  require library 'mod' into global 'g'\n"
          "  -v        show version information\n"
          "  -E        ignore environment variables\n"
          "  -W        turn warnings on\n"
          "  --        stop handling options\n"
          "  -         stop handling options and execute stdin\n",
          p);
}

void args_usage(const char *badoption) {
  const char *p = run_progname ? run_progname : "vfl";
  fprintf(stderr, "%s: ", p);
  if (badoption[1] == 'e' || badoption[1] == 'l')
    fprintf(stderr, "'%s' needs argument\n", badoption);
  else
    fprintf(stderr, "unrecognized option '%s'\n", badoption);
  print_options(stderr, p);
  fflush(stderr);
}

void args_help(void) {
  const char *p = run_progname ? run_progname : "vfl";
  printf("%s: a Lua 5.4 interpreter with the vfl module preloaded and a REPL.\n"
         "Without a script and on a terminal it starts the REPL (help() there).\n",
         p);
  print_options(stdout, p);
  printf("  --help    show this text and exit\n"
         "  --version show the version and exit\n"
         "fastText's command line (docs/fasttext.md):\n"
         "  %s supervised -input train.txt -output model [-dim -wordNgrams -bucket -epoch -lr -thread ...]\n"
         "  %s test model.bin test.txt [k [th]]\n"
         "  %s predict|predict-prob model.bin file|- [k [th]]\n"
         "  %s inspect model.bin\n"
         "  %s quantize model.bin out.bin [q8|f16|weights]\n"
         "Environment: LUA_INIT_5_4, LUA_INIT, LUA_PATH, LUA_CPATH (as lua), VFL_LUA_PATH,\n"
         "VFL_RC (instead of ~/.vflrc), VFL_HISTORY (instead of ~/.vfl_history), NO_COLOR.\n"
         "Exit status: 0 on success, 1 on an error or a bad option. See man vfl.\n",
         p, p, p, p, p);
  fflush(stdout);
}

void args_create_table(lua_State *L, char **argv, int argc, int script) {
  int i, narg;
  narg = argc - (script + 1);
  if (narg < 0) narg = 0;
  lua_createtable(L, narg, script + 1);
  for (i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

int args_run(lua_State *L, char **argv, int n) {
  int i;
  for (i = 1; i < n; i++) {
    int option = argv[i][1];
    switch (option) {
      case 'e':
      case 'l': {
        int status;
        char *extra = argv[i] + 2;
        if (*extra == '\0') extra = argv[++i];
        status = (option == 'e') ? run_string(L, extra, "=(command line)")
                                 : run_library(L, extra);
        if (status != LUA_OK) return 0;
        break;
      }
      case 'W':
        lua_warning(L, "@on", 0);
        break;
      default:
        break;
    }
  }
  return 1;
}
