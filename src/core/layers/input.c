/*
** input.c -- an input layer: sparse, dense or grouped features bound to the
** data of each example (work_bind_input); it computes nothing.
*/
#include <stdio.h>

#include "error.h"
#include "layer.h"
#include "model_io.h"
#include "work.h"

static int check(const char *layer, const vfl_layer_spec *s) {
  if (s->input_kind != VFL_INPUT_SPARSE && s->input_kind != VFL_INPUT_DENSE && s->input_kind != VFL_INPUT_GROUPED)
    return vfl_fail(VFL_EINVAL, "layer '%s': unknown input kind %d", layer, s->input_kind);
  if (s->dim == 0) return vfl_fail(VFL_EINVAL, "layer '%s': the dimension must be at least 1", layer);
  return VFL_OK;
}

static int shape(const vfl_net *net, vfl_layer *l) {
  (void)net;
  l->dim = l->spec.dim;
  l->sparse_out = l->spec.input_kind != VFL_INPUT_DENSE;
  return VFL_OK;
}

static void forward(vfl_work *w, const vfl_layer *l, uint32_t i) {
  (void)w;
  (void)l;
  (void)i;
}

static const char *kind_name(const vfl_layer_spec *s) {
  return s->input_kind == VFL_INPUT_DENSE ? "dense" : s->input_kind == VFL_INPUT_GROUPED ? "grouped" : "sparse";
}

static int describe(const vfl_layer_spec *s, char *buf, size_t size) {
  return snprintf(buf, size, "%s(%u)", kind_name(s), s->dim);
}

static int example(uint32_t k, vfl_layer_spec *s, int *parent) {
  s->input_kind = VFL_INPUT_SPARSE;
  s->dim = 10;
  *parent = LAYER_PARENT_NONE;
  return k == 0;
}

static void save(model_writer *w, const vfl_layer_spec *s) {
  put_i32(w, s->input_kind);
  put_u32(w, s->dim);
}

static int load(model_reader *r, vfl_layer_spec *s) {
  s->input_kind = get_i32(r);
  s->dim = get_u32(r);
  return r->bad ? VFL_EFORMAT : VFL_OK;
}

const layer_ops layer_input = {
    .kind = VFL_LAYER_INPUT,
    .name = "input",
    .check = check,
    .shape = shape,
    .forward = forward,
    .backward = layer_backward_none,
    .describe = describe,
    .example = example,
    .kind_name = kind_name,
    .save = save,
    .load = load,
};
