/*
** model_tmp.c -- see model_tmp.h.
*/
#define _GNU_SOURCE /* F_OFD_SETLK (fcntl.h), O_CLOEXEC */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "model_tmp.h"
#include "vfl.h"

#ifdef F_OFD_SETLK
/* A write lock on the whole file, not waiting: 0, or -1 when someone else
** holds one (or the call failed). */
static int lock_now(int fd) {
  struct flock l;
  memset(&l, 0, sizeof l);
  l.l_type = F_WRLCK;
  l.l_whence = SEEK_SET;
  return fcntl(fd, F_OFD_SETLK, &l);
}
#endif

/* 1 when name still is the file open as fd (a sweep may have removed the
** file between mkstemp and the lock). */
static int still_named(const char *name, int fd) {
  struct stat a, b;
  return fstat(fd, &a) == 0 && lstat(name, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int model_tmp_begin(const char *path, model_tmp *t) {
  size_t n = strlen(path);
  t->fd = t->lock_fd = -1;
  t->name = vfl_alloc(n + 16);
  if (!t->name) return VFL_ENOMEM;
  for (int attempt = 0; attempt < 8; attempt++) {
    snprintf(t->name, n + 16, "%s.tmp.XXXXXX", path);
    t->fd = mkstemp(t->name);
    if (t->fd < 0) break;
#ifdef F_OFD_SETLK
    t->lock_fd = dup(t->fd); /* keeps the lock once the writer's FILE is closed */
    int locked = t->lock_fd >= 0 && lock_now(t->lock_fd) == 0;
    int busy = !locked && t->lock_fd >= 0 && (errno == EAGAIN || errno == EACCES);
    if (locked && still_named(t->name, t->fd)) return VFL_OK;
    if (t->lock_fd >= 0) close(t->lock_fd);
    t->lock_fd = -1;
    if (!locked && !busy && still_named(t->name, t->fd)) return VFL_OK; /* no locks here: save without */
    close(t->fd); /* a sweep holds it or took it already: it will go; try a new name */
    t->fd = -1;
#else
    return VFL_OK;
#endif
  }
  int rc = vfl_fail(VFL_EIO, "cannot save \"%s\": %s", path, strerror(t->fd < 0 ? errno : EEXIST));
  vfl_free(t->name);
  t->name = NULL;
  return rc;
}

void model_tmp_end(model_tmp *t) {
  if (t->lock_fd >= 0) close(t->lock_fd);
  vfl_free(t->name);
  t->name = NULL;
  t->lock_fd = -1;
}

/* "<base>.tmp." and six characters of mkstemp's alphabet. */
static int is_leftover(const char *entry, const char *base, size_t base_len) {
  if (strncmp(entry, base, base_len) != 0 || strncmp(entry + base_len, ".tmp.", 5) != 0) return 0;
  const char *x = entry + base_len + 5;
  if (strlen(x) != 6) return 0;
  for (; *x; x++)
    if (!((*x >= 'a' && *x <= 'z') || (*x >= 'A' && *x <= 'Z') || (*x >= '0' && *x <= '9'))) return 0;
  return 1;
}

void model_tmp_sweep(const char *path) {
#ifdef F_OFD_SETLK
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t dir_len = slash ? (size_t)(slash - path) : 1, base_len = strlen(base);
  char *dir = vfl_alloc(dir_len + 2), *full = vfl_alloc(dir_len + base_len + 16);
  DIR *d = NULL;
  if (dir && full) {
    if (slash) memcpy(dir, path, dir_len);
    else dir[0] = '.';
    if (slash && dir_len == 0) dir[dir_len++] = '/'; /* "/model.vfl" */
    dir[dir_len] = '\0';
    d = opendir(dir);
  }
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (!is_leftover(e->d_name, base, base_len)) continue;
    snprintf(full, dir_len + base_len + 16, "%s/%s", dir, e->d_name);
    int fd = open(full, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) continue;
    struct stat st;
    /* unlocked: its writer is gone; the name check skips a file replaced
    ** since it was opened */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && lock_now(fd) == 0 && still_named(full, fd)) unlink(full);
    close(fd);
  }
  if (d) closedir(d);
  vfl_free(dir);
  vfl_free(full);
#else
  (void)path;
#endif
}
