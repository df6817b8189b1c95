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
#include "featurizer.h"
#include "layer.h"
#include "model.h"
#include "model_io.h"
#include "model_tmp.h"
#include "model_values.h"
#include "net.h"

static void put_prior(model_writer *w, const vfl_prior *pr) {
  put_i32(w, pr->spec.kind);
  put_f32(w, pr->spec.lambda);
  put_i32(w, pr->spec.parent);
  put_f32(w, pr->spec.floor);
  uint8_t flags[2] = {pr->per_row != NULL, pr->center != NULL};
  put_bytes(w, flags, 2);
  if (pr->per_row) put_floats(w, pr->per_row, pr->rows);
  if (pr->center) put_floats(w, pr->center, (size_t)pr->rows * pr->cols);
}

static void put_structure(model_writer *w, const vfl_layer *l) {
  put_str(w, l->name);
  put_i32(w, l->spec.kind);
  if (l->ops->save) l->ops->save(w, &l->spec);
  put_u32(w, l->n_parents);
  for (uint32_t p = 0; p < l->n_parents; p++) put_u32(w, l->parents[p]);
  put_i32(w, l->optim.kind);
  put_f32(w, l->optim.lr);
  put_f32(w, l->optim.beta1);
  put_f32(w, l->optim.beta2);
  put_f32(w, l->optim.eps);
  /* Version 4: FTRL's strengths and the schedule, so a layer's own
  ** optimizer comes back whole. */
  put_f32(w, l->optim.l1);
  put_f32(w, l->optim.l2);
  put_i32(w, l->optim.schedule);
  put_f32(w, l->optim.warmup);
  put_f32(w, l->optim.every);
  put_f32(w, l->optim.factor);
}

static void put_data(model_writer *w, const vfl_layer *l, int storage) {
  put_u32(w, l->n_priors);
  for (uint32_t i = 0; i < l->n_priors; i++) put_prior(w, &l->priors[i]);
  for (uint32_t b = 0; b < l->n_blocks; b++) values_put(w, &l->blocks[b], storage);
}

static void put_body(model_writer *w, const vfl_net *net, int storage) {
  put_u32(w, (uint32_t)net->link);
  put_u32(w, net->n_layers);
  for (uint32_t i = 0; i < net->n_layers; i++) put_structure(w, &net->layers[i]);
  for (uint32_t i = 0; i < net->n_layers; i++) put_data(w, &net->layers[i], storage);
  featurizer_save(w, net->featurizer);
}

static uint64_t body_size(const vfl_net *net, int storage) {
  model_writer probe = {0};
  put_body(&probe, net, storage);
  return probe.bytes;
}

static int write_all(model_writer *w, const vfl_net *net, int storage) {
  put_bytes(w, VFL_MODEL_MAGIC, 8);
  put_u32(w, VFL_MODEL_VERSION);
  put_u32(w, VFL_MODEL_BYTE_ORDER);
  put_u64(w, body_size(net, storage));
  put_body(w, net, storage);
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

int vfl_model_save(const vfl_net *net, const char *path) { return vfl_model_save_as(net, path, VFL_STORE_FULL); }

int vfl_model_save_as(const vfl_net *net, const char *path, int storage) {
  if (!net->ready) return vfl_fail(VFL_EINVAL, "save \"%s\": the net is not initialised: call init first", path);
  if (storage < VFL_STORE_FULL || storage > VFL_STORE_Q8)
    return vfl_fail(VFL_EINVAL, "save \"%s\": unknown storage %d (VFL_STORE_FULL, _WEIGHTS, _F16 or _Q8)", path, storage);
  if (values_check(net, storage, path)) return VFL_EINVAL;
  if (net->featurizer && featurizer_check(&net->featurizer->f, vfl_net_outputs(net))) {
    char what[1024];
    snprintf(what, sizeof what, "save \"%s\"", path);
    return vfl_fail_context(VFL_EINVAL, what);
  }
  model_tmp tmp;
  int rc = model_tmp_begin(path, &tmp);
  if (rc) return rc;
  int fd = tmp.fd;
  give_mode(fd, path);
  model_writer w = {fdopen(fd, "wb"), crc32(0, NULL, 0), 0, 0};
  int err = w.f ? write_all(&w, net, storage) : errno;
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
