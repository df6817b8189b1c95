/* Readline in callback mode, so that Ctrl-C at the prompt (a flag set by
 * the prompt's SIGINT handler, see signals.c) drops the line and the
 * statement being continued, and the session goes on. pselect with SIGINT
 * blocked closes the race between testing the flag and waiting. */
#include "input_rl.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "complete.h"
#include "history.h"
#include "input.h"
#include "signals.h"

static char *got_line;
static int got_done;

static void on_line(char *line) {
  rl_callback_handler_remove(); /* no prompt redisplay after the line */
  got_line = line;              /* NULL at EOF (Ctrl-D on an empty line) */
  got_done = 1;
}

void rlin_open(lua_State *L, int noenv, int complete_ref) {
  rl_readline_name = "vfl"; /* for $if vfl in ~/.inputrc */
  rl_instream = stdin;
  rl_outstream = stdout;
  rl_catch_signals = 0;     /* SIGINT and SIGWINCH are ours */
  rl_catch_sigwinch = 0;
  rl_change_environment = 0;
  /* a second Tab lists the candidates at once (~/.inputrc may override) */
  rl_variable_bind("show-all-if-unmodified", "on");
  sig_winch_install();
  complete_init(L, complete_ref);
  history_open(noenv);
}

static void drop_line(void) {
  rl_free_line_state();
  rl_callback_sigcleanup();
  rl_echo_signal_char(SIGINT);
  rl_cleanup_after_signal();
  rl_callback_handler_remove();
  fputs("\n", rl_outstream);
  fflush(rl_outstream);
}

int rlin_read(const char *prompt, char **line) {
  sigset_t block, old;
  int fd = fileno(rl_instream);
  int status = INPUT_EOF;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGWINCH);
  if (sig_winch_take()) rl_resize_terminal();
  sig_prompt_take();
  got_line = NULL;
  got_done = 0;
  rl_callback_handler_install(prompt, on_line);
  while (!got_done) {
    fd_set fds;
    int r, err;
    sigprocmask(SIG_BLOCK, &block, &old);
    if (sig_prompt_take()) {
      sigprocmask(SIG_SETMASK, &old, NULL);
      drop_line();
      return INPUT_INTERRUPT;
    }
    if (sig_winch_take()) {
      sigprocmask(SIG_SETMASK, &old, NULL);
      rl_resize_terminal();
      continue;
    }
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    r = pselect(fd + 1, &fds, NULL, NULL, NULL, &old);
    err = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (r < 0) {
      if (err == EINTR) continue;
      rl_callback_handler_remove();
      return INPUT_EOF;
    }
    if (r > 0) rl_callback_read_char();
  }
  if (got_line != NULL) {
    *line = got_line;
    status = INPUT_LINE;
  }
  return status;
}

void rlin_remember(const char *entry) { history_remember(entry); }

int rlin_columns(void) {
  int rows = 0, cols = 0;
  rl_get_screen_size(&rows, &cols);
  return cols;
}

void rlin_close(void) { complete_close(); }
