/*
** model_load.c -- reading a model file. The whole file is checked (magic,
** version, byte order, size, CRC) before anything in it is believed, and
** every count is checked against the bytes that remain, so a damaged file
** is an error that names the problem, never a crash or a huge allocation.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "alloc.h"
#include "error.h"
#include "featurizer.h"
#include "layer.h"
#include "model.h"
#include "model_io.h"
#include "optim.h"
#include "model_values.h"
#include "quant.h"
#include "net.h"

static int read_file(const char *path, uint8_t **data, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return vfl_fail(VFL_EIO, "cannot open \"%s\": %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = vfl_alloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    uint8_t *grown = vfl_realloc(buf, cap * 2);
    if (!grown) {
      vfl_free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  int failed = ferror(f);
  fclose(f);
  if (!buf) return VFL_ENOMEM;
  if (failed) {
    vfl_free(buf);
    return vfl_fail(VFL_EIO, "cannot read \"%s\"", path);
  }
  *data = buf;
  *len = n;
  return VFL_OK;
}

/* zlib's crc32 takes a 32-bit length: a model of 4 GiB or more is summed
** in pieces (as model_save.c writes it), not cut at the length's low bits. */
static uint32_t crc_of(const uint8_t *d, size_t n) {
  uLong crc = crc32(0, NULL, 0);
  while (n) {
    size_t chunk = n > (1u << 30) ? (1u << 30) : n;
    crc = crc32(crc, d, (uInt)chunk);
    d += chunk;
    n -= chunk;
  }
  return (uint32_t)crc;
}

static int check_envelope(const char *path, const uint8_t *d, size_t len) {
  const size_t head = 8 + 4 + 4 + 8;
  if (len < 8 || memcmp(d, VFL_MODEL_MAGIC, 8) != 0) return vfl_fail(VFL_EFORMAT, "\"%s\" is not a vfl model file", path);
  if (len < head + 4) return vfl_fail(VFL_EFORMAT, "\"%s\": the model is truncated (%zu bytes)", path, len);
  uint32_t version, order;
  uint64_t body;
  memcpy(&version, d + 8, 4);
  memcpy(&order, d + 12, 4);
  memcpy(&body, d + 16, 8);
  if (order != VFL_MODEL_BYTE_ORDER)
    return vfl_fail(VFL_EFORMAT, "\"%s\": the model was written on a machine of the other byte order", path);
  if (version < VFL_MODEL_OLDEST || version > VFL_MODEL_VERSION)
    return vfl_fail(VFL_EFORMAT, "\"%s\": model format version %u, this vfl reads versions %u to %u", path, version,
                    VFL_MODEL_OLDEST, VFL_MODEL_VERSION);
  if (body > len - head - 4 || len != head + body + 4)
    return vfl_fail(VFL_EFORMAT, "\"%s\": the model is truncated or padded (%zu bytes, expected %llu)", path, len,
                    (unsigned long long)(head + body + 4));
  uint32_t stored;
  memcpy(&stored, d + len - 4, 4);
  if (crc_of(d, len - 4) != stored)
    return vfl_fail(VFL_EFORMAT, "\"%s\": the model is damaged (checksum mismatch)", path);
  return VFL_OK;
}

/* Version 1: every kind's fields, fixed, whatever the kind. */
static int read_fields_v1(model_reader *r, vfl_layer_spec *s) {
  s->input_kind = get_i32(r);
  s->dim = get_u32(r);
  s->intercept = get_i32(r);
  s->mean = get_i32(r);
  s->rate = get_f32(r);
  s->cross_bits = get_u32(r);
  if (get_count(r, &s->n_crosses, 8)) return VFL_EFORMAT;
  uint32_t *crosses = vfl_alloc((2 * (size_t)s->n_crosses + 1) * sizeof *crosses);
  if (!crosses) return VFL_ENOMEM;
  for (uint32_t i = 0; i < 2 * s->n_crosses; i++) crosses[i] = get_u32(r);
  s->crosses = crosses;
  s->cross_order = 2;
  layer_linear_upgrade(s); /* a linear layer with mean: an embedding bag now */
  return r->bad ? VFL_EFORMAT : VFL_OK;
}

