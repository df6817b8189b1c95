/*
** dist.h -- the ranks of an MPI job, for the Lua binding (vfl.dist,
** net:learn{dist = true}). The engine (src/core) never depends on MPI; this
** small library is its only user. Built against MPI (dist_mpi.c, any
** MPI-3 library: Open MPI, MPICH) or without it (dist_none.c: one rank).
**
** Every collective waits with a deadline (vfl_dist_set_timeout): a rank that
** died, hangs or took another path ends the whole job with MPI_Abort and a
** message naming this rank and the collective, never a hang. Functions
** return VFL_OK or VFL_EINVAL with vfl_set_error; a timeout does not return.
*/
#ifndef VFL_DIST_H
#define VFL_DIST_H

#include <stddef.h>
#include <stdint.h>

enum { VFL_DIST_SUM, VFL_DIST_MIN, VFL_DIST_MAX, VFL_DIST_BOR /* bitwise or: integers only */ };

/* Joins the MPI job when the process was started by mpirun/mpiexec (their
** environment says so); otherwise, and without MPI, this is one rank of one.
** Idempotent; returns VFL_OK or VFL_EINVAL (MPI refused to start). */
int vfl_dist_init(void);
/* Leaves the job at a normal end (MPI_Finalize); nothing when not joined. */
void vfl_dist_finalize(void);
/* Ends the whole job now: prints "vfl.dist: rank R of N: message" on stderr
** and calls MPI_Abort. Without a job of several ranks it returns. */
void vfl_dist_abort(const char *message);

int vfl_dist_rank(void);
int vfl_dist_size(void);
int vfl_dist_has_mpi(void); /* 1 when built against MPI */

/* Seconds a collective may wait before the job is ended (default 600, or
** the environment's VFL_DIST_TIMEOUT). */
void vfl_dist_set_timeout(double seconds);
double vfl_dist_timeout(void);

/* Collectives over all ranks; `what` names the call in a timeout message. */
int vfl_dist_barrier(const char *what);
int vfl_dist_allreduce_f64(double *buf, size_t n, int op, const char *what);
int vfl_dist_allreduce_f32(float *buf, size_t n, int op, const char *what);
int vfl_dist_allreduce_u64(uint64_t *buf, size_t n, int op, const char *what);
int vfl_dist_bcast(void *buf, size_t bytes, int root, const char *what);
/* Every rank's n_mine uint32 values, concatenated in rank order into all
** (which holds *n_all values on return); counts has size() entries. The
** caller sizes all with the sum that vfl_dist_allreduce of n_mine gives. */
int vfl_dist_allgather_u32(const uint32_t *mine, uint32_t n_mine, uint32_t *all, uint32_t *counts,
                           const char *what);

/* Bytes this rank has handed to collectives so far (its contribution:
** reduce buffers, gathered values, broadcast payload on the root). */
uint64_t vfl_dist_bytes(void);

#endif
