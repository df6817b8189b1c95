/*
** test_metrics_report.c -- the report's figures against values worked out by
** hand on small arrays: binary counts, precision/recall/F1 and log-loss,
** calibration bins, ROC/PR points (all of them, and thinned), multiclass
** confusion and top-k, regression RMSE/MAE/R^2, and the errors.
*/
#include <math.h>

#include "harness.h"
#include "vfl.h"

static const float score[6] = {0.9f, 0.8f, 0.7f, 0.6f, 0.3f, 0.1f};
static const float label[6] = {1, 1, 0, 1, 0, 0};

static void binary(void) {
  vfl_binary_report r;
  CHECK_OK(vfl_metrics_binary(score, label, 6, 0.5, 1, &r));
  /* said positive: 0.9 0.8 0.7 0.6 -> tp 3, fp 1; 0.3 0.1 -> tn 2, fn 0 */
  CHECK(r.tp == 3 && r.fp == 1 && r.tn == 2 && r.fn == 0);
  CHECK_NEAR(r.accuracy, 5.0 / 6, 1e-12);
  CHECK_NEAR(r.precision, 0.75, 1e-12);
  CHECK_NEAR(r.recall, 1.0, 1e-12);
  CHECK_NEAR(r.f1, 6.0 / 7, 1e-12);
  double ll = -(log(0.9) + log(0.8) + log(0.3) + log(0.6) + log(0.7) + log(0.9)) / 6;
  CHECK_NEAR(r.logloss, ll, 1e-6);
  CHECK_NEAR(r.auc, 8.0 / 9, 1e-12); /* 8 of the 9 positive-negative pairs ordered right */
  /* nothing said positive: precision is 0/0 */
  CHECK_OK(vfl_metrics_binary(score, label, 6, 0.95, 0, &r));
  CHECK(r.tp == 0 && r.fn == 3 && isnan(r.precision) && r.recall == 0 && isnan(r.logloss));
  CHECK_ERR(vfl_metrics_binary(score, label, 0, 0.5, 1, &r), VFL_EINVAL, "metrics: no rows");
}

static void calibration(void) {
  uint64_t count[2];
  double mean[2], pos[2];
  CHECK_OK(vfl_metrics_calibration(score, label, 6, 2, count, mean, pos));
  CHECK(count[0] == 2 && count[1] == 4);
  CHECK_NEAR(mean[0], 0.2, 1e-6);
  CHECK_NEAR(mean[1], 0.75, 1e-6);
  CHECK_NEAR(pos[0], 0.0, 1e-12);
  CHECK_NEAR(pos[1], 0.75, 1e-12);
  CHECK_ERR(vfl_metrics_calibration(score, label, 6, 0, count, mean, pos), VFL_EINVAL,
            "metrics: calibration needs at least 1 bin");
}

static void curves(void) {
  double thr[7], fpr[7], tpr[7], prec[7];
  size_t m = vfl_metrics_curves(score, label, 6, 7, thr, fpr, tpr, prec);
  CHECK(m == 7); /* +inf, then one point per distinct score */
  CHECK(isinf(thr[0]) && fpr[0] == 0 && tpr[0] == 0 && prec[0] == 1);
  static const double want_fpr[7] = {0, 0, 0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1};
  static const double want_tpr[7] = {0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1, 1, 1};
  for (int i = 0; i < 7; i++) {
    CHECK_NEAR(fpr[i], want_fpr[i], 1e-12);
    CHECK_NEAR(tpr[i], want_tpr[i], 1e-12);
  }
  CHECK_NEAR(thr[4], 0.6, 1e-6);
  CHECK_NEAR(prec[4], 0.75, 1e-12);
  CHECK_NEAR(prec[6], 0.5, 1e-12);
  /* thinned to 3 points: the start, one in the middle, the end */
  m = vfl_metrics_curves(score, label, 6, 3, thr, fpr, tpr, prec);
  CHECK(m == 3);
  CHECK(fpr[2] == 1 && tpr[2] == 1);
  CHECK_NEAR(thr[1], 0.7, 1e-6);
  /* one class only: no curve */
  static const float ones[3] = {1, 1, 1};
  CHECK(vfl_metrics_curves(score, ones, 3, 7, thr, fpr, tpr, prec) == 0);
}

