/*
** model_tmp.h -- the temporary file of a model save, and the ones crashes
** leave behind.
**
** vfl_model_save writes "<path>.tmp.XXXXXX" (mkstemp) and renames it over
** path. A process killed while writing leaves that file behind (the
** destination is untouched). So that such leftovers do not pile up, a save
** holds a lock on its temporary file from creation until after the rename,
** and a save that succeeded removes the "<path>.tmp.XXXXXX" files of the
** same path that nobody holds a lock on: their writer is dead. The lock is
** an open file description lock (F_OFD_SETLK: Linux 3.15+), which the
** kernel drops when its holder dies, which a killed process cannot forget,
** and which also tells apart two threads of one process saving the same
** path. Where OFD locks do not exist, nothing is removed (docs/hardening.md
** says how to clean by hand).
*/
#ifndef VFL_MODEL_TMP_H
#define VFL_MODEL_TMP_H

typedef struct model_tmp {
  char *name;   /* the temporary file's path */
  int fd;       /* for writing; the caller closes it (fclose of its FILE) */
  int lock_fd;  /* a second descriptor holding the lock until model_tmp_end */
} model_tmp;

/* Creates and locks the temporary file for path. VFL_EIO ("cannot save
** ...") or VFL_ENOMEM on failure. */
int model_tmp_begin(const char *path, model_tmp *t);
/* Releases the lock and the name (after the rename, or after unlinking). */
void model_tmp_end(model_tmp *t);
/* Removes path's temporary files that no live save holds. Best effort:
** whatever fails is left as it is. */
void model_tmp_sweep(const char *path);

#endif
