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
#include <string.h>

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

/* The run of 1 to 7 decimal digits at p that a non-digit ends within the 8
** bytes at p (all 8 must be readable): returns the number of digits and
** sets *value; 0 when p does not start with a digit or 8 digits follow.
** No loop over the digits, so no branch that mispredicts with their count
** (libsvm indices are 1 to 7 digits, in no pattern): the non-digit is
** found with a carry trick and the digits combined with three
** multiplications (the SWAR method of simdjson and fast_float).
** Little-endian hosts (see README's limits). */
static inline uint32_t text_digits8(const char *p, uint32_t *value) {
  uint64_t w;
  memcpy(&w, p, 8);
  uint64_t t = w - 0x3030303030303030ull; /* bytes before the first non-digit: 0..9, exactly */
  uint64_t nondigit = (t | (t + 0x7676767676767676ull)) & 0x8080808080808080ull;
  if (!nondigit) return 0;
  uint32_t n = (uint32_t)__builtin_ctzll(nondigit) >> 3;
  if (n == 0) return 0;
  t <<= 8 * (8 - n); /* the digits into the top bytes, zeros (leading 0 digits) below */
  t = t * 10 + (t >> 8);
  t = ((t & 0x000000FF000000FFull) * (100 + (1000000ull << 32)) +
       ((t >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32))) >> 32;
  *value = (uint32_t)t;
  return n;
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
