/*
** metrics.c -- log-loss, accuracy, AUC and RMSE of a net over a dataset, and
** the predictions the report's figures (metrics_report.c) are made from.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dataset.h"
#include "error.h"
#include "metrics.h"
#include "net.h"

void link_apply(int link, float *out, uint32_t n);

static int by_score(const void *a, const void *b) {
  float x = ((const scored *)a)->score, y = ((const scored *)b)->score;
  return (x > y) - (x < y);
}

void metrics_sort(scored *s, size_t n) { qsort(s, n, sizeof *s, by_score); }

/* Mann-Whitney U with average ranks for ties. */
static double auc_sorted(const scored *s, size_t n) {
  double pos = 0, rank_sum = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && s[j].score == s[i].score) j++;
    double mid = (double)(i + j + 1) / 2.0; /* mean of ranks i+1..j */
    for (size_t k = i; k < j; k++)
      if (s[k].label > 0) {
        pos++;
        rank_sum += mid;
      }
    i = j;
  }
  double neg = (double)n - pos;
  if (pos == 0 || neg == 0) return NAN;
  return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg);
}

double vfl_metrics_auc(const float *score, const float *label, size_t n) {
  scored *s = vfl_alloc((n ? n : 1) * sizeof *s);
  if (!s) return NAN;
  for (size_t i = 0; i < n; i++) s[i] = (scored){score[i], label[i]};
  metrics_sort(s, n);
  double auc = auc_sorted(s, n);
  vfl_free(s);
  return auc;
}

/* Runs the net over a dataset's rows, binding the dataset's inputs to the
** net's input layers by name once; the buffers are allocated once. */
typedef struct predictor {
  vfl_net *net;
  const vfl_dataset *ds;
  float *out;
  vfl_features *feats, *bound;
  uint32_t *index; /* room for a row's unpacked indices */
  int *slot; /* dataset input of each net input */
} predictor;

static void predictor_close(predictor *p) {
  vfl_free(p->out);
  vfl_free(p->feats);
  vfl_free(p->index);
  vfl_free(p->bound);
  vfl_free(p->slot);
}

static int predictor_open(predictor *p, vfl_net *net, const vfl_dataset *ds) {
  memset(p, 0, sizeof *p);
  if (!net->ready) return vfl_fail(VFL_EINVAL, "evaluate: the net is not initialised: call init first");
  if (!ds->rows) return vfl_fail(VFL_EINVAL, "evaluate: the dataset has no rows");
  uint32_t nin = ds->n_inputs, nn = net->n_inputs ? net->n_inputs : 1;
  p->net = net;
  p->ds = ds;
  p->out = vfl_alloc(vfl_net_outputs(net) * sizeof *p->out);
  p->feats = vfl_alloc((nin ? nin : 1) * sizeof *p->feats);
  p->index = vfl_alloc(vfl_dataset_row_room(ds) * sizeof *p->index);
  p->bound = vfl_alloc(nn * sizeof *p->bound);
  p->slot = vfl_alloc(nn * sizeof *p->slot);
  if (!p->out || !p->feats || !p->index || !p->bound || !p->slot) {
    predictor_close(p);
    return vfl_fail(VFL_ENOMEM, "evaluate: out of memory");
  }
  for (uint32_t k = 0; k < net->n_inputs; k++) {
    int d = vfl_dataset_input_find(ds, net->layers[net->inputs[k]].name);
    p->slot[k] = d >= 0 ? d : 0;
  }
  return VFL_OK;
}

/* Row i's predictions (through the link) in p->out; its labels in *row. */
static int predictor_row(predictor *p, size_t i, vfl_row *row) {
  vfl_dataset_row(p->ds, i, row, p->feats, p->index);
  for (uint32_t k = 0; k < p->net->n_inputs; k++) p->bound[k] = p->feats[p->slot[k]];
  int rc = vfl_net_forward(p->net, p->bound, p->net->n_inputs, p->out);
  if (rc == VFL_OK) link_apply(p->net->link, p->out, vfl_net_outputs(p->net));
  return rc;
}

int vfl_metrics_predict(vfl_net *net, const vfl_dataset *ds, float *out, float *labels) {
  predictor p;
  int rc = predictor_open(&p, net, ds);
  uint32_t n_out = vfl_net_outputs(net), n_labels = ds->n_labels;
  for (size_t i = 0; i < ds->rows && rc == VFL_OK; i++) {
    vfl_row row;
    rc = predictor_row(&p, i, &row);
    if (rc) break;
    memcpy(out + i * n_out, p.out, n_out * sizeof *out);
    for (uint32_t j = 0; j < n_labels; j++) labels[i * n_labels + j] = j < row.n_labels ? row.labels[j] : 0;
  }
  predictor_close(&p);
  return rc;
}

/* Adds one row's figures; out holds the predictions through the link. */
static void score_row(int link, const float *out, uint32_t n_out, const float *labels, uint32_t n_labels,
                      vfl_metrics *m, double *sq, uint64_t *sq_n) {
  if (link == VFL_LINK_SOFTMAX && n_labels == 1) {
    uint32_t best = 0, c = (uint32_t)labels[0];
    for (uint32_t j = 1; j < n_out; j++) best = out[j] > out[best] ? j : best;
    m->accuracy += best == c;
    m->logloss -= c < n_out ? log(fmax(out[c], 1e-15)) : 0;
  } else if (n_out == 1) {
    int positive = labels[0] > 0;
    float threshold = link == VFL_LINK_SIGMOID ? 0.5f : 0.0f;
    m->accuracy += (out[0] > threshold) == positive;
    if (link == VFL_LINK_SIGMOID) m->logloss -= log(fmax(positive ? out[0] : 1 - out[0], 1e-15));
  }
  for (uint32_t j = 0; j < n_out && j < n_labels; j++) {
    /* probabilities are compared with 0/1, whether labels say 0/1 or -1/+1 */
    double y = link == VFL_LINK_SIGMOID ? (labels[j] > 0) : labels[j];
    double d = out[j] - y;
    *sq += d * d;
    (*sq_n)++;
  }
}

int vfl_metrics_eval(vfl_net *net, const vfl_dataset *ds, vfl_metrics *m) {
  memset(m, 0, sizeof *m);
  predictor p;
  int rc = predictor_open(&p, net, ds);
  if (rc) return rc;
  uint32_t n_out = vfl_net_outputs(net);
  scored *s = n_out == 1 ? vfl_alloc(ds->rows * sizeof *s) : NULL;
  if (n_out == 1 && !s) rc = vfl_fail(VFL_ENOMEM, "evaluate: out of memory");
  double sq = 0;
  uint64_t sq_n = 0;
  for (size_t i = 0; i < ds->rows && rc == VFL_OK; i++) {
    vfl_row row;
    rc = predictor_row(&p, i, &row);
    if (rc) break;
    score_row(net->link, p.out, n_out, row.labels, row.n_labels, m, &sq, &sq_n);
    if (s) s[i] = (scored){p.out[0], row.labels[0]};
  }
  if (rc == VFL_OK) {
    m->rows = ds->rows;
    m->accuracy /= (double)ds->rows;
    m->logloss = net->link == VFL_LINK_IDENTITY ? NAN : m->logloss / (double)ds->rows;
    m->rmse = sq_n ? sqrt(sq / (double)sq_n) : NAN;
    m->auc = NAN;
    if (s) {
      metrics_sort(s, ds->rows);
      m->auc = auc_sorted(s, ds->rows);
    }
  }
  predictor_close(&p);
  vfl_free(s);
  return rc;
}
