/*
** test_minibatch_plan.c -- a planned mini-batch (work_plan.c) steps each
** row of a wide sparse block at its last touch instead of in the flush. It
** must land where the flush does: the same nets, the same examples, once
** with the batch planned and once without, for every optimizer, indicator
** and real-valued rows, indices repeated within an example and across the
** batch, and a batch cut short. Also: which blocks get a plan, a failed
** batch leaves no sum behind, and the public trainer's result is exact.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "layer.h"
#include "loss.h"
#include "net.h"
#include "vfl.h"
#include "work.h"

#define WIDE 32 /* at least work_plan.c's PLAN_MIN_COLS */
#define N_EX 5

/* Five rows over 12 features: 3 in every row but one, 1 twice in row 1 and
** again in rows 3 and 4, 9 only in row 5, the others once or twice. */
static uint32_t ex_idx[N_EX][5] = {{1, 3, 1, 7}, {0, 3, 5}, {3, 11, 1}, {1, 2, 3, 8}, {9, 6}};
static float ex_val[N_EX][5] = {{0.5f, -1.2f, 0.8f, 2.0f}, {1.0f, 0.3f, -0.7f}, {1.5f, -0.4f, 0.25f},
                                {0.9f, -0.6f, 1.1f, 0.2f}, {-1.3f, 0.7f}};
static uint32_t ex_n[N_EX] = {4, 3, 3, 4, 2};

typedef enum { NET_LINEAR, NET_MLP, NET_BAG, NET_MAX, NET_NARROW } net_kind;

static vfl_net *build(net_kind kind) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec x = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 12};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = kind == NET_NARROW ? 10 : WIDE, .intercept = 1};
  if (kind == NET_BAG || kind == NET_MAX)
    h = (vfl_layer_spec){.kind = VFL_LAYER_EMBEDDING, .dim = WIDE, .pool = kind == NET_MAX ? VFL_POOL_MAX : VFL_POOL_SUM};
  vfl_layer_spec t = {.kind = VFL_LAYER_TANH}, out = {.kind = VFL_LAYER_LINEAR, .dim = 2, .intercept = 1};
  CHECK_OK(vfl_net_stack(net, "x", &x));
  CHECK_OK(vfl_net_stack(net, "h", &h));
  if (kind != NET_LINEAR) {
    CHECK_OK(vfl_net_stack(net, "t", &t));
    CHECK_OK(vfl_net_stack(net, "out", &out));
  }
  CHECK_OK(vfl_net_init(net, 0.5f, 17));
  return net;
}

/* Runs examples [from, to) as one batch of `batch` examples (cut short when
** to - from is smaller), planned or not; real values or indicators. */
static void run_batch(vfl_work *w, uint32_t from, uint32_t to, int planned, int real) {
  vfl_features f[N_EX];
  for (uint32_t e = from; e < to; e++) f[e] = (vfl_features){ex_n[e], ex_idx[e], real ? ex_val[e] : NULL};
  if (planned) {
    w->plan_size[0] = 0;
    for (uint32_t e = from; e < to; e++) w->plan_size[0] += f[e].n;
    work_plan_begin(w);
    for (uint32_t e = from; e < to; e++) work_plan_row(w, 0, &f[e]);
    work_plan_end(w, to - from);
  }
  uint32_t out = w->net->output, n = w->net->layers[out].dim;
  for (uint32_t e = from; e < to; e++) {
    float labels[WIDE], grad[WIDE];
    for (uint32_t j = 0; j < n; j++) labels[j] = (float)((e + j) % 3) - 1.0f;
    work_bind_input(w, 0, &f[e]);
    work_forward(w);
    loss_builtin(VFL_LOSS_SQUARE, w->act[out], n, labels, grad);
    memcpy(w->grad[out], grad, n * sizeof *grad);
    work_backward(w);
    w->in_batch++;
  }
  work_flush_batch(w);
}

static vfl_work *trainer_work(vfl_net *net, int optim, uint32_t batch) {
  vfl_work *w = work_new(net);
  uint32_t most[1] = {5};
  vfl_optim_spec o = {.kind = optim, .lr = 0.3f};
  CHECK_OK(work_prepare_training(w, batch, &o, 5, most));
  w->training = 1;
  return w;
}

/* Largest difference between the two nets' weights, over every block. */
static double weights_apart(const vfl_net *a, const vfl_net *b) {
  double worst = 0;
  for (uint32_t i = 0; i < a->n_layers; i++)
    for (uint32_t k = 0; k < a->layers[i].n_blocks; k++) {
      const vfl_param *pa = &a->layers[i].blocks[k], *pb = &b->layers[i].blocks[k];
      for (uint32_t r = 0; r < pa->rows; r++)
        for (uint32_t c = 0; c < pa->cols; c++) {
          double d = fabs((double)param_row(pa, r)[c] - (double)param_row(pb, r)[c]);
          if (d > worst) worst = d;
        }
    }
  return worst;
}

