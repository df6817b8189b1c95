/*
** test_gradcheck.c -- backward against central finite differences, for
** every registered layer kind (each example its record gives, in a net
** built around it: a kind added to the list is checked with no new code
** here), every loss, a layer with two parents, and the priors' steps. The
** analytic gradient is read from the mini-batch accumulators that the real
** backward pass fills; the numeric one perturbs each weight in the net
** itself, with the dropout RNG re-seeded so that the mask is fixed.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "layer.h"
#include "loss.h"
#include "optim.h"
#include "net.h"
#include "vfl.h"
#include "work.h"

typedef struct example {
  vfl_features in[4];
  uint32_t n_in;
  float labels[8];
  uint32_t n_labels;
  int loss;
} example;

static double run_loss(vfl_work *w, const example *ex, uint64_t seed, int backprop) {
  vfl_rng_seed(&w->rng, seed);
  for (uint32_t k = 0; k < ex->n_in; k++) work_bind_input(w, k, &ex->in[k]);
  work_forward(w);
  uint32_t out = w->net->output, n = w->net->layers[out].dim;
  float grad[64];
  double loss = loss_builtin(ex->loss, w->act[out], n, ex->labels, grad);
  if (backprop) {
    for (uint32_t j = 0; j < n; j++) w->grad[out][j] = grad[j];
    work_backward(w);
  }
  return loss;
}

/* Compares every weight of every block: touched rows against the
** accumulated gradient, untouched ones against zero. */
static int check_net(vfl_net *net, const example *ex, const char *what) {
  vfl_work *w = work_new(net);
  uint32_t most[4];
  for (uint32_t k = 0; k < ex->n_in; k++) most[k] = ex->in[k].n;
  vfl_optim_spec sgd = {.kind = VFL_OPTIM_SGD, .lr = 1.0f};
  CHECK_OK(work_prepare_training(w, 2, &sgd, 5, most));
  w->training = 1;
  run_loss(w, ex, 99, 1);
  int bad = 0, checked = 0;
  for (uint32_t i = 0; i < net->n_layers; i++) {
    vfl_layer *l = &net->layers[i];
    for (uint32_t b = 0; b < l->n_blocks; b++) {
      vfl_param *p = &l->blocks[b];
      for (uint32_t r = 0; r < p->rows; r++) {
        const float *g = work_accum_find(w, i, b, r);
        for (uint32_t c = 0; c < p->cols; c++) {
          float *x = param_row(p, r) + c, saved = *x;
          const float eps = 1e-2f;
          *x = saved + eps;
          double up = run_loss(w, ex, 99, 0);
          *x = saved - eps;
          double down = run_loss(w, ex, 99, 0);
          *x = saved;
          double numeric = (up - down) / (2 * eps), analytic = g ? g[c] : 0.0;
          checked++;
          if (fabs(numeric - analytic) > 2e-3 + 2e-2 * fabs(numeric)) {
            if (bad++ < 5)
              fprintf(stderr, "%s: layer %s block %u row %u col %u: analytic %.6f numeric %.6f\n", what, l->name, b, r, c,
                      analytic, numeric);
          }
        }
      }
    }
  }
  work_free(w);
  CHECK(bad == 0);
  CHECK(checked > 0);
  return bad;
}

static vfl_layer_spec input(int kind, uint32_t dim) { return (vfl_layer_spec){.kind = VFL_LAYER_INPUT, .input_kind = kind, .dim = dim}; }
static vfl_layer_spec linear(uint32_t dim, int intercept) {
  return (vfl_layer_spec){.kind = VFL_LAYER_LINEAR, .dim = dim, .intercept = intercept};
}
static vfl_layer_spec act(int kind) { return (vfl_layer_spec){.kind = kind}; }

