/*
** test_vec_bag.c -- the embedding-bag kernels (vec_bag.h) give the same
** bits as per-row loops doing the same operations in the same order
** (a multiply, then an add: no FMA), and as vec_adagrad, for widths around the 16-float pieces and the 64-float
** register limit, with indicator features and with counts (which change
** the multiplier from row to row), and with a row repeated in one bag
** (the second update must see the first).
*/
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "vec_bag.h"

#define ROWS 40
#define MAX_COLS 130

static uint32_t state = 12345u;
static float rnd(void) { /* in [-1, 1) */
  state = state * 1664525u + 1013904223u;
  return (float)(state >> 8) / (float)(1u << 23) - 1.0f;
}

static float data_a[ROWS * 2 * MAX_COLS], data_b[ROWS * 2 * MAX_COLS];

static void fill(uint32_t n) {
  for (uint32_t i = 0; i < n; i++) data_a[i] = data_b[i] = rnd();
}

static int same(const float *a, const float *b, size_t n) { return memcmp(a, b, n * sizeof *a) == 0; }

static void check_width(uint32_t cols, int with_values) {
  const uint32_t idx[] = {3, 17, 0, 39, 17, 8, 22, 5, 31, 12, 3}; /* 17 and 3 twice */
  const uint32_t n = sizeof idx / sizeof *idx;
  float val[sizeof idx / sizeof *idx];
  for (uint32_t j = 0; j < n; j++) val[j] = (float)(1 + j % 3); /* counts 1, 2, 3 */
  const float *v = with_values ? val : NULL;
  const float scale = 1.0f / (float)n;
  float dy[MAX_COLS], step[MAX_COLS];
  for (uint32_t c = 0; c < cols; c++) dy[c] = rnd();

  /* forward: y += (scale * v_j) * row, and with scale 1 */
  for (int unit = 0; unit < 2; unit++) {
    size_t stride = (size_t)cols;
    fill(ROWS * cols);
    float ya[MAX_COLS], yb[MAX_COLS];
    for (uint32_t c = 0; c < cols; c++) ya[c] = yb[c] = rnd();
    float s = unit ? 1.0f : scale;
    vec_bag_add(cols, data_a, stride, idx, v, n, s, ya);
    for (uint32_t j = 0; j < n; j++) {
      float a = v ? s * v[j] : s;
      const float *x = data_b + idx[j] * stride;
      for (uint32_t c = 0; c < cols; c++) {
        float p = a == 1.0f ? x[c] : a * x[c]; /* a statement of its own: never fused into an FMA */
        yb[c] += p;
      }
    }
    CHECK(same(ya, yb, cols));
    if (!same(ya, yb, cols)) fprintf(stderr, "  forward: cols %u, values %d, scale 1: %d\n", cols, with_values, unit);
  }

  /* SGD: row -= lr * (a_j * dy) */
  fill(ROWS * cols);
  vec_bag_sgd(cols, data_a, cols, idx, v, n, scale, dy, 0.3f, step);
  for (uint32_t j = 0; j < n; j++) {
    float a = v ? scale * v[j] : scale, *w = data_b + idx[j] * cols;
    for (uint32_t c = 0; c < cols; c++) {
      float p = 0.3f * (a * dy[c]);
      w[c] -= p;
    }
  }
  CHECK(same(data_a, data_b, ROWS * cols));

  /* AdaGrad: weights then sums of squares, stride 2 * cols */
  fill(ROWS * 2 * cols);
  for (uint32_t i = 0; i < ROWS * 2 * cols; i++) data_a[i] = data_b[i] = data_a[i] * data_a[i]; /* sums >= 0 */
  vec_bag_adagrad(cols, data_a, 2 * (size_t)cols, idx, v, n, scale, dy, 0.1f, 1e-8f);
  for (uint32_t j = 0; j < n; j++) {
    float *w = data_b + idx[j] * 2 * cols;
    vec_adagrad(cols, v ? scale * v[j] : scale, dy, w, w + cols, 0.1f, 1e-8f);
  }
  CHECK(same(data_a, data_b, ROWS * 2 * cols));
  if (!same(data_a, data_b, ROWS * 2 * cols)) fprintf(stderr, "  cols %u, values %d\n", cols, with_values);
}

int main(void) {
  const uint32_t widths[] = {1, 2, 3, 10, 15, 16, 17, 31, 33, 50, 63, 64, 65, 100, 130};
  for (size_t i = 0; i < sizeof widths / sizeof *widths; i++) {
    check_width(widths[i], 0);
    check_width(widths[i], 1);
  }
  /* an empty bag leaves everything as it was */
  float y[4] = {1, 2, 3, 4}, step[4];
  vec_bag_add(4, data_a, 4, NULL, NULL, 0, 1.0f, y);
  vec_bag_sgd(4, data_a, 4, NULL, NULL, 0, 1.0f, y, 0.1f, step);
  vec_bag_adagrad(4, data_a, 8, NULL, NULL, 0, 1.0f, y, 0.1f, 1e-8f);
  CHECK(y[0] == 1 && y[1] == 2 && y[2] == 3 && y[3] == 4);
  return t_done("test_vec_bag");
}
