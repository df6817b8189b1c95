/*
** metrics_report.c -- the figures of vfl.metrics.report, from predictions
** already made (vfl_metrics_predict): binary counts at a threshold,
** calibration, ROC/PR points, multiclass confusion and top-k, regression.
** Each is one pass (curves: one sort) over arrays; nothing here calls the net.
*/
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "metrics.h"
#include "vfl.h"

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

int vfl_metrics_binary(const float *score, const float *label, size_t n, double threshold, int probabilities,
                       vfl_binary_report *r) {
  memset(r, 0, sizeof *r);
  if (!n) return vfl_fail(VFL_EINVAL, "metrics: no rows");
  double ll = 0;
  for (size_t i = 0; i < n; i++) {
    int pos = label[i] > 0, said = score[i] > threshold;
    r->tp += pos && said;
    r->fp += !pos && said;
    r->fn += pos && !said;
    r->tn += !pos && !said;
    if (probabilities) ll -= log(fmax(pos ? score[i] : 1.0 - score[i], 1e-15));
  }
  r->accuracy = (double)(r->tp + r->tn) / (double)n;
  r->precision = ratio((double)r->tp, (double)(r->tp + r->fp));
  r->recall = ratio((double)r->tp, (double)(r->tp + r->fn));
  r->f1 = ratio(2.0 * (double)r->tp, (double)(2 * r->tp + r->fp + r->fn));
  r->logloss = probabilities ? ll / (double)n : NAN;
  r->auc = vfl_metrics_auc(score, label, n);
  return VFL_OK;
}

int vfl_metrics_calibration(const float *prob, const float *label, size_t n, uint32_t bins, uint64_t *count,
                            double *mean_prob, double *positive) {
  if (!bins) return vfl_fail(VFL_EINVAL, "metrics: calibration needs at least 1 bin");
  for (uint32_t b = 0; b < bins; b++) count[b] = 0, mean_prob[b] = 0, positive[b] = 0;
  for (size_t i = 0; i < n; i++) {
    double p = fmin(fmax(prob[i], 0.0), 1.0);
    uint32_t b = (uint32_t)(p * bins);
    if (b >= bins) b = bins - 1; /* p = 1 belongs to the last bin */
    count[b]++;
    mean_prob[b] += p;
    positive[b] += label[i] > 0;
  }
  for (uint32_t b = 0; b < bins; b++) {
    mean_prob[b] = ratio(mean_prob[b], (double)count[b]);
    positive[b] = ratio(positive[b], (double)count[b]);
  }
  return VFL_OK;
}

size_t vfl_metrics_curves(const float *score, const float *label, size_t n, size_t cap, double *threshold,
                          double *fpr, double *tpr, double *precision) {
  if (cap < 2 || !n) return 0;
  scored *s = vfl_alloc(n * sizeof *s);
  if (!s) return 0;
  double pos = 0;
  for (size_t i = 0; i < n; i++) {
    s[i] = (scored){score[i], label[i]};
    pos += label[i] > 0;
  }
  double neg = (double)n - pos;
  if (pos == 0 || neg == 0) {
    vfl_free(s);
    return 0;
  }
  metrics_sort(s, n);
  threshold[0] = INFINITY, fpr[0] = 0, tpr[0] = 0, precision[0] = 1;
  size_t m = 1;
  double tp = 0, fp = 0;
  /* Walk from the highest score down; a point closes each group of equal
  ** scores, and is kept when it passes the next of cap - 1 even marks. */
  for (size_t i = n; i > 0;) {
    size_t j = i;
    while (j > 0 && s[j - 1].score == s[i - 1].score) {
      j--;
      if (s[j].label > 0)
        tp++;
      else
        fp++;
    }
    size_t seen = n - j;
    if (j == 0 || (double)seen * (double)(cap - 1) >= (double)m * (double)n) {
      if (m == cap) m--; /* the last point always ends the curve */
      threshold[m] = s[i - 1].score;
      fpr[m] = fp / neg;
      tpr[m] = tp / pos;
      precision[m] = tp / (tp + fp);
      m++;
    }
    i = j;
  }
  vfl_free(s);
  return m;
}

