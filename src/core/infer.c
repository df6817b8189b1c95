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
  vfl_feature_buf feat_buf; /* a text's or a row's features (words.c scratch) */
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
  vfl_feature_buf_free(&s->feat_buf);
  vfl_free(s->out);
  vfl_free(s);
}

/* The features of s's buffer as one input. */
static vfl_features buf_features(const vfl_scratch *s) {
  return (vfl_features){s->feat_buf.n, s->feat_buf.index, s->feat_buf.value};
}

int vfl_model_featurize(const vfl_model *m, vfl_scratch *s, const char *text, size_t len, vfl_features *out) {
  const vfl_featurizer *f = vfl_net_featurizer(m->net);
  if (!f || (f->kind != VFL_FEATURIZE_WORDS && f->kind != VFL_FEATURIZE_VW))
    return vfl_fail(VFL_EINVAL, "featurize: the model has no text featurizer, so it cannot read raw text");
  int rc = vfl_featurize_text(f, text, len, &s->feat_buf); /* the one tokenizer, as training read it */
  if (rc) return rc;
  *out = buf_features(s);
  return VFL_OK;
}

int vfl_model_featurize_fields(const vfl_model *m, vfl_scratch *s, const char *const *names,
                               const char *const *values, uint32_t n, vfl_features *out) {
  const vfl_featurizer *f = vfl_net_featurizer(m->net);
  if (!f || f->kind != VFL_FEATURIZE_TABLE)
    return vfl_fail(VFL_EINVAL, "featurize: the model has no table featurizer, so it cannot read fields");
  int rc = vfl_featurize_row(f, names, values, n, &s->feat_buf);
  if (rc) return rc;
  *out = buf_features(s);
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

/* One raw input (a text, or a row's fields) featurized into the scratch,
** then predicted; what names the input in the error of a many-input net. */
typedef struct raw_input {
  const char *text;                  /* a text, or NULL for fields */
  const char *const *names, *const *values;
  uint32_t n;
  const char *what;
} raw_input;

static int predict_raw(const vfl_model *m, vfl_scratch *s, const raw_input *in, uint32_t k, uint32_t *classes,
                       float *probs) {
  vfl_scratch *own = NULL;
  int rc = s ? VFL_OK : vfl_scratch_new(m, &own);
  vfl_scratch *use = s ? s : own;
  vfl_features x;
  if (rc == VFL_OK)
    rc = in->text ? vfl_model_featurize(m, use, in->text, strlen(in->text), &x)
                  : vfl_model_featurize_fields(m, use, in->names, in->values, in->n, &x);
  if (rc == VFL_OK && m->net->n_inputs != 1)
    rc = vfl_fail(VFL_EINVAL, "predict: the model has %u inputs, %s gives one", m->net->n_inputs, in->what);
  if (rc == VFL_OK) rc = predict_in(m, use, &x, 1, k, classes, probs);
  vfl_scratch_free(own);
  return rc;
}

int vfl_model_predict_text(const vfl_model *m, vfl_scratch *s, const char *text, uint32_t k, uint32_t *classes,
                           float *probs) {
  raw_input in = {.text = text, .what = "raw text"};
  return predict_raw(m, s, &in, k, classes, probs);
}

int vfl_model_predict_fields(const vfl_model *m, vfl_scratch *s, const char *const *names, const char *const *values,
                             uint32_t n, uint32_t k, uint32_t *classes, float *probs) {
  raw_input in = {.names = names, .values = values, .n = n, .what = "a row of fields"};
  return predict_raw(m, s, &in, k, classes, probs);
}
