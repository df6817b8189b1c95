/*
** vfl.h -- public interface of the vfl engine.
**
** vfl trains shallow neural networks on sparse data. The engine is plain C11:
** opaque handles, fixed-width types, int status codes and a thread-local error
** message (vfl_last_error). It never exits, aborts or prints by itself.
**
** Conventions
**   - Every function that can fail returns an int status: VFL_OK (0) or a
**     negative VFL_E* code; vfl_last_error() then holds a message naming the
**     file, line and field, or the layer and argument.
**   - Feature indices are 0-based here. Text formats (libsvm) and the Lua API
**     are 1-based and convert at their boundary.
**   - Ownership: a handle returned by vfl_X_new / vfl_read_* / vfl_model_load
**     belongs to the caller, who releases it with vfl_X_free. Views
**     (vfl_features, vfl_row) point into memory owned by someone else and are
**     valid until that owner changes or is freed.
**
** The block between VFL_FFI_BEGIN and VFL_FFI_END holds no preprocessor line,
** so LuaJIT's ffi.cdef can read it once the word VFL_API is removed.
**
** VFL_API marks what libvfl.so exports: the library is compiled with
** -fvisibility=hidden, so every function declared here carries it and no
** other does (tests/install/check_exports.py holds the two lists equal).
*/
#ifndef VFL_H
#define VFL_H

#include <stddef.h>
#include <stdint.h>

#ifndef VFL_API
#if defined(__GNUC__) || defined(__clang__)
#define VFL_API __attribute__((visibility("default")))
#else
#define VFL_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* VFL_FFI_BEGIN */

/* ---------------------------------------------------------------- status */

enum {
  VFL_OK = 0,
  VFL_EINVAL = -1,     /* a bad argument or bad data */
  VFL_ENOMEM = -2,     /* an allocation failed */
  VFL_EIO = -3,        /* the operating system refused a file operation */
  VFL_EFORMAT = -4,    /* a file is malformed, truncated or damaged */
  VFL_ESTOPPED = -5,   /* training was stopped on request; the model is usable */
  VFL_ECALLBACK = -6,  /* a caller's callback reported an error */
  VFL_ENUMERIC = -7    /* training diverged (NaN or Inf); the message names the epoch and
                          the layer; last good weights kept with keep_last_good */
};

/* The message of the last failure on this thread ("" if none). */
VFL_API const char *vfl_last_error(void);
/* Sets this thread's message; for callbacks that want to report an error. */
VFL_API void vfl_set_error(const char *message);
/* Version string, "MAJOR.MINOR.PATCH". */
VFL_API const char *vfl_version(void);

/* ------------------------------------------------------------- allocator */

/* All engine allocations go through this hook (64-byte aligned requests
** included). realloc_fn(ud, NULL, n) allocates, realloc_fn(ud, p, 0) frees.
** Set it before creating any object; NULL restores the default. */
typedef void *(*vfl_realloc_fn)(void *ud, void *ptr, size_t size);
VFL_API void vfl_set_allocator(vfl_realloc_fn fn, void *ud);

/* ------------------------------------------------------------- features */

/* A view of one block of features. Sparse: n non-zeros at index[i] with
** value[i]; value == NULL means every value is 1. Dense: n values, index NULL. */
typedef struct vfl_features {
  uint32_t n;
  const uint32_t *index;
  const float *value;
} vfl_features;

/* Grouped sparse features (for feature crosses) are ordinary sparse features
** whose index packs a group id in its top 8 bits and a hashed id in the low
** 24 bits: vfl_group_index(group, hash). */
VFL_API uint32_t vfl_group_index(uint32_t group, uint32_t hash);

/* MurmurHash3 (x86_32) of len bytes with seed: the stable hash behind every
** hashed feature in vfl, on every platform. */
VFL_API uint32_t vfl_hash_bytes(const void *data, size_t len, uint32_t seed);

/* ------------------------------------------------------------- datasets */

typedef struct vfl_dataset vfl_dataset;

enum { VFL_INPUT_SPARSE = 1, VFL_INPUT_DENSE = 2, VFL_INPUT_GROUPED = 3 };

/* One example. inputs[k] is the block for the dataset's k-th input. */
typedef struct vfl_row {
  const float *labels;   /* n_labels values */
  uint32_t n_labels;
  float weight;          /* 1 for an unweighted row */
  const vfl_features *inputs;
  uint32_t n_inputs;
} vfl_row;

/* An empty dataset with n_labels labels per row and no inputs yet. */
VFL_API vfl_dataset *vfl_dataset_new(uint32_t n_labels);
VFL_API void vfl_dataset_free(vfl_dataset *ds);
/* Declares an input block. dim 0 (sparse only) means "grow to fit": the
** dimension becomes the largest index seen + 1. Returns the input's
** position (>= 0) or a negative status. Inputs are declared before rows. */
VFL_API int vfl_dataset_add_input(vfl_dataset *ds, const char *name, int kind, uint32_t dim);
/* Appends a copy of row. Errors name the input and the offending index. */
VFL_API int vfl_dataset_append(vfl_dataset *ds, const vfl_row *row);
/* Fills *row with a view of row i; feats must have room for one entry per
** input, and index for vfl_dataset_row_room(ds) indices: the dataset keeps
** its sparse indices packed and unpacks the row's there. The view is valid
** until the dataset is changed or freed, or index is reused. */
VFL_API int vfl_dataset_row(const vfl_dataset *ds, size_t i, vfl_row *row, vfl_features *feats, uint32_t *index);
/* The indices vfl_dataset_row may write for any row of ds as it is now
** (at least 1). */
VFL_API size_t vfl_dataset_row_room(const vfl_dataset *ds);

VFL_API size_t vfl_dataset_rows(const vfl_dataset *ds);
VFL_API size_t vfl_dataset_nnz(const vfl_dataset *ds);          /* sparse non-zeros, all inputs */
VFL_API uint32_t vfl_dataset_labels(const vfl_dataset *ds);     /* labels per row */
VFL_API uint32_t vfl_dataset_inputs(const vfl_dataset *ds);     /* number of inputs */
VFL_API const char *vfl_dataset_input_name(const vfl_dataset *ds, uint32_t k);
VFL_API int vfl_dataset_input_kind(const vfl_dataset *ds, uint32_t k);
VFL_API uint32_t vfl_dataset_input_dim(const vfl_dataset *ds, uint32_t k);
/* Position of the input called name, or -1. */
VFL_API int vfl_dataset_input_find(const vfl_dataset *ds, const char *name);
/* Bytes held by the dataset's arrays (for memory reports). */
VFL_API size_t vfl_dataset_bytes(const vfl_dataset *ds);

