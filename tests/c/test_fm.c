/*
** test_fm.c -- the factorization machines (src/core/layers/fm.c, ffm.c)
** against the textbook double loop over the pairs i < j of a row, in
** double precision, on random rows (1 to 14 features, ids drawn with
** replacement so that some rows repeat an id, random values): FM with and
** without the linear term, on a sparse input and on a grouped one hashed
** into rows; FFM with and without it. Then: one AdaGrad step moves an FM
** the way a hand-written step does; a trained FM and FFM predict bit for
** bit the same after a save and a load; the layers' errors.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "layers/fm_common.h"
#include "rng.h"
#include "vfl.h"

#define MAX_NNZ 14
#define FIELDS 4

typedef struct row {
  uint32_t n, idx[MAX_NNZ];
  float val[MAX_NNZ];
} row;

typedef struct model {
  float *v, w0;      /* block 0 (rows x cols) and the bias */
  uint32_t rows, cols, k, lin, bits, ffm;
} model;

/* A random row: ids below dim (grouped: field << 24 | id below 2^10). */
static row random_row(vfl_rng *rng, uint32_t dim, int grouped) {
  row r;
  r.n = 1 + (uint32_t)vfl_rng_below(rng, MAX_NNZ);
  for (uint32_t j = 0; j < r.n; j++) {
    r.idx[j] = grouped ? vfl_group_index((uint32_t)vfl_rng_below(rng, FIELDS), (uint32_t)vfl_rng_below(rng, 1024))
                       : (uint32_t)vfl_rng_below(rng, dim);
    r.val[j] = (float)(4.0 * vfl_rng_uniform(rng) - 2.0);
  }
  return r;
}

static const float *row_of(const model *m, uint32_t id) { return m->v + (size_t)fm_row(m->bits, id) * m->cols; }

/* The definition, O(nnz^2 k), in double. */
static double naive(const model *m, const row *r) {
  double y = m->lin ? m->w0 : 0.0;
  for (uint32_t i = 0; i < r->n; i++) {
    if (m->lin) y += (double)row_of(m, r->idx[i])[0] * r->val[i];
    for (uint32_t j = i + 1; j < r->n; j++) {
      const float *vi = row_of(m, r->idx[i]) + m->lin, *vj = row_of(m, r->idx[j]) + m->lin;
      if (m->ffm) {
        vi += (r->idx[j] >> 24) * m->k;
        vj += (r->idx[i] >> 24) * m->k;
      }
      double dot = 0;
      for (uint32_t f = 0; f < m->k; f++) dot += (double)vi[f] * vj[f];
      y += dot * r->val[i] * r->val[j];
    }
  }
  return y;
}

static model read_model(const vfl_net *net, const vfl_layer_spec *s, int ffm) {
  model m = {0};
  CHECK_OK(vfl_net_param_shape(net, "fm", 0, &m.rows, &m.cols));
  m.v = malloc((size_t)m.rows * m.cols * sizeof(float));
  CHECK_OK(vfl_net_param_get(net, "fm", 0, m.v));
  if (s->intercept) CHECK_OK(vfl_net_param_get(net, "fm", 1, &m.w0));
  m.k = s->dim;
  m.lin = s->intercept ? 1 : 0;
  m.bits = s->hash_bits;
  m.ffm = ffm;
  return m;
}

static vfl_net *fm_net(int input_kind, uint32_t dim, const vfl_layer_spec *s) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = input_kind, .dim = dim};
  CHECK_OK(vfl_net_stack(net, "x", &in));
  CHECK_OK(vfl_net_stack(net, "fm", s));
  CHECK_OK(vfl_net_init(net, 0.5f, 7)); /* large factors: the pairs dominate */
  return net;
}

/* 200 random rows: the layer's output against the double loop. */
static void against_naive(int input_kind, uint32_t dim, const vfl_layer_spec *s, const char *what) {
  vfl_net *net = fm_net(input_kind, dim, s);
  model m = read_model(net, s, s->kind == VFL_LAYER_FFM);
  vfl_rng rng;
  vfl_rng_seed(&rng, 42);
  int bad = 0, repeats = 0;
  for (int t = 0; t < 200; t++) {
    row r = random_row(&rng, dim, input_kind == VFL_INPUT_GROUPED);
    for (uint32_t i = 0; i < r.n; i++)
      for (uint32_t j = i + 1; j < r.n; j++) repeats += fm_row(m.bits, r.idx[i]) == fm_row(m.bits, r.idx[j]);
    vfl_features f = {r.n, r.idx, r.val};
    float out;
    CHECK_OK(vfl_net_forward(net, &f, 1, &out));
    double want = naive(&m, &r);
    if (fabs(out - want) > 1e-4 * (1 + fabs(want)) && bad++ < 3)
      fprintf(stderr, "%s: row %d (%u features): %.7f, the double loop %.7f\n", what, t, r.n, (double)out, want);
  }
  printf("%s: 200 rows (%d pairs sharing a row) match the double loop\n", what, repeats);
  CHECK(bad == 0);
  CHECK(repeats > 0);
  free(m.v);
  vfl_net_free(net);
}

