/* Terminal capabilities; see term.h. */
#include "term.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int term_stdin_is_tty(void) { return isatty(STDIN_FILENO); }

int term_color_stdout(void) {
  const char *term = getenv("TERM");
  if (getenv("NO_COLOR") != NULL) return 0;
  if (term != NULL && strcmp(term, "dumb") == 0) return 0;
  return isatty(STDOUT_FILENO);
}

int term_color_stderr(void) { return term_color_stdout() && isatty(STDERR_FILENO); }