/* Reorders the rows by a permutation drawn from seed (deterministic). */
VFL_API int vfl_dataset_shuffle(vfl_dataset *ds, uint64_t seed);
/* New datasets with rows [0, k) and [k, rows), k = floor(fraction * rows). */
VFL_API int vfl_dataset_split(const vfl_dataset *ds, double fraction,
                      vfl_dataset **first, vfl_dataset **second);
/* A new dataset with the rows whose positions are listed in order. */
VFL_API int vfl_dataset_subset(const vfl_dataset *ds, const size_t *order, size_t n,
                       vfl_dataset **out);

/* Extras: named values per row (an id, a timestamp, a string) that a
** dataset carries through subset, split and shuffle, that training never
** reads, and that custom losses and analyses can look up. */
enum { VFL_VALUE_NIL = 0, VFL_VALUE_NUMBER = 1, VFL_VALUE_INTEGER = 2, VFL_VALUE_BOOLEAN = 3, VFL_VALUE_STRING = 4 };
typedef struct vfl_value {
  int type;              /* VFL_VALUE_* */
  double number;         /* NUMBER */
  int64_t integer;       /* INTEGER; BOOLEAN: 0 or 1 */
  const char *string;    /* STRING: len bytes (NULs allowed), then a NUL */
  size_t len;
} vfl_value;

/* Declares an extra; rows already stored hold nil in it. Returns its
** position (>= 0) or a negative status; the name must differ from every
** input's and extra's. */
VFL_API int vfl_dataset_add_extra(vfl_dataset *ds, const char *name);
VFL_API uint32_t vfl_dataset_extras(const vfl_dataset *ds);
VFL_API const char *vfl_dataset_extra_name(const vfl_dataset *ds, uint32_t k);
/* Position of the extra called name, or -1. */
VFL_API int vfl_dataset_extra_find(const vfl_dataset *ds, const char *name);
/* Stores a copy of v (strings included) in extra k of row i. */
VFL_API int vfl_dataset_set_extra(vfl_dataset *ds, size_t i, uint32_t k, const vfl_value *v);
/* Reads extra k of row i; a string stays valid until the dataset changes.
** Safe from several threads at once (the trainer's workers). */
VFL_API int vfl_dataset_extra(const vfl_dataset *ds, size_t i, uint32_t k, vfl_value *v);

/* --------------------------------------------------------------- readers */

typedef struct vfl_libsvm_options {
  uint32_t dim;        /* 0: max index seen; else indices above dim are an error */
  uint32_t hash_bits;  /* 0: none; else indices are hashed into [0, 2^hash_bits) */
  uint32_t n_labels;   /* 0 or 1: one label; k: "l1,l2,..,lk" label lists */
  const char *input;   /* name of the single sparse input; NULL: "features" */
  uint32_t threads;    /* 0 or 1: one; N: a plain file is cut at line ends and
                          parsed on N threads (same rows; the file in memory meanwhile) */
  uint32_t classes;    /* 0: labels are values; K > 0: multilabel, the label list "3,17"
                          names the classes present (ids 0..K-1, any number of them, none
                          when the line starts with a feature) and each row gets K labels,
                          1 for a class listed and 0 otherwise (a k-hot vector); n_labels
                          must then be 0 or K */
} vfl_libsvm_options;

/* Reads a libsvm/svmlight file, plain or gzip (detected by content). Errors
** name "path:line:column" and what was expected there. */
VFL_API int vfl_read_libsvm(const char *path, const vfl_libsvm_options *opt, vfl_dataset **out);
/* Same, from a buffer in memory; name is used in error messages. */
VFL_API int vfl_read_libsvm_buffer(const char *data, size_t len, const char *name,
                           const vfl_libsvm_options *opt, vfl_dataset **out);
/* libsvm details: opt may be NULL (all defaults); a "qid:N" after the labels
** is ignored; blank and comment-only lines are skipped; an empty file is a
** dataset with no rows. With hash_bits, file index i (1-based, as written)
** goes to vfl_hash_bytes(i as 4 little-endian bytes, 4, 0) mod 2^hash_bits,
** the dimension is 2^hash_bits, and dim must be 0 or 2^hash_bits. */

/* CSV / TSV. Every column but the label and the skipped ones is a feature:
** a numeric column c (1-based) is feature c - 1 with the field's value (0
** and empty fields give no feature); a categorical column is the feature
** ncols + (vfl_hash_bytes("key=value", .., 0) mod 2^hash_bits), key being
** the column's header name, or its number in decimal without a header. A
** column is categorical when listed in `categorical`, else when its first
** non-empty field is not a number that fits a float; a later non-number in a
** numeric column is an error. The input's dimension is ncols, plus
** 2^hash_bits when some column is categorical. Columns are named in lists
** by header name, or by number written in digits ("3"); "*" in
** `categorical` means every column.
** Fields may be quoted ("a, ""b""") but may not span lines; spaces around
** unquoted fields are dropped; every line has as many fields as the first
** (unless allow_short). Errors name "path:line:field (name)". */
typedef struct vfl_csv_options {
  char sep;                        /* field separator; 0 picks ',' */
  int header;                      /* 1: the first line names the columns */
  uint32_t label;                  /* label column, 1-based; 0: label_name, else 1 */
  const char *label_name;          /* label column by header name */
  const char *const *skip;         /* n_skip columns that are not features */
  uint32_t n_skip;
  const char *const *categorical;  /* n_categorical columns hashed as strings */
  uint32_t n_categorical;
  uint32_t hash_bits;              /* categorical buckets 2^hash_bits; 0 picks 20 */
  const char *input;               /* name of the single sparse input; NULL: "features" */
  int allow_short;                 /* 1: a line may lack trailing fields (they are empty) */
  const char *const *extras;       /* n_extras columns kept as string extras, named after the */
  uint32_t n_extras;               /* header, or "column<N>" without one; empty fields are nil */
  /* Free text and named classes; the dataset's featurizer (TABLE,
  ** vfl_dataset_featurizer) records every column and the class names. */
  const char *const *text;         /* n_text columns of free text, hashed by words into the */
  uint32_t n_text;                 /* categorical buckets (vfl_words_hash with the options below) */
  uint32_t ngrams, minn, maxn;     /* text columns: word n-grams (0 picks 1), character n-grams */
  int lower;                       /* text columns: lower-case first */
  int label_names;                 /* 1: labels are class names; 0: names when the first label is
                                   ** not a number (then every label is a name) */
  const char *const *classes;      /* n_classes: the class names and their order (ids 0..n-1); */
  uint32_t n_classes;              /* a label outside them is an error. 0: in order of appearance */
  int keep_names;                  /* 1: keep a dictionary of the features seen */
} vfl_csv_options;

