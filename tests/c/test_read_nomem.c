/*
** test_read_nomem.c -- every reader, with the k-th allocation failing for
** every k: each attempt fails cleanly with VFL_ENOMEM (nothing leaked, which
** the sanitizer builds check) until one succeeds.
*/
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vfl.h"

static long countdown;
static void *failing(void *ud, void *p, size_t n) {
  (void)ud;
  if (n == 0) {
    free(p);
    return NULL;
  }
  if (--countdown == 0) return NULL;
  return realloc(p, n);
}

typedef int (*reader_fn)(const char *text, vfl_dataset **ds);

static int libsvm(const char *text, vfl_dataset **ds) {
  return vfl_read_libsvm_buffer(text, strlen(text), "t.svm", NULL, ds);
}

static int csv(const char *text, vfl_dataset **ds) {
  vfl_csv_options o = {0};
  o.header = 1;
  o.label_name = "y";
  return vfl_read_csv_buffer(text, strlen(text), "t.csv", &o, ds);
}

static int vw(const char *text, vfl_dataset **ds) {
  vfl_vw_options o = {.groups = VFL_VW_GROUP_ORDER};
  return vfl_read_vw_buffer(text, strlen(text), "t.vw", &o, ds);
}

static void exhaust(const char *what, reader_fn read, const char *text, size_t rows) {
  int clean = 1;
  for (long k = 1; k < 10000; k++) {
    vfl_dataset *ds = NULL;
    countdown = k;
    vfl_set_allocator(failing, NULL);
    int rc = read(text, &ds);
    vfl_set_allocator(NULL, NULL);
    if (rc == VFL_OK) {
      CHECK(ds && vfl_dataset_rows(ds) == rows);
      vfl_dataset_free(ds);
      printf("%s: succeeded once %ld allocations were allowed\n", what, k - 1);
      CHECK(clean);
      return;
    }
    if (rc != VFL_ENOMEM || ds != NULL) {
      clean = 0;
      printf("%s: allocation %ld failed: got %d \"%s\"\n", what, k, rc, vfl_last_error());
    }
  }
  CHECK(!"the reader never succeeded");
}

int main(void) {
  exhaust("libsvm", libsvm, "1 1:0.5 3:1\n-1\n0 2:2 7:1 9:1 10:1 11:1 12:1 13:1 14:1 15:1 16:1 17:1 18:1 19:1 20:1 21:1 22:1 23:1\n", 3);
  exhaust("csv", csv, "y,\"a b\",c\n1,2,x\n0,,\"q\"\"r\"\n", 2);
  exhaust("vw", vw, "1 |a x y:2 |b z\n-1 0.5 |b w |c v\n", 2);
  return t_done("test_read_nomem");
}
