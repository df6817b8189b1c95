/*
** model_save.c -- writing a model atomically: into a temporary file in the
** destination's folder, flushed to disk, then renamed over the destination.
** A crash at any moment leaves either the old file or the new one, and at
** most a temporary file, which the next save of the same path removes
** (model_tmp.h).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "alloc.h"
#include "error.h"
#include "model.h"
#include "model_tmp.h"
#include "net.h"

typedef struct writer {
  FILE *f;
  uLong crc;
  uint64_t bytes;
  int failed;
} writer;

/* A writer with no file only counts bytes: that is how the header learns
** the body's size before the body is written. */
static void put(writer *w, const void *p, size_t n) {
  if (!w->f) {
    w->bytes += n;
    return;
  }
  if (w->failed || !n) return;
  if (fwrite(p, 1, n, w->f) != n) w->failed = errno ? errno : EIO;
  w->crc = crc32(w->crc, p, (uInt)n);
  w->bytes += n;
}

static void put_u32(writer *w, uint32_t v) { put(w, &v, 4); }
static void put_i32(writer *w, int32_t v) { put(w, &v, 4); }
static void put_f32(writer *w, float v) { put(w, &v, 4); }
static void put_u64(writer *w, uint64_t v) { put(w, &v, 8); }

static void put_str(writer *w, const char *s) {
  put_u32(w, (uint32_t)strlen(s));
  put(w, s, strlen(s));
}

static void put_floats(writer *w, const float *p, size_t n) {
  while (n) { /* crc32 takes at most 4 GiB at a time */
    size_t chunk = n > (1u << 28) ? (1u << 28) : n;
    put(w, p, chunk * sizeof(float));
    p += chunk;
    n -= chunk;
  }
}

static void put_prior(writer *w, const vfl_layer *l, const vfl_prior *pr) {
  const vfl_param *blk = &l->blocks[pr->spec.parent < 0 ? 0 : pr->spec.parent];
  put_i32(w, pr->spec.kind);
  put_f32(w, pr->spec.lambda);
  put_i32(w, pr->spec.parent);
  uint8_t flags[2] = {pr->per_row != NULL, pr->center != NULL};
  put(w, flags, 2);
  if (pr->per_row) put_floats(w, pr->per_row, blk->rows);
  if (pr->center) put_floats(w, pr->center, (size_t)blk->rows * blk->cols);
}

static void put_structure(writer *w, const vfl_layer *l) {
  const vfl_layer_spec *s = &l->spec;
  put_str(w, l->name);
  put_i32(w, s->kind);
  put_i32(w, s->input_kind);
  put_u32(w, s->dim);
  put_i32(w, s->intercept);
  put_i32(w, s->mean);
  put_f32(w, s->rate);
  put_u32(w, s->cross_bits);
  put_u32(w, s->n_crosses);
  for (uint32_t i = 0; i < 2 * s->n_crosses; i++) put_u32(w, l->crosses[i]);
  put_u32(w, l->n_parents);
  for (uint32_t p = 0; p < l->n_parents; p++) put_u32(w, l->parents[p]);
  put_i32(w, l->optim.kind);
  put_f32(w, l->optim.lr);
  put_f32(w, l->optim.beta1);
  put_f32(w, l->optim.beta2);
  put_f32(w, l->optim.eps);
}

static void put_data(writer *w, const vfl_layer *l) {
  put_u32(w, l->n_priors);
  for (uint32_t i = 0; i < l->n_priors; i++) put_prior(w, l, &l->priors[i]);
  for (uint32_t b = 0; b < l->n_blocks; b++) {
    const vfl_param *p = &l->blocks[b];
    put_u32(w, p->rows);
    put_u32(w, p->cols);
    put_u32(w, p->n_state);
    put_i32(w, p->state_kind);
    put_floats(w, p->data, (size_t)p->rows * p->stride);
  }
}

static void put_body(writer *w, const vfl_net *net) {
  put_u32(w, (uint32_t)net->link);
  put_u32(w, net->n_layers);
  for (uint32_t i = 0; i < net->n_layers; i++) put_structure(w, &net->layers[i]);
  for (uint32_t i = 0; i < net->n_layers; i++) put_data(w, &net->layers[i]);
}

static uint64_t body_size(const vfl_net *net) {
  writer probe = {0};
  put_body(&probe, net);
  return probe.bytes;
}

static int write_all(writer *w, const vfl_net *net) {
  put(w, VFL_MODEL_MAGIC, 8);
  put_u32(w, VFL_MODEL_VERSION);
  put_u32(w, VFL_MODEL_BYTE_ORDER);
  put_u64(w, body_size(net));
  put_body(w, net);
  uint32_t crc = (uint32_t)w->crc;
  put_u32(w, crc);
  return w->failed;
}

/* The process's umask without changing it (umask() sets it, and another
** thread could create a file in between): Linux shows it in /proc. */
static mode_t current_umask(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[128];
  unsigned mask = 022;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "Umask: %o", &mask) == 1) break;
  if (f) fclose(f);
  return (mode_t)mask;
}

/* mkstemp creates the file readable by its owner only; a model is an
** ordinary file: it keeps the mode of the file it replaces, or a new one
** gets what open() would give it. */
static void give_mode(int fd, const char *path) {
  struct stat st;
  mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 07777) : (0666 & ~current_umask());
  (void)fchmod(fd, mode);
}

int vfl_model_save(const vfl_net *net, const char *path) {
  if (!net->ready) return vfl_fail(VFL_EINVAL, "save \"%s\": the net is not initialised: call init first", path);
  model_tmp tmp;
  int rc = model_tmp_begin(path, &tmp);
  if (rc) return rc;
  int fd = tmp.fd;
  give_mode(fd, path);
  writer w = {fdopen(fd, "wb"), crc32(0, NULL, 0), 0, 0};
  int err = w.f ? write_all(&w, net) : errno;
  if (w.f && fflush(w.f) != 0 && !err) err = errno;
  if (!err && fsync(fd) != 0) err = errno;
  if (w.f ? fclose(w.f) != 0 && !err : close(fd) != 0 && !err) err = errno;
  if (!err && rename(tmp.name, path) != 0) err = errno;
  if (err) {
    unlink(tmp.name);
    rc = vfl_fail(VFL_EIO, "cannot save \"%s\": %s", path, strerror(err));
  }
  model_tmp_end(&tmp);
  if (!err) model_tmp_sweep(path); /* what earlier saves of path left when killed */
  return rc;
}