VFL_API int vfl_read_csv(const char *path, const vfl_csv_options *opt, vfl_dataset **out);
VFL_API int vfl_read_csv_buffer(const char *data, size_t len, const char *name,
                        const vfl_csv_options *opt, vfl_dataset **out);

/* Vowpal Wabbit text: "label [importance] [tag]|ns[:w] feat[:value] ...
** |ns2 ...". The importance becomes the row weight; a tag (a token glued to
** the first '|', or one starting with ') becomes the string extra "tag",
** without its ' (nil on rows without one); a namespace weight w
** scales its values. Feature "f" of namespace "ns" hashes to
** vfl_hash_bytes("f", 1, vfl_hash_bytes("ns", 2, 0)) mod 2^hash_bits; the
** default namespace ('|' then a space) is called " ". FLAT puts every
** namespace into one sparse input of dimension 2^hash_bits; the GROUP kinds
** make a grouped input whose ids are vfl_group_index(group, hash), group
** being the namespace's rank of first appearance in the file (at most 256
** namespaces) or the byte value of its first letter. A row's features
** come in ascending index order, whatever their order in the line; those
** that hash to the same index are one feature, their values added. */
enum { VFL_VW_FLAT = 0, VFL_VW_GROUP_ORDER = 1, VFL_VW_GROUP_LETTER = 2 };

typedef struct vfl_vw_options {
  uint32_t hash_bits;  /* 0 picks 18; at most 31, or 24 when grouped */
  int groups;          /* VFL_VW_FLAT, VFL_VW_GROUP_ORDER or VFL_VW_GROUP_LETTER */
  const char *input;   /* name of the single input; NULL: "features" */
  int keep_names;      /* 1: a dictionary of the features seen, "ns^feature" as VW's --invert_hash */
  /* With FLAT, the dataset's featurizer (vfl_dataset_featurizer) is a VW one. */
} vfl_vw_options;

VFL_API int vfl_read_vw(const char *path, const vfl_vw_options *opt, vfl_dataset **out);
VFL_API int vfl_read_vw_buffer(const char *data, size_t len, const char *name,
                       const vfl_vw_options *opt, vfl_dataset **out);

/* ------------------------------------------------------------------ nets */

typedef struct vfl_net vfl_net;

enum {
  VFL_LAYER_INPUT = 1,  /* sparse, dense or grouped input (see VFL_INPUT_*) */
  VFL_LAYER_LINEAR,
  VFL_LAYER_RELU,
  VFL_LAYER_TANH,
  VFL_LAYER_SELU,
  VFL_LAYER_SIGMOID,
  VFL_LAYER_DROPOUT,
  VFL_LAYER_CROSS,
  VFL_LAYER_FM = 9,         /* factorization machine over one sparse or grouped parent */
  VFL_LAYER_FFM = 10,       /* field-aware factorization machine over a grouped input */
  VFL_LAYER_EMBEDDING = 11, /* an embedding bag (pool: VFL_POOL_*) over sparse parents */
  VFL_LAYER_CONCAT = 12,    /* its dense parents' outputs side by side */
  VFL_LAYER_ADD = 13        /* the sum of its dense parents' outputs, all of one width */
};

/* How an embedding pools the rows its features pick (each row times the
** feature's value), over the n features of a row: their sum, the sum / n,
** the sum / sqrt(n), the elementwise largest, or the sum / the sum of the
** |values| (WMEAN: a value-weighted mean; for a text's word counts, the
** mean over its tokens, fastText's hidden layer; for values of 1, MEAN).
** A WMEAN row whose |values| sum to 0 (none, or all 0) pools to 0. */
enum { VFL_POOL_SUM = 0, VFL_POOL_MEAN = 1, VFL_POOL_SQRTN = 2, VFL_POOL_MAX = 3, VFL_POOL_WMEAN = 4 };

/* What a pool other than MAX multiplies each picked row by besides its
** value, for the features f of one row: 1 (SUM, and MAX), 1 / n, 1 / sqrt(n)
** or 1 / sum |value| (0 when the sum is below FLT_MIN); so the pooled row is
** sum over j of (scale * value_j) * row(index_j). */
VFL_API float vfl_pool_scale(int pool, const vfl_features *f);

/* A layer's description. Fields not used by a kind are ignored. */
typedef struct vfl_layer_spec {
  int kind;              /* VFL_LAYER_* */
  int input_kind;        /* VFL_INPUT_*, for VFL_LAYER_INPUT */
  uint32_t dim;          /* INPUT: feature dimension; LINEAR, EMBEDDING: outputs; FM, FFM: factors k per feature */
  int intercept;         /* LINEAR: 1 adds a bias vector (the default in Lua); EMBEDDING: the same (off in Lua);
                         ** FM, FFM: 1 adds the linear term, w0 + sum_i w_i x_i (the default in Lua) */
  int mean;              /* LINEAR: no longer taken (refused): an EMBEDDING with pool VFL_POOL_MEAN is the
                         ** embedding bag it was; model files with it load as one */
  float rate;            /* DROPOUT: probability of dropping a unit (a feature, on a sparse parent) */
  uint32_t cross_bits;   /* CROSS: output ids hashed into 2^cross_bits */
  uint32_t n_crosses;    /* CROSS: number of crosses */
  const uint32_t *crosses; /* CROSS: cross_order * n_crosses group ids, one cross after the other */
  uint32_t cross_order;  /* CROSS: groups per cross, 2 (pairs; 0 means 2) to 8 */
  int pool;              /* EMBEDDING: VFL_POOL_* (0: sum) */
  uint32_t hash_bits;    /* FM, FFM: feature ids hashed into 2^hash_bits rows (1..31); 0: one row per
                         ** id of the parent (its dimension) */
} vfl_layer_spec;

/* The kind's name as the Lua constructor spells it ("sparse", "linear", ..)
** and a short description ("linear(8, no intercept)"); describe returns the
** length it needed, like snprintf. */
VFL_API const char *vfl_layer_kind_name(const vfl_layer_spec *spec);
VFL_API int vfl_layer_describe(const vfl_layer_spec *spec, char *buf, size_t size);

