/*
** read_split.h -- parsing one plain text file on several threads
** (read_split.c), for readers whose rows are single lines.
*/
#ifndef VFL_READ_SPLIT_H
#define VFL_READ_SPLIT_H

#include "vfl.h"

#define READ_SPLIT_MAX 64

/* A format's buffer reader; opt is its options struct. */
typedef int (*read_buffer_fn)(const char *data, size_t len, const char *name, const void *opt, vfl_dataset **out);

/* Reads the file at path with parse on up to threads threads (fewer for a
** small file: a piece is at least 1 MiB). Messages name path. A gzip file
** cannot be cut, and one that cannot be opened or read is best reported
** by the usual reader: then *fallback is set, nothing is read, and the
** caller reads the file the usual way. */
int read_file_split(const char *path, uint32_t threads, read_buffer_fn parse, const void *opt, vfl_dataset **out,
                    int *fallback);

#endif
