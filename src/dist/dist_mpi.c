/*
** dist_mpi.c -- vfl.dist on MPI (MPI-3 calls only, so Open MPI and MPICH
** both build it). Only the caller's thread calls MPI (MPI_THREAD_FUNNELED):
** trainer threads never do.
**
** Every collective is started non-blocking and polled against a deadline:
** MPI's own blocking calls wait forever when a peer hangs, and the issue
** this answers asks for no hang, ever.
*/
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dist.h"
#include "vfl.h"

static int joined, finalized, my_rank, n_ranks = 1;
static double timeout_s = 600;
static uint64_t bytes_sent;

/* MPI counts are int: longer buffers go in pieces of this many values. */
#define MAX_PIECE ((size_t)1 << 28)

static int launched_by_mpirun(void) {
  const char *off = getenv("VFL_DIST");
  if (off && !strcmp(off, "0")) return 0;
  return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK") || getenv("MPI_LOCALNRANKS");
}

int vfl_dist_init(void) {
  if (joined || finalized) return VFL_OK;
  const char *t = getenv("VFL_DIST_TIMEOUT");
  if (t && atof(t) > 0) timeout_s = atof(t);
  if (!launched_by_mpirun()) return VFL_OK;
  int provided = 0, already = 0;
  MPI_Initialized(&already);
  if (!already && MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    vfl_set_error("vfl.dist: MPI_Init_thread failed: this process cannot join the mpirun job");
    return VFL_EINVAL;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n_ranks);
  joined = 1;
  return VFL_OK;
}

void vfl_dist_finalize(void) {
  if (!joined || finalized) return;
  finalized = 1;
  MPI_Finalize();
}

void vfl_dist_abort(const char *message) {
  if (!joined || finalized || n_ranks < 2) return;
  fprintf(stderr, "vfl.dist: rank %d of %d: %s\n", my_rank, n_ranks, message);
  fflush(stderr);
  fflush(stdout);
  MPI_Abort(MPI_COMM_WORLD, 1);
}

int vfl_dist_rank(void) { return my_rank; }
int vfl_dist_size(void) { return n_ranks; }
int vfl_dist_has_mpi(void) { return 1; }
void vfl_dist_set_timeout(double seconds) { timeout_s = seconds; }
double vfl_dist_timeout(void) { return timeout_s; }
uint64_t vfl_dist_bytes(void) { return bytes_sent; }

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Polls req until it completes or the deadline passes; then the job ends. */
static int wait_bounded(MPI_Request *req, const char *what) {
  double deadline = now() + timeout_s;
  long nap_ns = 0;
  for (;;) {
    int done = 0;
    MPI_Test(req, &done, MPI_STATUS_IGNORE);
    if (done) return VFL_OK;
    if (now() > deadline) {
      char msg[300];
      snprintf(msg, sizeof msg,
               "%s: no answer from every rank within %g s (a rank died, hangs, or did not call it); ending the job",
               what, timeout_s);
      vfl_dist_abort(msg);
      return VFL_EINVAL; /* not reached */
    }
    /* spin briefly, then sleep up to 1 ms between polls */
    nap_ns = nap_ns < 1000000 ? nap_ns + 20000 : 1000000;
    struct timespec ts = {0, nap_ns};
    nanosleep(&ts, NULL);
  }
}

static MPI_Op mpi_op(int op) {
  return op == VFL_DIST_MIN ? MPI_MIN : op == VFL_DIST_MAX ? MPI_MAX : op == VFL_DIST_BOR ? MPI_BOR : MPI_SUM;
}

static int allreduce(void *buf, size_t n, size_t width, MPI_Datatype type, int op, const char *what) {
  if (n_ranks < 2) return VFL_OK;
  char *p = buf;
  for (size_t at = 0; at < n; at += MAX_PIECE) {
    size_t k = n - at < MAX_PIECE ? n - at : MAX_PIECE;
    MPI_Request req;
    MPI_Iallreduce(MPI_IN_PLACE, p + at * width, (int)k, type, mpi_op(op), MPI_COMM_WORLD, &req);
    bytes_sent += k * width;
    if (wait_bounded(&req, what)) return VFL_EINVAL;
  }
  return VFL_OK;
}

int vfl_dist_allreduce_f64(double *buf, size_t n, int op, const char *what) {
  return allreduce(buf, n, sizeof *buf, MPI_DOUBLE, op, what);
}
int vfl_dist_allreduce_f32(float *buf, size_t n, int op, const char *what) {
  return allreduce(buf, n, sizeof *buf, MPI_FLOAT, op, what);
}
int vfl_dist_allreduce_u64(uint64_t *buf, size_t n, int op, const char *what) {
  return allreduce(buf, n, sizeof *buf, MPI_UINT64_T, op, what);
}

int vfl_dist_barrier(const char *what) {
  if (n_ranks < 2) return VFL_OK;
  MPI_Request req;
  MPI_Ibarrier(MPI_COMM_WORLD, &req);
  return wait_bounded(&req, what);
}

int vfl_dist_bcast(void *buf, size_t bytes, int root, const char *what) {
  if (n_ranks < 2) return VFL_OK;
  char *p = buf;
  for (size_t at = 0; at < bytes; at += MAX_PIECE) {
    size_t k = bytes - at < MAX_PIECE ? bytes - at : MAX_PIECE;
    MPI_Request req;
    MPI_Ibcast(p + at, (int)k, MPI_BYTE, root, MPI_COMM_WORLD, &req);
    if (my_rank == root) bytes_sent += k;
    if (wait_bounded(&req, what)) return VFL_EINVAL;
  }
  return VFL_OK;
}

int vfl_dist_allgather_u32(const uint32_t *mine, uint32_t n_mine, uint32_t *all, uint32_t *counts,
                           const char *what) {
  if (n_ranks < 2) {
    if (n_mine) memcpy(all, mine, n_mine * sizeof *mine);
    counts[0] = n_mine;
    return VFL_OK;
  }
  MPI_Request req;
  MPI_Iallgather(&n_mine, 1, MPI_UINT32_T, counts, 1, MPI_UINT32_T, MPI_COMM_WORLD, &req);
  bytes_sent += sizeof n_mine;
  if (wait_bounded(&req, what)) return VFL_EINVAL;
  int *cnt = malloc(2 * (size_t)n_ranks * sizeof *cnt);
  if (!cnt) {
    vfl_set_error("vfl.dist: out of memory for the gather's counts");
    return VFL_ENOMEM;
  }
  int *displ = cnt + n_ranks;
  long long total = 0;
  for (int r = 0; r < n_ranks; r++) {
    cnt[r] = (int)counts[r];
    displ[r] = (int)total;
    total += counts[r];
  }
  if (total > 0x7fffffff) {
    free(cnt);
    vfl_set_error("vfl.dist: more than 2^31 values to gather in one call");
    return VFL_EINVAL;
  }
  MPI_Iallgatherv(mine, (int)n_mine, MPI_UINT32_T, all, cnt, displ, MPI_UINT32_T, MPI_COMM_WORLD, &req);
  bytes_sent += (uint64_t)n_mine * sizeof *mine;
  int rc = wait_bounded(&req, what);
  free(cnt);
  return rc;
}