VFL_API vfl_net *vfl_net_new(void);
VFL_API void vfl_net_free(vfl_net *net);
/* Adds a layer called name (unique, non-empty). */
VFL_API int vfl_net_add(vfl_net *net, const char *name, const vfl_layer_spec *spec);
/* Makes layer `from` a parent of layer `to`. */
VFL_API int vfl_net_wire(vfl_net *net, const char *from, const char *to);
/* Adds a layer and wires the previously added layer into it. */
VFL_API int vfl_net_stack(vfl_net *net, const char *name, const vfl_layer_spec *spec);
/* Checks the graph (one output, no cycles, fitting shapes), allocates every
** parameter and buffer, and initialises weights: uniform in [-scale, scale]
** scaled by 1/sqrt(fan_in) when scale < 0 (the default "auto"), from seed.
** Each row also gets room, zeroed, for the state of the optimizer its layer
** will train with: the layer's own (vfl_net_set_optim), else the trainer's
** default, AdaGrad (one float per weight). Training with another optimizer
** re-lays the rows out in place at the start of learn. */
VFL_API int vfl_net_init(vfl_net *net, float scale, uint64_t seed);
/* As vfl_net_init, with rows laid out for optim_kind (VFL_OPTIM_*) where a
** layer has no optimizer of its own. 0 gives no layer any room: a net only
** to predict, or one trained with SGD, never holds twice its weights. */
VFL_API int vfl_net_init_for(vfl_net *net, float scale, uint64_t seed, int optim_kind);

VFL_API uint32_t vfl_net_layers(const vfl_net *net);
VFL_API const char *vfl_net_layer_name(const vfl_net *net, uint32_t i);
VFL_API int vfl_net_layer_find(const vfl_net *net, const char *name);
VFL_API int vfl_net_layer_spec(const vfl_net *net, uint32_t i, vfl_layer_spec *spec);
VFL_API uint32_t vfl_net_layer_parents(const vfl_net *net, uint32_t i, uint32_t *parents, uint32_t cap);
/* A layer's output width and its number of trainable floats, known as soon
** as its parents are wired (before init); 0 while they cannot be derived yet
** (a parent missing, or a shape the net will refuse at init). */
VFL_API uint32_t vfl_net_layer_dim(const vfl_net *net, uint32_t i);
VFL_API uint64_t vfl_net_layer_params(const vfl_net *net, uint32_t i);
VFL_API uint32_t vfl_net_outputs(const vfl_net *net);      /* width of the output layer */
VFL_API uint64_t vfl_net_params(const vfl_net *net);       /* number of trainable floats */
VFL_API int vfl_net_ready(const vfl_net *net);             /* 1 once vfl_net_init succeeded */

/* Parameter blocks of a layer (any kind may own some). Linear: block
** 0..parents-1 is the weight matrix for that parent, laid out feature-major
** (rows = parent dim, cols = outputs); block `parents` is the bias (1 row)
** when the layer has an intercept. get/set copy rows*cols floats. */
VFL_API uint32_t vfl_net_layer_blocks(const vfl_net *net, uint32_t i);
/* The position of layer i's bias block, or -1 if it has none. */
VFL_API int vfl_net_layer_bias(const vfl_net *net, uint32_t i);
VFL_API int vfl_net_param_shape(const vfl_net *net, const char *layer, uint32_t block,
                        uint32_t *rows, uint32_t *cols);
VFL_API int vfl_net_param_get(const vfl_net *net, const char *layer, uint32_t block, float *out);
VFL_API int vfl_net_param_set(vfl_net *net, const char *layer, uint32_t block, const float *in);
/* One row of a block (cols floats): the weights of one input feature. A
** loss callback may read rows (and blocks) while vfl_net_learn trains on
** other threads: the values are Hogwild's, being written meanwhile. */
VFL_API int vfl_net_param_row(const vfl_net *net, const char *layer, uint32_t block, uint32_t row, float *out);
/* One weight: i counts along the rows from 0 (row i / cols, column i % cols). */
VFL_API int vfl_net_param_at(const vfl_net *net, const char *layer, uint32_t block, uint64_t i, float *out);

/* The fraction of the net's weights (every parameter block but the
** biases) that are exactly 0: the sparsity L1 priors and FTRL's l1 leave. */
VFL_API double vfl_net_zero_fraction(const vfl_net *net);

/* How outputs turn into predictions; set by training with a built-in loss. */
enum { VFL_LINK_IDENTITY = 0, VFL_LINK_SIGMOID = 1, VFL_LINK_SOFTMAX = 2 };
VFL_API int vfl_net_link(const vfl_net *net);
VFL_API void vfl_net_set_link(vfl_net *net, int link);

/* Raw outputs for one example: inputs are given by the net's input layers in
** the order they were added (vfl_net_inputs lists them). out has
** vfl_net_outputs() floats. */
VFL_API uint32_t vfl_net_inputs(const vfl_net *net, uint32_t *layers, uint32_t cap);
VFL_API int vfl_net_forward(vfl_net *net, const vfl_features *inputs, uint32_t n_inputs, float *out);
/* Like forward, then applies the link (probabilities for sigmoid/softmax). */
VFL_API int vfl_net_predict(vfl_net *net, const vfl_features *inputs, uint32_t n_inputs, float *out);

/* ---------------------------------------------------------------- priors */

enum { VFL_PRIOR_L2 = 1, VFL_PRIOR_L1 = 2, VFL_PRIOR_POSITIVE = 3 };

typedef struct vfl_prior_spec {
  int kind;               /* VFL_PRIOR_* */
  float lambda;           /* strength (L2, L1) */
  int parent;             /* -1: every weight block; else that block (Linear: that parent's) only */
  const float *per_row;   /* L2: optional multiplier of lambda per input feature (rows of the block) */
  const float *center;    /* L2, L1: optional matrix (rows x cols) the weights are pulled to */
  float floor;            /* POSITIVE: the least value a weight keeps (w >= floor; 0 by default) */
  const char *parent_name; /* instead of parent: the parent's name (NULL: parent counts) */
  uint32_t n_per_row;     /* how many numbers per_row holds; 0: the block's rows (the parents wired) */
  uint64_t n_center;      /* how many numbers center holds; 0: rows x cols (the parents wired) */
} vfl_prior_spec;

/* Attaches a prior to the weights (not the bias) of a layer with parameter
** blocks, at any time after the layer is added. per_row, center and
** parent_name are copied. Once the layer's parents are wired, the parent
** and the lengths of per_row and center (n_per_row, n_center, or the
** block's sizes when 0) are checked at once; before, they must be given
** and are checked at init, which fails naming the layer and the prior. */
VFL_API int vfl_net_add_prior(vfl_net *net, const char *layer, const vfl_prior_spec *prior);
/* The priors on layer i as declared, in order: up to cap copied into out
** (their arrays and parent_name point into the net); returns how many. */
VFL_API uint32_t vfl_net_layer_priors(const vfl_net *net, uint32_t i, vfl_prior_spec *out, uint32_t cap);