static uint32_t sp_idx[3][6] = {{1, 4, 7, 9}, {0, 2, 5}, {3, 6}};
static float sp_val[3][6] = {{0.5f, -1.2f, 0.8f, 2.0f}, {1.0f, 0.3f, -0.7f}, {1.5f, -0.4f}};
/* A row that repeats indices: 1 three times (twice with one value: a tie
** of a row with itself, harmless to a max), 4 twice with other values. */
static uint32_t rep_idx[6] = {1, 4, 1, 7, 4, 1};
static float rep_val[6] = {0.5f, -1.2f, 0.8f, 2.0f, 0.3f, 0.5f};
static float dense_val[6] = {0.3f, -0.8f, 1.1f, 0.05f, -0.6f, 0.9f};

static void sparse_to_linear_square(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec s = input(VFL_INPUT_SPARSE, 10), l = linear(3, 1);
  CHECK_OK(vfl_net_stack(net, "x", &s));
  CHECK_OK(vfl_net_stack(net, "out", &l));
  CHECK_OK(vfl_net_init(net, 0.5f, 3));
  example ex = {{{4, sp_idx[0], sp_val[0]}}, 1, {0.5f, -1.0f, 2.0f}, 3, VFL_LOSS_SQUARE};
  check_net(net, &ex, "sparse->linear, square");
  vfl_net_free(net);
}

/* Every activation, a mean-of-rows embedding bag, each loss. */
static void hidden_layers(int activation, int loss, uint32_t outs, float label, const char *what) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec s = input(VFL_INPUT_SPARSE, 10), a = act(activation), o = linear(outs, 1);
  vfl_layer_spec h = {.kind = VFL_LAYER_EMBEDDING, .dim = 5, .intercept = 1, .pool = VFL_POOL_MEAN};
  CHECK_OK(vfl_net_stack(net, "x", &s));
  CHECK_OK(vfl_net_stack(net, "h", &h));
  CHECK_OK(vfl_net_stack(net, "act", &a));
  CHECK_OK(vfl_net_stack(net, "out", &o));
  CHECK_OK(vfl_net_init(net, 0.7f, 11));
  example ex = {{{4, sp_idx[0], sp_val[0]}}, 1, {label}, 1, loss};
  check_net(net, &ex, what);
  vfl_net_free(net);
}

/* A layer with a sparse and a dense parent, and a layer whose two parents
** are hidden layers: gradients must add up where paths meet. */
static void two_parents(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec s = input(VFL_INPUT_SPARSE, 8), d = input(VFL_INPUT_DENSE, 6);
  vfl_layer_spec h1 = linear(4, 1), h2 = linear(3, 0), t = act(VFL_LAYER_TANH), r = act(VFL_LAYER_SIGMOID);
  vfl_layer_spec o = linear(3, 1);
  CHECK_OK(vfl_net_add(net, "s", &s));
  CHECK_OK(vfl_net_add(net, "d", &d));
  CHECK_OK(vfl_net_add(net, "h1", &h1));
  CHECK_OK(vfl_net_add(net, "h2", &h2));
  CHECK_OK(vfl_net_add(net, "t", &t));
  CHECK_OK(vfl_net_add(net, "r", &r));
  CHECK_OK(vfl_net_add(net, "out", &o));
  CHECK_OK(vfl_net_wire(net, "s", "h1"));
  CHECK_OK(vfl_net_wire(net, "d", "h1"));
  CHECK_OK(vfl_net_wire(net, "d", "h2"));
  CHECK_OK(vfl_net_wire(net, "h1", "t"));
  CHECK_OK(vfl_net_wire(net, "h2", "r"));
  CHECK_OK(vfl_net_wire(net, "t", "out"));
  CHECK_OK(vfl_net_wire(net, "r", "out"));
  CHECK_OK(vfl_net_wire(net, "s", "out"));
  CHECK_OK(vfl_net_init(net, 0.6f, 21));
  example ex = {{{3, sp_idx[1], sp_val[1]}, {6, NULL, dense_val}}, 2, {2}, 1, VFL_LOSS_MULTINOMIAL};
  check_net(net, &ex, "two parents, multinomial");
  vfl_net_free(net);
}

