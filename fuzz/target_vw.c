/*
** target_vw.c -- vfl_read_vw_buffer. Option byte:
**   bits 0-1  groups: flat, by order, by letter, flat
**   bits 2-3  hash_bits: default (18), 4, 10 or 24
**   bit 4     input name "x" instead of the default
*/
#include "targets.h"

void fuzz_vw(const uint8_t *data, size_t size) {
  if (size < 1) return;
  static const int groups[4] = {VFL_VW_FLAT, VFL_VW_GROUP_ORDER, VFL_VW_GROUP_LETTER, VFL_VW_FLAT};
  static const uint32_t bits[4] = {0, 4, 10, 24};
  uint8_t b = data[0];
  vfl_vw_options o = {0};
  o.groups = groups[b & 3];
  o.hash_bits = bits[(b >> 2) & 3];
  o.input = b & 0x10 ? "x" : NULL;
  vfl_set_error("");
  vfl_dataset *ds = NULL;
  int rc = vfl_read_vw_buffer((const char *)data + 1, size - 1, "fuzz.vw", &o, &ds);
  fuzz_check_read(rc, ds);
}