/* ------------------------------------------------------------ optimizers */

enum { VFL_OPTIM_SGD = 1, VFL_OPTIM_ADAGRAD = 2, VFL_OPTIM_ADAM = 3, VFL_OPTIM_FTRL = 4 };

/* How the learning rate changes over a run (progress p: examples trained
** so far / examples in the whole run, 0 to 1). */
enum {
  VFL_SCHEDULE_CONSTANT = 0, /* lr */
  VFL_SCHEDULE_LINEAR = 1,   /* lr * (1 - p), down to 0 at the end (fastText) */
  VFL_SCHEDULE_COSINE = 2,   /* lr * (1 + cos(pi p)) / 2 */
  VFL_SCHEDULE_STEP = 3      /* lr * factor^floor(epochs done / every) */
};

typedef struct vfl_optim_spec {
  int kind;             /* VFL_OPTIM_* */
  float lr;             /* learning rate (FTRL: alpha) */
  float beta1, beta2;   /* ADAM; 0 picks 0.9 and 0.999 */
  float eps;            /* AdaGrad, ADAM: added to the root, 0 picks 1e-8; FTRL: beta, 0 picks 1 */
  float l1, l2;         /* FTRL: its per-coordinate L1 and L2 strengths */
  int schedule;         /* VFL_SCHEDULE_*; 0: constant */
  float warmup;         /* 0..1: the rate ramps up linearly from 0 over this fraction of the
                           run, then the schedule runs over the rest */
  float every, factor;  /* STEP: every > 0 epochs (fractions allowed), factor in (0, 1] */
} vfl_optim_spec;

/* Layer i's own optimizer, from vfl_net_set_optim or its model file (kind
** 0: none, the trainer's). */
VFL_API int vfl_net_layer_optim(const vfl_net *net, uint32_t i, vfl_optim_spec *out);

/* Sets the optimizer of one layer with parameters (name) or of all (NULL). Training
** uses the per-layer choice; layers with none use the trainer's default. */
VFL_API int vfl_net_set_optim(vfl_net *net, const char *layer, const vfl_optim_spec *opt);

/* ---------------------------------------------------------------- losses */

enum {
  VFL_LOSS_LOGISTIC = 1,    /* 1 output; labels 0/1 or -1/+1 */
  VFL_LOSS_SQUARE = 2,      /* n outputs = n labels; 1/2 (out - label)^2 */
  VFL_LOSS_MULTINOMIAL = 3, /* K outputs; label a class id in 0..K-1 */
  VFL_LOSS_HINGE = 4,       /* 1 output; labels 0/1 or -1/+1 */
  VFL_LOSS_CUSTOM = 5,
  VFL_LOSS_MULTILABEL = 6   /* K outputs, K labels 0/1 (k-hot); one sigmoid per class */
};

/* What a loss sees for one example and where it writes the gradient.
** Dense gradient: write grad[0..n_out). Sparse gradient: write up to
** grad_cap pairs into grad_index/grad_value and set grad_nnz; the engine
** then ignores grad. grad is zeroed and grad_nnz is 0 on entry. */
typedef struct vfl_loss_io {
  const float *out;
  uint32_t n_out;
  const vfl_row *row;
  size_t row_id;         /* position of the row in its dataset */
  uint32_t worker;       /* trainer worker index */
  float *grad;
  uint32_t *grad_index;
  float *grad_value;
  uint32_t grad_nnz;
  uint32_t grad_cap;
  const vfl_dataset *dataset; /* the row's dataset (when streaming, its chunk), for extras */
} vfl_loss_io;

/* Returns VFL_OK and stores the example's loss in *loss, or fails (it may
** call vfl_set_error). Row weights are applied by the engine afterwards. */
typedef int (*vfl_loss_fn)(void *ud, vfl_loss_io *io, double *loss);

typedef struct vfl_loss_spec {
  int kind;            /* VFL_LOSS_* */
  vfl_loss_fn fn;      /* VFL_LOSS_CUSTOM */
  void *ud;
} vfl_loss_spec;

/* The built-in loss value and gradient for one output vector (used by tests
** and by Lua code that wants to wrap a built-in loss). */
VFL_API int vfl_loss_eval(int kind, const float *out, uint32_t n_out, const float *labels,
                  uint32_t n_labels, float *grad, double *loss);

/* -------------------------------------------------------------- training */

typedef struct vfl_progress {
  uint32_t epoch;          /* 1-based */
  uint32_t epochs;
  uint64_t done;           /* examples processed in this epoch */
  uint64_t total;          /* examples in one epoch */
  double seconds;          /* since training started */
  double examples_per_s;
  double features_per_s;
  double loss;             /* mean weighted loss over this epoch so far */
  uint64_t examples;       /* examples trained since training started, all epochs */
} vfl_progress;

/* Return 0 to continue, non-zero to stop training. */
typedef int (*vfl_progress_fn)(void *ud, const vfl_progress *p);

typedef struct vfl_train_options {
  uint32_t epochs;         /* 0 picks 1 */
  uint32_t batch;          /* 0 or 1: update after every example */
  uint32_t threads;        /* 0: every core */
  uint64_t seed;           /* shuffling and dropout */
  int shuffle;             /* 1: new order every epoch */
  vfl_optim_spec optim;    /* default optimizer */
  double progress_every;   /* seconds between progress calls; 0 picks 1 */
  vfl_progress_fn on_progress;
  void *progress_ud;
  vfl_progress_fn on_epoch; /* after every epoch, on the caller's thread */
  void *epoch_ud;
  volatile int *stop;      /* optional: set by a signal handler on the caller's thread
                              (Ctrl-C); from other threads use vfl_net_stop */
  vfl_progress *result;    /* optional output: the final figures (epoch = epochs done) */
  int keep_last_good;      /* 1: copy the weights at the start of every epoch (of the
                              whole stream for learn_stream) and restore them when the
                              run diverges (VFL_ENUMERIC); the optimizer state then starts
                              again from zero. Adds the weights' size (not their optimizer
                              state's) to the memory while training. Default 0; on in Lua */
  uint64_t every_rows;      /* > 0: on_rows is called about every every_rows examples */
  vfl_progress_fn on_rows;  /* on the caller's thread (checked every 20 ms, so a call may
                               come a little after the mark); non-zero return stops */
  void *rows_ud;
  uint64_t schedule_rows;   /* examples a learning-rate schedule spans; 0: epochs x the dataset's
                               rows. A stream trained with a schedule must give it */
  const float *class_weights; /* optional: a weight per class multiplying the row's weight
                               (and so its gradient): multinomial [id] for ids 0..K-1;
                               logistic and hinge [0] for negatives, [1] for positives */
  uint32_t n_class_weights;
} vfl_train_options;

