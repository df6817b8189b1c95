/*
** lreport.c -- vfl.metrics.report(net, ds [, opts]): the figures that fit the
** task the net was trained for, as a plain Lua table. The counting runs in C
** (metrics_report.c) over one pass of predictions; this file only picks the
** task and builds the table. Its metatable prints it through
** lua/vfl/report.lua, so the REPL and print() show a readable report.
*/
#include <math.h>
#include <string.h>

#include "lvfl.h"

static const char *const task_names[] = {"binary", "binary", "multiclass", "regression", "multilabel", NULL};

/* The task of a net: its link, its outputs, and (for an identity link on one
** output, as hinge trains) whether every label is -1 or 1. Labels 0/1 on an
** identity link may be a square loss as well as hinge: regression, unless
** the caller says task = "binary". */
int lvfl_metrics_task(lua_State *L, vfl_net *net, const vfl_dataset *ds) {
  int link = vfl_net_link(net);
  uint32_t n_out = vfl_net_outputs(net), n_labels = vfl_dataset_labels(ds);
  if (link == VFL_LINK_SOFTMAX) return n_labels > 1 ? LVFL_TASK_MULTILABEL : LVFL_TASK_MULTICLASS;
  if (link == VFL_LINK_SIGMOID && n_out == 1) return LVFL_TASK_BINARY;
  if (link == VFL_LINK_SIGMOID && n_labels == n_out) return LVFL_TASK_MULTILABEL; /* one sigmoid per class */
  if (n_out != 1 || n_labels != 1) return LVFL_TASK_REGRESSION;
  uint32_t *index;
  vfl_features *feats = lvfl_row_room(L, ds, &index);
  int signs = 1;
  for (size_t i = 0; signs && i < vfl_dataset_rows(ds); i++) {
    vfl_row row;
    vfl_dataset_row(ds, i, &row, feats, index);
    signs = row.labels[0] == -1 || row.labels[0] == 1;
  }
  lua_pop(L, 1);
  return signs ? LVFL_TASK_MARGIN : LVFL_TASK_REGRESSION;
}

const char *lvfl_task_name(int task) { return task_names[task]; }

/* opts.task, else the net's; "binary" on a net without a sigmoid scores margins. */
static int task_from_option(lua_State *L, vfl_net *net, const vfl_dataset *ds, const char *fname) {
  const char *t = lvfl_optstring(L, 3, "task", NULL, fname);
  if (!t) return lvfl_metrics_task(L, net, ds);
  for (int i = 1; task_names[i]; i++)
    if (!strcmp(t, task_names[i]))
      return i == LVFL_TASK_BINARY && vfl_net_link(net) != VFL_LINK_SIGMOID ? LVFL_TASK_MARGIN : i;
  return lvfl_error(L, "%s: option 'task' must be binary, multiclass, regression or multilabel, got '%s'", fname, t);
}

static void set_num(lua_State *L, const char *key, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, key);
}

static void set_int(lua_State *L, const char *key, uint64_t v) {
  lua_pushinteger(L, (lua_Integer)v);
  lua_setfield(L, -2, key);
}

/* t[key] = {v[0], ..., v[n-1]} */
static void set_list(lua_State *L, const char *key, const double *v, size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, key);
}

/* roc = {fpr=, tpr=, threshold=}, pr = {recall=, precision=, threshold=} */
static void add_curves(lua_State *L, const float *score, const float *label, size_t n, size_t cap) {
  double *buf = lua_newuserdata(L, 4 * cap * sizeof *buf);
  lua_insert(L, -2); /* scratch below the report, alive until the end */
  double *thr = buf, *fpr = buf + cap, *tpr = buf + 2 * cap, *prec = buf + 3 * cap;
  size_t m = vfl_metrics_curves(score, label, n, cap, thr, fpr, tpr, prec);
  lua_createtable(L, 0, 3);
  set_list(L, "fpr", fpr, m);
  set_list(L, "tpr", tpr, m);
  set_list(L, "threshold", thr, m);
  lua_setfield(L, -2, "roc");
  lua_createtable(L, 0, 3);
  set_list(L, "recall", tpr, m);
  set_list(L, "precision", prec, m);
  set_list(L, "threshold", thr, m);
  lua_setfield(L, -2, "pr");
  lua_remove(L, -2);
}

