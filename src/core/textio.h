/*
** textio.h -- line-by-line reading of text data for the readers: files
** (plain or gzip, told apart by zlib from the content) read in large chunks,
** or a caller's buffer, and messages that name "name:line:column".
**
** Every line handed out is followed in memory by a '\n' byte (line[len] ==
** '\n'), also for a last line that lacks one, so that parsers may scan a
** token up to a byte that ends it without checking the length at each step.
** The '\n' itself is not part of the line; a '\r' before it is (parsers treat
** it as white space).
*/
#ifndef VFL_TEXTIO_H
#define VFL_TEXTIO_H

#include <stddef.h>
#include <stdint.h>

typedef struct text_src {
  const char *name;      /* path or buffer name, for messages */
  void *gz;              /* gzFile while reading a file; NULL for a buffer */
  char *buf;             /* file: chunk buffer of cap + 1 bytes */
  size_t cap;
  size_t scanned;        /* bytes after p already known to hold no '\n' */
  const char *p, *end;   /* input not yet handed out */
  int at_eof;            /* nothing more after end */
  char *tail;            /* buffer: copy of a last line that lacks its '\n' */
  const char *line;      /* the line last handed out, for columns */
  uint64_t line_no;      /* its 1-based number */
} text_src;

/* Opens path for reading. VFL_EIO with "cannot open ..." on failure. */
int text_open_file(text_src *s, const char *path);
/* Reads from data[0, len), which must outlive s; name is used in messages. */
void text_open_buffer(text_src *s, const char *data, size_t len, const char *name);
void text_close(text_src *s);

/* The next line: returns 1 and sets *line and *len, 0 at the end of the
** input, or a negative status (read error, damaged or truncated gzip). */
int text_next_line(text_src *s, const char **line, size_t *len);

/* Fails with code and "name:line:column: message", the column being the
** 1-based byte position of at within the current line. */
int text_fail(const text_src *s, const char *at, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Length of the token at p: bytes up to white space, '\n' or any byte of
** stops (which may be NULL). */
size_t text_token_len(const char *p, const char *stops);

/* Formats the n bytes at p for a message, shortened with "..." beyond 40
** bytes. out must hold 48 bytes. Returns out. */
const char *text_show(char *out, const char *p, size_t n);

#endif
