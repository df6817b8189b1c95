/*
** dist_none.c -- vfl.dist without MPI: one rank of one. Collectives are
** copies of the caller's own values.
*/
#include <string.h>

#include "dist.h"
#include "vfl.h"

static double timeout_s = 600;

int vfl_dist_init(void) { return VFL_OK; }
void vfl_dist_finalize(void) {}
void vfl_dist_abort(const char *message) { (void)message; }
int vfl_dist_rank(void) { return 0; }
int vfl_dist_size(void) { return 1; }
int vfl_dist_has_mpi(void) { return 0; }
void vfl_dist_set_timeout(double seconds) { timeout_s = seconds; }
double vfl_dist_timeout(void) { return timeout_s; }
int vfl_dist_barrier(const char *what) {
  (void)what;
  return VFL_OK;
}
int vfl_dist_allreduce_f64(double *buf, size_t n, int op, const char *what) {
  (void)buf, (void)n, (void)op, (void)what;
  return VFL_OK;
}
int vfl_dist_allreduce_f32(float *buf, size_t n, int op, const char *what) {
  (void)buf, (void)n, (void)op, (void)what;
  return VFL_OK;
}
int vfl_dist_allreduce_u64(uint64_t *buf, size_t n, int op, const char *what) {
  (void)buf, (void)n, (void)op, (void)what;
  return VFL_OK;
}
int vfl_dist_bcast(void *buf, size_t bytes, int root, const char *what) {
  (void)buf, (void)bytes, (void)root, (void)what;
  return VFL_OK;
}
int vfl_dist_allgather_u32(const uint32_t *mine, uint32_t n_mine, uint32_t *all, uint32_t *counts,
                           const char *what) {
  (void)what;
  if (n_mine) memcpy(all, mine, n_mine * sizeof *mine);
  counts[0] = n_mine;
  return VFL_OK;
}
uint64_t vfl_dist_bytes(void) { return 0; }
