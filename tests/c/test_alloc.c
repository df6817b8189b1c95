/*
** test_alloc.c -- training allocates nothing per example once it has
** started: the number of allocations is the same for 1,000 and 4,000 rows
** and for 1 and 3 epochs, whatever the batch size, layers or loss.
*/
#include "harness.h"
#include "rng.h"
#include "vfl.h"

#include <stdlib.h>

static long allocations;

static void *counting_realloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  if (!ptr) allocations++;
  else allocations++; /* a growth counts too */
  return realloc(ptr, size);
}

static vfl_dataset *data(size_t rows) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "x", VFL_INPUT_SPARSE, 5000);
  vfl_rng rng;
  vfl_rng_seed(&rng, 1);
  for (size_t i = 0; i < rows; i++) {
    uint32_t idx[20];
    float val[20], label = (float)(i % 4); /* 4 classes */
    for (int j = 0; j < 20; j++) {
      idx[j] = (uint32_t)vfl_rng_below(&rng, 5000);
      val[j] = (float)vfl_rng_uniform(&rng);
    }
    vfl_features f = {20, idx, val};
    vfl_row row = {&label, 1, 1.0f, &f, 1};
    vfl_dataset_append(ds, &row);
  }
  return ds;
}

static long allocations_for(size_t rows, uint32_t epochs, uint32_t batch) {
  vfl_dataset *ds = data(rows);
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 5000};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = 16, .intercept = 1};
  vfl_layer_spec r = {.kind = VFL_LAYER_RELU}, d = {.kind = VFL_LAYER_DROPOUT, .rate = 0.2f};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 4, .intercept = 1};
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "h", &h);
  vfl_net_stack(net, "relu", &r);
  vfl_net_stack(net, "drop", &d);
  vfl_net_stack(net, "out", &o);
  CHECK_OK(vfl_net_init(net, -1, 1));
  vfl_train_options opt;
  vfl_train_defaults(&opt);
  opt.epochs = epochs;
  opt.batch = batch;
  opt.optim.kind = VFL_OPTIM_ADAM;
  opt.optim.lr = 1e-3f;
  vfl_loss_spec loss = {VFL_LOSS_MULTINOMIAL, NULL, NULL};
  long before = allocations;
  CHECK_OK(vfl_net_learn(net, ds, &loss, &opt));
  long used = allocations - before;
  vfl_net_free(net);
  vfl_dataset_free(ds);
  return used;
}

int main(void) {
  vfl_set_allocator(counting_realloc, NULL);
  for (uint32_t batch = 1; batch <= 32; batch *= 32) {
    long small = allocations_for(1000, 1, batch), large = allocations_for(4000, 1, batch);
    long more_epochs = allocations_for(1000, 3, batch);
    printf("batch %u: %ld allocations for 1000 rows, %ld for 4000 rows, %ld for 3 epochs\n", batch, small, large, more_epochs);
    CHECK(small > 0); /* the hook does see the trainer's set-up */
    CHECK(small == large);
    CHECK(small == more_epochs);
  }
  vfl_set_allocator(NULL, NULL);
  return t_done("test_alloc");
}
