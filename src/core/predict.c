/*
** predict.c -- running a net on one example from the caller's thread, and
** the link that turns outputs into predictions. vfl_net_forward uses the
** net's own workspace: one caller at a time per net; work_predict runs in
** the caller's (the C inference API gives each thread its own, infer.c).
*/
#include <math.h>
#include <string.h>

#include "error.h"
#include "work.h"

static int check_inputs(const vfl_net *net, const vfl_features *in, uint32_t n) {
  if (n != net->n_inputs) return vfl_fail(VFL_EINVAL, "forward: the net has %u input%s, %u given", net->n_inputs, net->n_inputs == 1 ? "" : "s", n);
  for (uint32_t k = 0; k < n; k++) {
    const vfl_layer *l = &net->layers[net->inputs[k]];
    const vfl_features *f = &in[k];
    if (!l->sparse_out) {
      if (f->n != l->dim || !f->value)
        return vfl_fail(VFL_EINVAL, "input '%s': expected %u dense values, got %u", l->name, l->dim, f->n);
      for (uint32_t j = 0; j < f->n; j++) /* as for sparse values: NaN in, NaN out helps nobody */
        if (!isfinite(f->value[j]))
          return vfl_fail(VFL_EINVAL, "input '%s': dense value %u is not a finite number", l->name, j + 1);
      continue;
    }
    for (uint32_t j = 0; j < f->n; j++) {
      if (f->index[j] >= l->dim)
        return vfl_fail(VFL_EINVAL, "input '%s': feature index %u is beyond the dimension %u", l->name, f->index[j] + 1, l->dim);
      if (f->value && !isfinite(f->value[j]))
        return vfl_fail(VFL_EINVAL, "input '%s': the value of feature %u is not a finite number", l->name, f->index[j] + 1);
    }
  }
  return VFL_OK;
}

int work_predict(vfl_work *w, const vfl_features *in, uint32_t n, float *out) {
  const vfl_net *net = w->net;
  if (!net->ready) return vfl_fail(VFL_EINVAL, "forward: the net is not initialised: call init first");
  int rc = check_inputs(net, in, n);
  if (rc) return rc;
  uint32_t most[64] = {0};
  for (uint32_t k = 0; k < n && k < 64; k++) most[k] = in[k].n;
  if ((rc = work_fit(w, most))) return rc;
  w->training = 0;
  for (uint32_t k = 0; k < n; k++) work_bind_input(w, k, &in[k]);
  work_forward(w);
  memcpy(out, w->act[net->output], net->layers[net->output].dim * sizeof(float));
  return VFL_OK;
}

int vfl_net_forward(vfl_net *net, const vfl_features *in, uint32_t n, float *out) {
  if (!net->ready) return vfl_fail(VFL_EINVAL, "forward: the net is not initialised: call init first");
  if (!net->work && !(net->work = work_new(net))) return VFL_ENOMEM;
  return work_predict(net->work, in, n, out);
}

void link_apply(int link, float *out, uint32_t n) {
  if (link == VFL_LINK_SIGMOID) {
    for (uint32_t j = 0; j < n; j++) out[j] = 1.0f / (1.0f + expf(-out[j]));
  } else if (link == VFL_LINK_SOFTMAX) {
    float top = out[0];
    for (uint32_t j = 1; j < n; j++) top = out[j] > top ? out[j] : top;
    double sum = 0;
    for (uint32_t j = 0; j < n; j++) sum += exp((double)(out[j] - top));
    for (uint32_t j = 0; j < n; j++) out[j] = (float)(exp((double)(out[j] - top)) / sum);
  }
}

int vfl_net_predict(vfl_net *net, const vfl_features *in, uint32_t n, float *out) {
  int rc = vfl_net_forward(net, in, n, out);
  if (rc == VFL_OK) link_apply(net->link, out, net->layers[net->output].dim);
  return rc;
}
