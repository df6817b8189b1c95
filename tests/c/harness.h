/*
** harness.h -- a tiny test harness: CHECK macros that report file:line and
** keep going, a summary, and skips that say why (exit code 77 for ctest).
*/
#ifndef VFL_HARNESS_H
#define VFL_HARNESS_H

#include <stdio.h>
#include <string.h>

#include "vfl.h"

extern int t_failures, t_checks;

#define CHECK(cond)                                                              \
  do {                                                                           \
    t_checks++;                                                                  \
    if (!(cond)) {                                                               \
      t_failures++;                                                              \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
    }                                                                            \
  } while (0)

/* A call that must succeed; prints vfl_last_error() when it does not. */
#define CHECK_OK(call)                                                                            \
  do {                                                                                            \
    t_checks++;                                                                                   \
    int rc_ = (call);                                                                             \
    if (rc_ != 0) {                                                                               \
      t_failures++;                                                                               \
      fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, rc_, vfl_last_error()); \
    }                                                                                             \
  } while (0)

/* A call that must fail with code and an error message equal to msg. */
#define CHECK_ERR(call, code, msg)                                                               \
  do {                                                                                           \
    t_checks++;                                                                                  \
    int rc_ = (call);                                                                            \
    if (rc_ != (code) || strcmp(vfl_last_error(), (msg)) != 0) {                                 \
      t_failures++;                                                                              \
      fprintf(stderr, "%s:%d: %s\n  expected %d \"%s\"\n  got      %d \"%s\"\n", __FILE__, __LINE__, \
              #call, (code), (msg), rc_, vfl_last_error());                                      \
    }                                                                                            \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                                  \
  do {                                                                                         \
    t_checks++;                                                                                \
    double a_ = (a), b_ = (b);                                                                 \
    if (!(a_ - b_ <= (tol) && b_ - a_ <= (tol))) {                                             \
      t_failures++;                                                                            \
      fprintf(stderr, "%s:%d: %s = %.9g, %s = %.9g (tolerance %g)\n", __FILE__, __LINE__, #a, a_, \
              #b, b_, (double)(tol));                                                          \
    }                                                                                          \
  } while (0)

/* Whether a wall-clock limit means something now: the 1-minute load
** average is at most the core count. Says so when it is not. Use it with
** VFL_TIMED_CHECKS (an optimised build without sanitizers). */
int t_quiet_machine(void);

/* Prints the summary and returns the process exit code. */
int t_done(const char *name);
/* Path of a file in ../shared/data (VFL_DATA); exits 77 (skipped) with a
** message when the data is absent. */
const char *t_data(const char *relative);
/* Path of a file in tests/data (VFL_TESTDATA). */
const char *t_testdata(const char *relative);
/* A fresh temporary directory for this test. */
const char *t_tmpdir(void);
/* Path of name in t_tmpdir(); the last four results stay valid. */
char *t_tmp_path(const char *name);
/* Reads the whole file into a malloc'ed *data; returns its size. */
size_t t_read_file(const char *path, char **data);
/* vfl_dataset_row with the harness's index room, two rooms taken in turn:
** the view is valid until the call after next, so two rows (of two
** datasets) can be compared. One thread only: a callback run by the
** trainer's threads passes its own room to vfl_dataset_row. */
int t_row(const vfl_dataset *ds, size_t i, vfl_row *row, vfl_features *feats);

#endif
