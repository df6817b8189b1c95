/*
** harness.c -- see harness.h.
*/
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

int t_failures, t_checks;

int t_done(const char *name) {
  printf("%s: %d checks, %d failed\n", name, t_checks, t_failures);
  return t_failures ? 1 : 0;
}

static const char *join(const char *var, const char *fallback, const char *relative) {
  static char paths[8][4096];
  static int next;
  const char *dir = getenv(var);
  char *p = paths[next++ % 8];
  snprintf(p, 4096, "%s/%s", dir && *dir ? dir : fallback, relative);
  return p;
}

const char *t_data(const char *relative) {
  const char *p = join("VFL_DATA", "../shared/data", relative);
  if (access(p, R_OK) != 0) {
    printf("SKIPPED: %s is absent (set VFL_DATA to the shared data folder)\n", p);
    fflush(stdout);
    exit(77);
  }
  return p;
}

const char *t_testdata(const char *relative) { return join("VFL_TESTDATA", "tests/data", relative); }

const char *t_tmpdir(void) {
  static char dir[64];
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "/tmp/vfl-test-XXXXXX");
    if (!mkdtemp(dir)) {
      perror("mkdtemp");
      exit(1);
    }
  }
  return dir;
}

int t_quiet_machine(void) {
  double load = 0;
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) {
    if (fscanf(f, "%lf", &load) != 1) load = 0;
    fclose(f);
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (load <= (double)cores) return 1;
  printf("machine busy (load average %.2f on %ld cores): wall-clock limits printed, not checked\n", load, cores);
  return 0;
}

char *t_tmp_path(const char *name) {
  static char buf[4][512];
  static int next;
  char *p = buf[next++ % 4];
  snprintf(p, 512, "%s/%s", t_tmpdir(), name);
  return p;
}

size_t t_read_file(const char *path, char **data) {
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL);
  *data = NULL;
  if (!f) return 0;
  fseek(f, 0, SEEK_END);
  size_t n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  *data = malloc(n ? n : 1);
  CHECK(fread(*data, 1, n, f) == n);
  fclose(f);
  return n;
}

int t_row(const vfl_dataset *ds, size_t i, vfl_row *row, vfl_features *feats) {
  static uint32_t *index[2];
  static size_t cap[2];
  static int turn;
  turn = !turn;
  size_t need = vfl_dataset_row_room(ds);
  if (need > cap[turn]) {
    uint32_t *grown = realloc(index[turn], need * sizeof *index[turn]);
    if (!grown) return VFL_ENOMEM;
    index[turn] = grown;
    cap[turn] = need;
  }
  return vfl_dataset_row(ds, i, row, feats, index[turn]);
}