/* Fills opt with defaults: 1 epoch, per-example updates, 1 thread, seed 1,
** shuffle on, AdaGrad with lr 0.1. */
VFL_API void vfl_train_defaults(vfl_train_options *opt);

/* Trains net on ds. Dataset inputs are matched to the net's input layers by
** name (a single input matches a single input layer whatever the names).
** Returns VFL_OK, VFL_ESTOPPED (stop requested: the weights so far are
** kept), or an error; the first worker error is reported once. */
VFL_API int vfl_net_learn(vfl_net *net, const vfl_dataset *ds, const vfl_loss_spec *loss,
                  const vfl_train_options *opt);

/* Streaming training, for data larger than memory. The source is called on
** the caller's thread and hands over the next chunk of rows (a dataset the
** engine takes and frees), or *chunk = NULL at the end. While the workers
** train on one chunk, the source fills the next, so memory holds two
** chunks at a time. Every chunk must have the inputs of the first. One pass
** over the stream: opt->epochs must be 0 or 1 (call again for another
** pass); rows are shuffled within each chunk when opt->shuffle is set.
** A source that fails returns a status (and may call vfl_set_error). */
typedef int (*vfl_source_fn)(void *ud, vfl_dataset **chunk);
VFL_API int vfl_net_learn_stream(vfl_net *net, vfl_source_fn source, void *ud, const vfl_loss_spec *loss,
                         const vfl_train_options *opt);

/* The number of worker threads vfl_net_learn will start for opt on a
** dataset of `rows` rows (SIZE_MAX, or any larger count, for a stream):
** opt->threads, or every core when 0, at most one per row. Bindings that
** prepare per-worker state ask here instead of deciding again. */
VFL_API uint32_t vfl_train_workers(const vfl_train_options *opt, size_t rows);

/* Asks a running vfl_net_learn on net to stop; safe from any thread. Every
** worker ends within one mini-batch and learn returns VFL_ESTOPPED with the
** weights as trained so far. A request made before the call to learn
** is forgotten when it starts. One made while it sets up (building the
** optimizer state, copying for keep_last_good, checking labels, shuffling:
** work that grows with the model or the data) is seen within a few MiB of
** that work, and learn returns VFL_ESTOPPED with the weights unchanged. The
** caller's flag (vfl_train_options.stop) is honoured the same way. */
VFL_API void vfl_net_stop(vfl_net *net);

/* --------------------------------------------------------------- metrics */

typedef struct vfl_metrics {
  double logloss;    /* binary (sigmoid) or multinomial (softmax) */
  double accuracy;
  double auc;        /* binary only; NaN otherwise */
  double rmse;       /* of link(outputs) against labels */
  uint64_t rows;
} vfl_metrics;

/* Evaluates net on every row of ds, reading outputs through the net's link
** (logistic/hinge: 1 output, label > 0 positive; multinomial: argmax). */
VFL_API int vfl_metrics_eval(vfl_net *net, const vfl_dataset *ds, vfl_metrics *out);
/* Area under the ROC curve of n scores against binary labels (label > 0). */
VFL_API double vfl_metrics_auc(const float *score, const float *label, size_t n);

/* The figures behind vfl.metrics.report, each from predictions already made
** (through the link) so that one pass over the data serves them all. */

/* Predictions of net on every row of ds, through its link: out gets
** rows x vfl_net_outputs(net) floats, labels rows x vfl_dataset_labels(ds). */
VFL_API int vfl_metrics_predict(vfl_net *net, const vfl_dataset *ds, float *out, float *labels);

/* Binary: label > 0 is positive, score > threshold predicts positive. */
typedef struct vfl_binary_report {
  uint64_t tp, fp, tn, fn;
  double accuracy, precision, recall, f1; /* precision/recall/F1: NaN when undefined (0/0) */
  double logloss;                          /* scores taken as probabilities; NaN unless asked */
  double auc;
} vfl_binary_report;
VFL_API int vfl_metrics_binary(const float *score, const float *label, size_t n, double threshold, int probabilities,
                       vfl_binary_report *r);

/* Calibration of probabilities in `bins` equal bins of [0, 1]: per bin the
** rows, their mean prediction and the fraction of them that are positive
** (NaN for an empty bin). */
VFL_API int vfl_metrics_calibration(const float *prob, const float *label, size_t n, uint32_t bins, uint64_t *count,
                            double *mean_prob, double *positive);

/* ROC and precision-recall points, from the highest threshold down: up to
** cap points (cap >= 2), the first at threshold +inf (fpr = tpr = 0,
** precision 1), the last with every row positive. recall = tpr. Returns the
** number of points written (0 when the labels hold only one class). */
VFL_API size_t vfl_metrics_curves(const float *score, const float *label, size_t n, size_t cap, double *threshold,
                          double *fpr, double *tpr, double *precision);

/* Multiclass, from rows x k probabilities and class ids 0..k-1: confusion
** (k x k, row = true class, column = argmax) and top[j] for j < topk: rows
** whose class is among the j+1 highest scores (ties in the row's favour).
** *logloss is the mean multinomial log-loss. A label that is not a class
** id is an error naming the row. */
VFL_API int vfl_metrics_multiclass(const float *prob, const float *label, size_t n, uint32_t k, uint32_t topk,
                           uint64_t *confusion, uint64_t *top, double *logloss);

/* Regression over rows x n_out predictions and as many labels. r2 is
** 1 - SSE / SST, SST around each output's mean (NaN when SST is 0). */
typedef struct vfl_regression_report {
  double rmse, mae, r2;
} vfl_regression_report;
VFL_API int vfl_metrics_regression(const float *pred, const float *label, size_t n, uint32_t n_out,
                           vfl_regression_report *r);

/* Multilabel (k-hot 0/1 labels, one score per class): for each row the k
** best-scored classes, as fastText's test counts them. p_at[j] is P@(j+1):
** relevant classes among the j+1 best over rows x (j+1); r_at[j] is R@(j+1):
** the same over all relevant labels (NaN when there are none). k is at most
** VFL_METRICS_MAX_K and at most n_out. */
enum { VFL_METRICS_MAX_K = 64 };
VFL_API int vfl_metrics_multilabel(const float *score, const float *label, size_t n, uint32_t n_out, uint32_t k,
                                   double *p_at, double *r_at);

/* ---------------------------------------------------------------- models */

