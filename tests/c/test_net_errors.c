/*
** test_net_errors.c -- every documented error of building a net and of
** starting a training run, with its exact message.
*/
#include "harness.h"
#include "vfl.h"

static vfl_layer_spec sparse_in(uint32_t dim) { return (vfl_layer_spec){.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = dim}; }
static vfl_layer_spec linear(uint32_t dim) { return (vfl_layer_spec){.kind = VFL_LAYER_LINEAR, .dim = dim, .intercept = 1}; }

static void building(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = sparse_in(10), zero = linear(0), l = linear(2), relu = {.kind = VFL_LAYER_RELU};
  vfl_layer_spec bad_drop = {.kind = VFL_LAYER_DROPOUT, .rate = 1.0f}, bogus = {.kind = 99};
  CHECK_ERR(vfl_net_init(net, -1, 1), VFL_EINVAL, "the net has no layers");
  CHECK_OK(vfl_net_add(net, "x", &in));
  CHECK_ERR(vfl_net_add(net, "x", &in), VFL_EINVAL, "the net has a layer called 'x' already");
  CHECK_ERR(vfl_net_add(net, "", &in), VFL_EINVAL, "a layer needs a non-empty name");
  CHECK_ERR(vfl_net_add(net, "h", &zero), VFL_EINVAL, "layer 'h': the dimension must be at least 1");
  CHECK_ERR(vfl_net_add(net, "d", &bad_drop), VFL_EINVAL, "layer 'd': the dropout rate 1 must be in [0, 1)");
  CHECK_ERR(vfl_net_add(net, "b", &bogus), VFL_EINVAL, "layer 'b': unknown layer kind 99");
  CHECK_ERR(vfl_net_wire(net, "x", "nope"), VFL_EINVAL, "wire: the net has no layer called 'nope'");
  CHECK_OK(vfl_net_add(net, "relu", &relu));
  CHECK_OK(vfl_net_wire(net, "x", "relu"));
  CHECK_ERR(vfl_net_wire(net, "relu", "x"), VFL_EINVAL, "wire 'relu' -> 'x': an input layer takes no parents");
  CHECK_ERR(vfl_net_init(net, -1, 1), VFL_EINVAL, "layer 'relu': its parent 'x' is sparse; put a linear layer between them");
  vfl_net_free(net);

  net = vfl_net_new();
  vfl_net_add(net, "x", &in);
  vfl_net_add(net, "a", &l);
  vfl_net_add(net, "b", &l);
  vfl_net_wire(net, "x", "a");
  vfl_net_wire(net, "a", "b");
  vfl_net_wire(net, "b", "a");
  CHECK_ERR(vfl_net_init(net, -1, 1), VFL_EINVAL, "the net has a cycle through layer 'a'");
  vfl_net_free(net);

  net = vfl_net_new();
  vfl_net_add(net, "x", &in);
  vfl_net_add(net, "a", &l);
  vfl_net_add(net, "b", &l);
  vfl_net_wire(net, "x", "a");
  vfl_net_wire(net, "x", "b");
  CHECK_ERR(vfl_net_init(net, -1, 1), VFL_EINVAL, "the net has two outputs, 'a' and 'b': wire them into one layer");
  vfl_net_free(net);

  net = vfl_net_new();
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "out", &l);
  CHECK_OK(vfl_net_init(net, -1, 1));
  CHECK_ERR(vfl_net_add(net, "late", &l), VFL_EINVAL, "layer 'late': the net is initialised; layers cannot be added any more");
  uint32_t idx = 10;
  vfl_features f = {1, &idx, NULL};
  float out[2];
  CHECK_ERR(vfl_net_forward(net, &f, 1, out), VFL_EINVAL, "input 'x': feature index 11 is beyond the dimension 10");
  CHECK_ERR(vfl_net_forward(net, &f, 2, out), VFL_EINVAL, "forward: the net has 1 input, 2 given");
  vfl_net_free(net);
}

static vfl_dataset *labelled(float label, uint32_t dim) {
  vfl_dataset *ds = vfl_dataset_new(1);
  vfl_dataset_add_input(ds, "features", VFL_INPUT_SPARSE, dim);
  uint32_t idx = 0;
  vfl_features f = {1, &idx, NULL};
  float ok = 1;
  vfl_row good = {&ok, 1, 1.0f, &f, 1}, row = {&label, 1, 1.0f, &f, 1};
  vfl_dataset_append(ds, &good);
  vfl_dataset_append(ds, &row);
  return ds;
}

static void learning(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec in = sparse_in(10), l1 = linear(1), l3 = linear(3);
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "out", &l1);
  vfl_loss_spec hinge = {VFL_LOSS_HINGE, NULL, NULL}, multi = {VFL_LOSS_MULTINOMIAL, NULL, NULL};
  vfl_dataset *ds = labelled(2, 10);
  CHECK_ERR(vfl_net_learn(net, ds, &hinge, NULL), VFL_EINVAL, "learn: the net is not initialised: call init first");
  vfl_net_init(net, -1, 1);
  CHECK_ERR(vfl_net_learn(net, ds, &hinge, NULL), VFL_EINVAL,
            "row 2: label 2 is not binary (the hinge loss takes 0/1 or -1/+1)");
  CHECK_ERR(vfl_net_learn(net, ds, &multi, NULL), VFL_EINVAL,
            "multinomial loss: the net needs at least 2 outputs (one per class), it has 1");
  vfl_dataset *wide = labelled(1, 20);
  CHECK_ERR(vfl_net_learn(net, wide, &hinge, NULL), VFL_EINVAL,
            "input layer 'x' has dimension 10 but the dataset's input 'features' has 20");
  vfl_dataset *empty = vfl_dataset_new(1);
  vfl_dataset_add_input(empty, "features", VFL_INPUT_SPARSE, 10);
  CHECK_ERR(vfl_net_learn(net, empty, &hinge, NULL), VFL_EINVAL, "learn: the dataset has no rows");
  vfl_train_options o;
  vfl_train_defaults(&o);
  o.optim.lr = -1;
  vfl_dataset *fine = labelled(0, 10);
  CHECK_ERR(vfl_net_learn(net, fine, &hinge, &o), VFL_EINVAL,
            "optimizer for learn: learning rate -1 must be a finite number above 0");
  vfl_net_free(net);

  net = vfl_net_new();
  vfl_net_stack(net, "x", &in);
  vfl_net_stack(net, "out", &l3);
  vfl_net_init(net, -1, 1);
  vfl_dataset *big_class = labelled(3, 10);
  CHECK_ERR(vfl_net_learn(net, big_class, &multi, NULL), VFL_EINVAL,
            "row 2: label 3 is not a class id for 3 outputs (multinomial labels are 0..2)");
  vfl_net_free(net);

  net = vfl_net_new();
  vfl_layer_spec user = sparse_in(10), item = sparse_in(10);
  vfl_net_add(net, "user", &user);
  vfl_net_add(net, "item", &item);
  vfl_net_add(net, "out", &l1);
  vfl_net_wire(net, "user", "out");
  vfl_net_wire(net, "item", "out");
  vfl_net_init(net, -1, 1);
  CHECK_ERR(vfl_net_learn(net, fine, &hinge, NULL), VFL_EINVAL,
            "input layer 'user': the dataset has no input of that name (its first is 'features')");
  vfl_net_free(net);
  vfl_dataset_free(ds);
  vfl_dataset_free(wide);
  vfl_dataset_free(empty);
  vfl_dataset_free(fine);
  vfl_dataset_free(big_class);
}

int main(void) {
  building();
  learning();
  return t_done("test_net_errors");
}
