/* What the terminal can take: ttys and colours (off when NO_COLOR is set). */
#ifndef VFL_REPL_TERM_H
#define VFL_REPL_TERM_H

int term_stdin_is_tty(void);

/* Colours for results: stdout is a terminal, NO_COLOR unset, TERM not dumb. */
int term_color_stdout(void);

/* Colours for error messages: the above and stderr is a terminal too. */
int term_color_stderr(void);

#endif
