/* Line input: dispatch to readline (input_rl.c) or the plain reader here. */
#include "input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signals.h"

#ifdef VFL_HAVE_READLINE
#include "input_rl.h"
#endif

static int use_readline = 0;

void input_open(lua_State *L, int tty, int noenv, int complete_ref) {
#ifdef VFL_HAVE_READLINE
  if (tty) {
    use_readline = 1;
    rlin_open(L, noenv, complete_ref);
    return;
  }
#else
  (void)L;
  (void)tty;
  (void)noenv;
  (void)complete_ref;
#endif
}

/* Like lua.c without readline: prompt on stdout, then a line from stdin. */
static int plain_read(const char *prompt, char **line) {
  char *buf = NULL;
  size_t cap = 0;
  ssize_t n;
  fputs(prompt, stdout);
  fflush(stdout);
  sig_prompt_take();
  errno = 0;
  n = getline(&buf, &cap, stdin);
  if (n < 0) {
    int interrupted = (errno == EINTR) | sig_prompt_take();
    free(buf);
    if (interrupted) {
      clearerr(stdin);
      fputs("\n", stdout);
      return INPUT_INTERRUPT;
    }
    return INPUT_EOF;
  }
  if (n > 0 && buf[n - 1] == '\n') buf[--n] = '\0';
  *line = buf;
  return INPUT_LINE;
}

int input_read(const char *prompt, char **line) {
  *line = NULL;
#ifdef VFL_HAVE_READLINE
  if (use_readline) return rlin_read(prompt, line);
#endif
  return plain_read(prompt, line);
}

void input_remember(const char *entry) {
#ifdef VFL_HAVE_READLINE
  if (use_readline) rlin_remember(entry);
#else
  (void)entry;
#endif
}

int input_is_readline(void) { return use_readline; }

int input_columns(void) {
#ifdef VFL_HAVE_READLINE
  if (use_readline) return rlin_columns();
#endif
  return 0;
}

void input_close(void) {
#ifdef VFL_HAVE_READLINE
  if (use_readline) rlin_close();
#endif
  use_readline = 0;
}