static void multiclass(void) {
  /* 4 rows, 3 classes */
  static const float prob[12] = {0.7f, 0.2f, 0.1f, /* class 0, right */
                                 0.5f, 0.3f, 0.2f, /* class 1, said 0; second */
                                 0.1f, 0.1f, 0.8f, /* class 2, right */
                                 0.2f, 0.5f, 0.3f /* class 2, said 1; second */};
  static const float y[4] = {0, 1, 2, 2};
  uint64_t conf[9], top[2];
  double ll;
  CHECK_OK(vfl_metrics_multiclass(prob, y, 4, 3, 2, conf, top, &ll));
  static const uint64_t want[9] = {1, 0, 0, 1, 0, 0, 0, 1, 1};
  for (int i = 0; i < 9; i++) CHECK(conf[i] == want[i]);
  CHECK(top[0] == 2 && top[1] == 4);
  CHECK_NEAR(ll, -(log(0.7) + log(0.3) + log(0.8) + log(0.3)) / 4, 1e-6);
  static const float bad[4] = {0, 1, 3, 2};
  CHECK_ERR(vfl_metrics_multiclass(prob, bad, 4, 3, 2, conf, top, &ll), VFL_EINVAL,
            "metrics: row 3: label 3 is not a class id in 0..2");
}

static void regression(void) {
  static const float pred[4] = {1, 2, 3, 5}, y[4] = {1, 3, 3, 3};
  vfl_regression_report r;
  CHECK_OK(vfl_metrics_regression(pred, y, 4, 1, &r));
  /* errors 0, -1, 0, 2: SSE 5, SAE 3; mean label 2.5, SST 2.25 + 3 * 0.25 = 3 */
  CHECK_NEAR(r.rmse, sqrt(5.0 / 4), 1e-12);
  CHECK_NEAR(r.mae, 0.75, 1e-12);
  CHECK_NEAR(r.r2, 1 - 5.0 / 3, 1e-12);
  static const float flat[2] = {2, 2};
  CHECK_OK(vfl_metrics_regression(pred, flat, 2, 1, &r));
  CHECK(isnan(r.r2));
}

static void multilabel(void) {
  /* 2 rows, 3 classes: row 1 relevant {0, 2}, scored 0.9 0.8 0.1 (top: 0, 1, 2);
  ** row 2 relevant {1}, scored 0.2 0.3 0.7 (top: 2, 1, 0) */
  static const float score[6] = {0.9f, 0.8f, 0.1f, 0.2f, 0.3f, 0.7f};
  static const float label[6] = {1, 0, 1, 0, 1, 0};
  double p[3], r[3];
  CHECK_OK(vfl_metrics_multilabel(score, label, 2, 3, 3, p, r));
  CHECK_NEAR(p[0], 1.0 / 2, 1e-12); /* hits at 1: row 1 yes, row 2 no */
  CHECK_NEAR(p[1], 2.0 / 4, 1e-12); /* at 2: 1 + 1 */
  CHECK_NEAR(p[2], 3.0 / 6, 1e-12); /* at 3: 2 + 1 */
  CHECK_NEAR(r[0], 1.0 / 3, 1e-12);
  CHECK_NEAR(r[1], 2.0 / 3, 1e-12);
  CHECK_NEAR(r[2], 3.0 / 3, 1e-12);
  CHECK_ERR(vfl_metrics_multilabel(score, label, 2, 3, 4, p, r), VFL_EINVAL,
            "metrics: k must be 1 to 3 (the outputs, at most 64), got 4");
}

int main(void) {
  multilabel();
  binary();
  calibration();
  curves();
  multiclass();
  regression();
  return t_done("test_metrics_report");
}
