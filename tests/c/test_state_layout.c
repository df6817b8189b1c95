/*
** test_state_layout.c -- where a net's rows get room for the optimizer
** state. vfl_net_init lays them out for the optimizer a layer will most
** likely train with (its own, else the trainer's default, AdaGrad), so a
** first learn with it takes no new large block; another optimizer re-lays
** them out in place (narrower rows: no new block at all). Either way the
** training is exactly that of a net laid out for its optimizer from the
** start, a loaded model gets no room it did not save, and an unknown kind
** is refused.
*/
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "harness.h"
#include "vfl.h"

#define FEATURE_BITS 16
#define HIDDEN 16
#define WEIGHTS ((size_t)HIDDEN << FEATURE_BITS)
#define LARGE (WEIGHTS * sizeof(float)) /* the hidden layer's weights alone: 4 MiB */

/* Calls for LARGE bytes or more, and those of them for a fresh block (a
** resize passes the old one: that is what an in-place re-layout asks for). */
static int large, fresh_large;

static void *counting_realloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  large += size >= LARGE;
  fresh_large += size >= LARGE && !ptr;
  return realloc(ptr, size);
}

static vfl_net *mlp(int optim_kind) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 1u << FEATURE_BITS};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = HIDDEN, .intercept = 1}, r = {.kind = VFL_LAYER_RELU};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1, .intercept = 1};
  CHECK_OK(vfl_net_stack(net, "features", &in));
  CHECK_OK(vfl_net_stack(net, "h", &h));
  CHECK_OK(vfl_net_stack(net, "relu", &r));
  CHECK_OK(vfl_net_stack(net, "out", &o));
  if (optim_kind) {
    vfl_optim_spec spec = {.kind = optim_kind, .lr = 0.05f};
    CHECK_OK(vfl_net_set_optim(net, NULL, &spec));
  }
  CHECK_OK(vfl_net_init(net, -1, 3));
  return net;
}

static int learn(vfl_net *net, const vfl_dataset *ds, int kind, uint32_t batch) {
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.epochs = 2;
  o.batch = batch;
  o.optim.kind = kind;
  o.optim.lr = 0.05f;
  vfl_loss_spec logistic = {VFL_LOSS_LOGISTIC, NULL, NULL};
  return vfl_net_learn(net, ds, &logistic, &o);
}

/* Every weight of a's trained layers against b's, bit for bit; or, with
** copy, a's written into b. */
static int weights_of(const vfl_net *a, vfl_net *b, int copy) {
  static const char *const layers[] = {"h", "out"};
  int same = 1;
  for (int l = 0; l < 2; l++)
    for (uint32_t blk = 0; blk < 2; blk++) { /* the weights and the bias */
      uint32_t rows, cols;
      CHECK_OK(vfl_net_param_shape(a, layers[l], blk, &rows, &cols));
      float *wa = malloc(sizeof(float) * rows * cols), *wb = malloc(sizeof(float) * rows * cols);
      CHECK_OK(vfl_net_param_get(a, layers[l], blk, wa));
      if (copy) CHECK_OK(vfl_net_param_set(b, layers[l], blk, wa));
      CHECK_OK(vfl_net_param_get(b, layers[l], blk, wb));
      same &= memcmp(wa, wb, sizeof(float) * rows * cols) == 0;
      free(wa);
      free(wb);
    }
  return same;
}

static int same_weights(const vfl_net *a, vfl_net *b) { return weights_of(a, b, 0); }

/* The default optimizer finds its state in place; ADAM's wider rows grow
** the blocks (in place too, but a resize); SGD after it narrows them. */
static void first_learn_takes_no_new_block(const vfl_dataset *ds) {
  vfl_net *net = mlp(0);
  large = fresh_large = 0;
  CHECK_OK(learn(net, ds, VFL_OPTIM_ADAGRAD, 1));
  CHECK(large == 0);
  CHECK_OK(learn(net, ds, VFL_OPTIM_ADAM, 1));
  CHECK(large == 1); /* the hidden layer's block grows */
  CHECK_OK(learn(net, ds, VFL_OPTIM_SGD, 1));
  CHECK(large == 2 && fresh_large == 0); /* and is cut */
  vfl_net_free(net);
}

