/* History file handling; see history.h. Multi-line statements stay one entry
 * (timestamps separate the entries in the file). */
#include "history.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>

static char path[4096];
static int have_file = 0;

static void create_file(void) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd >= 0) close(fd);
}

void history_open(int noenv) {
  const char *env = noenv ? NULL : getenv("VFL_HISTORY");
  using_history();
  stifle_history(HISTORY_MAX);
  history_write_timestamps = 1;
  history_multiline_entries = 1;
  if (env != NULL) {
    if (*env == '\0') return;
    if ((size_t)snprintf(path, sizeof path, "%s", env) >= sizeof path) return;
  } else {
    const char *home = getenv("HOME");
    if (home == NULL || *home == '\0') return;
    if ((size_t)snprintf(path, sizeof path, "%s/.vfl_history", home) >= sizeof path) return;
  }
  read_history(path);
  have_file = 1;
}

void history_remember(const char *entry) {
  HIST_ENTRY *last;
  if (entry == NULL || *entry == '\0') return;
  last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
  if (last != NULL && strcmp(last->line, entry) == 0) return; /* no repeats */
  add_history(entry);
  {
    char stamp[32];
    snprintf(stamp, sizeof stamp, "#%lld", (long long)time(NULL));
    add_history_time(stamp); /* keeps multi-line entries whole in the file */
  }
  if (!have_file) return;
  if (append_history(1, path) != 0) {
    create_file();
    if (append_history(1, path) != 0) return;
  }
  history_truncate_file(path, HISTORY_MAX);
}