/* One example, batch 1, AdaGrad (lr 0.1, eps 1e-8 after the state starts
** at 0): each row moves by -lr g / sqrt(g^2) = -lr sign(g) on its first
** step, g = dy x (s_f - v_f x) with dy = y - label (square loss). */
static void one_adagrad_step(void) {
  vfl_layer_spec s = {.kind = VFL_LAYER_FM, .dim = 4, .intercept = 1};
  vfl_net *net = fm_net(VFL_INPUT_SPARSE, 20, &s);
  model before = read_model(net, &s, 0);
  uint32_t idx[3] = {2, 9, 15};
  float val[3] = {1.0f, -0.5f, 2.0f}, label = 3.0f, y;
  vfl_features f = {3, idx, val};
  CHECK_OK(vfl_net_forward(net, &f, 1, &y));
  vfl_dataset *ds = vfl_dataset_new(1);
  CHECK(vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 20) >= 0);
  vfl_row one = {&label, 1, 1.0f, &f, 1};
  CHECK_OK(vfl_dataset_append(ds, &one));
  vfl_loss_spec loss = {VFL_LOSS_SQUARE, NULL, NULL};
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.optim = (vfl_optim_spec){.kind = VFL_OPTIM_ADAGRAD, .lr = 0.1f, .eps = 1e-8f};
  CHECK_OK(vfl_net_learn(net, ds, &loss, &o));
  model after = read_model(net, &s, 0);
  double dy = (double)y - label, sums[4] = {0, 0, 0, 0};
  for (int j = 0; j < 3; j++)
    for (int c = 0; c < 4; c++) sums[c] += (double)before.v[idx[j] * 5 + 1 + c] * val[j];
  int bad = 0;
  for (int j = 0; j < 3; j++)
    for (int c = 0; c < 5; c++) {
      const float *v = before.v + idx[j] * 5;
      double g = dy * val[j] * (c == 0 ? 1.0 : sums[c - 1] - v[c] * val[j]);
      double moved = (double)after.v[idx[j] * 5 + c] - v[c], want = g > 0 ? -0.1 : 0.1;
      if (fabs(moved - want) > 1e-4 && bad++ < 3) fprintf(stderr, "row %u col %d moved %.6f, want %.6f\n", idx[j], c, moved, want);
    }
  CHECK(bad == 0);
  CHECK_NEAR(after.w0 - before.w0, dy > 0 ? -0.1 : 0.1, 1e-4);
  for (uint32_t r = 0; r < 20; r++)
    if (r != 2 && r != 9 && r != 15) CHECK(memcmp(after.v + r * 5, before.v + r * 5, 5 * sizeof(float)) == 0);
  free(before.v);
  free(after.v);
  vfl_dataset_free(ds);
  vfl_net_free(net);
}

/* A trained FM and FFM, saved and loaded, give the same bits on random rows. */
static void save_and_load(int input_kind, uint32_t dim, const vfl_layer_spec *s, const char *what) {
  vfl_net *net = fm_net(input_kind, dim, s);
  vfl_rng rng;
  vfl_rng_seed(&rng, 5);
  vfl_dataset *ds = vfl_dataset_new(1);
  CHECK(vfl_dataset_add_input(ds, "x", input_kind, dim) >= 0);
  row rows[50];
  for (int t = 0; t < 50; t++) {
    rows[t] = random_row(&rng, dim, input_kind == VFL_INPUT_GROUPED);
    float label = (float)(t % 3);
    vfl_features f = {rows[t].n, rows[t].idx, rows[t].val};
    vfl_row r = {&label, 1, 1.0f, &f, 1};
    CHECK_OK(vfl_dataset_append(ds, &r));
  }
  vfl_loss_spec loss = {VFL_LOSS_SQUARE, NULL, NULL};
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 2;
  CHECK_OK(vfl_net_learn(net, ds, &loss, &o));
  const char *path = t_tmp_path("fm.vfl");
  CHECK_OK(vfl_model_save(net, path));
  vfl_net *back = NULL;
  CHECK_OK(vfl_model_load(path, &back));
  int same = 0;
  for (int t = 0; back && t < 50; t++) {
    vfl_features f = {rows[t].n, rows[t].idx, rows[t].val};
    float a, b;
    CHECK_OK(vfl_net_predict(net, &f, 1, &a));
    CHECK_OK(vfl_net_predict(back, &f, 1, &b));
    same += memcmp(&a, &b, sizeof a) == 0;
  }
  char d1[64] = "", d2[64] = "";
  vfl_layer_spec s1, s2;
  CHECK_OK(vfl_net_layer_spec(net, 1, &s1));
  if (back) CHECK_OK(vfl_net_layer_spec(back, 1, &s2));
  vfl_layer_describe(&s1, d1, sizeof d1);
  if (back) vfl_layer_describe(&s2, d2, sizeof d2);
  printf("%s: %s saved and loaded as %s, %d of 50 predictions bit-identical\n", what, d1, d2, same);
  CHECK(same == 50);
  CHECK(strcmp(d1, d2) == 0);
  vfl_net_free(back);
  vfl_dataset_free(ds);
  vfl_net_free(net);
}