/* A net laid out for AdaGrad and trained with another optimizer trains as
** one laid out for that optimizer from the start (vfl_net_set_optim before
** init), bit for bit: the move keeps every weight and starts the new
** state at zero. Mini-batches add a sum to one-column rows, and drop it. */
static void relayout_trains_as_a_fitted_net(const vfl_dataset *ds, int kind, uint32_t batch) {
  vfl_net *moved = mlp(0), *fitted = mlp(kind);
  CHECK(same_weights(moved, fitted));
  CHECK_OK(learn(moved, ds, kind, batch));
  CHECK_OK(learn(fitted, ds, kind, batch));
  CHECK(same_weights(moved, fitted));
  CHECK_OK(learn(moved, ds, kind, 1));
  CHECK_OK(learn(fitted, ds, kind, 1));
  CHECK(same_weights(moved, fitted));
  vfl_net_free(moved);
  vfl_net_free(fitted);
}

/* A state left by one optimizer is not read by another: after ADAM, a net
** trained with AdaGrad learns as a fresh AdaGrad net holding the same
** weights. */
static void another_kind_starts_from_zero(const vfl_dataset *ds) {
  vfl_net *a = mlp(0), *fresh = mlp(VFL_OPTIM_ADAGRAD);
  CHECK_OK(learn(a, ds, VFL_OPTIM_ADAM, 1));
  (void)weights_of(a, fresh, 1);
  CHECK_OK(learn(a, ds, VFL_OPTIM_ADAGRAD, 1));
  CHECK_OK(learn(fresh, ds, VFL_OPTIM_ADAGRAD, 1));
  CHECK(same_weights(a, fresh));
  vfl_net_free(a);
  vfl_net_free(fresh);
}

/* A model saved with its weights only is loaded with no room for a state:
** loading takes blocks of the weights' size, never twice it. */
static void loaded_model_has_no_state(void) {
  vfl_net *net = mlp(0);
  const char *path = "state_layout.vfl";
  CHECK_OK(vfl_model_save_as(net, path, VFL_STORE_WEIGHTS));
  vfl_net *loaded = NULL;
  fresh_large = 0;
  CHECK_OK(vfl_model_load(path, &loaded));
  CHECK(fresh_large == 1); /* the hidden layer's weights, 4 MiB */
  CHECK(loaded && same_weights(net, loaded));
  vfl_net_free(loaded);
  vfl_net_free(net);
  remove(path);
}

/* An optimizer kind init does not know is an error that lists the kinds,
** and leaves the net uninitialised. */
static void unknown_kind_is_refused(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 8};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1};
  CHECK_OK(vfl_net_stack(net, "features", &in));
  CHECK_OK(vfl_net_stack(net, "out", &o));
  CHECK_ERR(vfl_net_init_for(net, -1, 1, 9), VFL_EINVAL,
            "init: optimizer kind 9 is unknown (0 none, 1 sgd, 2 adagrad, 3 adam, 4 ftrl)");
  CHECK(!vfl_net_ready(net));
  CHECK_OK(vfl_net_init_for(net, -1, 1, 0));
  CHECK(vfl_net_ready(net));
  vfl_net_free(net);
}

int main(void) {
  vfl_dataset *ds = NULL;
  CHECK_OK(gen_small(3000, FEATURE_BITS, 0, &ds));
  vfl_set_allocator(counting_realloc, NULL);
  first_learn_takes_no_new_block(ds);
  vfl_set_allocator(NULL, NULL);
  relayout_trains_as_a_fitted_net(ds, VFL_OPTIM_SGD, 32);
  relayout_trains_as_a_fitted_net(ds, VFL_OPTIM_ADAM, 32);
  relayout_trains_as_a_fitted_net(ds, VFL_OPTIM_FTRL, 1);
  another_kind_starts_from_zero(ds);
  unknown_kind_is_refused();
  vfl_set_allocator(counting_realloc, NULL);
  loaded_model_has_no_state();
  vfl_set_allocator(NULL, NULL);
  vfl_dataset_free(ds);
  return t_done("test_state_layout");
}
