/* Readline history kept in a file across sessions: ~/.vfl_history, or
 * $VFL_HISTORY (empty: no file). Each statement is appended as soon as it is
 * entered, so a crash loses nothing; the file is capped at HISTORY_MAX. */
#ifndef VFL_REPL_HISTORY_H
#define VFL_REPL_HISTORY_H

enum { HISTORY_MAX = 1000 };

void history_open(int noenv);
void history_remember(const char *entry);

#endif
