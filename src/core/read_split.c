/*
** read_split.c -- one plain text file parsed on several threads.
**
** The file is mapped into memory whole and cut into one piece per thread
** at line ends; each thread parses its piece with the format's buffer reader
** into a dataset of its own, and the pieces are then appended, in order,
** to the first. Line-by-line readers give the same rows in the same order
** as a sequential read. A piece that fails is not reported as it stands
** (its line numbers start at its own first line): the whole buffer is
** parsed again on one thread, which reports the first error of the file
** exactly as a sequential read would. Costs: the file mapped while it is
** read (page cache, not a copy), and a copy of every piece after the
** first. Small files (< 3 bytes) and gzip files go the sequential way.
*/
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "dataset.h"
#include "error.h"
#include "read_split.h"

/* Below this many bytes a piece is not worth a thread. */
#define MIN_PIECE ((size_t)1 << 20)

typedef struct piece {
  const char *data;
  size_t len;
  const char *name;
  read_buffer_fn parse;
  const void *opt;
  vfl_dataset *ds;
  int rc;
} piece;

static void *parse_piece(void *arg) {
  piece *p = arg;
  p->rc = p->parse(p->data, p->len, p->name, p->opt, &p->ds);
  return NULL;
}

/* Maps the whole file. *fallback is set, and nothing mapped, when the file
** cannot be cut (gzip) or not mapped here: the caller's sequential reader
** then reads it, or reports why it cannot, in its own words. */
static void map_file(const char *path, const char **data, size_t *len, int *fallback) {
  *data = NULL;
  *len = 0;
  *fallback = 1;
  int fd = path ? open(path, O_RDONLY) : -1;
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 2) {
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    const unsigned char *u = m;
    if (m != MAP_FAILED && !(u[0] == 0x1f && u[1] == 0x8b)) {
      *data = m;
      *len = (size_t)st.st_size;
      *fallback = 0;
    } else if (m != MAP_FAILED) {
      munmap(m, (size_t)st.st_size);
    }
  }
  close(fd);
}

/* Where piece k of n starts: the first line that starts at or after
** k * len / n. */
static size_t cut_at(const char *data, size_t len, uint32_t k, uint32_t n) {
  if (k == 0) return 0;
  size_t at = (size_t)((double)len * k / n);
  const char *nl = memchr(data + at, '\n', len - at);
  return nl ? (size_t)(nl - data) + 1 : len;
}

static int run_pieces(piece *ps, uint32_t n) {
  pthread_t th[READ_SPLIT_MAX];
  uint32_t started = 0;
  for (uint32_t k = 1; k < n; k++, started++)
    if (pthread_create(&th[k], NULL, parse_piece, &ps[k]) != 0) break;
  parse_piece(&ps[0]);
  for (uint32_t k = 1; k <= started; k++) pthread_join(th[k], NULL);
  /* a piece whose thread did not start is parsed here */
  for (uint32_t k = started + 1; k < n; k++) parse_piece(&ps[k]);
  int rc = VFL_OK;
  for (uint32_t k = 0; k < n && rc == VFL_OK; k++) rc = ps[k].rc;
  for (uint32_t k = 1; k < n && rc == VFL_OK; k++) rc = ds_append_all(ps[0].ds, ps[k].ds);
  return rc;
}

static int split_buffer(const char *data, size_t len, const char *path, uint32_t n, read_buffer_fn parse,
                        const void *opt, vfl_dataset **out) {
  piece ps[READ_SPLIT_MAX];
  memset(ps, 0, sizeof ps);
  for (uint32_t k = 0; k < n; k++) {
    size_t a = cut_at(data, len, k, n), b = cut_at(data, len, k + 1, n);
    if (k + 1 == n) b = len;
    ps[k] = (piece){data + a, b - a, path, parse, opt, NULL, VFL_OK};
  }
  int rc = run_pieces(ps, n);
  for (uint32_t k = 1; k < n; k++) vfl_dataset_free(ps[k].ds);
  if (rc == VFL_OK) {
    *out = ps[0].ds;
    return VFL_OK;
  }
  vfl_dataset_free(ps[0].ds);
  if (rc == VFL_ENOMEM) return rc;
  /* the file's first error, with its real line number */
  return parse(data, len, path, opt, out);
}

int read_file_split(const char *path, uint32_t threads, read_buffer_fn parse, const void *opt, vfl_dataset **out,
                    int *fallback) {
  *out = NULL;
  const char *data;
  size_t len;
  map_file(path, &data, &len, fallback);
  if (*fallback) return VFL_OK;
  uint32_t n = threads > READ_SPLIT_MAX ? READ_SPLIT_MAX : threads;
  if (len / MIN_PIECE + 1 < n) n = (uint32_t)(len / MIN_PIECE + 1);
  int rc = n > 1 ? split_buffer(data, len, path, n, parse, opt, out) : parse(data, len, path, opt, out);
  munmap((void *)data, len);
  return rc;
}
