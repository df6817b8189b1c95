/*
** test_gradcheck.c -- backward against central finite differences, for
** every layer kind and loss, sparse and dense parents, and a layer with two
** parents. The analytic gradient is read from the mini-batch accumulators
** that the real backward pass fills; the numeric one perturbs each weight in
** the net itself, with the dropout RNG re-seeded so that the mask is fixed.
*/
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "loss.h"
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
  vfl_optim_spec sgd = {VFL_OPTIM_SGD, 1.0f, 0, 0, 0};
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
static vfl_layer_spec linear(uint32_t dim, int intercept, int mean) {
  return (vfl_layer_spec){.kind = VFL_LAYER_LINEAR, .dim = dim, .intercept = intercept, .mean = mean};
}
static vfl_layer_spec act(int kind) { return (vfl_layer_spec){.kind = kind}; }

static uint32_t sp_idx[3][6] = {{1, 4, 7, 9}, {0, 2, 5}, {3, 6}};
static float sp_val[3][6] = {{0.5f, -1.2f, 0.8f, 2.0f}, {1.0f, 0.3f, -0.7f}, {1.5f, -0.4f}};
static float dense_val[6] = {0.3f, -0.8f, 1.1f, 0.05f, -0.6f, 0.9f};

static void sparse_to_linear_square(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec s = input(VFL_INPUT_SPARSE, 10), l = linear(3, 1, 0);
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
  vfl_layer_spec s = input(VFL_INPUT_SPARSE, 10), h = linear(5, 1, 1), a = act(activation), o = linear(outs, 1, 0);
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
  vfl_layer_spec h1 = linear(4, 1, 0), h2 = linear(3, 0, 0), t = act(VFL_LAYER_TANH), r = act(VFL_LAYER_SIGMOID);
  vfl_layer_spec o = linear(3, 1, 0);
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
  vfl_layer_spec d = input(VFL_INPUT_DENSE, 6), h = linear(7, 1, 0), se = act(VFL_LAYER_SELU), h2 = linear(7, 1, 0);
  vfl_layer_spec re = act(VFL_LAYER_RELU), dr = {.kind = VFL_LAYER_DROPOUT, .rate = 0.3f}, o = linear(2, 1, 0);
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

static void cross_layer(void) {
  vfl_net *net = vfl_net_new();
  uint32_t pairs[] = {0, 1, 1, 2};
  vfl_layer_spec g = input(VFL_INPUT_GROUPED, 1u << 30), x = {.kind = VFL_LAYER_CROSS, .cross_bits = 6, .n_crosses = 2, .crosses = pairs};
  vfl_layer_spec o = linear(2, 1, 0);
  CHECK_OK(vfl_net_stack(net, "g", &g));
  CHECK_OK(vfl_net_stack(net, "cross", &x));
  CHECK_OK(vfl_net_stack(net, "out", &o));
  CHECK_OK(vfl_net_init(net, 0.5f, 8));
  uint32_t idx[4] = {vfl_group_index(0, 11), vfl_group_index(1, 5), vfl_group_index(1, 77), vfl_group_index(2, 3)};
  float val[4] = {1.0f, 0.5f, -2.0f, 1.5f};
  example ex = {{{4, idx, val}}, 1, {1.0f, -1.0f}, 2, VFL_LOSS_SQUARE};
  check_net(net, &ex, "grouped -> cross -> linear");
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
  cross_layer();
  losses();
  return t_done("test_gradcheck");
}
