/*
** model_values.h -- a parameter block's values in the model file, in the
** encoding the save asked for (quant.h): the weights and optimizer state as
** floats, the weights alone as floats, as halves, or as 8-bit integers with
** a scale per group. The loader turns each back into floats.
*/
#ifndef VFL_MODEL_VALUES_H
#define VFL_MODEL_VALUES_H

#include "model_io.h"
#include "net.h"

/* The encoding (QUANT_*) a block is written in for a VFL_STORE_* save. */
int values_encoding(int storage);
/* Whether every weight of net can be written in that encoding (finite, and
** within half precision's range for F16); the message names the layer. */
int values_check(const vfl_net *net, int storage, const char *path);

/* The block's header (rows, cols, n_state, state kind, and from version 4
** the encoding byte) and its values. */
void values_put(model_writer *w, const vfl_param *p, int storage);
/* Reads the values of block b of l after its header's shape was checked;
** r->version < 4 or encoding QUANT_F32 reads floats as before. */
int values_get(model_reader *r, const vfl_layer *l, uint32_t b, uint32_t n_state, int encoding);

#endif