static void add_binary(lua_State *L, const float *score, const float *label, size_t n, int probabilities,
                       const char *fname) {
  double threshold = lvfl_optnum(L, 3, "threshold", probabilities ? 0.5 : 0.0, fname);
  vfl_binary_report r;
  if (vfl_metrics_binary(score, label, n, threshold, probabilities, &r)) lvfl_engine_error(L, fname, VFL_EINVAL);
  set_num(L, "threshold", threshold);
  set_num(L, "accuracy", r.accuracy);
  set_num(L, "auc", r.auc);
  if (probabilities) set_num(L, "logloss", r.logloss);
  set_num(L, "precision", r.precision);
  set_num(L, "recall", r.recall);
  set_num(L, "f1", r.f1);
  lua_createtable(L, 0, 4);
  set_int(L, "tp", r.tp);
  set_int(L, "fp", r.fp);
  set_int(L, "tn", r.tn);
  set_int(L, "fn", r.fn);
  lua_setfield(L, -2, "counts");
  add_curves(L, score, label, n, (size_t)lvfl_optint(L, 3, "points", 101, fname, 2, 100000));
  if (!probabilities) return; /* margins (hinge) have no calibration */
  uint32_t bins = (uint32_t)lvfl_optint(L, 3, "bins", 10, fname, 1, 1000);
  uint64_t *count = lua_newuserdata(L, bins * (sizeof *count + 2 * sizeof(double)));
  lua_insert(L, -2);
  double *mean = (double *)(count + bins), *pos = mean + bins;
  vfl_metrics_calibration(score, label, n, bins, count, mean, pos);
  lua_createtable(L, (int)bins, 0);
  for (uint32_t b = 0; b < bins; b++) {
    lua_createtable(L, 0, 5);
    set_num(L, "from", (double)b / bins);
    set_num(L, "to", (double)(b + 1) / bins);
    set_int(L, "rows", count[b]);
    set_num(L, "mean_prediction", mean[b]);
    set_num(L, "positive", pos[b]);
    lua_rawseti(L, -2, (lua_Integer)b + 1);
  }
  lua_setfield(L, -2, "calibration");
  lua_remove(L, -2); /* count */
}

/* Pushes the name of class c: opts.classes[c + 1], else ds.classes[c + 1]
** (class names read or emitted), else the net's featurizer's, else the id
** (the class-id rule: docs/features.md). */
static void push_class(lua_State *L, uint32_t c) {
  for (int from = 0; from < 2; from++) {
    if (from == 0 && !lua_istable(L, 3)) continue;
    lua_getfield(L, from == 0 ? 3 : 2, "classes");
    if (lua_istable(L, -1)) {
      lua_rawgeti(L, -1, (lua_Integer)c + 1);
      lua_remove(L, -2);
      if (!lua_isnil(L, -1)) return;
    }
    lua_pop(L, 1);
  }
  const vfl_featurizer *f = vfl_net_featurizer(((lvfl_net *)lua_touserdata(L, 1))->net);
  if (f && c < f->n_classes) {
    lua_pushstring(L, f->classes[c]);
    return;
  }
  lua_pushinteger(L, c);
}

