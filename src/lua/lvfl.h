/*
** lvfl.h -- what the files of the Lua binding share: the userdata layouts,
** the type names (also each metatable's __name), and the checking and error
** helpers that make every error read "<function>: <what went wrong>".
**
** The binding is a thin layer: each Lua object is a full userdata holding an
** engine handle (or a small spec struct), with a metatable whose `methods`
** field lists its methods for completion and help().
*/
#ifndef VFL_LVFL_H
#define VFL_LVFL_H

#include <stddef.h>
#include <stdint.h>

#include "lua_compat.h"
#include "vfl.h"

#define LVFL_SPARSE "vfl.sparse"
#define LVFL_DATASET "vfl.dataset"
#define LVFL_NET "vfl.net"
#define LVFL_LAYER "vfl.layer"
#define LVFL_PRIOR "vfl.prior"
#define LVFL_OPTIM "vfl.optim"
#define LVFL_VIEW "vfl.view"
#define LVFL_PARAMS "vfl.params" /* net:params's view of the weights (lparams.c) */
#define LVFL_ROW "vfl.row"

/* ------------------------------------------------------------ objects */

/* A sparse vector. Owned vectors keep their arrays right after the struct,
** sorted by index, 0-based like the engine. Borrowed ones (a training row's
** features, seen by a Lua loss) point into a dataset and are valid only
** while `live` is set. */
enum { LVFL_SPARSE_OWNED = 1, LVFL_SPARSE_SORTED = 2 };
typedef struct lvfl_sparse {
  uint32_t n;
  int flags;
  int live;
  const uint32_t *index;
  const float *value; /* NULL: every value is 1 */
} lvfl_sparse;

/* A dataset. The engine dataset is created at the first row when its inputs
** are inferred from that row, so ds may be NULL while the object is open. */
typedef struct lvfl_dataset {
  vfl_dataset *ds;
  int closed;
  int busy; /* a net:learn is reading it: no appending, shuffling, closing */
  size_t row_base; /* rows before this one's first, for messages (a stream's chunks) */
  int open_extras; /* inferred from its first row: a new scalar field in a later row becomes an extra */
  int named_labels; /* labels given as class names, encoded in ds.classes (0-based ids) */
  /* Scratch for converting one Lua row into a vfl_row (reused). */
  vfl_features *feats;
  uint32_t feats_cap;
  float *floats; /* labels, then dense blocks */
  size_t floats_cap;
} lvfl_dataset;

typedef struct lvfl_net {
  vfl_net *net;
  int closed;
  int busy; /* being trained: no changes to its graph or weights */
} lvfl_net;

/* A layer description made by vfl.layers.*; its user value holds the Lua
** side options (name, prior, optim). crosses follow the struct. */
typedef struct lvfl_layer {
  vfl_layer_spec spec;
  const char *kind; /* "sparse", "linear", "relu", ... */
  uint32_t crosses[];
} lvfl_layer;

/* A prior; per_feature / center tables and the parent live in the user value
** until the prior is attached to an initialised net. */
typedef struct lvfl_prior {
  vfl_prior_spec spec;
} lvfl_prior;

/* An optimizer plus the training settings LUA_API.md puts beside it. */
typedef struct lvfl_optim {
  vfl_optim_spec spec;
  uint32_t epochs, batch; /* 0: not given */
} lvfl_optim;

/* A reusable window on a float array (a net's output, a gradient, labels),
** 1-based from Lua; invalid (p NULL) outside the call that lent it. */
typedef struct lvfl_view {
  float *p;
  uint32_t n;
  int writable;
  const char *what; /* "output", "gradient", "labels", "dense input" */
} lvfl_view;

/* What a Lua loss sees as `row`: label, weight, id, labels, one view per
** dataset input (borrowed sparse vectors, or float views for dense ones),
** and the dataset's extras by name. */
typedef struct lvfl_rowview {
  const vfl_row *row; /* NULL outside the loss */
  const vfl_dataset *ds; /* the row's dataset, for its extras */
  size_t id;
  uint32_t n_inputs;
  lvfl_view *labels;
  struct {
    lvfl_sparse *sparse;
    lvfl_view *dense;
  } inputs[];
} lvfl_rowview;

