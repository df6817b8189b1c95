/*
** regress.c -- replays saved fuzz findings through their target, in every
** build (no libFuzzer needed):
**   fuzz_regress <target> <file or folder>...
** Each file is one input, fed to the same function libFuzzer drove when it
** crashed. A crash, a sanitizer report or a broken invariant fails the test;
** returning normally passes. The files live in
** tests/data/fuzz-regressions/<target>/, one per finding, named after what
** it found.
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "targets.h"

typedef void (*target_fn)(const uint8_t *, size_t);

static target_fn find_target(const char *name) {
  if (!strcmp(name, "libsvm")) return fuzz_libsvm;
  if (!strcmp(name, "csv")) return fuzz_csv;
  if (!strcmp(name, "vw")) return fuzz_vw;
  if (!strcmp(name, "model")) return fuzz_model;
  return NULL;
}

static int replay(target_fn fn, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  if (!buf) return 1;
  fn(buf, n);
  free(buf);
  printf("ok %s (%zu bytes)\n", path, n);
  return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every regular file in dir, in name order (so runs are reproducible). */
static int replay_dir(target_fn fn, const char *dir, int *count) {
  DIR *d = opendir(dir);
  if (!d) {
    perror(dir);
    return 1;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    names = realloc(names, (n + 1) * sizeof *names);
    names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
    sprintf(names[n++], "%s/%s", dir, e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  int failed = 0;
  for (size_t i = 0; i < n; i++) {
    failed |= replay(fn, names[i]);
    ++*count;
    free(names[i]);
  }
  free(names);
  return failed;
}

int main(int argc, char **argv) {
  target_fn fn = argc > 2 ? find_target(argv[1]) : NULL;
  if (!fn) {
    fprintf(stderr, "usage: fuzz_regress libsvm|csv|vw|model <file or folder>...\n");
    return 2;
  }
  int failed = 0, count = 0;
  for (int i = 2; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      failed |= replay_dir(fn, argv[i], &count);
    } else {
      failed |= replay(fn, argv[i]);
      count++;
    }
  }
  printf("%s: %d inputs replayed%s\n", argv[1], count, failed ? ", some unreadable" : "");
  return failed;
}
