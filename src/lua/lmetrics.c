/*
** lmetrics.c -- vfl.metrics: a net's figures on a dataset, computed in C.
**
**   vfl.metrics.evaluate(net, ds [, {"logloss", "accuracy", "auc", "rmse", dist = true}])
**   vfl.metrics.logloss(net, ds), .accuracy, .auc, .rmse
**   vfl.metrics.auc(scores, labels)   -- two Lua lists
**   vfl.metrics.report(net, ds [, opts]) -- lreport.c
**
** evaluate's default list follows the task (lreport.c), and a figure that
** cannot exist for the net (auc of a softmax net) is an error, not a NaN.
*/
#include <math.h>
#include <string.h>

#include "lvfl.h"

static const char *const metric_names[] = {"logloss", "accuracy", "auc", "rmse", "rows", NULL};

static double metric_value(const vfl_metrics *m, int i) {
  switch (i) {
  case 0: return m->logloss;
  case 1: return m->accuracy;
  case 2: return m->auc;
  case 3: return m->rmse;
  default: return (double)m->rows;
  }
}

static int metric_find(const char *name) {
  for (int i = 0; metric_names[i]; i++)
    if (!strcmp(name, metric_names[i])) return i;
  return -1;
}

static void compute(lua_State *L, vfl_metrics *m, const char *fname) {
  lvfl_net *n = lvfl_checknet(L, 1, fname);
  lvfl_dataset *d = lvfl_checkdataset(L, 2, fname, 2);
  if (!vfl_net_ready(n->net))
    lvfl_error(L, "%s: the net is not initialised yet (call net:init{} or net:learn first)", fname);
  if (!d->ds || !vfl_dataset_rows(d->ds)) lvfl_error(L, "%s: the dataset has no rows", fname);
  int rc = vfl_metrics_eval(n->net, d->ds, m);
  if (rc) lvfl_engine_error(L, fname, rc);
}

/* The figures evaluate gives by default for each task: logloss, accuracy,
** auc, rmse, rows (the task's other figures: vfl.metrics.report). */
static const int task_defaults[][5] = {
    [LVFL_TASK_MARGIN] = {0, 1, 1, 0, 1},     [LVFL_TASK_BINARY] = {1, 1, 1, 0, 1},
    [LVFL_TASK_MULTICLASS] = {1, 1, 0, 0, 1}, [LVFL_TASK_REGRESSION] = {0, 0, 0, 1, 1},
    [LVFL_TASK_MULTILABEL] = {0, 0, 0, 1, 1},
};

/* Whether the engine's figure i exists for this net at all (asked for by
** name, a custom loss may want accuracy on an identity link). */
static int metric_exists(vfl_net *net, int i) {
  int link = vfl_net_link(net);
  uint32_t n_out = vfl_net_outputs(net);
  switch (i) {
  case 0: return link != VFL_LINK_IDENTITY;
  case 1: return link == VFL_LINK_SOFTMAX || n_out == 1;
  case 2: return n_out == 1;
  case 3: return link != VFL_LINK_SOFTMAX;
  default: return 1;
  }
}

/* Raises for a figure the net cannot have, naming its task. */
static void check_exists(lua_State *L, int i, const char *fname) {
  vfl_net *net = lvfl_checknet(L, 1, fname)->net;
  if (metric_exists(net, i)) return;
  int task = lvfl_metrics_task(L, net, lvfl_checkdataset(L, 2, fname, 2)->ds);
  lvfl_error(L, "%s: '%s' means nothing for a %s net (its figures: see vfl.metrics.report)", fname, metric_names[i],
             lvfl_task_name(task));
}

