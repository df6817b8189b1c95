/*
** read_csv.h -- state shared by the CSV reader's two halves: read_csv.c
** (fields and rows) and read_csv_cols.c (what each column is).
*/
#ifndef VFL_READ_CSV_H
#define VFL_READ_CSV_H

#include "read_row.h"
#include "textio.h"
#include "vfl.h"

enum { CSV_AUTO, CSV_NUMERIC, CSV_CATEGORICAL, CSV_SKIP, CSV_LABEL, CSV_EXTRA, CSV_TEXT };

/* How labels are read: numbers, or class names encoded as ids 0..n-1. */
enum { LABELS_UNKNOWN, LABELS_NUMBERS, LABELS_NAMES };

/* Class names -> ids (read_csv_table.c). */
typedef struct csv_classes {
  char **name;          /* by id */
  uint32_t n;
  size_t cap;
  uint32_t *slot;       /* open addressing: id + 1, 0 free */
  size_t slots;
  int fixed;            /* given in the options: no new ones */
} csv_classes;

typedef struct csv_col {
  int kind;               /* CSV_* */
  char *name;             /* header name; NULL without a header */
  char *key;              /* "name=" or "3=": the prefix of hashed values */
  size_t key_len;
  uint64_t numeric_line;  /* where an AUTO column turned out numeric */
  int extra;              /* CSV_EXTRA: the dataset's extra */
  size_t extra_at, extra_len; /* CSV_EXTRA: this line's field in extra_text */
} csv_col;

typedef struct csv_reader {
  text_src src;
  const vfl_csv_options *opt;
  char sep;
  uint32_t ncols;         /* 0 until the first line is seen */
  csv_col *cols;
  int any_categorical;
  uint32_t mask;          /* 2^hash_bits - 1 */
  char *field;            /* an unquoted copy of the current quoted field */
  size_t field_cap;
  char *key;              /* "key=value" being hashed */
  size_t key_cap;
  float label;
  int label_mode;         /* LABELS_* */
  uint64_t label_line;    /* the line that decided label_mode */
  csv_classes classes;
  vfl_words_options words; /* text columns */
  vfl_feature_buf text;   /* a text field's words */
  vfl_names *names;       /* the dictionary, with keep_names */
  char *extra_text;       /* this line's extra fields, copied (a quoted field's
                          ** text is overwritten by the next one) */
  size_t extra_len, extra_cap;
  read_row row;
  vfl_dataset *ds;
} csv_reader;

/* Splits off the field at *pp (which ends at end, a '\n' or '\r' byte, or
** the separator). Sets *val and *len to its text, unquoted and trimmed, followed
** in memory by a byte that ends a number; returns 1 when a separator
** follows, 0 at the end of the line, or a negative status. */
int csv_next_field(csv_reader *c, const char **pp, const char *end, uint32_t field, const char **val, size_t *len);

/* Fails with "name:line:field (column name): message" (field is 0-based). */
int csv_fail(const csv_reader *c, uint32_t field, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Sets up the columns from the first line: its fields are the header names
** when opt->header, else it only gives the number of columns. */
int csv_columns(csv_reader *c, const char *line, const char *end);
void csv_columns_free(csv_reader *c);

/* Labels that are class names (read_csv_table.c): the id of name in *id,
** added when new (an error naming the line when the classes are fixed). */
int csv_class_id(csv_reader *c, uint32_t field, const char *name, size_t len, float *id);
/* Fills the classes from opt->classes (then fixed). */
int csv_classes_given(csv_reader *c);
void csv_classes_free(csv_classes *cl);
/* The dataset's featurizer (TABLE) once the file is read. */
int csv_make_featurizer(csv_reader *c, uint32_t bits);

#endif
