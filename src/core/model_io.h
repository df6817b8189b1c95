/*
** model_io.h -- the little-endian fields of a model file (model.h), for the
** saver, the loader and the layer kinds that write their own spec fields.
*/
#ifndef VFL_MODEL_IO_H
#define VFL_MODEL_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct model_writer {
  FILE *f;             /* NULL: only count bytes (the header learns the body's size so) */
  unsigned long crc;
  uint64_t bytes;
  int failed;          /* errno of the first failed write */
} model_writer;

void put_bytes(model_writer *w, const void *p, size_t n);
void put_u32(model_writer *w, uint32_t v);
void put_i32(model_writer *w, int32_t v);
void put_f32(model_writer *w, float v);
void put_u64(model_writer *w, uint64_t v);
void put_str(model_writer *w, const char *s);
void put_floats(model_writer *w, const float *p, size_t n);

typedef struct model_reader {
  const uint8_t *p, *end;
  const char *path;
  uint32_t version;    /* the file's format version */
  int bad;             /* a read ran past the end; the message is set */
} model_reader;

/* Marks the reader as failed (once) and returns the status to pass up. */
int model_truncated(model_reader *r);
/* Copies n bytes out; after any failure it copies nothing. */
void get_bytes(model_reader *r, void *out, size_t n);
uint32_t get_u32(model_reader *r);
int32_t get_i32(model_reader *r);
float get_f32(model_reader *r);
/* n floats, checked to fit in what remains before anything is allocated. */
float *get_floats(model_reader *r, uint64_t n);
/* A count of items of item_bytes each that must fit in what remains. */
int get_count(model_reader *r, uint32_t *n, size_t item_bytes);

#endif