static int l_evaluate(lua_State *L) {
  const char *fname = "vfl.metrics.evaluate";
  int want[5] = {0};
  int dist = lua_istable(L, 3) && lvfl_optbool(L, 3, "dist", 0, fname);
  int listed = !lua_isnoneornil(L, 3) && !(dist && lua_rawlen(L, 3) == 0);
  if (listed) {
    if (!lua_istable(L, 3)) lvfl_argerror(L, 3, fname, "list of metric names expected, got %s", lvfl_typename(L, 3));
    size_t k = lua_rawlen(L, 3);
    for (size_t i = 1; i <= k; i++) {
      lua_rawgeti(L, 3, (lua_Integer)i);
      const char *name = lua_tostring(L, -1);
      int m = name ? metric_find(name) : -1;
      if (m < 0)
        lvfl_error(L, "%s: unknown metric '%s' (logloss, accuracy, auc, rmse, rows)", fname,
                   name ? name : lvfl_typename(L, -1));
      want[m] = 1;
      lua_pop(L, 1);
    }
  }
  vfl_metrics m;
  compute(L, &m, fname);
  int task = lvfl_metrics_task(L, lvfl_checknet(L, 1, fname)->net, lvfl_checkdataset(L, 2, fname, 2)->ds);
  for (int i = 0; i < 5; i++) {
    if (!listed) want[i] = task_defaults[task][i];
    if (want[i]) check_exists(L, i, fname);
  }
  if (dist) lvfl_dist_metrics(L, 1, 2, &m, fname);
  lua_createtable(L, 0, 5);
  for (int i = 0; metric_names[i]; i++) {
    if (!want[i]) continue;
    if (i == 4)
      lua_pushinteger(L, (lua_Integer)m.rows);
    else
      lua_pushnumber(L, metric_value(&m, i));
    lua_setfield(L, -2, metric_names[i]);
  }
  return 1;
}

static int one_metric(lua_State *L) {
  int i = (int)lua_tointeger(L, lua_upvalueindex(1));
  const char *fname = lua_tostring(L, lua_upvalueindex(2));
  vfl_metrics m;
  compute(L, &m, fname);
  check_exists(L, i, fname);
  lua_pushnumber(L, metric_value(&m, i));
  return 1;
}

/* auc(net, ds), or auc(scores, labels) over two Lua lists. */
static int l_auc(lua_State *L) {
  const char *fname = "vfl.metrics.auc";
  if (!lua_istable(L, 1)) {
    vfl_metrics m;
    compute(L, &m, fname);
    check_exists(L, 2, fname);
    lua_pushnumber(L, m.auc);
    return 1;
  }
  if (!lua_istable(L, 2)) lvfl_argerror(L, 2, fname, "table of labels expected, got %s", lvfl_typename(L, 2));
  size_t n = lua_rawlen(L, 1);
  if (lua_rawlen(L, 2) != n) lvfl_error(L, "%s: %zu scores but %zu labels", fname, n, (size_t)lua_rawlen(L, 2));
  float *buf = lua_newuserdata(L, 2 * (n ? n : 1) * sizeof *buf);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, 1, (lua_Integer)i + 1);
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    if (lua_type(L, -2) != LUA_TNUMBER || lua_type(L, -1) != LUA_TNUMBER)
      lvfl_error(L, "%s: entry %zu of the scores or labels is not a number", fname, i + 1);
    buf[i] = (float)lua_tonumber(L, -2);
    buf[n + i] = (float)lua_tonumber(L, -1);
    lua_pop(L, 2);
  }
  lua_pushnumber(L, vfl_metrics_auc(buf, buf + n, n));
  return 1;
}

void lvfl_open_metrics(lua_State *L) {
  lua_newtable(L);
  lua_pushcfunction(L, l_evaluate);
  lua_setfield(L, -2, "evaluate");
  for (int i = 0; i < 4; i++) {
    if (i == 2) continue;
    lua_pushinteger(L, i);
    lua_pushfstring(L, "vfl.metrics.%s", metric_names[i]);
    lua_pushcclosure(L, one_metric, 2);
    lua_setfield(L, -2, metric_names[i]);
  }
  lua_pushcfunction(L, l_auc);
  lua_setfield(L, -2, "auc");
  lvfl_open_report(L);
  lua_setfield(L, -2, "metrics");
}