/* The batch of five, then a batch cut short (three), planned against not. */
static void same_as_flush(net_kind kind, int optim, int real, const char *what) {
  vfl_net *flushed = build(kind), *planned = build(kind), *start = build(kind);
  vfl_work *wf = trainer_work(flushed, optim, 5), *wp = trainer_work(planned, optim, 5);
  run_batch(wf, 0, 5, 0, real);
  run_batch(wp, 0, 5, 1, real);
  run_batch(wf, 1, 4, 0, real);
  run_batch(wp, 1, 4, 1, real);
  double apart = weights_apart(flushed, planned), travel = weights_apart(flushed, start);
  printf("%s: planned and flushed %.3g apart, moved %.3g\n", what, apart, travel);
  CHECK(travel > 0.01);
  /* Rows touched once are rounded as (scale / n) * dy, not (scale * dy) / n:
  ** a few ulps; indicator rows (scale 1) are the same bits. */
  CHECK(apart < 1e-6); /* clang contracts some of these products into FMAs: not always the same bits */
  work_free(wf);
  work_free(wp);
  vfl_net_free(flushed);
  vfl_net_free(planned);
  vfl_net_free(start);
}

static void every_optimizer(void) {
  static const int optims[] = {VFL_OPTIM_SGD, VFL_OPTIM_ADAGRAD, VFL_OPTIM_ADAM, VFL_OPTIM_FTRL};
  static const char *names[] = {"sgd", "adagrad", "adam", "ftrl"};
  char what[64];
  for (int o = 0; o < 4; o++)
    for (int real = 0; real < 2; real++) {
      snprintf(what, sizeof what, "linear %s %s", names[o], real ? "real" : "ones");
      same_as_flush(NET_LINEAR, optims[o], real, what);
      snprintf(what, sizeof what, "mlp %s %s", names[o], real ? "real" : "ones");
      same_as_flush(NET_MLP, optims[o], real, what);
      snprintf(what, sizeof what, "embedding sum %s %s", names[o], real ? "real" : "ones");
      same_as_flush(NET_BAG, optims[o], real, what);
    }
}

/* The wide block of an input's features is planned; a narrow one, a max
** pool (only winners get a gradient) and the dense and bias blocks are not. */
static void which_blocks_plan(void) {
  static const struct {
    net_kind kind;
    int plans;
  } cases[] = {{NET_LINEAR, 1}, {NET_MLP, 1}, {NET_BAG, 1}, {NET_MAX, 0}, {NET_NARROW, 0}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    vfl_net *net = build(cases[c].kind);
    vfl_work *w = trainer_work(net, VFL_OPTIM_ADAGRAD, 4);
    for (uint32_t i = 0; i < net->n_layers; i++)
      for (uint32_t b = 0; w->acc[i] && b < net->layers[i].n_blocks; b++) {
        int want = cases[c].plans && !strcmp(net->layers[i].name, "h") && b == 0;
        CHECK((w->acc[i][b].plan != NULL) == want);
      }
    CHECK(w->plans == cases[c].plans);
    work_free(w);
    vfl_net_free(net);
  }
  /* batch 1 keeps no accumulators at all */
  vfl_net *net = build(NET_LINEAR);
  vfl_work *w = trainer_work(net, VFL_OPTIM_ADAGRAD, 1);
  CHECK(!w->plans && !w->acc[1]);
  work_free(w);
  vfl_net_free(net);
}