static int read_spec(model_reader *r, vfl_net *net) {
  vfl_layer_spec s;
  memset(&s, 0, sizeof s);
  uint32_t name_len = get_u32(r);
  if (!r->bad && (name_len == 0 || name_len > 4096))
    return vfl_fail(VFL_EFORMAT, "\"%s\": layer %u has a name of %u bytes", r->path, net->n_layers + 1, name_len);
  char name[4097] = "";
  get_bytes(r, name, name_len);
  name[r->bad ? 0 : name_len] = '\0';
  s.kind = get_i32(r);
  if (r->bad) return VFL_EFORMAT;
  const layer_ops *ops = r->version == 1 ? NULL : layer_kind(s.kind);
  if (r->version > 1 && !ops) return vfl_fail(VFL_EFORMAT, "\"%s\": layer '%s' has an unknown kind %d", r->path, name, (int)s.kind);
  int rc = r->version == 1 ? read_fields_v1(r, &s) : ops->load ? ops->load(r, &s) : VFL_OK;
  if (rc == VFL_OK) rc = r->bad ? VFL_EFORMAT : vfl_net_add(net, name, &s);
  vfl_free((void *)s.crosses); /* the one array a spec points to; the layer keeps a copy */
  if (rc && rc != VFL_EFORMAT && rc != VFL_ENOMEM) rc = vfl_fail_context(VFL_EFORMAT, r->path);
  return rc;
}

/* Parents are kept as positions; they are wired once every layer exists. */
static int read_parents(model_reader *r, vfl_net *net, uint32_t i, uint32_t n_layers, uint32_t **parents, uint32_t *n) {
  *n = get_u32(r);
  if (r->bad || *n > (size_t)(r->end - r->p) / 4) return model_truncated(r);
  *parents = vfl_alloc((*n + 1) * sizeof **parents);
  if (!*parents) return VFL_ENOMEM;
  for (uint32_t p = 0; p < *n; p++) {
    (*parents)[p] = get_u32(r);
    if (!r->bad && (*parents)[p] >= n_layers)
      return vfl_fail(VFL_EFORMAT, "\"%s\": layer '%s' names parent %u, which does not exist", r->path,
                      net->layers[i].name, (*parents)[p] + 1);
  }
  vfl_layer *l = &net->layers[i];
  l->optim.kind = get_i32(r);
  l->optim.lr = get_f32(r);
  l->optim.beta1 = get_f32(r);
  l->optim.beta2 = get_f32(r);
  l->optim.eps = get_f32(r);
  if (r->version >= 4) {
    l->optim.l1 = get_f32(r);
    l->optim.l2 = get_f32(r);
    l->optim.schedule = get_i32(r);
    l->optim.warmup = get_f32(r);
    l->optim.every = get_f32(r);
    l->optim.factor = get_f32(r);
  }
  if (!r->bad && l->optim.kind != 0 && optim_check(&l->optim, l->name) != VFL_OK) {
    char why[256]; /* the check's message, copied: vfl_fail writes the same buffer */
    snprintf(why, sizeof why, "%s", vfl_last_error());
    return vfl_fail(VFL_EFORMAT, "\"%s\": %s", r->path, why);
  }
  return r->bad ? VFL_EFORMAT : VFL_OK;
}

