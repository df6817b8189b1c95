/*
** target_libsvm.c -- vfl_read_libsvm_buffer. Option byte:
**   bits 0-1  labels per row: 1, 1, 2 or 3 ("l1,l2,..")
**   bits 2-3  hash_bits: none, none, 4 or 20
**   bits 4-5  dim: 0 (grow), 0, 10 or 1000 (ignored when hashing)
**   bit 6     input name "x" instead of the default
*/
#include "targets.h"

void fuzz_libsvm(const uint8_t *data, size_t size) {
  if (size < 1) return;
  static const uint32_t labels[4] = {0, 1, 2, 3}, bits[4] = {0, 0, 4, 20}, dims[4] = {0, 0, 10, 1000};
  uint8_t b = data[0];
  vfl_libsvm_options o = {0};
  o.n_labels = labels[b & 3];
  o.hash_bits = bits[(b >> 2) & 3];
  o.dim = o.hash_bits ? 0 : dims[(b >> 4) & 3];
  o.input = b & 0x40 ? "x" : NULL;
  vfl_set_error("");
  vfl_dataset *ds = NULL;
  int rc = vfl_read_libsvm_buffer((const char *)data + 1, size - 1, "fuzz.svm", &o, &ds);
  fuzz_check_read(rc, ds);
}