static double f1_of(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

static void add_multiclass(lua_State *L, const float *prob, const float *label, size_t n, uint32_t k,
                           const char *fname) {
  uint32_t topk = (uint32_t)lvfl_optint(L, 3, "k", 5, fname, 1, 1000);
  if (topk > k) topk = k;
  uint64_t *conf = lua_newuserdata(L, ((size_t)k * k + topk) * sizeof *conf), *top = conf + (size_t)k * k;
  lua_insert(L, -2); /* scratch below the report, alive until the end */
  double logloss;
  if (vfl_metrics_multiclass(prob, label, n, k, topk, conf, top, &logloss)) lvfl_engine_error(L, fname, VFL_EINVAL);
  uint64_t right = 0;
  double macro = 0;
  uint32_t present = 0;
  lua_createtable(L, (int)k, 0); /* per_class */
  for (uint32_t c = 0; c < k; c++) {
    uint64_t tp = conf[(size_t)c * k + c], support = 0, said = 0;
    for (uint32_t j = 0; j < k; j++) support += conf[(size_t)c * k + j], said += conf[(size_t)j * k + c];
    right += tp;
    double p = said ? (double)tp / (double)said : 0, r = support ? (double)tp / (double)support : NAN;
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, c);
    lua_setfield(L, -2, "id");
    push_class(L, c);
    lua_setfield(L, -2, "class");
    set_int(L, "support", support);
    set_num(L, "precision", p);
    set_num(L, "recall", r);
    set_num(L, "f1", support ? f1_of(p, r) : NAN);
    lua_rawseti(L, -2, (lua_Integer)c + 1);
    if (support) macro += f1_of(p, r), present++; /* classes absent from ds do not count */
  }
  lua_setfield(L, -2, "per_class");
  set_num(L, "accuracy", (double)right / (double)n);
  set_num(L, "micro_f1", (double)right / (double)n); /* one label per row: micro P = R = accuracy */
  set_num(L, "macro_f1", present ? macro / present : NAN);
  set_num(L, "logloss", logloss);
  lua_createtable(L, (int)topk, 0);
  for (uint32_t j = 0; j < topk; j++) {
    lua_pushnumber(L, (double)top[j] / (double)n);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  lua_setfield(L, -2, "top_k");
  lua_createtable(L, (int)k, 0);
  for (uint32_t c = 0; c < k; c++) {
    lua_createtable(L, (int)k, 0);
    for (uint32_t j = 0; j < k; j++) {
      lua_pushinteger(L, (lua_Integer)conf[(size_t)c * k + j]);
      lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    lua_rawseti(L, -2, (lua_Integer)c + 1);
  }
  lua_setfield(L, -2, "confusion");
  lua_createtable(L, (int)k, 0);
  for (uint32_t c = 0; c < k; c++) {
    push_class(L, c);
    lua_rawseti(L, -2, (lua_Integer)c + 1);
  }
  lua_setfield(L, -2, "classes");
  set_int(L, "n_classes", k);
  lua_remove(L, -2);
}

static void add_regression(lua_State *L, const float *pred, const float *label, size_t n, uint32_t n_out,
                           const char *fname) {
  vfl_regression_report r;
  if (vfl_metrics_regression(pred, label, n, n_out, &r)) lvfl_engine_error(L, fname, VFL_EINVAL);
  set_num(L, "rmse", r.rmse);
  set_num(L, "mae", r.mae);
  set_num(L, "r2", r.r2);
}

/* P@k and R@k for k = 1 .. opts.k (5; at most the outputs): p_at_k and
** r_at_k lists, and p_at_1 .. r_at_k as fields for the largest k. */
static void add_multilabel(lua_State *L, const float *score, const float *label, size_t n, uint32_t n_out,
                           const char *fname) {
  uint32_t k = (uint32_t)lvfl_optint(L, 3, "k", 5, fname, 1, VFL_METRICS_MAX_K);
  if (k > n_out) k = n_out;
  double p_at[VFL_METRICS_MAX_K], r_at[VFL_METRICS_MAX_K];
  if (vfl_metrics_multilabel(score, label, n, n_out, k, p_at, r_at)) lvfl_engine_error(L, fname, VFL_EINVAL);
  set_list(L, "p_at_k", p_at, k);
  set_list(L, "r_at_k", r_at, k);
  set_int(L, "k", k);
}

/* __tostring: the text lua/vfl/report.lua makes of the table. */
static int report_tostring(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "vfl.report");
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    lua_pushfstring(L, "<vfl.report: %s>", lua_tostring(L, -1));
    return 1;
  }
  lua_getfield(L, -1, "format");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

static void push_report_meta(lua_State *L) {
  if (luaL_newmetatable(L, "vfl.report")) {
    lua_pushcfunction(L, report_tostring);
    lua_setfield(L, -2, "__tostring");
  }
}

static int l_report(lua_State *L) {
  const char *fname = "vfl.metrics.report";
  static const char *const known[] = {"threshold", "k", "bins", "points", "classes", "task", NULL};
  lvfl_net *n = lvfl_checknet(L, 1, fname);
  lvfl_dataset *d = lvfl_checkdataset(L, 2, fname, 2);
  lua_settop(L, 3);
  lvfl_checkopts(L, 3, fname, known);
  if (!vfl_net_ready(n->net))
    lvfl_error(L, "%s: the net is not initialised yet (call net:init{} or net:learn first)", fname);
  size_t rows = d->ds ? vfl_dataset_rows(d->ds) : 0;
  if (!rows) lvfl_error(L, "%s: the dataset has no rows", fname);
  int task = task_from_option(L, n->net, d->ds, fname);
  uint32_t n_out = vfl_net_outputs(n->net), n_labels = vfl_dataset_labels(d->ds);
  float *out = lua_newuserdata(L, rows * (n_out + n_labels) * sizeof *out), *label = out + rows * n_out;
  int buffers = lua_gettop(L);
  int rc = vfl_metrics_predict(n->net, d->ds, out, label);
  if (rc) lvfl_engine_error(L, fname, rc);
  lua_createtable(L, 0, 16);
  lua_pushstring(L, task_names[task]);
  lua_setfield(L, -2, "task");
  set_int(L, "rows", rows);
  if (task == LVFL_TASK_MULTICLASS) {
    if (n_labels != 1) lvfl_error(L, "%s: a multiclass net needs one label (the class id) per row, got %u", fname, n_labels);
    add_multiclass(L, out, label, rows, n_out, fname);
  } else if (task == LVFL_TASK_MULTILABEL) {
    if (n_labels != n_out)
      lvfl_error(L, "%s: a multilabel report needs one 0/1 label per output: the net has %u outputs, the dataset %u labels",
                 fname, n_out, n_labels);
    add_multilabel(L, out, label, rows, n_out, fname);
  } else if (task == LVFL_TASK_REGRESSION) {
    if (n_labels != n_out) lvfl_error(L, "%s: the net has %u outputs but the dataset %u labels", fname, n_out, n_labels);
    add_regression(L, out, label, rows, n_out, fname);
  } else {
    if (n_out != 1) lvfl_error(L, "%s: a binary report needs a net with 1 output, this one has %u", fname, n_out);
    add_binary(L, out, label, rows, task == LVFL_TASK_BINARY, fname);
  }
  push_report_meta(L);
  lua_setmetatable(L, -2);
  lua_remove(L, buffers);
  return 1;
}

void lvfl_open_report(lua_State *L) {
  lua_pushcfunction(L, l_report);
  lua_setfield(L, -2, "report");
}