/* Writes net to path atomically: a temporary file in the same folder,
** flushed, then renamed over path. */
VFL_API int vfl_model_save(const vfl_net *net, const char *path);
/* Reads a model; a truncated, damaged or foreign file is VFL_EFORMAT with a
** message naming the problem. */
VFL_API int vfl_model_load(const char *path, vfl_net **out);

/* How a save stores the weights (model.h, format version 4):
**   FULL     weights and optimizer state, as floats (vfl_model_save)
**   WEIGHTS  weights alone, as floats: for deployment, a third of an
**            AdaGrad model (training it again starts a fresh optimizer)
**   F16      weights alone, IEEE half precision (11 significant bits; a
**            weight beyond 65504 is refused)
**   Q8       weights alone, 8-bit integers with one float scale per 64
**            consecutive weights (max |w| / 127), about a quarter of WEIGHTS
** Loading turns every encoding back into floats. */
enum { VFL_STORE_FULL = 0, VFL_STORE_WEIGHTS = 1, VFL_STORE_F16 = 2, VFL_STORE_Q8 = 3 };
VFL_API int vfl_model_save_as(const vfl_net *net, const char *path, int storage);
/* The VFL_STORE_* of the file net was loaded from: WEIGHTS when it held no
** optimizer state (FULL for a net built in this process). */
VFL_API int vfl_net_storage(const vfl_net *net);

/* VFL_FFI_END */

/* ----------------------------------------------------------- featurizers */

/* How a model turns raw input into its features, and the names of its
** classes, saved inside the model file so that a loaded model featurizes
** raw input exactly as in training (there is no separate featurizer to
** mismatch). Class i (0-based here, as the engine's labels; 1-based in Lua)
** is output i of the net: with n_classes names the net has n_classes
** outputs, or one output for two classes (a logistic model: output 1 is the
** probability of the second class). */
enum { VFL_FEATURIZE_NONE = 0, VFL_FEATURIZE_WORDS = 1, VFL_FEATURIZE_TABLE = 2, VFL_FEATURIZE_VW = 3 };
/* VW: the features part of a Vowpal Wabbit line, "|ns[:w] f[:v] ... |ns2 ...",
** hashed as vfl_read_vw hashes it with groups FLAT into 2^bits (1..31). */

/* TABLE: what each column of a CSV/TSV row is. Column k (0-based, in the
** file's order) NUMERIC is feature k with the field's value; CATEGORICAL
** is feature n_columns + (vfl_hash_bytes("name=value", .., 0) mod 2^bits);
** TEXT is the field's words hashed as WORDS text is, each at n_columns +
** (its id mod 2^bits). An empty or missing field gives no feature. */
enum { VFL_COLUMN_SKIP = 0, VFL_COLUMN_NUMERIC = 1, VFL_COLUMN_CATEGORICAL = 2, VFL_COLUMN_TEXT = 3,
       VFL_COLUMN_LABEL = 4 };
typedef struct vfl_column {
  const char *name;           /* the header name, or the column's number in decimal */
  int kind;                   /* VFL_COLUMN_* */
} vfl_column;

typedef struct vfl_featurizer {
  int kind;                   /* VFL_FEATURIZE_*; NONE: class names only */
  uint32_t bits;              /* WORDS: tokens and n-grams hashed into 2^bits (1..32); TABLE: 1..31 */
  uint32_t ngrams;            /* WORDS: word n-grams up to this length (1..8) */
  uint32_t seed;              /* WORDS: hash seed */
  int lower;                  /* WORDS: lower-case ASCII letters first */
  const char *label_prefix;   /* how labels are marked in text ("__label__"); NULL: none */
  uint32_t n_classes;         /* 0: no class names */
  const char *const *classes; /* distinct, non-empty, at most 4096 bytes each */
  /* Since the featurizer section's extension 1 (featurizer.h). */
  uint32_t minn, maxn;        /* WORDS, TEXT columns: character n-grams of "<word>", minn..maxn
                              ** characters (0 0: none; else 1 <= minn <= maxn <= 16) */
  uint32_t n_columns;         /* TABLE: every column of the file, label and skipped ones too */
  const vfl_column *columns;
  uint32_t n_names;           /* the dictionary (0: none): names[i] is what feature */
  const uint32_t *name_index; /* name_index[i] (0-based, ascending) was first seen as */
  const char *const *names;
} vfl_featurizer;

/* Gives net a copy of f (NULL removes it). Checked: known kind, ranges,
** class names, and once the net is initialised, classes against outputs. */
VFL_API int vfl_net_set_featurizer(vfl_net *net, const vfl_featurizer *f);
/* The net's featurizer (valid until it is changed or the net freed), or NULL. */
VFL_API const vfl_featurizer *vfl_net_featurizer(const vfl_net *net);
/* Checks f as vfl_net_set_featurizer does (without a net's outputs). */
VFL_API int vfl_featurizer_check(const vfl_featurizer *f);
/* The featurizer a reader built for its dataset (CSV: the columns and
** class names), or NULL. Valid while the dataset lives. */
VFL_API const vfl_featurizer *vfl_dataset_featurizer(const vfl_dataset *ds);

/* Features out of raw input, grown as needed by the library (free with
** vfl_feature_buf_free); indices 0-based, ascending, repeats added up. */
typedef struct vfl_feature_buf {
  uint32_t *index;
  float *value;
  uint32_t n;
  size_t cap;
  char *text, *name;          /* scratch, reused from call to call (start zeroed) */
  void *tokens, *pairs;
  size_t text_cap, name_cap, tokens_cap, pairs_cap;
} vfl_feature_buf;
VFL_API void vfl_feature_buf_free(vfl_feature_buf *buf);

/* Word hashing (WORDS text and TEXT columns). Tokens are the runs of
** non-space bytes (lower-cased ASCII with lower). Token t hashes to
** h(t) = vfl_hash_bytes(t, seed); the word n-gram of n tokens (2..ngrams)
** to vfl_hash_bytes(their h as 4 little-endian bytes each, 4n, seed + n);
** with minn..maxn, each character n-gram g of "<token>" (UTF-8 characters,
** leaving out "<" and ">" alone, as fastText) to vfl_hash_bytes(g, seed +
** 16). Every id is then taken mod 2^bits. */
typedef struct vfl_words_options {
  uint32_t bits, ngrams, seed, minn, maxn;
  int lower;
} vfl_words_options;
/* Called with each feature id (mod 2^bits) and its text ("w1 w2" for word
** n-grams), when a dictionary is being kept. */
typedef void (*vfl_name_fn)(void *ud, uint32_t id, const char *name, size_t len);
/* Appends the ids of text to buf (value 1 each, unsorted, offset added to
** each id), naming them through name when it is not NULL. */
VFL_API int vfl_words_hash(const vfl_words_options *o, const char *text, size_t len, uint32_t offset,
                           vfl_feature_buf *buf, vfl_name_fn name, void *ud);
