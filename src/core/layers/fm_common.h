/*
** fm_common.h -- what the two factorization machine kinds share (fm.c,
** ffm.c): one parameter block with a row per feature id, [w_i, then the
** factors] (w_i only with the linear term), a bias block w0 after it; the
** feature id to row map (hashed into 2^hash_bits rows, or the id itself);
** the spec's checks and its model-file fields.
*/
#ifndef VFL_FM_COMMON_H
#define VFL_FM_COMMON_H

#include <stddef.h>

#include "layer.h"

/* Largest k: a row of an FFM holds k floats per field. */
#define FM_MAX_FACTORS 1024u
/* Rows a layer may ask for without hash_bits: more means a grouped input's
** packed ids (field << 24 | hash), tens of millions of rows or more. */
#define FM_MAX_DIRECT_ROWS (1u << 24)

/* Row of feature id `id`: Fibonacci hashing (the top hash_bits bits of the
** product), which spreads a grouped input's field bits over every row. */
static inline uint32_t fm_row(uint32_t hash_bits, uint32_t id) {
  return hash_bits ? (uint32_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> (64 - hash_bits)) : id;
}

/* Floats before the factors in a row: 1 with the linear term (w_i), else 0. */
static inline uint32_t fm_linear_cols(const vfl_layer_spec *s) { return s->intercept ? 1u : 0u; }

int fm_check(const char *layer, const vfl_layer_spec *s);
/* One output; the parent must be sparse (grouped when `grouped`), and give
** no more than FM_MAX_DIRECT_ROWS rows without hash_bits. */
int fm_shape(const vfl_net *net, vfl_layer *l, int grouped);
/* Rows of the factor block: 2^hash_bits, or the parent's dimension. */
uint32_t fm_rows(const vfl_net *net, const vfl_layer *l);
/* The factor block (rows x cols, uniform in +-scale) then, with the linear
** term, the bias w0. */
uint32_t fm_blocks(const vfl_net *net, const vfl_layer *l, uint32_t cols, layer_block *out);
/* "fm(8)", "fm(8, pairwise only, 20 bits)" */
int fm_describe(const char *kind, const vfl_layer_spec *s, char *buf, size_t size);
void fm_save(struct model_writer *w, const vfl_layer_spec *s);
int fm_load(struct model_reader *r, vfl_layer_spec *s);

#endif
