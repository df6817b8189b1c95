/*
** model_values.c -- see model_values.h. Values are converted through a
** small buffer on the stack, a row or a group at a time: a save of a large
** model allocates nothing, and the loader checks that the bytes a block
** claims are there before it reads any.
*/
#include <math.h>
#include <string.h>

#include "error.h"
#include "model_values.h"
#include "quant.h"

enum { CHUNK = 1024 };

int values_encoding(int storage) {
  return storage == VFL_STORE_F16 ? QUANT_F16 : storage == VFL_STORE_Q8 ? QUANT_Q8 : QUANT_F32;
}

/* Weight i of the block, counting along its rows (the optimizer state that
** follows each row is skipped). */
static float weight_at(const vfl_param *p, uint64_t i) { return param_row(p, (uint32_t)(i / p->cols))[i % p->cols]; }

int values_check(const vfl_net *net, int storage, const char *path) {
  if (values_encoding(storage) == QUANT_F32) return VFL_OK;
  for (uint32_t i = 0; i < net->n_layers; i++) {
    const vfl_layer *l = &net->layers[i];
    for (uint32_t b = 0; b < l->n_blocks; b++) {
      const vfl_param *p = &l->blocks[b];
      for (uint64_t k = 0; k < (uint64_t)p->rows * p->cols; k++) {
        float v = weight_at(p, k);
        if (!isfinite(v))
          return vfl_fail(VFL_EINVAL, "save \"%s\": layer '%s' has a weight of %g, which cannot be quantised", path,
                          l->name, (double)v);
        if (storage == VFL_STORE_F16 && fabsf(v) > QUANT_F16_MAX)
          return vfl_fail(VFL_EINVAL,
                          "save \"%s\": layer '%s' has a weight of %g, beyond half precision's %g (save it as q8 or full)",
                          path, l->name, (double)v, (double)QUANT_F16_MAX);
      }
    }
  }
  return VFL_OK;
}

static void put_f16(model_writer *w, const vfl_param *p) {
  uint16_t buf[CHUNK];
  uint64_t n = (uint64_t)p->rows * p->cols, k = 0;
  while (k < n) {
    size_t m = 0;
    for (; m < CHUNK && k < n; m++, k++) buf[m] = quant_f16_from_float(weight_at(p, k));
    put_bytes(w, buf, m * sizeof *buf);
  }
}

/* Group g's weights into buf; returns how many. */
static size_t group_of(const vfl_param *p, uint64_t g, float *buf) {
  uint64_t n = (uint64_t)p->rows * p->cols, from = g * VFL_Q8_GROUP;
  size_t m = 0;
  for (uint64_t k = from; k < n && m < VFL_Q8_GROUP; k++) buf[m++] = weight_at(p, k);
  return m;
}

static uint64_t q8_groups(uint64_t n) { return (n + VFL_Q8_GROUP - 1) / VFL_Q8_GROUP; }

/* The scales of every group, then every weight's byte. */
static void put_q8(model_writer *w, const vfl_param *p) {
  float buf[VFL_Q8_GROUP];
  int8_t q[VFL_Q8_GROUP];
  uint64_t groups = q8_groups((uint64_t)p->rows * p->cols);
  put_u32(w, VFL_Q8_GROUP);
  for (uint64_t g = 0; g < groups; g++) put_f32(w, quant_q8_scale(buf, group_of(p, g, buf)));
  for (uint64_t g = 0; g < groups; g++) {
    size_t m = group_of(p, g, buf);
    float scale = quant_q8_scale(buf, m);
    for (size_t k = 0; k < m; k++) q[k] = quant_q8_encode(buf[k], scale);
    put_bytes(w, q, m);
  }
}

void values_put(model_writer *w, const vfl_param *p, int storage) {
  int enc = values_encoding(storage);
  uint32_t n_state = storage == VFL_STORE_FULL ? p->n_state : 0;
  put_u32(w, p->rows);
  put_u32(w, p->cols);
  put_u32(w, n_state);
  put_i32(w, n_state ? p->state_kind : 0);
  uint8_t e = (uint8_t)enc;
  put_bytes(w, &e, 1);
  if (enc == QUANT_F16) put_f16(w, p);
  else if (enc == QUANT_Q8) put_q8(w, p);
  else if (n_state && !p->has_sums) put_floats(w, p->data, (size_t)p->rows * p->stride);
  else /* weights only, or no mini-batch sums: they are a run's scratch */
    for (uint32_t r = 0; r < p->rows; r++) put_floats(w, param_row(p, r), (size_t)p->cols * (1 + n_state));
}

static int get_f16(model_reader *r, vfl_param *p) {
  uint16_t buf[CHUNK];
  uint64_t n = (uint64_t)p->rows * p->cols, k = 0;
  while (k < n && !r->bad) {
    size_t m = n - k < CHUNK ? (size_t)(n - k) : CHUNK;
    get_bytes(r, buf, m * sizeof *buf);
    for (size_t j = 0; j < m && !r->bad; j++, k++) param_row(p, (uint32_t)(k / p->cols))[k % p->cols] = quant_f16_to_float(buf[j]);
  }
  return r->bad ? VFL_EFORMAT : VFL_OK;
}

static int get_q8(model_reader *r, const vfl_layer *l, uint32_t b, vfl_param *p) {
  uint64_t n = (uint64_t)p->rows * p->cols;
  uint32_t group = get_u32(r);
  if (r->bad) return VFL_EFORMAT;
  if (group < 1 || group > 65536)
    return vfl_fail(VFL_EFORMAT, "\"%s\": layer '%s': block %u has q8 groups of %u weights (1 to 65536)", r->path,
                    l->name, b + 1, group);
  uint64_t groups = (n + group - 1) / group;
  if (groups > (uint64_t)(r->end - r->p) / 4 || n > (uint64_t)(r->end - r->p) - groups * 4) return model_truncated(r);
  const uint8_t *scales = r->p, *bytes = r->p + groups * 4;
  for (uint64_t g = 0; g < groups; g++) {
    float s;
    memcpy(&s, scales + 4 * g, 4);
    if (!(s >= 0 && isfinite(s)))
      return vfl_fail(VFL_EFORMAT, "\"%s\": the model is damaged: layer '%s': block %u has a q8 scale of %g", r->path,
                      l->name, b + 1, (double)s);
    for (uint64_t k = g * group; k < n && k < (g + 1) * group; k++)
      param_row(p, (uint32_t)(k / p->cols))[k % p->cols] = s * (float)(int8_t)bytes[k];
  }
  r->p = bytes + n;
  return VFL_OK;
}

int values_get(model_reader *r, const vfl_layer *l, uint32_t b, uint32_t n_state, int encoding) {
  vfl_param *p = &l->blocks[b];
  if (encoding > QUANT_Q8)
    return vfl_fail(VFL_EFORMAT, "\"%s\": layer '%s': block %u has an unknown encoding %d", r->path, l->name, b + 1,
                    encoding);
  if (encoding != QUANT_F32 && n_state)
    return vfl_fail(VFL_EFORMAT, "\"%s\": layer '%s': block %u is quantised but claims optimizer state", r->path,
                    l->name, b + 1);
  if (encoding == QUANT_F16) return get_f16(r, p);
  if (encoding == QUANT_Q8) return get_q8(r, l, b, p);
  get_bytes(r, p->data, (size_t)p->rows * p->stride * sizeof(float));
  return r->bad ? VFL_EFORMAT : VFL_OK;
}