/* Sorts buf by index and adds up repeats. */
VFL_API void vfl_feature_buf_sort(vfl_feature_buf *buf);

/* Raw text through a WORDS featurizer (or the features of a VW line through
** a VW one; text before the first '|' is left out): buf is cleared, filled
** and sorted. */
VFL_API int vfl_featurize_text(const vfl_featurizer *f, const char *text, size_t len, vfl_feature_buf *buf);
/* One row through a TABLE featurizer: fields by column name, values as they
** would stand in the file (NULL or "": missing, no feature). An unknown
** name, the label's column, or a numeric column's non-number is an error
** naming the column. buf is cleared, filled and sorted. */
VFL_API int vfl_featurize_row(const vfl_featurizer *f, const char *const *names, const char *const *values,
                              uint32_t n, vfl_feature_buf *buf);

/* A dictionary being built: feature id -> the first name seen for it. */
typedef struct vfl_names vfl_names;
VFL_API vfl_names *vfl_names_new(void);
VFL_API void vfl_names_free(vfl_names *names);
/* Records name for id unless id has one. */
VFL_API int vfl_names_add(vfl_names *names, uint32_t id, const char *name, size_t len);
/* The same, as a vfl_name_fn (ud is the vfl_names; an allocation failure
** only stops the recording). */
VFL_API void vfl_names_record(void *ud, uint32_t id, const char *name, size_t len);
VFL_API uint32_t vfl_names_count(const vfl_names *names);
/* Fills index[] (ascending) and name[] (valid while names lives), count entries. */
VFL_API void vfl_names_list(const vfl_names *names, uint32_t *index, const char **name);
/* The name of feature id in f's dictionary, or NULL. */
VFL_API const char *vfl_featurizer_name(const vfl_featurizer *f, uint32_t id);

/* ------------------------------------------------------------- inference */

/* A model opened for prediction only, from C without Lua:
**
**   vfl_model *m;  vfl_scratch *s;
**   if (vfl_model_open("model.bin", &m)) { puts(vfl_last_error()); ... }
**   vfl_scratch_new(m, &s);                         (one per thread)
**   uint32_t cls[3];  float p[3];
**   int n = vfl_model_predict_text(m, s, "the shuttle reached orbit", 3, cls, p);
**   for (int i = 0; i < n; i++) printf("%s %g\n", vfl_model_class_name(m, cls[i]), p[i]);
**
** Threads: once opened, a model is only read, so any number of threads may
** predict with it at once, each with its own vfl_scratch (the activations,
** the text's features and the outputs). A NULL scratch makes one for the
** call (an allocation per prediction). A scratch grows to the longest text
** it has seen and is never shared between threads. Class ids are 0-based
** outputs (class 1 of a one-output logistic model is its probability). */
typedef struct vfl_model vfl_model;
typedef struct vfl_scratch vfl_scratch;
/* Loads path as vfl_model_load does (any format version, damaged files
** refused), for prediction. */
VFL_API int vfl_model_open(const char *path, vfl_model **out);
VFL_API void vfl_model_free(vfl_model *m);
/* The model's net, for the vfl_net_* readers (not for training or
** vfl_net_predict while other threads predict). */
VFL_API const vfl_net *vfl_model_net(const vfl_model *m);
/* Classes: outputs, or 2 for one logistic output. */
VFL_API uint32_t vfl_model_classes(const vfl_model *m);
/* Class c's name from the model's featurizer, or NULL (no names, or c out of range). */
VFL_API const char *vfl_model_class_name(const vfl_model *m, uint32_t c);
VFL_API int vfl_scratch_new(const vfl_model *m, vfl_scratch **out);
VFL_API void vfl_scratch_free(vfl_scratch *s);
/* Raw text through the model's featurizer (words, with its word and
** character n-grams, or vw: vfl_featurize_text) into *out, which points
** into s (valid until s is used again). An error for a model without a
** text featurizer. */
VFL_API int vfl_model_featurize(const vfl_model *m, vfl_scratch *s, const char *text, size_t len, vfl_features *out);
/* One row of fields through the model's table featurizer (vfl_featurize_row:
** values by column name, as they stand in the file; NULL or "" missing)
** into *out, which points into s. An error for a model without one. */
VFL_API int vfl_model_featurize_fields(const vfl_model *m, vfl_scratch *s, const char *const *names,
                                       const char *const *values, uint32_t n, vfl_features *out);
/* Predicts from features (one vfl_features per input of the net, as
** vfl_net_predict) and writes the k most probable classes, best first
** (ties: the lower class first), and their probabilities. Returns how many
** were written (k, or every class when there are fewer), or a negative
** status. s may be NULL. */
VFL_API int vfl_model_predict_row(const vfl_model *m, vfl_scratch *s, const vfl_features *in, uint32_t n_in, uint32_t k,
                                  uint32_t *classes, float *probs);
/* vfl_model_featurize of a NUL-terminated text, then vfl_model_predict_row. */
VFL_API int vfl_model_predict_text(const vfl_model *m, vfl_scratch *s, const char *text, uint32_t k, uint32_t *classes,
                                   float *probs);
/* vfl_model_featurize_fields of n fields, then vfl_model_predict_row. */
VFL_API int vfl_model_predict_fields(const vfl_model *m, vfl_scratch *s, const char *const *names,
                                     const char *const *values, uint32_t n, uint32_t k, uint32_t *classes, float *probs);
/* The k best of n_out predictions p (one output: 2 classes, 1 - p and p),
** into classes and probs, best first; returns how many. */
VFL_API uint32_t vfl_rank_outputs(const float *p, uint32_t n_out, uint32_t k, uint32_t *classes, float *probs);

/* ------------------------------------------------------------ text lines */

/* Lines of a plain or gzip text file (told apart by the content), for
** adapters written in Lua or C. A line excludes its '\n' (a '\r' before
** it stays). Errors name the file. */
typedef struct vfl_lines vfl_lines;
VFL_API int vfl_lines_open(const char *path, vfl_lines **out);
/* 1 and the line in *line, *len (valid until the next call), 0 at the end,
** or a negative status for a read error or damaged gzip data. */
VFL_API int vfl_lines_next(vfl_lines *lines, const char **line, size_t *len);
/* 1-based number of the line last handed out. */
VFL_API uint64_t vfl_lines_number(const vfl_lines *lines);
VFL_API void vfl_lines_close(vfl_lines *lines);

#ifdef __cplusplus
}
#endif

#endif /* VFL_H */
