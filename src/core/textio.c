/*
** textio.c -- see textio.h. Files go through zlib's gzread, which reads
** plain files as they are and inflates gzip ones, so the caller never asks
** which is which. Input arrives in chunks of TEXT_CHUNK bytes; a line that
** does not fit grows the buffer, so lines may be of any length.
*/
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "alloc.h"
#include "error.h"
#include "textio.h"
#include "vfl.h"

#define TEXT_CHUNK ((size_t)4 << 20)

int text_open_file(text_src *s, const char *path) {
  memset(s, 0, sizeof *s);
  if (!path) return vfl_fail(VFL_EINVAL, "cannot open a file: the path is NULL");
  s->name = path;
  errno = 0;
  gzFile gz = gzopen(path, "rb");
  if (!gz) {
    const char *why = errno ? strerror(errno) : "out of memory";
    return vfl_fail(errno ? VFL_EIO : VFL_ENOMEM, "cannot open \"%s\": %s", path, why);
  }
  s->gz = gz;
  gzbuffer(gz, 1u << 18); /* fewer, larger reads while inflating */
  s->buf = vfl_alloc(TEXT_CHUNK + 1);
  if (!s->buf) {
    text_close(s);
    return VFL_ENOMEM;
  }
  s->cap = TEXT_CHUNK;
  s->p = s->end = s->buf;
  return VFL_OK;
}

void text_open_buffer(text_src *s, const char *data, size_t len, const char *name) {
  memset(s, 0, sizeof *s);
  s->name = name;
  if (!data) data = ""; /* NULL + 0 is not a valid pointer sum */
  s->p = data;
  s->end = data + len;
  s->at_eof = 1;
}

void text_close(text_src *s) {
  if (s->gz) gzclose_r((gzFile)s->gz);
  vfl_free(s->buf);
  vfl_free(s->tail);
  memset(s, 0, sizeof *s);
}

/* zlib's messages start with the path; ours already name it. */
static const char *zlib_reason(const text_src *s, const char *msg) {
  size_t n = strlen(s->name);
  if (strncmp(msg, s->name, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ') return msg + n + 2;
  return msg;
}

/* Called at the end of the data: a gzip stream that stopped early leaves
** Z_BUF_ERROR behind, which must not pass for a clean end of file. */
static int read_failure(const text_src *s, int n) {
  int err = Z_OK;
  const char *msg = gzerror((gzFile)s->gz, &err);
  if (err == Z_OK || err == Z_STREAM_END) return VFL_OK;
  if (err == Z_ERRNO) return vfl_fail(VFL_EIO, "cannot read \"%s\": %s", s->name, strerror(errno));
  if (err == Z_MEM_ERROR) return vfl_fail(VFL_ENOMEM, "out of memory reading \"%s\"", s->name);
  if (err == Z_BUF_ERROR && n == 0)
    return vfl_fail(VFL_EFORMAT, "%s: gzip data is truncated (unexpected end of file)", s->name);
  return vfl_fail(VFL_EFORMAT, "%s: gzip data is damaged (%s)", s->name, zlib_reason(s, msg));
}

/* Moves the unread bytes to the front, doubling the buffer when one line
** fills it, and reads as much as fits. */
static int refill(text_src *s) {
  size_t keep = (size_t)(s->end - s->p);
  if (keep == s->cap) {
    char *grown = vfl_realloc(s->buf, 2 * s->cap + 1);
    if (!grown) return VFL_ENOMEM;
    s->p = grown + (s->p - s->buf);
    s->buf = grown;
    s->cap *= 2;
  }
  memmove(s->buf, s->p, keep);
  s->p = s->buf;
  s->end = s->buf + keep;
  size_t room = s->cap - keep;
  if (room > INT_MAX) room = INT_MAX;
  errno = 0;
  int n = gzread((gzFile)s->gz, s->buf + keep, (unsigned)room);
  if (n <= 0) {
    s->at_eof = 1;
    return read_failure(s, n);
  }
  s->end += n;
  return VFL_OK;
}

/* The last line lacks its '\n': give it one, in the chunk buffer (which has
** a spare byte) or, for a caller's read-only buffer, in a copy. */
static const char *terminate_tail(text_src *s, size_t len) {
  if (s->buf) {
    char *last = (char *)s->p;
    last[len] = '\n';
    return last;
  }
  s->tail = vfl_alloc(len + 1);
  if (!s->tail) return NULL;
  memcpy(s->tail, s->p, len);
  s->tail[len] = '\n';
  return s->tail;
}

/* Spreadsheets start UTF-8 text with a byte order mark; it is not data. */
static void skip_bom(text_src *s, const char *line_end) {
  if (line_end - s->p >= 3 && memcmp(s->p, "\xEF\xBB\xBF", 3) == 0) s->p += 3;
}

int text_next_line(text_src *s, const char **line, size_t *len) {
  for (;;) {
    size_t avail = (size_t)(s->end - s->p);
    const char *nl = avail > s->scanned ? memchr(s->p + s->scanned, '\n', avail - s->scanned) : NULL;
    if (nl) {
      if (s->line_no == 0) skip_bom(s, nl);
      *line = s->line = s->p;
      *len = (size_t)(nl - s->p);
      s->p = nl + 1;
      s->scanned = 0;
      s->line_no++;
      return 1;
    }
    s->scanned = avail;
    if (s->at_eof) {
      if (avail == 0) return 0;
      if (s->line_no == 0) skip_bom(s, s->end);
      avail = (size_t)(s->end - s->p);
      const char *last = terminate_tail(s, avail);
      if (!last) return VFL_ENOMEM;
      *line = s->line = last;
      *len = avail;
      s->p = s->end;
      s->scanned = 0;
      s->line_no++;
      return 1;
    }
    int rc = refill(s);
    if (rc) return rc;
  }
}

int text_fail(const text_src *s, const char *at, int code, const char *fmt, ...) {
  char what[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  size_t column = (size_t)(at - s->line) + 1;
  return vfl_fail(code, "%s:%llu:%zu: %s", s->name, (unsigned long long)s->line_no, column, what);
}

size_t text_token_len(const char *p, const char *stops) {
  size_t n = 0;
  for (;; n++) {
    char c = p[n];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') break;
    if (stops && c && strchr(stops, c)) break;
  }
  return n;
}

const char *text_show(char *out, const char *p, size_t n) {
  if (n > 40) snprintf(out, 48, "%.37s...", p);
  else snprintf(out, 48, "%.*s", (int)n, p);
  return out;
}