int vfl_metrics_multiclass(const float *prob, const float *label, size_t n, uint32_t k, uint32_t topk,
                           uint64_t *confusion, uint64_t *top, double *logloss) {
  memset(confusion, 0, (size_t)k * k * sizeof *confusion);
  memset(top, 0, topk * sizeof *top);
  double ll = 0;
  for (size_t i = 0; i < n; i++) {
    const float *p = prob + i * k;
    float y = label[i];
    if (!(y >= 0 && y < (float)k && y == floorf(y)))
      return vfl_fail(VFL_EINVAL, "metrics: row %zu: label %g is not a class id in 0..%u", i + 1, (double)y, k - 1);
    uint32_t c = (uint32_t)y, best = 0, above = 0;
    for (uint32_t j = 0; j < k; j++) {
      best = p[j] > p[best] ? j : best;
      above += p[j] > p[c];
    }
    confusion[(size_t)c * k + best]++;
    for (uint32_t j = above; j < topk; j++) top[j]++;
    ll -= log(fmax(p[c], 1e-15));
  }
  *logloss = n ? ll / (double)n : NAN;
  return VFL_OK;
}

int vfl_metrics_regression(const float *pred, const float *label, size_t n, uint32_t n_out,
                           vfl_regression_report *r) {
  memset(r, 0, sizeof *r);
  if (!n || !n_out) return vfl_fail(VFL_EINVAL, "metrics: no rows");
  double *mean = vfl_alloc(n_out * sizeof *mean);
  if (!mean) return vfl_fail(VFL_ENOMEM, "metrics: out of memory");
  for (uint32_t j = 0; j < n_out; j++) mean[j] = 0;
  for (size_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n_out; j++) mean[j] += label[i * n_out + j];
  for (uint32_t j = 0; j < n_out; j++) mean[j] /= (double)n;
  double sse = 0, sae = 0, sst = 0;
  for (size_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n_out; j++) {
      double y = label[i * n_out + j], d = pred[i * n_out + j] - y;
      sse += d * d;
      sae += fabs(d);
      sst += (y - mean[j]) * (y - mean[j]);
    }
  vfl_free(mean);
  double values = (double)n * n_out;
  r->rmse = sqrt(sse / values);
  r->mae = sae / values;
  r->r2 = sst > 0 ? 1 - sse / sst : NAN;
  return VFL_OK;
}

/* The k best-scored classes of one row into best[0..k), best first (an
** insertion into a short sorted list: k is small). */
static void top_k(const float *score, uint32_t n_out, uint32_t k, uint32_t *best) {
  uint32_t have = 0;
  for (uint32_t c = 0; c < n_out; c++) {
    if (have == k && !(score[c] > score[best[k - 1]])) continue;
    uint32_t at = have < k ? have++ : k - 1;
    while (at > 0 && score[c] > score[best[at - 1]]) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = c;
  }
}

int vfl_metrics_multilabel(const float *score, const float *label, size_t n, uint32_t n_out, uint32_t k,
                           double *p_at, double *r_at) {
  if (!n || !n_out) return vfl_fail(VFL_EINVAL, "metrics: no rows");
  if (k < 1 || k > n_out || k > VFL_METRICS_MAX_K)
    return vfl_fail(VFL_EINVAL, "metrics: k must be 1 to %u (the outputs, at most %u), got %u", n_out,
                    (unsigned)VFL_METRICS_MAX_K, k);
  uint64_t hits[VFL_METRICS_MAX_K] = {0}, relevant = 0;
  uint32_t best[VFL_METRICS_MAX_K];
  for (size_t i = 0; i < n; i++) {
    const float *s = score + i * n_out, *y = label + i * n_out;
    for (uint32_t c = 0; c < n_out; c++) relevant += y[c] > 0.5f;
    top_k(s, n_out, k, best);
    uint64_t found = 0;
    for (uint32_t j = 0; j < k; j++) {
      found += y[best[j]] > 0.5f;
      hits[j] += found;
    }
  }
  for (uint32_t j = 0; j < k; j++) {
    p_at[j] = (double)hits[j] / ((double)n * (j + 1));
    r_at[j] = relevant ? (double)hits[j] / (double)relevant : NAN;
  }
  return VFL_OK;
}
