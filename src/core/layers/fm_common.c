/*
** fm_common.c -- checks, shapes, blocks and model-file fields shared by the
** factorization machine kinds (fm.c, ffm.c).
*/
#include <math.h>
#include <stdio.h>

#include "error.h"
#include "fm_common.h"
#include "model_io.h"

int fm_check(const char *layer, const vfl_layer_spec *s) {
  if (s->dim < 1 || s->dim > FM_MAX_FACTORS)
    return vfl_fail(VFL_EINVAL, "layer '%s': the number of factors k = %u must be between 1 and %u", layer, s->dim,
                    FM_MAX_FACTORS);
  if (s->hash_bits > 31)
    return vfl_fail(VFL_EINVAL, "layer '%s': hash bits %u must be between 1 and 31 (0: one row per id)", layer,
                    s->hash_bits);
  return VFL_OK;
}

uint32_t fm_rows(const vfl_net *net, const vfl_layer *l) {
  return l->spec.hash_bits ? 1u << l->spec.hash_bits : net->layers[l->parents[0]].dim;
}

int fm_shape(const vfl_net *net, vfl_layer *l, int grouped) {
  const char *kind = grouped ? "an ffm" : "an fm";
  if (l->n_parents != 1) return vfl_fail(VFL_EINVAL, "layer '%s': needs exactly one parent, has %u", l->name, l->n_parents);
  const vfl_layer *p = &net->layers[l->parents[0]];
  if (grouped && (p->spec.kind != VFL_LAYER_INPUT || p->spec.input_kind != VFL_INPUT_GROUPED))
    return vfl_fail(VFL_EINVAL, "layer '%s': %s layer's parent must be a grouped input (its groups are the fields), '%s' is not",
                    l->name, kind, p->name);
  if (!p->sparse_out)
    return vfl_fail(VFL_EINVAL, "layer '%s': %s layer's parent must be sparse or grouped, '%s' is dense", l->name, kind,
                    p->name);
  if (!l->spec.hash_bits && p->dim > FM_MAX_DIRECT_ROWS)
    return vfl_fail(VFL_EINVAL, "layer '%s': its parent '%s' has %u ids, too many for one row each; give bits to hash them into 2^bits rows",
                    l->name, p->name, p->dim);
  l->dim = 1;
  l->sparse_out = 0;
  l->needs_grad = 1;
  return VFL_OK;
}

/* The factors start uniform in +-0.1/sqrt(k) (so <v_i, v_j> starts within
** +-0.01, and no pair dominates the first steps), like libFM's 0.1 normal
** scaled for k; all zeros would never move (each factor's gradient is
** made of the others). The w_i share the rows and the range; w0 is a bias. */
uint32_t fm_blocks(const vfl_net *net, const vfl_layer *l, uint32_t cols, layer_block *out) {
  if (out) {
    out[0] = (layer_block){fm_rows(net, l), cols, 0.1f / sqrtf((float)l->spec.dim), 0};
    if (l->spec.intercept) out[1] = (layer_block){1, 1, 0.0f, 1};
  }
  return l->spec.intercept ? 2 : 1;
}

int fm_describe(const char *kind, const vfl_layer_spec *s, char *buf, size_t size) {
  char bits[32] = "";
  if (s->hash_bits) snprintf(bits, sizeof bits, ", %u bits", s->hash_bits);
  return snprintf(buf, size, "%s(%u%s%s)", kind, s->dim, s->intercept ? "" : ", pairwise only", bits);
}

void fm_save(model_writer *w, const vfl_layer_spec *s) {
  put_u32(w, s->dim);
  put_i32(w, s->intercept);
  put_u32(w, s->hash_bits);
}

int fm_load(model_reader *r, vfl_layer_spec *s) {
  s->dim = get_u32(r);
  s->intercept = get_i32(r);
  s->hash_bits = get_u32(r);
  return r->bad ? VFL_EFORMAT : VFL_OK;
}