static int read_structure(model_reader *r, vfl_net *net, uint32_t n_layers) {
  uint32_t **parents = vfl_calloc(n_layers, sizeof *parents);
  uint32_t *counts = vfl_calloc(n_layers, sizeof *counts);
  int rc = parents && counts ? VFL_OK : VFL_ENOMEM;
  for (uint32_t i = 0; i < n_layers && rc == VFL_OK; i++) {
    rc = read_spec(r, net);
    if (rc == VFL_OK) rc = read_parents(r, net, i, n_layers, &parents[i], &counts[i]);
  }
  for (uint32_t i = 0; i < n_layers && rc == VFL_OK; i++)
    for (uint32_t p = 0; p < counts[i] && rc == VFL_OK; p++)
      rc = vfl_net_wire(net, net->layers[parents[i][p]].name, net->layers[i].name);
  for (uint32_t i = 0; parents && i < n_layers; i++) vfl_free(parents[i]);
  vfl_free(parents);
  vfl_free(counts);
  if (rc && rc != VFL_EFORMAT && rc != VFL_ENOMEM) rc = vfl_fail_context(VFL_EFORMAT, r->path);
  return rc;
}

static int read_prior(model_reader *r, vfl_net *net, uint32_t i) {
  vfl_layer *l = &net->layers[i];
  vfl_prior_spec s = {0};
  s.kind = get_i32(r);
  s.lambda = get_f32(r);
  s.parent = get_i32(r);
  s.floor = r->version > 1 ? get_f32(r) : 0.0f;
  uint8_t flags[2] = {0, 0};
  get_bytes(r, flags, 2);
  if (r->bad) return VFL_EFORMAT;
  if (!l->n_blocks) /* the blocks give the sizes a prior reads */
    return vfl_fail(VFL_EFORMAT, "\"%s\": layer '%s' has a prior but no weights", r->path, l->name);
  if (s.parent < -1 || s.parent >= (int)net_weight_blocks(l))
    return vfl_fail(VFL_EFORMAT, "\"%s\": layer '%s': a prior names parent %lld", r->path, l->name, (long long)s.parent + 1);
  const vfl_param *blk = &l->blocks[s.parent < 0 ? 0 : s.parent];
  float *per_row = flags[0] ? get_floats(r, blk->rows) : NULL;
  float *center = flags[1] ? get_floats(r, (uint64_t)blk->rows * blk->cols) : NULL;
  s.per_row = per_row;
  s.center = center;
  int rc = r->bad ? VFL_EFORMAT : vfl_net_add_prior(net, l->name, &s);
  vfl_free(per_row);
  vfl_free(center);
  if (rc && rc != VFL_EFORMAT && rc != VFL_ENOMEM) rc = vfl_fail_context(VFL_EFORMAT, r->path);
  return rc;
}

/* What the blocks were stored as, for vfl_net_storage: a bit per encoding,
** and one for optimizer state. */
enum { SEEN_STATE = 1 << 3 };

static int storage_of(unsigned seen) {
  if (seen & (1u << QUANT_Q8)) return VFL_STORE_Q8;
  if (seen & (1u << QUANT_F16)) return VFL_STORE_F16;
  return seen & SEEN_STATE ? VFL_STORE_FULL : VFL_STORE_WEIGHTS;
}

static int read_block(model_reader *r, vfl_layer *l, uint32_t b, unsigned *seen) {
  vfl_param *p = &l->blocks[b];
  uint32_t rows = get_u32(r), cols = get_u32(r), n_state = get_u32(r);
  int32_t kind = get_i32(r);
  uint8_t encoding = QUANT_F32; /* versions 1 to 3: floats, weights then state */
  if (r->version >= 4) get_bytes(r, &encoding, 1);
  if (r->bad) return VFL_EFORMAT;
  if (rows != p->rows || cols != p->cols || n_state > 2)
    return vfl_fail(VFL_EFORMAT, "\"%s\": layer '%s': block %u is %ux%u, the layer needs %ux%u", r->path, l->name, b + 1,
                    rows, cols, p->rows, p->cols);
  if (encoding == QUANT_F32 && (uint64_t)rows * cols * (1 + n_state) > (uint64_t)(r->end - r->p) / sizeof(float))
    return model_truncated(r);
  int rc = param_set_state(p, n_state, kind, 0, NULL);
  *seen |= (1u << (encoding & 7)) | (n_state ? SEEN_STATE : 0);
  return rc ? rc : values_get(r, l, b, n_state, encoding);
}

