/*
** test_layer_kinds.c -- the table of layer kinds: the registered list is
** complete, a kind lacking a required operation (or with save but no load,
** or a number already taken) is refused with a message naming the kind and
** the operation, and the engine describes and sizes layers through it.
*/
#include <string.h>

#include "harness.h"
#include "layer.h"
#include "vfl.h"

extern const layer_ops layer_relu, layer_linear;

static void registered_list_is_valid(void) {
  const layer_ops *const *kinds;
  uint32_t n = layer_kinds(&kinds);
  CHECK(n >= 8);
  CHECK_OK(layer_kinds_check(kinds, n));
  for (int kind = VFL_LAYER_INPUT; kind <= VFL_LAYER_CROSS; kind++) CHECK(layer_kind(kind) != NULL);
  CHECK(layer_kind(99) == NULL);
}

static void incomplete_kinds_are_refused(void) {
  layer_ops fake = layer_relu;
  fake.name = "fake";
  fake.kind = 42;
  fake.backward = NULL;
  const layer_ops *list[] = {&layer_linear, &fake};
  CHECK_ERR(layer_kinds_check(list, 2), VFL_EINVAL, "layer kind 'fake' (42) lacks the operation 'backward'; it cannot be registered");
  fake.backward = layer_relu.backward;
  fake.example = NULL;
  CHECK_ERR(layer_kinds_check(list, 2), VFL_EINVAL, "layer kind 'fake' (42) lacks the operation 'example'; it cannot be registered");
  fake.example = layer_relu.example;
  fake.save = layer_linear.save;
  CHECK_ERR(layer_kinds_check(list, 2), VFL_EINVAL, "layer kind 'fake' (42) lacks the operation 'load'; it cannot be registered");
  fake.save = NULL;
  fake.kind = VFL_LAYER_LINEAR;
  CHECK_ERR(layer_kinds_check(list, 2), VFL_EINVAL, "layer kinds 'linear' and 'fake' share the number 2");
  fake.kind = 42;
  CHECK_OK(layer_kinds_check(list, 2));
}

/* Widths and parameter counts come from the kinds as soon as a layer is
** wired, before init; a layer below an unwired one stays unknown. */
static void shapes_before_init(void) {
  vfl_net *net = vfl_net_new();
  vfl_layer_spec s = {.kind = VFL_LAYER_INPUT, .input_kind = VFL_INPUT_SPARSE, .dim = 100};
  vfl_layer_spec h = {.kind = VFL_LAYER_LINEAR, .dim = 8, .intercept = 1};
  vfl_layer_spec r = {.kind = VFL_LAYER_RELU};
  vfl_layer_spec o = {.kind = VFL_LAYER_LINEAR, .dim = 1};
  CHECK_OK(vfl_net_add(net, "s", &s));
  CHECK_OK(vfl_net_add(net, "h", &h));
  CHECK_OK(vfl_net_add(net, "relu", &r));
  CHECK_OK(vfl_net_add(net, "out", &o));
  CHECK_OK(vfl_net_wire(net, "relu", "out"));
  CHECK(vfl_net_layer_dim(net, 2) == 0 && vfl_net_layer_params(net, 3) == 0); /* relu has no parent yet */
  CHECK_OK(vfl_net_wire(net, "s", "h"));
  CHECK_OK(vfl_net_wire(net, "h", "relu"));
  CHECK(vfl_net_layer_dim(net, 0) == 100 && vfl_net_layer_dim(net, 1) == 8 && vfl_net_layer_dim(net, 2) == 8);
  CHECK(vfl_net_layer_params(net, 1) == 100 * 8 + 8);
  CHECK(vfl_net_layer_params(net, 3) == 8);
  CHECK(vfl_net_params(net) == 816);
  CHECK(vfl_net_layer_blocks(net, 1) == 2 && vfl_net_layer_blocks(net, 2) == 0);
  CHECK(vfl_net_layer_bias(net, 1) == 1 && vfl_net_layer_bias(net, 3) == -1 && vfl_net_layer_bias(net, 2) == -1);
  CHECK_OK(vfl_net_init(net, -1, 1));
  CHECK(vfl_net_params(net) == 816);
  char buf[64];
  vfl_layer_spec spec;
  CHECK_OK(vfl_net_layer_spec(net, 1, &spec));
  vfl_layer_describe(&spec, buf, sizeof buf);
  CHECK(strcmp(buf, "linear(8)") == 0);
  CHECK(strcmp(vfl_layer_kind_name(&s), "sparse") == 0);
  vfl_net_free(net);
}

int main(void) {
  registered_list_is_valid();
  incomplete_kinds_are_refused();
  shapes_before_init();
  return t_done("test_layer_kinds");
}
