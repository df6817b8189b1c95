/*
** llearn_weights.c -- net:learn's class_weights option: a weight per class
** multiplying each row's weight (and so its gradient), for the multinomial,
** logistic and hinge losses.
**
**   class_weights = {w1, w2, ...}  1-based: entry id + 1 for class id
**                                  (multinomial ids 0..K-1; binary: {negatives, positives})
**   class_weights = "balanced"     rows / (classes * rows of class c), as scikit-learn
*/
#include <string.h>

#include "llearn.h"

/* Classes of the loss, or 0 when it takes no class weights. */
static uint32_t loss_classes(const learn_ctx *c, int kind) {
  if (kind == VFL_LOSS_MULTINOMIAL) return vfl_net_outputs(c->net);
  return kind == VFL_LOSS_LOGISTIC || kind == VFL_LOSS_HINGE ? 2 : 0;
}

/* "balanced": from the dataset's label counts. */
static void balanced(lua_State *L, learn_ctx *c, const vfl_dataset *ds, int kind, uint32_t k, float *w) {
  size_t rows = vfl_dataset_rows(ds);
  uint32_t *index;
  vfl_features *feats = lvfl_row_room(L, ds, &index);
  double *count = lua_newuserdata(L, k * sizeof *count);
  memset(count, 0, k * sizeof *count);
  for (size_t i = 0; i < rows; i++) {
    vfl_row row;
    if (vfl_dataset_row(ds, i, &row, feats, index)) lvfl_engine_error(L, c->fname, VFL_EINVAL);
    float y = row.labels[0];
    uint32_t cls = kind == VFL_LOSS_MULTINOMIAL ? (uint32_t)y : y > 0;
    if (cls < k) count[cls]++; /* a bad label is reported by learn itself */
  }
  for (uint32_t j = 0; j < k; j++) w[j] = count[j] > 0 ? (float)((double)rows / ((double)k * count[j])) : 0.0f;
  lua_pop(L, 2);
}

void learn_class_weights(lua_State *L, learn_ctx *c, int kind, const vfl_dataset *ds, vfl_train_options *o) {
  lua_getfield(L, LEARN_OPTS, "class_weights");
  int t = lua_type(L, -1);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  uint32_t k = loss_classes(c, kind);
  if (!k) lvfl_error(L, "%s: option 'class_weights' needs the multinomial, logistic or hinge loss", c->fname);
  float *w = lua_newuserdata(L, k * sizeof *w); /* left on the stack: lives as long as learn */
  lua_insert(L, -2);
  if (t == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "balanced")) {
    if (!ds) lvfl_error(L, "%s: class_weights = \"balanced\" needs a dataset, not an iterator (give the weights)", c->fname);
    balanced(L, c, ds, kind, k, w);
  } else if (t == LUA_TTABLE) {
    if (lua_rawlen(L, -1) != k)
      lvfl_error(L, "%s: option 'class_weights' must have %u weights (one per class, 1-based: class id + 1), got %d",
                 c->fname, k, (int)lua_rawlen(L, -1));
    for (uint32_t j = 0; j < k; j++) {
      lua_rawgeti(L, -1, (lua_Integer)j + 1);
      int isnum = 0;
      double v = lua_tonumberx(L, -1, &isnum);
      lua_pop(L, 1);
      if (!isnum || !(v >= 0) || v > 1e30)
        lvfl_error(L, "%s: class_weights[%u] must be a number >= 0", c->fname, j + 1);
      w[j] = (float)v;
    }
  } else {
    lvfl_error(L, "%s: option 'class_weights' must be a table of weights or \"balanced\", got %s", c->fname,
               lvfl_typename(L, -1));
  }
  lua_pop(L, 1);
  o->class_weights = w;
  o->n_class_weights = k;
}