/* --------------------------------------------------------- helpers */

/* Raises "fname: message" (printf formats). */
int lvfl_error(lua_State *L, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Raises "fname: <engine message>" for a failed engine call rc. */
int lvfl_engine_error(lua_State *L, const char *fname, int rc);
/* Raises "fname: bad argument #arg (message)". */
int lvfl_argerror(lua_State *L, int arg, const char *fname, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* The __name of the value's metatable, or its Lua type name. */
const char *lvfl_typename(lua_State *L, int idx);

/* The userdata at idx if its metatable is tname's, else a clear error that
** names the argument (arg 0 means "self"). */
void *lvfl_check(lua_State *L, int idx, const char *tname, const char *fname, int arg);

/* Numbers with checks. Integers accept floats with no fraction (2^20, 1e6). */
lua_Integer lvfl_checkint(lua_State *L, int idx, const char *fname, const char *what, lua_Integer lo, lua_Integer hi);
double lvfl_checknum(lua_State *L, int idx, const char *fname, const char *what);

/* Option tables: checkopts rejects unknown keys (listing the known ones);
** the opt* readers return the default when the key (or the table) is
** absent and raise "fname: option 'key' must be ..." otherwise. */
void lvfl_checkopts(lua_State *L, int idx, const char *fname, const char *const *known);
/* Replaces the options table at idx by a copy without the keys in drop (NULL-ended). */
void lvfl_opts_without(lua_State *L, int idx, const char *const *drop);
lua_Integer lvfl_optint(lua_State *L, int idx, const char *key, lua_Integer def, const char *fname, lua_Integer lo,
                        lua_Integer hi);
double lvfl_optnum(lua_State *L, int idx, const char *key, double def, const char *fname);
int lvfl_optbool(lua_State *L, int idx, const char *key, int def, const char *fname);
const char *lvfl_optstring(lua_State *L, int idx, const char *key, const char *def, const char *fname);

/* Creates a metatable for tname with __name, __index = methods (unless
** index_fn), `methods`, and the given metamethods; leaves it on the stack. */
void lvfl_newclass(lua_State *L, const char *tname, const luaL_Reg *methods, const luaL_Reg *meta,
                   lua_CFunction index_fn);
/* New zeroed full userdata of size bytes with tname's metatable. */
void *lvfl_newobject(lua_State *L, size_t size, const char *tname);
/* Pushes the user value table of the userdata at idx, creating it on first
** use (objects that never need one never pay for a table). */
void lvfl_pushuv(lua_State *L, int idx);

/* ------------------------------------------------------------ shared */

/* Sparse vectors (lsparse.c). */
lvfl_sparse *lvfl_sparse_new(lua_State *L, uint32_t n, int with_values);
/* A sparse vector from the value at idx: a vfl.sparse, or a table accepted
** by vfl.sparse{...}. Returns it and leaves it (or a converted copy) at
** the top of the stack. */
lvfl_sparse *lvfl_tosparse(lua_State *L, int idx, const char *fname, const char *what);
/* Makes sure a borrowed view is still valid, else raises. */
void lvfl_sparse_checklive(lua_State *L, const lvfl_sparse *x, const char *fname);
lvfl_sparse *lvfl_sparse_borrowed(lua_State *L);

/* Hashed words and word n-grams of text (lhash.c, vfl.hash.words): pushes
** a vfl.sparse of counts. The one tokenizer of raw text, for vfl.hash.words,
** the fastText reader and a loaded model's featurizer alike. */
typedef struct lvfl_words_opts {
  int bits, ngrams, lower, group; /* group 0: plain indices */
  uint32_t seed, minn, maxn;      /* minn = maxn = 0: no character n-grams */
  vfl_names *names;               /* non-NULL: record the features' names */
} lvfl_words_opts;
void lvfl_push_words(lua_State *L, const char *s, size_t len, const lvfl_words_opts *o);
/* Reads options minn / maxn of the table at idx into o (checked). */
void lvfl_words_chargrams(lua_State *L, int idx, const char *fname, lvfl_words_opts *o);
/* Pushes the features of b (sorted) as a vfl.sparse (lfeaturizer.c). */
void lvfl_push_feature_buf(lua_State *L, const vfl_feature_buf *b);
/* Pushes a vfl_feature_buf freed when collected (a guard userdata). */
vfl_feature_buf *lvfl_feature_buf(lua_State *L);

/* Featurizers (lfeaturizer.c): the net's featurizer as a Lua table, read
** back from one, raw text through it, and outputs ranked by class. */
void lvfl_push_featurizer(lua_State *L, const vfl_featurizer *f);
/* Reads the table at idx into *f; the strings live in that table. */
void lvfl_check_featurizer(lua_State *L, int idx, const char *fname, vfl_featurizer *f);
/* Pushes the features of text through net's featurizer (an error without one). */
void lvfl_featurize_text(lua_State *L, const vfl_net *net, int idx, const char *fname);
/* Sets ds.featurizer (and ds.classes when f names classes) of the dataset
** at idx from a reader's featurizer; nothing when f is NULL. */
void lvfl_dataset_keep_featurizer(lua_State *L, int idx, const vfl_featurizer *f);
/* Is the value at idx a table row ({age = 41, city = "Oslo"}) for net's
** TABLE featurizer? */
int lvfl_is_table_row(const vfl_net *net, lua_State *L, int idx);
/* Pushes the features of the table row at idx (errors name the column). */
void lvfl_featurize_row(lua_State *L, const vfl_net *net, int idx, const char *fname);

/* Dictionaries (ldictionary.c): a featurizer's feature names as one userdata. */
void lvfl_push_dictionary(lua_State *L, uint32_t n, const uint32_t *index, const char *const *name);
void lvfl_push_names(lua_State *L, const vfl_names *names);
int lvfl_todictionary(lua_State *L, int idx, uint32_t *n, const uint32_t **index, const char *const **name);
void lvfl_open_dictionary(lua_State *L);
/* A new dictionary being built, freed when the guard pushed is collected. */
vfl_names *lvfl_names_guard(lua_State *L);
/* Pushes {{class = name or index, p = probability}, ...}, best first, at most k. */
void lvfl_push_ranked(lua_State *L, const vfl_net *net, const float *out, uint32_t n_out, uint32_t k);

/* Datasets (ldataset.c). */
lvfl_dataset *lvfl_checkdataset(lua_State *L, int idx, const char *fname, int arg);
/* Room for one row of ds (vfl_dataset_row), in a userdata left on the stack:
** the feats it returns, then the indices at *index. */
vfl_features *lvfl_row_room(lua_State *L, const vfl_dataset *ds, uint32_t **index);
/* Same, for methods that change the dataset: not while a learn reads it. */
lvfl_dataset *lvfl_checkdataset_idle(lua_State *L, int idx, const char *fname);
/* Pushes a new vfl.dataset owning ds. */
lvfl_dataset *lvfl_pushdataset(lua_State *L, vfl_dataset *ds);

/* Nets (lnet.c, lnet_print.c). */
lvfl_net *lvfl_checknet(lua_State *L, int idx, const char *fname);
/* Same, for methods that change the net: not while it is being trained
** (from its own loss or callbacks). */
lvfl_net *lvfl_checknet_idle(lua_State *L, int idx, const char *fname);
lvfl_net *lvfl_pushnet(lua_State *L, vfl_net *net);
/* Initialises the net at idx with defaults if it is not yet (net:learn),
** its rows laid out for optim_kind: the optimizer of the learn that asks. */
void lvfl_net_ensure_ready(lua_State *L, int idx, int optim_kind, const char *fname);
/* Fills the vfl_features of every net input from a Lua value (a sparse
** vector, a plain table of features, a table keyed by input name, or a
** dataset row); returns the count. Leaves converted values on the stack. */
uint32_t lvfl_net_inputs_from(lua_State *L, vfl_net *net, int idx, const char *fname, vfl_features *feats,
                              uint32_t cap);
int lvfl_net_tostring(lua_State *L);
/* The 0-based parameter block of layer given at idx (nil: the first; a
** number, a parent's name or "bias"), raising a Lua error otherwise. */
uint32_t lvfl_block_arg(lua_State *L, const vfl_net *net, const char *layer, int idx, const char *fname);
/* net:params's results for the layer name at layer_idx and the block after
** it (lparams.c): a read-only view of the weights (feature-major), rows,
** cols; returns 3. owner is the net pointer inside the Lua object at index
** 1, which the view keeps alive (and finds NULL after net:close). */
int lvfl_push_params(lua_State *L, vfl_net *const *owner, int layer_idx, const char *fname);
const char *lvfl_link_name(int link);

/* Layer, prior and optimizer specs (lspec.c): names and descriptions. */
const char *lvfl_layer_kind(const vfl_layer_spec *s);
void lvfl_layer_describe(const vfl_layer_spec *s, char *buf, size_t size);
void lvfl_prior_describe(lua_State *L, int idx, char *buf, size_t size);
void lvfl_prior_spec_describe(const vfl_prior_spec *p, char *buf, size_t size);
void lvfl_optim_describe(const lvfl_optim *o, char *buf, size_t size);

/* Views (lview.c). */
lvfl_view *lvfl_view_new(lua_State *L, const char *what, int writable);
/* Pushes a row view for rows of ds; set before each loss call, end after. */
lvfl_rowview *lvfl_rowview_new(lua_State *L, const vfl_dataset *ds);
void lvfl_rowview_set(lvfl_rowview *r, const vfl_loss_io *io);
void lvfl_rowview_end(lvfl_rowview *r);

/* Extras (lextra.c): values a row carries beside its inputs. */
int lvfl_is_extra_value(lua_State *L, int idx); /* a number, boolean or string */
void lvfl_push_value(lua_State *L, const vfl_value *v);
/* Stores the extras of ds found in the row table at idx into row i. */
void lvfl_set_extras(lua_State *L, vfl_dataset *ds, int idx, size_t i, const char *fname);
/* Sets row i's extras (nil ones left out) in the table at the top. */
void lvfl_push_extras(lua_State *L, const vfl_dataset *ds, size_t i);
/* Pushes extra name of row i and returns 1, or pushes nothing and returns 0. */
int lvfl_push_extra(lua_State *L, const vfl_dataset *ds, size_t i, const char *name);
/* Pushes the list of ds's extra names. */
void lvfl_push_extra_names(lua_State *L, const vfl_dataset *ds);

/* Stops every net:learn running now (llearn.c): vfl.request_stop. */
void lvfl_stop_active(void);

/* Stop flag for Ctrl-C (lerror.c). */
void lvfl_stop_reset(void);
volatile int *lvfl_stop_flag(void);
int lvfl_stop_requested(void);

/* Module parts, each adding its functions to the vfl table at the top. */
void lvfl_open_sparse(lua_State *L);
void lvfl_open_hash(lua_State *L);
void lvfl_open_io(lua_State *L);
void lvfl_open_featurizer(lua_State *L);
void lvfl_open_explain(lua_State *L);
void lvfl_open_fasttext(lua_State *L);
void lvfl_open_dataset(lua_State *L);
void lvfl_open_read(lua_State *L);
void lvfl_open_net(lua_State *L);
void lvfl_open_spec(lua_State *L);
void lvfl_open_view(lua_State *L);
void lvfl_open_params(lua_State *L);
void lvfl_open_learn(lua_State *L);
void lvfl_open_losses(lua_State *L);
void lvfl_open_predict(lua_State *L);
void lvfl_open_metrics(lua_State *L);
void lvfl_open_report(lua_State *L); /* into the vfl.metrics table at the top */

/* What a net was trained for, as the metrics see it (lreport.c): binary
** (probabilities), margin (one raw score, labels -1/0/1: hinge), multiclass
** (softmax), regression, multilabel. */
enum { LVFL_TASK_MARGIN = 0, LVFL_TASK_BINARY = 1, LVFL_TASK_MULTICLASS = 2, LVFL_TASK_REGRESSION = 3,
       LVFL_TASK_MULTILABEL = 4 };
int lvfl_metrics_task(lua_State *L, vfl_net *net, const vfl_dataset *ds);
const char *lvfl_task_name(int task);
void lvfl_open_model(lua_State *L);
void lvfl_open_dist(lua_State *L);

/* net:learn{dist = true} (ldist_learn.c): NULL without dist. */
typedef struct lvfl_dist_plan lvfl_dist_plan;
lvfl_dist_plan *lvfl_dist_learn_options(lua_State *L, int opts, int streaming, const char *fname);
int lvfl_dist_learn(lvfl_dist_plan *plan, vfl_net *net, const vfl_dataset *ds, const vfl_loss_spec *loss,
                    const vfl_train_options *o);
void lvfl_dist_push_stats(lua_State *L, const lvfl_dist_plan *plan);

/* vfl.metrics.evaluate(net, ds, {dist = true}) (ldist_metrics.c): m, this
** rank's figures, becomes those of all ranks' rows. */
void lvfl_dist_metrics(lua_State *L, int net, int ds, vfl_metrics *m, const char *fname);
/* net:save under mpirun (ldist.c): rank 0 writes, every rank gets its status. */
int lvfl_dist_save(const vfl_net *net, const char *path, int storage);

/* Sharded reading (lshard.c): rank of size (0-based), size 1 = whole file. */
typedef struct lvfl_shard {
  uint32_t rank, size;
} lvfl_shard;
typedef int (*lvfl_text_reader)(const char *text, size_t len, const char *name, const void *opts, vfl_dataset **out);
void lvfl_shard_options(lua_State *L, int idx, const char *fname, lvfl_shard *sh);
int lvfl_shard_read(const char *path, const lvfl_shard *sh, int with_header, lvfl_text_reader read, const void *opts,
                    vfl_dataset **out);

/* Appends the Lua row table at idx to d (its first row declares an empty
** d's labels and inputs); raises a Lua error naming the row and field. */
void lvfl_dataset_append_row(lua_State *L, lvfl_dataset *d, int dsi, int idx, const char *fname);

/* Streaming net:learn (lstream.c): rows pulled from a Lua iterator in chunks.
** open pushes the stream object and pulls the first chunk (raising Lua
** errors); next is the engine's source, called on the caller's thread. */
typedef struct lvfl_stream lvfl_stream;
lvfl_stream *lvfl_stream_open(lua_State *L, int iter, uint32_t chunk_rows, const char *fname);
const vfl_dataset *lvfl_stream_schema(const lvfl_stream *st);
int lvfl_stream_next(void *ud, vfl_dataset **chunk);
uint64_t lvfl_stream_rows(const lvfl_stream *st);

/* The VFL_LOSS_* of a built-in loss name, or 0 (llearn_loss.c). */
int lvfl_loss_kind(const char *name);
/* Pushes the function a loss name "module.fn" names (requiring the module);
** returns 0, or non-zero with a message in err and nothing pushed. */
int lvfl_resolve_loss_name(lua_State *L, const char *name, char *err, size_t errlen);

/* A Lua loss on the trainer threads, one lua_State each (lworkers.c).
** open pushes a userdata owning the states (closed by its __gc) and raises
** a Lua error naming the upvalue that cannot travel. loss_name: resolve
** the loss by name in each state instead of copying the value at loss. */
typedef struct lvfl_workers lvfl_workers;
lvfl_workers *lvfl_workers_open(lua_State *L, int loss, const char *loss_name, uint32_t n, const vfl_dataset *ds,
                                const vfl_net *net, const char *fname);
int lvfl_workers_loss(void *ud, vfl_loss_io *io, double *loss);

/* Pushes the read-only view of net a Lua loss gets as its 4th argument
** (lnetview.c): net:params and net:row. */
void lvfl_netview_push(lua_State *L, const vfl_net *net);

#endif