/* A batch that fails after two of its four examples: the rows those two
** touched last have moved (as batch 1's would), the others' partial sums
** are dropped, and the next batch is planned from a clean table. */
static void failed_batch_leaves_no_sum(void) {
  vfl_net *net = build(NET_LINEAR), *ref = build(NET_LINEAR);
  vfl_work *w = trainer_work(net, VFL_OPTIM_SGD, 4), *wr = trainer_work(ref, VFL_OPTIM_SGD, 4);
  vfl_features f[4];
  for (uint32_t e = 0; e < 4; e++) f[e] = (vfl_features){ex_n[e], ex_idx[e], ex_val[e]};
  w->plan_size[0] = ex_n[0] + ex_n[1] + ex_n[2] + ex_n[3];
  work_plan_begin(w);
  for (uint32_t e = 0; e < 4; e++) work_plan_row(w, 0, &f[e]);
  work_plan_end(w, 4);
  uint32_t out = net->output;
  for (uint32_t e = 0; e < 2; e++) {
    float labels[WIDE];
    for (uint32_t j = 0; j < WIDE; j++) labels[j] = 1.0f;
    work_bind_input(w, 0, &f[e]);
    work_forward(w);
    loss_builtin(VFL_LOSS_SQUARE, w->act[out], WIDE, labels, w->grad[out]);
    work_backward(w);
    w->in_batch++;
  }
  work_discard_batch(w);
  const vfl_accum *a = &w->acc[1][0];
  CHECK(a->n_used == 0 && w->planned == 0 && w->in_batch == 0);
  /* feature 0 (row 2 only) and 5 (row 2 only) moved; 3 (rows 1-4) and 8 (row 4) did not */
  const vfl_param *p = &net->layers[1].blocks[0], *q = &ref->layers[1].blocks[0];
  CHECK(param_row(p, 0)[0] != param_row(q, 0)[0] && param_row(p, 5)[0] != param_row(q, 5)[0]);
  CHECK(param_row(p, 3)[0] == param_row(q, 3)[0] && param_row(p, 8)[0] == param_row(q, 8)[0]);
  /* from the same weights, the next batch lands where an unplanned one does */
  for (uint32_t i = 0; i < net->n_layers; i++)
    for (uint32_t b = 0; b < net->layers[i].n_blocks; b++)
      memcpy(ref->layers[i].blocks[b].data, net->layers[i].blocks[b].data,
             (size_t)net->layers[i].blocks[b].rows * net->layers[i].blocks[b].stride * sizeof(float));
  run_batch(w, 0, 5, 1, 1);
  run_batch(wr, 0, 5, 0, 1);
  CHECK(weights_apart(net, ref) < 1e-6);
  work_free(w);
  work_free(wr);
  vfl_net_free(net);
  vfl_net_free(ref);
}

/* Through the public trainer (shuffled, planned): four rows, zero weights,
** SGD with lr 1, square loss on 32 outputs whose labels are the row's label
** times (c + 1). Values and labels are small powers of two and integers, so
** every sum is exact in any order: w[r][c] = (c + 1) * mean(value * label). */
static void trainer_moves_by_the_mean(void) {
  static const uint32_t idx[4][2] = {{0, 1}, {0, 2}, {1, 0}, {1, 3}};
  static const float val[4][2] = {{1, 2}, {1, 1}, {1, 0}, {1, 0.5f}};
  static const uint32_t n[4] = {2, 2, 1, 2};
  static const float label[4] = {1, -1, 1, 1};
  static const float mean[4] = {0, 1, -0.25f, 0.125f};
  vfl_dataset *ds = vfl_dataset_new(WIDE);
  CHECK_OK(vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 4));
  for (int i = 0; i < 4; i++) {
    float labels[WIDE];
    for (int c = 0; c < WIDE; c++) labels[c] = label[i] * (float)(c + 1);
    vfl_features f = {n[i], (uint32_t *)idx[i], (float *)val[i]};
    vfl_row row = {labels, WIDE, 1.0f, &f, 1};
    CHECK_OK(vfl_dataset_append(ds, &row));
  }
  vfl_net *net = vfl_net_new();
  vfl_layer_spec x = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 4};
  vfl_layer_spec out = {.kind = VFL_LAYER_LINEAR, .dim = WIDE};
  CHECK_OK(vfl_net_stack(net, "x", &x));
  CHECK_OK(vfl_net_stack(net, "out", &out));
  CHECK_OK(vfl_net_init(net, 0, 1));
  float w[4 * WIDE] = {0};
  CHECK_OK(vfl_net_param_set(net, "out", 0, w));
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 1;
  o.threads = 1;
  o.batch = 4;
  o.seed = 3;
  o.keep_last_good = 0;
  o.optim.kind = VFL_OPTIM_SGD;
  o.optim.lr = 1.0f;
  vfl_loss_spec square = {VFL_LOSS_SQUARE, NULL, NULL};
  CHECK_OK(vfl_net_learn(net, ds, &square, &o));
  CHECK_OK(vfl_net_param_get(net, "out", 0, w));
  int bad = 0;
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < WIDE; c++) bad += w[r * WIDE + c] != mean[r] * (float)(c + 1);
  printf("trainer: row 1, last column moved to %g (want %g), %d weights off\n", (double)w[2 * WIDE - 1],
         (double)(mean[1] * WIDE), bad);
  CHECK(bad == 0);
  vfl_net_free(net);
  vfl_dataset_free(ds);
}

int main(void) {
  every_optimizer();
  which_blocks_plan();
  failed_batch_leaves_no_sum();
  trainer_moves_by_the_mean();
  return t_done("test_minibatch_plan");
}