/* Dense input through SELU, ReLU and dropout (mask held fixed). */
static void dense_stack_with_dropout(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec d = input(VFL_INPUT_DENSE, 6), h = linear(7, 1), se = act(VFL_LAYER_SELU), h2 = linear(7, 1);
  vfl_layer_spec re = act(VFL_LAYER_RELU), dr = {.kind = VFL_LAYER_DROPOUT, .rate = 0.3f}, o = linear(2, 1);
  CHECK_OK(vfl_net_stack(net, "d", &d));
  CHECK_OK(vfl_net_stack(net, "h", &h));
  CHECK_OK(vfl_net_stack(net, "selu", &se));
  CHECK_OK(vfl_net_stack(net, "h2", &h2));
  CHECK_OK(vfl_net_stack(net, "relu", &re));
  CHECK_OK(vfl_net_stack(net, "drop", &dr));
  CHECK_OK(vfl_net_stack(net, "out", &o));
  CHECK_OK(vfl_net_init(net, 0.8f, 5));
  example ex = {{{6, NULL, dense_val}}, 1, {0.7f, -0.2f}, 2, VFL_LOSS_SQUARE};
  check_net(net, &ex, "dense selu relu dropout, square");
  vfl_net_free(net);
}

/* Groups 0, 1 (three features) and 2, so that pairs, triples and crosses
** of four all have products to emit. */
static uint32_t grouped_idx[5];
static float grouped_val[5] = {1.0f, 0.5f, -2.0f, 0.7f, 1.5f};

/* Input -> (linear -> tanh, for a dense parent) -> the kind -> linear(2);
** for a pair of parents, two inputs (sparse), or the dense input through
** two hidden layers of width 5 (tanh and sigmoid). */
static void check_kind_example(const layer_ops *k, uint32_t e, const vfl_layer_spec *spec, int parent) {
  vfl_net *net = vfl_net_new();
  int dense = parent == LAYER_PARENT_DENSE || parent == LAYER_PARENT_DENSE_PAIR;
  vfl_layer_spec in = dense                             ? input(VFL_INPUT_DENSE, 6)
                      : parent == LAYER_PARENT_GROUPED ? input(VFL_INPUT_GROUPED, 1u << 30)
                                                       : input(VFL_INPUT_SPARSE, 10);
  vfl_layer_spec h = linear(5, 1), t = act(VFL_LAYER_TANH), s = act(VFL_LAYER_SIGMOID), o = linear(2, 1);
  CHECK_OK(vfl_net_add(net, "in", &in));
  CHECK_OK(vfl_net_add(net, "kind", spec));
  CHECK_OK(vfl_net_add(net, "out", &o));
  CHECK_OK(vfl_net_wire(net, "kind", "out"));
  if (dense) {
    CHECK_OK(vfl_net_add(net, "h", &h));
    CHECK_OK(vfl_net_add(net, "tanh", &t));
    CHECK_OK(vfl_net_wire(net, "in", "h"));
    CHECK_OK(vfl_net_wire(net, "h", "tanh"));
    CHECK_OK(vfl_net_wire(net, "tanh", "kind"));
  } else {
    CHECK_OK(vfl_net_wire(net, "in", "kind"));
  }
  if (parent == LAYER_PARENT_DENSE_PAIR) {
    CHECK_OK(vfl_net_add(net, "h2", &h));
    CHECK_OK(vfl_net_add(net, "sigmoid", &s));
    CHECK_OK(vfl_net_wire(net, "in", "h2"));
    CHECK_OK(vfl_net_wire(net, "h2", "sigmoid"));
    CHECK_OK(vfl_net_wire(net, "sigmoid", "kind"));
  }
  if (parent == LAYER_PARENT_SPARSE_PAIR) {
    vfl_layer_spec in2 = input(VFL_INPUT_SPARSE, 8);
    CHECK_OK(vfl_net_add(net, "in2", &in2));
    CHECK_OK(vfl_net_wire(net, "in2", "kind"));
  }
  CHECK_OK(vfl_net_init(net, 0.6f, 17 + e));
  example ex = {{{4, sp_idx[0], sp_val[0]}, {6, rep_idx, rep_val}}, 1, {1.0f, -0.5f}, 2, VFL_LOSS_SQUARE};
  if (dense) ex.in[0] = (vfl_features){6, NULL, dense_val};
  if (parent == LAYER_PARENT_GROUPED) ex.in[0] = (vfl_features){5, grouped_idx, grouped_val};
  if (parent == LAYER_PARENT_SPARSE_REPEATS) ex.in[0] = (vfl_features){6, rep_idx, rep_val};
  if (parent == LAYER_PARENT_SPARSE_PAIR) ex.n_in = 2;
  char what[96];
  snprintf(what, sizeof what, "kind %s, example %u", k->name, e + 1);
  printf("gradient check: %s\n", what);
  check_net(net, &ex, what);
  vfl_net_free(net);
}

