/*
** model_io.c -- see model_io.h.
*/
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "alloc.h"
#include "error.h"
#include "model_io.h"
#include "vfl.h"

void put_bytes(model_writer *w, const void *p, size_t n) {
  if (!w->f) {
    w->bytes += n;
    return;
  }
  if (w->failed || !n) return;
  if (fwrite(p, 1, n, w->f) != n) w->failed = errno ? errno : EIO;
  w->crc = crc32(w->crc, p, (uInt)n);
  w->bytes += n;
}

void put_u32(model_writer *w, uint32_t v) { put_bytes(w, &v, 4); }
void put_i32(model_writer *w, int32_t v) { put_bytes(w, &v, 4); }
void put_f32(model_writer *w, float v) { put_bytes(w, &v, 4); }
void put_u64(model_writer *w, uint64_t v) { put_bytes(w, &v, 8); }

void put_str(model_writer *w, const char *s) {
  put_u32(w, (uint32_t)strlen(s));
  put_bytes(w, s, strlen(s));
}

void put_floats(model_writer *w, const float *p, size_t n) {
  while (n) { /* crc32 takes at most 4 GiB at a time */
    size_t chunk = n > (1u << 28) ? (1u << 28) : n;
    put_bytes(w, p, chunk * sizeof(float));
    p += chunk;
    n -= chunk;
  }
}

int model_truncated(model_reader *r) {
  if (!r->bad) vfl_fail(VFL_EFORMAT, "\"%s\": the model is damaged: a field runs past the end of the file", r->path);
  r->bad = 1;
  return VFL_EFORMAT;
}

void get_bytes(model_reader *r, void *out, size_t n) {
  if (r->bad || (size_t)(r->end - r->p) < n) {
    model_truncated(r);
    return;
  }
  memcpy(out, r->p, n);
  r->p += n;
}

uint32_t get_u32(model_reader *r) {
  uint32_t v = 0;
  get_bytes(r, &v, 4);
  return v;
}

int32_t get_i32(model_reader *r) {
  int32_t v = 0;
  get_bytes(r, &v, 4);
  return v;
}

float get_f32(model_reader *r) {
  float v = 0;
  get_bytes(r, &v, 4);
  return v;
}

float *get_floats(model_reader *r, uint64_t n) {
  if (r->bad || n > (uint64_t)(r->end - r->p) / sizeof(float)) {
    model_truncated(r);
    return NULL;
  }
  float *v = vfl_alloc((size_t)(n ? n : 1) * sizeof(float));
  if (v) get_bytes(r, v, (size_t)n * sizeof(float));
  else r->bad = 1;
  return v;
}

int get_count(model_reader *r, uint32_t *n, size_t item_bytes) {
  *n = get_u32(r);
  if (r->bad || *n > (size_t)(r->end - r->p) / item_bytes) return model_truncated(r);
  return VFL_OK;
}
