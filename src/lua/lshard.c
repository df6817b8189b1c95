/*
** lshard.c -- {shard = "rank"} or {shard = {rank = r, size = n}} on the
** file readers: each rank reads only its share of a plain file. The file is
** cut at line ends by the rule of the multithreaded libsvm reader
** (src/core/read_split.c): piece k of n starts at the first line that starts
** after byte k * len / n, so the pieces cover every line exactly once
** whichever rank reads which. A rank maps only its own byte range; a CSV
** header is read from the file's first line and put in front of every
** piece. Messages name the file, the shard and the byte where it starts
** (line numbers count from there).
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dist.h"
#include "lvfl.h"

/* Reads the shard option of the options table at idx into sh (size 1: the
** whole file) and replaces the table by a copy without it, so the format's
** own option check never sees it. */
void lvfl_shard_options(lua_State *L, int idx, const char *fname, lvfl_shard *sh) {
  sh->rank = 0;
  sh->size = 1;
  if (!lua_istable(L, idx)) return;
  lua_getfield(L, idx, "shard");
  int t = lua_gettop(L);
  if (lua_isnil(L, t)) {
    lua_pop(L, 1);
    return;
  }
  if (lua_type(L, t) == LUA_TSTRING && !strcmp(lua_tostring(L, t), "rank")) {
    sh->rank = (uint32_t)vfl_dist_rank();
    sh->size = (uint32_t)vfl_dist_size();
  } else if (lua_istable(L, t)) {
    lua_getfield(L, t, "size");
    sh->size = (uint32_t)lvfl_checkint(L, -1, fname, "option 'shard.size'", 1, 1 << 20);
    lua_getfield(L, t, "rank");
    sh->rank = (uint32_t)lvfl_checkint(L, -1, fname, "option 'shard.rank' (0-based, as vfl.dist.rank)", 0, sh->size - 1);
    lua_pop(L, 2);
  } else {
    lvfl_error(L, "%s: option 'shard' must be \"rank\" or {rank = r, size = n}, got %s", fname, lvfl_typename(L, t));
  }
  lua_pop(L, 1);
  static const char *const ours[] = {"shard", NULL};
  lvfl_opts_without(L, idx, ours);
}

/* Where piece k of n starts: the first line that starts at or after byte
** k * len / n, after the newline found from there (read_split.c's rule). */
static int cut_at(int fd, off_t len, uint32_t k, uint32_t n, off_t *at) {
  if (k == 0) {
    *at = 0;
    return 0;
  }
  if (k >= n) {
    *at = len;
    return 0;
  }
  off_t pos = (off_t)((double)len * k / n);
  char buf[65536];
  while (pos < len) {
    ssize_t got = pread(fd, buf, sizeof buf, pos);
    if (got <= 0) return -1;
    const char *nl = memchr(buf, '\n', (size_t)got);
    if (nl) {
      *at = pos + (nl - buf) + 1;
      return 0;
    }
    pos += got;
  }
  *at = len;
  return 0;
}

/* The file's first line with its newline (the CSV header). */
static size_t first_line(int fd, char *buf, size_t cap) {
  ssize_t got = pread(fd, buf, cap, 0);
  if (got <= 0) return 0;
  const char *nl = memchr(buf, '\n', (size_t)got);
  return nl ? (size_t)(nl - buf) + 1 : (size_t)got;
}

int lvfl_shard_read(const char *path, const lvfl_shard *sh, int with_header, lvfl_text_reader read, const void *opts,
                    vfl_dataset **out) {
  char msg[600];
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(msg, sizeof msg, "%s: %s", path, fd < 0 ? strerror(errno) : "not a plain file, so it cannot be cut into shards");
    if (fd >= 0) close(fd);
    vfl_set_error(msg);
    return VFL_EIO;
  }
  unsigned char magic[2] = {0, 0};
  if (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    snprintf(msg, sizeof msg,
             "%s: a gzip file cannot be cut into shards (decompress it, or give every rank a file of its own)", path);
    close(fd);
    vfl_set_error(msg);
    return VFL_EINVAL;
  }
  off_t a, b;
  char header[65536];
  size_t header_len = with_header ? first_line(fd, header, sizeof header) : 0;
  if (cut_at(fd, st.st_size, sh->rank, sh->size, &a) || cut_at(fd, st.st_size, sh->rank + 1, sh->size, &b)) {
    snprintf(msg, sizeof msg, "%s: read failed while finding shard %u of %u", path, sh->rank, sh->size);
    close(fd);
    vfl_set_error(msg);
    return VFL_EIO;
  }
  if (sh->rank == 0) header_len = 0; /* the first piece has it already */
  if (b < a) b = a;
  /* only this rank's byte range is mapped (from the page it starts in) */
  long page = sysconf(_SC_PAGESIZE);
  off_t map_at = a - a % (page > 0 ? page : 4096);
  size_t map_len = (size_t)(b - map_at);
  char *map = map_len ? mmap(NULL, map_len, PROT_READ, MAP_PRIVATE, fd, map_at) : NULL;
  close(fd);
  if (map == MAP_FAILED) {
    snprintf(msg, sizeof msg, "%s: cannot map shard %u of %u", path, sh->rank, sh->size);
    vfl_set_error(msg);
    return VFL_EIO;
  }
  const char *piece = map ? map + (a - map_at) : "";
  size_t len = (size_t)(b - a);
  char *joined = NULL;
  if (header_len) { /* a CSV header in front of this piece */
    joined = malloc(header_len + len + 1);
    if (!joined) {
      if (map) munmap(map, map_len);
      vfl_set_error("out of memory for a CSV shard");
      return VFL_ENOMEM;
    }
    memcpy(joined, header, header_len);
    memcpy(joined + header_len, piece, len);
    piece = joined;
    len += header_len;
  }
  char name[512];
  snprintf(name, sizeof name, "%s (shard %u of %u, from byte %lld%s)", path, sh->rank, sh->size, (long long)a,
           header_len ? " after the header" : "");
  int rc = read(piece, len, name, opts, out);
  free(joined);
  if (map) munmap(map, map_len);
  return rc;
}