static void every_kind(void) {
  uint32_t ids[5][2] = {{0, 11}, {1, 5}, {1, 77}, {1, 90}, {2, 3}};
  for (int j = 0; j < 5; j++) grouped_idx[j] = vfl_group_index(ids[j][0], ids[j][1]);
  const layer_ops *const *kinds;
  uint32_t n = layer_kinds(&kinds), checked = 0;
  for (uint32_t i = 0; i < n; i++) {
    vfl_layer_spec spec;
    int parent;
    for (uint32_t e = 0; memset(&spec, 0, sizeof spec), spec.kind = kinds[i]->kind, kinds[i]->example(e, &spec, &parent); e++) {
      if (parent == LAYER_PARENT_NONE) continue; /* an input: the first layer of every net here */
      check_kind_example(kinds[i], e, &spec, parent);
      checked++;
    }
  }
  CHECK(checked >= n);
}

/* The step a prior adds to plain SGD (lr, zero loss gradient) is -lr times
** the gradient of its penalty, by finite differences, for L2 (global, per
** feature times lambda, centred) and L1 centred on a matrix away from its
** kink; at the kink L1 stops on the centre, and positivity holds the floor. */
static double penalty(const vfl_prior_spec *p, uint32_t r, uint32_t c, uint32_t cols, double w) {
  double centre = p->center ? p->center[r * cols + c] : 0.0, d = w - centre;
  if (p->kind == VFL_PRIOR_L1) return p->lambda * fabs(d);
  return 0.5 * p->lambda * (p->per_row ? p->per_row[r] : 1.0) * d * d;
}

static void prior_step(const vfl_prior_spec *p, const char *what) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec s = input(VFL_INPUT_SPARSE, 4), l = linear(3, 0);
  CHECK_OK(vfl_net_stack(net, "x", &s));
  CHECK_OK(vfl_net_stack(net, "out", &l));
  CHECK_OK(vfl_net_add_prior(net, "out", p)); /* before init: the shapes are known once wired */
  CHECK_OK(vfl_net_init(net, 0.8f, 4));
  vfl_layer *lay = &net->layers[1];
  vfl_optim_spec sgd = {.kind = VFL_OPTIM_SGD, .lr = 1e-3f};
  vfl_rule rule;
  rule_resolve(&rule, &sgd, lay, 0);
  int bad = 0;
  for (uint32_t r = 0; r < 4; r++) {
    float *row = param_row(&lay->blocks[0], r), before[3], g[3] = {0, 0, 0};
    memcpy(before, row, sizeof before);
    rule_apply(&rule, row, g, 3, r);
    for (uint32_t c = 0; c < 3; c++) {
      double h = 1e-3, numeric = (penalty(p, r, c, 3, before[c] + h) - penalty(p, r, c, 3, before[c] - h)) / (2 * h);
      double step = (before[c] - row[c]) / 1e-3;
      if (fabs(step - numeric) > 2e-3 + 1e-2 * fabs(numeric)) {
        if (bad++ < 3) fprintf(stderr, "%s: row %u col %u: step/lr %.6f, penalty gradient %.6f\n", what, r, c, step, numeric);
      }
    }
  }
  CHECK(bad == 0);
  vfl_net_free(net);
}

