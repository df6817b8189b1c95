/*
** infer.c -- the C inference API (vfl.h, "inference"): a loaded model
** predicts raw text or features from any number of threads at once. The
** model is only read after it is opened; everything a prediction writes
** (the net's activations, the text's features, the outputs) lives in a
** vfl_scratch, one per thread, made by the caller or, when it passes NULL,
** for the one call.
*/
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "net.h"
#include "work.h"

struct vfl_model {
  vfl_net *net;
  uint32_t classes;  /* outputs, or 2 for one logistic output */
};

struct vfl_scratch {
  vfl_work *work;
  uint32_t *ids;     /* a text's features */
  float *counts;
  size_t cap;
  float *out;        /* the output layer, then its probabilities */
  vfl_features feat;
};

int vfl_model_open(const char *path, vfl_model **out) {
  *out = NULL;
  vfl_model *m = vfl_calloc(1, sizeof *m);
  if (!m) return VFL_ENOMEM;
  int rc = vfl_model_load(path, &m->net);
  if (rc) {
    vfl_free(m);
    return rc;
  }
  uint32_t n = vfl_net_outputs(m->net);
  m->classes = n == 1 ? 2 : n;
  *out = m;
  return VFL_OK;
}

void vfl_model_free(vfl_model *m) {
  if (!m) return;
  vfl_net_free(m->net);
  vfl_free(m);
}

const vfl_net *vfl_model_net(const vfl_model *m) { return m->net; }
uint32_t vfl_model_classes(const vfl_model *m) { return m->classes; }

const char *vfl_model_class_name(const vfl_model *m, uint32_t c) {
  const vfl_featurizer *f = vfl_net_featurizer(m->net);
  return f && f->n_classes == m->classes && c < m->classes ? f->classes[c] : NULL;
}

int vfl_scratch_new(const vfl_model *m, vfl_scratch **out) {
  *out = NULL;
  vfl_scratch *s = vfl_calloc(1, sizeof *s);
  if (!s) return VFL_ENOMEM;
  s->work = work_new(m->net); /* reads the net's shapes and weights, never writes them */
  s->out = vfl_alloc((size_t)vfl_net_outputs(m->net) * sizeof *s->out);
  if (!s->work || !s->out) {
    vfl_scratch_free(s);
    return VFL_ENOMEM;
  }
  *out = s;
  return VFL_OK;
}

void vfl_scratch_free(vfl_scratch *s) {
  if (!s) return;
  if (s->work) work_free(s->work);
  vfl_free(s->ids);
  vfl_free(s->counts);
  vfl_free(s->out);
  vfl_free(s);
}

/* Room for the features of len bytes of text; grows, never shrinks. */
static int fit_text(vfl_scratch *s, size_t need) {
  if (need <= s->cap) return VFL_OK;
  uint32_t *ids = vfl_realloc(s->ids, need * sizeof *ids);
  if (ids) s->ids = ids;
  float *counts = ids ? vfl_realloc(s->counts, need * sizeof *counts) : NULL;
  if (counts) s->counts = counts;
  if (!ids || !counts) return VFL_ENOMEM;
  s->cap = need;
  return VFL_OK;
}

int vfl_model_featurize(const vfl_model *m, vfl_scratch *s, const char *text, size_t len, vfl_features *out) {
  const vfl_featurizer *f = vfl_net_featurizer(m->net);
  if (!f || f->kind != VFL_FEATURIZE_WORDS)
    return vfl_fail(VFL_EINVAL, "featurize: the model has no text featurizer, so it cannot read raw text");
  vfl_words_options o = {f->bits, f->ngrams, f->seed, f->lower, 0};
  int rc = fit_text(s, vfl_hash_words_cap(len, f->ngrams));
  if (rc) return rc;
  size_t n = vfl_hash_words(text, len, &o, s->ids, s->counts);
  *out = (vfl_features){(uint32_t)n, s->ids, s->counts};
  return VFL_OK;
}

uint32_t vfl_rank_outputs(const float *p, uint32_t n_out, uint32_t k, uint32_t *classes, float *probs) {
  uint32_t n = n_out == 1 ? 2 : n_out, kept = 0;
  if (k > n) k = n;
  for (uint32_t i = 0; i < n && k; i++) {
    float v = n_out == 1 ? (i ? p[0] : 1 - p[0]) : p[i];
    if (kept == k && !(v > probs[k - 1])) continue; /* ties: the lower class stays first */
    uint32_t at = kept < k ? kept++ : k - 1;
    for (; at > 0 && v > probs[at - 1]; at--) {
      probs[at] = probs[at - 1];
      classes[at] = classes[at - 1];
    }
    probs[at] = v;
    classes[at] = i;
  }
  return kept;
}

static int predict_in(const vfl_model *m, vfl_scratch *s, const vfl_features *in, uint32_t n_in, uint32_t k,
                      uint32_t *classes, float *probs) {
  int rc = work_predict(s->work, in, n_in, s->out);
  if (rc) return rc;
  uint32_t n_out = vfl_net_outputs(m->net);
  link_apply(vfl_net_link(m->net), s->out, n_out);
  return (int)vfl_rank_outputs(s->out, n_out, k, classes, probs);
}

int vfl_model_predict_row(const vfl_model *m, vfl_scratch *s, const vfl_features *in, uint32_t n_in, uint32_t k,
                          uint32_t *classes, float *probs) {
  vfl_scratch *own = NULL;
  int rc = s ? VFL_OK : vfl_scratch_new(m, &own);
  if (rc == VFL_OK) rc = predict_in(m, s ? s : own, in, n_in, k, classes, probs);
  vfl_scratch_free(own);
  return rc;
}

int vfl_model_predict_text(const vfl_model *m, vfl_scratch *s, const char *text, uint32_t k, uint32_t *classes,
                           float *probs) {
  vfl_scratch *own = NULL;
  int rc = s ? VFL_OK : vfl_scratch_new(m, &own);
  vfl_scratch *use = s ? s : own;
  vfl_features x;
  if (rc == VFL_OK) rc = vfl_model_featurize(m, use, text, strlen(text), &x);
  if (rc == VFL_OK && m->net->n_inputs != 1)
    rc = vfl_fail(VFL_EINVAL, "predict: the model has %u inputs, raw text gives one", m->net->n_inputs);
  if (rc == VFL_OK) rc = predict_in(m, use, &x, 1, k, classes, probs);
  vfl_scratch_free(own);
  return rc;
}