/* The messages: the layer and the argument named. */
static void errors(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec g = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_GROUPED, .dim = 3u << 24};
  vfl_layer_spec d = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_DENSE, .dim = 4};
  vfl_layer_spec zero = {.kind = VFL_LAYER_FM, .dim = 0}, wide = {.kind = VFL_LAYER_FFM, .dim = 2000};
  vfl_layer_spec bits = {.kind = VFL_LAYER_FM, .dim = 4, .hash_bits = 32};
  CHECK_ERR(vfl_net_add(net, "fm", &zero), VFL_EINVAL, "layer 'fm': the number of factors k = 0 must be between 1 and 1024");
  CHECK_ERR(vfl_net_add(net, "ffm", &wide), VFL_EINVAL, "layer 'ffm': the number of factors k = 2000 must be between 1 and 1024");
  CHECK_ERR(vfl_net_add(net, "fm", &bits), VFL_EINVAL, "layer 'fm': hash bits 32 must be between 1 and 31 (0: one row per id)");
  vfl_layer_spec fm = {.kind = VFL_LAYER_FM, .dim = 4}, ffm = {.kind = VFL_LAYER_FFM, .dim = 4};
  CHECK_OK(vfl_net_stack(net, "g", &g));
  CHECK_OK(vfl_net_stack(net, "fm", &fm));
  CHECK_ERR(vfl_net_init(net, -1, 1), VFL_EINVAL,
            "layer 'fm': its parent 'g' has 50331648 ids, too many for one row each; give bits to hash them into 2^bits rows");
  vfl_net_free(net);
  net = vfl_net_new();
  CHECK_OK(vfl_net_stack(net, "d", &d));
  CHECK_OK(vfl_net_stack(net, "fm", &fm));
  CHECK_ERR(vfl_net_init(net, -1, 1), VFL_EINVAL, "layer 'fm': an fm layer's parent must be sparse or grouped, 'd' is dense");
  vfl_net_free(net);
  net = vfl_net_new();
  vfl_layer_spec sp = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 4};
  CHECK_OK(vfl_net_stack(net, "s", &sp));
  CHECK_OK(vfl_net_stack(net, "ffm", &ffm));
  CHECK_ERR(vfl_net_init(net, -1, 1), VFL_EINVAL,
            "layer 'ffm': an ffm layer's parent must be a grouped input (its groups are the fields), 's' is not");
  vfl_net_free(net);
}

int main(void) {
  vfl_layer_spec fm = {.kind = VFL_LAYER_FM, .dim = 5, .intercept = 1};
  against_naive(VFL_INPUT_SPARSE, 40, &fm, "fm(5), sparse input");
  fm.intercept = 0;
  against_naive(VFL_INPUT_SPARSE, 40, &fm, "fm(5, pairwise only), sparse input");
  fm.intercept = 1;
  fm.hash_bits = 6;
  against_naive(VFL_INPUT_GROUPED, FIELDS << 24, &fm, "fm(5, 6 bits), grouped input");
  vfl_layer_spec ffm = {.kind = VFL_LAYER_FFM, .dim = 3, .intercept = 1, .hash_bits = 7};
  against_naive(VFL_INPUT_GROUPED, FIELDS << 24, &ffm, "ffm(3, 7 bits)");
  ffm.intercept = 0;
  against_naive(VFL_INPUT_GROUPED, FIELDS << 24, &ffm, "ffm(3, pairwise only, 7 bits)");
  one_adagrad_step();
  fm.hash_bits = 0;
  save_and_load(VFL_INPUT_SPARSE, 40, &fm, "fm");
  ffm.hash_bits = 9;
  save_and_load(VFL_INPUT_GROUPED, FIELDS << 24, &ffm, "ffm");
  errors();
  return t_done("test_fm");
}