static void priors(void) {
  float per_row[4] = {1.0f, 2.0f, 0.5f, 4.0f}, center[12];
  for (int i = 0; i < 12; i++) center[i] = 0.9f - 0.15f * (float)i; /* far from the weights (|w| <= 0.8 * 0.01 .. 0.8) */
  for (int i = 0; i < 12; i++) center[i] += center[i] >= 0 ? 1.0f : -1.0f;
  vfl_prior_spec l2 = {.kind = VFL_PRIOR_L2, .lambda = 0.3f, .parent = -1, .per_row = NULL, .center = NULL, .floor = 0};
  vfl_prior_spec l2_each = {.kind = VFL_PRIOR_L2, .lambda = 0.5f, .parent = -1, .per_row = per_row, .center = NULL, .floor = 0}; /* strength 0.5 x multiplier (issue 11, defect 2) */
  vfl_prior_spec l2_centred = {.kind = VFL_PRIOR_L2, .lambda = 0.7f, .parent = -1, .per_row = per_row, .center = center, .floor = 0};
  vfl_prior_spec l1_centred = {.kind = VFL_PRIOR_L1, .lambda = 0.4f, .parent = -1, .per_row = NULL, .center = center, .floor = 0};
  prior_step(&l2, "L2");
  prior_step(&l2_each, "L2 per feature");
  prior_step(&l2_centred, "L2 per feature, centred");
  prior_step(&l1_centred, "L1 centred");

  /* At the kink: a step larger than the distance lands on the centre. */
  vfl_net *net = vfl_net_new();
  vfl_layer_spec s = input(VFL_INPUT_SPARSE, 4), l = linear(3, 0);
  CHECK_OK(vfl_net_stack(net, "x", &s));
  CHECK_OK(vfl_net_stack(net, "out", &l));
  CHECK_OK(vfl_net_init(net, 0.8f, 4));
  vfl_layer *lay = &net->layers[1];
  float *row = param_row(&lay->blocks[0], 0), near[12], g[3] = {0, 0, 0};
  for (int i = 0; i < 12; i++) near[i] = i < 3 ? row[i] + 0.01f : 0.0f;
  vfl_prior_spec snap = {.kind = VFL_PRIOR_L1, .lambda = 100.0f, .parent = -1, .per_row = NULL, .center = near, .floor = 0};
  CHECK_OK(vfl_net_add_prior(net, "out", &snap));
  vfl_optim_spec sgd = {.kind = VFL_OPTIM_SGD, .lr = 1e-3f};
  vfl_rule rule;
  rule_resolve(&rule, &sgd, lay, 0);
  rule_apply(&rule, row, g, 3, 0);
  for (int c = 0; c < 3; c++) CHECK(row[c] == near[c]);

  vfl_net_free(net);

  /* Positivity with a floor: below it a weight is lifted to it, above it left alone. */
  net = vfl_net_new();
  CHECK_OK(vfl_net_stack(net, "x", &s));
  CHECK_OK(vfl_net_stack(net, "out", &l));
  vfl_prior_spec floor = {.kind = VFL_PRIOR_POSITIVE, .lambda = 0, .parent = -1, .per_row = NULL, .center = NULL, .floor = 0.25f};
  CHECK_OK(vfl_net_add_prior(net, "out", &floor));
  CHECK_OK(vfl_net_init(net, 0.8f, 4));
  rule_resolve(&rule, &sgd, &net->layers[1], 0);
  float w[3] = {-1.0f, 0.1f, 0.6f};
  rule_apply(&rule, w, g, 3, 1);
  CHECK(w[0] == 0.25f && w[1] == 0.25f && w[2] == 0.6f);
  vfl_net_free(net);
}

