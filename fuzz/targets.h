/*
** targets.h -- the fuzz targets, one per entry point that reads untrusted
** bytes. Each takes one input and returns normally when the engine behaved:
** it accepted the input and produced a consistent object, or refused it
** with a status and a message. Anything else (a crash, a sanitizer report,
** a broken invariant, which abort()s) is a finding.
**
** The same functions run under libFuzzer (libfuzzer.c, built with
** -DVFL_FUZZ=ON and clang) and in the ordinary test suite (regress.c, which
** replays tests/data/fuzz-regressions/<target>/), so a fixed crash stays
** fixed in every build.
**
** Reader inputs start with one byte that picks the reader's options (see
** each target), then the text; model inputs are model files as they are.
*/
#ifndef VFL_FUZZ_TARGETS_H
#define VFL_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "vfl.h"

void fuzz_libsvm(const uint8_t *data, size_t size);
void fuzz_csv(const uint8_t *data, size_t size);
void fuzz_vw(const uint8_t *data, size_t size);
void fuzz_model(const uint8_t *data, size_t size);

/* Checks what a reader returned (abort()s on a broken invariant) and frees
** the dataset. */
void fuzz_check_read(int rc, vfl_dataset *ds);

/* Stops the run with a message when cond does not hold (a finding). */
#define FUZZ_ASSERT(cond) ((cond) ? (void)0 : fuzz_broken(#cond, __FILE__, __LINE__))
void fuzz_broken(const char *what, const char *file, int line);

#endif