static int read_data(model_reader *r, vfl_net *net) {
  unsigned seen = 0;
  for (uint32_t i = 0; i < net->n_layers; i++) {
    uint32_t n_priors = get_u32(r);
    if (r->bad) return VFL_EFORMAT;
    int rc = VFL_OK;
    for (uint32_t k = 0; k < n_priors && rc == VFL_OK; k++) rc = read_prior(r, net, i);
    vfl_layer *l = &net->layers[i];
    for (uint32_t b = 0; b < l->n_blocks && rc == VFL_OK; b++) rc = read_block(r, l, b, &seen);
    if (rc) return rc;
  }
  net->storage = storage_of(seen);
  if (r->version >= 3) {
    int rc = featurizer_load(r, vfl_net_outputs(net), &net->featurizer);
    if (rc) return rc;
  }
  if (r->p != r->end)
    return vfl_fail(VFL_EFORMAT, "\"%s\": the model has %zu unexpected bytes at its end", r->path, (size_t)(r->end - r->p));
  return VFL_OK;
}

/* The structure gives every block's shape before any is allocated: a
** damaged or crafted file must not make the loader allocate more weights
** than the file could hold (each takes 4 bytes in the data section, at
** least 1 from version 4, where a block may be q8). */
static int check_param_room(model_reader *r, const vfl_net *net) {
  const uint64_t room = (uint64_t)(r->end - r->p) / (r->version >= 4 ? 1 : sizeof(float));
  uint64_t need = 0;
  for (uint32_t i = 0; i < net->n_layers; i++) {
    uint64_t layer = vfl_net_layer_params(net, i); /* from the shapes alone: nothing is allocated yet */
    if (layer > room - need)
      return vfl_fail(VFL_EFORMAT, "\"%s\": the model is damaged: layer '%s' needs more weights than the file holds",
                      r->path, net->layers[i].name);
    need += layer;
  }
  return VFL_OK;
}

static int parse(model_reader *r, vfl_net *net) {
  uint32_t link = get_u32(r), n_layers = get_u32(r);
  if (r->bad) return VFL_EFORMAT;
  if (link > VFL_LINK_SOFTMAX) return vfl_fail(VFL_EFORMAT, "\"%s\": unknown link %u", r->path, link);
  if (n_layers == 0 || n_layers > (size_t)(r->end - r->p) / 16)
    return vfl_fail(VFL_EFORMAT, "\"%s\": the model claims %u layers", r->path, n_layers);
  net->bulk = 1; /* net_compile derives the shapes once every layer is wired */
  int rc = read_structure(r, net, n_layers);
  net->bulk = 0;
  if (rc == VFL_OK && (rc = net_compile(net)) != VFL_OK) rc = vfl_fail_context(VFL_EFORMAT, r->path);
  if (rc == VFL_OK) rc = check_param_room(r, net);
  if (rc == VFL_OK) rc = net_alloc_params(net, 0); /* a loaded net gets the state its file holds */
  if (rc) return rc;
  net->ready = 1;
  net->link = (int)link;
  return read_data(r, net);
}

int model_load_buffer(const uint8_t *data, size_t len, const char *name, vfl_net **out) {
  *out = NULL;
  int rc = check_envelope(name, data, len);
  vfl_net *net = rc ? NULL : vfl_net_new();
  if (rc == VFL_OK && !net) rc = VFL_ENOMEM;
  if (rc == VFL_OK) {
    uint32_t version;
    memcpy(&version, data + 8, 4);
    model_reader r = {data + 24, data + len - 4, name, version, 0};
    rc = parse(&r, net);
  }
  if (rc) {
    vfl_net_free(net);
    return rc;
  }
  *out = net;
  return VFL_OK;
}

int vfl_model_load(const char *path, vfl_net **out) {
  *out = NULL;
  uint8_t *data = NULL;
  size_t len = 0;
  int rc = read_file(path, &data, &len);
  if (rc) return rc;
  rc = model_load_buffer(data, len, path, out);
  vfl_free(data);
  return rc;
}
