/*
** test_read_numbers.c -- the readers' number parser (textnum.h) against
** strtod on a million random numbers written in the usual ways: equal to
** strtod whenever the digits fit in 2^53, within 1 ulp otherwise.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "textnum.h"

static uint64_t state = 0x9E3779B97F4A7C15u;
static uint64_t next(void) { /* splitmix64 */
  uint64_t z = (state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static int64_t ulps(double a, double b) {
  int64_t x, y;
  memcpy(&x, &a, 8);
  memcpy(&y, &b, 8);
  if (x < 0) x = INT64_MIN - x;
  if (y < 0) y = INT64_MIN - y;
  return x > y ? x - y : y - x;
}

/* Digits in the mantissa of text, as the fast path counts them. */
static uint64_t mantissa(const char *s) {
  uint64_t m = 0;
  int n = 0;
  for (; *s && *s != 'e' && *s != 'E'; s++)
    if (*s >= '0' && *s <= '9') {
      m = m * 10 + (uint64_t)(*s - '0');
      n++;
    }
  return n > 19 ? UINT64_MAX : m;
}

static void write_random(char *buf, size_t size) {
  double mag = pow(10.0, (double)(int)(next() % 60) - 30.0);
  double x = (double)(next() >> 11) / 9007199254740992.0 * mag;
  if (next() & 1) x = -x;
  int digits = 1 + (int)(next() % 19);
  switch (next() % 5) {
    case 0: snprintf(buf, size, "%.*g", digits, x); break;
    case 1: snprintf(buf, size, "%.*e", digits - 1, x); break;
    case 2: snprintf(buf, size, "%.*f", (int)(next() % 12), x); break;
    case 3: snprintf(buf, size, "%lld", (long long)(next() % 100000000000ull) - 50000000000ll); break;
    default: snprintf(buf, size, "%.*E", (int)(next() % 9), x); break;
  }
}

static void test_against_strtod(void) {
  char buf[128];
  long fast = 0, exact_bad = 0, ulp_bad = 0;
  for (int i = 0; i < 1000000; i++) {
    write_random(buf, sizeof buf - 1);
    size_t n = strlen(buf);
    buf[n] = ' '; /* the token ends at white space, as in a line */
    buf[n + 1] = '\0';
    double want = strtod(buf, NULL), got = NAN;
    const char *end = text_number(buf, ',', &got);
    CHECK(end == buf + n);
    if (text_fast_double(buf, &(double){0}) == buf + n) fast++;
    if (mantissa(buf) <= (1ull << 53)) {
      if (got != want && exact_bad++ < 5) printf("not exact: %s -> %.17g, strtod %.17g\n", buf, got, want);
    } else if (ulps(got, want) > 1 && ulp_bad++ < 5) {
      printf("more than 1 ulp: %s -> %.17g, strtod %.17g\n", buf, got, want);
    }
  }
  CHECK(exact_bad == 0);
  CHECK(ulp_bad == 0);
  CHECK(fast > 700000); /* most of these take the fast path */
  printf("fast path: %ld of 1000000\n", fast);
}

static void check_text(const char *text, int ok, double want) {
  double got = 0;
  size_t n = strlen(text);
  char buf[256];
  snprintf(buf, sizeof buf, "%s\n", text);
  const char *end = text_number(buf, ',', &got);
  if (ok) {
    CHECK(end == buf + n);
    CHECK(got == want || (isnan(want) && isnan(got)));
    if (end != buf + n || !(got == want || (isnan(want) && isnan(got)))) printf("  for \"%s\"\n", text);
  } else {
    CHECK(end == NULL);
    if (end) printf("  \"%s\" should not be a number\n", text);
  }
}

static void test_forms(void) {
  check_text("1", 1, 1);
  check_text("+1", 1, 1);
  check_text("-0", 1, -0.0);
  check_text("0.25", 1, 0.25);
  check_text("-3.5e-2", 1, -3.5e-2);
  check_text(".5", 1, 0.5);
  check_text("5.", 1, 5);
  check_text("1E+3", 1, 1000);
  check_text("6.2699720e-02", 1, 6.2699720e-02);
  check_text("0.1", 1, 0.1);
  check_text("9007199254740993", 1, 9007199254740992.0);
  check_text("1e-300", 1, 1e-300);
  check_text("1e300", 1, 1e300);
  check_text("0x10", 1, 16);
  check_text("inf", 1, INFINITY);
  check_text("-Infinity", 1, -INFINITY);
  check_text("nan", 1, NAN);
  check_text("0.000000000000000000000000000001", 1, 1e-30);
  check_text("1e0000000000000000000000000001", 1, 10);
  check_text("", 0, 0);
  check_text("-", 0, 0);
  check_text(".", 0, 0);
  check_text("e5", 0, 0);
  check_text("1e", 0, 0);
  check_text("1e+", 0, 0);
  check_text("1.2.3", 0, 0);
  check_text("12abc", 0, 0);
  check_text("--1", 0, 0);
  /* The stop byte ends a number like white space does. */
  double v = 0;
  CHECK(text_number("2.5,3", ',', &v) != NULL && v == 2.5);
}

/* text_digits8 against a digit loop: every length 0 to 8, every byte that
** can end the run (all 256), random digits; and the values at the edges. */
static void test_digits8(void) {
  for (int len = 0; len <= 8; len++)
    for (int end = 0; end < 256; end++) {
      char buf[16];
      uint32_t want = 0;
      for (int i = 0; i < len; i++) {
        buf[i] = (char)('0' + next() % 10);
        want = want * 10 + (uint32_t)(buf[i] - '0');
      }
      for (int i = len; i < 16; i++) buf[i] = (char)(i == len ? end : '7');
      int digit_end = end >= '0' && end <= '9';
      int expect = len >= 1 && len <= 7 && !digit_end ? len : 0;
      uint32_t got = 12345;
      uint32_t n = text_digits8(buf, &got);
      CHECK((int)n == expect);
      if (n) CHECK(got == want);
    }
  uint32_t v = 0;
  CHECK(text_digits8("9999999:1", &v) == 7 && v == 9999999);
  CHECK(text_digits8("0000001:", &v) == 7 && v == 1);
  CHECK(text_digits8("1:1 2:1 ", &v) == 1 && v == 1);
  CHECK(text_digits8("12345678", &v) == 0);
  CHECK(text_digits8(":1234567", &v) == 0);
  CHECK(text_digits8("/0000000", &v) == 0); /* '/' and ':' border the digits */
}

int main(void) {
  test_forms();
  test_digits8();
  test_against_strtod();
  return t_done("test_read_numbers");
}
