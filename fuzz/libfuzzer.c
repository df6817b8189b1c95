/*
** libfuzzer.c -- libFuzzer's entry point for one target, picked at build
** time with -DFUZZ_TARGET=fuzz_<name> (see fuzz/CMakeLists.txt).
*/
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FUZZ_TARGET(data, size);
  return 0;
}
