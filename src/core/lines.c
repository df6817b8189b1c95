/*
** lines.c -- vfl_lines: the readers' line source (textio.h) offered as a
** handle, so that adapters read plain and gzip files the way readers do.
*/
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "textio.h"
#include "vfl.h"

struct vfl_lines {
  text_src src;
  char *path; /* owned: src.name points here */
};

int vfl_lines_open(const char *path, vfl_lines **out) {
  *out = NULL;
  if (!path) return vfl_fail(VFL_EINVAL, "cannot open a file: the path is NULL");
  vfl_lines *l = vfl_calloc(1, sizeof *l);
  size_t n = strlen(path);
  char *copy = l ? vfl_alloc(n + 1) : NULL;
  if (!copy) {
    vfl_free(l);
    return VFL_ENOMEM;
  }
  memcpy(copy, path, n + 1);
  l->path = copy;
  int rc = text_open_file(&l->src, copy);
  if (rc) {
    vfl_lines_close(l);
    return rc;
  }
  *out = l;
  return VFL_OK;
}

int vfl_lines_next(vfl_lines *lines, const char **line, size_t *len) {
  return text_next_line(&lines->src, line, len);
}

uint64_t vfl_lines_number(const vfl_lines *lines) { return lines->src.line_no; }

void vfl_lines_close(vfl_lines *lines) {
  if (!lines) return;
  text_close(&lines->src);
  vfl_free(lines->path);
  vfl_free(lines);
}