/* How many features crosses emit: the 5 originals, then (0, 1, 2): 1 x 3 x 1
** products and (1, 1, 2): 3 pairs within group 1 times 1. Sparse dropout
** keeps some of them while training and all at inference. */
static void cross_and_sparse_dropout_counts(void) {
  vfl_net *net = vfl_net_new();
  uint32_t triples[] = {0, 1, 2, 1, 1, 2};
  vfl_layer_spec g = input(VFL_INPUT_GROUPED, 1u << 30), o = linear(1, 1);
  vfl_layer_spec x = {.kind = VFL_LAYER_CROSS, .cross_bits = 20, .cross_order = 3, .n_crosses = 2, .crosses = triples};
  vfl_layer_spec d = {.kind = VFL_LAYER_DROPOUT, .rate = 0.5f};
  CHECK_OK(vfl_net_stack(net, "g", &g));
  CHECK_OK(vfl_net_stack(net, "cross", &x));
  CHECK_OK(vfl_net_stack(net, "drop", &d));
  CHECK_OK(vfl_net_stack(net, "out", &o));
  CHECK_OK(vfl_net_init(net, 0.5f, 8));
  vfl_work *w = work_new(net);
  uint32_t most = 5;
  vfl_optim_spec sgd = {.kind = VFL_OPTIM_SGD, .lr = 0.1f};
  CHECK_OK(work_prepare_training(w, 1, &sgd, 3, &most));
  vfl_features f = {5, grouped_idx, grouped_val};
  work_bind_input(w, 0, &f);
  work_forward(w);
  CHECK(w->feat[1].n == 5 + 3 + 3);
  CHECK(w->feat[2].n == w->feat[1].n); /* not training: all kept */
  w->training = 1;
  uint32_t kept = 0;
  for (int rep = 0; rep < 50; rep++) {
    work_forward(w);
    kept += w->feat[2].n;
    for (uint32_t j = 0; j < w->feat[2].n; j++) CHECK(fabsf(w->feat[2].value[j]) > 0);
  }
  printf("sparse dropout at 0.5 kept %u of %u features\n", kept, 50 * 11);
  CHECK(kept > 150 && kept < 400);
  work_free(w);
  vfl_net_free(net);
}

/* Each built-in loss's gradient against its own finite differences. */
static void losses(void) {
  int kinds[] = {VFL_LOSS_LOGISTIC, VFL_LOSS_SQUARE, VFL_LOSS_MULTINOMIAL, VFL_LOSS_HINGE};
  uint32_t outs[] = {1, 3, 4, 1};
  float labels[][3] = {{1}, {0.5f, -1, 2}, {2}, {-1}};
  for (int k = 0; k < 4; k++) {
    float out[4] = {0.3f, -0.2f, 0.9f, 0.1f}, grad[4], tmp[4];
    double loss, up, down;
    CHECK_OK(vfl_loss_eval(kinds[k], out, outs[k], labels[k], kinds[k] == VFL_LOSS_SQUARE ? 3 : 1, grad, &loss));
    for (uint32_t j = 0; j < outs[k]; j++) {
      float saved = out[j];
      out[j] = saved + 1e-3f;
      vfl_loss_eval(kinds[k], out, outs[k], labels[k], kinds[k] == VFL_LOSS_SQUARE ? 3 : 1, tmp, &up);
      out[j] = saved - 1e-3f;
      vfl_loss_eval(kinds[k], out, outs[k], labels[k], kinds[k] == VFL_LOSS_SQUARE ? 3 : 1, tmp, &down);
      out[j] = saved;
      CHECK_NEAR(grad[j], (up - down) / 2e-3, 1e-3);
    }
  }
  float out = 0.5f, label = 2, grad;
  double loss;
  CHECK_ERR(vfl_loss_eval(VFL_LOSS_HINGE, &out, 1, &label, 1, &grad, &loss), VFL_EINVAL,
            "row 1: label 2 is not binary (the hinge loss takes 0/1 or -1/+1)");
}

int main(void) {
  sparse_to_linear_square();
  hidden_layers(VFL_LAYER_TANH, VFL_LOSS_LOGISTIC, 1, 1, "tanh, logistic");
  hidden_layers(VFL_LAYER_SIGMOID, VFL_LOSS_HINGE, 1, -1, "sigmoid, hinge");
  hidden_layers(VFL_LAYER_RELU, VFL_LOSS_MULTINOMIAL, 4, 3, "relu, multinomial");
  hidden_layers(VFL_LAYER_SELU, VFL_LOSS_LOGISTIC, 1, 0, "selu, logistic");
  two_parents();
  dense_stack_with_dropout();
  every_kind();
  cross_and_sparse_dropout_counts();
  priors();
  losses();
  return t_done("test_gradcheck");
}
