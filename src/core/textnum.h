/*
** textnum.h -- numbers in text, fast. The readers spend most of their time
** here, so the common forms ("1", "0.25", "-3.5e-2", "6.2699720e-02") are
** parsed inline without strtod: the digits go into a 64-bit integer m and the
** value is m * 10^e or m / 10^e with both operands exact doubles when
** m <= 2^53 and |e| <= 22, which makes the one rounding IEEE performs the
** correct one (Clinger's fast path). With 17 to 19 digits m itself is
** rounded first, and the result may be 1 ulp from strtod's. Anything else
** (more digits, larger exponents, hex, "inf", "nan") goes to strtod.
** strtod follows the C locale's decimal point, which vfl never changes.
*/
#ifndef VFL_TEXTNUM_H
#define VFL_TEXTNUM_H

#include <stddef.h>
#include <stdint.h>

extern const double text_pow10[23];

static inline int text_is_digit(char c) { return (unsigned char)(c - '0') < 10; }

/* ' ', '\t', '\n', '\v', '\f', '\r'. */
static inline int text_is_space(char c) { return c == ' ' || (unsigned char)(c - '\t') <= 4; }

/* The plain decimal at p, or NULL when p does not start with one the fast
** path handles. Returns the end of the number; the caller checks that the
** token ends there. */
static inline const char *text_fast_double(const char *p, double *out) {
  int neg = *p == '-';
  p += *p == '-' || *p == '+';
  const char *digits = p;
  uint64_t m = 0;
  while (text_is_digit(*p)) m = m * 10 + (uint64_t)(*p++ - '0');
  size_t n_int = (size_t)(p - digits), n_frac = 0;
  if (*p == '.') {
    const char *frac = ++p;
    while (text_is_digit(*p)) m = m * 10 + (uint64_t)(*p++ - '0');
    n_frac = (size_t)(p - frac);
  }
  if (n_int + n_frac == 0 || n_int + n_frac > 19) return NULL;
  int e = -(int)n_frac;
  if ((*p | 0x20) == 'e') {
    const char *x = p + 1;
    int e_neg = *x == '-';
    x += *x == '-' || *x == '+';
    if (!text_is_digit(*x)) return NULL;
    int v = 0;
    while (text_is_digit(*x)) {
      if (v < 100000) v = v * 10 + (*x - '0');
      x++;
    }
    e += e_neg ? -v : v;
    p = x;
  }
  double d;
  if (m == 0) d = 0.0;
  else if (e == 0) d = (double)m;
  else if (e < 0 && e >= -22) d = (double)m / text_pow10[-e];
  else if (e > 0 && e <= 22) d = (double)m * text_pow10[e];
  else return NULL;
  *out = neg ? -d : d;
  return p;
}

/* strtod over exactly the n bytes at p: 1 with *out set when they are one
** number and nothing else, 0 otherwise. */
int text_slow_double(const char *p, size_t n, double *out);

/* The number token at p that ends at white space or at the byte stop
** (pass ' ' for none): returns its end, or NULL when it is not a number. */
static inline const char *text_number(const char *p, char stop, double *out) {
  const char *q = text_fast_double(p, out);
  if (q && (text_is_space(*q) || *q == stop)) return q;
  size_t n = 0;
  while (!text_is_space(p[n]) && p[n] != stop) n++;
  return text_slow_double(p, n, out) ? p + n : NULL;
}

/* Exactly the n bytes at p as one number (a CSV field, whose separator may
** be any byte): 1 with *out set, or 0. */
static inline int text_number_n(const char *p, size_t n, double *out) {
  if (text_fast_double(p, out) == p + n) return 1;
  return text_slow_double(p, n, out);
}

#endif
